"""Real repositories (../shared/realworld): no false finding, every true positive kept.

Each tree is checked from its root with default settings, as a new user would (copied outside
any git checkout first). Its findings are compared with the reviewed labels of
`labels/<repo>.json` the way `score.py` counts them: a labelled `fp` that is still reported fails,
a `tp` whose code and path no finding has any more fails, and an error nobody has reviewed fails
too; new warnings are printed for review.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from preflight.config import load_config
from preflight.diagnostics import Severity
from preflight.engine import check

REALWORLD = Path(__file__).resolve().parents[2].parent / "shared" / "realworld"
REVIEWED = Path(__file__).with_name("realworld_reviewed.json")
"""Findings added since the shared labels were written, reviewed the same way (by reading the
files), keyed by tree: the shared labels are read-only, so later reviews live here."""
TREES = sorted(p for p in (REALWORLD / "trees").iterdir() if p.is_dir()) if (REALWORLD / "trees").is_dir() else []

pytestmark = pytest.mark.skipif(not TREES, reason="../shared/realworld not present")


@pytest.mark.parametrize("tree", TREES, ids=lambda p: p.name)
def test_no_false_finding_and_every_true_positive_kept(tree: Path, tmp_path: Path) -> None:
    labels_file = REALWORLD / "labels" / f"{tree.name}.json"
    labels = json.loads(labels_file.read_text(encoding="utf-8")) if labels_file.is_file() else []
    labels += json.loads(REVIEWED.read_text(encoding="utf-8")).get(tree.name, [])
    by_key = {(lab["code"], lab["path"], lab["line"]): lab["label"] for lab in labels}
    root = tmp_path / tree.name
    shutil.copytree(tree, root, symlinks=True)
    report = check(root, load_config(root), cwd=root)
    found = [d for d in report.diagnostics if d.severity in (Severity.ERROR, Severity.WARNING)]
    false = [d for d in found if by_key.get((d.code, d.span.path, d.span.line)) == "fp"]
    unreviewed = [d for d in found if (d.code, d.span.path, d.span.line) not in by_key]
    kept = {(d.code, d.span.path) for d in found}
    lost = sorted({(lab["code"], lab["path"]) for lab in labels if lab["label"] == "tp"} - kept)
    for diag in unreviewed:
        print(f"unreviewed: {diag.code}[{diag.severity.value}] {diag.span.path}:{diag.span.line} {diag.message}")
    assert not false, [f"{d.code} {d.span.path}:{d.span.line}" for d in false]
    assert not lost, lost
    assert not [d for d in unreviewed if d.severity is Severity.ERROR], "new errors need review"
