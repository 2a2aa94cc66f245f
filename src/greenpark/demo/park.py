"""The demo park's registry, generated from a seed (pure: no I/O, no database).

:func:`park_registry` returns a :class:`DemoRegistry`: the park, 104 fictional enterprises
with GB 32100-2015 credit codes and three years of figures, certificates, sites, meters,
monitoring stations, the assets of the multi-energy station, the bus fleet and the sponge
city's catchments with their facilities (:mod:`greenpark.demo.sponge`). The counts
are fixed by :mod:`greenpark.demo.facts`; names, numbers and sizes are drawn from
``series_rng(seed, "registry")``. :meth:`DemoRegistry.rows` gives the rows in the shape
:func:`greenpark.store.registry.upsert` takes (natural keys, references by key).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from greenpark.demo import sponge
from greenpark.demo.facts import park_facts
from greenpark.demo.gaps import series_rng
from greenpark.ingest.rows import ST_BY_KIND
from greenpark.standards.credit_code import CODE_CHARACTERS, credit_code_check_character
from greenpark.units import ABOVE_DESIGNATED_SIZE_REVENUE, CARRIER_UNITS

PARK_CODE = "GUIAN-FTZ"
PARK_TIMEZONE = "Asia/Shanghai"
PARK_LATITUDE = 26.42  # [°]
PARK_LONGITUDE = 106.40  # [°]
PARK_UTC_OFFSET_H = 8.0  # [h], Asia/Shanghai has no daylight saving

PARK_ROW: dict[str, Any] = {
    "code": PARK_CODE,
    "name": "Gui'an Free Trade Zone (demo)",
    "name_local": "贵安综合保税区（示范）",
    "location": "Gui'an New Area, Guiyang, Guizhou",
    "latitude": PARK_LATITUDE,
    "longitude": PARK_LONGITUDE,
    "timezone": PARK_TIMEZONE,
    "province": "Guizhou",
    "grid_region": "South China",
}

#: Revenue above which an enterprise counts as "annual turnover above 100 million yuan".
LARGE_REVENUE = 10_000.0  # [10⁴ yuan]
#: Administrative division codes (GB/T 2260) used in the credit codes: Gui'an New Area and
#: the two districts it overlaps (Huaxi, Guiyang; Pingba, Anshun).
DIVISIONS = ("520900", "520900", "520900", "520111", "520404")
#: Net calorific value of natural gas, GB/T 2589-2020 appendix A: 38,931 kJ/m³ [kWh/m³].
GAS_KWH_PER_M3 = 38_931 / 3_600

ROLE_DATA_CENTRE = "data_centre"
ROLE_SEWAGE_PLANT = "sewage_plant"
ROLE_ENERGY_STATION = "energy_station"
ROLE_MANUFACTURING = "manufacturing"
ROLE_SERVICES = "services"


@dataclass(frozen=True)
class Cohort:
    """A group of enterprises of one industry and role, with how many fall in each class."""

    industry: str
    role: str
    count: int
    large: int  # revenue above LARGE_REVENUE
    above: int  # above designated size but not large
    high_tech: int
    kwh_per_revenue: tuple[float, float]  # [kWh / 10⁴ yuan], range
    gas_per_revenue: tuple[float, float]  # [m³ / 10⁴ yuan], range (above-size only)
    water_per_revenue: tuple[float, float]  # [m³ / 10⁴ yuan], range (above-size only)
    revenue_per_employee: tuple[float, float]  # [10⁴ yuan], range
    value_added_share: tuple[float, float]  # [-] of gross output
    base_load: tuple[float, float]  # [-] flat share of the electricity profile


#: The roster: 104 enterprises; 15 large + 15 above = 30 above designated size; 18 high-tech.
# fmt: off
COHORTS: tuple[Cohort, ...] = (
    Cohort("big_data", ROLE_DATA_CENTRE, 7, 6, 1, 2, (0, 0), (0.1, 0.3), (0, 0), (300, 600),
           (0.40, 0.55), (1, 1)),
    Cohort("big_data", ROLE_SERVICES, 13, 0, 0, 4, (40, 110), (0, 0), (0, 0), (30, 60),
           (0.45, 0.60), (0.30, 0.45)),
    Cohort("electronic_information", ROLE_MANUFACTURING, 30, 6, 4, 8, (250, 700), (3, 12),
           (4, 12), (90, 160), (0.18, 0.28), (0.35, 0.60)),
    Cohort("equipment_manufacturing", ROLE_MANUFACTURING, 22, 2, 4, 4, (180, 500), (8, 30),
           (1.5, 5), (70, 130), (0.22, 0.32), (0.20, 0.40)),
    Cohort("organic_food", ROLE_MANUFACTURING, 16, 1, 3, 0, (150, 380), (25, 70), (12, 35),
           (50, 90), (0.20, 0.30), (0.35, 0.55)),
    Cohort("other", ROLE_SEWAGE_PLANT, 2, 0, 0, 0, (0, 0), (0, 0), (0, 0), (15, 25),
           (0.35, 0.45), (1, 1)),
    Cohort("other", ROLE_ENERGY_STATION, 1, 0, 1, 0, (0, 0), (0, 0), (0, 0), (80, 120),
           (0.25, 0.35), (1, 1)),
    Cohort("other", ROLE_SERVICES, 13, 0, 2, 0, (60, 200), (2, 8), (1, 3), (40, 80),
           (0.30, 0.45), (0.25, 0.45)),
)

_SYLLABLE_A = (
    "Qian", "Yun", "Lan", "Hua", "Xing", "Ming", "Jin", "Song", "Ling", "Tian", "Rui", "Bo",
    "Chen", "Feng", "Hong", "Jia", "Kang", "Lu", "Mei", "Ning", "Pu", "Shan", "Tai", "Xin",
    "Yao", "Zhi", "An", "De", "Qing", "Wen",
)
_SYLLABLE_B = (
    "hai", "feng", "yuan", "tong", "da", "ke", "xiang", "sheng", "rong", "lin", "bo", "chuan",
    "hui", "neng", "qi", "rui", "tai", "yu", "jing", "lan",
)
_TRADES = {
    ("big_data", ROLE_SERVICES): (
        "Data Technology", "Cloud Computing Services", "Big Data Analytics",
        "Digital Technology", "Information Technology", "Software",
    ),
    ("electronic_information", ROLE_MANUFACTURING): (
        "Electronics", "Optoelectronics", "Semiconductor Packaging", "Smart Terminal",
        "Circuit Board", "Display Technology", "Electronic Components", "Sensor Technology",
    ),
    ("equipment_manufacturing", ROLE_MANUFACTURING): (
        "Precision Machinery", "Intelligent Equipment", "Aviation Components",
        "Electric Equipment", "Hydraulic Machinery", "New Energy Equipment",
    ),
    ("organic_food", ROLE_MANUFACTURING): (
        "Organic Tea", "Kiwifruit Processing", "Chili Foods", "Mountain Spring Beverage",
        "Organic Agricultural Products", "Edible Fungi", "Tea Seed Oil",
    ),
    ("other", ROLE_SERVICES): (
        "Bonded Logistics", "Supply Chain Management", "Packaging Materials",
        "Property Management", "Cross-border E-commerce", "Testing and Certification",
        "Warehousing",
    ),
}
# fmt: on

#: Sewage plants: design capacity [m³/d].
SEWAGE_CAPACITY_M3D = (20_000.0, 10_000.0)
#: Sewage treatment fee used to derive the plants' revenue [yuan/m³].
SEWAGE_FEE_YUAN_M3 = 1.35
#: Load rate of the sewage plants (mean inflow / capacity) [-].
SEWAGE_LOAD_RATE = 0.78

#: Stations' HJ 212 system codes (ST) by kind, used in the demo MN.
_ST = ST_BY_KIND


@dataclass(frozen=True)
class Parameter:
    """A station parameter: HJ 212 code, unit, decimals and calibration behaviour.

    ``span`` is the value a calibration hour (flag ``C``) reports (a check standard), or
    ``None`` to keep the measured value; ``range_max`` is the analyser's upper limit, above
    which a value is flagged ``T`` (only inlet analysers are planned to over-range).
    """

    code: str
    name: str
    unit: str
    decimals: int
    span: float | None = None
    range_max: float | None = None


#: Station parameters by station kind (HJ 212-2017 tables B.1-B.3; O3 is HJ 524 ``a05024``);
#: units are the internal units of ``greenpark/standards/tables/parameters.csv``.
PARAMETERS: dict[str, tuple[Parameter, ...]] = {
    "ambient_air": (
        Parameter("a34004", "PM2.5", "μg/m³", 0),
        Parameter("a34002", "PM10", "μg/m³", 0),
        Parameter("a21026", "SO2", "μg/m³", 0, span=0.0),
        Parameter("a21004", "NO2", "μg/m³", 0, span=0.0),
        Parameter("a21005", "CO", "mg/m³", 1, span=0.0),
        Parameter("a05024", "O3", "μg/m³", 0, span=0.0),
    ),
    "surface_water": (
        Parameter("w01001", "pH", "-", 2, span=6.86),
        Parameter("w01009", "DO", "mg/L", 2),
        Parameter("w01019", "CODMn", "mg/L", 2, span=5.0),
        Parameter("w21003", "NH3-N", "mg/L", 3, span=1.0),
        Parameter("w21011", "TP", "mg/L", 3, span=0.2),
        Parameter("w01010", "water temperature", "°C", 1),
    ),
    "wastewater_inlet": (
        Parameter("w01018", "COD", "mg/L", 1, span=200.0, range_max=1000.0),
        Parameter("w21003", "NH3-N", "mg/L", 2, span=20.0, range_max=100.0),
        Parameter("w21011", "TP", "mg/L", 3, span=5.0, range_max=20.0),
        Parameter("w21001", "TN", "mg/L", 2, span=40.0, range_max=150.0),
        Parameter("w01001", "pH", "-", 2, span=6.86),
        Parameter("w00000", "wastewater flow", "m³/h", 1),
    ),
    "wastewater_outlet": (
        Parameter("w01018", "COD", "mg/L", 1, span=50.0),
        Parameter("w21003", "NH3-N", "mg/L", 3, span=5.0),
        Parameter("w21011", "TP", "mg/L", 3, span=0.5),
        Parameter("w21001", "TN", "mg/L", 2, span=15.0),
        Parameter("w01001", "pH", "-", 2, span=6.86),
        Parameter("w00000", "wastewater flow", "m³/h", 1),
        Parameter("w01010", "water temperature", "°C", 1),
    ),
    # GB 3096-2008 hourly equivalent continuous A-weighted level (HJ 212-2017 table B.3
    # names it "Leq"; the project's parameter table uses "LAeq"). A sound calibrator gives
    # 94.0 dB during a calibration hour.
    "noise": (Parameter("LAeq", "hourly equivalent sound level", "dB(A)", 1, span=94.0),),
}


@dataclass(frozen=True)
class EnterprisePlan:
    """One fictional enterprise and what its meters will record.

    Money is in 10⁴ yuan; ``revenue``, ``gross_output`` and ``value_added`` hold the three
    years ending with the data year, oldest first.
    """

    number: int
    code: str
    credit_code: str
    name: str
    industry: str
    role: str
    employees: int
    revenue: tuple[float, float, float]  # [10⁴ yuan]
    gross_output: tuple[float, float, float]  # [10⁴ yuan]
    value_added: tuple[float, float, float]  # [10⁴ yuan]
    high_tech: bool
    latitude: float  # [°]
    longitude: float  # [°]
    floor_area: float  # [m²]
    annual_kwh: float  # [kWh] main meter, data year (ordinary enterprises)
    annual_gas_m3: float  # [m³] (above-size only)
    annual_water_m3: float  # [m³] (above-size only)
    base_load: float  # [-] flat share of the electricity profile
    week_shift: int  # [weeks] shift of the real load profile
    it_kw: float = 0.0  # [kW] mean IT load (data centres)
    capacity_m3d: float = 0.0  # [m³/d] (sewage plants)

    @property
    def above_designated_size(self) -> bool:
        """Revenue in the data year ≥ 2,000 × 10⁴ yuan (NBS rule)."""
        return self.revenue[-1] >= ABOVE_DESIGNATED_SIZE_REVENUE

    @property
    def large(self) -> bool:
        """Revenue in the data year above 10,000 × 10⁴ yuan."""
        return self.revenue[-1] > LARGE_REVENUE

    @property
    def site_code(self) -> str:
        """Code of the enterprise's site."""
        return f"{self.code}-S"


