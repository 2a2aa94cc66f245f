"""``greenpark.standards.air``: test vectors of standards.md §9.1-9.2, tables, shapes, names.

standards.md is ``../shared/reference/standards.md`` (research note; its §9 vectors are
computed from HJ 633-2012 / HJ 633-2026 table 1, † marks ones from public test suites).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenpark.errors import InputError
from greenpark.standards import _air_tables
from greenpark.standards.air import (
    PERIODS,
    POLLUTANTS,
    aqi_categories,
    aqi_level,
    daily_aqi,
    daily_statistics,
    gb3095_limit,
    hourly_aqi,
    iaqi,
)

B = ("2012", "2026")

# standards.md §9.1, IAQI/AQI table: (row, standards, pollutant, period, concentration, IAQI)
VECTORS_9_1 = [
    (1, B, "pm2_5", "24h", 0, 0),
    (2, B, "pm2_5", "24h", 35, 50),
    (3, ("2012",), "pm2_5", "24h", 75, 100),
    (4, ("2026",), "pm2_5", "24h", 75, 114),
    (5, ("2026",), "pm2_5", "24h", 60, 100),
    (6, ("2012",), "pm2_5", "24h", 80, 107),
    (7, ("2026",), "pm2_5", "24h", 80, 119),
    (8, B, "pm2_5", "24h", 120, 158),
    (9, B, "pm2_5", "24h", 10, 15),
    (10, ("2026",), "pm2_5", "1h", 59, 98),
    (11, ("2012",), "pm10", "24h", 180, 115),
    (12, ("2026",), "pm10", "24h", 180, 124),
    (13, ("2026",), "pm10", "24h", 150, 112),
    (14, B, "pm2_5", "24h", 500, 500),
    (14, B, "pm2_5", "24h", 600, 500),
    (15, B, "so2", "24h", 200, 108),
    (16, B, "so2", "24h", 475, 150),
    (17, B, "so2", "1h", 600, 134),
    (18, B, "no2", "24h", 100, 110),
    (19, B, "no2", "1h", 250, 105),
    (20, B, "no2", "1h", 200, 100),
    (21, B, "co", "24h", 1.0, 25),
    (22, B, "co", "24h", 4, 100),
    (23, B, "co", "1h", 12, 104),
    (24, B, "o3", "8h", 200, 137),
    (25, B, "o3", "8h", 160, 100),
    (26, B, "o3", "1h", 250, 125),
    (28, ("2026",), "so2", "1h", 900, 200),
    (29, ("2026",), "o3", "8h", 900, 300),
    (30, ("2026",), "pm2_5", "24h", 60.5, 100),
    (31, ("2026",), "pm2_5", "24h", 60.6, 101),
]
CASES_9_1 = [
    pytest.param(std, p, per, c, want, id=f"9.1#{row}-{std}-{p}-{per}-{c}")
    for row, stds, p, per, c, want in VECTORS_9_1
    for std in stds
]


@pytest.mark.parametrize(("standard", "pollutant", "period", "conc", "expected"), CASES_9_1)
def test_iaqi_vectors_9_1(
    standard: str, pollutant: str, period: str, conc: float, expected: int
) -> None:
    assert iaqi(conc, pollutant, period, standard=standard) == expected


def test_iaqi_vector_9_1_row_27_so2_1h_above_800_2012() -> None:
    """§9.1 #27: 2012, SO2 1h 801 is not indexed; the hourly AQI uses the SO2 24h IAQI."""
    assert math.isnan(iaqi(801, "so2", "1h", standard="2012"))
    out = hourly_aqi({"so2": [801.0], "so2_24h": [200.0], "pm2_5": [10.0]}, standard="2012")
    assert out["iaqi_so2"].iloc[0] == 108  # SO2 24h 200 -> 108 (§9.1 #15)
    assert out["aqi"].iloc[0] == 108
    alone = hourly_aqi({"so2": [801.0], "pm2_5": [10.0]}, standard="2012")
    assert math.isnan(alone["aqi"].iloc[0])  # undetermined without the 24-h mean


