"""Indicator catalogues of the evaluation schemes, read from versioned data files.

Each scheme is a CSV in ``evaluation/catalogues/`` (one row per indicator, or per variant of an
indicator) plus a table of scoring settings in ``catalogues/schemes.toml``
(``docs/evaluation.md``):

- ``miit_green_park.csv``: MIIT green industrial park, 6 groups, 31 indicators
  (工信厅节函〔2016〕586号 attachment; leading values uncertain, U), then the 8 basic
  requirements (group ``BR``: mandatory pass items without a weight, group weight 0, so
  they never enter the GI);
- ``zero_carbon_park.csv``: national zero-carbon park, 1 core indicator (thresholds by park
  size) + 5 guiding indicators (NDRC/MIIT/NEA 2025 notice);
- ``green_data_centre.csv``: 2025 national green data-centre criteria (PUE <= 1.30 ...);
- ``green_factory.csv``: GB/T 36132-2025 green factory items (hard gates + linear scoring).

Columns: ``scheme, version, id, group, name_zh, name_en, unit, direction, leading, base,
mandatory, weight, formula, source, valid_from, valid_to, confidence, note`` and, optional,
``ref`` (item number in the source document) and ``applies`` (the park attributes a variant
applies to, e.g. ``annual_energy_tce:200000..1000000``). A user corrects a value by copying the
CSV, editing it and passing ``path=``; no code changes.

Importing this module needs only the standard library (csv, tomllib).
"""

from __future__ import annotations

import csv
import io
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Final

from greenpark.errors import InputError, RowError, RowsError

__all__ = [
    "AGGREGATIONS",
    "COLUMNS",
    "DIRECTIONS",
    "MANDATORY_PASS",
    "METHODS",
    "Condition",
    "Group",
    "Indicator",
    "Scheme",
    "Settings",
    "available_schemes",
    "load_scheme",
]

#: Columns every catalogue must have (``ref`` and ``applies`` are optional).
COLUMNS: Final[tuple[str, ...]] = (
    "scheme",
    "version",
    "id",
    "group",
    "name_zh",
    "name_en",
    "unit",
    "direction",
    "leading",
    "base",
    "mandatory",
    "weight",
    "formula",
    "source",
    "valid_from",
    "valid_to",
    "confidence",
    "note",
)
OPTIONAL_COLUMNS: Final[tuple[str, ...]] = ("ref", "applies")
#: ``higher``/``lower`` is better, or ``pass`` (the value is 1 = met or 0 = not met).
DIRECTIONS: Final[tuple[str, ...]] = ("higher", "lower", "pass")
#: Normalisation of a value (see :func:`greenpark.evaluation.scoring.score_indicator`).
METHODS: Final[tuple[str, ...]] = ("linear", "ratio", "threshold")
#: How indicator scores roll up into the scheme's index.
AGGREGATIONS: Final[tuple[str, ...]] = ("weighted_mean", "group_weighted", "weighted_sum", "none")
#: What an indicator without a value counts as in the index.
MISSING: Final[tuple[str, ...]] = ("exclude", "zero")
#: When a mandatory item passes.
MANDATORY_PASS: Final[tuple[str, ...]] = ("leading", "base", "reported")
#: Confidence marks of ``../shared/reference/standards.md``.
CONFIDENCE: Final[tuple[str, ...]] = ("V2", "S1", "U")

_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")
_ID = re.compile(r"[A-Za-z0-9_.-]+")
_ATTRIBUTE = re.compile(r"[a-z_][a-z0-9_]*")
_SETTINGS_FILE = "schemes.toml"


