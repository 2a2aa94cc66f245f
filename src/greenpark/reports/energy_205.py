"""Monthly energy statistics in the layout of NBS table 205-1 《能源购进、消费与库存》.

Table 205-1 of the NBS energy statistics system (国家统计局《能源统计报表制度》, 工业企业能源
统计) has one row per energy, named by 甲 能源名称, 乙 计量单位 and 丙 代码, and the columns
1 期初库存量, 2 购进量 实物量, 3 购进量 金额 (千元), 4 消费量 合计 = 5 工业生产消费 (6 其中用作
原材料) + 7 非工业生产消费 (8 合计中运输工具消费), 9 期末库存量, 10 采用折标系数 and 丁 参考折标
系数. The 采用折标系数 is in tonnes of standard coal per unit of the row (吨标准煤/计量单位: raw
coal 0.7143 tce/t, electricity 1.229 tce/10⁴ kWh), and the row 能源合计 (code 40) is in
吨标准煤, each of its columns being Σ quantity x 采用折标系数.

This module converts the ledger's monthly figures (internal units of :mod:`greenpark.units`)
to the units and row codes of the table. The codes, units and unit ratios are data, in
``reports/tables/form_205_1_rows.csv``, each with its source and a confidence mark (**V2**
verified, **S1** one secondary source, **U** uncertain); see ``docs/report-205-1.md``. Columns
3 (amount paid), 6 (raw-material use), 8 (transport) and 丁 (reference coefficient) are not
written: the ledger does not record them.

:func:`form_205_rows` is pure; :func:`write_xlsx` and :func:`write_csv` write files.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from greenpark.errors import InputError
from greenpark.units import CARRIER_UNITS

__all__ = ["form_205_rows", "write_csv", "write_xlsx"]

#: Table number and names of the form.
FORM_NO: Final[str] = "205-1"
TABLE_ZH: Final[str] = "能源购进、消费与库存"
TABLE_EN: Final[str] = "Energy purchase, consumption and stock"

#: Columns :func:`form_205_rows` needs (quantities in the carrier's internal unit).
INPUT_COLUMNS: Final[tuple[str, ...]] = (
    "month",
    "carrier",
    "unit",
    "opening_stock",
    "purchases",
    "production",
    "non_production",
    "closing_stock",
    "coefficient",
    "coefficient_source",
    "basis",
    "tce",
)
#: Columns :func:`form_205_rows` returns (quantities in the 205-1 unit of the row).
OUTPUT_COLUMNS: Final[tuple[str, ...]] = (
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
)
#: Columns of the ``factors`` table of :func:`write_xlsx` and :func:`write_csv`.
FACTOR_COLUMNS: Final[tuple[str, ...]] = (
    "month",
    "carrier",
    "scope",
    "factor",
    "unit",
    "factor_year",
    "source",
    "note",
    "quantity",
    "tco2",
)

_QUANTITIES: Final[tuple[str, ...]] = (
    "opening_stock",
    "purchases",
    "consumption",
    "production",
    "non_production",
    "closing_stock",
)
_STOCKS: Final[frozenset[str]] = frozenset({"opening_stock", "closing_stock"})
_TOTAL_CARRIER: Final[str] = "_total"
_MONTH_RE: Final[re.Pattern[str]] = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_NAN: Final[float] = float("nan")


@dataclass(frozen=True)
class _FormRow:
    """One row of ``form_205_1_rows.csv``: where a carrier goes in the table.

    ``per_unit`` is the number of internal units in one 205-1 unit [internal unit per
    205-1 unit], e.g. 10 000 kWh per 万千瓦时. ``code`` is "" for a carrier the table has
    no row for.
    """

    carrier: str
    name_zh: str
    name_en: str
    code: str
    unit_205: str
    per_unit: float
    source: str
    confidence: str


@functools.cache
def _form_rows() -> tuple[_FormRow, ...]:
    text = (
        resources.files("greenpark.reports")
        .joinpath("tables", "form_205_1_rows.csv")
        .read_text("utf-8")
    )
    return tuple(
        _FormRow(
            carrier=r["carrier"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            code=r["code"],
            unit_205=r["unit_205"],
            per_unit=float(r["per_unit"]) if r["per_unit"] else _NAN,
            source=r["source"],
            confidence=r["confidence"],
        )
        for r in csv.DictReader(io.StringIO(text))
    )


def _carrier_rows() -> dict[str, _FormRow]:
    """Carrier → its row, in the CSV's order (the total row left out)."""
    return {r.carrier: r for r in _form_rows() if r.carrier != _TOTAL_CARRIER}


