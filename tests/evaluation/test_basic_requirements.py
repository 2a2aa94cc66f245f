"""Basic requirements (基本要求, group ``BR``) of the MIIT green park scheme, computed from
the standards layer on small hand-built data (``greenpark.evaluation.values``):

- surface water: the single-factor class of the annual means, GB 3838-2002 table 1;
- noise: the year's Ld and Ln (energy means of the valid hourly LAeq), GB 3096-2008 table 1;
- discharge: daily means against GB 18918-2002 table 1, no day may exceed.

Expected results are worked out by hand in the comments. Missing data, a missing target or
zone, or an outlet under a standard the platform holds no limits for give ``None``
(undecided), never a pass; the BR rows never change the GI.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import insert

from greenpark.evaluation import load_scheme, score_scheme
from greenpark.evaluation.service import evaluate, read_park_data
from greenpark.evaluation.values import (
    MANUAL,
    NOISE_COLUMN,
    MonitoringStation,
    ParkData,
    br_discharge_compliance,
    br_noise_zone,
    br_surface_water_class,
    scheme_values,
)
from greenpark.store import Store
from greenpark.store.ledger import resolve_park
from greenpark.store.schema import Enterprise, Measurement, Station

TZ = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TZ)
YEAR = 2025
HOURS = 365 * 24  # 2025 is not a leap year


def _index(day: dt.date, hours: int, start_hour: int = 0) -> pd.DatetimeIndex:
    """Aware UTC times of ``hours`` hours from local ``day`` ``start_hour``:00 (labelled by
    the start of each hour, as the store keeps them)."""
    start = pd.Timestamp(dt.datetime.combine(day, dt.time(start_hour)), tz=SHANGHAI)
    return pd.date_range(start, periods=hours, freq="h").tz_convert("UTC")


def _frame(day: dt.date, columns: dict[str, list[float]], start_hour: int = 0) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=_index(day, n, start_hour))


def _section(code: str, target: str | None = "III", body: str | None = "river"):
    return MonitoringStation(
        code, code, "surface_water", water_body=body, water_target_class=target
    )


def _noise(code: str, zone: str | None = "2") -> MonitoringStation:
    return MonitoringStation(code, code, "noise", noise_zone_class=zone)


def _outlet(code: str, standard: str | None = "GB 18918-2002 1A") -> MonitoringStation:
    return MonitoringStation(code, code, "wastewater_outlet", discharge_standard=standard)


# --- surface water (GB 3838-2002) -----------------------------------------------------------


def _water(nh3n: list[float], tp: float = 0.15) -> pd.DataFrame:
    n = len(nh3n)
    return _frame(
        dt.date(YEAR, 6, 1),
        {"pH": [7.5] * n, "DO": [6.0] * n, "CODMn": [5.0] * n, "NH3-N": nh3n, "TP": [tp] * n},
    )


def test_surface_water_class_uses_the_annual_means() -> None:
    # GB 3838-2002 table 1, class III: DO >= 5, CODMn <= 6, NH3-N <= 1.0, TP <= 0.2 (river)
    # mg/L. NH3-N: 12 h at 0.6 and 12 h at 1.2 (class IV) -> annual mean 0.9 <= 1.0: class III
    # by the annual mean, although half the hours are class IV. DO 6 is class II, CODMn 5
    # class III, TP 0.15 class III: the section is class III (deciding CODMn, NH3-N, TP).
    v = br_surface_water_class(
        [_section("SW-1")], {"SW-1": _water([0.6] * 12 + [1.2] * 12)}, year=YEAR, timezone=TZ
    )
    assert v.value == 1.0
    assert v.unit == "-"
    assert v.inputs["SW-1 class"]["value"] == 3
    assert "NH3-N 0.9 mg/L" in v.inputs["SW-1 class"]["source"]
    assert v.inputs["sections_met"]["value"] == 1
    assert v.completeness == pytest.approx(24 / HOURS)
    assert "GB 3838-2002" in v.formula


def test_surface_water_worse_than_the_target_fails() -> None:
    # NH3-N annual mean 1.2 mg/L: class IV (1.0 < 1.2 <= 1.5); target III -> not met
    v = br_surface_water_class(
        [_section("SW-1")], {"SW-1": _water([1.2] * 24)}, year=YEAR, timezone=TZ
    )
    assert v.value == 0.0
    assert v.inputs["SW-1 class"]["value"] == 4
    assert "SW-1 (class Ⅳ by NH3-N, target Ⅲ)" in v.note


def test_surface_water_body_picks_the_tp_limits() -> None:
    # TP 0.1 mg/L: river class II (<= 0.1); lake or reservoir class IV (0.05 < 0.1 <= 0.1),
    # GB 3838-2002 table 1 item 8. Other indicators class III at most.
    data = {"R": _water([0.4] * 24, tp=0.1), "L": _water([0.4] * 24, tp=0.1)}
    river = br_surface_water_class([_section("R")], data, year=YEAR)
    lake = br_surface_water_class([_section("L", body="lake")], data, year=YEAR)
    assert river.value == 1.0 and river.inputs["R class"]["value"] == 3  # CODMn 5: III
    assert lake.value == 0.0 and lake.inputs["L class"]["value"] == 4  # TP in a lake: IV


def test_surface_water_missing_data_is_undecided_not_a_pass() -> None:
    stations = [_section("SW-1"), _section("SW-2")]
    good = _water([0.5] * 24)
    v = br_surface_water_class(stations, {"SW-1": good}, year=YEAR, timezone=TZ)
    assert v.value is None
    assert "SW-2 (no valid data in 2025)" in v.note
    assert v.completeness == pytest.approx(24 / (2 * HOURS))
    # data of another year do not count
    other = _water([0.5] * 24).set_axis(_index(dt.date(2024, 6, 1), 24))
    v = br_surface_water_class(stations, {"SW-1": good, "SW-2": other}, year=YEAR)
    assert v.value is None and "SW-2" in v.note
    # a section without a target class cannot be judged either
    v = br_surface_water_class([_section("SW-1", target=None)], {"SW-1": good}, year=YEAR)
    assert v.value is None and "no target class" in v.note
    # ... but a failing section decides the item even while another is undecided
    bad = _water([1.9] * 24)  # NH3-N 1.9: class V
    v = br_surface_water_class(stations, {"SW-1": bad}, year=YEAR)
    assert v.value == 0.0 and "SW-2" in v.note


def test_no_station_of_a_kind_leaves_the_item_undecided() -> None:
    others = [MonitoringStation("AIR", "AIR", "ambient_air")]
    assert br_surface_water_class(others, {}, year=YEAR).value is None
    assert br_surface_water_class(others, {}, year=YEAR).note == (
        "no surface-water station in the registry"
    )
    assert br_noise_zone(others, {}, year=YEAR).note == "no noise station in the registry"
    assert br_discharge_compliance(others, {}, year=YEAR).note == (
        "no wastewater outlet station in the registry"
    )
    for fn in (br_surface_water_class, br_noise_zone, br_discharge_compliance):
        assert fn(others, {}, year=YEAR).value is None


# --- noise (GB 3096-2008) ---------------------------------------------------------------------


def _day_and_night(day: list[float], night: list[float]) -> pd.DataFrame:
    """16 day hours from local 06:00, then 8 night hours from 22:00 to 06:00."""
    return _frame(dt.date(YEAR, 4, 1), {NOISE_COLUMN: day + night}, start_hour=6)


def test_noise_levels_are_energy_means() -> None:
    # GB 3096-2008 table 1, zone 2: day 60, night 50 dB(A).
    # Ld = 10 lg((10^5.5 + 10^6.1) / 2) = 58.96 <= 60; Ln = 10 lg((10^4.5 + 10^5.3) / 2)
    # = 50.63 > 50 although the arithmetic mean of the night hours is 49.
    ld = 10 * math.log10((10**5.5 + 10**6.1) / 2)
    ln = 10 * math.log10((10**4.5 + 10**5.3) / 2)
    assert ld == pytest.approx(58.963, abs=1e-3) and ln == pytest.approx(50.628, abs=1e-3)
    frame = _day_and_night([55.0] * 8 + [61.0] * 8, [45.0] * 4 + [53.0] * 4)
    v = br_noise_zone([_noise("N-1", "2")], {"N-1": frame}, year=YEAR, timezone=TZ)
    assert v.inputs["N-1 Ld"]["value"] == pytest.approx(ld, abs=1e-9)
    assert v.inputs["N-1 Ln"]["value"] == pytest.approx(ln, abs=1e-9)
    assert "limit 50 dB(A)" in v.inputs["N-1 Ln"]["source"]
    assert v.value == 0.0
    assert "N-1 (zone 2: Ln 50.6 > 50 dB(A))" in v.note
    assert v.completeness == pytest.approx(24 / HOURS)


def test_noise_at_the_limit_complies_and_zone_4a_night() -> None:
    # a level equal to its limit complies (GB 3096-2008: "shall not exceed"): zone 2 Ld 60,
    # Ln 50 -> met. Zone 4a: day 70, night 55 dB(A); Ln 57 -> not met.
    at_limit = _day_and_night([60.0] * 16, [50.0] * 8)
    road = _day_and_night([66.0] * 16, [57.0] * 8)
    ok = br_noise_zone([_noise("N-1", "2")], {"N-1": at_limit}, year=YEAR, timezone=TZ)
    assert ok.value == 1.0 and ok.inputs["stations_met"]["value"] == 1
    both = br_noise_zone(
        [_noise("N-1", "2"), _noise("N-3", "4a")],
        {"N-1": at_limit, "N-3": road},
        year=YEAR,
        timezone=TZ,
    )
    assert both.value == 0.0 and "N-3 (zone 4a: Ln 57.0 > 55 dB(A))" in both.note


def test_noise_hours_are_split_at_06_and_22_local() -> None:
    # 00:00-06:00 and 22:00-24:00 are night, 06:00-22:00 day (GB 3096-2008 clause 3):
    # a whole local day at 52 dB(A) by day and 48 by night is within zone 2 (60 / 50).
    levels = [48.0] * 6 + [52.0] * 16 + [48.0] * 2
    frame = _frame(dt.date(YEAR, 5, 1), {NOISE_COLUMN: levels})
    v = br_noise_zone([_noise("N-1")], {"N-1": frame}, year=YEAR, timezone=TZ)
    assert v.inputs["N-1 Ld"]["value"] == pytest.approx(52.0)
    assert v.inputs["N-1 Ln"]["value"] == pytest.approx(48.0)
    assert "16 valid hourly" in v.inputs["N-1 Ld"]["source"]
    assert "8 valid hourly" in v.inputs["N-1 Ln"]["source"]
    assert v.value == 1.0


def test_noise_without_zone_night_or_data_is_undecided() -> None:
    quiet = _day_and_night([50.0] * 16, [40.0] * 8)
    v = br_noise_zone([_noise("N-1", None)], {"N-1": quiet}, year=YEAR)
    assert v.value is None and "N-1 (no zone class in the registry)" in v.note
    days_only = _frame(dt.date(YEAR, 4, 1), {NOISE_COLUMN: [50.0] * 16}, start_hour=6)
    v = br_noise_zone([_noise("N-1")], {"N-1": days_only}, year=YEAR)
    assert v.value is None and "no valid night hours" in v.note
    v = br_noise_zone([_noise("N-1"), _noise("N-2")], {"N-1": quiet}, year=YEAR)
    assert v.value is None and "N-2 (no valid data in 2025)" in v.note


# --- discharge (GB 18918-2002) ----------------------------------------------------------------


def test_discharge_daily_means_and_exceeding_days() -> None:
    # GB 18918-2002 table 1, class 1A: COD <= 50 mg/L (daily mean). Day 1: hours alternate
    # 40 and 60 -> daily mean 50, equal to the limit: complies. Day 2: 55 -> exceeds.
    day1 = _frame(dt.date(YEAR, 3, 1), {"COD": [40.0, 60.0] * 12})
    day2 = _frame(dt.date(YEAR, 3, 2), {"COD": [55.0] * 24})
    v = br_discharge_compliance(
        [_outlet("OUT-1")], {"OUT-1": pd.concat([day1, day2])}, year=YEAR, timezone=TZ
    )
    assert v.value == 0.0
    assert v.inputs["OUT-1 exceeding_days"]["value"] == 1
    assert v.inputs["assessed_station_days"]["value"] == 2
    assert v.inputs["exceeding_station_days"]["value"] == 1
    assert v.inputs["compliance_rate"]["value"] == pytest.approx(50.0)
    assert "OUT-1 (1 of 2 days exceed: COD 1 d)" in v.note
    assert v.completeness == pytest.approx(48 / HOURS)
    v = br_discharge_compliance([_outlet("OUT-1")], {"OUT-1": day1}, year=YEAR, timezone=TZ)
    assert v.value == 1.0 and v.inputs["compliance_rate"]["value"] == pytest.approx(100.0)


def test_discharge_days_are_local_days() -> None:
    # 24 h of local 1 March at COD 45 (complies) and one hour at 200 at local 2 March 00:00
    # (16:00 UTC on 1 March): the exceedance falls on 2 March, a day of its own.
    frame = pd.concat(
        [
            _frame(dt.date(YEAR, 3, 1), {"COD": [45.0] * 24}),
            _frame(dt.date(YEAR, 3, 2), {"COD": [200.0]}),
        ]
    )
    v = br_discharge_compliance([_outlet("OUT-1")], {"OUT-1": frame}, year=YEAR, timezone=TZ)
    assert v.inputs["OUT-1 exceeding_days"]["value"] == 1
    assert v.inputs["assessed_station_days"]["value"] == 2


def test_discharge_water_temperature_picks_the_nh3n_limit() -> None:
    # class 1A NH3-N: 5 mg/L above 12 °C, 8 mg/L at or below 12 °C (table 1, bracketed).
    # NH3-N 6 mg/L complies in cold water (10 °C), exceeds in warm water (15 °C).
    cold = _frame(dt.date(YEAR, 1, 10), {"NH3-N": [6.0] * 24, "water_temp": [10.0] * 24})
    warm = _frame(dt.date(YEAR, 7, 10), {"NH3-N": [6.0] * 24, "water_temp": [15.0] * 24})
    assert br_discharge_compliance([_outlet("O")], {"O": cold}, year=YEAR).value == 1.0
    assert br_discharge_compliance([_outlet("O")], {"O": warm}, year=YEAR).value == 0.0
    # TP: plants taken as built from 2006-01-01, 1A TP <= 0.5 mg/L -> 0.6 exceeds
    tp = _frame(dt.date(YEAR, 7, 10), {"TP": [0.6] * 24})
    v = br_discharge_compliance([_outlet("O")], {"O": tp}, year=YEAR)
    assert v.value == 0.0 and "2006-01-01" in v.note


def test_discharge_other_standards_and_missing_data_are_undecided() -> None:
    ok = _frame(dt.date(YEAR, 3, 1), {"COD": [30.0] * 24})
    sector = _outlet("A-OUT", "GB 8978-1996")  # no limits of it in greenpark.standards
    v = br_discharge_compliance([_outlet("OUT-1"), sector], {"OUT-1": ok, "A-OUT": ok}, year=YEAR)
    assert v.value is None
    assert "A-OUT (standard GB 8978-1996: only GB 18918-2002 classes are judged)" in v.note
    v = br_discharge_compliance([_outlet("OUT-1"), _outlet("OUT-2")], {"OUT-1": ok}, year=YEAR)
    assert v.value is None and "OUT-2 (no valid data in 2025)" in v.note
    # a failing outlet decides it: 0 even while another is undecided
    bad = _frame(dt.date(YEAR, 3, 1), {"COD": [80.0] * 24})
    v = br_discharge_compliance([_outlet("OUT-1"), sector], {"OUT-1": bad}, year=YEAR)
    assert v.value == 0.0 and "A-OUT" in v.note


# --- the scheme ------------------------------------------------------------------------------


def test_basic_requirements_in_the_catalogue() -> None:
    scheme = load_scheme("miit-green-park", year=YEAR)
    br = [i for i in scheme.indicators if i.group == "BR"]
    assert [i.ref for i in br] == [f"BR{k}" for k in range(1, 9)]
    assert all(i.id.startswith("br_") for i in br)
    assert all(i.is_pass and i.mandatory and i.weight is None for i in br)
    assert {i.confidence for i in br} == {"S1"}
    assert scheme.settings.group("BR").weight == 0.0
    assert scheme.settings.group("BR").name_zh == "基本要求"


def test_basic_requirements_do_not_change_the_gi() -> None:
    scheme = load_scheme("miit-green-park", year=YEAR)
    numbered = {"renewable_share": 12.0, "pollutant_elasticity": 0.6, "central_wwtp": 1}
    brs = {i.id: 0 for i in scheme.indicators if i.group == "BR"}
    for settings in ({}, {"aggregation": "group_weighted"}, {"missing": "zero"}):
        s = load_scheme("miit-green-park", year=YEAR, settings=settings)
        without = score_scheme(s, numbered)
        with_br = score_scheme(s, {**numbered, **brs})
        assert with_br.index == pytest.approx(without.index, rel=1e-12)
    # GI = 100 x mean(12/15, 0.3/0.6, 1) = 76.67, failed basic requirements or not
    assert with_br.index is not None
    full = score_scheme(scheme, {**numbered, **brs})
    assert full.index == pytest.approx(100 * (0.8 + 0.5 + 1) / 3)
    assert set(brs) <= set(full.mandatory_failed)
    assert full.passed is False


def test_scheme_values_compute_three_and_leave_five_manual() -> None:
    data = ParkData(
        year=YEAR,
        timezone=TZ,
        stations=(_section("SW-1"), _noise("N-1"), _outlet("OUT-1")),
        station_hourly={
            "SW-1": _water([0.5] * 24),
            "N-1": _day_and_night([50.0] * 16, [40.0] * 8),
            "OUT-1": _frame(dt.date(YEAR, 3, 1), {"COD": [30.0] * 24}),
        },
    )
    values = scheme_values(load_scheme("miit-green-park", year=YEAR), data)
    for k in ("br_surface_water_class", "br_noise_zone", "br_discharge_compliance"):
        assert values[k].value == 1.0 and values[k].kind == "computed", k
    manual = [k for k, v in values.items() if k.startswith("br_") and v.note == MANUAL]
    assert manual == [
        "br_pollutant_total_load",
        "br_no_major_accident",
        "br_cleaner_production_audit",
        "br_no_obsolete_technology",
        "br_management_body",
    ]
    empty = scheme_values(load_scheme("miit-green-park", year=YEAR), ParkData(year=YEAR))
    assert all(v.value is None for k, v in empty.items() if k.startswith("br_"))


# --- read from the store ---------------------------------------------------------------------


def test_read_park_data_and_evaluate(park_url: str) -> None:
    """The service reads the stations and their valid values of the year (flag D, a fault,
    is left out) and the evaluation shows the verdicts."""
    store = Store(park_url)
    with store.write() as c:
        c.execute(
            insert(Enterprise).values(
                id=1, park_id=1, credit_code="91520900MA6DLWWWW3", name="W", industry="other"
            )
        )
        stations = [
            # id, code, kind, enterprise, water body, target class, noise zone, standard
            (1, "SW-1", "surface_water", None, "river", "III", None, None),
            (2, "N-1", "noise", None, None, None, "2", None),
            (3, "OUT-1", "wastewater_outlet", 1, None, None, None, "GB 18918-2002 1A"),
        ]
        c.execute(
            insert(Station),
            [
                {"id": i, "park_id": 1, "code": code, "name": code, "kind": kind,
                 "mn": f"MN{i:011d}", "enterprise_id": owner, "water_body": body,
                 "water_target_class": target, "noise_zone_class": zone,
                 "discharge_standard": std}
                for i, code, kind, owner, body, target, zone, std in stations
            ],
        )  # fmt: skip
        hours = list(_index(dt.date(YEAR, 6, 1), 24))
        rows = []
        for k, t in enumerate(hours):
            # NH3-N 0.5 mg/L (class II), one hour flagged D at 9.9 that must not count
            flag = "D" if k == 0 else "N"
            rows.append(
                {
                    "station_id": 1,
                    "parameter": "w21003",
                    "time": t.to_pydatetime(),
                    "value": 9.9 if k == 0 else 0.5,
                    "flag": flag,
                }
            )
            # LAeq 65 dB(A) at every hour: zone 2 day 60 and night 50 exceeded
            rows.append(
                {
                    "station_id": 2,
                    "parameter": "LAeq",
                    "time": t.to_pydatetime(),
                    "value": 65.0,
                    "flag": "N",
                }
            )
            # COD 40 mg/L (1A limit 50) and an hour under maintenance (M) at 500
            rows.append(
                {
                    "station_id": 3,
                    "parameter": "w01018",
                    "time": t.to_pydatetime(),
                    "value": 500.0 if k == 5 else 40.0,
                    "flag": "M" if k == 5 else "N",
                }
            )
        c.execute(insert(Measurement), [{"source": "test", **r} for r in rows])  # fmt: skip
    with store.read() as conn:
        data = read_park_data(conn, resolve_park(conn, None), YEAR)
    assert [s.code for s in data.stations] == ["N-1", "OUT-1", "SW-1"]
    out = next(s for s in data.stations if s.code == "OUT-1")
    assert out.enterprise == "91520900MA6DLWWWW3" and out.discharge_standard == "GB 18918-2002 1A"
    assert len(data.station_hourly["SW-1"]) == 23  # the D hour is not valid
    assert list(data.station_hourly["N-1"].columns) == [NOISE_COLUMN]
    assert data.station_hourly["OUT-1"]["COD"].max() == 40.0  # the M hour is not valid

    ev = evaluate(store, "miit-green-park", YEAR)
    assert ev.values["br_surface_water_class"].value == 1.0
    assert ev.values["br_noise_zone"].value == 0.0
    assert ev.values["br_discharge_compliance"].value == 1.0
    assert ev.values["br_surface_water_class"].completeness == pytest.approx(23 / HOURS)
    assert "br_noise_zone" in ev.score.mandatory_failed
    assert "br_no_major_accident" in ev.score.mandatory_undecided
    store.dispose()