#: Meter roles whose quantity is produced or delivered, not used (energy; a sewage plant's
#: reclaimed water).
PRODUCTION_ROLES = frozenset({"engines", "pv", "heat", "cooling_out", "reclaimed"})


@dataclass(frozen=True)
class MeterPlan:
    """One meter: code, carrier, owner, parent and role (what its series represents)."""

    code: str
    name: str
    carrier: str
    enterprise: str  # enterprise code (GA001)
    credit_code: str
    role: str
    parent: str | None = None
    formula: str | None = None

    @property
    def direction(self) -> str:
        """``production`` for the station's output meters, ``consumption`` for the rest."""
        return "production" if self.role in PRODUCTION_ROLES else "consumption"

    @property
    def unit(self) -> str:
        """The carrier's unit (``greenpark.units.CARRIER_UNITS``)."""
        return CARRIER_UNITS[self.carrier]

    @property
    def virtual(self) -> bool:
        """A virtual meter has a formula and no readings."""
        return self.formula is not None


@dataclass(frozen=True)
class StationPlan:
    """One automatic monitoring station and its parameters."""

    code: str
    name: str
    kind: str
    mn: str
    latitude: float
    longitude: float
    credit_code: str | None = None
    enterprise: str | None = None  # enterprise code of a sewage plant
    noise_zone_class: str | None = None
    water_body: str | None = None
    water_target_class: str | None = None
    discharge_standard: str | None = None

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """The parameters this station reports."""
        return PARAMETERS[self.kind]


