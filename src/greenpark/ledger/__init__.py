"""The energy and carbon ledger: monthly quantities → standard coal and CO2 (issue 6).

:func:`~greenpark.ledger.compute.monthly_ledger` is pure; the coefficients and factors are
those of :mod:`greenpark.standards.energy`.
"""

from greenpark.ledger.compute import CARRIER_RULES, CarrierRule, LedgerOptions, monthly_ledger

__all__ = ["CARRIER_RULES", "CarrierRule", "LedgerOptions", "monthly_ledger"]