def _total_form_row() -> _FormRow:
    return next(r for r in _form_rows() if r.carrier == _TOTAL_CARRIER)


# ---------------------------------------------------------------------------------------
# Conversion


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value).strip()


def _number(value: Any, where: str, column: str, *, missing_ok: bool) -> float:
    """A non-negative number, or NaN when missing and ``missing_ok``."""
    if _missing(value):
        if missing_ok:
            return _NAN
        raise InputError(f"{where}: {column} is missing")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {column} {value!r} is not a number") from None
    if math.isnan(x):
        if missing_ok:
            return _NAN
        raise InputError(f"{where}: {column} is missing")
    if not 0 <= x < math.inf:
        raise InputError(f"{where}: {column} {value!r} is negative or infinite")
    return x


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{name}: missing column(s) {missing}; expected {list(columns)}")


def _sum(values: Iterable[float]) -> float:
    """Sum of the values that are not NaN; NaN when all are (stock not applicable)."""
    known = [v for v in values if not math.isnan(v)]
    return math.fsum(known) if known else _NAN


def _joined(values: Iterable[str], sep: str) -> str:
    return sep.join(dict.fromkeys(v for v in values if v))


def _convert(i: int, rec: dict[str, Any], known: dict[str, _FormRow]) -> dict[str, Any]:
    """One input row → its quantities in the 205-1 unit (``i`` is 0-based)."""
    carrier = rec["carrier"]
    spec = known.get(carrier) if isinstance(carrier, str) else None
    if spec is None:
        raise InputError(f"row {i + 1}: carrier {carrier!r} unknown; known: {list(known)}")
    month = _text(rec["month"])
    if not _MONTH_RE.fullmatch(month):
        raise InputError(f"row {i + 1} ({carrier}): month {rec['month']!r} is not YYYY-MM")
    where = f"row {i + 1} ({month}, {carrier})"
    unit = _text(rec["unit"])
    expected = CARRIER_UNITS.get(carrier, unit)
    if carrier != "other" and unit != expected:
        raise InputError(f"{where}: unit {unit!r}; the internal unit of {carrier} is {expected!r}")
    scale = spec.per_unit
    out: dict[str, Any] = {"month": month, "spec": spec, "unit_205": spec.unit_205 or unit}
    for column in ("opening_stock", "closing_stock", "purchases", "production", "non_production"):
        value = _number(rec[column], where, column, missing_ok=column in _STOCKS)
        out[column] = value / scale
    out["consumption"] = out["production"] + out["non_production"]
    coefficient = _number(rec["coefficient"], where, "coefficient", missing_ok=True)
    out["coefficient_205"] = coefficient * scale / 1000  # kgce/internal unit → tce/205-1 unit
    out["tce"] = _number(rec["tce"], where, "tce", missing_ok=not spec.code)
    out["coefficient_source"] = _text(rec["coefficient_source"])
    out["basis"] = _text(rec["basis"])
    return out


def _merge(month: str, group: list[dict[str, Any]]) -> dict[str, Any]:
    """The table row of the carriers of one code in one month (heat and steam: 热力)."""
    spec = group[0]["spec"]
    line: dict[str, Any] = {
        "month": month,
        "code": spec.code,
        "name_zh": spec.name_zh,
        "name_en": spec.name_en,
        "unit_205": group[0]["unit_205"],
    }
    for column in _QUANTITIES:
        values = [g[column] for g in group]
        line[column] = _sum(values) if column in _STOCKS else math.fsum(values)
    coefficients = [g["coefficient_205"] for g in group]
    if len(group) == 1:
        line["coefficient_205"] = coefficients[0]
    elif line["consumption"] > 0 and not any(math.isnan(c) for c in coefficients):
        weighted = math.fsum(c * g["consumption"] for c, g in zip(coefficients, group, strict=True))
        line["coefficient_205"] = weighted / line["consumption"]
    elif len(set(coefficients)) == 1:
        line["coefficient_205"] = coefficients[0]
    else:
        line["coefficient_205"] = _NAN
    line["tce"] = _sum(g["tce"] for g in group)
    line["coefficient_source"] = _joined((g["coefficient_source"] for g in group), "; ")
    line["basis"] = _joined((g["basis"] for g in group), "/")
    return line


