"""What the station optimiser reads from the store: the station's assets, its meters by role,
their readings, the ambient temperature, and the day-ahead runs it writes.

The station is the enterprise that owns energy production meters (``direction =
production``, carrier electricity, heat or cooling); its meters' roles come from carrier,
direction and the renewable flag: grid import (consumption electricity), gas (consumption
natural gas), engines (production electricity), PV (production electricity, renewable),
heat and cooling delivered (production heat and cooling).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, insert, select

from greenpark.store.schema import (
    Asset,
    DispatchRun,
    Enterprise,
    Measurement,
    Meter,
    MeterReading,
    Station,
)

__all__ = [
    "ENERGY_OUTPUTS",
    "ROLES",
    "add_run",
    "get_run",
    "list_runs",
    "newest_station_reading",
    "park_assets",
    "production_owners",
    "projected_runs",
    "readings_fingerprint",
    "role_hourly",
    "role_readings",
    "run_days",
    "station_meters",
    "temperature",
]

#: Meter roles of the station: (carrier, direction, renewable).
ROLES: dict[str, tuple[str, str, bool]] = {
    "grid": ("electricity", "consumption", False),
    "gas": ("natural_gas", "consumption", False),
    "engines": ("electricity", "production", False),
    "pv": ("electricity", "production", True),
    "heat": ("heat", "production", False),
    "cool": ("cooling", "production", False),
}

#: Carriers whose production meters make their owner part of the station (a sewage plant
#: metering the reclaimed water it delivers is not).
ENERGY_OUTPUTS: tuple[str, ...] = tuple(
    sorted({c for c, d, _ in ROLES.values() if d == "production"})
)

#: HJ 212 code of the ambient temperature.
TEMPERATURE = "a01001"


def park_assets(conn: Connection, park_id: int) -> list[dict[str, Any]]:
    """The park's station assets as dicts (ratings in kW, kWh)."""
    rows = conn.execute(
        select(Asset.__table__).where(Asset.park_id == park_id).order_by(Asset.code)
    )
    return [dict(r) for r in rows.mappings()]


def station_meters(conn: Connection, park_id: int) -> dict[str, list[int]]:
    """Role → ids of the station's top-level meters (empty when the park has no station)."""
    owners = select(Meter.enterprise_id).where(
        Meter.park_id == park_id,
        Meter.direction == "production",
        Meter.carrier.in_(ENERGY_OUTPUTS),
    )
    rows = conn.execute(
        select(Meter.id, Meter.carrier, Meter.direction, Meter.renewable).where(
            Meter.park_id == park_id,
            Meter.enterprise_id.in_(owners),
            Meter.parent_id.is_(None),
            (Meter.formula.is_(None)) | (Meter.formula == ""),
        )
    ).all()
    out: dict[str, list[int]] = {role: [] for role in ROLES}
    for mid, carrier, direction, renewable in rows:
        for role, (c, d, r) in ROLES.items():
            if (carrier, direction, bool(renewable)) == (c, d, r):
                out[role].append(mid)
    return out


def production_owners(conn: Connection, park_id: int) -> list[str]:
    """Credit codes of the enterprises owning the park's energy production meters: whose meters
    :func:`station_meters` sorts into roles (sorted)."""
    rows = conn.execute(
        select(Enterprise.credit_code)
        .join(Meter, Meter.enterprise_id == Enterprise.id)
        .where(
            Meter.park_id == park_id,
            Meter.direction == "production",
            Meter.carrier.in_(ENERGY_OUTPUTS),
        )
        .distinct()
    )
    return sorted(str(r[0]) for r in rows)


def role_readings(
    conn: Connection, meter_ids: list[int], start: dt.datetime, end: dt.datetime
) -> pd.Series:
    """The summed readings of ``meter_ids`` per interval start in [start, end) (UTC index;
    in the meters' units per interval)."""
    if not meter_ids:
        return pd.Series(dtype=float)
    t = MeterReading.__table__
    q = (
        select(t.c.start, t.c.quantity)
        .where(t.c.meter_id.in_(meter_ids), t.c.start >= start, t.c.start < end)
        .order_by(t.c.start)
    )
    frame = pd.DataFrame(conn.execute(q).all(), columns=["start", "quantity"])
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    return frame.groupby("start")["quantity"].sum(min_count=1).astype(float)


def role_hourly(
    conn: Connection, meter_ids: list[int], start: dt.datetime, end: dt.datetime
) -> pd.DataFrame:
    """The readings of ``meter_ids`` summed per clock hour in [start, end): columns
    ``quantity`` (in the meters' unit per hour) and ``covered`` (the share of the hour the
    meters' readings cover, 1.0 = every meter for the whole hour) [-], UTC index.

    Readings longer than an hour (daily or monthly meters) cover nothing: their quantity
    cannot be placed in the hour.
    """
    if not meter_ids:
        return pd.DataFrame(columns=["quantity", "covered"], dtype=float)
    t = MeterReading.__table__
    q = select(t.c.start, t.c.end, t.c.quantity).where(
        t.c.meter_id.in_(meter_ids),
        t.c.start >= start,
        t.c.start < end,
        t.c.quantity.is_not(None),
    )
    frame = pd.DataFrame(conn.execute(q).all(), columns=["start", "end", "quantity"])
    if frame.empty:
        return pd.DataFrame(columns=["quantity", "covered"], dtype=float)
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    seconds = (frame["end"] - frame["start"]).dt.total_seconds()
    hour = frame["start"].dt.floor("h")
    inside = (seconds > 0) & (frame["end"] <= hour + pd.Timedelta(hours=1))
    frame = frame[inside].assign(hour=hour[inside], seconds=seconds[inside])
    out = frame.groupby("hour").agg(quantity=("quantity", "sum"), seconds=("seconds", "sum"))
    out["covered"] = out.pop("seconds") / (3600.0 * len(meter_ids))
    out.index.name = None
    return out.astype(float)


