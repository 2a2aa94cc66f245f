"""The public models of the energy and carbon ledger on the web (:mod:`greenpark.web.ledger`)
and the request bodies and answers of its writes (:mod:`greenpark.web.ledger_writes`).

Units are in the field descriptions, in brackets; shares are fractions [-].
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from pydantic import BaseModel, Field

from greenpark.ledger.service import FACTOR_UNITS
from greenpark.web.models import EnterpriseRefPublic

#: Most hand entries one request may carry.
MAX_ENTRIES: Final = 10_000


# --- public models ----------------------------------------------------------------------


class LedgerParkPublic(BaseModel):
    """The park of the ledger (the park the app shows)."""

    code: str
    name: str


class EnergyKpisPublic(BaseModel):
    """The park's year, energy counted once (GB/T 2589-2020).

    Shares are fractions [-] (0.25 is 25 %); null when their denominator is 0.
    """

    tce: float = Field(description="Comprehensive energy consumption [tce].")
    members_tce: float = Field(
        description="Sum of the enterprises' own figures [tce]; more than tce when the park's "
        "own producers' output is counted in both the producer's inputs and its users."
    )
    tco2: float = Field(description="CO2, location-based (direct + indirect) [tCO2].")
    tco2_market: float = Field(
        description="CO2, market-based: grid electricity net of green certificates and "
        "contracts, priced at the residual-mix factor [tCO2]."
    )
    tco2_direct: float = Field(description="Direct CO2 (fuel combustion, scope 1) [tCO2].")
    tco2_indirect: float = Field(description="Indirect CO2, location-based (scope 2) [tCO2].")
    tco2_indirect_market: float = Field(description="Indirect CO2, market-based [tCO2].")
    grid_kwh: float = Field(description="Electricity from the grid [kWh].")
    renewable_kwh: float = Field(description="On-site renewable electricity [kWh].")
    internal_kwh: float = Field(
        description="Electricity the park's own producers delivered to members [kWh]."
    )
    electricity_use_kwh: float = Field(description="Members' electricity use [kWh].")
    green_certificates_mwh: float = Field(
        description="Green certificates and green-power contracts entered [MWh] (1 GEC = 1 MWh)."
    )
    green_electricity_share: float | None = Field(
        description="(On-site renewable + certificates and contracts netted) / members' "
        "electricity use [-]."
    )
    renewable_share: float | None = Field(
        description="Standard coal of that green electricity / park total [-]."
    )
    clean_share: float | None = Field(
        description="(Renewable + natural gas) standard coal / park total [-]."
    )
    value_added: float | None = Field(description="Enterprises' value added [10⁴ yuan].")
    tce_per_va: float | None = Field(description="Energy intensity [tce/10⁴ yuan].")
    tco2_per_va: float | None = Field(description="Carbon intensity [tCO2/10⁴ yuan].")
    tce_previous: float | None = Field(
        description="tce of the same months of the year before [tce] (null: not all recorded)."
    )
    tco2_previous: float | None = Field(description="tCO2 of the same months the year before.")
    tce_yoy: float | None = Field(description="Year-on-year change of tce [-].")
    tco2_yoy: float | None = Field(description="Year-on-year change of tCO2 [-].")
    residual_factor: float = Field(
        description="Residual-mix factor of market-based electricity [tCO2/MWh]."
    )
    residual_factor_year: int | None = Field(description="Data year of the residual factor.")
    residual_factor_note: str | None = Field(
        description="Why another factor stands in for the residual mix, when one does."
    )


class CarrierMonthsPublic(BaseModel):
    """One carrier's months (of the park counted once, or of one enterprise)."""

    carrier: str = Field(description="Energy carrier code, e.g. electricity.")
    supply: str | None = Field(
        description="Park: 'outside the park' or 'on-site renewable'; null for an enterprise."
    )
    unit: str = Field(description="Unit of quantity, e.g. kWh.")
    quantity: list[float | None] = Field(description="Per month of `months` [unit].")
    tce: list[float | None] = Field(description="Per month of `months` [tce].")
    tco2: list[float | None] = Field(description="Per month, location-based [tCO2].")
    total_quantity: float = Field(description="Sum over the months [unit].")
    total_tce: float = Field(description="Sum over the months [tce].")
    total_tco2: float = Field(description="Sum over the months [tCO2].")


class FlowPublic(BaseModel):
    """One link of the energy flow: sources → carriers → industries."""

    source: str
    target: str
    tce: float = Field(description="Energy along the link [tce].")


