"""Enterprise scoping on the JSON API: enterprise A's user cannot read, list, export or
infer enterprise B's readings, ledger figures or stations, by id guessing or by filters;
each user sees exactly their scope, on SQLite and PostgreSQL (park: ``scoping_park.py``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

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
    ScopingPark,
    meters_of,
    secrets_of,
    stations_of,
)
from sqlalchemy import select

from greenpark.store.overview import month_window
from greenpark.store.schema import INDUSTRIES, STATION_KINDS, Enterprise, Meter, Station
from greenpark.store.timeseries import month_bounds

RESTRICTED = {user for user, letters in SEES.items() if letters != ALL}
RANGE = (
    "?start=" + quote("2025-01-01T00:00:00+08:00") + "&end=" + quote("2025-02-01T00:00:00+08:00")
)


def get_json(client: TestClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


def numbers(value: Any) -> Iterator[float]:
    """Every number anywhere in a JSON value."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield float(value)
    elif isinstance(value, dict):
        for v in value.values():
            yield from numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from numbers(v)


def figures_of(letters: set[str]) -> set[float]:
    """Figures that belong to the enterprises ``letters`` alone: revenue [10⁴ yuan], each
    meter's daily rate, monthly totals and 12-month total, and B's outlet COD value."""
    out: set[float] = set()
    for k in letters:
        out.add(ENTERPRISES[k][2])
    for code in meters_of(letters):
        rate = METERS[code][3]
        if rate is None:
            continue
        out |= {rate, rate * 365}
        for month in month_window(f"{LAST_DAY:%Y-%m}"):
            lo, hi = month_bounds(month, TZ)
            out.add(rate * (hi - lo).days)
    if "B" in letters:
        out.add(123.456)
    return out


def all_codes(park: ScopingPark) -> tuple[list[str], list[str], list[str]]:
    """Every enterprise, meter and station code in the database (what a guesser could try)."""
    with park.store.read() as conn:
        return (
            list(conn.execute(select(Enterprise.credit_code)).scalars()),
            list(conn.execute(select(Meter.code)).scalars()),
            list(conn.execute(select(Station.code)).scalars()),
        )


def _same_answer(response: Any, reference: Any) -> None:
    """The same status, body and content type: nothing tells the two requests apart."""
    assert response.status_code == reference.status_code == 404
    assert response.headers["content-type"] == reference.headers["content-type"]
    assert _normalised(response.text) == _normalised(reference.text)


def _normalised(text: str) -> str:
    # a page's CSRF token depends on the client's nonce cookie, not on what was asked for
    return re.sub(r'value="[0-9a-f]{64}"', 'value=""', text)


# --- every user sees exactly their scope ------------------------------------------------


@pytest.mark.parametrize("user", sorted(SEES))
def test_enterprise_list_is_the_scope(clients: dict[str, TestClient], user: str) -> None:
    client, letters = clients[user], SEES[user]
    listed = get_json(client, "/api/enterprises")["enterprises"]
    assert sorted(e["credit_code"] for e in listed) == sorted(CODES[k] for k in letters)
    for industry in INDUSTRIES:  # a filter narrows the scope, never widens it
        data = get_json(client, f"/api/enterprises?industry={industry}")
        assert data["industry"] == industry
        assert sorted(e["credit_code"] for e in data["enterprises"]) == sorted(
            CODES[k] for k in letters if ENTERPRISES[k][1] == industry
        )
    listed = get_json(client, "/api/stations")["stations"]
    assert {s["code"] for s in listed} == stations_of(letters)
    for kind in STATION_KINDS:
        data = get_json(client, f"/api/stations?kind={kind}")
        assert {s["code"] for s in data["stations"]} == {
            code for code in stations_of(letters) if STATIONS[code][1] == kind
        }


