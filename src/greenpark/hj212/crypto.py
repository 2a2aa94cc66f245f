"""HJ 212-2025 SM4 encryption of the CP data area (``cryptography`` imported lazily).

HJ 212-2025 6.4.2 / Appendix A.2 (per hj212_2025.md §5): SM4 (GB/T 32907-2016) with a
16-byte key, ECB mode, **no padding**: the text between ``CP=&&`` and the closing ``&&`` is
encrypted in 16-byte groups and a tail shorter than 16 bytes stays plaintext. The CRC is
computed over the plaintext segment, so a receiver decrypts before it checks the CRC.

Not settled (hj212_2025.md §8): whether devices send the ciphertext as raw bytes or as the
``{0xE4,0x3E,...}`` text of the standard's examples. These functions work on raw bytes;
:func:`format_brace_hex` / :func:`parse_brace_hex` convert to and from the textual form.
"""

from __future__ import annotations

__all__ = ["decrypt_cp", "encrypt_cp", "format_brace_hex", "parse_brace_hex", "sm4_ecb"]

BLOCK = 16
"""SM4 block and key size [bytes] (GB/T 32907-2016)."""


def sm4_ecb(key: bytes, data: bytes, *, decrypt: bool = False) -> bytes:
    """SM4-ECB of whole 16-byte blocks, no padding.

    Raises
    ------
    ValueError
        If the key is not 16 bytes or ``data`` is not a multiple of 16 bytes.

    References
    ----------
    GB/T 32907-2016 (SM4), example A.1: key = plaintext = ``0123456789abcdeffedcba9876543210``
    → ``681edf34d206965e86b3e94f536e4246``.
    """
    if len(key) != BLOCK:
        raise ValueError(f"SM4 key must be 16 bytes, got {len(key)}")
    if len(data) % BLOCK:
        raise ValueError(f"SM4-ECB without padding needs whole 16-byte blocks, got {len(data)}")
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    cipher = Cipher(algorithms.SM4(key), modes.ECB())
    ctx = cipher.decryptor() if decrypt else cipher.encryptor()
    return ctx.update(data) + ctx.finalize()


def encrypt_cp(cp: bytes, key: bytes) -> bytes:
    """Encrypt the CP content: whole 16-byte groups encrypted, the short tail kept as is.

    References
    ----------
    HJ 212-2025 6.4.2 and Appendix A.2 (hj212_2025.md §5).
    """
    cut = len(cp) - len(cp) % BLOCK
    return sm4_ecb(key, cp[:cut]) + cp[cut:]


def decrypt_cp(cp: bytes, key: bytes) -> bytes:
    """Inverse of :func:`encrypt_cp`.

    References
    ----------
    HJ 212-2025 6.4.2 and Appendix A.2 (hj212_2025.md §5).
    """
    cut = len(cp) - len(cp) % BLOCK
    return sm4_ecb(key, cp[:cut], decrypt=True) + cp[cut:]


def format_brace_hex(cipher: bytes) -> str:
    """Write ciphertext as the standard's examples do: ``{0xE4,0x3E,...}``."""
    return "{" + ",".join(f"0x{b:02X}" for b in cipher) + "}"


def parse_brace_hex(text: str) -> bytes:
    """Read ``{0xE4,0x3E,...}`` back into bytes.

    Raises
    ------
    ValueError
        If the text is not in that form.
    """
    if not (text.startswith("{") and text.endswith("}")):
        raise ValueError("ciphertext text must look like {0x..,0x..}")
    body = text[1:-1]
    if not body:
        return b""
    out = bytearray()
    for tok in body.split(","):
        tok = tok.strip()
        if len(tok) != 4 or tok[:2].lower() != "0x":
            raise ValueError(f"bad byte {tok!r} in ciphertext text")
        out.append(int(tok[2:], 16))
    return bytes(out)
