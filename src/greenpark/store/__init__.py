"""The store: schema, migrations and every SQL statement greenpark runs."""

from greenpark.store.db import Store, make_engine

__all__ = ["Store", "make_engine"]
