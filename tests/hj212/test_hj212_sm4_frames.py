"""SM4 frames (HJ 212-2025 §6.4.2, Appendix A.2): encode → decode round trips for random
packets of all three editions, in both wire forms, and a stream fuzz with raw ciphertext.

The CRC covers the plaintext segment, so the decoder must decrypt before it checks
(hj212_2025.md §5); raw ciphertext may hold ``CR LF``, so such stations need
``length_framing=True``.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("cryptography")

import _hj212_strategies as strategies

from greenpark.hj212 import (
    Decoder,
    Frame,
    FrameError,
    FrameErrorReason,
    Packet,
    build,
    crc_hj212,
    encode_frame,
    parse_packet,
)
from greenpark.hj212.crypto import BLOCK, sm4_ecb
from greenpark.hj212.link import Link, Sm4Wire

# GB/T 32907-2016 example A.1 key; any 16 bytes would do.
KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
OLD_KEY = b"greenpark-old-k1"

# ---- strategies -----------------------------------------------------------------------

#: The stations of the fuzz, by MN: raw SM4, text SM4, no encryption.
MNS = {"MNRAW0001": Sm4Wire.RAW, "MNTEXT001": Sm4Wire.TEXT, "MNPLAIN01": None}
LINKS = {mn: Link(sm4=wire, keys=(KEY,)) if wire else None for mn, wire in MNS.items()}
_MN = st.sampled_from(sorted(MNS))


def packets(mn: st.SearchStrategy[str] = _MN) -> st.SearchStrategy[Packet]:
    """A packet of edition 0, 1 or 2 from one of the fuzz stations."""
    return strategies.packets(
        st.sampled_from(["21", "22", "23", "32"]),
        st.sampled_from(["2011", "2051", "2061", "1014", "9015"]),
        st.sampled_from(["123456", "BF470F88957588DE"]),
        mn,
    )


def _cp_len(seg: str) -> int:
    data = seg.encode()
    return len(data) - data.find(b"CP=&&") - 7


# ---- round trips ----------------------------------------------------------------------


@given(packets(), st.sampled_from([None, "text", "raw"]), st.binary(min_size=16, max_size=16))
@settings(max_examples=300, deadline=None)
def test_encode_decode_round_trip(p: Packet, wire: str | None, key: bytes) -> None:
    seg = build(p)
    raw = encode_frame(seg) if wire is None else encode_frame(seg, key=key, sm4=wire)
    link = None if wire is None else Link(sm4=Sm4Wire(wire), keys=(key,))
    decoder = Decoder(links=lambda mn: link, length_framing=wire == "raw")
    (frame,) = decoder.feed(raw)
    assert isinstance(frame, Frame), frame
    assert frame.raw == raw and frame.data == seg
    assert frame.crc == f"{crc_hj212(seg.encode()):04X}"  # over the plaintext (App. A.2)
    encrypted = wire is not None and _cp_len(seg) >= BLOCK
    assert frame.key_index == (0 if encrypted else None)
    if encrypted:
        assert raw[6:-6] != seg.encode()
    q = parse_packet(frame.data)
    assert q == p
    assert int(q.version) == (p.flag or 0) >> 2


@given(packets(st.just("MNTEXT001")), st.sampled_from(["text", "raw"]))
@settings(max_examples=100, deadline=None)
def test_overlap_keys_pick_the_right_one(p: Packet, wire: str) -> None:
    """Keys (new, old): a frame under the old key decrypts with index 1 (HJ 212-2025 §6.4.3)."""
    seg = build(p)
    raw = encode_frame(seg, key=OLD_KEY, sm4=wire)
    link = Link(sm4=Sm4Wire(wire), keys=(KEY, OLD_KEY))
    (frame,) = Decoder(links=lambda mn: link, length_framing=True).feed(raw)
    assert isinstance(frame, Frame) and frame.data == seg
    assert frame.key_index == (1 if _cp_len(seg) >= BLOCK else None)


def _segment(value: int) -> str:
    return (
        "QN=20250601120000000;ST=22;CN=2011;PW=123456;MN=MNTEXT001;Flag=9;"
        f"CP=&&DataTime=20250601120000;a34004-Rtd={value},a34004-Flag=N&&"
    )


def test_ciphertext_whose_crc_matches_is_still_decrypted() -> None:
    """The HJ 212 CRC (Appendix A) takes only 256 values (``reg = T[(reg >> 8) ^ b]``), so
    the ciphertext segment itself carries the right check value about once in 256 frames;
    such a frame must still be decrypted, not read as plaintext."""
    for wire in ("text", "raw"):
        for value in range(20_000):
            seg = _segment(value)
            raw = encode_frame(seg, key=KEY, sm4=wire)
            if crc_hj212(raw[6:-6]) == crc_hj212(seg.encode()):
                break
        else:
            pytest.fail("no colliding frame found")
        link = Link(sm4=Sm4Wire(wire), keys=(KEY,))
        (frame,) = Decoder(links=lambda mn, link=link: link, length_framing=True).feed(raw)
        assert isinstance(frame, Frame), (wire, value, frame)
        assert frame.data == seg and frame.key_index == 0


def test_wrong_overlap_key_whose_crc_matches_is_skipped() -> None:
    """Keys (new, old) and a frame under the old key whose decryption with the new key
    happens to match the CRC: that garbage is not UTF-8, so the old key is tried next."""
    link = Link(sm4=Sm4Wire.RAW, keys=(KEY, OLD_KEY))
    for value in range(20_000):
        seg = _segment(value)
        raw = encode_frame(seg, key=OLD_KEY, sm4="raw")
        at = raw.find(b"CP=&&") + 5
        body = raw[at:-8]
        cut = len(body) - len(body) % BLOCK
        wrong = raw[6:at] + sm4_ecb(KEY, body[:cut], decrypt=True) + body[cut:] + b"&&"
        if crc_hj212(wrong) == crc_hj212(seg.encode()):
            break
    else:
        pytest.fail("no colliding frame found")
    (frame,) = Decoder(links=lambda mn: link, length_framing=True).feed(raw)
    assert isinstance(frame, Frame), frame
    assert frame.data == seg and frame.key_index == 1


def test_short_cp_names_no_key() -> None:
    """A CP area shorter than one block is sent in clear (App. A.2, no padding): the frame
    proves nothing about the key, so ``key_index`` is None in both wire forms."""
    seg = "QN=20250601120000000;ST=22;CN=9015;PW=123456;MN=MNRAW0001;Flag=9;CP=&&&&"
    for wire in Sm4Wire:
        link = Link(sm4=wire, keys=(KEY, OLD_KEY))
        raw = encode_frame(seg, key=OLD_KEY, sm4=wire)
        assert raw == encode_frame(seg)
        (frame,) = Decoder(links=lambda mn, link=link: link).feed(raw)
        assert isinstance(frame, Frame) and frame.key_index is None


def test_unknown_key_is_bad_crc_and_plain_text_form_is_kept() -> None:
    seg = _segment(7)
    link = Link(sm4=Sm4Wire.TEXT, keys=(OLD_KEY,))
    (err,) = Decoder(links=lambda mn: link).feed(encode_frame(seg, key=KEY, sm4="text"))
    assert isinstance(err, FrameError) and err.reason is FrameErrorReason.BAD_CRC
    assert "SM4 decryption with the station's 1 key(s)" in err.message
    (frame,) = Decoder(links=lambda mn: link).feed(encode_frame(seg))
    assert isinstance(frame, Frame) and frame.key_index is None and frame.data == seg


def test_raw_ciphertext_with_crlf_needs_length_framing() -> None:
    """Raw ciphertext holding ``CR LF``: cut at the first CR LF it is refused; framed by
    the declared length it decodes (hj212_2025.md §8, wire form unsettled)."""
    for value in range(50_000):
        seg = _segment(value).replace("MNTEXT001", "MNRAW0001")
        raw = encode_frame(seg, key=KEY, sm4="raw")
        if b"\r\n" in raw[:-2]:
            break
    else:
        pytest.fail("no ciphertext with CR LF found")
    link = Link(sm4=Sm4Wire.RAW, keys=(KEY,))
    cut = Decoder(links=lambda mn: link).feed(raw)
    assert not any(isinstance(o, Frame) for o in cut)
    (frame,) = Decoder(links=lambda mn: link, length_framing=True).feed(raw)
    assert isinstance(frame, Frame) and frame.data == seg and frame.key_index == 0


# ---- stream fuzz ----------------------------------------------------------------------

_garbage = (
    st.binary(max_size=40)
    | st.lists(
        st.sampled_from([b"#", b"\r\n", b"\n", b"x", b"\xff", b"&&", b"0101", b"CP=&&"]),
        max_size=8,
    ).map(b"".join)
).filter(lambda g: b"##" not in g)


def _encode(p: Packet) -> bytes:
    wire = MNS[p.mn or ""]
    return encode_frame(build(p), key=KEY if wire else None, sm4=wire or "text")


@given(
    st.lists(st.tuples(_garbage, packets()), min_size=1, max_size=6),
    _garbage,
    st.lists(st.integers(1, 200), min_size=1, max_size=50),
)
@settings(max_examples=150, deadline=None)
def test_stream_finds_every_frame_with_raw_ciphertext(
    parts: list[tuple[bytes, Packet]], tail: bytes, sizes: list[int]
) -> None:
    """Frames of raw-SM4, text-SM4 and plain stations between garbage without ``##``, fed
    in random chunks: every frame comes out, in order, and nothing else does.

    Garbage may end in ``#``; joined to the next header that makes ``###``, refused as a
    bad length field before the decoder moves one byte on and finds the real frame.
    """
    frames = [_encode(p) for _, p in parts]
    stream = b"".join(g + f for (g, _), f in zip(parts, frames, strict=True)) + tail
    d = Decoder(links=LINKS.get, length_framing=True)
    out: list[Frame | FrameError] = []
    pos = 0
    i = 0
    while pos < len(stream):
        n = sizes[i % len(sizes)]
        out += d.feed(stream[pos : pos + n])
        pos += n
        i += 1
    found = [o for o in out if isinstance(o, Frame)]
    assert [f.raw for f in found] == frames
    assert [f.data for f in found] == [build(p) for _, p in parts]
    for o in out:
        if isinstance(o, FrameError):
            assert o.reason in (FrameErrorReason.GARBAGE, FrameErrorReason.BAD_LENGTH), o
    assert d.buffered <= (1 if tail.endswith(b"#") else 0)


def test_length_framing_does_not_wait_behind_a_cut_frame() -> None:
    """With length framing, a frame cut short (declares 300 bytes, 40 arrive) is refused as
    soon as a complete valid frame follows it, instead of holding that frame back until 300
    more bytes have come."""
    good = encode_frame("QN=20260101000000000;ST=22;CN=2011;PW=123456;MN=MNPLAIN01;Flag=5;CP=&&&&")
    cut = b"##0300QN=20260101000000000;ST=22;CN=2011"
    out = Decoder(links=LINKS.get, length_framing=True).feed(cut + good)
    assert [type(x) for x in out] == [FrameError, Frame]
    assert out[0].reason is FrameErrorReason.BAD_LENGTH and out[0].raw == cut
    assert out[1].raw == good
