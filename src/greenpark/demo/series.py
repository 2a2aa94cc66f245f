"""The demo's time series as numpy arrays (pure: profiles and plans in, arrays out).

Each function builds the complete series of one station or one enterprise for a
:class:`Calendar` (park-local, fixed UTC offset). Randomness comes from
:func:`greenpark.demo.gaps.series_rng` streams named after the series, so a series is the
same whatever else is generated and in whatever order. Park-wide drivers (the air
temperature proxy, the air-pollution weather factor, PV cloudiness) are functions of the
seed alone and are shared by every series that needs them.

What shapes each series (``docs/demo.md`` has the full table):

- ambient air: diurnal pattern and January level of Guiyang's 10 CNEMC stations
  (2022-01-04) + a seasonal cycle + AR(1) day-to-day variation;
- surface water: quartiles of the national automatic stations of the same water body and
  class (2026-02-04 snapshot) + seasonal cycles; DO from saturation at the water temperature;
- sewage plants: day-to-day variation of the UCI plant (influent flow and COD, effluent
  COD) + typical Chinese municipal levels and diurnal inflow;
- industrial electricity: the UCI steel plant's real 15-min load, shifted by whole weeks;
- PV: real NREL PVDAQ days stretched to Gui'an's sunrise and sunset;
- data centres, gas, water, heat, cooling, noise: synthetic, from the electricity shape,
  the temperature proxy and the noise zone limits (no real data available).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from greenpark.demo.gaps import (
    FLAG_ABOVE_RANGE,
    FLAG_CALIBRATION,
    FLAG_FAULT,
    FLAG_MAINTENANCE,
    flag_plan,
    gap_plan,
    quality_plan,
    series_rng,
)
from greenpark.demo.park import (
    ABSORPTION_COP,
    ABSORPTION_KW,
    BOILER_EFFICIENCY,
    ELECTRIC_CHILLER_COP,
    ELECTRIC_CHILLER_KW,
    ENGINE_ELECTRIC_EFFICIENCY,
    ENGINE_HEAT_RECOVERY_EFFICIENCY,
    ENGINE_KW,
    GAS_KWH_PER_M3,
    PARK_LATITUDE,
    PARK_LONGITUDE,
    PARK_TIMEZONE,
    PV_KW,
    ROLE_DATA_CENTRE,
    ROLE_ENERGY_STATION,
    ROLE_SEWAGE_PLANT,
    SEWAGE_LOAD_RATE,
    DemoRegistry,
    EnterprisePlan,
    MeterPlan,
    Parameter,
    StationPlan,
)
from greenpark.demo.profiles import Profiles
from greenpark.demo.solar import noon_elevation, sunrise_sunset
from greenpark.units import HOUR_S, QUARTER_HOUR_S

FloatArray = NDArray[np.float64]

#: Energy of one kWh [GJ].
GJ_PER_KWH = 0.0036
#: Rounding of meter readings by carrier [decimals].
READING_DECIMALS = {"electricity": 2, "natural_gas": 3, "water": 3, "heat": 4, "cooling": 4}
#: Day of year of the real air day (2022-01-04), whose level anchors the seasonal cycle.
AIR_ANCHOR_DOY = 4
#: Typical disturbance of a value reported during maintenance or a fault, for parameters on
#: an additive scale (by unit); concentrations and flows are scaled by U(0.3, 1.7) instead.
FLAGGED_SPREAD = {"-": 0.6, "°C": 2.0, "dB(A)": 6.0}
#: Day of year of the PV bank's median day (2016-08-15, Golden, Colorado), for the
#: noon-elevation scaling, and the bank site's latitude [°].
PV_BANK_DOY = 228
PV_BANK_LATITUDE = 39.742
#: Typical diurnal inflow of a Chinese municipal sewage plant (hour-start, ratio to the
#: daily mean); synthetic, lagged about 2 h behind water use.
SEWAGE_INFLOW_DIURNAL = np.array(
    [0.86, 0.78, 0.72, 0.68, 0.66, 0.68, 0.76, 0.90, 1.04, 1.14, 1.20, 1.22,
     1.18, 1.12, 1.08, 1.05, 1.04, 1.06, 1.12, 1.18, 1.20, 1.14, 1.04, 0.94]
)  # fmt: skip
SEWAGE_INFLOW_DIURNAL = SEWAGE_INFLOW_DIURNAL / SEWAGE_INFLOW_DIURNAL.mean()
#: Daytime weight of the noise level by hour (0 = night level, 1 = day level); synthetic.
NOISE_DAY_WEIGHT = np.array(
    [0.0, 0.0, 0.0, 0.0, 0.05, 0.3, 0.7, 0.95, 1.0, 1.0, 1.0, 1.0,
     0.9, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 0.85, 0.7, 0.4, 0.15]
)  # fmt: skip
#: Day and night hourly level of each noise zone class in the demo [dB(A)] (a little below
#: the GB 3096-2008 limits of 60/50, 65/55 and 70/55, except the 4a night level).
NOISE_LEVELS = {"2": (54.0, 45.5), "3": (58.5, 50.0), "4a": (64.5, 55.5)}


@dataclass(frozen=True)
class Calendar:
    """The demo's time axis: ``days`` days from 1 January of ``year``, park-local.

    The zone must have a fixed UTC offset over the year (Asia/Shanghai has no daylight
    saving), so local time is index arithmetic: interval ``i`` of 15 min starts at
    ``i · 15 min`` after local midnight of 1 January.
    """

    year: int
    days: int
    timezone: str = PARK_TIMEZONE

    @classmethod
    def for_year(cls, year: int, days: int | None = None) -> Calendar:
        """The calendar of ``year``, or of its first ``days`` days."""
        full = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        if days is None:
            days = full
        if not 1 <= days <= full:
            raise ValueError(f"days must be in 1..{full} for {year}, got {days}")
        return cls(year, days)

    def __post_init__(self) -> None:
        zone = ZoneInfo(self.timezone)
        jan = dt.datetime(self.year, 1, 1, tzinfo=zone).utcoffset()
        jul = dt.datetime(self.year, 7, 1, tzinfo=zone).utcoffset()
        if jan != jul:
            raise ValueError(f"{self.timezone} changes its UTC offset in {self.year}")

    @property
    def days_in_year(self) -> int:
        """Days of the whole calendar year [-]."""
        return (dt.date(self.year + 1, 1, 1) - dt.date(self.year, 1, 1)).days

    @property
    def utc_offset_h(self) -> float:
        """Offset of park-local time from UTC [h]."""
        offset = dt.datetime(self.year, 1, 1, tzinfo=ZoneInfo(self.timezone)).utcoffset()
        assert offset is not None
        return offset.total_seconds() / 3600

    @property
    def start(self) -> pd.Timestamp:
        """Local midnight of 1 January (aware)."""
        return pd.Timestamp(self.year, 1, 1, tz=self.timezone)

    def steps(self, interval_s: int) -> int:
        """Intervals of ``interval_s`` seconds in the calendar [-]."""
        return self.days * 86_400 // interval_s

    def times(self, interval_s: int) -> pd.DatetimeIndex:
        """Start of every interval, in UTC."""
        start = self.start.tz_convert("UTC")
        return pd.date_range(start, periods=self.steps(interval_s), freq=f"{interval_s}s")

    def day_index(self, interval_s: int) -> NDArray[np.int64]:
        """Day of each interval, 0 = 1 January [-]."""
        return np.arange(self.steps(interval_s)) // (86_400 // interval_s)

    def hour_of_day(self, interval_s: int) -> FloatArray:
        """Local hour of each interval's start, 0 ≤ h < 24 [h]."""
        per_day = 86_400 // interval_s
        return (np.arange(self.steps(interval_s)) % per_day) * interval_s / 3600.0

    def weekday(self, interval_s: int) -> NDArray[np.int64]:
        """Weekday of each interval, Monday = 0 [-]."""
        first = dt.date(self.year, 1, 1).weekday()
        return (self.day_index(interval_s) + first) % 7

    @cached_property
    def day_of_year(self) -> NDArray[np.int64]:
        """Day of the year of each day, 1 = 1 January [-]."""
        return np.arange(1, self.days + 1)


