"""The energy and carbon ledger on the web, on the small park of ``tests/ledger_park.py``.

Park figures by hand (see ``tests/ledger/test_ledger_book.py``): one month of 2023 is
(60 000 kWh from the grid + 20 000 kWh PV) x 0.1229 kgce/kWh + 21 000 m³ x 1.2143 kgce/m³
= 35.3323 tce, so the year is 12 x 35.3323 = 423.9876 tce; indirect CO2 is
60 000 kWh x 0.4989 tCO2/MWh (Guizhou 2022, used for 2023) = 29.934 t a month. In 2022
enterprise A used 90 000 kWh a month, so 50 000 kWh came from the grid: 34.1033 tce a month.
Enterprise A on its own: 100 000 kWh x 0.1229 + 1 000 m³ x 1.2143 = 13.5043 tce a month.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from web_auth import LedgerClients, add_user, csrf, make_app, session_client

import ledger_park
from greenpark.auth import create_token
from greenpark.store import Store
from greenpark.store.schema import AuditEvent, LedgerEntry
from greenpark.web.templating import format_number

A, S = ledger_park.A, ledger_park.S
MISSING = "91520900MA6DLZZZZ9"
JAN_TCE = 35.3323
JAN_TCE_2022 = 34.1033
JAN_INDIRECT = 29.934
A_MONTH_TCE = 13.5043


@pytest.fixture
def clients(ledger_clients: LedgerClients) -> LedgerClients:
    return ledger_clients


def _post(client: TestClient, path: str, body: dict[str, Any]) -> Response:
    return client.post(path, json=body, headers={"X-CSRF-Token": csrf(client)})


def _entries(store: Store) -> list[tuple]:
    with store.read() as c:
        q = select(LedgerEntry.month, LedgerEntry.kind, LedgerEntry.quantity, LedgerEntry.unit,
                   LedgerEntry.entered_by)  # fmt: skip
        return [tuple(r) for r in c.execute(q)]


def _audit(store: Store, action: str) -> list[tuple]:
    with store.read() as c:
        q = select(AuditEvent.actor, AuditEvent.target, AuditEvent.detail).where(
            AuditEvent.action == action
        )
        return [tuple(r) for r in c.execute(q)]


# --- the park's page and its twin -------------------------------------------------------


def test_park_energy_json_by_hand(clients: LedgerClients) -> None:
    data = clients.analyst.get("/api/energy").json()
    assert (data["park"], data["year"], data["years"]) == ({"code": "P", "name": "Park"}, 2023,
                                                           [2022, 2023])  # fmt: skip
    assert data["months"] == [f"2023-{m:02d}" for m in range(1, 13)]
    k = data["kpis"]
    assert k["tce"] == pytest.approx(12 * JAN_TCE)  # 423.9876
    assert k["tce"] == pytest.approx(423.9876)
    assert k["tco2_indirect"] == pytest.approx(12 * JAN_INDIRECT)
    assert k["tco2"] == pytest.approx(k["tco2_direct"] + k["tco2_indirect"])
    assert k["tce_previous"] == pytest.approx(12 * JAN_TCE_2022)
    assert k["tce_yoy"] == pytest.approx(JAN_TCE / JAN_TCE_2022 - 1)
    assert k["value_added"] == 1000.0 and k["tce_per_va"] == pytest.approx(0.4239876)
    # on-site PV 20 000 of 110 000 kWh used a month
    assert k["green_electricity_share"] == pytest.approx(20 / 110)
    assert k["residual_factor"] == pytest.approx(0.6096) and k["residual_factor_note"] is None
    # carriers: grid electricity, on-site PV, gas; they add up to the park month
    carriers = {(s["carrier"], s["supply"]): s for s in data["carriers"]}
    assert list(carriers) == [("electricity", "outside the park"),
                              ("electricity", "on-site renewable"),
                              ("natural_gas", "outside the park")]  # fmt: skip
    assert carriers[("electricity", "outside the park")]["quantity"][0] == 60_000
    assert carriers[("electricity", "on-site renewable")]["tce"][0] == pytest.approx(2.458)
    assert carriers[("natural_gas", "outside the park")]["tce"][0] == pytest.approx(25.5003)
    assert sum(s["tce"][0] for s in data["carriers"]) == pytest.approx(JAN_TCE)
    flows = {(f["source"], f["target"]): f["tce"] for f in data["flows"]}
    assert flows[("Grid", "Electricity")] == pytest.approx(12 * 60_000 * 0.1229 / 1000)
    assert flows[("On-site PV", "Electricity")] == pytest.approx(12 * 20_000 * 0.1229 / 1000)
    # ranking: A has value added, S has none and comes last without a rank
    ranking = [(e["rank"], e["credit_code"]) for e in data["enterprises"]]
    assert ranking == [(1, A), (None, S)]
    assert data["enterprises"][0]["tce"] == pytest.approx(12 * A_MONTH_TCE)
    assert data["enterprises"][0]["tce_per_va"] == pytest.approx(12 * A_MONTH_TCE / 1000)
    assert [(p["quantity"], p["status"]) for p in data["projections"]] == [
        ("tce", "no_budget"), ("tco2", "no_budget")
    ]  # fmt: skip
    assert data["projections"][0]["projected"] == pytest.approx(12 * JAN_TCE)
    assert len(data["projections"][0]["months"]) == 12
    assert data["warnings"] == []
    (f,) = [f for f in data["factors"] if (f["carrier"], f["scope"]) == ("electricity", "indirect")]
    assert f["factor"] == pytest.approx(0.4989 / 1000) and f["factor_year"] == 2022
    assert "2023 not published" in f["note"] and f["quantity"] == 720_000
    assert f["months"] == data["months"] and f["ref"] == "electricity:province/guizhou:2023"


def test_page_and_json_agree(clients: LedgerClients) -> None:
    data = clients.admin.get("/api/energy").json()
    page = clients.admin.get("/energy")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert f'id="kpi-tce" data-value="{data["kpis"]["tce"]}">424<' in html
    assert format_number(data["kpis"]["tce"]) == "424"
    assert '<td data-month="2023-01">35.3</td>' in html  # the month by hand, 35.3323
    assert 'id="chart-carriers"' in html and 'id="chart-flows"' in html
    assert 'id="chart-track-tce"' in html and 'id="chart-track-tco2"' in html
    assert 'id="energy-data"' in html and "chartjs-chart-sankey.min.js" in html
    assert f'href="/enterprises/{A}/energy"' in html  # the ranking links to A's page
    assert 'href="/api/energy?year=2023"' in html  # the JSON twin
    assert '<option value="2022">2022</option>' in html  # the year selector
    assert "Grid 电网" in html  # a flow in the table fallback
    assert "2023 not published: the 2022 factor is used" in html


def test_year_selector(clients: LedgerClients) -> None:
    data = clients.admin.get("/api/energy?year=2022").json()
    assert data["year"] == 2022
    assert data["kpis"]["tce"] == pytest.approx(12 * JAN_TCE_2022)
    assert data["kpis"]["tce_previous"] is None  # nothing recorded in 2021
    page = clients.admin.get("/energy?year=2022").text
    assert '<option value="2022" selected>' in page
    bad = clients.admin.get("/api/energy?year=2019")
    assert bad.status_code == 400
    assert bad.json()["detail"].endswith("years with energy: 2022, 2023")
    assert clients.admin.get("/energy?year=2019").status_code == 400
    assert clients.admin.get("/api/energy?year=12").status_code == 422


def test_a_park_without_energy(sqlite_store: Store) -> None:
    from sqlalchemy import insert

    from greenpark.store.schema import Park

    with sqlite_store.write() as c:
        c.execute(insert(Park).values(id=1, code="P", name="Park"))
    add_user(sqlite_store, "admin", "admin")
    client = session_client(make_app(sqlite_store), sqlite_store, "admin")
    data = client.get("/api/energy").json()
    assert (data["year"], data["years"], data["kpis"]) == (None, [], None)
    assert "No energy recorded yet" in client.get("/energy").text


# --- scope ------------------------------------------------------------------------------


def test_enterprise_user_is_refused_the_park_ledger(clients: LedgerClients) -> None:
    api = clients.ent.get("/api/energy")
    assert api.status_code == 403
    assert "whole park" in api.json()["detail"]
    page = clients.ent.get("/energy")
    assert page.status_code == 403
    assert f'href="/enterprises/{A}/energy"' in page.text  # a link to their own
    assert S not in page.text and "424" not in page.text
    assert 'href="/energy"' not in clients.ent.get("/enterprises").text  # not in their nav
    assert 'href="/energy"' in clients.evaluator.get("/enterprises").text
    assert clients.evaluator.get("/api/energy").status_code == 200  # a whole-park evaluator


def test_enterprise_energy(clients: LedgerClients) -> None:
    data = clients.ent.get(f"/api/enterprises/{A}/energy").json()
    assert data["enterprise"] == {"credit_code": A, "name": "A"}
    assert (data["year"], data["industry"]) == (2023, "electronic_information")
    t = data["totals"]
    assert t["tce"] == pytest.approx(12 * A_MONTH_TCE)
    assert t["tco2_indirect"] == pytest.approx(12 * 100_000 * 0.4989 / 1000)
    assert t["value_added"] == 1000.0 and t["tce_per_va"] == pytest.approx(12 * A_MONTH_TCE / 1000)
    assert t["tce_previous"] == pytest.approx(12 * (90_000 * 0.1229 + 1000 * 1.2143) / 1000)
    assert len(data["rows"]) == 24  # 12 months x electricity, natural gas
    jan = data["rows"][0]
    assert (jan["month"], jan["carrier"], jan["quantity"], jan["unit"]) == (
        "2023-01", "electricity", 100_000.0, "kWh"
    )  # fmt: skip
    assert jan["tce"] == pytest.approx(12.29) and jan["factor_unit"] == "tCO2/kWh"
    assert jan["factor_ref"] == "electricity:province/guizhou:2023"
    assert [c["carrier"] for c in data["carriers"]] == ["electricity", "natural_gas"]
    assert data["projections"] == [] and data["entries"] == []
    page = clients.ent.get(f"/enterprises/{A}/energy")
    assert page.status_code == 200
    assert f'id="total-tce" data-value="{t["tce"]}">162<' in page.text
    assert "No budget set for 2023" in page.text
    assert f'href="/api/enterprises/{A}/energy?year=2023"' in page.text
    assert f'href="/enterprises/{A}/energy"' in clients.ent.get(f"/enterprises/{A}").text


def test_out_of_scope_enterprise_is_not_found(clients: LedgerClients) -> None:
    for path in ("/api/enterprises/{}/energy", "/enterprises/{}/energy"):
        other = clients.ent.get(path.format(S))
        missing = clients.ent.get(path.format(MISSING))
        assert other.status_code == missing.status_code == 404
        assert other.content == missing.content
        assert clients.admin.get(path.format(S)).status_code == 200
    assert clients.ent.get(f"/api/enterprises/{S}/energy").json() == {
        "detail": "enterprise not found"
    }
    station = clients.admin.get(f"/api/enterprises/{S.lower()}/energy").json()
    assert station["enterprise"]["credit_code"] == S  # codes compare in upper case
    assert station["totals"]["value_added"] is None


# --- POST /api/ledger/entries -----------------------------------------------------------

GEC = {"enterprise": A, "month": "2023-01", "carrier": "electricity", "kind": "gec",
       "quantity": 10, "unit": "MWh", "note": "GEC batch 1"}  # fmt: skip


def test_entries_are_stored_audited_and_shown(clients: LedgerClients) -> None:
    before = clients.ent.get(f"/api/enterprises/{A}/energy").json()["totals"]
    r = _post(clients.ent, "/api/ledger/entries", {"entries": [GEC]})
    assert r.status_code == 200, r.text
    assert r.json() == {"entries": 1, "new": 1, "replaced": 0}
    assert _entries(clients.store) == [("2023-01", "gec", 10.0, "MWh", "enta")]
    ((actor, target, detail),) = _audit(clients.store, "ledger.entry")
    assert (actor, target, detail["new"], detail["replaced"]) == ("enta", "1 figure(s)", 1, [])
    assert detail["via"] == "session"
    data = clients.ent.get(f"/api/enterprises/{A}/energy").json()
    (entry,) = data["entries"]
    assert (entry["kind"], entry["quantity"], entry["entered_by"]) == ("gec", 10.0, "enta")
    assert entry["entered_at"].endswith("+08:00")  # in the park's zone
    t = data["totals"]
    assert t["green_certificates_mwh"] == 10.0 and t["green_kwh"] == 10_000.0
    # 10 MWh netted: priced at the residual factor no more
    assert t["tco2_market"] == pytest.approx(before["tco2_market"] - 10_000 * 0.6096 / 1000)
    assert t["tco2"] == pytest.approx(before["tco2"])  # location-based unchanged
    page = clients.ent.get(f"/enterprises/{A}/energy").text
    assert "GEC batch 1" in page and "enta" in page
    again = _post(clients.ent, "/api/ledger/entries", {"entries": [{**GEC, "quantity": 12}]})
    assert again.json() == {"entries": 1, "new": 0, "replaced": 1}
    assert _entries(clients.store) == [("2023-01", "gec", 12.0, "MWh", "enta")]
    assert _audit(clients.store, "ledger.entry")[1][2]["replaced"][0]["quantity"] == 10.0
    park = clients.admin.get("/api/energy").json()["kpis"]
    assert park["green_certificates_mwh"] == 12.0


def test_an_entry_push_with_an_api_token_is_audited_as_such(clients: LedgerClients) -> None:
    with clients.store.write() as conn:
        token = create_token(conn, "enta", "etl", actor="test")
    bot = TestClient(clients.ent.app, headers={"Authorization": f"Bearer {token}"})
    r = bot.post("/api/ledger/entries", json={"entries": [GEC]})  # no CSRF token needed
    assert r.status_code == 200, r.text
    ((actor, _, detail),) = _audit(clients.store, "ledger.entry")
    assert (actor, detail["via"], detail["new"]) == ("enta", "token", 1)


def test_bad_entries_are_all_named_and_nothing_is_written(clients: LedgerClients) -> None:
    body = {"entries": [
        GEC,
        {**GEC, "enterprise": S},  # not the enterprise user's
        {**GEC, "month": "2023-13", "kind": "bought"},
        {**GEC, "quantity": -1},
        {**GEC, "enterprise": None, "kind": "consumption", "carrier": "diesel",
         "unit": "t"},  # park level: needs the park role
    ]}  # fmt: skip
    r = _post(clients.ent, "/api/ledger/entries", body)
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert detail.startswith("5 bad value(s):")
    for row, column in ((2, "enterprise"), (3, "month"), (3, "kind"), (4, "quantity"),
                        (5, "enterprise")):  # fmt: skip
        assert f"entries: row {row}, column '{column}'" in detail, (row, column)
    assert "row 1," not in detail
    assert "park-level figures need the park role" in detail
    assert _entries(clients.store) == []
    assert _audit(clients.store, "ledger.entry") == []
    # a whole-park caller may enter for any enterprise and for the park
    ok = _post(
        clients.analyst,
        "/api/ledger/entries",
        {"entries": [GEC, body["entries"][1], body["entries"][4]]},
    )
    assert ok.status_code == 200 and ok.json() == {"entries": 3, "new": 3, "replaced": 0}
    assert _post(clients.ent, "/api/ledger/entries", {"entries": []}).status_code == 422
    assert (
        _post(clients.ent, "/api/ledger/entries", {"entries": [{"kind": "gec"}]}).status_code == 422
    )
    assert _post(clients.evaluator, "/api/ledger/entries", {"entries": [GEC]}).status_code == 403


# --- POST /api/ledger/factors -----------------------------------------------------------

FACTOR = {"kind": "electricity", "key": "province/guizhou", "year": 2023, "value": 0.5,
          "source": "Guizhou DRC notice (test)"}  # fmt: skip


def test_factor_change_recomputes_the_park(clients: LedgerClients) -> None:
    r = _post(clients.analyst, "/api/ledger/factors", FACTOR)
    assert r.status_code == 200, r.text
    change = r.json()
    assert change["old"] is None and change["reports"] == []
    months = {m["month"]: m for m in change["months"]}
    assert sorted(months) == [f"2023-{m:02d}" for m in range(1, 13)]  # 2022 untouched
    jan = months["2023-01"]
    assert jan["tco2_after"] - jan["tco2_before"] == pytest.approx(30 - JAN_INDIRECT)
    assert jan["tce_after"] == pytest.approx(jan["tce_before"])
    k = clients.analyst.get("/api/energy?year=2023").json()["kpis"]
    assert k["tco2_indirect"] == pytest.approx(12 * 60_000 * 0.5 / 1000)  # 30 t a month
    assert clients.analyst.get("/api/energy?year=2022").json()["kpis"][
        "tco2_indirect"] == pytest.approx(12 * 50_000 * 0.4989 / 1000)  # fmt: skip
    factors = clients.analyst.get("/api/energy").json()["factors"]
    (used,) = [f for f in factors if f["scope"] == "indirect"]
    assert (used["factor"], used["source"]) == (0.0005, "Guizhou DRC notice (test)")
    ((actor, target, detail),) = _audit(clients.store, "ledger.factor")
    assert (actor, target) == ("ana", "electricity:province/guizhou:2023")
    assert len(detail["months"]) == 12
    second = _post(clients.analyst, "/api/ledger/factors", {**FACTOR, "value": 0.51}).json()
    assert second["old"] == {"version": change["version"], "value": 0.5, "unit": "tCO2/MWh",
                             "source": "Guizhou DRC notice (test)"}  # fmt: skip


def test_factor_change_is_checked_and_needs_edit(clients: LedgerClients) -> None:
    bad = _post(clients.analyst, "/api/ledger/factors", {**FACTOR, "kind": "magic"})
    assert bad.status_code == 400 and "one of electricity" in bad.json()["detail"]
    no_year = _post(clients.analyst, "/api/ledger/factors", {**FACTOR, "year": None})
    assert no_year.status_code == 400 and "year" in no_year.json()["detail"]
    assert _post(clients.ent, "/api/ledger/factors", FACTOR).status_code == 403
    assert _post(clients.evaluator, "/api/ledger/factors", FACTOR).status_code == 403
    assert _audit(clients.store, "ledger.factor") == []


# --- POST /api/ledger/targets -----------------------------------------------------------


def test_targets_and_warnings(clients: LedgerClients) -> None:
    r = _post(clients.analyst, "/api/ledger/targets",
              {"year": 2023, "quantity": "tce", "budget": 400})  # fmt: skip
    assert r.status_code == 200, r.text
    answer = r.json()
    assert (answer["old"], answer["enterprise"], answer["budget"]) == (None, None, 400.0)
    assert answer["projection"]["status"] == "over"  # 424 > 400
    assert answer["projection"]["ratio"] == pytest.approx(423.9876 / 400)
    mine = {"year": 2023, "quantity": "tce", "budget": 150, "enterprise": A.lower()}
    r = _post(clients.analyst, "/api/ledger/targets", mine)
    assert r.json()["enterprise"] == A and r.json()["projection"]["status"] == "over"
    data = clients.analyst.get("/api/energy").json()
    warned = [(w["enterprise"] and w["enterprise"]["name"], w["status"]) for w in data["warnings"]]
    assert warned == [("A", "over"), (None, "over")]  # worst first: A 108 %, the park 106 %
    assert data["warnings"][0]["ratio"] >= data["warnings"][1]["ratio"]
    (park_tce,) = [p for p in data["projections"] if p["quantity"] == "tce"]
    assert park_tce["budget"] == 400.0 and park_tce["months"][-1]["budget_cumulative"] == 400.0
    page = clients.analyst.get("/energy").text
    assert 'id="warnings"' in page and f'href="/enterprises/{A}/energy">A</a>' in page
    mine = clients.ent.get(f"/api/enterprises/{A}/energy").json()["projections"]
    assert [(p["quantity"], p["status"], p["budget"]) for p in mine] == [
        ("tce", "over", 150.0), ("tco2", "no_budget", None)
    ]  # fmt: skip
    again = _post(clients.analyst, "/api/ledger/targets",
                  {"year": 2023, "quantity": "tce", "budget": 500})  # fmt: skip
    assert again.json()["old"] == 400.0 and again.json()["projection"]["status"] == "ok"
    assert [a[1] for a in _audit(clients.store, "ledger.target")] == [
        "P 2023 tce", f"{A} 2023 tce", "P 2023 tce"
    ]  # fmt: skip
    future = _post(clients.analyst, "/api/ledger/targets",
                   {"year": 2030, "quantity": "tco2", "budget": 900})  # fmt: skip
    assert future.status_code == 200 and future.json()["projection"] is None  # no data yet


def test_targets_are_checked_and_need_edit(clients: LedgerClients) -> None:
    body = {"year": 2023, "quantity": "tce", "budget": 400}
    assert _post(clients.analyst, "/api/ledger/targets",
                 {**body, "quantity": "kWh"}).status_code == 400  # fmt: skip
    assert _post(clients.analyst, "/api/ledger/targets", {**body, "budget": 0}).status_code == 400
    unknown = _post(clients.analyst, "/api/ledger/targets", {**body, "enterprise": MISSING})
    assert unknown.status_code == 400 and "no enterprise" in unknown.json()["detail"]
    assert _post(clients.ent, "/api/ledger/targets", body).status_code == 403
    assert _post(clients.analyst, "/api/ledger/targets", {"year": 2023}).status_code == 422
    assert _audit(clients.store, "ledger.target") == []
