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
    host: str,
    port: int,
    frames: list[tuple[bytes, bytes]],
    interval: float,
    latencies: list[float],
    done: list[int],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    sent: dict[bytes, float] = {}

    async def read() -> None:
        buf = b""
        while True:
            data = await reader.read(65536)
            if not data:
                break
            buf += data
            *lines, buf = buf.split(b"\r\n")
            now = time.perf_counter()
            for line in lines:
                m = _QN.search(line)
                if m and m.group(1) in sent:
                    latencies.append((now - sent.pop(m.group(1))) * 1000)

    task = asyncio.create_task(read())
    t0 = time.perf_counter()
    for i, (qn, frame) in enumerate(frames):
        target = t0 + i * interval
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent[qn] = time.perf_counter()
        writer.write(frame)
        if writer.transport.get_write_buffer_size() > 65536:
            await writer.drain()
    deadline = time.perf_counter() + 30
    while sent and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    task.cancel()
    writer.close()
    done.append(len(sent))


def peak_rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stations", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=6000.0, help="packets/s offered, all in all")
    ap.add_argument("--seconds", type=float, default=20.0)
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
    if args.profile:
        cmd = [sys.executable, "-m", "cProfile", "-o", args.profile, *cmd]
    server = subprocess.Popen(
        cmd,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    line = server.stderr.readline()
    if "HJ 212 server on" not in line:
        print(line, server.stderr.read(), file=sys.stderr)
        return 1

    latencies: list[float] = []
    done: list[int] = []

    async def run() -> float:
        t0 = time.perf_counter()
        await asyncio.gather(
            *(station("127.0.0.1", port, frames[mn], interval, latencies, done) for mn in mns)
        )
        return time.perf_counter() - t0

    elapsed = run_loop(run())
    rss = peak_rss_mib(server.pid)
    server.send_signal(signal.SIGINT)
    server.wait(timeout=30)
    with store.read() as c:
        stored = c.execute(select(func.count()).select_from(Measurement)).scalar_one()
    packets = per_station * args.stations
    acked = len(latencies)
    lat = np.asarray(latencies)
    expected_rows = packets * len(CODES)
    figures = {
        "connections": args.stations,
        "frame_bytes": int(size),
        "packets_sent": packets,
        "packets_acked": acked,
        "seconds": round(elapsed, 2),
        "packets_per_s": round(acked / elapsed),
        "rows_per_s": round(acked * len(CODES) / elapsed),
        "ack_p50_ms": round(float(np.percentile(lat, 50)), 1) if acked else None,
        "ack_p99_ms": round(float(np.percentile(lat, 99)), 1) if acked else None,
        "server_peak_rss_mib": round(rss, 1) if rss else None,
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
