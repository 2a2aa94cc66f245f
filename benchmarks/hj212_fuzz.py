"""Fuzz: mutated HJ 212 frames through the stream decoders, then at a live ingest server.

Run ``python benchmarks/hj212_fuzz.py [--frames N] [--server-frames M] [--seed S] [--quick]
[--jobs J] [--skip-decoders | --skip-server] [--server-database URL]``.

Part 1 builds ``N`` mutated frames (default 1,000,000) from the sample frames
(``tests/data/hj212/hj212_samples.txt``) and from simulated packets of a few stations
(strict, lenient, SM4 ``{0x..}`` text form, SM4 raw bytes), and feeds the same stream, cut
into random chunks, through each decoder configuration of :data:`CONFIGS` (plain
``Decoder``, ``Connection`` with and without per-station links, with an error budget,
with length framing). A frame gets one of:

- no change (a *sentinel*: every configuration must find it again);
- byte mutations (:data:`BYTE_MUTATORS`): bit flips, byte insert/delete, truncation,
  ``##`` duplication, random length fields, CR/LF injection, splices, garbage;
- segment mutations (:data:`SEGMENT_MUTATORS`) with the length and CRC made right again
  (and the CP re-encrypted for SM4 stations), so odd values reach the packet parser and the
  server's row and answer code.

Garbage is put between frames at random. No exception may escape a decoder, nor the
server's pure steps after it (``measurement_rows``, the answer and its frame); each one is
counted and printed with where it came from. Outcomes are counted by reason.

Part 2 starts a real ``IngestServer`` on a temporary SQLite store with the stations
registered, blasts ``M`` mutated frames (default 100,000) over several sockets (reconnecting
when the server spends a connection's error budget), then checks that a fresh connection
sending a valid packet with ``A=1`` gets its 9014, that the rows are stored, that the
server's refusal counters equal the quarantine, and that no handler died with an exception;
then sends each frame of :func:`poison_frames` just before a valid packet, which must still
get its 9014. ``--server-database`` runs part 2 on an empty database of your choice (e.g. a
throwaway PostgreSQL, whose column types are stricter than SQLite's). Exit status 1 when any
check fails. A full run (1,000,000 frames, 6 configurations, 2 processes) takes about
6 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import gc
import logging
import os
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from greenpark.hj212 import Decoder, Frame, FrameError, build, parse_packet, reply_for
from greenpark.hj212.connection import Closed, Connection, PacketReceived, Refused
from greenpark.hj212.crc import CrcMethod, crc_hj212, crc_modbus_swapped, format_crc
from greenpark.hj212.crypto import BLOCK, format_brace_hex, sm4_ecb
from greenpark.hj212.frame import encode_frame
from greenpark.hj212.link import Link
from greenpark.hj212.packet import Packet, PacketError
from greenpark.hj212.replies import reply_9013
from greenpark.ingest.rows import DATA_CNS, measurement_rows
from greenpark.ingest.simulate import TYPICAL, SimStation, make_packet

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "hj212" / "hj212_samples.txt"

#: Most bytes a decoder may hold back: header, a char-counted 9999-character segment
#: (4 bytes each in UTF-8), CRC and CR LF [bytes].
BUFFER_LIMIT = 6 + 4 * 9999 + 6

KEY = b"FuzzKey-16bytes!"
RAW_KEY = b"RawFuzzKey16byte"

# --- the stations ------------------------------------------------------------------------


@dataclass(frozen=True)
class FuzzStation:
    """A station the fuzz frames come from; ``server`` ones are registered in part 2."""

    sim: SimStation
    options: dict[str, Any] | None = None
    server: bool = True

    @property
    def link(self) -> Link:
        keys = (self.sim.key,) if self.sim.key is not None else ()
        return Link.from_options(self.options, keys)


STATIONS = (
    FuzzStation(SimStation("FUZZAIR0001", "123456", "ambient_air")),
    FuzzStation(SimStation("FUZZAIR0002", "654321", "ambient_air", version=2)),
    FuzzStation(SimStation("FUZZWATER01", "123456", "surface_water")),
    FuzzStation(SimStation("FUZZOUTLET1", "123456", "wastewater_outlet")),
    FuzzStation(SimStation("FUZZNOISE01", "123456", "noise", timezone="America/New_York")),
    FuzzStation(
        SimStation("FUZZLENIENT", "123456", "ambient_air"),
        {"crc": ["hj212", "modbus_swapped", "modbus"], "char_length": True, "missing_header": True},
    ),
    FuzzStation(
        SimStation("FUZZSM4TEXT", "123456", "ambient_air", version=2, key=KEY, sm4="text"),
        {"sm4": "text"},
    ),
    FuzzStation(
        SimStation("FUZZSM4RAW1", "123456", "ambient_air", version=2, key=RAW_KEY, sm4="raw"),
        {"sm4": "raw"},
        server=False,  # one raw-SM4 station would switch the server to length framing
    ),
)


def links_of(stations: tuple[FuzzStation, ...]) -> Callable[[str], Link | None]:
    """``links(mn)`` over ``stations``, as the server gives it to a ``Connection``."""
    table = {s.sim.mn: s.link for s in stations}
    return table.get


LINKS = links_of(tuple(s for s in STATIONS if s.server))
LINKS_RAW = links_of(STATIONS)

# --- seed frames ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """A frame to mutate, with its plaintext segment and how to encode that again."""

    frame: bytes
    segment: bytes
    key: bytes | None = None
    wire: str = "text"
    crc: str = "hj212"


def frame_of(seg: bytes, key: bytes | None = None, wire: str = "text", crc: str = "hj212") -> bytes:
    """Frame ``seg`` with a right length and CRC (unlike ``encode_frame``, CR, LF and more
    than 9999 bytes are let through); CP encrypted with ``key`` when possible."""
    value = crc_modbus_swapped(seg) if crc == "modbus_swapped" else crc_hj212(seg)
    check = format_crc(value).encode("ascii")
    if key is not None:
        at = seg.find(b"CP=&&")
        if at >= 0 and seg.endswith(b"&&") and len(seg) >= at + 7:
            body = seg[at + 5 : -2]
            cut = len(body) - len(body) % BLOCK
            cipher = sm4_ecb(key, body[:cut])
            if wire == "text":
                cipher = format_brace_hex(cipher).encode("ascii") if cipher else b""
            seg = seg[: at + 5] + cipher + body[cut:] + b"&&"
    return b"##%04d%s%s\r\n" % (len(seg), seg, check)


def load_samples() -> list[Seed]:
    """Every frame line of the sample file (valid, vendor CRC and bad ones alike)."""
    seeds = []
    for line in SAMPLES.read_text(encoding="utf-8").splitlines():
        if line.startswith("##"):
            raw = line.encode("utf-8") + b"\r\n"
            seeds.append(Seed(raw, raw[6:-6]))
    return seeds


def station_seeds(rng: random.Random, per_station: int = 24) -> list[Seed]:
    """Simulated uploads (and a few notifications) of every fuzz station."""
    seeds = []
    when = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC)
    for s in STATIONS:
        for i in range(per_station):
            cn = ("2011", "2051", "2061", "2031")[i % 4]
            p = make_packet(s.sim, cn, when + dt.timedelta(minutes=i), i, rng)
            if i % 6 == 5:
                p = replace(p, rf="1")
            if i % 8 == 7:  # a notification (time calibration request), answered with 9013
                p = replace(p, cn="1013", cp=())
            seg = build(p).encode("utf-8")
            crc = "modbus_swapped" if s.options and "crc" in s.options and i % 2 else "hj212"
            seeds.append(
                Seed(frame_of(seg, s.sim.key, s.sim.sm4, crc), seg, s.sim.key, s.sim.sm4, crc)
            )
        if s.options and s.options.get("char_length"):  # UTF-8 log text, char-counted length
            text = "QN=20240501080000000;ST=22;CN=3020;PW=123456;MN=FUZZLENIENT;Flag=5;"
            text += "CP=&&DataTime=20240501080000;i11001-Info=//仪器故障，请检修//&&"
            raw = b"##%04d%s%s\r\n" % (
                len(text),
                text.encode("utf-8"),
                format_crc(crc_hj212(text.encode("utf-8"))).encode("ascii"),
            )
            seeds.append(Seed(raw, text.encode("utf-8")))
    return seeds


# --- byte mutations (the frame as it may arrive broken) ----------------------------------

SPECIAL = (
    b"#",
    b"##",
    b"\r",
    b"\n",
    b"\r\n",
    b";",
    b",",
    b"=",
    b"&&",
    b"CP=&&",
    b"{",
    b"}",
    b"0x",
    b"//",
    b"-",
    b"\x00",
    b"\xff",
    b"\xe6\xb5",  # a cut UTF-8 sequence
    "测".encode(),
    b"MN=",
)


def _pos(rng: random.Random, b: bytearray) -> int:
    return rng.randint(0, len(b))


def m_bit_flip(rng: random.Random, b: bytearray) -> bytearray:
    for _ in range(rng.randint(1, 8)):
        if b:
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    return b


def m_byte_insert(rng: random.Random, b: bytearray) -> bytearray:
    for _ in range(rng.randint(1, 4)):
        ins = rng.choice(SPECIAL) if rng.random() < 0.5 else rng.randbytes(rng.randint(1, 4))
        at = _pos(rng, b)
        b[at:at] = ins
    return b


def m_byte_delete(rng: random.Random, b: bytearray) -> bytearray:
    for _ in range(rng.randint(1, 4)):
        if b:
            at = rng.randrange(len(b))
            del b[at : at + rng.randint(1, 8)]
    return b


def m_truncate(rng: random.Random, b: bytearray) -> bytearray:
    return b[: rng.randint(0, len(b))] if rng.random() < 0.8 else b[rng.randint(0, len(b)) :]


def m_dup_head(rng: random.Random, b: bytearray) -> bytearray:
    r = rng.random()
    if r < 0.4:
        return bytearray(b"##" * rng.randint(1, 3)) + b
    if r < 0.7 and len(b) > 6:  # a second header in the middle
        at = _pos(rng, b)
        b[at:at] = b[:6]
        return b
    at = _pos(rng, b)
    b[at:at] = b"##"
    return b


LENGTHS = (b"0000", b"9999", b"1024", b"1025", b"10000", b"-001", b"+411", b" 411", b"41", b"ab12")


def m_length_field(rng: random.Random, b: bytearray) -> bytearray:
    if len(b) < 6:
        return b
    r = rng.random()
    if r < 0.4:
        new = b"%04d" % rng.randint(0, 9999)
    elif r < 0.7 and b[2:6].isdigit():
        new = b"%04d" % max(0, int(b[2:6]) + rng.choice((-2, -1, 1, 2)))
    else:
        new = rng.choice(LENGTHS)
    b[2:6] = new
    return b


def m_crlf_inject(rng: random.Random, b: bytearray) -> bytearray:
    for _ in range(rng.randint(1, 3)):
        at = _pos(rng, b)
        b[at:at] = rng.choice((b"\r", b"\n", b"\r\n", b"\n\r", b"\r\n\r\n"))
    return b


def m_garbage(rng: random.Random, b: bytearray) -> bytearray:
    junk = garbage(rng)
    return junk + b if rng.random() < 0.5 else b + junk


BYTE_MUTATORS: dict[str, Callable[[random.Random, bytearray], bytearray]] = {
    "bit_flip": m_bit_flip,
    "byte_insert": m_byte_insert,
    "byte_delete": m_byte_delete,
    "truncate": m_truncate,
    "dup_head": m_dup_head,
    "length_field": m_length_field,
    "crlf_inject": m_crlf_inject,
    "garbage": m_garbage,
}
"""Byte-level mutations; one to three are applied to a frame."""


def garbage(rng: random.Random) -> bytearray:
    """Bytes that are no frame: noise, ASCII, ``#`` runs, false headers, CR LF runs."""
    r = rng.random()
    if r < 0.3:
        return bytearray(rng.randbytes(rng.randint(1, 300)))
    if r < 0.5:
        return bytearray(b"AT+CSQ\r\nOK\r\n+CREG: 0,1\r\n" * rng.randint(1, 3))
    if r < 0.6:
        return bytearray(b"#" * rng.randint(1, 9))
    if r < 0.75:
        return bytearray(b"##%04d" % rng.randint(0, 9999) + rng.randbytes(rng.randint(0, 40)))
    if r < 0.85:
        return bytearray(b"\r\n" * rng.randint(1, 20))
    if r < 0.99:
        return bytearray(b"##" + rng.randbytes(rng.randint(0, 12)))
    return bytearray(rng.randbytes(rng.randint(4096, 20000)))  # a large blob


