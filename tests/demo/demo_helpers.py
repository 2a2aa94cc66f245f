"""Helpers of the demo tests: count the published facts in registry rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from greenpark.units import ABOVE_DESIGNATED_SIZE_REVENUE

Rows = Mapping[str, Sequence[Mapping[str, Any]]]


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def count_facts(rows: Rows, year: int) -> dict[str, int]:
    """Every fact of ``data/park_facts.csv`` counted from registry rows (import shape)."""
    revenue = {
        r["credit_code"]: float(r["revenue"]) for r in rows["enterprise_year"] if r["year"] == year
    }
    above = {c for c, v in revenue.items() if v >= ABOVE_DESIGNATED_SIZE_REVENUE}
    large = {c for c, v in revenue.items() if v > 10_000}
    dec31 = dt.date(year, 12, 31)
    high_tech = {
        r["credit_code"]
        for r in rows["high_tech_certificate"]
        if _as_date(r["valid_from"]) <= dec31 <= _as_date(r["valid_to"])
    }

    def certified(kind: str) -> int:
        return len(
            {
                r["credit_code"]
                for r in rows["certification"]
                if r["kind"] == kind and r["year"] <= year
            }
        )

    stations = rows["station"]
    plants = {s["enterprise"] for s in stations if s["kind"] == "wastewater_outlet"} & {
        s["enterprise"] for s in stations if s["kind"] == "wastewater_inlet"
    }
    return {
        "enterprises": len(rows["enterprise"]),
        "above_designated_size": len(above),
        "revenue_above_10000": len(large),
        "high_tech": len(high_tech),
        "national_green_data_centres": certified("national_green_data_centre"),
        "national_green_factories": certified("national_green_factory"),
        "provincial_green_factories": certified("provincial_green_factory"),
        "sewage_treatment_plants": len(plants),
        "ambient_air_stations": sum(s["kind"] == "ambient_air" for s in stations),
        "surface_water_stations": sum(s["kind"] == "surface_water" for s in stations),
        "noise_stations": sum(s["kind"] == "noise" for s in stations),
        "new_energy_buses": sum(
            v["kind"] == "bus" and v["energy"] in ("battery_electric", "fuel_cell")
            for v in rows["vehicle"]
        ),
    }