@dataclass(frozen=True)
class DemoRegistry:
    """Everything the registry of the demo park holds, as plans and as upsert rows."""

    seed: int
    year: int
    enterprises: tuple[EnterprisePlan, ...]
    high_tech_certificates: tuple[dict[str, Any], ...]
    certifications: tuple[dict[str, Any], ...]
    meters: tuple[MeterPlan, ...]
    stations: tuple[StationPlan, ...]
    assets: tuple[dict[str, Any], ...]
    vehicles: tuple[dict[str, Any], ...]
    park: dict[str, Any] = field(default_factory=lambda: dict(PARK_ROW))
    #: Sponge city: catchments and their facilities (``greenpark.demo.sponge``).
    catchments: tuple[dict[str, Any], ...] = ()
    sponge_facilities: tuple[dict[str, Any], ...] = ()

    def enterprise(self, code: str) -> EnterprisePlan:
        """The enterprise with code ``code`` (``"GA001"``)."""
        for e in self.enterprises:
            if e.code == code:
                return e
        raise KeyError(f"no enterprise {code!r} in the demo registry")

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """Upsert rows per registry kind, in the order they must be written."""
        pc = PARK_CODE
        years = [self.year - 2, self.year - 1, self.year]
        return {
            "park": [dict(self.park)],
            "enterprise": [
                {
                    "credit_code": e.credit_code,
                    "park": pc,
                    "name": e.name,
                    "industry": e.industry,
                    "employees": e.employees,
                }
                for e in self.enterprises
            ],
            "enterprise_year": [
                {
                    "credit_code": e.credit_code,
                    "year": y,
                    "revenue": e.revenue[i],
                    "gross_output": e.gross_output[i],
                    "value_added": e.value_added[i],
                    # head count of the year: today's scaled by revenue^0.6 (no draw)
                    "employees": max(8, round(e.employees * (e.revenue[i] / e.revenue[-1]) ** 0.6))
                    if e.revenue[-1] > 0
                    else e.employees,
                }
                for e in self.enterprises
                for i, y in enumerate(years)
            ],
            "high_tech_certificate": [dict(r) for r in self.high_tech_certificates],
            "certification": [dict(r) for r in self.certifications],
            "site": [
                {
                    "code": e.site_code,
                    "park": pc,
                    "enterprise": e.credit_code,
                    "name": f"{e.name} site",
                    "kind": "site",
                    "floor_area": e.floor_area,
                    "latitude": e.latitude,
                    "longitude": e.longitude,
                }
                for e in self.enterprises
            ],
            "meter": [
                {
                    "code": m.code,
                    "park": pc,
                    "enterprise": m.credit_code,
                    "site": f"{m.enterprise}-S",
                    "parent": m.parent,
                    "name": m.name,
                    "carrier": m.carrier,
                    "direction": m.direction,
                    "unit": m.unit,
                    "interval_s": 900,
                    "formula": m.formula,
                    "renewable": m.role == "pv",
                }
                for m in self.meters
            ],
            "station": [
                {
                    "code": s.code,
                    "park": pc,
                    "enterprise": s.credit_code,
                    "name": s.name,
                    "kind": s.kind,
                    "mn": s.mn,
                    "latitude": s.latitude,
                    "longitude": s.longitude,
                    "noise_zone_class": s.noise_zone_class,
                    "water_body": s.water_body,
                    "water_target_class": s.water_target_class,
                    "discharge_standard": s.discharge_standard,
                }
                for s in self.stations
            ],
            "asset": [{**a, "park": pc} for a in self.assets],
            "vehicle": [{**v, "park": pc} for v in self.vehicles],
            "catchment": [{**c, "park": pc} for c in self.catchments],
            "sponge_facility": [dict(f) for f in self.sponge_facilities],
        }


