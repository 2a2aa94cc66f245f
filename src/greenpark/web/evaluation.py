"""The park's evaluation on the web (issue 8, points 7 and 8): the page ``/evaluation`` ↔
``/api/evaluation?scheme=&year=``.

Thin over :func:`greenpark.evaluation.service.evaluate`: it reads the store, computes the
indicator values of a scheme (MIIT green industrial park, zero-carbon park, ...) from the
park's own data, scores them with the scheme's catalogue and does the same for the two
years before when the store holds data of them. The result is turned into the public models
below; the page and its twin call the same function (:func:`read_evaluation`).

What is shown: the index (GI for the MIIT scheme) and its completeness, the mandatory items
passed / failed / undecided, every indicator grouped by group with its value, unit,
leading value, normalised score, a traffic light (reached or passed: ``pass``; below the
leading value or failed: ``fail``; no value or no leading value: ``not_scored``) and its
provenance (inputs with their sources, the computation, completeness, note), the index over
the years side by side, the normalised distance to the leading value of each scored
indicator, and the indicators that need a manual entry.

Scope: the values are park totals (energy counted once, value added of every member), so
the page and its twin are for whole-park callers; a caller who sees only some enterprises
gets 403, as on ``/energy``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Final

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from greenpark.auth import ForbiddenError, Permission, Principal
from greenpark.config import Settings
from greenpark.errors import InputError
from greenpark.evaluation import IndicatorScore, available_schemes, load_scheme
from greenpark.evaluation.catalogue import Indicator
from greenpark.evaluation.scenarios import (
    Scenario,
    ScenarioResult,
    comparison_rows,
    evaluate_scenarios,
)
from greenpark.evaluation.service import Evaluation, YearEvaluation, evaluate
from greenpark.evaluation.values import Value
from greenpark.store.ledger import ParkRef, data_months, shown_park
from greenpark.store.scoped import list_enterprises
from greenpark.web.deps import SettingsDep, StoreDep
from greenpark.web.evaluation_sponge import EvaluationSpongePublic, sponge_public
from greenpark.web.ledger import YearQuery
from greenpark.web.ledger_models import LedgerParkPublic
from greenpark.web.security import Reader, route
from greenpark.web.templating import templates

#: The scheme shown when none is asked for.
DEFAULT_SCHEME: Final = "miit-green-park"

#: Traffic lights -> (English, 中文, symbol); the symbol and the words carry the meaning,
#: the colour only repeats it.
LIGHTS: Final[dict[str, tuple[str, str, str]]] = {
    "pass": ("Pass", "达标", "✓"),
    "fail": ("Fail", "未达标", "✗"),
    "not_scored": ("Not scored", "未评分", "○"),
}
#: Colours of the lights (bars of the gap chart, dots of the table).
LIGHT_COLOURS: Final[dict[str, str]] = {
    "pass": "#15803d",
    "fail": "#b91c1c",
    "not_scored": "#9ca3af",
}
#: Where a value comes from -> (English, 中文).
KINDS: Final[dict[str, tuple[str, str]]] = {
    "computed": ("computed from data", "数据计算"),
    "entered": ("entered by hand", "人工填报"),
    "manual": ("manual entry needed", "需人工填报"),
    "missing_data": ("no data for the year", "当年无数据"),
}
#: :attr:`greenpark.evaluation.values.Value.kind` -> the ``kind`` of the public model.
_VALUE_KINDS: Final[dict[str, str]] = {
    "computed": "computed",
    "manual entry": "entered",
    "manual": "manual",
    "missing data": "missing_data",
}
#: Scoring statuses (:mod:`greenpark.evaluation.scoring`) -> (English, 中文).
STATUSES: Final[dict[str, tuple[str, str]]] = {
    "scored": ("scored", "已评分"),
    "missing": ("no value", "无数值"),
    "no_reference": ("no leading value in the catalogue", "目录无引领值"),
}
#: Directions of the catalogue -> (English, 中文).
DIRECTIONS: Final[dict[str, tuple[str, str]]] = {
    "higher": ("higher is better", "越高越好"),
    "lower": ("lower is better", "越低越好"),
    "pass": ("met or not", "达标与否"),
}
#: Colour of the index line of the trend chart.
TREND_COLOUR: Final = "#15803d"


# --- public models ----------------------------------------------------------------------


class EvaluationSchemePublic(BaseModel):
    """An evaluation scheme the park can be evaluated against."""

    name: str = Field(description="Scheme name (the `scheme` query value).")
    title_en: str
    title_zh: str
    index_name: str = Field(description="What the scheme's index is called (GI, points...).")


class EvaluationInputPublic(BaseModel):
    """One input of a computed value, with its number and source."""

    name: str
    value: float | None = Field(description="The number, in `unit` (null: not a number).")
    text: str = Field(description="The input as shown: number, list or text.")
    unit: str
    source: str


class EvaluationEntryPublic(BaseModel):
    """A value entered by hand with its evidence (``greenpark evaluate enter``)."""

    value: float = Field(description="The value entered, in `unit`.")
    unit: str
    evidence: str = Field(description="Document reference, URL or file name.")
    evidence_sha256: str | None = Field(description="SHA-256 of the evidence file.")
    entered_by: str | None
    entered_at: dt.datetime | None
    note: str
    used: bool = Field(
        description="Whether it is the indicator's value (false: the indicator is computed "
        "from data and the entry is only shown beside it)."
    )


class EvaluationYearValuePublic(BaseModel):
    """An indicator in one year of the years side by side."""

    year: int
    value: float | None = Field(description="Value in the indicator's unit.")
    score: float | None = Field(description="Normalised score (0..cap) [-].")
    light: str = Field(description="`pass`, `fail` or `not_scored`.")


class EvaluationIndicatorPublic(BaseModel):
    """An indicator of the scheme: catalogue row, value with provenance, score and light."""

    id: str
    ref: str = Field(description="Item number in the source document.")
    group: str
    name_zh: str
    name_en: str
    unit: str = Field(description="Unit of value, leading and base values ('-': none).")
    direction: str = Field(description="`higher` or `lower` is better, or `pass` (1 = met).")
    leading: float | None = Field(description="Leading value 引领值, in `unit`.")
    base: float | None = Field(description="Base value 基准值, in `unit`.")
    mandatory: bool = Field(description="A mandatory (必选) item.")
    weight: float | None = Field(description="Weight in the index (null: not in it).")
    value: float | None = Field(description="Value computed from the park's data, in `unit`.")
    kind: str = Field(
        description="`computed` (from data), `entered` (by hand, with evidence), `manual` "
        "(no data gives it and nobody entered it) or `missing_data` (no data in the year)."
    )
    status: str = Field(description="`scored`, `missing` (no value) or `no_reference`.")
    score: float | None = Field(description="Normalised score (0..cap) [-].")
    points: float | None = Field(description="weight x score.")
    reached: bool | None = Field(description="Value at or better than the leading value.")
    passed: bool | None = Field(
        description="Mandatory item verdict (null: optional, or undecided without a value)."
    )
    light: str = Field(
        description="`pass` (mandatory: passed; optional: leading value reached), `fail`, "
        "or `not_scored` (no value or no leading value)."
    )
    gap: float | None = Field(
        description="Distance to the leading value in `unit`: > 0 still to go, <= 0 reached "
        "(-gap is the margin); pass items 0 (met) or 1."
    )
    distance: float | None = Field(
        description="Normalised distance to the leading value, 1 - score clamped to 0..1 [-] "
        "(scored indicators only); for the ratio method (leading - value) / leading when "
        "higher is better, (value - leading) / value when lower is better."
    )
    rule: str = Field(description="The scoring rule applied.")
    formula: str = Field(description="The computation, in words.")
    inputs: list[EvaluationInputPublic]
    provenance: str = Field(description="The inputs in one line: name = value unit (source).")
    completeness: float = Field(description="Share of the data the value rests on [-] (0..1).")
    note: str = Field(description="Why a value is missing, or what to know about it.")
    entry: EvaluationEntryPublic | None = Field(description="The year's entry by hand, if any.")
    catalogue_formula: str = Field(description="The catalogue's formula reference.")
    source: str = Field(description="Document and clause of the catalogue row.")
    confidence: str = Field(description="Confidence of the catalogue row: V2, S1 or U.")
    catalogue_note: str
    years: list[EvaluationYearValuePublic] = Field(description="The years side by side.")


class EvaluationGroupPublic(BaseModel):
    """A group of indicators and its score."""

    code: str
    name_zh: str
    name_en: str
    weight: float
    score: float | None = Field(description="Weighted mean of the group's scores [-].")
    indicators: int
    scored: int


class EvaluationYearPublic(BaseModel):
    """One year of the years side by side (oldest first)."""

    year: int
    index: float | None = Field(description="The scheme's index (GI for the MIIT scheme).")
    index_max: float | None
    completeness: float | None = Field(description="Share of scorable indicators with a value [-].")
    passed: bool | None
    mandatory_failed: list[str]
    mandatory_undecided: list[str]
    computed: int = Field(description="Indicators computed from data.")
    park_attributes: dict[str, float] = Field(
        description="Park attributes that chose the scheme's variants (annual_energy_tce [tce])."
    )
    note: str = Field(description="Why the year is not scored, if it is not.")


class EvaluationSupplementaryPublic(BaseModel):
    """A value shown with the scheme for context, not scored."""

    id: str
    value: float | None
    unit: str
    formula: str
    provenance: str
    completeness: float
    note: str


class EvaluationScenarioRowPublic(BaseModel):
    """A row of the what-if comparison: today and each scenario side by side."""

    kind: str = Field(
        description="`index`, `mandatory` (items failed), `indicator` (scored, with "
        "`scores`), `context` (not scored) or `ledger` (a ledger total)."
    )
    id: str
    name: str
    unit: str
    leading: float | str | None = Field(description="Leading value (`pass`: a pass item).")
    values: list[float | str | None] = Field(description="Today first, then each scenario.")
    scores: list[float | None] = Field(description="Normalised scores, today first [-].")
    changed: bool = Field(description="Some scenario changes the row.")


class EvaluationScenarioColumnPublic(BaseModel):
    """Today or a what-if scenario: what it changes and its index."""

    name: str = Field(description="`today`, or the scenario's name.")
    pv_mwp: float = Field(description="PV added [MWp].")
    gec_mwh: float = Field(description="Green certificates bought for the year [MWh].")
    buses: int = Field(description="New-energy buses added in service.")
    index: float | None = Field(description="The scheme's index (GI) of the column.")
    changes: list[str] = Field(description="What the scenario changed, in words.")


class EvaluationComparisonPublic(BaseModel):
    """Today and what-if scenarios side by side (rows some scenario changes, plus the
    index and the mandatory items failed)."""

    scheme: str
    year: int
    columns: list[EvaluationScenarioColumnPublic] = Field(description="Today first.")
    rows: list[EvaluationScenarioRowPublic]


class EvaluationPublic(BaseModel):
    """The park evaluated against a scheme in a year, from its own data.

    ``year`` is null (and the lists empty) when there is no park, or no year was asked for
    and the park has no energy data.
    """

    park: LedgerParkPublic | None
    scheme: str
    schemes: list[EvaluationSchemePublic] = Field(description="The schemes to choose from.")
    year: int | None
    years: list[int] = Field(description="Years with energy data in the ledger.")
    title_en: str
    title_zh: str
    version: str = Field(description="Edition(s) of the catalogue rows in force.")
    catalogue: str = Field(description="Catalogue file.")
    index_name: str
    scoring: str = Field(description="Method, aggregation, cap and scale of the scheme.")
    scoring_note: str = Field(description="What is uncertain about the scoring settings.")
    index: float | None = Field(description="The index of the year (GI for the MIIT scheme).")
    index_max: float | None
    completeness: float | None = Field(description="Share of scorable indicators with a value [-].")
    passed: bool | None = Field(
        description="False when a mandatory item failed (or the index is below the pass "
        "mark), null while undecided, else true."
    )
    mandatory_passed: list[str]
    mandatory_failed: list[str]
    mandatory_undecided: list[str]
    computed: int = Field(description="Indicators computed from data.")
    entered: list[str] = Field(description="Indicators whose value was entered by hand.")
    manual: list[str] = Field(
        description="Indicators that need a manual entry (no data gives them)."
    )
    missing_data: list[str] = Field(description="Indicators whose data is missing in the year.")
    groups: list[EvaluationGroupPublic]
    indicators: list[EvaluationIndicatorPublic]
    trend: list[EvaluationYearPublic] = Field(description="The years side by side, oldest first.")
    supplementary: list[EvaluationSupplementaryPublic]
    park_attributes: dict[str, float]
    note: str
    comparison: EvaluationComparisonPublic | None = Field(
        None,
        description="What-if comparison when `pv_mwp`, `gec_mwh` or `buses` was asked for.",
    )
    sponge: EvaluationSpongePublic | None = Field(
        None,
        description="Sponge city in the year: runoff volume capture ratio of each catchment "
        "and of the park (GB/T 51345-2018 style), rainfall completeness; null without a year.",
    )


# --- building the models ------------------------------------------------------------------


def scheme_key(name: str) -> str:
    """The scheme ``name`` as :func:`~greenpark.evaluation.load_scheme` names it.

    Raises
    ------
    InputError
        An unknown scheme (400), naming the known ones.
    """
    key = name.strip().lower().replace("_", "-")
    known = available_schemes()
    if key not in known:
        raise InputError(f"unknown evaluation scheme {name!r}; known: {', '.join(known)}")
    return key


@cache
def _scheme_public(name: str) -> EvaluationSchemePublic:
    try:
        settings = load_scheme(name).settings
    except InputError:  # no row in force this year: named as it is
        return EvaluationSchemePublic(name=name, title_en=name, title_zh="", index_name="index")
    return EvaluationSchemePublic(
        name=name,
        title_en=settings.title_en or name,
        title_zh=settings.title_zh,
        index_name=settings.index_name,
    )


def schemes_public() -> list[EvaluationSchemePublic]:
    """The shipped schemes with their titles."""
    return [_scheme_public(n) for n in available_schemes()]


def _finite(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _text(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return "n/a" if not math.isfinite(x) else f"{x:,.6g}"
    if isinstance(x, list | tuple):
        return ", ".join(_text(i) for i in x) or "none"
    if isinstance(x, Mapping):
        return ", ".join(f"{k}: {_text(v)}" for k, v in x.items()) or "none"
    return str(x)


def inputs_public(value: Value) -> list[EvaluationInputPublic]:
    """The inputs of ``value``: ``{value, unit, source}`` items with their number, anything
    else (factor versions, lists of plants, counts by kind) as text."""
    out = []
    for name, item in value.inputs.items():
        if isinstance(item, Mapping) and "value" in item:
            raw = item.get("value")
            out.append(
                EvaluationInputPublic(
                    name=name,
                    value=_finite(raw),
                    text=_text(raw),
                    unit=str(item.get("unit") or ""),
                    source=str(item.get("source") or ""),
                )
            )
        else:
            out.append(
                EvaluationInputPublic(
                    name=name, value=_finite(item), text=_text(item), unit="", source=""
                )
            )
    return out


def _kind(value: Value) -> str:
    return _VALUE_KINDS.get(value.kind, "missing_data")


def entry_public(value: Value) -> EvaluationEntryPublic | None:
    """The entry by hand of ``value`` (None without one)."""
    e = value.entry
    if e is None:
        return None
    return EvaluationEntryPublic(
        value=e.value,
        unit=e.unit,
        evidence=e.evidence,
        evidence_sha256=e.evidence_sha256,
        entered_by=e.entered_by,
        entered_at=e.entered_at,
        note=e.note,
        used=value.entered,
    )


def light(ind: Indicator, score: IndicatorScore | None) -> str:
    """The traffic light of an indicator: a mandatory item by its verdict, an optional one
    by whether its leading value is reached; ``not_scored`` without a value or reference."""
    if score is None or score.status != "scored":
        return "not_scored"
    verdict = score.passed if ind.mandatory else score.reached
    if verdict is None:
        return "not_scored"
    return "pass" if verdict else "fail"


def distance(score: IndicatorScore | None) -> float | None:
    """The normalised distance to the leading value: 1 - score, clamped to 0..1."""
    if score is None or score.status != "scored" or score.score is None:
        return None
    return min(1.0, max(0.0, 1.0 - score.score))


def _score_of(y: YearEvaluation, id: str) -> IndicatorScore | None:
    if y.score is None or id not in y.score.scheme.ids:
        return None
    return y.score.indicator(id)


def _year_values(ev: Evaluation, ind: Indicator) -> list[EvaluationYearValuePublic]:
    out = []
    for y in ev.years:
        v = y.values.get(ind.id)
        s = _score_of(y, ind.id)
        out.append(
            EvaluationYearValuePublic(
                year=y.year,
                value=None if v is None else _finite(v.value),
                score=None if s is None else s.score,
                light=light(ind, s),
            )
        )
    return out


def _indicator(ev: Evaluation, ind: Indicator) -> EvaluationIndicatorPublic:
    cur = ev.current
    v = cur.values[ind.id]
    s = _score_of(cur, ind.id)
    return EvaluationIndicatorPublic(
        id=ind.id,
        ref=ind.ref,
        group=ind.group,
        name_zh=ind.name_zh,
        name_en=ind.name_en,
        unit=ind.unit,
        direction=ind.direction,
        leading=ind.leading,
        base=ind.base,
        mandatory=ind.mandatory,
        weight=ind.weight,
        value=_finite(v.value),
        kind=_kind(v),
        status="missing" if s is None else s.status,
        score=None if s is None else s.score,
        points=None if s is None else s.points,
        reached=None if s is None else s.reached,
        passed=None if s is None else s.passed,
        light=light(ind, s),
        gap=None if s is None else s.gap,
        distance=distance(s),
        rule="" if s is None else s.rule,
        formula=v.formula,
        inputs=inputs_public(v),
        provenance=v.provenance(),
        completeness=v.completeness,
        note=v.note,
        entry=entry_public(v),
        catalogue_formula=ind.formula,
        source=ind.source,
        confidence=ind.confidence,
        catalogue_note=ind.note,
        years=_year_values(ev, ind),
    )


def _trend(y: YearEvaluation) -> EvaluationYearPublic:
    s = y.score
    return EvaluationYearPublic(
        year=y.year,
        index=None if s is None else s.index,
        index_max=None if s is None else s.index_max,
        completeness=None if s is None else s.completeness,
        passed=None if s is None else s.passed,
        mandatory_failed=[] if s is None else list(s.mandatory_failed),
        mandatory_undecided=[] if s is None else list(s.mandatory_undecided),
        computed=sum(v.kind == "computed" for v in y.values.values()),
        park_attributes=dict(y.park_attributes),
        note=y.note,
    )


def _empty(park: ParkRef | None, scheme: str, years: list[int], note: str = "") -> EvaluationPublic:
    info = _scheme_public(scheme)
    return EvaluationPublic(
        park=None if park is None else LedgerParkPublic(code=park.code, name=park.name),
        scheme=scheme, schemes=schemes_public(), year=None, years=years,
        title_en=info.title_en, title_zh=info.title_zh, version="", catalogue="",
        index_name=info.index_name, scoring="", scoring_note="", index=None, index_max=None,
        completeness=None, passed=None, mandatory_passed=[], mandatory_failed=[],
        mandatory_undecided=[], computed=0, entered=[], manual=[], missing_data=[], groups=[],
        indicators=[], trend=[], supplementary=[], park_attributes={}, note=note,
    )  # fmt: skip


def evaluation_public(ev: Evaluation, years: list[int]) -> EvaluationPublic:
    """The public model of ``ev``; ``years`` are the years with energy data (the selector)."""
    cur = ev.current
    scheme = cur.scheme
    conf = scheme.settings
    score = cur.score
    indicators = [_indicator(ev, ind) for ind in scheme.indicators]
    if score is not None:
        groups = [
            EvaluationGroupPublic(
                code=g.group.code,
                name_zh=g.group.name_zh,
                name_en=g.group.name_en,
                weight=g.group.weight,
                score=g.score,
                indicators=g.indicators,
                scored=g.scored,
            )
            for g in score.groups
        ]
    else:
        groups = [
            EvaluationGroupPublic(
                code=g.code,
                name_zh=g.name_zh,
                name_en=g.name_en,
                weight=g.weight,
                score=None,
                indicators=sum(i.group == g.code for i in indicators),
                scored=0,
            )
            for g in scheme.groups
        ]
    mandatory = [i for i in indicators if i.mandatory]
    return EvaluationPublic(
        park=LedgerParkPublic(code=ev.park.code, name=ev.park.name),
        scheme=scheme.name,
        schemes=schemes_public(),
        year=ev.year,
        years=years,
        title_en=conf.title_en or scheme.name,
        title_zh=conf.title_zh,
        version=scheme.version,
        catalogue=scheme.source_file,
        index_name=conf.index_name,
        scoring=f"method {conf.method}, aggregation {conf.aggregation}, cap {conf.cap:g}, "
        f"scale {conf.scale:g}, mandatory items pass at the {conf.mandatory_pass} value"
        + ("" if conf.pass_mark is None else f", pass mark {conf.pass_mark:g}"),
        scoring_note=conf.note,
        index=None if score is None else score.index,
        index_max=None if score is None else score.index_max,
        completeness=None if score is None else score.completeness,
        passed=None if score is None else score.passed,
        mandatory_passed=[i.id for i in mandatory if i.passed is True],
        mandatory_failed=[i.id for i in mandatory if i.passed is False],
        mandatory_undecided=[i.id for i in mandatory if i.passed is None],
        computed=sum(i.kind == "computed" for i in indicators),
        entered=[i.id for i in indicators if i.kind == "entered"],
        manual=[i.id for i in indicators if i.kind == "manual"],
        missing_data=[i.id for i in indicators if i.kind == "missing_data"],
        groups=groups,
        indicators=indicators,
        trend=[_trend(y) for y in ev.years],
        supplementary=[
            EvaluationSupplementaryPublic(
                id=k,
                value=_finite(v.value),
                unit=v.unit,
                formula=v.formula,
                provenance=v.provenance(),
                completeness=v.completeness,
                note=v.note,
            )
            for k, v in cur.supplementary.items()
        ],
        park_attributes=dict(cur.park_attributes),
        note=cur.note,
    )


# --- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """What the selectors chose: the park shown, its years with energy, scheme and year
    (``year`` None: no year asked for and no energy data)."""

    park: ParkRef | None
    years: list[int]
    scheme: str
    year: int | None


def _refuse_restricted(principal: Principal) -> None:
    if not principal.whole_park:
        raise ForbiddenError(
            "the park's evaluation sets park totals against the park's targets, for accounts "
            "that see the whole park; see your enterprise's energy at "
            "/api/enterprises/{credit_code}/energy"
        )


def choose(store: StoreDep, scheme: str, year: int | None) -> Choice:
    """The park shown, its years with energy data and the scheme and year to evaluate
    (default year: the newest with energy data).

    Raises
    ------
    InputError
        An unknown scheme (400, naming the known ones).
    """
    key = scheme_key(scheme)
    with store.read() as conn:
        park = shown_park(conn)
        months = [] if park is None else data_months(conn, park.id)
    years = sorted({int(m[:4]) for m in months})
    if year is None and years:
        year = years[-1]
    return Choice(park, years, key, year if park is not None else None)


def read_evaluation(
    store: StoreDep,
    principal: Principal,
    scheme: str,
    year: int | None,
    *,
    pv_mwp: str | None = None,
    gec_mwh: str | None = None,
    buses: str | None = None,
    settings: Settings | None = None,
) -> EvaluationPublic:
    """The park's evaluation against ``scheme`` in ``year`` (default: the newest year with
    energy data), with up to two years before it, and the what-if comparison when
    ``pv_mwp``, ``gec_mwh`` or ``buses`` is given (:func:`what_if`).

    Raises
    ------
    ForbiddenError
        The caller does not see the whole park (403).
    InputError
        An unknown scheme (naming the known ones), no catalogue row of the scheme in force
        in ``year``, or a scheme whose variants need the year's energy use when the ledger
        has none, or a what-if value that is not a number >= 0 (400, naming the field).
    """
    _refuse_restricted(principal)
    scenario = what_if(pv_mwp, gec_mwh, buses)
    choice = choose(store, scheme, year)
    data = evaluate_choice(store, choice)
    if scenario is not None and choice.year is not None:
        compared = compare(store, choice, [scenario], settings)
        data = data.model_copy(update={"comparison": compared})
    return data


def evaluate_choice(store: StoreDep, choice: Choice) -> EvaluationPublic:
    """:func:`evaluation_public` of what ``choice`` names (empty when it names no year)."""
    if choice.park is None:
        return _empty(None, choice.scheme, [])
    if choice.year is None:
        return _empty(
            choice.park,
            choice.scheme,
            choice.years,
            "no energy recorded yet: the default year is the newest with energy data; "
            "choose a year with ?year=",
        )
    ev = evaluate(store, choice.scheme, choice.year, park_code=choice.park.code)
    data = evaluation_public(ev, choice.years)
    return data.model_copy(update={"sponge": sponge_public(store, choice.year, choice.park.code)})


# --- what-if scenarios (issue 8, point 7) ------------------------------------------------

#: Most scenarios one comparison may hold.
MAX_SCENARIOS: Final = 5
#: Most buses a scenario may add.
MAX_BUSES: Final = 10_000
#: Name of the scenario of the page's form (and of the twin's query parameters).
WHAT_IF: Final = "what-if"


class ScenarioIn(BaseModel):
    """A what-if scenario (:class:`greenpark.evaluation.scenarios.Scenario`)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        "", max_length=40, description="Column name (default: 'scenario N'); not 'today'."
    )
    pv_mwp: float = Field(0.0, ge=0, allow_inf_nan=False, description="PV added [MWp].")
    gec_mwh: float = Field(
        0.0, ge=0, allow_inf_nan=False, description="Green certificates bought [MWh]."
    )
    buses: int = Field(0, ge=0, le=MAX_BUSES, description="New-energy buses added in service.")


