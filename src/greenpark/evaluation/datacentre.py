"""Green data centres: PUE, WUE, cooling load and renewable share per month and year, from
the meters, checked against the national green data-centre criteria and GB 40879-2021 grades
(issue 8 point 4; ``docs/evaluation-datacentre-sponge.md``).

Definitions (all energies in kWh, water in m³ or L as stated):

- **PUE** [-] = total facility energy / IT equipment energy (电能利用效率; GB 40879-2021 calls
  the same ratio 电能比; the 2025 green data-centre criteria require PUE <= 1.30);
- **WUE** [L/kWh] = site water use [L] / IT equipment energy [kWh] (The Green Grid);
- **CLF** [-] = cooling energy / IT equipment energy (cooling load factor);
- **renewable share** [%] = renewable electricity / total facility energy x 100.

Annual values are **energy-weighted**: annual PUE = sum of the months' total energy / sum of
their IT energy, *not* the mean of the monthly PUEs (a month with a large IT load weighs more;
the mean is reported beside it as ``pue_monthly_mean`` only for comparison). The same holds
for WUE, CLF and the renewable share.

Three layers:

- pure: :func:`pue`, :func:`wue`, :func:`monthly_metrics` (a monthly table -> months and
  years), :func:`gb40879_grade` with the grade table :data:`GB40879_GRADES_CSV`;
- :func:`check`: the annual figures scored against the ``green-data-centre`` catalogue
  (``catalogues/green_data_centre.csv``) with :func:`~greenpark.evaluation.score_scheme`;
- store: :func:`find_datacentres` finds each data centre's meters by role and
  :func:`datacentre_months` reads their ``meter_month`` totals (SQLAlchemy Core), by default
  pro-rated to each meter's share of expected readings (``fill="scale"``): unequal gaps in
  the main and IT meters would otherwise bias the PUE.

Meter roles (the rule, derived from the demo park; override it with ``meters=``):

- the **total** (main) meter is a top-level (no parent), real (no formula) ``consumption``
  electricity meter of an enterprise that has at least one IT sub-meter;
- an **IT** sub-meter is a real electricity meter whose parent is that main meter and whose
  code ends ``-IT`` (case-insensitive), or whose name holds the word ``IT`` (upper case);
- a **cooling** sub-meter likewise: code ends ``-CL``, ``-COOL`` or ``-COOLING``, or the name
  says cooling / 制冷 / 空调 / 冷却;
- **water**: the enterprise's top-level real consumption water meters, summed;
- **renewable**: the enterprise's real ``production`` electricity meters flagged
  ``renewable`` (on-site PV), plus its ledger entries of green certificates (``gec``) and
  green-power contracts (``green_power``) [MWh -> kWh]; nothing recorded counts as 0.

The demo park (``greenpark.demo.park._meters``) gives each data centre ``{code}-EL`` (main),
``{code}-EL-IT`` (IT load), ``{code}-EL-CL`` (cooling), ``{code}-WA`` (water) and a virtual
``{code}-EL-ITC`` (IT + cooling, a formula: never read).
"""

from __future__ import annotations

import calendar
import csv
import io
import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from greenpark.errors import InputError
from greenpark.evaluation.catalogue import Scheme, load_scheme
from greenpark.evaluation.scoring import SchemeScore, score_scheme

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = [
    "COMPUTED",
    "COOLING_CODE",
    "COOLING_NAME",
    "FILLS",
    "GAP_TOLERANCE",
    "GB40879_GRADES_CSV",
    "IT_CODE",
    "IT_NAME",
    "ROLES",
    "WATER_UNITS",
    "DataCentreCheck",
    "DataCentreMeters",
    "DataCentreMetrics",
    "Grade",
    "check",
    "datacentre_months",
    "find_datacentres",
    "gb40879_grade",
    "load_grades",
    "monthly_metrics",
    "pue",
    "wue",
]

#: Litres per unit of water volume accepted by :func:`wue`.
WATER_UNITS: Final[dict[str, float]] = {"m³": 1000.0, "m3": 1000.0, "L": 1.0, "l": 1.0}

#: GB 40879-2021 grades as data: the highest PUE (电能比) of each grade, inclusive
#: (PUE 1.30 is grade 2). Grade 1 is best; grade 3 is the limit value (能效限定值), V2 in
#: ``../shared/reference/standards.md`` 8.3; the PUE numbers are **U** there (from memory,
#: not read in the standard). Correct them in a copy and pass ``grades=load_grades(path)``.
GB40879_GRADES_CSV: Final[str] = """\
standard,grade,pue_max,source,confidence,note
GB 40879-2021,1,1.20,GB 40879-2021 数据中心能效限定值及能效等级 (effective 2022-11-01),U,\
grade 1 = most efficient; threshold not read in the standard (standards.md 8.3)
GB 40879-2021,2,1.30,GB 40879-2021 数据中心能效限定值及能效等级 (effective 2022-11-01),U,\
the 2025 green data-centre criteria ask for grade 2 or better (V2); threshold U
GB 40879-2021,3,1.50,GB 40879-2021 数据中心能效限定值及能效等级 (effective 2022-11-01),U,\
grade 3 = the limit value (V2); a data centre above it fails the mandatory standard; threshold U
"""
_GRADE_COLUMNS = ("standard", "grade", "pue_max", "source", "confidence", "note")

