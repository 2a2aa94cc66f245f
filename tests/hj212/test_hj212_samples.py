"""Every frame of hj212_samples.txt: valid ones parse to the expected values and answers;
vendor-CRC, bad-CRC and bad-length frames are refused with the right reason code."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from _hj212_samples import Sample, load_samples

from greenpark.hj212 import (
    CrcMethod,
    Decoder,
    Frame,
    FrameError,
    FrameErrorReason,
    build,
    encode_frame,
    parse_packet,
    reply_for,
)

SAMPLES = load_samples()
ACCEPTED = [s for s in SAMPLES if s.category in ("valid", "derived")]
REFUSED = {
    "bad-crc": FrameErrorReason.BAD_CRC,
    "vendor-crc": FrameErrorReason.BAD_CRC,
    "bad-frame": FrameErrorReason.BAD_LENGTH,
    "derived-lenient": FrameErrorReason.BAD_LENGTH,
}


def test_sample_file_complete() -> None:
    assert len(SAMPLES) == 49
    assert len(ACCEPTED) == 41
    assert sum(s.category in REFUSED for s in SAMPLES) == 8


def _decode_one(raw: bytes, **kw: object) -> Frame | FrameError:
    out = Decoder(**kw).feed(raw)  # type: ignore[arg-type]
    assert out, "nothing decoded"
    return out[0]


@pytest.mark.parametrize("sample", ACCEPTED, ids=lambda s: s.id)
def test_valid_sample(sample: Sample) -> None:
    frame = _decode_one(sample.frame)
    assert isinstance(frame, Frame), frame
    assert frame.raw == sample.frame
    p = parse_packet(frame.data)
    e = sample.expected
    for key, attr in [("QN", "qn"), ("ST", "st"), ("CN", "cn"), ("PW", "pw"), ("MN", "mn")]:
        want = None if e.get(key, "<absent>") == "<absent>" else e[key]
        assert getattr(p, attr) == want, key
    want_flag = None if e.get("Flag", "<absent>") == "<absent>" else int(e["Flag"])
    assert p.flag == want_flag
    if "ver" in e:
        assert int(p.version) == int(e["ver"])
        assert p.split is bool(int(e["D"]))
        assert p.ack_wanted is bool(int(e["A"]))
    else:
        assert p.version == 0 and not p.ack_wanted
    assert p.pnum == e.get("PNUM")
    assert p.pno == e.get("PNO")
    assert p.get("DataTime") == e.get("DataTime")
    if sample.fields is not None:
        got = [(i.key, i.value) for i in p.items() if i.key != "DataTime"]
        assert got == sample.fields
    # round trip of canonical input
    assert build(p) == frame.data
    assert encode_frame(build(p)).lower() == sample.frame.lower()
    # answers: exactly the expected frame, or none
    reply = reply_for(p)
    if sample.reply is not None:
        assert reply is not None
        assert encode_frame(build(reply)) == sample.reply
    else:
        assert reply is None


@pytest.mark.parametrize(
    "sample", [s for s in SAMPLES if s.category in REFUSED], ids=lambda s: s.id
)
def test_refused_sample(sample: Sample) -> None:
    err = _decode_one(sample.frame)
    assert isinstance(err, FrameError)
    assert err.reason is REFUSED[sample.category]
    assert err.raw == sample.frame


@pytest.mark.parametrize(
    "sample", [s for s in SAMPLES if s.category == "vendor-crc"], ids=lambda s: s.id
)
def test_vendor_crc_accepted_when_lenient(sample: Sample) -> None:
    frame = _decode_one(sample.frame, crc_methods=("hj212", "modbus_swapped"))
    assert isinstance(frame, Frame)
    assert frame.crc_method is CrcMethod.MODBUS_SWAPPED
    p = parse_packet(frame.data)
    assert p.mn == sample.expected["MN"]
    assert p.get("DataTime") == sample.expected["DataTime"]


def test_plain_modbus_sample_accepted_when_lenient() -> None:
    (s,) = [s for s in SAMPLES if s.frame.endswith(b"&&ED94\r\n")]
    frame = _decode_one(s.frame, crc_methods=("hj212", "modbus"))
    assert isinstance(frame, Frame) and frame.crc_method is CrcMethod.MODBUS


def test_char_length_accepted_when_lenient() -> None:
    (s,) = [s for s in SAMPLES if s.category == "derived-lenient"]
    frame = _decode_one(s.frame, allow_char_length=True)
    assert isinstance(frame, Frame) and frame.length_in_chars
    assert parse_packet(frame.data).get("i11001-Info") == "//清洗管路//"
    assert encode_frame(frame.data).startswith(b"##0152")


def test_all_samples_in_one_stream() -> None:
    stream = b"".join(s.frame for s in SAMPLES)
    out = Decoder().feed(stream)
    frames = [o for o in out if isinstance(o, Frame)]
    assert [f.raw for f in frames] == [s.frame for s in ACCEPTED]


def test_sample_values() -> None:
    """Pinned values of the air-station minute packet (flash520/hj212)."""
    (s,) = [s for s in SAMPLES if b"JLYP01_AIR01_0001" in s.frame]
    p = parse_packet(_decode_one(s.frame).data)  # type: ignore[union-attr]
    assert p.fields()["a05024-Avg"] == "63"
    co = next(i for i in p.items() if i.key == "a21005-Avg")
    assert (co.code, co.suffix, co.number) == ("a21005", "Avg", Decimal("0.427"))
    assert p.data_time() == datetime(2022, 5, 13, 16, 26, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert p.data_time("UTC") == datetime(2022, 5, 13, 16, 26, tzinfo=ZoneInfo("UTC"))


def test_bare_flag_in_cp_keeps_header_flag() -> None:
    (s,) = [s for s in SAMPLES if s.frame.endswith(b"Flag=N&&BF41\r\n")]
    p = parse_packet(_decode_one(s.frame).data)  # type: ignore[union-attr]
    assert p.flag == 4
    assert p.get("Flag") == "N"


def test_17_digit_data_time() -> None:
    (s,) = [s for s in SAMPLES if s.frame.endswith(b"&&8c41\r\n")]
    p = parse_packet(_decode_one(s.frame).data)  # type: ignore[union-attr]
    assert p.data_time() == datetime(2021, 3, 5, 0, 38, 17, tzinfo=ZoneInfo("Asia/Shanghai"))
