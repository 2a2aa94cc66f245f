"""Pure functions implementing Chinese standards: no I/O, no database, no web.

Importing this package needs only the standard library, numpy and pandas. One module per
standard family: :mod:`~greenpark.standards.air` (HJ 633, GB 3095, HJ 663),
:mod:`~greenpark.standards.water` (GB 3838, GB 18918), :mod:`~greenpark.standards.noise`
(GB 3096, GB 12348), :mod:`~greenpark.standards.energy` (GB/T 2589 standard coal, MEE/NBS
electricity CO2 factors, fuel factors), :mod:`~greenpark.standards.credit_code` (GB 32100) and
the HJ 212
parameter table (:mod:`~greenpark.standards.parameters`). Their tables are the CSV files in
``standards/tables/``, each row with its unit, source and validity dates.
"""

from greenpark.standards import air, energy, noise, water
from greenpark.standards.air import annual_assessment, aqi_level, daily_aqi, hourly_aqi, iaqi
from greenpark.standards.credit_code import (
    CreditCodeError,
    credit_code_check_character,
    validate_credit_code,
)
from greenpark.standards.noise import (
    day_night_levels,
    energy_mean,
    gb3096_compliance,
    gb12348_compliance,
    ldn,
)
from greenpark.standards.water import gb18918_compliance, overall_class, removal_rate, water_class

__all__ = [
    "CreditCodeError",
    "air",
    "annual_assessment",
    "aqi_level",
    "credit_code_check_character",
    "daily_aqi",
    "day_night_levels",
    "energy",
    "energy_mean",
    "gb3096_compliance",
    "gb12348_compliance",
    "gb18918_compliance",
    "hourly_aqi",
    "iaqi",
    "ldn",
    "noise",
    "overall_class",
    "removal_rate",
    "validate_credit_code",
    "water",
    "water_class",
]
