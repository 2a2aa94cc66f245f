"""From a parsed HJ 212 upload to measurement rows (pure functions, no I/O).

Naming in the ``measurement`` table (one series per station and parameter):

- hourly data (CN=2061), ``-Avg``: the bare code, e.g. ``a34004``: the series the
  environment judgements read (AQI, water class); the hourly noise level ``Leq-Data``:
  ``LAeq`` (:data:`HOURLY_ALIASES`);
- every other numeric item: ``<code>-<suffix>/<CN>``, e.g. ``a34004-Rtd/2011`` (real-time),
  ``a34004-Avg/2051`` (minute), ``a34004-Max/2061``, ``w01018-Cou/2031`` (daily);
- the item ``<code>-Flag`` is the data flag of every row of that code in the packet.

Values are stored as sent (the station's unit, HJ 212-2017 Appendix B); items that are not
numbers (``-Info`` text, ``-SampleTime``) are counted as skipped, never guessed at.
HJ/T 212-2005 codes are mapped to the 2017 codes by ST (``map_2005_code``); an old code
without a mapping is stored verbatim.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from math import isfinite

from greenpark.hj212.codes import ST_TABLES, map_2005_code
from greenpark.hj212.packet import Packet, PacketError, Version

#: Commands whose CP holds measurements, and the ``source`` written with their rows.
DATA_CNS = {"2011": "real-time", "2051": "minute", "2061": "hour", "2031": "day"}

#: System code (ST) of each station kind (HJ 212-2017 table 5).
ST_BY_KIND = {
    "ambient_air": "22",
    "surface_water": "21",
    "wastewater_inlet": "32",
    "wastewater_outlet": "32",
    "noise": "23",
}

#: Station kind for an auto-registered MN, by its ST (HJ 212-2017 table 5).
KIND_BY_ST = {
    "21": "surface_water",
    "22": "ambient_air",
    "23": "noise",
    "32": "wastewater_outlet",
}

#: Suffixes whose values are numerals but no measurement: a time, an instrument id and the
#: extended instrument flag (HJ 212-2017 table 4: ``-SampleTime`` N14, ``-SN`` C24,
#: ``-EFlag`` C4).
NOT_VALUES = frozenset({"SampleTime", "SN", "EFlag"})

#: Longest parameter name the store keeps (``measurement.parameter``) [characters].
MAX_PARAMETER = 32

Row = tuple[int, str, dt.datetime, float | None, str, str]


@dataclass(frozen=True, slots=True)
class Rows:
    """Rows of one packet, and the items left out (with why)."""

    rows: list[Row]
    skipped: int


#: Hourly items stored under another name: the hourly noise level ``Leq-Data`` (HJ 212-2017
#: table B.3 and C.26; noise has no ``-Avg``) is the store's hourly ``LAeq`` (GB 3096-2008),
#: the parameter the environment judgements read.
HOURLY_ALIASES = {("Leq", "Data"): "LAeq"}


def parameter_name(code: str, suffix: str, cn: str) -> str:
    """The store's parameter name of an item (see the module docstring)."""
    if cn == "2061":
        if suffix == "Avg":
            return code
        alias = HOURLY_ALIASES.get((code, suffix))
        if alias is not None:
            return alias
    return f"{code}-{suffix}/{cn}"


def measurement_rows(packet: Packet, station_id: int, timezone: str) -> Rows:
    """Measurement rows of a data upload (CN 2011, 2051, 2061, 2031).

    Parameters
    ----------
    packet : Packet
        The upload.
    station_id : int
        The station's id in the store.
    timezone : str
        The station's IANA zone; DataTime is read in it (HJ 212-2017 table 4) and the
        rows carry UTC.

    Raises
    ------
    PacketError
        No DataTime, or a DataTime that is not a valid 14/17-digit time.
    """
    cn = packet.cn or ""
    when = packet.data_time(timezone)
    if when is None:
        raise PacketError(f"CN={cn} upload without DataTime")
    try:
        when = when.astimezone(dt.UTC)
    except OverflowError:
        raise PacketError(f"DataTime {when:%Y%m%d%H%M%S} is out of range in UTC") from None
    old = packet.version == Version.HJ212_2005 and packet.st in ST_TABLES
    source = f"hj212:{cn}"
    hourly = cn == "2061"
    found: list[tuple[str, str, str | None]] = []
    flags: dict[str, str] = {}
    skipped = 0
    for group in packet.cp:
        for key, value in group:
            code, sep, suffix = key.rpartition("-")
            if not sep:
                if key != "DataTime":
                    skipped += 1
                continue
            if old:
                code = map_2005_code(code, packet.st) or code  # type: ignore[arg-type]
            if suffix == "Flag":
                flags[code] = value or "N"
            elif suffix in NOT_VALUES:
                skipped += 1
            else:
                found.append((code, suffix, value))
    rows: list[Row] = []
    append = rows.append
    for code, suffix, text in found:
        try:
            value = float(text)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            skipped += 1
            continue
        if not isfinite(value):
            skipped += 1
            continue
        if hourly and suffix == "Avg":
            name = code
        else:
            name = parameter_name(code, suffix, cn)
        if len(name) > MAX_PARAMETER:
            skipped += 1
            continue
        append((station_id, name, when, value, flags.get(code, "N")[:8], source))
    return Rows(rows, skipped)
