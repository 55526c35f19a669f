"""Crisis language detection (earned.safety): the goals on the evaluation set, a floor on the
second set's dev half, the rule file kept honest (examples, near misses, anchors, the JSON
snapshot), negation, idioms, misspellings, Spanish, people other than the writer (someone
else, or the person written to), past times, speed on pathological input, and a Finding
that carries no words."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from earned import safety

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "bench" / "data" / "crisis_eval.tsv"
EVAL_2_DEV = ROOT / "bench" / "data" / "crisis_eval_2_dev.tsv"
LONG_ENTRY = ROOT / "bench" / "data" / "long_entry.txt"
FIRE = ("risk", "passive")
QUIET = ("negated", "idiom", "sadness", "ordinary")
RULES = safety.rules()
# The app's snapshot leaves out examples and near misses; the tests read them from the TOML.
SOURCE = tomllib.loads(safety.RULES_TOML.read_text(encoding="utf-8"))


def level(text: str) -> str | None:
    found = safety.detect(text)
    return None if found is None else found.level


# --- the evaluation set ---------------------------------------------------------------------


def eval_rows() -> list[tuple[str, str]]:
    with EVAL.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(r["label"], r["text"]) for r in reader]


def test_the_evaluation_set_is_big_and_varied_enough() -> None:
    rows = eval_rows()
    counts = {label: sum(1 for lab, _ in rows if lab == label) for label in FIRE + QUIET}
    assert len(rows) >= 300
    assert sum(counts.values()) == len(rows)  # no other labels
    assert counts["risk"] >= 70 and counts["passive"] >= 60 and counts["negated"] >= 50
    assert counts["idiom"] >= 50 and counts["sadness"] >= 70 and counts["ordinary"] >= 20
    assert len({text for _, text in rows}) == len(rows)  # no duplicates
    assert all(text.strip() and "\t" not in text for _, text in rows)


def test_recall_and_false_alarms_meet_the_goals_on_the_whole_set() -> None:
    rows = eval_rows()
    should = [text for label, text in rows if label in FIRE]
    quiet = [text for label, text in rows if label in QUIET]
    recall = sum(safety.detect(t) is not None for t in should) / len(should)
    false_alarms = sum(safety.detect(t) is not None for t in quiet) / len(quiet)
    assert recall >= 0.95, recall
    assert false_alarms <= 0.10, false_alarms


def test_the_second_sets_dev_half_holds_its_floor() -> None:
    """The odd rows of the independently written set, the only ones the rules were widened
    on (bench/crisis_eval.py reports both halves). A floor a little under today's figures
    (recall 0.883, false alarms 0.115, none on words of support), to catch a regression;
    the held-out half is measured by someone else."""
    with EVAL_2_DEV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) == 250
    fired = [(r, safety.detect(r["text"]) is not None) for r in rows]
    should = [f for r, f in fired if r["label"] in FIRE]
    quiet = [f for r, f in fired if r["label"] == "other"]
    support = [f for r, f in fired if r["group"] == "supporting_other"]
    assert sum(should) / len(should) >= 0.85
    assert sum(quiet) / len(quiet) <= 0.13
    assert not any(support)
    for lang in ("en", "es"):
        part = [f for r, f in fired if r["lang"] == lang and r["label"] in FIRE]
        assert sum(part) / len(part) >= 0.85, lang


# --- the rule file ---------------------------------------------------------------------------

RULE_CASES = [(r["id"], ex) for r in SOURCE["rule"] for ex in r.get("examples", [])]
NEAR_MISSES = [(r["id"], ex) for r in SOURCE["rule"] for ex in r.get("near_misses", [])]
IDIOM_CASES = [(i["id"], ex) for i in SOURCE["idiom"] for ex in i.get("examples", [])]


def test_every_rule_and_idiom_has_examples() -> None:
    assert all(r.get("examples") for r in SOURCE["rule"])
    assert all(i.get("examples") for i in SOURCE["idiom"])
    assert {r["level"] for r in SOURCE["rule"]} == set(safety.LEVELS)


@pytest.mark.parametrize(("rule", "example"), RULE_CASES)
def test_each_example_fires_its_rule(rule: str, example: str) -> None:
    found = safety.detect(example)
    assert found is not None and found.rule == rule, (example, found)


@pytest.mark.parametrize(("rule", "example"), RULE_CASES)
def test_each_example_match_contains_an_anchor_and_fits_a_window(rule: str, example: str) -> None:
    """Rules are only searched near their anchors: a match must hold one, and be short."""
    compiled = RULES.by_id[rule]
    norm = f" {safety.normalise(example)} "
    assert all(len(a.split()) <= 4 for a in compiled.anchors)
    spans = [m.span() for regex in compiled.regexes for m in regex.finditer(norm)]
    spans = [(s, e) for s, e in spans if norm[s - 1] == " " and norm[e] == " "]
    assert spans, example
    for start, end in spans:
        inside = norm[start - 1 : end + 1]
        assert any(f" {a} " in inside for a in compiled.anchors), (example, inside)
        assert end - start <= safety.MAX_MATCH, (example, end - start)


# The most common words: a rule keyed on one would be searched near nearly every word of
# a long entry (past safety.MAX_HITS occurrences, through all of it).
COMMON_WORDS = {
    *("the", "a", "an", "to", "i", "me", "my", "it", "on", "in", "of", "for", "from"),
    *("and", "is", "you", "que", "de", "la", "el", "en", "y", "los", "las", "lo", "se"),
    *("mi", "por", "con", "para", "una", "un", "es", "este", "esta"),
}


def test_no_anchor_is_keyed_on_a_very_common_word() -> None:
    keyed = {(r.id, a): safety._key(a)[0] for r in RULES.rules for a in r.anchors}
    assert not {k: w for k, w in keyed.items() if w in COMMON_WORDS}


@pytest.mark.parametrize(("rule", "text"), NEAR_MISSES)
def test_near_misses_do_not_fire(rule: str, text: str) -> None:
    assert safety.detect(text) is None, (rule, text, safety.detect(text))


@pytest.mark.parametrize(("idiom", "text"), IDIOM_CASES)
def test_idiom_examples_match_their_idiom_and_fire_nothing(idiom: str, text: str) -> None:
    import re

    pattern = dict(RULES.idioms)[idiom]
    assert re.search(pattern, safety.normalise(text)), (idiom, text)
    assert safety.detect(text) is None


def test_the_json_snapshot_matches_the_toml_rules() -> None:
    """The app reads crisis_rules.json; run scripts/build_crisis_rules.py after editing."""
    toml_text = safety.RULES_TOML.read_text(encoding="utf-8")
    assert safety.snapshot(toml_text) == safety.RULES_JSON.read_text(encoding="utf-8")
    expected = tomllib.loads(toml_text)
    for entry in (*expected["rule"], *expected["idiom"]):
        for key in safety.TEST_ONLY:
            entry.pop(key, None)
    loaded = json.loads(safety.RULES_JSON.read_text(encoding="utf-8"))
    assert loaded.pop("index") == safety.Rules(expected).index()
    assert loaded == expected


def broken(change: Callable[[dict[str, object]], None]) -> dict[str, object]:
    data: dict[str, object] = tomllib.loads(safety.RULES_TOML.read_text(encoding="utf-8"))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["rule"][0].update(level="urgent"), "level must be one of"),
        (lambda d: d["rule"][0].update(patterns=["{nowhere} myself"]), "unknown fragment"),
        (lambda d: d["rule"][0].update(anchors=[]), "needs anchors and patterns"),
        (lambda d: d["rule"].append(dict(d["rule"][0])), "share an id"),
    ],
)
def test_a_broken_rule_file_fails_loudly(change: Callable[..., None], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        safety.Rules(broken(change)).check()


# --- normalising -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I DON'T want to", "i dont want to"),
        ("I\u2019m   so\ttired\n\nof it", "im so tired of it"),
        ("self-harm", "self harm"),
        ("no.  never!", "no . never !"),
        ("i want to diiiiie", "i want to die"),
        ("soooo tired!!!", "so tired !"),
        ("die\U0001f62d now", "die now"),
        ("end\u2014it all\u2026", "end it all ."),
        # Accents fold to their letter; ¿ and ¡ become spaces.
        ("Ya no aguanté más", "ya no aguante mas"),
        ("¿Me corté? ¡Sí!", "me corte ? si !"),
        ("año, niña, pingüino", "ano , nina , pinguino"),
        ("e\u0301xito", "exito"),  # a combining accent, already split
        ("\ufb01n", "fin"),  # a ligature
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert safety.normalise(text) == expected


def test_stretched_letters_are_folded_only_in_shorter_texts() -> None:
    long_text = "an ordinary day. " * 200 + "i want to diiiie"
    assert len(long_text) > RULES.fold_limit
    assert safety.detect("i want to diiiie") == safety.Finding("risk", "want-to-die")
    assert safety.detect(long_text) is None  # documented limit (docs/crisis-language.md)


# --- negation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I would never hurt myself",
        "I'm not going to kill myself",
        "I would never, ever hurt myself",
        "I don't want to die, I want this feeling to stop",
        "I\u2019m not suicidal, just exhausted",
        "Suicidal? No.",
        "Killing myself is not an option",
        "Ending my life has never crossed my mind",
        "No thoughts of self-harm today",
        "I have no intention of hurting myself",
        "I no longer want to die",
        "I've stopped wanting to die",
        "Two weeks without self harm",
        "I never said I wanted to die",
        "no quiero morirme, quiero que mi vida cambie",
        "No estoy pensando en suicidarme, solo estoy agotada.",
        "no pienso matarme, tranquilo",
        "nunca me haría daño",
        "Mi psicóloga y yo celebramos un año sin autolesiones",
        "dejé de cortarme hace dos años",
        "that exam made me want to unalive myself lol jk",
        "My old journal is full of goodbye letters I never sent.",
    ],
)
def test_negated_statements_do_not_fire(text: str) -> None:
    assert safety.detect(text) is None, safety.detect(text)


@pytest.mark.parametrize(
    "text",
    [
        "I can't promise I won't hurt myself",
        "I'm not sure I won't hurt myself tonight",
        "I'm not okay and I want to die",
        "I'm not okay. I want to die.",
        "I can't take this anymore I want to die",
        "I don't know why I want to die",
        "I'm not gonna lie I want to die",
        "No, I want to die",
        "I want to die, I'm not even joking",
        "I can't tell anyone I want to die",
        "nobody knows I cut myself",
        "Do I want to die? Yes.",
        "I'm not suicidal, I just want to disappear forever",
        "no sé por qué quiero morirme",
        "no puedo más, me quiero matar",
        "I want to die lol",  # decided: people hide what they mean behind "lol"
    ],
)
def test_a_nearby_no_that_does_not_negate_keeps_the_alarm(text: str) -> None:
    assert safety.detect(text) is not None


# --- idioms, sadness, and what is decided ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "this deadline is killing me",
        "I could kill for a coffee",
        "dying to see you",
        "killed it at work",
        "I'm dead tired",
        "my phone died",
        "I'm killing myself trying to keep everyone happy",
        "I cut myself some slack today",
        "I shot myself in the foot",
        "I'd rather die than sing karaoke",
        "I overdosed on chocolate",
        "I'm hanging in there",
        # Decided: "dying inside" is a figure for heartache, not a wish to die.
        "He didn't text back and I feel like dying inside",
        "it feels like I'm dying when she pulls away",
        "my grandmother died last spring",
        "this commute is killing me",
        "he's killing himself at the gym",
        "I'm going to end it with him tonight",
        "I can't go on like this, something has to change",
        "I'm so tired of living in this flat",
        "cutting back on sugar again",
        "got my hair cut again",
        "relapsed on chocolate last night",
        "this is my last week at the job",
        "my exam covers overdose management and suicide risk assessment",
        "me muero de risa con tus audios",
        "me muero de ganas de verte",
        "me quiero morir de vergüenza",
        "estoy muerta de cansancio",
        "me mata la espera",
        "me maté estudiando y saqué un 6",
        "este curro me está matando",
        "me corté el dedo picando cebolla",
        "quiero cortarme el pelo",
        "no puedo más con este calor",
        "me voy para siempre a vivir a Chile",
        "hoy tuvimos una capacitación sobre prevención del suicidio",
    ],
)
def test_idioms_and_ordinary_sadness_do_not_fire(text: str) -> None:
    assert safety.detect(text) is None, safety.detect(text)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("kms", "kms"),
        ("i want to kill my self", "kill-myself"),
        ("I want to kil myself", "kill-myself"),
        ("having suicde thoughts", "suicide"),
        ("I'm so sucidal", "suicide"),
        ("feeling suicidal", "suicide"),
        ("I want to unalive", "unalive"),
        ("sewer slide again", "suicide"),
        ("i wanna dieee", "want-to-die"),
        ("kiiiill myself", "kill-myself"),
        ("I\u2019m going to kill myself", "kill-myself"),
        ("i want to die\U0001f62d", "want-to-die"),
    ],
)
def test_misspellings_and_variants_fire(text: str, rule: str) -> None:
    assert safety.detect(text) == safety.Finding("risk", rule)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Quiero morir", "quiero-morir"),
        ("ya no aguanto más, me quiero morir ya", "quiero-morir"),
        ("Esta noche me voy a matar.", "matarme"),
        ("me voi a matar esta noxe", "matarme"),
        ("pienso en quitarme la vida", "quitarme-la-vida"),
        ("volví a cortarme después de seis meses", "cortarme"),
        ("llevo semanas juntando pastillas", "pastillas"),
        ("quiero tirarme del puente", "metodo-es"),
        ("regalé mis cosas esta semana", "regale-mis-cosas"),
    ],
)
def test_spanish_risk_fires(text: str, rule: str) -> None:
    assert safety.detect(text) == safety.Finding("risk", rule)


@pytest.mark.parametrize(
    "text",
    [
        "ojalá no despertara mañana",
        "todos estarían mejor sin mí",
        "no le veo sentido a seguir viviendo",
        "me da igual vivir o morir",
        "estoy cansada de respirar",
    ],
)
def test_spanish_passive_wishes_fire_gently(text: str) -> None:
    assert level(text) == "passive"


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to end it tonight",
        "I have a plan to end it tonight",
        "started cutting again",
        "thinking about cutting again",
        "I cannot go on living like this",
        "planning to ctb next week",
        "60 days clean and I'm about to throw it away",
    ],
)
def test_plans_relapse_and_going_on_fire(text: str) -> None:
    """Misses reported on the first set's rules (issue: the second evaluation set)."""
    assert safety.detect(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "you said you want to die — please call someone",
        "Are you thinking of hurting yourself? Are you thinking about suicide?",
        "I know you started cutting again. I'm not angry.",
        "If tonight feels like the night you want to die, call me first.",
        "Please stay. I know you're tired of breathing, but I want you here.",
        "You don't have to be ashamed that you self-harmed.",
        "don't you dare kill yourself, I love you",
        "Si tienes un plan para quitarte la vida esta noche, ve a urgencias.",
        "¿Estás pensando en suicidarte? Puedes decírmelo.",
        "amiga, si te vuelven las ganas de cortarte, escríbeme",
        "Cuando dices 'ojalá no despertara', te escucho.",
    ],
)
def test_words_to_someone_else_do_not_fire(text: str) -> None:
    """Decided: support written to another person brings no panel (docs)."""
    assert safety.detect(text) is None, safety.detect(text)


