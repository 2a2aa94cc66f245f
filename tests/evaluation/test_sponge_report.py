"""The park's sponge city in the self-evaluation report: the workbook's sheet ``sponge city``
(read back with openpyxl) and the PDF's "Sponge city (海绵城市)" section (read back as
``tests/reports/test_evaluation_pdf.py`` does), on a hand-built park whose figures are worked
out by hand; a park without catchments, or a year without rainfall, gives one line.

The park (as ``test_sponge_service.py``): ROOF, 10 000 m², psi 0.8, facilities 80 + 40 =
120 m³ in service in 2023 and a 1 000 m³ tank only from 2024 (not counted); GREEN,
10 000 m², psi 0.2, no facility. Rain of 2023: 5, 30 and 10 mm counted, 1.5 mm left out
(<= 2 mm), 0 mm on every other day.

By hand:

* ROOF: runoff 0.8 x 10 000 x X / 1000 = 40, 240, 80 m³ -> 360 m³; captured min(runoff,
  120) = 40, 120, 80 -> 240 m³; ratio 240 / 360 = 66.667 %; design depth 120 / (0.8 x
  10 000) x 1000 = 15 mm.
* GREEN: runoff 10, 60, 20 = 90 m³, captured 0 -> 0 %; design depth 0 mm.
* Park (runoff weighting): 240 / (360 + 90) = 53.333 %; rainfall 5 + 30 + 10 + 1.5 =
  46.5 mm; 3 days counted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from test_sponge_service import add_sponge_park

from greenpark.cli import cli
from greenpark.evaluation.service import evaluate, write_xlsx
from greenpark.evaluation.sponge_service import SpongeYear, sponge_year
from greenpark.reports.evaluation_pdf import write_pdf
from greenpark.store import Store
from reports.test_evaluation_pdf import _pages

YEAR = 2023  # not a leap year: 365 days
SCHEME = "miit-green-park"
#: Rain of the hand-built year [mm] (ISO date -> mm; every other day 0 mm).
WET = {"2023-03-01": 5.0, "2023-06-01": 30.0, "2023-07-01": 10.0, "2023-08-01": 1.5}
#: A dry day left out of the CLI test's series: the ratio is unchanged, 364 of 365 days.
DRY_GAP = dt.date(2023, 2, 1)


def _days(skip: tuple[dt.date, ...] = ()) -> list[tuple[dt.date, float]]:
    """Every day of YEAR but ``skip``, 0 mm except :data:`WET`."""
    first = dt.date(YEAR, 1, 1)
    days = [first + dt.timedelta(days=i) for i in range(365)]
    return [(d, WET.get(d.isoformat(), 0.0)) for d in days if d not in skip]


def _build(url: str, *, skip: tuple[dt.date, ...] = ()) -> None:
    """Add the catchments, facilities and the rainfall of YEAR to park P at ``url``."""
    store = Store(url)
    try:
        with store.write() as conn:
            add_sponge_park(conn, _days(skip), "hand gauge")
    finally:
        store.dispose()


def _report(url: str, year: int = YEAR) -> tuple[Any, SpongeYear]:
    store = Store(url)
    try:
        ev = evaluate(store, SCHEME, year)
        return ev, sponge_year(store, year, park_code=ev.park.code, allow_gaps=True)
    finally:
        store.dispose()


def _sheet(path: Path) -> list[tuple[Any, ...]]:
    wb = load_workbook(path)
    assert "sponge city" in wb.sheetnames
    return [r for r in wb["sponge city"].iter_rows(values_only=True)]


def _fields(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    """The label -> value block at the top of the sheet."""
    out: dict[str, Any] = {}
    for r in rows:
        if not any(r):
            break
        out[str(r[0])] = r[1]
    return out


def _catchments(rows: list[tuple[Any, ...]]) -> dict[str, dict[str, Any]]:
    start = next(i for i, r in enumerate(rows) if r[0] == "code")
    head = rows[start]
    out = {}
    for r in rows[start + 1 :]:
        if not any(r):
            break
        out[str(r[0])] = dict(zip(head, r, strict=True))
    return out


@pytest.fixture
def url(park_url: str) -> str:
    _build(park_url)
    return park_url


def test_the_workbook_has_the_sponge_city_sheet(url: str, tmp_path: Path) -> None:
    ev, sy = _report(url)
    out = write_xlsx(ev, tmp_path / "report.xlsx", sponge=sy)
    rows = _sheet(out)
    top = _fields(rows)
    assert top["capture ratio [%]"] == pytest.approx(53.3333, abs=1e-4)  # 240 / 450
    assert top["weighting"].startswith("runoff")
    assert top["captured [m³]"] == pytest.approx(240.0)
    assert top["runoff [m³]"] == pytest.approx(450.0)
    assert top["rainfall [mm]"] == pytest.approx(46.5)
    assert top["days counted"] == 3
    assert top["days in year"] == 365 and top["days with rainfall"] == 365
    assert top["days missing"] == 0 and top["completeness [%]"] == 100.0
    table = _catchments(rows)
    assert list(table) == ["GREEN", "ROOF"]
    roof = table["ROOF"]
    assert roof["name"] == "Roofs"
    assert roof["area [m²]"] == 10_000.0 and roof["runoff coefficient [-]"] == 0.8
    assert roof["capture volume [m³]"] == 120.0  # F1 + F2; F3 only from 2024
    assert roof["design depth [mm]"] == pytest.approx(15.0)
    assert roof["runoff [m³]"] == pytest.approx(360.0)
    assert roof["captured [m³]"] == pytest.approx(240.0)
    assert roof["ratio [%]"] == pytest.approx(66.6667, abs=1e-4)
    assert roof["facilities counted"] == "F1, F2"
    green = table["GREEN"]
    assert green["ratio [%]"] == 0.0 and green["runoff [m³]"] == pytest.approx(90.0)
    notes = [str(r[0]) for r in rows[rows.index(("notes",) + (None,) * 9) + 1 :]]
    assert any("F3" in n and "not counted in 2023" in n for n in notes)
    assert any("GREEN has no facility" in n for n in notes)
    assert "rainfall source: hand gauge (365 days)" in notes
    assert any(n.startswith("assumptions:") for n in notes)
    # the other sheets are untouched
    assert load_workbook(out).sheetnames == ["overview", "indicators", "scores", "gaps",
                                             "sponge city"]  # fmt: skip


def test_without_sponge_there_is_no_sheet(url: str, tmp_path: Path) -> None:
    ev, _ = _report(url)
    out = write_xlsx(ev, tmp_path / "report.xlsx")
    assert "sponge city" not in load_workbook(out).sheetnames


def test_no_catchment_gives_one_line(park_url: str, tmp_path: Path) -> None:
    ev, sy = _report(park_url)
    assert sy.result is None and not sy.catchments
    rows = _sheet(write_xlsx(ev, tmp_path / "report.xlsx", sponge=sy))
    assert len(rows) == 1
    assert "no catchment registered for park P" in str(rows[0][0])
    path = tmp_path / "report.pdf"
    write_pdf(path, ev, sponge=sy)
    text = "\n".join(_pages(path.read_bytes()))
    assert "Sponge city (" in text and "no catchment registered for park P" in text


def test_a_year_without_rainfall_gives_one_line(url: str, tmp_path: Path) -> None:
    # 2024: the catchments are there (the tank counts), but no rainfall day is stored
    ev, sy = _report(url, 2024)
    assert sy.catchments and sy.days_present == 0
    rows = _sheet(write_xlsx(ev, tmp_path / "report.xlsx", sponge=sy))
    assert len(rows) == 1
    assert "no rainfall recorded for 2024 in park P" in str(rows[0][0])


def test_the_pdf_has_the_sponge_city_section(url: str, tmp_path: Path) -> None:
    ev, sy = _report(url)
    path = tmp_path / "report.pdf"
    write_pdf(path, ev, sponge=sy)
    pages = _pages(path.read_bytes())
    (page,) = [p for p in pages if "Sponge city (" in p]
    lines = page.splitlines()
    assert "53.3 %" in page  # 240 / 450
    assert "captured 240 of 450 m3 runoff" in page  # m³: the 3 is set as a superscript
    assert "46.5 mm on 365 days; 3 days above 2 mm counted" in page
    assert "365 of 365 days (100.0 %)" in page
    # the catchment row ROOF: one cell per line
    i = lines.index("ROOF")
    assert lines[i + 1 : i + 9] == ["Roofs", "10,000", "0.80", "120", "15.0", "360", "240",
                                    "66.7"]  # fmt: skip
    # after the gaps, before the notes
    gaps = next(k for k, p in enumerate(pages) if "Gaps to the leading values" in p)
    notes = next(k for k, p in enumerate(pages) if "Manual indicators" in p)
    assert gaps <= pages.index(page) < notes


def test_the_cli_writes_the_sheet(park_url: str, tmp_path: Path) -> None:
    # a dry day missing: computed on the 364 days present, the same ratio, the gap stated
    _build(park_url, skip=(DRY_GAP,))
    out = tmp_path / "report.xlsx"
    base = ["--database", park_url, "evaluate", "--year", str(YEAR), "-o", str(out)]
    result = CliRunner().invoke(cli, [*base, "--scheme", SCHEME])
    assert result.exit_code == 0, result.output
    rows = _sheet(out)
    top = _fields(rows)
    assert top["capture ratio [%]"] == pytest.approx(53.3333, abs=1e-4)
    assert top["days with rainfall"] == 364 and top["days missing"] == 1
    assert top["completeness [%]"] == pytest.approx(100 * 364 / 365, abs=1e-4)
    assert top["first missing days"] == "2023-02-01"
    assert _catchments(rows)["ROOF"]["ratio [%]"] == pytest.approx(66.6667, abs=1e-4)
    assert any("computed on the 364 days present" in str(r[0]) for r in rows)
    pdf = tmp_path / "report.pdf"
    result = CliRunner().invoke(cli, [*base[:-1], str(pdf), "--scheme", SCHEME])
    assert result.exit_code == 0, result.output
    text = "\n".join(_pages(pdf.read_bytes()))
    assert "1 of 365 days missing (2023-02-01); the ratio is computed on the days" in text
