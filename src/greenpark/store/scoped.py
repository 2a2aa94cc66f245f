"""Enterprise data filtered by the caller's scope: the SQL behind the enterprise, station and
meter pages and their JSON twins.

Every function takes ``scope`` (keyword, no default, so a caller cannot forget it): ``None``
for the whole park, otherwise the ids of the enterprises the caller may see
(:attr:`greenpark.auth.Principal.enterprise_ids`). The filter is part of each SQL
statement (``greenpark.store._scope``); nothing outside the scope is read and then dropped.

An object outside the scope is *not found*: the lookup functions return ``None`` exactly as
for a key that does not exist, so a caller cannot tell the two apart (the web layer answers
the same 404 for both). List filters (industry, station kind) narrow the scope, never widen
it. Like the overview, everything is limited to the park the app shows, the store's first
(``greenpark.store._scope.shown_park_id``).

Visibility rules (see ``greenpark.store._scope``):

- enterprises, their yearly figures, certificates and meters: when the enterprise is in
  scope; park-level meters (no enterprise): whole-park callers only;
- stations: park-level stations (no enterprise: ambient air, surface water, noise) for
  every reader, enterprise-owned stations (outlets) when the enterprise is in scope;
- a meter's parent is named only when the parent is visible too, and a virtual meter's
  formula only when every meter it names is visible.

Times are returned timezone-aware in the park's zone; quantities in the meter's unit;
money in [10⁴ yuan].
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, Row, Select, and_, func, select
from sqlalchemy.orm import aliased

from greenpark.errors import InputError
from greenpark.store._scope import (
    Scope,
    enterprise_in_scope,
    owned_or_park_level,
    shown_park_id,
)
from greenpark.store.overview import (
    LATEST_STATION_VALUES,
    EnterpriseRef,
    LatestValue,
    month_window,
    time_zone,
)
from greenpark.store.schema import (
    CERTIFICATION_KINDS,
    INDUSTRIES,
    STATION_KINDS,
    Certification,
    Enterprise,
    EnterpriseYear,
    HighTechCertificate,
    Measurement,
    Meter,
    MeterMonth,
    MeterReading,
    Station,
)
from greenpark.units import ABOVE_DESIGNATED_SIZE_REVENUE

#: The longest time range one readings query may cover.
MAX_READINGS_RANGE: Final[dt.timedelta] = dt.timedelta(days=366)

#: Default readings window of a meter: this many days up to its newest reading [d].
METER_DAYS: Final[int] = 7

#: Window of a station's recent values: this many hours up to its newest value [h].
STATION_HOURS: Final[int] = 48

_COEFFICIENT = re.compile(r"^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\*")


# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseSummary:
    """One row of the enterprise list.

    ``above_designated_size`` is judged on the revenue of ``figures_year``, the enterprise's
    latest year with figures (``None`` when it has none, or no revenue that year);
    ``certifications`` are the kinds of green certification it was ever granted.
    """

    credit_code: str
    name: str
    industry: str
    figures_year: int | None
    above_designated_size: bool | None
    certifications: tuple[str, ...]


@dataclass(frozen=True)
class YearFigures:
    """An enterprise's figures of one year [10⁴ yuan]."""

    year: int
    revenue: float | None
    gross_output: float | None
    value_added: float | None

    @property
    def above_designated_size(self) -> bool | None:
        """Revenue >= :data:`greenpark.units.ABOVE_DESIGNATED_SIZE_REVENUE` (None: no revenue)."""
        return None if self.revenue is None else self.revenue >= ABOVE_DESIGNATED_SIZE_REVENUE


@dataclass(frozen=True)
class CertificationRecord:
    """A green certification of ``kind`` granted in ``year``."""

    kind: str
    year: int


@dataclass(frozen=True)
class HighTechRecord:
    """A high-tech enterprise certificate, valid from/to (inclusive dates)."""

    number: str | None
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class MeterTotal:
    """A meter of an enterprise with its total over the enterprise's 12-month window.

    ``total`` [``unit``] sums the meter's monthly totals in the window (``None`` when it has
    none there); ``months_with_data`` counts those months.
    """

    code: str
    name: str
    carrier: str
    unit: str
    direction: str
    parent: str | None
    virtual: bool
    total: float | None
    months_with_data: int


