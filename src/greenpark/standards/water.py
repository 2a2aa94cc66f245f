"""Surface-water class (GB 3838-2002) and sewage-plant discharge limits (GB 18918-2002).

Pure, vectorised functions: numbers in, numbers out, no I/O. The limits are data in
``standards/tables/gb3838_limits.csv`` and ``standards/tables/gb18918_limits.csv``
(columns ``unit``, ``source``, ``valid_from``, ``valid_to``, ``confidence``).

Indicator names are the canonical short names of the parameter table (``pH``, ``DO``,
``CODMn``, ``COD``, ``BOD5``, ``NH3-N``, ``TP``, ``TN``, ...); concentrations are in
[mg/L], pH is dimensionless [-], fecal coliform in [个/L], colour as a dilution factor.

References
----------
.. [1] GB 3838-2002, Environmental quality standards for surface water
   (地表水环境质量标准), table 1 and clause 5 (assessment by single factor).
.. [2] GB 18918-2002, Discharge standard of pollutants for municipal wastewater
   treatment plant (城镇污水处理厂污染物排放标准), clause 4.2 and table 1.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from greenpark.errors import InputError
from greenpark.standards._water_tables import (
    GB18918_CLASSES,
    LimitRow,
    gb3838_rows,
    gb18918_rows,
)

__all__ = [
    "BODIES",
    "CLASS_NAMES",
    "GB3838_INDICATORS",
    "GB18918_CLASSES",
    "GB18918_INDICATORS",
    "gb18918_compliance",
    "overall_class",
    "removal_rate",
    "water_class",
]

#: Water-body types of GB 3838-2002 table 1: TP (and TN) differ for lakes and reservoirs.
BODIES: Final[tuple[str, ...]] = ("river", "lake")
#: Class number -> name; 6 is "inferior V" (劣Ⅴ类), worse than the class V limit.
CLASS_NAMES: Final[dict[int, str]] = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ", 5: "Ⅴ", 6: "劣Ⅴ"}
#: Basic items of GB 3838-2002 table 1 that :func:`water_class` knows, in table order.
GB3838_INDICATORS: Final[tuple[str, ...]] = tuple(dict.fromkeys(r.indicator for r in gb3838_rows()))
#: Basic control items of GB 18918-2002 table 1, in table order.
GB18918_INDICATORS: Final[tuple[str, ...]] = tuple(
    dict.fromkeys(r.indicator for r in gb18918_rows())
)
#: GB 18918-2002 table 1: TP limits depend on a plant built before or from this date.
TP_CUTOFF: Final[_dt.date] = _dt.date(2006, 1, 1)
#: GB 18918-2002 table 1 note: the bracketed NH3-N limits apply at or below this [°C].
NH3N_COLD_TEMP: Final[float] = 12.0


# --------------------------------------------------------------------------- helpers


def _one_of(name: object, valid: Sequence[str], what: str) -> str:
    if not isinstance(name, str) or name not in valid:
        raise InputError(f"unknown {what} {name!r}; must be one of: {', '.join(valid)}")
    return name


def _as_float(value: Any) -> tuple[np.ndarray, Callable[[np.ndarray], Any]]:
    """Float array of ``value`` and a function giving a result the shape/type of ``value``."""
    if isinstance(value, pd.Series):
        arr = value.to_numpy(dtype=float, na_value=np.nan)
        index, name = value.index, value.name
        return arr, lambda out: pd.Series(out, index=index, name=name)
    if isinstance(value, pd.DataFrame):
        raise InputError("pass one column (a Series), not a DataFrame")
    if np.ndim(value) == 0:
        scalar = np.nan if value is None or pd.isna(value) else value
        return np.asarray(scalar, dtype=float), lambda out: float(out)
    return np.asarray(value, dtype=float), lambda out: out


def _body_array(body: Any, shape: tuple[int, ...]) -> np.ndarray:
    """``body`` as an array of ``"river"``/``"lake"`` broadcast to ``shape``."""
    if isinstance(body, str):
        return np.full(shape, _one_of(body, BODIES, "body"), dtype=object)
    arr = np.asarray(body.to_numpy() if isinstance(body, pd.Series) else body, dtype=object)
    for name in pd.unique(arr.ravel()):
        _one_of(name, BODIES, "body")
    return np.broadcast_to(arr, shape)


def _gb3838_bounds(indicator: str, body: str) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(lower limits, upper limits) per class I..V for ``indicator`` in ``body``.

    Both are ``None`` when GB 3838-2002 sets no limit for that body (TN in rivers).
    """
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    for row in gb3838_rows():
        if row.indicator == indicator and row.condition[0] in ("all", body):
            if row.bound == "lower":
                lower = np.asarray(row.limits)
            else:
                upper = np.asarray(row.limits)
    return lower, upper


