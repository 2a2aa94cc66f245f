"""Yearly energy and carbon budgets ("dual control"): month-by-month tracking, a projected
year-end and early warnings.

Pure: monthly figures in, a :class:`Projection` out; no I/O. The quantity is a label (``tce``
for energy in standard coal, ``tco2`` for carbon); the figures are in that unit.

Rules (see ``docs/ledger-targets.md``):

- the reported months run from January without a gap up to the last month given, or up to
  ``through``; a month missing before it raises :class:`~greenpark.errors.InputError`;
- **season**: when the previous year has all 12 months and its total over the reported
  months is positive, the year-end is ``YTD x previous full year / previous same months``
  and each remaining month is the previous year's month scaled by ``YTD / previous same
  months``;
- **run rate** otherwise: the daily average of the reported months (``YTD / days
  reported``) times the days of each remaining month (leap years count 366 days);
- **status**: ``over`` when projected > budget, ``watch`` when projected >= watch x budget,
  ``ok`` below, ``no_budget`` without a budget.
"""

from __future__ import annotations

import calendar
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from greenpark.errors import InputError

__all__ = ["STATUSES", "MonthTrack", "Projection", "project_year", "warnings"]

#: The statuses of a projection, from no budget to over budget.
STATUSES: Final[tuple[str, ...]] = ("no_budget", "ok", "watch", "over")

