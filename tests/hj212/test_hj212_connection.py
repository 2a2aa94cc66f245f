"""The per-connection state machine, without sockets (house style rule 10, after h11's
``tests/test_connection.py``): bytes in, events out; leniencies; the error budget.

Frames come from ``tests/data/hj212/hj212_samples.txt`` (the source of each line is named
there) or are built with ``encode_frame``.
"""

from __future__ import annotations

import pytest
from _hj212_samples import Sample, load_samples

from greenpark.hj212 import CpItem, CrcMethod, Packet, build, encode_frame, parse_packet
from greenpark.hj212.connection import (
    ENCRYPTED_CNS,
    Closed,
    Connection,
    PacketReceived,
    Refused,
    State,
)
from greenpark.hj212.link import Link, Sm4Wire

SAMPLES = {s.line: s for s in load_samples()}


def _sample(line: int, category: str) -> Sample:
    s = SAMPLES[line]
    assert s.category == category, (line, s.category)  # the sample file moved: fix the line
    return s


#: HJ 212-2017 Appendix A example (CN=1062, CRC 1C80).
GOOD = _sample(11, "valid").frame
#: Hourly data, IceCoffee.HJ212 README (CN=2061, Flag=5).
HOURLY = _sample(13, "valid").frame
#: HJ/T 212-2005 style: no QN, no Flag (xiaoyao9184/hj-t212-parser).
OLD_STYLE = _sample(41, "valid").frame
#: Real log frame with QN, no Flag, and the byte-swapped CRC-16/MODBUS (tonyxia2016 rx.log).
VENDOR_CRC = _sample(55, "vendor-crc").frame
#: MODBUS CRC where the HJ 212 CRC belongs (lily_2006/jh212-parser README).
BAD_CRC = _sample(61, "bad-crc").frame
#: Declared 121, segment 119 bytes (sCair/Hj212-Distribute log).
BAD_LENGTH = _sample(63, "bad-frame").frame
#: Length field counting characters, not UTF-8 bytes (caoyiliang/HJ212 style).
CHAR_LENGTH = _sample(103, "derived-lenient").frame

KEY = b"greenpark-sm4-k1"


def _refused(events: list, reason: str) -> Refused:
    (event,) = events
    assert isinstance(event, Refused), event
    assert event.reason == reason, event
    return event


# ---- one table of (bytes, event), h11 style -------------------------------------------

CASES = [
    pytest.param(GOOD, "packet", None, "010000A8900016F000169DC0", id="appendix-a"),
    pytest.param(HOURLY, "packet", None, "Z13401000010301", id="hourly"),
    pytest.param(BAD_CRC, "refused", "bad_crc", "C201801010001", id="bad-crc"),
    pytest.param(VENDOR_CRC, "refused", "bad_crc", "88888880000001", id="vendor-crc-strict"),
    pytest.param(BAD_LENGTH, "refused", "bad_length", "0507A010003242", id="bad-length"),
    pytest.param(CHAR_LENGTH, "refused", "bad_length", "010000A8900016F000169DC0",
                 id="char-length-strict"),
    pytest.param(OLD_STYLE, "refused", "missing_header", "LD130133000015", id="no-qn-no-flag"),
    pytest.param(b"\x00\x01 noise", "refused", "garbage", None, id="garbage"),
    pytest.param(encode_frame("QN=1;ST=22;CN=2011;PW=1;MN=MN9;Flag=5;CP=&&a=1"), "refused",
                 "bad_packet", "MN9", id="cp-not-closed"),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "kind", "reason", "mn"), CASES)
def test_event_table(raw: bytes, kind: str, reason: str | None, mn: str | None) -> None:
    conn = Connection()
    (event,) = conn.receive_data(raw)
    if kind == "packet":
        assert isinstance(event, PacketReceived)
        assert event.lenient == ()
        assert event.frame.raw == raw and event.frame.key_index is None
        assert event.packet == parse_packet(raw[6:-6].decode())
        assert event.packet.mn == mn
        assert conn.errors == 0
    else:
        assert isinstance(event, Refused)
        assert (event.reason, event.mn) == (reason, mn)
        assert event.raw == raw and event.message
        assert conn.errors == 1
    assert conn.state is State.OPEN and conn.buffered == 0


