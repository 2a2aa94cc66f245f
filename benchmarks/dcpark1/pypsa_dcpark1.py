"""DCPARK-1 in PyPSA: the side-by-side speed and objective baseline for greenpark's optimiser.

Builds the DCPARK-1 benchmark of ``../shared/reference/dispatch.md`` §4 (a data-centre-heavy
East-China park energy station: gas engines with waste-heat recovery, absorption and electric
chillers, a heat-recovery heat pump, boiler, PV, battery, cold and hot water tanks, TOU grid
import, PV-only export, gas and carbon prices) in PyPSA + linopy, solves it with HiGHS
(``threads=1``, ``random_seed=0``, in-memory hand-over ``io_api="direct"``) and prints one JSON
line with the objective, its reference value and the phase timings.

PyPSA is deliberately not a dependency of greenpark; run this with a throwaway venv::

    python3 -m venv /tmp/pypsa-venv && /tmp/pypsa-venv/bin/pip install pypsa highspy
    /tmp/pypsa-venv/bin/python benchmarks/dcpark1/pypsa_dcpark1.py Y8760-LP

Tiers (dispatch.md §4.5): D96-LP, D96-UC (2025-08-06, 96 x 15 min), Y8760-LP, Y8760-UC,
Y8760-CAP, Y8760-PLAN, Y8760-PLAN_D, Y8760-PLAN_G25 (the year, hourly). Profiles are the CSV
files beside this script (copies of the shared reference, seed 20250716 recipe of §4.4).
``DCPARK_GAS_CNY_NM3`` overrides the gas price (CNY/Nm³) of every tier.

Conventions: converter ratings and costs refer to the input port (PyPSA's bus0); storage is a
``StorageUnit`` with fixed hours and a cyclic state of charge; UC min up/down times are given
in snapshots (hours x 4 at 15 min); greenfield capacities start at ``p_nom = 0`` so that
``n.objective`` includes every annuity (PyPSA issue #1516).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import resource
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd
    import pypsa

_T0 = time.perf_counter()
HERE = Path(__file__).resolve().parent

# --- parameters of dispatch.md §4.2-4.5 -------------------------------------------------------
DAY_AHEAD = "2025-08-06"
KWH_PER_NM3 = 9.97  # LHV of the pipeline gas
GAS_CNY_NM3 = 3.5  # 351.05 CNY/MWh_LHV
CO2_GRID = 0.5703  # t/MWh imported
CO2_GAS = 0.202  # t/MWh_LHV burnt
CARBON_PRICE = 100.0  # CNY/t (0 in tier CAP)
CO2_CAP = 61_000.0  # t/a, tier CAP
EXPORT_PRICE = 391.0  # CNY/MWh, PV surplus only, no carbon credit
IMPORT_MW = 25.0
EXPORT_MW = 3.0
DEMAND_CHARGE = 40_000.0  # CNY per MW of each calendar month's peak import (PLAN_D)
UNLIMITED = 1_000.0  # MW; a bound that never binds (gas supply, PV link, heat dump)
DISCOUNT = 0.06

# UC: per engine (2 x 5 MW_gas); hours are converted to snapshots
UC_ENGINES = 2
UC_MIN_LOAD = 0.5
UC_START_UP = 300.0  # CNY/start
UC_STAND_BY = 100.0  # CNY per hour committed (PyPSA weights it by the snapshot length)
UC_MIN_UP_H = 3
UC_MIN_DOWN_H = 2

# Planning data: capex per rated (input-side) unit in CNY, lifetime a, fixed O&M share of capex
PLAN_DATA: dict[str, tuple[float, int, float]] = {
    "chp": (2.4e6, 20, 0.03),
    "abs": (1.2e6, 20, 0.02),
    "boiler": (0.3e6, 20, 0.02),
    "ech": (4.95e6, 20, 0.02),
    "hrhp": (6.75e6, 20, 0.02),
    "hx": (0.05e6, 20, 0.01),
    "pv": (3.2e6, 25, 0.01),
    "battery": (1.0e6 * 2 + 0.3e6, 12, 0.0),  # 1.0 M/MWh x 2 h + 0.3 M/MW
    "cts": (0.08e6 * 5, 25, 0.005),  # 0.08 M/MWh x 5 h
    "hts": (0.10e6 * 10 / 3, 25, 0.005),  # 0.10 M/MWh x 3.33 h
}
PV_MAX_MWP = 10.0

# Reference objectives of dispatch.md §4.5 (CNY)
REFERENCE: dict[str, float] = {
    "D96-LP": 214_774.4858,
    "D96-UC": 218_192.9470,
    "Y8760-LP": 76_120_986.893,
    "Y8760-UC": 77_187_770.8818,
    "Y8760-CAP": 72_978_850.642,
    "Y8760-PLAN": 72_073_729.722,
    "Y8760-PLAN_D": 83_058_072.186,
    "Y8760-PLAN_G25": 70_495_633.931,
}


@dataclass(frozen=True)
class Tier:
    """One DCPARK-1 case."""

    name: str
    day_ahead: bool
    uc: bool = False
    cap: bool = False
    plan: bool = False
    demand_charge: bool = False
    gas_cny_nm3: float = GAS_CNY_NM3

    @property
    def steps_per_hour(self) -> int:
        return 4 if self.day_ahead else 1


TIERS: dict[str, Tier] = {
    t.name: t
    for t in (
        Tier("D96-LP", day_ahead=True),
        Tier("D96-UC", day_ahead=True, uc=True),
        Tier("Y8760-LP", day_ahead=False),
        Tier("Y8760-UC", day_ahead=False, uc=True),
        Tier("Y8760-CAP", day_ahead=False, cap=True),
        Tier("Y8760-PLAN", day_ahead=False, plan=True),
        Tier("Y8760-PLAN_D", day_ahead=False, plan=True, demand_charge=True),
        Tier("Y8760-PLAN_G25", day_ahead=False, plan=True, gas_cny_nm3=2.5),
    )
}


def annuity(capex: float, life: int, fixed_om: float) -> float:
    """Yearly cost of one rated unit: capex x (CRF(6 %, life) + fixed O&M share)."""
    q = (1 + DISCOUNT) ** life
    return capex * (DISCOUNT * q / (q - 1) + fixed_om)


def load_profiles(tier: Tier) -> pd.DataFrame:
    """The tier's profiles: 2025-08-06 from the 15-min CSV, or the whole hourly year."""
    import pandas as pd

    name = "profiles_15min_2025.csv" if tier.day_ahead else "profiles_hourly_2025.csv"
    df = pd.read_csv(HERE / name, index_col="time", parse_dates=["time"])
    if tier.day_ahead:
        df = df.loc[DAY_AHEAD]
        if len(df) != 96:
            raise ValueError(f"expected 96 quarter-hours on {DAY_AHEAD}, got {len(df)}")
    elif len(df) != 8760:
        raise ValueError(f"expected 8760 hours, got {len(df)}")
    return df


