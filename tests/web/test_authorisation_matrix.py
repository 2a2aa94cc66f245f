"""The authorisation matrix: every route × every role (and nobody) answers as the route's
declared permission and ``ROLE_PERMISSIONS`` say.

The routes are enumerated from ``app.routes``, so a new route is checked the day it is
added: it fails here until it declares a permission (``greenpark.web.security.route``)
and, when its path has parameters, until :data:`EXAMPLES` gives it example values.

Expected answers:

- nobody, route not ``PUBLIC``: ``/api/...`` 401 (``WWW-Authenticate: Bearer``), a page
  303 to ``/login?next=...``;
- a role without the permission: 403;
- a role with it (or anybody on a ``PUBLIC`` route): 2xx or 3xx, or the answer
  :data:`FIXTURE_ANSWERS` names for a route the fixture park cannot serve. The examples lie
  inside every role's enterprise scope; :data:`OUT_OF_SCOPE` examples lie outside the
  enterprise user's and must answer 404, exactly like a code that does not exist;
- the enterprise user (who sees E1 only) on a :data:`WHOLE_PARK_ONLY` route: 403.

Each call has a fresh session (log-out routes end only their own), and unsafe methods send
a valid CSRF token; ``/api`` routes are called a second time with an API token of the
role (no CSRF).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from starlette.routing import Mount, Route
from web_auth import PASSWORD, SECRET_KEY, add_user, credit_code, make_app, open_session

from greenpark.auth import ROLE_PERMISSIONS, Permission, Role, create_token
from greenpark.store import Store
from greenpark.store import auth as auth_db
from greenpark.store.schema import Enterprise
from greenpark.web.security import (
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    UNSAFE_METHODS,
    csrf_token_for,
    route_permission,
)

#: One user per role; the enterprise user sees E1 only, the evaluator the whole park.
USERS: dict[Role, str] = {role: f"matrix-{role.value}" for role in Role}
#: Nobody logged in.
ANONYMOUS = None
CALLERS: tuple[Role | None, ...] = (*Role, ANONYMOUS)

#: Routes FastAPI and the app add without a permission dependency: the OpenAPI
#: documentation and the static files. They are public on purpose.
PUBLIC_WITHOUT_DEPENDENCY = frozenset(
    {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/static"}
)

#: Example values of path parameters, by route path. ``E1`` ... ``E6`` stand for the credit
#: codes of the fixture park's enterprises (``tests/web/conftest.py``), ``TOKEN`` for the
#: id of an API token of the user ``matrix-target``. Every value lies in every role's scope.
EXAMPLES: dict[str, dict[str, str]] = {
    "/enterprises/{credit_code}": {"credit_code": "E1"},
    "/api/enterprises/{credit_code}": {"credit_code": "E1"},
    "/stations/{code}": {"code": "S-AIR-01"},
    "/api/stations/{code}": {"code": "S-AIR-01"},
    "/meters/{code}": {"code": "M-ELEC"},
    "/api/meters/{code}": {"code": "M-ELEC"},
    "/api/meters/{code}/readings": {"code": "M-ELEC"},
    "/api/meters/{code}/readings.csv": {"code": "M-ELEC"},
    "/admin/users/{username}/disable": {"username": "matrix-target"},
    "/admin/users/{username}/enable": {"username": "matrix-target"},
    "/api/admin/users/{username}/disable": {"username": "matrix-target"},
    "/api/admin/users/{username}/enable": {"username": "matrix-target"},
    "/admin/tokens/{token_id}/revoke": {"token_id": "TOKEN"},
    "/api/admin/tokens/{token_id}/revoke": {"token_id": "TOKEN"},
    "/enterprises/{credit_code}/energy": {"credit_code": "E1"},
    "/api/enterprises/{credit_code}/energy": {"credit_code": "E1"},
    "/api/evaluation/evidence/{sha256}": {"sha256": "0" * 64},
}

#: Examples outside the enterprise user's scope (E1): E2's pages and E3's gas meter.
OUT_OF_SCOPE: dict[str, dict[str, str]] = {
    "/enterprises/{credit_code}": {"credit_code": "E2"},
    "/api/enterprises/{credit_code}": {"credit_code": "E2"},
    "/meters/{code}": {"code": "M-GAS"},
    "/api/meters/{code}": {"code": "M-GAS"},
    "/api/meters/{code}/readings": {"code": "M-GAS"},
    "/api/meters/{code}/readings.csv": {"code": "M-GAS"},
    "/enterprises/{credit_code}/energy": {"credit_code": "E2"},
    "/api/enterprises/{credit_code}/energy": {"credit_code": "E2"},
}

#: Routes of park-wide figures (the park's energy ledger counts energy once for the whole
#: park): a caller who sees only some enterprises gets 403 although its role reads.
WHOLE_PARK_ONLY: frozenset[str] = frozenset(
    {
        "/energy",
        "/api/energy",
        "/energy-station",
        "/api/energy-station",
        "/evaluation",
        "/api/evaluation",
        "/api/evaluation/scenarios",
        "/api/evaluation/evidence/{sha256}",
    }
)

#: Form fields a route needs to succeed (besides the CSRF token).
FORMS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/login"): {"username": "matrix-login", "password": PASSWORD, "next": "/"},
}

#: JSON bodies a route needs to succeed (the meter is E1's, inside every role's scope).
JSONS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/readings"): {
        "readings": [{"meter": "M-ELEC", "start": "2025-03-01 00:00", "quantity": 1.5}]
    },
    ("POST", "/api/ledger/entries"): {
        "entries": [
            {"enterprise": credit_code(1), "month": "2025-01", "kind": "gec", "quantity": 1.0}
        ]
    },
    ("POST", "/api/ledger/factors"): {
        "kind": "electricity",
        "key": "province/guizhou",
        "year": 2024,
        "value": 0.5,
        "source": "authorisation matrix",
    },
    ("POST", "/api/ledger/targets"): {"year": 2025, "quantity": "tce", "budget": 1000.0},
    ("POST", "/api/energy-station/day-ahead"): {"day": None, "commitment": True},
    ("POST", "/api/evaluation/scenarios"): {"scenarios": [{"name": "matrix", "buses": 1}]},
    ("POST", "/api/evaluation/entries"): {
        "entries": [
            {
                "scheme": "miit-green-park",
                "year": 2025,
                "id": "green_coverage",
                "value": 35.0,
                "evidence": "authorisation matrix",
            }
        ]
    },
}

#: What a route answers a caller its permission admits when the fixture park cannot give
#: it what it needs: the park has no energy station, so the day-ahead run is refused with
#: the reason (400, "no station assets"), after the permission check has let the caller in
#: (a caller without the permission still gets 401/403 first); the park stores no evidence
#: file, so the download answers 404 (the whole-park check comes first: 403 for E1's user).
FIXTURE_ANSWERS: dict[tuple[str, str], int] = {
    ("POST", "/api/energy-station/day-ahead"): 400,
    ("GET", "/api/evaluation/evidence/{sha256}"): 404,
}

#: Answers that differ when the caller uses an API token instead of a session:
#: an API token is revoked, not logged out.
TOKEN_ANSWERS: dict[tuple[str, str], int] = {("POST", "/api/logout"): 400}


@dataclass
class Matrix:
    """The app, its store and what the calls need: the credit codes of E1 ... E6, the id of
    ``matrix-target``'s token and an API token per role."""

    app: FastAPI
    store: Store
    codes: dict[str, str]
    target_token: int
    tokens: dict[Role, str]


