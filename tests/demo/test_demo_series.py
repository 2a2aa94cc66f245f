"""The generated series: deterministic, order-independent and physically plausible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from greenpark.demo import (
    Calendar,
    expected_series,
    generate_group,
    load_profiles,
    park_registry,
    series_groups,
)
from greenpark.demo.park import PARAMETERS, PV_KW
from greenpark.demo.profiles import DATA_DIR
from greenpark.demo.series import (
    SeriesData,
    load_shape,
    pv_per_unit,
    temperature,
)
from greenpark.standards.parameters import parameter_table

SEED = 2023
YEAR = 2025


@pytest.fixture(scope="module")
def full() -> dict[str, SeriesData]:
    """Every series of the full demo year (about 1 s)."""
    registry = park_registry(SEED, YEAR)
    cal = Calendar.for_year(YEAR)
    profiles = load_profiles()
    out: dict[str, SeriesData] = {}
    for group in series_groups(registry):
        for s in generate_group(SEED, cal, registry, group, profiles):
            out[s.key] = s
    return out


def _hourly(s: SeriesData) -> pd.Series:
    idx = pd.date_range(f"{YEAR}-01-01", periods=len(s.values), freq="h", tz="Asia/Shanghai")
    return pd.Series(s.values, idx)


def _quarter(s: SeriesData) -> pd.Series:
    idx = pd.date_range(f"{YEAR}-01-01", periods=len(s.values), freq="15min", tz="Asia/Shanghai")
    return pd.Series(s.values, idx)


def _valid(s: SeriesData) -> np.ndarray:
    return s.values[s.marks == "N"]


def test_calendar() -> None:
    cal = Calendar.for_year(2025)
    assert cal.days == 365 and cal.steps(900) == 35_040 and cal.steps(3600) == 8_760
    times = cal.times(900)
    assert str(times[0]) == "2024-12-31 16:00:00+00:00"  # 2025-01-01T00:00+08:00
    assert cal.weekday(3600)[0] == 2  # 1 January 2025 is a Wednesday
    assert Calendar.for_year(2024).steps(900) == 35_136
    with pytest.raises(ValueError, match="days must be"):
        Calendar.for_year(2025, 0)
    with pytest.raises(ValueError, match="changes its UTC offset"):
        Calendar(2025, 10, "Europe/Berlin")


def test_profiles_are_small_and_loaded() -> None:
    total = sum(p.stat().st_size for p in DATA_DIR.iterdir())
    assert total < 500_000
    profiles = load_profiles()
    assert profiles.steel_kwh.shape == (35_040,)
    assert set(profiles.air_diurnal) == {p.code for p in PARAMETERS["ambient_air"]}
    assert all(v.shape == (24,) for v in profiles.air_diurnal.values())
    assert profiles.pv_shapes.shape[0] >= 100 and profiles.pv_clearness.max() == 1.0
    assert len(profiles.wwtp_cod_out) == 527


def test_manifest_matches_generation(full: dict[str, SeriesData]) -> None:
    cal = Calendar.for_year(YEAR)
    manifest = expected_series(SEED, cal, park_registry(SEED, YEAR))
    assert {m.key for m in manifest} == set(full)
    for m in manifest:
        s = full[m.key]
        assert len(s.values) == m.full
        assert s.rows == m.rows == m.full - m.missing
    assert sum(m.interval_s == 900 for m in manifest) == 184
    assert sum(m.interval_s == 3600 for m in manifest) == 53


def test_determinism_and_order_independence() -> None:
    registry = park_registry(SEED, YEAR)
    cal = Calendar.for_year(YEAR, 14)
    profiles = load_profiles()
    groups = series_groups(registry)
    forward = {s.key: s for g in groups for s in generate_group(SEED, cal, registry, g, profiles)}
    backward = {
        s.key: s for g in reversed(groups) for s in generate_group(SEED, cal, registry, g, profiles)
    }
    for key, s in forward.items():
        other = backward[key]
        assert np.array_equal(s.values, other.values)
        assert np.array_equal(s.keep, other.keep)
        assert np.array_equal(s.marks, other.marks)
    other_seed = park_registry(SEED + 1, YEAR)
    station = next(g for g in series_groups(other_seed) if g.owner == "GA-AIR-01")
    a = generate_group(SEED + 1, cal, other_seed, station, profiles)
    assert not np.array_equal(a[0].values, forward["GA-AIR-01/a34004"].values)


def test_no_negative_or_missing_values(full: dict[str, SeriesData]) -> None:
    for key, s in full.items():
        assert np.isfinite(s.values).all(), key
        assert (s.values >= 0).all(), key


def test_station_units_follow_the_parameter_table() -> None:
    table = parameter_table()
    for params in PARAMETERS.values():
        for p in params:
            assert p.code in table
            assert p.unit == table[p.code].unit, p.code


def test_air_seasons(full: dict[str, SeriesData]) -> None:
    for station in ("GA-AIR-01", "GA-AIR-02"):
        pm25 = _hourly(full[f"{station}/a34004"])
        o3 = _hourly(full[f"{station}/a05024"])
        winter = pm25.index.month.isin([12, 1, 2])
        summer = pm25.index.month.isin([6, 7, 8])
        assert pm25[winter].mean() > 1.4 * pm25[summer].mean()
        assert o3[summer].mean() > 1.5 * o3[winter].mean()
        assert 12 < pm25.mean() < 40  # Guiyang-like annual mean [μg/m³]
        pm10 = full[f"{station}/a34002"]
        both = (pm10.marks == "N") & (full[f"{station}/a34004"].marks == "N")
        assert (pm10.values[both] >= pm25.to_numpy()[both]).all()
        # O3 peaks in the afternoon, as in the real Guiyang day
        by_hour = o3[summer].groupby(o3[summer].index.hour).mean()
        assert 12 <= by_hour.idxmax() <= 17


def test_surface_water_mostly_class_ii_iii(full: dict[str, SeriesData]) -> None:
    # GB 3838-2002 table 1, class III (river) and class II/III (lake TP)
    river = {
        "w01009": (5.0, ">="),
        "w01019": (6.0, "<="),
        "w21003": (1.0, "<="),
        "w21011": (0.2, "<="),
    }
    for p, (limit, how) in river.items():
        v = _valid(full[f"GA-SW-01/{p}"])
        share = np.mean(v >= limit) if how == ">=" else np.mean(v <= limit)
        assert share > 0.85, p
    lake_tp = _valid(full["GA-SW-02/w21011"])
    assert np.mean(lake_tp <= 0.05) > 0.9  # lake TP within class III
    ph = _valid(full["GA-SW-01/w01001"])
    assert ((ph > 6) & (ph < 9)).all()


def test_sewage_outlets_mostly_comply_with_1a(full: dict[str, SeriesData]) -> None:
    # GB 18918-2002 class 1A: COD 50, TN 15, TP 0.5, NH3-N 5 (8 at or below 12 °C)
    for plant in ("GA-WW1-OUT", "GA-WW2-OUT"):
        exceed = 0
        for p, limit in (("w01018", 50.0), ("w21001", 15.0), ("w21011", 0.5)):
            v = _valid(full[f"{plant}/{p}"])
            share = float(np.mean(v > limit))
            assert share < 0.03, (plant, p, share)
            exceed += int((v > limit).sum())
        temp = full[f"{plant}/w01010"].values
        nh3 = full[f"{plant}/w21003"]
        ok = nh3.marks == "N"
        limit = np.where(temp[ok] > 12, 5.0, 8.0)
        exceed += int((nh3.values[ok] > limit).sum())
        assert exceed > 0  # rare exceedances exist
        inlet = _valid(full[f"{plant.replace('OUT', 'IN')}/w01018"])
        assert np.median(inlet) > 5 * np.median(_valid(full[f"{plant}/w01018"]))


def test_flags_on_station_data(full: dict[str, SeriesData]) -> None:
    flags = np.concatenate([s.marks for s in full.values() if s.kind == "station"])
    assert set(np.unique(flags).tolist()) == {"N", "C", "M", "D", "T"}
    assert np.mean(flags == "N") > 0.97
    noise_cal = full["GA-NS-01/LAeq"]
    assert (noise_cal.values[noise_cal.marks == "C"] == 94.0).all()
    inlet = full["GA-WW1-IN/w01018"]
    assert (inlet.values[inlet.marks == "T"] >= 1000.0).all()


def test_noise_levels_follow_zones(full: dict[str, SeriesData]) -> None:
    means = {}
    for code in ("GA-NS-01", "GA-NS-02", "GA-NS-03"):
        s = full[f"{code}/LAeq"]
        v = _hourly(s)[s.marks == "N"]
        day = v[(v.index.hour >= 6) & (v.index.hour < 22)]
        night = v[(v.index.hour < 6) | (v.index.hour >= 22)]
        assert day.mean() > night.mean() + 5
        means[code] = day.mean()
    assert means["GA-NS-01"] < means["GA-NS-02"] < means["GA-NS-03"]


def test_pv_is_zero_at_night_and_bounded(full: dict[str, SeriesData]) -> None:
    pv_code = next(k for k in full if k.endswith("-EL-PV"))
    pv = _quarter(full[pv_code])
    night = (pv.index.hour >= 21) | (pv.index.hour < 6)
    assert (pv[night] == 0).all()
    assert pv.max() <= PV_KW * 0.25 + 1e-9  # [kWh] per 15 min at most the rating
    yield_kwh_per_kwp = pv.sum() / PV_KW
    assert 800 < yield_kwh_per_kwp < 1_200  # cloudy Guiyang: about 1,000 h
    summer = pv[pv.index.month.isin([6, 7, 8])].sum()
    winter = pv[pv.index.month.isin([12, 1, 2])].sum()
    assert summer > 1.5 * winter


def test_pv_per_unit_shape() -> None:
    cal = Calendar.for_year(YEAR)
    pu = pv_per_unit(SEED, cal, load_profiles())
    assert pu.min() >= 0 and pu.max() <= 1
    # daylight is longer in June than in December
    day = pu.reshape(cal.days, 96) > 0
    assert day[160:180].sum(1).mean() > day[340:360].sum(1).mean() + 8


def test_load_has_a_weekly_cycle(full: dict[str, SeriesData]) -> None:
    registry = park_registry(SEED, YEAR)
    makers = [e for e in registry.enterprises if e.role == "manufacturing"][:10]
    for e in makers:
        load = _quarter(full[f"{e.code}-EL"])
        weekend = load.index.day_of_week >= 5
        assert load[~weekend].mean() > 1.2 * load[weekend].mean(), e.code
    shape = load_shape(Calendar.for_year(YEAR), load_profiles(), 0, 0.0)
    assert shape.mean() == pytest.approx(1.0, rel=0.02)


def test_enterprise_energy_matches_its_size(full: dict[str, SeriesData]) -> None:
    registry = park_registry(SEED, YEAR)
    for e in registry.enterprises:
        if e.role in ("manufacturing", "services"):
            total = full[f"{e.code}-EL"].values.sum()
            assert total == pytest.approx(e.annual_kwh, rel=0.12), e.code


def test_data_centres(full: dict[str, SeriesData]) -> None:
    registry = park_registry(SEED, YEAR)
    for e in (e for e in registry.enterprises if e.role == "data_centre"):
        main = full[f"{e.code}-EL"].values
        it = full[f"{e.code}-EL-IT"].values
        cooling = full[f"{e.code}-EL-CL"].values
        assert (main >= it + cooling - 0.02).all()
        pue = main.sum() / it.sum()
        assert 1.1 < pue <= 1.3  # national green data centres: PUE at most 1.3
        flat = it.std() / it.mean()
        assert flat < 0.05  # near-flat IT load
        c = _quarter(full[f"{e.code}-EL-CL"])
        assert c[c.index.month == 7].sum() > 1.5 * c[c.index.month == 1].sum()


def test_energy_station_balance(full: dict[str, SeriesData]) -> None:
    registry = park_registry(SEED, YEAR)
    e = next(e for e in registry.enterprises if e.role == "energy_station")
    gas = full[f"{e.code}-NG"].values.sum()
    engines = full[f"{e.code}-EL-GEN"].values.sum()
    heat_gj = full[f"{e.code}-HT"].values.sum()
    fuel_kwh = gas * 38_931 / 3_600
    # engines at 40 % electric efficiency use at most all the gas
    assert engines / 0.40 <= fuel_kwh * 1.001
    # the rest of the gas feeds the boiler (92 %), whose heat is less than the heat delivered
    boiler_heat_gj = (fuel_kwh - engines / 0.40) * 0.92 * 0.0036
    assert 0 <= boiler_heat_gj <= heat_gj
    cooling = _quarter(full[f"{e.code}-CL"])
    assert cooling[cooling.index.month == 7].sum() > 10 * cooling[cooling.index.month == 1].sum()
    grid = full[f"{e.code}-EL"].values
    assert (grid >= 0).all() and grid.sum() > 0


def test_temperature_proxy() -> None:
    cal = Calendar.for_year(YEAR)
    t = temperature(SEED, cal)
    monthly = pd.Series(t, pd.date_range("2025-01-01", periods=len(t), freq="15min"))
    by_month = monthly.groupby(monthly.index.month).mean()
    assert by_month[1] < 9 and by_month[7] > 20
    assert 12 < t.mean() < 18
