"""Virtual-meter formulas: a signed, weighted sum of other meters' readings.

Grammar (tokens separated by white space, because meter codes may contain ``-``)::

    formula := term (("+" | "-") term)*
    term    := ["-"] [number "*"] code
    code    := [A-Za-z0-9_][A-Za-z0-9_.-]*

Examples: ``"GA001-EL-IT + GA001-EL-CL"``, ``"M1 - 0.5*M2"``. A virtual meter's value over an
interval is ``sum(coefficient * reading of code)``; its unit is its carrier's unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from greenpark.errors import InputError

_CODE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*\Z")
_TERM = re.compile(r"(?:(?P<coef>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\*)?(?P<code>.+)\Z")


@dataclass(frozen=True)
class Term:
    """One term of a formula: ``coefficient`` [-] times the readings of meter ``code``."""

    coefficient: float
    code: str


def parse_formula(text: str) -> tuple[Term, ...]:
    """Parse a virtual-meter formula into its terms.

    Parameters
    ----------
    text
        The formula, e.g. ``"M1 + M2 - 0.5*M3"``.

    Returns
    -------
    tuple of Term
        In the order written; a code that appears twice gives two terms.

    Raises
    ------
    InputError
        With the position (1-based token number) and what was expected there.
    """
    tokens = text.split()
    if not tokens:
        raise InputError("empty formula: expected meter codes joined by + and -")
    terms: list[Term] = []
    sign = 1.0
    expect_term = True
    for pos, token in enumerate(tokens, start=1):
        if expect_term:
            if token == "-" and pos == 1:
                sign = -1.0
                continue
            match = _TERM.match(token)
            code = match.group("code") if match else ""
            if not match or not _CODE.match(code):
                raise InputError(
                    f"token {pos} {token!r} is not a meter code (letters, digits, _ . -), "
                    "or a number*code; put spaces around + and -"
                )
            coef = float(match.group("coef")) if match.group("coef") else 1.0
            terms.append(Term(sign * coef, code))
            expect_term = False
        else:
            if token not in ("+", "-"):
                raise InputError(f"token {pos} {token!r}: expected + or - between meter codes")
            sign = 1.0 if token == "+" else -1.0
            expect_term = True
    if expect_term:
        raise InputError(f"formula {text!r} ends with an operator")
    return tuple(terms)
