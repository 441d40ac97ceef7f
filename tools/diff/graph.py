"""The Mermaid graph of one stack's diff: the changed resources and their ancestors only.

A reviewer wants to see where a change sits, not the whole stack: every added, changed or
removed resource is drawn with its parent chain up to the stack, and each drawn parent's
unchanged children collapse into one "N unchanged" node. A two-resource change in a
40-resource stack is a graph of a handful of nodes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..markdown import clip as _clip
from ..markdown import parent_name, short_type

MAX_LABEL_CHARS = 60
_STYLES = (
    "  classDef added fill:#dafbe1,stroke:#1a7f37",
    "  classDef changed fill:#fff8c5,stroke:#9a6700",
    "  classDef removed fill:#ffebe9,stroke:#cf222e,stroke-dasharray:4 3",
    "  classDef unchanged fill:#f6f8fa,stroke:#d0d7de,color:#57606a",
)


def label(text: str) -> str:
    """Text inside a quoted Mermaid label: Mermaid's entity codes for what would end or break it."""
    return (
        text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;").replace("`", "#96;")
    )


def _nodes_and_status(stack: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    nodes: dict[str, dict[str, Any]] = {r["urn"]: dict(r) for r in stack.get("headResources") or []}
    status = {c["urn"]: "changed" for c in stack.get("changed") or []}
    status.update({r["urn"]: "added" for r in stack.get("added") or []})
    for r in stack.get("removed") or []:
        nodes.setdefault(
            r["urn"], {"urn": r["urn"], "type": r.get("type"), "name": r.get("name"), "parent": r.get("parent")}
        )
        status[r["urn"]] = "removed"
    return nodes, status


def _select(nodes: dict[str, dict[str, Any]], status: dict[str, str], max_nodes: int) -> list[str]:
    """Changed resources with their ancestors, parents before children, at most `max_nodes`."""
    selected: list[str] = []
    chosen: set[str] = set()

    def choose(urn: str) -> None:
        if urn in chosen or urn not in nodes or len(selected) >= max_nodes:
            return
        parent = nodes[urn].get("parent")
        if parent in nodes:
            choose(parent)
            if parent not in chosen:
                return  # no room for its parent: leave the child out too
        if len(selected) < max_nodes:
            chosen.add(urn)
            selected.append(urn)

    for urn in sorted(status):
        choose(urn)
    return selected


def mermaid_graph(stack: dict[str, Any], max_nodes: int) -> list[str]:
    """A flowchart of the stack's changes and their ancestors; unchanged siblings folded per parent."""
    nodes, status = _nodes_and_status(stack)
    selected = _select(nodes, status, max_nodes)
    ids = {urn: f"n{i}" for i, urn in enumerate(selected)}
    lines = ["```mermaid", "flowchart LR", f'  root(("{label(stack["stack"])}"))']
    children: dict[str | None, list[str]] = defaultdict(list)
    for urn, node in nodes.items():
        children[node.get("parent") if node.get("parent") in nodes else None].append(urn)
    for urn in selected:
        node = nodes[urn]
        name = label(_clip(str(node.get("name") or parent_name(urn)), MAX_LABEL_CHARS))
        lines.append(f'  {ids[urn]}["{name}<br/>{label(short_type(node.get("type") or ""))}"]')
        lines.append(f"  {ids.get(node.get('parent') or '', 'root')} --> {ids[urn]}")
    folded = []
    for i, parent in enumerate([None, *selected]):
        # Resources not drawn under a drawn parent: unchanged ones, plus changed ones cut by the cap.
        hidden = [u for u in children[parent] if u not in ids]
        unchanged = sum(1 for u in hidden if u not in status)
        if unchanged:
            lines.append(f'  u{i}["{unchanged} unchanged"]')
            lines.append(f"  {ids.get(parent or '', 'root')} -.- u{i}")
            folded.append(f"u{i}")
    left = sum(1 for urn in status if urn not in ids)
    if left > 0:
        lines += [f'  more["+{left} more"]', "  root -.-> more"]
    lines += list(_STYLES)
    for kind in ("added", "changed", "removed"):
        members = [ids[u] for u in selected if status.get(u) == kind]
        if members:
            lines.append(f"  class {','.join(members)} {kind}")
    if folded:
        lines.append(f"  class {','.join(folded)} unchanged")
    lines.append("```")
    return lines
