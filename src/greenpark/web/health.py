"""``/healthz``, the liveness probe (JSON only; it is not a page), and ``/favicon.ico``,
which browsers ask for on their own whatever the page's ``<link rel="icon">`` says."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import FileResponse

from greenpark import __version__
from greenpark.web.deps import StoreDep
from greenpark.web.models import HealthPublic
from greenpark.web.security import Permission, route
from greenpark.web.templating import STATIC_DIR


def healthz(store: StoreDep) -> HealthPublic:
    """The web process is up; names the version and the store backend."""
    return HealthPublic(version=__version__, database=store.dialect)


def favicon() -> FileResponse:
    """The site icon (the SVG of ``/static/favicon.svg``)."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


def add_routes(app: FastAPI) -> None:
    """Register ``/healthz`` (public: a load balancer probes it) and ``/favicon.ico``."""
    route(app, "/healthz", healthz, Permission.PUBLIC, response_model=HealthPublic, tags=["system"])
    route(
        app,
        "/favicon.ico",
        favicon,
        Permission.PUBLIC,
        response_class=FileResponse,
        include_in_schema=False,
    )
