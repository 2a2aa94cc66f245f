"""The park overview: every SQL statement behind the "Park overview" page and ``/api/overview``.

:func:`park_overview` reads the first park of the store (lowest id) and returns plain frozen
dataclasses; the web layer turns them into public models and HTML. Everything is filtered to
that park, so a store holding several parks shows the first one only.

Definitions (each one a published or house rule, named where it is applied):

- *As-of year*: the latest year with :class:`~greenpark.store.schema.EnterpriseYear` figures
  for an enterprise of the park. Yearly classes are judged in that year.
- *Above designated size* (规模以上工业企业): main-business revenue >=
  :data:`greenpark.units.ABOVE_DESIGNATED_SIZE_REVENUE` in the as-of year (NBS rule in force
  since 2011).
- *Turnover above 100 million yuan* (营收超亿元): revenue > :data:`REVENUE_100M_YUAN`.
- *High-tech* (高新技术企业): a certificate valid (inclusive dates) on 31 December of the
  as-of year.
- *Green certifications*: a certification of that kind granted in the as-of year or before;
  enterprises are counted, not certificates.
- *Energy by carrier*: :class:`~greenpark.store.schema.MeterMonth` totals of top-level real
  consumption meters only (no parent meter, no formula, direction ``consumption``), so
  sub-meters and virtual meters are not counted twice and energy produced on site (PV,
  gas engines, heat and cooling output) is not counted as use, over the 12 park-local
  calendar months that end with the newest month any such meter has.
- *Latest station values*: per station and parameter the row with the greatest time, found
  through the primary key ``(station_id, parameter, time)`` (a loose index scan; see
  :func:`latest_values_sql`), so the cost grows with the number of series, not of rows.
- *Scope*: a caller who sees only some enterprises (``scope``, see
  ``greenpark.store._scope``) gets the park-level enterprise counts with small groups
  suppressed (:func:`suppress_small_groups`), the energy of its own enterprises' meters,
  and the park-level stations plus its enterprises' own. The filters are SQL conditions.

Times are returned timezone-aware in the park's zone (ISO 8601 with offset once serialised).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    Connection,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    text,
)

from greenpark.errors import InputError
from greenpark.store._scope import (
    MIN_GROUP_SIZE,
    Scope,
    enterprise_in_scope,
    owned_or_park_level,
)
from greenpark.store.schema import (
    CERTIFICATION_KINDS,
    INDUSTRIES,
    Certification,
    Enterprise,
    EnterpriseYear,
    HighTechCertificate,
    Meter,
    MeterMonth,
    Park,
    Station,
    UTCDateTime,
)
from greenpark.units import ABOVE_DESIGNATED_SIZE_REVENUE, CARRIERS

#: Revenue above which an enterprise counts as "turnover above 100 million yuan" [10⁴ yuan].
REVENUE_100M_YUAN: Final[float] = 10_000.0

#: Number of park-local calendar months in the energy window.
ENERGY_MONTHS: Final[int] = 12


def latest_values_sql(stations: str) -> str:
    """The latest row of every (station, parameter) series of the stations matching the SQL
    condition ``stations`` (on ``station AS s``; a constant of this package, never user input).

    One statement that runs on SQLite and PostgreSQL. The recursive part walks the distinct
    parameters of each station by seeking in the primary key ("loose index scan": one index
    seek per series); the outer query then seeks the newest time of each series, again in the
    primary key. ``tests/web/test_overview_store.py`` checks on SQLite that no step scans
    ``measurement``.
    """
    return f"""
WITH RECURSIVE series(station_id, parameter) AS (
    SELECT s.id,
           (SELECT m.parameter FROM measurement AS m
             WHERE m.station_id = s.id
             ORDER BY m.parameter LIMIT 1)
      FROM station AS s
     WHERE {stations}
    UNION ALL
    SELECT p.station_id,
           (SELECT m.parameter FROM measurement AS m
             WHERE m.station_id = p.station_id AND m.parameter > p.parameter
             ORDER BY m.parameter LIMIT 1)
      FROM series AS p
     WHERE p.parameter IS NOT NULL
)
SELECT m.station_id, m.parameter, m.time, m.value, m.flag
  FROM series AS p
  JOIN measurement AS m
    ON m.station_id = p.station_id
   AND m.parameter = p.parameter
   AND m.time = (SELECT l.time FROM measurement AS l
                  WHERE l.station_id = p.station_id AND l.parameter = p.parameter
                  ORDER BY l.time DESC LIMIT 1)
 ORDER BY m.station_id, m.parameter
