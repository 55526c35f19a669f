"""Benchmark: how long does capturing one moment take, from the shell, in a fresh process?

Times `earned log 5 "..."` on an encrypted journal holding three years of dense data
(with the journal unlocked by `earned unlock`, as a person would have it) against
jrnl 4.6 adding one entry to an encrypted journal with the same number of entries,
and against a floor: `python -c "import sqlite3"`, the least any Python tool that
touches SQLite can cost. All three run interleaved in the same session, each as a
fresh process, after bytecode has been compiled (as in an installed copy).

    uv run python bench/capture.py [--runs 15] [--days 1095] [--per-day 12] [--seed 7]

Goals (issue 3): earned / jrnl <= 0.5 and earned / floor <= 3. Needs network access
once to install jrnl into its own throw-away venv (uv caches the wheels); without it the
jrnl column is reported as unavailable and the floor ratio is still printed.
This is a script, not a test: it takes about a minute.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from journal import EMOTIONS, PASSPHRASE, TAGS, TRIGGERS, URGES, build_earned  # noqa: E402

JRNL_PASSWORD = "bench: jrnl password"
ENTRY = "he didn't answer for 3 hours"


def say(text: str = "") -> None:
    print(text, flush=True)


def run(cmd: list[str], env: dict[str, str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, text=True, capture_output=True, check=False, **kw)  # type: ignore[call-overload,no-any-return]


# --- earned: a journal with three years of dense data --------------------------------------


# --- jrnl 4.6: its own venv, an encrypted journal, a file keyring --------------------------

JRNL_SETUP = """
import json, sys, keyring
from jrnl.config import get_default_config, save_config
from jrnl.encryption import determine_encryption_method_for_writing
config_path, journal_path, password, entries_path = sys.argv[1:5]
config = get_default_config()
config["journals"] = {"default": {"journal": journal_path, "encrypt": True}}
config["encrypt"] = True
config["editor"] = ""
config["highlight"] = False
save_config(config, config_path)
keyring.set_password("jrnl", "default", password)
entries = json.load(open(entries_path, encoding="utf-8"))
text = "".join(f"[{when}] {title}\\n{body}\\n\\n" for when, title, body in entries)
method = determine_encryption_method_for_writing(True)("default", config)
method.password = password
with open(journal_path, "wb") as handle:
    handle.write(method.encrypt(text))
