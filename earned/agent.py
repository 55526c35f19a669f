"""The key agent: holds one profile's data key in memory for a limited time.

Why: every quick command (`earned log`, `settle`, `peak`, `open`, `wait`) would
otherwise ask for the passphrase and pay an Argon2id derivation (~140 ms, deliberately
slow). `earned unlock` derives the key once and hands it to a small background process,
`python -m earned.agent`; quick commands ask that process for the key in a few ms.

How it is kept to this user (docs/privacy-and-threat-model.md has the trade-off):
- the key goes to the agent over a pipe, never in argv or the environment;
- the socket lives in a folder only this user may enter ($XDG_RUNTIME_DIR/earned, or
  /tmp/earned-<uid>; mode 0700, checked on every use) and is itself mode 0600;
- both ends check the other's uid with SO_PEERCRED; a folder or socket that is not
  private to this user is refused, never "fixed";
- the agent marks itself non-dumpable (no core files, no debugger attach or /proc
  memory reads by other programs of the same user) and forgets the key when its time
  is up (measured on CLOCK_BOOTTIME, so a sleeping laptop does not extend it), on
  `earned lock`, or on SIGTERM.

The client half (fetch_key, seconds_left, stop) is on the quick path, so it uses the
C module `_socket` rather than `socket` (whose import costs ~1.5 ms of a ~40 ms capture)
and hashes without zlib or hashlib; the agent itself uses the full `socket` module.
"""

from __future__ import annotations

import _socket
import json
import os
import stat
import struct
import sys
import time
from contextlib import suppress
from pathlib import Path

from earned.errors import EarnedError
from earned.paths import Profile

DEFAULT_MINUTES = 15.0
MAX_MINUTES = 12 * 60.0
_CRED = struct.Struct("3i")  # struct ucred: pid, uid, gid
_CLIENT_TIMEOUT = 2.0
_MAX_LINE = 512
_WAKE = 5.0  # the agent re-checks its deadline and socket at least this often
# Before handing out the key, the agent checks every page of the journal if its last check
# is older than this: a page damaged since `earned unlock` (which checked them all) is
# found within a minute, before `earned log` writes more words into a file the person
# will be told to replace from a backup. About 20 ms on a three-year journal.
CHECK_EVERY = 60.0
_SUN_PATH_MAX = 107  # sockaddr_un.sun_path, minus the terminating NUL


class UnsafeAgent(EarnedError):
    """The agent's folder or socket is not private to this user, so it is not used."""


# --- where the socket lives ----------------------------------------------------------------


def runtime_dir() -> Path:
    """$XDG_RUNTIME_DIR/earned if the session has one, else /tmp/earned-<uid>."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and os.path.isabs(base) and os.path.isdir(base):
        return Path(base) / "earned"
    return Path("/tmp") / f"earned-{os.getuid()}"  # noqa: S108 - checked: ours, mode 0700


def _fnv1a(data: bytes) -> int:
    """64-bit FNV-1a: a short, stable name for a folder (not a security measure)."""
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def socket_path(profile: Profile) -> Path:
    """One socket per profile folder (two data folders may both have a 'default').

    A collision of the short name would be harmless: the agent hands out its key only
    for the folder it was unlocked for.
    """
    folder = str(profile.folder.absolute()).encode("utf-8", "surrogateescape")
    return runtime_dir() / f"{profile.name}-{_fnv1a(folder):016x}.sock"


def _check_private(st: os.stat_result, path: Path, kind: str) -> None:
    is_kind = stat.S_ISDIR(st.st_mode) if kind == "folder" else stat.S_ISSOCK(st.st_mode)
    if not is_kind:
        problem = f"it is not a {kind}"
    elif st.st_uid != os.getuid():
        problem = f"it belongs to another user (uid {st.st_uid})"
    elif st.st_mode & 0o077:
        problem = f"others may use it (mode {stat.S_IMODE(st.st_mode):04o})"
    else:
        return
    remedy = (
        f"remove it (rm {path}) and run `earned unlock` again"
        if kind == "socket"
        else "set XDG_RUNTIME_DIR to a folder only you can use (mode 0700), or remove this one"
    )
    raise UnsafeAgent(
        f"The key agent's {kind} {path} is not private to you ({problem}), so it was not "
        f"used. If you did not expect this, {remedy}.",
        exit_code=2,
    )


def _private_dir(create: bool) -> Path | None:
    """The checked runtime folder; None if it does not exist (and `create` is False)."""
    path = runtime_dir()
    if create:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise EarnedError(f"Cannot create {path} for the key agent: {exc.strerror}.") from None
    try:
        st = os.lstat(path)  # lstat: a symlink planted here is refused, not followed
    except FileNotFoundError:
        return None
    _check_private(st, path, "folder")
    return path


def prepare() -> Path:
    """Create (mode 0700) or check the agent's folder; UnsafeAgent if it is not private."""
    if not supported():
        raise EarnedError(
            "`earned unlock` needs a system that tells who is on the other end of a local "
            "socket (Linux); here, quick commands ask for the passphrase each time.",
            exit_code=2,
        )
    path = _private_dir(create=True)
    assert path is not None  # just created or found
    return path


