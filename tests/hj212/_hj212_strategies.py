"""Hypothesis strategies for HJ 212 packets, shared by the codec and SM4 property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from greenpark.hj212 import CpItem, Packet

word = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters=";,=&\r\n/-# ", categories=("L", "N")),
    min_size=1,
    max_size=12,
)
value = st.one_of(
    word,
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(["N", "F", "M", "S", "D", "C", "T", "B", "//清洗 管路; a,b=c//"]),
)
SUFFIXES = ("Rtd", "Avg", "Min", "Max", "Cou", "Flag", "EFlag", "SampleTime", "Info", "ZsAvg")
key = st.one_of(word, st.tuples(word, st.sampled_from(SUFFIXES)).map("-".join))
cp = st.lists(
    st.lists(st.builds(CpItem, key, value), min_size=1, max_size=4).map(tuple), max_size=6
).map(tuple)


@st.composite
def packets(
    draw: st.DrawFn,
    st_: st.SearchStrategy[str | None],
    cn: st.SearchStrategy[str | None],
    pw: st.SearchStrategy[str | None],
    mn: st.SearchStrategy[str | None],
) -> Packet:
    """A packet of edition 0, 1 or 2 (``Flag >> 2``; HJ 212-2017 table 3, HJ 212-2025 table
    3): Flag absent or any A/D bits, PNUM/PNO with D, RF only in 2025."""
    version = draw(st.sampled_from([0, 1, 2]))
    if version == 0:
        flag = draw(st.one_of(st.none(), st.integers(0, 3)))
    else:
        flag = (version << 2) | draw(st.integers(0, 3))
    split = flag is not None and bool(flag & 2)
    pn = st.integers(1, 9999).map(str) if split else st.none()
    return Packet(
        qn=draw(st.one_of(st.none(), st.from_regex(r"\A20[0-9]{15}\Z"))),
        st=draw(st_),
        cn=draw(cn),
        pw=draw(pw),
        mn=draw(mn),
        flag=flag,
        pnum=draw(pn),
        pno=draw(pn),
        rf=draw(st.none() if version < 2 else st.one_of(st.none(), st.just("1"))),
        cp=draw(cp),
    )
