"""Your data out and in from the terminal (earned/cli/data.py): `earned export` in three
formats, `import` (all or nothing), `backup` and `delete-everything`."""

from __future__ import annotations

import json
import os
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from earned.reports import readable
from tests.support.cli import Result, call, demo_export, raw, secret
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")

Run = Callable[..., Result]


@pytest.fixture
def run(journal: Journal, capsys: pytest.CaptureFixture[str]) -> Run:
    """`earned ARGV` in-process on the set-up journal, with its passphrase file by default."""

    def invoke(*argv: str, pw: Path | None = journal.pw, profile: str = "") -> Result:
        return call(capsys, *argv, pw=pw, profile=profile)

    return invoke


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    return demo_export(tmp_path)


# --- export and import -----------------------------------------------------------------------


def test_export_json_md_and_csv(
    run: Run, demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
        assert set(z.namelist()) == {s.csv for s in readable.SECTIONS}
        assert z.read("assessments.csv").decode().startswith("id,instrument,")

    again = run("export", "--format", "csv")
    assert again.code == 1
    assert "already exists" in again.err

    chosen = run("export", "--format", "csv", "--output", str(tmp_path / "mine.zip"))
    assert chosen.code == 0
    assert zipfile.is_zipfile(tmp_path / "mine.zip")


def test_import_round_trip_into_a_new_profile(run: Run, demo_file: Path, tmp_path: Path) -> None:
    imported = run("import", str(demo_file))
    assert imported.code == 0, imported.err
    source = json.loads(demo_file.read_text(encoding="utf-8"))
    # Every section is counted, not only questionnaires and entries (issue 8).
    assert imported.out.startswith(
        f"Imported {len(source['assessments'])} questionnaires, "
        f"{len(source['entries'])} journal entries, {len(source['activations'])} moments, "
        f"{len(source['urge_delays'])} urge timers, {len(source['practices'])} practices, "
    )
    assert f"{len(source['tool_uses'])} tool uses" in imported.out
    assert f"{len(source['people'])} people" in imported.out  # the people ledger
    assert f"{len(source['ruptures'])} ruptures" in imported.out

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
    assert twice.out.startswith("Nothing new was imported:")
    assert "were already here" in twice.out


def test_import_of_a_bad_file_imports_nothing(run: Run, demo_file: Path, tmp_path: Path) -> None:
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
    assert "nothing was imported" in result.err.lower()

    missing = run("import", str(tmp_path / "nope.json"))
    assert missing.code == 1
    assert "Cannot read" in missing.err

    after = json.loads(run("export").out)
    assert after["assessments"] == [] and after["entries"] == []


# --- backup and delete-everything ------------------------------------------------------------


def test_backup(run: Run, tmp_path: Path, data_dir: Path) -> None:
    result = run("backup", "--dest", str(tmp_path / "bk"))
    assert result.code == 0, result.err
    (tar_path,) = (tmp_path / "bk").glob("earned-default-*.tar")
    assert str(tar_path) in result.out
    with tarfile.open(tar_path) as tar:
        assert tar.getnames() == ["manifest.json", "journal.db", "journal.key"]

    default = run("backup")
    assert default.code == 0
    assert list((data_dir / "backups").glob("earned-default-*.tar"))


def test_backup_to_a_file_or_an_unwritable_folder_is_a_clear_message(
    run: Run, tmp_path: Path
) -> None:
    """Both once ended in "this is a bug in earned"."""
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    onto_file = run("backup", "--dest", str(a_file))
    assert onto_file.code == 1
    assert "is a file" in onto_file.err and "journal is unchanged" in onto_file.err
    assert "bug" not in onto_file.err
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        refused = run("backup", "--dest", str(locked / "inside"))
    finally:
        locked.chmod(0o700)
    if os.geteuid() != 0:  # root may write anywhere; the message is then not reached
        assert refused.code == 1
        assert "could not be written" in refused.err and "bug" not in refused.err
    under_a_file = run("backup", "--dest", str(a_file / "inside"))  # fails even for root
    assert under_a_file.code == 1
    assert "could not be written" in under_a_file.err and "bug" not in under_a_file.err
    assert a_file.read_text() == "x"


def test_delete_everything(run: Run, journal: Journal, tmp_path: Path) -> None:
    folder = journal.profile.folder
    unconfirmed = run("delete-everything")
    assert unconfirmed.code == 2
    assert "--yes-i-am-sure" in unconfirmed.err
    assert folder.exists()

    wrong = secret(tmp_path, "not the passphrase", "wrong")
    assert run("delete-everything", "--yes-i-am-sure", pw=wrong).code == 3
    assert folder.exists()

    deleted = run("delete-everything", "--yes-i-am-sure")
    assert deleted.code == 0, deleted.err
    assert not folder.exists()
    assert run("results").code == 2
    assert run("delete-everything", "--yes-i-am-sure").code == 2


def test_backup_change_then_restore_brings_the_journal_back(
    run: Run, journal: Journal, tmp_path: Path
) -> None:
    """Back up, change data, restore, compare; the journal that was there is kept aside."""
    run("log", "5", "before the backup")
    made = run("backup", "--dest", str(tmp_path / "bk"))
    assert made.code == 0, made.err
    (backup,) = (tmp_path / "bk").glob("*.tar")
    run("log", "9", "after the backup")
    assert raw(journal, "SELECT count(*) FROM activations") == [(2,)]
    restored = run("restore", str(backup))
    assert restored.code == 0, restored.err
    assert "every page checks out" in restored.out
    assert raw(journal, "SELECT trigger FROM activations") == [("before the backup",)]
    [kept] = journal.profile.folder.parent.glob("default.before-restore-*")
    assert (kept / "journal.db").exists() and (kept / "journal.key").exists()


@pytest.mark.parametrize("damage", ["flip a page", "not a tar", "extra member"])
def test_a_damaged_backup_is_refused_and_nothing_is_replaced(
    run: Run, journal: Journal, tmp_path: Path, damage: str
) -> None:
    import io
    import tarfile

    run("log", "5", "the journal as it is")
    assert run("backup", "--dest", str(tmp_path / "bk")).code == 0
    (backup,) = (tmp_path / "bk").glob("*.tar")
    if damage == "not a tar":
        backup.write_bytes(b"hello")
    else:
        with tarfile.open(backup) as tar:
            files = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore
        if damage == "flip a page":
            db = bytearray(files["journal.db"])
            db[len(db) // 2] ^= 0xFF
            files["journal.db"] = bytes(db)
        else:
            files["../escape"] = b"x"
        with tarfile.open(backup, "w") as tar:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    before = {p.name: p.read_bytes() for p in journal.profile.folder.iterdir()}
    refused = run("restore", str(backup))
    assert refused.code != 0 and "Nothing was replaced" in refused.err
    assert {p.name: p.read_bytes() for p in journal.profile.folder.iterdir()} == before
    assert not list(journal.profile.folder.parent.glob("default.before-restore-*"))


def test_restore_lists_the_backups_then_puts_back_the_latest(
    run: Run, journal: Journal, data_dir: Path
) -> None:
    empty = run("restore")
    assert empty.code == 0 and "no backups of 'default'" in empty.out
    assert run("restore", "--latest").code == 2
    run("log", "5", "in the backup")
    assert run("backup").code == 0
    run("log", "6", "after it")
    listing = run("restore")
    assert listing.code == 0, listing.err
    lines = [x for x in listing.out.splitlines() if x.strip().endswith(".tar")]
    [mine] = [x for x in lines if "made by you" in x]
    [automatic] = [x for x in lines if "automatic" in x]  # the unlock for `backup` made it
    assert str(data_dir / "backups" / "earned-default-") in mine
    assert str(data_dir / "backups" / "automatic" / "earned-default-") in automatic
    assert "earned restore PATH" in listing.out
    restored = run("restore", "--latest")
    assert restored.code == 0, restored.err
    assert raw(journal, "SELECT trigger FROM activations") == [("in the backup",)]


def test_delete_everything_names_the_backups_it_keeps(run: Run, journal: Journal) -> None:
    assert run("results").code == 0  # a full unlock: today's automatic backup
    assert run("backup").code == 0
    deleted = run("delete-everything", "--yes-i-am-sure")
    assert deleted.code == 0, deleted.err
    assert "The backup you made with `earned backup`" in deleted.out
    assert not list((journal.profile.folder.parent.parent / "backups" / "automatic").glob("*.tar"))


def test_restore_with_another_passphrase_replaces_nothing(
    run: Run, journal: Journal, tmp_path: Path
) -> None:
    run("log", "5", "kept")
    assert run("backup", "--dest", str(tmp_path / "bk")).code == 0
    (backup,) = (tmp_path / "bk").glob("*.tar")
    before = {p.name: p.read_bytes() for p in journal.profile.folder.iterdir()}
    wrong = secret(tmp_path, "not the passphrase at all", name="wrong")
    refused = run("restore", str(backup), pw=wrong)
    assert refused.code != 0 and "does not open this backup" in refused.err
    assert {p.name: p.read_bytes() for p in journal.profile.folder.iterdir()} == before
