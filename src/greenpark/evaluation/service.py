"""Evaluate a park against a scheme from its own data: read, compute, score, report.

:func:`evaluate` reads what the values need from the store (read-only), computes them with
:mod:`greenpark.evaluation.values`, scores them with
:func:`~greenpark.evaluation.scoring.score_scheme` and does the same for the two years before
when the store has data for them (three years side by side). :func:`write_xlsx` writes the
self-evaluation workbook. :func:`enter_indicators` writes the values entered by hand
(checked by :mod:`greenpark.evaluation.entries`, all or nothing, audited); they fill the
indicators no data gives.

Store reads: the ledger's book of each year through
:func:`greenpark.ledger.service.load_book`; the registry (enterprises and their yearly
figures, high-tech certificates, vehicles, stations) and the measurements (ambient air,
sewage-plant outlet flow; surface water, noise and outlet concentrations for the basic
requirements) through SQLAlchemy Core selects on :mod:`greenpark.store.schema`
tables, here, reading only; the entries through :mod:`greenpark.store.evaluation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from greenpark.auth.service import audit
from greenpark.environment.view import (
    AIR_PARAMETERS,
    NOISE_PARAMETER,
    OUTLET_PARAMETERS,
    SURFACE_WATER_PARAMETERS,
    discharge_class,
    valid_wide,
)
from greenpark.errors import InputError, RowsError
from greenpark.evaluation.catalogue import Scheme, load_scheme
from greenpark.evaluation.datacentre import (
    DataCentreCheck,
    DataCentreMetrics,
    check,
    datacentre_months,
    monthly_metrics,
)
from greenpark.evaluation.entries import check_entries, scheme_key
from greenpark.evaluation.scoring import SchemeScore, score_scheme
from greenpark.evaluation.values import (
    NOISE_COLUMN,
    EnterpriseRecord,
    ManualEntry,
    MonitoringStation,
    ParkData,
    SewagePlant,
    Value,
    VehicleRecord,
    scheme_values,
    supplementary_values,
)
from greenpark.ledger.book import Book
from greenpark.ledger.compute import LedgerOptions
from greenpark.store import evaluation as entries_db
from greenpark.store.db import Store
from greenpark.store.environment import station_measurements
from greenpark.store.ledger import ParkRef, monthly_production, resolve_park
from greenpark.store.overview import time_zone
from greenpark.store.schema import (
    Certification,
    Enterprise,
    EnterpriseYear,
    HighTechCertificate,
    Park,
    Station,
    Vehicle,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from greenpark.evaluation.sponge_service import SpongeYear

__all__ = [
    "DATACENTRE_SCHEME",
    "DataCentreEvaluation",
    "EntriesWritten",
    "Evaluation",
    "YearEvaluation",
    "enter_indicators",
    "evaluate",
    "evaluate_datacentres",
    "mandatory_text",
    "read_entries",
    "read_park_data",
    "score_year",
    "write_datacentres_xlsx",
    "write_xlsx",
]

#: HJ 212 code of the wastewater flow [m³/h as stored].
FLOW_PARAMETER: Final[str] = "w00000"
#: Station kind -> HJ 212 code -> column of the valid hourly frames the basic requirements
#: read (``ParkData.station_hourly``).
BASIC_REQUIREMENT_PARAMETERS: Final[dict[str, dict[str, str]]] = {
    "surface_water": SURFACE_WATER_PARAMETERS,
    "noise": {NOISE_PARAMETER: NOISE_COLUMN},
    "wastewater_outlet": OUTLET_PARAMETERS,
}
#: Years before the evaluation year shown beside it (when the store has data for them).
PREVIOUS_YEARS: Final[int] = 2
#: The scheme that judges each data centre, not the park (:func:`evaluate_datacentres`).
DATACENTRE_SCHEME: Final[str] = "green-data-centre"


@dataclass(frozen=True)
class YearEvaluation:
    """One year of a scheme: the values, their score, and the park attributes that chose
    the scheme's variants. ``score`` is ``None`` when the variants could not be chosen
    (``note`` says why)."""

    year: int
    scheme: Scheme
    values: dict[str, Value]
    score: SchemeScore | None
    park_attributes: dict[str, float] = field(default_factory=dict)
    supplementary: dict[str, Value] = field(default_factory=dict)
    note: str = ""

    @property
    def index(self) -> float | None:
        return None if self.score is None else self.score.index


@dataclass(frozen=True)
class Evaluation:
    """A park evaluated against a scheme: ``years`` oldest first, the last being ``year``
    (earlier ones only when the store holds data for them)."""

    park: ParkRef
    scheme: str
    year: int
    years: tuple[YearEvaluation, ...]

    @property
    def current(self) -> YearEvaluation:
        return self.years[-1]

    @property
    def values(self) -> dict[str, Value]:
        return self.current.values

    @property
    def score(self) -> SchemeScore | None:
        return self.current.score

    def of_year(self, year: int) -> YearEvaluation | None:
        for y in self.years:
            if y.year == year:
                return y
        return None


# --- reading the store ----------------------------------------------------------------------


def _park_timezone(conn: Connection, park_id: int) -> str:
    tz = conn.execute(select(Park.timezone).where(Park.id == park_id)).scalar_one_or_none()
    return tz or "Asia/Shanghai"


def _enterprises(conn: Connection, park_id: int, year: int) -> tuple[EnterpriseRecord, ...]:
    ents = conn.execute(
        select(
            Enterprise.id,
            Enterprise.credit_code,
            Enterprise.name,
            Enterprise.industry,
            Enterprise.employees,
        )
        .where(Enterprise.park_id == park_id)
        .order_by(Enterprise.credit_code)
    ).all()
    ids = [e.id for e in ents]
    figures = {
        r.enterprise_id: r
        for r in conn.execute(
            select(
                EnterpriseYear.enterprise_id,
                EnterpriseYear.value_added,
                EnterpriseYear.gross_output,
                EnterpriseYear.employees,
            ).where(EnterpriseYear.enterprise_id.in_(ids), EnterpriseYear.year == year)
        )
    }
    certs: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for r in conn.execute(
        select(
            HighTechCertificate.enterprise_id,
            HighTechCertificate.valid_from,
            HighTechCertificate.valid_to,
        ).where(HighTechCertificate.enterprise_id.in_(ids))
    ):
        certs.setdefault(r.enterprise_id, []).append((r.valid_from, r.valid_to))
    titles: dict[int, list[tuple[str, int]]] = {}
    for r in conn.execute(
        select(Certification.enterprise_id, Certification.kind, Certification.year).where(
            Certification.enterprise_id.in_(ids)
        )
    ):
        titles.setdefault(r.enterprise_id, []).append((r.kind, int(r.year)))
    out = []
    for e in ents:
        f = figures.get(e.id)
        out.append(
            EnterpriseRecord(
                credit_code=e.credit_code,
                name=e.name,
                industry=e.industry,
                employees=e.employees if f is None or f.employees is None else f.employees,
                employees_of_year=f is not None and f.employees is not None,
                value_added=None if f is None else f.value_added,
                gross_output=None if f is None else f.gross_output,
                high_tech=tuple(sorted(certs.get(e.id, []))),
                titles=tuple(sorted(titles.get(e.id, []))),
            )
        )
    return tuple(out)


def _vehicles(conn: Connection, park_id: int) -> tuple[VehicleRecord, ...]:
    rows = conn.execute(
        select(
            Vehicle.code,
            Vehicle.kind,
            Vehicle.energy,
            Vehicle.in_service,
            Vehicle.in_service_from,
            Vehicle.in_service_to,
        )
        .where(Vehicle.park_id == park_id)
        .order_by(Vehicle.code)
    ).all()
    return tuple(
        VehicleRecord(
            r.code, r.kind, r.energy, bool(r.in_service), r.in_service_from, r.in_service_to
        )
        for r in rows
    )


def _stations(conn: Connection, park_id: int, kind: str) -> list[Any]:
    return list(
        conn.execute(
            select(
                Station.id,
                Station.code,
                Station.discharge_standard,
                Enterprise.credit_code,
                Enterprise.name.label("enterprise_name"),
            )
            .outerjoin(Enterprise, Enterprise.id == Station.enterprise_id)
            .where(Station.park_id == park_id, Station.kind == kind)
            .order_by(Station.code)
        ).all()
    )


def _monitoring_stations(conn: Connection, park_id: int) -> list[tuple[MonitoringStation, int]]:
    """The park's surface-water, noise and outlet stations, with their station ids."""
    rows = conn.execute(
        select(
            Station.id,
            Station.code,
            Station.name,
            Station.kind,
            Station.water_body,
            Station.water_target_class,
            Station.noise_zone_class,
            Station.discharge_standard,
            Enterprise.credit_code,
        )
        .outerjoin(Enterprise, Enterprise.id == Station.enterprise_id)
        .where(Station.park_id == park_id, Station.kind.in_(BASIC_REQUIREMENT_PARAMETERS))
        .order_by(Station.code)
    ).all()
    return [
        (
            MonitoringStation(
                code=r.code,
                name=r.name,
                kind=r.kind,
                water_body=r.water_body,
                water_target_class=r.water_target_class,
                noise_zone_class=r.noise_zone_class,
                discharge_standard=r.discharge_standard,
                enterprise=r.credit_code,
            ),
            r.id,
        )
        for r in rows
    ]


