"""Indicator values computed from a small hand-built park, each checked against a hand
calculation (``greenpark.evaluation.values`` and ``greenpark.evaluation.service``).

The park is ``tests/ledger_park.py`` (manufacturer A and the multi-energy station S,
metered 2022 and 2023) plus, built by :func:`build_park`:

- a sewage plant W (outlet station judged by GB 18918-2002 1A) and, at A, an outlet under a
  sector standard (GB 8978-1996), which does not make A a sewage plant;
- a water meter at A: 1 000 m³ a month in 2023;
- yearly figures [10⁴ yuan]: 2023 A value added 1 000 / gross output 4 000, S 150 / 600,
  W 100 / 400; 2022 A 900 / 3 600 only; employees A 200, S 20, W not given;
- high-tech certificates: A 2021-11-01..2024-10-31 (valid in 2023), S 2019-06-01..2022-05-31
  (expired before 2023);
- buses: three battery-electric, one natural-gas and one diesel in service, one
  battery-electric out of service, and a battery-electric car;
- an ambient-air station with hourly PM2.5 (local days, Asia/Shanghai): 2023-03-01 23 valid
  hours at 30 μg/m³ and an hour flagged D (fault) at 400; 03-02 24 h at 75; 03-03 24 h at 95;
  03-04 19 h at 20 (too few hours); 2022-12-31 24 h at 200;
- the sewage plant's outlet flow: 24 h at 90 and 24 h at 110 m³/h, and two hours flagged M
  (maintenance) at 5 000.

The ledger by hand, one month of 2023 (GB/T 2589-2008: electricity 0.1229 kgce/kWh, gas-field
natural gas 1.2143 kgce/m³, fresh water 0.0857 kgce/t; Guizhou 2022 factor 0.4989 tCO2/MWh,
used for 2023 too; gas EF from the shipped table):

- grid electricity 110 000 kWh used - 50 000 kWh delivered by the station = 60 000 kWh;
  PV 20 000 kWh counted back as zero-carbon electricity;
- tce = 80 000 x 0.1229 / 1000 + 21 000 x 1.2143 / 1000 + 1 000 x 0.0857 / 1000
  = 9.832 + 25.5003 + 0.0857 = 35.418 tce (year 425.016);
- tCO2 = 60 000 x 0.4989 / 1000 + 21 000 x EF = 29.934 + 21 000 EF.

2022: A uses 90 000 kWh, so grid 50 000 kWh and tCO2 = 24.945 + 21 000 EF a month; no water.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import insert, select, update

import ledger_park as _park
from greenpark.errors import InputError
from greenpark.evaluation import load_scheme
from greenpark.evaluation.service import evaluate
from greenpark.evaluation.values import (
    MANUAL,
    ParkData,
    air_good_day_ratio,
    carbon_intensity_reduction,
    manual,
    scheme_values,
    wastewater_per_va,
)
from greenpark.standards.energy import fuel_emission_factor
from greenpark.store import Store
from greenpark.store.schema import (
    Enterprise,
    EnterpriseYear,
    HighTechCertificate,
    Measurement,
    Meter,
    MeterMonth,
    Station,
    Vehicle,
)

GAS_EF = fuel_emission_factor("natural_gas").value  # [tCO2/m³]
W = "91520900MA6DLWWWW3"
SHANGHAI = ZoneInfo("Asia/Shanghai")

# --- the hand calculation ---------------------------------------------------------------
TCE_MONTH = 80_000 * 0.1229 / 1000 + 21_000 * 1.2143 / 1000 + 1_000 * 0.0857 / 1000
TCE = 12 * TCE_MONTH  # 425.016 tce
TCO2 = 12 * (60_000 * 0.4989 / 1000 + 21_000 * GAS_EF)  # 904.08 t
TCO2_2022 = 12 * (50_000 * 0.4989 / 1000 + 21_000 * GAS_EF)  # 844.21 t
VA = 1000.0 + 150.0 + 100.0  # A + S + W, 2023 [10⁴ yuan]
VA_2022 = 900.0  # A only


def _hours(day: dt.date, values: list[float], flags: list[str] | None = None) -> list[dict]:
    """Hourly rows from local midnight of ``day`` (labelled by the start of the hour)."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=SHANGHAI)
    flags = flags or ["N"] * len(values)
    return [
        {"time": (start + dt.timedelta(hours=h)).astimezone(dt.UTC), "value": v, "flag": f}
        for h, (v, f) in enumerate(zip(values, flags, strict=True))
    ]


