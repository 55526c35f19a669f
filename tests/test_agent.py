"""The key agent behind `earned unlock` / `earned lock` (earned.agent): quick commands work
without a passphrase while it runs and need one again after; it ends on its own; it is
only ever reachable through a private folder and socket, by the same user."""

from __future__ import annotations

import os
import socket
import stat
import time
from pathlib import Path

import pytest

from earned import agent, cli, paths
from earned.cli import common
from earned.store import sqlcipher
from tests.support.cli import commands, earned
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


def count(j: Journal) -> int:
    conn = sqlcipher.connect(j.profile.database, j.key)
    try:
        return int(conn.execute("SELECT count(*) FROM activations").fetchone()[0])
    finally:
        conn.close()


def gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in status  # exited; waiting for init to reap it


# --- unlock, lock, time limit ----------------------------------------------------------------


def test_unlock_then_log_needs_no_passphrase_and_lock_ends_that(journal: Journal) -> None:
    locked = earned("log", "5")
    assert locked.returncode == 2
    assert "no terminal to type it in" in locked.stderr

    unlocking = earned("--passphrase-file", str(journal.pw), "unlock", "--minutes", "5")
    assert unlocking.returncode == 0, unlocking.stderr
    assert "Unlocked for 5 minutes, until" in unlocking.stdout
    assert "earned lock" in unlocking.stdout

    for intensity in ("5", "6"):
        logged = earned("log", intensity, "no passphrase needed")
        assert logged.returncode == 0, logged.stderr
        assert "Logged" in logged.stdout
    assert earned("open").returncode == 0
    assert count(journal) == 2

    lock = earned("lock")
    assert lock.returncode == 0
    assert "Locked" in lock.stdout
    assert not agent.socket_path(journal.profile).exists()
    again = earned("log", "5")
    assert again.returncode == 2
    assert "no terminal to type it in" in again.stderr
    assert count(journal) == 2
    assert "nothing to lock" in earned("lock").stdout


def test_the_agent_ends_by_itself_when_its_time_is_up(journal: Journal) -> None:
    pid, expires = agent.start(journal.profile, journal.key, 1.5)
    assert expires - time.time() == pytest.approx(1.5, abs=0.5)
    assert agent.fetch_key(journal.profile) == journal.key
    left = agent.seconds_left(journal.profile)
    assert left is not None and 0 < left <= 1.5
    deadline = time.monotonic() + 10
    while not gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(pid)
    assert not agent.socket_path(journal.profile).exists()
    assert agent.fetch_key(journal.profile) is None
    assert agent.seconds_left(journal.profile) is None


def test_after_its_deadline_the_key_is_not_served_even_before_the_process_wakes(
    journal: Journal,
) -> None:
    agent.start(journal.profile, journal.key, 0.3)
    time.sleep(0.4)
    assert agent.fetch_key(journal.profile) is None


def test_unlock_twice_replaces_the_first_agent(journal: Journal) -> None:
    first = agent.start(journal.profile, journal.key, 60)[0]
    second = agent.start(journal.profile, journal.key, 120)[0]
    assert first != second
    deadline = time.monotonic() + 10
    while not gone(first) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(first)
    left = agent.seconds_left(journal.profile)
    assert left is not None and left > 60
    assert [p.name for p in agent.runtime_dir().iterdir()] == [
        agent.socket_path(journal.profile).name
    ]


