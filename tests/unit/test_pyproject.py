"""Exact tests of the static local-project reader, on temporary trees."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from preflight.diagnostics import ParseProblem
from preflight.parse.pyproject import BackendKind, LocalProject, read_local_project

CORPUS = Path("/work/shared/corpus")


def make(root: Path, files: dict[str, str]) -> Path:
    """Write files (a name ending in / is an empty directory)."""
    for name, text in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def read(root: Path, files: dict[str, str]) -> LocalProject:
    project = read_local_project(make(root, files))
    assert project is not None
    return project


def roots(root: Path, files: dict[str, str]) -> tuple[tuple[str, str], ...]:
    project = read(root, files)
    assert project.build_errors == ()
    assert project.problems == ()
    return project.package_roots


SETUPTOOLS = '[build-system]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "svc"\n'


def test_no_project_files(tmp_path: Path) -> None:
    assert read_local_project(make(tmp_path, {"app/__init__.py": "", "requirements.txt": "x\n"})) is None
    assert read_local_project(tmp_path / "missing") is None


def test_pep621_metadata(tmp_path: Path) -> None:
    project = read(
        tmp_path,
        {
            "pyproject.toml": SETUPTOOLS
            + 'requires-python = ">=3.10"\ndependencies = ["flask>=3", "redis"]\n'
            + '[project.optional-dependencies]\ndev = ["pytest"]\npg = ["psycopg[binary]"]\n',
            "svc/__init__.py": "",
        },
    )
    assert project == LocalProject(
        root=tmp_path,
        name="svc",
        canonical_name="svc",
        build_backend="setuptools.build_meta",
        backend_kind=BackendKind.SETUPTOOLS,
        dependencies=("flask>=3", "redis"),
        optional_dependencies=(("dev", ("pytest",)), ("pg", ("psycopg[binary]",))),
        python_requires=">=3.10",
        package_roots=(("svc", "svc"),),
        files=("pyproject.toml",),
        has_project_table=True,
    )


def test_dependency_groups_of_every_tool_and_the_uv_workspace(tmp_path: Path) -> None:
    toml = (
        '[dependency-groups]\ndev = ["pytest", {include-group = "lint"}]\nlint = ["ruff"]\n'
        '[tool.poetry.group.docs]\noptional = true\n[tool.poetry.group.docs.dependencies]\nmkdocs = "^1.5"\n'
        '[tool.pdm.dev-dependencies]\ntest = ["hypothesis"]\n'
        '[tool.uv]\ndefault-groups = ["dev", "lint"]\n'
        '[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/old"]\n'
    )
    project = read(tmp_path, {"pyproject.toml": toml})
    assert project.groups == (
        ("dev", ("pytest",)),
        ("lint", ("ruff",)),
        ("docs", ("mkdocs>=1.5,<2",)),
        ("test", ("hypothesis",)),
    )
    assert project.optional_groups == ("docs",)
    assert project.default_groups == ("dev", "lint")
    assert (project.workspace_members, project.workspace_exclude) == (("packages/*",), ("packages/old",))
    assert not project.has_project_table


def test_dynamic_dependencies_from_files(tmp_path: Path) -> None:
    toml = (
        SETUPTOOLS.replace('name = "svc"', 'name = "svc"\ndynamic = ["dependencies"]\ndependencies = ["x"]')
        + '[tool.setuptools.dynamic]\ndependencies = {file = ["requirements.txt", "extra.txt"]}\n'
    )
    project = read(tmp_path, {"pyproject.toml": toml, "svc.py": ""})
    assert (project.dependencies, project.dependency_files) == ((), ("requirements.txt", "extra.txt"))


def test_invalid_toml_is_a_positioned_problem(tmp_path: Path) -> None:
    project = read(tmp_path, {"pyproject.toml": '[project]\nname = "x"\nversion = \n'})
    assert project.problems == (ParseProblem("Invalid value", 3, 11),)
    assert project.problem_files == ("pyproject.toml",)
    assert project.name is None


def test_invalid_toml_at_end_of_document(tmp_path: Path) -> None:
    project = read(tmp_path, {"pyproject.toml": '[project]\nname = "x'})
    assert project.problems == (ParseProblem("Unterminated string", 2, 10),)


@pytest.mark.parametrize(
    ("toml", "files", "expected"),
    [
        (
            '[tool.setuptools]\npackages = ["app", "app.api"]\npackage-dir = {"" = "src"}\n',
            {"src/app/__init__.py": ""},
            (("app", "src/app"),),
        ),
        (
            '[tool.setuptools]\npackages = ["core"]\npackage-dir = {"core" = "lib/core"}\n',
            {"lib/core/__init__.py": ""},
            (("core", "lib/core"),),
        ),
        (
            '[tool.setuptools.packages.find]\nwhere = ["src"]\ninclude = ["acme*"]\n',
            {"src/acme/__init__.py": "", "src/acme_x/sub/__init__.py": "", "src/other/__init__.py": ""},
            (("acme", "src/acme"), ("acme_x", "src/acme_x")),
        ),
        (
            "[tool.setuptools.packages.find]\nnamespaces = false\n",
            {"pkg/__init__.py": "", "pkg/sub/__init__.py": "", "nsdir/x.py": "", "tests/__init__.py": ""},
            (("pkg", "pkg"), ("tests", "tests")),
        ),
        (
            '[tool.setuptools.packages.find]\nexclude = ["tests*", "docs*"]\n',
            {"pkg/__init__.py": "", "nsdir/x.py": "", "tests/__init__.py": "", "docs/conf.py": ""},
            (("nsdir", "nsdir"), ("pkg", "pkg")),
        ),
        ('[tool.setuptools]\npy-modules = ["main"]\n', {"main.py": ""}, (("main", "main.py"),)),
        (
            "",
            {"src/pkg/__init__.py": "", "src/mod.py": "", "src/x.egg-info/": ""},
            (("pkg", "src/pkg"), ("mod", "src/mod.py")),
        ),
        (
            '[tool.setuptools]\npackage-dir = {"" = "lib"}\n',
            {"lib/pkg/__init__.py": ""},
            (("pkg", "lib/pkg"),),
        ),
        (
            "",
            {"app/__init__.py": "", "tests/t.py": "", "docs/": "", ".venv/": "", "_priv/": ""},
            (("app", "app"),),
        ),
        ("", {"main.py": "", "setup.py": "", "conftest.py": "", "manage.py": ""}, (("main", "main.py"),)),
        ("", {"README.md": ""}, ()),
    ],
)
def test_setuptools_layouts(
    tmp_path: Path, toml: str, files: dict[str, str], expected: tuple[tuple[str, str], ...]
) -> None:
    assert roots(tmp_path, {"pyproject.toml": SETUPTOOLS + toml, **files}) == expected


def test_setuptools_flat_layout_with_several_packages_fails(tmp_path: Path) -> None:
    project = read(tmp_path, {"pyproject.toml": SETUPTOOLS, "app/": "", "static/": "", "tests/": ""})
    assert project.package_roots == ()
    assert project.build_errors == ("Multiple top-level packages discovered in a flat-layout: ['app', 'static'].",)


def test_setuptools_flat_layout_with_several_modules_fails(tmp_path: Path) -> None:
    project = read(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", "app.py": "", "worker.py": ""})
    assert project.build_errors == ("Multiple top-level modules discovered in a flat-layout: ['app', 'worker'].",)
    assert (project.build_backend, project.backend_kind) == (None, BackendKind.SETUPTOOLS)


def test_setup_cfg(tmp_path: Path) -> None:
    cfg = (
        "[metadata]\nname = my-svc\n\n[options]\npackages = find:\npackage_dir =\n    = src\n"
        "python_requires = >=3.9\ninstall_requires =\n    requests>=2  # http\n"
        "    pywin32; sys_platform == 'win32'\n"
        "\n[options.packages.find]\nwhere = src\nexclude =\n    tests\n    tests.*\n"
        "\n[options.extras_require]\npg = psycopg2\n"
    )
    project = read(tmp_path, {"setup.cfg": cfg, "src/my_svc/__init__.py": "", "src/tests/__init__.py": ""})
    assert project == LocalProject(
        root=tmp_path,
        name="my-svc",
        canonical_name="my-svc",
        dependencies=("requests>=2", "pywin32; sys_platform == 'win32'"),
        optional_dependencies=(("pg", ("psycopg2",)),),
        python_requires=">=3.9",
        package_roots=(("my_svc", "src/my_svc"),),
        files=("setup.cfg",),
        setuptools_base="src",
        setuptools_package_dir=(("", "src"),),
        setuptools_explicit=True,
    )


def test_setup_cfg_find_without_where_searches_the_root(tmp_path: Path) -> None:
    cfg = "[options]\npackage_dir =\n    =src\npackages = find:\n"
    assert roots(tmp_path, {"setup.cfg": cfg, "src/app/__init__.py": ""}) == ()


def test_setup_cfg_explicit_lists(tmp_path: Path) -> None:
    cfg = "[options]\npackages = pkg, pkg.sub\npy_modules = tool\n"
    assert roots(tmp_path, {"setup.cfg": cfg}) == (("pkg", "pkg"), ("tool", "tool.py"))


@pytest.mark.parametrize(
    ("cfg", "problem"),
    [
        ("name = x\n", ParseProblem("File contains no section headers.", 1)),
        (
            "[metadata]\nname = a\nname = b\n",
            ParseProblem("option 'name' in section 'metadata' already exists", 3),
        ),
        ("[metadata]\n[metadata]\n", ParseProblem("section 'metadata' already exists", 2)),
        (
            "[metadata]\nname = a\n  !bad\n[x]\n???\n",
            ParseProblem("Source contains a parsing error: '???'", 5),
        ),
    ],
)
def test_invalid_setup_cfg(tmp_path: Path, cfg: str, problem: ParseProblem) -> None:
    project = read(tmp_path, {"setup.cfg": cfg})
    assert project.problems == (problem,)
    assert project.problem_files == ("setup.cfg",)


def test_setup_py_is_read_with_ast_only(tmp_path: Path) -> None:
    setup = (
        "import sys\nfrom setuptools import setup, find_packages\nsys.exit('never run')\n"
        "setup(\n    name='svc',\n    packages=find_packages(exclude=['tests', 'tests.*']),\n"
        "    py_modules=['manage'],\n    install_requires=['flask>=2'],\n"
        "    extras_require={'dev': ['pytest']},\n    python_requires='>=3.8',\n)\n"
    )
    project = read(
        tmp_path,
        {"setup.py": setup, "svc/__init__.py": "", "tests/__init__.py": "", "docs/": "", "manage.py": ""},
    )
    assert project == LocalProject(
        root=tmp_path,
        name="svc",
        canonical_name="svc",
        dependencies=("flask>=2",),
        optional_dependencies=(("dev", ("pytest",)),),
        python_requires=">=3.8",
        package_roots=(("svc", "svc"), ("manage", "manage.py")),
        files=("setup.py",),
        setuptools_explicit=True,
    )


def test_setup_py_package_dir_and_computed_packages(tmp_path: Path) -> None:
    literal = "from setuptools import setup\nsetup(packages=['pkg'], package_dir={'': 'lib'})\n"
    assert roots(tmp_path / "a", {"setup.py": literal}) == (("pkg", "lib/pkg"),)
    computed = "import setuptools\nPKGS = ['x']\nsetuptools.setup(name='c', packages=PKGS)\n"
    files = {"setup.py": computed, "x/__init__.py": "", "tests/__init__.py": "", "data/": ""}
    assert roots(tmp_path / "b", files) == (("x", "x"),)


def test_setup_py_syntax_error(tmp_path: Path) -> None:
    project = read(tmp_path, {"setup.py": "from setuptools import setup\nsetup(name='x'\n"})
    assert project.problems == (ParseProblem("'(' was never closed", 2, 6),)
    assert project.problem_files == ("setup.py",)


HATCH = '[build-system]\nbuild-backend = "hatchling.build"\n[project]\nname = "My-App"\n'


@pytest.mark.parametrize(
    ("toml", "files", "expected"),
    [
        ('[tool.hatch.build.targets.wheel]\npackages = ["src/foo"]\n', {}, (("foo", "src/foo"),)),
        ('[tool.hatch.build]\npackages = ["lib/bar/"]\n', {}, (("bar", "lib/bar"),)),
        ("", {"My_App/__init__.py": ""}, (("My_App", "My_App"),)),
        ("", {"my_app/__init__.py": ""}, (("my_app", "my_app"),)),
        ("", {"src/my_app/__init__.py": ""}, (("my_app", "src/my_app"),)),
        ("", {"my_app.py": ""}, (("my_app", "my_app.py"),)),
        ("", {"acme/my_app/__init__.py": ""}, (("acme", "acme"),)),
        (
            '[tool.hatch.build.targets.wheel]\nonly-include = ["src/svc", "tools/cli.py"]\nsources = ["src"]\n',
            {},
            (("svc", "src/svc"), ("tools", "tools")),
        ),
        (
            '[tool.hatch.build.targets.wheel]\ninclude = ["/app/**/*.py"]\n'
            '[tool.hatch.build.targets.wheel.sources]\n"app" = "service"\n',
            {},
            (("service", "app"),),
        ),
        ("[tool.hatch.build.targets.wheel]\nbypass-selection = true\n", {}, ()),
    ],
)
def test_hatch(tmp_path: Path, toml: str, files: dict[str, str], expected: tuple[tuple[str, str], ...]) -> None:
    assert roots(tmp_path, {"pyproject.toml": HATCH + toml, **files}) == expected


def test_hatch_without_a_matching_directory_fails(tmp_path: Path) -> None:
    project = read(tmp_path, {"pyproject.toml": HATCH, "app/__init__.py": ""})
    assert project.backend_kind is BackendKind.HATCHLING
    assert project.build_errors == (
        "Unable to determine which files to ship inside the wheel using the following heuristics: "
        "https://hatch.pypa.io/latest/plugins/builder/wheel/#default-file-selection; "
        "the most likely cause is that there is no directory that matches the name of your project "
        "(My_App or my_app)",
    )


POETRY = '[build-system]\nbuild-backend = "poetry.core.masonry.api"\n[tool.poetry]\nname = "My.Service"\n'


@pytest.mark.parametrize(
    ("toml", "files", "expected"),
    [
        ("", {"my_service/__init__.py": ""}, (("my_service", "my_service"),)),
        ("", {"src/my_service/__init__.py": ""}, (("my_service", "src/my_service"),)),
        ("", {"my_service.py": ""}, (("my_service", "my_service.py"),)),
        (
            'packages = [{include = "app", from = "src"}, {include = "cli.py"}, '
            '{include = "docs", format = "sdist"}, {include = "x/**/*.py", to = "renamed"}]\n',
            {},
            (("app", "src/app"), ("cli", "cli.py"), ("renamed", "x")),
        ),
        ("package-mode = false\n", {}, ()),
    ],
)
def test_poetry(tmp_path: Path, toml: str, files: dict[str, str], expected: tuple[tuple[str, str], ...]) -> None:
    assert roots(tmp_path, {"pyproject.toml": POETRY + toml, **files}) == expected


def test_poetry_without_package_fails(tmp_path: Path) -> None:
    project = read(tmp_path, {"pyproject.toml": POETRY, "app/__init__.py": ""})
    assert project.build_errors == ("No file/folder found for package My.Service",)


def test_poetry_dependencies_are_converted(tmp_path: Path) -> None:
    deps = (
        '[tool.poetry.dependencies]\npython = "^3.10"\nrequests = "^2.28"\ndjango = "~4.2"\n'
        'foo = "1.2.3"\nbar = {version = ">=1,<2", extras = ["x"]}\nbaz = {git = "https://g/b.git"}\n'
        'opt = {version = "*", optional = true}\n'
        'win = {version = "^0.0.3", markers = "sys_platform == \'win32\'"}\n'
        'odd = "1.0 || 2.0"\n[tool.poetry.extras]\nextra1 = ["OPT"]\n'
    )
    project = read(tmp_path, {"pyproject.toml": POETRY + "package-mode = false\n" + deps})
    assert project.name == "My.Service"
    assert project.canonical_name == "my-service"
    assert project.python_requires == ">=3.10,<4"
    assert project.dependencies == (
        "requests>=2.28,<3",
        "django>=4.2,<4.3",
        "foo==1.2.3",
        "bar[x]>=1,<2",
        "baz",
        "win>=0.0.3,<0.0.4; sys_platform == 'win32'",
        "odd",
    )
    assert project.optional_dependencies == (("extra1", ("opt",)),)


FLIT = '[build-system]\nbuild-backend = "flit_core.buildapi"\n[project]\nname = "my-tool"\n'


@pytest.mark.parametrize(
    ("toml", "files", "expected"),
    [
        ("", {"my_tool/__init__.py": ""}, (("my_tool", "my_tool"),)),
        ("", {"src/my_tool.py": ""}, (("my_tool", "src/my_tool.py"),)),
        ('[tool.flit.module]\nname = "ns.tool"\n', {"src/ns/tool/__init__.py": ""}, (("ns", "src/ns"),)),
    ],
)
def test_flit(tmp_path: Path, toml: str, files: dict[str, str], expected: tuple[tuple[str, str], ...]) -> None:
    assert roots(tmp_path, {"pyproject.toml": FLIT + toml, **files}) == expected


def test_flit_errors(tmp_path: Path) -> None:
    assert read(tmp_path / "a", {"pyproject.toml": FLIT}).build_errors == ("No file/folder found for module my_tool",)
    both = read(tmp_path / "b", {"pyproject.toml": FLIT, "my_tool.py": "", "src/my_tool/": ""})
    assert both.build_errors == ("Multiple files or folders could be module my_tool: my_tool.py, src/my_tool",)


PDM = '[build-system]\nbuild-backend = "pdm.backend"\n[project]\nname = "p"\n'


@pytest.mark.parametrize(
    ("toml", "files", "expected"),
    [
        (
            "",
            {"src/a/__init__.py": "", "src/b/__init__.py": "", "src/notpkg/": ""},
            (("a", "src/a"), ("b", "src/b")),
        ),
        ("", {"a/__init__.py": "", "tests/x.py": ""}, (("a", "a"),)),
        ("", {"src/single.py": ""}, (("single", "src/single.py"),)),
        (
            '[tool.pdm.build]\nincludes = ["src/app", "extra.py"]\n',
            {"src/": ""},
            (("app", "src/app"), ("extra", "extra.py")),
        ),
        ('[tool.pdm.build]\npackage-dir = "lib"\n', {"lib/x/__init__.py": ""}, (("x", "lib/x"),)),
    ],
)
def test_pdm(tmp_path: Path, toml: str, files: dict[str, str], expected: tuple[tuple[str, str], ...]) -> None:
    assert roots(tmp_path, {"pyproject.toml": PDM + toml, **files}) == expected


UV = '[build-system]\nbuild-backend = "uv_build"\n[project]\nname = "Seat-Belt"\n'


@pytest.mark.parametrize(
    ("toml", "files", "expected"),
    [
        ("", {"src/seat_belt/__init__.py": ""}, (("seat_belt", "src/seat_belt"),)),
        (
            '[tool.uv.build-backend]\nmodule-name = "app"\nmodule-root = ""\n',
            {"app/__init__.py": ""},
            (("app", "app"),),
        ),
        (
            '[tool.uv.build-backend]\nmodule-name = ["a", "b.c"]\nnamespace = true\n',
            {"src/a/": "", "src/b/c/": ""},
            (("a", "src/a"), ("b", "src/b")),
        ),
    ],
)
def test_uv_build(tmp_path: Path, toml: str, files: dict[str, str], expected: tuple[tuple[str, str], ...]) -> None:
    assert roots(tmp_path, {"pyproject.toml": UV + toml, **files}) == expected


def test_uv_build_without_module_fails(tmp_path: Path) -> None:
    project = read(tmp_path, {"pyproject.toml": UV, "app/__init__.py": ""})
    assert project.build_errors == ("Expected a Python module at: src/seat_belt/__init__.py",)


def test_other_backends_have_no_roots(tmp_path: Path) -> None:
    project = read(tmp_path, {"pyproject.toml": '[build-system]\nbuild-backend = "maturin"\n', "x/__init__.py": ""})
    assert (project.backend_kind, project.package_roots, project.build_errors) == (BackendKind.OTHER, (), ())


def test_symlinks_out_of_root_are_not_followed(tmp_path: Path) -> None:
    outside = make(tmp_path / "outside", {"app/__init__.py": "", "pyproject.toml": HATCH})
    root = make(tmp_path / "root", {"pyproject.toml": SETUPTOOLS})
    os.symlink(outside / "app", root / "app")
    os.symlink(outside / "pyproject.toml", root / "setup.cfg")
    project = read_local_project(root)
    assert project is not None
    assert project.files == ("pyproject.toml",)
    assert project.package_roots == ()
    assert read_local_project(make(tmp_path / "r2", {"svc/": ""}) / "svc") is None


def test_symlinks_inside_root_are_followed(tmp_path: Path) -> None:
    root = make(tmp_path, {"pyproject.toml": HATCH, "code/my_app/__init__.py": ""})
    os.symlink(root / "code/my_app", root / "my_app")
    assert roots(root, {}) == (("my_app", "my_app"),)


CORPUS_PROJECTS = {
    "getsentry__self-hosted": ("sentry-self-hosted", None, ">=3.11"),
    "celery__celery": (None, None, None),
    "netbox-community__netbox-docker": (None, None, None),
    "getredash__redash": ("redash", None, ">=3.13,<3.14"),
    "nickjj__docker-flask-example": ("hello", None, ">=3.13"),
    "fastapi__full-stack-fastapi-template/backend": ("app", "hatchling.build", ">=3.14,<4.0"),
    "fastapi__full-stack-fastapi-template": (None, None, None),
    "paperless-ngx__paperless-ngx": ("paperless-ngx", None, ">=3.11"),
}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")
@pytest.mark.parametrize("folder", sorted(CORPUS_PROJECTS))
def test_corpus_projects(folder: str) -> None:
    project = read_local_project(CORPUS / folder)
    assert project is not None
    assert project.problems == ()
    assert (project.name, project.build_backend, project.python_requires) == CORPUS_PROJECTS[folder]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")
def test_corpus_fastapi_backend_is_a_hatch_project_without_its_package() -> None:
    project = read_local_project(CORPUS / "fastapi__full-stack-fastapi-template/backend")
    assert project is not None
    assert project.dependencies[0] == "fastapi[standard]>=0.141.1,<1.0.0"
    assert project.package_roots == ()
    assert project.build_errors[0].startswith("Unable to determine which files to ship inside the wheel")


def test_build_requires_and_setuptools_layout(tmp_path: Path) -> None:
    toml = "[build-system]\nrequires = ['setuptools>=64', 'wheel']\n[tool.setuptools]\npackages = ['app']\n"
    project = read(tmp_path / "a", {"pyproject.toml": toml, "app/__init__.py": ""})
    assert project.build_requires == ("setuptools>=64", "wheel")
    assert (project.setuptools_package_dir, project.setuptools_explicit) == ((), True)
    found = "[tool.setuptools.packages.find]\nwhere = ['src']\n"
    project = read(tmp_path / "b", {"pyproject.toml": found, "src/app/__init__.py": ""})
    assert project.build_requires is None
    assert (project.setuptools_package_dir, project.setuptools_explicit) == ((("", "src"),), True)