@pytest.mark.parametrize(
    "text",
    [
        "When I was 19 I wanted to die every single day. I'm 34 now.",
        "I used to think everyone would be better off without me.",
        "cuando tenía quince años quería morirme",
    ],
)
def test_a_time_that_is_over_does_not_fire(text: str) -> None:
    assert safety.detect(text) is None, safety.detect(text)


def test_a_you_in_another_clause_does_not_hide_the_writer() -> None:
    assert level("te mando un abrazo, ya no le veo sentido a vivir") == "passive"
    assert level("thank you. I want to die") == "risk"
    assert level("I'm used to wanting to die") == "risk"  # "used to" as "accustomed"


def test_people_other_than_the_writer_are_met_gently() -> None:
    """Decided: someone else's words still bring the panel, as "passive" (docs)."""
    assert safety.detect("my friend said she wanted to die") == safety.Finding(
        "passive", "want-to-die"
    )
    assert level("My cousin died by suicide last year") == "passive"
    assert level("her brother killed himself") == "passive"
    assert level("he told me to kys") == "passive"
    assert level("kys?") == "passive"
    # The writer's own words stay "risk", even when another person is mentioned.
    assert level("he told me to kill myself") == "risk"
    assert level("she left and I want to die") == "risk"
    assert level("Mi hermano intentó suicidarse el año pasado") == "passive"
    # Spanish says who on the verb: someone else's "se quiere morir" is not read at all.
    assert safety.detect("mi amiga dice que se quiere morir") is None


