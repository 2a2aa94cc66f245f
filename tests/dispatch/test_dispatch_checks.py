"""Bad dispatch input is refused with an InputError that says where (greenpark.dispatch).

Components are checked by ``Problem.check`` (run by ``solve`` before anything is built);
problem files by ``read_problem``, whose errors name the file, the table and the field.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from greenpark.dispatch import (
    Bus,
    Commitment,
    Converter,
    Extend,
    Load,
    Problem,
    Sink,
    Source,
    Storage,
    read_problem,
    solve,
)
from greenpark.errors import InputError


def _snaps(n: int) -> np.ndarray:
    return np.datetime64("2025-08-06T00:00", "s") + np.arange(n) * np.timedelta64(3600, "s")


def _base() -> Problem:
    """A valid 3-step station: grid, gas, a CHP with a dump, a battery."""
    return Problem(
        "station",
        snapshots=_snaps(3),
        weights=np.ones(3),
        buses=[Bus("el"), Bus("heat"), Bus("gas")],
        sources=[Source("grid", "el", price=100.0), Source("gas_supply", "gas", price=50.0)],
        sinks=[Sink("dump", "heat")],
        loads=[Load("load_el", "el", np.array([1.0, 2.0, 3.0])), Load("load_heat", "heat", 1.0)],
        converters=[
            Converter("chp", {"gas": 1.0}, {"el": 0.4, "heat": 0.45}, ref="gas", capacity=10.0)
        ],
        storages=[Storage("bat", "el", power=1.0, hours=2.0)],
    )


def _refused(problem: Problem, *parts: str) -> str:
    """``solve`` raises an InputError whose message holds every one of ``parts``."""
    with pytest.raises(InputError) as info:
        solve(problem)
    message = str(info.value)
    for part in parts:
        assert part in message, (part, message)
    return message


def _replace(items: list, name: str, **changes: object) -> None:
    """Replace the component called ``name`` in ``items`` by a copy with ``changes``."""
    i = next(i for i, c in enumerate(items) if c.name == name)
    items[i] = dataclasses.replace(items[i], **changes)


def test_base_is_valid() -> None:
    _base().check()
    assert solve(_base()).status == "optimal"


# ---------------------------------------------------------------- components


def test_unknown_bus() -> None:
    p = _base()
    _replace(p.sources, "grid", bus="elec")
    _refused(p, "source 'grid'", "field 'bus'", "'elec'")


def test_unknown_bus_of_a_converter_port() -> None:
    p = _base()
    _replace(p.converters, "chp", outputs={"el": 0.4, "steam": 0.45})
    _refused(p, "converter 'chp'", "ports.steam", "'steam'")


def test_series_of_wrong_length() -> None:
    p = _base()
    _replace(p.loads, "load_el", p=np.array([1.0, 2.0]))
    _refused(p, "load 'load_el'", "field 'p'", "2 values for 3 steps")


def test_price_series_of_wrong_length() -> None:
    p = _base()
    _replace(p.sources, "grid", price=np.ones(4))
    _refused(p, "source 'grid'", "field 'price'", "4 values for 3 steps")


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_nan_in_a_series(bad: float) -> None:
    p = _base()
    _replace(p.sources, "grid", price=np.array([100.0, bad, 100.0]))
    _refused(p, "source 'grid'", "field 'price'", "not a number")


def test_nan_in_a_converter_ratio() -> None:
    p = _base()
    _replace(p.converters, "chp", outputs={"el": np.array([0.4, math.nan, 0.4]), "heat": 0.45})
    _refused(p, "converter 'chp'", "ratio of el", "not a number")


@pytest.mark.parametrize(
    ("items", "name", "kind", "fld"),
    [
        ("sources", "grid", "source", "capacity"),
        ("sinks", "dump", "sink", "capacity"),
        ("converters", "chp", "converter", "capacity"),
        ("storages", "bat", "storage", "power"),
    ],
)
def test_negative_rating(items: str, name: str, kind: str, fld: str) -> None:
    p = _base()
    _replace(getattr(p, items), name, **{fld: -1.0})
    _refused(p, f"{kind} '{name}'", f"field '{fld}'", "-1.0")


def test_nan_rating() -> None:
    p = _base()
    _replace(p.sources, "grid", capacity=math.nan)
    _refused(p, "source 'grid'", "field 'capacity'")


@pytest.mark.parametrize("fld", ["energy", "hours"])
def test_negative_storage_energy(fld: str) -> None:
    p = _base()
    changes = {"hours": None, "energy": -5.0} if fld == "energy" else {"hours": -2.0}
    _replace(p.storages, "bat", **changes)
    _refused(p, "storage 'bat'", f"field '{fld}'")


def test_negative_availability() -> None:
    p = _base()
    _replace(p.sources, "grid", availability=np.array([1.0, -0.1, 1.0]))
    _refused(p, "source 'grid'", "field 'availability'", ">= 0")


def test_ref_not_a_port() -> None:
    p = _base()
    _replace(p.converters, "chp", ref="steam")
    _refused(p, "converter 'chp'", "field 'ref'", "'steam'")


def test_ref_ratio_zero() -> None:
    p = _base()
    _replace(p.converters, "chp", inputs={"gas": 0.0})
    _refused(p, "converter 'chp'", "field 'ref'", "> 0")


def test_bus_both_input_and_output() -> None:
    p = _base()
    _replace(p.converters, "chp", outputs={"el": 0.4, "heat": 0.45, "gas": 0.1})
    _refused(p, "converter 'chp'", "input", "output")


def test_offsets_without_commitment() -> None:
    p = _base()
    _replace(p.converters, "chp", offsets={"gas": 0.1})
    _refused(p, "converter 'chp'", "field 'offsets'", "commitment")


def test_offsets_on_a_bus_not_a_port() -> None:
    p = _base()
    _replace(p.converters, "chp", offsets={"steam": 0.1}, commitment=Commitment())
    _refused(p, "converter 'chp'", "field 'offsets'", "'steam'")


def test_commitment_with_extend() -> None:
    p = _base()
    _replace(p.converters, "chp", commitment=Commitment(), extend=Extend(capex=1.0))
    _refused(p, "converter 'chp'", "sizing", "commitment")


def test_commitment_needs_finite_capacity() -> None:
    p = _base()
    _replace(p.converters, "chp", capacity=math.inf, commitment=Commitment())
    _refused(p, "converter 'chp'", "field 'capacity'")


@pytest.mark.parametrize(
    ("fld", "value"),
    [("eta_charge", 0.0), ("eta_charge", 1.1), ("eta_discharge", -0.5), ("eta_discharge", 2.0)],
)
def test_efficiency_outside_0_1(fld: str, value: float) -> None:
    p = _base()
    _replace(p.storages, "bat", **{fld: value})
    _refused(p, "storage 'bat'", f"field '{fld}'", "(0, 1]")


def test_efficiency_of_one_is_fine() -> None:
    p = _base()
    _replace(p.storages, "bat", eta_charge=1.0, eta_discharge=1.0)
    p.check()


def test_storage_without_hours_or_energy() -> None:
    p = _base()
    _replace(p.storages, "bat", hours=None, energy=None)
    _refused(p, "storage 'bat'", "hours", "energy")


def test_sized_storage_needs_hours() -> None:
    p = _base()
    _replace(p.storages, "bat", hours=None, energy=2.0, extend=Extend(capex=1.0))
    _refused(p, "storage 'bat'", "field 'hours'")


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p.sources.append(Source("grid", "el")),
        lambda p: p.loads.append(Load("grid", "el", 1.0)),
        lambda p: p.storages.append(Storage("chp", "el", power=1.0, hours=1.0)),
    ],
    ids=["source-source", "source-load", "converter-storage"],
)
def test_duplicate_names(mutate: Callable[[Problem], None]) -> None:
    p = _base()
    mutate(p)
    message = _refused(p, "used twice")
    assert "'grid'" in message or "'chp'" in message


def test_duplicate_bus_names_refused() -> None:
    p = _base()
    p.buses.append(Bus("heat"))
    _refused(p, "used twice")


def test_duplicate_bus_names_named() -> None:
    p = _base()
    p.buses.append(Bus("heat"))
    _refused(p, "'heat'")


def test_load_on_a_bus_nothing_supplies() -> None:
    p = _base()
    p.buses.append(Bus("cold"))
    p.loads.append(Load("load_cold", "cold", 1.0))
    _refused(p, "bus 'cold'", "nothing that can supply it")


def test_weights_of_wrong_length() -> None:
    p = _base()
    p.weights = np.ones(2)
    _refused(p, "station", "weights")


def test_negative_carbon_cap() -> None:
    p = _base()
    p.carbon_cap = -1.0
    _refused(p, "station", "carbon_cap")


def test_bad_extend() -> None:
    p = _base()
    _replace(p.sources, "grid", extend=Extend(capex=1.0, min=5.0, max=1.0))
    _refused(p, "source 'grid'", "field 'extend'")


# ---------------------------------------------------------------- problem files

_TOML = """\
name = "tiny"
carbon_price = 100.0

