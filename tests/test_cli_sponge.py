"""``greenpark sponge``: rainfall import (all or nothing, bad rows named, repeats replaced)
and the year's report (missing days refused unless ``--allow-gaps``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner, Result

from greenpark.cli import cli
from greenpark.store import Store
from greenpark.store.registry import upsert


def _run(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database", url, *args])


def _year_csv(path: Path, skip: tuple[str, ...] = ()) -> Path:
    """Every day of 2023: 0 mm except 5, 30 and 10 mm on three days."""
    wet = {"2023-03-01": "5", "2023-06-01": "30", "2023-07-01": "10"}
    lines = ["date,rain_mm"]
    for i in range(365):
        d = (dt.date(2023, 1, 1) + dt.timedelta(days=i)).isoformat()
        if d not in skip:
            lines.append(f"{d},{wet.get(d, '0')}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _catchment(url: str) -> None:
    catchment = {"code": "ROOF", "park": "P", "name": "Roofs", "area_m2": 10_000.0,
                 "runoff_coefficient": 0.8}  # fmt: skip
    tank = {"code": "T", "catchment": "ROOF", "name": "Tank", "kind": "storage_tank",
            "capture_volume_m3": 120.0}  # fmt: skip
    store = Store(url)
    with store.write() as conn:
        upsert(conn, "catchment", [catchment])
        upsert(conn, "sponge_facility", [tank])
    store.dispose()


def test_import_and_report(park_url: str, tmp_path: Path) -> None:
    _catchment(park_url)
    rain = _year_csv(tmp_path / "rain.csv")
    r = _run(park_url, "sponge", "rainfall", "import", str(rain), "--source", "gauge 1")
    assert r.exit_code == 0, r.output
    assert (
        "365 rainfall day(s) 2023-01-01 to 2023-12-31 for park P: 365 new, 0 replaced" in r.output
    )
    r = _run(park_url, "sponge", "rainfall", "import", str(rain))
    assert "0 new, 365 replaced" in r.output
    r = _run(park_url, "sponge", "report", "--year", "2023")
    assert r.exit_code == 0, r.output
    # runoff 40, 240, 80 m³; captured 40, 120, 80 m³: 240 / 360 = 66.7 %
    (row,) = [line for line in r.output.splitlines() if line.strip().startswith("ROOF")]
    assert row.split() == ["ROOF", "10,000", "0.80", "120", "15.0", "360", "240", "66.7"]
    assert "Park ratio (runoff weighting): 66.7 %" in r.output
    assert "Rainfall: 45.0 mm on 365 day(s); 3 day(s) above 2 mm counted" in r.output
    assert "Completeness: 365/365 days (100.0 %)" in r.output
    assert "Sources: rain.csv (365 days)" in r.output  # the second import replaced the source


def test_missing_days_are_refused_unless_allowed(park_url: str, tmp_path: Path) -> None:
    _catchment(park_url)
    rain = _year_csv(tmp_path / "rain.csv", skip=("2023-06-01", "2023-09-09"))
    assert _run(park_url, "sponge", "rainfall", "import", str(rain)).exit_code == 0
    r = _run(park_url, "sponge", "report", "--year", "2023")
    assert r.exit_code != 0
    assert "2 of 365 days missing (2023-06-01, 2023-09-09)" in str(r.exception)
    r = _run(park_url, "sponge", "report", "--year", "2023", "--allow-gaps")
    assert r.exit_code == 0, r.output
    assert "Completeness: 363/365 days (99.5 %): 2 of 365 days missing" in r.output
    assert "computed on the 363 days present" in r.output
    assert "Park ratio (runoff weighting): 100.0 %" in r.output  # without the 30 mm day


def test_bad_rows_write_nothing(park_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("date,rain_mm\n2023-01-01,1\n2023-01-02,-3\n2023-01-40,2\n", encoding="utf-8")
    r = _run(park_url, "sponge", "rainfall", "import", str(bad))
    assert r.exit_code != 0
    msg = str(r.exception)
    assert "bad.csv: row 3, column 'rain_mm': -3 mm is negative" in msg
    assert "bad.csv: row 4, column 'date'" in msg
    r = _run(park_url, "sponge", "report", "--year", "2023", "--allow-gaps")
    assert "Rainfall: 0.0 mm on 0 day(s)" in r.output  # nothing was written
    assert "no catchment registered for park P" in r.output


def test_cells_beyond_the_header_are_refused(park_url: str, tmp_path: Path) -> None:
    rain = tmp_path / "rain.csv"
    rain.write_text("date,rain_mm\n2023-01-01,3.2\n2023-01-02,3.2,4.1\n", encoding="utf-8")
    r = _run(park_url, "sponge", "rainfall", "import", str(rain))
    assert r.exit_code != 0
    assert "rain.csv: row 3, column '(row)': 1 cell(s) beyond the header: '4.1'" in str(r.exception)
    r = _run(park_url, "sponge", "report", "--year", "2023", "--allow-gaps")
    assert "Rainfall: 0.0 mm on 0 day(s)" in r.output  # nothing was written
