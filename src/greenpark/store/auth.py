"""Users, API tokens, login sessions, failed logins and the audit log in the store.

Plain data access; the rules (hashing, expiry, throttling, scopes) are ``greenpark.auth``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from greenpark.store.schema import (
    ApiToken,
    AuditEvent,
    Enterprise,
    LoginFailure,
    LoginSession,
    TokenEnterprise,
    User,
    UserEnterprise,
)


def enterprise_ids_by_code(conn: Connection, credit_codes: Iterable[str]) -> dict[str, int]:
    """Credit code -> enterprise id, for the codes that exist."""
    codes = list(credit_codes)
    if not codes:
        return {}
    rows = conn.execute(
        select(Enterprise.credit_code, Enterprise.id).where(Enterprise.credit_code.in_(codes))
    )
    return {code: id_ for code, id_ in rows}


def insert_user(conn: Connection, values: dict[str, Any], enterprise_ids: Iterable[int]) -> int:
    """Insert a user and its enterprises; returns the new id."""
    user_id = conn.execute(insert(User).values(**values).returning(User.id)).scalar_one()
    set_user_enterprises(conn, user_id, enterprise_ids)
    return int(user_id)


def set_user_enterprises(conn: Connection, user_id: int, enterprise_ids: Iterable[int]) -> None:
    """Replace the enterprises a user may see."""
    conn.execute(delete(UserEnterprise).where(UserEnterprise.user_id == user_id))
    rows = [{"user_id": user_id, "enterprise_id": e} for e in sorted(set(enterprise_ids))]
    if rows:
        conn.execute(insert(UserEnterprise), rows)


def get_user(conn: Connection, *, username: str | None = None, user_id: int | None = None):  # type: ignore[no-untyped-def]
    """The user row (a mapping) by name or id, or None."""
    q = select(User.__table__)
    q = q.where(User.username == username) if username is not None else q.where(User.id == user_id)
    return conn.execute(q).mappings().first()


def user_enterprise_ids(conn: Connection, user_id: int) -> frozenset[int]:
    """Ids of the enterprises assigned to a user."""
    rows = conn.execute(
        select(UserEnterprise.enterprise_id).where(UserEnterprise.user_id == user_id)
    )
    return frozenset(rows.scalars().all())


def list_users(conn: Connection) -> list[dict[str, Any]]:
    """Every user with the credit codes of its enterprises, by user name."""
    users = [
        dict(r) for r in conn.execute(select(User.__table__).order_by(User.username)).mappings()
    ]
    links = conn.execute(
        select(UserEnterprise.user_id, Enterprise.credit_code).join(
            Enterprise, Enterprise.id == UserEnterprise.enterprise_id
        )
    ).all()
    for u in users:
        u["enterprises"] = sorted(code for uid, code in links if uid == u["id"])
        u.pop("password_hash", None)
    return users


def update_user(conn: Connection, user_id: int, **values: Any) -> None:
    """Change columns of a user."""
    conn.execute(update(User).where(User.id == user_id).values(**values))


def insert_session(conn: Connection, values: dict[str, Any]) -> int:
    """Insert a login session; returns its id."""
    return int(
        conn.execute(insert(LoginSession).values(**values).returning(LoginSession.id)).scalar_one()
    )


def get_session(conn: Connection, token_hash: str):  # type: ignore[no-untyped-def]
    """The session row with that token hash, or None."""
    q = select(LoginSession.__table__).where(LoginSession.token_hash == token_hash)
    return conn.execute(q).mappings().first()


def delete_sessions(
    conn: Connection, *, user_id: int | None = None, session_id: int | None = None
) -> int:
    """Delete one session or all of a user's; returns how many."""
    q = delete(LoginSession)
    q = (
        q.where(LoginSession.id == session_id)
        if session_id is not None
        else q.where(LoginSession.user_id == user_id)
    )
    return int(conn.execute(q).rowcount)


def delete_expired_sessions(conn: Connection, now: dt.datetime) -> int:
    """Remove sessions past their expiry; returns how many."""
    return int(conn.execute(delete(LoginSession).where(LoginSession.expires_at <= now)).rowcount)


