"""``GET /api/evaluation/evidence/{sha256}``: an evidence file stored with the values entered
by hand, downloaded from the fixture park of ``tests/web/conftest.py``."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from web_auth import add_user, credit_code, session_client

from greenpark.store import Store
from greenpark.store.evaluation import put_evidence
from greenpark.store.ledger import shown_park

PATH = "/api/evaluation/evidence/{}"
DATA = b"%PDF-1.4 green coverage survey \x00\xff"
NAME = "survey 2023 (final).pdf"


def _put(store: Store) -> str:
    with store.write() as conn:
        park = shown_park(conn)
        assert park is not None
        return put_evidence(conn, park.id, NAME, DATA, None, "admin")


def test_an_admin_downloads_the_stored_file(park_store: Store, admin_client: TestClient) -> None:
    sha = _put(park_store)
    assert sha == hashlib.sha256(DATA).hexdigest()
    r = admin_client.get(PATH.format(sha))
    assert r.status_code == 200, r.text
    assert r.content == DATA
    assert r.headers["content-type"] == "application/pdf"
    disposition = r.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="survey_2023__final_.pdf"')
    assert "filename*=UTF-8''survey%202023%20%28final%29.pdf" in disposition
    # the hex digits in upper case name the same file
    assert admin_client.get(PATH.format(sha.upper())).content == DATA


def test_an_unknown_file_is_not_found(park_store: Store, admin_client: TestClient) -> None:
    _put(park_store)
    r = admin_client.get(PATH.format("0" * 64))
    assert r.status_code == 404
    assert "no evidence file" in r.json()["detail"]
    assert admin_client.get(PATH.format("not-a-sha")).status_code == 422


def test_an_enterprise_caller_is_refused(park_store: Store, admin_client: TestClient) -> None:
    sha = _put(park_store)
    add_user(park_store, "e1-user", "enterprise", enterprises=(credit_code(1),))
    client = session_client(admin_client.app, park_store, "e1-user")  # type: ignore[arg-type]
    r = client.get(PATH.format(sha))
    assert r.status_code == 403
    assert DATA not in r.content
    anonymous = TestClient(admin_client.app)
    assert anonymous.get(PATH.format(sha)).status_code == 401


def test_a_stored_html_file_runs_nothing_and_a_bad_type_is_bytes(
    park_store: Store, admin_client: TestClient
) -> None:
    with park_store.write() as conn:
        park = shown_park(conn)
        assert park is not None
        html = put_evidence(conn, park.id, "minutes.html", b"<script>x()</script>", None, "a")
        odd = put_evidence(conn, park.id, "x.bin", b"\x00", "text/html\r\nX-Bad: 1", "a")
    r = admin_client.get(PATH.format(html))
    assert r.headers["content-security-policy"].startswith("sandbox")
    assert r.headers["content-disposition"].startswith("attachment")
    r = admin_client.get(PATH.format(odd))
    assert r.status_code == 200 and r.headers["content-type"] == "application/octet-stream"
    assert "x-bad" not in r.headers