#: The meter-role rule (see the module docstring).
IT_CODE: Final[re.Pattern[str]] = re.compile(r"-IT$", re.IGNORECASE)
IT_NAME: Final[re.Pattern[str]] = re.compile(r"(?<![A-Za-z])IT(?![A-Za-z])")
COOLING_CODE: Final[re.Pattern[str]] = re.compile(r"-(CL|COOL|COOLING)$", re.IGNORECASE)
COOLING_NAME: Final[re.Pattern[str]] = re.compile(r"cooling|制冷|空调|冷却", re.IGNORECASE)
#: Roles of an override mapping (``meters=``); ``total`` and ``it`` are required.
ROLES: Final[tuple[str, ...]] = ("total", "it", "cooling", "water", "renewable")
#: How :func:`datacentre_months` treats missing readings (``scale``: pro rata to the share
#: of expected readings; ``none``: stored totals as they are).
FILLS: Final[tuple[str, ...]] = ("scale", "none")
#: A month whose total and IT meters miss shares of readings differing by more than this
#: [-] is flagged: its PUE is biased (``fill="scale"`` pro-rates).
GAP_TOLERANCE: Final[float] = 0.01
#: Ledger entry kinds counted as renewable electricity [MWh] (``greenpark.ledger.entries``).
GREEN_ENTRY_KINDS: Final[tuple[str, ...]] = ("gec", "green_power")

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_ENERGY = ("total_kwh", "it_kwh", "cooling_kwh", "water_m3", "renewable_kwh")
_LABELS = ("park", "enterprise_name", "meters", "fill")
_SHARES = ("total_completeness", "it_completeness", "completeness")


# --- pure metrics -----------------------------------------------------------------------------


def pue(total_kwh: float, it_kwh: float) -> float:
    """Power usage effectiveness [-] = total facility energy / IT equipment energy.

    Parameters
    ----------
    total_kwh : float
        Total facility energy [kWh] (main meter: IT + cooling + power distribution losses,
        lighting...) over the period.
    it_kwh : float
        IT equipment energy [kWh] over the same period.

    Examples
    --------
    >>> pue(1_300_000, 1_000_000)
    1.3

    Raises
    ------
    InputError
        IT energy <= 0 (PUE undefined), a negative or non-finite value, or a total below the
        IT energy (PUE < 1 is impossible: the total includes the IT load; check the meters).
    """
    total = _finite(total_kwh, "total facility energy")
    it = _finite(it_kwh, "IT equipment energy")
    if it <= 0:
        raise InputError(
            f"IT equipment energy is {it:g} kWh: PUE = total / IT needs an IT energy above 0"
        )
    if total < 0:
        raise InputError(f"total facility energy is negative ({total:g} kWh)")
    if total < it * (1 - 1e-12):
        raise InputError(
            f"total facility energy {total:g} kWh is below the IT energy {it:g} kWh (PUE "
            f"{total / it:.3f} < 1): the total must include the IT load; check the meters"
        )
    return total / it


def wue(water: float, it_kwh: float, *, water_unit: str = "m³") -> float:
    """Water usage effectiveness [L/kWh] = site water use [L] / IT equipment energy [kWh].

    Parameters
    ----------
    water : float
        Water used by the site over the period, in ``water_unit`` (``m³``, as the store's
        water meters, or ``L``).
    it_kwh : float
        IT equipment energy [kWh] over the same period.
    water_unit : str
        ``m³`` (also ``m3``) or ``L``; 1 m³ = 1 000 L.

    Examples
    --------
    >>> wue(1_800, 1_000_000)  # 1 800 m³ over 1 GWh of IT energy
    1.8

    Raises
    ------
    InputError
        IT energy <= 0, negative or non-finite water, or an unknown unit.
    """
    if water_unit not in WATER_UNITS:
        raise InputError(f"water unit {water_unit!r}: use one of {', '.join(WATER_UNITS)}")
    w = _finite(water, "water use")
    it = _finite(it_kwh, "IT equipment energy")
    if it <= 0:
        raise InputError(
            f"IT equipment energy is {it:g} kWh: WUE = water / IT needs an IT energy above 0"
        )
    if w < 0:
        raise InputError(f"water use is negative ({w:g} {water_unit})")
    return w * WATER_UNITS[water_unit] / it


@dataclass(frozen=True)
class DataCentreMetrics:
    """The result of :func:`monthly_metrics`.

    ``months``: one row per data centre and month with the inputs and ``pue`` [-], ``clf``
    [-], ``wue_l_per_kwh`` [L/kWh], ``renewable_share_pct`` [%] and ``problem`` (why a value
    is missing or suspect; empty when fine).

    ``years``: one row per data centre and year (``YYYY`` of the months) with ``months`` (how
    many months have both a total and an IT energy), ``complete`` (all 12 do),
    ``total_kwh`` / ``it_kwh`` (sums over those months: annual PUE = total_kwh / it_kwh),
    ``cooling_kwh``, ``water_m3``, ``renewable_kwh``, the energy-weighted ``pue``, ``clf``,
    ``wue_l_per_kwh``, ``renewable_share_pct``, ``pue_monthly_mean`` (the plain mean of the
    monthly PUEs, for comparison only) and ``problem``.
    """

    months: pd.DataFrame
    years: pd.DataFrame


