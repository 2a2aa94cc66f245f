"""The administration pages: users and tokens, disabling, enabling and revoking through
CSRF-protected forms (audited, with the administrator as actor), and the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_auth import PASSWORD, add_user, csrf, login, make_app, session_client

from greenpark.auth import create_token
from greenpark.auth.roles import utcnow
from greenpark.store import Store
from greenpark.store import auth as auth_db
from greenpark.store.schema import Enterprise


@pytest.fixture
def codes(park_store: Store) -> dict[str, str]:
    """Credit codes of the fixture park's enterprises by name (E1 ... E6)."""
    with park_store.read() as conn:
        return dict(conn.execute(select(Enterprise.name, Enterprise.credit_code)).all())


@pytest.fixture
def app(park_store: Store, codes: dict[str, str]) -> FastAPI:
    add_user(park_store, "root", "admin")
    add_user(park_store, "bob", "enterprise", enterprises=(codes["E2"], codes["E1"]))
    add_user(
        park_store,
        "eva",
        "evaluator",
        valid_until=dt.datetime(2030, 6, 30, 16, tzinfo=dt.UTC),
    )
    return make_app(park_store)


@pytest.fixture
def admin(app: FastAPI) -> TestClient:
    client = TestClient(app)
    assert login(client, "root").status_code == 303
    return client


def _token(store: Store, username: str, name: str = "etl") -> tuple[str, int]:
    with store.write() as conn:
        token = create_token(conn, username, name, actor="root")
        (row,) = [t for t in auth_db.list_tokens(conn) if t["prefix"] == token[:10]]
    return token, row["id"]


def _audit(store: Store, action: str) -> list[dict]:
    with store.read() as conn:
        return auth_db.list_audit(conn, action=action)


def test_api_admin_users_lists_users_and_tokens_never_secrets(
    admin: TestClient, park_store: Store, codes: dict[str, str]
) -> None:
    token, token_id = _token(park_store, "bob")
    body = admin.get("/api/admin/users").json()
    assert body["timezone"] == "Asia/Shanghai"
    users = {u["username"]: u for u in body["users"]}
    assert list(users) == ["bob", "eva", "root"]
    bob = users["bob"]
    assert bob["role"] == "enterprise"
    assert bob["enterprises"] == sorted([codes["E1"], codes["E2"]])
    assert bob["disabled"] is False and bob["valid_until"] is None
    assert bob["created_at"].endswith("+08:00")
    (tok,) = bob["tokens"]
    assert tok["id"] == token_id and tok["name"] == "etl" and tok["prefix"] == token[:10]
    assert tok["role"] == "enterprise" and tok["revoked_at"] is None
    assert tok["last_used_at"] is None
    assert users["eva"]["valid_until"] == "2030-07-01T00:00:00+08:00"
    assert users["root"]["enterprises"] == [] and users["root"]["tokens"] == []
    text = admin.get("/api/admin/users").text
    assert token not in text and "hash" not in text and "$argon2" not in text


def test_token_use_is_recorded_to_the_minute(admin: TestClient, park_store: Store) -> None:
    token, _ = _token(park_store, "bob")
    before = utcnow().replace(microsecond=0)
    client = TestClient(admin.app)
    for _ in range(3):
        assert client.get("/api/session", headers={"Authorization": f"Bearer {token}"}).is_success
    users = {u["username"]: u for u in admin.get("/api/admin/users").json()["users"]}
    (tok,) = users["bob"]["tokens"]
    assert dt.datetime.fromisoformat(tok["last_used_at"]) >= before


def test_users_page_shows_users_tokens_and_forms(admin: TestClient, park_store: Store) -> None:
    token, token_id = _token(park_store, "bob")
    page = admin.get("/admin/users")
    assert page.status_code == 200
    html = page.text
    assert 'data-user="bob"' in html and 'data-user="eva"' in html
    assert f"<code>{token[:10]}…</code>" in html and token not in html
    nonce_field = f'<input type="hidden" name="csrf" value="{csrf(admin)}">'
    assert f'action="/admin/users/bob/disable">{nonce_field}' in html
    assert f'action="/admin/tokens/{token_id}/revoke">{nonce_field}' in html
    assert 'action="/admin/users/root/disable"' not in html  # not oneself
    assert 'href="/api/admin/users"' in html and 'href="/admin/audit"' in html