def test_unlock_refuses_a_wrong_passphrase_and_a_silly_duration(
    journal: Journal, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase\n", encoding="utf-8")
    refused = earned("--passphrase-file", str(wrong), "unlock")
    assert refused.returncode == 3
    assert "does not unlock" in refused.stderr
    assert agent.fetch_key(journal.profile) is None
    for minutes in ("0", "-3", "721", "nan"):
        silly = earned("--passphrase-file", str(journal.pw), "unlock", "--minutes", minutes)
        assert silly.returncode == 2, minutes
        assert "--minutes" in silly.stderr
    assert agent.fetch_key(journal.profile) is None


def test_the_agent_makes_no_core_files(journal: Journal) -> None:
    pid = agent.start(journal.profile, journal.key, 30)[0]
    limits = Path(f"/proc/{pid}/limits").read_text()
    core = next(line for line in limits.splitlines() if line.startswith("Max core file size"))
    assert core.split()[4:6] == ["0", "0"]


def test_the_threat_model_states_the_agents_limits() -> None:
    path = Path(__file__).resolve().parents[1] / "docs/privacy-and-threat-model.md"
    doc = " ".join(path.read_text().split())
    assert "`earned lock`" in doc and "SO_PEERCRED" in doc
    assert f"The default is {agent.DEFAULT_MINUTES:g} minutes" in doc
    assert f"the most is {agent.MAX_MINUTES / 60:g} hours" in doc
    unlock = {a.dest: a for a in commands()["unlock"]._actions}
    assert unlock["minutes"].default == agent.DEFAULT_MINUTES
    assert f"{agent.DEFAULT_MINUTES:g} minutes" in common.UNLOCK_TIP


def test_the_key_never_appears_in_the_agents_command_line_or_environment(
    journal: Journal,
) -> None:
    pid = agent.start(journal.profile, journal.key, 30)[0]
    for name in ("cmdline", "environ"):
        data = Path(f"/proc/{pid}/{name}").read_bytes()
        assert journal.key.hex().encode() not in data
        assert journal.key not in data
    assert b"earned.agent" in Path(f"/proc/{pid}/cmdline").read_bytes()


def test_a_passphrase_in_the_environment_does_not_reach_the_agent(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`EARNED_PASSPHRASE=… earned unlock` once left the passphrase in the agent's
    environment for its whole life."""
    monkeypatch.setenv("EARNED_PASSPHRASE", "the passphrase itself")
    pid = agent.start(journal.profile, journal.key, 30)[0]
    environ = Path(f"/proc/{pid}/environ").read_bytes()
    assert b"EARNED_PASSPHRASE" not in environ and b"the passphrase itself" not in environ


def test_folder_and_socket_are_private(journal: Journal) -> None:
    agent.start(journal.profile, journal.key, 30)
    folder = agent.runtime_dir()
    assert stat.S_IMODE(os.lstat(folder).st_mode) == 0o700
    sock = agent.socket_path(journal.profile)
    st = os.lstat(sock)
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert st.st_uid == os.getuid()


def test_without_xdg_runtime_dir_the_folder_is_per_user_in_tmp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert agent.runtime_dir() == Path(f"/tmp/earned-{os.getuid()}")
    monkeypatch.setenv("XDG_RUNTIME_DIR", "relative/path")
    assert agent.runtime_dir() == Path(f"/tmp/earned-{os.getuid()}")


def test_each_data_folder_has_its_own_agent(journal: Journal, tmp_path: Path) -> None:
    other = paths.profile("default", tmp_path / "elsewhere")
    assert agent.socket_path(other) != agent.socket_path(journal.profile)
    agent.start(journal.profile, journal.key, 30)
    assert agent.fetch_key(other) is None


def test_an_agent_hands_out_its_key_only_for_the_folder_it_was_unlocked_for(
    journal: Journal, tmp_path: Path
) -> None:
    agent.start(journal.profile, journal.key, 30)
    other = tmp_path / "elsewhere" / "profiles" / "default"
    # Even if two folders' socket names collided, the agent checks the folder.
    assert agent._ask(journal.profile, f"KEY {other}") == "ERR"
    assert agent._ask(journal.profile, "KEY") == "ERR"
    assert agent._ask(journal.profile, "HELLO") == "ERR"
    assert agent.fetch_key(journal.profile) == journal.key


def test_a_stale_key_is_dropped_and_the_passphrase_asked_for(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    agent.start(journal.profile, os.urandom(32), 30)  # e.g. the journal was replaced since
    code = cli.main(["--passphrase-file", str(journal.pw), "log", "4"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "no longer opens this journal" in captured.err
    assert agent.fetch_key(journal.profile) is None
    assert count(journal) == 1


def test_delete_everything_also_locks(journal: Journal) -> None:
    agent.start(journal.profile, journal.key, 30)
    done = earned("--passphrase-file", str(journal.pw), "delete-everything", "--yes-i-am-sure")
    assert done.returncode == 0, done.stderr
    assert agent.fetch_key(journal.profile) is None


# --- refusing what is not private --------------------------------------------------------------


def _listening_socket(path: Path) -> socket.socket:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    return server


def test_a_socket_with_the_wrong_mode_is_refused(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = agent.prepare()
    path = agent.socket_path(journal.profile)
    with _listening_socket(path):
        os.chmod(path, 0o666)
        with pytest.raises(agent.UnsafeAgent, match=r"others may use it \(mode 0666\)"):
            agent.fetch_key(journal.profile)
        # The quick command says so, and falls back to the passphrase.
        code = cli.main(["--passphrase-file", str(journal.pw), "log", "4"])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        assert "is not private to you" in captured.err
        # unlock will not start an agent beside it either
        with pytest.raises(agent.UnsafeAgent):
            agent.start(journal.profile, journal.key, 30)
    assert folder.exists()


def test_an_agent_whose_queue_is_full_reads_as_locked_not_a_bug(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full connection backlog once ended a quick command in "This is a bug"."""
    agent.prepare()
    path = agent.socket_path(journal.profile)
    waiting: list[socket.socket] = []
    with _listening_socket(path) as server:  # listens, never accepts
        os.chmod(path, 0o600)
        try:
            for _ in range(64):  # fill the queue until the kernel refuses another
                client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                client.setblocking(False)
                waiting.append(client)
                try:
                    client.connect(str(path))
                except BlockingIOError:
                    break
            else:
                pytest.fail("the queue never filled")
            assert agent.fetch_key(journal.profile) is None
            code = cli.main(["--passphrase-file", str(journal.pw), "log", "4"])
            captured = capsys.readouterr()
            assert code == 0, captured.err
            assert "bug" not in captured.err
        finally:
            for client in waiting:
                client.close()
        assert server.fileno() >= 0


def test_a_socket_owned_by_someone_else_is_refused(journal: Journal) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    agent.prepare()
    path = agent.socket_path(journal.profile)
    with _listening_socket(path):
        os.chmod(path, 0o600)
        os.chown(path, 65534, 65534)
        with pytest.raises(agent.UnsafeAgent, match="belongs to another user"):
            agent.fetch_key(journal.profile)


def test_a_folder_that_is_not_private_is_refused(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = agent.runtime_dir()
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    with pytest.raises(agent.UnsafeAgent, match="folder"):
        agent.fetch_key(journal.profile)
    # unlock fails before asking for the passphrase
    code = cli.main(["unlock"])
    assert code == 2
    assert "is not private to you" in capsys.readouterr().err
    # a symlink is not followed either
    os.rmdir(folder)
    target = folder.with_name("elsewhere")
    target.mkdir(mode=0o700)
    folder.symlink_to(target)
    with pytest.raises(agent.UnsafeAgent, match="not a folder"):
        agent.prepare()
    if os.geteuid() == 0:
        folder.unlink()
        folder.mkdir(mode=0o700)
        os.chown(folder, 65534, 65534)
        with pytest.raises(agent.UnsafeAgent, match="belongs to another user"):
            agent.fetch_key(journal.profile)


def test_peer_credentials_are_checked_on_both_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with left, right:
        assert agent.peer_allowed(left)
        monkeypatch.setattr(os, "getuid", lambda: os.geteuid() + 4242)
        assert not agent.peer_allowed(left)


def test_the_client_refuses_an_agent_running_as_another_user(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent.start(journal.profile, journal.key, 30)
    real_uid = os.getuid()
    monkeypatch.setattr(agent, "_peer_uid", lambda _sock: real_uid + 4242)
    with pytest.raises(agent.UnsafeAgent, match="runs as another user"):
        agent.fetch_key(journal.profile)


def test_a_socket_left_by_a_killed_agent_means_locked(journal: Journal) -> None:
    pid = agent.start(journal.profile, journal.key, 30)[0]
    os.kill(pid, 9)
    deadline = time.monotonic() + 10
    while not gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert agent.socket_path(journal.profile).exists()
    assert agent.fetch_key(journal.profile) is None
    agent.start(journal.profile, journal.key, 30)  # and unlocking again works
    assert agent.fetch_key(journal.profile) == journal.key
