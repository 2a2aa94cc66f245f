"""Monthly energy quantities for the ledger, read from the monthly meter totals.

What counts as use (``docs/architecture.md``): top-level (no parent), real (no formula),
consumption meters. Totals come from ``meter_month`` (the park's local calendar months).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, and_, func, or_, select

from greenpark.errors import InputError
from greenpark.store.schema import Enterprise, Meter, MeterMonth, Park


def monthly_quantities(conn: Connection, year: int, park_code: str | None = None) -> pd.DataFrame:
    """Quantities per enterprise, month and carrier of ``year``.

    Returns
    -------
    DataFrame
        Columns ``park``, ``enterprise`` (credit code; empty for park-level meters),
        ``enterprise_name``, ``month`` (``YYYY-MM``), ``carrier``, ``unit``, ``quantity``
        (in the carrier's unit) and ``meters`` (how many meters contributed).
    """
    counted = and_(
        Meter.parent_id.is_(None),
        Meter.direction == "consumption",
        or_(Meter.formula.is_(None), Meter.formula == ""),
        MeterMonth.month >= f"{year:04d}-01",
        MeterMonth.month <= f"{year:04d}-12",
    )
    q = (
        select(
            Park.code,
            func.coalesce(Enterprise.credit_code, ""),
            func.coalesce(Enterprise.name, ""),
            MeterMonth.month,
            Meter.carrier,
            Meter.unit,
            func.sum(MeterMonth.quantity),
            func.count(func.distinct(Meter.id)),
        )
        .join(Meter, Meter.id == MeterMonth.meter_id)
        .join(Park, Park.id == Meter.park_id)
        .outerjoin(Enterprise, Enterprise.id == Meter.enterprise_id)
        .where(counted)
        .group_by(
            Park.code, Enterprise.credit_code, Enterprise.name, MeterMonth.month, Meter.carrier,
            Meter.unit,
        )
        .order_by(Park.code, Enterprise.credit_code, MeterMonth.month, Meter.carrier)
    )  # fmt: skip
    if park_code is not None:
        q = q.where(Park.code == park_code)
    columns = ["park", "enterprise", "enterprise_name", "month", "carrier", "unit", "quantity"]
    rows = conn.execute(q).all()
    frame = pd.DataFrame(rows, columns=[*columns, "meters"])
    frame["quantity"] = frame["quantity"].astype(float)
    return frame


def park_meters(
    conn: Connection, park_code: str | None, *, park_id: int | None = None
) -> dict[str, tuple[int, str, int, bool, int | None]]:
    """The meters of a park by code → (id, unit, interval [s], virtual, enterprise id); the
    only park when ``park_code`` is None (or the park with id ``park_id``).

    Raises
    ------
    InputError
        No such park, or several parks and none named.
    """
    parks = conn.execute(select(Park.id, Park.code)).all()
    if park_id is not None:
        parks = [(p, c) for p, c in parks if p == park_id]
    if park_code is None and len(parks) != 1:
        raise InputError(f"{len(parks)} parks in the store: name one with --park")
    pid = next((p for p, c in parks if park_code in (None, c)), None)
    if pid is None:
        raise InputError(f"no park {park_code!r} in the store")
    rows = conn.execute(
        select(
            Meter.id, Meter.code, Meter.unit, Meter.interval_s, Meter.formula, Meter.enterprise_id
        ).where(Meter.park_id == pid)
    )
    return {
        code: (mid, unit, step, bool(formula), owner)
        for mid, code, unit, step, formula, owner in rows
    }
