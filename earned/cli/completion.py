"""`earned completion bash|zsh|fish`: the script that lets a shell complete earned's
commands and options, and the answer given when that script asks.

Both come from argcomplete, one maintained library for bash, zsh and fish (shtab, the
other common generator, writes no fish script). The script runs `earned` itself, with
_ARGCOMPLETE in its environment, each time Tab is pressed; `earned.cli.main` then builds
the whole parser and hands it to `complete` below, which answers and ends the process.
argcomplete takes about 35 ms to import, so only these two paths import it: the quick
commands never do (tests/support/cli.py lists it among the heavy modules).
"""

from __future__ import annotations

import sys

from earned.cli.common import Command

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

SHELLS = ("bash", "zsh", "fish")


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion script (it set _ARGCOMPLETE) and end the process."""
    import argcomplete

    argcomplete.autocomplete(parser)


def _completion_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shell", choices=SHELLS, metavar="bash|zsh|fish", help="the shell to write the script for"
    )


def cmd_completion(args: argparse.Namespace) -> int:
    from argcomplete.shell_integration import shellcode

    sys.stdout.write(shellcode(["earned"], shell=args.shell))
    return 0


COMPLETION = Command(
    "completion",
    "print the shell script that completes earned's commands with Tab",
    "Print the script that lets bash, zsh or fish complete earned's commands and options "
    "when you press Tab. Save it where your shell looks for completions, e.g. "
    "bash: earned completion bash > ~/.local/share/bash-completion/completions/earned; "
    "zsh: earned completion zsh > ~/.zfunc/_earned (with fpath+=~/.zfunc before compinit "
    "in ~/.zshrc); fish: earned completion fish > ~/.config/fish/completions/earned.fish. "
    "Start a new shell afterwards.",
    cmd_completion,
    _completion_options,
)

COMMANDS = (COMPLETION,)
