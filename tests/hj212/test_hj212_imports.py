"""``import greenpark.hj212`` imports nothing beyond the standard library (and not cryptography)."""

from __future__ import annotations

import subprocess
import sys


def _third_party_after(stmt: str) -> set[str]:
    code = (
        f"import sys\n{stmt}\n"
        "print(','.join(sorted({m for m in {n.split('.')[0] for n in sys.modules} "
        "- set(sys.stdlib_module_names) if not m.startswith('_')})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(filter(None, out.stdout.strip().split(",")))


def test_hj212_imports_only_stdlib() -> None:
    baseline = _third_party_after("import greenpark")
    after = _third_party_after("import greenpark.hj212, greenpark.hj212.crypto")
    assert after - baseline == set()
    assert "cryptography" not in after
