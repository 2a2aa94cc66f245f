"""A solved problem as text (the one-screen summary), JSON and CSV files.

Written files (``write_result(result, folder)``):

- ``summary.json``: status, objective, bound and gap, the cost breakdown by kind and by
  component, emissions, sized capacities, energy per component and bus [MWh], the largest
  bus imbalance [MW], model size and phase times;
- ``flows.csv``: one row per step, a column ``component:bus`` per flow [MW] (+ into the
  bus, - out of it; loads negative);
- ``levels.csv``: storage levels [MWh]; ``status.csv``: commitment (0/1);
- ``costs.csv``: component, kind, cost [currency];
- ``prices.csv``: bus shadow prices [currency/MWh] when duals were asked.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from greenpark.dispatch.build import COST_KINDS
from greenpark.dispatch.solve import Result

__all__ = ["summary", "summary_text", "write_result"]


def summary(result: Result, weights: np.ndarray) -> dict[str, Any]:
    """The result's figures as plain data (for JSON and the text summary).

    ``weights`` are the step lengths [h] of the problem, to turn flows into energy.
    """
    energy: dict[str, dict[str, float]] = {}
    for (comp, bus), v in result.flows.items():
        energy.setdefault(comp, {})[bus] = float(np.dot(weights, v))
    balance = result.balance()
    by_component: dict[str, dict[str, float]] = {}
    for comp, kind, cost in result.costs:
        by_component.setdefault(comp, {})[kind] = cost
    return {
        "status": result.status,
        "message": result.message,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "costs": result.cost_by_kind() if result.costs else {},
        "costs_by_component": by_component,
        "emissions_t": None if math.isnan(result.emissions) else result.emissions,
        "capacities_mw": result.capacities,
        "energy_mwh": energy,
        "max_imbalance_mw": max((float(np.abs(v).max()) for v in balance.values()), default=0.0),
        "steps": len(result.snapshots),
        "first_step": str(result.snapshots[0]) if len(result.snapshots) else None,
        "size": result.size,
        "times_s": result.times,
    }


def summary_text(name: str, data: dict[str, Any], currency: str = "CNY") -> str:
    """One screen: status, objective and its breakdown, emissions, capacities, main flows."""
    lines = [f"{name}: {data['status']} ({data['message']}), {data['steps']} steps from "
             f"{data['first_step']}"]  # fmt: skip
    if data["objective"] is None:
        return "\n".join(lines)
    gap = "" if data["gap"] is None else f", bound {data['bound']:,.2f}, gap {data['gap']:.3%}"
    lines.append(f"  objective      {data['objective']:,.4f} {currency}{gap}")
    for kind in COST_KINDS:
        v = data["costs"].get(kind, 0.0)
        if v:
            lines.append(f"    {kind:<12} {v:>16,.2f}")
    lines.append(f"  emissions      {data['emissions_t']:,.3f} tCO2")
    for comp, cap in data["capacities_mw"].items():
        lines.append(f"  capacity       {comp:<14} {cap:,.3f} MW")
    lines.append("  energy [MWh]   (+ into a bus, - out of it)")
    for comp, buses in data["energy_mwh"].items():
        flows = ", ".join(f"{bus} {v:+,.1f}" for bus, v in buses.items() if abs(v) > 5e-4)
        if flows:
            lines.append(f"    {comp:<14} {flows}")
    t = data["times_s"]
    lines.append(
        f"  model          {data['size'].get('columns', 0):,} columns, "
        f"{data['size'].get('rows', 0):,} rows, {data['size'].get('integers', 0):,} integer; "
        f"build {t.get('build_s', 0):.3f} s, solve {t.get('solve_s', 0):.3f} s; "
        f"largest bus imbalance {data['max_imbalance_mw']:.2e} MW"
    )
    return "\n".join(lines)


def write_result(result: Result, weights: np.ndarray, folder: Path) -> list[Path]:
    """Write the result's files into ``folder`` (created); returns the paths written."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    index = pd.DatetimeIndex(result.snapshots, name="time")
    written = []
    path = folder / "summary.json"
    path.write_text(json.dumps(summary(result, weights), indent=2, default=str), encoding="utf-8")
    written.append(path)
    tables = {
        "flows.csv": {f"{c}:{b}": v for (c, b), v in result.flows.items()},
        "levels.csv": result.levels,
        "status.csv": result.status_on,
        "prices.csv": result.prices or {},
    }
    for name, columns in tables.items():
        if columns:
            path = folder / name
            pd.DataFrame(columns, index=index).to_csv(path)
            written.append(path)
    if result.costs:
        path = folder / "costs.csv"
        result.costs_frame().to_csv(path, index=False)
        written.append(path)
    return written
