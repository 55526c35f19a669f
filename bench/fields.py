"""Benchmark: what server mode's field encryption costs when reading moments.

Writes the same 1,000 activations (trigger, urge, what I did, a pattern sentence, tags and
emotion words each: six sealed values a row) into two fresh SQLCipher files, one without a
key ring (personal mode: plain values) and one with a ring installed (all sealed), then
times reading all of them back through the store (`activations.list_activations`), the
median of --runs reads each (alternated), and prints the ratio.

    uv run python bench/fields.py [--rows 1000] [--runs 25]

Takes about 15 s on a busy machine. Also printed: the write of the 1,000 rows, each way.
Measured (2 shared cores, 2026-11-30): 34.5 ms plain, 53.5 ms sealed: x1.55, about
3-4 µs per sealed value (AES-GCM, base64 and the key-id check).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from earned.episodes import Pattern  # noqa: E402
from earned.store import Store, activations, fields  # noqa: E402

SEALED = 6  # sealed values per activation
START = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
TRIGGER = "He read my message at nine and still has not answered; the two ticks stayed blue."
URGE = "Send another message asking if everything is all right between us."
ACTION = "Put the phone in the drawer, made tea and breathed out slowly for a few minutes."
PATTERN = Pattern(
    feeling="anxious",
    situation="a message read and not answered",
    interpretation="a sign he is pulling away",
    fear="being left",
    urge="send another message",
)


def fill(store: Store, rows: int) -> float:
    began = time.perf_counter()
    with store.session() as s:
        for n in range(rows):
            made = activations.log_activation(
                session=s,
                intensity=1 + n % 10,
                now=START + timedelta(hours=n),
                trigger=f"{TRIGGER} ({n})",
                urge=URGE,
                tags=["work", "evening"],
                emotions=["anxious", "lonely", "hurt"],
            )
            activations.update_details(
                session=s,
                activation_id=made.id,
                now=START + timedelta(hours=n, minutes=5),
                action=ACTION,
                pattern=PATTERN,
            )
    return time.perf_counter() - began


def read_once(store: Store, ring: fields.Ring | None, rows: int) -> float:
    with fields.installed(ring):
        began = time.perf_counter()
        with store.session() as s:
            found = activations.list_activations(session=s, limit=rows)
        took = time.perf_counter() - began
    assert len(found) == rows and found[-1].trigger is not None
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000, help="activations written and read")
    parser.add_argument("--runs", type=int, default=25, help="timed reads of each")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="earned-fields-"))
    ring = fields.Ring("k1", {"k1": os.urandom(32)})
    labels = {None: "no ring (personal mode)", ring: "ring installed"}
    stores = {}
    wrote = {}
    try:
        for installed in labels:
            store = Store.personal(work / f"{installed is not None}.db", os.urandom(32))
            stores[installed] = store
            with fields.installed(installed):
                wrote[installed] = fill(store, args.rows)
        took: dict[fields.Ring | None, list[float]] = {k: [] for k in labels}
        for run in range(args.runs + 2):  # alternated, so the machine's load hits both alike
            for installed, store in stores.items():
                seconds = read_once(store, installed, args.rows)
                if run >= 2:  # the first two warm caches and compiled statements
                    took[installed].append(seconds)
    finally:
        for store in stores.values():
            store.close()
    print(f"{args.rows} activations, 6 sealed values each, SQLCipher; median of {args.runs}")
    median = {k: statistics.median(v) for k, v in took.items()}
    for installed, label in labels.items():
        print(
            f"  {label:<24} read {median[installed] * 1000:7.1f} ms"
            f"   (write {wrote[installed] * 1000:7.0f} ms)"
        )
    plain, sealed = median[None], median[ring]
    per_value = (sealed - plain) / (SEALED * args.rows) * 1e6
    print(f"  ratio sealed / plain: x{sealed / plain:.2f}  (+{per_value:.1f} µs per sealed value)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
