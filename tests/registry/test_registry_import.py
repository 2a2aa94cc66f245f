"""Import and export through the store, on SQLite and PostgreSQL (``store`` fixture)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from registry_helpers import BAD_FILES, GOOD_FILES, REGISTRY_DATA, row_counts, snapshot
from sqlalchemy import func, select

from greenpark.errors import InputError, RowsError
from greenpark.registry import ImportReport, export_registry, import_files
from greenpark.store import Store
from greenpark.store.registry import KINDS, export
from greenpark.store.schema import Meter

HUAWEI = "914403001922038216"
TENCENT = "9144030071526726XG"
ALIBABA = "91330100799655058B"

#: Every bad value of tests/data/registry/bad/*.csv: (file, row, column).
BAD_VALUES = [
    ("enterprise.csv", 3, "credit_code"),  # check character 'X', expected '6'
    ("enterprise.csv", 4, "industry"),  # 'steel'
    ("enterprise.csv", 5, "name"),  # missing required value
    ("enterprise.csv", 6, "park"),  # no park NOPARK
    ("enterprise.csv", 7, "credit_code"),  # duplicate of row 2
    ("enterprise.csv", 8, "employees"),  # negative
    ("enterprise_year.csv", 2, "revenue"),  # negative revenue
    ("enterprise_year.csv", 3, "year"),  # 1900 < 1949
    ("enterprise_year.csv", 4, "revenue"),  # not a number
    ("high_tech_certificate.csv", 2, "valid_from"),  # 2025/01/01
    ("high_tech_certificate.csv", 3, "valid_from"),  # 2025-02-30
    ("high_tech_certificate.csv", 4, "valid_to"),  # before valid_from
    ("meter.csv", 2, "unit"),  # m³ for electricity
    ("meter.csv", 3, "site"),  # no site NOSITE
    ("meter.csv", 4, "interval_s"),  # 0
    ("meter.csv", 4, "parent"),  # parent M-1 is a bad row
    ("meter.csv", 5, "carrier"),  # heat_pump
    ("station.csv", 2, "noise_zone_class"),  # noise station without zone class
    ("station.csv", 3, "water_target_class"),  # surface water without target class
    ("station.csv", 4, "mn"),  # MN of AQ-01 in the store
    ("station.csv", 5, "mn"),  # missing
    ("station.csv", 6, "latitude"),  # 95
    ("station.csv", 6, "mn"),  # same MN as row 2
]


def test_import_good_files(store: Store) -> None:
    report = import_files(store, GOOD_FILES)
    assert isinstance(report, ImportReport)
    assert report.errors == []
    expected = {
        "park": 2,
        "enterprise": 5,
        "enterprise_year": 4,
        "high_tech_certificate": 2,
        "certification": 3,
        "site": 3,
        "meter": 6,
        "station": 4,
        "asset": 4,
        "vehicle": 3,
        "catchment": 3,
        "sponge_facility": 4,
    }
    assert {k: c.inserted for k, c in report.counts.items()} == expected
    assert report.updated == 0
    assert row_counts(store) == expected
    summary = report.summary()
    assert "enterprise: 5 inserted, 0 updated" in summary
    assert "No bad rows." in summary


def test_imported_values(filled_store: Store) -> None:
    snap = snapshot(filled_store)
    parks = {p["code"]: p for p in snap["park"]}
    assert parks["GAFTZ"]["name_local"] == "贵安新区综合保税区"
    assert parks["GAFTZ"]["latitude"] == 26.37
    assert parks["DEMO2"]["timezone"] == "Asia/Shanghai"  # empty cell -> default
    by_code = {m["code"]: m for m in snap["meter"]}
    assert by_code["E-101-A"]["parent"] == "E-101"  # parent later in the same file
    assert by_code["G-01"]["unit"] == "m³"  # written m3
    assert by_code["W-01"]["unit"] == "m³"  # empty: the carrier's unit
    assert by_code["W-01"]["interval_s"] == 900
    assert by_code["X-01"]["unit"] == "Nm³"
    sites = {s["code"]: s for s in snap["site"]}
    assert sites["B-101"]["parent"] == "S-01"
    assert sites["S-02"]["kind"] == "site"
    cert = snap["high_tech_certificate"][0]
    assert cert["valid_from"] == dt.date(2023, 12, 8)
    assert snap["asset"][2]["params"] == {"heat_ratio": 1.1, "备注": "CCHP"}
    vehicles = {v["code"]: v for v in snap["vehicle"]}
    assert vehicles["贵A·F00001"]["in_service"] is True
    assert vehicles["贵A·D54321"]["in_service"] is False
    assert vehicles["贵A·F00001"]["kind"] == "bus"


def test_reimport_updates_never_duplicates(filled_store: Store) -> None:
    before = snapshot(filled_store)
    counts = row_counts(filled_store)
    report = import_files(filled_store, GOOD_FILES)
    assert report.inserted == 0
    assert {k: c.updated for k, c in report.counts.items()} == counts
    assert "park: 0 inserted, 2 updated" in report.summary()
    assert row_counts(filled_store) == counts
    assert snapshot(filled_store) == before


def test_changed_rows_update(filled_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "Enterprises.csv"
    path.write_text(
        "credit_code,park,name,industry\n"
        f"{HUAWEI.lower()},GAFTZ,Huawei renamed,other\n"
        "91520900MA6H2K7P3H,GAFTZ,Moved to park 1,equipment_manufacturing\n",
        encoding="utf-8",
    )
    report = import_files(filled_store, [path])
    assert (report.counts["enterprise"].inserted, report.counts["enterprise"].updated) == (0, 2)
    rows = {e["credit_code"]: e for e in snapshot(filled_store)["enterprise"]}
    assert rows[HUAWEI]["name"] == "Huawei renamed"
    assert rows[HUAWEI]["industry"] == "other"
    assert rows[HUAWEI]["employees"] == 1200  # column absent: left as it was
    assert rows["91520900MA6H2K7P3H"]["park"] == "GAFTZ"


def test_absent_reference_column_keeps_the_link(filled_store: Store, tmp_path: Path) -> None:
    """A meter file without the enterprise/site/parent columns leaves those links alone."""
    path = tmp_path / "meter.csv"
    path.write_text("code,park,name,carrier\nE-101-A,GAFTZ,A feeder,electricity\n")
    import_files(filled_store, [path])
    meter = next(m for m in snapshot(filled_store)["meter"] if m["code"] == "E-101-A")
    assert (meter["enterprise"], meter["site"], meter["parent"]) == (HUAWEI, "B-101", "E-101")
    assert meter["name"] == "A feeder"


@pytest.mark.parametrize("kind_name", list(KINDS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip(filled_store: Store, tmp_path: Path, kind_name: str, fmt: str) -> None:
    """import -> export -> import gives the same export, into the same and a fresh store."""
    before = snapshot(filled_store)[kind_name]
    assert before, "every kind has fixture rows"
    target = tmp_path / ("registry.xlsx" if fmt == "xlsx" else "registry")
    files = export_registry(filled_store, target)
    report = import_files(filled_store, files)
    assert report.errors == []
    assert report.counts[kind_name].inserted == 0
    assert report.counts[kind_name].updated == len(before)
    assert snapshot(filled_store)[kind_name] == before
    fresh_store = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    fresh_store.migrate()
    fresh = import_files(fresh_store, files)
    assert fresh.counts[kind_name].inserted == len(before)
    assert snapshot(fresh_store)[kind_name] == before
    fresh_store.dispose()


def test_export_xlsx_layout(filled_store: Store, tmp_path: Path) -> None:
    [path] = export_registry(filled_store, tmp_path / "out" / "registry.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == list(KINDS)
    for name, spec in KINDS.items():
        header = next(wb[name].iter_rows(max_row=1, values_only=True))
        assert header == spec.row_columns
    ents = list(wb["enterprise"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in ents} == {
        HUAWEI,
        TENCENT,
        ALIBABA,
        "91520900MA6H12345T",
        "91520900MA6H2K7P3H",
    }
    cert = next(wb["high_tech_certificate"].iter_rows(min_row=2, values_only=True))
    assert isinstance(cert[1], dt.datetime)  # a real date cell
    wb.close()


def test_export_csv_layout(filled_store: Store, tmp_path: Path) -> None:
    paths = export_registry(filled_store, tmp_path / "csv")
    assert [p.name for p in paths] == [f"{k}.csv" for k in KINDS]
    raw = (tmp_path / "csv" / "enterprise.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    with (tmp_path / "csv" / "enterprise.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == KINDS["enterprise"].row_columns
    assert [HUAWEI, "GAFTZ", "华为云贵安数据中心", "big_data", "1200"] in rows


def test_export_empty_store_writes_headers(store: Store, tmp_path: Path) -> None:
    paths = export_registry(store, tmp_path / "empty")
    assert len(paths) == len(KINDS)
    assert (tmp_path / "empty" / "park.csv").read_text(encoding="utf-8-sig").splitlines() == [
        ",".join(KINDS["park"].row_columns)
    ]
    report = import_files(store, paths)
    assert report.inserted == report.updated == 0 and report.errors == []


def test_bad_rows_refuse_the_whole_import(filled_store: Store, tmp_path: Path) -> None:
    before, counts = snapshot(filled_store), row_counts(filled_store)
    new_park = tmp_path / "park.csv"
    new_park.write_text("code,name\nNEWPARK,A good row in a good file\n")
    with pytest.raises(RowsError) as info:
        import_files(filled_store, [new_park, *BAD_FILES])
    errors = info.value.errors
    assert [(e.file, e.row, e.column) for e in errors] == BAD_VALUES
    reasons = {(e.file, e.row, e.column): e.reason for e in errors}
    assert reasons["enterprise.csv", 3, "credit_code"].endswith(
        "check character is 'X', expected '6'"
    )
    assert "must be one of: big_data," in reasons["enterprise.csv", 4, "industry"]
    assert "already in row 2" in reasons["enterprise.csv", 7, "credit_code"]
    assert "no park with code 'NOPARK'" in reasons["enterprise.csv", 6, "park"]
    assert "below the minimum 0 [10⁴ yuan]" in reasons["enterprise_year.csv", 2, "revenue"]
    assert "yyyy-mm-dd" in reasons["high_tech_certificate.csv", 2, "valid_from"]
    assert "metered in 'kWh'" in reasons["meter.csv", 2, "unit"]
    assert "'AQ-01' in the store" in reasons["station.csv", 4, "mn"]
    assert "enterprise.csv: row 3, column 'credit_code'" in str(info.value)
    # nothing written: not the good rows of the bad files, not the good file either
    assert row_counts(filled_store) == counts
    assert snapshot(filled_store) == before


def test_skip_invalid_writes_the_good_rows(filled_store: Store) -> None:
    counts = row_counts(filled_store)
    report = import_files(filled_store, BAD_FILES, skip_invalid=True)
    assert [(e.file, e.row, e.column) for e in report.errors] == BAD_VALUES
    c = report.counts
    assert (c["enterprise"].inserted, c["enterprise"].updated, c["enterprise"].invalid) == (0, 1, 6)
    assert (c["meter"].inserted, c["meter"].invalid) == (1, 4)  # M-5
    assert (c["station"].inserted, c["station"].invalid) == (1, 5)  # AQ-12
    assert (c["enterprise_year"].inserted, c["enterprise_year"].updated) == (0, 0)
    after = row_counts(filled_store)
    assert after["meter"] == counts["meter"] + 1
    assert after["station"] == counts["station"] + 1
    assert after["enterprise"] == counts["enterprise"]
    snap = snapshot(filled_store)
    assert {e["credit_code"]: e["name"] for e in snap["enterprise"]}[HUAWEI] == "Huawei"
    assert "M-5" in {m["code"] for m in snap["meter"]}
    summary = report.summary()
    assert "meter: 1 inserted, 0 updated, 4 bad row(s) skipped" in summary
    assert "23 bad value(s); their rows were not written:" in summary
    assert "meter.csv: row 2, column 'unit'" in summary


def test_references_across_files_and_sheets(store: Store, tmp_path: Path) -> None:
    """An enterprise sheet may name a park from a later sheet: kinds are written in order."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "enterprises"
    ws.append(["credit_code", "park", "name", "industry", "employees"])
    ws.append([HUAWEI, "P1", "华为", "big_data", 10])
    ws.append([])  # blank row: ignored, numbering goes on
    ws.append([TENCENT, "P1", "腾讯", "BIG_DATA", 20.0])
    ws2 = wb.create_sheet("park")
    ws2.append(["code", "name", "latitude", "longitude"])
    ws2.append(["P1", "Park one", 26.4, 106.3])
    ws3 = wb.create_sheet("high_tech_certificate")
    ws3.append(["credit_code", "valid_from", "number", "valid_to"])
    ws3.append([HUAWEI, dt.datetime(2024, 1, 1), 12345, "2026-12-31"])
    wb.save(tmp_path / "registry.xlsx")
    report = import_files(store, [tmp_path / "registry.xlsx"])
    assert list(report.counts) == ["park", "enterprise", "high_tech_certificate"]
    snap = snapshot(store)
    assert [e["employees"] for e in snap["enterprise"]] == [10, 20]
    assert snap["enterprise"][1]["industry"] == "big_data"
    assert snap["high_tech_certificate"] == [
        {
            "credit_code": HUAWEI,
            "valid_from": dt.date(2024, 1, 1),
            "number": "12345",
            "valid_to": dt.date(2026, 12, 31),
        }
    ]


