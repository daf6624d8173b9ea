"""Tests for preflight.knowledge and the tables under preflight/data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from preflight import knowledge as k
from preflight.knowledge import (
    EnvRule,
    KnowledgeError,
    has_program,
    image_info,
    import_names_for,
    python_version_of,
    stdlib_modules,
    tables,
    transitive_imports,
)
from preflight.knowledge import images as image_tables
from preflight.knowledge import python as python_tables
from preflight.parse.image_ref import ImageRef, parse_image_ref

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[2]


def _rules(ref: str) -> tuple[EnvRule, ...]:
    info = image_info(ref)
    assert info is not None, ref
    return info.env_rules


def _satisfied(ref: str, env: dict[str, str | None]) -> list[bool | None]:
    """The evaluation of every env rule of the image, in table order."""
    return [rule.evaluate(env) for rule in _rules(ref)]


def _violations(ref: str, env: dict[str, str | None]) -> list[EnvRule]:
    return [rule for rule in _rules(ref) if rule.evaluate(env) is False]


# --------------------------------------------------------------------------------------------
# Table validation
# --------------------------------------------------------------------------------------------


def test_every_table_validates() -> None:
    k.validate_tables()


def test_a_run_trusts_the_shipped_tables_and_loads_them_as_validated() -> None:
    """A check loads the tables without pydantic: the result must equal the validated load."""
    assert not tables.VALIDATE
    assert image_tables._load_image_table(validate=False) == image_tables._load_image_table(validate=True)
    assert python_tables._load_import_table(validate=False) == python_tables._load_import_table(validate=True)
    assert python_tables._load_transitive_table(validate=False) == python_tables._load_transitive_table(validate=True)


def test_every_image_entry_resolves_and_cites_its_source() -> None:
    for key in k.known_images():
        info = image_info(key)
        assert info is not None, key
        assert info.key == key
        assert info.docs.startswith("https://")
        for rule in info.env_rules:
            assert rule.docs.startswith("https://")
            assert len(rule.why) >= 10
        for arg in info.command_args:
            assert arg.docs.startswith("https://")


def test_import_table_has_at_least_150_entries() -> None:
    assert len(k._import_table().names) >= 150


@pytest.fixture
def patched_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Serve replacement table texts by file name; clears the table caches around the test."""
    replacements: dict[str, str] = {}
    real = tables._read_data

    def fake(*parts: str) -> str:
        name = "/".join(parts)
        return replacements[name] if name in replacements else real(*parts)

    caches = (k._image_table, k._import_table, k._transitive_table, python_tables._stdlib)
    for cache in caches:
        cache.cache_clear()
    k.image_info.cache_clear()
    monkeypatch.setattr(tables, "_read_data", fake)
    monkeypatch.setattr(tables, "VALIDATE", True)  # replacement texts are not pre-validated
    yield replacements
    monkeypatch.undo()
    for cache in caches:
        cache.cache_clear()
    k.image_info.cache_clear()


@pytest.mark.parametrize(
    ("name", "text", "loader"),
    [
        (
            "images.toml",
            'schema_version = 1\n[images.x]\ndocs = "https://x"\nsurprise = 1\n',
            "_image_table",
        ),
        (
            "images.toml",
            'schema_version = 1\n[images.x]\ndocs = "https://x"\n'
            '[[images.x.env_rules]]\nkind = "require_any"\nvars = ["A"]\nwhy = "because of things"\n'
            'docs = "https://x"\nunexpected = true\n',
            "_image_table",
        ),
        (
            "images.toml",
            'schema_version = 1\n[images.x]\ndocs = "https://x"\n'
            '[[images.x.env_rules]]\nkind = "sometimes"\nvars = ["A"]\nwhy = "because of things"\n'
            'docs = "https://x"\n',
            "_image_table",
        ),
        (
            "images.toml",
            'schema_version = 1\n[images.x]\ndocs = "https://x"\n'
            '[[images.x.programs]]\npresent = ["curl"]\nabsent = ["curl"]\n',
            "_image_table",
        ),
        ("images.toml", 'schema_version = 2\n[images.x]\ndocs = "https://x"\n', "_image_table"),
        (
            "images.toml",
            'schema_version = 1\n[images.x]\ndocs = "https://x"\ninherits = "nope"\n',
            "_image_table",
        ),
        (
            "images.toml",
            'schema_version = 1\n[images.x]\ndocs = "https://x"\n'
            '[images.y]\ndocs = "https://y"\naliases = ["library/x"]\n',
            "_image_table",
        ),
        ("import_names.toml", 'schema_version = 1\n[distributions]\nPyYAML = ["yaml"]\n', "_import_table"),
        ("import_names.toml", 'schema_version = 1\n[distributions]\npyyaml = ["not-ok"]\n', "_import_table"),
        ("import_names.toml", "schema_version = 1\n[distributions]\n[extra]\n", "_import_table"),
        (
            "transitive.toml",
            'schema_version = 1\n[distributions.flask]\nrequires = ["Werkzeug"]\n',
            "_transitive_table",
        ),
        (
            "transitive.toml",
            'schema_version = 1\n[distributions.flask]\nneeds = ["werkzeug"]\n',
            "_transitive_table",
        ),
        ("images.toml", "this is [not toml", "_image_table"),
    ],
)
def test_malformed_tables_are_rejected(patched_table: dict[str, str], name: str, text: str, loader: str) -> None:
    patched_table[name] = text
    with pytest.raises(KnowledgeError, match=name):
        getattr(k, loader)()