# --- client ----------------------------------------------------------------------------------


def _peer_uid(sock: _socket.socket) -> int:
    raw = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, _CRED.size)
    return int(_CRED.unpack(raw)[1])


def _read_line(sock: _socket.socket) -> str:
    data = b""
    while not data.endswith(b"\n") and len(data) < _MAX_LINE:
        chunk = sock.recv(_MAX_LINE)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "surrogateescape").strip()


def supported() -> bool:
    """The agent needs SO_PEERCRED (Linux) to check who is asking."""
    return hasattr(_socket, "SO_PEERCRED")


def _ask(profile: Profile, command: str) -> str | None:
    """Send one command to the profile's agent; its reply, or None if no agent runs."""
    if not supported() or _private_dir(create=False) is None:
        return None
    path = socket_path(profile)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    _check_private(st, path, "socket")
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.settimeout(_CLIENT_TIMEOUT)
        try:
            sock.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError):
            return None  # a socket left behind by an agent that was killed
        except (BlockingIOError, TimeoutError):
            # Its queue of waiting connections is full (a flood of clients, or a stuck
            # agent): answer as if locked, so the command falls back to the passphrase
            # instead of ending in "a bug".
            return None
        if _peer_uid(sock) != os.getuid():
            raise UnsafeAgent(
                f"The process behind {path} runs as another user, so it was not asked for "
                "your key.",
                exit_code=2,
            )
        try:
            sock.sendall(f"{command}\n".encode("utf-8", "surrogateescape"))
            return _read_line(sock)
        except OSError:
            return None  # it went away mid-answer (e.g. its time ran out just then)
    finally:
        sock.close()


def fetch_key(profile: Profile) -> bytes | None:
    """The profile's data key from its agent, or None if it is not unlocked. A few ms."""
    reply = _ask(profile, f"KEY {profile.folder.absolute()}")
    if reply is None or not reply.startswith("OK "):
        return None
    try:
        key = bytes.fromhex(reply[3:])
    except ValueError:
        return None
    return key if len(key) == 32 else None


def seconds_left(profile: Profile) -> float | None:
    """How long the profile stays unlocked, or None if it is locked."""
    reply = _ask(profile, "LEFT")
    if reply is None or not reply.startswith("LEFT "):
        return None
    try:
        return float(reply[5:])
    except ValueError:
        return None


def stop(profile: Profile) -> bool:
    """Tell the profile's agent to forget the key and exit; False if none was running."""
    return _ask(profile, "STOP") == "BYE"


SECRET_ENV = frozenset({"EARNED_PASSPHRASE"})


def start(
    profile: Profile, data_key: bytes, seconds: float, *, check_every: float = CHECK_EVERY
) -> tuple[int, float]:
    """Start an agent holding `data_key` for `seconds`; its pid, and when it expires (epoch).

    Replaces an agent already running for this profile. The key is written to the
    agent's stdin; the agent detaches (its own session, double fork) once listening.
    """
    import subprocess

    if len(data_key) != 32:
        raise ValueError("data key must be 32 bytes")
    if not 0 < seconds <= MAX_MINUTES * 60:
        raise ValueError("agent lifetime out of range")
    prepare()
    path = socket_path(profile)
    if len(str(path).encode()) > _SUN_PATH_MAX - 24:  # room for the temporary name
        raise EarnedError(
            f"The folder {path.parent} has too long a path for the key agent's socket. "
            "Set XDG_RUNTIME_DIR to a shorter private folder."
        )
    stop(profile)
    request = {
        "key": data_key.hex(),
        "seconds": seconds,
        "socket": str(path),
        "folder": str(profile.folder.absolute()),
        "check_every": check_every,
    }
    # cwd: the folder holding this copy of `earned`, so `-m earned.agent` runs this code.
    package_root = Path(__file__).resolve().parent.parent
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "earned.agent"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C or closing this terminal does not reach it
            cwd=package_root,
            # The agent outlives this command for hours: it must not keep a passphrase
            # given to `earned unlock` in EARNED_PASSPHRASE readable in /proc/PID/environ.
            env={k: v for k, v in os.environ.items() if k not in SECRET_ENV},
        )
        out, _ = proc.communicate(json.dumps(request).encode() + b"\n", timeout=15)
    except (OSError, subprocess.TimeoutExpired):
        raise EarnedError("The key agent did not start; your journal stays locked.") from None
    words = out.decode("ascii", "replace").split()
    if proc.returncode != 0 or len(words) != 3 or words[0] != "ready":
        raise EarnedError("The key agent did not start; your journal stays locked.")
    return int(words[1]), float(words[2])


# --- the agent process -----------------------------------------------------------------------


