"""The web app: server-rendered pages, each with a JSON twin under ``/api``.

Build it with :func:`create_app` (there is no module-level app); ``greenpark serve`` runs it
with uvicorn. See ``docs/web.md`` for the pages and how to add one.
"""

from greenpark.web.app import create_app

__all__ = ["create_app"]
