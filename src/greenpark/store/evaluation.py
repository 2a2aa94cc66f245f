"""The evaluation's table: indicator values entered by hand with their evidence
(``evaluation_entry``; checked by :mod:`greenpark.evaluation.entries`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy import Connection, select

from greenpark.store._keyed import replace_or_insert
from greenpark.store.schema import EvaluationEntry

__all__ = ["ENTRY_COLUMNS", "list_entries", "upsert_entries"]

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