class ScenariosIn(BaseModel):
    """The scenarios to compare with today."""

    model_config = ConfigDict(extra="forbid")

    scenarios: list[ScenarioIn] = Field(min_length=1, max_length=MAX_SCENARIOS)


def scenarios_of(items: Sequence[ScenarioIn]) -> list[Scenario]:
    """The :class:`Scenario` of each item, named ``scenario N`` when it has no name.

    Raises
    ------
    InputError
        A name the scenarios refuse ('today'), naming the item (400).
    """
    out = []
    for n, item in enumerate(items):
        try:
            out.append(
                Scenario(
                    item.name.strip() or f"scenario {n + 1}",
                    pv_mwp=item.pv_mwp,
                    gec_mwh=item.gec_mwh,
                    buses=item.buses,
                )
            )
        except InputError as exc:
            raise InputError(f"scenarios[{n}].name: {exc}") from None
    return out


def _query_number(raw: str | None, field: str, *, whole: bool = False) -> float | None:
    text = (raw or "").strip()
    if not text:
        return None
    kind = "whole number" if whole else "number"
    try:
        x = float(int(text)) if whole else float(text)
    except ValueError:
        raise InputError(f"{field}: {raw!r} is not a {kind}") from None
    if not math.isfinite(x) or x < 0 or (whole and x > MAX_BUSES):
        limit = f" <= {MAX_BUSES}" if whole else ""
        raise InputError(f"{field}: {raw!r} must be a {kind} >= 0{limit}")
    return x


