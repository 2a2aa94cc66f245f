"""The Evaluation page ``/evaluation`` ↔ ``/api/evaluation?scheme=&year=`` on the demo park
(35 days of data from 2025-01-01: energy in 2025 only, yearly enterprise figures of the
years before).

Issue 8, point 8: for the demo park the page shows a plausible GI and at least one failing
and one passing mandatory item, all computed from its generated data. The figures are those
of :func:`greenpark.evaluation.service.evaluate` (checked against it, not retyped), and the
page shows the same numbers as its twin.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_auth import add_user, csrf, make_app, open_session, session_client

from greenpark.auth import Role
from greenpark.demo.build import build_demo
from greenpark.evaluation import available_schemes
from greenpark.evaluation.service import Evaluation, evaluate
from greenpark.store import Store
from greenpark.store.schema import Enterprise
from greenpark.testing import CHARTS_DRAWN_JS, chromium_missing, headless_chromium, serve_in_thread
from greenpark.web.security import CSRF_HEADER, SESSION_COOKIE

#: The newest year with energy data in the demo.
YEAR = 2025


@dataclass
class Demo:
    """The demo store, its app, a user per role, the enterprise user's credit code and the
    service's own evaluation of the default scheme and year."""

    store: Store
    app: FastAPI
    users: dict[Role, str]
    code: str
    expected: Evaluation


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    path = tmp_path_factory.mktemp("evaluation") / "demo.db"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    build_demo(store, days=35)
    with store.read() as conn:
        code = conn.execute(select(Enterprise.credit_code).order_by(Enterprise.id)).scalar()
    assert code is not None
    users = {role: f"evaluation-{role.value}" for role in Role}
    for role, name in users.items():
        add_user(store, name, role.value, enterprises=(code,) if role is Role.ENTERPRISE else ())
    expected = evaluate(store, "miit-green-park", YEAR)
    yield Demo(store, make_app(store), users, code, expected)
    store.dispose()


def client(demo: Demo, role: Role) -> TestClient:
    """A client logged in as ``role`` (session and CSRF cookies)."""
    return session_client(demo.app, demo.store, demo.users[role])


@pytest.fixture(scope="module")
def data(demo: Demo) -> dict:
    response = client(demo, Role.ANALYST).get("/api/evaluation")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def page(demo: Demo) -> str:
    response = client(demo, Role.ANALYST).get("/evaluation")
    assert response.status_code == 200, response.text
    return response.text


def _indicator(data: dict, id: str) -> dict:
    (found,) = [i for i in data["indicators"] if i["id"] == id]
    return found  # type: ignore[no-any-return]


def _row(page: str, id: str) -> str:
    """The table row of indicator ``id`` on the page."""
    match = re.search(rf'<tr id="ind-{re.escape(id)}".*?</tr>', page, re.S)
    assert match, id
    return match.group(0)


