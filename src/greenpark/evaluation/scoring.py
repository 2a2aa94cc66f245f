"""Scoring engine: indicator values -> normalised scores, group scores, the index, pass/fail.

Pure functions of a :class:`~greenpark.evaluation.catalogue.Scheme` (catalogue + settings) and
a mapping of indicator values; nothing here reads a database. The rules, all chosen by the
scheme's settings (``catalogues/schemes.toml``, ``docs/evaluation.md``):

- **linear** (GB/T 36132-2025 quantitative items, ``../shared/reference/standards.md`` 8.2,
  9.7): at or worse than the base value (基准值) -> 0, at or better than the leading value
  (引领值) -> 1, linear in between; the same formula serves both directions because a
  lower-is-better indicator has ``leading < base``.
- **ratio** (MIIT green park GI: ratio of each indicator to its leading value, EG_i/EG_bi ...,
  as read in DB21/T 3662-2022, S1): value/leading when higher is better; leading/value when
  lower is better (the inversion is an assumption, U); capped at ``cap``.
- **threshold** (zero-carbon park thresholds, green data-centre criteria): 1 when the leading
  value is reached, else 0.
- pass items score 1 (value 1, met) or 0 (value 0), whatever the method.

A missing value (``None`` or NaN) is never scored as zero silently: the indicator is flagged
``missing`` and the scheme's ``missing`` setting says whether the index leaves it out
(``exclude``) or counts it as 0 (``zero``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from greenpark.errors import InputError
from greenpark.evaluation.catalogue import Group, Indicator, Scheme, Settings

__all__ = [
    "GroupScore",
    "IndicatorScore",
    "SchemeScore",
    "gap",
    "reached",
    "score_indicator",
    "score_scheme",
]

#: Status of an indicator score.
SCORED, MISSING, NO_REFERENCE = "scored", "missing", "no_reference"


@dataclass(frozen=True)
class IndicatorScore:
    """How one indicator scored.

    ``status`` is ``scored``, ``missing`` (no value: not scored, flagged) or ``no_reference``
    (the catalogue lacks the leading/base value the method needs). ``score`` is the normalised
    score (0..cap) and ``points`` = weight x score. ``reached`` says whether the value is at or
    better than the leading value (pass items: whether met). ``passed`` is the mandatory-item
    verdict (``None`` for optional items or when it cannot be decided). ``gap`` is
    :func:`gap`. ``rule`` describes the rule applied.
    """

    indicator: Indicator
    value: float | None
    status: str
    score: float | None
    points: float | None
    reached: bool | None
    passed: bool | None
    gap: float | None
    rule: str

    @property
    def id(self) -> str:
        return self.indicator.id


@dataclass(frozen=True)
class GroupScore:
    """A group's weighted mean of its indicator scores (``None`` when nothing counts).

    ``points`` = sum of weight x score of its indicators in the index and ``max_points`` the
    sum of their weights x cap (what the group could earn).
    """

    group: Group
    score: float | None
    points: float
    max_points: float
    indicators: int
    scored: int


@dataclass(frozen=True)
class SchemeScore:
    """The result of :func:`score_scheme`.

    ``index`` is the scheme's index (GI for the MIIT green park) as its settings define it, or
    ``None`` (aggregation ``none``, or nothing to aggregate); ``index_max`` is the most it can
    be. ``completeness`` is the share of scorable indicators (those with the reference values
    their method needs, and pass items) that have a value. ``mandatory_failed`` and
    ``mandatory_undecided`` list mandatory items that failed, or lack a value or reference.
    ``passed`` is ``False`` when a mandatory item failed or the index is below the pass mark,
    ``None`` when that cannot be decided yet, else ``True``.
    """

    scheme: Scheme
    indicators: tuple[IndicatorScore, ...]
    groups: tuple[GroupScore, ...]
    index: float | None
    index_max: float | None
    completeness: float | None
    mandatory_failed: tuple[str, ...]
    mandatory_undecided: tuple[str, ...]
    mandatory_passed: bool | None
    passed: bool | None

    @property
    def index_name(self) -> str:
        return self.scheme.settings.index_name

    @property
    def missing(self) -> tuple[str, ...]:
        """Indicators without a value."""
        return tuple(s.id for s in self.indicators if s.status == MISSING)

    @property
    def unreferenced(self) -> tuple[str, ...]:
        """Indicators the catalogue cannot score yet (leading/base value empty)."""
        return tuple(s.id for s in self.indicators if s.status == NO_REFERENCE)

    def indicator(self, id: str) -> IndicatorScore:
        for s in self.indicators:
            if s.id == id:
                return s
        raise InputError(f"scheme {self.scheme.name!r} has no indicator {id!r}")


def reached(ind: Indicator, value: float | None) -> bool | None:
    """Whether ``value`` is at or better than the leading value (pass items: value 1).

    ``None`` when the value is missing or the indicator has no leading value. Equality counts
    as reached (within 1e-9 relative), so PUE 1.30 meets "PUE <= 1.30".
    """
    v = _value(ind, value)
    if v is None:
        return None
    if ind.is_pass:
        return v == 1.0
    if ind.leading is None:
        return None
    return _at_least(v, ind.leading) if ind.direction == "higher" else _at_most(v, ind.leading)


def gap(ind: Indicator, value: float | None) -> float | None:
    """Distance from ``value`` to the leading value, in the indicator's unit.

    Positive: how much the value must still rise (higher is better) or fall (lower is better)
    to reach the leading value; zero or negative: reached, ``-gap`` is the margin. Pass items:
    0 when met, 1 when not. ``None`` when the value or the leading value is missing.

    Examples: renewable share 12 % against a leading 15 % -> 3.0 (percentage points); PUE 1.42
    against 1.30 -> 0.12.
    """
    v = _value(ind, value)
    if v is None:
        return None
    if ind.is_pass:
        return 0.0 if v == 1.0 else 1.0
    if ind.leading is None:
        return None
    return ind.leading - v if ind.direction == "higher" else v - ind.leading


def score_indicator(
    ind: Indicator, value: float | None, settings: Settings | None = None
) -> IndicatorScore:
    """Score one indicator value by the scheme's rule (``settings``; default: linear, cap 1).

    Rules (see the module docstring and ``docs/evaluation.md``):

    - ``linear``: s = (value - base) / (leading - base), clamped to [0, 1]; GB/T 36132-2025
      base value -> 0 and leading value -> full marks (standards.md 8.2; test vectors 9.7:
      base 18 %, leading 55 %, weight 8, value 36.5 % -> 4.0 points);
    - ``ratio``: s = value / leading (higher is better) or leading / value (lower is better;
      a value <= 0 is better than any leading value and scores the cap); negative ratios
      score 0; MIIT GI (U for the inversion and the cap);
    - ``threshold``: s = 1 if :func:`reached` else 0;
    - pass items: 1 when the value is 1 (met), 0 when 0.

    Every score is then capped at ``settings.cap``. A missing value (``None``/NaN) is not
    scored (status ``missing``); an indicator lacking the reference values its method needs is
    not scored either (``no_reference``).

    The mandatory-item verdict ``passed`` follows ``settings.mandatory_pass``: ``leading``
    (value at or better than the leading value), ``base`` (at or better than the base value;
    the leading value when no base is given) or ``reported`` (a value is given); a pass item
    passes only when met.

    Raises
    ------
    InputError
        A value that is not a number, a pass-item value other than 0/1, or a ratio against a
        leading value <= 0.
    """
    conf = settings or Settings()
    v = _value(ind, value)
    hit = reached(ind, v)
    g = gap(ind, v)
    rule = _rule(ind, conf)
    if v is None:
        status, score = MISSING, None
    elif ind.is_pass:
        status, score = SCORED, 1.0 if v == 1.0 else 0.0
    elif conf.method == "linear":
        if ind.leading is None or ind.base is None:
            status, score = NO_REFERENCE, None
        else:
            status, score = SCORED, _clamp((v - ind.base) / (ind.leading - ind.base))
    elif conf.method == "ratio":
        if ind.leading is None:
            status, score = NO_REFERENCE, None
        else:
            status, score = SCORED, _ratio(ind, v, conf.cap)
    elif ind.leading is None:  # threshold
        status, score = NO_REFERENCE, None
    else:
        status, score = SCORED, 1.0 if hit else 0.0
    if score is not None:
        score = min(score, conf.cap)
    if status == MISSING and not ind.is_pass and _needs_reference(ind, conf):
        status = NO_REFERENCE
    points = None if score is None or ind.weight is None else ind.weight * score
    passed = _mandatory_verdict(ind, v, hit, conf) if ind.mandatory else None
    return IndicatorScore(ind, v, status, score, points, hit, passed, g, rule)


def score_scheme(
    scheme: Scheme,
    values: Mapping[str, float | None],
    *,
    park: Mapping[str, float] | None = None,
) -> SchemeScore:
    """Score every indicator of ``scheme`` and roll them up as its settings say.

    Aggregation (``settings.aggregation``; an indicator counts when it has a weight > 0 and
    its reference values; with ``missing = "zero"`` an indicator without a value counts as 0,
    with ``exclude`` it is left out):

    - ``weighted_mean``: index = scale x sum(w_i s_i) / sum(w_i) (MIIT GI default: equal
      weights, i.e. the mean ratio x 100; the weights and pooling are U);
    - ``group_weighted``: index = scale x sum(W_g S_g) / sum(W_g) over groups with a score,
      S_g the weighted mean of the group's scores and W_g the group weight;
    - ``weighted_sum``: index = scale x sum(w_i s_i) (points, GB/T 36132 style);
    - ``none``: no index.

    ``passed`` combines the mandatory items (all pass) and, when the settings give one, the
    pass mark (index >= pass_mark).

    Parameters
    ----------
    scheme : Scheme
        From :func:`~greenpark.evaluation.catalogue.load_scheme`.
    values : mapping
        Indicator id -> value in the indicator's unit (``None`` or NaN = no value; pass items
        1/0 or True/False). Ids the scheme lacks are refused, except those ``not_applicable``.
    park : mapping, optional
        Park attributes choosing variants, when the scheme has not been resolved yet.

    Raises
    ------
    InputError
        Unknown indicator ids, a bad value, or variants that need ``park``.
    """
    if scheme.park_attributes:
        if park is None:
            raise InputError(
                f"scheme {scheme.name!r} has indicators that depend on "
                f"{', '.join(scheme.park_attributes)}: give park="
            )
        scheme = scheme.for_park(park)
    conf = scheme.settings
    known = set(scheme.ids) | set(scheme.not_applicable)
    unknown = sorted(k for k in values if k not in known)
    if unknown:
        raise InputError(
            f"scheme {scheme.name!r} has no indicator {', '.join(map(repr, unknown))} "
            f"(known: {', '.join(scheme.ids)})"
        )
    scores = tuple(score_indicator(i, values.get(i.id), conf) for i in scheme.indicators)
    groups = tuple(_group_score(g, scores, conf) for g in scheme.groups)
    index, index_max = _index(scores, groups, conf)
    scorable = [s for s in scores if s.status != NO_REFERENCE]
    completeness = sum(s.status == SCORED for s in scorable) / len(scorable) if scorable else None
    mandatory = [s for s in scores if s.indicator.mandatory]
    failed = tuple(s.id for s in mandatory if s.passed is False)
    undecided = tuple(s.id for s in mandatory if s.passed is None)
    mandatory_passed = False if failed else (None if undecided else True)
    verdicts: list[bool | None] = [mandatory_passed]
    if conf.pass_mark is not None:
        verdicts.append(None if index is None else index >= conf.pass_mark - 1e-9)
    passed = False if False in verdicts else (None if None in verdicts else True)
    return SchemeScore(
        scheme=scheme,
        indicators=scores,
        groups=groups,
        index=index,
        index_max=index_max,
        completeness=completeness,
        mandatory_failed=failed,
        mandatory_undecided=undecided,
        mandatory_passed=mandatory_passed,
        passed=passed,
    )


# --- helpers ----------------------------------------------------------------------------------


def _value(ind: Indicator, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, str | bytes):
        raise InputError(f"indicator {ind.id!r}: {value!r} is text, not a number")
    try:  # bool, int, float, numpy scalars
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"indicator {ind.id!r}: {value!r} is not a number") from None
    if math.isnan(v):
        return None
    if math.isinf(v):
        raise InputError(f"indicator {ind.id!r}: {value!r} is not a finite number")
    if ind.is_pass and v not in (0.0, 1.0):
        raise InputError(f"indicator {ind.id!r} is pass/fail: give 1 (met) or 0, not {value!r}")
    return v


def _needs_reference(ind: Indicator, conf: Settings) -> bool:
    if conf.method == "linear":
        return ind.leading is None or ind.base is None
    return ind.leading is None


def _ratio(ind: Indicator, v: float, cap: float) -> float:
    lead = ind.leading
    assert lead is not None
    if lead <= 0:
        raise InputError(
            f"indicator {ind.id!r}: the ratio method needs a leading value above 0, not {lead:g}"
        )
    if ind.direction == "higher":
        return max(0.0, v / lead)
    return cap if v <= 0 else lead / v


def _mandatory_verdict(
    ind: Indicator, v: float | None, hit: bool | None, conf: Settings
) -> bool | None:
    if v is None:
        return None
    if ind.is_pass:
        return v == 1.0
    if conf.mandatory_pass == "reported":
        return True
    if conf.mandatory_pass == "base" and ind.base is not None:
        return _at_least(v, ind.base) if ind.direction == "higher" else _at_most(v, ind.base)
    return hit


def _counted(s: IndicatorScore, conf: Settings) -> float | None:
    """The score an indicator contributes to an aggregate, or None when it is left out."""
    w = s.indicator.weight
    if w is None or w <= 0 or s.status == NO_REFERENCE:
        return None
    if s.status == MISSING:
        return 0.0 if conf.missing == "zero" else None
    return s.score


def _group_score(group: Group, scores: tuple[IndicatorScore, ...], conf: Settings) -> GroupScore:
    members = [s for s in scores if s.indicator.group == group.code]
    num = den = 0.0
    maximum = 0.0
    for s in members:
        c = _counted(s, conf)
        w = s.indicator.weight or 0.0
        if w > 0 and s.status != NO_REFERENCE:
            maximum += w * conf.cap
        if c is None:
            continue
        num += w * c
        den += w
    return GroupScore(
        group=group,
        score=num / den if den > 0 else None,
        points=num,
        max_points=maximum,
        indicators=len(members),
        scored=sum(s.status == SCORED for s in members),
    )


def _index(
    scores: tuple[IndicatorScore, ...], groups: tuple[GroupScore, ...], conf: Settings
) -> tuple[float | None, float | None]:
    if conf.aggregation == "none":
        return None, None
    if conf.aggregation == "weighted_sum":
        points = sum(g.points for g in groups)
        return conf.scale * points, conf.scale * sum(g.max_points for g in groups)
    if conf.aggregation == "group_weighted":
        pairs = [(g.group.weight, g.score) for g in groups if g.score is not None]
        den = sum(w for w, _ in pairs if w > 0)
        if den <= 0:
            return None, conf.scale * conf.cap
        return conf.scale * sum(w * s for w, s in pairs if w > 0) / den, conf.scale * conf.cap
    num = den = 0.0  # weighted_mean
    for s in scores:
        c = _counted(s, conf)
        if c is None:
            continue
        w = s.indicator.weight or 0.0
        num += w * c
        den += w
    if den <= 0:
        return None, conf.scale * conf.cap
    return conf.scale * num / den, conf.scale * conf.cap


def _rule(ind: Indicator, conf: Settings) -> str:
    if ind.is_pass:
        return "pass/fail: 1 = met, 0 = not met"
    lead = "?" if ind.leading is None else f"{ind.leading:g}"
    base = "?" if ind.base is None else f"{ind.base:g}"
    cap = f", cap {conf.cap:g}" if conf.cap != 1.0 else ""
    if conf.method == "linear":
        return f"linear: base {base} -> 0, leading {lead} -> 1 ({ind.direction} is better)"
    if conf.method == "ratio":
        frac = f"value / {lead}" if ind.direction == "higher" else f"{lead} / value"
        return f"ratio: {frac}{cap}"
    op = ">=" if ind.direction == "higher" else "<="
    return f"threshold: 1 if value {op} {lead}, else 0"


def _clamp(x: float) -> float:
    return min(1.0, max(0.0, x))


def _at_least(a: float, b: float) -> bool:
    return a >= b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _at_most(a: float, b: float) -> bool:
    return a <= b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
