"""Pure layer: cell parsers, table checks and the checks across tables (no store, no files
except the CSV/workbook readers at the end)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from greenpark.registry import COLUMNS, check_table, parse_cell
from greenpark.registry._files import kind_for_name, read_csv, read_xlsx
from greenpark.registry._parse import CheckedTable, RawTable, check_import

HUAWEI = "914403001922038216"
TENCENT = "9144030071526726XG"


def col(kind_name: str, name: str):  # type: ignore[no-untyped-def]
    return next(c for c in COLUMNS[kind_name] if c.name == name)


GOOD_CELLS: list[tuple[str, str, Any, Any]] = [
    ("park", "name", "  Gui'an  ", "Gui'an"),
    ("park", "code", 12, "12"),
    ("park", "code", 12.0, "12"),
    ("park", "name", dt.datetime(2024, 1, 2), "2024-01-02"),
    ("park", "timezone", "Asia/Shanghai", "Asia/Shanghai"),
    ("park", "latitude", "-26.5", -26.5),
    ("park", "latitude", 26, 26.0),
    ("meter", "interval_s", "900", 900),
    ("meter", "interval_s", 900.0, 900),
    ("meter", "interval_s", "900.0", 900),
    ("asset", "p_nom", "1.5e3", 1500.0),
    ("asset", "p_nom", ".5", 0.5),
    ("asset", "efficiency", "1", 1.0),
    ("high_tech_certificate", "valid_from", "2024-02-29", dt.date(2024, 2, 29)),
    ("high_tech_certificate", "valid_from", dt.datetime(2024, 3, 1), dt.date(2024, 3, 1)),
    ("high_tech_certificate", "valid_from", dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
    ("vehicle", "in_service", "TRUE", True),
    ("vehicle", "in_service", "no", False),
    ("vehicle", "in_service", "是", True),
    ("vehicle", "in_service", "0", False),
    ("vehicle", "in_service", False, False),
    ("asset", "params", '{"soc_min": 0.1}', {"soc_min": 0.1}),
    ("enterprise", "credit_code", "9144030071526726xg", TENCENT),
    ("enterprise", "industry", "Big_Data", "big_data"),
    ("station", "noise_zone_class", 3, "3"),
    ("station", "noise_zone_class", "4A", "4a"),
    ("station", "water_target_class", "iii", "III"),
    ("enterprise_year", "year", "1949", 1949),
    ("enterprise_year", "year", 2100, 2100),
]


@pytest.mark.parametrize(("kind_name", "column", "cell", "expected"), GOOD_CELLS)
def test_parse_good_cells(kind_name: str, column: str, cell: Any, expected: Any) -> None:
    value = parse_cell(col(kind_name, column), cell)
    assert value == expected
    assert type(value) is type(expected)


BAD_CELLS: list[tuple[str, str, Any, str]] = [
    ("meter", "interval_s", "9.5", "expected a whole number, got '9.5'"),
    ("meter", "interval_s", "1_000", "expected a whole number"),
    ("meter", "interval_s", True, "logical value"),
    ("meter", "interval_s", 0, "0 is below the minimum 1 [s]"),
    ("asset", "p_nom", "abc", "expected a number, got 'abc'"),
    ("asset", "p_nom", "nan", "expected a number"),
    ("asset", "p_nom", float("inf"), "finite"),
    ("asset", "p_nom", "1,000", "expected a number"),
    ("asset", "p_nom", -1, "-1 is below the minimum 0 [kW]"),
    ("asset", "efficiency", 1.2, "1.2 is above the maximum 1"),
    ("enterprise_year", "revenue", "-100", "-100 is below the minimum 0 [10⁴ yuan]"),
    ("enterprise_year", "year", 1948, "1948 is below the minimum 1949"),
    ("enterprise_year", "year", "2101", "2101 is above the maximum 2100"),
    ("enterprise", "employees", -3, "below the minimum 0"),
    ("park", "latitude", 95, "95 is above the maximum 90 [°]"),
    ("park", "longitude", "-181", "below the minimum -180"),
    ("park", "timezone", "Mars/Olympus", "unknown IANA time zone 'Mars/Olympus'"),
    ("park", "code", "x" * 65, "65 characters, at most 64 allowed"),
    ("high_tech_certificate", "valid_from", "2023-02-29", "'2023-02-29' is not a date"),
    ("high_tech_certificate", "valid_from", "2024/01/01", "expected a date yyyy-mm-dd"),
    ("high_tech_certificate", "valid_from", "01.05.2024", "expected a date yyyy-mm-dd"),
    ("high_tech_certificate", "valid_from", dt.datetime(2024, 1, 1, 12), "without a time"),
    ("vehicle", "in_service", "maybe", "expected true or false, got 'maybe'"),
    ("asset", "params", "[1, 2]", "expected a JSON object"),
    ("asset", "params", "{bad", "not valid JSON"),
    ("enterprise", "credit_code", "91440300192203821X", "check character is 'X', expected '6'"),
    ("enterprise", "credit_code", 9.14403001922038e17, "format the column as text"),
    ("enterprise", "credit_code", "914403001922038", "has 15 characters, expected 18"),
    (
        "enterprise",
        "industry",
        "steel",
        "'steel' is not allowed; must be one of: big_data, electronic_information, "
        "equipment_manufacturing, organic_food, other",
    ),
    ("meter", "carrier", "heat_pump", "must be one of: electricity, natural_gas"),
    ("station", "kind", "air", "must be one of: ambient_air, surface_water"),
    ("station", "noise_zone_class", "5", "must be one of: 0, 1, 2, 3, 4a, 4b"),
    ("station", "water_body", "sea", "must be one of: river, lake"),
    ("station", "water_target_class", "VI", "must be one of: I, II, III, IV, V"),
    ("asset", "kind", "wind", "must be one of: pv, gas_engine"),
    ("vehicle", "energy", "petrol", "must be one of: battery_electric, fuel_cell"),
    ("certification", "kind", "green", "must be one of: national_green_factory"),
    ("site", "kind", "room", "must be one of: site, building"),
]


@pytest.mark.parametrize(("kind_name", "column", "cell", "message"), BAD_CELLS)
def test_parse_bad_cells(kind_name: str, column: str, cell: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_cell(col(kind_name, column), cell)
    assert message in str(info.value)


def raw(kind_name: str, header: list[str], *rows: list[Any], source: str = "t.csv") -> RawTable:
    return RawTable(source, kind_name, header, [(n, r) for n, r in enumerate(rows, start=2)])


def where(table: CheckedTable) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in table.errors]


def test_missing_required_column_is_one_error_on_row_1() -> None:
    t = check_table(raw("enterprise", ["credit_code", "park", "name"], [HUAWEI, "P", "H"]))
    assert where(t) == [(1, "industry")]
    assert "required column 'industry' is missing" in t.errors[0].reason
    assert not t.good_rows


def test_unknown_and_repeated_columns_are_header_errors() -> None:
    t = check_table(
        raw("park", ["code", "name", "nmae", "code", ""], ["P", "Park", "x", "Q", "ignored"])
    )
    assert where(t) == [(1, "nmae"), (1, "code")]
    assert "columns are: code, name" in t.errors[0].reason
    assert [r.values for r in t.rows] == [{"code": "P", "name": "Park"}]


def test_all_bad_values_of_a_row_are_reported_and_defaults_filled() -> None:
    t = check_table(
        raw(
            "vehicle",
            ["code", "park", "kind", "energy", "battery_kwh", "in_service"],
            ["", "P", "", "petrol", "-5", ""],
            ["V2", "P", "", "diesel", "", ""],
        )
    )
    assert where(t) == [(2, "code"), (2, "energy"), (2, "battery_kwh")]
    assert [r.ok for r in t.rows] == [False, True]
    assert t.rows[1].values == {
        "code": "V2",
        "park": "P",
        "kind": "bus",
        "energy": "diesel",
        "battery_kwh": None,
        "in_service": True,
    }


def test_short_rows_are_blank_at_the_end() -> None:
    t = check_table(raw("park", ["code", "name", "province"], ["P", "Park"]))
    assert t.errors == []
    assert t.rows[0].values == {"code": "P", "name": "Park", "province": None}


METER = ["code", "park", "name", "carrier", "unit"]


@pytest.mark.parametrize(
    ("carrier", "unit", "stored"),
    [
        ("electricity", "kWh", "kWh"),
        ("electricity", "kwh", "kWh"),
        ("electricity", "", "kWh"),
        ("natural_gas", "m3", "m³"),
        ("water", "M³", "m³"),
        ("heat", "GJ", "GJ"),
        ("steam", "t", "t"),
        ("other", "Nm³", "Nm³"),
        ("other", "", ""),
    ],
)
def test_meter_unit_follows_the_carrier(carrier: str, unit: str, stored: str) -> None:
    t = check_table(raw("meter", METER, ["M", "P", "m", carrier, unit]))
    assert t.errors == []
    assert t.rows[0].values["unit"] == stored


@pytest.mark.parametrize(
    ("carrier", "unit"), [("electricity", "MWh"), ("natural_gas", "t"), ("heat", "kWh")]
)
def test_meter_unit_mismatch(carrier: str, unit: str) -> None:
    t = check_table(raw("meter", METER, ["M", "P", "m", carrier, unit]))
    assert where(t) == [(2, "unit")]
    assert f"does not match carrier {carrier!r}" in t.errors[0].reason


def test_meter_unit_filled_when_the_column_is_absent() -> None:
    t = check_table(raw("meter", METER[:4], ["M", "P", "m", "steam"], ["X", "P", "x", "other"]))
    assert t.rows[0].values["unit"] == "t"
    assert where(t) == [(3, "unit")]  # 'other' has no unit to fill in


def test_meter_not_its_own_parent() -> None:
    t = check_table(raw("meter", [*METER, "parent"], ["M", "P", "m", "water", "", "M"]))
    assert where(t) == [(2, "parent")]


def test_high_tech_validity_order() -> None:
    header = ["credit_code", "valid_from", "valid_to"]
    t = check_table(
        raw(
            "high_tech_certificate",
            header,
            [HUAWEI, "2024-01-01", "2023-12-31"],
            [HUAWEI, "2024-01-01", "2024-01-01"],
            [HUAWEI, "bad", "2023-12-31"],  # one error only: the rule needs both dates
        )
    )
    assert where(t) == [(2, "valid_to"), (4, "valid_from")]


STATION = ["code", "park", "name", "kind", "mn", "noise_zone_class", "water_body"]


def test_station_kind_needs_its_classes() -> None:
    t = check_table(
        raw(
            "station",
            [*STATION, "water_target_class"],
            ["N", "P", "n", "noise", "1", "", "", ""],
            ["S", "P", "s", "surface_water", "2", "", "", ""],
            ["S2", "P", "s", "surface_water", "3", "", "lake", "II"],
            ["N2", "P", "n", "noise", "4", "2", "", ""],
        )
    )
    assert where(t) == [(2, "noise_zone_class"), (3, "water_body"), (3, "water_target_class")]


# --- across tables ---------------------------------------------------------------------


def checked(kind_name: str, header: list[str], *rows: list[Any], source: str) -> CheckedTable:
    return check_table(raw(kind_name, header, *rows, source=source))


def test_duplicate_keys_report_the_second_row_across_files() -> None:
    a = checked("park", ["code", "name"], ["P", "a"], ["Q", "b"], ["P", "c"], source="a.csv")
    b = checked("park", ["code", "name"], ["Q", "d"], source="b.csv")
    check_import([a, b], {}, {})
    assert where(a) == [(4, "code")]
    assert "already in row 2" in a.errors[0].reason
    assert where(b) == [(2, "code")]
    assert "already in a.csv row 3" in b.errors[0].reason


def test_composite_key_duplicates() -> None:
    header = ["credit_code", "year", "revenue"]
    t = checked(
        "enterprise_year",
        header,
        [HUAWEI, "2024", "1"],
        [HUAWEI, "2025", "1"],
        [HUAWEI.lower(), 2024, "2"],
        source="y.csv",
    )
    check_import([t], {"enterprise": {HUAWEI}}, {})
    assert where(t) == [(4, "year")]
    assert f"({HUAWEI!r}, 2024)" in t.errors[0].reason


def test_references_resolve_in_store_or_import() -> None:
    parks = checked("park", ["code", "name"], ["NEW", "n"], ["BAD", ""], source="park.csv")
    ents = checked(
        "enterprise",
        ["credit_code", "park", "name", "industry"],
        [HUAWEI, "OLD", "h", "big_data"],  # in the store
        [TENCENT, "NEW", "t", "big_data"],  # earlier in the import
        ["91330100799655058B", "BAD", "a", "big_data"],  # its park row is bad
        ["91520900MA6H12345T", "NONE", "f", "big_data"],  # nowhere
        source="enterprise.csv",
    )
    check_import([ents, parks], {"park": {"OLD"}}, {})
    assert where(ents) == [(4, "park"), (5, "park")]
    assert "park with code 'BAD' is in this import but its row is invalid" in ents.errors[0].reason
    assert "no park with code 'NONE' in the store or in this import" in ents.errors[1].reason


def test_parent_chain_fails_from_the_bad_end() -> None:
    header = ["code", "park", "parent", "name", "carrier"]
    t = checked(
        "meter",
        header,
        ["C", "P", "B", "c", "water"],
        ["B", "P", "A", "b", "water"],
        ["A", "P", "", "a", "steam_bad"],
        ["D", "P", "OLD", "d", "water"],
        ["E", "P", "D", "e", "water"],
        source="meter.csv",
    )
    check_import([t], {"park": {"P"}, "meter": {"OLD"}}, {})
    assert sorted(where(t)) == [(2, "parent"), (3, "parent"), (4, "carrier")]
    assert [r.ok for r in t.rows] == [False, False, False, True, True]


def test_station_mn_unique_over_store_and_import() -> None:
    header = ["code", "park", "name", "kind", "mn"]
    t = checked(
        "station",
        header,
        ["A", "P", "a", "ambient_air", "MN1"],  # taken by X in the store
        ["B", "P", "b", "ambient_air", "MN2"],  # Y moves away from MN2 in this import
        ["Y", "P", "y", "ambient_air", "MN9"],
        ["C", "P", "c", "ambient_air", "MN9"],  # repeats row 4
        ["X", "P", "x", "ambient_air", "MN1"],  # X keeps its own MN: fine
        source="station.csv",
    )
    check_import([t], {"park": {"P"}}, {"X": "MN1", "Y": "MN2"})
    assert where(t) == [(2, "mn"), (5, "mn")]
    assert "already used by station 'X' in the store" in t.errors[0].reason
    assert "already used by station 'Y' in row 4" in t.errors[1].reason


# --- readers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind_name"),
    [
        ("enterprise", "enterprise"),
        ("Enterprises", "enterprise"),
        ("ENTERPRISE_YEARS", "enterprise_year"),
        ("high-tech certificate", "high_tech_certificate"),
        ("Sheet1", None),
        ("enterprisess", None),
    ],
)
def test_kind_for_name(name: str, kind_name: str | None) -> None:
    assert kind_for_name(name) == kind_name


CSV_TEXT = 'Code, Name ,name_local\n\nP1,Park,贵安新区\n , ,\nP2,"Park, two",\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_read_csv_encodings_blank_rows_and_header(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "park.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    t = read_csv(path, "park.csv", "park")
    assert t.header == ["code", "name", "name_local"]
    assert t.rows == [(3, ["P1", "Park", "贵安新区"]), (5, ["P2", "Park, two", ""])]


def test_read_csv_keeps_codes_as_text(tmp_path: Path) -> None:
    path = tmp_path / "meter.csv"
    path.write_text("code,park\n007,0001\n", encoding="utf-8")
    assert read_csv(path, "meter.csv", "meter").rows == [(2, ["007", "0001"])]


def test_read_xlsx_sheets_row_numbers_and_unknown_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Parks"
    ws.append(["code", "name"])
    ws.append(["P1", "Park"])
    ws["A5"], ws["B5"] = "P2", 42
    wb.create_sheet("Sheet2")  # empty: ignored
    wb.create_sheet("notes").append(["free text"])
    wb.save(tmp_path / "r.xlsx")
    tables, errors, labels = read_xlsx(tmp_path / "r.xlsx", "r.xlsx")
    assert [(t.source, t.kind, t.rows) for t in tables] == [
        ("r.xlsx[Parks]", "park", [(2, ["P1", "Park"]), (5, ["P2", 42])])
    ]
    assert [(e.file, e.row, e.column) for e in errors] == [("r.xlsx[notes]", 1, "(sheet)")]
    assert labels == ["r.xlsx[Parks]", "r.xlsx[Sheet2]", "r.xlsx[notes]"]
    assert "unknown sheet 'notes'" in errors[0].reason
    assert "park, enterprise, enterprise_year" in errors[0].reason
