"""Evaluation indicators entered by hand, with evidence (pure checks).

Issue 8, point 2: indicators no measurement gives (green-building shares, planning
documents, bus-stop coverage...) are entered by hand with the evidence they rest on and who
entered them. An entry is (scheme, year, id, value, unit, evidence, evidence_sha256, note):

- ``scheme``: a :func:`~greenpark.evaluation.catalogue.load_scheme` name
  (``miit-green-park``...; underscores work too);
- ``year``: the evaluation year; the scheme must have rows in force in it;
- ``id``: an indicator of the scheme's catalogue for that year;
- ``value``: a number in the catalogue's unit; 1 (met) or 0 (not met) for pass items;
- ``unit``: must be the catalogue row's unit (empty: that unit), so a value is never scored
  in a unit it was not given in;
- ``evidence``: required: a document reference, URL or file name;
- ``evidence_sha256``: (optional) the SHA-256 of an attached file, 64 hex digits
  (:func:`file_sha256`); the file itself is stored in ``evaluation_evidence`` when it is
  given (``greenpark indicator enter --file``, an import's ``file`` column);
- ``note``: free text.

:func:`check_entries` names every bad field by row and column; the writes are in
:func:`greenpark.evaluation.service.enter_indicators` (all or nothing, audited).
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from greenpark.errors import InputError, RowError
from greenpark.evaluation.catalogue import Scheme, available_schemes, load_scheme

__all__ = [
    "ENTRY_FIELDS",
    "CheckedEntries",
    "check_entries",
    "file_sha256",
    "scheme_key",
]

#: Fields of an entry (CSV columns / JSON keys).
ENTRY_FIELDS: Final[tuple[str, ...]] = (
    "scheme",
    "year",
    "id",
    "value",
    "unit",
    "evidence",
    "evidence_sha256",
    "note",
)
#: Evaluation years accepted.
YEARS: Final[tuple[int, int]] = (1990, 2200)
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: Units written for "no unit" (the catalogue writes ``-``).
_NO_UNIT: Final[tuple[str, ...]] = ("", "-")


@dataclass(frozen=True)
class CheckedEntries:
    """Entries ready to store and the bad fields.

    Each good entry has ``row`` (its row number), ``scheme`` (the normalised name),
    ``indicator``, ``year``, ``value`` (float), ``unit`` (the catalogue's),
    ``evidence``, ``evidence_sha256`` (lower-case hex or None), ``note`` and ``computed``
    (whether the platform computes the indicator from data, so the entry will be shown
    beside the computed value but not used).
    """

    good: list[dict[str, Any]]
    errors: list[RowError]


def scheme_key(name: str) -> str:
    """A scheme name as :func:`load_scheme` keys it (``miit_green_park`` → ``miit-green-park``)."""
    return name.strip().lower().replace("_", "-")


def file_sha256(path: Path | str) -> str:
    """The SHA-256 (hex) of a file, read in blocks (the file is not copied).

    Raises
    ------
    InputError
        The file cannot be read.
    """
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the evidence file: {exc}") from None
    return digest.hexdigest()


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = _text(value)
    try:
        return int(text)
    except ValueError:
        pass
    try:
        f = float(text)
    except ValueError:
        return None
    return int(f) if math.isfinite(f) and f.is_integer() else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        f = float(value)
    else:
        try:
            f = float(_text(value).replace(",", ""))
        except ValueError:
            return None
    return f if math.isfinite(f) else None


def check_entries(
    rows: list[Mapping[str, Any]],
    *,
    source: str,
    first_row: int = 2,
    computed: Callable[[str], tuple[str, ...]] | None = None,
) -> CheckedEntries:
    """Check indicator values entered by hand against the schemes' catalogues.

    Parameters
    ----------
    rows : list of mapping
        :data:`ENTRY_FIELDS` each (``unit``, ``evidence_sha256`` and ``note`` optional).
    source : str
        File name (or "entries") for the error messages.
    first_row : int
        Row number of ``rows[0]`` (2 under a CSV header, 1 for a JSON list).
    computed : callable, optional
        Scheme name → ids of the indicators computed from data (default
        :func:`greenpark.evaluation.values.computable`), to mark the entries that will be
        shown but not used.

    Returns
    -------
    CheckedEntries
        Good entries and one :class:`~greenpark.errors.RowError` per bad field: unknown
        scheme, a year that is not a number or has no catalogue rows in force, an id not in
        the catalogue of that year, a unit other than the catalogue's, a value that is not
        a number (or not 0/1 for a pass item), missing evidence, a malformed SHA-256, an
        indicator entered twice in the batch.
    """
    if computed is None:
        from greenpark.evaluation.values import computable

        computed = computable
    known = available_schemes()
    schemes: dict[tuple[str, int], Scheme | str] = {}
    seen: dict[tuple[str, str, int], int] = {}
    good: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for i, row in enumerate(rows):
        n = first_row + i
        bad = len(errors)

        def fail(column: str, reason: str, n: int = n) -> None:
            errors.append(RowError(source, n, column, reason))

        raw_scheme = _text(row.get("scheme"))
        key = scheme_key(raw_scheme)
        if key not in known:
            fail("scheme", f"{raw_scheme!r} unknown; one of {', '.join(known)}")
            key = ""
        year = _year(row.get("year"))
        if year is None or not YEARS[0] <= year <= YEARS[1]:
            fail("year", f"{_text(row.get('year'))!r} is not a year ({YEARS[0]}..{YEARS[1]})")
            year = None
        scheme: Scheme | None = None
        if key and year is not None:
            if (key, year) not in schemes:
                try:
                    schemes[key, year] = load_scheme(key, year=year)
                except InputError as exc:
                    schemes[key, year] = str(exc)
            found = schemes[key, year]
            if isinstance(found, str):
                fail("year", f"no catalogue of {key} in force in {year}: {found}")
            else:
                scheme = found
        ind_id = _text(row.get("id"))
        rows_of_id = []
        if not ind_id:
            fail("id", "missing: the indicator id of the catalogue")
        elif scheme is not None:
            rows_of_id = [ind for ind in scheme.indicators if ind.id == ind_id]
            if not rows_of_id:
                close = difflib.get_close_matches(ind_id, scheme.ids, n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                fail("id", f"{ind_id!r} is not an indicator of {key} in {year}{hint}")
        unit = _text(row.get("unit"))
        expected = ""
        if rows_of_id:
            units = sorted({ind.unit for ind in rows_of_id})
            expected = units[0]
            if len(units) > 1:
                fail("unit", f"the variants of {ind_id} differ in unit ({', '.join(units)})")
            elif unit != expected and not (unit in _NO_UNIT and expected in _NO_UNIT):
                if unit:
                    where = rows_of_id[0].origin or (scheme.source_file if scheme else key)
                    fail("unit", f"{unit!r}: {ind_id} is in {expected!r} ({where})")
                unit = expected
        raw_value = row.get("value")
        value = _number(raw_value)
        if value is None:
            fail("value", f"{_text(raw_value)!r} is not a number")
        elif rows_of_id and rows_of_id[0].is_pass and value not in (0.0, 1.0):
            fail("value", f"{_text(raw_value)!r}: {ind_id} is a pass item: 1 (met) or 0 (not met)")
        evidence = _text(row.get("evidence"))
        if not evidence:
            fail("evidence", "required: a document reference, URL or file name")
        sha = _text(row.get("evidence_sha256")).lower() or None
        if sha is not None and not _SHA256.fullmatch(sha):
            fail("evidence_sha256", f"{sha!r} is not a SHA-256 (64 hex digits)")
        if key and year is not None and ind_id:
            first = seen.setdefault((key, ind_id, year), n)
            if first != n:
                fail("id", f"{ind_id} of {key} {year} is entered in row {first} already")
        if len(errors) == bad:
            good.append(
                {
                    "row": n,
                    "scheme": key,
                    "indicator": ind_id,
                    "year": year,
                    "value": value,
                    "unit": expected if rows_of_id else unit,
                    "evidence": evidence,
                    "evidence_sha256": sha,
                    "note": _text(row.get("note")),
                    "computed": ind_id in computed(key),
                }
            )
    return CheckedEntries(good, errors)
