"""Deliberate gaps, data flags and estimated readings of the demo series (pure functions).

Every plan is a function of ``(seed, key, n, interval_s)`` only, where ``key`` names the
series (a meter code, or ``"station code/parameter"``), so a test can recompute exactly
which rows the demo left out, and the result does not depend on the order in which the
series are generated.

- :func:`gap_plan`: missing rows. 15 % of the series have none; the others lose a total of
  0.5-2 % of their intervals in whole-hour gaps of 1-48 h, one gap per equal slice of the
  year so gaps never touch.
- :func:`flag_plan`: HJ 212-2017 data flags (table 8) of station values other than ``N``:
  a weekly calibration hour (``C``), a few maintenance blocks (``M``), isolated fault hours
  (``D``) and, where the instrument can be over-ranged, hours above range (``T``).
- :func:`quality_plan`: meter readings marked estimated, in short blocks.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from greenpark.units import HOUR_S

#: Share of series without any gap [-].
NO_GAP_SHARE = 0.15
#: Bounds of the missing share of a series that has gaps [-].
GAP_FRACTION_MIN = 0.005
GAP_FRACTION_MAX = 0.02
#: Bounds of one gap [h].
GAP_HOURS_MIN = 1
GAP_HOURS_MAX = 48

#: Flags the demo sets (HJ 212-2017 table 8); every other value is ``N``.
FLAG_NORMAL = "N"
FLAG_MAINTENANCE = "M"
FLAG_CALIBRATION = "C"
FLAG_FAULT = "D"
FLAG_ABOVE_RANGE = "T"

#: Quality of a meter reading: normal, or estimated by the meter's data collector.
QUALITY_OK = "ok"
QUALITY_ESTIMATED = "estimated"


def series_rng(seed: int, *parts: str) -> np.random.Generator:
    """A generator seeded by ``seed`` and the names in ``parts`` (order-independent use).

    Parameters
    ----------
    seed
        The demo seed.
    parts
        Names that identify the stream, e.g. ``("gap", "GA001-EL")``.

    Returns
    -------
    numpy.random.Generator
        ``default_rng([seed, crc32(part) for each part])``.
    """
    words = [int(seed) & 0xFFFFFFFF] + [zlib.crc32(p.encode("utf-8")) for p in parts]
    return np.random.default_rng(words)


@dataclass(frozen=True)
class GapPlan:
    """The rows a series leaves out: gaps as (first interval, length in intervals).

    Attributes
    ----------
    key
        Series name.
    n
        Intervals of the complete series [-].
    interval_s
        Interval length [s].
    starts, lengths
        Each gap's first interval index and its length [intervals], in time order.
    """

    key: str
    n: int
    interval_s: int
    starts: tuple[int, ...]
    lengths: tuple[int, ...]

    @property
    def gaps(self) -> int:
        """Number of gaps [-]."""
        return len(self.starts)

    @property
    def missing(self) -> int:
        """Intervals left out [-]."""
        return int(sum(self.lengths))

    @property
    def rows(self) -> int:
        """Rows the series keeps: ``n − missing`` [-]."""
        return self.n - self.missing

    @property
    def fraction(self) -> float:
        """Missing share of the series [-]."""
        return self.missing / self.n if self.n else 0.0

    def mask(self) -> NDArray[np.bool_]:
        """``True`` where a row is kept, shape ``(n,)``."""
        keep = np.ones(self.n, dtype=bool)
        for s, length in zip(self.starts, self.lengths, strict=True):
            keep[s : s + length] = False
        return keep


def gap_plan(seed: int, key: str, n: int, interval_s: int) -> GapPlan:
    """Plan the deliberate gaps of one series.

    Parameters
    ----------
    seed
        The demo seed.
    key
        Series name (meter code, or ``"station code/parameter"``).
    n
        Intervals in the complete series [-].
    interval_s
        Interval length [s]; must divide one hour.

    Returns
    -------
    GapPlan
        Whole-hour gaps of 1-48 h, 0.5-2 % of the series in total, or none (15 % of series).

    Notes
    -----
    The missing total is ``round(f · hours)`` hours with f ~ U(0.005, 0.02). Gap lengths are
    drawn log-uniformly in [1, 48] h until the total is reached (the last one is cut to fit).
    The series is cut into as many equal slices as there are gaps and each gap is placed
    at random inside its own slice, leaving at least one interval before the next slice.
    For very short series a gap is shortened to fit its slice.
    """
    if interval_s <= 0 or HOUR_S % interval_s:
        raise ValueError(f"interval_s must divide {HOUR_S} s, got {interval_s}")
    per_hour = HOUR_S // interval_s
    hours = n // per_hour
    rng = series_rng(seed, "gap", key)
    if hours < 2 or rng.random() < NO_GAP_SHARE:
        return GapPlan(key, n, interval_s, (), ())
    fraction = rng.uniform(GAP_FRACTION_MIN, GAP_FRACTION_MAX)
    total_h = round(fraction * hours)
    lengths_h: list[int] = []
    while sum(lengths_h) < total_h:
        drawn = int(np.exp(rng.uniform(np.log(GAP_HOURS_MIN), np.log(GAP_HOURS_MAX + 1))))
        drawn = min(max(drawn, GAP_HOURS_MIN), GAP_HOURS_MAX)
        lengths_h.append(min(drawn, total_h - sum(lengths_h)))
    if not lengths_h:
        return GapPlan(key, n, interval_s, (), ())
    rng.shuffle(lengths_h)
    slice_h = hours // len(lengths_h)
    starts: list[int] = []
    lengths: list[int] = []
    for i, length_h in enumerate(lengths_h):
        length_h = min(length_h, max(slice_h - 1, 1))
        room = max(slice_h - length_h, 1)
        start_h = i * slice_h + int(rng.integers(0, room))
        starts.append(start_h * per_hour)
        lengths.append(length_h * per_hour)
    return GapPlan(key, n, interval_s, tuple(starts), tuple(lengths))


def flag_plan(
    seed: int, key: str, n: int, *, calibration: bool = True, above_range: bool = False
) -> NDArray[np.str_]:
    """HJ 212-2017 data flags of one hourly station series.

    Parameters
    ----------
    seed
        The demo seed.
    key
        Series name ``"station code/parameter"``.
    n
        Hours in the complete series [-].
    calibration
        Whether the analyser runs a weekly calibration (``C``, one hour a week at a fixed
        weekday and hour drawn per series).
    above_range
        Whether the instrument can be over-ranged (``T``, 0-3 single hours a year).

    Returns
    -------
    numpy.ndarray
        One flag per hour: ``"N"``, or ``"C"``, ``"M"`` (3-6 blocks of 2-8 h a year),
        ``"D"`` (2-5 single hours) or ``"T"``; counts scale with ``n / 8760``.

    References
    ----------
    HJ 212-2017, table 8 (data flags).
    """
    rng = series_rng(seed, "flag", key)
    flags = np.full(n, FLAG_NORMAL, dtype="<U1")
    if n == 0:
        return flags
    scale = n / 8760.0
    if calibration:
        first = int(rng.integers(0, min(168, n)))
        flags[first::168] = FLAG_CALIBRATION
    for _ in range(round(rng.integers(3, 7) * scale)):
        start = int(rng.integers(0, n))
        flags[start : start + int(rng.integers(2, 9))] = FLAG_MAINTENANCE
    for _ in range(round(rng.integers(2, 6) * scale)):
        flags[int(rng.integers(0, n))] = FLAG_FAULT
    if above_range:
        for _ in range(round(rng.integers(0, 4) * scale)):
            flags[int(rng.integers(0, n))] = FLAG_ABOVE_RANGE
    return flags


def quality_plan(seed: int, key: str, n: int) -> NDArray[np.str_]:
    """Quality of each reading of one meter: ``"ok"`` or :data:`QUALITY_ESTIMATED`.

    Parameters
    ----------
    seed
        The demo seed.
    key
        Meter code.
    n
        Intervals in the complete series [-].

    Returns
    -------
    numpy.ndarray
        A third of the meters have no estimated reading; the others have 0-12 blocks of
        1-8 intervals a year (scaled with ``n / 35040``).
    """
    rng = series_rng(seed, "quality", key)
    out = np.full(n, QUALITY_OK, dtype=f"<U{len(QUALITY_ESTIMATED)}")
    if n == 0 or rng.random() < 1 / 3:
        return out
    for _ in range(round(rng.integers(0, 13) * n / 35040)):
        start = int(rng.integers(0, n))
        out[start : start + int(rng.integers(1, 9))] = QUALITY_ESTIMATED
    return out
