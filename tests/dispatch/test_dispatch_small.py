"""Tiny dispatch problems whose optimum is worked out by hand (greenpark.dispatch).

Each assertion carries its hand calculation. Units: MW, MWh, h, CNY, tCO2.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from greenpark.dispatch import (
    Bus,
    Commitment,
    Converter,
    Extend,
    Load,
    Problem,
    Result,
    Sink,
    SolveOptions,
    Source,
    Storage,
    annuity,
    solve,
)

REL = 1e-9


def _snaps(n: int, start: str = "2025-08-06T00:00", minutes: int = 60) -> np.ndarray:
    """``n`` step starts, ``minutes`` apart."""
    return np.datetime64(start, "s") + np.arange(n) * np.timedelta64(minutes * 60, "s")


def _arr(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)


def _approx(value: object) -> object:
    return pytest.approx(value, rel=REL, abs=1e-9)


def _optimal(problem: Problem, options: SolveOptions | None = None) -> Result:
    r = solve(problem, options)
    assert r.status == "optimal", r.message
    return r


def _kind(r: Result, kind: str) -> float:
    return r.cost_by_kind()[kind]


# ---------------------------------------------------------------- one bus, a grid, a load


def _grid_problem(n: int, minutes: int, price: object, load: np.ndarray) -> Problem:
    return Problem(
        "grid",
        snapshots=_snaps(n, minutes=minutes),
        weights=np.full(n, minutes / 60.0),
        buses=[Bus("el")],
        sources=[Source("grid", "el", price=price)],  # type: ignore[arg-type]
        loads=[Load("demand", "el", load)],
    )


def test_grid_load_hourly() -> None:
    r = _optimal(_grid_problem(3, 60, _arr(100.0, 200.0, 300.0), _arr(1.0, 2.0, 3.0)))
    # sum w price load = 1 x (100 x 1 + 200 x 2 + 300 x 3) = 100 + 400 + 900 = 1400
    assert r.objective == _approx(1400.0)
    # the grid covers the load exactly
    np.testing.assert_allclose(r.flows[("grid", "el")], [1.0, 2.0, 3.0], rtol=REL)
    np.testing.assert_allclose(r.flows[("demand", "el")], [-1.0, -2.0, -3.0], rtol=REL)
    assert r.cost_by_kind()["energy"] == _approx(1400.0)


def test_grid_load_quarter_hours() -> None:
    load = _arr(4.0, 8.0, 4.0, 8.0)
    price = _arr(400.0, 400.0, 200.0, 200.0)
    quarter = _optimal(_grid_problem(4, 15, price, load))
    # 0.25 h x (400 x 4 + 400 x 8 + 200 x 4 + 200 x 8) = 0.25 x 7200 = 1800
    assert quarter.objective == _approx(1800.0)
    hourly = _optimal(_grid_problem(4, 60, price, load))
    # the same steps an hour long cost four times as much: 7200
    assert hourly.objective == _approx(7200.0)
    assert hourly.objective == _approx(4.0 * quarter.objective)


# ---------------------------------------------------------------- storage


def _arbitrage() -> Problem:
    return Problem(
        "arbitrage",
        snapshots=_snaps(2),
        weights=np.ones(2),
        buses=[Bus("el")],
        sources=[Source("grid", "el", price=_arr(100.0, 300.0))],
        loads=[Load("demand", "el", 1.0)],
        storages=[Storage("bat", "el", power=1.0, energy=4.0, eta_charge=0.9, eta_discharge=0.9)],
    )


def test_time_of_use_arbitrage() -> None:
    r = _optimal(_arbitrage())
    # cyclic: e0 = e1 + 0.9 c0 and e1 = e0 - d1 / 0.9  =>  d1 = 0.81 c0.
    # Charging 1 MWh at 100 saves 0.81 x 300 = 243 > 100, so charge at full power c0 = 1
    # (power limit) and discharge d1 = 0.81 (< the 1 MW load, < 1 MW power).
    np.testing.assert_allclose(r.flows[("bat", "el")], [-1.0, 0.81], rtol=REL)
    # grid: step 0 load 1 + charge 1 = 2; step 1 load 1 - 0.81 = 0.19
    np.testing.assert_allclose(r.flows[("grid", "el")], [2.0, 0.19], rtol=REL)
    # 100 x 2 + 300 x 0.19 = 200 + 57 = 257 (without the battery: 100 + 300 = 400)
    assert r.objective == _approx(257.0)
    # the level rises by eta_c x c0 = 0.9 in step 0 and falls by d1 / eta_d = 0.9 in step 1
    e = r.levels["bat"]
    assert e[0] - e[1] == pytest.approx(0.9, rel=1e-9)


def test_standing_loss_non_cyclic_initial_level() -> None:
    p = Problem(
        "loss",
        snapshots=_snaps(2, minutes=120),
        weights=_arr(2.0, 2.0),
        buses=[Bus("el")],
        sources=[Source("grid", "el", price=1000.0)],
        loads=[Load("demand", "el", _arr(0.0, 2.0))],
        storages=[
            Storage(
                "bat",
                "el",
                power=5.0,
                energy=10.0,
                eta_charge=1.0,
                eta_discharge=0.9,
                standing_loss=0.1,
                cyclic=False,
                initial=0.5,
            )
        ],
    )
    r = _optimal(p)
    # e_{-1} = 0.5 x 10 = 5 MWh; a = (1 - 0.1)^2 = 0.81 per 2-h step.
    # step 0 (no load, energy only costs): e0 = 0.81 x 5 = 4.05
    # step 1: e1 = 0.81 x 4.05 - 2 x d1 / 0.9 >= 0  =>  d1 <= 3.2805 x 0.9 / 2 = 1.476225 MW
    np.testing.assert_allclose(r.levels["bat"], [4.05, 0.0], rtol=REL, atol=1e-9)
    np.testing.assert_allclose(r.flows[("bat", "el")], [0.0, 1.476225], rtol=REL, atol=1e-9)
    # grid in step 1: 2 - 1.476225 = 0.523775 MW for 2 h at 1000 = 1047.55
    np.testing.assert_allclose(r.flows[("grid", "el")], [0.0, 0.523775], rtol=REL, atol=1e-9)
    assert r.objective == _approx(1047.55)


# ---------------------------------------------------------------- CHP, dump, reference port


def _chp(ref: str = "gas", dump: bool = True, el_load: np.ndarray | None = None) -> Problem:
    if ref == "gas":  # 1 MWh of gas -> 0.4 el + 0.45 heat; 10 MW of gas
        chp = Converter("chp", {"gas": 1.0}, {"el": 0.4, "heat": 0.45}, ref="gas", capacity=10.0)
    else:  # the same unit rated on its electricity: 4 MW el, 2.5 gas and 1.125 heat per MWh el
        chp = Converter("chp", {"gas": 2.5}, {"el": 1.0, "heat": 1.125}, ref="el", capacity=4.0)
    sources = [Source("gas_supply", "gas", price=50.0)]
    if el_load is not None:
        sources.append(Source("grid", "el", price=1000.0))
    return Problem(
        "chp",
        snapshots=_snaps(2),
        weights=np.ones(2),
        buses=[Bus("el"), Bus("heat"), Bus("gas")],
        sources=sources,
        sinks=[Sink("dump", "heat")] if dump else [],
        loads=[
            Load("load_el", "el", _arr(4.0, 2.0) if el_load is None else el_load),
            Load("load_heat", "heat", _arr(2.0, 1.0)),
        ],
        converters=[chp],
    )


def test_chp_without_dump_is_infeasible() -> None:
    # the electricity load (4, 2 MW) can only come from the CHP: gas 10, 5 MW, whose heat
    # 4.5, 2.25 MW exceeds the heat load 2, 1 MW, and nothing can take the surplus
    r = solve(_chp(dump=False))
    assert r.status == "infeasible"
    assert r.objective is None
    assert r.flows == {}


def test_chp_with_dump() -> None:
    r = _optimal(_chp())
    # gas = el / 0.4 = 10, 5 MW; heat = 0.45 x gas = 4.5, 2.25 MW
    np.testing.assert_allclose(r.flows[("chp", "gas")], [-10.0, -5.0], rtol=REL)
    np.testing.assert_allclose(r.flows[("chp", "heat")], [4.5, 2.25], rtol=REL)
    # dump = heat - heat load = 2.5, 1.25 MW
    np.testing.assert_allclose(r.flows[("dump", "heat")], [-2.5, -1.25], rtol=REL)
    # every step: CHP heat = dump + heat load
    np.testing.assert_allclose(
        r.flows[("chp", "heat")],
        -(r.flows[("dump", "heat")] + r.flows[("load_heat", "heat")]),
        rtol=REL,
    )
    # 50 x (10 + 5) = 750
    assert r.objective == _approx(750.0)


def test_reference_port_on_output_gives_same_flows() -> None:
    # el load 5, 2 MW: the CHP (4 MW el) runs flat out in step 0 (gas 2.5 x 50 = 125 per
    # MWh el < grid 1000) and the grid makes up 1 MW; step 1: CHP 2 MW el
    load = _arr(5.0, 2.0)
    on_input = _optimal(_chp("gas", el_load=load))
    on_output = _optimal(_chp("el", el_load=load))
    assert set(on_input.flows) == set(on_output.flows)
    for key, v in on_input.flows.items():
        np.testing.assert_allclose(on_output.flows[key], v, rtol=REL, atol=1e-9, err_msg=key)
    np.testing.assert_allclose(on_input.flows[("chp", "el")], [4.0, 2.0], rtol=REL)
    np.testing.assert_allclose(on_input.flows[("chp", "gas")], [-10.0, -5.0], rtol=REL)
    np.testing.assert_allclose(on_input.flows[("grid", "el")], [1.0, 0.0], atol=1e-9)
    # 50 x (10 + 5) + 1000 x 1 = 1750
    assert on_input.objective == _approx(1750.0)
    assert on_output.objective == _approx(1750.0)


# ---------------------------------------------------------------- carbon


def test_carbon_price() -> None:
    p = Problem(
        "carbon",
        snapshots=_snaps(3),
        weights=np.ones(3),
        buses=[Bus("el")],
        sources=[Source("grid", "el", price=100.0, emission=0.5)],
        loads=[Load("demand", "el", 2.0)],
        carbon_price=200.0,
    )
    r = _optimal(p)
    # 2 MW x 3 h = 6 MWh: energy 100 x 6 = 600; carbon 200 x 0.5 x 6 = 600
    assert _kind(r, "energy") == _approx(600.0)
    assert _kind(r, "carbon") == _approx(600.0)
    assert r.objective == _approx(1200.0)
    # 0.5 t/MWh x 6 MWh = 3 t
    assert r.emissions == _approx(3.0)


def test_binding_carbon_cap() -> None:
    def problem(cap: float | None) -> Problem:
        return Problem(
            "cap",
            snapshots=_snaps(2),
            weights=np.ones(2),
            buses=[Bus("el")],
            sources=[
                Source("dirty", "el", price=100.0, emission=1.0),
                Source("clean", "el", price=150.0),
            ],
            loads=[Load("demand", "el", 4.0)],
            carbon_cap=cap,
        )

    free = _optimal(problem(None))
    # uncapped: all 8 MWh from the cheaper dirty source: 800, 8 t
    assert free.objective == _approx(800.0)
    assert free.emissions == _approx(8.0)
    capped = _optimal(problem(5.0))
    # cap 5 t at 1 t/MWh: dirty 5 MWh (500), clean 3 MWh (450) -> 950
    assert capped.objective == _approx(950.0)
    assert capped.emissions == _approx(5.0)
    assert float(np.sum(capped.flows[("dirty", "el")])) == _approx(5.0)
    assert float(np.sum(capped.flows[("clean", "el")])) == _approx(3.0)


# ---------------------------------------------------------------- demand charge


def test_demand_charge_per_month() -> None:
    p = Problem(
        "demand",
        snapshots=_snaps(4, start="2025-01-31T22:00"),  # 22:00, 23:00 Jan; 00:00, 01:00 Feb
        weights=np.ones(4),
        buses=[Bus("el")],
        sources=[Source("grid", "el", price=10.0, demand_charge=1000.0)],
        loads=[Load("demand", "el", _arr(3.0, 5.0, 2.0, 4.0))],
    )
    r = _optimal(p)
    # January peak 5 MW, February peak 4 MW: 1000 x (5 + 4) = 9000
    assert _kind(r, "demand") == _approx(9000.0)
    # energy: 10 x (3 + 5 + 2 + 4) = 140
    assert _kind(r, "energy") == _approx(140.0)
    assert r.objective == _approx(9140.0)


# ---------------------------------------------------------------- export


def test_export_from_pv_bus_only() -> None:
    p = Problem(
        "export",
        snapshots=_snaps(3),
        weights=np.ones(3),
        buses=[Bus("el"), Bus("pv")],
        sources=[
            Source("grid", "el", price=300.0),
            Source("pv", "pv", capacity=5.0, availability=_arr(0.0, 1.0, 0.5)),
        ],
        sinks=[Sink("export", "pv", capacity=3.0, price=-400.0)],
        loads=[Load("demand", "el", 2.0)],
        converters=[Converter("pv_to_el", {"pv": 1.0}, {"el": 1.0}, ref="pv")],
    )
    r = _optimal(p)
    # exporting earns 400 per MWh, using PV saves 300: export first (at most 3 MW).
    # PV 0, 5, 2.5 MW -> export 0, 3, 2.5; PV to el 0, 2, 0; grid 2, 0, 2
    np.testing.assert_allclose(r.flows[("export", "pv")], [0.0, -3.0, -2.5], atol=1e-9)
    np.testing.assert_allclose(r.flows[("pv_to_el", "el")], [0.0, 2.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(r.flows[("grid", "el")], [2.0, 0.0, 2.0], atol=1e-9)
    # export revenue -400 x 5.5 = -2200; grid 300 x 4 = 1200; total -1000
    assert _kind(r, "export") == _approx(-2200.0)
    assert _kind(r, "energy") == _approx(1200.0)
    assert ("export", "export", pytest.approx(-2200.0, rel=REL)) in r.costs
    assert r.objective == _approx(-1000.0)


# ---------------------------------------------------------------- unit commitment

#: Branch and bound to optimality with tight integrality: at the defaults (gap 1e-4,
#: mip_feasibility_tolerance 1e-6) HiGHS may leave a status of ~1e-9 that lets an "off"
#: engine make ~1e-8 MW, which is outside rel=1e-9 of the hand-worked objective.
UC = SolveOptions(mip_gap=0.0, extra={"mip_feasibility_tolerance": 1e-10})


def _uc(
    load: np.ndarray,
    commitment: Commitment,
    dump_price: float | None = None,
    weight: float = 1.0,
    offsets: dict[str, float] | None = None,
    gas_ratio: float = 1.0,
) -> Problem:
    """A 10 MW gas engine (gas at 10 per MWh, ratio 1 unless told) beside a 100 per MWh
    grid, optionally with a costly electricity dump."""
    n = len(load)
    return Problem(
        "uc",
        snapshots=_snaps(n, minutes=int(weight * 60)),
        weights=np.full(n, weight),
        buses=[Bus("el"), Bus("gas")],
        sources=[Source("grid", "el", price=100.0), Source("gas_supply", "gas", price=10.0)],
        sinks=[] if dump_price is None else [Sink("dump", "el", price=dump_price)],
        loads=[Load("demand", "el", load)],
        converters=[
            Converter(
                "engine",
                {"gas": gas_ratio},
                {"el": 1.0},
                ref="el",
                capacity=10.0,
                offsets=offsets or {},
                commitment=commitment,
            )
        ],
    )


def test_min_load_zero_or_above() -> None:
    r = _optimal(_uc(_arr(2.0, 8.0), Commitment(min_load=0.5)), UC)
    # step 0: the engine runs 0 or >= 5 MW; 5 MW would exceed the 2 MW load (no dump), so off:
    # grid 2 x 100 = 200. step 1: engine 8 MW at 10 = 80. total 280
    np.testing.assert_array_equal(r.status_on["engine"], [0.0, 1.0])
    np.testing.assert_allclose(r.flows[("engine", "el")], [0.0, 8.0], atol=1e-9)
    assert r.objective == _approx(280.0)
    x = r.flows[("engine", "el")]
    assert np.all((np.abs(x) < 1e-9) | (x >= 5.0 - 1e-9))


def test_start_cost_once_per_start() -> None:
    r = _optimal(_uc(_arr(5.0, 0.0, 5.0, 5.0), Commitment(min_load=0.5, start_cost=30.0)), UC)
    # the empty step forces a stop (5 MW minimum, no dump); starts at steps 0 and 2 only
    np.testing.assert_array_equal(r.status_on["engine"], [1.0, 0.0, 1.0, 1.0])
    # start-up 2 x 30 = 60; gas 3 x 5 x 10 = 150 (grid instead: 500 a step)
    assert _kind(r, "start_up") == _approx(60.0)
    assert r.objective == _approx(210.0)


def test_min_up_time_keeps_unit_on() -> None:
    load = _arr(8.0, 2.0, 2.0, 2.0)
    # on at 5 MW with 2 MW load: gas 50 + dump 3 x 100 = 350 a step, grid instead: 200
    free = _optimal(_uc(load, Commitment(min_load=0.5), dump_price=100.0), UC)
    # engine 8 MW in step 0 (80), then grid 3 x 200 = 600 -> 680
    np.testing.assert_array_equal(free.status_on["engine"], [1.0, 0.0, 0.0, 0.0])
    assert free.objective == _approx(680.0)
    held = _optimal(_uc(load, Commitment(min_load=0.5, min_up=3.0), dump_price=100.0), UC)
    # started at 0 it stays on 3 steps: 80 + 2 x 350 + 200 = 980 (never on: 800 + 600 = 1400)
    np.testing.assert_array_equal(held.status_on["engine"], [1.0, 1.0, 1.0, 0.0])
    assert held.objective == _approx(980.0)


def test_min_down_time_keeps_unit_off() -> None:
    load = _arr(9.0, 1.0, 8.0, 8.0)
    # on at 5 MW with 1 MW load: 50 + 4 x 1000 dump = 4050; off: grid 100
    free = _optimal(_uc(load, Commitment(min_load=0.5), dump_price=1000.0), UC)
    # 90 + 100 + 80 + 80 = 350, a stop of one step
    np.testing.assert_array_equal(free.status_on["engine"], [1.0, 0.0, 1.0, 1.0])
    assert free.objective == _approx(350.0)
    held = _optimal(_uc(load, Commitment(min_load=0.5, min_down=2.0), dump_price=1000.0), UC)
    # a stop lasts 2 steps: on, off, off, on = 90 + 100 + 800 + 80 = 1070
    # (off, off, on, on = 900 + 100 + 160 = 1160; always on = 90 + 4050 + 160 = 4300)
    np.testing.assert_array_equal(held.status_on["engine"], [1.0, 0.0, 0.0, 1.0])
    assert held.objective == _approx(1070.0)


def test_initial_status_on_saves_the_start() -> None:
    load = _arr(5.0, 5.0)
    cold = _optimal(_uc(load, Commitment(start_cost=100.0)), UC)
    # gas 2 x 5 x 10 = 100, plus one start 100 = 200
    assert cold.objective == _approx(200.0)
    assert _kind(cold, "start_up") == _approx(100.0)
    warm = _optimal(_uc(load, Commitment(start_cost=100.0, initial_status=1)), UC)
    # already on: gas 100 only
    assert warm.objective == _approx(100.0)
    assert _kind(warm, "start_up") == _approx(0.0)


def test_initial_status_on_with_min_down() -> None:
    # on before the horizon; a stop in step 0 keeps the engine off for 2 steps (min_down 2 h)
    load = _arr(0.0, 8.0, 8.0)
    r = _optimal(_uc(load, Commitment(min_load=0.5, min_down=2.0, initial_status=1)), UC)
    # step 0 empty -> off (no dump); so off in step 1 too: grid 800; step 2 engine 80 -> 880
    np.testing.assert_array_equal(r.status_on["engine"], [0.0, 0.0, 1.0])
    assert r.objective == _approx(880.0)


def test_no_load_cost_per_hour() -> None:
    r = _optimal(_uc(_arr(4.0, 4.0), Commitment(no_load_cost=40.0), weight=0.5), UC)
    # on for 2 steps of 0.5 h: 40 x 0.5 x 2 = 40; gas 10 x 4 x 0.5 x 2 = 40
    assert _kind(r, "no_load") == _approx(40.0)
    assert _kind(r, "energy") == _approx(40.0)
    assert r.objective == _approx(80.0)


def test_part_load_offset() -> None:
    # gas = 2 x el + 0.5 x 10 MW x u (an offset line: 5 MW of gas just to run)
    p = _uc(
        _arr(4.0, 10.0),
        Commitment(min_load=0.2),
        offsets={"gas": 0.5},
        gas_ratio=2.0,
    )
    p.sources[0] = Source("grid", "el", price=1000.0)
    r = _optimal(p, UC)
    # gas 2 x 4 + 5 = 13 and 2 x 10 + 5 = 25 MW; 10 x 38 = 380 (grid: 1000 per MWh)
    np.testing.assert_allclose(r.flows[("engine", "gas")], [-13.0, -25.0], rtol=REL)
    np.testing.assert_allclose(r.flows[("engine", "el")], [4.0, 10.0], rtol=REL)
    assert r.objective == _approx(380.0)


def test_min_up_longer_than_horizon() -> None:
    load = _arr(8.0, 2.0, 2.0, 2.0)
    r = _optimal(_uc(load, Commitment(min_load=0.5, min_up=8.0), dump_price=100.0), UC)
    # started at 0 it stays on to the end: 80 + 3 x 350 = 1130 (never on: 1400)
    np.testing.assert_array_equal(r.status_on["engine"], [1.0, 1.0, 1.0, 1.0])
    assert r.objective == _approx(1130.0)


def test_ramp_up_limits_a_running_unit() -> None:
    p = _uc(_arr(6.0, 10.0), Commitment(initial_status=1, ramp_up=0.2))
    p.sources[0] = Source("grid", "el", price=1000.0)
    r = _optimal(p, UC)
    # 0.2 /h x 10 MW = 2 MW/h. Staying on: engine 6 (the load, no dump), then at most 8,
    # grid 2 MW in step 1: 10 x (6 + 8) + 1000 x 2 = 2140. A real stop in step 0 and a
    # (free) start in step 1 that may jump to 10 MW: 1000 x 6 + 10 x 10 = 6100, dearer.
    # The model returns engine [6, 10] and 160: a "start" while the unit stays on.
    np.testing.assert_array_equal(r.status_on["engine"], [1.0, 1.0])
    np.testing.assert_allclose(r.flows[("engine", "el")], [6.0, 8.0], rtol=REL)
    assert r.objective == _approx(2140.0)


# ---------------------------------------------------------------- sizing


def test_crf() -> None:
    # CRF(6 %, 20 a) = 0.06 x 1.06^20 / (1.06^20 - 1) = 0.0871846
    assert annuity(1.0, 20, 0.06) == pytest.approx(0.0871846, abs=5e-8)
    assert annuity(1000.0, 20, 0.06, fom=0.02) == pytest.approx(87.1846 + 20.0, abs=1e-4)
    assert annuity(1000.0, 20, 0.0) == _approx(50.0)  # 1/n


def test_sizing_source() -> None:
    p = Problem(
        "size",
        snapshots=_snaps(2, minutes=720),
        weights=_arr(12.0, 12.0),
        buses=[Bus("el")],
        sources=[
            Source("grid", "el", price=100.0),
            Source("own", "el", extend=Extend(capex=1e6, lifetime=20)),
        ],
        loads=[Load("demand", "el", 2.0)],
    )
    r = _optimal(p, SolveOptions(method="simplex"))
    # 1 MW costs 1e6 x CRF(6 %, 20 a) x 24 h / 8760 h = 87184.56 x 24 / 8760 = 238.86 over the
    # horizon and saves 100 x 24 = 2400: build the whole 2 MW load, buy nothing
    per_mw = annuity(1e6, 20, 0.06) * 24.0 / 8760.0
    assert per_mw == pytest.approx(238.86, abs=0.01)
    assert r.capacities["own"] == _approx(2.0)
    assert _kind(r, "capex") == _approx(2.0 * per_mw)
    assert r.objective == _approx(2.0 * per_mw)


def test_sizing_source_default_method() -> None:
    # the same with the default (interior point, no crossover): a looser tolerance
    p = Problem(
        "size",
        snapshots=_snaps(2, minutes=720),
        weights=_arr(12.0, 12.0),
        buses=[Bus("el")],
        sources=[
            Source("grid", "el", price=100.0),
            Source("own", "el", extend=Extend(capex=1e6, lifetime=20)),
        ],
        loads=[Load("demand", "el", 2.0)],
    )
    r = _optimal(p)
    assert r.capacities["own"] == pytest.approx(2.0, rel=1e-6)
    assert r.objective == pytest.approx(2.0 * annuity(1e6, 20, 0.06) * 24.0 / 8760.0, rel=1e-6)


def test_sizing_storage_with_energy_capex() -> None:
    p = Problem(
        "size storage",
        snapshots=_snaps(2),
        weights=np.ones(2),
        buses=[Bus("el")],
        sources=[Source("grid", "el", price=_arr(100.0, 1000.0))],
        loads=[Load("demand", "el", 1.0)],
        storages=[
            Storage(
                "bat",
                "el",
                hours=4.0,
                extend=Extend(capex=1e5, capex_energy=5e4, lifetime=10, rate=0.05, max=0.5),
            )
        ],
    )
    r = _optimal(p, SolveOptions(method="simplex"))
    # per MW: (1e5 + 4 h x 5e4) = 3e5 x CRF(5 %, 10 a) = 38851.37 per year, x 2 h / 8760 h
    # = 8.87 over the horizon; a MW shifted from 100 to 1000 saves 900: build the 0.5 MW max
    per_mw = annuity(3e5, 10, 0.05) * 2.0 / 8760.0
    assert per_mw == pytest.approx(8.870, abs=1e-3)
    assert r.capacities["bat"] == _approx(0.5)
    # charge 0.5 at 100, discharge 0.5 at 1000 (eta 1): grid 1.5 x 100 + 0.5 x 1000 = 650
    np.testing.assert_allclose(r.flows[("bat", "el")], [-0.5, 0.5], rtol=REL)
    assert _kind(r, "capex") == _approx(0.5 * per_mw)
    assert r.objective == _approx(650.0 + 0.5 * per_mw)


# ---------------------------------------------------------------- duals


@pytest.mark.parametrize("hours", [1.0, 0.5])
def test_duals_are_marginal_prices(hours: float) -> None:
    p = Problem(
        "duals",
        snapshots=_snaps(2, minutes=int(hours * 60)),
        weights=np.full(2, hours),
        buses=[Bus("el")],
        sources=[
            Source("cheap", "el", capacity=5.0, price=100.0),
            Source("dear", "el", price=300.0),
        ],
        loads=[Load("demand", "el", _arr(3.0, 8.0))],
    )
    r = _optimal(p, SolveOptions(duals=True))
    # step 0: 3 MW < 5 MW, the cheap source is marginal: 100 per MWh;
    # step 1: 8 MW > 5 MW, the dear source is marginal: 300 per MWh (whatever the step length)
    assert r.prices is not None
    np.testing.assert_allclose(r.prices["el"], [100.0, 300.0], rtol=REL)
    # 100 x 3 + 100 x 5 + 300 x 3 = 1700 per hour of step
    assert r.objective == _approx(1700.0 * hours)


def test_no_duals_unless_asked() -> None:
    r = _optimal(_grid_problem(2, 60, 100.0, _arr(1.0, 1.0)))
    assert r.prices is None


# ---------------------------------------------------------------- breakdown and balance


_PROBLEMS: dict[str, Callable[[], Problem]] = {
    "grid": lambda: _grid_problem(3, 15, _arr(100.0, 200.0, 300.0), _arr(1.0, 2.0, 3.0)),
    "arbitrage": _arbitrage,
    "chp": lambda: _chp(el_load=_arr(5.0, 2.0)),
    "chp_ref_el": lambda: _chp("el", el_load=_arr(5.0, 2.0)),
    "uc_offsets": lambda: _uc(
        _arr(4.0, 10.0, 0.0),
        Commitment(min_load=0.2, start_cost=30.0, no_load_cost=5.0),
        offsets={"gas": 0.5},
        gas_ratio=2.0,
    ),
    "uc_dump": lambda: _uc(
        _arr(8.0, 2.0, 2.0, 2.0), Commitment(min_load=0.5, min_up=3.0), dump_price=100.0
    ),
}


@pytest.mark.parametrize("name", sorted(_PROBLEMS))
def test_breakdown_sums_to_objective_and_buses_balance(name: str) -> None:
    problem = _PROBLEMS[name]()
    r = _optimal(problem)
    assert r.objective is not None
    assert sum(r.cost_by_kind().values()) == pytest.approx(r.objective, rel=1e-12, abs=1e-9)
    assert math.fsum(c for _, _, c in r.costs) == pytest.approx(r.objective, rel=1e-12, abs=1e-9)
    balance = r.balance()
    assert set(balance) == {b.name for b in problem.buses}
    for bus, v in balance.items():
        assert np.abs(v).max() < 1e-7, bus
