"""Benchmark: a soak of the real server, many clients at once for minutes.

Builds the three-year journal of bench/pages.py (bench/journal.py's 13,140 activations
plus the demo person's questionnaires, entries and toolkit), starts `earned serve` on a
free loopback port, unlocks it over HTTP as a browser would, and then runs CLIENTS
concurrent clients for DURATION seconds. Each client keeps its connection alive, as a
browser does, and mixes reads (every GET page of the app's route table, found from the
route table itself, ids filled in from the data) with writes (form posts carrying the
session's CSRF token and the Origin of the page: captures, settles, reflections, notes,
urge timers, practices, after-interaction notes). All clients share the one unlocked
session, as tabs of one browser do. A download of the whole journal (10 MB of JSON on
three years, over a second of a core) is asked for at --downloads times the rate of any
other page: a person takes one now and then, not one page view in forty.

It prints the requests, the errors (any 5xx, connection error or status other than the
page's own), p50/p95 latency, and the server's resident memory after the warm-up and at
the end, with the growth. Exits 1 on any error or on growth over 20%.

    uv run python bench/soak.py [--duration 300] [--clients 20] [--writes 0.2]
                                [--downloads 0.05] [--warm-up 30] [--days 1095]

Loopback only; every request has a timeout and the run a fixed length. Bytecode is
compiled first, as in an installed copy. This is a script, not a test: building the
journal takes about a minute, then the run takes DURATION plus the warm-up.
"""

from __future__ import annotations

import argparse
import http.client
import math
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import pages as page_bench  # noqa: E402
from capture import compile_bytecode  # noqa: E402 - bench/ is not a package
from journal import PASSPHRASE  # noqa: E402
from pages import pages  # noqa: E402

# pages.py leaves out the door (setup, unlock, welcome) to time the journal's pages; a
# soak asks for every GET page of the route table, those included.
page_bench.SKIP = set()

DOWNLOADS = ("/data/export.",)
MAX_GROWTH = 0.20  # RSS growth from the end of the warm-up to the end of the run
TIMEOUT = 60.0  # seconds for any one request
PER_REQUEST_ERRORS_SHOWN = 15


def say(text: str = "") -> None:
    print(text, flush=True)


def rss_kib(pid: int) -> int:
    """The process's resident set size, in KiB (VmRSS in /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


# --- a browser-like client on one kept-alive connection ----------------------------------------


class Client:
    """Cookies of the shared session, one kept-alive connection, Host and Origin as a
    browser on this page sends them."""

    def __init__(self, port: int, cookies: dict[str, str]) -> None:
        self.port = port
        self.cookies = dict(cookies)
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def _send(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[int, str, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        if response.will_close:
            self.close()
        return response.status, response.getheader("location") or "", data

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None
    ) -> tuple[int, str, bytes]:
        """(status, Location, body). A kept-alive connection the server had already closed
        is opened again once, as browsers do; any other failure raises."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode({"csrf": self.cookies.get("earned_csrf", ""), **fields})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        reused = self.conn is not None
        try:
            return self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.close()
            if not reused:
                raise
            self.reconnects += 1
            return self._send(method, path, body, headers)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- the mix ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw, gathered under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: Counter[str] = field(default_factory=Counter)  # "read" / "write"
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"read": [], "write": []})
    errors: list[str] = field(default_factory=list)
    reconnects: int = 0

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.requests[kind] += 1
            self.latencies[kind].append(seconds)
            if error is not None:
                self.errors.append(error)


# A form post: its path, its fields, and whether a Location is the page a save leads to.
Planned = tuple[str, dict[str, str], Callable[[str], bool]]
Write = Callable[[Client, random.Random], Planned]
AFTER_KEY = "happened"  # the first question of the after-interaction note (moment.toml)
REFLECT_KEY = "distance"


def _token() -> str:
    return uuid.uuid4().hex


def writes(mine: list[str]) -> list[Write]:
    """Form posts a person makes, each with the page a successful save leads to."""

    def capture(c: Client, rng: random.Random) -> Planned:
        fields = {"intensity": str(rng.randrange(11)), "client_token": _token()}
        return "/moment", fields, lambda where: where.startswith("/moment/")

    def settle(c: Client, rng: random.Random) -> Planned:
        row = mine.pop() if mine else None
        if row is None:
            return capture(c, rng)
        path = f"/moment/{row}/settled"
        return path, {"next": "/moment"}, lambda where: where.startswith("/moment?settled=1")

    def reflect(c: Client, rng: random.Random) -> Planned:
        body = f"soak reflection {rng.getrandbits(32):08x}: I noticed I wanted distance again."
        path = f"/reflect/{REFLECT_KEY}"
        return path, {"body": body}, lambda where: where == f"{path}?saved=1"

    def note(c: Client, rng: random.Random) -> Planned:
        body = f"soak note {rng.getrandbits(32):08x}: the call went better than I feared."
        return "/entries/note", {"body": body}, lambda where: where.endswith("/edit?saved=1")

    def urge(c: Client, rng: random.Random) -> Planned:
        fields = {"urge": "text again", "client_token": _token()}
        return "/urge", fields, lambda where: where.startswith("/urge/")

    def practice(c: Client, rng: random.Random) -> Planned:
        fields = {"kind": "movement", "minutes": str(rng.randrange(5, 40)), "note": "a walk"}
        fields["client_token"] = _token()
        return "/regulate/practice", fields, lambda where: where == "/regulate/log?saved=1"

    def after(c: Client, rng: random.Random) -> Planned:
        fields = {"feeling": "", AFTER_KEY: "we talked about the weekend and it was fine"}
        return "/moment/after", fields, lambda where: where == "/moment/after?saved=1"

    return [capture, capture, settle, reflect, note, urge, practice, after]


