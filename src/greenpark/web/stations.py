"""Station pages and their JSON twins: ``/stations`` ↔ ``/api/stations`` and
``/stations/{code}`` ↔ ``/api/stations/{code}``.

Park-level stations (ambient air, surface water, noise) are visible to every reader; an
enterprise's own station (an outlet) only within the caller's scope. A station outside it
answers the same 404 as one that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import HTMLResponse

from greenpark.auth import Permission
from greenpark.errors import NotFoundError
from greenpark.standards.parameters import parameter_table
from greenpark.store.scoped import list_stations, station_detail
from greenpark.web.deps import SettingsDep, StoreDep
from greenpark.web.models import (
    StationDetailPublic,
    StationListPublic,
    station_detail_public,
    station_list_public,
)
from greenpark.web.security import Reader, route
from greenpark.web.templating import format_unit, templates

#: The one answer for a station that does not exist or is outside the caller's scope.
NOT_FOUND: Final[str] = "station not found"

#: Line colours of the parameters' charts, in turn.
SERIES_COLOURS: Final[tuple[str, ...]] = ("#0891b2", "#15803d", "#7c3aed", "#ea580c", "#2563eb")

KindQuery = Annotated[
    str | None,
    Query(description="Only stations of this kind (e.g. ambient_air), within your scope."),
]
CodePath = Annotated[str, Path(description="The station's code.")]


def read_stations(store: StoreDep, principal: Reader, kind: str | None = None) -> StationListPublic:
    """The stations ``principal`` may see, optionally of one kind."""
    with store.read() as conn:
        found = list_stations(conn, scope=principal.enterprise_ids, kind=kind)
    return station_list_public(found, kind)


def read_station(
    store: StoreDep, settings: SettingsDep, principal: Reader, code: str
) -> StationDetailPublic:
    """One station as ``principal`` may see it.

    Raises
    ------
    NotFoundError
        :data:`NOT_FOUND` (404) whether the station does not exist or is out of scope.
    """
    with store.read() as conn:
        found = station_detail(
            conn, code, scope=principal.enterprise_ids, timezone=settings.park_timezone
        )
    if found is None:
        raise NotFoundError(NOT_FOUND)
    return station_detail_public(found, parameter_table(), settings.park_timezone)


def chart_specs(station: StationDetailPublic) -> list[dict[str, Any]]:
    """What ``static/series.js`` draws: one line chart per parameter of the window, on
    canvas ``chart-series-<i>``; times as ``MM-DD HH:MM`` in the park's zone."""
    return [
        {
            "canvas": f"chart-series-{i}",
            "type": "line",
            "labels": [t.strftime("%m-%d %H:%M") for t in s.times],
            "values": s.values,
            "series": s.name or s.parameter,
            "valueTitle": format_unit(s.unit) or s.name or s.parameter,
            "categoryTitle": f"time ({station.timezone})",
            "colour": SERIES_COLOURS[i % len(SERIES_COLOURS)],
        }
        for i, s in enumerate(station.series)
    ]


def api_stations(store: StoreDep, principal: Reader, kind: KindQuery = None) -> StationListPublic:
    """The monitoring stations you may see: the park-level ones and your enterprises' own."""
    return read_stations(store, principal, kind)


def stations_page(
    request: Request, store: StoreDep, principal: Reader, kind: KindQuery = None
) -> HTMLResponse:
    """The "Stations" page; its data is ``/api/stations``."""
    return templates.TemplateResponse(
        request, "stations.html", {"data": read_stations(store, principal, kind)}
    )


def api_station(
    code: CodePath, store: StoreDep, settings: SettingsDep, principal: Reader
) -> StationDetailPublic:
    """One station: its newest value per parameter and every value of the 48 hours up to
    its newest one. 404 when the station does not exist or is not yours to see."""
    return read_station(store, settings, principal, code)


def station_page(
    request: Request, code: CodePath, store: StoreDep, settings: SettingsDep, principal: Reader
) -> HTMLResponse:
    """The page of one station; its data is ``/api/stations/{code}``."""
    station = read_station(store, settings, principal, code)
    return templates.TemplateResponse(
        request,
        "station.html",
        {"station": station, "charts": {"charts": chart_specs(station)}},
    )


def add_routes(app: FastAPI) -> None:
    """Register the station pages and their JSON twins on ``app`` (all need READ)."""
    route(
        app,
        "/api/stations",
        api_stations,
        Permission.READ,
        response_model=StationListPublic,
        tags=["stations"],
    )
    route(
        app,
        "/api/stations/{code}",
        api_station,
        Permission.READ,
        response_model=StationDetailPublic,
        tags=["stations"],
    )
    route(
        app,
        "/stations",
        stations_page,
        Permission.READ,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    route(
        app,
        "/stations/{code}",
        station_page,
        Permission.READ,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
