"""Environmental noise: energy averages, day/night levels and zone compliance.

Implements the acoustic-environment quality standard GB 3096-2008 (声环境质量标准) and the
industrial-enterprise boundary noise standard GB 12348-2008 (工业企业厂界环境噪声排放标准).
All levels are A-weighted sound pressure levels in [dB(A)]; level differences (margins,
penalties) are in [dB].

The limits are data, not code: ``standards/tables/gb3096_limits.csv`` and
``standards/tables/gb12348_limits.csv`` (columns :data:`TABLE_COLUMNS`), read with
:func:`noise_table`. The GB 12348-2008 limit numbers carry confidence ``U`` (not read from
the official text); see ``docs/standards-noise.md``.

Functions accept a scalar, a numpy array or a pandas Series and return the same kind;
NaN propagates unless a function says it skips NaN and returns a count of valid values.
"""

from __future__ import annotations

import csv
import functools
import io
import zoneinfo
from collections.abc import Hashable
from importlib import resources
from typing import Any, Final

import numpy as np
import pandas as pd

__all__ = [
    "GB3096_ZONES",
    "GB12348_CLASSES",
    "LDN_DAY_HOURS",
    "LDN_NIGHT_HOURS",
    "LDN_NIGHT_PENALTY",
    "LMAX_KINDS",
    "NOISE_TABLES",
    "TABLE_COLUMNS",
    "day_night_levels",
    "energy_mean",
    "gb3096_compliance",
    "gb12348_compliance",
    "ldn",
    "noise_table",
]

#: Columns of the noise limit tables, in order.
TABLE_COLUMNS: Final[tuple[str, ...]] = (
    "item",
    "zone",
    "period",
    "value",
    "unit",
    "source",
    "valid_from",
    "valid_to",
    "confidence",
)

#: Table name -> CSV file in ``greenpark/standards/tables``.
NOISE_TABLES: Final[dict[str, str]] = {
    "gb3096": "gb3096_limits.csv",
    "gb12348": "gb12348_limits.csv",
}

#: Acoustic environment functional zone classes of GB 3096-2008 Table 1.
GB3096_ZONES: Final[tuple[str, ...]] = ("0", "1", "2", "3", "4a", "4b")

#: Boundary classes of GB 12348-2008 Table 1 (zone class of the area outside the boundary).
GB12348_CLASSES: Final[tuple[str, ...]] = ("0", "1", "2", "3", "4")

#: Zone names GB 12348-2008 maps onto its boundary classes: 4a and 4b zones use class 4.
_GB12348_ALIASES: Final[dict[str, str]] = {"4a": "4", "4b": "4"}

#: Kinds of night noise events whose Lmax GB 12348-2008 limits (clauses 4.1.2 and 4.1.3).
LMAX_KINDS: Final[tuple[str, ...]] = ("frequent", "sporadic")

#: Day-night level weighting: hours of day and night and the night penalty [dB].
LDN_DAY_HOURS: Final[float] = 16.0
LDN_NIGHT_HOURS: Final[float] = 8.0
LDN_NIGHT_PENALTY: Final[float] = 10.0

_CONFIDENCE: Final[tuple[str, ...]] = ("V2", "S1", "U")
_UNIT: Final[str] = "dB(A)"


# --------------------------------------------------------------------------- tables


