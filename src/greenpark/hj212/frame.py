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

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from greenpark.hj212.crc import CRC_METHODS, CrcMethod, crc_hj212, format_crc

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
_HEX = frozenset(b"0123456789abcdefABCDEF")


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
    """

    data: str
    crc: str
    crc_method: CrcMethod
    raw: bytes
    length_in_chars: bool = False


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
        crlf = buf.find(_CRLF, start + 6)
        if crlf < 0:
            # Wait for CR LF, up to what a char-counted UTF-8 segment could need.
            limit = 6 + (4 * declared if self.allow_char_length else declared) + 6
            if n - start > limit:
                raw = bytes(buf[start:n])
                msg = f"no CR LF within {limit} bytes of the header"
                return FrameError(FrameErrorReason.BAD_TAIL, raw, msg)
            return None
        end = crlf + 2
        raw = bytes(buf[start:end])
        seg = raw[6:-6]
        crc = raw[-6:-2]
        by_chars = False
        if len(raw) < 12:
            return FrameError(FrameErrorReason.BAD_LENGTH, raw, "frame shorter than 12 bytes")
        if len(seg) != declared:
            text = None
            if self.allow_char_length:
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
        if not all(c in _HEX for c in crc):
            return FrameError(FrameErrorReason.BAD_CRC, raw, "check value not 4 hex digits")
        try:
            text = seg.decode("utf-8")
        except UnicodeDecodeError as exc:
            return FrameError(FrameErrorReason.BAD_ENCODING, raw, str(exc))
        crc_text = crc.decode("ascii")
        received = int(crc_text, 16)
        for method in self.crc_methods:
            if CRC_METHODS[method](seg) == received:  # type: ignore[index]
                return Frame(text, crc_text, method, raw, by_chars)  # type: ignore[arg-type]
        expected = format_crc(crc_hj212(seg))
        msg = f"check value {crc_text}, HJ 212 CRC of the segment is {expected}"
        return FrameError(FrameErrorReason.BAD_CRC, raw, msg)


def encode_frame(data: str) -> bytes:
    """Wrap a data segment into a frame: ``##`` + length + segment + CRC + ``CR LF``.

    Parameters
    ----------
    data : str
        The data segment (``QN=...;CP=&&...&&``); encoded as UTF-8.

    Returns
    -------
    bytes
        The frame; the length counts UTF-8 bytes and the CRC is written uppercase.

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
    if len(seg) > MAX_SEGMENT:
        raise ValueError(f"data segment is {len(seg)} bytes; the length field allows 9999")
    return b"##%04d%s%s\r\n" % (len(seg), seg, format_crc(crc_hj212(seg)).encode("ascii"))
