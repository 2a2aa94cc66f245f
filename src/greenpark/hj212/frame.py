"""Frames: find, check and cut HJ 212 packets out of a byte stream (sans-I/O).

Grammar (HJ 212-2017 6.3.2 table 2; unchanged in HJ 212-2025 6.3)::

    frame   = "##" length segment crc CRLF
    length  = 4DIGIT            ; decimal byte count of ``segment``, zero-padded
    segment = *OCTET            ; "QN=...;ST=...;...;CP=&&...&&", no CR or LF inside
    crc     = 4HEXDIG           ; HJ 212 CRC16 of ``segment`` (Appendix A), any case
    CRLF    = %x0D %x0A

The standard caps the segment at 1024 characters; real devices send more (1025 and 1623
in a real log), so the decoder accepts the field's maximum, 9999.

:class:`Decoder` never does I/O: give it bytes with :meth:`Decoder.feed`, get back the
frames and the typed :class:`FrameError` values found so far (like h11's ``NEED_DATA``,
an incomplete frame is simply kept for the next call). A bad frame is a normal outcome in
the field, so it is returned, not raised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from greenpark.hj212.crc import CRC_METHODS, CrcMethod, crc_hj212, format_crc
from greenpark.hj212.crypto import BLOCK, format_brace_hex, parse_brace_hex, sm4_ecb
from greenpark.hj212.link import Link, Sm4Wire

__all__ = [
    "MAX_SEGMENT",
    "STANDARD_MAX_SEGMENT",
    "Decoder",
    "Frame",
    "FrameError",
    "FrameErrorReason",
    "encode_frame",
]

MAX_SEGMENT = 9999
"""Largest data segment the 4-digit length field can declare [bytes]."""

STANDARD_MAX_SEGMENT = 1024
"""Largest data segment HJ 212-2017 table 2 allows [characters]; we send no more."""

_HEAD = b"##"
_CRLF = b"\r\n"
_HEX4 = re.compile(rb"[0-9A-Fa-f]{4}")
_MN = re.compile(rb"(?:^|;)\s*MN=([^;]*)")


class FrameErrorReason(StrEnum):
    """Why bytes were refused (the reason code of :class:`FrameError`)."""

    GARBAGE = "garbage"
    """Bytes before any ``##`` header; dropped."""
    BAD_LENGTH = "bad_length"
    """Length field not 4 digits, or not equal to the segment's byte (or char) count."""
    BAD_TAIL = "bad_tail"
    """No ``CR LF`` where the declared length puts it."""
    BAD_CRC = "bad_crc"
    """Check value not 4 hex digits, or not the CRC of the segment."""
    BAD_ENCODING = "bad_encoding"
    """Segment is not UTF-8 (HJ 212-2017 6.3: ASCII, Chinese in UTF-8)."""
    TOO_LONG = "too_long"
    """Declared or buffered length above the decoder's ``max_segment``."""
    BAD_CIPHER = "bad_cipher"
    """The station encrypts (SM4) but the CP area is not in its ciphertext form."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One checked frame.

    Attributes
    ----------
    data : str
        The data segment, decoded from UTF-8 (parse it with ``parse_packet``).
    crc : str
        The check value as received (case kept).
    crc_method : CrcMethod
        ``hj212`` unless a leniency option accepted a vendor CRC.
    raw : bytes
        The whole frame including ``##`` and ``CR LF``.
    length_in_chars : bool
        True when the length field counted characters, not bytes (leniency option).
    key_index : int or None
        Which of the station's SM4 keys decrypted the CP area (0 = current), None when
        the frame came in plaintext.
    """

    data: str
    crc: str
    crc_method: CrcMethod
    raw: bytes
    length_in_chars: bool = False
    key_index: int | None = None


@dataclass(frozen=True, slots=True)
class FrameError:
    """Bytes the decoder refused, with a reason code and a message.

    Remote error (the station sent them); the standard's answer to a CRC error is to drop
    the command and send nothing (HJ 212-2017 6.3.2 table 2, "执行结束").
    """

    reason: FrameErrorReason
    raw: bytes
    message: str = ""


