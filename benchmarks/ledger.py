"""Ledger benchmark: import a park's year of 15-minute readings, then its monthly ledger.

100 enterprises x 5 meters (3 electricity, 1 natural gas, 1 water) x one year of 15-minute
readings = 17.5 million rows, written as one CSV, imported into a fresh SQLite store with
``greenpark readings import`` (validation included), then ``greenpark ledger monthly`` and
``greenpark ledger summary`` (the whole book: the park counted once, market-based CO2,
shares, intensities, projections, energy flow) for the year. Printed: rows, import seconds
and rows/s (target >= 200,000 rows/s), the ledger's seconds (target <= 3 s) as commands and
in process, and the peak memory.

    python benchmarks/ledger.py [--days 365] [--enterprises 100]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select

from greenpark.store import Store
from greenpark.store.schema import Enterprise, Meter, MeterReading, Park

CARRIERS = [("electricity", "kWh"), ("electricity", "kWh"), ("electricity", "kWh"),
            ("natural_gas", "m³"), ("water", "m³")]  # fmt: skip


def _peak_children_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _run(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return elapsed, done.stderr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--enterprises", type=int, default=100)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="greenpark-ledger-"))
    url = f"sqlite:///{tmp / 'ledger.db'}"
    store = Store(url)
    store.migrate()
    meters = []
    with store.write() as c:
        c.execute(insert(Park).values(id=1, code="BENCH", name="benchmark park"))
        c.execute(
            insert(Enterprise),
            [
                {"id": e + 1, "park_id": 1, "credit_code": f"91520900MA6D{e:06d}",
                 "name": f"E{e}", "industry": "other"}
                for e in range(args.enterprises)
            ],
        )  # fmt: skip
        for e in range(args.enterprises):
            for k, (carrier, unit) in enumerate(CARRIERS):
                meters.append({"id": len(meters) + 1, "park_id": 1, "code": f"E{e:03d}-M{k}",
                               "name": "m", "carrier": carrier, "unit": unit,
                               "enterprise_id": e + 1, "interval_s": 900})  # fmt: skip
        c.execute(insert(Meter), meters)
    store.dispose()

    steps = args.days * 96
    times = pd.date_range("2025-01-01", periods=steps, freq="15min").strftime("%Y-%m-%d %H:%M")
    csv_path = tmp / "readings.csv"
    rng = np.random.default_rng(2025)
    t0 = time.perf_counter()
    with csv_path.open("w", encoding="utf-8") as f:
        f.write("meter,start,quantity\n")
        for m in meters:
            q = np.round(rng.gamma(2.0, 20.0, steps), 3)
            pd.DataFrame({"meter": m["code"], "start": times, "quantity": q}).to_csv(
                f, header=False, index=False
            )
    rows = steps * len(meters)
    print(f"wrote {rows:,} rows ({csv_path.stat().st_size / 2**20:,.0f} MiB) in "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)  # fmt: skip

    exe = str(Path(sys.executable).with_name("greenpark"))
    import_s, _ = _run([exe, "--database", url, "readings", "import", str(csv_path)])
    import_peak = _peak_children_mib()
    ledger_s, ledger_err = _run(
        [exe, "--database", url, "ledger", "monthly", "--year", "2025", "-o", str(tmp / "l.csv")]
    )
    summary_s, _ = _run([exe, "--database", url, "ledger", "summary", "--year", "2025"])
    store = Store(url)
    with store.read() as c:
        stored = c.execute(select(func.count()).select_from(MeterReading)).scalar_one()
    # The ledger alone, in process (without interpreter start-up and imports).
    from greenpark.ledger.service import load_book

    t0 = time.perf_counter()
    with store.read() as c:
        book = load_book(c, 2025)[1]
    ledger_inproc = time.perf_counter() - t0
    result = book.rows
    figures = {
        "meters": len(meters),
        "rows": rows,
        "rows_stored": stored,
        "import_s": round(import_s, 1),
        "import_rows_per_s": round(rows / import_s),
        "import_peak_mib": round(import_peak),
        "ledger_command_s": round(ledger_s, 2),
        "summary_command_s": round(summary_s, 2),
        "book_in_process_s": round(ledger_inproc, 3),
        "book_vs_target_3s": f"{ledger_inproc / 3:.0%}",
        "import_vs_target": f"{rows / import_s / 200_000:.2f}x",
        "ledger_rows": len(result),
        "ledger_tce": round(float(result["tce"].sum()), 1),
        "db_mib": round((tmp / "ledger.db").stat().st_size / 2**20),
    }
    for k, v in figures.items():
        print(f"{k:<22} {v:>14,}" if isinstance(v, int) else f"{k:<22} {v!s:>14}")
    print(ledger_err.strip().splitlines()[0] if ledger_err.strip() else "", file=sys.stderr)
    ok = stored == rows and rows / import_s >= 200_000 and max(ledger_s, summary_s) <= 3
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