_MONTH: Final = re.compile(r"(\d{4})-(\d{2})")
# calendar.month_abbr follows the locale; the method text should not.
_ABBR: Final[tuple[str, ...]] = (
    "",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


@dataclass(frozen=True)
class MonthTrack:
    """One month of the tracked year.

    Attributes
    ----------
    month : str
        ``YYYY-MM``.
    actual : float or None
        The month's reported value [quantity]; None for a month not reported.
    cumulative : float or None
        Actual cumulative from January to this month [quantity]; None after the last
        reported month.
    projected_cumulative : float
        The actual cumulative up to the last reported month, the projection after it
        [quantity]; December's value is :attr:`Projection.projected`.
    budget_cumulative : float or None
        The budget spread over the year by the season [quantity]: budget x the previous
        year's cumulative share when that year is complete and positive, else budget x
        cumulative days / days in the year; None without a budget. December's value is
        the budget.
    """

    month: str
    actual: float | None
    cumulative: float | None
    projected_cumulative: float
    budget_cumulative: float | None


@dataclass(frozen=True)
class Projection:
    """The projected year-end of one quantity against its yearly budget.

    Attributes
    ----------
    year : int
        The tracked year.
    quantity : str
        Label of the unit, e.g. ``tce`` or ``tco2``.
    months_reported : int
        Months reported, January to the last one (0-12).
    actual : float
        Year to date: the sum of the reported months [quantity].
    projected : float
        Projected year-end total [quantity]; equal to ``actual`` when 12 months are
        reported, never below it.
    budget : float or None
        The yearly budget [quantity]; None when there is none.
    ratio : float or None
        ``projected / budget`` [-]; None without a budget.
    status : {"no_budget", "ok", "watch", "over"}
        See :func:`project_year`.
    method : str
        How ``projected`` was obtained, e.g. ``season of 2024 (YTD x 2024 full year /
        2024 Jan-Aug)`` or ``run rate (YTD / 244 days Jan-Aug x 366 days; 2023 not
        complete)``.
    months : tuple of MonthTrack
        The 12 months, January first.
    message : str
        One sentence for a warning list, e.g. ``Projected 12,345 tce is 108 % of the
        11,400 tce budget (over)``.
    """

    year: int
    quantity: str
    months_reported: int
    actual: float
    projected: float
    budget: float | None
    ratio: float | None
    status: str
    method: str
    months: tuple[MonthTrack, ...]
    message: str


def _parse_month(key: object, what: str) -> tuple[int, int]:
    match = _MONTH.fullmatch(key) if isinstance(key, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise InputError(f"{what}: month {key!r} is not YYYY-MM")
    return int(match.group(1)), int(match.group(2))


def _by_month(values: Mapping[str, float] | None, year: int, what: str) -> dict[int, float]:
    """Month number → value, every key in ``year``, every value finite and >= 0."""
    out: dict[int, float] = {}
    for key, value in (values or {}).items():
        y, m = _parse_month(key, what)
        if y != year:
            raise InputError(f"{what}: month {key!r} is not in {year}")
        if isinstance(value, str | bytes | bool):
            raise InputError(f"{what} {key}: value {value!r} is not a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InputError(f"{what} {key}: value {value!r} is not a number") from None
        if not math.isfinite(number) or number < 0:
            raise InputError(f"{what} {key}: value {value!r} is negative or not finite")
        out[m] = number
    return out


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _running(values: Iterable[float], start: float = 0.0) -> list[float]:
    out, total = [], start
    for v in values:
        total += v
        out.append(total)
    return out


def _span(months: int) -> str:
    return _ABBR[1] if months == 1 else f"{_ABBR[1]}-{_ABBR[months]}"


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _percent(ratio: float) -> str:
    text = f"{ratio * 100:.0f}"
    if text == "100" and ratio != 1:  # 100.3 % over budget should not read "100 %"
        text = f"{ratio * 100:.1f}"
    return f"{text} %"


def project_year(
    year: int,
    actual: Mapping[str, float],
    budget: float | None,
    *,
    previous: Mapping[str, float] | None = None,
    quantity: str = "tce",
    watch: float = 0.95,
    through: str | None = None,
) -> Projection:
    """Track a year against its budget and project the year-end.

    Parameters
    ----------
    year : int
        The tracked year.
    actual : mapping of str to float
        ``YYYY-MM`` → the month's value [quantity], months of ``year`` only. The reported
        months run from January to the last month given (or to ``through``) without a gap.
    budget : float or None
        The yearly budget [quantity], > 0; None: no budget (status ``no_budget``).
    previous : mapping of str to float, optional
        ``YYYY-MM`` → value of ``year - 1`` [quantity]. Complete (12 months), it gives the
        season of the projection and of the budget spread; months may be missing, but then
        only the run rate and the days-in-month spread are used.
    quantity : str
        Label of the unit for the message, e.g. ``tce`` or ``tco2``.
    watch : float
        Share of the budget from which the status is ``watch`` [-], 0 < watch <= 1.
    through : str, optional
        Last reported month ``YYYY-MM`` of ``year``: entries of ``actual`` after it are
        ignored (they are still checked), and every month up to it must be present.

    Returns
    -------
    Projection
        Year to date, projected year-end, ratio to the budget, status, method, the 12
        :class:`MonthTrack` and a one-sentence message.

        - 12 months reported: projected = YTD.
        - Season, when ``previous`` is complete and its reported months sum to > 0:
          projected = YTD x previous full year / previous same months; a remaining month
          = previous month x YTD / previous same months.
        - Run rate otherwise: a remaining month = YTD / days reported x its days, so
          projected = YTD / days reported x days in the year (366 in a leap year).
        - No month reported: the previous full year when complete, else 0 (method
          ``no data``).

        Status: ``no_budget`` when budget is None; ``over`` when projected > budget;
        ``watch`` when projected >= watch x budget (so exactly at the budget is ``watch``);
        else ``ok``.

    Raises
    ------
    InputError
        A key that is not ``YYYY-MM`` or not of its year (naming the key), a negative, NaN
        or infinite value, a month missing before the last reported one (naming it), a
        budget <= 0, a watch share outside (0, 1], or a bad ``through``.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise InputError(f"year {year!r} is not a year")
    if budget is not None and not (_is_number(budget) and math.isfinite(budget) and budget > 0):
        raise InputError(f"budget {budget!r} must be a number > 0 (or None for no budget)")
    if not (_is_number(watch) and math.isfinite(watch) and 0 < watch <= 1):
        raise InputError(f"watch {watch!r} must be a share of the budget in (0, 1]")
    now = _by_month(actual, year, "actual")
    before = _by_month(previous, year - 1, "previous")
    if through is not None:
        through_year, last = _parse_month(through, "through")
        if through_year != year:
            raise InputError(f"through: month {through!r} is not in {year}")
    else:
        last = max(now, default=0)
    missing = [f"{year}-{m:02d}" for m in range(1, last + 1) if m not in now]
    if missing:
        raise InputError(
            f"actual: month(s) {', '.join(missing)} missing; the months must run from "
            f"{year}-01 to {year}-{last:02d} without a gap"
        )

    days = [calendar.monthrange(year, m)[1] for m in range(1, 13)]
    days_year = sum(days)
    reported = [now[m] for m in range(1, last + 1)]
    cumulative = _running(reported)
    ytd = cumulative[-1] if cumulative else 0.0
    prior = year - 1
    complete = len(before) == 12
    prev = [before[m] for m in range(1, 13)] if complete else []
    prev_cumulative = _running(prev)
    prev_full = prev_cumulative[-1] if complete else 0.0
    prev_same = prev_cumulative[last - 1] if complete and last else 0.0

    if last == 12:
        rest: list[float] = []
        method = "full year reported (12 months)"
    elif last == 0:
        rest = prev if complete else [0.0] * 12
        method = f"no data ({prior} full year)" if complete else "no data"
    elif complete and prev_same > 0 and math.isfinite(ytd / prev_same * prev_full):
        scale = ytd / prev_same
        rest = [p * scale for p in prev[last:]]
        method = f"season of {prior} (YTD x {prior} full year / {prior} {_span(last)})"
    else:
        days_reported = sum(days[:last])
        rate = ytd / days_reported  # [quantity/day]
        rest = [rate * d for d in days[last:]]
        if not complete:
            why = f"{prior} not complete"
        elif prev_same > 0:
            why = f"{prior} {_span(last)} too small for the season"
        else:
            why = f"{prior} {_span(last)} is 0"
        method = f"run rate (YTD / {days_reported} days {_span(last)} x {days_year} days; {why})"
    projected_cumulative = cumulative + _running(rest, ytd)
    projected = projected_cumulative[-1]
    if not math.isfinite(projected):
        raise InputError(f"the projection of {year} overflows: values too large")

    if budget is None:
        budget_cumulative: list[float | None] = [None] * 12
    elif complete and prev_full > 0:
        budget_cumulative = [budget * c / prev_full for c in prev_cumulative]
    else:
        budget_cumulative = [budget * c / days_year for c in _running(days)]

    if budget is None:
        ratio = None
        status = "no_budget"
        message = f"Projected {_number(projected)} {quantity}; no budget set (no_budget)"
    else:
        ratio = projected / budget
        if projected > budget:
            status = "over"
        elif projected >= watch * budget:
            status = "watch"
        else:
            status = "ok"
        message = (
            f"Projected {_number(projected)} {quantity} is {_percent(ratio)} of the "
            f"{_number(budget)} {quantity} budget ({status})"
        )

    months = tuple(
        MonthTrack(
            month=f"{year}-{m:02d}",
            actual=reported[m - 1] if m <= last else None,
            cumulative=cumulative[m - 1] if m <= last else None,
            projected_cumulative=projected_cumulative[m - 1],
            budget_cumulative=budget_cumulative[m - 1],
        )
        for m in range(1, 13)
    )
    return Projection(
        year=year,
        quantity=quantity,
        months_reported=last,
        actual=ytd,
        projected=projected,
        budget=budget,
        ratio=ratio,
        status=status,
        method=method,
        months=months,
        message=message,
    )


def warnings(projections: Iterable[tuple[str, Projection]]) -> list[tuple[str, Projection]]:
    """The projections to warn about, worst first.

    Parameters
    ----------
    projections : iterable of (str, Projection)
        ``(who, projection)``: an enterprise or the park and its projection.

    Returns
    -------
    list of (str, Projection)
        Those with status ``watch`` or ``over``, by ratio descending; at an equal ratio
        ``over`` comes first, then the input order.
    """
    flagged = [(who, p) for who, p in projections if p.status in ("watch", "over")]
    return sorted(flagged, key=lambda item: (-(item[1].ratio or 0.0), item[1].status != "over"))
