"""Added PV with the station's dispatch re-run (``evaluate_scenarios`` →
``greenpark.dispatch.service.added_pv``), on a hand park with 15-min meters in January 2023.

- member A uses 100 kW all month: 74 400 kWh; value added 1 000 x 10⁴ yuan;
- the station S (PV and grid only) serves a district load of 100 kW: its PV (100 kW rated)
  gives 0.5 pu from 10:00 to 15:00, 50 kW x 155 h = 7 750 kWh; its grid meter the rest,
  74 400 - 7 750 = 66 650 kWh.

The ledger: internal supply min(7 750, A's 74 400) = 7 750 kWh, so grid electricity
74 400 + 66 650 - 7 750 = 133 300 kWh; energy use (133 300 + 7 750) x 0.1229 kgce/kWh
(GB/T 2589) = 17.335 tce; renewable 7 750 x 0.1229 = 0.952 tce.

+0.1 MWp: the re-dispatched station takes 200 kW x 0.5 = 100 kW in the sun, the whole
district load: PV used +7 750 kWh, grid import -7 750 kWh, nothing curtailed. +0.2 MWp:
150 kW available, 50 kW curtailed: the PV used grows by the same 7 750 kWh, where scaling the
metered series (``redispatch = false``) would add 15 500 kWh.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import insert

from greenpark.config import Settings
from greenpark.evaluation.scenarios import Scenario, evaluate_scenarios
from greenpark.store import Store
from greenpark.store.schema import Asset, Enterprise, EnterpriseYear, Meter
from greenpark.store.timeseries import write_readings

A = "91520900MA6DLAAAA1"
S = "91520900MA6DLSSSS2"
EL_KGCE = 0.1229  # [kgce/kWh] GB/T 2589-2020
GUIZHOU = 0.4989  # [tCO2/MWh] 2023 location-based factor, as test_scenarios.py
SUN_HOURS = 31 * 5
TCE = (133_300 + 7_750) * EL_KGCE / 1000  # 17.33505
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def park(park_url: str) -> Store:
    store = Store(park_url)
    start = pd.Timestamp(dt.datetime(2023, 1, 1, tzinfo=ZONE))
    steps = pd.date_range(start, periods=31 * 96, freq="15min")
    sun = (steps.hour >= 10) & (steps.hour < 15)
    pv = np.where(sun, 12.5, 0.0)  # 50 kW for 15 min [kWh]
    series = {1: np.full(len(steps), 25.0), 2: 25.0 - pv, 3: pv}
    with store.write() as c:
        c.execute(
            insert(Enterprise),
            [
                {"id": 1, "park_id": 1, "credit_code": A, "name": "A",
                 "industry": "electronic_information"},
                {"id": 2, "park_id": 1, "credit_code": S, "name": "S", "industry": "other"},
            ],
        )  # fmt: skip
        c.execute(
            insert(EnterpriseYear), [{"enterprise_id": 1, "year": 2023, "value_added": 1000.0}]
        )
        c.execute(
            insert(Meter),
            [
                {"id": i, "park_id": 1, "code": code, "name": code, "carrier": "electricity",
                 "unit": "kWh", "enterprise_id": owner, "direction": d, "renewable": r,
                 "interval_s": 900}
                for i, code, owner, d, r in ((1, "A-EL", 1, "consumption", False),
                                             (2, "S-EL", 2, "consumption", False),
                                             (3, "S-PV", 2, "production", True))
            ],
        )  # fmt: skip
        c.execute(insert(Asset).values(park_id=1, code="S-PV", name="PV", kind="pv", p_nom=100.0))
        frame = pd.concat(
            pd.DataFrame(
                {"meter_id": m, "start": steps, "end": steps + pd.Timedelta("15min"),
                 "quantity": q}
            )
            for m, q in series.items()
        )  # fmt: skip
        write_readings(c, frame)
    return store


def _run(store: Store, *scenarios: Scenario):
    results = evaluate_scenarios(store, "miit-green-park", 2023, list(scenarios),
                                 settings=Settings())  # fmt: skip
    return [r for _, r in results]


def test_the_ledger_of_the_hand_park(park: Store) -> None:
    (today,) = _run(park)
    assert today.ledger("grid_kwh") == pytest.approx(133_300)
    assert today.ledger("renewable_kwh") == pytest.approx(7_750)
    assert today.ledger("tce") == pytest.approx(TCE)


def test_added_pv_is_re_dispatched_and_moves_the_shares_as_the_ledger_counts(
    park: Store,
) -> None:
    today, pv = _run(park, Scenario("pv", pv_mwp=0.1))
    added = 50 * SUN_HOURS  # 7 750 kWh
    assert pv.ledger("renewable_kwh") - today.ledger("renewable_kwh") == pytest.approx(added)
    # the park's grid electricity falls by the dispatch's grid import change
    assert pv.ledger("grid_kwh") == pytest.approx(133_300 - added)
    assert pv.ledger("tce") == pytest.approx(TCE)  # grid and PV kWh both at 0.1229 kgce
    # renewable share + 7 750 x 0.1229 / 1000 / 17.335 x 100 = + 5.4945 points (5.49 -> 10.99 %)
    r0, r1 = today.values["renewable_share"].value, pv.values["renewable_share"].value
    assert r0 == pytest.approx(100 * added * EL_KGCE / 1000 / TCE)
    assert r1 - r0 == pytest.approx(100 * added * EL_KGCE / 1000 / TCE)
    # CO2 - 7 750 x 0.4989 / 1000 = - 3.866 t: per tce - 0.22304 tCO2/tce
    assert today.ledger("tco2") - pv.ledger("tco2") == pytest.approx(added * GUIZHOU / 1000)
    c0, c1 = today.context["co2_per_tce"].value, pv.context["co2_per_tce"].value
    assert c0 - c1 == pytest.approx(added * GUIZHOU / 1000 / TCE)
    (change,) = pv.changes
    assert "re-dispatched over 1 month(s)" in change
    assert "PV used +7,750 kWh" in change and "grid import -7,750 kWh" in change


def test_pv_beyond_the_load_is_curtailed_unless_the_series_is_only_scaled(park: Store) -> None:
    today, dispatched, scaled = _run(
        park,
        Scenario("dispatched", pv_mwp=0.2),
        Scenario("scaled", pv_mwp=0.2, redispatch=False),
    )
    base = today.ledger("renewable_kwh")
    assert dispatched.ledger("renewable_kwh") - base == pytest.approx(50 * SUN_HOURS)
    assert "7,750 kWh curtailed" in dispatched.changes[0]
    # the metered series x (0.1 + 0.2) / 0.1 = x3: + 15 500 kWh, beyond what the district takes
    assert scaled.ledger("renewable_kwh") - base == pytest.approx(2 * 7_750)
    assert "redispatch = false" in scaled.changes[0]


def test_without_quarter_hour_meters_the_series_is_scaled_and_said_why(park: Store) -> None:
    # the same station metered monthly only: no hour can be modelled
    with park.write() as c:
        c.execute(Meter.__table__.update().values(interval_s=2_678_400))
        from greenpark.store.schema import MeterReading

        c.execute(MeterReading.__table__.delete())
        month_start = dt.datetime(2023, 1, 1, tzinfo=ZONE)
        month_end = dt.datetime(2023, 2, 1, tzinfo=ZONE)
        write_readings(
            c,
            pd.DataFrame(
                {"meter_id": [1, 2, 3], "start": month_start, "end": month_end,
                 "quantity": [74_400.0, 66_650.0, 7_750.0]}
            ),
        )  # fmt: skip
    today, pv = _run(park, Scenario("pv", pv_mwp=0.1))
    assert pv.ledger("renewable_kwh") - today.ledger("renewable_kwh") == pytest.approx(7_750)
    assert "x2" in pv.changes[0]
    assert "no month modelled" in pv.changes[0] and "0 of 744 hours" in pv.changes[0]


def test_the_same_what_if_is_solved_once_until_the_data_change(park: Store) -> None:
    from greenpark.dispatch.service import added_pv
    from greenpark.ledger.compute import LedgerOptions
    from greenpark.store.ledger import resolve_park

    def run():
        with park.read() as c:
            return added_pv(c, resolve_park(c, None), 2023, 100.0, ZONE, Settings(),
                            LedgerOptions())  # fmt: skip

    first = run()
    assert run() is first  # kept
    with park.write() as c:  # one reading of the station's grid meter changes
        write_readings(
            c,
            pd.DataFrame(
                {"meter_id": [2], "start": [pd.Timestamp("2023-01-01 00:00", tz=ZONE)],
                 "end": [pd.Timestamp("2023-01-01 00:15", tz=ZONE)], "quantity": [30.0]}
            ),
        )  # fmt: skip
    again = run()
    assert again is not first
    assert again.months["grid_kwh_today"].iloc[0] == pytest.approx(
        first.months["grid_kwh_today"].iloc[0] + 5.0, abs=1e-6
    )


def test_a_capped_internal_supply_is_said(park: Store) -> None:
    # A now uses 4 kW (2 976 kWh in January): the station's PV, 7 750 kWh today and 15 500
    # kWh with +0.1 MWp, exceeds it, so the ledger nets at most A's use and says so
    start = pd.Timestamp(dt.datetime(2023, 1, 1, tzinfo=ZONE))
    steps = pd.date_range(start, periods=31 * 96, freq="15min")
    with park.write() as c:
        write_readings(
            c,
            pd.DataFrame(
                {"meter_id": 1, "start": steps, "end": steps + pd.Timedelta("15min"),
                 "quantity": 1.0}
            ),
        )  # fmt: skip
    today, pv = _run(park, Scenario("pv", pv_mwp=0.1))
    (change,) = pv.changes
    assert "in 2023-01 the station's electricity reaches the use of the members" in change
    # internal supply min(15 500, 2 976): the park's grid falls by less than the dispatch's
    # 7 750 kWh
    assert today.ledger("grid_kwh") - pv.ledger("grid_kwh") < 7_750
