"""Day-ahead forecast of the multi-energy station's loads and PV, for the next day's dispatch.

Pure: a history table in, a :class:`Forecast` out; no I/O, pandas and numpy only. The method
is deliberately simple, so that an energy manager can redo it in a spreadsheet
(``docs/dispatch-forecast.md`` shows how). For the day ``D`` to forecast:

- **days used**: only days before ``D``. A day with more than 10 % of its steps missing
  (NaN or absent) is skipped for that series; in a kept day a missing step is linearly
  interpolated between the nearest valid steps of the same day (a missing first or last step
  repeats the nearest valid one);
- **shape** (``el``, ``heat``, ``cool``): the mean of each step over the kept days of the same
  day type (weekday Mon-Fri or weekend Sat-Sun) in the ``weeks`` x 7 days before ``D``; with
  fewer than 3 such days, the kept days of any type in that window; with fewer than 3 kept
  days at all, :class:`~greenpark.errors.InputError` naming the series;
- **temperature** (when the history has ``temp``): persistence, there being no weather feed:
  ``D`` repeats the profile of the last day of the window whose temperature is usable;
- **weather** (``heat`` and ``cool`` only): a least-squares line of the daily mean load on the
  daily mean temperature over the days the shape used (at least 7 with a temperature, else no
  adjustment); the shape is scaled so that its daily mean equals the line at the assumed daily
  mean temperature (never below 0). ``el`` is not adjusted;
- **PV** (when the history has ``pv``): the mean of each step over the kept days of the 7 days
  before ``D``, any day type, clipped to [0, 1];
- ``heat`` and ``cool`` are clipped at >= 0 (``el`` is not clipped).

:func:`forecast_error` scores forecasts against what happened: the mean absolute percentage
error of the daily energy and the normalised root-mean-square error of the steps.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from greenpark.errors import InputError

__all__ = ["LOADS", "Forecast", "forecast_day", "forecast_error"]

#: The station loads every history must have [MW].
LOADS: Final[tuple[str, ...]] = ("el", "heat", "cool")
#: Loads whose daily level follows the temperature.
_WEATHER: Final[frozenset[str]] = frozenset({"heat", "cool"})
#: A day with a larger share of its steps missing is skipped [-].
MAX_MISSING: Final[float] = 0.10
#: Fewest usable days a profile is averaged over.
MIN_DAYS: Final[int] = 3
#: Fewest days a temperature regression is fitted on.
MIN_REGRESSION_DAYS: Final[int] = 7
#: Days the PV profile is averaged over (any day type).
PV_DAYS: Final[int] = 7
_DAY: Final = pd.Timedelta(days=1)


@dataclass(frozen=True, eq=False)
class Forecast:
    """The forecast of one day (arrays are read-only).

    Attributes
    ----------
    index : numpy.ndarray of datetime64[s]
        The start of each step of the day, naive local time (96 steps at 15 min).
    el, heat, cool : numpy.ndarray of float
        Station loads per step [MW]; ``heat`` and ``cool`` are >= 0.
    pv : numpy.ndarray of float or None
        PV output per unit of installed capacity per step, in [0, 1] [-]; None when the
        history has no ``pv`` column.
    temp : numpy.ndarray of float or None
        The temperature assumed for the day per step (persistence of the last complete
        day) [°C]; None when the history has no ``temp`` column or no usable temperature
        day in the window.
    method : dict
        How each series was obtained, for the record and for checking by hand (plain
        Python values, JSON-serialisable):

        - ``day``, ``day_type`` (``weekday`` or ``weekend``), ``step``, ``steps``,
          ``weeks``, ``window`` (first and last day of the window);
        - ``el``, ``heat``, ``cool``: ``days`` (number averaged), ``day_type`` (``any``
          after the fallback), ``dates`` (the days averaged), ``skipped`` (days of the
          window with more than 10 % missing), ``interpolated_steps`` and ``weather``:
          ``applied`` and, once a line was fitted, ``days``, ``slope`` [MW/°C],
          ``intercept`` [MW], ``r2`` [-] (None when the load is flat), ``temp_range``
          (lowest and highest daily mean temperature fitted) [°C], ``assumed_mean_temp``
          [°C], ``predicted_mean`` [MW], ``shape_mean`` [MW] and ``scale`` [-]; a
          ``reason`` when not applied;
        - ``pv``: as a load without ``weather``, over the 7 days before; None without PV;
        - ``temp``: ``source_date`` and ``mean`` [°C] of the persisted day; None without.
    """

    index: NDArray[np.datetime64]
    el: NDArray[np.float64]
    heat: NDArray[np.float64]
    cool: NDArray[np.float64]
    pv: NDArray[np.float64] | None
    temp: NDArray[np.float64] | None
    method: dict[str, Any]


@dataclass(frozen=True)
class _Days:
    """One series cut into days: ``values`` (days x steps, gaps filled) and ``usable``."""

    first: pd.Timestamp
    values: NDArray[np.float64]
    usable: NDArray[np.bool_]
    filled: NDArray[np.int64]

    def day(self, ts: pd.Timestamp) -> int:
        return int((ts - self.first) / _DAY)

    def date(self, i: int) -> str:
        return (self.first + i * _DAY).date().isoformat()


def _steps(step: str) -> tuple[pd.Timedelta, int]:
    try:
        delta = pd.Timedelta(step)
    except (TypeError, ValueError) as exc:
        raise InputError(f"step {step!r} is not a duration such as '15min'") from exc
    if delta <= pd.Timedelta(0) or _DAY % delta != pd.Timedelta(0):
        raise InputError(f"step {step!r} must be positive and divide a day")
    return delta, int(_DAY / delta)


def _day(day: dt.date) -> pd.Timestamp:
    if not isinstance(day, dt.date):
        raise InputError(f"day {day!r} is not a date")
    ts = pd.Timestamp(day)
    if ts != ts.normalize():
        raise InputError(f"day {day!r} is not a date (it has a time of day)")
    return ts


def _checked(history: pd.DataFrame, delta: pd.Timedelta) -> pd.DataFrame:
    if not isinstance(history, pd.DataFrame):
        raise InputError("history is not a pandas DataFrame")
    if not isinstance(history.index, pd.DatetimeIndex):
        raise InputError("history: the index is not a DatetimeIndex")
    if history.index.tz is not None:
        raise InputError("history: the index must be naive local time (it has a time zone)")
    missing = [c for c in LOADS if c not in history.columns]
    if missing:
        raise InputError(f"history: no column {', '.join(missing)} (needs el, heat, cool)")
    if history.index.has_duplicates:
        first = history.index[history.index.duplicated()][0]
        raise InputError(f"history: time {first} appears more than once")
    off = history.index[(history.index - history.index.normalize()) % delta != pd.Timedelta(0)]
    if len(off):
        raise InputError(f"history: time {off[0]} is not on the {delta} step grid")
    out = {}
    for column in (*LOADS, "temp", "pv"):
        if column not in history.columns:
            continue
        try:
            values = pd.to_numeric(history[column], errors="raise").astype(float)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"history: column {column} holds a value that is not a number"
            ) from exc
        if np.isinf(values.to_numpy()).any():
            raise InputError(f"history: column {column} holds an infinite value")
        out[column] = values
    return pd.DataFrame(out, index=history.index).sort_index()


def _cut(values: NDArray[np.float64], first: pd.Timestamp, n_steps: int) -> _Days:
    """Days x steps, each usable day's gaps filled linearly within the day."""
    grid = values.reshape(-1, n_steps).copy()
    valid = np.isfinite(grid)
    n_missing = n_steps - valid.sum(axis=1)
    usable = n_missing <= MAX_MISSING * n_steps
    positions = np.arange(n_steps)
    for i in np.flatnonzero(usable & (n_missing > 0)):
        ok = valid[i]
        grid[i] = np.interp(positions, positions[ok], grid[i, ok])
    return _Days(first, grid, usable, np.where(usable, n_missing, 0))