@pytest.fixture
def matrix(park_store: Store) -> Iterator[Matrix]:
    with park_store.read() as conn:
        codes = dict(conn.execute(select(Enterprise.name, Enterprise.credit_code)).all())
    for role, username in USERS.items():
        enterprises = (codes["E1"],) if role is Role.ENTERPRISE else ()
        add_user(park_store, username, role.value, enterprises=enterprises)
    add_user(park_store, "matrix-login", "analyst")
    add_user(park_store, "matrix-target", "analyst")
    with park_store.write() as conn:
        tokens = {role: create_token(conn, name, "matrix") for role, name in USERS.items()}
        create_token(conn, "matrix-target", "to revoke")
        target = auth_db.get_user(conn, username="matrix-target")
        (row,) = auth_db.list_tokens(conn, user_id=target["id"])
    with TestClient(make_app(park_store)) as client:
        yield Matrix(client.app, park_store, codes, row["id"], tokens)  # type: ignore[arg-type]


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every :class:`APIRoute` of ``app``."""
    return [r for r in app.routes if isinstance(r, APIRoute)]


def _path(matrix: Matrix, route: APIRoute, examples: dict[str, dict[str, str]]) -> str:
    if "{" not in route.path:
        return route.path
    values = examples[route.path]
    resolved = {
        name: str(matrix.target_token) if v == "TOKEN" else matrix.codes.get(v, v)
        for name, v in values.items()
    }
    return route.path.format(**resolved)


def _call(
    matrix: Matrix, route: APIRoute, caller: Role | None, path: str, *, token: bool = False
) -> Response:
    """Call ``route`` at ``path`` as ``caller`` with a fresh session (or its API token)."""
    (method,) = route.methods
    client = TestClient(matrix.app)
    headers: dict[str, str] = {}
    if token:
        assert caller is not None
        headers["Authorization"] = f"Bearer {matrix.tokens[caller]}"
    else:
        if caller is not None:
            client.cookies.set(SESSION_COOKIE, open_session(matrix.store, USERS[caller]))
        nonce = f"matrix-nonce-{caller}"
        client.cookies.set(CSRF_COOKIE, nonce)
        if method in UNSAFE_METHODS:
            headers[CSRF_HEADER] = csrf_token_for(SECRET_KEY, nonce)
    form = FORMS.get((method, route.path))
    kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": False}
    if form is not None:
        kwargs["data"] = form
    body = JSONS.get((method, route.path))
    if body is not None:
        kwargs["json"] = body
    return client.request(method, path, **kwargs)


def _problem(route: APIRoute, caller: Role | None, response: Response) -> str | None:
    """What is wrong with ``response`` of ``route`` called by ``caller``, or None."""
    permission = route_permission(route)
    is_api = route.path.startswith("/api/")
    status = response.status_code
    if permission is not Permission.PUBLIC and caller is None:
        if is_api:
            if status != 401 or response.headers.get("www-authenticate") != "Bearer":
                return f"expected 401 with WWW-Authenticate: Bearer, got {status}"
        elif status != 303 or not response.headers["location"].startswith("/login"):
            return f"expected 303 to /login, got {status} {response.headers.get('location')}"
        return None
    if permission is not Permission.PUBLIC and permission not in ROLE_PERMISSIONS[caller]:  # type: ignore[index]
        return None if status == 403 else f"expected 403, got {status}"
    if route.path in WHOLE_PARK_ONLY and caller is Role.ENTERPRISE:
        return None if status == 403 else f"expected 403 (whole park only), got {status}"
    (method,) = route.methods
    expected = FIXTURE_ANSWERS.get((method, route.path))
    if expected is not None:
        return None if status == expected else f"expected {expected}, got {status}"
    if not 200 <= status < 400:
        return f"expected 2xx/3xx, got {status}: {response.text[:200]}"
    return None


def test_every_route_declares_a_permission(matrix: Matrix) -> None:
    missing = [
        f"{sorted(r.methods)} {r.path}"
        for r in api_routes(matrix.app)
        if route_permission(r) is None
    ]
    assert not missing, (
        f"routes without a permission: {missing}; add them with greenpark.web.security.route"
    )


def test_only_documentation_and_static_files_have_no_dependency(matrix: Matrix) -> None:
    others = {r.path for r in matrix.app.routes if not isinstance(r, APIRoute)}
    for r in matrix.app.routes:
        assert isinstance(r, APIRoute | Route | Mount), r
    assert others == PUBLIC_WITHOUT_DEPENDENCY
    client = TestClient(matrix.app)
    for path in ("/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect", "/static/style.css"):
        assert client.get(path).status_code == 200, path


def test_every_parametrised_route_has_an_example(matrix: Matrix) -> None:
    for route in api_routes(matrix.app):
        if "{" in route.path:
            assert route.path in EXAMPLES, f"add an example for {route.path} to EXAMPLES"
    stale = set(EXAMPLES) - {r.path for r in api_routes(matrix.app)}
    assert not stale, f"EXAMPLES names routes that do not exist: {sorted(stale)}"
    stale = WHOLE_PARK_ONLY - {r.path for r in api_routes(matrix.app)}
    assert not stale, f"WHOLE_PARK_ONLY names routes that do not exist: {sorted(stale)}"


def test_authorisation_matrix(matrix: Matrix) -> None:
    problems = []
    calls = 0
    for route in api_routes(matrix.app):
        if "{" in route.path and route.path not in EXAMPLES:
            problems.append(f"add an example for {route.path}")
            continue
        path = _path(matrix, route, EXAMPLES)
        (method,) = route.methods
        for caller in CALLERS:
            who = caller.value if caller else "anonymous"
            response = _call(matrix, route, caller, path)
            calls += 1
            problem = _problem(route, caller, response)
            if problem:
                problems.append(f"{method} {path} as {who} (session): {problem}")
            if caller is None or not route.path.startswith("/api/"):
                continue
            response = _call(matrix, route, caller, path, token=True)
            calls += 1
            special = TOKEN_ANSWERS.get((method, route.path))
            if special is not None and route_permission(route) is Permission.PUBLIC:
                problem = None if response.status_code == special else f"expected {special}"
            else:
                problem = _problem(route, caller, response)
            if problem:
                problems.append(f"{method} {path} as {who} (token): {problem}")
    assert not problems, "\n".join(problems)
    assert calls > 100


@pytest.mark.parametrize("path", sorted(OUT_OF_SCOPE))
def test_outside_the_enterprise_scope_is_not_found(matrix: Matrix, path: str) -> None:
    (route,) = [r for r in api_routes(matrix.app) if r.path == path]
    outside = _path(matrix, route, OUT_OF_SCOPE)
    inside = _path(matrix, route, EXAMPLES)
    assert _call(matrix, route, Role.ENTERPRISE, inside).status_code == 200
    assert _call(matrix, route, Role.ENTERPRISE, outside).status_code == 404
    assert _call(matrix, route, Role.EVALUATOR, outside).status_code == 200
    if path.startswith("/api/"):
        assert _call(matrix, route, Role.ENTERPRISE, outside, token=True).status_code == 404


def test_out_of_scope_examples_name_parametrised_read_routes(matrix: Matrix) -> None:
    routes = {r.path: r for r in api_routes(matrix.app)}
    for path in OUT_OF_SCOPE:
        assert path in routes and route_permission(routes[path]) is Permission.READ, path


def test_an_expired_evaluator_is_logged_out(matrix: Matrix) -> None:
    name = "matrix-expired"
    add_user(matrix.store, name, "evaluator", valid_until=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    client = TestClient(matrix.app)
    client.cookies.set(SESSION_COOKIE, open_session(matrix.store, name))
    assert client.get("/api/overview").status_code == 401
    assert client.get("/", follow_redirects=False).status_code == 303