def what_if(pv_mwp: str | None, gec_mwh: str | None, buses: str | None) -> Scenario | None:
    """The scenario the query parameters ask for (None: none given; an empty value counts
    as not given).

    Raises
    ------
    InputError
        A value that is not a number >= 0 (``buses``: a whole number), naming the field.
    """
    pv = _query_number(pv_mwp, "pv_mwp")
    gec = _query_number(gec_mwh, "gec_mwh")
    n = _query_number(buses, "buses", whole=True)
    if pv is None and gec is None and n is None:
        return None
    return Scenario(WHAT_IF, pv_mwp=pv or 0.0, gec_mwh=gec or 0.0, buses=int(n or 0))


def _cell(x: Any) -> float | str | None:
    return x if isinstance(x, str) else _finite(x)


def comparison_public(
    scheme: str, year: int, results: Sequence[tuple[str, ScenarioResult]]
) -> EvaluationComparisonPublic:
    """Today and the scenarios side by side: the rows some scenario changes (with the index
    and the mandatory items failed) and each column's changes in words."""
    columns = [
        EvaluationScenarioColumnPublic(
            name=name,
            pv_mwp=r.scenario.pv_mwp if r.scenario else 0.0,
            gec_mwh=r.scenario.gec_mwh if r.scenario else 0.0,
            buses=r.scenario.buses if r.scenario else 0,
            index=_finite(r.index),
            changes=list(r.changes),
        )
        for name, r in results
    ]
    rows = [
        EvaluationScenarioRowPublic(
            kind=row["kind"],
            id=row["id"],
            name=row["name"],
            unit=row["unit"],
            leading=_cell(row["leading"]),
            values=[_cell(v) for v in row["values"]],
            scores=[_finite(v) for v in row["scores"]],
            changed=bool(row["changed"]),
        )
        for row in comparison_rows(results, only_changed=True)
    ]
    return EvaluationComparisonPublic(scheme=scheme, year=year, columns=columns, rows=rows)