def _classify(values: np.ndarray, indicator: str, body: str) -> np.ndarray:
    """Class 1..6 (float, NaN for NaN) of ``values`` against one body's limits."""
    lower, upper = _gb3838_bounds(indicator, body)
    if lower is None and upper is None:
        return np.full(values.shape, np.nan)
    v = values[..., np.newaxis]
    failed = np.zeros(values.shape, dtype=int)
    # Limits are monotone over the classes, so the number of classes a value fails is the
    # number of class limits it violates; a value equal to a limit meets it.
    if upper is not None:
        failed = np.maximum(failed, (v > upper).sum(axis=-1))
    if lower is not None:
        failed = np.maximum(failed, (v < lower).sum(axis=-1))
    return np.where(np.isnan(values), np.nan, 1.0 + failed)


# --------------------------------------------------------------------------- GB 3838


def water_class(value: Any, indicator: str, *, body: Any = "river") -> Any:
    """Class of surface water for one indicator by GB 3838-2002 table 1.

    Parameters
    ----------
    value : float, array-like or Series
        Measured value [mg/L]; pH [-]; fecal coliform [个/L].
    indicator : str
        One of :data:`GB3838_INDICATORS` (e.g. ``"DO"``, ``"CODMn"``, ``"NH3-N"``, ``"TP"``).
    body : {"river", "lake"} or array-like of them
        Water-body type; ``"lake"`` means lakes and reservoirs (湖、库), which have their
        own TP limits and are the only bodies with TN limits. An array gives one type per
        value.

    Returns
    -------
    float, ndarray or Series
        Class 1 to 5 (Ⅰ..Ⅴ) or 6 for inferior V (劣Ⅴ), as float, same shape as ``value``.
        NaN where ``value`` is NaN, and for TN in rivers (no limit in table 1).

    Raises
    ------
    InputError
        If ``indicator`` or ``body`` is not a valid name (the message lists the valid ones).

    Notes
    -----
    The class is the best class whose limit the value meets (GB 3838-2002 clause 5). A
    value equal to a limit meets it, so where classes share a limit the better class
    wins (COD 15 mg/L is class I). DO is a lower limit ("at least"); pH must lie in
    6-9 and is otherwise inferior V; all other items are upper limits. The class I DO
    alternative of 90 % saturation is not applied.

    References
    ----------
    .. [1] GB 3838-2002, table 1 (basic items) and clause 5.
    """
    indicator = _one_of(indicator, GB3838_INDICATORS, "indicator")
    arr, wrap = _as_float(value)
    bodies = _body_array(body, arr.shape)
    out = np.full(arr.shape, np.nan)
    for name in BODIES:
        mask = bodies == name
        if mask.any():
            out = np.where(mask, _classify(arr, indicator, name), out)
    return wrap(out)