@functools.cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    if name not in NOISE_TABLES:
        raise ValueError(f"noise table {name!r} is unknown; must be one of {sorted(NOISE_TABLES)}")
    filename = NOISE_TABLES[name]
    path = resources.files("greenpark.standards") / "tables" / filename
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    if tuple(reader.fieldnames or ()) != TABLE_COLUMNS:
        raise ValueError(f"{filename}: header {reader.fieldnames} must be {list(TABLE_COLUMNS)}")
    rows: list[dict[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for line, row in enumerate(reader, start=2):
        key = (row["item"], row["zone"], row["period"])
        if key in seen:
            raise ValueError(f"{filename}: row {line}: {key} appears twice")
        if row["unit"] != _UNIT:
            raise ValueError(f"{filename}: row {line}: unit {row['unit']!r} must be {_UNIT!r}")
        if row["confidence"] not in _CONFIDENCE:
            raise ValueError(
                f"{filename}: row {line}: confidence {row['confidence']!r} "
                f"must be one of {list(_CONFIDENCE)}"
            )
        float(row["value"])
        seen.add(key)
        rows.append(dict(row))
    return tuple(rows)


def noise_table(name: str) -> pd.DataFrame:
    """One of the noise limit tables, as a DataFrame (a fresh copy on every call).

    Parameters
    ----------
    name : str
        ``"gb3096"`` (GB 3096-2008 Table 1 zone limits and the clause 5.4 sudden-noise
        margin) or ``"gb12348"`` (GB 12348-2008 Table 1 boundary limits and the clause
        4.1.2, 4.1.3 and 4.1.5 rules).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TABLE_COLUMNS`. ``item`` is ``leq_limit`` for a zone limit and names
        the rule otherwise (``lmax_sudden_margin``, ``lmax_frequent_margin``,
        ``lmax_sporadic_margin``, ``indoor_reduction``; ``zone`` is ``"all"`` for rules).
        ``value`` [dB(A)] is float; ``valid_to`` is empty while the standard is in force;
        ``confidence`` is ``V2`` (two sources), ``S1`` (one source) or ``U`` (uncertain).

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`NOISE_TABLES` (the message lists them).

    References
    ----------
    .. [1] GB 3096-2008 Environmental quality standard for noise, clause 5.1 Table 1, 5.4.
    .. [2] GB 12348-2008 Emission standard for industrial enterprises noise at boundary,
       clause 4.1.1 Table 1, 4.1.2, 4.1.3, 4.1.5.
    """
    frame = pd.DataFrame(list(_rows(name)), columns=list(TABLE_COLUMNS), dtype=object)
    frame["value"] = frame["value"].astype(float)
    return frame


def _leq_limits(name: str) -> dict[tuple[str, str], float]:
    return {
        (r["zone"], r["period"]): float(r["value"]) for r in _rows(name) if r["item"] == "leq_limit"
    }


def _rule(name: str, item: str) -> float:
    (value,) = (float(r["value"]) for r in _rows(name) if r["item"] == item)
    return value


# --------------------------------------------------------------------------- helpers


def _as_float(x: Any) -> np.ndarray:
    if isinstance(x, pd.Series):
        return x.to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(x, dtype=float)


def _common_index(*args: Any) -> pd.Index | None:
    """The index of the Series among ``args`` (all Series must share it), else None."""
    index: pd.Index | None = None
    for arg in args:
        if isinstance(arg, pd.Series):
            if index is None:
                index = arg.index
            elif not arg.index.equals(index):
                raise ValueError("Series arguments must share the same index")
    return index


def _shape_out(values: np.ndarray, index: pd.Index | None, name: Hashable = None) -> Any:
    if index is not None:
        return pd.Series(values, index=index, name=name)
    if values.ndim == 0:
        return float(values)
    return values


def _zone_keys(zone: Any, valid: tuple[str, ...], aliases: dict[str, str], what: str) -> np.ndarray:
    raw = zone.to_numpy(dtype=object) if isinstance(zone, pd.Series) else zone
    arr = np.asarray(raw, dtype=object)
    keys = np.empty(arr.shape, dtype=object)
    bad: list[object] = []
    for pos, value in np.ndenumerate(arr):
        key = str(value).strip().lower()
        key = aliases.get(key, key)
        if key not in valid:
            bad.append(value)
        keys[pos] = key
    if bad:
        valid_names = list(valid) + sorted(aliases)
        raise ValueError(f"{what} {bad[0]!r} is unknown; must be one of {valid_names}")
    return keys


def _lookup(keys: np.ndarray, limits: dict[tuple[str, str], float], period: str) -> np.ndarray:
    out = np.empty(keys.shape, dtype=float)
    for pos, key in np.ndenumerate(keys):
        out[pos] = limits[(key, period)]
    return out


def _package(columns: dict[str, np.ndarray], index: pd.Index | None) -> Any:
    if index is not None:
        return pd.DataFrame(columns, index=index)
    if all(v.ndim == 0 for v in columns.values()):
        return {k: (bool(v) if v.dtype == bool else float(v)) for k, v in columns.items()}
    return columns


# --------------------------------------------------------------------------- functions


def energy_mean(levels: Any, weights: Any = None, *, axis: int | None = None) -> float | np.ndarray:
    r"""Energy (logarithmic) mean of sound levels: 10·lg of the mean of 10^(L/10).

    Parameters
    ----------
    levels : numeric, array-like or pandas.Series
        Sound levels (e.g. Leq of equal or weighted intervals) [dB(A)].
    weights : array-like, optional
        Non-negative weights, e.g. interval durations t_i (any consistent time unit);
        same shape as ``levels`` or 1-D along ``axis`` (as :func:`numpy.average`).
        Default: equal weights.
    axis : int, optional
        Axis of an ndarray to average along; default ``None`` averages all values.

    Returns
    -------
    float or numpy.ndarray
        The energy-mean level [dB(A)]; a float when ``axis`` is None. NaN if any level or
        weight is NaN (NaN propagates; drop missing values first to skip them).

    Raises
    ------
    ValueError
        If ``levels`` is empty, a weight is negative or the weights sum to zero.

    Notes
    -----
    .. math::

        L_{eq} = 10 \lg \frac{\sum_i t_i 10^{0.1 L_i}}{\sum_i t_i}

    This is the discrete form of the equivalent continuous A-weighted level defined in
    GB 12348-2008 clause 3.3 (and GB 3096-2008 clause 3). Sound levels are never averaged
    arithmetically; the energy mean is always at least the arithmetic mean.

    References
    ----------
    .. [1] GB 12348-2008, clause 3.3 (equivalent continuous A-weighted sound pressure level).
    .. [2] GB 3096-2008, clause 3 (terms and definitions).

    Examples
    --------
    >>> round(energy_mean([60.0, 70.0]), 2)
    67.4
    """
    values = _as_float(levels)
    if values.size == 0:
        raise ValueError("levels is empty")
    energy = np.power(10.0, values / 10.0)
    if weights is None:
        mean = np.mean(energy, axis=axis)
    else:
        w = _as_float(weights)
        if np.any(w < 0):
            raise ValueError("weights must be non-negative")
        try:
            mean = np.average(energy, axis=axis, weights=w)
        except ZeroDivisionError as exc:
            raise ValueError("weights sum to zero") from exc
    result = 10.0 * np.log10(mean)
    return float(result) if np.ndim(result) == 0 else result


def day_night_levels(
    series: pd.Series,
    *,
    timezone: str = "Asia/Shanghai",
    day_start: float = 6.0,
    night_start: float = 22.0,
) -> pd.DataFrame:
    """Day level Ld and night level Ln per local day from a time series of levels.

    Parameters
    ----------
    series : pandas.Series
        Levels of equal-length intervals (e.g. hourly Leq) [dB(A)], indexed by timezone-aware
        timestamps that label the **start** of each interval.
    timezone : str, default "Asia/Shanghai"
        IANA zone of the park; the day and night windows are local wall-clock times.
    day_start, night_start : float, default 6 and 22
        Local hours at which day (昼间) and night (夜间) begin. GB 3096-2008 uses
        06:00-22:00 and 22:00-06:00; a local government may set other hours.

    Returns
    -------
    pandas.DataFrame
        Indexed by the local day (aware local midnight in ``timezone``, index name
        ``"date"``), columns ``ld`` and ``ln`` [dB(A)] and ``n_day``, ``n_night`` (number
        of valid values averaged). NaN values are skipped and not counted; a window with
        no valid value gives NaN. Apply a data-completeness rule on the counts.

    Raises
    ------
    TypeError
        If the index is not a DatetimeIndex.
    ValueError
        If the timestamps are naive, the zone is unknown or the hours are out of order.

    Notes
    -----
    Each value belongs to the window containing its (local) start timestamp: the value
    labelled 06:00 is day, 21:00 is day, 22:00 is night, 05:00 is night. **A night
    belongs to the day on which it starts**: the night of day D runs from D 22:00 to D+1
    06:00, so values from 00:00 to 06:00 count towards the previous date's ``ln``.
    Windows are local wall-clock times, so on a daylight-saving change a night holds
    7 or 9 hours (none in Asia/Shanghai). Ld and Ln are energy means (:func:`energy_mean`)
    with equal weight per value.

    References
    ----------
    .. [1] GB 3096-2008, clause 3 (definitions of 昼间 and 夜间) and clause 5.1.
    """
    if not isinstance(series, pd.Series):
        raise TypeError(f"series must be a pandas Series, not {type(series).__name__}")
    index = series.index
    if not isinstance(index, pd.DatetimeIndex):
        raise TypeError(f"series must be indexed by a DatetimeIndex, not {type(index).__name__}")
    if index.tz is None:
        raise ValueError(
            "naive timestamps are refused: localize the index first, "
            "e.g. series.tz_localize('Asia/Shanghai') or series.tz_localize('UTC')"
        )
    try:
        tz = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"timezone {timezone!r} is not an IANA zone name such as 'Asia/Shanghai'"
        ) from exc
    if not 0.0 <= day_start < night_start <= 24.0:
        raise ValueError(
            f"need 0 <= day_start < night_start <= 24, got {day_start} and {night_start}"
        )

    wall = index.tz_convert(tz).tz_localize(None)
    midnight = wall.normalize()
    hour = np.asarray((wall - midnight) / pd.Timedelta(hours=1), dtype=float)
    is_day = (hour >= day_start) & (hour < night_start)
    date = midnight - pd.to_timedelta(np.where(hour < day_start, 1, 0), unit="D")

    energy = np.power(10.0, _as_float(series) / 10.0)
    frame = pd.DataFrame({"date": date, "day": is_day, "energy": energy})
    grouped = frame.groupby(["date", "day"])["energy"].agg(["sum", "count"])
    sums = grouped["sum"].unstack("day")
    counts = grouped["count"].unstack("day")
    days = pd.DatetimeIndex(sorted(set(date)), name="date")
    sums = sums.reindex(index=days, columns=[True, False])
    counts = counts.reindex(index=days, columns=[True, False]).fillna(0).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = 10.0 * np.log10(sums.to_numpy(dtype=float) / counts.to_numpy(dtype=float))
    level[counts.to_numpy() == 0] = np.nan
    aware = days.tz_localize(
        tz, ambiguous=np.ones(len(days), dtype=bool), nonexistent="shift_forward"
    )
    return pd.DataFrame(
        {
            "ld": level[:, 0],
            "ln": level[:, 1],
            "n_day": counts[True].to_numpy(),
            "n_night": counts[False].to_numpy(),
        },
        index=pd.DatetimeIndex(aware, name="date"),
    )


def ldn(ld: Any, ln: Any) -> Any:
    r"""Day-night level Ldn with a +10 dB night penalty, weighted 16 h day / 8 h night.

    Parameters
    ----------
    ld : numeric, array-like or pandas.Series
        Day level Ld, 06:00-22:00 [dB(A)].
    ln : numeric, array-like or pandas.Series
        Night level Ln, 22:00-06:00 [dB(A)].

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Ldn [dB(A)], broadcast over the inputs; a Series when an input is a Series.
        NaN propagates.

    Notes
    -----
    .. math::

        L_{dn} = 10 \lg \frac{16 \cdot 10^{0.1 L_d} + 8 \cdot 10^{0.1 (L_n + 10)}}{24}

    GB 3096-2008 assesses Ld and Ln separately against the zone limits; Ldn is an extra
    indicator. The formula is the ISO 1996-1 day-night level (GB/T 3222 style); which
    Chinese standard defines it is uncertain in our reference note (standards.md §5.3),
    and the 16 h / 8 h weighting assumes the GB 3096-2008 day and night windows.

    References
    ----------
    .. [1] ISO 1996-1:2016 Acoustics - Description, measurement and assessment of
       environmental noise - Part 1, clause 3.6 (day-night sound level).
    .. [2] GB 3096-2008, clause 3 (昼间 06:00-22:00, 夜间 22:00-06:00).

    Examples
    --------
    >>> round(ldn(60.0, 45.0), 2)
    58.88
    """
    index = _common_index(ld, ln)
    d, n = np.broadcast_arrays(_as_float(ld), _as_float(ln))
    day = LDN_DAY_HOURS * np.power(10.0, d / 10.0)
    night = LDN_NIGHT_HOURS * np.power(10.0, (n + LDN_NIGHT_PENALTY) / 10.0)
    value = 10.0 * np.log10((day + night) / (LDN_DAY_HOURS + LDN_NIGHT_HOURS))
    return _shape_out(np.asarray(value), index, name="ldn")


def gb3096_compliance(ld: Any, ln: Any, zone: Any, *, lmax_night: Any = None) -> Any:
    """Compare day and night Leq (and night Lmax) with a GB 3096-2008 zone's limits.

    Parameters
    ----------
    ld : numeric, array-like or pandas.Series
        Day equivalent level Leq (06:00-22:00) [dB(A)].
    ln : numeric, array-like or pandas.Series
        Night equivalent level Leq (22:00-06:00) [dB(A)].
    zone : str, int or array-like of them
        Functional zone class, one of :data:`GB3096_ZONES` (``0``-``3`` may be ints;
        case-insensitive). Broadcast against the levels.
    lmax_night : numeric, array-like or pandas.Series, optional
        Maximum level Lmax of sudden (突发) night noise [dB(A)].

    Returns
    -------
    dict or pandas.DataFrame
        A DataFrame (index of the Series inputs) when an input is a Series, else a dict of
        floats/bools (all scalar inputs) or of arrays. Keys/columns:

        * ``day_limit``, ``night_limit``: the zone limits [dB(A)];
        * ``day_margin``, ``night_margin``: ΔL = Leq - limit [dB], positive = exceedance;
        * ``day_exceeds``, ``night_exceeds``: ``margin > 0``;
        * with ``lmax_night``: ``lmax_limit`` (night limit + 15), ``lmax_margin``
          (Lmax - lmax_limit) and ``lmax_exceeds``.

        A NaN level gives a NaN margin and a False flag (not shown to exceed): test the
        margin for NaN to tell a missing value from compliance.

    Raises
    ------
    ValueError
        If a zone is not a GB 3096-2008 class (the message lists the valid ones).

    Notes
    -----
    A level equal to its limit complies (the standard says "shall not exceed"). Sound-level
    exceedance is a difference in dB, not a multiple of the limit. The sudden-noise margin
    (15 dB) is read from ``gb3096_limits.csv`` (confidence S1).

    References
    ----------
    .. [1] GB 3096-2008 Environmental quality standard for noise, clause 5.1 and Table 1
       (zone limits), clause 5.4 (night sudden noise Lmax at most 15 dB(A) above the limit).

    Examples
    --------
    >>> r = gb3096_compliance(58.0, 52.0, "2")
    >>> r["day_exceeds"], r["night_exceeds"], r["night_margin"]
    (False, True, 2.0)
    """
    index = _common_index(ld, ln, zone, lmax_night)
    keys = _zone_keys(zone, GB3096_ZONES, {}, "GB 3096-2008 zone")
    limits = _leq_limits("gb3096")
    arrays = [_as_float(ld), _as_float(ln), keys]
    if lmax_night is not None:
        arrays.append(_as_float(lmax_night))
    arrays = list(np.broadcast_arrays(*arrays))
    d, n, keys = arrays[0], arrays[1], arrays[2]
    day_limit = _lookup(keys, limits, "day")
    night_limit = _lookup(keys, limits, "night")
    columns = _margins(d, n, day_limit, night_limit)
    if lmax_night is not None:
        lmax_limit = night_limit + _rule("gb3096", "lmax_sudden_margin")
        columns.update(_lmax_columns(arrays[3], lmax_limit))
    return _package(columns, index)


def gb12348_compliance(
    leq_day: Any,
    leq_night: Any,
    boundary_class: Any,
    *,
    lmax_night: Any = None,
    lmax_kind: str | None = None,
    indoor: Any = False,
) -> Any:
    """Compare industrial-enterprise boundary noise with the GB 12348-2008 limits.

    Parameters
    ----------
    leq_day : numeric, array-like or pandas.Series
        Day equivalent level Leq at the boundary [dB(A)].
    leq_night : numeric, array-like or pandas.Series
        Night equivalent level Leq at the boundary [dB(A)].
    boundary_class : str, int or array-like of them
        Zone class of the area outside the boundary, one of :data:`GB12348_CLASSES`;
        ``4a`` and ``4b`` are accepted and use class ``4``. Broadcast against the levels.
    lmax_night : numeric, array-like or pandas.Series, optional
        Night maximum level Lmax [dB(A)]; needs ``lmax_kind``.
    lmax_kind : {"frequent", "sporadic"}, optional
        Frequent (频发) night noise may exceed the night limit by at most 10 dB(A),
        sporadic (偶发) night noise by at most 15 dB(A).
    indoor : bool or array-like of bool, default False
        True where the boundary is less than 1 m from a noise-sensitive building and the
        level was measured indoors: every limit is lowered by 10 dB(A).

    Returns
    -------
    dict or pandas.DataFrame
        As :func:`gb3096_compliance`: ``day_limit``, ``night_limit`` (after the indoor
        reduction), ``day_margin``, ``night_margin``, ``day_exceeds``, ``night_exceeds``,
        and with ``lmax_night`` also ``lmax_limit``, ``lmax_margin``, ``lmax_exceeds``.
        A NaN level gives a NaN margin and a False flag.

    Raises
    ------
    ValueError
        If a boundary class or ``lmax_kind`` is unknown (the message lists the valid
        ones), or ``lmax_night`` is given without ``lmax_kind``.

    Notes
    -----
    The Lmax margin is added to the applicable night limit, i.e. after the indoor
    reduction. The Table 1 numbers in ``gb12348_limits.csv`` carry confidence ``U`` (they
    equal GB 3096-2008 classes 0-4a but were not read from the official text); the rules
    (4.1.2, 4.1.3, 4.1.5) carry ``S1``. See ``docs/standards-noise.md``.

    References
    ----------
    .. [1] GB 12348-2008 Emission standard for industrial enterprises noise at boundary,
       clause 4.1.1 Table 1 (limits), 4.1.2 (frequent night noise, +10 dB(A)), 4.1.3
       (sporadic night noise, +15 dB(A)), 4.1.5 (indoor measurement, limits -10 dB(A)).

    Examples
    --------
    >>> r = gb12348_compliance(60.0, 50.0, 3, lmax_night=68.0, lmax_kind="sporadic")
    >>> r["lmax_limit"], r["lmax_exceeds"]
    (70.0, False)
    """
    if lmax_night is not None and lmax_kind is None:
        raise ValueError(f"lmax_night needs lmax_kind, one of {list(LMAX_KINDS)}")
    if lmax_kind is not None and lmax_kind not in LMAX_KINDS:
        raise ValueError(f"lmax_kind {lmax_kind!r} is unknown; must be one of {list(LMAX_KINDS)}")
    index = _common_index(leq_day, leq_night, boundary_class, lmax_night, indoor)
    keys = _zone_keys(boundary_class, GB12348_CLASSES, _GB12348_ALIASES, "GB 12348-2008 class")
    limits = _leq_limits("gb12348")
    inside = indoor.to_numpy(dtype=bool) if isinstance(indoor, pd.Series) else indoor
    arrays = [_as_float(leq_day), _as_float(leq_night), keys, np.asarray(inside, dtype=bool)]
    if lmax_night is not None:
        arrays.append(_as_float(lmax_night))
    arrays = list(np.broadcast_arrays(*arrays))
    d, n, keys, inside = arrays[0], arrays[1], arrays[2], arrays[3]
    reduction = np.where(inside, _rule("gb12348", "indoor_reduction"), 0.0)
    day_limit = _lookup(keys, limits, "day") - reduction
    night_limit = _lookup(keys, limits, "night") - reduction
    columns = _margins(d, n, day_limit, night_limit)
    if lmax_night is not None:
        lmax_limit = night_limit + _rule("gb12348", f"lmax_{lmax_kind}_margin")
        columns.update(_lmax_columns(arrays[4], lmax_limit))
    return _package(columns, index)


def _margins(
    day: np.ndarray, night: np.ndarray, day_limit: np.ndarray, night_limit: np.ndarray
) -> dict[str, np.ndarray]:
    day_margin = day - day_limit
    night_margin = night - night_limit
    return {
        "day_limit": day_limit,
        "night_limit": night_limit,
        "day_margin": day_margin,
        "night_margin": night_margin,
        "day_exceeds": np.greater(day_margin, 0.0),
        "night_exceeds": np.greater(night_margin, 0.0),
    }


def _lmax_columns(lmax: np.ndarray, lmax_limit: np.ndarray) -> dict[str, np.ndarray]:
    margin = lmax - lmax_limit
    return {
        "lmax_limit": lmax_limit,
        "lmax_margin": margin,
        "lmax_exceeds": np.greater(margin, 0.0),
    }
