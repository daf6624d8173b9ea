"""Names a shell script assigns (`preflight.parse.shell.assigned`) and the loop names of `split_commands`."""

from __future__ import annotations

import pytest

from preflight.parse.shell.assigned import shell_assigned_names
from preflight.parse.shell.commands import split_commands
from preflight.parse.shell.words import lex_script


@pytest.mark.parametrize(
    ("script", "names"),
    [
        ("for h in localhost 127.0.0.1; do pg_isready -h $h && exit 0; done", {"h"}),
        ("for x\ndo echo $x; done", {"x"}),
        ("select choice in a b; do break; done", {"choice"}),
        ("while read -r host port; do echo $host:$port; done < /etc/hosts", {"host", "port"}),
        ("export A=1 B; X=2 cmd $X; readonly R=$(date)", {"A", "X", "R"}),
        ("getopts ab opt", {"opt"}),
        ("mapfile lines < f", {"lines"}),
        ("sh -c 'for i in 1 2; do echo $i; done'", {"i"}),
        ("bash -ec 'N=3; echo $N'", {"N"}),
        # the outer shell expands `$N` in double quotes before bash assigns it
        ('bash -c "N=3; echo $N"', set()),
        ("echo $HOME; for_each x in y", set()),
        ("echo 'for q in a; do :; done'", set()),
    ],
)
def test_assigned_names(script: str, names: set[str]) -> None:
    assert shell_assigned_names(script) == frozenset(names)


def test_unreadable_script_is_none() -> None:
    assert shell_assigned_names("echo $(") is None


def test_loop_names_keep_the_header_variable_only() -> None:
    parsed = split_commands(lex_script("for a in 1 2; do for b in x; do echo $a $b; done; done"))
    assert parsed.loop_names == ["a", "b"]
    assert all("in" not in [w.plain for w in c.words] for c in parsed.out if hasattr(c, "connector"))
