"""SIGKILL at random moments while the CLI and the web app both write, then proof that
nothing acknowledged was lost and the file is undamaged.

Nothing is mocked. CLI writers run `python -m earned log|wait|edit` as child processes in a
loop; a real `earned serve` takes form posts over HTTP with the session cookie, the CSRF
token and the Host/Origin a browser sends; `earned unlock` keeps a real key agent. A
killer sends SIGKILL to a running CLI writer, the server, the key agent, or all of them at
once; the server is started again when its clients notice, the agent right after the
check. Every write carries a unique marker in its text and is written down as
acknowledged only when the person would have been told it was saved (exit 0 with the
confirmation line; a 303 to the page that follows a save). After each kill the journal is
opened with its key: every acknowledged marker must be there, and `PRAGMA
integrity_check` and `PRAGMA cipher_integrity_check` must be clean.

Used by tests/test_kills.py (a handful of kills) and bench/kills.py (hundreds). Costs:
about a second per server start (FastAPI and uvicorn are imported each time), a few
tens of milliseconds per CLI write.
"""

from __future__ import annotations

import http.client
import os
import random
import select
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from earned import agent, journal
from earned.errors import EarnedError
from earned.paths import Profile
from earned.store import sqlcipher

TARGETS = ("cli", "server", "agent", "all")
REFLECT_KEY = journal.reflection_prompts()[0]["key"]
# Markers are plain words: nothing in them may look like danger to earned.safety (which
# would add a care panel to the answer) or break a field's rules.
MARKER_PREFIX = "mk"
CHILD_TIMEOUT = 90.0  # seconds; a CLI write or a request that takes longer is a hang


# --- what was acknowledged -----------------------------------------------------------------


@dataclass(frozen=True)
class Ack:
    """One write the person was told was saved: which kind, its marker, and its row for edits."""

    kind: str
    marker: str
    row: str | None = None


