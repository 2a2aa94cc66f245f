"""Table 205-1 《能源购进、消费与库存》: conversion to the form's units, order, total, files."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from greenpark.errors import InputError
from greenpark.reports.energy_205 import form_205_rows, write_csv, write_xlsx

NAN = float("nan")
# Reference coefficients, GB/T 2589-2008 Appendix A table A.1 (当量值):
# electricity 0.1229 kgce/kWh, gasfield natural gas 1.2143 kgce/m³, heat 0.03412 kgce/MJ,
# raw coal 0.7143 kgce/kg; GB/T 2589-2020 low-pressure steam 0.1286 kgce/kg (3.763 GJ/t).
GB2589 = "GB/T 2589-2008 Appendix A table A.1"
EL_KGCE_PER_KWH = 0.1229
NG_KGCE_PER_M3 = 1.2143
HEAT_KGCE_PER_GJ = 34.12
COAL_KGCE_PER_T = 714.3
STEAM_KGCE_PER_T = 128.6


def _row(
    month: str,
    carrier: str,
    unit: str,
    *,
    purchases: float,
    production: float,
    non_production: float = 0.0,
    coefficient: float,
    opening: float = NAN,
    closing: float = NAN,
    basis: str = "equivalent",
    tce: float | None = None,
) -> dict[str, Any]:
    if tce is None:
        tce = (production + non_production) * coefficient / 1000
    return {
        "month": month,
        "carrier": carrier,
        "unit": unit,
        "opening_stock": opening,
        "purchases": purchases,
        "production": production,
        "non_production": non_production,
        "closing_stock": closing,
        "coefficient": coefficient,
        "coefficient_source": GB2589,
        "basis": basis,
        "tce": tce,
    }


def _electricity(month: str = "2025-01", kwh: float = 1_234_567.0) -> dict[str, Any]:
    return _row(
        month,
        "electricity",
        "kWh",
        purchases=kwh,
        production=kwh - 34_567.0,
        non_production=34_567.0,
        coefficient=EL_KGCE_PER_KWH,
    )


def _gas(month: str = "2025-01") -> dict[str, Any]:
    return _row(
        month,
        "natural_gas",
        "m³",
        purchases=20_000.0,
        production=18_000.0,
        non_production=2_000.0,
        coefficient=NG_KGCE_PER_M3,
    )


def _coal(month: str = "2025-01") -> dict[str, Any]:
    return _row(
        month,
        "coal",
        "t",
        opening=50.0,
        purchases=100.0,
        production=120.0,
        closing=30.0,
        coefficient=COAL_KGCE_PER_T,
    )


def _water(month: str = "2025-01") -> dict[str, Any]:
    return _row(
        month, "water", "m³", purchases=500.0, production=500.0, coefficient=0.0857, basis="equal"
    )


def _month_rows() -> pd.DataFrame:
    # deliberately out of the form's order and of month order
    return pd.DataFrame(
        [
            _electricity("2025-02", 1_000_000.0),
            _water("2025-01"),
            _electricity("2025-01"),
            _gas("2025-01"),
            _coal("2025-01"),
            _gas("2025-02"),
        ]
    )


def _factors() -> pd.DataFrame:
    el = 0.4989 / 1000  # Guizhou 2022 provincial factor [tCO2/kWh] (MEE/NBS 2024-12-20)
    ng = 2.162 / 1000  # natural gas [tCO2/m³] (greenpark.standards fuel_co2.csv)
    rows = [
        ("2025-01", "electricity", "indirect", el, "kWh", 2022, 1_234_567.0),
        ("2025-01", "natural_gas", "direct", ng, "m³", None, 20_000.0),
        ("2025-02", "electricity", "indirect", el, "kWh", 2022, 1_000_000.0),
        ("2025-02", "natural_gas", "direct", ng, "m³", None, 20_000.0),
        # market-based: 100 MWh of certificates netted, residual mix 2023 (MEE/NBS 2026-01)
        ("2025-02", "electricity", "indirect (market-based)", 0.6096 / 1000, "kWh", 2023,
         900_000.0),
    ]  # fmt: skip
    return pd.DataFrame(
        [
            {
                "month": m,
                "carrier": c,
                "scope": s,
                "factor": f,
                "unit": u,
                "factor_year": y,
                "source": "test source",
                "note": "",
                "quantity": q,
                "tco2": q * f,
            }
            for m, c, s, f, u, y, q in rows
        ]
    ).astype({"factor_year": "Int64"})


# --------------------------------------------------------------------------- form_205_rows


def test_electricity_in_10_4_kwh_and_tce_kept() -> None:
    out = form_205_rows(pd.DataFrame([_electricity()]))
    el = out.loc[out["code"] == "33"].iloc[0]
    assert el["name_zh"] == "电力"
    assert el["unit_205"] == "万千瓦时"
    assert el["purchases"] == pytest.approx(123.4567)  # 1 234 567 kWh
    assert el["consumption"] == pytest.approx(123.4567)
    assert el["production"] == pytest.approx(120.0)
    assert el["non_production"] == pytest.approx(3.4567)
    assert math.isnan(el["opening_stock"]) and math.isnan(el["closing_stock"])
    assert el["coefficient_205"] == pytest.approx(1.229)  # tce per 10⁴ kWh
    assert el["tce"] == pytest.approx(151.7282843)  # 1 234 567 x 0.1229 / 1000
    assert el["consumption"] * el["coefficient_205"] == pytest.approx(el["tce"])
    assert el["coefficient_source"] == GB2589
    assert el["basis"] == "equivalent"


def test_gas_coal_units() -> None:
    out = form_205_rows(pd.DataFrame([_gas(), _coal()])).set_index("code")
    assert out.loc["15", "unit_205"] == "万立方米"
    assert out.loc["15", "purchases"] == pytest.approx(2.0)  # 20 000 m³
    assert out.loc["15", "coefficient_205"] == pytest.approx(12.143)  # tce per 10⁴ m³
    assert out.loc["15", "tce"] == pytest.approx(24.286)
    assert out.loc["01", "unit_205"] == "吨"
    assert out.loc["01", "opening_stock"] == 50.0
    assert out.loc["01", "closing_stock"] == 30.0
    assert out.loc["01", "coefficient_205"] == pytest.approx(0.7143)  # tce/t


def test_order_total_and_rows_not_in_the_form() -> None:
    out = form_205_rows(_month_rows())
    assert list(out.columns) == [
        "month",
        "code",
        "name_zh",
        "name_en",
        "unit_205",
        "opening_stock",
        "purchases",
        "consumption",
        "production",
        "non_production",
        "closing_stock",
        "coefficient_205",
        "tce",
        "coefficient_source",
        "basis",
    ]
    assert list(zip(out["month"], out["code"], strict=True)) == [
        ("2025-01", "01"),
        ("2025-01", "15"),
        ("2025-01", "33"),
        ("2025-01", "40"),
        ("2025-01", ""),
        ("2025-02", "15"),
        ("2025-02", "33"),
        ("2025-02", "40"),
    ]
    jan = out.loc[out["month"] == "2025-01"].set_index("code")
    total = jan.loc["40"]
    assert total["name_zh"] == "能源合计" and total["unit_205"] == "吨标准煤"
    expected = 120 * 0.7143 + 24.286 + 151.7282843  # coal + gas + electricity [tce]
    assert total["tce"] == pytest.approx(expected)
    assert total["consumption"] == pytest.approx(expected)  # Σ quantity x coefficient
    assert total["opening_stock"] == pytest.approx(50 * 0.7143)  # only coal has a stock
    assert math.isnan(total["coefficient_205"])
    water = jan.loc[""]
    assert "不属205-1表" in water["name_zh"] and "not in form 205-1" in water["name_en"]
    assert water["unit_205"] == "m³" and water["purchases"] == 500.0
    assert water["tce"] == pytest.approx(0.04285)  # listed, not in the total
    feb_total = out.loc[(out["month"] == "2025-02") & (out["code"] == "40"), "tce"].item()
    assert feb_total == pytest.approx(122.9 + 24.286)


def test_heat_and_steam_on_one_heat_row() -> None:
    rows = pd.DataFrame(
        [
            _row(
                "2025-03",
                "steam",
                "t",
                purchases=10.0,
                production=10.0,
                coefficient=STEAM_KGCE_PER_T,
            ),
            _row(
                "2025-03",
                "heat",
                "GJ",
                purchases=100.0,
                production=100.0,
                coefficient=HEAT_KGCE_PER_GJ,
            ),
        ]
    )
    out = form_205_rows(rows)
    heat = out.loc[out["code"] == "32"]
    assert len(heat) == 1
    heat = heat.iloc[0]
    assert heat["name_zh"] == "热力" and heat["unit_205"] == "百万千焦"
    assert heat["consumption"] == pytest.approx(100 + 10 * 3.763)  # 1 GJ = 1 百万千焦
    assert heat["tce"] == pytest.approx(3.412 + 1.286)
    assert heat["coefficient_205"] * heat["consumption"] == pytest.approx(heat["tce"], rel=1e-4)
    assert out.loc[out["code"] == "40", "tce"].item() == pytest.approx(4.698)


def test_cooling_and_other_kept_with_empty_code() -> None:
    rows = pd.DataFrame(
        [
            _row("2025-01", "other", "", purchases=1.0, production=1.0, coefficient=NAN, tce=NAN),
            _row("2025-01", "cooling", "GJ", purchases=5.0, production=5.0, coefficient=NAN, tce=0),
        ]
    )
    out = form_205_rows(rows)
    assert list(out["code"]) == ["40", "", ""]
    assert list(out["name_en"])[1:] == ["cooling (not in form 205-1)", "other (not in form 205-1)"]
    assert out["tce"].iloc[0] == 0.0


def test_unknown_carrier_names_the_row() -> None:
    rows = pd.DataFrame([_electricity(), {**_gas(), "carrier": "hydrogen"}])
    with pytest.raises(InputError, match=r"row 2: carrier 'hydrogen' unknown"):
        form_205_rows(rows)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"unit": "MWh"}, r"row 2 \(2025-01, electricity\): unit 'MWh'"),
        ({"production": NAN}, r"row 2 \(2025-01, electricity\): production is missing"),
        ({"purchases": -1.0}, r"row 2 \(2025-01, electricity\): purchases -1.0 is negative"),
        ({"month": "2025-13"}, r"row 2 \(electricity\): month '2025-13' is not YYYY-MM"),
        ({"tce": NAN}, r"row 2 \(2025-01, electricity\): tce is missing"),
    ],
)
def test_bad_values_name_the_row(change: dict[str, Any], message: str) -> None:
    rows = pd.DataFrame([_gas(), {**_electricity(), **change}])
    with pytest.raises(InputError, match=message):
        form_205_rows(rows)


def test_second_row_for_a_month_and_carrier() -> None:
    rows = pd.DataFrame([_electricity(), _gas(), _electricity()])
    with pytest.raises(InputError, match=r"row 3 .*second row.*row 1"):
        form_205_rows(rows)


def test_missing_column() -> None:
    with pytest.raises(InputError, match=r"missing column\(s\) \['tce'\]"):
        form_205_rows(pd.DataFrame([_electricity()]).drop(columns="tce"))


# --------------------------------------------------------------------------- files


def _cells(ws: Any, column: int) -> dict[Any, int]:
    """Value of a column → its row number."""
    return {ws.cell(row=r, column=column).value: r for r in range(1, ws.max_row + 1)}


def test_write_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "205.xlsx"
    write_xlsx(
        path, _month_rows(), _factors(), title="Green park 2025", unit_name="Park Co.", year=2025
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["2025-01", "2025-02", "carbon", "sources"]
    ws = wb["2025-01"]
    assert ws["A1"].value == "Green park 2025"
    assert "能源购进、消费与库存" in ws["A2"].value
    assert "205-1" in ws["A3"].value
    assert ws["C4"].value == "Park Co."
    assert ws["J4"].value == "2025年01月"
    assert ws["A7"].value == "能源名称" and ws["F7"].value == "消费量"
    assert ws["G8"].value == "1.工业生产消费"
    assert ws["A9"].value == "Energy"
    assert ws["F10"].value == "4"
    assert ws.freeze_panes == "D11"
    codes = _cells(ws, 3)
    el = codes["33"]
    assert ws.cell(row=el, column=1).value == "电力"
    assert ws.cell(row=el, column=5).value == pytest.approx(123.4567)  # 2 购进量
    assert ws.cell(row=el, column=10).value == pytest.approx(1.229)  # 10 采用折标系数
    assert ws.cell(row=el, column=5).number_format == "#,##0.0000"
    total = codes["40"]
    assert total > el and ws.cell(row=total, column=11).value == pytest.approx(
        120 * 0.7143 + 24.286 + 151.7282843
    )
    assert ws.cell(row=total, column=11).font.b
    assert "水(不属205-1表)" in _cells(ws, 1)
    assert wb["2025-02"]["J4"].value == "2025年02月"

    carbon = wb["carbon"]
    labels = _cells(carbon, 2)
    el_t = 0.4989 / 1000
    ng_t = 2.162 / 1000
    jan = 1_234_567 * el_t + 20_000 * ng_t
    feb = 1_000_000 * el_t + 20_000 * ng_t
    subtotals = [
        carbon.cell(row=r, column=8).value
        for r in range(1, carbon.max_row + 1)
        if carbon.cell(row=r, column=2).value == "小计 Subtotal (location-based)"
    ]
    # the market-based row is an alternative to the location-based one: not added to it
    assert subtotals == [pytest.approx(jan), pytest.approx(feb)]
    total = carbon.cell(row=labels["合计 Total 2025年 (location-based)"], column=8).value
    assert total == pytest.approx(jan + feb)
    market = carbon.cell(row=labels["合计 Total 2025年 (market-based)"], column=8).value
    assert market == pytest.approx(40_000 * ng_t + 900_000 * 0.6096 / 1000)
    direct = carbon.cell(row=labels["其中 直接 of which direct"], column=8).value
    assert direct == pytest.approx(40_000 * ng_t)
    first_el = next(
        r for r in range(1, carbon.max_row + 1) if carbon.cell(r, 2).value == "electricity"
    )
    assert carbon.cell(row=first_el, column=7).value == 2022

    sources = wb["sources"]
    assert GB2589 in _cells(sources, 6)  # every coefficient source is listed
    assert "test source" in _cells(sources, 6)


def test_write_xlsx_one_month(tmp_path: Path) -> None:
    path = tmp_path / "205.xlsx"
    write_xlsx(path, _month_rows(), _factors(), title="T", unit_name="U", year=2025, month=2)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["2025-02", "carbon", "sources"]
    carbon = wb["carbon"]
    label = "合计 Total 2025年02月 (location-based)"
    total = carbon.cell(row=_cells(carbon, 2)[label], column=8).value
    assert total == pytest.approx((1_000_000 * 0.4989 + 20_000 * 2.162) / 1000)


def test_write_xlsx_no_rows_in_period(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no rows for 2024年"):
        write_xlsx(
            tmp_path / "x.xlsx", _month_rows(), _factors(), title="T", unit_name="U", year=2024
        )


def test_write_csv(tmp_path: Path) -> None:
    path = tmp_path / "205.csv"
    written = write_csv(path, _month_rows(), _factors(), title="T", unit_name="单位", year=2025)
    carbon_path = tmp_path / "205-carbon.csv"
    assert written == [path, carbon_path]
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"  # UTF-8 BOM for Excel
    rows = pd.read_csv(path, encoding="utf-8-sig", dtype={"code": str}, keep_default_na=False)
    assert list(rows.columns[:3]) == ["title", "unit_name", "month"]
    assert set(rows["unit_name"]) == {"单位"}
    el = rows.loc[(rows["month"] == "2025-01") & (rows["code"] == "33")].iloc[0]
    assert el["name_zh"] == "电力"
    assert float(el["purchases"]) == pytest.approx(123.4567)
    assert list(rows["code"]) == ["01", "15", "33", "40", "", "15", "33", "40"]
    carbon = pd.read_csv(carbon_path, encoding="utf-8-sig")
    assert len(carbon) == 5  # 4 location-based rows and 1 market-based
    assert carbon["tco2"].sum() == pytest.approx(_factors()["tco2"].sum())


def test_import_is_light() -> None:
    code = (
        "import sys, greenpark.reports\n"
        "assert 'openpyxl' not in sys.modules and 'pandas' not in sys.modules\n"
        "import greenpark.reports.energy_205\n"
        "heavy = ('sqlalchemy', 'fastapi', 'starlette', 'uvicorn', 'alembic', 'jinja2')\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
