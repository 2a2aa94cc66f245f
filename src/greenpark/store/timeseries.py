"""Time series in the store: station measurements and meter readings.

Writes are upserts: a row whose key (station, parameter, time) or (meter, start) already
exists replaces the old row and is counted in :attr:`WriteResult.replaced`; it is never
doubled. Rows repeated inside one batch count the same way (the last one wins).

Frames come in with timezone-aware timestamps; naive ones are refused. Bulk writes bypass
the ORM and bind epoch seconds (SQLite) or UTC datetimes (PostgreSQL) directly, which is
what :class:`greenpark.store.schema.UTCDateTime` stores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import Connection, column, func, select, table
from sqlalchemy.dialects import postgresql, sqlite

from greenpark.errors import InputError
from greenpark.store.schema import Measurement, MeterMonth, MeterReading

CHUNK_ROWS = 50_000
_EPOCH = pd.Timestamp(0, tz="UTC")

MEASUREMENT_COLUMNS = ("station_id", "parameter", "time", "value", "flag", "source")
MEASUREMENT_KEY = ("station_id", "parameter", "time")
READING_COLUMNS = ("meter_id", "start", "end", "quantity", "quality")

# Untyped twins of the tables: values are bound as given (already converted), no per-value
# Python processing, which is what makes millions of rows fast.
_measurement_raw = table("measurement", *(column(c) for c in MEASUREMENT_COLUMNS))
_reading_raw = table("meter_reading", *(column(c) for c in READING_COLUMNS))


@dataclass(frozen=True)
class WriteResult:
    """What a write did: rows given, rows new to the store, rows that replaced a row."""

    rows: int
    inserted: int
    replaced: int

    def __add__(self, other: WriteResult) -> WriteResult:
        return WriteResult(
            self.rows + other.rows,
            self.inserted + other.inserted,
            self.replaced + other.replaced,
        )


EMPTY = WriteResult(0, 0, 0)


def _utc_column(frame: pd.DataFrame, name: str) -> pd.Series:
    values = frame[name]
    if not isinstance(values.dtype, pd.DatetimeTZDtype):
        try:
            values = pd.to_datetime(values)
        except (ValueError, TypeError) as exc:
            raise InputError(f"column {name!r}: not a timestamp ({exc})") from exc
        if not isinstance(values.dtype, pd.DatetimeTZDtype):
            raise InputError(f"column {name!r}: naive timestamps refused, give a time zone")
    return values.dt.tz_convert("UTC")


def _bind_times(conn: Connection, values: pd.Series) -> list[object]:
    """Timestamps as the dialect stores them: epoch seconds on SQLite, datetimes elsewhere."""
    if conn.dialect.name == "sqlite":
        return ((values - _EPOCH) // pd.Timedelta(seconds=1)).astype("int64").tolist()
    return [t.to_pydatetime() for t in values]


def _bind_column(conn: Connection, values: pd.Series, is_time: bool) -> list[Any]:
    """A column as Python values for the driver: times bound as the dialect stores them,
    missing values as None (no per-value pandas boxing of timestamps)."""
    if is_time:
        return _bind_times(conn, values)
    if values.isna().any():
        return values.astype(object).where(values.notna(), None).tolist()
    return values.tolist()


def _series_ranges(
    frame: pd.DataFrame, series_cols: list[str], time_col: str
) -> dict[tuple, tuple[dt.datetime, dt.datetime]]:
    """Each series' first and last time in ``frame``."""
    spans = frame.groupby(series_cols, sort=False)[time_col].agg(["min", "max"])
    out: dict[tuple, tuple[dt.datetime, dt.datetime]] = {}
    for key, row in spans.iterrows():
        parts = key if isinstance(key, tuple) else (key,)
        parts = tuple(p.item() if isinstance(p, np.generic) else p for p in parts)
        out[parts] = (row["min"].to_pydatetime(), row["max"].to_pydatetime())
    return out


def _missing_columns(frame: pd.DataFrame, needed: Iterable[str]) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {missing}; expected {list(needed)}")


