"""Ambient air quality index (AQI) per HJ 633-2012 and HJ 633-2026, and GB 3095 limits.

Pure, vectorised functions: numbers in, numbers out, no I/O. Breakpoints, categories and
limits are data in ``standards/tables/`` (``aqi_breakpoints.csv``, ``aqi_categories.csv``,
``gb3095_limits.csv``), each row with its unit, source and validity dates.

Pollutant codes are :data:`POLLUTANTS`; concentrations are in [μg/m³] except CO in [mg/m³].
Standard versions are :data:`STANDARDS`; data stamped before :data:`SWITCH_TIME`
(2026-03-01 00:00 Beijing time) use the 2012 tables, from then the 2026 tables.
The annual assessment of HJ 663-2013 (:func:`annual_assessment`) lives in ``_air_annual``.

References
----------
.. [1] HJ 633-2012, Technical Regulation on Ambient Air Quality Index (on trial),
   clauses 4-5, tables 1-2.
.. [2] HJ 633-2026, Technical Regulation on Ambient Air Quality Index, table 1
   (PM2.5 and PM10 columns revised), clause 4.2.6 (round up).
.. [3] GB 3095-2012 and GB 3095-2026, Ambient Air Quality Standards, table 1; table 4
   (data validity), with HJ 663-2013 / HJ 663-2026 (assessment).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from greenpark.errors import InputError
from greenpark.standards import _air_tables
from greenpark.standards._air_annual import (
    ANNUAL_STATISTICS,
    MIN_DAYS_IN_FEBRUARY,
    MIN_DAYS_PER_MONTH,
    MIN_DAYS_PER_YEAR,
    AnnualAssessment,
    annual_assessment,
    hj663_percentile,
)

__all__ = [
    "ANNUAL_STATISTICS",
    "DAILY_PERIODS",
    "HOURLY_PERIODS",
    "HOUR_LABELS",
    "MIN_DAYS_IN_FEBRUARY",
    "MIN_DAYS_PER_MONTH",
    "MIN_DAYS_PER_YEAR",
    "MIN_HOURS_PER_8H",
    "MIN_HOURS_PER_DAY",
    "MIN_WINDOWS_PER_DAY",
    "OVER_800_RULES",
    "PERIODS",
    "POLLUTANTS",
    "POLLUTANT_NAMES_ZH",
    "STANDARDS",
    "STATION",
    "SWITCH_TIME",
    "AnnualAssessment",
    "annual_assessment",
    "aqi_categories",
    "aqi_level",
    "daily_aqi",
    "daily_statistics",
    "gb3095_limit",
    "hj663_percentile",
    "hourly_aqi",
    "iaqi",
]

#: Pollutant codes, in the order used for bit masks and output columns.
POLLUTANTS: Final[tuple[str, ...]] = ("pm2_5", "pm10", "so2", "no2", "co", "o3")

#: Standard versions: HJ 633-2012 (with GB 3095-2012) and HJ 633-2026 (with GB 3095-2026).
STANDARDS: Final[tuple[str, ...]] = ("2012", "2026")

#: First instant the 2026 tables apply (GB 3095-2026 / HJ 633-2026 in force).
SWITCH_TIME: Final[pd.Timestamp] = pd.Timestamp("2026-03-01 00:00", tz="Asia/Shanghai")

#: Averaging periods each pollutant accepts in :func:`iaqi`. PM2.5/PM10 "1h" uses the
#: 24-h column (real-time report practice; HJ 633-2026 real-time report).
PERIODS: Final[dict[str, tuple[str, ...]]] = {
    "pm2_5": ("24h", "1h"),
    "pm10": ("24h", "1h"),
    "so2": ("24h", "1h"),
    "no2": ("24h", "1h"),
    "co": ("24h", "1h"),
    "o3": ("1h", "8h"),
}

#: Table column used by the hourly (real-time) report for each pollutant's 1-h value.
HOURLY_PERIODS: Final[dict[str, str]] = {
    "pm2_5": "24h",
    "pm10": "24h",
    "so2": "1h",
    "no2": "1h",
    "co": "1h",
    "o3": "1h",
}

#: Table column used by the daily report (O3 enters by its daily maximum 8-h mean).
DAILY_PERIODS: Final[dict[str, str]] = {
    "pm2_5": "24h",
    "pm10": "24h",
    "so2": "24h",
    "no2": "24h",
    "co": "24h",
    "o3": "8h",
}

#: Chinese names as the national release platform prints primary pollutants.
POLLUTANT_NAMES_ZH: Final[dict[str, str]] = {
    "pm2_5": "细颗粒物(PM2.5)",
    "pm10": "颗粒物(PM10)",
    "so2": "二氧化硫",
    "no2": "二氧化氮",
    "co": "一氧化碳",
    "o3": "臭氧1小时",
    "o3_8h": "臭氧8小时",
}

#: Choices for what an SO2 1-h or O3 8-h concentration above 800 μg/m³ gives (``over_800``).
#: ``"standard"``: HJ 633-2012 table 1 notes: not computed (NaN; the hourly SO2 sub-index
#: falls back to the 24-h mean and the daily O3 sub-index to the 1-h maximum); HJ 633-2026
#: as read in secondary sources [U]: SO2 1-h -> 200, O3 8-h -> 300. ``"nan"``: NaN in both.
OVER_800_RULES: Final[tuple[str, ...]] = ("standard", "nan")

#: IAQI given above 800 μg/m³ by the 2026 rule (uncertain, see ``OVER_800_RULES``).
_OVER_800_2026: Final[dict[tuple[str, str], float]] = {("so2", "1h"): 200.0, ("o3", "8h"): 300.0}

#: Upper AQI bound of levels 1-5 (HJ 633 table 2); above the last bound is level 6.
_LEVEL_BOUNDS: Final[np.ndarray] = np.array([50.0, 100.0, 150.0, 200.0, 300.0])

#: Guard so that float noise (100.00000000001) does not round up to the next integer.
_CEIL_EPS: Final[float] = 1e-9


def _check_choice(value: object, valid: Iterable[str], what: str) -> str:
    valid = tuple(valid)
    if not isinstance(value, str) or value not in valid:
        raise InputError(f"{what} {value!r} is not valid. Must be one of: {', '.join(valid)}")
    return value


def _as_float(values: Any) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(values, dtype=float)


def _like(template: Any, result: np.ndarray, name: str | None = None) -> Any:
    """Return ``result`` shaped like ``template``: scalar, ndarray or Series (same index)."""
    if isinstance(template, pd.Series):
        return pd.Series(result, index=template.index, name=name)
    if np.ndim(template) == 0:
        return float(result)
    return result


def _round_half_even(conc: np.ndarray, pollutant: str) -> np.ndarray:
    """Round concentrations as HJ 633-2026 requires before the IAQI: CO to 0.1, others to 1."""
    return np.round(conc, 1 if pollutant == "co" else 0)


class _Scratch:
    """Work buffers reused across the pollutant columns of one call (no per-column mmap)."""

    __slots__ = ("flag", "index", "seg", "tmp")

    def __init__(self, n: int) -> None:
        self.seg = np.empty(n, dtype=np.int8)
        self.index = np.empty(n, dtype=np.intp)
        self.tmp = np.empty(n)
        self.flag = np.empty(n, dtype=bool)


def _iaqi_core(
    conc: np.ndarray,
    standard: str,
    pollutant: str,
    period: str,
    over_800: str,
    rounded: bool,
    out: np.ndarray | None = None,
    scratch: _Scratch | None = None,
) -> np.ndarray:
    """Vectorised IAQI for one pollutant column: segment index + linear interpolation + ceil.

    Writes into ``out`` when given (a preallocated row of the caller's IAQI block) and uses
    ``scratch`` buffers of the same length, so that a row-wise call allocates little.
    """
    table_period = "24h" if pollutant in ("pm2_5", "pm10") else period
    bp, slope, intercept = _segments(standard, pollutant, table_period)
    if rounded:
        conc = _round_half_even(conc, pollutant)
    n = conc.size
    if out is None:
        out = np.empty(n)
    if scratch is None:
        scratch = _Scratch(n)
    seg, index, tmp, flag = scratch.seg, scratch.index, scratch.tmp, scratch.flag
    # Segment index = number of inner breakpoints <= conc, counted in int8 with in-place
    # comparisons (faster than searchsorted on 5-6 breakpoints). NaN compares False -> 0.
    seg.fill(0)
    int_flag = flag.view(np.int8)
    for inner in bp[1:-1]:
        np.greater_equal(conc, inner, out=flag)
        seg += int_flag
    np.copyto(index, seg)  # take() would otherwise allocate an intp copy per call
    np.take(slope, index, out=out)
    out *= conc
    np.take(intercept, index, out=tmp)
    out += tmp
    np.ceil(out, out=out)
    top = bp[-1]
    level_top = _air_tables.breakpoints()[(standard, pollutant, table_period)][1][-1]
    if level_top == 500.0:
        above = 500.0
    elif over_800 == "standard" and standard == "2026":
        above = _OVER_800_2026[(pollutant, table_period)]
    else:
        above = np.nan
    np.greater(conc, top, out=flag)
    if flag.any():
        np.putmask(out, flag, above)
    np.less(conc, 0.0, out=flag)
    if flag.any():
        np.putmask(out, flag, np.nan)
    return out


@functools.cache
def _segments(standard: str, pollutant: str, period: str) -> tuple[np.ndarray, ...]:
    """Breakpoints, and slope and intercept (less the ceil guard) of each table segment."""
    bp, level = _air_tables.breakpoints()[(standard, pollutant, period)]
    slope = np.diff(level) / np.diff(bp)
    intercept = level[:-1] - slope * bp[:-1] - _CEIL_EPS
    return bp, slope, intercept


def iaqi(
    concentration: Any,
    pollutant: str,
    period: str,
    *,
    standard: str = "2026",
    over_800: str = "standard",
    round_concentration: bool | None = None,
) -> Any:
    """Individual air quality index (IAQI) of one pollutant.

    Parameters
    ----------
    concentration : float, array-like or pandas.Series
        Concentration [μg/m³]; CO in [mg/m³]. NaN gives NaN; negative values give NaN.
    pollutant : str
        One of :data:`POLLUTANTS`.
    period : str
        Averaging period, one of :data:`PERIODS` ``[pollutant]``: ``"24h"``, ``"1h"`` or,
        for O3, ``"8h"`` (8-h moving mean). PM2.5/PM10 ``"1h"`` uses the 24-h column.
    standard : {"2012", "2026"}, default "2026"
        Table version: HJ 633-2012 or HJ 633-2026 (PM2.5 and PM10 columns differ).
    over_800 : {"standard", "nan"}, default "standard"
        What SO2 1-h or O3 8-h above 800 μg/m³ gives; see :data:`OVER_800_RULES`.
    round_concentration : bool, optional
        Round the concentration half-to-even (CO to 0.1 mg/m³, others to 1 μg/m³) before
        interpolating. Default: True for 2026 (HJ 633-2026 rounding rule [S1]), False for
        2012 (published hourly data are already whole numbers).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        IAQI [-], an integer value as float, same shape as ``concentration``.

    Raises
    ------
    InputError
        If ``pollutant``, ``period``, ``standard`` or ``over_800`` is not a valid name; the
        message lists the valid ones.

    Notes
    -----
    HJ 633-2012 formula (1)::

        IAQI = (IAQI_hi - IAQI_lo) / (BP_hi - BP_lo) * (C - BP_lo) + IAQI_lo

    with BP_lo <= C < BP_hi the bracketing breakpoints of table 1. The result is rounded
    up to an integer (HJ 633-2026 clause 4.2.6; also the national platform's practice for
    2012 data). At or above the last breakpoint of a column reaching IAQI 500 the IAQI is
    500. SO2 1-h and O3 8-h columns end at 800 μg/m³ (IAQI 200 and 300); above that see
    ``over_800``.

    References
    ----------
    .. [1] HJ 633-2012, clause 5.1, formula (1), table 1 and its notes (2), (3).
    .. [2] HJ 633-2026, table 1, clause 4.2.6.

    Examples
    --------
    >>> iaqi(80, "pm2_5", "24h", standard="2012")
    107.0
    >>> iaqi(80, "pm2_5", "24h", standard="2026")
    119.0
    """
    _check_choice(pollutant, POLLUTANTS, "pollutant")
    _check_choice(period, PERIODS[pollutant], f"period for {pollutant}")
    _check_choice(standard, STANDARDS, "standard")
    _check_choice(over_800, OVER_800_RULES, "over_800")
    rounded = standard == "2026" if round_concentration is None else bool(round_concentration)
    conc = np.atleast_1d(_as_float(concentration))
    out = _iaqi_core(conc.ravel(), standard, pollutant, period, over_800, rounded)
    out = out.reshape(conc.shape)
    if np.ndim(concentration) == 0 and not isinstance(concentration, pd.Series):
        return float(out[0])
    return _like(concentration, out, name=f"iaqi_{pollutant}")


def aqi_level(aqi: Any) -> Any:
    """AQI level 1-6 (一级 … 六级) of an AQI value.

    Parameters
    ----------
    aqi : float, array-like or pandas.Series
        AQI [-]. NaN gives NaN.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Level [-] 1 (0-50, 优) to 6 (> 300, 严重污染), as float so NaN can propagate.

    References
    ----------
    .. [1] HJ 633-2012, table 2 (unchanged in HJ 633-2026).
    """
    values = np.atleast_1d(_as_float(aqi))
    out = np.searchsorted(_LEVEL_BOUNDS, values, side="left").astype(float) + 1.0
    out[np.isnan(values)] = np.nan
    out = out.reshape(values.shape)
    if np.ndim(aqi) == 0 and not isinstance(aqi, pd.Series):
        return float(out[0])
    return _like(aqi, out, name="level")


def aqi_categories() -> pd.DataFrame:
    """The six AQI levels with Chinese and English names and colours.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``level`` (1-6); columns ``aqi_min``, ``aqi_max``, ``level_zh``,
        ``category_zh``, ``category_en``, ``colour_zh``, ``colour_en``, ``rgb``, ``hex``,
        ``cmyk``, ``source``.

    References
    ----------
    .. [1] HJ 633-2012, table 2 (unchanged in HJ 633-2026).
    """
    frame = pd.DataFrame(_air_tables.read_table("aqi_categories.csv"))
    frame["level"] = frame["level"].astype(int)
    frame["aqi_min"] = frame["aqi_min"].astype(int)
    frame["aqi_max"] = pd.to_numeric(frame["aqi_max"]).astype("Int64")
    return frame.set_index("level")


def gb3095_limit(
    pollutant: str, period: str, *, standard: str = "2026", grade: int = 2, phase: int = 1
) -> float:
    """Concentration limit of GB 3095 for one pollutant and averaging period.

    Parameters
    ----------
    pollutant : str
        ``"pm2_5"``, ``"pm10"``, ``"so2"``, ``"no2"``, ``"co"``, ``"o3"``; for 2012 also
        ``"tsp"``, ``"nox"``, ``"pb"``, ``"bap"``.
    period : str
        ``"annual"``, ``"24h"``, ``"1h"``, ``"8h"`` (O3 daily maximum 8-h mean) or, for Pb,
        ``"quarter"``.
    standard : {"2012", "2026"}, default "2026"
    grade : {1, 2}, default 2
        Grade I (class-1 zones) or grade II (class-2 zones, including industrial parks).
    phase : {1, 2}, default 1
        GB 3095-2026 only: phase 1 (2026-03-01 to 2030-12-31) or phase 2 (from 2031-01-01).
        Ignored for 2012.

    Returns
    -------
    float
        Limit [μg/m³]; CO in [mg/m³].

    Notes
    -----
    Several GB 3095-2026 values are marked uncertain (``confidence`` = ``U`` in
    ``gb3095_limits.csv``): the official table 1 was not read.

    References
    ----------
    .. [1] GB 3095-2012, tables 1 and 2.
    .. [2] GB 3095-2026, table 1 (phase 1 and phase 2 limits).
    """
    _check_choice(standard, STANDARDS, "standard")
    _check_choice(str(grade), ("1", "2"), "grade")
    _check_choice(str(phase), ("1", "2"), "phase")
    rows = [r for r in _air_tables.read_table("gb3095_limits.csv") if r["standard"] == standard]
    _check_choice(pollutant, sorted({r["pollutant"] for r in rows}), "pollutant")
    rows = [r for r in rows if r["pollutant"] == pollutant]
    _check_choice(period, sorted({r["period"] for r in rows}), f"period for {pollutant}")
    for r in rows:
        if (
            r["period"] == period
            and r["grade"] == str(grade)
            and (standard == "2012" or r["phase"] == str(phase))
        ):
            return float(r["limit"])
    raise InputError(f"no GB 3095-{standard} limit for {pollutant} {period}")  # pragma: no cover


# ---------------------------------------------------------------------------------------
# Row-wise AQI: hourly and daily reports
# ---------------------------------------------------------------------------------------


def _combo_labels(names: tuple[str, ...]) -> list[str]:
    """Labels of bit masks 1 .. 2**n - 1 over ``names`` (bit k = names[k]), comma-joined."""
    return [
        ",".join(n for k, n in enumerate(names) if mask >> k & 1)
        for mask in range(1, 2 ** len(names))
    ]


_COMBOS: Final[list[str]] = _combo_labels(POLLUTANTS)


def _versions(n: int, standard: str, times: Any) -> np.ndarray:
    """Boolean array: True where the 2026 tables apply."""
    _check_choice(standard, ("auto", *STANDARDS), "standard")
    if standard != "auto":
        return np.full(n, standard == "2026")
    if times is None:
        raise InputError(
            "standard='auto' needs timestamps: pass time=..., give the frame a "
            "DatetimeIndex, or force standard='2012' or '2026'"
        )
    index = pd.DatetimeIndex(times)
    if index.tz is None:
        raise InputError("timestamps must be timezone-aware (e.g. tz_localize('Asia/Shanghai'))")
    if len(index) != n:
        raise InputError(f"time has {len(index)} values for {n} rows")
    # Compare UTC integers: no per-row datetime objects, and NaT (int64 min) -> 2012.
    return index.as_unit("ns").asi8 >= SWITCH_TIME.as_unit("ns").value


def _columns(data: Any, extra: tuple[str, ...] = ()) -> tuple[dict[str, np.ndarray], int, Any]:
    """Float arrays of the pollutant columns present in ``data``, row count and index."""
    if isinstance(data, pd.DataFrame):
        source: Mapping[str, Any] = data
        index = data.index
    elif isinstance(data, Mapping):
        source = data
        index = None
    else:
        raise InputError("data must be a pandas DataFrame or a mapping of column name to array")
    arrays = {
        name: np.atleast_1d(_as_float(source[name]))
        for name in (*POLLUTANTS, *extra)
        if name in source
    }
    if not any(p in arrays for p in POLLUTANTS):
        raise InputError(f"data has none of the pollutant columns: {', '.join(POLLUTANTS)}")
    sizes = {a.size for a in arrays.values()}
    if len(sizes) != 1:
        raise InputError(f"pollutant columns differ in length: {sorted(sizes)}")
    n = sizes.pop()
    if index is None:
        index = pd.RangeIndex(n)
    return arrays, n, index


def _sub_indices(
    arrays: dict[str, np.ndarray],
    is2026: np.ndarray,
    periods: Mapping[str, str],
    over_800: str,
    round_concentration: bool | None,
) -> dict[str, np.ndarray]:
    """IAQI per pollutant, each row on its own table version.

    The results are the rows of one preallocated ``(k, n)`` float block (pandas' own block
    layout), in :data:`POLLUTANTS` order; scratch buffers are shared by the columns.
    """
    n = is2026.size
    n2026 = int(np.count_nonzero(is2026))
    present = [p for p in POLLUTANTS if p in arrays]
    block = np.empty((len(present), n))
    scratch = _Scratch(n) if n2026 in (0, n) else None
    out: dict[str, np.ndarray] = {}
    for row, p in zip(block, present, strict=True):
        conc = arrays[p]
        if n2026 in (0, n):  # one version for every row: no masking, no scatter
            std = "2026" if n2026 else "2012"
            rounded = std == "2026" if round_concentration is None else round_concentration
            _iaqi_core(conc, std, p, periods[p], over_800, rounded, out=row, scratch=scratch)
        else:
            for std, mask in (("2012", ~is2026), ("2026", is2026)):
                rounded = std == "2026" if round_concentration is None else round_concentration
                row[mask] = _iaqi_core(conc[mask], std, p, periods[p], over_800, rounded)
        out[p] = row
    return out


@functools.cache
def _dtypes() -> tuple[pd.CategoricalDtype, pd.CategoricalDtype, pd.CategoricalDtype]:
    """Categorical dtypes of category, pollutant combinations and standard (built once)."""
    names = [c["category_zh"] for c in _air_tables.categories()]
    return (
        pd.CategoricalDtype(names),
        pd.CategoricalDtype(_COMBOS),
        pd.CategoricalDtype(list(STANDARDS)),
    )


def _masks(sub: dict[str, np.ndarray], test: Any, flag: np.ndarray) -> np.ndarray:
    """int8 bit mask over :data:`POLLUTANTS` (bit k = POLLUTANTS[k]) of rows where ``test``."""
    mask = np.zeros(flag.size, dtype=np.int8)
    int_flag = flag.view(np.int8)
    for k, p in enumerate(POLLUTANTS):
        if p in sub:
            test(sub[p], out=flag)
            if k:
                np.left_shift(int_flag, k, out=int_flag)
            mask |= int_flag
    return mask


def _summarise(
    sub: dict[str, np.ndarray], index: Any, undetermined: np.ndarray | None, is2026: np.ndarray
) -> pd.DataFrame:
    """AQI, level, category, primary and exceeding pollutants from the sub-indices.

    Category codes, primary and exceeding pollutants are small integers (levels counted by
    comparisons; pollutant sets as int8 bit masks) turned into categoricals whose 63
    combination labels are built once, at import.
    """
    present = [p for p in POLLUTANTS if p in sub]
    aqi = sub[present[0]].copy()
    for p in present[1:]:
        np.fmax(aqi, sub[p], out=aqi)
    if undetermined is not None:
        aqi[undetermined] = np.nan
    n = aqi.size
    flag = np.empty(n, dtype=bool)
    nan = np.isnan(aqi)
    primary = _masks(sub, lambda v, out: np.equal(v, aqi, out=out), flag)
    np.greater(aqi, 50.0, out=flag)
    np.logical_not(flag, out=flag)
    primary[flag] = 0
    primary -= 1  # categorical code: mask - 1, -1 = none
    exceeding = _masks(sub, lambda v, out: np.greater(v, 100.0, out=out), flag)
    exceeding[nan] = 0
    exceeding -= 1
    codes = np.zeros(n, dtype=np.int8)  # level - 1: count of level bounds below the AQI
    int_flag = flag.view(np.int8)
    for bound in _LEVEL_BOUNDS:
        np.greater(aqi, bound, out=flag)
        codes += int_flag
    level = codes + np.int8(1)
    codes[nan] = -1
    category_dtype, combo_dtype, standard_dtype = _dtypes()
    columns: dict[str, Any] = {f"iaqi_{p}": sub[p] for p in present}
    columns["aqi"] = aqi
    columns["level"] = pd.arrays.IntegerArray(level, nan)
    columns["category"] = pd.Categorical.from_codes(codes, dtype=category_dtype, validate=False)
    columns["primary_pollutant"] = pd.Categorical.from_codes(
        primary, dtype=combo_dtype, validate=False
    )
    columns["exceeding_pollutants"] = pd.Categorical.from_codes(
        exceeding, dtype=combo_dtype, validate=False
    )
    columns["standard"] = pd.Categorical.from_codes(
        is2026.astype(np.int8), dtype=standard_dtype, validate=False
    )
    # copy=False: one block per column, no consolidation copy of 10^7-row arrays.
    return pd.DataFrame(columns, index=index, copy=False)


def hourly_aqi(
    data: Any,
    *,
    time: Any = None,
    standard: str = "auto",
    over_800: str = "standard",
    round_concentration: bool | None = None,
) -> pd.DataFrame:
    """Hourly (real-time report) AQI of station-hours, vectorised over rows.

    Parameters
    ----------
    data : pandas.DataFrame or mapping of str to array-like
        1-h mean concentrations in columns named by :data:`POLLUTANTS` [μg/m³; CO mg/m³];
        ``o3`` is the 1-h O3. Missing columns and NaN cells are missing values. An optional
        ``so2_24h`` column (24-h mean SO2) is used when SO2 1-h exceeds 800 (2012 rule).
    time : array-like of tz-aware timestamps, optional
        Time of each row, used by ``standard="auto"``. Default: the frame's DatetimeIndex.
    standard : {"auto", "2012", "2026"}, default "auto"
        ``"auto"`` chooses per row: before :data:`SWITCH_TIME` the 2012 tables, from then
        the 2026 tables. Timestamps must be timezone-aware.
    over_800 : {"standard", "nan"}, default "standard"
        SO2 1-h above 800 μg/m³: see :data:`OVER_800_RULES`.
    round_concentration : bool, optional
        See :func:`iaqi`; default per version.

    Returns
    -------
    pandas.DataFrame
        Same index as ``data`` (or a RangeIndex), columns ``iaqi_<pollutant>`` for each
        pollutant given, ``aqi`` [-] (float, NaN when no pollutant is valid),
        ``level`` (Int8, 1-6), ``category`` (categorical, 优 … 严重污染),
        ``primary_pollutant`` (categorical of comma-joined codes, NaN when AQI <= 50) and
        ``exceeding_pollutants`` (IAQI > 100; a 2012 concept, reportedly dropped in 2026).

    Raises
    ------
    InputError
        Bad ``standard``/``over_800`` name (valid names listed), no pollutant column,
        naive or missing timestamps with ``standard="auto"``.

    Notes
    -----
    Hourly AQI = max(IAQI) over the pollutants present, a missing pollutant being skipped
    (as the national platform does). PM2.5 and PM10 1-h concentrations use the 24-h
    column; SO2, NO2, CO and O3 use their 1-h columns; the O3 8-h mean is not part of
    the hourly AQI. These choices reproduce every published station-hour AQI of the
    CNEMC release platform in ``tests/data/cnemc/``. Under the 2012 rule an SO2 1-h
    value above 800 takes the SO2 IAQI from ``so2_24h`` on the 24-h column; without that
    column the row's AQI is NaN (undetermined). The primary pollutant(s) are those whose
    IAQI equals the AQI when AQI > 50; ties list all of them.

    References
    ----------
    .. [1] HJ 633-2012, clauses 5.1-5.2, table 1 notes (1)-(2), table 2.
    .. [2] HJ 633-2026, table 1, clause 4.2.6 (rounding up), real-time report.
    """
    _check_choice(over_800, OVER_800_RULES, "over_800")
    arrays, n, index = _columns(data, extra=("so2_24h",))
    if time is None and isinstance(index, pd.DatetimeIndex):
        time = index
    is2026 = _versions(n, standard, time)
    sub = _sub_indices(arrays, is2026, HOURLY_PERIODS, over_800, round_concentration)
    undetermined = None
    if "so2" in sub:
        beyond = (arrays["so2"] > 800.0) & np.isnan(sub["so2"])
        if beyond.any():
            if "so2_24h" in arrays:
                fallback = _sub_indices(
                    {"so2": arrays["so2_24h"][beyond]},
                    is2026[beyond],
                    {"so2": "24h"},
                    over_800,
                    round_concentration,
                )["so2"]
                sub["so2"][beyond] = fallback
                undetermined = beyond & np.isnan(sub["so2"])
            else:
                undetermined = beyond
    return _summarise(sub, index, undetermined, is2026)


#: Minimum valid hourly values for a 24-h mean (GB 3095-2012 table 4; HJ 663).
MIN_HOURS_PER_DAY: Final[int] = 20
#: Minimum valid hourly values in an O3 8-h moving window.
MIN_HOURS_PER_8H: Final[int] = 6
#: Minimum valid 8-h windows (of the 17 starting at hours 0-16) for the daily max 8-h O3.
MIN_WINDOWS_PER_DAY: Final[int] = 14
#: Hour labels: ``"end"`` (the platform's T16 is the 15:00-16:00 mean) or ``"start"``.
HOUR_LABELS: Final[tuple[str, ...]] = ("end", "start")


def _day_grid(index: pd.DatetimeIndex, tz: str, hour_label: str) -> tuple[np.ndarray, np.ndarray]:
    """Day number and hour-of-day (0-23, hour start, local time) of each row."""
    if index.tz is None:
        raise InputError("hourly index must be timezone-aware (e.g. tz_localize('Asia/Shanghai'))")
    local = index.tz_convert(tz).tz_localize(None)
    if hour_label == "end":
        local = local - pd.Timedelta(hours=1)
    hours = local.as_unit("s").asi8
    if np.any(hours % 3600):
        raise InputError("hourly index must fall on whole hours")
    hours = hours // 3600
    return hours // 24, hours % 24


def _valid_mean(values: np.ndarray, axis: int, minimum: int) -> tuple[np.ndarray, np.ndarray]:
    valid = ~np.isnan(values)
    count = valid.sum(axis=axis)
    total = np.where(valid, values, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    mean[count < minimum] = np.nan
    return mean, count


#: Name of the station column or index level that :func:`daily_statistics` and
#: :func:`daily_aqi` group by.
STATION: Final[str] = "station"


def _per_station(hourly: Any, func: Any, **kwargs: Any) -> pd.DataFrame | None:
    """``func`` applied to each station of ``hourly`` (column or index level ``station``).

    Returns None when ``hourly`` has no station column or level (one station). The result
    is indexed by ``(station, date)``, stations in sorted order.
    """
    if not isinstance(hourly, pd.DataFrame):
        return None
    if STATION in hourly.columns:
        groups = hourly.groupby(STATION, sort=True, observed=True)
        parts = {key: func(group.drop(columns=STATION), **kwargs) for key, group in groups}
    elif isinstance(hourly.index, pd.MultiIndex) and STATION in hourly.index.names:
        groups = hourly.groupby(level=STATION, sort=True, observed=True)
        parts = {key: func(group.droplevel(STATION), **kwargs) for key, group in groups}
    else:
        return None
    if not parts:
        raise InputError("hourly is empty")
    return pd.concat(parts, names=[STATION, "date"])


def daily_statistics(
    hourly: pd.DataFrame, *, tz: str = "Asia/Shanghai", hour_label: str = "end"
) -> pd.DataFrame:
    """Daily statistics of one station's hourly concentrations, with the validity rules.

    Parameters
    ----------
    hourly : pandas.DataFrame
        1-h means in columns named by :data:`POLLUTANTS` [μg/m³; CO mg/m³], indexed by
        timezone-aware timestamps on whole hours. Missing hours may be absent or NaN.
        Several stations: a ``station`` column, or a ``(station, time)`` MultiIndex with a
        level named ``station``; each station is computed on its own.
    tz : str, default "Asia/Shanghai"
        IANA zone of the natural day.
    hour_label : {"end", "start"}, default "end"
        Whether a timestamp labels the end of its hour (national platform) or the start.

    Returns
    -------
    pandas.DataFrame
        One row per local day (tz-aware midnight index ``date``; with stations a
        ``(station, date)`` MultiIndex): ``<pollutant>`` 24-h mean for
        PM2.5, PM10, SO2, NO2, CO (NaN with fewer than 20 valid hours); ``o3_8h`` daily
        maximum 8-h moving mean (windows starting 00:00-16:00, each valid with >= 6 hours,
        the maximum valid with >= 14 valid windows); ``o3_1h`` daily maximum 1-h O3;
        ``n_<pollutant>`` valid hours; ``n_o3_8h`` valid windows.

    Notes
    -----
    The daily maximum 1-h O3 is taken over the valid hours without a minimum count (no
    rule was found for it; uncertain).

    References
    ----------
    .. [1] GB 3095-2012, table 4 (data validity); HJ 663-2013, clause 4.
    """
    _check_choice(hour_label, HOUR_LABELS, "hour_label")
    grouped = _per_station(hourly, daily_statistics, tz=tz, hour_label=hour_label)
    if grouped is not None:
        return grouped
    if not isinstance(hourly.index, pd.DatetimeIndex):
        raise InputError("hourly must be indexed by a DatetimeIndex")
    day, hour = _day_grid(hourly.index, tz, hour_label)
    if len(day) == 0:
        raise InputError("hourly is empty")
    first = int(day.min())
    ndays = int(day.max()) - first + 1
    slot = (day - first) * 24 + hour
    if len(np.unique(slot)) != len(slot):
        raise InputError("hourly has more than one row for the same hour")
    days = pd.DatetimeIndex(
        pd.to_datetime(np.arange(first, first + ndays), unit="D").tz_localize(tz), name="date"
    )
    out = pd.DataFrame(index=days)
    present = [p for p in POLLUTANTS if p in hourly.columns]
    if not present:
        raise InputError(f"hourly has none of the pollutant columns: {', '.join(POLLUTANTS)}")
    for p in present:
        grid = np.full(ndays * 24, np.nan)
        grid[slot] = _as_float(hourly[p])
        grid = grid.reshape(ndays, 24)
        if p == "o3":
            windows = np.lib.stride_tricks.sliding_window_view(grid, 8, axis=1)
            avg8, _ = _valid_mean(windows, axis=2, minimum=MIN_HOURS_PER_8H)
            n_windows = (~np.isnan(avg8)).sum(axis=1)
            with np.errstate(invalid="ignore"):
                best = np.where(n_windows > 0, np.nanmax(np.where(np.isnan(avg8), -1, avg8), 1), 0)
            best[n_windows < MIN_WINDOWS_PER_DAY] = np.nan
            valid = ~np.isnan(grid)
            out["o3_8h"] = best
            out["o3_1h"] = np.where(valid.any(1), np.where(valid, grid, -np.inf).max(1), np.nan)
            out["n_o3"] = valid.sum(1)
            out["n_o3_8h"] = n_windows
        else:
            mean, count = _valid_mean(grid, axis=1, minimum=MIN_HOURS_PER_DAY)
            out[p] = mean
            out[f"n_{p}"] = count
    return out


def daily_aqi(
    hourly: pd.DataFrame,
    *,
    tz: str = "Asia/Shanghai",
    hour_label: str = "end",
    standard: str = "auto",
    over_800: str = "standard",
    round_concentration: bool | None = None,
) -> pd.DataFrame:
    """Daily report AQI of one or several stations from their hourly concentrations.

    Parameters
    ----------
    hourly : pandas.DataFrame
        As for :func:`daily_statistics`: one station, or several by a ``station`` column or
        index level (grouped; each station's result equals a call with its rows alone).
    tz, hour_label
        As for :func:`daily_statistics`.
    standard : {"auto", "2012", "2026"}, default "auto"
        ``"auto"``: days from 2026-03-01 use the 2026 tables, earlier days the 2012 tables.
    over_800 : {"standard", "nan"}, default "standard"
        O3 8-h above 800 μg/m³: see :data:`OVER_800_RULES`.
    round_concentration : bool, optional
        See :func:`iaqi`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`daily_statistics`, then ``iaqi_<pollutant>``, ``aqi``,
        ``level``, ``category``, ``primary_pollutant``, ``exceeding_pollutants`` and
        ``standard`` as in :func:`hourly_aqi`. Indexed by ``date``, or by
        ``(station, date)`` when ``hourly`` has stations.

    Notes
    -----
    Daily AQI = max of the IAQIs of the 24-h means of SO2, NO2, CO, PM10, PM2.5 (24-h
    columns) and of the daily maximum 8-h O3 (8-h column). Under the 2012 rule an 8-h O3
    above 800 is not indexed and O3 takes the IAQI of the daily maximum 1-h value on the
    1-h column (HJ 633-2012 table 1 note 3). Only O3 can be primary as ``o3`` (8-h).

    References
    ----------
    .. [1] HJ 633-2012, clause 5, table 1 notes; HJ 633-2026, table 1.
    .. [2] GB 3095-2012, table 4; HJ 663-2013.
    """
    _check_choice(over_800, OVER_800_RULES, "over_800")
    grouped = _per_station(
        hourly,
        daily_aqi,
        tz=tz,
        hour_label=hour_label,
        standard=standard,
        over_800=over_800,
        round_concentration=round_concentration,
    )
    if grouped is not None:
        return grouped
    stats = daily_statistics(hourly, tz=tz, hour_label=hour_label)
    is2026 = _versions(len(stats), standard, stats.index)
    arrays = {p: stats[p if p != "o3" else "o3_8h"].to_numpy() for p in POLLUTANTS if p in stats}
    if "o3_8h" in stats:
        arrays["o3"] = stats["o3_8h"].to_numpy()
    sub = _sub_indices(arrays, is2026, DAILY_PERIODS, over_800, round_concentration)
    if "o3" in sub:
        beyond = (arrays["o3"] > 800.0) & np.isnan(sub["o3"])
        if beyond.any():
            sub["o3"][beyond] = _sub_indices(
                {"o3": stats["o3_1h"].to_numpy()[beyond]},
                is2026[beyond],
                {"o3": "1h"},
                over_800,
                round_concentration,
            )["o3"]
    result = _summarise(sub, stats.index, None, is2026)
    return pd.concat([stats, result], axis=1)
