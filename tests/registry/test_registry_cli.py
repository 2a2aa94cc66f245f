"""``greenpark registry import|export`` through click's CliRunner (SQLite file store)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner
from registry_helpers import BAD_FILES, GOOD_FILES, row_counts

from greenpark.cli import cli
from greenpark.store import Store
from greenpark.store.registry import KINDS


def run(tmp_path: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--database", f"sqlite:///{tmp_path}/x.db", *args])


def counts(tmp_path: Path) -> dict[str, int]:
    store = Store(f"sqlite:///{tmp_path}/x.db")
    try:
        return row_counts(store)
    finally:
        store.dispose()


def test_import_and_reimport(tmp_path: Path) -> None:
    result = run(tmp_path, "registry", "import", *map(str, GOOD_FILES))
    assert result.exit_code == 0, result.output
    assert "enterprise: 5 inserted, 0 updated" in result.stdout
    result = run(tmp_path, "registry", "import", *map(str, GOOD_FILES))
    assert result.exit_code == 0
    assert "enterprise: 0 inserted, 5 updated" in result.stdout
    assert counts(tmp_path)["enterprise"] == 5


def test_bad_rows_exit_1_and_write_nothing(tmp_path: Path) -> None:
    assert run(tmp_path, "registry", "import", *map(str, GOOD_FILES)).exit_code == 0
    before = counts(tmp_path)
    result = run(tmp_path, "registry", "import", *map(str, BAD_FILES))
    assert result.exit_code == 1
    assert "23 bad value(s)" in result.stderr
    assert "enterprise.csv: row 3, column 'credit_code'" in result.stderr
    assert "check character is 'X', expected '6'" in result.stderr
    assert "meter.csv: row 2, column 'unit'" in result.stderr
    assert "Nothing was written" in result.stderr
    assert result.stdout == ""
    assert counts(tmp_path) == before


def test_skip_invalid_writes_good_rows_and_exits_1(tmp_path: Path) -> None:
    assert run(tmp_path, "registry", "import", *map(str, GOOD_FILES)).exit_code == 0
    before = counts(tmp_path)
    result = run(tmp_path, "registry", "import", "--skip-invalid", *map(str, BAD_FILES))
    assert result.exit_code == 1
    assert "meter: 1 inserted, 0 updated, 4 bad row(s) skipped" in result.stdout
    assert "station.csv: row 5, column 'mn'" in result.stdout
    after = counts(tmp_path)
    assert after["meter"] == before["meter"] + 1
    assert after["station"] == before["station"] + 1


def test_table_option(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("code,name\nP9,Park nine\n", encoding="utf-8")
    result = run(tmp_path, "registry", "import", str(path))
    assert result.exit_code == 1
    assert "cannot tell the registry table" in result.stderr
    result = run(tmp_path, "registry", "import", "--table", "park", str(path))
    assert result.exit_code == 0, result.output
    assert counts(tmp_path)["park"] == 1


def test_export_xlsx_and_folder_then_import_back(tmp_path: Path) -> None:
    assert run(tmp_path, "registry", "import", *map(str, GOOD_FILES)).exit_code == 0
    xlsx = tmp_path / "out.xlsx"
    result = run(tmp_path, "registry", "export", "-o", str(xlsx))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(xlsx)
    assert openpyxl.load_workbook(xlsx, read_only=True).sheetnames == list(KINDS)
    folder = tmp_path / "csv"
    result = run(tmp_path, "registry", "export", "--output", str(folder))
    assert result.exit_code == 0
    assert result.stdout.split() == [str(folder / f"{k}.csv") for k in KINDS]
    result = run(tmp_path, "registry", "import", str(xlsx), *sorted(map(str, folder.glob("*"))))
    assert result.exit_code == 1  # the same rows twice: the CSVs repeat the workbook
    assert "duplicate park (code) = ('DEMO2'): already in out.xlsx[park] row 2" in result.stderr
    result = run(tmp_path, "registry", "import", str(xlsx))
    assert result.exit_code == 0
    assert "meter: 0 inserted, 6 updated" in result.stdout