def build_park(url: str) -> Store:
    """The park of the module docstring, on the ``park_url`` store."""
    store = _park.build(url)
    with store.write() as c:
        c.execute(
            insert(Enterprise).values(
                id=3, park_id=1, credit_code=W, name="W sewage plant", industry="other"
            )
        )
        c.execute(update(Enterprise).where(Enterprise.id == 1).values(employees=200))
        c.execute(update(Enterprise).where(Enterprise.id == 2).values(employees=20))
        c.execute(
            update(EnterpriseYear)
            .where(EnterpriseYear.enterprise_id == 1, EnterpriseYear.year == 2023)
            .values(gross_output=4000.0)
        )
        c.execute(
            insert(EnterpriseYear),
            [
                {"enterprise_id": 2, "year": 2023, "value_added": 150.0, "gross_output": 600.0},
                {"enterprise_id": 3, "year": 2023, "value_added": 100.0, "gross_output": 400.0},
                {"enterprise_id": 1, "year": 2022, "value_added": 900.0, "gross_output": 3600.0},
            ],
        )
        c.execute(
            insert(HighTechCertificate),
            [
                {"enterprise_id": 1, "number": "GR202152000001",
                 "valid_from": dt.date(2021, 11, 1), "valid_to": dt.date(2024, 10, 31)},
                {"enterprise_id": 2, "number": "GR201952000002",
                 "valid_from": dt.date(2019, 6, 1), "valid_to": dt.date(2022, 5, 31)},
            ],
        )  # fmt: skip
        c.execute(
            insert(Meter).values(
                id=8, park_id=1, code="A-WA", name="A-WA", carrier="water", unit="m³",
                enterprise_id=1, direction="consumption", interval_s=900,
            )
        )  # fmt: skip
        c.execute(
            insert(MeterMonth),
            [
                {"meter_id": 8, "month": f"2023-{m:02d}", "quantity": 1000.0, "readings": 2976}
                for m in range(1, 13)
            ],
        )
        buses = [
            ("B1", "bus", "battery_electric", True),
            ("B2", "bus", "battery_electric", True),
            ("B3", "bus", "battery_electric", True),
            ("B4", "bus", "natural_gas", True),
            ("B5", "bus", "diesel", True),
            ("B6", "bus", "battery_electric", False),  # out of service: not counted
            ("C1", "car", "battery_electric", True),  # not a bus
        ]
        c.execute(
            insert(Vehicle),
            [
                {"park_id": 1, "code": code, "kind": kind, "energy": energy, "in_service": s}
                for code, kind, energy, s in buses
            ],
        )
        stations = [
            # id, code, kind, enterprise, discharge standard
            (1, "AIR-1", "ambient_air", None, None),
            (2, "WW-OUT", "wastewater_outlet", 3, "GB 18918-2002 1A"),
            (3, "WW-IN", "wastewater_inlet", 3, None),
            (4, "A-OUT", "wastewater_outlet", 1, "GB 8978-1996"),  # a sector standard
        ]
        c.execute(
            insert(Station),
            [
                {"id": i, "park_id": 1, "code": code, "name": code, "kind": kind,
                 "mn": f"MN{i:011d}", "enterprise_id": owner, "discharge_standard": std}
                for i, code, kind, owner, std in stations
            ],
        )  # fmt: skip
        air = (
            _hours(dt.date(2023, 3, 1), [30.0] * 23 + [400.0], ["N"] * 23 + ["D"])
            + _hours(dt.date(2023, 3, 2), [75.0] * 24)
            + _hours(dt.date(2023, 3, 3), [95.0] * 24)
            + _hours(dt.date(2023, 3, 4), [20.0] * 19)
            + _hours(dt.date(2022, 12, 31), [200.0] * 24)
        )
        flow = _hours(dt.date(2023, 5, 1), [90.0] * 24 + [110.0] * 24 + [5000.0] * 2,
                      ["N"] * 48 + ["M"] * 2)  # fmt: skip
        c.execute(
            insert(Measurement),
            [{"station_id": 1, "parameter": "a34004", "source": "test", **r} for r in air]
            + [{"station_id": 2, "parameter": "w00000", "source": "test", **r} for r in flow],
        )
    return store


@pytest.fixture
def park(park_url: str) -> Store:
    return build_park(park_url)


@pytest.fixture
def miit(park: Store):
    return evaluate(park, "miit-green-park", 2023)