@dataclass(frozen=True)
class SeriesData:
    """One complete series before the gaps are cut out.

    ``values`` holds every interval; ``keep`` is ``False`` in the deliberate gaps; ``marks``
    are HJ 212 flags (stations) or reading qualities (meters).
    """

    kind: str  # "station" or "meter"
    code: str
    parameter: str  # "" for meters
    interval_s: int
    values: FloatArray
    keep: NDArray[np.bool_]
    marks: NDArray[np.str_]

    @property
    def key(self) -> str:
        """Series name used by the plans: meter code or ``"station/parameter"``."""
        return f"{self.code}/{self.parameter}" if self.parameter else self.code

    @property
    def rows(self) -> int:
        """Rows written to the store [-]."""
        return int(self.keep.sum())


@dataclass(frozen=True)
class SeriesInfo:
    """What the store must hold for one series: full length minus the planned gaps."""

    kind: str
    code: str
    parameter: str
    interval_s: int
    full: int
    missing: int
    gaps: int

    @property
    def key(self) -> str:
        """Series name used by the plans."""
        return f"{self.code}/{self.parameter}" if self.parameter else self.code

    @property
    def rows(self) -> int:
        """Rows in the store [-]."""
        return self.full - self.missing


@dataclass(frozen=True)
class SeriesGroup:
    """Series generated and written together (one station, or one enterprise's meters)."""

    name: str
    kind: str  # "station" or "meter"
    owner: str  # station code or enterprise code
    series: tuple[tuple[str, str], ...]  # (code, parameter)


# ----------------------------------------------------------------------------- helpers


def ar1(rng: np.random.Generator, n: int, phi: float, sigma: float) -> FloatArray:
    """A stationary AR(1) series x_t = φ x_(t−1) + ε_t with marginal standard deviation σ.

    Parameters
    ----------
    rng
        The random stream.
    n
        Length [-].
    phi
        Lag-1 autocorrelation φ, |φ| < 1 [-].
    sigma
        Marginal standard deviation σ (ε has σ·√(1 − φ²)) [unit of the result].

    Returns
    -------
    numpy.ndarray
        ``n`` values, starting from the stationary distribution.
    """
    eps = rng.standard_normal(n) * sigma * math.sqrt(1.0 - phi * phi)
    out = np.empty(n)
    x = rng.standard_normal() * sigma
    for i in range(n):
        x = phi * x + eps[i]
        out[i] = x
    return out


def _seasonal(doy: NDArray[np.int64] | FloatArray, peak_doy: float) -> FloatArray:
    """cos(2π (doy − peak) / 365.25): 1 at the peak day, −1 half a year later."""
    return np.cos(2.0 * np.pi * (np.asarray(doy, dtype=float) - peak_doy) / 365.25)


def _normal_cdf(z: FloatArray) -> FloatArray:
    return 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0)))


def _per_interval(daily: FloatArray, interval_s: int) -> FloatArray:
    return np.repeat(daily, 86_400 // interval_s)


# ---------------------------------------------------------------- park-wide drivers


@lru_cache(maxsize=8)
def temperature(seed: int, cal: Calendar, interval_s: int = QUARTER_HOUR_S) -> FloatArray:
    """Air temperature proxy for Gui'an [°C] (no weather file was available).

    Climatological mean 14.8 °C, seasonal amplitude 9.5 °C with the minimum in mid-January,
    diurnal amplitude 3.5 °C peaking at 15:00, plus AR(1) daily anomalies (σ 2.2 °C).

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    interval_s
        Interval length [s].

    Returns
    -------
    numpy.ndarray
        Temperature at the start of each interval [°C].
    """
    rng = series_rng(seed, "weather", "temperature")
    anomaly = ar1(rng, cal.days, 0.7, 2.2)
    doy = _per_interval(cal.day_of_year.astype(float), interval_s)
    hour = cal.hour_of_day(interval_s)
    clim = 14.8 - 9.5 * _seasonal(doy, 15.0) + 3.5 * np.cos(2 * np.pi * (hour - 15.0) / 24)
    out = clim + _per_interval(anomaly, interval_s)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=32)
