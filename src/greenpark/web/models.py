"""Public models of the JSON API (``...Public``): what ``/api`` returns and OpenAPI documents.

They are built from the store's dataclasses by the ``*_public`` functions below; the HTML
pages render the same models, so a page and its JSON twin always show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from greenpark.environment.view import ASSUMED_COMMISSIONED, VALID_FLAGS, EnvironmentReport
from greenpark.standards.air import aqi_categories
from greenpark.standards.parameters import Parameter
from greenpark.store.overview import EnterpriseRef, ParkOverview, StationLatest
from greenpark.store.scoped import (
    EnterpriseDetail,
    EnterpriseSummary,
    MeterReadings,
    StationDetail,
    StationInfo,
)


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

    A count is null when it cannot be judged (the store has no yearly figures) or, for a
    caller who sees only some enterprises, when it is suppressed: the group or the rest of
    the park holds fewer than ``suppressed_below`` enterprises (see ``OverviewPublic``).
    """

    total: int | None = Field(description="All enterprises of the park.")
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
    by_industry: dict[str, int | None] = Field(
        description="Enterprises per industry code (null: suppressed)."
    )


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


class EnterpriseRefPublic(BaseModel):
    """An enterprise named by its credit code and name."""

    credit_code: str = Field(description="Unified social credit code (GB 32100-2015).")
    name: str


class OverviewPublic(BaseModel):
    """The park overview: enterprises by class, energy by carrier, stations' latest values.

    For a caller who sees only some enterprises (``scope`` not null) the energy and the
    enterprise stations are those of ``scope`` only, and the park-level enterprise counts
    leave out groups that could single out an enterprise.
    """

    timezone: str = Field(description="Zone of every time and month below.")
    park: ParkPublic | None = Field(description="Null while the store holds no park.")
    as_of_year: int | None = Field(description="Latest year with enterprise figures.")
    enterprise_counts: EnterpriseCountsPublic
    energy_months: list[str] = Field(description="The 12 months of the energy window.")
    energy_by_carrier: list[CarrierSeriesPublic]
    stations: list[StationPublic]
    scope: list[EnterpriseRefPublic] | None = Field(
        default=None,
        description="Null for a whole-park view; otherwise the enterprises whose energy and "
        "stations are shown (the caller's).",
    )
    suppressed_below: int | None = Field(
        default=None,
        description="For a restricted view: enterprise counts are null (suppressed) when the "
        "group, or the rest of the park, holds fewer enterprises than this.",
    )


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
        scope=None
        if overview.scope is None
        else [EnterpriseRefPublic(credit_code=e.credit_code, name=e.name) for e in overview.scope],
        suppressed_below=overview.suppressed_below,
    )


# --- enterprises, stations, meters (scoped: see greenpark.store.scoped) ----------------


def _ref(enterprise: EnterpriseRef | None) -> EnterpriseRefPublic | None:
    if enterprise is None:
        return None
    return EnterpriseRefPublic(credit_code=enterprise.credit_code, name=enterprise.name)


class EnterpriseSummaryPublic(BaseModel):
    """One enterprise of the list."""

    credit_code: str = Field(description="Unified social credit code (GB 32100-2015).")
    name: str
    industry: str = Field(description="Industry code, e.g. big_data.")
    figures_year: int | None = Field(description="Latest year with figures (null: none).")
    above_designated_size: bool | None = Field(
        description="Revenue >= 2000 [10⁴ yuan] in figures_year (规模以上, NBS rule); "
        "null without a revenue."
    )
    certifications: list[str] = Field(
        description="Kinds of green certification ever granted, e.g. national_green_factory."
    )


class EnterpriseListPublic(BaseModel):
    """The enterprises the caller may see (the whole park, or their own)."""

    industry: str | None = Field(description="The industry filter applied, if any.")
    enterprises: list[EnterpriseSummaryPublic]


class YearFiguresPublic(BaseModel):
    """An enterprise's figures of one year."""

    year: int
    revenue: float | None = Field(description="Main-business revenue [10⁴ yuan].")
    gross_output: float | None = Field(description="Gross output value [10⁴ yuan].")
    value_added: float | None = Field(description="Value added [10⁴ yuan].")
    above_designated_size: bool | None = Field(
        description="Revenue >= 2000 [10⁴ yuan] (规模以上); null without a revenue."
    )