def build_network(tier: Tier, prof: pd.DataFrame) -> pypsa.Network:
    """The DCPARK-1 network of §4.1-4.5 for one tier."""
    import pypsa

    n = pypsa.Network()
    n.set_snapshots(prof.index)
    n.snapshot_weightings = n.snapshot_weightings.astype(float) / tier.steps_per_hour

    carbon = 0.0 if tier.cap else CARBON_PRICE
    gas_price = float(os.environ.get("DCPARK_GAS_CNY_NM3", tier.gas_cny_nm3))
    gas_mwh = gas_price / KWH_PER_NM3 * 1000.0 + carbon * CO2_GAS
    plan = tier.plan
    cost = {k: annuity(*v) for k, v in PLAN_DATA.items()}

    def rating(key: str, p_nom: float) -> dict[str, Any]:
        """Fixed rating in the dispatch tiers, greenfield extendable in the PLAN tiers."""
        if plan:
            return {"p_nom": 0.0, "p_nom_extendable": True, "capital_cost": cost[key]}
        return {"p_nom": p_nom}

    n.add("Carrier", "grid", co2_emissions=CO2_GRID)
    n.add("Carrier", "gas", co2_emissions=CO2_GAS)
    for carrier in ("el", "heat", "cold", "wh", "solar", "export", "dump", "battery", "tank"):
        n.add("Carrier", carrier)
    for bus, carrier in (
        ("el", "el"),
        ("heat", "heat"),
        ("cold", "cold"),
        ("gas", "gas"),
        ("wh", "wh"),
        ("pv", "solar"),
    ):
        n.add("Bus", bus, carrier=carrier)

    n.add("Load", "load_el", bus="el", p_set=prof["load_el"])
    n.add("Load", "load_heat", bus="heat", p_set=prof["load_heat"])
    n.add("Load", "load_cold", bus="cold", p_set=prof["load_cold"])

    n.add(
        "Generator",
        "grid_import",
        bus="el",
        carrier="grid",
        p_nom=IMPORT_MW,
        marginal_cost=prof["tou"] + carbon * CO2_GRID,
    )
    # export: a negative generator on the PV bus only (no fake import/export arbitrage, §4.1)
    n.add(
        "Generator",
        "grid_export",
        bus="pv",
        carrier="export",
        p_nom=EXPORT_MW,
        p_min_pu=-1.0,
        p_max_pu=0.0,
        marginal_cost=EXPORT_PRICE,
    )
    n.add(
        "Generator", "gas_supply", bus="gas", carrier="gas", p_nom=UNLIMITED, marginal_cost=gas_mwh
    )
    n.add("Generator", "pv", bus="pv", carrier="solar", p_max_pu=prof["pv"], **rating("pv", 6.0))
    if plan:
        n.c.generators.static.loc["pv", "p_nom_max"] = PV_MAX_MWP
    n.add(
        "Generator",
        "wh_dump",
        bus="wh",
        carrier="dump",
        p_nom=UNLIMITED,
        p_min_pu=-1.0,
        p_max_pu=0.0,
    )

    n.add("Link", "pv_to_el", bus0="pv", bus1="el", p_nom=UNLIMITED, efficiency=1.0)
    chp = {"bus0": "gas", "bus1": "el", "bus2": "wh", "efficiency": 0.40, "efficiency2": 0.42}
    if tier.uc:
        for i in range(1, UC_ENGINES + 1):
            n.add(
                "Link",
                f"chp_{i}",
                **chp,
                p_nom=5.0,
                marginal_cost=12.0,
                committable=True,
                p_min_pu=UC_MIN_LOAD,
                start_up_cost=UC_START_UP,
                stand_by_cost=UC_STAND_BY,
                min_up_time=UC_MIN_UP_H * tier.steps_per_hour,
                min_down_time=UC_MIN_DOWN_H * tier.steps_per_hour,
                up_time_before=0,
            )
    else:
        n.add("Link", "chp", **chp, marginal_cost=12.0, **rating("chp", 10.0))
    n.add("Link", "hx", bus0="wh", bus1="heat", efficiency=0.95, **rating("hx", 5.0))
    n.add(
        "Link",
        "abs",
        bus0="wh",
        bus1="cold",
        bus2="el",
        efficiency=1.1,
        efficiency2=-0.02,
        **rating("abs", 4.0),
    )
    n.add(
        "Link",
        "boiler",
        bus0="gas",
        bus1="heat",
        efficiency=0.92,
        marginal_cost=5.0,
        **rating("boiler", 6.5),
    )
    n.add("Link", "ech", bus0="el", bus1="cold", efficiency=prof["cop_ech"], **rating("ech", 2.6))
    n.add(
        "Link",
        "hrhp",
        bus0="el",
        bus1="heat",
        bus2="cold",
        efficiency=4.5,
        efficiency2=3.5,
        **rating("hrhp", 0.5),
    )

    # links added without a bus2 get NaN there (unused, but the consistency check warns)
    links = n.c.links.static
    links["efficiency2"] = links["efficiency2"].fillna(1.0)

    for name, bus, carrier, p_nom, hours, eta, loss, vom in (
        ("battery", "el", "battery", 4.0, 2.0, 0.95, 0.0002, 20.0),
        ("cts", "cold", "tank", 6.0, 5.0, 0.98, 0.005, 0.0),
        ("hts", "heat", "tank", 3.0, 10.0 / 3.0, 0.98, 0.008, 0.0),
    ):
        n.add(
            "StorageUnit",
            name,
            bus=bus,
            carrier=carrier,
            max_hours=hours,
            efficiency_store=eta,
            efficiency_dispatch=eta,
            standing_loss=loss,
            cyclic_state_of_charge=True,
            marginal_cost=vom,
            **rating(name, p_nom),
        )

    if tier.cap:
        n.add(
            "GlobalConstraint",
            "co2_cap",
            type="primary_energy",
            carrier_attribute="co2_emissions",
            sense="<=",
            constant=CO2_CAP,
        )
    return n


