"""``greenpark hj212 ...`` and ``greenpark quarantine ...`` through click's CliRunner.

``hj212 decode`` runs over ``tests/data/hj212/hj212_samples.txt`` (expected reason codes
from the category of each line); ``hj212 simulate`` runs against an :class:`IngestServer`
in a background thread with its own event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, insert, select

from greenpark.cli import cli
from greenpark.errors import InputError, NotFoundError
from greenpark.ingest import IngestConfig, IngestServer
from greenpark.store import Store
from greenpark.store import ingest as store_ingest
from greenpark.store.schema import Measurement, Park, Station

SAMPLES = Path(__file__).parent / "data" / "hj212" / "hj212_samples.txt"
LINES = SAMPLES.read_text(encoding="utf-8").splitlines()
#: Line number → category, from the ``# [category]`` comment under each frame.
CATEGORY = {
    i: LINES[i].split("]")[0][3:] for i in range(1, len(LINES) + 1) if LINES[i - 1].startswith("##")
}
REASON = {
    "valid": None,
    "derived": None,
    "bad-crc": "bad_crc",
    "vendor-crc": "bad_crc",
    "bad-frame": "bad_length",
    "derived-lenient": "bad_length",
}
KEY = "greenpark-key-01"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = Store(url)
    store.migrate()
    yield url, store
    store.dispose()


def run(url: str, *args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["--database", url, *args], input=input)


def _lines(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def _seed(store: Store, stations: list[dict[str, Any]]) -> list[int]:
    with store.write() as c:
        park = c.execute(insert(Park).values(code="P1", name="Park")).inserted_primary_key[0]
        out = []
        for i, s in enumerate(stations):
            values = {"code": f"S{i}", "name": s["mn"], "kind": "ambient_air", "pw": "123456"}
            out.append(
                c.execute(
                    insert(Station).values(park_id=park, **{**values, **s})
                ).inserted_primary_key[0]
            )
    return out


# ---- hj212 decode ------------------------------------------------------------------------


def test_decode_sample_file(db: tuple[str, Store]) -> None:
    url, _ = db
    result = run(url, "hj212", "decode", str(SAMPLES))
    assert result.exit_code == 1  # some lines are refused
    out = _lines(result)
    assert len(out) == len(CATEGORY) == 49
    assert [o["line"] for o in out] == sorted(CATEGORY)
    for o in out:
        want = REASON[CATEGORY[o["line"]]]
        assert o["ok"] is (want is None), o
        if want is not None:
            assert o["reason"] == want and o["message"], o
    assert result.stderr.strip() == "8 line(s) refused"
    # line 13 (IceCoffee.HJ212 README): fields and the answer a centre owes
    o = next(o for o in out if o["line"] == 13)
    assert {k: o[k] for k in ("qn", "st", "cn", "mn", "flag", "version", "ack_wanted")} == {
        "qn": "20190925181031464",
        "st": "22",
        "cn": "2061",
        "mn": "Z13401000010301",
        "flag": 5,
        "version": 1,
        "ack_wanted": True,
    }
    assert o["crc_method"] == "hj212" and o["reply_cn"] == "9014"
    assert o["cp"][0] == [["DataTime", "20190924220000"]]
    assert o["cp"][1] == [["a34006-Avg", "2.69700"], ["a34006-Flag", "N"]]
    # line 11 (HJ 212-2017 Appendix A): a centre request, no answer from a centre
    o = next(o for o in out if o["line"] == 11)
    assert (o["cn"], o["reply_cn"], o["cp"]) == ("1062", None, [[["RtdInterval", "30"]]])


def test_decode_with_leniency_options(db: tuple[str, Store]) -> None:
    url, _ = db
    args = ["hj212", "decode", "--crc", "hj212", "--crc", "modbus_swapped", "--char-length"]
    out = {o["line"]: o for o in _lines(run(url, *args, str(SAMPLES)))}
    for line, category in CATEGORY.items():
        if category == "vendor-crc":
            assert out[line]["ok"] and out[line]["crc_method"] == "modbus_swapped"
        elif category == "derived-lenient":
            assert out[line]["ok"] and out[line]["crc_method"] == "hj212"
        elif category in ("bad-crc", "bad-frame"):
            assert not out[line]["ok"], out[line]


def test_decode_exit_zero_stdin_and_comments(db: tuple[str, Store]) -> None:
    url, _ = db
    good = [LINES[i - 1] for i, c in CATEGORY.items() if c == "valid"][:3]
    text = "# a comment\n\n" + "\r\n".join(good) + "\n"
    result = run(url, "hj212", "decode", "-", input=text.encode())
    assert result.exit_code == 0, result.output
    out = _lines(result)
    assert [o["line"] for o in out] == [3, 4, 5] and all(o["ok"] for o in out)


def test_decode_refusals(db: tuple[str, Store], tmp_path: Path) -> None:
    url, _ = db
    f = tmp_path / "capture.txt"
    f.write_bytes(b"garbage here\n##0101QN=1\n" + LINES[10].encode() + b"\r\n")
    result = run(url, "hj212", "decode", str(f))
    assert result.exit_code == 1
    first, second, third = _lines(result)
    assert (first["line"], first["ok"], first["reason"]) == (1, False, "garbage")
    assert (second["ok"], second["reason"]) == (False, "bad_length")  # a truncated frame
    assert second["message"] == "declared length 101, segment has 0 bytes"
    assert third["ok"] and third["cn"] == "1062"
    assert result.stderr.strip() == "2 line(s) refused"


def test_decode_unknown_crc_method(db: tuple[str, Store]) -> None:
    url, _ = db
    result = run(url, "hj212", "decode", "--crc", "crc32", str(SAMPLES))
    assert isinstance(result.exception, InputError)
    assert "must be one of" in str(result.exception)


# ---- quarantine list ---------------------------------------------------------------------


def test_quarantine_list(db: tuple[str, Store]) -> None:
    url, store = db
    raw = LINES[60].encode() + b"\r\n"  # line 61: bad CRC (lily_2006/jh212-parser README)
    when = dt.datetime(2025, 6, 1, 4, 5, 6, tzinfo=dt.UTC)
    with store.write() as c:
        store_ingest.quarantine(
            c,
            [
                {
                    "time": when,
                    "peer": "10.0.0.7:40001",
                    "mn": "C201801010001",
                    "reason": "bad_crc",
                    "message": "check value ED94, HJ 212 CRC of the segment is A441",
                    "raw": raw,
                }
            ],
        )
    result = run(url, "quarantine", "list")
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert line.startswith("2025-06-01 04:05:06Z  10.0.0.7:40001")
    assert "C201801010001" in line and "bad_crc" in line and "A441" in line
    assert "\r" not in line and "[##0137ST=32;CN=2011;" in line
    assert result.stderr.strip() == "1 refused frame(s) kept: bad_crc 1"
    (row,) = _lines(run(url, "quarantine", "list", "--json"))
    assert bytes.fromhex(row["raw"]) == raw
    assert (row["reason"], row["mn"], row["peer"]) == ("bad_crc", "C201801010001", "10.0.0.7:40001")
    assert dt.datetime.fromisoformat(row["time"]) == when
    assert run(url, "quarantine", "list", "--reason", "unknown_mn").stdout == ""
    assert run(url, "quarantine", "list", "--mn", "OTHER").stdout == ""
    assert len(_lines(run(url, "quarantine", "list", "--json", "--mn", "C201801010001"))) == 1


# ---- hj212 set-key -----------------------------------------------------------------------


def _keys(store: Store, mn: str) -> tuple[bytes, ...]:
    with store.read() as c:
        return store_ingest.stations_by_mn(c, dt.datetime.now(dt.UTC))[mn].keys


def test_set_key(db: tuple[str, Store], tmp_path: Path) -> None:
    url, store = db
    _seed(store, [{"mn": "MNKEY0001", "hj212": {"sm4": "text"}}])
    f = tmp_path / "key.txt"
    f.write_text(KEY + "\n", encoding="utf-8")
    result = run(url, "hj212", "set-key", "MNKEY0001", "--key-file", str(f))
    assert result.exit_code == 0, result.output
    assert "SM4 key set for station S0 (MN MNKEY0001)" in result.stdout
    assert KEY not in result.output  # keys are never echoed
    assert _keys(store, "MNKEY0001") == (KEY.encode(),)
    # a second key replaces the first at once (no overlap)
    f.write_text("another-key-0002", encoding="utf-8")
    assert run(url, "hj212", "set-key", "MNKEY0001", "--key-file", str(f)).exit_code == 0
    assert _keys(store, "MNKEY0001") == (b"another-key-0002",)


@pytest.mark.parametrize(("text", "n"), [("short", 5), (KEY + "x", 17), ("密钥" * 8, 48)])
def test_set_key_wrong_length(db: tuple[str, Store], tmp_path: Path, text: str, n: int) -> None:
    url, store = db
    _seed(store, [{"mn": "MNKEY0001"}])
    f = tmp_path / "key.txt"
    f.write_text(text, encoding="utf-8")
    result = run(url, "hj212", "set-key", "MNKEY0001", "--key-file", str(f))
    assert isinstance(result.exception, InputError)
    assert str(result.exception) == f"an SM4 key is 16 bytes; this one has {n}"
    assert _keys(store, "MNKEY0001") == ()


def test_set_key_unknown_station(db: tuple[str, Store], tmp_path: Path) -> None:
    url, _ = db
    f = tmp_path / "key.txt"
    f.write_text(KEY, encoding="utf-8")
    result = run(url, "hj212", "set-key", "NOSUCHMN", "--key-file", str(f))
    assert isinstance(result.exception, NotFoundError)


# ---- hj212 simulate ----------------------------------------------------------------------


@contextmanager
def server_thread(store: Store) -> Iterator[IngestServer]:
    """An IngestServer on 127.0.0.1 with its own event loop in a background thread."""
    loop = asyncio.new_event_loop()
    server = IngestServer(store, IngestConfig(port=0))
    ready = threading.Event()
    failed: list[BaseException] = []

    def main() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.start())
        except BaseException as exc:  # surfaced below
            failed.append(exc)
            ready.set()
            return
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=main, name="ingest-test", daemon=True)
    thread.start()
    assert ready.wait(10) and not failed, failed
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def test_simulate_against_server(db: tuple[str, Store]) -> None:
    url, store = db
    ids = _seed(
        store,
        [{"mn": "MNSIM0001"}, {"mn": "MNSIM0002", "hj212": {"sm4": "text"}}],
    )
    with store.write() as c:
        now = dt.datetime.now(dt.UTC)
        store_ingest.add_station_key(
            c, ids[1], KEY.encode(), "20250101000000", now, dt.timedelta(0)
        )
    with server_thread(store) as server:
        args = ["--stations", "2", "--rate", "100", "--count", "6", "--cn", "2011"]
        result = run(url, "hj212", "simulate", *args, "--to", f"127.0.0.1:{server.port}")
        stats = server.stats
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["stations"] == 2
    assert summary["sent"] == summary["acked"] == 6
    assert summary["unacked"] == 0
    assert stats.acks == 6 and stats.refused == {}
    with store.read() as c:
        q = select(Measurement.station_id, func.count()).group_by(Measurement.station_id)
        per_station = dict(c.execute(q).all())
    assert set(per_station) == set(ids)  # the SM4 station's data was decrypted and stored


def test_simulate_errors(db: tuple[str, Store]) -> None:
    url, store = db
    _seed(store, [{"mn": "MNSIM0001"}])
    result = run(url, "hj212", "simulate", "--to", "nowhere")
    assert isinstance(result.exception, InputError) and "HOST:PORT" in str(result.exception)
    result = run(url, "hj212", "simulate", "--stations", "3", "--to", "127.0.0.1:1")
    assert isinstance(result.exception, InputError)
    assert "the registry has 1 station(s)" in str(result.exception)
