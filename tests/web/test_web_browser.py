"""The overview in headless Chromium: the charts are drawn and the browser logs no error.

The browser logs in through the login form first (session cookie, CSRF field), as a user
would; the overview without a login sends it to the login page.

Needs Debian's ``chromium`` and ``chromium-driver`` (skipped visibly otherwise). Selenium is
given the driver path, so selenium-manager never downloads anything. With
``GREENPARK_SCREENSHOT`` set, the page is saved to ``docs/img/overview.png``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_auth import PASSWORD, add_user, credit_code, make_app

from greenpark.store import Store
from greenpark.testing import (
    CHARTS_DRAWN_JS,
    chromium_missing,
    free_port,
    headless_chromium,
    serve_in_thread,
)

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "overview.png"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or ""),
]

#: Enterprises by class and by industry, plus one chart per carrier of the fixture park
#: (electricity, natural gas).
EXPECTED_CHARTS = 4
_CHARTS_DRAWN = CHARTS_DRAWN_JS


@pytest.fixture
def server_url(park_store: Store) -> Iterator[str]:
    """The fixture park served by uvicorn on a free localhost port, in a thread."""
    add_user(park_store, "admin", "admin")
    port = free_port()
    with serve_in_thread(make_app(park_store, host="127.0.0.1", port=port), port) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[object]:
    """Headless Chromium driven through Debian's chromedriver, with browser logging on."""
    with headless_chromium() as driver:
        yield driver


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
