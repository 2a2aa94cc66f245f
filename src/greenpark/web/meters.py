"""Meter pages and their JSON twins: ``/meters/{code}`` ↔ ``/api/meters/{code}``, plus the
readings of a time range as JSON (``/api/meters/{code}/readings``) and as a CSV download
(``/api/meters/{code}/readings.csv``).

A meter outside the caller's scope (another enterprise's, or a park-level meter for a
caller who sees only some enterprises) answers the same 404 as one that does not exist; the
range is checked first, so a bad range gets the same 400 for every meter code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from greenpark.auth import Permission
from greenpark.errors import InputError, NotFoundError
from greenpark.store.scoped import METER_DAYS, meter_readings
from greenpark.web import labels
from greenpark.web.deps import SettingsDep, StoreDep
from greenpark.web.models import MeterReadingsPublic, meter_readings_public
from greenpark.web.security import Reader, route
from greenpark.web.templating import templates

#: The one answer for a meter that does not exist or is outside the caller's scope.
NOT_FOUND: Final[str] = "meter not found"

#: Columns of the CSV export, in order.
CSV_COLUMNS: Final[tuple[str, ...]] = ("meter", "start", "end", "quantity", "unit", "quality")

# "+08:00" arrives as " 08:00" when a client forgets to percent-encode the plus sign.
_PLUS_AS_SPACE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$"
)
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9_.-]")

CodePath = Annotated[str, Path(description="The meter's code.")]
StartQuery = Annotated[
    str | None,
    Query(
        description="Range start (inclusive), ISO 8601 with an offset, e.g. "
        "2025-02-01T00:00:00+08:00 (percent-encode + as %2B). Give start and end, or "
        f"neither for the {METER_DAYS} days up to the newest reading. At most 366 days."
    ),
]
EndQuery = Annotated[str | None, Query(description="Range end (exclusive), ISO 8601 with offset.")]


def parse_instant(name: str, value: str | None) -> dt.datetime | None:
    """An ISO 8601 query value as a datetime (``None`` for an absent or empty value).

    A ``+`` of the offset that arrived as a space (not percent-encoded) is restored. A value
    without an offset is returned naive, for :func:`greenpark.store.scoped.check_range`
    to refuse with its message.

    Raises
    ------
    InputError
        If the value is not an ISO 8601 date and time.
    """
    if value is None or not value.strip():
        return None
    text = _PLUS_AS_SPACE.sub(r"\1+\2", value.strip())
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{name} {value!r} is not an ISO 8601 time; give e.g. 2025-02-01T00:00:00+08:00"
        ) from None


def read_readings(
    store: StoreDep,
    settings: SettingsDep,
    principal: Reader,
    code: str,
    start: str | None = None,
    end: str | None = None,
) -> MeterReadingsPublic:
    """A meter and its readings in ``[start, end)`` (default: the last 7 days of data) as
    ``principal`` may see them.

    Raises
    ------
    InputError
        A bad range (400), the same for every meter code.
    NotFoundError
        :data:`NOT_FOUND` (404) whether the meter does not exist or is out of scope.
    """
    lo, hi = parse_instant("start", start), parse_instant("end", end)
    with store.read() as conn:
        found = meter_readings(
            conn,
            code,
            scope=principal.enterprise_ids,
            timezone=settings.park_timezone,
            start=lo,
            end=hi,
        )
    if found is None:
        raise NotFoundError(NOT_FOUND)
    return meter_readings_public(found, settings.park_timezone)


def _text_cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def readings_csv(readings: MeterReadingsPublic) -> str:
    """The readings as CSV: one row per reading, columns :data:`CSV_COLUMNS`; times ISO 8601
    in the park's zone, quantities in the meter's unit (empty when missing)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    meter = readings.meter
    for r in readings.readings:
        writer.writerow(
            (
                _text_cell(meter.code),
                r.start.isoformat(),
                r.end.isoformat(),
                "" if r.quantity is None else repr(r.quantity),
                meter.unit,
                _text_cell(r.quality),
            )
        )
    return out.getvalue()