def _attribute(fragment: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', fragment)
    assert match, name
    return html.unescape(match.group(1))


def _charts(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="evaluation-data">(.*?)</script>', page)
    assert match
    return {c["canvas"]: c for c in json.loads(match.group(1))["charts"]}


# --- the JSON twin ------------------------------------------------------------------------


def test_defaults_are_the_miit_scheme_and_the_newest_year_with_energy(data: dict) -> None:
    assert data["scheme"] == "miit-green-park"
    assert data["year"] == YEAR and data["years"] == [YEAR]
    assert data["index_name"] == "GI"
    assert [s["name"] for s in data["schemes"]] == list(available_schemes())
    assert data["park"]["code"] == "GUIAN-FTZ"


def test_the_demo_has_a_plausible_gi_and_mandatory_items_passing_and_failing(data: dict) -> None:
    assert 30 < data["index"] < 100
    assert data["index_max"] == 100
    assert 0 < data["completeness"] < 1
    assert data["mandatory_failed"] and data["mandatory_passed"]
    for id in data["mandatory_failed"] + data["mandatory_passed"]:
        ind = _indicator(data, id)
        assert ind["mandatory"] and ind["kind"] == "computed", id  # from the generated data
        assert ind["inputs"] and ind["formula"], id
    assert {i["light"] for i in data["indicators"]} == {"pass", "fail", "not_scored"}


def test_the_twin_gives_the_service_figures(demo: Demo, data: dict) -> None:
    ev = demo.expected
    score = ev.score
    assert score is not None
    assert data["index"] == pytest.approx(score.index, rel=1e-12)
    assert data["completeness"] == pytest.approx(score.completeness, rel=1e-12)
    assert data["mandatory_failed"] == list(score.mandatory_failed)
    assert data["mandatory_undecided"] == list(score.mandatory_undecided)
    assert [i["id"] for i in data["indicators"]] == [i.id for i in ev.current.scheme.indicators]
    assert data["manual"] == [k for k, v in ev.values.items() if v.is_manual]
    for id, value in ev.values.items():
        ind = _indicator(data, id)
        if value.value is None:
            assert ind["value"] is None, id
        else:
            assert ind["value"] == pytest.approx(value.value, rel=1e-12), id
        assert ind["provenance"] == value.provenance()
        assert ind["completeness"] == pytest.approx(value.completeness)
    assert [t["year"] for t in data["trend"]] == [y.year for y in ev.years]
    for t, y in zip(data["trend"], ev.years, strict=True):
        assert t["index"] == pytest.approx(y.index, rel=1e-12)
    # the six indicator groups, then the basic requirements (not in the GI: no score)
    assert [g["code"] for g in data["groups"]] == ["EG", "RG", "IG", "CG", "EQ", "MG", "BR"]
    assert data["groups"][-1]["score"] is None and data["groups"][-1]["weight"] == 0


def test_lights_scores_and_distances(data: dict) -> None:
    # a mandatory item below its leading value (ratio method, higher is better)
    ren = _indicator(data, "renewable_share")
    assert ren["mandatory"] and ren["passed"] is False and ren["light"] == "fail"
    assert ren["score"] == pytest.approx(ren["value"] / ren["leading"], rel=1e-12)
    assert ren["distance"] == pytest.approx(1 - ren["value"] / ren["leading"], rel=1e-12)
    assert ren["gap"] == pytest.approx(ren["leading"] - ren["value"], rel=1e-12)
    # lower is better: (value - leading) / value
    ww = _indicator(data, "wastewater_per_va")
    assert ww["direction"] == "lower" and ww["light"] == "fail"
    assert ww["distance"] == pytest.approx((ww["value"] - ww["leading"]) / ww["value"], rel=1e-9)
    # reached: distance 0, light pass
    air = _indicator(data, "air_good_day_ratio")
    assert air["light"] == "pass" and air["distance"] == 0 and air["gap"] <= 0
    # manual entries are not scored, never a silent zero
    for id in data["manual"]:
        ind = _indicator(data, id)
        assert ind["light"] == "not_scored" and ind["score"] is None and ind["distance"] is None
        assert ind["note"] == "manual entry needed"


def test_a_previous_year_and_the_years_side_by_side(demo: Demo, data: dict) -> None:
    response = client(demo, Role.ANALYST).get("/api/evaluation?year=2024")
    assert response.status_code == 200, response.text
    before = response.json()
    assert before["year"] == 2024 and before["years"] == [YEAR]
    assert [t["year"] for t in before["trend"]] == [t["year"] for t in data["trend"][:-1]]
    assert before["index"] == pytest.approx(data["trend"][-2]["index"], rel=1e-12)
    ind = _indicator(data, "energy_productivity")
    assert [y["year"] for y in ind["years"]] == [t["year"] for t in data["trend"]]


@pytest.mark.parametrize(
    ("query", "scheme"),
    [("zero-carbon-park", "zero-carbon-park"), ("green_data_centre", "green-data-centre")],
)
def test_other_schemes(demo: Demo, query: str, scheme: str) -> None:
    response = client(demo, Role.ANALYST).get(f"/api/evaluation?scheme={query}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scheme"] == scheme and body["year"] == YEAR
    if scheme == "zero-carbon-park":  # the variant is chosen by the year's energy use
        assert body["park_attributes"]["annual_energy_tce"] > 0
        assert _indicator(body, "co2_per_tce")["kind"] == "computed"
    page = client(demo, Role.ANALYST).get(f"/evaluation?scheme={query}")
    assert page.status_code == 200
    assert f'<option value="{scheme}" selected>' in page.text


def test_a_bad_scheme_is_refused_naming_the_known_ones(demo: Demo) -> None:
    c = client(demo, Role.ANALYST)
    response = c.get("/api/evaluation?scheme=leed")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "'leed'" in detail
    for name in available_schemes():
        assert name in detail
    page = c.get("/evaluation?scheme=leed")
    assert page.status_code == 400
    assert "unknown evaluation scheme" in page.text and 'id="selectors"' in page.text


def test_a_scheme_not_in_force_is_a_400(demo: Demo) -> None:
    c = client(demo, Role.ANALYST)
    response = c.get("/api/evaluation?scheme=green-factory")  # GB/T 36132-2025 from 2026
    assert response.status_code == 400
    assert "in force in 2025" in response.json()["detail"]
    page = c.get("/evaluation?scheme=green-factory")
    assert page.status_code == 400 and 'role="alert"' in page.text


def test_a_year_out_of_range_is_a_422(demo: Demo) -> None:
    assert client(demo, Role.ANALYST).get("/api/evaluation?year=1800").status_code == 422


# --- scope --------------------------------------------------------------------------------


def test_the_enterprise_role_gets_403(demo: Demo) -> None:
    c = client(demo, Role.ENTERPRISE)
    response = c.get("/api/evaluation")
    assert response.status_code == 403
    assert "whole park" in response.json()["detail"]
    page = c.get("/evaluation")
    assert page.status_code == 403
    assert 'id="restricted"' in page.text
    assert f"/enterprises/{demo.code}/energy" in page.text
    assert 'id="kpi-index"' not in page.text
    assert 'href="/evaluation"' not in page.text  # no nav link either


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ANALYST, Role.EVALUATOR])
def test_whole_park_roles_read_it(demo: Demo, role: Role) -> None:
    c = client(demo, role)
    assert c.get("/api/evaluation").status_code == 200
    assert 'href="/evaluation"' in c.get("/energy").text  # the nav link


