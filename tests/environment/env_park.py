"""A small park whose environment page is worked out by hand (Asia/Shanghai, ``D`` =
2025-06-10; times are hour starts, local).

- ``AIR-1``: PM2.5 80 μg/m³ for the 24 hours of D except 22:00, which is flagged ``C``
  with 500 (not counted): 23 valid hours → daily mean 80 → IAQI 100 + (80 - 75) · 50 / 40
  = 106.25 → 107 (HJ 633-2012, 24-h column; rounded up), level 3, primary PM2.5; the
  hourly AQI of 23:00 is the same 107. D-1: 30 for 24 h → IAQI 30 · 50 / 35 = 42.9 → 43.
  D-2: 10 hours only → no daily AQI. Good days of 2025: 1 of 2 valid.
- ``SW-1`` (river, target III), one sample at D 12:00: pH 7.5 (I), DO 6.5 (II), CODMn 5.0
  (III), NH3-N 0.4 (II), TP 0.1 (II) → class III decided by CODMn, meets the target.
- ``OUT-1`` (E1, GB 18918-2002 1A): one sample a day at 12:00 for the 30 days to D: COD
  30 mg/L except D-5, 60 (> 50: one exceeding day); water temperature 20 °C; on D also
  NH3-N 2, TP 0.3, TN 10, pH 7, all compliant.
- ``OUT-2`` (E2): COD 20 on D only.
- ``NS-1`` (zone 2: day 60, night 50 dB(A)): LAeq 55 from D-1 06:00 to 21:00 and 53 from
  D-1 22:00 to D 05:00 → Ld 55, Ln 53 (night exceeds by 3 dB). The newest hour of data is
  D 23:00, so the noise day (whose night has ended) is D-1.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select

from greenpark.standards.credit_code import credit_code_check_character
from greenpark.store import Store
from greenpark.store.registry import upsert
from greenpark.store.schema import Station
from greenpark.store.timeseries import write_measurements

TZ = "Asia/Shanghai"
ZONE = ZoneInfo(TZ)
D = dt.date(2025, 6, 10)


def _code(n: int) -> str:
    first17 = f"91520900MA6E0{n:04d}"
    return first17 + credit_code_check_character(first17)


#: Credit codes of the two plants' enterprises (valid GB 32100-2015 codes).
E1 = _code(1)
E2 = _code(2)


def local(day: dt.date, hour: int) -> dt.datetime:
    """``day`` at ``hour`` local time (hour may exceed 23)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=ZONE) + dt.timedelta(hours=hour)


def build_env_park(store: Store, e1: str = E1, e2: str = E2) -> None:
    """Write the park described in the module docstring into ``store``."""
    with store.write() as conn:
        upsert(conn, "park", [{"code": "ENVP", "name": "Environment test park", "timezone": TZ}])
        upsert(
            conn,
            "enterprise",
            [
                {"credit_code": e1, "park": "ENVP", "name": "Plant One", "industry": "other"},
                {"credit_code": e2, "park": "ENVP", "name": "Plant Two", "industry": "other"},
            ],
        )
        base = {"park": "ENVP"}
        upsert(
            conn,
            "station",
            [
                {**base, "code": "AIR-1", "name": "Air", "kind": "ambient_air", "mn": "E0001"},
                {
                    **base,
                    "code": "SW-1",
                    "name": "River",
                    "kind": "surface_water",
                    "mn": "E0002",
                    "water_body": "river",
                    "water_target_class": "III",
                },
                {
                    **base,
                    "code": "OUT-1",
                    "name": "Outlet one",
                    "kind": "wastewater_outlet",
                    "mn": "E0003",
                    "enterprise": e1,
                    "discharge_standard": "GB 18918-2002 1A",
                },
                {
                    **base,
                    "code": "OUT-2",
                    "name": "Outlet two",
                    "kind": "wastewater_outlet",
                    "mn": "E0004",
                    "enterprise": e2,
                    "discharge_standard": "GB 18918-2002 1A",
                },
                {
                    **base,
                    "code": "NS-1",
                    "name": "Noise",
                    "kind": "noise",
                    "mn": "E0005",
                    "noise_zone_class": "2",
                },
            ],
        )
    with store.read() as conn:
        ids = dict(conn.execute(select(Station.code, Station.id)).all())
    rows: list[tuple[int, str, dt.datetime, float, str]] = []
    air = ids["AIR-1"]
    for h in range(24):
        rows.append(
            (air, "a34004", local(D, h), 500.0 if h == 22 else 80.0, "C" if h == 22 else "N")
        )
        rows.append((air, "a34004", local(D - dt.timedelta(days=1), h), 30.0, "N"))
    for h in range(10):
        rows.append((air, "a34004", local(D - dt.timedelta(days=2), h), 30.0, "N"))
    sw = ids["SW-1"]
    for code, value in {
        "w01001": 7.5,
        "w01009": 6.5,
        "w01019": 5.0,
        "w21003": 0.4,
        "w21011": 0.1,
    }.items():
        rows.append((sw, code, local(D, 12), value, "N"))
    out1 = ids["OUT-1"]
    for k in range(30):
        day = D - dt.timedelta(days=k)
        rows.append((out1, "w01018", local(day, 12), 60.0 if k == 5 else 30.0, "N"))
        rows.append((out1, "w01010", local(day, 12), 20.0, "N"))
    for code, value in {"w21003": 2.0, "w21011": 0.3, "w21001": 10.0, "w01001": 7.0}.items():
        rows.append((out1, code, local(D, 12), value, "N"))
    rows.append((ids["OUT-2"], "w01018", local(D, 12), 20.0, "N"))
    ns = ids["NS-1"]
    for h in range(6, 30):  # D-1 06:00 .. D 05:00
        rows.append((ns, "LAeq", local(D - dt.timedelta(days=1), h), 55.0 if h < 22 else 53.0, "N"))
    frame = pd.DataFrame(rows, columns=["station_id", "parameter", "time", "value", "flag"])
    with store.write() as conn:
        write_measurements(conn, frame)
