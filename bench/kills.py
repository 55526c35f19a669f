"""Benchmark: hundreds of SIGKILLs while the CLI and the web app write to one journal.

Runs the harness of tests/support/kills.py at size: CLI writers (`earned log`, `wait`,
`edit`) in a loop and a real `earned serve` taking form posts (captures, reflections,
notes, urge timers, edits) with a valid session and CSRF token, while a killer sends
SIGKILL at random moments to a CLI writer, the server, the key agent or all of them. After
every kill the journal is opened with its key: every acknowledged write (exit 0 with its
confirmation, or the 303 that follows a save) must be there, and `PRAGMA integrity_check`
and `PRAGMA cipher_integrity_check` must be clean. It prints the kills, the acknowledged
writes, the writes checked, the lost writes, the integrity results and the wall time.

    uv run python bench/kills.py [--kills 300] [--seed 7] [--cli-writers 2] [--web-writers 2]
                                 [--real-kdf]

Exits 1 on any lost write, any damage, or any unexpected answer (a 5xx, a CLI error, a
hang). The journal is made with the suite's cheap key derivation unless --real-kdf is
given (the quick commands fall back to the passphrase while the agent is dead, so the
real cost mostly slows the run). Bytecode is compiled first, as in an installed copy.
This is a script, not a test: 300 kills take several minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
from capture import compile_bytecode  # noqa: E402 - bench/ is not a package
from journal import PASSPHRASE  # noqa: E402


def say(text: str = "") -> None:
    print(text, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=300, help="SIGKILLs to send (default 300)")
    parser.add_argument("--seed", type=int, default=7, help="random seed for targets and gaps")
    parser.add_argument("--cli-writers", type=int, default=2, help="CLI writer loops")
    parser.add_argument("--web-writers", type=int, default=2, help="web clients posting forms")
    parser.add_argument(
        "--gap", type=float, nargs=2, default=(0.3, 1.5), metavar=("MIN", "MAX"),
        help="seconds between kills, drawn uniformly (default 0.3 1.5)",
    )  # fmt: skip
    parser.add_argument(
        "--real-kdf", action="store_true", help="the real Argon2id cost (default: the suite's)"
    )
    args = parser.parse_args()
    say("earned kill benchmark")
    say(f"  compiling bytecode first ({compile_bytecode():.1f} s)")
    work = Path(tempfile.mkdtemp(prefix="earned-kills-"))
    # The harness and its children find the journal and the agent's folder here.
    for name in [k for k in os.environ if k.startswith("EARNED_")]:
        del os.environ[name]
    os.environ["EARNED_DATA_DIR"] = str(work / "data")
    os.environ["XDG_RUNTIME_DIR"] = str(work)
    if not args.real_kdf:
        os.environ["EARNED_KDF_PROFILE"] = "test"
    try:
        from earned import paths
        from earned.store import personal
        from tests.support.kills import Harness, report

        profile = paths.profile()
        store, key = personal.set_up(profile, PASSPHRASE)
        store.close()
        os.environ.pop("EARNED_KDF_PROFILE", None)  # recorded in the key file from now on
        say(
            f"  {args.kills} kills; {args.cli_writers} CLI writers, {args.web_writers} web "
            f"clients; key derivation: {'real' if args.real_kdf else 'the test suite’s'}"
        )
        harness = Harness(
            profile,
            key,
            PASSPHRASE,
            work,
            seed=args.seed,
            cli_writers=args.cli_writers,
            web_writers=args.web_writers,
            gap=(args.gap[0], args.gap[1]),
        )
        figures = harness.run(args.kills)
        say()
        for line in report(figures):
            say(f"  {line}")
        for problem in [*figures.unexpected, *figures.server_errors][:20]:
            say(f"    {problem}")
        for ack in figures.lost[:20]:
            say(f"    lost: {ack.kind} {ack.marker!r}")
        say()
        say("  result: " + ("PASS" if figures.ok else "FAIL"))
        return 0 if figures.ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
