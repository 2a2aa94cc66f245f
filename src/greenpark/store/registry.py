"""The park registry in the store: upsert and export rows keyed by natural keys.

Rows are plain dicts as a user writes them in a CSV or Excel sheet: objects are named by
their natural key (a park by ``code``, an enterprise by ``credit_code``, a site, meter,
station, asset, vehicle, catchment or sponge facility by ``code``), and references use those
keys (``park``, ``enterprise``, ``site``, ``parent``, ``catchment``), never database ids.
:data:`KINDS` is the table of what can be imported; validation of values is the caller's
job (``greenpark.registry``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from greenpark.errors import InputError
from greenpark.store.schema import (
    Asset,
    Base,
    Certification,
    Enterprise,
    EnterpriseYear,
    HighTechCertificate,
    Meter,
    Park,
    Site,
    SpongeCatchment,
    SpongeFacility,
    Station,
    Vehicle,
)


@dataclass(frozen=True)
class Reference:
    """A column that names another object by its natural key."""

    column: str  # column in the import row, e.g. "enterprise"
    target: type[Base]  # the referenced table
    target_key: str  # the natural key there, e.g. "credit_code"
    id_column: str  # the foreign-key column here, e.g. "enterprise_id"
    required: bool = False


@dataclass(frozen=True)
class Kind:
    """One importable registry table: its ORM class, natural key and references."""

    name: str
    model: type[Base]
    key: tuple[str, ...]  # natural key, in import-row columns
    references: tuple[Reference, ...] = ()
    columns: tuple[str, ...] = field(default=())  # plain value columns

    @property
    def row_columns(self) -> tuple[str, ...]:
        """The columns of an import row, references first, as exported."""
        refs = tuple(r.column for r in self.references)
        plain = tuple(c for c in self.columns if c not in refs)
        return tuple(dict.fromkeys((*self.key, *refs, *plain)))


_PARK = Reference("park", Park, "code", "park_id", required=True)
_ENTERPRISE = Reference("enterprise", Enterprise, "credit_code", "enterprise_id")
_ENTERPRISE_REQ = Reference("credit_code", Enterprise, "credit_code", "enterprise_id", True)

#: The importable kinds, in the order they must be written (references point backwards).
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "park",
            Park,
            ("code",),
            (),
            (
                "name",
                "name_local",
                "location",
                "latitude",
                "longitude",
                "timezone",
                "province",
                "grid_region",
            ),
        ),
        Kind(
            "enterprise",
            Enterprise,
            ("credit_code",),
            (_PARK,),
            ("name", "industry", "employees"),
        ),
        Kind(
            "enterprise_year",
            EnterpriseYear,
            ("credit_code", "year"),
            (_ENTERPRISE_REQ,),
            ("revenue", "gross_output", "value_added", "employees"),
        ),
        Kind(
            "high_tech_certificate",
            HighTechCertificate,
            ("credit_code", "valid_from"),
            (_ENTERPRISE_REQ,),
            ("number", "valid_to"),
        ),
        Kind(
            "certification",
            Certification,
            ("credit_code", "kind", "year"),
            (_ENTERPRISE_REQ,),
            (),
        ),
        Kind(
            "site",
            Site,
            ("code",),
            (_PARK, _ENTERPRISE, Reference("parent", Site, "code", "parent_id")),
            ("name", "kind", "floor_area", "latitude", "longitude"),
        ),
        Kind(
            "meter",
            Meter,
            ("code",),
            (
                _PARK,
                _ENTERPRISE,
                Reference("site", Site, "code", "site_id"),
                Reference("parent", Meter, "code", "parent_id"),
            ),
            ("name", "carrier", "unit", "interval_s", "direction", "formula", "renewable"),
        ),
        Kind(
            "station",
            Station,
            ("code",),
            (_PARK, _ENTERPRISE),
            (
                "name",
                "kind",
                "mn",
                "latitude",
                "longitude",
                "noise_zone_class",
                "water_body",
                "water_target_class",
                "discharge_standard",
                "pw",
                "hj212",
            ),
        ),
        Kind(
            "asset",
            Asset,
            ("code",),
            (_PARK,),
            ("name", "kind", "p_nom", "e_nom", "efficiency", "cop", "params"),
        ),
        Kind(
            "vehicle",
            Vehicle,
            ("code",),
            (_PARK,),
            (
                "kind",
                "energy",
                "operator",
                "battery_kwh",
                "in_service",
                "in_service_from",
                "in_service_to",
            ),
        ),
        Kind(
            "catchment",
            SpongeCatchment,
            ("code",),
            (_PARK, Reference("site", Site, "code", "site_id")),
            ("name", "area_m2", "runoff_coefficient", "note"),
        ),
        Kind(
            "sponge_facility",
            SpongeFacility,
            ("code",),
            (Reference("catchment", SpongeCatchment, "code", "catchment_id", required=True),),
            ("name", "kind", "capture_volume_m3", "in_service_from", "note"),
        ),
    )
}


def kind(name: str) -> Kind:
    """The :class:`Kind` called ``name``; an unknown name lists the valid ones."""
    try:
        return KINDS[name]
    except KeyError:
        raise InputError(f"unknown registry table {name!r}; must be one of {list(KINDS)}") from None


def lookup(conn: Connection, ref: Reference, values: Iterable[Any]) -> dict[Any, int]:
    """Map natural keys of ``ref.target`` to ids, for the given values that exist."""
    wanted = {v for v in values if v is not None}
    if not wanted:
        return {}
    col = getattr(ref.target, ref.target_key)
    found: dict[Any, int] = {}
    values_list = sorted(wanted, key=str)
    for i in range(0, len(values_list), 500):
        chunk = values_list[i : i + 500]
        for key, id_ in conn.execute(select(col, ref.target.id).where(col.in_(chunk))):
            found[key] = id_
    return found


@dataclass(frozen=True)
class UpsertResult:
    """Rows written: how many were new and how many replaced an existing row."""

    inserted: int
    updated: int


def upsert(conn: Connection, kind_name: str, rows: list[Mapping[str, Any]]) -> UpsertResult:
    """Insert or update registry rows of one kind, resolving references to ids.

    A row whose natural key exists updates that row. A reference to an object that does not
    exist raises :class:`InputError` naming the row (1-based within ``rows``) and column.
    """
    spec = kind(kind_name)
    if not rows:
        return UpsertResult(0, 0)
    ids = {r.column: lookup(conn, r, (row.get(r.column) for row in rows)) for r in spec.references}
    records: list[dict[str, Any]] = []
    for n, row in enumerate(rows, start=1):
        rec: dict[str, Any] = {c: row.get(c) for c in spec.columns if c in row}
        for k in spec.key:
            if not any(r.column == k for r in spec.references):
                rec[k] = row.get(k)
        for ref in spec.references:
            if ref.column not in row and not ref.required:
                continue  # like a plain column: absent leaves the stored link as it is
            value = row.get(ref.column)
            if value is None:
                if ref.required:
                    raise InputError(f"row {n}: column {ref.column!r} is required")
                rec[ref.id_column] = None
                continue
            if value not in ids[ref.column]:
                # a row may refer to an earlier row of the same batch (a parent meter)
                if ref.target is spec.model:
                    rec[ref.id_column] = value  # resolved after insertion below
                    continue
                raise InputError(
                    f"row {n}: column {ref.column!r}: no {ref.target.__tablename__} "
                    f"with {ref.target_key} {value!r}"
                )
            rec[ref.id_column] = ids[ref.column][value]
        records.append(rec)
    return _write(conn, spec, records)


def _db_key(spec: Kind) -> list[str]:
    """The natural key as database columns (references become their id columns)."""
    out = []
    for k in spec.key:
        ref = next((r for r in spec.references if r.column == k), None)
        out.append(ref.id_column if ref else k)
    return out


def _write(conn: Connection, spec: Kind, records: list[dict[str, Any]]) -> UpsertResult:
    table = spec.model.__table__
    key = _db_key(spec)
    self_refs = [r for r in spec.references if r.target is spec.model]
    deferred: list[tuple[int, dict[str, Any], str, Any]] = []
    for n, rec in enumerate(records, start=1):
        for ref in self_refs:
            value = rec.get(ref.id_column)
            if isinstance(value, str):
                deferred.append((n, rec, ref.id_column, value))
                rec[ref.id_column] = None
    existing = set(
        tuple(r)
        for r in conn.execute(select(*(table.c[k] for k in key)))  # registry tables are small
    )
    insert = sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert
    updated = 0
    for rec in records:
        rec_key = tuple(rec[k] for k in key)
        if rec_key in existing:
            updated += 1
        existing.add(rec_key)
        stmt = insert(table).values(**rec)
        set_ = {c: stmt.excluded[c] for c in rec if c not in key}
        if set_:
            stmt = stmt.on_conflict_do_update(index_elements=key, set_=set_)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=key)
        conn.execute(stmt)
    if deferred:
        ref = self_refs[0]
        targets = lookup(conn, ref, (v for _, _, _, v in deferred))
        for n, rec, id_column, value in deferred:
            if value not in targets:
                raise InputError(
                    f"row {n}: column {ref.column!r}: no {spec.model.__tablename__} "
                    f"with code {value!r}"
                )
            where = [table.c[k] == rec[k] for k in key]
            conn.execute(table.update().where(*where).values({id_column: targets[value]}))
    return UpsertResult(inserted=len(records) - updated, updated=updated)


def export(conn: Connection, kind_name: str) -> list[dict[str, Any]]:
    """Every row of one kind as import rows (natural keys, references by key), sorted."""
    spec = kind(kind_name)
    table = spec.model.__table__
    names = {
        r.column: {
            id_: key
            for key, id_ in conn.execute(select(getattr(r.target, r.target_key), r.target.id))
        }
        for r in spec.references
    }
    out = []
    for row in conn.execute(select(table)).mappings():
        rec: dict[str, Any] = {}
        for c in spec.row_columns:
            ref = next((r for r in spec.references if r.column == c), None)
            rec[c] = names[c].get(row[ref.id_column]) if ref else row[c]
        out.append(rec)
    out.sort(key=lambda r: tuple(str(r[k]) for k in spec.key))
    return out
