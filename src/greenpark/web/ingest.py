"""The "Ingest" page (``/ingest``) and its JSON twin (``/api/ingest/stats``).

What the HJ 212 server of this process has counted since it started
(:meth:`greenpark.ingest.IngestStats.as_dict`: connections, packets, refusals, leniencies,
commits, latencies) and what the store keeps of refused frames
(:func:`greenpark.store.ingest.quarantine_counts`, the newest ones by
:func:`greenpark.store.ingest.list_quarantine`). Without a server in the process (the app
was created without ``ingest``) the counters are null and the store's part is still shown.

Refused frames are kept verbatim and may hold a station's password (``PW=``) or a key
(``NewPW=``, ``NewSK=``), so the routes need ``configure_stations`` and every value of
such a field is masked (:func:`mask_secrets`) in the preview, the hex dump and the message.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Final
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from greenpark.auth import Permission
from greenpark.errors import InputError
from greenpark.hj212.frame import FrameErrorReason
from greenpark.hj212.replies import COMMANDS
from greenpark.ingest import IngestServer
from greenpark.store import Store
from greenpark.store.ingest import list_quarantine, quarantine_counts
from greenpark.web.deps import SettingsDep, StoreDep
from greenpark.web.security import route
from greenpark.web.templating import templates

#: How many refused frames the page and its twin list, newest first.
FRAMES_SHOWN: Final = 50
#: Bytes of a refused frame shown in its preview (after masking).
PREVIEW_BYTES: Final = 120
#: What replaces the value of a secret field.
MASK: Final = "***"
#: Longest MN the quarantine keeps (``ingest_quarantine.mn``).
MN_MAX: Final = 32

#: Refusal reasons -> (English, 中文): the frame errors of
#: :class:`greenpark.hj212.frame.FrameErrorReason`, the packet refusals of
#: :class:`greenpark.hj212.connection.Refused` and the server's own.
REFUSAL_REASONS: Final[dict[str, tuple[str, str]]] = {
    FrameErrorReason.GARBAGE.value: ("Bytes outside a frame", "帧外无效字节"),
    FrameErrorReason.BAD_LENGTH.value: ("Wrong length field", "数据段长度错误"),
    FrameErrorReason.BAD_TAIL.value: ("No CR LF at the end", "包尾错误"),
    FrameErrorReason.BAD_CRC.value: ("CRC mismatch", "CRC校验错误"),
    FrameErrorReason.BAD_ENCODING.value: ("Not UTF-8", "编码错误"),
    FrameErrorReason.TOO_LONG.value: ("Frame too long", "数据包过长"),
    FrameErrorReason.BAD_CIPHER.value: ("Not in SM4 ciphertext form", "密文格式错误"),
    "bad_packet": ("Bad packet", "数据包格式错误"),
    "missing_header": ("No QN or Flag", "缺少QN或Flag"),
    "not_encrypted": ("Plaintext from an SM4 station", "应加密未加密"),
    "unknown_mn": ("Unknown MN", "未登记的MN"),
    "bad_pw": ("Wrong password", "访问密码错误"),
    "bad_station_options": ("Bad station options", "站点配置错误"),
}

#: Why connections were closed -> (English, 中文).
CLOSE_REASONS: Final[dict[str, tuple[str, str]]] = {
    "peer_closed": ("Closed by the station", "现场机断开"),
    "idle_timeout": ("Idle timeout", "空闲超时"),
    "error_budget": ("Too many errors", "错误过多"),
    "reset": ("Connection reset", "连接被重置"),
    "server_stopping": ("Server stopping", "服务停止"),
    "too_many_connections": ("Too many connections", "连接数超限"),
}

#: Leniencies a packet needed -> (English, 中文).
LENIENCIES: Final[dict[str, tuple[str, str]]] = {
    "crc:modbus": ("CRC-16/MODBUS", "MODBUS校验"),
    "crc:modbus_swapped": ("CRC-16/MODBUS, bytes swapped", "MODBUS校验(字节互换)"),
    "char_length": ("Length in characters", "长度按字符计"),
    "missing_header": ("No QN or Flag", "缺少QN或Flag"),
}

# The value of PW, NewPW, NewSK (any case, spaces around "=") up to the next separator.
_SECRET = r"(?<![A-Za-z])((?:New)?(?:PW|SK)\s*=\s*)[^;&\r\n]*"
_SECRET_BYTES: Final = re.compile(_SECRET.encode("ascii"), re.IGNORECASE)
_SECRET_TEXT: Final = re.compile(_SECRET, re.IGNORECASE)
_MN_PATTERN: Final = re.compile(rf"[!-~]{{1,{MN_MAX}}}")
_ESCAPES: Final = {0x0D: "\\r", 0x0A: "\\n", 0x09: "\\t", 0x5C: "\\\\"}


#: Most bytes of a refused frame given in hex by the API [bytes] (a frame is at most
#: 10,011 bytes, but a garbage chunk can be a whole 64 KiB read).
RAW_HEX_BYTES = 12_000


def mask_secrets(raw: bytes) -> bytes:
    """``raw`` with the value of every ``PW``, ``NewPW`` and ``NewSK`` field replaced by
    :data:`MASK` (whatever its length, so the length is not told either)."""
    return _SECRET_BYTES.sub(rb"\g<1>" + MASK.encode("ascii"), raw)


def mask_secrets_text(text: str) -> str:
    """:func:`mask_secrets` for text (an error message may quote the header)."""
    return _SECRET_TEXT.sub(r"\g<1>" + MASK, text)


def preview(raw: bytes, size: int = PREVIEW_BYTES) -> str:
    """A printable preview of the first ``size`` bytes of ``raw``, secrets masked first.

    Printable ASCII is kept, CR, LF, tab and backslash are written ``\\r``, ``\\n``,
    ``\\t``, ``\\\\``, other bytes ``\\xNN``; ``…`` marks a cut.
    """
    masked = mask_secrets(raw)
    out = [
        _ESCAPES.get(b) or (chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}") for b in masked[:size]
    ]
    return "".join(out) + ("…" if len(masked) > size else "")


def format_duration(seconds: float) -> str:
    """A duration [s] as ``3 d 04:05:06`` (days only when there are any)."""
    whole = int(seconds)
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3600)
    clock = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{days} d {clock}" if days else clock


# --- public models ----------------------------------------------------------------------


class LatencyPublic(BaseModel):
    """Percentiles of the last 20,000 samples (null before the first)."""

    p50: float | None = Field(description="Median [ms].")
    p99: float | None = Field(description="99th percentile [ms].")
    max: float | None = Field(description="Largest [ms].")


class IngestConnectionsPublic(BaseModel):
    """TCP connections of data loggers."""

    open: int = Field(description="Open now.")
    total: int = Field(description="Accepted since the server started.")
    closed: dict[str, int] = Field(
        description="Closed, by reason (peer_closed, idle_timeout, error_budget, reset, ...)."
    )


class IngestCountersPublic(BaseModel):
    """What the HJ 212 server of this process counted since it started."""

    uptime_s: float = Field(description="Time since the server started [s].")
    listening: str | None = Field(description="host:port it listens on (null: not listening).")
    connections: IngestConnectionsPublic
    bytes_in: int = Field(description="Bytes received [bytes].")
    packets_ok: int = Field(description="Packets accepted.")
    packets_by_cn: dict[str, int] = Field(description="Packets accepted, by command (CN).")
    refused: int = Field(description="Frames and packets refused.")
    refused_by_reason: dict[str, int] = Field(description="Refused, by reason.")
    lenient: dict[str, int] = Field(
        description="Packets accepted only by a leniency, by leniency (crc:modbus, ...)."
    )
    duplicates: int = Field(description="Packets sent again (RF=1 or a QN seen before).")
    acks: int = Field(description="Acknowledgements sent (each after its rows committed).")
    rows_written: int = Field(description="Measurement rows written.")
    items_skipped: int = Field(description="Data items not written (no usable value).")
    commits: int = Field(description="Group commits.")
    commit_errors: int = Field(description="Group commits that failed (no acknowledgement).")
    keys_rotated: int = Field(description="SM4 keys pushed over CN=1014.")
    commit_latency_ms: LatencyPublic = Field(description="Time of one group commit [ms].")
    ack_latency_ms: LatencyPublic = Field(
        description="From a packet's last byte read to its acknowledgement written [ms]."
    )


class QuarantinedFramePublic(BaseModel):
    """A refused frame as kept in the store; secrets (PW, NewPW, NewSK values) masked."""

    id: int
    time: dt.datetime = Field(description="When it arrived, ISO 8601 in the park's zone.")
    peer: str = Field(description="The sender's address, host:port.")
    mn: str | None = Field(description="The MN named in the bytes, when one could be read.")
    reason: str = Field(description="Reason code, e.g. bad_crc, unknown_mn, bad_pw.")
    message: str = Field(description="Why, in words.")
    size: int = Field(description="Length of the frame as received [bytes].")
    preview: str = Field(
        description=f"The first {PREVIEW_BYTES} bytes, printable ASCII with \\r \\n \\xNN "
        f"escapes, secrets masked as {MASK}."
    )
    raw_hex: str = Field(
        description=f"The first {RAW_HEX_BYTES} bytes in hex, secrets masked as {MASK} "
        "(`greenpark quarantine list --json` gives them all)."
    )


class IngestStatsPublic(BaseModel):
    """The HJ 212 server of this process and the refused frames the store keeps."""

    running: bool = Field(description="Whether an HJ 212 server runs in this web process.")
    server: IngestCountersPublic | None = Field(
        description="Its counters since it started (null when none runs in this process)."
    )
    quarantined: int = Field(description="Refused frames kept in the store.")
    quarantined_by_reason: dict[str, int] = Field(
        description="Refused frames kept in the store, by reason (not filtered)."
    )
    reason: str | None = Field(description="The reason filter of frames, if any.")
    mn: str | None = Field(description="The MN filter of frames, if any.")
    limit: int = Field(description="Most frames listed.")
    frames: list[QuarantinedFramePublic] = Field(
        description="The newest refused frames (matching the filters), newest first."
    )
    timezone: str = Field(description="IANA zone of the times (the park's).")


# --- reading ----------------------------------------------------------------------------

ReasonQuery = Annotated[
    str | None,
    Query(description="Only refused frames of this reason (e.g. bad_crc, unknown_mn)."),
]
MnQuery = Annotated[
    str | None,
    Query(description=f"Only refused frames naming this MN (1 to {MN_MAX} ASCII characters)."),
]


def counters_public(server: IngestServer) -> IngestCountersPublic:
    """The server's counters as the public model.

    Call it on the event loop the server runs in (the app's), so that the counters are not
    changed while they are read.
    """
    stats: dict[str, Any] = server.stats.as_dict()
    listening = None if server.port is None else f"{server.config.host}:{server.port}"
    return IngestCountersPublic.model_validate({**stats, "listening": listening})


def _check_mn(mn: str | None) -> str | None:
    if mn is None or not mn.strip():
        return None
    mn = mn.strip()
    if not _MN_PATTERN.fullmatch(mn):
        raise InputError(
            f"mn {mn[:40]!r} is not an MN: give 1 to {MN_MAX} printable ASCII characters "
            "without spaces, e.g. 88888880000001"
        )
    return mn


def _check_reason(reason: str | None, known: set[str]) -> str | None:
    if reason is None or not reason.strip():
        return None
    reason = reason.strip()
    if reason not in known:
        raise InputError(f"unknown reason {reason[:40]!r}; must be one of {sorted(known)}")
    return reason


def _frame_public(row: dict[str, Any], zone: ZoneInfo) -> QuarantinedFramePublic:
    raw: bytes = row["raw"]
    return QuarantinedFramePublic(
        id=row["id"],
        time=row["time"].astimezone(zone),
        peer=row["peer"],
        mn=row["mn"],
        reason=row["reason"],
        message=mask_secrets_text(row["message"] or ""),
        size=len(raw),
        preview=preview(raw),
        raw_hex=mask_secrets(raw)[:RAW_HEX_BYTES].hex(),
    )


def _read_store(
    store: Store,
    timezone: str,
    counters: IngestCountersPublic | None,
    reason: str | None,
    mn: str | None,
) -> IngestStatsPublic:
    mn = _check_mn(mn)
    with store.read() as conn:
        counts = quarantine_counts(conn)
        known = set(REFUSAL_REASONS) | set(counts)
        if counters is not None:
            known |= set(counters.refused_by_reason)
        reason = _check_reason(reason, known)
        rows = list_quarantine(conn, limit=FRAMES_SHOWN, reason=reason, mn=mn)
    zone = ZoneInfo(timezone)
    return IngestStatsPublic(
        running=counters is not None,
        server=counters,
        quarantined=sum(counts.values()),
        quarantined_by_reason=dict(sorted(counts.items())),
        reason=reason,
        mn=mn,
        limit=FRAMES_SHOWN,
        frames=[_frame_public(r, zone) for r in rows],
        timezone=timezone,
    )


async def read_ingest(
    request: Request, store: Store, timezone: str, reason: str | None, mn: str | None
) -> IngestStatsPublic:
    """The counters of the app's HJ 212 server (read on the event loop it runs in) and the
    store's refused frames (read in a worker thread).

    Raises
    ------
    InputError
        An ``mn`` that is not 1 to 32 printable ASCII characters, or a ``reason`` that is
        neither a known refusal reason nor one the store or the server has seen (400; the
        message lists the valid ones).
    """
    server: IngestServer | None = request.app.state.ingest
    counters = None if server is None else counters_public(server)
    return await run_in_threadpool(_read_store, store, timezone, counters, reason, mn)


# --- routes -----------------------------------------------------------------------------


async def api_ingest_stats(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    reason: ReasonQuery = None,
    mn: MnQuery = None,
) -> IngestStatsPublic:
    """The HJ 212 server's counters since it started (null when none runs in this process)
    and the refused frames kept in the store: counts by reason and the 50 newest (secrets
    masked). 400 for an unknown reason or a malformed MN."""
    return await read_ingest(request, store, settings.park_timezone, reason, mn)


async def ingest_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    reason: ReasonQuery = None,
    mn: MnQuery = None,
) -> HTMLResponse:
    """The "Ingest" page; its data is ``/api/ingest/stats``."""
    data = await read_ingest(request, store, settings.park_timezone, reason, mn)
    reasons = sorted(set(REFUSAL_REASONS) | set(data.quarantined_by_reason))
    if data.server is not None:
        reasons = sorted(set(reasons) | set(data.server.refused_by_reason))
    query = {k: v for k, v in (("reason", data.reason), ("mn", data.mn)) if v}
    return templates.TemplateResponse(
        request,
        "ingest.html",
        {
            "data": data,
            "reasons": reasons,
            "query": query,
            "REFUSAL_REASONS": REFUSAL_REASONS,
            "CLOSE_REASONS": CLOSE_REASONS,
            "LENIENCIES": LENIENCIES,
            "commands": {cn: meaning for cn, (meaning, _kind) in COMMANDS.items()},
            "uptime": None if data.server is None else format_duration(data.server.uptime_s),
        },
    )


def add_routes(app: FastAPI) -> None:
    """Register ``/ingest`` and ``/api/ingest/stats`` on ``app`` (both configure_stations:
    refused frames are a station's own bytes)."""
    route(
        app,
        "/api/ingest/stats",
        api_ingest_stats,
        Permission.CONFIGURE_STATIONS,
        response_model=IngestStatsPublic,
        tags=["ingest"],
    )
    route(
        app,
        "/ingest",
        ingest_page,
        Permission.CONFIGURE_STATIONS,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