print(type(method).__name__, keyring.get_keyring().__class__.__name__)
"""


def install_jrnl(work: Path, env: dict[str, str]) -> tuple[Path | None, str]:
    uv = shutil.which("uv")
    if uv is None:
        return None, "uv is not on PATH"
    venv = work / "jrnl-venv"
    made = run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], env, timeout=120)
    if made.returncode != 0:
        return None, made.stderr.strip()[-300:]
    installed = run(
        [uv, "pip", "install", "--quiet", "--compile-bytecode", "--python",
         str(venv / "bin" / "python"), "jrnl==4.6", "keyrings.alt"],
        env,
        timeout=300,
    )  # fmt: skip
    if installed.returncode != 0:
        return None, installed.stderr.strip()[-300:]
    return venv, ""


def build_jrnl(venv: Path, work: Path, env: dict[str, str], count: int, seed: int) -> Path:
    import json

    rng = random.Random(seed)
    start = datetime.now() - timedelta(days=count // 12 + 1)
    entries = []
    for n in range(count):
        when = start + timedelta(minutes=n * 24 * 60 // 12 + rng.randrange(0, 100))
        title = rng.choice(TRIGGERS) + "."
        body = "Felt " + ", ".join(rng.sample(EMOTIONS, rng.randrange(1, 4))) + "; urge to "
        body += rng.choice(URGES) + f". Intensity {rng.randrange(0, 11)}. @" + rng.choice(TAGS)
        entries.append((when.strftime("%Y-%m-%d %I:%M:%S %p"), title, body))
    entries_path = work / "jrnl-entries.json"
    entries_path.write_text(json.dumps(entries), encoding="utf-8")
    config = work / "jrnl.yaml"
    journal = work / "jrnl-journal.txt"
    done = run(
        [str(venv / "bin" / "python"), "-c", JRNL_SETUP, str(config), str(journal),
         JRNL_PASSWORD, str(entries_path)],
        env,
        timeout=300,
    )  # fmt: skip
    entries_path.unlink()
    if done.returncode != 0:
        raise RuntimeError(f"jrnl setup failed: {done.stderr.strip()[-500:]}")
    size = journal.stat().st_size
    say(f"  jrnl journal: {count:,} entries, {size:,} bytes ({done.stdout.strip()})")
    check = run(
        [str(venv / "bin" / "jrnl"), "--config-file", str(config), "-n", "1"],
        env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    if check.returncode != 0 or entries[-1][1] not in check.stdout:
        raise RuntimeError(f"jrnl cannot read its journal: {check.stderr.strip()[-500:]}")
    return config


# --- timing ----------------------------------------------------------------------------------


def timed(cmd: list[str], env: dict[str, str], check: Callable[[str, str], bool]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or not check(done.stdout, done.stderr):
        raise RuntimeError(f"{cmd[0]} failed: {done.stdout[-300:]} {done.stderr[-300:]}")
    return elapsed


def sqlcipher_count(work: Path, env: dict[str, str]) -> int:
    """Activations in the earned journal, read back through the store."""
    from sqlalchemy import func, select

    from earned import paths
    from earned.store import personal
    from earned.store.models import ActivationRow

    store, _key = personal.unlock(paths.profile(), PASSPHRASE)
    try:
        with store.session() as session:
            return int(session.scalar(select(func.count()).select_from(ActivationRow)) or 0)
    finally:
        store.close()


def jrnl_entries_since(jrnl_cmd: list[str], env: dict[str, str], since: datetime) -> int:
    import json

    listing = run(
        [*jrnl_cmd[:-1], "-from", since.strftime("%Y-%m-%d %H:%M"), "--format", "json"],
        env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    if listing.returncode != 0:
        raise RuntimeError(f"jrnl cannot list its entries: {listing.stderr[-300:]}")
    return len(json.loads(listing.stdout)["entries"])


def compile_bytecode() -> float:
    """Write .pyc files for earned and its venv, as an installed copy has them."""
    started = time.perf_counter()
    paths = {
        str(ROOT / "earned"),
        sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["platlib"],
    }
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", *sorted(paths)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command (>= 15)")
    parser.add_argument("--days", type=int, default=3 * 365, help="days of data (3 years)")
    parser.add_argument("--per-day", type=int, default=12, help="activations per day")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the data")
    args = parser.parse_args()
    runs = max(args.runs, 15)
    wall = time.perf_counter()

    say("earned capture benchmark")
    say(f"  {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.platform()}")  # fmt: skip
    say(f"  compiling bytecode first ({compile_bytecode():.1f} s): every command runs from .pyc")

    work = Path(tempfile.mkdtemp(prefix="earned-bench-"))
    runtime = Path(tempfile.mkdtemp(prefix="eb-run-"))  # short: Unix socket paths are limited
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EARNED_", "PYTHONDONTWRITE"))}
    env |= {"EARNED_DATA_DIR": str(work / "earned-data"), "XDG_RUNTIME_DIR": str(runtime)}
    jrnl_env = {k: v for k, v in env.items() if not k.startswith("EARNED_")}
    jrnl_env |= {
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(work / "xdg-data"),
        "XDG_CONFIG_HOME": str(work / "xdg-config"),
        "HOME": str(work / "home"),
    }
    (work / "home").mkdir()
    bin_dir = Path(sys.executable).parent
    earned_cmd = [str(bin_dir / "earned"), "log", "5", ENTRY]
    floor_cmd = [sys.executable, "-c", "import sqlite3"]
    try:
        began = time.perf_counter()
        rows = build_earned(env, args.days, args.per_day, args.seed)
        size = (work / "earned-data" / "profiles" / "default" / "journal.db").stat().st_size
        took = time.perf_counter() - began
        say(f"  earned journal: {rows:,} activations over {args.days} days + urge timers and "
            f"practices, {size:,} bytes, SQLCipher ({took:.1f} s)")  # fmt: skip
        pw = work / "pw"
        pw.write_text(PASSPHRASE + "\n", encoding="utf-8")
        unlocked = run([str(bin_dir / "earned"), "--passphrase-file", str(pw), "unlock",
                        "--minutes", "30"], env, timeout=60)  # fmt: skip
        if unlocked.returncode != 0:
            raise RuntimeError(f"earned unlock failed: {unlocked.stderr}")
        say("  earned unlock: done once (one Argon2id derivation); each log asks the agent")

        began = time.perf_counter()
        venv, why = install_jrnl(work, jrnl_env)
        jrnl_cmd: list[str] | None = None
        if venv is None:
            say(f"  jrnl 4.6 COULD NOT BE INSTALLED ({why}); only the floor ratio is measured")
        else:
            say(f"  jrnl 4.6 installed in its own venv ({time.perf_counter() - began:.1f} s)")
            config = build_jrnl(venv, work, jrnl_env, rows, args.seed)
            jrnl_cmd = [str(venv / "bin" / "jrnl"), "--config-file", str(config), ENTRY]

        commands: dict[str, tuple[list[str], dict[str, str], Callable[[str, str], bool]]] = {
            "earned log": (earned_cmd, env, lambda out, err: out.startswith("Logged:")),
            "floor (import sqlite3)": (floor_cmd, env, lambda out, err: True),
        }
        if jrnl_cmd is not None:
            # jrnl adds silently when not on a terminal; the entries are counted afterwards.
            commands["jrnl add"] = (jrnl_cmd, jrnl_env, lambda out, err: True)
        times: dict[str, list[float]] = {name: [] for name in commands}
        timed_from = datetime.now().replace(microsecond=0) - timedelta(minutes=1)
        for cmd, cmd_env, check in commands.values():  # warm-up: page cache, keyring file
            for _ in range(2):
                timed(cmd, cmd_env, check)
        names = list(commands)
        for n in range(runs):
            for name in names[n % len(names) :] + names[: n % len(names)]:  # rotate the order
                cmd, cmd_env, check = commands[name]
                times[name].append(timed(cmd, cmd_env, check))

        added = runs + 2
        conn = sqlcipher_count(work, env)
        if conn != rows + added:
            raise RuntimeError(f"earned has {conn} activations, expected {rows + added}")
        if jrnl_cmd is not None:
            new = jrnl_entries_since(jrnl_cmd, jrnl_env, timed_from)
            if new != added:
                raise RuntimeError(f"jrnl added {new} entries, expected {added}")
        say(f"  checked: each command really wrote its {added} entries (2 warm-up + {runs})")

        say()
        say(f"Median wall time of {runs} fresh processes each (interleaved), in ms:")
        medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
        for name, values in times.items():
            ms = sorted(v * 1000 for v in values)
            say(f"  {name:<24} {medians[name]:8.1f}   (min {ms[0]:.1f}, max {ms[-1]:.1f})")
        say()
        earned_ms, floor_ms = medians["earned log"], medians["floor (import sqlite3)"]
        if "jrnl add" in medians:
            ratio = earned_ms / medians["jrnl add"]
            verdict = "met" if ratio <= 0.5 else "NOT met"
            say(f"  earned / jrnl  = {ratio:5.3f}   (goal <= 0.5: {verdict})")
        else:
            say("  earned / jrnl  = n/a     (jrnl 4.6 could not be installed)")
        ratio = earned_ms / floor_ms
        verdict = "met" if ratio <= 3 else "NOT met"
        say(f"  earned / floor = {ratio:5.3f}   (goal <= 3: {verdict})")
        say(f"  total benchmark time {time.perf_counter() - wall:.0f} s")
        say(textwrap.fill(
            "Notes: earned's time includes asking the key agent, opening the SQLCipher file, "
            "checking the schema revision, validating, one BEGIN IMMEDIATE insert with "
            "synchronous=FULL (fsync) and printing; jrnl's includes reading the password from "
            "the file keyring, decrypting, parsing and re-encrypting the whole journal.",
            78, initial_indent="  ", subsequent_indent="  "))  # fmt: skip
    finally:
        subprocess.run([str(bin_dir / "earned"), "lock"], env=env, capture_output=True, check=False)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(runtime, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