def test_byte_by_byte_and_two_frames_per_read() -> None:
    conn = Connection()
    events = []
    for b in GOOD:
        events += conn.receive_data(bytes([b]))
    events += conn.receive_data(HOURLY + GOOD)
    assert [type(e) for e in events] == [PacketReceived] * 3
    assert [e.packet.cn for e in events] == ["1062", "2061", "1062"]


# ---- leniencies -----------------------------------------------------------------------


def test_missing_header_leniency_off_and_on() -> None:
    event = _refused(Connection().receive_data(OLD_STYLE), "missing_header")
    assert event.message == "no QN and Flag in the header"
    lenient = Link(missing_header=True)
    for conn in (
        Connection(lambda mn: lenient if mn == "LD130133000015" else None),
        Connection(default=lenient),
    ):
        (event,) = conn.receive_data(OLD_STYLE)
        assert isinstance(event, PacketReceived)
        assert event.lenient == ("missing_header",)
        assert event.packet.qn is None and event.packet.flag is None
    # QN present, Flag absent: only the missing field is named
    only_flag = _refused(
        Connection().receive_data(encode_frame("QN=1;MN=M;CP=&&&&")), "missing_header"
    )
    assert only_flag.message == "no Flag in the header"


def test_leniency_list() -> None:
    """A frame accepted thanks to options says which ones (counted by the server)."""
    vendor = Link(crc=(CrcMethod.HJ212, CrcMethod.MODBUS_SWAPPED), missing_header=True)
    conn = Connection(
        {"88888880000001": vendor, "010000A8900016F000169DC0": Link(char_length=True)}.get
    )
    (event,) = conn.receive_data(VENDOR_CRC)
    assert isinstance(event, PacketReceived)
    assert event.lenient == ("crc:modbus_swapped", "missing_header")
    assert event.frame.crc_method is CrcMethod.MODBUS_SWAPPED
    (event,) = conn.receive_data(CHAR_LENGTH)
    assert isinstance(event, PacketReceived) and event.lenient == ("char_length",)
    (event,) = conn.receive_data(GOOD)  # same station, no leniency needed
    assert isinstance(event, PacketReceived) and event.lenient == ()
    # the CRC option alone is not enough when the header lacks Flag
    conn = Connection(lambda mn: Link(crc=(CrcMethod.HJ212, CrcMethod.MODBUS_SWAPPED)))
    _refused(conn.receive_data(VENDOR_CRC), "missing_header")
    # leniency of one station is not lent to another
    _refused(Connection({"4201003": vendor}.get).receive_data(VENDOR_CRC), "bad_crc")


# ---- error budget ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("feeds", "errors", "closed"),
    [
        (["bad"] * 3, 3, False),  # budget 3: three refusals are tolerated
        (["bad"] * 4, 4, True),  # the fourth spends it
        (["bad", "bad", "bad", "good", "bad"], 3, False),  # a good packet earns 1 back
        (["bad", "bad", "bad", "good", "bad", "bad"], 4, True),
        (["good", "good", "bad"], 1, False),  # never below zero
        ([b"x"], 1, False),  # garbage: 1 per started KiB
        ([b"x" * 1024], 1, False),
        ([b"x" * 1025], 2, False),
        ([b"x" * 3072], 3, False),
        ([b"x" * 3073], 4, True),
        ([b"x" * 2048, "good", b"x"], 2, False),
    ],
)
def test_error_budget(feeds: list, errors: int, closed: bool) -> None:
    conn = Connection(error_budget=3)
    events = []
    for f in feeds:
        events += conn.receive_data({"bad": BAD_CRC, "good": GOOD}.get(f, f))
    assert conn.errors == errors
    assert (conn.state is State.CLOSED) == closed
    assert isinstance(events[-1], Closed) == closed
    if closed:
        assert events[-1].reason == "error budget spent (4 > 3)"


def test_closed_drops_the_rest_and_ignores_bytes() -> None:
    conn = Connection(error_budget=2)
    events = conn.receive_data(BAD_CRC * 5 + GOOD)
    assert [type(e) for e in events] == [Refused, Refused, Refused, Closed]
    assert conn.state is State.CLOSED
    buffered = conn.buffered
    assert conn.receive_data(GOOD) == []
    assert conn.receive_data(b"##0101") == []
    assert conn.buffered == buffered


# ---- SM4 ------------------------------------------------------------------------------


