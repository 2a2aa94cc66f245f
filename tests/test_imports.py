"""``import greenpark.standards`` and the other pure cores stay light: no database, web or
Excel library is imported."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "fastapi", "starlette", "uvicorn", "alembic", "openpyxl", "jinja2", "click")


#: The pure cores: standards, and the evaluation's values and the year's re-dispatch, which
#: take data in and give values out (no store, no files).
LIGHT = [
    "greenpark",
    "greenpark.standards",
    "greenpark.evaluation.values",
    "greenpark.evaluation.sponge",
    "greenpark.dispatch.year",
]


@pytest.mark.parametrize("module", LIGHT)
def test_light_import(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"heavy = {HEAVY!r}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
