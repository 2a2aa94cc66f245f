"""Hand-entered monthly ledger figures: fuel bought by the tonne, stocks, green
certificates, green-power contracts and output (pure checks).

A figure is (enterprise, month, carrier, kind, quantity, unit, note):

- ``consumption`` / ``non_production``: use of a carrier in industrial production or
  outside it (the two consumption columns of the 205-1 table), in a unit convertible to the
  carrier's (``greenpark.units``; e.g. kg → t, 10⁴m³ → m³);
- ``purchase`` / ``closing_stock``: bought in the month, in stock at its end (205-1);
- ``gec``: green electricity certificates (绿证) retired for the month's use, carrier
  ``electricity``, unit ``MWh`` or ``GEC`` (1 GEC = 1 MWh, NDRC/NEA 2023 notice on full
  coverage of green certificates);
- ``green_power``: electricity bought under a green-power (绿电) contract [MWh];
- ``output``: the month's product output, carrier ``output``, any unit (kept as given).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from greenpark.errors import RowError
from greenpark.ledger.readings import unit_factor
from greenpark.store.schema import ENTRY_KINDS
from greenpark.units import CARRIER_UNITS

__all__ = ["ENTRY_FIELDS", "CheckedEntries", "check_entries"]

#: Fields of an entry (CSV columns / JSON keys); ``enterprise`` empty = the park itself.
ENTRY_FIELDS: Final[tuple[str, ...]] = (
    "enterprise",
    "month",
    "carrier",
    "kind",
    "quantity",
    "unit",
    "note",
)
#: Kinds counted in MWh of electricity.
GREEN_KINDS: Final[tuple[str, ...]] = ("gec", "green_power")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class CheckedEntries:
    """Entries ready to store (enterprise ids, quantities in the carrier's unit) and the
    bad ones."""

    good: list[dict[str, Any]]
    errors: list[RowError]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def check_entries(
    rows: list[Mapping[str, Any]],
    enterprises: Mapping[str, int],
    *,
    source: str,
    first_row: int = 2,
) -> CheckedEntries:
    """Check hand-entered figures and convert them to the stored units.

    Parameters
    ----------
    rows : list of mapping
        :data:`ENTRY_FIELDS` each (``note`` and ``unit`` optional: the carrier's unit).
    enterprises : mapping
        Credit code → enterprise id of those the caller may write for.
    source : str
        File name (or "entries") for the error messages.
    first_row : int
        Row number of ``rows[0]`` in the file (2 under a CSV header).

    Returns
    -------
    CheckedEntries
        Good entries (``row`` their row number, ``enterprise`` an id or None, ``quantity`` in
        the carrier's unit, MWh for green kinds) and one :class:`~greenpark.errors.RowError`
        per bad field.
    """
    good: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for i, row in enumerate(rows):
        n = first_row + i
        bad = len(errors)

        def fail(column: str, reason: str, n: int = n) -> None:
            errors.append(RowError(source, n, column, reason))

        code = _text(row.get("enterprise")).upper()
        ent = None
        if code:
            ent = enterprises.get(code)
            if ent is None:
                fail("enterprise", f"{code!r} is not an enterprise of this park you may enter for")
        month = _text(row.get("month"))
        if not _MONTH.match(month):
            fail("month", f"{month!r} is not YYYY-MM")
        kind = _text(row.get("kind"))
        if kind not in ENTRY_KINDS:
            fail("kind", f"{kind!r} unknown; one of {', '.join(ENTRY_KINDS)}")
        carrier = _text(row.get("carrier")) or ("electricity" if kind in GREEN_KINDS else "")
        unit = _text(row.get("unit"))
        raw = row.get("quantity")
        try:
            quantity = float(_text(raw).replace(",", ""))
        except ValueError:
            quantity = math.nan
        if not (math.isfinite(quantity) and quantity >= 0):
            fail("quantity", f"{_text(raw)!r} is not a number >= 0")
        factor = 1.0
        if kind in GREEN_KINDS:
            if carrier != "electricity":
                fail("carrier", f"{kind} is electricity, not {carrier!r}")
            if unit not in ("", "MWh", "GEC", "kWh"):
                fail("unit", f"{unit!r}: give {kind} in MWh (1 GEC = 1 MWh)")
            factor = 1e-3 if unit == "kWh" else 1.0
            unit = "MWh"
        elif kind == "output":
            carrier = carrier or "output"
            if not unit:
                fail("unit", "an output needs its unit (e.g. t, pieces)")
        elif kind in ENTRY_KINDS:
            if carrier not in CARRIER_UNITS or carrier == "other":
                known = ", ".join(c for c in CARRIER_UNITS if c != "other")
                fail("carrier", f"{carrier!r} unknown; one of {known}")
            else:
                target = CARRIER_UNITS[carrier]
                f = unit_factor(unit, target)
                if f is None:
                    fail("unit", f"{unit!r} does not convert to {carrier}'s unit {target}")
                else:
                    factor = f
                unit = target
        if len(errors) == bad:
            good.append(
                {
                    "row": n,
                    "enterprise": ent,
                    "month": month,
                    "carrier": carrier,
                    "kind": kind,
                    "quantity": quantity * factor,
                    "unit": unit,
                    "note": _text(row.get("note")),
                }
            )
    return CheckedEntries(good, errors)
