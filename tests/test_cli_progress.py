"""The progress bar (earned/cli/progress.py) of `earned demo`, `import`, `export` and
`backup`: its line at every width, drawn and rubbed out on a terminal, rubbed out before
the passphrase prompt, and nothing at all (no carriage return, no escape code) when
stderr is a pipe."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import pytest

from earned.cli import progress
from tests.support import PASSPHRASE
from tests.support.cli import demo_export, earned, on_terminal
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


# --- the line ----------------------------------------------------------------------------


def test_render_names_the_step_and_fills_the_bar_by_steps_done() -> None:
    line = progress.render("Exporting", 1, 4, "reading the journal", 2.4, 120)
    assert line == "Exporting [#####...............] 2/4 reading the journal  2 s"
    assert progress.render("Exporting", 0, 2, "unlocking", 0, 120).startswith(
        "Exporting [....................] 1/2 unlocking"
    )
    last = progress.render("Exporting", 3, 4, "writing JSON", 61, 120)
    assert last == "Exporting [###############.....] 4/4 writing JSON  61 s"


@pytest.mark.parametrize("width", [1, 10, 20, 30, 45, 60, 80, 120, 200])
def test_render_fits_the_terminal_at_every_width(width: int) -> None:
    words = "setting up the journal and checking every page of it"
    for done in range(4):
        line = progress.render("Making the demo", done, 3, words, 12.0, width)
        assert 0 < len(line) <= max(width - 1, 1), (width, line)
        assert "\r" not in line and "\033" not in line and "\n" not in line


def test_render_shortens_the_bar_then_the_words() -> None:
    wide = progress.render("Backing up", 1, 2, "writing the backup", 1, 80)
    assert "[##########..........]" in wide and "writing the backup" in wide
    middle = progress.render("Backing up", 1, 2, "writing the backup", 1, 60)
    assert "[#####.....]" in middle and "writing the backup" in middle
    narrow = progress.render("Backing up", 1, 2, "writing the backup", 1, 40)
    assert "[" not in narrow and narrow == "Backing up 2/2 writing the backup  1 s"
    tight = progress.render("Backing up", 1, 2, "writing the backup", 1, 30)
    assert tight == "Backing up 2/2 writing…  1 s"


# --- the bar on a stream -------------------------------------------------------------------


def test_on_a_terminal_each_step_is_drawn_and_the_end_rubs_it_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TERM", "xterm")
    screen = Tty()
    with progress.Bar("Importing", 2, screen) as bar:
        bar.step("checking the file")
        bar.step("adding the records")
        assert bar.ticker is not None and bar.ticker.is_alive()
    ticker = bar.ticker
    written = screen.getvalue()
    assert written.startswith("\rImporting [....................] 1/2 checking the file")
    assert "\rImporting [##########..........] 2/2 adding the records" in written
    assert re.search(r"\r {20,}\r$", written), written  # rubbed out at the end
    assert ticker is None  # stopped
    assert "\033" not in written


def test_pause_rubs_the_line_out_until_the_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    screen = Tty()
    with progress.Bar("Importing", 3, screen) as bar:
        bar.step("checking the file")
        bar.pause()
        paused_at = len(screen.getvalue())
        assert screen.getvalue().endswith("\r")
        bar.step("unlocking the journal")
    after = screen.getvalue()[paused_at:]
    assert after.startswith("\rImporting [######..............] 2/3 unlocking the journal")


@pytest.mark.parametrize(("stream", "term"), [(io.StringIO(), "xterm"), (Tty(), "dumb")])
def test_nothing_is_written_into_a_pipe_or_on_a_dumb_terminal(
    stream: io.StringIO, term: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", term)
    threads = threading.active_count()
    with progress.Bar("Exporting", 2, stream) as bar:
        bar.step("reading the journal")
        assert threading.active_count() == threads
        bar.step("writing JSON")
    assert stream.getvalue() == ""


# --- the commands -----------------------------------------------------------------------


def test_piped_runs_show_no_progress(journal: Journal, data_dir: Path, tmp_path: Path) -> None:
    pw = ["--passphrase-file", str(journal.pw)]
    runs = {
        "demo": earned("demo"),
        "export": earned(*pw, "export", "--output", str(tmp_path / "out.json")),
        "import": earned(*pw, "import", str(demo_export(tmp_path))),
        "backup": earned(*pw, "backup", "--dest", str(tmp_path / "backups")),
    }
    for name, done in runs.items():
        assert done.returncode == 0, (name, done.stderr)
        assert done.stderr == "", (name, done.stderr)
        assert "\r" not in done.stdout and "\033" not in done.stdout, name


def test_demo_on_a_terminal_shows_the_bar_then_rubs_it_out(data_dir: Path) -> None:
    done = on_terminal("demo", replies=[], TERM="xterm")
    assert done.code == 0, done.shown
    assert "\rMaking the demo [" in done.shown
    assert "1/3 inventing 18 months" in done.shown and "3/3 saving the records" in done.shown
    # The last frame is rubbed out before the result is printed.
    assert re.search(r"\r +\rDemo journal created in ", done.shown), done.shown


def test_the_bar_makes_way_for_the_passphrase_prompt(journal: Journal, tmp_path: Path) -> None:
    done = on_terminal(
        "import", str(demo_export(tmp_path)), replies=[("Passphrase:", PASSPHRASE)], TERM="xterm"
    )
    assert done.code == 0, done.shown
    assert "1/3 checking the file" in done.shown
    before, _, after = done.shown.partition("Passphrase:")
    assert re.search(r"\r +\r$", before), before  # rubbed out, then the prompt
    assert "3/3 adding the records" in after
