"""``standards/tables/gb3096_limits.csv`` and ``gb12348_limits.csv`` pinned against the
printed values quoted in the reference note ``../shared/reference/standards.md``:
§5.1 (GB 3096-2008 Table 1, [V2]; clause 5.4 sudden noise 15 dB(A), [S1]) and §5.2
(GB 12348-2008 Table 1, [U] for the numbers; clauses 4.1.2, 4.1.3, 4.1.5, [S1])."""

from __future__ import annotations

import pytest

from greenpark.standards.noise import (
    GB3096_ZONES,
    GB12348_CLASSES,
    NOISE_TABLES,
    TABLE_COLUMNS,
    noise_table,
)

#: standards.md §5.1: class -> (day, night) [dB(A)].
GB3096_PRINTED = {
    "0": (50, 40),
    "1": (55, 45),
    "2": (60, 50),
    "3": (65, 55),
    "4a": (70, 55),
    "4b": (70, 60),
}

#: standards.md §5.2: boundary class -> (day, night) [dB(A)].
GB12348_PRINTED = {
    "0": (50, 40),
    "1": (55, 45),
    "2": (60, 50),
    "3": (65, 55),
    "4": (70, 55),
}

#: (table, item) -> (value [dB(A)], clause in source, confidence) for the rules.
RULES = {
    ("gb3096", "lmax_sudden_margin"): (15, "clause 5.4", "S1"),
    ("gb12348", "lmax_frequent_margin"): (10, "clause 4.1.2", "S1"),
    ("gb12348", "lmax_sporadic_margin"): (15, "clause 4.1.3", "S1"),
    ("gb12348", "indoor_reduction"): (10, "clause 4.1.5", "S1"),
}

STANDARD = {"gb3096": "GB 3096-2008", "gb12348": "GB 12348-2008"}


def _limits(name: str) -> dict[str, tuple[float, float]]:
    t = noise_table(name)
    t = t[t["item"] == "leq_limit"]
    day = t[t["period"] == "day"].set_index("zone")["value"]
    night = t[t["period"] == "night"].set_index("zone")["value"]
    return {z: (day[z], night[z]) for z in day.index}


def test_gb3096_limits_match_printed_table() -> None:
    assert _limits("gb3096") == GB3096_PRINTED
    assert tuple(GB3096_PRINTED) == GB3096_ZONES


def test_gb12348_limits_match_printed_table() -> None:
    assert _limits("gb12348") == GB12348_PRINTED
    assert tuple(GB12348_PRINTED) == GB12348_CLASSES


@pytest.mark.parametrize(("name", "item"), list(RULES))
def test_rules_match_reference(name: str, item: str) -> None:
    value, clause, confidence = RULES[(name, item)]
    t = noise_table(name)
    (row,) = t[t["item"] == item].to_dict("records")
    assert row["value"] == value
    assert row["zone"] == "all"
    assert row["source"] == f"{STANDARD[name]} {clause}"
    assert row["confidence"] == confidence


@pytest.mark.parametrize("name", sorted(NOISE_TABLES))
def test_every_row_has_unit_source_validity_and_confidence(name: str) -> None:
    t = noise_table(name)
    assert tuple(t.columns) == TABLE_COLUMNS
    assert (t["unit"] == "dB(A)").all()
    assert t["source"].str.startswith(STANDARD[name]).all()
    assert (t["valid_from"] == "2008-10-01").all()
    assert (t["valid_to"] == "").all()  # both standards are in force
    assert set(t["confidence"]) <= {"V2", "S1", "U"}
    assert not t.duplicated(["item", "zone", "period"]).any()


def test_confidence_marks_follow_the_reference() -> None:
    gb3096 = noise_table("gb3096")
    assert (gb3096.loc[gb3096["item"] == "leq_limit", "confidence"] == "V2").all()
    assert (gb3096.loc[gb3096["item"] == "leq_limit", "source"].str.contains("Table 1")).all()
    gb12348 = noise_table("gb12348")
    # standards.md §5.2 is marked [U] for the numbers: kept as data, flagged uncertain.
    assert (gb12348.loc[gb12348["item"] == "leq_limit", "confidence"] == "U").all()


def test_noise_table_returns_a_copy() -> None:
    t = noise_table("gb3096")
    t.loc[0, "value"] = 0.0
    assert noise_table("gb3096").loc[0, "value"] == 50.0


def test_unknown_table_lists_valid_names() -> None:
    with pytest.raises(ValueError, match=r"must be one of \['gb12348', 'gb3096'\]"):
        noise_table("gb3095")