def overall_class(
    frame: pd.DataFrame, *, body: Any = "river", indicators: Iterable[str] | None = None
) -> pd.DataFrame:
    """Class of each sample by the single-factor rule of GB 3838-2002.

    Parameters
    ----------
    frame : DataFrame
        One row per sample, one column per indicator named as in
        :data:`GB3838_INDICATORS` [mg/L; pH -; fecal coliform 个/L]. Other columns are
        ignored.
    body : {"river", "lake"} or array-like of them
        Water-body type for all rows or one per row.
    indicators : iterable of str, optional
        Indicators to assess; by default every column of ``frame`` that is an indicator.
        National assessment practice leaves TN and fecal coliform out of the class
        (see ``docs/standards-water.md``).

    Returns
    -------
    DataFrame
        Same index as ``frame``, columns ``class`` (Int64, 1..6, <NA> when no indicator
        has a value), ``name`` (``"Ⅰ"``..``"Ⅴ"``, ``"劣Ⅴ"``) and ``deciding`` (the
        indicator(s) at the worst class, comma-separated, in column order).

    Raises
    ------
    InputError
        If an indicator name is unknown, missing from ``frame``, or no column is an
        indicator.

    Notes
    -----
    Each indicator is classed with :func:`water_class`; the sample class is the worst of
    them (单因子评价法). Missing values are skipped.

    References
    ----------
    .. [1] GB 3838-2002, clause 5 and table 1.
    """
    if indicators is None:
        names = [c for c in frame.columns if c in GB3838_INDICATORS]
        if not names:
            raise InputError(
                "no column of frame is a GB 3838 indicator; valid names: "
                + ", ".join(GB3838_INDICATORS)
            )
    else:
        names = [_one_of(n, GB3838_INDICATORS, "indicator") for n in indicators]
        missing = [n for n in names if n not in frame.columns]
        if missing:
            raise InputError(f"indicator column(s) {missing} not in frame {list(frame.columns)}")
    n = len(frame)
    bodies = _body_array(body, (n,))
    classes = (
        np.column_stack(
            [
                water_class(frame[c].to_numpy(dtype=float, na_value=np.nan), c, body=bodies)
                for c in names
            ]
        )
        if n
        else np.empty((0, len(names)))
    )
    has_value = ~np.isnan(classes).all(axis=1)
    worst = np.where(has_value, np.nanmax(np.where(np.isnan(classes), -1.0, classes), axis=1), 0)
    deciding = [
        ", ".join(c for c, hit in zip(names, row, strict=True) if hit) if ok else pd.NA
        for row, ok in zip(classes == worst[:, np.newaxis], has_value, strict=True)
    ]
    cls = pd.array(np.where(has_value, worst, 0).astype(int), dtype="Int64")
    cls[~has_value] = pd.NA
    name_col = pd.array(
        [CLASS_NAMES[int(c)] if ok else pd.NA for c, ok in zip(worst, has_value, strict=True)],
        dtype="string",
    )
    return pd.DataFrame(
        {"class": cls, "name": name_col, "deciding": pd.array(deciding, dtype="string")},
        index=frame.index,
    )


# --------------------------------------------------------------------------- GB 18918


