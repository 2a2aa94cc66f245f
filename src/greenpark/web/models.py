"""Public models of the JSON API (``...Public``): what ``/api`` returns and OpenAPI documents.

They are built from the store's dataclasses by the ``*_public`` functions below; the HTML
pages render the same models, so a page and its JSON twin always show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, Field

from greenpark.standards.parameters import Parameter
from greenpark.store.overview import ParkOverview, StationLatest


class HealthPublic(BaseModel):
    """Liveness of the web process."""

    status: Literal["ok"] = "ok"
    version: str = Field(description="greenpark version.")
    database: str = Field(description="Store backend: sqlite or postgresql.")


class ParkPublic(BaseModel):
    """The park the overview shows."""

    code: str
    name: str
    name_local: str | None = Field(description="Name in Chinese, when registered.")
    location: str | None
    timezone: str = Field(description="IANA time zone registered for the park.")


class EnterpriseCountsPublic(BaseModel):
    """Enterprises of the park by class; yearly classes are judged in ``as_of_year``.

    A count is null when it cannot be judged (the store has no yearly figures).
    """

    total: int = Field(description="All enterprises of the park.")
    above_designated_size: int | None = Field(
        description="Revenue >= 2000 [10⁴ yuan] in as_of_year (规模以上, NBS rule)."
    )
    revenue_over_100m_yuan: int | None = Field(
        description="Revenue > 10000 [10⁴ yuan] in as_of_year (营收超亿元)."
    )
    high_tech: int | None = Field(
        description="With a high-tech enterprise certificate valid on 31 December of as_of_year."
    )
    national_green_data_centre: int | None = Field(
        description="Certified national green data centre in as_of_year or before."
    )
    national_green_factory: int | None = Field(
        description="Certified national green factory in as_of_year or before."
    )
    provincial_green_factory: int | None = Field(
        description="Certified provincial green factory in as_of_year or before."
    )
    by_industry: dict[str, int] = Field(description="Enterprises per industry code.")


class CarrierSeriesPublic(BaseModel):
    """Monthly energy use of one carrier, top-level real meters only (no sub-meters)."""

    carrier: str = Field(description="Energy carrier code, e.g. electricity.")
    unit: str = Field(description="Unit of the totals, e.g. kWh.")
    months: list[str] = Field(description="Park-local calendar months, YYYY-MM, oldest first.")
    totals: list[float | None] = Field(
        description="Quantity per month [unit]; null when no meter has data for the month."
    )
    total: float = Field(description="Sum over the months [unit].")
    meters: int = Field(description="Top-level real meters with data in the window.")


class LatestValuePublic(BaseModel):
    """The newest value of one station parameter."""

    parameter: str = Field(description="HJ 212 parameter code, e.g. a34004.")
    name: str | None = Field(description="Readable name, e.g. PM2.5 (null if not tabled).")
    unit: str | None = Field(description="Unit of value, e.g. μg/m³; '-' if dimensionless.")
    time: dt.datetime = Field(description="Time of the value, ISO 8601 in the park's zone.")
    value: float | None
    flag: str = Field(description="HJ 212 data flag (N normal, ...).")


class StationPublic(BaseModel):
    """A monitoring station and its newest values."""

    code: str
    name: str
    kind: str = Field(description="Station kind, e.g. ambient_air.")
    mn: str = Field(description="HJ 212 station identifier (MN).")
    latest: list[LatestValuePublic]


class OverviewPublic(BaseModel):
    """The park overview: enterprises by class, energy by carrier, stations' latest values."""

    timezone: str = Field(description="Zone of every time and month below.")
    park: ParkPublic | None = Field(description="Null while the store holds no park.")
    as_of_year: int | None = Field(description="Latest year with enterprise figures.")
    enterprise_counts: EnterpriseCountsPublic
    energy_months: list[str] = Field(description="The 12 months of the energy window.")
    energy_by_carrier: list[CarrierSeriesPublic]
    stations: list[StationPublic]


def _station_public(station: StationLatest, parameters: Mapping[str, Parameter]) -> StationPublic:
    order = {code: i for i, code in enumerate(parameters)}
    latest = sorted(station.latest, key=lambda v: (order.get(v.parameter, len(order)), v.parameter))
    return StationPublic(
        code=station.code,
        name=station.name,
        kind=station.kind,
        mn=station.mn,
        latest=[
            LatestValuePublic(
                parameter=v.parameter,
                name=parameters[v.parameter].name if v.parameter in parameters else None,
                unit=parameters[v.parameter].unit if v.parameter in parameters else None,
                time=v.time,
                value=v.value,
                flag=v.flag,
            )
            for v in latest
        ],
    )


def overview_public(overview: ParkOverview, parameters: Mapping[str, Parameter]) -> OverviewPublic:
    """The public model of a :class:`~greenpark.store.overview.ParkOverview`.

    Parameters
    ----------
    overview
        As returned by :func:`greenpark.store.overview.park_overview`.
    parameters
        The parameter table (:func:`greenpark.standards.parameters.parameter_table`): names and
        units of the stations' parameters, and their display order.

    Returns
    -------
    OverviewPublic
        The same numbers; station values ordered as in the parameter table.
    """
    park = overview.park
    counts = overview.enterprise_counts
    return OverviewPublic(
        timezone=overview.timezone,
        park=None
        if park is None
        else ParkPublic(
            code=park.code,
            name=park.name,
            name_local=park.name_local,
            location=park.location,
            timezone=park.timezone,
        ),
        as_of_year=overview.as_of_year,
        enterprise_counts=EnterpriseCountsPublic(
            total=counts.total,
            above_designated_size=counts.above_designated_size,
            revenue_over_100m_yuan=counts.revenue_over_100m_yuan,
            high_tech=counts.high_tech,
            national_green_data_centre=counts.national_green_data_centre,
            national_green_factory=counts.national_green_factory,
            provincial_green_factory=counts.provincial_green_factory,
            by_industry=dict(counts.by_industry),
        ),
        energy_months=list(overview.energy_months),
        energy_by_carrier=[
            CarrierSeriesPublic(
                carrier=s.carrier,
                unit=s.unit,
                months=list(s.months),
                totals=list(s.totals),
                total=s.total,
                meters=s.meters,
            )
            for s in overview.energy_by_carrier
        ],
        stations=[_station_public(s, parameters) for s in overview.stations],
    )
