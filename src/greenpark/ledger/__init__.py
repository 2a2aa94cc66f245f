"""The energy and carbon ledger: monthly quantities → standard coal and CO2 (issue 6).

:func:`~greenpark.ledger.compute.monthly_ledger` is pure; the coefficients and factors are
those of :mod:`greenpark.standards.energy`. :func:`~greenpark.ledger.registers.register_intervals`
turns cumulative register readings into interval use (rollover, meter replacement).
"""

from greenpark.ledger.compute import CARRIER_RULES, CarrierRule, LedgerOptions, monthly_ledger
from greenpark.ledger.registers import Replacement, register_intervals

__all__ = [
    "CARRIER_RULES",
    "CarrierRule",
    "LedgerOptions",
    "Replacement",
    "monthly_ledger",
    "register_intervals",
]
