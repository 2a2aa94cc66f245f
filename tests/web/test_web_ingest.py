"""The "Ingest" page and ``/api/ingest/stats``: the HJ 212 server's counters (with and
without a server in the app), the refused frames the store keeps, their filters, who may
see them, and that no password or key ever leaves in a preview, a hex dump or a message."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_auth import TZ, add_user, credit_code, make_settings, open_session, session_client

from greenpark.ingest import IngestConfig, IngestServer
from greenpark.store import Store
from greenpark.store.ingest import quarantine
from greenpark.store.registry import upsert
from greenpark.web import create_app
from greenpark.web.ingest import (
    FRAMES_SHOWN,
    REFUSAL_REASONS,
    format_duration,
    mask_secrets,
    mask_secrets_text,
    preview,
)
from greenpark.web.security import SESSION_COOKIE

UTC = dt.UTC
SECRET = "s3cr3t-Pw"
NEW_SECRET = "n3w-Pw-99"
KEY = "AbCdEfGh12345678"
MN_A = "88888880000001"
MN_B = "88888880000002"

#: A data frame with the station's password in the header (CRC wrong: it was refused).
BAD_PW_FRAME = (
    f"##0101QN=20250301080000000;ST=22;CN=2011;PW={SECRET};MN={MN_A};Flag=5;"
    "CP=&&DataTime=20250301080000;a34004-Rtd=35.0,a34004-Flag=N&&ABCD\r\n"
).encode("ascii")
#: A password change and a key push quoted back by a station, plus a non-ASCII byte.
KEYS_FRAME = (
    f"##0080QN=20250301080100000;ST=91;CN=1072;PW={SECRET};MN={MN_B};Flag=4;"
    f"CP=&&NewPW={NEW_SECRET};NewSK={KEY}&&\xff\r\n"
).encode("latin-1")


def _frame(t: dt.datetime, mn: str | None, reason: str, raw: bytes, message: str = "") -> dict:
    return {
        "time": t,
        "peer": "10.0.0.7:40001",
        "mn": mn,
        "reason": reason,
        "message": message,
        "raw": raw,
    }


def _fill(store: Store) -> None:
    t0 = dt.datetime(2025, 3, 1, 0, 0, tzinfo=UTC)
    rows = [
        _frame(t0, MN_A, "bad_pw", BAD_PW_FRAME, "PW does not match the registry"),
        _frame(
            t0 + dt.timedelta(minutes=1),
            MN_B,
            "bad_crc",
            KEYS_FRAME,
            f"CRC mismatch in ';PW={SECRET};'",
        ),
        _frame(t0 + dt.timedelta(minutes=2), None, "garbage", b"\x00\x01hello\r\n"),
        _frame(t0 + dt.timedelta(minutes=3), MN_A, "unknown_mn", BAD_PW_FRAME, "MN not registered"),
    ]
    with store.write() as conn:
        quarantine(conn, rows)


#: One user per role (the enterprise user sees enterprise 1).
USERS = {
    "root": "admin",
    "op": "operator",
    "ana": "analyst",
    "eva": "evaluator",
    "ent": "enterprise",
}


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file with a park, one enterprise and :data:`USERS`, built once (hashing the
    passwords is slow) and copied by :func:`users`."""
    path = tmp_path_factory.mktemp("ingest") / "template.db"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    with store.write() as conn:
        upsert(conn, "park", [{"code": "GAFTZ", "name": "Test park", "timezone": TZ}])
        upsert(
            conn,
            "enterprise",
            [
                {
                    "credit_code": credit_code(1),
                    "park": "GAFTZ",
                    "name": "E1",
                    "industry": "big_data",
                }
            ],
        )
    for name, role in USERS.items():
        enterprises = (credit_code(1),) if role == "enterprise" else ()
        add_user(store, name, role, enterprises=enterprises)
    store.dispose()
    return path


