"""Write earned/content/crisis_rules.json, the snapshot of crisis_rules.toml the app reads.

The TOML file is the rule set people read and edit; the JSON copy exists only because
json is already loaded on the quick CLI path and tomllib is not (~5 ms). It leaves out
the examples (test data) and adds the precomputed lookups (safety.Rules.index). Every
pattern is compiled first, so a broken rule fails here. tests/test_safety.py fails while
the two files disagree. Run: uv run python scripts/build_crisis_rules.py
"""

from __future__ import annotations

from earned import safety


def main() -> None:
    text = safety.snapshot(safety.RULES_TOML.read_text(encoding="utf-8"))
    safety.RULES_JSON.write_text(text, encoding="utf-8")
    print(f"wrote {safety.RULES_JSON.name} from {safety.RULES_TOML.name}")


if __name__ == "__main__":
    main()
