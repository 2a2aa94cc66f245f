"""Time-series round trip and duplicate handling, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from greenpark.errors import InputError
from greenpark.store import registry
from greenpark.store.schema import Measurement, MeterMonth, MeterReading, Station
from greenpark.store.timeseries import (
    month_bounds,
    read_measurements,
    read_readings,
    series_counts,
    write_measurements,
    write_readings,
)

TZ = "Asia/Shanghai"


@pytest.fixture
def park(store):
    with store.write() as conn:
        registry.upsert(conn, "park", [{"code": "P", "name": "Test park", "timezone": TZ}])
        registry.upsert(
            conn,
            "meter",
            [
                {
                    "code": "M1",
                    "park": "P",
                    "name": "main",
                    "carrier": "electricity",
                    "unit": "kWh",
                },
                {"code": "M2", "park": "P", "name": "gas", "carrier": "natural_gas", "unit": "m³"},
            ],
        )
        registry.upsert(
            conn,
            "station",
            [{"code": "S1", "park": "P", "name": "air", "kind": "ambient_air", "mn": "MN001"}],
        )
        ids = {
            "station": conn.execute(select(Station.id).where(Station.code == "S1")).scalar_one(),
            "meters": dict(conn.execute(select(registry.Meter.code, registry.Meter.id)).all()),
        }
    return ids


def _readings(meter_id: int, start: str, periods: int, value: float = 1.0) -> pd.DataFrame:
    starts = pd.date_range(start, periods=periods, freq="15min", tz=TZ)
    return pd.DataFrame(
        {
            "meter_id": meter_id,
            "start": starts,
            "end": starts + pd.Timedelta("15min"),
            "quantity": np.full(periods, value),
        }
    )


def test_readings_round_trip(store, park):
    m1 = park["meters"]["M1"]
    frame = _readings(m1, "2025-03-01 00:00", 96)
    frame.loc[5, "quantity"] = 2.5
    frame.loc[6, "quantity"] = np.nan  # a missing quantity is kept as NULL, not dropped
    frame.loc[7, "quality"] = "estimated"
    with store.write() as conn:
        result = write_readings(conn, frame, TZ)
    assert (result.rows, result.inserted, result.replaced) == (96, 96, 0)
    with store.read() as conn:
        back = read_readings(conn, m1)
    assert len(back) == 96
    assert back.index[0] == pd.Timestamp("2025-02-28 16:00", tz="UTC")
    assert str(back.index.tz) == "UTC"
    assert back["quantity"].iloc[5] == 2.5
    assert np.isnan(back["quantity"].iloc[6])
    assert back["quality"].iloc[7] == "estimated"
    assert back["quality"].iloc[0] == "ok"
    assert (back["end"] - back.index == pd.Timedelta("15min")).all()


def test_duplicate_readings_replace_and_are_counted(store, park):
    m1 = park["meters"]["M1"]
    with store.write() as conn:
        write_readings(conn, _readings(m1, "2025-03-01 00:00", 96, 1.0), TZ)
    # Overlap: the second half of the first day again (new values) plus 48 new intervals.
    again = _readings(m1, "2025-03-01 12:00", 96, 3.0)
    with store.write() as conn:
        result = write_readings(conn, again, TZ)
    assert (result.rows, result.inserted, result.replaced) == (96, 48, 48)
    with store.read() as conn:
        back = read_readings(conn, m1)
        n = conn.execute(select(func.count()).select_from(MeterReading)).scalar_one()
    assert n == 144  # never doubled
    assert back["quantity"].iloc[47] == 1.0
    assert back["quantity"].iloc[48] == 3.0  # the new row replaced the old one


def test_duplicates_inside_one_batch_count_as_replaced(store, park):
    m1 = park["meters"]["M1"]
    frame = pd.concat([_readings(m1, "2025-03-01", 4, 1.0), _readings(m1, "2025-03-01", 2, 9.0)])
    with store.write() as conn:
        result = write_readings(conn, frame, TZ)
    assert (result.rows, result.inserted, result.replaced) == (6, 4, 2)
    with store.read() as conn:
        assert read_readings(conn, m1)["quantity"].tolist() == [9.0, 9.0, 1.0, 1.0]


def test_monthly_totals_follow_park_months_and_replacements(store, park):
    m1 = park["meters"]["M1"]
    # 2025-01-31 23:00 local to 2025-02-01 01:00 local: 4 intervals in January, 4 in February.
    frame = _readings(m1, "2025-01-31 23:00", 8, 1.0)
    with store.write() as conn:
        write_readings(conn, frame, TZ)
        write_readings(conn, _readings(m1, "2025-02-01 00:00", 1, 5.0), TZ)
    with store.read() as conn:
        months = dict(
            conn.execute(
                select(MeterMonth.month, MeterMonth.quantity).where(MeterMonth.meter_id == m1)
            ).all()
        )
    assert months == {"2025-01": 4.0, "2025-02": 3.0 + 5.0}


def test_month_bounds_are_local():
    lo, hi = month_bounds("2025-12", TZ)
    assert lo == dt.datetime(2025, 11, 30, 16, tzinfo=dt.UTC)
    assert hi == dt.datetime(2025, 12, 31, 16, tzinfo=dt.UTC)


def test_measurements_round_trip_and_duplicates(store, park):
    sid = park["station"]
    times = pd.date_range("2025-06-01", periods=24, freq="h", tz=TZ)
    frame = pd.DataFrame(
        {"station_id": sid, "parameter": "a34004", "time": times, "value": np.arange(24.0)}
    )
    frame["flag"] = ["N"] * 23 + ["M"]
    with store.write() as conn:
        first = write_measurements(conn, frame)
        frame2 = frame.iloc[:10].assign(value=100.0, source="hj212")
        second = write_measurements(conn, frame2)
    assert (first.inserted, first.replaced) == (24, 0)
    assert (second.rows, second.inserted, second.replaced) == (10, 0, 10)
    with store.read() as conn:
        back = read_measurements(conn, sid, "a34004")
        n = conn.execute(select(func.count()).select_from(Measurement)).scalar_one()
        counts = series_counts(conn)
    assert n == 24
    assert counts["measurement"] == {(sid, "a34004"): 24}
    assert back["value"].iloc[0] == 100.0 and back["source"].iloc[0] == "hj212"
    assert back["value"].iloc[23] == 23.0 and back["flag"].iloc[23] == "M"


def test_range_query(store, park):
    sid = park["station"]
    times = pd.date_range("2025-06-01", periods=48, freq="h", tz=TZ)
    frame = pd.DataFrame({"station_id": sid, "parameter": "a34004", "time": times, "value": 1.0})
    with store.write() as conn:
        write_measurements(conn, frame)
    lo = dt.datetime(2025, 6, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with store.read() as conn:
        part = read_measurements(conn, sid, "a34004", lo, lo + dt.timedelta(hours=6))
    assert len(part) == 6
    assert part.index[0] == pd.Timestamp(lo)


def test_naive_times_are_refused(store, park):
    sid = park["station"]
    frame = pd.DataFrame(
        {
            "station_id": [sid],
            "parameter": ["a34004"],
            "time": [pd.Timestamp("2025-01-01")],
            "value": [1.0],
        }
    )
    with pytest.raises(InputError, match="naive"), store.write() as conn:
        write_measurements(conn, frame)


def test_missing_columns_and_reversed_intervals(store, park):
    m1 = park["meters"]["M1"]
    with pytest.raises(InputError, match="missing column"), store.write() as conn:
        write_readings(conn, _readings(m1, "2025-01-01", 2).drop(columns="end"), TZ)
    bad = _readings(m1, "2025-01-01", 2)
    bad["end"] = bad["start"]
    with pytest.raises(InputError, match="end before they start"), store.write() as conn:
        write_readings(conn, bad, TZ)
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(MeterReading)).scalar_one() == 0
