"""The one loop over the settings table that status (read and compare) and bootstrap (read,
apply what differs, read again) share.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

from tools.backend.clients import Backend
from tools.backend.errors import BackendError
from tools.backend.output import render, setting_width
from tools.backend.settings import Setting, settings_for

# IAM is eventually consistent: a role read straight after its change may still show the old
# document. Identity rows are re-read this many times, this far apart, before it counts.
SETTLE_ATTEMPTS = 5
SETTLE_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    name: str
    found: Any
    expected: Any
    result: str = ""  # bootstrap: ok / created / updated

    @property
    def ok(self) -> bool:
        return self.found == self.expected


def check(setting: Setting, b: Backend, present: set[str]) -> Check:
    missing_parent = setting.requires is not None and setting.requires not in present
    found = None if missing_parent else setting.read(b)
    return Check(setting.name, found, setting.expected(b))


def status(b: Backend) -> list[Check]:
    present: set[str] = set()
    checks = []
    for setting in settings_for(b):
        result = check(setting, b, present)
        if result.found is not None:
            present.add(setting.name)
        checks.append(result)
    return checks


def recheck(setting: Setting, b: Backend, present: set[str]) -> Check:
    """The setting read again after applying it; identity rows get time to settle."""
    attempts = SETTLE_ATTEMPTS if setting.identity else 1
    for attempt in range(attempts):
        after = check(setting, b, present)
        if after.ok:
            return after
        if attempt + 1 < attempts:
            time.sleep(SETTLE_SECONDS)
    return after


def bootstrap(b: Backend, out: TextIO | None = None) -> list[Check]:
    out = out or sys.stdout
    present: set[str] = set()
    created: set[str] = set()
    checks = []
    settings = settings_for(b)
    width = setting_width(s.name for s in settings)
    for setting in settings:
        before = check(setting, b, present)
        result = "ok"
        if not before.ok:
            setting.apply(b)
            after = recheck(setting, b, present | {setting.name})
            if not after.ok:
                raise BackendError(
                    f"{setting.name} on bucket {b.bucket!r} still differs after applying it: "
                    f"found {render(after.found)}, expected {render(after.expected)}"
                )
            # Settings of a resource made in this run were created, whatever AWS defaulted them to.
            new = before.found is None or setting.requires in created
            result = "created" if new else "updated"
            if new:
                created.add(setting.name)
        present.add(setting.name)
        checks.append(Check(setting.name, before.found, before.expected, result))
        print(f"  {setting.name:<{width}}{result}", file=out)
    return checks
