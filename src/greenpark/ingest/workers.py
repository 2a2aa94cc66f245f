"""Several HJ 212 server processes on one port (``greenpark hj212 serve --workers N``).

One Python process runs one event loop on one core. The parent opens the listening socket,
then forks ``N`` workers that accept from it, each with its own store connection and
group-commit writer (SQLite serialises their commits with its file lock and busy timeout;
PostgreSQL takes them in parallel). Acknowledgement after commit holds per worker, since a
connection lives in one worker. A worker exits when the parent is gone, and Ctrl-C or
SIGINT/SIGTERM to the parent stops every worker gracefully.

Counters are per worker: ``/api/ingest/stats`` shows the server running inside the web app
(one process); a multi-worker server reports through its logs and the quarantine table.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import socket
from collections.abc import Callable

from greenpark.ingest.server import IngestConfig, IngestServer, run_loop
from greenpark.store.db import Store


def listen(config: IngestConfig) -> socket.socket:
    """The listening socket for ``config.host:config.port`` (port 0: any free port)."""
    return socket.create_server((config.host, config.port), backlog=1024)


def serve(
    database_url: str,
    config: IngestConfig,
    workers: int = 1,
    announce: Callable[[int], None] | None = None,
) -> None:
    """Serve HJ 212 with ``workers`` processes until interrupted.

    Parameters
    ----------
    database_url : str
        The store (already migrated).
    workers : int
        Processes; 1 serves in this process.
    announce : callable, optional
        Called with the port once the socket listens.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    sock = listen(config)
    if announce is not None:
        announce(sock.getsockname()[1])
    if workers == 1:
        _run(database_url, config, sock)
        return
    ctx = multiprocessing.get_context("fork")
    procs = [
        ctx.Process(target=_worker, args=(database_url, config, sock, os.getpid()))
        for _ in range(workers)
    ]
    for p in procs:
        p.start()
    sock.close()

    def stop(*_args: object) -> None:
        for p in procs:
            if p.is_alive() and p.pid is not None:
                os.kill(p.pid, signal.SIGINT)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        for p in procs:
            p.join()
    except KeyboardInterrupt:
        stop()
        for p in procs:
            p.join(30)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(database_url: str, config: IngestConfig, sock: socket.socket) -> None:
    store = Store(database_url)
    try:
        run_loop(IngestServer(store, config).serve_forever(sock))
    except KeyboardInterrupt:
        pass
    finally:
        store.dispose()


def _worker(database_url: str, config: IngestConfig, sock: socket.socket, parent: int) -> None:
    """One worker process: serve on the shared socket; leave when the parent has gone."""

    async def main() -> None:
        store = Store(database_url)
        server = IngestServer(store, config)
        serving = asyncio.ensure_future(server.serve_forever(sock))
        try:
            while not serving.done() and os.getppid() == parent:
                await asyncio.sleep(1.0)
        finally:
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)
            store.dispose()

    try:
        run_loop(main())
    except KeyboardInterrupt:
        pass
