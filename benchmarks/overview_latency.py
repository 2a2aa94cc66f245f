"""p50/p95 latency of the overview page (and its JSON twin) over HTTP on localhost.

Starts the real app with uvicorn on a free loopback port in this process, sends a bounded
number of sequential requests with httpx, and prints percentiles. Usage:
``python benchmarks/overview_latency.py --database sqlite:///greenpark.db [-n 100]``
(build the demo first: ``greenpark demo --no-serve``).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time

import httpx
import uvicorn

from greenpark.config import Settings
from greenpark.web import create_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="sqlite:///greenpark.db")
    parser.add_argument("-n", type=int, default=100, help="requests per path")
    args = parser.parse_args()
    port = _free_port()
    settings = Settings(database_url=args.database, port=port)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for path in ("/", "/api/overview"):
                client.get(path).raise_for_status()  # warm-up, not counted
                times = []
                for _ in range(args.n):
                    t0 = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - t0) * 1000)
                    response.raise_for_status()
                print(
                    f"{path:14s} n={args.n}  p50 {_percentile(times, 50):7.1f} ms  "
                    f"p95 {_percentile(times, 95):7.1f} ms  max {max(times):7.1f} ms  "
                    f"mean {statistics.mean(times):7.1f} ms  bytes {len(response.content):,}"
                )
    finally:
        server.should_exit = True
        thread.join(timeout=10)


if __name__ == "__main__":
    main()
