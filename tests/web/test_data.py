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

from tests.support import PASSPHRASE
from tests.support.html import page
from tests.support.web import PROMPTS, Web, csrf_of, error_text, location, values_for


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
    for fmt in ("json", "zip", "md"):
        assert "download" in p.one("a", href=f"/data/export.{fmt}").attrs
    form = p.one("form", action="/data/import")
    assert form.get("enctype") == "multipart/form-data"
    assert p.one("input", type="file").get("name") == "file"
    options = {o.get("value"): "selected" in o.attrs for o in p.select("option")}
    assert options == {"us": True, "uk-ie": False, "au": False, "ca": False}
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
    assert "ECR: attachment anxiety 5.00, attachment avoidance 5.00" in text
    assert "My reflection, with ünïcödé & <b>tags</b>." in text
    assert f"· reflection · {PROMPTS[2]}" in text
    assert "My origin story." in text


def test_export_zip(web: Web, unlocked: TestClient) -> None:
    aid = _journal_with_things(web, unlocked)
    r = unlocked.get("/data/export.zip")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"].endswith('.zip"')
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert sorted(z.namelist()) == ["answers.csv", "assessments.csv", "entries.csv"]
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


def test_empty_exports(unlocked: TestClient) -> None:
    data = json.loads(unlocked.get("/data/export.json").content)
    assert data["assessments"] == [] and data["entries"] == []
    text = unlocked.get("/data/export.md").text
    assert "No assessments yet." in text and "No entries yet." in text


def test_unknown_export_format(unlocked: TestClient) -> None:
    r = unlocked.get("/data/export.pdf")
    assert r.status_code == 404
    assert "Exports come as JSON, CSV (zip) or Markdown." in error_text(r)


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
    message = page(r).one("p.ok").text
    assert message.startswith("Imported 1 assessment(s) and 2 journal entries; 0 already here")
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
    assert "Imported 0 assessment(s) and 0 journal entries; 3 already here" in page(r).text
    assert len(second.entries()) == 2
    assert len(second.assessments()) == 1


@pytest.mark.parametrize(
    "raw,message",
    [
        (b"this is not json at all", "That file is not an earned export (it is not valid JSON)."),
        (b"\xff\xfe\x00garbage", "That file is not an earned export (it is not valid JSON)."),
        (b'{"format": "something-else"}', "That file is not an earned export."),
        (b"[1, 2, 3]", "That file is not an earned export."),
        (b'{"format": "earned-export", "version": 99}', "version 99, which is not known"),
        (
            b'{"format": "earned-export", "version": 1, "entries": [{"id": "e1"}]}',
            "The export file is incomplete or damaged; nothing was imported.",
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
    assert "already exists with other text" in error_text(r)
    assert [e.body for e in web.entries()] == ["mine"]


def test_import_without_a_file(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, "/data/import")
    assert r.status_code == 400
    assert "Please choose an export file to import." in error_text(r)


def test_import_accepts_more_than_the_form_limit(web: Web, unlocked: TestClient) -> None:
    # Imports have their own (larger) limit than the 1 MiB for ordinary forms.
    web.add_reflection(unlocked, "x")
    data = json.loads(unlocked.get("/data/export.json").content)
    data["padding"] = "p" * (1024 * 1024 + 10)
    r = _import(web, unlocked, json.dumps(data).encode())
    assert r.status_code == 200
    assert "1 already here" in page(r).text


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


@pytest.mark.parametrize("region", ["", "mars", "US", "<script>"])
def test_unknown_region_is_refused(web: Web, unlocked: TestClient, region: str) -> None:
    r = web.post(unlocked, "/data/region", {"region": region})
    assert r.status_code == 400
    assert "Please choose one of the listed regions." in error_text(r)
    assert web.setting("region") is None


# --- delete everything ------------------------------------------------------------------------


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


def test_delete_everything(web: Web, unlocked: TestClient) -> None:
    _journal_with_things(web, unlocked)
    assert web.profile.folder.is_dir()
    r = web.post(unlocked, "/data/delete", {"confirm": " DELETE ", "passphrase": PASSPHRASE})
    assert location(r) == "/setup"
    assert "earned_session=" in r.headers.get("set-cookie", "")
    assert not web.profile.folder.exists()
    assert web.vault.store is None
    assert location(unlocked.get("/")) == "/setup"
    assert location(unlocked.get("/reflect")) == "/unlock"
    assert unlocked.get("/setup").status_code == 200
    # A new journal can be made in the same place, and it is empty.
    assert location(web.set_up(unlocked, "a brand new start")) == "/welcome"
    assert web.post(unlocked, "/welcome").status_code == 303
    assert json.loads(unlocked.get("/data/export.json").content)["entries"] == []