def chart_specs(readings: MeterReadingsPublic) -> list[dict[str, Any]]:
    """What ``static/series.js`` draws: one bar chart of the readings (canvas
    ``chart-readings``), labelled ``MM-DD HH:MM`` at each reading's start."""
    if not readings.readings:
        return []
    meter = readings.meter
    return [
        {
            "canvas": "chart-readings",
            "type": "bar",
            "labels": [r.start.strftime("%m-%d %H:%M") for r in readings.readings],
            "values": [r.quantity for r in readings.readings],
            "series": f"{meter.code} [{meter.unit}]",
            "valueTitle": meter.unit,
            "categoryTitle": f"reading start ({readings.timezone})",
            "colour": labels.CARRIER_COLOURS.get(meter.carrier, "#6b7280"),
        }
    ]


def api_meter(
    code: CodePath, store: StoreDep, settings: SettingsDep, principal: Reader
) -> MeterReadingsPublic:
    """One meter and its readings of the 7 days up to its newest reading. 404 when the meter
    does not exist or is not yours to see."""
    return read_readings(store, settings, principal, code)


def meter_page(
    request: Request, code: CodePath, store: StoreDep, settings: SettingsDep, principal: Reader
) -> HTMLResponse:
    """The page of one meter; its data is ``/api/meters/{code}``."""
    readings = read_readings(store, settings, principal, code)
    query = ""
    if readings.start is not None and readings.end is not None:
        query = "?" + urlencode(
            {"start": readings.start.isoformat(), "end": readings.end.isoformat()}
        )
    return templates.TemplateResponse(
        request,
        "meter.html",
        {
            "readings": readings,
            "days": METER_DAYS,
            "range_query": query,
            "charts": {"charts": chart_specs(readings)},
        },
    )


def api_meter_readings(
    code: CodePath,
    store: StoreDep,
    settings: SettingsDep,
    principal: Reader,
    start: StartQuery = None,
    end: EndQuery = None,
) -> MeterReadingsPublic:
    """A meter's readings starting in ``[start, end)`` [meter unit], at most 366 days.

    400 for a range without offsets, reversed or too long; 404 when the meter does not
    exist or is not yours to see."""
    return read_readings(store, settings, principal, code, start, end)


def api_meter_readings_csv(
    code: CodePath,
    store: StoreDep,
    settings: SettingsDep,
    principal: Reader,
    start: StartQuery = None,
    end: EndQuery = None,
) -> Response:
    """The same readings as ``/api/meters/{code}/readings``, as a CSV download."""
    readings = read_readings(store, settings, principal, code, start, end)
    stamp = ""
    if readings.start is not None and readings.end is not None:
        stamp = f"_{readings.start:%Y%m%dT%H%M}_{readings.end:%Y%m%dT%H%M}"
    filename = _UNSAFE_FILENAME.sub("_", readings.meter.code) + stamp + ".csv"
    return Response(
        readings_csv(readings),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def add_routes(app: FastAPI) -> None:
    """Register the meter page, its JSON twin and the readings routes on ``app`` (READ)."""
    route(
        app,
        "/api/meters/{code}",
        api_meter,
        Permission.READ,
        response_model=MeterReadingsPublic,
        tags=["meters"],
    )
    route(
        app,
        "/api/meters/{code}/readings",
        api_meter_readings,
        Permission.READ,
        response_model=MeterReadingsPublic,
        tags=["meters"],
    )
    route(
        app,
        "/api/meters/{code}/readings.csv",
        api_meter_readings_csv,
        Permission.READ,
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}, "description": "CSV of the readings."}},
        tags=["meters"],
    )
    route(
        app,
        "/meters/{code}",
        meter_page,
        Permission.READ,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
