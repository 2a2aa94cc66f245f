"""CRC vectors (HJ 212-2017 Appendix A; values recomputed in hj212.md §3)."""

from __future__ import annotations

import pytest

from greenpark.hj212 import crc_hj212, crc_matches, crc_modbus, crc_modbus_swapped
from greenpark.hj212.crc import CRC_METHODS, format_crc

STANDARD_EXAMPLE = (
    b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;"
    b"Flag=5;CP=&&RtdInterval=30&&"
)

VECTORS = [  # (input, HJ 212 CRC, CRC-16/MODBUS)
    (b"", "FFFF", "FFFF"),
    (b"123456789", "2F80", "4B37"),
    (b"A", "7080", None),
    (STANDARD_EXAMPLE, "1C80", "0759"),
]


@pytest.mark.parametrize(("data", "hj", "modbus"), VECTORS)
def test_vectors(data: bytes, hj: str, modbus: str | None) -> None:
    assert format_crc(crc_hj212(data)) == hj
    if modbus is not None:
        assert format_crc(crc_modbus(data)) == modbus
        assert format_crc(crc_modbus_swapped(data)) == modbus[2:] + modbus[:2]


def test_standard_example_is_101_bytes() -> None:
    assert len(STANDARD_EXAMPLE) == 101


def test_bitwise_definition() -> None:
    """The table form equals the standard's bitwise description (Appendix A)."""

    def bitwise(data: bytes) -> int:
        reg = 0xFFFF
        for b in data:
            reg = (reg >> 8) ^ b
            for _ in range(8):
                reg = (reg >> 1) ^ 0xA001 if reg & 1 else reg >> 1
        return reg

    for n in range(300):
        data = bytes((i * 37 + n) % 256 for i in range(n))
        assert crc_hj212(data) == bitwise(data)


@pytest.mark.parametrize("text", ["1C80", "1c80", "1C80".lower().upper(), "1c80".title()])
def test_compare_case_insensitive(text: str) -> None:
    assert crc_matches(STANDARD_EXAMPLE, text)


@pytest.mark.parametrize("text", ["1C08", "0x1C", "1C8", "1C800", " 1C8", "+1C8"])
def test_wrong_or_malformed(text: str) -> None:
    assert not crc_matches(STANDARD_EXAMPLE, text)


def test_unknown_method_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="must be one of: hj212, modbus, modbus_swapped"):
        crc_matches(b"", "FFFF", "crc32")
    assert set(CRC_METHODS) == {"hj212", "modbus", "modbus_swapped"}
