"""Scoring engine against the linear scoring vectors of ``../shared/reference/standards.md``
§9.7 (GB/T 36132-2025 style: base value -> 0, leading value -> full marks, linear between),
the MIIT GI ratio rule (§8.1), thresholds (zero-carbon park, green data centres), pass/fail
mandatory items, missing values and catalogue changes."""

from __future__ import annotations

import csv
import io
import math
from importlib import resources
from pathlib import Path

import pytest

from greenpark.errors import InputError
from greenpark.evaluation import (
    Group,
    Indicator,
    Settings,
    gap,
    load_scheme,
    reached,
    score_indicator,
    score_scheme,
)

LINEAR = Settings(method="linear")
RATIO = Settings(method="ratio")
THRESHOLD = Settings(method="threshold")


def _ind(
    direction: str,
    leading: float | None = None,
    base: float | None = None,
    *,
    weight: float | None = 1.0,
    mandatory: bool = False,
    id: str = "x",
    group: str = "G",
) -> Indicator:
    return Indicator(
        scheme="test",
        version="1",
        id=id,
        group=group,
        name_zh="",
        name_en=id,
        unit="%",
        direction=direction,
        leading=leading,
        base=base,
        mandatory=mandatory,
        weight=weight,
        formula="",
        source="test",
        valid_from=None,
        valid_to=None,
        confidence="U",
    )


# standards.md 9.7, higher is better: base 18 %, leading 55 %, weight 8.
@pytest.mark.parametrize(
    ("value", "points"),
    [(36.5, 4.0), (60.0, 8.0), (10.0, 0.0), (18.0, 0.0), (55.0, 8.0)],
)
def test_linear_vectors_higher_is_better(value: float, points: float) -> None:
    s = score_indicator(_ind("higher", 55, 18, weight=8), value, LINEAR)
    assert s.status == "scored"
    assert s.points == pytest.approx(points)  # 8 x (36.5 - 18) / (55 - 18) = 4.0


# standards.md 9.7, lower is better: base 3.9, leading 2.2, weight 8.
@pytest.mark.parametrize(
    ("value", "points"),
    [(3.05, 4.0), (2.2, 8.0), (1.0, 8.0), (3.9, 0.0), (5.0, 0.0)],
)
def test_linear_vectors_lower_is_better(value: float, points: float) -> None:
    s = score_indicator(_ind("lower", 2.2, 3.9, weight=8), value, LINEAR)
    assert s.points == pytest.approx(points)  # 8 x (3.9 - 3.05) / (3.9 - 2.2) = 4.0


def test_linear_needs_base_and_leading() -> None:
    s = score_indicator(_ind("higher", 55), 40.0, LINEAR)
    assert (s.status, s.score, s.points) == ("no_reference", None, None)
    assert "base ? -> 0" in s.rule


def test_ratio_rule_and_lower_is_better_inversion() -> None:
    up = _ind("higher", 15)
    assert score_indicator(up, 12.0, RATIO).score == pytest.approx(0.8)
    assert score_indicator(up, 30.0, RATIO).score == 1.0  # capped at 1
    assert score_indicator(up, 30.0, Settings(method="ratio", cap=1.2)).score == 1.2
    assert score_indicator(up, -2.0, RATIO).score == 0.0  # e.g. carbon intensity rose
    down = _ind("lower", 0.3)  # pollutant elasticity coefficient
    assert score_indicator(down, 0.6, RATIO).score == pytest.approx(0.5)
    assert score_indicator(down, 0.3, RATIO).score == 1.0
    assert score_indicator(down, 0.15, RATIO).score == 1.0
    assert score_indicator(down, -0.2, RATIO).score == 1.0  # pollution fell while output grew
    assert score_indicator(down, 0.6, RATIO).rule == "ratio: 0.3 / value"


def test_threshold_and_equality() -> None:
    pue = _ind("lower", 1.30)
    assert score_indicator(pue, 1.30, THRESHOLD).score == 1.0
    assert score_indicator(pue, 0.1 + 0.2 + 1.0, THRESHOLD).reached  # 1.3000000000000003
    assert score_indicator(pue, 1.31, THRESHOLD).score == 0.0
    racks = _ind("higher", 3000)
    assert score_indicator(racks, 3000, THRESHOLD).score == 1.0
    assert score_indicator(racks, 2999, THRESHOLD).score == 0.0