def test_importing_the_module_does_not_import_pydantic() -> None:
    code = "import sys, preflight.knowledge; sys.exit('pydantic' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_stdlib_lists_are_up_to_date() -> None:
    pytest.importorskip("stdlib_list")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_stdlib.py"), "--check"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------------------------
# Image references
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("python:3.12-slim", ImageRef("docker.io", "library/python", "3.12-slim", None)),
        ("docker.io/library/postgres:16", ImageRef("docker.io", "library/postgres", "16", None)),
        ("index.docker.io/library/postgres", ImageRef("docker.io", "library/postgres", None, None)),
        ("library/postgres:16", ImageRef("docker.io", "library/postgres", "16", None)),
        ("bitnami/redis:7.2", ImageRef("docker.io", "bitnami/redis", "7.2", None)),
        ("ghcr.io/x/y:1", ImageRef("ghcr.io", "x/y", "1", None)),
        ("redis@sha256:0123abcd", ImageRef("docker.io", "library/redis", None, "sha256:0123abcd")),
        ("postgres:16@sha256:0123abcd", ImageRef("docker.io", "library/postgres", "16", "sha256:0123abcd")),
        ("localhost:5000/app:dev", ImageRef("localhost:5000", "app", "dev", None)),
        ("registry.example.com:443/team/app", ImageRef("registry.example.com:443", "team/app", None, None)),
        ("public.ecr.aws/docker/library/redis:7", ImageRef("docker.io", "library/redis", "7", None)),
        ("mirror.gcr.io/library/redis", ImageRef("docker.io", "library/redis", None, None)),
        ("  Postgres:16  ", ImageRef("docker.io", "library/postgres", "16", None)),
        ("postgres:${PG_TAG:-16}", ImageRef("docker.io", "library/postgres", None, None, tag_unknown=True)),
        ("postgres:16-${VARIANT}", ImageRef("docker.io", "library/postgres", None, None, tag_unknown=True)),
        ("localhost:5000/app:${TAG}", ImageRef("localhost:5000", "app", None, None, tag_unknown=True)),
        ("${IMAGE}", None),
        ("${REGISTRY}/app:1", None),
        ("", None),
        ("two words", None),
        ("redis@notadigest", None),
        ("python:bad!tag", None),
    ],
)
def test_parse_image_ref(ref: str, expected: ImageRef | None) -> None:
    assert parse_image_ref(ref) == expected


def test_image_ref_name_and_effective_tag() -> None:
    ref = parse_image_ref("docker.io/library/postgres")
    assert ref is not None
    assert (ref.name, ref.effective_tag) == ("postgres", "latest")
    digest = parse_image_ref("redis@sha256:0123abcd")
    assert digest is not None
    assert (digest.name, digest.effective_tag) == ("redis", None)
    other = parse_image_ref("ghcr.io/astral-sh/uv:0.5.0")
    assert other is not None
    assert (other.name, other.effective_tag) == ("ghcr.io/astral-sh/uv", "0.5.0")


@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("postgres", "postgres"),
        ("postgres:16", "postgres"),
        ("library/postgres:16-alpine", "postgres"),
        ("docker.io/library/postgres:16", "postgres"),
        ("registry-1.docker.io/library/postgres", "postgres"),
        ("public.ecr.aws/docker/library/postgres:17", "postgres"),
        ("pgvector/pgvector:pg16", "pgvector/pgvector"),
        ("docker.io/postgis/postgis:16-3.4", "postgis/postgis"),
        ("timescale/timescaledb:latest-pg16", "timescale/timescaledb"),
        ("bitnamilegacy/postgresql:16", "bitnami/postgresql"),
        ("quay.io/minio/minio:RELEASE.2024-01-01T00-00-00Z", "minio/minio"),
        ("docker.elastic.co/elasticsearch/elasticsearch:8.14.0", "elasticsearch"),
        ("clickhouse/clickhouse-server:24.8", "clickhouse"),
        ("keycloak/keycloak:26.0", "quay.io/keycloak/keycloak"),
        ("ghcr.io/dani-garcia/vaultwarden:latest", "vaultwarden/server"),
        ("redis@sha256:0123abcd", "redis"),
        ("postgres:${PG_TAG}", "postgres"),
    ],
)
def test_image_aliases(ref: str, key: str) -> None:
    info = image_info(ref)
    assert info is not None
    assert info.key == key


@pytest.mark.parametrize("ref", ["ghcr.io/acme/api:1.0", "myorg/worker", "${IMAGE}", "localhost:5000/app"])
def test_unknown_images_are_unknown_not_absent(ref: str) -> None:
    assert image_info(ref) is None
    assert has_program(ref, "curl") is None
    assert python_version_of(ref) is None


# --------------------------------------------------------------------------------------------
# Required environment
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    ["postgres:16", "pgvector/pgvector:pg17", "postgis/postgis:16-3.4", "timescale/timescaledb:latest-pg16"],
)
@pytest.mark.parametrize(
    ("env", "ok"),
    [
        ({}, False),
        ({"POSTGRES_PASSWORD": "secret"}, True),
        ({"POSTGRES_PASSWORD": ""}, False),
        ({"POSTGRES_PASSWORD_FILE": "/run/secrets/pg"}, True),
        ({"POSTGRES_HOST_AUTH_METHOD": "trust"}, True),
        ({"POSTGRES_HOST_AUTH_METHOD": "md5"}, False),
        ({"POSTGRES_USER": "app"}, False),
        ({"POSTGRES_PASSWORD": None}, None),
        ({"POSTGRES_HOST_AUTH_METHOD": None}, None),
        ({"POSTGRES_PASSWORD": "x", "POSTGRES_PASSWORD_FILE": "/run/secrets/pg"}, False),
    ],
)
def test_postgres_family_password(ref: str, env: dict[str, str | None], ok: bool | None) -> None:
    results = _satisfied(ref, env)
    if ok is None:
        assert None in results
        assert False not in results
    else:
        assert all(results) is ok


