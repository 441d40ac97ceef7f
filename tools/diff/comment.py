"""The diff's markdown, the offline part of the one PR comment: totals, a section per stack
with the changed values as `diff` blocks, the policy pack's findings (findings.py) and a
Mermaid graph of what changed (graph.py), shrunk until it fits its share of GitHub's comment
limit (the rest is kept for the `pulumi preview` sections, sticky.py).

Readable on GitHub at a glance: no table cell over 80 characters (long values go in code
blocks, which scroll, instead of cells, which widen the comment), and nothing in the headline
that is the same on every PR."""

from __future__ import annotations

import json
from typing import Any

from vital.names import SECRET_TEXT

from ..markdown import clip as _clip
from ..markdown import code as _code
from ..markdown import more_lines, parent_name, short_type
from . import findings
from .changes import has_changes, mandatory_count
from .graph import mermaid_graph
from .sticky import MARKER, PREVIEW_RESERVE

__all__ = ["MARKER", "mermaid_graph", "to_markdown"]

MAX_VALUE_CHARS = 100
MAX_CELL_CHARS = 80
MAX_NOTE_CHARS = 300
_SAFETY_MARGIN = 512  # for whatever the workflow wraps around the body
# (rows per table, nodes per graph), tried in turn until the comment fits.
_SHRINK_STEPS = (
    (200, 60),
    (150, 60),
    (100, 50),
    (75, 40),
    (50, 30),
    (35, 25),
    (25, 20),
    (15, 15),
    (10, 10),
    (5, 5),
    (2, 0),
    (0, 0),
)


def _one_line(text: Any, limit: int = MAX_NOTE_CHARS) -> str:
    return _clip(" ".join(str(text).split()), limit)


def _plain(value: Any) -> str:
    """A value on one line of a `diff` block: JSON (strings quoted), secrets as the marker."""
    if value is None:
        return "(none)"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) and value == SECRET_TEXT else json.dumps(value, sort_keys=True, default=str)
    return _clip(" ".join(text.split()), MAX_VALUE_CHARS)


def _cell(text: Any, limit: int = MAX_CELL_CHARS) -> str:
    """Inline code for a table cell, clipped so the cell stays narrow."""
    return _code(_clip(str(text), limit))


def _name(res: dict[str, Any]) -> str:
    return str(res.get("name") or parent_name(res["urn"]))


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _policy_verdict(result: dict[str, Any]) -> str:
    """The headline's policy word: rules that ran only (findings.py says why)."""
    if result.get("policyFailed"):
        return f"❌ policy failed: {_one_line(result['policyFailed'])}"
    if not result.get("policyRun", True):
        return "⏭️ policy not run (--no-policy)"
    policies = [s.get("policy") for s in result["stacks"]]
    if not any(isinstance(p, dict) for p in policies):
        return "➖ no policy results"
    mandatory = mandatory_count(result)
    others = sum(len(findings.checked(p)) for p in policies) - mandatory
    if mandatory:
        return f"❌ policy: {_plural(mandatory, 'mandatory violation')}" + (f", {others} advisory" if others else "")
    if others:
        return f"⚠️ policy passed with {_plural(others, 'advisory violation')}"
    return "✅ policy passed"


def _stack_summary(stack: dict[str, Any]) -> str:
    parts = [f"+{len(stack['added'])}", f"−{len(stack['removed'])}", f"~{len(stack['changed'])}"]
    text = " ".join(parts)
    if stack["secretsChanged"]:
        text += f", {_plural(len(stack['secretsChanged']), 'secret config change')}"
    if stack["outputsChanged"]:
        text += f", {_plural(len(stack['outputsChanged']), 'output change')}"
    return text


def _table(title: str, columns: tuple[str, ...], body: list[str], total: int, what: str) -> list[str]:
    """A titled table (or list, with no columns) of `body`, noting how many of `total` it leaves out."""
    if not total:
        return []
    head = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"] if columns else []
    return [f"#### {title}", "", *head, *body] + more_lines(total - len(body), what) + [""]


def _resource_row(res: dict[str, Any], notes: list[str]) -> str:
    parent = parent_name(res.get("parent"))
    return (
        f"| {_cell(_name(res), 60)} | {_cell(short_type(res.get('type') or ''), 40)} "
        f"| {_cell(parent, 40) if parent else '—'} | {', '.join(n for n in notes if n)} |"
    )


