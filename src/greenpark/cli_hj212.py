"""``greenpark hj212 ...`` and ``greenpark quarantine ...``: the HJ 212 side of the CLI."""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Any

import click

from greenpark.errors import InputError, NotFoundError


def _store(ctx: click.Context):  # type: ignore[no-untyped-def]
    from greenpark.cli import _store as store

    return store(ctx)


def decode_line(line: bytes, *, crc: tuple[str, ...], char_length: bool) -> dict[str, Any]:
    """One frame (a line of a capture) → a JSON-ready dict: the parsed fields or the refusal.

    A line without its ``CR LF`` gets one; a line holding several frames gives the first
    refusal or all packets under ``packets``.
    """
    from greenpark.hj212 import Decoder, FrameError, PacketError, parse_packet, reply_for

    data = line.rstrip(b"\r\n") + b"\r\n"
    decoder = Decoder(crc_methods=crc, allow_char_length=char_length)
    items = decoder.feed(data)
    if decoder.buffered:
        items = [*items, *decoder.feed(b"")]
    if not items:
        return {"ok": False, "reason": "incomplete", "message": "no complete frame on the line"}
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, FrameError):
            return {"ok": False, "reason": item.reason.value, "message": item.message}
        try:
            p = parse_packet(item.data)
        except PacketError as exc:
            return {"ok": False, "reason": "bad_packet", "message": str(exc)}
        reply = reply_for(p)
        out.append(
            {
                "ok": True,
                "crc_method": item.crc_method.value,
                "qn": p.qn,
                "st": p.st,
                "cn": p.cn,
                "mn": p.mn,
                "flag": p.flag,
                "version": int(p.version),
                "ack_wanted": p.ack_wanted,
                "split": p.split,
                "pnum": p.pnum,
                "pno": p.pno,
                "rf": p.rf,
                "extra": dict(p.extra),
                "cp": [[[i.key, i.value] for i in group] for group in p.cp],
                "reply_cn": reply.cn if reply is not None else None,
            }
        )
    return out[0] if len(out) == 1 else {"ok": True, "packets": out}


@click.group("hj212")
def hj212() -> None:
    """HJ 212: decode captures, simulate stations, set SM4 keys."""


@hj212.command("decode")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--crc",
    multiple=True,
    default=("hj212",),
    show_default=True,
    help="Check values to accept (repeat): hj212, modbus, modbus_swapped.",
)
@click.option("--char-length", is_flag=True, help="Accept lengths counted in characters.")
def hj212_decode(file: str, crc: tuple[str, ...], char_length: bool) -> None:
    """Decode FILE, one frame per line, into JSON lines (fields, or the refusal reason).

    Blank lines and lines starting with # are skipped; the exit status is 1 when any line
    was refused.
    """
    from greenpark.hj212 import CrcMethod

    for m in crc:
        if m not in {c.value for c in CrcMethod}:
            raise InputError(f"--crc {m!r}: must be one of {[c.value for c in CrcMethod]}")
    stream = sys.stdin.buffer if file == "-" else Path(file).open("rb")
    refused = 0
    with stream:
        for n, line in enumerate(stream, 1):
            if not line.strip() or (line.startswith(b"#") and not line.startswith(b"##")):
                continue  # a blank or comment line ("##" starts a frame)
            result = {"line": n, **decode_line(line, crc=crc, char_length=char_length)}
            refused += not result["ok"]
            click.echo(json.dumps(result, ensure_ascii=False))
    if refused:
        click.echo(f"{refused} line(s) refused", err=True)
        sys.exit(1)


def _split_address(to: str) -> tuple[str, int]:
    host, sep, port = to.rpartition(":")
    if not sep or not port.isdigit():
        raise InputError(f"--to {to!r}: give HOST:PORT, e.g. 127.0.0.1:9212")
    return host or "127.0.0.1", int(port)


def registry_stations(store: Any, n: int) -> list[Any]:
    """The first ``n`` registry stations as simulator stations (MN, PW, kind, SM4 key)."""
    from greenpark.ingest.simulate import SimStation
    from greenpark.store.ingest import stations_by_mn

    with store.read() as conn:
        entries = sorted(stations_by_mn(conn, dt.datetime.now(dt.UTC)).values(), key=lambda e: e.id)
    if len(entries) < n:
        raise InputError(
            f"--stations {n}: the registry has {len(entries)} station(s); "
            "register more (greenpark registry import) or ask for fewer"
        )
    return [SimStation.from_entry(e) for e in entries[:n]]


