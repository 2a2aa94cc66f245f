"""One station connection as a state machine: bytes in, events out (sans-I/O, after h11).

The server owns the socket; :class:`Connection` owns the protocol: framing, SM4, parsing,
the per-station leniencies and the error budget. Feed it what the socket gave with
:meth:`Connection.receive_data` and act on the events:

- :class:`PacketReceived`: a checked, parsed packet (and the leniencies it needed);
- :class:`Refused`: bytes or a packet that cannot be used, with a reason code for the
  quarantine;
- :class:`Closed`: the error budget is spent; close the socket. Bytes fed afterwards are
  ignored.

Answers are built with :mod:`greenpark.hj212.replies` and written with
:meth:`Connection.send` (or :func:`greenpark.hj212.frame.encode_frame`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from greenpark.hj212.crc import CrcMethod
from greenpark.hj212.frame import MAX_SEGMENT, Decoder, Frame, FrameError, encode_frame
from greenpark.hj212.link import Link
from greenpark.hj212.packet import Packet, PacketError, build, parse_packet

__all__ = [
    "ENCRYPTED_CNS",
    "Closed",
    "Connection",
    "Event",
    "PacketReceived",
    "Refused",
    "State",
]

#: Commands a station must encrypt when it uses SM4 (HJ 212-2025 §6.4.4, hj212_2025.md §5):
#: every data command 2000-2999, the key exchange 1014 and field information 3020.
ENCRYPTED_CNS = frozenset({"1014", "3020"}) | frozenset(str(cn) for cn in range(2000, 3000))


class State(StrEnum):
    """Whether the connection still takes bytes."""

    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class PacketReceived:
    """A frame that passed every check, parsed.

    Attributes
    ----------
    packet : Packet
        The parsed packet (CP decrypted when the station encrypts).
    frame : Frame
        The frame it came in (raw bytes, CRC method, key used).
    lenient : tuple of str
        The leniencies the packet needed (``crc:modbus``, ``char_length``,
        ``missing_header``); empty for a packet that follows the standard.
    """

    packet: Packet
    frame: Frame
    lenient: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Refused:
    """Bytes that cannot be used: a :class:`FrameError` reason, or one of ``bad_packet``
    (grammar), ``missing_header`` (no QN or Flag, leniency off) and ``not_encrypted``
    (plaintext data from a station that uses SM4)."""

    reason: str
    raw: bytes
    message: str
    mn: str | None = None


@dataclass(frozen=True, slots=True)
class Closed:
    """The connection spent its error budget; the server should close the socket."""

    reason: str


Event = PacketReceived | Refused | Closed


class Connection:
    """Protocol state of one TCP connection from a data logger (several MNs allowed).

    Parameters
    ----------
    links : callable, optional
        ``links(mn) -> Link | None``: the station's options and SM4 keys. Unknown MNs
        use ``default``; whether to accept them is the server's decision.
    default : Link, default Link()
        Options for frames whose MN has no link (strict: HJ 212 CRC, byte length).
    max_segment : int, default 9999
        Longest data segment accepted [bytes].
    error_budget : int, default 50
        Refusals tolerated before :class:`Closed`: each refused frame costs 1, garbage
        costs 1 per started KiB, each good packet earns 1 back (never above the budget).
    length_framing : bool, default False
        Cut frames by the declared length first (a station sends raw SM4 ciphertext).
    """

    def __init__(
        self,
        links: Callable[[str], Link | None] | None = None,
        *,
        default: Link | None = None,
        max_segment: int = MAX_SEGMENT,
        error_budget: int = 50,
        length_framing: bool = False,
    ) -> None:
        self._links = links
        self.default = default or Link()
        self._decoder = Decoder(
            crc_methods=self.default.crc,
            allow_char_length=self.default.char_length,
            max_segment=max_segment,
            links=links,
            length_framing=length_framing,
        )
        self.error_budget = error_budget
        self.errors = 0
        self.state = State.OPEN

    @property
    def length_framing(self) -> bool:
        """Whether frames are cut by their declared length first (raw SM4 stations)."""
        return self._decoder.length_framing

    @length_framing.setter
    def length_framing(self, value: bool) -> None:
        self._decoder.length_framing = value

    @property
    def buffered(self) -> int:
        """Bytes held waiting for the rest of a frame [bytes]."""
        return self._decoder.buffered

    def link_for(self, mn: str | None) -> Link:
        """The link of ``mn``, or the default one."""
        link = self._links(mn) if self._links is not None and mn is not None else None
        return link or self.default

    def receive_data(self, data: bytes) -> list[Event]:
        """Feed bytes from the socket; return the events they complete, in order."""
        if self.state is State.CLOSED:
            return []
        events: list[Event] = []
        for item in self._decoder.feed(data):
            event = self._event(item)
            events.append(event)
            if isinstance(event, Refused):
                cost = -(-len(event.raw) // 1024) if event.reason == "garbage" else 1
                self.errors += max(cost, 1)
            else:
                self.errors = max(0, self.errors - 1)
            if self.errors > self.error_budget:
                self.state = State.CLOSED
                events.append(Closed(f"error budget spent ({self.errors} > {self.error_budget})"))
                break
        return events

    def _event(self, item: Frame | FrameError) -> PacketReceived | Refused:
        if isinstance(item, FrameError):
            return Refused(item.reason.value, item.raw, item.message, _mn_of(item.raw))
        try:
            packet = parse_packet(item.data)
        except PacketError as exc:
            return Refused("bad_packet", item.raw, str(exc), _mn_of(item.raw))
        link = self.link_for(packet.mn)
        lenient: list[str] = []
        if item.crc_method is not CrcMethod.HJ212:
            lenient.append(f"crc:{item.crc_method.value}")
        if item.length_in_chars:
            lenient.append("char_length")
        if packet.qn is None or packet.flag is None:
            if not link.missing_header:
                missing = " and ".join(
                    n for n, v in (("QN", packet.qn), ("Flag", packet.flag)) if v is None
                )
                return Refused("missing_header", item.raw, f"no {missing} in the header", packet.mn)
            lenient.append("missing_header")
        if link.sm4 is not None and item.key_index is None and packet.cn in ENCRYPTED_CNS:
            cp = item.data[item.data.find("CP=&&") + 5 : -2].encode("utf-8")
            if len(cp) >= 16:  # shorter CP areas have nothing to encrypt (16-byte groups)
                msg = f"CN={packet.cn} in plaintext from a station that uses SM4"
                return Refused("not_encrypted", item.raw, msg, packet.mn)
        return PacketReceived(packet, item, tuple(lenient))

    def send(self, packet: Packet, *, encrypt: bool = False) -> bytes:
        """Bytes to write for ``packet``: encrypted with the station's current key when
        ``encrypt`` (HJ 212-2025 §6.4.4: 1014 must be; answers 9011-9015 are not).

        Raises
        ------
        ValueError
            ``encrypt`` for a station without SM4 keys.
        """
        data = build(packet)
        if not encrypt:
            return encode_frame(data)
        link = self.link_for(packet.mn)
        if link.sm4 is None or not link.keys:
            raise ValueError(f"station {packet.mn!r} has no SM4 key to encrypt with")
        return encode_frame(data, key=link.keys[0], sm4=link.sm4)


def _mn_of(raw: bytes) -> str | None:
    """The MN named in raw bytes, when one can be read (for the quarantine)."""
    at = raw.find(b"MN=")
    if at < 0:
        return None
    end = raw.find(b";", at)
    mn = raw[at + 3 : end if end >= 0 else at + 35][:32]
    try:
        return mn.decode("ascii") or None
    except UnicodeDecodeError:
        return None
