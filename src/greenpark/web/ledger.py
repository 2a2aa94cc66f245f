"""The energy and carbon ledger on the web: the park's page ``/energy`` ↔ ``/api/energy``
and an enterprise's ``/enterprises/{credit_code}/energy`` ↔
``/api/enterprises/{credit_code}/energy``. The JSON writes (``POST /api/ledger/entries``,
``/api/ledger/factors``, ``/api/ledger/targets``) are in :mod:`greenpark.web.ledger_writes`;
the public models of both in :mod:`greenpark.web.ledger_models`.

Thin over :mod:`greenpark.ledger.service`: a year's :class:`~greenpark.ledger.book.Book` of the
park the app shows (:func:`greenpark.store.ledger.shown_park`) is built per request and turned
into the public models; the page and its twin call the same function.

Scope:

- the park's ledger counts energy once for the whole park, so a park total set against one's
  own use would reveal the other enterprises': ``/energy`` and ``/api/energy`` are for
  whole-park callers; a caller who sees only some enterprises gets 403 (the page links to
  their enterprises' energy pages);
- an enterprise's ledger is shown when the enterprise is in scope; one outside it answers
  the same 404 as a code that does not exist (:data:`greenpark.web.enterprises.NOT_FOUND`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Final
from zoneinfo import ZoneInfo

import pandas as pd
from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from greenpark.auth import ForbiddenError, Permission, Principal
from greenpark.errors import InputError, NotFoundError
from greenpark.ledger.book import Book
from greenpark.ledger.service import load_book
from greenpark.ledger.targets import Projection, warnings
from greenpark.store.ledger import ParkRef, data_months, enterprise_ids, list_entries, shown_park
from greenpark.store.scoped import list_enterprises
from greenpark.units import CARRIER_UNITS
from greenpark.web import labels
from greenpark.web.deps import SettingsDep, StoreDep
from greenpark.web.enterprises import NOT_FOUND
from greenpark.web.ledger_models import (
    BudgetWarningPublic,
    CarrierMonthsPublic,
    EnergyKpisPublic,
    EnergyPublic,
    EnterpriseEnergyPublic,
    EnterpriseIntensityPublic,
    EnterpriseTotalsPublic,
    EntryPublic,
    FactorUsedPublic,
    FlowPublic,
    LedgerParkPublic,
    LedgerProjectedPublic,
    LedgerRowPublic,
    MonthTrackPublic,
    ProjectionPublic,
)
from greenpark.web.models import EnterpriseRefPublic
from greenpark.web.security import Reader, route
from greenpark.web.templating import templates

#: Supply of a park carrier row (``Book.park_carriers.supply``) -> (English, 中文).
SUPPLIES: Final[dict[str, tuple[str, str]]] = {
    "outside the park": ("bought from outside the park", "外购"),
    "on-site renewable": ("on-site renewable", "场内可再生"),
}
#: Colour of on-site renewable electricity in the charts.
RENEWABLE_COLOUR: Final = "#16a34a"

#: Nodes of the energy flow (``Book.sankey``) -> (English, 中文); industries are labelled
#: from :data:`greenpark.web.labels.INDUSTRIES`, anything else is shown as it is.
FLOW_NODES: Final[dict[str, tuple[str, str]]] = {
    "Grid": ("Grid", "电网"),
    "On-site PV": ("On-site PV", "场内光伏"),
    "Multi-energy station": ("Multi-energy station", "多能互补能源站"),
    "Natural gas supply": ("Natural gas supply", "天然气供应"),
    "Heat supply": ("Heat supply", "热力供应"),
    "Steam supply": ("Steam supply", "蒸汽供应"),
    "Water supply": ("Water supply", "水供应"),
    "Diesel supply": ("Diesel supply", "柴油供应"),
    "Gasoline supply": ("Gasoline supply", "汽油供应"),
    "Coal supply": ("Coal supply", "煤炭供应"),
    "Electricity": ("Electricity", "电力"),
    "Natural gas": ("Natural gas", "天然气"),
    "Heat": ("Heat", "热力"),
    "Steam": ("Steam", "蒸汽"),
    "Water": ("Water", "水"),
    "Diesel": ("Diesel", "柴油"),
    "Gasoline": ("Gasoline", "汽油"),
    "Coal": ("Coal", "煤炭"),
    "Heat and cooling": ("Heat and cooling", "热力与冷量"),
}
#: Node colours of the energy flow (carriers as in the carrier charts).
FLOW_COLOURS: Final[dict[str, str]] = {
    "Grid": "#1e3a8a",
    "On-site PV": RENEWABLE_COLOUR,
    "Multi-energy station": "#0f766e",
    "Electricity": labels.CARRIER_COLOURS["electricity"],
    "Natural gas": labels.CARRIER_COLOURS["natural_gas"],
    "Natural gas supply": "#9a3412",
    "Heat and cooling": labels.CARRIER_COLOURS["heat"],
    "Heat": labels.CARRIER_COLOURS["heat"],
    "Steam": labels.CARRIER_COLOURS["steam"],
    "Water": labels.CARRIER_COLOURS["water"],
    "Diesel": labels.CARRIER_COLOURS["diesel"],
    "Gasoline": labels.CARRIER_COLOURS["gasoline"],
    "Coal": labels.CARRIER_COLOURS["coal"],
}
#: Projection statuses -> (English, 中文) (:data:`greenpark.ledger.targets.STATUSES`).
STATUSES: Final[dict[str, tuple[str, str]]] = {
    "no_budget": ("No budget", "未设定额"),
    "ok": ("Within budget", "正常"),
    "watch": ("Close to budget", "预警"),
    "over": ("Over budget", "超限"),
}
#: Hand-entry kinds (:data:`greenpark.store.schema.ENTRY_KINDS`) -> (English, 中文).
ENTRY_KINDS: Final[dict[str, tuple[str, str]]] = {
    "consumption": ("Production use", "工业生产消费"),
    "non_production": ("Non-production use", "非工业生产消费"),
    "purchase": ("Purchase", "购进"),
    "closing_stock": ("Closing stock", "期末库存"),
    "gec": ("Green certificates", "绿证"),
    "green_power": ("Green-power contract", "绿电交易"),
    "output": ("Output", "产品产量"),
}
#: Line colours of the targets charts: actual, projected, budget.
TRACK_COLOURS: Final[dict[str, str]] = {
    "actual": "#15803d",
    "projected": "#2563eb",
    "budget": "#b91c1c",
}


# --- reading ----------------------------------------------------------------------------

YearQuery = Annotated[
    int | None,
    Query(ge=1900, le=2200, description="Year of the ledger (default: the newest with data)."),
]
CreditCodePath = Annotated[
    str, Path(description="Unified social credit code (GB 32100-2015), 18 characters.")
]


def _number(value: Any) -> float | None:
    """A float, or None for a missing value (None, NaN, pandas NA)."""
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _integer(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _text(value: Any) -> str:
    return "" if value is None or value is pd.NA or value != value else str(value)


def _years(conn: Connection, park: ParkRef) -> list[int]:
    return sorted({int(m[:4]) for m in data_months(conn, park.id)})


def _book(conn: Connection, park: ParkRef, years: list[int], year: int | None) -> Book | None:
    """The park's book of ``year`` (default: the newest year with data), or None when the
    park has no energy at all and no year was asked for.

    Raises
    ------
    InputError
        No energy recorded in ``year`` (the message lists the years with data).
    """
    if year is None:
        if not years:
            return None
        year = years[-1]
    try:
        return load_book(conn, year, park.code)[1]
    except InputError as exc:
        shown = ", ".join(map(str, years)) or "none"
        raise InputError(f"{exc}; years with energy: {shown}") from None


def _carrier_months(frame: pd.DataFrame, months: list[str], by_supply: bool) -> list[dict]:
    """Per carrier (and supply) the month series of quantity, tce and tCO2."""
    if frame.empty:
        return []
    frame = frame.assign(tco2=frame["tco2_direct"] + frame["tco2_indirect"])
    keys = ["carrier", "supply"] if by_supply else ["carrier"]
    order = list(labels.CARRIERS)
    out = []
    for key, group in frame.groupby(keys, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        carrier, supply = key[0], (key[1] if by_supply else None)
        per = group.groupby("month")[["quantity", "tce", "tco2"]].sum().reindex(months)
        out.append(
            {
                "carrier": carrier,
                "supply": supply,
                "unit": CARRIER_UNITS.get(carrier, ""),
                "quantity": [_number(v) for v in per["quantity"]],
                "tce": [_number(v) for v in per["tce"]],
                "tco2": [_number(v) for v in per["tco2"]],
                "total_quantity": float(group["quantity"].sum()),
                "total_tce": float(group["tce"].sum()),
                "total_tco2": float(group["tco2"].sum()),
            }
        )
    out.sort(
        key=lambda s: (
            order.index(s["carrier"]) if s["carrier"] in order else len(order),
            s["supply"] != "outside the park",
        )
    )
    return out


def projection_public(
    projection: Projection, enterprise: EnterpriseRefPublic | None
) -> ProjectionPublic:
    """The public model of a projection (``enterprise`` None: the park's)."""
    return ProjectionPublic(
        enterprise=enterprise,
        quantity=projection.quantity,
        months_reported=projection.months_reported,
        actual=projection.actual,
        projected=projection.projected,
        budget=projection.budget,
        ratio=projection.ratio,
        status=projection.status,
        method=projection.method,
        message=projection.message,
        months=[
            MonthTrackPublic(
                month=m.month,
                actual=m.actual,
                cumulative=m.cumulative,
                projected_cumulative=m.projected_cumulative,
                budget_cumulative=m.budget_cumulative,
            )
            for m in projection.months
        ],
    )


def enterprise_names(book: Book) -> dict[str, str]:
    """Credit code -> name of the enterprises with use in the book."""
    e = book.enterprises
    if e.empty:
        return {}
    return dict(zip(e["enterprise"], e["enterprise_name"], strict=True))


def enterprise_ref(code: str, names: dict[str, str]) -> EnterpriseRefPublic | None:
    """The reference to enterprise ``code`` named from ``names``; None for "" (the park)."""
    return None if not code else EnterpriseRefPublic(credit_code=code, name=names.get(code, code))


def _kpis(summary: dict[str, Any]) -> EnergyKpisPublic:
    floats = [
        "tce", "members_tce", "tco2", "tco2_market", "tco2_direct", "tco2_indirect",
        "tco2_indirect_market", "grid_kwh", "renewable_kwh", "internal_kwh",
        "electricity_use_kwh", "green_certificates_mwh", "residual_factor",
    ]  # fmt: skip
    optional = [
        "green_electricity_share", "renewable_share", "clean_share", "value_added", "tce_per_va",
        "tco2_per_va", "tce_previous", "tco2_previous", "tce_yoy", "tco2_yoy",
    ]  # fmt: skip
    return EnergyKpisPublic(
        **{k: float(summary[k]) for k in floats},
        **{k: _number(summary.get(k)) for k in optional},
        residual_factor_year=_integer(summary.get("residual_factor_year")),
        residual_factor_note=summary.get("residual_factor_note") or None,
    )


def _ranking(book: Book) -> list[EnterpriseIntensityPublic]:
    e = book.enterprises
    if e.empty:
        return []
    e = e.assign(has_va=e["tce_per_va"].notna()).sort_values(
        ["has_va", "tce_per_va", "tce"], ascending=[False, False, False], na_position="last"
    )
    out = []
    rank = 0
    for r in e.itertuples(index=False):
        has = bool(r.has_va)
        rank += has
        out.append(
            EnterpriseIntensityPublic(
                rank=rank if has else None,
                credit_code=r.enterprise,
                name=r.enterprise_name,
                industry=r.industry,
                tce=float(r.tce),
                tco2=float(r.tco2),
                tco2_market=float(r.tco2_market),
                value_added=_number(r.value_added),
                tce_per_va=_number(r.tce_per_va),
                tco2_per_va=_number(r.tco2_per_va),
                tce_previous=_number(r.tce_previous),
                tce_yoy=_number(r.tce_yoy),
            )
        )
    return out


def _factors(book: Book) -> list[FactorUsedPublic]:
    f = book.factors
    if f.empty:
        return []
    f = f.assign(
        factor_year=f["factor_year"].astype("Float64"),
        source=f["source"].fillna(""),
        note=f["note"].fillna(""),
        ref=f["ref"].fillna(""),
    )
    keys = ["carrier", "scope", "factor", "unit", "factor_year", "source", "note", "ref"]
    out = []
    for key, g in f.groupby(keys, dropna=False, sort=False):
        values = dict(zip(keys, key, strict=True))
        out.append(
            FactorUsedPublic(
                carrier=values["carrier"],
                scope=values["scope"],
                factor=float(values["factor"]),
                unit=values["unit"],
                factor_year=_integer(values["factor_year"]),
                source=_text(values["source"]),
                note=_text(values["note"]),
                ref=_text(values["ref"]),
                months=sorted(set(g["month"])),
                quantity=float(g["quantity"].sum()),
                tco2=float(g["tco2"].sum()),
            )
        )
    return out


def _warnings(book: Book, names: dict[str, str]) -> list[BudgetWarningPublic]:
    flagged = warnings((who, p) for (who, _), p in book.projections.items())
    return [
        BudgetWarningPublic(
            enterprise=enterprise_ref(who, names),
            quantity=p.quantity,
            status=p.status,
            ratio=p.ratio,
            projected=p.projected,
            budget=p.budget,
            message=p.message,
        )
        for who, p in flagged
    ]


def energy_public(park: ParkRef | None, years: list[int], book: Book | None) -> EnergyPublic:
    """The public model of the park's ``book`` (None: no park, or no energy recorded)."""
    ref = None if park is None else LedgerParkPublic(code=park.code, name=park.name)
    if book is None:
        return EnergyPublic(
            park=ref, year=None, years=years, months=[], kpis=None, carriers=[], flows=[],
            enterprises=[], projections=[], warnings=[], factors=[],
        )  # fmt: skip
    months = list(book.park_months["month"]) if not book.park_months.empty else []
    names = enterprise_names(book)
    return EnergyPublic(
        park=ref,
        year=book.year,
        years=years,
        months=months,
        kpis=_kpis(book.summary),
        carriers=[
            CarrierMonthsPublic(**s) for s in _carrier_months(book.park_carriers, months, True)
        ],
        flows=[
            FlowPublic(source=f["source"], target=f["target"], tce=f["tce"]) for f in book.sankey
        ],
        enterprises=_ranking(book),
        projections=[
            projection_public(book.projections[("", q)], None)
            for q in ("tce", "tco2")
            if ("", q) in book.projections
        ],
        warnings=_warnings(book, names),
        factors=_factors(book),
        projected=_projected(book.summary.get("projected")),
    )


def _projected(projected: dict[str, Any] | None) -> LedgerProjectedPublic | None:
    """The ledger's projected figures (``Book.summary["projected"]``), or None."""
    if not projected:
        return None
    return LedgerProjectedPublic(
        source=projected["source"],
        days=[dt.date.fromisoformat(d) for d in projected["days"]],
        **{k: float(projected[k]) for k in ("tce", "tco2", "grid_kwh", "gas_m3", "cost")},
    )


def _refuse_restricted(principal: Principal) -> None:
    if not principal.whole_park:
        raise ForbiddenError(
            "the park's energy ledger is for accounts that see the whole park; see your "
            "enterprise's at /api/enterprises/{credit_code}/energy"
        )


def read_energy(store: StoreDep, principal: Principal, year: int | None) -> EnergyPublic:
    """The park's ledger of ``year`` (default: the newest year with data).

    Raises
    ------
    ForbiddenError
        The caller does not see the whole park (403).
    InputError
        No energy recorded in ``year`` (400, listing the years with data).
    """
    _refuse_restricted(principal)
    with store.read() as conn:
        park = shown_park(conn)
        if park is None:
            return energy_public(None, [], None)
        years = _years(conn, park)
        book = _book(conn, park, years, year)
    return energy_public(park, years, book)


def _local(value: Any, zone: ZoneInfo) -> dt.datetime | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(zone)


def _enterprise_totals(book: Book, code: str) -> EnterpriseTotalsPublic | None:
    e = book.enterprises
    if e.empty or code not in set(e["enterprise"]):
        return None
    r = e[e["enterprise"] == code].iloc[0]
    entries = book.entries
    green = entries[
        (entries["enterprise"] == code)
        & entries["kind"].isin(("gec", "green_power"))
        & entries["month"].str.startswith(f"{book.year:04d}-")
    ]
    return EnterpriseTotalsPublic(
        tce=float(r["tce"]),
        tco2=float(r["tco2"]),
        tco2_direct=float(r["tco2_direct"]),
        tco2_indirect=float(r["tco2_indirect"]),
        tco2_market=float(r["tco2_market"]),
        electricity_kwh=float(r["electricity_kwh"]),
        green_kwh=float(r["green_kwh"]),
        green_certificates_mwh=float(green["quantity"].sum()),
        value_added=_number(r["value_added"]),
        tce_per_va=_number(r["tce_per_va"]),
        tco2_per_va=_number(r["tco2_per_va"]),
        tce_previous=_number(r["tce_previous"]),
        tce_yoy=_number(r["tce_yoy"]),
        output=_number(r["output"]),
        output_unit=_text(r["output_unit"]),
        tce_per_output=_number(r["tce_per_output"]),
    )


def _ledger_rows(rows: pd.DataFrame) -> list[LedgerRowPublic]:
    out = []
    for r in rows.sort_values(["month", "carrier"]).to_dict("records"):
        unit = CARRIER_UNITS.get(r["carrier"], "")
        out.append(
            LedgerRowPublic(
                month=r["month"],
                carrier=r["carrier"],
                unit=unit,
                quantity=float(r["quantity"]),
                production=float(r["production"]),
                non_production=float(r["non_production"]),
                coefficient=_number(r["coefficient"]),
                coefficient_source=_text(r["coefficient_source"]),
                tce=float(r["tce"]),
                tco2_direct=float(r["tco2_direct"]),
                tco2_indirect=float(r["tco2_indirect"]),
                factor=_number(r["co2_factor"]),
                factor_unit=f"tCO2/{unit}" if unit else "tCO2",
                factor_year=_integer(r["factor_year"]),
                factor_source=_text(r["factor_source"]),
                factor_note=_text(r["factor_note"]),
                factor_ref=_text(r["factor_ref"]),
            )
        )
    return out


def _entries_public(frame: pd.DataFrame, zone: ZoneInfo) -> list[EntryPublic]:
    return [
        EntryPublic(
            month=r["month"],
            carrier=r["carrier"],
            kind=r["kind"],
            quantity=float(r["quantity"]),
            unit=_text(r["unit"]),
            note=_text(r["note"]),
            entered_by=r["entered_by"] or None,
            entered_at=_local(r["entered_at"], zone),
        )
        for r in frame.to_dict("records")
    ]


def read_enterprise_energy(
    store: StoreDep, principal: Principal, credit_code: str, year: int | None, timezone: str
) -> EnterpriseEnergyPublic:
    """One enterprise's ledger of ``year`` (default: the park's newest year with data).

    Raises
    ------
    NotFoundError
        :data:`~greenpark.web.enterprises.NOT_FOUND` (404) whether the enterprise does not
        exist or is out of the caller's scope.
    InputError
        No energy recorded in the park in ``year`` (400).
    """
    code = credit_code.strip().upper()
    with store.read() as conn:
        visible = {e.credit_code: e for e in list_enterprises(conn, scope=principal.enterprise_ids)}
        park = shown_park(conn)
        if code not in visible or park is None:
            raise NotFoundError(NOT_FOUND)
        found = visible[code]
        years = _years(conn, park)
        book = _book(conn, park, years, year)
        eid = enterprise_ids(conn, park.id)[code]
        entries = None if book is None else list_entries(conn, park.id, year=book.year,
                                                          enterprise_id=eid)  # fmt: skip
    ref = EnterpriseRefPublic(credit_code=code, name=found.name)
    if book is None or entries is None:
        return EnterpriseEnergyPublic(
            enterprise=ref, industry=found.industry, year=None, years=years, months=[],
            totals=None, carriers=[], rows=[], projections=[], entries=[],
        )  # fmt: skip
    rows = book.rows[book.rows["enterprise"] == code] if not book.rows.empty else book.rows
    months = sorted(set(rows["month"])) if not rows.empty else []
    return EnterpriseEnergyPublic(
        enterprise=ref,
        industry=found.industry,
        year=book.year,
        years=years,
        months=months,
        totals=_enterprise_totals(book, code),
        carriers=[CarrierMonthsPublic(**s) for s in _carrier_months(rows, months, False)],
        rows=_ledger_rows(rows) if not rows.empty else [],
        projections=[
            projection_public(book.projections[(code, q)], ref)
            for q in ("tce", "tco2")
            if (code, q) in book.projections
        ],
        entries=_entries_public(entries, ZoneInfo(timezone)),
    )


# --- charts -----------------------------------------------------------------------------


def _carrier_label(series: CarrierMonthsPublic) -> str:
    name = labels.label(labels.CARRIERS, series.carrier)
    if series.supply == "on-site renewable":
        return f"{name} ({labels.label(SUPPLIES, series.supply)})"
    return name


def _carrier_colour(series: CarrierMonthsPublic) -> str:
    if series.supply == "on-site renewable":
        return RENEWABLE_COLOUR
    return labels.CARRIER_COLOURS.get(series.carrier, "#6b7280")


def flow_label(node: str) -> str:
    """The display label of an energy-flow node (a carrier, source or industry)."""
    if node in labels.INDUSTRIES:
        return labels.label(labels.INDUSTRIES, node)
    return labels.label(FLOW_NODES, node)


def _carrier_chart(canvas: str, months: list[str], carriers: list[CarrierMonthsPublic]) -> dict:
    return {
        "canvas": canvas,
        "type": "stacked",
        "labels": months,
        "valueTitle": "tce",
        "categoryTitle": "month",
        "datasets": [
            {"label": _carrier_label(s), "values": s.tce, "colour": _carrier_colour(s)}
            for s in carriers
        ],
    }


def _track_chart(canvas: str, p: ProjectionPublic) -> dict:
    unit = "tCO₂" if p.quantity == "tco2" else "tce"
    return {
        "canvas": canvas,
        "type": "lines",
        "labels": [m.month for m in p.months],
        "valueTitle": f"cumulative {unit}",
        "categoryTitle": "month",
        "datasets": [
            {
                "label": "Actual 实际",
                "values": [m.cumulative for m in p.months],
                "colour": TRACK_COLOURS["actual"],
                "dashed": False,
            },
            {
                "label": "Projected 预测",
                "values": [m.projected_cumulative for m in p.months],
                "colour": TRACK_COLOURS["projected"],
                "dashed": True,
            },
            {
                "label": "Budget 定额",
                "values": [m.budget_cumulative for m in p.months],
                "colour": TRACK_COLOURS["budget"],
                "dashed": True,
            },
        ],
    }


def energy_charts(data: EnergyPublic) -> list[dict[str, Any]]:
    """What ``static/energy.js`` draws on ``/energy``: the carriers' stacked bars
    (``chart-carriers``), the energy flow (``chart-flows``) and the park's cumulative
    tracks (``chart-track-tce``, ``chart-track-tco2``)."""
    if data.year is None:
        return []
    charts: list[dict[str, Any]] = []
    if data.carriers:
        charts.append(_carrier_chart("chart-carriers", data.months, data.carriers))
    if data.flows:
        nodes = {n for f in data.flows for n in (f.source, f.target)}
        charts.append(
            {
                "canvas": "chart-flows",
                "type": "sankey",
                "flows": [{"from": f.source, "to": f.target, "flow": f.tce} for f in data.flows],
                "labels": {n: flow_label(n) for n in sorted(nodes)},
                "colours": {n: FLOW_COLOURS.get(n, "#6b7280") for n in sorted(nodes)},
            }
        )
    charts += [_track_chart(f"chart-track-{p.quantity}", p) for p in data.projections]
    return charts


def enterprise_energy_charts(data: EnterpriseEnergyPublic) -> list[dict[str, Any]]:
    """What ``static/energy.js`` draws on an enterprise's energy page: its carriers
    (``chart-carriers``) and its budget tracks (``chart-track-tce``, ``chart-track-tco2``)."""
    charts: list[dict[str, Any]] = []
    if data.carriers:
        charts.append(_carrier_chart("chart-carriers", data.months, data.carriers))
    charts += [_track_chart(f"chart-track-{p.quantity}", p) for p in data.projections]
    return charts


def _page_context(**values: Any) -> dict[str, Any]:
    return {
        "statuses": STATUSES,
        "supplies": SUPPLIES,
        "entry_kinds": ENTRY_KINDS,
        "flow_label": flow_label,
        **values,
    }


# --- routes: pages and their twins ------------------------------------------------------


def api_energy(store: StoreDep, principal: Reader, year: YearQuery = None) -> EnergyPublic:
    """The park's energy and carbon ledger of a year, energy counted once: totals [tce],
    CO2 location- and market-based [tCO2], shares, intensities [per 10⁴ yuan], year on
    year, carriers by month, the energy flow, the enterprises ranked by intensity, budgets
    and their projections, and the factors used. Whole-park callers only (403 otherwise)."""
    return read_energy(store, principal, year)


def energy_page(
    request: Request, store: StoreDep, principal: Reader, year: YearQuery = None
) -> HTMLResponse:
    """The "Energy & carbon" page; its data is ``/api/energy``. A caller who sees only some
    enterprises gets 403 with links to their enterprises' energy pages."""
    if not principal.whole_park:
        with store.read() as conn:
            mine = list_enterprises(conn, scope=principal.enterprise_ids)
        return templates.TemplateResponse(
            request, "energy.html", _page_context(data=None, restricted=mine), status_code=403
        )
    data = read_energy(store, principal, year)
    return templates.TemplateResponse(
        request,
        "energy.html",
        _page_context(data=data, restricted=None, charts={"charts": energy_charts(data)}),
    )


def api_enterprise_energy(
    credit_code: CreditCodePath,
    store: StoreDep,
    settings: SettingsDep,
    principal: Reader,
    year: YearQuery = None,
) -> EnterpriseEnergyPublic:
    """One enterprise's ledger of a year: month x carrier rows with the coefficient and CO2
    factor used, totals, intensity, green certificates netted, market-based tCO2, its budget
    projections and its hand entries (who, when). 404 when the enterprise does not exist or
    is not yours to see."""
    return read_enterprise_energy(store, principal, credit_code, year, settings.park_timezone)


def enterprise_energy_page(
    request: Request,
    credit_code: CreditCodePath,
    store: StoreDep,
    settings: SettingsDep,
    principal: Reader,
    year: YearQuery = None,
) -> HTMLResponse:
    """An enterprise's energy page; its data is ``/api/enterprises/{credit_code}/energy``."""
    data = read_enterprise_energy(store, principal, credit_code, year, settings.park_timezone)
    return templates.TemplateResponse(
        request,
        "enterprise_energy.html",
        _page_context(data=data, charts={"charts": enterprise_energy_charts(data)}),
    )


def add_routes(app: FastAPI) -> None:
    """Register the energy pages and their JSON twins (READ) on ``app``; the writes are
    :func:`greenpark.web.ledger_writes.add_routes`."""
    route(
        app,
        "/api/energy",
        api_energy,
        Permission.READ,
        response_model=EnergyPublic,
        tags=["energy"],
    )
    route(
        app,
        "/energy",
        energy_page,
        Permission.READ,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    route(
        app,
        "/api/enterprises/{credit_code}/energy",
        api_enterprise_energy,
        Permission.READ,
        response_model=EnterpriseEnergyPublic,
        tags=["energy"],
    )
    route(
        app,
        "/enterprises/{credit_code}/energy",
        enterprise_energy_page,
        Permission.READ,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