def test_ledger_indicators(miit) -> None:
    v = miit.values
    # energy productivity = value added / tce = 1 250 / 425.016 = 2.941 万元/tce
    assert v["energy_productivity"].value == pytest.approx(VA / TCE)
    assert VA / TCE == pytest.approx(2.94107, rel=1e-5)
    assert v["energy_productivity"].unit == "万元/tce"
    # 12 months; A and S (the energy users) both report value added
    assert v["energy_productivity"].completeness == pytest.approx(1.0)
    # renewable = PV 20 000 kWh x 0.1229 / 1000 = 2.458 tce a month / 35.418 = 6.940 %
    assert v["renewable_share"].value == pytest.approx(100 * 2.458 / TCE_MONTH)
    assert v["renewable_share"].value == pytest.approx(6.94001, rel=1e-5)
    # clean = (2.458 + gas 25.5003) / 35.418 = 78.938 %
    assert v["clean_energy_rate"].value == pytest.approx(100 * (2.458 + 25.5003) / TCE_MONTH)
    assert v["clean_energy_rate"].value == pytest.approx(78.9381, rel=1e-5)
    # water productivity = 1 250 x 10⁴ yuan / 12 000 m³ = 1 041.67 元/m³
    assert v["water_productivity"].value == pytest.approx(VA * 1e4 / 12_000)
    assert v["water_productivity"].unit == "元/m³"
    assert v["water_productivity"].inputs["water_m3"]["value"] == pytest.approx(12_000)
    # tCO2 per 10⁴ yuan: 2023 904.08 / 1 250 = 0.72326; 2022 844.21 / 900 = 0.93801;
    # reduction = (1 - 0.72326 / 0.93801) x 100 = 22.89 %
    red = v["carbon_intensity_reduction"]
    assert red.value == pytest.approx(100 * (1 - (TCO2 / VA) / (TCO2_2022 / VA_2022)))
    assert red.value == pytest.approx(22.894, abs=1e-3)
    # 2022: S (an energy user) reports no value added -> 0.5; the lower year counts
    assert red.completeness == pytest.approx(0.5)
    assert red.inputs["tco2_previous"]["value"] == pytest.approx(TCO2_2022)


def test_registry_indicators(miit) -> None:
    v = miit.values
    # A's certificate is valid in 2023, S's ended 2022-05-31: 4 000 / (4 000 + 600 + 400)
    ht = v["high_tech_output_share"]
    assert ht.value == pytest.approx(80.0)
    assert ht.inputs["high_tech_enterprises"] == [_park.A]
    assert ht.completeness == pytest.approx(1.0)
    # value added / employees over A and S (W gives no head count): 1 150 / 220
    pc = v["industrial_va_per_capita"]
    assert pc.value == pytest.approx(1150 / 220)
    assert pc.unit == "万元/人"
    assert pc.completeness == pytest.approx(2 / 3)
    # buses in service: 3 battery-electric + 1 natural gas of 5 (B6 out of service, C1 a car)
    bus = v["new_energy_bus_share"]
    assert bus.value == pytest.approx(80.0)
    assert bus.inputs["by_energy"] == {"battery_electric": 3, "natural_gas": 1, "diesel": 1}
    # W has a GB 18918-2002 outlet; A's GB 8978 outlet does not make it a sewage plant
    wwtp = v["central_wwtp"]
    assert wwtp.value == 1.0
    assert len(wwtp.inputs["plants"]) == 1 and "WW-OUT" in wwtp.inputs["plants"][0]


def test_air_good_day_ratio(miit) -> None:
    # HJ 633-2012 PM2.5 24-h breakpoints (0, 35, 75, 115) -> IAQI (0, 50, 100, 150), rounded up:
    # 03-01: 23 valid hours at 30 (the D-flagged 400 is not valid) -> 50 x 30 / 35 = 42.9
    #        -> 43, good;
    # 03-02: 75 -> 100, good (<= 100);
    # 03-03: 95 -> 100 + 50 x (95 - 75) / 40 = 125, not good;
    # 03-04: 19 hours < 20 -> no daily AQI; 2022-12-31 is another year.
    air = miit.values["air_good_day_ratio"]
    assert air.value == pytest.approx(100 * 2 / 3)
    assert air.inputs["good_days"]["value"] == 2
    assert air.inputs["valid_days"]["value"] == 3
    assert air.completeness == pytest.approx(3 / 365)