@dataclass(frozen=True)
class Condition:
    """A park attribute a variant applies to: ``low <= value < high`` or ``value == low``.

    Written in the ``applies`` column as ``attribute:low..high`` (either end may be empty,
    half-open) or ``attribute=value``; several conditions are joined with ``;``.
    """

    attribute: str
    low: float | None = None
    high: float | None = None
    equal: bool = False

    def holds(self, value: float) -> bool:
        """Whether the park's ``value`` of the attribute meets the condition."""
        if self.equal:
            return value == self.low
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)

    def overlaps(self, other: Condition) -> bool:
        """Whether some value of the same attribute meets both conditions."""
        if self.equal:
            return other.holds(self.low)  # type: ignore[arg-type]
        if other.equal:
            return self.holds(other.low)  # type: ignore[arg-type]
        low = max(-math.inf if c.low is None else c.low for c in (self, other))
        high = min(math.inf if c.high is None else c.high for c in (self, other))
        return low < high

    def __str__(self) -> str:
        if self.equal:
            return f"{self.attribute}={_fmt(self.low)}"
        return f"{self.attribute}:{_fmt(self.low)}..{_fmt(self.high)}"


@dataclass(frozen=True)
class Indicator:
    """One indicator (or one variant of it) of a scheme, as a catalogue row gives it.

    ``leading`` is the leading value (引领值) and ``base`` the base value (基准值), both in
    ``unit``; either is ``None`` when the catalogue leaves it empty. ``weight`` is ``None``
    when not given (the indicator is then scored but left out of the index). ``applies`` is
    empty unless the row is one variant of several (e.g. thresholds by park size). ``origin``
    names the file and row.
    """

    scheme: str
    version: str
    id: str
    group: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    leading: float | None
    base: float | None
    mandatory: bool
    weight: float | None
    formula: str
    source: str
    valid_from: date | None
    valid_to: date | None
    confidence: str
    note: str = ""
    ref: str = ""
    applies: tuple[Condition, ...] = ()
    origin: str = field(default="", compare=False)

    @property
    def is_pass(self) -> bool:
        """A pass/fail item (value 1 = met, 0 = not met)."""
        return self.direction == "pass"

    def valid_in(self, year: int) -> bool:
        """Whether the row is in force at some time in ``year``."""
        return (self.valid_from is None or self.valid_from <= date(year, 12, 31)) and (
            self.valid_to is None or self.valid_to >= date(year, 1, 1)
        )


@dataclass(frozen=True)
class Group:
    """An indicator group: code as in the catalogue, names and weight in the index."""

    code: str
    name_zh: str = ""
    name_en: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class Settings:
    """Scoring settings of a scheme (one table of ``schemes.toml``; see its header)."""

    method: str = "linear"
    cap: float = 1.0
    aggregation: str = "weighted_mean"
    scale: float = 100.0
    missing: str = "exclude"
    mandatory_pass: str = "leading"
    pass_mark: float | None = None
    index_name: str = "index"
    title_zh: str = ""
    title_en: str = ""
    catalogue: str = ""
    source: str = ""
    confidence: str = "U"
    note: str = ""
    groups: tuple[Group, ...] = ()

    def group(self, code: str) -> Group:
        """The settings of group ``code`` (weight 1 and no names when not configured)."""
        for g in self.groups:
            if g.code == code:
                return g
        return Group(code)