class Ledger:
    """Acknowledged writes, and every edit attempted per row (thread-safe).

    An edit killed after its commit but before its confirmation may still have landed,
    so a row may hold any edit attempted since the last acknowledged one, never an older.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._acks: list[Ack] = []
        self._edits: dict[str, list[str]] = {}
        self._made: list[tuple[str, str]] = []  # every marker handed out: (kind, marker)
        self._count = 0
        self.tag = f"{MARKER_PREFIX}{random.getrandbits(32):08x}"

    def marker(self, kind: str) -> str:
        with self._lock:
            self._count += 1
            made = f"{self.tag} {kind} {self._count:06d}"
            self._made.append((kind, made))
            return made

    def attempt_edit(self, row: str, marker: str) -> None:
        with self._lock:
            self._edits.setdefault(row, []).append(marker)

    def ack(self, ack: Ack) -> None:
        with self._lock:
            self._acks.append(ack)

    def acks(self) -> list[Ack]:
        with self._lock:
            return list(self._acks)

    def made(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._made)

    def edits(self) -> dict[str, list[str]]:
        with self._lock:
            return {row: list(markers) for row, markers in self._edits.items()}


# --- reading the journal ---------------------------------------------------------------------


@dataclass
class Check:
    """One look at the journal after a kill."""

    checked: int  # acknowledged writes looked up
    lost: list[Ack]
    integrity: list[str]  # PRAGMA integrity_check: ["ok"] when clean
    cipher: list[str]  # PRAGMA cipher_integrity_check: [] when clean
    needs_restore: bool  # the "did not pass its full check" marker beside the journal
    # New records in the journal that were never acknowledged: a kill between the commit
    # and the answer (counted exactly only once the writers have stopped).
    unacknowledged: int = 0

    @property
    def clean(self) -> bool:
        return (
            not self.lost
            and self.integrity == ["ok"]
            and not self.cipher
            and not self.needs_restore
        )


# Where each kind of write keeps its marker: (SQL giving marker rows, what the row must hold).
FOUND = {
    "log": "SELECT trigger FROM activations WHERE trigger LIKE ?",
    "wait": "SELECT urge FROM urge_delays WHERE urge LIKE ? AND outcome = 'waited'",
    "capture": "SELECT client_token FROM activations WHERE client_token LIKE ?",
    "reflect": "SELECT body FROM entries WHERE kind = 'reflection' AND body LIKE ?",
    "note": "SELECT body FROM entries WHERE kind = 'note' AND body LIKE ?",
    "urge": "SELECT urge FROM urge_delays WHERE urge LIKE ?",
}
EDITED = {  # edits: the field each writer changes, by the row's id as the writer knows it
    # `earned edit` is given the short id `earned log` printed; the web has the whole id.
    "edit-cli": "SELECT substr(id, 1, 8), urge FROM activations WHERE urge LIKE ?",
    "edit-web": "SELECT id, trigger FROM activations WHERE trigger LIKE ?",
}


def check(profile: Profile, key: bytes, ledger: Ledger) -> Check:
    """Open the journal and look for every acknowledged marker; run both integrity checks.

    The acknowledgements are read before the journal's snapshot (so each was committed
    before it), the attempted edits after it (so every value it can hold is known).
    Other processes may keep writing meanwhile: the checks run in one read transaction.
    """
    import sqlcipher3.dbapi2 as dbapi

    acks = ledger.acks()
    needs_restore = sqlcipher.marker(profile.database).exists()
    try:
        conn = sqlcipher.connect(profile.database, key)
    except EarnedError as exc:  # damaged (or held past the busy timeout: also a finding)
        return Check(len(acks), [], [f"cannot open: {exc.message}"], [], needs_restore)
    try:
        conn.execute("BEGIN")
        like = f"{ledger.tag} %"
        found = {kind: {r[0] for r in conn.execute(sql, (like,))} for kind, sql in FOUND.items()}
        edited = {
            kind: {r[0]: r[1] for r in conn.execute(sql, (like,))} for kind, sql in EDITED.items()
        }
        integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        cipher = [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check")]
        conn.execute("COMMIT")
    except dbapi.DatabaseError as exc:
        return Check(len(acks), [], [f"unreadable: {exc}"], [], needs_restore)
    finally:
        conn.close()
    edits = ledger.edits()
    acked = {ack.marker for ack in acks}
    unacknowledged = sum(
        1 for kind, m in ledger.made() if kind in FOUND and m not in acked and m in found[kind]
    )
    lost: list[Ack] = []
    for ack in acks:
        if ack.kind in FOUND:
            present = ack.marker in found[ack.kind]
        else:
            assert ack.row is not None
            tried = edits[ack.row]
            present = edited[ack.kind].get(ack.row) in tried[tried.index(ack.marker) :]
        if not present:
            lost.append(ack)
    return Check(
        checked=len(acks),
        lost=lost,
        integrity=integrity,
        cipher=cipher,
        needs_restore=needs_restore,
        unacknowledged=unacknowledged,
    )


# --- the processes ---------------------------------------------------------------------------


class Children:
    """The running child processes, by role, for the killer to pick from."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[int, tuple[str, subprocess.Popen[str]]] = {}
        self.killed: set[int] = set()

    def add(self, role: str, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._running[proc.pid] = (role, proc)

    def remove(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._running.pop(proc.pid, None)

    def live(self, role: str) -> list[subprocess.Popen[str]]:
        with self._lock:
            found = [p for r, p in self._running.values() if r == role]
        return [p for p in found if p.poll() is None]

    def kill(self, proc: subprocess.Popen[str]) -> bool:
        """SIGKILL `proc` if it still runs; whether it did. Waits until it has ended."""
        with self._lock:
            if proc.poll() is not None:
                return False
            self.killed.add(proc.pid)
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        return True


def agent_pid(profile: Profile) -> int | None:
    """The pid of the process listening in the profile's agent folder, or None.

    Found through /proc (the listening socket's inode, then the process holding it):
    the agent forks after binding, so neither its socket's SO_PEERCRED nor the pid
    `earned unlock` saw is the one serving. The folder is this run's own
    (XDG_RUNTIME_DIR), so no other program's process can match.
    """
    folder = f"{agent.socket_path(profile).parent}/"
    listening = set()
    for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
        parts = line.split()
        # Num RefCount Protocol Flags Type St Inode Path; flag 0x10000 is "listening"
        if len(parts) == 8 and parts[7].startswith(folder) and int(parts[3], 16) & 0x10000:
            listening.add(f"socket:[{parts[6]}]")
    if not listening:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            held = {os.readlink(fd) for fd in (proc / "fd").iterdir()}
        except OSError:
            continue  # ended meanwhile
        if held & listening:
            return int(proc.name)
    return None


def _gone(pid: int) -> bool:
    """Ended (or a zombie waiting for init): its sockets are closed either way."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


# --- the web side ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """One unlocked server as its clients see it: generation, port, cookies."""

    generation: int
    port: int
    cookies: dict[str, str]


def _request(
    port: int,
    method: str,
    path: str,
    cookies: dict[str, str],
    fields: dict[str, str] | None = None,
) -> tuple[int, str, dict[str, str], bytes]:
    """One request on a fresh connection, as a browser on this page would send it:
    (status, Location, cookies set, body). Raises OSError/HTTPException if the server is gone."""
    headers = {"Host": f"127.0.0.1:{port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if fields is not None:
        body = urlencode(fields)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = f"http://127.0.0.1:{port}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CHILD_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        set_cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key] = rest.split(";", 1)[0]
        return response.status, response.getheader("location") or "", set_cookies, data
    finally:
        conn.close()


class Web:
    """The server process and its one unlocked session, started again after a kill."""

    def __init__(self, harness: Harness) -> None:
        self.h = harness
        self._lock = threading.Lock()
        self._session: Session | None = None
        self._proc: subprocess.Popen[str] | None = None
        self.generation = 0
        self.starts = 0
        self.logs: list[Path] = []

    def session(self) -> Session | None:
        """The live session, starting and unlocking a server if there is none (None: stopping)."""
        with self._lock:
            while not self.h.stopping.is_set():
                if self._session is not None and self._proc is not None:
                    if self._proc.poll() is None:
                        return self._session
                    self._ended(self._proc)
                    self._session = None
                started = self._start()
                if started is not None:
                    self._session = started
                    return started
            return None

    def lost(self, generation: int) -> None:
        """A client could not reach the server of `generation` (or was sent to unlock)."""
        with self._lock:
            if self._session is not None and self._session.generation == generation:
                self._session = None
                proc = self._proc
                if proc is None or proc.pid in self.h.children.killed:
                    return
                try:
                    # A killed server's connections reset a moment before it can be reaped.
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    # Alive but not answering as unlocked: a finding, not a kill.
                    self.h.unexpected.append(f"server generation {generation} lost its session")
                    self.h.children.kill(proc)
                    return
                self._ended(proc)

    def _ended(self, proc: subprocess.Popen[str]) -> None:
        if proc.pid not in self.h.children.killed:
            self.h.unexpected.append(f"server ended by itself (exit {proc.returncode})")

    def _start(self) -> Session | None:
        if self._proc is not None and self._proc.stdout is not None:
            self._proc.stdout.close()  # the last server's pipe: hundreds of restarts add up
        self.generation += 1
        self.starts += 1
        log = self.h.work / f"serve-{self.generation}.log"
        self.logs.append(log)
        with log.open("w") as err:
            proc = subprocess.Popen(
                [*self.h.earned, "serve", "--port", "0"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                env=self.h.env,
                start_new_session=True,
            )
        self._proc = proc
        self.h.children.add("server", proc)
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], CHILD_TIMEOUT)
        line = proc.stdout.readline() if ready else ""
        if not line.startswith("earned is running at http://127.0.0.1:"):
            try:
                proc.wait(timeout=5)  # killed while starting, most likely
            except subprocess.TimeoutExpired:
                self.h.unexpected.append(f"server printed {line!r} instead of its address")
                self.h.children.kill(proc)
                return None
            self._ended(proc)
            return None
        port = int(line.strip().rstrip("/").rsplit(":", 1)[1])
        try:
            return self._unlock(port)
        except (OSError, http.client.HTTPException):
            return None  # killed while unlocking: try again

    def _unlock(self, port: int) -> Session | None:
        cookies: dict[str, str] = {}
        _s, _l, got, _b = _request(port, "GET", "/unlock", cookies)
        cookies |= got
        fields = {"csrf": cookies.get("earned_csrf", ""), "passphrase": self.h.passphrase}
        status, where, got, _b = _request(port, "POST", "/unlock", cookies, fields)
        cookies |= got
        if status != 303 or where != "/":
            self.h.unexpected.append(f"unlock answered {status} {where}")
            return None
        # The CSRF token bound to the new session comes with the next page.
        status, _l, got, _b = _request(port, "GET", "/moment", cookies)
        cookies |= got
        if status != 200:
            self.h.unexpected.append(f"GET /moment after unlock answered {status}")
            return None
        return Session(self.generation, port, cookies)

    def stop(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.terminate()
                try:
                    self._proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.h.children.kill(self._proc)
            if self._proc is not None and self._proc.stdout is not None:
                self._proc.stdout.close()

    def server_errors(self) -> list[str]:
        """Every line the servers logged: they log warnings and errors only (unexpected
        exceptions, damage, a crash's stacks), so each one is a finding."""
        lines: list[str] = []
        for log in self.logs:
            text = log.read_text(errors="replace") if log.exists() else ""
            lines += [f"{log.name}: {ln}" for ln in text.splitlines() if ln.strip()]
        return lines


# --- the harness -------------------------------------------------------------------------------


@dataclass
class Figures:
    """What a run did and found."""

    kills: Counter[str] = field(default_factory=Counter)  # by target
    killed_processes: Counter[str] = field(default_factory=Counter)  # by role
    acknowledged: Counter[str] = field(default_factory=Counter)  # by kind of write
    checks: list[Check] = field(default_factory=list)
    final: Check | None = None
    unexpected: list[str] = field(default_factory=list)
    server_starts: int = 0
    server_errors: list[str] = field(default_factory=list)
    wall: float = 0.0

    @property
    def lost(self) -> list[Ack]:
        seen: dict[str, Ack] = {}
        for c in [*self.checks, *([self.final] if self.final else [])]:
            for ack in c.lost:
                seen[ack.marker] = ack
        return list(seen.values())

    @property
    def damaged(self) -> list[str]:
        said: list[str] = []
        for n, c in enumerate([*self.checks, *([self.final] if self.final else [])]):
            if c.integrity != ["ok"]:
                said.append(f"check {n}: integrity_check {c.integrity[:3]}")
            if c.cipher:
                said.append(f"check {n}: cipher_integrity_check {c.cipher[:3]}")
            if c.needs_restore:
                said.append(f"check {n}: journal marked as needing a restore")
        return said

    @property
    def ok(self) -> bool:
        return (
            self.final is not None
            and not self.lost
            and not self.damaged
            and not self.unexpected
            and not self.server_errors
        )


class Harness:
    """CLI and web writers on one journal, a killer, and the checks. See the module doc."""

    def __init__(
        self,
        profile: Profile,
        key: bytes,
        passphrase: str,
        work: Path,
        *,
        seed: int = 0,
        cli_writers: int = 2,
        web_writers: int = 2,
        gap: tuple[float, float] = (0.3, 1.5),
    ) -> None:
        self.profile = profile
        self.key = key
        self.passphrase = passphrase
        self.work = work
        self.rng = random.Random(seed)
        self.cli_writers = cli_writers
        self.web_writers = web_writers
        self.gap = gap
        self.ledger = Ledger()
        self.children = Children()
        self.stopping = threading.Event()
        self.unexpected: list[str] = []
        self.figures = Figures()
        self.earned = [sys.executable, "-m", "earned", "--profile", profile.name]
        env = {k: v for k, v in os.environ.items() if not k.startswith("EARNED_")}
        self.env = env | {
            "EARNED_DATA_DIR": str(profile.folder.parent.parent),
            # The quick commands fall back to it while the agent is dead; `edit` needs it.
            "EARNED_PASSPHRASE": passphrase,
            # A process that crashes (not killed) leaves its Python stacks in its stderr.
            "PYTHONFAULTHANDLER": "1",
        }
        self.web = Web(self)
        self._ack_lock = threading.Lock()

    # acknowledgements

    def _acked(self, ack: Ack) -> None:
        self.ledger.ack(ack)
        with self._ack_lock:
            self.figures.acknowledged[ack.kind] += 1

    def acked(self, *kinds: str) -> int:
        with self._ack_lock:
            return sum(self.figures.acknowledged[k] for k in kinds)

    # the CLI writers

    def _cli(self, *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
        proc = subprocess.Popen(
            [*self.earned, *argv],
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
            start_new_session=True,
        )
        self.children.add("cli", proc)
        try:
            out, err = proc.communicate(stdin, timeout=CHILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.unexpected.append(f"`earned {argv[0]}` hung for {CHILD_TIMEOUT:.0f} s")
            self.children.kill(proc)
            out, err = proc.communicate()
        finally:
            self.children.remove(proc)
        if proc.returncode not in (0, -signal.SIGKILL) or (
            proc.returncode < 0 and proc.pid not in self.children.killed
        ):
            last = err.strip().splitlines()[-1:] or ["(nothing on stderr)"]
            self.unexpected.append(f"`earned {argv[0]}` exited {proc.returncode}: {last[0]}")
        return proc.returncode, out, err

    def _cli_writer(self, rng: random.Random) -> None:
        mine: list[str] = []  # short ids of this writer's acknowledged `earned log`s
        while not self.stopping.is_set():
            op = rng.choice(("log", "log", "log", "wait", "edit") if mine else ("log", "wait"))
            if op == "log":
                marker = self.ledger.marker("log")
                code, out, _err = self._cli("log", str(rng.randrange(11)), marker)
                if code == 0 and out.startswith("Logged: "):
                    self._acked(Ack("log", marker))
                    mine.append(out.split("(id ", 1)[1][:8])
            elif op == "wait":
                marker = self.ledger.marker("wait")
                code, out, _err = self._cli("wait", marker, stdin="w\n")
                if code == 0 and "You waited" in out:
                    self._acked(Ack("wait", marker))
            else:
                row = rng.choice(mine)
                marker = self.ledger.marker("edit-cli")
                self.ledger.attempt_edit(row, marker)
                code, out, _err = self._cli("edit", row, "--urge", marker)
                if code == 0 and out.startswith("Saved:"):
                    self._acked(Ack("edit-cli", marker, row))

    # the web writers

    def _web_writer(self, rng: random.Random) -> None:
        mine: list[str] = []  # ids of this writer's acknowledged captures
        while not self.stopping.is_set():
            s = self.web.session()
            if s is None:
                return
            csrf = s.cookies.get("earned_csrf", "")
            op = rng.choice(
                ("capture", "reflect", "note", "urge", "edit") if mine else ("capture",)
            )
            kind = "edit-web" if op == "edit" else op
            marker = self.ledger.marker(kind)
            row = rng.choice(mine) if op == "edit" else None
            if op == "capture":
                path, fields = "/moment", {"intensity": "5", "client_token": marker}
            elif op == "reflect":
                path, fields = f"/reflect/{REFLECT_KEY}", {"body": marker}
            elif op == "note":
                path, fields = "/entries/note", {"body": marker}
            elif op == "urge":
                path, fields = "/urge", {"urge": marker}
            else:
                assert row is not None
                path, fields = f"/moment/{row}", {"trigger": marker, "tz": "0"}
                self.ledger.attempt_edit(row, marker)
            try:
                status, where, _c, body = _request(
                    s.port, "POST", path, s.cookies, {"csrf": csrf, **fields}
                )
            except (OSError, http.client.HTTPException):
                self.web.lost(s.generation)  # killed mid-request, most likely
                continue
            if status == 303 and where == "/unlock":
                self.web.lost(s.generation)
                continue
            saved = _saved(op, path, where)
            if status != 303 or saved is None:
                text = body[:200].decode("utf-8", "replace")
                self.unexpected.append(f"POST {path} answered {status} {where} {text!r}")
                continue
            self._acked(Ack(kind, marker, row))
            if op == "capture":
                mine.append(saved)

    # the killer

    def _kill(self, target: str) -> list[str]:
        """SIGKILL what `target` names, if it is running; the roles actually killed."""
        done: list[str] = []
        if target in ("cli", "all"):
            running = self.children.live("cli")
            if target == "cli":
                running = [self.rng.choice(running)] if running else []
            done += ["cli" for p in running if self.children.kill(p)]
        if target in ("server", "all"):
            done += ["server" for p in self.children.live("server") if self.children.kill(p)]
        if target in ("agent", "all"):
            pid = agent_pid(self.profile)
            if pid is not None:
                os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + 10
                while not _gone(pid) and time.monotonic() < deadline:
                    time.sleep(0.01)
                done.append("agent")
        return done

    def _unlock_agent(self) -> None:
        code, _out, err = self._cli("unlock", "--minutes", "60")
        if code != 0:
            self.unexpected.append(f"earned unlock exited {code}: {err.strip()[-200:]}")

    def run(self, kills: int, *, warm_up_timeout: float = 120.0) -> Figures:
        """Write, kill `kills` times (each target in turn, in a shuffled order), check after
        each; then stop everything and check once more. Returns the figures."""
        began = time.perf_counter()
        self._unlock_agent()
        threads = [
            threading.Thread(target=self._cli_writer, args=(random.Random(self.rng.random()),))
            for _ in range(self.cli_writers)
        ] + [
            threading.Thread(target=self._web_writer, args=(random.Random(self.rng.random()),))
            for _ in range(self.web_writers)
        ]
        for t in threads:
            t.start()
        try:
            # Both sides must be writing before the first kill, or it proves little.
            deadline = time.monotonic() + warm_up_timeout
            while time.monotonic() < deadline and not (
                self.acked("log", "wait") and self.acked("capture")
            ):
                time.sleep(0.05)
            order: list[str] = []
            tries = 0
            while sum(self.figures.kills.values()) < kills and tries < 20 * kills + 20:
                tries += 1
                if not order:
                    order = list(TARGETS)
                    self.rng.shuffle(order)
                target = order.pop()
                time.sleep(self.rng.uniform(*self.gap))
                done = self._kill(target)
                if not done:
                    # Nothing of that kind runs just now (a server starting, the agent
                    # being replaced): try another target later; no kill counted.
                    continue
                self.figures.kills[target] += 1
                self.figures.killed_processes.update(done)
                self.figures.checks.append(check(self.profile, self.key, self.ledger))
                if agent_pid(self.profile) is None:
                    self._unlock_agent()
        finally:
            self.stopping.set()
            for t in threads:
                t.join(timeout=CHILD_TIMEOUT * 2)
            self.web.stop()
            agent.stop(self.profile)
        self.figures.final = check(self.profile, self.key, self.ledger)
        self.figures.unexpected = list(self.unexpected)
        self.figures.server_starts = self.web.starts
        self.figures.server_errors = self.web.server_errors()
        self.figures.wall = time.perf_counter() - began
        return self.figures


def _saved(op: str, path: str, where: str) -> str | None:
    """Where a successful save sends the browser; the new row's id for a capture, "" for
    the others; None if `where` is not that page."""
    if op == "capture":
        prefix, _, rest = where.partition("/moment/")
        row = rest.removesuffix("/saved")
        return row if not prefix and rest.endswith("/saved") and len(row) == 32 else None
    expected = {
        "reflect": f"{path}?saved=1",
        "edit": f"{path}?saved=1",
    }.get(op)
    if expected is not None:
        return "" if where == expected else None
    if op == "note":
        ok = where.startswith("/entries/") and where.endswith("/edit?saved=1")
    else:  # urge
        ok = where.startswith("/urge/") and len(where) == len("/urge/") + 32
    return "" if ok else None


def report(f: Figures) -> list[str]:
    """The figures as lines of text, for the bench's output and a failing test's message."""

    def each(counts: Counter[str]) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))

    final = f.final
    lines = [
        f"kills: {sum(f.kills.values())} ({each(f.kills)})",
        f"processes killed: {each(f.killed_processes)}",
        f"acknowledged writes: {sum(f.acknowledged.values())} ({each(f.acknowledged)})",
        f"writes checked: {final.checked if final else 0} in the final check, "
        f"{sum(c.checked for c in f.checks)} look-ups over {len(f.checks)} checks after kills",
        f"written but never acknowledged (killed between commit and answer): "
        f"{final.unacknowledged if final else 0}",
        f"lost acknowledged writes: {len(f.lost)}"
        + (f" (e.g. {f.lost[0].kind} {f.lost[0].marker!r})" if f.lost else ""),
        "integrity: "
        + (
            "integrity_check ok, cipher_integrity_check clean, no restore marker, in every check"
            if not f.damaged
            else "; ".join(f.damaged[:5])
        ),
        f"server starts: {f.server_starts}; server errors logged: {len(f.server_errors)}",
        f"unexpected outcomes: {len(f.unexpected)}"
        + (f" (first: {f.unexpected[0]})" if f.unexpected else ""),
        f"wall time: {f.wall:.1f} s",
    ]
    return lines
