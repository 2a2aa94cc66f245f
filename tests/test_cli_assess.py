"""``greenpark aqi``, ``water-class`` and ``noise`` on the CSV and Excel fixtures of
``tests/data/assess/`` (see its README): values, bad rows, ``--rename``, choices, exit codes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from greenpark import cli as cli_module
from greenpark.cli import cli
from greenpark.environment import AQI_REPORTS, AQI_STANDARDS, NOISE_ZONES, WATER_BODIES

DATA = Path(__file__).parent / "data" / "assess"
GUIYANG = DATA / "guiyang_2stations_2022-01-04.csv"
#: The platform file's names -> ours; its ``o3`` column is moved aside first, because the
#: latest 1-h O3 is in ``o3_24h`` (README of tests/data/cnemc).
GUIYANG_RENAMES = [
    "--rename",
    "timepoint=time",
    "--rename",
    "stationcode=station",
    "--rename",
    "o3=o3_platform",
    "--rename",
    "o3_24h=o3",
]


def _run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"zone": str})
    return pd.read_excel(path, dtype={"zone": str})


def test_cli_choices_match_the_library() -> None:
    assert cli_module.AQI_REPORTS == AQI_REPORTS
    assert cli_module.AQI_STANDARDS == AQI_STANDARDS
    assert cli_module.WATER_BODIES == WATER_BODIES
    assert cli_module.NOISE_ZONES == NOISE_ZONES


# ----------------------------------------------------------------------------- aqi


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_aqi_hourly_reproduces_the_published_aqi(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"out{suffix}"
    code, stdout, stderr = _run("aqi", GUIYANG, "--report", "hourly", *GUIYANG_RENAMES, "-o", out)
    assert (code, stderr) == (0, "")
    assert "48 rows in, 48 computed, 0 bad" in stdout and str(out) in stdout
    table = _read(out)
    assert len(table) == 48
    published = table[table["aqi_input"].notna()]  # the input's aqi column, kept aside
    assert len(published) == 39
    assert (published["aqi"] == published["aqi_input"]).all()
    assert set(table["standard"].astype(str)) == {"2012"}
    assert table["time"].iloc[0] == "2022-01-04T00:00:00+08:00"
    # input columns are all kept, renamed, and the platform's o3 column moved aside
    assert {"longitude", "positionname", "o3_platform", "o3", "so2_24h"} <= set(table.columns)


def test_aqi_rename_onto_an_existing_column_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, _, stderr = _run(
        "aqi",
        GUIYANG,
        "--report",
        "hourly",
        "--rename",
        "timepoint=time",
        "--rename",
        "stationcode=station",
        "--rename",
        "o3_24h=o3",
        "-o",
        out,
    )
    assert code == 2
    assert "column 'o3' appears twice" in stderr and "--rename o3=" in stderr
    assert "Nothing was written" in stderr
    assert not out.exists()


def test_aqi_bad_rows_are_listed_and_the_rest_computed(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, stdout, stderr = _run("aqi", DATA / "air_hourly.csv", "--report", "hourly", "-o", out)
    assert code == 1
    assert stderr.splitlines() == [
        "air_hourly.csv: row 5, column 'time': expected a date and time such as "
        "2024-06-01T13:00+08:00, got 'not a time'",
        "air_hourly.csv: row 6, column 'pm10': expected a number, got 'abc'",
        "air_hourly.csv: row 7, column 'so2': negative concentration -5",
        "air_hourly.csv: row 8, column 'station': empty cell in a required column",
    ]
    assert "8 rows in, 4 computed, 4 bad; 4 output rows" in stdout
    table = _read(out)
    assert table["aqi"].tolist() == [100, 50, 119, 55]
    assert table["level"].tolist() == [2, 1, 3, 2]
    assert table["category_en"].tolist() == ["moderate", "good", "lightly polluted", "moderate"]
    assert table["category_zh"].tolist() == ["良", "优", "轻度污染", "良"]
    assert table["primary_pollutant"].fillna("").tolist() == ["pm2_5,pm10", "", "pm2_5", "pm10"]
    assert table["primary_pollutant_zh"].iloc[3] == "颗粒物(PM10)"
    assert table["iaqi_so2"].iloc[0] == 50 and pd.isna(table["iaqi_so2"].iloc[3])
    assert table["standard"].astype(str).tolist() == ["2012", "2012", "2026", "2012"]
    # the naive time was localised in Asia/Shanghai
    assert table["time"].iloc[1] == "2025-06-01T11:00:00+08:00"


def test_aqi_standard_forced(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    _run("aqi", DATA / "air_hourly.csv", "--report", "hourly", "--standard", "2012", "-o", out)
    assert _read(out)["aqi"].iloc[2] == 107  # PM2.5 80 on the HJ 633-2012 table


def test_aqi_xlsx_with_renamed_headers(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    code, stdout, stderr = _run(
        "aqi",
        DATA / "air_hourly.xlsx",
        "--report",
        "hourly",
        "--rename",
        "监测时间=time",
        "--rename",
        "站点=station",
        "-o",
        out,
    )
    assert code == 1
    assert stderr.strip() == (
        "air_hourly.xlsx[Sheet1]: row 4, column 'pm10': expected a number, got '12 ug'"
    )
    assert "4 rows in, 3 computed, 1 bad" in stdout
    table = _read(out)
    assert table["aqi"].tolist() == [100, 50, 119]
    assert "pm2_5" in table.columns  # header "PM2.5" read as pm2_5 without a rename


def test_aqi_daily(tmp_path: Path) -> None:
    out = tmp_path / "daily.xlsx"
    code, stdout, _ = _run("aqi", GUIYANG, "--report", "daily", *GUIYANG_RENAMES, "-o", out)
    assert code == 0
    table = _read(out)
    # hours are labelled by their end: T00 is the last hour of 2022-01-03
    assert table[["station", "date"]].values.tolist() == [
        ["1439A", "2022-01-03"],
        ["1439A", "2022-01-04"],
        ["1440A", "2022-01-03"],
        ["1440A", "2022-01-04"],
    ]
    assert table["aqi"].isna().tolist() == [True, False, True, False]
    day = table.iloc[1]
    assert day["n_pm2_5"] == 23 and day["aqi"] == day[[c for c in table if "iaqi_" in c]].max()
    assert "4 output rows" in stdout


def test_aqi_daily_refuses_a_second_value_for_an_hour(tmp_path: Path) -> None:
    src = tmp_path / "dup.csv"
    src.write_text(
        "time,station,pm2_5\n"
        "2025-06-01T10:00+08:00,S1,10\n"
        "2025-06-01T10:00+08:00,S1,20\n"
        "2025-06-01T10:30+08:00,S1,20\n",
        encoding="utf-8",
    )
    code, _, stderr = _run("aqi", src, "--report", "daily", "-o", tmp_path / "d.csv")
    assert code == 1
    assert "row 3, column 'time': second value for this station and hour (row 2)" in stderr
    assert "row 4, column 'time'" in stderr and "whole hour" in stderr


@pytest.mark.parametrize(
    ("option", "value", "listed"),
    [
        ("--standard", "2020", "'auto', '2012', '2026'"),
        ("--report", "weekly", "'hourly', 'daily'"),
    ],
)
def test_aqi_wrong_choice_is_listed(tmp_path: Path, option: str, value: str, listed: str) -> None:
    args = {"--report": "hourly", "--standard": "auto"} | {option: value}
    code, _, stderr = _run(
        "aqi", DATA / "air_hourly.csv", *[x for kv in args.items() for x in kv], "-o", "x.csv"
    )
    assert code == 2
    assert listed in stderr


def test_aqi_missing_column_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, stdout, stderr = _run("aqi", GUIYANG, "--report", "hourly", "-o", out)
    assert code == 2
    assert "missing required column(s) time, station" in stderr
    assert "timepoint" in stderr  # the header is shown
    assert stdout == "" and not out.exists()


def test_unknown_output_type_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    code, _, stderr = _run("aqi", DATA / "air_hourly.csv", "--report", "hourly", "-o", out)
    assert code == 2
    assert "'.json'" in stderr and ".csv, .xlsx" in stderr
    assert not out.exists()


def test_unknown_timezone_is_a_file_error(tmp_path: Path) -> None:
    code, _, stderr = _run(
        "aqi", DATA / "air_hourly.csv", "--report", "hourly", "--timezone", "Mars/Base",
        "-o", tmp_path / "o.csv",
    )  # fmt: skip
    assert code == 2 and "IANA zone" in stderr


# ----------------------------------------------------------------------------- water


def test_water_class_river_csv(tmp_path: Path) -> None:
    out = tmp_path / "w.csv"
    code, stdout, stderr = _run(
        "water-class", DATA / "water_river.csv", "--body", "river", "-o", out
    )
    assert code == 1
    assert stderr.splitlines() == [
        "water_river.csv: row 5, column 'time': expected a date and time such as "
        "2024-06-01T13:00+08:00, got 'yesterday'",
        "water_river.csv: row 6, column 'do': expected a number, got 'x'",
        "water_river.csv: row 7, column 'section': empty cell in a required column",
    ]
    assert "7 rows in, 4 computed, 3 bad" in stdout
    table = _read(out)
    assert table["section"].tolist() == ["A", "B", "C", "F"]
    assert table["class"].tolist() == [1, 3, 6, 1]
    assert table["class_name"].tolist() == ["Ⅰ", "Ⅲ", "劣Ⅴ", "Ⅰ"]
    assert table["deciding"].tolist() == [
        "pH, DO, CODMn, NH3-N, TP",
        "DO, NH3-N, TP",
        "pH",
        "pH, DO, NH3-N, TP",
    ]
    assert table["class_tn"].isna().all()  # GB 3838 sets no TN limit for rivers
    assert table["tn"].iloc[0] == 1.2


def test_water_class_lake_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "w.xlsx"
    code, _, stderr = _run("water-class", DATA / "water_lake.xlsx", "--body", "lake", "-o", out)
    assert code == 1
    assert (
        stderr.strip() == "water_lake.xlsx[湖库]: row 5, column 'do': expected a number, got 'six'"
    )
    table = _read(out)
    assert table["class"].tolist() == [2, 3]
    assert table["deciding"].tolist() == ["TP", "TP"]
    assert table["class_tn"].tolist() == [3, 5]  # TN is classed but not in the class


def test_water_class_river_vs_lake_tp(tmp_path: Path) -> None:
    out = tmp_path / "w.csv"
    _run("water-class", DATA / "water_lake.xlsx", "--body", "river", "-o", out)
    assert _read(out)["class"].tolist() == [1, 2]


def test_water_class_wrong_body_is_listed() -> None:
    code, _, stderr = _run("water-class", DATA / "water_river.csv", "--body", "sea", "-o", "x.csv")
    assert code == 2 and "'river', 'lake'" in stderr


def test_water_class_missing_column(tmp_path: Path) -> None:
    src = tmp_path / "w.csv"
    src.write_text("section,ph,do,codmn,nh3_n\nA,7,7,2,0.1\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    code, _, stderr = _run("water-class", src, "--body", "river", "-o", out)
    assert code == 2 and "missing required column(s) tp" in stderr
    assert not out.exists()


# ----------------------------------------------------------------------------- noise


def test_noise_csv_with_bad_rows(tmp_path: Path) -> None:
    out = tmp_path / "n.csv"
    code, stdout, stderr = _run("noise", DATA / "noise_hourly.csv", "--zone", "1", "-o", out)
    assert code == 1
    assert stderr.splitlines() == [
        "noise_hourly.csv: row 7, column 'time': second value for this station and time (row 4)",
        "noise_hourly.csv: row 12, column 'leq': expected a number, got 'loud'",
    ]
    assert "25 rows in, 23 computed, 2 bad; 1 output rows" in stdout
    row = _read(out).iloc[0]
    assert (row["station"], row["date"], row["zone"]) == ("N1", "2024-06-01", "1")
    assert row["ld"] == pytest.approx(60.0) and row["ln"] == pytest.approx(50.0)
    assert row["ldn"] == pytest.approx(60.0)
    assert (row["n_day"], row["n_night"]) == (15, 8)
    assert (row["day_limit"], row["night_limit"]) == (55, 45)
    assert row["day_margin"] == pytest.approx(5.0) and bool(row["night_exceeds"])


@pytest.mark.parametrize(("zone", "exceeds"), [("2", True), ("3", False), ("4A", False)])
def test_noise_xlsx_renamed(tmp_path: Path, zone: str, exceeds: bool) -> None:
    out = tmp_path / "n.xlsx"
    code, _, stderr = _run(
        "noise",
        DATA / "noise_hourly.xlsx",
        "--zone",
        zone,
        "--rename",
        "测点=station",
        "--rename",
        "时间=time",
        "--rename",
        "Leq dB(A)=leq",
        "-o",
        out,
    )
    assert (code, stderr) == (0, "")
    row = _read(out).iloc[0]
    assert (row["ld"], row["ln"], row["n_day"], row["n_night"]) == (65, 55, 16, 8)
    assert bool(row["day_exceeds"]) is exceeds and bool(row["night_exceeds"]) is exceeds


def test_noise_timezone_moves_the_day_windows(tmp_path: Path) -> None:
    out = tmp_path / "n.csv"
    code, _, _ = _run(
        "noise", DATA / "noise_hourly.csv", "--zone", "2", "--timezone", "UTC", "-o", out
    )
    assert code == 1
    table = _read(out)
    # local 06:00-13:00 (+08:00) is the UTC night of 2024-05-31; the rest is 2024-06-01
    assert table["date"].tolist() == ["2024-05-31", "2024-06-01"]
    assert table["n_day"].tolist() == [0, 15] and table["n_night"].tolist() == [8, 0]
    assert pd.isna(table["ld"].iloc[0]) and pd.isna(table["day_exceeds"].iloc[0])
    assert table["ln"].iloc[0] == pytest.approx(60.0)


def test_noise_wrong_zone_is_listed() -> None:
    code, _, stderr = _run("noise", DATA / "noise_hourly.csv", "--zone", "5", "-o", "x.csv")
    assert code == 2
    assert "'0', '1', '2', '3', '4a', '4b'" in stderr


def test_commands_have_help() -> None:
    for name in ("aqi", "water-class", "noise"):
        code, stdout, _ = _run(name, "--help")
        assert code == 0 and "--rename OLD=NEW" in stdout and "Asia/Shanghai" in stdout