def organisation_code_check(body: str) -> str:
    """The GB 11714-1997 check character of an 8-character organisation code body.

    Parameters
    ----------
    body
        Characters 1-8 (digits and upper-case letters, A = 10 … Z = 35).

    Returns
    -------
    str
        ``C9 = 11 − (Σ Ci·Wi mod 11)`` with W = 3, 7, 9, 10, 5, 8, 4, 2; 10 → ``"X"``,
        11 → ``"0"``.

    References
    ----------
    GB 11714-1997 全国组织机构代码编制规则, clause 5 (check character).
    """
    if len(body) != 8:
        raise ValueError(f"expected 8 characters, got {len(body)}")
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(body, weights, strict=True))
    c9 = 11 - total % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def _credit_code(rng: np.random.Generator, used: set[str]) -> str:
    """A fresh GB 32100-2015 code: '91' (enterprise, company) + division + org code + check."""
    letters = [c for c in CODE_CHARACTERS if c.isalpha()]
    while True:
        division = DIVISIONS[int(rng.integers(len(DIVISIONS)))]
        tail = "".join(rng.choice(list(CODE_CHARACTERS[:10]) + letters, size=5))
        body = "MA6" + tail
        org = body + organisation_code_check(body)
        first17 = "91" + division + org
        code = first17 + credit_code_check_character(first17)
        if code not in used:
            used.add(code)
            return code


def _log_uniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _revenue_for_class(rng: np.random.Generator, cls: str, role: str) -> float:
    if cls == "large":
        lo, hi = (20_000, 90_000) if role == ROLE_DATA_CENTRE else (11_000, 60_000)
    elif cls == "above":
        lo, hi = 2_300, 9_500
    else:
        lo, hi = (80, 1_500) if role == ROLE_SERVICES else (150, 1_800)
    return round(_log_uniform(rng, lo, hi), 1)


def _names(rng: np.random.Generator) -> list[str]:
    brands = [a + b for a in _SYLLABLE_A for b in _SYLLABLE_B]
    order = rng.permutation(len(brands))
    return [brands[i] for i in order]


