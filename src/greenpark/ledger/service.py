"""The ledger's workflows over the store: build a year's book, enter monthly figures,
change a factor (recompute and audit), set budgets, issue a 205-1 report.

Thin over :mod:`greenpark.ledger.book` (pure) and :mod:`greenpark.store.ledger` (SQL);
the CLI and the web call these.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import pandas as pd
from sqlalchemy import Connection

from greenpark.auth.service import audit
from greenpark.errors import InputError, RowError, RowsError
from greenpark.ledger.book import Book, BookInputs, build_book, form_rows
from greenpark.ledger.compute import CARRIER_RULES, LedgerOptions, UserFactor
from greenpark.ledger.entries import check_entries
from greenpark.standards import energy
from greenpark.store import ledger as db
from greenpark.store.db import Store
from greenpark.store.ledger import ParkRef

__all__ = [
    "FACTOR_UNITS",
    "FactorChange",
    "change_factor",
    "enter_figures",
    "issue_report",
    "load_book",
    "set_budget",
]

#: Unit of a user's factor by kind (the shipped tables' units).
FACTOR_UNITS: Final[dict[str, str]] = {
    "electricity": "tCO2/MWh",
    "fuel": "tCO2 per t or m³ of the fuel",
    "purchased": "tCO2/GJ",
    "coal": "kgce per the energy's unit in standard_coal.csv",
    "heating_value": "kJ per the energy's unit in standard_coal.csv (kJ/m³, kJ/kg)",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def with_user_factors(conn: Connection, options: LedgerOptions) -> LedgerOptions:
    """``options`` with the user's factor versions in force."""
    versions = tuple(
        UserFactor(v["kind"], v["key"], v["year"], v["value"], v["unit"], v["source"], v["id"])
        for v in db.factor_versions(conn)
    )
    return replace(options, user_factors=versions)


def read_inputs(conn: Connection, park: ParkRef, year: int) -> BookInputs:
    """Everything a book of ``year`` needs (the year and the one before)."""
    years = (year - 1, year)
    cons = pd.concat([db.monthly_quantities(conn, y, park.code) for y in years], ignore_index=True)
    prod = pd.concat([db.monthly_production(conn, y, park.code) for y in years], ignore_index=True)
    entries = pd.concat([db.list_entries(conn, park.id, year=y) for y in years], ignore_index=True)
    return BookInputs(
        year=year,
        consumption=cons,
        production=prod,
        entries=entries,
        enterprises=db.enterprise_table(conn, park.id, years),
        budgets=db.targets(conn, park.id, year),
    )


def load_book(
    conn: Connection, year: int, park_code: str | None = None, options: LedgerOptions | None = None
) -> tuple[ParkRef, Book]:
    """The park's ledger of ``year`` with the user's factors in force.

    Raises
    ------
    InputError
        No such park, or no energy recorded in ``year``.
    """
    from greenpark.store.dispatch import projected_runs

    park = db.resolve_park(conn, park_code)
    opts = with_user_factors(conn, options or LedgerOptions())
    inputs = read_inputs(conn, park, year)
    if not inputs.consumption["month"].str.startswith(f"{year:04d}-").any() and not (
        inputs.entries["month"].str.startswith(f"{year:04d}-").any()
    ):
        raise InputError(f"no energy recorded in {year} for park {park.code}")
    book = build_book(inputs, opts)
    runs = projected_runs(conn, park.id, year)
    book.summary["projected"] = {
        "source": "the station's day-ahead schedules (greenpark dispatch day-ahead) of days "
        "not metered yet: its grid and gas",
        "days": [str(r["day"]) for r in runs],
        **{k: sum(float(r[k] or 0.0) for r in runs)
           for k in ("tce", "tco2", "grid_kwh", "gas_m3", "cost")},
    }  # fmt: skip
    return park, book


@dataclass(frozen=True)
class EntriesWritten:
    """What :func:`enter_figures` wrote."""

    entries: int
    new: int
    replaced: int