def test_gap_in_the_indicators_unit_and_direction() -> None:
    assert gap(_ind("higher", 15), 12.0) == pytest.approx(3.0)  # 3 points short
    assert gap(_ind("higher", 15), 20.0) == pytest.approx(-5.0)  # 5 points of margin
    assert gap(_ind("lower", 1.30), 1.42) == pytest.approx(0.12)  # PUE must fall 0.12
    assert gap(_ind("lower", 1.30), 1.25) == pytest.approx(-0.05)
    assert gap(_ind("pass"), 1) == 0.0
    assert gap(_ind("pass"), 0) == 1.0
    assert gap(_ind("higher", 15), None) is None
    assert gap(_ind("higher"), 12.0) is None  # no leading value
    assert reached(_ind("higher", 15), 15.0) is True
    assert reached(_ind("lower", 5), 5.5) is False


def test_pass_items_and_mandatory_verdicts() -> None:
    gate = _ind("pass", mandatory=True)
    met, not_met = score_indicator(gate, 1, RATIO), score_indicator(gate, False, RATIO)
    assert (met.score, met.passed, met.reached) == (1.0, True, True)
    assert (not_met.score, not_met.passed, not_met.reached) == (0.0, False, False)
    with pytest.raises(InputError, match="pass/fail: give 1"):
        score_indicator(gate, 0.5)
    item = _ind("higher", 55, 18, mandatory=True)
    assert score_indicator(item, 40.0, LINEAR).passed is False  # below leading
    assert score_indicator(item, 40.0, Settings(mandatory_pass="base")).passed is True
    assert score_indicator(item, 10.0, Settings(mandatory_pass="base")).passed is False
    assert score_indicator(item, 10.0, Settings(mandatory_pass="reported")).passed is True
    assert score_indicator(_ind("higher", 55), 60.0).passed is None  # optional item


def test_missing_value_is_flagged_not_zero() -> None:
    for value in (None, math.nan):
        s = score_indicator(_ind("higher", 55, 18, mandatory=True), value, LINEAR)
        assert (s.status, s.score, s.points, s.passed, s.gap) == (
            "missing",
            None,
            None,
            None,
            None,
        )
    with pytest.raises(InputError, match="is text"):
        score_indicator(_ind("higher", 55, 18), "36.5")


def test_miit_gi_pass_fail_and_missing() -> None:
    scheme = load_scheme("miit-green-park", year=2025)
    values = {
        "renewable_share": 12.0,  # 12/15 = 0.8
        "pollutant_elasticity": 0.6,  # 0.3/0.6 = 0.5
        "central_wwtp": 1,  # met
        "information_platform": 0,  # not met
        "green_coverage": 45.0,  # optional, 45/30 capped at 1
        "energy_productivity": None,  # mandatory, no value
    }
    r = score_scheme(scheme, values)
    assert r.index_name == "GI"
    assert r.index == pytest.approx(100 * (0.8 + 0.5 + 1 + 0 + 1) / 5)
    assert r.index_max == 100
    assert r.indicator("central_wwtp").passed is True
    assert r.mandatory_failed == ("renewable_share", "pollutant_elasticity", "information_platform")
    assert "energy_productivity" in r.mandatory_undecided
    assert r.mandatory_passed is False and r.passed is False
    assert r.indicator("energy_productivity").status == "missing"
    assert r.unreferenced == ("eq_item_27", "eq_item_28")
    # 29 scorable numbered indicators + the 8 basic requirements (pass items, not in the GI)
    assert r.completeness == pytest.approx(5 / 37)
    eg = next(g for g in r.groups if g.group.code == "EG")
    assert (eg.score, eg.indicators, eg.scored) == (pytest.approx(0.8), 3, 1)
    # missing = "zero": the mandatory item without a value now counts as 0
    zero = load_scheme("miit-green-park", year=2025, settings={"missing": "zero"})
    rz = score_scheme(zero, values)
    assert rz.index == pytest.approx(100 * 3.3 / 29)


