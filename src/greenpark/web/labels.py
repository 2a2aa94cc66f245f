"""Display labels (English and Chinese) of the codes the pages show.

Tables, not logic: each maps a stored code to ``(English, 中文)``. A code missing here is
shown as stored; ``tests/web/test_web_routes.py`` checks that every enumerated value of the
schema has a label.
"""

from __future__ import annotations

from typing import Final

#: Enterprise classes of the overview, in display order: field of
#: :class:`greenpark.store.overview.EnterpriseCounts` -> (English, 中文).
ENTERPRISE_CLASSES: Final[dict[str, tuple[str, str]]] = {
    "total": ("Enterprises", "企业总数"),
    "above_designated_size": ("Above designated size", "规模以上"),
    "revenue_over_100m_yuan": ("Turnover above 100 million yuan", "营收超亿元"),
    "high_tech": ("High-tech enterprises", "高新技术企业"),
    "national_green_data_centre": ("National green data centres", "国家绿色数据中心"),
    "national_green_factory": ("National green factories", "国家级绿色工厂"),
    "provincial_green_factory": ("Provincial green factories", "省级绿色工厂"),
}

#: Industries of :data:`greenpark.store.schema.INDUSTRIES`.
INDUSTRIES: Final[dict[str, tuple[str, str]]] = {
    "big_data": ("Big data", "大数据"),
    "electronic_information": ("Electronic information", "电子信息"),
    "equipment_manufacturing": ("Equipment manufacturing", "装备制造"),
    "organic_food": ("Organic food", "有机食品"),
    "other": ("Other", "其他"),
}

#: Energy carriers of :data:`greenpark.units.CARRIERS`.
CARRIERS: Final[dict[str, tuple[str, str]]] = {
    "electricity": ("Electricity", "电力"),
    "natural_gas": ("Natural gas", "天然气"),
    "water": ("Water", "水"),
    "heat": ("Heat", "热力"),
    "cooling": ("Cooling", "冷量"),
    "steam": ("Steam", "蒸汽"),
    "diesel": ("Diesel", "柴油"),
    "gasoline": ("Gasoline", "汽油"),
    "coal": ("Coal", "煤炭"),
    "other": ("Other", "其他"),
}

#: Bar colours of the carriers' charts (CSS colours).
CARRIER_COLOURS: Final[dict[str, str]] = {
    "electricity": "#2563eb",
    "natural_gas": "#ea580c",
    "water": "#0891b2",
    "heat": "#dc2626",
    "cooling": "#7c3aed",
    "steam": "#64748b",
    "diesel": "#854d0e",
    "gasoline": "#b45309",
    "coal": "#374151",
    "other": "#6b7280",
}

#: Station kinds of :data:`greenpark.store.schema.STATION_KINDS`.
STATION_KINDS: Final[dict[str, tuple[str, str]]] = {
    "ambient_air": ("Ambient air", "环境空气"),
    "surface_water": ("Surface water", "地表水"),
    "wastewater_inlet": ("Wastewater inlet", "污水进口"),
    "wastewater_outlet": ("Wastewater outlet", "污水排口"),
    "noise": ("Noise", "声环境"),
}


def label(table: dict[str, tuple[str, str]], code: str) -> str:
    """``"English 中文"`` for ``code`` in ``table``, or ``code`` itself when it has no label."""
    if code not in table:
        return code
    english, chinese = table[code]
    return f"{english} {chinese}"
