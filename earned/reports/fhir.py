"""Every completed questionnaire as FHIR R4 (the R4B models of `fhir.resources`): one
Bundle of type "collection" holding, for each questionnaire used, a Questionnaire (the
local definition its responses point to), and for each completed assessment one
QuestionnaireResponse and one score Observation per subscale.

Built from an export snapshot (export.snapshot), like the other formats, so the web
download and `earned export --format fhir` give the same bytes for the same journal.

No person is named: personal mode has no patient identity, so no resource has a
`subject`. A relationship questionnaire's person (ECR-RS) is left out too.

Codes: LOINC where a code exists and was checked (PHQ-9 panel 44249-1 and total
44261-6; GAD-7 panel 69737-5 and total 70274-6); everything else comes from earned's own
code system under `LOCAL`, a URL under the reserved `.invalid` domain (RFC 6761), which
no one can ever register, so a local code can never be mistaken for someone else's.
Answers are the scale's integers (valueInteger), as earned stores and scores them.

The library checks the shape of every resource; `problems` checks what it cannot: each
answer lies on its instrument's scale, each score equals earned's own scoring of those
answers, each derivedFrom and questionnaire reference resolves inside the bundle, codes
come from the expected systems and every time carries its zone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from earned import instruments
from earned.instruments import scoring
from earned.instruments.model import Instrument

LOINC = "http://loinc.org"
BASE = "https://earned.invalid/fhir"
LOCAL = f"{BASE}/CodeSystem/scores"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
UCUM = "http://unitsofmeasure.org"
# Mean scores carry this many decimals; sums are whole numbers anyway.
DIGITS = 4
# Fixed, so the same assessment gets the same resource ids in every export.
NAMESPACE = uuid.UUID("5b0f0a52-7d1e-4c3c-9a53-2f3e9f2f6c11")

# The LOINC codes used, each checked against published FHIR examples and profiles:
# panels (on the Questionnaire) and total scores (on the score Observation).
LOINC_PANELS: dict[str, tuple[str, str]] = {
    "phq9": ("44249-1", "PHQ-9 quick depression assessment panel [Reported.PHQ]"),
    "gad7": ("69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
}
LOINC_SCORES: dict[tuple[str, str], tuple[str, str]] = {
    ("phq9", "total"): (
        "44261-6",
        "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
    ),
    ("gad7", "total"): (
        "70274-6",
        "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
    ),
}
INSTRUMENTS = ("ecr", "ecrr", "ecr_rs", "phq9", "gad7", "who5", "scssf")


def resource_id(instrument_id: str) -> str:
    """The Questionnaire's id: FHIR ids allow no underscore (ecr_rs -> ecr-rs)."""
    return instrument_id.replace("_", "-")


def questionnaire_url(instrument_id: str) -> str:
    """The canonical URL of an instrument's Questionnaire, also its entry's fullUrl."""
    return f"{BASE}/Questionnaire/{resource_id(instrument_id)}"


def _instrument_at(url: str) -> str | None:
    """The instrument whose Questionnaire has the canonical URL `url`, if any."""
    return next((i for i in INSTRUMENTS if questionnaire_url(i) == url), None)


def score_code(instrument: Instrument, subscale_id: str) -> tuple[str, str, str]:
    """(system, code, display) of the Observation for one subscale's score."""
    found = LOINC_SCORES.get((instrument.id, subscale_id))
    if found is not None:
        return LOINC, found[0], found[1]
    sub = instrument.subscale(subscale_id)
    return LOCAL, f"{instrument.id}-{subscale_id}", f"{instrument.short_name}: {sub.name}"


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, '/'.join(parts))}"


def _value(instrument: Instrument, subscale_id: str, value: float) -> int | Decimal:
    if instrument.subscale(subscale_id).method == "sum" and float(value).is_integer():
        return int(value)
    return Decimal(str(round(value, DIGITS)))


