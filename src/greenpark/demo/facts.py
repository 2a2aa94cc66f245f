"""The published facts the demo park reproduces, read from ``data/park_facts.csv``.

The table has one row per fact with its ``value``, ``unit``, ``basis`` ("published" or
"demo choice") and ``source``. The published counts come from the MIIT 2023 national green
industrial park list and Gui'an Free Trade Zone's public profile; the others are choices of
the demo (see ``docs/demo.md``). Tests iterate over this table and check the generated
registry against every row.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

FACTS_FILE = Path(__file__).with_name("data") / "park_facts.csv"


@dataclass(frozen=True)
class ParkFacts:
    """Counts the demo park must reproduce exactly [count]."""

    enterprises: int
    above_designated_size: int
    revenue_above_10000: int
    high_tech: int
    national_green_data_centres: int
    national_green_factories: int
    provincial_green_factories: int
    sewage_treatment_plants: int
    ambient_air_stations: int
    surface_water_stations: int
    noise_stations: int
    new_energy_buses: int


@dataclass(frozen=True)
class FactRow:
    """One row of the facts table."""

    fact: str
    value: int
    unit: str
    basis: str
    source: str


@cache
def fact_rows() -> tuple[FactRow, ...]:
    """Every row of ``data/park_facts.csv``, in file order."""
    with FACTS_FILE.open(encoding="utf-8", newline="") as fh:
        return tuple(
            FactRow(r["fact"], int(r["value"]), r["unit"], r["basis"], r["source"])
            for r in csv.DictReader(fh)
        )


@cache
def park_facts() -> ParkFacts:
    """The facts table as a :class:`ParkFacts`; a missing or unknown fact raises ``KeyError``."""
    values = {r.fact: r.value for r in fact_rows()}
    names = {f.name for f in fields(ParkFacts)}
    unknown = set(values) - names
    if unknown:
        raise KeyError(f"unknown fact(s) {sorted(unknown)} in {FACTS_FILE.name}")
    return ParkFacts(**{n: values[n] for n in sorted(names)})
