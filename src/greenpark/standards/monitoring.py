"""What the park's monitoring stations report and how their values are read, as tables:
the HJ 212 codes of each kind of station and the standard's indicator each stands for, the
valid data flags (HJ 212-2017), the day and night hours (GB 3096-2008 clause 3), the
sewage plants' discharge class (GB 18918-2002 clause 4.1.2). Pure, standard library only:
shared by the dashboard's environment report (:mod:`greenpark.environment.view`) and the
evaluation's values (:mod:`greenpark.evaluation.values`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

#: HJ 212-2017 data flags of values that count: normal and above the analyser's range.
VALID_FLAGS: Final[frozenset[str]] = frozenset({"N", "T"})
#: Hourly values are labelled by the start of their hour.
HOUR_LABEL: Final[str] = "start"
#: Days of the AQI calendar, ending with the newest complete day [d].
CALENDAR_DAYS: Final[int] = 30
#: Days over which outlet exceedances are counted, ending with the newest complete day [d].
OUTLET_DAYS: Final[int] = 30
#: Daily AQI at or below which a day is good or moderate (优良) [-].
GOOD_DAY_MAX_AQI: Final[float] = 100.0
#: Assumed construction date of the sewage plants (GB 18918-2002 table 1, TP limits).
ASSUMED_COMMISSIONED: Final[dt.date] = dt.date(2006, 1, 1)
#: Local hour at which the day (昼间) starts; the night starts at :data:`NIGHT_START`.
DAY_START: Final[int] = 6
NIGHT_START: Final[int] = 22

#: HJ 212 code -> pollutant of :data:`greenpark.standards.air.POLLUTANTS`.
AIR_PARAMETERS: Final[dict[str, str]] = {
    "a34004": "pm2_5",
    "a34002": "pm10",
    "a21026": "so2",
    "a21004": "no2",
    "a21005": "co",
    "a05024": "o3",
}
#: HJ 212 code -> GB 3838-2002 indicator of the surface-water class.
SURFACE_WATER_PARAMETERS: Final[dict[str, str]] = {
    "w01001": "pH",
    "w01009": "DO",
    "w01019": "CODMn",
    "w21003": "NH3-N",
    "w21011": "TP",
}
#: Column name of the water temperature in the outlet's daily frame.
WATER_TEMP: Final[str] = "water_temp"
#: HJ 212 code -> GB 18918-2002 indicator (or :data:`WATER_TEMP`) of an outlet.
OUTLET_PARAMETERS: Final[dict[str, str]] = {
    "w01018": "COD",
    "w21003": "NH3-N",
    "w21011": "TP",
    "w21001": "TN",
    "w01001": "pH",
    "w01010": WATER_TEMP,
}
#: HJ 212 code of the hourly equivalent sound level.
NOISE_PARAMETER: Final[str] = "LAeq"
#: Target classes as stored (``"I"`` .. ``"V"``) -> class number of GB 3838-2002.
TARGET_CLASSES: Final[dict[str, int]] = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}

_GB18918 = re.compile(r"^\s*GB\s*18918-2002\s+(1A|1B|2|3)\s*$", re.IGNORECASE)


def discharge_class(standard: str | None) -> str | None:
    """The GB 18918-2002 class named by a station's ``discharge_standard``, or ``None``.

    >>> discharge_class("GB 18918-2002 1A")
    '1A'
    """
    match = _GB18918.match(standard or "")
    return None if match is None else match.group(1).upper()
