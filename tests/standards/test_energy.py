"""Standard coal and CO2 factors against the worked examples of
``../shared/reference/standards.md`` §9.6 (GB/T 2589 Appendix A; MEE/NBS electricity factors;
EF = NCV x CC x OF x 44/12)."""

from __future__ import annotations

import pytest

from greenpark.standards import energy
from greenpark.standards.energy import (
    coal_coefficient,
    electricity_factor,
    fuel_emission_factor,
    purchased_factor,
    standard_coal,
)


@pytest.mark.parametrize(
    ("quantity", "name", "kgce"),
    [
        (10_000, "electricity", 1229.0),  # 10 000 kWh x 0.1229
        (1000, "natural_gas_gasfield", 1214.3),  # 1 000 m³ gasfield gas
        (1000, "natural_gas_oilfield", 1330.0),
        (1000, "raw_coal", 714.3),  # 1 t = 1 000 kg raw coal
        (1000, "diesel", 1457.1),
        (100, "heat", 3412.0),  # 100 GJ heat (34.12 kgce/GJ)
    ],
)
def test_standard_coal_worked_examples(quantity: float, name: str, kgce: float) -> None:
    assert standard_coal(quantity, name) == pytest.approx(kgce, abs=0.05)


def test_equal_value_is_labelled_and_needs_a_value() -> None:
    with pytest.raises(ValueError, match="no reference coefficient"):
        coal_coefficient("electricity", basis="equal")
    c = coal_coefficient("electricity", basis="equal", value=0.305)
    assert (c.basis, c.value, c.source) == ("equal", 0.305, "given")
    assert coal_coefficient("electricity").basis == "equivalent"


def test_measured_heating_value_overrides() -> None:
    # 5 000 kcal/kg = 20 934 kJ/kg measured → 20 934 / 29 307 kgce/kg (GB/T 2589 clause 4)
    c = coal_coefficient("raw_coal", heating_value=20934)
    assert c.value == pytest.approx(20934 / 29307)
    assert c.source == "measured"
    # the reference value is 5 000 kcal/kg / 7 000 kcal/kgce = 0.7143 (table A.1)
    assert coal_coefficient("raw_coal").value == 0.7143


def test_range_rows_need_a_measured_value() -> None:
    with pytest.raises(ValueError, match="range"):
        coal_coefficient("coke_oven_gas")
    assert coal_coefficient("coke_oven_gas", heating_value=17000).value == pytest.approx(
        0.58007, 1e-4
    )


def test_bad_inputs_named() -> None:
    with pytest.raises(ValueError, match=r"unknown|no equivalent"):
        coal_coefficient("plutonium")
    with pytest.raises(ValueError, match="basis"):
        coal_coefficient("diesel", basis="primary")
    with pytest.raises(ValueError, match="positive"):
        coal_coefficient("diesel", heating_value=0)


@pytest.mark.parametrize(
    ("mwh", "year", "calibre", "area", "tco2"),
    [
        (1, 2023, "national", "china", 0.5306),
        (12.345, 2022, "province", "guizhou", 6.159),  # 12 345 kWh in Guizhou 2022
        (1, 2023, "region", "south", 0.4042),
    ],
)
def test_electricity_worked_examples(
    mwh: float, year: int, calibre: str, area: str, tco2: float
) -> None:
    f = electricity_factor(year, calibre, area)
    assert f.year == year and f.note == ""
    assert mwh * f.value == pytest.approx(tco2, abs=5e-4)


def test_nearest_earlier_year_is_used_and_said() -> None:
    f = electricity_factor(2025, "province", "guizhou")  # 2023+ provincial not published
    assert (f.year, f.value) == (2022, 0.4989)
    assert "2025 not published: the 2022 factor is used" in f.note
    f = electricity_factor(2025, "enterprise_reporting")
    assert (f.year, f.value) == (2023, 0.5703)
    with pytest.raises(ValueError, match="first published data year: 2021"):
        electricity_factor(2019, "region", "south")
    with pytest.raises(ValueError, match="known"):
        electricity_factor(2023, "province", "atlantis")


@pytest.mark.parametrize(
    ("fuel", "quantity", "tco2"),
    [
        ("natural_gas", 10_000, 21.62),  # 389.31 GJ x 15.3 tC/TJ x 0.99 x 44/12
        ("diesel", 1, 3.096),
        ("raw_coal", 1, 1.900),  # 26.37 tC/TJ, 94 %
    ],
)
def test_fuel_worked_examples(fuel: str, quantity: float, tco2: float) -> None:
    assert quantity * fuel_emission_factor(fuel).value == pytest.approx(tco2, abs=5e-3)


def test_fuel_measured_values_and_errors() -> None:
    f = fuel_emission_factor("natural_gas", carbon_content=15.32)
    assert 10_000 * f.value == pytest.approx(21.65, abs=5e-3)  # "2.165 with 15.32"
    assert "measured: cc" in f.note
    with pytest.raises(ValueError, match="fraction"):
        fuel_emission_factor("diesel", oxidation=98)
    with pytest.raises(ValueError, match="known"):
        fuel_emission_factor("hydrogen")


def test_purchased_heat() -> None:
    assert purchased_factor("heat").value == 0.11
    with pytest.raises(ValueError):
        purchased_factor("cooling")


def test_tables_carry_unit_source_and_confidence() -> None:
    for name in ("standard_coal.csv", "electricity_co2.csv", "fuel_co2.csv", "purchased_co2.csv"):
        rows = energy._read(name)
        assert rows, name
        for r in rows:
            assert r["source"] and r["confidence"] in {"V2", "S1", "U"}, (name, r)
            assert any(k.endswith("unit") and r[k] for k in r), (name, r)
