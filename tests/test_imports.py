"""``import greenpark.standards`` stays light: no database, web or Excel library is imported."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "fastapi", "starlette", "uvicorn", "alembic", "openpyxl", "jinja2", "click")


@pytest.mark.parametrize("module", ["greenpark", "greenpark.standards"])
def test_light_import(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"heavy = {HEAVY!r}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