def compare(
    store: StoreDep,
    choice: Choice,
    scenarios: Sequence[Scenario],
    settings: Settings | None = None,
) -> EvaluationComparisonPublic:
    """``scenarios`` compared with today in the scheme and year ``choice`` names (added PV
    re-runs the station's dispatch with the app's ``settings``' gas and carbon prices).

    Raises
    ------
    InputError
        No park or no year with energy data, or a change the year's data cannot carry (400).
    """
    if choice.park is None or choice.year is None:
        raise InputError(
            "no year with energy data to compare scenarios in; choose a year with ?year="
        )
    results = evaluate_scenarios(
        store,
        choice.scheme,
        choice.year,
        scenarios,
        park_code=choice.park.code,
        settings=settings,
    )
    return comparison_public(choice.scheme, choice.year, results)


# --- charts -----------------------------------------------------------------------------


def _short(text: str, width: int = 36) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def evaluation_charts(data: EvaluationPublic) -> list[dict[str, Any]]:
    """What ``static/evaluation.js`` draws: the index over the years side by side
    (``chart-trend``, a line) and the normalised distance to the leading value of every
    scored indicator, farthest first (``chart-gaps``, horizontal bars)."""
    charts: list[dict[str, Any]] = []
    if any(t.index is not None for t in data.trend):
        top = max((t.index_max for t in data.trend if t.index_max is not None), default=None)
        charts.append(
            {
                "canvas": "chart-trend",
                "type": "trend",
                "labels": [str(t.year) for t in data.trend],
                "valueTitle": data.index_name,
                "categoryTitle": "year",
                "max": top,
                "datasets": [
                    {
                        "label": f"{data.index_name}",
                        "values": [t.index for t in data.trend],
                        "colour": TREND_COLOUR,
                    }
                ],
            }
        )
    scored = sorted(
        (i for i in data.indicators if i.distance is not None),
        key=lambda i: (-(i.distance or 0.0), i.id),
    )
    if scored:
        charts.append(
            {
                "canvas": "chart-gaps",
                "type": "gaps",
                "labels": [
                    _short(i.name_en or i.name_zh) + (" *" if i.mandatory else "") for i in scored
                ],
                "ids": [i.id for i in scored],
                "values": [round(100.0 * (i.distance or 0.0), 4) for i in scored],
                "colours": [LIGHT_COLOURS[i.light] for i in scored],
                "valueTitle": "distance to the leading value [%]",
                "series": "Distance to the leading value 距引领值差距",
            }
        )
    return charts


