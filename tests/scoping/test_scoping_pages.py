"""The server-rendered pages under scoping: no page a restricted user can open names or
shows another enterprise, and each page shows what its JSON twin holds (park:
``scoping_park.py``)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from scoping_park import (
    ALL,
    CODES,
    ENTERPRISES,
    LAST_DAY,
    METERS,
    NO_CODE,
    NO_ENTERPRISE,
    SEES,
    STATIONS,
    TZ,
    meters_of,
    secrets_of,
    stations_of,
)

from greenpark.store.overview import month_window
from greenpark.store.schema import INDUSTRIES, STATION_KINDS
from greenpark.store.timeseries import month_bounds
from greenpark.web.templating import format_number


def pages_of(letters: set[str]) -> list[str]:
    """Every page a user who sees ``letters`` can open, and the not-found pages of the
    codes of the others."""
    others = ALL - letters
    return [
        "/",
        "/enterprises",
        *(f"/enterprises?industry={industry}" for industry in INDUSTRIES),
        *(f"/enterprises/{CODES[k]}" for k in sorted(letters)),
        "/stations",
        *(f"/stations?kind={kind}" for kind in STATION_KINDS),
        *(f"/stations/{code}" for code in sorted(stations_of(letters))),
        *(f"/meters/{code}" for code in sorted(meters_of(letters))),
        *(f"/enterprises/{CODES[k]}" for k in sorted(others)),
        *(f"/meters/{code}" for code in sorted(meters_of(others))),
        *(f"/stations/{code}" for code in sorted(stations_of(others) - stations_of(letters))),
        f"/enterprises/{NO_ENTERPRISE}",
        f"/meters/{NO_CODE}",
    ]


def shown_totals(letters: set[str]) -> list[str]:
    """The enterprises' meter totals as a page would print them (12-month and monthly)."""
    out = []
    for code in meters_of(letters):
        rate = METERS[code][3]
        if rate is None:
            continue
        out.append(format_number(rate * 365))
        for month in month_window(f"{LAST_DAY:%Y-%m}"):
            lo, hi = month_bounds(month, TZ)
            out.append(format_number(rate * (hi - lo).days))
    return out


@pytest.mark.parametrize("user", sorted(u for u, letters in SEES.items() if letters != ALL))
def test_no_page_names_another_enterprise(clients: dict[str, TestClient], user: str) -> None:
    """Names and credit codes of every enterprise out of scope, their meter and station
    codes, station MNs and meter totals: on no page, found or not found."""
    client, letters = clients[user], SEES[user]
    others = ALL - letters
    forbidden = [s.lower() for s in secrets_of(others)] + shown_totals(others)
    for path in pages_of(letters):
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert response.headers["content-type"].startswith("text/html"), path
        html = response.text.lower()
        leaked = [s for s in forbidden if s.lower() in html]
        assert not leaked, (path, leaked)


def test_overview_page_of_an_enterprise_user(clients: dict[str, TestClient]) -> None:
    html = clients["alpha"].get("/").text
    assert "Your enterprise" in html and "Alpha Data Co." in html and CODES["A"] in html
    assert 'id="suppressed-note"' in html
    assert re.search(r'<td data-key="national_green_factory" class="suppressed"[^>]*>—</td>', html)
    assert re.search(r'<td data-key="electronic_information" class="suppressed"[^>]*>—</td>', html)
    assert re.search(r'<td data-key="high_tech">3</td>', html)
    assert "12-month total <strong>365,000</strong> kWh" in html
    assert "12-month total <strong>18,250</strong> m³" in html
    charts = json.loads(
        re.search(
            r'<script type="application/json" id="overview-data">(.*?)</script>', html, re.S
        ).group(1)  # type: ignore[union-attr]
    )["charts"]
    by_class = next(c for c in charts if c["canvas"] == "chart-enterprises")
    assert by_class["values"] == [8, 5, None, 3, None, None, None]


def test_overview_page_of_the_whole_park(clients: dict[str, TestClient]) -> None:
    html = clients["eval_park"].get("/").text
    assert "Your enterprise" not in html and 'class="suppressed"' not in html
    assert '<td data-key="national_green_factory">1</td>' in html
    assert '<td data-key="electronic_information">1</td>' in html


def test_enterprise_pages(clients: dict[str, TestClient]) -> None:
    client = clients["alpha"]
    html = client.get("/enterprises").text
    assert f'href="/enterprises/{CODES["A"]}"' in html
    assert 'href="/enterprises"' in html and 'href="/stations"' in html  # nav bar
    html = client.get(f"/enterprises/{CODES['A']}").text
    for text in ("Alpha Data Co.", "12,000", "National green data centre", "GR20235200000"):
        assert text in html, text
    assert 'href="/meters/ALPHA-ELEC"' in html and "365,000" in html
    assert client.get(f"/enterprises/{CODES['A']}").status_code == 200
    everyone = clients["admin"].get("/enterprises").text
    assert all(name in everyone for name, _, _ in ENTERPRISES.values())


def test_station_page_draws_48_hours(clients: dict[str, TestClient]) -> None:
    html = clients["alpha"].get("/stations/ALPHA-OUT").text
    assert "COD" in html and "Alpha Data Co." in html
    charts = json.loads(
        re.search(
            r'<script type="application/json" id="series-data">(.*?)</script>', html, re.S
        ).group(1)  # type: ignore[union-attr]
    )["charts"]
    assert [c["canvas"] for c in charts] == ["chart-series-0"]
    assert len(charts[0]["values"]) == 48 and charts[0]["labels"][-1] == "02-28 23:00"
    assert '<canvas id="chart-series-0"' in html
    assert "/static/series.js" in html and "/static/vendor/chartjs/chart.umd.min.js" in html
    listed = clients["alpha"].get("/stations").text
    assert all(f'href="/stations/{code}"' in listed for code in stations_of({"A"}))


def test_meter_page_draws_the_last_7_days(clients: dict[str, TestClient]) -> None:
    html = clients["alpha"].get("/meters/ALPHA-ELEC").text
    charts = json.loads(
        re.search(
            r'<script type="application/json" id="series-data">(.*?)</script>', html, re.S
        ).group(1)  # type: ignore[union-attr]
    )["charts"]
    assert len(charts) == 1 and charts[0]["values"] == [1000.0] * 7
    assert charts[0]["valueTitle"] == "kWh"
    assert '<canvas id="chart-readings"' in html
    assert "/api/meters/ALPHA-ELEC/readings.csv?start=2025-02-22T00%3A00%3A00%2B08%3A00" in html
    virtual = clients["alpha"].get("/meters/ALPHA-MIX").text
    assert "names meters you cannot see" in virtual and "No readings" in virtual
    sub = clients["alpha"].get("/meters/ALPHA-ELEC-SUB").text
    assert 'sub-meter of <a href="/meters/ALPHA-ELEC">' in sub


def test_not_found_pages_are_alike(clients: dict[str, TestClient]) -> None:
    client = clients["alpha"]
    for path, missing in (
        (f"/enterprises/{CODES['B']}", f"/enterprises/{NO_ENTERPRISE}"),
        ("/meters/BRAVO-ELEC", f"/meters/{NO_CODE}"),
        ("/stations/BRAVO-OUT", f"/stations/{NO_CODE}"),
    ):
        b, none = client.get(path), client.get(missing)
        assert b.status_code == none.status_code == 404
        strip = re.compile(r'value="[0-9a-f]{64}"')
        assert strip.sub("", b.text) == strip.sub("", none.text)
    assert STATIONS["BRAVO-OUT"][2] not in client.get("/stations/BRAVO-OUT").text
