"""The HJ 212 TCP server: asyncio sockets around the sans-I/O :class:`Connection`.

Guarantee: a 9014 acknowledgement leaves only after the packet's rows are committed. Rows
of all connections are written together (group commit: one transaction per batch, in a
worker thread, so the event loop keeps reading); each packet's answer waits for the commit
that holds its rows. A resent packet (``RF=1``, or the same QN) rewrites the same keys
(station, parameter, time), so it never doubles a row; it is counted as a duplicate and
answered again.

Limits: frame size (``max_segment``), idle timeout, a per-connection error budget (a flood
of garbage closes that connection only), a cap on connections, and backpressure: while
the store is behind, the commit queue is full and connections stop reading, so TCP slows
the stations down instead of memory growing.

Every refused frame is kept in ``ingest_quarantine`` (raw bytes, reason, peer, time).
Logs are one line per event, ``key=value`` pairs, on the ``greenpark.ingest`` logger;
passwords and keys are never logged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
import socket
import string
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from greenpark.errors import InputError
from greenpark.hj212 import CommandKind, Packet, PacketError, build, encode_frame, reply_for
from greenpark.hj212.connection import Closed, Connection, PacketReceived, Refused
from greenpark.hj212.link import Link, Sm4Wire
from greenpark.hj212.packet import CpItem
from greenpark.hj212.replies import COMMANDS, reply_9013
from greenpark.ingest.rows import DATA_CNS, KIND_BY_ST, Row, measurement_rows
from greenpark.ingest.stats import IngestStats
from greenpark.store import ingest as store_ingest
from greenpark.store.db import Store

log = logging.getLogger("greenpark.ingest")

UTC = dt.UTC

#: Alphabet of the keys pushed over CN=1014 ("NewSK", 16 characters; HJ 212-2025 §6.4.3
#: forbids fixed or patterned keys, so they come from ``secrets``).
KEY_ALPHABET = string.ascii_letters + string.digits


@dataclass
class IngestConfig:
    """Limits and policies of the server (from ``Settings.ingest_*``)."""

    host: str = "127.0.0.1"
    port: int = 9212
    auto_register: bool = False
    idle_timeout: float = 600.0  # [s]
    max_segment: int = 9999  # [bytes]
    error_budget: int = 50
    max_connections: int = 5000
    batch_rows: int = 20_000
    queue_batches: int = 64
    key_overlap: dt.timedelta = dt.timedelta(days=7)
    reload_every: float = 30.0  # [s]


@dataclass
class _Pending:
    rows: list[Row]
    quarantine: list[dict[str, Any]]
    future: asyncio.Future[None] | None


class IngestServer:
    """HJ 212 server writing into ``store``; see the module docstring.

    Parameters
    ----------
    store : Store
        The store (migrated).
    config : IngestConfig
        Address, limits and policies.
    on_ready : callable, optional
        Called with the server once it listens (e.g. to start a simulator).
    """

    def __init__(
        self,
        store: Store,
        config: IngestConfig | None = None,
        on_ready: Callable[[IngestServer], None] | None = None,
    ) -> None:
        self.store = store
        self._on_ready = on_ready
        self.config = config or IngestConfig()
        self.stats = IngestStats()
        self._stations: dict[str, store_ingest.StationEntry] = {}
        self._links: dict[str, Link | None] = {}
        self._bad_config: dict[str, str] = {}
        self._length_framing = False
        self._loaded_at = 0.0
        self._reload_lock = asyncio.Lock()
        self._recent_qn: dict[int, OrderedDict[str, None]] = {}
        self._queue: asyncio.Queue[_Pending] | None = None
        self._server: asyncio.Server | None = None
        self._committer: asyncio.Task[None] | None = None
        self._handlers: set[asyncio.Task[Any]] = set()
        self._connections: set[Connection] = set()
        self.port: int | None = None

    # --- life cycle ---------------------------------------------------------------------

    async def start(self, sock: socket.socket | None = None) -> None:
        """Load the stations, start the committer and listen (on ``sock`` when given: a
        listening socket shared by worker processes)."""
        await asyncio.to_thread(self._load_stations)
        self._queue = asyncio.Queue(maxsize=self.config.queue_batches * 64)
        self._committer = asyncio.create_task(self._commit_loop(), name="ingest-commit")
        try:
            if sock is not None:
                self._server = await asyncio.start_server(self._handle, sock=sock, limit=2**16)
            else:
                self._server = await asyncio.start_server(
                    self._handle, self.config.host, self.config.port, limit=2**16, backlog=1024
                )
        except OSError as exc:
            self._committer.cancel()
            where = f"{self.config.host}:{self.config.port}"
            raise InputError(
                f"HJ 212 server cannot listen on {where} ({exc.strerror}); choose another "
                "port with --ingest-port or GREENPARK_INGEST_PORT (0: none)"
            ) from exc
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("event=listening host=%s port=%s", self.config.host, self.port)
        if self._on_ready is not None:
            self._on_ready(self)

    async def close(self) -> None:
        """Stop listening, close connections, commit what is queued."""
        if self._server is not None:
            self._server.close()
        for task in list(self._handlers):
            task.cancel()
        if self._handlers:
            await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._queue is not None and self._committer is not None:
            await self._queue.join()
            self._committer.cancel()
            await asyncio.gather(self._committer, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        log.info("event=stopped")

    async def serve_forever(self, sock: socket.socket | None = None) -> None:
        """Start and serve until cancelled."""
        await self.start(sock)
        try:
            await asyncio.Event().wait()
        finally:
            await self.close()

    # --- stations -----------------------------------------------------------------------

    def _load_stations(self) -> None:
        now = dt.datetime.now(UTC)
        with self.store.read() as conn:
            stations = store_ingest.stations_by_mn(conn, now)
        links: dict[str, Link | None] = {}
        bad: dict[str, str] = {}
        for mn, entry in stations.items():
            try:
                links[mn] = Link.from_options(entry.options, entry.keys)
            except ValueError as exc:
                links[mn] = None
                bad[mn] = str(exc)
                log.error(
                    "event=bad_station_options mn=%s station=%s error=%s", mn, entry.code, exc
                )
        self._stations, self._links, self._bad_config = stations, links, bad
        self._length_framing = any(x is not None and x.sm4 is Sm4Wire.RAW for x in links.values())
        self._loaded_at = time.monotonic()

    def link(self, mn: str) -> Link | None:
        """The decoder's view of station ``mn`` (None: unknown or misconfigured)."""
        return self._links.get(mn)

    async def reload(self) -> None:
        """Read the stations and keys again (after registry changes)."""
        asked = time.monotonic()
        async with self._reload_lock:
            if self._loaded_at < asked:  # nobody reloaded while we waited
                await asyncio.to_thread(self._load_stations)
                for conn in self._connections:  # a raw-SM4 station may have been added
                    conn.length_framing = self._length_framing

    async def _maybe_reload(self) -> None:
        if time.monotonic() - self._loaded_at > min(self.config.reload_every, 5.0):
            await self.reload()

    # --- connections --------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        peername = writer.get_extra_info("peername")
        peer = f"{peername[0]}:{peername[1]}" if peername else "?"
        stats = self.stats
        if stats.connections_open >= self.config.max_connections:
            stats.closed["too_many_connections"] += 1
            writer.close()
            if task is not None:
                self._handlers.discard(task)
            return
        stats.connections_open += 1
        stats.connections_total += 1
        conn = Connection(
            self.link,
            max_segment=self.config.max_segment,
            error_budget=self.config.error_budget,
            length_framing=self._length_framing,
        )
        why = "peer_closed"
        self._connections.add(conn)
        try:
            while True:
                if time.monotonic() - self._loaded_at > self.config.reload_every:
                    await self.reload()
                try:
                    data = await asyncio.wait_for(reader.read(65536), self.config.idle_timeout)
                except TimeoutError:
                    why = "idle_timeout"
                    break
                if not data:
                    break
                stats.bytes_in += len(data)
                received = time.perf_counter()
                closed = await self._process(conn, conn.receive_data(data), peer, writer, received)
                if closed is not None:
                    why = closed
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            why = "reset"
        except RuntimeError as exc:  # uvloop: write on a transport the peer already closed
            if not writer.is_closing():
                raise
            log.info("event=reset peer=%s error=%s", peer, exc)
            why = "reset"
        except asyncio.CancelledError:
            why = "server_stopping"
        finally:
            self._connections.discard(conn)
            stats.connections_open -= 1
            stats.closed[why] += 1
            if conn.buffered:
                log.info(
                    "event=closed peer=%s reason=%s unfinished_bytes=%d", peer, why, conn.buffered
                )
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, asyncio.CancelledError):
                pass
            if task is not None:
                self._handlers.discard(task)

    async def _process(
        self,
        conn: Connection,
        events: list[Any],
        peer: str,
        writer: asyncio.StreamWriter,
        received: float,
    ) -> str | None:
        """Act on one read's events; returns why the connection must close, or None."""
        rows: list[Row] = []
        refused: list[dict[str, Any]] = []
        replies: list[bytes] = []  # sent after the commit
        after: list[tuple[store_ingest.StationEntry, Packet, bytes, bytes]] = []  # key pushes
        close = None
        now = dt.datetime.now(UTC)
        for event in events:
            if isinstance(event, Closed):
                close = "error_budget"
                log.warning("event=close peer=%s reason=%s", peer, event.reason)
                continue
            if isinstance(event, Refused):
                refused.append(
                    self._refusal(event.reason, event.raw, event.message, event.mn, peer, now)
                )
                continue
            assert isinstance(event, PacketReceived)
            raw, mn = event.frame.raw, event.packet.mn
            try:
                result = await self._accept(conn, event, peer, now)
                if isinstance(result, dict):
                    refused.append(result)
                    continue
                packet_rows, reply, push = result
                answer = None if reply is None else encode_frame(build(reply))
            except Exception as exc:  # one packet never takes its connection down
                why = f"cannot handle the packet: {type(exc).__name__}: {exc}"
                refused.append(self._refusal("bad_packet", raw, why, mn, peer, now))
                continue
            rows.extend(packet_rows)
            if answer is not None:
                replies.append(answer)
            if push is not None:
                after.append(push)
        if rows or refused or replies:
            future: asyncio.Future[None] | None = None
            if rows:
                future = asyncio.get_running_loop().create_future()
            if rows or refused:
                assert self._queue is not None
                await self._queue.put(_Pending(rows, refused, future))
            if future is not None:
                try:
                    await future
                except Exception as exc:  # the commit failed: no acknowledgement
                    log.error("event=commit_failed peer=%s error=%s", peer, exc)
                    return "commit_failed"
            pushes = []
            for entry, push_packet, key, station_key in after:
                await self._rotate_key(entry, key, push_packet)
                sm4 = conn.link_for(entry.mn).sm4 or Sm4Wire.TEXT
                pushes.append(encode_frame(build(push_packet), key=station_key, sm4=sm4))
            if replies:
                writer.write(b"".join(replies + pushes))
                self.stats.acks += len(replies)
                ms = (time.perf_counter() - received) * 1000
                self.stats.ack_ms.extend([ms] * len(replies))
            await writer.drain()
        return close

    def _refusal(
        self, reason: str, raw: bytes, message: str, mn: str | None, peer: str, now: dt.datetime
    ) -> dict[str, Any]:
        self.stats.refused[reason] += 1
        if mn is not None:  # as read from the wire: may be long or hold NUL bytes
            mn = mn.replace("\x00", "\\x00")[:32]
        message = message.replace("\x00", "\\x00")
        log.info("event=refused peer=%s mn=%s reason=%s message=%s", peer, mn, reason, message)
        return {
            "time": now,
            "peer": peer,
            "mn": mn,
            "reason": reason,
            "message": message,
            "raw": raw,
        }

    async def _accept(
        self, conn: Connection, event: PacketReceived, peer: str, now: dt.datetime
    ) -> dict[str, Any] | tuple[list[Row], Packet | None, Any]:
        packet, raw = event.packet, event.frame.raw
        mn = packet.mn or ""
        entry = self._stations.get(mn)
        if entry is None:
            await self._maybe_reload()
            entry = self._stations.get(mn)
        if entry is None and self.config.auto_register and packet.st in KIND_BY_ST:
            entry = await self._register(packet)
        if entry is None:
            why = "" if not self.config.auto_register else f" (ST={packet.st} has no station kind)"
            return self._refusal(
                "unknown_mn", raw, f"MN {mn!r} is not registered{why}", mn, peer, now
            )
        if mn in self._bad_config:
            return self._refusal("bad_station_options", raw, self._bad_config[mn], mn, peer, now)
        if entry.pw is not None and packet.pw != entry.pw:
            return self._refusal("bad_pw", raw, "PW does not match the registry", mn, peer, now)
        for leniency in event.lenient:
            self.stats.lenient[leniency] += 1
            log.info("event=lenient peer=%s mn=%s leniency=%s", peer, mn, leniency)
        link = conn.link_for(mn)
        if event.frame.key_index == 0 and len(link.keys) > 1:
            await asyncio.to_thread(self._end_overlap, entry)
        cn = packet.cn or ""
        rows: list[Row] = []
        push = None
        if cn in DATA_CNS:
            try:
                result = measurement_rows(packet, entry.id, link.timezone)
            except (PacketError, OverflowError, ValueError) as exc:
                return self._refusal("bad_packet", raw, str(exc), mn, peer, now)
            rows = result.rows
            self.stats.items_skipped += result.skipped
            recent = self._recent_qn.setdefault(entry.id, OrderedDict())
            if packet.qn is not None:
                if packet.qn in recent or packet.rf == "1":
                    self.stats.duplicates += 1
                recent[packet.qn] = None
                if len(recent) > 512:
                    recent.popitem(last=False)
        elif cn == "1014":
            if link.sm4 is None or not link.keys:
                msg = "key exchange from a station without SM4 keys"
                return self._refusal("bad_packet", raw, msg, mn, peer, now)
            used = event.frame.key_index
            if used is None:  # ENCRYPTED_CNS: a plaintext 1014 was refused by Connection
                return self._refusal("not_encrypted", raw, "CN=1014 in plaintext", mn, peer, now)
            push = _new_key_push(entry, packet, link, link.keys[used])
        elif COMMANDS.get(cn, ("", None))[1] is None:
            log.info("event=unknown_cn peer=%s mn=%s cn=%s", peer, mn, cn)
        self.stats.packets[cn] += 1
        reply = reply_for(packet) if cn != "1014" else reply_9013(packet)
        if COMMANDS.get(cn, ("", None))[1] is CommandKind.UPLOAD and not rows and cn in DATA_CNS:
            log.info("event=empty_upload peer=%s mn=%s cn=%s", peer, mn, cn)
        return rows, reply, push

    async def _register(self, packet: Packet) -> store_ingest.StationEntry | None:
        mn, kind = packet.mn or "", KIND_BY_ST[packet.st or ""]

        def work() -> None:
            with self.store.write() as c:
                store_ingest.register_station(c, mn, kind, f"Auto-registered {mn}")

        try:
            await asyncio.to_thread(work)
        except Exception as exc:  # e.g. no park yet, or a race with another connection
            log.error("event=register_failed mn=%s error=%s", mn, exc)
        await self.reload()
        entry = self._stations.get(mn)
        if entry is not None:
            log.warning("event=registered mn=%s kind=%s station=%s", mn, kind, entry.code)
        return entry

    # --- SM4 keys (HJ 212-2025 §6.4.3, CN=1014) -------------------------------------------

    async def _rotate_key(self, entry: store_ingest.StationEntry, key: bytes, push: Packet) -> None:
        sk_time = push.get("SKCreateTime") or ""

        def work() -> None:
            with self.store.write() as c:
                store_ingest.add_station_key(
                    c, entry.id, key, sk_time, dt.datetime.now(UTC), self.config.key_overlap
                )

        await asyncio.to_thread(work)
        await self.reload()  # the new key first, the old one kept for the overlap
        self.stats.keys_rotated += 1
        log.warning(
            "event=key_rotated mn=%s station=%s sk_create_time=%s", entry.mn, entry.code, sk_time
        )

    def _end_overlap(self, entry: store_ingest.StationEntry) -> None:
        link = self._links.get(entry.mn)
        if link is None or not link.keys:
            return
        with self.store.write() as c:
            store_ingest.retire_older_keys(c, entry.id, link.keys[0], dt.datetime.now(UTC))
        self._load_stations()
        log.info("event=key_overlap_ended mn=%s station=%s", entry.mn, entry.code)

    # --- group commit -------------------------------------------------------------------

    async def _commit_loop(self) -> None:
        assert self._queue is not None
        queue = self._queue
        while True:
            first = await queue.get()
            batch = [first]
            n = len(first.rows)
            while n < self.config.batch_rows and not queue.empty():
                item = queue.get_nowait()
                batch.append(item)
                n += len(item.rows)
            t0 = time.perf_counter()
            try:
                outcomes = await asyncio.to_thread(self._commit_batch, batch)
                self.stats.commit_ms.append((time.perf_counter() - t0) * 1000)
                for item, outcome in zip(batch, outcomes, strict=True):
                    if isinstance(outcome, Exception):
                        self.stats.commit_errors += 1
                        if item.future is not None and not item.future.done():
                            item.future.set_exception(outcome)
                    else:
                        self.stats.rows_written += outcome
                        if item.future is not None and not item.future.done():
                            item.future.set_result(None)
            finally:
                for _ in batch:
                    queue.task_done()

    def _commit_batch(self, batch: list[_Pending]) -> list[int | Exception]:
        """Commit the batch in one transaction; if that fails, each item on its own, so one
        bad item (a value the database refuses) fails only its own connection's packets."""
        try:
            written = self._commit(batch)
        except Exception as exc:
            if len(batch) == 1:
                log.error("event=commit_error packets=1 error=%s", exc)
                return [exc]
            log.warning("event=commit_retry items=%d error=%s", len(batch), exc)
        else:
            self.stats.commits += 1
            return [written] + [0] * (len(batch) - 1)  # rows counted once per commit
        out: list[int | Exception] = []
        for item in batch:
            try:
                out.append(self._commit([item]))
                self.stats.commits += 1
            except Exception as exc:
                log.error("event=commit_error packets=1 error=%s", exc)
                out.append(exc)
        return out

    def _commit(self, batch: list[_Pending]) -> int:
        rows = [r for item in batch for r in item.rows]
        refused = [q for item in batch for q in item.quarantine]
        with self.store.write() as c:
            written = store_ingest.upsert_measurement_rows(c, rows)
            store_ingest.quarantine(c, refused)
        return written


def _new_key_push(
    entry: store_ingest.StationEntry, request: Packet, link: Link, station_key: bytes
) -> tuple[Any, Packet, bytes, bytes]:
    """The centre's CN=1014 push of a fresh key (``SKCreateTime``, ``NewSK``), to be
    encrypted with ``station_key``: the key the request came in with, which the station
    surely holds (an earlier push may have been lost)."""
    key_text = "".join(secrets.choice(KEY_ALPHABET) for _ in range(16))
    created = dt.datetime.now(ZoneInfo(link.timezone)).strftime("%Y%m%d%H%M%S")
    version = int(request.version)
    push = Packet(
        qn=dt.datetime.now(ZoneInfo(link.timezone)).strftime("%Y%m%d%H%M%S%f")[:17],
        st=request.st,
        cn="1014",
        pw=request.pw,
        mn=request.mn,
        flag=(version << 2) | 1,
        cp=((CpItem("SKCreateTime", created), CpItem("NewSK", key_text)),),
    )
    return entry, push, key_text.encode("ascii"), station_key


def run_loop(main: Any) -> Any:
    """Run a coroutine on uvloop when installed (about twice the socket throughput of the
    standard loop), else on asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)
