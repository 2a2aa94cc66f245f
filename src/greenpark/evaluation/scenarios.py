"""What-if scenarios: change the year's inputs, rebuild the ledger and recompute every
indicator of a scheme, side by side with today (issue 8, point 6).

A :class:`Scenario` (one TOML file, :meth:`Scenario.from_toml`) changes what the year's
values are computed from, never the formulas:

- ``pv_mwp``: X MWp of PV added. When the park rates PV (station assets of kind ``pv``)
  and its station is metered hour by hour, the station's year is re-dispatched with today's
  and with the larger PV rating (:func:`greenpark.dispatch.service.added_pv`, one LP a
  month) and the difference of the two optima (PV used after curtailment, engine
  electricity, gas, the station's own electricity use) is applied to the station's metered
  figures, so the park's grid electricity changes by the dispatch's grid import change.
  Months the dispatch cannot model, and scenarios with ``redispatch = false``, scale the
  metered renewable production series by (existing + X) / existing MWp instead (the added
  kWh then displace grid electricity as the ledger counts it: internal supply =
  min(production, use of the members that produce none)); a park without rated and metered
  PV gets X MWp x the annual specific yield (``pv_yield_kwh_per_kwp``, default
  :data:`DEFAULT_PV_YIELD_KWH_PER_KWP`) as a new renewable production meter, spread over the
  year's months by their days.
- ``gec_mwh``: green certificates bought for the year [MWh, 1 GEC = 1 MWh], entered as
  park-level ``gec`` hand entries, spread by month in proportion to the park's grid
  electricity (after the scenario's other changes).
- ``retrofit``: ``[{enterprise = credit code, tce_per_va = target}]``: the enterprise's
  energy use of the year (consumption meters and ``consumption``/``non_production``
  entries, every carrier) is scaled by target / its current tce per 10⁴ yuan of value
  added, so its intensity becomes the target; a target at or above today's leaves it
  unchanged.
- ``buses``: N buses in service added to the fleet, running on ``bus_energy``
  (``battery_electric`` unless given).

:func:`evaluate_scenarios` reads the store once (read only), builds today's book with
:func:`greenpark.ledger.service.load_book`, each scenario's with
:func:`greenpark.ledger.book.build_book` on the changed
:class:`~greenpark.ledger.book.BookInputs`, and scores both through the same path as
:func:`greenpark.evaluation.service.evaluate` (``scheme_values`` + ``score_scheme``).
``docs/evaluation.md`` ("What-if scenarios") describes the file and the method.
"""

from __future__ import annotations

import calendar
import math
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from greenpark.dispatch.year import AddedPv
from greenpark.errors import InputError
from greenpark.evaluation.catalogue import load_scheme
from greenpark.evaluation.scoring import SchemeScore
from greenpark.evaluation.service import YearEvaluation, read_park_data
from greenpark.evaluation.values import (
    NEW_ENERGY_BUS_ENERGIES,
    ParkData,
    Value,
    VehicleRecord,
    co2_per_tce,
    green_electricity_share,
    renewable_share,
)
from greenpark.ledger.book import USE_KINDS, Book, BookInputs, build_book
from greenpark.ledger.compute import LedgerOptions
from greenpark.store.db import Store

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from greenpark.config import Settings
    from greenpark.store.ledger import ParkRef

__all__ = [
    "DEFAULT_PV_YIELD_KWH_PER_KWP",
    "LEDGER_FIGURES",
    "PARK_SCHEMES",
    "SCENARIO_PV",
    "TODAY",
    "Retrofit",
    "Scenario",
    "ScenarioResult",
    "apply_scenario",
    "changed",
    "comparison_rows",
    "evaluate_scenarios",
    "load_scenarios",
    "write_scenarios_sheet",
]

#: The schemes that judge the park as a whole, each recomputed for every scenario (the green
#: data-centre and green-factory schemes judge one site, from meters or entries no scenario
#: changes).
PARK_SCHEMES: Final[tuple[str, ...]] = ("miit-green-park", "zero-carbon-park")
#: Name of the unchanged year in the results.
TODAY: Final[str] = "today"
#: Annual specific yield of PV added to a park without rated and metered PV [kWh/kWp]: about
#: 1 000 full-load hours in Guizhou, one of China's least sunny provinces (assumption, U;
#: a scenario gives its own with ``pv_yield_kwh_per_kwp``).
DEFAULT_PV_YIELD_KWH_PER_KWP: Final[float] = 1000.0
#: Producer code of the production meter a scenario adds for PV the park does not rate.
SCENARIO_PV: Final[str] = "scenario-pv"
#: Ledger totals shown beside the indicators (summary key, label, unit).
LEDGER_FIGURES: Final[tuple[tuple[str, str, str], ...]] = (
    ("tce", "energy use", "tce"),
    ("tco2", "CO2, location-based", "t"),
    ("tco2_market", "CO2, market-based", "t"),
    ("grid_kwh", "grid electricity", "kWh"),
    ("renewable_kwh", "on-site renewable electricity", "kWh"),
    ("green_certificates_mwh", "green certificates and contracts", "MWh"),
)
_KEYS: Final[tuple[str, ...]] = (
    "name",
    "description",
    "pv_mwp",
    "pv_yield_kwh_per_kwp",
    "redispatch",
    "gec_mwh",
    "retrofit",
    "buses",
    "bus_energy",
)
_TOLERANCE: Final[float] = 1e-9