def _clock() -> float:
    """Seconds on a clock that keeps counting while the computer sleeps."""
    try:
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    except (AttributeError, OSError):  # not Linux
        return time.monotonic()


def _harden() -> None:
    """No core files; not dumpable, so same-user programs cannot ptrace or read /proc/PID/mem."""
    import ctypes
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def peer_allowed(conn: _socket.socket) -> bool:
    """Only processes of this user may talk to the agent."""
    try:
        return _peer_uid(conn) == os.getuid()
    except OSError:
        return False


class _Agent:
    def __init__(
        self,
        key: bytearray,
        folder: str,
        path: Path,
        seconds: float,
        check_every: float = CHECK_EVERY,
    ) -> None:
        import socket  # the full module (accept()); only the client half must avoid it

        self.key = key
        self.folder = folder
        self.path = path
        self.deadline = _clock() + seconds
        self.check_every = check_every
        self.checked = _clock()  # `earned unlock` checked every page just before
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.identity: tuple[int, int] = (0, 0)

    def bind(self) -> None:
        """Listen on a temporary name, then rename over the real one (atomic replace)."""
        os.umask(0o077)
        temporary = self.path.with_name(f".{os.getpid()}.tmp")
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        self.listener.bind(str(temporary))
        os.chmod(temporary, 0o600)
        self.listener.listen(16)
        os.replace(temporary, self.path)
        st = os.stat(self.path)
        self.identity = (st.st_dev, st.st_ino)

    def still_ours(self) -> bool:
        try:
            st = os.stat(self.path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == self.identity

    def serve(self) -> None:
        while (left := self.deadline - _clock()) > 0 and self.still_ours():
            self.listener.settimeout(min(left, _WAKE))
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            try:
                if not self.answer(conn):
                    return
            finally:
                conn.close()

    def answer(self, conn: _socket.socket) -> bool:
        """Reply to one request; False when the agent should stop."""
        conn.settimeout(1.0)
        if not peer_allowed(conn):
            return True
        try:
            command, _, argument = _read_line(conn).partition(" ")
            left = self.deadline - _clock()
            if left <= 0 or command == "STOP":
                # Forget the key and remove the socket before saying BYE: when stop()
                # returns, both are gone (deleting a profile relies on it).
                self.close()
                conn.sendall(b"BYE\n")
                return False
            if command == "KEY" and argument == self.folder:
                if not self.journal_checks_out():
                    # Damaged, or no longer the journal this key opens: forget the key,
                    # and let the command find out why (the passphrase path says it).
                    self.close()
                    conn.sendall(b"BYE\n")
                    return False
                conn.sendall(b"OK " + self.key.hex().encode() + b"\n")
            elif command == "LEFT":
                conn.sendall(f"LEFT {left:.1f}\n".encode())
            else:
                conn.sendall(b"ERR\n")
        except OSError:
            pass
        return True

    def journal_checks_out(self) -> bool:
        """Every page of the journal, if the last check is older than check_every."""
        if _clock() - self.checked < self.check_every:
            return True
        from earned.store import sqlcipher

        journal = Path(self.folder) / "journal.db"
        try:
            if journal.stat().st_size == 0:
                return False
        except OSError:
            return False  # gone: SQLite would create an empty one in its place
        try:
            sqlcipher.verify(journal, bytes(self.key))
        except sqlcipher.Damaged:
            return False  # verify left the marker if a page failed: the quick path refuses
        except EarnedError:
            return True  # busy (a long write elsewhere): check again next time
        self.checked = _clock()
        return True

    def close(self) -> None:
        self.listener.close()
        if self.still_ours():
            with suppress(OSError):
                os.unlink(self.path)
        self.key[:] = bytes(len(self.key))  # best effort: Python may hold other copies


def _stop_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(0)


def main() -> int:
    """`python -m earned.agent`: read the request on stdin, listen, detach, serve."""
    import signal

    _harden()
    try:
        request = json.loads(sys.stdin.readline())
        key = bytearray.fromhex(request["key"])
        seconds = float(request["seconds"])
        path = Path(request["socket"])
        folder = str(request["folder"])
        check_every = float(request.get("check_every", CHECK_EVERY))
    except (ValueError, KeyError, TypeError):
        return 2
    if len(key) != 32 or not 0 < seconds <= MAX_MINUTES * 60 or not check_every >= 0:
        return 2
    agent = _Agent(key, folder, path, seconds, check_every)
    try:
        agent.bind()
    except OSError:
        return 1
    expires = time.time() + seconds
    child = os.fork()
    if child > 0:
        # The parent reports and exits, so `earned unlock` can return; the child lives on.
        sys.stdout.write(f"ready {child} {expires:.3f}\n")
        sys.stdout.flush()
        os._exit(0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)  # let go of the pipes, so the parent's reader sees EOF
    os.close(devnull)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, _stop_on_signal)
    try:
        agent.serve()
    finally:
        agent.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