class CertificationPublic(BaseModel):
    """A green certification."""

    kind: str = Field(description="e.g. national_green_factory.")
    year: int = Field(description="Year granted.")


class HighTechCertificatePublic(BaseModel):
    """A high-tech enterprise certificate (高新技术企业证书)."""

    number: str | None
    valid_from: dt.date = Field(description="First valid day (inclusive).")
    valid_to: dt.date = Field(description="Last valid day (inclusive).")


class MeterTotalPublic(BaseModel):
    """A meter of the enterprise with its total over the enterprise's 12-month window."""

    code: str
    name: str
    carrier: str = Field(description="Energy carrier code, e.g. electricity.")
    unit: str = Field(description="Unit of the total, e.g. kWh.")
    direction: str = Field(description="consumption (energy used) or production (e.g. PV).")
    parent: str | None = Field(description="Code of the parent meter of a sub-meter.")
    virtual: bool = Field(description="Computed from other meters by a formula; no readings.")
    total: float | None = Field(
        description="Sum of the monthly totals in energy_months [unit]; null without data."
    )
    months_with_data: int = Field(description="Months of energy_months with data.")


class EnterpriseDetailPublic(BaseModel):
    """One enterprise: yearly figures, certificates and meters."""

    credit_code: str = Field(description="Unified social credit code (GB 32100-2015).")
    name: str
    industry: str = Field(description="Industry code, e.g. big_data.")
    employees: int | None
    years: list[YearFiguresPublic] = Field(description="Yearly figures, oldest first.")
    certifications: list[CertificationPublic]
    high_tech_certificates: list[HighTechCertificatePublic]
    energy_months: list[str] = Field(
        description="The 12 park-local months (YYYY-MM) of the meters' totals, ending with "
        "the enterprise's newest month of data."
    )
    meters: list[MeterTotalPublic]


def enterprise_list_public(
    enterprises: tuple[EnterpriseSummary, ...], industry: str | None
) -> EnterpriseListPublic:
    """The public model of the result of :func:`greenpark.store.scoped.list_enterprises`."""
    return EnterpriseListPublic(
        industry=industry,
        enterprises=[
            EnterpriseSummaryPublic(
                credit_code=e.credit_code,
                name=e.name,
                industry=e.industry,
                figures_year=e.figures_year,
                above_designated_size=e.above_designated_size,
                certifications=list(e.certifications),
            )
            for e in enterprises
        ],
    )


def enterprise_detail_public(detail: EnterpriseDetail) -> EnterpriseDetailPublic:
    """The public model of the result of :func:`greenpark.store.scoped.enterprise_detail`."""
    return EnterpriseDetailPublic(
        credit_code=detail.credit_code,
        name=detail.name,
        industry=detail.industry,
        employees=detail.employees,
        years=[
            YearFiguresPublic(
                year=y.year,
                revenue=y.revenue,
                gross_output=y.gross_output,
                value_added=y.value_added,
                above_designated_size=y.above_designated_size,
            )
            for y in detail.years
        ],
        certifications=[
            CertificationPublic(kind=c.kind, year=c.year) for c in detail.certifications
        ],
        high_tech_certificates=[
            HighTechCertificatePublic(number=h.number, valid_from=h.valid_from, valid_to=h.valid_to)
            for h in detail.high_tech_certificates
        ],
        energy_months=list(detail.energy_months),
        meters=[
            MeterTotalPublic(
                code=m.code,
                name=m.name,
                carrier=m.carrier,
                unit=m.unit,
                direction=m.direction,
                parent=m.parent,
                virtual=m.virtual,
                total=m.total,
                months_with_data=m.months_with_data,
            )
            for m in detail.meters
        ],
    )


class StationInfoPublic(BaseModel):
    """A monitoring station."""

    code: str
    name: str
    kind: str = Field(description="Station kind, e.g. ambient_air, wastewater_outlet.")
    mn: str = Field(description="HJ 212 station identifier (MN).")
    enterprise: EnterpriseRefPublic | None = Field(
        description="The owning enterprise (an outlet); null for a park-level station."
    )
    latitude: float | None = Field(description="[°]")
    longitude: float | None = Field(description="[°]")
    noise_zone_class: str | None = Field(description="GB 3096-2008 zone class (noise).")
    water_body: str | None = Field(description="river or lake (surface water).")
    water_target_class: str | None = Field(description="GB 3838-2002 target class.")
    discharge_standard: str | None = Field(description="Discharge standard of an outlet.")


