"""The Energy station page ``/energy-station`` ↔ ``/api/energy-station`` and the day-ahead
run ``POST /api/energy-station/day-ahead``, on the demo park (35 days of data) after a
day-ahead run of the day after its data (2025-02-05).

The schedule is recorded with its flows rounded to 1e-4 MW (``greenpark.dispatch.service``),
so a bus of the recorded schedule balances to within that rounding; the page's series are
the recorded flows themselves (checked exactly), stacked so that they add up to the load.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from web_auth import add_user, csrf, make_app, make_settings, session_client

from greenpark.auth import Role, create_token
from greenpark.demo.build import build_demo
from greenpark.dispatch.service import DayAhead, day_ahead
from greenpark.store import Store
from greenpark.store import auth as auth_db
from greenpark.store.dispatch import list_runs
from greenpark.store.ledger import shown_park
from greenpark.store.schema import DispatchRun, Enterprise
from greenpark.web.security import CSRF_HEADER

DAY = dt.date(2025, 2, 5)
#: Steps of a day-ahead schedule (quarter-hours).
STEPS = 96
#: Rounding of the recorded flows [MW].
ROUNDING = 1e-4


@dataclass
class Demo:
    """The demo store after a day-ahead run, its file, the run and a user per role."""

    store: Store
    path: Path
    run: DayAhead
    app: FastAPI
    users: dict[Role, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    path = tmp_path_factory.mktemp("station") / "demo.db"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    build_demo(store, days=35)
    run = day_ahead(store, make_settings(store), who="test")
    assert run.day == DAY and run.run_id is not None
    with store.read() as conn:
        code = conn.execute(select(Enterprise.credit_code).order_by(Enterprise.id)).scalar()
    users = {role: f"station-{role.value}" for role in Role}
    for role, name in users.items():
        add_user(store, name, role.value, enterprises=(code,) if role is Role.ENTERPRISE else ())
    yield Demo(store, path, run, make_app(store), users)
    store.dispose()


def client(demo: Demo, role: Role) -> TestClient:
    """A client logged in as ``role`` (session and CSRF cookies)."""
    return session_client(demo.app, demo.store, demo.users[role])


@pytest.fixture(scope="module")
def data(demo: Demo) -> dict:
    response = client(demo, Role.ANALYST).get("/api/energy-station")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _kpi(data: dict, quantity: str) -> dict:
    (kpi,) = [k for k in data["run"]["kpis"] if k["quantity"] == quantity]
    return kpi  # type: ignore[no-any-return]


def _bus(data: dict, bus: str) -> dict:
    (found,) = [b for b in data["run"]["buses"] if b["bus"] == bus]
    return found  # type: ignore[no-any-return]


def test_the_newest_run_is_shown(demo: Demo, data: dict) -> None:
    assert data["park"]["code"] == demo.run.park.code
    assert data["day"] == str(DAY) and data["days"][0] == str(DAY)
    run = data["run"]
    assert run["id"] == demo.run.run_id  # the test's run is newer than the demo's of the day
    assert run["status"] == "optimal" and run["created_by"] == "test"
    assert run["times"][0] == "2025-02-05T00:00:00+08:00"
    assert run["step_hours"] == 0.25


def test_page_and_json_agree_on_the_figures(demo: Demo, data: dict) -> None:
    t = demo.run.totals
    for quantity in ("cost", "tco2", "grid_kwh", "gas_m3", "tce"):
        kpi = _kpi(data, quantity)
        assert kpi["optimised"] == pytest.approx(t[quantity], rel=1e-12), quantity
        assert kpi["change"] == pytest.approx(
            (t[quantity] - t[f"baseline_{quantity}"]) / t[f"baseline_{quantity}"], rel=1e-3
        )
    # cost and CO2 of the baseline are recorded; grid, gas and coal are from its schedule
    assert _kpi(data, "cost")["baseline"] == pytest.approx(t["baseline_cost"], rel=1e-12)
    assert _kpi(data, "tco2")["baseline"] == pytest.approx(t["baseline_tco2"], rel=1e-12)
    for quantity in ("grid_kwh", "gas_m3", "tce"):
        assert _kpi(data, quantity)["baseline"] == pytest.approx(
            t[f"baseline_{quantity}"], rel=1e-5
        )
    response = client(demo, Role.ANALYST).get("/energy-station")
    assert response.status_code == 200
    page = response.text
    shown = re.search(r'id="kpi-cost" data-value="([^"]+)"', page)
    assert shown is not None and float(shown.group(1)) == _kpi(data, "cost")["optimised"]
    assert "Energy station" in page and f"run #{demo.run.run_id}" in page
    assert 'href="/api/energy-station?day=2025-02-05"' in page  # the JSON link
    for canvas in ("el", "heat", "cold", "levels", "engines", "costs"):
        assert f'<canvas id="chart-{canvas}"' in page, canvas
    for table in ("table-el", "table-heat", "table-cold", "table-levels", "engines", "costs"):
        assert f'id="{table}"' in page, table  # the charts' numbers, for screen readers
    assert 'id="station-data"' in page and "energy_station.js" in page
    assert "tou_tariff.csv" in page  # the notes


def test_every_series_has_every_step(data: dict) -> None:
    run = data["run"]
    assert len(run["times"]) == STEPS and len(run["price"]) == STEPS
    assert [b["bus"] for b in run["buses"]] == ["el", "heat", "cold"]
    for bus in run["buses"]:
        assert len(bus["load"]) == STEPS, bus["bus"]
        for s in bus["series"]:
            assert len(s["values"]) == STEPS, s["key"]
    assert run["levels"] and all(len(lv["values"]) == STEPS for lv in run["levels"])
    assert run["engines"] and all(len(e["on"]) == STEPS for e in run["engines"])


def test_the_charts_take_every_flow_of_their_bus(demo: Demo, data: dict) -> None:
    with demo.store.read() as conn:
        park = shown_park(conn)
        assert park is not None
        (recorded,) = [r for r in list_runs(conn, park.id) if r["id"] == demo.run.run_id]
    flows = recorded["schedule"]["flows"]
    for bus, load in (("el", "el_load"), ("heat", "heat_load"), ("cold", "cool_load")):
        chart = _bus(data, bus)
        stacked = np.sum([s["values"] for s in chart["series"]], axis=0)
        supplies = np.sum(
            [v for k, v in flows.items() if k.endswith(f":{bus}") and not k.startswith(load)],
            axis=0,
        )
        # the chart is the recorded flows, every one of them, storage split in two
        np.testing.assert_allclose(stacked, supplies, rtol=0, atol=1e-9)
        np.testing.assert_allclose(chart["load"], -np.asarray(flows[f"{load}:{bus}"]), atol=0)
        keys = {s["key"] for s in chart["series"]}
        assert keys == {k for k in flows if k.endswith(f":{bus}")} - {f"{load}:{bus}"}


def test_the_electricity_chart_adds_up_to_the_load(demo: Demo, data: dict) -> None:
    chart = _bus(data, "el")
    stacked = np.sum([s["values"] for s in chart["series"]], axis=0)
    # the load of the chart is the forecast the run optimised against
    np.testing.assert_allclose(chart["load"], demo.run.forecast.el, rtol=0, atol=ROUNDING / 2)
    # supplies minus chillers and charge = load, to the recorded flows' rounding
    flows_on_bus = sum(1 for k in demo.run.optimised.flows if k[1] == "el")
    np.testing.assert_allclose(stacked, chart["load"], rtol=0, atol=flows_on_bus * ROUNDING / 2)
    # and without the rounding, the optimised flows balance to the solver's tolerance
    unrounded = sum(v for k, v in demo.run.optimised.flows.items() if k[1] == "el")
    assert np.abs(unrounded).max() < 1e-6
    roles = {(s["role"], s["part"]) for s in chart["series"]}
    assert {("grid_import", "supply"), ("gas_engine", "supply"), ("pv", "supply"),
            ("battery", "discharge"), ("battery", "charge"),
            ("electric_chiller", "use")} <= roles  # fmt: skip
    assert all(min(s["values"]) >= 0 for s in chart["series"] if s["part"] == "supply")
    assert all(max(s["values"]) <= 0 for s in chart["series"] if s["part"] in ("use", "charge"))
    np.testing.assert_allclose(data["run"]["price"], demo.run.prices.electricity, atol=0.005)
    heat = {s["role"] for s in _bus(data, "heat")["series"]}
    assert heat == {"recovered_heat", "boiler", "thermal_storage"}
    cold = {s["role"] for s in _bus(data, "cold")["series"]}
    assert cold == {"absorption_chiller", "electric_chiller", "cold_storage"}


def test_storage_engines_costs_and_forecast(demo: Demo, data: dict) -> None:
    run = data["run"]
    levels = {lv["component"]: lv["values"] for lv in run["levels"]}
    assert set(levels) == set(demo.run.optimised.levels)
    for c, values in levels.items():
        np.testing.assert_allclose(values, demo.run.optimised.levels[c], atol=ROUNDING / 2)
    for e in run["engines"]:
        on = np.round(demo.run.optimised.status_on[e["component"]]).astype(int)
        assert e["on"] == on.tolist()
        assert e["hours_on"] == pytest.approx(on.sum() * 0.25)
        assert e["periods"] and all(re.fullmatch(r"\d\d:\d\d–\d\d:\d\d", p) for p in e["periods"])
    costs = {c["kind"]: c for c in run["costs"]}
    assert sum(c["optimised"] for c in costs.values()) == pytest.approx(demo.run.totals["cost"])
    assert sum(c["baseline"] for c in costs.values()) == pytest.approx(
        demo.run.totals["baseline_cost"]
    )
    assert "export" not in costs  # zero in both
    assert run["forecast_method"]["day"] == str(DAY)
    assert any("tCO2/MWh" in n for n in run["notes"])


def test_the_enterprise_role_is_refused(demo: Demo) -> None:
    c = client(demo, Role.ENTERPRISE)
    assert c.get("/api/energy-station").status_code == 403
    page = c.get("/energy-station")
    assert page.status_code == 403 and 'id="restricted"' in page.text
    assert 'id="station-data"' not in page.text
    assert 'href="/energy-station"' not in c.get("/enterprises").text  # no nav link
    assert 'href="/energy-station"' in client(demo, Role.EVALUATOR).get("/enterprises").text


def test_a_day_without_a_run_is_not_found(demo: Demo) -> None:
    response = client(demo, Role.ANALYST).get("/api/energy-station?day=2024-06-01")
    assert response.status_code == 404
    assert "2025-02-05" in response.json()["detail"]


def test_the_day_ahead_route_runs_and_records_a_day(demo: Demo) -> None:
    c = client(demo, Role.ANALYST)
    response = c.post(
        "/api/energy-station/day-ahead",
        json={"day": "2025-02-03", "commitment": False},
        headers={CSRF_HEADER: csrf(c)},
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["day"] == "2025-02-03" and answer["status"] == "optimal"
    assert isinstance(answer["run_id"], int) and answer["page"] == "/energy-station?day=2025-02-03"
    cost = next(k for k in answer["kpis"] if k["quantity"] == "cost")
    assert cost["optimised"] > 0 and cost["baseline"] >= cost["optimised"] - 1e-6
    shown = c.get("/api/energy-station?day=2025-02-03").json()
    assert shown["run"]["id"] == answer["run_id"]
    assert shown["run"]["created_by"] == demo.users[Role.ANALYST]
    assert shown["run"]["engines"] == []  # continuous engines: no commitment
    assert c.get("/api/energy-station").json()["day"] == str(DAY)  # still the newest day
    with demo.store.read() as conn:
        (event,) = auth_db.list_audit(
            conn, action="dispatch.day_ahead", actor=demo.users[Role.ANALYST]
        )
    assert event["actor"] == demo.users[Role.ANALYST] and event["target"] == "2025-02-03"
    assert event["detail"]["run"] == answer["run_id"]
    assert event["detail"]["cost"] == pytest.approx(cost["optimised"])
    assert event["detail"]["via"] == "session"


def test_the_day_ahead_route_needs_edit(demo: Demo) -> None:
    body = {"day": "2025-02-03", "commitment": False}
    for role in (Role.EVALUATOR, Role.ENTERPRISE, Role.OPERATOR):
        c = client(demo, role)
        response = c.post(
            "/api/energy-station/day-ahead", json=body, headers={CSRF_HEADER: csrf(c)}
        )
        assert response.status_code == 403, role
    with demo.store.write() as conn:
        token = create_token(conn, demo.users[Role.ADMIN], "station test")
    response = TestClient(demo.app).post(
        "/api/energy-station/day-ahead",
        json={"day": "2025-02-04", "commitment": False},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["day"] == "2025-02-04"
    with demo.store.read() as conn:
        (event,) = auth_db.list_audit(
            conn, action="dispatch.day_ahead", actor=demo.users[Role.ADMIN]
        )
    assert event["detail"]["via"] == "token"


def test_bad_input_is_a_400_with_the_reason(demo: Demo) -> None:
    c = client(demo, Role.ADMIN)
    headers = {CSRF_HEADER: csrf(c)}
    response = c.post("/api/energy-station/day-ahead", json={"day": "2025-01-02"}, headers=headers)
    assert response.status_code == 400
    assert response.json()["detail"]  # too little history, named by the forecast
    response = c.post("/api/energy-station/day-ahead", json={"days": 3}, headers=headers)
    assert response.status_code == 422


def test_the_energy_page_shows_the_projected_figures(demo: Demo) -> None:
    c = client(demo, Role.ANALYST)
    projected = c.get("/api/energy?year=2025").json()["projected"]
    assert projected["days"] == [str(DAY)]
    assert projected["tco2"] == pytest.approx(demo.run.totals["tco2"])
    assert projected["grid_kwh"] == pytest.approx(demo.run.totals["grid_kwh"])
    page = c.get("/energy?year=2025").text
    assert 'id="projected"' in page and "Projected (day-ahead schedules)" in page
    assert 'href="/energy-station"' in page


def test_the_empty_state_before_any_run(demo: Demo, tmp_path: Path) -> None:
    copy = tmp_path / "no-runs.db"
    with sqlite3.connect(demo.path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    store = Store(f"sqlite:///{copy}")
    try:
        with store.write() as conn:
            conn.execute(delete(DispatchRun))
        add_user(store, "empty-admin", "admin")
        c = session_client(make_app(store), store, "empty-admin")
        data = c.get("/api/energy-station").json()
        assert data["run"] is None and data["day"] is None and data["days"] == []
        assert "greenpark dispatch day-ahead" in data["message"]
        page = c.get("/energy-station")
        assert page.status_code == 200 and 'id="no-run"' in page.text
        assert "greenpark dispatch day-ahead" in page.text
        assert 'id="station-data"' not in page.text
        assert c.get("/api/energy-station?day=2025-02-05").status_code == 404
        assert c.get("/api/energy?year=2025").json()["projected"]["days"] == []
        assert 'id="projected"' not in c.get("/energy?year=2025").text
    finally:
        store.dispose()
