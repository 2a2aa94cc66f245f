"""Packets: parse and build the data segment of an HJ 212 frame (sans-I/O).

Grammar (HJ 212-2017 6.3.3 table 3 and 6.3.3.1; HJ 212-2025 6.3 adds ``RF``)::

    segment = header *( ";" header ) ";" "CP=&&" cp "&&"
    header  = name "=" value       ; QN ST CN PW MN Flag PNUM PNO (RF), any order
    cp      = [ group *( ";" group ) ]
    group   = item *( "," item )   ; one pollutant's values, e.g. w01018-Rtd=40.1,w01018-Flag=N
    item    = key "=" value        ; key = code "-" suffix (split at the LAST "-") or a plain field

Values stay the exact wire strings, so ``build(parse(s)) == s`` for any segment without
stray spaces; :attr:`CpItem.number` gives the value as :class:`decimal.Decimal` (exact, no
binary rounding) when it is numeric. Log text in ``//...//`` (``i11001-Info``) may hold
``;``, ``,`` and ``=`` and is kept whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from greenpark.errors import InputError

__all__ = [
    "DEFAULT_TZ",
    "HEADER_FIELDS",
    "CpItem",
    "Packet",
    "PacketError",
    "Version",
    "build",
    "parse_hj_time",
    "parse_packet",
]

DEFAULT_TZ = "Asia/Shanghai"
"""Station time zone used when none is configured (HJ 212 times carry no offset)."""

HEADER_FIELDS = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO", "RF")
"""Header names in the standard's order (HJ 212-2017 table 3; RF from HJ 212-2025 table 3)."""

_ATTR = {"QN": "qn", "ST": "st", "CN": "cn", "PW": "pw", "MN": "mn", "PNUM": "pnum", "PNO": "pno"}
_ATTR.update({"RF": "rf"})


class PacketError(InputError):
    """A data segment that does not follow the HJ 212 grammar (a remote protocol error)."""


class Version(IntEnum):
    """Protocol edition, from ``Flag >> 2`` (HJ 212-2017 table 3; HJ 212-2025 table 3)."""

    HJ212_2005 = 0
    HJ212_2017 = 1
    HJ212_2025 = 2


class CpItem(NamedTuple):
    """One ``key=value`` item of the CP data area (HJ 212-2017 6.3.3.1, table 4).

    ``value`` is None for an item written without ``=``. A named tuple (immutable,
    hashable) because a packet holds dozens of them and parsing speed matters.
    """

    key: str
    value: str | None

    @property
    def code(self) -> str:
        """The part before the last ``-`` (``a21026-i22004`` for ``a21026-i22004-Info``)."""
        head, sep, _ = self.key.rpartition("-")
        return head if sep else self.key

    @property
    def suffix(self) -> str | None:
        """The part after the last ``-`` (``Rtd``, ``Flag``, ``Avg``...), None for plain fields."""
        _, sep, tail = self.key.rpartition("-")
        return tail if sep else None

    @property
    def number(self) -> Decimal | None:
        """The value as an exact Decimal, or None when it is not a finite number."""
        if self.value is None:
            return None
        try:
            d = Decimal(self.value)
        except InvalidOperation:
            return None
        return d if d.is_finite() else None

    def __str__(self) -> str:
        return self.key if self.value is None else f"{self.key}={self.value}"


