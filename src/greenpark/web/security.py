"""Who is calling, and may they: the one place routes get their principal from.

Every route declares what it needs with :func:`route`, which wraps
``app.add_api_route`` and adds the dependency :func:`require` (``permission``); the
authorisation-matrix test (``tests/web/test_authorisation_matrix.py``) enumerates
``app.routes`` and fails for a route without one.

A caller is identified by an ``Authorization: Bearer <token>`` header (API tokens) or by
the session cookie :data:`SESSION_COOKIE` (browsers). A bad bearer token is refused
(401); an unknown or expired cookie counts as not logged in.

Cross-site request forgery is stopped by a signed double-submit token: every page
request without the cookie :data:`CSRF_COOKIE` gets one holding a random nonce
(:class:`CsrfCookieMiddleware`); forms carry ``HMAC-SHA256(secret key, nonce)`` in the
hidden field :data:`CSRF_FIELD` (``{{ csrf_field() }}`` in a template), scripts in the
header :data:`CSRF_HEADER`. :func:`require` checks it on every unsafe request (POST, PUT,
PATCH, DELETE) that is not authenticated by a bearer token, before the route runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Annotated, Any, Final

from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from greenpark.auth import (
    ROLE_PERMISSIONS,
    AuthError,
    ForbiddenError,
    Permission,
    Principal,
    principal_from_session,
    principal_from_token,
)
from greenpark.auth.roles import utcnow
from greenpark.store import Store
from greenpark.store import auth as auth_db
from greenpark.web.deps import StoreDep

#: Name of the session cookie (HttpOnly, SameSite=Lax, Secure under HTTPS).
SESSION_COOKIE: Final = "gp_session"

#: Name of the CSRF nonce cookie (HttpOnly, SameSite=Strict, Secure under HTTPS).
CSRF_COOKIE: Final = "gp_csrf"
#: Form field that carries the CSRF token.
CSRF_FIELD: Final = "csrf"
#: Header that carries the CSRF token (for scripts using a session cookie).
CSRF_HEADER: Final = "X-CSRF-Token"
#: Methods that change state and therefore need the CSRF token.
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Path prefixes that never get a CSRF cookie (JSON and static files are not forms).
NO_CSRF_COOKIE_PREFIXES: Final = ("/api/", "/static/")

#: Attribute a permission dependency carries, read by the route table test.
PERMISSION_ATTR: Final = "greenpark_permission"

#: A token's ``last_used_at`` is written at most this often (one write per token per
#: minute, not per request).
TOKEN_USE_RESOLUTION: Final = dt.timedelta(minutes=1)

_FORM_TYPES: Final = ("application/x-www-form-urlencoded", "multipart/form-data")


def client_ip(request: Request) -> str | None:
    """The client's address as the server sees it."""
    return request.client.host if request.client else None


def cookie_secure(request: Request) -> bool:
    """Whether cookies get ``Secure``: the app is served over HTTPS (``settings.https``,
    e.g. behind a proxy) or this request came in over HTTPS."""
    return bool(request.app.state.settings.https) or request.url.scheme == "https"


def _mark_token_used(store: Store, token_id: int, now: dt.datetime) -> None:
    with store.read() as conn:
        row = auth_db.get_token(conn, token_id=token_id)
    if row is None:
        return
    last = row["last_used_at"]
    if last is None or now - last >= TOKEN_USE_RESOLUTION:
        with store.write() as conn:
            auth_db.update_token(conn, token_id, last_used_at=now)


#: Declares the bearer scheme in the OpenAPI document ("Authorize" in ``/docs``); the
#: header itself is read by :func:`principal_or_none`, which also refuses other schemes.
BEARER_SCHEME: Final = HTTPBearer(
    auto_error=False,
    scheme_name="API token",
    description="An API token (greenpark token create), sent as 'Authorization: Bearer <token>'.",
)


def principal_or_none(
    request: Request,
    store: StoreDep,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER_SCHEME)] = None,
) -> Principal | None:
    """The principal of the request, or None when nobody is logged in.

    A valid API token's ``last_used_at`` is brought up to date (to the minute).

    Raises
    ------
    AuthError
        When an ``Authorization`` header is present but its token is not valid.
    """
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("Authorization header must be 'Bearer <token>'")
        now = utcnow()
        with store.read() as conn:
            principal = principal_from_token(conn, token.strip(), now=now)
        if principal is None:
            raise AuthError("invalid, expired or revoked API token")
        if principal.token_id is not None:
            _mark_token_used(store, principal.token_id, now)
        return principal
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with store.read() as conn:
            return principal_from_session(conn, cookie)
    return None


def current_principal(request: Request) -> Principal | None:
    """The principal of a request for display (nav bar, error pages), never raising.

    Routes set it through :func:`require`; for requests that reached no route (an
    unknown path) it is looked up here, and a bad token counts as nobody.
    """
    try:
        return request.state.principal  # type: ignore[no-any-return]
    except AttributeError:
        pass
    try:
        principal = principal_or_none(request, request.app.state.store)
    except AuthError:
        principal = None
    request.state.principal = principal
    return principal


# --- CSRF -------------------------------------------------------------------------------