def test_risk_outranks_passive_in_one_text() -> None:
    text = "Everyone would be better off without me. I'm going to end my life."
    assert safety.detect(text) == safety.Finding("risk", "end-my-life")
    assert safety.detect_any(["everyone would be better off without me", None, "kms"]) == (
        safety.Finding("risk", "kms")
    )
    assert safety.detect_any([None, "", "a calm day"]) is None
    assert safety.detect(None) is None and safety.detect("") is None


# --- speed --------------------------------------------------------------------------------


def best_seconds(text: str, runs: int = 15) -> float:
    safety.detect(text)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        safety.detect(text)
        best = min(best, time.perf_counter() - start)
    return best


PATHOLOGICAL = {
    "one letter": "a" * 20_000,
    "negations then a phrase": "not " * 4997 + "kill myself",
    "an anchor repeated": "kill " * 4000,
    "long gaps between words": "bridge " * 2857,
    "phrases never finished": "i want to " * 2000,
    "unfinished passive phrases": "nobody would care if i " * 869,
    "stretched letters": "di" + "i" * 1997 + "e",
    "marks only": "?!.,;:" * 3333,
    "non-ASCII": ("I\u2019m \U0001f62d fine\u2014 " * 1200)[:20_000],
    "every letter accented": "\u00e9" * 20_000,
    "accents and marks": ("¿Aguanté más? ¡Sí! " * 1100)[:20_000],
    "Spanish phrases never finished": "ya no quiero " * 1538,
    "an anchor of many rules repeated": "again " * 3333,
}