def add_demand_charge(n: pypsa.Network, months: pd.Series) -> None:
    """PLAN_D: 40 000 CNY/MW on each calendar month's peak import (not native in PyPSA)."""
    import pandas as pd

    m = n.model
    imp = m["Generator-p"].sel(name="grid_import")
    peak = m.add_variables(
        lower=0.0, coords=[pd.Index(sorted(months.unique()), name="month")], name="monthly_peak"
    )
    for month in peak.indexes["month"]:
        sns = months.index[months == month]
        m.add_constraints(
            imp.sel(snapshot=sns) - peak.sel(month=month) <= 0.0, name=f"monthly_peak_{month}"
        )
    m.objective = m.objective + DEMAND_CHARGE * peak.sum()


def dispatch_facts(n: pypsa.Network) -> dict[str, Any]:
    """The §4.7 energy balance figures (MWh; engine hours summed over the UC engines)."""
    w = n.snapshot_weightings.generators
    gen = n.c.generators.dynamic.p
    links = n.c.links.dynamic
    chp = [c for c in links.p0.columns if c.startswith("chp")]
    gas_in = links.p0[chp]
    running_h = (gas_in > 1e-6).mul(w, axis=0).sum().sum()
    sto = n.c.storage_units.dynamic.p_dispatch

    def energy(df: pd.DataFrame | pd.Series) -> float:
        return round(float(df.mul(w, axis=0).sum().sum()), 3)

    cooling = energy(n.c.loads.dynamic.p_set["load_cold"])
    cold = {"abs": -links.p1["abs"], "ech": -links.p1["ech"], "hrhp": -links.p2["hrhp"]}
    return {
        "grid_import_mwh": energy(gen["grid_import"]),
        "grid_export_mwh": energy(-gen["grid_export"]),
        "pv_mwh": energy(gen["pv"]),
        "pv_curtailed_mwh": energy(
            n.get_switchable_as_dense("Generator", "p_max_pu")["pv"]
            * n.c.generators.static.at["pv", "p_nom_opt"]
            - gen["pv"]
        ),
        "chp_gas_in_mwh": energy(gas_in),
        "chp_el_out_mwh": energy(-links.p1[chp]),
        "chp_heat_out_mwh": energy(-links.p2[chp]),
        "chp_running_h": round(float(running_h), 3),
        "heat_dumped_mwh": energy(-gen["wh_dump"]),
        "abs_heat_in_mwh": energy(links.p0["abs"]),
        "hx_heat_out_mwh": energy(-links.p1["hx"]),
        "boiler_heat_mwh": energy(-links.p1["boiler"]),
        "hrhp_heat_mwh": energy(-links.p1["hrhp"]),
        "cooling_share": {k: round(energy(v) / cooling, 4) for k, v in cold.items()},
        "battery_discharge_mwh": energy(sto["battery"]),
        "cts_discharge_mwh": energy(sto["cts"]),
        "hts_discharge_mwh": energy(sto["hts"]),
        "co2_t": round(
            float((gen["grid_import"] * CO2_GRID + gen["gas_supply"] * CO2_GAS).mul(w).sum()), 3
        ),
    }


