"""Benchmark: every page of the web app on three years of dense data.

Builds the journal of bench/journal.py (13,140 activations, 3,285 urge timers, 2,190
practices) plus 36 months of the demo person's questionnaires, entries and toolkit,
starts `earned serve` on a free loopback port, unlocks it over HTTP as a browser would,
and then asks for every GET page in the app's route table (ids filled in from the data)
on a fresh connection each time. It prints, per page, the median time from sending the
request to the last byte (on the loopback this is the server's time), the page's size,
and the ratio to a trivial page measured in the same run (`/pause`, a static page that
reads nothing). A last line asks for one page many times on ONE kept-alive connection,
as a browser's htmx requests do, against fresh connections.

    uv run python bench/pages.py [--runs 15] [--days 1095] [--per-day 12]

Goal (issue 9): each page at most 100 ms median server time on this journal, and no
stall on a reused connection. Bytecode is compiled first, as in an installed copy.
This is a script, not a test: it takes a minute or two.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from capture import compile_bytecode  # noqa: E402 - bench/ is not a package
from journal import PASSPHRASE, build_earned  # noqa: E402

GOAL_MS = 100.0
TRIVIAL = "/pause"
SKIP = {"/setup", "/unlock", "/welcome"}  # the door, not pages of an unlocked journal
# Pages whose parameter names other pages share: their own values (a sample's name is
# looked up among the samples, else used as it is).
OWN_VALUES = {
    "/roadmap/": {"key": "doses"},
    "/therapy/approaches/": {"key": "emdr"},
    "/practise/secure-figure/": {"key": "build"},
    "/compassion/letters/": {"entry_id": "letter_id"},
}
DOWNLOADS = ("/data/export.",)


def say(text: str = "") -> None:
    print(text, flush=True)


def add_demo(days: int) -> None:
    """The demo person's questionnaires, entries and toolkit over the same span."""
    from earned import demo, paths
    from earned.reports import export
    from earned.store import personal, settings

    start = datetime.now(UTC) - timedelta(days=days)
    data = demo.generate(1, start, months=max(3, round(days / 30.44)))
    store, _key = personal.unlock(paths.profile(), PASSPHRASE)
    try:
        with store.session() as session:
            export.restore(session=session, data=data)
            settings.set_setting(session=session, key="onboarded", value="yes")
    finally:
        store.close()


def samples() -> dict[str, str]:
    """A value for each path parameter, from the journal itself (its newest records)."""
    from sqlalchemy import select as sql

    from earned import paths
    from earned.store import personal
    from earned.store.models import (
        ActivationRow,
        AssessmentRow,
        BeliefRow,
        EntryRow,
        LadderRungRow,
        PartRow,
        PersonRow,
        RuptureRow,
        SessionNoteRow,
        UrgeDelayRow,
    )

    store, _key = personal.unlock(paths.profile(), PASSPHRASE)
    try:
        with store.session() as s:
            newest = {
                "activation_id": s.scalar(
                    sql(ActivationRow.id).order_by(ActivationRow.onset_at.desc()).limit(1)
                ),
                "urge_id": s.scalar(
                    sql(UrgeDelayRow.id).order_by(UrgeDelayRow.started_at.desc()).limit(1)
                ),
                "assessment_id": s.scalar(
                    sql(AssessmentRow.id)
                    .where(AssessmentRow.instrument == "ecr")
                    .where(AssessmentRow.completed_at.is_not(None))
                    .order_by(AssessmentRow.completed_at.desc())
                    .limit(1)
                ),
                "entry_id": s.scalar(
                    sql(EntryRow.id).order_by(EntryRow.created_at.desc()).limit(1)
                ),
                # The practice program's records (the demo person's).
                "rung_id": s.scalar(sql(LadderRungRow.id).limit(1)),
                "belief_id": s.scalar(sql(BeliefRow.id).limit(1)),
                "person_id": s.scalar(sql(PersonRow.id).limit(1)),
                "rupture_id": s.scalar(sql(RuptureRow.id).limit(1)),
                "part_id": s.scalar(sql(PartRow.id).limit(1)),
                "note_id": s.scalar(sql(SessionNoteRow.id).limit(1)),
                "letter_id": s.scalar(sql(EntryRow.id).where(EntryRow.kind == "letter").limit(1)),
            }
    finally:
        store.close()
    return {k: str(v) for k, v in newest.items() if v is not None}


def pages(values: dict[str, str]) -> list[str]:
    """Every GET page of the app's route table, with its parameters filled in."""
    from earned import paths
    from earned.web.app import create_app

    app = create_app(paths.profile())
    found: list[str] = []

    def walk(routes: list[object]) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(inner.routes)
            elif "GET" in (getattr(route, "methods", None) or ()):
                found.append(str(getattr(route, "path", "")))

    walk(list(app.routes))
    fixed = {
        "page": "1",
        "instrument_id": "phq9",
        "key": "distance",
        "fmt": "json",
    }
    out: list[str] = []
    for path in found:
        if path in SKIP or path.startswith("/static"):
            continue
        names = re.findall(r"{(\w+)}", path)
        if any(n not in values and n not in fixed for n in names):
            say(f"  (no sample for {path}; left out)")
            continue
        here = {**fixed, **values}
        for prefix, own in OWN_VALUES.items():  # a parameter whose name other pages share
            if path.startswith(prefix):
                here |= {k: values.get(v, v) for k, v in own.items()}
        out.append(re.sub(r"{(\w+)}", lambda m, here=here: here[m.group(1)], path))
    return out