"""


#: The latest values of every station of one park, ``:park_id``.
LATEST_VALUES_SQL: Final[str] = latest_values_sql("s.park_id = :park_id")

#: The same for the park-level stations and those of the enterprises in ``:scope`` (an
#: expanding list of enterprise ids).
LATEST_SCOPED_VALUES_SQL: Final[str] = latest_values_sql(
    "s.park_id = :park_id AND (s.enterprise_id IS NULL OR s.enterprise_id IN :scope)"
)

#: The same for one station, ``:station_id``.
LATEST_STATION_VALUES_SQL: Final[str] = latest_values_sql("s.id = :station_id")

_LATEST_COLUMNS = {
    "station_id": Integer(),
    "parameter": String(),
    "time": UTCDateTime(),
    "value": Float(),
    "flag": String(),
}
_LATEST_VALUES = text(LATEST_VALUES_SQL).columns(**_LATEST_COLUMNS)
_LATEST_SCOPED_VALUES = (
    text(LATEST_SCOPED_VALUES_SQL)
    .bindparams(bindparam("scope", expanding=True))
    .columns(**_LATEST_COLUMNS)
)
LATEST_STATION_VALUES = text(LATEST_STATION_VALUES_SQL).columns(**_LATEST_COLUMNS)


@dataclass(frozen=True)
class ParkInfo:
    """The park shown: its natural key, names, location and registered time zone."""

    code: str
    name: str
    name_local: str | None
    location: str | None
    timezone: str  # IANA zone registered for the park


@dataclass(frozen=True)
class EnterpriseCounts:
    """Enterprises of the park by class; yearly classes are judged in the as-of year.

    A count is ``None`` when it cannot be judged (no yearly figures at all) or, for a
    restricted scope, when it is suppressed (:func:`suppress_small_groups`).
    """

    total: int | None
    above_designated_size: int | None
    revenue_over_100m_yuan: int | None
    high_tech: int | None
    national_green_data_centre: int | None
    national_green_factory: int | None
    provincial_green_factory: int | None
    by_industry: dict[str, int | None] = field(default_factory=dict)


#: The yearly classes of :class:`EnterpriseCounts`: each a subset of all the park's enterprises.
YEARLY_CLASSES: Final[tuple[str, ...]] = (
    "above_designated_size",
    "revenue_over_100m_yuan",
    "high_tech",
    "national_green_data_centre",
    "national_green_factory",
    "provincial_green_factory",
)

#: (outer, inner) pairs of classes where every enterprise of ``inner`` is in ``outer``:
#: revenue > 10,000 implies revenue >= 2,000 [10⁴ yuan].
NESTED_CLASSES: Final[tuple[tuple[str, str], ...]] = (
    ("above_designated_size", "revenue_over_100m_yuan"),
)


@dataclass(frozen=True)
class CarrierSeries:
    """Monthly totals of one energy carrier over the energy window.

    ``totals[i]`` is the quantity [``unit``] of ``months[i]`` (``"YYYY-MM"``, park-local),
    ``None`` when no counted meter of the carrier has a monthly row for that month.
    ``meters`` is the number of top-level real meters with data in the window.
    """

    carrier: str
    unit: str
    months: tuple[str, ...]
    totals: tuple[float | None, ...]
    meters: int

    @property
    def total(self) -> float:
        """Sum over the window [``unit``] (months without data count as nothing)."""
        return float(sum(v for v in self.totals if v is not None))


@dataclass(frozen=True)
class LatestValue:
    """The newest stored value of one station parameter (HJ 212 code) and its data flag."""

    parameter: str
    time: dt.datetime  # aware, in the park's zone
    value: float | None  # in the parameter's internal unit
    flag: str


@dataclass(frozen=True)
class StationLatest:
    """A monitoring station with the newest value of each parameter it has reported."""

    code: str
    name: str
    kind: str
    mn: str
    latest: tuple[LatestValue, ...]


@dataclass(frozen=True)
class EnterpriseRef:
    """An enterprise named by its unified social credit code (GB 32100-2015) and name."""

    credit_code: str
    name: str


@dataclass(frozen=True)
class ParkOverview:
    """Everything the overview page shows; ``park`` is ``None`` in an empty store.

    ``scope`` is ``None`` for a whole-park view, otherwise the enterprises of the park the
    caller may see (energy and enterprise stations are theirs only); ``suppressed_below``
    is then the smallest group size shown in the enterprise counts.
    """

    timezone: str  # the zone the times and months are expressed in
    park: ParkInfo | None
    as_of_year: int | None
    enterprise_counts: EnterpriseCounts
    energy_months: tuple[str, ...]
    energy_by_carrier: tuple[CarrierSeries, ...]
    stations: tuple[StationLatest, ...]
    scope: tuple[EnterpriseRef, ...] | None = None
    suppressed_below: int | None = None


def park_overview(conn: Connection, timezone: str, scope: Scope = None) -> ParkOverview:
    """The overview of the store's first park, as seen by a caller with ``scope``.

    Parameters
    ----------
    conn
        A connection to the store (``Store.read()``).
    timezone
        IANA time zone of the park (``Settings.park_timezone``): the zone of the monthly
        totals (as written by :func:`greenpark.store.timeseries.write_readings`) and of the
        times returned.
    scope
        ``None`` (default) for the whole park; otherwise the ids of the enterprises the
        caller may see (:attr:`greenpark.auth.Principal.enterprise_ids`). A restricted
        scope gets park-level enterprise counts with small groups suppressed
        (:func:`suppress_small_groups`), the energy of its own enterprises' meters only,
        and the park-level stations plus its enterprises' own stations.

    Returns
    -------
    ParkOverview
        Enterprise counts by class (revenue thresholds in [10⁴ yuan]), monthly energy per
        carrier [carrier unit] over the last :data:`ENERGY_MONTHS` months, and each
        station's latest values [parameter unit]. In an empty store ``park`` is ``None``,
        every count is zero or ``None`` and the lists are empty.

    Raises
    ------
    InputError
        If ``timezone`` is not a known IANA zone.

    References
    ----------
    .. [1] National Bureau of Statistics, 统计上大中小微型企业划分办法 and the rule for
       industrial enterprises above designated size (规模以上工业企业: annual main-business
       revenue of 20 million yuan or more, in force since 2011).
    .. [2] 高新技术企业认定管理办法 (国科发火〔2016〕32号): certificates valid three years.
    """
    zone = time_zone(timezone)
    park = conn.execute(
        select(
            Park.id, Park.code, Park.name, Park.name_local, Park.location, Park.timezone
        ).order_by(Park.id)
    ).first()
    suppressed_below = None if scope is None else MIN_GROUP_SIZE
    if park is None:
        return ParkOverview(
            timezone=timezone,
            park=None,
            as_of_year=None,
            enterprise_counts=EnterpriseCounts(0, None, None, None, None, None, None),
            energy_months=(),
            energy_by_carrier=(),
            stations=(),
            scope=None if scope is None else (),
            suppressed_below=suppressed_below,
        )
    info = ParkInfo(park.code, park.name, park.name_local, park.location, park.timezone)
    as_of_year = _as_of_year(conn, park.id)
    counts = _enterprise_counts(conn, park.id, as_of_year)
    months, energy = _energy_by_carrier(conn, park.id, scope)
    return ParkOverview(
        timezone=timezone,
        park=info,
        as_of_year=as_of_year,
        enterprise_counts=counts if scope is None else suppress_small_groups(counts),
        energy_months=months,
        energy_by_carrier=energy,
        stations=_stations(conn, park.id, zone, scope),
        scope=None if scope is None else _scope_enterprises(conn, park.id, scope),
        suppressed_below=suppressed_below,
    )


def suppress_small_groups(
    counts: EnterpriseCounts, min_size: int = MIN_GROUP_SIZE
) -> EnterpriseCounts:
    """Park-level enterprise counts with every group that could single out an enterprise
    suppressed (``None``), for callers who see only some enterprises.

    Parameters
    ----------
    counts
        The whole-park counts (:func:`park_overview` with ``scope=None``).
    min_size
        The smallest group shown [enterprises]; :data:`greenpark.auth.MIN_GROUP_SIZE`.

    Returns
    -------
    EnterpriseCounts
        The counts, each either as given or ``None``.

    Notes
    -----
    A count ``n`` of a class within all ``N`` enterprises is shown only when both the group
    and its complement are large enough, ``n >= min_size`` and ``N - n >= min_size``:
    "every enterprise but one is high-tech" singles out the one as surely as "one is".
    ``N`` itself is shown when ``N >= min_size``. For nested classes
    (:data:`NESTED_CLASSES`) the inner count is also suppressed when the two differ by
    less than ``min_size`` and both would be shown. The industries partition ``N``, so a
    single suppressed industry could be recovered as ``N`` minus the others; the smallest
    shown industry is then suppressed as well (complementary suppression, as in
    statistical disclosure control [1]_). Zero counts are suppressed like any small group.

    References
    ----------
    .. [1] Hundepool, A. et al., *Statistical Disclosure Control*, Wiley 2012, chapters 4
       and 5 (tabular data: the threshold rule and secondary cell suppression).
    """

    def shown(n: int | None, total: int | None) -> int | None:
        if n is None or total is None or n < min_size or total - n < min_size:
            return None
        return n

    total = counts.total
    classes = {name: shown(getattr(counts, name), total) for name in YEARLY_CLASSES}
    for outer, inner in NESTED_CLASSES:
        o, i = classes[outer], classes[inner]
        if o is not None and i is not None and o - i < min_size:
            classes[inner] = None
    industries = {k: shown(n, total) for k, n in counts.by_industry.items()}
    hidden = [k for k, n in industries.items() if n is None]
    visible = sorted((n, k) for k, n in industries.items() if n is not None)
    if len(hidden) == 1 and visible:
        industries[visible[0][1]] = None
    return EnterpriseCounts(
        total=total if total is not None and total >= min_size else None,
        by_industry=industries,
        **classes,
    )


def time_zone(timezone: str) -> ZoneInfo:
    """The :class:`~zoneinfo.ZoneInfo` of an IANA name; an unknown name is an InputError."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"unknown time zone {timezone!r}; give an IANA name such as 'Asia/Shanghai'"
        ) from exc