def _questionnaire(instrument: Instrument) -> dict[str, Any]:
    panel = LOINC_PANELS.get(instrument.id)
    return {
        "resourceType": "Questionnaire",
        "id": resource_id(instrument.id),
        "url": questionnaire_url(instrument.id),
        "version": str(instrument.format_version),
        "name": instrument.id.upper().replace("_", ""),
        "title": instrument.name,
        "status": "active",
        "description": instrument.citation,
        "copyright": instrument.terms,
        **({"code": [{"system": LOINC, "code": panel[0], "display": panel[1]}]} if panel else {}),
        "item": [
            {"linkId": str(i.number), "text": i.text, "type": "integer", "required": True}
            for i in instrument.items
        ],
    }


def _scored(a: Mapping[str, Any]) -> tuple[Instrument, scoring.Scores] | None:
    if not a.get("completed_at") or a.get("instrument") not in INSTRUMENTS:
        return None
    instrument = instruments.load(str(a["instrument"]))
    answers = {int(x["item"]): int(x["value"]) for x in a["answers"]}
    result = scoring.score(instrument, answers)
    return (instrument, result) if isinstance(result, scoring.Scores) else None


def to_bundle(data: Mapping[str, Any]) -> Bundle:
    """The completed, fully answered assessments of `data` (an export snapshot) as a
    validated FHIR Bundle; raises pydantic's ValidationError if a resource is malformed."""
    entries: list[dict[str, Any]] = []
    used: dict[str, Instrument] = {}
    responses: list[dict[str, Any]] = []
    for a in data.get("assessments", []):
        found = _scored(a)
        if found is None:
            continue
        instrument, scores = found
        used.setdefault(instrument.id, instrument)
        qr_url = _urn(str(a["id"]))
        completed = str(a["completed_at"])
        responses.append(
            {
                "fullUrl": qr_url,
                "resource": {
                    "resourceType": "QuestionnaireResponse",
                    "id": qr_url.removeprefix("urn:uuid:"),
                    "questionnaire": questionnaire_url(instrument.id),
                    "status": "completed",
                    "authored": completed,
                    "item": [
                        {
                            "linkId": str(x["item"]),
                            "answer": [{"valueInteger": int(x["value"])}],
                        }
                        for x in sorted(a["answers"], key=lambda x: int(x["item"]))
                    ],
                },
            }
        )
        for sub in instrument.subscales:
            system, code, display = score_code(instrument, sub.id)
            obs_url = _urn(str(a["id"]), sub.id)
            responses.append(
                {
                    "fullUrl": obs_url,
                    "resource": {
                        "resourceType": "Observation",
                        "id": obs_url.removeprefix("urn:uuid:"),
                        "status": "final",
                        "category": [{"coding": [{"system": CATEGORY, "code": "survey"}]}],
                        "code": {
                            "coding": [{"system": system, "code": code, "display": display}],
                            "text": display,
                        },
                        "effectiveDateTime": completed,
                        "valueQuantity": {
                            "value": _value(instrument, sub.id, scores[sub.id]),
                            "unit": "score",
                            "system": UCUM,
                            "code": "{score}",
                        },
                        "derivedFrom": [{"reference": qr_url}],
                    },
                }
            )
    for instrument_id in sorted(used):
        q = _questionnaire(used[instrument_id])
        entries.append({"fullUrl": questionnaire_url(instrument_id), "resource": q})
    entries.extend(responses)
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": str(data["exported_at"]),
            "entry": entries,
        }
    )


def to_fhir_json(data: Mapping[str, Any]) -> bytes:
    """The bundle of `data` as UTF-8 FHIR JSON, the same bytes for the same data."""
    return to_bundle(data).model_dump_json(indent=2).encode("utf-8")


def parse(raw: bytes | str) -> Bundle:
    """A FHIR JSON bundle read back and validated by the library."""
    return Bundle.model_validate_json(raw)


# --- our own checks ---------------------------------------------------------------------


def _aware(value: Any) -> bool:
    if isinstance(value, datetime):
        return value.tzinfo is not None
    try:
        return datetime.fromisoformat(str(value)).tzinfo is not None
    except ValueError:
        return False


