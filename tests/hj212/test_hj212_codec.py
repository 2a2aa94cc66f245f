"""Frame decoder and packet parse/build: unit cases, hypothesis round trips and stream fuzz."""

from __future__ import annotations

import _hj212_strategies as strategies
import pytest
from _hj212_strategies import word
from hypothesis import given, settings
from hypothesis import strategies as st

from greenpark.hj212 import (
    Decoder,
    Frame,
    FrameError,
    FrameErrorReason,
    Packet,
    PacketError,
    Version,
    build,
    encode_frame,
    heartbeat_9015,
    parse_hj_time,
    parse_packet,
    reply_9011,
    reply_9012,
    reply_9014,
    reply_for,
)

SEG = (
    "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&RtdInterval=30&&"
)
FRAME = encode_frame(SEG)


# ---- frames ---------------------------------------------------------------------------


def test_encode_standard_example() -> None:
    assert FRAME == b"##0101" + SEG.encode() + b"1C80\r\n"


def test_encode_refuses_crlf_and_oversize() -> None:
    with pytest.raises(ValueError, match="CR or LF"):
        encode_frame("CP=&&a\r\n&&")
    with pytest.raises(ValueError, match="9999"):
        encode_frame("CP=&&" + "x" * 9995 + "&&")


def test_byte_by_byte() -> None:
    d = Decoder()
    out = []
    for b in FRAME * 2:
        out += d.feed(bytes([b]))
    assert [type(o) for o in out] == [Frame, Frame]
    assert d.buffered == 0


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"##01x1" + SEG.encode() + b"1C80\r\n", FrameErrorReason.BAD_LENGTH),
        (b"##0100" + SEG.encode() + b"1C80\r\n", FrameErrorReason.BAD_LENGTH),
        (b"##0101" + SEG.encode() + b"1C81\r\n", FrameErrorReason.BAD_CRC),
        (b"##0101" + SEG.encode() + b"1CZ0\r\n", FrameErrorReason.BAD_CRC),
        (b"##0101" + SEG.encode() + b"1C80\n\r\n", FrameErrorReason.BAD_TAIL),
        (b"##0003\xff\xfe\xfdFFFF\r\n", FrameErrorReason.BAD_ENCODING),
    ],
)
def test_refused(raw: bytes, reason: FrameErrorReason) -> None:
    out = Decoder().feed(raw)
    assert isinstance(out[0], FrameError)
    assert out[0].reason is reason


def test_too_long_for_strict_limit() -> None:
    seg = "CP=&&" + "a=1;" * 300 + "&&"
    (err,) = Decoder(max_segment=1024).feed(encode_frame(seg))[:1]
    assert isinstance(err, FrameError) and err.reason is FrameErrorReason.TOO_LONG
    assert isinstance(Decoder().feed(encode_frame(seg))[0], Frame)


def test_missing_tail_gives_up_after_declared_length() -> None:
    d = Decoder()
    out = d.feed(b"##0005abcdeFFFF" + b"x" * 10)
    assert out and out[0].reason is FrameErrorReason.BAD_TAIL  # type: ignore[union-attr]


def test_garbage_then_frame() -> None:
    out = Decoder().feed(b"\x00junk#" + FRAME)
    assert isinstance(out[0], FrameError) and out[0].reason is FrameErrorReason.GARBAGE
    assert out[0].raw == b"\x00junk"  # then "###010" is refused as a bad length field
    assert isinstance(out[-1], Frame)


def test_truncated_frame_then_frame() -> None:
    out = Decoder().feed(FRAME[:50] + FRAME)
    frames = [o for o in out if isinstance(o, Frame)]
    assert len(frames) == 1 and frames[0].raw == FRAME


def test_bad_options() -> None:
    with pytest.raises(ValueError, match="must be one of"):
        Decoder(crc_methods=("crc32",))
    with pytest.raises(ValueError, match="max_segment"):
        Decoder(max_segment=10000)


# ---- packets --------------------------------------------------------------------------


def test_any_header_order_and_extras() -> None:
    s = "MN=X1;PW=1;ST=22;CN=2011;Flag=9;RF=1;Vendor=abc;QN=20250101000000000;CP=&&a-Rtd=1&&"
    p = parse_packet(s)
    assert (p.mn, p.pw, p.st, p.cn, p.flag, p.rf) == ("X1", "1", "22", "2011", 9, "1")
    assert p.extra == (("Vendor", "abc"),)
    assert p.version is Version.HJ212_2025 and p.ack_wanted and not p.split
    assert build(p) == s
    assert parse_packet(build(Packet(**{**_fields(p), "order": ()}))) == p


def _fields(p: Packet) -> dict:
    return {k: getattr(p, k) for k in Packet.__dataclass_fields__}


@pytest.mark.parametrize(
    ("flag", "version", "split", "ack"),
    [(None, 0, False, False), (0, 0, False, False), (3, 0, True, True), (4, 1, False, False),
     (5, 1, False, True), (7, 1, True, True), (8, 2, False, False), (11, 2, True, True)],
)  # fmt: skip
def test_flag_bits(flag: int | None, version: int, split: bool, ack: bool) -> None:
    p = Packet(flag=flag)
    assert (p.version, p.split, p.ack_wanted) == (version, split, ack)