def _total(month: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The 能源合计 row: every column Σ quantity x 采用折标系数 [tce]."""
    spec = _total_form_row()
    total: dict[str, Any] = {
        "month": month,
        "code": spec.code,
        "name_zh": spec.name_zh,
        "name_en": spec.name_en,
        "unit_205": spec.unit_205,
    }
    for column in _QUANTITIES:
        total[column] = _sum(line[column] * line["coefficient_205"] for line in lines)
    total["coefficient_205"] = _NAN
    total["tce"] = math.fsum(line["tce"] for line in lines)
    total["coefficient_source"] = ""
    total["basis"] = _joined((line["basis"] for line in lines), "/")
    return total


def form_205_rows(month_rows: pd.DataFrame) -> pd.DataFrame:
    """Monthly figures → the rows of table 205-1, in its units and row order.

    Parameters
    ----------
    month_rows : DataFrame
        One row per (month, carrier) with columns ``month`` (``YYYY-MM``), ``carrier``
        (:data:`greenpark.units.CARRIERS`), ``unit`` (the carrier's internal unit: kWh, m³,
        GJ, t), ``opening_stock``, ``purchases``, ``production`` (industrial production
        consumption), ``non_production``, ``closing_stock`` [internal unit; NaN stock = not
        applicable, e.g. electricity], ``coefficient`` [kgce per internal unit],
        ``coefficient_source``, ``basis`` (``equivalent`` 当量值 / ``equal`` 等价值) and
        ``tce`` [t]. Other columns are ignored.

    Returns
    -------
    DataFrame
        Columns ``month``, ``code`` (丙, a string such as ``"01"``), ``name_zh``,
        ``name_en``, ``unit_205`` (乙), ``opening_stock`` (column 1), ``purchases`` (2,
        physical quantity), ``consumption`` (4 = 5 + 7), ``production`` (5),
        ``non_production`` (7), ``closing_stock`` (9) [205-1 unit of the row: 吨, 万立方米,
        百万千焦, 万千瓦时], ``coefficient_205`` (10, 采用折标系数) [tce per 205-1 unit, e.g.
        1.229 tce/万千瓦时 for 0.1229 kgce/kWh], ``tce`` [t] (as given: not recomputed),
        ``coefficient_source`` and ``basis``.

        For each month, in this order: the carriers' rows by ascending code; the row
        能源合计 (code ``"40"``, unit 吨标准煤) whose ``tce`` is the sum of those rows and whose
        quantity columns are Σ quantity x ``coefficient_205`` [tce] (a row without a
        coefficient adds its ``tce`` only); then one row per carrier that table 205-1 has no
        row for (water: reported on 205-4; cooling; other), with ``code`` "", a name ending in
        "(不属205-1表)" / "(not in form 205-1)", its internal unit and **not** counted in
        能源合计.

        Heat and steam both go to 热力 (code 32, 百万千焦; steam at 3.763 GJ/t, **U**): the
        two are summed into one row whose coefficient is the consumption-weighted one and
        whose sources are joined with "; ".

    Raises
    ------
    InputError
        A missing column; or, naming the row (1-based position) and its carrier: an unknown
        carrier, a month not ``YYYY-MM``, a second row for a month and carrier, a unit other
        than the carrier's internal unit, a missing or negative quantity, a negative
        coefficient or a missing ``tce`` on a 205-1 row.

    References
    ----------
    NBS 《能源统计报表制度》 table 205-1 《能源购进、消费与库存》 (layout, codes and units as
    found in public implementations of the form: ``reports/tables/form_205_1_rows.csv``);
    GB/T 2589 (standard-coal coefficients).
    """
    _require(month_rows, INPUT_COLUMNS, "month_rows")
    known = _carrier_rows()
    order = {carrier: k for k, carrier in enumerate(known)}
    converted: list[dict[str, Any]] = []
    first: dict[tuple[str, str], int] = {}
    for i, rec in enumerate(month_rows.loc[:, list(INPUT_COLUMNS)].to_dict("records")):
        row = _convert(i, rec, known)
        key = (row["month"], row["spec"].carrier)
        if key in first:
            raise InputError(
                f"row {i + 1} ({key[0]}, {key[1]}): a second row for this month and carrier "
                f"(the first is row {first[key] + 1})"
            )
        first[key] = i
        converted.append(row)
    out: list[dict[str, Any]] = []
    for month in sorted({row["month"] for row in converted}):
        rows = sorted(
            (row for row in converted if row["month"] == month),
            key=lambda row: order[row["spec"].carrier],
        )
        by_code: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            if row["spec"].code:
                by_code.setdefault(row["spec"].code, []).append(row)
        lines = [_merge(month, by_code[code]) for code in sorted(by_code, key=int)]
        out.extend(lines)
        out.append(_total(month, lines))
        out.extend(_merge(month, [row]) for row in rows if not row["spec"].code)
    frame = pd.DataFrame(out, columns=list(OUTPUT_COLUMNS))
    for column in (*_QUANTITIES, "coefficient_205", "tce"):
        frame[column] = frame[column].astype(float)
    return frame


# ---------------------------------------------------------------------------------------
# Period


def _period(year: int, month: int | None) -> tuple[str, str]:
    """(prefix of the months in the period, its label 2025年 / 2025年01月)."""
    if not isinstance(year, int) or not 1900 <= year <= 9999:
        raise InputError(f"year {year!r} is not a four-digit year")
    if month is None:
        return f"{year:04d}-", f"{year}年"
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise InputError(f"month {month!r} is not 1-12")
    return f"{year:04d}-{month:02d}", f"{year}年{month:02d}月"


def _in_period(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    months = frame["month"].map(_text)
    return frame.loc[months.str.startswith(prefix)].reset_index(drop=True)


def _period_factors(factors: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """The factor rows of the period, checked, by month and carrier."""
    _require(factors, FACTOR_COLUMNS, "factors")
    out = factors.loc[:, list(FACTOR_COLUMNS)].copy()
    out["month"] = out["month"].map(_text)
    for i, (carrier, month, tco2) in enumerate(
        zip(out["carrier"], out["month"], out["tco2"], strict=True)
    ):
        where = f"factors row {i + 1} ({month}, {carrier})"
        if not _MONTH_RE.fullmatch(month):
            raise InputError(f"{where}: month is not YYYY-MM")
        _number(tco2, where, "tco2", missing_ok=False)
    out = out.loc[out["month"].str.startswith(prefix)]
    order = {carrier: k for k, carrier in enumerate(_carrier_rows())}
    rank = out["carrier"].map(lambda c: order.get(c, len(order)))
    out = out.assign(_rank=rank).sort_values(["month", "_rank", "carrier"], kind="stable")
    out = out.drop(columns="_rank").reset_index(drop=True)
    out["factor_year"] = pd.array(out["factor_year"], dtype="Int64")
    return out


# ---------------------------------------------------------------------------------------
# Excel

_QTY_FMT: Final[str] = "#,##0.0000"
_COEF_FMT: Final[str] = "0.00000"
_TCE_FMT: Final[str] = "#,##0.000"
_FACTOR_FMT: Final[str] = "0.0000000"
_THIN: Final[Side] = Side(style="thin", color="808080")
_BORDER: Final[Border] = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL: Final[PatternFill] = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL: Final[PatternFill] = PatternFill("solid", fgColor="F2F2F2")
_CENTER: Final[Alignment] = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP: Final[Alignment] = Alignment(vertical="top", wrap_text=True)
_BASIS_LABELS: Final[dict[str, str]] = {"equivalent": "当量值 equivalent", "equal": "等价值 equal"}
#: Scope of the market-based electricity rows: an alternative to the location-based
#: indirect rows, so kept out of the location-based subtotals and totalled apart.
MARKET_SCOPE: Final[str] = "indirect (market-based)"

_SCOPE_LABELS: Final[dict[str, str]] = {
    "direct": "直接 direct",
    "indirect": "间接 indirect",
    MARKET_SCOPE: "间接(市场法) indirect, market-based",
    "none": "零碳 zero-carbon",
}


@dataclass(frozen=True)
class _Column:
    key: str
    zh: str
    zh_sub: str | None
    en: str
    number: str
    width: float
    fmt: str | None


#: The form's columns as written: 甲乙丙 and the official column numbers (3 金额, 6 用作原材料,
#: 8 运输工具消费 and 丁 参考折标系数 are not written), then three columns of ours.
_FORM_COLUMNS: Final[tuple[_Column, ...]] = (
    _Column("name_zh", "能源名称", None, "Energy", "甲", 26, None),
    _Column("unit_205", "计量单位", None, "Unit", "乙", 11, None),
    _Column("code", "代码", None, "Code", "丙", 7, None),
    _Column("opening_stock", "期初库存量", None, "Opening stock", "1", 15, _QTY_FMT),
    _Column("purchases", "购进量", "实物量", "Purchases (physical)", "2", 15, _QTY_FMT),
    _Column("consumption", "消费量", "合计", "Consumption, total", "4", 15, _QTY_FMT),
    _Column("production", "消费量", "1.工业生产消费", "Industrial production", "5", 15, _QTY_FMT),
    _Column("non_production", "消费量", "2.非工业生产消费", "Non-industrial", "7", 15, _QTY_FMT),
    _Column("closing_stock", "期末库存量", None, "Closing stock", "9", 15, _QTY_FMT),
    _Column("coefficient_205", "采用折标系数", None, "Coefficient [tce/unit]", "10", 14, _COEF_FMT),
    _Column("tce", "折标准煤", None, "Standard coal [tce]", "—", 15, _TCE_FMT),
    _Column("coefficient_source", "折标系数来源", None, "Coefficient source", "—", 46, None),
    _Column("basis", "折算基准", None, "Basis", "—", 18, None),
)
#: Rows of the month sheets: headings (Chinese, Chinese sub-heading, English, column
#: numbers) and the first data row.
_HEAD_ROW: Final[int] = 7
_FIRST_ROW: Final[int] = 11


def _value(value: Any) -> Any:
    """A cell value: NaN/NA → empty, numpy scalars → Python numbers."""
    if _missing(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _put(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    *,
    fmt: str | None = None,
    bold: bool = False,
    border: bool = False,
    fill: PatternFill | None = None,
    align: Alignment | None = None,
) -> None:
    cell = ws.cell(row=row, column=col, value=_value(value))
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = Font(bold=True)
    if border:
        cell.border = _BORDER
    if fill is not None:
        cell.fill = fill
    if align is not None:
        cell.alignment = align


def _basis_label(basis: str) -> str:
    return "/".join(_BASIS_LABELS.get(b, b) for b in basis.split("/")) if basis else ""


def _sheet_header(ws: Worksheet, title: str, subtitle: str, unit_name: str, label: str) -> None:
    """Rows 1-4: title, table name, reporting unit and period."""
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=subtitle).font = Font(bold=True, size=12)
    ws.cell(row=4, column=1, value="综合机关名称 Reporting unit").font = Font(bold=True)
    ws.cell(row=4, column=3, value=unit_name)
    ws.cell(row=4, column=8, value="报告期 Period").font = Font(bold=True)
    ws.cell(row=4, column=10, value=label)


def _month_sheet(ws: Worksheet, rows: pd.DataFrame, title: str, unit_name: str) -> None:
    month = str(rows["month"].iloc[0])
    label = f"{month[:4]}年{month[5:]}月"
    ncol = len(_FORM_COLUMNS)
    _sheet_header(ws, title, f"{TABLE_ZH}  {TABLE_EN}", unit_name, label)
    ws.cell(row=3, column=1, value=f"表号 Form No.: {FORM_NO}表").font = Font(bold=True)
    ws.cell(
        row=3,
        column=4,
        value="按国家统计局《能源统计报表制度》205-1表式编制（非报送件）"
        " / laid out after NBS form 205-1 (not the filed form)",
    )
    ws.cell(
        row=5,
        column=1,
        value="计量单位 Units: 实物量见各行计量单位 (quantities in the unit of the row); "
        "采用折标系数 吨标准煤/计量单位 (tce per unit); 折标准煤 吨标准煤 (tce)",
    )
    # headings
    for j, col in enumerate(_FORM_COLUMNS, start=1):
        for r in range(_HEAD_ROW, _FIRST_ROW):
            _put(ws, r, j, None, border=True, fill=_HEAD_FILL, align=_CENTER)
        ws.cell(row=_HEAD_ROW, column=j, value=col.zh).font = Font(bold=True)
        if col.zh_sub is None:
            ws.merge_cells(start_row=_HEAD_ROW, start_column=j, end_row=_HEAD_ROW + 1, end_column=j)
        else:
            ws.cell(row=_HEAD_ROW + 1, column=j, value=col.zh_sub).font = Font(bold=True)
        ws.cell(row=_HEAD_ROW + 2, column=j, value=col.en)
        ws.cell(row=_HEAD_ROW + 3, column=j, value=col.number)
        ws.column_dimensions[get_column_letter(j)].width = col.width
    j = 1
    while j <= ncol:  # one heading over the columns of a group (消费量)
        k = j
        while (
            k < ncol
            and _FORM_COLUMNS[k].zh == _FORM_COLUMNS[j - 1].zh
            and _FORM_COLUMNS[k].zh_sub is not None
        ):
            k += 1
        if k > j:
            ws.merge_cells(start_row=_HEAD_ROW, start_column=j, end_row=_HEAD_ROW, end_column=k)
        j = k + 1
    ws.row_dimensions[_HEAD_ROW + 2].height = 30
    # data
    r = _FIRST_ROW
    labelled = False
    for rec in rows.to_dict("records"):
        total = rec["code"] == _total_form_row().code
        if not rec["code"] and not labelled:
            ws.cell(
                row=r,
                column=1,
                value="不属205-1表的品种（不计入能源合计） / carriers not in form 205-1 "
                "(not in the total)",
            ).font = Font(italic=True)
            r += 1
            labelled = True
        for j, col in enumerate(_FORM_COLUMNS, start=1):
            value = rec[col.key]
            if col.key == "basis":
                value = _basis_label(value)
            fmt = _TCE_FMT if total and col.key in _QUANTITIES else col.fmt
            align = _WRAP if col.key == "coefficient_source" else None
            _put(ws, r, j, value, fmt=fmt, bold=total, border=True, align=align)
            if total:
                ws.cell(row=r, column=j).fill = _TOTAL_FILL
        r += 1
    notes = (
        "注 Notes: 1. 消费量合计 = 工业生产消费 + 非工业生产消费 (4 = 5 + 7).",
        "2. 能源合计行各栏 = Σ 实物量 x 采用折标系数 [吨标准煤]; 不属205-1表的品种不计入.",
        "3. 未填: 3 购进金额, 6 其中用作原材料, 8 合计中运输工具消费, 丁 参考折标系数 "
        "(not recorded by the ledger).",
        "4. 代码、计量单位及其依据见 sources 表 (codes, units and their sources: sheet sources).",
        "单位负责人:            统计负责人:            填表人:            报出日期:",
    )
    for k, note in enumerate(notes):
        ws.cell(row=r + 1 + k, column=1, value=note)
    ws.freeze_panes = ws.cell(row=_FIRST_ROW, column=4)
    ws.print_title_rows = f"{_HEAD_ROW}:{_FIRST_ROW - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


#: Columns of the carbon sheet: key, heading, width, number format.
_CARBON_COLUMNS: Final[tuple[tuple[str, str, float, str | None], ...]] = (
    ("month", "月份 Month", 10, None),
    ("carrier", "品种 Carrier", 14, None),
    ("scope", "范围 Scope", 14, None),
    ("quantity", "实物量 Quantity", 16, _QTY_FMT),
    ("unit", "单位 Unit", 12, None),
    ("factor", "排放因子 Factor [tCO2/unit]", 16, _FACTOR_FMT),
    ("factor_year", "因子年份 Factor year", 10, "0"),
    ("tco2", "排放量 Emissions [tCO2]", 16, _TCE_FMT),
    ("source", "来源 Source", 46, None),
    ("note", "说明 Note", 40, None),
)


def _carbon_sheet(
    ws: Worksheet, factors: pd.DataFrame, title: str, unit_name: str, label: str
) -> None:
    _sheet_header(ws, title, "碳排放  CO2 emissions", unit_name, label)
    ws.cell(
        row=5,
        column=1,
        value="排放因子 tCO2/实物量单位; 排放量 tCO2; 直接 = 化石燃料燃烧, 间接 = 外购电力、热力 "
        "(direct: fuel combustion; indirect: purchased electricity and heat)",
    )
    head = 6
    for j, (_, heading, width, _) in enumerate(_CARBON_COLUMNS, start=1):
        _put(ws, head, j, heading, bold=True, border=True, fill=_HEAD_FILL, align=_CENTER)
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.row_dimensions[head].height = 30
    r = head + 1
    tco2_col = next(j for j, c in enumerate(_CARBON_COLUMNS, start=1) if c[0] == "tco2")
    for month, rows in factors.groupby("month", sort=True):
        for rec in rows.to_dict("records"):
            for j, (key, _, _, fmt) in enumerate(_CARBON_COLUMNS, start=1):
                value = rec[key]
                if key == "scope":
                    value = _SCOPE_LABELS.get(_text(value), _text(value))
                align = _WRAP if key in ("source", "note") else None
                _put(ws, r, j, value, fmt=fmt, border=True, align=align)
            r += 1
        in_month = rows["scope"].map(_text)
        subtotals = (
            ("小计 Subtotal (location-based)", rows.loc[in_month != MARKET_SCOPE, "tco2"]),
            (
                "小计 Subtotal (market-based)",
                rows.loc[in_month.isin(("direct", MARKET_SCOPE)), "tco2"],
            ),
        )
        for name, values in subtotals:
            if name.endswith("(market-based)") and not (in_month == MARKET_SCOPE).any():
                continue
            _put(ws, r, 1, month, bold=True, border=True, fill=_TOTAL_FILL)
            _put(ws, r, 2, name, bold=True, border=True, fill=_TOTAL_FILL)
            subtotal = math.fsum(float(v) for v in values)
            _put(ws, r, tco2_col, subtotal, fmt=_TCE_FMT, bold=True, border=True, fill=_TOTAL_FILL)
            r += 1
    scopes = factors["scope"].map(_text)
    totals = [
        (f"合计 Total {label} (location-based)", factors.loc[scopes != MARKET_SCOPE, "tco2"]),
        ("其中 直接 of which direct", factors.loc[scopes == "direct", "tco2"]),
        ("其中 间接 of which indirect", factors.loc[scopes == "indirect", "tco2"]),
    ]
    if (scopes == MARKET_SCOPE).any():
        totals.append(
            (
                f"合计 Total {label} (market-based)",
                factors.loc[scopes.isin(("direct", MARKET_SCOPE)), "tco2"],
            )
        )
    for name, values in totals:
        _put(ws, r, 2, name, bold=True, border=True, fill=_TOTAL_FILL)
        total = math.fsum(float(v) for v in values)
        _put(ws, r, tco2_col, total, fmt=_TCE_FMT, bold=True, border=True, fill=_TOTAL_FILL)
        r += 1
    ws.freeze_panes = ws.cell(row=head + 1, column=1)


def _sources_sheet(
    ws: Worksheet,
    inputs: pd.DataFrame,
    factors: pd.DataFrame,
    title: str,
    unit_name: str,
    label: str,
) -> None:
    _sheet_header(ws, title, "来源  Sources", unit_name, label)
    widths = (14, 14, 22, 14, 18, 60, 24, 12)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    r = 6

    def section(heading: str, columns: Sequence[str], records: Iterable[Sequence[Any]]) -> None:
        nonlocal r
        ws.cell(row=r, column=1, value=heading).font = Font(bold=True, size=12)
        r += 1
        for j, name in enumerate(columns, start=1):
            _put(ws, r, j, name, bold=True, border=True, fill=_HEAD_FILL, align=_CENTER)
        r += 1
        for rec in records:
            for j, value in enumerate(rec, start=1):
                _put(ws, r, j, value, border=True, align=_WRAP)
            r += 1
        r += 1

    known = _carrier_rows()
    coefficients: dict[tuple[str, float | None, str, str], list[str]] = {}
    for rec in inputs.to_dict("records"):
        coefficient = None if _missing(rec["coefficient"]) else float(rec["coefficient"])
        key = (rec["carrier"], coefficient, _text(rec["coefficient_source"]), _text(rec["basis"]))
        coefficients.setdefault(key, []).append(_text(rec["month"]))
    section(
        "折标系数来源 Standard-coal coefficients used",
        (
            "品种 Carrier",
            "205-1 代码",
            "折标系数 [kgce/unit]",
            "单位 Unit",
            "折算基准 Basis",
            "来源 Source",
            "月份 Months",
        ),
        (
            (
                carrier,
                known[carrier].code if carrier in known else "",
                value,
                CARRIER_UNITS.get(carrier, ""),
                _basis_label(basis),
                source,
                ", ".join(sorted(set(months))),
            )
            for (carrier, value, source, basis), months in coefficients.items()
        ),
    )
    factor_sources: dict[tuple[Any, ...], list[str]] = {}
    for rec in factors.to_dict("records"):
        factor = _value(rec["factor"])
        year = _value(rec["factor_year"])
        key = (
            rec["carrier"],
            _text(rec["scope"]),
            factor,
            _text(rec["unit"]),
            year,
            _text(rec["source"]),
            _text(rec["note"]),
        )
        factor_sources.setdefault(key, []).append(rec["month"])
    section(
        "排放因子来源 Emission factors used",
        (
            "品种 Carrier",
            "范围 Scope",
            "因子 Factor",
            "单位 Unit",
            "因子年份 Factor year",
            "来源 Source",
            "说明 Note",
            "月份 Months",
        ),
        (
            (
                carrier,
                _SCOPE_LABELS.get(scope, scope),
                factor,
                unit,
                year,
                source,
                note,
                ", ".join(sorted(set(months))),
            )
            for (carrier, scope, factor, unit, year, source, note), months in factor_sources.items()
        ),
    )
    section(
        "205-1 代码与计量单位依据 Row codes and units (V2 verified, S1 secondary, U uncertain)",
        (
            "品种 Carrier",
            "代码 Code",
            "能源名称 Name",
            "计量单位 Unit",
            "内部单位/表单位 Internal units per unit",
            "来源 Source",
            "可信度 Confidence",
        ),
        (
            (
                row.carrier,
                row.code,
                f"{row.name_zh} {row.name_en}",
                row.unit_205,
                None if math.isnan(row.per_unit) else row.per_unit,
                row.source,
                row.confidence,
            )
            for row in _form_rows()
        ),
    )


def write_xlsx(
    path: Path,
    month_rows: pd.DataFrame,
    factors: pd.DataFrame,
    *,
    title: str,
    unit_name: str,
    year: int,
    month: int | None = None,
) -> None:
    """Write the period's table 205-1, its carbon emissions and the sources to an .xlsx file.

    Sheets: one per month of the period named ``YYYY-MM`` (only ``month`` when given), in the
    205-1 layout (rows 1-5: ``title``, 能源购进、消费与库存, 表号 205-1, 综合机关名称
    ``unit_name`` in C4, 报告期 ``YYYY年MM月`` in J4, the units; rows 7-10: Chinese and English
    headings and the form's column numbers; data from row 11, frozen above and left of D11;
    the 能源合计 row in bold; carriers not in 205-1 below it under a label); ``carbon`` (碳排放:
    every row of ``factors`` by month and carrier, a 小计 per month, the period's 合计 and its
    direct and indirect parts [tCO2]); ``sources`` (each standard-coal coefficient and
    emission factor used, and the source and confidence of every 205-1 code and unit).

    Parameters
    ----------
    path : Path
        The .xlsx file written (replaced if it exists).
    month_rows : DataFrame
        Monthly figures as :func:`form_205_rows` takes them [internal units].
    factors : DataFrame
        One row per (month, carrier): ``month`` (``YYYY-MM``), ``carrier``, ``scope``
        (``direct``/``indirect``), ``factor`` [tCO2 per internal unit], ``unit``,
        ``factor_year`` (nullable int), ``source``, ``note``, ``quantity`` [internal unit]
        and ``tco2`` [t].
    title : str
        First line of every sheet, e.g. the park's name and the report.
    unit_name : str
        The reporting unit (综合机关名称 / 单位详细名称).
    year : int
        Year of the report; rows of other years are not written.
    month : int, optional
        1-12: the report of that month only; None: every month of ``year`` in
        ``month_rows``.

    Raises
    ------
    InputError
        As :func:`form_205_rows` (the whole of ``month_rows`` is checked); a missing
        ``factors`` column, a factor row with a bad month or ``tco2``; a bad ``year`` or
        ``month``; no ``month_rows`` in the period.

    References
    ----------
    NBS 《能源统计报表制度》 table 205-1 《能源购进、消费与库存》.
    """
    prefix, label = _period(year, month)
    rows = _in_period(form_205_rows(month_rows), prefix)
    if rows.empty:
        raise InputError(f"month_rows has no rows for {label} ({prefix}*)")
    carbon = _period_factors(factors, prefix)
    inputs = _in_period(month_rows.loc[:, list(INPUT_COLUMNS)], prefix)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    wb.properties.creator = "greenpark"
    for key, frame in rows.groupby("month", sort=True):
        _month_sheet(wb.create_sheet(str(key)), frame, title, unit_name)
    _carbon_sheet(wb.create_sheet("carbon"), carbon, title, unit_name, label)
    _sources_sheet(wb.create_sheet("sources"), inputs, carbon, title, unit_name, label)
    wb.save(path)


def write_csv(
    path: Path,
    month_rows: pd.DataFrame,
    factors: pd.DataFrame,
    *,
    title: str,
    unit_name: str,
    year: int,
    month: int | None = None,
) -> list[Path]:
    """Write the period's table 205-1 rows and its carbon rows to two CSV files.

    Both files are UTF-8 with a byte-order mark (``utf-8-sig``), so that Excel opens the
    Chinese names correctly, and start with the columns ``title`` and ``unit_name`` (the
    arguments, on every row).

    Parameters
    ----------
    path : Path
        The 205-1 file: the rows of :func:`form_205_rows` of every month of the period
        (a ``month`` column; ``code`` as text such as ``01``: read it back with
        ``dtype={"code": str}``) [205-1 units; ``coefficient_205`` tce per 205-1 unit;
        ``tce`` t].
    month_rows, factors : DataFrame
        As :func:`write_xlsx`; ``factors`` rows of the period go to
        ``path.with_name(path.stem + "-carbon.csv")`` [internal units, tCO2].
    title, unit_name : str
        Written in the first two columns.
    year : int
        Year of the report; rows of other years are not written.
    month : int, optional
        1-12: that month only; None: every month of ``year``.

    Returns
    -------
    list of Path
        The 205-1 file and the carbon file.

    Raises
    ------
    InputError
        As :func:`write_xlsx`.
    """
    prefix, label = _period(year, month)
    rows = _in_period(form_205_rows(month_rows), prefix)
    if rows.empty:
        raise InputError(f"month_rows has no rows for {label} ({prefix}*)")
    carbon = _period_factors(factors, prefix)
    carbon_path = path.with_name(path.stem + "-carbon.csv")
    for frame, target in ((rows, path), (carbon, carbon_path)):
        frame = frame.copy()
        frame.insert(0, "unit_name", unit_name)
        frame.insert(0, "title", title)
        frame.to_csv(target, index=False, encoding="utf-8-sig")
    return [path, carbon_path]
