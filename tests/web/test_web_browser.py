"""The overview in headless Chromium: the charts are drawn and the browser logs no error.

The browser logs in through the login form first (session cookie, CSRF field), as a user
would; the overview without a login sends it to the login page.

Needs Debian's ``chromium`` and ``chromium-driver`` (skipped visibly otherwise). Selenium is
given the driver path, so selenium-manager never downloads anything. With
``GREENPARK_SCREENSHOT`` set, the page is saved to ``docs/img/overview.png``.
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
from web_auth import PASSWORD, add_user, make_app

from greenpark.store import Store

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "overview.png"

_missing = [p for p in (CHROMIUM, CHROMEDRIVER) if shutil.which(p) is None]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        bool(_missing),
        reason=f"{' and '.join(_missing)} not found: install Debian's chromium and "
        "chromium-driver to run the browser tests",
    ),
]

#: Enterprises by class and by industry, plus one chart per carrier of the fixture park
#: (electricity, natural gas).
EXPECTED_CHARTS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server_url(park_store: Store) -> Iterator[str]:
    """The fixture park served by uvicorn on a free localhost port, in a thread."""
    port = _free_port()
    add_user(park_store, "admin", "admin")
    config = uvicorn.Config(
        make_app(park_store, host="127.0.0.1", port=port),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
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
        "--window-size=1280,2200",
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


_CHARTS_DRAWN = """
const canvases = Array.from(document.querySelectorAll('canvas'));
if (typeof Chart === 'undefined') { return -1; }
const drawn = canvases.filter((c) => Chart.getChart(c) !== undefined && c.width > 0);
return drawn.length === canvases.length ? canvases.length : -1;
"""


def test_overview_draws_its_charts(server_url: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(server_url + "/")  # type: ignore[attr-defined]
    assert driver.current_url == server_url + "/login?next=/"  # type: ignore[attr-defined]
    driver.find_element(By.ID, "username").send_keys("admin")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "password").send_keys(PASSWORD)  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "form.stacked button").click()  # type: ignore[attr-defined]
    WebDriverWait(driver, 15).until(lambda d: d.current_url == server_url + "/")  # type: ignore[arg-type]
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(_CHARTS_DRAWN) > 0)  # type: ignore[arg-type]
    assert driver.execute_script(_CHARTS_DRAWN) == EXPECTED_CHARTS  # type: ignore[attr-defined]
    titles = driver.execute_script(  # type: ignore[attr-defined]
        "return Array.from(document.querySelectorAll('canvas'))"
        ".map((c) => { const s = Chart.getChart(c).options.scales;"
        " return c.id + ':' + (s.y.title.text || s.x.title.text); });"
    )
    assert "chart-energy-0:kWh" in titles and "chart-energy-1:m³" in titles
    heading = driver.find_element("css selector", "h1").text  # type: ignore[attr-defined]
    assert heading.startswith("Gui'an Free Trade Zone (test)")
    if os.environ.get("GREENPARK_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOT))  # type: ignore[attr-defined]
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert severe == [], severe


def test_enterprise_user_sees_only_its_enterprise_then_logs_out(
    park_store: Store, server_url: str, browser: object
) -> None:
    """Issue 3: log in as an enterprise user, see only that enterprise on the overview, log
    out, and be sent to the login page afterwards."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from conftest import credit_code

    own, others = credit_code(1), [credit_code(i) for i in range(2, 7)]
    add_user(park_store, "e1-manager", "enterprise", enterprises=(own,))
    driver = browser
    driver.get(server_url + "/login")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "username").send_keys("e1-manager")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "password").send_keys(PASSWORD)  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "form.stacked button").click()  # type: ignore[attr-defined]
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(_CHARTS_DRAWN) > 0)  # type: ignore[arg-type]
    scope = driver.find_element(By.ID, "scope").text  # type: ignore[attr-defined]
    assert "Your enterprise" in scope and "E1" in scope and own in scope
    text = driver.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
    html = driver.page_source  # type: ignore[attr-defined]
    for code in others:
        assert code not in html
    for name in ("E3 gas", "E1 chiller plant"):  # another's meter; a sub-meter is not a total
        assert name not in text
    # energy: E1's electricity only (the gas meter belongs to E3)
    titles = driver.execute_script(  # type: ignore[attr-defined]
        "return Array.from(document.querySelectorAll('canvas')).map((c) => c.id);"
    )
    assert [t for t in titles if t.startswith("chart-energy")] == ["chart-energy-0"]
    assert "e1-manager" in text
    driver.find_element(By.CSS_SELECTOR, "nav form button").click()  # type: ignore[attr-defined]
    WebDriverWait(driver, 15).until(
        lambda d: "/login" in d.current_url or "Log in" in d.page_source
    )  # type: ignore[arg-type]
    driver.get(server_url + "/")  # type: ignore[attr-defined]
    assert driver.current_url == server_url + "/login?next=/"  # type: ignore[attr-defined]
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert severe == [], severe
