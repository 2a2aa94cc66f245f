"""Sponge city: annual runoff volume capture ratio from a daily rainfall series and the
capture volume of each catchment's facilities, GB/T 51345-2018 style (issue 8 point 3;
``docs/evaluation-datacentre-sponge.md``).

GB/T 51345-2018 海绵城市建设评价标准 defines the annual runoff volume control ratio
(年径流总量控制率) as the share of the year's total rainfall that is controlled on site (not
discharged) by infiltration, storage, evaporation and reuse, computed from statistics of
daily rainfall. Its design rainfall depth (设计降雨量) is the daily depth D for which the
rainfall of every day up to D, plus D of every larger day, makes that share of the total::

    ratio(D) = sum_d min(X_d, D) / sum_d X_d                                    [-]

with the daily depths X_d [mm] of at least 30 years, days of <= 2 mm and snowfall left out
(S1: the procedure as restated in a later standard's annex A.0.1, which says it follows
GB/T 51345). A facility volume V [m³] on a catchment of area A [m²] and runoff coefficient
psi holds the runoff of a day up to the depth D = V / (psi A) (volume method, V = 10 psi D F
with F in ha), so::

    captured_d = min(psi A X_d / 1000, V)                                       [m³]
    capture ratio = sum_d captured_d / sum_d psi A X_d / 1000                   [-]

which equals ratio(D) for one catchment. Assumptions (each a parameter or stated):

- **the storage empties within the day**: each day starts with the full volume V (no carry-
  over between wet days; real facilities drain in 24-72 h, so a wet spell is overstated);
- the runoff coefficient psi is a constant share of each day's rain (no initial loss, no
  intensity dependence); the rest of the rain (1 - psi) is controlled naturally;
- days of rain <= ``min_rain_mm`` (default 2 mm) are left out of both sums, as the
  standard's statistics do (set 0 to count every day); snow must be removed by the caller;
- one depth for the whole catchment at a time step of one day (no routing, no overflow
  between catchments);
- a multi-year series gives the multi-year ratio (the standard uses >= 30 years); slice a
  year for the year's ratio.

Pure functions, standard library only. Units in brackets: rainfall [mm], area [m²], volume
[m³], ratios [-] as fractions (``percent`` gives %).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from greenpark.errors import InputError

__all__ = [
    "MIN_RAIN_MM",
    "CaptureResult",
    "Catchment",
    "CatchmentsResult",
    "capture_ratio",
    "catchments",
    "control_curve",
    "control_ratio",
    "design_depth",
    "required_volume",
]

#: Days with at most this much rain [mm] are left out of the statistics (GB/T 51345 style,
#: S1: "剔除小于或等于2mm的降雨事件").
MIN_RAIN_MM: Final[float] = 2.0
#: Catchment weightings of :func:`catchments`.
WEIGHTINGS: Final[tuple[str, ...]] = ("runoff", "area")


@dataclass(frozen=True)
class Catchment:
    """A catchment (汇水分区): its area [m²], composite runoff coefficient (综合雨量径流系数)
    [-] and the capture volume of its facilities [m³] (rain gardens, storage tanks, permeable
    paving storage...: the registered 有效调蓄容积)."""

    name: str
    area_m2: float
    runoff_coefficient: float
    capture_volume_m3: float


@dataclass(frozen=True)
class CaptureResult:
    """Capture of one catchment over a rainfall series.

    ``ratio`` [-] = ``captured_m3`` / ``runoff_m3`` (``None`` when no counted day ran off);
    ``design_depth_mm`` [mm] = the daily rain the facilities hold, V / (psi A) x 1000;
    ``rainfall_mm`` the sum of the counted days' rain; ``days`` the series length,
    ``counted_days`` the days above ``min_rain_mm`` and ``excluded_days`` the wet days at or
    below it; ``overflow_m3`` the runoff not captured; ``daily_runoff_m3`` and
    ``daily_captured_m3`` per day of the series (0 on days left out).
    """

    catchment: Catchment
    rainfall_mm: float
    runoff_m3: float
    captured_m3: float
    ratio: float | None
    design_depth_mm: float
    days: int
    counted_days: int
    excluded_days: int
    min_rain_mm: float
    daily_runoff_m3: tuple[float, ...]
    daily_captured_m3: tuple[float, ...]

    @property
    def overflow_m3(self) -> float:
        """Runoff not captured [m³]."""
        return self.runoff_m3 - self.captured_m3

    @property
    def percent(self) -> float | None:
        """The capture ratio [%]."""
        return None if self.ratio is None else 100.0 * self.ratio


@dataclass(frozen=True)
class CatchmentsResult:
    """Capture of several catchments: each one's :class:`CaptureResult` and the total.

    ``ratio`` follows ``weighting``: ``runoff`` = sum of captured / sum of runoff volumes
    (every m³ of runoff counts alike); ``area`` = the area-weighted mean of the catchments'
    ratios (the share of rainfall controlled over the whole area, the standard's rainfall
    reading; a catchment with a low runoff coefficient then counts by its area).
    """

    catchments: tuple[CaptureResult, ...]
    runoff_m3: float
    captured_m3: float
    area_m2: float
    ratio: float | None
    weighting: str

    @property
    def overflow_m3(self) -> float:
        return self.runoff_m3 - self.captured_m3

    @property
    def percent(self) -> float | None:
        return None if self.ratio is None else 100.0 * self.ratio


def capture_ratio(
    daily_rain_mm: Iterable[float],
    capture_volume_m3: float,
    area_m2: float,
    runoff_coefficient: float,
    *,
    min_rain_mm: float = MIN_RAIN_MM,
    name: str = "",
) -> CaptureResult:
    """Runoff volume capture ratio of one catchment over a daily rainfall series.

    For each day d with rain X_d > ``min_rain_mm``: runoff = psi A X_d / 1000 [m³],
    captured = min(runoff, V) [m³] (the storage is empty at the start of every day); the
    ratio is sum(captured) / sum(runoff) [-].

    Example: rain [0, 5, 30, 10] mm on 10 000 m² with psi 0.8 and V = 120 m³: runoff 0, 40,
    240, 80 m³, captured 0, 40, 120, 80 m³, ratio 240 / 360 = 0.667 (66.7 %).

    Parameters
    ----------
    daily_rain_mm : iterable of float
        Daily rainfall depths [mm], one per day, no gaps (fill or drop missing days first:
        NaN is refused). Snow must be left out by the caller.
    capture_volume_m3 : float
        Capture volume of the catchment's facilities [m³], >= 0.
    area_m2 : float
        Catchment area [m²], > 0.
    runoff_coefficient : float
        Composite runoff coefficient psi [-], 0 < psi <= 1.
    min_rain_mm : float
        Days with at most this rain [mm] are left out (default 2 mm; 0 counts every wet day).
    name : str
        A label for the result.

    Raises
    ------
    InputError
        A negative or missing rainfall, an area <= 0, psi outside (0, 1], a negative volume.
    """
    return _capture(
        _rain(daily_rain_mm),
        Catchment(name, area_m2, runoff_coefficient, capture_volume_m3),
        _min_rain(min_rain_mm),
    )


def catchments(
    daily_rain_mm: Iterable[float],
    items: Iterable[Catchment],
    *,
    weighting: str = "runoff",
    min_rain_mm: float = MIN_RAIN_MM,
) -> CatchmentsResult:
    """Capture of several catchments under the same daily rainfall, and their total ratio.

    ``weighting``: ``runoff`` (default) = sum of captured / sum of runoff over all
    catchments [-]; ``area`` = sum of A_k x ratio_k / sum of A_k [-] (see
    :class:`CatchmentsResult`). Both are equal when every catchment has the same psi.

    Raises
    ------
    InputError
        As :func:`capture_ratio`, no catchment, a duplicate name or an unknown weighting.
    """
    if weighting not in WEIGHTINGS:
        raise InputError(f"weighting {weighting!r}: use one of {', '.join(WEIGHTINGS)}")
    rain = _rain(daily_rain_mm)
    low = _min_rain(min_rain_mm)
    parts = list(items)
    if not parts:
        raise InputError("no catchment given")
    names = [c.name for c in parts if c.name]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(f"catchment name(s) {', '.join(dup)} appear more than once")
    results = tuple(_capture(rain, c, low) for c in parts)
    runoff = math.fsum(r.runoff_m3 for r in results)
    captured = math.fsum(r.captured_m3 for r in results)
    area = math.fsum(r.catchment.area_m2 for r in results)
    ratio: float | None
    if weighting == "runoff":
        ratio = captured / runoff if runoff > 0 else None
    else:
        rated = [(r.catchment.area_m2, r.ratio) for r in results if r.ratio is not None]
        a = math.fsum(w for w, _ in rated)
        ratio = math.fsum(w * x for w, x in rated) / a if a > 0 else None
    return CatchmentsResult(results, runoff, captured, area, ratio, weighting)


def control_ratio(
    daily_rain_mm: Iterable[float], depth_mm: float, *, min_rain_mm: float = MIN_RAIN_MM
) -> float | None:
    """Share of the rainfall controlled when every day's rain up to ``depth_mm`` is held:
    sum min(X_d, D) / sum X_d [-] over the days above ``min_rain_mm`` (``None`` when there are
    none). Equals :func:`capture_ratio` with D = V / (psi A) x 1000."""
    d = _number(depth_mm, "depth_mm")
    if d < 0:
        raise InputError(f"depth_mm {d:g} is negative")
    counted = [x for x in _rain(daily_rain_mm) if x > _min_rain(min_rain_mm)]
    total = math.fsum(counted)
    if total <= 0:
        return None
    return math.fsum(min(x, d) for x in counted) / total


def control_curve(
    daily_rain_mm: Iterable[float], *, min_rain_mm: float = MIN_RAIN_MM
) -> tuple[tuple[float, float], ...]:
    """The standard's statistic: for each distinct daily depth X_i [mm] of the counted days
    (sorted, smallest first), the control ratio it gives as a design depth [-]:
    (X_1 + ... + X_i + (N - i) X_i) / (X_1 + ... + X_N). Between two depths the ratio is
    linear in the depth. Empty when no day is counted."""
    counted = sorted(x for x in _rain(daily_rain_mm) if x > _min_rain(min_rain_mm))
    total = math.fsum(counted)
    n = len(counted)
    out: list[tuple[float, float]] = []
    below = 0.0
    for i, x in enumerate(counted, start=1):
        below += x
        if i < n and counted[i] == x:
            continue  # the last of equal depths gives their point
        out.append((x, (below + (n - i) * x) / total))
    return tuple(out)


def design_depth(
    daily_rain_mm: Iterable[float], target_ratio: float, *, min_rain_mm: float = MIN_RAIN_MM
) -> float:
    """Design rainfall depth [mm] that a target control ratio needs: the smallest D with
    sum min(X_d, D) / sum X_d >= ``target_ratio``, over the counted days.

    Exact: the ratio is piecewise linear in D between the sorted daily depths
    (:func:`control_curve`), so D is found by linear interpolation inside the bracket, not
    read off a chart. Give a fraction (0.75 for 75 %); a target of 1 needs the largest day.

    Raises
    ------
    InputError
        A target outside (0, 1], or no counted day in the series.
    """
    t = _number(target_ratio, "target_ratio")
    if not 0 < t <= 1:
        hint = f" (give {t / 100:g} for {t:g} %)" if 1 < t <= 100 else ""
        raise InputError(f"target ratio {t:g} must be in (0, 1]{hint}")
    counted = sorted(x for x in _rain(daily_rain_mm) if x > _min_rain(min_rain_mm))
    if not counted:
        raise InputError("no day with rain above min_rain_mm: no design depth")
    total = math.fsum(counted)
    n = len(counted)
    below = 0.0  # rain of the days at or below the bracket's lower depth
    prev = 0.0  # lower depth of the bracket
    for i, x in enumerate(counted):
        # on [prev, x]: ratio(D) = (below + (n - i) D) / total
        if (below + (n - i) * x) / total >= t - 1e-12:
            return max(prev, (t * total - below) / (n - i))
        below += x
        prev = x
    return counted[-1]


def required_volume(
    daily_rain_mm: Iterable[float],
    target_ratio: float,
    area_m2: float,
    runoff_coefficient: float,
    *,
    min_rain_mm: float = MIN_RAIN_MM,
) -> float:
    """Capture volume [m³] a catchment needs for ``target_ratio``: V = psi A D / 1000, D the
    :func:`design_depth` [mm] (the volume method, V = 10 psi D F with F in ha)."""
    c = _check_catchment(Catchment("", area_m2, runoff_coefficient, 0.0))
    d = design_depth(daily_rain_mm, target_ratio, min_rain_mm=min_rain_mm)
    return c.runoff_coefficient * c.area_m2 * d / 1000.0


# --- helpers ----------------------------------------------------------------------------------


def _capture(rain: Sequence[float], c: Catchment, low: float) -> CaptureResult:
    c = _check_catchment(c)
    psi, area, volume = c.runoff_coefficient, c.area_m2, c.capture_volume_m3
    runoff_d = [psi * area * x / 1000.0 if x > low else 0.0 for x in rain]
    captured_d = [min(r, volume) for r in runoff_d]
    runoff = math.fsum(runoff_d)
    captured = math.fsum(captured_d)
    return CaptureResult(
        catchment=c,
        rainfall_mm=math.fsum(x for x in rain if x > low),
        runoff_m3=runoff,
        captured_m3=captured,
        ratio=captured / runoff if runoff > 0 else None,
        design_depth_mm=volume / (psi * area) * 1000.0,
        days=len(rain),
        counted_days=sum(x > low for x in rain),
        excluded_days=sum(0 < x <= low for x in rain),
        min_rain_mm=low,
        daily_runoff_m3=tuple(runoff_d),
        daily_captured_m3=tuple(captured_d),
    )


def _check_catchment(c: Catchment) -> Catchment:
    label = f"catchment {c.name!r}: " if c.name else ""
    area = _number(c.area_m2, f"{label}area_m2")
    psi = _number(c.runoff_coefficient, f"{label}runoff_coefficient")
    volume = _number(c.capture_volume_m3, f"{label}capture_volume_m3")
    if area <= 0:
        raise InputError(f"{label}area {area:g} m² must be above 0")
    if not 0 < psi <= 1:
        raise InputError(f"{label}runoff coefficient {psi:g} must be in (0, 1]")
    if volume < 0:
        raise InputError(f"{label}capture volume {volume:g} m³ is negative")
    return Catchment(c.name, area, psi, volume)


def _rain(values: Iterable[float]) -> list[float]:
    if isinstance(values, str | bytes):
        raise InputError("daily rainfall: give a sequence of numbers [mm], not text")
    out = []
    for i, v in enumerate(values):
        x = _number(v, f"daily rainfall, day {i + 1}", allow_nan=True)
        if math.isnan(x):
            raise InputError(
                f"daily rainfall, day {i + 1}: no value (NaN): fill or drop missing days first"
            )
        if x < 0:
            raise InputError(f"daily rainfall, day {i + 1}: {x:g} mm is negative")
        out.append(x)
    return out


def _min_rain(value: float) -> float:
    v = _number(value, "min_rain_mm")
    if v < 0:
        raise InputError(f"min_rain_mm {v:g} is negative")
    return v


def _number(value: Any, what: str, *, allow_nan: bool = False) -> float:
    if isinstance(value, str | bytes) or value is None:
        raise InputError(f"{what}: {value!r} is not a number")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what}: {value!r} is not a number") from None
    if math.isinf(v) or (math.isnan(v) and not allow_nan):
        raise InputError(f"{what}: {value!r} is not a finite number")
    return v