def test_xlsx_bad_rows_name_the_sheet(store: Store, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "park"
    ws.append(["code", "name"])
    ws.append(["P1", "Park"])
    ws2 = wb.create_sheet("enterprise")
    ws2.append(["credit_code", "park", "name", "industry"])
    ws2.append([914403001922038216, "P1", "Huawei as a number", "big_data"])
    ws2.append([TENCENT, "P2", "Tencent", "big_data"])
    wb.create_sheet("Summary").append(["total", 2])
    wb.save(tmp_path / "book.xlsx")
    with pytest.raises(RowsError) as info:
        import_files(store, [tmp_path / "book.xlsx"])
    assert [(e.file, e.row, e.column) for e in info.value.errors] == [
        ("book.xlsx[enterprise]", 2, "credit_code"),
        ("book.xlsx[enterprise]", 3, "park"),
        ("book.xlsx[Summary]", 1, "(sheet)"),
    ]
    assert "format the column as text" in info.value.errors[0].reason
    assert row_counts(store)["park"] == 0


def test_table_option_and_file_names(store: Store, tmp_path: Path) -> None:
    odd = tmp_path / "parks-2025.csv"
    odd.write_text("code,name\nP1,Park\n")
    with pytest.raises(RowsError, match="cannot tell the registry table"):
        import_files(store, [odd])
    assert import_files(store, [odd], table="park").counts["park"].inserted == 1
    assert import_files(store, [odd], table="Parks").counts["park"].updated == 1
    with pytest.raises(InputError, match="must be one of"):
        import_files(store, [odd], table="factory")


def test_unreadable_files_are_reported(store: Store, tmp_path: Path) -> None:
    (tmp_path / "park.txt").write_text("code,name\n")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip file")
    (tmp_path / "site.csv").write_bytes(b"code,name\n\xff\xfe\xff\n")
    with pytest.raises(RowsError) as info:
        import_files(
            store, [tmp_path / "park.txt", tmp_path / "broken.xlsx", tmp_path / "site.csv"]
        )
    errors = info.value.errors
    assert [(e.file, e.row, e.column) for e in errors] == [
        ("park.txt", 1, "(file)"),
        ("broken.xlsx", 1, "(file)"),
        ("site.csv", 1, "(file)"),
    ]
    assert "unsupported file type '.txt'" in errors[0].reason
    assert "cannot read" in errors[1].reason
    assert "not UTF-8 nor GBK" in errors[2].reason


def test_gbk_csv(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "park.csv"
    path.write_bytes("code,name,name_local\nGA,Gui'an,贵安新区\n".encode("gbk"))
    import_files(store, [path])
    assert snapshot(store)["park"][0]["name_local"] == "贵安新区"


def test_self_reference_to_a_stored_row(filled_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "meter.csv"
    path.write_text("code,park,parent,name,carrier\nE-101-B,GAFTZ,E-101,B feeder,electricity\n")
    import_files(filled_store, [path])
    with filled_store.read() as conn:
        n = conn.execute(select(func.count()).where(Meter.parent_id.is_not(None))).scalar_one()
    assert n == 2


def test_files_with_the_same_name_are_told_apart(store: Store, tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(REGISTRY_DATA / "park.csv", tmp_path / folder / "park.csv")
    with pytest.raises(RowsError) as info:
        import_files(store, [tmp_path / "a" / "park.csv", tmp_path / "b" / "park.csv"])
    assert {e.file for e in info.value.errors} == {str(tmp_path / "b" / "park.csv")}
    assert "already in" in info.value.errors[0].reason


def test_export_is_sorted_and_stable(filled_store: Store) -> None:
    with filled_store.read() as conn:
        codes = [m["code"] for m in export(conn, "meter")]
    assert codes == sorted(codes)


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("code,park,name,carrier\nM8,GAFTZ,m,water\nM9,NOPARK,m,water\n", "park"),
        # a parent within the same batch is resolved after the insert: the deferred path
        (
            "code,park,parent,name,carrier\nM8,GAFTZ,,m,water\nM9,GAFTZ,NOMETER,m,water\n",
            "parent",
        ),
    ],
)
def test_store_reference_errors_keep_their_row(
    filled_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    column: str,
) -> None:
    """Should a reference slip past the checks, the store's error still names file and row."""
    monkeypatch.setattr("greenpark.registry._import.check_import", lambda *a: None)
    path = tmp_path / "meter.csv"
    path.write_text(text)
    counts = row_counts(filled_store)
    with pytest.raises(RowsError) as info:
        import_files(filled_store, [path], skip_invalid=True)
    [error] = info.value.errors
    assert (error.file, error.row, error.column) == ("meter.csv", 3, column)
    assert row_counts(filled_store) == counts
