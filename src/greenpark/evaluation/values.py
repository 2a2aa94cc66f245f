"""Indicator values computed from the park's own data, each with its provenance.

Pure functions: the store is read by :mod:`greenpark.evaluation.service`, which hands the
ledger's :class:`~greenpark.ledger.book.Book` of a year and plain registry records
(:class:`EnterpriseRecord`, :class:`VehicleRecord`, :class:`SewagePlant`) and measurement
frames to the functions here. Each returns a :class:`Value`: the number in the unit of the
catalogue row (``unit`` cell, e.g. 万元/tce, 元/m³, %), the inputs with their numbers,
units and sources, the formula in words, the data completeness 0..1 and a note.

What the data cannot give is never guessed: :func:`manual` returns ``None`` with the note
:data:`MANUAL` ("manual entry needed"); an indicator whose data is missing for the year
returns ``None`` with a note saying which data. A value entered by hand with its evidence
(:class:`ManualEntry`, ``greenpark.evaluation.entries``) fills an indicator the data cannot
give (:func:`entered`, completeness 1); it never overrides a computed value, which then
keeps the entry beside it with a note (:func:`merge_entries`).

Completeness (0..1) is the share of the data the value should rest on that was there:

- ledger values: months of the year with energy data / 12, times the share of the
  energy-using enterprises that reported value added when value added is an input;
- registry values: the share of the park's enterprises that reported the figures used;
- air: valid station-days / (stations x days of the year); outlet flow: valid hours /
  (outlets x hours of the year);
- basic requirements (surface water, noise, outlets): hours with a valid value / (stations
  x hours of the year).

The basic requirements (基本要求, group ``BR`` of the MIIT catalogue) are pass items judged
from the standards layer: :func:`br_surface_water_class` (GB 3838-2002),
:func:`br_noise_zone` (GB 3096-2008) and :func:`br_discharge_compliance` (GB 18918-2002).
Each is 1 when every station of its kind meets its standard in the year, 0 when one does
not, and ``None`` (undecided) while a station cannot be judged (no valid data, no target
class, zone or judgeable standard) or the registry has no such station.

``docs/evaluation.md`` ("Computed values") lists every formula.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import numpy as np
import pandas as pd

from greenpark.errors import InputError
from greenpark.evaluation.catalogue import Scheme
from greenpark.ledger.book import Book
from greenpark.standards import air, noise, water
from greenpark.standards.monitoring import (
    ASSUMED_COMMISSIONED,
    DAY_START,
    GOOD_DAY_MAX_AQI,
    HOUR_LABEL,
    NIGHT_START,
    SURFACE_WATER_PARAMETERS,
    TARGET_CLASSES,
    WATER_TEMP,
    discharge_class,
)

__all__ = [
    "ENTERED",
    "GREEN_TITLES",
    "MANUAL",
    "NEW_ENERGY_BUS_ENERGIES",
    "NOISE_COLUMN",
    "UNITS",
    "EnterpriseRecord",
    "ManualEntry",
    "MonitoringStation",
    "ParkData",
    "SewagePlant",
    "Value",
    "VehicleRecord",
    "air_good_day_ratio",
    "br_discharge_compliance",
    "br_noise_zone",
    "br_surface_water_class",
    "carbon_intensity_reduction",
    "central_wwtp",
    "clean_energy_rate",
    "co2_per_tce",
    "computable",
    "energy_productivity",
    "entered",
    "green_electricity_share",
    "green_titles",
    "high_tech_output_share",
    "industrial_va_per_capita",
    "manual",
    "merge_entries",
    "new_energy_bus_share",
    "reclaimed_water_reuse",
    "renewable_share",
    "scheme_values",
    "supplementary_values",
    "wastewater_per_va",
    "water_productivity",
]

#: Note of an indicator no data of the platform can give.
MANUAL: Final[str] = "manual entry needed"
#: Formula of a value entered by hand (and of one still to be entered).
ENTERED: Final[str] = "entered by hand with evidence"

#: Vehicle energies counted as energy-saving or new-energy buses (节能与新能源公交车):
#: the new-energy kinds (battery-electric, fuel-cell, plug-in hybrid) and natural gas, the
#: energy-saving kind of the registry; diesel is neither.
NEW_ENERGY_BUS_ENERGIES: Final[tuple[str, ...]] = (
    "battery_electric",
    "fuel_cell",
    "plug_in_hybrid",
    "natural_gas",
)

#: Unit of each computed value: the ``unit`` cell of its catalogue rows.
UNITS: Final[dict[str, str]] = {
    "energy_productivity": "万元/tce",
    "renewable_share": "%",
    "clean_energy_rate": "%",
    "clean_energy_share": "%",
    "green_electricity_share": "%",
    "water_productivity": "元/m³",
    "carbon_intensity_reduction": "%",
    "co2_per_tce": "tCO2/tce",
    "high_tech_output_share": "%",
    "industrial_va_per_capita": "万元/人",
    "new_energy_bus_share": "%",
    "air_good_day_ratio": "%",
    "central_wwtp": "-",
    "wastewater_per_va": "t/万元",
    "reclaimed_water_reuse": "%",
    "br_surface_water_class": "-",
    "br_noise_zone": "-",
    "br_discharge_compliance": "-",
    "green_titles": "enterprises",
}

#: Green-manufacturing titles of the registry (``certification.kind``) counted by
#: :func:`green_titles`, with their labels.
GREEN_TITLES: Final[dict[str, str]] = {
    "national_green_factory": "national green factory",
    "provincial_green_factory": "provincial green factory",
    "national_green_data_centre": "national green data centre",
}

#: Column of the valid hourly equivalent sound level LAeq [dB(A)] in a noise station's frame.
NOISE_COLUMN: Final[str] = "laeq"

_LEDGER = "ledger (greenpark.ledger: meters and hand entries, park counted once)"
_REGISTRY_YEAR = "registry: enterprise_year"


@dataclass(frozen=True)
class ManualEntry:
    """An indicator value entered by hand (``evaluation_entry``): in ``unit`` (the catalogue
    row's when it was entered), the evidence it rests on (a document reference, URL or file
    name; ``evidence_sha256`` of an attached file) and who entered it when."""

    id: str
    value: float
    unit: str
    evidence: str
    entered_by: str | None
    entered_at: dt.datetime | None
    evidence_sha256: str | None = None
    note: str = ""

    def provenance(self) -> str:
        """``manual entry by WHO at WHEN, evidence ...`` (and the file's SHA-256)."""
        when = "-" if self.entered_at is None else self.entered_at.strftime("%Y-%m-%d %H:%M %Z")
        text = f"manual entry by {self.entered_by or 'unknown'} at {when}, evidence {self.evidence}"
        if self.evidence_sha256:
            text += f" (SHA-256 {self.evidence_sha256})"
        return text

    def describe(self) -> str:
        """The value with its unit and provenance, e.g. ``35 % (manual entry by ...)``."""
        unit = "" if self.unit in ("", "-") else f" {self.unit}"
        return f"{_fmt(self.value)}{unit} ({self.provenance()})"


@dataclass(frozen=True)
class Value:
    """An indicator value and where it comes from.

    ``value`` is in ``unit`` (the catalogue's), ``None`` when it cannot be computed (then
    ``note`` says why: :data:`MANUAL`, or which data is missing). ``inputs`` maps each input
    to ``{"value", "unit", "source"}``; ``formula`` is the computation in words;
    ``completeness`` the share of the data the value should rest on that was there (0..1).
    ``entry`` is the indicator's :class:`ManualEntry` of the year, if any: the value itself
    when ``entered``, else shown beside the computed value and not used.
    """

    id: str
    value: float | None
    unit: str
    inputs: dict[str, Any] = field(default_factory=dict)
    formula: str = ""
    completeness: float = 0.0
    note: str = ""
    entry: ManualEntry | None = None
    entered: bool = False

    @property
    def is_manual(self) -> bool:
        """No data of the platform gives this indicator, and nobody entered it."""
        return self.value is None and self.note == MANUAL

    @property
    def kind(self) -> str:
        """``computed``, ``manual entry`` (entered by hand), ``manual`` (to be entered) or
        ``missing data``."""
        if self.entered:
            return "manual entry"
        if self.value is not None:
            return "computed"
        return "manual" if self.is_manual else "missing data"

    def provenance(self) -> str:
        """The inputs in one line: ``name = value unit (source)``, joined by ``; ``; for a
        value entered by hand ``manual entry by WHO at WHEN, evidence ...``."""
        if self.entered and self.entry is not None:
            return self.entry.provenance()
        parts = []
        for name, item in self.inputs.items():
            if isinstance(item, Mapping):
                unit = item.get("unit") or ""
                text = f"{name} = {_fmt(item.get('value'))}{' ' + unit if unit else ''}"
                if item.get("source"):
                    text += f" ({item['source']})"
            else:
                text = f"{name} = {_fmt(item)}"
            parts.append(text)
        return "; ".join(parts)


def _input(value: Any, unit: str = "", source: str = "") -> dict[str, Any]:
    return {"value": value, "unit": unit, "source": source}


def _fmt(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "n/a"
        return f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.0f}"
    if isinstance(v, list | tuple):
        return ", ".join(_fmt(x) for x in v)
    return str(v)


def manual(id: str, unit: str = "-") -> Value:
    """An indicator the park's data cannot give: ``None`` with the note :data:`MANUAL`."""
    return Value(id, None, unit, {}, ENTERED, 0.0, MANUAL)


def entered(entry: ManualEntry) -> Value:
    """The value of an indicator entered by hand: ``entry.value`` with completeness 1, its
    evidence and who entered it when as the inputs; ``provenance()`` is the entry's."""
    inputs = {
        "evidence": entry.evidence,
        "evidence_sha256": entry.evidence_sha256,
        "entered_by": entry.entered_by,
        "entered_at": None if entry.entered_at is None else entry.entered_at.isoformat(),
    }
    return Value(
        entry.id, entry.value, entry.unit, inputs, ENTERED, 1.0, entry.note, entry, entered=True
    )


def _missing(id: str, formula: str, note: str, inputs: dict[str, Any] | None = None) -> Value:
    return Value(id, None, UNITS[id], inputs or {}, formula, 0.0, note)


# --- records handed in by the service ---------------------------------------------------


@dataclass(frozen=True)
class EnterpriseRecord:
    """An enterprise of the park and its figures of one year [10⁴ yuan].

    ``high_tech`` holds the validity (from, to; inclusive) of its high-tech enterprise
    certificates.
    """

    credit_code: str
    name: str
    industry: str
    employees: int | None
    value_added: float | None
    gross_output: float | None
    high_tech: tuple[tuple[dt.date, dt.date], ...] = ()
    titles: tuple[tuple[str, int], ...] = ()
    employees_of_year: bool = False

    def high_tech_in(self, year: int) -> bool:
        """A certificate is valid on some day of ``year``."""
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return any(a <= last and b >= first for a, b in self.high_tech)


@dataclass(frozen=True)
class VehicleRecord:
    """A vehicle of the fleet registry: ``in_service`` now, and the dates it entered and
    left service when the registry has them (inclusive; None: not recorded)."""

    code: str
    kind: str
    energy: str
    in_service: bool
    in_service_from: dt.date | None = None
    in_service_to: dt.date | None = None

    def in_service_in(self, year: int | None) -> bool | None:
        """In service on some day of ``year`` by its dates; without them (or ``year`` None)
        its present state. None when only its present state is known and it is out of
        service now: when it left is not recorded."""
        if year is None:
            return self.in_service
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if self.in_service_from is not None and self.in_service_from > last:
            return False
        if self.in_service_to is not None:
            return self.in_service_to >= first
        if not self.in_service:
            return None if self.in_service_from is not None else False
        return True


@dataclass(frozen=True)
class SewagePlant:
    """A sewage treatment plant: an enterprise with an outlet station judged by
    GB 18918-2002 (its ``discharge_standard``)."""

    credit_code: str
    name: str
    outlet: str  # station code
    discharge_standard: str


#: Station kinds (``station.kind``) the basic requirements judge.
SURFACE_WATER: Final[str] = "surface_water"
NOISE: Final[str] = "noise"
OUTLET: Final[str] = "wastewater_outlet"


@dataclass(frozen=True)
class MonitoringStation:
    """An environmental monitoring station of the park, as the basic requirements judge it.

    ``kind`` is the registry's ``station.kind`` (``surface_water``, ``noise``,
    ``wastewater_outlet``; others are ignored). ``water_body`` (``river`` or ``lake``;
    default river) and ``water_target_class`` (``"I"`` .. ``"V"``) serve a surface-water
    section, ``noise_zone_class`` (GB 3096-2008 zone ``0`` .. ``4b``) a noise station and
    ``discharge_standard`` (e.g. ``"GB 18918-2002 1A"``) an outlet; ``enterprise`` is the
    owner's credit code (``None`` for park-level stations).
    """

    code: str
    name: str
    kind: str
    water_body: str | None = None
    water_target_class: str | None = None
    noise_zone_class: str | None = None
    discharge_standard: str | None = None
    enterprise: str | None = None


# --- the ledger ---------------------------------------------------------------------------


def _months(book: Book) -> int:
    return len(book.summary.get("months") or [])


def _va_coverage(book: Book) -> tuple[float, int, int]:
    """Share of the energy-using enterprises that reported value added (and the counts)."""
    ent = book.enterprises
    n = len(ent)
    if n == 0 or "value_added" not in ent:
        return 0.0, 0, n
    k = int(ent["value_added"].notna().sum())
    return k / n, k, n


def _factor_refs(book: Book) -> list[str]:
    f = book.factors
    if f is None or f.empty or "ref" not in f:
        return []
    refs = f[["ref", "factor_year"]].dropna(subset=["ref"]).drop_duplicates("ref")
    out = []
    for r in refs.itertuples():
        if not isinstance(r.ref, str) or not r.ref:
            continue
        year = "" if pd.isna(r.factor_year) else f" (data year {int(r.factor_year)})"
        out.append(f"{r.ref}{year}")
    return out


def _ledger_source(book: Book) -> str:
    return f"{_LEDGER}, {book.year}, {_months(book)} of 12 months"


def _partial_note(book: Book) -> str:
    m = _months(book)
    if m >= 12:
        return ""
    return f"only {m} of 12 months of {book.year} have energy data"


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def energy_productivity(book: Book | None) -> Value:
    """MIIT energy productivity [万元/tce]: the park's value added / its energy use.

    Value added [10⁴ yuan] is the sum of the members' ``enterprise_year.value_added``; energy
    [tce] the park's total counted once (GB/T 2589 equivalent values unless configured).
    """
    id, formula = "energy_productivity", "value added [10⁴ yuan] / energy use [tce]"
    if book is None:
        return _missing(id, formula, "no energy recorded in the ledger for the year")
    s = book.summary
    tce, va = float(s.get("tce") or 0.0), s.get("value_added")
    inputs = {
        "value_added": _input(va, "10⁴ yuan", f"{_REGISTRY_YEAR}.value_added {book.year}"),
        "tce": _input(tce, "tce", _ledger_source(book)),
        "factors": _factor_refs(book),
    }
    if va is None:
        return _missing(id, formula, f"no value added reported for {book.year}", inputs)
    if tce <= 0:
        return _missing(id, formula, f"no energy use in {book.year}", inputs)
    cov, k, n = _va_coverage(book)
    note = _join(
        _partial_note(book),
        "" if k == n else f"{n - k} of {n} energy-using enterprises report no value added",
    )
    return Value(id, va / tce, UNITS[id], inputs, formula, _months(book) / 12 * cov, note)


def renewable_share(book: Book | None, id: str = "renewable_share") -> Value:
    """Renewable share of the park's energy use [%], as the ledger computes it.

    (On-site renewable electricity + electricity covered by green certificates and
    green-power contracts, at most the grid electricity) at the electricity coefficient
    [tce] / the park's total [tce] x 100 (``docs/ledger.md``, "Shares").
    """
    formula = (
        "(on-site renewable electricity + certified or contracted green electricity) "
        "[tce] / park energy use [tce] x 100"
    )
    if book is None:
        return _missing(id, formula, "no energy recorded in the ledger for the year")
    s = book.summary
    share = s.get("renewable_share")
    tce = float(s.get("tce") or 0.0)
    inputs = {
        "renewable_kwh": _input(s.get("renewable_kwh"), "kWh", "on-site renewable meters"),
        "green_certificates_mwh": _input(
            s.get("green_certificates_mwh"), "MWh", "ledger entries gec, green_power"
        ),
        "renewable_tce": _input(None if share is None else share * tce, "tce", _LEDGER),
        "tce": _input(tce, "tce", _ledger_source(book)),
    }
    if share is None:
        return _missing(id, formula, f"no energy use in {book.year}", inputs)
    return Value(
        id, 100.0 * share, UNITS[id], inputs, formula, _months(book) / 12, _partial_note(book)
    )


def clean_energy_rate(book: Book | None, id: str = "clean_energy_rate") -> Value:
    """Clean-energy share of the park's energy use [%]: (renewable + natural gas) [tce] /
    the park's total [tce] x 100, as the ledger computes it (``docs/ledger.md``).

    Serves the MIIT ``clean_energy_rate`` and the zero-carbon ``clean_energy_share``.
    """
    formula = "(renewable [tce] + natural gas [tce]) / park energy use [tce] x 100"
    if book is None:
        return _missing(id, formula, "no energy recorded in the ledger for the year")
    s = book.summary
    share, ren = s.get("clean_share"), s.get("renewable_share")
    tce = float(s.get("tce") or 0.0)
    gas = (s.get("by_carrier") or {}).get("natural_gas", {}).get("tce", 0.0)
    inputs = {
        "renewable_tce": _input(None if ren is None else ren * tce, "tce", _LEDGER),
        "natural_gas_tce": _input(gas, "tce", f"{_LEDGER}, natural gas from outside the park"),
        "tce": _input(tce, "tce", _ledger_source(book)),
    }
    if share is None:
        return _missing(id, formula, f"no energy use in {book.year}", inputs)
    return Value(
        id, 100.0 * share, UNITS[id], inputs, formula, _months(book) / 12, _partial_note(book)
    )


def green_electricity_share(book: Book | None, id: str = "green_electricity_share") -> Value:
    """Green-electricity share [%]: (on-site renewable + certified or contracted
    electricity) / the members' electricity use x 100 (``docs/ledger.md``)."""
    formula = (
        "(on-site renewable + certified or contracted electricity) [kWh] / members' "
        "electricity use [kWh] x 100"
    )
    if book is None:
        return _missing(id, formula, "no energy recorded in the ledger for the year")
    s = book.summary
    share = s.get("green_electricity_share")
    inputs = {
        "renewable_kwh": _input(s.get("renewable_kwh"), "kWh", "on-site renewable meters"),
        "green_certificates_mwh": _input(
            s.get("green_certificates_mwh"), "MWh", "ledger entries gec, green_power"
        ),
        "electricity_use_kwh": _input(s.get("electricity_use_kwh"), "kWh", _ledger_source(book)),
    }
    if share is None:
        return _missing(id, formula, f"no electricity use in {book.year}", inputs)
    return Value(
        id, 100.0 * share, UNITS[id], inputs, formula, _months(book) / 12, _partial_note(book)
    )


def co2_per_tce(book: Book | None, *, market: bool = False) -> Value:
    """Zero-carbon park core indicator [tCO2/tce]: the park's CO2 / its energy use.

    CO2 is location-based (grid electricity at the MEE/NBS factor) unless ``market``
    (certificates and contracts netted, the rest at the residual mix); both are inputs.
    """
    id = "co2_per_tce"
    basis = "market-based" if market else "location-based"
    formula = f"CO2 ({basis}, direct + indirect) [t] / energy use [tce]"
    if book is None:
        return _missing(id, formula, "no energy recorded in the ledger for the year")
    s = book.summary
    tce = float(s.get("tce") or 0.0)
    tco2 = float(s.get("tco2_market" if market else "tco2") or 0.0)
    inputs = {
        "tco2": _input(tco2, "t", f"{_ledger_source(book)}, {basis}"),
        "tco2_direct": _input(s.get("tco2_direct"), "t", "GB/T 32150-2015 fuel combustion"),
        "tco2_other_basis": _input(
            s.get("tco2" if market else "tco2_market"),
            "t",
            "location-based" if market else "market-based (residual mix)",
        ),
        "tce": _input(tce, "tce", _ledger_source(book)),
        "factors": _factor_refs(book),
    }
    if tce <= 0:
        return _missing(id, formula, f"no energy use in {book.year}", inputs)
    return Value(
        id, tco2 / tce, UNITS[id], inputs, formula, _months(book) / 12, _partial_note(book)
    )


def water_productivity(book: Book | None) -> Value:
    """MIIT water productivity [元/m³]: value added [10⁴ yuan] x 10⁴ / fresh water [m³].

    Fresh water is the park's water from outside (the ledger's park counted once: the
    members' metered and entered use of the carrier ``water`` less the reclaimed water the
    park's sewage plants deliver to them, ``docs/ledger.md``); reclaimed water is not fresh
    water (indicator explanation "园区工业用新鲜水量", S1).
    """
    id = "water_productivity"
    formula = "value added [10⁴ yuan] x 10⁴ / fresh water from outside the park [m³]"
    if book is None:
        return _missing(id, formula, "no energy or water recorded in the ledger for the year")
    rows = book.rows
    water = rows[rows["carrier"] == "water"] if len(rows) else rows
    members_m3 = float(water["quantity"].sum()) if len(water) else 0.0
    months = int(water["month"].nunique()) if len(water) else 0
    park = book.park_carriers
    outside = (
        park[(park["carrier"] == "water") & (park["supply"] == "outside the park")]
        if len(park)
        else park
    )
    m3 = float(outside["quantity"].sum()) if len(outside) else 0.0
    va = book.summary.get("value_added")
    inputs = {
        "value_added": _input(va, "10⁴ yuan", f"{_REGISTRY_YEAR}.value_added {book.year}"),
        "water_m3": _input(
            m3, "m³", f"{_LEDGER}: fresh water, the park counted once, {months} months"
        ),
        "members_water_m3": _input(
            members_m3, "m³", "members' water meters and entries (reclaimed water included)"
        ),
    }
    if va is None:
        return _missing(id, formula, f"no value added reported for {book.year}", inputs)
    if m3 <= 0 < members_m3:
        return _missing(
            id, formula, f"the members' {members_m3:,.0f} m³ of water in {book.year} are all "
            "reclaimed water from the park's plants: no fresh water", inputs,
        )  # fmt: skip
    if m3 <= 0:
        return _missing(id, formula, f"no water use metered or entered in {book.year}", inputs)
    cov, k, n = _va_coverage(book)
    note = _join(
        "" if months >= 12 else f"water data in only {months} of 12 months",
        "" if k == n else f"{n - k} of {n} metered enterprises report no value added",
        ""
        if members_m3 <= m3
        else f"{members_m3 - m3:,.0f} m³ of reclaimed water delivered in the park not counted",
    )
    return Value(id, va * 1e4 / m3, UNITS[id], inputs, formula, months / 12 * cov, note)


def carbon_intensity_reduction(book: Book | None, previous: Book | None) -> Value:
    """MIIT reduction of CO2 per 10⁴ yuan of value added [%] against the previous year.

    (1 - (tCO2 / value added) of the year / (tCO2 / value added) of the year before) x 100;
    positive = the intensity fell. ``None`` (with a note) when either year lacks energy
    data or value added.
    """
    id = "carbon_intensity_reduction"
    formula = "(1 - tCO2 per 10⁴ yuan value added of the year / that of the previous year) x 100"
    if book is None:
        return _missing(id, formula, "no energy recorded in the ledger for the year")
    s = book.summary
    cur = s.get("tco2_per_va")
    inputs: dict[str, Any] = {
        "tco2": _input(s.get("tco2"), "t", _ledger_source(book)),
        "value_added": _input(
            s.get("value_added"), "10⁴ yuan", f"{_REGISTRY_YEAR}.value_added {book.year}"
        ),
        "tco2_per_va": _input(cur, "tCO2/10⁴ yuan", f"{book.year}"),
    }
    if previous is None:
        return _missing(
            id,
            formula,
            f"no ledger data for {book.year - 1}: the reduction needs the previous year's "
            "tCO2 per 10⁴ yuan",
            inputs,
        )
    p = previous.summary
    prev = p.get("tco2_per_va")
    inputs |= {
        "tco2_previous": _input(p.get("tco2"), "t", _ledger_source(previous)),
        "value_added_previous": _input(
            p.get("value_added"), "10⁴ yuan", f"{_REGISTRY_YEAR}.value_added {previous.year}"
        ),
        "tco2_per_va_previous": _input(prev, "tCO2/10⁴ yuan", f"{previous.year}"),
    }
    if cur is None:
        return _missing(id, formula, f"no value added reported for {book.year}", inputs)
    if prev is None or prev <= 0:
        return _missing(id, formula, f"no value added reported for {previous.year}", inputs)
    c1 = _months(book) / 12 * _va_coverage(book)[0]
    c0 = _months(previous) / 12 * _va_coverage(previous)[0]
    note = ""
    if _months(book) != _months(previous):
        note = (
            f"{_months(book)} months of {book.year} against {_months(previous)} of "
            f"{previous.year}: the intensities cover different periods"
        )
    return Value(id, (1.0 - cur / prev) * 100.0, UNITS[id], inputs, formula, min(c0, c1), note)


# --- the registry -------------------------------------------------------------------------


def high_tech_output_share(enterprises: Sequence[EnterpriseRecord], year: int) -> Value:
    """MIIT high-tech share of industrial output [%]: gross output of the enterprises with a
    high-tech certificate valid on some day of ``year`` / the gross output of all x 100.

    Enterprises without a gross output of the year are left out of both sums (completeness).
    """
    id = "high_tech_output_share"
    formula = (
        "gross output of enterprises with a high-tech certificate valid in the year / "
        "gross output of all enterprises x 100"
    )
    with_go = [e for e in enterprises if e.gross_output is not None]
    total = sum(float(e.gross_output or 0.0) for e in with_go)
    certified = [e for e in with_go if e.high_tech_in(year)]
    high = sum(float(e.gross_output or 0.0) for e in certified)
    inputs = {
        "gross_output_high_tech": _input(
            high, "10⁴ yuan", f"{_REGISTRY_YEAR}.gross_output {year} x high_tech_certificate"
        ),
        "gross_output_total": _input(total, "10⁴ yuan", f"{_REGISTRY_YEAR}.gross_output {year}"),
        "high_tech_enterprises": [e.credit_code for e in certified],
    }
    if total <= 0:
        return _missing(id, formula, f"no gross output reported for {year}", inputs)
    n = len(enterprises)
    note = (
        "" if len(with_go) == n else f"{n - len(with_go)} of {n} enterprises report no gross output"
    )
    return Value(id, 100.0 * high / total, UNITS[id], inputs, formula, len(with_go) / n, note)


def green_titles(enterprises: Sequence[EnterpriseRecord], year: int) -> Value:
    """Enterprises of the park holding a green-manufacturing title granted in or before
    ``year`` [enterprises]: national or provincial green factory, national green data centre
    (MIIT green manufacturing system lists; the registry's ``certification`` table).

    Shown beside the MIIT scheme, not scored: the indicator system has no row for it. The
    inputs count each kind and list the enterprises by credit code with the year granted.
    A title withdrawn later is not recorded in the registry and still counts.

    References
    ----------
    MIIT 工信厅节函〔2016〕586号 (green manufacturing system: green factories, green
    parks) and the national green data-centre lists (MIIT et al.); the titles are the
    registry's ``certification`` rows.
    """
    id = "green_titles"
    formula = (
        "enterprises with a national or provincial green factory or national green data "
        "centre title granted in or before the year"
    )
    holders = {
        e.credit_code: sorted((y, k) for k, y in e.titles if k in GREEN_TITLES and y <= year)
        for e in enterprises
    }
    holders = {code: t for code, t in holders.items() if t}
    inputs: dict[str, Any] = {
        kind: _input(
            sum(any(k == kind for _, k in t) for t in holders.values()),
            "enterprises",
            f"registry: certification (kind {kind}, year <= {year})",
        )
        for kind in GREEN_TITLES
    }
    inputs["holders"] = [
        f"{code} ({', '.join(f'{GREEN_TITLES[k]} {y}' for y, k in t)})"
        for code, t in sorted(holders.items())
    ]
    return Value(id, float(len(holders)), UNITS[id], inputs, formula, 1.0, "")


def industrial_va_per_capita(enterprises: Sequence[EnterpriseRecord], year: int) -> Value:
    """MIIT industrial value added per employee [万元/人]: value added / employees, summed
    over the enterprises that report both (the others would bias the ratio)."""
    id = "industrial_va_per_capita"
    formula = "value added [10⁴ yuan] / employees, over enterprises reporting both"
    both = [e for e in enterprises if e.value_added is not None and e.employees]
    va = sum(float(e.value_added or 0.0) for e in both)
    people = sum(int(e.employees or 0) for e in both)
    current = [e for e in both if not e.employees_of_year]
    inputs = {
        "value_added": _input(va, "10⁴ yuan", f"{_REGISTRY_YEAR}.value_added {year}"),
        "employees": _input(
            people,
            "persons",
            f"{_REGISTRY_YEAR}.employees {year}"
            + (f"; enterprise.employees (current) for {len(current)}" if current else ""),
        ),
        "enterprises": len(both),
    }
    if people <= 0:
        return _missing(id, formula, f"no enterprise reports both value added ({year}) and "
                        "employees", inputs)  # fmt: skip
    n = len(enterprises)
    note = _join(
        ""
        if len(both) == n
        else f"{n - len(both)} of {n} enterprises lack value added or employees",
        ""
        if not current
        else f"{len(current)} of {len(both)} enterprises report no head count for {year}: "
        "their current one is used",
    )
    return Value(id, va / people, UNITS[id], inputs, formula, len(both) / n, note)


def new_energy_bus_share(vehicles: Sequence[VehicleRecord], year: int | None = None) -> Value:
    """MIIT share of energy-saving and new-energy buses [%]: buses in service in ``year``
    powered by :data:`NEW_ENERGY_BUS_ENERGIES` / all buses in service x 100 (fleet registry).

    A bus counts in ``year`` when it was in service on some day of it by its registered
    dates (:meth:`VehicleRecord.in_service_in`); a bus without dates counts by its present
    state (``in_service``), and the note says how many did. ``year`` None: the fleet now.
    """
    id = "new_energy_bus_share"
    formula = (
        "buses in service in the year running on electricity (battery, fuel cell, plug-in "
        "hybrid) or natural gas / all buses in service in the year x 100"
    )
    all_buses = [v for v in vehicles if v.kind == "bus"]
    state = {v.code: v.in_service_in(year) for v in all_buses}
    buses = [v for v in all_buses if state[v.code]]
    unknown = [v.code for v in all_buses if state[v.code] is None]
    green = [v for v in buses if v.energy in NEW_ENERGY_BUS_ENERGIES]
    by_energy: dict[str, int] = {}
    for v in buses:
        by_energy[v.energy] = by_energy.get(v.energy, 0) + 1
    when = "now" if year is None else f"in {year}"
    inputs = {
        "new_energy_buses": _input(len(green), "buses", f"registry: vehicle (in service {when})"),
        "buses": _input(len(buses), "buses", f"registry: vehicle (kind bus, in service {when})"),
        "by_energy": by_energy,
    }
    if not buses:
        return _missing(id, formula, f"no bus in service {when} in the fleet registry", inputs)
    undated = [v for v in buses if v.in_service_from is None and v.in_service_to is None]
    note = _join(
        ""
        if year is None or not undated
        else f"{len(undated)} of {len(buses)} buses have no service dates: counted by their "
        "present state",
        ""
        if not unknown
        else f"{len(unknown)} bus(es) out of service now without a date they left: not "
        f"counted ({', '.join(unknown[:5])}{'...' if len(unknown) > 5 else ''})",
    )
    complete = (len(all_buses) - len(unknown)) / len(all_buses)
    return Value(id, 100.0 * len(green) / len(buses), UNITS[id], inputs, formula, complete, note)


def central_wwtp(plants: Sequence[SewagePlant]) -> Value:
    """MIIT central sewage treatment facility (pass item): 1 when the park has a sewage
    plant, i.e. an enterprise with an outlet station judged by GB 18918-2002, else 0."""
    id = "central_wwtp"
    formula = "1 if an enterprise of the park has a GB 18918-2002 outlet station, else 0"
    inputs = {
        "plants": [f"{p.name} ({p.credit_code}), outlet {p.outlet}" for p in plants],
    }
    note = "registry as it stands (no history)"
    if not plants:
        note = (
            "no sewage plant in the registry (an enterprise with a wastewater_outlet station "
            "whose standard is GB 18918-2002); a plant outside the park is a manual entry"
        )
    return Value(id, 1.0 if plants else 0.0, UNITS[id], inputs, formula, 1.0, note)


# --- the standards layer ------------------------------------------------------------------


def _days(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def air_good_day_ratio(
    hourly: Mapping[str, pd.DataFrame], *, year: int, timezone: str = "Asia/Shanghai"
) -> Value:
    """MIIT share of good or moderate days [%] at the park's ambient-air stations.

    Each station's daily AQI is :func:`greenpark.standards.air.daily_aqi` (HJ 633: 24-h means
    with at least 20 valid hours, O3 8-h with 14 valid windows; the 2012 tables before
    2026-03-01) of its valid hourly values, labelled by the start of the hour, days in the
    park's zone. Good days (AQI <= 100) / days with a valid daily AQI x 100, station-days of
    ``year`` pooled over the stations.

    Parameters
    ----------
    hourly
        Station code -> valid 1-h concentrations in columns named by
        :data:`greenpark.standards.air.POLLUTANTS` [μg/m³; CO mg/m³], indexed by aware
        times of the start of each hour (``greenpark.environment.view.valid_wide``).
    year
        The evaluation year (local days of the park's zone).
    timezone
        IANA zone of the park.
    """
    id = "air_good_day_ratio"
    formula = (
        "days with daily AQI <= 100 / days with a valid daily AQI x 100 (HJ 633, "
        "station-days pooled)"
    )
    if not hourly:
        return _missing(id, formula, "no ambient-air station in the registry")
    good = valid = 0
    per_station: dict[str, str] = {}
    for code, frame in sorted(hourly.items()):
        g = v = 0
        if frame is not None and not frame.empty:
            frame = frame[frame.index == frame.index.floor("h")]
            daily = air.daily_aqi(frame, tz=timezone, hour_label=HOUR_LABEL)
            days = daily.index.tz_convert(timezone)
            aqi = daily["aqi"].to_numpy(dtype=float)
            in_year = (days.year == year) & ~pd.isna(aqi)
            v = int(in_year.sum())
            g = int(((aqi <= GOOD_DAY_MAX_AQI) & in_year).sum())
        per_station[code] = f"{g} good of {v} valid days"
        good += g
        valid += v
    inputs = {
        "good_days": _input(good, "station-days", "daily AQI <= 100 (HJ 633)"),
        "valid_days": _input(valid, "station-days", "days with a valid daily AQI"),
        "stations": per_station,
    }
    if valid == 0:
        return _missing(id, formula, f"no valid daily AQI in {year}", inputs)
    completeness = valid / (len(hourly) * _days(year))
    return Value(id, 100.0 * good / valid, UNITS[id], inputs, formula, completeness)


def _outlet_discharge(
    plants: Sequence[SewagePlant], flows: Mapping[str, pd.Series], year: int
) -> tuple[float, int, dict[str, str]]:
    """The sewage plants' discharge of ``year`` [m³]: per outlet, the mean of its valid
    hourly flows [m³/h] x the hours of the year (gaps filled by the mean); the valid hours
    counted; what each outlet gave, in words."""
    hours = _days(year) * 24
    total = 0.0
    n = 0
    per_outlet: dict[str, str] = {}
    for p in plants:
        s = flows.get(p.outlet)
        s = s.dropna() if s is not None else None
        if s is None or s.empty:
            per_outlet[p.outlet] = "no valid flow"
            continue
        annual = float(s.mean()) * hours
        per_outlet[p.outlet] = f"mean {float(s.mean()):.6g} m³/h over {len(s)} h -> {annual:.6g} t"
        total += annual
        n += len(s)
    return total, n, per_outlet


def reclaimed_water_reuse(
    plants: Sequence[SewagePlant],
    flows: Mapping[str, pd.Series],
    reclaimed: Mapping[str, tuple[float, int]],
    year: int,
) -> Value:
    """MIIT reclaimed-water reuse rate (中水回用率) [%]: reclaimed water the sewage plants
    deliver / the sewage they treat x 100.

    Reclaimed water is what the plants' production water meters record (``reclaimed``);
    the sewage treated is taken as that plus the outlets' discharge of the year (as
    :func:`wastewater_per_va` computes it), the reclaimed water leaving the plant before
    its outlet. A park whose plants meter no reclaimed water gets :func:`manual`: the rate
    is then entered by hand.

    A plant counts when it has both; reclaimed water metered in fewer than 12 months is
    scaled to a year, as the discharge is.

    Parameters
    ----------
    reclaimed
        Plant credit code -> (reclaimed water delivered in ``year`` [m³], months with data).
    flows
        Outlet station code -> valid hourly flows [m³/h] of ``year`` (HJ 212 ``w00000``).

    References
    ----------
    MIIT 工信厅节函〔2016〕586号, attachment: green industrial park indicator system, item 8
    中水回用率 (resource group RG); the name is S1, the leading value U
    (``catalogues/miit_green_park.csv``).
    """
    id = "reclaimed_water_reuse"
    formula = (
        "reclaimed water delivered by the sewage plants [m³] / (outlet discharge + reclaimed "
        "water) [m³] x 100"
    )
    metered = [p for p in plants if p.credit_code in reclaimed]
    if not metered:
        return manual(id, UNITS[id])
    hours = _days(year) * 24
    used: list[SewagePlant] = []
    reused = discharge = 0.0
    n = 0
    per_plant: dict[str, str] = {}
    for p in metered:
        m3, months = reclaimed[p.credit_code]
        total, valid, _ = _outlet_discharge([p], flows, year)
        if valid == 0 or months <= 0:
            why = "no valid outlet flow" if valid == 0 else "no month of reclaimed water"
            per_plant[p.credit_code] = f"{why} in {year}: left out"
            continue
        year_m3 = m3 * 12 / months  # the months metered, to a year like the discharge
        per_plant[p.credit_code] = (
            f"reclaimed {m3:.6g} m³ in {months} month(s) -> {year_m3:.6g} m³ a year; "
            f"discharged {total:.6g} m³ (mean of {valid} valid hours x {hours} h)"
        )
        used.append(p)
        reused += year_m3
        discharge += total
        n += valid
    inputs = {
        "reclaimed_m3": _input(reused, "m³", "sewage plants' reclaimed water meters, a year"),
        "discharge_m3": _input(discharge, "m³", "outlet flow w00000 (valid hours), a year"),
        "plants": per_plant,
    }
    if not used:
        return _missing(id, formula, f"no plant has both reclaimed water and outlet flow in "
                        f"{year}", inputs)  # fmt: skip
    if reused + discharge <= 0:
        return _missing(id, formula, f"no sewage treated in {year}", inputs)
    months_min = min(reclaimed[p.credit_code][1] for p in used)
    completeness = n / (len(used) * hours) * min(months_min, 12) / 12
    note = _join(
        ""
        if len(used) == len(plants)
        else f"{len(plants) - len(used)} of {len(plants)} plants left out (no reclaimed water "
        "meter, or no valid outlet flow)",
        ""
        if months_min >= 12
        else f"reclaimed water metered in {months_min} of 12 months: scaled to a year",
        "treated = discharged + reclaimed (the reclaimed water leaves before the outlet)",
    )
    return Value(id, 100.0 * reused / (reused + discharge), UNITS[id], inputs, formula,
                 completeness, note)  # fmt: skip


def wastewater_per_va(
    plants: Sequence[SewagePlant],
    flows: Mapping[str, pd.Series],
    value_added: float | None,
    year: int,
) -> Value:
    """MIIT wastewater discharged per 10⁴ yuan of value added [t/万元], from the sewage
    plants' outlet flow.

    Each outlet's discharge of the year = the mean of its valid hourly flows [m³/h] x the
    hours of the year (gaps filled by the mean; 1 m³ taken as 1 t); their sum / value added.
    The plants also treat domestic sewage, so this over-states industrial wastewater.

    Parameters
    ----------
    flows
        Outlet station code -> valid hourly flows [m³/h] of ``year`` (HJ 212 ``w00000``).
    """
    id = "wastewater_per_va"
    formula = (
        "sum over sewage-plant outlets of mean valid hourly flow [m³/h] x hours of the year "
        "[t] / value added [10⁴ yuan]"
    )
    hours = _days(year) * 24
    if not plants:
        return _missing(id, formula, "no sewage plant with an outlet station in the registry")
    total, n, per_outlet = _outlet_discharge(plants, flows, year)
    inputs = {
        "discharge_t": _input(total, "t", "outlet flow w00000 (valid hours)"),
        "value_added": _input(value_added, "10⁴ yuan", f"{_REGISTRY_YEAR}.value_added {year}"),
        "outlets": per_outlet,
    }
    if n == 0:
        return _missing(id, formula, f"no valid outlet flow in {year}", inputs)
    if not value_added:
        return _missing(id, formula, f"no value added reported for {year}", inputs)
    note = "sewage plants treat domestic sewage too: an upper bound of industrial wastewater"
    completeness = n / (len(plants) * hours)
    return Value(id, total / value_added, UNITS[id], inputs, formula, completeness, note)


# --- basic requirements (基本要求) from the standards layer -----------------------------


#: Decimals kept of the means judged: drops float noise (24 hours at 0.1 mg/L average to
#: 0.10000000000000002, which would fail a limit of 0.1), nothing more.
_MEAN_DECIMALS: Final[int] = 9


def _hours(year: int) -> int:
    return _days(year) * 24


def _of_year(frame: Any, year: int, timezone: str) -> Any:
    """The rows of ``frame`` (aware time index) in local ``year``; ``None`` when none."""
    if frame is None or len(frame) == 0:
        return None
    out = frame[frame.index.tz_convert(timezone).year == year]
    return out if len(out) else None


def _verdict(met: Mapping[str, bool | None]) -> float | None:
    """1 when every station met its standard, 0 when one did not, else ``None``."""
    if any(v is False for v in met.values()):
        return 0.0
    if not met or any(v is None for v in met.values()):
        return None
    return 1.0


def _station_verdict(
    id: str,
    formula: str,
    met: Mapping[str, bool | None],
    what: str,
    extra: Mapping[str, Any],
    valid_hours: float,
    year: int,
    failed: Sequence[str],
    undecided: Sequence[str],
    *notes: str,
) -> Value:
    """The pass-item :class:`Value` of a basic requirement judged station by station:
    ``met`` per station, ``what`` they are (sections, stations, outlets), ``extra`` inputs
    (per station and totals), completeness = valid hours / (stations x hours of the year)."""
    inputs = {
        f"{what}_met": _input(
            sum(v is True for v in met.values()), "stations", f"of {len(met)} {what}"
        ),
        **extra,
    }
    completeness = valid_hours / (len(met) * _hours(year)) if met else 0.0
    note = _verdict_note(failed, undecided, *notes)
    return Value(id, _verdict(met), UNITS[id], inputs, formula, completeness, note)


def _verdict_note(failed: Sequence[str], undecided: Sequence[str], *notes: str) -> str:
    parts = []
    if failed:
        parts.append(f"not met at {'; '.join(failed)}")
    if undecided:
        word = "also cannot be judged" if failed else "undecided: cannot judge"
        parts.append(f"{word} {'; '.join(undecided)}")
    return _join(*parts, *notes)


def _with_unit(name: str, value: float) -> str:
    unit = "" if name == "pH" else " mg/L"
    return f"{name} {value:.3g}{unit}"


def br_surface_water_class(
    stations: Sequence[MonitoringStation],
    hourly: Mapping[str, pd.DataFrame],
    *,
    year: int,
    timezone: str = "Asia/Shanghai",
) -> Value:
    """Basic requirement: every surface-water section meets its target class in ``year``
    (pass item: 1 met, 0 not met, ``None`` undecided).

    Each section's class is the single-factor class
    (:func:`greenpark.standards.water.overall_class`: the worst indicator's class) of the
    **annual means** of its valid hourly pH [-], DO, CODMn, NH3-N and TP [mg/L] (the
    indicators the environment page classes;
    TN and fecal coliform are left out as national assessment does), against GB 3838-2002
    table 1 for its water body (river or lake: the TP limits differ). It meets the target
    when the class number is at most the target's (e.g. class III: NH3-N <= 1.0 mg/L,
    TP <= 0.2 mg/L in a river).

    Parameters
    ----------
    stations
        The park's stations; those of kind ``surface_water`` are judged.
    hourly
        Station code -> valid hourly values (columns ``pH``, ``DO``, ``CODMn``, ``NH3-N``,
        ``TP`` [pH -; mg/L]), indexed by aware times of the start of each hour
        (:func:`greenpark.environment.view.valid_wide`).
    year
        The evaluation year (local, park's zone).
    timezone
        IANA zone of the park.

    Returns
    -------
    Value
        1 when every section meets its target, 0 when one does not, ``None`` when a section
        has no valid value in the year or no target class (and none fails), or the registry
        has no section. Completeness: hours with a valid value / (sections x hours).

    Notes
    -----
    The annual-mean rule follows the yearly assessment of 地表水环境质量评价办法（试行）
    (环办〔2011〕22号): the class of the period's mean values by the single-factor rule.

    References
    ----------
    .. [1] GB 3838-2002, table 1 (basic items) and clause 5 (single-factor assessment).
    .. [2] 环办〔2011〕22号 地表水环境质量评价办法（试行）, data statistics (yearly).
    """
    id = "br_surface_water_class"
    formula = (
        "1 if every surface-water section's class (single-factor rule on the annual means "
        "of its valid hourly pH, DO, CODMn, NH3-N, TP; GB 3838-2002 table 1) is at most its "
        "target class, else 0"
    )
    sections = sorted((s for s in stations if s.kind == SURFACE_WATER), key=lambda s: s.code)
    if not sections:
        return _missing(id, formula, "no surface-water station in the registry")
    names = list(SURFACE_WATER_PARAMETERS.values())
    met: dict[str, bool | None] = {}
    failed: list[str] = []
    undecided: list[str] = []
    per_station: dict[str, Any] = {}
    valid_hours = 0
    for st in sections:
        # no water body registered: judged as a river (TP class III 0.2 mg/L, a lake's 0.05)
        body = st.water_body or "river"
        body_label = body if st.water_body else "river: no water body registered, assumed"
        target = TARGET_CLASSES.get((st.water_target_class or "").strip().upper())
        frame = _of_year(hourly.get(st.code), year, timezone)
        cols = [] if frame is None else [c for c in names if c in frame.columns]
        means = frame[cols].mean().dropna().round(_MEAN_DECIMALS) if cols else pd.Series()
        hours = int(frame[cols].notna().any(axis=1).sum()) if cols else 0
        valid_hours += hours
        if means.empty:
            met[st.code] = None
            undecided.append(f"{st.code} (no valid data in {year})")
            continue
        judged = water.overall_class(means.to_frame().T, body=body).iloc[0]
        cls, cls_name = int(judged["class"]), str(judged["name"])
        aim = "no target class" if target is None else f"target {water.CLASS_NAMES[target]}"
        detail = ", ".join(_with_unit(k, float(v)) for k, v in means.items())
        per_station[f"{st.code} class"] = _input(
            cls,
            "class (6 = 劣Ⅴ)",
            f"GB 3838-2002 table 1 ({body_label}) on the annual means of {hours} valid h: "
            f"{detail}; "
            f"class {cls_name}, deciding {judged['deciding']}; {aim}",
        )
        if target is None:
            met[st.code] = None
            undecided.append(f"{st.code} (no target class in the registry)")
            continue
        met[st.code] = cls <= target
        if cls > target:
            failed.append(
                f"{st.code} (class {cls_name} by {judged['deciding']}, target "
                f"{water.CLASS_NAMES[target]})"
            )
    return _station_verdict(
        id, formula, met, "sections", per_station, valid_hours, year, failed, undecided
    )


def br_noise_zone(
    stations: Sequence[MonitoringStation],
    hourly: Mapping[str, pd.DataFrame],
    *,
    year: int,
    timezone: str = "Asia/Shanghai",
) -> Value:
    """Basic requirement: every noise station meets its zone's limits day and night in
    ``year`` (pass item: 1 met, 0 not met, ``None`` undecided).

    The year's day level Ld is the energy mean of the station's valid hourly LAeq
    [dB(A)] whose hour starts in 06:00-22:00 (local), the night level Ln that of those in
    22:00-06:00 (the hours of the year, so the small hours of 1 January count; via
    :func:`greenpark.standards.noise.day_night_levels` weighted by the hours of each day,
    which equals the energy mean of all the hours). Both are compared with the GB 3096-2008
    table 1 limits of the station's zone
    (:func:`greenpark.standards.noise.gb3096_compliance`; e.g. zone 2: day 60, night
    50 dB(A)); a level equal to its limit complies. The days whose own Ld or Ln exceeds
    are counted and shown, not judged. The night maximum sound level of GB 3096-2008
    clause 5.4 (no more than 15 dB(A) above the night limit for sudden noise) is not
    checked: hourly LAeq does not carry Lmax.

    Parameters
    ----------
    stations
        The park's stations; those of kind ``noise`` are judged.
    hourly
        Station code -> valid hourly LAeq [dB(A)] in column :data:`NOISE_COLUMN`, indexed
        by aware times of the start of each hour.
    year
        The evaluation year (local, park's zone).
    timezone
        IANA zone of the park.

    Returns
    -------
    Value
        1 when every station's Ld and Ln are within its limits, 0 when one exceeds,
        ``None`` when a station lacks valid day or night hours or a zone class (and none
        exceeds), or the registry has no noise station. Completeness: valid hours /
        (stations x hours).

    References
    ----------
    .. [1] GB 3096-2008, clause 3 (昼间 06:00-22:00, 夜间 22:00-06:00), clause 5.1 and
       table 1 (limits of each functional zone).
    """
    id = "br_noise_zone"
    formula = (
        "1 if at every noise station the year's Ld (energy mean of valid hourly LAeq, "
        "06-22 h) and Ln (22-06 h) are within the GB 3096-2008 table 1 limits of its zone, "
        "else 0"
    )
    points = sorted((s for s in stations if s.kind == NOISE), key=lambda s: s.code)
    if not points:
        return _missing(id, formula, "no noise station in the registry")
    met: dict[str, bool | None] = {}
    failed: list[str] = []
    undecided: list[str] = []
    per_station: dict[str, Any] = {}
    valid_hours = 0
    for st in points:
        frame = _of_year(hourly.get(st.code), year, timezone)
        series = None
        if frame is not None and NOISE_COLUMN in frame.columns:
            series = frame[NOISE_COLUMN].dropna()
        if series is None or series.empty:
            met[st.code] = None
            undecided.append(f"{st.code} (no valid data in {year})")
            continue
        valid_hours += len(series)
        daily = noise.day_night_levels(
            series, timezone=timezone, day_start=DAY_START, night_start=NIGHT_START
        )
        levels: dict[str, float | None] = {}
        counts: dict[str, int] = {}
        for period, col, n in (("day", "ld", "n_day"), ("night", "ln", "n_night")):
            has = daily[n] > 0
            counts[period] = int(daily[n].sum())
            levels[period] = (
                round(
                    noise.energy_mean(daily.loc[has, col], weights=daily.loc[has, n]),
                    _MEAN_DECIMALS,
                )
                if has.any()
                else None
            )
        zone = st.noise_zone_class
        check: Mapping[str, Any] = {}
        days_over: dict[str, str] = {"day": "", "night": ""}
        if zone is not None:
            try:
                check = noise.gb3096_compliance(
                    np.nan if levels["day"] is None else levels["day"],
                    np.nan if levels["night"] is None else levels["night"],
                    zone,
                )
            except ValueError:
                check = {}
            else:
                by_day = noise.gb3096_compliance(daily["ld"], daily["ln"], zone)
                for period, col in (("day", "ld"), ("night", "ln")):
                    over = int((by_day[f"{period}_margin"] > 0).sum())
                    days_over[period] = f"; {over} of {int(daily[col].notna().sum())} days above"
        for period, key, hours in (("day", "Ld", "06-22 h"), ("night", "Ln", "22-06 h")):
            limit = check.get(f"{period}_limit")
            limit_text = "no limit" if limit is None else f"limit {limit:g} dB(A)"
            per_station[f"{st.code} {key}"] = _input(
                levels[period],
                "dB(A)",
                f"energy mean of {counts[period]} valid hourly LAeq {hours}; zone "
                f"{zone or '-'} {limit_text} (GB 3096-2008 table 1){days_over[period]}",
            )
        if not check:
            met[st.code] = None
            why = "no zone class in the registry" if zone is None else f"zone {zone!r} unknown"
            undecided.append(f"{st.code} ({why})")
            continue
        over = [
            f"{key} {levels[p]:.1f} > {check[f'{p}_limit']:g} dB(A)"
            for p, key in (("day", "Ld"), ("night", "Ln"))
            if levels[p] is not None and check[f"{p}_exceeds"]
        ]
        if over:
            met[st.code] = False
            failed.append(f"{st.code} (zone {zone}: {', '.join(over)})")
        elif levels["day"] is None or levels["night"] is None:
            met[st.code] = None
            gap = "day" if levels["day"] is None else "night"
            undecided.append(f"{st.code} (no valid {gap} hours in {year})")
        else:
            met[st.code] = True
    return _station_verdict(
        id, formula, met, "stations", per_station, valid_hours, year, failed, undecided
    )


def br_discharge_compliance(
    stations: Sequence[MonitoringStation],
    hourly: Mapping[str, pd.DataFrame],
    *,
    year: int,
    timezone: str = "Asia/Shanghai",
) -> Value:
    """Basic requirement: every wastewater outlet complies with its discharge standard in
    ``year`` (pass item: 1 met, 0 not met, ``None`` undecided).

    As the environment page judges an outlet day by day
    (:func:`greenpark.environment.view.outlet_summary`): the daily means (local days) of
    the outlet's valid hourly values of each GB 18918-2002 indicator it measures (COD,
    NH3-N, TP, TN [mg/L], pH [-]) against the table 1 limits of the class its
    ``discharge_standard`` names (:func:`greenpark.standards.water.gb18918_compliance`;
    e.g. class 1A: COD <= 50, NH3-N <= 5 (8 at <= 12 °C), TP <= 0.5, TN <= 15 mg/L), with
    the daily mean water temperature choosing the NH3-N limit and the plant taken as built
    from 2006-01-01 (:data:`greenpark.environment.view.ASSUMED_COMMISSIONED`). A day
    exceeds when any indicator's daily mean exceeds its limit; an outlet complies when no
    day of the year exceeds. The exceeding days and the compliance rate of the
    station-days assessed ((assessed - exceeding) / assessed x 100) are inputs.

    Parameters
    ----------
    stations
        The park's stations; those of kind ``wastewater_outlet`` are judged.
    hourly
        Station code -> valid hourly values (columns named as in
        :data:`greenpark.environment.view.OUTLET_PARAMETERS`: ``COD``, ``NH3-N``, ``TP``,
        ``TN``, ``pH``, ``water_temp`` [mg/L; pH -; °C]), indexed by aware times of the
        start of each hour.
    year
        The evaluation year (local, park's zone).
    timezone
        IANA zone of the park.

    Returns
    -------
    Value
        1 when no outlet exceeds on any day, 0 when one does, ``None`` when an outlet has
        no valid data, or a standard other than a GB 18918-2002 class (the standards layer
        holds no other discharge limits), and none exceeds; or the registry has no outlet.
        Completeness: hours with a valid value / (outlets x hours).

    References
    ----------
    .. [1] GB 18918-2002, clause 4.2 and table 1 (maximum daily-average concentrations),
       note on water temperature.
    """
    id = "br_discharge_compliance"
    formula = (
        "1 if no wastewater outlet has a day whose daily mean of a GB 18918-2002 table 1 "
        "indicator (COD, NH3-N, TP, TN, pH) exceeds the limit of its class, else 0"
    )
    outlets = sorted((s for s in stations if s.kind == OUTLET), key=lambda s: s.code)
    if not outlets:
        return _missing(id, formula, "no wastewater outlet station in the registry")
    met: dict[str, bool | None] = {}
    failed: list[str] = []
    undecided: list[str] = []
    per_station: dict[str, Any] = {}
    valid_hours = assessed_days = exceeding_days = 0
    for st in outlets:
        cls = discharge_class(st.discharge_standard)
        frame = _of_year(hourly.get(st.code), year, timezone)
        limited = (
            []
            if frame is None
            else [c for c in water.GB18918_INDICATORS if c in frame and frame[c].notna().any()]
        )
        hours = int(frame[limited].notna().any(axis=1).sum()) if limited else 0
        valid_hours += hours
        if cls is None:
            met[st.code] = None
            undecided.append(
                f"{st.code} (standard {st.discharge_standard or 'not given'}: only "
                "GB 18918-2002 classes are judged)"
            )
            continue
        if not limited:
            met[st.code] = None
            undecided.append(f"{st.code} (no valid data in {year})")
            continue
        has_temp = frame is not None and WATER_TEMP in frame.columns
        cols = limited + ([WATER_TEMP] if has_temp else [])
        local_days = np.asarray(frame.index.tz_convert(timezone).date)
        daily = frame[cols].groupby(local_days).mean().round(_MEAN_DECIMALS)
        check = water.gb18918_compliance(
            daily,
            cls=cls,
            commissioned=ASSUMED_COMMISSIONED,
            water_temp=WATER_TEMP if has_temp else None,
        )
        exceeds = check.xs("exceeds", axis=1, level="field")
        over = exceeds.fillna(False).astype(bool)
        assessed = int(exceeds.notna().any(axis=1).sum())
        exceeding = int(over.any(axis=1).sum())
        by_indicator = ", ".join(f"{c} {int(over[c].sum())} d" for c in over if over[c].any())
        per_station[f"{st.code} exceeding_days"] = _input(
            exceeding,
            "d",
            f"of {assessed} days assessed: daily means of {', '.join(limited)} from {hours} "
            f"valid h against GB 18918-2002 class {cls} table 1"
            + (f"; exceeded: {by_indicator}" if by_indicator else ""),
        )
        assessed_days += assessed
        exceeding_days += exceeding
        if exceeding:
            met[st.code] = False
            failed.append(f"{st.code} ({exceeding} of {assessed} days exceed: {by_indicator})")
        elif assessed == 0:
            met[st.code] = None
            undecided.append(f"{st.code} (no indicator with a class {cls} limit)")
        else:
            met[st.code] = True
    rate = None if assessed_days == 0 else 100.0 * (assessed_days - exceeding_days) / assessed_days
    extra = {
        "exceeding_station_days": _input(exceeding_days, "station-days", "any indicator over"),
        "assessed_station_days": _input(assessed_days, "station-days", "a limited indicator"),
        "compliance_rate": _input(rate, "%", "(assessed - exceeding) / assessed x 100"),
        **per_station,
    }
    return _station_verdict(
        id, formula, met, "outlets", extra, valid_hours, year, failed, undecided,
        "plants taken as built from 2006-01-01 (GB 18918-2002 TP limits)",
    )  # fmt: skip


# --- a scheme's values --------------------------------------------------------------------


@dataclass(frozen=True)
class ParkData:
    """What the values of one year are computed from (read by the service).

    ``book`` and ``previous`` are the ledger's books of ``year`` and ``year - 1`` (``None``
    without energy data); ``air_hourly`` maps ambient station codes to their valid hourly
    concentrations; ``outlet_flows`` outlet station codes to valid hourly flows [m³/h];
    ``entries`` scheme name → indicator id → the value entered by hand for ``year``;
    ``stations`` the park's surface-water, noise and outlet stations
    (:class:`MonitoringStation`) and ``station_hourly`` station code → their valid hourly
    values of ``year`` (the frames :func:`br_surface_water_class`, :func:`br_noise_zone`
    and :func:`br_discharge_compliance` read); ``reclaimed`` a sewage plant's credit code →
    (reclaimed water its production meters delivered in ``year`` [m³], months with data),
    only for plants that meter it.
    """

    year: int
    book: Book | None = None
    previous: Book | None = None
    enterprises: tuple[EnterpriseRecord, ...] = ()
    vehicles: tuple[VehicleRecord, ...] = ()
    plants: tuple[SewagePlant, ...] = ()
    air_hourly: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    outlet_flows: Mapping[str, pd.Series] = field(default_factory=dict)
    timezone: str = "Asia/Shanghai"
    entries: Mapping[str, Mapping[str, ManualEntry]] = field(default_factory=dict)
    stations: tuple[MonitoringStation, ...] = ()
    station_hourly: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    reclaimed: Mapping[str, tuple[float, int]] = field(default_factory=dict)

    @property
    def value_added(self) -> float | None:
        """The park's value added of the year [10⁴ yuan] (ledger, else registry)."""
        if self.book is not None:
            return self.book.summary.get("value_added")
        va = [e.value_added for e in self.enterprises if e.value_added is not None]
        return float(sum(va)) if va and sum(va) > 0 else None


Computer = Callable[[ParkData], Value]

#: Scheme -> indicator id -> how its value is computed. Every other indicator of a scheme
#: is a manual entry.
COMPUTERS: Final[dict[str, dict[str, Computer]]] = {
    "miit-green-park": {
        "energy_productivity": lambda d: energy_productivity(d.book),
        "renewable_share": lambda d: renewable_share(d.book),
        "clean_energy_rate": lambda d: clean_energy_rate(d.book),
        "water_productivity": lambda d: water_productivity(d.book),
        "central_wwtp": lambda d: central_wwtp(d.plants),
        "new_energy_bus_share": lambda d: new_energy_bus_share(d.vehicles, d.year),
        "high_tech_output_share": lambda d: high_tech_output_share(d.enterprises, d.year),
        "industrial_va_per_capita": lambda d: industrial_va_per_capita(d.enterprises, d.year),
        "carbon_intensity_reduction": lambda d: carbon_intensity_reduction(d.book, d.previous),
        "wastewater_per_va": lambda d: wastewater_per_va(
            d.plants, d.outlet_flows, d.value_added, d.year
        ),
        "reclaimed_water_reuse": lambda d: reclaimed_water_reuse(
            d.plants, d.outlet_flows, d.reclaimed, d.year
        ),
        "air_good_day_ratio": lambda d: air_good_day_ratio(
            d.air_hourly, year=d.year, timezone=d.timezone
        ),
        "br_surface_water_class": lambda d: br_surface_water_class(
            d.stations, d.station_hourly, year=d.year, timezone=d.timezone
        ),
        "br_noise_zone": lambda d: br_noise_zone(
            d.stations, d.station_hourly, year=d.year, timezone=d.timezone
        ),
        "br_discharge_compliance": lambda d: br_discharge_compliance(
            d.stations, d.station_hourly, year=d.year, timezone=d.timezone
        ),
    },
    "zero-carbon-park": {
        "co2_per_tce": lambda d: co2_per_tce(d.book),
        "clean_energy_share": lambda d: clean_energy_rate(d.book, id="clean_energy_share"),
    },
}

#: Values shown beside a scheme's indicators (context, not scored).
SUPPLEMENTARY: Final[dict[str, dict[str, Computer]]] = {
    "miit-green-park": {
        "green_titles": lambda d: green_titles(d.enterprises, d.year),
    },
    "zero-carbon-park": {
        "renewable_share": lambda d: renewable_share(d.book),
        "green_electricity_share": lambda d: green_electricity_share(d.book),
    },
}


def computable(scheme: str) -> tuple[str, ...]:
    """Ids of the indicators of ``scheme`` computed from data (the rest are manual)."""
    return tuple(COMPUTERS.get(scheme, {}))


def _same_unit(a: str, b: str) -> bool:
    return a == b or (a in ("", "-") and b in ("", "-"))


def merge_entries(
    values: Mapping[str, Value], entries: Mapping[str, ManualEntry]
) -> dict[str, Value]:
    """``values`` with the manual entries merged in.

    An entry fills an indicator the data cannot give (:attr:`Value.is_manual`): the value
    becomes :func:`entered` (completeness 1, provenance "manual entry by WHO at WHEN,
    evidence ..."). It never overrides a computed indicator, even one whose data is missing
    this year: that value is kept, with the entry beside it (``entry``) and a note. An
    entry in a unit other than the catalogue's (the catalogue was corrected after it was
    entered) is not used either. Entries of ids the scheme lacks are left out.
    """
    out = dict(values)
    for id, entry in entries.items():
        v = out.get(id)
        if v is None:
            continue
        if not _same_unit(entry.unit, v.unit):
            note = (
                f"manual entry {entry.describe()} not used: the catalogue's unit is now "
                f"{v.unit!r}; enter it again"
            )
            out[id] = replace(v, entry=entry, note=_join(v.note, note))
        elif v.is_manual:
            out[id] = replace(entered(entry), unit=v.unit)
        else:
            note = f"manual entry {entry.describe()} not used: the value is computed from data"
            out[id] = replace(v, entry=entry, note=_join(v.note, note))
    return out


def scheme_values(scheme: Scheme, data: ParkData) -> dict[str, Value]:
    """The value of every indicator of ``scheme`` for ``data.year``, in catalogue order.

    Computed indicators (:data:`COMPUTERS`) get their value; the others are
    :func:`manual`, or the value entered by hand (``data.entries``, see
    :func:`merge_entries`). A computed value whose unit differs from the catalogue's is
    refused (a corrected catalogue with another unit needs a conversion here).

    Raises
    ------
    InputError
        A computed value's unit is not the catalogue row's.
    """
    computers = COMPUTERS.get(scheme.name, {})
    out: dict[str, Value] = {}
    for ind in scheme.indicators:
        if ind.id in out:
            continue
        fn = computers.get(ind.id)
        if fn is None:
            out[ind.id] = manual(ind.id, ind.unit)
            continue
        v = fn(data)
        if v.unit != ind.unit:
            raise InputError(
                f"{scheme.name} {ind.id}: computed in {v.unit!r} but the catalogue "
                f"({ind.origin or scheme.source_file}) says {ind.unit!r}"
            )
        out[ind.id] = v
    return merge_entries(out, data.entries.get(scheme.name, {}))


def supplementary_values(scheme: str, data: ParkData) -> dict[str, Value]:
    """Values shown with ``scheme`` for context, not scored (e.g. the zero-carbon park's
    renewable and green-electricity shares, which the notice does not list)."""
    return {k: fn(data) for k, fn in SUPPLEMENTARY.get(scheme, {}).items()}
