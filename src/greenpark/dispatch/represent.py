"""Representative days: a year's problem reduced to K typical days for fast sizing scans.

:func:`representative_days` groups the calendar days of a problem by their time series
(every load, availability, price and time-varying ratio, each scaled by its largest absolute
value, the days' vectors clustered by k-means with a seeded k-means++ start) and keeps, for
each group, the real day closest to its centre (a medoid: no averaged profile flattens the
peaks). Each kept step stands for as many days as its group has (``Problem.repeat``), so
costs, emissions and annuities keep the year's scale. Storage levels are linked across the
year's sequence of days (:class:`~greenpark.dispatch.model.Periods`; the build follows Kotzur
et al. 2018), so seasonal shifting and the cyclic year are kept; demand charges cover, for
each month, every representative of one of its days.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from greenpark.dispatch.model import Periods, Problem
from greenpark.errors import InputError

__all__ = ["representative_days"]


def _series_of(problem: Problem) -> list[NDArray[np.float64]]:
    n = problem.steps
    out = []

    def add(v: Any) -> None:
        a = np.asarray(v, dtype=float)
        if a.ndim == 1 and len(a) == n and np.ptp(a) > 0:
            out.append(a)

    for s in problem.sources:
        add(s.availability)
        add(s.price)
        add(s.p_min)
    for k in problem.sinks:
        add(k.price)
    for ld in problem.loads:
        add(ld.p)
    for c in problem.converters:
        for v in (*c.inputs.values(), *c.outputs.values(), c.p_max, c.p_min):
            add(v)
    return out


def _kmeans(x: NDArray[np.float64], k: int, seed: int, iterations: int = 100) -> NDArray[np.int64]:
    rng = np.random.default_rng(seed)
    centres = [x[rng.integers(len(x))]]
    for _ in range(1, k):  # k-means++
        d = np.min(((x[:, None, :] - np.array(centres)[None]) ** 2).sum(-1), axis=1)
        p = d / d.sum() if d.sum() > 0 else np.full(len(x), 1 / len(x))
        centres.append(x[rng.choice(len(x), p=p)])
    c = np.array(centres)
    label = np.zeros(len(x), dtype=np.int64)
    for _ in range(iterations):
        label_new = ((x[:, None, :] - c[None]) ** 2).sum(-1).argmin(axis=1)
        if np.array_equal(label_new, label) and _ > 0:
            break
        label = label_new
        for j in range(k):
            if np.any(label == j):
                c[j] = x[label == j].mean(axis=0)
    return label


def representative_days(problem: Problem, k: int, *, seed: int = 0) -> Problem:
    """``problem`` reduced to ``k`` representative days (see the module docstring).

    Parameters
    ----------
    problem : Problem
        A problem of whole days with equal steps (e.g. 8 760 hours).
    k : int
        Number of representative days (1 to the number of days).
    seed : int
        Seed of the k-means++ start.

    Raises
    ------
    InputError
        Unequal steps, not whole days, ``k`` out of range, or unit commitment (the reduced
        horizon is for LP sizing scans).
    """
    problem.check()
    w = np.asarray(problem.weights, dtype=float)
    if not np.allclose(w, w[0]):
        raise InputError(f"{problem.name}: representative days need equal steps")
    per_day = round(24.0 / w[0])
    n = problem.steps
    if abs(per_day * w[0] - 24.0) > 1e-9 or n % per_day:
        raise InputError(f"{problem.name}: {n} steps of {w[0]} h are not whole days")
    days = n // per_day
    if not 1 <= k <= days:
        raise InputError(f"representative days: k = {k} must be 1 to {days}")
    series = _series_of(problem)
    if series:
        scaled = [a / np.abs(a).max() for a in series]
        x = np.concatenate([a.reshape(days, per_day) for a in scaled], axis=1)
    else:
        x = np.zeros((days, 1))
    label = _kmeans(x, k, seed)
    groups = [g for g in range(k) if np.any(label == g)]
    reps, counts = [], []
    for g in groups:
        members = np.flatnonzero(label == g)
        centre = x[members].mean(axis=0)
        reps.append(int(members[((x[members] - centre) ** 2).sum(1).argmin()]))
        counts.append(len(members))
    index_of = {g: i for i, g in enumerate(groups)}
    order = np.array([index_of[g] for g in label], dtype=np.int64)
    steps = np.concatenate([np.arange(d * per_day, (d + 1) * per_day) for d in reps])
    repeat = np.repeat(np.array(counts, dtype=float), per_day)
    if problem.repeat is not None:
        repeat = repeat * np.asarray(problem.repeat, dtype=float)[steps]

    def cut(v: Any) -> Any:
        a = np.asarray(v, dtype=float)
        return a[steps] if a.ndim == 1 and len(a) == n else v

    snapshots = np.asarray(problem.snapshots)
    day_month = snapshots[::per_day].astype("datetime64[M]").astype(np.int64)
    return replace(
        problem,
        name=f"{problem.name} ({len(reps)} representative days)",
        snapshots=snapshots[steps],
        weights=w[steps],
        sources=[replace(s, availability=cut(s.availability), price=cut(s.price),
                         p_min=cut(s.p_min)) for s in problem.sources],
        sinks=[replace(s, price=cut(s.price)) for s in problem.sinks],
        loads=[replace(ld, p=cut(ld.p)) for ld in problem.loads],
        converters=[
            replace(c, inputs={b: cut(v) for b, v in c.inputs.items()},
                    outputs={b: cut(v) for b, v in c.outputs.items()},
                    p_max=cut(c.p_max), p_min=cut(c.p_min))
            for c in problem.converters
        ],
        repeat=repeat,
        periods=Periods(steps=per_day, order=order, day_hours=24.0, day_month=day_month),
    )  # fmt: skip
