"""The ledger's tables: monthly meter totals, hand-entered figures, factor versions,
budgets and issued reports.

What counts as use (``docs/architecture.md``): top-level (no parent), real (no formula),
consumption meters. Totals come from ``meter_month`` (the park's local calendar months).
Production meters (PV, gas engines, heat and cooling output) are read apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, func, insert, or_, select, update

from greenpark.errors import InputError
from greenpark.store._keyed import replace_or_insert
from greenpark.store.schema import (
    EnergyTarget,
    Enterprise,
    EnterpriseYear,
    FactorVersion,
    LedgerEntry,
    LedgerReport,
    Meter,
    MeterMonth,
    Park,
)


def monthly_quantities(conn: Connection, year: int, park_code: str | None = None) -> pd.DataFrame:
    """Quantities per enterprise, month and carrier of ``year``.

    Returns
    -------
    DataFrame
        Columns ``park``, ``enterprise`` (credit code; empty for park-level meters),
        ``enterprise_name``, ``month`` (``YYYY-MM``), ``carrier``, ``unit``, ``quantity``
        (in the carrier's unit) and ``meters`` (how many meters contributed).
    """
    return _monthly(conn, year, park_code, "consumption")


def monthly_production(conn: Connection, year: int, park_code: str | None = None) -> pd.DataFrame:
    """Production-meter quantities (energy generated or delivered in the park) per
    enterprise, month, carrier and ``renewable`` flag of ``year``; columns as
    :func:`monthly_quantities` plus ``renewable``."""
    return _monthly(conn, year, park_code, "production")


def _monthly(conn: Connection, year: int, park_code: str | None, direction: str) -> pd.DataFrame:
    production = direction == "production"
    counted = and_(
        Meter.parent_id.is_(None),
        Meter.direction == direction,
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
            Meter.renewable,
            func.sum(MeterMonth.quantity),
            func.count(func.distinct(Meter.id)),
        )
        .join(Meter, Meter.id == MeterMonth.meter_id)
        .join(Park, Park.id == Meter.park_id)
        .outerjoin(Enterprise, Enterprise.id == Meter.enterprise_id)
        .where(counted)
        .group_by(
            Park.code, Enterprise.credit_code, Enterprise.name, MeterMonth.month, Meter.carrier,
            Meter.unit, Meter.renewable,
        )
        .order_by(Park.code, Enterprise.credit_code, MeterMonth.month, Meter.carrier)
    )  # fmt: skip
    if park_code is not None:
        q = q.where(Park.code == park_code)
    columns = ["park", "enterprise", "enterprise_name", "month", "carrier", "unit", "renewable"]
    rows = conn.execute(q).all()
    frame = pd.DataFrame(rows, columns=[*columns, "quantity", "meters"])
    frame["quantity"] = frame["quantity"].astype(float)
    frame["renewable"] = frame["renewable"].astype(bool)
    if not production:
        frame = frame.drop(columns="renewable")
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
    if park_id is not None:
        pid = conn.execute(select(Park.id).where(Park.id == park_id)).scalar()
        if pid is None:
            raise InputError(f"no park with id {park_id} in the store")
    else:
        pid = resolve_park(conn, park_code).id
    rows = conn.execute(
        select(
            Meter.id, Meter.code, Meter.unit, Meter.interval_s, Meter.formula, Meter.enterprise_id
        ).where(Meter.park_id == pid)
    )
    return {
        code: (mid, unit, step, bool(formula), owner)
        for mid, code, unit, step, formula, owner in rows
    }


@dataclass(frozen=True)
class ParkRef:
    """A park's id, code and name."""

    id: int
    code: str
    name: str


def resolve_park(conn: Connection, park_code: str | None) -> ParkRef:
    """The park with ``park_code``, or the only park when None.

    Raises
    ------
    InputError
        No such park, or several parks and none named.
    """
    parks = conn.execute(select(Park.id, Park.code, Park.name)).all()
    if park_code is None:
        if len(parks) != 1:
            raise InputError(f"{len(parks)} parks in the store: name one with --park")
        return ParkRef(*parks[0])
    for p in parks:
        if p.code == park_code:
            return ParkRef(*p)
    raise InputError(f"no park {park_code!r} in the store")


def shown_park(conn: Connection) -> ParkRef | None:
    """The park the dashboard shows (``greenpark.store._scope.shown_park_id``), or None."""
    from greenpark.store._scope import shown_park_id

    pid = shown_park_id(conn)
    if pid is None:
        return None
    row = conn.execute(select(Park.id, Park.code, Park.name).where(Park.id == pid)).first()
    return None if row is None else ParkRef(*row)


def enterprise_ids(conn: Connection, park_id: int) -> dict[str, int]:
    """Credit code → enterprise id of the park's enterprises."""
    q = select(Enterprise.credit_code, Enterprise.id).where(Enterprise.park_id == park_id)
    return {code: eid for code, eid in conn.execute(q)}


def enterprise_table(conn: Connection, park_id: int, years: Iterable[int]) -> pd.DataFrame:
    """The park's enterprises with their yearly value added and revenue: columns
    ``enterprise`` (credit code), ``enterprise_name``, ``industry``, ``year``,
    ``value_added`` and ``revenue`` [10⁴ yuan] (one row per enterprise and year asked;
    NaN where not reported)."""
    years = sorted(set(years))
    ents = conn.execute(
        select(Enterprise.id, Enterprise.credit_code, Enterprise.name, Enterprise.industry).where(
            Enterprise.park_id == park_id
        )
    ).all()
    figures = {
        (r.enterprise_id, r.year): r
        for r in conn.execute(
            select(
                EnterpriseYear.enterprise_id,
                EnterpriseYear.year,
                EnterpriseYear.value_added,
                EnterpriseYear.revenue,
            ).where(
                EnterpriseYear.enterprise_id.in_([e.id for e in ents]),
                EnterpriseYear.year.in_(years),
            )
        )
    }
    rows = []
    for e in ents:
        for y in years:
            f = figures.get((e.id, y))
            rows.append(
                {
                    "enterprise": e.credit_code,
                    "enterprise_name": e.name,
                    "industry": e.industry,
                    "year": y,
                    "value_added": f.value_added if f else None,
                    "revenue": f.revenue if f else None,
                }
            )
    cols = ["enterprise", "enterprise_name", "industry", "year", "value_added", "revenue"]
    frame = pd.DataFrame(rows, columns=cols)
    frame[["value_added", "revenue"]] = frame[["value_added", "revenue"]].astype(float)
    return frame


#: Columns of a hand-entered ledger figure.
ENTRY_COLUMNS = ("enterprise", "month", "carrier", "kind", "quantity", "unit", "note")


def upsert_entries(
    conn: Connection,
    park_id: int,
    entries: Iterable[dict[str, Any]],
    *,
    who: str | None,
    now: dt.datetime,
) -> tuple[int, list[dict[str, Any]]]:
    """Write hand-entered monthly figures; an entry for the same (enterprise, month,
    carrier, kind) replaces the one stored.

    Each entry has :data:`ENTRY_COLUMNS` with ``enterprise`` an enterprise id or None
    (park level) and ``quantity`` in ``unit`` (checked by ``greenpark.ledger.entries``).

    Returns
    -------
    (int, list of dict)
        How many were new, and the replaced entries as they were (old values).
    """
    new = 0
    replaced: list[dict[str, Any]] = []
    for e in entries:
        key = {"park_id": park_id, "enterprise_id": e["enterprise"], "month": e["month"],
               "carrier": e["carrier"], "kind": e["kind"]}  # fmt: skip
        values = {"quantity": e["quantity"], "unit": e["unit"], "note": e.get("note") or "",
                  "entered_by": who, "entered_at": now}  # fmt: skip
        old = replace_or_insert(conn, LedgerEntry, key, values)
        if old is None:
            new += 1
        else:
            replaced.append(old)
    return new, replaced


def list_entries(
    conn: Connection, park_id: int, *, year: int | None = None, enterprise_id: int | None = None
) -> pd.DataFrame:
    """Hand-entered figures of the park (of ``year``; of one enterprise): columns
    ``id``, ``enterprise`` (credit code, "" for park level), ``month``, ``carrier``,
    ``kind``, ``quantity``, ``unit``, ``note``, ``entered_by``, ``entered_at``."""
    q = (
        select(
            LedgerEntry.id,
            func.coalesce(Enterprise.credit_code, ""),
            LedgerEntry.month,
            LedgerEntry.carrier,
            LedgerEntry.kind,
            LedgerEntry.quantity,
            LedgerEntry.unit,
            LedgerEntry.note,
            LedgerEntry.entered_by,
            LedgerEntry.entered_at,
        )
        .outerjoin(Enterprise, Enterprise.id == LedgerEntry.enterprise_id)
        .where(LedgerEntry.park_id == park_id)
        .order_by(LedgerEntry.month, Enterprise.credit_code, LedgerEntry.carrier, LedgerEntry.kind)
    )
    if year is not None:
        q = q.where(LedgerEntry.month.between(f"{year:04d}-01", f"{year:04d}-12"))
    if enterprise_id is not None:
        q = q.where(LedgerEntry.enterprise_id == enterprise_id)
    cols = ["id", "enterprise", "month", "carrier", "kind", "quantity", "unit", "note"]
    frame = pd.DataFrame(conn.execute(q).all(), columns=[*cols, "entered_by", "entered_at"])
    frame["quantity"] = frame["quantity"].astype(float)
    return frame


def factor_versions(conn: Connection, *, current: bool = True) -> list[dict[str, Any]]:
    """The user's factor versions (only those in force unless ``current`` is False),
    oldest first."""
    q = select(FactorVersion.__table__).order_by(FactorVersion.id)
    if current:
        q = q.where(FactorVersion.superseded_at.is_(None))
    return [dict(r) for r in conn.execute(q).mappings()]


def add_factor_version(
    conn: Connection,
    *,
    kind: str,
    key: str,
    year: int | None,
    value: float,
    unit: str,
    source: str,
    who: str | None,
    now: dt.datetime,
) -> tuple[int, dict[str, Any] | None]:
    """Add a factor version; the version in force for (kind, key, year) is superseded.

    Returns
    -------
    (int, dict or None)
        The new version's id and the superseded version (None when there was none).
    """
    same = and_(
        FactorVersion.kind == kind,
        FactorVersion.key == key,
        FactorVersion.year.is_(None) if year is None else FactorVersion.year == year,
        FactorVersion.superseded_at.is_(None),
    )
    old = conn.execute(select(FactorVersion.__table__).where(same)).mappings().first()
    if old is not None:
        conn.execute(
            update(FactorVersion).where(FactorVersion.id == old["id"]).values(superseded_at=now)
        )
    new_id = conn.execute(
        insert(FactorVersion)
        .values(
            kind=kind,
            key=key,
            year=year,
            value=value,
            unit=unit,
            source=source,
            created_by=who,
            created_at=now,
        )
        .returning(FactorVersion.id)
    ).scalar_one()
    return new_id, dict(old) if old is not None else None


def set_target(
    conn: Connection,
    park_id: int,
    enterprise_id: int | None,
    year: int,
    quantity: str,
    budget: float,
    *,
    who: str | None,
    now: dt.datetime,
) -> float | None:
    """Set a yearly budget [t of tce or tCO2]; returns the budget it replaced (or None)."""
    key = {"park_id": park_id, "enterprise_id": enterprise_id, "year": year,
           "quantity": quantity}  # fmt: skip
    old = replace_or_insert(
        conn, EnergyTarget, key, {"budget": budget, "set_by": who, "set_at": now}
    )
    return None if old is None else float(old["budget"])


def targets(conn: Connection, park_id: int, year: int) -> dict[tuple[str, str], float]:
    """(enterprise credit code or "" for the park, quantity) → budget of ``year``."""
    q = (
        select(
            func.coalesce(Enterprise.credit_code, ""), EnergyTarget.quantity, EnergyTarget.budget
        )
        .outerjoin(Enterprise, Enterprise.id == EnergyTarget.enterprise_id)
        .where(EnergyTarget.park_id == park_id, EnergyTarget.year == year)
    )
    return {(who, quantity): float(budget) for who, quantity, budget in conn.execute(q)}


def add_report(conn: Connection, values: dict[str, Any]) -> int:
    """Record an issued ledger report; returns its id."""
    return int(
        conn.execute(insert(LedgerReport).values(**values).returning(LedgerReport.id)).scalar_one()
    )


def list_reports(conn: Connection, park_id: int | None = None) -> list[dict[str, Any]]:
    """Issued ledger reports, oldest first."""
    q = select(LedgerReport.__table__).order_by(LedgerReport.id)
    if park_id is not None:
        q = q.where(LedgerReport.park_id == park_id)
    return [dict(r) for r in conn.execute(q).mappings()]


def data_months(conn: Connection, park_id: int) -> list[str]:
    """Months ("YYYY-MM") with metered or hand-entered energy in the park."""
    metered = (
        select(MeterMonth.month)
        .join(Meter, Meter.id == MeterMonth.meter_id)
        .where(Meter.park_id == park_id)
        .distinct()
    )
    entered = select(LedgerEntry.month).where(LedgerEntry.park_id == park_id).distinct()
    return sorted({m for (m,) in conn.execute(metered)} | {m for (m,) in conn.execute(entered)})