def monthly_metrics(frame: pd.DataFrame) -> DataCentreMetrics:
    """PUE, CLF, WUE and renewable share per data centre and month, and for each year.

    Parameters
    ----------
    frame : DataFrame
        One row per data centre and month. Required columns: ``enterprise`` (any label; the
        credit code from the store), ``month`` (``YYYY-MM``), ``total_kwh`` (total facility
        energy [kWh]) and ``it_kwh`` (IT equipment energy [kWh]). Optional: ``cooling_kwh``
        [kWh], ``water_m3`` [m³], ``renewable_kwh`` [kWh], the reading shares
        ``total_completeness``, ``it_completeness``, ``completeness`` [-] and ``fill``, and the
        labels ``park``, ``enterprise_name``, ``meters`` (all carried through, as
        :func:`datacentre_months` gives them). NaN = no value.

    Returns
    -------
    DataCentreMetrics
        ``months`` and ``years`` tables. Annual ratios are energy-weighted, each over the
        months that have both of its inputs: PUE = sum(total) / sum(IT), WUE = sum(water) x
        1000 / sum(IT), CLF = sum(cooling) / sum(IT), renewable share = 100 x sum(renewable) /
        sum(total). A month without IT energy (IT <= 0 or missing) has no PUE and is named in
        ``problem``; so is a month with PUE < 1 (a metering error), whose value is kept, and
        a month whose total and IT meters miss shares of readings differing by more than
        :data:`GAP_TOLERANCE` (its PUE is biased; unless ``fill`` is ``scale``). The year's
        ``completeness`` is the lowest of its months'.

    Raises
    ------
    InputError
        A missing required column, a bad month, a negative or non-numeric value, or the same
        data centre and month twice.
    """
    missing = [c for c in ("enterprise", "month", "total_kwh", "it_kwh") if c not in frame]
    if missing:
        raise InputError(f"monthly data-centre table: column(s) {', '.join(missing)} missing")
    df = frame.copy()
    for c in _ENERGY:
        if c not in df:
            df[c] = math.nan
        try:
            df[c] = pd.to_numeric(df[c]).astype(float)
        except (TypeError, ValueError) as exc:
            raise InputError(f"monthly data-centre table: column {c!r}: {exc}") from None
        bad = df[c] < 0
        if bad.any():
            row = df.loc[bad].iloc[0]
            raise InputError(
                f"monthly data-centre table: {c} is negative ({row[c]:g}) for "
                f"{row['enterprise']} in {row['month']}"
            )
    df["month"] = df["month"].astype(str)
    bad_months = sorted({m for m in df["month"] if not _MONTH.match(m)})
    if bad_months:
        raise InputError(f"monthly data-centre table: month(s) {bad_months} are not YYYY-MM")
    df["enterprise"] = df["enterprise"].astype(str)
    dup = df.duplicated(["enterprise", "month"], keep=False)
    if dup.any():
        row = df.loc[dup].iloc[0]
        raise InputError(
            f"monthly data-centre table: {row['enterprise']} {row['month']} appears twice"
        )
    labels = [c for c in _LABELS if c in df]
    shares = [c for c in _SHARES if c in df]
    for c in shares:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    df = df.sort_values(["enterprise", "month"], kind="stable").reset_index(drop=True)
    it_ok = df["it_kwh"] > 0
    df["pue"] = (df["total_kwh"] / df["it_kwh"]).where(it_ok)
    df["clf"] = (df["cooling_kwh"] / df["it_kwh"]).where(it_ok)
    df["wue_l_per_kwh"] = (df["water_m3"] * 1000.0 / df["it_kwh"]).where(it_ok)
    df["renewable_share_pct"] = (100.0 * df["renewable_kwh"] / df["total_kwh"]).where(
        df["total_kwh"] > 0
    )
    df["problem"] = [_month_problem(r) for r in df.to_dict("records")]
    months = df[
        [
            *(c for c in ("park",) if c in labels),
            "enterprise",
            *(c for c in ("enterprise_name",) if c in labels),
            "month",
            *_ENERGY,
            "pue",
            "clf",
            "wue_l_per_kwh",
            "renewable_share_pct",
            *shares,
            *(c for c in ("fill",) if c in labels),
            "problem",
            *(c for c in ("meters",) if c in labels),
        ]
    ]
    df["year"] = df["month"].str.slice(0, 4).astype(int)
    years = [
        _year_row(enterprise, year, g, labels)
        for (enterprise, year), g in df.groupby(["enterprise", "year"], sort=True)
    ]
    year_columns = [
        *(c for c in ("park",) if c in labels),
        "enterprise",
        *(c for c in ("enterprise_name",) if c in labels),
        "year",
        "months",
        "complete",
        *_ENERGY,
        "pue",
        "clf",
        "wue_l_per_kwh",
        "renewable_share_pct",
        "pue_monthly_mean",
        *(c for c in ("completeness",) if c in shares),
        *(c for c in ("fill",) if c in labels),
        "problem",
        *(c for c in ("meters",) if c in labels),
    ]
    return DataCentreMetrics(
        months=months.reset_index(drop=True),
        years=pd.DataFrame(years, columns=year_columns),
    )


def _month_problem(r: Mapping[str, Any]) -> str:
    total, it = r["total_kwh"], r["it_kwh"]
    if math.isnan(total):
        return "no total facility energy"
    if math.isnan(it):
        return "no IT energy"
    if it <= 0:
        return "IT energy is 0: PUE undefined"
    problems = []
    if total < it * (1 - 1e-12):
        problems.append(f"PUE {total / it:.3f} < 1: total below IT energy, check the meters")
    tc, ic = r.get("total_completeness", math.nan), r.get("it_completeness", math.nan)
    if r.get("fill") != "scale" and abs(tc - ic) > GAP_TOLERANCE:  # False when either is NaN
        problems.append(
            f"unequal gaps: total meter {100 * tc:.1f} % of its readings, IT meter "
            f"{100 * ic:.1f} %: PUE biased (fill='scale' pro-rates)"
        )
    return "; ".join(problems)


