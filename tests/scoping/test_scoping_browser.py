"""The overview, station and meter pages of an enterprise user in headless Chromium: the
charts are drawn (``static/overview.js``, ``static/series.js``) and the browser logs no
error. The browser carries the user's session cookie, made in the store.

Needs Debian's ``chromium`` and ``chromium-driver`` (skipped visibly otherwise); selenium
is given the driver path, so it never downloads one. With ``GREENPARK_SCREENSHOT`` set, the
pages are saved as ``scoping-*.png`` in the temporary folder of the test.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from scoping_park import SECRET, ScopingPark, build_scoping_park

from greenpark.auth import principal_from_token, start_session
from greenpark.config import Settings
from greenpark.store import Store
from greenpark.web import create_app
from greenpark.web.security import SESSION_COOKIE

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

_missing = [p for p in (CHROMIUM, CHROMEDRIVER) if shutil.which(p) is None]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        bool(_missing),
        reason=f"{' and '.join(_missing)} not found: install Debian's chromium and "
        "chromium-driver to run the browser tests",
    ),
]

_CHARTS_DRAWN = """
const canvases = Array.from(document.querySelectorAll('canvas'));
if (typeof Chart === 'undefined') { return -1; }
const drawn = canvases.filter((c) => Chart.getChart(c) !== undefined && c.width > 0);
return drawn.length === canvases.length ? canvases.length : -1;
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(sqlite_store: Store) -> Iterator[tuple[str, ScopingPark]]:
    """The scoping park served by uvicorn on a free localhost port, in a thread."""
    park = build_scoping_park(sqlite_store)
    port = _free_port()
    settings = Settings(database_url=sqlite_store.url, secret_key=SECRET)
    config = uvicorn.Config(
        create_app(settings, store=sqlite_store),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-scoping", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", park
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[object]:
    """Headless Chromium driven through Debian's chromedriver, with browser logging on."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="greenpark-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


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