def park_registry(seed: int = 2023, year: int = 2025) -> DemoRegistry:
    """Generate the demo park's registry.

    Parameters
    ----------
    seed
        Seed of every random choice.
    year
        The data year; figures cover ``year − 2`` … ``year``.

    Returns
    -------
    DemoRegistry
        Plans of the enterprises, meters and stations plus the other registry rows. The
        counts of :func:`greenpark.demo.facts.park_facts` hold exactly for any seed.
    """
    rng = series_rng(seed, "registry")
    facts = park_facts()
    brands = iter(_names(rng))
    used_codes: set[str] = set()

    # 1. Classes per cohort member, then a seeded order of the whole park.
    members: list[tuple[Cohort, str, bool, int]] = []  # cohort, size class, high-tech, index
    for cohort in COHORTS:
        classes = (
            ["large"] * cohort.large
            + ["above"] * cohort.above
            + ["small"] * (cohort.count - cohort.large - cohort.above)
        )
        ht = np.zeros(cohort.count, dtype=bool)
        ht[rng.choice(cohort.count, size=cohort.high_tech, replace=False)] = True
        members += [
            (cohort, c, bool(h), i) for i, (c, h) in enumerate(zip(classes, ht, strict=True))
        ]
    if len(members) != facts.enterprises:
        raise AssertionError(
            f"roster has {len(members)} enterprises, facts say {facts.enterprises}"
        )
    order = rng.permutation(len(members))

    enterprises: list[EnterprisePlan] = []
    for number, idx in enumerate(order, start=1):
        cohort, cls, high_tech, i = members[idx]
        code = f"GA{number:03d}"
        role = cohort.role
        capacity = 0.0
        if role == ROLE_SEWAGE_PLANT:
            capacity = SEWAGE_CAPACITY_M3D[i]
            revenue_now = round(capacity * SEWAGE_LOAD_RATE * 365 * SEWAGE_FEE_YUAN_M3 / 1e4, 1)
        else:
            revenue_now = _revenue_for_class(rng, cls, role)
        growth = rng.uniform(-0.06, 0.22, size=2)
        revenue = (
            round(float(revenue_now / (1 + growth[1]) / (1 + growth[0])), 1),
            round(float(revenue_now / (1 + growth[1])), 1),
            float(revenue_now),
        )
        go_ratio = 1.0 if role in (ROLE_SERVICES, ROLE_DATA_CENTRE) else rng.uniform(0.95, 1.08)
        gross = tuple(round(float(r * go_ratio), 1) for r in revenue)
        va_share = rng.uniform(*cohort.value_added_share)
        value_added = tuple(round(float(g * va_share), 1) for g in gross)
        # smaller firms earn less per head: scale the cohort's figure by (revenue/5,000)^0.35
        per_head = rng.uniform(*cohort.revenue_per_employee) * min(
            max((revenue_now / 5_000) ** 0.35, 0.3), 1.5
        )
        employees = max(8, round(revenue_now / per_head))
        name = _enterprise_name(cohort, i, next(brands), rng)
        it_kw = 0.0
        annual_kwh = 0.0
        if role == ROLE_DATA_CENTRE:
            it_kw = round(float(revenue_now * rng.uniform(0.16, 0.26)), -1)
        elif role in (ROLE_MANUFACTURING, ROLE_SERVICES):
            annual_kwh = revenue_now * rng.uniform(*cohort.kwh_per_revenue)
        above = revenue_now >= ABOVE_DESIGNATED_SIZE_REVENUE
        gas = revenue_now * rng.uniform(*cohort.gas_per_revenue) if above else 0.0
        water = revenue_now * rng.uniform(*cohort.water_per_revenue) if above else 0.0
        enterprises.append(
            EnterprisePlan(
                number=number,
                code=code,
                credit_code=_credit_code(rng, used_codes),
                name=name,
                industry=cohort.industry,
                role=role,
                employees=employees,
                revenue=revenue,
                gross_output=gross,  # type: ignore[arg-type]
                value_added=value_added,  # type: ignore[arg-type]
                high_tech=high_tech,
                latitude=round(PARK_LATITUDE + rng.uniform(-0.025, 0.025), 5),
                longitude=round(PARK_LONGITUDE + rng.uniform(-0.03, 0.03), 5),
                floor_area=round(_log_uniform(rng, 2_000, 12_000) * (1 + revenue_now / 5_000), -1),
                annual_kwh=round(float(annual_kwh), -1),
                annual_gas_m3=round(float(gas), 0),
                annual_water_m3=round(float(water), 0),
                base_load=float(rng.uniform(*cohort.base_load)),
                week_shift=int(rng.integers(0, 52)),
                it_kw=it_kw,
                capacity_m3d=capacity,
            )
        )

    return DemoRegistry(
        seed=seed,
        year=year,
        enterprises=tuple(enterprises),
        high_tech_certificates=_high_tech_certificates(rng, enterprises, year),
        certifications=_certifications(enterprises, year),
        meters=_meters(enterprises),
        stations=_stations(rng, enterprises),
        assets=_assets(),
        vehicles=_vehicles(rng, facts.new_energy_buses, year),
        catchments=sponge.catchments(_largest_data_centre_site(enterprises)),
        sponge_facilities=sponge.facilities(year),
    )


def _largest_data_centre_site(enterprises: list[EnterprisePlan]) -> str | None:
    """The site of the data centre with the largest IT load (its roofs form a catchment)."""
    centres = [e for e in enterprises if e.role == ROLE_DATA_CENTRE]
    return max(centres, key=lambda e: e.it_kw).site_code if centres else None