def test_group_weighted_gi_and_pass_mark() -> None:
    scheme = load_scheme(
        "miit-green-park",
        settings={
            "aggregation": "group_weighted",
            "pass_mark": 80.0,
            "mandatory_pass": "reported",
            "groups": {"EG": {"weight": 3.0}},
        },
    )
    r = score_scheme(scheme, {"renewable_share": 15.0, "central_wwtp": 1, "green_coverage": 15.0})
    assert scheme.settings.group("EG") == Group("EG", "能源利用绿色化指标", "energy use", 3.0)
    # EG 1.0 (weight 3), IG 1.0 (weight 1), EQ 0.5 (weight 1)
    assert r.index == pytest.approx(100 * (3 * 1.0 + 1.0 + 0.5) / 5)
    assert r.index >= 80 and r.mandatory_passed is None and r.passed is None
    complete = {i: 1 for i in ("central_wwtp", "standard_system", "development_plan")}
    complete |= {i.id: 1 for i in scheme.indicators if i.group == "BR"}  # basic requirements
    complete |= {i.id: i.leading for i in scheme.indicators if i.mandatory and i.leading}
    complete["information_platform"] = 1
    done = score_scheme(scheme, complete)
    assert done.mandatory_passed is True and done.index == 100 and done.passed is True


def test_changing_a_leading_value_in_the_catalogue_changes_the_score(tmp_path: Path) -> None:
    text = (
        resources.files("greenpark.evaluation")
        .joinpath("catalogues", "miit_green_park.csv")
        .read_text("utf-8")
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        if row["id"] == "renewable_share":
            row["leading"] = "24"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "corrected.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    shipped = score_scheme(load_scheme("miit-green-park"), {"renewable_share": 12.0})
    corrected = score_scheme(load_scheme("miit-green-park", path=path), {"renewable_share": 12.0})
    assert shipped.indicator("renewable_share").score == pytest.approx(0.8)
    assert corrected.indicator("renewable_share").score == pytest.approx(0.5)
    assert corrected.indicator("renewable_share").gap == pytest.approx(12.0)
    assert corrected.index == pytest.approx(50.0)


def test_zero_carbon_core_is_a_veto_by_park_size() -> None:
    scheme = load_scheme("zero-carbon-park", year=2026)
    values = {"co2_per_tce": 0.25, "clean_energy_share": 92.0, "product_energy_grade2": 1}
    with pytest.raises(InputError, match="annual_energy_tce"):
        score_scheme(scheme, values)
    medium = score_scheme(scheme, values, park={"annual_energy_tce": 600_000})
    assert medium.mandatory_failed == ("co2_per_tce",) and medium.passed is False
    assert medium.indicator("co2_per_tce").gap == pytest.approx(0.05)
    assert medium.index == pytest.approx(100 * 2 / 3)  # thresholds met among those given
    large = score_scheme(scheme, values, park={"annual_energy_tce": 1_500_000})
    assert large.mandatory_passed is True and large.passed is True
    small = score_scheme(scheme, values, park={"annual_energy_tce": 100_000})
    assert small.indicator("co2_per_tce").status == "no_reference"
    assert small.mandatory_undecided == ("co2_per_tce",) and small.passed is None


def test_green_data_centre_criteria() -> None:
    scheme = load_scheme("green-data-centre", year=2025)
    ok = {
        "gbt44989_grade2": 1,
        "pue": 1.28,
        "gb40879_grade": 1,
        "server_energy_saving": True,
        "standard_racks": 3200,
        "rack_utilisation": 65.0,
        "renewable_share_margin": 4.5,
        "stable_operation_years": 3,
        "hub_node_location": 1,
    }
    r = score_scheme(scheme, ok)
    assert (r.index, r.passed, r.completeness) == (100.0, True, 1.0)
    worse = score_scheme(scheme, ok | {"pue": 1.35})
    assert worse.mandatory_failed == ("pue",)
    assert worse.indicator("pue").gap == pytest.approx(0.05)
    assert worse.index == pytest.approx(100 * 8 / 9)


def test_green_factory_points() -> None:
    scheme = load_scheme(
        "green-factory",
        year=2026,
        park={"annual_energy_tce": 12_000, "has_energy_quota_standard": 1},
    )
    values = {g: 1 for g in ("lawful_no_accidents", "no_banned_processes", "discharge_permit")}
    values |= {"management_systems": 0, "platform_functions": 4, "carbon_intensity": 120.0}
    r = score_scheme(scheme, values)
    assert r.index_name == "points"
    assert r.indicator("platform_functions").points == pytest.approx(3.0)  # 6 x 4/8
    assert r.indicator("carbon_intensity").status == "no_reference"  # sector values not given
    assert (r.index, r.index_max) == (pytest.approx(3.0), pytest.approx(6.0))
    assert r.mandatory_failed == ("management_systems",) and r.passed is False


def test_unknown_ids_are_refused() -> None:
    scheme = load_scheme("green-data-centre", year=2025)
    with pytest.raises(InputError, match="no indicator 'pue_annual'"):
        score_scheme(scheme, {"pue_annual": 1.2})