class EnterpriseIntensityPublic(BaseModel):
    """An enterprise in the intensity ranking."""

    rank: int | None = Field(
        description="1 = the highest tce per 10⁴ yuan of value added; null without value added."
    )
    credit_code: str
    name: str
    industry: str = Field(description="Industry code, e.g. big_data.")
    tce: float = Field(description="Its energy [tce].")
    tco2: float = Field(description="Its CO2, location-based [tCO2].")
    tco2_market: float = Field(description="Its CO2, market-based [tCO2].")
    value_added: float | None = Field(description="Value added [10⁴ yuan].")
    tce_per_va: float | None = Field(description="[tce/10⁴ yuan]")
    tco2_per_va: float | None = Field(description="[tCO2/10⁴ yuan]")
    tce_previous: float | None = Field(description="Same months of the year before [tce].")
    tce_yoy: float | None = Field(description="Year-on-year change of tce [-].")


class MonthTrackPublic(BaseModel):
    """One month of a tracked budget year (see ``greenpark.ledger.targets.MonthTrack``)."""

    month: str = Field(description="YYYY-MM.")
    actual: float | None = Field(description="The month's value [quantity]; null if not reported.")
    cumulative: float | None = Field(description="Actual cumulative from January [quantity].")
    projected_cumulative: float = Field(
        description="Actual cumulative, then projected, to December [quantity]."
    )
    budget_cumulative: float | None = Field(
        description="The budget spread over the year [quantity]; null without a budget."
    )


class ProjectionPublic(BaseModel):
    """A projected year-end against its yearly budget ("dual control")."""

    enterprise: EnterpriseRefPublic | None = Field(description="Null for the park.")
    quantity: str = Field(description="tce or tco2 (the unit of the values: t).")
    months_reported: int = Field(description="Months reported, January to the last one.")
    actual: float = Field(description="Year to date [quantity].")
    projected: float = Field(description="Projected year-end [quantity].")
    budget: float | None = Field(description="Yearly budget [quantity]; null: none set.")
    ratio: float | None = Field(description="projected / budget [-].")
    status: str = Field(description="no_budget, ok, watch (>= 95 % of the budget) or over.")
    method: str = Field(description="How the year-end was projected.")
    message: str = Field(description="One sentence for a warning list.")
    months: list[MonthTrackPublic] = Field(description="The 12 months, January first.")


class BudgetWarningPublic(BaseModel):
    """A projection close to or over its budget."""

    enterprise: EnterpriseRefPublic | None = Field(description="Null for the park.")
    quantity: str = Field(description="tce or tco2.")
    status: str = Field(description="watch or over.")
    ratio: float | None = Field(description="projected / budget [-].")
    projected: float = Field(description="Projected year-end [t].")
    budget: float | None = Field(description="Yearly budget [t].")
    message: str


class FactorUsedPublic(BaseModel):
    """A CO2 factor the park's figures used, with the months it was used in."""

    carrier: str
    scope: str = Field(
        description="direct, indirect, indirect (market-based) or none (zero carbon)."
    )
    factor: float = Field(description="The factor [unit].")
    unit: str = Field(description="e.g. tCO2/kWh.")
    factor_year: int | None = Field(description="Data year of the factor, when it has one.")
    source: str = Field(description="Where the factor comes from.")
    note: str = Field(description="e.g. '2025 not published: the 2022 factor is used'.")
    ref: str = Field(description="kind:key:year, as a factor change names it.")
    months: list[str] = Field(description="The months it was used in.")
    quantity: float = Field(description="Quantity it applied to [carrier unit].")
    tco2: float = Field(description="CO2 it gave [tCO2].")


class LedgerProjectedPublic(BaseModel):
    """The station's day-ahead schedules of days not metered yet, as the ledger projects
    them (``greenpark dispatch day-ahead``): their grid and gas, converted with the
    ledger's coefficients and factors."""

    source: str = Field(description="Where the figures come from.")
    days: list[dt.date] = Field(description="The days projected (the newest run of each).")
    tce: float = Field(description="[tce]")
    tco2: float = Field(description="[tCO2]")
    grid_kwh: float = Field(description="Grid import [kWh].")
    gas_m3: float = Field(description="Natural gas [m³].")
    cost: float = Field(description="The schedules' cost [CNY].")


