"""``POST /api/readings``: JSON push of meter readings, all or nothing, scoped, audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_auth import add_user, credit_code, csrf, make_app, session_client

from greenpark.store import Store
from greenpark.store.schema import AuditEvent, Meter, MeterReading

READING = {"meter": "M-ELEC", "start": "2025-03-01 00:00", "quantity": 2.5}


@pytest.fixture
def clients(park_store: Store) -> tuple[Store, TestClient, TestClient]:
    app = make_app(park_store)
    add_user(park_store, "ana", "analyst")
    add_user(park_store, "ent", "enterprise", enterprises=(credit_code(2),))
    return (
        park_store,
        session_client(app, park_store, "ana"),
        session_client(app, park_store, "ent"),
    )


def _post(client: TestClient, body: dict) -> object:
    return client.post("/api/readings", json=body, headers={"X-CSRF-Token": csrf(client)})


def _count(store: Store, code: str = "M-ELEC") -> int:
    with store.read() as c:
        mid = c.execute(select(Meter.id).where(Meter.code == code)).scalar_one()
        q = select(func.count()).select_from(MeterReading).where(MeterReading.meter_id == mid)
        return c.execute(q).scalar_one()


def test_push_and_repeat(clients: tuple[Store, TestClient, TestClient]) -> None:
    store, ana, _ = clients
    before = _count(store)
    body = {"readings": [READING, {**READING, "start": "2025-03-01T01:00+08:00", "unit": "MWh",
                                   "quantity": 0.002}]}  # fmt: skip
    r = _post(ana, body)
    assert r.status_code == 200, r.text
    assert r.json() == {"rows": 2, "inserted": 2, "replaced": 0}
    assert _count(store) == before + 2
    again = _post(ana, body)  # the same push: replaced, never doubled
    assert again.json() == {"rows": 2, "inserted": 0, "replaced": 2}
    assert _count(store) == before + 2
    with store.read() as c:
        q = select(AuditEvent.actor, AuditEvent.detail).where(
            AuditEvent.action == "readings.upload"
        )
        events = c.execute(q).all()
    assert [actor for actor, _ in events] == ["ana", "ana"]
    assert events[0][1]["rows"] == 2


def test_bad_item_named_and_nothing_written(clients: tuple[Store, TestClient, TestClient]) -> None:
    store, ana, _ = clients
    before = _count(store)
    body = {"readings": [READING, {**READING, "meter": "NOPE"}, {**READING, "quantity": -1}]}
    r = _post(ana, body)
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert "readings: row 2, column 'meter': no meter 'NOPE'" in detail
    assert "readings: row 3, column 'quantity': negative" in detail
    assert _count(store) == before


def test_enterprise_pushes_only_to_its_meters(
    clients: tuple[Store, TestClient, TestClient],
) -> None:
    store, _, ent = clients  # "ent" sees enterprise 2 only; M-ELEC is enterprise 1's
    r = _post(ent, {"readings": [READING]})
    assert r.status_code == 400 and "no meter 'M-ELEC'" in r.json()["detail"]
    before = _count(store)
    _post(ent, {"readings": [READING]})
    assert _count(store) == before


def test_validation_of_the_body(clients: tuple[Store, TestClient, TestClient]) -> None:
    _, ana, _ = clients
    assert _post(ana, {"readings": []}).status_code == 422
    assert _post(ana, {"readings": [{"meter": "M-ELEC"}]}).status_code == 422
