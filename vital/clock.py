"""Today's date, in one place: the only clock the program, the pack and the tools read.

Each caller asks `today()` when it runs (UTC, the date the CLI's own timestamps use), never
at import. Tests move time by replacing `today` (monkeypatch), so nothing in the suite depends
on the real date, and nothing committed turns red because the calendar moved: a rotation date
growing old is an alarm (`python -m tools.rotate --check`), not a failure of `make plan`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def today() -> date:
    """Today's date in UTC."""
    return datetime.now(UTC).date()
