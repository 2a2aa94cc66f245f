"""Indicators entered by hand with evidence (``greenpark.evaluation.entries``, the
``evaluation_entry`` table, ``service.enter_indicators`` and ``greenpark indicator ...``),
on the hand-built park of ``test_values.py``.

By hand: the MIIT GI of 2023 is 100 x the mean of the 11 computed indicators' ratio scores
(``test_values.test_gi_and_mandatory_items``). Entering green coverage 15 % (leading value
30 %, ratio scoring: 15 / 30 = 0.5) adds a 12th scored indicator:
GI' = (11 x GI + 100 x 0.5) / 12.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from test_values import build_park

from greenpark.cli import cli
from greenpark.errors import RowsError
from greenpark.evaluation.entries import check_entries, file_sha256
from greenpark.evaluation.service import enter_indicators, evaluate, write_xlsx
from greenpark.evaluation.values import ManualEntry, Value, entered, manual, merge_entries
from greenpark.store import Store
from greenpark.store.maintenance import delete_park, park_counts
from greenpark.store.schema import AuditEvent, EvaluationEntry

MIIT = "miit-green-park"
GREEN = {"scheme": MIIT, "year": 2023, "id": "green_coverage", "value": "15",
         "evidence": "Gui'an planning bureau land-use survey 2023, table 4"}  # fmt: skip
SHA = "ab" * 32


@pytest.fixture
def park(park_url: str) -> Store:
    return build_park(park_url)


def _stored(store: Store) -> list[tuple]:
    with store.read() as c:
        e = EvaluationEntry
        q = select(e.scheme, e.indicator, e.year, e.value, e.unit, e.entered_by)
        return [tuple(r) for r in c.execute(q.order_by(e.indicator))]


def _audit(store: Store) -> list[tuple]:
    with store.read() as c:
        q = select(AuditEvent.actor, AuditEvent.target, AuditEvent.detail).where(
            AuditEvent.action == "evaluation.entry"
        )
        return [tuple(r) for r in c.execute(q.order_by(AuditEvent.id))]


# --- the pure checks ------------------------------------------------------------------------


def test_a_good_entry_is_normalised() -> None:
    checked = check_entries(
        [{**GREEN, "scheme": "miit_green_park", "year": "2023", "unit": "%", "note": " n "},
         {**GREEN, "id": "development_plan", "value": 1, "evidence_sha256": SHA.upper()},
         {**GREEN, "id": "renewable_share", "value": "12.5"}],
        source="f.csv",
    )  # fmt: skip
    assert checked.errors == []
    g, plan, ren = checked.good
    assert (g["row"], g["scheme"], g["indicator"], g["year"]) == (2, MIIT, "green_coverage", 2023)
    assert (g["value"], g["unit"], g["note"], g["computed"]) == (15.0, "%", "n", False)
    assert (plan["unit"], plan["value"], plan["evidence_sha256"]) == ("-", 1.0, SHA)
    assert ren["computed"] is True  # computed from data: stored and shown, not used


def test_every_bad_field_is_named_by_row_and_column() -> None:
    rows = [
        GREEN,
        {**GREEN, "id": "green_building_share_public", "unit": "m²"},  # 3: catalogue: %
        {**GREEN, "id": "green_coverag"},  # 4: no such indicator (with a suggestion)
        {**GREEN, "id": "bus_stop_coverage_500m", "evidence": "  "},  # 5: no evidence
        {**GREEN, "id": "development_plan", "value": "0.5"},  # 6: pass items are 0/1
        {**GREEN, "id": "modern_services_share", "value": "n/a"},  # 7: not a number
        {**GREEN, "scheme": "leed", "year": "2O23"},  # 8: unknown scheme, bad year
        {**GREEN, "id": "modern_services_share", "value": 1, "year": 2010},  # 9: not in force
        {**GREEN, "id": "pollutant_elasticity", "value": 0.2, "evidence_sha256": "xyz"},  # 10
        {**GREEN, "value": 16},  # 11: green coverage 2023 again (row 2)
    ]
    errors = check_entries(rows, source="in.csv").errors
    found = {(e.row, e.column) for e in errors}
    assert found == {
        (3, "unit"), (4, "id"), (5, "evidence"), (6, "value"), (7, "value"), (8, "scheme"),
        (8, "year"), (9, "year"), (10, "evidence_sha256"), (11, "id"),
    }  # fmt: skip
    text = "\n".join(str(e) for e in errors)
    assert "in.csv: row 3, column 'unit': 'm²': green_building_share_public is in '%'" in text
    assert "did you mean green_coverage?" in text
    assert "row 6, column 'value': '0.5': development_plan is a pass item" in text
    assert "entered in row 2 already" in text


def test_merge_never_overrides_a_computed_value() -> None:
    when = dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.UTC)
    e = ManualEntry("green_coverage", 15.0, "%", "survey", "ana", when, SHA, "n")
    wwtp = ManualEntry("central_wwtp", 0.0, "-", "memo", "ana", when)
    old_unit = ManualEntry("land_productivity", 12.0, "万元/km²", "atlas", "ana", when)
    computed = Value("central_wwtp", 1.0, "-", {}, "registry", 1.0, "registry as it stands")
    values = {
        "green_coverage": manual("green_coverage", "%"),
        "central_wwtp": computed,
        "land_productivity": manual("land_productivity", "亿元/km²"),
    }
    out = merge_entries(values, {"green_coverage": e, "central_wwtp": wwtp,
                                 "land_productivity": old_unit, "not_in_scheme": e})  # fmt: skip
    g = out["green_coverage"]
    assert (g.value, g.unit, g.completeness, g.entered, g.kind) == (15.0, "%", 1.0, True,
                                                                     "manual entry")  # fmt: skip
    assert g.provenance() == (
        f"manual entry by ana at 2024-03-01 08:30 UTC, evidence survey (SHA-256 {SHA})"
    )
    assert g == entered(e)
    w = out["central_wwtp"]
    assert (w.value, w.kind, w.entry) == (1.0, "computed", wwtp)
    assert "manual entry 0 (manual entry by ana" in w.note and "computed from data" in w.note
    land = out["land_productivity"]
    assert land.value is None and land.entry == old_unit and "enter it again" in land.note
    assert "not_in_scheme" not in out


# --- stored, evaluated, audited -------------------------------------------------------------


def test_an_entry_scores_a_manual_indicator_and_moves_gi(park: Store) -> None:
    before = evaluate(park, MIIT, 2023)
    assert before.values["green_coverage"].is_manual
    assert before.score.indicator("green_coverage").status == "missing"
    scored = [s for s in before.score.indicators if s.status == "scored" and s.indicator.weight]
    assert len(scored) == 11

    written = enter_indicators(park, [GREEN], park_code=None, who="ana", via="session")
    assert (written.entries, written.new, written.replaced, written.computed) == (1, 1, 0, ())
    after = evaluate(park, MIIT, 2023)
    v = after.values["green_coverage"]
    assert (v.value, v.unit, v.completeness, v.kind) == (15.0, "%", 1.0, "manual entry")
    assert v.provenance().startswith("manual entry by ana at ")
    assert v.provenance().endswith(", evidence " + GREEN["evidence"])
    s = after.score.indicator("green_coverage")
    assert (s.status, s.score, s.reached) == ("scored", pytest.approx(0.5), False)
    assert after.score.index == pytest.approx((11 * before.score.index + 100 * 0.5) / 12)
    # 29 scorable numbered indicators + 8 basic requirements (pass items)
    assert after.score.completeness == pytest.approx(before.score.completeness + 1 / 37)
    # the year before has no entry: unchanged
    assert after.of_year(2022).values["green_coverage"].is_manual

    # a pass item: the development plan is a mandatory item, undecided until entered
    assert "development_plan" in after.score.mandatory_undecided
    plan = {**GREEN, "id": "development_plan", "value": 1, "evidence": "plan.pdf"}
    enter_indicators(park, [plan], park_code=None, who="ana")
    s = evaluate(park, MIIT, 2023).score
    assert s.indicator("development_plan").passed is True
    assert "development_plan" not in s.mandatory_undecided


def test_a_repeat_replaces_and_the_audit_keeps_the_old_value(park: Store) -> None:
    enter_indicators(park, [GREEN], park_code=None, who="ana", via="session")
    again = enter_indicators(
        park, [{**GREEN, "value": 32, "evidence": "survey 2023, revised"}], park_code="P",
        who="admin", via="token",
    )  # fmt: skip
    assert (again.new, again.replaced) == (0, 1)
    assert _stored(park) == [(MIIT, "green_coverage", 2023, 32.0, "%", "admin")]
    first, second = _audit(park)
    assert first[:2] == ("ana", "1 indicator value(s)")
    assert (first[2]["via"], first[2]["new"], first[2]["replaced"]) == ("session", 1, [])
    assert first[2]["entries"][0]["indicator"] == "green_coverage"
    assert (second[0], second[2]["via"], second[2]["new"]) == ("admin", "token", 0)
    (old,) = second[2]["replaced"]
    assert (old["value"], old["evidence"], old["entered_by"]) == (15.0, GREEN["evidence"], "ana")
    v = evaluate(park, MIIT, 2023).values["green_coverage"]
    assert v.value == 32.0 and "revised" in v.provenance()
    # 32 % reaches the leading 30 %
    assert evaluate(park, MIIT, 2023).score.indicator("green_coverage").score == 1.0


def test_bad_entries_write_nothing(park: Store) -> None:
    with pytest.raises(RowsError) as err:
        enter_indicators(park, [GREEN, {**GREEN, "id": "nope", "year": 2022}],
                         park_code=None, who="ana")  # fmt: skip
    assert [(e.row, e.column) for e in err.value.errors] == [(3, "id")]
    assert _stored(park) == [] and _audit(park) == []


def test_an_entry_for_a_computed_indicator_is_shown_not_used(park: Store, tmp_path: Path) -> None:
    before = evaluate(park, MIIT, 2023)
    entry = {**GREEN, "id": "renewable_share", "value": 40, "evidence": "consultant report"}
    written = enter_indicators(park, [entry], park_code=None, who="ana")
    assert written.computed == (f"{MIIT} 2023 renewable_share",)
    after = evaluate(park, MIIT, 2023)
    v = after.values["renewable_share"]
    assert v.value == pytest.approx(before.values["renewable_share"].value)
    assert v.kind == "computed" and v.entry is not None and v.entry.value == 40.0
    assert "manual entry 40 % (manual entry by ana" in v.note
    assert after.score.index == pytest.approx(before.score.index)
    # the workbook shows both
    from openpyxl import load_workbook

    wb = load_workbook(write_xlsx(after, tmp_path / "r.xlsx"))
    rows = list(wb["indicators"].iter_rows(values_only=True))
    head = rows[0]
    row = dict(zip(head, next(r for r in rows if r[0] == "renewable_share"), strict=True))
    assert row["kind"] == "computed" and row["value"] == pytest.approx(v.value, abs=1e-6)
    assert row["manual entry"].startswith("40 % (manual entry by ana at ")


def test_entries_of_an_earlier_year_bring_it_in(park: Store) -> None:
    assert [y.year for y in evaluate(park, MIIT, 2023).years] == [2022, 2023]
    enter_indicators(park, [{**GREEN, "year": 2021}], park_code=None, who="ana")
    ev = evaluate(park, MIIT, 2023)
    assert [y.year for y in ev.years] == [2021, 2022, 2023]
    assert ev.of_year(2021).values["green_coverage"].value == 15.0


def test_entries_are_deleted_with_the_park(park: Store) -> None:
    enter_indicators(park, [GREEN], park_code=None, who="ana")
    with park.read() as c:
        assert park_counts(c, "P")["evaluation_entry"] == 1
    with park.write() as c:
        assert delete_park(c, "P")["evaluation_entry"] == 1
    with park.read() as c:
        assert c.execute(select(func.count()).select_from(EvaluationEntry)).scalar_one() == 0


# --- the command line -----------------------------------------------------------------------


def _run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--database", url, *args])


def test_cli_enter_with_a_file_and_list(park: Store, park_url: str, tmp_path: Path) -> None:
    doc = tmp_path / "green-survey.pdf"
    doc.write_bytes(b"%PDF-1.4 survey")
    r = _run(park_url, "indicator", "enter", "--scheme", MIIT, "--year", "2023",
             "--id", "green_coverage", "--value", "15", "--file", str(doc))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "entered"
    r = _run(park_url, "indicator", "enter", "--scheme", MIIT, "--year", "2023",
             "--id", "renewable_share", "--value", "40", "--evidence", "consultant")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "renewable_share is computed from data" in r.output
    r = _run(park_url, "indicator", "list", "--year", "2023")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == ("scheme,year,id,value,unit,evidence,evidence_sha256,note,entered_by,"
                        "entered_at,evidence_stored")  # fmt: skip
    sha = hashlib.sha256(b"%PDF-1.4 survey").hexdigest()
    assert sha == file_sha256(doc)
    assert lines[1].startswith(f"{MIIT},2023,green_coverage,15,%,green-survey.pdf,{sha},,cli")
    assert lines[2].startswith(f"{MIIT},2023,renewable_share,40,%,consultant,,")
    assert lines[1].endswith(",yes") and lines[2].endswith(",")
    assert _run(park_url, "indicator", "list", "--year", "2022").output.count("\n") == 1
    # evaluate prints the entry's provenance
    r = _run(park_url, "evaluate", "--scheme", MIIT, "--year", "2023")
    line = next(x for x in r.output.splitlines() if x.startswith("green_coverage"))
    assert "15" in line and "manual entry by cli" in line
    # the audit says how
    (_, _, detail) = _audit(park)[0]
    assert detail["via"] == "command line" and detail["entries"][0]["evidence_sha256"] == sha
    # a bad value is refused with its field
    r = _run(park_url, "indicator", "enter", "--scheme", MIIT, "--year", "2023",
             "--id", "green_coverage", "--value", "15", "--unit", "ha")  # fmt: skip
    assert r.exit_code != 0
    assert "column 'unit'" in str(r.exception) and "column 'evidence'" in str(r.exception)


def test_cli_import_all_or_nothing(park: Store, park_url: str, tmp_path: Path) -> None:
    (tmp_path / "plan.pdf").write_bytes(b"plan")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "scheme,year,id,value,unit,evidence,file,note\n"
        f"{MIIT},2023,green_coverage,15,%,survey,,\n"
        f"{MIIT},2023,development_plan,1,-,,plan.pdf,\n"
        f"{MIIT},2023,bus_stop_coverage_500m,85,km,,,\n"
        f"{MIIT},2023,standard_system,1,,system.docx,missing.pdf,\n",
        encoding="utf-8",
    )
    r = _run(park_url, "indicator", "import", str(bad))
    assert r.exit_code != 0
    msg = str(r.exception)
    assert "bad.csv: row 4, column 'unit'" in msg and "bad.csv: row 4, column 'evidence'" in msg
    assert "bad.csv: row 5, column 'file': 'missing.pdf': no such file" in msg
    assert "row 2," not in msg and "row 3," not in msg
    assert _stored(park) == []

    good = tmp_path / "good.csv"
    good.write_text(
        "Scheme,Year,ID,Value,Unit,Evidence,File,Note\n"
        f"{MIIT},2023,green_coverage,15,%,survey,,\n"
        f"{MIIT},2023,development_plan,1,-,,plan.pdf,board decision\n",
        encoding="utf-8",
    )
    r = _run(park_url, "indicator", "import", str(good))
    assert r.exit_code == 0, r.output
    assert "2 indicator value(s) entered: 2 new, 0 replaced" in r.output
    r = _run(park_url, "indicator", "import", str(good))
    assert "2 indicator value(s) entered: 0 new, 2 replaced" in r.output
    stored = _stored(park)
    assert [s[1] for s in stored] == ["development_plan", "green_coverage"]
    r = _run(park_url, "indicator", "list", "--scheme", "miit_green_park")
    plan_line = next(x for x in r.output.splitlines() if "development_plan" in x)
    assert f"plan.pdf,{hashlib.sha256(b'plan').hexdigest()},board decision" in plan_line
