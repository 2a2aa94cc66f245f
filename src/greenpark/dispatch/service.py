"""Day-ahead dispatch of the park's registered station from the store's data.

:func:`day_ahead` reads the station's assets and four weeks of its meters, forecasts the
day's loads (:mod:`greenpark.dispatch.forecast`), prices grid and gas with the tariff table,
the settings and the ledger's factors of the year (the user's versions included), solves
the optimised schedule (unit commitment, storage) and the rule-based baseline, and records
the run (``dispatch_run``) with its energy and carbon, which the ledger shows as projected
figures.

History → loads (``docs/dispatch.md``): heat and cooling delivered are the heat and cooling
production meters; the district electricity load is grid import + engines + PV - the
electric chillers' estimated draw (cooling delivered / the electric chillers' rated COP;
absorption cooling makes it a slight underestimate); PV availability is the PV meter over
the PV rating.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from greenpark.dispatch.forecast import Forecast, forecast_day
from greenpark.dispatch.model import Problem
from greenpark.dispatch.solve import Result, SolveOptions, solve
from greenpark.dispatch.station import (
    StationPrices,
    StationSettings,
    baseline_problem,
    station_problem,
    tou_prices,
)
from greenpark.dispatch.year import AddedPv, added_pv_effect
from greenpark.errors import InputError
from greenpark.ledger.compute import LedgerOptions, electricity_kwh_factor
from greenpark.ledger.service import with_user_factors
from greenpark.standards.energy import coal_coefficient, fuel_emission_factor, heating_value
from greenpark.store import dispatch as db
from greenpark.store.db import Store
from greenpark.store.ledger import ParkRef, resolve_park

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from greenpark.config import Settings

__all__ = ["DayAhead", "added_pv", "day_ahead", "history_frame", "station_hours"]

#: kWh in one GJ.
KWH_PER_GJ = 1000.0 / 3.6
#: Days of history read for the forecast.
HISTORY_DAYS = 29


@dataclass
class DayAhead:
    """A day-ahead run: the forecast, the problem, the optimised and baseline results, the
    prices, and the totals recorded (``cost``, ``tco2``, ``grid_kwh``, ``gas_m3``, ``tce``
    and their ``baseline_`` twins) [CNY, t, kWh, m³, t]."""

    park: ParkRef
    day: dt.date
    forecast: Forecast
    problem: Problem
    optimised: Result
    baseline: Result
    prices: StationPrices
    totals: dict[str, Any]
    run_id: int | None = None


def _per_step_mw(series: pd.Series, unit: str, zone: ZoneInfo) -> pd.Series:
    """Readings per 15-min interval (kWh, GJ) → mean power [MW], park-local naive index."""
    factor = 4.0 / 1000.0 if unit == "kWh" else 4.0 * KWH_PER_GJ / 1000.0
    out = series * factor
    out.index = out.index.tz_convert(zone).tz_localize(None)
    return out


def _loads(mw: dict[str, pd.Series], assets: list[dict[str, Any]], index: Any) -> pd.DataFrame:
    """The station's loads from its roles' power [MW]: district electricity = grid import +
    engines + PV - cooling delivered / the electric chillers' mean rated COP (not below 0),
    heat and cooling delivered, PV per unit of its rating."""
    cop = [float(a["cop"]) for a in assets if a["kind"] == "electric_chiller" and a.get("cop")]
    chiller_cop = float(np.mean(cop)) if cop else math.inf
    pv_mw = sum(float(a["p_nom"] or 0) for a in assets if a["kind"] == "pv") / 1000.0
    el = mw["grid"] + mw["engines"] + mw["pv"] - mw["cool"] / chiller_cop
    return pd.DataFrame(
        {
            "el": el.clip(lower=0.0),
            "heat": mw["heat"],
            "cool": mw["cool"],
            "pv": mw["pv"] / pv_mw if pv_mw > 0 else mw["pv"] * 0.0,
        },
        index=index,
    )


def history_frame(
    conn: Any, park: ParkRef, assets: list[dict[str, Any]], day: dt.date, zone: ZoneInfo
) -> pd.DataFrame:
    """The station's loads of the ``HISTORY_DAYS`` days before ``day``: columns ``el``,
    ``heat``, ``cool`` [MW], ``pv`` [per unit], ``temp`` [°C] when measured (15-min,
    park-local naive index).

    Raises
    ------
    InputError
        No station (no production meters) in the park.
    """
    meters = db.station_meters(conn, park.id)
    if not any(meters.values()):
        raise InputError(f"park {park.code} has no energy station (no production meters)")
    end = dt.datetime.combine(day, dt.time(), zone)
    start = end - dt.timedelta(days=HISTORY_DAYS)
    index = pd.date_range(start.replace(tzinfo=None), end.replace(tzinfo=None), freq="15min",
                          inclusive="left")  # fmt: skip
    cols: dict[str, pd.Series] = {}
    for role, unit in (("grid", "kWh"), ("engines", "kWh"), ("pv", "kWh"), ("heat", "GJ"),
                       ("cool", "GJ")):  # fmt: skip
        s = db.role_readings(conn, meters[role], start, end)
        cols[role] = _per_step_mw(s, unit, zone).reindex(index) if len(s) else pd.Series(0.0, index)
    frame = _loads(cols, assets, index)
    temp = db.temperature(conn, park.id, start, end)
    if len(temp):
        temp.index = temp.index.tz_convert(zone).tz_localize(None)
        frame["temp"] = temp.reindex(index, method="ffill")
    return frame


#: Hourly loads of the year: role, its unit, how one hour's quantity becomes MW.
_HOURLY_ROLES: dict[str, float] = {
    "grid": 1.0 / 1000.0,  # kWh in the hour -> MW
    "engines": 1.0 / 1000.0,
    "pv": 1.0 / 1000.0,
    "heat": KWH_PER_GJ / 1000.0,  # GJ in the hour -> MW
    "cool": KWH_PER_GJ / 1000.0,
}


def station_hours(
    conn: Connection, park: ParkRef, assets: list[dict[str, Any]], year: int, zone: ZoneInfo
) -> pd.DataFrame:
    """The station's loads of ``year`` hour by hour, derived as in :func:`history_frame`.

    Parameters
    ----------
    conn : Connection
        A read connection to the store.
    park : ParkRef
        The park whose station it is.
    assets : list of dict
        The station's assets (:func:`greenpark.store.dispatch.park_assets`), ratings in kW.
    year : int
        Calendar year (park-local).
    zone : ZoneInfo
        The park's time zone.

    Returns
    -------
    DataFrame
        Park-local naive hourly index (8 760 or 8 784 rows): ``el``, ``heat``, ``cool`` [MW]
        and ``pv`` [per unit of the rated PV]; NaN in an hour that some meter of a role does
        not cover exactly once (a gap, a reading longer than the hour, or overlapping
        readings).

    Raises
    ------
    InputError
        No station (no energy production meters) in the park.
    """
    meters = db.station_meters(conn, park.id)
    if not any(meters.values()):
        raise InputError(f"park {park.code} has no energy station (no production meters)")
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    end = dt.datetime(year + 1, 1, 1, tzinfo=zone)
    hours = pd.date_range(start, end, freq="1h", inclusive="left").tz_convert("UTC")
    mw: dict[str, pd.Series] = {}
    for role, factor in _HOURLY_ROLES.items():
        if not meters[role]:
            mw[role] = pd.Series(0.0, index=hours)
            continue
        h = db.role_hourly(conn, meters[role], start, end).reindex(hours)
        mw[role] = (h["quantity"] * factor).where((h["covered"] - 1.0).abs() < 1e-6)
    frame = _loads(mw, assets, hours)
    frame.index = frame.index.tz_convert(zone).tz_localize(None)
    return frame


#: The newest :func:`added_pv` results, by what they were computed from (a page asking the
#: same what-if again is not solved again while the station's data are unchanged).
_ADDED_PV: OrderedDict[tuple[Any, ...], AddedPv] = OrderedDict()
_ADDED_PV_SIZE = 8
_ADDED_PV_LOCK = threading.Lock()


def added_pv(
    conn: Connection,
    park: ParkRef,
    year: int,
    added_kw: float,
    zone: ZoneInfo,
    settings: Settings,
    options: LedgerOptions,
    *,
    station: StationSettings | None = None,
) -> AddedPv:
    """The station's ``year`` re-dispatched with ``added_kw`` more PV
    (:func:`greenpark.dispatch.year.added_pv_effect`), from the store's assets, meters and
    the ledger's factors of the year.

    Parameters
    ----------
    conn : Connection
        A read connection to the store.
    park : ParkRef
        The park.
    year : int
        Calendar year (park-local).
    added_kw : float
        PV added [kW].
    zone : ZoneInfo
        The park's time zone (months and the tariff's hours are park-local).
    settings : Settings
        The gas and carbon prices and the grid import limit (``dispatch_*``).
    options : LedgerOptions
        The ledger options, with the user's factor versions.
    station : StationSettings, optional
        Station operating data (unit commitment is off in the year's LPs).

    Returns
    -------
    AddedPv
        The monthly changes. One computation is solved once: the result is kept (the newest
        eight) for the same store, park, year, added PV, prices, factors, assets and station
        readings (their count, newest start and sum), and computed again when any changes.

    Raises
    ------
    InputError
        No station, no assets, no rated PV.
    """
    assets = db.park_assets(conn, park.id)
    if not assets:
        raise InputError(f"park {park.code} has no station assets in the registry")
    meters = db.station_meters(conn, park.id)
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    fingerprint = db.readings_fingerprint(
        conn, [m for ids in meters.values() for m in ids], start, start.replace(year=year + 1)
    )
    key = (
        str(conn.engine.url), park.id, year, float(added_kw), zone.key,
        settings.dispatch_gas_price, settings.dispatch_carbon_price,
        settings.dispatch_grid_import_mw, repr(with_user_factors(conn, options)),
        repr(assets), repr(station), fingerprint,
    )  # fmt: skip
    with _ADDED_PV_LOCK:  # one year's LPs at a time: two cores are not shared by requests
        if key in _ADDED_PV:
            _ADDED_PV.move_to_end(key)
            return _ADDED_PV[key]
        hourly = station_hours(conn, park, assets, year, zone)
        snapshots = hourly.index.to_numpy(dtype="datetime64[s]")
        prices = _prices(conn, snapshots, year, settings, options)
        result = added_pv_effect(assets, hourly, prices, added_kw, settings=station)
        _ADDED_PV[key] = result
        while len(_ADDED_PV) > _ADDED_PV_SIZE:
            _ADDED_PV.popitem(last=False)
        return result


def _prices(
    conn: Any, snapshots: np.ndarray, year: int, settings: Any, options: LedgerOptions
) -> StationPrices:
    opts = with_user_factors(conn, options)
    grid = electricity_kwh_factor(year, opts.calibre, opts.area, opts)
    gas = fuel_emission_factor("natural_gas")
    kwh_m3 = heating_value(opts.natural_gas) / 3600.0
    notes = (
        f"grid {grid.value * 1000:.4f} tCO2/MWh ({grid.source}"
        + (f"; {grid.note}" if grid.note else "") + ")",
        f"gas {gas.value * 1000:.3f} kgCO2/m³, {kwh_m3:.3f} kWh/m³ ({opts.natural_gas}, "
        "GB/T 2589)",
        "tariff: tables/tou_tariff.csv (stylised, U)",
    )  # fmt: skip
    return StationPrices(
        electricity=tou_prices(snapshots),
        gas_cny_m3=settings.dispatch_gas_price,
        gas_kwh_m3=kwh_m3,
        grid_emission=grid.value * 1000.0,
        gas_emission_m3=gas.value,
        carbon_price=settings.dispatch_carbon_price,
        grid_import_mw=settings.dispatch_grid_import_mw,
        notes=notes,
    )


def totals(
    result: Result, problem: Problem, prices: StationPrices, options: LedgerOptions
) -> dict[str, Any]:
    """Cost, CO2, grid import, gas and their standard coal of a result."""
    if result.objective is None:
        return {"cost": None, "tco2": None, "grid_kwh": None, "gas_m3": None, "tce": None}
    w = problem.weights
    grid_kwh = float(np.dot(w, result.flows[("grid_import", "el")])) * 1000.0
    gas_m3 = float(np.dot(w, result.flows[("gas_supply", "gas")])) * 1000.0 / prices.gas_kwh_m3
    tce = (
        grid_kwh * coal_coefficient("electricity").value
        + gas_m3 * coal_coefficient(options.natural_gas).value
    ) / 1000.0
    return {
        "cost": result.objective,
        "tco2": result.emissions,
        "grid_kwh": grid_kwh,
        "gas_m3": gas_m3,
        "tce": tce,
    }


def _schedule(day: DayAhead) -> dict[str, Any]:
    r, b = day.optimised, day.baseline

    def rounded(values: dict[Any, np.ndarray]) -> dict[str, list[float]]:
        # 1e-6 MW: the recorded schedule still balances every bus to 1e-6
        return {
            (k if isinstance(k, str) else f"{k[0]}:{k[1]}"): [round(float(x), 6) for x in v]
            for k, v in values.items()
        }

    return {
        "times": [str(t) for t in day.problem.snapshots],
        "flows": rounded(r.flows),
        "levels": rounded(r.levels),
        "status": rounded(r.status_on),
        "baseline_flows": rounded(b.flows),
        "costs": r.cost_by_kind() if r.costs else {},
        "baseline_costs": b.cost_by_kind() if b.costs else {},
        "forecast_method": day.forecast.method,
        "price": [round(float(x), 2) for x in day.prices.electricity],
        "totals": {k: v for k, v in day.totals.items() if not k.startswith("baseline_")},
        "baseline_totals": {
            k.removeprefix("baseline_"): v
            for k, v in day.totals.items()
            if k.startswith("baseline_")
        },
        "notes": list(day.prices.notes),
    }


def day_ahead(
    store: Store,
    settings: Any,
    *,
    day: dt.date | None = None,
    park_code: str | None = None,
    station: StationSettings | None = None,
    options: SolveOptions | None = None,
    who: str | None = None,
    record: bool = True,
) -> DayAhead:
    """Forecast, optimise and record the station's schedule for ``day`` (default: the day
    after the newest heat or cooling reading).

    Raises
    ------
    InputError
        No park, no station, no assets, or too little history for the forecast.
    """
    zone = ZoneInfo(settings.park_timezone)
    ledger_options = LedgerOptions()
    with store.read() as conn:
        park = resolve_park(conn, park_code)
        assets = db.park_assets(conn, park.id)
        if not assets:
            raise InputError(f"park {park.code} has no station assets in the registry")
        if day is None:
            newest = db.newest_station_reading(conn, park.id)
            if newest is None:
                raise InputError(f"park {park.code}: the station has no readings yet")
            day = newest.astimezone(zone).date() + dt.timedelta(days=1)
        history = history_frame(conn, park, assets, day, zone)
        forecast = forecast_day(history, day)
        snapshots = forecast.index
        prices = _prices(conn, snapshots, day.year, settings, ledger_options)
    weights = np.full(len(snapshots), 0.25)
    problem = station_problem(
        assets, snapshots=snapshots, weights=weights, el=forecast.el, heat=forecast.heat,
        cool=forecast.cool, pv=forecast.pv, prices=prices, settings=station,
        name=f"{park.code} day-ahead {day}",
    )  # fmt: skip
    opts = options or SolveOptions(mip_gap=0.005, time_limit=60.0)
    optimised = solve(problem, opts)
    base = baseline_problem(problem, forecast.heat)
    baseline = solve(base, SolveOptions())
    out = DayAhead(park, day, forecast, problem, optimised, baseline, prices, {})
    t = totals(optimised, problem, prices, ledger_options)
    tb = totals(baseline, base, prices, ledger_options)
    out.totals = {**t, **{f"baseline_{k}": v for k, v in tb.items()}}
    if record:
        with store.write() as conn:
            out.run_id = db.add_run(
                conn,
                {
                    "park_id": park.id,
                    "day": day,
                    "created_at": dt.datetime.now(dt.UTC),
                    "created_by": who,
                    "status": optimised.status,
                    "cost": t["cost"],
                    "baseline_cost": tb["cost"],
                    "tco2": t["tco2"],
                    "baseline_tco2": tb["tco2"],
                    "grid_kwh": t["grid_kwh"],
                    "gas_m3": t["gas_m3"],
                    "tce": t["tce"],
                    "schedule": _schedule(out),
                },
            )
    return out
