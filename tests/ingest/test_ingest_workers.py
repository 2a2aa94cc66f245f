"""``greenpark hj212 serve --workers N``: worker processes share one listening socket."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from greenpark.hj212 import Decoder, Frame, encode_frame, parse_packet
from greenpark.store import Store
from greenpark.store.schema import Measurement, Station


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _upload(k: int) -> bytes:
    # HJ 212-2017 table C.16 style hourly upload with A=1 (Flag=5), one station per packet
    seg = (
        f"QN=20260101{k:02d}0000000;ST=22;CN=2061;PW=123456;MN=WORKER{k:04d};Flag=5;"
        f"CP=&&DataTime=20260101{k:02d}0000;a34004-Avg={10 + k},a34004-Flag=N&&"
    )
    return encode_frame(seg)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_two_workers_acknowledge_and_stop_on_sigint(park_url: str) -> None:
    url = park_url
    store = Store(url)
    with store.write() as c:
        c.execute(
            insert(Station),
            [
                {"park_id": 1, "code": f"W{k}", "name": "w", "kind": "ambient_air",
                 "mn": f"WORKER{k:04d}", "pw": "123456"}
                for k in range(8)
            ],
        )  # fmt: skip
    cmd = [sys.executable, "-m", "greenpark", "--database", url, "hj212", "serve"]
    proc = subprocess.Popen(
        [*cmd, "--port", "0", "--workers", "2"],
        stderr=subprocess.PIPE,
        text=True,
        # SIGINT as a terminal gives it: a shell starts a background job (e.g. `.ci/run &`)
        # with SIGINT ignored, which the server would inherit and never stop on
        preexec_fn=_default_sigint,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        m = re.search(r"HJ 212 server on 127\.0\.0\.1:(\d+) \(2 worker\(s\)\)", line)
        assert m, line
        port = int(m.group(1))
        deadline = time.monotonic() + 10
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = _children(proc.pid)
        assert len(workers) == 2
        for k in range(8):  # eight connections, spread over the workers by the kernel
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(_upload(k))
                decoder, got = Decoder(), []
                while not got:
                    data = s.recv(4096)
                    assert data, "connection closed without an answer"
                    got = [i for i in decoder.feed(data) if isinstance(i, Frame)]
                answer = parse_packet(got[0].data)
                assert (answer.cn, answer.mn) == ("9014", f"WORKER{k:04d}")
        with store.read() as c:  # acknowledged means committed
            assert c.execute(select(func.count()).select_from(Measurement)).scalar_one() == 8
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_workers_must_be_positive(tmp_path: Path) -> None:
    from greenpark.ingest.server import IngestConfig
    from greenpark.ingest.workers import serve

    with pytest.raises(ValueError, match="at least 1"):
        serve(f"sqlite:///{tmp_path / 'x.db'}", IngestConfig(port=0), workers=0)


def test_demo_serves_without_hj212_when_its_port_is_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``greenpark demo`` must start on any machine: a busy default HJ 212 port is a warning
    (``serve --ingest-port`` and ``demo --live`` need the server and fail instead)."""
    import socket as socket_module

    import uvicorn

    from greenpark import cli as cli_module
    from greenpark.config import Settings

    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **_: served.append(app))
    store = Store(f"sqlite:///{tmp_path / 'd.db'}")
    store.migrate()
    settings = Settings(secret_key="x" * 40, database_url=store.url)
    with socket_module.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        settings = settings.model_copy(update={"ingest_port": port})
        cli_module._serve(settings, store, None, 0, None, ingest_optional=True)
        assert served and served[-1].state.ingest is None  # type: ignore[attr-defined]
        cli_module._serve(settings, store, None, 0, None, ingest_optional=False)
        assert served[-1].state.ingest is not None  # type: ignore[attr-defined]
