"""Write a row by its natural key: replace the one stored, or insert it (one statement path
for the ledger's hand entries and budgets and the evaluation's entries)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update


def replace_or_insert(
    conn: Connection, model: Any, key: Mapping[str, Any], values: Mapping[str, Any]
) -> dict[str, Any] | None:
    """Update the row of ``model`` whose columns equal ``key`` (a None key value matches
    NULL) with ``values``, or insert ``key`` + ``values``.

    Returns
    -------
    dict or None
        The row as it was before (old values), or None when it was inserted.
    """
    same = and_(
        *(
            getattr(model, col).is_(None) if v is None else getattr(model, col) == v
            for col, v in key.items()
        )
    )
    old = conn.execute(select(model.__table__).where(same)).mappings().first()
    if old is None:
        conn.execute(insert(model).values(**key, **values))
        return None
    conn.execute(update(model).where(model.id == old["id"]).values(**values))
    return dict(old)
