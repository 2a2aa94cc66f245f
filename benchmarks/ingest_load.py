"""End-to-end HJ 212 load: many station connections on loopback, A=1, into SQLite.

The server runs as its own process (``greenpark hj212 serve``) on a fresh SQLite file with
``--stations`` registered stations; this script plays the stations from one process with
one connection each. Frames are built before the clock starts (typical ~400-byte air
real-time packets, CN=2011, seven pollutants and three weather values), so the figures
measure the server, not the client's packet building; every acknowledgement is still
matched to its QN.

Printed: sustained packets/s and rows/s, p50/p99 acknowledgement latency [ms] (send to
9014 received), the server's peak resident memory [MiB], and a check that the store holds
exactly packets x rows-per-packet rows. Target (issue 5): >= 5,000 packets/s with 1,000
connections on the 2-core reference machine.

    python benchmarks/ingest_load.py [--stations 1000] [--rate 6000] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select

from greenpark.hj212 import CpItem, Packet, build, encode_frame
from greenpark.ingest.server import run_loop
from greenpark.store import Store
from greenpark.store.schema import Measurement, Park, Station

CODES = {  # air real-time values [µg/m³; CO mg/m³]
    "a34004": 35.2,
    "a34002": 61.7,
    "a21026": 8.1,
    "a21004": 24.9,
    "a21005": 0.72,
    "a05024": 81.3,
    "a21003": 12.5,
    "a01001": 18.4,  # air temperature [°C]
    "a01002": 71.0,  # relative humidity [%]
    "a01006": 89.31,  # pressure [kPa]
}
_QN = re.compile(rb"QN=(\d+);")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def frames_for(mn: str, n: int, start: dt.datetime) -> list[tuple[bytes, bytes]]:
    """``n`` real-time packets of station ``mn``, 30 s apart: (QN, frame)."""
    out = []
    for k in range(n):
        t = start + dt.timedelta(seconds=30 * k)
        stamp = t.strftime("%Y%m%d%H%M%S")
        cp = [(CpItem("DataTime", stamp),)]
        for code, v in CODES.items():
            value = f"{v * (1 + 0.01 * (k % 17)):.2f}"
            cp.append((CpItem(f"{code}-Rtd", value), CpItem(f"{code}-Flag", "N")))
        qn = stamp + f"{k % 1000:03d}"
        p = Packet(qn=qn, st="22", cn="2011", pw="123456", mn=mn, flag=5, cp=tuple(cp))
        out.append((qn.encode(), encode_frame(build(p))))
    return out


async def station(
    conn: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    frames: list[tuple[bytes, bytes]],
    t0: float,
    interval: float,
    latencies: list[float],
    lost: list[int],
) -> None:
    """Send ``frames`` every ``interval`` from ``t0`` on; match the 9014s by QN."""
    reader, writer = conn
    sent: dict[bytes, float] = {}

    async def read() -> None:
        buf = b""
        while data := await reader.read(65536):
            buf += data
            *lines, buf = buf.split(b"\r\n")
            now = time.perf_counter()
            for line in lines:
                m = _QN.search(line)
                if m and m.group(1) in sent:
                    latencies.append((now - sent.pop(m.group(1))) * 1000)

    task = asyncio.create_task(read())
    try:
        for i, (qn, frame) in enumerate(frames):
            delay = t0 + i * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[qn] = time.perf_counter()
            writer.write(frame)
            if writer.transport.get_write_buffer_size() > 65536:
                await writer.drain()
        deadline = time.perf_counter() + 30
        while sent and time.perf_counter() < deadline and not task.done():
            await asyncio.sleep(0.05)
    except (ConnectionError, RuntimeError):  # the server dropped us: counted, not hidden
        pass
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    writer.close()
    lost.append(len(sent))


def _tree(pid: int) -> list[int]:
    """``pid`` and its children (the server's worker processes)."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(int(k) for k in kids)]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid`` and its workers so far [s] (Linux /proc)."""
    total = 0.0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def peak_rss_mib(pid: int) -> float | None:
    """Peak resident memory of the server and its workers, summed [MiB]."""
    total = 0.0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            return None
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stations", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=6000.0, help="packets/s offered, all in all")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=2, help="server processes (hj212 serve)")
    ap.add_argument("--profile", metavar="FILE", help="run the server under cProfile into FILE")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="greenpark-load-"))
    url = f"sqlite:///{tmp / 'load.db'}"
    store = Store(url)
    store.migrate()
    mns = [f"LOAD{i:06d}" for i in range(args.stations)]
    with store.write() as c:
        c.execute(insert(Park).values(id=1, code="LOAD", name="load test park"))
        rows = [
            {
                "park_id": 1,
                "code": f"L{i}",
                "name": "s",
                "kind": "ambient_air",
                "mn": mn,
                "pw": "123456",
            }
            for i, mn in enumerate(mns)
        ]
        c.execute(insert(Station), rows)
    per_station = max(1, round(args.rate * args.seconds / args.stations))
    interval = args.stations / args.rate
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    print(f"building {per_station * args.stations:,} frames ...", file=sys.stderr)
    frames = {mn: frames_for(mn, per_station, start) for mn in mns}
    size = np.mean([len(f) for _, f in frames[mns[0]]])

    port = free_port()
    exe = Path(sys.executable).with_name("greenpark")
    cmd = [str(exe), "--database", url, "hj212", "serve", "--port", str(port)]
    cmd += ["--workers", str(args.workers)]
    if args.profile:
        cmd = [sys.executable, "-m", "cProfile", "-o", args.profile, *cmd]
    log_path = tmp / "server.log"
    with log_path.open("w") as log_file:
        server = subprocess.Popen(cmd, stderr=log_file)
    deadline = time.monotonic() + 60
    while "HJ 212 server on" not in log_path.read_text():
        if server.poll() is not None or time.monotonic() > deadline:
            print(log_path.read_text(), file=sys.stderr)
            return 1
        time.sleep(0.05)

    latencies: list[float] = []
    lost: list[int] = []

    async def run() -> float:
        # Stations keep their connections open: connect all first (in waves, as after a
        # server restart), then start the clock; station k sends at phase k/N of the period.
        conns = []
        for i in range(0, len(mns), 100):
            wave = [asyncio.open_connection("127.0.0.1", port) for _ in mns[i : i + 100]]
            conns += await asyncio.gather(*wave)
        t0 = time.perf_counter() + 0.1
        await asyncio.gather(
            *(
                station(c, frames[mn], t0 + k * interval / len(mns), interval, latencies, lost)
                for k, (mn, c) in enumerate(zip(mns, conns, strict=True))
            )
        )
        return time.perf_counter() - t0

    cpu0 = cpu_seconds(server.pid) or 0.0
    client0 = resource.getrusage(resource.RUSAGE_SELF)
    elapsed = run_loop(run())
    client1 = resource.getrusage(resource.RUSAGE_SELF)
    server_cpu = (cpu_seconds(server.pid) or 0.0) - cpu0
    client_cpu = (client1.ru_utime + client1.ru_stime) - (client0.ru_utime + client0.ru_stime)
    rss = peak_rss_mib(server.pid)
    server.send_signal(signal.SIGINT)
    server.wait(timeout=30)
    with store.read() as c:
        stored = c.execute(select(func.count()).select_from(Measurement)).scalar_one()
    server_log = log_path.read_text().splitlines()
    warnings = [line for line in server_log if "WARNING" in line or "ERROR" in line]
    for line in warnings[:10]:
        print("server:", line, file=sys.stderr)
    packets = per_station * args.stations
    acked = len(latencies)
    lat = np.asarray(latencies)
    expected_rows = packets * len(CODES)
    figures = {
        "connections": args.stations,
        "server_workers": args.workers,
        "frame_bytes": int(size),
        "packets_sent": packets,
        "packets_acked": acked,
        "packets_unacked": sum(lost),
        "seconds": round(elapsed, 2),
        "packets_per_s": round(acked / elapsed),
        "rows_per_s": round(acked * len(CODES) / elapsed),
        "ack_p50_ms": round(float(np.percentile(lat, 50)), 1) if acked else None,
        "ack_p99_ms": round(float(np.percentile(lat, 99)), 1) if acked else None,
        "server_peak_rss_mib": round(rss, 1) if rss else None,
        "server_cpu_per_s": round(server_cpu / elapsed, 2),
        "client_cpu_per_s": round(client_cpu / elapsed, 2),
        "server_warnings": len(warnings),
        "rows_stored": stored,
        "rows_expected": expected_rows,
        "cpu_count": os.cpu_count(),
    }
    for k, v in figures.items():
        print(f"{k:<22} {v:>12,}" if isinstance(v, int) else f"{k:<22} {v!s:>12}")
    ok = acked == packets and stored == expected_rows
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
