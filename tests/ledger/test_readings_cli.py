"""``greenpark readings import``: all or nothing, --skip-invalid, cumulative, no doubling."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, insert, select

from greenpark.cli import cli
from greenpark.store import Store
from greenpark.store.schema import Meter, MeterMonth, MeterReading


@pytest.fixture
def url(park_url: str) -> str:
    store = Store(park_url)
    with store.write() as c:
        c.execute(
            insert(Meter),
            [
                {"id": 1, "park_id": 1, "code": "EL-1", "name": "el", "carrier": "electricity",
                 "unit": "kWh", "interval_s": 900},
                {"id": 2, "park_id": 1, "code": "GAS-1", "name": "gas", "carrier": "natural_gas",
                 "unit": "m³", "interval_s": 3600},
            ],
        )  # fmt: skip
    store.dispose()
    return park_url


def _count(url: str) -> tuple[int, float]:
    store = Store(url)
    with store.read() as c:
        n = c.execute(select(func.count()).select_from(MeterReading)).scalar_one()
        total = c.execute(select(func.coalesce(func.sum(MeterMonth.quantity), 0.0))).scalar_one()
    store.dispose()
    return n, total


def _run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--database", url, "readings", "import", *args])


def test_interval_file_and_duplicate_upload(url: str, tmp_path: Path) -> None:
    f = tmp_path / "el.csv"
    f.write_text(
        "meter,start,quantity,unit\nEL-1,2025-01-01 00:00,1.5,kWh\nEL-1,2025-01-01 00:15,2,kWh\n"
        "GAS-1,2025-01-01 00:00,0.01,10⁴m³\n",
        encoding="utf-8",
    )
    assert _run(url, str(f)).exit_code == 0
    assert _count(url) == (3, 103.5)  # 0.01 x 10⁴ m³ = 100 m³
    result = _run(url, str(f))  # the same file again
    assert result.exit_code == 0
    assert _count(url) == (3, 103.5)


def test_bad_row_writes_nothing_unless_skip_invalid(url: str, tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("meter,start,quantity\nEL-1,2025-01-01 00:00,1\nNOPE,2025-01-01 00:00,1\n")
    result = _run(url, str(f))
    assert result.exit_code != 0
    assert "bad.csv: row 3, column 'meter': no meter 'NOPE'" in str(result.exception)
    assert _count(url) == (0, 0.0)
    result = _run(url, "--skip-invalid", str(f))
    assert result.exit_code == 0, result.output
    assert _count(url) == (1, 1.0)
    rejected = (tmp_path / "bad.csv.rejected.csv").read_text(encoding="utf-8-sig")
    assert "NOPE" in rejected and "no meter 'NOPE' in the registry" in rejected


def test_cumulative_with_rollover(url: str, tmp_path: Path) -> None:
    f = tmp_path / "reg.csv"
    f.write_text(
        "meter,time,register\nEL-1,2025-01-01 00:00,99999990\nEL-1,2025-01-01 00:15,99999998\n"
        "EL-1,2025-01-01 00:30,5\n"
    )
    result = _run(url, "--capacity", "EL-1=100000000", str(f))
    assert result.exit_code == 0, result.output
    assert _count(url) == (2, 15.0)  # 8 + (2 + 5)
    bad = _run(url, str(f))  # without the capacity the fall is refused
    assert bad.exit_code != 0 and "register fell from 99999998" in str(bad.exception)
