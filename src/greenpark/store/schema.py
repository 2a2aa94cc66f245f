"""The database schema: the park registry and the time series (SQLAlchemy 2 declarative).

Every timestamp column is :class:`UTCDateTime`: timezone-aware UTC in Python, ``timestamptz``
on PostgreSQL and integer epoch seconds on SQLite (compact, fast range scans). Naive
datetimes are refused. Money is in 10⁴ yuan, ratings in kW / kWh (see ``greenpark.units``).
The Alembic migrations under ``store/migrations`` create exactly this schema
(``tests/store/test_migrations.py`` compares them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator, TypeEngine

from greenpark.units import CARRIERS

UTC = dt.UTC

#: Allowed values of the enumerated columns; the importer and the checks use the same tables.
INDUSTRIES = (
    "big_data",
    "electronic_information",
    "equipment_manufacturing",
    "organic_food",
    "other",
)
CERTIFICATION_KINDS = (
    "national_green_factory",
    "provincial_green_factory",
    "national_green_data_centre",
)
STATION_KINDS = (
    "ambient_air",
    "surface_water",
    "wastewater_inlet",
    "wastewater_outlet",
    "noise",
)
#: GB 3096-2008 clause 4: acoustic environment functional zone classes.
NOISE_ZONE_CLASSES = ("0", "1", "2", "3", "4a", "4b")
#: GB 3838-2002 clause 3: surface-water classes.
WATER_CLASSES = ("I", "II", "III", "IV", "V")
WATER_BODIES = ("river", "lake")
#: GB 18918-2002 clause 4.1.2: discharge standard classes for sewage plants; enterprise
#: outlets name their sector standard in free text.
DISCHARGE_CLASSES = ("1A", "1B", "2", "3")
ASSET_KINDS = (
    "pv",
    "gas_engine",
    "absorption_chiller",
    "electric_chiller",
    "boiler",
    "battery",
    "thermal_storage",
    "cold_storage",
)
VEHICLE_ENERGIES = ("battery_electric", "fuel_cell", "plug_in_hybrid", "natural_gas", "diesel")
SITE_KINDS = ("site", "building")
#: What a meter's quantity is to its owner: energy received and used, or energy the owner
#: generates or delivers to others (PV, gas engines, heat and cooling output).
METER_DIRECTIONS = ("consumption", "production")
#: What a hand-entered monthly ledger figure is (``greenpark.ledger.entries``): industrial
#: production use, non-production use, purchases and closing stock of a carrier (the columns
#: of the 205-1 table); green certificates and green-power contracts [MWh]; output.
ENTRY_KINDS = (
    "consumption",
    "non_production",
    "purchase",
    "closing_stock",
    "gec",
    "green_power",
    "output",
)
#: Kinds of factor a user may version (``greenpark.ledger.factors``).
FACTOR_KINDS = ("electricity", "fuel", "purchased", "coal", "heating_value")
#: Quantities a yearly budget caps.
TARGET_QUANTITIES = ("tce", "tco2")
#: Kinds of sponge-city facility (海绵设施) of a catchment (``greenpark.evaluation.sponge``):
#: rain garden / bioretention, permeable paving, green roof, storage tank, retention pond,
#: grassed swale, anything else.
SPONGE_FACILITY_KINDS = (
    "bioretention",
    "permeable_pavement",
    "green_roof",
    "storage_tank",
    "retention_pond",
    "swale",
    "other",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetime; epoch seconds on SQLite, ``timestamptz`` elsewhere."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: give a time zone")
        if dialect.name == "sqlite":
            return int(value.timestamp())
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return dt.datetime.fromtimestamp(int(value), UTC)
        return value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Base(DeclarativeBase):
    metadata = metadata


class Park(Base):
    """A park: where it is, its time zone and its grid region (for emission factors)."""

    __tablename__ = "park"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_local: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)  # [°]
    longitude: Mapped[float | None] = mapped_column(Float)  # [°]
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    province: Mapped[str | None] = mapped_column(String(64))
    grid_region: Mapped[str | None] = mapped_column(String(64))

    enterprises: Mapped[list[Enterprise]] = relationship(back_populates="park")


class Enterprise(Base):
    """An enterprise of the park, keyed by its unified social credit code (GB 32100-2015)."""

    __tablename__ = "enterprise"
    __table_args__ = (CheckConstraint(_in("industry", INDUSTRIES), name="industry"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str] = mapped_column(String(40))
    employees: Mapped[int | None] = mapped_column(Integer)

    park: Mapped[Park] = relationship(back_populates="enterprises")
    years: Mapped[list[EnterpriseYear]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan"
    )
    certifications: Mapped[list[Certification]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan"
    )
    high_tech_certificates: Mapped[list[HighTechCertificate]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan"
    )


class EnterpriseYear(Base):
    """An enterprise's yearly figures [10⁴ yuan]; above designated size is derived from revenue."""

    __tablename__ = "enterprise_year"
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    revenue: Mapped[float | None] = mapped_column(Float)  # [10⁴ yuan]
    gross_output: Mapped[float | None] = mapped_column(Float)  # [10⁴ yuan]
    value_added: Mapped[float | None] = mapped_column(Float)  # [10⁴ yuan]
    #: Head count of the year (annual average or year-end, as the enterprise reports it).
    employees: Mapped[int | None] = mapped_column(Integer)

    enterprise: Mapped[Enterprise] = relationship(back_populates="years")