def _is_weekend(ts: pd.Timestamp) -> bool:
    return ts.day_of_week >= 5


def _pick(days: _Days, start: pd.Timestamp, end: pd.Timestamp, weekend: bool | None) -> list[int]:
    """Indices of the usable days in [start, end), of one day type unless ``weekend`` is None."""
    return [
        i
        for i in range(days.day(start), days.day(end))
        if days.usable[i] and (weekend is None or _is_weekend(days.first + i * _DAY) == weekend)
    ]


def _too_few(name: str, n: int, span: str, d: pd.Timestamp) -> InputError:
    return InputError(
        f"{name}: only {n} usable day(s) in the {span} before {d.date()} (at least "
        f"{MIN_DAYS} needed; a day with more than {MAX_MISSING:.0%} of its steps missing "
        "is skipped)"
    )


def _fit(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[float, float, float | None]:
    """Least-squares line y = intercept + slope x: (slope, intercept, r²); r² None if y is flat."""
    dx, dy = x - x.mean(), y - y.mean()
    slope = float((dx * dy).sum() / (dx * dx).sum())
    intercept = float(y.mean() - slope * x.mean())
    ss_tot = float((dy * dy).sum())
    ss_res = float(((y - intercept - slope * x) ** 2).sum())
    return slope, intercept, (1.0 - ss_res / ss_tot if ss_tot > 0 else None)


def _weather(
    name: str,
    shape: NDArray[np.float64],
    load: _Days,
    used: list[int],
    temp: _Days | None,
    assumed: float | None,
) -> tuple[NDArray[np.float64], dict[str, Any]]:
    """Scale a heat/cool shape to the regression's daily mean at the assumed temperature."""
    if name not in _WEATHER:
        return shape, {"applied": False, "reason": "not temperature-adjusted"}
    if temp is None or assumed is None:
        return shape, {"applied": False, "reason": "no temperature"}
    days = [i for i in used if temp.usable[i]]
    if len(days) < MIN_REGRESSION_DAYS:
        return shape, {
            "applied": False,
            "days": len(days),
            "reason": f"{len(days)} day(s) with a temperature (at least "
            f"{MIN_REGRESSION_DAYS} needed)",
        }
    x = temp.values[days].mean(axis=1)
    y = load.values[days].mean(axis=1)
    if np.ptp(x) == 0:
        return shape, {"applied": False, "days": len(days), "reason": "temperature is constant"}
    slope, intercept, r2 = _fit(x, y)
    predicted = max(0.0, intercept + slope * assumed)
    shape_mean = float(shape.mean())
    info: dict[str, Any] = {
        "applied": False,
        "days": len(days),
        "slope": slope,
        "intercept": intercept,
        "r2": r2,
        "temp_range": [float(x.min()), float(x.max())],
        "assumed_mean_temp": assumed,
        "predicted_mean": predicted,
        "shape_mean": shape_mean,
    }
    if shape_mean <= 0:
        info["reason"] = "the shape's daily mean is not positive"
        return shape, info
    info["applied"] = True
    info["scale"] = predicted / shape_mean
    return shape * info["scale"], info


def _record(
    days: _Days, used: list[int], day_type: str, start: pd.Timestamp, end: pd.Timestamp
) -> dict[str, Any]:
    """The ``method`` entry of one series; ``skipped``: the unusable days in [start, end)."""
    return {
        "days": len(used),
        "day_type": day_type,
        "dates": [days.date(i) for i in used],
        "skipped": [
            days.date(i) for i in range(days.day(start), days.day(end)) if not days.usable[i]
        ],
        "interpolated_steps": int(days.filled[used].sum()),
    }


def _frozen(values: NDArray[np.float64]) -> NDArray[np.float64]:
    values = np.ascontiguousarray(values, dtype=np.float64)
    values.flags.writeable = False
    return values


def forecast_day(
    history: pd.DataFrame, day: dt.date, *, step: str = "15min", weeks: int = 4
) -> Forecast:
    """Forecast the station's loads, PV and temperature for ``day`` from the days before it.

    Parameters
    ----------
    history : pandas.DataFrame
        Index: naive local time (DatetimeIndex), each time the start of a step on the
        ``step`` grid counted from midnight; absent steps and NaN are gaps. Columns ``el``,
        ``heat``, ``cool`` (station loads [MW]), optionally ``temp`` (ambient temperature
        [°C]; hourly values are forward-filled over the steps of their hour) and ``pv`` (PV
        output per unit of capacity [-]). Rows on or after ``day`` are ignored, so a whole
        year can be passed for a backtest.
    day : datetime.date
        The day to forecast.
    step : str
        The step of the history and of the forecast, a pandas duration that divides a day
        (``"15min"`` gives 96 steps).
    weeks : int
        Length of the averaging window [weeks]: the ``7 x weeks`` days before ``day``.

    Returns
    -------
    Forecast
        The day's steps, loads [MW], PV [-], assumed temperature [°C] and ``method``.

    Raises
    ------
    InputError
        A malformed history or argument; a load with fewer than 3 usable days in the window,
        or ``pv`` with fewer than 3 in the 7 days before ``day`` (the message names the
        series).

    Notes
    -----
    For each series and day, a day is usable when at most 10 % of its steps are missing;
    its missing steps are interpolated linearly between the nearest valid steps of the
    same day (at the day's edges the nearest valid value is repeated).

    1. Shape of ``el``, ``heat``, ``cool``: the mean, step by step, of the usable days of
       the window with the same day type as ``day`` (weekday Mon-Fri, weekend Sat-Sun);
       the usable days of any type when fewer than 3 have the same type.
    2. Temperature (with a ``temp`` column): the profile of the last day of the window
       whose temperature is usable (persistence). Its mean is the assumed temperature
       ``T``.
    3. Weather, ``heat`` and ``cool`` only: over the days of step 1 that have a usable
       temperature (at least 7, else no adjustment), the least-squares line
       ``daily mean load = intercept + slope x daily mean temperature``. The shape is
       multiplied by ``max(0, intercept + slope x T) / mean(shape)``.
    4. ``heat`` and ``cool`` are clipped at >= 0.
    5. PV (with a ``pv`` column): the mean, step by step, of the usable days among the 7
       days before ``day`` (any type), clipped to [0, 1].

    Public holidays are not recognised: a holiday on a weekday counts as a weekday.

    Examples
    --------
    >>> import datetime as dt
    >>> import numpy as np
    >>> import pandas as pd
    >>> idx = pd.date_range("2025-06-02", periods=14 * 96, freq="15min")
    >>> h = pd.DataFrame({"el": 5.0, "heat": 1.0, "cool": 2.0}, index=idx)
    >>> f = forecast_day(h, dt.date(2025, 6, 16))
    >>> f.el.shape, float(f.el.mean()), f.method["el"]["days"], f.method["el"]["day_type"]
    ((96,), 5.0, 10, 'weekday')
    """
    delta, n_steps = _steps(step)
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise InputError(f"weeks must be a whole number >= 1, not {weeks!r}")
    d = _day(day)
    frame = _checked(history, delta)
    frame = frame[frame.index < d]
    if frame.empty:
        raise InputError(f"history: no data before {d.date()}")

    since = frame.index[0].normalize()  # the history's first day
    first = min(since, d - weeks * 7 * _DAY)
    grid = pd.date_range(first, d, freq=delta, inclusive="left")
    frame = frame.reindex(grid)
    if "temp" in frame.columns:
        # an hourly value holds for the steps of its hour
        hour_steps = math.ceil(pd.Timedelta(hours=1) / delta)
        if hour_steps > 1:
            frame["temp"] = frame["temp"].ffill(limit=hour_steps - 1)
    days = {c: _cut(frame[c].to_numpy(), first, n_steps) for c in frame.columns}

    start = d - weeks * 7 * _DAY
    weekend = _is_weekend(d)
    method: dict[str, Any] = {
        "day": d.date().isoformat(),
        "day_type": "weekend" if weekend else "weekday",
        "step": str(step),
        "steps": n_steps,
        "weeks": weeks,
        "window": [start.date().isoformat(), (d - _DAY).date().isoformat()],
    }

    temp = days.get("temp")
    temp_profile: NDArray[np.float64] | None = None
    assumed: float | None = None
    method["temp"] = None
    if temp is not None:
        complete = _pick(temp, start, d, None)
        if complete:
            last = complete[-1]
            temp_profile = temp.values[last]
            assumed = float(temp_profile.mean())
            method["temp"] = {
                "source_date": temp.date(last),
                "mean": assumed,
                "rule": "persistence of the last complete day",
            }

    loads: dict[str, NDArray[np.float64]] = {}
    for name in LOADS:
        series = days[name]
        used = _pick(series, start, d, weekend)
        day_type = method["day_type"]
        if len(used) < MIN_DAYS:
            used = _pick(series, start, d, None)
            day_type = "any"
        if len(used) < MIN_DAYS:
            raise _too_few(name, len(used), f"{weeks * 7} days", d)
        shape = series.values[used].mean(axis=0)
        shape, weather = _weather(name, shape, series, used, temp, assumed)
        if name in _WEATHER:
            shape = np.maximum(shape, 0.0)
        loads[name] = shape
        method[name] = _record(series, used, day_type, max(start, since), d)
        method[name]["weather"] = weather

    pv: NDArray[np.float64] | None = None
    method["pv"] = None
    if "pv" in days:
        series = days["pv"]
        pv_start = d - PV_DAYS * _DAY
        used = _pick(series, pv_start, d, None)
        if len(used) < MIN_DAYS:
            raise _too_few("pv", len(used), f"{PV_DAYS} days", d)
        pv = np.clip(series.values[used].mean(axis=0), 0.0, 1.0)
        method["pv"] = _record(series, used, "any", max(pv_start, since), d)

    index = pd.date_range(d, periods=n_steps, freq=delta).to_numpy().astype("datetime64[s]")
    index.flags.writeable = False
    return Forecast(
        index=index,
        el=_frozen(loads["el"]),
        heat=_frozen(loads["heat"]),
        cool=_frozen(loads["cool"]),
        pv=None if pv is None else _frozen(pv),
        temp=None if temp_profile is None else _frozen(temp_profile),
        method=method,
    )


def forecast_error(
    forecast: Forecast | Sequence[Forecast], actual: pd.DataFrame
) -> dict[str, float]:
    """Score one or more day forecasts against the measured values.

    Parameters
    ----------
    forecast : Forecast or sequence of Forecast
        The forecasts, e.g. one per day of a backtest week.
    actual : pandas.DataFrame
        Measured values with a naive DatetimeIndex that contains the forecasts' steps, and
        any of the columns ``el``, ``heat``, ``cool`` [MW] and ``pv`` [-]. Other rows are
        ignored; NaN or absent steps are left out of both sides.

    Returns
    -------
    dict of str to float
        For each series present in ``actual`` (and, for ``pv``, in the forecasts):

        - ``<series>_mape`` [%]: the mean over the days of |forecast daily energy − actual
          daily energy| / actual daily energy x 100; days with no valid step or an actual
          energy of 0 are left out (NaN when none is left);
        - ``<series>_nrmse`` [%]: the root-mean-square error over all valid steps divided by
          the mean actual value x 100 (NaN when that mean is 0).

    Examples
    --------
    >>> import datetime as dt
    >>> idx = pd.date_range("2025-06-02", periods=14 * 96, freq="15min")
    >>> h = pd.DataFrame({"el": 5.0, "heat": 1.0, "cool": 2.0}, index=idx)
    >>> f = forecast_day(h, dt.date(2025, 6, 16))
    >>> later = pd.DataFrame({"el": 4.0}, index=pd.DatetimeIndex(f.index))
    >>> forecast_error(f, later)
    {'el_mape': 25.0, 'el_nrmse': 25.0}
    """
    forecasts = [forecast] if isinstance(forecast, Forecast) else list(forecast)
    if not forecasts or not all(isinstance(f, Forecast) for f in forecasts):
        raise InputError("forecast: give a Forecast or a non-empty sequence of them")
    if not isinstance(actual, pd.DataFrame) or not isinstance(actual.index, pd.DatetimeIndex):
        raise InputError("actual is not a pandas DataFrame with a DatetimeIndex")
    if actual.index.has_duplicates:
        raise InputError("actual: a time appears more than once")
    out: dict[str, float] = {}
    for name in (*LOADS, "pv"):
        if name not in actual.columns or any(getattr(f, name) is None for f in forecasts):
            continue
        column = pd.to_numeric(actual[name], errors="coerce").astype(float)
        ape: list[float] = []
        errors: list[NDArray[np.float64]] = []
        measured: list[NDArray[np.float64]] = []
        for f in forecasts:
            a = column.reindex(pd.DatetimeIndex(f.index)).to_numpy()
            ok = np.isfinite(a)
            if not ok.any():
                continue
            p = np.asarray(getattr(f, name))[ok]
            a = a[ok]
            if a.sum() != 0:
                ape.append(abs(p.sum() - a.sum()) / abs(a.sum()) * 100.0)
            errors.append(p - a)
            measured.append(a)
        out[f"{name}_mape"] = float(np.mean(ape)) if ape else math.nan
        if measured:
            err, act = np.concatenate(errors), np.concatenate(measured)
            mean = float(act.mean())
            rmse = float(np.sqrt(np.mean(err * err)))
            out[f"{name}_nrmse"] = rmse / abs(mean) * 100.0 if mean != 0 else math.nan
        else:
            out[f"{name}_nrmse"] = math.nan
    return out