@dataclass(frozen=True)
class EnterpriseDetail:
    """One enterprise: registry data, yearly figures, certificates and meters.

    ``energy_months`` is the window of the meters' totals: the 12 park-local calendar months
    ending with the newest month any of the enterprise's meters has (empty without data).
    """

    credit_code: str
    name: str
    industry: str
    employees: int | None
    years: tuple[YearFigures, ...]
    certifications: tuple[CertificationRecord, ...]
    high_tech_certificates: tuple[HighTechRecord, ...]
    energy_months: tuple[str, ...]
    meters: tuple[MeterTotal, ...]


@dataclass(frozen=True)
class StationInfo:
    """A monitoring station; ``enterprise`` is its owner, ``None`` for a park-level station."""

    code: str
    name: str
    kind: str
    mn: str
    enterprise: EnterpriseRef | None
    latitude: float | None  # [°]
    longitude: float | None  # [°]
    noise_zone_class: str | None
    water_body: str | None
    water_target_class: str | None
    discharge_standard: str | None


@dataclass(frozen=True)
class ParameterSeries:
    """One station parameter's values in a window, oldest first (times in the park's zone)."""

    parameter: str
    times: tuple[dt.datetime, ...]
    values: tuple[float | None, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class StationDetail:
    """A station, its newest value per parameter and every value of the window
    ``(window_start, window_end]`` (``None`` while the station has no data)."""

    station: StationInfo
    latest: tuple[LatestValue, ...]
    window_start: dt.datetime | None
    window_end: dt.datetime | None
    series: tuple[ParameterSeries, ...]


@dataclass(frozen=True)
class MeterInfo:
    """A meter; ``first_start`` / ``last_end`` bound its readings (``None`` without any)."""

    code: str
    name: str
    carrier: str
    unit: str
    direction: str
    interval_s: int  # [s]
    enterprise: EnterpriseRef | None
    parent: str | None
    virtual: bool
    formula: str | None
    first_start: dt.datetime | None
    last_end: dt.datetime | None


@dataclass(frozen=True)
class Reading:
    """The quantity [meter unit] a meter recorded over ``[start, end)``."""

    start: dt.datetime
    end: dt.datetime
    quantity: float | None
    quality: str


@dataclass(frozen=True)
class MeterReadings:
    """A meter and its readings starting in ``[start, end)`` (``None`` when no range was
    asked for and the meter has no readings)."""

    meter: MeterInfo
    start: dt.datetime | None
    end: dt.datetime | None
    readings: tuple[Reading, ...]

    @property
    def total(self) -> float:
        """Sum of the quantities [meter unit] (readings without a quantity count as nothing)."""
        return float(sum(r.quantity for r in self.readings if r.quantity is not None))


# --- enterprises ------------------------------------------------------------------------


def _check_choice(what: str, value: str | None, valid: tuple[str, ...]) -> None:
    if value is not None and value not in valid:
        raise InputError(f"unknown {what} {value!r}; must be one of {list(valid)}")


def list_enterprises(
    conn: Connection, *, scope: Scope, industry: str | None = None
) -> tuple[EnterpriseSummary, ...]:
    """The enterprises of the shown park that ``scope`` may see, by name.

    Parameters
    ----------
    conn
        A connection to the store (``Store.read()``).
    scope
        ``None`` (whole park) or the ids of the enterprises the caller may see.
    industry
        Only enterprises of this industry (a code of
        :data:`greenpark.store.schema.INDUSTRIES`), within the scope.

    Returns
    -------
    tuple of EnterpriseSummary
        Credit code, name, industry, size class (revenue >= 2,000 [10⁴ yuan] in the latest
        year with figures) and green certifications; empty when none is visible.

    Raises
    ------
    InputError
        If ``industry`` is not a known industry code (the message lists them).
    """
    _check_choice("industry", industry, INDUSTRIES)
    park_id = shown_park_id(conn)
    if park_id is None:
        return ()
    visible = and_(Enterprise.park_id == park_id, enterprise_in_scope(Enterprise.id, scope))
    if industry is not None:
        visible = and_(visible, Enterprise.industry == industry)
    rows = conn.execute(
        select(Enterprise.id, Enterprise.credit_code, Enterprise.name, Enterprise.industry)
        .where(visible)
        .order_by(Enterprise.name, Enterprise.credit_code)
    ).all()
    latest: dict[int, tuple[int, float | None]] = {}
    for enterprise_id, year, revenue in conn.execute(
        select(EnterpriseYear.enterprise_id, EnterpriseYear.year, EnterpriseYear.revenue)
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(visible)
        .order_by(EnterpriseYear.enterprise_id, EnterpriseYear.year)
    ):
        latest[enterprise_id] = (year, revenue)
    order = {kind: i for i, kind in enumerate(CERTIFICATION_KINDS)}
    kinds: dict[int, set[str]] = {}
    for enterprise_id, kind in conn.execute(
        select(Certification.enterprise_id, Certification.kind)
        .join(Enterprise, Enterprise.id == Certification.enterprise_id)
        .where(visible)
        .distinct()
    ):
        kinds.setdefault(enterprise_id, set()).add(kind)
    out = []
    for row in rows:
        year, revenue = latest.get(row.id, (None, None))
        out.append(
            EnterpriseSummary(
                credit_code=row.credit_code,
                name=row.name,
                industry=row.industry,
                figures_year=year,
                above_designated_size=None
                if revenue is None
                else revenue >= ABOVE_DESIGNATED_SIZE_REVENUE,
                certifications=tuple(
                    sorted(kinds.get(row.id, ()), key=lambda k: (order.get(k, len(order)), k))
                ),
            )
        )
    return tuple(out)


def enterprise_detail(
    conn: Connection, credit_code: str, *, scope: Scope
) -> EnterpriseDetail | None:
    """One enterprise of the shown park, or ``None`` if it does not exist or is out of scope.

    Parameters
    ----------
    conn
        A connection to the store (``Store.read()``).
    credit_code
        Unified social credit code (GB 32100-2015); compared in upper case.
    scope
        ``None`` (whole park) or the ids of the enterprises the caller may see.

    Returns
    -------
    EnterpriseDetail or None
        Yearly figures [10⁴ yuan], certifications, high-tech certificates and each meter
        with its total [meter unit] over the 12 park-local months ending with the
        enterprise's newest month of data (from the monthly table, not the readings).
    """
    park_id = shown_park_id(conn)
    if park_id is None:
        return None
    found = conn.execute(
        select(
            Enterprise.id,
            Enterprise.credit_code,
            Enterprise.name,
            Enterprise.industry,
            Enterprise.employees,
        ).where(
            Enterprise.park_id == park_id,
            Enterprise.credit_code == credit_code.strip().upper(),
            enterprise_in_scope(Enterprise.id, scope),
        )
    ).first()
    if found is None:
        return None
    eid = found.id
    years = tuple(
        YearFigures(r.year, r.revenue, r.gross_output, r.value_added)
        for r in conn.execute(
            select(
                EnterpriseYear.year,
                EnterpriseYear.revenue,
                EnterpriseYear.gross_output,
                EnterpriseYear.value_added,
            )
            .where(EnterpriseYear.enterprise_id == eid)
            .order_by(EnterpriseYear.year)
        )
    )
    certifications = tuple(
        CertificationRecord(kind, year)
        for kind, year in conn.execute(
            select(Certification.kind, Certification.year)
            .where(Certification.enterprise_id == eid)
            .order_by(Certification.year, Certification.kind)
        )
    )
    high_tech = tuple(
        HighTechRecord(number, valid_from, valid_to)
        for number, valid_from, valid_to in conn.execute(
            select(
                HighTechCertificate.number,
                HighTechCertificate.valid_from,
                HighTechCertificate.valid_to,
            )
            .where(HighTechCertificate.enterprise_id == eid)
            .order_by(HighTechCertificate.valid_from)
        )
    )
    months, meters = _enterprise_meters(conn, eid, scope)
    return EnterpriseDetail(
        credit_code=found.credit_code,
        name=found.name,
        industry=found.industry,
        employees=found.employees,
        years=years,
        certifications=certifications,
        high_tech_certificates=high_tech,
        energy_months=months,
        meters=meters,
    )


def _enterprise_meters(
    conn: Connection, enterprise_id: int, scope: Scope
) -> tuple[tuple[str, ...], tuple[MeterTotal, ...]]:
    parent = aliased(Meter)
    rows = conn.execute(
        select(
            Meter.id,
            Meter.code,
            Meter.name,
            Meter.carrier,
            Meter.unit,
            Meter.direction,
            Meter.formula,
            parent.code.label("parent_code"),
        )
        .outerjoin(
            parent,
            and_(parent.id == Meter.parent_id, enterprise_in_scope(parent.enterprise_id, scope)),
        )
        .where(Meter.enterprise_id == enterprise_id)
        .order_by(Meter.code)
    ).all()
    own = select(Meter.id).where(Meter.enterprise_id == enterprise_id).scalar_subquery()
    newest = conn.execute(
        select(func.max(MeterMonth.month)).where(MeterMonth.meter_id.in_(own))
    ).scalar_one()
    months = month_window(newest) if newest is not None else ()
    totals: dict[int, tuple[float, int]] = {}
    if months:
        for meter_id, total, n in conn.execute(
            select(MeterMonth.meter_id, func.sum(MeterMonth.quantity), func.count())
            .where(
                MeterMonth.meter_id.in_(own),
                MeterMonth.month >= months[0],
                MeterMonth.month <= months[-1],
            )
            .group_by(MeterMonth.meter_id)
        ):
            totals[meter_id] = (float(total), int(n))
    meters = tuple(
        MeterTotal(
            code=r.code,
            name=r.name,
            carrier=r.carrier,
            unit=r.unit,
            direction=r.direction,
            parent=r.parent_code,
            virtual=bool(r.formula),
            total=totals[r.id][0] if r.id in totals else None,
            months_with_data=totals[r.id][1] if r.id in totals else 0,
        )
        for r in rows
    )
    return months, meters


# --- stations ---------------------------------------------------------------------------


def _station_query(park_id: int, scope: Scope) -> Select[Any]:
    return (
        select(
            Station.id,
            Station.code,
            Station.name,
            Station.kind,
            Station.mn,
            Station.latitude,
            Station.longitude,
            Station.noise_zone_class,
            Station.water_body,
            Station.water_target_class,
            Station.discharge_standard,
            Enterprise.credit_code,
            Enterprise.name.label("enterprise_name"),
        )
        .outerjoin(Enterprise, Enterprise.id == Station.enterprise_id)
        .where(Station.park_id == park_id, owned_or_park_level(Station.enterprise_id, scope))
    )


def _station_info(row: Row[Any]) -> StationInfo:
    return StationInfo(
        code=row.code,
        name=row.name,
        kind=row.kind,
        mn=row.mn,
        enterprise=None
        if row.credit_code is None
        else EnterpriseRef(row.credit_code, row.enterprise_name),
        latitude=row.latitude,
        longitude=row.longitude,
        noise_zone_class=row.noise_zone_class,
        water_body=row.water_body,
        water_target_class=row.water_target_class,
        discharge_standard=row.discharge_standard,
    )


def list_stations(
    conn: Connection, *, scope: Scope, kind: str | None = None
) -> tuple[StationInfo, ...]:
    """The monitoring stations of the shown park that ``scope`` may see, by code.

    Parameters
    ----------
    conn
        A connection to the store (``Store.read()``).
    scope
        ``None`` (whole park) or the ids of the enterprises the caller may see; park-level
        stations are visible to every scope.
    kind
        Only stations of this kind (a code of :data:`greenpark.store.schema.STATION_KINDS`),
        within the scope.

    Returns
    -------
    tuple of StationInfo
        Park-level stations and the scope's own (enterprise outlets); empty without a park.

    Raises
    ------
    InputError
        If ``kind`` is not a known station kind (the message lists them).
    """
    _check_choice("station kind", kind, STATION_KINDS)
    park_id = shown_park_id(conn)
    if park_id is None:
        return ()
    query = _station_query(park_id, scope)
    if kind is not None:
        query = query.where(Station.kind == kind)
    return tuple(_station_info(r) for r in conn.execute(query.order_by(Station.code)))


def station_detail(
    conn: Connection,
    code: str,
    *,
    scope: Scope,
    timezone: str,
    hours: int = STATION_HOURS,
) -> StationDetail | None:
    """One station with its newest values and the last ``hours`` of values, or ``None`` if
    it does not exist or is out of scope.

    Parameters
    ----------
    conn
        A connection to the store (``Store.read()``).
    code
        The station's code.
    scope
        ``None`` (whole park) or the ids of the enterprises the caller may see.
    timezone
        IANA zone of the times returned (``Settings.park_timezone``).
    hours
        Length of the window [h]; it ends with the station's newest value (not the clock),
        so a station that stopped reporting still shows its last days.

    Returns
    -------
    StationDetail or None
        Values in each parameter's internal unit (``parameters.csv``).

    Raises
    ------
    InputError
        If ``timezone`` is unknown or ``hours`` is not positive.
    """
    zone = time_zone(timezone)
    if hours <= 0:
        raise InputError(f"hours must be positive, got {hours}")
    park_id = shown_park_id(conn)
    if park_id is None:
        return None
    row = conn.execute(_station_query(park_id, scope).where(Station.code == code)).first()
    if row is None:
        return None
    latest = [
        LatestValue(r.parameter, r.time.astimezone(zone), r.value, r.flag)
        for r in conn.execute(LATEST_STATION_VALUES, {"station_id": row.id})
    ]
    if not latest:
        return StationDetail(_station_info(row), (), None, None, ())
    end = max(v.time for v in latest).astimezone(dt.UTC)
    start = end - dt.timedelta(hours=hours)
    by_parameter: dict[str, list[tuple[dt.datetime, float | None, str]]] = {}
    for parameter, time, value, flag in conn.execute(
        select(Measurement.parameter, Measurement.time, Measurement.value, Measurement.flag)
        .where(
            Measurement.station_id == row.id,
            Measurement.time > start,
            Measurement.time <= end,
        )
        .order_by(Measurement.parameter, Measurement.time)
    ):
        by_parameter.setdefault(parameter, []).append((time.astimezone(zone), value, flag))
    series = tuple(
        ParameterSeries(
            parameter=p,
            times=tuple(t for t, _, _ in points),
            values=tuple(v for _, v, _ in points),
            flags=tuple(f for _, _, f in points),
        )
        for p, points in by_parameter.items()
    )
    return StationDetail(
        station=_station_info(row),
        latest=tuple(latest),
        window_start=start.astimezone(zone),
        window_end=end.astimezone(zone),
        series=series,
    )


# --- meters -----------------------------------------------------------------------------


def _formula_codes(formula: str) -> set[str]:
    """The meter codes a formula names (see ``greenpark.registry.formula`` for the grammar)."""
    return {_COEFFICIENT.sub("", t) for t in formula.split() if t not in ("+", "-")}


def meter_info(
    conn: Connection, code: str, *, scope: Scope, timezone: str
) -> tuple[int, MeterInfo] | None:
    """A meter's id and description, or ``None`` if it does not exist or is out of scope.

    Parameters
    ----------
    conn
        A connection to the store (``Store.read()``).
    code
        The meter's code.
    scope
        ``None`` (whole park) or the ids of the enterprises the caller may see; a
        park-level meter (no enterprise) is visible to the whole park only.
    timezone
        IANA zone of the times returned.

    Returns
    -------
    tuple of (int, MeterInfo) or None
        The id (for further queries) and the meter, its readings' first start and last end.
    """
    zone = time_zone(timezone)
    park_id = shown_park_id(conn)
    if park_id is None:
        return None
    parent = aliased(Meter)
    row = conn.execute(
        select(
            Meter.id,
            Meter.code,
            Meter.name,
            Meter.carrier,
            Meter.unit,
            Meter.direction,
            Meter.interval_s,
            Meter.formula,
            parent.code.label("parent_code"),
            Enterprise.credit_code,
            Enterprise.name.label("enterprise_name"),
        )
        .outerjoin(Enterprise, Enterprise.id == Meter.enterprise_id)
        .outerjoin(
            parent,
            and_(parent.id == Meter.parent_id, enterprise_in_scope(parent.enterprise_id, scope)),
        )
        .where(
            Meter.park_id == park_id,
            Meter.code == code,
            enterprise_in_scope(Meter.enterprise_id, scope),
        )
    ).first()
    if row is None:
        return None
    formula = row.formula or None
    if formula is not None and scope is not None:
        named = _formula_codes(formula)
        seen = conn.execute(
            select(func.count())
            .select_from(Meter)
            .where(
                Meter.park_id == park_id,
                Meter.code.in_(sorted(named)),
                enterprise_in_scope(Meter.enterprise_id, scope),
            )
        ).scalar_one()
        if seen != len(named):
            formula = None
    first = conn.execute(
        select(MeterReading.start)
        .where(MeterReading.meter_id == row.id)
        .order_by(MeterReading.start)
        .limit(1)
    ).scalar()
    last = conn.execute(
        select(MeterReading.end)
        .where(MeterReading.meter_id == row.id)
        .order_by(MeterReading.start.desc())
        .limit(1)
    ).scalar()
    info = MeterInfo(
        code=row.code,
        name=row.name,
        carrier=row.carrier,
        unit=row.unit,
        direction=row.direction,
        interval_s=row.interval_s,
        enterprise=None
        if row.credit_code is None
        else EnterpriseRef(row.credit_code, row.enterprise_name),
        parent=row.parent_code,
        virtual=bool(row.formula),
        formula=formula,
        first_start=None if first is None else first.astimezone(zone),
        last_end=None if last is None else last.astimezone(zone),
    )
    return row.id, info


def check_range(start: dt.datetime | None, end: dt.datetime | None) -> None:
    """Check a readings range ``[start, end)``: both or neither, aware, ordered, at most
    :data:`MAX_READINGS_RANGE` long.

    Raises
    ------
    InputError
        Saying which rule the range breaks.
    """
    if start is None and end is None:
        return
    if start is None or end is None:
        raise InputError("give both start and end, or neither (the last 7 days of data)")
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InputError(
                f"{name} {value.isoformat()} has no UTC offset: give ISO 8601 with an offset, "
                "e.g. 2025-02-01T00:00:00+08:00"
            )
    if end <= start:
        raise InputError(f"end {end.isoformat()} must be after start {start.isoformat()}")
    if end - start > MAX_READINGS_RANGE:
        raise InputError(f"range too long: at most {MAX_READINGS_RANGE.days} days per request")


def meter_readings(
    conn: Connection,
    code: str,
    *,
    scope: Scope,
    timezone: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    days: int = METER_DAYS,
) -> MeterReadings | None:
    """A meter's readings starting in ``[start, end)``, or ``None`` if the meter does not
    exist or is out of scope.

    Parameters
    ----------
    conn
        A connection to the store (``Store.read()``).
    code
        The meter's code.
    scope
        ``None`` (whole park) or the ids of the enterprises the caller may see.
    timezone
        IANA zone of the times returned.
    start, end
        Timezone-aware bounds; give both or neither. Neither: the ``days`` days up to the
        meter's newest reading (none at all for a meter without readings).
    days
        Length of the default window [d].

    Returns
    -------
    MeterReadings or None
        Readings in the meter's unit, oldest first, times in the park's zone.

    Raises
    ------
    InputError
        If the range breaks a rule of :func:`check_range` (checked before the meter is
        looked up, so the answer is the same for every meter code).
    """
    check_range(start, end)
    found = meter_info(conn, code, scope=scope, timezone=timezone)
    if found is None:
        return None
    meter_id, info = found
    zone = time_zone(timezone)
    if start is None or end is None:
        if info.last_end is None:
            return MeterReadings(info, None, None, ())
        end = info.last_end
        start = end - dt.timedelta(days=days)
    rows = conn.execute(
        select(MeterReading.start, MeterReading.end, MeterReading.quantity, MeterReading.quality)
        .where(
            MeterReading.meter_id == meter_id,
            MeterReading.start >= start,
            MeterReading.start < end,
        )
        .order_by(MeterReading.start)
    )
    readings = tuple(
        Reading(r.start.astimezone(zone), r.end.astimezone(zone), r.quantity, r.quality)
        for r in rows
    )
    return MeterReadings(info, start.astimezone(zone), end.astimezone(zone), readings)


__all__ = [
    "MAX_READINGS_RANGE",
    "METER_DAYS",
    "STATION_HOURS",
    "CertificationRecord",
    "EnterpriseDetail",
    "EnterpriseRef",
    "EnterpriseSummary",
    "HighTechRecord",
    "MeterInfo",
    "MeterReadings",
    "MeterTotal",
    "ParameterSeries",
    "Reading",
    "StationDetail",
    "StationInfo",
    "YearFigures",
    "check_range",
    "enterprise_detail",
    "list_enterprises",
    "list_stations",
    "meter_info",
    "meter_readings",
    "station_detail",
]