class StationListPublic(BaseModel):
    """The stations the caller may see: park-level ones and their own enterprises'."""

    kind: str | None = Field(description="The station-kind filter applied, if any.")
    stations: list[StationInfoPublic]


class ParameterSeriesPublic(BaseModel):
    """One parameter's values over the station's window."""

    parameter: str = Field(description="HJ 212 parameter code, e.g. a34004.")
    name: str | None = Field(description="Readable name (null if not tabled).")
    unit: str | None = Field(description="Unit of the values; '-' if dimensionless.")
    times: list[dt.datetime] = Field(description="ISO 8601 in the park's zone, oldest first.")
    values: list[float | None] = Field(description="[unit]")
    flags: list[str] = Field(description="HJ 212 data flags (N normal, ...).")


class StationDetailPublic(BaseModel):
    """A station, its newest value per parameter and the values of its last 48 hours."""

    timezone: str = Field(description="Zone of every time below.")
    station: StationInfoPublic
    latest: list[LatestValuePublic]
    window_start: dt.datetime | None = Field(
        description="Start (exclusive) of the window: 48 h before window_end."
    )
    window_end: dt.datetime | None = Field(
        description="End (inclusive) of the window: the station's newest value."
    )
    series: list[ParameterSeriesPublic]


def _station_info_public(s: StationInfo) -> StationInfoPublic:
    return StationInfoPublic(
        code=s.code,
        name=s.name,
        kind=s.kind,
        mn=s.mn,
        enterprise=_ref(s.enterprise),
        latitude=s.latitude,
        longitude=s.longitude,
        noise_zone_class=s.noise_zone_class,
        water_body=s.water_body,
        water_target_class=s.water_target_class,
        discharge_standard=s.discharge_standard,
    )


def station_list_public(stations: tuple[StationInfo, ...], kind: str | None) -> StationListPublic:
    """The public model of the result of :func:`greenpark.store.scoped.list_stations`."""
    return StationListPublic(kind=kind, stations=[_station_info_public(s) for s in stations])


def station_detail_public(
    detail: StationDetail, parameters: Mapping[str, Parameter], timezone: str
) -> StationDetailPublic:
    """The public model of the result of :func:`greenpark.store.scoped.station_detail`; values
    and series ordered as in the parameter table, names and units from it."""
    order = {code: i for i, code in enumerate(parameters)}

    def key(code: str) -> tuple[int, str]:
        return (order.get(code, len(order)), code)

    latest = _station_public(
        StationLatest(
            detail.station.code,
            detail.station.name,
            detail.station.kind,
            detail.station.mn,
            detail.latest,
        ),
        parameters,
    ).latest
    return StationDetailPublic(
        timezone=timezone,
        station=_station_info_public(detail.station),
        latest=latest,
        window_start=detail.window_start,
        window_end=detail.window_end,
        series=[
            ParameterSeriesPublic(
                parameter=s.parameter,
                name=parameters[s.parameter].name if s.parameter in parameters else None,
                unit=parameters[s.parameter].unit if s.parameter in parameters else None,
                times=list(s.times),
                values=list(s.values),
                flags=list(s.flags),
            )
            for s in sorted(detail.series, key=lambda s: key(s.parameter))
        ],
    )


class MeterInfoPublic(BaseModel):
    """A meter."""

    code: str
    name: str
    carrier: str = Field(description="Energy carrier code, e.g. electricity.")
    unit: str = Field(description="Unit of the readings, e.g. kWh.")
    direction: str = Field(description="consumption (energy used) or production (e.g. PV).")
    interval_s: int = Field(description="Nominal reading interval [s].")
    enterprise: EnterpriseRefPublic | None = Field(
        description="The owning enterprise; null for a park-level meter."
    )
    parent: str | None = Field(description="Code of the parent meter of a sub-meter.")
    virtual: bool = Field(description="Computed from other meters by a formula; no readings.")
    formula: str | None = Field(
        description="The formula of a virtual meter (null when it names meters you cannot see)."
    )
    first_start: dt.datetime | None = Field(description="Start of the first reading.")
    last_end: dt.datetime | None = Field(description="End of the newest reading.")


