"""``POST /api/evaluation/entries``: evaluation indicators entered by hand with their
evidence, for the park the app shows (:func:`greenpark.store.ledger.shown_park`), and
``GET /api/evaluation/evidence/{sha256}``: a stored evidence file, as a download.

Thin over :func:`greenpark.evaluation.service.enter_indicators`, which checks every item
against the scheme's catalogue (:mod:`greenpark.evaluation.entries`), writes all or nothing
and audits the write (``evaluation.entry``, with the old values and how: session or token).
The values are park data: the route needs ``edit`` and a whole-park caller. The evidence
files are read like the evaluation: ``read`` and a whole-park caller.
"""

from __future__ import annotations

import re
from typing import Annotated, Final
from urllib.parse import quote

from fastapi import FastAPI, Path, Request, Response
from pydantic import BaseModel, Field

from greenpark.auth import ForbiddenError, Permission
from greenpark.errors import NotFoundError
from greenpark.evaluation.service import enter_indicators
from greenpark.store.evaluation import get_evidence
from greenpark.store.ledger import resolve_park
from greenpark.web.deps import StoreDep, shown_park_code
from greenpark.web.security import Editor, Reader, client_ip, route

#: Most values one request may carry.
MAX_ENTRIES: Final = 1_000
#: Characters kept in the plain ``filename=`` of a download (the rest become ``_``; the
#: full name goes in ``filename*``, RFC 6266).
_UNSAFE_FILENAME: Final = re.compile(r"[^A-Za-z0-9._-]")
#: A media type as ``type/subtype`` without parameters (RFC 6838 restricted names).
_MEDIA_TYPE: Final = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
)

Sha256Path = Annotated[
    str,
    Path(
        pattern="^[0-9a-fA-F]{64}$",
        description="SHA-256 of the evidence file (an entry's evidence_sha256).",
    ),
]


class IndicatorEntryIn(BaseModel):
    """One indicator value entered by hand (``greenpark.evaluation.entries``)."""

    scheme: str = Field(
        max_length=64,
        description="miit-green-park, zero-carbon-park, green-data-centre or green-factory.",
    )
    year: int = Field(description="Evaluation year.")
    id: str = Field(max_length=64, description="Indicator id of the scheme's catalogue.")
    value: float = Field(description="In the catalogue's unit; 1 (met) or 0 for pass items.")
    unit: str | None = Field(
        None, max_length=32, description="Must be the catalogue's unit (default: that unit)."
    )
    evidence: str | None = Field(
        None,
        max_length=2000,
        description="Required: the document reference, URL or file name the value rests on.",
    )
    evidence_sha256: str | None = Field(
        None, max_length=64, description="SHA-256 (64 hex digits) of an evidence file."
    )
    note: str | None = Field(None, max_length=2000)


class IndicatorEntriesIn(BaseModel):
    """A batch of indicator values entered by hand."""

    entries: list[IndicatorEntryIn] = Field(min_length=1, max_length=MAX_ENTRIES)


class IndicatorEntriesWrittenPublic(BaseModel):
    """What an entry push wrote."""

    entries: int = Field(description="Values received.")
    new: int = Field(description="New values.")
    replaced: int = Field(description="Values that replaced stored ones (same scheme, id, year).")
    computed: list[str] = Field(
        description="Entries ('scheme year id') of indicators computed from data: stored and "
        "shown beside the computed value, not used."
    )


def api_evaluation_entries(
    request: Request, store: StoreDep, who: Editor, body: IndicatorEntriesIn
) -> IndicatorEntriesWrittenPublic:
    """Enter evaluation indicator values by hand with their evidence, all or nothing: any
    bad item → 400 naming every bad field (``entries: row N`` is the N-th item): an
    unknown scheme, an id not in the catalogue of the year, a unit other than the
    catalogue's, a pass item not 0/1, missing evidence. A value for the same scheme, id
    and year replaces the stored one; audited (``evaluation.entry``, with the old values
    and how: session or token). A value fills an indicator no data gives; one for an
    indicator computed from data is shown beside it and not used (``computed``)."""
    if not who.whole_park:
        raise ForbiddenError("evaluation entries are park data: they need a whole-park role")
    written = enter_indicators(
        store,
        [e.model_dump() for e in body.entries],
        park_code=shown_park_code(store),
        who=who.username,
        source="entries",
        first_row=1,
        ip=client_ip(request),
        via=who.via,
    )
    return IndicatorEntriesWrittenPublic(
        entries=written.entries,
        new=written.new,
        replaced=written.replaced,
        computed=list(written.computed),
    )


def api_evaluation_evidence(sha256: Sha256Path, store: StoreDep, who: Reader) -> Response:
    """An evidence file stored with the values entered by hand (``greenpark indicator enter
    --file``, an import's ``file`` column), as a download with its content type and file
    name. For whole-park callers, like the evaluation (403 otherwise); 404 when no file with
    this SHA-256 is stored for the park the app shows."""
    if not who.whole_park:
        raise ForbiddenError("evaluation evidence is park data: it needs a whole-park role")
    code = shown_park_code(store)
    with store.read() as conn:
        row = get_evidence(conn, resolve_park(conn, code).id, sha256)
    if row is None:
        raise NotFoundError(f"no evidence file with SHA-256 {sha256.lower()} is stored")
    name = row["filename"]
    plain = _UNSAFE_FILENAME.sub("_", name) or "evidence"
    kind = str(row["content_type"] or "")
    if not _MEDIA_TYPE.fullmatch(kind):  # not a plain type/subtype: bytes, nothing else
        kind = "application/octet-stream"
    return Response(
        bytes(row["data"]),
        media_type=kind,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
            ),
            "X-Content-Type-Options": "nosniff",
            # an HTML or SVG evidence file opened in the browser runs no script of ours
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


def add_routes(app: FastAPI) -> None:
    """Register ``POST /api/evaluation/entries`` (EDIT) and
    ``GET /api/evaluation/evidence/{sha256}`` (READ) on ``app``."""
    route(
        app,
        "/api/evaluation/entries",
        api_evaluation_entries,
        Permission.EDIT,
        methods=("POST",),
        response_model=IndicatorEntriesWrittenPublic,
        tags=["evaluation"],
    )
    route(
        app,
        "/api/evaluation/evidence/{sha256}",
        api_evaluation_evidence,
        Permission.READ,
        response_class=Response,
        responses={
            200: {
                "content": {"application/octet-stream": {}},
                "description": "The evidence file's bytes, with its content type.",
            },
            404: {"description": "No evidence file with this SHA-256 is stored."},
        },
        tags=["evaluation"],
    )
