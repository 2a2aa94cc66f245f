"""Test apps, users and logins for the web tests: the secret key, users with a known
password, logging in through the form, CSRF tokens and session cookies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from greenpark.auth import Principal, Role, create_user, start_session
from greenpark.auth.roles import utcnow
from greenpark.config import Settings
from greenpark.standards import credit_code_check_character
from greenpark.store import Store
from greenpark.store import auth as auth_db
from greenpark.web import create_app
from greenpark.web.security import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for

TZ = "Asia/Shanghai"

#: The secret key of every test app (at least 32 characters, not a placeholder).
SECRET_KEY = "test-secret-key-0123456789abcdef-0123456789abcdef"
#: The password of every test user (argon2id-hashed by ``create_user``).
PASSWORD = "correct horse battery staple"


def credit_code(n: int) -> str:
    """A valid GB 32100-2015 code for test enterprise ``n`` (Gui'an New Area, 520900)."""
    first17 = f"91520900MA6H0{n:04d}"
    return first17 + credit_code_check_character(first17)


def make_settings(store: Store, **overrides: object) -> Settings:
    """Settings of a test app on ``store``: the test secret key, Asia/Shanghai."""
    values: dict[str, object] = {
        "database_url": store.url,
        "park_timezone": TZ,
        "secret_key": SECRET_KEY,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


def make_app(store: Store, **overrides: object) -> FastAPI:
    """A test app serving ``store`` (settings from :func:`make_settings`)."""
    return create_app(make_settings(store, **overrides), store=store)


def add_user(
    store: Store,
    username: str,
    role: str,
    *,
    enterprises: tuple[str, ...] = (),
    valid_until: dt.datetime | None = None,
) -> None:
    """Create a user with :data:`PASSWORD`; an evaluator is valid for 30 days by default."""
    if role == "evaluator" and valid_until is None:
        valid_until = utcnow() + dt.timedelta(days=30)
    with store.write() as conn:
        create_user(
            conn,
            username,
            role,
            password=PASSWORD,
            enterprises=enterprises,
            valid_until=valid_until,
            actor="test",
        )


def csrf(client: TestClient) -> str:
    """The CSRF token of ``client``'s nonce cookie (a page is fetched first if it has none)."""
    nonce = client.cookies.get(CSRF_COOKIE)
    if not nonce:
        client.get("/login")
        nonce = client.cookies.get(CSRF_COOKIE)
    assert nonce, "the login page sets the CSRF cookie"
    return csrf_token_for(SECRET_KEY, nonce)


def login(
    client: TestClient, username: str, password: str = PASSWORD, next_path: str = "/"
) -> Response:
    """Log in through the form, as a browser does (CSRF token included)."""
    return client.post(
        "/login",
        data={"username": username, "password": password, "next": next_path, "csrf": csrf(client)},
        follow_redirects=False,
    )


def open_session(store: Store, username: str) -> str:
    """A new session cookie value for ``username``, without the (slow) password check."""
    with store.write() as conn:
        user = auth_db.get_user(conn, username=username)
        assert user is not None, username
        principal = Principal(
            user_id=user["id"], username=username, role=Role(user["role"]), enterprise_ids=None
        )
        return start_session(conn, principal, hours=1)


def session_client(app: FastAPI, store: Store, username: str) -> TestClient:
    """A client of ``app`` logged in as ``username`` (session and CSRF cookies set)."""
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, open_session(store, username))
    csrf(client)
    return client


@dataclass
class LedgerClients:
    """Logged-in clients on the small park of ``tests/ledger_park.py``."""

    store: Store
    admin: TestClient
    analyst: TestClient
    ent: TestClient  # enterprise user of ledger_park.A
    evaluator: TestClient