def _climate_degree_days(cal: Calendar, base: float, cooling: bool) -> float:
    """Mean of max(T − base, 0) (cooling) or max(base − T, 0) over a climatological year."""
    doy = np.repeat(np.arange(1, cal.days_in_year + 1, dtype=float), 24)
    hour = np.tile(np.arange(24, dtype=float), cal.days_in_year)
    t = 14.8 - 9.5 * _seasonal(doy, 15.0) + 3.5 * np.cos(2 * np.pi * (hour - 15.0) / 24)
    dd = np.maximum(t - base, 0.0) if cooling else np.maximum(base - t, 0.0)
    return float(dd.mean())


def pv_per_unit(seed: int, cal: Calendar, profiles: Profiles) -> FloatArray:
    """PV AC output per unit of rating for every 15-min interval [-].

    For each day: a latent cloudiness u ∈ (0, 1) from an AR(1) (φ 0.55); a target daily
    clearness k = m(doy) · (0.2 + 1.6 u) with m from 0.24 (January) to 0.48 (July), as
    Guiyang is cloudy; the bank day whose clearness has the same rank as u (so cloudy days
    use real cloudy shapes); its shape stretched from its own sunrise-sunset to Gui'an's
    and scaled by k / k_bank (≤ 1) and by the ratio of noon-elevation sines. Zero at night.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    numpy.ndarray
        AC power / rating for each 15-min interval, 0-1 [-].
    """
    rng = series_rng(seed, "weather", "pv")
    u = _normal_cdf(ar1(rng, cal.days, 0.55, 1.0))
    doy = cal.day_of_year
    mean_k = 0.36 - 0.12 * _seasonal(doy, 15.0)
    k_target = mean_k * (0.2 + 1.6 * u)
    order = np.argsort(profiles.pv_clearness, kind="stable")
    bank_idx = order[np.rint(u * (len(order) - 1)).astype(int)]
    k_bank = profiles.pv_clearness[bank_idx]
    scale = np.minimum(k_target / k_bank, 1.0)
    elevation = np.sin(np.radians(noon_elevation(doy, PARK_LATITUDE))) / np.sin(
        np.radians(noon_elevation(PV_BANK_DOY, PV_BANK_LATITUDE))
    )
    sunrise, sunset = sunrise_sunset(doy, PARK_LATITUDE, PARK_LONGITUDE, cal.utc_offset_h)
    day = cal.day_index(QUARTER_HOUR_S)
    centre = cal.hour_of_day(QUARTER_HOUR_S) + QUARTER_HOUR_S / 7_200
    s = (centre - sunrise[day]) / (sunset[day] - sunrise[day])
    grid = profiles.pv_shapes.shape[1] - 1
    pos = np.clip(s, 0.0, 1.0) * grid
    i0 = np.minimum(pos.astype(int), grid - 1)
    frac = pos - i0
    bank_row = bank_idx[day]
    shapes = profiles.pv_shapes
    value = shapes[bank_row, i0] * (1 - frac) + shapes[bank_row, i0 + 1] * frac
    value = np.where((s > 0) & (s < 1), value, 0.0)
    return np.clip(value * (scale * elevation)[day], 0.0, 1.0)


def load_shape(cal: Calendar, profiles: Profiles, week_shift: int, base: float) -> FloatArray:
    """Per-unit 15-min electricity profile from the real steel-plant load [-].

    The steel year is read from the day with the same weekday as 1 January of the demo
    year, shifted by ``week_shift`` weeks (wrapping over its first 364 days, so weekdays
    stay aligned); ``base`` is the flat share mixed in: ``base + (1 − base) · steel/mean``.
    The mean over a whole year is 1.

    Parameters
    ----------
    cal
        The time axis (park-local days of the data year).
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).
    week_shift
        Whole weeks by which the real profile is shifted [-].
    base
        Flat share of the profile, 0-1 [-].

    Returns
    -------
    numpy.ndarray
        Per-unit power for each 15-min interval [-].
    """
    steel = profiles.steel_kwh
    per_day = 86_400 // QUARTER_HOUR_S
    usable = steel[: 364 * per_day]
    pu = usable / usable.mean()
    first = dt.date(cal.year, 1, 1).weekday()  # steel year 2018 starts on a Monday
    src_day = (cal.day_index(QUARTER_HOUR_S) + first + 7 * week_shift) % 364
    idx = src_day * per_day + np.arange(cal.steps(QUARTER_HOUR_S)) % per_day
    return base + (1.0 - base) * pu[idx]


# -------------------------------------------------------------------------- stations


def _flagged(
    values: FloatArray, flags: NDArray[np.str_], p: Parameter, rng: np.random.Generator
) -> FloatArray:
    """Values as an analyser reports them in flagged hours (see :class:`Parameter`)."""
    out = values.copy()
    cal_hours = flags == FLAG_CALIBRATION
    if p.span is not None:
        out[cal_hours] = p.span
    odd = (flags == FLAG_MAINTENANCE) | (flags == FLAG_FAULT)
    if p.unit in FLAGGED_SPREAD:
        out[odd] = values[odd] + rng.normal(0.0, FLAGGED_SPREAD[p.unit], size=int(odd.sum()))
    else:
        out[odd] = values[odd] * rng.uniform(0.3, 1.7, size=int(odd.sum()))
    above = flags == FLAG_ABOVE_RANGE
    if p.range_max is not None:
        out[above] = p.range_max * rng.uniform(1.0, 1.1, size=int(above.sum()))
    return out


def _finish_station(
    seed: int, station: StationPlan, values: dict[str, FloatArray], cal: Calendar
) -> list[SeriesData]:
    n = cal.steps(HOUR_S)
    out = []
    for p in station.parameters:
        key = f"{station.code}/{p.code}"
        over = station.kind == "wastewater_inlet" and p.range_max is not None
        flags = flag_plan(seed, key, n, calibration=True, above_range=over)
        v = _flagged(values[p.code], flags, p, series_rng(seed, "flagged", key))
        out.append(
            SeriesData(
                kind="station",
                code=station.code,
                parameter=p.code,
                interval_s=HOUR_S,
                values=np.round(v, p.decimals),
                keep=gap_plan(seed, key, n, HOUR_S).mask(),
                marks=flags,
            )
        )
    return out