def test_disable_and_enable_through_the_form(
    app: FastAPI, admin: TestClient, park_store: Store
) -> None:
    bob = TestClient(app)
    assert login(bob, "bob").status_code == 303
    token, _ = _token(park_store, "bob")
    response = admin.post(
        "/admin/users/bob/disable", data={"csrf": csrf(admin)}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin/users"
    assert bob.get("/api/session").json()["authenticated"] is False  # session ended
    bearer = {"Authorization": f"Bearer {token}"}
    assert TestClient(app).get("/api/session", headers=bearer).status_code == 401  # revoked
    assert login(TestClient(app), "bob").status_code == 401
    (row,) = _audit(park_store, "user.disable")
    assert (row["actor"], row["target"], row["ip"]) == ("root", "bob", "testclient")
    assert 'data-user="bob" class="disabled"' in admin.get("/admin/users").text

    response = admin.post(
        "/admin/users/bob/enable", data={"csrf": csrf(admin)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert login(TestClient(app), "bob").status_code == 303
    assert TestClient(app).get("/api/session", headers=bearer).status_code == 401  # stays revoked
    (row,) = _audit(park_store, "user.enable")
    assert (row["actor"], row["target"]) == ("root", "bob")


def test_forms_without_csrf_change_nothing(
    app: FastAPI, admin: TestClient, park_store: Store
) -> None:
    _, token_id = _token(park_store, "bob")
    for path in ("/admin/users/bob/disable", f"/admin/tokens/{token_id}/revoke"):
        assert admin.post(path, follow_redirects=False).status_code == 403
        assert admin.post(path, data={"csrf": "f" * 64}).status_code == 403
    assert _audit(park_store, "user.disable") == [] and _audit(park_store, "token.revoke") == []
    assert login(TestClient(app), "bob").status_code == 303


def test_revoke_a_token_through_the_form_and_the_api(
    app: FastAPI, admin: TestClient, park_store: Store
) -> None:
    first, first_id = _token(park_store, "bob", "one")
    second, second_id = _token(park_store, "eva", "two")
    response = admin.post(
        f"/admin/tokens/{first_id}/revoke", data={"csrf": csrf(admin)}, follow_redirects=False
    )
    assert response.status_code == 303
    client = TestClient(app)
    assert (
        client.get("/api/session", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    )
    assert client.get("/api/session", headers={"Authorization": f"Bearer {second}"}).is_success
    revoked = admin.post(
        f"/api/admin/tokens/{second_id}/revoke", headers={"X-CSRF-Token": csrf(admin)}
    )
    assert revoked.status_code == 200
    assert revoked.json()["id"] == second_id and revoked.json()["revoked_at"] is not None
    assert (
        client.get("/api/session", headers={"Authorization": f"Bearer {second}"}).status_code == 401
    )
    assert [r["target"] for r in _audit(park_store, "token.revoke")] == [
        f"token {second_id}",
        f"token {first_id}",
    ]
    assert {r["actor"] for r in _audit(park_store, "token.revoke")} == {"root"}


def test_api_twins_of_the_forms(admin: TestClient, park_store: Store) -> None:
    headers = {"X-CSRF-Token": csrf(admin)}
    off = admin.post("/api/admin/users/eva/disable", headers=headers)
    assert off.status_code == 200
    assert off.json()["username"] == "eva" and off.json()["disabled"] is True
    on = admin.post("/api/admin/users/eva/enable", headers=headers)
    assert on.json()["disabled"] is False
    assert admin.post("/api/admin/users/nobody/disable", headers=headers).status_code == 404
    assert admin.post("/api/admin/tokens/99999/revoke", headers=headers).status_code == 404
    myself = admin.post("/api/admin/users/root/disable", headers=headers)
    assert myself.status_code == 400
    assert myself.json() == {"detail": "you cannot disable your own account"}
    page = admin.post("/admin/users/nobody/disable", data={"csrf": csrf(admin)})
    assert page.status_code == 404 and "Error 404" in page.text


def test_admin_api_with_a_bearer_token(app: FastAPI, park_store: Store) -> None:
    token, _ = _token(park_store, "root")
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    assert client.post("/api/admin/users/eva/disable").json()["disabled"] is True  # no CSRF
    bobs, _ = _token(park_store, "bob")
    other = TestClient(app, headers={"Authorization": f"Bearer {bobs}"})
    assert other.post("/api/admin/users/eva/enable").status_code == 403


# --- the audit log ----------------------------------------------------------------------


def test_audit_log_newest_first_with_filters(app: FastAPI, admin: TestClient) -> None:
    assert login(TestClient(app), "bob", "wrong password").status_code == 401
    assert login(TestClient(app), "eva", PASSWORD).status_code == 303
    events = admin.get("/api/admin/audit").json()["events"]
    actions = [(e["action"], e["actor"]) for e in events]
    assert actions[:3] == [("login", "eva"), ("login.failed", "bob"), ("login", "root")]
    assert actions[-3:] == [
        ("user.create", "test"),
        ("user.create", "test"),
        ("user.create", "test"),
    ]
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)
    assert events[0]["time"].endswith("+08:00") and events[0]["ip"] == "testclient"
    failed = admin.get("/api/admin/audit", params={"action": "login.failed"}).json()
    assert failed["action"] == "login.failed"
    assert [(e["action"], e["actor"]) for e in failed["events"]] == [("login.failed", "bob")]
    by_eva = admin.get("/api/admin/audit", params={"actor": "eva"}).json()["events"]
    assert [e["action"] for e in by_eva] == ["login"]
    one = admin.get("/api/admin/audit", params={"limit": 1}).json()
    assert one["limit"] == 1 and len(one["events"]) == 1
    for bad in (0, 1001):
        assert admin.get("/api/admin/audit", params={"limit": bad}).status_code == 422
    assert admin.get("/api/admin/audit", params={"limit": 1000}).status_code == 200


def test_audit_page(app: FastAPI, admin: TestClient) -> None:
    assert login(TestClient(app), "bob", "wrong password").status_code == 401
    page = admin.get("/admin/audit", params={"action": "login.failed"})
    assert page.status_code == 200
    assert page.text.count('data-action="login.failed"') == 1
    assert 'data-action="login"' not in page.text
    assert 'value="login.failed"' in page.text and 'href="/api/admin/audit"' in page.text
    assert "No events match the filters" in admin.get("/admin/audit?actor=nobody").text
    too_many = admin.get("/admin/audit", params={"limit": 5000})
    assert too_many.status_code == 400 and "between 1 and 1000" in too_many.text


def test_audit_is_for_administrators_only(app: FastAPI, park_store: Store) -> None:
    add_user(park_store, "ann", "analyst")
    analyst = session_client(app, park_store, "ann")
    assert analyst.get("/api/admin/audit").status_code == 403
    assert analyst.get("/admin/audit").status_code == 403