@dataclass(frozen=True, slots=True)
class Packet:
    """A parsed data segment.

    Header values are the wire strings (ST may be ``101``, PNO may be ``0002``); ``flag``
    is the integer or None when absent (HJ/T 212-2005). ``cp`` holds the CP groups in order
    (``;``-separated), each a tuple of items (``,``-separated). ``extra`` keeps unknown
    header fields verbatim. ``order`` (ignored by ``==``) remembers the header order so
    :func:`build` reproduces the input; empty means the standard's order.

    References
    ----------
    HJ 212-2017 6.3.3 table 3 (fields), 6.3.3.1 (CP syntax); HJ 212-2025 table 3 (RF).
    """

    qn: str | None = None
    st: str | None = None
    cn: str | None = None
    pw: str | None = None
    mn: str | None = None
    flag: int | None = None
    pnum: str | None = None
    pno: str | None = None
    rf: str | None = None
    cp: tuple[tuple[CpItem, ...], ...] = ()
    extra: tuple[tuple[str, str], ...] = ()
    order: tuple[str, ...] = field(default=(), compare=False)

    @property
    def version(self) -> Version | int:
        """``Flag >> 2``: 0 HJ/T 212-2005 (also when Flag is absent), 1 2017, 2 2025.

        Unknown editions come back as a plain int.
        """
        v = (self.flag or 0) >> 2
        try:
            return Version(v)
        except ValueError:
            return v

    @property
    def ack_wanted(self) -> bool:
        """Flag bit 0 (A): the sender wants an answer (HJ 212-2017 table 3)."""
        return bool((self.flag or 0) & 1)

    @property
    def split(self) -> bool:
        """Flag bit 1 (D): PNUM/PNO present; also True when they come without a Flag."""
        if self.flag is None:
            return self.pnum is not None or self.pno is not None
        return bool(self.flag & 2)

    def items(self) -> Iterator[CpItem]:
        """Every CP item, flattened in order."""
        for group in self.cp:
            yield from group

    def fields(self) -> dict[str, str | None]:
        """CP items as ``{key: value}`` (a later duplicate key wins)."""
        return {i.key: i.value for i in self.items()}

    def get(self, key: str, default: str | None = None) -> str | None:
        """Value of the first CP item named ``key`` (e.g. ``"DataTime"``, ``"w01018-Rtd"``)."""
        for item in self.items():
            if item.key == key:
                return item.value
        return default

    def data_time(self, tz: str | ZoneInfo = DEFAULT_TZ) -> datetime | None:
        """``DataTime`` as an aware datetime in the station's zone, None when absent.

        For minute/hour/day data (CN 2051/2061/2031/2041) it is the start of the period
        (HJ 212-2017 table 4 and tables C.16-C.18). See :func:`parse_hj_time`.
        """
        text = self.get("DataTime")
        return None if text is None else parse_hj_time(text, tz)


def parse_hj_time(text: str, tz: str | ZoneInfo = DEFAULT_TZ) -> datetime:
    """Parse ``YYYYMMDDhhmmss`` (14 digits) or ``YYYYMMDDhhmmsszzz`` (17, with ms).

    Parameters
    ----------
    text : str
        The protocol time (DataTime, SystemTime, QN...).
    tz : str or ZoneInfo, default ``"Asia/Shanghai"``
        The station's IANA zone; HJ 212 times carry no offset.

    Returns
    -------
    datetime
        Aware, in ``tz``.

    References
    ----------
    HJ 212-2017 table 3 (QN) and table 4 (DataTime N14); 17 digits seen in the field
    (hj212.md §5).
    """
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    text = text.strip()
    if len(text) not in (14, 17) or not text.isascii() or not text.isdigit():
        raise PacketError(f"time {text!r} is not 14 or 17 digits")
    try:
        return datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:14]),
            int(text[14:17] or 0) * 1000,
            tzinfo=zone,
        )
    except ValueError as exc:
        raise PacketError(f"time {text!r}: {exc}") from None


def _split_cp(cp: str) -> list[list[str]]:
    if not cp:
        return []
    if "//" not in cp:
        return [g.split(",") for g in cp.split(";")]
    groups: list[list[str]] = []
    items: list[str] = []
    start = 0
    i = 0
    n = len(cp)
    while i < n:
        c = cp[i]
        if c == "/" and cp.startswith("//", i):
            close = cp.find("//", i + 2)
            i = n if close < 0 else close + 2
            continue
        if c == "," or c == ";":
            items.append(cp[start:i])
            if c == ";":
                groups.append(items)
                items = []
            start = i + 1
        i += 1
    items.append(cp[start:])
    groups.append(items)
    return groups


_BLANK = re.compile(r"\s")
_new_item = tuple.__new__  # NamedTuple.__new__ without its keyword handling (hot path)


