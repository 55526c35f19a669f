"""Crisis language detection: does something a person wrote suggest they may be in danger?

A transparent rule set, kept as data in earned/content/crisis_rules.toml (read that file
for what is looked for and why; docs/crisis-language.md for how well it does). `detect`
answers with the level and the id of the rule that fired, never with the words: callers
show the calm care panel, keep the text exactly as written, and neither store nor log
what matched. This is not a risk assessment: it misses things, and fires on some sadness.

English and Spanish: accents fold to their letters, and whose words they are is read
from the words before a phrase (the writer's own, someone else's, or said to the person
written to, which brings no finding).

Costs (bench/crisis_eval.py): importing loads only modules the quick CLI path already
has (~0.45 ms with bytecode); unicodedata is imported only for non-ASCII text. The first
`detect` reads the JSON snapshot of the rules, index included (~1 ms; tomllib alone
would add ~5 ms); each rule's patterns compile when its anchors first appear (~2.5 ms
when a text first fires, mostly the idiom and negation patterns). A call then takes
~0.1 ms for a 2,000-character entry and ~0.55 ms for 20,000 characters of ordinary
prose (Spanish adds ~0.1 ms for folding accents); no input backtracks badly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache, cached_property
from pathlib import Path

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal

    Level = Literal["risk", "passive"]
    Search = tuple[str, str, int, bool]  # see _search

CONTENT = Path(__file__).with_name("content")
RULES_TOML = CONTENT / "crisis_rules.toml"
RULES_JSON = CONTENT / "crisis_rules.json"
LEVELS = ("risk", "passive")  # most severe first

# Normalising works on ASCII bytes: str.translate with a table that inserts characters
# leaves CPython's fast path (~1 ms for 20,000 characters; this way takes ~25 µs).
# Apostrophes vanish (don't -> dont), sentence marks become words, other symbols spaces.
_SYMBOLS = b'"#$%&()*+-/<=>@[\\]^_{|}~\t\r\n\f\v'
_TO_SPACE = bytes.maketrans(_SYMBOLS, b" " * len(_SYMBOLS))
_DROPPED = b"'`"
_MARKS = tuple((bytes([c]), b" " + bytes([c]) + b" ") for c in b".,!?;:")
# Typographic apostrophes vanish and other typographic marks become spaces before the
# ASCII step. Accented letters are then folded to their base letter (NFKD splits "á" into
# "a" + a combining accent, "ñ" into "n" + a tilde; the ASCII step drops the marks), so
# "más", "aguanté" and "corté" read as "mas", "aguante", "corte". Any other non-ASCII
# character is dropped (an emoji next to a word would otherwise hide it: "die😭"). The
# common marks go by str.replace, the rest by a regex; all of it only for non-ASCII text.
_COMMON = (
    ("\u2019", ""),
    ("\u2018", ""),
    ("\u201c", " "),
    ("\u201d", " "),
    ("\u2014", " "),
    ("\u2013", " "),
    ("\u2026", " . "),
    ("\u00bf", " "),  # Spanish opening marks: "¿ya?" -> " ya?"
    ("\u00a1", " "),
)
_UNI_APOSTROPHES = "[\u2019\u2018\u02bc\u00b4\u2032]"
_UNI_SPACES = (
    "[\u201c\u201d\u201e\u00ab\u00bb\u2014\u2013\u2012\u2212\u2026\u00a0\u2009\u202f\u2028\u2029]"
)
# A rule is searched only within MAX_MATCH characters of each occurrence of one of its
# anchors: no match is longer (tests/test_safety.py checks the examples), so nothing is
# missed. After MAX_HITS occurrences of one anchor the rest of the text is one window.
MAX_MATCH = 100
MAX_HITS = 64
LOOKAHEAD = 40  # past a window's end, so "(?! inside)" after a match near it still sees


class Finding:
    """What fired: how serious ("risk" or "passive") and which rule. Never the words.

    Immutable, with no room for anything else (__slots__). Written out rather than a
    frozen dataclass, which costs ~0.5 ms to create at import on the quick CLI path.
    """

    __slots__ = ("level", "rule")
    level: Level
    rule: str

    def __init__(self, level: Level, rule: str) -> None:
        object.__setattr__(self, "level", level)
        object.__setattr__(self, "rule", rule)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Finding cannot be changed ({name})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return (self.level, self.rule) == (other.level, other.rule)

    def __hash__(self) -> int:
        return hash((self.level, self.rule))

    def __repr__(self) -> str:
        return f"Finding(level={self.level!r}, rule={self.rule!r})"


class _Rule:
    __slots__ = (
        "_fragments",
        "_phrases",
        "_regexes",
        "_single",
        "_words",
        "also",
        "anchors",
        "id",
        "level",
        "patterns",
    )

    def __init__(self, raw: dict[str, Any], fragments: dict[str, str]) -> None:
        self.id: str = raw["id"]
        self.level: Level = raw["level"]
        if self.level not in LEVELS:
            raise ValueError(f"crisis rule {self.id}: level must be one of {LEVELS}")
        self.anchors: tuple[str, ...] = tuple(raw["anchors"])  # a word, or words in a row
        self.also: frozenset[str] = frozenset(raw.get("also", ()))
        self.patterns: list[str] = raw["patterns"]
        if not self.anchors or not self.patterns:
            raise ValueError(f"crisis rule {self.id}: needs anchors and patterns")
        self._fragments = fragments
        self._regexes: list[re.Pattern[str]] | None = None
        self._words: dict[str, Search] | None = None
        self._single: frozenset[str] = frozenset()
        self._phrases: tuple[tuple[frozenset[str], Search], ...] = ()

    def hits(self, present: frozenset[str]) -> list[Search]:
        """How to look for the anchors that may be in a text with these words (see
        `_search`): one-word anchors found, and anchors of several words whose words are
        all there, in a row or not (`_windows` looks). Set operations in C; the lookups
        are worked out on a rule's first use, so loading stays cheap."""
        if self._words is None:
            keys = [_key(a)[0] for a in self.anchors]
            shared = {k for k in keys if keys.count(k) > 1}
            self._words = {a: (a, a, 0, False) for a in self.anchors if " " not in a}
            self._single = frozenset(self._words)
            self._phrases = tuple(
                (frozenset(a.split()), _search(a, shared)) for a in self.anchors if " " in a
            )
        hit = [self._words[w] for w in self._single.intersection(present)]
        hit += [search for words, search in self._phrases if words <= present]
        return hit

    @property
    def regexes(self) -> list[re.Pattern[str]]:
        """The patterns with their fragments filled in, compiled on first use, one each
        (alone, the engine can skip ahead to a literal start much faster)."""
        if self._regexes is None:
            self._regexes = [re.compile(self.source(p)) for p in self.patterns]
        return self._regexes

    def source(self, pattern: str) -> str:
        return _expand(pattern, self._fragments, self.id)


