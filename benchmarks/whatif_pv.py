"""What-if PV benchmark: the demo park's station re-dispatched over a year with added PV.

Builds the demo park (``greenpark demo --no-serve``) in a temporary folder unless
``--database-url`` names one already built, then times, for ``--pv-mwp`` added:

- ``greenpark.dispatch.service.added_pv``: the station's year read hour by hour from its
  meters and 12 months x 2 LPs solved with HiGHS;
- ``evaluate_scenarios`` of the MIIT scheme with the PV re-dispatched and with the metered
  PV series only scaled (``redispatch = false``), side by side with today.

Printed: seconds of each, the monthly LP sizes, the changes (PV used and curtailed, grid,
gas, engines) and the GI, renewable share and CO2 per tce of today and both scenarios.

    python benchmarks/whatif_pv.py [--database-url sqlite:///demo.db] [--pv-mwp 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from greenpark.config import Settings
from greenpark.dispatch.service import added_pv
from greenpark.evaluation.scenarios import Scenario, evaluate_scenarios
from greenpark.ledger.compute import LedgerOptions
from greenpark.store import Store
from greenpark.store.ledger import resolve_park


def _demo(folder: Path) -> str:
    url = f"sqlite:///{folder / 'demo.db'}"
    env = {**os.environ, "GREENPARK_DATABASE_URL": url}
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "greenpark", "demo", "--no-serve"],
        check=True,
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    print(f"demo built in {time.perf_counter() - t0:.1f} s")
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a store holding the demo park (default: build)")
    parser.add_argument("--pv-mwp", type=float, default=10.0, help="PV added [MWp]")
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or _demo(Path(tmp))
        settings = Settings(database_url=url)
        store = Store(url)
        t0 = time.perf_counter()
        with store.read() as conn:
            park = resolve_park(conn, None)
            effect = added_pv(
                conn, park, args.year, args.pv_mwp * 1000.0, ZoneInfo("Asia/Shanghai"),
                settings, LedgerOptions(),
            )  # fmt: skip
        t_dispatch = time.perf_counter() - t0
        hours = effect.months["hours"]
        print(
            f"added_pv: {t_dispatch:.2f} s for {len(effect.months)} month(s) x 2 LPs of "
            f"{hours.min()}-{hours.max()} hours ({int(effect.months['filled_hours'].sum())} "
            f"hours interpolated, {len(effect.skipped)} month(s) skipped)"
        )
        for key, unit in (("pv_kwh", "kWh"), ("pv_curtailed_kwh", "kWh"), ("grid_kwh", "kWh"),
                          ("engines_kwh", "kWh"), ("gas_m3", "m³"), ("tco2", "t")):  # fmt: skip
            print(f"  {key:17s} {effect.total(key):+15,.0f} {unit}")
        t0 = time.perf_counter()
        results = evaluate_scenarios(
            store,
            "miit-green-park",
            args.year,
            [
                Scenario("re-dispatched", pv_mwp=args.pv_mwp),
                Scenario("scaled", pv_mwp=args.pv_mwp, redispatch=False),
            ],
            settings=settings,
        )
        t_eval = time.perf_counter() - t0
        print(f"evaluate_scenarios (today + 2 scenarios): {t_eval:.2f} s")
        print(f"{'':15s} {'GI':>7s} {'renewable %':>12s} {'tCO2/tce':>9s} {'grid GWh':>9s}")
        for name, r in results:
            ren = r.value("renewable_share")
            co2 = r.value("co2_per_tce")
            print(
                f"{name:15s} {r.index:7.2f} {ren.value:12.3f} {co2.value:9.4f} "
                f"{r.ledger('grid_kwh') / 1e6:9.2f}"
            )
        store.dispose()


if __name__ == "__main__":
    main()
