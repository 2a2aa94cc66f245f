"""The evaluation's tables: indicator values entered by hand with their evidence
(``evaluation_entry``; checked by :mod:`greenpark.evaluation.entries`) and the evidence
files themselves (``evaluation_evidence``: the bytes, keyed by their SHA-256 in the park)."""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from collections.abc import Iterable
from pathlib import PureWindowsPath
from typing import Any, Final

from sqlalchemy import Connection, RowMapping, insert, select

from greenpark.errors import InputError
from greenpark.store._keyed import replace_or_insert
from greenpark.store.schema import EvaluationEntry, EvaluationEvidence

__all__ = [
    "ENTRY_COLUMNS",
    "MAX_EVIDENCE_BYTES",
    "get_evidence",
    "list_entries",
    "put_evidence",
    "stored_evidence",
    "upsert_entries",
]

#: Largest evidence file stored [bytes] (20 MiB).
MAX_EVIDENCE_BYTES: Final[int] = 20 * 1024 * 1024
#: Content type of a file whose type is not given nor guessed from its name.
DEFAULT_CONTENT_TYPE: Final[str] = "application/octet-stream"

#: Columns of an entry as listed (besides ``id``, ``park_id``).
ENTRY_COLUMNS: Final[tuple[str, ...]] = (
    "scheme",
    "indicator",
    "year",
    "value",
    "unit",
    "evidence",
    "evidence_sha256",
    "note",
    "entered_by",
    "entered_at",
)


def upsert_entries(
    conn: Connection,
    park_id: int,
    entries: Iterable[dict[str, Any]],
    *,
    who: str | None,
    now: dt.datetime,
) -> tuple[int, list[dict[str, Any]]]:
    """Write checked entries (``scheme``, ``indicator``, ``year``, ``value``, ``unit``,
    ``evidence``, ``evidence_sha256``, ``note``); an entry for the same (scheme, indicator,
    year) replaces the one stored, and who/when with it.

    Returns
    -------
    (int, list of dict)
        How many were new, and the replaced entries as they were (old values).
    """
    new = 0
    replaced: list[dict[str, Any]] = []
    for e in entries:
        key = {"park_id": park_id, "scheme": e["scheme"], "indicator": e["indicator"],
               "year": e["year"]}  # fmt: skip
        values = {
            "value": float(e["value"]),
            "unit": e["unit"],
            "evidence": e["evidence"],
            "evidence_sha256": e.get("evidence_sha256") or None,
            "note": e.get("note") or "",
            "entered_by": who,
            "entered_at": now,
        }
        old = replace_or_insert(conn, EvaluationEntry, key, values)
        if old is None:
            new += 1
        else:
            replaced.append(old)
    return new, replaced


def list_entries(
    conn: Connection,
    park_id: int,
    *,
    scheme: str | None = None,
    year: int | None = None,
) -> list[dict[str, Any]]:
    """The park's entries (of ``scheme``; of ``year``), ordered by scheme, year and
    indicator: dicts with ``id`` and :data:`ENTRY_COLUMNS` (``entered_at`` aware UTC)."""
    q = (
        select(EvaluationEntry.id, *(getattr(EvaluationEntry, c) for c in ENTRY_COLUMNS))
        .where(EvaluationEntry.park_id == park_id)
        .order_by(EvaluationEntry.scheme, EvaluationEntry.year, EvaluationEntry.indicator)
    )
    if scheme is not None:
        q = q.where(EvaluationEntry.scheme == scheme)
    if year is not None:
        q = q.where(EvaluationEntry.year == year)
    return [dict(r) for r in conn.execute(q).mappings()]


def _base_name(filename: str) -> str:
    """The file's own name (no folders, ``/`` or ``\\``), at most 255 characters."""
    name = PureWindowsPath(filename.strip()).name.strip()
    if len(name) > 255:  # keep the suffix: it gives the type
        stem, dot, suffix = name.rpartition(".")
        keep = 255 - len(dot) - len(suffix)
        name = stem[:keep] + dot + suffix if dot and keep > 0 else name[:255]
    return name


def put_evidence(
    conn: Connection,
    park_id: int,
    filename: str,
    data: bytes,
    content_type: str | None,
    who: str | None,
    *,
    now: dt.datetime | None = None,
) -> str:
    """Store an evidence file of the park; the same bytes already stored keep their row.

    Parameters
    ----------
    conn : Connection
        A connection in a write transaction (the entries' own, so all is written or none).
    park_id : int
        The park.
    filename : str
        The file's name (folders are dropped); the name a download gets.
    data : bytes
        The file's content, at most :data:`MAX_EVIDENCE_BYTES`.
    content_type : str or None
        Its media type; empty or None: guessed from ``filename``
        (:data:`DEFAULT_CONTENT_TYPE` when unknown).
    who : str or None
        Who uploaded it.
    now : datetime, optional
        When (aware); default: now.

    Returns
    -------
    str
        The SHA-256 of ``data`` (64 lower-case hex digits).

    Raises
    ------
    InputError
        The file is larger than :data:`MAX_EVIDENCE_BYTES` or has no name.
    """
    name = _base_name(filename)
    if name in ("", ".", ".."):
        raise InputError(f"{filename!r}: an evidence file needs a name")
    size = len(data)
    if size > MAX_EVIDENCE_BYTES:
        raise InputError(
            f"{name}: the evidence file is {size:,} bytes, more than the "
            f"{MAX_EVIDENCE_BYTES:,} bytes ({MAX_EVIDENCE_BYTES // (1024 * 1024)} MiB) stored"
        )
    sha = hashlib.sha256(data).hexdigest()
    if get_evidence(conn, park_id, sha) is not None:
        return sha
    kind = (content_type or "").strip() or mimetypes.guess_type(name)[0] or DEFAULT_CONTENT_TYPE
    conn.execute(
        insert(EvaluationEvidence).values(
            park_id=park_id,
            sha256=sha,
            filename=name,
            content_type=kind[:100],
            size=size,
            data=data,
            uploaded_by=who,
            uploaded_at=now or dt.datetime.now(dt.UTC),
        )
    )
    return sha


def get_evidence(conn: Connection, park_id: int, sha256: str) -> RowMapping | None:
    """The park's evidence file with SHA-256 ``sha256`` (any case), or ``None``: a row with
    ``sha256``, ``filename``, ``content_type``, ``size``, ``data`` (bytes),
    ``uploaded_by`` and ``uploaded_at`` (aware UTC)."""
    row = (
        conn.execute(
            select(
                EvaluationEvidence.sha256,
                EvaluationEvidence.filename,
                EvaluationEvidence.content_type,
                EvaluationEvidence.size,
                EvaluationEvidence.data,
                EvaluationEvidence.uploaded_by,
                EvaluationEvidence.uploaded_at,
            ).where(
                EvaluationEvidence.park_id == park_id,
                EvaluationEvidence.sha256 == sha256.strip().lower(),
            )
        )
        .mappings()
        .one_or_none()
    )
    return row


def stored_evidence(conn: Connection, park_id: int) -> set[str]:
    """The SHA-256 of every evidence file stored for the park (not their bytes)."""
    q = select(EvaluationEvidence.sha256).where(EvaluationEvidence.park_id == park_id)
    return set(conn.execute(q).scalars())
