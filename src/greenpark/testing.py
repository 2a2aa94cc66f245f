"""Helpers for tests of greenpark and of code built on it: serve an app on a loopback port
in a thread, and drive Debian's headless Chromium (selenium is a test extra).

Nothing here is imported by the library itself.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: Debian's Chromium and its driver (``apt-get install chromium chromium-driver``).
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

#: The flags every headless run uses (no network calls of Chromium's own).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
)

#: JavaScript: the number of ``<canvas>`` elements when every one holds a drawn Chart.js
#: chart, else -1 (use with ``WebDriverWait``).
CHARTS_DRAWN_JS = """
const canvases = Array.from(document.querySelectorAll('canvas'));
if (typeof Chart === 'undefined') { return -1; }
const drawn = canvases.filter((c) => Chart.getChart(c) !== undefined && c.width > 0);
return drawn.length === canvases.length ? canvases.length : -1;
"""


def chromium_missing() -> str | None:
    """Why browser tests cannot run here (a skip reason), or None when they can."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if shutil.which(p) is None]
    if not missing:
        return None
    return (
        f"{' and '.join(missing)} not found: install Debian's chromium and chromium-driver "
        "to run the browser tests"
    )


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(app: Any, port: int | None = None, timeout: float = 10.0) -> Iterator[str]:
    """Serve an ASGI ``app`` with uvicorn on 127.0.0.1 in a daemon thread; yields its URL
    and stops the server on exit."""
    import uvicorn

    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)


@contextmanager
def headless_chromium(window: str = "1280,2200") -> Iterator[Any]:
    """A selenium driver for headless Chromium through Debian's chromedriver (never a
    download), with browser logging on and a throw-away profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="greenpark-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (*CHROMIUM_FLAGS, f"--window-size={window}", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def severe_browser_log(driver: Any) -> list[dict[str, Any]]:
    """The SEVERE entries of the browser log (JavaScript errors, failed loads)."""
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
