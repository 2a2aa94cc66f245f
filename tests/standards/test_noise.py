"""``greenpark.standards.noise``: energy mean, Ld/Ln windows, Ldn and zone compliance.

Reference values: the noise test vectors of ``../shared/reference/standards.md`` §9.5
(computed from GB 3096-2008 Table 1, GB 12348-2008 clauses 4.1.2/4.1.3 and the §5.3
formulas), and values worked out by hand in the test that uses them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenpark.standards.noise import (
    GB3096_ZONES,
    day_night_levels,
    energy_mean,
    gb3096_compliance,
    gb12348_compliance,
    ldn,
)

# --------------------------------------------------------------------- §9.5 vectors


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([60.0, 70.0], 67.40),  # standards.md §9.5: not 65
        ([55.0, 55.0, 55.0], 55.0),  # standards.md §9.5
    ],
)
def test_energy_mean_vectors(levels: list[float], expected: float) -> None:
    assert energy_mean(levels) == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize(
    ("ld", "ln", "expected"),
    [(60.0, 50.0, 60.00), (65.0, 55.0, 65.00), (60.0, 45.0, 58.88)],  # standards.md §9.5
)
def test_ldn_vectors(ld: float, ln: float, expected: float) -> None:
    assert ldn(ld, ln) == pytest.approx(expected, abs=0.005)


def test_gb3096_class_2_vector() -> None:
    # standards.md §9.5: class 2, day Leq 58 compliant, night Leq 52 exceeds by 2 dB.
    r = gb3096_compliance(58.0, 52.0, "2")
    assert r["day_exceeds"] is False
    assert r["day_margin"] == -2.0
    assert r["night_exceeds"] is True
    assert r["night_margin"] == 2.0


@pytest.mark.parametrize(("zone", "night_limit"), [("4b", 60.0), ("4a", 55.0)])
def test_gb3096_class_4_night_limits(zone: str, night_limit: float) -> None:
    # standards.md §9.5: class 4b night limit 60, class 4a night limit 55.
    assert gb3096_compliance(50.0, 50.0, zone)["night_limit"] == night_limit


@pytest.mark.parametrize(
    ("kind", "lmax_limit", "exceeds"),
    [("sporadic", 70.0, False), ("frequent", 65.0, True)],  # standards.md §9.5
)
def test_gb12348_boundary_class_3_lmax_vectors(kind: str, lmax_limit: float, exceeds: bool) -> None:
    r = gb12348_compliance(60.0, 50.0, "3", lmax_night=68.0, lmax_kind=kind)
    assert r["lmax_limit"] == lmax_limit
    assert r["lmax_exceeds"] is exceeds
    assert r["lmax_margin"] == 68.0 - lmax_limit


# --------------------------------------------------------------------- energy_mean


def test_energy_mean_of_60_and_70_by_formula() -> None:
    assert energy_mean([60.0, 70.0]) == pytest.approx(10 * math.log10((10**6 + 10**7) / 2))


def test_energy_mean_weights_are_durations() -> None:
    # 45 min at 60 and 15 min at 70 equals four equal quarters 60, 60, 60, 70.
    assert energy_mean([60.0, 70.0], weights=[45, 15]) == pytest.approx(
        energy_mean([60.0, 60.0, 60.0, 70.0])
    )
    assert energy_mean([60.0, 70.0], weights=[1, 1]) == pytest.approx(energy_mean([60.0, 70.0]))


def test_energy_mean_axis() -> None:
    levels = np.array([[60.0, 70.0], [55.0, 55.0]])
    np.testing.assert_allclose(energy_mean(levels, axis=1), [67.4036269, 55.0])
    np.testing.assert_allclose(energy_mean(levels, axis=0), energy_mean(levels.T, axis=1))


@pytest.mark.parametrize(
    "levels", [60.0, np.array([60.0, 60.0]), pd.Series([60.0, 60.0, 60.0]), [60, 60]]
)
def test_energy_mean_accepts_scalar_array_series(levels: object) -> None:
    result = energy_mean(levels)
    assert isinstance(result, float)
    assert result == pytest.approx(60.0)


@pytest.mark.parametrize(
    "levels", [[60.0, np.nan], np.array([np.nan]), pd.Series([55.0, np.nan, 60.0])]
)
def test_energy_mean_nan_propagates(levels: object) -> None:
    assert math.isnan(energy_mean(levels))


def test_energy_mean_nan_weight_propagates() -> None:
    assert math.isnan(energy_mean([60.0, 70.0], weights=[1.0, np.nan]))


@pytest.mark.parametrize(
    ("levels", "weights", "message"),
    [([], None, "empty"), ([60.0], [-1.0], "non-negative"), ([60.0, 70.0], [0, 0], "zero")],
)
def test_energy_mean_refuses_bad_input(levels: list[float], weights: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        energy_mean(levels, weights=weights)


finite_levels = st.lists(
    st.floats(min_value=-20.0, max_value=160.0, allow_nan=False), min_size=1, max_size=50
)


@given(finite_levels)
def test_energy_mean_at_least_arithmetic_mean_and_within_range(levels: list[float]) -> None:
    result = energy_mean(levels)
    tol = 1e-9 * max(1.0, max(abs(x) for x in levels))
    assert result >= float(np.mean(levels)) - tol
    assert min(levels) - tol <= result <= max(levels) + tol


@given(st.floats(min_value=-20.0, max_value=160.0, allow_nan=False), st.integers(1, 30))
def test_energy_mean_of_equal_levels_is_that_level(level: float, n: int) -> None:
    assert energy_mean([level] * n) == pytest.approx(level, abs=1e-9)


# --------------------------------------------------------------------- day_night_levels


def _at(local: list[str], tz: str, values: list[float]) -> pd.Series:
    """A UTC-indexed series whose timestamps are the given local wall times in ``tz``."""
    index = pd.DatetimeIndex(local).tz_localize(tz).tz_convert("UTC")
    return pd.Series(values, index=index, dtype=float)


def test_window_boundaries_at_06_and_22_local_from_a_utc_series() -> None:
    local = [
        "2024-06-02 05:00",  # night of June 1
        "2024-06-02 05:59:59",  # night of June 1
        "2024-06-02 06:00",  # day
        "2024-06-02 21:00",  # day
        "2024-06-02 21:59:59",  # day
        "2024-06-02 22:00",  # night of June 2
        "2024-06-03 05:00",  # night of June 2
    ]
    s = _at(local, "Asia/Shanghai", [10.0, 11.0, 20.0, 30.0, 31.0, 40.0, 41.0])
    assert str(s.index.tz) == "UTC"  # the 06:00 local value is at 22:00 UTC the day before
    r = day_night_levels(s)
    assert list(r.index) == [
        pd.Timestamp("2024-06-01", tz="Asia/Shanghai"),
        pd.Timestamp("2024-06-02", tz="Asia/Shanghai"),
    ]
    first, second = r.iloc[0], r.iloc[1]
    assert math.isnan(first["ld"]) and first["n_day"] == 0  # 05:00 belongs to the night before
    assert first["ln"] == pytest.approx(energy_mean([10.0, 11.0])) and first["n_night"] == 2
    assert second["ld"] == pytest.approx(energy_mean([20.0, 30.0, 31.0])) and second["n_day"] == 3
    assert second["ln"] == pytest.approx(energy_mean([40.0, 41.0])) and second["n_night"] == 2


def test_hourly_day_in_shanghai_has_16_day_and_8_night_hours() -> None:
    index = pd.date_range("2024-01-01 06:00", periods=24 * 3, freq="h", tz="Asia/Shanghai")
    s = pd.Series(np.arange(len(index), dtype=float) % 24 + 40.0, index=index.tz_convert("UTC"))
    r = day_night_levels(s)
    assert r["n_day"].tolist() == [16, 16, 16]
    assert r["n_night"].tolist() == [8, 8, 8]
    local = s.tz_convert("Asia/Shanghai")
    day = local[(local.index.hour >= 6) & (local.index.hour < 22)]
    expected_ld = day.groupby(day.index.date).apply(energy_mean).to_numpy()
    np.testing.assert_allclose(r["ld"].to_numpy(), expected_ld)
    shifted = local.tz_localize(None).shift(-6, freq="h")  # nights start at 16:00 when shifted
    night = shifted[shifted.index.hour >= 16]
    expected_ln = night.groupby(night.index.date).apply(energy_mean).to_numpy()
    np.testing.assert_allclose(r["ln"].to_numpy(), expected_ln)


def test_local_time_depends_on_the_zone() -> None:
    # 2024-06-01 22:00 UTC is 06:00 in Shanghai (day) but 00:00 in Berlin (night of May 31).
    s = pd.Series([50.0], index=pd.DatetimeIndex(["2024-06-01 22:00"], tz="UTC"))
    shanghai = day_night_levels(s)
    assert shanghai["n_day"].tolist() == [1]
    assert shanghai.index[0] == pd.Timestamp("2024-06-02", tz="Asia/Shanghai")
    berlin = day_night_levels(s, timezone="Europe/Berlin")
    assert berlin["n_night"].tolist() == [1]
    assert berlin.index[0] == pd.Timestamp("2024-06-01", tz="Europe/Berlin")


@pytest.mark.parametrize(
    ("start", "night_hours"),
    [("2024-03-30", 7), ("2024-10-26", 9)],  # Berlin: spring forward, fall back
)
def test_dst_night_in_berlin_follows_wall_clock(start: str, night_hours: int) -> None:
    index = pd.date_range(f"{start} 06:00", f"{start} 06:00", tz="Europe/Berlin")
    utc = pd.date_range(index[0], index[0] + pd.Timedelta(hours=30), freq="h", inclusive="left")
    s = pd.Series(50.0, index=utc.tz_convert("UTC"))
    r = day_night_levels(s, timezone="Europe/Berlin")
    night = r.loc[pd.Timestamp(start, tz="Europe/Berlin")]
    assert night["n_day"] == 16
    assert night["n_night"] == night_hours
    assert night["ln"] == pytest.approx(50.0)


def test_nan_values_are_skipped_and_not_counted() -> None:
    index = pd.date_range("2024-01-01 06:00", periods=24, freq="h", tz="Asia/Shanghai")
    values = np.full(24, 50.0)
    values[[0, 20]] = np.nan  # one day hour, one night hour
    r = day_night_levels(pd.Series(values, index=index))
    assert r["n_day"].tolist() == [15]
    assert r["n_night"].tolist() == [7]
    assert r["ld"].tolist() == pytest.approx([50.0])


def test_custom_day_hours() -> None:
    index = pd.date_range("2024-01-01 00:00", periods=24, freq="h", tz="Asia/Shanghai")
    r = day_night_levels(pd.Series(50.0, index=index), day_start=7, night_start=23)
    assert r["n_day"].tolist() == [0, 16]
    assert r["n_night"].tolist() == [7, 1]


def test_empty_series_gives_empty_frame() -> None:
    s = pd.Series([], index=pd.DatetimeIndex([], tz="UTC"), dtype=float)
    r = day_night_levels(s)
    assert r.empty
    assert list(r.columns) == ["ld", "ln", "n_day", "n_night"]


def test_naive_timestamps_are_refused() -> None:
    s = pd.Series([50.0], index=pd.DatetimeIndex(["2024-01-01 06:00"]))
    with pytest.raises(ValueError, match="naive"):
        day_night_levels(s)


def test_non_datetime_index_is_refused() -> None:
    with pytest.raises(TypeError, match="DatetimeIndex"):
        day_night_levels(pd.Series([50.0]))


def test_unknown_timezone_is_refused() -> None:
    s = pd.Series([50.0], index=pd.DatetimeIndex(["2024-01-01 06:00"], tz="UTC"))
    with pytest.raises(ValueError, match="IANA"):
        day_night_levels(s, timezone="Beijing")
    with pytest.raises(ValueError, match="day_start"):
        day_night_levels(s, day_start=22, night_start=6)


# --------------------------------------------------------------------- ldn


def test_ldn_shapes_and_nan() -> None:
    assert isinstance(ldn(60.0, 50.0), float)
    np.testing.assert_allclose(ldn(np.array([60.0, 65.0]), np.array([50.0, 55.0])), [60.0, 65.0])
    s = ldn(pd.Series([60.0, np.nan], index=["a", "b"]), 50.0)
    assert isinstance(s, pd.Series)
    assert list(s.index) == ["a", "b"]
    assert s["a"] == pytest.approx(60.0)
    assert math.isnan(s["b"])
    assert math.isnan(ldn(60.0, np.nan))


def test_ldn_night_penalty_and_weighting() -> None:
    # Equal Ld and Ln: Ldn = L + 10 lg((16 + 8*10)/24) = L + 6.02 dB.
    assert ldn(50.0, 50.0) == pytest.approx(50.0 + 10 * math.log10(96 / 24))


def test_ldn_refuses_misaligned_series() -> None:
    with pytest.raises(ValueError, match="same index"):
        ldn(pd.Series([60.0], index=[0]), pd.Series([50.0], index=[1]))


# --------------------------------------------------------------------- gb3096_compliance


@pytest.mark.parametrize("zone", GB3096_ZONES)
def test_gb3096_level_equal_to_limit_complies(zone: str) -> None:
    r = gb3096_compliance(0.0, 0.0, zone)
    at_limit = gb3096_compliance(r["day_limit"], r["night_limit"], zone)
    assert at_limit["day_exceeds"] is False and at_limit["night_exceeds"] is False
    over = gb3096_compliance(r["day_limit"] + 0.1, r["night_limit"] + 0.1, zone)
    assert over["day_exceeds"] is True and over["night_exceeds"] is True


def test_gb3096_sudden_noise_lmax() -> None:
    # Class 1 night limit 45: Lmax up to 60 complies, 60.5 exceeds (GB 3096-2008 5.4).
    r = gb3096_compliance(50.0, 40.0, 1, lmax_night=np.array([60.0, 60.5]))
    assert r["lmax_limit"].tolist() == [60.0, 60.0]
    assert r["lmax_exceeds"].tolist() == [False, True]


def test_gb3096_arrays_broadcast_zones() -> None:
    r = gb3096_compliance(np.array([58.0, 72.0]), 52.0, ["2", "4B"])
    assert r["day_limit"].tolist() == [60.0, 70.0]
    assert r["night_limit"].tolist() == [50.0, 60.0]
    assert r["day_exceeds"].tolist() == [False, True]
    assert r["night_margin"].tolist() == [2.0, -8.0]


def test_gb3096_series_gives_frame_and_nan_margin() -> None:
    ld = pd.Series([58.0, np.nan], index=pd.Index(["east", "west"], name="station"))
    r = gb3096_compliance(ld, pd.Series([52.0, 49.0], index=ld.index), "2")
    assert isinstance(r, pd.DataFrame)
    assert r.index.equals(ld.index)
    assert math.isnan(r.loc["west", "day_margin"])
    assert not r.loc["west", "day_exceeds"]  # NaN: not shown to exceed
    assert r["night_exceeds"].tolist() == [True, False]


@pytest.mark.parametrize("zone", ["5", "4", "4c", "II"])
def test_gb3096_unknown_zone_lists_valid(zone: str) -> None:
    with pytest.raises(ValueError, match=r"must be one of \['0', '1', '2', '3', '4a', '4b'\]"):
        gb3096_compliance(50.0, 40.0, zone)


# --------------------------------------------------------------------- gb12348_compliance


@pytest.mark.parametrize(("zone", "limits"), [("4a", (70.0, 55.0)), ("4b", (70.0, 55.0))])
def test_gb12348_4a_4b_map_to_class_4(zone: str, limits: tuple[float, float]) -> None:
    r = gb12348_compliance(60.0, 50.0, zone)
    assert (r["day_limit"], r["night_limit"]) == limits


def test_gb12348_indoor_lowers_limits_by_10() -> None:
    r = gb12348_compliance(
        np.array([50.0, 50.0]), 40.0, "2", lmax_night=52.0, lmax_kind="frequent", indoor=[0, 1]
    )
    assert r["day_limit"].tolist() == [60.0, 50.0]
    assert r["night_limit"].tolist() == [50.0, 40.0]
    assert r["lmax_limit"].tolist() == [60.0, 50.0]
    assert r["lmax_exceeds"].tolist() == [False, True]


def test_gb12348_series_input() -> None:
    night = pd.Series([54.0, 56.0, np.nan])
    r = gb12348_compliance(60.0, night, 3)
    assert isinstance(r, pd.DataFrame)
    assert r["night_exceeds"].tolist() == [False, True, False]
    assert math.isnan(r["night_margin"].iloc[2])


def test_gb12348_lmax_needs_a_valid_kind() -> None:
    with pytest.raises(ValueError, match=r"\['frequent', 'sporadic'\]"):
        gb12348_compliance(60.0, 50.0, 3, lmax_night=68.0)
    with pytest.raises(ValueError, match=r"must be one of \['frequent', 'sporadic'\]"):
        gb12348_compliance(60.0, 50.0, 3, lmax_night=68.0, lmax_kind="sudden")


def test_gb12348_unknown_class_lists_valid() -> None:
    with pytest.raises(ValueError, match=r"must be one of \['0', '1', '2', '3', '4', '4a', '4b'\]"):
        gb12348_compliance(60.0, 50.0, "5")