# --- segment mutations (made valid again: length and CRC right) ---------------------------

HEADER_VALUES: dict[bytes, tuple[bytes, ...]] = {
    b"QN": (b"", b"x", b"20240501080000000999", "٢٠٢٤".encode(), b"Q" * 600),
    b"ST": (b"", b"91", b"99", b"2", b"X", b"22;ST=32"),
    b"CN": (
        b"",
        b"2011",
        b"2051",
        b"2061",
        b"2031",
        b"2021",
        b"1014",
        b"1013",
        b"9015",
        b"9014",
        b"3020",
        b"20111",
        "２０１１".encode(),
    ),
    b"PW": (b"", b"123456", b"1234567", b"x" * 20),
    b"MN": (b"", b"FUZZAIR0001", b"fuzzair0001", b"X" * 40, b"MN=", b"FUZZAIR0001\x00"),
    b"Flag": (
        b"",
        b"0",
        b"1",
        b"4",
        b"5",
        b"8",
        b"9",
        b"13",
        b"-1",
        b"-5",
        b"5 ",
        b" 5",
        "٥".encode(),
        b"1_5",
        b"+5",
        b"0x5",
        b"5.0",
        b"99999999999999999999",
        b"9" * 4301,
    ),
    b"RF": (b"1", b"0", b""),
    b"PNUM": (b"0", b"-1", b"abc", b"2"),
    b"PNO": (b"0", b"1", b"3"),
}