def insert_token(conn: Connection, values: dict[str, Any], enterprise_ids: Iterable[int]) -> int:
    """Insert an API token and its enterprises; returns its id."""
    token_id = int(
        conn.execute(insert(ApiToken).values(**values).returning(ApiToken.id)).scalar_one()
    )
    rows = [{"token_id": token_id, "enterprise_id": e} for e in sorted(set(enterprise_ids))]
    if rows:
        conn.execute(insert(TokenEnterprise), rows)
    return token_id


def get_token(conn: Connection, *, token_hash: str | None = None, token_id: int | None = None):  # type: ignore[no-untyped-def]
    """The token row by hash or id, or None."""
    q = select(ApiToken.__table__)
    q = (
        q.where(ApiToken.token_hash == token_hash)
        if token_hash
        else q.where(ApiToken.id == token_id)
    )
    return conn.execute(q).mappings().first()


def token_enterprise_ids(conn: Connection, token_id: int) -> frozenset[int]:
    """Ids of the enterprises a token is limited to."""
    rows = conn.execute(
        select(TokenEnterprise.enterprise_id).where(TokenEnterprise.token_id == token_id)
    )
    return frozenset(rows.scalars().all())


def list_tokens(conn: Connection, user_id: int | None = None) -> list[dict[str, Any]]:
    """Tokens (never their hashes), newest first, optionally of one user."""
    t = ApiToken.__table__
    q = select(*(c for c in t.c if c.name != "token_hash"), User.username).join(
        User, User.id == ApiToken.user_id
    )
    if user_id is not None:
        q = q.where(ApiToken.user_id == user_id)
    return [dict(r) for r in conn.execute(q.order_by(ApiToken.id.desc())).mappings()]


def update_token(conn: Connection, token_id: int, **values: Any) -> int:
    """Change columns of a token; returns rows changed."""
    return int(
        conn.execute(update(ApiToken).where(ApiToken.id == token_id).values(**values)).rowcount
    )


def revoke_user_tokens(conn: Connection, user_id: int, now: dt.datetime) -> int:
    """Revoke every live token of a user; returns how many."""
    q = (
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(conn.execute(q).rowcount)


def insert_failure(conn: Connection, username: str, ip: str | None, now: dt.datetime) -> None:
    """Record a failed login."""
    conn.execute(insert(LoginFailure).values(username=username, ip=ip, time=now))


def count_failures(
    conn: Connection, username: str, ip: str | None, since: dt.datetime
) -> tuple[int, int]:
    """Failed logins since ``since``: (for this user name, from this address)."""
    by_user = conn.execute(
        select(func.count()).where(LoginFailure.username == username, LoginFailure.time >= since)
    ).scalar_one()
    by_ip = 0
    if ip:
        by_ip = conn.execute(
            select(func.count()).where(LoginFailure.ip == ip, LoginFailure.time >= since)
        ).scalar_one()
    return int(by_user), int(by_ip)


def clear_failures(conn: Connection, username: str, before: dt.datetime | None = None) -> None:
    """Forget a user name's failed logins (after a success), or every failure before a time."""
    q = delete(LoginFailure)
    q = (
        q.where(or_(LoginFailure.username == username, LoginFailure.time < before))
        if before
        else q.where(LoginFailure.username == username)
    )
    conn.execute(q)


def insert_audit(conn: Connection, values: dict[str, Any]) -> None:
    """Append an audit event."""
    conn.execute(insert(AuditEvent).values(**values))


def list_audit(
    conn: Connection,
    *,
    limit: int = 100,
    action: str | None = None,
    actor: str | None = None,
) -> list[dict[str, Any]]:
    """Audit events, newest first, optionally of one action or actor."""
    q = select(AuditEvent.__table__).order_by(AuditEvent.time.desc(), AuditEvent.id.desc())
    if action:
        q = q.where(AuditEvent.action == action)
    if actor:
        q = q.where(AuditEvent.actor == actor)
    return [dict(r) for r in conn.execute(q.limit(limit)).mappings()]
