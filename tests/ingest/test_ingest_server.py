"""The HJ 212 TCP server over real sockets on 127.0.0.1 (asyncio, one loop per test).

What is checked is what the server promises (``greenpark.ingest.server`` docstring): a 9014
leaves only after the packet's rows are committed; a resent packet never doubles a row;
a flood closes only the flooding connection; refused frames are quarantined and never
answered; SM4 stations (HJ 212-2025 §6.4) are decrypted, and their CN=1014 key exchange
rotates keys with an overlap window; silent connections time out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from greenpark.hj212 import CpItem, Decoder, Frame, Packet, build, encode_frame, parse_packet
from greenpark.hj212.link import Link, Sm4Wire
from greenpark.ingest import IngestConfig, IngestServer
from greenpark.store import Store
from greenpark.store import ingest as store_ingest
from greenpark.store.schema import Measurement, Park, Station, StationKey

PW = "123456"
KEY = b"greenpark-sm4-k0"  # 16 characters, like a NewSK (HJ 212-2025 §6.4.3)
TIMEOUT = 5.0  # [s] longest wait for an answer that must come
QUIET = 0.3  # [s] how long "no answer" is watched for

SAMPLES = Path(__file__).parents[1] / "data" / "hj212" / "hj212_samples.txt"
LINES = SAMPLES.read_text(encoding="utf-8").splitlines()
#: Frame line (1-based) → the answer a standard centre sends, from the comment under it.
REPLIES = {
    i: LINES[i].split("| reply: ")[1].split(" ")[0].encode() + b"\r\n"
    for i in range(1, len(LINES))
    if LINES[i - 1].startswith("##") and "| reply: ##" in LINES[i]
}


# ---- fixtures and helpers ----------------------------------------------------------------


def _seed(store: Store, stations: dict[str, dict[str, Any]]) -> dict[str, int]:
    """One park and ``stations`` (MN → column overrides, ``key`` for an SM4 key)."""
    ids = {}
    with store.write() as c:
        park = c.execute(insert(Park).values(code="P1", name="Park")).inserted_primary_key[0]
        for i, (mn, cols) in enumerate(stations.items()):
            cols = dict(cols)
            key = cols.pop("key", None)
            values = {"code": f"S{i}", "name": mn, "kind": "ambient_air", "mn": mn, "pw": PW}
            sid = c.execute(
                insert(Station).values(park_id=park, **{**values, **cols})
            ).inserted_primary_key[0]
            ids[mn] = sid
            if key is not None:
                now = dt.datetime.now(dt.UTC)
                store_ingest.add_station_key(c, sid, key, "20250101000000", now, dt.timedelta(0))
    return ids


def _rows(store: Store, station_id: int | None = None) -> int:
    q = select(func.count()).select_from(Measurement)
    if station_id is not None:
        q = q.where(Measurement.station_id == station_id)
    with store.read() as c:
        return int(c.execute(q).scalar_one())


def _quarantine(store: Store) -> list[dict[str, Any]]:
    with store.read() as c:
        return store_ingest.list_quarantine(c)


def upload(
    mn: str,
    qn: str,
    *,
    flag: int = 5,
    rf: str | None = None,
    pw: str = PW,
    st: str = "22",
    cn: str = "2011",
    value: str = "35.2",
    when: str = "20250601120000",
) -> Packet:
    """A real-time upload (CN=2011, HJ 212-2017 table 9) with A=1 and two pollutants: two rows."""
    return Packet(
        qn=qn,
        st=st,
        cn=cn,
        pw=pw,
        mn=mn,
        flag=flag,
        rf=rf,
        cp=(
            (CpItem("DataTime", when),),
            (CpItem("a34004-Rtd", value), CpItem("a34004-Flag", "N")),
            (CpItem("a21026-Rtd", "8.1"), CpItem("a21026-Flag", "N")),
        ),
    )


def frame(p: Packet, key: bytes | None = None, sm4: str = "text") -> bytes:
    return encode_frame(build(p), key=key, sm4=sm4)


class Client:
    """One data logger's socket: send frames, collect what the server answers."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.link: Link | None = None  # to read frames the server encrypts (1014 push)
        self.decoder = Decoder(links=lambda mn: self.link, length_framing=True)
        self.frames: list[Frame] = []
        self.last: list[Frame] = []  # the frames behind the last receive()

    @classmethod
    async def connect(cls, server: IngestServer) -> Client:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        return cls(reader, writer)

    @property
    def peer(self) -> str:
        host, port = self.writer.get_extra_info("sockname")[:2]
        return f"{host}:{port}"

    async def send(self, *frames: bytes) -> None:
        self.writer.write(b"".join(frames))
        await self.writer.drain()

    async def _read(self, timeout: float) -> bool:
        """Read once; False on end of stream."""
        data = await asyncio.wait_for(self.reader.read(65536), timeout)
        if not data:
            return False
        for item in self.decoder.feed(data):
            assert isinstance(item, Frame), item
            self.frames.append(item)
        return True

    async def receive(self, n: int = 1, timeout: float = TIMEOUT) -> list[Packet]:
        """The next ``n`` packets from the server (fails after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while len(self.frames) < n:
            if not await self._read(max(deadline - time.monotonic(), 0.001)):
                raise AssertionError(f"connection closed after {len(self.frames)} frame(s)")
        self.last, self.frames = self.frames[:n], self.frames[n:]
        return [parse_packet(f.data) for f in self.last]

    async def ack(self, qn: str) -> Packet:
        (p,) = await self.receive()
        assert (p.cn, p.qn) == ("9014", qn), build(p)
        return p

    async def quiet(self, seconds: float = QUIET) -> list[Packet]:
        """Whatever arrives within ``seconds`` (expected: nothing)."""
        try:
            await self._read(seconds)
        except TimeoutError:
            pass
        got, self.frames = self.frames, []
        return [parse_packet(f.data) for f in got]

    async def closed_by_server(self, timeout: float = TIMEOUT) -> list[Packet]:
        """Read until the server closes; returns the packets received before that."""
        try:
            while await self._read(timeout):
                pass
        except ConnectionError:
            pass  # closed with our bytes unread: a reset
        return [parse_packet(f.data) for f in self.frames]

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except ConnectionError:
            pass


@asynccontextmanager
async def serving(store: Store, **config: Any) -> AsyncIterator[IngestServer]:
    server = IngestServer(store, IngestConfig(port=0, **config))
    await server.start()
    try:
        yield server
    finally:
        await server.close()


async def eventually(check: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
    """Poll ``check`` (in a thread: it may read the store) until it returns a truthy value."""
    deadline = time.monotonic() + timeout
    while True:
        result = await asyncio.to_thread(check)
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.02)


# ---- (a) acknowledgement after commit ----------------------------------------------------


def test_ack_only_after_commit(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _seed(store, {"MNA0001": {}})
    entered, gate = threading.Event(), threading.Event()
    upsert = store_ingest.upsert_measurement_rows

    def blocked(conn: Any, rows: Any) -> int:
        entered.set()
        assert gate.wait(10), "the test never opened the gate"
        return upsert(conn, rows)

    monkeypatch.setattr(store_ingest, "upsert_measurement_rows", blocked)
    p = upload("MNA0001", "20250601120000001")

    async def main() -> None:
        async with serving(store) as server:
            client = await Client.connect(server)
            try:
                await client.send(frame(p))
                assert await asyncio.to_thread(entered.wait, TIMEOUT)
                assert await client.quiet() == []  # commit held: no 9014
                assert _rows(store) == 0
                assert server.stats.acks == 0
                gate.set()
                ack = await client.ack(p.qn)  # type: ignore[arg-type]
                assert _rows(store, ids["MNA0001"]) == 2  # committed before the ack left
                assert (ack.st, ack.pw, ack.mn, ack.flag) == ("91", PW, "MNA0001", 4)
            finally:
                gate.set()
                await client.close()
        assert server.stats.commits >= 1 and server.stats.rows_written == 2

    asyncio.run(main())


def test_no_ack_when_commit_fails(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(store, {"MNA0001": {}})
    upsert = store_ingest.upsert_measurement_rows
    failures = [RuntimeError("disk full")]

    def failing_once(conn: Any, rows: Any) -> int:
        if failures:
            raise failures.pop()
        return upsert(conn, rows)

    monkeypatch.setattr(store_ingest, "upsert_measurement_rows", failing_once)
    first = upload("MNA0001", "20250601120000001")
    second = upload("MNA0001", "20250601120000002", when="20250601120030")

    async def main() -> None:
        async with serving(store) as server:
            client = await Client.connect(server)
            await client.send(frame(first))
            assert await client.closed_by_server() == []  # no 9014, connection closed
            await client.close()
            assert server.stats.commit_errors == 1 and server.stats.acks == 0
            assert server.stats.closed["commit_failed"] == 1
            assert _rows(store) == 0
            # the server lives on; the station reconnects and resends (RF=1)
            client = await Client.connect(server)
            resent = Packet(**{**_fields(first), "rf": "1", "flag": 9})
            await client.send(frame(resent), frame(second))
            packets = await client.receive(2)
            assert {(a.cn, a.qn) for a in packets} == {("9014", first.qn), ("9014", second.qn)}
            assert _rows(store) == 4
            await client.close()

    asyncio.run(main())


def _fields(p: Packet) -> dict[str, Any]:
    return {k: getattr(p, k) for k in Packet.__dataclass_fields__ if k != "order"}


# ---- (b) resent packets ------------------------------------------------------------------


def test_resent_packet_does_not_double_rows(store: Store) -> None:
    ids = _seed(store, {"MNB0001": {}})
    p = upload("MNB0001", "20250601120000001", flag=9)  # HJ 212-2025: RF exists
    again = frame(p)
    resent = frame(Packet(**{**_fields(p), "rf": "1"}))  # HJ 212-2025 table 3: RF=1
    other = upload("MNB0001", "20250601120000002", flag=9, when="20250601120030")

    async def main() -> None:
        async with serving(store) as server:
            client = await Client.connect(server)
            for data in (frame(p), again, resent):
                await client.send(data)
                ack = await client.ack(p.qn)  # type: ignore[arg-type]
                assert ack.flag == 8  # version bits only (HJ 212-2025 Appendix C)
                assert _rows(store, ids["MNB0001"]) == 2
            assert server.stats.duplicates == 2
            await client.send(frame(other))
            await client.ack(other.qn)  # type: ignore[arg-type]
            assert _rows(store, ids["MNB0001"]) == 4
            assert server.stats.duplicates == 2
            assert server.stats.acks == 4
            await client.close()

    asyncio.run(main())


def test_resend_on_a_new_connection_is_a_duplicate(sqlite_store: Store) -> None:
    _seed(sqlite_store, {"MNB0001": {}})
    p = upload("MNB0001", "20250601120000001")

    async def main() -> None:
        async with serving(sqlite_store) as server:
            for _ in range(2):
                client = await Client.connect(server)
                await client.send(frame(p))
                await client.ack(p.qn)  # type: ignore[arg-type]
                await client.close()
            assert server.stats.duplicates == 1
            assert _rows(sqlite_store) == 2

    asyncio.run(main())


# ---- answers as the sample file gives them ---------------------------------------------


def test_answers_match_the_sample_file(store: Store) -> None:
    """Every sample frame with an expected answer (``reply:`` in hj212_samples.txt: 9014 for
    uploads, 9013 for the 1013 notification; HJ 212-2017 Appendix C, HJ 212-2025 ``Flag=8``)
    is answered with exactly those bytes, after its rows are stored."""
    _seed(
        store,
        {
            # Appendix C examples; line 103 counts its length in characters (leniency)
            "010000A8900016F000169DC0": {"hj212": {"char_length": True}},
            "Z13401000010301": {"pw": None},  # its PW has 24 characters: not checked
            "JSRCTD000YD107": {},
            "410183160889201000212505": {},
        },
    )
    assert sorted(REPLIES) == [13, 19, 29, 33, 35, 65, 69, 71, 73, 75, 77, 81, 85, 87, 89,
                               99, 101, 103, 105]  # fmt: skip

    async def main() -> None:
        async with serving(store) as server:
            client = await Client.connect(server)
            for line, reply in REPLIES.items():
                await client.send(LINES[line - 1].encode() + b"\r\n")
                await client.receive(1)
                assert client.last[0].raw == reply, line
            assert await client.quiet(0.05) == []
            await client.close()
            assert server.stats.acks == len(REPLIES)
            assert server.stats.refused == {}
            assert server.stats.lenient == {"char_length": 1}
        assert _rows(store) > 0

    asyncio.run(main())


def test_pipelined_uploads_one_write(sqlite_store: Store) -> None:
    """Thirty uploads in one write: thirty answers, sixty rows, few commits."""
    _seed(sqlite_store, {"MNP0001": {}})
    packets = [
        upload("MNP0001", f"20250601120000{n:03d}", when=f"2025060112{n:02d}00") for n in range(30)
    ]

    async def main() -> None:
        async with serving(sqlite_store) as server:
            client = await Client.connect(server)
            await client.send(*(frame(p) for p in packets))
            acks = await client.receive(30)
            assert [a.qn for a in acks] == [p.qn for p in packets]  # in order
            assert _rows(sqlite_store) == 60
            assert server.stats.commits <= 30 and server.stats.rows_written == 60
            await client.close()

    asyncio.run(main())


def test_heartbeat_9015(sqlite_store: Store) -> None:
    """HJ 212-2025 9015: answered with 9013 only when A=1 (hj212_2025.md §7)."""
    _seed(sqlite_store, {"MNH0001": {}})
    beat = Packet(qn="20250601120000001", st="22", cn="9015", pw=PW, mn="MNH0001", flag=9)
    silent = Packet(qn="20250601120000002", st="22", cn="9015", pw=PW, mn="MNH0001", flag=8)

    async def main() -> None:
        async with serving(sqlite_store) as server:
            client = await Client.connect(server)
            await client.send(frame(silent), frame(beat))
            (answer,) = await client.receive(1)
            assert (answer.cn, answer.qn, answer.flag, answer.st) == ("9013", beat.qn, 8, "91")
            assert await client.quiet(0.1) == []
            await client.close()
            assert server.stats.packets["9015"] == 2

    asyncio.run(main())


# ---- (c) error budget --------------------------------------------------------------------

_BAD_CRC = frame(upload("MNC0001", "20250601120000009"))[:-6] + b"0000\r\n"


@pytest.mark.parametrize(
    "flood",
    [
        pytest.param(b"\x00\xffnot a frame, no header " * 1000, id="garbage"),
        pytest.param(_BAD_CRC * 20, id="bad-crc"),
    ],
)
def test_flood_closes_only_that_connection(sqlite_store: Store, flood: bytes) -> None:
    _seed(sqlite_store, {"MNC0001": {}})

    async def main() -> None:
        async with serving(sqlite_store, error_budget=5) as server:
            good = await Client.connect(server)
            bad = await Client.connect(server)
            p1 = upload("MNC0001", "20250601120000001")
            await good.send(frame(p1))
            await good.ack(p1.qn)  # type: ignore[arg-type]
            try:
                await bad.send(flood)
            except ConnectionError:
                pass
            assert await bad.closed_by_server() == []
            await bad.close()
            p2 = upload("MNC0001", "20250601120000002", when="20250601120030")
            await good.send(frame(p2))
            await good.ack(p2.qn)  # type: ignore[arg-type]
            assert server.stats.closed["error_budget"] == 1
            assert server.stats.connections_open == 1
            await good.close()
        refused = _quarantine(sqlite_store)
        assert refused and {q["peer"] for q in refused} == {bad.peer}
        assert {q["reason"] for q in refused} <= {"garbage", "bad_crc"}

    asyncio.run(main())


# ---- (d) quarantine: unknown MN, wrong PW; auto-registration -----------------------------


def test_unknown_mn_and_wrong_pw_are_quarantined(store: Store) -> None:
    ids = _seed(store, {"MND0001": {}, "MND0002": {"hj212": {"crc": "hj212"}}})
    unknown = frame(upload("MNUNKNOWN", "20250601120000001"))
    wrong_pw = frame(upload("MND0001", "20250601120000002", pw="654321"))
    bad_options = frame(upload("MND0002", "20250601120000003"))
    good = upload("MND0001", "20250601120000004")

    async def main() -> None:
        async with serving(store) as server:
            client = await Client.connect(server)
            await client.send(unknown, wrong_pw, bad_options)
            await client.send(frame(good))
            await client.ack(good.qn)  # type: ignore[arg-type]  # and nothing before it
            assert await client.quiet() == []
            await client.close()
            assert server.stats.acks == 1
        refused = {q["reason"]: q for q in _quarantine(store)}
        assert set(refused) == {"unknown_mn", "bad_pw", "bad_station_options"}
        for reason, raw, mn in [
            ("unknown_mn", unknown, "MNUNKNOWN"),
            ("bad_pw", wrong_pw, "MND0001"),
            ("bad_station_options", bad_options, "MND0002"),
        ]:
            q = refused[reason]
            assert (q["raw"], q["mn"], q["peer"]) == (raw, mn, client.peer)
            assert q["message"] and q["time"].tzinfo is not None
        assert "PW" in refused["bad_pw"]["message"] and PW not in refused["bad_pw"]["message"]
        assert "crc" in refused["bad_station_options"]["message"]
        assert _rows(store) == 2 and _rows(store, ids["MND0001"]) == 2

    asyncio.run(main())


def test_auto_register_unknown_air_station(store: Store) -> None:
    _seed(store, {})
    air = upload("MNNEW0001", "20250601120000001", st="22")
    odd = upload("MNNEW0002", "20250601120000002", st="99")  # no station kind for ST=99

    async def main() -> None:
        async with serving(store, auto_register=True) as server:
            client = await Client.connect(server)
            await client.send(frame(air))
            await client.ack(air.qn)  # type: ignore[arg-type]
            await client.send(frame(odd))
            assert await client.quiet() == []
            await client.close()
        with store.read() as c:
            station = c.execute(select(Station.id, Station.mn, Station.kind, Station.code)).one()
        assert (station.mn, station.kind, station.code) == (
            "MNNEW0001",
            "ambient_air",
            "MN-MNNEW0001",
        )
        assert _rows(store, station.id) == 2
        (q,) = _quarantine(store)
        assert q["reason"] == "unknown_mn" and "ST=99" in q["message"]

    asyncio.run(main())


def test_leniency_from_registry_options(sqlite_store: Store) -> None:
    """A 2005-style station (no QN, no Flag, so no answer) accepted with its option on."""
    ids = _seed(
        sqlite_store,
        {"MNOLD0001": {"hj212": {"missing_header": True}, "kind": "wastewater_outlet"}},
    )
    cp = ((CpItem("DataTime", "20160824003817"),), (CpItem("011-Rtd", "231.0"),))
    old = Packet(st="32", cn="2011", pw=PW, mn="MNOLD0001", cp=cp)

    async def main() -> None:
        async with serving(sqlite_store) as server:
            client = await Client.connect(server)
            await client.send(frame(old))
            assert await eventually(lambda: _rows(sqlite_store, ids["MNOLD0001"]) == 1)
            assert await client.quiet(0.05) == []  # A=0: nothing to answer
            assert server.stats.lenient["missing_header"] == 1
            await client.close()

    asyncio.run(main())


# ---- (e) SM4 stations --------------------------------------------------------------------


def _crlf_upload(mn: str, qn: str) -> tuple[Packet, bytes]:
    """An upload whose raw SM4 ciphertext holds CR LF (searched over the PM2.5 value: the
    QN is in the clear header, only the CP area is encrypted)."""
    for i in range(50_000):
        p = upload(mn, qn, flag=9, value=f"{i / 10:.1f}")
        data = frame(p, KEY, "raw")
        if b"\r\n" in data[:-2]:
            return p, data
    raise AssertionError("no ciphertext with CR LF")


@pytest.mark.parametrize("wire", ["text", "raw"])
def test_sm4_station(store: Store, wire: str) -> None:
    mn = f"MNSM4{wire.upper()}"
    ids = _seed(store, {mn: {"hj212": {"sm4": wire}, "key": KEY}})
    p = upload(mn, "20250601120000001", flag=9)
    plain = upload(mn, "20250601120000002", flag=9, when="20250601120030")

    async def main() -> None:
        async with serving(store) as server:
            client = await Client.connect(server)
            data = frame(p, KEY, wire)
            assert b"a34004-Rtd" not in data  # the CP area is encrypted
            await client.send(data)
            await client.ack(p.qn)  # type: ignore[arg-type]  # answers travel in clear
            assert _rows(store, ids[mn]) == 2
            await client.send(frame(plain))
            extra = []
            if wire == "raw":
                crlf, crlf_data = _crlf_upload(mn, "20250601120000003")
                await client.send(crlf_data)
                extra = [crlf]
                await client.ack(crlf.qn)  # type: ignore[arg-type]
            assert await client.quiet() == []
            await client.close()
            assert server.stats.refused["not_encrypted"] == 1
        (q,) = _quarantine(store)
        assert (q["reason"], q["mn"], q["raw"]) == ("not_encrypted", mn, frame(plain))
        assert _rows(store, ids[mn]) == 2  # CR LF packet has the same DataTime: rewritten
        if extra:
            with store.read() as c:
                value = c.execute(
                    select(Measurement.value).where(Measurement.parameter == "a34004-Rtd/2011")
                ).scalar_one()
            assert value == float(extra[0].get("a34004-Rtd"))  # type: ignore[arg-type]

    asyncio.run(main())


# ---- (f) CN=1014 key exchange ------------------------------------------------------------


@pytest.mark.parametrize("wire", ["text", "raw"])
def test_key_exchange_1014(
    sqlite_store: Store, wire: str, caplog: pytest.LogCaptureFixture
) -> None:
    """HJ 212-2025 §6.4.3 (hj212_2025.md §5): the station asks with an encrypted CN=1014;
    the centre answers 9013, then pushes ``SKCreateTime`` and ``NewSK`` encrypted with the
    old key. Both keys work until the station uses the new one; then the old one retires."""
    mn = "MNKEY0001"
    ids = _seed(sqlite_store, {mn: {"hj212": {"sm4": wire}, "key": KEY}})
    request = Packet(qn="20250601120000000", st="22", cn="1014", pw=PW, mn=mn, flag=9,
                     cp=((CpItem("SKCreateTime", "20250101000000"),),))  # fmt: skip

    def data(n: int, key: bytes) -> tuple[Packet, bytes]:
        p = upload(mn, f"2025060112000{n:04d}", flag=9, when=f"2025060112{n:02d}00")
        return p, frame(p, key, wire)

    def keys() -> list[tuple[bytes, dt.datetime | None]]:
        with sqlite_store.read() as c:
            q = select(StationKey.key, StationKey.valid_until).order_by(StationKey.id)
            return [(bytes(k), v) for k, v in c.execute(q)]

    async def main() -> None:
        async with serving(sqlite_store) as server:
            client = await Client.connect(server)
            client.link = Link(sm4=Sm4Wire(wire), keys=(KEY,))
            await client.send(frame(request, KEY, wire))
            answer, push = await client.receive(2)
            assert (answer.cn, answer.qn, answer.flag) == ("9013", request.qn, 8)
            push_frame = client.last[1]
            assert push_frame.key_index == 0 and b"NewSK" not in push_frame.raw  # old key
            assert (push.cn, push.mn, push.pw, push.flag) == ("1014", mn, PW, 9)
            new_key = (push.get("NewSK") or "").encode()
            assert len(new_key) == 16 and new_key != KEY
            assert len(push.get("SKCreateTime") or "") == 14
            assert server.stats.keys_rotated == 1
            (old, old_until), (new, new_until) = keys()
            assert (old, new, new_until) == (KEY, new_key, None)
            assert old_until is not None and old_until > dt.datetime.now(dt.UTC)  # overlap
            # overlap: the old key still works, then the new one
            for n, key in ((1, KEY), (2, new_key)):
                p, raw = data(n, key)
                await client.send(raw)
                await client.ack(p.qn)  # type: ignore[arg-type]
            # the station used the new key: the old one is retired
            (_, old_until), (_, new_until) = keys()
            assert old_until is not None and old_until <= dt.datetime.now(dt.UTC)
            assert new_until is None
            stale, raw = data(3, KEY)
            await client.send(raw)
            fresh, raw = data(4, new_key)
            await client.send(raw)
            await client.ack(fresh.qn)  # type: ignore[arg-type]  # and none for the stale one
            await client.close()
        (q,) = _quarantine(sqlite_store)
        assert q["reason"] == "bad_crc" and q["raw"] == frame(stale, KEY, wire)
        assert _rows(sqlite_store, ids[mn]) == 6
        assert "key_rotated" in caplog.text and "key_overlap_ended" in caplog.text
        assert KEY.decode() not in caplog.text and new_key.decode() not in caplog.text

    caplog.set_level("INFO", logger="greenpark.ingest")

    asyncio.run(main())


def test_repeated_key_request_push_readable_with_the_station_key(sqlite_store: Store) -> None:
    """The station asks again (under its only key K0) because the first push was lost: the
    second push must be encrypted with K0 too, the key the request was decrypted with."""
    mn = "MNKEY0002"
    _seed(sqlite_store, {mn: {"hj212": {"sm4": "text"}, "key": KEY}})
    request = Packet(qn="20250601120000000", st="22", cn="1014", pw=PW, mn=mn, flag=9,
                     cp=((CpItem("SKCreateTime", "20250101000000"),),))  # fmt: skip

    async def main() -> None:
        async with serving(sqlite_store) as server:
            client = await Client.connect(server)
            client.link = Link(sm4=Sm4Wire.TEXT, keys=(KEY,))
            for _ in range(2):
                await client.send(frame(request, KEY))
                answer, push = await client.receive(2)
                assert answer.cn == "9013" and push.get("NewSK")
                assert client.last[1].key_index == 0
            await client.close()

    asyncio.run(main())


# ---- (g) idle timeout --------------------------------------------------------------------


def test_idle_timeout_closes_a_silent_connection(sqlite_store: Store) -> None:
    _seed(sqlite_store, {"MNG0001": {}})

    async def main() -> None:
        async with serving(sqlite_store, idle_timeout=0.2) as server:
            silent = await Client.connect(server)
            t0 = time.monotonic()
            assert await silent.closed_by_server(timeout=TIMEOUT) == []
            assert 0.15 < time.monotonic() - t0 < 3.0
            await silent.close()
            assert server.stats.closed["idle_timeout"] == 1
            assert server.stats.connections_open == 0
        # a station that keeps talking is not cut off: the timeout counts from the last read
        async with serving(sqlite_store, idle_timeout=0.5) as server:
            busy = await Client.connect(server)
            t0 = time.monotonic()
            for n in range(5):
                p = upload("MNG0001", f"2025060112000000{n}", when=f"202506011200{n}0")
                await busy.send(frame(p))
                await busy.ack(p.qn)  # type: ignore[arg-type]
                await asyncio.sleep(0.15)
            assert time.monotonic() - t0 > 0.5
            assert server.stats.closed["idle_timeout"] == 0
            await busy.close()

    asyncio.run(main())


# ---- other limits ------------------------------------------------------------------------


def test_connection_cap_and_frame_size(sqlite_store: Store) -> None:
    _seed(sqlite_store, {"MNL0001": {}})
    big = upload("MNL0001", "20250601120000001", value="1" * 1100)  # segment > 1024 bytes
    small = upload("MNL0001", "20250601120000002")

    async def main() -> None:
        async with serving(sqlite_store, max_connections=1, max_segment=1024) as server:
            first = await Client.connect(server)
            second = await Client.connect(server)
            assert await second.closed_by_server() == []
            await second.close()
            assert server.stats.closed["too_many_connections"] == 1
            await first.send(frame(big), frame(small))
            await first.ack(small.qn)  # type: ignore[arg-type]
            assert await first.quiet(0.05) == []
            await first.close()
            # the header is refused, the rest of the frame is then garbage
            assert server.stats.refused == {"too_long": 1, "garbage": 1}
        garbage, too_long = _quarantine(sqlite_store)  # newest first
        assert too_long["reason"] == "too_long" and too_long["raw"] == frame(big)[:6]
        assert garbage["reason"] == "garbage" and too_long["raw"] + garbage["raw"] == frame(big)

    asyncio.run(main())