@dataclass
class Decoder:
    """Stream decoder: bytes in, :class:`Frame` / :class:`FrameError` out.

    Parameters
    ----------
    crc_methods : iterable of CrcMethod or str, default ``("hj212",)``
        Check values accepted, tried in order. Add ``"modbus_swapped"`` / ``"modbus"``
        only for stations known to send a vendor CRC (hj212.md §3).
    allow_char_length : bool, default False
        Also accept a length field that counts characters instead of UTF-8 bytes
        (caoyiliang/HJ212 does this for Chinese log text; hj212.md §2).
    max_segment : int, default 9999
        Longest segment accepted [bytes].
    links : callable, optional
        ``links(mn) -> Link | None``: per-station options (CRC methods, character
        length, SM4 wire form and keys) looked up by the MN in the header; None or an
        unknown MN falls back to the decoder's own options. With SM4 keys the CP area is
        decrypted before the CRC check, since the CRC covers the plaintext (HJ 212-2025
        §6.4.2, Appendix A.2); a plaintext frame is still accepted and says so
        (``Frame.key_index is None``).
    length_framing : bool, default False
        Cut frames by the declared length before looking for ``CR LF``: needed when a
        station sends raw SM4 ciphertext, which may hold ``CR LF`` itself.

    Notes
    -----
    Resynchronisation: search ``##``; the candidate frame runs to the first ``CR LF``
    after it (CR and LF never occur inside a packet). If the candidate fails any check the
    decoder skips one byte past that ``##`` and searches again, so a valid frame hidden
    behind a truncated one is still found (srdgame/lua-HJ212's strategy, hj212.md §2).

    References
    ----------
    HJ 212-2017 6.3.2 table 2 and Appendix A; HJ 212-2025 6.3 (unchanged envelope).
    """

    crc_methods: Iterable[CrcMethod | str] = (CrcMethod.HJ212,)
    allow_char_length: bool = False
    max_segment: int = MAX_SEGMENT
    links: Callable[[str], Link | None] | None = None
    length_framing: bool = False
    _buf: bytearray = field(default_factory=bytearray, init=False, repr=False)

    def __post_init__(self) -> None:
        methods = []
        for m in self.crc_methods:
            try:
                methods.append(CrcMethod(m))
            except ValueError:
                valid = ", ".join(x.value for x in CrcMethod)
                raise ValueError(f"unknown CRC method {m!r}; must be one of: {valid}") from None
        if not methods:
            raise ValueError("crc_methods must name at least one method")
        self.crc_methods = tuple(methods)
        # A station may count characters even when the decoder default does not.
        self._char_length_anywhere = self.allow_char_length or self.links is not None
        if not 0 <= self.max_segment <= MAX_SEGMENT:
            raise ValueError(f"max_segment must be in 0..{MAX_SEGMENT}, got {self.max_segment}")

    @property
    def buffered(self) -> int:
        """Bytes held back waiting for the rest of a frame [bytes]."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[Frame | FrameError]:
        """Add received bytes; return every frame or error completed by them, in order."""
        buf = self._buf
        buf += data
        out: list[Frame | FrameError] = []
        pos = 0
        quiet = 0  # bytes before this index were already reported inside a refused frame
        n = len(buf)

        def garbage(a: int, b: int) -> None:
            a = max(a, quiet)
            if b > a:
                out.append(FrameError(FrameErrorReason.GARBAGE, bytes(buf[a:b]), "no ## header"))

        while pos < n:
            start = buf.find(_HEAD, pos)
            if start < 0:
                keep = 1 if buf[n - 1] == 0x23 else 0  # a trailing "#" may start a header
                garbage(pos, n - keep)
                pos = n - keep
                break
            garbage(pos, start)
            pos = start
            if n - start < 6:
                break  # need the length field
            result = self._try(buf, start, n)
            if result is None:
                break  # need more data
            item = result
            out.append(item)
            if isinstance(item, Frame):
                pos = start + len(item.raw)
            else:
                quiet = max(quiet, start + len(item.raw))
                pos = start + 1
        del buf[:pos]
        return out

    def _try(self, buf: bytearray, start: int, n: int) -> Frame | FrameError | None:
        digits = buf[start + 2 : start + 6]
        if not digits.isdigit():
            raw = bytes(buf[start : start + 6])
            return FrameError(FrameErrorReason.BAD_LENGTH, raw, "length field not 4 digits")
        declared = int(digits)
        if declared > self.max_segment:
            raw = bytes(buf[start : start + 6])
            msg = f"declared length {declared} > {self.max_segment}"
            return FrameError(FrameErrorReason.TOO_LONG, raw, msg)
        by_length = start + 6 + declared + 6
        if self.length_framing:
            # Raw SM4 ciphertext may hold CR LF: trust the declared length first.
            if n < by_length:
                return self._cut_short(buf, start, n, declared)
            if buf[by_length - 2 : by_length] == _CRLF:
                found = self._check(bytes(buf[start:by_length]), declared)
                if isinstance(found, Frame):
                    return found
        crlf = buf.find(_CRLF, start + 6)
        if crlf < 0:
            # Wait for CR LF, up to what a char-counted UTF-8 segment could need.
            limit = 6 + (4 * declared if self._char_length_anywhere else declared) + 6
            if n - start > limit:
                raw = bytes(buf[start:n])
                msg = f"no CR LF within {limit} bytes of the header"
                return FrameError(FrameErrorReason.BAD_TAIL, raw, msg)
            return None
        return self._check(bytes(buf[start : crlf + 2]), declared)

    def _cut_short(self, buf: bytearray, start: int, n: int, declared: int) -> FrameError | None:
        """Length framing, the declared end not yet received: wait (None), unless a complete
        valid frame already follows, which proves this one was cut short."""
        later = buf.find(_HEAD, start + 2)
        while 0 <= later and later + 6 <= n:
            digits = buf[later + 2 : later + 6]
            crlf = buf.find(_CRLF, later + 6)
            if crlf < 0:
                break
            if digits.isdigit() and isinstance(
                self._check(bytes(buf[later : crlf + 2]), int(digits)), Frame
            ):
                msg = f"declared length {declared}, cut short by the next frame"
                return FrameError(FrameErrorReason.BAD_LENGTH, bytes(buf[start:later]), msg)
            later = buf.find(_HEAD, later + 2)
        return None

    def _link(self, seg: bytes) -> Link | None:
        if self.links is None:
            return None
        cp = seg.find(b"CP=&&")
        m = _MN.search(seg, 0, cp if cp >= 0 else len(seg))
        if m is None:
            return None
        return self.links(m.group(1).decode("ascii", "replace"))

    def _check(self, raw: bytes, declared: int) -> Frame | FrameError:
        seg = raw[6:-6]
        crc = raw[-6:-2]
        if len(raw) < 12:
            return FrameError(FrameErrorReason.BAD_LENGTH, raw, "frame shorter than 12 bytes")
        link = self._link(seg)
        methods = self.crc_methods if link is None else link.crc
        char_length = self.allow_char_length if link is None else link.char_length
        by_chars = False
        if len(seg) != declared:
            text = None
            if char_length:
                try:
                    text = seg.decode("utf-8")
                except UnicodeDecodeError:
                    text = None
            if text is not None and len(text) == declared:
                by_chars = True
            else:
                reason = FrameErrorReason.BAD_LENGTH
                at = 6 + declared + 4
                if at < len(raw) - 2 and raw[at : at + 2] != _CRLF and raw[at] in b"\r\n":
                    reason = FrameErrorReason.BAD_TAIL
                msg = f"declared length {declared}, segment has {len(seg)} bytes"
                return FrameError(reason, raw, msg)
        if _HEX4.fullmatch(crc) is None:
            return FrameError(FrameErrorReason.BAD_CRC, raw, "check value not 4 hex digits")
        text = None
        if link is None or link.sm4 is None:
            try:
                text = seg.decode("utf-8")
            except UnicodeDecodeError as exc:
                return FrameError(FrameErrorReason.BAD_ENCODING, raw, str(exc))
        crc_text = crc.decode("ascii")
        received = int(crc_text, 16)
        # SM4: the decryptions first, then the segment as sent. The HJ 212 CRC takes only
        # 256 values (its register keeps 8 bits between bytes), so a wrong candidate (the
        # ciphertext itself, or a key of the overlap window) matches about once in 256:
        # a candidate counts only when it also decodes as UTF-8.
        candidates: list[tuple[bytes, int | None]] = []
        cipher_error: ValueError | None = None
        if link is not None and link.sm4 is not None and link.keys:
            try:
                candidates = [(c, i) for i, c in enumerate(_decryptions(seg, link))]
            except ValueError as exc:
                cipher_error = exc
        candidates.append((seg, None))
        bad_text: UnicodeDecodeError | None = None
        stray_crlf = False
        for plain, key_index in candidates:
            method = _match(plain, received, methods)
            if method is None:
                continue
            if b"\r" in plain or b"\n" in plain:  # never inside a segment (6.3.2 table 2)
                stray_crlf = True
                continue
            if text is None or key_index is not None:
                try:
                    text = plain.decode("utf-8")
                except UnicodeDecodeError as exc:
                    bad_text = bad_text or exc
                    continue
            return Frame(text, crc_text, method, raw, by_chars, key_index)
        if stray_crlf:
            return FrameError(FrameErrorReason.BAD_TAIL, raw, "CR or LF inside the data segment")
        if bad_text is not None:
            return FrameError(FrameErrorReason.BAD_ENCODING, raw, str(bad_text))
        if cipher_error is not None:
            return FrameError(FrameErrorReason.BAD_CIPHER, raw, str(cipher_error))
        expected = format_crc(crc_hj212(seg))
        if len(candidates) > 1:
            msg = (
                f"check value {crc_text} matches neither the segment (CRC {expected}) "
                f"nor its SM4 decryption with the station's {len(candidates) - 1} key(s)"
            )
        else:
            msg = f"check value {crc_text}, HJ 212 CRC of the segment is {expected}"
        return FrameError(FrameErrorReason.BAD_CRC, raw, msg)


def _match(seg: bytes, received: int, methods: tuple[CrcMethod, ...]) -> CrcMethod | None:
    for method in methods:
        if CRC_METHODS[method](seg) == received:
            return method
    return None


def _decryptions(seg: bytes, link: Link) -> Iterator[bytes]:
    """The segment with its CP area decrypted by each of the link's keys, in order.

    Raises ValueError when the CP area is not in the station's wire form.
    """
    at = seg.find(b"CP=&&")
    if at < 0 or not seg.endswith(b"&&") or len(seg) < at + 7:
        raise ValueError("no CP=&&...&& area to decrypt")
    body = seg[at + 5 : -2]
    if len(body) < BLOCK:
        return  # nothing was encrypted: no key can be told from the others
    if link.sm4 is Sm4Wire.TEXT:
        if not body.startswith(b"{"):
            raise ValueError("CP area does not start with the {0x..} ciphertext")
        close = body.find(b"}")
        if close < 0:
            raise ValueError("{0x.. ciphertext not closed by }")
        cipher = parse_brace_hex(body[: close + 1].decode("ascii", "replace"))
        tail = body[close + 1 :]
        if len(cipher) % BLOCK:
            raise ValueError(f"ciphertext of {len(cipher)} bytes is not whole 16-byte groups")
    else:
        cut = len(body) - len(body) % BLOCK
        cipher, tail = body[:cut], body[cut:]
    for key in link.keys:
        yield seg[: at + 5] + sm4_ecb(key, cipher, decrypt=True) + tail + b"&&"


def encode_frame(data: str, *, key: bytes | None = None, sm4: Sm4Wire | str = "text") -> bytes:
    """Wrap a data segment into a frame: ``##`` + length + segment + CRC + ``CR LF``.

    Parameters
    ----------
    data : str
        The data segment (``QN=...;CP=&&...&&``); encoded as UTF-8.
    key : bytes, optional
        SM4 key [16 bytes]: encrypt the CP area after computing the CRC over the
        plaintext (HJ 212-2025 §6.4.2, Appendix A.2).
    sm4 : {"text", "raw"}, default "text"
        Wire form of the ciphertext when ``key`` is given (see :class:`Sm4Wire`).

    Returns
    -------
    bytes
        The frame; the length counts the bytes on the wire and the CRC is written
        uppercase.

    Raises
    ------
    ValueError
        If the segment holds CR or LF or is longer than 9999 bytes.

    References
    ----------
    HJ 212-2017 6.3.2 table 2 and Appendix A.

    Examples
    --------
    >>> encode_frame("QN=20160801085857223;ST=32;CN=1062;PW=100000;"
    ...              "MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&")[-6:]
    b'1C80\\r\\n'
    """
    seg = data.encode("utf-8")
    if b"\r" in seg or b"\n" in seg:
        raise ValueError("a data segment must not contain CR or LF")
    crc = format_crc(crc_hj212(seg)).encode("ascii")
    if key is not None:
        at = seg.find(b"CP=&&")
        if at < 0 or not seg.endswith(b"&&"):
            raise ValueError("no CP=&&...&& area to encrypt")
        body = seg[at + 5 : -2]
        cut = len(body) - len(body) % BLOCK
        cipher = sm4_ecb(key, body[:cut])
        if Sm4Wire(sm4) is Sm4Wire.TEXT:
            cipher = format_brace_hex(cipher).encode("ascii") if cipher else b""
        seg = seg[: at + 5] + cipher + body[cut:] + b"&&"
    if len(seg) > MAX_SEGMENT:
        raise ValueError(f"data segment is {len(seg)} bytes; the length field allows 9999")
    return b"##%04d%s%s\r\n" % (len(seg), seg, crc)