class ReadingPublic(BaseModel):
    """The quantity a meter recorded over [start, end)."""

    start: dt.datetime = Field(description="ISO 8601 in the park's zone.")
    end: dt.datetime = Field(description="ISO 8601 in the park's zone.")
    quantity: float | None = Field(description="[meter unit]")
    quality: str = Field(description="ok, estimated, ...")


class MeterReadingsPublic(BaseModel):
    """A meter's readings starting in [start, end)."""

    timezone: str = Field(description="Zone of every time below.")
    meter: MeterInfoPublic
    start: dt.datetime | None = Field(description="Range start (inclusive).")
    end: dt.datetime | None = Field(description="Range end (exclusive).")
    total: float = Field(description="Sum of the quantities [meter unit].")
    readings: list[ReadingPublic]


def meter_readings_public(readings: MeterReadings, timezone: str) -> MeterReadingsPublic:
    """The public model of the result of :func:`greenpark.store.scoped.meter_readings`."""
    m = readings.meter
    return MeterReadingsPublic(
        timezone=timezone,
        meter=MeterInfoPublic(
            code=m.code,
            name=m.name,
            carrier=m.carrier,
            unit=m.unit,
            direction=m.direction,
            interval_s=m.interval_s,
            enterprise=_ref(m.enterprise),
            parent=m.parent,
            virtual=m.virtual,
            formula=m.formula,
            first_start=m.first_start,
            last_end=m.last_end,
        ),
        start=readings.start,
        end=readings.end,
        total=readings.total,
        readings=[
            ReadingPublic(start=r.start, end=r.end, quantity=r.quantity, quality=r.quality)
            for r in readings.readings
        ],
    )


# --- environment (``/api/environment``) ---------------------------------------------------


class AqiCategoryPublic(BaseModel):
    """An AQI level of HJ 633 table 2 with its colour."""

    level: int = Field(description="AQI level 1-6.")
    aqi_min: int = Field(description="Lowest AQI of the level [-].")
    aqi_max: int | None = Field(description="Highest AQI of the level [-]; null for level 6.")
    category_en: str
    category_zh: str
    colour: str = Field(description="Display colour of the level (hex RGB, HJ 633 table 2).")


class AqiValuePublic(BaseModel):
    """An hourly or daily AQI (HJ 633) with its level and primary pollutant(s)."""

    model_config = ConfigDict(from_attributes=True)

    aqi: float | None = Field(description="AQI [-]; null when no pollutant was valid.")
    level: int | None = Field(description="AQI level 1-6.")
    primary_pollutant: str | None = Field(
        description="Primary pollutant(s) (pm2_5, pm10, so2, no2, co, o3), comma-joined; "
        "null when AQI <= 50."
    )
    date: dt.date | None = Field(None, description="Local day of a daily AQI.")
    time: dt.datetime | None = Field(
        None, description="Start of the hour of an hourly AQI (park's zone)."
    )


class AirStationPublic(BaseModel):
    """An ambient-air station: hourly and daily AQI, a 30-day calendar, good-day ratio."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    hourly: AqiValuePublic | None = Field(description="Newest valid hourly AQI of `today`.")
    daily: AqiValuePublic = Field(description="Daily AQI of the newest complete day (`day`).")
    calendar: list[AqiValuePublic] = Field(description="Daily AQI of the 30 days ending `day`.")
    year: int = Field(description="Year of the good-day ratio (1 January to `day`).")
    good_days: int = Field(description="Days with daily AQI <= 100 [d].")
    valid_days: int = Field(description="Days with a valid daily AQI [d].")
    good_ratio: float | None = Field(description="good_days / valid_days [-].")


class WaterSectionPublic(BaseModel):
    """A surface-water section's class on `day` by GB 3838-2002 (single-factor rule)."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    water_body: str = Field(description="river or lake (picks the TP limits).")
    date: dt.date
    means: dict[str, float | None] = Field(
        description="Daily means of valid values by indicator [mg/L; pH -]."
    )
    water_class: int | None = Field(description="Class 1-6 (6 = inferior V, 劣Ⅴ).")
    class_name: str | None = Field(description="Ⅰ … Ⅴ, 劣Ⅴ.")
    deciding: str | None = Field(description="Indicator(s) at the worst class.")
    target_class: int | None = Field(description="The section's target class 1-5.")
    target_name: str | None
    meets_target: bool | None = Field(description="water_class <= target_class.")


