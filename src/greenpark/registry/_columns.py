"""The registry file format as data: one :class:`Column` per column of each kind, plus the
rules that span several columns of a row.

This table is the one declaration of the file format: the parser (``_parse``) checks cells
against it, the exporter writes its columns, and ``docs/registry.md`` is generated from it
(:func:`greenpark.registry.registry_columns_markdown`). The column names and order are those
of :attr:`greenpark.store.registry.Kind.row_columns`; references (``park``, ``enterprise``,
``credit_code``, ``site``, ``parent``) are resolved as :data:`greenpark.store.registry.KINDS`
declares them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from greenpark.errors import InputError
from greenpark.registry.formula import parse_formula
from greenpark.store.registry import KINDS
from greenpark.store.schema import (
    ASSET_KINDS,
    CERTIFICATION_KINDS,
    INDUSTRIES,
    METER_DIRECTIONS,
    NOISE_ZONE_CLASSES,
    SITE_KINDS,
    SPONGE_FACILITY_KINDS,
    STATION_KINDS,
    VEHICLE_ENERGIES,
    WATER_BODIES,
    WATER_CLASSES,
)
from greenpark.units import CARRIER_UNITS, CARRIERS, MONEY_UNIT

#: Column types and what a cell of that type holds (for the docs).
TYPES: Final[dict[str, str]] = {
    "text": "text",
    "code": "text identifier (kept as text, never a number)",
    "credit_code": "unified social credit code, 18 characters, GB 32100-2015",
    "choice": "one of the allowed values (case-insensitive)",
    "integer": "whole number",
    "number": "decimal number",
    "date": "date, ISO `yyyy-mm-dd` or an Excel date cell",
    "boolean": "`true`/`false` (also `yes`/`no`, `1`/`0`, `是`/`否`)",
    "json": 'JSON object, e.g. `{"eta_charge": 0.95}`',
    "timezone": "IANA time zone name, e.g. `Asia/Shanghai`",
}


@dataclass(frozen=True)
class Column:
    """One column of a registry file.

    Parameters
    ----------
    name
        Column name as written in the header row.
    type
        A key of :data:`TYPES`.
    required
        The header must have the column and every row a value in it.
    allowed
        The allowed values of a ``choice`` column.
    unit
        Unit of a number, in the project's unit table (``greenpark.units``); ``""`` if none.
    minimum, maximum
        Inclusive bounds of a number.
    default
        Written when the column is present but the cell is empty.
    help
        One line for the docs.
    max_length
        Longest text the database holds; filled from the schema.
    """

    name: str
    type: str
    required: bool = False
    allowed: tuple[str, ...] = ()
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    help: str = ""
    max_length: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RowRule:
    """A check over several columns of one parsed row.

    ``check(row)`` returns ``(column, reason)`` pairs; it may fill a derived default into
    ``row`` (a meter's unit from its carrier). It runs only when every column in
    ``columns`` that the row has was parsed without error.
    """

    columns: tuple[str, ...]
    check: Callable[[dict[str, Any]], list[tuple[str, str]]]
    help: str


def _lat() -> Column:
    return Column("latitude", "number", unit="°", minimum=-90, maximum=90, help="WGS-84")


def _lon() -> Column:
    return Column("longitude", "number", unit="°", minimum=-180, maximum=180, help="WGS-84")


def _park() -> Column:
    return Column("park", "code", required=True, help="code of the park")


def _enterprise(name: str = "enterprise", required: bool = False) -> Column:
    return Column(name, "credit_code", required=required, help="credit code of the enterprise")


def _money(name: str, what: str) -> Column:
    return Column(name, "number", unit=MONEY_UNIT, minimum=0, help=what)


def _year() -> Column:
    return Column("year", "integer", required=True, minimum=1949, maximum=2100, help="year")


_COLUMNS: dict[str, tuple[Column, ...]] = {
    "park": (
        Column("code", "code", required=True, help="short code naming the park"),
        Column("name", "text", required=True, help="name"),
        Column("name_local", "text", help="name in Chinese"),
        Column("location", "text", help="address or place"),
        _lat(),
        _lon(),
        Column("timezone", "timezone", default="Asia/Shanghai", help="local time zone"),
        Column("province", "text", help="province"),
        Column("grid_region", "text", help="regional power grid (emission factors)"),
    ),
    "enterprise": (
        _enterprise("credit_code", required=True),
        _park(),
        Column("name", "text", required=True, help="registered name"),
        Column("industry", "choice", required=True, allowed=INDUSTRIES, help="industry"),
        Column("employees", "integer", minimum=0, help="number of employees"),
    ),
    "enterprise_year": (
        _enterprise("credit_code", required=True),
        _year(),
        _money("revenue", "main-business revenue"),
        _money("gross_output", "gross industrial output"),
        _money("value_added", "industrial value added"),
        Column("employees", "integer", minimum=0, help="head count of the year"),
    ),
    "high_tech_certificate": (
        _enterprise("credit_code", required=True),
        Column("valid_from", "date", required=True, help="first day of validity"),
        Column("number", "text", help="certificate number"),
        Column("valid_to", "date", required=True, help="last day of validity (>= valid_from)"),
    ),
    "certification": (
        _enterprise("credit_code", required=True),
        Column("kind", "choice", required=True, allowed=CERTIFICATION_KINDS, help="title"),
        replace(_year(), help="year granted"),
    ),
    "site": (
        Column("code", "code", required=True, help="site or building code"),
        _park(),
        _enterprise(),
        Column("parent", "code", help="code of the site a building stands on"),
        Column("name", "text", required=True, help="name"),
        Column("kind", "choice", allowed=SITE_KINDS, default="site", help="site or building"),
        Column("floor_area", "number", unit="m²", minimum=0, help="floor area"),
        _lat(),
        _lon(),
    ),
    "meter": (
        Column("code", "code", required=True, help="meter code"),
        _park(),
        _enterprise(),
        Column("site", "code", help="code of the site or building"),
        Column("parent", "code", help="code of the meter this one is a sub-meter of"),
        Column("name", "text", required=True, help="name"),
        Column("carrier", "choice", required=True, allowed=CARRIERS, help="energy carrier"),
        Column("unit", "text", help="the carrier's unit; empty = taken from the carrier"),
        Column("interval_s", "integer", unit="s", minimum=1, default=900, help="interval"),
        Column(
            "direction",
            "choice",
            allowed=METER_DIRECTIONS,
            default="consumption",
            help="energy used, or produced/delivered (PV, engine, heat output: not use)",
        ),
        Column("formula", "text", help="virtual meter: other meters' codes, e.g. M1 + M2 - M3"),
        Column(
            "renewable",
            "boolean",
            default=False,
            help="production meter of on-site renewable generation (PV, wind)",
        ),
    ),
    "station": (
        Column("code", "code", required=True, help="station code"),
        _park(),
        _enterprise(),
        Column("name", "text", required=True, help="name"),
        Column("kind", "choice", required=True, allowed=STATION_KINDS, help="what it monitors"),
        Column("mn", "code", required=True, help="HJ 212 MN (unique)"),
        _lat(),
        _lon(),
        Column(
            "noise_zone_class",
            "choice",
            allowed=NOISE_ZONE_CLASSES,
            help="GB 3096-2008 zone class; required for noise stations",
        ),
        Column(
            "water_body",
            "choice",
            allowed=WATER_BODIES,
            help="required for surface_water stations",
        ),
        Column(
            "water_target_class",
            "choice",
            allowed=WATER_CLASSES,
            help="GB 3838-2002 target class; required for surface_water stations",
        ),
        Column("discharge_standard", "text", help="discharge standard of an outlet"),
        Column("pw", "code", help="HJ 212 access password (PW); empty: not checked"),
        Column(
            "hj212",
            "json",
            help="HJ 212 link options: timezone, crc, char_length, missing_header, sm4 "
            "(docs/hj212.md)",
        ),
    ),
    "asset": (
        Column("code", "code", required=True, help="asset code"),
        _park(),
        Column("name", "text", required=True, help="name"),
        Column("kind", "choice", required=True, allowed=ASSET_KINDS, help="technology"),
        Column("p_nom", "number", unit="kW", minimum=0, help="rated output"),
        Column("e_nom", "number", unit="kWh", minimum=0, help="storage capacity"),
        Column("efficiency", "number", unit="-", minimum=0, maximum=1, help="rated efficiency"),
        Column("cop", "number", unit="-", minimum=0, help="rated coefficient of performance"),
        Column("params", "json", help="further ratings, units in the keys"),
    ),
    "vehicle": (
        Column("code", "code", required=True, help="vehicle code (e.g. plate)"),
        _park(),
        Column("kind", "text", default="bus", help="vehicle type"),
        Column("energy", "choice", required=True, allowed=VEHICLE_ENERGIES, help="drive"),
        Column("operator", "text", help="operating company"),
        Column("battery_kwh", "number", unit="kWh", minimum=0, help="battery capacity"),
        Column("in_service", "boolean", default=True, help="in service now"),
        Column("in_service_from", "date", help="first day in service"),
        Column("in_service_to", "date", help="last day in service (>= in_service_from)"),
    ),
    "catchment": (
        Column("code", "code", required=True, help="catchment code (汇水分区)"),
        _park(),
        Column("site", "code", help="code of the site or building it drains"),
        Column("name", "text", required=True, help="name"),
        Column("area_m2", "number", required=True, unit="m²", help="area"),
        Column(
            "runoff_coefficient",
            "number",
            required=True,
            unit="-",
            maximum=1,
            help="composite runoff coefficient ψ (综合雨量径流系数)",
        ),
        Column("note", "text", help="free text"),
    ),
    "sponge_facility": (
        Column("code", "code", required=True, help="facility code"),
        Column("catchment", "code", required=True, help="code of the catchment it serves"),
        Column("name", "text", required=True, help="name"),
        Column(
            "kind", "choice", required=True, allowed=SPONGE_FACILITY_KINDS, help="facility type"
        ),
        Column(
            "capture_volume_m3",
            "number",
            required=True,
            unit="m³",
            minimum=0,
            help="effective capture volume (有效调蓄容积)",
        ),
        Column(
            "in_service_from",
            "date",
            help="first day in service; counts in a year when on or before 31 December; "
            "empty = always",
        ),
        Column("note", "text", help="free text"),
    ),
}


def _with_lengths(kind_name: str, columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """Fill each text column's ``max_length`` from the database schema."""
    spec = KINDS[kind_name]
    table = spec.model.__table__
    out = []
    for col in columns:
        ref = next((r for r in spec.references if r.column == col.name), None)
        db_col = (
            getattr(ref.target, ref.target_key).property.columns[0]
            if ref
            else table.c.get(col.name)
        )
        length = getattr(getattr(db_col, "type", None), "length", None)
        out.append(replace(col, max_length=length))
    return tuple(out)


#: The columns of each kind, in :data:`greenpark.store.registry.KINDS` order.
COLUMNS: Final[Mapping[str, tuple[Column, ...]]] = {
    name: _with_lengths(name, _COLUMNS[name]) for name in KINDS
}


def _canonical_units() -> dict[str, str]:
    out: dict[str, str] = {}
    for unit in CARRIER_UNITS.values():
        out[unit.lower()] = unit
        out[unit.lower().replace("³", "3")] = unit
    return out


_UNIT_SPELLINGS: Final[dict[str, str]] = _canonical_units()


def _meter_unit(row: dict[str, Any]) -> list[tuple[str, str]]:
    carrier = row.get("carrier")
    if carrier is None:
        return []
    expected = CARRIER_UNITS[carrier]
    if "unit" not in row and carrier == "other":
        # on an update, filling "" would wipe the stored unit of an 'other' meter
        return [("unit", "carrier 'other' has no unit of its own: add a 'unit' column")]
    unit = row.get("unit")
    if unit is None:
        row["unit"] = expected
        return []
    canonical = _UNIT_SPELLINGS.get(unit.lower())
    if carrier == "other":
        row["unit"] = unit
        return []
    if canonical != expected:
        return [
            (
                "unit",
                f"unit {unit!r} does not match carrier {carrier!r}: {carrier} is metered in "
                f"{expected!r}",
            )
        ]
    row["unit"] = canonical
    return []


def _not_own_parent(row: dict[str, Any]) -> list[tuple[str, str]]:
    if row.get("parent") is not None and row.get("parent") == row.get("code"):
        return [("parent", f"{row['code']!r} cannot be its own parent")]
    return []


def _formula(row: dict[str, Any]) -> list[tuple[str, str]]:
    text = row.get("formula")
    if text is None:
        return []
    try:
        terms = parse_formula(text)
    except InputError as exc:
        return [("formula", str(exc))]
    if any(t.code == row.get("code") for t in terms):
        return [("formula", f"{row['code']!r} cannot be computed from itself")]
    return []


def _ordered(first: str, last: str) -> Callable[[dict[str, Any]], list[tuple[str, str]]]:
    def check(row: dict[str, Any]) -> list[tuple[str, str]]:
        start, end = row.get(first), row.get(last)
        if start is not None and end is not None and end < start:
            return [(last, f"{last} {end.isoformat()} is before {first} {start}")]
        return []

    return check


#: Columns a station of a kind must fill (the standard that needs them in the help).
STATION_KIND_REQUIRES: Final[dict[str, tuple[str, ...]]] = {
    "noise": ("noise_zone_class",),  # GB 3096-2008 limits depend on the zone class
    "surface_water": ("water_body", "water_target_class"),  # GB 3838-2002 class, by water body
}


def _station_kind(row: dict[str, Any]) -> list[tuple[str, str]]:
    kind = row.get("kind")
    return [
        (col, f"a {kind} station needs {col}")
        for col in STATION_KIND_REQUIRES.get(kind, ())
        if row.get(col) is None
    ]


def _hj212_options(row: dict[str, Any]) -> list[tuple[str, str]]:
    from greenpark.hj212.link import Link

    try:
        Link.from_options(row.get("hj212"))
    except ValueError as exc:
        return [("hj212", str(exc))]
    return []


def _above_zero(column: str, unit: str) -> Callable[[dict[str, Any]], list[tuple[str, str]]]:
    def check(row: dict[str, Any]) -> list[tuple[str, str]]:
        value = row.get(column)
        if value is not None and value <= 0:
            return [(column, f"{column} {value:g}{unit} must be above 0")]
        return []

    return check


#: Checks across columns of one row, per kind.
ROW_RULES: Final[Mapping[str, tuple[RowRule, ...]]] = {
    "high_tech_certificate": (
        RowRule(
            ("valid_from", "valid_to"),
            _ordered("valid_from", "valid_to"),
            "`valid_to` >= `valid_from`.",
        ),
    ),
    "vehicle": (
        RowRule(
            ("in_service_from", "in_service_to"),
            _ordered("in_service_from", "in_service_to"),
            "`in_service_to` >= `in_service_from`.",
        ),
    ),
    "site": (RowRule(("code", "parent"), _not_own_parent, "A site is not its own parent."),),
    "meter": (
        RowRule(
            ("carrier", "unit"),
            _meter_unit,
            "`unit` must be the carrier's unit ("
            + ", ".join(f"{c}: {u}" for c, u in CARRIER_UNITS.items() if u)
            + "; `m3` is read as `m³`); empty = the carrier's unit. Carrier `other` takes any "
            "unit, and its file needs a `unit` column.",
        ),
        RowRule(("code", "parent"), _not_own_parent, "A meter is not its own parent."),
        RowRule(
            ("code", "formula"),
            _formula,
            "A virtual meter's `formula` is meter codes joined by ` + ` and ` - ` (spaces "
            "around the operators), each optionally weighted as `0.5*CODE`; every code must "
            "be a meter in the store or in the import, and not the meter itself.",
        ),
    ),
    "station": (
        RowRule(
            ("kind", *sorted({c for cs in STATION_KIND_REQUIRES.values() for c in cs})),
            _station_kind,
            "; ".join(
                f"a `{k}` station needs " + " and ".join(f"`{c}`" for c in cs)
                for k, cs in STATION_KIND_REQUIRES.items()
            )
            + ".",
        ),
        RowRule(
            ("hj212",),
            _hj212_options,
            "`hj212` holds only the known link options with valid values (docs/hj212.md).",
        ),
    ),
    "catchment": (
        RowRule(("area_m2",), _above_zero("area_m2", " m²"), "`area_m2` > 0."),
        RowRule(
            ("runoff_coefficient",),
            _above_zero("runoff_coefficient", ""),
            "`runoff_coefficient` > 0 (GB/T 51345-2018 style volume method, "
            "docs/evaluation-datacentre-sponge.md).",
        ),
    ),
}