def _paired(g: pd.DataFrame, num: str, den: str) -> tuple[float, float]:
    both = g[num].notna() & g[den].notna()
    return float(g.loc[both, num].sum()), float(g.loc[both, den].sum())


def _year_row(enterprise: str, year: int, g: pd.DataFrame, labels: list[str]) -> dict[str, Any]:
    valid = g["total_kwh"].notna() & g["it_kwh"].notna()
    total, it = float(g.loc[valid, "total_kwh"].sum()), float(g.loc[valid, "it_kwh"].sum())
    cool, it_c = _paired(g, "cooling_kwh", "it_kwh")
    water, it_w = _paired(g, "water_m3", "it_kwh")
    ren, total_r = _paired(g, "renewable_kwh", "total_kwh")
    n = int(valid.sum())
    problems = []
    if n < 12:
        have = set(g.loc[valid, "month"])
        lacking = [f"{year}-{m:02d}" for m in range(1, 13) if f"{year}-{m:02d}" not in have]
        problems.append(f"{n} of 12 months with total and IT energy (lacking {', '.join(lacking)})")
    if it <= 0:
        problems.append("no IT energy in the year: PUE undefined")
    bad = [p for p in g["problem"] if "< 1" in p]
    if bad:
        problems.append(f"{len(bad)} month(s) with PUE < 1")
    gaps = [p for p in g["problem"] if "unequal gaps" in p]
    if gaps:
        problems.append(f"{len(gaps)} month(s) with unequal gaps in the total and IT meters")
    monthly = g["pue"].dropna()
    row: dict[str, Any] = {
        "enterprise": enterprise,
        "year": int(year),
        "months": n,
        "complete": n == 12,
        "total_kwh": total if n else math.nan,
        "it_kwh": it if n else math.nan,
        "cooling_kwh": cool if g["cooling_kwh"].notna().any() else math.nan,
        "water_m3": water if g["water_m3"].notna().any() else math.nan,
        "renewable_kwh": ren if g["renewable_kwh"].notna().any() else math.nan,
        "pue": total / it if it > 0 else math.nan,
        "clf": cool / it_c if it_c > 0 and g["cooling_kwh"].notna().any() else math.nan,
        "wue_l_per_kwh": water * 1000.0 / it_w
        if it_w > 0 and g["water_m3"].notna().any()
        else math.nan,
        "renewable_share_pct": 100.0 * ren / total_r
        if total_r > 0 and g["renewable_kwh"].notna().any()
        else math.nan,
        "pue_monthly_mean": float(monthly.mean()) if len(monthly) else math.nan,
        "problem": "; ".join(problems),
    }
    if "completeness" in g:
        row["completeness"] = float(g["completeness"].min())
    for c in labels:
        values = [v for v in dict.fromkeys(g[c]) if isinstance(v, str) and v]
        row[c] = " | ".join(values)
    return row


# --- GB 40879 grades --------------------------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    """One energy-efficiency grade: the highest PUE it allows (inclusive), and where from."""

    standard: str
    grade: int
    pue_max: float
    source: str
    confidence: str
    note: str = ""


def load_grades(path: Path | str | None = None) -> tuple[Grade, ...]:
    """The GB 40879 grade table: :data:`GB40879_GRADES_CSV`, or a corrected copy at ``path``
    (same columns: ``standard, grade, pue_max, source, confidence, note``), best grade first.

    Raises
    ------
    InputError
        Unreadable file, missing column, a bad number or confidence mark, grades not 1, 2, ...
        or limits that do not rise with the grade number.
    """
    if path is None:
        text, where = GB40879_GRADES_CSV, "GB40879_GRADES_CSV"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"{path}: cannot read the grade table: {exc}") from exc
        where = str(path)
    reader = csv.DictReader(io.StringIO(text))
    lacking = [c for c in _GRADE_COLUMNS if c not in (reader.fieldnames or [])]
    if lacking:
        raise InputError(f"{where}: column(s) {', '.join(lacking)} missing")
    grades = []
    for n, row in enumerate(reader, start=2):
        try:
            grade, pue_max = int(row["grade"]), float(row["pue_max"])
        except (TypeError, ValueError):
            raise InputError(f"{where}: row {n}: grade or pue_max is not a number") from None
        if not math.isfinite(pue_max) or pue_max < 1:
            raise InputError(f"{where}: row {n}: pue_max {pue_max:g} must be a number >= 1")
        if row["confidence"] not in ("V2", "S1", "U"):
            raise InputError(f"{where}: row {n}: confidence {row['confidence']!r} not V2/S1/U")
        grades.append(
            Grade(
                row["standard"].strip(),
                grade,
                pue_max,
                row["source"].strip(),
                row["confidence"],
                (row["note"] or "").strip(),
            )
        )
    grades.sort(key=lambda g: g.grade)
    if [g.grade for g in grades] != list(range(1, len(grades) + 1)):
        raise InputError(f"{where}: grades must be 1, 2, ... without gaps")
    if any(a.pue_max >= b.pue_max for a, b in itertools.pairwise(grades)):
        raise InputError(f"{where}: pue_max must rise from grade 1 to the last grade")
    return tuple(grades)


