"""The demo park's ledger figures: green certificates, fuel bought by the tonne, output and
yearly budgets, drawn from the metered year so they are in proportion to it.

- the national green data centres retire green certificates (1 GEC = 1 MWh) for 10-35 %
  of their monthly electricity; two of them buy green power under contracts instead;
- five above-size manufacturers burn diesel (stand-by generators, forklifts, 0.3-2 t a
  month), bought every quarter, with the closing stock of each month;
- the organic-food manufacturers report their output [t];
- budgets: the park's energy budget a little above its year (watch), its carbon budget a
  little below (over); each above-size enterprise 93-112 % of its year's energy.

Deterministic for a seed; written by :func:`greenpark.demo.build.build_demo` through the
ledger's own workflow (checked, audited as the ``demo`` actor).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from greenpark.demo.park import ROLE_DATA_CENTRE, ROLE_MANUFACTURING, DemoRegistry
from greenpark.ledger.book import Book

__all__ = ["DEMO_ACTOR", "budgets", "hand_entries"]

#: Who the demo's ledger entries and budgets are recorded as.
DEMO_ACTOR = "demo"


def _rng(seed: int, what: str) -> np.random.Generator:
    return np.random.default_rng([seed, sum(what.encode())])


def hand_entries(seed: int, registry: DemoRegistry, book: Book) -> list[dict[str, Any]]:
    """The hand-entered monthly figures of the demo year (rows for
    :func:`greenpark.ledger.service.enter_figures`)."""
    rng = _rng(seed, "ledger entries")
    rows = book.rows
    months = sorted(set(rows["month"]))
    elec = rows[rows["carrier"] == "electricity"].groupby(["enterprise", "month"])["quantity"].sum()
    out: list[dict[str, Any]] = []
    centres = sorted(
        (e for e in registry.enterprises if e.role == ROLE_DATA_CENTRE), key=lambda e: e.code
    )
    for k, e in enumerate(centres):
        kind = "green_power" if k < 2 else "gec"
        share = rng.uniform(0.10, 0.35)
        for m in months:
            kwh = float(elec.get((e.credit_code, m), 0.0))
            if kwh > 0:
                out.append(
                    {"enterprise": e.credit_code, "month": m, "carrier": "electricity",
                     "kind": kind, "quantity": round(kwh * share / 1000), "unit": "MWh",
                     "note": "green-power contract" if kind == "green_power"
                     else "GECs retired (China GEC platform)"}
                )  # fmt: skip
    makers = sorted(
        (e for e in registry.enterprises
         if e.role == ROLE_MANUFACTURING and e.above_designated_size),
        key=lambda e: e.code,
    )  # fmt: skip
    for e in makers[:5]:
        use = rng.uniform(0.3, 2.0, len(months)).round(2)
        stock = round(float(use[:3].sum()), 2)
        for i, m in enumerate(months):
            bought = round(float(use[i : i + 3].sum()) * 1.05, 2) if i % 3 == 0 else 0.0
            stock = round(stock + bought - float(use[i]), 2)
            code = e.credit_code
            out += [
                {"enterprise": code, "month": m, "carrier": "diesel", "kind": "consumption",
                 "quantity": float(use[i]), "unit": "t", "note": "stand-by generators, forklifts"},
                {"enterprise": code, "month": m, "carrier": "diesel", "kind": "closing_stock",
                 "quantity": stock, "unit": "t", "note": ""},
            ]  # fmt: skip
            if bought:
                out.append(
                    {"enterprise": code, "month": m, "carrier": "diesel", "kind": "purchase",
                     "quantity": bought, "unit": "t", "note": "quarterly delivery"}
                )  # fmt: skip
    tce = rows.groupby(["enterprise", "month"])["tce"].sum()
    for e in makers:
        if e.industry != "organic_food":
            continue
        per_tce = rng.uniform(8.0, 15.0)  # [t of product per tce]
        for m in months:
            t = float(tce.get((e.credit_code, m), 0.0))
            if t > 0:
                out.append(
                    {"enterprise": e.credit_code, "month": m, "carrier": "output",
                     "kind": "output", "quantity": round(t * per_tce, 1), "unit": "t product",
                     "note": ""}
                )  # fmt: skip
    return out


def budgets(seed: int, registry: DemoRegistry, book: Book) -> list[tuple[str | None, str, float]]:
    """(credit code or None for the park, "tce"/"tco2", budget [t]) of the demo year."""
    rng = _rng(seed, "ledger budgets")
    s = book.summary
    # a part-year demo (``days``): budgets for the whole year, by the park's projection
    p = book.projections[("", "tce")]
    year = p.projected / p.actual if p.actual > 0 else 1.0
    out: list[tuple[str | None, str, float]] = [
        (None, "tce", round(s["tce"] * year * 1.02, -1)),
        (None, "tco2", round(s["tco2"] * year * 0.98, -1)),
    ]
    per = book.enterprises.set_index("enterprise")["tce"] * year
    for e in sorted(registry.enterprises, key=lambda e: e.code):
        if e.above_designated_size and per.get(e.credit_code, 0.0) > 0:
            budget = float(per[e.credit_code]) * rng.uniform(0.93, 1.12)
            out.append((e.credit_code, "tce", round(budget, 1)))
    return out