CP_VALUES = (
    b"",
    b"nan",
    b"NaN",
    b"inf",
    b"-inf",
    b"1e400",
    b"-1e400",
    b"1e-400",
    b"1_000",
    "١٢٣".encode(),
    b"0x10",
    b"--1",
    b" 1 ",
    b"1" * 400,
    b"//log;with,=//",
    b"//open",
    b"\x00",
    b"N",
)
DATA_TIMES = (
    b"",
    b"00010101000000",
    b"00000101000000",
    b"99991231235959",
    b"99991231235959999",
    b"20240230120000",
    b"2024010112000",
    "٢٠٢٤٠١٠١١٢٠٠٠٠".encode(),
    b" 20240101120000 ",
    b"20241301120000",
    b"20240101246000",
    b"+2024010112000",
    b"2024010112000.5",
    b"19700101000000",
    b"20240310020000",  # a gap hour in America/New_York
)
CP_KEYS = (b"", b"-", b"a34004-", b"-Rtd", b"a" * 40 + b"-Rtd", b"a34004-Rtd-Rtd", b"DataTime")


def _split_segment(seg: bytes) -> tuple[list[bytes], bytes] | None:
    at = seg.find(b"CP=&&")
    if at < 0 or not seg.endswith(b"&&"):
        return None
    head = seg[:at].rstrip(b";")
    return (head.split(b";") if head else []), seg[at + 5 : -2]


def _join_segment(head: list[bytes], cp: bytes) -> bytes:
    return b";".join([*head, b"CP=&&" + cp + b"&&"])


def s_header(rng: random.Random, seg: bytes) -> bytes:
    parts = _split_segment(seg)
    if parts is None:
        return seg
    head, cp = parts
    name = rng.choice(tuple(HEADER_VALUES))
    value = rng.choice(HEADER_VALUES[name])
    found = [i for i, p in enumerate(head) if p.split(b"=", 1)[0] == name]
    r = rng.random()
    if found and r < 0.6:
        head[found[0]] = name + b"=" + value
    elif found and r < 0.75:
        del head[found[0]]
    elif found and r < 0.85:
        head.insert(rng.randint(0, len(head)), head[found[0]])  # repeated field
    elif r < 0.95:
        head.insert(rng.randint(0, len(head)), name + b"=" + value)
    else:
        head.insert(rng.randint(0, len(head)), name)  # a piece without "="
    return _join_segment(head, cp)


def s_cp(rng: random.Random, seg: bytes) -> bytes:
    parts = _split_segment(seg)
    if parts is None:
        return seg
    head, cp = parts
    groups = [g.split(b",") for g in cp.split(b";")] if cp else [[b"DataTime=20240501080000"]]
    gi = rng.randrange(len(groups))
    ii = rng.randrange(len(groups[gi]))
    key, _, value = groups[gi][ii].partition(b"=")
    r = rng.random()
    if r < 0.3:
        groups[0][0] = b"DataTime=" + rng.choice(DATA_TIMES)
    elif r < 0.6:
        groups[gi][ii] = key + b"=" + rng.choice(CP_VALUES)
    elif r < 0.75:
        groups[gi][ii] = rng.choice(CP_KEYS) + b"=" + value
    elif r < 0.85:
        groups[gi][ii] = key  # an item without "="
    elif r < 0.95:
        groups.insert(rng.randint(0, len(groups)), [b""])  # empty group
    else:
        groups = []  # no CP content at all
    return _join_segment(head, b";".join(b",".join(g) for g in groups))


def s_bytes(rng: random.Random, seg: bytes) -> bytes:
    b = bytearray(seg)
    op = rng.choice((m_bit_flip, m_byte_insert, m_byte_delete, m_crlf_inject))
    return bytes(op(rng, b))


