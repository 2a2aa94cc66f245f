"""SM4 for HJ 212-2025 (GB/T 32907-2016 example; no-padding tail rule)."""

from __future__ import annotations

import pytest

pytest.importorskip("cryptography")

from greenpark.hj212.crypto import (
    decrypt_cp,
    encrypt_cp,
    format_brace_hex,
    parse_brace_hex,
    sm4_ecb,
)

KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")


def test_gbt_32907_vector() -> None:
    assert sm4_ecb(KEY, KEY).hex() == "681edf34d206965e86b3e94f536e4246"
    assert sm4_ecb(KEY, bytes.fromhex("681edf34d206965e86b3e94f536e4246"), decrypt=True) == KEY


def test_tail_stays_plain() -> None:
    cp = b"DataTime=20240601085857;w01018-Rtd=40.1,w01018-Flag=N"
    enc = encrypt_cp(cp, b"0" * 16)
    assert len(enc) == len(cp)
    assert enc[48:] == cp[48:] and enc[:48] != cp[:48]
    assert decrypt_cp(enc, b"0" * 16) == cp


def test_brace_hex_round_trip() -> None:
    assert format_brace_hex(b"\xe4\x3e") == "{0xE4,0x3E}"
    assert parse_brace_hex("{0xE4,0x3E}") == b"\xe4\x3e"
    with pytest.raises(ValueError):
        parse_brace_hex("E43E")


def test_bad_key() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        sm4_ecb(b"short", KEY)
