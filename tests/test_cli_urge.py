"""The urge-delay timer in the terminal (earned/cli/urge.py): `earned wait` with piped
input, on a real terminal (the ticking time held), left running by end of input or
Ctrl-C, and ended later with `--end`."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from datetime import datetime, timedelta

import pytest

from earned.cli import urge
from tests.support.cli import call, earned, env, raw, short_id
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


# --- wait ------------------------------------------------------------------------------------


def test_wait_with_piped_input_stores_the_seconds_held(journal_with_agent: Journal) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "earned", "wait", "send the reassurance text"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert proc.stdin is not None and proc.stdout is not None
    assert "Timer started" in proc.stdout.readline()
    time.sleep(1.3)
    out, err = proc.communicate("maybe\np\n", timeout=30)
    assert proc.returncode == 0, err
    assert "Type w, a or p" in out
    assert "The urge passed after 1 second" in out
    assert "\x1b" not in out  # no live line into a pipe
    assert urge.PROMPTS[0] in out
    ((started, ended, outcome),) = raw(
        journal_with_agent, "SELECT started_at, ended_at, outcome FROM urge_delays"
    )
    assert outcome == "passed"
    held = datetime.fromisoformat(ended) - datetime.fromisoformat(started)
    assert timedelta(seconds=1.2) < held < timedelta(seconds=20)


def test_wait_left_running_ends_later_with_end(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    done = earned("wait", "check his phone", stdin="")  # end of input: leave it running
    assert done.returncode == 0, done.stderr
    assert "The timer is still running" in done.stdout
    timer = short_id(done.stdout)
    assert f"earned wait --end {timer} w|a|p" in done.stdout
    assert raw(journal_with_agent, "SELECT ended_at FROM urge_delays") == [(None,)]

    wrong = call(capsys, "wait", "--end", timer, "z")
    assert wrong.code == 1 and "is not an ending" in wrong.err
    ended = call(capsys, "wait", "--end", timer, "w")
    assert ended.code == 0, ended.err
    assert "You waited" in ended.out
    twice = call(capsys, "wait", "--end", timer, "a")
    assert twice.code == 0
    assert "already ended (waited)" in twice.out
    assert raw(journal_with_agent, "SELECT outcome FROM urge_delays") == [("waited",)]

    missing = call(capsys, "wait")
    assert missing.code == 2 and "What is the urge?" in missing.err
    empty = call(capsys, "wait", "   ")
    assert empty.code == 1 and "What is the urge?" in empty.err


def test_ctrl_c_leaves_the_timer_running(journal_with_agent: Journal) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "earned", "wait", "withdraw"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert "Timer started" in first
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "still running" in out and "--end" in out
    assert "Traceback" not in err
    assert raw(journal_with_agent, "SELECT outcome, ended_at FROM urge_delays") == [(None, None)]


def test_wait_on_a_terminal_shows_the_time_held(journal_with_agent: Journal) -> None:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "earned", "wait", "call again"],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env(),
    )
    os.close(slave)
    screen = Screen(master)

    try:
        screen.read_until(b"held 0:01")
        assert b"breathe" in screen.seen
        os.write(master, b"w\n")
        screen.read_until(b"You waited")
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert raw(journal_with_agent, "SELECT outcome FROM urge_delays") == [("waited",)]


# --- the live line, fitted to the terminal ---------------------------------------------------


@pytest.mark.parametrize("width", [45, 80, 120])
def test_the_prompt_and_the_status_line_fit_the_terminal(width: int) -> None:
    prompt = urge._prompt(width)
    assert prompt is not None
    assert len(prompt) + urge.ROOM_TO_TYPE < width  # one line, with room for the reply
    assert "w" in prompt and "a" in prompt and "p" in prompt and "Enter" in prompt
    for held in (0, 4, 59, 3599, 36_000, 360_000):
        status = urge._status(held, width)
        assert len(status) < width
        assert "held" in status
    if width >= 80:
        assert prompt == urge.PROMPTS[0]
        assert urge._status(4, width) == "  held 0:04   and out, longer…"
    else:
        assert prompt != urge.PROMPTS[0]


def test_very_narrow_terminals_shorten_the_status_and_drop_the_live_line() -> None:
    assert urge._status(4, 16) == "held 0:04"
    assert urge._status(4, 8) == "0:04"
    assert len(urge._status(36_000, 4)) < 4
    assert urge._prompt(12) == "w/a/p: "
    assert urge._prompt(10) is None  # then the plain prompt, without the ticking line


class Screen:
    """What a child process wrote to its pseudo-terminal, read as it comes."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.seen = b""

    def read_until(self, marker: bytes, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while marker not in self.seen and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                try:
                    self.seen += os.read(self.master, 4096)
                except OSError:
                    break
        assert marker in self.seen, self.seen


def _winsize(fd: int, columns: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))


def test_wait_on_a_45_column_terminal_keeps_every_line_within_it(
    journal_with_agent: Journal,
) -> None:
    master, slave = pty.openpty()
    _winsize(slave, 45)
    child_env = {k: v for k, v in env().items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "earned", "wait", "call again"],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=child_env,
    )
    os.close(slave)
    screen = Screen(master)

    try:
        screen.read_until(b"held 0:01")
        os.write(master, b"p\n")
        screen.read_until(b"The urge passed")
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    shown = screen.seen.decode()
    statuses = re.findall(r"\x1b7\x1b\[1A\r\x1b\[2K(.*?)\x1b8", shown)
    assert statuses and all(len(s) < 45 for s in statuses), statuses
    assert urge.PROMPTS[0] not in shown
    prompt = urge._prompt(45)
    assert prompt is not None and prompt in shown
    # The words before the timer are wrapped to the terminal, not to 78 columns.
    intro = shown[shown.index("You don't have to") :].split("\r\n")[:3]
    assert all(len(line) <= 44 for line in intro), intro
    assert " ".join(intro[:2]).startswith("You don't have to do anything yet. Breathe")


@pytest.mark.parametrize(("urge", "care"), [("hurt myself", True), ("check his phone", False)])
def test_acting_on_a_dangerous_urge_prints_the_lines(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str], urge: str, care: bool
) -> None:
    """`earned wait --end ID a` on an urge to hurt oneself follows up with the crisis lines,
    not only "useful data"; acting on an everyday urge prints none."""
    done = earned("wait", urge, stdin="")
    assert done.returncode == 0, done.stderr
    ended = call(capsys, "wait", "--end", short_id(done.stdout), "a")
    assert ended.code == 0, ended.err
    assert ("988 Suicide & Crisis Lifeline" in ended.err) is care


def test_the_urge_can_come_from_standard_input(journal_with_agent: Journal) -> None:
    done = earned("wait", "-", stdin="text her again\np\n")
    assert done.returncode == 0, done.stderr
    assert raw(journal_with_agent, "SELECT urge, outcome FROM urge_delays") == [
        ("text her again", "passed")
    ]
