"""``POST /api/evaluation/entries``: indicator values entered by hand with evidence, on the
small park of ``tests/ledger_park.py`` (park ``P``)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from web_auth import LedgerClients, csrf

from greenpark.auth import create_token
from greenpark.evaluation.service import evaluate
from greenpark.store import Store
from greenpark.store.schema import AuditEvent, EvaluationEntry

PATH = "/api/evaluation/entries"
GREEN = {"scheme": "miit-green-park", "year": 2023, "id": "green_coverage", "value": 15,
         "unit": "%", "evidence": "https://example.org/survey-2023.pdf"}  # fmt: skip


@pytest.fixture
def clients(ledger_clients: LedgerClients) -> LedgerClients:
    return ledger_clients


def _post(client: TestClient, body: dict[str, Any]) -> Response:
    return client.post(PATH, json=body, headers={"X-CSRF-Token": csrf(client)})


def _stored(store: Store) -> list[tuple]:
    with store.read() as c:
        q = select(EvaluationEntry.indicator, EvaluationEntry.year, EvaluationEntry.value,
                   EvaluationEntry.evidence, EvaluationEntry.entered_by)  # fmt: skip
        return [tuple(r) for r in c.execute(q.order_by(EvaluationEntry.indicator))]


def _audit(store: Store) -> list[tuple]:
    with store.read() as c:
        q = select(AuditEvent.actor, AuditEvent.detail).where(
            AuditEvent.action == "evaluation.entry"
        )
        return [tuple(r) for r in c.execute(q.order_by(AuditEvent.id))]


def test_entries_are_stored_audited_and_scored(clients: LedgerClients) -> None:
    before = evaluate(clients.store, "miit-green-park", 2023)
    assert before.values["green_coverage"].is_manual
    r = _post(clients.analyst, {"entries": [GREEN]})
    assert r.status_code == 200, r.text
    assert r.json() == {"entries": 1, "new": 1, "replaced": 0, "computed": []}
    assert _stored(clients.store) == [("green_coverage", 2023, 15.0, GREEN["evidence"], "ana")]
    ((actor, detail),) = _audit(clients.store)
    assert (actor, detail["via"], detail["park"], detail["new"]) == ("ana", "session", "P", 1)
    after = evaluate(clients.store, "miit-green-park", 2023)
    v = after.values["green_coverage"]
    assert v.value == 15.0 and v.provenance().startswith("manual entry by ana at ")
    assert after.score.indicator("green_coverage").score == pytest.approx(0.5)
    # a repeat replaces; the audit keeps the old value
    again = _post(clients.admin, {"entries": [{**GREEN, "value": 20}]})
    assert again.json() == {"entries": 1, "new": 0, "replaced": 1, "computed": []}
    assert _stored(clients.store) == [("green_coverage", 2023, 20.0, GREEN["evidence"], "admin")]
    assert _audit(clients.store)[1][1]["replaced"][0]["value"] == 15.0


def test_an_entry_push_with_an_api_token_is_audited_as_such(clients: LedgerClients) -> None:
    with clients.store.write() as conn:
        token = create_token(conn, "ana", "etl", actor="test")
    bot = TestClient(clients.analyst.app, headers={"Authorization": f"Bearer {token}"})
    entry = {**GREEN, "id": "renewable_share", "value": 40}
    r = bot.post(PATH, json={"entries": [entry]})  # no CSRF token needed
    assert r.status_code == 200, r.text
    assert r.json()["computed"] == ["miit-green-park 2023 renewable_share"]
    ((actor, detail),) = _audit(clients.store)
    assert (actor, detail["via"]) == ("ana", "token")


def test_bad_entries_are_all_named_and_nothing_is_written(clients: LedgerClients) -> None:
    body = {"entries": [
        GREEN,
        {**GREEN, "id": "bus_stop_coverage_500m", "unit": "km"},
        {**GREEN, "id": "no_such_indicator"},
        {**GREEN, "id": "development_plan", "unit": None, "value": 2, "evidence": None},
        {**GREEN, "scheme": "leed"},
    ]}  # fmt: skip
    r = _post(clients.analyst, body)
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert detail.startswith("5 bad value(s):")
    for row, column in ((2, "unit"), (3, "id"), (4, "value"), (4, "evidence"), (5, "scheme")):
        assert f"entries: row {row}, column '{column}'" in detail, (row, column)
    assert "row 1," not in detail
    assert _stored(clients.store) == [] and _audit(clients.store) == []
    assert _post(clients.analyst, {"entries": []}).status_code == 422
    assert _post(clients.analyst, {"entries": [{"scheme": "miit-green-park"}]}).status_code == 422


def test_only_whole_park_editors_may_enter(clients: LedgerClients) -> None:
    assert _post(clients.ent, {"entries": [GREEN]}).status_code == 403
    assert _post(clients.evaluator, {"entries": [GREEN]}).status_code == 403
    r = _post(TestClient(clients.admin.app), {"entries": [GREEN]})  # nobody logged in
    assert r.status_code == 401
    assert _stored(clients.store) == []
