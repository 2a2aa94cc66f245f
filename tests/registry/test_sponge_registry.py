"""The sponge-city registry tables: ``catchment`` and ``sponge_facility`` import with errors
named by file, row and column, reference each other and the site, and export back."""

from __future__ import annotations

from pathlib import Path

import pytest
from registry_helpers import REGISTRY_DATA, snapshot

from greenpark.errors import RowsError
from greenpark.registry import COLUMNS, import_files
from greenpark.store import Store
from greenpark.store.maintenance import delete_park
from greenpark.store.schema import SPONGE_FACILITY_KINDS

BASE = [REGISTRY_DATA / "park.csv", REGISTRY_DATA / "enterprises.csv", REGISTRY_DATA / "site.csv"]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_good_files_import_and_export(filled_store: Store) -> None:
    rows = snapshot(filled_store)
    roof = next(c for c in rows["catchment"] if c["code"] == "C-ROOF")
    assert roof == {
        "code": "C-ROOF", "park": "GAFTZ", "site": "B-101", "name": "数据中心一号楼屋面",
        "area_m2": 12000.0, "runoff_coefficient": 0.85, "note": "roof and courtyard",
    }  # fmt: skip
    tank = next(f for f in rows["sponge_facility"] if f["code"] == "F-ROOF-2")
    assert tank["catchment"] == "C-ROOF" and tank["capture_volume_m3"] == 300.5
    assert tank["in_service_from"] is None and tank["kind"] == "storage_tank"


def test_kinds_are_the_schema_tuple() -> None:
    col = next(c for c in COLUMNS["sponge_facility"] if c.name == "kind")
    assert col.allowed == SPONGE_FACILITY_KINDS


def test_bad_rows_are_named_by_file_row_and_column(store: Store, tmp_path: Path) -> None:
    catchment = _write(
        tmp_path / "catchment.csv",
        "code,park,site,name,area_m2,runoff_coefficient\n"
        "C-1,GAFTZ,,Good,1000,0.5\n"  # row 2: good
        "C-2,GAFTZ,,Zero area,0,0.5\n"  # row 3
        "C-3,GAFTZ,,Psi too high,1000,1.2\n"  # row 4
        "C-4,GAFTZ,,Psi zero,1000,0\n"  # row 5
        "C-5,NOPARK,NOSITE,Unknown refs,1000,0.5\n"  # row 6
        "C-6,GAFTZ,,,ten,\n",  # row 7
    )
    facility = _write(
        tmp_path / "sponge_facilities.csv",
        "code,catchment,name,kind,capture_volume_m3,in_service_from\n"
        "F-1,C-1,Tank,storage_tank,50,2024-05-01\n"  # row 2: good
        "F-2,C-1,Pond,lake,50,\n"  # row 3
        "F-3,C-1,Negative,swale,-5,\n"  # row 4
        "F-4,C-9,Orphan,swale,5,\n"  # row 5
        "F-5,C-2,On a bad catchment,swale,5,\n"  # row 6
        "F-6,C-1,Bad date,swale,5,2024-13-01\n",  # row 7
    )
    with pytest.raises(RowsError) as err:
        import_files(store, [*BASE, catchment, facility])
    found = {(e.file, e.row, e.column) for e in err.value.errors}
    assert found == {
        ("catchment.csv", 3, "area_m2"),
        ("catchment.csv", 4, "runoff_coefficient"),
        ("catchment.csv", 5, "runoff_coefficient"),
        ("catchment.csv", 6, "park"),
        ("catchment.csv", 6, "site"),
        ("catchment.csv", 7, "name"),
        ("catchment.csv", 7, "area_m2"),
        ("catchment.csv", 7, "runoff_coefficient"),
        ("sponge_facilities.csv", 3, "kind"),
        ("sponge_facilities.csv", 4, "capture_volume_m3"),
        ("sponge_facilities.csv", 5, "catchment"),
        ("sponge_facilities.csv", 6, "catchment"),
        ("sponge_facilities.csv", 7, "in_service_from"),
    }
    reasons = {(e.row, e.column): e.reason for e in err.value.errors if e.file == "catchment.csv"}
    assert "must be above 0" in reasons[(3, "area_m2")]
    assert "above the maximum 1" in reasons[(4, "runoff_coefficient")]
    assert snapshot(store)["catchment"] == []  # nothing written
    # with skip_invalid the good rows beside the bad ones are written
    report = import_files(store, [*BASE, catchment, facility], skip_invalid=True)
    assert report.counts["catchment"].inserted == 1 and report.counts["catchment"].invalid == 5
    assert report.counts["sponge_facility"].inserted == 1
    assert [f["code"] for f in snapshot(store)["sponge_facility"]] == ["F-1"]


def test_deleting_the_park_deletes_its_catchments(filled_store: Store) -> None:
    with filled_store.write() as conn:
        deleted = delete_park(conn, "GAFTZ")
    assert deleted["catchment"] == 2 and deleted["sponge_facility"] == 3
    rows = snapshot(filled_store)
    assert [c["code"] for c in rows["catchment"]] == ["C-GREEN"]
    assert [f["code"] for f in rows["sponge_facility"]] == ["F-GREEN-1"]
