"""Reader for ``tests/data/hj212/hj212_samples.txt`` (one frame line, one ``#`` line)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SAMPLES_FILE = Path(__file__).parents[1] / "data" / "hj212" / "hj212_samples.txt"


@dataclass
class Sample:
    frame: bytes
    category: str
    expected: dict[str, str]
    fields: list[tuple[str, str]] | None  # None when the comment elides some ("...")
    reply: bytes | None
    line: int = 0
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"L{self.line}-{self.category}"


def load_samples() -> list[Sample]:
    lines = SAMPLES_FILE.read_text(encoding="utf-8").splitlines()
    out = []
    for i, line in enumerate(lines):
        if not line.startswith("##"):
            continue
        comment = lines[i + 1]
        parts = [p.strip() for p in comment[1:].split(" | ")]
        category = re.fullmatch(r"\[([a-z-]+)\]", parts[0]).group(1)
        expected: dict[str, str] = {}
        fields = None
        reply = None
        for p in parts[1:]:
            if p.startswith("fields:"):
                body = re.sub(r"^fields: \(\d+ fields\) ", "", p)
                toks = body.split(" ")
                if "..." not in toks:
                    fields = [tuple(t.split("=", 1)) for t in toks]
            elif p.startswith("reply: ##"):
                reply = p[len("reply: ") :].encode("utf-8") + b"\r\n"
            elif p.startswith("(ver="):
                for kv in p.strip("()").split(","):
                    k, v = kv.split("=")
                    expected[k] = v
            elif re.fullmatch(r"(QN|ST|CN|PW|MN|Flag|PNUM|PNO|DataTime)=.*", p):
                k, v = p.split("=", 1)
                expected[k] = v
        out.append(Sample(line.encode("utf-8") + b"\r\n", category, expected, fields, reply, i + 1))
    return out
