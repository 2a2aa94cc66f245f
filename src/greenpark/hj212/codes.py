"""Pollutant and parameter code tables (data in ``codes.csv`` and ``codes_2005.csv``).

References
----------
HJ 212-2017 Appendix B: table B.1 (water), B.2 (air, with the HJ/T 212-2005 "原编码"
column), B.3 (noise); ozone ``a05024`` from HJ 524-2009 (not in table B.2).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

__all__ = ["ST_TABLES", "CodeInfo", "load_codes", "load_codes_2005", "map_2005_code"]


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """One row of ``codes.csv``: ``unit`` is the concentration unit, ``cou_unit`` the
    unit of ``-Cou`` (emission amount), empty when the standard gives none."""

    code: str
    name: str
    unit: str
    cou_unit: str
    medium: str
    standard: str
    source: str


ST_TABLES = {"21": "water", "32": "water", "33": "water", "34": "water", "22": "air", "31": "air"}
"""Which old-code table applies to a system code ST (HJ 212-2017 table 5; hj212.md §7.2a)."""


def _read(name: str) -> list[dict[str, str]]:
    with files("greenpark.hj212").joinpath(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def load_codes() -> dict[str, CodeInfo]:
    """Code table keyed by code (``w01018``, ``a05024``, ``LA``...); cached.

    References
    ----------
    HJ 212-2017 tables B.1-B.3; HJ 524-2009 (a05024).
    """
    return {row["code"]: CodeInfo(**row) for row in _read("codes.csv")}


@cache
def load_codes_2005() -> dict[tuple[str, str], str]:
    """HJ/T 212-2005 → HJ 212-2017 codes keyed by ``(table, old_code)``; cached.

    References
    ----------
    HJ 212-2017 tables B.1 and B.2, "原编码" column.
    """
    return {(r["table"], r["old_code"]): r["new_code"] for r in _read("codes_2005.csv")}


def map_2005_code(old_code: str, st: str) -> str | None:
    """New code for an old (2005) code sent with system code ``st``; None when unknown.

    Old codes are unique only within water or air, hence ``st``.

    Raises
    ------
    ValueError
        If ``st`` has no old-code table; the message lists the valid ST values.
    """
    try:
        table = ST_TABLES[st]
    except KeyError:
        valid = ", ".join(sorted(ST_TABLES))
        raise ValueError(f"no 2005 code table for ST={st!r}; must be one of: {valid}") from None
    return load_codes_2005().get((table, old_code))
