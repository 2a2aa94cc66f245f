"""Build the LP/MILP of a :class:`~greenpark.dispatch.model.Problem` as sparse arrays.

One block of columns per component and variable (``T`` columns each), one block of rows per
constraint family; every block is made by vectorised numpy (no per-constraint Python
objects). The matrix is assembled as coordinates and compressed column-wise for HiGHS.
The formulation is written out in ``docs/dispatch.md``; in short, with step weights
``w_t`` [h]:

- bus balance (one row per bus and step): injections - withdrawals = loads;
- source ``p_t`` <= availability_t x capacity (or x the sized capacity), cost
  ``w_t (price_t + carbon_price x emission) p_t``; a demand charge adds one column per
  calendar month with ``p_t <= peak_m``;
- sink ``q_t`` <= capacity, cost ``w_t price_t q_t``;
- converter flow ``x_t`` at the reference port; port flows ``ratio_t x_t`` (+ offset x
  capacity x ``u_t`` with a commitment); commitment: ``u_t`` binary,
  ``min_load cap u_t <= x_t <= p_max cap u_t``, starts ``s_t >= u_t - u_{t-1}``, minimum up
  and down time in steps, ramps, start-up and no-load costs;
- storage level ``e_t = (1 - loss)^{w_t} e_{t-1} + w_t (eta_c c_t - d_t / eta_d)``, cyclic
  (``e_{-1} = e_{T-1}``) or from the initial level;
- sizing: one capacity column per extendable component, annuity x (sum w / 8760);
- carbon cap: ``sum_t w_t emission p_t <= cap``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import NDArray

from greenpark.dispatch.model import HOURS_PER_YEAR, Extend, Problem, Storage, annuity
from greenpark.errors import InputError

__all__ = ["COST_KINDS", "Lp", "build"]

#: The kinds of cost of the breakdown, in the order they are reported.
COST_KINDS: Final[tuple[str, ...]] = (
    "energy",
    "export",
    "carbon",
    "demand",
    "vom",
    "storage",
    "start_up",
    "no_load",
    "capex",
)

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass
class Lp:
    """The built model: column and row data, the matrix column-wise, and where each
    component's variables and rows are.

    ``cols[(component, variable)]`` and ``rows[(family, name)]`` hold index arrays;
    ``costs`` lists (component, kind, column indices, coefficients) for the breakdown.
    """

    col_cost: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    a_start: NDArray[np.int32]
    a_index: NDArray[np.int32]
    a_value: FloatArray
    integer: IntArray
    cols: dict[tuple[str, str], IntArray]
    rows: dict[tuple[str, str], IntArray]
    costs: list[tuple[str, str, IntArray, FloatArray]]
    ports: dict[str, list[tuple[str, IntArray, FloatArray]]] = field(default_factory=dict)

    @property
    def num_col(self) -> int:
        """Number of columns."""
        return len(self.col_cost)

    @property
    def num_row(self) -> int:
        """Number of rows."""
        return len(self.row_lower)

    @property
    def is_mip(self) -> bool:
        """True when some column is integer."""
        return len(self.integer) > 0


class _Builder:
    def __init__(self, steps: int) -> None:
        self.t = steps
        self.lo: list[FloatArray] = []
        self.up: list[FloatArray] = []
        self.cost: list[FloatArray] = []
        self.ncol = 0
        self.rlo: list[FloatArray] = []
        self.rup: list[FloatArray] = []
        self.nrow = 0
        self.ri: list[IntArray] = []
        self.ci: list[IntArray] = []
        self.vv: list[FloatArray] = []
        self.integer: list[IntArray] = []
        self.cols: dict[tuple[str, str], IntArray] = {}
        self.rows: dict[tuple[str, str], IntArray] = {}
        self.costs: list[tuple[str, str, IntArray, FloatArray]] = []

    def var(
        self,
        key: tuple[str, str],
        n: int,
        lower: float | FloatArray = 0.0,
        upper: float | FloatArray = math.inf,
        *,
        integer: bool = False,
    ) -> IntArray:
        idx = np.arange(self.ncol, self.ncol + n, dtype=np.int64)
        self.ncol += n
        self.lo.append(np.broadcast_to(np.asarray(lower, dtype=float), (n,)).copy())
        self.up.append(np.broadcast_to(np.asarray(upper, dtype=float), (n,)).copy())
        self.cost.append(np.zeros(n))
        if integer:
            self.integer.append(idx)
        self.cols[key] = idx
        return idx

    def add_cost(self, component: str, kind: str, cols: IntArray, coef: FloatArray | float) -> None:
        c = np.broadcast_to(np.asarray(coef, dtype=float), cols.shape).copy()
        if not np.any(c):
            return
        self.costs.append((component, kind, cols, c))

    def row(
        self, key: tuple[str, str], n: int, lower: float | FloatArray, upper: float | FloatArray
    ) -> IntArray:
        idx = np.arange(self.nrow, self.nrow + n, dtype=np.int64)
        self.nrow += n
        self.rlo.append(np.broadcast_to(np.asarray(lower, dtype=float), (n,)).copy())
        self.rup.append(np.broadcast_to(np.asarray(upper, dtype=float), (n,)).copy())
        self.rows[key] = idx
        return idx

    def coef(self, rows: IntArray, cols: IntArray, values: FloatArray | float) -> None:
        r, c = np.broadcast_arrays(np.asarray(rows), np.asarray(cols))
        v = np.broadcast_to(np.asarray(values, dtype=float), r.shape)
        keep = v != 0
        self.ri.append(r[keep].astype(np.int64))
        self.ci.append(c[keep].astype(np.int64))
        self.vv.append(v[keep].astype(float))

    def finish(self, ports: dict[str, list[tuple[str, IntArray, FloatArray]]]) -> Lp:
        cost = np.concatenate(self.cost) if self.cost else np.zeros(0)
        for _, _, cols, c in self.costs:
            np.add.at(cost, cols, c)
        rows = np.concatenate(self.ri) if self.ri else np.zeros(0, np.int64)
        cols = np.concatenate(self.ci) if self.ci else np.zeros(0, np.int64)
        vals = np.concatenate(self.vv) if self.vv else np.zeros(0)
        order = np.lexsort((rows, cols))
        rows, cols, vals = rows[order], cols[order], vals[order]
        if len(rows) > 1:  # merge duplicate coordinates (sum)
            new = np.ones(len(rows), dtype=bool)
            new[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
            if not new.all():
                starts = np.flatnonzero(new)
                vals = np.add.reduceat(vals, starts)
                rows, cols = rows[starts], cols[starts]
        start = np.zeros(self.ncol + 1, dtype=np.int32)
        np.cumsum(np.bincount(cols, minlength=self.ncol), out=start[1:])
        return Lp(
            col_cost=cost,
            col_lower=np.concatenate(self.lo) if self.lo else np.zeros(0),
            col_upper=np.concatenate(self.up) if self.up else np.zeros(0),
            row_lower=np.concatenate(self.rlo) if self.rlo else np.zeros(0),
            row_upper=np.concatenate(self.rup) if self.rup else np.zeros(0),
            a_start=start,
            a_index=rows.astype(np.int32),
            a_value=vals,
            integer=np.concatenate(self.integer) if self.integer else np.zeros(0, np.int64),
            cols=self.cols,
            rows=self.rows,
            costs=self.costs,
            ports=ports,
        )


def _series(value: object, n: int) -> FloatArray:
    return np.broadcast_to(np.asarray(value, dtype=float), (n,)).astype(float)


def _times(per_unit: FloatArray, capacity: float) -> FloatArray:
    """``per_unit x capacity`` with an infinite capacity giving inf where per_unit > 0 and 0
    where it is 0 (not NaN)."""
    if math.isfinite(capacity):
        return per_unit * capacity
    return np.where(per_unit > 0, math.inf, 0.0)


def _capacity_annuity(extend: Extend, problem: Problem, hours: float | None = None) -> float:
    capex = extend.capex + (hours or 0.0) * extend.capex_energy
    rate = problem.rate if extend.rate is None else extend.rate
    scale = float(np.sum(problem.multiplier)) / HOURS_PER_YEAR
    return annuity(capex, extend.lifetime, rate, extend.fom) * scale


def _steps(hours: float, w: float) -> int:
    return max(1, math.ceil(hours / w - 1e-9))


def build(problem: Problem) -> Lp:
    """The LP (or MILP with a commitment) of ``problem``; see the module docstring.

    Raises
    ------
    InputError
        From :meth:`Problem.check`, or a commitment over steps of unequal length.
    """
    problem.check()
    n = problem.steps
    w = np.asarray(problem.weights, dtype=float)  # step lengths [h]
    big_w = problem.multiplier  # weights of costs and emissions [h]
    b = _Builder(n)
    bus_rows: dict[str, IntArray] = {}
    load = defaultdict(lambda: np.zeros(n))
    for ld in problem.loads:
        load[ld.bus] = load[ld.bus] + _series(ld.p, n)
    for bus in problem.buses:
        demand = load[bus.name]
        bus_rows[bus.name] = b.row(("bus", bus.name), n, demand, demand)
    ports: dict[str, list[tuple[str, IntArray, FloatArray]]] = defaultdict(list)
    emitting: list[tuple[IntArray, FloatArray]] = []

    # -- sources
    for s in problem.sources:
        avail = _series(s.availability, n)
        pmin = _series(s.p_min, n)
        if s.extend is None:
            upper = _times(avail, s.capacity)
            lower = upper if not s.curtailable else np.minimum(_times(pmin, s.capacity), upper)
            p = b.var((s.name, "p"), n, lower, upper)
        else:
            p = b.var((s.name, "p"), n, 0.0, math.inf)
            cap = b.var((s.name, "capacity"), 1, s.extend.min, s.extend.max)
            b.add_cost(s.name, "capex", cap, _capacity_annuity(s.extend, problem))
            r = b.row((s.name, "capacity"), n, -math.inf if s.curtailable else 0.0, 0.0)
            b.coef(r, p, 1.0)
            b.coef(r, cap[0], -avail)
            if np.any(pmin > 0):
                r = b.row((s.name, "p_min"), n, 0.0, math.inf)
                b.coef(r, p, 1.0)
                b.coef(r, cap[0], -pmin)
        b.coef(bus_rows[s.bus], p, 1.0)
        ports[s.name].append((s.bus, p, np.ones(n)))
        b.add_cost(s.name, "energy", p, big_w * _series(s.price, n))
        if s.emission:
            b.add_cost(s.name, "carbon", p, big_w * problem.carbon_price * s.emission)
            emitting.append((p, big_w * s.emission))
        if s.demand_charge:
            per = problem.periods
            if per is None or per.day_month is None:
                month = np.asarray(problem.snapshots).astype("datetime64[M]")
                codes, inverse = np.unique(month, return_inverse=True)
                steps_of = [np.flatnonzero(inverse == m) for m in range(len(codes))]
            else:  # a month's peak covers each representative day standing for its days
                codes = np.unique(per.day_month)
                steps_of = []
                for m in codes:
                    reps = np.unique(per.order[per.day_month == m])
                    steps_of.append(
                        (reps[:, None] * per.steps + np.arange(per.steps)[None, :]).ravel()
                    )
            peak = b.var((s.name, "peak"), len(codes), 0.0, math.inf)
            b.add_cost(s.name, "demand", peak, s.demand_charge)
            rows_p = np.concatenate(steps_of)
            rows_m = np.concatenate([np.full(len(x), i) for i, x in enumerate(steps_of)])
            r = b.row((s.name, "peak"), len(rows_p), -math.inf, 0.0)
            b.coef(r, p[rows_p], 1.0)
            b.coef(r, peak[rows_m], -1.0)

    # -- sinks
    for k in problem.sinks:
        q = b.var((k.name, "p"), n, 0.0, k.capacity)
        b.coef(bus_rows[k.bus], q, -1.0)
        ports[k.name].append((k.bus, q, -np.ones(n)))
        price = big_w * _series(k.price, n)
        b.add_cost(k.name, "export" if np.all(price <= 0) else "energy", q, price)

    # -- converters
    for c in problem.converters:
        uc = c.commitment
        pmax = _series(c.p_max, n)
        pmin = _series(c.p_min, n)
        if c.extend is not None:
            x = b.var((c.name, "p"), n, 0.0, math.inf)
            cap = b.var((c.name, "capacity"), 1, c.extend.min, c.extend.max)
            b.add_cost(c.name, "capex", cap, _capacity_annuity(c.extend, problem))
            r = b.row((c.name, "capacity"), n, -math.inf, 0.0)
            b.coef(r, x, 1.0)
            b.coef(r, cap[0], -pmax)
            if np.any(pmin > 0):
                r = b.row((c.name, "p_min"), n, 0.0, math.inf)
                b.coef(r, x, 1.0)
                b.coef(r, cap[0], -pmin)
        elif uc is None:
            x = b.var((c.name, "p"), n, _times(np.minimum(pmin, pmax), c.capacity),
                      _times(pmax, c.capacity))  # fmt: skip
        else:
            x = b.var((c.name, "p"), n, 0.0, _times(pmax, c.capacity))
        u = None
        if uc is not None:
            if not np.allclose(w, w[0]):
                raise InputError(f"converter {c.name!r}: unit commitment needs equal steps")
            u = b.var((c.name, "status"), n, 0.0, 1.0, integer=True)
            st = b.var((c.name, "start"), n, 0.0, 1.0)
            cap = c.capacity
            r = b.row((c.name, "p_max_on"), n, -math.inf, 0.0)
            b.coef(r, x, 1.0)
            b.coef(r, u, -pmax * cap)
            r = b.row((c.name, "p_min_on"), n, 0.0, math.inf)
            b.coef(r, x, 1.0)
            b.coef(r, u, -np.maximum(uc.min_load, pmin) * cap)
            # starts: s_t - u_t + u_{t-1} >= 0; s_0 - u_0 >= -initial
            lo = np.zeros(n)
            lo[0] = -float(uc.initial_status)
            r = b.row((c.name, "start"), n, lo, math.inf)
            b.coef(r, st, 1.0)
            b.coef(r, u, -1.0)
            b.coef(r[1:], u[:-1], 1.0)
            # a start only from off to on: s_t <= u_t and s_t <= 1 - u_{t-1}
            r = b.row((c.name, "start_on"), n, -math.inf, 0.0)
            b.coef(r, st, 1.0)
            b.coef(r, u, -1.0)
            ub = np.ones(n)
            ub[0] = 1.0 - float(uc.initial_status)
            r = b.row((c.name, "start_off"), n, -math.inf, ub)
            b.coef(r, st, 1.0)
            b.coef(r[1:], u[:-1], 1.0)
            b.add_cost(c.name, "start_up", st, uc.start_cost)
            b.add_cost(c.name, "no_load", u, w * uc.no_load_cost)
            up = min(_steps(uc.min_up, w[0]), n) if uc.min_up > 0 else 1
            if up > 1:  # sum of starts in the last `up` steps <= u_t
                r = b.row((c.name, "min_up"), n, -math.inf, 0.0)
                b.coef(r, u, -1.0)
                for lag in range(up):
                    b.coef(r[lag:], st[: n - lag], 1.0)
            down = min(_steps(uc.min_down, w[0]), n) if uc.min_down > 0 else 1
            if down > 1:  # sum of starts in the last `down` steps + u_{t-down} <= 1
                ub = np.ones(n)
                ub[:down] = 1.0 - uc.initial_status
                r = b.row((c.name, "min_down"), n, -math.inf, ub)
                for lag in range(down):
                    b.coef(r[lag:], st[: n - lag], 1.0)
                b.coef(r[down:], u[: n - down], 1.0)
            for kind, ramp, sign in (
                ("ramp_up", uc.ramp_up, 1.0),
                ("ramp_down", uc.ramp_down, -1.0),
            ):
                if ramp is None:
                    continue
                r = b.row((c.name, kind), n - 1, -math.inf, ramp * cap * w[1:])
                b.coef(r, x[1:], sign)
                b.coef(r, x[:-1], -sign)
                if sign > 0:  # a start may jump to any level
                    b.coef(r, st[1:], -cap)
                else:  # a stop may drop from any level: shut-down = s_t - u_t + u_{t-1}
                    b.coef(r, st[1:], -cap)
                    b.coef(r, u[1:], cap)
                    b.coef(r, u[:-1], -cap)
        for bus, (sign, ratio) in c.ports().items():
            coef = sign * _series(ratio, n)
            b.coef(bus_rows[bus], x, coef)
            entry_cols, entry_coef = x, coef
            offset = c.offsets.get(bus, 0.0)
            if offset and u is not None:
                b.coef(bus_rows[bus], u, sign * offset * c.capacity)
                entry_cols = np.concatenate([x, u])
                entry_coef = np.concatenate([coef, np.full(n, sign * offset * c.capacity)])
            ports[c.name].append((bus, entry_cols, entry_coef))
        b.add_cost(c.name, "vom", x, big_w * c.vom)

    # -- storage
    for st in problem.storages:
        if problem.periods is not None:
            _linked_storage(b, problem, st, bus_rows, ports, big_w)
            continue
        a = (1.0 - st.standing_loss) ** w
        if st.extend is None:
            energy = st.energy_capacity
            ch = b.var((st.name, "charge"), n, 0.0, st.power)
            dis = b.var((st.name, "discharge"), n, 0.0, st.power)
            e = b.var((st.name, "level"), n, 0.0, energy)
            cap = None
        else:
            hours = float(st.hours or 0.0)
            ch = b.var((st.name, "charge"), n, 0.0, math.inf)
            dis = b.var((st.name, "discharge"), n, 0.0, math.inf)
            e = b.var((st.name, "level"), n, 0.0, math.inf)
            cap = b.var((st.name, "capacity"), 1, st.extend.min, st.extend.max)
            b.add_cost(st.name, "capex", cap, _capacity_annuity(st.extend, problem, hours))
            for what, col, k in (("charge", ch, 1.0), ("discharge", dis, 1.0), ("level", e, hours)):
                r = b.row((st.name, f"{what}_max"), n, -math.inf, 0.0)
                b.coef(r, col, 1.0)
                b.coef(r, cap[0], -k)
            energy = 0.0
        rhs = np.zeros(n)
        if not st.cyclic and cap is None:
            rhs[0] = a[0] * st.initial * energy
        r = b.row((st.name, "level"), n, rhs, rhs)
        b.coef(r, e, 1.0)
        prev = np.roll(e, 1)
        if st.cyclic:
            b.coef(r, prev, -a)
        else:
            b.coef(r[1:], prev[1:], -a[1:])
            if cap is not None and st.initial:
                b.coef(r[0], cap[0], -a[0] * st.initial * float(st.hours or 0.0))
        b.coef(r, ch, -w * st.eta_charge)
        b.coef(r, dis, w / st.eta_discharge)
        b.coef(bus_rows[st.bus], ch, -1.0)
        b.coef(bus_rows[st.bus], dis, 1.0)
        ports[st.name].append((st.bus, np.concatenate([ch, dis]),
                               np.concatenate([-np.ones(n), np.ones(n)])))  # fmt: skip
        b.add_cost(st.name, "storage", dis, big_w * st.discharge_cost)

    # -- carbon cap
    if problem.carbon_cap is not None and emitting:
        r = b.row(("carbon", "cap"), 1, -math.inf, problem.carbon_cap)
        for cols, coef in emitting:
            b.coef(np.zeros(len(cols), dtype=np.int64) + r[0], cols, coef)
    return b.finish(dict(ports))


def _linked_storage(
    b: _Builder,
    problem: Problem,
    st: Storage,
    bus_rows: dict[str, IntArray],
    ports: dict[str, list[tuple[str, IntArray, FloatArray]]],
    big_w: FloatArray,
) -> None:
    """A storage over representative days, linked across the year's sequence of days
    (Kotzur et al. 2018, "Time series aggregation for energy system design: modeling
    seasonal storage"): within each representative day a level relative to its start
    (``level``), with its highest and lowest value; across the calendar days a start-of-day
    level ``soc_d`` that decays by the standing loss of a day and moves by the relative
    level its representative day ends with; ``0 <= soc_d + low_k`` and
    ``soc_d + high_k <= energy``; cyclic over the year."""
    assert problem.periods is not None
    per = problem.periods
    n, s_ = problem.steps, per.steps
    k = n // s_
    days = len(per.order)
    w = np.asarray(problem.weights, dtype=float)
    a = (1.0 - st.standing_loss) ** w
    if st.extend is None:
        ch = b.var((st.name, "charge"), n, 0.0, st.power)
        dis = b.var((st.name, "discharge"), n, 0.0, st.power)
        cap = None
    else:
        ch = b.var((st.name, "charge"), n, 0.0, math.inf)
        dis = b.var((st.name, "discharge"), n, 0.0, math.inf)
        cap = b.var((st.name, "capacity"), 1, st.extend.min, st.extend.max)
        hours = float(st.hours or 0.0)
        b.add_cost(st.name, "capex", cap, _capacity_annuity(st.extend, problem, hours))
        for what, col in (("charge", ch), ("discharge", dis)):
            r = b.row((st.name, f"{what}_max"), n, -math.inf, 0.0)
            b.coef(r, col, 1.0)
            b.coef(r, cap[0], -1.0)
    e = b.var((st.name, "level"), n, -math.inf, math.inf)  # relative to the day's start
    high = b.var((st.name, "day_high"), k, -math.inf, math.inf)
    low = b.var((st.name, "day_low"), k, -math.inf, math.inf)
    soc = b.var((st.name, "day_start"), days, 0.0, math.inf)
    r = b.row((st.name, "level"), n, 0.0, 0.0)
    b.coef(r, e, 1.0)
    first = np.arange(n) % s_ == 0
    b.coef(r[~first], e[np.flatnonzero(~first) - 1], -a[~first])
    b.coef(r, ch, -w * st.eta_charge)
    b.coef(r, dis, w / st.eta_discharge)
    day_of = np.arange(n) // s_
    r = b.row((st.name, "day_high"), n, -math.inf, 0.0)
    b.coef(r, e, 1.0)
    b.coef(r, high[day_of], -1.0)
    r = b.row((st.name, "day_low"), n, 0.0, math.inf)
    b.coef(r, e, 1.0)
    b.coef(r, low[day_of], -1.0)
    # soc_{d+1} = decay soc_d + end level of day d's representative (cyclic over the year)
    decay = (1.0 - st.standing_loss) ** per.day_hours
    ends = e[np.arange(k) * s_ + s_ - 1]
    r = b.row((st.name, "day_link"), days, 0.0, 0.0)
    nxt = np.roll(np.arange(days), -1)
    b.coef(r, soc[nxt], 1.0)
    b.coef(r, soc, -decay)
    b.coef(r, ends[per.order], -1.0)
    r = b.row((st.name, "day_floor"), days, 0.0, math.inf)
    b.coef(r, soc, 1.0)
    b.coef(r, low[per.order], 1.0)
    top = st.energy_capacity if cap is None else 0.0
    r = b.row((st.name, "day_ceiling"), days, -math.inf, top)
    b.coef(r, soc, 1.0)
    b.coef(r, high[per.order], 1.0)
    if cap is not None:
        b.coef(r, cap[0], -float(st.hours or 0.0))
    b.coef(bus_rows[st.bus], ch, -1.0)
    b.coef(bus_rows[st.bus], dis, 1.0)
    ports[st.name].append((st.bus, np.concatenate([ch, dis]),
                           np.concatenate([-np.ones(n), np.ones(n)])))  # fmt: skip
    b.add_cost(st.name, "storage", dis, big_w * st.discharge_cost)