def capacities(n: pypsa.Network) -> dict[str, float]:
    """Optimal greenfield capacities (input side; storage as power)."""
    out: dict[str, float] = {}
    for c, attr in (
        ("generators", "p_nom_opt"),
        ("links", "p_nom_opt"),
        ("storage_units", "p_nom_opt"),
    ):
        static = getattr(n.c, c).static
        for name, value in static.loc[static.p_nom_extendable, attr].items():
            out[str(name)] = round(float(value), 4)
    return out


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send fd 1 (C-level output included) to stderr, so stdout carries only the JSON line."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def process_wall_s() -> float:
    """Wall time since the process started (Linux /proc, 10 ms ticks), else since script start."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _T0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("tier", choices=sorted(TIERS))
    parser.add_argument("--log", action="store_true", help="show the HiGHS and PyPSA logs")
    args = parser.parse_args()
    tier = TIERS[args.tier]

    t = time.perf_counter()
    import pypsa

    import_s = time.perf_counter() - t
    pypsa.options.api.legacy_string_dtype = True  # today's behaviour, without the FutureWarning
    for logger in ("pypsa", "linopy"):
        logging.getLogger(logger).setLevel(logging.INFO if args.log else logging.WARNING)

    t = time.perf_counter()
    prof = load_profiles(tier)
    n = build_network(tier, prof)
    build_s = time.perf_counter() - t

    t = time.perf_counter()
    n.optimize.create_model(include_objective_constant=False)  # p_nom = 0: no constant anyway
    if tier.demand_charge:
        add_demand_charge(n, prof["month"])
    model_s = time.perf_counter() - t

    options: dict[str, Any] = {"threads": 1, "random_seed": 0, "output_flag": args.log}
    if tier.uc:
        options |= {"mip_rel_gap": 0.005, "time_limit": 300}
    if tier.plan:
        options |= {"solver": "ipm"}
    t = time.perf_counter()
    with stdout_to_stderr():  # HiGHS prints its banner on fd 1 even with output_flag=False
        status, condition = n.optimize.solve_model(solver_name="highs", io_api="direct", **options)
    solve_s = time.perf_counter() - t
    if status != "ok":
        raise SystemExit(f"{tier.name}: solve failed: {status} / {condition}")

    report = n.model.solver.report
    objective = float(n.objective)
    ref = REFERENCE.get(tier.name)
    result: dict[str, Any] = {
        "tier": tier.name,
        "objective": round(objective, 4),
        "reference": ref,
        "rel_diff": None if ref is None else float(f"{(objective - ref) / ref:.3g}"),
        "condition": condition,
    }
    if tier.uc:
        result["dual_bound"] = round(float(report.dual_bound), 4)
        result["mip_gap"] = float(f"{report.mip_gap:.4g}")
    result |= {
        "n_vars": int(n.model.nvars),
        "n_cons": int(n.model.ncons),
        "import_s": round(import_s, 3),
        "build_s": round(build_s, 3),
        "model_s": round(model_s, 3),
        "solve_s": round(solve_s, 3),
        "highs_s": None if report.runtime is None else round(report.runtime, 3),
        "optimize_s": round(model_s + solve_s, 3),
        "facts": dispatch_facts(n),
    }
    if tier.plan:
        result["capacities"] = capacities(n)
    result["versions"] = {"python": sys.version.split()[0]} | {
        pkg: metadata.version(pkg) for pkg in ("pypsa", "linopy", "highspy", "pandas", "numpy")
    }
    result["total_s"] = round(process_wall_s(), 2)
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