def _search(anchor: str, shared: set[str]) -> Search:
    """How `_windows` looks for an anchor: (the anchor, its key word, how far before the
    key the anchor starts, whether to look for the whole phrase).

    Each str.find that misses reads the whole text (~8 µs for 20,000 characters), so each
    word or phrase is looked for once per text. A phrase is looked for whole (it is rarer
    than its words), unless its key word is shared with another anchor of the rule ("his
    life", "her life") or was already found for another rule: then the key's positions
    are checked with str.startswith.
    """
    key, offset = _key(anchor)
    return (anchor, key, offset, " " in anchor and key not in shared)


def _expand(pattern: str, fragments: dict[str, str], owner: str) -> str:
    if "{" not in pattern:
        return pattern

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in fragments:
            raise ValueError(f"crisis rule {owner}: unknown fragment {{{name}}}")
        return fragments[name]

    return _compiled_text(r"\{([a-z_][a-z0-9_]*)\}").sub(one, pattern)


class Rules:
    """The rule set, ready to run. Patterns are filled in and compiled when first needed,
    which keeps loading cheap (~0.3 ms); `check` compiles everything at once."""

    def __init__(self, data: dict[str, Any]) -> None:
        fragments: dict[str, str] = data["fragments"]
        self.fold_limit = int(data["fold_limit"])
        rules = [_Rule(r, fragments) for r in data["rule"]]
        # Most severe first, file order within a level: the first risk finding ends the search.
        self.rules = sorted(rules, key=lambda r: LEVELS.index(r.level))
        if len({r.id for r in rules}) != len(rules):
            raise ValueError("crisis rules: two rules share an id")
        # Derived lookups, precomputed in the JSON snapshot (see `index`) so that a quick
        # CLI capture does not build them; worked out here when given the TOML data.
        index = data.get("index") or self.index()
        self.gate: frozenset[str] = frozenset(index["gate"])
        self.starts: dict[str, list[int]] = index["starts"]
        neg = data["negation"]
        self.window = int(neg["window"])
        self.negators = frozenset(neg["negators"])
        self.bridge = frozenset(neg["bridge"])
        self.boundaries = frozenset(neg["boundaries"])
        self.first = frozenset(data["person"]["first"])
        self.others = frozenset(data["person"]["others"])
        self.second = frozenset(data["person"]["second"])
        self.sentence_ends = frozenset(".!?;:")
        self._doubt_source = str(neg["doubt"])
        self._after_source = "|".join(f"(?:{p})" for p in neg["after"])
        self._past_source = "|".join(f"(?:{p})" for p in neg["past"])
        self._fragments = fragments
        self.raw = data

    def index(self) -> dict[str, Any]:
        """The lookups `find` uses: `gate`, every word a gate looks at (each word of each
        anchor, each `also` word); `starts`, keyed by the longest word of each anchor (a
        stand-in for its rarest, see _key), the positions in `rules` of the rules that
        anchor may start."""
        gate: set[str] = set()
        starts: dict[str, list[int]] = {}
        for position, rule in enumerate(self.rules):
            gate.update(rule.also)
            for anchor in rule.anchors:
                gate.update(anchor.split())
                positions = starts.setdefault(_key(anchor)[0], [])
                if position not in positions:
                    positions.append(position)
        return {"gate": sorted(gate), "starts": dict(sorted(starts.items()))}

    @cached_property
    def idioms(self) -> list[tuple[str, str]]:
        """(id, pattern with fragments filled in) for each [[idiom]]."""
        fill = self._fragments
        return [(i["id"], _expand(i["pattern"], fill, i["id"])) for i in self.raw["idiom"]]

    def check(self) -> None:
        """Fill in and compile every pattern now: a broken one raises (re.error, ValueError)."""
        for rule in self.rules:
            _ = rule.regexes
        sources = (self._doubt_source, self._after_source, self._past_source, self._idiom_source)
        for source in sources:
            re.compile(source)

    @property
    def by_id(self) -> dict[str, _Rule]:
        return {r.id: r for r in self.rules}

    @cached_property
    def doubt(self) -> re.Pattern[str]:
        return re.compile(self._doubt_source)

    @cached_property
    def after(self) -> re.Pattern[str]:
        return re.compile(self._after_source)

    @cached_property
    def past(self) -> re.Pattern[str]:
        return re.compile(self._past_source)

    @cached_property
    def _idiom_source(self) -> str:
        return "|".join(f"(?:{p})" for _id, p in self.idioms)

    @cached_property
    def idiom(self) -> re.Pattern[str]:
        return re.compile(self._idiom_source)

    def find(self, text: str) -> Finding | None:
        words = words_of(text, self.fold_limit)
        present = self.gate.intersection(words)
        starts = sorted({i for word in present for i in self.starts.get(word, ())})
        if not starts:
            return None
        # Spaces at both ends: every word, the first and last too, sits between spaces.
        norm = f" {' '.join(words)} "
        seen: dict[str, list[int]] = {}
        found: Finding | None = None
        for index in starts:
            rule = self.rules[index]
            if rule.also and rule.also.isdisjoint(present):
                continue
            hit = rule.hits(present)
            if not hit:
                continue
            if found is not None and rule.level == "passive":
                return found  # every risk rule has been tried; a passive finding stands
            windows = _windows(norm, hit, seen)
            for regex in rule.regexes:
                for low, high in windows:
                    for m in regex.finditer(norm, low, high):
                        start, end = m.span()
                        if not self._counts(norm, start, end):
                            continue
                        whose = self._whose(norm, start, end)
                        if whose == "you":
                            continue  # said to someone: "you said you want to die, call me"
                        if rule.level == "risk" and whose == "self":
                            return Finding("risk", rule.id)
                        # About someone else, or passive: gentle; only risk can outrank it.
                        found = found or Finding("passive", rule.id)
                        if rule.level == "passive":
                            return found
        return found

    def _counts(self, norm: str, start: int, end: int) -> bool:
        """A match on word boundaries, not inside an idiom, not negated, not long past."""
        if norm[start - 1] != " " or norm[end] != " ":
            return False
        return not (
            self._negated(norm, start, end)
            or self._in_idiom(norm, start, end)
            or self._past(norm, start)
        )

    def _in_idiom(self, norm: str, start: int, end: int) -> bool:
        # An idiom overlapping the match starts at most a few words before it.
        for m in self.idiom.finditer(norm, max(0, start - 60), end + MAX_MATCH):
            s, e = m.span()
            if s < end and e > start and norm[s - 1] == " ":
                return True
        return False

    def _before(self, norm: str, start: int) -> list[str]:
        # 16 characters a word is plenty; a cut first word is never read (window).
        return norm[max(0, start - 16 * self.window) : start].split()[-self.window :]

    def _negated(self, norm: str, start: int, end: int) -> bool:
        """A "not" before the phrase, joined to it only by small words; or a denial after.

        "I would never hurt myself" and "suicidal? no" are negated; "I can't promise I
        won't hurt myself" and "I can't sleep, I want to die" are not.
        """
        before = self._before(norm, start)
        for k in range(len(before) - 1, -1, -1):
            word = before[k]
            if word == "," and before[k + 1 : k + 2] == ["ever"]:
                continue  # "I would never, ever hurt myself"
            if word in self.boundaries:
                break
            if word in self.negators:
                return not self.doubt.search(" ".join(before[max(0, k - 4) : k]))
            if word not in self.bridge:
                break
        return self.after.match(norm, end, end + 60) is not None

    def _past(self, norm: str, start: int) -> bool:
        """The phrase's clause opens with a time that is over: "when I was 19 I wanted to
        die", "I used to think they'd be better off without me" (docs: recovered history)."""
        clause: list[str] = []
        for word in reversed(self._before(norm, start)):
            if word in self.boundaries:
                break
            clause.append(word)
        return bool(clause) and self.past.search(" ".join(reversed(clause))) is not None

    def _whose(self, norm: str, start: int, end: int) -> str:
        """Whose the phrase is: "self" when it has "I/me/my", or when the nearest person
        before it in its sentence is the writer or nobody; "other" when that person is
        someone else ("my son said he wants to die"); "you" when it is the person written
        to, in the same clause ("you said you want to die, call me"), unless the phrase
        itself says "you" ("kill yourself": words someone said to the writer).

        "You" is read only within the clause because Spanish leaves the writer unsaid:
        in "te mando un abrazo, ya no le veo sentido a vivir" the "te" is not the subject.
        """
        said = norm[start:end].split()
        if not self.first.isdisjoint(said):
            return "self"
        addressed = self.second.isdisjoint(said)  # a "you" before may be the one written to
        for word in reversed(self._before(norm, start)):
            if word in self.sentence_ends or word in self.first:
                return "self"
            if word in self.others:
                return "other"
            if addressed and word in self.second:
                return "you"
            if word in self.boundaries:
                addressed = False
        return "self"