def test_without_a_park(sqlite_store: Store) -> None:
    add_user(sqlite_store, "empty-analyst", "analyst")
    c = session_client(make_app(sqlite_store), sqlite_store, "empty-analyst")
    body = c.get("/api/evaluation").json()
    assert body["park"] is None and body["year"] is None and body["indicators"] == []
    page = c.get("/evaluation")
    assert page.status_code == 200 and "No park yet" in page.text


# --- the page -----------------------------------------------------------------------------


def test_page_and_json_agree(page: str, data: dict) -> None:
    kpi = re.search(r'<strong id="kpi-index" data-value="([^"]+)">([^<]+)</strong>', page)
    assert kpi
    assert float(kpi.group(1)) == data["index"]
    assert kpi.group(2) == f"{data['index']:.1f}"
    done = re.search(r'id="kpi-completeness" data-value="([^"]+)"', page)
    assert done and float(done.group(1)) == data["completeness"]
    for key in ("passed", "failed", "undecided"):
        shown = re.search(rf'<td id="kpi-mandatory-{key}">(\d+)</td>', page)
        assert shown and int(shown.group(1)) == len(data[f"mandatory_{key}"]), key
    for ind in data["indicators"]:
        row = _row(page, ind["id"])
        assert _attribute(row, "data-light") == ind["light"]
        if ind["value"] is None:
            assert "data-value" not in row.split(">", 1)[0]
        else:
            assert float(_attribute(row, "data-value")) == ind["value"]
    for t in data["trend"]:
        if t["index"] is not None:
            assert f'data-year="{t["year"]}" data-value="{t["index"]}"' in page


def test_lights_are_not_colour_alone(page: str, data: dict) -> None:
    words = {"pass": "✓ Pass", "fail": "✗ Fail"}
    for ind in data["indicators"]:
        row = _row(page, ind["id"])
        if ind["light"] in words:
            assert words[ind["light"]] in row, ind["id"]
        elif ind["kind"] == "manual":
            assert "○ Manual entry needed" in row, ind["id"]
    row = _row(page, "renewable_share")
    assert "yes · fail" in row  # the mandatory verdict in words


def test_provenance_on_hover_and_in_details(page: str, data: dict) -> None:
    ind = _indicator(data, "renewable_share")
    row = _row(page, "renewable_share")
    title = _attribute(row, "title")
    assert ind["formula"] in title and ind["provenance"] in title
    assert "Completeness:" in title and ind["note"] in title
    details = re.search(r"<details>.*?</details>", row, re.S)
    assert details
    text = html.unescape(details.group(0))
    for x in ind["inputs"]:
        assert f"<code>{x['name']}</code>" in text
        if x["source"]:
            assert x["source"] in text
    assert ind["formula"] in text and ind["catalogue_formula"] in text


def test_groups_and_manual_entries(page: str, data: dict) -> None:
    for g in data["groups"]:
        body = re.search(rf'<tbody data-group="{g["code"]}">(.*?)</tbody>', page, re.S)
        assert body, g["code"]
        ids = re.findall(r'<tr id="ind-([^"]+)"', body.group(1))
        assert ids == [i["id"] for i in data["indicators"] if i["group"] == g["code"]]
    manual = re.search(r'<ul id="manual-list">(.*?)</ul>', page, re.S)
    assert manual
    assert re.findall(r'data-id="([^"]+)"', manual.group(1)) == data["manual"]