def _upload(mn: str, cn: str = "2011") -> Packet:
    return Packet(
        qn="20250601120000000",
        st="22",
        cn=cn,
        pw="123456",
        mn=mn,
        flag=9,
        cp=(
            (CpItem("DataTime", "20250601120000"),),
            (CpItem("a34004-Rtd", "35.2"), CpItem("a34004-Flag", "N")),
        ),
    )


@pytest.mark.parametrize("wire", list(Sm4Wire))
def test_sm4_station(wire: Sm4Wire) -> None:
    """HJ 212-2025 §6.4.4: data (2000-2999), 1014 and 3020 must be encrypted."""
    link = Link(sm4=wire, keys=(KEY,))
    conn = Connection({"MNSM4": link}.get, length_framing=wire is Sm4Wire.RAW)
    p = _upload("MNSM4")
    (event,) = conn.receive_data(encode_frame(build(p), key=KEY, sm4=wire))
    assert isinstance(event, PacketReceived)
    assert event.packet == p and event.frame.key_index == 0
    event = _refused(conn.receive_data(encode_frame(build(p))), "not_encrypted")
    assert event.mn == "MNSM4" and "CN=2011" in event.message
    # answers and short CP areas travel in clear
    answer = Packet(qn="1", st="91", cn="9014", pw="123456", mn="MNSM4", flag=8)
    heartbeat = Packet(qn="1", st="22", cn="9015", pw="123456", mn="MNSM4", flag=9)
    request_answer = Packet(qn="1", st="91", cn="9011", pw="1", mn="MNSM4", flag=8,
                            cp=((CpItem("QnRtn", "1"),),))  # fmt: skip
    for q in (answer, heartbeat, request_answer):
        (event,) = conn.receive_data(encode_frame(build(q)))
        assert isinstance(event, PacketReceived) and event.frame.key_index is None
    assert {"1014", "3020", "2011", "2051", "2061", "2031"} <= ENCRYPTED_CNS
    assert "9014" not in ENCRYPTED_CNS and "1013" not in ENCRYPTED_CNS


def test_sm4_short_cp_counted_in_bytes() -> None:
    """SM4 works on 16-byte groups (HJ 212-2025 App. A.2): a CP area of 10 characters but
    18 UTF-8 bytes has one encrypted group, so its plaintext form is refused."""
    link = Link(sm4=Sm4Wire.TEXT, keys=(KEY,))
    conn = Connection({"MNSM4": link}.get)
    p = Packet(qn="1", st="32", cn="3020", pw="1", mn="MNSM4", flag=9,
               cp=((CpItem("PolId", "清洗管路"),),))  # fmt: skip
    (event,) = conn.receive_data(encode_frame(build(p), key=KEY))
    assert isinstance(event, PacketReceived) and event.frame.key_index == 0
    _refused(conn.receive_data(encode_frame(build(p))), "not_encrypted")
    short = Packet(qn="1", st="32", cn="3020", pw="1", mn="MNSM4", flag=9,
                   cp=((CpItem("PolId", "清洗"),),))  # 12 bytes: nothing to encrypt  # fmt: skip
    (event,) = conn.receive_data(encode_frame(build(short)))
    assert isinstance(event, PacketReceived) and event.frame.key_index is None


def test_send_encrypts_with_the_current_key() -> None:
    link = Link(sm4=Sm4Wire.TEXT, keys=(KEY, b"greenpark-sm4-k0"))
    centre = Connection({"MNSM4": link}.get)
    push = _upload("MNSM4", cn="1014")
    wire = centre.send(push, encrypt=True)
    assert wire == encode_frame(build(push), key=KEY, sm4="text")
    assert centre.send(push) == encode_frame(build(push))
    station = Connection({"MNSM4": Link(sm4=Sm4Wire.TEXT, keys=(KEY,))}.get)
    (event,) = station.receive_data(wire)
    assert isinstance(event, PacketReceived) and event.packet == push
    with pytest.raises(ValueError, match="no SM4 key"):
        Connection().send(push, encrypt=True)


def test_link_for_falls_back_to_default() -> None:
    default = Link(timezone="UTC")
    special = Link(timezone="Asia/Urumqi")
    conn = Connection({"A": special}.get, default=default)
    assert conn.link_for("A") is special
    assert conn.link_for("B") is default
    assert conn.link_for(None) is default
