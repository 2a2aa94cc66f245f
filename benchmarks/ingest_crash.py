"""Crash check: ``kill -9`` the HJ 212 server mid-run; no acknowledged packet lost, none doubled.

Run ``python benchmarks/ingest_crash.py [--packets N] [--stations S] [--rate R]
[--kill-after A] [--kills K] [--down SECONDS]``.

Registers ``S`` ambient-air stations in a temporary SQLite store, starts
``greenpark --database URL hj212 serve --port P`` as a subprocess and runs the station
simulator in this process: ``N`` uploads (default 10,000) with ``A=1``. After every ``A``
acknowledgements (default 3,000; ``K`` times, default once) the server gets ``SIGKILL`` and
is started again on the same port ``SECONDS`` later (default 1 s); the simulator reconnects
and resends what was not acknowledged (same QN).

Checks against the database at the end:

- every packet acknowledged before a kill has all its rows, with the values sent (a 9014
  only after the commit);
- every one of the ``N`` packets is acknowledged in the end, and all its rows are there;
- no duplicates and nothing else: the rows of ``measurement`` are exactly the expected
  keys (station, parameter, time), and their number is packets x rows per packet.

Prints the figures as ``name value`` lines, then PASS or FAIL; exit status 1 on FAIL.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from greenpark.hj212.packet import Packet
from greenpark.ingest.rows import measurement_rows
from greenpark.ingest.simulate import TYPICAL, SimReport, SimStation, simulate
from greenpark.store import Store
from greenpark.store.schema import Measurement, Park, Station

KIND = "ambient_air"
READY = "HJ 212 server on"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def register(url: str, stations: list[SimStation]) -> dict[str, int]:
    """Create the store with a park and ``stations``; returns MN → station id."""
    store = Store(url)
    store.migrate()
    with store.write() as c:
        c.execute(insert(Park).values(id=1, code="CRASH", name="Crash park"))
        c.execute(
            insert(Station),
            [
                {
                    "id": i + 1,
                    "park_id": 1,
                    "code": f"C{i:03d}",
                    "name": s.mn,
                    "kind": s.kind,
                    "mn": s.mn,
                    "pw": s.pw,
                }
                for i, s in enumerate(stations)
            ],
        )
    with store.read() as c:
        ids = {mn: sid for sid, mn in c.execute(select(Station.id, Station.mn))}
    store.dispose()
    return ids


class ServerProcess:
    """``greenpark hj212 serve`` in a subprocess; its stderr is kept."""

    def __init__(self, url: str, port: int) -> None:
        self.url, self.port = url, port
        self.proc: asyncio.subprocess.Process | None = None
        self.stderr: list[str] = []
        self._drain: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 60.0) -> float:
        """Start and wait for the "listening" line; returns the start-up time [s]."""
        t0 = time.perf_counter()
        self.proc = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "greenpark", "--database", self.url),
            *("hj212", "serve", "--host", "127.0.0.1", "--port", str(self.port)),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self.proc.stderr is not None
        async with asyncio.timeout(timeout):
            while True:
                line = (await self.proc.stderr.readline()).decode("utf-8", "replace")
                if not line:
                    raise RuntimeError(f"server exited before listening: {self.stderr[-5:]}")
                self.stderr.append(line.rstrip())
                if READY in line:
                    break
        self._drain = asyncio.create_task(self._keep_stderr())
        return time.perf_counter() - t0

    async def _keep_stderr(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        while line := await self.proc.stderr.readline():
            self.stderr.append(line.decode("utf-8", "replace").rstrip())

    async def kill(self) -> None:
        """SIGKILL, as a crash or an OOM killer would."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        await self.proc.wait()
        if self._drain is not None:
            await self._drain

    async def stop(self) -> None:
        """SIGINT (Ctrl-C), then SIGKILL if it does not stop within 10 s."""
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        if self._drain is not None:
            await self._drain