def gb40879_grade(pue_value: float, grades: Sequence[Grade] | None = None) -> int:
    """The GB 40879-2021 grade of an annual PUE: 1 (best) .. 3 (the limit value).

    A PUE at a grade's threshold belongs to that grade (1.30 is grade 2). Above the last
    grade's threshold (1.50, U) the data centre fails the limit value: the function returns
    the last grade + 1 (4), the value the catalogue's ``gb40879_grade`` indicator (leading 2,
    lower is better) then fails on.
    """
    table = load_grades() if grades is None else tuple(grades)
    v = _finite(pue_value, "PUE")
    for g in table:
        if v <= g.pue_max + 1e-9:
            return g.grade
    return len(table) + 1


# --- checking against the criteria ------------------------------------------------------------


@dataclass(frozen=True)
class DataCentreCheck:
    """One data centre and year checked against the green data-centre criteria.

    ``pue`` is the annual energy-weighted PUE, ``grade`` its GB 40879 grade (4 = worse than
    the limit value), ``within_limit`` whether the PUE meets the limit value (grade 3 or
    better), ``complete`` whether all 12 months had data. ``values`` are the indicator values
    given to the scheme (computed ones and the manual ones passed in) and ``score`` the
    :class:`~greenpark.evaluation.SchemeScore`; ``notes`` say what is missing or partial.
    """

    enterprise: str
    year: int
    pue: float | None
    grade: int | None
    grade_pue_max: float | None
    within_limit: bool | None
    complete: bool
    values: Mapping[str, float | None]
    score: SchemeScore
    notes: tuple[str, ...] = field(default=())
    enterprise_name: str = ""

    @property
    def passed(self) -> bool | None:
        """All mandatory criteria met (``None`` while some lack a value)."""
        return self.score.passed

    @property
    def pue_reached(self) -> bool | None:
        """PUE at or below the catalogue's leading value (1.30)."""
        return self.score.indicator("pue").reached if "pue" in self.score.scheme.ids else None


#: Indicators of the green-data-centre scheme that :func:`check` computes from the meters.
COMPUTED: Final[tuple[str, ...]] = ("pue", "gb40879_grade", "renewable_share_margin")


def check(
    metrics: DataCentreMetrics | pd.DataFrame,
    scheme: Scheme | str = "green-data-centre",
    *,
    province_weight_pct: float | Mapping[int, float] | None = None,
    values: Mapping[str, Mapping[str, float | None]] | None = None,
    grades: Sequence[Grade] | None = None,
) -> tuple[DataCentreCheck, ...]:
    """Check each data centre's annual figures against the green data-centre criteria.

    Computed indicator values (when the scheme has the indicator):

    - ``pue``: the annual energy-weighted PUE (catalogue: PUE <= 1.30, V2);
    - ``gb40879_grade``: :func:`gb40879_grade` of that PUE (grade 2 or better, V2; the grade
      thresholds are U, :data:`GB40879_GRADES_CSV`);
    - ``renewable_share_margin``: the annual renewable share [%] minus
      ``province_weight_pct``, the province's renewable-consumption responsibility weight for
      the year [%] (left without a value when the weight is not given: it is not shipped).

    The other criteria (GB/T 44989 grade, servers, racks, rack utilisation, years of
    operation, hub node) are not metered: give them per data centre in ``values``.

    Parameters
    ----------
    metrics : DataCentreMetrics or DataFrame
        From :func:`monthly_metrics` (its ``years`` are used), or such a ``years`` table.
    scheme : Scheme or str
        A loaded scheme (e.g. a corrected catalogue), or a scheme name loaded for each data
        year (default ``green-data-centre``; its rows are in force from 2025).
    province_weight_pct : float or mapping year -> float, optional
        The provincial renewable-consumption responsibility weight [%].
    values : mapping, optional
        Enterprise -> {indicator id: value} for the manual criteria.
    grades : sequence of Grade, optional
        A corrected GB 40879 grade table (:func:`load_grades`).

    Raises
    ------
    InputError
        A manual value for a computed indicator, an unknown indicator id, or a scheme name
        with no rows in force in the data year.
    """
    years = metrics.years if isinstance(metrics, DataCentreMetrics) else metrics
    needed = [c for c in ("enterprise", "year", "pue") if c not in years]
    if needed:
        raise InputError(f"annual data-centre table: column(s) {', '.join(needed)} missing")
    table = load_grades() if grades is None else tuple(grades)
    manual = values or {}
    for enterprise, given in manual.items():
        clash = sorted(set(given) & set(COMPUTED))
        if clash:
            raise InputError(
                f"{enterprise}: {', '.join(clash)} are computed from the meters, not entered"
            )
    loaded: dict[int, Scheme] = {}
    out = []
    for row in years.to_dict("records"):
        year = int(row["year"])
        if isinstance(scheme, Scheme):
            sch = scheme
        else:
            if year not in loaded:
                loaded[year] = load_scheme(scheme, year=year)
            sch = loaded[year]
        notes: list[str] = []
        v = _number_or_none(row.get("pue"))
        grade = None if v is None else gb40879_grade(v, table)
        limit = table[-1].pue_max
        within = None if grade is None else grade <= len(table)
        grade_max = None if grade is None or grade > len(table) else table[grade - 1].pue_max
        if v is None:
            notes.append("no annual PUE: " + (str(row.get("problem") or "no IT energy")))
        complete = bool(row.get("complete", False))
        if not complete and v is not None:
            notes.append(f"partial year ({row.get('months', '?')} months): PUE from those months")
        share = _number_or_none(row.get("renewable_share_pct"))
        weight = (
            province_weight_pct.get(year)
            if isinstance(province_weight_pct, Mapping)
            else province_weight_pct
        )
        computed: dict[str, float | None] = {
            "pue": v,
            "gb40879_grade": None if grade is None else float(grade),
            "renewable_share_margin": None if share is None or weight is None else share - weight,
        }
        if weight is None:
            notes.append("renewable_share_margin: give province_weight_pct (not shipped)")
        elif share is None:
            notes.append("renewable_share_margin: no renewable share")
        if grade is not None and grade > len(table):
            notes.append(f"PUE {v:.3f} above the GB 40879 limit value {limit:g} (U)")
        vals: dict[str, float | None] = {k: x for k, x in computed.items() if k in sch.ids}
        vals.update(manual.get(str(row["enterprise"]), {}))
        out.append(
            DataCentreCheck(
                enterprise=str(row["enterprise"]),
                enterprise_name=str(row.get("enterprise_name", "") or ""),
                year=year,
                pue=v,
                grade=grade,
                grade_pue_max=grade_max,
                within_limit=within,
                complete=complete,
                values=vals,
                score=score_scheme(sch, vals),
                notes=tuple(notes),
            )
        )
    return tuple(out)


