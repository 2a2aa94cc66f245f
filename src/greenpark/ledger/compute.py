"""Monthly quantities per carrier → standard coal and CO2, every figure with its factor.

Pure: a table of quantities in, a table of results out; the coefficients and factors come
from :mod:`greenpark.standards.energy`. Each result row names the coefficient and the
factor it used (value, source, data year and the note when the year was not published),
so a ledger figure can be traced to its readings and its factor versions.

Carriers (``greenpark.units.CARRIER_UNITS``) map to GB/T 2589 rows and CO2 scopes by
:data:`CARRIER_RULES`:

- direct (fuel combustion, scope 1): natural gas, diesel, gasoline, coal;
- indirect (purchased energy, scope 2): electricity (location-based factor of the month's
  year), heat (0.11 tCO2/GJ), steam (its heat content 3.763 GJ/t x the heat factor);
- none: water (a working medium: standard coal only), cooling (made in the park from
  electricity or gas, which are counted where they are bought; counting it again would be
  double counting), other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import pandas as pd

from greenpark.errors import InputError
from greenpark.standards.energy import (
    Coefficient,
    Factor,
    coal_coefficient,
    electricity_factor,
    fuel_emission_factor,
    purchased_factor,
)

__all__ = ["CARRIER_RULES", "CarrierRule", "LedgerOptions", "monthly_ledger"]

#: Heat content of low-pressure steam, GB/T 2589-2020 Appendix A (3 763 MJ/t) [GJ/t].
STEAM_GJ_PER_T: Final[float] = 3.763


@dataclass(frozen=True)
class CarrierRule:
    """How one carrier is converted.

    Attributes
    ----------
    energy : str or None
        Row of ``standard_coal.csv``; None: no standard coal (cooling, other).
    scale : float
        Carrier unit → the coefficient's unit (t → kg: 1000) [-].
    scope : {"direct", "indirect", "none"}
        CO2 scope of the carrier.
    fuel : str or None
        Row of ``fuel_co2.csv`` for direct emissions.
    """

    energy: str | None
    scale: float = 1.0
    scope: str = "none"
    fuel: str | None = None


#: Carrier → conversion rule; the carrier units are those of ``greenpark.units``.
CARRIER_RULES: Final[dict[str, CarrierRule]] = {
    "electricity": CarrierRule("electricity", 1.0, "indirect"),  # kWh
    "natural_gas": CarrierRule("natural_gas_gasfield", 1.0, "direct", "natural_gas"),  # m³
    "heat": CarrierRule("heat", 1.0, "indirect"),  # GJ
    "steam": CarrierRule("steam", 1.0, "indirect"),  # t
    "diesel": CarrierRule("diesel", 1000.0, "direct", "diesel"),  # t → kg
    "gasoline": CarrierRule("gasoline", 1000.0, "direct", "gasoline"),  # t → kg
    "coal": CarrierRule("raw_coal", 1000.0, "direct", "raw_coal"),  # t → kg
    "water": CarrierRule("fresh_water", 1.0, "none"),  # m³ = t
    "cooling": CarrierRule(None),
    "other": CarrierRule(None),
}


@dataclass(frozen=True)
class LedgerOptions:
    """Choices of a ledger run, recorded with its results.

    Attributes
    ----------
    calibre, area : str
        Electricity factor calibre and area (:func:`electricity_factor`); the park's
        provincial factor by default (Guizhou), ``region``/``south`` for its grid.
    natural_gas : str
        GB/T 2589 row of the park's natural gas (``natural_gas_gasfield`` 1.2143 kgce/m³ or
        ``natural_gas_oilfield`` 1.3300).
    coefficients : dict
        Carrier → coefficient given by the user [kgce per carrier unit], e.g. a measured
        heating value already converted, or electricity's 等价值 with ``basis="equal"``.
    basis : {"equivalent", "equal"}
        Standard-coal basis (当量值 by default).
    """

    calibre: str = "province"
    area: str = "guizhou"
    natural_gas: str = "natural_gas_gasfield"
    coefficients: dict[str, float] = field(default_factory=dict)
    basis: str = "equivalent"


def _coefficient(carrier: str, rule: CarrierRule, options: LedgerOptions) -> Coefficient | None:
    if rule.energy is None:
        return None
    energy = options.natural_gas if carrier == "natural_gas" else rule.energy
    given = options.coefficients.get(carrier)
    if given is not None:
        return coal_coefficient(energy, basis=options.basis, value=given / rule.scale)
    basis = options.basis if carrier == "electricity" else "equivalent"
    if rule.energy == "fresh_water":
        basis = "equal"  # a working medium: only an equal value exists (Appendix B)
    return coal_coefficient(energy, basis=basis)


def _factor(carrier: str, rule: CarrierRule, year: int, options: LedgerOptions) -> Factor | None:
    if rule.scope == "direct" and rule.fuel is not None:
        return fuel_emission_factor(rule.fuel)
    if carrier == "electricity":
        f = electricity_factor(year, options.calibre, options.area)
        # tCO2/MWh → tCO2/kWh, the carrier's unit
        return Factor(f.value / 1000, "tCO2/kWh", f.source, f.confidence, f.year, f.note)
    if carrier == "heat":
        return purchased_factor("heat")
    if carrier == "steam":
        heat = purchased_factor("heat")
        note = f"{STEAM_GJ_PER_T} GJ/t (GB/T 2589-2020 low-pressure steam) x {heat.value} tCO2/GJ"
        return Factor(heat.value * STEAM_GJ_PER_T, "tCO2/t", heat.source, "S1", None, note)
    return None


def monthly_ledger(quantities: pd.DataFrame, options: LedgerOptions | None = None) -> pd.DataFrame:
    """Standard coal and CO2 of monthly quantities.

    Parameters
    ----------
    quantities : DataFrame
        Columns ``month`` (``YYYY-MM``), ``carrier`` (``greenpark.units`` carriers),
        ``quantity`` (in the carrier's unit: kWh, m³, GJ, t); any other columns (e.g.
        ``enterprise``) are kept and grouped by.
    options : LedgerOptions, optional
        Factor calibre, natural-gas row, coefficients given, basis.

    Returns
    -------
    DataFrame
        The input columns plus ``kgce``, ``tce`` [t], ``tco2_direct``, ``tco2_indirect``
        [t], ``coefficient`` [kgce per carrier unit], ``coefficient_source``, ``basis``,
        ``co2_factor`` [tCO2 per carrier unit], ``factor_year``, ``factor_source`` and
        ``factor_note`` (e.g. "2025 not published: the 2022 factor is used").

    Raises
    ------
    InputError
        Missing columns, a bad month, an unknown carrier or a negative quantity, naming
        the row.

    References
    ----------
    GB/T 2589-2008 clause 4 (comprehensive energy consumption in standard coal); MEE/NBS
    electricity factors; GB/T 32150-2015 (direct emissions).
    """
    options = options or LedgerOptions()
    missing = [c for c in ("month", "carrier", "quantity") if c not in quantities.columns]
    if missing:
        raise InputError(f"missing column(s) {missing}; expected month, carrier, quantity")
    out = quantities.copy()
    rows = []
    cache: dict[tuple[str, int], tuple[Coefficient | None, Factor | None]] = {}
    for i, (month, carrier, quantity) in enumerate(
        zip(out["month"], out["carrier"], out["quantity"], strict=True)
    ):
        where = f"row {i + 1}"
        rule = CARRIER_RULES.get(carrier)
        if rule is None:
            raise InputError(f"{where}: carrier {carrier!r} unknown; known: {list(CARRIER_RULES)}")
        try:
            year = int(str(month)[:4])
            if len(str(month)) != 7 or not 1 <= int(str(month)[5:]) <= 12:
                raise ValueError
        except ValueError:
            raise InputError(f"{where}: month {month!r} is not YYYY-MM") from None
        if not quantity >= 0:
            raise InputError(f"{where}: quantity {quantity!r} is negative or missing")
        key = (carrier, year)
        if key not in cache:
            try:
                cache[key] = (
                    _coefficient(carrier, rule, options),
                    _factor(carrier, rule, year, options),
                )
            except ValueError as exc:
                raise InputError(f"{where} ({carrier}, {year}): {exc}") from None
        coef, factor = cache[key]
        kgce = quantity * coef.value * rule.scale if coef else 0.0
        co2 = quantity * factor.value if factor else 0.0
        rows.append(
            {
                "kgce": kgce,
                "tce": kgce / 1000,
                "tco2_direct": co2 if rule.scope == "direct" else 0.0,
                "tco2_indirect": co2 if rule.scope == "indirect" else 0.0,
                "coefficient": coef.value * rule.scale if coef else None,
                "coefficient_source": coef.source if coef else "",
                "basis": coef.basis if coef else "",
                "co2_factor": factor.value if factor else None,
                "factor_year": factor.year if factor else None,
                "factor_source": factor.source if factor else "",
                "factor_note": factor.note if factor else "",
            }
        )
    result = pd.DataFrame(rows, index=out.index)
    result["factor_year"] = result["factor_year"].astype("Int64")
    return pd.concat([out, result], axis=1)
