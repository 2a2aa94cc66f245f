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

__all__ = ["CARRIER_RULES", "CarrierRule", "LedgerOptions", "UserFactor", "monthly_ledger"]

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
class UserFactor:
    """A user's version of a coefficient or factor (store table ``factor_version``).

    Attributes
    ----------
    kind : {"electricity", "fuel", "purchased", "coal", "heating_value"}
        What it replaces: an electricity factor (``key`` ``calibre/area``, by data
        ``year``) [tCO2/MWh]; a fuel's combustion factor (``key`` a row of ``fuel_co2.csv``)
        [tCO2 per t or m³]; purchased heat (``key`` ``heat``) [tCO2/GJ]; a standard-coal
        coefficient (``key`` ``energy/basis`` of ``standard_coal.csv``) [kgce per its unit];
        an enterprise's measured low heating value of a carrier (``key``
        ``credit_code/carrier``) [kJ per the GB/T 2589 row's unit: kJ/m³, kJ/kg], which
        replaces the reference coefficient for that enterprise (GB/T 2589 clause 4.1).
    year : int or None
        Data year it covers; None: every year (fuel, purchased, coal).
    version : int or None
        Its id in the store, recorded with each figure that used it.
    """

    kind: str
    key: str
    year: int | None
    value: float
    unit: str
    source: str
    version: int | None = None

    @property
    def ref(self) -> str:
        """``kind:key:year`` (year ``*`` when it covers every year)."""
        return f"{self.kind}:{self.key}:{'*' if self.year is None else self.year}"


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
    user_factors : tuple of UserFactor
        The user's factor versions in force; they replace the shipped tables' values.
    """

    calibre: str = "province"
    area: str = "guizhou"
    natural_gas: str = "natural_gas_gasfield"
    coefficients: dict[str, float] = field(default_factory=dict)
    basis: str = "equivalent"
    user_factors: tuple[UserFactor, ...] = ()

    def user(self, kind: str, key: str, year: int | None) -> UserFactor | None:
        """The user's version for ``kind``/``key`` of ``year`` (exact year first, then one
        for every year), or None."""
        found = None
        for f in self.user_factors:
            if f.kind == kind and f.key == key:
                if f.year == year:
                    return f
                if f.year is None:
                    found = f
        return found

    def electricity_versions(self, calibre: str, area: str) -> dict[int, Factor]:
        """The user's electricity factors of ``calibre/area`` by data year."""
        return {
            f.year: Factor(f.value, f.unit, f.source, "user", f.year, f"user version {f.version}")
            for f in self.user_factors
            if f.kind == "electricity" and f.key == f"{calibre}/{area}" and f.year is not None
        }


def _coefficient(
    carrier: str,
    rule: CarrierRule,
    options: LedgerOptions,
    measured: UserFactor | None = None,
) -> Coefficient | None:
    if rule.energy is None:
        return None
    energy = options.natural_gas if carrier == "natural_gas" else rule.energy
    if measured is not None:
        c = coal_coefficient(energy, heating_value=measured.value)
        note = f"{c.note}; user version {measured.version}"
        return Coefficient(energy, c.basis, c.value, c.unit, measured.source, "measured", note)
    given = options.coefficients.get(carrier)
    if given is not None:
        return coal_coefficient(energy, basis=options.basis, value=given / rule.scale)
    basis = options.basis if carrier == "electricity" else "equivalent"
    if rule.energy == "fresh_water":
        basis = "equal"  # a working medium: only an equal value exists (Appendix B)
    user = options.user("coal", f"{energy}/{basis}", None)
    if user is not None:
        shipped = coal_coefficient(energy, basis=basis, value=user.value)
        return Coefficient(
            energy,
            basis,
            user.value,
            shipped.unit,
            user.source,
            "user",
            f"user version {user.version}",
        )
    return coal_coefficient(energy, basis=basis)


def _user_factor(f: UserFactor, year: int) -> Factor:
    return Factor(f.value, f.unit, f.source, "user", year, f"user version {f.version}")


def _heat_factor(year: int, options: LedgerOptions) -> Factor:
    user = options.user("purchased", "heat", year)
    return _user_factor(user, year) if user else purchased_factor("heat")


def electricity_kwh_factor(year: int, calibre: str, area: str, options: LedgerOptions) -> Factor:
    """The electricity factor of data ``year`` per kWh (the carrier's unit) [tCO2/kWh], the
    user's versions included; the nearest earlier year when ``year`` is not published.

    References
    ----------
    MEE/NBS electricity CO2 factors (:func:`greenpark.standards.energy.electricity_factor`).
    """
    f = electricity_factor(year, calibre, area, extra=options.electricity_versions(calibre, area))
    return Factor(f.value / 1000, "tCO2/kWh", f.source, f.confidence, f.year, f.note)


def factor_ref(carrier: str, year: int, options: LedgerOptions) -> str:
    """``kind:key:year`` of the factor a carrier's CO2 uses in ``year`` ("" for none)."""
    rule = CARRIER_RULES[carrier]
    if rule.scope == "direct" and rule.fuel is not None:
        return f"fuel:{rule.fuel}:{year}"
    if carrier == "electricity":
        return f"electricity:{options.calibre}/{options.area}:{year}"
    if carrier in ("heat", "steam"):
        return f"purchased:heat:{year}"
    return ""


def _factor(carrier: str, rule: CarrierRule, year: int, options: LedgerOptions) -> Factor | None:
    if rule.scope == "direct" and rule.fuel is not None:
        user = options.user("fuel", rule.fuel, year)
        return _user_factor(user, year) if user else fuel_emission_factor(rule.fuel)
    if carrier == "electricity":
        return electricity_kwh_factor(year, options.calibre, options.area, options)
    if carrier == "heat":
        return _heat_factor(year, options)
    if carrier == "steam":
        heat = _heat_factor(year, options)
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
        ``factor_note`` (e.g. "2025 not published: the 2022 factor is used"; "user
        version N" for a user's factor) and ``factor_ref`` (``kind:key:year``).

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
    cache: dict[tuple[str, int, str], tuple[Coefficient | None, Factor | None]] = {}
    heating = any(f.kind == "heating_value" for f in options.user_factors)
    enterprises = (
        list(out["enterprise"]) if heating and "enterprise" in out.columns else [""] * len(out)
    )
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
        measured = (
            options.user("heating_value", f"{enterprises[i]}/{carrier}", year)
            if heating and enterprises[i]
            else None
        )
        key = (carrier, year, measured.ref if measured else "")
        if key not in cache:
            try:
                cache[key] = (
                    _coefficient(carrier, rule, options, measured),
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
                "factor_ref": factor_ref(carrier, year, options) if factor else "",
            }
        )
    result = pd.DataFrame(rows, index=out.index)
    result["factor_year"] = result["factor_year"].astype("Int64")
    return pd.concat([out, result], axis=1)
