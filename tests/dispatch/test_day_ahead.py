"""Day-ahead dispatch of the demo park's station from the store (35 days of demo data)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from greenpark.cli import cli
from greenpark.config import Settings
from greenpark.demo.build import build_demo
from greenpark.dispatch.service import day_ahead
from greenpark.standards.energy import fuel_emission_factor
from greenpark.store import Store
from greenpark.store.schema import DispatchRun


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('da') / 'demo.db'}"
    store = Store(url)
    store.migrate()
    build_demo(store, days=35)
    store.dispose()
    return url


def test_day_ahead_schedule_and_baseline(demo: str) -> None:
    store = Store(demo)
    run = day_ahead(store, Settings(database_url=demo), who="test")
    assert run.day == dt.date(2025, 2, 5)  # the day after the newest data
    assert run.optimised.status == "optimal" and run.baseline.status == "optimal"
    for bus, v in run.optimised.balance().items():
        assert np.abs(v).max() < 1e-6, bus
    t = run.totals
    # CO2 = grid [MWh] x the ledger's Guizhou factor (2022's, 0.4989, for 2025) + gas [m³]
    # x 2.162 kgCO2/m³ (NCV 38 931 kJ/m³ x 15.3 tC/TJ x 0.99 x 44/12)
    gas_t = fuel_emission_factor("natural_gas").value
    assert t["tco2"] == pytest.approx(t["grid_kwh"] / 1000 * 0.4989 + t["gas_m3"] * gas_t)
    # standard coal: 0.1229 kgce/kWh and 1.2143 kgce/m³ (GB/T 2589 Appendix A)
    assert t["tce"] == pytest.approx((t["grid_kwh"] * 0.1229 + t["gas_m3"] * 1.2143) / 1000)
    # the baseline runs no storage and its engines heat-led
    assert not run.baseline.levels
    with store.read() as conn:
        rec = conn.execute(select(DispatchRun).where(DispatchRun.id == run.run_id)).one()
    assert rec.id == run.run_id and rec.created_by == "test" and rec.day == run.day
    assert len(rec.schedule["times"]) == 96
    # the schedule of a day not metered yet is the ledger's projected figure
    from greenpark.ledger.service import load_book

    with store.read() as conn:
        projected = load_book(conn, 2025)[1].summary["projected"]
    assert projected["days"] == ["2025-02-05"]
    assert projected["tco2"] == pytest.approx(t["tco2"])
    assert rec.schedule["flows"]["grid_import:el"][0] == pytest.approx(
        run.optimised.flows[("grid_import", "el")][0], abs=1e-4
    )
    store.dispose()


def test_cli_day_ahead_json(demo: str) -> None:
    r = CliRunner().invoke(
        cli,
        ["--database", demo, "dispatch", "day-ahead", "--day", "2025-02-03", "--json",
         "--no-commitment"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["status"] == "optimal" and data["day"] == "2025-02-03"
    assert data["optimised"]["cost"] > 0 and data["baseline"]["cost"] > 0
    assert data["forecast"]["el"]["days"] >= 3  # same-type days averaged


def test_too_little_history_is_named(demo: str) -> None:
    r = CliRunner().invoke(
        cli, ["--database", demo, "dispatch", "day-ahead", "--day", "2025-01-02"]
    )
    assert r.exit_code != 0
    assert "el" in str(r.exception) + r.output
