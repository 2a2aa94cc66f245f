"""The energy pages in headless Chromium: the carrier bars, the Sankey energy flow
(vendored ``chartjs-chart-sankey`` on the vendored Chart.js) and the budget tracks are
drawn, and the browser logs no error. The browser carries a session cookie made in the store.

Needs Debian's ``chromium`` and ``chromium-driver`` (skipped visibly otherwise); selenium is
given the driver path, so it never downloads one. With ``GREENPARK_SCREENSHOT`` set, the
pages are saved as ``energy-*.png`` in the temporary folder of the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_auth import add_user, make_app, open_session

import ledger_park
from greenpark.ledger.service import set_budget
from greenpark.store import Store
from greenpark.testing import CHARTS_DRAWN_JS, chromium_missing, headless_chromium, serve_in_thread
from greenpark.web.security import SESSION_COOKIE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or ""),
]


@pytest.fixture
def served(park_url: str) -> Iterator[tuple[str, Store]]:
    """The ledger park, with budgets, served by uvicorn on a free localhost port."""
    store = ledger_park.build(park_url)
    add_user(store, "admin", "admin")
    set_budget(store, year=2023, quantity="tce", budget=400, enterprise=None, who="test")
    set_budget(store, year=2023, quantity="tce", budget=150, enterprise=ledger_park.A, who="t")
    with serve_in_thread(make_app(store)) as url:
        yield url, store
    store.dispose()


@pytest.fixture
def browser() -> Iterator[object]:
    with headless_chromium() as driver:
        yield driver


@pytest.mark.parametrize(
    ("path", "charts"),
    [
        ("/energy", 4),  # carriers, energy flow, park tce and tCO2 tracks
        (f"/enterprises/{ledger_park.A}/energy", 3),  # carriers, its tce and tCO2 tracks
    ],
)
def test_energy_pages_draw_their_charts(
    served: tuple[str, Store], browser: object, path: str, charts: int, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    url, store = served
    driver = browser
    driver.get(url + "/static/favicon.svg")  # type: ignore[attr-defined]
    driver.add_cookie(  # type: ignore[attr-defined]
        {"name": SESSION_COOKIE, "value": open_session(store, "admin"), "path": "/"}
    )
    driver.get_log("browser")  # type: ignore[attr-defined]  # drop the favicon.ico miss
    driver.get(url + path)  # type: ignore[attr-defined]
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(CHARTS_DRAWN_JS) > 0)  # type: ignore[arg-type]
    assert driver.execute_script(CHARTS_DRAWN_JS) == charts  # type: ignore[attr-defined]
    if path == "/energy":
        kind = driver.execute_script(  # type: ignore[attr-defined]
            "return Chart.getChart(document.getElementById('chart-flows')).config.type;"
        )
        assert kind == "sankey"
    if os.environ.get("GREENPARK_SCREENSHOT"):
        name = "energy-" + path.strip("/").replace("/", "-") + ".png"
        driver.save_screenshot(str(tmp_path / name))  # type: ignore[attr-defined]
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert severe == [], severe
