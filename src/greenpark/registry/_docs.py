"""The column reference of ``docs/registry.md``, generated from :data:`COLUMNS`.

``tests/registry/test_registry_columns.py`` checks that the page contains this text, so the
docs cannot drift from the parser; ``python -m greenpark._docs`` rewrites it.
"""

from __future__ import annotations

from pathlib import Path

from greenpark.registry._columns import COLUMNS, ROW_RULES, Column
from greenpark.store.registry import KINDS


def _bound(value: float) -> str:
    return f"{value:g}"


def _notes(kind_name: str, col: Column) -> str:
    parts = [col.help] if col.help else []
    ref = next((r for r in KINDS[kind_name].references if r.column == col.name), None)
    if ref is not None:
        parts.append(f"refers to `{ref.target.__tablename__}.{ref.target_key}`")
    if col.allowed:
        parts.append("one of " + ", ".join(f"`{a}`" for a in col.allowed))
    if col.minimum is not None and col.maximum is not None:
        parts.append(f"{_bound(col.minimum)} to {_bound(col.maximum)}")
    elif col.minimum is not None:
        parts.append(f">= {_bound(col.minimum)}")
    elif col.maximum is not None:
        parts.append(f"<= {_bound(col.maximum)}")
    if col.default is not None:
        default = str(col.default).lower() if isinstance(col.default, bool) else col.default
        parts.append(f"empty = `{default}`")
    return "; ".join(parts)


def registry_columns_markdown() -> str:
    """Markdown tables of every registry kind's columns, in import order.

    Returns
    -------
    str
        One section per kind: a table of column, type, unit, required and notes (help,
        reference, allowed values, bounds, default), then the kind's row checks.
    """
    out: list[str] = []
    for kind_name, cols in COLUMNS.items():
        key = ", ".join(f"`{k}`" for k in KINDS[kind_name].key)
        out += [
            f"### {kind_name}",
            "",
            f"Natural key: {key}.",
            "",
            "| column | type | unit | required | notes |",
            "|---|---|---|---|---|",
        ]
        for col in cols:
            unit = f"[{col.unit}]" if col.unit else ""
            required = "yes" if col.required else ""
            out.append(
                f"| `{col.name}` | {col.type} | {unit} | {required} | {_notes(kind_name, col)} |"
            )
        rules = ROW_RULES.get(kind_name, ())
        if rules:
            out += ["", "Row checks:", ""]
            out += [f"- {rule.help}" for rule in rules]
        out.append("")
    return "\n".join(out)


#: Markers around the generated part of ``docs/registry.md``.
START, END = "<!-- registry-columns:start -->", "<!-- registry-columns:end -->"


def update_docs(path: Path) -> bool:
    """Rewrite the generated part of ``path`` (between the markers); True if it changed."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n\n{registry_columns_markdown()}\n{END}{tail}"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
