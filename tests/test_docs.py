"""The generated reference pages match the code (regenerate: ``python -m greenpark._docs``)."""

from __future__ import annotations

from pathlib import Path

from greenpark._docs import cli_reference, settings_reference

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_cli_reference_is_current() -> None:
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == cli_reference()


def test_settings_reference_is_current() -> None:
    assert (DOCS / "settings.md").read_text(encoding="utf-8") == settings_reference()
