"""Annual assessment (HJ 663-2013) and multi-station daily AQI.

Validity boundaries are standards.md §2.1 / §9.2 (324 days, 27 per month, 25 in February);
the comprehensive-index example is standards.md §1.5 (21/35 + 39/70 + 9/60 + 15/40 +
192/160 + 0.7/4 = 3.06). Percentile examples are computed by hand below.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from greenpark.errors import InputError
from greenpark.standards.air import (
    POLLUTANTS,
    AnnualAssessment,
    annual_assessment,
    daily_aqi,
    daily_statistics,
    hj663_percentile,
)

TZ = "Asia/Shanghai"
FULL = {m: 31 for m in range(1, 13)}  # more than any month has: every day valid


def _daily(
    counts: dict[int, int] | None = None,
    *,
    year: int = 2025,
    values: dict[str, float] | None = None,
) -> pd.DataFrame:
    """A year of daily rows; in month m only the first ``counts[m]`` days are valid."""
    counts = FULL if counts is None else counts
    values = values or {"pm2_5": 30.0, "pm10": 60.0, "so2": 10.0, "no2": 30.0, "co": 0.8,
                        "o3_8h": 120.0, "aqi": 80.0}  # fmt: skip
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D", tz=TZ, name="date")
    valid = np.asarray(days.day <= np.array([counts.get(m, 0) for m in days.month]))
    return pd.DataFrame({k: np.where(valid, v, np.nan) for k, v in values.items()}, index=days)


# --- validity rules at their boundaries (standards.md §2.1, §9.2) ---------------------------

# 11 months x 27 + February 25 = 322 valid days; January carries the rest.
MINIMAL = {m: 27 for m in range(1, 13)} | {2: 25}


@pytest.mark.parametrize(("january", "total", "ok"), [(28, 323, False), (29, 324, True)])
def test_324_days_per_year(january: int, total: int, ok: bool) -> None:
    result = annual_assessment(_daily(MINIMAL | {1: january}))
    table = result.pollutants
    assert (table["n_days"] == total).all()
    assert (table["valid"] == ok).all()
    if ok:
        assert (table["reason"] == "").all()
    else:
        assert (table["reason"] == "323 valid days < 324").all()
    assert result.comprehensive_index_valid is ok


@pytest.mark.parametrize(("april", "ok"), [(26, False), (27, True)])
def test_27_days_per_month(april: int, ok: bool) -> None:
    result = annual_assessment(_daily(FULL | {4: april}))
    table = result.pollutants
    assert (table["n_days"] >= 324).all()  # only the month rule can fail
    assert (table["valid"] == ok).all()
    assert set(table["reason"]) == ({""} if ok else {"month 04: 26 valid days < 27"})


@pytest.mark.parametrize(("february", "ok"), [(24, False), (25, True)])
def test_25_days_in_february(february: int, ok: bool) -> None:
    table = annual_assessment(_daily(FULL | {2: february})).pollutants
    assert (table["valid"] == ok).all()
    assert set(table["reason"]) == ({""} if ok else {"month 02: 24 valid days < 25"})


def test_invalid_statistic_still_computed_and_not_judged() -> None:
    daily = _daily(FULL | {7: 0})
    daily.loc[daily.index.month == 1, "pm2_5"] = 90.0  # January dirtier
    row = annual_assessment(daily).pollutants.loc["pm2_5"]
    assert not row["valid"] and row["reason"] == "month 07: 0 valid days < 27"
    assert row["n_days"] == 365 - 31
    assert row["value"] == pytest.approx((31 * 90 + (365 - 62) * 30) / (365 - 31))
    assert pd.isna(row["compliant"])


# --- percentiles: HJ 663 rank method, hand-computed -----------------------------------------


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        # n = 10, sorted 1..10: k = 1 + 9 * 0.95 = 9.55 -> X(9) + 0.55 (X(10) - X(9)) = 9.55
        (95, 9.55),
        # k = 1 + 9 * 0.90 = 9.1 -> 9 + 0.1 * 1 = 9.1
        (90, 9.1),
        # k = 1 + 9 * 0.5 = 5.5 -> 5 + 0.5 * 1 = 5.5
        (50, 5.5),
        (0, 1.0),
        (100, 10.0),
    ],
)
def test_percentile_hand_computed(p: float, expected: float) -> None:
    assert hj663_percentile([5, 1, 9, 3, 7, 2, 8, 4, 10, 6], p) == pytest.approx(expected)


def test_percentile_uneven_series_and_nan() -> None:
    # sorted 0.4 0.6 0.7 0.9 1.5 (n = 5); P95: k = 1 + 4 * 0.95 = 4.8, s = 4,
    # m = 0.9 + 0.8 * (1.5 - 0.9) = 1.38. NaN days are not valid and are dropped.
    assert hj663_percentile([0.9, np.nan, 0.4, 1.5, 0.7, 0.6], 95) == pytest.approx(1.38)
    # P90 of 11 values 0, 10, ..., 100: k = 1 + 10 * 0.9 = 10 (integer) -> X(10) = 90
    assert hj663_percentile(np.arange(0, 101, 10), 90) == 90
    assert hj663_percentile(pd.Series([42.0]), 90) == 42
    assert math.isnan(hj663_percentile([np.nan, np.nan], 90))
    assert math.isnan(hj663_percentile([], 95))
    with pytest.raises(InputError, match="between 0 and 100"):
        hj663_percentile([1.0], 101)


def test_percentile_equals_numpy_linear() -> None:
    rng = np.random.default_rng(663)
    for n in (1, 2, 7, 300, 365):
        x = rng.lognormal(4, 0.5, n)
        for p in (90, 95, 33.3):
            assert hj663_percentile(x, p) == pytest.approx(np.percentile(x, p, method="linear"))


def test_co_p95_and_o3_p90_in_assessment() -> None:
    daily = _daily()
    ramp = np.arange(1, len(daily) + 1, dtype=float)  # 1 .. 365
    daily["co"] = ramp / 100
    daily["o3_8h"] = ramp
    table = annual_assessment(daily).pollutants
    # n = 365: P95 k = 1 + 364 * 0.95 = 346.8 -> 346.8; P90 k = 1 + 364 * 0.9 = 328.6
    assert table.loc["co", "value"] == pytest.approx(3.468)
    assert table.loc["o3", "value"] == pytest.approx(328.6)
    assert table.loc["co", "statistic"] == "p95_24h"
    assert table.loc["o3", "statistic"] == "p90_max_8h"
    assert table.loc["o3", "unit"] == "μg/m³" and table.loc["co", "unit"] == "mg/m³"


# --- good-day ratio --------------------------------------------------------------------------


def test_good_day_ratio() -> None:
    daily = _daily()
    aqi = np.tile([50.0, 100.0, 101.0, np.nan, 200.0], 73)  # 365 days: 292 valid, 146 good
    daily["aqi"] = aqi
    result = annual_assessment(daily)
    assert result.valid_days == 292 and result.good_days == 146
    assert result.good_day_ratio == pytest.approx(50.0)
    no_aqi = annual_assessment(daily.drop(columns="aqi"))
    assert no_aqi.valid_days == 0 and math.isnan(no_aqi.good_day_ratio)


# --- comprehensive index: standards.md §1.5 worked example -----------------------------------


def test_comprehensive_index_worked_example_1_5() -> None:
    values = {"pm2_5": 21.0, "pm10": 39.0, "so2": 9.0, "no2": 15.0, "co": 0.7, "o3_8h": 192.0,
              "aqi": 60.0}  # fmt: skip
    result = annual_assessment(_daily(values=values, year=2022))
    assert isinstance(result, AnnualAssessment)
    assert result.standard == "2012" and result.year == 2022
    table = result.pollutants
    assert list(table.index) == list(POLLUTANTS)
    assert list(table["limit"]) == [35, 70, 60, 40, 4, 160]
    expected = 21 / 35 + 39 / 70 + 9 / 60 + 15 / 40 + 192 / 160 + 0.7 / 4
    assert result.comprehensive_index == pytest.approx(expected)
    assert round(result.comprehensive_index, 2) == 3.06
    assert result.comprehensive_index_valid
    assert table.loc["o3", "index"] == pytest.approx(1.2)
    assert list(table["compliant"]) == [True, True, True, True, True, False]  # O3 192 > 160
    summary = result.to_series()
    assert summary["comprehensive_index"] == pytest.approx(expected)
    assert summary["o3"] == 192 and summary["o3_valid"]


def test_comprehensive_index_2026_limits() -> None:
    values = {"pm2_5": 21.0, "pm10": 39.0, "so2": 9.0, "no2": 15.0, "co": 0.7, "o3_8h": 192.0}
    result = annual_assessment(_daily(values=values, year=2027))
    assert result.standard == "2026"
    # GB 3095-2026 phase 1 grade II (standards.md §2.3): PM2.5 30, PM10 60 [U].
    assert list(result.pollutants["limit"]) == [30, 60, 60, 40, 4, 160]
    forced = annual_assessment(_daily(values=values, year=2027), standard="2012")
    assert forced.comprehensive_index == pytest.approx(3.0571428571)


# --- NaN handling, year selection, errors ----------------------------------------------------


def test_missing_column_and_nan_days() -> None:
    daily = _daily().drop(columns="so2")
    daily.iloc[::10, daily.columns.get_loc("pm10")] = np.nan  # 37 invalid days, spread out
    result = annual_assessment(daily)
    table = result.pollutants
    assert not table.loc["so2", "valid"] and table.loc["so2", "reason"] == "no column 'so2'"
    assert math.isnan(table.loc["so2", "value"]) and pd.isna(table.loc["so2", "compliant"])
    assert math.isnan(result.comprehensive_index) and not result.comprehensive_index_valid
    assert table.loc["pm10", "n_days"] == 365 - 37 and table.loc["pm10", "valid"]
    assert table.loc["pm10", "value"] == 60.0


def test_year_selection_and_errors() -> None:
    two = pd.concat([_daily(year=2024), _daily(year=2025, values={"pm2_5": 50.0})])
    with pytest.raises(InputError, match=r"spans years \[2024, 2025\]"):
        annual_assessment(two)
    assert annual_assessment(two, year=2025).pollutants.loc["pm2_5", "value"] == 50.0
    leap = annual_assessment(two, year=2024)
    assert leap.pollutants.loc["pm2_5", "n_days"] == 366
    empty = annual_assessment(two, year=2030)
    assert not empty.pollutants["valid"].any()
    assert empty.pollutants.loc["pm2_5", "reason"].startswith("0 valid days < 324")
    with pytest.raises(InputError, match="auto, 2012, 2026"):
        annual_assessment(_daily(), standard="2020")
    with pytest.raises(InputError, match="DatetimeIndex"):
        annual_assessment(_daily().reset_index())
    with pytest.raises(InputError, match="same day"):
        annual_assessment(pd.concat([_daily(), _daily()]))


def test_pipeline_hourly_to_annual() -> None:
    hours = pd.date_range("2025-01-01 01:00", "2026-01-01 00:00", freq="h", tz=TZ)
    hourly = pd.DataFrame({"pm2_5": 80.0, "pm10": 180.0, "o3": 140.0}, index=hours)
    daily = daily_aqi(hourly, standard="2012")
    assert len(daily) == 365
    result = annual_assessment(daily)
    assert result.pollutants.loc["pm2_5", "value"] == 80.0
    assert result.pollutants.loc["o3", "value"] == 140.0
    assert result.valid_days == 365 and result.good_days == 0  # AQI 115 every day


# --- several stations ------------------------------------------------------------------------


def _station_hours(seed: int, start: str = "2026-02-27 01:00") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=24 * 4, freq="h", tz=TZ)
    frame = pd.DataFrame({p: rng.lognormal(3.5, 0.6, len(index)) for p in POLLUTANTS}, index=index)
    frame["co"] /= 30
    frame.iloc[rng.choice(len(index), 10, replace=False), 0] = np.nan
    return frame


def test_daily_aqi_several_stations_equals_per_station_calls() -> None:
    # Spans the 2026-03-01 switch, so per-day versions are exercised too.
    a, b = _station_hours(1), _station_hours(2, start="2026-02-28 01:00")
    stacked = pd.concat([b.assign(station="B"), a.assign(station="A")])
    result = daily_aqi(stacked)
    assert result.index.names == ["station", "date"]
    assert list(result.index.get_level_values("station").unique()) == ["A", "B"]
    for name, frame in (("A", a), ("B", b)):
        pd.testing.assert_frame_equal(result.loc[name], daily_aqi(frame), check_names=False)
    assert set(result["standard"]) == {"2012", "2026"}

    # The same with a (station, time) MultiIndex.
    multi = stacked.set_index("station", append=True).swaplevel()
    pd.testing.assert_frame_equal(daily_aqi(multi), result)
    stats = daily_statistics(multi)
    pd.testing.assert_frame_equal(stats.loc["A"], daily_statistics(a), check_names=False)


def test_one_station_unchanged_without_station() -> None:
    a = _station_hours(3)
    result = daily_aqi(a)
    assert result.index.name == "date" and not isinstance(result.index, pd.MultiIndex)
    with pytest.raises(InputError, match="empty"):
        daily_aqi(a.iloc[:0].assign(station="A"))
