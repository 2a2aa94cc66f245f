"""Packet → measurement rows (``greenpark.ingest.rows``): names, flags, old codes, UTC.

Packets are lines of ``tests/data/hj212/hj212_samples.txt`` (each line's source is named in
the file) read by their line number; expected values are copied from the same line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from greenpark.hj212 import CpItem, Packet, PacketError, parse_packet
from greenpark.ingest.rows import DATA_CNS, KIND_BY_ST, measurement_rows, parameter_name

SAMPLES = Path(__file__).parents[1] / "data" / "hj212" / "hj212_samples.txt"
LINES = SAMPLES.read_text(encoding="utf-8").splitlines()
UTC = dt.UTC
SHANGHAI = "Asia/Shanghai"


def _packet(line: int) -> Packet:
    """The packet on ``line`` (1-based) of the sample file, a frame without its CR LF."""
    frame, comment = LINES[line - 1], LINES[line]
    assert frame.startswith("##") and comment.startswith(("# [valid]", "# [derived]")), line
    return parse_packet(frame[6:-4])


def _rows(p: Packet, tz: str = SHANGHAI) -> dict[str, tuple[float | None, str]]:
    result = measurement_rows(p, 7, tz)
    assert all(r[0] == 7 for r in result.rows)
    return {name: (value, flag) for _, name, _, value, flag, _ in result.rows}


@pytest.mark.parametrize(
    ("code", "suffix", "cn", "name"),
    [
        ("a34004", "Avg", "2061", "a34004"),  # hourly mean: the bare code
        ("a34004", "Max", "2061", "a34004-Max/2061"),
        ("w01018", "Cou", "2061", "w01018-Cou/2061"),
        ("a34004", "Avg", "2051", "a34004-Avg/2051"),
        ("a34004", "Rtd", "2011", "a34004-Rtd/2011"),
        ("w01018", "Cou", "2031", "w01018-Cou/2031"),
        ("a21026-i22004", "Info", "2011", "a21026-i22004-Info/2011"),
    ],
)
def test_parameter_name(code: str, suffix: str, cn: str, name: str) -> None:
    assert parameter_name(code, suffix, cn) == name


def test_hourly_sample() -> None:
    """Line 13 (IceCoffee.HJ212 README): CN=2061, DataTime=20190924220000 in Beijing time."""
    result = measurement_rows(_packet(13), 1, SHANGHAI)
    assert result.skipped == 0
    times = {r[2] for r in result.rows}
    assert times == {dt.datetime(2019, 9, 24, 14, 0, tzinfo=UTC)}  # 22:00 +08:00
    assert {r[5] for r in result.rows} == {"hj212:2061"}
    assert _rows(_packet(13)) == {
        "a34006": (2.697, "N"),
        "a34007": (7.966, "N"),
        "a34048": (3.306, "N"),
        "a34047": (7.357, "N"),
        "a34049": (10.663, "N"),
    }


def test_hourly_with_min_max_cou() -> None:
    """Line 69 (HJ 212-2017 Appendix C hourly-data example, CRC ours)."""
    assert _rows(_packet(69)) == {
        "w00000-Cou/2061": (63.0, "N"),
        "w00000-Min/2061": (16.4, "N"),
        "w00000": (17.5, "N"),
        "w00000-Max/2061": (20.1, "N"),
        "w01001-Min/2061": (7.1, "N"),
        "w01001": (7.5, "N"),
        "w01001-Max/2061": (7.8, "N"),
        "w01018-Cou/2061": (63.0, "N"),
        "w01018-Min/2061": (40.1, "N"),
        "w01018": (40.1, "N"),
        "w01018-Max/2061": (40.1, "N"),
    }


def test_minute_and_daily_samples() -> None:
    """Line 15 (real minute data, CN=2051) and line 71 (Appendix C daily data, CN=2031)."""
    minute = _rows(_packet(15))
    assert minute["a21005-Avg/2051"] == (0.427, "N")
    assert minute["a34004-Avg/2051"] == (14.0, "N")
    assert len(minute) == 11 and all(n.endswith("-Avg/2051") for n in minute)
    daily = measurement_rows(_packet(71), 1, SHANGHAI)
    assert {r[2] for r in daily.rows} == {dt.datetime(2016, 7, 31, 16, tzinfo=UTC)}
    assert _rows(_packet(71))["w01018-Cou/2031"] == (2142.0, "N")


def test_real_time_sample_flags_before_values() -> None:
    """Line 19 (real device): ``-Flag`` before ``-Rtd`` still flags the value."""
    rows = _rows(_packet(19))
    assert rows["l01001-Rtd/2011"] == (119.90287, "N")
    assert rows["a05024-Rtd/2011"] == (8.82, "N")


def test_flags() -> None:
    """HJ 212-2017 table 4 / §6.4 data flags: each code's flag goes to all its rows; a
    code without ``-Flag`` is ``N``; a bare ``Flag=N`` item is no code's flag."""
    p = Packet(
        cn="2061",
        st="22",
        flag=5,
        cp=(
            (CpItem("DataTime", "20250601080000"),),
            (CpItem("a34004-Avg", "35"), CpItem("a34004-Max", "60"), CpItem("a34004-Flag", "D")),
            (CpItem("a21026-Avg", "8"), CpItem("a21026-Flag", "M")),
            (CpItem("a21004-Avg", "25"),),
            (CpItem("Flag", "T"),),
        ),
    )
    result = measurement_rows(p, 1, SHANGHAI)
    assert _rows(p) == {
        "a34004": (35.0, "D"),
        "a34004-Max/2061": (60.0, "D"),
        "a21026": (8.0, "M"),
        "a21004": (25.0, "N"),
    }
    assert result.skipped == 1  # the bare Flag


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # HJ/T 212-2005 (no Flag), ST=32: old water codes of table B.1 (011 COD, B01 flow,
        # 060 NH3-N), xiaoyao9184/hj-t212-parser
        (41, {"w01018-Rtd/2011": (231.0, "N"), "w00000-Rtd/2011": (36.91, "N"),
              "w21003-Rtd/2011": (1.803, "N")}),
        # 2005 style with 17-digit DataTime (milliseconds)
        (43, {"w01018-Rtd/2011": (231.0, "N"), "w00000-Rtd/2011": (36.91, "N"),
              "w21003-Rtd/2011": (1.803, "N")}),
    ],
)  # fmt: skip
def test_2005_codes_mapped(line: int, expected: dict) -> None:
    assert _rows(_packet(line)) == expected


