"""Day-ahead load forecast (greenpark.dispatch.forecast): hand checks on synthetic histories and
a backtest on a real 15-minute steel-plant load."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from greenpark.dispatch.forecast import Forecast, forecast_day, forecast_error
from greenpark.errors import InputError

STEEL = Path(__file__).parents[1] / "data" / "ledger" / "uci_steel_15min_2018_kwh.csv"

Q = np.arange(96)
#: Electricity shapes [MW]: weekday and weekend.
EL_WD = 10.0 + 5.0 * np.sin(2 * np.pi * (Q - 24) / 96)
EL_WE = 4.0 + 1.0 * np.sin(2 * np.pi * (Q - 24) / 96)
#: Heating and cooling shapes with a daily mean of exactly 1 [-].
G_WD = 1.0 + 0.5 * np.cos(2 * np.pi * Q / 96)  # 1.5 at 00:00
G_WE = 1.0 - 0.3 * np.cos(2 * np.pi * Q / 96)  # 0.7 at 00:00
H_COOL = 1.0 + 0.8 * np.cos(2 * np.pi * (Q - 56) / 96)  # 1.8 at 14:00
#: Daily mean temperatures, cycling [°C]; the diurnal swing has a mean of 0.
T_CYCLE = (20.0, 24.0, 28.0, 22.0, 26.0, 30.0)
SWING = 3.0 * np.sin(2 * np.pi * (Q - 36) / 96)
START = pd.Timestamp("2025-03-03")  # a Monday


def heat_level(t: float) -> float:
    """Daily mean heating load [MW] at a daily mean temperature t [°C]."""
    return 40.0 - t


def cool_level(t: float) -> float:
    """Daily mean cooling load [MW] at a daily mean temperature t [°C]."""
    return -36.0 + 2.0 * t


def synthetic(n_days: int = 28, *, pv: bool = False) -> pd.DataFrame:
    """Days from Monday 2025-03-03: known weekly shapes and a linear temperature response."""
    parts = []
    for k in range(n_days):
        day = START + pd.Timedelta(days=k)
        weekend = day.day_of_week >= 5
        t = T_CYCLE[k % len(T_CYCLE)]
        frame = {
            "el": EL_WE if weekend else EL_WD,
            "heat": (G_WE if weekend else G_WD) * heat_level(t),
            "cool": H_COOL * cool_level(t),
            "temp": t + SWING,
        }
        if pv:
            frame["pv"] = (0.2 + 0.1 * (k % 3)) * np.sin(np.pi * Q / 96)
        parts.append(pd.DataFrame(frame, index=pd.date_range(day, periods=96, freq="15min")))
    return pd.concat(parts)


# --- shape and weather: exact reproduction ---------------------------------------------------


def test_weekday_reproduces_shape_and_temperature_response() -> None:
    h = synthetic()  # Mon 2025-03-03 .. Sun 2025-03-30
    f = forecast_day(h, dt.date(2025, 3, 31))  # a Monday
    # the last day, 2025-03-30 (day 27), has a mean of T_CYCLE[27 % 6] = 22 °C (persistence)
    assert f.method["temp"]["source_date"] == "2025-03-30"
    assert f.method["temp"]["mean"] == pytest.approx(22.0)
    # hand check: heat at 00:00 = 1.5 x (40 - 22) = 27 MW; cool at 14:00 = 1.8 x (2 x 22 - 36)
    # = 14.4 MW; el is the weekday shape, 15 MW at 12:00
    assert f.heat[0] == pytest.approx(27.0)
    assert f.cool[56] == pytest.approx(14.4)
    assert f.el[48] == pytest.approx(15.0)
    np.testing.assert_allclose(f.el, EL_WD, rtol=1e-12)
    np.testing.assert_allclose(f.heat, G_WD * 18.0, rtol=1e-12)
    np.testing.assert_allclose(f.cool, H_COOL * 8.0, rtol=1e-12)

    heat = f.method["heat"]
    assert heat["days"] == 20 and heat["day_type"] == "weekday"
    w = heat["weather"]
    assert w["applied"] and w["days"] == 20
    assert w["slope"] == pytest.approx(-1.0)
    assert w["intercept"] == pytest.approx(40.0)
    assert w["r2"] == pytest.approx(1.0)
    assert w["assumed_mean_temp"] == pytest.approx(22.0)
    assert w["predicted_mean"] == pytest.approx(18.0)
    c = f.method["cool"]["weather"]
    assert (c["slope"], c["intercept"]) == (pytest.approx(2.0), pytest.approx(-36.0))
    assert f.method["el"]["weather"] == {"applied": False, "reason": "not temperature-adjusted"}
    assert f.method["window"] == ["2025-03-03", "2025-03-30"]
    assert json.loads(json.dumps(f.method)) == f.method  # plain values, for the record


def test_forecast_shape_index_and_immutability() -> None:
    f = forecast_day(synthetic(), dt.date(2025, 3, 31))
    assert isinstance(f, Forecast)
    assert f.index.dtype == np.dtype("datetime64[s]") and len(f.index) == 96
    assert f.index[0] == np.datetime64("2025-03-31T00:00:00")
    assert f.index[-1] == np.datetime64("2025-03-31T23:45:00")
    assert f.pv is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.el = f.heat  # type: ignore[misc]
    with pytest.raises(ValueError):
        f.el[0] = 0.0


def test_weekend_differs_from_weekday() -> None:
    h = synthetic()
    f = forecast_day(h[h.index < "2025-03-30"], dt.date(2025, 3, 30))  # a Sunday
    # weekends in the window 2025-03-02 .. 2025-03-29: 8, 9, 15, 16, 22, 23, 29 March
    assert f.method["day_type"] == "weekend"
    assert f.method["el"]["days"] == 7 and f.method["el"]["day_type"] == "weekend"
    np.testing.assert_allclose(f.el, EL_WE, rtol=1e-12)
    # persistence of Saturday 2025-03-29 (day 26): T_CYCLE[26 % 6] = 28 °C; 7 regression days
    assert f.method["temp"]["source_date"] == "2025-03-29"
    assert f.method["heat"]["weather"]["days"] == 7
    np.testing.assert_allclose(f.heat, G_WE * heat_level(28.0), rtol=1e-12)
    assert f.heat[0] == pytest.approx(0.7 * 12.0)


def test_too_few_same_type_days_falls_back_to_any_type() -> None:
    # weeks=1: the 7 days before Saturday 2025-03-29 hold 2 weekend days (22, 23 March)
    f = forecast_day(synthetic(), dt.date(2025, 3, 29), weeks=1)
    assert f.method["el"]["day_type"] == "any" and f.method["el"]["days"] == 7
    np.testing.assert_allclose(f.el, (5 * EL_WD + 2 * EL_WE) / 7, rtol=1e-12)


def test_fewer_than_7_regression_days_means_no_adjustment() -> None:
    h = synthetic()
    f = forecast_day(h, dt.date(2025, 3, 31), weeks=1)  # 5 weekdays in the window
    w = f.method["heat"]["weather"]
    assert not w["applied"] and w["days"] == 5 and "at least 7" in w["reason"]
    mean_level = np.mean([heat_level(T_CYCLE[k % 6]) for k in range(21, 26)])  # 24-28 March
    np.testing.assert_allclose(f.heat, G_WD * mean_level, rtol=1e-12)


def test_no_temperature_column() -> None:
    f = forecast_day(synthetic().drop(columns="temp"), dt.date(2025, 3, 31))
    assert f.temp is None and f.method["temp"] is None
    assert f.method["heat"]["weather"] == {"applied": False, "reason": "no temperature"}


def test_prediction_never_below_zero_and_loads_clipped() -> None:
    h = synthetic()
    h.loc["2025-03-30", "temp"] = 5.0  # a cold snap: the cooling line gives 2 x 5 - 36 < 0
    f = forecast_day(h, dt.date(2025, 3, 31))
    assert f.method["cool"]["weather"]["predicted_mean"] == 0.0
    assert np.all(f.cool == 0.0)
    assert f.method["heat"]["weather"]["predicted_mean"] == pytest.approx(35.0)
    h = synthetic()
    h.loc[h.index.hour == 3, "heat"] = -5.0  # a bad meter: negative heat at 03:00
    f = forecast_day(h, dt.date(2025, 3, 31))
    assert f.heat.min() >= 0.0


# --- gaps ------------------------------------------------------------------------------------


def test_day_with_more_than_10_percent_missing_is_skipped() -> None:
    h = synthetic()
    h.loc["2025-03-12 08:00":"2025-03-12 10:15", "el"] = np.nan  # 10 steps = 10.4 %
    h = h.drop(h.loc["2025-03-19 00:00":"2025-03-19 02:00"].index)  # 9 absent steps = 9.4 %
    f = forecast_day(h, dt.date(2025, 3, 31))
    el = f.method["el"]
    assert el["days"] == 19 and "2025-03-12" not in el["dates"]
    assert el["skipped"] == ["2025-03-12"]
    assert "2025-03-19" in el["dates"] and el["interpolated_steps"] == 9
    assert f.method["heat"]["days"] == 20 and f.method["heat"]["interpolated_steps"] == 9
    assert f.method["heat"]["skipped"] == []


def test_missing_steps_are_interpolated_within_the_day() -> None:
    # every weekday el = step number (0..95); linear interpolation restores an inside gap
    # exactly, a missing first step repeats the next valid value (1)
    h = synthetic()
    h["el"] = np.tile(Q.astype(float), 28)
    h.loc["2025-03-26 12:00", "el"] = np.nan  # step 48 of a Wednesday
    h.loc["2025-03-27 00:00", "el"] = np.nan  # step 0 of a Thursday
    f = forecast_day(h, dt.date(2025, 3, 31))
    assert f.method["el"]["interpolated_steps"] == 2
    assert f.el[48] == pytest.approx(48.0)
    assert f.el[0] == pytest.approx(1.0 / 20)  # (19 x 0 + 1) / 20 weekdays
    np.testing.assert_allclose(f.el[1:], Q[1:], rtol=1e-12)


def test_too_little_history_names_the_series() -> None:
    h = synthetic()
    with pytest.raises(InputError, match=r"el: only 2 usable day\(s\)"):
        forecast_day(h[h.index < "2025-03-05"], dt.date(2025, 3, 5))
    h["heat"] = np.nan
    with pytest.raises(InputError, match=r"^heat: only 0 usable day"):
        forecast_day(h, dt.date(2025, 3, 31))
    h = synthetic(pv=True)
    h.loc["2025-03-24":"2025-03-28", "pv"] = np.nan
    with pytest.raises(InputError, match=r"^pv: only 2 usable day\(s\) in the 7 days"):
        forecast_day(h, dt.date(2025, 3, 31))


# --- temperature persistence -----------------------------------------------------------------


def test_temperature_persists_the_last_complete_day() -> None:
    h = synthetic()
    f = forecast_day(h, dt.date(2025, 3, 31))
    np.testing.assert_allclose(f.temp, 22.0 + SWING, rtol=1e-12)
    # the last day's temperature is incomplete: the day before (26 °C) persists
    h.loc["2025-03-30 12:00":"2025-03-30 15:00", "temp"] = np.nan  # 13 steps
    f = forecast_day(h, dt.date(2025, 3, 31))
    assert f.method["temp"]["source_date"] == "2025-03-29"
    np.testing.assert_allclose(f.temp, 28.0 + SWING, rtol=1e-12)
    np.testing.assert_allclose(f.heat, G_WD * heat_level(28.0), rtol=1e-12)


def test_temperature_older_than_the_window_is_not_used() -> None:
    h = synthetic()
    h.loc["2025-03-10":, "temp"] = np.nan  # the sensor failed on 10 March
    f = forecast_day(h, dt.date(2025, 3, 31), weeks=2)  # window 17-30 March
    assert f.temp is None and f.method["temp"] is None
    assert f.method["heat"]["weather"]["reason"] == "no temperature"
    f = forecast_day(h, dt.date(2025, 3, 31))  # window 3-30 March: 9 March persists
    assert f.method["temp"]["source_date"] == "2025-03-09"
    # 5 weekdays with a temperature (3-7 March): fewer than 7, no regression
    assert f.method["heat"]["weather"]["days"] == 5


def test_days_before_the_history_are_not_listed_as_skipped() -> None:
    h = synthetic()
    f = forecast_day(h[h.index >= "2025-03-17"], dt.date(2025, 3, 31))
    assert f.method["el"]["days"] == 10 and f.method["el"]["skipped"] == []


def test_hourly_temperature_is_forward_filled() -> None:
    h = synthetic()
    h.loc[h.index.minute != 0, "temp"] = np.nan  # hourly readings only
    f = forecast_day(h, dt.date(2025, 3, 31))
    hourly = 22.0 + SWING[::4]
    np.testing.assert_allclose(f.temp, np.repeat(hourly, 4), rtol=1e-12)
    assert f.method["temp"]["mean"] == pytest.approx(hourly.mean())


# --- PV ----------------------------------------------------------------------------------------


def test_pv_is_the_mean_of_the_last_7_days_clipped() -> None:
    h = synthetic(pv=True)
    h.loc["2025-03-30 12:00", "pv"] = 9.0  # a spike: clipped to 1
    h.loc["2025-03-30 00:00":"2025-03-30 00:45", "pv"] = -0.5  # night tare: mean < 0 → 0
    f = forecast_day(h, dt.date(2025, 3, 31))
    assert f.method["pv"]["days"] == 7 and f.method["pv"]["dates"][0] == "2025-03-24"
    # days 21..27: clearness 0.2 + 0.1 x (k % 3) = 0.2, 0.3, 0.4, 0.2, 0.3, 0.4, 0.2
    clear = np.mean([0.2 + 0.1 * (k % 3) for k in range(21, 28)])
    expected = clear * np.sin(np.pi * Q / 96)
    assert f.pv[48] == 1.0
    assert np.all(f.pv[:4] == 0.0)
    np.testing.assert_allclose(f.pv[4:48], expected[4:48], rtol=1e-12)
    np.testing.assert_allclose(f.pv[49:], expected[49:], rtol=1e-12)


# --- input errors ------------------------------------------------------------------------------


def test_bad_input() -> None:
    h = synthetic()
    with pytest.raises(InputError, match="time zone"):
        forecast_day(h.tz_localize("Asia/Shanghai"), dt.date(2025, 3, 31))
    with pytest.raises(InputError, match="no column cool"):
        forecast_day(h.drop(columns="cool"), dt.date(2025, 3, 31))
    with pytest.raises(InputError, match="not on the"):
        forecast_day(h.set_axis(h.index + pd.Timedelta(minutes=5)), dt.date(2025, 3, 31))
    with pytest.raises(InputError, match="time of day"):
        forecast_day(h, dt.datetime(2025, 3, 31, 6))
    with pytest.raises(InputError, match="divide a day"):
        forecast_day(h, dt.date(2025, 3, 31), step="7min")
    with pytest.raises(InputError, match="weeks"):
        forecast_day(h, dt.date(2025, 3, 31), weeks=0)
    with pytest.raises(InputError, match="no data before"):
        forecast_day(h, dt.date(2025, 3, 1))


def test_hourly_step() -> None:
    h = synthetic()
    hourly = h[h.index.minute == 0]
    f = forecast_day(hourly, dt.date(2025, 3, 31), step="1h")
    assert len(f.index) == 24
    np.testing.assert_allclose(f.el, EL_WD[::4], rtol=1e-12)


# --- forecast_error ----------------------------------------------------------------------------


def test_forecast_error_by_hand() -> None:
    h = synthetic()
    f1 = forecast_day(h, dt.date(2025, 3, 31))
    idx = pd.DatetimeIndex(f1.index)
    actual = pd.DataFrame({"el": EL_WD * 0.8, "heat": np.zeros(96)}, index=idx)
    e = forecast_error(f1, actual)
    assert e["el_mape"] == pytest.approx(25.0)
    # RMSE = 0.2 x rms(EL_WD); mean actual = 0.8 x 10
    assert e["el_nrmse"] == pytest.approx(0.2 * np.sqrt(np.mean(EL_WD**2)) / 8.0 * 100)
    assert math.isnan(e["heat_mape"]) and math.isnan(e["heat_nrmse"])
    assert "cool_mape" not in e and "pv_mape" not in e
    # two days: 25 % and 0 % → 12.5 %; a NaN step is left out of both sides
    h2 = synthetic(35)
    f2 = forecast_day(h2, dt.date(2025, 4, 1))
    both = pd.concat([actual, pd.DataFrame({"el": EL_WD}, index=pd.DatetimeIndex(f2.index))])
    both.iloc[100, 0] = np.nan
    assert forecast_error([f1, f2], both)["el_mape"] == pytest.approx(12.5)


# --- backtest on a real load ---------------------------------------------------------------


def steel_history() -> pd.DataFrame:
    """The real 2018 load of a steel plant (UCI #851, tests/data/ledger/README.md) [MW].

    Row i is the 15-min interval starting 2018-01-01 00:00 + 15 min x i; kWh per 15 min x 4 /
    1000 = MW. The plant has no heating or cooling meter: ``heat`` and ``cool`` are 0.
    """
    kwh = pd.read_csv(STEEL, usecols=["Usage_kWh"])["Usage_kWh"].to_numpy()
    assert len(kwh) == 365 * 96
    index = pd.date_range("2018-01-01", periods=len(kwh), freq="15min")
    return pd.DataFrame({"el": kwh * 4 / 1000, "heat": 0.0, "cool": 0.0}, index=index)


def test_backtest_real_steel_load_week() -> None:
    """Forecast Mon 2018-05-28 .. Sun 2018-06-03 one day at a time from the days before.

    Measured: daily-energy MAPE 53.1 % (weekdays 28.9 %, weekend 113 %); nRMSE 73.1 %. The
    week is the median of the 47 Monday-to-Sunday weeks from 2018-02-05 to 2018-12-30 (weekly
    MAPE 13.5-581 %, median 53.1 %; weekly weekday MAPE median 16.4 %). The weekend is poor
    for this plant because Saturday uses about twice Sunday's energy and the method pools
    them. Bounds: the measured values x 1.2.
    """
    h = steel_history()
    days = pd.date_range("2018-05-28", periods=7)
    forecasts = [forecast_day(h, d.date()) for d in days]
    assert all(f.method["el"]["days"] == (20 if i < 5 else 8) for i, f in enumerate(forecasts))
    actual = h[["el"]]
    e = forecast_error(forecasts, actual)
    assert set(e) == {"el_mape", "el_nrmse"}
    assert e["el_mape"] < 53.1 * 1.2
    assert forecast_error(forecasts[:5], actual)["el_mape"] < 28.9 * 1.2
    assert e["el_nrmse"] < 73.1 * 1.2