def gap_rows(data: EvaluationPublic) -> list[EvaluationIndicatorPublic]:
    """The scored indicators, farthest from their leading value first (the gap table)."""
    return sorted(
        (i for i in data.indicators if i.distance is not None),
        key=lambda i: (-(i.distance or 0.0), i.id),
    )


def provenance_title(ind: EvaluationIndicatorPublic) -> str:
    """The provenance of an indicator in one text (the ``title`` shown on hover)."""
    parts = []
    if ind.formula:
        parts.append(f"Computation: {ind.formula}")
    if ind.provenance:
        parts.append(f"Inputs: {ind.provenance}")
    if ind.kind in ("computed", "entered"):
        parts.append(f"Completeness: {100 * ind.completeness:.0f} %")
    if ind.entry is not None and not ind.entry.used:
        parts.append(
            f"Entered by hand (not used, the value is computed): {ind.entry.value:g} "
            f"{ind.entry.unit}, evidence {ind.entry.evidence}"
        )
    if ind.note:
        parts.append(f"Note: {ind.note}")
    if ind.rule:
        parts.append(f"Scoring: {ind.rule}")
    return "\n".join(parts)


def _page_context(**values: Any) -> dict[str, Any]:
    return {
        "lights": LIGHTS,
        "light_colours": LIGHT_COLOURS,
        "kinds": KINDS,
        "statuses": STATUSES,
        "directions": DIRECTIONS,
        "provenance_title": provenance_title,
        "gap_rows": gap_rows,
        **values,
    }


