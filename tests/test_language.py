"""The language audit: no user-facing text shames, labels or speaks in absolutes.

The rules are earned/content/language_audit.toml (read by earned.language). This file
collects what a person can read, from every place it lives:

- every TOML file under earned/content/ (values only, not keys or comments), except the
  files the rules list as never shown (the rules themselves);
- every template under earned/web/templates/: text between tags, the attributes a person
  sees or hears (aria-label, title, placeholder, alt, …) and string literals inside Jinja
  expressions ({{ "Your tools" if calm else … }}); Jinja comments are skipped;
- Python: every string literal in earned/cli/, earned/errors.py and earned/web/ (their
  text is shown as it is; docstrings excluded), and everywhere else in earned/ the strings
  passed to EarnedError(...) and its subclasses, print(...) and the CLI's say(...);
- string literals in the page scripts under earned/web/static/ (not the vendored htmx).

Validated questionnaire wording (earned/instruments/*.toml) is reproduced exactly and is
not audited.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import pytest

from earned import language

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "earned"
CONTENT = PACKAGE / "content"
TEMPLATES = PACKAGE / "web" / "templates"
STATIC = PACKAGE / "web" / "static"

# Attributes whose value is read or heard by a person.
SHOWN_ATTRS = {"aria-label", "aria-description", "aria-valuetext", "title", "placeholder", "alt"}
# Python files whose every string literal is user-facing text.
WHOLE_FILES = ("cli/", "errors.py", "web/")
# Calls whose string arguments are shown to the person; EarnedError's subclasses (found in
# the source, wherever they are defined) are added to these.
SHOWN_CALLS = {"EarnedError", "print", "say"}

Text = tuple[str, str]  # (where it is, what it says)


# --- collecting user-facing text ----------------------------------------------------------


def _rel(path: Path) -> str:
    """The path as the report shows it: from the repository root when it is inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def _values(value: Any, key: str) -> Iterator[Text]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, inner in value.items():
            yield from _values(inner, f"{key}.{name}" if key else name)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _values(inner, f"{key}[{i}]")


def toml_texts(folder: Path = CONTENT) -> list[Text]:
    excluded = set(language.rules().excluded)
    out: list[Text] = []
    for path in sorted(folder.glob("*.toml")):
        if path.name in excluded:
            continue
        data = tomllib.loads(path.read_text("utf-8"))
        out.extend((f"{_rel(path)}:{key}", text) for key, text in _values(data, ""))
    return out


class _Shown(HTMLParser):
    """Text nodes (outside script/style) and the shown attributes of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden_depth += 1
        for name, value in attrs:
            if value and name in SHOWN_ATTRS:
                self.found.append(value)
            if value and name == "value" and dict(attrs).get("type") in ("submit", "button"):
                self.found.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth and data.strip():
            self.found.append(data)


def template_texts(folder: Path = TEMPLATES) -> list[Text]:
    env = jinja2.Environment(autoescape=True)
    out: list[Text] = []
    for path in sorted(folder.rglob("*.html")):
        where = _rel(path)
        html: list[str] = []
        for lineno, kind, value in env.lex(path.read_text("utf-8")):
            if kind == "data":
                html.append(value)
            elif kind == "string":
                out.append((f"{where}:{lineno}", value))
            elif kind in ("variable_begin", "block_begin"):
                html.append(" ")  # an expression stands between two pieces of text
        reader = _Shown()
        reader.feed("".join(html))
        reader.close()
        out.extend((where, text) for text in reader.found)
    return out


def _literal(node: ast.expr) -> str | None:
    """A string constant, or an f-string with its {fields} shown as "…"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "…"
            for v in node.values
        )
    return None


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and _literal(body[0].value) is not None:
                ids.add(id(body[0].value))
    return ids


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _strings_in(node: ast.AST) -> Iterator[str]:
    """String literals in an expression (implicit concatenation, ternaries, f-strings)."""
    parts = {id(v) for n in ast.walk(node) if isinstance(n, ast.JoinedStr) for v in n.values}
    for inner in ast.walk(node):
        if isinstance(inner, ast.expr) and id(inner) not in parts:
            text = _literal(inner)
            if text is not None:
                yield text


