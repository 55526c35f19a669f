"""The `earned` command, run in-process through `earned.cli.main` and, where the process
boundary matters (imports, exit codes, stdin, a real server), as `python -m earned`."""

from __future__ import annotations

import argparse
import getpass
import importlib.util
import json
import select
import socket
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from earned import cli, demo, instruments
from earned.errors import EarnedError
from earned.instruments.scoring import Scores, score
from tests.support import PASSPHRASE, T0, child_env, require
from tests.support.cli import HEAVY, Run, earned, subcommands
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")

ANSWERS = [(n % 5) + 1 for n in range(36)]  # a full, valid answer set: 1,2,3,4,5,1,...


def secret(tmp_path: Path, text: str, name: str = "pw") -> Path:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A realistic export (the demo generator's) to import; made once, only ever read."""
    path = tmp_path_factory.mktemp("demo") / "demo-export.json"
    from earned.reports import export

    path.write_text(export.to_json(demo.generate(4, T0)), encoding="utf-8")
    return path


def commands() -> dict[str, argparse.ArgumentParser]:
    return subcommands(cli.build_parser())


# --- help and start-up cost --------------------------------------------------------------


def test_help_and_every_subcommand_help_import_nothing_heavy() -> None:
    code = f"""
import contextlib, io, sys
from earned import cli
for argv in [["--help"], *[[name, "--help"] for name in {sorted(commands())!r}]]:
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            cli.main(argv)
        except SystemExit as exc:
            assert exc.code == 0, argv
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
print(",".join(heavy))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env()
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_python_m_earned_help() -> None:
    done = earned("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: earned")
    for name in commands():
        assert name in done.stdout


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    parser = commands()[name]
    assert parser.description
    with pytest.raises(SystemExit) as exit_info:
        cli.main([name, "--help"])
    assert exit_info.value.code == 0
    out = "".join(capsys.readouterr().out.split())  # wrapping may split words at hyphens
    assert "".join(parser.description.split()) in out
    for action in parser._actions:
        assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_every_global_option_has_help() -> None:
    for action in cli.build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue  # each command's help is checked above
        assert action.help, action.option_strings or action.dest


def test_no_command_prints_help(run: Run) -> None:
    result = run(passphrase=None)
    assert result.code == 2
    assert "usage: earned" in result.out


# --- init and passphrases ------------------------------------------------------------------


def test_init_creates_the_journal_and_warns(run: Run, data_dir: Path) -> None:
    result = run("init")
    assert result.code == 0, result.err
    folder = data_dir / "profiles" / "default"
    assert str(folder) in result.out
    assert "Passphrase strength: strong" in result.out
    assert "cannot be recovered" in result.out
    assert (folder / "journal.key").exists()

    again = run("init")
    assert again.code == 1
    assert "already exists" in again.err


def test_init_asks_twice_and_a_mismatch_creates_nothing(
    run: Run, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter(["one calm morning", "one calm mourning"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    result = run("init", passphrase=None)
    assert result.code == 1
    assert "do not match" in result.err
    assert not (data_dir / "profiles" / "default" / "journal.key").exists()

    typed = iter(["one calm morning", "one calm morning"])
    assert run("init", passphrase=None).code == 0


def test_init_rejects_a_short_passphrase(run: Run, tmp_path: Path, data_dir: Path) -> None:
    result = run("init", passphrase=secret(tmp_path, "short"))
    assert result.code == 1
    assert "at least 8" in result.err
    assert not (data_dir / "profiles" / "default").exists()


def test_passphrase_from_environment(
    run: Run, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EARNED_PASSPHRASE", PASSPHRASE)
    assert run("results", passphrase=None).code == 0


def test_wrong_passphrase_is_a_clear_message_and_exit_3(
    run: Run, journal: Journal, tmp_path: Path
) -> None:
    wrong = secret(tmp_path, "not the passphrase", "wrong")
    result = run("results", passphrase=wrong)
    assert result.code == 3
    assert "does not unlock" in result.err

    done = earned("--passphrase-file", str(wrong), "export")
    assert done.returncode == 3
    assert "does not unlock" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_missing_journal_says_how_to_create_one(run: Run) -> None:
    result = run("results", profile="nobody")
    assert result.code == 2
    assert "earned --profile nobody init" in result.err


def test_bad_profile_name(run: Run) -> None:
    result = run("results", profile="Not Valid")
    assert result.code == 1
    assert "profile name" in result.err


def test_unexpected_errors_show_no_traceback_or_data(
    run: Run, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(args: argparse.Namespace) -> int:
        raise RuntimeError("private journal text")

    monkeypatch.setattr(cli, "cmd_results", boom)
    result = run("results")
    assert result.code == cli.BUG_EXIT
    assert "RuntimeError" in result.err
    assert "private journal text" not in result.err
    assert "Traceback" not in result.err


# --- assess and results ----------------------------------------------------------------------


def lines(values: list[int]) -> str:
    return "".join(f"{v}\n" for v in values)


def test_assess_through_piped_stdin(journal: Journal, pw: Path) -> None:
    done = earned("--passphrase-file", str(pw), "assess", stdin=lines(ANSWERS))
    assert done.returncode == 0, done.stderr
    assert "[1/36]" in done.stdout and "[36/36]" in done.stdout
    assert "strongly disagree" in done.stdout
    assert "Your latest result" in done.stdout
    assert "This is your first result" in done.stdout


def test_assess_handles_invalid_input_and_going_back(run: Run, journal: Journal) -> None:
    # item 1 = 1, item 2 = 2, back to item 2, change it to 4, then the rest
    script = "x\n1\n\n9\n2\nb\n4\n" + lines(ANSWERS[2:])
    result = run("assess", stdin=script)
    assert result.code == 0, result.err
    assert result.out.count("No problem: please type a number from 1 to 5") == 3
    assert "Enter keeps 2" in result.out

    data = json.loads(run("results", "--json").out)
    expected = dict(enumerate(ANSWERS, start=1)) | {2: 4}
    scores = score(instruments.load("ecr"), expected)
    assert isinstance(scores, Scores)
    assert data["latest"]["scores"] == pytest.approx(scores.values)


def test_assess_pause_then_resume(run: Run, journal: Journal) -> None:
    first = run("assess", stdin=lines(ANSWERS[:10]) + "q\n")
    assert first.code == 0
    assert "Paused. Your 10 answer(s) are saved" in first.out
    assert "1 of 36" not in first.out

    waiting = run("results")
    assert "There are no results yet" in waiting.out
    assert "10 of 36 answered" in waiting.out

    second = run("assess", stdin=lines(ANSWERS[10:]))
    assert second.code == 0, second.err
    assert "Welcome back" in second.out and "10 of 36 answered" in second.out
    assert "[11/36]" in second.out and "[1/36]" not in second.out
    assert "Your latest result" in second.out

    data = json.loads(run("export").out)
    assert len(data["assessments"]) == 1
    (done,) = data["assessments"]
    assert done["completed_at"] is not None
    assert [a["value"] for a in done["answers"]] == ANSWERS


def test_assess_end_of_input_pauses_and_leaving_at_once_saves_nothing(
    run: Run, journal: Journal
) -> None:
    result = run("assess", stdin="")
    assert result.code == 0
    assert "nothing was saved" in result.out
    assert json.loads(run("export").out)["assessments"] == []

    partial = run("assess", stdin="3\n3\n")
    assert "Your 2 answer(s) are saved" in partial.out


def test_results_when_there_are_none(run: Run, journal: Journal) -> None:
    text = run("results")
    assert text.code == 0
    assert "There are no results yet" in text.out
    assert "earned assess" in text.out
    data = json.loads(run("results", "--json").out)
    assert data["latest"] is None
    assert data["trajectory"] == []


def test_results_text_and_json(run: Run, journal: Journal, demo_file: Path) -> None:
    assert run("import", str(demo_file)).code == 0
    text = run("results")
    assert text.code == 0, text.err
    out = text.out
    assert "Attachment anxiety" in out and "Attachment avoidance" in out
    assert "% of the reference sample" in out
    assert "Leaning" in out
    assert "Attachment is dimensional" in out  # the caveat
    assert "Reliable Change Index" in out
    assert "no reliable change" in out
    assert "Since your first result" in out and "reliable improvement" in out
    assert "0.916" in out and "Cronbach" in out  # the reliability and where it comes from

    data = json.loads(run("results", "--json").out)
    completed = [a for a in json.loads(demo_file.read_text())["assessments"] if a["completed_at"]]
    assert len(data["trajectory"]) == len(completed)
    assert data["trajectory"][0]["changes"] == {}
    for step in data["trajectory"][1:]:
        assert set(step["changes"]) == {"anxiety", "avoidance"}
        for change in step["changes"].values():
            assert change["verdict"] in {
                "reliable improvement",
                "no reliable change",
                "reliable worsening",
            }
    latest = data["latest"]
    assert set(latest["scores"]) == {"anxiety", "avoidance"}
    assert all(0 <= p <= 100 for p in latest["percentiles"].values())
    assert latest["reading"]["title"].startswith("Leaning")
    assert data["overall"]["anxiety"]["verdict"] == "reliable improvement"
    assert data["reliability"]["anxiety"]["value"] == 0.916
    assert "Cronbach" in data["reliability"]["anxiety"]["source"]
    assert data["unfinished"] is not None


# --- export and import -----------------------------------------------------------------------


def test_export_json_md_and_csv(
    run: Run, journal: Journal, demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("import", str(demo_file))
    data = json.loads(run("export", "--format", "json").out)
    assert data["format"] == "earned-export"
    assert len(data["entries"]) == len(json.loads(demo_file.read_text())["entries"])

    md = run("export", "--format", "md")
    assert md.out.startswith("# My earned journal")
    assert "## Journal" in md.out

    target = tmp_path / "out.md"
    written = run("export", "--format", "md", "--output", str(target))
    assert written.code == 0
    assert "not encrypted" in written.out
    assert target.read_text(encoding="utf-8").startswith("# My earned journal")
    assert target.stat().st_mode & 0o777 == 0o600

    monkeypatch.chdir(tmp_path)
    csv = run("export", "--format", "csv")
    assert csv.code == 0, csv.err
    assert "earned-export.zip" in csv.out
    with zipfile.ZipFile(tmp_path / "earned-export.zip") as z:
        assert set(z.namelist()) == {"assessments.csv", "answers.csv", "entries.csv"}
        assert z.read("assessments.csv").decode().startswith("id,instrument,")

    again = run("export", "--format", "csv")
    assert again.code == 1
    assert "already exists" in again.err

    chosen = run("export", "--format", "csv", "--output", str(tmp_path / "mine.zip"))
    assert chosen.code == 0
    assert zipfile.is_zipfile(tmp_path / "mine.zip")


def test_import_round_trip_into_a_new_profile(
    run: Run, journal: Journal, demo_file: Path, tmp_path: Path
) -> None:
    imported = run("import", str(demo_file))
    assert imported.code == 0, imported.err
    source = json.loads(demo_file.read_text(encoding="utf-8"))
    assert (
        f"Imported {len(source['assessments'])} questionnaire(s) and "
        f"{len(source['entries'])} journal entries." in imported.out
    )

    first = tmp_path / "first.json"
    assert run("export", "--output", str(first)).code == 0
    assert run("init", profile="other").code == 0
    moved = run("import", str(first), profile="other")
    assert moved.code == 0, moved.err
    second = json.loads(run("export", profile="other").out)
    original = json.loads(first.read_text(encoding="utf-8"))
    assert {**second, "exported_at": None} == {**original, "exported_at": None}

    twice = run("import", str(first), profile="other")
    assert twice.code == 0
    assert "Imported 0 questionnaire(s) and 0 journal entries" in twice.out
    assert "were already here" in twice.out


def test_import_of_a_bad_file_imports_nothing(
    run: Run, journal: Journal, demo_file: Path, tmp_path: Path
) -> None:
    not_json = tmp_path / "notes.txt"
    not_json.write_text("dear diary", encoding="utf-8")
    result = run("import", str(not_json))
    assert result.code == 1
    assert "not an earned export" in result.err
    assert "Traceback" not in result.err

    # Valid records first, then a damaged one: all or nothing.
    data = json.loads(demo_file.read_text())
    del data["entries"][-1]["body"]
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps(data), encoding="utf-8")
    result = run("import", str(damaged))
    assert result.code == 1
    assert "nothing was imported" in result.err

    missing = run("import", str(tmp_path / "nope.json"))
    assert missing.code == 1
    assert "Cannot read" in missing.err

    after = json.loads(run("export").out)
    assert after["assessments"] == [] and after["entries"] == []


# --- backup, passphrase change, demo, delete ------------------------------------------------


def test_backup(run: Run, journal: Journal, tmp_path: Path, data_dir: Path) -> None:
    result = run("backup", "--dest", str(tmp_path / "bk"))
    assert result.code == 0, result.err
    (tar_path,) = (tmp_path / "bk").glob("earned-default-*.tar")
    assert str(tar_path) in result.out
    with tarfile.open(tar_path) as tar:
        assert set(tar.getnames()) == {"journal.db", "journal.key"}

    default = run("backup")
    assert default.code == 0
    assert list((data_dir / "backups").glob("earned-default-*.tar"))


def test_passphrase_change(run: Run, journal: Journal, tmp_path: Path, pw: Path) -> None:
    new = secret(tmp_path, "a new lantern on the hill", "new")
    wrong = secret(tmp_path, "not the passphrase", "wrong")
    key_before = journal.profile.key_file.read_bytes()

    refused = run("passphrase", "--new-passphrase-file", str(new), passphrase=wrong)
    assert refused.code == 3
    assert journal.profile.key_file.read_bytes() == key_before

    changed = run("passphrase", "--new-passphrase-file", str(new))
    assert changed.code == 0, changed.err
    assert "changed" in changed.out

    assert run("results", passphrase=pw).code == 3
    assert run("results", passphrase=new).code == 0


def test_passphrase_change_prompts_for_the_new_one(
    run: Run, journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter(["a new lantern on the hill", "a new lantern on the hill"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    assert run("passphrase").code == 0
    assert run("results", passphrase=secret(tmp_path, "a new lantern on the hill", "n")).code == 0


def test_demo(run: Run, data_dir: Path, tmp_path: Path) -> None:
    made = run("demo", profile="ignored", passphrase=None)
    assert made.code == 0, made.err
    assert "demo-passphrase" in made.out
    assert "earned --profile demo serve" in made.out
    assert not (data_dir / "profiles" / "ignored").exists()

    demo_pw = secret(tmp_path, cli.DEMO_PASSPHRASE, "demo")
    data = json.loads(run("results", "--json", profile="demo", passphrase=demo_pw).out)
    assert len(data["trajectory"]) >= 10
    assert data["overall"]["anxiety"]["verdict"] == "reliable improvement"
    entries = json.loads(run("export", profile="demo", passphrase=demo_pw).out)["entries"]
    assert len(entries) >= 35
    assert max(e["created_at"] for e in entries) <= cli._now().isoformat()

    again = run("demo", passphrase=None)
    assert again.code == 1
    assert "already exists" in again.err and "--force" in again.err

    marker = data_dir / "profiles" / "demo" / "marker"
    marker.write_text("x")
    forced = run("demo", "--force", passphrase=None)
    assert forced.code == 0
    assert not marker.exists()


def test_delete_everything(run: Run, journal: Journal, tmp_path: Path) -> None:
    unconfirmed = run("delete-everything")
    assert unconfirmed.code == 2
    assert "--yes-i-am-sure" in unconfirmed.err
    assert journal.profile.folder.exists()

    wrong = secret(tmp_path, "not the passphrase", "wrong")
    assert run("delete-everything", "--yes-i-am-sure", passphrase=wrong).code == 3
    assert journal.profile.folder.exists()

    deleted = run("delete-everything", "--yes-i-am-sure")
    assert deleted.code == 0, deleted.err
    assert not journal.profile.folder.exists()
    assert run("results").code == 2
    assert run("delete-everything", "--yes-i-am-sure").code == 2


# --- serve -----------------------------------------------------------------------------------


def test_serve_refuses_a_network_host(run: Run) -> None:
    result = run("serve", "--host", "0.0.0.0", passphrase=None)
    assert result.code == 2
    assert "Refusing" in result.err and "--allow-remote" in result.err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("192.168.1.4", False), ("example.org", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert cli._is_loopback(host) is loopback


@pytest.fixture
def taken_port() -> Iterator[int]:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        yield holder.getsockname()[1]
    finally:
        holder.close()


def test_default_port_falls_back_to_a_free_one(
    taken_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "DEFAULT_PORT", taken_port)
    sock = cli._bind("127.0.0.1", None)
    try:
        assert sock.getsockname()[1] not in (taken_port, 0)
    finally:
        sock.close()


def test_a_taken_explicit_port_is_a_clear_error(taken_port: int) -> None:
    with pytest.raises(EarnedError, match="Leave out --port"):
        cli._bind("127.0.0.1", taken_port)


def test_serve_answers_http(data_dir: Path) -> None:
    require(importlib.util.find_spec("earned.web.app") is not None, "earned.web.app not written")
    proc = subprocess.Popen(
        [sys.executable, "-m", "earned", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "no address printed within 30 s"
        line = proc.stdout.readline()
        assert line.startswith("earned is running at http://127.0.0.1:"), line
        url = line.removeprefix("earned is running at ").strip()
        assert url.endswith("/")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert 200 <= status < 500
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=15)
    assert out == ""  # exactly one line, and no request log
    assert "GET /" not in err
