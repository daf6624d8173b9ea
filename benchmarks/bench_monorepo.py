"""Time `preflight check` on a synthetic monorepo, side by side with deptry and a bare ast.parse.

Usage (from the repository root, with the dev environment installed):

    python benchmarks/bench_monorepo.py --size M --repeat 3

The monorepo comes from ../shared/bench/genmono.py (deterministic). Machines are shared and
noisy: compare the ratios printed for one run, never absolute seconds across runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"S": (5, 20), "M": (50, 100), "L": (200, 100)}
ROOT = Path(__file__).resolve().parent.parent
GENMONO = ROOT.parent / "shared" / "bench" / "genmono.py"
AST_ONLY = (
    "import ast, pathlib, sys\nfor p in pathlib.Path(sys.argv[1]).rglob('*.py'):\n    ast.parse(p.read_bytes())\n"
)


def run(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB and exit code of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(name: str, cmd: list[str], repeat: int) -> tuple[str, float, float]:
    """Median wall time and max RSS over `repeat` runs."""
    results = [run(cmd) for _ in range(repeat)]
    return name, statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> int:
    """Generate the monorepo, time each tool, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--genmono", type=Path, default=GENMONO)
    args = parser.parse_args()
    if not args.genmono.is_file():
        print(f"genmono.py not found at {args.genmono}", file=sys.stderr)  # noqa: T201
        return 2
    services, files = SIZES[args.size]
    work = Path(tempfile.mkdtemp(prefix="preflight-bench-"))
    tree = work / "mono"
    try:
        subprocess.run(
            [
                sys.executable,
                str(args.genmono),
                str(tree),
                "--services",
                str(services),
                "--files-per-service",
                str(files),
                "--seed",
                "1",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        bindir = Path(sys.executable).parent
        rows = [
            measure("preflight check", [str(bindir / "preflight"), "check", str(tree), "--format=json"], args.repeat),
            measure("preflight --version", [str(bindir / "preflight"), "--version"], args.repeat),
            measure("ast.parse every .py", [sys.executable, "-c", AST_ONLY, str(tree)], args.repeat),
        ]
        deptry = shutil.which("deptry") or (str(bindir / "deptry") if (bindir / "deptry").exists() else None)
        if deptry:
            rows.append(measure("deptry", [deptry, str(tree)], args.repeat))
        base = rows[2][1]
        print(f"size {args.size} ({services} services x {files} files), median of {args.repeat}")  # noqa: T201
        print(f"{'tool':<22} {'wall s':>8} {'x ast':>7} {'max RSS MiB':>12}")  # noqa: T201
        for name, wall, rss in rows:
            print(f"{name:<22} {wall:>8.2f} {wall / base:>7.2f} {rss:>12.0f}")  # noqa: T201
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
