"""The components of a multi-energy station problem (pure data, checked before building).

Units: power in MW, energy in MWh, money in the problem's currency (CNY), emissions in tCO2,
time in hours. numpy only (no pandas): a day-ahead run must start, solve and answer in a
fraction of a second. A time-varying value is a float (constant) or an array with one value per
step. Sign conventions (``docs/dispatch.md``): every flow variable is >= 0; a source injects
into its bus, a sink and a load withdraw; a converter withdraws from its input buses and
injects into its output buses; a storage withdraws when charging and injects when
discharging.

Components:

- :class:`Bus`: a node where one carrier balances every step;
- :class:`Source`: grid import, gas supply, PV (availability x capacity, curtailable);
- :class:`Sink`: export (negative price = revenue), a heat dump (the surplus outlet that keeps
  a fixed-ratio CHP from making the problem infeasible);
- :class:`Load`: a fixed demand;
- :class:`Converter`: N inputs x M outputs with ratios (time-varying allowed) relative to a
  reference port that carries its capacity and costs; optional unit commitment
  (:class:`Commitment`) and part-load offsets;
- :class:`Storage`: power and energy ratings, charge/discharge efficiencies, standing loss,
  cyclic or given initial level;
- :class:`Extend`: planning (sizing) data of a source, converter or storage.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, TypeAlias

import numpy as np
from numpy.typing import NDArray

from greenpark.errors import InputError

__all__ = [
    "Bus",
    "Commitment",
    "Converter",
    "Extend",
    "Load",
    "Periods",
    "Problem",
    "Series",
    "Sink",
    "Source",
    "Storage",
    "annuity",
]

#: A value that may vary with time: one number, or one number per step.
Series: TypeAlias = float | NDArray[np.float64]

#: Hours of a year, for scaling annuities to the horizon [h].
HOURS_PER_YEAR: Final[float] = 8760.0


def annuity(capex: float, lifetime: float, rate: float, fom: float = 0.0) -> float:
    """Yearly cost of one unit of capacity: capex x (CRF(rate, lifetime) + fom).

    CRF = r (1 + r)^n / ((1 + r)^n - 1), or 1/n when r = 0.

    Parameters
    ----------
    capex : float
        Investment per unit of capacity [currency/MW or /MWh].
    lifetime : float
        Economic lifetime [a].
    rate : float
        Discount rate [-/a].
    fom : float
        Fixed operation and maintenance, as a share of capex per year [-/a].

    Examples
    --------
    >>> round(annuity(1000.0, 20, 0.06), 4)  # CRF(6 %, 20 a) = 0.0871846
    87.1846
    """
    if lifetime <= 0:
        raise InputError(f"lifetime {lifetime} must be > 0")
    if rate == 0:
        crf = 1.0 / lifetime
    else:
        g = (1.0 + rate) ** lifetime
        crf = rate * g / (g - 1.0)
    return capex * (crf + fom)


@dataclass(frozen=True)
class Extend:
    """Sizing data: the capacity becomes a decision between ``min`` and ``max``.

    Attributes
    ----------
    capex : float
        Investment per MW of the reference capacity [currency/MW].
    capex_energy : float
        Storage only: investment per MWh of energy capacity [currency/MWh] (with the
        storage's fixed ``hours``, added to ``capex`` as ``hours x capex_energy`` per MW).
    lifetime : float
        [a].
    fom : float
        Fixed O&M as a share of capex per year [-/a].
    rate : float or None
        Discount rate [-/a]; None: the problem's.
    min, max : float
        Bounds of the capacity [MW]; ``max`` may be ``inf``.
    """

    capex: float = 0.0
    capex_energy: float = 0.0
    lifetime: float = 20.0
    fom: float = 0.0
    rate: float | None = None
    min: float = 0.0
    max: float = math.inf


@dataclass(frozen=True)
class Bus:
    """A node where one carrier balances every step."""

    name: str
    carrier: str = ""


@dataclass(frozen=True)
class Source:
    """Energy bought or harvested into ``bus``.

    Attributes
    ----------
    capacity : float
        Rated power [MW] (the fixed capacity; the existing one when extendable).
    availability : Series
        Per-unit availability (PV profile); the flow is at most ``availability x capacity``.
    p_min : Series
        Per-unit minimum flow [-].
    price : Series
        Cost per MWh [currency/MWh].
    emission : float
        Emission factor [tCO2/MWh]; priced at the carbon price and counted in the cap.
    curtailable : bool
        False: the flow equals ``availability x capacity`` (must-take).
    demand_charge : float
        Two-part tariff: cost per MW of each calendar month's peak flow [currency/MW].
    """

    name: str
    bus: str
    capacity: float = math.inf
    availability: Series = 1.0
    p_min: Series = 0.0
    price: Series = 0.0
    emission: float = 0.0
    curtailable: bool = True
    demand_charge: float = 0.0
    extend: Extend | None = None


@dataclass(frozen=True)
class Sink:
    """Energy leaving ``bus``: export (``price`` < 0 is revenue) or a dump (surplus heat to a
    cooling tower, optional cost)."""

    name: str
    bus: str
    capacity: float = math.inf
    price: Series = 0.0


@dataclass(frozen=True)
class Load:
    """A fixed demand on ``bus`` [MW]."""

    name: str
    bus: str
    p: Series


@dataclass(frozen=True)
class Commitment:
    """Unit commitment of a converter (makes the problem a MILP).

    Attributes
    ----------
    min_load : float
        Minimum flow while on, per unit of capacity [-].
    start_cost : float
        Per start [currency].
    no_load_cost : float
        Per hour committed [currency/h].
    min_up, min_down : float
        Minimum up and down time [h], rounded up to whole steps.
    initial_status : int
        1: on before the horizon; 0: off (and long enough off to start at once).
    ramp_up, ramp_down : float or None
        Per-unit change per hour while running [-/h]; None: free.
    """

    min_load: float = 0.0
    start_cost: float = 0.0
    no_load_cost: float = 0.0
    min_up: float = 0.0
    min_down: float = 0.0
    initial_status: int = 0
    ramp_up: float | None = None
    ramp_down: float | None = None


@dataclass(frozen=True)
class Converter:
    """N inputs x M outputs, flows proportional to the reference port's flow.

    Attributes
    ----------
    inputs, outputs : mapping of bus to Series
        Ratio of each port's flow to the reference port's (the reference port's own ratio
        may be any number; the flows are ``ratio_port / ratio_ref x x``). Time-varying
        ratios (a chiller's COP by temperature) are arrays.
    ref : str
        The bus of the port whose flow ``x`` [MW] carries the capacity and the costs.
    capacity : float
        Rated flow at the reference port [MW].
    p_max : Series
        Per-unit maximum (derating) [-].
    p_min : Series
        Per-unit minimum [-] (with a commitment: while on).
    vom : float
        Variable O&M per MWh at the reference port [currency/MWh].
    offsets : mapping of bus to float
        Part-load efficiency by an offset line: the port's flow gets ``offset x capacity``
        per step committed (oemof's OffsetConverter), so flow = slope x x + intercept x u x
        capacity; needs ``commitment``.
    commitment : Commitment or None
    extend : Extend or None
    """

    name: str
    inputs: Mapping[str, Series]
    outputs: Mapping[str, Series]
    ref: str
    capacity: float = math.inf
    p_max: Series = 1.0
    p_min: Series = 0.0
    vom: float = 0.0
    offsets: Mapping[str, float] = field(default_factory=dict)
    commitment: Commitment | None = None
    extend: Extend | None = None

    def ports(self) -> dict[str, tuple[int, Series]]:
        """Bus → (sign, ratio to the reference port): -1 for inputs, +1 for outputs."""
        ref = {**self.inputs, **self.outputs}[self.ref]
        out: dict[str, tuple[int, Series]] = {}
        for sign, side in ((-1, self.inputs), (1, self.outputs)):
            for bus, ratio in side.items():
                out[bus] = (sign, np.asarray(ratio, dtype=float) / np.asarray(ref, dtype=float))
        return out


@dataclass(frozen=True)
class Storage:
    """Energy stored on ``bus``.

    Attributes
    ----------
    power : float
        Charge and discharge rating [MW].
    hours : float or None
        Energy capacity as hours of ``power`` [h]; or give ``energy``.
    energy : float or None
        Energy capacity [MWh] (fixed capacity only).
    eta_charge, eta_discharge : float
        Efficiencies [-].
    standing_loss : float
        Share of the level lost per hour [-/h].
    cyclic : bool
        The level at the end equals the level before the first step (free).
    initial : float
        Level before the first step when not cyclic, per unit of the energy capacity [-].
    discharge_cost : float
        Per MWh discharged [currency/MWh].
    """

    name: str
    bus: str
    power: float = 0.0
    hours: float | None = None
    energy: float | None = None
    eta_charge: float = 1.0
    eta_discharge: float = 1.0
    standing_loss: float = 0.0
    cyclic: bool = True
    initial: float = 0.0
    discharge_cost: float = 0.0
    extend: Extend | None = None

    @property
    def energy_capacity(self) -> float:
        """Energy capacity of the fixed rating [MWh]."""
        if self.energy is not None:
            return self.energy
        return self.power * (self.hours or 0.0)


@dataclass(frozen=True)
class Periods:
    """Representative days (:func:`greenpark.dispatch.represent.representative_days`).

    Attributes
    ----------
    steps : int
        Steps per representative day.
    order : ndarray of int
        For each day of the full horizon, in order, the index of the representative day
        that stands for it; storage levels are linked across this sequence.
    day_hours : float
        Length of a day [h] (the standing loss between days).
    day_month : ndarray of int or None
        Calendar month (year x 12 + month) of each day of ``order``, for demand charges:
        a month's peak covers every representative day that stands for one of its days.
    """

    steps: int
    order: NDArray[np.int64]
    day_hours: float = 24.0
    day_month: NDArray[np.int64] | None = None


@dataclass
class Problem:
    """A dispatch (or sizing) problem over ``snapshots``.

    Attributes
    ----------
    snapshots : ndarray of datetime64
        Step starts (local time of the station, naive).
    weights : ndarray
        Length of each step [h].
    carbon_price : float
        [currency/tCO2], added to each source's price x emission.
    carbon_cap : float or None
        Cap on the horizon's emissions [tCO2].
    rate : float
        Discount rate for annuities [-/a].
    """

    name: str
    snapshots: NDArray[np.datetime64]
    weights: NDArray[np.float64]
    buses: list[Bus] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    sinks: list[Sink] = field(default_factory=list)
    loads: list[Load] = field(default_factory=list)
    converters: list[Converter] = field(default_factory=list)
    storages: list[Storage] = field(default_factory=list)
    carbon_price: float = 0.0
    carbon_cap: float | None = None
    rate: float = 0.06
    currency: str = "CNY"
    repeat: NDArray[np.float64] | None = None
    periods: Periods | None = None

    @property
    def steps(self) -> int:
        """Number of steps."""
        return len(self.snapshots)

    @property
    def multiplier(self) -> NDArray[np.float64]:
        """Weight of each step in costs, emissions and energy totals [h]: its length times
        how many steps it stands for (``repeat``; representative days)."""
        w = np.asarray(self.weights, dtype=float)
        return w if self.repeat is None else w * np.asarray(self.repeat, dtype=float)

    def check(self) -> None:
        """Check the problem before building it.

        Raises
        ------
        InputError
            Naming the component and the field at fault: an unknown bus, a series of the
            wrong length, a NaN, a negative rating, an efficiency outside (0, 1], a
            reference port that is not a port, offsets or ramps without a commitment, a
            duplicate name, a bus with nothing that can balance it.
        """
        n = self.steps
        if n == 0:
            raise InputError(f"{self.name}: no time steps")
        w = np.asarray(self.weights, dtype=float)
        if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise InputError(f"{self.name}: weights must be {n} positive numbers [h]")
        buses = {b.name for b in self.buses}
        if len(buses) != len(self.buses):
            seen: set[str] = set()
            twice = sorted({b.name for b in self.buses if b.name in seen or seen.add(b.name)})
            raise InputError(f"{self.name}: bus name(s) {twice} used twice")
        names: set[str] = set()

        def where(kind: str, name: str, fld: str) -> str:
            return f"{kind} {name!r}, field {fld!r}"

        def series(kind: str, name: str, fld: str, value: Series, lo: float | None = None) -> None:
            a = np.asarray(value, dtype=float)
            if a.ndim not in (0, 1) or (a.ndim == 1 and a.shape[0] != n):
                raise InputError(f"{where(kind, name, fld)}: {a.shape[0]} values for {n} steps")
            if not np.all(np.isfinite(a)):
                raise InputError(f"{where(kind, name, fld)}: not a number (NaN or inf)")
            if lo is not None and np.any(a < lo):
                raise InputError(f"{where(kind, name, fld)}: must be >= {lo}")

        def bus(kind: str, name: str, fld: str, b: str) -> None:
            if b not in buses:
                raise InputError(f"{where(kind, name, fld)}: no bus {b!r}; buses: {sorted(buses)}")

        def unique(kind: str, name: str) -> None:
            if name in names:
                raise InputError(f"{kind} {name!r}: the name is used twice")
            names.add(name)

        def rating(kind: str, name: str, fld: str, v: float) -> None:
            if math.isnan(v) or v < 0:
                raise InputError(f"{where(kind, name, fld)}: {v} must be >= 0")

        touched: set[str] = set()
        for s in self.sources:
            unique("source", s.name)
            bus("source", s.name, "bus", s.bus)
            rating("source", s.name, "capacity", s.capacity)
            series("source", s.name, "availability", s.availability, 0.0)
            series("source", s.name, "p_min", s.p_min, 0.0)
            series("source", s.name, "price", s.price)
            touched.add(s.bus)
        for k in self.sinks:
            unique("sink", k.name)
            bus("sink", k.name, "bus", k.bus)
            rating("sink", k.name, "capacity", k.capacity)
            series("sink", k.name, "price", k.price)
        for ld in self.loads:
            unique("load", ld.name)
            bus("load", ld.name, "bus", ld.bus)
            series("load", ld.name, "p", ld.p)
        for c in self.converters:
            unique("converter", c.name)
            ports = {**c.inputs, **c.outputs}
            both = sorted(set(c.inputs) & set(c.outputs))
            if both:
                raise InputError(f"converter {c.name!r}: bus {both[0]!r} is both an input and "
                                 "an output")  # fmt: skip
            if not ports:
                raise InputError(f"converter {c.name!r}: no inputs or outputs")
            if c.ref not in ports:
                raise InputError(
                    f"{where('converter', c.name, 'ref')}: {c.ref!r} is not one of its ports "
                    f"{sorted(ports)}"
                )
            for b, ratio in ports.items():
                bus("converter", c.name, f"ports.{b}", b)
                series("converter", c.name, f"ratio of {b}", ratio, 0.0)
            if np.any(np.asarray(ports[c.ref], dtype=float) <= 0):
                raise InputError(f"{where('converter', c.name, 'ref')}: its ratio must be > 0")
            rating("converter", c.name, "capacity", c.capacity)
            series("converter", c.name, "p_max", c.p_max, 0.0)
            series("converter", c.name, "p_min", c.p_min, 0.0)
            if c.offsets and c.commitment is None:
                raise InputError(f"{where('converter', c.name, 'offsets')}: need a commitment")
            for b in c.offsets:
                if b not in ports:
                    raise InputError(f"{where('converter', c.name, 'offsets')}: {b!r} not a port")
            if c.commitment is not None:
                if c.extend is not None:
                    raise InputError(
                        f"converter {c.name!r}: sizing and unit commitment together are not "
                        "supported; size first, then commit"
                    )
                if not math.isfinite(c.capacity):
                    raise InputError(f"{where('converter', c.name, 'capacity')}: a committed "
                                     "unit needs a finite capacity")  # fmt: skip
                if not 0 <= c.commitment.min_load <= 1:
                    raise InputError(f"{where('converter', c.name, 'min_load')}: 0 to 1")
                if c.commitment.initial_status not in (0, 1):
                    raise InputError(f"{where('converter', c.name, 'initial_status')}: 0 or 1")
            touched.update(c.outputs)
        for st in self.storages:
            unique("storage", st.name)
            bus("storage", st.name, "bus", st.bus)
            rating("storage", st.name, "power", st.power)
            for fld in ("eta_charge", "eta_discharge"):
                v = getattr(st, fld)
                if not 0 < v <= 1:
                    raise InputError(f"{where('storage', st.name, fld)}: {v} must be in (0, 1]")
            if not 0 <= st.standing_loss < 1:
                raise InputError(f"{where('storage', st.name, 'standing_loss')}: 0 to 1 per hour")
            if st.hours is None and st.energy is None:
                raise InputError(f"storage {st.name!r}: give hours or energy")
            for fld in ("hours", "energy"):
                v = getattr(st, fld)
                if v is not None:
                    rating("storage", st.name, fld, v)
            if st.extend is not None and st.hours is None:
                raise InputError(f"{where('storage', st.name, 'hours')}: sizing needs hours")
            if not 0 <= st.initial <= 1:
                raise InputError(f"{where('storage', st.name, 'initial')}: 0 to 1 of the energy")
            touched.add(st.bus)
        for ex_kind, items in (
            ("source", self.sources),
            ("converter", self.converters),
            ("storage", self.storages),
        ):
            for item in items:
                e = item.extend
                if e is None:
                    continue
                if e.lifetime <= 0 or e.capex < 0 or e.capex_energy < 0 or e.fom < 0:
                    raise InputError(f"{where(ex_kind, item.name, 'extend')}: capex, fom >= 0, "
                                     "lifetime > 0")  # fmt: skip
                if not 0 <= e.min <= e.max:
                    raise InputError(f"{where(ex_kind, item.name, 'extend')}: 0 <= min <= max")
        loaded = {ld.bus for ld in self.loads}
        for b in sorted(loaded - touched):
            raise InputError(f"bus {b!r}: it has a load and nothing that can supply it")
        if self.repeat is not None:
            series(self.name, "problem", "repeat", self.repeat, 0.0)
        if self.periods is not None:
            per = self.periods
            if per.steps <= 0 or n % per.steps:
                raise InputError(f"{self.name}: {n} steps are not whole days of {per.steps}")
            if len(per.order) == 0 or per.order.min() < 0 or per.order.max() >= n // per.steps:
                raise InputError(f"{self.name}: periods.order names days that do not exist")
            if any(c.commitment is not None for c in self.converters):
                raise InputError(f"{self.name}: representative days are for LPs (sizing "
                                 "scans); unit commitment needs the full horizon")  # fmt: skip
        if self.carbon_cap is not None and self.carbon_cap < 0:
            raise InputError(f"{self.name}: carbon_cap must be >= 0")