async def run(args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    """The run; returns the figures and the failed checks."""
    stations = [SimStation(f"CRASH{i:04d}", "123456", KIND) for i in range(args.stations)]
    per_packet = len(TYPICAL[KIND])
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'crash.db'}"
        ids = register(url, stations)
        server = ServerProcess(url, free_port())
        startup_s = [await server.start()]

        acked: dict[tuple[str, str], Packet] = {}
        acked_before_kill: set[tuple[str, str]] = set()
        acked_as_resend = 0

        def on_ack(station: SimStation, packet: Packet) -> None:
            nonlocal acked_as_resend
            acked[(station.mn, packet.qn or "")] = packet
            acked_as_resend += packet.rf == "1"

        live: list[SimReport] = []  # the simulator's report, to read "sent" at a kill

        def progress(report: SimReport) -> None:
            if not live:
                live.append(report)

        start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        t0 = time.perf_counter()
        sim = asyncio.create_task(
            simulate(
                stations,
                "127.0.0.1",
                server.port,
                rate=args.rate,
                count=args.packets,
                start=start,
                ack_timeout=args.ack_timeout,
                drain_timeout=60.0,
                on_ack=on_ack,
                progress=progress,
            )
        )
        kills: list[dict[str, float]] = []
        for k in range(args.kills):
            while len(acked) < args.kill_after * (k + 1) and not sim.done():
                await asyncio.sleep(0.002)
            if sim.done():
                break
            at_acks = len(acked)
            t_kill = time.perf_counter()
            await server.kill()
            acked_before_kill |= set(acked)
            # Sent but not acknowledged: resent after the reconnection (same QN).
            in_flight = live[0].sent - len(acked) if live else float("nan")
            print(
                f"killed the server (SIGKILL) at {at_acks:,} acks, {t_kill - t0:.2f} s",
                file=sys.stderr,
            )
            await asyncio.sleep(args.down)
            startup_s.append(await server.start())
            down = time.perf_counter() - t_kill
            print(f"server back after {down:.2f} s", file=sys.stderr)
            kills.append(
                {"at_acks": at_acks, "at_s": t_kill - t0, "down_s": down, "in_flight": in_flight}
            )
        report = await sim
        elapsed = time.perf_counter() - t0
        await server.stop()

        store = Store(url)
        with store.read() as c:
            stored = {
                (r.station_id, r.parameter, r.time): r.value
                for r in c.execute(
                    select(
                        Measurement.station_id,
                        Measurement.parameter,
                        Measurement.time,
                        Measurement.value,
                    )
                )
            }
        store.dispose()

    by_mn = {s.mn: s for s in stations}
    expected: dict[tuple[int, str, dt.datetime], float | None] = {}
    missing_before_kill = 0
    missing = 0
    wrong_value = 0
    for key, packet in acked.items():
        mn = key[0]
        rows = measurement_rows(packet, ids[mn], by_mn[mn].timezone).rows
        if len(rows) != per_packet:
            raise AssertionError(f"packet {key} makes {len(rows)} rows, not {per_packet}")
        for sid, parameter, when, value, _flag, _source in rows:
            k = (sid, parameter, when)
            expected[k] = value
            if k not in stored:
                missing += 1
                missing_before_kill += key in acked_before_kill
            elif stored[k] != value:
                wrong_value += 1
    extra = len(set(stored) - set(expected))

    failures = []
    if not kills:
        failures.append("the server was never killed (the run ended before --kill-after acks)")
    if report.sent != args.packets:
        failures.append(f"sent {report.sent} packets, not {args.packets}")
    if len(acked) != args.packets or report.unacked:
        failures.append(f"{args.packets - len(acked)} packets never acknowledged")
    if missing_before_kill:
        failures.append(f"{missing_before_kill} rows of packets acknowledged before a kill lost")
    if missing:
        failures.append(f"{missing} rows of acknowledged packets missing")
    if wrong_value:
        failures.append(f"{wrong_value} rows with another value than sent")
    if extra:
        failures.append(f"{extra} rows nobody sent (or sent twice under another key)")
    if len(stored) != args.packets * per_packet:
        failures.append(f"{len(stored)} rows stored, expected {args.packets} x {per_packet}")
    tracebacks = sum("Traceback" in line for line in server.stderr)
    if tracebacks:
        failures.append(f"{tracebacks} tracebacks on the server's stderr")

    summary = report.as_dict()
    figures = {
        "stations": args.stations,
        "rate_per_s": args.rate,
        "sent": report.sent,
        "acked": report.acked,
        "acked_distinct": len(acked),
        "acked_as_resend_rf1": acked_as_resend,
        "resent_rf1": report.resent,
        "unacked": report.unacked,
        "reconnects": report.reconnects,
        "kills": len(kills),
        "killed_at_acks": ", ".join(f"{k['at_acks']:,.0f}" for k in kills),
        "acked_before_kill": len(acked_before_kill),
        "unacked_at_kill_resent": ", ".join(f"{k['in_flight']:,.0f}" for k in kills),
        "server_down_s": ", ".join(f"{k['down_s']:.2f}" for k in kills),
        "server_startup_s": ", ".join(f"{s:.2f}" for s in startup_s),
        "rows_expected": len(expected),
        "rows_in_db": len(stored),
        "rows_missing": missing,
        "rows_missing_acked_before_kill": missing_before_kill,
        "rows_wrong_value": wrong_value,
        "rows_extra": extra,
        "ack_p50_ms": summary["ack_p50_ms"],
        "ack_p99_ms": summary["ack_p99_ms"],
        "time_s": elapsed,
        "server_stderr_lines": len(server.stderr),
        "server_tracebacks": tracebacks,
    }
    return figures, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packets", type=int, default=10_000)
    parser.add_argument("--stations", type=int, default=10)
    parser.add_argument("--rate", type=float, default=1500.0, help="packets per second, all")
    parser.add_argument("--kill-after", type=int, default=3000, help="acks before each kill")
    parser.add_argument("--kills", type=int, default=1)
    parser.add_argument("--down", type=float, default=1.0, help="seconds before the restart")
    parser.add_argument("--ack-timeout", type=float, default=3.0, help="resend after [s]")
    args = parser.parse_args()
    figures, failures = asyncio.run(run(args))
    for name, value in figures.items():
        if isinstance(value, float):
            text = f"{value:,.2f}"
        elif isinstance(value, int):
            text = f"{value:,}"
        else:
            text = str(value)
        print(f"{name:32s} {text}")
    for failure in failures:
        print(f"FAIL {failure}")
    print("PASS" if not failures else "FAIL")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