def test_the_charts_of_the_page(page: str, data: dict) -> None:
    charts = _charts(page)
    assert set(charts) == {"chart-trend", "chart-gaps"}
    trend = charts["chart-trend"]
    assert trend["type"] == "trend"
    assert trend["labels"] == [str(t["year"]) for t in data["trend"]]
    assert trend["datasets"][0]["values"] == [t["index"] for t in data["trend"]]
    gaps = charts["chart-gaps"]
    scored = [i for i in data["indicators"] if i["distance"] is not None]
    assert sorted(gaps["ids"]) == sorted(i["id"] for i in scored)
    assert gaps["values"] == sorted(gaps["values"], reverse=True)  # farthest first
    by_id = dict(zip(gaps["ids"], gaps["values"], strict=True))
    for i in scored:
        assert by_id[i["id"]] == pytest.approx(100 * i["distance"], abs=1e-4)
    assert len(re.findall(r'<tr data-id="[^"]+"><th scope="row">', page)) >= len(scored)
    for canvas in charts:
        assert f'<canvas id="{canvas}"' in page
    assert "/static/evaluation.js" in page and "/static/charts.js" in page


# --- in a browser -------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or "")
def test_the_page_draws_its_charts_in_chromium(demo: Demo, tmp_path: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    with serve_in_thread(demo.app) as url, headless_chromium() as driver:
        driver.get(url + "/static/favicon.svg")
        driver.add_cookie(
            {
                "name": SESSION_COOKIE,
                "value": open_session(demo.store, demo.users[Role.ANALYST]),
                "path": "/",
            }
        )
        driver.get_log("browser")  # drop the favicon.ico miss
        driver.get(url + "/evaluation")
        WebDriverWait(driver, 15).until(lambda d: d.execute_script(CHARTS_DRAWN_JS) > 0)
        assert driver.execute_script(CHARTS_DRAWN_JS) == 2  # the GI trend and the gaps
        kinds = driver.execute_script(
            "return ['chart-trend', 'chart-gaps'].map(function (id) {"
            " var c = Chart.getChart(document.getElementById(id));"
            " return [c.config.type, c.options.indexAxis || 'x']; });"
        )
        assert kinds == [["line", "x"], ["bar", "y"]]
        if os.environ.get("GREENPARK_SCREENSHOT"):
            driver.save_screenshot(str(tmp_path / "evaluation.png"))
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == [], severe


# --- what if: scenario comparison (issue 8, point 7) -----------------------------------------


def _post_scenarios(demo: Demo, role: Role, body: dict, query: str = "") -> Any:
    c = client(demo, role)
    return c.post(f"/api/evaluation/scenarios{query}", json=body, headers={CSRF_HEADER: csrf(c)})


def _values(rows: list[dict], id: str) -> list:
    (row,) = [r for r in rows if r["id"] == id]
    return row["values"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def what_if(demo: Demo) -> dict:
    response = client(demo, Role.ANALYST).get("/api/evaluation?pv_mwp=5&gec_mwh=&buses=")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_scenarios_post_compares_with_today(demo: Demo) -> None:
    body = {
        "scenarios": [
            {"name": "pv", "pv_mwp": 5},
            {"name": "gec", "gec_mwh": 1000},
            {"buses": 10},
        ]
    }
    response = _post_scenarios(demo, Role.ANALYST, body, f"?scheme=miit-green-park&year={YEAR}")
    assert response.status_code == 200, response.text
    cmp = response.json()
    assert cmp["scheme"] == "miit-green-park" and cmp["year"] == YEAR
    assert [c["name"] for c in cmp["columns"]] == ["today", "pv", "gec", "scenario 3"]
    today, pv, gec, buses = cmp["columns"]
    assert today["changes"] == [] and today["pv_mwp"] == 0
    assert pv["pv_mwp"] == 5 and "PV +5 MWp" in pv["changes"][0]
    assert "green certificates +1,000 MWh" in gec["changes"][0]
    assert buses["buses"] == 10 and "+10 battery_electric bus" in buses["changes"][0]
    rows = cmp["rows"]
    assert rows[0]["kind"] == "index" and rows[0]["values"] == [c["index"] for c in cmp["columns"]]
    assert today["index"] == pytest.approx(demo.expected.score.index, rel=1e-12)  # type: ignore[union-attr]
    share = _values(rows, "renewable_share")
    assert share[1] > share[0] and share[2] > share[0]
    (row,) = [r for r in rows if r["id"] == "renewable_share"]
    assert row["changed"] and row["scores"][1] > row["scores"][0]
    assert all(r["changed"] for r in rows if r["kind"] not in ("index", "mandatory", "scheme"))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scenarios": [{"pv_mwp": -1}]}, "pv_mwp"),
        ({"scenarios": [{"gec_mwh": "lots"}]}, "gec_mwh"),
        ({"scenarios": [{"buses": 2.5}]}, "buses"),
        ({"scenarios": [{"pv": 5}]}, "pv"),
        ({"scenarios": [{"pv_mwp": 1}] * 6}, "scenarios"),
        ({"scenarios": []}, "scenarios"),
    ],
)
def test_bad_scenarios_are_a_422_naming_the_field(demo: Demo, body: dict, field: str) -> None:
    response = _post_scenarios(demo, Role.ANALYST, body)
    assert response.status_code == 422, response.text
    assert field in [str(x) for e in response.json()["detail"] for x in e["loc"]]


