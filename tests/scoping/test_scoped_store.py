"""The scoped store queries (``greenpark.store.scoped``, ``park_overview(scope=...)``) on
the scoping park (``scoping_park.py``), with the whole park (``None``), enterprise A only
(``{A}``) and nothing (``{}``), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from scoping_park import (
    CODES,
    ENTERPRISES,
    METERS,
    STATIONS,
    TZ,
    ZONE,
    ScopingPark,
    meters_of,
    stations_of,
)

from greenpark.errors import InputError
from greenpark.store.overview import EnterpriseCounts, park_overview, suppress_small_groups
from greenpark.store.scoped import (
    enterprise_detail,
    list_enterprises,
    list_stations,
    meter_info,
    meter_readings,
    station_detail,
)

#: The whole-park counts worked out in ``scoping_park.py``.
WHOLE_PARK_COUNTS = EnterpriseCounts(
    total=8,
    above_designated_size=5,
    revenue_over_100m_yuan=2,
    high_tech=3,
    national_green_data_centre=2,
    national_green_factory=1,
    provincial_green_factory=0,
    by_industry={
        "big_data": 4,
        "electronic_information": 1,
        "equipment_manufacturing": 3,
        "organic_food": 0,
        "other": 0,
    },
)

#: The same for a caller who sees only some enterprises.
RESTRICTED_COUNTS = EnterpriseCounts(
    total=8,
    above_designated_size=5,
    revenue_over_100m_yuan=None,
    high_tech=3,
    national_green_data_centre=None,
    national_green_factory=None,
    provincial_green_factory=None,
    by_industry={
        "big_data": 4,
        "electronic_information": None,
        "equipment_manufacturing": 3,
        "organic_food": None,
        "other": None,
    },
)


def _scopes(park: ScopingPark) -> dict[str, frozenset[int] | None]:
    return {"park": None, "A": frozenset({park.ids["A"]}), "none": frozenset()}


def _letters(name: str) -> set[str]:
    return {"park": set(ENTERPRISES), "A": {"A"}, "none": set()}[name]


@pytest.mark.parametrize("scope", ["park", "A", "none"])
def test_list_enterprises(park: ScopingPark, scope: str) -> None:
    with park.store.read() as conn:
        found = list_enterprises(conn, scope=_scopes(park)[scope])
        big_data = list_enterprises(conn, scope=_scopes(park)[scope], industry="big_data")
        electronic = list_enterprises(
            conn, scope=_scopes(park)[scope], industry="electronic_information"
        )
    letters = _letters(scope)
    assert {e.credit_code for e in found} == {CODES[k] for k in letters}
    assert {e.credit_code for e in big_data} == {
        CODES[k] for k in letters if ENTERPRISES[k][1] == "big_data"
    }
    assert [e.credit_code for e in electronic] == ([CODES["B"]] if "B" in letters else [])
    by_code = {e.credit_code: e for e in found}
    if "A" in letters:
        a = by_code[CODES["A"]]
        assert (a.name, a.industry, a.figures_year, a.above_designated_size) == (
            "Alpha Data Co.",
            "big_data",
            2024,
            True,
        )
        assert a.certifications == ("national_green_data_centre",)
    if "B" in letters:
        assert by_code[CODES["B"]].certifications == (
            "national_green_factory",
            "national_green_data_centre",
        )
    if "E" in letters:
        assert by_code[CODES["E"]].above_designated_size is False


def test_unknown_filters_list_the_valid_ones(park: ScopingPark) -> None:
    with park.store.read() as conn:
        with pytest.raises(InputError, match=r"must be one of.*big_data"):
            list_enterprises(conn, scope=None, industry="steel")
        with pytest.raises(InputError, match=r"must be one of.*ambient_air"):
            list_stations(conn, scope=None, kind="radar")


@pytest.mark.parametrize("scope", ["park", "A", "none"])
def test_enterprise_detail(park: ScopingPark, scope: str) -> None:
    letters = _letters(scope)
    with park.store.read() as conn:
        found = {k: enterprise_detail(conn, CODES[k], scope=_scopes(park)[scope]) for k in "AB"}
        nonexistent = enterprise_detail(conn, "91520900MA7K099990", scope=_scopes(park)[scope])
    assert nonexistent is None
    for k in "AB":
        assert (found[k] is not None) == (k in letters)
    a = found["A"]
    if a is None:
        return
    assert a.energy_months[0] == "2024-03" and a.energy_months[-1] == "2025-02"
    assert [(y.year, y.revenue, y.above_designated_size) for y in a.years] == [
        (2024, 12000.0, True)
    ]
    assert [(c.kind, c.year) for c in a.certifications] == [("national_green_data_centre", 2023)]
    assert [(h.valid_from, h.valid_to) for h in a.high_tech_certificates] == [
        (dt.date(2023, 11, 1), dt.date(2026, 10, 31))
    ]
    meters = {m.code: m for m in a.meters}
    assert set(meters) == meters_of({"A"})
    assert meters["ALPHA-ELEC"].total == 1000.0 * 365
    assert meters["ALPHA-ELEC"].months_with_data == 12
    assert meters["ALPHA-ELEC-SUB"].parent == "ALPHA-ELEC"
    assert meters["ALPHA-GAS"].total == 50.0 * 365
    assert meters["ALPHA-VIRT"].virtual and meters["ALPHA-VIRT"].total is None


def test_enterprise_detail_accepts_lower_case_codes(park: ScopingPark) -> None:
    with park.store.read() as conn:
        found = enterprise_detail(conn, " " + CODES["A"].lower(), scope=None)
    assert found is not None and found.credit_code == CODES["A"]


@pytest.mark.parametrize("scope", ["park", "A", "none"])
def test_stations(park: ScopingPark, scope: str) -> None:
    letters = _letters(scope)
    with park.store.read() as conn:
        listed = list_stations(conn, scope=_scopes(park)[scope])
        outlets = list_stations(conn, scope=_scopes(park)[scope], kind="wastewater_outlet")
        details = {
            code: station_detail(conn, code, scope=_scopes(park)[scope], timezone=TZ)
            for code in STATIONS
        }
    visible = stations_of(letters)
    assert {s.code for s in listed} == visible
    assert {s.code for s in outlets} == {
        code for code in visible if STATIONS[code][1] == "wastewater_outlet"
    }
    assert {code for code, d in details.items() if d is not None} == visible
    for s in listed:
        owner = STATIONS[s.code][0]
        assert (s.enterprise.credit_code if s.enterprise else None) == (
            CODES[owner] if owner else None
        )


def test_station_detail_has_the_last_48_hours(park: ScopingPark) -> None:
    with park.store.read() as conn:
        found = station_detail(conn, "S-AIR", scope=frozenset({park.ids["A"]}), timezone=TZ)
        silent = station_detail(conn, "S-NOISE", scope=None, timezone=TZ)
    assert found is not None
    newest = dt.datetime(2025, 2, 28, 23, tzinfo=ZONE)
    assert [(v.parameter, v.time, v.value) for v in found.latest] == [
        ("a34004", newest, 30.0 + 71 % 7)
    ]
    assert (found.window_start, found.window_end) == (newest - dt.timedelta(hours=48), newest)
    (series,) = found.series
    assert len(series.times) == 48  # (start, end]: the 48 hourly values after the start
    assert series.times[0] == newest - dt.timedelta(hours=47) and series.times[-1] == newest
    assert series.values[-1] == 30.0 + 71 % 7
    assert str(series.times[0].tzinfo) == TZ
    assert silent is not None and silent.latest == () and silent.window_end is None


@pytest.mark.parametrize("scope", ["park", "A", "none"])
def test_meters_by_code(park: ScopingPark, scope: str) -> None:
    """Every meter code of the store: found exactly when its enterprise is in scope; a
    park-level meter for the whole park only."""
    letters = _letters(scope)
    with park.store.read() as conn:
        found = {
            code
            for code in METERS
            if meter_info(conn, code, scope=_scopes(park)[scope], timezone=TZ) is not None
        }
        readings = {
            code
            for code in METERS
            if meter_readings(conn, code, scope=_scopes(park)[scope], timezone=TZ) is not None
        }
    expected = meters_of(letters) | ({"PARK-LIGHT"} if scope == "park" else set())
    assert found == readings == expected


def test_formula_naming_an_unseen_meter_is_hidden(park: ScopingPark) -> None:
    a, ab = frozenset({park.ids["A"]}), frozenset({park.ids["A"], park.ids["B"]})
    with park.store.read() as conn:
        seen = {
            name: meter_info(conn, "ALPHA-MIX", scope=scope, timezone=TZ)
            for name, scope in (("park", None), ("A", a), ("AB", ab))
        }
        own = meter_info(conn, "ALPHA-VIRT", scope=a, timezone=TZ)
    assert seen["park"] is not None and seen["park"][1].formula == "ALPHA-ELEC + BRAVO-ELEC"
    assert seen["AB"] is not None and seen["AB"][1].formula == "ALPHA-ELEC + BRAVO-ELEC"
    assert seen["A"] is not None and seen["A"][1].formula is None and seen["A"][1].virtual
    assert own is not None and own[1].formula == "ALPHA-ELEC - ALPHA-ELEC-SUB"


def test_meter_readings_in_a_range(park: ScopingPark) -> None:
    start = dt.datetime(2025, 1, 1, tzinfo=ZONE)
    with park.store.read() as conn:
        found = meter_readings(
            conn,
            "ALPHA-ELEC",
            scope=frozenset({park.ids["A"]}),
            timezone=TZ,
            start=start,
            end=start + dt.timedelta(days=31),
        )
        last_week = meter_readings(conn, "ALPHA-ELEC", scope=None, timezone=TZ)
    assert found is not None
    assert len(found.readings) == 31 and found.total == 31 * 1000.0
    assert found.readings[0].start == start
    assert found.meter.last_end == dt.datetime(2025, 3, 1, tzinfo=ZONE)
    assert last_week is not None
    assert (last_week.start, last_week.end) == (
        dt.datetime(2025, 2, 22, tzinfo=ZONE),
        dt.datetime(2025, 3, 1, tzinfo=ZONE),
    )
    assert len(last_week.readings) == 7


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 2), "no UTC offset"),
        (dt.datetime(2025, 1, 2, tzinfo=ZONE), dt.datetime(2025, 1, 1, tzinfo=ZONE), "after"),
        (dt.datetime(2024, 1, 1, tzinfo=ZONE), dt.datetime(2025, 1, 2, tzinfo=ZONE), "366 days"),
        (dt.datetime(2025, 1, 1, tzinfo=ZONE), None, "both"),
    ],
)
def test_bad_ranges_are_refused_before_the_lookup(
    park: ScopingPark, start: dt.datetime, end: dt.datetime | None, message: str
) -> None:
    """The same error for a visible, an invisible and a nonexistent meter."""
    with park.store.read() as conn:
        for code in ("ALPHA-ELEC", "BRAVO-ELEC", "NO-SUCH-METER"):
            with pytest.raises(InputError, match=message):
                meter_readings(
                    conn,
                    code,
                    scope=frozenset({park.ids["A"]}),
                    timezone=TZ,
                    start=start,
                    end=end,
                )


def test_a_full_leap_year_is_allowed(park: ScopingPark) -> None:
    start = dt.datetime(2024, 1, 1, tzinfo=ZONE)
    with park.store.read() as conn:
        found = meter_readings(
            conn, "ALPHA-ELEC", scope=None, timezone=TZ, start=start, end=start.replace(2025)
        )
    assert found is not None and len(found.readings) == 306  # 2024-03-01 .. 2024-12-31


@pytest.mark.parametrize("scope", ["park", "A", "none"])
def test_park_overview_by_scope(park: ScopingPark, scope: str) -> None:
    letters = _letters(scope)
    with park.store.read() as conn:
        overview = park_overview(conn, TZ, _scopes(park)[scope])
    if scope == "park":
        assert overview.enterprise_counts == WHOLE_PARK_COUNTS
        assert overview.scope is None and overview.suppressed_below is None
    else:
        assert overview.enterprise_counts == RESTRICTED_COUNTS
        assert overview.suppressed_below == 3
        assert overview.scope is not None
        assert [e.credit_code for e in overview.scope] == [CODES[k] for k in sorted(letters)]
    energy = {s.carrier: s.total for s in overview.energy_by_carrier}
    if scope == "park":  # top-level real consumption meters of every owner, park-level too
        assert energy == {
            "electricity": 365 * (1000.0 + 4321.5 + 2000.0 + 3000.0 + 111.0),
            "natural_gas": 365 * 50.0,
            "water": 365 * 77.25,
        }
    elif scope == "A":
        assert energy == {"electricity": 365 * 1000.0, "natural_gas": 365 * 50.0}
    else:
        assert energy == {} and overview.energy_months == ()
    assert {s.code for s in overview.stations} == stations_of(letters)


def test_park_overview_default_is_the_whole_park(park: ScopingPark) -> None:
    with park.store.read() as conn:
        assert park_overview(conn, TZ) == park_overview(conn, TZ, None)


def test_empty_store_with_a_scope(store) -> None:  # type: ignore[no-untyped-def]
    with store.read() as conn:
        overview = park_overview(conn, TZ, frozenset({1}))
        assert list_enterprises(conn, scope=frozenset({1})) == ()
        assert list_stations(conn, scope=None) == ()
        assert enterprise_detail(conn, CODES["A"], scope=None) is None
        assert meter_info(conn, "ALPHA-ELEC", scope=None, timezone=TZ) is None
        assert station_detail(conn, "S-AIR", scope=None, timezone=TZ) is None
    assert overview.park is None and overview.scope == () and overview.suppressed_below == 3


# --- suppression of small groups (pure) -------------------------------------------------


def _counts(total: int, industries: dict[str, int], **classes: int | None) -> EnterpriseCounts:
    values: dict[str, int | None] = dict.fromkeys(
        (
            "above_designated_size",
            "revenue_over_100m_yuan",
            "high_tech",
            "national_green_data_centre",
            "national_green_factory",
            "provincial_green_factory",
        ),
        None,
    )
    values.update(classes)
    return EnterpriseCounts(total=total, by_industry=industries, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        (
            "threshold: 1, 2 and 0 hidden; 3 shown",
            _counts(10, {}, high_tech=3, national_green_factory=2, provincial_green_factory=0),
            _counts(10, {}, high_tech=3),
        ),
        (
            "complement: all but 1 or 2 is as telling as 1 or 2",
            _counts(10, {}, high_tech=8, above_designated_size=7, national_green_factory=10),
            _counts(10, {}, above_designated_size=7),
        ),
        (
            "nested: above designated size minus turnover above 100 million is a group too",
            _counts(12, {}, above_designated_size=8, revenue_over_100m_yuan=6),
            _counts(12, {}, above_designated_size=8),
        ),
        (
            "nested, far enough apart: both shown",
            _counts(12, {}, above_designated_size=8, revenue_over_100m_yuan=5),
            _counts(12, {}, above_designated_size=8, revenue_over_100m_yuan=5),
        ),
        (
            "a park of fewer than 3 shows nothing",
            _counts(2, {"big_data": 2}, high_tech=1),
            _counts(None, {"big_data": None}),  # type: ignore[arg-type]
        ),
        (
            "one hidden industry would be total minus the rest: the smallest shown goes too",
            _counts(10, {"big_data": 4, "organic_food": 4, "other": 2}),
            _counts(10, {"big_data": None, "organic_food": 4, "other": None}),
        ),
        (
            "two hidden industries already hide each other",
            _counts(10, {"big_data": 8, "organic_food": 1, "other": 1}),
            _counts(10, {"big_data": None, "organic_food": None, "other": None}),
        ),
        (
            "every industry large: all shown",
            _counts(9, {"big_data": 3, "organic_food": 3, "other": 3}),
            _counts(9, {"big_data": 3, "organic_food": 3, "other": 3}),
        ),
    ],
)
def test_suppress_small_groups(
    name: str, given: EnterpriseCounts, expected: EnterpriseCounts
) -> None:
    assert suppress_small_groups(given) == expected, name


def test_no_shown_industry_count_can_be_derived_from_the_others() -> None:
    """For every split of 12 enterprises over 3 industries: a hidden industry is never
    the only hidden one while the total is shown."""
    for a in range(13):
        for b in range(13 - a):
            counts = _counts(12, {"big_data": a, "organic_food": b, "other": 12 - a - b})
            shown = suppress_small_groups(counts)
            hidden = [k for k, n in shown.by_industry.items() if n is None]
            assert len(hidden) != 1, counts
            for n in shown.by_industry.values():
                assert n is None or (n >= 3 and 12 - n >= 3), counts
