"""DCPARK-1 day-ahead tiers (benchmarks/dcpark1/, shared/reference/dispatch.md section 4).

Reference objectives were built independently in PyPSA, oemof-solph and Calliope (they agree
to 1e-13): D96-LP 214 774.4858 CNY, D96-UC 218 192.9470 CNY (MIP gap 0.5 %). The profiles are
the shared reference CSV files (seed 20250716 recipe), shipped in benchmarks/dcpark1/.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from greenpark.cli import cli
from greenpark.dispatch import SolveOptions, read_problem, solve

DCPARK1 = Path(__file__).parents[2] / "benchmarks" / "dcpark1"
D96_LP = 214_774.4858
D96_UC = 218_192.9470


@pytest.fixture(scope="module")
def lp():  # type: ignore[no-untyped-def]
    problem = read_problem(DCPARK1 / "d96_lp.toml")
    return problem, solve(problem)


def test_d96_lp_objective(lp) -> None:  # type: ignore[no-untyped-def]
    _, r = lp
    assert r.status == "optimal"
    assert r.objective == pytest.approx(D96_LP, rel=1e-6)
    # the breakdown is the whole objective
    assert sum(r.cost_by_kind().values()) == pytest.approx(r.objective, rel=1e-12)


def test_d96_lp_balances_and_chp_heat(lp) -> None:  # type: ignore[no-untyped-def]
    problem, r = lp
    for bus, v in r.balance().items():
        assert np.abs(v).max() < 1e-6, bus
    # recovered heat goes to the dump, the heat exchanger or the absorption chiller
    made = r.flows[("chp", "wh")]
    used = -(r.flows[("wh_dump", "wh")] + r.flows[("hx", "wh")] + r.flows[("abs", "wh")])
    np.testing.assert_allclose(made, used, atol=1e-6)
    # cyclic storage: the level recursion closes over the horizon
    bat = next(s for s in problem.storages if s.name == "battery")
    e = r.levels["battery"]
    w = problem.weights
    ch = -np.minimum(r.flows[("battery", "el")], 0)
    dis = np.maximum(r.flows[("battery", "el")], 0)
    a = (1 - bat.standing_loss) ** w
    expected = a * np.roll(e, 1) + w * (bat.eta_charge * ch - dis / bat.eta_discharge)
    np.testing.assert_allclose(e, expected, atol=1e-6)
    # the reference dispatch of section 4.7: engines burn 90 MWh of gas, export 3 MWh
    gas = -float(np.dot(w, r.flows[("chp", "gas")]))
    assert gas == pytest.approx(90.0, abs=0.5)


def test_d96_uc_objective_within_gap() -> None:
    problem = read_problem(DCPARK1 / "d96_uc.toml")
    r = solve(problem, SolveOptions(mip_gap=0.005))
    assert r.status == "optimal"
    assert r.objective == pytest.approx(D96_UC, rel=0.005)
    assert r.bound is not None and r.bound <= D96_UC * (1 + 1e-9)
    for name in ("chp1", "chp2"):
        on = r.status_on[name]
        p = -r.flows[(name, "gas")]
        # off, or at least 50 % of 5 MW_gas while on
        assert np.all((on == 0) & (np.abs(p) < 1e-6) | (on == 1) & (p >= 2.5 - 1e-6))
        # minimum up time 3 h = 12 quarter-hours
        starts = np.flatnonzero(np.diff(np.concatenate([[0], on])) == 1)
        for s in starts:
            assert on[s : s + 12].sum() == min(12, len(on) - s)


def test_cli_solve_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "res"
    r = CliRunner().invoke(cli, ["dispatch", "solve", str(DCPARK1 / "d96_lp.toml"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "optimal" in r.output and "214,774.4858 CNY" in r.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["objective"] == pytest.approx(D96_LP, rel=1e-6)
    header = (out / "flows.csv").read_text().splitlines()[0]
    assert "chp:wh" in header and "load_el:el" in header
    assert len((out / "flows.csv").read_text().splitlines()) == 97


def test_cli_infeasible_cap_exits_2(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli,
        ["dispatch", "solve", str(DCPARK1 / "d96_lp.toml"), "--carbon-cap", "1", "--json"],
    )
    assert r.exit_code == 2
    assert json.loads(r.output)["status"] == "infeasible"