def upsert_rows(
    conn: Connection,
    table_name: str,
    columns: Sequence[str],
    key: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """``INSERT ... ON CONFLICT (key) DO UPDATE`` of ``rows`` (tuples in ``columns`` order),
    run by the driver's ``executemany``: no per-row SQLAlchemy work, the hot path of bulk
    writes (readings, measurements, the HJ 212 server). Values must already be bound as the
    dialect stores them (:func:`bind_time`)."""
    if not rows:
        return
    q = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    update = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in columns if c not in key)
    sql = (
        f"INSERT INTO {q(table_name)} ({', '.join(q(c) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))}) "
        f"ON CONFLICT ({', '.join(q(c) for c in key)}) DO UPDATE SET {update}"
    )
    conn.exec_driver_sql(sql, rows)


def _count_in_ranges(conn: Connection, tbl, series_cols, time_col, ranges) -> int:  # type: ignore[no-untyped-def]
    """Rows of ``tbl`` in each series' [first, last] time range, summed."""
    total = 0
    for key, (lo, hi) in ranges.items():
        cond = [tbl.c[c] == v for c, v in zip(series_cols, key, strict=True)]
        q = select(func.count()).select_from(tbl).where(*cond, tbl.c[time_col].between(lo, hi))
        total += conn.execute(q).scalar_one()
    return total


def _write(
    conn: Connection,
    frame: pd.DataFrame,
    *,
    orm_table,  # type: ignore[no-untyped-def]
    raw,  # type: ignore[no-untyped-def]
    series_cols: list[str],
    time_col: str,
    time_cols: list[str],
    columns: tuple[str, ...],
) -> WriteResult:
    n = len(frame)
    if n == 0:
        return EMPTY
    key = [*series_cols, time_col]
    frame = frame.drop_duplicates(subset=key, keep="last")
    bound = {c: _bind_column(conn, frame[c], c in time_cols) for c in columns}
    ranges = _series_ranges(frame, series_cols, time_col)
    before = _count_in_ranges(conn, orm_table.__table__, series_cols, time_col, ranges)
    records = list(zip(*(bound[c] for c in columns), strict=True))
    for i in range(0, len(records), CHUNK_ROWS):
        upsert_rows(conn, raw.name, columns, key, records[i : i + CHUNK_ROWS])
    after = _count_in_ranges(conn, orm_table.__table__, series_cols, time_col, ranges)
    inserted = after - before
    return WriteResult(rows=n, inserted=inserted, replaced=n - inserted)


def write_measurements(conn: Connection, frame: pd.DataFrame) -> WriteResult:
    """Upsert station measurements.

    Parameters
    ----------
    conn
        A connection inside a write transaction (``Store.write()``).
    frame
        Columns ``station_id``, ``parameter`` (HJ 212 code), ``time`` (aware), ``value``
        (in the parameter's internal unit), ``flag`` (HJ 212 data flag, default ``"N"``)
        and ``source`` (default ``""``).
    """
    frame = frame.copy()
    frame["flag"] = frame["flag"].fillna("N") if "flag" in frame.columns else "N"
    frame["source"] = frame["source"].fillna("") if "source" in frame.columns else ""
    _missing_columns(frame, MEASUREMENT_COLUMNS)
    frame["time"] = _utc_column(frame, "time")
    return _write(
        conn,
        frame,
        orm_table=Measurement,
        raw=_measurement_raw,
        series_cols=["station_id", "parameter"],
        time_col="time",
        time_cols=["time"],
        columns=MEASUREMENT_COLUMNS,
    )


