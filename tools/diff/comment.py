"""The diff's markdown, as one PR comment: totals, a section per stack, the policy pack's
findings and a Mermaid graph of each stack, shrunk until it fits GitHub's comment limit."""

from __future__ import annotations

import json
import re
from typing import Any

from vital.names import SECRET_TEXT

from ..markdown import more_lines, parent_name, short_type
from ..policy.results import markdown_section, violations
from .changes import has_changes, mandatory_count

MARKER = "<!-- vital-infra-diff -->"
MAX_VALUE_CHARS = 100
MAX_NOTE_CHARS = 300
_SAFETY_MARGIN = 512  # for whatever the workflow wraps around the body
# (rows per table, nodes per graph), tried in turn until the comment fits.
_SHRINK_STEPS = ((200, 60), (150, 60), (100, 50), (75, 40), (50, 30), (35, 25), (25, 20), (15, 15), (10, 10),
                 (5, 5), (2, 0), (0, 0))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _one_line(text: Any, limit: int = MAX_NOTE_CHARS) -> str:
    return _clip(" ".join(str(text).split()), limit)


def _value(value: Any) -> str:
    if value is None:
        return "_(none)_"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) and value == SECRET_TEXT else json.dumps(value, sort_keys=True, default=str)
    return _code(_clip(text, MAX_VALUE_CHARS))


def _code(text: str) -> str:
    """Inline code that survives a table cell: no newline, escaped pipes, a fence longer than any run of backticks."""
    text = text.replace("\n", " ").replace("|", "\\|")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _res_cell(res: dict[str, Any]) -> str:
    return f"{_code(str(res.get('name') or parent_name(res['urn'])))} ({_code(short_type(res.get('type') or ''))})"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _policy_verdict(result: dict[str, Any]) -> str:
    if result.get("policyFailed"):
        return f"❌ policy failed: {_one_line(result['policyFailed'])}"
    if not result.get("policyRun", True):
        return "⏭️ policy not run (--no-policy)"
    policies = [s.get("policy") for s in result["stacks"]]
    if not any(isinstance(p, dict) for p in policies):
        return "➖ no policy results"
    mandatory = mandatory_count(result)
    others = sum(len(violations(p)) for p in policies) - mandatory
    if mandatory:
        return f"❌ policy: {_plural(mandatory, 'mandatory violation')}" + (f", {others} advisory" if others else "")
    if others:
        return f"⚠️ policy passed with {_plural(others, 'advisory violation')}"
    return "✅ policy passed"


def _stack_policy_cell(stack: dict[str, Any], policy_run: bool) -> str:
    policy = stack.get("policy")
    if not isinstance(policy, dict):
        return "not run" if not policy_run else "—"
    mandatory = len(violations(policy, "mandatory"))
    others = len(violations(policy)) - mandatory
    if mandatory:
        return f"❌ {mandatory} mandatory" + (f", {others} advisory" if others else "")
    return f"⚠️ {others} advisory" if others else "✅"


def _policy_markdown(policy: dict[str, Any], rows: int, budget: int) -> list[str]:
    """The policy pack's own section: whole when it fits `budget` bytes, else cut to `rows` violations."""
    text = markdown_section(policy).strip()
    if len(text.encode()) > budget:
        text = markdown_section(policy, max_rows=rows).strip()
    return text.splitlines()


def _mermaid_label(text: str) -> str:
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("`", "#96;"))


def mermaid_graph(stack: dict[str, Any], max_nodes: int) -> list[str]:
    """A flowchart of the stack's components and their children (by parent URN), capped."""
    nodes: dict[str, dict[str, Any]] = {r["urn"]: dict(r) for r in stack.get("headResources") or []}
    status = {c["urn"]: "changed" for c in stack.get("changed") or []}
    status.update({r["urn"]: "added" for r in stack.get("added") or []})
    for r in stack.get("removed") or []:
        nodes.setdefault(r["urn"], {"urn": r["urn"], "type": r.get("type"), "name": r.get("name"), "parent": r.get("parent")})
        status[r["urn"]] = "removed"
    selected: list[str] = []
    chosen: set[str] = set()

    def choose(urn: str) -> None:
        if urn in chosen or urn not in nodes or len(selected) >= max_nodes:
            return
        parent = nodes[urn].get("parent")
        if parent:
            choose(parent)
            if parent in nodes and parent not in chosen:
                return  # no room for its parent: leave the child out too
        if len(selected) < max_nodes:
            chosen.add(urn)
            selected.append(urn)

    for urn in sorted(status):  # changes first, with their parents
        choose(urn)
    for v in violations(stack.get("policy")):  # then what the policy pack flagged
        choose(str(v.get("urn") or ""))
    for urn in sorted(nodes):
        choose(urn)
    ids = {urn: f"n{i}" for i, urn in enumerate(selected)}
    lines = ["```mermaid", "flowchart LR", f'  root(("{_mermaid_label(stack["stack"])}"))']
    for urn in selected:
        node = nodes[urn]
        name = _mermaid_label(_clip(str(node.get("name") or parent_name(urn)), 60))
        lines.append(f'  {ids[urn]}["{name}<br/>{_mermaid_label(short_type(node.get("type") or ""))}"]')
        lines.append(f"  {ids.get(node.get('parent') or '', 'root')} --> {ids[urn]}")
    left = len(nodes) - len(selected)
    if left > 0:
        lines.append(f'  more["+{left} more"]')
        lines.append("  root -.-> more")
    lines += ["  classDef added fill:#dafbe1,stroke:#1a7f37", "  classDef changed fill:#fff8c5,stroke:#9a6700",
              "  classDef removed fill:#ffebe9,stroke:#cf222e,stroke-dasharray:4 3"]
    for kind in ("added", "changed", "removed"):
        members = [ids[u] for u in selected if status.get(u) == kind]
        if members:
            lines.append(f"  class {','.join(members)} {kind}")
    lines.append("```")
    return lines


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


