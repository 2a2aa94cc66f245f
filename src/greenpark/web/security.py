"""Who is calling, and may they: the one place routes get their principal from.

Every route declares what it needs with :func:`route`, which wraps
``app.add_api_route`` and adds the dependency :func:`require` (``permission``); the
authorisation-matrix test enumerates ``app.routes`` and fails for a route without one.

A caller is identified by an ``Authorization: Bearer <token>`` header (API tokens) or by
the session cookie :data:`SESSION_COOKIE` (browsers). A bad bearer token is refused
(401); an unknown or expired cookie counts as not logged in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request

from greenpark.auth import (
    AuthError,
    ForbiddenError,
    Permission,
    Principal,
    principal_from_session,
    principal_from_token,
)
from greenpark.web.deps import StoreDep

#: Name of the session cookie (HttpOnly, SameSite=Lax, Secure under HTTPS).
SESSION_COOKIE = "gp_session"

#: Attribute a permission dependency carries, read by the route table test.
PERMISSION_ATTR = "greenpark_permission"


def client_ip(request: Request) -> str | None:
    """The client's address as the server sees it."""
    return request.client.host if request.client else None


def principal_or_none(request: Request, store: StoreDep) -> Principal | None:
    """The principal of the request, or None when nobody is logged in.

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
        with store.read() as conn:
            principal = principal_from_token(conn, token.strip())
        if principal is None:
            raise AuthError("invalid, expired or revoked API token")
        return principal
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with store.read() as conn:
            return principal_from_session(conn, cookie)
    return None


def require(permission: Permission) -> Callable[..., Principal | None]:
    """A dependency that admits callers holding ``permission`` and returns their principal.

    ``Permission.PUBLIC`` admits everybody (the principal may be None). Otherwise a caller
    who is not logged in gets :class:`AuthError` (401; pages redirect to the login page)
    and one whose role lacks the permission :class:`ForbiddenError` (403).
    """

    def dependency(request: Request, store: StoreDep) -> Principal | None:
        principal = principal_or_none(request, store)
        request.state.principal = principal
        if permission is Permission.PUBLIC:
            return principal
        if principal is None:
            raise AuthError("log in first")
        if not principal.can(permission):
            raise ForbiddenError(f"your role ({principal.role.value}) may not do this")
        return principal

    setattr(dependency, PERMISSION_ATTR, permission)
    return dependency


#: The principal of a route that needs ``READ`` (never None).
Reader = Annotated[Principal, Depends(require(Permission.READ))]


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
    """
    deps = list(kwargs.pop("dependencies", []))
    deps.append(Depends(require(permission)))
    app.add_api_route(path, endpoint, methods=list(methods), dependencies=deps, **kwargs)


def route_permission(api_route: Any) -> Permission | None:
    """The permission a route declared through :func:`require`, or None if it has none."""
    dependant = getattr(api_route, "dependant", None)
    for dep in dependant.dependencies if dependant is not None else []:
        found = getattr(dep.call, PERMISSION_ATTR, None)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return None
