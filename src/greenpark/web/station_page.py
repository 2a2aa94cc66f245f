"""The multi-energy station's day-ahead schedule on the web: the page ``/energy-station`` ↔
``/api/energy-station?day=`` and the run ``POST /api/energy-station/day-ahead``.

Thin over :mod:`greenpark.dispatch.service` (:func:`~greenpark.dispatch.service.day_ahead`
optimises a day and records it as a ``dispatch_run``) and :mod:`greenpark.store.dispatch`
(:func:`~greenpark.store.dispatch.get_run` reads a recorded run back). A run's
``schedule`` holds the flows [MW] of every ``component:bus`` (+ into the bus, − out of it;
see ``docs/dispatch.md``), the storage levels [MWh], the engines' commitment and the cost
breakdown of the optimised schedule and of the rule-based baseline.

Which flow belongs to which chart is read from the keys: the buses ``el``, ``heat`` and
``cold`` each get a stacked chart of every component on them except the loads (``*_load``,
shown as a line); a storage's flow is split into discharge (+) and charge (−). The
components' roles (engine, chiller, boiler, storage...) come from the asset register when
the component is an asset, otherwise from the buses it touches.

Scope: the station's schedule is park data (its loads are the park's), so the page and its
twin are for whole-park callers; a caller who sees only some enterprises gets 403, as on
``/energy``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from greenpark.auth import ForbiddenError, Permission, Principal, audit
from greenpark.dispatch.service import day_ahead
from greenpark.dispatch.station import StationSettings
from greenpark.errors import NotFoundError
from greenpark.store.dispatch import get_run, park_assets, run_days
from greenpark.store.ledger import shown_park
from greenpark.store.scoped import list_enterprises
from greenpark.web import labels
from greenpark.web.deps import SettingsDep, StoreDep
from greenpark.web.ledger_models import LedgerParkPublic
from greenpark.web.security import Editor, Reader, client_ip, route
from greenpark.web.templating import templates

#: Runs read for the page: the newest ones (their days are the page's day picker).
RUNS_SHOWN: Final = 30

#: The charts' buses -> (English, 中文) and colour of the load line.
BUSES: Final[dict[str, tuple[str, str]]] = {
    "el": ("Electricity", "电力"),
    "heat": ("Heat", "热力"),
    "cold": ("Cooling", "冷量"),
}

#: Roles of the station's components -> (English, 中文), in the charts' stacking order.
ROLES: Final[dict[str, tuple[str, str]]] = {
    "grid_import": ("Grid import", "电网购电"),
    "gas_engine": ("Gas engine", "燃气内燃机"),
    "pv": ("PV", "光伏"),
    "recovered_heat": ("Recovered heat", "余热回收"),
    "boiler": ("Boiler", "燃气锅炉"),
    "absorption_chiller": ("Absorption chiller", "吸收式制冷机"),
    "electric_chiller": ("Electric chiller", "电制冷机"),
    "battery": ("Battery", "蓄电池"),
    "thermal_storage": ("Hot-water storage", "蓄热罐"),
    "cold_storage": ("Chilled-water storage", "蓄冷罐"),
    "other": ("Other", "其他"),
}
#: Parts of a series: a storage's flow is split into discharge and charge.
PARTS: Final[dict[str, tuple[str, str]]] = {
    "supply": ("supply", "供"),
    "use": ("use", "用"),
    "net": ("net", "净"),
    "discharge": ("discharge", "放"),
    "charge": ("charge", "充"),
}
#: Fill colours by role (a storage's charge is drawn lighter, in JS).
ROLE_COLOURS: Final[dict[str, str]] = {
    "grid_import": "#1e3a8a",
    "gas_engine": "#ea580c",
    "pv": "#16a34a",
    "recovered_heat": "#f97316",
    "boiler": "#dc2626",
    "absorption_chiller": "#0d9488",
    "electric_chiller": "#7c3aed",
    "battery": "#0891b2",
    "thermal_storage": "#be123c",
    "cold_storage": "#4f46e5",
    "other": "#6b7280",
}
#: Components of the station problem that are not assets (``greenpark.dispatch.station``).
FIXED_ROLES: Final[dict[str, str]] = {
    "grid_import": "grid_import",
    "pv_to_el": "pv",
    "wh_to_heat": "recovered_heat",
}
#: (role, bus) that a component takes from (its input), for a series that is 0 all day.
USES: Final[frozenset[tuple[str, str]]] = frozenset(
    {("electric_chiller", "el"), ("absorption_chiller", "wh"), ("gas_engine", "gas"),
     ("boiler", "gas")}
)  # fmt: skip
#: Storage kinds by bus, for a storage that is not (or no longer) in the register.
STORAGE_BY_BUS: Final[dict[str, str]] = {
    "el": "battery",
    "heat": "thermal_storage",
    "cold": "cold_storage",
}
#: Cost kinds of ``Result.cost_by_kind()`` -> (English, 中文).
COST_KINDS: Final[dict[str, tuple[str, str]]] = {
    "energy": ("Energy bought (grid, gas)", "购能"),
    "export": ("Export", "上网"),
    "carbon": ("Carbon", "碳成本"),
    "demand": ("Demand charge", "需量电费"),
    "vom": ("Operation and maintenance", "运维"),
    "storage": ("Storage discharge", "储能放电"),
    "start_up": ("Engine starts", "机组启动"),
    "no_load": ("Engines' no-load", "机组空载"),
    "capex": ("Capital", "投资"),
}
#: The KPIs: key of the run's totals -> (English, 中文, unit).
KPIS: Final[dict[str, tuple[str, str, str]]] = {
    "cost": ("Cost", "运行成本", "CNY"),
    "tco2": ("CO₂", "二氧化碳排放", "t"),
    "grid_kwh": ("Grid import", "外购电量", "kWh"),
    "gas_m3": ("Natural gas", "天然气", "m³"),
    "tce": ("Standard coal", "综合能耗", "tce"),
}
#: Bar colours of the engines in the commitment chart, in turn.
ENGINE_COLOURS: Final = ("#ea580c", "#9a3412", "#f59e0b", "#c2410c", "#fb923c")
#: Colours of the lines: the load, the time-of-use price.
LOAD_COLOUR: Final = "#111827"
PRICE_COLOUR: Final = "#b91c1c"

EMPTY_MESSAGE: Final = (
    "No day-ahead run yet — run `greenpark dispatch day-ahead` (or POST "
    "/api/energy-station/day-ahead) to schedule the station's next day."
)


# --- public models ----------------------------------------------------------------------


class StationKpiPublic(BaseModel):
    """One figure of the day, optimised against the rule-based baseline."""

    quantity: str = Field(description="cost, tco2, grid_kwh, gas_m3 or tce.")
    unit: str = Field(description="CNY, t, kWh, m³ or tce.")
    optimised: float | None = Field(description="The optimised schedule's [unit].")
    baseline: float | None = Field(
        description="The rule-based baseline's [unit] (engines heat-led, no storage), as the "
        "run recorded it."
    )
    change: float | None = Field(
        description="(optimised − baseline) / baseline [-]; null when the baseline is 0."
    )


class StationSeriesPublic(BaseModel):
    """One component's flow on a bus, as stacked in the bus's chart."""

    key: str = Field(description="component:bus of the schedule's flows.")
    component: str = Field(description="The component (an asset code, or grid_import...).")
    name: str = Field(description="The asset's name, or the role's label.")
    role: str = Field(description="grid_import, gas_engine, pv, recovered_heat, boiler, ...")
    part: str = Field(description="supply, use, net, discharge or charge.")
    values: list[float] = Field(description="[MW] per step; + into the bus, − out of it.")


class StationBusPublic(BaseModel):
    """A carrier's balance: the stacked series add up to the load every step."""

    bus: str = Field(description="el, heat or cold.")
    series: list[StationSeriesPublic]
    load: list[float] = Field(description="The forecast load [MW] per step (positive).")