def _windows(
    norm: str, searches: list[Search], seen: dict[str, list[int]]
) -> list[tuple[int, int]]:
    """The merged character ranges of `norm` to search for a rule with these anchors.

    Each word or phrase is found once per text with str.find (C speed) and its positions
    kept in `seen` for the other rules; where a phrase is found by its key word, it is
    confirmed with str.startswith at each position.
    """
    spans: list[tuple[int, int]] = []
    for anchor, key, offset, whole in searches:
        if whole and key not in seen:
            key, offset = anchor, 0
        if key not in seen:
            seen[key] = _positions(norm, f" {key} ")
        needle = f" {anchor} "
        for at in seen[key]:
            if at < 0:  # past MAX_HITS: the rest of the text is one window
                spans.append((max(0, -at - 1 - offset - MAX_MATCH), len(norm)))
                break
            start = at - offset
            if key == anchor or norm.startswith(needle, start):
                end = start + len(needle) - 1  # the space after the anchor
                spans.append((max(0, start - MAX_MATCH), end + MAX_MATCH + LOOKAHEAD))
    if len(spans) < 2:
        return spans
    spans.sort()
    merged = [spans[0]]
    for low, high in spans[1:]:
        if low <= merged[-1][1]:
            if high > merged[-1][1]:
                merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return merged