# --- the store --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataCentreMeters:
    """A data centre's meters by role (codes), and how they were found (``rule`` =
    ``codes`` for the naming rule, ``override`` for a ``meters=`` mapping)."""

    park: str
    enterprise: str
    enterprise_name: str
    total: tuple[str, ...]
    it: tuple[str, ...]
    cooling: tuple[str, ...] = ()
    water: tuple[str, ...] = ()
    renewable: tuple[str, ...] = ()
    rule: str = "codes"
    enterprise_id: int | None = field(default=None, compare=False)

    def describe(self) -> str:
        """``total GA001-EL; it GA001-EL-IT; ...`` (the provenance of the monthly rows)."""
        parts = [f"{r} {'+'.join(getattr(self, r))}" for r in ROLES if getattr(self, r)]
        return "; ".join(parts) + f" ({self.rule})"


@dataclass(frozen=True)
class _M:
    id: int
    code: str
    name: str
    carrier: str
    unit: str
    parent_id: int | None
    direction: str
    virtual: bool
    renewable: bool
    interval_s: int
    enterprise_id: int | None
    credit_code: str
    enterprise_name: str
    park: str


def find_datacentres(
    conn: Connection,
    park_code: str | None = None,
    *,
    meters: Mapping[str, Mapping[str, str | Sequence[str]]] | None = None,
) -> tuple[DataCentreMeters, ...]:
    """Each data centre of the park(s) with its meters by role (the rule of the module
    docstring), ordered by park and credit code.

    Parameters
    ----------
    conn : Connection
        An open SQLAlchemy connection to the store.
    park_code : str, optional
        One park; all parks when ``None``.
    meters : mapping, optional
        Override: enterprise credit code -> {role: meter code or codes}, roles ``total`` and
        ``it`` (required), ``cooling``, ``water``, ``renewable``. It replaces the rule for that
        enterprise, and names data centres the rule does not find.

    Raises
    ------
    InputError
        Unknown park, an override naming an unknown or virtual meter, a role missing or
        unknown, or a sub-meter that looks both IT and cooling.
    """
    from sqlalchemy import select

    from greenpark.store.schema import Enterprise, Meter, Park

    q = (
        select(
            Meter.id, Meter.code, Meter.name, Meter.carrier, Meter.unit, Meter.parent_id,
            Meter.direction, Meter.formula, Meter.renewable, Meter.interval_s,
            Meter.enterprise_id, Enterprise.credit_code, Enterprise.name, Park.code,
        )
        .join(Park, Park.id == Meter.park_id)
        .outerjoin(Enterprise, Enterprise.id == Meter.enterprise_id)
        .order_by(Park.code, Meter.code)
    )  # fmt: skip
    if park_code is not None:
        if conn.execute(select(Park.id).where(Park.code == park_code)).first() is None:
            raise InputError(f"no park {park_code!r} in the store")
        q = q.where(Park.code == park_code)
    rows = [
        _M(
            id=r[0], code=r[1], name=r[2] or "", carrier=r[3], unit=r[4] or "",
            parent_id=r[5], direction=r[6], virtual=bool(r[7]), renewable=bool(r[8]),
            interval_s=int(r[9] or 900), enterprise_id=r[10], credit_code=r[11] or "",
            enterprise_name=r[12] or "", park=r[13],
        )
        for r in conn.execute(q)
    ]  # fmt: skip
    by_code = {m.code: m for m in rows}
    children: dict[int, list[_M]] = {}
    for m in rows:
        if m.parent_id is not None:
            children.setdefault(m.parent_id, []).append(m)

    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    owners: dict[tuple[str, str], _M] = {}
    for main in rows:
        if not (
            main.parent_id is None
            and not main.virtual
            and main.direction == "consumption"
            and main.carrier == "electricity"
            and main.enterprise_id is not None
        ):
            continue
        it, cooling = [], []
        for sub in children.get(main.id, []):
            if sub.virtual or sub.carrier != "electricity":
                continue
            is_it = bool(IT_CODE.search(sub.code) or IT_NAME.search(sub.name))
            is_cool = bool(COOLING_CODE.search(sub.code) or COOLING_NAME.search(sub.name))
            if is_it and is_cool:
                raise InputError(
                    f"meter {sub.code!r} ({sub.name!r}) looks both IT and cooling: name its "
                    f"roles with meters={{{main.credit_code!r}: {{'total': ..., 'it': ...}}}}"
                )
            if is_it:
                it.append(sub.code)
            elif is_cool:
                cooling.append(sub.code)
        if not it:
            continue
        key = (main.park, main.credit_code)
        roles = found.setdefault(key, {r: [] for r in ROLES})
        roles["total"].append(main.code)
        roles["it"] += it
        roles["cooling"] += cooling
        owners[key] = main
    for key, roles in found.items():
        owner = owners[key]
        for m in rows:
            if m.enterprise_id != owner.enterprise_id or m.virtual:
                continue
            if m.carrier == "water" and m.parent_id is None and m.direction == "consumption":
                roles["water"].append(m.code)
            if m.carrier == "electricity" and m.direction == "production" and m.renewable:
                roles["renewable"].append(m.code)

    out: dict[tuple[str, str], DataCentreMeters] = {}
    for key, roles in found.items():
        o = owners[key]
        out[key] = DataCentreMeters(
            park=o.park,
            enterprise=o.credit_code,
            enterprise_name=o.enterprise_name,
            enterprise_id=o.enterprise_id,
            **{r: tuple(codes) for r, codes in roles.items()},
        )
    for enterprise, spec in (meters or {}).items():
        dc = _override(enterprise, spec, by_code)
        out = {k: v for k, v in out.items() if v.enterprise != enterprise}
        out[(dc.park, dc.enterprise)] = dc
    return tuple(out[k] for k in sorted(out))