def _enterprise_name(
    cohort: Cohort,
    index: int,
    brand: str,
    rng: np.random.Generator,
) -> str:
    if cohort.role == ROLE_DATA_CENTRE:
        return f"Gui'an {brand} Cloud Data Centre No.{index + 1} Co., Ltd. (demo)"
    if cohort.role == ROLE_SEWAGE_PLANT:
        return f"Gui'an FTZ No.{index + 1} Sewage Treatment Plant Co., Ltd. (demo)"
    if cohort.role == ROLE_ENERGY_STATION:
        return "Gui'an FTZ Distributed Energy Co., Ltd. (demo)"
    trades = _TRADES[(cohort.industry, cohort.role)]
    trade = trades[int(rng.integers(len(trades)))]
    return f"Guizhou {brand} {trade} Co., Ltd. (demo)"


def _certificate_dates(valid_from: dt.date) -> tuple[dt.date, dt.date]:
    """A high-tech certificate is valid three years: to the day before the third anniversary."""
    end = dt.date(valid_from.year + 3, valid_from.month, valid_from.day) - dt.timedelta(days=1)
    return valid_from, end


def _high_tech_certificates(
    rng: np.random.Generator, enterprises: list[EnterprisePlan], year: int
) -> tuple[dict[str, Any], ...]:
    """Current certificates of the high-tech enterprises (issued in Q4 of year−2 or year−1,
    so valid through the whole data year), a renewal history for some, and a few expired
    certificates of enterprises that are no longer high-tech."""
    rows: list[dict[str, Any]] = []
    serial = 100

    def issue(e: EnterprisePlan, issue_year: int) -> None:
        nonlocal serial
        serial += int(rng.integers(1, 40))
        start = dt.date(issue_year, 10, 15) + dt.timedelta(days=int(rng.integers(0, 75)))
        frm, to = _certificate_dates(start)
        rows.append(
            {
                "credit_code": e.credit_code,
                "valid_from": frm,
                "valid_to": to,
                "number": f"GR{issue_year}52{serial:06d}",
            }
        )

    for e in enterprises:
        if e.high_tech:
            current = year - 2 if rng.random() < 0.5 else year - 1
            if rng.random() < 0.3:
                issue(e, current - 3)  # the previous, now expired, certificate
            issue(e, current)
    lapsed = [e for e in enterprises if not e.high_tech and e.role == ROLE_MANUFACTURING]
    for i in rng.choice(len(lapsed), size=3, replace=False):
        issue(lapsed[int(i)], year - 4 - int(rng.integers(0, 2)))
    return tuple(rows)


def _certifications(enterprises: list[EnterprisePlan], year: int) -> tuple[dict[str, Any], ...]:
    facts = park_facts()
    rows: list[dict[str, Any]] = []
    dcs = [e for e in enterprises if e.role == ROLE_DATA_CENTRE]
    dc_years = [year - 6, year - 5, year - 4, year - 3, year - 2, year - 1, year - 1]
    for e, y in zip(dcs, dc_years[: facts.national_green_data_centres], strict=True):
        rows.append({"credit_code": e.credit_code, "kind": "national_green_data_centre", "year": y})

    def biggest(industry: str) -> EnterprisePlan:
        pool = [e for e in enterprises if e.industry == industry and e.role == ROLE_MANUFACTURING]
        return max(pool, key=lambda e: e.revenue[-1])

    national = [biggest("electronic_information")][: facts.national_green_factories]
    provincial = [biggest("equipment_manufacturing"), biggest("organic_food")]
    for e in national:
        rows.append(
            {"credit_code": e.credit_code, "kind": "national_green_factory", "year": year - 2}
        )
    for e, y in zip(
        provincial[: facts.provincial_green_factories], (year - 3, year - 1), strict=True
    ):
        rows.append({"credit_code": e.credit_code, "kind": "provincial_green_factory", "year": y})
    return tuple(rows)


def _meters(enterprises: list[EnterprisePlan]) -> tuple[MeterPlan, ...]:
    """Main electricity meter for all; gas and water for above-size; DC sub-meters and a
    virtual IT + cooling meter; the sewage plants' reclaimed water delivered; the
    multi-energy station's input and output meters."""
    out: list[MeterPlan] = []
    for e in enterprises:
        c, cc = e.code, e.credit_code
        main = f"{c}-EL"
        if e.role == ROLE_ENERGY_STATION:
            out.append(MeterPlan(main, "Grid import (main meter)", "electricity", c, cc, "grid"))
        else:
            out.append(MeterPlan(main, "Electricity main meter", "electricity", c, cc, "main"))
        if e.above_designated_size:
            gas_name = "Natural gas input" if e.role == ROLE_ENERGY_STATION else "Natural gas"
            out.append(MeterPlan(f"{c}-NG", gas_name, "natural_gas", c, cc, "gas"))
            out.append(MeterPlan(f"{c}-WA", "Water intake", "water", c, cc, "water"))
        if e.role == ROLE_DATA_CENTRE:
            it, cool = f"{c}-EL-IT", f"{c}-EL-CL"
            out.append(MeterPlan(it, "IT load", "electricity", c, cc, "it", parent=main))
            out.append(MeterPlan(cool, "Cooling", "electricity", c, cc, "cooling", parent=main))
            out.append(
                MeterPlan(
                    f"{c}-EL-ITC",
                    "IT + cooling (virtual)",
                    "electricity",
                    c,
                    cc,
                    "virtual",
                    formula=f"{it} + {cool}",
                )
            )
        if e.role == ROLE_SEWAGE_PLANT:
            out.append(MeterPlan(f"{c}-RW", "Reclaimed water delivered", "water", c, cc,
                                 "reclaimed"))  # fmt: skip
        if e.role == ROLE_ENERGY_STATION:
            out += [
                MeterPlan(f"{c}-EL-GEN", "Gas engines output", "electricity", c, cc, "engines"),
                MeterPlan(f"{c}-EL-PV", "PV output", "electricity", c, cc, "pv"),
                MeterPlan(f"{c}-HT", "Heat output", "heat", c, cc, "heat"),
                MeterPlan(f"{c}-CL", "Cooling output", "cooling", c, cc, "cooling_out"),
            ]
    return tuple(out)


