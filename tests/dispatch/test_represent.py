"""Representative days with storage linked over the year (greenpark.dispatch.represent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from greenpark.dispatch import (
    Bus,
    Commitment,
    Converter,
    Extend,
    Load,
    Problem,
    Source,
    Storage,
    read_problem,
    solve,
)
from greenpark.dispatch.represent import representative_days
from greenpark.errors import InputError

DCPARK1 = Path(__file__).parents[2] / "benchmarks" / "dcpark1"


def _days_problem(days: int = 6, loss: float = 0.0) -> Problem:
    """Hourly days: a load with a daily and a slow seasonal swing, a time-of-use grid, PV
    and a battery to size (no standing loss unless asked)."""
    n = days * 24
    t = np.arange(n)
    hour = t % 24
    day = t // 24
    load = 5 + 2 * np.sin(2 * np.pi * hour / 24) + 1.5 * np.sin(2 * np.pi * day / days)
    price = np.where((hour >= 8) & (hour < 22), 900.0, 300.0)
    pv = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None) * (0.5 + 0.5 * (day % 2))
    snapshots = np.datetime64("2025-03-01T00:00", "s") + t.astype("timedelta64[h]")
    return Problem(
        name="days",
        snapshots=snapshots.astype("datetime64[s]"),
        weights=np.ones(n),
        buses=[Bus("el")],
        sources=[Source("grid", "el", 20.0, price=price, emission=0.5),
                 Source("pv", "el", 4.0, availability=pv)],
        loads=[Load("load", "el", load)],
        storages=[Storage("bat", "el", power=0.0, hours=2.0, eta_charge=0.95,
                          eta_discharge=0.95, standing_loss=loss,
                          extend=Extend(capex=2.3e6, lifetime=12.0, max=10.0))],
    )  # fmt: skip


def test_every_day_its_own_representative_is_the_full_problem() -> None:
    full = _days_problem()
    reduced = representative_days(full, 6)
    assert sorted(reduced.periods.order.tolist()) == list(range(6))
    a, b = solve(full), solve(reduced)
    assert a.status == b.status == "optimal"
    assert b.objective == pytest.approx(a.objective, rel=1e-7)
    assert b.capacities["bat"] == pytest.approx(a.capacities["bat"], rel=1e-5, abs=1e-6)


def test_fewer_days_keep_the_year_scale() -> None:
    full = _days_problem()
    reduced = representative_days(full, 2)
    assert reduced.steps == 48
    # every calendar day is represented once: the multipliers add up to the horizon
    assert reduced.multiplier.sum() == pytest.approx(full.weights.sum())
    assert len(reduced.periods.order) == 6
    r = solve(reduced)
    assert r.status == "optimal"
    # within a few per cent of the full optimum on this smooth problem
    assert r.objective == pytest.approx(solve(full).objective, rel=0.05)


def test_dcpark1_plan_within_two_percent() -> None:
    """DCPARK-1 Y8760-PLAN (reference 72 073 729.722 CNY, shared/reference/dispatch.md
    4.5) with 16 representative days lands within 2 %."""
    p = representative_days(read_problem(DCPARK1 / "y8760_plan.toml"), 16)
    r = solve(p)
    assert r.status == "optimal"
    assert r.objective == pytest.approx(72_073_729.722, rel=0.02)
    assert r.capacities["pv"] == pytest.approx(10.0, abs=1e-3)  # the roof limit, as in full


@pytest.mark.parametrize(("k", "message"), [(0, "must be 1 to 6"), (7, "must be 1 to 6")])
def test_bad_k(k: int, message: str) -> None:
    with pytest.raises(InputError, match=message):
        representative_days(_days_problem(), k)


def test_commitment_refused() -> None:
    p = _days_problem()
    p.buses.append(Bus("gas"))
    p.sources.append(Source("gas", "gas", price=300.0))
    p.converters.append(
        Converter("eng", {"gas": 2.5}, {"el": 1.0}, ref="el", capacity=2.0,
                  commitment=Commitment(min_load=0.5))
    )  # fmt: skip
    with pytest.raises(InputError, match="unit commitment"):
        solve(representative_days(p, 2))


def test_not_whole_days_refused() -> None:
    p = _days_problem()
    p.snapshots = p.snapshots[:-1]
    p.weights = p.weights[:-1]
    p.loads = [Load("load", "el", np.asarray(p.loads[0].p)[:-1])]
    p.sources = [Source("grid", "el", 20.0, price=300.0)]
    with pytest.raises(InputError, match="not whole days"):
        representative_days(p, 2)