def enter_figures(
    store: Store,
    rows: list[Mapping[str, Any]],
    *,
    park_code: str | None,
    who: str | None,
    source: str = "entries",
    first_row: int = 2,
    allowed: set[int] | None = None,
    ip: str | None = None,
    via: str | None = None,
) -> EntriesWritten:
    """Check and store hand-entered monthly figures, all or nothing, audited
    (``ledger.entry``: who, when, how (``via``: session, token, command line), the old
    values of what was replaced).

    ``allowed``: enterprise ids the caller may enter for (None: all, and park-level).
    ``first_row``: the row number of ``rows[0]`` in the errors (2 under a CSV header).

    Raises
    ------
    RowsError
        Every bad field, named by row and column; nothing is written.
    """
    with store.read() as conn:
        park = db.resolve_park(conn, park_code)
        ents = db.enterprise_ids(conn, park.id)
    if allowed is not None:
        ents = {c: i for c, i in ents.items() if i in allowed}
    checked = check_entries(list(rows), ents, source=source, first_row=first_row)
    errors = list(checked.errors)
    if allowed is not None:
        errors += [
            RowError(source, e["row"], "enterprise", "park-level figures need the park role")
            for e in checked.good
            if e["enterprise"] is None
        ]
    if errors:
        raise RowsError(sorted(errors, key=lambda e: e.row))
    now = _now()
    with store.write() as conn:
        new, replaced = db.upsert_entries(conn, park.id, checked.good, who=who, now=now)
        audit(
            conn,
            "ledger.entry",
            actor=who,
            target=f"{len(checked.good)} figure(s)",
            detail={
                "park": park.code,
                "via": via,
                "new": new,
                "replaced": [
                    {k: _jsonable(v) for k, v in r.items() if k != "park_id"} for r in replaced
                ],
            },
            ip=ip,
            now=now,
        )
    return EntriesWritten(len(checked.good), new, len(replaced))


def _jsonable(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.datetime) else v


def _check_factor(kind: str, key: str, year: int | None, value: float) -> str:
    """The unit of a valid factor; InputError naming what is wrong."""
    if kind not in FACTOR_UNITS:
        raise InputError(f"factor kind {kind!r} unknown; one of {', '.join(FACTOR_UNITS)}")
    if not (math.isfinite(value) and value > 0):
        raise InputError(f"factor value {value!r} must be a number > 0")
    if kind == "electricity":
        if year is None:
            raise InputError("an electricity factor needs its data --year")
        if not key.partition("/")[2]:
            raise InputError(f"electricity key {key!r}: give calibre/area, e.g. province/guizhou")
        if value > 2:
            raise InputError(f"{value} tCO2/MWh is not an electricity factor (give tCO2/MWh)")
        return "tCO2/MWh"
    if kind == "fuel":
        f = energy.fuel_emission_factor(key) if key else None  # ValueError names known fuels
        assert f is not None
        return f.unit
    if kind == "purchased":
        return energy.purchased_factor(key).unit
    if kind == "heating_value":
        carrier = key.partition("/")[2]
        rule = CARRIER_RULES.get(carrier)
        if rule is None or rule.energy is None:
            raise InputError(
                f"heating value key {key!r}: give credit_code/carrier of a fuel "
                "(natural_gas, diesel, gasoline, coal)"
            )
        unit = energy.coal_coefficient(rule.energy).unit.split("/")[1]
        return f"kJ/{unit}"
    name, _, basis = key.partition("/")
    return energy.coal_coefficient(name, basis=basis or "equivalent").unit


@dataclass(frozen=True)
class FactorChange:
    """A factor change and what it did.

    ``months`` lists the park months whose figures changed, with tCO2 and tce before and
    after; ``reports`` the issued reports whose totals changed.
    """

    version: int
    old: dict[str, Any] | None
    months: list[dict[str, Any]]
    reports: list[dict[str, Any]]


def _data_years(conn: Connection, park: ParkRef) -> list[int]:
    months = db.data_months(conn, park.id)
    return sorted({int(m[:4]) for m in months})


