"""What the HJ 212 server keeps: stations by MN, SM4 keys, refused frames, measurements.

The server (``greenpark.ingest``) reads the station table once and on demand, writes
measurement rows in group commits through :func:`upsert_measurement_rows` (one statement
per batch, no per-row ORM work), and keeps every refused frame verbatim in
``ingest_quarantine``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from greenpark.store.schema import Park, QuarantinedFrame, Station, StationKey
from greenpark.store.timeseries import MEASUREMENT_COLUMNS, MEASUREMENT_KEY, upsert_rows

UTC = dt.UTC


@dataclass(frozen=True)
class StationEntry:
    """A station as the server sees it."""

    id: int
    code: str
    mn: str
    kind: str
    pw: str | None
    options: dict[str, Any] | None
    keys: tuple[bytes, ...]  # SM4 keys valid now, newest first


def stations_by_mn(conn: Connection, now: dt.datetime) -> dict[str, StationEntry]:
    """Every station keyed by MN, with its SM4 keys still valid at ``now`` (newest first)."""
    keys: dict[int, list[bytes]] = {}
    q = (
        select(StationKey.station_id, StationKey.key)
        .where((StationKey.valid_until.is_(None)) | (StationKey.valid_until > now))
        .order_by(StationKey.station_id, StationKey.created_at.desc(), StationKey.id.desc())
    )
    for sid, key in conn.execute(q):
        keys.setdefault(sid, []).append(bytes(key))
    rows = conn.execute(
        select(Station.id, Station.code, Station.mn, Station.kind, Station.pw, Station.hj212)
    )
    return {
        r.mn: StationEntry(r.id, r.code, r.mn, r.kind, r.pw, r.hj212, tuple(keys.get(r.id, ())))
        for r in rows
    }


def add_station_key(
    conn: Connection,
    station_id: int,
    key: bytes,
    sk_create_time: str,
    now: dt.datetime,
    overlap: dt.timedelta,
) -> None:
    """Make ``key`` the station's current SM4 key; older keys stay valid for ``overlap``.

    HJ 212-2025 §6.4.3: keys rotate (every 90 days) over CN=1014; the old key must keep
    working until the station has switched, hence the overlap window.
    """
    if len(key) != 16:
        raise ValueError(f"SM4 key must be 16 bytes, got {len(key)}")
    until = now + overlap
    conn.execute(
        update(StationKey)
        .where(StationKey.station_id == station_id)
        .where((StationKey.valid_until.is_(None)) | (StationKey.valid_until > until))
        .values(valid_until=until)
    )
    conn.execute(
        insert(StationKey).values(
            station_id=station_id, key=key, sk_create_time=sk_create_time, created_at=now
        )
    )


def retire_older_keys(conn: Connection, station_id: int, key: bytes, now: dt.datetime) -> int:
    """End the overlap once the station used ``key``: every other key expires ``now``."""
    result = conn.execute(
        update(StationKey)
        .where(StationKey.station_id == station_id, StationKey.key != key)
        .where((StationKey.valid_until.is_(None)) | (StationKey.valid_until > now))
        .values(valid_until=now)
    )
    return result.rowcount or 0


def register_station(conn: Connection, mn: str, kind: str, name: str) -> int:
    """Add a station for an unknown MN (the server's auto-registration); returns its id.

    It joins the first park, with code ``MN-<mn>`` and no password; an administrator
    completes it in the registry.
    """
    park = conn.execute(select(Park.id).order_by(Park.id).limit(1)).scalar_one_or_none()
    if park is None:
        raise ValueError("no park in the store to register a station in")
    result = conn.execute(
        insert(Station).values(park_id=park, code=f"MN-{mn}"[:64], name=name, kind=kind, mn=mn)
    )
    return int(result.inserted_primary_key[0])


def quarantine(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Keep refused frames: dicts with ``time``, ``peer``, ``mn``, ``reason``, ``message``,
    ``raw`` (the bytes as received)."""
    if rows:
        conn.execute(insert(QuarantinedFrame), list(rows))


def list_quarantine(
    conn: Connection,
    *,
    limit: int = 100,
    reason: str | None = None,
    mn: str | None = None,
    since: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Refused frames, newest first."""
    q = select(QuarantinedFrame).order_by(QuarantinedFrame.id.desc()).limit(limit)
    if reason:
        q = q.where(QuarantinedFrame.reason == reason)
    if mn:
        q = q.where(QuarantinedFrame.mn == mn)
    if since:
        q = q.where(QuarantinedFrame.time >= since)
    out = []
    for row in conn.execute(q):
        out.append(
            {
                "id": row.id,
                "time": row.time,
                "peer": row.peer,
                "mn": row.mn,
                "reason": row.reason,
                "message": row.message,
                "raw": bytes(row.raw),
            }
        )
    return out


def quarantine_counts(conn: Connection) -> dict[str, int]:
    """Refused frames kept, by reason."""
    q = select(QuarantinedFrame.reason, func.count()).group_by(QuarantinedFrame.reason)
    return {reason: n for reason, n in conn.execute(q)}


def purge_quarantine(conn: Connection, before: dt.datetime) -> int:
    """Delete refused frames received before ``before``; returns how many."""
    result = conn.execute(delete(QuarantinedFrame).where(QuarantinedFrame.time < before))
    return result.rowcount or 0


def upsert_measurement_rows(
    conn: Connection, rows: Iterable[tuple[int, str, dt.datetime, float | None, str, str]]
) -> int:
    """Upsert ``(station_id, parameter, time, value, flag, source)`` rows in one statement.

    The fast path of the HJ 212 server: rows whose key (station, parameter, time) exists
    replace it, so a resent packet never doubles a row. ``time`` must be aware. Returns
    the number of distinct keys written.
    """
    sqlite = conn.dialect.name == "sqlite"
    records: dict[tuple[int, str, Any], tuple[Any, ...]] = {}
    for sid, parameter, time, value, flag, source in rows:
        t = time.astimezone(UTC)
        bound = int(t.timestamp()) if sqlite else t
        records[(sid, parameter, bound)] = (sid, parameter, bound, value, flag, source)
    upsert_rows(conn, "measurement", MEASUREMENT_COLUMNS, MEASUREMENT_KEY, list(records.values()))
    return len(records)
