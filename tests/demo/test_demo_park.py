"""The demo registry reproduces the published facts of Gui'an FTZ and is well formed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import fields

import pytest
from demo_helpers import count_facts

from greenpark.demo import fact_rows, park_facts, park_registry
from greenpark.demo.facts import ParkFacts
from greenpark.demo.park import PARAMETERS, PARK_CODE, organisation_code_check
from greenpark.standards.credit_code import validate_credit_code
from greenpark.store.registry import KINDS
from greenpark.store.schema import INDUSTRIES
from greenpark.units import ABOVE_DESIGNATED_SIZE_REVENUE, CARRIER_UNITS

SEEDS = (2023, 1, 987_654)


@pytest.fixture(scope="module")
def registry():  # type: ignore[no-untyped-def]
    return park_registry(2023, 2025)


def test_facts_table_is_complete() -> None:
    rows = fact_rows()
    assert [r.fact for r in rows] == [f.name for f in fields(ParkFacts)]
    published = [r for r in rows if r.basis.startswith("published")]
    assert {r.fact for r in published} == {
        "enterprises",
        "above_designated_size",
        "revenue_above_10000",
        "high_tech",
        "national_green_data_centres",
        "national_green_factories",
        "provincial_green_factories",
    }
    for r in published:
        assert (
            r.source == "MIIT 2023 national green industrial park list; Gui'an FTZ public profile"
        )
    facts = park_facts()
    assert facts.enterprises >= 100
    assert facts.revenue_above_10000 <= facts.above_designated_size


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("year", [2025, 2024])
@pytest.mark.parametrize("fact", [r.fact for r in fact_rows()])
def test_registry_reproduces_fact(seed: int, year: int, fact: str) -> None:
    counted = count_facts(park_registry(seed, year).rows(), year)
    assert counted[fact] == getattr(park_facts(), fact)


def test_large_enterprises_are_a_subset_of_above_size(registry) -> None:  # type: ignore[no-untyped-def]
    large = {e.code for e in registry.enterprises if e.revenue[-1] > 10_000}
    above = {e.code for e in registry.enterprises if e.revenue[-1] >= ABOVE_DESIGNATED_SIZE_REVENUE}
    assert large <= above
    assert len(large) == 15 and len(above) == 30


def test_park_row(registry) -> None:  # type: ignore[no-untyped-def]
    park = registry.rows()["park"][0]
    assert park["code"] == PARK_CODE == "GUIAN-FTZ"
    assert park["name"] == "Gui'an Free Trade Zone (demo)"
    assert park["name_local"] == "贵安综合保税区（示范）"
    assert park["timezone"] == "Asia/Shanghai"
    assert park["grid_region"] == "South China"
    assert park["latitude"] == pytest.approx(26.42, abs=0.05)
    assert park["longitude"] == pytest.approx(106.40, abs=0.05)


@pytest.mark.parametrize("seed", SEEDS)
def test_credit_codes_are_valid_and_unique(seed: int) -> None:
    codes = [e.credit_code for e in park_registry(seed).enterprises]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert validate_credit_code(code) == code
        assert code.startswith("91") and code[2:4] == "52"
        org = code[8:17]
        assert organisation_code_check(org[:8]) == org[8]


@pytest.mark.parametrize(
    ("body", "check"),
    [
        # GB 11714-1997 worked example style values, computed by hand:
        # D2143569: 13*3+2*7+1*9+4*10+3*5+5*8+6*4+9*2 = 199; 199 mod 11 = 1; 11-1 = 10 -> X
        ("D2143569", "X"),
        # 00000000: sum 0 -> 11 -> "0"
        ("00000000", "0"),
        # 12345678: 3+14+27+40+25+48+28+16 = 201; 201 mod 11 = 3; 11-3 = 8
        ("12345678", "8"),
    ],
)
def test_organisation_code_check(body: str, check: str) -> None:
    assert organisation_code_check(body) == check


def test_enterprises_are_fictional_and_complete(registry) -> None:  # type: ignore[no-untyped-def]
    names = [e.name for e in registry.enterprises]
    assert len(set(names)) == len(names)
    assert all(n.endswith("(demo)") for n in names)
    assert {e.industry for e in registry.enterprises} == set(INDUSTRIES)
    dcs = [e for e in registry.enterprises if e.role == "data_centre"]
    assert len(dcs) == 7 and all(e.industry == "big_data" for e in dcs)
    assert all(e.employees >= 8 for e in registry.enterprises)
    years = registry.rows()["enterprise_year"]
    assert len(years) == 3 * len(registry.enterprises)
    assert {y["year"] for y in years} == {2023, 2024, 2025}
    for y in years:
        assert y["revenue"] > 0 and 0 < y["value_added"] < y["gross_output"]


def test_high_tech_certificates_cover_the_data_year(registry) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    rows = registry.rows()["high_tech_certificate"]
    for r in rows:
        assert r["valid_to"].year == r["valid_from"].year + 3
        assert r["valid_to"] + dt.timedelta(days=1) == r["valid_from"].replace(
            year=r["valid_from"].year + 3
        )
        assert re.fullmatch(r"GR20\d\d52\d{6}", r["number"])
    whole_year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    current = [
        r for r in rows if r["valid_from"] <= whole_year[0] <= whole_year[1] <= r["valid_to"]
    ]
    assert len(current) == 18
    assert all(2023 <= r["valid_from"].year <= 2025 for r in current)
    assert len(rows) > 18  # renewals and lapsed certificates are present too


def test_meters(registry) -> None:  # type: ignore[no-untyped-def]
    meters = {m.code: m for m in registry.meters}
    for m in registry.meters:
        assert m.unit == CARRIER_UNITS[m.carrier]
        if m.parent:
            assert meters[m.parent].enterprise == m.enterprise
        if m.formula:
            parts = m.formula.split(" + ")
            assert all(p in meters and not meters[p].virtual for p in parts)
    for e in registry.enterprises:
        own = {m.code for m in registry.meters if m.enterprise == e.code}
        assert f"{e.code}-EL" in own
        assert (f"{e.code}-NG" in own) == e.above_designated_size
        assert (f"{e.code}-WA" in own) == e.above_designated_size
        if e.role == "data_centre":
            assert {f"{e.code}-EL-IT", f"{e.code}-EL-CL", f"{e.code}-EL-ITC"} <= own
            assert meters[f"{e.code}-EL-IT"].parent == f"{e.code}-EL"
            assert meters[f"{e.code}-EL-ITC"].formula == f"{e.code}-EL-IT + {e.code}-EL-CL"
    mes = [e for e in registry.enterprises if e.role == "energy_station"]
    assert len(mes) == 1
    carriers = {m.carrier for m in registry.meters if m.enterprise == mes[0].code}
    assert carriers == {"electricity", "natural_gas", "water", "heat", "cooling"}
    plants = [e for e in registry.enterprises if e.role == "sewage_plant"]
    for e in plants:  # the reclaimed water each plant delivers: produced, not used
        rw = meters[f"{e.code}-RW"]
        assert (rw.carrier, rw.direction) == ("water", "production")
    assert len(registry.meters) == 189 + len(plants) == 191
    assert sum(m.virtual for m in registry.meters) == 7


def test_stations(registry) -> None:  # type: ignore[no-untyped-def]
    by_kind: dict[str, list] = {}
    for s in registry.stations:
        by_kind.setdefault(s.kind, []).append(s)
    assert sorted(s.noise_zone_class for s in by_kind["noise"]) == ["2", "3", "4a"]
    water = {(s.water_body, s.water_target_class) for s in by_kind["surface_water"]}
    assert water == {("river", "III"), ("lake", "II")}
    for s in by_kind["wastewater_outlet"]:
        assert s.discharge_standard == "GB 18918-2002 1A"
        assert registry.enterprise(s.enterprise).role == "sewage_plant"
    assert {s.enterprise for s in by_kind["wastewater_inlet"]} == {
        s.enterprise for s in by_kind["wastewater_outlet"]
    }
    assert len({s.mn for s in registry.stations}) == len(registry.stations)
    air = [p.code for p in PARAMETERS["ambient_air"]]
    assert air == ["a34004", "a34002", "a21026", "a21004", "a21005", "a05024"]
    water_codes = {p.code for p in PARAMETERS["surface_water"]}
    assert water_codes == {"w01001", "w01009", "w01019", "w21003", "w21011", "w01010"}
    inlet = {p.code for p in PARAMETERS["wastewater_inlet"]}
    assert inlet == {"w01018", "w21003", "w21011", "w21001", "w01001", "w00000"}
    assert {p.code for p in PARAMETERS["wastewater_outlet"]} == inlet | {"w01010"}


def test_assets_and_vehicles(registry) -> None:  # type: ignore[no-untyped-def]
    assets = {a["kind"]: a for a in registry.assets}
    kinds = [a["kind"] for a in registry.assets]
    assert kinds.count("gas_engine") == 2
    assert set(kinds) == {
        "pv",
        "gas_engine",
        "absorption_chiller",
        "electric_chiller",
        "boiler",
        "battery",
        "thermal_storage",
        "cold_storage",
    }
    assert assets["pv"]["p_nom"] >= 2_000
    assert assets["gas_engine"]["efficiency"] == pytest.approx(0.40)
    assert "heat_recovery_efficiency" in assets["gas_engine"]["params"]
    assert assets["absorption_chiller"]["cop"] == pytest.approx(1.2)
    assert assets["electric_chiller"]["cop"] == pytest.approx(5.5)
    assert assets["boiler"]["efficiency"] == pytest.approx(0.92)
    assert assets["battery"]["p_nom"] > 0 and assets["battery"]["e_nom"] > 0
    buses = registry.vehicles
    electric = [v for v in buses if v["energy"] == "battery_electric"]
    diesel = [v for v in buses if v["energy"] == "diesel"]
    assert len(electric) == 60 and all(v["in_service"] for v in electric)
    # the retired diesel buses: out of service now, each with the day it left
    assert len(diesel) == len(buses) - 60 == 24
    assert not any(v["in_service"] for v in diesel) and all(v["in_service_to"] for v in diesel)
    assert all(v["in_service_from"] <= dt.date(registry.year, 12, 31) for v in buses)


def test_rows_match_the_store_kinds(registry) -> None:  # type: ignore[no-untyped-def]
    rows = registry.rows()
    assert list(rows) == list(KINDS)
    for kind, kind_rows in rows.items():
        allowed = set(KINDS[kind].row_columns)
        for r in kind_rows:
            assert set(r) <= allowed, (kind, set(r) - allowed)


def test_registry_is_deterministic() -> None:
    assert park_registry(7, 2025).rows() == park_registry(7, 2025).rows()
    a = park_registry(7, 2025).rows()["enterprise"]
    b = park_registry(8, 2025).rows()["enterprise"]
    assert [r["credit_code"] for r in a] != [r["credit_code"] for r in b]