def _error_classes(trees: list[ast.Module]) -> set[str]:
    """EarnedError and every class that derives from it, directly or not."""
    names = {"EarnedError"}
    classes = [n for tree in trees for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    grew = True
    while grew:
        grew = False
        for c in classes:
            bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in c.bases}
            if c.name not in names and bases & names:
                names.add(c.name)
                grew = True
    return names


def python_texts(folder: Path = PACKAGE) -> list[Text]:
    out: list[Text] = []
    paths = sorted(folder.rglob("*.py"))
    trees = [ast.parse(path.read_text("utf-8")) for path in paths]
    shown_calls = SHOWN_CALLS | _error_classes(trees)
    for path, tree in zip(paths, trees, strict=True):
        rel = path.relative_to(folder).as_posix()
        where = _rel(path)
        docs = _docstrings(tree)
        if rel.startswith(WHOLE_FILES):
            inside_fstring = {
                id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values
            }
            for node in ast.walk(tree):
                if not isinstance(node, ast.expr) or id(node) in docs | inside_fstring:
                    continue
                text = _literal(node)
                if text is not None:
                    out.append((f"{where}:{node.lineno}", text))
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) in shown_calls:
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    out.extend((f"{where}:{node.lineno}", t) for t in _strings_in(arg))
    return out


JS_STRING = re.compile(r""""((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`""")


def script_texts(folder: Path = STATIC) -> list[Text]:
    out: list[Text] = []
    for path in sorted(folder.glob("*.js")):
        if path.name.endswith(".min.js"):  # vendored (htmx), not our words
            continue
        source = path.read_text("utf-8")
        source = re.sub(r"^\s*//.*$", "", source, flags=re.M)  # whole-line comments
        for m in JS_STRING.finditer(source):
            text = next(g for g in m.groups() if g is not None)
            line = source.count("\n", 0, m.start()) + 1
            out.append((f"{_rel(path)}:{line}", text))
    return out


def all_texts() -> list[Text]:
    return toml_texts() + template_texts() + python_texts() + script_texts()


def report(texts: list[Text]) -> list[str]:
    return [
        f"{where}: {f.matched!r} ({f.rule}: {f.why})\n    in: {f.text[:160]}"
        for where, text in texts
        for f in language.audit(text, source=where.split(":")[0])
    ]


# --- the audit ------------------------------------------------------------------------------


def test_no_user_facing_text_shames_labels_or_speaks_in_absolutes() -> None:
    problems = report(all_texts())
    assert not problems, "Reword (or, for app behaviour, allow the exact phrase):\n" + "\n".join(
        problems
    )


def test_every_allowance_still_excuses_something() -> None:
    used = language.used_allowances([(w.split(":")[0], t) for w, t in all_texts()])
    stale = [a.phrase for a in language.rules().allowed if a.phrase not in used]
    assert not stale, f"allowed phrases that excuse nothing any more: {stale}"


def test_the_collectors_reach_every_kind_of_text() -> None:
    # If a collector silently found nothing, the audit above would pass vacuously.
    def has(texts: list[Text], where: str, snippet: str) -> bool:
        return any(w.startswith(where) and snippet in t for w, t in texts)

    tomls, pages, code, scripts = toml_texts(), template_texts(), python_texts(), script_texts()
    assert has(tomls, "earned/content/crisis.toml", "Continue where I was")
    assert has(tomls, "earned/content/pacing.toml", "numbers and charts are resting")
    assert not has(tomls, "earned/content/language_audit.toml", "")
    assert has(pages, "earned/web/templates/base.html", "Get help now")
    toolkit = "earned/web/templates/regulate/toolkit.html"
    assert has(pages, toolkit, "e.g. cold water")  # a placeholder
    assert has(pages, toolkit, "Your tools")  # a string in a Jinja expression
    assert not has(pages, "earned/web/templates/safety/_calm_note.html", "Shown instead")
    assert has(code, "earned/errors.py", "does not unlock this journal")
    assert has(code, "earned/cli/capture.py", "how strong it is, 0 to 10")  # argparse help
    assert has(code, "earned/web/routes/data.py", "Please choose one of the listed regions.")
    assert has(code, "earned/store/keys.py", "restore it from a backup")  # EarnedError(...)
    assert has(code, "earned/store/sqlcipher.py", "is not an earned journal")  # a subclass
    assert has(scripts, "earned/web/static/earned.js", "Take your time.")
    assert not any(w.startswith("earned/instruments/") and w.endswith(".toml") for w, _ in code)