def air_station(
    seed: int, cal: Calendar, station: StationPlan, profiles: Profiles
) -> dict[str, FloatArray]:
    """Hourly ambient-air concentrations [μg/m³; CO mg/m³].

    ``c = L · D(h) · S(doy)/S(4) · W_day · X_day · ε_h``: L and D are the real January
    level and diurnal shape of Guiyang, S a seasonal cycle (winter peak for PM, SO2, NO2,
    CO; May peak for O3, whose diurnal swing also doubles in summer), W a park-wide
    stagnation factor (AR(1), φ 0.7, σ 0.35 in log), X a station and pollutant factor
    (φ 0.6, σ 0.2) and ε hourly noise (φ 0.8, σ 0.15). PM10 = PM2.5 · (real PM10/PM2.5
    ratio of the hour) · noise, at least 1.05 · PM2.5.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    station
        The station.
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    dict of str to numpy.ndarray
        ``{HJ 212 code: hourly values}`` before flags and rounding.
    """
    n_h = cal.steps(HOUR_S)
    hour = cal.hour_of_day(HOUR_S).astype(int)
    doy = _per_interval(cal.day_of_year.astype(float), HOUR_S)
    weather = _per_interval(ar1(series_rng(seed, "weather", "air"), cal.days, 0.7, 0.35), HOUR_S)
    site = {"GA-AIR-01": 1.0, "GA-AIR-02": 0.9}.get(station.code, 1.0)
    amplitude = {"a34004": 0.38, "a21026": 0.30, "a21004": 0.22, "a21005": 0.18}
    out: dict[str, FloatArray] = {}
    for p in ("a34004", "a21026", "a21004", "a21005", "a05024"):
        real = profiles.air_diurnal[p]
        level = float(real.mean())
        diurnal = real / level
        rng = series_rng(seed, "air", station.code, p)
        if p == "a05024":
            season = 1 + 0.62 * _seasonal(doy, 135.0)
            anchor = 1 + 0.62 * _seasonal(np.array([AIR_ANCHOR_DOY]), 135.0)[0]
            summer = (1 + _seasonal(doy, 170.0)) / 2
            d = np.maximum(1 + (diurnal[hour] - 1) * (1 + summer), 0.05)
            w = weather * 0.3
        else:
            a = amplitude[p]
            season = 1 + a * _seasonal(doy, 10.0)
            anchor = 1 + a * _seasonal(np.array([AIR_ANCHOR_DOY]), 10.0)[0]
            d = diurnal[hour]
            w = weather
        local = site if p in ("a34004", "a21004", "a21005") else 1.0
        x = _per_interval(ar1(rng, cal.days, 0.6, 0.2), HOUR_S) + ar1(rng, n_h, 0.8, 0.15)
        out[p] = level * local * d * season / anchor * np.exp(w + x)
    pm25_d, pm10_d = profiles.air_diurnal["a34004"], profiles.air_diurnal["a34002"]
    ratio = (pm10_d / pm25_d)[hour]
    rng = series_rng(seed, "air", station.code, "a34002")
    out["a34002"] = out["a34004"] * np.maximum(ratio * np.exp(ar1(rng, n_h, 0.7, 0.1)), 1.05)
    floors = {"a34004": 2, "a34002": 3, "a21026": 2, "a21004": 2, "a21005": 0.1, "a05024": 1}
    return {p: np.maximum(v, floors[p]) for p, v in out.items()}


def _dissolved_oxygen_saturation(t: FloatArray) -> FloatArray:
    """DO saturation in fresh water at 1 atm [mg/L] (polynomial fit, 0-35 °C)."""
    return 14.62 - 0.3898 * t + 0.006969 * t**2 - 0.00005896 * t**3


def surface_water_station(
    seed: int, cal: Calendar, station: StationPlan, profiles: Profiles
) -> dict[str, FloatArray]:
    """Hourly surface-water quality [pH -, mg/L, °C].

    Levels are the medians of the national automatic stations of the same water body and
    target class (February 2026 snapshot), taken as the annual median; day-to-day spread is
    half the stations' inter-quartile spread (log, AR(1) φ 0.8). Water temperature follows
    a seasonal cycle (lake lagged), DO = saturation at that temperature × 0.88 (altitude
    about 1,100 m) × a body factor + a photosynthesis swing; CODMn and TP peak in the rainy
    season, NH3-N in the dry winter.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    station
        The station.
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    dict of str to numpy.ndarray
        ``{HJ 212 code: hourly values}`` before flags and rounding.
    """
    body, cls = station.water_body or "river", station.water_target_class or "III"
    n_h = cal.steps(HOUR_S)
    hour = cal.hour_of_day(HOUR_S)
    doy = _per_interval(cal.day_of_year.astype(float), HOUR_S)
    rng = series_rng(seed, "water", station.code)
    lake = body == "lake"
    diurnal = np.cos(2 * np.pi * (hour - 15.0) / 24)
    temp = (
        (16.0 if lake else 15.5)
        - 8.5 * _seasonal(doy, 35.0 if lake else 25.0)
        + (0.3 if lake else 0.6) * diurnal
        + _per_interval(ar1(rng, cal.days, 0.85, 0.6), HOUR_S)
    )
    out: dict[str, FloatArray] = {"w01010": np.maximum(temp, 2.0)}
    body_factor = 0.95 if lake else 0.88
    do = _dissolved_oxygen_saturation(temp) * 0.88 * body_factor + 0.5 * diurnal
    out["w01009"] = np.maximum(do + ar1(rng, n_h, 0.9, 0.25), 2.5)
    ph_level = profiles.surface_water[(body, cls, "w01001")].p50
    out["w01001"] = np.clip(ph_level + 0.12 * diurnal + ar1(rng, n_h, 0.95, 0.08), 6.5, 9.0)
    seasons = {"w01019": (0.15, 200.0), "w21003": (0.30, 15.0), "w21011": (0.30, 195.0)}
    for p, (amp, peak) in seasons.items():
        lv = profiles.surface_water[(body, cls, p)]
        spread = 0.5 * (math.log(lv.p75) - math.log(lv.p25)) / 1.349
        season = 1 + amp * _seasonal(doy, peak)
        daily = _per_interval(ar1(rng, cal.days, 0.8, spread), HOUR_S)
        out[p] = lv.p50 * season * np.exp(daily + ar1(rng, n_h, 0.9, 0.05))
    return out


