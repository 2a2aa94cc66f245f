"""Annual ambient air quality assessment (HJ 663-2013), re-exported by :mod:`.air`.

Pure functions on a daily table: annual statistics of the six basic pollutants with the
data-validity rules of GB 3095-2012 table 4, the good-day ratio and the comprehensive
index. No I/O.

References
----------
.. [1] HJ 663-2013, Technical Regulation for Ambient Air Quality Assessment (on trial),
   clause 4 (data statistics validity), clause 5 (assessment items and statistics),
   percentile method (rank method, formulas (1)-(2)).
.. [2] GB 3095-2012, Ambient Air Quality Standards, table 1 (limits) and table 4 (data
   validity: annual statistics need >= 324 daily values, >= 27 per month, >= 25 in
   February).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from greenpark.errors import InputError

#: Minimum valid daily values in a year for an annual statistic (GB 3095-2012 table 4).
MIN_DAYS_PER_YEAR: Final[int] = 324
#: Minimum valid daily values in each month (GB 3095-2012 table 4) ...
MIN_DAYS_PER_MONTH: Final[int] = 27
#: ... and in February.
MIN_DAYS_IN_FEBRUARY: Final[int] = 25

#: Annual statistic of each pollutant (HJ 663-2013 clause 5): ``(daily column, statistic,
#: percentile p [%] or None for the mean, GB 3095 limit period used in the index)``.
ANNUAL_STATISTICS: Final[dict[str, tuple[str, str, float | None, str]]] = {
    "pm2_5": ("pm2_5", "annual_mean", None, "annual"),
    "pm10": ("pm10", "annual_mean", None, "annual"),
    "so2": ("so2", "annual_mean", None, "annual"),
    "no2": ("no2", "annual_mean", None, "annual"),
    "co": ("co", "p95_24h", 95.0, "24h"),
    "o3": ("o3_8h", "p90_max_8h", 90.0, "8h"),
}

#: Units of the annual statistics.
_UNITS: Final[dict[str, str]] = {p: "mg/m³" if p == "co" else "μg/m³" for p in ANNUAL_STATISTICS}


def hj663_percentile(values: Any, p: float) -> float:
    """p-th percentile of a series of daily values by the HJ 663-2013 rank method.

    Parameters
    ----------
    values : array-like or pandas.Series
        Daily values [μg/m³; CO mg/m³]. NaN values are not valid days and are dropped.
    p : float
        Percentile [%], 0-100 (HJ 663 uses 95 for CO and 90 for O3).

    Returns
    -------
    float
        The percentile, NaN when no value is valid.

    Raises
    ------
    InputError
        If ``p`` is outside 0-100.

    Notes
    -----
    Sort the n valid values ascending, X(1) <= ... <= X(n), then::

        k = 1 + (n - 1) * p / 100
        s = floor(k)
        m_p = X(s) + (X(s + 1) - X(s)) * (k - s)      (m_p = X(n) when s = n)

    This is linear interpolation between closest ranks, the same as
    ``numpy.percentile(..., method="linear")`` (Hyndman-Fan type 7). The formulas are
    transcribed from HJ 663-2013 as recalled; the research note (standards.md §2.1) names the
    statistics but not the method, so this is marked uncertain [U] until checked against
    the official text. No rounding (修约) is applied.

    References
    ----------
    .. [1] HJ 663-2013, percentile calculation (formulas (1)-(2)).

    Examples
    --------
    >>> hj663_percentile([5, 1, 9, 3, 7, 2, 8, 4, 10, 6], 95)
    9.55
    """
    if not 0.0 <= float(p) <= 100.0:
        raise InputError(f"percentile p={p!r} must be between 0 and 100")
    x = np.asarray(values, dtype=float).ravel()
    x = np.sort(x[~np.isnan(x)])
    n = x.size
    if n == 0:
        return float("nan")
    k = 1.0 + (n - 1) * float(p) / 100.0
    s = int(np.floor(k))
    if s >= n:
        return float(x[-1])
    return float(x[s - 1] + (x[s] - x[s - 1]) * (k - s))


def _validity(dates: pd.DatetimeIndex, valid: np.ndarray) -> tuple[int, bool, str]:
    """Valid-day count, flag and reason under GB 3095-2012 table 4 for one pollutant."""
    n = int(valid.sum())
    months = np.bincount(np.asarray(dates.month)[valid], minlength=13)[1:]
    reasons = []
    if n < MIN_DAYS_PER_YEAR:
        reasons.append(f"{n} valid days < {MIN_DAYS_PER_YEAR}")
    for month, count in enumerate(months, start=1):
        need = MIN_DAYS_IN_FEBRUARY if month == 2 else MIN_DAYS_PER_MONTH
        if count < need:
            reasons.append(f"month {month:02d}: {count} valid days < {need}")
    return n, not reasons, "; ".join(reasons)


@dataclass(frozen=True)
class AnnualAssessment:
    """Result of :func:`annual_assessment` for one station (or a park mean) and year.

    Attributes
    ----------
    year : int
        Calendar year assessed.
    standard : str
        GB 3095 edition whose grade II limits were used, ``"2012"`` or ``"2026"``.
    pollutants : pandas.DataFrame
        Indexed by pollutant code; columns ``statistic`` (``annual_mean``, ``p95_24h`` or
        ``p90_max_8h``), ``value`` [μg/m³; CO mg/m³] (computed from the valid days even
        when the validity rule fails), ``unit``, ``n_days`` (valid days), ``valid``
        (bool), ``reason`` (why not valid, ``""`` if valid), ``limit`` (grade II limit of
        the index), ``index`` (value / limit [-]) and ``compliant`` (value <= limit;
        ``<NA>`` when not valid or NaN).
    valid_days : int
        Days with a valid daily AQI.
    good_days : int
        Valid days with AQI <= 100 (优 and 良).
    good_day_ratio : float
        ``100 * good_days / valid_days`` [%]; NaN without valid days.
    comprehensive_index : float
        Sum of the six ``index`` values [-] (NaN if any is NaN).
    comprehensive_index_valid : bool
        True when all six statistics are valid.
    """

    year: int
    standard: str
    pollutants: pd.DataFrame
    valid_days: int
    good_days: int
    good_day_ratio: float
    comprehensive_index: float
    comprehensive_index_valid: bool

    def to_series(self) -> pd.Series:
        """Flat summary: the scalars plus ``<pollutant>``, ``<pollutant>_valid`` values."""
        out: dict[str, Any] = {
            "year": self.year,
            "standard": self.standard,
            "valid_days": self.valid_days,
            "good_days": self.good_days,
            "good_day_ratio": self.good_day_ratio,
            "comprehensive_index": self.comprehensive_index,
            "comprehensive_index_valid": self.comprehensive_index_valid,
        }
        for p, row in self.pollutants.iterrows():
            out[str(p)] = row["value"]
            out[f"{p}_valid"] = bool(row["valid"])
        return pd.Series(out)


def _assessment_standard(standard: str, year: int) -> tuple[str, int]:
    from greenpark.standards.air import STANDARDS, _check_choice

    _check_choice(standard, ("auto", *STANDARDS), "standard")
    if standard == "auto":
        standard = "2012" if year <= 2025 else "2026"
    return standard, 1 if year <= 2030 else 2


def annual_assessment(
    daily: pd.DataFrame, *, year: int | None = None, standard: str = "auto"
) -> AnnualAssessment:
    """Annual assessment of one station or a park mean from its daily values (HJ 663-2013).

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per day, indexed by a DatetimeIndex of calendar days (tz-aware, read in its
        own zone, as :func:`~greenpark.standards.air.daily_aqi` returns, or naive dates).
        Columns (any may be absent): ``pm2_5``, ``pm10``, ``so2``, ``no2`` [μg/m³] and
        ``co`` [mg/m³] daily (24-h) means; ``o3_8h`` daily maximum 8-h mean O3 [μg/m³];
        ``aqi`` daily AQI [-]. NaN marks an invalid day (e.g. a daily mean with < 20 hours,
        as :func:`~greenpark.standards.air.daily_statistics` gives).
    year : int, optional
        Year to assess; rows of other years are ignored. Default: the only year in the
        index (an index spanning several years needs ``year``).
    standard : {"auto", "2012", "2026"}, default "auto"
        GB 3095 edition of the limits in the index and compliance: ``"auto"`` takes 2012
        for years up to 2025 and 2026 from 2026 (phase 1 to 2030, phase 2 from 2031).

    Returns
    -------
    AnnualAssessment
        Per-pollutant statistics with validity flags and reasons, the good-day ratio and the
        comprehensive index; see :class:`AnnualAssessment`.

    Raises
    ------
    InputError
        ``daily`` without a DatetimeIndex, duplicate days, several years and no ``year``, or
        a bad ``standard`` name (valid names listed).

    Notes
    -----
    Statistics (HJ 663-2013 clause 5): SO2, NO2, PM10, PM2.5 by the annual mean of the
    daily means; CO by the 95th percentile of daily means; O3 by the 90th percentile of the
    daily maximum 8-h means, percentiles by the rank method of :func:`hj663_percentile`.

    Validity (GB 3095-2012 table 4; HJ 663-2013 clause 4): a statistic is valid with at
    least 324 valid daily values in the year and at least 27 in every month (25 in
    February). The rule is written for annual means; it is applied to the CO and O3
    percentiles too [U]. An invalid statistic is still computed from the days available.

    Good-day ratio (优良天数比例): share of the days with a valid AQI whose AQI <= 100 [%].

    Comprehensive index (standards.md §1.5, [S1])::

        I = sum_i C_i / S_i

    over the six pollutants, C_i the annual statistic above and S_i the GB 3095 grade II
    limit: annual limits for PM2.5, PM10, SO2 and NO2 (35, 70, 60, 40 μg/m³ in 2012), the
    daily max 8-h limit for O3 (160 μg/m³) and the 24-h limit for CO (4 mg/m³). With the
    2026 limits (``standard="2026"``) the same formula is used with the 2026 grade II values;
    whether the ranking index switches to them is uncertain [U]. No rounding is applied
    (publications round I to 2 decimals).

    References
    ----------
    .. [1] HJ 663-2013, clauses 4-5 and the percentile formulas.
    .. [2] GB 3095-2012, table 1 (grade II limits) and table 4 (data validity).
    .. [3] GB 3095-2026, table 1 (``standard="2026"``).
    """
    from greenpark.standards.air import gb3095_limit

    if not isinstance(daily, pd.DataFrame) or not isinstance(daily.index, pd.DatetimeIndex):
        raise InputError("daily must be a pandas DataFrame indexed by a DatetimeIndex of days")
    if daily.index.has_duplicates:
        raise InputError("daily has more than one row for the same day")
    years = sorted({int(y) for y in daily.index.year.dropna()})
    if year is None:
        if len(years) != 1:
            raise InputError(f"daily spans years {years}: pass year=...")
        year = years[0]
    year = int(year)
    standard, phase = _assessment_standard(standard, year)
    frame = daily[np.asarray(daily.index.year == year)]
    dates = pd.DatetimeIndex(frame.index)

    rows = []
    for p, (column, statistic, pct, period) in ANNUAL_STATISTICS.items():
        if column in frame:
            values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        else:
            values = np.full(len(frame), np.nan)
        valid = ~np.isnan(values)
        n, ok, reason = _validity(dates, valid)
        if column not in frame:
            reason = f"no column {column!r}"
        if n == 0:
            value = float("nan")
        elif pct is None:
            value = float(values[valid].mean())
        else:
            value = hj663_percentile(values[valid], pct)
        limit = gb3095_limit(p, period, standard=standard, grade=2, phase=phase)
        compliant = pd.NA if not ok or np.isnan(value) else bool(value <= limit)
        rows.append(
            {
                "pollutant": p,
                "statistic": statistic,
                "value": value,
                "unit": _UNITS[p],
                "n_days": n,
                "valid": ok,
                "reason": reason,
                "limit": limit,
                "index": value / limit,
                "compliant": compliant,
            }
        )
    table = pd.DataFrame(rows).set_index("pollutant")
    table["compliant"] = table["compliant"].astype("boolean")

    if "aqi" in frame:
        aqi = pd.to_numeric(frame["aqi"], errors="coerce").to_numpy(dtype=float)
    else:
        aqi = np.full(len(frame), np.nan)
    valid_days = int(np.count_nonzero(~np.isnan(aqi)))
    good_days = int(np.count_nonzero(aqi <= 100.0))
    ratio = 100.0 * good_days / valid_days if valid_days else float("nan")
    index = table["index"].to_numpy()
    comprehensive = float(index.sum()) if not np.isnan(index).any() else float("nan")
    return AnnualAssessment(
        year=year,
        standard=standard,
        pollutants=table,
        valid_days=valid_days,
        good_days=good_days,
        good_day_ratio=ratio,
        comprehensive_index=comprehensive,
        comprehensive_index_valid=bool(table["valid"].all()),
    )
