"""The overview, station and meter pages of an enterprise user in headless Chromium: the
charts are drawn (``static/overview.js``, ``static/series.js``) and the browser logs no
error. The browser carries the user's session cookie, made in the store.

Needs Debian's ``chromium`` and ``chromium-driver`` (skipped visibly otherwise); selenium
is given the driver path, so it never downloads one. With ``GREENPARK_SCREENSHOT`` set, the
pages are saved as ``scoping-*.png`` in the temporary folder of the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from scoping_park import SECRET, ScopingPark, build_scoping_park

from greenpark.auth import principal_from_token, start_session
from greenpark.config import Settings
from greenpark.store import Store
from greenpark.testing import CHARTS_DRAWN_JS, chromium_missing, headless_chromium, serve_in_thread
from greenpark.web import create_app
from greenpark.web.security import SESSION_COOKIE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or ""),
]

_CHARTS_DRAWN = CHARTS_DRAWN_JS


@pytest.fixture
def served(sqlite_store: Store) -> Iterator[tuple[str, ScopingPark]]:
    """The scoping park served by uvicorn on a free localhost port, in a thread."""
    park = build_scoping_park(sqlite_store)
    settings = Settings(database_url=sqlite_store.url, secret_key=SECRET)
    with serve_in_thread(create_app(settings, store=sqlite_store)) as url:
        yield url, park


@pytest.fixture
def browser() -> Iterator[object]:
    """Headless Chromium driven through Debian's chromedriver, with browser logging on."""
    with headless_chromium("1280,1600") as driver:
        yield driver


@pytest.mark.parametrize(
    ("path", "charts"),
    [
        ("/", 4),  # by class, by industry, electricity, natural gas
        ("/stations/ALPHA-OUT", 1),
        ("/meters/ALPHA-ELEC", 1),
    ],
)
def test_enterprise_user_pages_draw_their_charts(
    served: tuple[str, ScopingPark], browser: object, path: str, charts: int, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    url, park = served
    with park.store.write() as conn:
        principal = principal_from_token(conn, park.tokens["alpha"])
        assert principal is not None
        cookie = start_session(conn, principal)
    driver = browser
    driver.get(url + "/static/favicon.svg")  # type: ignore[attr-defined]
    driver.add_cookie({"name": SESSION_COOKIE, "value": cookie, "path": "/"})  # type: ignore[attr-defined]
    driver.get_log("browser")  # type: ignore[attr-defined]  # drop the favicon.ico miss of the SVG
    driver.get(url + path)  # type: ignore[attr-defined]
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(_CHARTS_DRAWN) > 0)  # type: ignore[arg-type]
    assert driver.execute_script(_CHARTS_DRAWN) == charts  # type: ignore[attr-defined]
    assert "bravo" not in driver.page_source.lower()  # type: ignore[attr-defined]
    if os.environ.get("GREENPARK_SCREENSHOT"):
        name = "scoping-" + (path.strip("/").replace("/", "-") or "overview") + ".png"
        driver.save_screenshot(str(tmp_path / name))  # type: ignore[attr-defined]
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert severe == [], severe
