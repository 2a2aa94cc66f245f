"""The park's registered multi-energy station as a dispatch problem, and its rule-based
baseline.

Pure: asset ratings (the store's ``asset`` rows as dicts), load forecasts, prices and
factors in; :class:`~greenpark.dispatch.model.Problem` out. Ratings are kW in the store and
MW here. The station (``docs/dispatch.md``, "The registered station"):

- buses ``el``, ``gas``, ``wh`` (the engines' recoverable heat), ``heat``, ``cold``, ``pv``;
- grid import at the time-of-use price (``tables/tou_tariff.csv``) with the ledger's
  electricity factor; gas at its price per m³ over its heating value, with its combustion
  factor; carbon at the carbon price;
- PV on its own bus, feeding ``el``; no export (the district takes it all, or it is
  curtailed);
- each gas engine: capacity on its electric output, gas = el / efficiency, recoverable heat =
  el x heat-recovery / electric efficiency, unit commitment (minimum load from the asset,
  start-up and no-load costs, minimum up and down times from :class:`StationSettings`);
  recovered heat serves the heat load (a lossless exchanger), drives the absorption chillers
  or goes to the cooling tower (a dump);
- chillers and the boiler rated on their output;
- battery, hot-water and chilled-water storage with their round-trip efficiency split
  evenly between charge and discharge and their standing loss.

The baseline is the station's rules without optimisation: engines heat-led (following the
heat load, off below their minimum load), no storage, chillers and boiler on demand.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from greenpark.dispatch.model import (
    Bus,
    Commitment,
    Converter,
    Load,
    Problem,
    Sink,
    Source,
    Storage,
)
from greenpark.errors import InputError

__all__ = ["StationPrices", "StationSettings", "baseline_problem", "station_problem", "tou_prices"]

FloatArray = NDArray[np.float64]


@functools.cache
def _tariff_rows() -> tuple[dict[str, str], ...]:
    text = resources.files("greenpark.dispatch").joinpath("tables", "tou_tariff.csv")
    return tuple(csv.DictReader(io.StringIO(text.read_text("utf-8"))))


def tou_prices(snapshots: NDArray[np.datetime64]) -> FloatArray:
    """Time-of-use energy price of each step [CNY/MWh] from ``tables/tou_tariff.csv``
    (periods by hour of day; critical-peak rows by month replace what they overlap).

    The shipped table is DCPARK-1's stylised East-China large-industry tariff, marked U:
    the park's own tariff or supply contract should replace it (``docs/dispatch.md``).
    """
    t = np.asarray(snapshots, dtype="datetime64[s]")
    hour = (t - t.astype("datetime64[D]")).astype("timedelta64[h]").astype(int)
    month = t.astype("datetime64[M]").astype(int) % 12 + 1
    price = np.full(len(t), np.nan)
    rows = sorted(_tariff_rows(), key=lambda r: bool(r["months"]))  # base periods first
    for r in rows:
        sel = (hour >= int(r["hour_from"])) & (hour < int(r["hour_to"]))
        if r["months"]:
            sel &= np.isin(month, [int(m) for m in r["months"].split()])
        price[sel] = float(r["price"])
    if np.isnan(price).any():
        raise InputError("tou_tariff.csv does not cover every hour of the day")
    return price


@dataclass(frozen=True)
class StationPrices:
    """Prices and factors of a station run.

    Attributes
    ----------
    electricity : ndarray
        Grid energy price per step [CNY/MWh].
    gas_cny_m3 : float
        Gas price [CNY/m³].
    gas_kwh_m3 : float
        Gas low heating value [kWh/m³] (GB/T 2589: 35 544 kJ/m³ gas-field = 9.873 kWh/m³).
    grid_emission : float
        Electricity factor [tCO2/MWh] (the ledger's, for the run's year).
    gas_emission_m3 : float
        Gas combustion factor [tCO2/m³].
    carbon_price : float
        [CNY/tCO2].
    grid_import_mw : float
        Import limit [MW].
    notes : tuple of str
        Where the factors come from (shown with the results).
    """

    electricity: FloatArray
    gas_cny_m3: float
    gas_kwh_m3: float
    grid_emission: float
    gas_emission_m3: float
    carbon_price: float = 0.0
    grid_import_mw: float = 25.0
    notes: tuple[str, ...] = ()

    @property
    def gas_cny_mwh(self) -> float:
        """Gas price per MWh of heating value [CNY/MWh]."""
        return self.gas_cny_m3 / self.gas_kwh_m3 * 1000.0

    @property
    def gas_emission_mwh(self) -> float:
        """Gas factor per MWh of heating value [tCO2/MWh]."""
        return self.gas_emission_m3 / self.gas_kwh_m3 * 1000.0


@dataclass(frozen=True)
class StationSettings:
    """Operating data the asset register does not hold (assumptions, documented).

    Attributes
    ----------
    start_cost : float
        Per engine start [CNY] (DCPARK-1: 300).
    no_load_cost : float
        Per engine hour committed [CNY/h] (DCPARK-1: 100).
    min_up, min_down : float
        [h] (DCPARK-1: 3 and 2).
    engine_vom : float
        Engine O&M per MWh of gas [CNY/MWh] (DCPARK-1: 12).
    boiler_vom : float
        [CNY/MWh of gas] (DCPARK-1: 5).
    battery_cost : float
        Per MWh discharged [CNY/MWh] (DCPARK-1: 20).
    commitment : bool
        Engines as committed units (MILP); False: continuous (LP).
    """

    start_cost: float = 300.0
    no_load_cost: float = 100.0
    min_up: float = 3.0
    min_down: float = 2.0
    engine_vom: float = 12.0
    boiler_vom: float = 5.0
    battery_cost: float = 20.0
    commitment: bool = True


def _mw(asset: Mapping[str, Any], field: str) -> float:
    v = asset.get(field)
    if v is None or not math.isfinite(float(v)) or float(v) <= 0:
        raise InputError(f"asset {asset.get('code')!r}: {field} must be a positive number")
    return float(v) / 1000.0


def _number(asset: Mapping[str, Any], field: str, default: float | None = None) -> float:
    v = asset.get(field)
    if v is None:
        v = (asset.get("params") or {}).get(field, default)
    if v is None:
        raise InputError(f"asset {asset.get('code')!r}: {field} is needed")
    return float(v)


def station_problem(
    assets: Sequence[Mapping[str, Any]],
    *,
    snapshots: NDArray[np.datetime64],
    weights: FloatArray,
    el: FloatArray,
    heat: FloatArray,
    cool: FloatArray,
    pv: FloatArray,
    prices: StationPrices,
    settings: StationSettings | None = None,
    name: str = "station day-ahead",
) -> Problem:
    """The station of ``assets`` (``code``, ``kind``, ``p_nom`` [kW], ``e_nom`` [kWh],
    ``efficiency``, ``cop``, ``params``) serving the loads ``el``, ``heat``, ``cool`` [MW]
    with PV available ``pv`` [per unit] (see the module docstring).

    Raises
    ------
    InputError
        An asset without the rating its kind needs, naming the asset and the field.
    """
    s = settings or StationSettings()
    w = np.asarray(weights, dtype=float)
    sources = [
        Source("grid_import", "el", prices.grid_import_mw, price=prices.electricity,
               emission=prices.grid_emission),
        Source("gas_supply", "gas", math.inf, price=prices.gas_cny_mwh,
               emission=prices.gas_emission_mwh),
    ]  # fmt: skip
    sinks = [Sink("wh_dump", "wh")]
    converters = [
        Converter("pv_to_el", {"pv": 1.0}, {"el": 1.0}, ref="pv"),
        Converter("wh_to_heat", {"wh": 1.0}, {"heat": 1.0}, ref="wh"),
    ]
    storages: list[Storage] = []
    pv_mw = 0.0
    for a in assets:
        kind, code = a.get("kind"), str(a.get("code"))
        if kind == "pv":
            pv_mw += _mw(a, "p_nom")
        elif kind == "gas_engine":
            eff = _number(a, "efficiency")
            hre = _number(a, "heat_recovery_efficiency")
            commit = None
            if s.commitment:
                commit = Commitment(
                    min_load=_number(a, "p_min_pu", 0.0), start_cost=s.start_cost,
                    no_load_cost=s.no_load_cost, min_up=s.min_up, min_down=s.min_down,
                )  # fmt: skip
            converters.append(
                Converter(code, {"gas": 1.0 / eff}, {"el": 1.0, "wh": hre / eff}, ref="el",
                          capacity=_mw(a, "p_nom"), vom=s.engine_vom / eff, commitment=commit)
            )  # fmt: skip
        elif kind == "absorption_chiller":
            cop = _number(a, "cop")
            converters.append(Converter(code, {"wh": 1.0 / cop}, {"cold": 1.0}, ref="cold",
                                        capacity=_mw(a, "p_nom")))  # fmt: skip
        elif kind == "electric_chiller":
            cop = _number(a, "cop")
            converters.append(Converter(code, {"el": 1.0 / cop}, {"cold": 1.0}, ref="cold",
                                        capacity=_mw(a, "p_nom")))  # fmt: skip
        elif kind == "boiler":
            eff = _number(a, "efficiency")
            converters.append(
                Converter(code, {"gas": 1.0 / eff}, {"heat": 1.0}, ref="heat",
                          capacity=_mw(a, "p_nom"), vom=s.boiler_vom / eff)
            )  # fmt: skip
        elif kind in ("battery", "thermal_storage", "cold_storage"):
            bus = {"battery": "el", "thermal_storage": "heat", "cold_storage": "cold"}[kind]
            rt = _number(a, "round_trip_efficiency", _number(a, "efficiency"))
            eta = math.sqrt(rt)  # the round trip split evenly: charge and discharge
            storages.append(
                Storage(code, bus, power=_mw(a, "p_nom"), energy=_mw(a, "e_nom"),
                        eta_charge=eta, eta_discharge=eta,
                        standing_loss=_number(a, "standing_loss_pu_per_h", 0.0),
                        discharge_cost=s.battery_cost if kind == "battery" else 0.0)
            )  # fmt: skip
    if pv_mw > 0:
        sources.append(Source("pv", "pv", pv_mw, availability=np.clip(pv, 0.0, 1.0)))
    buses = [Bus(b) for b in ("el", "gas", "wh", "heat", "cold", "pv")]
    # a heat or cooling load that is zero throughout is left out where nothing of the station
    # could serve it (e.g. a station of PV and grid only), which the problem would refuse
    served = {b for c in converters for b in c.outputs} | {st.bus for st in storages}
    loads = [Load("el_load", "el", el)] + [
        Load(name, bus, p) for name, bus, p in (("heat_load", "heat", heat),
                                                ("cool_load", "cold", cool))
        if bus in served or np.any(np.asarray(p, dtype=float) != 0.0)
    ]  # fmt: skip
    return Problem(
        name=name,
        snapshots=np.asarray(snapshots, dtype="datetime64[s]"),
        weights=w,
        buses=buses,
        sources=sources,
        sinks=sinks,
        loads=loads,
        converters=converters,
        storages=storages,
        carbon_price=prices.carbon_price,
    )


def baseline_problem(problem: Problem, heat: FloatArray) -> Problem:
    """The rule-based baseline of a station problem: engines heat-led (each engine, in
    order, covers what heat is left up to its rating, off below its minimum load), no
    storage; chillers and the boiler on demand (solved as the same LP with those fixed).
    """
    left = np.asarray(heat, dtype=float).copy()
    converters = []
    for c in problem.converters:
        if "gas" in c.inputs and "wh" in c.outputs:
            ratio = float(np.asarray(c.outputs["wh"]))  # recoverable heat per MW el
            el = np.minimum(left / ratio, c.capacity)
            min_load = c.commitment.min_load if c.commitment else 0.0
            el = np.where(el >= min_load * c.capacity - 1e-12, el, 0.0)
            left = left - el * ratio
            pu = el / c.capacity
            converters.append(replace(c, p_min=pu, p_max=pu, commitment=None))
        else:
            converters.append(c)
    return replace(problem, name=f"{problem.name} (rule-based baseline)",
                   converters=converters, storages=[])  # fmt: skip
