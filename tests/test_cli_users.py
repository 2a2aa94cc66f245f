"""``greenpark user``, ``token`` and ``audit`` commands, through click's test runner."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from greenpark.cli import cli
from greenpark.store import Store
from greenpark.store import registry as reg

HUAWEI = "914403001922038216"  # a real, valid GB 32100-2015 code


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = Store(url)
    store.migrate()
    with store.write() as conn:
        reg.upsert(conn, "park", [{"code": "P", "name": "Park"}])
        reg.upsert(
            conn,
            "enterprise",
            [{"credit_code": HUAWEI, "park": "P", "name": "E", "industry": "other"}],
        )
    store.dispose()
    return url


def run(db: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--database", db, *args])


def test_user_lifecycle_is_audited(db: str) -> None:
    out = run(db, "user", "add", "ana", "--role", "analyst")
    assert out.exit_code == 0, out.output
    password = re.search(r"Password \(shown once\): (\S+)", out.output)
    assert password and len(password.group(1)) >= 10
    out = run(db, "user", "add", "ent", "--role", "enterprise", "--enterprise", HUAWEI)
    assert out.exit_code == 0, out.output
    listing = run(db, "user", "list").output
    assert re.search(r"ent\s+enterprise\s+active .*" + HUAWEI, listing)
    assert run(db, "user", "disable", "ent").exit_code == 0
    assert re.search(r"ent\s+enterprise\s+disabled", run(db, "user", "list").output)
    new = run(db, "user", "reset-password", "ana")
    assert new.exit_code == 0 and password.group(1) not in new.output
    log = run(db, "audit", "list").output
    for action in ("user.create", "user.disable", "user.reset_password"):
        assert action in log
    assert "cli" in log


def test_bad_user_input_is_a_clear_error(db: str) -> None:
    out = run(db, "user", "add", "x", "--role", "enterprise")
    assert out.exit_code != 0
    assert "needs at least one enterprise" in str(out.exception or out.output)
    out = run(db, "user", "add", "y", "--role", "enterprise", "--enterprise", "91NOPE")
    assert "no enterprise with credit code" in str(out.exception or out.output)
    out = run(db, "user", "add", "z", "--role", "evaluator")
    assert "time-limited" in str(out.exception or out.output)


def test_token_create_list_revoke(db: str) -> None:
    run(db, "user", "add", "ana", "--role", "analyst")
    out = run(db, "token", "create", "ana", "--name", "nightly export", "--days", "7")
    assert out.exit_code == 0, out.output
    secret = out.output.strip().splitlines()[-1]
    assert secret.startswith("gpt_") and len(secret) > 40
    listing = run(db, "token", "list").output
    assert "nightly export" in listing and "live" in listing
    assert secret not in listing  # never shown again
    token_id = listing.split()[0]
    assert run(db, "token", "revoke", token_id).exit_code == 0
    assert "revoked" in run(db, "token", "list", "ana").output
    assert "token.revoke" in run(db, "audit", "list", "--action", "token.revoke").output