def write_readings(
    conn: Connection, frame: pd.DataFrame, timezone: str = "Asia/Shanghai"
) -> WriteResult:
    """Upsert meter readings and refresh the monthly totals they touch.

    Parameters
    ----------
    conn
        A connection inside a write transaction (``Store.write()``).
    frame
        Columns ``meter_id``, ``start`` and ``end`` (aware; the interval ``[start, end)``),
        ``quantity`` (in the meter's unit) and ``quality`` (default ``"ok"``).
    timezone
        The park's IANA zone, which fixes the calendar months of :class:`MeterMonth`.
    """
    frame = frame.copy()
    frame["quality"] = frame["quality"].fillna("ok") if "quality" in frame.columns else "ok"
    _missing_columns(frame, READING_COLUMNS)
    frame["start"] = _utc_column(frame, "start")
    frame["end"] = _utc_column(frame, "end")
    bad = frame.index[frame["end"] <= frame["start"]]
    if len(bad):
        raise InputError(f"{len(bad)} reading(s) end before they start, first at row {bad[0]}")
    result = _write(
        conn,
        frame,
        orm_table=MeterReading,
        raw=_reading_raw,
        series_cols=["meter_id"],
        time_col="start",
        time_cols=["start", "end"],
        columns=READING_COLUMNS,
    )
    local = frame["start"].dt.tz_convert(timezone)
    keys = pd.DataFrame(
        {"meter_id": frame["meter_id"], "ym": local.dt.year * 100 + local.dt.month}
    ).drop_duplicates()
    months = ((int(m), f"{ym // 100:04d}-{ym % 100:02d}") for m, ym in keys.itertuples(index=False))
    refresh_meter_months(conn, months, timezone)
    return result


def month_bounds(month: str, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants that start ``month`` (``"YYYY-MM"``) and the next, in ``timezone``."""
    year, mon = (int(p) for p in month.split("-"))
    zone = ZoneInfo(timezone)
    start = dt.datetime(year, mon, 1, tzinfo=zone)
    nxt = dt.datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(dt.UTC), nxt.astimezone(dt.UTC)


def refresh_meter_months(
    conn: Connection, pairs: Iterable[tuple[int, str]], timezone: str = "Asia/Shanghai"
) -> int:
    """Recompute :class:`MeterMonth` for each (meter id, ``"YYYY-MM"``); returns pairs done."""
    r = MeterReading.__table__
    m = MeterMonth.__table__
    done = 0
    insert = sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert
    for meter_id, month in pairs:
        lo, hi = month_bounds(month, timezone)
        total, count = conn.execute(
            select(func.coalesce(func.sum(r.c.quantity), 0.0), func.count(r.c.quantity)).where(
                r.c.meter_id == int(meter_id), r.c.start >= lo, r.c.start < hi
            )
        ).one()
        stmt = insert(m).values(meter_id=int(meter_id), month=month, quantity=total, readings=count)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["meter_id", "month"],
                set_={"quantity": stmt.excluded.quantity, "readings": stmt.excluded.readings},
            )
        )
        done += 1
    return done


def read_measurements(
    conn: Connection,
    station_id: int,
    parameter: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> pd.DataFrame:
    """One station parameter's values in ``[start, end)``, ordered by time (UTC index)."""
    t = Measurement.__table__
    q = select(t.c.time, t.c.value, t.c.flag, t.c.source).where(
        t.c.station_id == station_id, t.c.parameter == parameter
    )
    if start is not None:
        q = q.where(t.c.time >= start)
    if end is not None:
        q = q.where(t.c.time < end)
    rows = conn.execute(q.order_by(t.c.time)).all()
    frame = pd.DataFrame(rows, columns=["time", "value", "flag", "source"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame.set_index("time")


def read_readings(
    conn: Connection,
    meter_id: int,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> pd.DataFrame:
    """One meter's readings starting in ``[start, end)``, ordered by start (UTC index)."""
    t = MeterReading.__table__
    q = select(t.c.start, t.c.end, t.c.quantity, t.c.quality).where(t.c.meter_id == meter_id)
    if start is not None:
        q = q.where(t.c.start >= start)
    if end is not None:
        q = q.where(t.c.start < end)
    rows = conn.execute(q.order_by(t.c.start)).all()
    frame = pd.DataFrame(rows, columns=["start", "end", "quantity", "quality"])
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    return frame.set_index("start")


def series_counts(conn: Connection) -> dict[str, dict[tuple, int]]:
    """Rows per series: ``{"measurement": {(station_id, parameter): n}, "meter_reading":
    {(meter_id,): n}}``."""
    m = Measurement.__table__
    r = MeterReading.__table__
    meas = conn.execute(
        select(m.c.station_id, m.c.parameter, func.count()).group_by(m.c.station_id, m.c.parameter)
    ).all()
    reads = conn.execute(select(r.c.meter_id, func.count()).group_by(r.c.meter_id)).all()
    return {
        "measurement": {(s, p): n for s, p, n in meas},
        "meter_reading": {(mid,): n for mid, n in reads},
    }
