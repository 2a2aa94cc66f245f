"""The station's year re-dispatched with added PV (``greenpark.dispatch.year``), on hand
stations whose optimum is known without a solver.

January 2023, hourly (744 h); the district takes a constant electricity load; the PV's
per-unit profile is ``PU`` from 10:00 to 15:00 (5 h a day, 155 h in the month) and 0 else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from greenpark.dispatch.station import StationPrices
from greenpark.dispatch.year import MIN_MONTH_COVERAGE, added_pv_effect
from greenpark.errors import InputError

HOURS = pd.date_range("2023-01-01", "2023-02-01", freq="1h", inclusive="left")
SUN = (HOURS.hour >= 10) & (HOURS.hour < 15)
SUN_HOURS = int(SUN.sum())  # 155
GAS_KWH_M3 = 9.873  # [kWh/m³] GB/T 2589 gas-field gas, 35 544 kJ/m³


def _loads(el_mw: float, pu: float) -> pd.DataFrame:
    return pd.DataFrame(
        {"el": el_mw, "heat": 0.0, "cool": 0.0, "pv": np.where(SUN, pu, 0.0)}, index=HOURS
    )


def _prices(n: int = len(HOURS), grid_cny_mwh: float = 1000.0) -> StationPrices:
    return StationPrices(
        electricity=np.full(n, grid_cny_mwh),
        gas_cny_m3=2.0,
        gas_kwh_m3=GAS_KWH_M3,
        grid_emission=0.5,  # [tCO2/MWh]
        gas_emission_m3=0.002,  # [tCO2/m³]
    )


PV = {"code": "PV", "kind": "pv", "p_nom": 100.0}  # [kW]


def test_added_pv_displaces_grid_until_the_load_is_covered() -> None:
    # load 100 kW, PV 100 kW at 0.5 pu: 50 kW used in the sun, 50 kW from the grid.
    # +100 kW PV: 200 kW x 0.5 = 100 kW = the load: +50 kW x 155 h = +7 750 kWh used,
    # grid -7 750 kWh, nothing curtailed; CO2 -7.75 MWh x 0.5 = -3.875 t.
    r = added_pv_effect([PV], _loads(0.1, 0.5), _prices(), 100.0)
    assert list(r.months["month"]) == ["2023-01"] and r.skipped == {}
    assert r.rated_kw == 100.0 and r.added_kw == 100.0
    assert r.total("pv_kwh") == pytest.approx(50 * SUN_HOURS)
    assert r.total("grid_kwh") == pytest.approx(-50 * SUN_HOURS)
    assert r.total("pv_curtailed_kwh") == pytest.approx(0.0, abs=1e-6)
    assert r.total("tco2") == pytest.approx(-50 * SUN_HOURS / 1000 * 0.5)
    assert r.months["pv_kwh_today"].iloc[0] == pytest.approx(50 * SUN_HOURS)
    assert r.months["grid_kwh_today"].iloc[0] == pytest.approx(100 * 744 - 50 * SUN_HOURS)


def test_pv_beyond_the_load_is_curtailed_not_counted() -> None:
    # +200 kW: 300 kW x 0.5 = 150 kW available for a 100 kW load: 50 kW curtailed each sunny
    # hour; the PV used grows by the same 7 750 kWh as with +100 kW, not by 15 500 kWh
    r = added_pv_effect([PV], _loads(0.1, 0.5), _prices(), 200.0)
    assert r.total("pv_kwh") == pytest.approx(50 * SUN_HOURS)
    assert r.total("pv_curtailed_kwh") == pytest.approx(50 * SUN_HOURS)
    assert r.total("grid_kwh") == pytest.approx(-50 * SUN_HOURS)


def test_added_pv_backs_off_the_gas_engine_when_the_grid_is_dearer() -> None:
    # engine 200 kW at 40 %: gas 2 CNY/m³ / 9.873 kWh/m³ = 202.6 CNY/MWh of gas, / 0.4 =
    # 506 CNY/MWh el + O&M 12 / 0.4 = 30: cheaper than the grid's 1 000, so it runs flat out
    # and the grid takes the rest. Load 300 kW, PV 100 kW at 1.0 pu in the sun: today PV 100 +
    # engine 200. +100 kW PV (free) displaces the engine, not the grid (there is none in the
    # sun): engine -100 kW x 155 h = -15 500 kWh, gas -15 500 / 0.4 / 9.873 = -3 924.8 m³.
    engine = {"code": "GE", "kind": "gas_engine", "p_nom": 200.0, "efficiency": 0.4,
              "params": {"heat_recovery_efficiency": 0.45}}  # fmt: skip
    r = added_pv_effect([PV, engine], _loads(0.3, 1.0), _prices(), 100.0)
    assert r.total("pv_kwh") == pytest.approx(100 * SUN_HOURS)
    assert r.total("engines_kwh") == pytest.approx(-100 * SUN_HOURS)
    assert r.total("grid_kwh") == pytest.approx(0.0, abs=1e-3)
    assert r.total("gas_m3") == pytest.approx(-100 * SUN_HOURS / 0.4 / GAS_KWH_M3)
    assert r.months["engines_kwh_today"].iloc[0] == pytest.approx(200 * 744)


def test_a_month_with_too_few_metered_hours_is_skipped_and_said_why() -> None:
    loads = _loads(0.1, 0.5)
    gap = int(len(HOURS) * (1 - MIN_MONTH_COVERAGE)) + 1  # 75 h: below 90 % covered
    loads.iloc[:gap, loads.columns.get_loc("el")] = np.nan
    r = added_pv_effect([PV], loads, _prices(), 100.0)
    assert r.months.empty
    assert "669 of 744 hours" in r.skipped["2023-01"]


def test_a_few_missing_hours_are_interpolated_and_counted() -> None:
    loads = _loads(0.1, 0.5)
    loads.iloc[[3, 4, 5], loads.columns.get_loc("el")] = np.nan  # night hours of 1 January
    r = added_pv_effect([PV], loads, _prices(), 100.0)
    assert int(r.months["filled_hours"].iloc[0]) == 3
    assert r.total("pv_kwh") == pytest.approx(50 * SUN_HOURS)


@pytest.mark.parametrize(
    ("assets", "added", "prices", "match"),
    [
        ([PV], 0.0, _prices(), "positive"),
        ([{"code": "B", "kind": "boiler", "p_nom": 1.0, "efficiency": 0.9}], 100.0, _prices(),
         "rates no PV"),
        ([PV], 100.0, _prices(n=10), "one price per hour"),
    ],
)  # fmt: skip
def test_refused(assets: list, added: float, prices: StationPrices, match: str) -> None:
    with pytest.raises(InputError, match=match):
        added_pv_effect(assets, _loads(0.1, 0.5), prices, added)
