"""The one loop over the settings table that status (read and compare) and bootstrap (read,
apply what differs, read again) share.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, TextIO

from tools.backend.clients import Backend
from tools.backend.errors import BackendError
from tools.backend.output import render
from tools.backend.settings import SETTINGS, Setting


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
    for setting in SETTINGS:
        result = check(setting, b, present)
        if result.found is not None:
            present.add(setting.name)
        checks.append(result)
    return checks


def bootstrap(b: Backend, out: TextIO | None = None) -> list[Check]:
    out = out or sys.stdout
    present: set[str] = set()
    created: set[str] = set()
    checks = []
    for setting in SETTINGS:
        before = check(setting, b, present)
        result = "ok"
        if not before.ok:
            setting.apply(b)
            after = check(setting, b, present | {setting.name})
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
        print(f"  {setting.name:<22}{result}", file=out)
    return checks