def _added_row(res: dict[str, Any]) -> str:
    renamed = (
        f"renamed from {_cell(parent_name(res['possiblyRenamedFrom']), 50)}?" if res.get("possiblyRenamedFrom") else ""
    )
    return _resource_row(res, [renamed, "protect" if res.get("protect") else ""])


def _removed_row(res: dict[str, Any]) -> str:
    renamed = f"renamed to {_cell(parent_name(res['possiblyRenamedTo']), 50)}?" if res.get("possiblyRenamedTo") else ""
    # Protected: `pulumi up` will refuse to delete it.
    return _resource_row(
        res,
        [
            renamed,
            "⚠️ protected" if res.get("protect") else "",
            "retained on delete" if res.get("retainOnDelete") else "",
        ],
    )


def _diff_block(changes: list[dict[str, Any]]) -> list[str]:
    """Old and new value of each path, one `-` and one `+` line, in a block that scrolls."""
    lines = ["```diff"]
    for c in changes:
        lines += [
            f"- {' '.join(c['path'].split())}: {_plain(c['old'])}",
            f"+ {' '.join(c['path'].split())}: {_plain(c['new'])}",
        ]
    return lines + ["```", ""]


def _changed(stack: dict[str, Any], rows: int) -> list[str]:
    """Each changed resource's property changes as a `diff` block, `rows` changes at most in all."""
    total = sum(len(res["changes"]) for res in stack["changed"])
    if not total:
        return []
    lines, shown = ["#### Changed", ""], 0
    for res in stack["changed"]:
        if shown >= rows:
            break
        take = res["changes"][: rows - shown]
        shown += len(take)
        lines += [f"{_code(_clip(_name(res), 60))} ({_code(short_type(res.get('type') or ''))})", ""] + _diff_block(
            take
        )
    return lines + more_lines(total - shown, "property changes")[1:] + ([""] if total > shown else [])


def _change_tables(stack: dict[str, Any], rows: int) -> list[str]:
    """Added, removed and changed resources, secret config and outputs: `rows` rows each at most."""
    resource = ("Resource", "Type", "Parent", "Note")
    outputs = stack["outputsChanged"]
    return [
        *_table(
            "Added", resource, [_added_row(r) for r in stack["added"][:rows]], len(stack["added"]), "added resources"
        ),
        *_table(
            "Removed",
            resource,
            [_removed_row(r) for r in stack["removed"][:rows]],
            len(stack["removed"]),
            "removed resources",
        ),
        *_changed(stack, rows),
        *_table(
            "Secret config",
            (),
            [f"- secret config {e['change']}: {_code(e['key'])}" for e in stack["secretsChanged"][:rows]],
            len(stack["secretsChanged"]),
            "secret config changes",
        ),
        *(
            ["#### Outputs", "", *_diff_block(outputs[:rows]), *more_lines(len(outputs) - rows, "output changes")[1:]]
            if outputs
            else []
        ),
    ]


SERVICE_NAMES = {"vercel": "Vercel", "supabase": "Supabase", "upstash": "Redis"}


def _usd(amount: Any, sign: bool = False) -> str:
    if not isinstance(amount, (int, float)):
        return "—"
    text = f"${abs(amount):,.0f}" if float(amount).is_integer() else f"${abs(amount):,.2f}"
    return (("+" if amount > 0 else "−" if amount < 0 else "±") + text) if sign else text


def cost_table(stacks: list[dict[str, Any]]) -> list[str]:
    """Each stack's modelled monthly cost before and after, and the difference (like Infracost)."""
    rows = [s for s in stacks if isinstance(s.get("cost"), dict)]
    if not rows:
        return []
    lines = [
        "**Monthly cost, modelled** (plans, seats, add-ons, compute, PITR, Redis budgets; usage is "
        "billed on top: docs/costs.md)",
        "",
        "| Stack | Before | After | Change |",
        "| --- | --- | --- | --- |",
    ]
    for s in rows:
        cost = s["cost"]
        diff = cost.get("difference")
        if diff is None:
            change = "not modelled at the base"
        else:
            parts = [f"{SERVICE_NAMES.get(k, k)} {_usd(v, sign=True)}" for k, v in diff.items() if k != "total" and v]
            change = f"**{_usd(diff.get('total'), sign=True)}**" + (f" ({', '.join(parts)})" if parts else "")
        before = _usd((cost.get("before") or {}).get("total"))
        lines.append(f"| `{s['stack']}` | {before} | {_usd(cost['after'].get('total'))} | {change} |")
    return lines + [""]