@cache
def _key(anchor: str) -> tuple[str, int]:
    """An anchor's longest word (the last of equals: "with life" -> "life"), and where."""
    words = anchor.split()
    key = max(reversed(words), key=len)
    return key, f" {anchor} ".rindex(f" {key} ")


def _positions(norm: str, needle: str) -> list[int]:
    """Where `needle` starts in `norm`; after MAX_HITS, one last entry -(position + 1)."""
    found: list[int] = []
    at = norm.find(needle)
    while at >= 0:
        if len(found) == MAX_HITS:
            found.append(-at - 1)
            break
        found.append(at)
        at = norm.find(needle, at + len(needle) - 1)
    return found


@cache
def _compiled_bytes(source: bytes) -> re.Pattern[bytes]:
    return re.compile(source)


@cache
def _compiled_text(source: str) -> re.Pattern[str]:
    return re.compile(source)


def words_of(text: str, fold_limit: int | None = None) -> list[str]:
    """The normalised words of `text` (see crisis_rules.toml); sentence marks are words too.

    Characters repeated three or more times are folded to one ("soooo" -> "so", "!!!" ->
    "!") only in texts up to `fold_limit` characters (~7 µs per 1,000 characters).
    """
    if not text.isascii():
        for old, new in _COMMON:
            text = text.replace(old, new)
        if not text.isascii():
            # Imported here: ASCII text, most of what is written, never needs it (~0.25 ms).
            import unicodedata

            # One look for the rarer marks first: most non-ASCII text has none left.
            if _compiled_text(_UNI_APOSTROPHES[:-1] + _UNI_SPACES[1:]).search(text):
                text = _compiled_text(_UNI_APOSTROPHES).sub("", text)
                text = _compiled_text(_UNI_SPACES).sub(" ", text)
            # ~0.1 ms for 20,000 characters of Spanish, ~0.4 ms if every one is accented.
            text = unicodedata.normalize("NFKD", text)
    raw = text.encode("ascii", "ignore").lower().translate(_TO_SPACE, _DROPPED)
    if fold_limit is None or len(raw) <= fold_limit:
        raw = _compiled_bytes(rb"(.)\1\1+").sub(rb"\1", raw)
    for mark, spaced in _MARKS:
        raw = raw.replace(mark, spaced)
    return raw.decode("ascii").split()


