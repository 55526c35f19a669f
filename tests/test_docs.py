"""Docs and vendored files stay true to the code."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from earned import cli, instruments
from earned.instruments import norms
from earned.instruments.reliable_change import CRITICAL, s_diff

ROOT = Path(__file__).resolve().parents[1]


def test_vendored_htmx_matches_its_recorded_checksum() -> None:
    table = (ROOT / "earned/web/static/VENDORED.md").read_text()
    recorded = re.search(r"htmx.min.js \| .*? \| 2\.0\.11 \| ([0-9a-f]{64})", table)
    assert recorded is not None
    actual = hashlib.sha256((ROOT / "earned/web/static/htmx.min.js").read_bytes()).hexdigest()
    assert actual == recorded.group(1)


def test_instruments_doc_quotes_the_committed_norms_and_thresholds() -> None:
    doc = (ROOT / "docs/instruments.md").read_text()
    table = norms.load("ecr")
    assert table is not None
    ecr = instruments.load("ecr")
    for sub in ecr.subscales:
        n = table.subscales[sub.id]
        assert (
            f"| {sub.id} | {n.n:,} | {n.mean:.3f} | {n.sd:.3f} | {n.alpha:.3f}".replace("0.9", ".9")
            in doc
        )
        threshold = CRITICAL * s_diff(n.sd, sub.reliability or 0)
        assert f"{threshold:.2f}" in doc


def test_readme_gives_exactly_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Two commands.*?```bash\n(.*?)```", readme, re.S)
    assert block is not None
    commands = [ln for ln in block.group(1).splitlines() if ln.strip()]
    assert [c.split()[0] for c in commands] == ["./scripts/serve", "./scripts/test"]
    assert (ROOT / ".ci/run").read_text().strip().endswith("exec ./scripts/test")


def test_norms_file_records_its_provenance() -> None:
    raw = json.loads((ROOT / "earned/instruments/ecr_norms.json").read_text())
    assert raw["provenance"]["rows_complete"] == 46_610
    assert len(raw["provenance"]["input_sha256"]) == 64


def test_readme_lists_exactly_the_cli_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    section = re.search(r"## Using it\n(.*?)\n## ", readme, re.S)
    assert section is not None, "README.md has no '## Using it' section"
    blocks = re.findall(r"```text\n(.*?)```", section.group(1), re.S)
    assert blocks, "README.md has no ```text block under '## Using it'"
    # Each command is shown as `earned NAME ...`, at the start of a line or after a gap of
    # two or more spaces (several short ones share a line), in any of the section's blocks.
    listed = re.findall(r"(?:^|\s{2})earned ([a-z][a-z-]*)", "\n".join(blocks), re.M)
    assert len(listed) == len(set(listed)), f"listed twice: {sorted(listed)}"
    assert set(listed) - set(cli.COMMAND_MODULES) == set(), "README lists commands earned lacks"
    assert set(cli.COMMAND_MODULES) - set(listed) == set(), "README leaves commands out"