class Client:
    """A browser-like client: the session and CSRF cookies, one connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def _headers(self) -> dict[str, str]:
        jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Host": f"127.0.0.1:{self.port}", "Cookie": jar} if jar else {}

    def _keep(self, response: http.client.HTTPResponse) -> None:
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]

    def get(
        self, path: str, conn: http.client.HTTPConnection | None = None
    ) -> tuple[float, int, int]:
        """(seconds from request to last byte, status, bytes)."""
        own = conn is None
        c = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            began = time.perf_counter()
            c.request("GET", path, headers=self._headers())
            response = c.getresponse()
            body = response.read()
            took = time.perf_counter() - began
            self._keep(response)
            return took, response.status, len(body)
        finally:
            if own:
                c.close()

    def unlock(self) -> None:
        self.get("/unlock")
        body = urlencode({"csrf": self.cookies.get("earned_csrf", ""), "passphrase": PASSPHRASE})
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = self._headers() | {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{self.port}",
            }
            c.request("POST", "/unlock", body=body, headers=headers)
            response = c.getresponse()
            response.read()
            self._keep(response)
            if response.status not in (200, 303):
                raise RuntimeError(f"unlock answered {response.status}")
        finally:
            c.close()
        _took, status, _size = self.get("/moment")
        if status != 200:
            raise RuntimeError(f"still locked after unlock (GET /moment gave {status})")


def bench_env(work: Path) -> dict[str, str]:
    """This environment without earned's own settings, the data and the agent in `work`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EARNED_", "PYTHONDONTWRITE"))}
    return env | {"EARNED_DATA_DIR": str(work / "data"), "XDG_RUNTIME_DIR": str(work)}


def three_years(env: dict[str, str], days: int, per_day: int, seed: int) -> dict[str, str]:
    """The dense journal plus the demo person's records, said with its time; the value of
    each path parameter (samples)."""
    began = time.perf_counter()
    rows = build_earned(env, days, per_day, seed)
    add_demo(days)
    values = samples()
    say(f"  journal: {rows:,} dense activations + the demo person's records "
        f"({time.perf_counter() - began:.0f} s)")  # fmt: skip
    return values


def start_server(
    env: dict[str, str], err: Any = subprocess.PIPE
) -> tuple[subprocess.Popen[str], int]:
    """`earned serve --port 0` and the port it printed; `err` takes its stderr (a file for a
    long run: a pipe nobody reads would stall the server once full)."""
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "earned"), "serve", "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=err,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    if not ready:
        proc.kill()
        raise RuntimeError("earned serve printed no address within 60 s")
    line = proc.stdout.readline().strip()
    return proc, int(line.rstrip("/").rsplit(":", 1)[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh requests per page")
    parser.add_argument("--days", type=int, default=3 * 365, help="days of data (3 years)")
    parser.add_argument("--per-day", type=int, default=12, help="activations per day")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the data")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    say("earned pages benchmark")
    say(f"  compiling bytecode first ({compile_bytecode():.1f} s)")
    work = Path(tempfile.mkdtemp(prefix="earned-pages-"))
    env = bench_env(work)
    proc: subprocess.Popen[str] | None = None
    try:
        values = three_years(env, args.days, args.per_day, args.seed)
        proc, port = start_server(env)
        client = Client(port)
        client.unlock()
        paths = pages(values)
        answered = []
        for path in paths:  # warm-up: page cache, template compilation
            _took, status, _size = client.get(path)
            if status == 200:
                answered.append(path)
            else:  # e.g. a finished questionnaire's page redirects to its result
                say(f"  ({path} answered {status}, not a page here; left out)")
        paths = answered
        times: dict[str, list[float]] = {p: [] for p in paths}
        sizes: dict[str, int] = {}
        for _ in range(max(args.runs, 5)):
            for path in paths:
                took, status, size = client.get(path)
                if status != 200:
                    raise RuntimeError(f"GET {path} answered {status}")
                times[path].append(took)
                sizes[path] = size
        medians = {p: statistics.median(v) * 1000 for p, v in times.items()}
        floor = medians[TRIVIAL]
        say()
        say(f"Median ms of {max(args.runs, 5)} requests per page, each on a fresh connection:")
        say(f"  {'page':<34} {'ms':>8} {'x trivial':>10} {'bytes':>10}")
        over = []
        for path in sorted(paths, key=lambda p: -medians[p]):
            # A download carries the whole journal by design: reported, not held to the goal.
            flag = "" if medians[path] <= GOAL_MS or path.startswith(DOWNLOADS) else "  OVER GOAL"
            if flag:
                over.append(path)
            say(f"  {path:<34} {medians[path]:8.1f} {medians[path] / floor:10.1f} "
                f"{sizes[path]:>10,}{flag}")  # fmt: skip
        # Keep-alive: one connection, many requests, against fresh connections.
        probe = "/moment"
        kept: list[float] = []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for _ in range(30):
                kept.append(client.get(probe, conn)[0])
        finally:
            conn.close()
        fresh = statistics.median(times[probe]) * 1000
        reused = statistics.median(kept[5:]) * 1000
        say()
        say(f"  keep-alive {probe}: {reused:.1f} ms a request on one connection, "
            f"{fresh:.1f} ms fresh (ratio {reused / fresh:.2f}; a stall adds ~40 ms)")  # fmt: skip
        say(f"  pages over {GOAL_MS:.0f} ms: {', '.join(over) if over else 'none'}")
        if args.json:
            args.json.write_text(
                json.dumps({"medians_ms": medians, "bytes": sizes, "keep_alive_ms": reused})
            )
        return 1 if over else 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.communicate(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
