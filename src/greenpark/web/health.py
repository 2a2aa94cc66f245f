"""``/healthz``: the liveness probe (JSON only; it is not a page)."""

from __future__ import annotations

from fastapi import FastAPI

from greenpark import __version__
from greenpark.web.deps import StoreDep
from greenpark.web.models import HealthPublic
from greenpark.web.security import Permission, route


def healthz(store: StoreDep) -> HealthPublic:
    """The web process is up; names the version and the store backend."""
    return HealthPublic(version=__version__, database=store.dialect)


def add_routes(app: FastAPI) -> None:
    """Register ``/healthz`` on ``app`` (public: a load balancer probes it)."""
    route(app, "/healthz", healthz, Permission.PUBLIC, response_model=HealthPublic, tags=["system"])
