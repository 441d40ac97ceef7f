"""The report function pulumi-policy hands a policy's validate, typed as it behaves.

pulumi_policy/policy.py exports `ReportViolation = Callable[[str, Optional[str]], None]`, which
makes the URN a required argument, while the function it passes (_PolicyAnalyzerServicer's
report_violation) declares `urn: Optional[str] = None` and attaches a violation without a URN to
the resource analyzed. The policies call it as it is: `report(message)` or `report(message, urn)`.
"""

from __future__ import annotations

from typing import Protocol


class Report(Protocol):
    def __call__(self, message: str, urn: str | None = None, /) -> None: ...
