"""``/api/overview`` and ``/`` on the fixture park (see ``conftest.py``): the numbers are
worked out by hand there; both routes must show exactly them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_auth import add_user, login, make_app

from greenpark.store import Store

MONTHS = [f"2024-{m:02d}" for m in range(3, 13)] + ["2025-01", "2025-02"]
#: 1010 k kWh for k = 3 .. 14; the sub-meter (1000 kWh a month) and the virtual meter are
#: not counted, nor months 2024-01/02 (outside the 12-month window).
ELECTRICITY = [3030.0, 4040.0, 5050.0, 6060.0, 7070.0, 8080.0, 9090.0, 10100.0, 11110.0,
               12120.0, 13130.0, 14140.0]  # fmt: skip
#: 20 k + 5 m³ for k = 3 .. 12 except June 2024 (no readings); none in 2025.
GAS = [65.0, 85.0, 105.0, None, 145.0, 165.0, 185.0, 205.0, 225.0, 245.0, None, None]

EXPECTED = {
    "timezone": "Asia/Shanghai",
    "park": {
        "code": "GAFTZ",
        "name": "Gui'an Free Trade Zone (test)",
        "name_local": "贵安综合保税区",
        "location": "Gui'an New Area, Guizhou",
        "timezone": "Asia/Shanghai",
    },
    "as_of_year": 2024,
    "scope": None,  # the administrator sees the whole park: nothing suppressed
    "suppressed_below": None,
    "enterprise_counts": {
        "total": 5,
        "above_designated_size": 3,
        "revenue_over_100m_yuan": 1,
        "high_tech": 2,
        "national_green_data_centre": 2,
        "national_green_factory": 2,
        "provincial_green_factory": 1,
        "by_industry": {
            "big_data": 2,
            "electronic_information": 1,
            "equipment_manufacturing": 1,
            "organic_food": 1,
            "other": 0,
        },
    },
    "energy_months": MONTHS,
    "energy_by_carrier": [
        {
            "carrier": "electricity",
            "unit": "kWh",
            "months": MONTHS,
            "totals": ELECTRICITY,
            "total": 103020.0,
            "meters": 1,
        },
        {
            "carrier": "natural_gas",
            "unit": "m³",
            "months": MONTHS,
            "totals": GAS,
            "total": 1425.0,
            "meters": 1,
        },
    ],
    "stations": [
        {
            "code": "S-AIR-01",
            "name": "Air, management committee",
            "kind": "ambient_air",
            "mn": "88888880000001",
            "latest": [  # in the order of the parameter table: PM2.5 before CO
                {
                    "parameter": "a34004",
                    "name": "PM2.5",
                    "unit": "μg/m³",
                    "time": "2025-02-28T23:00:00+08:00",
                    "value": 38.5,
                    "flag": "N",
                },
                {
                    "parameter": "a21005",
                    "name": "CO",
                    "unit": "mg/m³",
                    "time": "2025-02-28T21:00:00+08:00",
                    "value": 0.9,
                    "flag": "C",
                },
            ],
        },
        {
            "code": "S-NOISE-01",
            "name": "Noise, north gate",
            "kind": "noise",
            "mn": "88888880000003",
            "latest": [],
        },
        {
            "code": "S-WATER-01",
            "name": "Che Tian river",
            "kind": "surface_water",
            "mn": "88888880000002",
            "latest": [
                {
                    "parameter": "w01001",
                    "name": "pH",
                    "unit": "-",
                    "time": "2025-02-28T08:00:00+08:00",
                    "value": 7.2,
                    "flag": "N",
                },
                {
                    "parameter": "w21003",
                    "name": "NH3-N",
                    "unit": "mg/L",
                    "time": "2025-02-28T08:00:00+08:00",
                    "value": 0.35,
                    "flag": "N",
                },
            ],
        },
    ],
}


def _client(store: Store) -> TestClient:
    """A client logged in as an administrator (who sees the whole park)."""
    add_user(store, "admin", "admin")
    client = TestClient(make_app(store))
    assert login(client, "admin").status_code == 303
    return client


@pytest.fixture
def client(park_store: Store) -> Iterator[TestClient]:
    with _client(park_store) as c:
        yield c


@pytest.fixture
def empty_client(sqlite_store: Store) -> Iterator[TestClient]:
    with _client(sqlite_store) as c:
        yield c


def test_api_overview(client: TestClient) -> None:
    response = client.get("/api/overview")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == EXPECTED


def _cell(html: str, key: str) -> str:
    match = re.search(rf'<td data-key="{key}">([^<]*)</td>', html)
    assert match, key
    return match.group(1)


def test_page_shows_the_same_numbers(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "Gui&#39;an Free Trade Zone (test)" in html and "贵安综合保税区" in html
    assert "enterprise figures of <strong>2024</strong>" in html
    for key, n in EXPECTED["enterprise_counts"].items():
        if key == "by_industry":
            for industry, m in n.items():
                assert _cell(html, industry) == str(m)
        else:
            assert _cell(html, key) == str(n)
    assert "规模以上 Above designated size" not in html  # English first, then Chinese
    assert "Above designated size 规模以上" in html
    # 12-month totals of each carrier, with their units
    assert "12-month total <strong>103,020</strong> kWh" in html
    assert "12-month total <strong>1,425</strong> m³" in html
    # stations: latest values, readable names and units, park-local times
    for text in ("S-AIR-01", "88888880000001", "PM2.5", "μg/m³", "38.5", "0.9", "mg/m³"):
        assert text in html
    assert '<time datetime="2025-02-28T23:00:00+08:00">2025-02-28 23:00</time>' in html
    assert "0.35" in html and "7.2" in html and "no data yet" in html
    assert "S-AIR-01" in html and "O-AIR" not in html


def test_page_embeds_the_chart_data(client: TestClient) -> None:
    html = client.get("/").text
    block = re.search(
        r'<script type="application/json" id="overview-data">(.*?)</script>', html, re.S
    )
    assert block
    charts = json.loads(block.group(1))["charts"]
    canvases = [c["canvas"] for c in charts]
    assert canvases == [
        "chart-enterprises",
        "chart-industries",
        "chart-energy-0",
        "chart-energy-1",
    ]
    for chart in charts:
        assert f'<canvas id="{chart["canvas"]}"' in html
    assert charts[0]["values"] == [5, 3, 1, 2, 2, 2, 1]
    assert charts[0]["labels"][1] == ["Above designated size", "规模以上"]
    assert charts[1]["values"] == [2, 1, 1, 1, 0]
    assert charts[2]["labels"] == MONTHS and charts[2]["values"] == ELECTRICITY
    assert charts[2]["valueTitle"] == "kWh"
    assert charts[3]["values"] == GAS and charts[3]["valueTitle"] == "m³"
    # no inline JavaScript beyond the data block; scripts come from /static
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attrs, body in scripts:
        assert 'type="application/json"' in attrs or (body.strip() == "" and "src=" in attrs)
    assert '/static/vendor/chartjs/chart.umd.min.js"' in html


def test_empty_store(empty_client: TestClient) -> None:
    page = empty_client.get("/")
    assert page.status_code == 200
    assert "No park yet — run <code>greenpark demo</code> or" in page.text
    assert "<code>greenpark registry import</code>" in page.text
    api = empty_client.get("/api/overview")
    assert api.status_code == 200
    assert api.json()["park"] is None
    assert api.json()["stations"] == []
