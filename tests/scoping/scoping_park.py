"""A small park for the scoping tests, and API clients acting as its users.

Park ``SCP`` (the first park, so the one shown) in Asia/Shanghai. Revenue of 2024 in
10⁴ yuan; ``ht`` = high-tech certificate valid on 2024-12-31:

===  =========================  =======================  =======  ===========================
 #   name                       industry                 revenue  certificates
===  =========================  =======================  =======  ===========================
 A   Alpha Data Co.             big_data                 12000    ht; green data centre 2023
 B   Bravo Electronics Co.      electronic_information   50000    ht; green data centre 2024;
                                                                  national green factory 2024
 C   Charlie Cloud Co.          big_data                 3000     ht
 D   Delta Servers Co.          big_data                 2500
 E   Echo Compute Co.           big_data                 1000
 F   Foxtrot Machines Co.       equipment_manufacturing  1500
 G   Golf Machines Co.          equipment_manufacturing  9000
 H   Hotel Machines Co.         equipment_manufacturing  500
===  =========================  =======================  =======  ===========================

Whole-park counts: 8 enterprises; above designated size 5 (A B C D G; 3 below);
turnover above 100 million 2 (A B); high-tech 3; green data centres 2; national green
factories 1 (B); provincial 0; industries big_data 4, equipment_manufacturing 3,
electronic_information 1 (B alone), organic_food 0, other 0. A caller who sees only some
enterprises gets total 8, above 5, high-tech 3, big_data 4, equipment_manufacturing 3 and
every other count suppressed.

Meters (daily readings, each day 00:00 local, from 2024-03-01 to 2025-02-28: 365 days,
monthly totals = days x rate); rates per day:

- A: ``ALPHA-ELEC`` 1000 kWh, its sub-meter ``ALPHA-ELEC-SUB`` 200 kWh, ``ALPHA-GAS`` 50 m³,
  virtual ``ALPHA-VIRT`` = ALPHA-ELEC - ALPHA-ELEC-SUB, virtual ``ALPHA-MIX`` =
  ALPHA-ELEC + BRAVO-ELEC (its formula names B's meter: hidden from A-only callers).
- B: ``BRAVO-ELEC`` 4321.5 kWh, ``BRAVO-WATER`` 77.25 m³, ``BRAVO-PV`` 333 kWh (production).
- C: ``CHARLIE-ELEC`` 2000 kWh; D: ``DELTA-ELEC`` 3000 kWh.
- Park-level (no enterprise): ``PARK-LIGHT`` 111 kWh.

Stations: park-level ``S-AIR`` (a34004 hourly, 2025-02-26 .. 02-28), ``S-RIVER`` (w01001
daily), ``S-NOISE`` (no data); A's outlet ``ALPHA-OUT`` and B's outlet ``BRAVO-OUT`` (w01018
COD hourly over the same three days; B's values 123.456).

Users (each with an API token): ``admin``; ``alpha`` (enterprise user of A); ``alphabravo``
(enterprise user of A and B); ``eval_bravo`` (evaluator limited to B, valid for 30 days);
``eval_park`` (evaluator of the whole park, valid for 30 days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select

from greenpark.auth import create_token, create_user
from greenpark.standards import credit_code_check_character
from greenpark.store import Store
from greenpark.store.registry import upsert
from greenpark.store.schema import Enterprise, Meter, Station
from greenpark.store.timeseries import write_measurements, write_readings

TZ: Final = "Asia/Shanghai"
ZONE: Final = ZoneInfo(TZ)
PARK: Final = "SCP"
SECRET: Final = "scoping-tests-secret-" + "x" * 32

#: letter -> (name, industry, revenue 2024 [10⁴ yuan])
ENTERPRISES: Final[dict[str, tuple[str, str, float]]] = {
    "A": ("Alpha Data Co.", "big_data", 12000.0),
    "B": ("Bravo Electronics Co.", "electronic_information", 50000.0),
    "C": ("Charlie Cloud Co.", "big_data", 3000.0),
    "D": ("Delta Servers Co.", "big_data", 2500.0),
    "E": ("Echo Compute Co.", "big_data", 1000.0),
    "F": ("Foxtrot Machines Co.", "equipment_manufacturing", 1500.0),
    "G": ("Golf Machines Co.", "equipment_manufacturing", 9000.0),
    "H": ("Hotel Machines Co.", "equipment_manufacturing", 500.0),
}

#: meter code -> (owner letter or None, carrier, unit, rate per day [unit], extra columns)
METERS: Final[dict[str, tuple[str | None, str, str, float | None, dict[str, str]]]] = {
    "ALPHA-ELEC": ("A", "electricity", "kWh", 1000.0, {}),
    "ALPHA-ELEC-SUB": ("A", "electricity", "kWh", 200.0, {"parent": "ALPHA-ELEC"}),
    "ALPHA-GAS": ("A", "natural_gas", "m³", 50.0, {}),
    "ALPHA-VIRT": ("A", "electricity", "kWh", None, {"formula": "ALPHA-ELEC - ALPHA-ELEC-SUB"}),
    "ALPHA-MIX": ("A", "electricity", "kWh", None, {"formula": "ALPHA-ELEC + BRAVO-ELEC"}),
    "BRAVO-ELEC": ("B", "electricity", "kWh", 4321.5, {}),
    "BRAVO-WATER": ("B", "water", "m³", 77.25, {}),
    "BRAVO-PV": ("B", "electricity", "kWh", 333.0, {"direction": "production"}),
    "CHARLIE-ELEC": ("C", "electricity", "kWh", 2000.0, {}),
    "DELTA-ELEC": ("D", "electricity", "kWh", 3000.0, {}),
    "PARK-LIGHT": (None, "electricity", "kWh", 111.0, {}),
}

#: station code -> (owner letter or None, kind, MN)
STATIONS: Final[dict[str, tuple[str | None, str, str]]] = {
    "S-AIR": (None, "ambient_air", "52090000000001"),
    "S-RIVER": (None, "surface_water", "52090000000002"),
    "S-NOISE": (None, "noise", "52090000000003"),
    "ALPHA-OUT": ("A", "wastewater_outlet", "52090000000004"),
    "BRAVO-OUT": ("B", "wastewater_outlet", "52090000000005"),
}

#: The first and last local day of the daily readings (365 days).
FIRST_DAY: Final = dt.date(2024, 3, 1)
LAST_DAY: Final = dt.date(2025, 2, 28)

#: Users: name -> (role, enterprise letters).
USERS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "admin": ("admin", ()),
    "alpha": ("enterprise", ("A",)),
    "alphabravo": ("enterprise", ("A", "B")),
    "eval_bravo": ("evaluator", ("B",)),
    "eval_park": ("evaluator", ()),
}


def credit_code(n: int) -> str:
    """A valid GB 32100-2015 code for test enterprise ``n``."""
    first17 = f"91520900MA7K0{n:04d}"
    return first17 + credit_code_check_character(first17)


#: letter -> credit code
CODES: Final[dict[str, str]] = {k: credit_code(i) for i, k in enumerate(ENTERPRISES, start=1)}


def meters_of(letters: set[str]) -> set[str]:
    """Codes of the meters owned by the enterprises ``letters``."""
    return {code for code, (owner, *_) in METERS.items() if owner in letters}


def stations_of(letters: set[str]) -> set[str]:
    """Codes of the park-level stations and those owned by ``letters``."""
    return {code for code, (owner, *_) in STATIONS.items() if owner is None or owner in letters}


@dataclass(frozen=True)
class ScopingPark:
    """The built park: its store, database ids and one API token per user."""

    store: Store
    ids: dict[str, int]  # letter -> enterprise id
    tokens: dict[str, str]  # user name -> API token


def _days() -> list[dt.datetime]:
    n = (LAST_DAY - FIRST_DAY).days + 1
    return [
        dt.datetime.combine(FIRST_DAY + dt.timedelta(days=i), dt.time(), tzinfo=ZONE)
        for i in range(n)
    ]


def build_scoping_park(store: Store) -> ScopingPark:
    """Write the park described in the module docstring and its users into ``store``."""
    with store.write() as conn:
        upsert(conn, "park", [{"code": PARK, "name": "Scoping test park", "timezone": TZ}])
        upsert(
            conn,
            "enterprise",
            [
                {"credit_code": CODES[k], "park": PARK, "name": name, "industry": industry}
                for k, (name, industry, _) in ENTERPRISES.items()
            ],
        )
        upsert(
            conn,
            "enterprise_year",
            [
                {"credit_code": CODES[k], "year": 2024, "revenue": revenue}
                for k, (_, _, revenue) in ENTERPRISES.items()
            ],
        )
        upsert(
            conn,
            "high_tech_certificate",
            [
                {
                    "credit_code": CODES[k],
                    "number": f"GR2023520000{i}",
                    "valid_from": dt.date(2023, 11, 1),
                    "valid_to": dt.date(2026, 10, 31),
                }
                for i, k in enumerate("ABC")
            ],
        )
        upsert(
            conn,
            "certification",
            [
                {"credit_code": CODES["A"], "kind": "national_green_data_centre", "year": 2023},
                {"credit_code": CODES["B"], "kind": "national_green_data_centre", "year": 2024},
                {"credit_code": CODES["B"], "kind": "national_green_factory", "year": 2024},
            ],
        )
        rows = []
        for code, (owner, carrier, unit, _, extra) in METERS.items():
            row = {
                "code": code,
                "park": PARK,
                "name": f"{code.title()} meter",
                "carrier": carrier,
                "unit": unit,
                "interval_s": 86400,
                **extra,
            }
            if owner is not None:
                row["enterprise"] = CODES[owner]
            rows.append(row)
        upsert(conn, "meter", rows)
        upsert(
            conn,
            "station",
            [
                {
                    "code": code,
                    "park": PARK,
                    "name": f"{code.title()} station",
                    "kind": kind,
                    "mn": mn,
                    **({"enterprise": CODES[owner]} if owner else {}),
                }
                for code, (owner, kind, mn) in STATIONS.items()
            ],
        )
    with store.read() as conn:
        meter_ids = {c: i for c, i in conn.execute(select(Meter.code, Meter.id))}
        station_ids = {c: i for c, i in conn.execute(select(Station.code, Station.id))}
        enterprise_ids = dict(
            (c, i) for c, i in conn.execute(select(Enterprise.credit_code, Enterprise.id))
        )
    days = _days()
    readings = pd.DataFrame(
        [
            (meter_ids[code], day, day + dt.timedelta(days=1), rate)
            for code, (_, _, _, rate, _) in METERS.items()
            if rate is not None
            for day in days
        ],
        columns=["meter_id", "start", "end", "quantity"],
    )
    hours = [dt.datetime(2025, 2, 26, tzinfo=ZONE) + dt.timedelta(hours=h) for h in range(72)]
    values = []
    for i, t in enumerate(hours):
        values.append((station_ids["S-AIR"], "a34004", t, 30.0 + i % 7, "N"))
        values.append((station_ids["ALPHA-OUT"], "w01018", t, 20.0 + i % 5, "N"))
        values.append((station_ids["BRAVO-OUT"], "w01018", t, 123.456, "N"))
    for d in range(3):
        t = dt.datetime(2025, 2, 26 + d, tzinfo=ZONE)
        values.append((station_ids["S-RIVER"], "w01001", t, 7.0 + d / 10, "N"))
    measurements = pd.DataFrame(
        values, columns=["station_id", "parameter", "time", "value", "flag"]
    )
    with store.write() as conn:
        write_readings(conn, readings, TZ)
        write_measurements(conn, measurements)
    now = dt.datetime.now(dt.UTC)
    tokens = {}
    with store.write() as conn:
        for user, (role, letters) in USERS.items():
            create_user(
                conn,
                user,
                role,
                enterprises=[CODES[k] for k in letters],
                valid_until=now + dt.timedelta(days=30) if role == "evaluator" else None,
            )
            tokens[user] = create_token(conn, user, "scoping tests", days=1)
    ids = {k: enterprise_ids[CODES[k]] for k in ENTERPRISES}
    return ScopingPark(store=store, ids=ids, tokens=tokens)


ALL = set(ENTERPRISES)

#: The enterprises each user sees.
SEES: dict[str, set[str]] = {
    "admin": ALL,
    "eval_park": ALL,
    "alpha": {"A"},
    "alphabravo": {"A", "B"},
    "eval_bravo": {"B"},
}

#: A well-formed credit code that no enterprise has.
NO_ENTERPRISE = credit_code(9999)
NO_CODE = "NO-SUCH-CODE"


def secrets_of(letters: set[str]) -> list[str]:
    """Strings that name the enterprises ``letters`` or their meters and stations."""
    out = []
    for k in letters:
        out += [CODES[k], ENTERPRISES[k][0]]
    out += sorted(meters_of(letters))
    out += [s for code, (owner, _, mn) in STATIONS.items() if owner in letters for s in (code, mn)]
    return out