def test_two_dash_key_and_suffixes() -> None:
    p = parse_packet("CP=&&a21026-i22004-Info=1;w01018-SampleTime=20231008123340,x=abc&&")
    items = list(p.items())
    assert (items[0].code, items[0].suffix) == ("a21026-i22004", "Info")
    assert items[1].suffix == "SampleTime" and items[1].number is not None
    assert items[2].suffix is None and items[2].number is None


def test_spaces_in_keys_trimmed() -> None:
    p = parse_packet("ST=32;CP=&& PolId=w01018;i12003-Info =0&&")
    assert p.fields() == {"PolId": "w01018", "i12003-Info": "0"}


@pytest.mark.parametrize(
    "seg", ["ST=32;CN=2011", "ST=32;CP=&&a=1", "ST;CP=&&&&", "Flag=x;CP=&&&&", "ST=1;ST=2;CP=&&&&",
            "ST=32CP=&&&&"],
)  # fmt: skip
def test_bad_segments(seg: str) -> None:
    with pytest.raises(PacketError):
        parse_packet(seg)


def test_times() -> None:
    assert parse_hj_time("20160801085857223").microsecond == 223000
    assert parse_hj_time("20160801085857", "UTC").utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    for bad in ("2016080108585", "2016130108585700", "20161301085857"):
        with pytest.raises(PacketError):
            parse_hj_time(bad)


def test_replies() -> None:
    req = parse_packet(SEG)
    assert reply_for(req) is None  # a centre request, not an upload
    assert build(reply_9011(req)) == (
        "QN=20160801085857223;ST=91;CN=9011;PW=100000;MN=010000A8900016F000169DC0;Flag=4;"
        "CP=&&QnRtn=1&&"
    )
    assert build(reply_9012(req, 100)).endswith(";Flag=4;CP=&&ExeRtn=100&&")
    hb = heartbeat_9015("20260101000000000", "22", "123456", "MN1", ack=True)
    assert build(hb) == "QN=20260101000000000;ST=22;CN=9015;PW=123456;MN=MN1;Flag=9;CP=&&&&"
    r = reply_for(hb)
    assert r is not None and build(r) == (
        "QN=20260101000000000;ST=91;CN=9013;PW=123456;MN=MN1;Flag=8;CP=&&&&"
    )
    assert reply_for(heartbeat_9015("1", "22", "1", "MN1")) is None
    split = parse_packet(
        "QN=1;ST=32;CN=2061;PW=1;MN=M;Flag=7;PNUM=2;PNO=1;CP=&&DataTime=20160801080000&&"
    )
    assert build(reply_9014(split)) == "QN=1;ST=91;CN=9014;PW=1;MN=M;Flag=4;CP=&&&&"


# ---- hypothesis -----------------------------------------------------------------------

_opt = st.one_of(st.none(), word)


def packets() -> st.SearchStrategy[Packet]:
    cn = st.one_of(st.none(), st.sampled_from(["2011", "2051", "9014", "9015", "1013"]))
    return strategies.packets(_opt, cn, _opt, _opt)


@given(packets())
@settings(max_examples=300)
def test_build_parse_round_trip(p: Packet) -> None:
    seg = build(p)
    q = parse_packet(seg)
    assert q == p
    assert build(q) == seg
    assert int(q.version) == (p.flag or 0) >> 2
    (frame,) = Decoder().feed(encode_frame(seg))
    assert isinstance(frame, Frame) and frame.data == seg


_garbage = st.binary(max_size=40) | st.lists(
    st.sampled_from([b"#", b"##", b"##0", b"##0101", b"\r\n", b"\n", b"x", b"\xff", b"&&"]),
    max_size=8,
).map(b"".join)


@given(
    st.lists(st.tuples(_garbage, packets()), min_size=1, max_size=6),
    _garbage,
    st.lists(st.integers(1, 200), min_size=1, max_size=50),
)
@settings(max_examples=200, deadline=None)
def test_stream_finds_every_frame(
    parts: list[tuple[bytes, Packet]], tail: bytes, sizes: list[int]
) -> None:
    frames = [encode_frame(build(p)) for _, p in parts]
    stream = b"".join(g + f for (g, _), f in zip(parts, frames, strict=True)) + tail
    d = Decoder()
    out: list[Frame | FrameError] = []
    pos = 0
    i = 0
    while pos < len(stream):
        n = sizes[i % len(sizes)]
        out += d.feed(stream[pos : pos + n])
        pos += n
        i += 1
    found = [o.raw for o in out if isinstance(o, Frame)]
    it = iter(found)
    assert all(f in it for f in frames), "a valid frame was lost"  # subsequence
    for o in out:
        if isinstance(o, FrameError):
            assert o.raw and isinstance(o.reason, FrameErrorReason)