@dataclass(frozen=True)
class Scheme:
    """A scheme's settings and the indicators in force for ``year``.

    When rows depend on park attributes (``applies``), :meth:`for_park` keeps the variant of
    each indicator that applies (``resolved``); ``not_applicable`` then lists indicators with
    no variant for the park and ``park`` holds the attributes used.
    """

    name: str
    version: str
    settings: Settings
    indicators: tuple[Indicator, ...]
    year: int
    source_file: str = ""
    park: tuple[tuple[str, float], ...] = ()
    not_applicable: tuple[str, ...] = ()
    resolved: bool = False

    @property
    def ids(self) -> tuple[str, ...]:
        """Indicator ids in catalogue order, each once."""
        return tuple(dict.fromkeys(i.id for i in self.indicators))

    @property
    def groups(self) -> tuple[Group, ...]:
        """The groups in catalogue order, with their settings."""
        codes = dict.fromkeys(i.group for i in self.indicators)
        return tuple(self.settings.group(c) for c in codes)

    @property
    def park_attributes(self) -> tuple[str, ...]:
        """Park attributes that choose between variants (empty once resolved)."""
        if self.resolved:
            return ()
        return tuple(sorted({c.attribute for i in self.indicators for c in i.applies}))

    def indicator(self, id: str) -> Indicator:
        """The indicator ``id``; an error if it is unknown or still has several variants."""
        rows = [i for i in self.indicators if i.id == id]
        if not rows:
            raise InputError(f"scheme {self.name!r} has no indicator {id!r}")
        if len(rows) > 1:
            raise InputError(
                f"indicator {id!r} of scheme {self.name!r} has variants by "
                f"{', '.join(self.park_attributes)}: call for_park() first"
            )
        return rows[0]

    def for_park(self, park: Mapping[str, float]) -> Scheme:
        """The scheme with, for each indicator, the variant whose ``applies`` the park meets.

        Raises
        ------
        InputError
            A variant depends on an attribute missing from ``park`` or not a number.
        """
        values: dict[str, float] = {}
        for name in sorted({c.attribute for i in self.indicators for c in i.applies}):
            if name not in park:
                raise InputError(
                    f"scheme {self.name!r} has indicators that depend on the park attribute "
                    f"{name!r}: give it in park="
                )
            values[name] = _number_or_error(park[name], f"park attribute {name!r}")
        kept = tuple(
            i for i in self.indicators if all(c.holds(values[c.attribute]) for c in i.applies)
        )
        kept_ids = {i.id for i in kept}
        dropped = tuple(i for i in self.ids if i not in kept_ids)
        return replace(
            self,
            indicators=kept,
            park=tuple(sorted(values.items())),
            resolved=True,
            not_applicable=tuple(dict.fromkeys((*self.not_applicable, *dropped))),
        )


def available_schemes() -> tuple[str, ...]:
    """Names of the schemes shipped in ``schemes.toml``."""
    return tuple(_shipped_settings())


def load_scheme(
    name: str,
    *,
    year: int | None = None,
    path: Path | str | None = None,
    settings: Mapping[str, Any] | Path | str | None = None,
    park: Mapping[str, float] | None = None,
) -> Scheme:
    """Load a scheme: its scoring settings and the catalogue rows in force in ``year``.

    Parameters
    ----------
    name : str
        ``miit-green-park``, ``zero-carbon-park``, ``green-data-centre``, ``green-factory``
        (underscores work too), or any name when ``path`` points at a user's catalogue.
    year : int, optional
        Evaluation year (default: the current year). A row is used when its validity overlaps
        the year; when two rows of one indicator do, the later ``valid_from`` wins.
    path : Path, optional
        A user's catalogue CSV with the same columns (a corrected leading value, a provincial
        variant...), used instead of the shipped one.
    settings : mapping or Path, optional
        Settings overriding the shipped ones key by key: a mapping of ``schemes.toml`` keys,
        or a TOML file laid out like ``schemes.toml`` (its ``[name]`` table is used).
    park : mapping, optional
        Park attributes choosing between variants (``annual_energy_tce``...); see
        :meth:`Scheme.for_park`.

    Raises
    ------
    InputError
        Unknown scheme, bad settings, or no row in force in ``year``. A bad catalogue raises
        :class:`~greenpark.errors.RowsError` (an ``InputError``) naming file, row and column of
        every bad value: unknown direction, a weight that is not a number, a duplicate id...
    """
    key = name.strip().lower().replace("_", "-")
    shipped = _shipped_settings()
    table: dict[str, Any] = dict(shipped.get(key, {}))
    origin = f"catalogues/{_SETTINGS_FILE} [{key}]"
    if settings is not None:
        extra, origin = _settings_override(settings, key)
        extra_groups = extra.get("groups", {})
        table = {**table, **extra}
        if isinstance(extra_groups, Mapping):  # groups are merged key by key
            groups = {code: dict(g) for code, g in shipped.get(key, {}).get("groups", {}).items()}
            for code, g in extra_groups.items():
                groups[code] = {**groups.get(code, {}), **g} if isinstance(g, Mapping) else g
            table["groups"] = groups
    if key not in shipped and path is None:
        raise InputError(
            f"unknown evaluation scheme {name!r}; known: {', '.join(shipped)} "
            "(or give path= to a catalogue CSV)"
        )
    conf = _parse_settings(table, origin)
    if path is not None:
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"{file}: cannot read the catalogue: {exc}") from exc
        display = str(file)
    else:
        fname = conf.catalogue or f"{key.replace('-', '_')}.csv"
        res = resources.files("greenpark.evaluation").joinpath("catalogues", fname)
        text = res.read_text(encoding="utf-8-sig")
        display = f"catalogues/{fname}"
    rows = _parse_catalogue(text, display, key, conf)
    when = date.today().year if year is None else year
    chosen = _in_force(rows, when)
    if not chosen:
        raise InputError(f"{display}: no indicator of scheme {key!r} is in force in {when}")
    _check_groups(chosen, conf, origin)
    versions = tuple(dict.fromkeys(i.version for i in chosen))
    scheme = Scheme(
        name=key,
        version=", ".join(versions),
        settings=conf,
        indicators=chosen,
        year=when,
        source_file=display,
    )
    if park is not None:
        scheme = scheme.for_park(park)
    return scheme