def _mn(kind: str, n: int) -> str:
    """A 14-character demo MN: division 520900, HJ 212 system code, serial."""
    return f"520900{_ST[kind]}{n:06d}"


def _stations(
    rng: np.random.Generator, enterprises: list[EnterprisePlan]
) -> tuple[StationPlan, ...]:
    def near(lat: float, lon: float) -> tuple[float, float]:
        return (
            round(lat + rng.uniform(-0.002, 0.002), 5),
            round(lon + rng.uniform(-0.002, 0.002), 5),
        )

    lat0, lon0 = PARK_LATITUDE, PARK_LONGITUDE
    # fmt: off
    out = [
        StationPlan("GA-AIR-01", "FTZ administration centre air station (demo)", "ambient_air",
                    _mn("ambient_air", 1), *near(lat0 + 0.004, lon0 - 0.006)),
        StationPlan("GA-AIR-02", "Data centre cluster air station (demo)", "ambient_air",
                    _mn("ambient_air", 2), *near(lat0 - 0.012, lon0 + 0.018)),
        StationPlan("GA-SW-01", "Machang River, FTZ downstream section (demo)", "surface_water",
                    _mn("surface_water", 1), *near(lat0 - 0.02, lon0 + 0.025),
                    water_body="river", water_target_class="III"),
        StationPlan("GA-SW-02", "Songbaishan Reservoir, intake (demo)", "surface_water",
                    _mn("surface_water", 2), *near(lat0 + 0.03, lon0 - 0.03),
                    water_body="lake", water_target_class="II"),
    ]
    # fmt: on
    plants = [e for e in enterprises if e.role == ROLE_SEWAGE_PLANT]
    plants.sort(key=lambda e: e.name)
    for k, e in enumerate(plants, start=1):
        for kind, label, n in (
            ("wastewater_inlet", "inlet", 2 * k - 1),
            ("wastewater_outlet", "outlet", 2 * k),
        ):
            out.append(
                StationPlan(
                    f"GA-WW{k}-{'IN' if label == 'inlet' else 'OUT'}",
                    f"No.{k} sewage treatment plant {label} (demo)",
                    kind,
                    _mn(kind, n),
                    *near(e.latitude, e.longitude),
                    credit_code=e.credit_code,
                    enterprise=e.code,
                    discharge_standard="GB 18918-2002 1A" if label == "outlet" else None,
                )
            )
    zones = (
        ("2", "Residential and service quarter"),
        ("3", "Manufacturing quarter"),
        ("4a", "Trunk road boundary"),
    )
    for k, (zone, where) in enumerate(zones, start=1):
        out.append(
            StationPlan(
                f"GA-NS-0{k}",
                f"{where} noise station (demo)",
                "noise",
                _mn("noise", k),
                *near(lat0 + rng.uniform(-0.02, 0.02), lon0 + rng.uniform(-0.02, 0.02)),
                noise_zone_class=zone,
            )
        )
    return tuple(out)


#: The multi-energy station's ratings (rated output p_nom [kW], storage e_nom [kWh]).
PV_KW = 6_000.0
ENGINE_KW = 2_000.0
ENGINE_ELECTRIC_EFFICIENCY = 0.40
ENGINE_HEAT_RECOVERY_EFFICIENCY = 0.45
ABSORPTION_KW = 3_000.0
ABSORPTION_COP = 1.2
ELECTRIC_CHILLER_KW = 3_500.0
ELECTRIC_CHILLER_COP = 5.5
BOILER_KW = 4_000.0
BOILER_EFFICIENCY = 0.92


