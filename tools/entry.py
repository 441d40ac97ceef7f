"""What every command-line tool shares: one-line usage errors and the exit code contract.

0  ok
1  a mandatory policy violation (synth, diff) or findings (doctor, backend status)
2  bad input or usage: one line on stderr naming the stack or file, the key, the value and
   what is allowed
3  an internal error: one line on stderr naming a log file, which holds the traceback

Stopped from outside, a tool exits as a shell reports a signal: 130 on Ctrl-C, 141 when the
reader of its output went away (`synth | head`: SIGPIPE).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """Bad input or usage: the tool prints it as one line and exits 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse whose usage errors are one line and exit 2 (not a usage block).

    `error` raises UsageError instead of exiting, so the tool decides how the line reads:
    `run` prints `<prog>: <message>; see --help`, synth and diff print `synth: <message>`.
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


class Retired(argparse.Action):
    """A retired flag (an interface is a contract): accepted by the parser only to fail with one
    line naming what replaced it, exit 2. Takes an optional value, so `--flag` and `--flag X` read alike."""

    def __init__(self, option_strings: list[str], dest: str, replaced_by: str, takes_value: bool) -> None:
        super().__init__(option_strings, dest, nargs="?", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        self.replaced_by, self.takes_value = replaced_by, takes_value

    def __call__(self, parser, namespace, values, option_string=None) -> NoReturn:
        # A flag that took no value may have swallowed the next word (`diff --policy-process origin/main`):
        # only a value flag's value is named.
        given = f"{option_string} {values}" if values is not None and self.takes_value else option_string
        raise UsageError(f"{given} was retired: {self.replaced_by}; drop the flag")


# synth's and the diff's retired flags (issue 26): flag -> (it took a value, what replaced it).
# Forked rendering gave no gain a user would notice on the committed stacks (bench/results.md's
# notes), and the pack's CLI-identical launch is a test of the pack now (dev/pack_process.py).
RETIRED_RENDER_FLAGS = {
    "--jobs": (True, "stacks render one after another in one process"),
    "--policy-process": (False, "the policy pack runs in this process, driven with the requests the CLI sends"),
}


def retire(parser: argparse.ArgumentParser, flags: dict[str, tuple[bool, str]]) -> None:
    """Keep each flag known to `parser` only to refuse it with one line naming what replaced it."""
    for flag, (takes_value, replaced_by) in flags.items():
        # Any value is taken ("--flag=1" too), so the line is ours, not argparse's complaint.
        parser.add_argument(flag, action=Retired, replaced_by=replaced_by, takes_value=takes_value)


def log_dir() -> Path:
    """Where internal-error logs go: $VITAL_LOG_DIR, else a folder in the system's temp dir."""
    return Path(os.environ.get("VITAL_LOG_DIR") or Path(tempfile.gettempdir()) / "vital-infra-logs")


def run(main: Callable[[], int], prog: str) -> int:
    """Call `main`; an exception it did not expect becomes exit 3 and a log file, never a traceback on the terminal."""
    try:
        code = main()
        sys.stdout.flush()  # inside the try: a reader gone before the last buffered bytes is caught below
        return code
    except UsageError as err:
        print(f"{prog}: {err}; see --help", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader closed the pipe: nothing to report to it. What is still buffered goes to
        # /dev/null, so the flush at exit does not fail again (Python's signal docs, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except Exception as err:
        directory = log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{prog.split()[-1].replace('.', '-')}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.log"
        path.write_text(traceback.format_exc())
        print(f"{prog}: internal error ({type(err).__name__}); the traceback is in {path}", file=sys.stderr)
        return EXIT_INTERNAL
