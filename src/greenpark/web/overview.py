"""The "Park overview" page (``/``) and its JSON twin (``/api/overview``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from greenpark.auth import Principal
from greenpark.standards.parameters import parameter_table
from greenpark.store.overview import park_overview
from greenpark.web import labels
from greenpark.web.deps import SettingsDep, StoreDep
from greenpark.web.models import OverviewPublic, overview_public
from greenpark.web.security import Permission, Reader, route
from greenpark.web.templating import templates

#: Colour of the enterprise-class chart's bars.
ENTERPRISE_COLOUR = "#15803d"


def read_overview(store: StoreDep, settings: SettingsDep, principal: Principal) -> OverviewPublic:
    """The overview of the store's first park as ``principal`` may see it, as the public model.

    The store filters by the principal's scope (``Principal.enterprise_ids``): a caller who
    sees only some enterprises gets their energy and stations only, and park-level
    enterprise counts with small groups suppressed.
    """
    with store.read() as conn:
        overview = park_overview(conn, settings.park_timezone, principal.enterprise_ids)
    return overview_public(overview, parameter_table())


def chart_specs(overview: OverviewPublic) -> list[dict[str, Any]]:
    """What ``static/overview.js`` draws: one spec per ``<canvas>`` of ``overview.html``.

    Each spec names its canvas id, axis titles, category labels (a list of lines for a
    multi-line label), values, colour and whether the values are counts (integer ticks).
    The enterprise charts come first (by class, by industry), then one chart per carrier
    (canvas ``chart-energy-<i>`` for the ``i``-th entry of ``energy_by_carrier``).
    """
    if overview.park is None:
        return []
    counts = overview.enterprise_counts
    by_class = counts.model_dump()
    classes = labels.ENTERPRISE_CLASSES
    enterprises = {
        "horizontal": True,
        "integer": True,
        "series": "Enterprises 企业数",
        "valueTitle": "enterprises 企业数",
        "categoryTitle": "",
        "colour": ENTERPRISE_COLOUR,
    }
    specs: list[dict[str, Any]] = [
        {
            **enterprises,
            "canvas": "chart-enterprises",
            "labels": [list(classes[k]) for k in classes],  # two lines: English, 中文
            "values": [by_class[k] for k in classes],
        },
        {
            **enterprises,
            "canvas": "chart-industries",
            "labels": [list(labels.INDUSTRIES.get(k, (k,))) for k in counts.by_industry],
            "values": list(counts.by_industry.values()),
        },
    ]
    for i, series in enumerate(overview.energy_by_carrier):
        specs.append(
            {
                "canvas": f"chart-energy-{i}",
                "horizontal": False,
                "integer": False,
                "labels": series.months,
                "values": series.totals,
                "series": labels.label(labels.CARRIERS, series.carrier),
                "valueTitle": series.unit,
                "categoryTitle": f"month ({overview.timezone})",
                "colour": labels.CARRIER_COLOURS.get(series.carrier, "#6b7280"),
            }
        )
    return specs


def api_overview(store: StoreDep, settings: SettingsDep, principal: Reader) -> OverviewPublic:
    """The park overview: enterprises by class, energy by carrier over the last 12 months
    (top-level real meters only), and every station's latest value per parameter."""
    return read_overview(store, settings, principal)


def overview_page(
    request: Request, store: StoreDep, settings: SettingsDep, principal: Reader
) -> HTMLResponse:
    """The "Park overview" page; its data is ``/api/overview``."""
    overview = read_overview(store, settings, principal)
    return templates.TemplateResponse(
        request,
        "overview.html",
        {
            "overview": overview,
            "parameters": parameter_table(),
            "charts": {"charts": chart_specs(overview)},
        },
    )


def add_routes(app: FastAPI) -> None:
    """Register the page ``/`` and its JSON twin ``/api/overview`` on ``app`` (both READ)."""
    route(
        app,
        "/api/overview",
        api_overview,
        Permission.READ,
        response_model=OverviewPublic,
        tags=["overview"],
    )
    route(
        app,
        "/",
        overview_page,
        Permission.READ,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
