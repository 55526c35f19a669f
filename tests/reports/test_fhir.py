"""The FHIR R4 export (earned.reports.fhir): a Bundle of QuestionnaireResponses and score
Observations, validated by fhir.resources (R4B models) and by our own checks, from a real
journal (the demo profile, imported) and from hand-made assessments; the web download
and `earned export --format fhir` give the same bytes."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from earned import demo, instruments
from earned.instruments import scoring
from earned.reports import export, fhir, files
from earned.store import Store
from tests.support import T0
from tests.support.cli import call, demo_export
from tests.support.journals import Journal, Template
from tests.support.web import Web

EXPORTED = T0 + timedelta(days=100)


def _assessment(aid: str, instrument_id: str, values: dict[int, int], *, done: bool = True) -> Any:
    return {
        "id": aid,
        "instrument": instrument_id,
        "started_at": T0.isoformat(),
        "completed_at": (T0 + timedelta(minutes=10)).isoformat() if done else None,
        "person_id": None,
        "person_name": None,
        "answers": [
            {"item": n, "value": v, "answered_at": T0.isoformat()} for n, v in values.items()
        ],
    }


def _data(*assessments: Any) -> dict[str, Any]:
    return {
        "format": "earned-export",
        "version": 1,
        "exported_at": EXPORTED.isoformat(),
        "assessments": list(assessments),
        "entries": [],
        "settings": {},
    }


# PHQ-9 answered 0,1,2,3,0,1,2,3,1 (total 13); GAD-7 all 2 (14); WHO-5 3,4,2,5,1 (15 x 4 = 60).
PHQ9 = {n: v for n, v in zip(range(1, 10), [0, 1, 2, 3, 0, 1, 2, 3, 1], strict=True)}
GAD7 = dict.fromkeys(range(1, 8), 2)
WHO5 = {1: 3, 2: 4, 3: 2, 4: 5, 5: 1}
# ECR: every item 3, the scale's middle, which reverse keys leave at 3: both means 3.0.
ECR = dict.fromkeys(range(1, 37), 3)
HAND = _data(
    _assessment("a-phq", "phq9", PHQ9),
    _assessment("a-gad", "gad7", GAD7),
    _assessment("a-who", "who5", WHO5),
    _assessment("a-ecr", "ecr", ECR),
    _assessment("a-half", "phq9", {1: 2, 2: 2}, done=False),
)


def resources(bundle: Bundle, kind: type[Any]) -> list[Any]:
    return [e.resource for e in bundle.entry or [] if isinstance(e.resource, kind)]


def by_url(bundle: Bundle) -> dict[str, Any]:
    return {str(e.fullUrl): e.resource for e in bundle.entry or []}


def answers_of(qr: QuestionnaireResponse) -> dict[int, int]:
    return {int(i.linkId): int(i.answer[0].valueInteger) for i in qr.item or []}


def instrument_of(qr: QuestionnaireResponse) -> str:
    [found] = [i for i in fhir.INSTRUMENTS if fhir.questionnaire_url(i) == qr.questionnaire]
    return found


def check_against_scoring(bundle: Bundle, source: dict[str, Any]) -> int:
    """Every response's answers are the journal's and every Observation's value is earned's
    score of them; returns how many Observations were checked."""
    completed = {a["id"]: a for a in source["assessments"] if a["completed_at"]}
    stored = {
        fhir._urn(aid): {x["item"]: x["value"] for x in a["answers"]}
        for aid, a in completed.items()
    }
    responses = by_url(bundle)
    for url, answers in stored.items():
        assert answers_of(responses[url]) == answers
    assert len(resources(bundle, QuestionnaireResponse)) == len(completed)
    checked = 0
    for obs in resources(bundle, Observation):
        qr = responses[obs.derivedFrom[0].reference]
        instrument = instruments.load(instrument_of(qr))
        result = scoring.score(instrument, answers_of(qr))
        assert isinstance(result, scoring.Scores)
        coding = obs.code.coding[0]
        [sub] = [
            s.id
            for s in instrument.subscales
            if fhir.score_code(instrument, s.id)[:2] == (coding.system, coding.code)
        ]
        assert float(obs.valueQuantity.value) == pytest.approx(result[sub], abs=1e-4)
        assert obs.effectiveDateTime == qr.authored
        checked += 1
    return checked


# --- hand-made assessments -------------------------------------------------------------------


def test_hand_made_assessments_with_their_codes_and_scores() -> None:
    raw = fhir.to_fhir_json(HAND)
    bundle = Bundle.model_validate_json(raw)  # the library's own validation
    assert bundle.type == "collection"
    assert fhir.problems(bundle) == []
    # The unfinished PHQ-9 is left out; four responses, 1 + 1 + 1 + 2 scores.
    assert len(resources(bundle, QuestionnaireResponse)) == 4
    assert check_against_scoring(bundle, HAND) == 5
    values = {
        (o.code.coding[0].system, o.code.coding[0].code): o.valueQuantity.value
        for o in resources(bundle, Observation)
    }
    assert values == {
        (fhir.LOINC, "44261-6"): 13,
        (fhir.LOINC, "70274-6"): 14,
        (fhir.LOCAL, "who5-wellbeing"): 60,
        (fhir.LOCAL, "ecr-anxiety"): 3,
        (fhir.LOCAL, "ecr-avoidance"): 3,
    }
    panels = {
        q.url: [(c.system, c.code) for c in q.code or []] for q in resources(bundle, Questionnaire)
    }
    assert panels == {
        fhir.questionnaire_url("ecr"): [],
        fhir.questionnaire_url("gad7"): [(fhir.LOINC, "69737-5")],
        fhir.questionnaire_url("phq9"): [(fhir.LOINC, "44249-1")],
        fhir.questionnaire_url("who5"): [],
    }
    for qr in resources(bundle, QuestionnaireResponse):
        assert qr.status == "completed" and qr.subject is None
        assert qr.authored.tzinfo is not None
    for obs in resources(bundle, Observation):
        assert obs.status == "final" and obs.subject is None
        assert obs.category[0].coding[0].code == "survey"
    assert "person_name" not in raw.decode() and "a-half" not in raw.decode()


def test_an_ecr_rs_names_nobody() -> None:
    answers = dict.fromkeys(range(1, 10), 3)
    rs = {**_assessment("a-rs", "ecr_rs", answers), "person_id": "p1", "person_name": "Robin"}
    raw = fhir.to_fhir_json(_data(rs))
    assert "Robin" not in raw.decode() and "p1" not in raw.decode()
    assert fhir.check_json(raw) == []
    # FHIR ids have no underscore; the entry's address ends with the resource's id.
    [q] = resources(fhir.parse(raw), Questionnaire)
    assert (q.id, q.url) == ("ecr-rs", "https://earned.invalid/fhir/Questionnaire/ecr-rs")
    [qr] = resources(fhir.parse(raw), QuestionnaireResponse)
    assert instrument_of(qr) == "ecr_rs" and answers_of(qr) == answers


def test_the_same_data_gives_the_same_bytes() -> None:
    assert fhir.to_fhir_json(copy.deepcopy(HAND)) == fhir.to_fhir_json(HAND)
    out = files.export_file(HAND, "fhir")
    assert out.filename == f"earned-{EXPORTED.date()}.fhir.json"
    assert out.media_type == "application/fhir+json"
    assert files.export_file(HAND, "fhir.json").body == out.body == fhir.to_fhir_json(HAND)


def test_an_empty_journal_is_an_empty_bundle() -> None:
    bundle = fhir.parse(fhir.to_fhir_json(_data()))
    assert (bundle.type, bundle.entry, fhir.problems(bundle)) == ("collection", None, [])


# --- our checks catch what the library lets through -------------------------------------------


def _tampered(change: Any) -> list[str]:
    data = json.loads(fhir.to_fhir_json(HAND))
    change(data["entry"])
    raw = json.dumps(data)
    Bundle.model_validate_json(raw)  # still a valid Bundle to the library
    return fhir.check_json(raw)


def _first(entries: list[Any], kind: str) -> dict[str, Any]:
    resource: dict[str, Any] = next(
        e["resource"] for e in entries if e["resource"]["resourceType"] == kind
    )
    return resource


def test_a_wrong_score_is_caught() -> None:
    def wrong(entries: list[Any]) -> None:
        _first(entries, "Observation")["valueQuantity"]["value"] += 1

    found = _tampered(wrong)
    assert len(found) == 1 and "is not earned's score" in found[0]


def test_a_dangling_derived_from_is_caught() -> None:
    def dangle(entries: list[Any]) -> None:
        _first(entries, "Observation")["derivedFrom"] = [{"reference": "urn:uuid:nowhere"}]

    found = _tampered(dangle)
    assert len(found) == 1 and "does not resolve inside the bundle" in found[0]


def test_an_off_scale_answer_is_caught() -> None:
    def off(entries: list[Any]) -> None:
        _first(entries, "QuestionnaireResponse")["item"][0]["answer"] = [{"valueInteger": 9}]

    found = _tampered(off)
    assert any("off the scale" in f for f in found)


def test_a_foreign_code_system_is_caught() -> None:
    def foreign(entries: list[Any]) -> None:
        _first(entries, "Observation")["code"]["coding"][0]["system"] = "http://snomed.info/sct"

    found = _tampered(foreign)
    assert len(found) == 1 and "score codes" in found[0]


def test_a_time_without_a_zone_is_caught() -> None:
    def naive(entries: list[Any]) -> None:
        _first(entries, "Observation")["effectiveDateTime"] = "2026-03-02"
        _first(entries, "QuestionnaireResponse")["authored"] = "2026-03-02"

    found = _tampered(naive)
    assert any("effectiveDateTime has no time zone" in f for f in found)
    assert any("authored has no time zone" in f for f in found)


def test_a_missing_questionnaire_is_caught() -> None:
    def drop(entries: list[Any]) -> None:
        entries[:] = [e for e in entries if e["resource"]["resourceType"] != "Questionnaire"]

    found = _tampered(drop)
    assert len(found) == 4 and all("questionnaire is not in the bundle" in f for f in found)


def test_a_missing_answer_is_caught_and_its_scores_not_compared() -> None:
    def drop(entries: list[Any]) -> None:
        del _first(entries, "QuestionnaireResponse")["item"][-1]

    found = _tampered(drop)
    assert any("the answered items are not the questionnaire's items" in f for f in found)
    assert any("no score to compare" in f for f in found)


def test_a_derived_from_pointing_at_a_questionnaire_is_caught() -> None:
    def elsewhere(entries: list[Any]) -> None:
        target = next(e for e in entries if e["resource"]["resourceType"] == "Questionnaire")
        _first(entries, "Observation")["derivedFrom"] = [{"reference": target["fullUrl"]}]

    found = _tampered(elsewhere)
    assert len(found) == 1 and "does not point to a scorable response" in found[0]


def test_two_entries_at_one_address_are_caught() -> None:
    def twice(entries: list[Any]) -> None:
        entries.append(copy.deepcopy(entries[-1]))

    found = _tampered(twice)
    assert found == ["bundle: two entries share one fullUrl, or an entry has none"]


def test_the_library_refuses_a_malformed_resource() -> None:
    data = json.loads(fhir.to_fhir_json(HAND))
    del _first(data["entry"], "Observation")["status"]  # required
    with pytest.raises(ValidationError):
        fhir.parse(json.dumps(data))
    data = json.loads(fhir.to_fhir_json(HAND))
    _first(data["entry"], "QuestionnaireResponse")["item"][0]["answer"] = [{"valueInteger": "x"}]
    with pytest.raises(ValidationError):
        fhir.parse(json.dumps(data))


# --- a real journal: the demo profile, imported --------------------------------------------


def test_the_demo_journal_round_trips(store: Store) -> None:
    generated = demo.generate(4, T0)
    with store.session() as s:
        export.restore(session=s, data=generated)
    with store.session() as s:
        data = export.snapshot(session=s, now=EXPORTED)
    raw = fhir.to_fhir_json(data)
    bundle = fhir.parse(raw)
    assert fhir.problems(bundle) == []
    completed = [a for a in data["assessments"] if a["completed_at"]]
    expected = sum(len(instruments.load(a["instrument"]).subscales) for a in completed)
    assert check_against_scoring(bundle, data) == expected > 0
    # Parsed back and written again, nothing changes.
    assert bundle.model_dump_json(indent=2).encode("utf-8") == raw


# --- the web download and the CLI give the same bytes ------------------------------------------


class _Frozen(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> Any:
        return EXPORTED if tz is None else EXPORTED.astimezone(tz)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "datetime", _Frozen)


@pytest.fixture
def web(tmp_path: Path, journal_template: Template) -> Iterator[Web]:
    w = Web(tmp_path / "web", journal_template)
    yield w
    w.close()


@pytest.mark.usefixtures("no_ambient_secrets", "frozen")
def test_web_download_and_cli_give_the_same_bytes(
    web: Web, journal: Journal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = demo_export(tmp_path)
    client = web.unlocked_client()
    r = web.post(
        client,
        "/data/import",
        files={"file": ("export.json", source.read_bytes(), "application/json")},
    )
    assert r.status_code in (200, 303), r.text
    download = client.get("/data/export.fhir.json")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/fhir+json"
    assert download.headers["content-disposition"].endswith(f'{EXPORTED.date()}.fhir.json"')

    assert call(capsys, "import", str(source), pw=journal.pw).code == 0
    target = tmp_path / "out.fhir.json"
    written = call(capsys, "export", "--format", "fhir", "--output", str(target), pw=journal.pw)
    assert written.code == 0, written.err
    assert target.read_bytes() == download.content
    assert fhir.check_json(download.content) == []
    assert len(resources(fhir.parse(download.content), QuestionnaireResponse)) > 0
