"""Enterprise pages and their JSON twins: ``/enterprises`` ↔ ``/api/enterprises`` and
``/enterprises/{credit_code}`` ↔ ``/api/enterprises/{credit_code}``.

The store filters by the caller's scope (``greenpark.store.scoped``); an enterprise outside
it answers the same 404 as one that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import HTMLResponse

from greenpark.auth import Permission
from greenpark.errors import NotFoundError
from greenpark.store.scoped import enterprise_detail, list_enterprises
from greenpark.web.deps import StoreDep
from greenpark.web.models import (
    EnterpriseDetailPublic,
    EnterpriseListPublic,
    enterprise_detail_public,
    enterprise_list_public,
)
from greenpark.web.security import Reader, route
from greenpark.web.templating import templates

#: The one answer for an enterprise that does not exist or is outside the caller's scope.
NOT_FOUND: Final[str] = "enterprise not found"

#: Green certification kinds of :data:`greenpark.store.schema.CERTIFICATION_KINDS`:
#: code -> (English, 中文), as in ``greenpark.web.labels``.
CERTIFICATION_LABELS: Final[dict[str, tuple[str, str]]] = {
    "national_green_factory": ("National green factory", "国家级绿色工厂"),
    "provincial_green_factory": ("Provincial green factory", "省级绿色工厂"),
    "national_green_data_centre": ("National green data centre", "国家绿色数据中心"),
}

IndustryQuery = Annotated[
    str | None,
    Query(description="Only enterprises of this industry code (e.g. big_data), within your scope."),
]
CreditCodePath = Annotated[
    str, Path(description="Unified social credit code (GB 32100-2015), 18 characters.")
]


def read_enterprises(
    store: StoreDep, principal: Reader, industry: str | None = None
) -> EnterpriseListPublic:
    """The enterprises ``principal`` may see, optionally of one industry."""
    with store.read() as conn:
        found = list_enterprises(conn, scope=principal.enterprise_ids, industry=industry)
    return enterprise_list_public(found, industry)


def read_enterprise(store: StoreDep, principal: Reader, credit_code: str) -> EnterpriseDetailPublic:
    """One enterprise as ``principal`` may see it.

    Raises
    ------
    NotFoundError
        :data:`NOT_FOUND` (404) whether the enterprise does not exist or is out of scope.
    """
    with store.read() as conn:
        found = enterprise_detail(conn, credit_code, scope=principal.enterprise_ids)
    if found is None:
        raise NotFoundError(NOT_FOUND)
    return enterprise_detail_public(found)


def api_enterprises(
    store: StoreDep, principal: Reader, industry: IndustryQuery = None
) -> EnterpriseListPublic:
    """The enterprises you may see (the whole park, or your own): credit code, name,
    industry, size class in the latest year with figures, green certifications."""
    return read_enterprises(store, principal, industry)


def enterprises_page(
    request: Request, store: StoreDep, principal: Reader, industry: IndustryQuery = None
) -> HTMLResponse:
    """The "Enterprises" page; its data is ``/api/enterprises``."""
    return templates.TemplateResponse(
        request,
        "enterprises.html",
        {
            "data": read_enterprises(store, principal, industry),
            "certification_labels": CERTIFICATION_LABELS,
        },
    )


def api_enterprise(
    credit_code: CreditCodePath, store: StoreDep, principal: Reader
) -> EnterpriseDetailPublic:
    """One enterprise: yearly figures [10⁴ yuan], certifications, high-tech certificates and
    its meters with their totals over the last 12 months of data. 404 when the enterprise
    does not exist or is not yours to see."""
    return read_enterprise(store, principal, credit_code)


def enterprise_page(
    request: Request, credit_code: CreditCodePath, store: StoreDep, principal: Reader
) -> HTMLResponse:
    """The page of one enterprise; its data is ``/api/enterprises/{credit_code}``."""
    return templates.TemplateResponse(
        request,
        "enterprise.html",
        {
            "enterprise": read_enterprise(store, principal, credit_code),
            "certification_labels": CERTIFICATION_LABELS,
        },
    )


def add_routes(app: FastAPI) -> None:
    """Register the enterprise pages and their JSON twins on ``app`` (all need READ)."""
    route(
        app,
        "/api/enterprises",
        api_enterprises,
        Permission.READ,
        response_model=EnterpriseListPublic,
        tags=["enterprises"],
    )
    route(
        app,
        "/api/enterprises/{credit_code}",
        api_enterprise,
        Permission.READ,
        response_model=EnterpriseDetailPublic,
        tags=["enterprises"],
    )
    route(
        app,
        "/enterprises",
        enterprises_page,
        Permission.READ,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    route(
        app,
        "/enterprises/{credit_code}",
        enterprise_page,
        Permission.READ,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