def client_loop(
    port: int,
    cookies: dict[str, str],
    reads: dict[str, int],
    write_share: float,
    download_weight: float,
    until: float,
    tally: Tally,
    seed: int,
) -> None:
    """One client: reads and writes at random until `until` (time.monotonic())."""
    rng = random.Random(seed)
    client = Client(port, cookies)
    mine: list[str] = []  # this client's captures still open, to settle
    ops = writes(mine)
    paths = sorted(reads)
    weights = [download_weight if p.startswith(DOWNLOADS) else 1.0 for p in paths]
    try:
        while time.monotonic() < until:
            fields: dict[str, str] | None = None
            ok: Callable[[str], bool] | None = None
            if rng.random() < write_share:
                kind, method = "write", "POST"
                path, fields, ok = rng.choice(ops)(client, rng)
            else:
                kind, method = "read", "GET"
                path = rng.choices(paths, weights)[0]
            expected = reads.get(path, 303)
            began = time.perf_counter()
            error: str | None = None
            try:
                status, where, body = client.request(method, path, fields)
            except (OSError, http.client.HTTPException) as exc:
                error = f"{method} {path}: {type(exc).__name__} {exc}"
            took = time.perf_counter() - began
            if error is None:
                if status >= 500:
                    error = f"{method} {path}: {status} {body[:120]!r}"
                elif kind == "read" and status != expected:
                    error = f"GET {path}: {status} (was {expected} at warm-up) {where}"
                elif kind == "write" and (status != 303 or ok is None or not ok(where)):
                    error = f"POST {path}: {status} {where} {body[:120]!r}"
                elif kind == "write" and path == "/moment":
                    mine.append(where.split("/")[2])
            tally.add(kind, took, error)
    finally:
        client.close()
        with tally.lock:
            tally.reconnects += client.reconnects


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.5: the median); 0 for no values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def run_clients(
    port: int,
    cookies: dict[str, str],
    reads: dict[str, int],
    args: argparse.Namespace,
    seconds: float,
    seed: int,
) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=client_loop,
            args=(port, cookies, reads, args.writes, args.downloads, until, tally, seed * 1000 + n),
            daemon=True,
        )
        for n in range(args.clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + TIMEOUT * 3)
    return tally


# --- the server ----------------------------------------------------------------------------------


def start_server(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[str], int]:
    """`earned serve --port 0`, its warnings and errors going to `log` (not a pipe nobody
    reads, which would stall it once full)."""
    with log.open("w") as err:
        return page_bench.start_server(env, err)


def unlock(port: int) -> dict[str, str]:
    """The shared session's cookies: unlocked, with the CSRF token bound to it."""
    client = Client(port, {})
    client.request("GET", "/unlock")
    status, where, _body = client.request("POST", "/unlock", {"passphrase": PASSPHRASE})
    if status != 303 or where != "/":
        raise RuntimeError(f"unlock answered {status} {where}")
    status, _where, _body = client.request("GET", "/moment")  # brings the bound CSRF token
    if status != 200:
        raise RuntimeError(f"still locked after unlock (GET /moment gave {status})")
    client.close()
    return client.cookies


