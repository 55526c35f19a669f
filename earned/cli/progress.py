"""A one-line progress bar on stderr for the commands that take a second or more (`earned
demo`, `import`, `export`, `backup`): which step of how many, and the seconds so far.

Shown only when stderr is a terminal (and TERM is not "dumb"): into a pipe, a file or a
log nothing at all is written, so scripts see exactly what they saw before. The line is
drawn with a carriage return and rubbed out with spaces, no escape codes, and it is
cleared before anything else is printed (the passphrase prompt included: see
`Bar.pause`). A small thread redraws it four times a second, so the seconds move while a
step runs (key derivation, a migration, thousands of records). Standard library only.
"""

from __future__ import annotations

import os
import sys
import threading
import time

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import TextIO

BAR_WIDTH = 20  # characters inside the brackets (10 on a narrow terminal)
TICK = 0.25  # seconds between redraws


def render(title: str, done: int, total: int, what: str, seconds: float, width: int) -> str:
    """The progress line: 'Exporting [#############.......] 3/3 writing JSON  2 s'.

    `done` steps of `total` are complete and `what` is the one under way. The line fits in
    `width` - 1 columns (a terminal wraps a line that reaches its last column): the bar is
    shorter on a narrow terminal (the same length for every step, so it does not jump)
    and absent on a very narrow one; then the step's words are shortened, then the line
    is cut.
    """
    room = max(width - 1, 1)
    done = min(max(done, 0), total)
    bar_width = BAR_WIDTH if room >= 70 else BAR_WIDTH // 2 if room >= 50 else 0
    cells = done * bar_width // max(total, 1)
    bar = f" [{'#' * cells}{'.' * (bar_width - cells)}]" if bar_width else ""
    head = f"{title}{bar} {min(done + 1, total)}/{total}"
    clock = f"  {seconds:.0f} s"
    spare = room - len(head) - len(clock) - 1  # columns left for the step's words
    if len(what) <= spare:
        return f"{head} {what}{clock}"
    if spare >= 8:
        return f"{head} {what[: spare - 1].rstrip()}…{clock}"
    line = f"{head}{clock}"
    return line if len(line) <= room else line[: room - 1] + "…"


def _columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def shown_on(stream: TextIO) -> bool:
    """Whether a progress bar may be drawn on `stream`: a terminal, and not a dumb one."""
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Bar:
    """A progress bar over `total` named steps; a context manager that clears it at the end.

    `step(what)` starts the next step (drawing the line); `pause()` rubs the line out until
    the next step, for a prompt or a message. On a stream that is not a terminal every
    method does nothing and no thread is started.
    """

    def __init__(self, title: str, total: int, stream: TextIO | None = None) -> None:
        self.title = title
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        self.active = shown_on(self.stream)
        self.started = time.monotonic()
        self.done = -1  # no step started yet
        self.what = ""
        self.drawn = 0  # length of the line on the screen, 0 when none
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.ticker: threading.Thread | None = None

    def __enter__(self) -> Bar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.pause()

    def step(self, what: str) -> None:
        """Begin the next step, called `what`."""
        if not self.active:
            return
        with self.lock:
            self.done = min(self.done + 1, self.total - 1)
            self.what = what
            self._draw()
        if self.ticker is None:
            self.stop.clear()
            self.ticker = threading.Thread(target=self._tick, daemon=True)
            self.ticker.start()

    def pause(self) -> None:
        """Rub the line out and stop redrawing it until the next step."""
        if not self.active:
            return
        if self.ticker is not None:
            self.stop.set()
            self.ticker.join()
            self.ticker = None
        with self.lock:
            self._clear()

    def _tick(self) -> None:
        while not self.stop.wait(TICK):
            with self.lock:
                self._draw()

    def _draw(self) -> None:
        seconds = time.monotonic() - self.started
        line = render(self.title, self.done, self.total, self.what, seconds, _columns(self.stream))
        pad = " " * max(self.drawn - len(line), 0)
        self._write(f"\r{line}{pad}")
        self.drawn = len(line)

    def _clear(self) -> None:
        if self.drawn:
            self._write(f"\r{' ' * self.drawn}\r")
            self.drawn = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on without it
            self.active = False
