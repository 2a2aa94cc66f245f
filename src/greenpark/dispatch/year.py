"""The station's year re-dispatched with added PV: what the grid import, the gas, the
engines and the PV used change by, month by month (issue 8, point 6).

Pure: the station's assets, a year of its hourly loads and the prices in; the monthly
changes out. Each month with enough metered hours is one linear programme over its hours
(:func:`~greenpark.dispatch.station.station_problem` with the engines continuous, no unit
commitment), solved twice with HiGHS: with the rated PV and with ``added_kw`` more PV of
the same per-unit profile. The differences of the two optima are the effect of the added
PV, *after* the optimiser has re-planned the engines, chillers, storage and grid import; PV
the district cannot take is curtailed (the station exports nothing), so the PV used grows
less than the rating once the PV covers the load.

The model's own totals differ from the meters (the meters record how the station was really
run, not an optimum), so only the differences are applied to the metered figures: the
"delta method" of ``docs/evaluation.md`` ("What-if scenarios").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np
import pandas as pd

from greenpark.dispatch.solve import Result, SolveOptions, solve
from greenpark.dispatch.station import StationPrices, StationSettings, station_problem
from greenpark.errors import InputError

__all__ = ["MIN_MONTH_COVERAGE", "MONTH_FIGURES", "AddedPv", "added_pv_effect"]

#: Share of a month's hours that must have every load for the month to be modelled [-].
MIN_MONTH_COVERAGE: Final[float] = 0.9
#: What is summed per month and run: (key, unit).
MONTH_FIGURES: Final[tuple[tuple[str, str], ...]] = (
    ("grid_kwh", "kWh"),
    ("gas_m3", "m³"),
    ("engines_kwh", "kWh"),
    ("pv_kwh", "kWh"),
    ("pv_curtailed_kwh", "kWh"),
    ("cost_cny", "CNY"),
    ("tco2", "t"),
)
_LOADS: Final[tuple[str, ...]] = ("el", "heat", "cool", "pv")


@dataclass(frozen=True)
class AddedPv:
    """The effect of ``added_kw`` of PV on the station's year.

    Attributes
    ----------
    added_kw : float
        PV added [kW].
    rated_kw : float
        PV rated today [kW].
    months : DataFrame
        One row per modelled month (``YYYY-MM``): for each figure of
        :data:`MONTH_FIGURES` the optimum with today's PV (``<key>_today``), with the added
        PV (``<key>_added``) and the difference (``<key>``), plus ``hours`` (hours of the
        month) and ``filled_hours`` (hours without every load, filled by interpolation).
    skipped : dict
        Month → why it was not modelled (too few metered hours).
    statuses : tuple of str
        Solver status of each run that was not optimal (empty when all were).
    """

    added_kw: float
    rated_kw: float
    months: pd.DataFrame
    skipped: dict[str, str]
    statuses: tuple[str, ...] = ()

    def total(self, key: str) -> float:
        """The year's change of ``key`` (a figure of :data:`MONTH_FIGURES`) over the modelled
        months [its unit]."""
        return float(self.months[key].sum()) if len(self.months) else 0.0


def _month_totals(
    result: Result, assets: Sequence[Mapping[str, Any]], prices: StationPrices, avail_mw: np.ndarray
) -> dict[str, float]:
    """Sums of a solved month [kWh, m³, CNY, t]."""
    w = 1.0  # hourly steps [h]
    flows = result.flows
    engines = [str(a["code"]) for a in assets if a.get("kind") == "gas_engine"]
    pv = flows.get(("pv_to_el", "el"))
    pv_mwh = float(np.sum(pv)) * w if pv is not None else 0.0
    return {
        "grid_kwh": float(np.sum(flows[("grid_import", "el")])) * w * 1000.0,
        "gas_m3": float(np.sum(flows[("gas_supply", "gas")])) * w * 1000.0 / prices.gas_kwh_m3,
        "engines_kwh": sum(float(np.sum(flows[(c, "el")])) for c in engines) * w * 1000.0,
        "pv_kwh": pv_mwh * 1000.0,
        "pv_curtailed_kwh": max(0.0, float(np.sum(avail_mw)) * w - pv_mwh) * 1000.0,
        "cost_cny": float(result.objective or 0.0),
        "tco2": float(result.emissions or 0.0),
    }


def added_pv_effect(
    assets: Sequence[Mapping[str, Any]],
    hourly: pd.DataFrame,
    prices: StationPrices,
    added_kw: float,
    *,
    settings: StationSettings | None = None,
    options: SolveOptions | None = None,
) -> AddedPv:
    """The station's year re-dispatched with ``added_kw`` more PV, month by month.

    Parameters
    ----------
    assets : sequence of mapping
        The station's assets (``greenpark.store.dispatch.park_assets``): ratings in kW.
    hourly : DataFrame
        Park-local naive hourly index over the year: ``el``, ``heat``, ``cool`` [MW] and
        ``pv`` [per unit of the rated PV]; NaN where not metered.
    prices : StationPrices
        Prices and factors; ``electricity`` has one price per row of ``hourly``.
    added_kw : float
        PV added [kW] (> 0), with the rated PV's per-unit profile.
    settings : StationSettings, optional
        Station operating data; unit commitment is always off here (each month is an LP).
    options : SolveOptions, optional
        HiGHS settings.

    Returns
    -------
    AddedPv
        Per month the optimum with today's PV, with the added PV and their difference.

    Raises
    ------
    InputError
        ``added_kw`` not positive, no rated PV, or prices and loads of different lengths.

    Notes
    -----
    A month is modelled when at least :data:`MIN_MONTH_COVERAGE` of its hours have every
    load; the other hours are filled by linear interpolation in time (``filled_hours``).
    The LP links storage levels cyclically within the month. The difference of the two
    optima is what applies to the meters: grid import, gas [m³ at ``prices.gas_kwh_m3``],
    engine electricity and PV used.
    """
    if not added_kw > 0:
        raise InputError(f"added PV must be positive, got {added_kw} kW")
    rated_kw = sum(float(a.get("p_nom") or 0.0) for a in assets if a.get("kind") == "pv")
    if rated_kw <= 0:
        raise InputError("the station rates no PV: its per-unit profile is unknown")
    if len(prices.electricity) != len(hourly):
        raise InputError(
            f"{len(prices.electricity)} prices for {len(hourly)} hours: one price per hour"
        )
    missing = [c for c in _LOADS if c not in hourly]
    if missing:
        raise InputError(f"the hourly loads lack the column(s) {', '.join(missing)}")
    settings = replace(settings or StationSettings(), commitment=False)
    options = options or SolveOptions()
    more = [dict(a) for a in assets]
    pv_assets = [a for a in more if a.get("kind") == "pv"]
    for a in pv_assets:  # the added PV spread over the PV assets in proportion to rating
        a["p_nom"] = float(a["p_nom"] or 0.0) * (rated_kw + added_kw) / rated_kw
    frame = hourly[list(_LOADS)].astype(float)
    price = pd.Series(np.asarray(prices.electricity, dtype=float), index=frame.index)
    month_of = frame.index.strftime("%Y-%m")
    rows: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    statuses: list[str] = []
    for month in dict.fromkeys(month_of):
        sel = month_of == month
        part = frame[sel]
        complete = part.notna().all(axis=1)
        if complete.mean() < MIN_MONTH_COVERAGE:
            skipped[month] = (
                f"{int(complete.sum())} of {len(part)} hours have every load "
                f"(at least {MIN_MONTH_COVERAGE:.0%} needed)"
            )
            continue
        filled = part.interpolate(method="time", limit_direction="both").clip(lower=0.0)
        month_prices = replace(prices, electricity=price[sel].to_numpy())
        row: dict[str, Any] = {
            "month": month,
            "hours": len(part),
            "filled_hours": int((~complete).sum()),
        }
        for label, rating in (("today", assets), ("added", more)):
            pv_mw = (
                sum(float(a.get("p_nom") or 0.0) for a in rating if a.get("kind") == "pv") / 1000.0
            )
            problem = station_problem(
                rating,
                snapshots=filled.index.to_numpy(dtype="datetime64[s]"),
                weights=np.ones(len(filled)),
                el=filled["el"].to_numpy(),
                heat=filled["heat"].to_numpy(),
                cool=filled["cool"].to_numpy(),
                pv=filled["pv"].to_numpy(),
                prices=month_prices,
                settings=settings,
                name=f"station {month} ({label} PV)",
            )
            result = solve(problem, options)
            if result.objective is None:
                statuses.append(f"{month} {label}: {result.status}")
                break
            avail = np.clip(filled["pv"].to_numpy(), 0.0, 1.0) * pv_mw
            for key, v in _month_totals(result, rating, month_prices, avail).items():
                row[f"{key}_{label}"] = v
        else:
            for key, _ in MONTH_FIGURES:
                row[key] = row[f"{key}_added"] - row[f"{key}_today"]
            rows.append(row)
            continue
        skipped[month] = f"the solver found no optimum ({statuses[-1]})"
    columns = ["month", "hours", "filled_hours"] + [
        f"{k}{s}" for k, _ in MONTH_FIGURES for s in ("_today", "_added", "")
    ]
    return AddedPv(
        added_kw=float(added_kw),
        rated_kw=rated_kw,
        months=pd.DataFrame(rows, columns=columns),
        skipped=skipped,
        statuses=tuple(statuses),
    )