def _as_of_year(conn: Connection, park_id: int) -> int | None:
    return conn.execute(
        select(func.max(EnterpriseYear.year))
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(Enterprise.park_id == park_id)
    ).scalar_one()


def _enterprise_counts(conn: Connection, park_id: int, year: int | None) -> EnterpriseCounts:
    in_park = Enterprise.park_id == park_id
    by_industry = dict.fromkeys(INDUSTRIES, 0)
    for industry, n in conn.execute(
        select(Enterprise.industry, func.count()).where(in_park).group_by(Enterprise.industry)
    ):
        by_industry[industry] = n
    total = sum(by_industry.values())
    if year is None:
        return EnterpriseCounts(total, None, None, None, None, None, None, by_industry)

    revenue = EnterpriseYear.revenue
    above, over_100m = conn.execute(
        select(
            func.coalesce(
                func.sum(case((revenue >= ABOVE_DESIGNATED_SIZE_REVENUE, 1), else_=0)), 0
            ),
            func.coalesce(func.sum(case((revenue > REVENUE_100M_YUAN, 1), else_=0)), 0),
        )
        .join(Enterprise, Enterprise.id == EnterpriseYear.enterprise_id)
        .where(in_park, EnterpriseYear.year == year)
    ).one()

    year_end = dt.date(year, 12, 31)
    high_tech = conn.execute(
        select(func.count(func.distinct(HighTechCertificate.enterprise_id)))
        .join(Enterprise, Enterprise.id == HighTechCertificate.enterprise_id)
        .where(
            in_park,
            HighTechCertificate.valid_from <= year_end,
            HighTechCertificate.valid_to >= year_end,
        )
    ).scalar_one()

    certified = dict.fromkeys(CERTIFICATION_KINDS, 0)
    for kind, n in conn.execute(
        select(Certification.kind, func.count(func.distinct(Certification.enterprise_id)))
        .join(Enterprise, Enterprise.id == Certification.enterprise_id)
        .where(in_park, Certification.year <= year)
        .group_by(Certification.kind)
    ):
        certified[kind] = n

    return EnterpriseCounts(
        total=total,
        above_designated_size=int(above),
        revenue_over_100m_yuan=int(over_100m),
        high_tech=high_tech,
        national_green_data_centre=certified["national_green_data_centre"],
        national_green_factory=certified["national_green_factory"],
        provincial_green_factory=certified["provincial_green_factory"],
        by_industry=by_industry,
    )