def s_inflate(rng: random.Random, seg: bytes) -> bytes:
    """Pad the QN (or the CP) so the segment reaches a size near a limit."""
    target = rng.choice((1024, 1025, 4096, 9990, 9998, 9999, 10000, 10010))
    pad = target - len(seg)
    if pad <= 0:
        return seg
    if rng.random() < 0.5 and b"QN=" in seg:
        at = seg.find(b"QN=") + 3
        return seg[:at] + b"7" * pad + seg[at:]
    parts = _split_segment(seg)
    if parts is None:
        return seg + b"x" * pad
    head, cp = parts
    filler = b";x99999-Rtd=" + b"1" * max(0, pad - 12)
    return _join_segment(head, cp + filler[:pad])


def s_structure(rng: random.Random, seg: bytes) -> bytes:
    r = rng.random()
    if r < 0.2:
        return seg.replace(b"CP=&&", b"CP=&", 1)
    if r < 0.4:
        return seg[:-2] if seg.endswith(b"&&") else seg
    if r < 0.55:
        return seg + b"&&"
    if r < 0.7:
        return seg.replace(b";", b",", rng.randint(1, 3))
    if r < 0.8:
        return seg[: rng.randint(0, len(seg))]
    if r < 0.9:  # the header without ST (an answer echoes more than it got)
        parts = _split_segment(seg)
        if parts is None:
            return seg
        head, cp = parts
        return _join_segment([p for p in head if not p.startswith(b"ST=")], cp)
    return b""


SEGMENT_MUTATORS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "header": s_header,
    "cp": s_cp,
    "bytes": s_bytes,
    "inflate": s_inflate,
    "structure": s_structure,
}
"""Segment mutations; the frame is rebuilt with the right length and CRC afterwards."""


def s_cipher_text(rng: random.Random, frame: bytes) -> bytes:
    """Break the ``{0x..}`` text of an SM4 frame, length and CRC field kept as they are."""
    at = frame.find(b"{0x")
    if at < 0:
        return frame
    r = rng.random()
    if r < 0.25:
        new = frame[:at] + frame[at:].replace(b"}", b"", 1)
    elif r < 0.5:
        new = frame[:at] + frame[at:].replace(b",0x", b",0xZ", 1)
    elif r < 0.75:
        new = frame[:at] + frame[at:].replace(b",0x", b",", 1)
    else:
        new = frame[:at] + b"{0x-1," + frame[at + 1 :]
    seg = new[6:-6]
    return b"##%04d" % len(seg) + new[6:]


# --- the mutated stream ----------------------------------------------------------------------


@dataclass
class Batch:
    """Mutated frames joined into one stream."""

    stream: bytes
    frames: int
    sentinels: set[bytes]
    kinds: collections.Counter[str]


class Mutator:
    """Makes batches of mutated frames from the seeds, reproducibly from ``seed``."""

    def __init__(self, seeds: list[Seed], sentinels: list[Seed], seed: int) -> None:
        self.seeds = seeds
        self.sentinels = sentinels
        self.rng = random.Random(seed)
        self.byte_names = tuple(BYTE_MUTATORS)
        self.seg_names = tuple(SEGMENT_MUTATORS)
        self.count = 0

    def frame(self, kinds: collections.Counter[str]) -> tuple[bytes, bool]:
        """One frame and whether it is an untouched sentinel (valid, with a unique QN)."""
        rng = self.rng
        r = rng.random()
        if r < 0.08:
            kinds["none"] += 1
            self.count += 1
            seg = rng.choice(self.sentinels).segment
            at = seg.find(b"QN=") + 3
            end = seg.find(b";", at)
            return frame_of(seg[:at] + b"9%016d" % self.count + seg[end:]), True
        seed = rng.choice(self.seeds)
        if r < 0.45:
            name = rng.choice(self.seg_names)
            kinds[f"segment:{name}"] += 1
            seg = SEGMENT_MUTATORS[name](rng, seed.segment)
            if rng.random() < 0.3:
                seg = SEGMENT_MUTATORS[rng.choice(self.seg_names)](rng, seg)
            key = seed.key
            if key is not None and rng.random() < 0.15:
                key = None if rng.random() < 0.5 else RAW_KEY if key == KEY else KEY
            return frame_of(seg, key, seed.wire, seed.crc), False
        if seed.key is not None and seed.wire == "text" and r < 0.5:
            kinds["cipher_text"] += 1
            return s_cipher_text(rng, seed.frame), False
        b = bytearray(seed.frame)
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            name = rng.choice(self.byte_names)
            kinds[f"byte:{name}"] += 1
            b = BYTE_MUTATORS[name](rng, b)
        return bytes(b), False

    def pieces(self, n: int) -> tuple[list[bytes], set[bytes], collections.Counter[str]]:
        """``n`` frames (garbage between some), the sentinels among them, mutation counts."""
        rng = self.rng
        kinds: collections.Counter[str] = collections.Counter()
        sentinels: set[bytes] = set()
        pieces: list[bytes] = []
        for _ in range(n):
            if rng.random() < 0.05:
                pieces.append(bytes(garbage(rng)))
                kinds["between:garbage"] += 1
            frame, intact = self.frame(kinds)
            if intact:
                sentinels.add(frame)
            pieces.append(frame)
        return pieces, sentinels, kinds

    def batch(self, n: int) -> Batch:
        pieces, sentinels, kinds = self.pieces(n)
        return Batch(b"".join(pieces), n, sentinels, kinds)


def chunks(rng: random.Random, data: bytes) -> list[bytes]:
    """``data`` cut as a socket might deliver it: mostly reads of 1 B-64 KiB, sometimes tiny."""
    mode = rng.random()
    out = []
    pos = 0
    while pos < len(data):
        if mode < 0.03:
            n = rng.randint(1, 32)
        elif mode < 0.08:
            n = len(data)
        else:
            n = int(2 ** rng.uniform(0, 16))
        out.append(data[pos : pos + n])
        pos += n
    return out


# --- the decoder configurations --------------------------------------------------------------


@dataclass
class Escape:
    """An exception that got out, with where and the bytes that triggered it."""

    config: str
    stage: str
    error: str
    where: str
    data: bytes


