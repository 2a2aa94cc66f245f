"""Private loader of the water-standard tables in ``standards/tables/``.

``gb3838_limits.csv`` (GB 3838-2002 table 1) and ``gb18918_limits.csv`` (GB 18918-2002
table 1) are read once and cached; the public functions live in
:mod:`greenpark.standards.water`.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources
from typing import Final

#: Class labels of GB 3838-2002 in table order; class 6 is "inferior V" (劣Ⅴ).
GB3838_CLASSES: Final[tuple[int, ...]] = (1, 2, 3, 4, 5)
#: Discharge classes of GB 18918-2002 table 1 (一级 A, 一级 B, 二级, 三级).
GB18918_CLASSES: Final[tuple[str, ...]] = ("1A", "1B", "2", "3")

GB3838_COLUMNS: Final[tuple[str, ...]] = (
    "indicator",
    "name_zh",
    "body",
    "bound",
    "class_1",
    "class_2",
    "class_3",
    "class_4",
    "class_5",
    "unit",
    "source",
    "valid_from",
    "valid_to",
    "confidence",
    "note",
)
GB18918_COLUMNS: Final[tuple[str, ...]] = (
    "indicator",
    "name_zh",
    "bound",
    "water_temp",
    "commissioned",
    "class_1A",
    "class_1B",
    "class_2",
    "class_3",
    "unit",
    "source",
    "valid_from",
    "valid_to",
    "confidence",
    "note",
)


@dataclass(frozen=True)
class LimitRow:
    """One row of a limit table: the limits per class and where they come from.

    ``limits`` holds one float per class in table order (NaN where the standard sets no
    limit). ``bound`` is ``"upper"`` (at most) or ``"lower"`` (at least).
    ``condition`` is the body (``"all"``, ``"river"``, ``"lake"``) for GB 3838 and
    ``"water_temp"`` / ``"commissioned"`` text (empty when unconditional) for GB 18918.
    """

    indicator: str
    name_zh: str
    bound: str
    condition: tuple[str, ...]
    limits: tuple[float, ...]
    unit: str
    source: str
    valid_from: str
    valid_to: str
    confidence: str
    note: str


def _read(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    path = resources.files("greenpark.standards") / "tables" / name
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    if tuple(reader.fieldnames or ()) != columns:
        raise ValueError(f"{name}: header {reader.fieldnames} must be {list(columns)}")
    return list(reader)


def _float(text: str) -> float:
    return float(text) if text.strip() else float("nan")


def _row(raw: dict[str, str], classes: tuple[str, ...], condition: tuple[str, ...]) -> LimitRow:
    return LimitRow(
        indicator=raw["indicator"],
        name_zh=raw["name_zh"],
        bound=raw["bound"],
        condition=condition,
        limits=tuple(_float(raw[f"class_{c}"]) for c in classes),
        unit=raw["unit"],
        source=raw["source"],
        valid_from=raw["valid_from"],
        valid_to=raw["valid_to"],
        confidence=raw["confidence"],
        note=raw["note"],
    )


@functools.cache
def gb3838_rows() -> tuple[LimitRow, ...]:
    """All rows of ``gb3838_limits.csv`` (condition = ``(body,)``)."""
    classes = tuple(str(c) for c in GB3838_CLASSES)
    return tuple(
        _row(raw, classes, (raw["body"],)) for raw in _read("gb3838_limits.csv", GB3838_COLUMNS)
    )


@functools.cache
def gb18918_rows() -> tuple[LimitRow, ...]:
    """All rows of ``gb18918_limits.csv`` (condition = ``(water_temp, commissioned)``)."""
    return tuple(
        _row(raw, GB18918_CLASSES, (raw["water_temp"], raw["commissioned"]))
        for raw in _read("gb18918_limits.csv", GB18918_COLUMNS)
    )
