"""Secret rotation, the strategy's "rotate secrets every 90 days": the figures and how a
recorded date is judged, shared by the policy pack (secret-rotation, secret-rotation-due: advisory
findings in every synth, PR comment and preview) and the alarm (`python -m tools.rotate --check`,
run daily by the infra-drift workflow, which fails and names each overdue secret).

Rotation is an alarm, not a gate: a secret growing old is a reason to rotate it, never a reason to
stop an unrelated change (a hotfix) from reaching production. So the pack reports it as advisory,
and only the scheduled alarm fails.
"""

from __future__ import annotations

from datetime import date
from typing import Any

FAIL_DAYS = 90  # the strategy: rotate every 90 days
WARN_DAYS = 75  # due: two weeks' notice before the limit
# Tiers whose secrets are held to it (the strategy lists it under production's security).
TIERS = ("production",)
# What a stack file says until a real rotation date is recorded: nothing under secretRotation.
NEVER_RECORDED = "never recorded"

NEVER, NOT_A_DATE, FUTURE, OVERDUE, DUE, FRESH = "never", "not-a-date", "future", "overdue", "due", "fresh"


def parse(recorded: Any) -> date | None:
    """A recorded rotation date ('YYYY-MM-DD' or a date), or None when it is not one."""
    if isinstance(recorded, date):
        return recorded
    try:
        return date.fromisoformat(recorded) if isinstance(recorded, str) else None
    except ValueError:
        return None


def status(recorded: Any, today: date, fail: int = FAIL_DAYS, warn: int = WARN_DAYS) -> str:
    """NEVER, NOT_A_DATE, FUTURE, OVERDUE (fail days or older), DUE (warn to fail - 1) or FRESH."""
    if recorded is None:
        return NEVER
    when = parse(recorded)
    if when is None:
        return NOT_A_DATE
    age = (today - when).days
    if age < 0:
        return FUTURE
    return OVERDUE if age >= fail else DUE if age >= warn else FRESH