def month_window(last: str, n: int = ENERGY_MONTHS) -> tuple[str, ...]:
    """The ``n`` calendar months ending with ``last`` (``"YYYY-MM"``), oldest first."""
    year, month = (int(p) for p in last.split("-"))
    index = year * 12 + month - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - n + 1, index + 1))


_month_window = month_window  # the name the overview's tests know


def _energy_by_carrier(
    conn: Connection, park_id: int, scope: Scope
) -> tuple[tuple[str, ...], tuple[CarrierSeries, ...]]:
    counted = and_(
        Meter.park_id == park_id,
        Meter.parent_id.is_(None),
        Meter.direction == "consumption",
        or_(Meter.formula.is_(None), Meter.formula == ""),
        enterprise_in_scope(Meter.enterprise_id, scope),
    )
    newest = conn.execute(
        select(func.max(MeterMonth.month))
        .join(Meter, Meter.id == MeterMonth.meter_id)
        .where(counted)
    ).scalar_one()
    if newest is None:
        return (), ()
    months = month_window(newest)
    rows = conn.execute(
        select(
            Meter.carrier,
            Meter.unit,
            MeterMonth.month,
            func.sum(MeterMonth.quantity),
        )
        .join(Meter, Meter.id == MeterMonth.meter_id)
        .where(counted, MeterMonth.month >= months[0], MeterMonth.month <= months[-1])
        .group_by(Meter.carrier, Meter.unit, MeterMonth.month)
    ).all()
    meters = {
        (carrier, unit): n
        for carrier, unit, n in conn.execute(
            select(Meter.carrier, Meter.unit, func.count(func.distinct(MeterMonth.meter_id)))
            .join(Meter, Meter.id == MeterMonth.meter_id)
            .where(counted, MeterMonth.month >= months[0], MeterMonth.month <= months[-1])
            .group_by(Meter.carrier, Meter.unit)
        )
    }
    totals: dict[tuple[str, str], dict[str, float]] = {}
    for carrier, unit, month, quantity in rows:
        totals.setdefault((carrier, unit), {})[month] = float(quantity)
    order = {c: i for i, c in enumerate(CARRIERS)}
    series = tuple(
        CarrierSeries(
            carrier=carrier,
            unit=unit,
            months=months,
            totals=tuple(by_month.get(m) for m in months),
            meters=meters[(carrier, unit)],
        )
        for (carrier, unit), by_month in sorted(
            totals.items(), key=lambda kv: (order.get(kv[0][0], len(order)), kv[0])
        )
    )
    return months, series