def test_over_800_nan_rule_is_selectable() -> None:
    assert math.isnan(iaqi(900, "so2", "1h", standard="2026", over_800="nan"))
    assert iaqi(800, "so2", "1h", standard="2012") == 200
    assert iaqi(800, "o3", "8h", standard="2012") == 300


# standards.md §9.1 daily examples A-D: (row, standard, 24h means + O3 8h, IAQIs, AQI,
# primary, category)
DAILY_9_1 = [
    ("A", "2012", (80, 180, 30, 50, 1.2, 140), (107, 115, 30, 63, 30, 84), 115, "pm10", "轻度污染"),
    ("B", "2026", (80, 180, 30, 50, 1.2, 140), (119, 124, 30, 63, 30, 84), 124, "pm10", "轻度污染"),
    ("C", "2012", (35, 50, 50, 40, 2, 100), (50, 50, 50, 50, 50, 50), 50, None, "优"),
    ("D", "2026", (120, 180, 65, 150, 1.0, 200), (158, 124, 58, 135, 25, 137), 158, "pm2_5",
     "中度污染"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("standard", "conc", "iaqis", "aqi", "primary", "category"),
    [pytest.param(*row[1:], id=f"9.1-daily-{row[0]}") for row in DAILY_9_1],
)
def test_daily_examples_9_1(
    standard: str,
    conc: tuple[float, ...],
    iaqis: tuple[int, ...],
    aqi: int,
    primary: str | None,
    category: str,
) -> None:
    got = [
        iaqi(c, p, "8h" if p == "o3" else "24h", standard=standard)
        for c, p in zip(conc, POLLUTANTS, strict=True)
    ]
    assert got == list(iaqis)
    # The same through the row-wise machinery with 24-h columns (hourly_aqi treats PM the
    # same way; the other pollutants go through iaqi above).
    out = hourly_aqi({"pm2_5": [conc[0]], "pm10": [conc[1]]}, standard=standard)
    assert list(out[["iaqi_pm2_5", "iaqi_pm10"]].iloc[0]) == list(iaqis[:2])
    assert max(got) == aqi
    assert aqi_categories().loc[int(aqi_level(aqi)), "category_zh"] == category
    winners = {p for p, v in zip(POLLUTANTS, got, strict=True) if v == aqi and aqi > 50}
    assert winners == ({primary} if primary else set())


def test_hourly_example_9_1_high() -> None:
    """§9.1 hourly example † (aqi-hub test_cal_aqi_cn_hourly_high), 2012 tables."""
    out = hourly_aqi(
        {"pm2_5": [250], "pm10": [350], "so2": [650], "no2": [700], "co": [35], "o3": [300]},
        standard="2012",
    ).iloc[0]
    assert [out[f"iaqi_{p}"] for p in POLLUTANTS] == [300, 200, 150, 150, 150, 150]
    assert out["aqi"] == 300
    assert out["primary_pollutant"] == "pm2_5"
    assert out["category"] == "重度污染"
    assert out["level"] == 5
    assert out["exceeding_pollutants"] == "pm2_5,pm10,so2,no2,co,o3"


@pytest.mark.parametrize(
    ("aqi", "category"),
    [(50, "优"), (51, "良"), (100, "良"), (101, "轻度污染"), (150, "轻度污染"),
     (151, "中度污染"), (200, "中度污染"), (201, "重度污染"), (300, "重度污染"),
     (301, "严重污染"), (500, "严重污染")],
)  # fmt: skip
def test_category_boundaries_9_1(aqi: int, category: str) -> None:
    out = hourly_aqi({"o3": [float(aqi) / 50 * 160 if aqi <= 50 else np.nan]}, standard="2012")
    if aqi <= 50:
        assert out["category"].iloc[0] == "优"
    level = aqi_level(aqi)
    assert aqi_categories().loc[int(level), "category_zh"] == category


def test_primary_pollutant_ties_and_none() -> None:
    out = hourly_aqi(
        {"pm2_5": [75.0, 35.0, np.nan], "pm10": [150.0, 50.0, np.nan]}, standard="2012"
    )
    assert out["primary_pollutant"].iloc[0] == "pm2_5,pm10"
    assert pd.isna(out["primary_pollutant"].iloc[1])  # AQI 50: no primary pollutant
    assert math.isnan(out["aqi"].iloc[2])
    assert pd.isna(out["level"].iloc[2]) and pd.isna(out["category"].iloc[2])


def test_version_chosen_by_timestamp() -> None:
    times = pd.DatetimeIndex(["2026-02-28 23:00", "2026-03-01 00:00"]).tz_localize("Asia/Shanghai")
    out = hourly_aqi(pd.DataFrame({"pm2_5": [80.0, 80.0]}, index=times))
    assert list(out["standard"]) == ["2012", "2026"]
    assert list(out["aqi"]) == [107, 119]  # §9.1 #6, #7
    forced = hourly_aqi(pd.DataFrame({"pm2_5": [80.0, 80.0]}, index=times), standard="2012")
    assert list(forced["aqi"]) == [107, 107]
    utc = hourly_aqi({"pm2_5": [80.0]}, time=pd.DatetimeIndex(["2026-02-28 16:00Z"]))
    assert utc["standard"].iloc[0] == "2026"  # 2026-03-01 00:00 Beijing time


def test_auto_needs_aware_timestamps() -> None:
    with pytest.raises(InputError, match="needs timestamps"):
        hourly_aqi({"pm2_5": [10.0]})
    with pytest.raises(InputError, match="timezone-aware"):
        hourly_aqi({"pm2_5": [10.0]}, time=pd.DatetimeIndex(["2026-01-01"]))


# --- §9.2 data validity ------------------------------------------------------------------

DAY = pd.Timestamp("2026-01-05", tz="Asia/Shanghai")


def _hours(values: dict[str, list[float]]) -> pd.DataFrame:
    index = pd.date_range(DAY, periods=24, freq="h")
    return pd.DataFrame(values, index=index)


@pytest.mark.parametrize(("valid", "ok"), [(19, False), (20, True)])
def test_daily_mean_needs_20_hours_9_2(valid: int, ok: bool) -> None:
    values = [40.0] * valid + [np.nan] * (24 - valid)
    stats = daily_statistics(_hours({"pm2_5": values}), hour_label="start")
    assert stats["n_pm2_5"].iloc[0] == valid
    assert bool(stats["pm2_5"].iloc[0] == 40.0) is ok
    assert bool(math.isnan(stats["pm2_5"].iloc[0])) is not ok


@pytest.mark.parametrize(("valid", "ok"), [(5, False), (6, True)])
def test_o3_window_needs_6_hours_9_2(valid: int, ok: bool) -> None:
    # 24 hours of 50 except the first 8-h window (00-07), which holds `valid` hours of 300
    # and the rest missing: the window mean is 300 only if it is valid.
    values = [300.0] * valid + [np.nan] * (8 - valid) + [50.0] * 16
    stats = daily_statistics(_hours({"o3": values}), hour_label="start")
    assert bool(stats["o3_8h"].iloc[0] == 300.0) is ok


@pytest.mark.parametrize(("windows", "ok"), [(13, False), (14, True)])
def test_daily_max_8h_needs_14_windows_9_2(windows: int, ok: bool) -> None:
    # Valid hours 0..windows+4: the window starting at hour k holds >= 6 of them iff
    # k <= windows - 1, so exactly `windows` windows are valid.
    last = windows + 4
    values = [80.0 if h <= last else np.nan for h in range(24)]
    stats = daily_statistics(_hours({"o3": values}), hour_label="start")
    assert stats["n_o3_8h"].iloc[0] == windows
    assert bool(stats["o3_8h"].iloc[0] == 80.0) is ok


def test_daily_aqi_o3_8h_above_800_uses_1h_in_2012() -> None:
    values = [900.0] * 24
    out = daily_aqi(_hours({"o3": values}), hour_label="start", standard="2012")
    assert out["iaqi_o3"].iloc[0] == iaqi(900, "o3", "1h", standard="2012") == 350
    out26 = daily_aqi(_hours({"o3": values}), hour_label="start", standard="2026")
    assert out26["iaqi_o3"].iloc[0] == 300 and out26["standard"].iloc[0] == "2026"


def test_daily_aqi_end_labels_and_values() -> None:
    index = pd.date_range(DAY + pd.Timedelta(hours=1), periods=24, freq="h")
    frame = pd.DataFrame({"pm2_5": 80.0, "pm10": 180.0, "o3": 140.0}, index=index)
    out = daily_aqi(frame, standard="2012")
    assert len(out) == 1 and out.index[0] == DAY
    assert out["aqi"].iloc[0] == 115 and out["primary_pollutant"].iloc[0] == "pm10"


# --- tables against the printed standards (values quoted in standards.md §1-2) ------------


def test_breakpoint_table_against_printed_values() -> None:
    table = _air_tables.breakpoints()
    assert list(table[("2012", "so2", "24h")][0]) == [0, 50, 150, 475, 800, 1600, 2100, 2620]
    assert list(table[("2012", "pm2_5", "24h")][0]) == [0, 35, 75, 115, 150, 250, 350, 500]
    assert list(table[("2026", "pm2_5", "24h")][0]) == [0, 35, 60, 115, 150, 250, 350, 500]
    assert list(table[("2026", "pm10", "24h")][0]) == [0, 50, 120, 250, 350, 420, 500, 600]
    assert list(table[("2012", "o3", "8h")][0]) == [0, 100, 160, 215, 265, 800]
    assert list(table[("2012", "co", "1h")][0]) == [0, 5, 10, 35, 60, 90, 120, 150]
    # Only the PM columns changed in 2026 (standards.md §1.2).
    for (std, p, per), (conc, _) in table.items():
        if std == "2026" and p not in ("pm2_5", "pm10"):
            assert list(conc) == list(table[("2012", p, per)][0])


def test_tables_carry_provenance() -> None:
    for name in ("aqi_breakpoints.csv", "aqi_categories.csv", "gb3095_limits.csv"):
        for row in _air_tables.read_table(name):
            assert row["unit"] and row["source"] and row["valid_from"]
            assert row["confidence"] in ("V2", "S1", "U")


def test_category_table() -> None:
    cats = aqi_categories()
    assert list(cats["category_zh"]) == ["优", "良", "轻度污染", "中度污染", "重度污染", "严重污染"]
    assert list(cats["hex"]) == ["#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023"]


@pytest.mark.parametrize(
    ("pollutant", "period", "standard", "grade", "phase", "limit"),
    [("pm2_5", "annual", "2012", 2, 1, 35), ("pm2_5", "24h", "2012", 2, 1, 75),
     ("so2", "1h", "2012", 2, 1, 500), ("co", "24h", "2012", 2, 1, 4),
     ("o3", "8h", "2012", 1, 1, 100), ("pm2_5", "annual", "2026", 2, 1, 30),
     ("pm2_5", "24h", "2026", 2, 1, 60), ("pm2_5", "annual", "2026", 2, 2, 25),
     ("pm2_5", "24h", "2026", 1, 2, 25), ("no2", "annual", "2026", 2, 2, 30)],
)  # fmt: skip
def test_gb3095_limits_against_printed_values(
    pollutant: str, period: str, standard: str, grade: int, phase: int, limit: float
) -> None:
    assert gb3095_limit(pollutant, period, standard=standard, grade=grade, phase=phase) == limit


# --- shapes, NaN, names --------------------------------------------------------------------


def test_scalar_array_series_nan() -> None:
    assert isinstance(iaqi(80, "pm2_5", "24h", standard="2012"), float)
    arr = iaqi(np.array([[80.0, np.nan], [0.0, 1e6]]), "pm2_5", "24h", standard="2012")
    assert arr.shape == (2, 2)
    np.testing.assert_array_equal(arr, [[107, np.nan], [0, 500]])
    series = pd.Series([80.0, None], index=["a", "b"])
    out = iaqi(series, "pm2_5", "24h", standard="2012")
    assert isinstance(out, pd.Series) and list(out.index) == ["a", "b"]
    assert out["a"] == 107 and math.isnan(out["b"])
    assert math.isnan(iaqi(np.nan, "co", "1h"))
    assert math.isnan(iaqi(-1.0, "co", "1h"))
    level = aqi_level(pd.Series([np.nan, 42.0]))
    assert math.isnan(level.iloc[0]) and level.iloc[1] == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pollutant": "pm25"}, "pm2_5, pm10, so2, no2, co, o3"),
        ({"period": "8h"}, "24h, 1h"),
        ({"standard": "2013"}, "2012, 2026"),
        ({"over_800": "cap"}, "standard, nan"),
    ],
)
def test_wrong_names_list_valid_options(kwargs: dict[str, str], message: str) -> None:
    args = {"pollutant": "pm2_5", "period": "24h"} | kwargs
    with pytest.raises(ValueError, match=message):
        iaqi(
            10.0,
            args["pollutant"],
            args["period"],
            **{k: v for k, v in args.items() if k in ("standard", "over_800")},
        )


