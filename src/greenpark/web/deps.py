"""Dependencies of the routes: the app's store and settings, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from greenpark.config import Settings
from greenpark.store import Store


def get_store(request: Request) -> Store:
    """The store the app was created with."""
    return request.app.state.store  # type: ignore[no-any-return]


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings  # type: ignore[no-any-return]


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def shown_park_code(store: Store) -> str:
    """Code of the park the app shows.

    Raises
    ------
    InputError
        No park in the store yet (400).
    """
    from greenpark.errors import InputError
    from greenpark.store.ledger import shown_park

    with store.read() as conn:
        park = shown_park(conn)
    if park is None:
        raise InputError("no park in the store yet")
    return park.code
