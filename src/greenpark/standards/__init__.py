"""Pure functions implementing Chinese standards: no I/O, no database, no web.

Importing this package needs only the standard library, numpy and pandas.
"""

from greenpark.standards.credit_code import (
    CreditCodeError,
    credit_code_check_character,
    validate_credit_code,
)

__all__ = ["CreditCodeError", "credit_code_check_character", "validate_credit_code"]
