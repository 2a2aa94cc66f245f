"""``POST /api/readings``: push meter readings as JSON (issue 6, "a JSON endpoint").

The same checks as ``greenpark readings import`` (:mod:`greenpark.ledger.readings`): every
bad item is reported (``readings: row N`` is the N-th item) and nothing is written unless
all are good; readings are upserts, so a repeated push doubles nothing. A caller may push
only to meters of the park shown (the first park) and of the enterprises it sees;
park-level meters need a whole-park role. Each
push is audited (who, when, how many).
"""

from __future__ import annotations

import pandas as pd
from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from greenpark.auth import Permission
from greenpark.auth.service import audit
from greenpark.errors import RowsError
from greenpark.ledger.readings import MeterInfo, check_interval_readings
from greenpark.store._scope import shown_park_id
from greenpark.store.ledger import park_meters
from greenpark.store.timeseries import write_readings
from greenpark.web.deps import SettingsDep, StoreDep
from greenpark.web.security import Uploader, client_ip, route

#: Most readings one request may carry.
MAX_READINGS = 100_000


class ReadingIn(BaseModel):
    """One interval reading."""

    meter: str = Field(max_length=64, description="Meter code (registry).")
    start: str = Field(
        max_length=40, description="Start, ISO 8601; without an offset: the park's time zone."
    )
    end: str | None = Field(None, max_length=40, description="End (default: start + interval).")
    quantity: float = Field(description="Use in the interval, in `unit` or the meter's unit.")
    unit: str | None = Field(None, max_length=16, description="e.g. MWh; converted.")
    quality: str | None = Field(None, max_length=16, description="Default `ok`.")


class ReadingsIn(BaseModel):
    """A batch of readings."""

    readings: list[ReadingIn] = Field(min_length=1, max_length=MAX_READINGS)


class ReadingsWrittenPublic(BaseModel):
    """What a push wrote."""

    rows: int = Field(description="Readings received.")
    inserted: int = Field(description="New readings.")
    replaced: int = Field(description="Readings that replaced stored ones (a repeated push).")


def api_push_readings(
    request: Request, store: StoreDep, settings: SettingsDep, who: Uploader, body: ReadingsIn
) -> ReadingsWrittenPublic:
    """Write meter readings (all or nothing; every bad item named)."""
    frame = pd.DataFrame([r.model_dump() for r in body.readings])
    with store.read() as conn:
        meters = {
            code: MeterInfo(*info[:4])
            for code, info in park_meters(conn, None, park_id=shown_park_id(conn)).items()
            if who.whole_park or (info[4] is not None and who.sees_enterprise(info[4]))
        }
    checked = check_interval_readings(
        frame, meters, source="readings", timezone=settings.park_timezone, first_row=1
    )
    if checked.errors:
        raise RowsError(checked.errors)
    with store.write() as conn:
        result = write_readings(conn, checked.good, settings.park_timezone)
        audit(
            conn,
            "readings.upload",
            actor=who.username,
            target=f"{checked.good['meter_id'].nunique()} meter(s)",
            detail={"rows": result.rows, "inserted": result.inserted, "via": who.via},
            ip=client_ip(request),
        )
    return ReadingsWrittenPublic(
        rows=result.rows, inserted=result.inserted, replaced=result.replaced
    )


def add_routes(app: FastAPI) -> None:
    """Register ``POST /api/readings`` on ``app``."""
    route(
        app,
        "/api/readings",
        api_push_readings,
        Permission.UPLOAD,
        methods=("POST",),
        response_model=ReadingsWrittenPublic,
        tags=["readings"],
    )