def _assets() -> tuple[dict[str, Any], ...]:
    """The distributed multi-energy (CCHP) station of the park."""
    # fmt: off
    return (
        {"code": "GA-MES-PV", "name": "Rooftop PV, bonded warehouses", "kind": "pv",
         "p_nom": PV_KW, "efficiency": 0.20,
         "params": {"p_dc_kwp": 7_200.0, "tilt_deg": 15.0, "azimuth_deg": 180.0,
                    "inverter_efficiency": 0.98}},
        {"code": "GA-MES-GE1", "name": "Gas engine 1", "kind": "gas_engine", "p_nom": ENGINE_KW,
         "efficiency": ENGINE_ELECTRIC_EFFICIENCY,
         "params": {"heat_recovery_efficiency": ENGINE_HEAT_RECOVERY_EFFICIENCY,
                    "heat_nom_kw": ENGINE_KW * ENGINE_HEAT_RECOVERY_EFFICIENCY
                    / ENGINE_ELECTRIC_EFFICIENCY,
                    "p_min_pu": 0.5, "fuel": "natural_gas"}},
        {"code": "GA-MES-GE2", "name": "Gas engine 2", "kind": "gas_engine", "p_nom": ENGINE_KW,
         "efficiency": ENGINE_ELECTRIC_EFFICIENCY,
         "params": {"heat_recovery_efficiency": ENGINE_HEAT_RECOVERY_EFFICIENCY,
                    "heat_nom_kw": ENGINE_KW * ENGINE_HEAT_RECOVERY_EFFICIENCY
                    / ENGINE_ELECTRIC_EFFICIENCY,
                    "p_min_pu": 0.5, "fuel": "natural_gas"}},
        {"code": "GA-MES-AC1", "name": "Absorption chiller (engine heat)",
         "kind": "absorption_chiller", "p_nom": ABSORPTION_KW, "cop": ABSORPTION_COP,
         "params": {"drive": "hot water from the gas engines"}},
        {"code": "GA-MES-EC1", "name": "Electric chiller 1", "kind": "electric_chiller",
         "p_nom": ELECTRIC_CHILLER_KW, "cop": ELECTRIC_CHILLER_COP, "params": {}},
        {"code": "GA-MES-EC2", "name": "Electric chiller 2", "kind": "electric_chiller",
         "p_nom": ELECTRIC_CHILLER_KW, "cop": ELECTRIC_CHILLER_COP, "params": {}},
        {"code": "GA-MES-BO1", "name": "Gas boiler", "kind": "boiler", "p_nom": BOILER_KW,
         "efficiency": BOILER_EFFICIENCY, "params": {"fuel": "natural_gas"}},
        {"code": "GA-MES-BAT", "name": "Battery storage", "kind": "battery", "p_nom": 2_000.0,
         "e_nom": 4_000.0, "efficiency": 0.90,
         "params": {"round_trip_efficiency": 0.90, "soc_min_pu": 0.10, "soc_max_pu": 0.95}},
        {"code": "GA-MES-TS", "name": "Hot-water thermal storage", "kind": "thermal_storage",
         "p_nom": 2_000.0, "e_nom": 8_000.0, "efficiency": 0.95,
         "params": {"standing_loss_pu_per_h": 0.005}},
        {"code": "GA-MES-CS", "name": "Chilled-water cold storage", "kind": "cold_storage",
         "p_nom": 3_000.0, "e_nom": 12_000.0, "efficiency": 0.95,
         "params": {"standing_loss_pu_per_h": 0.004}},
    )
    # fmt: on


#: Diesel buses the demo fleet retired (half two years before the demo year, half at the end
#: of the year before), so the years side by side show the new-energy share rising.
RETIRED_DIESEL_BUSES = 24


def _vehicles(rng: np.random.Generator, buses: int, year: int) -> tuple[dict[str, Any], ...]:
    """The bus fleet: ``buses`` battery-electric buses entering service over the seven years
    before ``year`` (a third of them in its last two years and the year itself), and
    :data:`RETIRED_DIESEL_BUSES` diesel buses out of service now with the day they left.
    Service dates follow from the bus number (no draw of ``rng``, so the rest of the demo
    is unchanged by them)."""
    models = (258.0, 282.0, 350.0)  # battery capacity of the bus models [kWh]
    operator = "Gui'an New Area Public Transport Co. (demo)"

    def entered(i: int) -> dt.date:
        if i <= 24:  # six a year, seven to four years before
            return dt.date(year - 7 + (i - 1) // 6, 1 + 2 * ((i - 1) % 6), 1)
        if i <= 42:
            return dt.date(year - 2, 1 + (i - 25) % 12, 15)
        if i <= 51:
            return dt.date(year - 1, i - 42, 1)
        return dt.date(year, 1 + (i - 52) % 12, 1)

    electric = tuple(
        {
            "code": f"GA-BUS-{i:03d}",
            "kind": "bus",
            "energy": "battery_electric",
            "operator": operator,
            "battery_kwh": models[int(rng.integers(len(models)))],
            "in_service": True,
            "in_service_from": entered(i),
            "in_service_to": None,
        }
        for i in range(1, buses + 1)
    )
    diesel = tuple(
        {
            "code": f"GA-BUS-D{j:02d}",
            "kind": "bus",
            "energy": "diesel",
            "operator": operator,
            "battery_kwh": None,
            "in_service": False,
            "in_service_from": dt.date(year - 13 + (j - 1) // 6, 3, 1),
            "in_service_to": dt.date(year - 2, 6, 30) if j <= RETIRED_DIESEL_BUSES // 2
            else dt.date(year - 1, 12, 31),
        }
        for j in range(1, RETIRED_DIESEL_BUSES + 1)
    )  # fmt: skip
    return electric + diesel
