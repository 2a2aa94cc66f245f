"""Code tables against the printed standard (HJ 212-2017 tables B.1-B.3, hj212.md §7)."""

from __future__ import annotations

import pytest

from greenpark.hj212 import load_codes, load_codes_2005, map_2005_code

PRINTED = [  # (code, name, unit, -Cou unit) as hj212.md transcribes tables B.1-B.3
    ("w00000", "wastewater flow", "L/s", "m³"),
    ("w01018", "COD", "mg/L", "kg"),
    ("w21003", "ammonia nitrogen", "mg/L", "kg"),
    ("w20111", "total mercury", "μg/L", "g"),
    ("a00000", "flue-gas flow", "m³/s", "m³"),
    ("a21026", "sulphur dioxide (SO2)", "mg/m³", "kg"),
    ("a34004", "PM2.5", "ng/m³", "g"),
    ("a19001", "oxygen content", "%", ""),
    ("Leq", "equivalent continuous sound level", "dB(A)", ""),
]


@pytest.mark.parametrize(("code", "name", "unit", "cou"), PRINTED)
def test_printed_rows(code: str, name: str, unit: str, cou: str) -> None:
    info = load_codes()[code]
    assert (info.name, info.unit, info.cou_unit) == (name, unit, cou)


def test_table_shape() -> None:
    codes = load_codes()
    assert sum(c.medium == "water" for c in codes.values()) == 30  # table B.1 rows in hj212.md
    assert sum(c.medium == "air" for c in codes.values()) == 35  # table B.2 + a05024
    noise = {c for c, i in codes.items() if i.medium == "noise"}
    assert noise == {"LA", "L5", "L10", "L50", "L90", "L95", "Leq", "Ldn", "Ld", "Ln", "LMx", "LMn"}
    assert codes["a05024"].standard == "HJ 524-2009"
    assert all(i.source for i in codes.values())


def test_2005_map() -> None:
    assert map_2005_code("011", "32") == "w01018"
    assert map_2005_code("B01", "32") == "w00000"
    assert map_2005_code("02", "31") == "a21026"
    assert map_2005_code("S01", "31") == "a19001"
    assert map_2005_code("121", "31") is None  # vendor code, kept verbatim
    # a21017 (old 07) is in the map but not in hj212.md's transcription of table B.2
    assert set(load_codes_2005().values()) - set(load_codes()) == {"a21017"}
    with pytest.raises(ValueError, match="must be one of"):
        map_2005_code("011", "99")