def _added_row(res: dict[str, Any]) -> str:
    note = f"possibly renamed from {_code(parent_name(res['possiblyRenamedFrom']))}" if res.get("possiblyRenamedFrom") else ""
    note = ", ".join(x for x in (note, "protect" if res.get("protect") else "") if x)
    return f"| {_res_cell(res)} | {_code(parent_name(res.get('parent')) or '—')} | {note} |"


def _removed_row(res: dict[str, Any]) -> str:
    notes = []
    if res.get("possiblyRenamedTo"):
        notes.append(f"possibly renamed to {_code(parent_name(res['possiblyRenamedTo']))}")
    if res.get("protect"):
        notes.append("⚠️ protected: `pulumi up` will refuse to delete it")
    if res.get("retainOnDelete"):
        notes.append("retained on delete")
    return f"| {_res_cell(res)} | {_code(parent_name(res.get('parent')) or '—')} | {', '.join(notes)} |"


def _change_tables(stack: dict[str, Any], rows: int) -> list[str]:
    """Added, removed and changed resources, secret config and outputs: `rows` rows each at most."""
    changes = [(res, change) for res in stack["changed"] for change in res["changes"]]
    resource = ("Resource", "Parent", "Note")
    return [
        *_table("Added", resource, [_added_row(r) for r in stack["added"][:rows]], len(stack["added"]), "added resources"),
        *_table("Removed", resource, [_removed_row(r) for r in stack["removed"][:rows]], len(stack["removed"]),
                "removed resources"),
        *_table("Changed", ("Resource", "Property", "Old", "New"),
                [f"| {_res_cell(res)} | {_code(c['path'])} | {_value(c['old'])} | {_value(c['new'])} |"
                 for res, c in changes[:rows]], len(changes), "property changes"),
        *_table("Secret config", (), [f"- secret config {e['change']}: {_code(e['key'])}"
                                      for e in stack["secretsChanged"][:rows]],
                len(stack["secretsChanged"]), "secret config changes"),
        *_table("Outputs", ("Output", "Old", "New"),
                [f"| {_code(c['path'])} | {_value(c['old'])} | {_value(c['new'])} |" for c in stack["outputsChanged"][:rows]],
                len(stack["outputsChanged"]), "output changes"),
    ]


def _stack_section(stack: dict[str, Any], rows: int, nodes: int, policy_run: bool, policy_budget: int) -> list[str]:
    name = stack["stack"]
    policy = stack.get("policy")
    flagged = bool(violations(policy))
    if not has_changes(stack) and not flagged and not stack.get("baseNote"):
        return [f"- `{name}`: no changes." + (" Policy passed." if isinstance(policy, dict) else ""), ""]
    lines = [f"<details><summary><b>{name}</b>: {_stack_summary(stack)} · policy {_stack_policy_cell(stack, policy_run)}</summary>", ""]
    if stack.get("baseNote"):
        lines += [f"> Base: {_one_line(stack['baseNote'])}; everything in this stack counts as added.", ""]
    if not has_changes(stack):
        lines += ["No resource changes.", ""]
    lines += _change_tables(stack, rows)
    if isinstance(policy, dict):
        lines += _policy_markdown(policy, rows, policy_budget) + [""]
    if nodes > 0 and (stack.get("headResources") or stack.get("removed")):
        lines += ["#### Resources", ""] + mermaid_graph(stack, nodes) + [""]
    lines += ["</details>", ""]
    return lines


def _render(result: dict[str, Any], rows: int, nodes: int, budget: int) -> str:
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
        lines.append(f"| `{s['stack']}` | {len(s['added'])} | {len(s['removed'])} | {len(s['changed'])} "
                     f"| {len(s['secretsChanged'])} | {_stack_policy_cell(s, policy_run)} |")
    lines.append("")
    policy_budget = max(1000, budget // (4 * max(1, len(stacks))))
    for s in stacks:
        lines += _stack_section(s, rows, nodes, policy_run, policy_budget)
    lines.append("<sub>Desired state rendered offline by `python -m tools.synth` (no cloud state read): "
                 "secrets show as `[secret]`; a changed secret is found from its stack-file ciphertext.</sub>")
    return "\n".join(lines) + "\n"


def comment_limit() -> int:
    from vital.facts import GITHUB_COMMENT_MAX_CHARS

    return GITHUB_COMMENT_MAX_CHARS


def to_markdown(result: dict[str, Any], limit: int | None = None) -> str:
    """The report as one PR comment: shrinks tables and graphs until it fits `limit`.

    Sizes are counted in UTF-8 bytes, never fewer than GitHub's characters.
    """
    limit = comment_limit() if limit is None else limit
    budget = max(1, limit - _SAFETY_MARGIN)
    for rows, nodes in _SHRINK_STEPS:
        text = _render(result, rows, nodes, budget)
        if len(text.encode()) <= budget:
            break
    if len(text.encode()) > budget:  # only with absurdly many stacks: cut, and say so
        note = "\n\n_… comment cut to fit GitHub's limit; run the diff locally for the rest._\n"
        text = text.encode()[: budget - len(note.encode())].decode(errors="ignore") + note
    return text