class StationLevelPublic(BaseModel):
    """A storage's state of charge."""

    component: str
    name: str
    role: str
    values: list[float] = Field(description="[MWh] at the end of each step.")


class StationEnginePublic(BaseModel):
    """A gas engine's commitment."""

    component: str
    name: str
    on: list[int] = Field(description="1 when committed, per step.")
    hours_on: float = Field(description="[h]")
    periods: list[str] = Field(description="Periods on, HH:MM–HH:MM park-local.")


class StationCostPublic(BaseModel):
    """One kind of cost of the day."""

    kind: str = Field(description="energy, carbon, vom, storage, start_up, no_load, ...")
    optimised: float | None = Field(description="[CNY]")
    baseline: float | None = Field(description="[CNY]")


class StationRunPublic(BaseModel):
    """A recorded day-ahead run and its schedule (96 quarter-hours for a day)."""

    id: int
    day: dt.date
    status: str = Field(description="The optimiser's status: optimal, infeasible, time_limit…")
    created_at: dt.datetime = Field(description="When it was run, in the park's zone.")
    created_by: str | None
    times: list[dt.datetime] = Field(description="Start of each step, in the park's zone.")
    step_hours: float = Field(description="Length of a step [h].")
    kpis: list[StationKpiPublic]
    price: list[float] = Field(description="Time-of-use electricity price [CNY/MWh] per step.")
    buses: list[StationBusPublic] = Field(description="Electricity, heat and cooling.")
    levels: list[StationLevelPublic]
    engines: list[StationEnginePublic]
    costs: list[StationCostPublic] = Field(
        description="Cost by kind, kinds zero in both schedules left out [CNY]."
    )
    forecast_method: dict[str, Any] = Field(
        description="How the loads were forecast (greenpark.dispatch.forecast)."
    )
    notes: list[str] = Field(description="The factors and tariff used, with their sources.")


