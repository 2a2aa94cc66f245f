"""The app factory :func:`create_app` and the one error handler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from greenpark import __version__
from greenpark.auth import AuthError, ThrottledError
from greenpark.config import Settings
from greenpark.errors import GreenparkError, InputError
from greenpark.ingest import IngestServer
from greenpark.store import Store
from greenpark.web import (
    admin,
    enterprises,
    health,
    ledger,
    ledger_writes,
    meters,
    overview,
    readings,
    session,
    station_page,
    stations,
)
from greenpark.web.environment import add_routes as add_environment_routes
from greenpark.web.evaluation import add_routes as add_evaluation_routes
from greenpark.web.evaluation_entries import add_routes as add_evaluation_entry_routes
from greenpark.web.ingest import add_routes as add_ingest_routes
from greenpark.web.security import CsrfCookieMiddleware
from greenpark.web.templating import STATIC_DIR, templates

#: Path prefix of the JSON API; errors under it are answered in JSON, elsewhere in HTML.
API_PREFIX = "/api"

DESCRIPTION = """\
Energy, carbon and environment data of a green industrial park.

Every page of the dashboard has a JSON twin under `/api` (`/` ↔ `/api/overview`).
Quantities carry their unit in the field description: money in 10⁴ yuan, energy in each
carrier's unit (kWh, m³, GJ, t), concentrations in μg/m³ (CO mg/m³) or mg/L. Times are
ISO 8601 in the park's time zone.

Scripts authenticate with an API token, `Authorization: Bearer <token>` ("Authorize"
above); every route needs a role holding its permission (see `docs/security.md`), and
enterprise data is filtered to the caller's enterprises.
"""


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def handle_error(request: Request, exc: Exception) -> Response:
    """Turn an error into its HTTP answer: ``{"detail": ...}`` under ``/api``, a page elsewhere.

    :class:`~greenpark.errors.GreenparkError` gives its ``status`` and message; an HTTP
    exception (unknown path, wrong method) its status code and detail. Not logged in
    (:class:`~greenpark.auth.AuthError`): a page redirects (303) to ``/login?next=<path>``,
    ``/api`` answers 401 with ``WWW-Authenticate: Bearer``. Throttled logins
    (:class:`~greenpark.auth.ThrottledError`) get 429 with ``Retry-After`` [s].
    """
    headers: dict[str, str] | None = None
    if isinstance(exc, AuthError):
        if not _is_api(request):
            return RedirectResponse(session.login_location(request), status_code=303)
        headers = {"WWW-Authenticate": "Bearer"}
    elif isinstance(exc, ThrottledError):
        headers = {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, GreenparkError):
        status, detail = exc.status, str(exc)
    elif isinstance(exc, StarletteHTTPException):
        status, detail, headers = exc.status_code, exc.detail, exc.headers
    else:  # pragma: no cover - only the two classes above are registered
        raise exc
    if status in (204, 304):
        return Response(status_code=status, headers=headers)
    if _is_api(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "detail": detail},
        status_code=status,
        headers=headers,
    )


def create_app(
    settings: Settings, store: Store | None = None, ingest: IngestServer | None = None
) -> FastAPI:
    """Build the web app.

    Parameters
    ----------
    settings
        The settings; ``database_url`` builds the store when ``store`` is not given and
        ``park_timezone`` is the zone of every time and month shown.
    store
        An open store to serve. When omitted, one is built from ``settings.database_url``,
        migrated, and disposed when the app shuts down.
    ingest
        An HJ 212 server to run inside the app's event loop (started and stopped with the
        app); its counters are served at ``/api/ingest/stats``.

    Returns
    -------
    FastAPI
        Pages ``/`` (park overview), JSON twins under ``/api``, ``/healthz``, static files
        under ``/static`` and the OpenAPI documentation at ``/docs``.

    Raises
    ------
    InputError
        If there is no proper secret key (``settings.load_secret_key()``: empty, short,
        a placeholder, or a key file readable by others), or ``settings.park_timezone``
        is not an IANA time zone.
    """
    secret_key = settings.load_secret_key()  # refuse to start without a real secret
    try:
        ZoneInfo(settings.park_timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"park_timezone {settings.park_timezone!r} is not an IANA time zone "
            "(e.g. 'Asia/Shanghai')"
        ) from exc
    owned = store is None
    if store is None:
        store = Store(settings.database_url, echo=settings.sql_echo)
        store.migrate()
    served = store

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if ingest is not None:
            await ingest.start()
        try:
            yield
        finally:
            if ingest is not None:
                await ingest.close()
            if owned:
                served.dispose()

    app = FastAPI(
        title="greenpark",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.secret_key = secret_key
    app.state.ingest = ingest
    app.add_middleware(CsrfCookieMiddleware, https=settings.https)
    app.add_exception_handler(GreenparkError, handle_error)
    app.add_exception_handler(StarletteHTTPException, handle_error)
    # Routes are added to the app itself (not through include_router) so that app.routes
    # lists every route with its path; tests/web/test_web_routes.py relies on that.
    overview.add_routes(app)
    enterprises.add_routes(app)
    stations.add_routes(app)
    add_environment_routes(app)
    meters.add_routes(app)
    readings.add_routes(app)
    ledger.add_routes(app)
    ledger_writes.add_routes(app)
    station_page.add_routes(app)
    add_evaluation_routes(app)
    add_evaluation_entry_routes(app)
    add_ingest_routes(app)
    health.add_routes(app)
    session.add_routes(app)
    admin.add_routes(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
