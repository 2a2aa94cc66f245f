"""Per-station link options: leniencies, time zone and HJ 212-2025 SM4 keys (sans-I/O).

A station's options live in the registry (the ``hj212`` JSON column of a station); its SM4
keys in the store. :class:`Link` carries both to the decoder. Every leniency is off by
default, and a frame accepted only thanks to one says so (``Frame.crc_method``,
``Frame.length_in_chars``, ``Event.lenient``), so the server can log and count it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from greenpark.hj212.crc import CrcMethod
from greenpark.hj212.packet import DEFAULT_TZ

__all__ = ["LINK_OPTIONS", "Link", "Sm4Wire"]


class Sm4Wire(StrEnum):
    """How a station writes the SM4 ciphertext of the CP area (HJ 212-2025 §6.4, App. A.2).

    Unsettled in the field (hj212_2025.md §5, §8), so it is chosen per station.
    """

    TEXT = "text"
    """The standard's examples: ``CP=&&{0xE4,0x3E,...}<plain tail>&&`` (ASCII on the wire)."""
    RAW = "raw"
    """The ciphertext bytes themselves (may hold CR, LF or ``#``: framed by the length)."""


#: The keys of a station's ``hj212`` options, with what each does (for docs and errors).
LINK_OPTIONS: dict[str, str] = {
    "timezone": "IANA zone of the station's clock (DataTime, SKCreateTime); default Asia/Shanghai",
    "crc": 'check values accepted, in order: any of "hj212", "modbus", "modbus_swapped" '
    '(vendor CRCs: a leniency); default ["hj212"]',
    "char_length": "accept a length field that counts characters, not bytes (a leniency)",
    "missing_header": "accept packets without QN or Flag (a leniency)",
    "sm4": 'HJ 212-2025 SM4 of the CP area: "text" ({0x..} form) or "raw" bytes; absent: '
    "no encryption",
}


@dataclass(frozen=True, slots=True)
class Link:
    """What the decoder needs to know about one station.

    Attributes
    ----------
    timezone : str
        IANA zone in which the station's times are read.
    crc : tuple of CrcMethod
        Check values accepted, tried in order (``hj212`` alone unless lenient).
    char_length : bool
        Accept a length field counting characters (leniency).
    missing_header : bool
        Accept a packet without ``QN`` or ``Flag`` (leniency).
    sm4 : Sm4Wire or None
        Wire form of the SM4 ciphertext; None when the station does not encrypt.
    keys : tuple of bytes
        SM4 keys [16 bytes each], the current key first, then older keys still inside
        their overlap window (HJ 212-2025 §6.4.3).
    """

    timezone: str = DEFAULT_TZ
    crc: tuple[CrcMethod, ...] = (CrcMethod.HJ212,)
    char_length: bool = False
    missing_header: bool = False
    sm4: Sm4Wire | None = None
    keys: tuple[bytes, ...] = ()

    @property
    def lenient(self) -> bool:
        """True when any leniency option is on."""
        return self.crc != (CrcMethod.HJ212,) or self.char_length or self.missing_header

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | None, keys: tuple[bytes, ...] = ()) -> Link:
        """Build a link from a station's ``hj212`` options (see :data:`LINK_OPTIONS`).

        Raises
        ------
        ValueError
            Naming the option at fault: an unknown key, a zone that does not exist, an
            unknown CRC method, a non-boolean flag, an unknown SM4 wire form, or a key
            that is not 16 bytes.
        """
        opts = dict(options or {})
        unknown = sorted(set(opts) - set(LINK_OPTIONS))
        if unknown:
            raise ValueError(f"unknown hj212 option(s) {unknown}; known: {sorted(LINK_OPTIONS)}")
        tz = opts.get("timezone", DEFAULT_TZ)
        try:
            ZoneInfo(str(tz))
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"hj212 option timezone: unknown time zone {tz!r}") from None
        crc_raw = opts.get("crc", ["hj212"])
        if isinstance(crc_raw, str) or not isinstance(crc_raw, list | tuple) or not crc_raw:
            raise ValueError('hj212 option crc: give a non-empty list, e.g. ["hj212"]')
        try:
            crc = tuple(CrcMethod(m) for m in crc_raw)
        except ValueError:
            valid = [m.value for m in CrcMethod]
            raise ValueError(
                f"hj212 option crc: {crc_raw!r}; each must be one of {valid}"
            ) from None
        flags = {}
        for name in ("char_length", "missing_header"):
            value = opts.get(name, False)
            if not isinstance(value, bool):
                raise ValueError(f"hj212 option {name}: {value!r} is not true or false")
            flags[name] = value
        sm4_raw = opts.get("sm4")
        try:
            sm4 = None if sm4_raw is None else Sm4Wire(sm4_raw)
        except ValueError:
            valid = [w.value for w in Sm4Wire]
            raise ValueError(f"hj212 option sm4: {sm4_raw!r} is not one of {valid}") from None
        for k in keys:
            if len(k) != 16:
                raise ValueError(f"SM4 key must be 16 bytes, got {len(k)}")
        return cls(str(tz), crc, flags["char_length"], flags["missing_header"], sm4, tuple(keys))
