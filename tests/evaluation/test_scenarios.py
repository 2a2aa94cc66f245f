"""What-if scenarios (``greenpark.evaluation.scenarios``) on the hand-built park of
``test_values.py``, each change checked against the ledger by hand.

Today, one month of 2023 (``test_values.py``): members use 110 000 kWh (A 100 000, the
station S imports 10 000); S's engines deliver 30 000 kWh and its PV 20 000 kWh, so the
internal supply is min(50 000, A's 100 000) = 50 000 and the grid electricity 60 000 kWh;
the PV is counted back as zero-carbon electricity. GB/T 2589: 0.1229 kgce/kWh; Guizhou
0.4989 tCO2/MWh (location-based); residual mix 0.6096 tCO2/MWh (MEE/NBS 2023, national
excluding market-traded non-fossil, market-based).

- tce = 425.016 a year (unchanged by PV and certificates: grid and PV kWh both count at
  0.1229 kgce/kWh);
- renewable = 12 x 20 000 x 0.1229 / 1000 = 29.496 tce -> 6.940 %;
- tCO2 = 904.080 (location), 983.784 (market).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import insert
from test_values import TCE, TCO2, _copy_year, build_park

from greenpark.cli import cli
from greenpark.errors import InputError
from greenpark.evaluation.scenarios import (
    DEFAULT_PV_YIELD_KWH_PER_KWP,
    TODAY,
    Retrofit,
    Scenario,
    changed,
    comparison_rows,
    evaluate_scenarios,
    load_scenarios,
)
from greenpark.evaluation.service import evaluate
from greenpark.store import Store
from greenpark.store.schema import Asset

A = "91520900MA6DLAAAA1"
EL_KGCE = 0.1229  # [kgce/kWh]
GUIZHOU = 0.4989  # [tCO2/MWh]
RESIDUAL = 0.6096  # [tCO2/MWh]
RENEWABLE_TCE = 12 * 20_000 * EL_KGCE / 1000  # 29.496


@pytest.fixture
def park(park_url: str) -> Store:
    return build_park(park_url)


@pytest.fixture
def rated(park: Store) -> Store:
    """The park with its 20 000 kWh a month of PV rated 0.2 MWp (a station asset)."""
    with park.write() as c:
        c.execute(insert(Asset).values(park_id=1, code="S-PV", name="PV", kind="pv", p_nom=200.0))
    return park


def _run(store: Store, *scenarios: Scenario, scheme: str = "miit-green-park", year: int = 2023):
    results = evaluate_scenarios(store, scheme, year, list(scenarios))
    assert [n for n, _ in results] == [TODAY, *(s.name for s in scenarios)]
    return [r for _, r in results]


def test_today_is_what_evaluate_computes(park: Store) -> None:
    today, same = _run(park, Scenario("nothing"))
    ev = evaluate(park, "miit-green-park", 2023).current
    assert {k: v.value for k, v in today.values.items()} == {
        k: v.value for k, v in ev.values.items()
    }
    assert today.index == pytest.approx(ev.index)
    # an empty scenario changes nothing
    assert same.changes == ("nothing changed",)
    assert {k: v.value for k, v in same.values.items()} == {
        k: v.value for k, v in today.values.items()
    }
    assert changed(evaluate_scenarios(park, "miit-green-park", 2023, [Scenario("nothing")])) == []


def test_adding_pv_raises_the_renewable_share_and_lowers_co2_per_tce(rated: Store) -> None:
    today, pv = _run(rated, Scenario("pv", pv_mwp=0.1))
    # the PV series x (0.2 + 0.1) / 0.2 = 1.5: +10 000 kWh a month, +120 000 kWh in 2023
    added = 12 * 10_000
    assert pv.ledger("renewable_kwh") - today.ledger("renewable_kwh") == pytest.approx(added)
    # the station's 60 000 kWh a month stay below A's 100 000: all consumed in the park, so
    # the grid electricity falls by the same 120 000 kWh (720 000 -> 600 000)
    assert today.ledger("grid_kwh") == pytest.approx(720_000)
    assert pv.ledger("grid_kwh") == pytest.approx(600_000)
    # energy use unchanged: 120 000 kWh move from grid to PV, both at 0.1229 kgce/kWh
    assert pv.ledger("tce") == pytest.approx(TCE)
    # renewable share: + 120 000 x 0.1229 / 1000 = 14.748 tce / 425.016 = + 3.470 points
    # (6.940 % -> 10.410 %)
    r0, r1 = today.values["renewable_share"].value, pv.values["renewable_share"].value
    assert r0 == pytest.approx(100 * RENEWABLE_TCE / TCE)
    assert r1 - r0 == pytest.approx(100 * added * EL_KGCE / 1000 / TCE)
    assert r1 == pytest.approx(10.40996, rel=1e-5)
    # CO2: - 120 000 kWh x 0.4989 / 1000 = - 59.868 t; per tce - 59.868 / 425.016 = - 0.14086
    # (2.12717 -> 1.98631 tCO2/tce)
    assert pv.ledger("tco2") == pytest.approx(TCO2 - added * GUIZHOU / 1000)
    c0, c1 = today.context["co2_per_tce"].value, pv.context["co2_per_tce"].value
    assert c0 == pytest.approx(TCO2 / TCE)
    assert c1 - c0 == pytest.approx(-added * GUIZHOU / 1000 / TCE)
    assert c1 == pytest.approx(1.98631, rel=1e-5)
    # the reduction of tCO2 per 10⁴ yuan against 2022 grows, and the GI with it
    assert pv.values["carbon_intensity_reduction"].value > (
        today.values["carbon_intensity_reduction"].value
    )
    assert pv.index > today.index
    assert "x1.5" in pv.changes[0] and "+120,000 kWh" in pv.changes[0]


def test_pv_moves_the_zero_carbon_core_indicator(rated: Store) -> None:
    # the zero-carbon notice is in force from 2025: the 2023 figures again as 2025
    _copy_year(rated, 2023, 2025)
    today, pv = _run(rated, Scenario("pv", pv_mwp=0.1), scheme="zero-carbon-park", year=2025)
    added = 12 * 10_000
    c0, c1 = today.values["co2_per_tce"].value, pv.values["co2_per_tce"].value
    assert c0 == pytest.approx(TCO2 / TCE)
    assert c1 == pytest.approx((TCO2 - added * GUIZHOU / 1000) / TCE)
    # the (not scored) renewable share moves as in the MIIT scheme
    assert pv.supplementary["renewable_share"].value - today.supplementary[
        "renewable_share"
    ].value == pytest.approx(100 * added * EL_KGCE / 1000 / TCE)


def test_pv_without_a_rating_uses_the_specific_yield(park: Store) -> None:
    # no PV asset: 0.1 MWp x 1 000 kWh/kWp = 100 000 kWh, spread over 2023 by days
    today, pv = _run(park, Scenario("pv", pv_mwp=0.1))
    added = 100.0 * DEFAULT_PV_YIELD_KWH_PER_KWP
    assert pv.ledger("renewable_kwh") - today.ledger("renewable_kwh") == pytest.approx(added)
    jan = pv.book.park_months.set_index("month").loc["2023-01", "renewable_kwh"]
    assert jan == pytest.approx(20_000 + added * 31 / 365)
    assert pv.ledger("grid_kwh") == pytest.approx(720_000 - added)
    assert pv.values["renewable_share"].value - today.values["renewable_share"].value == (
        pytest.approx(100 * added * EL_KGCE / 1000 / TCE)
    )
    # a scenario's own yield
    _, own = _run(park, Scenario("pv", pv_mwp=0.1, pv_yield_kwh_per_kwp=1200))
    assert own.ledger("renewable_kwh") == pytest.approx(240_000 + 120_000)
    assert "1200 kWh/kWp" in own.changes[0]


def test_certificates_change_market_based_co2_only(park: Store) -> None:
    today, gec = _run(park, Scenario("gec", gec_mwh=120))
    # 120 MWh spread by grid electricity (60 000 kWh every month): 10 MWh a month
    entries = gec.book.entries
    bought = entries[entries["kind"] == "gec"]
    assert len(bought) == 12 and bought["quantity"].tolist() == pytest.approx([10.0] * 12)
    # location-based CO2 unchanged (904.080 t, 2.12717 tCO2/tce) ...
    assert gec.ledger("tco2") == pytest.approx(today.ledger("tco2"))
    assert gec.context["co2_per_tce"].value == pytest.approx(today.context["co2_per_tce"].value)
    # ... market-based: - 120 MWh x 0.6096 = - 73.152 t (983.784 -> 910.632 t)
    assert today.book.summary["residual_factor"] == pytest.approx(RESIDUAL)
    assert gec.ledger("tco2_market") == pytest.approx(today.ledger("tco2_market") - 120 * RESIDUAL)
    m0, m1 = today.context["co2_per_tce_market"].value, gec.context["co2_per_tce_market"].value
    assert m1 - m0 == pytest.approx(-120 * RESIDUAL / TCE)
    # the ledger counts certified electricity as renewable: + 120 000 x 0.1229 / 1000 tce
    assert gec.values["renewable_share"].value - today.values["renewable_share"].value == (
        pytest.approx(100 * 120_000 * EL_KGCE / 1000 / TCE)
    )
    # green electricity: (240 000 + 120 000) / 1 320 000 kWh used = 27.27 %
    assert gec.context["green_electricity_share"].value == pytest.approx(100 * 360 / 1320)
    # the carbon-intensity reduction is location-based: unchanged
    assert gec.values["carbon_intensity_reduction"].value == pytest.approx(
        today.values["carbon_intensity_reduction"].value
    )


def test_a_retrofit_reaches_the_target_intensity(park: Store) -> None:
    # A today: 12 x (100 000 x 0.1229 + 1 000 x 1.2143 + 1 000 x 0.0857) / 1000 = 163.08 tce
    # for 1 000 x 10⁴ yuan = 0.16308 tce/10⁴ yuan; target 0.12 -> its use x 0.73584
    today, retro = _run(park, Scenario("r", retrofit=(Retrofit(A, 0.12),)))
    before = today.book.enterprises.set_index("enterprise").loc[A]
    after = retro.book.enterprises.set_index("enterprise").loc[A]
    assert before["tce_per_va"] == pytest.approx(0.16308)
    assert after["tce_per_va"] == pytest.approx(0.12)
    # the park saves 163.08 - 120 = 43.08 tce: 1 250 / 381.936 = 3.2728 万元/tce
    assert retro.ledger("tce") == pytest.approx(TCE - 43.08)
    assert retro.values["energy_productivity"].value == pytest.approx(1250 / (TCE - 43.08))
    # energy productivity now reaches its leading value 3: no longer a failed mandatory item
    assert "energy_productivity" in today.score.mandatory_failed
    assert "energy_productivity" not in retro.score.mandatory_failed
    # a target above today's intensity changes nothing
    _, none = _run(park, Scenario("r", retrofit=(Retrofit(A, 0.5),)))
    assert none.ledger("tce") == pytest.approx(TCE) and "unchanged" in none.changes[0]


def test_buses_raise_the_new_energy_bus_share(park: Store) -> None:
    # today 4 of 5 buses in service (3 battery-electric, 1 natural gas; 1 diesel): 80 %;
    # + 5 battery-electric: 9 of 10 = 90 %
    today, bus = _run(park, Scenario("bus", buses=5))
    assert today.values["new_energy_bus_share"].value == pytest.approx(80.0)
    assert bus.values["new_energy_bus_share"].value == pytest.approx(90.0)
    assert changed([(TODAY, today), ("bus", bus)]) == ["new_energy_bus_share"]


def test_scenarios_side_by_side(park: Store) -> None:
    both = Scenario("both", pv_mwp=0.1, gec_mwh=120, buses=5)
    results = evaluate_scenarios(park, "miit-green-park", 2023, [both])
    rows = {r["id"]: r for r in comparison_rows(results, only_changed=True)}
    assert rows["index"]["name"] == "GI" and rows["index"]["values"][1] > rows["index"]["values"][0]
    assert {"renewable_share", "new_energy_bus_share", "co2_per_tce_market"} <= set(rows)
    assert "high_tech_output_share" not in rows  # unchanged
    # certificates are spread after the PV: over the grid electricity it leaves
    # (720 000 - 100 000 kWh), still 120 MWh in all
    _, r = results[1]
    assert r.ledger("green_certificates_mwh") == pytest.approx(120.0)
    all_rows = comparison_rows(results)
    assert len([x for x in all_rows if x["kind"] == "indicator"]) == 31 + 8  # + basic requirements


def test_scenario_files(tmp_path: Path) -> None:
    f = tmp_path / "solar.toml"
    f.write_text(
        'description = "roof PV"\npv_mwp = 2\ngec_mwh = 500.5\nbuses = 3\n'
        f'retrofit = [{{enterprise = "{A.lower()}", tce_per_va = 0.2}}]\n',
        encoding="utf-8",
    )
    (s,) = load_scenarios([f])
    assert s.name == "solar" and s.pv_mwp == 2.0 and s.gec_mwh == 500.5 and s.buses == 3
    assert s.retrofit == (Retrofit(A, 0.2),) and s.source == str(f)
    g = tmp_path / "g.toml"
    g.write_text('name = "solar"\n', encoding="utf-8")
    with pytest.raises(InputError, match="two scenarios"):
        load_scenarios([f, g])
    bad = {
        "pv_mw = 2\n": "unknown key",
        "pv_mwp = -1\n": "pv_mwp",
        "buses = 2.5\n": "buses",
        'bus_energy = "diesel"\nbuses = 1\n': "new-energy",
        'retrofit = [{enterprise = "X"}]\n': "tce_per_va",
        "pv_mwp = \n": "not valid TOML",
        'name = "today"\n': "reserved",
    }
    for text, match in bad.items():
        g.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=match):
            Scenario.from_toml(g)


def test_changes_the_data_cannot_carry(park: Store) -> None:
    with pytest.raises(InputError, match="uses no energy"):
        _run(park, Scenario("r", retrofit=(Retrofit("91520900MA6DLWWWW3", 0.1),)))
    # no energy in 2021: PV cannot be added, buses can
    with pytest.raises(InputError, match="no energy recorded in 2021"):
        evaluate_scenarios(park, "miit-green-park", 2021, [Scenario("pv", pv_mwp=1)])
    _, bus = _run(park, Scenario("bus", buses=1), year=2021)
    assert bus.values["new_energy_bus_share"].value == pytest.approx(500 / 6)


def test_cli_scenarios(park_url: str, tmp_path: Path) -> None:
    build_park(park_url).dispose()
    (tmp_path / "pv.toml").write_text("pv_mwp = 0.1\n", encoding="utf-8")
    (tmp_path / "buses.toml").write_text('name = "buses"\nbuses = 5\n', encoding="utf-8")
    out = tmp_path / "report.xlsx"
    args = ["--database", park_url, "evaluate", "--scheme", "miit-green-park", "--year", "2023",
            "--scenario", str(tmp_path / "pv.toml"), "--scenario", str(tmp_path / "buses.toml"),
            "-o", str(out)]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "what-if scenarios" in text
    lines = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    # renewable share 6.94 % today, + 100 000 kWh x 0.1229 / 1000 / 425.016 with the PV
    assert "6.94" in lines["renewable_share"] and "9.832" in lines["renewable_share"]
    assert "80" in lines["new_energy_bus_share"] and "90" in lines["new_energy_bus_share"]
    assert "high_tech_output_share" not in text.split("what-if scenarios")[1]
    wb = load_workbook(out)
    assert "scenarios" in wb.sheetnames
    rows = list(wb["scenarios"].iter_rows(values_only=True))
    head = rows[0]
    assert head[:7] == ("kind", "id", "name", "unit", "leading", "today value", "today score")
    by_id = {r[1]: dict(zip(head, r, strict=True)) for r in rows[1:] if r and r[1]}
    ren = by_id["renewable_share"]
    assert ren["today value"] == pytest.approx(100 * RENEWABLE_TCE / TCE, abs=1e-5)
    assert ren["pv value"] == pytest.approx(100 * (RENEWABLE_TCE + 12.29) / TCE, abs=1e-5)
    assert by_id["new_energy_bus_share"]["buses value"] == pytest.approx(90.0)
    assert any(r[0] == "pv" and "PV +0.1 MWp" in (r[2] or "") for r in rows)


def test_every_park_scheme_is_recomputed(rated: Store) -> None:
    # 2025: both park schemes are in force (the zero-carbon notice from 2025)
    _copy_year(rated, 2023, 2025)
    results = evaluate_scenarios(rated, "miit-green-park", 2025, [Scenario("pv", pv_mwp=0.1)])
    (_, today), (_, pv) = results
    assert set(today.others) == {"zero-carbon-park"}
    z0, z1 = today.others["zero-carbon-park"], pv.others["zero-carbon-park"]
    # the zero-carbon core indicator moves with the scenario, as it does scored on its own
    added = 12 * 10_000
    assert z0.values["co2_per_tce"].value == pytest.approx(TCO2 / TCE)
    assert z1.values["co2_per_tce"].value == pytest.approx((TCO2 - added * GUIZHOU / 1000) / TCE)
    (row,) = [r for r in comparison_rows(results) if r["kind"] == "scheme"]
    assert row["id"] == "zero-carbon-park" and row["values"] == [z0.index, z1.index]
