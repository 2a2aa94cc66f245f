"""Whole-park housekeeping: delete a park's rows, count them, the ``meta`` table, the size.

Used by the demo builder (``greenpark.demo``) to rebuild its park without leaving duplicates,
and by anything that must report what a park holds. Deletion runs explicit ``DELETE``
statements child tables first (readings, measurements and monthly totals by the ids of the
park's meters and stations), so it never relies on cascades and stays fast on large series.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from greenpark.store.schema import (
    Asset,
    Certification,
    DispatchRun,
    EnergyTarget,
    Enterprise,
    EnterpriseYear,
    EvaluationEntry,
    EvaluationEvidence,
    HighTechCertificate,
    LedgerEntry,
    LedgerReport,
    Measurement,
    Meta,
    Meter,
    MeterMonth,
    MeterReading,
    Park,
    RainfallDay,
    Site,
    SpongeCatchment,
    SpongeFacility,
    Station,
    Vehicle,
)

#: Tables of a park, children first: the order :func:`delete_park` empties them in.
PARK_TABLES: tuple[str, ...] = (
    "meter_reading",
    "meter_month",
    "measurement",
    "meter",
    "station",
    "site",
    "enterprise_year",
    "high_tech_certificate",
    "certification",
    "asset",
    "vehicle",
    "sponge_facility",
    "catchment",
    "rainfall_day",
    "ledger_entry",
    "energy_target",
    "ledger_report",
    "dispatch_run",
    "evaluation_entry",
    "evaluation_evidence",
    "enterprise",
    "park",
)


#: Tables whose rows belong to a park through their ``park_id`` alone (the ledger's hand
#: entries, budgets and issued reports; the station's day-ahead runs; the evaluation
#: indicators entered by hand and their evidence files).
BY_PARK_ID: tuple[tuple[str, Any], ...] = (
    ("ledger_entry", LedgerEntry),
    ("energy_target", EnergyTarget),
    ("ledger_report", LedgerReport),
    ("dispatch_run", DispatchRun),
    ("evaluation_entry", EvaluationEntry),
    ("evaluation_evidence", EvaluationEvidence),
)


def park_id(conn: Connection, code: str) -> int | None:
    """The id of the park with ``code``, or ``None`` when there is none."""
    return conn.execute(select(Park.id).where(Park.code == code)).scalar_one_or_none()


def delete_park(conn: Connection, code: str) -> dict[str, int]:
    """Delete a park and every row that belongs to it.

    Parameters
    ----------
    conn
        A connection inside a write transaction (``Store.write()``).
    code
        The park's code.

    Returns
    -------
    dict
        Rows deleted per table (keys of :data:`PARK_TABLES`); all zero if the park does not
        exist.
    """
    deleted = dict.fromkeys(PARK_TABLES, 0)
    pid = park_id(conn, code)
    if pid is None:
        return deleted
    meters = select(Meter.id).where(Meter.park_id == pid).scalar_subquery()
    stations = select(Station.id).where(Station.park_id == pid).scalar_subquery()
    enterprises = select(Enterprise.id).where(Enterprise.park_id == pid).scalar_subquery()
    meter_ids = list(conn.execute(select(Meter.id).where(Meter.park_id == pid)).scalars())
    # one statement per meter keeps each range delete on the primary key
    for mid in meter_ids:
        deleted["meter_reading"] += conn.execute(
            delete(MeterReading).where(MeterReading.meter_id == mid)
        ).rowcount
    deleted["meter_month"] = conn.execute(
        delete(MeterMonth).where(MeterMonth.meter_id.in_(meters))
    ).rowcount
    deleted["measurement"] = conn.execute(
        delete(Measurement).where(Measurement.station_id.in_(stations))
    ).rowcount
    conn.execute(update(Meter).where(Meter.park_id == pid).values(parent_id=None))
    deleted["meter"] = conn.execute(delete(Meter).where(Meter.park_id == pid)).rowcount
    deleted["station"] = conn.execute(delete(Station).where(Station.park_id == pid)).rowcount
    catchments = select(SpongeCatchment.id).where(SpongeCatchment.park_id == pid)
    deleted["sponge_facility"] = conn.execute(
        delete(SpongeFacility).where(SpongeFacility.catchment_id.in_(catchments.scalar_subquery()))
    ).rowcount
    deleted["catchment"] = conn.execute(
        delete(SpongeCatchment).where(SpongeCatchment.park_id == pid)
    ).rowcount
    deleted["rainfall_day"] = conn.execute(
        delete(RainfallDay).where(RainfallDay.park_id == pid)
    ).rowcount
    conn.execute(update(Site).where(Site.park_id == pid).values(parent_id=None))
    deleted["site"] = conn.execute(delete(Site).where(Site.park_id == pid)).rowcount
    for name, model in (
        ("enterprise_year", EnterpriseYear),
        ("high_tech_certificate", HighTechCertificate),
        ("certification", Certification),
    ):
        deleted[name] = conn.execute(
            delete(model).where(model.enterprise_id.in_(enterprises))
        ).rowcount
    deleted["asset"] = conn.execute(delete(Asset).where(Asset.park_id == pid)).rowcount
    deleted["vehicle"] = conn.execute(delete(Vehicle).where(Vehicle.park_id == pid)).rowcount
    for name, model in BY_PARK_ID:
        deleted[name] = conn.execute(delete(model).where(model.park_id == pid)).rowcount
    deleted["enterprise"] = conn.execute(
        delete(Enterprise).where(Enterprise.park_id == pid)
    ).rowcount
    deleted["park"] = conn.execute(delete(Park).where(Park.id == pid)).rowcount
    return deleted


def park_counts(conn: Connection, code: str) -> dict[str, int]:
    """Rows per table that belong to the park (keys of :data:`PARK_TABLES`)."""
    counts = dict.fromkeys(PARK_TABLES, 0)
    pid = park_id(conn, code)
    if pid is None:
        return counts
    meters = select(Meter.id).where(Meter.park_id == pid).scalar_subquery()
    stations = select(Station.id).where(Station.park_id == pid).scalar_subquery()
    enterprises = select(Enterprise.id).where(Enterprise.park_id == pid).scalar_subquery()

    def count(stmt) -> int:  # type: ignore[no-untyped-def]
        return int(conn.execute(stmt).scalar_one())

    counts["meter_reading"] = count(
        select(func.count()).select_from(MeterReading).where(MeterReading.meter_id.in_(meters))
    )
    counts["meter_month"] = count(
        select(func.count()).select_from(MeterMonth).where(MeterMonth.meter_id.in_(meters))
    )
    counts["measurement"] = count(
        select(func.count()).select_from(Measurement).where(Measurement.station_id.in_(stations))
    )
    owned = (
        ("meter", Meter),
        ("station", Station),
        ("site", Site),
        ("asset", Asset),
        ("vehicle", Vehicle),
        ("catchment", SpongeCatchment),
        ("rainfall_day", RainfallDay),
        *BY_PARK_ID,
        ("enterprise", Enterprise),
    )
    for name, model in owned:
        counts[name] = count(select(func.count()).select_from(model).where(model.park_id == pid))
    for name, model in (
        ("enterprise_year", EnterpriseYear),
        ("high_tech_certificate", HighTechCertificate),
        ("certification", Certification),
    ):
        counts[name] = count(
            select(func.count()).select_from(model).where(model.enterprise_id.in_(enterprises))
        )
    counts["sponge_facility"] = count(
        select(func.count())
        .select_from(SpongeFacility)
        .join(SpongeCatchment, SpongeCatchment.id == SpongeFacility.catchment_id)
        .where(SpongeCatchment.park_id == pid)
    )
    counts["park"] = 1
    return counts


def park_series_counts(conn: Connection, code: str) -> dict[tuple[str, str, str], int]:
    """Rows per series of the park: ``{("meter", meter code, ""): n,
    ("station", station code, parameter): n}``; series without rows are absent."""
    pid = park_id(conn, code)
    if pid is None:
        return {}
    out: dict[tuple[str, str, str], int] = {}
    q = (
        select(Meter.code, func.count())
        .join(MeterReading, MeterReading.meter_id == Meter.id)
        .where(Meter.park_id == pid)
        .group_by(Meter.code)
    )
    for meter_code, n in conn.execute(q):
        out[("meter", meter_code, "")] = int(n)
    q = (
        select(Station.code, Measurement.parameter, func.count())
        .join(Measurement, Measurement.station_id == Station.id)
        .where(Station.park_id == pid)
        .group_by(Station.code, Measurement.parameter)
    )
    for station_code, parameter, n in conn.execute(q):
        out[("station", station_code, parameter)] = int(n)
    return out


def read_meta(conn: Connection, key: str) -> str | None:
    """The ``meta`` value stored under ``key``, or ``None``."""
    return conn.execute(select(Meta.value).where(Meta.key == key)).scalar_one_or_none()


def write_meta(conn: Connection, key: str, value: str) -> None:
    """Insert or replace the ``meta`` value under ``key``."""
    insert = sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert
    stmt = insert(Meta).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def delete_meta(conn: Connection, key: str) -> bool:
    """Delete the ``meta`` value under ``key``; ``True`` if there was one."""
    return conn.execute(delete(Meta).where(Meta.key == key)).rowcount > 0


def database_size(conn: Connection) -> int | None:
    """Size of the database [bytes]: SQLite pages in use (WAL included) or PostgreSQL's
    ``pg_database_size``; ``None`` for an in-memory or other database."""
    if conn.dialect.name == "sqlite":
        pages = conn.execute(text("PRAGMA page_count")).scalar_one()
        size = conn.execute(text("PRAGMA page_size")).scalar_one()
        return int(pages) * int(size)
    if conn.dialect.name == "postgresql":
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    return None


def park_codes_to_ids(conn: Connection, code: str) -> dict[str, dict[str, int]]:
    """Ids of the park's meters and stations by code: ``{"meter": {...}, "station": {...}}``."""
    pid = park_id(conn, code)
    if pid is None:
        return {"meter": {}, "station": {}}
    meters = conn.execute(select(Meter.code, Meter.id).where(Meter.park_id == pid))
    stations = conn.execute(select(Station.code, Station.id).where(Station.park_id == pid))
    return {
        "meter": {code: id_ for code, id_ in meters},
        "station": {code: id_ for code, id_ in stations},
    }
