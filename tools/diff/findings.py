"""The policy pack's findings as the PR comment shows them.

Findings come in two kinds. A rule that ran and found something is a finding a reviewer must
read. A rule that could not run because a value is unknown until apply (pulumi-policy's
"can't run policy ... during preview" advisory) says nothing about this change: the same
notes come on every PR, so they are counted apart, under their own fold, and never reach the
headline. Messages are list items, not table cells, so long ones wrap instead of widening
the comment.
"""

from __future__ import annotations

import re
from typing import Any

from ..markdown import clip, parent_name
from ..markdown import code as _code
from ..policy.results import violations

MAX_MESSAGE_CHARS = 300
# pulumi-policy's wording for a rule that met an unknown value (pulumi_policy/policy.py).
_UNKNOWN = re.compile(r"can't run policy|can't be known during preview")
_UNKNOWN_PREFIX = re.compile(r"^can't run policy '[^']*' from policy pack '[^']*' during preview: ")


def is_unknown(violation: dict[str, Any]) -> bool:
    return bool(_UNKNOWN.search(str(violation.get("message", ""))))


def checked(policy: Any, level: str | None = None) -> list[dict[str, Any]]:
    """Findings of rules that ran (the ones that count), all or at one level."""
    return [v for v in violations(policy, level) if not is_unknown(v)]


def unknown(policy: Any) -> list[dict[str, Any]]:
    """Rules that could not run until apply."""
    return [v for v in violations(policy) if is_unknown(v)]


def _one_line(text: Any, limit: int = MAX_MESSAGE_CHARS) -> str:
    return clip(" ".join(str(text).split()), limit)


def _item(v: dict[str, Any], icon: str, message: str) -> str:
    resource = parent_name(v.get("urn")) or "(stack)"
    return f"- {icon} {_code(str(v.get('policy')))} on {_code(resource)}: {_one_line(message)}"


def stack_cell(policy: Any, policy_run: bool) -> str:
    """The per-stack policy cell of the summary table: rules that ran only."""
    if not isinstance(policy, dict):
        return "not run" if not policy_run else "—"
    mandatory = len(checked(policy, "mandatory"))
    others = len(checked(policy)) - mandatory
    if mandatory:
        return f"❌ {mandatory} mandatory" + (f", {others} advisory" if others else "")
    return f"⚠️ {others} advisory" if others else "✅"


def section(policy: dict[str, Any], rows: int) -> list[str]:
    """One stack's findings: mandatory first, at most `rows` items per list, unknowns folded."""
    found = sorted(checked(policy), key=lambda v: str(v.get("enforcementLevel")) != "mandatory")
    mandatory = sum(str(v.get("enforcementLevel")) == "mandatory" for v in found)
    lines = [f"#### Policy pack {_code(str(policy.get('pack', '')))}", ""]
    if found:
        lines += [f"{mandatory} mandatory, {len(found) - mandatory} advisory.", ""]
        for v in found[:rows]:
            icon = "❌" if v.get("enforcementLevel") == "mandatory" else "⚠️"
            lines.append(_item(v, icon, f"**{v.get('enforcementLevel')}**: {v.get('message', '')}"))
        if len(found) > rows:
            lines.append(f"- _… and {len(found) - rows} more findings not shown._")
    else:
        lines.append("No findings.")
    waiting = unknown(policy)
    if waiting:
        summary = f"{len(waiting)} {'check waits' if len(waiting) == 1 else 'checks wait'} for apply (a value unknown during preview)"
        lines += ["", f"<details><summary>{summary}</summary>", ""]
        lines += [_item(v, "⏳", _UNKNOWN_PREFIX.sub("", str(v.get("message", "")))) for v in waiting[:rows]]
        if len(waiting) > rows:
            lines.append(f"- _… and {len(waiting) - rows} more not shown._")
        lines += ["", "</details>"]
    return lines + [""]