def test_2005_unmapped_and_new_codes_kept() -> None:
    """Line 49 (real device, ST=31, no Flag): vendor codes and 2017 codes stay verbatim;
    the 2017 map applies only to old codes (HJ 212-2017 table B.2 old-code column)."""
    rows = _rows(_packet(49))
    assert len(rows) == 31
    assert rows["a99948-Rtd/2011"] == (452.341, "N")  # already a 2017-style code
    assert rows["831-Rtd/2011"] == (3.128, "N")  # vendor code without a mapping
    assert rows["023-Rtd/2011"] == (0.0, "N")  # not in the air old-code column
    # a 2017 packet (Flag=5) with an old-looking code is not remapped
    p = Packet(cn="2011", st="32", flag=5, cp=((CpItem("DataTime", "20250601080000"),),
                                               (CpItem("011-Rtd", "1"),)))  # fmt: skip
    assert _rows(p) == {"011-Rtd/2011": (1.0, "N")}


def test_non_numeric_items_skipped() -> None:
    p = Packet(
        cn="2011",
        st="32",
        flag=5,
        cp=(
            (CpItem("DataTime", "20231008123340"),),
            (CpItem("w01018-Rtd", "40.1"), CpItem("w01018-SampleTime", "20231008123340")),
            (CpItem("w01018-EFlag", "A01"), CpItem("w01018-SN", "010000A8900016F000169DC0")),
            (CpItem("i12001-Info", "//清洗管路//"), CpItem("w21003-Rtd", "NaN")),
            (CpItem("w21011-Rtd", "inf"), CpItem("w01001-Rtd", ""), CpItem("w01001-Avg", None)),
            (CpItem("PolId", "w01018"), CpItem("w00000-Rtd", "-"), CpItem("w20111-Rtd", "1e-3")),
        ),
    )
    result = measurement_rows(p, 1, SHANGHAI)
    assert _rows(p) == {"w01018-Rtd/2011": (40.1, "N"), "w20111-Rtd/2011": (0.001, "N")}
    # SampleTime, EFlag, SN, Info, NaN, inf, "", None, PolId, "-"
    assert result.skipped == 10