# --- settings ---------------------------------------------------------------------------------


def _shipped_settings() -> dict[str, dict[str, Any]]:
    text = (
        resources.files("greenpark.evaluation")
        .joinpath("catalogues", _SETTINGS_FILE)
        .read_text("utf-8")
    )
    return tomllib.loads(text)


def _settings_override(
    settings: Mapping[str, Any] | Path | str, key: str
) -> tuple[dict[str, Any], str]:
    if isinstance(settings, Mapping):
        return dict(settings), "settings"
    file = Path(settings)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{file}: cannot read the settings: {exc}") from exc
    if key not in data or not isinstance(data[key], dict):
        raise InputError(f"{file}: no [{key}] table")
    return data[key], f"{file} [{key}]"


def _parse_settings(table: Mapping[str, Any], origin: str) -> Settings:
    def bad(k: str, why: str) -> InputError:
        return InputError(f"{origin}: setting {k!r}: {why}")

    def choice(k: str, options: tuple[str, ...], default: str) -> str:
        v = table.get(k, default)
        if v not in options:
            raise bad(k, f"{v!r} is not one of {', '.join(options)}")
        return str(v)

    def number(k: str, default: float | None, *, positive: bool = False) -> float | None:
        v = table.get(k, default)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise bad(k, f"{v!r} is not a number")
        if positive and v <= 0:
            raise bad(k, f"{v!r} must be above 0")
        return float(v)

    def text(k: str) -> str:
        v = table.get(k, "")
        if not isinstance(v, str):
            raise bad(k, f"{v!r} is not text")
        return v

    known = {f for f in Settings.__dataclass_fields__}
    for k in table:
        if k not in known:
            raise bad(k, f"unknown setting (known: {', '.join(sorted(known))})")
    groups = []
    raw_groups = table.get("groups", {})
    if not isinstance(raw_groups, Mapping):
        raise bad("groups", "must be a table of groups")
    for code, g in raw_groups.items():
        if not isinstance(g, Mapping):
            raise bad(f"groups.{code}", "must be a table")
        for k in g:
            if k not in ("name_zh", "name_en", "weight"):
                raise bad(f"groups.{code}.{k}", "unknown key (known: name_zh, name_en, weight)")
        w = g.get("weight", 1.0)
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
            raise bad(f"groups.{code}.weight", f"{w!r} is not a number >= 0")
        groups.append(Group(code, str(g.get("name_zh", "")), str(g.get("name_en", "")), float(w)))
    confidence = choice("confidence", CONFIDENCE, "U")
    cap = number("cap", 1.0, positive=True)
    scale = number("scale", 100.0, positive=True)
    return Settings(
        method=choice("method", METHODS, "linear"),
        cap=1.0 if cap is None else cap,
        aggregation=choice("aggregation", AGGREGATIONS, "weighted_mean"),
        scale=100.0 if scale is None else scale,
        missing=choice("missing", MISSING, "exclude"),
        mandatory_pass=choice("mandatory_pass", MANDATORY_PASS, "leading"),
        pass_mark=number("pass_mark", None),
        index_name=text("index_name") or "index",
        title_zh=text("title_zh"),
        title_en=text("title_en"),
        catalogue=text("catalogue"),
        source=text("source"),
        confidence=confidence,
        note=text("note"),
        groups=tuple(groups),
    )


