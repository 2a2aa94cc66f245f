"""A station simulator: many HJ 212 data loggers over TCP, each checking its acknowledgements.

Each simulated station keeps one connection, sends uploads with ``A=1`` (real-time 2011,
minute 2051, hourly 2061, in turn or as chosen), waits for the 9014 of every QN, and resends
what is not acknowledged within ``ack_timeout`` with the same QN and ``RF=1`` (HJ 212-2025
table 3). When the connection drops it reconnects with back-off and resends everything
still unacknowledged, so a server crash costs no data. :func:`simulate` returns what was
sent, acknowledged and resent, and the acknowledgement latencies.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from greenpark.hj212.frame import Decoder, Frame, encode_frame
from greenpark.hj212.link import Link
from greenpark.hj212.packet import CpItem, Packet, build, parse_packet
from greenpark.ingest.rows import HOURLY_ALIASES, ST_BY_KIND
from greenpark.ingest.stats import percentiles
from greenpark.store.ingest import StationEntry

#: Store parameter → HJ 212 code on the wire (the inverse of ``HOURLY_ALIASES``).
WIRE_CODES = {alias: code for (code, _suffix), alias in HOURLY_ALIASES.items()}

#: Typical values per station kind: code → (level, relative spread) [the code's unit].
TYPICAL: dict[str, dict[str, tuple[float, float]]] = {
    "ambient_air": {
        "a34004": (35.0, 0.4),  # PM2.5 [µg/m³]
        "a34002": (60.0, 0.4),  # PM10 [µg/m³]
        "a21026": (8.0, 0.3),  # SO2 [µg/m³]
        "a21004": (25.0, 0.3),  # NO2 [µg/m³]
        "a21005": (0.7, 0.2),  # CO [mg/m³]
        "a05024": (80.0, 0.4),  # O3 [µg/m³]
    },
    "surface_water": {
        "w01001": (7.6, 0.03),  # pH
        "w01009": (7.5, 0.1),  # DO [mg/L]
        "w01019": (3.0, 0.2),  # CODMn [mg/L]
        "w21003": (0.4, 0.3),  # NH3-N [mg/L]
        "w21011": (0.08, 0.3),  # TP [mg/L]
    },
    "wastewater_inlet": {
        "w00000": (400.0, 0.3),  # flow [m³/h]
        "w01018": (250.0, 0.2),  # COD [mg/L]
        "w21003": (30.0, 0.2),
        "w21011": (4.0, 0.2),
        "w01001": (7.3, 0.03),
    },
    "wastewater_outlet": {
        "w00000": (380.0, 0.3),
        "w01018": (25.0, 0.2),
        "w21003": (1.5, 0.3),
        "w21011": (0.3, 0.2),
        "w01001": (7.2, 0.03),
    },
    "noise": {"LA": (55.0, 0.08), "Leq": (56.0, 0.06)},
}


#: PW sent by a simulated station whose registry entry has none (then it is not checked).
UNCHECKED_PW = "123456"


@dataclass(frozen=True)
class SimStation:
    """One simulated data logger."""

    mn: str
    pw: str
    kind: str
    timezone: str = "Asia/Shanghai"
    version: int = 1  # Flag version bits: 0 (2005), 1 (2017), 2 (2025)
    key: bytes | None = None  # SM4 key: encrypt the CP area
    sm4: str = "text"
    codes: tuple[str, ...] = ()  # codes sent; default: those of TYPICAL for the kind

    @property
    def st(self) -> str:
        """System code of the station's kind."""
        return ST_BY_KIND.get(self.kind, "22")

    @classmethod
    def from_entry(cls, entry: StationEntry, codes: tuple[str, ...] = ()) -> SimStation:
        """The data logger of a registry station: its MN, PW (a placeholder when the
        registry checks none), kind, time zone and, for an SM4 station, its current key and
        wire form (then it speaks HJ 212-2025).

        Raises
        ------
        ValueError
            The station's ``hj212`` options are invalid (``Link.from_options``).
        """
        link = Link.from_options(entry.options, entry.keys)
        key = link.keys[0] if link.sm4 is not None and link.keys else None
        return cls(
            entry.mn,
            entry.pw or UNCHECKED_PW,
            entry.kind,
            link.timezone,
            2 if key is not None else 1,
            key,
            link.sm4 or "text",
            codes,
        )


