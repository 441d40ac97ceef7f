"""What every command-line tool shares: one-line usage errors and the exit code contract.

    0  ok
    1  a mandatory policy violation (synth, diff) or findings (doctor, backend status)
    2  bad input or usage: one line on stderr naming the stack or file, the key, the value and
       what is allowed
    3  an internal error: one line on stderr naming a log file, which holds the traceback
"""

from __future__ import annotations

import argparse
import os
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


def log_dir() -> Path:
    """Where internal-error logs go: $VITAL_LOG_DIR, else a folder in the system's temp dir."""
    return Path(os.environ.get("VITAL_LOG_DIR") or Path(tempfile.gettempdir()) / "vital-infra-logs")


def run(main: Callable[[], int], prog: str) -> int:
    """Call `main`; an exception it did not expect becomes exit 3 and a log file, never a traceback on the terminal."""
    try:
        return main()
    except UsageError as err:
        print(f"{prog}: {err}; see --help", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except Exception:
        directory = log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{prog.split()[-1].replace('.', '-')}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.log"
        path.write_text(traceback.format_exc())
        print(f"{prog}: internal error ({sys.exc_info()[0].__name__}); the traceback is in {path}", file=sys.stderr)
        return EXIT_INTERNAL
