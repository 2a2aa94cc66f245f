"""The year's ledger of a park: enterprises, the park without double counting, market-based
electricity, shares, intensities, year-on-year change, budgets and the energy flow.

Pure: frames in (read by :mod:`greenpark.ledger.service`), a :class:`Book` out. The rules
(``docs/ledger.md``):

- **Enterprise figures** are what its top-level consumption meters and its hand entries
  (fuel bought by the tonne) record, converted by :func:`~greenpark.ledger.compute.monthly_ledger`.
- **The park total** counts energy once. Energy the park's own producers (the multi-energy
  station: gas engines, PV, heat and cooling output; production meters) deliver to members
  is in the members' meters and in the producer's own inputs (its gas), so it is taken out
  once: internal supply of a carrier = min(production meters, use of that carrier by members
  that produce none of it). Park electricity from the grid = members' use - internal supply.
  On-site renewable generation (meters flagged ``renewable``) is added back as zero-carbon
  electricity: standard coal at the electricity coefficient, no CO2 (GB/T 2589-2020: energy
  consumed, whatever its origin).
- **Market-based electricity** nets green certificates (1 GEC = 1 MWh) and green-power
  contracts [MWh] against grid electricity and prices the rest at the MEE/NBS national
  factor excluding market-traded non-fossil power (the residual mix; the location factor
  with a note when none is published for the year or before). On-site PV is outside grid
  electricity already, so it is not netted again (counted once).
- **Shares**: green electricity = (on-site renewable + certificates and contracts, at most
  the grid electricity) / members' electricity use; renewable = that electricity's standard
  coal / park total; clean = (renewable + natural gas) / park total.
- **Intensities**: per 10⁴ yuan of value added (``enterprise_year.value_added``) and per unit
  of output (hand entries of kind ``output``).
- **Year on year**: the same months of the previous year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from greenpark.ledger.compute import (
    CARRIER_RULES,
    LedgerOptions,
    electricity_kwh_factor,
    monthly_ledger,
)
from greenpark.ledger.targets import Projection, project_year
from greenpark.standards.energy import Factor, coal_coefficient

__all__ = ["RESIDUAL_CALIBRE", "Book", "BookInputs", "build_book", "form_rows"]

#: The residual-mix calibre of market-based electricity: MEE/NBS "national average excluding
#: market-traded non-fossil electricity" (first published for 2023 data, January 2026).
RESIDUAL_CALIBRE: Final[tuple[str, str]] = ("national_excl_market_non_fossil", "china")
#: Hand-entry kinds that are use of a carrier (the 205-1 columns 工业生产消费, 非工业生产消费).
USE_KINDS: Final[tuple[str, ...]] = ("consumption", "non_production")
#: Heat content of cooling delivered, counted like heat for the energy flow [kgce/GJ].
HEAT_KGCE_PER_GJ: Final[float] = 34.12


@dataclass(frozen=True)
class BookInputs:
    """What a book is built from (the year and the one before it).

    Attributes
    ----------
    year : int
    consumption : DataFrame
        ``greenpark.store.ledger.monthly_quantities`` of ``year`` and ``year - 1``.
    production : DataFrame
        ``monthly_production`` of both years (with ``renewable``).
    entries : DataFrame
        ``list_entries`` of both years (quantities in the carrier's unit; MWh for ``gec``
        and ``green_power``).
    enterprises : DataFrame
        ``enterprise_table`` of both years (industry, value added).
    budgets : mapping
        (credit code, or "" for the park; "tce" or "tco2") → budget of ``year`` [t].
    """

    year: int
    consumption: pd.DataFrame
    production: pd.DataFrame
    entries: pd.DataFrame
    enterprises: pd.DataFrame
    budgets: Mapping[tuple[str, str], float] = field(default_factory=dict)


@dataclass
class Book:
    """The ledger of one year; every frame is in t (tce, tCO2) and carrier units.

    Attributes
    ----------
    rows : DataFrame
        Enterprise x month x carrier: ``monthly_ledger`` columns plus ``industry``,
        ``production`` and ``non_production`` (use split, carrier unit).
    entries : DataFrame
        The hand-entered figures of the year and the one before.
    enterprises : DataFrame
        One row per enterprise with use: ``tce``, ``tco2`` (location-based),
        ``tco2_market``, ``tco2_direct``, ``tco2_indirect``, ``electricity_kwh``,
        ``green_kwh``, ``value_added`` [10⁴ yuan], ``tce_per_va`` [tce/10⁴ yuan],
        ``tco2_per_va``, ``output``, ``output_unit``, ``tce_per_output``,
        ``tce_previous`` (same months of the year before), ``tce_yoy`` [-].
    park_months : DataFrame
        Month x park figures: ``tce``, ``tco2_direct``, ``tco2_indirect``,
        ``tco2_indirect_market``, ``tco2``, ``tco2_market``, ``grid_kwh``,
        ``renewable_kwh``, ``internal_kwh``, ``green_kwh``.
    park_carriers : DataFrame
        Month x carrier of the park counted once (``monthly_ledger`` columns; on-site
        renewable electricity as carrier ``electricity`` with ``supply`` "on-site
        renewable", the rest "outside the park").
    summary : dict
        The year's park totals, shares, intensities and year-on-year change.
    projections : dict
        (credit code or "" for the park, "tce"/"tco2") → :class:`Projection`.
    sankey : list of dict
        Energy-flow links ``{"source", "target", "tce"}``.
    factors : DataFrame
        Every factor used: ``carrier``, ``scope``, ``month``, ``quantity``, ``factor``,
        ``unit``, ``factor_year``, ``source``, ``note``, ``ref``, ``tco2`` (park figures).
    """

    year: int
    rows: pd.DataFrame
    entries: pd.DataFrame
    enterprises: pd.DataFrame
    park_months: pd.DataFrame
    park_carriers: pd.DataFrame
    summary: dict[str, Any]
    projections: dict[tuple[str, str], Projection]
    sankey: list[dict[str, Any]]
    factors: pd.DataFrame


def _months(year: int) -> list[str]:
    return [f"{year:04d}-{m:02d}" for m in range(1, 13)]


def _of_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame[frame["month"].str.startswith(f"{year:04d}-")]


def _enterprise_use(inputs: BookInputs, year: int) -> pd.DataFrame:
    """Enterprise x month x carrier use: metered (production use) plus hand entries."""
    metered = _of_year(inputs.consumption, year)
    metered = metered.assign(production=metered["quantity"], non_production=0.0)
    entries = _of_year(inputs.entries, year)
    used = entries[entries["kind"].isin(USE_KINDS)]
    hand = pd.DataFrame(
        {
            "enterprise": used["enterprise"],
            "month": used["month"],
            "carrier": used["carrier"],
            "production": np.where(used["kind"] == "consumption", used["quantity"], 0.0),
            "non_production": np.where(used["kind"] == "non_production", used["quantity"], 0.0),
        }
    )
    both = pd.concat(
        [metered[["enterprise", "month", "carrier", "production", "non_production"]], hand]
    )
    if both.empty:
        return both.assign(quantity=[])
    out = both.groupby(["enterprise", "month", "carrier"], as_index=False)[
        ["production", "non_production"]
    ].sum()
    out["quantity"] = out["production"] + out["non_production"]
    return out


def _green_kwh(inputs: BookInputs, year: int) -> pd.DataFrame:
    """Enterprise x month green certificates and contracts [kWh]."""
    e = _of_year(inputs.entries, year)
    e = e[e["kind"].isin(("gec", "green_power"))]
    out = e.groupby(["enterprise", "month"], as_index=False)["quantity"].sum()
    out["green_kwh"] = out.pop("quantity") * 1000.0
    return out


def _residual_factor(year: int, options: LedgerOptions) -> Factor:
    try:
        return electricity_kwh_factor(year, *RESIDUAL_CALIBRE, options)
    except ValueError:
        f = electricity_kwh_factor(year, options.calibre, options.area, options)
        note = f"no residual-mix factor for {year} or before: the location factor is used"
        return Factor(f.value, f.unit, f.source, f.confidence, f.year, note)


def _ledger_year(inputs: BookInputs, year: int, options: LedgerOptions) -> dict[str, Any]:
    use = _enterprise_use(inputs, year)
    green = _green_kwh(inputs, year)
    if use.empty:
        return {
            "use": use,
            "rows": pd.DataFrame(),
            "green": green,
            "residual": None,
            "park": pd.DataFrame(),
            "park_months": pd.DataFrame(),
            "internal": pd.Series(dtype=float),
            "producers": set(),
            "prod": _of_year(inputs.production, year),
            "elec_coef": coal_coefficient("electricity"),
        }
    info = inputs.enterprises[inputs.enterprises["year"] == year].set_index("enterprise")
    use["industry"] = use["enterprise"].map(info["industry"]).fillna("other")
    use["enterprise_name"] = use["enterprise"].map(info["enterprise_name"]).fillna("")
    rows = monthly_ledger(use, options)
    residual = _residual_factor(year, options)

    # -- park, counted once
    prod = _of_year(inputs.production, year)
    # the station: who produces energy (a sewage plant delivering reclaimed water is not)
    producers = set(prod.loc[prod["carrier"] != "water", "enterprise"])
    members = use.groupby(["month", "carrier"])["quantity"].sum()
    # internal supply of a carrier goes to the members that produce none of that carrier
    made_by = set(zip(prod["enterprise"], prod["carrier"], strict=True))
    own = pd.Series(
        [(e, c) in made_by for e, c in zip(use["enterprise"], use["carrier"], strict=True)],
        index=use.index,
        dtype=bool,
    )
    others = use[~own].groupby(["month", "carrier"])["quantity"].sum()
    made = prod.groupby(["month", "carrier"])["quantity"].sum()
    renewable = (
        prod[prod["renewable"] & (prod["carrier"] == "electricity")]
        .groupby("month")["quantity"]
        .sum()
    )
    internal = pd.concat([made, others], axis=1, keys=["made", "others"]).fillna(0.0).min(axis=1)
    internal = internal.reindex(members.index, fill_value=0.0)
    external = (members - internal).clip(lower=0.0)
    park_q = external.rename("quantity").reset_index()
    park = monthly_ledger(park_q, options) if not park_q.empty else park_q
    park = _members_coefficients(park, rows)
    park["supply"] = "outside the park"
    given = options.coefficients.get("electricity")
    elec_coef = coal_coefficient("electricity", basis=options.basis, value=given)
    if not renewable.empty:
        ren = pd.DataFrame(
            {
                "month": renewable.index,
                "carrier": "electricity",
                "quantity": renewable.to_numpy(),
                "kgce": renewable.to_numpy() * elec_coef.value,
                "tco2_direct": 0.0,
                "tco2_indirect": 0.0,
                "coefficient": elec_coef.value,
                "coefficient_source": elec_coef.source,
                "basis": elec_coef.basis,
                "co2_factor": 0.0,
                "factor_source": "on-site renewable generation: zero carbon",
                "factor_note": "",
                "factor_ref": "",
                "supply": "on-site renewable",
            }
        )
        ren["tce"] = ren["kgce"] / 1000
        park = pd.concat([park, ren], ignore_index=True)

    # -- park months
    months = sorted(set(use["month"]) | set(prod["month"]))
    pm = pd.DataFrame(index=pd.Index(months, name="month"))
    by_month = park.groupby("month")
    pm["tce"] = by_month["tce"].sum()
    pm["tco2_direct"] = by_month["tco2_direct"].sum()
    pm["tco2_indirect"] = by_month["tco2_indirect"].sum()
    grid = park[(park["carrier"] == "electricity") & (park["supply"] == "outside the park")]
    pm["grid_kwh"] = grid.groupby("month")["quantity"].sum()
    pm["renewable_kwh"] = renewable
    pm["internal_kwh"] = internal.xs("electricity", level="carrier") if len(internal) and (
        "electricity" in internal.index.get_level_values("carrier")
    ) else 0.0  # fmt: skip
    pm["green_kwh"] = green.groupby("month")["green_kwh"].sum()
    pm = pm.fillna(0.0)
    pm["electricity_use_kwh"] = (
        members.xs("electricity", level="carrier").reindex(pm.index, fill_value=0.0)
        if "electricity" in members.index.get_level_values("carrier")
        else 0.0
    )
    covered = np.minimum(pm["green_kwh"], pm["grid_kwh"])
    grid_co2 = grid.groupby("month")["tco2_indirect"].sum().reindex(pm.index, fill_value=0.0)
    pm["tco2_indirect_market"] = (
        pm["tco2_indirect"] - grid_co2 + (pm["grid_kwh"] - covered) * residual.value
    )
    pm["covered_kwh"] = covered
    pm["tco2"] = pm["tco2_direct"] + pm["tco2_indirect"]
    pm["tco2_market"] = pm["tco2_direct"] + pm["tco2_indirect_market"]
    return {
        "use": use,
        "rows": rows,
        "green": green,
        "residual": residual,
        "park": park,
        "park_months": pm,
        "internal": internal,
        "producers": producers,
        "prod": prod,
        "elec_coef": elec_coef,
    }


def _members_coefficients(park: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Standard coal of the park's carriers at the members' quantity-weighted coefficient,
    so an enterprise's measured heating value carries into the park total."""
    if park.empty:
        return park
    g = rows.groupby(["month", "carrier"])[["kgce", "quantity"]].sum()
    weighted = (g["kgce"] / g["quantity"].where(g["quantity"] > 0)).rename("weighted")
    park = park.join(weighted, on=["month", "carrier"])
    differs = park["weighted"].notna() & park["coefficient"].notna()
    differs &= (park["weighted"] - park["coefficient"]).abs() > 1e-12
    if differs.any():
        park.loc[differs, "coefficient"] = park.loc[differs, "weighted"]
        park.loc[differs, "kgce"] = park.loc[differs, "quantity"] * park.loc[differs, "weighted"]
        park.loc[differs, "tce"] = park.loc[differs, "kgce"] / 1000
        park.loc[differs, "coefficient_source"] = (
            park.loc[differs, "coefficient_source"]
            + " and members' measured heating values (quantity-weighted)"
        )
    return park.drop(columns="weighted")


def _enterprise_table(
    inputs: BookInputs, cur: dict[str, Any], prev: dict[str, Any], year: int
) -> pd.DataFrame:
    rows = cur["rows"]
    if rows.empty:
        return pd.DataFrame()
    g = rows.groupby("enterprise")
    t = pd.DataFrame(
        {
            "enterprise_name": g["enterprise_name"].first(),
            "industry": g["industry"].first(),
            "tce": g["tce"].sum(),
            "tco2_direct": g["tco2_direct"].sum(),
            "tco2_indirect": g["tco2_indirect"].sum(),
        }
    )
    t["tco2"] = t["tco2_direct"] + t["tco2_indirect"]
    elec = rows[rows["carrier"] == "electricity"]
    em = elec.groupby(["enterprise", "month"])[["quantity", "tco2_indirect"]].sum()
    green = cur["green"].set_index(["enterprise", "month"])["green_kwh"]
    em["green_kwh"] = green.reindex(em.index, fill_value=0.0)
    em["covered"] = np.minimum(em["green_kwh"], em["quantity"])
    em["market"] = (em["quantity"] - em["covered"]) * cur["residual"].value
    per = em.groupby(level="enterprise")
    t["electricity_kwh"] = per["quantity"].sum()
    t["green_kwh"] = per["covered"].sum()
    t["tco2_market"] = t["tco2"] - per["tco2_indirect"].sum() + per["market"].sum()
    t[["electricity_kwh", "green_kwh"]] = t[["electricity_kwh", "green_kwh"]].fillna(0.0)
    t["tco2_market"] = t["tco2_market"].fillna(t["tco2"])
    info = inputs.enterprises[inputs.enterprises["year"] == year].set_index("enterprise")
    t["value_added"] = info["value_added"].reindex(t.index)
    va = t["value_added"].where(t["value_added"] > 0)
    t["tce_per_va"] = t["tce"] / va
    t["tco2_per_va"] = t["tco2"] / va
    out = _of_year(inputs.entries, year)
    out = out[out["kind"] == "output"]
    t["output"] = out.groupby("enterprise")["quantity"].sum().reindex(t.index)
    t["output_unit"] = out.groupby("enterprise")["unit"].first().reindex(t.index).fillna("")
    t["tce_per_output"] = t["tce"] / t["output"].where(t["output"] > 0)
    months = set(rows["month"].str[5:])
    prows = prev["rows"]
    if prows.empty:
        t["tce_previous"] = np.nan
    else:
        same = prows[prows["month"].str[5:].isin(months)]
        t["tce_previous"] = same.groupby("enterprise")["tce"].sum().reindex(t.index)
    t["tce_yoy"] = t["tce"] / t["tce_previous"].where(t["tce_previous"] > 0) - 1
    t = t.reset_index().sort_values("tce", ascending=False, ignore_index=True)
    return t


def _projections(
    inputs: BookInputs, cur: dict[str, Any], prev: dict[str, Any], year: int
) -> dict[tuple[str, str], Projection]:
    pm, ppm = cur["park_months"], prev["park_months"]
    if pm.empty:
        return {}
    last = max(pm.index)
    through = [m for m in _months(year) if m <= last]
    out: dict[tuple[str, str], Projection] = {}

    def series(frame: pd.DataFrame, col: str, months: list[str]) -> dict[str, float]:
        if frame.empty:
            return {}
        return {m: float(v) for m, v in frame[col].reindex(months, fill_value=0.0).items()}

    def full(frame: pd.DataFrame, col: str, y: int) -> dict[str, float] | None:
        if frame.empty or len(set(frame.index) & set(_months(y))) < 12:
            return None
        return series(frame, col, _months(y))

    for q, col in (("tce", "tce"), ("tco2", "tco2")):
        out[("", q)] = project_year(
            year,
            series(pm, col, through),
            inputs.budgets.get(("", q)),
            previous=full(ppm, col, year - 1),
            quantity=q,
        )
    rows, prows = cur["rows"], prev["rows"]
    if rows.empty:
        return out
    rows = rows.assign(tco2=rows["tco2_direct"] + rows["tco2_indirect"])
    if not prows.empty:
        prows = prows.assign(tco2=prows["tco2_direct"] + prows["tco2_indirect"])
    for who in sorted(set(rows["enterprise"])):
        mine = rows[rows["enterprise"] == who].groupby("month")[["tce", "tco2"]].sum()
        theirs = (
            prows[prows["enterprise"] == who].groupby("month")[["tce", "tco2"]].sum()
            if not prows.empty
            else pd.DataFrame()
        )
        for q in ("tce", "tco2"):
            budget = inputs.budgets.get((who, q))
            if budget is None and q == "tco2" and (who, "tce") not in inputs.budgets:
                continue
            if budget is None and (who, "tce") not in inputs.budgets:
                continue
            out[(who, q)] = project_year(
                year,
                series(mine, q, through),
                budget,
                previous=full(theirs, q, year - 1),
                quantity=q,
            )
    return out


def _sankey(cur: dict[str, Any]) -> list[dict[str, Any]]:
    """Sources → carriers → enterprise groups, in tce."""
    links: dict[tuple[str, str], float] = {}

    def add(a: str, b: str, v: float) -> None:
        if v > 0:
            links[(a, b)] = links.get((a, b), 0.0) + float(v)

    park, rows = cur["park"], cur["rows"]
    if rows.empty:
        return []
    coef = cur["elec_coef"].value / 1000
    producers = cur["producers"]
    names = {
        "electricity": "Electricity",
        "natural_gas": "Natural gas",
        "heat": "Heat",
        "steam": "Steam",
        "water": "Water",
        "diesel": "Diesel",
        "gasoline": "Gasoline",
        "coal": "Coal",
    }
    outside = park[park["supply"] == "outside the park"]
    for carrier, tce in outside.groupby("carrier")["tce"].sum().items():
        label = names.get(carrier, carrier)
        if carrier == "electricity":
            add("Grid", "Electricity", tce)
        elif carrier == "natural_gas":
            # the producers' gas feeds the station; the rest is used directly
            station = rows[(rows["carrier"] == "natural_gas") & rows["enterprise"].isin(producers)]
            st = float(station["tce"].sum())
            add("Natural gas supply", "Multi-energy station", min(st, tce))
            add("Natural gas supply", "Natural gas", tce - min(st, tce))
        else:
            add(f"{label} supply", label, tce)
    renewable_tce = float(cur["park_months"]["renewable_kwh"].sum()) * coef
    add("On-site PV", "Electricity", renewable_tce)
    internal = cur["internal"]
    if len(internal) and "electricity" in internal.index.get_level_values("carrier"):
        station_kwh = float(internal.xs("electricity", level="carrier").sum())
        add("Multi-energy station", "Electricity", station_kwh * coef - renewable_tce)
    prod = cur["prod"]
    heat = prod[prod["carrier"].isin(("heat", "cooling"))]["quantity"].sum()
    add("Multi-energy station", "Heat and cooling", heat * HEAT_KGCE_PER_GJ / 1000)
    for (carrier, industry), tce in rows.groupby(["carrier", "industry"])["tce"].sum().items():
        if carrier == "natural_gas":
            users = rows[(rows["carrier"] == carrier) & (rows["industry"] == industry)]
            tce = float(users[~users["enterprise"].isin(producers)]["tce"].sum())
        add(names.get(carrier, carrier), industry, tce)
    return [{"source": a, "target": b, "tce": v} for (a, b), v in links.items()]


def _factors(cur: dict[str, Any]) -> pd.DataFrame:
    park = cur["park"]
    if park.empty:
        return pd.DataFrame(
            columns=["month", "carrier", "scope", "quantity", "factor", "unit", "factor_year"]
        )
    p = park[park["co2_factor"].notna()].copy()
    p["scope"] = p["carrier"].map(lambda c: CARRIER_RULES[c].scope)
    p.loc[p["supply"] == "on-site renewable", "scope"] = "none"
    p["tco2"] = p["tco2_direct"] + p["tco2_indirect"]
    p["unit"] = p["carrier"].map(
        lambda c: {"electricity": "tCO2/kWh", "natural_gas": "tCO2/m³", "heat": "tCO2/GJ"}.get(
            c, "tCO2/t"
        )
    )
    out = p.rename(
        columns={
            "co2_factor": "factor",
            "factor_source": "source",
            "factor_note": "note",
            "factor_ref": "ref",
        }
    )[
        [
            "month",
            "carrier",
            "scope",
            "quantity",
            "factor",
            "unit",
            "factor_year",
            "source",
            "note",
            "ref",
            "tco2",
        ]
    ]
    r = cur["residual"]
    pm = cur["park_months"]
    market = pd.DataFrame(
        {
            "month": pm.index,
            "carrier": "electricity",
            "scope": "indirect (market-based)",
            "quantity": (pm["grid_kwh"] - pm["covered_kwh"]).to_numpy(),
            "factor": r.value,
            "unit": "tCO2/kWh",
            "factor_year": r.year,
            "source": r.source,
            "note": r.note,
            "ref": f"electricity:{RESIDUAL_CALIBRE[0]}/{RESIDUAL_CALIBRE[1]}:{r.year}",
        }
    )
    market["tco2"] = market["quantity"] * market["factor"]
    out = pd.concat([out, market], ignore_index=True)
    return out.sort_values(["month", "carrier", "scope"], ignore_index=True)


def _share(a: float, b: float) -> float | None:
    return a / b if b > 0 else None


def build_book(inputs: BookInputs, options: LedgerOptions | None = None) -> Book:
    """The ledger of ``inputs.year`` (see the module docstring for the rules).

    References
    ----------
    GB/T 2589-2020 (comprehensive energy consumption, energy counted once for the unit);
    MEE/NBS electricity CO2 factors (location-based; residual mix for market-based);
    GB/T 32150-2015 (direct emissions); NDRC/NEA 2023 green certificates (1 GEC = 1 MWh).
    """
    options = options or LedgerOptions()
    year = inputs.year
    cur = _ledger_year(inputs, year, options)
    prev = _ledger_year(inputs, year - 1, options)
    enterprises = _enterprise_table(inputs, cur, prev, year)
    pm = cur["park_months"]
    park = cur["park"]
    months = list(pm.index)
    tce = float(pm["tce"].sum())
    ppm = prev["park_months"]
    same = ppm[ppm.index.str[5:].isin([m[5:] for m in months])] if not ppm.empty else ppm
    tce_prev = float(same["tce"].sum()) if len(same) == len(months) and months else None
    tco2_prev = float(same["tco2"].sum()) if tce_prev is not None else None
    tco2 = float(pm["tco2"].sum())
    info = inputs.enterprises[inputs.enterprises["year"] == year]
    va = float(info["value_added"].sum(skipna=True))
    coef_t = cur["elec_coef"].value / 1000
    renewable_kwh = float(pm["renewable_kwh"].sum())
    covered_kwh = float(pm["covered_kwh"].sum())
    renewable_tce = (renewable_kwh + covered_kwh) * coef_t
    gas_tce = float(park[park["carrier"] == "natural_gas"]["tce"].sum()) if len(park) else 0.0
    use_kwh = float(pm["electricity_use_kwh"].sum())
    by_carrier = (
        park.groupby("carrier")[["quantity", "tce", "tco2_direct", "tco2_indirect"]].sum()
        if len(park)
        else pd.DataFrame()
    )
    summary: dict[str, Any] = {
        "year": year,
        "months": months,
        "tce": tce,
        "tco2": tco2,
        "tco2_direct": float(pm["tco2_direct"].sum()),
        "tco2_indirect": float(pm["tco2_indirect"].sum()),
        "tco2_market": float(pm["tco2_market"].sum()),
        "tco2_indirect_market": float(pm["tco2_indirect_market"].sum()),
        "members_tce": float(cur["rows"]["tce"].sum()) if len(cur["rows"]) else 0.0,
        "grid_kwh": float(pm["grid_kwh"].sum()),
        "renewable_kwh": renewable_kwh,
        "internal_kwh": float(pm["internal_kwh"].sum()),
        "green_certificates_mwh": float(pm["green_kwh"].sum()) / 1000,
        "electricity_use_kwh": use_kwh,
        "green_electricity_share": _share(renewable_kwh + covered_kwh, use_kwh),
        "renewable_share": _share(renewable_tce, tce),
        "clean_share": _share(renewable_tce + gas_tce, tce),
        "value_added": va if va > 0 else None,
        "tce_per_va": _share(tce, va),
        "tco2_per_va": _share(tco2, va),
        "tce_previous": tce_prev,
        "tco2_previous": tco2_prev,
        "tce_yoy": (tce / tce_prev - 1) if tce_prev else None,
        "tco2_yoy": (tco2 / tco2_prev - 1) if tco2_prev else None,
        "residual_factor": cur["residual"].value * 1000,
        "residual_factor_year": cur["residual"].year,
        "residual_factor_note": cur["residual"].note,
        "by_carrier": {c: {k: float(v) for k, v in r.items()} for c, r in by_carrier.iterrows()},
    }
    return Book(
        year=year,
        rows=cur["rows"],
        entries=inputs.entries,
        enterprises=enterprises,
        park_months=pm.reset_index(),
        park_carriers=park,
        summary=summary,
        projections=_projections(inputs, cur, prev, year),
        sankey=_sankey(cur),
        factors=_factors(cur),
    )


def form_rows(book: Book) -> pd.DataFrame:
    """The park's month x carrier rows of the 205-1 table, counted once.

    Consumption is the park's (outside supply plus on-site renewable electricity); the
    non-production part, purchases and closing stocks come from the hand entries (summed
    over the members); a carrier without purchase entries is bought as used (metered
    carriers are not stocked: stock NaN); the opening stock is the closing stock of the month
    before.

    Returns
    -------
    DataFrame
        Columns ``month``, ``carrier``, ``unit``, ``opening_stock``, ``purchases``,
        ``production``, ``non_production``, ``closing_stock`` (carrier units),
        ``coefficient`` [kgce per unit], ``coefficient_source``, ``basis``, ``tce`` [t]
        (the input of :func:`greenpark.reports.energy_205.form_205_rows`).
    """
    from greenpark.units import CARRIER_UNITS

    park = book.park_carriers
    cols = ["month", "carrier", "unit", "opening_stock", "purchases", "production"]
    if park.empty:
        return pd.DataFrame(columns=[*cols, "non_production", "closing_stock", "tce"])
    g = park.groupby(["month", "carrier"])
    out = pd.DataFrame(
        {
            "quantity": g["quantity"].sum(),
            "tce": g["tce"].sum(),
            "coefficient": g["coefficient"].first(),
            "coefficient_source": g["coefficient_source"].first(),
            "basis": g["basis"].first(),
        }
    )
    outside = park[park["supply"] == "outside the park"].groupby(["month", "carrier"])
    bought = outside["quantity"].sum().reindex(out.index, fill_value=0.0)
    e = book.entries

    def entry(kind: str) -> pd.Series:
        k = e[e["kind"] == kind]
        return k.groupby(["month", "carrier"])["quantity"].sum()

    non = entry("non_production").reindex(out.index, fill_value=0.0)
    purchase = entry("purchase")
    stock = entry("closing_stock")
    out["non_production"] = non.clip(upper=out["quantity"])
    out["production"] = out["quantity"] - out["non_production"]
    out["purchases"] = purchase.reindex(out.index).fillna(bought)
    out["closing_stock"] = stock.reindex(out.index)
    prev_index = [
        (f"{int(m[:4]) - (m[5:] == '01'):04d}-{12 if m[5:] == '01' else int(m[5:]) - 1:02d}", c)
        for m, c in out.index
    ]
    out["opening_stock"] = stock.reindex(prev_index).to_numpy()
    out = out.reset_index()
    out["unit"] = out["carrier"].map(CARRIER_UNITS)
    return out[
        [
            *cols,
            "non_production",
            "closing_stock",
            "coefficient",
            "coefficient_source",
            "basis",
            "tce",
        ]
    ]
