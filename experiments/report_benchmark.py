"""How long ``kleinstadt report`` takes: the target is a 3-policy, 20-seed, 20-year report on
the 12,000-resident peripheral town in at most 5 minutes on 2 cores.

    python experiments/report_benchmark.py                  # the target case
    python experiments/report_benchmark.py --seeds 4 --years 10 --jobs 2

Prints the wall time of the whole command (runs and document) and the CPU time it used (this
process and its workers). On a machine shared with other work the wall time grows; the CPU
time does not, and CPU time / jobs is what the runs take on otherwise idle cores.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--town", default="peripheral")
    parser.add_argument(
        "--policies", default="baseline,r4_municipal_resources,broadband", help="comma-separated"
    )
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    from sim.report import main as report

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        status = report(
            [
                f"town={args.town}",
                f"policies=[{args.policies}]",
                f"seeds={args.seeds}",
                f"years={args.years}",
                f"jobs={args.jobs}",
                f"out={out}",
            ]
        )
        wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
        size = (out / "report.html").stat().st_size if status == 0 else 0
    runs = len(args.policies.split(",")) * args.seeds
    print(
        f"report: {args.town}, {runs} runs of {args.years} years on {args.jobs} processes: "
        f"wall {wall:.0f} s, CPU {cpu:.0f} s (CPU / jobs {cpu / args.jobs:.0f} s), "
        f"report.html {size / 1e6:.1f} MB"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
