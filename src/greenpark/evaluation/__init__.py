"""Evaluation schemes: MIIT green industrial park (GI), zero-carbon park, green data centres and
green factories (issue 8, ``docs/evaluation.md``).

This first part is the foundation: the indicator catalogues as versioned data
(``evaluation/catalogues/*.csv`` + scoring settings in ``catalogues/schemes.toml``) and the
pure scoring engine. Computing the indicator values from the park's data comes on top.

>>> from greenpark.evaluation import load_scheme, score_scheme
>>> scheme = load_scheme("miit-green-park", year=2025)
>>> len(scheme.indicators), len(scheme.groups)
(31, 6)
>>> result = score_scheme(scheme, {"renewable_share": 12.0, "central_wwtp": 1})
>>> round(result.indicator("renewable_share").score, 2), result.indicator("central_wwtp").passed
(0.8, True)

Importing this package needs only the standard library (csv, tomllib) and ``greenpark.errors``.
"""

from greenpark.evaluation.catalogue import (
    Condition,
    Group,
    Indicator,
    Scheme,
    Settings,
    available_schemes,
    load_scheme,
)
from greenpark.evaluation.scoring import (
    GroupScore,
    IndicatorScore,
    SchemeScore,
    gap,
    reached,
    score_indicator,
    score_scheme,
)

__all__ = [
    "Condition",
    "Group",
    "GroupScore",
    "Indicator",
    "IndicatorScore",
    "Scheme",
    "SchemeScore",
    "Settings",
    "available_schemes",
    "gap",
    "load_scheme",
    "reached",
    "score_indicator",
    "score_scheme",
]