@pytest.fixture
def users(template_db: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the template store."""
    for suffix in ("", "-wal", "-shm"):
        source = template_db.with_name(template_db.name + suffix)
        if source.exists():
            shutil.copy(source, tmp_path / f"test.db{suffix}")
    store = Store(f"sqlite:///{tmp_path / 'test.db'}")
    yield store
    store.dispose()


def _app(store: Store, ingest: IngestServer | None = None) -> FastAPI:
    return create_app(make_settings(store), store=store, ingest=ingest)


@pytest.fixture
def server(users: Store) -> IngestServer:
    """A server (not started) whose counters are set by hand."""
    server = IngestServer(users, IngestConfig(port=0))
    s = server.stats
    s.connections_open, s.connections_total = 2, 7
    s.closed.update({"peer_closed": 3, "idle_timeout": 2})
    s.bytes_in = 123_456
    s.packets.update({"2011": 40, "2061": 2})
    s.refused.update({"bad_crc": 5, "bad_pw": 1})
    s.lenient.update({"crc:modbus": 4})
    s.duplicates, s.acks, s.rows_written, s.items_skipped = 3, 42, 400, 1
    s.commits, s.commit_errors, s.keys_rotated = 9, 0, 1
    s.commit_ms.extend([1.0, 2.0, 3.0])
    s.ack_ms.extend([5.0, 5.0, 9.0])
    return server


@pytest.fixture
def running(users: Store, server: IngestServer) -> Iterator[TestClient]:
    """An operator's client of an app whose lifespan started ``server`` (port 0)."""
    _fill(users)
    with TestClient(_app(users, server)) as client:
        client.cookies.set(SESSION_COOKIE, open_session(users, "op"))
        yield client


@pytest.fixture
def admin(users: Store) -> TestClient:
    """An administrator's client of an app without an HJ 212 server, with refused frames."""
    _fill(users)
    return session_client(_app(users), users, "root")


# --- masking ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        (b"QN=1;PW=123456;MN=1", b"QN=1;PW=***;MN=1"),
        (b"##0101PW=123456;MN=1", b"##0101PW=***;MN=1"),
        (b"ST=22; pw = 12 34 ;MN=1", b"ST=22; pw = ***;MN=1"),
        (b"CP=&&NewPW=abc;NewSK=0123456789abcdef&&", b"CP=&&NewPW=***;NewSK=***&&"),
        (b"MN=1;PW=tail-cut", b"MN=1;PW=***"),
        (b"PW=;MN=1", b"PW=***;MN=1"),
        (b"PW=\xff\xfe;", b"PW=***;"),
        (
            b"a01-Rtd=1;SKCreateTime=20250101;TASK=1;XPW=2",
            b"a01-Rtd=1;SKCreateTime=20250101;TASK=1;XPW=2",
        ),
        (b"no secrets here\r\n", b"no secrets here\r\n"),
    ],
)
def test_mask_secrets(raw: bytes, masked: bytes) -> None:
    assert mask_secrets(raw) == masked
    assert mask_secrets_text(raw.decode("latin-1")) == masked.decode("latin-1")


def test_preview_escapes_masks_and_cuts() -> None:
    assert preview(b"##0010PW=abc;\\\t\x00\r\n") == "##0010PW=***;\\\\\\t\\x00\\r\\n"
    assert preview(b"A" * 10, size=4) == "AAAA…"
    long = b"PW=" + b"x" * 500 + b";"
    assert preview(long, size=10) == "PW=***;"  # masked before the cut


def test_format_duration() -> None:
    assert format_duration(59.9) == "00:00:59"
    assert format_duration(3 * 86_400 + 4 * 3600 + 5 * 60 + 6) == "3 d 04:05:06"


def test_every_refusal_reason_of_the_codec_has_a_label() -> None:
    from greenpark.hj212.frame import FrameErrorReason

    assert {r.value for r in FrameErrorReason} <= set(REFUSAL_REASONS)
    assert all(len(v) == 2 and all(v) for v in REFUSAL_REASONS.values())


# --- the page and its twin --------------------------------------------------------------


def test_without_a_server_the_store_is_still_shown(admin: TestClient) -> None:
    data = admin.get("/api/ingest/stats").json()
    assert data["running"] is False and data["server"] is None
    assert data["quarantined"] == 4
    assert data["quarantined_by_reason"] == {
        "bad_crc": 1,
        "bad_pw": 1,
        "garbage": 1,
        "unknown_mn": 1,
    }
    assert [f["reason"] for f in data["frames"]] == ["unknown_mn", "garbage", "bad_crc", "bad_pw"]
    assert data["limit"] == FRAMES_SHOWN and data["timezone"] == "Asia/Shanghai"
    oldest = data["frames"][-1]
    assert oldest["time"] == "2025-03-01T08:00:00+08:00"  # park zone
    assert oldest["peer"] == "10.0.0.7:40001" and oldest["mn"] == MN_A
    assert oldest["size"] == len(BAD_PW_FRAME)
    assert oldest["preview"].startswith("##0101QN=20250301080000000;ST=22;CN=2011;PW=***;MN=")
    assert bytes.fromhex(oldest["raw_hex"]) == mask_secrets(BAD_PW_FRAME)
    assert data["frames"][1]["mn"] is None

    page = admin.get("/ingest")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "not running in this process" in html
    assert 'id="counters"' not in html
    assert "Wrong password 访问密码错误" in html
    assert "2025-03-01 08:00:00" in html
    assert 'href="/api/ingest/stats"' in html
    assert 'href="/ingest" aria-current="page"' in html  # in the nav for an administrator