def _override(
    enterprise: str, spec: Mapping[str, str | Sequence[str]], by_code: Mapping[str, _M]
) -> DataCentreMeters:
    unknown = sorted(set(spec) - set(ROLES))
    if unknown:
        raise InputError(
            f"meters[{enterprise!r}]: unknown role(s) {', '.join(unknown)} "
            f"(roles: {', '.join(ROLES)})"
        )
    roles: dict[str, tuple[str, ...]] = {}
    for role in ROLES:
        codes = _codes(spec.get(role, ()))
        if role in ("total", "it") and not codes:
            raise InputError(f"meters[{enterprise!r}]: role {role!r} is required")
        for code in codes:
            m = by_code.get(code)
            if m is None:
                raise InputError(f"meters[{enterprise!r}][{role!r}]: no meter {code!r}")
            if m.virtual:
                raise InputError(
                    f"meters[{enterprise!r}][{role!r}]: {code!r} is virtual (a formula, no "
                    "readings): name the real meters"
                )
            want = "water" if role == "water" else "electricity"
            if m.carrier != want:
                raise InputError(
                    f"meters[{enterprise!r}][{role!r}]: {code!r} is a {m.carrier} meter, not {want}"
                )
        roles[role] = codes
    first = by_code[roles["total"][0]]
    return DataCentreMeters(
        park=first.park,
        enterprise=enterprise,
        enterprise_name=first.enterprise_name if first.credit_code == enterprise else "",
        enterprise_id=first.enterprise_id if first.credit_code == enterprise else None,
        rule="override",
        **roles,
    )