def _stack_section(stack: dict[str, Any], rows: int, nodes: int, policy_run: bool) -> list[str]:
    name = stack["stack"]
    policy = stack.get("policy")
    waiting = len(findings.unknown(policy))
    later = f" ({_plural(waiting, 'check waits', 'checks wait')} for apply)" if waiting else ""
    if not has_changes(stack) and not findings.checked(policy) and not stack.get("baseNote"):
        return [f"- `{name}`: no changes." + (f" Policy passed{later}." if isinstance(policy, dict) else ""), ""]
    summary = f"{_stack_summary(stack)} · policy {findings.stack_cell(policy, policy_run)}"
    lines = [f"<details><summary><b>{name}</b>: {summary}</summary>", ""]
    if stack.get("baseNote"):
        lines += [f"> Base: {_one_line(stack['baseNote'])}; everything in this stack counts as added.", ""]
    if not has_changes(stack):
        lines += ["No resource changes.", ""]
    lines += _change_tables(stack, rows)
    if isinstance(policy, dict):
        lines += findings.section(policy, rows)
    if nodes > 0 and has_changes(stack) and (stack.get("added") or stack.get("removed") or stack.get("changed")):
        lines += ["#### What changed, and where", ""] + mermaid_graph(stack, nodes) + [""]
    lines += ["</details>", ""]
    return lines


def _render(result: dict[str, Any], rows: int, nodes: int) -> str:
    stacks = result["stacks"]
    policy_run = result.get("policyRun", True)
    totals = {k: sum(len(s[k]) for s in stacks) for k in ("added", "removed", "changed", "secretsChanged")}
    head = f" → `{result['head']}`" if result.get("head") else ""
    lines = [
        MARKER,
        f"## Infrastructure diff: `{result['base']}`{head}",
        "",
        f"**{_plural(len(stacks), 'stack')}: {totals['added']} to add, {totals['removed']} to remove, "
        f"{totals['changed']} to change, {_plural(totals['secretsChanged'], 'secret config change')} · {_policy_verdict(result)}**",
        "",
        "| Stack | Add | Remove | Change | Secrets | Policy |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in stacks:
        lines.append(
            f"| `{s['stack']}` | {len(s['added'])} | {len(s['removed'])} | {len(s['changed'])} "
            f"| {len(s['secretsChanged'])} | {findings.stack_cell(s.get('policy'), policy_run)} |"
        )
    lines.append("")
    lines += cost_table(stacks)
    for s in stacks:
        lines += _stack_section(s, rows, nodes, policy_run)
    lines.append(
        "<sub>Desired state rendered offline by `python -m tools.synth` (no cloud state read): "
        "secrets show as `[secret]`; a changed secret is found from its stack-file ciphertext.</sub>"
    )
    return "\n".join(lines) + "\n"


def comment_limit() -> int:
    """The offline diff's share of one comment: GitHub's limit less the previews' reserve."""
    from vital.facts import GITHUB_COMMENT_MAX_CHARS

    return GITHUB_COMMENT_MAX_CHARS - PREVIEW_RESERVE


def to_markdown(result: dict[str, Any], limit: int | None = None) -> str:
    """The report as one PR comment: shrinks tables and graphs until it fits `limit`.

    Sizes are counted in UTF-8 bytes, never fewer than GitHub's characters.
    """
    limit = comment_limit() if limit is None else limit
    budget = max(1, limit - _SAFETY_MARGIN)
    for rows, nodes in _SHRINK_STEPS:
        text = _render(result, rows, nodes)
        if len(text.encode()) <= budget:
            break
    if len(text.encode()) > budget:  # only with absurdly many stacks: cut, and say so
        note = "\n\n_… comment cut to fit GitHub's limit; run the diff locally for the rest._\n"
        text = text.encode()[: budget - len(note.encode())].decode(errors="ignore") + note
    return text