def test_counters_of_a_server_not_started(users: Store, server: IngestServer) -> None:
    client = session_client(_app(users, server), users, "root")  # no lifespan: not started
    data = client.get("/api/ingest/stats").json()
    assert data["running"] is True
    assert data["server"]["listening"] is None
    assert data["server"]["acks"] == 42
    assert "is not listening yet" in client.get("/ingest").text


def test_counters_of_a_running_server(running: TestClient, server: IngestServer) -> None:
    assert server.port  # the app's lifespan started it on a free port
    data = running.get("/api/ingest/stats").json()
    s = data["server"]
    assert data["running"] is True
    assert s["listening"] == f"127.0.0.1:{server.port}"
    assert s["connections"] == {
        "open": 2,
        "total": 7,
        "closed": {"peer_closed": 3, "idle_timeout": 2},
    }
    assert s["packets_ok"] == 42 and s["packets_by_cn"] == {"2011": 40, "2061": 2}
    assert s["refused"] == 6 and s["refused_by_reason"] == {"bad_crc": 5, "bad_pw": 1}
    assert s["lenient"] == {"crc:modbus": 4}
    expected = {
        "duplicates": 3,
        "acks": 42,
        "rows_written": 400,
        "items_skipped": 1,
        "commits": 9,
        "commit_errors": 0,
        "keys_rotated": 1,
        "bytes_in": 123_456,
    }
    assert {k: s[k] for k in expected} == expected
    assert s["commit_latency_ms"] == {"p50": 2.0, "p99": 2.98, "max": 3.0}
    assert s["ack_latency_ms"]["p50"] == 5.0
    assert 0 <= s["uptime_s"] < 3600
    assert data["quarantined"] == 4 and len(data["frames"]) == 4

    html = running.get("/ingest").text
    assert f"listens on <code>127.0.0.1:{server.port}</code>" in html
    for snippet in (
        '<td class="num" data-key="rows_written">400</td>',
        '<td class="num" data-key="bytes_in">123,456</td>',
        '<td class="num" data-key="2011">40</td>',
        "real-time data",  # CN 2011's meaning
        "CRC-16/MODBUS",
        "Closed by the station",
        "Idle timeout",
        "CRC mismatch",
    ):
        assert snippet in html, snippet
    assert 'id="latency"' in html and '<td class="num">2.98</td>' in html


def test_passwords_and_keys_never_leave(running: TestClient, admin: TestClient) -> None:
    for client in (running, admin):
        for path in ("/api/ingest/stats", "/ingest", "/ingest?reason=bad_crc"):
            text = client.get(path).text
            for secret in (SECRET, NEW_SECRET, KEY):
                assert secret not in text, (path, secret)
                assert secret.encode().hex() not in text, (path, secret)
    frame = admin.get("/api/ingest/stats?reason=bad_crc").json()["frames"][0]
    assert "NewPW=***;NewSK=***&&\\xff\\r\\n" in frame["preview"]
    assert frame["message"] == "CRC mismatch in ';PW=***;'"
    assert bytes.fromhex(frame["raw_hex"]) == mask_secrets(KEYS_FRAME)
    assert b"PW=***" in bytes.fromhex(frame["raw_hex"])


# --- filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "reasons"),
    [
        ("reason=bad_pw", ["bad_pw"]),
        (f"mn={MN_A}", ["unknown_mn", "bad_pw"]),
        (f"mn={MN_A}&reason=unknown_mn", ["unknown_mn"]),
        (f"mn={MN_B}&reason=bad_pw", []),
        ("reason=bad_tail", []),  # known, none kept
        ("reason=&mn=", ["unknown_mn", "garbage", "bad_crc", "bad_pw"]),  # empty form fields
    ],
)
def test_filters(admin: TestClient, query: str, reasons: list[str]) -> None:
    data = admin.get(f"/api/ingest/stats?{query}").json()
    assert [f["reason"] for f in data["frames"]] == reasons
    assert data["quarantined"] == 4  # the counts by reason are not filtered
    html = admin.get(f"/ingest?{query}").text
    assert html.count("<tr data-reason=") == len(reasons)
    if not reasons:
        assert "No refused frame matches the filters." in html


