"""The ledger's JSON writes: ``POST /api/ledger/entries`` (hand-entered monthly figures),
``/api/ledger/factors`` (a factor version) and ``/api/ledger/targets`` (a yearly budget), on
the park the app shows (:func:`greenpark.store.ledger.shown_park`).

Thin over :mod:`greenpark.ledger.service`, which checks and audits every write
(``ledger.entry``, ``ledger.factor``, ``ledger.target``). Hand entries (``upload``) are
written only for the caller's enterprises (park-level figures need a whole-park role);
factors and budgets (``edit``) are park data. The pages that show what was written are in
:mod:`greenpark.web.ledger`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request

from greenpark.auth import Permission
from greenpark.errors import InputError
from greenpark.ledger.service import change_factor, enter_figures, load_book, set_budget
from greenpark.web.deps import StoreDep, shown_park_code
from greenpark.web.ledger import enterprise_names, enterprise_ref, projection_public
from greenpark.web.ledger_models import (
    EntriesIn,
    EntriesWrittenPublic,
    FactorChangedPublic,
    FactorIn,
    FactorVersionPublic,
    MonthChangePublic,
    ReportChangePublic,
    TargetIn,
    TargetSetPublic,
)
from greenpark.web.security import Editor, Uploader, client_ip, route


def api_ledger_entries(
    request: Request, store: StoreDep, who: Uploader, body: EntriesIn
) -> EntriesWrittenPublic:
    """Write hand-entered monthly figures (fuel by the tonne, stocks, green certificates,
    green-power contracts, output), all or nothing: any bad item → 400 naming every bad
    item (``entries: row N`` is the N-th item). Only for your enterprises; park-level
    figures need a whole-park role. A figure for the same enterprise, month, carrier and
    kind replaces the stored one; audited (``ledger.entry``, with the old values and how:
    session or token)."""
    written = enter_figures(
        store,
        [e.model_dump() for e in body.entries],
        park_code=shown_park_code(store),
        who=who.username,
        source="entries",
        first_row=1,
        allowed=None if who.whole_park else set(who.enterprise_ids or ()),
        ip=client_ip(request),
        via=who.via,
    )
    return EntriesWrittenPublic(entries=written.entries, new=written.new, replaced=written.replaced)


def api_ledger_factors(
    request: Request, store: StoreDep, who: Editor, body: FactorIn
) -> FactorChangedPublic:
    """Add a factor version (it supersedes the one in force for the same kind, key and
    year), recompute the park's figures and answer what changed: the months recomputed
    (tce and tCO2 before and after) and the issued reports whose totals changed. Audited
    (``ledger.factor``)."""
    code = shown_park_code(store)
    change = change_factor(
        store,
        kind=body.kind.strip(),
        key=body.key.strip(),
        year=body.year,
        value=body.value,
        source=body.source,
        who=who.username,
        park_code=code,
        ip=client_ip(request),
    )
    old = change.old
    return FactorChangedPublic(
        version=change.version,
        old=None
        if old is None
        else FactorVersionPublic(
            version=old["id"], value=old["value"], unit=old["unit"], source=old["source"]
        ),
        months=[MonthChangePublic(**m) for m in change.months],
        reports=[
            ReportChangePublic(
                id=r["id"],
                year=r["year"],
                month=r["month"],
                path=r["path"],
                before=r["before"],
                after=r["after"],
            )
            for r in change.reports
        ],
    )


def api_ledger_targets(
    request: Request, store: StoreDep, who: Editor, body: TargetIn
) -> TargetSetPublic:
    """Set a yearly budget [t] of tce or tCO2 for the park (``enterprise`` null) or an
    enterprise; answers the budget it replaced and the projection against the new one.
    Audited (``ledger.target``)."""
    code = shown_park_code(store)
    enterprise = (body.enterprise or "").strip().upper() or None
    old = set_budget(
        store,
        year=body.year,
        quantity=body.quantity.strip(),
        budget=body.budget,
        enterprise=enterprise,
        who=who.username,
        park_code=code,
        ip=client_ip(request),
    )
    projection = None
    with store.read() as conn:
        try:
            book = load_book(conn, body.year, code)[1]
        except InputError:
            book = None
    if book is not None:
        found = book.projections.get((enterprise or "", body.quantity.strip()))
        if found is not None:
            projection = projection_public(
                found, enterprise_ref(enterprise or "", enterprise_names(book))
            )
    return TargetSetPublic(
        year=body.year,
        quantity=body.quantity.strip(),
        enterprise=enterprise,
        budget=body.budget,
        old=old,
        projection=projection,
    )


def add_routes(app: FastAPI) -> None:
    """Register the ledger writes on ``app`` (entries: UPLOAD; factors, targets: EDIT)."""
    route(
        app,
        "/api/ledger/entries",
        api_ledger_entries,
        Permission.UPLOAD,
        methods=("POST",),
        response_model=EntriesWrittenPublic,
        tags=["energy"],
    )
    route(
        app,
        "/api/ledger/factors",
        api_ledger_factors,
        Permission.EDIT,
        methods=("POST",),
        response_model=FactorChangedPublic,
        tags=["energy"],
    )
    route(
        app,
        "/api/ledger/targets",
        api_ledger_targets,
        Permission.EDIT,
        methods=("POST",),
        response_model=TargetSetPublic,
        tags=["energy"],
    )