def test_wrong_names_in_row_functions() -> None:
    with pytest.raises(InputError, match="auto, 2012, 2026"):
        hourly_aqi({"pm2_5": [1.0]}, standard="2020")
    with pytest.raises(InputError, match="none of the pollutant columns"):
        hourly_aqi({"pm25": [1.0]}, standard="2012")
    with pytest.raises(InputError, match="end, start"):
        daily_aqi(_hours({"o3": [1.0] * 24}), hour_label="middle")
    with pytest.raises(InputError, match="1h, 24h, annual"):
        gb3095_limit("so2", "8h")


# --- properties --------------------------------------------------------------------------

TABLE_KEYS = [(p, per) for p in POLLUTANTS for per in PERIODS[p]]
conc_st = st.floats(min_value=0, max_value=5000, allow_nan=False)


@given(
    key=st.sampled_from(TABLE_KEYS),
    standard=st.sampled_from(B),
    a=conc_st,
    b=conc_st,
)
def test_iaqi_monotone(key: tuple[str, str], standard: str, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    x = iaqi(lo, *key, standard=standard)
    y = iaqi(hi, *key, standard=standard)
    if not math.isnan(y):
        assert x <= y
    if not math.isnan(x):
        assert 0 <= x <= 500


@pytest.mark.parametrize("standard", B)
@pytest.mark.parametrize(("pollutant", "period"), TABLE_KEYS)
def test_iaqi_zero_and_top(pollutant: str, period: str, standard: str) -> None:
    assert iaqi(0.0, pollutant, period, standard=standard) == 0
    table_period = "24h" if pollutant in ("pm2_5", "pm10") else period
    conc, level = _air_tables.breakpoints()[(standard, pollutant, table_period)]
    assert iaqi(conc[-1], pollutant, period, standard=standard) == level[-1]
    if level[-1] == 500:
        above = iaqi(
            np.array([conc[-1] + 0.1, conc[-1] * 10]), pollutant, period, standard=standard
        )
        assert list(above) == [500, 500]


@given(
    rows=st.lists(
        st.tuples(*[st.one_of(st.just(np.nan), conc_st) for _ in POLLUTANTS]),
        min_size=1,
        max_size=30,
    ),
    standard=st.sampled_from(B),
)
def test_aqi_is_max_iaqi(rows: list[tuple[float, ...]], standard: str) -> None:
    data = {p: np.array([r[k] for r in rows]) for k, p in enumerate(POLLUTANTS)}
    data["so2"] = np.minimum(data["so2"], 800.0)  # keep SO2 1-h on its table
    out = hourly_aqi(data, standard=standard)
    subs = np.column_stack([iaqi(data[p], p, "1h", standard=standard) for p in POLLUTANTS])
    expected = np.array([np.nan if np.isnan(r).all() else np.nanmax(r) for r in subs])
    np.testing.assert_array_equal(out["aqi"].to_numpy(), expected)
