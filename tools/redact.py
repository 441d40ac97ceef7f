"""Redacts the secrets the Pulumi CLI prints in plaintext from its text output.

    pulumi preview --diff ... 2>&1 | python3 -m tools.redact > preview.log

Some resource ids carry a secret (vital.facts.SECRET_BEARING_IDS: a Vercel protection bypass's id
is its project id and its secret), and the engine prints ids as they are: `--diff` shows
`[id=...]` for every resource it updates, replaces or deletes. The workflows pipe every
`pulumi preview`, `up` and `refresh` through this filter before anything reaches a log, a job
summary or the PR comment. Standard library only (and vital.facts, which is too), so it runs on
the runner's Python before the project's virtualenv exists. Reads stdin line by line, so a long
`pulumi up` streams through as it runs.
"""

from __future__ import annotations

import re
import sys

from vital.facts import SECRET_BEARING_IDS
from vital.names import SECRET_TEXT

_PATTERNS = tuple(re.compile(pattern) for pattern in SECRET_BEARING_IDS)


def redact(text: str) -> str:
    """The text with every secret-bearing id's secret part replaced by [secret]."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}/{SECRET_TEXT}", text)
    return text


def main() -> int:
    for line in sys.stdin:
        sys.stdout.write(redact(line))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
