"""The command line: help for every command, version, ``python -m greenpark``, errors."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from greenpark import __version__
from greenpark.cli import cli


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, command in group.commands.items():
        out.append((prefix + name, command))
        if isinstance(command, click.Group):
            out += _commands(command, prefix + name + " ")
    return out


def test_help_lists_every_command_with_one_line_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name, command in cli.commands.items():
        short = command.get_short_help_str(limit=200)
        assert short, f"command {name} has no help"
        assert name in result.output
    for name, command in _commands(cli):
        assert command.help, f"{name} has no help text"


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_python_m_greenpark() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "greenpark", "--help"], capture_output=True, text=True, check=True
    )
    assert "demo" in out.stdout and "serve" in out.stdout and "registry" in out.stdout


def test_migrate_creates_sqlite_file(tmp_path) -> None:
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["--database", f"sqlite:///{db}", "migrate"])
    assert result.exit_code == 0, result.output
    assert db.exists()


def test_bad_database_folder_is_a_clear_error(tmp_path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "greenpark",
            "--database",
            f"sqlite:///{tmp_path}/no/x.db",
            "migrate",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "does not exist" in out.stderr
