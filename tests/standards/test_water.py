"""``greenpark.standards.water``: test vectors of standards.md §9.3 (GB 3838-2002) and §9.4
(GB 18918-2002), tables against the printed standards (standards.md §3.1 and §4), shapes,
NaN, boundaries and monotonicity."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenpark.errors import InputError
from greenpark.standards._water_tables import gb3838_rows, gb18918_rows
from greenpark.standards.water import (
    GB3838_INDICATORS,
    gb18918_compliance,
    overall_class,
    removal_rate,
    water_class,
)

# --------------------------------------------------------------- tables (standards.md §3.1, §4)

#: GB 3838-2002 table 1 as printed in standards.md §3.1: (indicator, body, bound) -> I..V.
GB3838_PRINTED = {
    ("pH", "all", "lower"): (6, 6, 6, 6, 6),
    ("pH", "all", "upper"): (9, 9, 9, 9, 9),
    ("DO", "all", "lower"): (7.5, 6, 5, 3, 2),
    ("CODMn", "all", "upper"): (2, 4, 6, 10, 15),
    ("COD", "all", "upper"): (15, 15, 20, 30, 40),
    ("BOD5", "all", "upper"): (3, 3, 4, 6, 10),
    ("NH3-N", "all", "upper"): (0.15, 0.5, 1.0, 1.5, 2.0),
    ("TP", "river", "upper"): (0.02, 0.1, 0.2, 0.3, 0.4),
    ("TP", "lake", "upper"): (0.01, 0.025, 0.05, 0.1, 0.2),
    ("TN", "lake", "upper"): (0.2, 0.5, 1.0, 1.5, 2.0),
    ("Cu", "all", "upper"): (0.01, 1.0, 1.0, 1.0, 1.0),
    ("Zn", "all", "upper"): (0.05, 1.0, 1.0, 2.0, 2.0),
    ("F", "all", "upper"): (1.0, 1.0, 1.0, 1.5, 1.5),
    ("Se", "all", "upper"): (0.01, 0.01, 0.01, 0.02, 0.02),
    ("As", "all", "upper"): (0.05, 0.05, 0.05, 0.1, 0.1),
    ("Hg", "all", "upper"): (0.00005, 0.00005, 0.0001, 0.001, 0.001),
    ("Cd", "all", "upper"): (0.001, 0.005, 0.005, 0.005, 0.01),
    ("Cr6", "all", "upper"): (0.01, 0.05, 0.05, 0.05, 0.1),
    ("Pb", "all", "upper"): (0.01, 0.01, 0.05, 0.05, 0.1),
    ("CN", "all", "upper"): (0.005, 0.05, 0.2, 0.2, 0.2),
    ("volatile_phenol", "all", "upper"): (0.002, 0.002, 0.005, 0.01, 0.1),
    ("petroleum", "all", "upper"): (0.05, 0.05, 0.05, 0.5, 1.0),
    ("LAS", "all", "upper"): (0.2, 0.2, 0.2, 0.3, 0.3),
    ("sulfide", "all", "upper"): (0.05, 0.1, 0.2, 0.5, 1.0),
    ("fecal_coliform", "all", "upper"): (200, 2000, 10000, 20000, 40000),
}
N = float("nan")
#: GB 18918-2002 table 1 as printed in standards.md §4: (indicator, bound, temp, built) -> 1A..3.
GB18918_PRINTED = {
    ("COD", "upper", "", ""): (50, 60, 100, 120),
    ("BOD5", "upper", "", ""): (10, 20, 30, 60),
    ("SS", "upper", "", ""): (10, 20, 30, 50),
    ("animal_oil", "upper", "", ""): (1, 3, 5, 20),
    ("petroleum", "upper", "", ""): (1, 3, 5, 15),
    ("LAS", "upper", "", ""): (0.5, 1, 2, 5),
    ("TN", "upper", "", ""): (15, 20, N, N),
    ("NH3-N", "upper", ">12", ""): (5, 8, 25, N),
    ("NH3-N", "upper", "<=12", ""): (8, 15, 30, N),
    ("TP", "upper", "", "<2006-01-01"): (1, 1.5, 3, 5),
    ("TP", "upper", "", ">=2006-01-01"): (0.5, 1, 3, 5),
    ("colour", "upper", "", ""): (30, 30, 40, 50),
    ("pH", "lower", "", ""): (6, 6, 6, 6),
    ("pH", "upper", "", ""): (9, 9, 9, 9),
    ("fecal_coliform", "upper", "", ""): (1000, 10000, 10000, N),
}


def test_gb3838_table_matches_standard() -> None:
    table = {(r.indicator, r.condition[0], r.bound): r.limits for r in gb3838_rows()}
    assert table == {k: tuple(map(float, v)) for k, v in GB3838_PRINTED.items()}
    for row in gb3838_rows():
        assert row.source.startswith("GB 3838-2002 table 1")
        assert row.valid_from == "2002-06-01" and row.confidence in {"V2", "S1", "U"}
        step = np.diff(row.limits)
        assert (step <= 0).all() if row.bound == "lower" else (step >= 0).all()


def test_gb18918_table_matches_standard() -> None:
    table = {(r.indicator, r.bound, *r.condition): r.limits for r in gb18918_rows()}
    assert table.keys() == GB18918_PRINTED.keys()
    for key, printed in GB18918_PRINTED.items():
        np.testing.assert_array_equal(table[key], np.asarray(printed, dtype=float))
    for row in gb18918_rows():
        assert row.source.startswith("GB 18918-2002 table 1")
        assert row.confidence in {"V2", "U"}


# --------------------------------------------------------------- standards.md §9.3


@pytest.mark.parametrize(
    ("indicator", "value", "body", "expected"),
    [
        ("DO", 6.5, "river", 2),
        ("CODMn", 3.5, "river", 2),
        ("COD", 14, "river", 1),
        ("BOD5", 2.5, "river", 1),
        ("NH3-N", 0.6, "river", 3),
        ("TP", 0.12, "river", 3),
        ("TP", 0.12, "lake", 5),
        ("COD", 15, "river", 1),
        ("COD", 41, "river", 6),
        ("pH", 9.2, "river", 6),
        ("DO", 1.8, "river", 6),
        ("NH3-N", 2.0, "river", 5),
        ("fecal_coliform", 15000, "river", 4),
    ],
)
def test_vectors_9_3_single(indicator: str, value: float, body: str, expected: int) -> None:
    """standards.md §9.3."""
    assert water_class(value, indicator, body=body) == expected


@pytest.mark.parametrize(
    ("body", "cls", "name", "deciding"),
    [
        ("river", 3, "Ⅲ", "NH3-N, TP"),
        ("lake", 5, "Ⅴ", "TP"),
    ],
)
def test_vectors_9_3_overall(body: str, cls: int, name: str, deciding: str) -> None:
    """standards.md §9.3: river sample → III; the same as a lake → V (TP)."""
    sample = pd.DataFrame(
        {"DO": [6.5], "CODMn": [3.5], "COD": [14], "BOD5": [2.5], "NH3-N": [0.6], "TP": [0.12]}
    )
    row = overall_class(sample, body=body).iloc[0]
    assert (row["class"], row["name"], row["deciding"]) == (cls, name, deciding)


# --------------------------------------------------------------- standards.md §9.4


@pytest.mark.parametrize(
    ("cls", "indicator", "value", "temp", "limit", "exceeds"),
    [
        ("1A", "NH3-N", 6, 15, 5, True),
        ("1A", "NH3-N", 6, 10, 8, False),
        ("1B", "NH3-N", 12, 10, 15, False),
        ("1B", "NH3-N", 12, 14, 8, True),
        ("1A", "TP", 0.8, 20, 0.5, True),
        ("2", "TN", 25, 20, N, pd.NA),
    ],
)
def test_vectors_9_4(
    cls: str, indicator: str, value: float, temp: float, limit: float, exceeds: object
) -> None:
    """standards.md §9.4 (plant commissioned 2010)."""
    frame = pd.DataFrame({indicator: [value], "t": [temp]})
    out = gb18918_compliance(frame, cls=cls, commissioned=dt.date(2010, 1, 1), water_temp="t")
    got = out[indicator].iloc[0]
    np.testing.assert_equal(got["limit_max"], limit)
    assert got["exceeds"] is exceeds or got["exceeds"] == exceeds


def test_gb18918_details() -> None:
    frame = pd.DataFrame({"NH3-N": [5.0, 12.0, N], "TP": [1.0, 1.2, 0.4], "pH": [6.0, 9.5, 7]})
    out = gb18918_compliance(frame, cls="1A", commissioned="2005-06-30", water_temp=[12, N, 3])
    assert out["NH3-N"]["limit_max"].tolist() == [8, 5, 8]  # 12 °C is cold; NaN is warm
    assert out["NH3-N"]["exceeds"].tolist() == [False, True, pd.NA]
    np.testing.assert_allclose(out["NH3-N"]["ratio"], [-0.375, 1.4, N])
    assert out["TP"]["limit_max"].tolist() == [1.0] * 3  # built before 2006-01-01
    assert out["TP"]["exceeds"].tolist() == [False, True, False]  # equal to limit complies
    assert out["pH"]["exceeds"].tolist() == [False, True, False]
    assert out["pH"]["ratio"].isna().all()
    assert list(out.columns.names) == ["indicator", "field"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cls": "1C", "commissioned": "2010-01-01"}, "must be one of: 1A, 1B, 2, 3"),
        ({"water_temp": "temp", "commissioned": "2010-01-01"}, "water_temp column"),
        ({}, "commissioned"),
        ({"commissioned": "2010-13-01"}, "ISO date"),
    ],
)
def test_gb18918_misuse(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InputError, match=match):
        gb18918_compliance(pd.DataFrame({"TP": [0.1]}), **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------- shapes, NaN, names


def test_scalar_array_series_and_nan() -> None:
    values = [0.1, 0.5, N, 2.5]
    expected = [1.0, 2.0, N, 6.0]
    assert isinstance(water_class(0.1, "NH3-N"), float)
    assert np.isnan(water_class(N, "NH3-N")) and np.isnan(water_class(None, "NH3-N"))
    np.testing.assert_array_equal(water_class(np.array(values), "NH3-N"), expected)
    np.testing.assert_array_equal(water_class(np.array([values, values]), "NH3-N")[1], expected)
    series = pd.Series(values, index=list("abcd"), name="NH3-N")
    out = water_class(series, "NH3-N")
    assert isinstance(out, pd.Series) and out.index.tolist() == list("abcd")
    np.testing.assert_array_equal(out, expected)
    nullable = pd.Series(values, dtype="Float64")
    np.testing.assert_array_equal(water_class(nullable, "NH3-N"), expected)


@pytest.mark.parametrize(
    ("indicator", "value", "expected"),
    [
        ("DO", 7.5, 1),
        ("DO", 6.0, 2),
        ("DO", 2.0, 5),
        ("DO", 1.999, 6),
        ("pH", 6.0, 1),
        ("pH", 9.0, 1),
        ("pH", 5.99, 6),
        ("CODMn", 2.0, 1),
        ("CODMn", 15.0, 5),
        ("BOD5", 3.0, 1),
        ("Hg", 0.00005, 1),
        ("Cu", 1.0, 2),
        ("CN", 0.2, 3),
    ],
)
def test_equal_to_limit_gives_better_class(indicator: str, value: float, expected: int) -> None:
    assert water_class(value, indicator) == expected


def test_body_per_value_and_tn_in_rivers() -> None:
    np.testing.assert_array_equal(
        water_class([0.12, 0.12], "TP", body=["river", "lake"]), [3.0, 5.0]
    )
    assert np.isnan(water_class(1.0, "TN", body="river"))
    assert water_class(1.0, "TN", body="lake") == 3


def test_wrong_names_list_valid_ones() -> None:
    with pytest.raises(InputError, match="must be one of: pH, DO, CODMn"):
        water_class(1.0, "NH3N")
    with pytest.raises(InputError, match="must be one of: river, lake"):
        water_class(1.0, "TP", body="reservoir")
    with pytest.raises(InputError, match="valid names"):
        overall_class(pd.DataFrame({"x": [1.0]}))
    with pytest.raises(InputError, match="not in frame"):
        overall_class(pd.DataFrame({"DO": [1.0]}), indicators=["TP"])


def test_overall_class_nan_and_ties() -> None:
    frame = pd.DataFrame(
        {"DO": [N, 1.0, 8.0], "NH3-N": [N, 2.1, 0.1], "TP": [N, 0.5, N], "site": ["a", "b", "c"]},
        index=[10, 11, 12],
    )
    out = overall_class(frame)
    assert out.index.tolist() == [10, 11, 12]
    assert out["class"].tolist() == [pd.NA, 6, 1]
    assert out["name"].tolist() == [pd.NA, "劣Ⅴ", "Ⅰ"]
    assert out["deciding"].tolist() == [pd.NA, "DO, NH3-N, TP", "DO, NH3-N"]
    lake_rows = overall_class(frame, body=["river", "river", "lake"], indicators=["NH3-N"])
    assert lake_rows["class"].tolist() == [pd.NA, 6, 1]


def test_removal_rate() -> None:
    assert removal_rate(400.0, 40.0) == pytest.approx(90.0)
    assert np.isnan(removal_rate(0.0, 1.0)) and np.isnan(removal_rate(N, 1.0))
    assert removal_rate(10.0, 12.0) == pytest.approx(-20.0)
    out = removal_rate(
        pd.Series([200.0, 0.0, N], index=[3, 4, 5]), pd.Series([50.0, 0.0, 1.0]).values
    )
    assert out.index.tolist() == [3, 4, 5]
    np.testing.assert_allclose(out, [75.0, N, N])
    np.testing.assert_allclose(removal_rate(100.0, np.array([10.0, 20.0])), [90.0, 80.0])


# --------------------------------------------------------------- properties

LOWER_IS_BETTER = [i for i in GB3838_INDICATORS if i not in ("pH", "DO")]
conc = st.floats(min_value=0, max_value=1e5, allow_nan=False)


@given(st.sampled_from(LOWER_IS_BETTER), conc, conc, st.sampled_from(["river", "lake"]))
def test_class_monotone_in_concentration(indicator: str, a: float, b: float, body: str) -> None:
    lo, hi = sorted((a, b))
    c_lo, c_hi = water_class(lo, indicator, body=body), water_class(hi, indicator, body=body)
    if indicator == "TN" and body == "river":
        assert np.isnan(c_lo) and np.isnan(c_hi)
    else:
        assert c_lo <= c_hi


@given(conc, conc)
def test_do_class_reversed(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert water_class(lo, "DO") >= water_class(hi, "DO")