# --- the auditor can fail -------------------------------------------------------------------

PLANTED = [
    ("You failed again.", "failure"),
    ("Oh no, you broke your streak!", "streak"),
    ("You missed 3 days this week.", "missed"),
    ("A hard week and you lost your progress.", "lost-progress"),
    ("You should have waited before texting.", "should-have"),
    ("You always push people away.", "always"),
    ("You will never be secure.", "never"),
    ("You’re anxious, so you text too much.", "label-person"),
    ("As an avoidant type you pull back.", "label-type"),
    ("That sounds needy.", "needy-clingy"),
    ("Only weak people need reassurance.", "weak"),
    ("That reaction was crazy.", "insult"),
    ("Something in you is broken.", "broken"),
    ("This points to a personality disorder.", "disorder"),
    ("Your diagnosis: fearful attachment.", "diagnosis"),
    ("You are addicted to his attention.", "addict"),
    ("This week was a relapse.", "relapse"),
]


@pytest.mark.parametrize(("sentence", "rule"), PLANTED)
def test_the_auditor_flags_a_planted_sentence(sentence: str, rule: str) -> None:
    assert rule in [f.rule for f in language.audit(sentence)]


def test_an_allowed_phrase_excuses_only_itself() -> None:
    assert language.audit("This is not a diagnosis.") == []
    # The same word outside the allowed phrase in the same sentence is still found.
    found = language.audit("This is not a diagnosis, but your diagnosis is clear.")
    assert [f.matched for f in found] == ["diagnosis"]
    # A word-level allowance does not reach inside longer words or other files.
    assert language.audit("needy", source="earned/content/emotions.toml") == []
    assert [f.rule for f in language.audit("needy", source="earned/content/moment.toml")] == [
        "needy-clingy"
    ]


def test_ordinary_warm_sentences_pass() -> None:
    for sentence in (
        "You acted on it after 4 minutes, and that is all right. This is information.",
        "Heartbroken, and still here.",
        "Dips on the way are normal and part of the work.",
        "Nothing here is a diagnosis.",
    ):
        assert language.audit(sentence) == [], sentence


def test_planted_text_in_each_kind_of_file_is_caught(tmp_path: Path) -> None:
    (tmp_path / "words.toml").write_text('[page]\nintro = "You failed to practise."\n')
    (tmp_path / "page.html").write_text(
        '{# a comment may say failed #}<p title="Lost your progress">Hi</p>'
        '{{ "you missed a day" if x }}<p>Your streak is over</p>'
    )
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli" / "log.py").write_text(
        'def f():\n    """Docstring: failed."""\n    add("--x", help="You failed")\n'
    )
    other = tmp_path / "domain"
    other.mkdir()
    (other / "thing.py").write_text(
        'x = "failed, but not shown"\nraise EarnedError(f"You are {who} and weak.")\n'
    )
    (tmp_path / "page.js").write_text('// failed in a comment\nel.textContent = "Never again";\n')
    assert [(w, f) for w, f in _rules(toml_texts(tmp_path))] == [
        ("words.toml:page.intro", "failure")
    ]
    assert sorted(f for _w, f in _rules(template_texts(tmp_path))) == [
        "lost-progress",
        "missed",
        "streak",
    ]
    assert [f for _w, f in _rules(python_texts(tmp_path))] == ["failure", "weak"]
    assert [f for _w, f in _rules(script_texts(tmp_path))] == ["never"]


def _rules(texts: list[Text]) -> list[tuple[str, str]]:
    return [
        (where.rsplit("/", 1)[-1], f.rule)
        for where, text in texts
        for f in language.audit(text, source=where.split(":")[0])
    ]