# --- routes: the page and its twin --------------------------------------------------------

SchemeQuery = Annotated[
    str,
    Query(
        description="Evaluation scheme: miit-green-park (default), zero-carbon-park, "
        "green-data-centre or green-factory."
    ),
]
PvQuery = Annotated[
    str | None, Query(description="What if: PV added [MWp] (a number >= 0; empty: none).")
]
GecQuery = Annotated[
    str | None,
    Query(description="What if: green certificates bought [MWh] (a number >= 0; empty: none)."),
]
BusesQuery = Annotated[
    str | None,
    Query(description="What if: new-energy buses added (a whole number >= 0; empty: none)."),
]


def api_evaluation(
    store: StoreDep,
    settings: SettingsDep,
    principal: Reader,
    scheme: SchemeQuery = DEFAULT_SCHEME,
    year: YearQuery = None,
    pv_mwp: PvQuery = None,
    gec_mwh: GecQuery = None,
    buses: BusesQuery = None,
) -> EvaluationPublic:
    """The park evaluated against a scheme in a year (default: the MIIT green industrial
    park, the newest year with energy data), computed from its own data: the index (GI) and
    its completeness, the mandatory items passed / failed / undecided, every indicator with
    its value, leading value, score, traffic light and provenance (inputs and sources,
    computation, completeness, note), the group scores, the years side by side and the
    indicators that need a manual entry. An unknown scheme, a scheme not in force in the
    year, or a zero-carbon evaluation without the year's energy is a 400 with the reason.
    With ``pv_mwp``, ``gec_mwh`` or ``buses`` it includes ``comparison``: today and that
    what-if scenario side by side (a value that is not a number >= 0 is a 400 naming the
    field). Whole-park callers only (403 otherwise)."""
    return read_evaluation(
        store,
        principal,
        scheme,
        year,
        pv_mwp=pv_mwp,
        gec_mwh=gec_mwh,
        buses=buses,
        settings=settings,
    )


