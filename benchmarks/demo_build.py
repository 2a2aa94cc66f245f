"""Time the demo build on a fresh SQLite file; print database size and rows per table.

Usage: ``python benchmarks/demo_build.py [--database sqlite:///bench.db]``. The file is
deleted first, so this measures a cold build, then a second call (which must reuse it).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sqlalchemy import func, inspect, select, table

from greenpark.demo import build_demo
from greenpark.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="sqlite:///benchmarks/results/bench.db")
    args = parser.parse_args()
    path = Path(args.database.removeprefix("sqlite:///"))
    if args.database.startswith("sqlite:///"):
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store(args.database)
    t0 = time.perf_counter()
    store.migrate()
    report = build_demo(store)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = build_demo(store)
    warm = time.perf_counter() - t0
    print(f"cold build: {cold:.1f} s   re-run (reused={again.reused}): {warm:.2f} s")
    if args.database.startswith("sqlite:///"):
        with store.write() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"database size: {path.stat().st_size / 2**20:.1f} MiB")
    with store.read() as conn:
        names = sorted(inspect(conn).get_table_names())
        total = 0
        for name in names:
            n = conn.execute(select(func.count()).select_from(table(name))).scalar_one()
            total += n
            print(f"  {name:24s} {n:>12,d}")
        print(f"  {'total':24s} {total:>12,d}")
    print(report.summary())


if __name__ == "__main__":
    main()