def _to_date(value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError as exc:
            raise InputError(f"commissioned {value!r} is not an ISO date (YYYY-MM-DD)") from exc
    raise InputError(f"commissioned must be a date or ISO date string, not {value!r}")


def _gb18918_row(indicator: str, temp: str = "", built: str = "") -> LimitRow:
    for row in gb18918_rows():
        if row.indicator == indicator and row.condition == (temp, built):
            return row
    raise LookupError(f"gb18918_limits.csv has no {indicator} row for {temp!r}, {built!r}")


def _gb18918_limits(
    indicator: str, cls: str, n: int, cold: np.ndarray, built: str
) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) limit per row for one indicator and class; NaN where none."""
    k = GB18918_CLASSES.index(cls)
    lower = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    if indicator == "NH3-N":
        warm, cold_limit = _gb18918_row(indicator, ">12"), _gb18918_row(indicator, "<=12")
        upper = np.where(cold, cold_limit.limits[k], warm.limits[k])
    elif indicator == "TP":
        upper[:] = _gb18918_row(indicator, built=built).limits[k]
    else:
        for row in gb18918_rows():
            if row.indicator == indicator:
                target = lower if row.bound == "lower" else upper
                target[:] = row.limits[k]
    return lower, upper


def gb18918_compliance(
    frame: pd.DataFrame,
    *,
    cls: str = "1A",
    commissioned: _dt.date | str | None = None,
    water_temp: str | float | Sequence[float] | np.ndarray | pd.Series | None = None,
) -> pd.DataFrame:
    """Check effluent samples against the GB 18918-2002 table 1 limits.

    Parameters
    ----------
    frame : DataFrame
        One row per sample (daily average), one column per indicator named as in
        :data:`GB18918_INDICATORS` [mg/L; pH -; colour dilution factor; coliform 个/L].
        Other columns are ignored.
    cls : {"1A", "1B", "2", "3"}
        Discharge class (一级 A, 一级 B, 二级, 三级).
    commissioned : date or ISO date string, optional
        Construction date of the plant; picks the TP limits (before / from 2006-01-01).
        Required when ``frame`` has a ``TP`` column.
    water_temp : str, float, array-like or Series, optional
        Water temperature [°C]: a column name of ``frame`` or values (scalar or one per
        row). At or below 12 °C the bracketed NH3-N limits apply. Missing (None or NaN)
        uses the stricter limits for water above 12 °C.

    Returns
    -------
    DataFrame
        Same index as ``frame``; columns are a MultiIndex ``(indicator, field)`` with
        fields ``limit_min`` and ``limit_max`` (float; NaN where none), ``exceeds``
        (nullable boolean; <NA> when the value is missing or the class sets no limit for
        the item) and ``ratio`` (exceedance ratio ``(value - limit_max) / limit_max``,
        positive when exceeding; NaN for pH and where there is no limit).

    Raises
    ------
    InputError
        For an unknown class, no indicator column, a missing water-temperature column,
        or TP without ``commissioned``.

    Notes
    -----
    A value equal to a limit complies. Items without a limit for the class (TN for
    classes 2 and 3, NH3-N and fecal coliform for class 3) are not assessed. pH complies
    inside 6-9.

    References
    ----------
    .. [1] GB 18918-2002, clause 4.2 (control items and classes) and table 1 (basic
       control items, maximum daily-average concentrations), note on water temperature.
    """
    cls = _one_of(cls, GB18918_CLASSES, "class")
    names = [c for c in frame.columns if c in GB18918_INDICATORS]
    if not names:
        raise InputError(
            "no column of frame is a GB 18918 indicator; valid names: "
            + ", ".join(GB18918_INDICATORS)
        )
    n = len(frame)
    if isinstance(water_temp, str):
        if water_temp not in frame.columns:
            raise InputError(f"water_temp column {water_temp!r} not in frame {list(frame.columns)}")
        temp = frame[water_temp].to_numpy(dtype=float, na_value=np.nan)
    elif water_temp is None:
        temp = np.full(n, np.nan)
    else:
        temp = np.broadcast_to(_as_float(water_temp)[0], (n,))
    cold = temp <= NH3N_COLD_TEMP
    built = ""
    if "TP" in names:
        if commissioned is None:
            raise InputError("commissioned (plant construction date) is needed to check TP")
        built = "<2006-01-01" if _to_date(commissioned) < TP_CUTOFF else ">=2006-01-01"
    parts: dict[tuple[str, str], Any] = {}
    for name in names:
        value = frame[name].to_numpy(dtype=float, na_value=np.nan)
        lower, upper = _gb18918_limits(name, cls, n, cold, built)
        has_limit = ~(np.isnan(lower) & np.isnan(upper))
        over = (value > upper) | (value < lower)
        exceeds = pd.array(over, dtype="boolean")
        exceeds[np.isnan(value) | ~has_limit] = pd.NA
        ratio = np.full(n, np.nan) if name == "pH" else (value - upper) / upper
        parts[(name, "limit_min")] = lower
        parts[(name, "limit_max")] = upper
        parts[(name, "exceeds")] = exceeds
        parts[(name, "ratio")] = ratio
    out = pd.DataFrame(parts, index=frame.index)
    out.columns = pd.MultiIndex.from_tuples(out.columns, names=["indicator", "field"])
    return out


def removal_rate(inlet: Any, outlet: Any) -> Any:
    """Removal rate of a treatment stage, ``100 * (inlet - outlet) / inlet`` [%].

    Parameters
    ----------
    inlet : float, array-like or Series
        Influent concentration [mg/L].
    outlet : float, array-like or Series
        Effluent concentration [mg/L], same shape as ``inlet`` (or broadcastable).

    Returns
    -------
    float, ndarray or Series
        Removal rate [%], shaped like ``inlet``; NaN where either value is missing or the
        inlet is not positive. Negative when the outlet is higher than the inlet.

    Notes
    -----
    GB 18918-2002 uses removal rates in the class 3 note to table 1 (COD removal above
    60 % when influent COD exceeds 350 mg/L; BOD5 above 50 % when influent BOD5 exceeds
    160 mg/L).

    References
    ----------
    .. [1] GB 18918-2002, table 1, note to class 3.
    """
    a, wrap = _as_float(inlet)
    b, _ = _as_float(outlet)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(a > 0, 100.0 * (a - b) / np.where(a > 0, a, 1.0), np.nan)
    shape = np.broadcast_shapes(a.shape, b.shape)
    rate = np.broadcast_to(rate, shape).copy()
    return wrap(rate) if shape == a.shape else rate