def test_wastewater_per_va(miit) -> None:
    # valid flow: mean (24 x 90 + 24 x 110) / 48 = 100 m³/h (the M-flagged hours left out)
    # x 8 760 h = 876 000 t / 1 250 = 700.8 t/万元
    ww = miit.values["wastewater_per_va"]
    assert ww.value == pytest.approx(100 * 8760 / VA)
    assert ww.value == pytest.approx(700.8)
    assert ww.unit == "t/万元"
    assert ww.completeness == pytest.approx(48 / 8760)


def test_manual_items_are_none_not_numbers(miit) -> None:
    for id in ("solid_waste_utilisation", "green_building_share_public", "development_plan",
               "land_productivity", "pollutant_elasticity"):  # fmt: skip
        v = miit.values[id]
        assert v.value is None and v.note == MANUAL and v.is_manual
    assert manual("x", "%").note == "manual entry needed"
    computed = {k for k, v in miit.values.items() if v.value is not None}
    assert computed == {
        "energy_productivity", "renewable_share", "clean_energy_rate", "water_productivity",
        "carbon_intensity_reduction", "high_tech_output_share", "industrial_va_per_capita",
        "new_energy_bus_share", "air_good_day_ratio", "central_wwtp", "wastewater_per_va",
    }  # fmt: skip


def test_units_match_the_catalogue(miit) -> None:
    scheme = load_scheme("miit-green-park", year=2023)
    for ind in scheme.indicators:
        assert miit.values[ind.id].unit == ind.unit


def test_gi_and_mandatory_items(miit) -> None:
    # MIIT ratio scoring, cap 1, equal weights, missing values left out:
    scores = {
        "energy_productivity": (VA / TCE) / 3,  # 0.980
        "renewable_share": (100 * 2.458 / TCE_MONTH) / 15,  # 0.463
        "clean_energy_rate": 1.0,  # 78.9 / 75 capped
        "water_productivity": (VA * 1e4 / 12_000) / 1500,  # 0.694
        "central_wwtp": 1.0,  # met
        "new_energy_bus_share": 1.0,  # 80 / 30 capped
        "high_tech_output_share": 1.0,  # 80 / 30 capped
        "industrial_va_per_capita": (1150 / 220) / 15,  # 0.348
        "carbon_intensity_reduction": 1.0,  # 22.9 / 3 capped
        "wastewater_per_va": 5 / 700.8,  # lower is better: leading / value
        "air_good_day_ratio": (100 * 2 / 3) / 80,  # 0.833
    }
    score = miit.score
    for id, s in scores.items():
        assert score.indicator(id).score == pytest.approx(s), id
    assert score.index == pytest.approx(100 * sum(scores.values()) / len(scores))
    # mandatory items below their leading values fail; the manual ones are undecided
    assert set(score.mandatory_failed) == {
        "energy_productivity", "renewable_share", "water_productivity",
        "industrial_va_per_capita", "wastewater_per_va", "air_good_day_ratio",
    }  # fmt: skip
    assert "solid_waste_utilisation" in score.mandatory_undecided
    assert score.indicator("central_wwtp").passed is True
    assert score.passed is False


def test_three_years_when_data_exists(park: Store) -> None:
    ev = evaluate(park, "miit-green-park", 2023)
    # 2021 has no energy, no yearly figures and no air data: only 2022 and 2023
    assert [y.year for y in ev.years] == [2022, 2023]
    y22 = ev.of_year(2022)
    assert y22 is not None and y22.score is not None
    # 2022: 2022-12-31 at 200 μg/m³ -> AQI 200 + 100 x 50 / 100 = 250: 0 good of 1 day
    assert y22.values["air_good_day_ratio"].value == pytest.approx(0.0)
    # 2022 energy productivity: 900 / (12 x (70 000 x 0.1229 + 21 000 x 1.2143) / 1000)
    tce_2022 = 12 * (70_000 * 0.1229 + 21_000 * 1.2143) / 1000
    assert y22.values["energy_productivity"].value == pytest.approx(VA_2022 / tce_2022)
    # 2021 is not in the store: the 2022 reduction cannot be computed
    red = y22.values["carbon_intensity_reduction"]
    assert red.value is None and "no ledger data for 2021" in red.note
    # 2022 high-tech: only A reports gross output (3 600), certified -> 100 %
    assert y22.values["high_tech_output_share"].value == pytest.approx(100.0)
    assert y22.values["high_tech_output_share"].completeness == pytest.approx(1 / 3)