# --- the scenario --------------------------------------------------------------------------


def _number(value: Any, what: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{what}: {value!r} is not a number")
    x = float(value)
    if not math.isfinite(x) or x < 0 or (positive and x == 0):
        raise InputError(f"{what}: {value!r} must be a number {'>' if positive else '>='} 0")
    return x


@dataclass(frozen=True)
class Retrofit:
    """Enterprise ``enterprise`` (credit code) brought to ``tce_per_va`` [tce/10⁴ yuan]."""

    enterprise: str
    tce_per_va: float

    def __post_init__(self) -> None:
        code = str(self.enterprise or "").strip().upper()
        if not code:
            raise InputError("retrofit: give the enterprise's credit code")
        object.__setattr__(self, "enterprise", code)
        target = _number(self.tce_per_va, f"retrofit {code} tce_per_va", positive=True)
        object.__setattr__(self, "tce_per_va", target)


@dataclass(frozen=True)
class Scenario:
    """What a scenario changes (see the module docstring).

    Attributes
    ----------
    name : str
        Shown as the scenario's column (the file's stem by default).
    pv_mwp : float
        PV added [MWp].
    gec_mwh : float
        Green certificates bought for the year [MWh].
    retrofit : tuple of Retrofit
        Enterprises brought to a target energy intensity.
    buses : int
        Buses added in service.
    bus_energy : str
        What the added buses run on (one of
        :data:`~greenpark.evaluation.values.NEW_ENERGY_BUS_ENERGIES`).
    pv_yield_kwh_per_kwp : float or None
        Annual specific yield of added PV when the park has no rated and metered PV to scale
        [kWh/kWp] (None: :data:`DEFAULT_PV_YIELD_KWH_PER_KWP`).
    redispatch : bool
        Re-run the station's dispatch over the year for added PV (the default) when the
        station's meters allow it; False: scale the metered PV series only.
    description, source : str
        Free text; the file read.
    """

    name: str
    pv_mwp: float = 0.0
    gec_mwh: float = 0.0
    retrofit: tuple[Retrofit, ...] = ()
    buses: int = 0
    bus_energy: str = "battery_electric"
    pv_yield_kwh_per_kwp: float | None = None
    redispatch: bool = True
    description: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        name = str(self.name or "").strip()
        if not name:
            raise InputError("a scenario needs a name")
        if name == TODAY:
            raise InputError(f"scenario name {TODAY!r} is reserved for the unchanged year")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "pv_mwp", _number(self.pv_mwp, f"{name}: pv_mwp"))
        object.__setattr__(self, "gec_mwh", _number(self.gec_mwh, f"{name}: gec_mwh"))
        if isinstance(self.buses, bool) or not isinstance(self.buses, int) or self.buses < 0:
            raise InputError(f"{name}: buses {self.buses!r} must be a whole number >= 0")
        if self.bus_energy not in NEW_ENERGY_BUS_ENERGIES:
            raise InputError(
                f"{name}: bus_energy {self.bus_energy!r} is not a new-energy bus; one of "
                + ", ".join(NEW_ENERGY_BUS_ENERGIES)
            )
        if self.pv_yield_kwh_per_kwp is not None:
            y = _number(self.pv_yield_kwh_per_kwp, f"{name}: pv_yield_kwh_per_kwp", positive=True)
            object.__setattr__(self, "pv_yield_kwh_per_kwp", y)
        if not isinstance(self.redispatch, bool):
            raise InputError(f"{name}: redispatch {self.redispatch!r} must be true or false")
        retrofit = tuple(self.retrofit)
        codes = [r.enterprise for r in retrofit]
        if len(set(codes)) != len(codes):
            raise InputError(f"{name}: an enterprise is retrofitted twice")
        object.__setattr__(self, "retrofit", retrofit)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, name: str = "", source: str = "") -> Scenario:
        """A scenario from the keys of its TOML file (``name`` when the file gives none).

        Raises
        ------
        InputError
            An unknown key, a value of the wrong kind or out of range.
        """
        where = source or "scenario"
        unknown = sorted(set(data) - set(_KEYS))
        if unknown:
            raise InputError(
                f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(_KEYS)}"
            )
        raw = data.get("retrofit", [])
        if isinstance(raw, Mapping):
            raw = [raw]
        if not isinstance(raw, list):
            raise InputError(f"{where}: retrofit must be a list of {{enterprise, tce_per_va}}")
        retrofit = []
        for item in raw:
            if not isinstance(item, Mapping) or set(item) != {"enterprise", "tce_per_va"}:
                raise InputError(
                    f"{where}: each retrofit gives exactly enterprise (credit code) and "
                    f"tce_per_va (target, tce per 10⁴ yuan); got {item!r}"
                )
            retrofit.append(Retrofit(str(item["enterprise"]), item["tce_per_va"]))
        try:
            return cls(
                name=str(data.get("name") or name),
                pv_mwp=data.get("pv_mwp", 0.0),
                gec_mwh=data.get("gec_mwh", 0.0),
                retrofit=tuple(retrofit),
                buses=data.get("buses", 0),
                bus_energy=str(data.get("bus_energy", "battery_electric")),
                pv_yield_kwh_per_kwp=data.get("pv_yield_kwh_per_kwp"),
                redispatch=data.get("redispatch", True),
                description=str(data.get("description", "")),
                source=source,
            )
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None

    @classmethod
    def from_toml(cls, path: Path | str) -> Scenario:
        """Read a scenario file (its stem is the name unless it gives ``name``).

        Raises
        ------
        InputError
            The file cannot be read or parsed, or :meth:`from_mapping` refuses it.
        """
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text("utf-8"))
        except OSError as exc:
            raise InputError(f"{p}: {exc.strerror or exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{p}: not valid TOML ({exc})") from None
        return cls.from_mapping(data, name=p.stem, source=str(p))

    @property
    def is_empty(self) -> bool:
        """Changes nothing."""
        return not (self.pv_mwp or self.gec_mwh or self.retrofit or self.buses)