def _park_months(
    conn: Connection, park: ParkRef, years: list[int], opts: LedgerOptions
) -> pd.DataFrame:
    frames = []
    for y in years:
        inputs = read_inputs(conn, park, y)
        if inputs.consumption["month"].str.startswith(f"{y:04d}-").any():
            frames.append(build_book(inputs, opts).park_months)
    if not frames:
        return pd.DataFrame(columns=["month", "tce", "tco2", "tco2_market"])
    return pd.concat(frames, ignore_index=True).set_index("month")


def report_totals(book: Book, month: int | None) -> dict[str, float]:
    """The totals a report records (of its month, or of the year)."""
    pm = book.park_months
    if month is not None:
        pm = pm[pm["month"] == f"{book.year:04d}-{month:02d}"]
    return {k: round(float(pm[k].sum()), 6) for k in ("tce", "tco2", "tco2_market")}


def change_factor(
    store: Store,
    *,
    kind: str,
    key: str,
    year: int | None,
    value: float,
    source: str,
    who: str | None,
    park_code: str | None = None,
    options: LedgerOptions | None = None,
    ip: str | None = None,
) -> FactorChange:
    """Add or change a factor, recompute the figures it covers and audit the change
    (``ledger.factor``: who, old and new values, the months recomputed with their tCO2 before
    and after, and the issued reports whose totals changed).

    Raises
    ------
    InputError
        Unknown kind or key, a bad value, an electricity factor without its year.
    """
    if not source.strip():
        raise InputError("a factor needs its source (publication, notice, measurement)")
    try:
        unit = _check_factor(kind, key, year, value)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    base = options or LedgerOptions()
    now = _now()
    with store.write() as conn:
        park = db.resolve_park(conn, park_code)
        if kind == "heating_value":
            code = key.partition("/")[0].upper()
            if code not in db.enterprise_ids(conn, park.id):
                raise InputError(f"heating value key {key!r}: no enterprise {code} in {park.code}")
        years = _data_years(conn, park)
        before_opts = with_user_factors(conn, base)
        before = _park_months(conn, park, years, before_opts)
        reports = db.list_reports(conn, park.id)
        version, old = db.add_factor_version(
            conn,
            kind=kind,
            key=key,
            year=year,
            value=value,
            unit=unit,
            source=source,
            who=who,
            now=now,
        )
        after_opts = with_user_factors(conn, base)
        after = _park_months(conn, park, years, after_opts)
        months = []
        for m in after.index:
            b = before.loc[m] if m in before.index else None
            a = after.loc[m]
            if b is None or any(abs(a[k] - b[k]) > 1e-9 for k in ("tce", "tco2", "tco2_market")):
                months.append(
                    {
                        "month": m,
                        **{
                            f"{k}_before": None if b is None else float(b[k])
                            for k in ("tce", "tco2")
                        },
                        **{f"{k}_after": float(a[k]) for k in ("tce", "tco2")},
                    }
                )
        affected = []
        books: dict[int, Book] = {}
        for r in reports:
            if r["year"] not in books:
                inputs = read_inputs(conn, park, r["year"])
                books[r["year"]] = build_book(inputs, after_opts)
            totals = report_totals(books[r["year"]], r["month"])
            if any(abs(totals[k] - r["totals"].get(k, 0.0)) > 1e-6 for k in totals):
                affected.append(
                    {"id": r["id"], "year": r["year"], "month": r["month"], "path": r["path"],
                     "before": r["totals"], "after": totals}
                )  # fmt: skip
        audit(
            conn,
            "ledger.factor",
            actor=who,
            target=f"{kind}:{key}:{'*' if year is None else year}",
            detail={
                "old": None
                if old is None
                else {"version": old["id"], "value": old["value"], "source": old["source"]},
                "old_shipped": _shipped(kind, key, year) if old is None else None,
                "new": {"version": version, "value": value, "unit": unit, "source": source},
                "months": months,
                "reports": [a["id"] for a in affected],
            },
            ip=ip,
            now=now,
        )
    return FactorChange(version, old, months, affected)