def csrf_token_for(secret_key: str, nonce: str) -> str:
    """The CSRF token of ``nonce``: ``HMAC-SHA256(secret_key, nonce)`` in hex."""
    return hmac.new(secret_key.encode("utf-8"), nonce.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_nonce(request: Request) -> str | None:
    """The request's CSRF nonce: the cookie's, or the one :class:`CsrfCookieMiddleware`
    is setting on this response."""
    return request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf_nonce", None)


def csrf_token(request: Request) -> str:
    """The CSRF token a form of this page must send back (empty if there is no nonce)."""
    nonce = csrf_nonce(request)
    return csrf_token_for(request.app.state.secret_key, nonce) if nonce else ""


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe request that is not authenticated by a bearer token unless it
    carries the CSRF token of its nonce cookie (form field or header).

    Raises
    ------
    ForbiddenError
        "CSRF check failed" (403), before the route does anything.
    """
    if request.method not in UNSAFE_METHODS or request.headers.get("authorization"):
        return
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if not sent and content_type.startswith(_FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    nonce = request.cookies.get(CSRF_COOKIE)
    if not nonce or not sent:
        raise ForbiddenError("CSRF check failed: reload the page and try again")
    expected = csrf_token_for(request.app.state.secret_key, nonce)
    if not hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8")):
        raise ForbiddenError("CSRF check failed: reload the page and try again")


class CsrfCookieMiddleware:
    """Give every page request without a CSRF nonce cookie a new one.

    The nonce is put in the request state (``request.state.csrf_nonce``) so the page
    rendered by this very request carries a matching token. JSON (``/api/``) and static
    files get none.

    Parameters
    ----------
    app
        The ASGI app to wrap.
    https
        Always mark the cookie ``Secure`` (served over HTTPS behind a proxy); it is also
        marked when the request itself is HTTPS.
    """

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(NO_CSRF_COOKIE_PREFIXES):
            await self.app(scope, receive, send)
            return
        raw = "; ".join(
            value.decode("latin-1") for name, value in scope["headers"] if name == b"cookie"
        )
        if cookie_parser(raw).get(CSRF_COOKIE):
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_nonce"] = nonce
        cookie: SimpleCookie = SimpleCookie()
        cookie[CSRF_COOKIE] = nonce
        morsel = cookie[CSRF_COOKIE]
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "Strict"
        if self.https or scope.get("scheme") == "https":
            morsel["secure"] = True
        header = morsel.OutputString()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", header)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


# --- permissions ------------------------------------------------------------------------

_REQUIREMENTS: dict[Permission, Callable[..., Principal | None]] = {}


def require(permission: Permission) -> Callable[..., Principal | None]:
    """A dependency that admits callers holding ``permission`` and returns their principal.

    ``Permission.PUBLIC`` admits everybody (the principal may be None). Otherwise a caller
    who is not logged in gets :class:`AuthError` (401; pages redirect to the login page)
    and one whose role lacks the permission :class:`ForbiddenError` (403). Unsafe requests
    not authenticated by a bearer token must pass :func:`check_csrf` first (403).

    The same callable is returned for the same permission, so a route that names it twice
    (in :func:`route` and as a parameter, e.g. :data:`Reader`) runs it once.
    """
    if permission in _REQUIREMENTS:
        return _REQUIREMENTS[permission]

    def dependency(
        request: Request,
        _csrf: Annotated[None, Depends(check_csrf)],
        principal: Annotated[Principal | None, Depends(principal_or_none)],
    ) -> Principal | None:
        request.state.principal = principal
        if permission is Permission.PUBLIC:
            return principal
        if principal is None:
            raise AuthError("log in first")
        if not principal.can(permission):
            raise ForbiddenError(f"your role ({principal.role.value}) may not do this")
        return principal

    dependency.__name__ = f"require_{permission.value}"
    setattr(dependency, PERMISSION_ATTR, permission)
    _REQUIREMENTS[permission] = dependency
    return dependency


#: The principal of a route that needs ``READ`` (never None).
Reader = Annotated[Principal, Depends(require(Permission.READ))]
#: The principal of a route that anyone may call (None when nobody is logged in).
Anyone = Annotated[Principal | None, Depends(require(Permission.PUBLIC))]
#: The principal of a route that needs ``UPLOAD`` (data of the enterprises in scope).
Uploader = Annotated[Principal, Depends(require(Permission.UPLOAD))]
#: The principal of a route that needs ``EDIT`` (park data: factors, budgets, entries).
Editor = Annotated[Principal, Depends(require(Permission.EDIT))]


def route(
    app: FastAPI,
    path: str,
    endpoint: Callable[..., Any],
    permission: Permission,
    *,
    methods: tuple[str, ...] = ("GET",),
    **kwargs: Any,
) -> None:
    """Add a route that needs ``permission`` (checked before the endpoint runs).

    The endpoint gets the principal through ``request.state.principal`` or by declaring its
    own ``Annotated[Principal, Depends(require(...))]`` parameter with the same permission.
    Unsafe methods are CSRF-checked by the same dependency.
    """
    deps = list(kwargs.pop("dependencies", []))
    deps.insert(0, Depends(require(permission)))
    app.add_api_route(path, endpoint, methods=list(methods), dependencies=deps, **kwargs)


def route_permission(api_route: Any) -> Permission | None:
    """The permission a route declared through :func:`require`, or None if it has none.

    The route's own dependencies come first, so :func:`route`'s permission wins over one
    an endpoint parameter names.
    """
    dependant = getattr(api_route, "dependant", None)
    for dep in dependant.dependencies if dependant is not None else []:
        found = getattr(dep.call, PERMISSION_ATTR, None)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return None


def permissions_table() -> str:
    """Markdown table of :data:`~greenpark.auth.ROLE_PERMISSIONS`: roles × permissions.

    ``docs/security.md`` holds it; ``tests/web/test_security_docs.py`` checks it is current.
    """
    roles = list(ROLE_PERMISSIONS)
    lines = [
        "| permission | " + " | ".join(f"`{r.value}`" for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for permission in Permission:
        marks = [
            "✓" if permission is Permission.PUBLIC or permission in ROLE_PERMISSIONS[r] else ""
            for r in roles
        ]
        lines.append(f"| `{permission.value}` | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"
