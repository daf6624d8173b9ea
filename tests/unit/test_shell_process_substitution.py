"""Shell text as words: process substitution (`<(...)`) is one word nobody can know."""

from __future__ import annotations

from preflight.model.image.installs import shell_commands
from preflight.parse.shell.words import Subst, Word, lex_script


def test_process_substitution_is_one_word_of_a_command_substitution() -> None:
    tokens = lex_script("uv pip install -r <(uv export --frozen) && cat <x")
    words = [t for t in tokens if isinstance(t, Word)]
    assert [w.raw for w in words] == ["uv", "pip", "install", "-r", "<(uv export --frozen)", "cat", "x"]
    assert words[4].parts == (Subst("uv export --frozen", False, 20),)  # after `<(`


def test_install_arguments_from_process_substitution_are_unknown_and_redirections_stay() -> None:
    commands = shell_commands(
        "pip install uv && uv pip install -r <(uv export --no-dev) && pip install -r a.txt < /dev/null"
    )
    assert commands == [
        ["pip", "install", "uv"],
        ["uv", "pip", "install", "-r", "$(process substitution)"],
        ["pip", "install", "-r", "a.txt", "<", "/dev/null"],
    ]
    assert shell_commands("cat <(echo $((1 + 2))) ; pip install -r r.txt") == [
        ["cat", "$(process substitution)"],
        ["pip", "install", "-r", "r.txt"],
    ]
