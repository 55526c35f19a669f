"""A person's export in server mode (earned.web.routes.data, earned.reports.sharing): every
format they download carries their own sharing record (clinicians, every look, suggestions,
unused invites) and nobody else's; FHIR, made for a clinician's system, carries none of
it; importing such a file, into another account or a personal journal, leaves the record
out and says so."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from earned import consent, zones
from earned.accounts import Account
from earned.reports import readable, sharing
from earned.store import settings
from earned.store.server import accounts as account_store
from earned.store.server import sharing as server_sharing
from earned.store.server.models import AuditRow
from tests.support.cli import call
from tests.support.html import page
from tests.support.journals import Journal
from tests.support.server import ServerWeb

ZONE = "Pacific/Auckland"  # far from the server's clock (UTC in tests), on purpose
BENS = ("Dr Bram", "only for Ben's eyes")  # what must never reach Ada's export


@dataclass
class Scene:
    ada: Account
    person: TestClient
    ben: TestClient
    open_code: str  # Ada's invite nobody used


@pytest.fixture
def scene(srv: ServerWeb) -> Scene:
    """Ada shares with Dr Cleo (looked twice), stopped sharing with Dr Olga (looked,
    suggested a practice Ada tried), and has an invite nobody used. Ben shares with Dr Bram,
    who looked and suggested something."""
    ada = srv.add("ada", display_name="Ada")
    ben_account = srv.add("ben", display_name="Ben")
    srv.add("cleo", "clinician", display_name="Dr Cleo")
    olga_account = srv.add("olga", "clinician", display_name="Dr Olga")
    srv.add("bram", "clinician", display_name="Dr Bram")
    with srv.journal(ada).session() as s:
        settings.set_setting(session=s, key=zones.SETTING, value=ZONE)
    person = srv.signed_in("ada")
    srv.post(person, "/moment", {"intensity": "6"})
    cleo = srv.join("cleo", srv.invite(person, "results", "moments"))
    assert cleo.get(f"/clinic/{ada.id}").status_code == 200
    assert cleo.get(f"/clinic/{ada.id}").status_code == 200
    olga = srv.join("olga", srv.invite(person, "practices"))
    assert olga.get(f"/clinic/{ada.id}").status_code == 200
    srv.post(olga, f"/clinic/{ada.id}/suggest",
             {"choice": "practice|Box breathing", "note": "before bed"})  # fmt: skip
    [answer] = [
        f.get("action") or ""
        for f in page(person.get("/account")).select("form")
        if (f.get("action") or "").startswith("/suggestions/")
    ]
    srv.post(person, answer, {"answer": consent.DONE})
    srv.post(person, f"/sharing/{olga_account.id}/stop")
    open_code = srv.invite(person, "prep")
    # Ben's sharing, on the same server.
    ben = srv.signed_in("ben")
    bram = srv.join("bram", srv.invite(ben, "practices"))
    assert bram.get(f"/clinic/{ben_account.id}").status_code == 200
    srv.post(bram, f"/clinic/{ben_account.id}/suggest",
             {"choice": "practice|Box breathing", "note": BENS[1]})  # fmt: skip
    return Scene(ada=ada, person=person, ben=ben, open_code=open_code)


def _never_leaks(body: bytes, scene: Scene) -> None:
    text = body.decode("utf-8", errors="replace")
    for secret in (*BENS, scene.open_code, hashlib.sha256(scene.open_code.encode()).hexdigest()):
        assert secret not in text


def _audited(srv: ServerWeb, person_id: int) -> int:
    with srv.server.session() as s:
        return int(s.scalar(select(func.count()).where(AuditRow.person_id == person_id)) or 0)


def test_the_json_export_carries_the_persons_own_sharing_record(
    srv: ServerWeb, scene: Scene
) -> None:
    # The page says what the files hold.
    assert (
        "every look they took" in page(scene.person.get("/data")).one("p", id="export-sharing").text
    )
    raw = scene.person.get("/data/export.json")
    assert raw.status_code == 200
    _never_leaks(raw.content, scene)
    shared = json.loads(raw.content)[sharing.KEY]
    assert shared["note"] == sharing.NOTE
    [cleo, olga] = shared["clinicians"]
    assert (cleo["clinician"], cleo["sharing_now"], cleo["categories"]) == (
        "Dr Cleo", True, ["results", "moments"],
    )  # fmt: skip
    assert cleo["since"] and cleo["last_look_or_suggestion"]
    assert (olga["clinician"], olga["sharing_now"], olga["categories"], olga["since"]) == (
        "Dr Olga", False, [], None,
    )  # fmt: skip
    # Every look, oldest first, and only Ada's: as many as the audit log holds for her.
    looks = shared["looks"]
    assert len(looks) == _audited(srv, scene.ada.id) > 0
    assert {r["clinician"] for r in looks} == {"Dr Cleo", "Dr Olga"}
    assert [r["at"] for r in looks] == sorted(r["at"] for r in looks)
    assert {r["category"] for r in looks} <= {"results", "moments", "practices"}
    [suggested] = shared["suggestions"]
    assert suggested["clinician"] == "Dr Olga" and suggested["what"] == "Box breathing"
    assert (suggested["note"], suggested["answer"]) == ("before bed", consent.DONE)
    assert suggested["answered_at"] >= suggested["suggested_at"]
    [invite] = shared["invites"]
    assert invite["categories"] == ["prep"] and set(invite) == {
        "created_at", "expires_at", "categories",
    }  # fmt: skip
    made, ends = (datetime.fromisoformat(invite[k]) for k in ("created_at", "expires_at"))
    assert ends - made == consent.INVITE_LIFE
    # Ben's export holds Ben's record, none of Ada's.
    bens = json.loads(scene.ben.get("/data/export.json").content)[sharing.KEY]
    assert [c["clinician"] for c in bens["clinicians"]] == ["Dr Bram"]
    assert {r["clinician"] for r in bens["looks"]} == {"Dr Bram"}
    assert bens["invites"] == [] and len(bens["looks"]) == _audited(srv, scene.ada.id + 1)


def test_the_csv_zip_has_a_table_for_each_part_of_the_record(scene: Scene) -> None:
    raw = scene.person.get("/data/export.zip")
    assert raw.status_code == 200
    _never_leaks(raw.content, scene)
    with zipfile.ZipFile(io.BytesIO(raw.content)) as z:
        names = set(z.namelist())
        tables = {
            part: list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8"))))
            for part, (name, _) in sharing.FILES.items()
        }
        for _, (name, columns) in sharing.FILES.items():
            header = z.read(name).decode("utf-8").splitlines()[0]
            assert header.split(",") == list(columns)
        text = b"".join(z.read(n) for n in names)
    assert names == {s.csv for s in readable.SECTIONS} | {n for n, _ in sharing.FILES.values()}
    _never_leaks(text, scene)
    assert [(r["clinician"], r["sharing_now"], r["categories"]) for r in tables["clinicians"]] == [
        ("Dr Cleo", "True", "results; moments"),
        ("Dr Olga", "False", ""),
    ]
    assert {r["clinician"] for r in tables["looks"]} == {"Dr Cleo", "Dr Olga"}
    [suggested] = tables["suggestions"]
    assert (suggested["what"], suggested["note"], suggested["answer"]) == (
        "Box breathing", "before bed", consent.DONE,
    )  # fmt: skip
    assert [r["categories"] for r in tables["invites"]] == ["prep"]


def test_the_markdown_tells_the_record_on_the_persons_clock(scene: Scene) -> None:
    data = json.loads(scene.person.get("/data/export.json").content)
    raw = scene.person.get("/data/export.md")
    assert raw.status_code == 200
    _never_leaks(raw.content, scene)
    text = raw.content.decode("utf-8")
    part = text[text.index("## Sharing with clinicians") :]
    since = datetime.fromisoformat(data[sharing.KEY]["clinicians"][0]["since"])
    here = since.astimezone(ZoneInfo(ZONE))
    clock = f"{here:%a} {here.day} {here:%b %Y, %H:%M}"
    assert f"- Dr Cleo: sharing since {clock}: results, moments" in part
    assert "- Dr Olga: no longer shared with; last look or suggestion" in part
    assert 'Dr Olga suggested a practice, Box breathing ("before bed"): tried' in part
    looks = [ln for ln in part.splitlines() if " saw " in ln]
    assert len(looks) == len(data[sharing.KEY]["looks"])
    assert "open until" in part and "session prep" in part
    # The journal's own times are on Ada's clock too (the server's is UTC).
    onset = datetime.fromisoformat(data["activations"][0]["onset_at"]).astimezone(ZoneInfo(ZONE))
    assert f"- {onset:%a} {onset.day} {onset:%b %Y, %H:%M}: intensity 6" in text


def test_fhir_carries_no_sharing_record(scene: Scene) -> None:
    """FHIR is for a clinician's system: it names no one, so no clinician either."""
    raw = scene.person.get("/data/export.fhir.json")
    assert raw.status_code == 200
    for name in ("Dr Cleo", "Dr Olga", "before bed", "Box breathing"):
        assert name not in raw.text


