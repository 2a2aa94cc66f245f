"""The enterprise scope of a query, as SQL conditions (shared by ``overview`` and ``scoped``).

A *scope* is what :attr:`greenpark.auth.Principal.enterprise_ids` holds: ``None`` for the
whole park, otherwise the ids of the enterprises the caller may see (possibly none). Every
store query that returns enterprise data takes one and filters with these conditions in
SQL, so nothing outside the scope ever leaves the database.

Rules:

- Data owned by an enterprise (meters, enterprise outlets, yearly figures, certificates) is
  in scope when its enterprise is.
- Park-level *stations* (no owning enterprise: ambient air, surface water, noise) are
  visible to every reader.
- Park-level *meters* (no owning enterprise) are visible to whole-park callers only: a park
  meter's readings, set against an enterprise's own, could reveal what the others use.
"""

from __future__ import annotations

from typing import TypeAlias

from sqlalchemy import ColumnElement, Connection, func, or_, select, true

from greenpark.store.schema import Park

#: Park-level aggregates shown to a restricted caller leave out groups of fewer
#: enterprises than this, so no single enterprise's figure can be derived.
MIN_GROUP_SIZE = 3

#: ``None`` (the whole park) or the ids of the enterprises a caller may see.
Scope: TypeAlias = frozenset[int] | None


def enterprise_in_scope(column: ColumnElement[int | None], scope: Scope) -> ColumnElement[bool]:
    """SQL condition: the enterprise in ``column`` is in ``scope`` (always true for ``None``).

    A row whose enterprise is NULL is *not* in a restricted scope; an empty scope matches no
    row.
    """
    if scope is None:
        return true()
    return column.in_(sorted(scope))


def owned_or_park_level(column: ColumnElement[int | None], scope: Scope) -> ColumnElement[bool]:
    """SQL condition: park-level (``column`` is NULL) or owned by an enterprise in ``scope``."""
    if scope is None:
        return true()
    return or_(column.is_(None), column.in_(sorted(scope)))


def shown_park_id(conn: Connection) -> int | None:
    """Id of the park the web app shows: the store's first park (lowest id), or None."""
    park_id: int | None = conn.execute(select(func.min(Park.id))).scalar_one()
    return park_id
