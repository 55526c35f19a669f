"""Settings and your data: export, import, region, delete everything (earned.web.routes.data).

Calm mode, the other setting on this page, has its own file: test_calm.py."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from earned import agent, content, journal
from earned.reports import readable, sharing
from earned.store import personal, settings
from tests.support import PASSPHRASE
from tests.support.html import page
from tests.support.web import (
    PROMPTS,
    Web,
    csrf_of,
    error_text,
    location,
    sent_to_unlock,
    values_for,
)


def _import(web: Web, client: TestClient, raw: bytes, name: str = "export.json") -> httpx.Response:
    return client.post(
        "/data/import",
        data={"csrf": csrf_of(client)},
        files={"file": (name, raw, "application/json")},
    )


def _journal_with_things(web: Web, client: TestClient) -> str:
    aid = web.complete(client, values_for("high"))
    web.add_reflection(client, "My reflection, with ünïcödé & <b>tags</b>.", PROMPTS[2])
    assert web.post(client, "/origin/write", {"body": "My origin story."}).status_code == 303
    return aid


# --- the page ------------------------------------------------------------------------------


def test_data_page(unlocked: TestClient) -> None:
    r = unlocked.get("/data")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "Settings and your data"
    for fmt in ("json", "zip", "md", "fhir.json"):
        assert "download" in p.one("a", href=f"/data/export.{fmt}").attrs
    form = p.one("form", action="/data/import")
    assert form.get("enctype") == "multipart/form-data"
    assert p.one("input", type="file").get("name") == "file"
    options = {o.get("value"): "selected" in o.attrs for o in p.select("option")}
    regions = content.load("crisis")["regions"]
    assert options == {key: key == "us" for key in regions}
    p.one("form", action="/data/delete")
    assert p.one("input", name="passphrase", id="del-pass").get("type") == "password"
    # Every form on the page carries this browser's CSRF token.
    tokens = [i.get("value") for i in p.select("input", name="csrf")]
    assert tokens and set(tokens) == {csrf_of(unlocked)}


# --- exports -------------------------------------------------------------------------------


def test_export_json(web: Web, unlocked: TestClient) -> None:
    aid = _journal_with_things(web, unlocked)
    r = unlocked.get("/data/export.json")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    disposition = r.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="earned-')
    assert disposition.endswith('.json"')
    assert r.headers["cache-control"] == "no-store"
    data = json.loads(r.content.decode("utf-8"))
    assert data["format"] == "earned-export"
    assert data["version"] == 1
    bodies = {e["body"]: e for e in data["entries"]}
    reflection = bodies["My reflection, with ünïcödé & <b>tags</b>."]
    assert (reflection["kind"], reflection["prompt"]) == ("reflection", PROMPTS[2])
    assert bodies["My origin story."]["kind"] == "origin"
    [a] = data["assessments"]
    assert a["id"] == aid
    assert a["completed_at"]
    assert len(a["answers"]) == 36
    assert data["settings"]["onboarded"] == "yes"


def test_export_markdown(web: Web, unlocked: TestClient) -> None:
    _journal_with_things(web, unlocked)
    r = unlocked.get("/data/export.md")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/markdown; charset=utf-8"
    assert r.headers["content-disposition"].endswith('.md"')
    text = r.content.decode("utf-8")
    assert text.startswith("# My earned journal")
    assert "ECR: attachment anxiety 5.00 (1 to 5), attachment avoidance 5.00 (1 to 5)" in text
    assert "My reflection, with ünïcödé & <b>tags</b>." in text
    # The question in its words, not its slug.
    question = {q["key"]: q["question"] for q in journal.reflection_prompts()}[PROMPTS[2]]
    assert f"· Reflection\n\n*{question}*" in text
    assert f"· {PROMPTS[2]}" not in text
    assert "My origin story." in text


def test_export_zip(web: Web, unlocked: TestClient) -> None:
    aid = _journal_with_things(web, unlocked)
    r = unlocked.get("/data/export.zip")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"].endswith('.zip"')
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        # Server mode adds the person's sharing record (reports/sharing.py), empty or not.
        server = [name for name, _columns in sharing.FILES.values()] if web.door == "/login" else []
        assert sorted(z.namelist()) == sorted({s.csv for s in readable.SECTIONS} | set(server))
        assessments = list(csv.DictReader(io.StringIO(z.read("assessments.csv").decode())))
        answers = list(csv.DictReader(io.StringIO(z.read("answers.csv").decode())))
        entries = list(csv.DictReader(io.StringIO(z.read("entries.csv").decode())))
    assert [(a["id"], a["score_anxiety"], a["score_avoidance"]) for a in assessments] == [
        (aid, "5.0000", "5.0000")
    ]
    assert len(answers) == 36
    assert {e["body"] for e in entries} == {
        "My reflection, with ünïcödé & <b>tags</b>.",
        "My origin story.",
    }


def test_export_csv_is_the_zip_under_the_cli_s_name(web: Web, unlocked: TestClient) -> None:
    # `earned export --format csv` and /data/export.zip are one format with one file name.
    web.add_reflection(unlocked, "in both")
    by_extension, by_name = unlocked.get("/data/export.zip"), unlocked.get("/data/export.csv")
    assert by_name.status_code == 200
    assert by_name.headers["content-type"] == "application/zip"
    assert by_name.headers["content-disposition"] == by_extension.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(by_name.content)) as z:
        assert "in both" in z.read("entries.csv").decode()


def test_empty_exports(unlocked: TestClient) -> None:
    data = json.loads(unlocked.get("/data/export.json").content)
    assert data["assessments"] == [] and data["entries"] == []
    text = unlocked.get("/data/export.md").text
    assert "No questionnaires yet." in text and "No entries yet." in text


def test_unknown_export_format(unlocked: TestClient) -> None:
    r = unlocked.get("/data/export.pdf")
    assert r.status_code == 404
    assert "Exports come as JSON, CSV (zip), Markdown or FHIR." in error_text(r)


# --- import --------------------------------------------------------------------------------


def test_import_into_a_second_journal(
    web: Web, unlocked: TestClient, make_web: Callable[..., Web]
) -> None:
    aid = _journal_with_things(web, unlocked)
    exported = unlocked.get("/data/export.json").content

    second = make_web("second")
    client = second.unlocked_client()
    r = _import(second, client, exported)
    assert r.status_code == 200
    assert page(r).one("p.ok").text == "Imported 1 questionnaire and 2 journal entries."
    assert sorted(e.body for e in second.entries()) == sorted(e.body for e in web.entries())
    assert [e.id for e in second.entries()] == [e.id for e in web.entries()]
    [a] = second.assessments()
    assert a.id == aid
    assert a.answers == values_for("high")
    # And it shows in the second journal's pages.
    assert "My origin story." in client.get("/origin/write").text
    results = page(client.get("/results"))
    assert results.one("section.reading").text.startswith("Leaning fearful")
    # Importing the same file again changes nothing.
    r = _import(second, client, exported)
    assert r.status_code == 200
    assert page(r).one("p.ok").text == (
        "Nothing new was imported: 3 records were already here and were left as they were."
    )
    assert len(second.entries()) == 2
    assert len(second.assessments()) == 1


def _in_the_moment_records(web: Web, client: TestClient) -> None:
    """One of each in-the-moment record, through the pages as a person makes them."""
    assert location(web.post(client, "/moment", {"intensity": "6"})).endswith("/saved")
    assert location(web.post(client, "/urge", {"urge": "text him"})).startswith("/urge/")
    practice = web.post(client, "/regulate/practice", {"kind": "movement", "minutes": "20"})
    assert location(practice).startswith("/regulate/log")
    assert location(web.post(client, "/regulate/toolkit", {"name": "cold water"}))
    [use] = page(client.get("/regulate/toolkit")).select("form.tool-use")
    assert location(web.post(client, str(use.get("action")), {"before": "7", "after": "4"}))


def test_the_import_message_counts_every_kind_of_record(
    web: Web, unlocked: TestClient, make_web: Callable[..., Web]
) -> None:
    web.add_reflection(unlocked, "one entry")
    _in_the_moment_records(web, unlocked)
    exported = unlocked.get("/data/export.json").content

    second = make_web("second")
    client = second.unlocked_client()
    r = _import(second, client, exported)
    assert r.status_code == 200
    assert page(r).one("p.ok").text == (
        "Imported 1 journal entry, 1 moment, 1 urge timer, 1 practice, 1 toolkit tool and "
        "1 tool use."
    )
    r = _import(second, client, exported)
    assert "6 records were already here" in page(r).one("p.ok").text


def test_an_import_shows_the_settings_it_brought(
    web: Web, unlocked: TestClient, make_web: Callable[..., Web]
) -> None:
    # The page after an import shows the journal as it now is: the file's region and calm mode.
    assert web.post(unlocked, "/data/region", {"region": "ca"}).status_code == 200
    assert web.post(unlocked, "/settings/calm", {"calm": "on"}).status_code == 303
    exported = unlocked.get("/data/export.json").content

    second = make_web("second")
    client = second.unlocked_client()
    p = page(_import(second, client, exported))
    assert [o.get("value") for o in p.select("option") if "selected" in o.attrs] == ["ca"]
    assert p.one("p.calm-state").text == "Calm mode is on."


@pytest.mark.parametrize(
    "raw,message",
    [
        (b"this is not json at all", "That file is not an earned export (it is not valid JSON)."),
        (b"\xff\xfe\x00garbage", "That file is not an earned export (it is not valid JSON)."),
        (b'{"format": "something-else"}', "That file is not an earned export."),
        (b"[1, 2, 3]", "That file is not an earned export."),
        (b"", "That file is empty, so there was nothing to import."),
        # Valid JSON the parser gives up on (RecursionError): once a 500 (found by
        # tests/web/test_fuzz.py).
        (b"[" * 100_000 + b"]" * 100_000, "That file is not an earned export (it is nested too"),
        (b'{"format": "earned-export", "version": 99}', "version 99, which is not known"),
        (
            b'{"format": "earned-export", "version": 1, "entries": [{"id": "e1"}]}',
            "Journal entry 1 in the file could not be imported: some of its values are missing "
            "or of the wrong kind. Nothing was imported.",
        ),
    ],
)
def test_import_of_garbage_imports_nothing(
    web: Web, unlocked: TestClient, raw: bytes, message: str
) -> None:
    web.add_reflection(unlocked, "already here")
    r = _import(web, unlocked, raw)
    assert r.status_code == 400
    assert message in error_text(r)
    assert [e.body for e in web.entries()] == ["already here"]
    assert web.assessments() == []


def test_import_is_all_or_nothing(web: Web, unlocked: TestClient) -> None:
    web.add_reflection(unlocked, "mine")
    data = json.loads(unlocked.get("/data/export.json").content)
    [mine] = data["entries"]
    fresh = dict(mine, id="f" * 32, body="a new entry from the file")
    conflicting = dict(mine, body="someone else's text under my id")
    data["entries"] = [fresh, conflicting]
    r = _import(web, unlocked, json.dumps(data).encode())
    assert r.status_code == 400
    assert "your journal already has it, with other text. Nothing was imported." in error_text(r)
    assert [e.body for e in web.entries()] == ["mine"]


def test_import_without_a_file(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, "/data/import")
    assert r.status_code == 400
    assert "Please choose an export file to import." in error_text(r)


def test_import_with_no_file_chosen(web: Web, unlocked: TestClient) -> None:
    """What a browser sends when the person presses Import without choosing a file: an
    empty part with no file name. It once read "not valid JSON"."""
    r = _import(web, unlocked, b"", name="")
    assert r.status_code == 400
    assert "Please choose an export file to import." in error_text(r)


def test_import_accepts_more_than_the_form_limit(web: Web, unlocked: TestClient) -> None:
    # Imports have their own (larger) limit than the 1 MiB for ordinary forms.
    web.add_reflection(unlocked, "x")
    data = json.loads(unlocked.get("/data/export.json").content)
    data["padding"] = "p" * (1024 * 1024 + 10)
    r = _import(web, unlocked, json.dumps(data).encode())
    assert r.status_code == 200
    assert "1 record was already here" in page(r).one("p.ok").text


# --- region ----------------------------------------------------------------------------------


def test_region_changes_what_help_shows_first(web: Web, unlocked: TestClient) -> None:
    assert page(unlocked.get("/help")).select("h2")[0].text == "United States"
    r = web.post(unlocked, "/data/region", {"region": "au"})
    assert r.status_code == 200
    p = page(r)
    assert "Get help now will show this region first" in p.one("p.ok").text
    assert [o.get("value") for o in p.select("option") if "selected" in o.attrs] == ["au"]
    assert web.setting("region") == "au"
    help_page = page(unlocked.get("/help"))
    assert help_page.select("h2")[0].text == "Australia"
    assert "13 11 14" in help_page.select("ul.lines")[0].text
    assert "United States" in [h.text for h in help_page.select("h3")]
    r = web.post(unlocked, "/data/region", {"region": "uk-ie"})
    assert page(unlocked.get("/help")).select("h2")[0].text == "United Kingdom & Ireland"


def test_an_unknown_saved_region_shows_the_default_as_chosen(
    web: Web, unlocked: TestClient
) -> None:
    # e.g. from an old import: the settings page offers what Get help now shows first.
    store = web.store
    with store.session() as s:
        settings.set_setting(session=s, key="region", value="atlantis")
    p = page(unlocked.get("/data"))
    assert [o.get("value") for o in p.select("option") if "selected" in o.attrs] == ["us"]


@pytest.mark.parametrize("region", ["", "mars", "US", "<script>"])
def test_unknown_region_is_refused(web: Web, unlocked: TestClient, region: str) -> None:
    r = web.post(unlocked, "/data/region", {"region": region})
    assert r.status_code == 400
    assert "Please choose one of the listed regions." in error_text(r)
    assert web.setting("region") is None


# --- delete everything ------------------------------------------------------------------------
# Delete everything removes the profile folder and stops the key agent; server mode's delete
# (the account and its schema) is tests/server/test_delete.py.
PERSONAL_DELETE = pytest.mark.personal_only("delete everything: the profile folder")


@PERSONAL_DELETE
@pytest.mark.parametrize(
    "confirm,passphrase,message",
    [
        ("", PASSPHRASE, "type DELETE in the box"),
        ("delete", PASSPHRASE, "type DELETE in the box"),
        ("DELETE", "", "That passphrase does not unlock this journal"),
        ("DELETE", "not my passphrase", "That passphrase does not unlock this journal"),
    ],
)
def test_delete_needs_the_word_and_the_passphrase(
    web: Web, unlocked: TestClient, confirm: str, passphrase: str, message: str
) -> None:
    web.add_reflection(unlocked, "keep me")
    r = web.post(unlocked, "/data/delete", {"confirm": confirm, "passphrase": passphrase})
    assert r.status_code == 400
    assert message in error_text(r)
    assert web.profile.key_file.is_file()
    assert web.profile.database.is_file()
    assert [e.body for e in web.entries()] == ["keep me"]
    assert unlocked.get("/reflect").status_code == 200


@PERSONAL_DELETE
def test_delete_everything(web: Web, unlocked: TestClient) -> None:
    _journal_with_things(web, unlocked)
    assert web.profile.folder.is_dir()
    r = web.post(unlocked, "/data/delete", {"confirm": " DELETE ", "passphrase": PASSPHRASE})
    assert location(r) == "/setup?deleted=1"
    assert "earned_session=" in r.headers.get("set-cookie", "")
    assert not web.profile.folder.exists()
    assert web.vault.store is None
    assert location(unlocked.get("/")) == "/setup"
    assert sent_to_unlock(unlocked.get("/reflect"))
    assert unlocked.get("/setup").status_code == 200
    said = page(unlocked.get("/setup?deleted=1")).text
    assert "Everything in this profile was deleted" in said and "automatic backups" in said
    # A new journal can be made in the same place, and it is empty.
    assert location(web.set_up(unlocked, "a brand new start")) == "/welcome"
    assert web.post(unlocked, "/welcome").status_code == 303
    assert json.loads(unlocked.get("/data/export.json").content)["entries"] == []


@PERSONAL_DELETE
def test_delete_everything_locks_the_terminal_too(web: Web, unlocked: TestClient) -> None:
    # As after `earned unlock`: the key agent holds this journal's key for the quick commands.
    opened, key = personal.unlock(web.profile, PASSPHRASE)
    opened.close()
    agent.start(web.profile, key, 120)
    assert agent.fetch_key(web.profile) == key
    r = web.post(unlocked, "/data/delete", {"confirm": "DELETE", "passphrase": PASSPHRASE})
    assert location(r) == "/setup?deleted=1"
    assert not web.profile.folder.exists()
    assert agent.fetch_key(web.profile) is None
    assert not agent.socket_path(web.profile).exists()


@PERSONAL_DELETE
def test_a_refused_delete_leaves_the_terminal_unlocked(web: Web, unlocked: TestClient) -> None:
    opened, key = personal.unlock(web.profile, PASSPHRASE)
    opened.close()
    agent.start(web.profile, key, 120)
    r = web.post(unlocked, "/data/delete", {"confirm": "DELETE", "passphrase": "not mine"})
    assert r.status_code == 400
    assert agent.fetch_key(web.profile) == key
    assert web.profile.database.is_file()


def test_an_upload_may_carry_its_token_in_the_header_as_htmx_sends_it(
    web: Web, unlocked: TestClient
) -> None:
    exported = unlocked.get("/data/export.json").content
    files = {"file": ("export.json", exported, "application/json")}
    wrong = unlocked.post("/data/import", files=files, headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403 and "nothing was imported" in error_text(wrong)
    right = unlocked.post("/data/import", files=files, headers={"X-CSRF-Token": csrf_of(unlocked)})
    assert right.status_code == 200, right.text[:300]