def test_postgres_file_env_exclusivity() -> None:
    bad = _violations("postgres", {"POSTGRES_PASSWORD": "x", "POSTGRES_USER": "a", "POSTGRES_USER_FILE": "/f"})
    assert [r.vars for r in bad] == [("POSTGRES_USER", "POSTGRES_USER_FILE")]
    assert bad[0].kind == "exclusive"


@pytest.mark.parametrize(
    ("env", "violated"),
    [
        ({}, 1),
        ({"MYSQL_ROOT_PASSWORD": "x"}, 0),
        ({"MYSQL_ROOT_PASSWORD_FILE": "/run/secrets/root"}, 0),
        ({"MYSQL_ALLOW_EMPTY_PASSWORD": "yes"}, 0),
        ({"MYSQL_RANDOM_ROOT_PASSWORD": "1"}, 0),
        ({"MYSQL_ROOT_PASSWORD": "x", "MYSQL_USER": "root", "MYSQL_PASSWORD": "y"}, 1),
        ({"MYSQL_ROOT_PASSWORD": "x", "MYSQL_USER": "app"}, 1),
        ({"MYSQL_ROOT_PASSWORD": "x", "MYSQL_PASSWORD": "y"}, 1),
        ({"MYSQL_ROOT_PASSWORD": "x", "MYSQL_USER": "app", "MYSQL_PASSWORD": "y"}, 0),
    ],
)
def test_mysql(env: dict[str, str | None], violated: int) -> None:
    assert len(_violations("mysql:8.4", env)) == violated


def test_mysql_user_without_password_is_only_a_warning() -> None:
    (rule,) = _violations("mysql:8.4", {"MYSQL_ROOT_PASSWORD": "x", "MYSQL_USER": "app"})
    assert rule.level == "warning"
    (root,) = _violations("mysql:8.4", {"MYSQL_ROOT_PASSWORD": "x", "MYSQL_USER": "root", "MYSQL_PASSWORD": "y"})
    assert (root.kind, root.level, root.values) == ("forbid", "error", ("root",))


@pytest.mark.parametrize(
    ("env", "violated"),
    [
        ({}, 1),
        ({"MARIADB_ROOT_PASSWORD": "x"}, 0),
        ({"MYSQL_ROOT_PASSWORD": "x"}, 0),
        ({"MARIADB_ROOT_PASSWORD_FILE": "/run/secrets/root"}, 0),
        ({"MYSQL_ROOT_PASSWORD_FILE": "/run/secrets/root"}, 0),
        ({"MARIADB_ALLOW_EMPTY_ROOT_PASSWORD": "1"}, 0),
        ({"MYSQL_ALLOW_EMPTY_PASSWORD": "1"}, 0),
        ({"MARIADB_RANDOM_ROOT_PASSWORD": "1"}, 0),
        ({"MYSQL_RANDOM_ROOT_PASSWORD": "1"}, 0),
        ({"MARIADB_ROOT_PASSWORD_HASH": "*ABC"}, 0),
        ({"MARIADB_ROOT_PASSWORD_HASH": "*ABC", "MARIADB_ROOT_PASSWORD": "x"}, 1),
        ({"MARIADB_ROOT_PASSWORD": "x", "MARIADB_PASSWORD": "y", "MARIADB_PASSWORD_HASH": "*ABC"}, 1),
    ],
)
def test_mariadb(env: dict[str, str | None], violated: int) -> None:
    assert len(_violations("mariadb:11.4", env)) == violated


@pytest.mark.parametrize(
    ("env", "violated"),
    [
        ({}, 0),
        ({"MONGO_INITDB_ROOT_USERNAME": "root"}, 1),
        ({"MONGO_INITDB_ROOT_PASSWORD": "pw"}, 1),
        ({"MONGO_INITDB_ROOT_USERNAME": "root", "MONGO_INITDB_ROOT_PASSWORD": "pw"}, 0),
        ({"MONGO_INITDB_ROOT_USERNAME": "root", "MONGO_INITDB_ROOT_PASSWORD_FILE": "/run/secrets/pw"}, 0),
        ({"MONGO_INITDB_ROOT_USERNAME_FILE": "/run/secrets/u", "MONGO_INITDB_ROOT_PASSWORD": "pw"}, 0),
    ],
)
def test_mongo_pair(env: dict[str, str | None], violated: int) -> None:
    assert len(_violations("mongo:7", env)) == violated


def test_mongo_pair_with_unknown_value_is_undecided() -> None:
    results = _satisfied("mongo:7", {"MONGO_INITDB_ROOT_USERNAME": None})
    assert False not in results
    assert None in results


