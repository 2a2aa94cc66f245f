"""Benchmark: the DCPARK-1 tiers with greenpark.dispatch (and PyPSA side by side).

Each tier runs in fresh processes (median of ``--repeat``, default 3), HiGHS with threads=1
and random_seed=0; printed per tier: objective and its relative error against the
reference (shared/reference/dispatch.md section 4.5), import / read / build / solve /
results seconds, whole-process seconds and peak memory. When a PyPSA environment is given
(``--pypsa /tmp/pypsa-venv/bin/python``, never a dependency of greenpark) the same tiers run
through ``benchmarks/dcpark1/pypsa_dcpark1.py`` in the same run, for the ratios.

    python benchmarks/dispatch.py [--tiers D96-LP,Y8760-LP] [--repeat 3] [--pypsa PYTHON]

Targets (issue 7, this 2-core machine): D96-LP whole process <= 0.3 s; Y8760-LP whole
process <= 2.5 s and <= 400 MiB; Y8760-UC within 1.5x of HiGHS's own time; Y8760-PLAN
faster than PyPSA; representative days within 2 % of the full sizing in <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent / "dcpark1"

#: Tier → (problem file, reference objective [CNY], MIP gap).
TIERS: dict[str, tuple[str, float, float]] = {
    "D96-LP": ("d96_lp.toml", 214_774.4858, 1e-4),
    "D96-UC": ("d96_uc.toml", 218_192.9470, 0.005),
    "Y8760-LP": ("y8760_lp.toml", 76_120_986.893, 1e-4),
    "Y8760-CAP": ("y8760_cap.toml", 72_978_850.642, 1e-4),
    "Y8760-UC": ("y8760_uc.toml", 77_187_770.88, 0.005),
    "Y8760-PLAN": ("y8760_plan.toml", 72_073_729.722, 1e-4),
    "Y8760-PLAN_D": ("y8760_plan_d.toml", 83_058_072.186, 1e-4),
    # 16 representative days, storage linked over the year: within 2 % of Y8760-PLAN
    "Y8760-PLAN-RD16": ("y8760_plan.toml", 72_073_729.722, 0.02),
}

#: One run in a fresh process: phases timed from the interpreter's start.
CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from pathlib import Path
from greenpark.dispatch import SolveOptions, read_problem, solve
t1 = time.perf_counter()
p = read_problem(Path(sys.argv[1]))
if len(sys.argv) > 3:
    from greenpark.dispatch.represent import representative_days
    p = representative_days(p, int(sys.argv[3]))
t2 = time.perf_counter()
r = solve(p, SolveOptions(mip_gap=float(sys.argv[2])))
t3 = time.perf_counter()
print(json.dumps({"status": r.status, "objective": r.objective, "bound": r.bound,
    "gap": r.gap, "import_s": t1 - t0, "read_s": t2 - t1, **r.times,
    "in_process_s": t3 - t0,
    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(cmd: list[str]) -> tuple[dict[str, float], float]:
    import time

    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-2000:])
        raise SystemExit(f"failed: {' '.join(cmd[:3])}")
    line = [s for s in done.stdout.splitlines() if s.startswith("{")][-1]
    return json.loads(line), wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tiers", default="D96-LP,D96-UC,Y8760-LP,Y8760-CAP,Y8760-UC")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pypsa", default=None, help="Python of an environment with PyPSA.")
    args = ap.parse_args()
    ok = True
    for tier in args.tiers.split(","):
        file, ref, gap = TIERS[tier]
        extra = [tier.rsplit("-RD", 1)[1]] if "-RD" in tier else []
        runs = [
            _run([sys.executable, "-c", CHILD, str(HERE / file), str(gap), *extra])
            for _ in range(args.repeat)
        ]
        walls = [w for _, w in runs]
        med = statistics.median(walls)
        first = runs[walls.index(med)][0]
        rel = (first["objective"] - ref) / ref if first["objective"] else float("nan")
        tol = 1e-6 if gap < 1e-3 else gap  # MIP gap, or the representative days' 2 %
        good = first["status"] == "optimal" and abs(rel) <= tol
        ok &= good
        print(
            f"{tier:<13} objective {first['objective']:>18,.4f}  rel {rel:+.2e} "
            f"({'ok' if good else 'FAIL'}, tol {tol:g})"
        )
        print(
            f"{'':13} process {med:6.3f} s (median of {len(walls)}); import "
            f"{first['import_s']:.3f}, read {first['read_s']:.3f}, build {first['build_s']:.3f}"
            f", solve {first['solve_s']:.3f}, results {first['results_s']:.3f} s; peak "
            f"{first['peak_mib']:.0f} MiB"
        )
        if args.pypsa and "-RD" not in tier:
            pruns = [_run([args.pypsa, str(HERE / "pypsa_dcpark1.py"), tier])
                     for _ in range(args.repeat)]  # fmt: skip
            pwalls = [w for _, w in pruns]
            pmed = statistics.median(pwalls)
            pdata = pruns[pwalls.index(pmed)][0]
            print(
                f"{'':13} PyPSA   {pmed:6.3f} s, objective {pdata.get('objective', 0):,.4f}; "
                f"greenpark / PyPSA = {med / pmed:.2f}"
            )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