def normalise(text: str) -> str:
    """The text as the rules see it: `words_of` joined by single spaces."""
    return " ".join(words_of(text, rules().fold_limit))


@cache
def rules() -> Rules:
    """The rule set from the JSON snapshot of crisis_rules.toml; read once per process."""
    return Rules(json.loads(RULES_JSON.read_text(encoding="utf-8")))


def detect(text: str | None) -> Finding | None:
    """The most serious crisis finding in `text`, or None. Pure; never raises on text."""
    if not text:
        return None
    return rules().find(text)


def detect_any(texts: Iterable[str | None]) -> Finding | None:
    """The most serious finding across several fields of one save (a risk one if any)."""
    found: Finding | None = None
    for text in texts:
        finding = detect(text)
        if finding is not None and finding.level == "risk":
            return finding
        found = found or finding
    return found


TEST_ONLY = ("examples", "near_misses")  # in the TOML for reviewers and tests, not the app


def snapshot(toml_text: str) -> str:
    """The JSON snapshot for crisis_rules.toml (scripts/build_crisis_rules.py writes it):
    the same data without the examples and near misses, which only the tests read, and
    with the lookups of `Rules.index` worked out.

    Checks that the rules load and every pattern compiles before anything is written.
    """
    import tomllib

    data = tomllib.loads(toml_text)
    checked = Rules(data)
    checked.check()
    for entry in (*data["rule"], *data["idiom"]):
        for key in TEST_ONLY:
            entry.pop(key, None)
    data["index"] = checked.index()
    # Compact: it is generated, and the quick CLI path parses it (a third faster so).
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n"