@pytest.mark.parametrize(
    ("env", "violated"),
    [
        ({}, 0),
        ({"MINIO_ROOT_USER": "admin", "MINIO_ROOT_PASSWORD": "long-enough"}, 0),
        ({"MINIO_ROOT_USER": "admin"}, 1),
        ({"MINIO_ROOT_PASSWORD": "long-enough"}, 1),
        ({"MINIO_ROOT_USER": "admin", "MINIO_ROOT_PASSWORD_FILE": "/run/secrets/pw"}, 0),
        ({"MINIO_ROOT_USER": "ad", "MINIO_ROOT_PASSWORD": "long-enough"}, 1),
        ({"MINIO_ROOT_USER": "admin", "MINIO_ROOT_PASSWORD": "short"}, 1),
        ({"MINIO_ACCESS_KEY": "admin"}, 1),
    ],
)
def test_minio(env: dict[str, str | None], violated: int) -> None:
    assert len(_violations("minio/minio:latest", env)) == violated


def test_rabbitmq_deprecated_variables_by_version() -> None:
    env: dict[str, str | None] = {"RABBITMQ_VM_MEMORY_HIGH_WATERMARK": "0.6"}
    for tag in ("3.13-management", "4.0", "4.1.2-alpine", "latest", "management"):
        (rule,) = _violations(f"rabbitmq:{tag}", env)
        assert rule.kind == "forbid"
    for tag in ("3.8", "3.8.9-management", "3.7-alpine"):
        assert _violations(f"rabbitmq:{tag}", env) == []
    assert _violations("rabbitmq:4", {"RABBITMQ_DEFAULT_USER": "app", "RABBITMQ_DEFAULT_PASS": "pw"}) == []
    assert _rules("rabbitmq@sha256:0123abcd") == ()  # tag-scoped rules need a known tag


def test_rabbitmq_has_no_required_environment() -> None:
    assert _violations("rabbitmq:4-management", {}) == []


def test_elasticsearch_discovery_only_for_7() -> None:
    assert len(_violations("elasticsearch:7.17.0", {})) == 1
    assert _violations("elasticsearch:7.17.0", {"discovery.type": "single-node"}) == []
    assert _violations("elasticsearch:7.17.0", {"ES_SETTING_DISCOVERY_TYPE": "single-node"}) == []
    assert (
        _violations("docker.elastic.co/elasticsearch/elasticsearch:7.10.2", {"cluster.initial_master_nodes": "es01"})
        == []
    )
    assert _rules("docker.elastic.co/elasticsearch/elasticsearch:8.15.0") == ()


@pytest.mark.parametrize(
    ("tag", "applies"),
    [
        ("1.3.19", False),
        ("2.11.1", False),
        ("2.12.0", True),
        ("2.19.1", True),
        ("3.0.0", True),
        ("latest", True),
    ],
)
def test_opensearch_admin_password_since_2_12(tag: str, applies: bool) -> None:
    ref = f"opensearchproject/opensearch:{tag}"
    assert (len(_violations(ref, {})) == 1) is applies
    assert _violations(ref, {"DISABLE_SECURITY_PLUGIN": "true"}) == []
    assert _violations(ref, {"OPENSEARCH_INITIAL_ADMIN_PASSWORD": "Str0ng!Passw0rd"}) == []
    assert (len(_violations(ref, {"OPENSEARCH_INITIAL_ADMIN_PASSWORD": "Sh0rt!"})) == 1) is applies


@pytest.mark.parametrize(
    ("ref", "env", "violated"),
    [
        ("bitnami/redis:7.2", {}, 1),
        ("bitnami/redis:7.2", {"ALLOW_EMPTY_PASSWORD": "yes"}, 0),
        ("bitnami/redis:7.2", {"ALLOW_EMPTY_PASSWORD": "YES"}, 0),
        ("bitnami/redis:7.2", {"ALLOW_EMPTY_PASSWORD": "no"}, 1),
        ("bitnami/redis:7.2", {"REDIS_PASSWORD": "pw"}, 0),
        ("bitnami/postgresql:16", {"POSTGRESQL_PASSWORD": "pw"}, 0),
        ("bitnami/postgresql:16", {"POSTGRES_PASSWORD": "pw"}, 0),
        ("bitnami/mysql:8.0", {}, 1),
        ("bitnami/mariadb:11.4", {"MARIADB_ROOT_PASSWORD": "pw"}, 0),
        ("bitnami/mongodb:7.0", {"MONGODB_USERNAME": "app"}, 1),
        ("bitnami/mongodb:7.0", {}, 0),
    ],
)
def test_bitnami(ref: str, env: dict[str, str | None], violated: int) -> None:
    assert len(_violations(ref, env)) == violated


@pytest.mark.parametrize(
    ("tag", "env", "violated"),
    [
        ("5.20.0", {}, 0),
        ("5.20.0", {"NEO4J_AUTH": "none"}, 0),
        ("5.20.0", {"NEO4J_AUTH": "neo4j/correct-horse"}, 0),
        ("5.20.0", {"NEO4J_AUTH": "neo4j/correct-horse/true"}, 0),
        ("5.20.0", {"NEO4J_AUTH": "admin/correct-horse"}, 1),
        ("5.20.0", {"NEO4J_AUTH": "neo4j/neo4j"}, 2),
        ("5.20.0", {"NEO4J_AUTH": "neo4j"}, 2),
        ("5.20.0", {"NEO4J_AUTH": "neo4j/short"}, 1),
        ("4.4", {"NEO4J_AUTH": "neo4j/short"}, 0),
        ("5.20.0-enterprise", {}, 1),
        ("5.20.0-enterprise", {"NEO4J_ACCEPT_LICENSE_AGREEMENT": "yes"}, 0),
        ("5.20.0-enterprise", {"NEO4J_ACCEPT_LICENSE_AGREEMENT": "no"}, 1),
    ],
)
def test_neo4j(tag: str, env: dict[str, str | None], violated: int) -> None:
    assert len(_violations(f"neo4j:{tag}", env)) == violated


