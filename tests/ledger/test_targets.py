"""Yearly budgets: tracking, projected year-end, statuses and warnings (values by hand)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenpark.errors import InputError
from greenpark.ledger.targets import Projection, project_year, warnings

# 2024, a complete previous year: Jan-Jun 450, Jul-Dec 450, full year 900.
PREV_2024 = [100, 90, 80, 70, 60, 50, 50, 60, 70, 80, 90, 100]


def _months(year: int, values: list[float]) -> dict[str, float]:
    """January onwards: ``{"YYYY-01": values[0], ...}``."""
    return {f"{year}-{m:02d}": v for m, v in enumerate(values, start=1)}


def test_season_with_a_full_previous_year() -> None:
    # YTD Jan-Mar 2025 = 110 + 99 + 88 = 297; 2024 Jan-Mar = 100 + 90 + 80 = 270
    # projected = 297 x 900 / 270 = 990; each remaining month = 2024 month x 297/270 = x 1.1
    p = project_year(2025, _months(2025, [110, 99, 88]), 1000, previous=_months(2024, PREV_2024))
    assert p.months_reported == 3
    assert p.actual == pytest.approx(297)
    assert p.projected == pytest.approx(990)
    assert p.ratio == pytest.approx(0.99)
    assert p.status == "watch"  # 990 >= 0.95 x 1000 = 950 and not > 1000
    assert p.method == "season of 2024 (YTD x 2024 full year / 2024 Jan-Mar)"
    assert p.message == "Projected 990 tce is 99 % of the 1,000 tce budget (watch)"
    assert [t.month for t in p.months] == [f"2025-{m:02d}" for m in range(1, 13)]
    # actual cumulative 110, 209, 297, then None
    assert [t.cumulative for t in p.months[:4]] == pytest.approx([110, 209, 297, None])
    assert p.months[2].actual == 88 and p.months[3].actual is None
    # Apr 297 + 70x1.1 = 374, May + 66 = 440, Jun + 55 = 495, ..., Nov 880, Dec + 110 = 990
    projected = [110, 209, 297, 374, 440, 495, 550, 616, 693, 781, 880, 990]
    assert [t.projected_cumulative for t in p.months] == pytest.approx(projected)
    # budget spread by 2024's cumulative share: Jan 100/900, Mar 270/900, Jun 450/900
    assert p.months[0].budget_cumulative == pytest.approx(111.111, abs=1e-3)
    assert p.months[2].budget_cumulative == pytest.approx(300)
    assert p.months[5].budget_cumulative == pytest.approx(500)
    assert p.months[11].budget_cumulative == 1000


def test_season_after_one_month_over_budget() -> None:
    # Jan 2025 = 150 against Jan 2024 = 100: x 1.5 → 900 x 1.5 = 1350 tCO2 = 108 % of 1250
    p = project_year(
        2025, {"2025-01": 150}, 1250, previous=_months(2024, PREV_2024), quantity="tco2"
    )
    assert p.projected == pytest.approx(1350)
    assert p.status == "over"
    assert p.method == "season of 2024 (YTD x 2024 full year / 2024 Jan)"
    assert p.message == "Projected 1,350 tco2 is 108 % of the 1,250 tco2 budget (over)"


def test_run_rate_counts_the_leap_day() -> None:
    # 2024 is a leap year: Jan 310 / 31 days, Feb 290 / 29 days = 10 per day;
    # YTD 600 / 60 days x 366 days = 3660 (not 3650); no 2023 data → run rate
    p = project_year(2024, {"2024-01": 310, "2024-02": 290}, 4000)
    assert p.projected == pytest.approx(3660)
    assert p.method == "run rate (YTD / 60 days Jan-Feb x 366 days; 2023 not complete)"
    assert p.ratio == pytest.approx(0.915) and p.status == "ok"  # 3660 < 3800 = 0.95 x 4000
    # Mar 600 + 31 x 10 = 910, Apr 910 + 30 x 10 = 1210
    assert p.months[2].projected_cumulative == pytest.approx(910)
    assert p.months[3].projected_cumulative == pytest.approx(1210)
    # budget by days: Jan 4000 x 31/366 = 338.798, Feb 4000 x 60/366 = 655.738
    assert p.months[0].budget_cumulative == pytest.approx(338.798, abs=1e-3)
    assert p.months[1].budget_cumulative == pytest.approx(655.738, abs=1e-3)
    assert p.months[11].budget_cumulative == 4000
    # the same daily rate in 2025 (Feb 28 days): 590 / 59 days x 365 = 3650
    q = project_year(2025, {"2025-01": 310, "2025-02": 280}, 4000)
    assert q.projected == pytest.approx(3650)


def test_incomplete_previous_year_falls_back_to_run_rate() -> None:
    # 2023 with 11 months is not a season; run rate as above: 3660
    previous = _months(2023, PREV_2024[:11])
    p = project_year(2024, {"2024-01": 310, "2024-02": 290}, 4000, previous=previous)
    assert p.projected == pytest.approx(3660)
    assert p.method.startswith("run rate (YTD / 60 days Jan-Feb x 366 days")
    assert p.months[1].budget_cumulative == pytest.approx(655.738, abs=1e-3)  # by days


def test_previous_zero_over_the_reported_months_falls_back_to_run_rate() -> None:
    # 2024: Jan-Mar 0, Apr-Dec 100 each (full year 900); 2025 Jan-Mar at 1 per day:
    # 31 + 28 + 31 = 90 over 90 days → 1 x 365 = 365; Apr projection 90 + 30 = 120
    previous = _months(2024, [0, 0, 0] + [100] * 9)
    p = project_year(2025, {"2025-01": 31, "2025-02": 28, "2025-03": 31}, 730, previous=previous)
    assert p.projected == pytest.approx(365)
    assert p.method == "run rate (YTD / 90 days Jan-Mar x 365 days; 2024 Jan-Mar is 0)"
    assert p.months[3].projected_cumulative == pytest.approx(120)
    assert p.status == "ok"  # 365 / 730 = 0.5
    # the budget still follows 2024's season: Mar 0, Apr 730 x 100/900 = 81.111
    assert p.months[2].budget_cumulative == 0
    assert p.months[3].budget_cumulative == pytest.approx(81.111, abs=1e-3)


@pytest.mark.parametrize(
    ("budget", "watch", "status"),
    [
        (1200, 0.95, "watch"),  # projected == budget: not over, >= 0.95 x budget
        (1199, 0.95, "over"),  # 1200 > 1199
        (1263, 0.95, "watch"),  # 0.95 x 1263 = 1199.85 <= 1200
        (1264, 0.95, "ok"),  # 0.95 x 1264 = 1200.8 > 1200
        (1600, 0.75, "watch"),  # exactly at the watch line: 0.75 x 1600 = 1200
        (1601, 0.75, "ok"),  # 0.75 x 1601 = 1200.75 > 1200
        (None, 0.95, "no_budget"),
    ],
)
def test_status_at_the_edges(budget: float | None, watch: float, status: str) -> None:
    p = project_year(2025, _months(2025, [100] * 12), budget, watch=watch)  # 12 x 100 = 1200
    assert p.projected == 1200
    assert p.status == status
    assert (p.ratio is None) == (budget is None)


def test_messages_at_the_budget() -> None:
    exact = project_year(2025, _months(2025, [100] * 12), 1200)
    assert exact.message == "Projected 1,200 tce is 100 % of the 1,200 tce budget (watch)"
    # 1200 / 1199 = 100.08 %: one decimal so that "over" does not read "100 %"
    over = project_year(2025, _months(2025, [100] * 12), 1199)
    assert over.message == "Projected 1,200 tce is 100.1 % of the 1,199 tce budget (over)"
    none = project_year(2025, _months(2025, [100] * 12), None)
    assert none.message == "Projected 1,200 tce; no budget set (no_budget)"


def test_december_complete_projects_exactly_its_total() -> None:
    # 0.1 + 0.2 + ... + 1.2 = 7.8 (by hand); the previous year's season must not change it
    values = [round(0.1 * m, 1) for m in range(1, 13)]
    p = project_year(2025, _months(2025, values), 10, previous=_months(2024, PREV_2024))
    assert p.months_reported == 12
    assert p.actual == pytest.approx(7.8)
    assert p.projected == p.actual  # exactly, not approximately
    assert p.months[11].cumulative == p.actual == p.months[11].projected_cumulative
    assert p.method == "full year reported (12 months)"
    assert p.status == "ok"  # 7.8 < 9.5


def test_gap_raises_naming_the_month() -> None:
    with pytest.raises(InputError, match="2025-03"):
        project_year(2025, {"2025-01": 1, "2025-02": 1, "2025-04": 1}, 100)
    with pytest.raises(InputError, match="2025-01"):
        project_year(2025, {"2025-02": 1}, 100)


def test_through_ignores_later_months_and_requires_earlier_ones() -> None:
    # May is ignored: Jan-Mar 31 + 28 + 31 = 90 over 90 days → 365
    actual = {"2025-01": 31, "2025-02": 28, "2025-03": 31, "2025-05": 999}
    p = project_year(2025, actual, None, through="2025-03")
    assert p.months_reported == 3 and p.actual == 90
    assert p.projected == pytest.approx(365)
    assert p.months[4].actual is None
    with pytest.raises(InputError, match="2025-04"):
        project_year(2025, actual, None, through="2025-05")
    with pytest.raises(InputError, match="through"):
        project_year(2025, actual, None, through="2024-12")


@pytest.mark.parametrize(
    ("actual", "previous", "match"),
    [
        ({"2024-12": 1}, None, "2024-12"),  # not of the tracked year
        ({"2025-13": 1}, None, "2025-13"),  # not a month
        ({"2025/01": 1}, None, "2025/01"),
        ({"2025-01": 1, "2025-02": -1}, None, "2025-02"),  # negative
        ({"2025-01": math.nan}, None, "2025-01"),
        ({"2025-01": "12"}, None, "2025-01"),
        ({"2025-01": 1}, {"2025-01": 1}, "2025-01"),  # previous of the wrong year
    ],
)
def test_bad_months_and_values_raise(
    actual: dict[str, float], previous: dict[str, float] | None, match: str
) -> None:
    with pytest.raises(InputError, match=match):
        project_year(2025, actual, 100, previous=previous)


@pytest.mark.parametrize("budget", [0, -5, math.nan, math.inf])
def test_budget_must_be_positive(budget: float) -> None:
    with pytest.raises(InputError, match="budget"):
        project_year(2025, {"2025-01": 1}, budget)


@pytest.mark.parametrize("watch", [0, 1.2, math.nan])
def test_watch_share_in_range(watch: float) -> None:
    with pytest.raises(InputError, match="watch"):
        project_year(2025, {"2025-01": 1}, 100, watch=watch)


def test_no_data() -> None:
    # nothing reported: the previous full year (900) when complete, else 0
    p = project_year(2025, {}, 1000, previous=_months(2024, PREV_2024))
    assert p.months_reported == 0 and p.actual == 0
    assert p.projected == pytest.approx(900)
    assert p.method == "no data (2024 full year)"
    assert p.status == "ok"  # 900 < 950
    assert p.months[0].cumulative is None
    assert p.months[0].projected_cumulative == pytest.approx(100)
    q = project_year(2025, {}, 1000)
    assert q.projected == 0 and q.method == "no data" and q.status == "ok"
    assert q.months[11].budget_cumulative == 1000


def _with(budget: float | None, total: float, who: str) -> tuple[str, Projection]:
    return who, project_year(2025, _months(2025, [total / 12] * 12), budget)


def test_warnings_worst_first() -> None:
    items = [
        _with(1000, 500, "ok"),  # 0.5
        _with(1000, 970, "watch 0.97"),
        _with(1000, 1200, "over 1.20"),
        _with(None, 5000, "no budget"),
        _with(1000, 1050, "over 1.05"),
        _with(1000, 990, "watch 0.99"),
    ]
    out = warnings(items)
    assert [who for who, _ in out] == ["over 1.20", "over 1.05", "watch 0.99", "watch 0.97"]
    assert [p.status for _, p in out] == ["over", "over", "watch", "watch"]
    assert warnings([]) == []


_VALUE = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(
    year=st.integers(2001, 2099),
    values=st.lists(_VALUE, max_size=12),
    previous=st.one_of(st.none(), st.lists(_VALUE, min_size=11, max_size=12)),
    budget=st.one_of(st.none(), st.floats(min_value=1, max_value=1e7)),
)
def test_projection_never_below_year_to_date(
    year: int, values: list[float], previous: list[float] | None, budget: float | None
) -> None:
    prev = None if previous is None else _months(year - 1, previous)
    p = project_year(year, _months(year, values), budget, previous=prev)
    assert p.months_reported == len(values)
    assert p.actual == pytest.approx(sum(values))
    assert p.projected >= p.actual
    if len(values) == 12:
        assert p.projected == p.actual
    cumulative = [t.projected_cumulative for t in p.months]
    assert cumulative == sorted(cumulative) and cumulative[-1] == p.projected
    assert p.status in {"no_budget", "ok", "watch", "over"}
