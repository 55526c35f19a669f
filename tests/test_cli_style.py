"""Bold in the terminal (earned/cli/style.py): only on a terminal, never with NO_COLOR or
TERM=dumb, never into a pipe; the crisis panel's heading and region names in bold on a
real terminal, and `say(strong=True)` wrapping before the escape codes go in."""

from __future__ import annotations

import io

import pytest

from earned.cli import common, style
from tests.support.cli import earned, on_terminal
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")

TITLE = "You matter, and you don't have to hold this alone"
RISK = ["log", "8", "I want to kill myself"]


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.mark.usefixtures("plain_env")
def test_bold_on_a_terminal_only() -> None:
    assert style.bold("Heading", Tty()) == "\033[1mHeading\033[0m"
    assert style.bold("Heading", io.StringIO()) == "Heading"
    assert style.bold("", Tty()) == ""
    closed = io.StringIO()
    closed.close()  # isatty() raises ValueError
    assert not style.wanted(closed)


@pytest.mark.usefixtures("plain_env")
@pytest.mark.parametrize(
    ("name", "value", "wanted"),
    [
        ("NO_COLOR", "1", False),
        ("NO_COLOR", "anything", False),
        ("NO_COLOR", "", True),  # no-color.org: set *and not empty*
        ("TERM", "dumb", False),
        ("TERM", "xterm", True),
    ],
)
def test_no_color_and_a_dumb_terminal_turn_it_off(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, wanted: bool
) -> None:
    monkeypatch.setenv(name, value)
    assert style.wanted(Tty()) is wanted
    assert (style.bold("x", Tty()) != "x") is wanted


@pytest.mark.usefixtures("plain_env")
def test_say_wraps_first_then_makes_each_line_bold(capsys: pytest.CaptureFixture[str]) -> None:
    out = Tty()
    common.say("word " * 30, "  ", file=out, strong=True)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    for line in lines:
        assert line.startswith("  \033[1m") and line.endswith("\033[0m")
        assert len(line) - len("\033[1m\033[0m") <= common.WIDTH
    common.say("Heading", strong=True)  # stdout under capsys is not a terminal
    assert capsys.readouterr().out == "Heading\n"


def test_the_crisis_panel_is_bold_on_a_terminal(journal: Journal) -> None:
    shown = on_terminal(*RISK, "--passphrase-file", str(journal.pw), replies=[], TERM="xterm")
    assert shown.code == 0, shown.shown
    assert f"\033[1m{TITLE}\033[0m" in shown.shown
    assert "  \033[1mUnited States\033[0m" in shown.shown


@pytest.mark.parametrize("setting", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_escape_codes_when_the_environment_says_so(
    journal: Journal, setting: dict[str, str]
) -> None:
    shown = on_terminal(*RISK, "--passphrase-file", str(journal.pw), replies=[], **setting)
    assert shown.code == 0, shown.shown
    assert TITLE in shown.shown
    assert "\033[" not in shown.shown


def test_no_escape_codes_into_a_pipe(journal: Journal) -> None:
    done = earned(*RISK, "--passphrase-file", str(journal.pw))
    assert done.returncode == 0, done.stderr
    assert TITLE in done.stderr
    assert "\033" not in done.stderr + done.stdout