def _item(text: str) -> CpItem:
    key, sep, value = text.partition("=")
    return _new_item(CpItem, (key.strip(), value if sep else None))  # type: ignore[return-value]


def _item_unspaced(text: str) -> CpItem:
    """:func:`_item` for CP text without blanks (nothing to strip): the usual case."""
    key, sep, value = text.partition("=")
    return _new_item(CpItem, (key, value if sep else None))  # type: ignore[return-value]


def parse_packet(data: str) -> Packet:
    """Parse a data segment into a :class:`Packet`.

    Lenient where the field is (hj212.md §9): header fields in any order, QN/Flag absent
    (2005), ST/PW/MN of any length, spaces around keys trimmed, unknown header fields
    and CP codes kept verbatim. A bare ``Flag=N`` inside CP stays a CP item and never
    touches the header Flag.

    Parameters
    ----------
    data : str
        The data segment, e.g. ``Frame.data``.

    Raises
    ------
    PacketError
        No ``CP=&&...&&``, a header piece without ``=``, a repeated header field or a
        non-integer Flag.

    References
    ----------
    HJ 212-2017 6.3.3 table 3, 6.3.3.1; HJ 212-2025 table 3 (RF).
    """
    idx = data.find("CP=&&")
    if idx < 0:
        raise PacketError("data segment has no 'CP=&&'")
    if not data.endswith("&&") or len(data) < idx + 7:
        raise PacketError("CP data area does not end with '&&'")
    head = data[:idx]
    cp_text = data[idx + 5 : -2]
    if head and not head.endswith(";"):
        raise PacketError("header must end with ';' before 'CP='")
    values: dict[str, object] = {}
    extra: list[tuple[str, str]] = []
    order: list[str] = []
    for piece in head[:-1].split(";") if head else ():
        name, sep, value = piece.partition("=")
        name = name.strip()
        if not sep:
            raise PacketError(f"header item {piece!r} has no '='")
        if name in order:
            raise PacketError(f"header field {name!r} repeated")
        order.append(name)
        if name == "Flag":
            try:
                values["flag"] = int(value)
            except ValueError:
                raise PacketError(f"Flag={value!r} is not an integer") from None
        elif name in _ATTR:
            values[_ATTR[name]] = value
        else:
            extra.append((name, value))
    order.append("CP")
    item = _item if _BLANK.search(cp_text) else _item_unspaced
    cp = tuple([tuple(map(item, group)) for group in _split_cp(cp_text)])
    return Packet(**values, cp=cp, extra=tuple(extra), order=tuple(order))  # type: ignore[arg-type]


def build(packet: Packet) -> str:
    """Write a :class:`Packet` as a data segment (the inverse of :func:`parse_packet`).

    Fields that are None are left out; header order is ``packet.order`` when set,
    otherwise the standard's (QN;ST;CN;PW;MN;Flag;PNUM;PNO;RF; then extras; CP last).

    References
    ----------
    HJ 212-2017 6.3.3 table 3 and figure (data segment structure).
    """
    pairs: dict[str, str | None] = {
        "QN": packet.qn,
        "ST": packet.st,
        "CN": packet.cn,
        "PW": packet.pw,
        "MN": packet.mn,
        "Flag": None if packet.flag is None else str(packet.flag),
        "PNUM": packet.pnum,
        "PNO": packet.pno,
        "RF": packet.rf,
    }
    for name, value in packet.extra:
        pairs[name] = value
    names = list(packet.order) if packet.order else [*pairs, "CP"]
    for name in pairs:  # anything set but missing from a stale order
        if name not in names and pairs[name] is not None:
            names.insert(names.index("CP") if "CP" in names else len(names), name)
    if "CP" not in names:
        names.append("CP")
    parts = []
    for name in names:
        if name == "CP":
            cp = ";".join(",".join(str(i) for i in group) for group in packet.cp)
            parts.append(f"CP=&&{cp}&&")
        elif pairs.get(name) is not None:
            parts.append(f"{name}={pairs[name]}")
    return ";".join(parts)