def _sewage_plants(conn: Connection, park_id: int) -> list[tuple[SewagePlant, int]]:
    """Outlet stations of enterprises judged by GB 18918-2002, with their station ids."""
    return [
        (SewagePlant(r.credit_code, r.enterprise_name, r.code, r.discharge_standard), r.id)
        for r in _stations(conn, park_id, "wastewater_outlet")
        if r.credit_code is not None and discharge_class(r.discharge_standard) is not None
    ]


def read_entries(
    conn: Connection, park_id: int, year: int, scheme: str | None = None
) -> dict[str, dict[str, ManualEntry]]:
    """The values entered by hand for ``year`` (of ``scheme``): scheme → id → entry."""
    out: dict[str, dict[str, ManualEntry]] = {}
    for r in entries_db.list_entries(conn, park_id, scheme=scheme, year=year):
        out.setdefault(r["scheme"], {})[r["indicator"]] = ManualEntry(
            id=r["indicator"],
            value=float(r["value"]),
            unit=r["unit"],
            evidence=r["evidence"],
            entered_by=r["entered_by"],
            entered_at=r["entered_at"],
            evidence_sha256=r["evidence_sha256"],
            note=r["note"] or "",
        )
    return out


def _year_window(year: int, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    zone = time_zone(timezone)
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def _reclaimed(
    conn: Connection, park: ParkRef, year: int, plants: list[SewagePlant]
) -> dict[str, tuple[float, int]]:
    """Reclaimed water the sewage plants' production water meters delivered in ``year``
    [m³] and the months with data, by plant credit code (plants without such a meter are
    left out)."""
    if not plants:
        return {}
    prod = monthly_production(conn, year, park.code)
    codes = {p.credit_code for p in plants}
    water = prod[(prod["carrier"] == "water") & prod["enterprise"].isin(codes)]
    return {
        str(code): (float(g["quantity"].sum()), int(g["month"].nunique()))
        for code, g in water.groupby("enterprise")
    }


def read_park_data(
    conn: Connection,
    park: ParkRef,
    year: int,
    *,
    book: Book | None = None,
    previous: Book | None = None,
) -> ParkData:
    """Everything the values of ``year`` need, read from the store (nothing is written).

    Measurements are read for the local calendar year (park's zone) and kept when valid
    (:func:`greenpark.environment.view.valid_wide`): ambient air, the sewage plants' outlet
    flow and, for the basic requirements, the surface-water, noise and outlet parameters of
    :data:`BASIC_REQUIREMENT_PARAMETERS`.
    """
    tz = _park_timezone(conn, park.id)
    start, end = _year_window(year, tz)
    air_stations = _stations(conn, park.id, "ambient_air")
    rows = station_measurements(conn, [s.id for s in air_stations], AIR_PARAMETERS, start, end)
    air_hourly = {
        s.code: valid_wide(rows[rows["station_id"] == s.id], AIR_PARAMETERS) for s in air_stations
    }
    plants = _sewage_plants(conn, park.id)
    flow_rows = station_measurements(conn, [i for _, i in plants], [FLOW_PARAMETER], start, end)
    flows = {}
    for plant, sid in plants:
        wide = valid_wide(flow_rows[flow_rows["station_id"] == sid], {FLOW_PARAMETER: "flow"})
        flows[plant.outlet] = wide["flow"] if "flow" in wide else pd.Series(dtype=float)
    monitored = _monitoring_stations(conn, park.id)
    station_hourly: dict[str, pd.DataFrame] = {}
    for kind, names in BASIC_REQUIREMENT_PARAMETERS.items():
        ids = [(st, i) for st, i in monitored if st.kind == kind]
        kind_rows = station_measurements(conn, [i for _, i in ids], names, start, end)
        for st, i in ids:
            station_hourly[st.code] = valid_wide(kind_rows[kind_rows["station_id"] == i], names)
    return ParkData(
        year=year,
        book=book,
        previous=previous,
        enterprises=_enterprises(conn, park.id, year),
        vehicles=_vehicles(conn, park.id),
        plants=tuple(p for p, _ in plants),
        air_hourly=air_hourly,
        outlet_flows=flows,
        timezone=tz,
        entries=read_entries(conn, park.id, year),
        stations=tuple(st for st, _ in monitored),
        station_hourly=station_hourly,
        reclaimed=_reclaimed(conn, park, year, [p for p, _ in plants]),
    )


def _has_data(data: ParkData) -> bool:
    """Whether the store holds data of the year itself (the registry's present state,
    buses and plants, does not count)."""
    return (
        data.book is not None
        or any(e.value_added is not None or e.gross_output is not None for e in data.enterprises)
        or any(not f.empty for f in data.air_hourly.values())
        or any(not s.empty for s in data.outlet_flows.values())
        or any(not f.empty for f in data.station_hourly.values())
    )


# --- evaluating -----------------------------------------------------------------------------


def score_year(
    name: str,
    year: int,
    data: ParkData,
    given: Mapping[str, float],
    *,
    strict: bool,
) -> YearEvaluation | None:
    """Score ``data`` by scheme ``name`` in force in ``year`` (``given``: park attributes
    choosing variants); None when the scheme is not in force that year, unless ``strict``
    (then the InputError is raised)."""
    try:
        scheme = load_scheme(name, year=year)
    except InputError:
        if strict:
            raise
        return None  # no row in force that year
    attrs: dict[str, float] = {}
    if data.book is not None:
        attrs["annual_energy_tce"] = float(data.book.summary.get("tce") or 0.0)
    attrs.update({k: float(v) for k, v in given.items()})
    note = ""
    needed = scheme.park_attributes
    missing = [a for a in needed if a not in attrs]
    if missing:
        note = (
            f"scheme {scheme.name!r} picks its variants by {', '.join(missing)}: "
            + ("the ledger has no energy for the year; " if "annual_energy_tce" in missing else "")
            + "give it as a park attribute"
        )
        if strict:
            raise InputError(f"{year}: {note}")
    elif needed:
        scheme = scheme.for_park(attrs)
    values = scheme_values(scheme, data)
    score = None if missing else score_scheme(scheme, {k: v.value for k, v in values.items()})
    used = {k: v for k, v in attrs.items() if k in needed}
    extra = supplementary_values(scheme.name, data)
    return YearEvaluation(year, scheme, values, score, used, extra, note)


def evaluate(
    store: Store,
    scheme: str,
    year: int,
    *,
    park_code: str | None = None,
    park_attributes: Mapping[str, float] | None = None,
    options: LedgerOptions | None = None,
    previous_years: int = PREVIOUS_YEARS,
) -> Evaluation:
    """Evaluate the park against ``scheme`` in ``year`` (and up to ``previous_years`` before).

    Parameters
    ----------
    store
        The store (read only).
    scheme
        ``miit-green-park``, ``zero-carbon-park``, ... (:func:`load_scheme` names).
    year
        The evaluation year.
    park_code
        The park (default: the only one).
    park_attributes
        Park attributes choosing a scheme's variants, over those computed (``annual_energy_tce``
        from the ledger: the zero-carbon core threshold by park size).
    options
        The ledger's factor choices (calibre, area, coefficients).
    previous_years
        Years before ``year`` evaluated too, each only when the store holds data of it.

    Raises
    ------
    InputError
        Unknown scheme or park, no catalogue row in force in ``year``, or variants that need
        a park attribute neither the data nor ``park_attributes`` give.

    Notes
    -----
    Values entered by hand (:func:`enter_indicators`) fill the indicators no data gives
    (provenance "manual entry by WHO at WHEN, evidence ...", completeness 1); an entry for
    an indicator computed from data is shown beside the computed value (``Value.entry``, a
    note) and not used. A year before ``year`` is shown when it has data or entries.
    """
    from greenpark.ledger.service import load_book

    load_scheme(scheme, year=year)  # an unknown scheme or one not in force: refused at once
    given = dict(park_attributes or {})
    books: dict[int, Book | None] = {}
    with store.read() as conn:
        park = resolve_park(conn, park_code)

        def book_of(y: int) -> Book | None:
            if y not in books:
                try:
                    books[y] = load_book(conn, y, park.code, options)[1]
                except InputError:
                    books[y] = None
            return books[y]

        years: list[YearEvaluation] = []
        for y in range(year - previous_years, year + 1):
            data = read_park_data(conn, park, y, book=book_of(y), previous=book_of(y - 1))
            entered = data.entries.get(scheme_key(scheme))
            if y != year and not _has_data(data) and not entered:
                continue
            result = score_year(scheme, y, data, given, strict=y == year)
            if result is not None:
                years.append(result)
    return Evaluation(park, years[-1].scheme.name, year, tuple(years))


@dataclass(frozen=True)
class DataCentreEvaluation:
    """Each data centre of the park checked against the green data-centre criteria in
    ``year``: ``metrics`` (months and the year, :func:`~greenpark.evaluation.datacentre.
    monthly_metrics`) and one ``checks`` item per data centre (``check``), in credit-code
    order."""

    park: ParkRef
    year: int
    scheme: Scheme
    metrics: DataCentreMetrics
    checks: tuple[DataCentreCheck, ...]

    def months(self, enterprise: str) -> pd.DataFrame:
        """The monthly rows of one data centre (credit code)."""
        m = self.metrics.months
        return m[m["enterprise"] == enterprise].reset_index(drop=True)

    def year_row(self, enterprise: str) -> dict[str, Any]:
        """The annual row of one data centre (credit code)."""
        y = self.metrics.years
        return dict(y[y["enterprise"] == enterprise].iloc[0])


def evaluate_datacentres(
    store: Store, year: int, *, park_code: str | None = None
) -> DataCentreEvaluation:
    """The green data-centre criteria, judged for each data centre of the park (the scheme
    judges one data centre, not the park): monthly and annual PUE, WUE, CLF and renewable
    share from the meters (:func:`~greenpark.evaluation.datacentre.datacentre_months`,
    default ``fill="scale"``, then ``monthly_metrics``), scored by
    :func:`~greenpark.evaluation.datacentre.check`. The criteria no meter gives (GB/T 44989
    grade, servers, racks, rack utilisation, years of operation, hub node, and the
    renewable margin, which needs the provincial weight) are left without a value.

    Raises
    ------
    InputError
        Unknown park, or no green data-centre catalogue row in force in ``year``.
    """
    scheme = load_scheme(DATACENTRE_SCHEME, year=year)
    with store.read() as conn:
        park = resolve_park(conn, park_code)
        frame = datacentre_months(conn, year, park.code)
    metrics = monthly_metrics(frame)
    checks = check(metrics, scheme) if len(metrics.years) else ()
    return DataCentreEvaluation(park, year, scheme, metrics, checks)


# --- values entered by hand -------------------------------------------------------------


@dataclass(frozen=True)
class EntriesWritten:
    """What :func:`enter_indicators` wrote; ``computed`` lists the entries (``scheme year
    id``) of indicators computed from data: stored and shown, but not used."""

    entries: int
    new: int
    replaced: int
    computed: tuple[str, ...] = ()


#: Fields of each entry written that the audit event keeps.
_AUDITED: Final[tuple[str, ...]] = (
    "scheme",
    "indicator",
    "year",
    "value",
    "unit",
    "evidence",
    "evidence_sha256",
)


def _jsonable(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.datetime | dt.date) else v


def enter_indicators(
    store: Store,
    rows: list[Mapping[str, Any]],
    *,
    park_code: str | None,
    who: str | None,
    source: str = "entries",
    first_row: int = 2,
    ip: str | None = None,
    via: str | None = None,
    files: Iterable[tuple[str, bytes, str | None]] = (),
) -> EntriesWritten:
    """Check and store indicator values entered by hand, all or nothing, audited
    (``evaluation.entry``: who, when, how (``via``: session, token, command line), and the
    old values of the entries replaced).

    ``rows`` have the fields of :data:`greenpark.evaluation.entries.ENTRY_FIELDS`;
    ``first_row`` is the row number of ``rows[0]`` in the errors (2 under a CSV header).
    An entry for the same park, scheme, indicator and year replaces the stored one.
    ``files`` are evidence files ``(filename, bytes, content type or None)`` stored in the
    same transaction (:func:`greenpark.store.evaluation.put_evidence`; the same bytes once).

    Raises
    ------
    RowsError
        Every bad field, named by row and column; nothing is written.
    InputError
        No such park; an evidence file too large (nothing is written).
    """
    with store.read() as conn:
        park = resolve_park(conn, park_code)
    checked = check_entries(list(rows), source=source, first_row=first_row)
    if checked.errors:
        raise RowsError(sorted(checked.errors, key=lambda e: e.row))
    now = dt.datetime.now(dt.UTC)
    with store.write() as conn:
        stored = [
            entries_db.put_evidence(conn, park.id, name, data, kind, who, now=now)
            for name, data, kind in files
        ]
        new, replaced = entries_db.upsert_entries(conn, park.id, checked.good, who=who, now=now)
        audit(
            conn,
            "evaluation.entry",
            actor=who,
            target=f"{len(checked.good)} indicator value(s)",
            detail={
                "park": park.code,
                "via": via,
                "new": new,
                "entries": [{k: e[k] for k in _AUDITED} for e in checked.good],
                **({"files": stored} if stored else {}),
                "replaced": [
                    {k: _jsonable(v) for k, v in r.items() if k != "park_id"} for r in replaced
                ],
            },
            ip=ip,
            now=now,
        )
    computed = tuple(
        f"{e['scheme']} {e['year']} {e['indicator']}" for e in checked.good if e["computed"]
    )
    return EntriesWritten(len(checked.good), new, len(replaced), computed)


# --- the workbook -----------------------------------------------------------------------------


def mandatory_text(passed: bool | None, mandatory: bool) -> str:
    """``pass``, ``fail`` or ``undecided`` for a mandatory item, ``-`` for another."""
    if not mandatory:
        return "-"
    return {True: "pass", False: "fail", None: "undecided"}[passed]


def _moved_by(v: Value) -> str:
    if v.entered:
        return "manual entry (enter it again with new evidence)"
    if v.inputs:
        return ", ".join(v.inputs)
    return "manual entry" if v.is_manual else ""


def _round(x: float | None, digits: int = 6) -> float | None:
    return None if x is None else round(float(x), digits)


#: Columns of the catchment table of the ``sponge city`` sheet.
SPONGE_COLUMNS: Final[tuple[str, ...]] = (
    "code",
    "name",
    "area [m²]",
    "runoff coefficient [-]",
    "capture volume [m³]",
    "design depth [mm]",
    "runoff [m³]",
    "captured [m³]",
    "ratio [%]",
    "facilities counted",
)


def _sponge_sheet(ws: Worksheet, sponge: SpongeYear) -> None:
    """Fill the ``sponge city`` sheet: the park's capture ratio [%], weighting, rainfall [mm]
    and completeness, one row per catchment, then the notes; one line when there is no
    catchment or no rainfall in the year (:func:`~greenpark.evaluation.sponge_service.
    empty_text`)."""
    from openpyxl.styles import Font

    from greenpark.evaluation.sponge_service import (
        SHOWN_MISSING,
        catchment_lines,
        empty_text,
        report_notes,
        weighting_text,
    )

    bold = Font(bold=True)
    empty = empty_text(sponge)
    if empty is not None:
        ws.append([empty])
        return
    result = sponge.result
    head: list[tuple[str, Any]] = [
        ("sponge city 海绵城市", f"{sponge.year}, park {sponge.park.code}: annual runoff "
                                 "volume capture ratio (GB/T 51345-2018 style)"),
        ("capture ratio [%]", _round(sponge.percent, 4)),
        ("weighting", weighting_text(sponge.weighting)),
        ("captured [m³]", _round(None if result is None else result.captured_m3, 3)),
        ("runoff [m³]", _round(None if result is None else result.runoff_m3, 3)),
        ("rainfall [mm]", _round(sponge.rainfall_mm, 3)),
        ("minimum rain counted [mm]", sponge.min_rain_mm),
        ("days counted", sponge.counted_days),
        ("days in year", sponge.days_in_year),
        ("days with rainfall", sponge.days_present),
        ("days missing", len(sponge.missing_days)),
        ("completeness [%]", _round(100 * sponge.completeness, 4)),
        ("first missing days", ", ".join(d.isoformat()
                                         for d in sponge.missing_days[:SHOWN_MISSING])),
    ]  # fmt: skip
    for k, v in head:
        ws.append([k, v])
        ws.cell(ws.max_row, 1).font = bold
    ws.append([])
    ws.append(list(SPONGE_COLUMNS))
    for c in ws[ws.max_row]:
        c.font = bold
    for c in catchment_lines(sponge):
        ws.append(
            [
                c.code,
                c.name,
                c.area_m2,
                c.runoff_coefficient,
                _round(c.capture_volume_m3, 3),
                _round(c.design_depth_mm, 3),
                _round(c.runoff_m3, 3),
                _round(c.captured_m3, 3),
                _round(c.percent, 4),
                ", ".join(c.facilities),
            ]
        )
    ws.append([])
    ws.append(["notes"])
    ws.cell(ws.max_row, 1).font = bold
    for note in report_notes(sponge):
        ws.append([note])


def write_xlsx(
    evaluation: Evaluation, path: Path | str, *, sponge: SpongeYear | None = None
) -> Path:
    """Write the self-evaluation workbook.

    Parameters
    ----------
    evaluation
        What :func:`evaluate` returned.
    path
        The .xlsx file written (replaced if it exists; parent folders are made).
    sponge
        The park's sponge-city year
        (:func:`greenpark.evaluation.sponge_service.sponge_year`), for the sheet
        ``sponge city``; None: no such sheet.

    Returns
    -------
    Path
        The file written: sheets ``overview`` (park, scheme, index, completeness, mandatory
        items), ``indicators`` (values, sources, completeness, formula), ``scores`` (the
        years side by side), ``gaps`` (distance to the leading values) and, with
        ``sponge``, ``sponge city`` (the capture ratio [%], rainfall [mm] and its
        completeness, the catchments, the notes).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    out = Path(path)
    cur = evaluation.current
    scheme = cur.scheme
    score = cur.score
    settings = scheme.settings
    wb = Workbook()
    bold = Font(bold=True)

    ov = wb.active
    ov.title = "overview"
    overview: list[tuple[str, Any]] = [
        ("park", evaluation.park.name),
        ("park code", evaluation.park.code),
        ("scheme", f"{settings.title_en or scheme.name} ({scheme.name})"),
        ("scheme title", settings.title_zh),
        ("catalogue", f"{scheme.source_file}, version {scheme.version}"),
        ("evaluation year", evaluation.year),
        (settings.index_name, _round(cur.index, 4)),
        ("completeness", _round(None if score is None else score.completeness, 4)),
        ("mandatory failed", ", ".join(score.mandatory_failed) if score else ""),
        ("mandatory undecided", ", ".join(score.mandatory_undecided) if score else ""),
        ("passed", "" if score is None or score.passed is None else str(score.passed)),
        ("park attributes", ", ".join(f"{k} = {v:g}" for k, v in cur.park_attributes.items())),
        ("years", ", ".join(str(y.year) for y in evaluation.years)),
        ("scoring", f"method {settings.method}, aggregation {settings.aggregation}, "
                    f"cap {settings.cap:g}, scale {settings.scale:g}"),
        ("note", cur.note),
        ("generated", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]  # fmt: skip
    for k, v in overview:
        ov.append([k, v])
        ov.cell(ov.max_row, 1).font = bold
    for sid, v in cur.supplementary.items():
        ov.append([f"{sid} [{v.unit}] (not scored)", _round(v.value), v.provenance()])

    ws = wb.create_sheet("indicators")
    head = ["id", "group", "name_zh", "name_en", "unit", "value", "leading", "base",
            "direction", "mandatory", "weight", "score", "status", "mandatory result",
            "completeness", "kind", "computation", "inputs and sources", "catalogue formula",
            "note", "confidence", "source", "manual entry"]  # fmt: skip
    ws.append(head)
    for c in ws[1]:
        c.font = bold
    for ind in scheme.indicators:
        v = cur.values[ind.id]
        s = score.indicator(ind.id) if score else None
        ws.append(
            [
                ind.id,
                ind.group,
                ind.name_zh,
                ind.name_en,
                ind.unit,
                _round(v.value),
                ind.leading,
                ind.base,
                ind.direction,
                "yes" if ind.mandatory else "no",
                ind.weight,
                _round(None if s is None else s.score, 4),
                "" if s is None else s.status,
                mandatory_text(None if s is None else s.passed, ind.mandatory),
                _round(v.completeness, 4),
                v.kind,
                v.formula,
                v.provenance(),
                ind.formula,
                v.note,
                ind.confidence,
                ind.source,
                "" if v.entry is None else v.entry.describe(),
            ]
        )

    sc = wb.create_sheet("scores")
    head = ["id", "name", "unit", "leading"]
    for y in evaluation.years:
        head += [f"{y.year} value", f"{y.year} score", f"{y.year} mandatory"]
    sc.append(head)
    for c in sc[1]:
        c.font = bold
    for ind in scheme.indicators:
        row: list[Any] = [ind.id, ind.name_en or ind.name_zh, ind.unit, ind.leading]
        for y in evaluation.years:
            v = y.values.get(ind.id)
            s = None
            if y.score is not None and ind.id in y.score.scheme.ids:
                s = y.score.indicator(ind.id)
            row += [
                _round(None if v is None else v.value),
                _round(None if s is None else s.score, 4),
                mandatory_text(None if s is None else s.passed, ind.mandatory),
            ]
        sc.append(row)
    for label, get in (
        (settings.index_name, lambda y: _round(y.index, 4)),
        ("completeness", lambda y: _round(y.score.completeness if y.score else None, 4)),
        ("mandatory failed", lambda y: ", ".join(y.score.mandatory_failed) if y.score else ""),
    ):
        row = [label, "", "", ""]
        for y in evaluation.years:
            row += ["", get(y), ""]
        sc.append(row)
        sc.cell(sc.max_row, 1).font = bold

    gp = wb.create_sheet("gaps")
    gp.append(["id", "name", "unit", "direction", "value", "leading", "gap", "reached",
               "mandatory", "moved by", "note"])  # fmt: skip
    for c in gp[1]:
        c.font = bold
    for ind in scheme.indicators:
        v = cur.values[ind.id]
        s = score.indicator(ind.id) if score else None
        gp.append(
            [
                ind.id,
                ind.name_en or ind.name_zh,
                ind.unit,
                ind.direction,
                _round(v.value),
                ind.leading,
                _round(None if s is None else s.gap),
                "" if s is None or s.reached is None else ("yes" if s.reached else "no"),
                "yes" if ind.mandatory else "no",
                _moved_by(v),
                v.note,
            ]
        )
    if sponge is not None:
        _sponge_sheet(wb.create_sheet("sponge city"), sponge)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def _cell(x: Any) -> Any:
    """A table value as a workbook cell (NaN and None blank, numpy scalars plain)."""
    if x is None or (isinstance(x, float | np.floating) and np.isnan(x)):
        return None
    return x.item() if isinstance(x, np.generic) else x


def write_datacentres_xlsx(result: DataCentreEvaluation, path: Path | str) -> Path:
    """Write the green data-centre workbook: sheets ``datacentres`` (one row per data
    centre: annual PUE, WUE, CLF, renewable share, GB 40879 grade, verdict, notes),
    ``criteria`` (one row per data centre and criterion: value, leading, mandatory result,
    ``manual entry needed`` when no meter gives it) and ``months`` (the monthly figures)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    out = Path(path)
    wb = Workbook()
    bold = Font(bold=True)
    dcs = wb.active
    dcs.title = "datacentres"
    head = ["credit code", "enterprise", "year", "months", "total kWh", "IT kWh", "PUE",
            "PUE monthly mean", "WUE L/kWh", "CLF", "renewable share %", "GB 40879 grade",
            "passed", "mandatory failed", "mandatory undecided", "notes"]  # fmt: skip
    dcs.append(head)
    crit = wb.create_sheet("criteria")
    crit.append(["credit code", "enterprise", "id", "name", "value", "unit", "leading",
                 "mandatory result", "note"])  # fmt: skip
    for c in result.checks:
        y = result.year_row(c.enterprise)
        score = c.score
        notes = [*c.notes, *([str(y["problem"])] if y.get("problem") else [])]
        dcs.append(
            [
                c.enterprise,
                c.enterprise_name,
                c.year,
                _cell(y.get("months")),
                _round(_cell(y.get("total_kwh")), 3),
                _round(_cell(y.get("it_kwh")), 3),
                _round(c.pue, 4),
                _round(_cell(y.get("pue_monthly_mean")), 4),
                _round(_cell(y.get("wue_l_per_kwh")), 4),
                _round(_cell(y.get("clf")), 4),
                _round(_cell(y.get("renewable_share_pct")), 4),
                c.grade,
                "" if c.passed is None else str(c.passed),
                ", ".join(score.mandatory_failed),
                ", ".join(score.mandatory_undecided),
                "; ".join(notes),
            ]
        )
        for s in score.indicators:
            ind = s.indicator
            crit.append(
                [
                    c.enterprise,
                    c.enterprise_name,
                    ind.id,
                    ind.name_en or ind.name_zh,
                    _round(s.value),
                    ind.unit,
                    "pass" if ind.is_pass else ind.leading,
                    mandatory_text(s.passed, ind.mandatory),
                    "manual entry needed" if s.value is None else "",
                ]
            )
    mo = wb.create_sheet("months")
    months = result.metrics.months
    mo.append(list(months.columns))
    for row in months.itertuples(index=False):
        mo.append([_cell(x) for x in row])
    for ws in (dcs, crit, mo):
        for cell in ws[1]:
            cell.font = bold
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