@hj212.command("simulate")
@click.option("--stations", "n", default=10, show_default=True, help="Stations to simulate.")
@click.option("--rate", default=10.0, show_default=True, help="Packets per second, all in all.")
@click.option("--to", "to", default="127.0.0.1:9212", show_default=True, help="HOST:PORT.")
@click.option("--count", type=int, default=None, help="Stop after this many packets.")
@click.option("--duration", type=float, default=None, help="Stop after this many seconds.")
@click.option(
    "--cn",
    "cns",
    multiple=True,
    default=("2011", "2051", "2061"),
    show_default=True,
    help="Commands sent in turn (repeat).",
)
@click.option("--ack-timeout", default=10.0, show_default=True, help="Resend after [s].")
@click.pass_context
def hj212_simulate(
    ctx: click.Context,
    n: int,
    rate: float,
    to: str,
    count: int | None,
    duration: float | None,
    cns: tuple[str, ...],
    ack_timeout: float,
) -> None:
    """Simulate registry stations sending HJ 212 uploads with A=1 and check every ack.

    Prints a JSON summary (sent, acknowledged, resent, latency); exits 1 when packets stay
    unacknowledged.
    """
    from greenpark.ingest.simulate import simulate

    host, port = _split_address(to)
    if count is None and duration is None:
        count = max(n, int(rate * 10))
    stations = registry_stations(_store(ctx), n)

    def progress(r: Any) -> None:
        click.echo(f"  sent {r.sent:,}, acked {r.acked:,}, resent {r.resent:,}", err=True)

    report = asyncio.run(
        simulate(
            stations,
            host,
            port,
            rate=rate,
            count=count,
            duration=duration,
            cns=cns,
            ack_timeout=ack_timeout,
            progress=progress,
        )
    )
    click.echo(json.dumps(report.as_dict()))
    if report.unacked:
        sys.exit(1)


@hj212.command("serve")
@click.option("--host", default=None, help="Address to bind (default: ingest_host).")
@click.option("--port", default=None, type=int, help="Port (default: ingest_port, 9212).")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes sharing the port (one core each).",
)
@click.pass_context
def hj212_serve(ctx: click.Context, host: str | None, port: int | None, workers: int) -> None:
    """Run the HJ 212 server alone (no web server), until interrupted."""
    import logging

    from greenpark.cli import _settings
    from greenpark.ingest.workers import serve

    settings = _settings(ctx)
    config = settings.ingest_config()
    if host is not None:
        config.host = host
    if port is not None:
        config.port = port
    store = _store(ctx)  # migrated here, once
    store.dispose()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")

    def announce(bound: int) -> None:
        click.echo(f"HJ 212 server on {config.host}:{bound} ({workers} worker(s))", err=True)

    try:
        serve(store.url, config, workers, announce)
    except OSError as exc:
        raise InputError(
            f"HJ 212 server cannot listen on {config.host}:{config.port} ({exc.strerror})"
        ) from exc
    click.echo("stopped", err=True)


@hj212.command("set-key")
@click.argument("mn")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False), help="Read the key.")
@click.pass_context
def hj212_set_key(ctx: click.Context, mn: str, key_file: str | None) -> None:
    """Register the SM4 key of station MN (16 characters, HJ 212-2025 §6.4.3).

    The key is read from --key-file or asked for (not echoed); it replaces the current key
    at once (no overlap: the station is set up with it by hand).
    """
    from greenpark.store.ingest import add_station_key, stations_by_mn

    text = (
        Path(key_file).read_text(encoding="utf-8").strip()
        if key_file
        else getpass.getpass("SM4 key (16 characters): ")
    )
    key = text.encode("utf-8")
    if len(key) != 16:
        raise InputError(f"an SM4 key is 16 bytes; this one has {len(key)}")
    store = _store(ctx)
    now = dt.datetime.now(dt.UTC)
    with store.write() as conn:
        entry = stations_by_mn(conn, now).get(mn)
        if entry is None:
            raise NotFoundError(f"no station with MN {mn!r}")
        add_station_key(conn, entry.id, key, now.strftime("%Y%m%d%H%M%S"), now, dt.timedelta(0))
    click.echo(f"SM4 key set for station {entry.code} (MN {mn})")


@click.group("quarantine")
def quarantine() -> None:
    """Frames the HJ 212 server refused."""


@quarantine.command("list")
@click.option("--reason", help="Only this reason, e.g. bad_crc.")
@click.option("--mn", help="Only frames naming this MN.")
@click.option("--limit", default=50, show_default=True, help="At most this many, newest first.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines with the raw bytes (hex).")
@click.pass_context
def quarantine_list(
    ctx: click.Context, reason: str | None, mn: str | None, limit: int, as_json: bool
) -> None:
    """List refused frames: time, peer, MN, reason, message (and raw bytes with --json)."""
    from greenpark.store.ingest import list_quarantine, quarantine_counts

    store = _store(ctx)
    with store.read() as conn:
        rows = list_quarantine(conn, limit=limit, reason=reason, mn=mn)
        counts = quarantine_counts(conn)
    for r in rows:
        if as_json:
            click.echo(json.dumps({**r, "time": r["time"].isoformat(), "raw": r["raw"].hex()}))
        else:
            preview = r["raw"][:60].decode("utf-8", "replace").replace("\r", "\\r")
            preview = preview.replace("\n", "\\n")
            click.echo(
                f"{r['time']:%Y-%m-%d %H:%M:%S}Z  {r['peer']:<21}  {r['mn'] or '-':<24}  "
                f"{r['reason']:<14}  {r['message']}  [{preview}]"
            )
    total = sum(counts.values())
    by = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
    click.echo(f"{total} refused frame(s) kept: {by}", err=True)
