"""The language audit: shaming, labelling or absolutist phrasing in what earned says.

The rules and the allow-list are data, in earned/content/language_audit.toml, so they are
reviewed like any other words. tests/test_language.py gathers every user-facing string
(content files, templates, CLI output, error messages) and fails on any finding.

A rule is a case-insensitive regular expression. An allowed phrase is exact wording
(e.g. "never sent anywhere", about the app's behaviour) that may contain a rule's match;
a match is only excused when it lies wholly inside such a phrase, so the same word
elsewhere in the sentence is still found. Plain Python, no I/O beyond the rules file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from earned import content

# Typographic quotes and dashes are read as their plain forms, so "you’re" meets "you're".
_PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class Rule:
    id: str
    pattern: re.Pattern[str]
    why: str


@dataclass(frozen=True)
class Allowed:
    phrase: str
    why: str
    where: str | None  # only in sources whose name ends with this (e.g. "emotions.toml")

    def applies_to(self, source: str) -> bool:
        return self.where is None or source.endswith(self.where)

    def spans(self, text: str) -> list[tuple[int, int]]:
        pattern = re.compile(r"(?<!\w)" + re.escape(normalise(self.phrase)) + r"(?!\w)", re.I)
        return [m.span() for m in pattern.finditer(text)]


@dataclass(frozen=True)
class Finding:
    rule: str
    matched: str
    text: str
    why: str


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    allowed: tuple[Allowed, ...]
    excluded: tuple[str, ...]  # content files that are not shown to anyone (with reasons)


def normalise(text: str) -> str:
    """One line, plain quotes and dashes, single spaces."""
    return " ".join(text.translate(_PLAIN).split())


@cache
def rules() -> Rules:
    """The reviewed rule set from language_audit.toml (loaded once)."""
    raw = content.load("language_audit")
    return Rules(
        rules=tuple(
            Rule(r["id"], re.compile(r["pattern"], re.IGNORECASE), r["why"]) for r in raw["rules"]
        ),
        allowed=tuple(Allowed(a["phrase"], a["why"], a.get("where")) for a in raw["allow"]),
        excluded=tuple(e["file"] for e in raw.get("exclude", [])),
    )


def audit(text: str, *, source: str = "", ruleset: Rules | None = None) -> list[Finding]:
    """Every rule match in `text` that no allowed phrase (for `source`) covers."""
    current = ruleset or rules()
    plain = normalise(text)
    covered = [span for a in current.allowed if a.applies_to(source) for span in a.spans(plain)]
    found: list[Finding] = []
    for rule in current.rules:
        for m in rule.pattern.finditer(plain):
            start, end = m.span()
            if any(lo <= start and end <= hi for lo, hi in covered):
                continue
            found.append(Finding(rule.id, m.group(0), plain, rule.why))
    return found


def used_allowances(texts: list[tuple[str, str]], *, ruleset: Rules | None = None) -> set[str]:
    """The allowed phrases that excuse at least one match in `texts` ((source, text) pairs).

    An allowance that excuses nothing is stale and should leave the list.
    """
    current = ruleset or rules()
    used: set[str] = set()
    for source, text in texts:
        plain = normalise(text)
        matches = [m.span() for rule in current.rules for m in rule.pattern.finditer(plain)]
        for a in current.allowed:
            if a.phrase in used or not a.applies_to(source):
                continue
            spans = a.spans(plain)
            if any(lo <= s and e <= hi for s, e in matches for lo, hi in spans):
                used.add(a.phrase)
    return used