class EnergyPublic(BaseModel):
    """The park's energy and carbon ledger of one year (whole-park callers only)."""

    park: LedgerParkPublic | None = Field(description="Null while the store holds no park.")
    year: int | None = Field(description="The year shown; null when no energy is recorded.")
    years: list[int] = Field(description="Years with metered or hand-entered energy.")
    months: list[str] = Field(description="The months of the year with data (YYYY-MM).")
    kpis: EnergyKpisPublic | None
    carriers: list[CarrierMonthsPublic] = Field(
        description="The park counted once, per carrier and supply, by month."
    )
    flows: list[FlowPublic] = Field(description="The energy flow of the year [tce].")
    enterprises: list[EnterpriseIntensityPublic] = Field(
        description="Ranked by tce per 10⁴ yuan, highest first; without value added last."
    )
    projections: list[ProjectionPublic] = Field(description="The park's tce and tCO2.")
    warnings: list[BudgetWarningPublic] = Field(
        description="Park and enterprise projections at watch or over, worst first."
    )
    factors: list[FactorUsedPublic]
    projected: LedgerProjectedPublic | None = Field(
        default=None,
        description="The station's day-ahead schedules of the year's days not metered yet "
        "(see /api/energy-station); null without a year.",
    )


class LedgerRowPublic(BaseModel):
    """One month and carrier of an enterprise: metered use plus its hand entries."""

    month: str = Field(description="YYYY-MM.")
    carrier: str
    unit: str = Field(description="Unit of the quantities, e.g. kWh.")
    quantity: float = Field(description="Use [unit].")
    production: float = Field(description="Of which industrial production [unit].")
    non_production: float = Field(description="Of which outside production [unit].")
    coefficient: float | None = Field(description="Standard coal [kgce per unit].")
    coefficient_source: str
    tce: float = Field(description="[tce]")
    tco2_direct: float = Field(description="[tCO2]")
    tco2_indirect: float = Field(description="Location-based [tCO2].")
    factor: float | None = Field(description="CO2 factor used [factor_unit].")
    factor_unit: str = Field(description="tCO2 per unit, e.g. tCO2/kWh.")
    factor_year: int | None = Field(description="Data year of the factor.")
    factor_source: str
    factor_note: str
    factor_ref: str = Field(description="kind:key:year of the factor.")


class EntryPublic(BaseModel):
    """A hand-entered monthly figure."""

    month: str = Field(description="YYYY-MM.")
    carrier: str
    kind: str = Field(
        description="consumption, non_production, purchase, closing_stock, gec, green_power "
        "or output."
    )
    quantity: float = Field(description="In `unit` (the carrier's; MWh for gec, green_power).")
    unit: str
    note: str
    entered_by: str | None = Field(description="Who entered it last.")
    entered_at: dt.datetime | None = Field(description="When, ISO 8601 in the park's zone.")


class EnterpriseTotalsPublic(BaseModel):
    """An enterprise's year (its own figures, not counted once for the park)."""

    tce: float = Field(description="[tce]")
    tco2: float = Field(description="Location-based [tCO2].")
    tco2_direct: float = Field(description="[tCO2]")
    tco2_indirect: float = Field(description="Location-based [tCO2].")
    tco2_market: float = Field(
        description="Market-based: electricity net of green certificates at the residual "
        "factor [tCO2]."
    )
    electricity_kwh: float = Field(description="Electricity use [kWh].")
    green_kwh: float = Field(
        description="Green certificates and contracts netted, at most the use [kWh]."
    )
    green_certificates_mwh: float = Field(
        description="Green certificates and contracts entered for the year [MWh]."
    )
    value_added: float | None = Field(description="[10⁴ yuan]")
    tce_per_va: float | None = Field(description="[tce/10⁴ yuan]")
    tco2_per_va: float | None = Field(description="[tCO2/10⁴ yuan]")
    tce_previous: float | None = Field(description="Same months of the year before [tce].")
    tce_yoy: float | None = Field(description="Year-on-year change [-].")
    output: float | None = Field(description="Output entered [output_unit].")
    output_unit: str
    tce_per_output: float | None = Field(description="[tce per output_unit]")