def test_keycloak_and_pgadmin_and_mssql() -> None:
    (kc,) = _violations("quay.io/keycloak/keycloak:26.0", {"KC_BOOTSTRAP_ADMIN_USERNAME": "admin"})
    assert kc.level == "warning"
    assert _violations("quay.io/keycloak/keycloak:26.0", {"KC_BOOTSTRAP_ADMIN_PASSWORD": "pw"}) == []
    assert _violations("quay.io/keycloak/keycloak:26.0", {}) == []
    assert len(_violations("quay.io/keycloak/keycloak:24.0", {"KEYCLOAK_ADMIN": "admin"})) == 1
    assert len(_violations("dpage/pgadmin4", {})) == 2
    assert (
        _violations("dpage/pgadmin4:8", {"PGADMIN_DEFAULT_EMAIL": "a@b.c", "PGADMIN_DEFAULT_PASSWORD_FILE": "/s"}) == []
    )
    mssql = "mcr.microsoft.com/mssql/server:2022-latest"
    assert len(_violations(mssql, {})) == 2
    assert _violations(mssql, {"ACCEPT_EULA": "Y", "MSSQL_SA_PASSWORD": "Str0ng!Pass"}) == []
    assert len(_violations(mssql, {"ACCEPT_EULA": "Y", "MSSQL_SA_PASSWORD": "short"})) == 1


@pytest.mark.parametrize(
    "ref", ["grafana/grafana:11.0.0", "redis:7", "nginx", "python:3.12", "clickhouse/clickhouse-server"]
)
def test_images_without_required_environment(ref: str) -> None:
    assert _violations(ref, {}) == []


def test_env_rule_three_valued_logic() -> None:
    rule = EnvRule(
        kind="require_any",
        vars=("A", "B"),
        why="test rule with a reason",
        docs="https://example.org",
        when_equals={"MODE": ("prod",)},
        unless_equals={"SKIP": ("yes",)},
    )
    assert rule.evaluate({}) is True  # MODE unset: does not apply
    assert rule.evaluate({"MODE": "prod"}) is False
    assert rule.evaluate({"MODE": "prod", "B": "x"}) is True
    assert rule.evaluate({"MODE": "prod", "SKIP": "yes"}) is True
    assert rule.evaluate({"MODE": None}) is None
    assert rule.evaluate({"MODE": "prod", "A": None}) is None
    assert rule.evaluate({"MODE": "prod", "A": None, "B": "x"}) is True
    assert rule.evaluate({"MODE": "prod", "SKIP": None}) is None
    exclusive = EnvRule(kind="exclusive", vars=("A", "B", "C"), why="test rule with a reason", docs="https://e")
    assert exclusive.evaluate({"A": "1"}) is True
    assert exclusive.evaluate({"A": "1", "B": "2"}) is False
    assert exclusive.evaluate({"A": "1", "B": None}) is None
    assert exclusive.evaluate({"A": "1", "B": ""}) is True
    assert hash(exclusive) == hash(exclusive)


# --------------------------------------------------------------------------------------------
# Command arguments
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["redis:7-alpine", "valkey/valkey:8", "eqalpha/keydb"])
@pytest.mark.parametrize(
    ("argv", "bad"),
    [
        (["redis-server", "--requirepass", "secret"], ()),
        (["redis-server", "--requirepass"], (1,)),
        (["redis-server", "--requirepass", ""], (1,)),
        (["redis-server", "--requirepass", "--appendonly", "yes"], (1,)),
        (["--requirepass", "x", "--requirepass"], (2,)),
        (["redis-server", "--appendonly", "yes"], ()),
        (["redis-server", "--requirepass=secret"], ()),
        (["redis-server", "--requirepass="], (1,)),
    ],
)
def test_requirepass_needs_a_value(ref: str, argv: list[str], bad: tuple[int, ...]) -> None:
    info = image_info(ref)
    assert info is not None
    (rule,) = [r for r in info.command_args if r.flag == "--requirepass"]
    assert rule.requires_value
    assert rule.violations(argv) == bad


# --------------------------------------------------------------------------------------------
# Health checks, default environment, programs, Python versions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("postgres:16", False),
        ("python:3.12-slim", False),
        ("redis:7-alpine", False),
        ("nginx:1.27", False),
        ("rabbitmq:4-management", False),
        ("pgvector/pgvector:pg16", False),
        ("localstack/localstack:3", True),
        ("axllent/mailpit", True),
        ("vaultwarden/server:latest", True),
        ("grafana/grafana", None),
        ("minio/minio", None),
        ("ghcr.io/acme/api", None),
    ],
)
def test_declares_healthcheck(ref: str, expected: bool | None) -> None:
    info = image_info(ref)
    assert (None if info is None else info.declares_healthcheck) is expected


def _env(ref: str) -> dict[str, str]:
    info = image_info(ref)
    assert info is not None
    return dict(info.default_env)