def _shipped(kind: str, key: str, year: int | None) -> dict[str, Any] | None:
    """The shipped table's value a first user version replaces (None: a new one)."""
    try:
        if kind == "electricity" and year is not None:
            calibre, _, area = key.partition("/")
            f = energy.electricity_factor(year, calibre, area)
            return {"value": f.value, "year": f.year, "source": f.source}
        if kind == "fuel":
            f = energy.fuel_emission_factor(key)
            return {"value": f.value, "source": f.source}
        if kind == "purchased":
            f = energy.purchased_factor(key)
            return {"value": f.value, "source": f.source}
        if kind == "heating_value":
            rule = CARRIER_RULES[key.partition("/")[2]]
            row = energy.coal_coefficient(rule.energy or "")
            return {"coefficient": row.value, "source": row.source}
        name, _, basis = key.partition("/")
        c = energy.coal_coefficient(name, basis=basis or "equivalent")
        return {"value": c.value, "source": c.source}
    except ValueError:
        return None


def set_budget(
    store: Store,
    *,
    year: int,
    quantity: str,
    budget: float,
    enterprise: str | None,
    who: str | None,
    park_code: str | None = None,
    ip: str | None = None,
) -> float | None:
    """Set a yearly budget [t] of the park (``enterprise`` None) or an enterprise (credit
    code); audited as ``ledger.target`` with the old value. Returns the old budget."""
    if quantity not in ("tce", "tco2"):
        raise InputError(f"budget quantity {quantity!r}: tce or tco2")
    if not (math.isfinite(budget) and budget > 0):
        raise InputError(f"budget {budget!r} must be a number > 0")
    now = _now()
    with store.write() as conn:
        park = db.resolve_park(conn, park_code)
        eid = None
        if enterprise:
            eid = db.enterprise_ids(conn, park.id).get(enterprise.strip().upper())
            if eid is None:
                raise InputError(f"no enterprise {enterprise!r} in park {park.code}")
        old = db.set_target(conn, park.id, eid, year, quantity, budget, who=who, now=now)
        audit(
            conn,
            "ledger.target",
            actor=who,
            target=f"{enterprise or park.code} {year} {quantity}",
            detail={"old": old, "new": budget},
            ip=ip,
            now=now,
        )
    return old


def report_frames(book: Book, month: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 205-1 month rows and the carbon factors of the park's ``book`` (one month or
    the year)."""
    rows = form_rows(book)
    factors = book.factors
    if month is not None:
        m = f"{book.year:04d}-{month:02d}"
        rows = rows[rows["month"] == m]
        factors = factors[factors["month"] == m]
        if rows.empty:
            raise InputError(f"no energy recorded in {m}")
    return rows, factors


def issue_report(
    store: Store,
    *,
    year: int,
    month: int | None,
    fmt: str,
    output: Path,
    who: str | None,
    park_code: str | None = None,
    options: LedgerOptions | None = None,
) -> list[Path]:
    """Write the 205-1 report (xlsx or csv) and record it with its totals and factors, so
    a later factor change names it. Returns the files written."""
    from greenpark.reports.energy_205 import write_csv, write_xlsx

    if fmt not in ("xlsx", "csv"):
        raise InputError(f"report format {fmt!r}: xlsx or csv")
    if month is not None and not 1 <= month <= 12:
        raise InputError(f"month {month}: 1 to 12")
    with store.read() as conn:
        park, book = load_book(conn, year, park_code, options)
    rows, factors = report_frames(book, month)
    kwargs = {
        "title": f"{park.name} energy statistics",
        "unit_name": park.name,
        "year": year,
        "month": month,
    }
    if fmt == "xlsx":
        write_xlsx(output, rows, factors, **kwargs)
        written = [output]
    else:
        written = write_csv(output, rows, factors, **kwargs)
    refs = sorted({r for r in factors["ref"] if isinstance(r, str) and r})
    now = _now()
    with store.write() as conn:
        rid = db.add_report(
            conn,
            {
                "park_id": park.id,
                "year": year,
                "month": month,
                "format": fmt,
                "path": str(output),
                "created_by": who,
                "created_at": now,
                "totals": report_totals(book, month),
                "factors": refs,
            },
        )
        audit(
            conn,
            "ledger.report",
            actor=who,
            target=f"{park.code} {year}" + (f"-{month:02d}" if month else ""),
            detail={"report": rid, "format": fmt, "files": [str(p) for p in written]},
            now=now,
        )
    return written
