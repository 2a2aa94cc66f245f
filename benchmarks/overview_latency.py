"""p50/p95 latency of the overview page (and its JSON twin) over HTTP on localhost.

Starts the real app with uvicorn on a free loopback port in this process, sends a bounded
number of sequential requests with httpx as a temporary analyst (API token; the account is
disabled afterwards), and prints percentiles. Usage:
``python benchmarks/overview_latency.py --database sqlite:///greenpark.db [-n 100]``
(build the demo first: ``greenpark demo --no-serve``).
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time

import httpx

from greenpark.auth import create_token, create_user, set_disabled
from greenpark.config import Settings
from greenpark.store import Store
from greenpark.testing import serve_in_thread
from greenpark.web import create_app


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="sqlite:///greenpark.db")
    parser.add_argument("-n", type=int, default=100, help="requests per path")
    args = parser.parse_args()
    settings = Settings(database_url=args.database, secret_key=secrets.token_urlsafe(48))
    store = Store(settings.database_url)
    store.migrate()
    user = f"bench-{secrets.token_hex(4)}"
    with store.write() as conn:  # an analyst sees the whole park, as the committee does
        create_user(conn, user, "analyst", actor="benchmark")
        token = create_token(conn, user, "overview latency benchmark", days=1, actor="benchmark")
    try:
        with serve_in_thread(create_app(settings, store=store)) as url:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=url, timeout=30, headers=headers) as client:
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
        with store.write() as conn:
            set_disabled(conn, user, actor="benchmark")
        store.dispose()


if __name__ == "__main__":
    main()
