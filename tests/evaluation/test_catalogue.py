"""Evaluation catalogues: the shipped schemes load with the indicators of
``../shared/reference/standards.md`` §8 (MIIT green park 8.1, green factory 8.2, green data
centres 8.3) and ``platforms.md`` (zero-carbon park 1 + 5), and a bad catalogue is refused with
file, row and column."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from greenpark.errors import InputError, RowsError
from greenpark.evaluation import available_schemes, load_scheme
from greenpark.evaluation.catalogue import COLUMNS

#: standards.md 8.1: id -> (item number, group, leading value, mandatory); values [U].
MIIT = {
    "energy_productivity": ("1", "EG", 3, True),
    "renewable_share": ("2", "EG", 15, True),
    "clean_energy_rate": ("3", "EG", 75, True),
    "water_productivity": ("4", "RG", 1500, True),
    "land_productivity": ("5", "RG", 15, True),
    "solid_waste_utilisation": ("6", "RG", 95, True),
    "industrial_water_reuse": ("7", "RG", 90, True),
    "reclaimed_water_reuse": ("8", "RG", 30, False),
    "waste_heat_recovery": ("9", "RG", 60, False),
    "waste_gas_recovery": ("10", "RG", 90, False),
    "renewable_resource_recovery": ("11", "RG", 80, False),
    "central_wwtp": ("12", "IG", None, True),
    "green_building_share_industrial": ("13", "IG", 30, False),
    "green_building_share_public": ("14", "IG", 60, False),
    "bus_stop_coverage_500m": ("15", "IG", 90, False),
    "new_energy_bus_share": ("16", "IG", 30, False),
    "high_tech_output_share": ("17", "CG", 30, True),
    "green_industry_va_share": ("18", "CG", 30, True),
    "industrial_va_per_capita": ("19", "CG", 15, True),
    "modern_services_share": ("20", "CG", 30, False),
    "solid_waste_disposal": ("21", "EQ", 100, True),
    "carbon_intensity_reduction": ("22", "EQ", 3, True),
    "wastewater_per_va": ("23", "EQ", 5, True),
    "pollutant_elasticity": ("24", "EQ", 0.3, True),
    "air_good_day_ratio": ("25", "EQ", 80, True),
    "green_coverage": ("26", "EQ", 30, False),
    "eq_item_27": ("27", "EQ", None, False),
    "eq_item_28": ("28", "EQ", None, False),
    "standard_system": ("29", "MG", None, True),
    "development_plan": ("30", "MG", None, True),
    "information_platform": ("31", "MG", None, True),
}


def _shipped_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("greenpark.evaluation").joinpath("catalogues", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _write(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    cols = columns or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def test_every_shipped_scheme_loads() -> None:
    assert available_schemes() == (
        "miit-green-park",
        "zero-carbon-park",
        "green-data-centre",
        "green-factory",
    )
    for name in available_schemes():
        scheme = load_scheme(name, year=2026)
        assert scheme.name == name
        assert scheme.indicators
        for i in scheme.indicators:
            assert i.source and i.confidence in ("V2", "S1", "U"), i
            assert i.direction in ("higher", "lower", "pass"), i
        assert scheme.settings.source


def test_miit_green_park_has_31_indicators_in_6_groups() -> None:
    scheme = load_scheme("miit-green-park", year=2025)
    assert scheme.version == "2016"
    # the 31 numbered indicators, then the 8 basic requirements (group BR, refs BR1..BR8)
    numbered = [i for i in scheme.indicators if i.group != "BR"]
    assert len(numbered) == 31 and len(scheme.indicators) == 31 + 8
    assert [g.code for g in scheme.groups] == ["EG", "RG", "IG", "CG", "EQ", "MG", "BR"]
    sizes = {g.code: sum(i.group == g.code for i in scheme.indicators) for g in scheme.groups}
    assert sizes == {"EG": 3, "RG": 8, "IG": 5, "CG": 4, "EQ": 8, "MG": 3, "BR": 8}
    got = {i.id: (i.ref, i.group, i.leading, i.mandatory) for i in numbered}
    assert got == MIIT
    assert sum(i.mandatory for i in numbered) == 19
    # every leading value of 8.1 is uncertain and says so
    assert {i.confidence for i in numbered} == {"U"}
    assert scheme.indicator("pollutant_elasticity").direction == "lower"
    assert scheme.indicator("wastewater_per_va").direction == "lower"
    assert scheme.indicator("central_wwtp").is_pass
    assert scheme.settings.method == "ratio"
    assert scheme.settings.index_name == "GI"
    assert scheme.settings.group("EQ").name_zh == "生态环境绿色化指标"


def test_zero_carbon_core_threshold_depends_on_park_size() -> None:
    scheme = load_scheme("zero-carbon-park", year=2026)
    assert scheme.park_attributes == ("annual_energy_tce",)
    assert scheme.ids == (
        "co2_per_tce",
        "clean_energy_share",
        "product_energy_grade2",
        "solid_waste_utilisation",
        "waste_heat_utilisation",
        "industrial_water_reuse",
    )
    with pytest.raises(InputError, match="variants"):
        scheme.indicator("co2_per_tce")
    for tce, leading in [(200_000, 0.20), (999_999, 0.20), (1_000_000, 0.30), (5e6, 0.30)]:
        core = scheme.for_park({"annual_energy_tce": tce}).indicator("co2_per_tce")
        assert (core.leading, core.unit, core.direction, core.mandatory) == (
            leading,
            "tCO2/tce",
            "lower",
            True,
        )
    small = load_scheme("zero-carbon-park", park={"annual_energy_tce": 150_000})
    assert small.indicator("co2_per_tce").leading is None
    guiding = {i.id: i.leading for i in small.indicators if i.group == "guiding"}
    assert guiding == {
        "clean_energy_share": 90,
        "product_energy_grade2": None,
        "solid_waste_utilisation": 80,
        "waste_heat_utilisation": 50,
        "industrial_water_reuse": 80,
    }
    assert not any(i.mandatory for i in small.indicators if i.group == "guiding")
    with pytest.raises(InputError, match="annual_energy_tce"):
        scheme.for_park({})


def test_green_data_centre_criteria() -> None:
    scheme = load_scheme("green-data-centre", year=2025)
    assert len(scheme.indicators) == 9
    pue = scheme.indicator("pue")
    assert (pue.leading, pue.direction, pue.mandatory, pue.confidence) == (
        1.30,
        "lower",
        True,
        "V2",
    )
    assert scheme.indicator("standard_racks").leading == 3000
    assert scheme.indicator("rack_utilisation").leading == 60
    assert all(i.mandatory for i in scheme.indicators)


def test_green_factory_items_and_variants() -> None:
    scheme = load_scheme("green-factory", year=2026)
    assert scheme.version == "GB/T 36132-2025"
    assert len(scheme.ids) == 22
    assert set(scheme.park_attributes) == {"annual_energy_tce", "has_energy_quota_standard"}
    factory = scheme.for_park({"annual_energy_tce": 4000, "has_energy_quota_standard": 0})
    assert len(factory.indicators) == 22
    assert "3000..5000" in str(factory.indicator("renewable_share").applies[0])
    assert factory.indicator("energy_intensity").unit == "kgce/万元"
    platform = factory.indicator("platform_functions")
    assert (platform.leading, platform.base, platform.weight) == (8, 0, 6)
    gates = [i.id for i in factory.indicators if i.group == "basic"]
    assert gates == [
        "lawful_no_accidents",
        "no_banned_processes",
        "discharge_permit",
        "management_systems",
    ]
    assert all(factory.indicator(g).mandatory and factory.indicator(g).is_pass for g in gates)
    # GB/T 36132-2025 is used from the 2026 evaluation year
    with pytest.raises(InputError, match="in force in 2025"):
        load_scheme("green-factory", year=2025)


def test_names_accept_underscores_and_unknown_scheme_is_refused() -> None:
    assert load_scheme("GREEN_DATA_CENTRE", year=2025).name == "green-data-centre"
    with pytest.raises(InputError, match="unknown evaluation scheme 'blue-park'"):
        load_scheme("blue-park")


def test_validity_chooses_the_row_in_force(tmp_path: Path) -> None:
    rows = _shipped_rows("green_data_centre.csv")
    old = dict(rows[1], leading="1.40", valid_from="2020-01-01", valid_to="2024-12-31")
    new = dict(rows[1], valid_from="2025-01-01")
    path = _write(tmp_path / "dc.csv", [old, new])
    assert load_scheme("green-data-centre", year=2024, path=path).indicator("pue").leading == 1.4
    assert load_scheme("green-data-centre", year=2025, path=path).indicator("pue").leading == 1.3
    with pytest.raises(InputError, match="in force in 2019"):
        load_scheme("green-data-centre", year=2019, path=path)


def test_user_catalogue_with_its_own_name_and_settings(tmp_path: Path) -> None:
    rows = [dict(r, scheme="guizhou-park") for r in _shipped_rows("miit_green_park.csv")[:3]]
    path = _write(tmp_path / "guizhou.csv", rows)
    scheme = load_scheme("guizhou-park", path=path, settings={"method": "threshold"})
    assert scheme.ids == ("energy_productivity", "renewable_share", "clean_energy_rate")
    assert scheme.settings.method == "threshold"
    assert scheme.source_file == str(path)
    toml = tmp_path / "s.toml"
    toml.write_text("[miit-green-park]\ncap = 1.2\npass_mark = 80.0\n", encoding="utf-8")
    conf = load_scheme("miit-green-park", settings=toml).settings
    assert (conf.cap, conf.pass_mark, conf.method, conf.index_name) == (1.2, 80.0, "ratio", "GI")
    assert conf.group("EG").name_en == "energy use"


def _errors(path: Path, name: str = "miit-green-park") -> list[tuple[int, str, str]]:
    with pytest.raises(RowsError) as info:
        load_scheme(name, path=path)
    assert str(path) in str(info.value)
    for e in info.value.errors:
        assert e.file == str(path)
    return [(e.row, e.column, e.reason) for e in info.value.errors]


def test_bad_catalogue_names_file_row_and_column(tmp_path: Path) -> None:
    rows = _shipped_rows("miit_green_park.csv")
    rows[0] = dict(rows[0], direction="up")  # row 2
    rows[1] = dict(rows[1], weight="heavy")  # row 3
    rows[2] = dict(rows[2], id="waste_heat_recovery")  # row 4: row 10 repeats its id
    rows[3] = dict(rows[3], mandatory="maybe")  # row 5
    rows[4] = dict(rows[4], confidence="high")  # row 6
    rows[5] = dict(rows[5], leading="-5")  # row 7: the ratio method needs leading > 0
    rows[6] = dict(rows[6], valid_from="2016-13-01")  # row 8
    rows[7] = dict(rows[7], scheme="zero-carbon-park")  # row 9
    rows[11] = dict(rows[11], leading="1")  # row 13: pass item with a leading value
    rows[12] = dict(rows[12], base="40")  # row 14: higher is better but base above leading
    rows[13] = dict(rows[13], applies="annual_energy_tce:5..1")  # row 15
    path = _write(tmp_path / "bad.csv", rows)
    errors = _errors(path)
    where = [(row, column) for row, column, _ in errors]
    assert where == [
        (2, "direction"),
        (3, "weight"),
        (5, "mandatory"),
        (6, "confidence"),
        (7, "leading"),
        (8, "valid_from"),
        (9, "scheme"),
        (13, "leading"),
        (14, "leading"),
        (15, "applies"),
        (10, "id"),
    ]
    reasons = dict(((row, col), why) for row, col, why in errors)
    assert "'up' is not one of higher, lower, pass" in reasons[(2, "direction")]
    assert "'heavy' is not a number" in reasons[(3, "weight")]
    assert "duplicate id 'waste_heat_recovery': row 4" in reasons[(10, "id")]
    assert "must be above base 40" in reasons[(14, "leading")]
    assert "low must be below high" in reasons[(15, "applies")]


def test_bad_catalogue_message_reads_file_row_column(tmp_path: Path) -> None:
    rows = _shipped_rows("green_data_centre.csv")
    rows[3] = dict(rows[3], weight="x")
    path = _write(tmp_path / "dc.csv", rows)
    with pytest.raises(InputError) as info:
        load_scheme("green-data-centre", path=path)
    assert f"{path}: row 5, column 'weight': 'x' is not a number" in str(info.value)


def test_missing_columns_and_unknown_group(tmp_path: Path) -> None:
    rows = _shipped_rows("green_data_centre.csv")
    path = _write(tmp_path / "cols.csv", rows, [c for c in COLUMNS if c != "weight"])
    assert _errors(path, "green-data-centre") == [(1, "weight", "column missing from the header")]
    rows[0] = dict(rows[0], group="money")
    path = _write(tmp_path / "group.csv", rows)
    with pytest.raises(InputError, match=r"row 2, column 'group': group 'money'"):
        load_scheme("green-data-centre", path=path)


def test_variants_may_share_an_id_only_when_disjoint(tmp_path: Path) -> None:
    rows = _shipped_rows("zero_carbon_park.csv")
    rows[2] = dict(rows[2], applies="annual_energy_tce:900000..")  # overlaps row 3's range
    path = _write(tmp_path / "zc.csv", rows)
    assert [(r, c) for r, c, _ in _errors(path, "zero-carbon-park")] == [(4, "id")]


def test_bad_settings_are_refused() -> None:
    with pytest.raises(InputError, match="setting 'method': 'median' is not one of"):
        load_scheme("miit-green-park", settings={"method": "median"})
    with pytest.raises(InputError, match="setting 'colour': unknown setting"):
        load_scheme("miit-green-park", settings={"colour": "green"})
    with pytest.raises(InputError, match="setting 'groups': must be a table"):
        load_scheme("miit-green-park", settings={"groups": ["EG"]})
    with pytest.raises(InputError, match=r"setting 'groups.EG.weight': -1 is not a number >= 0"):
        load_scheme("miit-green-park", settings={"groups": {"EG": {"weight": -1}}})
    with pytest.raises(InputError, match="setting 'cap'"):
        load_scheme("miit-green-park", settings={"cap": "full"})


def test_import_is_light() -> None:
    heavy = ("pandas", "numpy", "sqlalchemy", "fastapi", "openpyxl", "click")
    code = (
        "import sys, greenpark.evaluation\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