def sewage_flow(seed: int, cal: Calendar, plant: EnterprisePlan, profiles: Profiles) -> FloatArray:
    """Hourly influent flow of a sewage plant [m³/h].

    capacity · load rate · (1 + 0.6 (q_d − 1)) · rainy-season factor · diurnal · noise,
    with q_d the UCI plant's daily influent ratio from a seeded start day.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    plant
        The sewage plant (an enterprise with ``capacity_m3d``).
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    numpy.ndarray
        Hourly flow [m³/h].
    """
    rng = series_rng(seed, "sewage", plant.code, "flow")
    bank = profiles.wwtp_q_in
    start = int(series_rng(seed, "sewage", plant.code, "offset").integers(len(bank)))
    q = bank[(start + np.arange(cal.days)) % len(bank)]
    doy = cal.day_of_year.astype(float)
    rain = 1 + 0.12 * np.maximum(_seasonal(doy, 190.0), 0.0)
    daily = (1 + 0.6 * (q - 1)) * rain
    hour = cal.hour_of_day(HOUR_S).astype(int)
    mean_m3h = plant.capacity_m3d * SEWAGE_LOAD_RATE / 24.0
    noise = np.exp(ar1(rng, cal.steps(HOUR_S), 0.7, 0.04))
    return mean_m3h * _per_interval(daily, HOUR_S) * SEWAGE_INFLOW_DIURNAL[hour] * noise


def _sewage_bank_day(seed: int, plant: EnterprisePlan, bank: FloatArray, days: int) -> FloatArray:
    start = int(series_rng(seed, "sewage", plant.code, "offset").integers(len(bank)))
    return bank[(start + np.arange(days)) % len(bank)]


def wastewater_inlet(
    seed: int, cal: Calendar, plant: EnterprisePlan, profiles: Profiles
) -> dict[str, FloatArray]:
    """Hourly influent quality and flow [mg/L, pH -, m³/h].

    COD 260 mg/L × the UCI plant's daily influent COD ratio (damped to 70 %) × diurnal ×
    noise; NH3-N 28, TN ≈ 1.3 NH3-N + 4, TP 3.6 mg/L follow the same daily factor.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    plant
        The sewage plant (an enterprise with ``capacity_m3d``).
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    dict of str to numpy.ndarray
        ``{HJ 212 code: hourly values}`` before flags and rounding.
    """
    rng = series_rng(seed, "sewage", plant.code, "inlet")
    n_h = cal.steps(HOUR_S)
    hour = cal.hour_of_day(HOUR_S)
    flow = sewage_flow(seed, cal, plant, profiles)
    cod_day = _sewage_bank_day(seed, plant, profiles.wwtp_cod_in, cal.days)
    f = _per_interval(1 + 0.7 * (cod_day - 1), HOUR_S)
    diurnal = 1 + 0.12 * np.cos(2 * np.pi * (hour - 11.0) / 24)
    dilution = (plant.capacity_m3d * SEWAGE_LOAD_RATE / 24.0) / flow
    base = f * diurnal * np.clip(dilution, 0.75, 1.2)
    nh3 = 28.0 * base**0.6 * np.exp(ar1(rng, n_h, 0.8, 0.08))
    return {
        "w01018": 260.0 * base * np.exp(ar1(rng, n_h, 0.8, 0.08)),
        "w21003": nh3,
        "w21001": (1.3 * nh3 + 4.0) * np.exp(ar1(rng, n_h, 0.8, 0.05)),
        "w21011": 3.6 * base**0.8 * np.exp(ar1(rng, n_h, 0.8, 0.1)),
        "w01001": np.clip(7.35 + ar1(rng, n_h, 0.9, 0.12), 6.5, 8.5),
        "w00000": flow,
    }


def wastewater_outlet(
    seed: int, cal: Calendar, plant: EnterprisePlan, profiles: Profiles
) -> dict[str, FloatArray]:
    """Hourly effluent quality, flow and temperature of a GB 18918-2002 1A plant.

    COD 17 mg/L × the UCI plant's real daily effluent COD ratio (heavy tail: a few days
    above 50); NH3-N 0.6 mg/L rising when the sewage is colder than 14 °C; TN 8.5, TP 0.22
    mg/L; plus 2-4 process upsets a year (6-36 h, peak factor 1.8-3.5) that raise all of
    them, which gives the rare exceedances. Flow is the inflow 4 h earlier × 0.97.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    plant
        The sewage plant (an enterprise with ``capacity_m3d``).
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    dict of str to numpy.ndarray
        ``{HJ 212 code: hourly values}`` before flags and rounding.
    """
    rng = series_rng(seed, "sewage", plant.code, "outlet")
    n_h = cal.steps(HOUR_S)
    hour = cal.hour_of_day(HOUR_S)
    doy = _per_interval(cal.day_of_year.astype(float), HOUR_S)
    temp = 17.5 - 6.5 * _seasonal(doy, 25.0) + 0.3 * np.cos(2 * np.pi * (hour - 16) / 24)
    temp = temp + _per_interval(ar1(rng, cal.days, 0.8, 0.5), HOUR_S)
    upset = np.ones(n_h)
    for _ in range(round(int(rng.integers(2, 5)) * cal.days / 365)):
        start = int(rng.integers(0, n_h))
        length = int(rng.integers(6, 37))
        peak = rng.uniform(1.8, 3.5)
        shape = 1 - np.abs(np.linspace(-1, 1, length))
        seg = slice(start, min(start + length, n_h))
        upset[seg] = np.maximum(upset[seg], 1 + (peak - 1) * shape[: seg.stop - seg.start])
    cod_day = _sewage_bank_day(seed, plant, profiles.wwtp_cod_out, cal.days)
    cold = 1 + 1.2 * np.maximum(14.0 - temp, 0.0) / 4.0
    flow = np.roll(sewage_flow(seed, cal, plant, profiles), 4) * 0.97
    return {
        "w01018": 17.0 * _per_interval(cod_day, HOUR_S) * upset * np.exp(ar1(rng, n_h, 0.8, 0.06)),
        "w21003": 0.6 * cold * upset**1.8 * np.exp(
            _per_interval(ar1(rng, cal.days, 0.6, 0.35), HOUR_S) + ar1(rng, n_h, 0.8, 0.1)
        ),
        "w21001": 8.5 * (1 + 0.15 * np.maximum(-_seasonal(doy, 200.0), 0)) * upset**0.6
        * np.exp(ar1(rng, n_h, 0.9, 0.12)),
        "w21011": 0.22 * upset * np.exp(
            _per_interval(ar1(rng, cal.days, 0.6, 0.25), HOUR_S) + ar1(rng, n_h, 0.8, 0.08)
        ),
        "w01001": np.clip(7.1 + ar1(rng, n_h, 0.95, 0.1), 6.2, 8.5),
        "w00000": flow,
        "w01010": temp,
    }  # fmt: skip


