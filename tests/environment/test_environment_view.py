"""The environment view on a park worked out by hand (``env_park.py``), the store's
windows and scope, and the pure helpers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from env_park import E1, TZ, ZONE, D, build_env_park, local
from sqlalchemy import select

from greenpark.environment.view import (
    CALENDAR_DAYS,
    discharge_class,
    environment_report,
    newest_complete_day,
    newest_complete_night,
    valid_wide,
)
from greenpark.store import Store
from greenpark.store.environment import environment_stations, read_measurements
from greenpark.store.schema import Enterprise, Station


@pytest.fixture
def env_store(sqlite_store: Store) -> Store:
    build_env_park(sqlite_store)
    return sqlite_store


def _ids(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    with store.read() as conn:
        stations = dict(conn.execute(select(Station.code, Station.id)).all())
        enterprises = dict(conn.execute(select(Enterprise.credit_code, Enterprise.id)).all())
    return stations, enterprises


def test_report_dates(env_store: Store) -> None:
    with env_store.read() as conn:
        report = environment_report(conn, TZ, scope=None)
    assert report.as_of == local(D, 23)
    assert (report.today, report.day, report.noise_day) == (D, D, D - dt.timedelta(days=1))


def test_air(env_store: Store) -> None:
    with env_store.read() as conn:
        (air,) = environment_report(conn, TZ, scope=None).air
    # 23 valid hours of 80 μg/m³ (the C-flagged 500 is not counted): IAQI ceil(106.25) = 107.
    assert (air.daily.aqi, air.daily.level, air.daily.primary_pollutant) == (107.0, 3, "pm2_5")
    assert air.daily.date == D
    assert air.hourly is not None
    assert (air.hourly.aqi, air.hourly.time) == (107.0, local(D, 23))
    assert len(air.calendar) == CALENDAR_DAYS
    assert [(c.date, c.aqi, c.level) for c in air.calendar[-3:]] == [
        (D - dt.timedelta(days=2), None, None),  # 10 hours: no valid daily mean
        (D - dt.timedelta(days=1), 43.0, 1),  # ceil(30 * 50 / 35)
        (D, 107.0, 3),
    ]
    assert (air.year, air.good_days, air.valid_days, air.good_ratio) == (2025, 1, 2, 0.5)


def test_water(env_store: Store) -> None:
    with env_store.read() as conn:
        (section,) = environment_report(conn, TZ, scope=None).water
    assert section.means == {"pH": 7.5, "DO": 6.5, "CODMn": 5.0, "NH3-N": 0.4, "TP": 0.1}
    assert (section.water_class, section.class_name, section.deciding) == (3, "Ⅲ", "CODMn")
    assert (section.target_class, section.meets_target) == (3, True)


def test_outlets(env_store: Store) -> None:
    with env_store.read() as conn:
        one, two = environment_report(conn, TZ, scope=None).outlets
    assert (one.code, one.discharge_class, one.date, one.water_temp) == ("OUT-1", "1A", D, 20.0)
    judged = {i.indicator: (i.value, i.limit_min, i.limit_max, i.exceeds) for i in one.indicators}
    assert judged == {
        "COD": (30.0, None, 50.0, False),
        "NH3-N": (2.0, None, 5.0, False),  # water above 12 °C
        "TP": (0.3, None, 0.5, False),  # built from 2006-01-01
        "TN": (10.0, None, 15.0, False),
        "pH": (7.0, 6.0, 9.0, False),
    }
    assert one.compliant is True
    assert (one.window_days, one.assessed_days) == (30, 30)
    assert one.exceeding_dates == (D - dt.timedelta(days=5),)
    assert one.exceeding_days == 1
    assert (two.code, two.exceeding_days, two.assessed_days, two.compliant) == ("OUT-2", 0, 1, True)


def test_noise(env_store: Store) -> None:
    with env_store.read() as conn:
        (station,) = environment_report(conn, TZ, scope=None).noise
    assert station.date == D - dt.timedelta(days=1)
    assert station.ld == pytest.approx(55.0)
    assert station.ln == pytest.approx(53.0)
    assert (station.n_day, station.n_night) == (16, 8)
    assert (station.day_limit, station.night_limit) == (60.0, 50.0)
    assert station.day_margin == pytest.approx(-5.0)
    assert station.night_margin == pytest.approx(3.0)
    assert (station.day_exceeds, station.night_exceeds) == (False, True)


def test_scope_shows_own_outlets_only(env_store: Store) -> None:
    _, enterprises = _ids(env_store)
    with env_store.read() as conn:
        mine = environment_report(conn, TZ, scope=frozenset({enterprises[E1]}))
        none = environment_report(conn, TZ, scope=frozenset())
    assert [o.code for o in mine.outlets] == ["OUT-1"]
    assert none.outlets == ()
    assert [a.code for a in none.air] == ["AIR-1"]  # park-level stations for everyone
    assert [n.code for n in none.noise] == ["NS-1"]


def test_empty_store(sqlite_store: Store) -> None:
    with sqlite_store.read() as conn:
        report = environment_report(conn, TZ, scope=None)
    assert report.as_of is None
    assert (report.air, report.water, report.outlets, report.noise) == ((), (), (), ())


# --- store ----------------------------------------------------------------------------


def test_read_measurements_window_and_scope(store: Store) -> None:
    build_env_park(store)
    stations, enterprises = _ids(store)
    out1, out2 = stations["OUT-1"], stations["OUT-2"]
    start, end = local(D, 0), local(D, 24)
    with store.read() as conn:
        whole = read_measurements(conn, [out1, out2], ["w01018"], start, end, scope=None)
        mine = read_measurements(
            conn, [out1, out2], ["w01018"], start, end, scope=frozenset({enterprises[E1]})
        )
        before = read_measurements(
            conn, [out1], ["w01018"], start - dt.timedelta(days=2), start, scope=None
        )
        kinds = [s.kind for s in environment_stations(conn, scope=frozenset())]
    assert sorted(zip(whole["station_id"], whole["value"], strict=True)) == [
        (out1, 30.0),
        (out2, 20.0),
    ]
    assert list(mine["station_id"]) == [out1]
    assert list(mine["time"]) == [pd.Timestamp(local(D, 12))]
    assert str(mine["time"].dt.tz) == "UTC"
    assert list(before["value"]) == [30.0, 30.0]
    assert kinds == ["ambient_air", "surface_water", "noise"]


# --- pure helpers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "day", "night"),
    [
        (local(D, 23), D, D - dt.timedelta(days=1)),
        (local(D, 22), D - dt.timedelta(days=1), D - dt.timedelta(days=1)),
        (local(D, 5), D - dt.timedelta(days=1), D - dt.timedelta(days=1)),
        (local(D, 4), D - dt.timedelta(days=1), D - dt.timedelta(days=2)),
    ],
)
def test_newest_complete_day_and_night(as_of: dt.datetime, day: dt.date, night: dt.date) -> None:
    assert newest_complete_day(as_of.astimezone(dt.UTC), ZONE) == day
    assert newest_complete_night(as_of.astimezone(dt.UTC), ZONE) == night


@pytest.mark.parametrize(
    ("standard", "cls"),
    [("GB 18918-2002 1A", "1A"), ("gb 18918-2002 1b", "1B"), ("GB 8978-1996", None), (None, None)],
)
def test_discharge_class(standard: str | None, cls: str | None) -> None:
    assert discharge_class(standard) == cls


def test_valid_wide_keeps_n_and_t_only() -> None:
    t = pd.Timestamp("2025-06-10 00:00", tz="UTC")
    rows = pd.DataFrame(
        {
            "station_id": [1] * 5,
            "parameter": ["a34004"] * 5,
            "time": [t + pd.Timedelta(hours=h) for h in range(5)],
            "value": [1.0, 2.0, 3.0, 4.0, float("nan")],
            "flag": ["N", "T", "C", "M", "N"],
        }
    )
    wide = valid_wide(rows, {"a34004": "pm2_5"})
    assert list(wide.columns) == ["pm2_5"]
    assert list(wide["pm2_5"]) == [1.0, 2.0]
