"""The unit table: one internal unit per quantity (see ``docs/architecture.md``, "Time and units").

Energy carriers are metered in their natural unit; conversion to tce is the ledger's job
(GB/T 2589-2020) and is not done here.
"""

from __future__ import annotations

from typing import Final

#: Energy carrier -> the unit its meters report in (internal unit of that carrier).
CARRIER_UNITS: Final[dict[str, str]] = {
    "electricity": "kWh",
    "natural_gas": "m³",
    "water": "m³",
    "heat": "GJ",
    "cooling": "GJ",
    "steam": "t",
    "diesel": "t",
    "gasoline": "t",
    "coal": "t",
    "other": "",
}

#: Carriers a meter may record.
CARRIERS: Final[tuple[str, ...]] = tuple(CARRIER_UNITS)

#: Money amounts are held in 10^4 yuan (万元).
MONEY_UNIT: Final[str] = "10⁴ yuan"

#: Revenue threshold for an "above designated size" industrial enterprise (规模以上工业企业),
#: NBS statistical rule in force since 2011: annual main-business revenue >= 20 million yuan.
ABOVE_DESIGNATED_SIZE_REVENUE: Final[float] = 2000.0  # [10⁴ yuan]

#: Seconds in one hour and one 15-minute interval.
HOUR_S: Final[int] = 3600
QUARTER_HOUR_S: Final[int] = 900