def noise_station(seed: int, cal: Calendar, station: StationPlan) -> dict[str, FloatArray]:
    """Hourly equivalent sound level [dB(A)] of a GB 3096-2008 zone (synthetic).

    night + (day − night) · w(h), with the zone's day and night levels, 1 dB quieter
    daytime at weekends, daily (σ 0.8 dB) and hourly (φ 0.6, σ 1.2 dB) variation.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    station
        The station.

    Returns
    -------
    dict of str to numpy.ndarray
        ``{"LAeq": hourly levels}`` [dB(A)] before flags and rounding.
    """
    rng = series_rng(seed, "noise", station.code)
    day_level, night_level = NOISE_LEVELS[station.noise_zone_class or "2"]
    hour = cal.hour_of_day(HOUR_S).astype(int)
    w = NOISE_DAY_WEIGHT[hour]
    weekend = cal.weekday(HOUR_S) >= 5
    level = night_level + (day_level - night_level) * w - 1.0 * w * weekend
    level = level + _per_interval(rng.normal(0, 0.8, cal.days), HOUR_S)
    return {"LAeq": level + ar1(rng, cal.steps(HOUR_S), 0.6, 1.2)}


def station_series(
    seed: int, cal: Calendar, registry: DemoRegistry, station: StationPlan, profiles: Profiles
) -> list[SeriesData]:
    """Every parameter of one station, flagged, rounded and with its gap mask.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    registry
        The demo registry.
    station
        The station.
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    list of SeriesData
        One per parameter, hourly.
    """
    if station.kind == "ambient_air":
        values = air_station(seed, cal, station, profiles)
    elif station.kind == "surface_water":
        values = surface_water_station(seed, cal, station, profiles)
    elif station.kind == "wastewater_inlet":
        values = wastewater_inlet(
            seed, cal, registry.enterprise(station.enterprise or ""), profiles
        )
    elif station.kind == "wastewater_outlet":
        plant = registry.enterprise(station.enterprise or "")
        values = wastewater_outlet(seed, cal, plant, profiles)
    elif station.kind == "noise":
        values = noise_station(seed, cal, station)
    else:
        raise ValueError(f"unknown station kind {station.kind!r}")
    return _finish_station(seed, station, values, cal)


# ---------------------------------------------------------------------------- meters


def _noise(rng: np.random.Generator, cal: Calendar, daily: float, step: float) -> FloatArray:
    """Multiplicative noise: a daily factor (σ ``daily``) times a 15-min one (σ ``step``)."""
    d = _per_interval(rng.normal(0.0, daily, cal.days), QUARTER_HOUR_S)
    return np.exp(d + rng.normal(0.0, step, cal.steps(QUARTER_HOUR_S)))


def _hvac_factor(seed: int, cal: Calendar) -> FloatArray:
    """1 + 12 % per 10 K of cooling (above 22 °C) and 8 % per 10 K of heating (below 10 °C),
    normalised to a climatological mean of 1 [-]."""
    t = temperature(seed, cal)
    f = 1 + 0.012 * np.maximum(t - 22, 0) + 0.008 * np.maximum(10 - t, 0)
    mean = (
        1
        + 0.012 * _climate_degree_days(cal, 22, True)
        + 0.008 * _climate_degree_days(cal, 10, False)
    )
    return f / mean


def enterprise_meters(
    seed: int, cal: Calendar, e: EnterprisePlan, profiles: Profiles
) -> dict[str, FloatArray]:
    """15-min readings of an ordinary enterprise: electricity [kWh], gas and water [m³].

    Electricity: annual kWh / intervals in the year × real steel load shape (shifted,
    mixed with a flat base) × temperature-driven HVAC factor × noise. Gas: 70 % follows
    the electricity shape, 30 % space heating (heating degrees below 16 °C, working
    hours). Water: the electricity shape with spiky noise.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    e
        The enterprise.
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    dict of str to numpy.ndarray
        ``{meter code: energy or volume per 15-min interval}``.
    """
    rng = series_rng(seed, "meter", e.code)
    per_year = cal.days_in_year * 86_400 // QUARTER_HOUR_S
    shape = load_shape(cal, profiles, e.week_shift, e.base_load) * _hvac_factor(seed, cal)
    out = {f"{e.code}-EL": e.annual_kwh / per_year * shape * _noise(rng, cal, 0.05, 0.04)}
    if e.above_designated_size:
        t = temperature(seed, cal)
        hour = cal.hour_of_day(QUARTER_HOUR_S)
        working = (hour >= 7) & (hour < 19)
        heating = np.maximum(16 - t, 0) * working / (_climate_degree_days(cal, 16, False) * 0.5)
        gas_shape = 0.7 * shape + 0.3 * heating
        out[f"{e.code}-NG"] = e.annual_gas_m3 / per_year * gas_shape * _noise(rng, cal, 0.08, 0.1)
        out[f"{e.code}-WA"] = e.annual_water_m3 / per_year * shape * _noise(rng, cal, 0.1, 0.25)
    return out