def test_python_default_env_by_version() -> None:
    path = "/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    assert _env("python:3.8-slim") == {"PATH": path, "PYTHON_VERSION": "", "LANG": "C.UTF-8", "GPG_KEY": ""}
    assert _env("python:3.12.4-slim") == {
        "PATH": path,
        "PYTHON_VERSION": "3.12.4",
        "PYTHON_SHA256": "",
        "LANG": "C.UTF-8",
        "GPG_KEY": "",
    }
    assert _env("python:3.13-alpine") == {
        "PATH": path,
        "PYTHON_VERSION": "",
        "PYTHON_SHA256": "",
        "GPG_KEY": "",
    }
    assert _env("python:3.14.0") == {"PATH": path, "PYTHON_VERSION": "3.14.0", "PYTHON_SHA256": ""}
    assert _env("python:3.15.0b3-slim-trixie")["PYTHON_VERSION"] == "3.15.0b3"
    assert _env("python:latest") == {"PATH": path, "PYTHON_VERSION": "", "PYTHON_SHA256": ""}
    assert _env("python@sha256:0123abcd") == {"PYTHON_VERSION": ""}  # tag unknown: only universal sets
    assert _env("python:3.13-windowsservercore-ltsc2022") == {"PYTHON_VERSION": ""}


def test_other_default_env() -> None:
    pg16 = _env("postgres:16.4-bookworm")
    assert pg16["PGDATA"] == "/var/lib/postgresql/data"
    assert pg16["PG_MAJOR"] == "16"
    assert pg16["LANG"] == "en_US.utf8"
    assert set(pg16) == {"GOSU_VERSION", "LANG", "PG_MAJOR", "PG_VERSION", "PGDATA", "PATH"}
    assert _env("postgres:18-alpine")["PGDATA"] == "/var/lib/postgresql/18/docker"
    assert "PATH" not in _env("postgres:18-alpine")
    assert _env("postgres:latest")["PGDATA"] == ""
    assert _env("pgvector/pgvector:0.8.0-pg17")["PG_MAJOR"] == "17"
    assert _env("postgis/postgis:15-3.4-alpine")["PG_MAJOR"] == "15"
    assert _env("redis:7.2.4-alpine") == {"REDIS_VERSION": "7.2.4"}
    assert _env("redis:7") == {"REDIS_VERSION": ""}
    assert _env("nginx:1.27.0-alpine-slim") == {"NGINX_VERSION": "1.27.0", "PKG_RELEASE": ""}
    assert _env("mongo:7.0.12")["MONGO_VERSION"] == "7.0.12"
    assert _env("mongo:7.0.12")["HOME"] == "/data/db"
    assert _env("grafana/grafana-oss")["GF_PATHS_DATA"] == "/var/lib/grafana"
    assert _env("minio/minio") == {}


