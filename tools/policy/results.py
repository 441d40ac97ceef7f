"""A policy result ({"pack", "violations"}) read back: violations by level, and its markdown.

Pure data and text, no SDK imports, so tools.diff can use it without loading Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..markdown import cell, more_lines, parent_name


def violations(result: Any, level: str | None = None) -> list[dict[str, Any]]:
    """A result's violations, all or those at one enforcement level; none for a missing result."""
    if not isinstance(result, Mapping):
        return []
    found = [v for v in result.get("violations") or [] if isinstance(v, dict)]
    return [v for v in found if level is None or str(v.get("enforcementLevel", "")).lower() == level]


def has_mandatory(result: Mapping[str, Any]) -> bool:
    return bool(violations(result, "mandatory"))


def markdown_section(result: Mapping[str, Any], max_rows: int | None = None) -> str:
    """A markdown block for one stack's policy result (PR comments, `synth --format markdown`).

    With `max_rows`, a longer table keeps that many rows, mandatory violations first, and says
    how many it left out.
    """
    found = result["violations"]
    mandatory = sum(v["enforcementLevel"] == "mandatory" for v in found)
    lines = [f"#### Policy pack `{result['pack']}`", ""]
    if not found:
        return "\n".join(lines + ["No violations.", ""])
    lines += [
        f"{mandatory} mandatory, {len(found) - mandatory} advisory.",
        "",
        "| Level | Policy | Resource | Message |",
        "| --- | --- | --- | --- |",
    ]
    shown = found
    if max_rows is not None and len(found) > max_rows:
        shown = sorted(found, key=lambda v: v["enforcementLevel"] != "mandatory")[:max_rows]
    for v in shown:
        resource = parent_name(v["urn"]) or "(stack)"
        lines.append(
            f"| {cell(v['enforcementLevel'])} | {cell(v['policy'])} | `{cell(resource)}` | {cell(v['message'])} |"
        )
    lines += more_lines(len(found) - len(shown), "violations")
    return "\n".join(lines) + "\n"
