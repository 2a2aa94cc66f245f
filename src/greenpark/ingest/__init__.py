"""HJ 212 ingestion: the asyncio TCP server, the station simulator and packet-to-row rules.

``greenpark serve`` and ``greenpark demo`` start :class:`IngestServer` beside the web
server; the protocol itself is the sans-I/O :mod:`greenpark.hj212`.
"""

from greenpark.ingest.rows import measurement_rows, parameter_name
from greenpark.ingest.server import IngestConfig, IngestServer
from greenpark.ingest.stats import IngestStats

__all__ = ["IngestConfig", "IngestServer", "IngestStats", "measurement_rows", "parameter_name"]