def journal_checks() -> tuple[str, int]:
    """PRAGMA integrity_check's first line, and how many pages cipher_integrity_check named."""
    from earned import paths
    from earned.store import personal, sqlcipher

    profile = paths.profile()
    store, key = personal.unlock(profile, PASSPHRASE)
    store.close()
    conn = sqlcipher.connect(profile.database, key)
    try:
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        cipher = len(conn.execute("PRAGMA cipher_integrity_check").fetchall())
    finally:
        conn.close()
    return integrity, cipher


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=300, help="seconds of load (300)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--writes", type=float, default=0.2, help="share of writes (0.2)")
    parser.add_argument(
        "--downloads", type=float, default=0.05,
        help="how often a download (the whole journal) is asked for, against 1 for any "
        "other page (0.05)",
    )  # fmt: skip
    parser.add_argument("--warm-up", type=float, default=30, help="seconds of load before RSS")
    parser.add_argument("--days", type=int, default=3 * 365, help="days of data (3 years)")
    parser.add_argument("--per-day", type=int, default=12, help="activations per day")
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 0 < args.duration <= 3600:
        parser.error("--clients must be 1-200 and --duration at most 3600 s")
    say("earned soak benchmark")
    say(f"  compiling bytecode first ({compile_bytecode():.1f} s)")
    work = Path(tempfile.mkdtemp(prefix="earned-soak-"))
    env = page_bench.bench_env(work)
    # A crash of the server (a fault in a C extension) then leaves each thread's Python
    # stack in its log: code locations only, no journal text.
    env["PYTHONFAULTHANDLER"] = "1"
    proc: subprocess.Popen[str] | None = None
    log = work / "serve.log"
    try:
        values = page_bench.three_years(env, args.days, args.per_day, args.seed)
        proc, port = start_server(env, log)
        cookies = unlock(port)
        # Every GET page once: its status then is the status it must keep giving.
        reads: dict[str, int] = {}
        probe = Client(port, cookies)
        for path in pages(values):
            status, _where, _body = probe.request("GET", path)
            if status >= 500 or status not in (200, 303):
                raise RuntimeError(f"GET {path} answered {status} before the soak began")
            reads[path] = status
        probe.close()
        redirects = sorted(p for p, s in reads.items() if s != 200)
        say(f"  pages: {len(reads)} GET pages from the route table"
            + (f" ({', '.join(redirects)} redirect)" if redirects else ""))  # fmt: skip
        say(f"  warm-up: {args.clients} clients for {args.warm_up:.0f} s")
        warm = run_clients(port, cookies, reads, args, args.warm_up, args.seed)
        rss_start = rss_kib(proc.pid)
        say(f"  load: {args.clients} clients for {args.duration:.0f} s "
            f"({args.writes:.0%} writes)")  # fmt: skip
        samples_rss: list[int] = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(5.0):
                if proc is not None and proc.poll() is None:
                    samples_rss.append(rss_kib(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        soak_began = time.perf_counter()
        tally = run_clients(port, cookies, reads, args, args.duration, args.seed + 1)
        wall = time.perf_counter() - soak_began
        done.set()
        alive = proc.poll() is None
        rss_end = rss_kib(proc.pid) if alive else 0
        proc.terminate()
        proc.communicate(timeout=30)
        server_log = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
        integrity, cipher = journal_checks()

        total = sum(tally.requests.values())
        every = tally.latencies["read"] + tally.latencies["write"]
        errors = [*warm.errors, *tally.errors]
        if not alive:
            errors.append("the server died during the run")
        errors += [f"server log: {ln}" for ln in server_log]
        growth = (rss_end - rss_start) / rss_start if rss_start else 0.0
        say()
        say(f"  requests: {total:,} in {wall:.0f} s ({total / wall:.0f}/s): "
            f"{tally.requests['read']:,} reads, {tally.requests['write']:,} writes "
            f"(+{sum(warm.requests.values()):,} in the warm-up)")  # fmt: skip
        say(f"  errors: {len(errors)} (5xx, connection errors, unexpected statuses, server "
            f"log lines; warm-up included)")  # fmt: skip
        for line in errors[:PER_REQUEST_ERRORS_SHOWN]:
            say(f"    {line}")
        say(f"  latency: p50 {percentile(every, 0.5) * 1000:.1f} ms, "
            f"p95 {percentile(every, 0.95) * 1000:.1f} ms "
            f"(reads p50 {percentile(tally.latencies['read'], 0.5) * 1000:.1f} / "
            f"p95 {percentile(tally.latencies['read'], 0.95) * 1000:.1f} ms; "
            f"writes p50 {percentile(tally.latencies['write'], 0.5) * 1000:.1f} / "
            f"p95 {percentile(tally.latencies['write'], 0.95) * 1000:.1f} ms)")  # fmt: skip
        say(f"  server RSS: {rss_start / 1024:.1f} MiB after the warm-up, "
            f"{rss_end / 1024:.1f} MiB at the end: growth {growth:+.1%} "
            f"(peak {max(samples_rss, default=rss_end) / 1024:.1f} MiB; "
            f"limit {MAX_GROWTH:.0%})")  # fmt: skip
        if samples_rss:
            trend = [samples_rss[int(q * (len(samples_rss) - 1))] for q in (0, 0.25, 0.5, 0.75, 1)]
            say("  server RSS under load, at 0/25/50/75/100% of the run: "
                + " / ".join(f"{k / 1024:.0f}" for k in trend) + " MiB")  # fmt: skip
        say(f"  kept-alive connections the server had closed, opened again: "
            f"{tally.reconnects + warm.reconnects}")  # fmt: skip
        say(f"  journal afterwards: integrity_check {integrity}, cipher_integrity_check "
            f"{'clean' if cipher == 0 else f'{cipher} bad pages'}")  # fmt: skip
        failed = bool(errors) or growth > MAX_GROWTH or integrity != "ok" or cipher != 0
        say()
        say("  result: " + ("FAIL" if failed else "PASS"))
        return 1 if failed else 0
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=15)
        elif proc is not None and proc.returncode not in (0, -15):
            tail = log.read_text(errors="replace").splitlines()[-200:] if log.exists() else []
            say(f"  the server ended with {proc.returncode}; the end of its log:")
            for line in tail:
                say(f"    {line}")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
