"""``standards/tables/parameters.csv``: pinned against the parameter codes and units of
HJ 212-2017 Appendix B (O3 a05024 per HJ 524; LAeq per GB 3096-2008)."""

from __future__ import annotations

from greenpark.standards.parameters import COLUMNS, parameter_table

#: code -> (name, unit) as the dashboard must show them.
PINNED = {
    "a34004": ("PM2.5", "μg/m³"),
    "a34002": ("PM10", "μg/m³"),
    "a21026": ("SO2", "μg/m³"),
    "a21004": ("NO2", "μg/m³"),
    "a21005": ("CO", "mg/m³"),
    "a05024": ("O3", "μg/m³"),
    "w01001": ("pH", "-"),
    "w01009": ("DO", "mg/L"),
    "w01019": ("CODMn", "mg/L"),
    "w21003": ("NH3-N", "mg/L"),
    "w21011": ("TP", "mg/L"),
    "w21001": ("TN", "mg/L"),
    "w01018": ("COD", "mg/L"),
    "w01010": ("water temperature", "°C"),
    "w00000": ("flow", "m³/h"),
    "LAeq": ("noise LAeq", "dB(A)"),
    "Leq": ("noise Leq", "dB(A)"),
}


def test_table_matches_pinned_rows() -> None:
    table = parameter_table()
    assert {code: (p.name, p.unit) for code, p in table.items()} == PINNED


def test_every_row_names_its_source() -> None:
    for p in parameter_table().values():
        assert p.source.startswith(("HJ 212-2017", "HJ 524", "GB 3096-2008")), p
    assert parameter_table()["a05024"].source.startswith("HJ 524")
    assert COLUMNS == ("code", "name", "unit", "source")