def data_centre_meters(seed: int, cal: Calendar, e: EnterprisePlan) -> dict[str, FloatArray]:
    """15-min readings of a data centre [kWh, m³] (synthetic; no real DC load was found).

    IT: mean IT power × (0.94 + 3 % business-hours bump + 4 % growth over the year) with
    1 % noise. Cooling: IT × (a + b per K above 10 °C), a ∈ [0.06, 0.11], b ∈ [0.007,
    0.012] per data centre, so mostly free cooling in winter. Main meter = IT + cooling +
    3.5-6 % other (lighting, UPS and distribution losses): a yearly PUE of about 1.15-1.27.
    Water: cooling-tower make-up of 0.3 + 2.0 · cooling/IT L per kWh of IT. Gas (canteen):
    meal-time peaks.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    e
        The enterprise.

    Returns
    -------
    dict of str to numpy.ndarray
        ``{meter code: energy or volume per 15-min interval}``.
    """
    rng = series_rng(seed, "meter", e.code)
    design = series_rng(seed, "design", e.code)
    cool_base, cool_slope = design.uniform(0.06, 0.11), design.uniform(0.007, 0.012)
    other_share = design.uniform(0.035, 0.06)
    n = cal.steps(QUARTER_HOUR_S)
    hour = cal.hour_of_day(QUARTER_HOUR_S)
    t = temperature(seed, cal)
    business = np.clip(np.cos(2 * np.pi * (hour - 14.0) / 24), 0, None)
    growth = cal.day_index(QUARTER_HOUR_S) / cal.days_in_year
    it_kw = e.it_kw * (0.94 + 0.03 * business + 0.04 * growth) * np.exp(rng.normal(0, 0.01, n))
    cool_ratio = (cool_base + cool_slope * np.maximum(t - 10.0, 0.0)) * np.exp(
        rng.normal(0, 0.03, n)
    )
    it = it_kw * 0.25
    cooling = it * cool_ratio
    other = other_share * it * np.exp(rng.normal(0, 0.02, n))
    out = {
        f"{e.code}-EL": it + cooling + other,
        f"{e.code}-EL-IT": it,
        f"{e.code}-EL-CL": cooling,
    }
    if e.above_designated_size:
        meals = 0.2 + np.exp(-(((hour - 11.5) / 1.0) ** 2)) + np.exp(-(((hour - 17.5) / 1.0) ** 2))
        meals = meals / meals.mean()
        per_year = cal.days_in_year * 96
        out[f"{e.code}-NG"] = e.annual_gas_m3 / per_year * meals * _noise(rng, cal, 0.1, 0.2)
        wue = (0.3 + 2.0 * cool_ratio) / 1000.0  # [m³ per kWh of IT]
        out[f"{e.code}-WA"] = it * wue * _noise(rng, cal, 0.05, 0.1)
    return out


def sewage_plant_meters(
    seed: int, cal: Calendar, e: EnterprisePlan, profiles: Profiles
) -> dict[str, FloatArray]:
    """15-min electricity of a sewage plant [kWh]: 0.30 kWh/m³ treated + 40 kW base; the
    reclaimed water it delivers [m³]: 25 % ± 7 % (seasonal) of its flow. The demo's outlet
    discharges the whole flow as well, so the two do not balance: the evaluation's reuse
    rate, reclaimed / (discharged + reclaimed), comes to about 20 %.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    e
        The enterprise.
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    dict of str to numpy.ndarray
        ``{meter code: energy per 15-min interval}``.
    """
    rng = series_rng(seed, "meter", e.code)
    flow_m3h = np.repeat(sewage_flow(seed, cal, e, profiles), 4)
    m3 = flow_m3h * QUARTER_HOUR_S / HOUR_S
    kwh = (0.30 * m3 + 40.0 * 0.25) * _noise(rng, cal, 0.04, 0.05)
    # reclaimed water for greening, road washing and industrial cooling: 25 % of the flow on
    # average, 18 % in winter to 32 % in summer
    season = _per_interval(_seasonal(cal.day_of_year, 190.0), QUARTER_HOUR_S)
    reuse = (0.25 + 0.07 * season) * _noise(
        series_rng(seed, "meter", e.code, "reclaimed"), cal, 0.03, 0.04
    )
    out = {f"{e.code}-EL": kwh, f"{e.code}-RW": m3 * reuse}
    if e.above_designated_size:  # no plant of the default roster is; keeps other rosters valid
        out[f"{e.code}-NG"] = np.full(len(kwh), e.annual_gas_m3 / (cal.days_in_year * 96))
        out[f"{e.code}-WA"] = np.full(len(kwh), e.annual_water_m3 / (cal.days_in_year * 96))
    return out


