"""``greenpark indicator ...``: evaluation indicators entered by hand, with evidence."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any

import click

from greenpark.errors import InputError, RowError, RowsError

#: Columns ``indicator list`` prints (``evidence_stored``: ``yes`` when the evidence file
#: is stored (``indicator evidence SHA256`` writes it out), ``no`` when only its hash is).
LIST_COLUMNS = ("scheme", "year", "id", "value", "unit", "evidence", "evidence_sha256", "note",
                "entered_by", "entered_at", "evidence_stored")  # fmt: skip

#: An evidence file to store: (file name, bytes, content type or None: guessed from the name).
EvidenceFile = tuple[str, bytes, str | None]


#: How a command-line entry is audited (``via``).
VIA = "command line"


@click.group("indicator")
def indicator() -> None:
    """Evaluation indicators no data gives (green-building share, planning documents,
    bus-stop coverage...), entered by hand with their evidence and who entered them."""


def _read_evidence(file: Path) -> EvidenceFile:
    """The evidence file's name and bytes (None: the type is guessed from the name).

    Raises
    ------
    InputError
        The file cannot be read or is larger than
        :data:`~greenpark.store.evaluation.MAX_EVIDENCE_BYTES`.
    """
    from greenpark.store.evaluation import MAX_EVIDENCE_BYTES

    try:
        size = file.stat().st_size
        if size > MAX_EVIDENCE_BYTES:
            raise InputError(
                f"{file.name}: the evidence file is {size:,} bytes, more than the "
                f"{MAX_EVIDENCE_BYTES:,} bytes ({MAX_EVIDENCE_BYTES // (1024 * 1024)} MiB) stored"
            )
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"{file}: cannot read the evidence file: {exc}") from None
    return file.name, data, None


def _report(written: Any) -> None:
    for item in written.computed:
        click.echo(
            f"note: {item} is computed from data: the entry is shown beside the computed "
            "value and not used",
            err=True,
        )


@indicator.command("enter")
@click.option("--scheme", required=True, help="miit-green-park, zero-carbon-park, ...")
@click.option("--year", type=int, required=True, help="Evaluation year.")
@click.option("--id", "indicator_id", required=True, help="Indicator id of the catalogue.")
@click.option("--value", required=True, help="The value in the catalogue's unit (0/1: pass items).")
@click.option("--unit", default="", help="Unit (default: the catalogue's; must be the same).")
@click.option(
    "--evidence",
    default="",
    help="Document reference, URL or file name the value rests on (default with --file: "
    "the file's name).",
)
@click.option(
    "--file",
    "evidence_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="An evidence file: stored with the value (at most 20 MiB) and its SHA-256 recorded; "
    "'indicator evidence SHA256' writes it out again.",
)
@click.option("--note", default="", help="Free text kept with the value.")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.pass_context
def indicator_enter(
    ctx: click.Context,
    scheme: str,
    year: int,
    indicator_id: str,
    value: str,
    unit: str,
    evidence: str,
    evidence_file: Path | None,
    note: str,
    park_code: str | None,
) -> None:
    """Enter one indicator value with its evidence (who and when are recorded). Entering
    the same scheme, year and id again replaces the value (the audit log keeps the old)."""
    from greenpark.cli import _actor, _store
    from greenpark.evaluation.service import enter_indicators

    sha = None
    files: list[EvidenceFile] = []
    if evidence_file is not None:
        files.append(_read_evidence(evidence_file))
        sha = hashlib.sha256(files[0][1]).hexdigest()
        evidence = evidence.strip() or evidence_file.name
    row = {"scheme": scheme, "year": year, "id": indicator_id, "value": value, "unit": unit,
           "evidence": evidence, "evidence_sha256": sha, "note": note}  # fmt: skip
    store = _store(ctx)
    try:
        written = enter_indicators(
            store,
            [row],
            park_code=park_code,
            who=_actor(),
            source="command line",
            via=VIA,
            files=files,
        )
    finally:
        store.dispose()
    click.echo("replaced" if written.replaced else "entered")
    _report(written)


def _read_csv(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f, skipinitialspace=True)
            rows = [
                {str(k).strip().lower(): v for k, v in r.items() if k is not None} for r in reader
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path.name}: cannot read the CSV file: {exc}") from None
    if not rows:
        raise InputError(f"{path.name}: no rows under the header")
    return rows


def _attach_files(
    path: Path, rows: list[dict[str, Any]]
) -> tuple[list[RowError], list[EvidenceFile]]:
    """Read the ``file`` column's files (relative to the CSV's folder) to store them, their
    SHA-256 into ``evidence_sha256`` (and ``evidence``, when empty, the file's name).

    Returns
    -------
    (list of RowError, list of EvidenceFile)
        The missing, unreadable or too large files as row errors; the files to store
        (the same bytes once).
    """
    errors: list[RowError] = []
    files: dict[str, EvidenceFile] = {}
    for n, row in enumerate(rows, start=2):
        name = (row.pop("file", None) or "").strip()
        if not name:
            continue
        file = Path(name) if Path(name).is_absolute() else path.parent / name
        if not file.is_file():
            errors.append(RowError(path.name, n, "file", f"{name!r}: no such file"))
            continue
        try:
            evidence = _read_evidence(file)
        except InputError as exc:
            errors.append(RowError(path.name, n, "file", str(exc)))
            continue
        sha = hashlib.sha256(evidence[1]).hexdigest()
        files.setdefault(sha, evidence)
        row["evidence_sha256"] = sha
        if not (row.get("evidence") or "").strip():
            row["evidence"] = file.name
    return errors, list(files.values())


@indicator.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.pass_context
def indicator_import(ctx: click.Context, file: Path, park_code: str | None) -> None:
    """Enter the values of FILE (.csv, columns scheme, year, id, value, unit, evidence,
    evidence_sha256, note; optional file: an evidence file relative to the CSV, stored with
    the values, at most 20 MiB). All or nothing: a bad row writes neither values nor files
    and every bad field is listed. A value entered again replaces the stored one (audited)."""
    from greenpark.cli import _actor, _store
    from greenpark.evaluation.entries import check_entries
    from greenpark.evaluation.service import enter_indicators

    if file.suffix.lower() != ".csv":
        raise InputError(f"{file.name}: give a .csv file")
    rows = _read_csv(file)
    file_errors, files = _attach_files(file, rows)
    if file_errors:  # every bad field at once, nothing written
        errors = [*file_errors, *check_entries(rows, source=file.name).errors]
        raise RowsError(sorted(errors, key=lambda e: e.row))
    store = _store(ctx)
    try:
        written = enter_indicators(
            store,
            rows,
            park_code=park_code,
            who=_actor(),
            source=file.name,
            via=VIA,
            files=files,
        )
    finally:
        store.dispose()
    click.echo(
        f"{written.entries} indicator value(s) entered: {written.new} new, "
        f"{written.replaced} replaced"
    )
    _report(written)


@indicator.command("list")
@click.option("--scheme", default=None, help="Only this scheme.")
@click.option("--year", type=int, default=None, help="Only this year.")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.pass_context
def indicator_list(
    ctx: click.Context, scheme: str | None, year: int | None, park_code: str | None
) -> None:
    """The values entered by hand as CSV, with their evidence and who entered them when."""
    from greenpark.cli import _store
    from greenpark.evaluation.entries import scheme_key
    from greenpark.store.evaluation import list_entries, stored_evidence
    from greenpark.store.ledger import resolve_park

    store = _store(ctx)
    try:
        with store.read() as conn:
            park = resolve_park(conn, park_code)
            rows = list_entries(
                conn, park.id, scheme=None if scheme is None else scheme_key(scheme), year=year
            )
            stored = stored_evidence(conn, park.id)
    finally:
        store.dispose()
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(LIST_COLUMNS)
    for r in rows:
        r["id"] = r["indicator"]
        r["value"] = f"{r['value']:g}"
        r["entered_at"] = r["entered_at"].isoformat() if r["entered_at"] else ""
        sha = r["evidence_sha256"]
        r["evidence_stored"] = "" if not sha else "yes" if sha in stored else "no"
        out.writerow(["" if r[c] is None else r[c] for c in LIST_COLUMNS])
    click.echo(buf.getvalue(), nl=False)


@indicator.command("evidence")
@click.argument("sha256")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the file (default: its original name in the current folder).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--park", "park_code", default=None, help="Park code (default: the only one).")
@click.pass_context
def indicator_evidence(
    ctx: click.Context, sha256: str, output: Path | None, force: bool, park_code: str | None
) -> None:
    """Write out the stored evidence file whose SHA-256 is SHA256 (the evidence_sha256 of
    'indicator list'). An existing file is not overwritten without --force."""
    from greenpark.cli import _store
    from greenpark.store.evaluation import get_evidence
    from greenpark.store.ledger import resolve_park

    key = sha256.strip().lower()
    store = _store(ctx)
    try:
        with store.read() as conn:
            park = resolve_park(conn, park_code)
            row = get_evidence(conn, park.id, key)
    finally:
        store.dispose()
    if row is None:
        raise InputError(
            f"{sha256}: no evidence file with this SHA-256 is stored for park {park.code} "
            "(an entry made with --file or an import's file column stores it)"
        )
    out = output if output is not None else Path(Path(row["filename"]).name or "evidence")
    if out.exists() and not force:
        raise InputError(f"{out}: the file exists; give --force to overwrite it or -o PATH")
    try:
        out.write_bytes(row["data"])
    except OSError as exc:
        raise InputError(f"{out}: cannot write the evidence file: {exc}") from None
    click.echo(f"{out} ({row['size']:,} bytes, {row['content_type']})")
