"""Virtual-meter formulas: parsing, and checking on import (syntax and meter references)."""

from __future__ import annotations

import pytest

from greenpark.errors import InputError, RowsError
from greenpark.registry import import_files
from greenpark.registry.formula import Term, parse_formula
from greenpark.store.registry import export


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("M1", (Term(1.0, "M1"),)),
        ("GA001-EL-IT + GA001-EL-CL", (Term(1.0, "GA001-EL-IT"), Term(1.0, "GA001-EL-CL"))),
        ("M1 - 0.5*M2 + 2*M3", (Term(1.0, "M1"), Term(-0.5, "M2"), Term(2.0, "M3"))),
        ("- M1 + M2", (Term(-1.0, "M1"), Term(1.0, "M2"))),
        ("  M1\t-  M.2_x  ", (Term(1.0, "M1"), Term(-1.0, "M.2_x"))),
    ],
)
def test_parse(text: str, terms: tuple[Term, ...]) -> None:
    assert parse_formula(text) == terms


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty formula"),
        ("M1 +", "ends with an operator"),
        ("M1 M2", "token 2 'M2': expected \\+ or -"),
        ("M1 + * M2", "token 3"),
        ("M1+M2 + M3", None),  # one code 'M1+M2' is not valid: '+' is not a code character
        ("M1 + (M2)", "token 3"),
    ],
)
def test_bad_formulas(text: str, message: str | None) -> None:
    with pytest.raises(InputError, match=message or "token 1"):
        parse_formula(text)


HEADER = "code,park,name,carrier,formula\n"


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def park_file(tmp_path):
    return _write(tmp_path, "park.csv", "code,name\nP,Test park\n")


def test_formula_codes_must_be_meters(sqlite_store, tmp_path, park_file) -> None:
    meters = _write(
        tmp_path,
        "meter.csv",
        HEADER
        + "M1,P,main,electricity,\n"
        + "M2,P,sub,electricity,\n"
        + "V1,P,sum,electricity,M1 + M2\n"
        + "V2,P,bad code,electricity,M1 + NOPE\n"
        + "V3,P,bad syntax,electricity,M1 +\n"
        + "V4,P,itself,electricity,M1 - V4\n",
    )
    with pytest.raises(RowsError) as info:
        import_files(sqlite_store, [park_file, meters])
    found = {(e.row, e.column): e.reason for e in info.value.errors}
    assert set(found) == {(5, "formula"), (6, "formula"), (7, "formula")}
    assert "'NOPE'" in found[(5, "formula")] and "not in the store" in found[(5, "formula")]
    assert "ends with an operator" in found[(6, "formula")]
    assert "itself" in found[(7, "formula")]
    report = import_files(sqlite_store, [park_file, meters], skip_invalid=True)
    assert len(report.errors) == 3
    with sqlite_store.read() as conn:
        written = {r["code"]: r["formula"] for r in export(conn, "meter")}
    assert written == {"M1": None, "M2": None, "V1": "M1 + M2"}


def test_formula_may_name_meters_already_in_the_store(sqlite_store, tmp_path, park_file) -> None:
    first = _write(tmp_path, "meter.csv", HEADER + "M1,P,main,electricity,\n")
    import_files(sqlite_store, [park_file, first])
    second = _write(tmp_path, "meters.csv", HEADER + "V1,P,copy,electricity,2*M1\n")
    report = import_files(sqlite_store, [second])
    assert not report.errors
