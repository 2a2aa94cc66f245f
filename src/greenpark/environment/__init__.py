"""Environmental assessments of monitoring tables: air (AQI), surface water (class) and
noise (Ld, Ln, Ldn and zone compliance); and the park's environment report for the
dashboard (:mod:`~greenpark.environment.view`, over the store).

:mod:`~greenpark.environment.assess` works table to table on the pure functions of
:mod:`greenpark.standards`; :mod:`~greenpark.environment.files` reads and writes CSV and
Excel files at the edge. The ``greenpark aqi``, ``water-class`` and ``noise`` commands call
them; see ``docs/assess.md``.
"""

from greenpark.environment._sheet import Sheet, cells, parse_renames, rename_header
from greenpark.environment.assess import (
    AIR_COLUMNS,
    AQI_REPORTS,
    AQI_STANDARDS,
    DEFAULT_TIMEZONE,
    NOISE_COLUMNS,
    NOISE_ZONES,
    WATER_BODIES,
    WATER_COLUMNS,
    Assessment,
    assess_air,
    assess_noise,
    assess_water,
)
from greenpark.environment.files import TABLE_SUFFIXES, check_suffix, read_sheet, write_table

__all__ = [
    "AIR_COLUMNS",
    "AQI_REPORTS",
    "AQI_STANDARDS",
    "DEFAULT_TIMEZONE",
    "NOISE_COLUMNS",
    "NOISE_ZONES",
    "TABLE_SUFFIXES",
    "WATER_BODIES",
    "WATER_COLUMNS",
    "Assessment",
    "Sheet",
    "assess_air",
    "assess_noise",
    "assess_water",
    "cells",
    "check_suffix",
    "parse_renames",
    "read_sheet",
    "rename_header",
    "write_table",
]
