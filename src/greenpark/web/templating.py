"""The Jinja2 environment of the pages: template folder, filters and shared globals."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Final

import jinja2
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from greenpark import __version__
from greenpark.auth import Permission, Principal
from greenpark.web import labels, security

TEMPLATES_DIR: Final[Path] = Path(__file__).with_name("templates")
STATIC_DIR: Final[Path] = Path(__file__).with_name("static")


def format_number(value: float | None) -> str:
    """A number as the pages show it.

    Integers and values of 100 or more get thousands separators and no decimals
    (``103,020``); smaller values keep three significant digits (``0.35``, ``38.5``);
    ``None`` is shown as an em dash.
    """
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 100 or value == round(value):
        return f"{value:,.0f}"
    return f"{value:.3g}"


def format_time(value: dt.datetime | None) -> str:
    """``YYYY-MM-DD HH:MM`` of an aware time, in the zone it carries (the park's)."""
    if value is None:
        return "—"
    return value.strftime("%Y-%m-%d %H:%M")


def format_unit(unit: str | None) -> str:
    """A unit for display: empty for dimensionless (``"-"``) or unknown units."""
    return "" if unit in (None, "-") else unit


@jinja2.pass_context
def path_for(context: jinja2.runtime.Context, name: str, /, **params: str) -> str:
    """The path (not the absolute URL) of route ``name``, below the app's ``root_path``.

    Paths keep the pages working behind a reverse proxy that rewrites the host name.
    """
    request = context["request"]
    root = request.scope.get("root_path", "").rstrip("/")
    return root + str(request.app.url_path_for(name, **params))


@jinja2.pass_context
def csrf_field(context: jinja2.runtime.Context) -> Markup:
    """The hidden form field carrying this page's CSRF token; every form that posts needs
    it (``{{ csrf_field() }}``), see :mod:`greenpark.web.security`."""
    token = security.csrf_token(context["request"])
    return Markup('<input type="hidden" name="{}" value="{}">').format(security.CSRF_FIELD, token)


@jinja2.pass_context
def current_user(context: jinja2.runtime.Context) -> Principal | None:
    """The logged-in principal of the page's request, or None (nav bar, forms)."""
    return security.current_principal(context["request"])


templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.filters["number"] = format_number
templates.env.filters["time"] = format_time
templates.env.filters["unit"] = format_unit
templates.env.globals["path_for"] = path_for
templates.env.globals["version"] = __version__
templates.env.globals["label"] = labels.label
templates.env.globals["labels"] = labels
templates.env.globals["csrf_field"] = csrf_field
templates.env.globals["current_user"] = current_user
templates.env.globals["Permission"] = Permission
