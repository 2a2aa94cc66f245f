"""The environment view: air quality, surface water, sewage outlets and noise, judged by
the standards as of the newest data in the store.

Three layers, as everywhere in greenpark: the store reads measurement windows
(:mod:`greenpark.store.environment`, scope filtered in SQL); the pure functions here
(:func:`air_summary`, :func:`water_summary`, :func:`outlet_summary`, :func:`noise_summary`)
turn one station's rows into its judgement through the pure standards functions
(:mod:`greenpark.standards.air`, :mod:`~greenpark.standards.water`,
:mod:`~greenpark.standards.noise`); :func:`environment_report` ties them together.

Definitions (each applied in exactly one place):

- *As of*: the start of the newest hour any visible environmental station has a value
  for, not the wall clock. *Today* is its local date in the park's zone.
- *Newest complete day* (``day``): the newest local day whose 24 hours have all begun by
  the end of the as-of hour. Daily AQI, water class and outlet means are of that day.
- *Noise day* (``noise_day``): the newest local day whose night (22:00 to 06:00 the next
  morning, GB 3096-2008 clause 3) has ended, so Ln is not of a half night.
- *Valid values*: only values flagged ``N`` (normal) or ``T`` (above the analyser's
  range, a real high value) count (:data:`VALID_FLAGS`, HJ 212-2017 table 8); values
  flagged ``C`` (calibration), ``M`` (maintenance), ``D`` (fault), ``F``, ``S``, ``B``
  and NULL values are treated as missing hours.
- *Time labels*: stored hourly values are labelled by the *start* of their hour (HJ 212
  ``DataTime`` of hourly data), so ``hour_label="start"``.
- *Daily AQI*: :func:`greenpark.standards.air.daily_aqi` (24-h means need 20 valid hours,
  O3 8-h 14 valid windows; a day without a valid pollutant has no AQI).
- *Good-day ratio* (优良天数比例): days with daily AQI <= 100 over the days with a valid
  daily AQI, from 1 January of the newest complete day's year to that day.
- *Surface-water class*: the daily means of the newest complete day classed by
  :func:`greenpark.standards.water.overall_class` with the station's water body, on
  pH, DO, CODMn, NH3-N and TP (TN and fecal coliform are left out, as national
  assessment does); it meets the target when the class number is at most the target's.
- *Outlet compliance*: daily means against GB 18918-2002 of the class named by the
  station's ``discharge_standard`` (``"GB 18918-2002 1A"``), water temperature from
  ``w01010``; plants are assumed commissioned on or after 2006-01-01
  (:data:`ASSUMED_COMMISSIONED`: the stricter TP limits). A day *exceeds* when any
  indicator's daily mean exceeds its limit; the count is over the last
  :data:`OUTLET_DAYS` days ending with the newest complete day.
- *Noise*: Ld and Ln (:func:`greenpark.standards.noise.day_night_levels`, energy means of
  the valid hourly LAeq) against the GB 3096-2008 limits of the station's zone class.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from greenpark.standards import air, noise, water
from greenpark.standards.monitoring import (
    AIR_PARAMETERS,
    ASSUMED_COMMISSIONED,
    CALENDAR_DAYS,
    DAY_START,
    GOOD_DAY_MAX_AQI,
    HOUR_LABEL,
    NIGHT_START,
    NOISE_PARAMETER,
    OUTLET_DAYS,
    OUTLET_PARAMETERS,
    SURFACE_WATER_PARAMETERS,
    TARGET_CLASSES,
    VALID_FLAGS,
    WATER_TEMP,
    discharge_class,
)
from greenpark.store._scope import Scope
from greenpark.store.environment import (
    EnvironmentStation,
    environment_stations,
    newest_time,
    read_measurements,
)
from greenpark.store.overview import EnterpriseRef, time_zone

# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AqiValue:
    """An AQI [-] with its level (1-6, HJ 633 table 2) and primary pollutant(s).

    ``date`` is set for a daily value, ``time`` (start of the hour, park's zone) for an
    hourly one; ``aqi`` is ``None`` when no pollutant was valid.
    """

    aqi: float | None
    level: int | None
    primary_pollutant: str | None
    date: dt.date | None = None
    time: dt.datetime | None = None


@dataclass(frozen=True)
class AirSummary:
    """An ambient-air station: latest hourly AQI of today, daily AQI of the newest complete
    day, a calendar of daily AQIs and the year's good-day ratio."""

    code: str
    name: str
    hourly: AqiValue | None
    daily: AqiValue
    calendar: tuple[AqiValue, ...]
    year: int
    good_days: int
    valid_days: int

    @property
    def good_ratio(self) -> float | None:
        """Good days over valid days [-]; ``None`` without a valid day."""
        return self.good_days / self.valid_days if self.valid_days else None


@dataclass(frozen=True)
class WaterSummary:
    """A surface-water section's class on one day (GB 3838-2002)."""

    code: str
    name: str
    water_body: str
    date: dt.date
    means: dict[str, float | None]  # indicator -> daily mean [mg/L; pH -]
    water_class: int | None  # 1..6 (6 = 劣Ⅴ)
    class_name: str | None
    deciding: str | None
    target_class: int | None
    target_name: str | None

    @property
    def meets_target(self) -> bool | None:
        """Class number at most the target's; ``None`` without class or target."""
        if self.water_class is None or self.target_class is None:
            return None
        return self.water_class <= self.target_class


@dataclass(frozen=True)
class OutletIndicator:
    """One indicator of an outlet on the newest complete day against its limit."""

    indicator: str
    value: float | None  # daily mean [mg/L; pH -]
    limit_min: float | None
    limit_max: float | None
    exceeds: bool | None  # None: no value or no limit


@dataclass(frozen=True)
class OutletSummary:
    """A sewage plant's outlet against GB 18918-2002.

    ``discharge_class`` is ``None`` when the station's standard is not a GB 18918-2002
    class (nothing is judged then). ``exceeding_dates`` are the days of the window
    ``(date - window_days, date]`` on which any daily mean exceeded its limit;
    ``assessed_days`` those with at least one indicator judged.
    """

    code: str
    name: str
    enterprise: EnterpriseRef | None
    standard: str | None
    discharge_class: str | None
    date: dt.date
    water_temp: float | None  # daily mean [°C]
    indicators: tuple[OutletIndicator, ...]
    window_days: int
    assessed_days: int
    exceeding_dates: tuple[dt.date, ...]

    @property
    def compliant(self) -> bool | None:
        """No indicator exceeds on ``date``; ``None`` when none was judged."""
        judged = [i.exceeds for i in self.indicators if i.exceeds is not None]
        return None if not judged else not any(judged)

    @property
    def exceeding_days(self) -> int:
        """Number of days of the window with an exceedance."""
        return len(self.exceeding_dates)


@dataclass(frozen=True)
class NoiseSummary:
    """A noise station's day and night levels on one day against its GB 3096-2008 zone."""

    code: str
    name: str
    zone: str | None
    date: dt.date
    ld: float | None  # [dB(A)]
    ln: float | None  # [dB(A)]
    n_day: int
    n_night: int
    day_limit: float | None  # [dB(A)]
    night_limit: float | None  # [dB(A)]
    day_margin: float | None  # Ld - limit [dB]
    night_margin: float | None  # Ln - limit [dB]
    day_exceeds: bool | None
    night_exceeds: bool | None


@dataclass(frozen=True)
class EnvironmentReport:
    """Everything the environment page shows; dates are ``None`` without any data."""

    timezone: str
    as_of: dt.datetime | None  # start of the newest hour with data, park's zone
    today: dt.date | None
    day: dt.date | None
    noise_day: dt.date | None
    air: tuple[AirSummary, ...]
    water: tuple[WaterSummary, ...]
    outlets: tuple[OutletSummary, ...]
    noise: tuple[NoiseSummary, ...]


# --- helpers ----------------------------------------------------------------------------


def _midnight(day: dt.date, zone: ZoneInfo, hour: int = 0) -> dt.datetime:
    """``day`` at ``hour`` o'clock local time, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


def newest_complete_day(as_of: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The newest local day whose hours have all begun by the end of the hour ``as_of``."""
    end = (as_of + dt.timedelta(hours=1)).astimezone(zone).replace(tzinfo=None)
    return (end - dt.timedelta(hours=24)).date()


def newest_complete_night(as_of: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The newest local day whose night (to :data:`DAY_START` the next day) has ended."""
    end = (as_of + dt.timedelta(hours=1)).astimezone(zone).replace(tzinfo=None)
    return (end - dt.timedelta(hours=24 + DAY_START)).date()


def valid_wide(rows: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Valid values of ``rows`` (one station) as a frame: UTC time index, one column per name.

    Parameters
    ----------
    rows
        As returned by :func:`greenpark.store.environment.read_measurements`.
    names
        HJ 212 code -> column name; other parameters are dropped.

    Returns
    -------
    pandas.DataFrame
        Only values whose flag is in :data:`VALID_FLAGS` and not NULL; a missing hour is
        absent. Columns in the order of ``names`` (those present).
    """
    keep = rows["flag"].isin(VALID_FLAGS) & rows["parameter"].isin(names) & rows["value"].notna()
    valid = rows.loc[keep]
    if valid.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC", name="time"))
    wide = valid.pivot(index="time", columns="parameter", values="value")
    wide = wide[[c for c in names if c in wide.columns]].rename(columns=dict(names))
    wide.columns.name = None
    wide.index = pd.DatetimeIndex(wide.index, name="time")
    return wide


def _local_dates(index: pd.DatetimeIndex, zone: ZoneInfo) -> np.ndarray:
    return np.asarray(index.tz_convert(zone).date)


def _optional(value: object) -> float | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return float(value)  # type: ignore[arg-type]


def _aqi_value(
    row: pd.Series, *, date: dt.date | None = None, time: dt.datetime | None = None
) -> AqiValue:
    aqi = _optional(row["aqi"])
    primary = row["primary_pollutant"]
    return AqiValue(
        aqi=aqi,
        level=None if aqi is None else int(row["level"]),
        primary_pollutant=None if pd.isna(primary) else str(primary),
        date=date,
        time=time,
    )


# --- air --------------------------------------------------------------------------------


def air_summary(
    station: EnvironmentStation,
    rows: pd.DataFrame,
    *,
    timezone: str,
    today: dt.date,
    day: dt.date,
    calendar_days: int = CALENDAR_DAYS,
) -> AirSummary:
    """Judge one ambient-air station's hourly values by HJ 633.

    Parameters
    ----------
    station
        The station.
    rows
        Its hourly values of :data:`AIR_PARAMETERS` from 1 January of ``day``'s year (or
        the calendar's first day, if earlier) to the end of ``today`` [μg/m³; CO mg/m³].
    timezone
        IANA zone of the park: the natural day of the daily AQI.
    today
        Local date of the newest data: the hourly AQI is the newest valid one of this day.
    day
        The newest complete day: the daily AQI shown and the calendar's last day.
    calendar_days
        Length of the calendar [d].

    Returns
    -------
    AirSummary

    References
    ----------
    .. [1] HJ 633-2012 / HJ 633-2026, clauses 5.1-5.2 (hourly and daily AQI), table 2.
    .. [2] GB 3095-2012, table 4 (data validity); HJ 663-2013 (good-day ratio, 优良天数比例).
    """
    zone = time_zone(timezone)
    hourly = valid_wide(rows, AIR_PARAMETERS)
    first = day - dt.timedelta(days=calendar_days - 1)
    year_start = dt.date(day.year, 1, 1)
    by_date: dict[dt.date, AqiValue] = {}
    latest: AqiValue | None = None
    if not hourly.empty:
        hourly = hourly[hourly.index == hourly.index.floor("h")]
        daily = air.daily_aqi(hourly, tz=timezone, hour_label=HOUR_LABEL)
        for date, (_, row) in zip(_local_dates(daily.index, zone), daily.iterrows(), strict=True):
            by_date[date] = _aqi_value(row, date=date)
        today_rows = hourly[_local_dates(hourly.index, zone) == today]
        if not today_rows.empty:
            result = air.hourly_aqi(today_rows).dropna(subset=["aqi"])
            if not result.empty:
                time = result.index[-1].to_pydatetime().astimezone(zone)
                latest = _aqi_value(result.iloc[-1], time=time)

    def on(date: dt.date) -> AqiValue:
        return by_date.get(date) or AqiValue(None, None, None, date=date)

    year = [v.aqi for d, v in by_date.items() if year_start <= d <= day and v.aqi is not None]
    return AirSummary(
        code=station.code,
        name=station.name,
        hourly=latest,
        daily=on(day),
        calendar=tuple(on(first + dt.timedelta(days=i)) for i in range(calendar_days)),
        year=day.year,
        good_days=sum(1 for a in year if a <= GOOD_DAY_MAX_AQI),
        valid_days=len(year),
    )


# --- surface water ----------------------------------------------------------------------


def daily_means(rows: pd.DataFrame, names: Mapping[str, str], zone: ZoneInfo) -> pd.DataFrame:
    """Daily means of the valid values of ``rows`` (one station), by local date.

    Returns
    -------
    pandas.DataFrame
        Indexed by local date (``datetime.date``), one column per name present.
    """
    wide = valid_wide(rows, names)
    if wide.empty:
        return pd.DataFrame()
    return wide.groupby(_local_dates(wide.index, zone)).mean()


def water_summary(
    station: EnvironmentStation, rows: pd.DataFrame, *, timezone: str, day: dt.date
) -> WaterSummary:
    """Class a surface-water section on ``day`` by GB 3838-2002 (single-factor rule).

    Parameters
    ----------
    station
        The section; ``water_body`` (``river``/``lake``, default river) picks the TP
        limits, ``water_target_class`` (``"I"`` .. ``"V"``) the target.
    rows
        Its values of :data:`SURFACE_WATER_PARAMETERS` on ``day`` [mg/L; pH -].
    timezone
        IANA zone of the park.
    day
        The local day judged.

    Returns
    -------
    WaterSummary
        Daily means, class (``None`` without any value), deciding indicator(s), target.

    References
    ----------
    .. [1] GB 3838-2002, clause 5 and table 1.
    """
    zone = time_zone(timezone)
    body = station.water_body or "river"
    means = daily_means(rows, SURFACE_WATER_PARAMETERS, zone)
    values: dict[str, float | None] = dict.fromkeys(SURFACE_WATER_PARAMETERS.values())
    cls: int | None = None
    name: str | None = None
    deciding: str | None = None
    if day in means.index:
        frame = means.loc[[day]]
        for column in frame.columns:
            values[column] = _optional(frame[column].iloc[0])
        judged = water.overall_class(frame, body=body, indicators=list(frame.columns)).iloc[0]
        if not pd.isna(judged["class"]):
            cls, name, deciding = int(judged["class"]), str(judged["name"]), str(judged["deciding"])
    target = TARGET_CLASSES.get((station.water_target_class or "").upper())
    return WaterSummary(
        code=station.code,
        name=station.name,
        water_body=body,
        date=day,
        means=values,
        water_class=cls,
        class_name=name,
        deciding=deciding,
        target_class=target,
        target_name=None if target is None else water.CLASS_NAMES[target],
    )


# --- sewage outlets ---------------------------------------------------------------------


def outlet_summary(
    station: EnvironmentStation,
    rows: pd.DataFrame,
    *,
    timezone: str,
    day: dt.date,
    window_days: int = OUTLET_DAYS,
) -> OutletSummary:
    """Judge a sewage plant's outlet by GB 18918-2002 on daily means.

    Parameters
    ----------
    station
        The outlet; ``discharge_standard`` names the class (``"GB 18918-2002 1A"``).
    rows
        Its values of :data:`OUTLET_PARAMETERS` over the ``window_days`` days ending with
        ``day`` [mg/L; pH -; water temperature °C].
    timezone
        IANA zone of the park.
    day
        The newest complete day: the day whose means are shown, and the window's last.
    window_days
        Days over which exceeding days are counted [d].

    Returns
    -------
    OutletSummary

    Notes
    -----
    The plant is assumed commissioned on or after :data:`ASSUMED_COMMISSIONED` (the
    stricter TP limits). At a daily mean water temperature of 12 °C or below the
    bracketed NH3-N limits apply; without a temperature the stricter ones.

    References
    ----------
    .. [1] GB 18918-2002, clause 4.2 and table 1 (maximum daily-average concentrations).
    """
    zone = time_zone(timezone)
    cls = discharge_class(station.discharge_standard)
    first = day - dt.timedelta(days=window_days - 1)
    dates = [first + dt.timedelta(days=i) for i in range(window_days)]
    means = daily_means(rows, OUTLET_PARAMETERS, zone).reindex(dates)
    indicators = [c for c in OUTLET_PARAMETERS.values() if c != WATER_TEMP and c in means.columns]
    water_temp = _optional(means.at[day, WATER_TEMP]) if WATER_TEMP in means.columns else None
    judged: list[OutletIndicator] = []
    exceeding: tuple[dt.date, ...] = ()
    assessed = 0
    if cls is not None and indicators:
        check = water.gb18918_compliance(
            means,
            cls=cls,
            commissioned=ASSUMED_COMMISSIONED,
            water_temp=WATER_TEMP if WATER_TEMP in means.columns else None,
        )
        exceeds = check.xs("exceeds", axis=1, level="field")
        exceeding = tuple(d for d in dates if bool(exceeds.loc[d].fillna(False).any()))
        assessed = int(exceeds.notna().any(axis=1).sum())
        for name in indicators:
            flag = exceeds.at[day, name]
            judged.append(
                OutletIndicator(
                    indicator=name,
                    value=_optional(means.at[day, name]),
                    limit_min=_optional(check.at[day, (name, "limit_min")]),
                    limit_max=_optional(check.at[day, (name, "limit_max")]),
                    exceeds=None if pd.isna(flag) else bool(flag),
                )
            )
    return OutletSummary(
        code=station.code,
        name=station.name,
        enterprise=station.enterprise,
        standard=station.discharge_standard,
        discharge_class=cls,
        date=day,
        water_temp=water_temp,
        indicators=tuple(judged),
        window_days=window_days,
        assessed_days=assessed,
        exceeding_dates=exceeding,
    )


# --- noise ------------------------------------------------------------------------------


def noise_summary(
    station: EnvironmentStation, rows: pd.DataFrame, *, timezone: str, day: dt.date
) -> NoiseSummary:
    """Ld and Ln of ``day`` against the GB 3096-2008 limits of the station's zone.

    Parameters
    ----------
    station
        The noise station; ``noise_zone_class`` is its functional zone (``None``: no limit).
    rows
        Its hourly LAeq [dB(A)] from ``day`` 06:00 to the next day 06:00 (local).
    timezone
        IANA zone of the park.
    day
        The day judged; its night runs to 06:00 the next day.

    Returns
    -------
    NoiseSummary
        Levels ``None`` when the window has no valid value; margins positive above the limit.

    References
    ----------
    .. [1] GB 3096-2008, clause 3 (昼间 06:00-22:00, 夜间 22:00-06:00), clause 5.1, table 1.
    """
    wide = valid_wide(rows, {NOISE_PARAMETER: "laeq"})
    ld = ln = None
    n_day = n_night = 0
    if not wide.empty:
        levels = noise.day_night_levels(
            wide["laeq"], timezone=timezone, day_start=DAY_START, night_start=NIGHT_START
        )
        match = levels[_local_dates(levels.index, time_zone(timezone)) == day]
        if not match.empty:
            ld, ln = _optional(match["ld"].iloc[0]), _optional(match["ln"].iloc[0])
            n_day, n_night = int(match["n_day"].iloc[0]), int(match["n_night"].iloc[0])
    limits: dict[str, float | None] = dict.fromkeys(
        ("day_limit", "night_limit", "day_margin", "night_margin")
    )
    day_exceeds = night_exceeds = None
    if station.noise_zone_class is not None:
        check = noise.gb3096_compliance(
            np.nan if ld is None else ld, np.nan if ln is None else ln, station.noise_zone_class
        )
        limits = {k: _optional(check[k]) for k in limits}
        day_exceeds = None if ld is None else bool(check["day_exceeds"])
        night_exceeds = None if ln is None else bool(check["night_exceeds"])
    return NoiseSummary(
        code=station.code,
        name=station.name,
        zone=station.noise_zone_class,
        date=day,
        ld=ld,
        ln=ln,
        n_day=n_day,
        n_night=n_night,
        day_exceeds=day_exceeds,
        night_exceeds=night_exceeds,
        **limits,
    )


# --- the report -------------------------------------------------------------------------


def _of(frame: pd.DataFrame, station_id: int) -> pd.DataFrame:
    return frame.loc[frame["station_id"] == station_id]


def environment_report(conn: Connection, timezone: str, *, scope: Scope) -> EnvironmentReport:
    """The environment page of the shown park as ``scope`` may see it.

    Parameters
    ----------
    conn
        A connection to the store (``Store.read()``).
    timezone
        IANA zone of the park (``Settings.park_timezone``).
    scope
        ``None`` for the whole park, else the ids of the enterprises the caller may see:
        park-level stations are shown to everyone, outlets within the scope only.

    Returns
    -------
    EnvironmentReport
        As of the newest value of the visible stations; empty lists without data.

    Notes
    -----
    Reads only the windows needed: air from 1 January of the newest complete day's year
    (or the calendar's first day) to the newest hour, water the newest complete day,
    outlets its last :data:`OUTLET_DAYS` days, noise the noise day 06:00 to 06:00.
    """
    zone = time_zone(timezone)
    stations = environment_stations(conn, scope=scope)
    as_of = newest_time(conn, [s.id for s in stations], scope=scope)
    if as_of is None:
        return EnvironmentReport(timezone, None, None, None, None, (), (), (), ())
    end = as_of + dt.timedelta(hours=1)
    today = as_of.astimezone(zone).date()
    day = newest_complete_day(as_of, zone)
    noise_day = newest_complete_night(as_of, zone)
    kind = {k: [s for s in stations if s.kind == k] for k in {s.kind for s in stations}}

    def read(
        group: str, codes: Mapping[str, str], start: dt.datetime, stop: dt.datetime
    ) -> pd.DataFrame:
        ids = [s.id for s in kind.get(group, [])]
        return read_measurements(conn, ids, codes, start, stop, scope=scope)

    first = min(dt.date(day.year, 1, 1), day - dt.timedelta(days=CALENDAR_DAYS - 1))
    air_rows = read("ambient_air", AIR_PARAMETERS, _midnight(first, zone), end)
    day_start, day_end = _midnight(day, zone), _midnight(day + dt.timedelta(days=1), zone)
    water_rows = read("surface_water", SURFACE_WATER_PARAMETERS, day_start, day_end)
    outlet_start = _midnight(day - dt.timedelta(days=OUTLET_DAYS - 1), zone)
    outlet_rows = read("wastewater_outlet", OUTLET_PARAMETERS, outlet_start, day_end)
    noise_rows = read(
        "noise",
        {NOISE_PARAMETER: NOISE_PARAMETER},
        _midnight(noise_day, zone, DAY_START),
        _midnight(noise_day + dt.timedelta(days=1), zone, DAY_START),
    )
    return EnvironmentReport(
        timezone=timezone,
        as_of=as_of.astimezone(zone),
        today=today,
        day=day,
        noise_day=noise_day,
        air=tuple(
            air_summary(s, _of(air_rows, s.id), timezone=timezone, today=today, day=day)
            for s in kind.get("ambient_air", [])
        ),
        water=tuple(
            water_summary(s, _of(water_rows, s.id), timezone=timezone, day=day)
            for s in kind.get("surface_water", [])
        ),
        outlets=tuple(
            outlet_summary(s, _of(outlet_rows, s.id), timezone=timezone, day=day)
            for s in kind.get("wastewater_outlet", [])
        ),
        noise=tuple(
            noise_summary(s, _of(noise_rows, s.id), timezone=timezone, day=noise_day)
            for s in kind.get("noise", [])
        ),
    )
