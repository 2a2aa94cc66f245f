"""The "Sponge city" section of ``/evaluation`` and the ``sponge`` field of
``/api/evaluation``: on the demo park (35 days of synthetic rainfall: computed on the days
present, the gap shown), and on a park without catchments or rainfall (said plainly)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from web_auth import add_user, make_app, session_client

from greenpark.demo.build import build_demo
from greenpark.demo.sponge import RAINFALL_SOURCE
from greenpark.evaluation.sponge_service import sponge_year
from greenpark.store import Store

YEAR = 2025
DAYS = 35


@dataclass
class Demo:
    store: Store
    client: TestClient


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    path = tmp_path_factory.mktemp("sponge") / "demo.db"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    build_demo(store, days=DAYS)
    add_user(store, "sponge-analyst", "analyst")
    yield Demo(store, session_client(make_app(store), store, "sponge-analyst"))
    store.dispose()


def test_json_twin_has_the_sponge_field(demo: Demo) -> None:
    r = demo.client.get("/api/evaluation", params={"year": YEAR})
    assert r.status_code == 200, r.text
    sponge = r.json()["sponge"]
    expected = sponge_year(demo.store, YEAR, allow_gaps=True)
    assert sponge["year"] == YEAR and sponge["weighting"] == "runoff"
    assert sponge["days_present"] == DAYS and sponge["days_in_year"] == 365
    assert sponge["missing_days"] == 365 - DAYS
    assert sponge["first_missing"][0] == "2025-02-05"
    assert sponge["completeness"] == pytest.approx(DAYS / 365)
    assert sponge["ratio"] == pytest.approx(expected.ratio)
    assert sponge["rainfall_mm"] == pytest.approx(expected.rainfall_mm)
    codes = [c["code"] for c in sponge["catchments"]]
    assert codes == ["GA-SC-ADMIN", "GA-SC-DC", "GA-SC-GREEN", "GA-SC-ROAD"]
    dc = next(c for c in sponge["catchments"] if c["code"] == "GA-SC-DC")
    assert dc["capture_volume_m3"] == 1_950.0
    assert dc["design_depth_mm"] == pytest.approx(1_950 / (0.85 * 120_000) * 1000)
    assert dc["facilities"] == ["GA-SF-DC-1", "GA-SF-DC-2"]
    assert any("computed on the 35 days present" in n for n in sponge["notes"])
    assert list(sponge["sources"]) == [RAINFALL_SOURCE]


def test_page_shows_the_section(demo: Demo) -> None:
    r = demo.client.get("/evaluation", params={"year": YEAR})
    assert r.status_code == 200, r.text
    page = r.text
    section = re.search(r'<section id="sponge">.*?</section>', page, re.S)
    assert section, "no sponge section"
    text = section.group(0)
    assert "Sponge city" in text and "海绵城市" in text
    for code in ("GA-SC-ADMIN", "GA-SC-DC", "GA-SC-GREEN", "GA-SC-ROAD"):
        assert f'data-code="{code}"' in text
    assert 'id="sponge-ratio"' in text
    assert f"{DAYS} of 365 days" in text
    assert f"{365 - DAYS} days missing (2025-02-05" in text
    assert "synthetic" in text  # the source names the series as synthetic


def test_no_catchment_and_no_rainfall_are_said_plainly(admin_client: TestClient) -> None:
    data = admin_client.get("/api/evaluation").json()
    assert data["year"] is not None  # the fixture park has energy data
    assert data["sponge"]["catchments"] == [] and data["sponge"]["ratio"] is None
    assert data["sponge"]["days_present"] == 0
    page = admin_client.get("/evaluation").text
    assert 'id="sponge-empty"' in page and "No catchment registered" in page


def test_catchments_without_rainfall(demo: Demo) -> None:
    """A year without rainfall days (2024: the demo has energy only in 2025, so ask for it)."""
    data = demo.client.get("/api/evaluation", params={"year": 2024}).json()
    assert data["sponge"]["days_present"] == 0 and data["sponge"]["ratio"] is None
    assert any("no rainfall recorded for 2024" in n for n in data["sponge"]["notes"])
    page = demo.client.get("/evaluation", params={"year": 2024}).text
    assert 'id="sponge-no-rain"' in page