def _response_problems(qr: QuestionnaireResponse, where: str) -> tuple[list[str], Any]:
    """What is wrong with one response, and (instrument, answers) when it can be scored."""
    found: list[str] = []
    url = str(qr.questionnaire or "")
    instrument_id = _instrument_at(url)
    if instrument_id is None:
        return [f"{where}: questionnaire {url!r} is not one of earned's"], None
    instrument = instruments.load(instrument_id)
    if not _aware(qr.authored):
        found.append(f"{where}: authored has no time zone")
    answers: dict[int, int] = {}
    for item in qr.item or []:
        values = [ans.valueInteger for ans in item.answer or []]
        if len(values) != 1 or values[0] is None:
            found.append(f"{where}: item {item.linkId} needs exactly one whole-number answer")
            continue
        value = int(values[0])
        if not instrument.scale.min <= value <= instrument.scale.max:
            found.append(
                f"{where}: item {item.linkId} answer {value} is off the scale "
                f"{instrument.scale.min}-{instrument.scale.max}"
            )
        link = str(item.linkId)
        if not link.isdigit() or int(link) in answers:
            found.append(f"{where}: item {link!r} is not an item number, or comes twice")
            continue
        answers[int(link)] = value
    if set(answers) != {i.number for i in instrument.items}:
        found.append(f"{where}: the answered items are not the questionnaire's items")
    return found, (instrument, answers)


def _observation_problems(
    obs: Observation, where: str, scored: Mapping[str, Any], urls: set[str]
) -> list[str]:
    found: list[str] = []
    if not _aware(obs.effectiveDateTime):
        found.append(f"{where}: effectiveDateTime has no time zone")
    categories = [(c.system, c.code) for cat in obs.category or [] for c in cat.coding or []]
    if (CATEGORY, "survey") not in categories:
        found.append(f"{where}: not in the survey category")
    refs = [str(r.reference) for r in obs.derivedFrom or []]
    if len(refs) != 1 or refs[0] not in urls:
        found.append(f"{where}: derivedFrom {refs} does not resolve inside the bundle")
        return found
    target = scored.get(refs[0])
    if target is None:
        found.append(f"{where}: derivedFrom does not point to a scorable response")
        return found
    instrument, answers = target
    codings = [(c.system, c.code) for c in obs.code.coding or []]
    by_code = {score_code(instrument, s.id)[:2]: s.id for s in instrument.subscales}
    matches = [by_code[c] for c in codings if c in by_code]
    if len(codings) != 1 or len(matches) != 1:
        found.append(f"{where}: code {codings} is not one of {instrument.id}'s score codes")
        return found
    result = scoring.score(instrument, answers)
    value = obs.valueQuantity.value if obs.valueQuantity is not None else obs.valueInteger
    if not isinstance(result, scoring.Scores) or value is None:
        found.append(f"{where}: no score to compare")
    elif Decimal(str(value)) != Decimal(str(_value(instrument, matches[0], result[matches[0]]))):
        found.append(
            f"{where}: value {value} is not earned's score {result[matches[0]]:.{DIGITS}f}"
        )
    return found


def problems(bundle: Bundle) -> list[str]:
    """What the library does not check, as one sentence per problem (empty: all is well)."""
    found: list[str] = []
    if not _aware(bundle.timestamp):
        found.append("bundle: timestamp has no time zone")
    urls = {str(e.fullUrl) for e in bundle.entry or []}
    if len(urls) != len(bundle.entry or []):
        found.append("bundle: two entries share one fullUrl, or an entry has none")
    questionnaires = {
        str(e.resource.url)
        for e in bundle.entry or []
        if isinstance(e.resource, Questionnaire) and e.resource.url
    }
    scored: dict[str, Any] = {}
    for number, entry in enumerate(bundle.entry or [], start=1):
        resource = entry.resource
        if isinstance(resource, QuestionnaireResponse):
            where = f"entry {number} (QuestionnaireResponse)"
            if str(resource.questionnaire) not in questionnaires:
                found.append(f"{where}: its questionnaire is not in the bundle")
            more, target = _response_problems(resource, where)
            found.extend(more)
            if target is not None:
                scored[str(entry.fullUrl)] = target
    for number, entry in enumerate(bundle.entry or [], start=1):
        if isinstance(entry.resource, Observation):
            where = f"entry {number} (Observation)"
            found.extend(_observation_problems(entry.resource, where, scored, urls))
    return found


def check_json(raw: bytes | str) -> list[str]:
    """Validate `raw` with the library, then run `problems` on it."""
    return problems(parse(raw))