def load_scenarios(paths: Iterable[Path | str]) -> list[Scenario]:
    """The scenarios of ``paths`` (:meth:`Scenario.from_toml`), names unique.

    Raises
    ------
    InputError
        A file is refused, or two scenarios share a name.
    """
    out = [Scenario.from_toml(p) for p in paths]
    _unique(out)
    return out


def _unique(scenarios: Sequence[Scenario]) -> None:
    seen: set[str] = set()
    for s in scenarios:
        if s.name in seen:
            raise InputError(f"two scenarios are named {s.name!r}: give each its own name")
        seen.add(s.name)


# --- applying a scenario to the inputs -------------------------------------------------------


def _in_year(frame: pd.DataFrame, year: int) -> pd.Series:
    if frame.empty or "month" not in frame:
        return pd.Series(False, index=frame.index)
    return frame["month"].astype(str).str.startswith(f"{year:04d}-")


def _rows(frame: pd.DataFrame, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """``frame`` with ``rows`` appended (missing columns left empty)."""
    if not rows:
        return frame
    new = pd.DataFrame(rows)
    if frame.empty:
        return new.reindex(columns=list(dict.fromkeys([*frame.columns, *new.columns])))
    return pd.concat([frame, new], ignore_index=True)


def _retrofit(
    inputs: BookInputs, book: Book, r: Retrofit, changes: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    year = inputs.year
    ent = book.enterprises
    row = ent[ent["enterprise"] == r.enterprise] if len(ent) else ent
    if row.empty:
        raise InputError(f"retrofit: enterprise {r.enterprise} uses no energy in {year}")
    current = row["tce_per_va"].iloc[0]
    if current is None or pd.isna(current):
        raise InputError(
            f"retrofit: enterprise {r.enterprise} reports no value added for {year}, so its "
            "energy intensity cannot be set"
        )
    current = float(current)
    label = f"retrofit {r.enterprise} ({row['enterprise_name'].iloc[0] or 'no name'})"
    if r.tce_per_va >= current:
        changes.append(
            f"{label}: {current:.6g} tce/10⁴ yuan already at or below the target "
            f"{r.tce_per_va:.6g}: unchanged"
        )
        return inputs.consumption, inputs.entries
    k = r.tce_per_va / current
    cons = inputs.consumption.copy()
    mask = _in_year(cons, year) & (cons["enterprise"] == r.enterprise)
    cons.loc[mask, "quantity"] = cons.loc[mask, "quantity"] * k
    entries = inputs.entries.copy()
    if len(entries):
        m = (
            _in_year(entries, year)
            & (entries["enterprise"] == r.enterprise)
            & entries["kind"].isin(USE_KINDS)
        )
        entries.loc[m, "quantity"] = entries.loc[m, "quantity"] * k
    tce = float(row["tce"].iloc[0])
    changes.append(
        f"{label}: {current:.6g} -> {r.tce_per_va:.6g} tce/10⁴ yuan: its energy use of {year} "
        f"x {k:.6g} ({tce:,.6g} -> {tce * k:,.6g} tce), every carrier alike"
    )
    return cons, entries


@dataclass(frozen=True)
class StationRedispatch:
    """The station's year re-dispatched for a scenario's added PV, or why it was not.

    ``effect`` holds the monthly changes (:class:`~greenpark.dispatch.year.AddedPv`), None
    when the dispatch was not re-run; ``why_not`` then says why; ``owners`` are the credit
    codes of the enterprises owning the station's meters, whose rows the changes apply to.
    """

    owners: tuple[str, ...] = ()
    effect: AddedPv | None = None
    why_not: str = ""


def _shift(frame: pd.DataFrame, mask: pd.Series, delta: float) -> float:
    """Scale the rows of ``mask`` so their sum changes by ``delta`` (not below 0); returns
    the change made."""
    total = float(frame.loc[mask, "quantity"].sum()) if mask.any() else 0.0
    if total <= 0 or delta == 0:
        return 0.0
    new = max(0.0, total + delta)
    frame.loc[mask, "quantity"] = frame.loc[mask, "quantity"] * (new / total)
    return new - total


def _apply_station(
    cons: pd.DataFrame, prod: pd.DataFrame, effect: AddedPv, owners: Sequence[str]
) -> tuple[dict[str, float], list[str], list[str]]:
    """The station's monthly changes applied to its owners' rows: the totals applied, the
    changes stopped at zero, and the months where the station's electricity reaches the
    use of the members that produce none (the ledger's internal supply is capped there).

    The ledger nets the station's electricity production (engines, PV) against the members'
    use as internal supply, so the station's own metered electricity use changes by the
    electricity balance of its bus, Δgrid + ΔPV + Δengines (chillers, storage losses), with
    the ΔPV and Δengines actually applied: the park's grid electricity then changes by the
    dispatch's Δgrid, as long as the internal supply is not capped.
    """
    applied = {"pv_kwh": 0.0, "engines_kwh": 0.0, "use_kwh": 0.0, "gas_m3": 0.0}
    clamped: list[str] = []
    capped: list[str] = []
    p_el = prod["carrier"] == "electricity"
    p_owner = prod["enterprise"].isin(owners) & p_el
    c_owner = cons["enterprise"].isin(owners) if len(cons) else pd.Series(dtype=bool)
    c_el = cons["carrier"] == "electricity" if len(cons) else pd.Series(dtype=bool)
    makers = set(prod.loc[p_el, "enterprise"])
    renewable = prod["renewable"].astype(bool)
    for row in effect.months.itertuples(index=False):
        m = row.month
        done: dict[str, float] = {}
        targets = (
            ("pv_kwh", row.pv_kwh, prod, p_owner & (prod["month"] == m) & renewable),
            ("engines_kwh", row.engines_kwh, prod, p_owner & (prod["month"] == m) & ~renewable),
            ("gas_m3", row.gas_m3, cons,
             c_owner & (cons["month"] == m) & (cons["carrier"] == "natural_gas")),
        )  # fmt: skip
        for key, want, frame, mask in targets:
            done[key] = _shift(frame, mask, float(want))
            if abs(done[key] - want) > 1e-6 * max(1.0, abs(want)):
                clamped.append(f"{m} {key}")
        use = row.grid_kwh + done["pv_kwh"] + done["engines_kwh"]
        done["use_kwh"] = _shift(cons, c_owner & (cons["month"] == m) & c_el, float(use))
        if abs(done["use_kwh"] - use) > 1e-6 * max(1.0, abs(use)):
            clamped.append(f"{m} use_kwh")
        for key, v in done.items():
            applied[key] += v
        made = float(prod.loc[p_el & (prod["month"] == m), "quantity"].sum())
        others = (
            float(cons.loc[c_el & (cons["month"] == m) & ~cons["enterprise"].isin(makers),
                           "quantity"].sum())
            if len(cons) else 0.0
        )  # fmt: skip
        if made > others:
            capped.append(m)
    return applied, clamped, capped


def _pv(
    inputs: BookInputs,
    book: Book,
    scenario: Scenario,
    pv_kw: float,
    changes: list[str],
    station: StationRedispatch | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    year = inputs.year
    prod = inputs.production.copy()
    cons = inputs.consumption.copy()
    added_kw = scenario.pv_mwp * 1000.0
    mask = _in_year(prod, year)
    if len(prod):
        mask &= prod["renewable"].astype(bool) & (prod["carrier"] == "electricity")
        if station is not None and station.owners:  # the station's PV, not a member's roof
            mask &= prod["enterprise"].isin(station.owners)
    existing = float(prod.loc[mask, "quantity"].sum()) if len(prod) else 0.0
    if pv_kw > 0 and existing > 0:
        f = (pv_kw + added_kw) / pv_kw
        effect = station.effect if station is not None else None
        modelled = set(effect.months["month"]) if effect is not None else set()
        scaled = mask & ~prod["month"].isin(modelled)
        base = float(prod.loc[scaled, "quantity"].sum())
        prod.loc[scaled, "quantity"] = prod.loc[scaled, "quantity"] * f
        parts = []
        added = base * (f - 1.0)
        if effect is not None and modelled:
            owners = station.owners if station is not None else ()
            applied, clamped, capped = _apply_station(cons, prod, effect, owners)
            added += applied["pv_kwh"]
            filled = int(effect.months["filled_hours"].sum())
            parts.append(
                f"the station re-dispatched over {len(modelled)} month(s) of {year}, hour by "
                f"hour (each month an LP solved with {pv_kw / 1000:g} and with "
                f"{(pv_kw + added_kw) / 1000:g} MWp of PV of the metered profile"
                + (f"; {filled} hour(s) without every load interpolated" if filled else "")
                + f"): PV used {applied['pv_kwh']:+,.0f} kWh ("
                f"{effect.total('pv_curtailed_kwh'):,.0f} kWh curtailed: the station exports "
                f"nothing), engine electricity {applied['engines_kwh']:+,.0f} kWh, gas "
                f"{applied['gas_m3']:+,.0f} m³, grid import {effect.total('grid_kwh'):+,.0f} "
                f"kWh (the station's own electricity use {applied['use_kwh']:+,.0f} kWh, "
                "its production being netted against the members' use), applied to the "
                "meters of "
                + ", ".join(owners)
                + (f"; not below zero in {', '.join(clamped)}" if clamped else "")
                + (
                    f"; in {', '.join(capped)} the station's electricity reaches the use of "
                    "the members that produce none: the ledger nets at most that use, so the "
                    "park's grid electricity changes by less than the dispatch's"
                    if capped
                    else ""
                )
            )
        if base > 0:
            why = (
                station.why_not
                if station is not None and station.why_not
                else "the station's dispatch is not re-run"
            )
            skipped = "" if effect is None else f" in the months not modelled ({why})"
            parts.append(
                f"the park's metered PV series{skipped} ({base:,.0f} kWh from "
                f"{pv_kw / 1000:g} MWp) x ({pv_kw / 1000:g} + {scenario.pv_mwp:g}) / "
                f"{pv_kw / 1000:g} = x{f:.6g}" + ("" if effect is not None else f"; {why}")
            )
        how = "; ".join(parts)
    else:
        specific = scenario.pv_yield_kwh_per_kwp or DEFAULT_PV_YIELD_KWH_PER_KWP
        months = [m for m in book.summary.get("months") or [] if m.startswith(f"{year:04d}-")]
        days = 366 if calendar.isleap(year) else 365
        rows = []
        for m in months:
            d = calendar.monthrange(year, int(m[5:]))[1]
            rows.append(
                {
                    "park": prod["park"].iloc[0] if len(prod) and "park" in prod else "",
                    "enterprise": SCENARIO_PV,
                    "enterprise_name": f"PV of scenario {scenario.name}",
                    "month": m,
                    "carrier": "electricity",
                    "unit": "kWh",
                    "renewable": True,
                    "quantity": added_kw * specific * d / days,
                    "meters": 1,
                }
            )
        prod = _rows(prod, rows)
        added = sum(r["quantity"] for r in rows)
        why = (
            "no rated PV in the station's assets"
            if pv_kw <= 0
            else f"no PV production metered in {year}"
        )
        how = (
            f"{why}: {scenario.pv_mwp:g} MWp x {specific:g} kWh/kWp a year"
            + ("" if scenario.pv_yield_kwh_per_kwp else " (default yield, assumption)")
            + f", spread over the {len(months)} month(s) of data by their days; the "
            "station's dispatch is not re-run"
        )
    changes.append(
        f"PV +{scenario.pv_mwp:g} MWp: {added:+,.0f} kWh on-site renewable electricity in "
        f"{year} ({how})"
    )
    return cons, prod


def _gec(
    inputs: BookInputs, scenario: Scenario, options: LedgerOptions, changes: list[str]
) -> pd.DataFrame:
    year = inputs.year
    pm = build_book(inputs, options).park_months
    pm = pm[pm["month"].astype(str).str.startswith(f"{year:04d}-")]
    grid = pm.set_index("month")["grid_kwh"].astype(float) if len(pm) else pd.Series(dtype=float)
    total = float(grid.sum())
    if total <= 0:
        raise InputError(
            f"{scenario.name}: no grid electricity in {year}: green certificates would cover "
            "nothing"
        )
    rows = [
        {
            "id": None,
            "enterprise": "",
            "month": m,
            "carrier": "electricity",
            "kind": "gec",
            "quantity": scenario.gec_mwh * kwh / total,
            "unit": "MWh",
            "note": f"scenario {scenario.name}",
            "entered_by": None,
            "entered_at": None,
        }
        for m, kwh in grid.items()
        if kwh > 0
    ]
    note = (
        f"green certificates +{scenario.gec_mwh:,.6g} MWh for {year}, park level, spread over "
        f"{len(rows)} month(s) in proportion to grid electricity ({total:,.0f} kWh)"
    )
    if scenario.gec_mwh * 1000.0 > total + _TOLERANCE:
        note += (
            f"; {scenario.gec_mwh - total / 1000:,.6g} MWh beyond the grid electricity cover "
            "nothing (the ledger nets at most the grid electricity)"
        )
    changes.append(note)
    return _rows(inputs.entries, rows)


def apply_scenario(
    scenario: Scenario,
    inputs: BookInputs,
    book: Book | None,
    vehicles: Sequence[VehicleRecord],
    *,
    pv_kw: float = 0.0,
    options: LedgerOptions | None = None,
    station: StationRedispatch | None = None,
) -> tuple[BookInputs, tuple[VehicleRecord, ...], list[str]]:
    """The inputs and fleet of ``scenario``, and what was changed, in words with numbers.

    Retrofits and PV change the year's meters; certificates are spread over the months by
    the grid electricity of the inputs so changed; buses are added to the fleet. Rows of the
    year before are never touched.

    Parameters
    ----------
    inputs, book
        Today's :class:`BookInputs` and the :class:`Book` built from them (``None``: no
        energy in the year; then only buses can change).
    vehicles
        Today's fleet.
    pv_kw
        The park's rated PV [kW] (station assets of kind ``pv``).
    options
        The ledger options in force (with the user's factors), for the certificates' spread.
    station
        The station re-dispatched with the scenario's added PV (its monthly changes apply to
        the station's grid, gas, engine and PV meters; months it did not model scale the PV
        series); None: the PV series is scaled in every month.

    Raises
    ------
    InputError
        A change the year's data cannot carry (no energy in the year, an enterprise without
        energy or value added, certificates without grid electricity).
    """
    options = options or LedgerOptions()
    changes: list[str] = []
    touches_ledger = bool(scenario.pv_mwp or scenario.gec_mwh or scenario.retrofit)
    if touches_ledger and book is None:
        raise InputError(
            f"{scenario.name}: no energy recorded in {inputs.year}: PV, certificates and "
            "retrofits change the year's ledger"
        )
    out = inputs
    if book is not None:
        cons, entries = inputs.consumption, inputs.entries
        for r in scenario.retrofit:
            now = replace(out, consumption=cons, entries=entries)
            cons, entries = _retrofit(now, book, r, changes)
        out = replace(out, consumption=cons, entries=entries)
        if scenario.pv_mwp:
            cons, prod = _pv(out, book, scenario, pv_kw, changes, station)
            out = replace(out, consumption=cons, production=prod)
        if scenario.gec_mwh:
            out = replace(out, entries=_gec(out, scenario, options, changes))
    fleet = tuple(vehicles)
    if scenario.buses:
        buses = [v for v in fleet if v.kind == "bus" and v.in_service_in(inputs.year)]
        green = sum(v.energy in NEW_ENERGY_BUS_ENERGIES for v in buses)
        fleet += tuple(
            VehicleRecord(f"{scenario.name}-bus-{i + 1}", "bus", scenario.bus_energy, True)
            for i in range(scenario.buses)
        )
        changes.append(
            f"+{scenario.buses} {scenario.bus_energy} bus(es) in service: energy-saving and "
            f"new-energy buses {green} of {len(buses)} -> {green + scenario.buses} of "
            f"{len(buses) + scenario.buses}"
        )
    if not changes:
        changes.append("nothing changed")
    return out, fleet, changes


# --- evaluating ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioResult:
    """Today or a scenario of one year: the scheme's :class:`YearEvaluation`, the ledger
    book it rests on, context values (not scored) and what the scenario changed.

    ``context`` holds the ledger values shown beside every scheme when the scheme does not
    score them itself: ``renewable_share``, ``green_electricity_share``, ``co2_per_tce``
    (location-based) and ``co2_per_tce_market`` (certificates netted, residual mix).
    ``others`` holds the other park schemes of :data:`PARK_SCHEMES` in force in the year,
    scored on the same data (variants by the result's own energy use).
    """

    name: str
    scenario: Scenario | None
    evaluation: YearEvaluation
    book: Book | None
    context: dict[str, Value] = field(default_factory=dict)
    changes: tuple[str, ...] = ()
    others: dict[str, YearEvaluation] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.evaluation.year

    @property
    def values(self) -> dict[str, Value]:
        return self.evaluation.values

    @property
    def supplementary(self) -> dict[str, Value]:
        return self.evaluation.supplementary

    @property
    def score(self) -> SchemeScore | None:
        return self.evaluation.score

    @property
    def index(self) -> float | None:
        return self.evaluation.index

    def value(self, id: str) -> Value | None:
        """The value ``id`` among the scheme's, the supplementary and the context values."""
        for pool in (self.values, self.supplementary, self.context):
            if id in pool:
                return pool[id]
        return None

    def ledger(self, key: str) -> float | None:
        """A ledger total of the year (``book.summary[key]``), None without a book."""
        if self.book is None:
            return None
        v = self.book.summary.get(key)
        return None if v is None else float(v)


def _context(ev: YearEvaluation, book: Book | None) -> dict[str, Value]:
    if book is None:
        return {}
    makers: dict[str, Callable[[], Value]] = {
        "renewable_share": lambda: renewable_share(book),
        "green_electricity_share": lambda: green_electricity_share(book),
        "co2_per_tce": lambda: co2_per_tce(book),
        "co2_per_tce_market": lambda: co2_per_tce(book, market=True),
    }
    have = set(ev.values) | set(ev.supplementary)
    return {k: make() for k, make in makers.items() if k not in have}


def evaluate_scenarios(
    store: Store,
    scheme: str,
    year: int,
    scenarios: Sequence[Scenario],
    *,
    park_code: str | None = None,
    park_attributes: Mapping[str, float] | None = None,
    options: LedgerOptions | None = None,
    settings: Settings | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[tuple[str, ScenarioResult]]:
    """Today and each scenario of ``year`` scored against ``scheme``, today first.

    Each result is computed like :func:`greenpark.evaluation.service.evaluate`'s year (the
    same ledger, ``scheme_values`` and scoring; variants chosen by the scenario's own
    ``annual_energy_tce`` unless ``park_attributes`` gives it); the year before, which the
    carbon-intensity reduction compares with, is left as it was. Added PV re-runs the
    station's dispatch over the year (:func:`greenpark.dispatch.service.added_pv`) when the
    scenario asks for it (``redispatch``, the default) and the park rates and meters PV;
    ``settings`` (:class:`greenpark.config.Settings`; default: read from the environment)
    gives the dispatch's gas and carbon prices, ``progress`` is told what is being solved.

    Raises
    ------
    InputError
        Unknown scheme or park, scenario names not unique, or a change the data cannot carry
        (:func:`apply_scenario`).
    """
    from greenpark.evaluation.service import score_year
    from greenpark.ledger.service import load_book, read_inputs, with_user_factors
    from greenpark.store.dispatch import park_assets, production_owners
    from greenpark.store.ledger import resolve_park

    load_scheme(scheme, year=year)
    _unique(scenarios)
    given = dict(park_attributes or {})
    stations: dict[float, StationRedispatch] = {}
    with store.read() as conn:
        park = resolve_park(conn, park_code)
        opts = with_user_factors(conn, options or LedgerOptions())

        def book_of(y: int) -> Book | None:
            try:
                return load_book(conn, y, park.code, options)[1]
            except InputError:
                return None

        book = book_of(year)
        data = read_park_data(conn, park, year, book=book, previous=book_of(year - 1))
        inputs = read_inputs(conn, park, year)
        pv_kw = sum(float(a["p_nom"] or 0.0) for a in park_assets(conn, park.id)
                    if a["kind"] == "pv")  # fmt: skip
        owners = tuple(production_owners(conn, park.id))
        for sc in scenarios:
            if sc.pv_mwp and sc.redispatch and book is not None and sc.pv_mwp not in stations:
                if progress is not None and pv_kw > 0:
                    progress(f"re-dispatching the station's {year} with +{sc.pv_mwp:g} MWp PV")
                stations[sc.pv_mwp] = _redispatch(
                    conn, park, year, sc.pv_mwp * 1000.0, pv_kw, owners, data.timezone, opts,
                    settings,
                )  # fmt: skip

    def result(
        name: str, sc: Scenario | None, d: ParkData, b: Book | None, ch: list[str]
    ) -> tuple[str, ScenarioResult]:
        ev = score_year(scheme, year, d, given, strict=True)
        if ev is None:  # strict: refused rather than None
            raise InputError(f"{scheme} is not in force in {year}")
        others = {}
        for other in PARK_SCHEMES:
            if other != scheme:
                try:
                    o = score_year(other, year, d, {}, strict=False)
                except InputError:  # e.g. a size variant without the year's energy use
                    o = None
                if o is not None:
                    others[other] = o
        return name, ScenarioResult(name, sc, ev, b, _context(ev, b), tuple(ch), others)

    out = [result(TODAY, None, data, book, [])]
    for sc in scenarios:
        station = stations.get(sc.pv_mwp) if sc.redispatch else StationRedispatch(
            owners,
            why_not="the scenario asks not to re-run the station's dispatch (redispatch = false)",
        )  # fmt: skip
        new_inputs, fleet, changes = apply_scenario(
            sc, inputs, book, data.vehicles, pv_kw=pv_kw, options=opts, station=station
        )
        new_book = book if new_inputs is inputs else build_book(new_inputs, opts)
        d = replace(data, book=new_book, vehicles=fleet)
        out.append(result(sc.name, sc, d, new_book, changes))
    return out


def _redispatch(
    conn: Connection,
    park: ParkRef,
    year: int,
    added_kw: float,
    pv_kw: float,
    owners: tuple[str, ...],
    timezone: str,
    options: LedgerOptions,
    settings: Settings | None,
) -> StationRedispatch:
    """The station re-dispatched with ``added_kw`` more PV [kW], or why it could not be."""
    from zoneinfo import ZoneInfo

    from greenpark.config import Settings
    from greenpark.dispatch.service import added_pv

    if pv_kw <= 0:
        return StationRedispatch(owners, why_not="the station rates no PV")
    settings = settings if settings is not None else Settings()
    try:
        effect = added_pv(conn, park, year, added_kw, ZoneInfo(timezone), settings, options)
    except InputError as exc:
        return StationRedispatch(owners, why_not=f"the station's dispatch is not re-run: {exc}")
    if effect.months.empty:
        why = "; ".join(f"{m}: {w}" for m, w in effect.skipped.items()) or "no month"
        return StationRedispatch(
            owners, why_not=f"the station's dispatch is not re-run: no month modelled ({why})"
        )
    why = ""
    if effect.skipped:
        why = "not modelled: " + "; ".join(f"{m} ({w})" for m, w in effect.skipped.items())
    return StationRedispatch(owners, effect, why)


# --- side by side ------------------------------------------------------------------------------


def _differs(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(a - b) > _TOLERANCE * max(1.0, abs(a), abs(b))


def changed(results: Sequence[tuple[str, ScenarioResult]]) -> list[str]:
    """Ids of the values (scheme, supplementary, context) some scenario changes, in the
    order of today's result."""
    today = results[0][1]
    ids = [*today.values, *today.supplementary, *today.context]
    out = []
    for id in dict.fromkeys(ids):
        base = today.value(id)
        b = None if base is None else base.value
        if any(
            _differs(b, None if (v := r.value(id)) is None else v.value) for _, r in results[1:]
        ):
            out.append(id)
    return out


def comparison_rows(
    results: Sequence[tuple[str, ScenarioResult]], *, only_changed: bool = False
) -> list[dict[str, Any]]:
    """Today and the scenarios side by side, one dict per row (JSON-ready).

    Rows, in order: the index (``kind`` ``index``), the mandatory items failed
    (``mandatory``), each indicator of the scheme (``indicator``; with ``scores``), the
    index of every other park scheme (``scheme``), the supplementary and context values
    (``context``), the ledger totals of
    :data:`LEDGER_FIGURES` (``ledger``). Each row has ``kind``, ``id``, ``name``, ``unit``,
    ``leading``, ``values`` (today first) and ``scores`` (or ``None``s), and ``changed``.
    ``only_changed`` keeps the index, the mandatory row, the other schemes' indices and the
    rows some scenario changes.
    """
    today = results[0][1]
    scheme = today.evaluation.scheme
    ids = set(changed(results))
    rows: list[dict[str, Any]] = []

    def add(kind: str, id: str, name: str, unit: str, leading: Any, values: list[Any],
            scores: list[Any] | None = None, diff: bool | None = None) -> None:  # fmt: skip
        if diff is None:
            diff = any(_differs(values[0], v) for v in values[1:])
        if only_changed and kind not in ("index", "mandatory", "scheme") and not diff:
            return
        rows.append({"kind": kind, "id": id, "name": name, "unit": unit, "leading": leading,
                     "values": values, "scores": scores or [None] * len(values),
                     "changed": diff})  # fmt: skip

    add("index", "index", scheme.settings.index_name, "", None, [r.index for _, r in results])
    failed = [", ".join(r.score.mandatory_failed) if r.score else "" for _, r in results]
    add("mandatory", "mandatory_failed", "mandatory items failed", "", None, failed,
        diff=len(set(failed)) > 1)  # fmt: skip
    for ind in scheme.indicators:
        vals, scores = [], []
        for _, r in results:
            v = r.values.get(ind.id)
            vals.append(None if v is None else v.value)
            s = None
            if r.score is not None and ind.id in r.score.scheme.ids:
                s = r.score.indicator(ind.id).score
            scores.append(s)
        leading = "pass" if ind.is_pass else ind.leading
        add("indicator", ind.id, ind.name_en or ind.name_zh, ind.unit, leading, vals, scores,
            diff=ind.id in ids)  # fmt: skip
    for other, ev in today.others.items():
        conf = ev.scheme.settings
        vals = [None if (o := r.others.get(other)) is None else o.index for _, r in results]
        add("scheme", other, f"{conf.title_en or other}: {conf.index_name}", "", None, vals)
    for id in dict.fromkeys([*today.supplementary, *today.context]):
        vals = [None if (v := r.value(id)) is None else v.value for _, r in results]
        base = today.value(id)
        add("context", id, f"{id} (not scored)", "" if base is None else base.unit, None, vals,
            diff=id in ids)  # fmt: skip
    if today.book is not None:
        for key, label, unit in LEDGER_FIGURES:
            add("ledger", key, label, unit, None, [r.ledger(key) for _, r in results])
    return rows


def write_scenarios_sheet(path: Path | str, results: Sequence[tuple[str, ScenarioResult]]) -> Path:
    """Add (or replace) the sheet ``scenarios`` of the workbook at ``path``: every row of
    :func:`comparison_rows` with a value and a score column per result, then what each
    scenario changed."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    out = Path(path)
    wb = load_workbook(out)
    if "scenarios" in wb.sheetnames:
        del wb["scenarios"]
    ws = wb.create_sheet("scenarios")
    bold = Font(bold=True)
    head = ["kind", "id", "name", "unit", "leading"]
    for name, _ in results:
        head += [f"{name} value", f"{name} score"]
    head.append("changed")
    ws.append(head)
    for c in ws[1]:
        c.font = bold

    def cell(x: Any) -> Any:
        return round(float(x), 6) if isinstance(x, int | float) and not isinstance(x, bool) else x

    for row in comparison_rows(results):
        line = [row["kind"], row["id"], row["name"], row["unit"], cell(row["leading"])]
        for v, s in zip(row["values"], row["scores"], strict=True):
            line += [cell(v), cell(s)]
        line.append("yes" if row["changed"] else "")
        ws.append(line)
    ws.append([])
    ws.append(["scenario", "", "what changed"])
    ws.cell(ws.max_row, 1).font = bold
    for name, r in results[1:]:
        desc = r.scenario.description if r.scenario else ""
        src = r.scenario.source if r.scenario else ""
        for i, text in enumerate(r.changes):
            ws.append([name if i == 0 else "", src if i == 0 else "", text,
                       desc if i == 0 else ""])  # fmt: skip
    wb.save(out)
    return out
