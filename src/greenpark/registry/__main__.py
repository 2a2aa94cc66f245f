"""``python -m greenpark.registry``: rewrite the generated column tables of docs/registry.md.

Run it from a source checkout after changing :data:`greenpark.registry.COLUMNS`;
``tests/registry/test_registry_columns.py`` fails until the page is current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from greenpark.registry._docs import update_docs

DOC = Path(__file__).resolve().parents[3] / "docs" / "registry.md"

if __name__ == "__main__":
    changed = update_docs(DOC)
    sys.stdout.write(f"{DOC}: {'updated' if changed else 'up to date'}\n")