def test_a_scenario_named_today_is_refused(demo: Demo) -> None:
    response = _post_scenarios(demo, Role.ANALYST, {"scenarios": [{"name": "today"}]})
    assert response.status_code == 400
    assert "scenarios[0].name" in response.json()["detail"]


def test_the_twin_includes_the_comparison(what_if: dict, data: dict) -> None:
    assert data["comparison"] is None
    cmp = what_if["comparison"]
    assert [c["name"] for c in cmp["columns"]] == ["today", "what-if"]
    assert cmp["columns"][1]["pv_mwp"] == 5 and cmp["columns"][1]["buses"] == 0
    share = _values(cmp["rows"], "renewable_share")
    assert share[1] > share[0]
    assert what_if["index"] == data["index"]  # today's evaluation is unchanged


def test_the_page_shows_the_comparison_and_agrees_with_its_twin(
    demo: Demo, what_if: dict, page: str
) -> None:
    assert "What if 情景" in page and 'id="what-if-form"' in page and 'method="get"' in page
    assert 'id="what-if-table"' not in page
    response = client(demo, Role.ANALYST).get("/evaluation?pv_mwp=5&gec_mwh=&buses=")
    assert response.status_code == 200, response.text
    shown = response.text
    assert 'id="what-if-table"' in shown
    assert 'name="pv_mwp" min="0" step="any" value="5"' in shown
    assert "pv_mwp=5" in shown  # the JSON link carries the scenario
    cmp = what_if["comparison"]
    for row in cmp["rows"]:
        match = re.search(
            rf'<tr data-kind="{row["kind"]}" data-id="{re.escape(row["id"])}">.*?</tr>', shown, re.S
        )
        assert match, row["id"]
        cells = [float(v) for v in re.findall(r'data-value="([^"]*)"', match.group(0))]
        assert cells == [v for v in row["values"] if isinstance(v, int | float)], row["id"]
    changes = re.search(r'<ul id="what-if-changes">(.*?)</ul>', shown, re.S)
    assert changes
    assert html.unescape(changes.group(1)).count(cmp["columns"][1]["changes"][0]) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [("pv_mwp=-5", "pv_mwp"), ("gec_mwh=abc", "gec_mwh"), ("buses=1.5", "buses")],
)
def test_a_bad_what_if_value_is_refused_naming_the_field(
    demo: Demo, query: str, field: str
) -> None:
    c = client(demo, Role.ANALYST)
    response = c.get(f"/api/evaluation?{query}")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}:")
    page = c.get(f"/evaluation?{query}")
    assert page.status_code == 400
    assert 'id="what-if-error"' in page.text and f"{field}:" in page.text
    assert 'id="what-if-table"' not in page.text


def test_the_enterprise_role_gets_403_for_the_comparison(demo: Demo) -> None:
    response = _post_scenarios(demo, Role.ENTERPRISE, {"scenarios": [{"pv_mwp": 5}]})
    assert response.status_code == 403
    assert "whole park" in response.json()["detail"]
    c = client(demo, Role.ENTERPRISE)
    assert c.get("/api/evaluation?pv_mwp=5").status_code == 403
    page = c.get("/evaluation?pv_mwp=5")
    assert page.status_code == 403 and 'id="what-if-table"' not in page.text
