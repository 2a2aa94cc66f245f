"""Sponge city (issue 8 point 3): annual runoff volume capture ratio of a catchment and of
several, and the design rainfall depth of a target ratio (GB/T 51345-2018 style), on hand
series whose expected values are worked out in the comments.

No real daily rainfall series exists in ``../shared/data`` (see its ``SOURCES.md``: no
Guiyang weather file or precipitation record was found), so the longer series below is a
seeded pseudo-random one and is only used for identities, not for expected values.
"""

from __future__ import annotations

import itertools
import math
import random

import pytest

from greenpark.errors import InputError
from greenpark.evaluation.sponge import (
    Catchment,
    capture_ratio,
    catchments,
    control_curve,
    control_ratio,
    design_depth,
    required_volume,
)

RAIN = [0.0, 5.0, 30.0, 10.0]  # [mm]


def test_capture_on_a_hand_series() -> None:
    # 10 000 m², psi 0.8: day volumes 0, 40, 240, 80 m³; 120 m³ of storage captures
    # 0, 40, 120, 80 m³: 240 / 360 = 66.7 %
    r = capture_ratio(RAIN, 120.0, 10_000.0, 0.8)
    assert r.daily_runoff_m3 == pytest.approx((0.0, 40.0, 240.0, 80.0))
    assert r.daily_captured_m3 == pytest.approx((0.0, 40.0, 120.0, 80.0))
    assert r.runoff_m3 == pytest.approx(360.0)
    assert r.captured_m3 == pytest.approx(240.0)
    assert r.overflow_m3 == pytest.approx(120.0)
    assert r.ratio == pytest.approx(2 / 3)
    assert r.percent == pytest.approx(66.7, abs=0.05)
    # the facilities hold 120 m³ / (0.8 x 10 000 m²) = 15 mm of daily rain
    assert r.design_depth_mm == pytest.approx(15.0)
    assert (r.days, r.counted_days, r.excluded_days, r.rainfall_mm) == (4, 3, 0, 45.0)
    # the same figure read as rainfall: (5 + 15 + 10) / 45
    assert control_ratio(RAIN, 15.0) == pytest.approx(2 / 3)


def test_storage_empties_every_day() -> None:
    # two wet days in a row each fill the whole 120 m³: no carry-over (the stated assumption)
    r = capture_ratio([30.0, 30.0], 120.0, 10_000.0, 0.8)
    assert r.daily_captured_m3 == pytest.approx((120.0, 120.0))
    assert r.ratio == pytest.approx(0.5)


def test_days_of_2_mm_or_less_are_left_out() -> None:
    rain = [1.5, 2.0, 5.0, 30.0, 10.0]
    r = capture_ratio(rain, 120.0, 10_000.0, 0.8)  # default: <= 2 mm left out
    assert r.ratio == pytest.approx(2 / 3)
    assert (r.counted_days, r.excluded_days) == (3, 2)
    assert r.daily_runoff_m3[:2] == (0.0, 0.0)
    every = capture_ratio(rain, 120.0, 10_000.0, 0.8, min_rain_mm=0.0)
    # + 12 and 16 m³ of runoff, both captured: (240 + 28) / (360 + 28)
    assert every.ratio == pytest.approx(268 / 388)


def test_control_curve_and_design_depth() -> None:
    # sorted 5, 10, 30 (total 45): (5 + 2 x 5) / 45, (5 + 10 + 10) / 45, 45 / 45
    curve = control_curve(RAIN)
    assert [d for d, _ in curve] == [5.0, 10.0, 30.0]
    assert [r for _, r in curve] == pytest.approx([1 / 3, 25 / 45, 1.0])
    assert design_depth(RAIN, 2 / 3) == pytest.approx(15.0)
    # 50 % lies between 5 and 10 mm: (5 + 2 D) / 45 = 0.5 -> D = 8.75 mm
    assert design_depth(RAIN, 0.5) == pytest.approx(8.75)
    assert control_ratio(RAIN, 8.75) == pytest.approx(0.5)
    # below the first day: 3 D / 45 = 0.2 -> D = 3 mm
    assert design_depth(RAIN, 0.2) == pytest.approx(3.0)
    assert design_depth(RAIN, 1.0) == 30.0
    # the volume a 66.7 % target needs on 10 000 m² at psi 0.8: 0.8 x 10 000 x 15 / 1000
    assert required_volume(RAIN, 2 / 3, 10_000.0, 0.8) == pytest.approx(120.0)


def test_design_depth_round_trips_on_a_long_series() -> None:
    rng = random.Random(51345)
    rain = [rng.expovariate(1 / 12.0) if rng.random() < 0.45 else 0.0 for _ in range(3 * 365)]
    curve = control_curve(rain)
    assert all(a[1] < b[1] for a, b in itertools.pairwise(curve))
    for target in (0.6, 0.75, 0.85, 0.9):
        d = design_depth(rain, target)
        assert control_ratio(rain, d) == pytest.approx(target)
        v = required_volume(rain, target, 50_000.0, 0.6)
        assert capture_ratio(rain, v, 50_000.0, 0.6).ratio == pytest.approx(target)


def test_several_catchments() -> None:
    a = Catchment("roofs", 10_000.0, 0.8, 120.0)  # 66.7 %, runoff 360 m³
    b = Catchment("green", 10_000.0, 0.2, 0.0)  # 0 %, runoff 90 m³
    runoff = catchments(RAIN, [a, b])
    assert runoff.runoff_m3 == pytest.approx(450.0)
    assert runoff.captured_m3 == pytest.approx(240.0)
    assert runoff.ratio == pytest.approx(240 / 450)
    assert [c.ratio for c in runoff.catchments] == pytest.approx([2 / 3, 0.0])
    area = catchments(RAIN, [a, b], weighting="area")
    assert area.ratio == pytest.approx((2 / 3 + 0.0) / 2)
    # with one runoff coefficient both weightings agree
    c = Catchment("roads", 30_000.0, 0.8, 600.0)
    assert catchments(RAIN, [a, c]).ratio == pytest.approx(
        catchments(RAIN, [a, c], weighting="area").ratio
    )
    with pytest.raises(InputError, match="more than once"):
        catchments(RAIN, [a, a])
    with pytest.raises(InputError, match="weighting"):
        catchments(RAIN, [a], weighting="volume")


def test_no_runoff_and_refusals() -> None:
    dry = capture_ratio([0.0, 1.0, 0.5], 100.0, 1_000.0, 0.5)
    assert dry.ratio is None and dry.percent is None
    assert control_ratio([0.0, 1.0], 5.0) is None
    with pytest.raises(InputError, match="NaN"):
        capture_ratio([1.0, math.nan], 1.0, 1.0, 0.5)
    with pytest.raises(InputError, match="negative"):
        capture_ratio([-1.0], 1.0, 1.0, 0.5)
    with pytest.raises(InputError, match=r"in \(0, 1\]"):
        capture_ratio(RAIN, 1.0, 1.0, 1.2)
    with pytest.raises(InputError, match="above 0"):
        capture_ratio(RAIN, 1.0, 0.0, 0.5)
    with pytest.raises(InputError, match=r"give 0\.75 for 75 %"):
        design_depth(RAIN, 75)
    with pytest.raises(InputError, match="no day with rain"):
        design_depth([0.0, 2.0], 0.5)
