"""The app factory, routes, error handling and the tables the pages use."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route
from web_auth import SECRET_KEY, add_user, login, make_app, make_settings

from greenpark.config import Settings
from greenpark.errors import GreenparkError, InputError, NotFoundError
from greenpark.store import Store
from greenpark.store.overview import EnterpriseCounts
from greenpark.store.schema import INDUSTRIES, STATION_KINDS
from greenpark.units import CARRIERS
from greenpark.web import create_app, labels
from greenpark.web.templating import STATIC_DIR, format_number

#: Routes that need no JSON twin: the API documentation and static files.
EXEMPT = ("/docs", "/redoc", "/openapi.json", "/static", "/favicon.ico")
#: JSON endpoints outside /api that are not pages.
JSON_ONLY = {"/healthz"}
#: Pages whose JSON twin is not ``/api`` + their path. A form post (``/logout``,
#: ``/admin/users/{username}/disable``, ...) counts as a page: it answers with HTML (a
#: redirect or an error page) and its twin is the same action under ``/api``. The login
#: form (GET and POST ``/login``) is paired with ``/api/session`` (who am I); scripts do
#: not log in, they send an API token. The ingest page's twin is named for what it serves.
TWINS = {"/": "/api/overview", "/login": "/api/session", "/ingest": "/api/ingest/stats"}
#: Downloads under /api that are files, not JSON; each is the data of a JSON route (its
#: path without the extension), which answers with a public model.
DOWNLOADS = {"/api/meters/{code}/readings.csv"}
#: Stored files under /api, answered as they were stored (no JSON twin): evidence files.
STORED_FILES = {"/api/evaluation/evidence/{sha256}"}


def twin_of(path: str) -> str:
    """The JSON twin of page ``path``: :data:`TWINS`, else ``/x`` -> ``/api/x``."""
    return TWINS.get(path, "/api" + path)


@pytest.fixture
def app(sqlite_store: Store) -> FastAPI:
    return make_app(sqlite_store)


@pytest.fixture
def client(app: FastAPI, sqlite_store: Store) -> TestClient:
    """A client of ``app`` logged in as an administrator."""
    add_user(sqlite_store, "admin", "admin")
    client = TestClient(app)
    assert login(client, "admin").status_code == 303
    return client


def _is_page(route: APIRoute) -> bool:
    cls = route.response_class
    return isinstance(cls, type) and issubclass(cls, HTMLResponse)


def test_every_page_has_a_json_twin(app: FastAPI) -> None:
    for route in app.routes:
        assert isinstance(route, APIRoute | Route | Mount), (
            f"{route!r}: add routes with app.add_api_route (see web/overview.py add_routes) "
            "so that app.routes lists them all"
        )
    paths = {route.path for route in app.routes}  # type: ignore[attr-defined]
    pages = []
    for route in app.routes:
        path = route.path  # type: ignore[attr-defined]
        if path.startswith(EXEMPT) or path.startswith("/api/") or path in JSON_ONLY:
            continue
        assert isinstance(route, APIRoute), f"{path}: unexpected route type {type(route)}"
        assert _is_page(route), f"{path}: a route outside /api must be an HTML page"
        assert twin_of(path) in paths, f"page {path} has no JSON twin {twin_of(path)}"
        pages.append(path)
    assert "/" in pages


def _plain_get(route: APIRoute) -> bool:
    """A GET route without path parameters (the others are called, with example values,
    by ``test_authorisation_matrix.py``)."""
    return "GET" in route.methods and "{" not in route.path


def test_json_twins_answer_with_public_models(app: FastAPI, client: TestClient) -> None:
    api_routes = [r for r in app.routes if isinstance(r, APIRoute) and r.path.startswith("/api/")]
    assert api_routes
    paths = {r.path for r in api_routes}
    for route in api_routes:
        if route.path in DOWNLOADS:
            assert route.path.rsplit(".", 1)[0] in paths, route.path
            continue
        if route.path in STORED_FILES:
            assert route.response_class.__name__ == "Response", route.path
            continue
        assert route.response_model is not None, route.path
        assert route.response_model.__name__.endswith("Public"), route.path
        if not _plain_get(route):
            continue
        response = client.get(route.path)
        assert response.status_code == 200, route.path
        assert response.headers["content-type"] == "application/json"
    for route in app.routes:
        if isinstance(route, APIRoute) and _is_page(route) and _plain_get(route):
            assert client.get(route.path).headers["content-type"].startswith("text/html")


def test_openapi_documents_the_public_models(app: FastAPI) -> None:
    schema = TestClient(app).get("/openapi.json").json()
    assert "/api/overview" in schema["paths"]
    assert "/" not in schema["paths"]  # pages are not API
    for name in ("OverviewPublic", "CarrierSeriesPublic", "StationPublic", "HealthPublic"):
        assert name in schema["components"]["schemas"]
    unit = schema["components"]["schemas"]["CarrierSeriesPublic"]["properties"]["unit"]
    assert "kWh" in unit["description"]


def test_healthz(app: FastAPI) -> None:
    response = TestClient(app).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": "0.1.0", "database": "sqlite"}


def test_static_files_and_nav(client: TestClient) -> None:
    html = client.get("/").text
    for href in ('href="/docs"', 'href="/"', 'href="/api/overview"'):
        assert href in html
    for path in (
        "/static/style.css",
        "/static/overview.js",
        "/static/charts.js",
        "/static/favicon.svg",
        "/static/vendor/chartjs/chart.umd.min.js",
    ):
        assert client.get(path).status_code == 200, path
    # the shared chart helpers (window.greenpark.charts) come before the page's script
    assert 0 < html.index("/static/charts.js") < html.index("/static/overview.js")


def test_vendored_chartjs_is_named() -> None:
    vendor = STATIC_DIR / "vendor" / "chartjs"
    head = (vendor / "chart.umd.min.js").read_text(encoding="utf-8")[:200]
    assert "Chart.js v4.6.1" in head
    assert "MIT License" in (vendor / "LICENSE.md").read_text(encoding="utf-8")
    assert "4.6.1" in (vendor / "README.md").read_text(encoding="utf-8")


def _raising_app(sqlite_store: Store, exc: Exception) -> TestClient:
    app = make_app(sqlite_store)

    def boom() -> None:
        raise exc

    app.add_api_route("/api/boom", boom)
    app.add_api_route("/boom", boom)
    return TestClient(app)


@pytest.mark.parametrize(
    ("exc", "status"),
    [(InputError("bad month '2025-13'"), 400), (NotFoundError("no meter 'M-9'"), 404)],
)
def test_errors_map_to_status(sqlite_store: Store, exc: GreenparkError, status: int) -> None:
    client = _raising_app(sqlite_store, exc)
    api = client.get("/api/boom")
    assert api.status_code == status
    assert api.json() == {"detail": str(exc)}
    page = client.get("/boom")
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert f"Error {status}" in page.text
    assert str(exc).replace("'", "&#39;") in page.text


def test_unknown_paths(app: FastAPI) -> None:
    client = TestClient(app)
    api = client.get("/api/nothing-here")
    assert (api.status_code, api.json()) == (404, {"detail": "Not Found"})
    page = client.get("/nothing-here")
    assert page.status_code == 404
    assert "Error 404" in page.text
    assert client.post("/api/overview").status_code == 405


def test_factory_builds_and_migrates_its_own_store(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'own.db'}", secret_key=SECRET_KEY)
    with TestClient(create_app(settings)) as client:
        add_user(client.app.state.store, "admin", "admin")  # type: ignore[attr-defined]
        assert login(client, "admin").status_code == 303
        assert client.get("/api/overview").json()["park"] is None
    assert (tmp_path / "own.db").exists()


def test_factory_refuses_unknown_time_zone(sqlite_store: Store) -> None:
    settings = make_settings(sqlite_store, park_timezone="Asia/Guiyang_Nowhere")
    with pytest.raises(InputError, match="IANA"):
        create_app(settings, store=sqlite_store)


def test_labels_cover_the_schema() -> None:
    assert set(labels.INDUSTRIES) == set(INDUSTRIES)
    assert set(labels.CARRIERS) == set(CARRIERS) == set(labels.CARRIER_COLOURS)
    assert set(labels.STATION_KINDS) == set(STATION_KINDS)
    fields = [f.name for f in dataclasses.fields(EnterpriseCounts) if f.name != "by_industry"]
    assert list(labels.ENTERPRISE_CLASSES) == fields
    assert labels.label(labels.CARRIERS, "electricity") == "Electricity 电力"
    assert labels.label(labels.CARRIERS, "unknown") == "unknown"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "—"),
        (5, "5"),
        (103020.0, "103,020"),
        (1234.56, "1,235"),
        (38.5, "38.5"),
        (0.35, "0.35"),
        (7.0, "7"),
        (12.345, "12.3"),
        (float("nan"), "nan"),
    ],
)
def test_format_number(value: float | None, shown: str) -> None:
    assert format_number(value) == shown