class EnergyStationPublic(BaseModel):
    """The station's day-ahead schedule of a day (whole-park callers only)."""

    park: LedgerParkPublic | None = Field(description="Null while the store holds no park.")
    day: dt.date | None = Field(description="The day shown; null when there is no run.")
    days: list[dt.date] = Field(description="Days of the newest runs, newest first.")
    run: StationRunPublic | None = Field(description="The newest run of the day.")
    message: str | None = Field(description="Why there is nothing to show.")


class DayAheadIn(BaseModel):
    """What to schedule."""

    model_config = ConfigDict(extra="forbid")

    day: dt.date | None = Field(
        default=None,
        description="The park-local day (YYYY-MM-DD); null: the day after the station's "
        "newest heat or cooling reading.",
    )
    commitment: bool = Field(
        default=True, description="Engines as committed units (MILP); false: continuous (LP)."
    )


class DayAheadRunPublic(BaseModel):
    """The summary of a day-ahead run just recorded."""

    run_id: int | None = Field(description="Id of the recorded run (dispatch_run).")
    park: LedgerParkPublic
    day: dt.date
    status: str = Field(description="The optimiser's status.")
    baseline_status: str = Field(description="The rule-based baseline's status.")
    kpis: list[StationKpiPublic]
    page: str = Field(description="Path of the run's page.")


# --- building the models ----------------------------------------------------------------


def _change(optimised: float | None, baseline: float | None) -> float | None:
    if optimised is None or baseline is None or baseline == 0:
        return None
    return (optimised - baseline) / abs(baseline)


def kpis_public(optimised: dict[str, Any], baseline: dict[str, Any]) -> list[StationKpiPublic]:
    """The KPI models of the totals ``optimised`` and ``baseline`` (keys of :data:`KPIS`)."""
    out = []
    for key, (_, _, unit) in KPIS.items():
        o, b = optimised.get(key), baseline.get(key)
        o = None if o is None else float(o)
        b = None if b is None else float(b)
        out.append(
            StationKpiPublic(quantity=key, unit=unit, optimised=o, baseline=b, change=_change(o, b))
        )
    return out


