"""``/environment`` ↔ ``/api/environment`` on the hand-worked park of
``tests/environment/env_park.py``: JSON values, the page, and scope."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_auth import add_user, login, make_app

sys.path.insert(0, str(Path(__file__).parents[1] / "environment"))
from env_park import E1, E2, D, build_env_park

from greenpark.store import Store


@pytest.fixture
def env_park_store(sqlite_store: Store) -> Store:
    build_env_park(sqlite_store)
    add_user(sqlite_store, "admin", "admin")
    add_user(sqlite_store, "plant1", "enterprise", enterprises=(E1,))
    return sqlite_store


@pytest.fixture
def admin(env_park_store: Store) -> Iterator[TestClient]:
    with TestClient(make_app(env_park_store)) as client:
        assert login(client, "admin").status_code == 303
        yield client


@pytest.fixture
def plant1(env_park_store: Store) -> Iterator[TestClient]:
    with TestClient(make_app(env_park_store)) as client:
        assert login(client, "plant1").status_code == 303
        yield client


def test_api_environment_values(admin: TestClient) -> None:
    body = admin.get("/api/environment").json()
    assert body["as_of"] == f"{D.isoformat()}T23:00:00+08:00"
    assert (body["today"], body["day"]) == (D.isoformat(), D.isoformat())
    assert body["valid_flags"] == ["N", "T"]
    assert body["assumed_commissioned"] == "2006-01-01"
    assert [c["colour"] for c in body["aqi_categories"]][:3] == ["#00E400", "#FFFF00", "#FF7E00"]
    (air,) = body["air"]
    assert air["daily"] == {
        "aqi": 107.0,
        "level": 3,
        "primary_pollutant": "pm2_5",
        "date": D.isoformat(),
        "time": None,
    }
    assert air["hourly"]["aqi"] == 107.0
    assert air["hourly"]["time"] == f"{D.isoformat()}T23:00:00+08:00"
    assert len(air["calendar"]) == 30
    assert (air["good_days"], air["valid_days"], air["good_ratio"]) == (1, 2, 0.5)
    (water,) = body["water"]
    assert (water["water_class"], water["deciding"], water["meets_target"]) == (3, "CODMn", True)
    one, two = body["outlets"]
    assert (one["code"], one["exceeding_days"], one["compliant"]) == ("OUT-1", 1, True)
    assert one["enterprise"]["credit_code"] == E1
    assert two["enterprise"]["credit_code"] == E2
    (station,) = body["noise"]
    assert station["night_exceeds"] is True
    assert station["night_margin"] == pytest.approx(3.0)
    assert station["ln"] == pytest.approx(53.0)


def test_environment_page_renders(admin: TestClient) -> None:
    page = admin.get("/environment")
    assert page.status_code == 200
    html = page.text
    assert 'Environment <span lang="zh">环境</span>' in html  # nav link
    assert 'aria-current="page">Environment' in html
    assert "/api/environment" in html  # JSON link
    assert "background: #FF7E00" in html  # level-3 colour of the daily AQI 107
    assert "lightly polluted" in html
    assert "Ⅲ" in html and "CODMn" in html
    assert "2006-01-01" in html  # the commissioning assumption is stated
    assert "OUT-1" in html and "OUT-2" in html
    assert "exceeds 超标" in html  # night noise


def test_enterprise_user_sees_own_outlet_only(plant1: TestClient) -> None:
    body = plant1.get("/api/environment").json()
    assert [o["code"] for o in body["outlets"]] == ["OUT-1"]
    assert [a["code"] for a in body["air"]] == ["AIR-1"]
    page = plant1.get("/environment").text
    for secret in ("OUT-2", "Outlet two", "Plant Two", E2):
        assert secret not in page
        assert secret not in plant1.get("/api/environment").text


def test_environment_needs_login(env_park_store: Store) -> None:
    with TestClient(make_app(env_park_store)) as client:
        assert client.get("/api/environment").status_code == 401
        page = client.get("/environment", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login")
