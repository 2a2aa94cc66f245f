"""The shipped profile files are what make_profiles derives from the real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenpark.demo import make_profiles
from greenpark.demo.profiles import DATA_DIR
from greenpark.demo.solar import declination, equation_of_time, sunrise_sunset

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
DERIVED = (
    "air_guiyang_diurnal.csv",
    "steel_load_15min.csv.gz",
    "pv_day_shapes.csv.gz",
    "wwtp_daily.csv.gz",
    "surface_water_levels.csv",
)


@pytest.mark.skipif(
    not (SHARED_DATA / "SOURCES.md").is_file(), reason="shared reference data not present"
)
def test_make_profiles_reproduces_the_shipped_files(tmp_path: Path) -> None:
    assert make_profiles.main([str(SHARED_DATA), str(tmp_path)]) == 0
    for name in DERIVED:
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


def test_make_profiles_refuses_a_wrong_folder(tmp_path: Path) -> None:
    assert make_profiles.main([str(tmp_path)]) == 2
    assert make_profiles.main([]) == 2


def test_readme_names_every_file() -> None:
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for path in DATA_DIR.iterdir():
        if path.name != "README.md":
            assert f"`{path.name}`" in readme, path.name


def test_solar_geometry_reference_values() -> None:
    # Cooper: δ(172) = 23.45 sin(2π·456/365) = 23.45° (summer solstice, within 0.01°)
    assert float(declination(172)) == pytest.approx(23.45, abs=0.01)
    assert float(declination(355)) == pytest.approx(-23.45, abs=0.01)  # winter solstice
    # Spencer: the equation of time is about +16.4 min in early November, −14.2 in February
    assert float(equation_of_time(307)) == pytest.approx(16.4, abs=0.3)
    assert float(equation_of_time(42)) == pytest.approx(-14.3, abs=0.4)
    # At the equator the day lasts 12 h; at 26.42° N the June day is longer than 13.5 h
    rise, sets = sunrise_sunset(80, 0.0, 120.0, 8.0)
    assert float(sets - rise) == pytest.approx(12.0, abs=1e-9)
    rise, sets = sunrise_sunset(172, 26.42, 106.40, 8.0)
    assert 13.5 < float(sets - rise) < 14.0
    assert 12.6 < float(rise + sets) / 2 < 13.1  # solar noon in Gui'an, Beijing time
