"""Tab completion (earned/cli/completion.py): `earned completion bash|zsh|fish` prints
argcomplete's script for that shell, and `earned` answers the script's question (the
_ARGCOMPLETE environment) with the commands and options that fit what was typed; in
bash itself, end to end. The quick path never imports argcomplete (tests/support/cli.py
lists it among the heavy modules, checked by tests/test_cli_quick.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import child_env, require
from tests.support.cli import HEAVY, call, earned

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")

BIN = Path(sys.executable).parent  # where the `earned` console script is installed


@pytest.mark.parametrize(
    ("shell", "registers"),
    [
        ("bash", "complete -o nospace -o default -o bashdefault -F _python_argcomplete earned"),
        ("zsh", "compdef _python_argcomplete earned"),
        ("fish", "complete --command earned"),
    ],
)
def test_completion_prints_the_script_for_each_shell(
    shell: str, registers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = call(capsys, "completion", shell)
    assert result.code == 0, result.err
    assert registers in result.out
    assert result.err == ""
    if shell == "zsh":
        assert result.out.startswith("#compdef earned")  # works as ~/.zfunc/_earned


def test_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        call(capsys, "completion", "powershell")
    assert stop.value.code == 2
    assert "bash" in capsys.readouterr().err


def answer(line: str, tmp_path: Path) -> list[str]:
    """What `earned` answers the completion script with for the command line `line`."""
    out = tmp_path / "completions"
    done = subprocess.run(
        [sys.executable, "-m", "earned"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(
            _ARGCOMPLETE="1",
            _ARGCOMPLETE_IFS="\n",
            _ARGCOMPLETE_STDOUT_FILENAME=str(out),
            COMP_LINE=line,
            COMP_POINT=str(len(line)),
        ),
    )
    assert done.returncode == 0, done.stderr
    return sorted(word.strip() for word in out.read_text().splitlines())


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("earned ex", ["export"]),
        ("earned re", ["recommit", "reminders", "restore", "results"]),
        ("earned log --em", ["--emotion"]),
        ("earned results --pro", ["--profile"]),  # the global options after the command too
        (
            "earned checkin ",
            ["--help", "--passphrase-file", "--profile", "-h", "gad7", "phq9", "scssf", "who5"],
        ),
        ("earned completion f", ["fish"]),
    ],
)
def test_earned_answers_the_completion_script(
    line: str, expected: list[str], tmp_path: Path
) -> None:
    assert answer(line, tmp_path) == expected


def test_bash_completes_a_command_end_to_end() -> None:
    require((BIN / "earned").exists(), f"no earned console script in {BIN}")
    bash = shutil.which("bash")
    require(bash is not None, "bash is not installed")
    script = earned("completion", "bash")
    assert script.returncode == 0, script.stderr
    probe = (
        'eval "$SCRIPT"; COMP_WORDS=(earned unl); COMP_CWORD=1; COMP_LINE="earned unl"; '
        'COMP_POINT=10; _python_argcomplete earned unl earned; printf "%s|" "${COMPREPLY[@]}"'
    )
    env = child_env(SCRIPT=script.stdout, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(
        [str(bash), "--norc", "-c", probe],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "unlock |"


def test_argcomplete_counts_as_heavy_for_the_quick_path() -> None:
    assert "argcomplete" in HEAVY