class OutletIndicatorPublic(BaseModel):
    """One indicator of an outlet on `day` against its GB 18918-2002 limit."""

    model_config = ConfigDict(from_attributes=True)

    indicator: str
    value: float | None = Field(description="Daily mean [mg/L; pH -].")
    limit_min: float | None = Field(description="Lower limit (pH only) [-].")
    limit_max: float | None = Field(description="Upper limit [mg/L; pH -].")
    exceeds: bool | None = Field(description="null: no value or no limit.")


class OutletPublic(BaseModel):
    """A sewage plant's outlet against GB 18918-2002 (plant assumed built from 2006-01-01)."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    enterprise: EnterpriseRefPublic | None
    standard: str | None = Field(description="The station's discharge standard as registered.")
    discharge_class: str | None = Field(description="GB 18918-2002 class (1A, 1B, 2, 3).")
    date: dt.date
    water_temp: float | None = Field(description="Daily mean water temperature [°C].")
    indicators: list[OutletIndicatorPublic]
    compliant: bool | None = Field(description="No indicator exceeds on `date`.")
    window_days: int = Field(description="Days of the exceedance window ending `date` [d].")
    assessed_days: int = Field(description="Days of the window with a judged indicator [d].")
    exceeding_days: int = Field(description="Days of the window with an exceedance [d].")
    exceeding_dates: list[dt.date]


class NoiseStationPublic(BaseModel):
    """A noise station's Ld and Ln against its GB 3096-2008 zone limits."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    zone: str | None = Field(description="GB 3096-2008 functional zone class.")
    date: dt.date = Field(description="The day; its night runs to 06:00 the next day.")
    ld: float | None = Field(description="Day level Ld, 06:00-22:00 [dB(A)].")
    ln: float | None = Field(description="Night level Ln, 22:00-06:00 [dB(A)].")
    n_day: int = Field(description="Valid hours averaged into Ld.")
    n_night: int = Field(description="Valid hours averaged into Ln.")
    day_limit: float | None = Field(description="[dB(A)]")
    night_limit: float | None = Field(description="[dB(A)]")
    day_margin: float | None = Field(description="Ld - day_limit [dB]; positive exceeds.")
    night_margin: float | None = Field(description="Ln - night_limit [dB]; positive exceeds.")
    day_exceeds: bool | None
    night_exceeds: bool | None


class EnvironmentPublic(BaseModel):
    """Air, surface water, sewage outlets and noise, as of the newest data in the store."""

    model_config = ConfigDict(from_attributes=True)

    timezone: str = Field(description="IANA zone of the dates and times.")
    as_of: dt.datetime | None = Field(description="Start of the newest hour with data.")
    today: dt.date | None = Field(description="Local date of as_of.")
    day: dt.date | None = Field(description="Newest complete local day.")
    noise_day: dt.date | None = Field(description="Newest local day whose night has ended.")
    valid_flags: list[str] = Field(description="HJ 212 data flags of the values counted.")
    assumed_commissioned: dt.date = Field(
        description="Assumed construction date of the sewage plants (GB 18918 TP limits)."
    )
    aqi_categories: list[AqiCategoryPublic]
    air: list[AirStationPublic]
    water: list[WaterSectionPublic]
    outlets: list[OutletPublic]
    noise: list[NoiseStationPublic]


def environment_public(report: EnvironmentReport) -> EnvironmentPublic:
    """The public model of :func:`greenpark.environment.view.environment_report`."""
    categories = aqi_categories()
    return EnvironmentPublic.model_validate(
        {
            "timezone": report.timezone,
            "as_of": report.as_of,
            "today": report.today,
            "day": report.day,
            "noise_day": report.noise_day,
            "valid_flags": sorted(VALID_FLAGS),
            "assumed_commissioned": ASSUMED_COMMISSIONED,
            "aqi_categories": [
                AqiCategoryPublic(
                    level=int(level),
                    aqi_min=int(row["aqi_min"]),
                    aqi_max=None if row["aqi_max"] is pd.NA else int(row["aqi_max"]),
                    category_en=str(row["category_en"]),
                    category_zh=str(row["category_zh"]),
                    colour=str(row["hex"]),
                )
                for level, row in categories.iterrows()
            ],
            "air": list(report.air),
            "water": list(report.water),
            "outlets": list(report.outlets),
            "noise": list(report.noise),
        },
        from_attributes=True,
    )
