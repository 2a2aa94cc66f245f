"""The errors greenpark raises, with the HTTP status each maps to (one place, see ``web``)."""

from __future__ import annotations

from dataclasses import dataclass


class GreenparkError(Exception):
    """Base of every error greenpark raises on purpose."""

    status: int = 500


class InputError(GreenparkError, ValueError):
    """Bad input from a user or a file: the message says what is wrong and where."""

    status = 400


class NotFoundError(GreenparkError, LookupError):
    """A requested object does not exist."""

    status = 404


@dataclass(frozen=True)
class RowError:
    """One bad value in a tabular input: where it is and why it was refused.

    ``row`` is the 1-based row number as a spreadsheet shows it (the header is row 1).
    """

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: row {self.row}, column {self.column!r}: {self.reason}"


class RowsError(InputError):
    """A file held bad rows; ``errors`` lists each one with file, row and column."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        head = "\n".join(str(e) for e in errors[:50])
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} bad value(s):\n{head}{more}")
