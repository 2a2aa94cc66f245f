"""``greenpark.store.overview.park_overview`` against the fixture park worked out by hand
(see ``conftest.py``), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from greenpark.errors import InputError
from greenpark.store import Store
from greenpark.store.overview import (
    LATEST_VALUES_SQL,
    CarrierSeries,
    EnterpriseCounts,
    LatestValue,
    ParkInfo,
    _month_window,
    park_overview,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: As-of year 2024 (E6 of the other park has 2026, which must not count).
#: Above designated size (>= 2000): E1 12000, E2 2000, E3 10000 -> 3 (E4 1999.9 is not,
#: E5 has no 2024 figure). Over 100 million yuan (> 10000): E1 only -> 1.
#: High-tech on 2024-12-31: E1 (to 2025-10-31) and E3 (from 2024-12-31) -> 2.
#: Green data centres <= 2024: E1 (2023), E5 (2024) -> 2. National green factories: E2, E4
#: -> 2. Provincial green factories: E4 (twice, one enterprise) -> 1; E3's 2025 is too late.
EXPECTED_COUNTS = EnterpriseCounts(
    total=5,
    above_designated_size=3,
    revenue_over_100m_yuan=1,
    high_tech=2,
    national_green_data_centre=2,
    national_green_factory=2,
    provincial_green_factory=1,
    by_industry={
        "big_data": 2,
        "electronic_information": 1,
        "equipment_manufacturing": 1,
        "organic_food": 1,
        "other": 0,
    },
)

#: Newest month of the park's top-level real meters: 2025-02 (k = 14); the window is
#: k = 3 .. 14. The other park's 2025-05 reading must not move it.
EXPECTED_MONTHS = (
    "2024-03",
    "2024-04",
    "2024-05",
    "2024-06",
    "2024-07",
    "2024-08",
    "2024-09",
    "2024-10",
    "2024-11",
    "2024-12",
    "2025-01",
    "2025-02",
)
#: 1010 k for k = 3 .. 14 (the sub-meter's 1000 per month and V-ELEC's 99999 left out).
ELECTRICITY = (3030.0, 4040.0, 5050.0, 6060.0, 7070.0, 8080.0, 9090.0, 10100.0, 11110.0,
               12120.0, 13130.0, 14140.0)  # fmt: skip
ELECTRICITY_TOTAL = 103020.0  # 1010 * (3 + ... + 14) = 1010 * 102
#: 20 k + 5 for k = 3 .. 12, none in June 2024 (k = 6) nor in 2025.
GAS = (65.0, 85.0, 105.0, None, 145.0, 165.0, 185.0, 205.0, 225.0, 245.0, None, None)
GAS_TOTAL = 1425.0  # 20 * (3+4+5+7+8+9+10+11+12) + 9 * 5 = 20 * 69 + 45

EXPECTED_ENERGY = (
    CarrierSeries("electricity", "kWh", EXPECTED_MONTHS, ELECTRICITY, meters=1),
    CarrierSeries("natural_gas", "m³", EXPECTED_MONTHS, GAS, meters=1),
)


def _local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


#: Stations by code; latest values ordered by parameter code. 15:00 UTC = 23:00 +08:00.
EXPECTED_LATEST = {
    "S-AIR-01": (
        LatestValue("a21005", _local(2025, 2, 28, 21), 0.9, "C"),
        LatestValue("a34004", _local(2025, 2, 28, 23), 38.5, "N"),
    ),
    "S-NOISE-01": (),
    "S-WATER-01": (
        LatestValue("w01001", _local(2025, 2, 28, 8), 7.2, "N"),
        LatestValue("w21003", _local(2025, 2, 28, 8), 0.35, "N"),
    ),
}


def test_overview_of_fixture_park(park_any_store: Store) -> None:
    with park_any_store.read() as conn:
        overview = park_overview(conn, "Asia/Shanghai")
    assert overview.park == ParkInfo(
        "GAFTZ",
        "Gui'an Free Trade Zone (test)",
        "贵安综合保税区",
        "Gui'an New Area, Guizhou",
        "Asia/Shanghai",
    )
    assert overview.as_of_year == 2024
    assert overview.enterprise_counts == EXPECTED_COUNTS
    assert overview.energy_months == EXPECTED_MONTHS
    assert overview.energy_by_carrier == EXPECTED_ENERGY
    assert [s.total for s in overview.energy_by_carrier] == [ELECTRICITY_TOTAL, GAS_TOTAL]
    assert [s.code for s in overview.stations] == ["S-AIR-01", "S-NOISE-01", "S-WATER-01"]
    assert {s.code: s.latest for s in overview.stations} == EXPECTED_LATEST
    air = overview.stations[0]
    assert (air.kind, air.mn) == ("ambient_air", "88888880000001")
    for station in overview.stations:
        for value in station.latest:
            assert value.time.utcoffset() == dt.timedelta(hours=8)
            assert value.time.isoformat().endswith("+08:00")


def test_empty_store(store: Store) -> None:
    with store.read() as conn:
        overview = park_overview(conn, "Asia/Shanghai")
    assert overview.park is None
    assert overview.as_of_year is None
    assert overview.enterprise_counts.total == 0
    assert overview.energy_by_carrier == ()
    assert overview.stations == ()


def test_park_without_yearly_figures(sqlite_store: Store) -> None:
    from greenpark.store.registry import upsert

    with sqlite_store.write() as conn:
        upsert(conn, "park", [{"code": "P", "name": "P"}])
    with sqlite_store.read() as conn:
        overview = park_overview(conn, "Asia/Shanghai")
    assert overview.park is not None
    assert overview.as_of_year is None
    assert overview.enterprise_counts.above_designated_size is None
    assert overview.enterprise_counts.total == 0
    assert overview.energy_months == ()


def test_unknown_timezone_is_refused(sqlite_store: Store) -> None:
    with sqlite_store.read() as conn, pytest.raises(InputError, match="Asia/Shanghai"):
        park_overview(conn, "Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("last", "first"),
    [("2025-02", "2024-03"), ("2024-12", "2024-01"), ("2025-01", "2024-02")],
)
def test_month_window(last: str, first: str) -> None:
    window = _month_window(last)
    assert len(window) == 12
    assert (window[0], window[-1]) == (first, last)


def test_latest_values_use_the_primary_key(park_store: Store) -> None:
    """No step of the latest-values statement scans the measurement table (SQLite plan)."""
    with park_store.read() as conn:
        plan = conn.execute(text("EXPLAIN QUERY PLAN " + LATEST_VALUES_SQL), {"park_id": 1})
        details = [row[-1] for row in plan]
    measurement_steps = [d for d in details if d.split(" ")[1:2] in (["m"], ["l"])]
    assert measurement_steps, details
    for step in measurement_steps:
        assert step.startswith("SEARCH") and "PRIMARY KEY" in step, details


def test_overview_is_fast_on_the_fixture(park_store: Store) -> None:
    with park_store.read() as conn:
        park_overview(conn, "Asia/Shanghai")  # warm up
        started = time.perf_counter()
        park_overview(conn, "Asia/Shanghai")
        elapsed = time.perf_counter() - started
    assert elapsed < 0.5  # [s]; the design target is 0.05 s on a full demo year
