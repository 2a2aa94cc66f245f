"""A small fixture park whose overview is worked out by hand in the tests.

Park ``GAFTZ`` (the first park, so the one shown) in Asia/Shanghai:

Enterprises (revenue in 10⁴ yuan):

===  =======================  ==============  ==========================================
 #   industry                 revenue         certificates
===  =======================  ==============  ==========================================
E1   big_data                 2023: 1500,     high-tech 2022-11-01..2025-10-31 (valid);
                              2024: 12000     green data centre 2023
E2   electronic_information   2024: 2000      high-tech 2021-12-01..2024-11-30 (expired);
                                              national green factory 2024
E3   equipment_manufacturing  2024: 10000     high-tech 2024-12-31..2027-12-30 (valid);
                                              provincial green factory 2025 (too late)
E4   organic_food             2024: 1999.9    provincial green factory 2022 and 2023,
                                              national green factory 2023
E5   big_data                 2023: 50000     green data centre 2024
===  =======================  ==============  ==========================================

Meters, readings over the 14 local months 2024-01 .. 2025-02 (``k`` = 1 .. 14); each month
has one reading starting on the 1st at 00:00 local (UTC: the day before, 16:00) and one
starting on the last day at 23:00 local:

- ``M-ELEC`` electricity [kWh]: 1000 k + 10 k = 1010 k per month.
- ``M-ELEC-SUB`` sub-meter of M-ELEC: 500 + 500 per month (must not be counted).
- ``M-GAS`` natural gas [m³]: 20 k + 5 per month for k = 1 .. 12 except k = 6 (June 2024).
- ``V-ELEC`` virtual meter (formula) with a stray reading in 2025-02 (must not be counted).
- ``M-PV`` PV output, direction ``production``, 300 per month (must not be counted as use).

Stations: ``S-AIR-01`` (a34004 and a21005 hourly on 2025-02-28), ``S-WATER-01`` (w01001 on
two days, w21003 once), ``S-NOISE-01`` (no data).

A second park ``OTHER`` holds an enterprise with figures for 2026, a meter with a reading in
2025-05 and a station with a newer value; none of it may appear in the overview.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_auth import LedgerClients, add_user, credit_code, login, make_app, session_client

from greenpark.store import Store
from greenpark.store.registry import upsert
from greenpark.store.schema import Meter, Station
from greenpark.store.timeseries import write_measurements, write_readings

TZ = "Asia/Shanghai"
ZONE = ZoneInfo(TZ)
#: Local months of the readings: k = 1 .. 14.
MONTHS = [(2024, m) for m in range(1, 13)] + [(2025, 1), (2025, 2)]


def _month_readings(meter_id: int, year: int, month: int, first: float, last: float) -> list:
    start = dt.datetime(year, month, 1, tzinfo=ZONE)
    nxt = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=ZONE)
    last_hour = nxt - dt.timedelta(hours=1)
    return [
        (meter_id, start, start + dt.timedelta(hours=1), first),
        (meter_id, last_hour, nxt, last),
    ]


def build_fixture_park(store: Store) -> None:
    """Write the fixture park described in the module docstring into ``store``."""
    e = {i: credit_code(i) for i in range(1, 7)}
    with store.write() as conn:
        upsert(
            conn,
            "park",
            [
                {
                    "code": "GAFTZ",
                    "name": "Gui'an Free Trade Zone (test)",
                    "name_local": "贵安综合保税区",
                    "location": "Gui'an New Area, Guizhou",
                    "timezone": TZ,
                },
                {"code": "OTHER", "name": "Another park", "timezone": TZ},
            ],
        )
        upsert(
            conn,
            "enterprise",
            [
                {"credit_code": e[1], "park": "GAFTZ", "name": "E1", "industry": "big_data"},
                {
                    "credit_code": e[2],
                    "park": "GAFTZ",
                    "name": "E2",
                    "industry": "electronic_information",
                },
                {
                    "credit_code": e[3],
                    "park": "GAFTZ",
                    "name": "E3",
                    "industry": "equipment_manufacturing",
                },
                {"credit_code": e[4], "park": "GAFTZ", "name": "E4", "industry": "organic_food"},
                {"credit_code": e[5], "park": "GAFTZ", "name": "E5", "industry": "big_data"},
                {"credit_code": e[6], "park": "OTHER", "name": "O1", "industry": "big_data"},
            ],
        )
        upsert(
            conn,
            "enterprise_year",
            [
                {"credit_code": e[1], "year": 2023, "revenue": 1500.0},
                {"credit_code": e[1], "year": 2024, "revenue": 12000.0},
                {"credit_code": e[2], "year": 2024, "revenue": 2000.0},
                {"credit_code": e[3], "year": 2024, "revenue": 10000.0},
                {"credit_code": e[4], "year": 2024, "revenue": 1999.9},
                {"credit_code": e[5], "year": 2023, "revenue": 50000.0},
                {"credit_code": e[6], "year": 2026, "revenue": 99999.0},
            ],
        )
        upsert(
            conn,
            "high_tech_certificate",
            [
                {
                    "credit_code": e[1],
                    "valid_from": dt.date(2022, 11, 1),
                    "valid_to": dt.date(2025, 10, 31),
                },
                {
                    "credit_code": e[2],
                    "valid_from": dt.date(2021, 12, 1),
                    "valid_to": dt.date(2024, 11, 30),
                },
                {
                    "credit_code": e[3],
                    "valid_from": dt.date(2024, 12, 31),
                    "valid_to": dt.date(2027, 12, 30),
                },
                {
                    "credit_code": e[6],
                    "valid_from": dt.date(2024, 1, 1),
                    "valid_to": dt.date(2026, 12, 31),
                },
            ],
        )
        upsert(
            conn,
            "certification",
            [
                {"credit_code": e[1], "kind": "national_green_data_centre", "year": 2023},
                {"credit_code": e[2], "kind": "national_green_factory", "year": 2024},
                {"credit_code": e[3], "kind": "provincial_green_factory", "year": 2025},
                {"credit_code": e[4], "kind": "provincial_green_factory", "year": 2022},
                {"credit_code": e[4], "kind": "provincial_green_factory", "year": 2023},
                {"credit_code": e[4], "kind": "national_green_factory", "year": 2023},
                {"credit_code": e[5], "kind": "national_green_data_centre", "year": 2024},
                {"credit_code": e[6], "kind": "national_green_factory", "year": 2020},
            ],
        )
        meter = {"interval_s": 3600}
        upsert(
            conn,
            "meter",
            [
                {
                    **meter,
                    "code": "M-ELEC",
                    "park": "GAFTZ",
                    "enterprise": e[1],
                    "name": "E1 main incomer",
                    "carrier": "electricity",
                    "unit": "kWh",
                },
                {
                    **meter,
                    "code": "M-ELEC-SUB",
                    "park": "GAFTZ",
                    "enterprise": e[1],
                    "parent": "M-ELEC",
                    "name": "E1 chiller plant",
                    "carrier": "electricity",
                    "unit": "kWh",
                },
                {
                    **meter,
                    "code": "M-GAS",
                    "park": "GAFTZ",
                    "enterprise": e[3],
                    "name": "E3 gas",
                    "carrier": "natural_gas",
                    "unit": "m³",
                },
                {
                    **meter,
                    "code": "V-ELEC",
                    "park": "GAFTZ",
                    "name": "E1 without chillers",
                    "carrier": "electricity",
                    "unit": "kWh",
                    "formula": "M-ELEC - M-ELEC-SUB",
                },
                {
                    **meter,
                    "code": "M-PV",
                    "park": "GAFTZ",
                    "enterprise": e[1],
                    "name": "E1 rooftop PV output",
                    "carrier": "electricity",
                    "unit": "kWh",
                    "direction": "production",
                },
                {
                    **meter,
                    "code": "O-ELEC",
                    "park": "OTHER",
                    "name": "other park",
                    "carrier": "electricity",
                    "unit": "kWh",
                },
            ],
        )
        upsert(
            conn,
            "station",
            [
                {
                    "code": "S-AIR-01",
                    "park": "GAFTZ",
                    "name": "Air, management committee",
                    "kind": "ambient_air",
                    "mn": "88888880000001",
                },
                {
                    "code": "S-WATER-01",
                    "park": "GAFTZ",
                    "name": "Che Tian river",
                    "kind": "surface_water",
                    "mn": "88888880000002",
                    "water_body": "river",
                    "water_target_class": "III",
                },
                {
                    "code": "S-NOISE-01",
                    "park": "GAFTZ",
                    "name": "Noise, north gate",
                    "kind": "noise",
                    "mn": "88888880000003",
                    "noise_zone_class": "3",
                },
                {
                    "code": "O-AIR",
                    "park": "OTHER",
                    "name": "other park air",
                    "kind": "ambient_air",
                    "mn": "99999990000001",
                },
            ],
        )

    with store.read() as conn:
        meters = {code: id_ for code, id_ in conn.execute(select(Meter.code, Meter.id))}
        stations = {code: id_ for code, id_ in conn.execute(select(Station.code, Station.id))}

    rows: list = []
    for k, (year, month) in enumerate(MONTHS, start=1):
        rows += _month_readings(meters["M-ELEC"], year, month, 1000.0 * k, 10.0 * k)
        rows += _month_readings(meters["M-ELEC-SUB"], year, month, 500.0, 500.0)
        rows += _month_readings(meters["M-PV"], year, month, 150.0, 150.0)
        if k <= 12 and k != 6:
            rows += _month_readings(meters["M-GAS"], year, month, 20.0 * k, 5.0)
    rows += _month_readings(meters["V-ELEC"], 2025, 2, 99999.0, 0.0)
    rows += _month_readings(meters["O-ELEC"], 2025, 5, 77777.0, 0.0)
    readings = pd.DataFrame(rows, columns=["meter_id", "start", "end", "quantity"])

    utc = dt.UTC
    air, water = stations["S-AIR-01"], stations["S-WATER-01"]
    measurements = pd.DataFrame(
        [
            (air, "a34004", dt.datetime(2025, 2, 28, 13, tzinfo=utc), 35.0, "N"),
            (air, "a34004", dt.datetime(2025, 2, 28, 14, tzinfo=utc), 41.0, "N"),
            (air, "a34004", dt.datetime(2025, 2, 28, 15, tzinfo=utc), 38.5, "N"),
            (air, "a21005", dt.datetime(2025, 2, 28, 12, tzinfo=utc), 0.7, "N"),
            (air, "a21005", dt.datetime(2025, 2, 28, 13, tzinfo=utc), 0.9, "C"),
            (water, "w01001", dt.datetime(2025, 2, 27, 0, tzinfo=utc), 7.4, "N"),
            (water, "w01001", dt.datetime(2025, 2, 28, 0, tzinfo=utc), 7.2, "N"),
            (water, "w21003", dt.datetime(2025, 2, 28, 0, tzinfo=utc), 0.35, "N"),
            (stations["O-AIR"], "a34004", dt.datetime(2025, 3, 1, 0, tzinfo=utc), 999.0, "N"),
        ],
        columns=["station_id", "parameter", "time", "value", "flag"],
    )
    with store.write() as conn:
        write_readings(conn, readings, TZ)
        write_measurements(conn, measurements)


@pytest.fixture
def park_store(sqlite_store: Store) -> Store:
    """The fixture park in a fresh SQLite store."""
    build_fixture_park(sqlite_store)
    return sqlite_store


@pytest.fixture
def park_any_store(store: Store) -> Store:
    """The fixture park on each backend of the ``store`` fixture (SQLite, PostgreSQL)."""
    build_fixture_park(store)
    return store


@pytest.fixture
def admin_client(park_store: Store) -> Iterator[TestClient]:
    """The fixture park's app, logged in through the form as administrator ``admin``."""
    add_user(park_store, "admin", "admin")
    with TestClient(make_app(park_store)) as client:
        assert login(client, "admin").status_code == 303
        yield client


@pytest.fixture
def ledger_clients(park_url: str) -> Iterator[LedgerClients]:
    """The ledger park with an admin, an analyst, enterprise A's user and an evaluator."""
    import ledger_park

    store = ledger_park.build(park_url)
    add_user(store, "admin", "admin")
    add_user(store, "ana", "analyst")
    add_user(store, "enta", "enterprise", enterprises=(ledger_park.A,))
    add_user(store, "eva", "evaluator")
    app = make_app(store)
    yield LedgerClients(
        store,
        session_client(app, store, "admin"),
        session_client(app, store, "ana"),
        session_client(app, store, "enta"),
        session_client(app, store, "eva"),
    )
    store.dispose()
