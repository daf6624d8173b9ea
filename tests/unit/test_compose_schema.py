"""Unit tests for PF101's compose-file checking (preflight.model.compose.schema and helpers)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from preflight.model.compose.cast import (
    CastKind,
    cast_interpolated,
    cast_kind_for,
    go_parse_bool,
    go_parse_duration,
    go_parse_float,
    go_parse_int,
    go_parse_octal,
    go_ram_in_bytes,
    shell_command_error,
)
from preflight.model.compose.schema import ProblemKind, SchemaProblem, suggest, validate_compose
from preflight.model.compose.schema_checks import port_spec_error, volume_spec_error
from preflight.model.compose.schema_spec import Obj, load_spec, path_matches, render_path

_YAML = YAML(typ="safe", pure=True)
UNKNOWN = ProblemKind.UNKNOWN_KEY
WRONG = ProblemKind.WRONG_TYPE
INVALID = ProblemKind.INVALID_VALUE
MISSING = ProblemKind.MISSING_REQUIRED
CAST = ProblemKind.CAST_ERROR


def load(text: str) -> dict[str, Any]:
    data = _YAML.load(text)
    assert isinstance(data, dict)
    return data


def web(body: str) -> dict[str, Any]:
    """A document with one service `web` (image x) plus the given service keys."""
    extra = load(body) if body.strip() else {}
    return {"services": {"web": {"image": "x", **extra}}}


def problems(doc: dict[str, object], **kwargs: bool) -> list[tuple[tuple[str | int, ...], ProblemKind, str]]:
    return [(p.path, p.kind, p.message) for p in validate_compose(doc, **kwargs)]


# --- typos and unknown keys -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "path", "message", "suggestion"),
    [
        (
            web("enviroment: {A: 1}"),
            ("services", "web", "enviroment"),
            'unknown key "enviroment" in service "web"; did you mean "environment"?',
            "environment",
        ),
        (
            {"services": {"web": {"Image": "x"}}},
            ("services", "web", "Image"),
            'unknown key "Image" in service "web"; did you mean "image"?',
            "image",
        ),
        (
            web("depends-on: [db]"),
            ("services", "web", "depends-on"),
            'unknown key "depends-on" in service "web"; did you mean "depends_on"?',
            "depends_on",
        ),
        (
            web("healthcheck: {timout: 5s}"),
            ("services", "web", "healthcheck", "timout"),
            'unknown key "timout" in services.web.healthcheck; did you mean "timeout"?',
            "timeout",
        ),
        (
            web("build: {contxt: .}"),
            ("services", "web", "build", "contxt"),
            'unknown key "contxt" in services.web.build; did you mean "context"?',
            "context",
        ),
        (
            {"servics": {}},
            ("servics",),
            'unknown key "servics" at the top level; did you mean "services"?',
            "services",
        ),
        (
            {"services": {}, "volumes": {"data": {"drivr": "local"}}},
            ("volumes", "data", "drivr"),
            'unknown key "drivr" in volume "data"; did you mean "driver"?',
            "driver",
        ),
        (
            web("deploy: {resources: {limits: {memroy: 1g}}}"),
            ("services", "web", "deploy", "resources", "limits", "memroy"),
            'unknown key "memroy" in services.web.deploy.resources.limits; did you mean "memory"?',
            "memory",
        ),
        (
            web("foobarbaz: 1"),
            ("services", "web", "foobarbaz"),
            'unknown key "foobarbaz" in service "web"',
            None,
        ),
    ],
)
def test_unknown_keys_with_suggestions(
    doc: dict[str, object], path: tuple[str | int, ...], message: str, suggestion: str | None
) -> None:
    assert validate_compose(doc) == [SchemaProblem(path, message, suggestion, UNKNOWN)]


def test_x_extensions_are_accepted_where_compose_allows_them() -> None:
    doc = load(
        """
        x-top: {anything: [1, 2]}
        services:
          web:
            image: x
            x-svc: 1
            build: {context: ., x-b: 1}
            healthcheck: {test: [CMD, "true"], x-h: 1}
            ports: [{target: 80, x-p: 1}]
            volumes: [{type: bind, source: ., target: /a, x-v: 1, bind: {x-bb: 1}}]
            deploy: {x-d: 1, resources: {x-r: 1, limits: {x-l: 1}}}
            depends_on: {db: {condition: service_started, x-dep: 1}}
            logging: {driver: json-file, x-log: 1}
            credential_spec: {file: a, x-c: 1}
          db: {image: x}
        networks: {n: {x-n: 1, ipam: {x-i: 1, config: [{subnet: 10.0.0.0/8, x-c: 1}]}}}
        volumes: {v: {x-v: 1}}
        secrets: {s: {file: ./s, x-s: 1}}
        configs: {c: {content: x, x-c: 1}}
        """
    )
    assert validate_compose(doc) == []


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ("blkio_config: {x-a: 1}", ("services", "web", "blkio_config", "x-a")),
        ("env_file: [{path: a.env, x-a: 1}]", ("services", "web", "env_file", 0, "x-a")),
        ("extends: {service: base, x-a: 1}", ("services", "web", "extends", "x-a")),
    ],
)
def test_x_extensions_are_rejected_where_compose_rejects_them(body: str, path: tuple[str | int, ...]) -> None:
    assert problems(web(body)) == [(path, UNKNOWN, f'unknown key "x-a" in {render_path(path[:-1])}')]


def test_x_key_under_services_is_a_service() -> None:
    # `services` has no x- extensions: an `x-` key there is validated as a service, as Compose does
    doc = load("services: {x-base: {restart: always, bogus: 1}}")
    assert problems(doc) == [(("services", "x-base", "bogus"), UNKNOWN, 'unknown key "bogus" in service "x-base"')]


def test_invalid_service_name() -> None:
    assert problems({"services": {"bad name": {"image": "x"}}}) == [
        (
            ("services", "bad name"),
            INVALID,
            'invalid service name "bad name": use only letters, digits, ".", "_" and "-"',
        )
    ]


# --- wrong types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "path", "message"),
    [
        (
            web("ports: [[80]]"),
            ("services", "web", "ports", 0),
            "services.web.ports[0] must be a string, number or mapping",
        ),
        (
            web("environment: {A: [1]}"),
            ("services", "web", "environment", "A"),
            "services.web.environment.A must be a string, number, boolean or null",
        ),
        ({"services": None}, ("services",), "services must be a mapping"),
        (web("command: 42"), ("services", "web", "command"), "services.web.command must be a string, list or null"),
        (
            web("healthcheck: {interval: 10}"),
            ("services", "web", "healthcheck", "interval"),
            "services.web.healthcheck.interval must be a string",
        ),
        (web("user: 1000"), ("services", "web", "user"), "services.web.user must be a string"),
        (web("scale: 2.5"), ("services", "web", "scale"), "services.web.scale must be a string or integer"),
        (
            web("environment: A=1"),
            ("services", "web", "environment"),
            "services.web.environment must be a list or mapping",
        ),
        (web("build: 42"), ("services", "web", "build"), "services.web.build must be a string or mapping"),
        (web("group_add: [1.5]"), ("services", "web", "group_add", 0), "services.web.group_add[0] must be a string"),
        (
            web("blkio_config: {weight: '300'}"),
            ("services", "web", "blkio_config", "weight"),
            "services.web.blkio_config.weight must be a number, not a string",
        ),
        (
            web("secrets: [{source: s, mode: 0.5}]"),
            ("services", "web", "secrets", 0, "mode"),
            "services.web.secrets[0].mode must be an integer or a string",
        ),
        (web("ports: [80.5]"), ("services", "web", "ports", 0), "services.web.ports[0] must be an integer or a string"),
        (
            web("ulimits: {nofile: 1.0}"),
            ("services", "web", "ulimits", "nofile"),
            "services.web.ulimits.nofile must be an integer or a mapping with soft and hard",
        ),
    ],
)
def test_wrong_types(doc: dict[str, object], path: tuple[str | int, ...], message: str) -> None:
    assert problems(doc) == [(path, WRONG, message)]


def test_non_string_keys_are_rejected_everywhere() -> None:
    doc: dict[str, object] = {"services": {"web": {"image": "x", "environment": {1: "a"}}}, "x-a": {None: 1}}
    assert problems(doc) == [
        (
            ("services", "web", "environment"),
            WRONG,
            "non-string key (int) in services.web.environment; quote it to make it a string",
        ),
        (("x-a",), WRONG, "non-string key (null) in x-a; quote it to make it a string"),
    ]


# --- enums, patterns, ranges ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "path", "message", "suggestion"),
    [
        (
            "depends_on: {db: {condition: service_healty}}",
            ("services", "web", "depends_on", "db", "condition"),
            'services.web.depends_on.db.condition must be one of "service_started", "service_healthy", '
            '"service_completed_successfully"; did you mean "service_healthy"?',
            "service_healthy",
        ),
        (
            "cgroup: hots",
            ("services", "web", "cgroup"),
            'services.web.cgroup must be one of "host", "private"; did you mean "host"?',
            "host",
        ),
        (
            "volumes: [{type: bund, source: /a, target: /b}]",
            ("services", "web", "volumes", 0, "type"),
            'services.web.volumes[0].type must be one of "bind", "volume", "tmpfs", "cluster", "npipe", "image"; '
            'did you mean "bind"?',
            "bind",
        ),
        (
            "deploy: {update_config: {order: start_first}}",
            ("services", "web", "deploy", "update_config", "order"),
            'services.web.deploy.update_config.order must be one of "start-first", "stop-first"; '
            'did you mean "start-first"?',
            "start-first",
        ),
        (
            "develop: {watch: [{path: ., action: syncc, target: /a}]}",
            ("services", "web", "develop", "watch", 0, "action"),
            'services.web.develop.watch[0].action must be one of "rebuild", "sync", "restart", "sync+restart", '
            '"sync+exec"; did you mean "sync"?',
            "sync",
        ),
        (
            "gpus: some",
            ("services", "web", "gpus"),
            'services.web.gpus must be one of "all"',
            None,
        ),
        (
            "pull_policy: alwyas",
            ("services", "web", "pull_policy"),
            "services.web.pull_policy has an invalid value (expected always, never, build, if_not_present, missing, "
            'refresh, daily, weekly, every_<duration>); did you mean "always"?',
            "always",
        ),
        (
            'container_name: "-"',
            ("services", "web", "container_name"),
            "services.web.container_name has an invalid value (must match [a-zA-Z0-9][a-zA-Z0-9_.-]+)",
            None,
        ),
        (
            "healthcheck: {test: [cmd, curl]}",
            ("services", "web", "healthcheck", "test", 0),
            'services.web.healthcheck.test[0] must be "CMD", "CMD-SHELL" or "NONE"; did you mean "CMD"?',
            "CMD",
        ),
    ],
)
def test_bad_enum_and_pattern_values(
    body: str, path: tuple[str | int, ...], message: str, suggestion: str | None
) -> None:
    doc = web(body)
    doc["services"]["db"] = {"image": "x"}
    assert validate_compose(doc) == [SchemaProblem(path, message, suggestion, INVALID)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("cpu_percent: 150", "services.web.cpu_percent must be at most 100"),
        ("oom_score_adj: -2000", "services.web.oom_score_adj must be at least -1000"),
        ("scale: -1", "services.web.scale must not be negative"),
        ("healthcheck: {retries: -1}", "services.web.healthcheck.retries must not be negative"),
    ],
)
def test_ranges(body: str, message: str) -> None:
    assert [p[2] for p in problems(web(body))] == [message]


# --- durations, sizes, commands, casts --------------------------------------------------------

DURATION = 'is not a valid duration (expected a number with a unit, e.g. "30s", "1m30s", "2h")'


@pytest.mark.parametrize("value", ["10x", "5 s", "", "1S", ".", "10", "1000000000000h", "1m30"])
def test_bad_durations(value: str) -> None:
    doc = web("healthcheck: {}")
    for key in ("interval", "timeout", "start_period", "start_interval"):
        doc["services"]["web"]["healthcheck"][key] = value
    doc["services"]["web"]["stop_grace_period"] = value
    assert [p[2] for p in problems(doc)] == [
        f"services.web.healthcheck.{key} {DURATION}"
        for key in ("interval", "timeout", "start_period", "start_interval")
    ] + [f"services.web.stop_grace_period {DURATION}"]


@pytest.mark.parametrize("value", ["1m30s", "1.5h", "2d", "1w2d", "0", "-5s", ".5s", "5.s", "1µs", "300ms"])
def test_good_durations(value: str) -> None:
    doc = web("healthcheck: {}")
    doc["services"]["web"]["healthcheck"]["interval"] = value
    doc["services"]["web"]["deploy"] = {"restart_policy": {"delay": value, "window": value}}
    assert validate_compose(doc) == []


def test_retries_from_a_variable_is_cast_then_valid() -> None:
    # `retries: $HEALTHCHECK_RETRIES` with HEALTHCHECK_RETRIES=3 interpolates to the string "3"
    doc = web("healthcheck: {test: [CMD, 'true'], retries: '3', disable: 'false'}")
    assert validate_compose(doc) == []


def test_uncastable_values_are_cast_errors() -> None:
    doc = web("healthcheck: {retries: three}\nprivileged: maybe\ncpus: half\nports: [{target: http}]")
    doc["networks"] = {"n": {"external": "perhaps"}}
    assert problems(doc) == [
        (
            ("services", "web", "healthcheck", "retries"),
            CAST,
            "services.web.healthcheck.retries must be an integer: "
            "the value (after variable substitution) cannot be converted",
        ),
        (
            ("services", "web", "privileged"),
            CAST,
            "services.web.privileged must be a boolean: the value (after variable substitution) cannot be converted",
        ),
        (
            ("services", "web", "cpus"),
            CAST,
            "services.web.cpus must be a number: the value (after variable substitution) cannot be converted",
        ),
        (
            ("services", "web", "ports", 0, "target"),
            CAST,
            "services.web.ports[0].target must be an integer: "
            "the value (after variable substitution) cannot be converted",
        ),
        (
            ("networks", "n", "external"),
            CAST,
            "networks.n.external must be a boolean: the value (after variable substitution) cannot be converted",
        ),
    ]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("services", "web", "healthcheck", "retries"), "3", 3),
        (("services", "web", "healthcheck", "retries"), "+3", 3),
        (("services", "web", "privileged"), "yes", True),
        (("services", "web", "privileged"), "FALSE", False),
        (("services", "web", "cpus"), "0.5", 0.5),
        (("services", "web", "cpu_count"), "-2", -2),
        (("services", "web", "ports", 0, "target"), "80", 80),
        (("services", "web", "ulimits", "nofile"), "1024", 1024),
        (("services", "web", "ulimits", "nofile", "soft"), "10", 10),
        (("services", "web", "volumes", 3, "volume", "nocopy"), "on", True),
        (("services", "web", "deploy", "update_config", "max_failure_ratio"), "1e-1", 0.1),
        (("volumes", "data", "external"), "true", True),
        (("services", "web", "image"), "3", "3"),
        (("services", "web", "ports", 0), "80", "80"),
        (("services", "web", "build", "ulimits", "nofile"), "1024", "1024"),
        (("x-retries",), "3", "3"),
    ],
)
def test_cast_interpolated(path: tuple[str | int, ...], value: str, expected: object) -> None:
    result = cast_interpolated(path, value)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("path", "value", "word"),
    [
        (("services", "web", "healthcheck", "retries"), "", "an integer"),
        (("services", "web", "healthcheck", "retries"), "1.0", "an integer"),
        (("services", "web", "healthcheck", "retries"), " 1", "an integer"),
        (("services", "web", "healthcheck", "retries"), "9223372036854775808", "an integer"),
        (("services", "web", "privileged"), "1", "a boolean"),
        (("services", "web", "cpus"), "1e40", "a number"),
        (("configs", "c", "external"), "t", "a boolean"),
    ],
)
def test_cast_interpolated_failures(path: tuple[str | int, ...], value: str, word: str) -> None:
    message = f"{render_path(path)} must be {word}: the value (after variable substitution) cannot be converted"
    assert cast_interpolated(path, value) == SchemaProblem(path, message, None, CAST)


def test_cast_kinds() -> None:
    assert cast_kind_for(("services", "a", "scale")) is CastKind.INT
    assert cast_kind_for(("services", "a", "cpus")) is CastKind.FLOAT32
    assert cast_kind_for(("services", "a", "init")) is CastKind.BOOL
    assert cast_kind_for(("services", "a", "ports", "x", "target")) is None  # `[]` only matches list indexes
    assert cast_kind_for(("services", "a", "ports", 2, "target")) is CastKind.INT
    assert cast_kind_for(("services", "a", "image")) is None


def test_size_command_and_other_decodings() -> None:
    doc = web(
        "mem_limit: 512x\n"
        'command: "echo \'hi"\n'
        "entrypoint: echo $(date\n"
        "attach: nope\n"
        "deploy: {resources: {limits: {cpus: lots}, reservations: {devices: [{capabilities: [gpu], count: many}]}}}\n"
        "secrets: [{source: s, mode: '0998'}]\n"
    )
    doc["secrets"] = {"s": {"environment": "S"}}
    base = ("services", "web")
    assert problems(doc) == [
        (
            (*base, "mem_limit"),
            INVALID,
            'services.web.mem_limit is not a valid size (expected a number of bytes or e.g. "512m", "2g")',
        ),
        (
            (*base, "command"),
            INVALID,
            "services.web.command cannot be split into words: unbalanced quote, escape or parenthesis",
        ),
        (
            (*base, "entrypoint"),
            INVALID,
            "services.web.entrypoint cannot be split into words: unbalanced quote, escape or parenthesis",
        ),
        ((*base, "attach"), INVALID, "services.web.attach must be a boolean (true or false)"),
        (
            (*base, "deploy", "resources", "limits", "cpus"),
            INVALID,
            "services.web.deploy.resources.limits.cpus must be a number",
        ),
        (
            (*base, "deploy", "resources", "reservations", "devices", 0, "count"),
            INVALID,
            'services.web.deploy.resources.reservations.devices[0].count must be "all" or an integer',
        ),
        (
            (*base, "secrets", 0, "mode"),
            INVALID,
            'services.web.secrets[0].mode is not a valid octal file mode (e.g. "0440")',
        ),
    ]


# --- short and long syntaxes ------------------------------------------------------------------


def test_valid_short_and_long_syntaxes() -> None:
    doc = web(
        """
        ports:
          - "8000:8000"
          - 9000
          - "127.0.0.1:9001-9002:9001-9002/udp"
          - "[::1]:80:80"
          - "8080-8090:80"
          - target: 80
            published: "8080"
            protocol: tcp
            mode: host
            host_ip: 0.0.0.0
        expose: ["3000", 3001]
        volumes:
          - ./src:/app/src:ro
          - data:/var/data
          - /anonymous
          - C:\\data:/data
          - type: bind
            source: ./conf
            target: /etc/conf
            read_only: true
            bind: {propagation: rprivate, create_host_path: true, selinux: z}
          - type: tmpfs
            target: /t
            tmpfs: {size: 10m, mode: 1777}
        environment: [A=1, B]
        env_file:
          - .env
          - {path: ./extra.env, required: false, format: raw}
        depends_on:
          db: {condition: service_healthy, restart: true, required: false}
        command: [python, -m, app]
        entrypoint: null
        healthcheck: {test: "curl -f http://localhost", interval: 30s, retries: 3, start_period: 1m}
        extra_hosts: ["db.local=10.0.0.2", "other:10.0.0.3"]
        ulimits: {nproc: 65535, nofile: {soft: 1024, hard: 2048}}
        devices: ["/dev/ttyUSB0:/dev/ttyUSB0:rwm", {source: /dev/a, target: /dev/b}]
        build:
          context: .
          args: {PY: "3.12"}
          ssh: [default]
          additional_contexts: ["extra=./extra"]
          secrets: [token]
        """
    )
    doc["services"]["db"] = {"image": "x"}
    doc["secrets"] = {"token": {"environment": "TOKEN"}}
    assert validate_compose(doc) == []


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("8080:80", None),
        ("80", None),
        ("127.0.0.1::80", None),
        ("::1:80:80", None),
        ("80/http", "invalid protocol (expected tcp, udp or sctp)"),
        ("80/", None),
        ("[::1:80:80", "invalid host IP address"),
        ("300.0.0.1:80:80", "invalid host IP address"),
        ("65536:80", "invalid host port"),
        ("80:65536", "invalid container port"),
        ("+80", "invalid container port"),
        ("80-79", "invalid container port"),
        ("0", "the container port must not be 0"),
        ("8000-8001:80-82", "the host and container port ranges differ in size"),
        (":80", None),
        ("80:", "invalid protocol (expected tcp, udp or sctp)"),
    ],
)
def test_port_spec(spec: str, reason: str | None) -> None:
    assert port_spec_error(spec) == reason


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("/a:/b:rw", None),
        ("a:b:c:d", None),  # "a:" is read as a Windows drive letter
        ("/a:/b:ro:q", "too many colons"),
        ("/a::/b", "empty section between colons"),
        ("/a:/b:", "empty section between colons"),
        ("", "empty volume"),
        ("ab", None),
        ("${X:-/a}:/b", None),
    ],
)
def test_volume_spec(spec: str, reason: str | None) -> None:
    assert volume_spec_error(spec) == reason


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ("echo hi", True),
        ("echo 'hi", False),
        ('echo "hi', False),
        ("echo hi\\", False),
        ("echo $(date)", True),
        ("echo $(date", False),
        ("echo (x)", False),
        ("echo x; echo 'y", True),
        ("echo `date`", True),
        ("echo `date", False),
        ("echo a)", False),
        ("sh -c 'exec \"$@\"' --", True),
    ],
)
def test_shell_command(line: str, ok: bool) -> None:
    assert (shell_command_error(line) is None) is ok


# --- Go-compatible scalar parsers -------------------------------------------------------------


def test_go_scalar_parsers() -> None:
    assert go_parse_int("+1") == 1
    assert go_parse_int("1_0") is None
    assert go_parse_int("0x10") is None
    assert go_parse_octal("0440") == 288
    assert go_parse_octal("0998") is None
    assert go_parse_bool("On") is True
    assert go_parse_bool("t") is None
    assert go_parse_float("1_0") == 10.0
    assert go_parse_float("0x1p-2") == 0.25
    assert go_parse_float("Infinity") == float("inf")
    assert go_parse_float("5.") == 5.0
    assert go_parse_float(" 1") is None
    assert go_parse_float("1e40", 32) is None
    assert go_parse_duration("1m30s") == 90_000_000_000
    assert go_parse_duration("1.5h") == 5_400_000_000_000
    assert go_parse_duration("-0") == 0
    assert go_parse_duration("1") is None
    assert go_ram_in_bytes("512m") == 512 * 1024**2
    assert go_ram_in_bytes("1.5g") == int(1.5 * 1024**3)
    assert go_ram_in_bytes("10 MB") == 10 * 1024**2
    assert go_ram_in_bytes("512mib") == 512 * 1024**2
    assert go_ram_in_bytes("512mbb") is None
    assert go_ram_in_bytes("-1") is None


# --- other checks -----------------------------------------------------------------------------


def test_duplicates_in_unique_lists() -> None:
    doc = web("depends_on: [a, a]\nenvironment: [A=1, A=1]\nsecurity_opt: [x, x]")
    doc["services"]["a"] = {"image": "x"}
    assert problems(doc) == [
        (
            ("services", "web", "depends_on", 1),
            INVALID,
            "services.web.depends_on[1] repeats item [0]; list items must be unique",
        ),
        (
            ("services", "web", "security_opt", 1),
            INVALID,
            "services.web.security_opt[1] repeats item [0]; list items must be unique",
        ),
    ]


def test_missing_required_keys() -> None:
    doc = web("depends_on: {db: {restart: true}}\nvolumes: [{type: volume, source: data}]\nports: [{published: 80}]")
    doc["models"] = {"m": {"name": "x"}}
    assert problems(doc) == [
        (
            ("services", "web", "depends_on", "db"),
            MISSING,
            'missing required key "condition" in services.web.depends_on.db',
        ),
        (("services", "web", "volumes", 0), MISSING, 'missing required key "target" in services.web.volumes[0]'),
        (("services", "web", "ports", 0), MISSING, 'missing required key "target" in services.web.ports[0]'),
        (("models", "m"), MISSING, 'missing required key "model" in model "m"'),
    ]


def test_project_checks_and_whole_project_flag() -> None:
    doc = web("ports: [{target: 80, host_ip: localhost}]\nenvironment: ['A =1']\nextra_hosts: [somehost]")
    doc["secrets"] = {"s": {"name": "x"}}
    doc["volumes"] = {"v": {"external": "true", "driver": "local"}}
    assert problems(doc) == [
        (
            ("services", "web", "ports", 0, "host_ip"),
            INVALID,
            "services.web.ports[0].host_ip is not a valid IP address",
        ),
        (
            ("services", "web", "environment", 0),
            INVALID,
            "services.web.environment[0] has a variable name ending with a space",
        ),
        (("services", "web", "extra_hosts", 0), INVALID, "services.web.extra_hosts[0] must be HOST=IP (or HOST:IP)"),
        (("secrets", "s"), MISSING, 'one of "file", "environment" must be set in secret "s"'),
        (("volumes", "v", "driver"), INVALID, '"driver" conflicts with "external" in volume "v"'),
    ]
    assert problems(doc, whole_project=False) == []


def test_service_consistency() -> None:
    doc = web(
        "cpus: 2\nmem_limit: 1g\nscale: 2\ncontainer_name: web\n"
        "deploy: {replicas: 3, resources: {limits: {cpus: '1', memory: 1024m}}}"
    )
    assert [p[2] for p in problems(doc)] == [
        "services.web: cpus and deploy.resources.limits.cpus are set to different values",
        "services.web: scale and deploy.replicas are set to different values",
        "services.web: container_name cannot be used with more than one replica",
    ]


def test_messages_never_repeat_values() -> None:
    secret = "s3cr3t-Value"  # noqa: S105 - a marker that must never show up in messages
    doc = web("")
    service = doc["services"]["web"]
    service.update(
        {
            "environment": {"PASSWORD": [secret]},
            "ports": [secret],
            "volumes": [f"{secret}::/x"],
            "mem_limit": secret,
            "cgroup": secret,
            "pull_policy": secret,
            "command": f"'{secret}",
            "cpus": secret,
            "healthcheck": {"retries": secret, "interval": secret, "test": [secret]},
            "extra_hosts": [secret],
            "labels": {"a": {"b": secret}},
        }
    )
    found = validate_compose(doc)
    assert len(found) == 13
    assert all(secret not in p.message and p.suggestion != secret for p in found)


# --- helpers ----------------------------------------------------------------------------------


def test_suggest() -> None:
    assert suggest("enviroment", ["environment", "entrypoint"]) == "environment"
    assert suggest("DEPENDS-ON", ["depends_on"]) == "depends_on"
    assert suggest("zzz", ["environment"]) is None


def test_paths() -> None:
    assert render_path(("services", "web", "ports", 0, "target")) == "services.web.ports[0].target"
    assert render_path(()) == "(top level)"
    assert path_matches(("services", "web", "ports", 1, "target"), ("services", "*", "ports", "[]", "target"))
    assert not path_matches(("services", "web", "ports", "1", "target"), ("services", "*", "ports", "[]", "target"))
    assert path_matches(("a", 3), ("a", "*"))


def test_spec_covers_every_service_key() -> None:
    service = load_spec().root
    assert isinstance(service, Obj)
    services = service.props["services"]
    assert isinstance(services, Obj)
    definition = services.patterns[0][1]
    assert isinstance(definition, Obj)
    assert sorted(definition.props) == sorted(
        [
            "annotations",
            "attach",
            "blkio_config",
            "build",
            "cap_add",
            "cap_drop",
            "cgroup",
            "cgroup_parent",
            "command",
            "configs",
            "container_name",
            "cpu_count",
            "cpu_percent",
            "cpu_period",
            "cpu_quota",
            "cpu_rt_period",
            "cpu_rt_runtime",
            "cpu_shares",
            "cpus",
            "cpuset",
            "credential_spec",
            "depends_on",
            "deploy",
            "develop",
            "device_cgroup_rules",
            "devices",
            "dns",
            "dns_opt",
            "dns_search",
            "domainname",
            "entrypoint",
            "env_file",
            "environment",
            "expose",
            "extends",
            "external_links",
            "extra_hosts",
            "gpus",
            "group_add",
            "healthcheck",
            "hostname",
            "image",
            "init",
            "ipc",
            "isolation",
            "label_file",
            "labels",
            "links",
            "logging",
            "mac_address",
            "mem_limit",
            "mem_reservation",
            "mem_swappiness",
            "memswap_limit",
            "models",
            "network_mode",
            "networks",
            "oom_kill_disable",
            "oom_score_adj",
            "pid",
            "pids_limit",
            "platform",
            "ports",
            "post_start",
            "pre_stop",
            "privileged",
            "profiles",
            "provider",
            "pull_policy",
            "pull_refresh_after",
            "read_only",
            "restart",
            "runtime",
            "scale",
            "secrets",
            "security_opt",
            "shm_size",
            "stdin_open",
            "stop_grace_period",
            "stop_signal",
            "storage_opt",
            "sysctls",
            "tmpfs",
            "tty",
            "ulimits",
            "use_api_socket",
            "user",
            "userns_mode",
            "uts",
            "volumes",
            "volumes_from",
            "working_dir",
        ]
    )
    assert sorted(service.props) == [
        "configs",
        "include",
        "models",
        "name",
        "networks",
        "secrets",
        "services",
        "version",
        "volumes",
    ]


def test_version_is_accepted() -> None:
    assert validate_compose({"version": "3.8", "services": {}}) == []
    assert problems({"version": 3.8, "services": {}}) == [(("version",), WRONG, "version must be a string")]


# --- robustness -------------------------------------------------------------------------------

_MARKER = "MARKER-value-7"
_KEY_WORDS = "services web image ports environment healthcheck retries interval test deploy resources limits cpus"
_KEY_WORDS += " volumes build context x-a networks external ulimits nofile soft target type secrets file name command"
_KEYS = st.sampled_from([*_KEY_WORDS.split(), "depends_on", "condition"])
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(["80:80", "1m", "true", "3", "/a:/b", "0440", "CMD", "bind", _MARKER]),
)
_VALUES = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5), max_leaves=25
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(_KEYS, _VALUES, max_size=4)
    | st.fixed_dictionaries(
        {"services": st.dictionaries(st.sampled_from(["web", "db"]), st.dictionaries(_KEYS, _VALUES))}
    )
)
@pytest.mark.slow
def test_never_crashes_and_never_leaks_values(doc: dict[str, object]) -> None:
    for problem in validate_compose(doc):
        assert isinstance(problem, SchemaProblem)
        assert _MARKER not in problem.message
        assert problem.suggestion != _MARKER