@pytest.mark.parametrize("user", sorted(SEES))
def test_guessing_every_code_finds_only_the_scope(
    park: ScopingPark, clients: dict[str, TestClient], user: str
) -> None:
    """Every enterprise, meter and station code in the database, through every route that
    takes one: 200 within the scope; outside it exactly the answer for a code that does
    not exist (JSON and pages, readings and the CSV export)."""
    client, letters = clients[user], SEES[user]
    enterprises, meters, stations = all_codes(park)
    visible_meters = meters_of(letters) | ({"PARK-LIGHT"} if letters == ALL else set())
    routes = {
        "enterprise": (enterprises, {CODES[k] for k in letters}, NO_ENTERPRISE),
        "meter": (meters, visible_meters, NO_CODE),
        "station": (stations, stations_of(letters), NO_CODE),
    }
    paths = {
        "enterprise": ["/api/enterprises/{}", "/enterprises/{}"],
        "meter": [
            "/api/meters/{}",
            "/meters/{}",
            "/api/meters/{}/readings",
            "/api/meters/{}/readings" + RANGE,
            "/api/meters/{}/readings.csv",
            "/api/meters/{}/readings.csv" + RANGE,
        ],
        "station": ["/api/stations/{}", "/stations/{}"],
    }
    for what, (codes, visible, missing) in routes.items():
        assert visible <= set(codes)
        for template in paths[what]:
            reference = client.get(template.format(missing))
            for code in codes:
                response = client.get(template.format(code))
                if code in visible:
                    assert response.status_code == 200, (template, code, response.text)
                else:
                    _same_answer(response, reference)


@pytest.mark.parametrize("user", sorted(SEES))
def test_overview_is_the_scope(clients: dict[str, TestClient], user: str) -> None:
    client, letters = clients[user], SEES[user]
    data = get_json(client, "/api/overview")
    counts = data["enterprise_counts"]
    energy = {s["carrier"]: s["total"] for s in data["energy_by_carrier"]}
    counted = {
        code
        for code, (_, _, _, rate, extra) in METERS.items()
        if rate is not None and not extra  # top-level real consumption meters
    }
    owners = {code: METERS[code][0] for code in counted}
    expected: dict[str, float] = {}
    for code in counted:
        if owners[code] in letters or (owners[code] is None and letters == ALL):
            carrier, rate = METERS[code][1], METERS[code][3]
            expected[carrier] = expected.get(carrier, 0.0) + 365 * rate  # type: ignore[operator]
    assert energy == expected
    assert {s["code"] for s in data["stations"]} == stations_of(letters)
    if user in RESTRICTED:
        assert data["scope"] == [
            {"credit_code": CODES[k], "name": ENTERPRISES[k][0]} for k in sorted(letters)
        ]
        assert data["suppressed_below"] == 3
        # groups of 1 or 2 enterprises (and of 0) are suppressed; 3 and more shown
        assert counts["revenue_over_100m_yuan"] is None  # A and B
        assert counts["national_green_data_centre"] is None  # A and B
        assert counts["national_green_factory"] is None  # B alone
        assert counts["provincial_green_factory"] is None  # none
        assert counts["by_industry"]["electronic_information"] is None  # B alone
        assert (counts["total"], counts["above_designated_size"], counts["high_tech"]) == (8, 5, 3)
        assert counts["by_industry"]["big_data"] == 4
    else:
        assert data["scope"] is None and data["suppressed_below"] is None
        assert counts["revenue_over_100m_yuan"] == 2
        assert counts["national_green_factory"] == 1
        assert counts["by_industry"]["electronic_information"] == 1


# --- enterprise A's user: nothing of B, by any route ------------------------------------


def test_a_cannot_reach_b(clients: dict[str, TestClient]) -> None:
    client = clients["alpha"]
    assert [e["credit_code"] for e in get_json(client, "/api/enterprises")["enterprises"]] == [
        CODES["A"]
    ]
    assert get_json(client, "/api/enterprises?industry=electronic_information")["enterprises"] == []
    missing = client.get(f"/api/enterprises/{NO_ENTERPRISE}")
    assert missing.json() == {"detail": "enterprise not found"}
    b = client.get(f"/api/enterprises/{CODES['B']}")
    _same_answer(b, missing)
    assert b.content == missing.content
    for path in (
        "/api/meters/{}",
        "/api/meters/{}/readings",
        "/api/meters/{}/readings" + RANGE,
        "/api/meters/{}/readings.csv" + RANGE,
    ):
        b = client.get(path.format("BRAVO-ELEC"))
        assert b.content == client.get(path.format(NO_CODE)).content
        assert b.json() == {"detail": "meter not found"}
    b = client.get("/api/stations/BRAVO-OUT")
    assert b.content == client.get(f"/api/stations/{NO_CODE}").content
    assert b.json() == {"detail": "station not found"}
    stations = get_json(client, "/api/stations?kind=wastewater_outlet")["stations"]
    assert [s["code"] for s in stations] == ["ALPHA-OUT"]


