"""Evidence files of the indicators entered by hand, stored with the values
(``evaluation_evidence``, ``greenpark.store.evaluation.put_evidence`` / ``get_evidence``,
``greenpark indicator enter --file``, ``import`` with a ``file`` column and
``indicator evidence``), on the hand-built park of ``test_values.py``."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from test_values import build_park

import greenpark.store.evaluation as evidence_db
from greenpark.cli import cli
from greenpark.errors import InputError
from greenpark.store import Store
from greenpark.store.evaluation import MAX_EVIDENCE_BYTES, get_evidence, put_evidence
from greenpark.store.ledger import resolve_park
from greenpark.store.maintenance import delete_park, park_counts
from greenpark.store.schema import EvaluationEntry, EvaluationEvidence

MIIT = "miit-green-park"
NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def park(park_url: str) -> Store:
    return build_park(park_url)


def _run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--database", url, *args])


def _files(store: Store) -> list[tuple[str, str, int]]:
    with store.read() as c:
        e = EvaluationEvidence
        q = select(e.sha256, e.filename, e.size).order_by(e.filename)
        return [tuple(r) for r in c.execute(q)]  # type: ignore[misc]


def _entries(store: Store) -> int:
    with store.read() as c:
        return int(c.execute(select(func.count()).select_from(EvaluationEntry)).scalar_one())


# --- the store --------------------------------------------------------------------------------


def test_store_round_trip_and_the_same_bytes_once(park: Store) -> None:
    data = b"%PDF-1.4 plan \x00\x01\xff"
    with park.write() as c:
        pid = resolve_park(c, None).id
        sha = put_evidence(c, pid, "docs/plan.pdf", data, None, "ana", now=NOW)
        again = put_evidence(c, pid, "copy.pdf", data, "text/plain", "bob")
    assert sha == again == hashlib.sha256(data).hexdigest()
    with park.read() as c:
        row = get_evidence(c, pid, sha.upper())
        assert get_evidence(c, pid, "0" * 64) is None
        assert get_evidence(c, pid + 1, sha) is None
    assert row is not None
    assert bytes(row["data"]) == data
    assert (row["filename"], row["content_type"], row["size"]) == (
        "plan.pdf",
        "application/pdf",
        len(data),
    )
    assert (row["uploaded_by"], row["uploaded_at"]) == ("ana", NOW)
    assert _files(park) == [(sha, "plan.pdf", len(data))]
    # a park's files go with it
    with park.write() as c:
        assert park_counts(c, "P")["evaluation_evidence"] == 1
        assert delete_park(c, "P")["evaluation_evidence"] == 1
    assert _files(park) == []


def test_a_file_over_the_limit_is_refused(park: Store) -> None:
    assert MAX_EVIDENCE_BYTES == 20 * 1024 * 1024
    with pytest.raises(InputError) as err, park.write() as c:
        put_evidence(c, resolve_park(c, None).id, "scan.tiff", bytes(MAX_EVIDENCE_BYTES + 1),
                     "image/tiff", "ana")  # fmt: skip
    assert "scan.tiff" in str(err.value) and "20,971,521 bytes" in str(err.value)
    assert "20 MiB" in str(err.value)
    assert _files(park) == []


# --- the command line -------------------------------------------------------------------------


def test_cli_enter_a_file_and_write_it_out(
    park: Store, park_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"%PDF-1.4 green survey \x00\xff"
    doc = tmp_path / "green-survey.pdf"
    doc.write_bytes(data)
    r = _run(park_url, "indicator", "enter", "--scheme", MIIT, "--year", "2023",
             "--id", "green_coverage", "--value", "15", "--file", str(doc))  # fmt: skip
    assert r.exit_code == 0, r.output
    sha = hashlib.sha256(data).hexdigest()
    assert _files(park) == [(sha, "green-survey.pdf", len(data))]
    r = _run(park_url, "indicator", "list")
    assert r.output.splitlines()[1].endswith(",yes")
    # -o PATH
    out = tmp_path / "copy.pdf"
    r = _run(park_url, "indicator", "evidence", sha, "-o", str(out))
    assert r.exit_code == 0, r.output
    assert out.read_bytes() == data
    # its own name in the current folder, not over an existing file without --force
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    r = _run(park_url, "indicator", "evidence", sha.upper())
    assert r.exit_code == 0, r.output
    assert (work / "green-survey.pdf").read_bytes() == data
    (work / "green-survey.pdf").write_bytes(b"mine")
    r = _run(park_url, "indicator", "evidence", sha)
    assert r.exit_code != 0 and "--force" in str(r.exception)
    assert (work / "green-survey.pdf").read_bytes() == b"mine"
    r = _run(park_url, "indicator", "evidence", sha, "--force")
    assert r.exit_code == 0, r.output
    assert (work / "green-survey.pdf").read_bytes() == data
    # unknown
    r = _run(park_url, "indicator", "evidence", "0" * 64)
    assert r.exit_code != 0 and "no evidence file" in str(r.exception)


def test_cli_enter_refuses_a_file_over_the_limit(
    park: Store, park_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence_db, "MAX_EVIDENCE_BYTES", 10)
    doc = tmp_path / "big.pdf"
    doc.write_bytes(b"x" * 11)
    r = _run(park_url, "indicator", "enter", "--scheme", MIIT, "--year", "2023",
             "--id", "green_coverage", "--value", "15", "--file", str(doc))  # fmt: skip
    assert r.exit_code != 0
    assert "big.pdf: the evidence file is 11 bytes, more than the 10 bytes" in str(r.exception)
    assert _files(park) == [] and _entries(park) == 0


def test_cli_import_stores_the_files(park: Store, park_url: str, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "plan.pdf").write_bytes(b"plan")
    (tmp_path / "system.docx").write_bytes(b"system")
    good = tmp_path / "good.csv"
    good.write_text(
        "scheme,year,id,value,unit,evidence,file,note\n"
        f"{MIIT},2023,development_plan,1,-,,docs/plan.pdf,\n"
        f"{MIIT},2023,standard_system,1,,,system.docx,\n"
        f"{MIIT},2022,development_plan,1,-,,docs/plan.pdf,\n"
        f"{MIIT},2023,green_coverage,15,%,survey,,\n",
        encoding="utf-8",
    )
    r = _run(park_url, "indicator", "import", str(good))
    assert r.exit_code == 0, r.output
    plan, system = hashlib.sha256(b"plan").hexdigest(), hashlib.sha256(b"system").hexdigest()
    assert _files(park) == [(plan, "plan.pdf", 4), (system, "system.docx", 6)]
    r = _run(park_url, "indicator", "list", "--year", "2023")
    stored = {line.split(",")[2]: line.rsplit(",", 1)[1] for line in r.output.splitlines()[1:]}
    assert stored == {"development_plan": "yes", "green_coverage": "", "standard_system": "yes"}
    out = tmp_path / "out.docx"
    assert _run(park_url, "indicator", "evidence", system, "-o", str(out)).exit_code == 0
    assert out.read_bytes() == b"system"


def test_cli_import_all_or_nothing_stores_no_file(
    park: Store, park_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plan.pdf").write_bytes(b"plan")
    (tmp_path / "big.pdf").write_bytes(b"x" * 11)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "scheme,year,id,value,unit,evidence,file,note\n"
        f"{MIIT},2023,development_plan,1,-,,plan.pdf,\n"
        f"{MIIT},2023,bus_stop_coverage_500m,85,km,,,\n",
        encoding="utf-8",
    )
    r = _run(park_url, "indicator", "import", str(bad))
    assert r.exit_code != 0
    assert "bad.csv: row 3, column 'unit'" in str(r.exception)
    assert _files(park) == [] and _entries(park) == 0
    # a file over the limit is a row error of the file column, with the others
    monkeypatch.setattr(evidence_db, "MAX_EVIDENCE_BYTES", 10)
    bad.write_text(
        "scheme,year,id,value,unit,evidence,file,note\n"
        f"{MIIT},2023,development_plan,1,-,,plan.pdf,\n"
        f"{MIIT},2023,standard_system,1,,,big.pdf,\n"
        f"{MIIT},2023,bus_stop_coverage_500m,85,km,,,\n",
        encoding="utf-8",
    )
    r = _run(park_url, "indicator", "import", str(bad))
    assert r.exit_code != 0
    msg = str(r.exception)
    assert "bad.csv: row 3, column 'file': big.pdf: the evidence file is 11 bytes" in msg
    assert "bad.csv: row 4, column 'unit'" in msg
    assert _files(park) == [] and _entries(park) == 0