def _stations(
    conn: Connection, park_id: int, zone: ZoneInfo, scope: Scope
) -> tuple[StationLatest, ...]:
    latest: dict[int, list[LatestValue]] = {}
    if scope is None:
        rows = conn.execute(_LATEST_VALUES, {"park_id": park_id})
    else:
        rows = conn.execute(_LATEST_SCOPED_VALUES, {"park_id": park_id, "scope": sorted(scope)})
    for row in rows:
        latest.setdefault(row.station_id, []).append(
            LatestValue(
                parameter=row.parameter,
                time=row.time.astimezone(zone),
                value=row.value,
                flag=row.flag,
            )
        )
    stations = conn.execute(
        select(Station.id, Station.code, Station.name, Station.kind, Station.mn)
        .where(Station.park_id == park_id, owned_or_park_level(Station.enterprise_id, scope))
        .order_by(Station.code)
    ).all()
    return tuple(
        StationLatest(s.code, s.name, s.kind, s.mn, tuple(latest.get(s.id, ()))) for s in stations
    )


def _scope_enterprises(
    conn: Connection, park_id: int, scope: frozenset[int]
) -> tuple[EnterpriseRef, ...]:
    rows = conn.execute(
        select(Enterprise.credit_code, Enterprise.name)
        .where(Enterprise.park_id == park_id, enterprise_in_scope(Enterprise.id, scope))
        .order_by(Enterprise.name, Enterprise.credit_code)
    )
    return tuple(EnterpriseRef(code, name) for code, name in rows)
