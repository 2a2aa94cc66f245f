"""Solve a problem with HiGHS in memory and return tidy results (statuses as values).

:func:`solve` builds (:func:`~greenpark.dispatch.build.build`), passes the arrays to
``highspy`` (no files, no per-constraint objects), and reads the solution back into pandas:
flows per component and port, the balance of every bus, storage levels, commitment, sized
capacities, the cost breakdown, emissions and (when asked) shadow prices. Infeasible,
unbounded and time-limited runs come back as a :class:`Result` with that ``status``, never
as an exception.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from greenpark.dispatch.build import COST_KINDS, Lp, build
from greenpark.dispatch.model import Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Result", "SolveOptions", "solve"]


@dataclass(frozen=True)
class SolveOptions:
    """HiGHS settings.

    Attributes
    ----------
    method : {"auto", "simplex", "ipm"}
        ``auto``: interior point for sizing problems (capacities to decide), simplex (or
        branch and bound) otherwise.
    crossover : bool or None
        Interior point only: crossover to a basic solution; None: only when duals are
        asked.
    duals : bool
        Return shadow prices of the buses [currency/MWh].
    mip_gap : float
        Relative MIP gap at which branch and bound stops [-].
    time_limit : float or None
        [s]; a run stopped by it returns ``status="time_limit"`` with the incumbent.
    threads, seed : int
        HiGHS ``threads`` and ``random_seed`` (1 and 0: reproducible).
    extra : dict
        Any other HiGHS option by name.
    """

    method: str = "auto"
    crossover: bool | None = None
    duals: bool = False
    mip_gap: float = 1e-4
    time_limit: float | None = None
    threads: int = 1
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


Flows = dict[tuple[str, str], NDArray[np.float64]]


@dataclass
class Result:
    """A solved (or not) problem; arrays by name (numpy), tidy pandas frames on request.

    Attributes
    ----------
    status : str
        ``optimal``, ``infeasible``, ``unbounded``, ``time_limit`` (the best solution found,
        with ``gap``), ``error``.
    objective : float or None
        Total cost [currency], the sum of ``costs``.
    bound, gap : float or None
        MIP dual bound [currency] and relative gap [-].
    snapshots : ndarray of datetime64
    flows : dict
        (component, bus) → power per step [MW]: + injection into the bus, - withdrawal;
        loads as (load name, bus), negative.
    levels : dict
        Storage → level at the end of each step [MWh].
    status_on : dict
        Committed converter → status per step (0/1).
    capacities : dict
        Extendable component → sized capacity [MW].
    costs : list of (component, kind, cost)
        Kinds of :data:`~greenpark.dispatch.build.COST_KINDS` [currency].
    emissions : float
        Horizon emissions [tCO2].
    prices : dict or None
        Bus → shadow price per step [currency/MWh] when duals were asked.
    times : dict
        ``build_s``, ``solve_s``, ``results_s`` [s].
    size : dict
        Columns, rows, nonzeros and integer columns of the model.
    """

    status: str
    message: str
    objective: float | None
    bound: float | None
    gap: float | None
    snapshots: NDArray[np.datetime64]
    flows: Flows
    levels: dict[str, NDArray[np.float64]]
    status_on: dict[str, NDArray[np.float64]]
    capacities: dict[str, float]
    costs: list[tuple[str, str, float]]
    emissions: float
    prices: dict[str, NDArray[np.float64]] | None
    times: dict[str, float] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)

    def balance(self) -> dict[str, NDArray[np.float64]]:
        """Bus → the sum of its flows per step [MW] (0 up to the solver's tolerance)."""
        out: dict[str, NDArray[np.float64]] = {}
        for (_, bus), v in self.flows.items():
            out[bus] = out.get(bus, 0.0) + v
        return out

    def cost_by_kind(self) -> dict[str, float]:
        """Total cost per kind [currency], every kind listed."""
        out = dict.fromkeys(COST_KINDS, 0.0)
        for _, kind, cost in self.costs:
            out[kind] += cost
        return out

    def flows_frame(self) -> pd.DataFrame:
        """Flows as a frame: one row per step, columns (component, bus) [MW]."""
        import pandas as pd

        frame = pd.DataFrame(self.flows, index=pd.DatetimeIndex(self.snapshots, name="time"))
        frame.columns = pd.MultiIndex.from_tuples(frame.columns, names=["component", "bus"])
        return frame

    def costs_frame(self) -> pd.DataFrame:
        """The cost breakdown: ``component``, ``kind``, ``cost`` [currency]."""
        import pandas as pd

        return pd.DataFrame(self.costs, columns=["component", "kind", "cost"])


def _new_highs() -> Any:
    """A Highs instance; the banner HiGHS prints on its first construction is kept off the
    process's standard output (it would corrupt CSV or JSON written there)."""
    import highspy

    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _BANNER_SHOWN = True
    return h


_BANNER_SHOWN = False


def _highs(lp: Lp, options: SolveOptions, sizing: bool) -> Any:
    import highspy

    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", options.threads)
    h.setOptionValue("random_seed", options.seed)
    method = options.method
    if method == "auto":
        method = "ipm" if sizing and not lp.is_mip else "simplex"
    if method not in ("simplex", "ipm"):
        raise ValueError(f"method {options.method!r}: auto, simplex or ipm")
    if not lp.is_mip:
        h.setOptionValue("solver", method)
        if method == "ipm":
            crossover = options.duals if options.crossover is None else options.crossover
            h.setOptionValue("run_crossover", "on" if crossover else "off")
    else:
        h.setOptionValue("mip_rel_gap", options.mip_gap)
    if options.time_limit is not None:
        h.setOptionValue("time_limit", float(options.time_limit))
    for k, v in options.extra.items():
        h.setOptionValue(k, v)
    model = highspy.HighsLp()
    model.num_col_ = lp.num_col
    model.num_row_ = lp.num_row
    model.col_cost_ = lp.col_cost
    model.col_lower_ = lp.col_lower
    model.col_upper_ = lp.col_upper
    model.row_lower_ = lp.row_lower
    model.row_upper_ = lp.row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.num_col_ = lp.num_col
    model.a_matrix_.num_row_ = lp.num_row
    model.a_matrix_.start_ = lp.a_start
    model.a_matrix_.index_ = lp.a_index
    model.a_matrix_.value_ = lp.a_value
    if lp.is_mip:
        kinds = [highspy.HighsVarType.kContinuous] * lp.num_col
        for i in lp.integer.tolist():
            kinds[i] = highspy.HighsVarType.kInteger
        model.integrality_ = kinds
    h.passModel(model)
    return h


def _status(h: Any) -> tuple[str, str]:
    import highspy

    ms = h.getModelStatus()
    text = h.modelStatusToString(ms)
    s = highspy.HighsModelStatus
    if ms == s.kOptimal:
        return "optimal", text
    if ms in (s.kInfeasible,):
        return "infeasible", text
    if ms in (s.kUnbounded, s.kUnboundedOrInfeasible):
        return "unbounded" if ms == s.kUnbounded else "infeasible", text
    if ms in (s.kTimeLimit, s.kIterationLimit, s.kSolutionLimit, s.kInterrupt):
        return "time_limit", text
    return "error", text


def solve(problem: Problem, options: SolveOptions | None = None) -> Result:
    """Build and solve ``problem``.

    Returns
    -------
    Result
        Always; ``status`` says whether it is optimal. Input errors (a bad component)
        raise :class:`~greenpark.errors.InputError` before anything is built.
    """
    options = options or SolveOptions()
    t0 = time.perf_counter()
    lp = build(problem)
    sizing = any(k[1] == "capacity" for k in lp.cols)
    t1 = time.perf_counter()
    h = _highs(lp, options, sizing)
    h.run()
    t2 = time.perf_counter()
    status, message = _status(h)
    info = h.getInfo()
    has_solution = status == "optimal" or (
        status == "time_limit" and info.primal_solution_status == 2  # feasible
    )
    result = _empty(problem, status, message)
    if has_solution:
        sol = h.getSolution()
        x = np.asarray(sol.col_value)
        duals = np.asarray(sol.row_dual) if options.duals and not lp.is_mip else None
        result = _read(problem, lp, x, duals, status, message)
        if lp.is_mip:
            result.bound = float(info.mip_dual_bound)
            result.gap = float(info.mip_gap)
    t3 = time.perf_counter()
    result.times = {"build_s": t1 - t0, "solve_s": t2 - t1, "results_s": t3 - t2}
    result.size = {"columns": lp.num_col, "rows": lp.num_row, "nonzeros": len(lp.a_value),
                   "integers": len(lp.integer)}  # fmt: skip
    return result


def _empty(problem: Problem, status: str, message: str) -> Result:
    return Result(
        status=status,
        message=message,
        objective=None,
        bound=None,
        gap=None,
        snapshots=problem.snapshots,
        flows={},
        levels={},
        status_on={},
        capacities={},
        costs=[],
        emissions=math.nan,
        prices=None,
    )


def _read(
    problem: Problem,
    lp: Lp,
    x: NDArray[np.float64],
    duals: NDArray[np.float64] | None,
    status: str,
    message: str,
) -> Result:
    n = problem.steps
    flows: Flows = {}
    for comp, entries in lp.ports.items():
        for bus, cols, coef in entries:
            v = coef * x[cols]
            flows[(comp, bus)] = v.reshape(-1, n).sum(axis=0) if len(v) > n else v
    for ld in problem.loads:
        key = (ld.name, ld.bus)
        flows[key] = flows.get(key, 0.0) - np.broadcast_to(np.asarray(ld.p, dtype=float), (n,))
    levels = {st.name: x[lp.cols[(st.name, "level")]] for st in problem.storages}
    status_on = {
        c.name: np.round(x[lp.cols[(c.name, "status")]])
        for c in problem.converters
        if c.commitment is not None
    }
    capacities = {
        comp: float(x[cols][0]) for (comp, var), cols in lp.cols.items() if var == "capacity"
    }
    merged: dict[tuple[str, str], float] = {}
    for comp, kind, cols, coef in lp.costs:
        merged[(comp, kind)] = merged.get((comp, kind), 0.0) + float(np.dot(coef, x[cols]))
    costs = [(comp, kind, v) for (comp, kind), v in merged.items()]
    w = problem.multiplier
    emissions = sum(
        float(np.dot(w * s.emission, x[lp.cols[(s.name, "p")]]))
        for s in problem.sources
        if s.emission
    )
    prices = None
    if duals is not None:
        prices = {bus: duals[rows] / w for (fam, bus), rows in lp.rows.items() if fam == "bus"}
    return Result(
        status=status,
        message=message,
        objective=math.fsum(v for _, _, v in costs),
        bound=None,
        gap=None,
        snapshots=problem.snapshots,
        flows=flows,
        levels=levels,
        status_on=status_on,
        capacities=capacities,
        costs=costs,
        emissions=emissions,
        prices=prices,
    )