def test_a_bad_range_gets_the_same_answer_for_every_meter(clients: dict[str, TestClient]) -> None:
    client = clients["alpha"]
    for query in (
        "?start=2025-01-01T00:00:00&end=2025-01-02T00:00:00",
        "?start=2024-01-01T00:00:00%2B08:00&end=2025-06-01T00:00:00%2B08:00",
        "?start=yesterday&end=today",
        "?start=2025-01-01T00:00:00%2B08:00",
    ):
        answers = {
            code: client.get(f"/api/meters/{code}/readings{query}")
            for code in ("ALPHA-ELEC", "BRAVO-ELEC", NO_CODE)
        }
        assert {r.status_code for r in answers.values()} == {400}, query
        assert len({r.content for r in answers.values()}) == 1, query


def test_nothing_a_sees_holds_a_figure_or_name_of_b(
    park: ScopingPark, clients: dict[str, TestClient]
) -> None:
    """Every JSON answer A's user can get holds no figure of B (revenue, readings, monthly
    and 12-month totals, outlet values) and no name or code of B or its meters and
    stations; nor of any other enterprise but A."""
    client = clients["alpha"]
    paths = [
        "/api/overview",
        "/api/enterprises",
        f"/api/enterprises/{CODES['A']}",
        "/api/stations",
        *(f"/api/stations/{code}" for code in stations_of({"A"})),
        *(f"/api/meters/{code}" for code in meters_of({"A"})),
        *(f"/api/meters/{code}/readings" + RANGE for code in meters_of({"A"})),
    ]
    others = ALL - {"A"}
    forbidden_numbers = figures_of({"B"}) | figures_of(others)
    forbidden_numbers -= figures_of({"A"})  # a coincidence with A's own would not leak
    forbidden_text = [s.lower() for s in secrets_of(others)]
    for path in paths:
        data = get_json(client, path)
        found = forbidden_numbers & set(numbers(data))
        assert not found, (path, found)
        text = json.dumps(data, ensure_ascii=False).lower()
        assert not [s for s in forbidden_text if s in text], path
    csv = client.get("/api/meters/ALPHA-ELEC/readings.csv" + RANGE)
    assert csv.status_code == 200 and "bravo" not in csv.text.lower()


def test_the_overview_holds_no_total_of_b(clients: dict[str, TestClient]) -> None:
    data = get_json(clients["alpha"], "/api/overview")
    b_totals = {365 * 4321.5, 365 * 77.25, 365 * 333.0, 365 * (1000.0 + 4321.5)}
    assert not b_totals & set(numbers(data))
    assert {s["carrier"]: s["total"] for s in data["energy_by_carrier"]} == {
        "electricity": 365 * 1000.0,
        "natural_gas": 365 * 50.0,
    }
    assert data["scope"] == [{"credit_code": CODES["A"], "name": "Alpha Data Co."}]


def test_csv_export(clients: dict[str, TestClient]) -> None:
    response = clients["alpha"].get("/api/meters/ALPHA-GAS/readings.csv" + RANGE)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="ALPHA-GAS_20250101T0000_20250201T0000.csv"'
    )
    lines = response.text.splitlines()
    assert lines[0] == "meter,start,end,quantity,unit,quality"
    assert lines[1] == "ALPHA-GAS,2025-01-01T00:00:00+08:00,2025-01-02T00:00:00+08:00,50.0,m³,ok"
    assert len(lines) == 1 + 31


def test_an_unencoded_plus_in_the_offset_is_understood(clients: dict[str, TestClient]) -> None:
    data = get_json(
        clients["alpha"],
        "/api/meters/ALPHA-ELEC/readings?start=2025-01-01T00:00:00+08:00"
        "&end=2025-01-03T00:00:00+08:00",
    )
    assert data["start"] == "2025-01-01T00:00:00+08:00" and len(data["readings"]) == 2


def test_not_logged_in_sees_nothing(clients: dict[str, TestClient]) -> None:
    anonymous = TestClient(clients["alpha"].app)
    for path in ("/api/enterprises", f"/api/enterprises/{CODES['A']}", "/api/meters/ALPHA-ELEC"):
        assert anonymous.get(path).status_code == 401, path