def test_numeric_sample_time_is_not_a_value() -> None:
    """``-SampleTime`` is N14 (HJ 212-2017 table 4): digits, but a time, not a value."""
    p = Packet(cn="2011", st="32", flag=5, cp=((CpItem("DataTime", "20231008123340"),),
               (CpItem("w01018-SampleTime", "20231008123340"),)))  # fmt: skip
    assert measurement_rows(p, 1, SHANGHAI).rows == []


def test_long_names_skipped() -> None:
    p = Packet(cn="2051", st="22", flag=5, cp=((CpItem("DataTime", "20250601080000"),),
               (CpItem("a" * 30 + "-Avg", "1"),)))  # fmt: skip
    result = measurement_rows(p, 1, SHANGHAI)
    assert result.rows == [] and result.skipped == 1


@pytest.mark.parametrize(
    ("cp", "message"),
    [
        (((CpItem("a34004-Rtd", "1"),),), "CN=2011 upload without DataTime"),
        (((CpItem("DataTime", "2025060108"),),), "is not 14 or 17 digits"),
        (((CpItem("DataTime", "20251301080000"),),), "month must be in 1..12"),
    ],
)
def test_bad_data_time_raises(cp: tuple, message: str) -> None:
    with pytest.raises(PacketError, match=message):
        measurement_rows(Packet(cn="2011", st="22", flag=5, cp=cp), 1, SHANGHAI)


@pytest.mark.parametrize(
    ("tz", "utc"),
    [
        ("Asia/Shanghai", dt.datetime(2019, 9, 24, 14, tzinfo=UTC)),  # UTC+8, no DST
        ("UTC", dt.datetime(2019, 9, 24, 22, tzinfo=UTC)),
        ("Asia/Urumqi", dt.datetime(2019, 9, 24, 16, tzinfo=UTC)),  # UTC+6
        ("Europe/Berlin", dt.datetime(2019, 9, 24, 20, tzinfo=UTC)),  # CEST, UTC+2
    ],
)
def test_station_zone_to_utc(tz: str, utc: dt.datetime) -> None:
    """HJ 212 times carry no offset (2017 table 4): read in the station's zone, stored UTC."""
    rows = measurement_rows(_packet(13), 1, tz).rows
    assert {r[2] for r in rows} == {utc}
    assert all(r[2].utcoffset() == dt.timedelta(0) for r in rows)


def test_tables() -> None:
    """Uploads with measurements (HJ 212-2017 table 9) and kinds by ST (table 5)."""
    assert set(DATA_CNS) == {"2011", "2051", "2061", "2031"}
    assert KIND_BY_ST["22"] == "ambient_air" and KIND_BY_ST["21"] == "surface_water"
    assert KIND_BY_ST["23"] == "noise" and KIND_BY_ST["32"] == "wastewater_outlet"


def test_hourly_noise_level_is_the_stores_laeq() -> None:
    """Noise periods come as ``-Data`` (line 87: HJ 212-2017 noise minute data); the hourly
    ``Leq-Data`` is stored as ``LAeq``, the series the GB 3096-2008 judgement reads."""
    minute = _packet(87)
    assert _rows(minute)["Leq-Data/2051"] == (50.0, "N")
    hourly = replace(minute, cn="2061")
    rows = _rows(hourly)
    assert rows["LAeq"] == (50.0, "N")
    assert rows["L90-Data/2061"] == (45.0, "N")
    assert "Leq-Data/2061" not in rows