@dataclass
class Feeder:
    """One decoder configuration, fed chunk after chunk; counts outcomes."""

    name: str
    make: Callable[[], Decoder | Connection]
    pipeline: bool = False  # also run measurement_rows and the answer, as the server does
    outcomes: collections.Counter[str] = field(default_factory=collections.Counter)
    escapes: list[Escape] = field(default_factory=list)
    escape_counts: collections.Counter[str] = field(default_factory=collections.Counter)
    violations: collections.Counter[str] = field(default_factory=collections.Counter)
    outstanding: set[bytes] = field(default_factory=set)  # sentinels not found yet
    recovered: int = 0
    placed: int = 0
    seconds: float = 0.0
    bytes_in: int = 0

    def __post_init__(self) -> None:
        self.state = self.make()

    def feed(self, data: bytes) -> None:
        try:
            if isinstance(self.state, Decoder):
                self._decoder(self.state.feed(data))
            else:
                self._connection(self.state.receive_data(data))
        except Exception as exc:
            self._escape("decode", exc, data)
            self.state = self.make()
        if self.state.buffered > BUFFER_LIMIT:
            self.violations["buffer_over_limit"] += 1

    def _found(self, raw: bytes) -> None:
        if raw in self.outstanding:
            self.outstanding.discard(raw)
            self.recovered += 1

    def _decoder(self, items: list[Frame | FrameError]) -> None:
        out = self.outcomes
        for item in items:
            if isinstance(item, Frame):
                out["frame"] += 1
                self._found(item.raw)
                if not (item.raw.startswith(b"##") and item.raw.endswith(b"\r\n")):
                    self.violations["frame_not_##..CRLF"] += 1
                if b"\r" in item.raw[:-2] or b"\n" in item.raw[:-2]:
                    out["frame_with_cr_or_lf_inside"] += 1
            else:
                out[f"refused:{item.reason.value}"] += 1

    def _connection(self, events: list[Any]) -> None:
        out = self.outcomes
        for event in events:
            if isinstance(event, PacketReceived):
                out["packet:lenient" if event.lenient else "packet"] += 1
                self._found(event.frame.raw)
                if "\r" in event.frame.data or "\n" in event.frame.data:
                    out["packet_with_cr_or_lf_inside"] += 1
                if self.pipeline:
                    self._server_steps(event)
            elif isinstance(event, Refused):
                out[f"refused:{event.reason}"] += 1
            elif isinstance(event, Closed):
                out["closed(error budget)"] += 1
                self.state = self.make()  # the station connects again
            else:
                self.violations[f"unknown event {type(event).__name__}"] += 1

    def _server_steps(self, event: PacketReceived) -> None:
        """What the server does with an accepted packet before touching the store."""
        packet = event.packet
        link = LINKS_RAW(packet.mn or "") or Link()
        stage = "rows"
        try:
            if (packet.cn or "") in DATA_CNS:
                try:
                    measurement_rows(packet, 1, link.timezone)
                    self.outcomes["rows:ok"] += 1
                except PacketError:
                    self.outcomes["rows:bad_packet"] += 1
            stage = "answer"
            reply = reply_for(packet) if packet.cn != "1014" else reply_9013(packet)
            if reply is not None:
                try:
                    encode_frame(build(reply))
                except ValueError:  # the echo would pass 9999 bytes: the server refuses it
                    self.outcomes["answer:unanswerable"] += 1
                else:
                    self.outcomes[f"answer:{reply.cn}"] += 1
        except Exception as exc:
            self._escape(stage, exc, event.frame.raw)

    def _escape(self, stage: str, exc: Exception, data: bytes) -> None:
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(tb.filename).name}:{tb.lineno} in {tb.name}"
        key = f"{stage}: {type(exc).__name__} at {where}"
        self.escape_counts[key] += 1
        if self.escape_counts[key] <= 2:
            self.escapes.append(
                Escape(self.name, stage, f"{type(exc).__name__}: {exc}", where, data)
            )

    def summary(self) -> dict[str, Any]:
        """The figures, picklable (for the worker processes)."""
        return {
            "name": self.name,
            "outcomes": self.outcomes,
            "escapes": self.escapes,
            "escape_counts": self.escape_counts,
            "violations": self.violations,
            "recovered": self.recovered,
            "placed": self.placed,
            "lost": len(self.outstanding),
            "seconds": self.seconds,
            "bytes_in": self.bytes_in,
        }


CONFIGS: dict[str, tuple[Callable[[], Decoder | Connection], bool]] = {
    "decoder": (Decoder, False),
    "decoder_lenient": (
        lambda: Decoder(crc_methods=tuple(CrcMethod), allow_char_length=True),
        False,
    ),
    "connection": (lambda: Connection(error_budget=10**9), True),
    "connection_links": (lambda: Connection(LINKS, error_budget=10**9), True),
    "connection_links_raw": (
        lambda: Connection(LINKS_RAW, error_budget=10**9, length_framing=True),
        True,
    ),
    "connection_budget": (lambda: Connection(LINKS), True),
}
"""Decoder configurations: name → (factory, run the server's pure steps on packets).

Every one but ``connection_budget`` has an error budget no fuzz run can spend, so every
sentinel must come out; ``connection_budget`` closes (and reopens) as the server would.
"""


def sentinel_seeds(seeds: list[Seed]) -> list[Seed]:
    """Seeds that every configuration accepts on their own (they must always be found)."""
    keep = []
    for seed in seeds:
        ok = seed.key is None and seed.crc == "hj212"
        for make, _ in CONFIGS.values():
            state = make()
            if isinstance(state, Decoder):
                items = state.feed(seed.frame)
                ok &= len(items) == 1 and isinstance(items[0], Frame)
            else:
                events = state.receive_data(seed.frame)
                ok &= len(events) == 1 and isinstance(events[0], PacketReceived)
        if ok:
            keep.append(seed)
    return keep