[time]
series = "series.csv"
index = "time"
start = "2025-08-06 00:00"
end = "2025-08-06 03:00"

[[bus]]
name = "el"

[[source]]
name = "grid"
bus = "el"
price = "tou"
emission = 0.5

[[load]]
name = "demand"
bus = "el"
p = "load"
"""

_CSV = """\
time,tou,load
2025-08-05 23:00,100,9
2025-08-06 00:00,100,1
2025-08-06 01:00,200,2
2025-08-06 02:00,300,3
2025-08-06 03:00,400,9
"""


def _files(
    tmp_path: Path, toml: str = _TOML, csv: str = _CSV, edit: Callable[[str], str] | None = None
) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(edit(toml) if edit else toml, encoding="utf-8")
    (tmp_path / "series.csv").write_text(csv, encoding="utf-8")
    return path


def _read_refused(path: Path, *parts: str) -> str:
    with pytest.raises(InputError) as info:
        read_problem(path)
    message = str(info.value)
    for part in parts:
        assert part in message, (part, message)
    return message


def test_read_valid_files(tmp_path: Path) -> None:
    p = read_problem(_files(tmp_path))
    # the window [00:00, 03:00) keeps three hourly rows
    assert p.steps == 3
    np.testing.assert_array_equal(p.weights, [1.0, 1.0, 1.0])
    r = solve(p)
    assert r.status == "optimal"
    # energy 100 x 1 + 200 x 2 + 300 x 3 = 1400; carbon 100 x 0.5 x 6 = 300
    assert r.objective == pytest.approx(1700.0, rel=1e-9)


def test_read_unknown_field(tmp_path: Path) -> None:
    path = _files(
        tmp_path, edit=lambda t: t.replace("emission = 0.5", 'emission = 0.5\ncolour = "red"')
    )
    _read_refused(path, "station.toml", "[[source]] #1 'grid'", "field 'colour'", "unknown")


def test_read_unknown_top_level_key(tmp_path: Path) -> None:
    path = _files(tmp_path, edit=lambda t: "carbon_prise = 5.0\n" + t)
    _read_refused(path, "station.toml", "carbon_prise")


def test_read_unknown_commitment_field(tmp_path: Path) -> None:
    converter = (
        '\n[[bus]]\nname = "gas"\n[[source]]\nname = "gas_supply"\nbus = "gas"\n'
        '[[converter]]\nname = "engine"\nref = "gas"\ncapacity = 5.0\ninputs = { gas = 1.0 }\n'
        "outputs = { el = 0.4 }\ncommitment = { min_lode = 0.3 }\n"
    )
    path = _files(tmp_path, edit=lambda t: t + converter)
    _read_refused(
        path, "station.toml", "[[converter]] #1 'engine'", "field 'commitment'", "min_lode"
    )


def test_read_missing_series_column(tmp_path: Path) -> None:
    path = _files(tmp_path, edit=lambda t: t.replace('p = "load"', 'p = "load_el"'))
    _read_refused(path, "station.toml", "[[load]] #1 'demand'", "field 'p'", "'load_el'")


def test_read_missing_index_column(tmp_path: Path) -> None:
    path = _files(tmp_path, edit=lambda t: t.replace('index = "time"', 'index = "stamp"'))
    _read_refused(path, "series.csv", "'stamp'")


def test_read_empty_cell_in_a_used_column(tmp_path: Path) -> None:
    csv = _CSV.replace("2025-08-06 01:00,200,2", "2025-08-06 01:00,,2")
    path = _files(tmp_path, csv=csv)
    _read_refused(path, "station.toml", "[[source]] #1 'grid'", "field 'price'", "'tou'", "01:00")


def test_read_missing_load_field(tmp_path: Path) -> None:
    path = _files(tmp_path, edit=lambda t: t.replace('p = "load"\n', ""))
    _read_refused(path, "station.toml", "[[load]] #1 'demand'", "field 'p'")


def test_read_bad_number(tmp_path: Path) -> None:
    path = _files(tmp_path, edit=lambda t: t.replace("emission = 0.5", 'emission = "half"'))
    _read_refused(path, "station.toml", "[[source]] #1 'grid'", "field 'emission'", "'half'")


@pytest.mark.parametrize(
    "stamp", ["2025-08-06 1:00", "2025-08-06T01", "6/8/2025 01:00", "2025-08-06_01:00"]
)
def test_read_bad_time_format(tmp_path: Path, stamp: str) -> None:
    csv = _CSV.replace("2025-08-06 01:00", stamp)
    path = _files(tmp_path, csv=csv)
    _read_refused(path, "series.csv", "row 4", "column 'time'")


def test_read_bad_first_time(tmp_path: Path) -> None:
    csv = _CSV.replace("2025-08-05 23:00", "05.08.2025 23")
    _read_refused(_files(tmp_path, csv=csv), "series.csv", "row 2", "column 'time'", "YYYY-MM-DD")


def _no_window(toml: str) -> str:
    return toml.replace('start = "2025-08-06 00:00"\n', "").replace(
        'end = "2025-08-06 03:00"\n', ""
    )


def test_read_bad_time_value_without_window(tmp_path: Path) -> None:
    # the right shape, not a time: refused when the stamps are parsed
    csv = _CSV.replace("2025-08-06 01:00", "2025-08-06 25:00")
    _read_refused(_files(tmp_path, csv=csv, edit=_no_window), "series.csv", "column 'time'")


def test_read_other_date_order_without_window(tmp_path: Path) -> None:
    csv = "time,tou,load\n06.08.2025 00:00,100,1\n06.08.2025 01:00,200,2\n"
    _read_refused(_files(tmp_path, csv=csv, edit=_no_window), "series.csv", "column 'time'")


def test_read_other_date_separator_with_window(tmp_path: Path) -> None:
    csv = _CSV.replace("2025-", "2025/").replace("-06 ", "/06 ").replace("-05 ", "/05 ")
    assert "2025/08/06 00:00" in csv
    _read_refused(_files(tmp_path, csv=csv), "series.csv", "column 'time'")


def test_read_times_not_increasing(tmp_path: Path) -> None:
    csv = _CSV.replace("2025-08-06 01:00", "2025-08-06 00:00")
    _read_refused(_files(tmp_path, csv=csv), "series.csv", "row 4", "column 'time'", "increase")


def test_read_times_repeated_before_the_window(tmp_path: Path) -> None:
    csv = _CSV.replace("2025-08-05 23:00", "2025-08-06 00:00")
    _read_refused(_files(tmp_path, csv=csv), "series.csv", "row 3", "increase")


def test_read_toml_syntax(tmp_path: Path) -> None:
    path = _files(tmp_path, edit=lambda t: t.replace('name = "grid"', 'name = "grid'))
    _read_refused(path, "station.toml", "not valid TOML")


def test_read_missing_series_file(tmp_path: Path) -> None:
    path = _files(tmp_path)
    (tmp_path / "series.csv").unlink()
    _read_refused(path, "series.csv")


def test_read_no_rows_in_window(tmp_path: Path) -> None:
    path = _files(
        tmp_path,
        edit=lambda t: t.replace("2025-08-06 00:00", "2026-01-01 00:00").replace(
            "2025-08-06 03:00", "2026-01-02 00:00"
        ),
    )
    _read_refused(path, "series.csv", "no rows")


def test_read_component_errors_still_checked(tmp_path: Path) -> None:
    path = _files(tmp_path, edit=lambda t: t.replace('bus = "el"\nprice', 'bus = "elec"\nprice'))
    _read_refused(path, "source 'grid'", "field 'bus'", "'elec'")