class HighTechCertificate(Base):
    """A high-tech enterprise certificate (高新技术企业证书), valid from/to (inclusive dates)."""

    __tablename__ = "high_tech_certificate"
    __table_args__ = (UniqueConstraint("enterprise_id", "valid_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str | None] = mapped_column(String(64))
    valid_from: Mapped[dt.date] = mapped_column()
    valid_to: Mapped[dt.date] = mapped_column()

    enterprise: Mapped[Enterprise] = relationship(back_populates="high_tech_certificates")


class Certification(Base):
    """A green certification (green factory, green data centre) granted in ``year``."""

    __tablename__ = "certification"
    __table_args__ = (
        CheckConstraint(_in("kind", CERTIFICATION_KINDS), name="kind"),
        UniqueConstraint("enterprise_id", "kind", "year"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)

    enterprise: Mapped[Enterprise] = relationship(back_populates="certifications")


class Site(Base):
    """A site or a building; a building may sit on a site (``parent_id``)."""

    __tablename__ = "site"
    __table_args__ = (CheckConstraint(_in("kind", SITE_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="site")
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"))
    floor_area: Mapped[float | None] = mapped_column(Float)  # [m²]
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class Meter(Base):
    """A meter of one energy carrier; a sub-meter names its parent; a virtual meter has a
    formula over other meters' codes (``"M-001 + M-002 - M-003"``) and no readings.
    ``direction`` says whether it records energy used (``consumption``) or energy produced
    or delivered (``production``, e.g. PV output), which is never counted as use."""

    __tablename__ = "meter"
    __table_args__ = (
        CheckConstraint(_in("carrier", CARRIERS), name="carrier"),
        CheckConstraint(_in("direction", METER_DIRECTIONS), name="direction"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    carrier: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(16))
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), index=True
    )
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("meter.id", ondelete="SET NULL"))
    interval_s: Mapped[int] = mapped_column(Integer, default=900)  # [s]
    direction: Mapped[str] = mapped_column(String(16), default="consumption")
    formula: Mapped[str | None] = mapped_column(Text)  # virtual meters only
    #: A production meter of on-site renewable generation (PV, wind): zero-carbon
    #: electricity counted once in the park's green-electricity share (greenpark.ledger).
    renewable: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Station(Base):
    """An automatic monitoring station, identified on the wire by its HJ 212 ``MN``."""

    __tablename__ = "station"
    __table_args__ = (
        CheckConstraint(_in("kind", STATION_KINDS), name="kind"),
        CheckConstraint(
            "noise_zone_class IS NULL OR " + _in("noise_zone_class", NOISE_ZONE_CLASSES),
            name="noise_zone_class",
        ),
        CheckConstraint(
            "water_target_class IS NULL OR " + _in("water_target_class", WATER_CLASSES),
            name="water_target_class",
        ),
        CheckConstraint(
            "water_body IS NULL OR " + _in("water_body", WATER_BODIES), name="water_body"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    mn: Mapped[str] = mapped_column(String(32), unique=True)
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), index=True
    )
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    noise_zone_class: Mapped[str | None] = mapped_column(String(4))
    water_body: Mapped[str | None] = mapped_column(String(8))
    water_target_class: Mapped[str | None] = mapped_column(String(4))
    discharge_standard: Mapped[str | None] = mapped_column(String(64))
    pw: Mapped[str | None] = mapped_column(String(32))  # HJ 212 access password; None: unchecked
    hj212: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # link options, greenpark.ingest


class Asset(Base):
    """An asset of the multi-energy station with its rating.

    ``p_nom`` is the rated output [kW] (electric for PV, gas engines and batteries; heat for
    boilers; cooling for chillers), ``e_nom`` the storage capacity [kWh], ``efficiency`` the
    rated electric or thermal efficiency [-] and ``cop`` the rated coefficient of
    performance of a chiller [-]. ``params`` holds further ratings with units in their keys.
    """

    __tablename__ = "asset"
    __table_args__ = (CheckConstraint(_in("kind", ASSET_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    p_nom: Mapped[float | None] = mapped_column(Float)  # [kW]
    e_nom: Mapped[float | None] = mapped_column(Float)  # [kWh]
    efficiency: Mapped[float | None] = mapped_column(Float)  # [-]
    cop: Mapped[float | None] = mapped_column(Float)  # [-]
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Vehicle(Base):
    """A vehicle of the park's fleet registry (e.g. a new-energy bus)."""

    __tablename__ = "vehicle"
    __table_args__ = (CheckConstraint(_in("energy", VEHICLE_ENERGIES), name="energy"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="bus")
    energy: Mapped[str] = mapped_column(String(32))
    operator: Mapped[str | None] = mapped_column(String(200))
    battery_kwh: Mapped[float | None] = mapped_column(Float)  # [kWh]
    in_service: Mapped[bool] = mapped_column(Boolean, default=True)
    #: First and last day in service (inclusive), when recorded: the fleet of past years.
    in_service_from: Mapped[dt.date | None] = mapped_column()
    in_service_to: Mapped[dt.date | None] = mapped_column()


class Measurement(Base):
    """A station value: one parameter (HJ 212 code) at one time, with its data flag."""

    __tablename__ = "measurement"
    __table_args__ = ({"sqlite_with_rowid": False},)
    station_id: Mapped[int] = mapped_column(
        ForeignKey("station.id", ondelete="CASCADE"), primary_key=True
    )
    parameter: Mapped[str] = mapped_column(String(32), primary_key=True)
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime(), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    flag: Mapped[str] = mapped_column(String(8), default="N")
    source: Mapped[str] = mapped_column(String(32), default="")


Index("ix_measurement_time", Measurement.time)


class MeterReading(Base):
    """The quantity a meter recorded over ``[start, end)`` in the meter's unit."""

    __tablename__ = "meter_reading"
    __table_args__ = ({"sqlite_with_rowid": False},)
    meter_id: Mapped[int] = mapped_column(
        ForeignKey("meter.id", ondelete="CASCADE"), primary_key=True
    )
    start: Mapped[dt.datetime] = mapped_column(UTCDateTime(), primary_key=True)
    end: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    quantity: Mapped[float | None] = mapped_column(Float)
    quality: Mapped[str] = mapped_column(String(16), default="ok")


class MeterMonth(Base):
    """Monthly totals of each meter (park-local calendar months), kept by the store on write.

    Derived data: :func:`greenpark.store.timeseries.refresh_meter_months` recomputes it.
    """

    __tablename__ = "meter_month"
    __table_args__ = ({"sqlite_with_rowid": False},)
    meter_id: Mapped[int] = mapped_column(
        ForeignKey("meter.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "YYYY-MM", park zone
    quantity: Mapped[float] = mapped_column(Float)
    readings: Mapped[int] = mapped_column(Integer)


class StationKey(Base):
    """An HJ 212-2025 SM4 key of a station (§6.4.3): the newest is current; an older one
    stays valid until ``valid_until`` (the overlap window of a CN=1014 rotation)."""

    __tablename__ = "station_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(
        ForeignKey("station.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[bytes] = mapped_column(LargeBinary(16))
    sk_create_time: Mapped[str] = mapped_column(String(17))  # SKCreateTime as sent (station zone)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class QuarantinedFrame(Base):
    """Bytes the HJ 212 server refused, kept verbatim with why, from where and when."""

    __tablename__ = "ingest_quarantine"
    id: Mapped[int] = mapped_column(primary_key=True)
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    peer: Mapped[str] = mapped_column(String(64))
    mn: Mapped[str | None] = mapped_column(String(32), index=True)
    reason: Mapped[str] = mapped_column(String(32), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[bytes] = mapped_column(LargeBinary)


class Meta(Base):
    """Key/value facts about the store itself (e.g. the demo build that filled it)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --- users, tokens, sessions and the audit log (greenpark.auth) ------------------------

#: Roles a user or API token can have; what each may do is ``greenpark.auth.ROLE_PERMISSIONS``.
ROLES = ("admin", "analyst", "enterprise", "evaluator", "operator")


class User(Base):
    """A person who logs in; ``enterprises`` limits what an enterprise user or a scoped
    evaluator sees. ``valid_until`` makes an account time-limited (evaluators)."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class UserEnterprise(Base):
    """An enterprise a user may see (enterprise users; evaluators limited to some)."""

    __tablename__ = "user_enterprise"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True
    )


class ApiToken(Base):
    """An API token for scripts: only its SHA-256 is stored; scoped to a role and (through
    :class:`TokenEnterprise`) enterprises; expires; revocable."""

    __tablename__ = "api_token"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    whole_park: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class TokenEnterprise(Base):
    """An enterprise an API token is limited to."""

    __tablename__ = "token_enterprise"
    token_id: Mapped[int] = mapped_column(
        ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True
    )


class LoginSession(Base):
    """A browser session: the cookie holds a random token, the store its SHA-256."""

    __tablename__ = "login_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ip: Mapped[str | None] = mapped_column(String(64))


class LoginFailure(Base):
    """A failed login, kept for throttling (by user name and by client address)."""

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str | None] = mapped_column(String(64), index=True)
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class LedgerEntry(Base):
    """A monthly ledger figure entered by hand (fuel bought by the tonne, stocks, green
    certificates, green-power contracts, output), with who entered it and when.

    ``enterprise_id`` None: a park-level figure. One row per (park, enterprise, month,
    carrier, kind); entering it again replaces the value and the who/when.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint(_in("kind", ENTRY_KINDS), name="kind"),
        Index("ix_ledger_entry_month", "park_id", "month"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    month: Mapped[str] = mapped_column(String(7))  # "YYYY-MM", park zone
    carrier: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[float] = mapped_column(Float)  # in ``unit``
    unit: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str | None] = mapped_column(String(64))
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class FactorVersion(Base):
    """A user's version of a coefficient or emission factor, overriding the shipped table.

    ``kind`` electricity (``key`` calibre/area, by data ``year``), fuel (``key`` the fuel),
    purchased (heat), coal (``key`` the GB/T 2589 row/basis) or heating_value (an
    enterprise's measured heating value: ``key`` credit_code/carrier). Rows are never deleted: a
    change supersedes the version in force (``superseded_at``) and adds a new one.
    """

    __tablename__ = "factor_version"
    __table_args__ = (
        CheckConstraint(_in("kind", FACTOR_KINDS), name="kind"),
        Index("ix_factor_version_key", "kind", "key", "year"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    year: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)  # in ``unit``
    unit: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    superseded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class EnergyTarget(Base):
    """A yearly energy (tce) or carbon (tCO2) budget of an enterprise or of the park
    (``enterprise_id`` None)."""

    __tablename__ = "energy_target"
    __table_args__ = (CheckConstraint(_in("quantity", TARGET_QUANTITIES), name="quantity"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE")
    )
    year: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[str] = mapped_column(String(8))
    budget: Mapped[float] = mapped_column(Float)  # [t] of tce or tCO2
    set_by: Mapped[str | None] = mapped_column(String(64))
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LedgerReport(Base):
    """A ledger report issued (``greenpark ledger report``): its period, totals and the
    factors it used, so a later factor change can name the reports it affects."""

    __tablename__ = "ledger_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    totals: Mapped[dict[str, Any]] = mapped_column(JSON)
    factors: Mapped[list[str]] = mapped_column(JSON)  # "kind:key:year" of every factor used


class DispatchRun(Base):
    """A day-ahead schedule of the station (``greenpark dispatch day-ahead``): its totals
    against the rule-based baseline, and the schedule itself (``schedule``: step times and
    flows [MW] by component and bus, storage levels), for the Energy station page and the
    ledger's projected figures."""

    __tablename__ = "dispatch_run"
    __table_args__ = (Index("ix_dispatch_run_day", "park_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    cost: Mapped[float | None] = mapped_column(Float)  # [CNY]
    baseline_cost: Mapped[float | None] = mapped_column(Float)  # [CNY]
    tco2: Mapped[float | None] = mapped_column(Float)  # [t]
    baseline_tco2: Mapped[float | None] = mapped_column(Float)  # [t]
    grid_kwh: Mapped[float | None] = mapped_column(Float)  # [kWh]
    gas_m3: Mapped[float | None] = mapped_column(Float)  # [m³]
    tce: Mapped[float | None] = mapped_column(Float)  # [t]
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON)


class EvaluationEntry(Base):
    """An evaluation indicator value entered by hand (one no data of the platform gives:
    green-building share, planning documents, bus-stop coverage...), with its evidence and
    who entered it when (``greenpark.evaluation.entries``).

    ``indicator`` is the catalogue id within ``scheme`` (the ``load_scheme`` name) and
    ``value`` is in ``unit``, the catalogue row's unit (0/1 for pass items). ``evidence``
    names a document, URL or file; ``evidence_sha256`` is the SHA-256 of an attached file
    (its bytes in :class:`EvaluationEvidence` when it was given as a file). One row per
    (park, scheme, indicator, year); entering it again replaces the value (the audit log
    keeps the old one).
    """

    __tablename__ = "evaluation_entry"
    __table_args__ = (UniqueConstraint("park_id", "scheme", "indicator", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"))
    scheme: Mapped[str] = mapped_column(String(64))
    indicator: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)  # in ``unit``
    unit: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[str] = mapped_column(Text)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str | None] = mapped_column(String(64))
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class EvaluationEvidence(Base):
    """An evidence file of the values entered by hand, stored as its bytes
    (``greenpark.store.evaluation.put_evidence``), keyed by its SHA-256 (64 lower-case hex
    digits) within the park: the same bytes are stored once per park, and an entry's
    ``evidence_sha256`` names the file it rests on. ``size`` is in bytes (at most
    ``greenpark.store.evaluation.MAX_EVIDENCE_BYTES``).
    """

    __tablename__ = "evaluation_evidence"
    park_id: Mapped[int] = mapped_column(
        ForeignKey("park.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)  # bytes
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str | None] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


# --- sponge city (greenpark.evaluation.sponge, GB/T 51345-2018) ---------------------------


class SpongeCatchment(Base):
    """A catchment (汇水分区) of the park: its area [m²] and composite runoff coefficient
    (综合雨量径流系数) [-]; its facilities hold the capture volume (:class:`SpongeFacility`)."""

    __tablename__ = "catchment"
    __table_args__ = (
        CheckConstraint("area_m2 > 0", name="area_m2"),
        CheckConstraint(
            "runoff_coefficient > 0 AND runoff_coefficient <= 1", name="runoff_coefficient"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    area_m2: Mapped[float] = mapped_column(Float)  # [m²]
    runoff_coefficient: Mapped[float] = mapped_column(Float)  # [-]
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)


class SpongeFacility(Base):
    """A sponge-city facility of a catchment with its effective capture volume (有效调蓄容积)
    [m³]; ``in_service_from`` None: in service in every year."""

    __tablename__ = "sponge_facility"
    __table_args__ = (
        CheckConstraint(_in("kind", SPONGE_FACILITY_KINDS), name="kind"),
        CheckConstraint("capture_volume_m3 >= 0", name="capture_volume_m3"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    catchment_id: Mapped[int] = mapped_column(
        ForeignKey("catchment.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    capture_volume_m3: Mapped[float] = mapped_column(Float)  # [m³]
    in_service_from: Mapped[dt.date | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)


class RainfallDay(Base):
    """The park's rainfall on one park-local calendar day [mm] and where the value comes
    from (a gauge, the meteorological bureau, a synthetic demo series). One row per
    (park, day); importing the day again replaces it."""

    __tablename__ = "rainfall_day"
    __table_args__ = (
        UniqueConstraint("park_id", "day"),
        CheckConstraint("rain_mm >= 0", name="rain_mm"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("park.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column()
    rain_mm: Mapped[float] = mapped_column(Float)  # [mm]
    source: Mapped[str] = mapped_column(Text, default="")


class AuditEvent(Base):
    """Who did what, when, to what, from where."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))
