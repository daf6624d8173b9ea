"""Record, or compare against a record, what `preflight check` prints on every project we have.

Used to prove that a restructuring changes no output: record before, compare after.

    python tools/output_snapshot.py record /tmp/before
    python tools/output_snapshot.py compare /tmp/before

Projects: each folder of `examples/`, every fixture case under `rules/`, and, when `../shared` is
present, each project of `../shared/corpus` and each tree of `../shared/realworld/trees`. Each is
checked in this process (JSON and text, cache off, default rule selection) from the repository root.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import sys
from pathlib import Path

from preflight.cli import main as preflight_main

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def projects() -> list[Path]:
    found = [p for p in sorted((ROOT / "examples").iterdir()) if p.is_dir()]
    found += sorted(p for p in (ROOT / "rules").glob("*/*/*") if p.is_dir())
    for folder in (SHARED / "corpus", SHARED / "realworld" / "trees"):
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.is_dir())
    return found


def outputs(project: Path) -> dict[str, str]:
    relative = os.path.relpath(project, ROOT)
    result: dict[str, str] = {}
    for fmt in ("json", "text"):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = preflight_main(["check", "--no-cache", "--no-color", "--format", fmt, relative])
        result[fmt] = f"exit {code}\n{out.getvalue()}\nstderr:\n{err.getvalue()}"
    return result


def name_of(project: Path) -> str:
    relative = os.path.relpath(project, ROOT.parent)
    return hashlib.sha256(relative.encode()).hexdigest()[:12] + "-" + project.name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("record", "compare"))
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    os.chdir(ROOT)
    args.folder.mkdir(parents=True, exist_ok=True)
    differ = 0
    checked = 0
    for project in projects():
        for fmt, text in outputs(project).items():
            stored = args.folder / f"{name_of(project)}.{fmt}"
            checked += 1
            if args.mode == "record":
                stored.write_text(text, encoding="utf-8")
            elif not stored.is_file() or stored.read_text(encoding="utf-8") != text:
                differ += 1
                sys.stdout.write(f"differs: {os.path.relpath(project, ROOT)} ({fmt})\n")
    sys.stdout.write(f"{checked} outputs {args.mode.rstrip('e')}ed, {differ} differ\n")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