def api_evaluation_scenarios(
    store: StoreDep,
    settings: SettingsDep,
    principal: Reader,
    body: ScenariosIn,
    scheme: SchemeQuery = DEFAULT_SCHEME,
    year: YearQuery = None,
) -> EvaluationComparisonPublic:
    """What if: up to five scenarios (PV added, green certificates bought, new-energy buses)
    compared with today in a scheme and year (default: the newest year with energy data):
    the index (GI) of each, the mandatory items failed, every indicator a scenario changes
    with its value and score today and in each scenario, and what each scenario changed,
    in words. Nothing is stored (read permission). A bad value is a 422 naming the field;
    a change the year's data cannot carry a 400 with the reason. Whole-park callers only
    (403 otherwise)."""
    _refuse_restricted(principal)
    scenarios = scenarios_of(body.scenarios)
    return compare(store, choose(store, scheme, year), scenarios, settings)


def evaluation_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    principal: Reader,
    scheme: SchemeQuery = DEFAULT_SCHEME,
    year: YearQuery = None,
    pv_mwp: PvQuery = None,
    gec_mwh: GecQuery = None,
    buses: BusesQuery = None,
) -> HTMLResponse:
    """The "Evaluation" page; its data is ``/api/evaluation``. A caller who sees only some
    enterprises gets 403 with links to their enterprises' energy pages; a request the
    evaluation refuses is a 400 showing the reason beside the selectors. The what-if form
    (a plain GET) adds ``pv_mwp``, ``gec_mwh`` and ``buses``: the comparison is shown under
    "What if"; a value it refuses is a 400 with the reason in that section."""
    if not principal.whole_park:
        with store.read() as conn:
            mine = list_enterprises(conn, scope=principal.enterprise_ids)
        return templates.TemplateResponse(
            request, "evaluation.html", _page_context(data=None, restricted=mine), status_code=403
        )
    try:
        choice = choose(store, scheme, year)
    except InputError as exc:
        choice = choose(store, DEFAULT_SCHEME, year)
        return _error_page(request, choice, str(exc))
    try:
        data = evaluate_choice(store, choice)
    except InputError as exc:
        return _error_page(request, choice, str(exc))
    asked = {"pv_mwp": pv_mwp or "", "gec_mwh": gec_mwh or "", "buses": buses or ""}
    what_if_error = None
    try:
        scenario = what_if(pv_mwp, gec_mwh, buses)
        if scenario is not None and choice.year is not None:
            compared = compare(store, choice, [scenario], settings)
            data = data.model_copy(update={"comparison": compared})
    except InputError as exc:
        what_if_error = str(exc)
    return templates.TemplateResponse(
        request,
        "evaluation.html",
        _page_context(
            data=data,
            restricted=None,
            error=None,
            charts={"charts": evaluation_charts(data)},
            asked=asked,
            what_if_error=what_if_error,
        ),
        status_code=400 if what_if_error else 200,
    )


def _error_page(request: Request, choice: Choice, message: str) -> HTMLResponse:
    data = _empty(choice.park, choice.scheme, choice.years)
    data = data.model_copy(update={"year": choice.year})
    return templates.TemplateResponse(
        request,
        "evaluation.html",
        _page_context(data=data, restricted=None, error=message),
        status_code=400,
    )


def add_routes(app: FastAPI) -> None:
    """Register the page, its JSON twin and the what-if comparison (READ, whole-park
    callers) on ``app``."""
    route(
        app,
        "/api/evaluation",
        api_evaluation,
        Permission.READ,
        response_model=EvaluationPublic,
        tags=["evaluation"],
    )
    route(
        app,
        "/evaluation",
        evaluation_page,
        Permission.READ,
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    route(
        app,
        "/api/evaluation/scenarios",
        api_evaluation_scenarios,
        Permission.READ,
        methods=("POST",),
        response_model=EvaluationComparisonPublic,
        tags=["evaluation"],
    )