def test_a_clinician_whose_account_is_gone_stays_in_the_record(
    srv: ServerWeb, scene: Scene
) -> None:
    with srv.server.session() as s:
        cleo = account_store.by_name(session=s, name="cleo")
        assert cleo is not None
        account_store.remove(session=s, account_id=cleo.id)
    with srv.server.session() as s:
        found = server_sharing.record(session=s, person_id=scene.ada.id)
    assert [(c.clinician, c.sharing_now) for c in found.clinicians] == [
        ("Dr Cleo", False), ("Dr Olga", False),
    ]  # fmt: skip
    assert all(c.last_at is not None for c in found.clinicians)
    assert {r.clinician for r in found.reads} == {"Dr Cleo", "Dr Olga"}


def _import(srv: ServerWeb, browser: TestClient, body: bytes) -> str:
    done = srv.post(
        browser, "/data/import", files={"file": ("export.json", body, "application/json")}
    )
    assert done.status_code == 200, done.text
    return page(done).one("p.ok").text


def test_an_import_into_another_account_leaves_the_record_out_and_says_so(
    srv: ServerWeb, scene: Scene
) -> None:
    before = json.loads(scene.ben.get("/data/export.json").content)[sharing.KEY]
    said = _import(srv, scene.ben, scene.person.get("/data/export.json").content)
    assert "Imported 1 moment" in said and "invite your clinician again" in said
    after = json.loads(scene.ben.get("/data/export.json").content)
    assert after[sharing.KEY] == before  # Ada's clinicians did not become Ben's
    assert [a["intensity"] for a in after["activations"]] == [6]
    with srv.server.session() as s:
        assert [a.display_name for _, a in server_sharing.clinicians_of(
            session=s, person_id=scene.ada.id + 1)] == ["Dr Bram"]  # fmt: skip