def baseline_totals(run: dict[str, Any]) -> dict[str, float | None]:
    """The baseline's figures of a recorded run (``schedule["baseline_totals"]``, as
    :func:`greenpark.dispatch.service.totals` computed them; cost and CO2 also as columns)."""
    recorded = (run["schedule"] or {}).get("baseline_totals") or {}
    out: dict[str, float | None] = {k: recorded.get(k) for k in ("grid_kwh", "gas_m3", "tce")}
    return {**out, "cost": run["baseline_cost"], "tco2": run["baseline_tco2"]}


def _split(key: str) -> tuple[str, str]:
    component, _, bus = key.rpartition(":")
    return component, bus


def _roles(flows: dict[str, list[float]], levels: dict[str, Any], assets: dict[str, dict]) -> dict:
    """component -> role: the asset's kind, a fixed name, or what its buses say."""
    buses: dict[str, set[str]] = {}
    for key in flows:
        component, bus = _split(key)
        buses.setdefault(component, set()).add(bus)
    out = {}
    for component, on in buses.items():
        if component in assets and assets[component]["kind"] in ROLES:
            role = assets[component]["kind"]
        elif component in FIXED_ROLES:
            role = FIXED_ROLES[component]
        elif component in levels:
            role = STORAGE_BY_BUS.get(next(iter(on)), "other")
        elif {"gas", "el", "wh"} <= on:
            role = "gas_engine"
        elif on == {"el", "cold"}:
            role = "electric_chiller"
        elif on == {"wh", "cold"}:
            role = "absorption_chiller"
        elif on == {"gas", "heat"}:
            role = "boiler"
        else:
            role = "other"
        out[component] = role
    return out


def _name(component: str, role: str, assets: dict[str, dict]) -> str:
    if component in assets:
        return str(assets[component]["name"] or component)
    return labels.label(ROLES, role) if component in FIXED_ROLES else component


def _is_load(component: str) -> bool:
    """Loads of the station problem are named ``el_load``, ``heat_load``, ``cool_load``."""
    return component.endswith("_load")


def buses_public(
    flows: dict[str, list[float]], levels: dict[str, Any], assets: dict[str, dict]
) -> list[StationBusPublic]:
    """The stacked series of the buses of :data:`BUSES` (see the module docstring)."""
    roles = _roles(flows, levels, assets)
    order = list(ROLES)
    out = []
    for bus in BUSES:
        keys = [k for k in flows if _split(k)[1] == bus]
        if not keys:
            continue
        steps = len(flows[keys[0]])
        load = [0.0] * steps
        series: list[StationSeriesPublic] = []
        for key in keys:
            component, _ = _split(key)
            values = [float(v) + 0.0 for v in flows[key]]  # + 0.0: no -0.0
            if _is_load(component):
                load = [a - v for a, v in zip(load, values, strict=True)]
                continue
            role = roles.get(component, "other")
            common = {
                "key": key,
                "component": component,
                "name": _name(component, role, assets),
                "role": role,
            }
            if component in levels:  # a storage: discharge (+) and charge (−) apart
                discharge = [max(v, 0.0) + 0.0 for v in values]
                charge = [min(v, 0.0) + 0.0 for v in values]
                series.append(StationSeriesPublic(**common, part="discharge", values=discharge))
                series.append(StationSeriesPublic(**common, part="charge", values=charge))
                continue
            if any(values):
                part = "supply" if min(values) >= 0 else "use" if max(values) <= 0 else "net"
            else:  # idle all day: a chiller's electricity is still a use
                part = "use" if (role, bus) in USES else "supply"
            series.append(StationSeriesPublic(**common, part=part, values=values))
        series.sort(
            key=lambda s: (
                s.part in ("use", "charge"),
                order.index(s.role),
                s.part == "charge",
                s.component,
            )
        )
        out.append(StationBusPublic(bus=bus, series=series, load=[v + 0.0 for v in load]))
    return out