@dataclass
class SimReport:
    """What a simulation did."""

    stations: int = 0
    sent: int = 0
    acked: int = 0
    resent: int = 0
    unacked: int = 0
    reconnects: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary with p50/p99 acknowledgement latency [ms]."""
        lat = percentiles(self.latencies_ms)
        return {
            "stations": self.stations,
            "sent": self.sent,
            "acked": self.acked,
            "resent": self.resent,
            "unacked": self.unacked,
            "reconnects": self.reconnects,
            "seconds": round(self.seconds, 2),
            "acked_per_s": round(self.acked / self.seconds, 1) if self.seconds else None,
            "ack_p50_ms": lat["p50"],
            "ack_p99_ms": lat["p99"],
        }


def make_packet(
    station: SimStation,
    cn: str,
    when: dt.datetime,
    seq: int,
    rng: random.Random,
    values: Callable[[str, dt.datetime], float | None] | None = None,
) -> Packet:
    """One upload of ``station`` for ``when`` (its DataTime), with realistic values.

    ``values(code, when)`` may supply a value (e.g. from stored history); the rest are drawn
    around :data:`TYPICAL`.
    """
    local = when.astimezone(ZoneInfo(station.timezone))
    noise = station.kind == "noise"  # noise periods are "-Data" (HJ 212-2017 table C.26)
    suffix = "Rtd" if cn == "2011" else ("Data" if noise else "Avg")
    groups: list[tuple[CpItem, ...]] = [(CpItem("DataTime", local.strftime("%Y%m%d%H%M%S")),)]
    typical = TYPICAL.get(station.kind, TYPICAL["ambient_air"])
    for code in station.codes or tuple(typical):
        level, spread = typical.get(code, (50.0, 0.2))
        v = values(code, when) if values is not None else None
        if v is None:
            v = max(level * (1 + spread * rng.gauss(0, 1) * 0.5), 0.0)
        text = f"{v:.3f}".rstrip("0").rstrip(".")
        wire = WIRE_CODES.get(code, code)
        groups.append((CpItem(f"{wire}-{suffix}", text), CpItem(f"{wire}-Flag", "N")))
    qn = local.strftime("%Y%m%d%H%M%S") + f"{seq % 1000:03d}"
    return Packet(
        qn=qn,
        st=station.st,
        cn=cn,
        pw=station.pw,
        mn=station.mn,
        flag=(station.version << 2) | 1,
        cp=tuple(groups),
    )


def encode(station: SimStation, packet: Packet) -> bytes:
    """The frame the station writes (SM4-encrypted when it has a key)."""
    return encode_frame(build(packet), key=station.key, sm4=station.sm4)


class _Link:
    """One station's connection, pending packets and report."""

    def __init__(
        self,
        station: SimStation,
        host: str,
        port: int,
        report: SimReport,
        timeout: float,
        on_ack: Callable[[SimStation, Packet], None] | None = None,
    ):
        self.station, self.host, self.port = station, host, port
        self.report, self.timeout = report, timeout
        self.on_ack = on_ack
        self.pending: dict[str, tuple[Packet, float, float]] = {}  # QN → packet, first, last
        self.writer: asyncio.StreamWriter | None = None
        self.acked = asyncio.Event()

    async def connect(self) -> None:
        delay = 0.05
        while True:
            try:
                reader, self.writer = await asyncio.open_connection(self.host, self.port)
            except OSError:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            asyncio.get_running_loop().create_task(self._read(reader, self.writer))
            return

    async def _read(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        decoder = Decoder()
        try:
            while data := await reader.read(65536):
                for item in decoder.feed(data):
                    if isinstance(item, Frame):
                        self._answer(parse_packet(item.data))
        except (ConnectionError, OSError):
            pass
        if self.writer is writer:  # not if a newer connection replaced it meanwhile
            self.writer = None

    def _answer(self, packet: Packet) -> None:
        if packet.cn == "9014" and packet.qn in self.pending:
            sent, first, _ = self.pending.pop(packet.qn)  # type: ignore[arg-type]
            self.report.acked += 1
            self.report.latencies_ms.append((time.perf_counter() - first) * 1000)
            if self.on_ack is not None:
                self.on_ack(self.station, sent)
            if not self.pending:
                self.acked.set()

    async def send(self, packets: Sequence[Packet], *, resend: bool = False) -> None:
        now = time.perf_counter()
        data = []
        for p in packets:
            if resend:
                first = self.pending[p.qn][1]  # type: ignore[index]
                p = replace(p, rf="1")
            else:
                first = now
            self.pending[p.qn] = (p, first, now)  # type: ignore[index]
            data.append(encode(self.station, p))
        while True:
            if self.writer is None:
                self.report.reconnects += 1
                await self.connect()
                fresh = {x.qn for x in packets}
                stale = [p for p, _, _ in self.pending.values() if p.qn not in fresh]
                if stale:  # unacknowledged before the drop: resend, marked RF=1
                    self.report.resent += len(stale)
                    now = time.perf_counter()
                    marked = []
                    for p in stale:
                        p = replace(p, rf="1")
                        self.pending[p.qn] = (p, self.pending[p.qn][1], now)  # type: ignore[index]
                        marked.append(encode(self.station, p))
                    data = marked + data
            try:
                assert self.writer is not None
                self.writer.write(b"".join(data))
                await self.writer.drain()
                return
            except (ConnectionError, OSError, AssertionError):
                self.writer = None

    async def resend_overdue(self) -> None:
        now = time.perf_counter()
        overdue = [p for p, _, last in self.pending.values() if now - last > self.timeout]
        if overdue:
            self.report.resent += len(overdue)
            await self.send(overdue, resend=True)


async def simulate(
    stations: Sequence[SimStation],
    host: str,
    port: int,
    *,
    rate: float,
    count: int | None = None,
    duration: float | None = None,
    cns: Sequence[str] = ("2011", "2051", "2061"),
    start: dt.datetime | None = None,
    step: dt.timedelta = dt.timedelta(seconds=30),
    ack_timeout: float = 10.0,
    drain_timeout: float = 60.0,
    seed: int = 1,
    values: Callable[[str, str, dt.datetime], float | None] | None = None,
    progress: Callable[[SimReport], None] | None = None,
    on_ack: Callable[[SimStation, Packet], None] | None = None,
) -> SimReport:
    """Run ``stations`` against ``host:port`` and report.

    Parameters
    ----------
    rate : float
        Packets per second over all stations [1/s].
    count, duration : int or float, optional
        Stop after ``count`` packets in all, or after ``duration`` [s]; one is needed.
    cns : sequence of str
        Commands sent in turn (2011, 2051, 2061).
    start, step
        DataTime of each station's first packet (default: now, to the minute) and the
        advance per packet (a speed-up when larger than the real interval).
    ack_timeout : float
        Resend an unacknowledged packet (same QN, ``RF=1``) after this long [s].
    drain_timeout : float
        After the last packet, wait this long for missing acknowledgements [s].
    values : callable, optional
        ``values(mn, code, when)`` supplies a value, else one is drawn (:data:`TYPICAL`).
    progress : callable, optional
        Called about once a second with the report so far.
    on_ack : callable, optional
        ``on_ack(station, packet)``, called once per packet when the 9014 echoing its QN
        arrives (``packet`` as last sent, ``RF=1`` if it was resent); e.g. to check later
        that every acknowledged packet is in the store.
    """
    if count is None and duration is None:
        raise ValueError("give count or duration")
    report = SimReport(stations=len(stations))
    rng = random.Random(seed)
    begin = start or dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    links = [_Link(s, host, port, report, ack_timeout, on_ack) for s in stations]
    await asyncio.gather(*(link.connect() for link in links))
    t0 = time.perf_counter()
    seq = 0
    tick = 0.05
    per_tick = rate * tick
    carry = 0.0
    last_progress = t0
    i = 0
    while True:
        elapsed = time.perf_counter() - t0
        if (count is not None and seq >= count) or (duration is not None and elapsed >= duration):
            break
        carry += per_tick
        n = int(carry)
        carry -= n
        if count is not None:
            n = min(n, count - seq)
        batch: dict[int, list[Packet]] = {}
        for _ in range(n):
            k = i % len(links)
            link = links[k]
            nth = i // len(links)
            cn = cns[nth % len(cns)]
            when = begin + step * nth
            pick = None
            if values is not None:
                mn = link.station.mn
                pick = lambda code, t, mn=mn: values(mn, code, t)  # noqa: E731
            batch.setdefault(k, []).append(make_packet(link.station, cn, when, seq, rng, pick))
            seq += 1
            i += 1
        report.sent += n
        await asyncio.gather(*(links[k].send(ps) for k, ps in batch.items()))
        for link in links:
            await link.resend_overdue()
        now = time.perf_counter()
        if progress is not None and now - last_progress >= 1.0:
            report.seconds = now - t0
            progress(report)
            last_progress = now
        target = t0 + (seq / rate if rate else 0)
        await asyncio.sleep(max(0.0, min(tick, target - time.perf_counter())))
    deadline = time.perf_counter() + drain_timeout
    while any(link.pending for link in links) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
        for link in links:
            await link.resend_overdue()
    report.seconds = time.perf_counter() - t0
    report.unacked = sum(len(link.pending) for link in links)
    for link in links:
        if link.writer is not None:
            link.writer.close()
    return report
