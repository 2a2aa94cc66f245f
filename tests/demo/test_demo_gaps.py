"""Gap, flag and quality plans: deterministic, bounded, non-overlapping."""

from __future__ import annotations

import numpy as np
import pytest

from greenpark.demo import flag_plan, gap_plan, quality_plan, series_rng
from greenpark.demo.gaps import (
    GAP_FRACTION_MAX,
    GAP_FRACTION_MIN,
    GAP_HOURS_MAX,
    GAP_HOURS_MIN,
    QUALITY_ESTIMATED,
)
from greenpark.store.schema import MeterReading

KEYS = [f"GA{i:03d}-EL" for i in range(1, 201)]
CASES = [(35_040, 900), (8_760, 3_600)]


@pytest.mark.parametrize(("n", "interval_s"), CASES)
def test_gap_plan_bounds(n: int, interval_s: int) -> None:
    per_hour = 3600 // interval_s
    plans = [gap_plan(2023, k, n, interval_s) for k in KEYS]
    without = sum(p.gaps == 0 for p in plans)
    assert 10 <= without <= 55  # about 15 % of 200 series have no gap
    for p in plans:
        if p.gaps == 0:
            assert p.missing == 0 and p.rows == n
            continue
        assert GAP_FRACTION_MIN - 1 / n <= p.fraction <= GAP_FRACTION_MAX + 1 / n
        for start, length in zip(p.starts, p.lengths, strict=True):
            assert start % per_hour == 0 and length % per_hour == 0
            assert GAP_HOURS_MIN <= length // per_hour <= GAP_HOURS_MAX
            assert 0 <= start and start + length <= n
        ends = [s + length for s, length in zip(p.starts, p.lengths, strict=True)]
        assert all(e < s for e, s in zip(ends[:-1], p.starts[1:], strict=True))  # never touch
        mask = p.mask()
        assert mask.shape == (n,) and int((~mask).sum()) == p.missing
        assert p.rows == n - p.missing


def test_gap_plan_is_a_pure_function() -> None:
    a = gap_plan(5, "GA-AIR-01/a34004", 8760, 3600)
    b = gap_plan(5, "GA-AIR-01/a34004", 8760, 3600)
    assert a == b
    others = [
        gap_plan(6, "GA-AIR-01/a34004", 8760, 3600),
        gap_plan(5, "GA-AIR-02/a34004", 8760, 3600),
    ]
    assert all(o != a for o in others)


def test_gap_plan_short_series_and_bad_interval() -> None:
    p = gap_plan(1, "x", 4, 900)  # one hour only
    assert p.gaps == 0 and p.rows == 4
    for k in KEYS[:50]:
        q = gap_plan(1, k, 72, 3600)  # three days
        assert q.missing < 72
    with pytest.raises(ValueError, match="must divide"):
        gap_plan(1, "x", 100, 7)


def test_flag_plan() -> None:
    flags = flag_plan(2023, "GA-WW1-IN/w01018", 8760, above_range=True)
    values, counts = np.unique(flags, return_counts=True)
    found = dict(zip(values.tolist(), counts.tolist(), strict=True))
    assert set(found) <= {"N", "C", "M", "D", "T"}
    assert found["N"] / 8760 > 0.97
    assert 50 <= found["C"] <= 53  # weekly calibration
    assert (flag_plan(2023, "GA-WW1-IN/w01018", 8760, above_range=True) == flags).all()
    no_t = flag_plan(2023, "GA-SW-01/w01001", 8760)
    assert "T" not in set(no_t.tolist())
    assert "C" not in set(flag_plan(1, "k", 8760, calibration=False).tolist())


def test_quality_plan() -> None:
    plans = [quality_plan(2023, k, 35_040) for k in KEYS]
    estimated = [int((q == QUALITY_ESTIMATED).sum()) for q in plans]
    assert sum(e == 0 for e in estimated) >= 40  # about a third have none
    assert max(estimated) <= 12 * 8
    assert all(set(q.tolist()) <= {"ok", QUALITY_ESTIMATED} for q in plans)
    assert len(QUALITY_ESTIMATED) <= MeterReading.__table__.c.quality.type.length


def test_series_rng_streams() -> None:
    a = series_rng(1, "gap", "x").random(3)
    assert (a == series_rng(1, "gap", "x").random(3)).all()
    assert not (a == series_rng(1, "gap", "y").random(3)).all()
    assert not (a == series_rng(2, "gap", "x").random(3)).all()