def _periods(on: list[int], times: list[dt.datetime], step: dt.timedelta) -> list[str]:
    out = []
    start = None
    for i, flag in enumerate([*on, 0]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            end = times[i] if i < len(times) else times[-1] + step
            end_text = "24:00" if end.date() > times[start].date() else f"{end:%H:%M}"
            out.append(f"{times[start]:%H:%M}–{end_text}")
            start = None
    return out


def engines_public(
    status: dict[str, list[float]],
    times: list[dt.datetime],
    step_hours: float,
    assets: dict[str, dict],
) -> list[StationEnginePublic]:
    """The engines' commitment (``schedule.status``): on per step, hours on, periods."""
    step = dt.timedelta(hours=step_hours)
    out = []
    for component in sorted(status):
        on = [1 if v > 0.5 else 0 for v in status[component]]
        out.append(
            StationEnginePublic(
                component=component,
                name=_name(component, "gas_engine", assets),
                on=on,
                hours_on=sum(on) * step_hours,
                periods=_periods(on, times, step),
            )
        )
    return out


def costs_public(
    optimised: dict[str, float], baseline: dict[str, float]
) -> list[StationCostPublic]:
    """The cost kinds, in :data:`COST_KINDS` order, non-zero in either schedule."""
    kinds = [k for k in COST_KINDS if k in optimised or k in baseline]
    kinds += sorted((set(optimised) | set(baseline)) - set(kinds))
    return [
        StationCostPublic(kind=k, optimised=optimised.get(k), baseline=baseline.get(k))
        for k in kinds
        if optimised.get(k) or baseline.get(k)
    ]


def _aware(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(zone)


def run_public(run: dict[str, Any], assets: dict[str, dict], zone: ZoneInfo) -> StationRunPublic:
    """The public model of a recorded run (:func:`greenpark.store.dispatch.get_run`)."""
    schedule = run["schedule"] or {}
    times = [dt.datetime.fromisoformat(t).replace(tzinfo=zone) for t in schedule.get("times", [])]
    step_hours = (times[1] - times[0]).total_seconds() / 3600.0 if len(times) > 1 else 0.25
    flows = schedule.get("flows") or {}
    levels = schedule.get("levels") or {}
    roles = _roles(flows, levels, assets)
    optimised = {k: run[k] for k in ("cost", "tco2", "grid_kwh", "gas_m3", "tce")}
    return StationRunPublic(
        id=run["id"],
        day=run["day"],
        status=run["status"],
        created_at=_aware(run["created_at"], zone),
        created_by=run["created_by"],
        times=times,
        step_hours=step_hours,
        kpis=kpis_public(optimised, baseline_totals(run)),
        price=[float(p) for p in schedule.get("price", [])],
        buses=buses_public(flows, levels, assets),
        levels=[
            StationLevelPublic(
                component=c,
                name=_name(c, roles.get(c, "other"), assets),
                role=roles.get(c, "other"),
                values=[float(v) + 0.0 for v in levels[c]],
            )
            for c in sorted(levels)
        ],
        engines=engines_public(schedule.get("status") or {}, times, step_hours, assets),
        costs=costs_public(schedule.get("costs") or {}, schedule.get("baseline_costs") or {}),
        forecast_method=schedule.get("forecast_method") or {},
        notes=list(schedule.get("notes") or []),
    )


def _refuse_restricted(principal: Principal) -> None:
    if not principal.whole_park:
        raise ForbiddenError(
            "the energy station's schedule is park data, for accounts that see the whole "
            "park; see your enterprise's energy at /api/enterprises/{credit_code}/energy"
        )


def read_station(
    store: StoreDep, principal: Principal, day: dt.date | None, timezone: str
) -> EnergyStationPublic:
    """The newest run of ``day`` (default: the newest run) of the park the app shows.

    Raises
    ------
    ForbiddenError
        The caller does not see the whole park (403).
    NotFoundError
        No run of ``day`` among the newest runs (404, naming their days).
    """
    _refuse_restricted(principal)
    with store.read() as conn:
        park = shown_park(conn)
        if park is None:
            return EnergyStationPublic(
                park=None, day=None, days=[], run=None,
                message="No park yet — run `greenpark demo` or `greenpark registry import`.",
            )  # fmt: skip
        days = run_days(conn, park.id)
        chosen = get_run(conn, park.id, day) if days else None
        assets = {a["code"]: a for a in park_assets(conn, park.id)} if chosen else {}
    ref = LedgerParkPublic(code=park.code, name=park.name)
    if day is not None and chosen is None:
        shown = ", ".join(str(d) for d in days[:RUNS_SHOWN]) or "none"
        raise NotFoundError(f"no day-ahead run of {day}; days with runs: {shown}")
    if chosen is None:
        return EnergyStationPublic(park=ref, day=None, days=[], run=None, message=EMPTY_MESSAGE)
    run = run_public(chosen, assets, ZoneInfo(timezone))
    return EnergyStationPublic(park=ref, day=run.day, days=days[:RUNS_SHOWN], run=run, message=None)


# --- charts -----------------------------------------------------------------------------


def _series_label(s: StationSeriesPublic) -> str:
    if s.part in ("discharge", "charge"):
        return f"{s.name} ({labels.label(PARTS, s.part)})"
    return s.name


def station_charts(data: EnergyStationPublic) -> list[dict[str, Any]]:
    """What ``static/energy_station.js`` draws: the buses' stacked flows with the load (and
    the price on the electricity chart: ``chart-el``, ``chart-heat``, ``chart-cold``), the
    storage levels (``chart-levels``), the engines on (``chart-engines``) and the
    costs by kind (``chart-costs``)."""
    run = data.run
    if run is None:
        return []
    steps = [f"{t:%H:%M}" for t in run.times]
    charts: list[dict[str, Any]] = []
    for bus in run.buses:
        datasets = [
            {
                "label": _series_label(s),
                "values": s.values,
                "colour": ROLE_COLOURS.get(s.role, ROLE_COLOURS["other"]),
                "light": s.part == "charge",
                "kind": "bar",
            }
            for s in bus.series
        ]
        datasets.append(
            {"label": "Load 负荷", "values": bus.load, "colour": LOAD_COLOUR, "kind": "line"}
        )
        chart: dict[str, Any] = {
            "canvas": f"chart-{bus.bus}",
            "type": "balance",
            "labels": steps,
            "valueTitle": "MW",
            "categoryTitle": "time",
            "datasets": datasets,
        }
        if bus.bus == "el" and run.price:
            chart["price"] = {
                "label": "TOU price 分时电价",
                "values": run.price,
                "colour": PRICE_COLOUR,
                "title": "CNY/MWh",
            }
        charts.append(chart)
    if run.levels:
        charts.append(
            {
                "canvas": "chart-levels",
                "type": "lines",
                "labels": steps,
                "valueTitle": "MWh",
                "categoryTitle": "time",
                "datasets": [
                    {
                        "label": lv.name,
                        "values": lv.values,
                        "colour": ROLE_COLOURS.get(lv.role, ROLE_COLOURS["other"]),
                    }
                    for lv in run.levels
                ],
            }
        )
    if run.engines:
        charts.append(
            {
                "canvas": "chart-engines",
                "type": "onoff",
                "labels": steps,
                "valueTitle": "engines on",
                "categoryTitle": "time",
                "datasets": [
                    {
                        "label": e.name,
                        "values": e.on,
                        "colour": ENGINE_COLOURS[i % len(ENGINE_COLOURS)],
                    }
                    for i, e in enumerate(run.engines)
                ],
            }
        )
    if run.costs:
        charts.append(
            {
                "canvas": "chart-costs",
                "type": "bars",
                "labels": [labels.label(COST_KINDS, c.kind) for c in run.costs],
                "valueTitle": "CNY",
                "categoryTitle": "",
                "datasets": [
                    {
                        "label": "Optimised 优化",
                        "values": [c.optimised for c in run.costs],
                        "colour": "#15803d",
                    },
                    {
                        "label": "Baseline 基准",
                        "values": [c.baseline for c in run.costs],
                        "colour": "#9ca3af",
                    },
                ],
            }
        )
    return charts


def _page_context(**values: Any) -> dict[str, Any]:
    return {
        "buses": BUSES,
        "roles": ROLES,
        "parts": PARTS,
        "cost_kinds": COST_KINDS,
        "kpi_labels": KPIS,
        "series_label": _series_label,
        **values,
    }


# --- routes -----------------------------------------------------------------------------

DayQuery = Annotated[
    dt.date | None,
    Query(description="The day (YYYY-MM-DD, park-local); default: the newest run's."),
]


def api_energy_station(
    store: StoreDep, settings: SettingsDep, principal: Reader, day: DayQuery = None
) -> EnergyStationPublic:
    """The station's day-ahead schedule of a day (default: the newest run): cost, CO2
    [t], grid [kWh], gas [m³] and standard coal [tce] against the rule-based baseline; the
    flows [MW] stacked per bus (electricity, heat, cooling; + supply, − use) with the load;
    the time-of-use price [CNY/MWh]; storage levels [MWh]; the engines' commitment; costs by
    kind [CNY]; how the loads were forecast; the factors and tariff used. ``run`` is null
    (with a ``message``) before any run; a day without a run is a 404 naming the days with
    one. Whole-park callers only (403 otherwise)."""
    return read_station(store, principal, day, settings.park_timezone)


def energy_station_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    principal: Reader,
    day: DayQuery = None,
) -> HTMLResponse:
    """The "Energy station" page; its data is ``/api/energy-station``. A caller who sees only
    some enterprises gets 403 with links to their enterprises' energy pages."""
    if not principal.whole_park:
        with store.read() as conn:
            mine = list_enterprises(conn, scope=principal.enterprise_ids)
        return templates.TemplateResponse(
            request,
            "energy_station.html",
            _page_context(data=None, restricted=mine, can_run=False),
            status_code=403,
        )
    data = read_station(store, principal, day, settings.park_timezone)
    return templates.TemplateResponse(
        request,
        "energy_station.html",
        _page_context(
            data=data,
            restricted=None,
            can_run=principal.can(Permission.EDIT),
            charts={"charts": station_charts(data)},
        ),
    )


def api_day_ahead(
    request: Request, store: StoreDep, settings: SettingsDep, who: Editor, body: DayAheadIn
) -> DayAheadRunPublic:
    """Forecast, optimise and record the station's schedule of a day (default: the day after
    the station's newest reading) against the rule-based baseline; answers the run's id and
    figures. Takes a few seconds. A park without a station, assets or enough history is a
    400 with the reason. Audited (``dispatch.day_ahead``)."""
    _refuse_restricted(who)
    with store.read() as conn:
        park = shown_park(conn)
    run = day_ahead(
        store,
        settings,
        day=body.day,
        park_code=None if park is None else park.code,
        station=StationSettings(commitment=body.commitment),
        who=who.username,
    )
    t = run.totals
    with store.write() as conn:
        audit(
            conn,
            "dispatch.day_ahead",
            actor=who.username,
            target=str(run.day),
            detail={
                "run": run.run_id,
                "status": run.optimised.status,
                "cost": t["cost"],
                "baseline_cost": t["baseline_cost"],
                "commitment": body.commitment,
                "via": who.via,
            },
            ip=client_ip(request),
        )
    return DayAheadRunPublic(
        run_id=run.run_id,
        park=LedgerParkPublic(code=run.park.code, name=run.park.name),
        day=run.day,
        status=run.optimised.status,
        baseline_status=run.baseline.status,
        kpis=kpis_public(t, {k: t.get(f"baseline_{k}") for k in KPIS}),
        page=str(request.app.url_path_for("energy_station_page")) + f"?day={run.day}",
    )


def add_routes(app: FastAPI) -> None:
    """Register the page, its twin (READ) and the day-ahead run (EDIT) on ``app``."""
    route(
        app,
        "/api/energy-station",
        api_energy_station,
        Permission.READ,
        response_model=EnergyStationPublic,
        tags=["energy station"],
    )
    route(
        app,
        "/energy-station",
        energy_station_page,
        Permission.READ,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    route(
        app,
        "/api/energy-station/day-ahead",
        api_day_ahead,
        Permission.EDIT,
        methods=("POST",),
        response_model=DayAheadRunPublic,
        tags=["energy station"],
    )
