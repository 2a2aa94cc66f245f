"""The "Environment" page (``/environment``) and its JSON twin (``/api/environment``).

Air quality (hourly and daily AQI, a 30-day calendar, the year's good-day ratio), the
class of each surface-water section, the sewage plants' outlets against GB 18918-2002 and
noise against GB 3096-2008, as of the newest data in the store. The judging is
:func:`greenpark.environment.view.environment_report`; outlets (enterprise-owned) are
shown within the caller's scope only.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from greenpark.auth import Permission, Principal
from greenpark.environment.view import environment_report
from greenpark.web.deps import SettingsDep, StoreDep
from greenpark.web.models import EnvironmentPublic, environment_public
from greenpark.web.security import Reader, route
from greenpark.web.templating import templates


def read_environment(
    store: StoreDep, settings: SettingsDep, principal: Principal
) -> EnvironmentPublic:
    """The environment report as ``principal`` may see it, as the public model."""
    with store.read() as conn:
        report = environment_report(conn, settings.park_timezone, scope=principal.enterprise_ids)
    return environment_public(report)


def api_environment(store: StoreDep, settings: SettingsDep, principal: Reader) -> EnvironmentPublic:
    """Air quality (AQI, HJ 633), surface-water class (GB 3838), sewage outlets
    (GB 18918 1A) and noise (GB 3096), as of the newest data in the store."""
    return read_environment(store, settings, principal)


def environment_page(
    request: Request, store: StoreDep, settings: SettingsDep, principal: Reader
) -> HTMLResponse:
    """The "Environment" page; its data is ``/api/environment``."""
    data = read_environment(store, settings, principal)
    colours = {c.level: c.colour for c in data.aqi_categories}
    return templates.TemplateResponse(
        request, "environment.html", {"data": data, "aqi_colours": colours}
    )


def add_routes(app: FastAPI) -> None:
    """Register ``/environment`` and ``/api/environment`` on ``app`` (both READ)."""
    route(
        app,
        "/api/environment",
        api_environment,
        Permission.READ,
        response_model=EnvironmentPublic,
        tags=["environment"],
    )
    route(
        app,
        "/environment",
        environment_page,
        Permission.READ,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