def _check_groups(rows: Iterable[Indicator], conf: Settings, origin: str) -> None:
    if not conf.groups:
        return
    configured = {g.code for g in conf.groups}
    for i in rows:
        if i.group not in configured:
            raise InputError(
                f"{i.origin}, column 'group': group {i.group!r} has no [groups.{i.group}] "
                f"table in {origin} (configured: {', '.join(sorted(configured))})"
            )


# --- catalogue rows ---------------------------------------------------------------------------


def _parse_catalogue(text: str, file: str, scheme: str, conf: Settings) -> list[Indicator]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RowsError([RowError(file, 1, c, "column missing from the header") for c in missing])
    errors: list[RowError] = []
    rows: list[tuple[int, Indicator]] = []
    for n, raw in enumerate(reader, start=2):
        if None in raw:
            errors.append(RowError(file, n, "-", "more values than header columns"))
            continue
        row = {k: (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        ind = _parse_row(row, file, n, scheme, conf, errors)
        if ind is not None:
            rows.append((n, ind))
    errors += _duplicates(rows, file)
    if errors:
        raise RowsError(errors)
    return [ind for _, ind in rows]


def _parse_row(
    row: dict[str, str],
    file: str,
    n: int,
    scheme: str,
    conf: Settings,
    errors: list[RowError],
) -> Indicator | None:
    before = len(errors)

    def err(column: str, reason: str) -> None:
        errors.append(RowError(file, n, column, reason))

    for c in ("scheme", "version", "id", "group", "direction", "mandatory", "source"):
        if not row[c]:
            err(c, "empty")
    if not row["name_zh"] and not row["name_en"]:
        err("name_en", "name_zh and name_en are both empty")
    if row["scheme"] and row["scheme"].lower().replace("_", "-") != scheme:
        err("scheme", f"{row['scheme']!r} is not the scheme loaded ({scheme!r})")
    if row["id"] and not _ID.fullmatch(row["id"]):
        err("id", f"{row['id']!r}: use letters, digits, '_', '-' or '.'")
    direction = row["direction"].lower()
    if direction and direction not in DIRECTIONS:
        err("direction", f"{row['direction']!r} is not one of {', '.join(DIRECTIONS)}")
    leading = _number(row["leading"], "leading", err)
    base = _number(row["base"], "base", err)
    weight = _number(row["weight"], "weight", err)
    if weight is not None and weight < 0:
        err("weight", f"{row['weight']!r} is negative")
    mandatory = False
    if row["mandatory"]:
        m = row["mandatory"].lower()
        if m in _TRUE:
            mandatory = True
        elif m not in _FALSE:
            err("mandatory", f"{row['mandatory']!r} is not true or false")
    if row["confidence"] not in CONFIDENCE:
        err("confidence", f"{row['confidence']!r} is not one of {', '.join(CONFIDENCE)}")
    valid_from = _date(row["valid_from"], "valid_from", err)
    valid_to = _date(row["valid_to"], "valid_to", err)
    if valid_from and valid_to and valid_to < valid_from:
        err("valid_to", f"{valid_to} is before valid_from {valid_from}")
    applies = _conditions(row.get("applies", ""), err)
    if direction == "pass":
        if leading is not None:
            err("leading", "a pass item has no leading value (its value is 1 = met, 0 = not)")
        if base is not None:
            err("base", "a pass item has no base value")
    elif direction in ("higher", "lower"):
        if leading is not None and base is not None:
            if leading == base:
                err("base", f"base equals the leading value ({_fmt(leading)})")
            elif (direction == "higher") != (leading > base):
                better = "above" if direction == "higher" else "below"
                err("leading", f"leading {_fmt(leading)} must be {better} base {_fmt(base)}")
        if conf.method == "ratio" and leading is not None and leading <= 0:
            err("leading", f"{_fmt(leading)}: the ratio method needs a leading value above 0")
    if len(errors) > before:
        return None
    return Indicator(
        scheme=scheme,
        version=row["version"],
        id=row["id"],
        group=row["group"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        unit=row["unit"],
        direction=direction,
        leading=leading,
        base=base,
        mandatory=mandatory,
        weight=weight,
        formula=row["formula"],
        source=row["source"],
        valid_from=valid_from,
        valid_to=valid_to,
        confidence=row["confidence"],
        note=row["note"],
        ref=row.get("ref", ""),
        applies=applies,
        origin=f"{file}: row {n}",
    )


def _number(text: str, column: str, err: Any) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        err(column, f"{text!r} is not a number")
        return None
    if not math.isfinite(value):
        err(column, f"{text!r} is not a finite number")
        return None
    return value


def _date(text: str, column: str, err: Any) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        err(column, f"{text!r} is not a date (YYYY-MM-DD)")
        return None


def _conditions(text: str, err: Any) -> tuple[Condition, ...]:
    out: list[Condition] = []
    if not text:
        return ()
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        try:
            cond = _condition(part)
        except ValueError as exc:
            err("applies", f"{part!r}: {exc}")
            continue
        if any(c.attribute == cond.attribute for c in out):
            err("applies", f"{cond.attribute!r} appears twice")
            continue
        out.append(cond)
    return tuple(out)


def _condition(part: str) -> Condition:
    syntax = "write attribute:low..high (either end may be empty) or attribute=value"
    if "=" in part:
        name, _, value = (s.strip() for s in part.partition("="))
        if not _ATTRIBUTE.fullmatch(name):
            raise ValueError(f"bad attribute name; {syntax}")
        return Condition(name, _float(value, syntax), _float(value, syntax), equal=True)
    name, sep, rng = (s.strip() for s in part.partition(":"))
    if not sep or ".." not in rng or not _ATTRIBUTE.fullmatch(name):
        raise ValueError(syntax)
    lo_text, _, hi_text = (s.strip() for s in rng.partition(".."))
    low = _float(lo_text, syntax) if lo_text else None
    high = _float(hi_text, syntax) if hi_text else None
    if low is None and high is None:
        raise ValueError(f"an empty range; {syntax}")
    if low is not None and high is not None and low >= high:
        raise ValueError("low must be below high")
    return Condition(name, low, high)


def _float(text: str, syntax: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number; {syntax}") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def _overlap(a: Indicator, b: Indicator) -> bool:
    """Rows whose validity periods and park conditions overlap."""
    a_from, b_from = a.valid_from or date.min, b.valid_from or date.min
    a_to, b_to = a.valid_to or date.max, b.valid_to or date.max
    if a_from > b_to or b_from > a_to:
        return False
    return _conditions_overlap(a.applies, b.applies)


def _conditions_overlap(a: tuple[Condition, ...], b: tuple[Condition, ...]) -> bool:
    by_name = {c.attribute: c for c in b}
    return all(c.overlaps(by_name[c.attribute]) for c in a if c.attribute in by_name)


def _duplicates(rows: list[tuple[int, Indicator]], file: str) -> list[RowError]:
    errors = []
    seen: dict[str, list[tuple[int, Indicator]]] = {}
    for n, r in rows:
        for m, other in seen.get(r.id, []):
            if _overlap(r, other):
                reason = (
                    f"duplicate id {r.id!r}: row {m} has the same id with overlapping "
                    "valid_from..valid_to and applies"
                )
                errors.append(RowError(file, n, "id", reason))
                break
        seen.setdefault(r.id, []).append((n, r))
    return errors


def _in_force(rows: list[Indicator], year: int) -> tuple[Indicator, ...]:
    """Rows valid in ``year``; of overlapping variants, the latest ``valid_from``."""
    valid = [r for r in rows if r.valid_in(year)]
    newest_first = sorted(valid, key=lambda r: r.valid_from or date.min, reverse=True)
    kept: list[Indicator] = []
    for r in newest_first:
        if not any(k.id == r.id and _conditions_overlap(k.applies, r.applies) for k in kept):
            kept.append(r)
    keep = {id(r) for r in kept}
    return tuple(r for r in valid if id(r) in keep)


def _number_or_error(value: Any, what: str) -> float:
    if isinstance(value, bool):
        return float(value)
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{what}: {value!r} is not a number")
    return float(value)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"