class EnterpriseEnergyPublic(BaseModel):
    """One enterprise's energy and carbon ledger of one year."""

    enterprise: EnterpriseRefPublic
    industry: str = Field(description="Industry code, e.g. big_data.")
    year: int | None = Field(description="The year shown; null when the park has no energy.")
    years: list[int] = Field(description="Years with energy recorded in the park.")
    months: list[str] = Field(description="Months of the year with data for this enterprise.")
    totals: EnterpriseTotalsPublic | None = Field(description="Null without use in the year.")
    carriers: list[CarrierMonthsPublic] = Field(description="Its use per carrier, by month.")
    rows: list[LedgerRowPublic] = Field(description="Month x carrier, with the factors used.")
    projections: list[ProjectionPublic] = Field(description="Against its budgets, if any.")
    entries: list[EntryPublic] = Field(description="Its hand-entered figures of the year.")


# --- request bodies and answers of the writes -------------------------------------------


class EntryIn(BaseModel):
    """One hand-entered monthly figure (``greenpark.ledger.entries``)."""

    enterprise: str | None = Field(
        None, max_length=32, description="Credit code; empty or null: the park itself."
    )
    month: str = Field(max_length=16, description="YYYY-MM.")
    carrier: str | None = Field(
        None, max_length=32, description="Carrier code (default electricity for gec, green_power)."
    )
    kind: str = Field(
        max_length=32,
        description="consumption, non_production, purchase, closing_stock, gec, green_power "
        "or output.",
    )
    quantity: float = Field(description="In `unit`; >= 0.")
    unit: str | None = Field(None, max_length=16, description="Default: the carrier's unit.")
    note: str | None = Field(None, max_length=500)


class EntriesIn(BaseModel):
    """A batch of hand entries."""

    entries: list[EntryIn] = Field(min_length=1, max_length=MAX_ENTRIES)


class EntriesWrittenPublic(BaseModel):
    """What an entry push wrote."""

    entries: int = Field(description="Figures received.")
    new: int = Field(description="New figures.")
    replaced: int = Field(description="Figures that replaced stored ones (same month, kind).")


class FactorIn(BaseModel):
    """A factor version (``greenpark.ledger.service.change_factor``)."""

    kind: str = Field(max_length=32, description="One of: " + ", ".join(FACTOR_UNITS) + ".")
    key: str = Field(
        max_length=100,
        description="electricity: calibre/area (province/guizhou); fuel: a fuel (natural_gas); "
        "purchased: heat; coal: energy/basis.",
    )
    year: int | None = Field(
        None, ge=1900, le=2200, description="Data year (needed for electricity)."
    )
    value: float = Field(
        description="; ".join(f"{k}: [{u}]" for k, u in FACTOR_UNITS.items()) + "."
    )
    source: str = Field(max_length=500, description="Publication, notice or measurement.")


class FactorVersionPublic(BaseModel):
    """A factor version that was in force."""

    version: int
    value: float
    unit: str
    source: str


class MonthChangePublic(BaseModel):
    """A park month whose figures a factor change recomputed."""

    month: str
    tce_before: float | None = Field(description="[tce]")
    tco2_before: float | None = Field(description="Location-based [tCO2].")
    tce_after: float = Field(description="[tce]")
    tco2_after: float = Field(description="[tCO2]")


class ReportChangePublic(BaseModel):
    """An issued report whose totals the factor change altered."""

    id: int
    year: int
    month: int | None
    path: str
    before: dict[str, float] = Field(description="Totals recorded when issued [t].")
    after: dict[str, float] = Field(description="Totals now [t].")


class FactorChangedPublic(BaseModel):
    """A factor change and what it did."""

    version: int = Field(description="The new version's id.")
    old: FactorVersionPublic | None = Field(description="The version it superseded, if any.")
    months: list[MonthChangePublic] = Field(description="Park months recomputed.")
    reports: list[ReportChangePublic] = Field(description="Issued reports now out of date.")


class TargetIn(BaseModel):
    """A yearly budget ("dual control")."""

    year: int = Field(ge=1900, le=2200)
    quantity: str = Field(max_length=8, description="tce or tco2.")
    budget: float = Field(description="[t of the quantity], > 0.")
    enterprise: str | None = Field(
        None, max_length=32, description="Credit code; null: the park's budget."
    )


class TargetSetPublic(BaseModel):
    """A budget set, and the projection against it when the year has data."""

    year: int
    quantity: str
    enterprise: str | None = Field(description="Credit code; null for the park.")
    budget: float = Field(description="[t]")
    old: float | None = Field(description="The budget it replaced [t].")
    projection: ProjectionPublic | None = Field(
        description="The projection against the new budget (null: no data in the year yet, "
        "or no use by the enterprise)."
    )
