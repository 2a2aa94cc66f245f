"""Users, logins, throttling, sessions, API tokens and the audit log (``greenpark.auth``),
on SQLite and PostgreSQL. The clock is moved with the ``now`` parameters."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Connection

from greenpark.auth import (
    AuthError,
    LoginOutcome,
    Principal,
    Role,
    Throttle,
    ThrottledError,
    authenticate,
    create_token,
    create_user,
    end_session,
    principal_from_session,
    principal_from_token,
    reset_password,
    revoke_token,
    set_disabled,
    start_session,
)
from greenpark.auth.roles import scope_for, utcnow
from greenpark.errors import InputError, NotFoundError
from greenpark.store import Store
from greenpark.store import auth as db

PASSWORD = "correct horse battery staple"
T0 = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
THROTTLE = Throttle(max_failures=5, window=dt.timedelta(minutes=15))


def _user(
    store: Store,
    username: str,
    role: str,
    *,
    enterprises: tuple[str, ...] = (),
    valid_until: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> None:
    with store.write() as conn:
        create_user(
            conn,
            username,
            role,
            password=PASSWORD,
            enterprises=enterprises,
            valid_until=valid_until,
            actor="root",
            ip="10.0.0.1",
            now=now,
        )


def _login(
    store: Store,
    username: str,
    password: str = PASSWORD,
    *,
    ip: str | None = "10.0.0.2",
    now: dt.datetime = T0,
) -> LoginOutcome:
    with store.write() as conn:
        return authenticate(conn, username, password, ip=ip, throttle=THROTTLE, now=now)


def _actions(conn: Connection, **filters: str) -> list[tuple[str, str | None, str | None]]:
    """(action, actor, target) of the audit log, oldest first."""
    rows = db.list_audit(conn, limit=1000, **filters)
    return [(r["action"], r["actor"], r["target"]) for r in reversed(rows)]


def _ids(store: Store, *codes: str) -> frozenset[int]:
    with store.read() as conn:
        return frozenset(db.enterprise_ids_by_code(conn, codes).values())


# --- users ------------------------------------------------------------------------------


def test_create_user_stores_an_argon2id_hash_never_the_password(auth_store: Store) -> None:
    _user(auth_store, "alice", "analyst")
    with auth_store.read() as conn:
        user = db.get_user(conn, username="alice")
        listed = db.list_users(conn)
    assert user is not None
    assert user["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in user["password_hash"]
    assert [u["username"] for u in listed] == ["alice"]
    assert "password_hash" not in listed[0]


def test_create_user_generates_a_password_when_none_is_given(auth_store: Store) -> None:
    with auth_store.write() as conn:
        password = create_user(conn, "gen", "analyst")
    assert len(password) >= 10
    assert _login(auth_store, "gen", password).principal is not None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role_name": "root"}, "must be one of"),
        ({"role_name": "enterprise"}, "at least one enterprise"),
        ({"role_name": "admin", "enterprises": ["A"]}, "give none"),
        ({"role_name": "evaluator"}, "valid_until"),
        ({"role_name": "evaluator", "valid_until": dt.datetime(2030, 1, 1)}, "time zone"),
        ({"role_name": "enterprise", "enterprises": ["91520900MA6H199990"]}, "no enterprise"),
        ({"role_name": "analyst", "password": "short"}, "too short"),
        ({"role_name": "analyst", "username": "two words"}, "no spaces"),
    ],
)
def test_create_user_refuses_bad_accounts(
    auth_store: Store, codes: dict[str, str], kwargs: dict, message: str
) -> None:
    kwargs = dict(kwargs)
    kwargs["enterprises"] = [codes.get(c, c) for c in kwargs.get("enterprises", [])]
    username = kwargs.pop("username", "bob")
    role_name = kwargs.pop("role_name")
    with pytest.raises(InputError, match=message), auth_store.write() as conn:
        create_user(conn, username, role_name, **kwargs)


def test_user_names_are_unique(auth_store: Store) -> None:
    _user(auth_store, "alice", "analyst")
    with pytest.raises(InputError, match="exists already"):
        _user(auth_store, "alice", "operator")


def test_scopes_of_the_roles(auth_store: Store, codes: dict[str, str]) -> None:
    a = _ids(auth_store, codes["A"])
    assert scope_for(Role.ADMIN, a, whole_park_flag=False) is None
    assert scope_for(Role.ANALYST, frozenset(), whole_park_flag=False) is None
    assert scope_for(Role.ENTERPRISE, a, whole_park_flag=False) == a
    assert scope_for(Role.EVALUATOR, frozenset(), whole_park_flag=False) is None
    assert scope_for(Role.EVALUATOR, a, whole_park_flag=False) == a
    assert scope_for(Role.EVALUATOR, a, whole_park_flag=True) is None
    assert scope_for(Role.OPERATOR, a, whole_park_flag=False) == frozenset()


# --- logins and throttling --------------------------------------------------------------


def test_login_gives_a_principal_with_the_users_scope(
    auth_store: Store, codes: dict[str, str]
) -> None:
    _user(auth_store, "ent", "enterprise", enterprises=(codes["A"], codes["B"]))
    principal = _login(auth_store, "ent").raise_for_failure()
    assert principal.username == "ent" and principal.role is Role.ENTERPRISE
    assert principal.enterprise_ids == _ids(auth_store, codes["A"], codes["B"])
    assert not principal.whole_park


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong password!"), ("nobody", PASSWORD)]
)
def test_wrong_password_and_unknown_user_look_the_same(
    auth_store: Store, username: str, password: str
) -> None:
    _user(auth_store, "alice", "analyst")
    outcome = _login(auth_store, username, password)
    assert outcome == LoginOutcome(None)
    with pytest.raises(AuthError) as info:
        outcome.raise_for_failure()
    assert str(info.value) == "wrong user name or password"
    assert info.value.status == 401


def test_five_failures_throttle_even_the_right_password(auth_store: Store) -> None:
    _user(auth_store, "alice", "analyst")
    for i in range(5):
        assert _login(auth_store, "alice", "wrong password!", now=T0 + dt.timedelta(seconds=i))
    outcome = _login(auth_store, "alice", now=T0 + dt.timedelta(minutes=1))
    assert outcome.principal is None and outcome.throttled
    assert outcome.retry_after == 15 * 60
    with pytest.raises(ThrottledError) as info:
        outcome.raise_for_failure()
    assert info.value.status == 429 and info.value.retry_after == 900
    # the window passes: the right password works again, and clears the failures
    later = T0 + dt.timedelta(minutes=16)
    assert _login(auth_store, "alice", now=later).principal is not None
    with auth_store.read() as conn:
        assert db.count_failures(conn, "alice", None, T0 - dt.timedelta(days=1)) == (0, 0)


def test_four_failures_do_not_throttle(auth_store: Store) -> None:
    _user(auth_store, "alice", "analyst")
    for i in range(4):
        _login(auth_store, "alice", "wrong password!", now=T0 + dt.timedelta(seconds=i))
    assert _login(auth_store, "alice", now=T0 + dt.timedelta(minutes=1)).principal is not None


def test_throttling_per_address(auth_store: Store) -> None:
    _user(auth_store, "alice", "analyst")
    for i in range(5):  # five names tried from one address
        _login(auth_store, f"guess{i}", "wrong password!", ip="203.0.113.9", now=T0)
    assert _login(auth_store, "alice", ip="203.0.113.9", now=T0).throttled
    assert _login(auth_store, "alice", ip="10.0.0.2", now=T0).principal is not None


def test_disabled_and_expired_users_cannot_log_in(auth_store: Store) -> None:
    _user(auth_store, "off", "analyst")
    until = T0 + dt.timedelta(hours=1)
    _user(auth_store, "eva", "evaluator", valid_until=until, now=T0)
    with auth_store.write() as conn:
        set_disabled(conn, "off")
    assert _login(auth_store, "off", now=utcnow()) == LoginOutcome(None)
    assert _login(auth_store, "eva", now=until - dt.timedelta(minutes=1)).principal is not None
    assert _login(auth_store, "eva", now=until) == LoginOutcome(None)
    with auth_store.write() as conn:
        set_disabled(conn, "off", False)
    assert _login(auth_store, "off", now=utcnow()).principal is not None


# --- sessions ---------------------------------------------------------------------------


def _session(store: Store, username: str, *, now: dt.datetime = T0, hours: float = 1) -> str:
    principal = _login(store, username, now=now).raise_for_failure()
    with store.write() as conn:
        return start_session(conn, principal, hours=hours, ip="10.0.0.2", now=now)


def _from_session(store: Store, token: str, now: dt.datetime) -> Principal | None:
    with store.read() as conn:
        return principal_from_session(conn, token, now=now)


def test_session_lives_until_it_expires(auth_store: Store) -> None:
    _user(auth_store, "alice", "analyst")
    token = _session(auth_store, "alice", hours=1)
    assert token.startswith("gps_")
    principal = _from_session(auth_store, token, T0 + dt.timedelta(minutes=59))
    assert principal is not None and principal.via == "session" and principal.session_id
    assert _from_session(auth_store, token, T0 + dt.timedelta(hours=1)) is None
    assert _from_session(auth_store, token + "x", T0) is None
    with auth_store.read() as conn:  # only the digest is stored
        assert db.get_session(conn, token) is None


def test_logout_ends_one_session_everywhere_ends_all(auth_store: Store) -> None:
    _user(auth_store, "alice", "analyst")
    _user(auth_store, "bob", "analyst")
    first, second, third = (_session(auth_store, "alice") for _ in range(3))
    bobs = _session(auth_store, "bob")
    now = T0 + dt.timedelta(minutes=1)
    with auth_store.write() as conn:
        principal = principal_from_session(conn, first, now=now)
        assert principal is not None
        assert end_session(conn, principal) == 1
    assert _from_session(auth_store, first, now) is None
    assert _from_session(auth_store, second, now) is not None
    with auth_store.write() as conn:
        principal = principal_from_session(conn, second, now=now)
        assert principal is not None
        assert end_session(conn, principal, everywhere=True, ip="10.0.0.3") == 2
    assert _from_session(auth_store, second, now) is None
    assert _from_session(auth_store, third, now) is None
    assert _from_session(auth_store, bobs, now) is not None  # another user's session stays


def test_disabling_or_expiry_ends_sessions(auth_store: Store) -> None:
    now = utcnow()
    _user(auth_store, "alice", "analyst")
    _user(auth_store, "eva", "evaluator", valid_until=now + dt.timedelta(hours=1), now=now)
    alices = _session(auth_store, "alice", now=now)
    evas = _session(auth_store, "eva", now=now, hours=12)
    with auth_store.write() as conn:
        set_disabled(conn, "alice")
    assert _from_session(auth_store, alices, now) is None
    with auth_store.write() as conn:
        set_disabled(conn, "alice", False)
    assert _from_session(auth_store, alices, now) is None  # enabling does not revive it
    assert _from_session(auth_store, evas, now + dt.timedelta(minutes=59)) is not None
    assert _from_session(auth_store, evas, now + dt.timedelta(hours=1)) is None


def test_reset_password_ends_sessions(auth_store: Store) -> None:
    _user(auth_store, "alice", "analyst")
    token = _session(auth_store, "alice")
    with auth_store.write() as conn:
        new = reset_password(conn, "alice", actor="root")
    assert _from_session(auth_store, token, T0) is None
    assert _login(auth_store, "alice", now=utcnow()) == LoginOutcome(None)
    assert _login(auth_store, "alice", new, now=utcnow()).principal is not None
    with pytest.raises(NotFoundError), auth_store.write() as conn:
        reset_password(conn, "nobody")


# --- API tokens -------------------------------------------------------------------------


def _token(store: Store, username: str, *, now: dt.datetime = T0, **kwargs: object) -> str:
    with store.write() as conn:
        return create_token(conn, username, "script", actor="root", now=now, **kwargs)  # type: ignore[arg-type]


def _from_token(store: Store, token: str, now: dt.datetime) -> Principal | None:
    with store.read() as conn:
        return principal_from_token(conn, token, now=now)


def test_token_works_until_it_expires(auth_store: Store) -> None:
    _user(auth_store, "alice", "analyst")
    token = _token(auth_store, "alice", days=30)
    assert token.startswith("gpt_")
    principal = _from_token(auth_store, token, T0 + dt.timedelta(days=29))
    assert principal is not None
    assert (principal.via, principal.role, principal.whole_park) == ("token", Role.ANALYST, True)
    assert _from_token(auth_store, token, T0 + dt.timedelta(days=30)) is None
    assert _from_token(auth_store, token[:-1], T0) is None
    with auth_store.read() as conn:
        (row,) = db.list_tokens(conn)
    assert "token_hash" not in row and row["prefix"] == token[:10]


def test_revoked_token_is_refused(auth_store: Store) -> None:
    _user(auth_store, "alice", "analyst")
    token = _token(auth_store, "alice", now=utcnow())
    principal = _from_token(auth_store, token, utcnow())
    assert principal is not None and principal.token_id is not None
    with auth_store.write() as conn:
        revoke_token(conn, principal.token_id, actor="root")
    assert _from_token(auth_store, token, utcnow()) is None
    with pytest.raises(NotFoundError), auth_store.write() as conn:
        revoke_token(conn, 999_999)


def test_disabled_or_expired_users_tokens_are_refused(auth_store: Store) -> None:
    now = utcnow()
    _user(auth_store, "alice", "analyst")
    until = now + dt.timedelta(hours=2)
    _user(auth_store, "eva", "evaluator", valid_until=until, now=now)
    alices = _token(auth_store, "alice", now=now)
    evas = _token(auth_store, "eva", now=now, days=90)
    with auth_store.read() as conn:
        expiry = {r["username"]: r["expires_at"] for r in db.list_tokens(conn)}
    # a token never outlives its user (SQLite keeps whole seconds)
    assert until - dt.timedelta(seconds=1) < expiry["eva"] <= until
    with auth_store.write() as conn:
        set_disabled(conn, "alice")
    assert _from_token(auth_store, alices, now) is None
    with pytest.raises(InputError, match="disabled or expired"):
        _token(auth_store, "alice", now=now)
    assert _from_token(auth_store, evas, now + dt.timedelta(hours=1)) is not None
    assert _from_token(auth_store, evas, until) is None


def test_enterprise_users_token_cannot_exceed_the_user(
    auth_store: Store, codes: dict[str, str]
) -> None:
    _user(auth_store, "ent", "enterprise", enterprises=(codes["A"],))
    with pytest.raises(InputError, match="cannot see enterprises its user cannot see"):
        _token(auth_store, "ent", enterprises=[codes["B"]])
    with pytest.raises(InputError, match="cannot see enterprises its user cannot see"):
        _token(auth_store, "ent", enterprises=[codes["A"], codes["B"]])
    with pytest.raises(InputError, match="can only have the role enterprise"):
        _token(auth_store, "ent", role_name="admin")
    default = _from_token(auth_store, _token(auth_store, "ent"), T0)
    assert default is not None and default.enterprise_ids == _ids(auth_store, codes["A"])
    assert not default.whole_park


def test_tokens_of_narrower_scope(auth_store: Store, codes: dict[str, str]) -> None:
    _user(auth_store, "root", "admin")
    _user(auth_store, "eva", "evaluator", valid_until=T0 + dt.timedelta(days=10), now=T0)
    read_only = _from_token(auth_store, _token(auth_store, "root", role_name="evaluator"), T0)
    assert read_only is not None and read_only.role is Role.EVALUATOR and read_only.whole_park
    one = _token(auth_store, "eva", enterprises=[codes["C"]])
    principal = _from_token(auth_store, one, T0)
    assert principal is not None and principal.enterprise_ids == _ids(auth_store, codes["C"])


# --- the audit log ----------------------------------------------------------------------


def test_audit_log_records_who_did_what(auth_store: Store) -> None:
    _user(auth_store, "alice", "analyst")
    now = utcnow()
    _login(auth_store, "alice", "wrong password!", now=now)
    token = _session(auth_store, "alice", now=now)
    with auth_store.write() as conn:
        principal = principal_from_session(conn, token)
        assert principal is not None
        end_session(conn, principal, ip="10.0.0.2")
        end_session(conn, principal, everywhere=True, ip="10.0.0.2")
        set_disabled(conn, "alice", actor="root", ip="10.0.0.1")
        set_disabled(conn, "alice", False, actor="root", ip="10.0.0.1")
        reset_password(conn, "alice", PASSWORD + "!", actor="root")
        api = create_token(conn, "alice", "etl", actor="root")
    principal = _from_token(auth_store, api, utcnow())
    assert principal is not None and principal.token_id is not None
    with auth_store.write() as conn:
        revoke_token(conn, principal.token_id, actor="root", ip="10.0.0.1")
    later = utcnow() + dt.timedelta(minutes=1)
    for i in range(5):
        _login(auth_store, "alice", "wrong password!", now=later + dt.timedelta(seconds=i))
    _login(auth_store, "alice", now=later + dt.timedelta(seconds=10))
    tid = principal.token_id
    with auth_store.read() as conn:
        actions = _actions(conn)
        assert actions == [
            ("user.create", "root", "alice"),
            ("login.failed", "alice", None),
            ("login", "alice", None),
            ("logout", "alice", None),
            ("logout.everywhere", "alice", None),
            ("user.disable", "root", "alice"),
            ("user.enable", "root", "alice"),
            ("user.reset_password", "root", "alice"),
            ("token.create", "root", f"token {tid} of alice"),
            ("token.revoke", "root", f"token {tid}"),
            *[("login.failed", "alice", None)] * 5,
            ("login.throttled", "alice", None),
        ]
        newest = db.list_audit(conn, limit=1)[0]
        assert newest["action"] == "login.throttled" and newest["ip"] == "10.0.0.2"
        assert _actions(conn, action="user.disable") == [("user.disable", "root", "alice")]
        assert len(_actions(conn, actor="root")) == 6
        created = db.list_audit(conn, action="user.create")[0]
        assert created["detail"] == {"role": "analyst", "enterprises": []}
        assert created["ip"] == "10.0.0.1"
