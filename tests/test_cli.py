"""The `earned` command as a whole (earned/cli/__init__.py): the parser and its help, where
each command is declared, importing only the command being run, and how errors end a run.
Each command module has its own file: tests/test_cli_<module>.py."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from earned import cli
from earned.cli import common
from tests.support.cli import call, commands, earned, env, heavy_imports_after, subcommands
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")

MODULES = sorted(set(cli.COMMAND_MODULES.values()))


# --- where each command lives --------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_each_module_declares_exactly_the_commands_listed_for_it(module: str) -> None:
    declared = importlib.import_module(f"earned.cli.{module}").COMMANDS
    assert all(isinstance(c, common.Command) for c in declared)
    listed = [name for name, where in cli.COMMAND_MODULES.items() if where == module]
    assert sorted(c.name for c in declared) == sorted(listed)


def test_a_command_imports_its_own_module_and_no_other() -> None:
    code = """
import contextlib, io, sys
from earned import cli
with contextlib.redirect_stdout(io.StringIO()):
    try:
        cli.main(["log", "--help"])
    except SystemExit:
        pass
print(",".join(sorted(m for m in sys.modules if m.startswith("earned.cli."))))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env(), timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["earned.cli.capture,earned.cli.care,earned.cli.common"]


# --- help and start-up cost ----------------------------------------------------------------


def test_help_and_every_subcommand_help_import_nothing_heavy() -> None:
    code = f"""
import contextlib, io
from earned import cli
for argv in [["--help"], *[[name, "--help"] for name in {sorted(commands())!r}]]:
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            cli.main(argv)
        except SystemExit as exc:
            assert exc.code == 0, argv
"""
    assert heavy_imports_after(code) == []


def test_python_m_earned_help() -> None:
    done = earned("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: earned")
    for name in commands():
        assert name in done.stdout


def test_help_lists_the_commands_in_the_registrys_order() -> None:
    assert list(commands()) == list(cli.COMMAND_MODULES)


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    parser = commands()[name]
    assert parser.description
    with pytest.raises(SystemExit) as exit_info:
        cli.main([name, "--help"])
    assert exit_info.value.code == 0
    out = "".join(capsys.readouterr().out.split())  # wrapping may split words at hyphens
    assert "".join(parser.description.split()) in out
    for action in parser._actions:
        assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_every_global_option_has_help() -> None:
    for action in cli.build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue  # each command's help is checked above
        assert action.help, action.option_strings or action.dest


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    result = call(capsys)
    assert result.code == 2
    assert "usage: earned" in result.out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["log", "5"], "log"),
        (["--profile", "x", "--passphrase-file", "p", "settle"], "settle"),
        (["--profile=x", "open"], "open"),
        (["--help", "log"], None),
        (["--prof", "x", "log"], None),
        ([], None),
    ],
)
def test_the_command_is_found_before_parsing(argv: list[str], expected: str | None) -> None:
    assert cli._command_in(argv) == expected


def test_a_commands_own_parser_equals_its_part_of_the_full_one() -> None:
    full = commands()
    for name in cli.COMMAND_MODULES:
        alone = subcommands(cli.build_parser(only=name))
        assert list(alone) == [name]
        assert alone[name].format_help() == full[name].format_help()


def test_an_unknown_command_is_a_usage_error_listing_the_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["lgo", "5"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'lgo'" in err and "'log'" in err


# --- the options every command takes ------------------------------------------------------


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version

    done = earned("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"earned {version('earned')}\n"


def test_version_imports_nothing_heavy() -> None:
    code = """
import contextlib, io
from earned import cli
with contextlib.redirect_stdout(io.StringIO()):
    try:
        cli.main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
"""
    assert heavy_imports_after(code) == []


@pytest.mark.parametrize(
    ("argv", "profile", "pw"),
    [
        (["--profile", "a", "--passphrase-file", "p", "log", "5"], "a", "p"),
        (["log", "5", "--profile", "a", "--passphrase-file", "p"], "a", "p"),
        (["log", "--profile=a", "5", "--passphrase-file=p"], "a", "p"),
        (["--profile", "a", "log", "5", "--passphrase-file", "p"], "a", "p"),
        (["log", "5"], "default", None),
        (["--profile", "a", "log", "5"], "a", None),
    ],
)
def test_profile_and_passphrase_file_go_before_or_after_the_command(
    argv: list[str], profile: str, pw: str | None
) -> None:
    for parser in (cli.build_parser(), cli.build_parser(only="log")):
        args = parser.parse_args(argv)
        assert args.profile == profile
        assert args.passphrase_file == (Path(pw) if pw else None)


@pytest.mark.usefixtures("data_dir")
@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
def test_a_profile_named_before_or_after_the_command_is_the_one_used(
    after: bool, pw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from earned import paths

    words = ["--profile", "second", "--passphrase-file", str(pw)]
    argv = ["init", *words] if after else [*words, "init"]
    made = call(capsys, *argv)
    assert made.code == 0, made.err
    assert paths.profile("second").exists
    assert not paths.profile().exists
    shown = call(capsys, "results", *words) if after else call(capsys, *words, "results")
    assert shown.code == 0, shown.err
    assert "There are no results yet." in shown.out


# --- how a run ends ------------------------------------------------------------------------


def test_unexpected_errors_show_no_traceback_or_data(
    journal: Journal, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("private journal text")

    monkeypatch.setattr("earned.results.summarise", boom)
    result = call(capsys, "results", pw=journal.pw)
    assert result.code == cli.BUG_EXIT
    assert "RuntimeError" in result.err
    assert "private journal text" not in result.err
    assert "Traceback" not in result.err


def test_as_a_program_a_quick_command_exits_with_its_code_and_output(journal: Journal) -> None:
    bad = earned("log", "11", "too much")
    assert bad.returncode == 1
    assert bad.stderr == "earned: Intensity runs from 0 to 10; 11 is outside that.\n"
    good = earned("--passphrase-file", str(journal.pw), "log", "3")
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("Logged: intensity 3")


def test_the_console_script_is_earned_cli_main() -> None:
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert 'earned = "earned.cli:main"' in pyproject
