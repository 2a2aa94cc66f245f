"""Unit tests of :mod:`greenpark.environment`: renames, cell typing, the three assessments
on in-memory sheets, and the file edge."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from greenpark.environment import (
    AIR_COLUMNS,
    AQI_REPORTS,
    AQI_STANDARDS,
    NOISE_ZONES,
    WATER_BODIES,
    Sheet,
    assess_air,
    assess_noise,
    assess_water,
    cells,
    parse_renames,
    read_sheet,
    rename_header,
    write_table,
)
from greenpark.environment._sheet import _number, _timestamp, normalise_name
from greenpark.errors import InputError, RowError
from greenpark.standards import air

DATA = Path(__file__).resolve().parents[1] / "data" / "assess"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _sheet(header: list[str], *rows: list[object], source: str = "t.csv") -> Sheet:
    return Sheet(source, header, [(n, list(r)) for n, r in enumerate(rows, start=2)])


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("PM2.5", "pm2_5"),
        ("NH3-N", "nh3_n"),
        (" Leq dB(A) ", "leq_db(a)"),
        (None, ""),
        ("pH", "ph"),
    ],
)
def test_normalise_name(raw: object, name: str) -> None:
    assert normalise_name(raw) == name


def test_parse_renames() -> None:
    assert parse_renames(["PM2.5=pm2_5", "监测时间 = time"]) == {
        "pm2_5": "pm2_5",
        "监测时间": "time",
    }
    for bad in (["pm25"], ["=time"], ["a="]):
        with pytest.raises(InputError, match="old=new"):
            parse_renames(bad)
    with pytest.raises(InputError, match="renamed twice"):
        parse_renames(["a=b", "A=c"])


def test_rename_header_swaps_at_once_and_refuses_clashes() -> None:
    assert rename_header(["o3", "o3_24h"], {"o3": "o3_24h", "o3_24h": "o3"}) == ["o3_24h", "o3"]
    assert rename_header(["a", ""], {}) == ["a", "column_2"]
    with pytest.raises(InputError, match=r"appears twice.*--rename o3=o3_2"):
        rename_header(["o3", "o3_24h"], {"o3_24h": "o3"})
    with pytest.raises(InputError, match="no such column"):
        rename_header(["a"], {"b": "c"})


# ----------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-06-01T10:00+08:00", "2025-06-01T02:00:00+00:00"),
        ("2025-06-01T02:00:00Z", "2025-06-01T02:00:00+00:00"),
        ("2025-06-01 10:00", "2025-06-01T02:00:00+00:00"),  # localised in Asia/Shanghai
        (dt.datetime(2025, 6, 1, 10), "2025-06-01T02:00:00+00:00"),  # an Excel cell
        (dt.date(2025, 6, 1), "2025-05-31T16:00:00+00:00"),
    ],
)
def test_timestamp(cell: object, expected: str) -> None:
    assert _timestamp(cell, SHANGHAI).isoformat() == expected


@pytest.mark.parametrize("cell", ["tomorrow", 45000.5, True])
def test_timestamp_refuses(cell: object) -> None:
    with pytest.raises(ValueError, match="date and time"):
        _timestamp(cell, SHANGHAI)


def test_timestamp_refuses_a_local_time_that_does_not_exist() -> None:
    with pytest.raises(ValueError, match="does not exist"):
        _timestamp("2025-03-30 02:30", ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("cell", "expected"), [("12.5", 12.5), (7, 7.0), ("-", math.nan), ("", math.nan), ("1e2", 100)]
)
def test_number(cell: object, expected: float) -> None:
    value = _number(cell)
    assert (math.isnan(value) and math.isnan(expected)) or value == expected


@pytest.mark.parametrize("cell", ["abc", "inf", True, "1,5", dt.date(2025, 1, 1)])
def test_number_refuses(cell: object) -> None:
    with pytest.raises(ValueError, match="number"):
        _number(cell)


def test_cells_pads_short_rows_and_keeps_row_numbers() -> None:
    c = cells(_sheet(["a", "b"], ["1"], ["2", "3", "extra"]))
    assert c.frame.index.tolist() == [2, 3]
    assert c.frame.values.tolist() == [["1", None], ["2", "3"]]
    assert c.numbers("b").isna().tolist() == [True, False]


def test_cells_without_header() -> None:
    with pytest.raises(InputError, match="no header"):
        cells(Sheet("t.csv", [], []))


def test_errors_name_the_column_as_in_the_file() -> None:
    c = cells(_sheet(["PM10", "站点"], ["x", ""]), {"站点": "station"})
    c.numbers("pm10")
    c.texts("station")
    assert c.errors == [
        RowError("t.csv", 2, "pm10", "expected a number, got 'x'"),
        RowError("t.csv", 2, "站点", "empty cell in a required column"),
    ]


# ----------------------------------------------------------------------------- air


def test_air_columns_cover_the_pollutants() -> None:
    assert set(air.POLLUTANTS) < set(AIR_COLUMNS)
    assert AQI_STANDARDS == ("auto", *air.STANDARDS)


def test_assess_air_hourly_in_memory() -> None:
    sheet = _sheet(
        ["time", "station", "pm2_5", "aqi"],
        ["2026-02-28T23:00+08:00", "S", "80", "published"],
        ["2026-03-01T00:00+08:00", "S", "80", ""],
        ["2026-03-01T01:00+08:00", "S", "-1", ""],
    )
    result = assess_air(sheet, report="hourly")
    table = result.table
    assert table["aqi"].tolist() == [107, 119]  # 2012, then 2026 tables
    assert table["standard"].tolist() == ["2012", "2026"]
    assert table["aqi_input"].tolist() == ["published", ""]
    assert (result.rows_in, result.rows_computed, result.bad_rows) == (3, 2, 1)
    assert result.errors[0].row == 4 and result.errors[0].column == "pm2_5"
    assert result.summary("o.csv") == "3 rows in, 2 computed, 1 bad; 2 output rows written to o.csv"


def test_assess_air_header_only() -> None:
    result = assess_air(_sheet(["time", "station", "o3"]), report="hourly")
    assert len(result.table) == 0 and result.errors == ()
    assert assess_air(_sheet(["time", "station", "o3"]), report="daily").table.empty


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"report": "weekly"}, "hourly, daily"),
        ({"report": "hourly", "standard": "2020"}, "auto, 2012, 2026"),
        ({"report": "hourly", "timezone_name": "Beijing"}, "IANA"),
    ],
)
def test_assess_air_bad_choices(kwargs: dict[str, str], match: str) -> None:
    with pytest.raises(InputError, match=match):
        assess_air(_sheet(["time", "station", "o3"]), **kwargs)


def test_assess_air_needs_a_pollutant() -> None:
    with pytest.raises(InputError, match="no pollutant column"):
        assess_air(_sheet(["time", "station", "pm25"]), report="hourly")


def test_assess_air_daily_o3_primary_is_8h() -> None:
    start = pd.Timestamp("2025-07-01 01:00", tz="Asia/Shanghai")
    rows = [[(start + pd.Timedelta(hours=h)).isoformat(), "S", "250"] for h in range(24)]
    table = assess_air(_sheet(["time", "station", "o3"], *rows), report="daily").table
    assert table["date"].tolist() == ["2025-07-01"]
    assert table["o3_8h"].iloc[0] == 250
    assert table["primary_pollutant"].iloc[0] == "o3"
    assert table["primary_pollutant_zh"].iloc[0] == "臭氧8小时"


# ----------------------------------------------------------------------------- water


def test_assess_water_bad_body_lists_the_valid_ones() -> None:
    with pytest.raises(InputError, match="river, lake"):
        assess_water(_sheet(["section"]), body="sea")
    assert WATER_BODIES == ("river", "lake")


def test_assess_water_missing_value_is_skipped() -> None:
    sheet = _sheet(["section", "ph", "do", "codmn", "nh3_n", "tp"], ["A", "7", "", "", "", ""])
    table = assess_water(sheet, body="river").table
    assert table["class"].tolist() == [1] and table["deciding"].tolist() == ["pH"]
    assert "time" not in table and "class_tn" not in table


# ----------------------------------------------------------------------------- noise


def test_assess_noise_without_station_and_bad_zone() -> None:
    start = pd.Timestamp("2024-06-01 06:00", tz="Asia/Shanghai")
    rows = [[(start + pd.Timedelta(hours=h)).isoformat(), "55"] for h in range(24)]
    table = assess_noise(_sheet(["time", "leq"], *rows), zone="4b").table
    assert "station" not in table
    assert table[["night_limit", "night_exceeds"]].values.tolist() == [[60.0, False]]
    with pytest.raises(InputError, match="0, 1, 2, 3, 4a, 4b"):
        assess_noise(_sheet(["time", "leq"]), zone="5")
    assert NOISE_ZONES[-1] == "4b" and AQI_REPORTS == ("hourly", "daily")


# ----------------------------------------------------------------------------- files


def test_read_sheet_gbk_csv_and_first_xlsx_sheet(tmp_path: Path) -> None:
    src = tmp_path / "gbk.csv"
    src.write_bytes("断面,pH\n甲,7\n\n乙,8\n".encode("gb18030"))
    sheet = read_sheet(src)
    assert sheet.header == ["断面", "ph"]
    assert sheet.rows == [(2, ["甲", "7"]), (4, ["乙", "8"])]  # blank row 3 skipped
    xlsx = read_sheet(DATA / "water_lake.xlsx")
    assert xlsx.source == "water_lake.xlsx[湖库]" and [n for n, _ in xlsx.rows] == [2, 3, 5]


def test_read_sheet_refuses(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown file type"):
        read_sheet(tmp_path / "a.txt")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"broken\.xlsx"):
        read_sheet(broken)


def test_write_table_round_trip(tmp_path: Path) -> None:
    table = pd.DataFrame({"a": [math.nan, 2.0], "b": ["优", None]})
    for name, empty in (("t.csv", ""), ("t.xlsx", None)):
        write_table(table, tmp_path / name)
        back = read_sheet(tmp_path / name)
        assert back.header == ["a", "b"]
        assert [cells for _, cells in back.rows] == [
            [empty, "优"],
            ["2" if empty == "" else 2, empty],
        ]
    with pytest.raises(InputError):
        write_table(table, tmp_path / "t.parquet")