def readings_fingerprint(
    conn: Connection, meter_ids: list[int], start: dt.datetime, end: dt.datetime
) -> tuple[int, str, float]:
    """What changes when the readings of ``meter_ids`` in [start, end) change: their
    count, newest start (ISO) and quantity sum."""
    if not meter_ids:
        return (0, "", 0.0)
    t = MeterReading.__table__
    n, newest, total = conn.execute(
        select(func.count(), func.max(t.c.start), func.sum(t.c.quantity)).where(
            t.c.meter_id.in_(meter_ids), t.c.start >= start, t.c.start < end
        )
    ).one()
    return (int(n), "" if newest is None else str(newest), float(total or 0.0))


def temperature(conn: Connection, park_id: int, start: dt.datetime, end: dt.datetime) -> pd.Series:
    """Hourly ambient temperature [°C] averaged over the park's stations reporting it
    (HJ 212 ``a01001``); empty when none does."""
    q = (
        select(Measurement.time, Measurement.value)
        .join(Station, Station.id == Measurement.station_id)
        .where(
            Station.park_id == park_id,
            Measurement.parameter == TEMPERATURE,
            Measurement.time >= start,
            Measurement.time < end,
        )
    )
    frame = pd.DataFrame(conn.execute(q).all(), columns=["time", "value"])
    if frame.empty:
        return pd.Series(dtype=float)
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame.groupby("time")["value"].mean().astype(float)


def newest_station_reading(conn: Connection, park_id: int) -> dt.datetime | None:
    """Start of the newest heat or cooling reading of the park's station (UTC), or None."""
    meters = station_meters(conn, park_id)
    ids = meters["heat"] + meters["cool"]
    if not ids:
        return None
    newest = conn.execute(
        select(func.max(MeterReading.start)).where(MeterReading.meter_id.in_(ids))
    ).scalar()
    return newest


def add_run(conn: Connection, values: dict[str, Any]) -> int:
    """Record a day-ahead run (its day, totals and summary); returns its id."""
    return int(
        conn.execute(insert(DispatchRun).values(**values).returning(DispatchRun.id)).scalar_one()
    )


def list_runs(conn: Connection, park_id: int, *, limit: int = 30) -> list[dict[str, Any]]:
    """The park's newest day-ahead runs first."""
    q = (
        select(DispatchRun.__table__)
        .where(DispatchRun.park_id == park_id)
        .order_by(DispatchRun.day.desc(), DispatchRun.id.desc())
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def projected_runs(conn: Connection, park_id: int, year: int) -> list[dict[str, Any]]:
    """The newest day-ahead run of each day of ``year`` after the station's newest reading
    (the schedule's figures stand for days not metered yet), oldest day first."""
    newest = newest_station_reading(conn, park_id)
    q = (
        select(
            DispatchRun.day, DispatchRun.id, DispatchRun.tce, DispatchRun.tco2,
            DispatchRun.grid_kwh, DispatchRun.gas_m3, DispatchRun.cost,
        )
        .where(
            DispatchRun.park_id == park_id,
            DispatchRun.status == "optimal",
            DispatchRun.day >= dt.date(year, 1, 1),
            DispatchRun.day <= dt.date(year, 12, 31),
        )
        .order_by(DispatchRun.day, DispatchRun.id)
    )  # fmt: skip
    out: dict[dt.date, dict[str, Any]] = {}
    for r in conn.execute(q).mappings():
        if newest is None or r["day"] > newest.date():
            out[r["day"]] = dict(r)  # a later run of the same day replaces it
    return list(out.values())


def run_days(conn: Connection, park_id: int) -> list[dt.date]:
    """Days with a recorded run, newest first."""
    q = (
        select(DispatchRun.day)
        .where(DispatchRun.park_id == park_id)
        .distinct()
        .order_by(DispatchRun.day.desc())
    )
    return [d for (d,) in conn.execute(q)]


def get_run(conn: Connection, park_id: int, day: dt.date | None = None) -> dict[str, Any] | None:
    """The newest run of ``day`` (default: of the newest day), or None."""
    q = select(DispatchRun.__table__).where(DispatchRun.park_id == park_id)
    if day is not None:
        q = q.where(DispatchRun.day == day)
    row = (
        conn.execute(q.order_by(DispatchRun.day.desc(), DispatchRun.id.desc()).limit(1))
        .mappings()
        .first()
    )
    return None if row is None else dict(row)
