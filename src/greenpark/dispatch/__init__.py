"""The multi-energy station optimiser: dispatch, unit commitment and sizing (issue 7).

Build a :class:`~greenpark.dispatch.model.Problem` (or read one with
:func:`~greenpark.dispatch.problem.read_problem`), then :func:`~greenpark.dispatch.solve.solve`
it with HiGHS: the LP/MILP is assembled as sparse arrays by vectorised numpy
(:mod:`greenpark.dispatch.build`) and passed to ``highspy`` in memory. ``highspy`` is
imported only when solving.
"""

from greenpark.dispatch.model import (
    Bus,
    Commitment,
    Converter,
    Extend,
    Load,
    Problem,
    Sink,
    Source,
    Storage,
    annuity,
)
from greenpark.dispatch.problem import read_problem
from greenpark.dispatch.solve import Result, SolveOptions, solve

__all__ = [
    "Bus",
    "Commitment",
    "Converter",
    "Extend",
    "Load",
    "Problem",
    "Result",
    "Sink",
    "SolveOptions",
    "Source",
    "Storage",
    "annuity",
    "read_problem",
    "solve",
]
