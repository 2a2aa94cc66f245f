"""Logging in and out through the web app: cookies, CSRF, throttling, redirects, the secret
key, and who-am-I (``/api/session``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_auth import (
    PASSWORD,
    SECRET_KEY,
    add_user,
    csrf,
    login,
    make_app,
    make_settings,
    session_client,
)

from greenpark.auth import create_token
from greenpark.config import Settings
from greenpark.errors import InputError
from greenpark.store import Store
from greenpark.store import auth as auth_db
from greenpark.store.schema import Enterprise
from greenpark.web import create_app
from greenpark.web.security import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for
from greenpark.web.session import safe_next


@pytest.fixture
def app(park_store: Store) -> FastAPI:
    add_user(park_store, "alice", "analyst")
    return make_app(park_store)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _set_cookie(response: object, name: str) -> str:
    """The Set-Cookie header of cookie ``name`` in ``response``."""
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    found = [h for h in headers if h.startswith(f"{name}=")]
    assert len(found) == 1, headers
    return str(found[0])


def _attrs(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def _audit(store: Store, action: str) -> list[dict]:
    with store.read() as conn:
        return auth_db.list_audit(conn, action=action)


def _who(client: TestClient) -> dict:
    return client.get("/api/session").json()  # type: ignore[no-any-return]


# --- cookies ----------------------------------------------------------------------------


def test_login_page_sets_the_csrf_cookie_and_field(client: TestClient) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    header = _set_cookie(page, CSRF_COOKIE)
    assert {"httponly", "samesite=strict", "path=/"} <= _attrs(header)
    assert "secure" not in _attrs(header)
    nonce = client.cookies[CSRF_COOKIE]
    field = re.search(r'<input type="hidden" name="csrf" value="([0-9a-f]{64})">', page.text)
    assert field and field.group(1) == csrf_token_for(SECRET_KEY, nonce)
    again = client.get("/login")  # the cookie is kept, not renewed
    assert CSRF_COOKIE not in again.headers.get("set-cookie", "")
    assert CSRF_COOKIE not in client.get("/api/session").headers.get("set-cookie", "")


def test_login_sets_an_httponly_samesite_session_cookie(
    client: TestClient, park_store: Store
) -> None:
    response = login(client, "alice")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    header = _set_cookie(response, SESSION_COOKIE)
    attrs = _attrs(header)
    assert {"httponly", "samesite=lax", "path=/", "max-age=43200"} <= attrs
    assert "secure" not in attrs
    cookie = client.cookies[SESSION_COOKIE]
    assert cookie.startswith("gps_")
    assert client.get("/").status_code == 200
    assert _who(client)["username"] == "alice"
    (row,) = _audit(park_store, "login")
    assert (row["actor"], row["ip"]) == ("alice", "testclient")


@pytest.mark.parametrize(
    ("https", "base_url"), [(True, "http://testserver"), (False, "https://testserver")]
)
def test_cookies_are_secure_under_https(park_store: Store, https: bool, base_url: str) -> None:
    """``https=True`` (behind a TLS proxy the app sees plain HTTP) or an HTTPS request."""
    add_user(park_store, "alice", "analyst")
    client = TestClient(make_app(park_store, https=https), base_url=base_url)
    page = client.get("/login")
    header = _set_cookie(page, CSRF_COOKIE)
    assert "secure" in _attrs(header)
    nonce = header.split(";")[0].split("=", 1)[1]
    client.cookies.clear()  # the client would not send a Secure cookie over plain HTTP
    response = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf": csrf_token_for(SECRET_KEY, nonce)},
        headers={"Cookie": f"{CSRF_COOKIE}={nonce}"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "secure" in _attrs(_set_cookie(response, SESSION_COOKIE))


# --- failures and throttling ------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong password"), ("mallory", PASSWORD)]
)
def test_failed_login_is_a_401_page_that_names_no_culprit(
    client: TestClient, park_store: Store, username: str, password: str
) -> None:
    response = login(client, username, password)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert "Wrong user name or password" in response.text
    assert "not exist" not in response.text and "unknown" not in response.text.lower()
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    (row,) = _audit(park_store, "login.failed")
    assert (row["actor"], row["ip"]) == (username, "testclient")
    assert _who(client)["authenticated"] is False


def test_overlong_user_name_is_a_plain_failure(client: TestClient) -> None:
    assert login(client, "x" * 500).status_code == 401
    assert login(client, "alice", "p" * 5000).status_code == 401


def test_five_failures_give_429_with_retry_after(client: TestClient, park_store: Store) -> None:
    for _ in range(5):
        assert login(client, "alice", "wrong password").status_code == 401
    response = login(client, "alice")  # even the right password
    assert response.status_code == 429
    assert response.headers["retry-after"] == "900"
    assert "Too many failed logins" in response.text
    assert SESSION_COOKIE not in client.cookies
    assert len(_audit(park_store, "login.throttled")) == 1


# --- CSRF -------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "0" * 64, "forged"])
def test_login_without_a_valid_csrf_token_is_refused(
    client: TestClient, park_store: Store, token: str | None
) -> None:
    client.get("/login")
    data = {"username": "alice", "password": PASSWORD}
    if token is not None:
        data["csrf"] = token
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "CSRF check failed" in response.text
    assert SESSION_COOKIE not in client.cookies
    assert _audit(park_store, "login") == [] and _audit(park_store, "login.failed") == []


def test_csrf_token_of_another_nonce_is_refused(client: TestClient, park_store: Store) -> None:
    client.get("/login")
    other = csrf_token_for(SECRET_KEY, "some-other-nonce")
    response = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "csrf": other}
    )
    assert response.status_code == 403
    client.cookies.delete(CSRF_COOKIE)  # a token without its cookie
    token = csrf_token_for(SECRET_KEY, "nonce")
    response = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "csrf": token}
    )
    assert response.status_code == 403
    assert _audit(park_store, "login") == []


def test_logout_without_csrf_keeps_the_session(client: TestClient, park_store: Store) -> None:
    assert login(client, "alice").status_code == 303
    for path in ("/logout", "/logout/everywhere"):
        response = client.post(path, follow_redirects=False)
        assert response.status_code == 403, path
        assert "CSRF check failed" in response.text
        response = client.post(path, data={"csrf": "0" * 64}, follow_redirects=False)
        assert response.status_code == 403, path
    api = client.post("/api/logout")
    assert api.status_code == 403 and api.json() == {
        "detail": "CSRF check failed: reload the page and try again"
    }
    assert _who(client)["username"] == "alice"
    assert _audit(park_store, "logout") == []


def test_csrf_header_is_accepted_for_scripts_using_the_session(client: TestClient) -> None:
    assert login(client, "alice").status_code == 303
    response = client.post("/api/logout", headers={"X-CSRF-Token": csrf(client)})
    assert response.status_code == 200 and response.json() == {"ended": 1}
    assert _who(client)["authenticated"] is False


def test_bearer_token_posts_need_no_csrf(client: TestClient, park_store: Store) -> None:
    with park_store.write() as conn:
        token = create_token(conn, "alice", "script")
    second = TestClient(client.app)  # a browser session of the same user
    assert login(second, "alice").status_code == 303
    response = TestClient(client.app).post(
        "/api/logout/everywhere", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200 and response.json() == {"ended": 1}
    assert _who(second)["authenticated"] is False
    plain = TestClient(client.app).post("/api/logout", headers={"Authorization": f"Bearer {token}"})
    assert plain.status_code == 400 and "revoke it instead" in plain.json()["detail"]


# --- redirects --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/path",
        "https://evil.example",
        "http:/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/%0d%0aSet-Cookie:x=y".replace("%0d%0a", "\r\n"),
        "",
    ],
)
def test_open_redirects_go_home(client: TestClient, target: str) -> None:
    assert safe_next(target) == "/"
    response = login(client, "alice", next_path=target)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


@pytest.mark.parametrize("target", ["/", "/admin/audit?action=login", "/api/overview"])
def test_local_next_is_kept(target: str) -> None:
    assert safe_next(target) == target


def test_a_page_without_login_goes_to_the_login_page_and_back(client: TestClient) -> None:
    response = client.get("/admin/audit?action=login.failed&limit=5", follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location == "/login?next=/admin/audit%3Faction%3Dlogin.failed%26limit%3D5"
    page = client.get(location)
    assert (
        '<input type="hidden" name="next" value="/admin/audit?action=login.failed&amp;limit=5">'
        in page.text
    )
    back = login(client, "alice", next_path="/admin/audit?action=login.failed&limit=5")
    assert back.headers["location"] == "/admin/audit?action=login.failed&limit=5"


def test_api_without_login_is_401_with_bearer_challenge(client: TestClient) -> None:
    response = client.get("/api/overview")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "log in first"}
    bad = client.get("/api/overview", headers={"Authorization": "Bearer gpt_nonsense"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    basic = client.get("/api/overview", headers={"Authorization": "Basic YWxpY2U6eA=="})
    assert basic.status_code == 401


def test_forbidden_is_403_page_and_json(client: TestClient) -> None:
    assert login(client, "alice").status_code == 303  # an analyst: no user management
    page = client.get("/admin/users")
    assert page.status_code == 403 and "Error 403" in page.text
    assert "your role (analyst) may not do this" in page.text
    api = client.get("/api/admin/users")
    assert api.status_code == 403
    assert api.json() == {"detail": "your role (analyst) may not do this"}


# --- log-out ----------------------------------------------------------------------------


def test_logout_ends_the_session_and_deletes_the_cookie(
    client: TestClient, park_store: Store
) -> None:
    assert login(client, "alice").status_code == 303
    cookie = client.cookies[SESSION_COOKIE]
    response = client.post("/logout", data={"csrf": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert "max-age=0" in _set_cookie(response, SESSION_COOKIE).lower()
    stale = TestClient(client.app, cookies={SESSION_COOKIE: cookie})
    assert stale.get("/", follow_redirects=False).status_code == 303
    assert len(_audit(park_store, "logout")) == 1


def test_logout_everywhere_ends_the_other_sessions(app: FastAPI, park_store: Store) -> None:
    first, second = TestClient(app), TestClient(app)
    assert login(first, "alice").status_code == 303
    assert login(second, "alice").status_code == 303
    assert second.get("/").status_code == 200
    response = first.post("/logout/everywhere", data={"csrf": csrf(first)}, follow_redirects=False)
    assert response.status_code == 303
    gone = second.get("/", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
    assert _who(second)["authenticated"] is False
    assert len(_audit(park_store, "logout.everywhere")) == 1


def test_logout_without_a_session_does_nothing(client: TestClient, park_store: Store) -> None:
    response = client.post("/logout", data={"csrf": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    assert client.post("/api/logout", headers={"X-CSRF-Token": csrf(client)}).json() == {"ended": 0}
    assert _audit(park_store, "logout") == []


# --- who am I ---------------------------------------------------------------------------


def test_api_session(app: FastAPI, park_store: Store) -> None:
    assert _who(TestClient(app)) == {
        "authenticated": False,
        "username": None,
        "role": None,
        "permissions": [],
        "whole_park": False,
        "enterprise_ids": [],
        "via": None,
    }
    analyst = session_client(app, park_store, "alice")
    assert _who(analyst) == {
        "authenticated": True,
        "username": "alice",
        "role": "analyst",
        "permissions": ["edit", "read", "upload"],
        "whole_park": True,
        "enterprise_ids": [],
        "via": "session",
    }
    with park_store.read() as conn:
        code, ent_id = conn.execute(
            select(Enterprise.credit_code, Enterprise.id).where(Enterprise.name == "E1")
        ).one()
    add_user(park_store, "ent", "enterprise", enterprises=(code,))
    with park_store.write() as conn:
        token = create_token(conn, "ent", "script")
    who = TestClient(app).get("/api/session", headers={"Authorization": f"Bearer {token}"}).json()
    assert (who["role"], who["via"], who["whole_park"]) == ("enterprise", "token", False)
    assert who["enterprise_ids"] == [ent_id]


def test_nav_bar_shows_who_is_logged_in(app: FastAPI, park_store: Store) -> None:
    anonymous = TestClient(app).get("/login").text
    assert 'href="/login"' in anonymous and "Log out" not in anonymous
    html = session_client(app, park_store, "alice").get("/").text
    assert "alice · analyst" in html
    assert re.search(r'<form class="inline" method="post" action="/logout">'
                     r'<input type="hidden" name="csrf" value="[0-9a-f]{64}">', html)  # fmt: skip
    assert 'href="/admin/users"' not in html
    add_user(park_store, "root", "admin")
    assert 'href="/admin/users"' in session_client(app, park_store, "root").get("/").text


# --- the secret key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("", "no secret key"),
        ("changeme", "placeholder"),
        ("please-change-me" * 2, "placeholder"),
        ("short-but-random-8f3a", "shorter than 32"),
    ],
)
def test_create_app_refuses_a_missing_or_placeholder_secret(
    sqlite_store: Store, secret: str, message: str
) -> None:
    settings = make_settings(sqlite_store, secret_key=secret)
    with pytest.raises(InputError, match=message):
        create_app(settings, store=sqlite_store)


def test_create_app_reads_a_private_key_file(sqlite_store: Store, tmp_path: Path) -> None:
    key = tmp_path / "secret.key"
    key.write_text(SECRET_KEY + "\n", encoding="utf-8")
    key.chmod(0o644)
    settings = Settings(database_url=sqlite_store.url, secret_key_file=str(key))
    with pytest.raises(InputError, match="chmod 600"):
        create_app(settings, store=sqlite_store)
    key.chmod(0o600)
    app = create_app(settings, store=sqlite_store)
    assert app.state.secret_key == SECRET_KEY


def test_logins_and_administration_on_each_backend(store: Store) -> None:
    """The whole round on SQLite and PostgreSQL: log in, fail, administer, log out."""
    add_user(store, "root", "admin")
    add_user(store, "ann", "analyst")
    app = make_app(store)
    root, ann = TestClient(app), TestClient(app)
    assert login(root, "root").status_code == 303
    assert login(ann, "ann").status_code == 303
    assert login(TestClient(app), "ann", "wrong password").status_code == 401
    assert _who(ann)["role"] == "analyst"
    users = root.get("/api/admin/users").json()["users"]
    assert [u["username"] for u in users] == ["ann", "root"]
    off = root.post("/admin/users/ann/disable", data={"csrf": csrf(root)}, follow_redirects=False)
    assert off.status_code == 303
    assert _who(ann)["authenticated"] is False
    actions = [e["action"] for e in root.get("/api/admin/audit").json()["events"]]
    assert actions[:4] == ["user.disable", "login.failed", "login", "login"]
    out = root.post("/logout/everywhere", data={"csrf": csrf(root)}, follow_redirects=False)
    assert out.status_code == 303
    assert root.get("/api/admin/users").status_code == 401
