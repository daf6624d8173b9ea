"""Compose's merge rules on positioned YAML nodes (the differential test checks them against compose)."""

from __future__ import annotations

from pathlib import Path

from preflight.config import Config
from preflight.model.build import build_project
from preflight.model.compose.merge import as_mapping, clean, compose_file_root, merge_maps
from preflight.model.compose.paths import rebase_service
from preflight.model.compose.unicity import enforce_unicity
from preflight.parse.yaml import OVERRIDE, RESET, YMap, YNode, YScalar, parse_yaml, to_plain


def _root(text: str) -> YMap:
    document = parse_yaml(text, "c.yaml")
    assert not document.problems
    assert isinstance(document.root, YMap)
    return document.root


def _merged(*texts: str) -> object:
    result = _root(texts[0])
    for text in texts[1:]:
        result = merge_maps(result, _root(text), ())
    return to_plain(clean(result))


def test_merge_tags_are_recorded_and_reset_nodes_are_not_data() -> None:
    root = _root("a: !reset\nb: !override [1]\nc: !override 8080\nd: [x, !reset y]\n")
    assert [v.tag for _, v in root.items] == [RESET, OVERRIDE, OVERRIDE, None]
    c = root.get("c")
    assert c is not None
    assert c == YScalar(8080, c.span, tag=OVERRIDE)
    assert to_plain(root) == {"b": [1], "c": 8080, "d": ["x"]}


def test_null_keeps_the_base_value_but_not_for_command() -> None:
    base = "services: {s: {image: a, environment: {A: '1'}, command: [run]}}"
    override = "services: {s: {image: , environment: , command: }}"
    assert _merged(base, override) == {"services": {"s": {"image": "a", "environment": {"A": "1"}, "command": None}}}


def test_reset_removes_override_replaces_and_a_later_file_sets_again() -> None:
    base = "services: {s: {ports: ['80:80'], environment: {A: '1'}, labels: [a=1]}}"
    reset = "services: {s: {ports: !reset [], environment: !override {B: '2'}, labels: !reset null}}"
    later = "services: {s: {ports: ['81:81']}}"
    assert _merged(base, reset) == {"services": {"s": {"environment": {"B": "2"}}}}
    assert _merged(base, reset, later) == {"services": {"s": {"environment": {"B": "2"}, "ports": ["81:81"]}}}


def test_list_or_mapping_attributes_merge_by_name() -> None:
    base = "services: {s: {environment: [A=1, B=2], networks: [front, back], depends_on: [db], build: ./app}}"
    override = "services: {s: {environment: {B: '3'}, networks: [front], depends_on: {db: {condition: service_healthy}}, build: {dockerfile: D}}}"  # noqa: E501
    assert _merged(base, override) == {
        "services": {
            "s": {
                "environment": {"A": "1", "B": "3"},
                "networks": {"front": None, "back": None},
                "depends_on": {"db": {"condition": "service_healthy", "required": True}},
                "build": {"context": "./app", "dockerfile": "D"},
            }
        }
    }


def test_duplicates_keep_the_first_position_and_the_last_value() -> None:
    service = _root("ports: ['80:80', '81:81', '80:80/tcp']\nvolumes: [./a:/data, vol:/data:ro]\nprofiles: [x, y, x]\n")
    plain = to_plain(enforce_unicity(service, ("services", "s")))
    assert plain == {"ports": ["80:80/tcp", "81:81"], "volumes": ["vol:/data:ro"], "profiles": ["x", "y"]}
    listed = _root("e: [A=1, B=2, A=3]").get("e")
    assert listed is not None
    env = as_mapping(listed)
    assert to_plain(env) == {"A": "3", "B": "2"}


def test_rebased_paths_keep_their_text_as_written() -> None:
    service = _root("build: ./ctx\nenv_file: [a.env, {path: /abs.env}]\nvolumes: ['./d:/d', 'named:/n', /anon]\n")
    rebased = rebase_service(service, Path("/lib"))
    assert to_plain(rebased) == {
        "build": "/lib/ctx",
        "env_file": ["/lib/a.env", {"path": "/abs.env"}],
        "volumes": ["/lib/d:/d", "named:/n", "/anon"],
    }
    context = rebased.get("build")
    assert isinstance(context, YScalar)
    assert context.as_written() == "./ctx"


def _service_node(tmp_path: Path, files: dict[str, str], compose_files: tuple[str, ...] = ()) -> YNode:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    project = build_project(tmp_path, Config(compose_files=compose_files))
    (compose,) = project.compose
    assert not compose.problems, compose.problems
    return compose.services["s"].node


def test_a_single_file_drops_its_reset_nodes(tmp_path: Path) -> None:
    node = _service_node(tmp_path, {"compose.yaml": "services:\n  s:\n    image: x\n    environment: !reset {}\n"})
    assert to_plain(node) == {"image": "x"}


def test_compose_file_in_dotenv_is_a_project_without_default_file(tmp_path: Path) -> None:
    files = {".env": "COMPOSE_FILE=a.yaml:b.yaml\n", "a.yaml": "services: {s: {image: a}}\n"}
    files["b.yaml"] = "services: {s: {environment: {X: '1'}}}\n"
    assert to_plain(_service_node(tmp_path, files)) == {"image": "a", "environment": {"X": "1"}}


def test_documents_of_one_compose_file_are_successive_overrides() -> None:
    document = parse_yaml("services:\n  a:\n    image: x\n---\nservices:\n  a:\n    ports: ['80']\n", "c.yaml")
    assert len(document.documents) == 2
    assert to_plain(document.root) == {"services": {"a": {"image": "x"}}}
    assert to_plain(compose_file_root(document)) == {"services": {"a": {"image": "x", "ports": ["80"]}}}
    assert compose_file_root(parse_yaml("", "c.yaml")) is None
