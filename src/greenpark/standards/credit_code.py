"""Unified social credit code (统一社会信用代码) of legal entities, GB 32100-2015.

The code has 18 characters: registration authority (1), organisation type (1),
administrative division of the registering authority per GB/T 2260 (6 digits), the entity
identifier (organisation code per GB 11714, 9) and one check character.

The check character (GB 32100-2015, clause 4 and its check-character rule) is computed over
the first 17 characters, each mapped to its value in the 31-character code set
``0-9 A-H J-N P-R T-U W-Y`` (I, O, S, V and Z are not used)::

    C18 = 31 - (sum(C_i * W_i for i = 1..17) mod 31),  C18 = 31 -> 0
    W_i = 3**(i-1) mod 31 = 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28

References
----------
.. [1] GB 32100-2015 法人和其他组织统一社会信用代码编码规则 (The coding rule of the unified
   social credit identifier for legal entities and other organizations), in force
   2015-10-01.

Notes
-----
A few codes issued in pilot regions before the standard do not satisfy the check rule
(e.g. some Xiamen codes beginning ``91350…M000``); they are refused here like any other
code with a wrong check character, so such an enterprise must be corrected by hand.
"""

from __future__ import annotations

from typing import Final

from greenpark.errors import InputError

#: The GB 32100-2015 code character set; a character's value is its index.
CODE_CHARACTERS: Final[str] = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Weights W_i = 3**(i-1) mod 31 for positions 1..17.
WEIGHTS: Final[tuple[int, ...]] = tuple(pow(3, i, 31) for i in range(17))
_VALUE: Final[dict[str, int]] = {c: i for i, c in enumerate(CODE_CHARACTERS)}


class CreditCodeError(InputError):
    """A unified social credit code that breaks GB 32100-2015."""


def credit_code_check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a code.

    Parameters
    ----------
    first17
        Characters 1-17 of the code, upper case, from the GB 32100-2015 character set.

    Returns
    -------
    str
        The 18th (check) character.

    Raises
    ------
    CreditCodeError
        If ``first17`` is not 17 characters of the code set.

    References
    ----------
    GB 32100-2015, clause 4 (code structure and check character).
    """
    if len(first17) != 17:
        raise CreditCodeError(f"expected 17 characters, got {len(first17)}")
    total = 0
    for pos, (char, weight) in enumerate(zip(first17, WEIGHTS, strict=True), start=1):
        if char not in _VALUE:
            raise CreditCodeError(
                f"character {char!r} at position {pos} is not in the GB 32100-2015 code set "
                f"{CODE_CHARACTERS}"
            )
        total += _VALUE[char] * weight
    return CODE_CHARACTERS[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> str:
    """Check a unified social credit code and return it normalised (stripped, upper case).

    Parameters
    ----------
    code
        The 18-character code as written.

    Returns
    -------
    str
        The code, stripped and in upper case.

    Raises
    ------
    CreditCodeError
        With a message naming the problem: wrong length, a character outside the code set,
        digits expected in positions 3-8, or a wrong check character (the expected one is
        named).

    References
    ----------
    GB 32100-2015, clause 4 (code structure and check character).
    """
    if not isinstance(code, str):
        raise CreditCodeError(f"credit code must be text, got {type(code).__name__}")
    norm = code.strip().upper()
    if len(norm) != 18:
        raise CreditCodeError(f"credit code {code!r} has {len(norm)} characters, expected 18")
    for pos, char in enumerate(norm, start=1):
        if char not in _VALUE:
            raise CreditCodeError(
                f"credit code {code!r}: character {char!r} at position {pos} is not in the "
                f"GB 32100-2015 code set (I, O, S, V, Z are never used)"
            )
    if not norm[2:8].isdigit():
        raise CreditCodeError(
            f"credit code {code!r}: positions 3-8 must be the 6-digit administrative "
            f"division code, got {norm[2:8]!r}"
        )
    expected = credit_code_check_character(norm[:17])
    if norm[17] != expected:
        raise CreditCodeError(
            f"credit code {code!r}: check character is {norm[17]!r}, expected {expected!r}"
        )
    return norm
