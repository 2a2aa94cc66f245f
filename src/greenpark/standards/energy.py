"""Standard coal and CO2: GB/T 2589 coefficients, MEE/NBS electricity factors, fuel factors.

Every number comes from a CSV in ``standards/tables/`` with its unit, source, validity and
confidence mark (``docs/standards-energy.md``):

- ``standard_coal.csv``: GB/T 2589 (综合能耗计算通则) Appendix A reference coefficients
  (当量值, the energy contained) and Appendix B working-media coefficients (等价值);
- ``electricity_co2.csv``: MEE/NBS electricity CO2 factors by data year and calibre
  (national, regional grid, provincial) and the national factor of enterprise GHG reporting;
- ``fuel_co2.csv``: default NCV, carbon content and oxidation rate of fuels
  (EF = NCV x CC x OF x 44/12, Chinese accounting guidelines / GB/T 32150-2015);
- ``purchased_co2.csv``: purchased heat.

Pure functions; nothing here reads a database. A ledger records the :class:`Coefficient`
and :class:`Factor` it used, so every figure can be traced to its source.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Final

__all__ = [
    "CO2_PER_C",
    "KJ_PER_KGCE",
    "Coefficient",
    "Factor",
    "coal_coefficient",
    "electricity_factor",
    "fuel_emission_factor",
    "heating_value",
    "purchased_factor",
    "standard_coal",
]

#: 1 kgce = 29 307 kJ (7 000 kcal): GB/T 2589-2008 clause 3.6 [kJ/kgce].
KJ_PER_KGCE: Final[float] = 29307.0
#: Mass ratio CO2 / C = 44/12 [-].
CO2_PER_C: Final[float] = 44.0 / 12.0
#: Bases of a standard-coal coefficient: energy contained (当量值) or primary energy used to
#: produce the carrier (等价值).
BASES: Final[tuple[str, ...]] = ("equivalent", "equal")


@dataclass(frozen=True)
class Coefficient:
    """A standard-coal coefficient and where it comes from.

    ``value`` is in kgce per ``unit`` of the energy (e.g. kgce/kWh).
    """

    energy: str
    basis: str
    value: float
    unit: str
    source: str
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class Factor:
    """An emission factor and the choice behind it.

    ``value`` is in tCO2 per ``unit`` (tCO2/MWh for electricity). ``year`` is the data year
    of the factor used; ``note`` says when it is not the year asked for.
    """

    value: float
    unit: str
    source: str
    confidence: str
    year: int | None = None
    note: str = ""


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("greenpark.standards").joinpath("tables", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@functools.cache
def _coal_rows() -> dict[tuple[str, str], dict[str, str]]:
    return {(r["energy"], r["basis"]): r for r in _read("standard_coal.csv")}


@functools.cache
def _electricity_rows() -> dict[tuple[str, str], dict[int, dict[str, str]]]:
    out: dict[tuple[str, str], dict[int, dict[str, str]]] = {}
    for r in _read("electricity_co2.csv"):
        out.setdefault((r["calibre"], r["area"]), {})[int(r["year"])] = r
    return out


@functools.cache
def _fuel_rows() -> dict[str, dict[str, str]]:
    return {r["fuel"]: r for r in _read("fuel_co2.csv")}


@functools.cache
def _purchased_rows() -> dict[str, dict[str, str]]:
    return {r["energy"]: r for r in _read("purchased_co2.csv")}


def coal_coefficient(
    energy: str,
    *,
    basis: str = "equivalent",
    heating_value: float | None = None,
    value: float | None = None,
) -> Coefficient:
    """The standard-coal coefficient of ``energy`` [kgce per unit of the energy].

    Parameters
    ----------
    energy : str
        A row of ``standard_coal.csv`` (``electricity``, ``natural_gas_gasfield``,
        ``raw_coal``, ``diesel``, ``heat``, ``steam``...).
    basis : {"equivalent", "equal"}
        当量值 (default, the energy contained; electricity 0.1229 kgce/kWh) or 等价值
        (primary energy used to supply it), labelled as such in the result.
    heating_value : float, optional
        Measured low heating value [kJ per unit]; it overrides the reference coefficient:
        coefficient = heating_value / 29 307 kJ/kgce (GB/T 2589-2008 clause 4.1: measured
        values first, Appendix A values only when none are measured).
    value : float, optional
        A coefficient given by the user [kgce per unit] (the year's 等价值 of electricity).

    Raises
    ------
    ValueError
        Unknown energy or basis, a non-positive value, or a row with no reference value
        (a range in the standard, or electricity's 等价值) and nothing given.

    References
    ----------
    GB/T 2589-2008 (and -2020) 《综合能耗计算通则》 clause 3.6, clause 4, Appendix A table
    A.1, Appendix B.
    """
    if basis not in BASES:
        raise ValueError(f"basis {basis!r}: must be one of {BASES}")
    row = _coal_rows().get((energy, basis))
    if row is None:
        known = sorted({e for e, b in _coal_rows() if b == basis})
        raise ValueError(f"no {basis} standard-coal coefficient for {energy!r}; known: {known}")
    unit = row["coefficient_unit"]
    if heating_value is not None and value is not None:
        raise ValueError("give heating_value or value, not both")
    if heating_value is not None:
        if not heating_value > 0:
            raise ValueError(f"heating value must be positive, got {heating_value}")
        per = row["unit"]
        note = f"measured heating value {heating_value:g} kJ/{per} / {KJ_PER_KGCE:g} kJ/kgce"
        return Coefficient(
            energy, basis, heating_value / KJ_PER_KGCE, unit, "measured", "measured", note
        )
    if value is not None:
        if not value > 0:
            raise ValueError(f"coefficient must be positive, got {value}")
        return Coefficient(energy, basis, value, unit, "given", "given", row["note"])
    if not row["coefficient"]:
        raise ValueError(f"{energy} ({basis}): no reference coefficient: {row['note']}")
    return Coefficient(
        energy,
        basis,
        float(row["coefficient"]),
        unit,
        row["source"],
        row["confidence"],
        row["note"],
    )


def heating_value(energy: str) -> float:
    """The reference low heating value of ``energy`` [kJ per its unit: kJ/kg, kJ/m³].

    Raises
    ------
    ValueError
        Unknown energy, or no single reference value (a range in the standard).

    References
    ----------
    GB/T 2589-2008 Appendix A table A.1 (平均低位发热量).

    Examples
    --------
    >>> heating_value("natural_gas_gasfield")
    35544.0
    """
    row = _coal_rows().get((energy, "equivalent"))
    if row is None:
        raise ValueError(f"no standard-coal row {energy!r}")
    if not row["heating_value"]:
        raise ValueError(f"{energy}: no single reference heating value: {row['note']}")
    return float(row["heating_value"])


def standard_coal(quantity: float, energy: str, **options: float | str | None) -> float:
    """Standard coal of ``quantity`` of ``energy`` [kgce].

    ``quantity`` is in the energy's unit as listed in ``standard_coal.csv`` (kg for solid and
    liquid fuels, m³ for gases, kWh, GJ for heat, t for steam); options as for
    :func:`coal_coefficient`.

    References
    ----------
    GB/T 2589-2008 clause 4 and Appendix A.

    Examples
    --------
    >>> standard_coal(10_000, "electricity")  # 10 000 kWh x 0.1229 kgce/kWh
    1229.0
    """
    return quantity * coal_coefficient(energy, **options).value  # type: ignore[arg-type]


def electricity_factor(
    year: int,
    calibre: str = "national",
    area: str = "china",
    *,
    extra: Mapping[int, Factor] | None = None,
) -> Factor:
    """The electricity CO2 factor for data ``year`` [tCO2/MWh = kgCO2/kWh].

    Parameters
    ----------
    year : int
        The year of the electricity use.
    calibre : str
        ``national``, ``national_excl_market_non_fossil``, ``national_fossil``, ``region``,
        ``province`` or ``enterprise_reporting`` (the MEE national factor for enterprise GHG
        reports, not the statistical one).
    area : str
        ``china`` for national calibres; a grid region (``south`` for Guizhou) or a province
        (``guizhou``) in lower case.
    extra : mapping of int to Factor, optional
        Factors by data year that replace or add to the table's (a user's versions, e.g. a
        newly published year); they take part in the nearest-earlier-year choice.

    Returns
    -------
    Factor
        The factor of ``year``; when that year is not (yet) published, the nearest earlier
        year's, with the choice in ``Factor.note`` and ``Factor.year``.

    Raises
    ------
    ValueError
        Unknown calibre or area, or no factor published for ``year`` or before.

    References
    ----------
    MEE/NBS announcements of electricity CO2 emission factors (2021 data: announcement 2024
    No. 12; 2022 data: 2024-12-20; 2023 data: January 2026); MEE notices on enterprise GHG
    reporting (0.5703 tCO2/MWh for 2023-2025).
    """
    rows = _electricity_rows().get((calibre, area))
    if rows is None and not extra:
        known = sorted({f"{c}/{a}" for c, a in _electricity_rows()})
        raise ValueError(f"no electricity factors for {calibre}/{area}; known: {known}")
    years: dict[int, Factor] = {
        y: Factor(float(r["factor"]), r["unit"], r["source"], r["confidence"], y)
        for y, r in (rows or {}).items()
    }
    years.update(extra or {})
    earlier = [y for y in years if y <= year]
    if not earlier:
        raise ValueError(
            f"no {calibre}/{area} electricity factor for {year} or before "
            f"(first published data year: {min(years)})"
        )
    used = max(earlier)
    f = years[used]
    note = "" if used == year else f"{year} not published: the {used} factor is used"
    return Factor(f.value, f.unit, f.source, f.confidence, used, note)


def fuel_emission_factor(
    fuel: str,
    *,
    ncv: float | None = None,
    carbon_content: float | None = None,
    oxidation: float | None = None,
) -> Factor:
    """CO2 factor of burning a fuel [tCO2 per unit of the fuel: t or m³].

    EF = NCV [GJ/unit] x CC [tC/TJ] / 1000 x OF x 44/12. Measured values (``ncv``,
    ``carbon_content``, ``oxidation``) replace the defaults of ``fuel_co2.csv``.

    Raises
    ------
    ValueError
        Unknown fuel, or a non-positive value, or an oxidation rate above 1.

    References
    ----------
    GB/T 32150-2015 《工业企业温室气体排放核算和报告通则》 clause 7 and Appendix B;
    《工业其他行业企业温室气体排放核算方法与报告指南（试行）》 (2015) default values.

    Examples
    --------
    >>> round(fuel_emission_factor("natural_gas").value * 10_000, 2)  # per 10⁴ Nm³
    21.62
    """
    row = _fuel_rows().get(fuel)
    if row is None:
        raise ValueError(f"no emission factor for fuel {fuel!r}; known: {sorted(_fuel_rows())}")
    n = float(row["ncv"]) if ncv is None else ncv
    c = float(row["carbon_content"]) if carbon_content is None else carbon_content
    o = float(row["oxidation"]) if oxidation is None else oxidation
    for name, v in (("ncv", n), ("carbon_content", c), ("oxidation", o)):
        if not v > 0:
            raise ValueError(f"{name} must be positive, got {v}")
    if o > 1:
        raise ValueError(f"oxidation is a fraction (<= 1), got {o}")
    measured = [k for k, v in (("ncv", ncv), ("cc", carbon_content), ("of", oxidation)) if v]
    note = f"NCV {n:g} {row['ncv_unit']} x CC {c:g} tC/TJ x OF {o:g} x 44/12"
    if measured:
        note += f"; measured: {', '.join(measured)}"
    value = n * c / 1000.0 * o * CO2_PER_C
    return Factor(value, f"tCO2/{row['unit']}", row["source"], row["confidence"], None, note)


def purchased_factor(energy: str) -> Factor:
    """CO2 factor of purchased heat [tCO2/GJ].

    Raises
    ------
    ValueError
        For an energy without a factor.

    References
    ----------
    Chinese accounting guidelines' default for purchased heat (0.11 tCO2/GJ, S1).
    """
    row = _purchased_rows().get(energy)
    if row is None:
        raise ValueError(
            f"no purchased-energy factor for {energy!r}; known: {sorted(_purchased_rows())}"
        )
    return Factor(float(row["factor"]), row["factor_unit"], row["source"], row["confidence"])
