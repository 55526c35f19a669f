"""Derive the ECR norm table from ../shared/data/ecr-openpsychometrics/data.csv.

Writes earned/instruments/ecr_norms.json: per subscale the number of complete
responses, mean, SD, Cronbach's alpha and the count at each raw total. No raw
response is copied. Run: uv run python scripts/build_norms.py [path/to/data.csv]
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

from earned import instruments
from earned.instruments import norms

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "ecr-openpsychometrics" / "data.csv"
OUT = ROOT / "earned" / "instruments" / "ecr_norms.json"


def read_rows(path: Path) -> list[dict[int, int]]:
    with path.open(newline="") as handle:
        return [{n: int(row[f"Q{n}"]) for n in range(1, 37)} for row in csv.DictReader(handle)]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    rows = read_rows(path)
    table = norms.build(instruments.load("ecr"), rows)
    table = {
        "instrument": "ecr",
        "source": (
            "Open Psychometrics ECR responses, file ECR-data-1March2018 "
            "(mirror github.com/haghish/openpsychometrics at 5c97a7e); "
            "used for research and education, raw rows not redistributed."
        ),
        "provenance": {
            "script": "scripts/build_norms.py",
            "input_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "rows_read": len(rows),
            "rows_complete": table["n_complete"],
        },
        "subscales": table["subscales"],
    }
    OUT.write_text(json.dumps(table, indent=1) + "\n", "utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} from {table['provenance']['rows_complete']} responses")


if __name__ == "__main__":
    main()