def test_filters_are_kept_in_the_json_link_and_the_form(admin: TestClient) -> None:
    html = admin.get(f"/ingest?reason=bad_pw&mn={MN_A}").text
    assert f'href="/api/ingest/stats?reason=bad_pw&amp;mn={MN_A}"' in html
    assert '<option value="bad_pw" selected>' in html
    assert f'value="{MN_A}"' in html


def test_a_reason_only_the_store_knows_is_a_valid_filter(users: Store) -> None:
    with users.write() as conn:
        quarantine(conn, [_frame(dt.datetime(2025, 1, 1, tzinfo=UTC), None, "new_rule", b"x")])
    client = session_client(_app(users), users, "op")
    data = client.get("/api/ingest/stats?reason=new_rule").json()
    assert [f["reason"] for f in data["frames"]] == ["new_rule"]
    assert "new_rule" in client.get("/ingest").text  # offered in the form, unlabelled


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("reason=nonsense", "unknown reason 'nonsense'; must be one of ["),
        ("mn=has%20space", "is not an MN"),
        ("mn=" + "9" * 33, "is not an MN"),
        ("mn=%E4%B8%AD", "is not an MN"),
    ],
)
def test_bad_filters_are_refused(admin: TestClient, query: str, message: str) -> None:
    api = admin.get(f"/api/ingest/stats?{query}")
    assert api.status_code == 400
    assert message in api.json()["detail"]
    if "reason" in query:
        assert "'bad_crc'" in api.json()["detail"]  # lists the valid ones
    page = admin.get(f"/ingest?{query}")
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert "Error 400" in page.text


def test_only_the_newest_frames_are_listed(users: Store) -> None:
    t0 = dt.datetime(2025, 3, 1, tzinfo=UTC)
    rows = [
        _frame(t0 + dt.timedelta(seconds=i), MN_A, "bad_crc", f"#{i};PW=x".encode())
        for i in range(FRAMES_SHOWN + 10)
    ]
    with users.write() as conn:
        quarantine(conn, rows)
    client = session_client(_app(users), users, "op")
    data = client.get("/api/ingest/stats").json()
    assert data["quarantined"] == FRAMES_SHOWN + 10
    assert len(data["frames"]) == FRAMES_SHOWN
    assert data["frames"][0]["preview"] == f"#{FRAMES_SHOWN + 9};PW=***"
    assert data["frames"][-1]["preview"] == "#10;PW=***"


# --- who may see it ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [("root", 200), ("op", 200), ("ana", 403), ("eva", 403), ("ent", 403)],
)
def test_who_may_see_it(users: Store, username: str, status: int) -> None:
    client = session_client(_app(users), users, username)
    assert client.get("/api/ingest/stats").status_code == status
    assert client.get("/ingest").status_code == status


def test_nobody_logged_in(users: Store) -> None:
    client = TestClient(_app(users))
    api = client.get("/api/ingest/stats")
    assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"
    page = client.get("/ingest?reason=bad_pw", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


def test_the_nav_shows_the_page_to_roles_that_may_see_it(users: Store) -> None:
    app = _app(users)
    operator = session_client(app, users, "op").get("/ingest").text
    assert 'href="/ingest" aria-current="page"' in operator
    assert 'href="/stations"' not in operator  # an operator may not read park data
    analyst = session_client(app, users, "ana").get("/stations").text
    assert 'href="/stations"' in analyst and 'href="/ingest"' not in analyst


def test_openapi_documents_the_twin(users: Store) -> None:
    schema = TestClient(_app(users)).get("/openapi.json").json()
    assert "/api/ingest/stats" in schema["paths"] and "/ingest" not in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/ingest/stats"]["get"]["parameters"]}
    assert params == {"reason", "mn"}
    model = schema["components"]["schemas"]["IngestCountersPublic"]["properties"]
    assert "[ms]" in model["ack_latency_ms"]["description"]
    assert json.dumps(schema).count("IngestStatsPublic") >= 1
