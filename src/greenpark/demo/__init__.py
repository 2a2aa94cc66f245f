"""The demo park: a seeded, deterministic park shaped like Gui'an Free Trade Zone.

``build_demo(store)`` writes one park with 104 fictional enterprises, their meters and the
park's monitoring stations, and one full year of 15-min meter readings and hourly station
data shaped by real data (CNEMC Guiyang air quality, a real industrial load, real PV days,
national surface-water stations, a real sewage plant); see ``docs/demo.md``.

The pure parts can be used alone: :func:`park_registry` (the registry rows),
:func:`gap_plan` (which rows a series leaves out), :func:`expected_series` (the manifest)
and :func:`generate_group` (the arrays of one station or one enterprise's meters).
"""

from greenpark.demo.build import DEMO_VERSION, META_KEY, DemoReport, build_demo
from greenpark.demo.facts import ParkFacts, fact_rows, park_facts
from greenpark.demo.gaps import GapPlan, flag_plan, gap_plan, quality_plan, series_rng
from greenpark.demo.park import PARK_CODE, DemoRegistry, park_registry
from greenpark.demo.profiles import Profiles, load_profiles
from greenpark.demo.series import (
    Calendar,
    SeriesData,
    SeriesGroup,
    SeriesInfo,
    expected_series,
    generate_group,
    series_groups,
)

__all__ = [
    "DEMO_VERSION",
    "META_KEY",
    "PARK_CODE",
    "Calendar",
    "DemoRegistry",
    "DemoReport",
    "GapPlan",
    "ParkFacts",
    "Profiles",
    "SeriesData",
    "SeriesGroup",
    "SeriesInfo",
    "build_demo",
    "expected_series",
    "fact_rows",
    "flag_plan",
    "gap_plan",
    "generate_group",
    "load_profiles",
    "park_facts",
    "park_registry",
    "quality_plan",
    "series_groups",
    "series_rng",
]
