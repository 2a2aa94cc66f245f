"""Users, logins, sessions, API tokens and the audit log: the rules, over ``store.auth``.

Every function takes a connection inside a transaction (``Store.write()`` for changes) and
an explicit ``now`` where time matters, so tests can move the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from greenpark.auth.passwords import (
    generate_password,
    generate_token,
    hash_password,
    needs_rehash,
    token_digest,
    verify_password,
)
from greenpark.auth.roles import Principal, Role, role, scope_for, utcnow
from greenpark.errors import GreenparkError, InputError, NotFoundError
from greenpark.store import auth as db

#: Longest user name [characters] (the column's width).
MAX_USERNAME = 64
#: A real argon2id hash of a random password, verified when the user does not exist.
_DUMMY_HASH = hash_password(generate_password() + generate_password())


class AuthError(GreenparkError):
    """Not logged in, or bad credentials (HTTP 401). Says nothing about which part failed."""

    status = 401


class ForbiddenError(GreenparkError):
    """Logged in, but the role does not allow this (HTTP 403)."""

    status = 403


class ThrottledError(GreenparkError):
    """Too many failed logins (HTTP 429); ``retry_after`` in seconds."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; try again in {retry_after // 60 + 1} min")


def audit(
    conn: Connection,
    action: str,
    *,
    actor: str | None,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Append an audit event (who, when, what, from where)."""
    db.insert_audit(
        conn,
        {
            "time": now or utcnow(),
            "actor": actor,
            "action": action,
            "target": target,
            "detail": detail,
            "ip": ip,
        },
    )


def _enterprise_ids(conn: Connection, credit_codes: Iterable[str]) -> frozenset[int]:
    codes = [c.strip().upper() for c in credit_codes if c.strip()]
    found = db.enterprise_ids_by_code(conn, codes)
    missing = sorted(set(codes) - set(found))
    if missing:
        raise InputError(f"no enterprise with credit code(s) {', '.join(missing)}")
    return frozenset(found.values())


def create_user(
    conn: Connection,
    username: str,
    role_name: str,
    *,
    password: str | None = None,
    enterprises: Iterable[str] = (),
    valid_until: dt.datetime | None = None,
    display_name: str | None = None,
    actor: str | None = None,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Create a user; returns the password (the one given, or a generated one to show once).

    An enterprise user needs at least one enterprise (credit codes); an evaluator needs
    ``valid_until``; administrators and analysts take no enterprises.
    """
    now = now or utcnow()
    r = role(role_name)
    username = username.strip()
    if not username or len(username) > MAX_USERNAME or any(c.isspace() for c in username):
        raise InputError(f"user name {username!r}: 1-64 characters, no spaces")
    if db.get_user(conn, username=username) is not None:
        raise InputError(f"user {username!r} exists already")
    ids = _enterprise_ids(conn, enterprises)
    if r is Role.ENTERPRISE and not ids:
        raise InputError("an enterprise user needs at least one enterprise (credit code)")
    if r in (Role.ADMIN, Role.ANALYST, Role.OPERATOR) and ids:
        raise InputError(f"role {r.value} sees no particular enterprise; give none")
    if r is Role.EVALUATOR and valid_until is None:
        raise InputError("an evaluator account is time-limited: give valid_until")
    if valid_until is not None and valid_until.tzinfo is None:
        raise InputError("valid_until needs a time zone")
    password = password or generate_password()
    db.insert_user(
        conn,
        {
            "username": username,
            "display_name": display_name,
            "password_hash": hash_password(password),
            "role": r.value,
            "disabled": False,
            "valid_until": valid_until,
            "created_at": now,
            "password_changed_at": now,
        },
        ids,
    )
    audit(
        conn,
        "user.create",
        actor=actor,
        target=username,
        detail={"role": r.value, "enterprises": sorted(enterprises)},
        ip=ip,
        now=now,
    )
    return password


def _user(conn: Connection, username: str):  # type: ignore[no-untyped-def]
    row = db.get_user(conn, username=username)
    if row is None:
        raise NotFoundError(f"no user {username!r}")
    return row


def set_disabled(
    conn: Connection,
    username: str,
    disabled: bool = True,
    *,
    actor: str | None = None,
    ip: str | None = None,
) -> None:
    """Disable (or enable) a user; disabling also ends its sessions and revokes its tokens."""
    user = _user(conn, username)
    now = utcnow()
    db.update_user(conn, user["id"], disabled=disabled)
    if disabled:
        db.delete_sessions(conn, user_id=user["id"])
        db.revoke_user_tokens(conn, user["id"], now)
    audit(conn, "user.disable" if disabled else "user.enable", actor=actor, target=username, ip=ip)


def reset_password(
    conn: Connection,
    username: str,
    password: str | None = None,
    *,
    actor: str | None = None,
    ip: str | None = None,
) -> str:
    """Set a new password (given or generated, returned once) and end the user's sessions."""
    user = _user(conn, username)
    password = password or generate_password()
    now = utcnow()
    db.update_user(conn, user["id"], password_hash=hash_password(password), password_changed_at=now)
    db.delete_sessions(conn, user_id=user["id"])
    audit(conn, "user.reset_password", actor=actor, target=username, ip=ip, now=now)
    return password


def _principal_of_user(conn: Connection, user, **extra: Any) -> Principal:  # type: ignore[no-untyped-def]
    r = Role(user["role"])
    ids = db.user_enterprise_ids(conn, user["id"])
    return Principal(
        user_id=user["id"],
        username=user["username"],
        role=r,
        enterprise_ids=scope_for(r, ids, whole_park_flag=False),
        **extra,
    )


def _usable(user, now: dt.datetime) -> bool:  # type: ignore[no-untyped-def]
    return (
        user is not None
        and not user["disabled"]
        and (user["valid_until"] is None or user["valid_until"] > now)
    )


@dataclass(frozen=True)
class Throttle:
    """Login throttling: at most ``max_failures`` per user name or address per window."""

    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class LoginOutcome:
    """The result of a login attempt: a principal, or why not (normal outcomes, returned)."""

    principal: Principal | None
    throttled: bool = False
    retry_after: int = 0  # [s]

    def raise_for_failure(self) -> Principal:
        """The principal; :class:`ThrottledError` or :class:`AuthError` if there is none.

        Call it after the transaction of :func:`authenticate` committed, so the failure
        and its audit entry are kept.
        """
        if self.throttled:
            raise ThrottledError(self.retry_after)
        if self.principal is None:
            raise AuthError("wrong user name or password")
        return self.principal


def authenticate(
    conn: Connection,
    username: str,
    password: str,
    *,
    ip: str | None = None,
    throttle: Throttle = Throttle(),
    now: dt.datetime | None = None,
) -> LoginOutcome:
    """Check a user name and password, with throttling and audit.

    Failure is a normal outcome and is returned, not raised, so that the caller commits
    the recorded failure and audit entry; :meth:`LoginOutcome.raise_for_failure` turns it
    into an error afterwards. The user name or address that had ``max_failures`` failed
    logins within the window is throttled before its password is even checked. A wrong
    password, an unknown, disabled or expired user all give the same outcome.
    """
    now = now or utcnow()
    since = now - throttle.window
    by_user, by_ip = db.count_failures(conn, username[:MAX_USERNAME], ip, since)
    if max(by_user, by_ip) >= throttle.max_failures:
        audit(conn, "login.throttled", actor=username[:MAX_USERNAME], ip=ip, now=now)
        return LoginOutcome(None, throttled=True, retry_after=int(throttle.window.total_seconds()))
    user = db.get_user(conn, username=username) if len(username) <= MAX_USERNAME else None
    # verify even for an unknown or unusable user, so the answer takes as long either way
    ok = verify_password(user["password_hash"] if user else _DUMMY_HASH, password)
    if not (ok and _usable(user, now)):
        db.insert_failure(conn, username[:MAX_USERNAME], ip, now)
        audit(conn, "login.failed", actor=username[:MAX_USERNAME], ip=ip, now=now)
        return LoginOutcome(None)
    if needs_rehash(user["password_hash"]):
        db.update_user(conn, user["id"], password_hash=hash_password(password))
    db.clear_failures(conn, username, before=since)
    audit(conn, "login", actor=username, ip=ip, now=now)
    return LoginOutcome(_principal_of_user(conn, user))


def start_session(
    conn: Connection,
    principal: Principal,
    *,
    hours: float = 12.0,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Open a login session for an authenticated user; returns the cookie value."""
    now = now or utcnow()
    db.delete_expired_sessions(conn, now)
    token = generate_token("gps")
    db.insert_session(
        conn,
        {
            "token_hash": token_digest(token),
            "user_id": principal.user_id,
            "created_at": now,
            "expires_at": now + dt.timedelta(hours=hours),
            "ip": ip,
        },
    )
    return token


def principal_from_session(
    conn: Connection, token: str, *, now: dt.datetime | None = None
) -> Principal | None:
    """The principal of a session cookie, or None if unknown, expired, or the user is not
    usable any more."""
    now = now or utcnow()
    session = db.get_session(conn, token_digest(token))
    if session is None or session["expires_at"] <= now:
        return None
    user = db.get_user(conn, user_id=session["user_id"])
    if not _usable(user, now):
        return None
    return _principal_of_user(conn, user, via="session", session_id=session["id"])


def end_session(
    conn: Connection, principal: Principal, *, everywhere: bool = False, ip: str | None = None
) -> int:
    """Log out this session, or every session of the user; returns sessions ended."""
    if everywhere:
        n = db.delete_sessions(conn, user_id=principal.user_id)
    elif principal.session_id is None:
        raise InputError("this request has no session to end (an API token: revoke it instead)")
    else:
        n = db.delete_sessions(conn, session_id=principal.session_id)
    audit(conn, "logout.everywhere" if everywhere else "logout", actor=principal.username, ip=ip)
    return n


def create_token(
    conn: Connection,
    username: str,
    name: str,
    *,
    days: float = 90.0,
    role_name: str | None = None,
    enterprises: Iterable[str] | None = None,
    actor: str | None = None,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Create an API token for a user; returns the token, to be shown once.

    The token acts with ``role_name`` (default: the user's role) and the given enterprises
    (default: the user's); it may not exceed the user: an enterprise user's token is
    limited to that user's enterprises, and only an administrator's token may be an
    administrator's.
    """
    now = now or utcnow()
    user = _user(conn, username)
    if not _usable(user, now):
        raise InputError(f"user {username!r} is disabled or expired")
    if not 0 < days <= 3660:
        raise InputError("a token's lifetime must be between 0 and 3660 days")
    user_role = Role(user["role"])
    token_role = role(role_name) if role_name else user_role
    if token_role is not user_role and user_role is not Role.ADMIN:
        raise InputError(f"a {user_role.value}'s token can only have the role {user_role.value}")
    user_ids = db.user_enterprise_ids(conn, user["id"])
    ids = _enterprise_ids(conn, enterprises) if enterprises is not None else user_ids
    user_scope = scope_for(user_role, user_ids, whole_park_flag=False)
    if user_scope is not None and not ids <= user_scope:
        raise InputError("a token cannot see enterprises its user cannot see")
    if token_role is Role.ENTERPRISE and not ids:
        raise InputError("an enterprise token needs at least one enterprise")
    expires = now + dt.timedelta(days=days)
    if user["valid_until"] is not None:
        expires = min(expires, user["valid_until"])
    token = generate_token("gpt")
    token_id = db.insert_token(
        conn,
        {
            "user_id": user["id"],
            "name": name,
            "prefix": token[:10],
            "token_hash": token_digest(token),
            "role": token_role.value,
            "whole_park": enterprises is None and user_scope is None,
            "created_at": now,
            "expires_at": expires,
        },
        ids,
    )
    audit(
        conn,
        "token.create",
        actor=actor,
        target=f"token {token_id} of {username}",
        detail={"name": name, "role": token_role.value, "expires_at": expires.isoformat()},
        ip=ip,
        now=now,
    )
    return token


def principal_from_token(
    conn: Connection, token: str, *, now: dt.datetime | None = None
) -> Principal | None:
    """The principal of an API token, or None if unknown, expired, revoked or its user is
    not usable."""
    now = now or utcnow()
    row = db.get_token(conn, token_hash=token_digest(token))
    if row is None or row["revoked_at"] is not None or row["expires_at"] <= now:
        return None
    user = db.get_user(conn, user_id=row["user_id"])
    if not _usable(user, now):
        return None
    r = Role(row["role"])
    ids = db.token_enterprise_ids(conn, row["id"])
    return Principal(
        user_id=user["id"],
        username=user["username"],
        role=r,
        enterprise_ids=scope_for(r, ids, whole_park_flag=row["whole_park"]),
        via="token",
        token_id=row["id"],
    )


def revoke_token(
    conn: Connection, token_id: int, *, actor: str | None = None, ip: str | None = None
) -> None:
    """Revoke an API token now."""
    row = db.get_token(conn, token_id=token_id)
    if row is None:
        raise NotFoundError(f"no token {token_id}")
    if row["revoked_at"] is None:
        db.update_token(conn, token_id, revoked_at=utcnow())
    audit(conn, "token.revoke", actor=actor, target=f"token {token_id}", ip=ip)