def datacentre_months(
    conn: Connection,
    year: int,
    park_code: str | None = None,
    *,
    meters: Mapping[str, Mapping[str, str | Sequence[str]]] | None = None,
    green_entries: bool = True,
    fill: str = "scale",
) -> pd.DataFrame:
    """Monthly totals of each data centre's meters for ``year`` (input of
    :func:`monthly_metrics`), from ``meter_month`` (park-local calendar months).

    Parameters
    ----------
    conn : Connection
        An open SQLAlchemy connection to the store.
    year : int
        The data year.
    park_code : str, optional
        One park; all parks when ``None``.
    meters : mapping, optional
        Role override, see :func:`find_datacentres`.
    green_entries : bool
        Add the enterprise's ledger entries of green certificates and green-power contracts
        [MWh] to ``renewable_kwh`` (default ``True``).
    fill : str
        ``scale`` (default): each meter's monthly total divided by its share of expected
        readings (pro rata for missing intervals), so that a gap in the main meter but not
        in the IT meter does not bias the month's PUE (in the demo park, unequal gaps move
        a month's PUE by up to 0.10 and the year's by up to 0.02). ``none``: the stored
        monthly totals as they are (the ledger's figures); :func:`monthly_metrics` then
        flags months with unequal gaps. Ledger entries are never scaled.

    Returns
    -------
    DataFrame
        Columns ``park``, ``enterprise`` (credit code), ``enterprise_name``, ``month``
        (``YYYY-MM``), ``total_kwh``, ``it_kwh``, ``cooling_kwh`` [kWh], ``water_m3`` [m³],
        ``renewable_kwh`` [kWh], ``total_completeness`` and ``it_completeness`` (share of
        expected readings of the total and IT meters: readings / (days x 86 400 /
        interval), the lowest when a role has several meters), ``completeness`` (the lower
        of the two), ``fill`` and ``meters`` (the codes by role). A role without meters, or
        without a total that month, is NaN; ``renewable_kwh`` is 0 when nothing renewable is
        recorded. One row per month in which any of the data centre's meters has a total.

    Raises
    ------
    InputError
        As :func:`find_datacentres`, an unknown ``fill``, or a meter whose unit is not kWh
        (electricity) or m³ (water).
    """
    from sqlalchemy import select

    from greenpark.store.schema import LedgerEntry, Meter, MeterMonth

    if fill not in FILLS:
        raise InputError(f"fill {fill!r}: use one of {', '.join(FILLS)}")
    columns = [
        "park", "enterprise", "enterprise_name", "month", "total_kwh", "it_kwh", "cooling_kwh",
        "water_m3", "renewable_kwh", "total_completeness", "it_completeness", "completeness",
        "fill", "meters",
    ]  # fmt: skip
    dcs = find_datacentres(conn, park_code, meters=meters)
    if not dcs:
        return pd.DataFrame(columns=columns)
    codes = sorted({c for dc in dcs for r in ROLES for c in getattr(dc, r)})
    info = {
        code: (mid, unit or "", int(step or 900))
        for mid, code, unit, step in conn.execute(
            select(Meter.id, Meter.code, Meter.unit, Meter.interval_s).where(Meter.code.in_(codes))
        )
    }
    for dc in dcs:
        for role in ROLES:
            want = ("m³", "m3") if role == "water" else ("kWh",)
            for code in getattr(dc, role):
                if info[code][1] not in want:
                    raise InputError(
                        f"meter {code!r} ({role}) is in {info[code][1]!r}, expected {want[0]}"
                    )
    ids = [info[c][0] for c in codes]
    totals: dict[tuple[int, str], tuple[float, int]] = {}
    for mid, month, qty, n in conn.execute(
        select(MeterMonth.meter_id, MeterMonth.month, MeterMonth.quantity, MeterMonth.readings)
        .where(MeterMonth.meter_id.in_(ids))
        .where(MeterMonth.month >= f"{year:04d}-01", MeterMonth.month <= f"{year:04d}-12")
    ):
        totals[(mid, month)] = (float(qty), int(n))
    green: dict[tuple[int, str], float] = {}
    enterprise_ids = [dc.enterprise_id for dc in dcs if dc.enterprise_id is not None]
    if green_entries and enterprise_ids:
        for eid, month, qty in conn.execute(
            select(LedgerEntry.enterprise_id, LedgerEntry.month, LedgerEntry.quantity)
            .where(LedgerEntry.enterprise_id.in_(enterprise_ids))
            .where(LedgerEntry.kind.in_(GREEN_ENTRY_KINDS))
            .where(LedgerEntry.month >= f"{year:04d}-01", LedgerEntry.month <= f"{year:04d}-12")
        ):
            key = (int(eid), str(month))
            green[key] = green.get(key, 0.0) + float(qty) * 1000.0  # [MWh] -> [kWh]
    monthly = _Monthly(info, totals, fill)
    out = []
    for dc in dcs:
        dc_ids = {info[c][0] for r in ROLES for c in getattr(dc, r)}
        months = {m for (mid, m) in totals if mid in dc_ids}
        months |= {m for (eid, m) in green if eid == dc.enterprise_id}
        for month in sorted(months):
            renewable = monthly.total(dc.renewable, month)
            renewable = (0.0 if math.isnan(renewable) else renewable) + green.get(
                (dc.enterprise_id or -1, month), 0.0
            )
            total_c, it_c = monthly.share(dc.total, month), monthly.share(dc.it, month)
            out.append(
                {
                    "park": dc.park,
                    "enterprise": dc.enterprise,
                    "enterprise_name": dc.enterprise_name,
                    "month": month,
                    "total_kwh": monthly.total(dc.total, month),
                    "it_kwh": monthly.total(dc.it, month),
                    "cooling_kwh": monthly.total(dc.cooling, month),
                    "water_m3": monthly.total(dc.water, month),
                    "renewable_kwh": renewable,
                    "total_completeness": total_c,
                    "it_completeness": it_c,
                    "completeness": min(total_c, it_c),
                    "fill": fill,
                    "meters": dc.describe(),
                }
            )
    return pd.DataFrame(out, columns=columns)


@dataclass(frozen=True)
class _Monthly:
    """Monthly totals and reading shares of meters by code."""

    info: Mapping[str, tuple[int, str, int]]
    totals: Mapping[tuple[int, str], tuple[float, int]]
    fill: str

    def _share(self, code: str, month: str) -> float:
        mid, _, step = self.info[code]
        days = calendar.monthrange(int(month[:4]), int(month[5:]))[1]
        n = self.totals.get((mid, month), (0.0, 0))[1]
        return min(1.0, n * step / (days * 86_400))

    def share(self, codes: Sequence[str], month: str) -> float:
        """The lowest share of expected readings of ``codes`` in ``month`` [-]."""
        return min((self._share(c, month) for c in codes), default=math.nan)

    def total(self, codes: Sequence[str], month: str) -> float:
        """Sum of the meters' totals (NaN when none has one); pro rata with ``scale``."""
        present = []
        for c in codes:
            got = self.totals.get((self.info[c][0], month))
            if got is None:
                continue
            share = self._share(c, month)
            present.append(got[0] / share if self.fill == "scale" and share > 0 else got[0])
        return math.fsum(present) if present else math.nan


# --- helpers ----------------------------------------------------------------------------------


def _finite(value: Any, what: str) -> float:
    if isinstance(value, str | bytes):
        raise InputError(f"{what}: {value!r} is text, not a number")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what}: {value!r} is not a number") from None
    if not math.isfinite(v):
        raise InputError(f"{what}: {value!r} is not a finite number")
    return v


def _number_or_none(value: Any) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _codes(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)