def _copy_year(store: Store, source: int, target: int) -> None:
    """Meter months and yearly figures of ``source`` again as ``target``."""
    with store.write() as c:
        months = c.execute(select(MeterMonth).where(MeterMonth.month.startswith(f"{source}-")))
        c.execute(
            insert(MeterMonth),
            [{"meter_id": m.meter_id, "month": f"{target}{m.month[4:]}", "quantity": m.quantity,
              "readings": m.readings} for m in months],
        )  # fmt: skip
        figures = c.execute(select(EnterpriseYear).where(EnterpriseYear.year == source))
        c.execute(
            insert(EnterpriseYear),
            [{"enterprise_id": f.enterprise_id, "year": target, "value_added": f.value_added,
              "gross_output": f.gross_output} for f in figures],
        )  # fmt: skip


def test_zero_carbon_park(park: Store) -> None:
    # the 2025 notice is in force from 2025: the 2023 figures again as 2025 (the Guizhou
    # 2022 factor 0.4989 is still the newest published, so tCO2 is the same)
    _copy_year(park, 2023, 2025)
    ev = evaluate(park, "zero-carbon-park", 2025)
    # 2024 has no data and the scheme is not in force in 2023: 2025 alone
    assert [y.year for y in ev.years] == [2025]
    # core: tCO2 / tce = 904.08 / 425.016 = 2.127
    core = ev.values["co2_per_tce"]
    assert core.value == pytest.approx(TCO2 / TCE)
    assert core.value == pytest.approx(2.12716, rel=1e-5)
    assert core.unit == "tCO2/tce"
    # 425 tce a year: the variant for parks under 0.2 Mtce, which has no threshold
    assert ev.current.park_attributes == {"annual_energy_tce": pytest.approx(TCE)}
    assert ev.score.indicator("co2_per_tce").status == "no_reference"
    # guiding: clean-energy share 78.9 % < 90 %
    assert ev.values["clean_energy_share"].value == pytest.approx(78.9381, rel=1e-5)
    assert ev.score.indicator("clean_energy_share").reached is False
    assert ev.values["waste_heat_utilisation"].note == MANUAL
    # not scored, shown: green electricity = PV 20 000 / 110 000 kWh used
    assert ev.current.supplementary["green_electricity_share"].value == pytest.approx(
        100 * 20_000 / 110_000
    )
    # a park of 0.5 Mtce is held to <= 0.20 tCO2/tce: 2.13 fails the veto item
    big = evaluate(park, "zero-carbon-park", 2025, park_attributes={"annual_energy_tce": 5e5})
    assert big.score.indicator("co2_per_tce").indicator.leading == pytest.approx(0.20)
    assert "co2_per_tce" in big.score.mandatory_failed


def test_zero_carbon_needs_the_park_size(park_url: str) -> None:
    # an empty park: no ledger, so the size variant cannot be chosen
    with pytest.raises(InputError, match="annual_energy_tce"):
        evaluate(Store(park_url), "zero-carbon-park", 2025)


def test_pure_functions_without_data() -> None:
    assert air_good_day_ratio({}, year=2023).value is None
    no_prev = carbon_intensity_reduction(None, None)
    assert no_prev.value is None and no_prev.note
    assert wastewater_per_va((), {}, 1000.0, 2023).value is None
    empty = ParkData(year=2023)
    values = scheme_values(load_scheme("miit-green-park", year=2023), empty)
    assert all(v.value is None for k, v in values.items() if k != "central_wwtp")
    assert values["central_wwtp"].value == 0.0  # no sewage plant registered
    # one station, one good day: 24 h at 35 μg/m³ -> IAQI 50
    idx = pd.date_range("2023-06-01", periods=24, freq="h", tz=SHANGHAI).tz_convert("UTC")
    one = air_good_day_ratio({"S": pd.DataFrame({"pm2_5": [35.0] * 24}, index=idx)}, year=2023)
    assert one.value == pytest.approx(100.0)


def test_a_catalogue_with_another_unit_is_refused(tmp_path: Path) -> None:
    # a corrected catalogue giving water productivity in 万元/m³: the value (元/m³) is refused
    # rather than scored in the wrong unit
    src = resources.files("greenpark.evaluation").joinpath("catalogues", "miit_green_park.csv")
    rows = list(csv.DictReader(io.StringIO(src.read_text("utf-8-sig"))))
    for r in rows:
        if r["id"] == "water_productivity":
            r["unit"] = "万元/m³"
    path = tmp_path / "miit.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    scheme = load_scheme("miit-green-park", year=2023, path=path)
    with pytest.raises(InputError, match="water_productivity"):
        scheme_values(scheme, ParkData(year=2023))