# Not a timing goal (those live in bench/crisis_eval.py, against a floor measured in the
# same run): a guard against catastrophic backtracking, which turns a millisecond into
# seconds. The bound is fifty times the bench's figures, so a busy CI machine cannot trip it.
BACKTRACKING_GUARD = 0.05


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_cannot_backtrack_catastrophically(name: str) -> None:
    text = PATHOLOGICAL[name]
    assert len(text) <= 20_000
    assert best_seconds(text) < BACKTRACKING_GUARD, name


def test_a_20000_character_entry_is_read_without_backtracking() -> None:
    entry = (LONG_ENTRY.read_text(encoding="utf-8") * 9)[:20_000]
    assert safety.detect(entry) is None
    assert best_seconds(entry) < BACKTRACKING_GUARD


def test_importing_and_detecting_stay_light_for_the_quick_path() -> None:
    code = (
        "import sys; from earned import safety; "
        "assert safety.detect('I want to kill myself').rule == 'kill-myself'; "
        "print(','.join(m for m in ('tomllib', 'typing', 'sqlalchemy', 'unicodedata')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


# --- no words kept ----------------------------------------------------------------------------


def test_a_finding_carries_no_words() -> None:
    text = "On Tuesday by the harbour I want to kill myself"
    found = safety.detect(text)
    assert found is not None
    assert safety.Finding.__slots__ == ("level", "rule")
    assert not hasattr(found, "__dict__")  # slots: nothing else can be attached
    assert found.rule in RULES.by_id and found.level in safety.LEVELS
    for word in ("tuesday", "harbour", "want"):
        assert word not in repr(found).lower()
    with pytest.raises(AttributeError):
        found.rule = text
    with pytest.raises(AttributeError):
        found.words = text  # type: ignore[attr-defined]
    assert found == safety.Finding("risk", "kill-myself") and hash(found) == hash(
        safety.Finding("risk", "kill-myself")
    )
    assert found != ("risk", "kill-myself")


def test_the_module_has_no_logging_or_network() -> None:
    source = Path(safety.__file__).read_text(encoding="utf-8")
    for name in ("logging", "socket", "urllib", "http", "print("):
        assert name not in source, name
