"""CRC check values of HJ 212 frames.

The HJ 212 check value ("ANSI CRC16", HJ 212-2017 Appendix A; unchanged in HJ 212-2025
Appendix A.1) is **not** CRC-16/MODBUS: each step replaces the register by
``(register >> 8) ^ byte`` instead of ``register ^ byte``, so the low byte of the previous
value is thrown away. The Modbus variants are kept for the per-station leniency options
(some field devices send the byte-swapped CRC-16/MODBUS, see ``docs/hj212.md``).

References
----------
HJ 212-2017, 6.3.2 table 2 (frame layout) and Appendix A (CRC algorithm and the example
packet ending in ``1C80``; the prose's "1C08" is a typo).
"""

from __future__ import annotations

import sys
from enum import StrEnum

__all__ = [
    "CRC_METHODS",
    "CrcMethod",
    "crc_hj212",
    "crc_matches",
    "crc_modbus",
    "crc_modbus_swapped",
    "format_crc",
]


def _make_table() -> tuple[int, ...]:
    table = []
    for i in range(256):
        reg = i
        for _ in range(8):
            reg = (reg >> 1) ^ 0xA001 if reg & 1 else reg >> 1
        table.append(reg)
    return tuple(table)


_TABLE = _make_table()
_HEX = frozenset("0123456789abcdefABCDEF")


def crc_hj212(data: bytes) -> int:
    """HJ 212 CRC16 of a data segment.

    Parameters
    ----------
    data : bytes
        The data segment only (from ``QN=``/``ST=`` through the closing ``&&``), as the
        bytes sent on the wire (UTF-8 for Chinese text, never UTF-16 units).

    Returns
    -------
    int
        The 16-bit check value; write it with :func:`format_crc`.

    Notes
    -----
    ``reg = 0xFFFF``; for each byte ``b``: ``reg = (reg >> 8) ^ b``, then eight times shift
    right by one and XOR ``0xA001`` when the bit shifted out was 1. Table form:
    ``reg = T[(reg >> 8) ^ b]`` with ``T`` the reflected 0xA001 table.

    References
    ----------
    HJ 212-2017 Appendix A; HJ 212-2025 Appendix A.1.

    Examples
    --------
    >>> format_crc(crc_hj212(b"123456789"))
    '2F80'
    """
    n = len(data)
    if n == 0:
        return 0xFFFF
    # Between bytes only the high byte of the register survives (``reg >> 8``), so two bytes
    # can be taken in one step: with h that byte and w = b1 | b2 << 8 (a little-endian
    # 16-bit word), h = PAIR[w ^ h]. Same result as the byte loop, half the iterations.
    pair = _pair_table()
    h = 0xFF
    body = n - 1  # the last byte gives the full 16-bit register
    odd = body & 1
    if odd:
        h = _TABLE[h ^ data[0]] >> 8
    words = memoryview(data)[odd:body].cast("H") if body > odd else ()
    if _LITTLE:
        for w in words:
            h = pair[w ^ h]
    else:  # pragma: no cover - big-endian machines
        for w in words:
            h = pair[(((w & 0xFF) << 8) | (w >> 8)) ^ h]
    return _TABLE[h ^ data[n - 1]]


_LITTLE = sys.byteorder == "little"
_PAIR: tuple[int, ...] = ()


def _pair_table() -> tuple[int, ...]:
    """``PAIR[b1 | b2 << 8]`` = the high byte after bytes b1, b2 from high byte 0 (built on
    first use: 65,536 entries)."""
    global _PAIR
    if not _PAIR:
        high = [t >> 8 for t in _TABLE]
        _PAIR = tuple(high[high[w & 0xFF] ^ (w >> 8)] for w in range(65536))
    return _PAIR


def crc_modbus(data: bytes) -> int:
    """CRC-16/MODBUS (``reg ^= b``), as a few vendors send instead of the HJ 212 CRC.

    References
    ----------
    Not part of HJ 212; leniency only (hj212.md §3, "vendor variant").
    """
    reg = 0xFFFF
    table = _TABLE
    for b in data:
        reg = (reg >> 8) ^ table[(reg ^ b) & 0xFF]
    return reg


def crc_modbus_swapped(data: bytes) -> int:
    """CRC-16/MODBUS with its two bytes swapped (seen in a real receive log).

    References
    ----------
    Not part of HJ 212; leniency only (hj212.md §3, "vendor variant").
    """
    reg = crc_modbus(data)
    return ((reg & 0xFF) << 8) | (reg >> 8)


def format_crc(value: int) -> str:
    """Write a check value as HJ 212 does: 4 uppercase hex digits, high byte first."""
    return f"{value:04X}"


class CrcMethod(StrEnum):
    """Which check-value algorithm a frame was accepted with."""

    HJ212 = "hj212"
    MODBUS = "modbus"
    MODBUS_SWAPPED = "modbus_swapped"


CRC_METHODS = {
    CrcMethod.HJ212: crc_hj212,
    CrcMethod.MODBUS: crc_modbus,
    CrcMethod.MODBUS_SWAPPED: crc_modbus_swapped,
}
"""Check-value functions by name; ``Decoder(crc_methods=...)`` picks from these."""


def crc_matches(data: bytes, crc_text: str, method: CrcMethod | str = CrcMethod.HJ212) -> bool:
    """Whether ``crc_text`` (4 hex digits, any case) is the check value of ``data``.

    References
    ----------
    HJ 212-2017 Appendix A (algorithm). Case-insensitive because many published packets
    use lowercase hex (hj212.md §3).
    """
    try:
        func = CRC_METHODS[CrcMethod(method)]
    except ValueError:
        valid = ", ".join(m.value for m in CrcMethod)
        raise ValueError(f"unknown CRC method {method!r}; must be one of: {valid}") from None
    if len(crc_text) != 4 or not all(c in _HEX for c in crc_text):
        return False
    return int(crc_text, 16) == func(data)
