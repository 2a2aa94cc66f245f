"""Assess a monitoring table by a standard: air (HJ 633 AQI), water (GB 3838 class), noise
(GB 3096 day and night levels). Table in, table out; no file I/O (see ``files.py``).

Each function takes a :class:`~greenpark.environment._sheet.Sheet` (cells as read from a
CSV file or workbook), types the canonical columns, lists every bad cell as a
:class:`~greenpark.errors.RowError` and computes the other rows with the pure functions of
:mod:`greenpark.standards`. A missing required column refuses the whole table
(:class:`~greenpark.errors.InputError`). Canonical columns are :data:`AIR_COLUMNS`,
:data:`WATER_COLUMNS` and :data:`NOISE_COLUMNS`; ``docs/assess.md`` describes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from greenpark.environment._sheet import Cells, Sheet, cells, timezone
from greenpark.errors import InputError, RowError
from greenpark.standards import air, noise, water

#: Air report kinds: one AQI per input row (real-time) or per station and local day.
AQI_REPORTS: Final[tuple[str, ...]] = ("hourly", "daily")
#: ``standard`` choices of :func:`assess_air`: by timestamp, or forced.
AQI_STANDARDS: Final[tuple[str, ...]] = ("auto", *air.STANDARDS)
#: Water-body choices of :func:`assess_water` (GB 3838-2002 table 1).
WATER_BODIES: Final[tuple[str, ...]] = water.BODIES
#: Zone choices of :func:`assess_noise` (GB 3096-2008 table 1).
NOISE_ZONES: Final[tuple[str, ...]] = noise.GB3096_ZONES
#: Zone for times without an offset and for local days, unless told otherwise.
DEFAULT_TIMEZONE: Final[str] = "Asia/Shanghai"

#: Canonical air columns: name -> (required, meaning).
AIR_COLUMNS: Final[dict[str, tuple[bool, str]]] = {
    "time": (True, "end of the hour (national platform labels), with offset or local"),
    "station": (True, "station code or name"),
    "pm2_5": (False, "PM2.5 1-h mean [μg/m³]"),
    "pm10": (False, "PM10 1-h mean [μg/m³]"),
    "so2": (False, "SO2 1-h mean [μg/m³]"),
    "no2": (False, "NO2 1-h mean [μg/m³]"),
    "co": (False, "CO 1-h mean [mg/m³]"),
    "o3": (False, "O3 1-h mean [μg/m³]"),
    "so2_24h": (False, "SO2 24-h moving mean [μg/m³], used when SO2 1-h > 800 (hourly)"),
}
#: Canonical water columns -> GB 3838 indicator names of :mod:`greenpark.standards.water`.
WATER_INDICATORS: Final[dict[str, str]] = {
    "ph": "pH",
    "do": "DO",
    "codmn": "CODMn",
    "nh3_n": "NH3-N",
    "tp": "TP",
    "tn": "TN",
}
#: Indicators that decide the class (national practice: TN is assessed apart from it).
WATER_CLASS_INDICATORS: Final[tuple[str, ...]] = ("ph", "do", "codmn", "nh3_n", "tp")
#: Canonical water columns: name -> (required, meaning).
WATER_COLUMNS: Final[dict[str, tuple[bool, str]]] = {
    "section": (True, "monitoring section (断面) name or code"),
    "time": (False, "sampling time, with offset or local"),
    "ph": (True, "pH [-]"),
    "do": (True, "dissolved oxygen [mg/L]"),
    "codmn": (True, "permanganate index [mg/L]"),
    "nh3_n": (True, "ammonia nitrogen [mg/L]"),
    "tp": (True, "total phosphorus [mg/L]"),
    "tn": (False, "total nitrogen [mg/L] (classed for lakes only, not in the class)"),
}
#: Canonical noise columns: name -> (required, meaning).
NOISE_COLUMNS: Final[dict[str, tuple[bool, str]]] = {
    "time": (True, "start of the interval, with offset or local"),
    "station": (False, "measuring point"),
    "leq": (True, "equivalent level Leq of the interval (e.g. 1 h) [dB(A)]"),
}

_SUFFIX: Final[str] = "_input"


@dataclass(frozen=True)
class Assessment:
    """What an assessment computed, and the bad cells it left out.

    Attributes
    ----------
    table : pandas.DataFrame
        The output table (input columns plus computed ones, or one row per station-day).
    errors : tuple of RowError
        Every bad cell, in row order; its row was not computed.
    rows_in : int
        Data rows read.
    rows_computed : int
        Data rows that entered the computation (``rows_in`` minus the bad rows).
    """

    table: pd.DataFrame
    errors: tuple[RowError, ...]
    rows_in: int
    rows_computed: int

    @property
    def bad_rows(self) -> int:
        """Number of rows with at least one bad cell."""
        return self.rows_in - self.rows_computed

    def summary(self, output: Path | str) -> str:
        """One line: rows in, rows computed, bad rows, output rows and path."""
        return (
            f"{self.rows_in} rows in, {self.rows_computed} computed, {self.bad_rows} bad; "
            f"{len(self.table)} output rows written to {output}"
        )


def _check(value: str, valid: tuple[str, ...], what: str) -> str:
    if value not in valid:
        raise InputError(f"{what} {value!r} is not valid. Must be one of: {', '.join(valid)}")
    return value


def _result(sheet_cells: Cells, table: pd.DataFrame) -> Assessment:
    errors = tuple(sorted(sheet_cells.errors, key=lambda e: e.row))
    n = len(sheet_cells.frame)
    return Assessment(table, errors, n, n - len(sheet_cells.bad))


def _join(inputs: pd.DataFrame, computed: pd.DataFrame) -> pd.DataFrame:
    """Input columns then computed ones; an input column named like a computed one gets
    the suffix ``_input`` (a published ``aqi`` column becomes ``aqi_input``)."""
    clash = {c: f"{c}{_SUFFIX}" for c in inputs.columns if c in computed.columns}
    return pd.concat([inputs.rename(columns=clash), computed.reset_index(drop=True)], axis=1)


def _integers(values: pd.Series | np.ndarray) -> pd.api.extensions.ExtensionArray:
    return pd.array(np.asarray(values, dtype=float), dtype="Float64").astype("Int64")


def _texts(values: pd.Series) -> pd.Series:
    """A categorical or string column as object text, missing as None."""
    out = values.astype(object)
    return out.where(out.notna(), None).reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# air


def _primary_zh(codes: pd.Series, daily: bool) -> pd.Series:
    names = dict(air.POLLUTANT_NAMES_ZH)
    if daily:
        names["o3"] = air.POLLUTANT_NAMES_ZH["o3_8h"]
    return codes.map(
        lambda c: "，".join(names[p] for p in str(c).split(",")) if isinstance(c, str) else None
    )


def _aqi_columns(result: pd.DataFrame, daily: bool) -> pd.DataFrame:
    """The output columns of an :func:`~greenpark.standards.air.hourly_aqi` result."""
    categories = air.aqi_categories()
    level = result["level"].astype("Int64").reset_index(drop=True)
    columns: dict[str, object] = {
        "aqi": _integers(result["aqi"]),
        "level": level,
        "category_zh": level.map(categories["category_zh"].to_dict()).astype(object),
        "category_en": level.map(categories["category_en"].to_dict()).astype(object),
        "primary_pollutant": _texts(result["primary_pollutant"]),
        "primary_pollutant_zh": _primary_zh(_texts(result["primary_pollutant"]), daily),
        "exceeding_pollutants": _texts(result["exceeding_pollutants"]),
    }
    for p in air.POLLUTANTS:
        if f"iaqi_{p}" in result:
            columns[f"iaqi_{p}"] = _integers(result[f"iaqi_{p}"])
    columns["standard"] = _texts(result["standard"])
    out = pd.DataFrame(columns)
    for name in ("category_zh", "category_en"):
        out[name] = out[name].where(out[name].notna(), None)
    return out


def assess_air(
    sheet: Sheet,
    *,
    report: str,
    standard: str = "auto",
    timezone_name: str = DEFAULT_TIMEZONE,
    renames: Mapping[str, str] | None = None,
) -> Assessment:
    """Air quality index of station-hours in a table, hourly or daily.

    Parameters
    ----------
    sheet : Sheet
        Cells with the columns of :data:`AIR_COLUMNS` (``time``, ``station`` and at least
        one pollutant; other columns are passed through in the hourly report).
        Concentrations in [μg/m³], CO in [mg/m³]; blank or ``-`` cells are missing values.
    report : {"hourly", "daily"}
        ``"hourly"``: one AQI per input row (real-time report, HJ 633 hourly rule).
        ``"daily"``: one row per station and local day (24-h means, O3 daily max 8-h).
    standard : {"auto", "2012", "2026"}, default "auto"
        HJ 633 table version; ``"auto"`` picks per row by time (see
        :data:`greenpark.standards.air.SWITCH_TIME`).
    timezone_name : str, default "Asia/Shanghai"
        IANA zone of times written without an offset, and of the daily report's days.
    renames : mapping of str to str, optional
        Header renames applied before reading (see :func:`rename_header`).

    Returns
    -------
    Assessment
        Hourly: the good rows' input columns (``time`` as ISO 8601 in ``timezone_name``)
        plus ``aqi``, ``level``, ``category_zh``, ``category_en``, ``primary_pollutant``,
        ``primary_pollutant_zh``, ``exceeding_pollutants``, ``iaqi_<pollutant>`` and
        ``standard``. Daily: ``station``, ``date`` and the columns of
        :func:`~greenpark.standards.air.daily_statistics`, then the same computed columns.

    Raises
    ------
    InputError
        A missing required column or no pollutant column, an unknown ``report``,
        ``standard`` or zone (the message lists the valid names).

    Notes
    -----
    Bad cells: an unparseable time, a non-numeric or negative concentration, a blank
    time or station. The daily report also refuses a time off the whole hour and a second
    row for the same station and hour. The daily report labels hours by their end, as the
    national platform does (T01 is the 00:00-01:00 mean).

    References
    ----------
    .. [1] HJ 633-2012 and HJ 633-2026, clause 5 and tables 1-2 (via
       :func:`greenpark.standards.air.hourly_aqi` and :func:`~greenpark.standards.air.daily_aqi`).
    .. [2] GB 3095-2012 table 4 and HJ 663-2013 (daily data validity).
    """
    _check(report, AQI_REPORTS, "report")
    _check(standard, AQI_STANDARDS, "standard")
    timezone(timezone_name)
    c = cells(sheet, renames)
    c.require(name for name, (required, _) in AIR_COLUMNS.items() if required)
    present = [p for p in air.POLLUTANTS if p in c.columns]
    if not present:
        raise InputError(
            f"{sheet.source}: no pollutant column; expected at least one of "
            f"{', '.join(air.POLLUTANTS)} (map yours with --rename old=new)"
        )
    times = c.times("time", timezone_name)
    stations = c.texts("station")
    conc = {
        name: c.numbers(name, what="concentration")
        for name in (*present, "so2_24h")
        if name in c.columns
    }
    frame = pd.DataFrame(conc)
    if report == "hourly":
        good = c.good
        result = air.hourly_aqi(
            frame.loc[good].reset_index(drop=True),
            time=pd.DatetimeIndex(times.loc[good]),
            standard=standard,
        )
        return _result(c, _join(c.passthrough(good), _aqi_columns(result, daily=False)))
    _check_hours(c, times, stations)
    good = c.good
    frame = frame.loc[good, present]
    frame.index = pd.DatetimeIndex(times.loc[good])
    parts = []
    for station, group in frame.groupby(stations.loc[good].to_numpy(), sort=False):
        if group.empty:  # pragma: no cover - groupby yields no empty groups
            continue
        days = air.daily_aqi(group, tz=timezone_name, standard=standard)
        stats = days[[col for col in days.columns if not _is_aqi_column(col)]]
        head = pd.DataFrame(
            {"station": station, "date": days.index.strftime("%Y-%m-%d")}, index=days.index
        )
        block = pd.concat([head, stats], axis=1).reset_index(drop=True)
        parts.append(pd.concat([block, _aqi_columns(days, daily=True)], axis=1))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return _result(c, table)


def _is_aqi_column(name: str) -> bool:
    computed = {"aqi", "level", "category", "primary_pollutant", "exceeding_pollutants"}
    return name in computed or name == "standard" or name.startswith("iaqi_")


def _check_hours(c: Cells, times: pd.Series, stations: pd.Series) -> None:
    """Refuse times off the whole hour and a second row for the same station and hour."""
    seen: dict[tuple[str, pd.Timestamp], int] = {}
    for row, stamp in times.items():
        if pd.isna(stamp) or stations[row] is None:
            continue
        if stamp.minute or stamp.second or stamp.microsecond or stamp.nanosecond:
            c.fail(int(row), "time", f"{stamp} is not on a whole hour (daily report)")
            continue
        key = (stations[row], stamp)
        if key in seen:
            c.fail(int(row), "time", f"second value for this station and hour (row {seen[key]})")
        else:
            seen[key] = int(row)


# ---------------------------------------------------------------------------------------
# water


def assess_water(
    sheet: Sheet,
    *,
    body: str,
    timezone_name: str = DEFAULT_TIMEZONE,
    renames: Mapping[str, str] | None = None,
) -> Assessment:
    """Surface-water class of each sample row by the single-factor rule of GB 3838-2002.

    Parameters
    ----------
    sheet : Sheet
        Cells with the columns of :data:`WATER_COLUMNS`; values in [mg/L], pH [-]; blank
        or ``-`` cells are missing values (skipped by the class).
    body : {"river", "lake"}
        Water-body type of every row (``"lake"``: lakes and reservoirs, own TP and TN limits).
    timezone_name : str, default "Asia/Shanghai"
        IANA zone of an optional ``time`` column's values written without an offset.
    renames : mapping of str to str, optional
        Header renames applied before reading.

    Returns
    -------
    Assessment
        The good rows' input columns plus ``class`` (1-6; 6 is 劣Ⅴ), ``class_name``
        (Ⅰ..Ⅴ, 劣Ⅴ), ``deciding`` (the indicator(s) at the worst class, GB 3838 names
        such as ``NH3-N``) and ``class_<column>`` per indicator.

    Raises
    ------
    InputError
        A missing required column or an unknown ``body`` (valid names listed).

    Notes
    -----
    The class uses pH, DO, CODMn, NH3-N and TP (:data:`WATER_CLASS_INDICATORS`), as the
    national assessment does; TN, when given, is classed on its own (``class_tn``, lakes
    only: GB 3838 sets no TN limit for rivers).

    References
    ----------
    .. [1] GB 3838-2002, table 1 and clause 5 (via
       :func:`greenpark.standards.water.overall_class`).
    """
    _check(body, WATER_BODIES, "body")
    timezone(timezone_name)
    c = cells(sheet, renames)
    c.require(name for name, (required, _) in WATER_COLUMNS.items() if required)
    c.texts("section")
    if "time" in c.columns:
        c.times("time", timezone_name, required=False)
    present = [name for name in WATER_INDICATORS if name in c.columns]
    values = pd.DataFrame(
        {WATER_INDICATORS[name]: c.numbers(name, what="value") for name in present}
    )
    good = c.good
    values = values.loc[good].reset_index(drop=True)
    decided = water.overall_class(
        values, body=body, indicators=[WATER_INDICATORS[n] for n in WATER_CLASS_INDICATORS]
    )
    computed = pd.DataFrame(
        {
            "class": decided["class"],
            "class_name": _texts(decided["name"]),
            "deciding": _texts(decided["deciding"]),
        }
    )
    for name in present:
        indicator = WATER_INDICATORS[name]
        computed[f"class_{name}"] = _integers(
            water.water_class(values[indicator].to_numpy(), indicator, body=body)
        )
    return _result(c, _join(c.passthrough(good), computed))


# ---------------------------------------------------------------------------------------
# noise


def assess_noise(
    sheet: Sheet,
    *,
    zone: str,
    timezone_name: str = DEFAULT_TIMEZONE,
    renames: Mapping[str, str] | None = None,
) -> Assessment:
    """Day level Ld, night level Ln, Ldn and GB 3096-2008 compliance per local day.

    Parameters
    ----------
    sheet : Sheet
        Cells with the columns of :data:`NOISE_COLUMNS`: ``time`` (start of each interval),
        ``leq`` [dB(A)] and optionally ``station``. Intervals must be of equal length
        (e.g. hourly Leq); blank or ``-`` levels are missing.
    zone : str
        Acoustic functional zone, one of :data:`NOISE_ZONES`.
    timezone_name : str, default "Asia/Shanghai"
        IANA zone of times without an offset and of the day (06-22 h) and night windows.
    renames : mapping of str to str, optional
        Header renames applied before reading.

    Returns
    -------
    Assessment
        One row per station (if given) and local day: ``date``, ``ld``, ``ln``, ``ldn``
        [dB(A)], ``n_day``, ``n_night`` (values averaged), ``zone``, ``day_limit``,
        ``night_limit``, ``day_margin``, ``night_margin`` [dB] and ``day_exceeds``,
        ``night_exceeds`` (empty when the level is missing).

    Raises
    ------
    InputError
        A missing required column, an unknown zone or timezone (valid names listed).

    Notes
    -----
    A night belongs to the day it starts on (22:00 to 06:00 the next morning). A second
    row for the same station and time is a bad row (it would be counted twice).

    References
    ----------
    .. [1] GB 3096-2008, clause 3 (day and night), clause 5.1 and table 1 (via
       :func:`greenpark.standards.noise.day_night_levels` and
       :func:`~greenpark.standards.noise.gb3096_compliance`).
    .. [2] ISO 1996-1:2016, clause 3.6 (Ldn, :func:`greenpark.standards.noise.ldn`).
    """
    zone = _check(str(zone).lower(), NOISE_ZONES, "zone")
    timezone(timezone_name)
    c = cells(sheet, renames)
    c.require(name for name, (required, _) in NOISE_COLUMNS.items() if required)
    times = c.times("time", timezone_name)
    has_station = "station" in c.columns
    stations = c.texts("station") if has_station else pd.Series("", index=c.frame.index)
    levels = c.numbers("leq", what="level")
    seen: dict[tuple[str, pd.Timestamp], int] = {}
    for row, stamp in times.items():
        if pd.isna(stamp) or stations[row] is None:
            continue
        key = (stations[row], stamp)
        if key in seen:
            c.fail(int(row), "time", f"second value for this station and time (row {seen[key]})")
        else:
            seen[key] = int(row)
    good = c.good
    series = pd.Series(levels.loc[good].to_numpy(), index=pd.DatetimeIndex(times.loc[good]))
    parts = []
    for station, group in series.groupby(stations.loc[good].to_numpy(), sort=False):
        days = noise.day_night_levels(group, timezone=timezone_name)
        check = noise.gb3096_compliance(days["ld"], days["ln"], zone)
        head = {"station": station} if has_station else {}
        block = pd.DataFrame(
            {
                **head,
                "date": days.index.strftime("%Y-%m-%d"),
                "ld": days["ld"],
                "ln": days["ln"],
                "ldn": noise.ldn(days["ld"], days["ln"]),
                "n_day": days["n_day"],
                "n_night": days["n_night"],
                "zone": zone,
                "day_limit": check["day_limit"],
                "night_limit": check["night_limit"],
                "day_margin": check["day_margin"],
                "night_margin": check["night_margin"],
                "day_exceeds": _flag(check["day_exceeds"], check["day_margin"]),
                "night_exceeds": _flag(check["night_exceeds"], check["night_margin"]),
            }
        )
        parts.append(block.reset_index(drop=True))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return _result(c, table)


def _flag(exceeds: pd.Series, margin: pd.Series) -> pd.Series:
    """Exceedance flag, missing (not False) where the level is missing."""
    out = exceeds.astype("boolean")
    out[margin.isna()] = pd.NA
    return out