def run_decoders(
    n: int, seed: int, names: list[str], batch_size: int = 4000
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Part 1 for the configurations ``names``; every worker makes the same stream."""
    seeds = load_samples() + station_seeds(random.Random(seed))
    sentinels = sentinel_seeds(seeds)
    mutator = Mutator(seeds, sentinels, seed)
    feeders = [Feeder(name, *CONFIGS[name]) for name in names]
    cutters = {name: random.Random(f"{seed}:{name}") for name in names}
    kinds: collections.Counter[str] = collections.Counter()
    done = 0
    gen_s = 0.0
    stream_bytes = 0
    t_start = time.perf_counter()
    last_report = t_start
    while done < n:
        t0 = time.perf_counter()
        batch = mutator.batch(min(batch_size, n - done))
        gen_s += time.perf_counter() - t0
        kinds.update(batch.kinds)
        stream_bytes += len(batch.stream)
        for feeder in feeders:
            pieces = chunks(cutters[feeder.name], batch.stream)
            feeder.outstanding |= batch.sentinels
            feeder.placed += len(batch.sentinels)
            t0 = time.perf_counter()
            for piece in pieces:
                feeder.feed(piece)
            feeder.seconds += time.perf_counter() - t0
            feeder.bytes_in += len(batch.stream)
        done += batch.frames
        if time.perf_counter() - last_report > 60:
            last_report = time.perf_counter()
            print(f"  ... {names[0]}...: {done:,} frames, {last_report - t_start:.0f} s")
            sys.stdout.flush()
    for feeder in feeders:  # push out what a decoder still holds (a frame waiting for its tail)
        feeder.feed(b"\r\n" * (BUFFER_LIMIT // 2 + 8))
    info = {
        "seeds": len(seeds),
        "sentinel_seeds": len(sentinels),
        "stream_bytes": stream_bytes,
        "generate_s": gen_s,
        "wall_s": time.perf_counter() - t_start,
        "kinds": kinds,
    }
    return [f.summary() for f in feeders], info


# --- part 2: the live server ---------------------------------------------------------------


class _LogCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.by_level: collections.Counter[str] = collections.Counter()
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.by_level[record.levelname] += 1
        if record.levelno >= logging.ERROR and len(self.errors) < 5:
            self.errors.append(record.getMessage()[:300])


def register(store: Any) -> dict[str, int]:
    """A park and the fuzz stations (SM4 keys included); returns MN → station id."""
    from sqlalchemy import insert, select

    from greenpark.store.ingest import add_station_key
    from greenpark.store.schema import Park, Station

    now = dt.datetime.now(dt.UTC)
    with store.write() as c:
        c.execute(insert(Park).values(id=1, code="FUZZ", name="Fuzz park"))
        for i, s in enumerate(st for st in STATIONS if st.server):
            c.execute(
                insert(Station).values(
                    id=i + 1,
                    park_id=1,
                    code=f"F{i}",
                    name=s.sim.mn,
                    kind=s.sim.kind,
                    mn=s.sim.mn,
                    pw=s.sim.pw,
                    hj212=s.options,
                )
            )
            if s.sim.key is not None:
                add_station_key(c, i + 1, s.sim.key, "20240101000000", now, dt.timedelta(0))
        return {mn: sid for sid, mn in c.execute(select(Station.id, Station.mn))}


async def _read_answers(reader: asyncio.StreamReader, counts: collections.Counter[str]) -> None:
    decoder = Decoder()
    try:
        while data := await reader.read(65536):
            for item in decoder.feed(data):
                if isinstance(item, Frame):
                    try:
                        counts[f"answer:{parse_packet(item.data).cn}"] += 1
                    except PacketError:
                        counts["answer:unreadable"] += 1
    except (ConnectionError, OSError):
        counts["read_reset"] += 1


async def _blaster(
    port: int, pieces: list[bytes], rng: random.Random, counts: collections.Counter[str]
) -> None:
    """Send ``pieces`` in sessions: connect, write a few dozen frames in random chunks,
    half-close, read the answers until the server hangs up. One session in ten is long
    (hundreds of frames), enough to spend the error budget."""
    pos = 0
    while pos < len(pieces):
        size = rng.randint(100, 600) if rng.random() < 0.1 else rng.randint(5, 40)
        data = b"".join(pieces[pos : pos + size])
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            counts["connect_failed"] += 1
            await asyncio.sleep(0.05)
            continue
        counts["sessions"] += 1
        counts["frames_sent"] += len(pieces[pos : pos + size])
        pos += size
        answers = asyncio.create_task(_read_answers(reader, counts))
        try:
            at = 0
            while at < len(data) and not answers.done():
                n = int(2 ** rng.uniform(4, 15))
                writer.write(data[at : at + n])
                at += n
                await writer.drain()
            counts["bytes"] += min(at, len(data))
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError):
            counts["write_reset"] += 1
        try:
            await asyncio.wait_for(answers, 30)
        except TimeoutError:
            counts["session_timeout"] += 1
            answers.cancel()
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, OSError):
            pass


async def _valid_exchange(
    port: int, packet: Packet, station: SimStation, before: bytes = b""
) -> tuple[bool, float]:
    """Send one packet (after ``before``, in the same write) on a fresh connection; True
    (and the latency [ms]) if its 9014 comes."""
    t0 = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(before + encode_frame(build(packet), key=station.key, sm4=station.sm4))
    await writer.drain()
    decoder = Decoder()
    ok = False
    try:
        async with asyncio.timeout(10):
            while not ok and (data := await reader.read(65536)):
                for item in decoder.feed(data):
                    if isinstance(item, Frame):
                        answer = parse_packet(item.data)
                        ok |= answer.cn == "9014" and answer.qn == packet.qn
    except (TimeoutError, ConnectionError):
        pass
    writer.close()
    try:
        await writer.wait_closed()
    except (ConnectionError, OSError):
        pass
    return ok, (time.perf_counter() - t0) * 1000


def poison_frames(station: SimStation) -> dict[str, bytes]:
    """Frames the fuzzer found that a well-behaved server must refuse (or answer) without
    dropping the connection: each is sent just before a valid packet in the same write."""
    head = f"ST={station.st};CN=2011;PW={station.pw};MN={station.mn};Flag=5;CP=&&"
    items = "a34004-Rtd=30,a34004-Flag=N&&"
    notify = f"CN=1013;PW={station.pw};MN={station.mn};Flag=5;CP=&&&&"  # no ST
    long_qn = "7" * (9999 - len("QN=;") - len(notify))
    return {
        "datatime_year_0001": frame_of(
            f"QN=20240501080000001;{head}DataTime=00010101000000;{items}".encode()
        ),
        "lone_cr_in_qn": frame_of(
            f"QN=2024050108\r0000002;{head}DataTime=20240501080000;{items}".encode()
        ),
        "answer_over_9999_bytes": frame_of(f"QN={long_qn};{notify}".encode()),
    }


async def _wait_idle(server: Any) -> None:
    for _ in range(200):  # let the server notice every hang-up
        if server.stats.connections_open == 0:
            return
        await asyncio.sleep(0.05)


async def run_server(
    n: int, seed: int, database: str | None = None, sockets: int = 8
) -> tuple[dict[str, Any], list[str]]:
    """Part 2 on ``database`` (default: a temporary SQLite file); returns the figures and
    the failed checks."""
    from sqlalchemy import func, select

    from greenpark.ingest import IngestConfig, IngestServer
    from greenpark.store import Store
    from greenpark.store.ingest import quarantine_counts
    from greenpark.store.schema import Measurement, Station

    rng = random.Random(seed + 1)
    server_stations = tuple(s for s in STATIONS if s.server)
    server_mns = {s.sim.mn for s in server_stations}
    seeds = load_samples() + [
        s for s in station_seeds(rng) if (parse_mn(s.segment) or "") in server_mns
    ]
    # Half the stream is valid uploads with A=1: the budget is earned back, rows get written.
    mutator = Mutator(seeds, sentinel_seeds(seeds), seed + 2)
    t0 = time.perf_counter()
    shares = [mutator.pieces(n // sockets)[0] for _ in range(sockets)]
    gen_s = time.perf_counter() - t0

    failures: list[str] = []
    loop_errors: list[str] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(
        lambda _loop, ctx: loop_errors.append(f"{ctx.get('message')}: {ctx.get('exception')!r}")
    )
    logs = _LogCounter()
    ingest_log = logging.getLogger("greenpark.ingest")
    ingest_log.addHandler(logs)
    ingest_log.setLevel(logging.DEBUG)
    ingest_log.propagate = False

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(database or f"sqlite:///{Path(tmp) / 'fuzz.db'}")
        store.migrate()
        with store.read() as c:
            if c.execute(select(func.count()).select_from(Station)).scalar_one():
                raise SystemExit(f"{store.dialect} database is not empty: give an empty one")
        ids = register(store)
        server = IngestServer(store, IngestConfig(port=0))
        await server.start()
        assert server.port is not None
        counts: collections.Counter[str] = collections.Counter()
        t0 = time.perf_counter()
        await asyncio.gather(
            *(
                _blaster(server.port, share, random.Random(seed + 10 + i), counts)
                for i, share in enumerate(shares)
            )
        )
        blast_s = time.perf_counter() - t0
        await _wait_idle(server)
        stuck = [
            "".join(traceback.format_stack(t.get_stack(limit=8)[-1], limit=1)).strip()
            for t in asyncio.all_tasks()
            if t is not asyncio.current_task() and t.get_stack()
        ]

        station = server_stations[0].sim
        when = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        probe = make_packet(station, "2011", when, 1, random.Random(0))
        probe_ok, probe_ms = await _valid_exchange(server.port, probe, station)
        sm4 = next(s.sim for s in server_stations if s.sim.key is not None)
        probe_sm4 = make_packet(sm4, "2061", when, 2, random.Random(0))
        sm4_ok, sm4_ms = await _valid_exchange(server.port, probe_sm4, sm4)
        poisons = {}
        for i, (name, frame) in enumerate(poison_frames(station).items()):
            packet = make_packet(station, "2011", when + dt.timedelta(minutes=i + 1), 3 + i, rng)
            poisons[name], _ = await _valid_exchange(server.port, packet, station, frame)

        await _wait_idle(server)
        stats = server.stats.as_dict()
        open_after = server.stats.connections_open
        await server.close()
        gc.collect()  # "Task exception was never retrieved" shows up here
        await asyncio.sleep(0)
        with store.read() as c:
            quarantined = quarantine_counts(c)
            probe_rows = c.execute(
                select(func.count())
                .select_from(Measurement)
                .where(Measurement.station_id == ids[station.mn])
                .where(Measurement.time == when)
            ).scalar_one()
            rows_total = c.execute(select(func.count()).select_from(Measurement)).scalar_one()
        store.dispose()

    ingest_log.removeHandler(logs)
    ingest_log.propagate = True
    refused = dict(server.stats.refused)
    if not probe_ok:
        failures.append("fresh connection: no 9014 for a valid packet with A=1")
    if not sm4_ok:
        failures.append("fresh connection: no 9014 for a valid SM4 packet with A=1")
    for name, ok in poisons.items():
        if not ok:
            failures.append(f"a valid packet after a '{name}' frame got no 9014")
    if probe_rows != len(TYPICAL[station.kind]):
        failures.append(f"probe packet: {probe_rows} rows, expected {len(TYPICAL[station.kind])}")
    if refused != quarantined:
        diff = {
            k: (refused.get(k, 0), quarantined.get(k, 0))
            for k in set(refused) | set(quarantined)
            if refused.get(k, 0) != quarantined.get(k, 0)
        }
        failures.append(f"refusal counters != quarantine rows, reason: (counted, kept) {diff}")
    if not refused:
        failures.append("the server refused nothing")
    if stats["commit_errors"]:
        failures.append(f"{stats['commit_errors']} commit errors")
    if open_after:
        failures.append(
            f"{open_after} connections still counted open after the blast; tasks at: {stuck}"
        )
    if loop_errors:
        failures.append(f"{len(loop_errors)} handler exceptions: {loop_errors[:3]}")
    if logs.errors:
        failures.append(f"error log lines: {logs.errors}")

    figures = {
        "frames": n,
        "sockets": sockets,
        "generate_s": gen_s,
        "blast_s": blast_s,
        "frames_per_s": counts["frames_sent"] / blast_s,
        "frames_sent": counts["frames_sent"],
        "mb_sent": counts["bytes"] / 1e6,
        "client_sessions": counts["sessions"],
        "client_write_resets": counts["write_reset"],
        "client_session_timeouts": counts["session_timeout"],
        "answers_9014": counts["answer:9014"],
        "answers_9013": counts["answer:9013"],
        "server_packets_ok": stats["packets_ok"],
        "server_refused": stats["refused"],
        "server_duplicates": stats["duplicates"],
        "server_acks": stats["acks"],
        "server_rows_written": stats["rows_written"],
        "server_commits": stats["commits"],
        "server_keys_rotated": stats["keys_rotated"],
        "server_lenient": stats["lenient"],
        "server_closed": stats["connections"]["closed"],
        "server_ack_ms": stats["ack_latency_ms"],
        "server_commit_ms": stats["commit_latency_ms"],
        "refused_by_reason": stats["refused_by_reason"],
        "quarantine_rows": sum(quarantined.values()),
        "measurement_rows": rows_total,
        "probe_9014": probe_ok,
        "probe_ms": probe_ms,
        "probe_sm4_9014": sm4_ok,
        "probe_sm4_ms": sm4_ms,
        **{f"after_{name}_9014": ok for name, ok in poisons.items()},
        "log_lines_by_level": dict(logs.by_level),
        "handler_exceptions": len(loop_errors),
    }
    return figures, failures


def parse_mn(seg: bytes) -> str | None:
    at = seg.find(b"MN=")
    if at < 0:
        return None
    end = seg.find(b";", at)
    return seg[at + 3 : end].decode("utf-8", "replace")


# --- report ------------------------------------------------------------------------------------


def _line(name: str, value: Any) -> None:
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    print(f"{name:34s} {text}")


def part_decoders(args: argparse.Namespace, failures: list[str]) -> None:
    """Part 1: run and print; failed checks are appended to ``failures``."""
    print("== part 1: stream decoders ==")
    t0 = time.perf_counter()
    names = list(CONFIGS)
    groups = [names[i :: args.jobs] for i in range(args.jobs)]
    if args.jobs == 1:
        results = [run_decoders(args.frames, args.seed, groups[0])]
    else:
        with ProcessPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(run_decoders, args.frames, args.seed, g) for g in groups]
            results = [f.result() for f in futures]
    feeders = sorted((f for r, _ in results for f in r), key=lambda f: names.index(f["name"]))
    info = results[0][1]
    _line("frames_per_config", args.frames)
    _line("configs", len(feeders))
    _line("processes", args.jobs)
    _line("seed_frames", info["seeds"])
    _line("sentinel_seeds", info["sentinel_seeds"])
    _line("stream_mb_per_config", info["stream_bytes"] / 1e6)
    _line("generate_s_per_process", info["generate_s"])
    _line("wall_s", time.perf_counter() - t0)
    _line("frames_decoded_all_configs", args.frames * len(feeders))
    _line("frames_per_s_all_configs", args.frames * len(feeders) / (time.perf_counter() - t0))
    total_escapes = 0
    for f in feeders:
        print(f"-- {f['name']}")
        _line("  decode_s", f["seconds"])
        _line("  frames_per_s", args.frames / f["seconds"])
        _line("  mb_per_s", f["bytes_in"] / f["seconds"] / 1e6)
        for key, value in sorted(f["outcomes"].items()):
            _line(f"  {key}", value)
        _line("  sentinels_recovered", f"{f['recovered']:,} / {f['placed']:,}")
        _line("  escaped_exceptions", f["escape_counts"].total())
        total_escapes += f["escape_counts"].total()
        for key, value in f["violations"].items():
            _line(f"  violation:{key}", value)
            failures.append(f"{f['name']}: {key} x{value}")
        if f["name"] != "connection_budget" and f["lost"]:
            failures.append(f"{f['name']}: {f['lost']} sentinel frames lost")
    print("-- mutations applied (per config)")
    for key, value in sorted(info["kinds"].items()):
        _line(f"  {key}", value)
    if total_escapes:
        print("-- escaped exceptions")
        for f in feeders:
            for key, value in f["escape_counts"].items():
                print(f"  {f['name']}: {value:,} x {key}")
        seen = set()
        for e in [e for f in feeders for e in f["escapes"]]:
            if (e.stage, e.where) in seen:
                continue
            seen.add((e.stage, e.where))
            print(f"  e.g. {e.config}/{e.stage}: {e.error} ({e.where})")
            print(f"       bytes[:200]={e.data[:200]!r}")
        failures.append(f"{total_escapes} exceptions escaped")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=1_000_000, help="frames for part 1")
    parser.add_argument("--server-frames", type=int, default=100_000, help="frames for part 2")
    parser.add_argument("--seed", type=int, default=212)
    parser.add_argument("--quick", action="store_true", help="50,000 + 10,000 frames")
    parser.add_argument("--skip-server", action="store_true", help="part 1 only")
    parser.add_argument("--skip-decoders", action="store_true", help="part 2 only")
    parser.add_argument(
        "--server-database",
        metavar="URL",
        help="an EMPTY database for part 2, e.g. a throwaway PostgreSQL (default: temp SQLite)",
    )
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    if args.quick:
        args.frames, args.server_frames = 50_000, 10_000

    failures: list[str] = []
    if not args.skip_decoders:
        part_decoders(args, failures)
    if not args.skip_server:
        print("== part 2: live ingest server ==")
        figures, server_failures = asyncio.run(
            run_server(args.server_frames, args.seed, args.server_database)
        )
        for key, value in figures.items():
            _line(key, value)
        failures += server_failures

    print("== result ==")
    for failure in failures:
        print(f"FAIL {failure}")
    print("PASS" if not failures else f"FAIL ({len(failures)} checks)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
