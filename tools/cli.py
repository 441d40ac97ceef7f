"""What the tools' command lines share: exit codes, and a parser whose usage errors are one line.

argparse's own `error` prints a usage block and exits; these tools report bad input as one
line on stderr with exit 2, so `OneLineParser.error` raises `UsageError` and each tool's
`main` prints it with its own prefix (`synth: ...`, `diff: ...`).
"""

from __future__ import annotations

import argparse
from typing import NoReturn

EXIT_OK = 0
EXIT_VIOLATION = 1  # a mandatory policy violation (or findings)
EXIT_USAGE = 2  # bad input or usage, one line on stderr


class UsageError(Exception):
    """Bad input or usage, reported as one line."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        raise UsageError(message)
