"""Counters of the HJ 212 server, kept in memory and shown at ``/api/ingest/stats``."""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: How many recent latencies the percentiles are taken over.
WINDOW = 20_000


def percentiles(samples: Iterable[float]) -> dict[str, float | None]:
    """p50, p99 and max of ``samples`` rounded to 0.01 (None when there are none)."""
    samples = list(samples)
    if not samples:
        return {"p50": None, "p99": None, "max": None}
    a = np.fromiter(samples, dtype=float)
    p50, p99 = np.percentile(a, [50, 99])
    return {
        "p50": round(float(p50), 2),
        "p99": round(float(p99), 2),
        "max": round(float(a.max()), 2),
    }


@dataclass
class IngestStats:
    """Everything the server counts since it started.

    Latencies are in milliseconds: ``commit`` is one group commit, ``ack`` the time from
    a packet's last byte read to its acknowledgement written.
    """

    started: float = field(default_factory=time.time)
    connections_open: int = 0
    connections_total: int = 0
    closed: Counter[str] = field(default_factory=Counter)
    bytes_in: int = 0
    packets: Counter[str] = field(default_factory=Counter)  # by CN
    refused: Counter[str] = field(default_factory=Counter)  # by reason
    lenient: Counter[str] = field(default_factory=Counter)  # by leniency
    duplicates: int = 0
    acks: int = 0
    rows_written: int = 0
    items_skipped: int = 0
    commits: int = 0
    commit_errors: int = 0
    keys_rotated: int = 0
    commit_ms: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW))
    ack_ms: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready snapshot."""
        return {
            "uptime_s": round(time.time() - self.started, 1),
            "connections": {
                "open": self.connections_open,
                "total": self.connections_total,
                "closed": dict(self.closed),
            },
            "bytes_in": self.bytes_in,
            "packets_ok": sum(self.packets.values()),
            "packets_by_cn": dict(sorted(self.packets.items())),
            "refused": sum(self.refused.values()),
            "refused_by_reason": dict(sorted(self.refused.items())),
            "lenient": dict(sorted(self.lenient.items())),
            "duplicates": self.duplicates,
            "acks": self.acks,
            "rows_written": self.rows_written,
            "items_skipped": self.items_skipped,
            "commits": self.commits,
            "commit_errors": self.commit_errors,
            "keys_rotated": self.keys_rotated,
            "commit_latency_ms": percentiles(self.commit_ms),
            "ack_latency_ms": percentiles(self.ack_ms),
        }