@pytest.mark.parametrize(
    ("ref", "program", "expected"),
    [
        ("python:3.12-slim", "curl", False),
        ("python:3.12-slim", "wget", False),
        ("python:3.12-slim", "bash", True),
        ("python:3.12-slim", "sh", True),
        ("python:3.12-slim-bookworm", "python", True),
        ("python:3.11.9-alpine3.20", "sh", True),
        ("python:3.11.9-alpine3.20", "wget", True),
        ("python:3.11.9-alpine3.20", "bash", False),
        ("python:3.11.9-alpine3.20", "curl", False),
        ("python:3.12", "curl", True),
        ("python:3.12", "wget", True),
        ("python:3.12", "git", True),
        ("python:3.12-bookworm", "bash", True),
        ("python", "curl", True),
        ("python:3.12-slim", "/usr/bin/curl", False),
        ("python:3.12-slim", "/bin/sh", True),
        ("python:3.12-slim", "/opt/tools/curl", None),
        ("python:3.12-slim", "jq", None),
        ("python:3.13-windowsservercore-ltsc2022", "sh", False),
        ("redis:7-alpine", "redis-cli", True),
        ("redis:7-alpine", "sh", True),
        ("redis:7-alpine", "bash", False),
        ("redis:7-alpine", "curl", False),
        ("redis:7", "bash", True),
        ("redis@sha256:0123abcd", "redis-cli", True),
        ("redis@sha256:0123abcd", "bash", None),
        ("redis@sha256:0123abcd", "curl", False),
        ("postgres:16", "pg_isready", True),
        ("postgres:16", "psql", True),
        ("postgres:16", "bash", True),
        ("postgres:16", "curl", False),
        ("postgres:16-alpine", "bash", True),
        ("postgres:16-alpine", "wget", True),
        ("postgis/postgis:16-3.4", "pg_isready", True),
        ("timescale/timescaledb:latest-pg16", "pg_isready", True),
        ("mariadb:11.4", "mysqladmin", False),
        ("mariadb:11.4", "mariadb-admin", True),
        ("mariadb:11.4", "healthcheck.sh", True),
        ("mariadb:latest", "mysql", False),
        ("mariadb:10.11", "mysqladmin", True),
        ("mysql:8.4", "mysqladmin", True),
        ("mysql:8.4", "curl", True),
        ("mongo:7", "mongosh", True),
        ("mongo:7", "mongo", False),
        ("mongo:5.0", "mongo", True),
        ("nginx:1.27", "curl", True),
        ("nginx:alpine", "curl", True),
        ("nginx:alpine", "bash", False),
        ("nginx:1.27-alpine-slim", "curl", False),
        ("rabbitmq:4-management", "rabbitmq-diagnostics", True),
        ("rabbitmq:4-management", "curl", False),
        ("clickhouse/clickhouse-server:24.8", "wget", True),
        ("clickhouse/clickhouse-server:24.8", "curl", False),
        ("quay.io/keycloak/keycloak:26.0", "curl", False),
        ("quay.io/keycloak/keycloak:26.0", "bash", True),
        ("minio/minio", "mc", True),
        ("minio/minio", "curl", None),
        ("traefik:v3.1", "wget", True),
        ("traefik:v3.1", "curl", False),
        ("node:20-alpine", "curl", False),
        ("node:20-slim", "curl", False),
        ("node:20", "curl", True),
        ("ghcr.io/astral-sh/uv:0.5.0", "sh", False),
        ("ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "uv", True),
        ("ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "curl", False),
        ("ghcr.io/astral-sh/uv:python3.12-alpine", "bash", False),
        ("ghcr.io/acme/api:1", "sh", None),
        ("grafana/grafana", "curl", None),
    ],
)
def test_has_program(ref: str, program: str, expected: bool | None) -> None:
    assert has_program(ref, program) is expected


@pytest.mark.parametrize(
    ("ref", "version"),
    [
        ("python:3.12-slim", "3.12"),
        ("python:3.12", "3.12"),
        ("python:3.12-slim-bookworm", "3.12"),
        ("python:3.11.9-alpine3.20", "3.11"),
        ("docker.io/library/python:3.10.14", "3.10"),
        ("python:3.9-bullseye", "3.9"),
        ("python:3.15-rc-slim", "3.15"),
        ("python:3.15.0b3-slim", "3.15"),
        ("python:3.13-windowsservercore-ltsc2022", "3.13"),
        ("python", None),
        ("python:latest", None),
        ("python:slim", None),
        ("python:3-slim", None),
        ("python@sha256:0123abcd", None),
        ("python:${PY:-3.12}", None),
        ("ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "3.12"),
        ("ghcr.io/astral-sh/uv:0.5.4-python3.11-alpine", "3.11"),
        ("ghcr.io/astral-sh/uv:0.5.4", None),
        ("ghcr.io/astral-sh/uv:bookworm-slim", None),
        ("tiangolo/uvicorn-gunicorn-fastapi:python3.11", "3.11"),
        ("tiangolo/uvicorn-gunicorn-fastapi:python3.10-slim", "3.10"),
        ("postgres:16", None),
        ("node:3.12", None),
    ],
)
def test_python_version_of(ref: str, version: str | None) -> None:
    assert python_version_of(ref) == version


# --------------------------------------------------------------------------------------------
# Import names and transitive imports
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dist", "imports"),
    [
        ("PyYAML", ("yaml", "_yaml")),
        ("python-dotenv", ("dotenv",)),
        ("python_dotenv", ("dotenv",)),
        ("Pillow", ("PIL",)),
        ("beautifulsoup4", ("bs4",)),
        ("scikit-learn", ("sklearn",)),
        ("scikit-image", ("skimage",)),
        ("opencv-python", ("cv2",)),
        ("opencv-python-headless", ("cv2",)),
        ("PyJWT", ("jwt",)),
        ("psycopg2-binary", ("psycopg2",)),
        ("psycopg2", ("psycopg2",)),
        ("psycopg", ("psycopg",)),
        ("psycopg[binary,pool]", ("psycopg",)),
        ("psycopg-binary", ("psycopg_binary",)),
        ("python-dateutil", ("dateutil",)),
        ("attrs", ("attr", "attrs")),
        ("protobuf", ("google",)),
        ("grpcio", ("grpc",)),
        ("google-cloud-storage", ("google",)),
        ("google-cloud-bigquery", ("google",)),
        ("opentelemetry-sdk", ("opentelemetry",)),
        ("opentelemetry-instrumentation-fastapi", ("opentelemetry",)),
        ("uvicorn[standard]", ("uvicorn",)),
        ("uvicorn[standard]>=0.30", ("uvicorn",)),
        ("PyMySQL", ("pymysql",)),
        ("mysqlclient", ("MySQLdb",)),
        ("pyzmq", ("zmq",)),
        ("python-multipart", ("multipart", "python_multipart")),
        ("email-validator", ("email_validator",)),
        ("typing-extensions", ("typing_extensions",)),
        ("typing_extensions", ("typing_extensions",)),
        ("setuptools", ("setuptools", "pkg_resources", "_distutils_hack", "distutils")),
        ("msgpack", ("msgpack",)),
        ("pycryptodome", ("Crypto",)),
        ("pyOpenSSL", ("OpenSSL",)),
        ("python-jose[cryptography]", ("jose",)),
        ("django-environ", ("environ",)),
        ("python-decouple", ("decouple",)),
        ("djangorestframework", ("rest_framework",)),
        ("django-cors-headers", ("corsheaders",)),
        ("pytest-django", ("pytest_django",)),
        ("pytest-xdist", ("xdist",)),
        ("sentry-sdk[fastapi]", ("sentry_sdk",)),
        ("ruamel.yaml", ("ruamel",)),
        ("zope.interface", ("zope",)),
        ("types-requests", ()),
        ("azure-storage-blob", ("azure",)),
        ("Foo.Bar-baz", ("foo_bar_baz",)),
        ("requests", ("requests",)),
    ],
)
def test_import_names_for(dist: str, imports: tuple[str, ...]) -> None:
    assert import_names_for(dist) == imports


def test_import_name_overrides_win() -> None:
    overrides = {"My_Package": ["mypkg"], "PyYAML": ["custom_yaml"]}
    assert import_names_for("my-package", overrides) == ("mypkg",)
    assert import_names_for("pyyaml", overrides) == ("custom_yaml",)
    assert import_names_for("requests", overrides) == ("requests",)
    assert import_names_for("requests", None) == ("requests",)


def test_distributions_for_import() -> None:
    assert k.distributions_for_import("yaml") == ("pyyaml",)
    assert k.distributions_for_import("cv2.dnn") == (
        "opencv-contrib-python",
        "opencv-contrib-python-headless",
        "opencv-python",
        "opencv-python-headless",
    )
    assert k.distributions_for_import("requests") == ()


@pytest.mark.parametrize(
    ("dist", "expected"),
    [
        (
            "fastapi",
            {
                "starlette",
                "pydantic",
                "pydantic_core",
                "anyio",
                "typing_extensions",
                "annotated_types",
                "idna",
            },
        ),
        ("Flask", {"werkzeug", "jinja2", "itsdangerous", "click", "markupsafe", "blinker"}),
        ("celery", {"kombu", "billiard", "vine", "click", "amqp", "dateutil"}),
        ("sqlmodel", {"sqlalchemy", "pydantic", "pydantic_core", "typing_extensions"}),
        ("uvicorn", {"click", "h11"}),
        ("httpx", {"httpcore", "anyio", "certifi", "idna", "h11"}),
        ("requests", {"urllib3", "certifi", "idna", "charset_normalizer"}),
        ("django", {"asgiref", "sqlparse"}),
        ("pydantic", {"pydantic_core", "typing_extensions", "annotated_types"}),
        ("pydantic-settings", {"pydantic", "dotenv"}),
        ("boto3", {"botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"}),
        ("djangorestframework", {"django", "asgiref", "sqlparse"}),
    ],
)
def test_transitive_imports_include(dist: str, expected: set[str]) -> None:
    assert expected <= set(transitive_imports(dist))


def test_transitive_imports_exact() -> None:
    assert transitive_imports("uvicorn") == ("click", "h11")
    assert transitive_imports("django") == ("asgiref", "sqlparse")
    assert transitive_imports("flask") == (
        "blinker",
        "click",
        "itsdangerous",
        "jinja2",
        "markupsafe",
        "werkzeug",
    )
    assert transitive_imports("requests") == ("certifi", "charset_normalizer", "idna", "urllib3")
    assert transitive_imports("gunicorn") == ()
    assert transitive_imports("not-a-known-dist") == ()


def test_transitive_imports_with_extras() -> None:
    standard = {"httptools", "dotenv", "yaml", "uvloop", "watchfiles", "websockets"}
    assert standard <= set(transitive_imports("uvicorn[standard]"))
    assert set(transitive_imports("uvicorn", extras=["standard"])) == set(transitive_imports("uvicorn[standard]"))
    assert standard.isdisjoint(transitive_imports("uvicorn"))
    assert "psycopg_binary" in transitive_imports("psycopg[binary]")
    assert transitive_imports("psycopg") == ()


def test_transitive_excludes_own_and_conditional_names() -> None:
    assert "fastapi" not in transitive_imports("fastapi")
    assert "exceptiongroup" not in transitive_imports("anyio")  # only for Python < 3.11
    assert "async_timeout" not in transitive_imports("aiohttp")


def test_transitive_distributions() -> None:
    assert k.transitive_distributions("fastapi") == (
        "annotated-types",
        "anyio",
        "idna",
        "pydantic",
        "pydantic-core",
        "starlette",
        "typing-extensions",
    )


# --------------------------------------------------------------------------------------------
# Standard library
# --------------------------------------------------------------------------------------------


def test_stdlib_version_facts() -> None:
    assert "tomllib" not in stdlib_modules("3.10")
    assert "tomllib" in stdlib_modules("3.11")
    assert "distutils" in stdlib_modules("3.11")
    assert "distutils" not in stdlib_modules("3.12")
    assert "imp" in stdlib_modules("3.11")
    assert "imp" not in stdlib_modules("3.12")
    for gone in ("asynchat", "asyncore", "smtpd"):
        assert gone in stdlib_modules("3.11")
        assert gone not in stdlib_modules("3.12")
    assert "cgi" in stdlib_modules("3.12")
    assert "cgi" not in stdlib_modules("3.13")
    assert "annotationlib" in stdlib_modules("3.14")
    assert "zoneinfo" not in stdlib_modules("3.8")
    assert {"os", "sys", "json", "asyncio", "_thread", "__future__"} <= stdlib_modules("3.8")
    assert "_json" in stdlib_modules("3.9")  # C extensions are present for every version
    assert "test" not in stdlib_modules("3.8")
    assert "yaml" not in stdlib_modules("3.12")


@pytest.mark.parametrize(
    ("asked", "used"),
    [
        ("3.12.4", "3.12"),
        ("3.12", "3.12"),
        ("3.12-slim", "3.12"),
        ("3.7", "3.8"),
        ("2.7", "3.8"),
        ("3.15", "3.14"),
        ("4.0", "3.14"),
    ],
)
def test_stdlib_nearest_version(asked: str, used: str) -> None:
    assert stdlib_modules(asked) == stdlib_modules(used)


def test_stdlib_bad_version() -> None:
    with pytest.raises(ValueError, match="not a Python version"):
        stdlib_modules("latest")


def test_stdlib_versions_and_is_stdlib_module() -> None:
    assert k.stdlib_versions() == ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
    assert k.is_stdlib_module("os.path")
    assert k.is_stdlib_module("distutils.core")  # in some version
    assert not k.is_stdlib_module("distutils", "3.12")
    assert k.is_stdlib_module("tomllib", "3.11.2")
    assert not k.is_stdlib_module("requests")