def energy_station_meters(
    seed: int, cal: Calendar, e: EnterprisePlan, profiles: Profiles
) -> dict[str, FloatArray]:
    """15-min readings of the multi-energy (CCHP) station [kWh, m³, GJ].

    District demand: electricity 7,000 kW × a real load shape; cooling up to 6,500 kW when
    warmer than 18 °C; heat up to 3,800 kW when colder than 15 °C plus 500 kW hot water.
    Rule-based operation: both gas engines run 08:00-22:00 at 90 % (two seeded outages of
    3-7 days each a year); their recovered heat serves the heat demand first, the rest
    drives the absorption chiller; electric chillers and the boiler cover what remains.
    Gas = engine fuel + boiler fuel at 38,931 kJ/m³ (GB/T 2589-2020); grid import =
    district load + chillers + 60 kW auxiliaries − engines − PV, not below 0.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    e
        The enterprise.
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    dict of str to numpy.ndarray
        ``{meter code: energy or volume per 15-min interval}``.
    """
    rng = series_rng(seed, "meter", e.code)
    n = cal.steps(QUARTER_HOUR_S)
    hour = cal.hour_of_day(QUARTER_HOUR_S)
    day = cal.day_index(QUARTER_HOUR_S)
    weekday = cal.weekday(QUARTER_HOUR_S) < 5
    t = temperature(seed, cal)
    occupied = ((hour >= 8) & (hour < 20) & weekday).astype(float)
    el_load = 7_000.0 * load_shape(cal, profiles, e.week_shift, 0.55) * _noise(rng, cal, 0.03, 0.03)
    cool = 6_500.0 * np.clip((t - 18.0) / 10.0, 0, 1) * (0.55 + 0.45 * occupied)
    heat = 3_800.0 * np.clip((15.0 - t) / 13.0, 0, 1) * (0.6 + 0.4 * occupied) + 500.0
    running = ((hour >= 8) & (hour < 22)).astype(float)
    engines = np.zeros(n)
    for _unit in ("GE1", "GE2"):
        on = np.ones(cal.days)
        for _ in range(2):
            start = int(rng.integers(0, 365))
            on[start : start + int(rng.integers(3, 8))] = 0.0
        engines += ENGINE_KW * 0.9 * running * on[day] * np.exp(rng.normal(0, 0.01, n))
    recovered = engines * ENGINE_HEAT_RECOVERY_EFFICIENCY / ENGINE_ELECTRIC_EFFICIENCY
    heat_from_engines = np.minimum(recovered, heat)
    absorption = np.minimum.reduce(
        [np.full(n, ABSORPTION_KW), (recovered - heat_from_engines) * ABSORPTION_COP, cool]
    )
    electric_cooling = np.minimum(cool - absorption, 2 * ELECTRIC_CHILLER_KW)
    chillers_el = electric_cooling / ELECTRIC_CHILLER_COP
    boiler = heat - heat_from_engines
    pv = PV_KW * pv_per_unit(seed, cal, profiles)
    grid = np.maximum(el_load + chillers_el + 60.0 - engines - pv, 0.0)
    h = QUARTER_HOUR_S / 3600
    gas = (engines / ENGINE_ELECTRIC_EFFICIENCY + boiler / BOILER_EFFICIENCY) * h / GAS_KWH_PER_M3
    delivered_cool = absorption + electric_cooling
    water = (electric_cooling * h * 1.2e-3 + 0.3) * _noise(rng, cal, 0.05, 0.1)
    return {
        f"{e.code}-EL": grid * h,
        f"{e.code}-NG": gas,
        f"{e.code}-WA": water,
        f"{e.code}-EL-GEN": engines * h,
        f"{e.code}-EL-PV": pv * h,
        f"{e.code}-HT": heat * h * GJ_PER_KWH,
        f"{e.code}-CL": delivered_cool * h * GJ_PER_KWH,
    }


def enterprise_series(
    seed: int, cal: Calendar, registry: DemoRegistry, e: EnterprisePlan, profiles: Profiles
) -> list[SeriesData]:
    """Every real (non-virtual) meter of one enterprise, rounded, with gaps and qualities.

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    registry
        The demo registry.
    e
        The enterprise.
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    list of SeriesData
        One per real meter, 15-min.
    """
    if e.role == ROLE_DATA_CENTRE:
        values = data_centre_meters(seed, cal, e)
    elif e.role == ROLE_ENERGY_STATION:
        values = energy_station_meters(seed, cal, e, profiles)
    elif e.role == ROLE_SEWAGE_PLANT:
        values = sewage_plant_meters(seed, cal, e, profiles)
    else:
        values = enterprise_meters(seed, cal, e, profiles)
    n = cal.steps(QUARTER_HOUR_S)
    out = []
    for m in meters_of(registry, e.code):
        v = np.maximum(values[m.code], 0.0)
        out.append(
            SeriesData(
                kind="meter",
                code=m.code,
                parameter="",
                interval_s=QUARTER_HOUR_S,
                values=np.round(v, READING_DECIMALS[m.carrier]),
                keep=gap_plan(seed, m.code, n, QUARTER_HOUR_S).mask(),
                marks=quality_plan(seed, m.code, n),
            )
        )
    return out


# ------------------------------------------------------------------ groups, manifest


def meters_of(registry: DemoRegistry, enterprise_code: str) -> list[MeterPlan]:
    """The real (non-virtual) meters of one enterprise, in registry order."""
    return [m for m in registry.meters if m.enterprise == enterprise_code and not m.virtual]


def series_groups(registry: DemoRegistry) -> list[SeriesGroup]:
    """The write units: one group per station, then one per enterprise (its meters)."""
    groups = [
        SeriesGroup(
            f"station {s.code}", "station", s.code, tuple((s.code, p.code) for p in s.parameters)
        )
        for s in registry.stations
    ]
    for e in registry.enterprises:
        meters = meters_of(registry, e.code)
        if meters:
            groups.append(
                SeriesGroup(
                    f"meters {e.code}", "meter", e.code, tuple((m.code, "") for m in meters)
                )
            )
    return groups


def generate_group(
    seed: int, cal: Calendar, registry: DemoRegistry, group: SeriesGroup, profiles: Profiles
) -> list[SeriesData]:
    """The series of one group (pure, seeded; independent of other groups).

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    registry
        The demo registry.
    group
        One of :func:`series_groups`.
    profiles
        The real-data profiles (:func:`greenpark.demo.profiles.load_profiles`).

    Returns
    -------
    list of SeriesData
        Complete series with their gap masks and flags or qualities.
    """
    if group.kind == "station":
        station = next(s for s in registry.stations if s.code == group.owner)
        return station_series(seed, cal, registry, station, profiles)
    return enterprise_series(seed, cal, registry, registry.enterprise(group.owner), profiles)


def expected_series(seed: int, cal: Calendar, registry: DemoRegistry) -> list[SeriesInfo]:
    """Every series with its full length and planned gaps (without generating values).

    Parameters
    ----------
    seed
        The demo seed.
    cal
        The time axis (park-local days of the data year).
    registry
        The demo registry.

    Returns
    -------
    list of SeriesInfo
        In the order of :func:`series_groups`.
    """
    out = []
    for group in series_groups(registry):
        interval = HOUR_S if group.kind == "station" else QUARTER_HOUR_S
        n = cal.steps(interval)
        for code, parameter in group.series:
            key = f"{code}/{parameter}" if parameter else code
            plan = gap_plan(seed, key, n, interval)
            out.append(
                SeriesInfo(group.kind, code, parameter, interval, n, plan.missing, plan.gaps)
            )
    return out