@pytest.mark.parametrize(
    ("odd", "said_so"),
    [
        (None, False),
        ({"note": "x", "clinicians": [], "looks": []}, False),  # an empty record
        ("not a record", True),
        ([1, 2], True),
        ({"clinicians": 5}, True),
    ],
)
def test_any_sharing_section_is_left_out_never_an_error(
    srv: ServerWeb, scene: Scene, odd: object, said_so: bool
) -> None:
    """Whatever the section holds, none of it is read; the summary says so only when there
    was something to leave out."""
    data = json.loads(scene.person.get("/data/export.json").content)
    data[sharing.KEY] = odd
    said = _import(srv, scene.ben, json.dumps(data).encode())
    assert (consent.NOT_CARRIED in said) is said_so
    assert "Imported" in said


def test_an_import_into_a_personal_journal_leaves_the_record_out_and_says_so(
    srv: ServerWeb,
    scene: Scene,
    journal: Journal,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("EARNED_PASSPHRASE", raising=False)
    exported = tmp_path / "from-the-server.json"
    exported.write_bytes(scene.person.get("/data/export.json").content)
    srv.close()  # the server's key ring goes with it: a personal journal is never sealed
    done = call(capsys, "import", str(exported), pw=journal.pw)
    assert done.code == 0, done.err
    assert "Imported 1 moment" in done.out and consent.NOT_CARRIED in done.out
    # The personal journal's own export is as it always was: no sharing section anywhere.
    mine = call(capsys, "export", "--format", "json", pw=journal.pw)
    data = json.loads(mine.out)
    assert sharing.KEY not in data and [a["intensity"] for a in data["activations"]] == [6]
    md = call(capsys, "export", "--format", "md", pw=journal.pw).out
    assert "Sharing with clinicians" not in md and "Dr Cleo" not in md
