"""Desired-state diff against a git revision: `python -m tools.diff BASE_REF` (also `tools.synth --diff`).

    python -m tools.diff BASE_REF [--stack NAME|all] [--format json|markdown] [--no-policy]
    python -m tools.synth --diff BASE_REF ...          (the same, routed from synth)

Renders each stack twice, offline: at BASE_REF, checked out in a temporary `git worktree`
and rendered by that revision's own `python -m tools.synth`, and in the working tree. It
then reports, per stack, the resources added, removed and changed (matched by URN) with the
property paths and old -> new values, the secret config entries whose `secure:` ciphertext
changed (never a value), and the head state's policy results.

Exit 0 when rendered with no mandatory policy violation in the head state, 1 when one
remains, 2 for a usage or config error or a base ref that is not found (one line on stderr).
The worktree is always removed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterator

from vital import stackfile
from vital.stackfile import secure_leaves

from .markdown import parent_name, short_type

ROOT = Path(__file__).resolve().parent.parent
PROG = "python -m tools.diff"
EXIT_OK, EXIT_VIOLATION, EXIT_ERROR = 0, 1, 2
MARKER = "<!-- vital-infra-diff -->"
SECRET_TEXT = "[secret]"
SYNTH_TIMEOUT_S = 900

# Keys of a resource that are not properties of it: the URN is what resources are matched by.
_IDENTITY_KEYS = frozenset({"urn"})
_MISSING = object()


class DiffError(Exception):
    """A usage, config or git error, reported as one line."""


# --------------------------------------------------------------------------------------
# The pure diff: two synth documents (and the two stack files) in, a JSON-able dict out.
# --------------------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_$-]+$")


def _join(path: str, key: Any) -> str:
    key = str(key)
    part = key if _PLAIN_KEY.match(key) else json.dumps(key)
    if not path:
        return part
    return f"{path}.{part}" if _PLAIN_KEY.match(key) else f"{path}[{part}]"


def value_changes(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """Leaf-level differences between two JSON values, as [{"path", "old", "new"}].

    Offline, every secret is "[secret]" on both sides, so two secrets compare equal; a
    changed secret is found from the stack file instead (`secret_changes`). A key present
    on one side only has `null` on the other.
    """
    if old is not _MISSING and new is not _MISSING and type(old) is type(new) and old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[dict[str, Any]] = []
        for key in sorted(set(old) | set(new), key=str):
            out += value_changes(old.get(key, _MISSING), new.get(key, _MISSING), _join(path, key))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new)):
            out += value_changes(a, b, f"{path}[{i}]")
        return out
    if old == new and not isinstance(old, bool) and not isinstance(new, bool):
        return []  # 30 and 30.0: the same number from two encoders
    return [{"path": path, "old": None if old is _MISSING else old, "new": None if new is _MISSING else new}]


def _identity(res: dict[str, Any]) -> dict[str, Any]:
    return {"urn": res["urn"], "type": res.get("type"), "name": res.get("name")}


def _rename_key(res: dict[str, Any]) -> str:
    return json.dumps([res.get("type"), res.get("inputs")], sort_keys=True, default=str)


# Lists whose order means nothing (the SDK gathers dependencies in a set, so their order
# changes from one process to the next).
_UNORDERED_KEYS = frozenset({"dependencies"})


def _normal(key: str, value: Any) -> Any:
    if key in _UNORDERED_KEYS and isinstance(value, list):
        return sorted(value, key=str)
    return value


def diff_resources(base: list[dict[str, Any]], head: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Resources added, removed and changed, matched by URN (each list in URN order)."""
    old = {r["urn"]: r for r in base}
    new = {r["urn"]: r for r in head}
    added = [dict(new[u]) for u in sorted(new.keys() - old.keys())]
    removed = [dict(old[u]) for u in sorted(old.keys() - new.keys())]
    changed = []
    for urn in sorted(old.keys() & new.keys()):
        a, b = old[urn], new[urn]
        props = []
        for key in sorted((set(a) | set(b)) - _IDENTITY_KEYS):
            props += value_changes(_normal(key, a.get(key, _MISSING)), _normal(key, b.get(key, _MISSING)), key)
        if props:
            changed.append({**_identity(b), "changes": props})
    # A rename changes the URN: it shows as one removed and one added resource. Say so when
    # exactly one of each has the same type and inputs.
    groups: dict[str, tuple[list[dict], list[dict]]] = {}
    for res in removed:
        groups.setdefault(_rename_key(res), ([], []))[0].append(res)
    for res in added:
        groups.setdefault(_rename_key(res), ([], []))[1].append(res)
    for gone, came in groups.values():
        if len(gone) == 1 and len(came) == 1:
            gone[0]["possiblyRenamedTo"] = came[0]["urn"]
            came[0]["possiblyRenamedFrom"] = gone[0]["urn"]
    return {"added": added, "removed": removed, "changed": changed}


def secret_changes(base_yaml: Any, head_yaml: Any) -> list[dict[str, str]]:
    """Secret config entries whose ciphertext changed, appeared or went: keys only, no value."""
    old, new = secure_leaves(base_yaml), secure_leaves(head_yaml)
    out = []
    for key in sorted(old.keys() | new.keys()):
        if key not in old:
            out.append({"key": key, "change": "added"})
        elif key not in new:
            out.append({"key": key, "change": "removed"})
        elif old[key] != new[key]:
            out.append({"key": key, "change": "changed"})
    return out


def violations(policy: Any, level: str | None = None) -> list[dict[str, Any]]:
    if not isinstance(policy, dict):
        return []
    found = [v for v in policy.get("violations") or [] if isinstance(v, dict)]
    return [v for v in found if level is None or str(v.get("enforcementLevel", "")).lower() == level]


def diff_stack(stack: str, base_doc: dict[str, Any] | None, head_doc: dict[str, Any],
               base_yaml: Any = None, head_yaml: Any = None, base_note: str | None = None) -> dict[str, Any]:
    """One stack's desired-state diff. `base_doc` None means the base has no such stack."""
    resources = diff_resources((base_doc or {}).get("resources") or [], head_doc.get("resources") or [])
    result: dict[str, Any] = {
        "stack": stack,
        **resources,
        "secretsChanged": secret_changes(base_yaml, head_yaml),
        "outputsChanged": value_changes((base_doc or {}).get("outputs") or {}, head_doc.get("outputs") or {}, "outputs"),
        "policy": head_doc.get("policy"),
        # Everything the graph needs: the head state's tree, and what happened to each node.
        "headResources": [{"urn": r["urn"], "type": r.get("type"), "name": r.get("name"), "parent": r.get("parent")}
                          for r in head_doc.get("resources") or []],
    }
    if base_doc is None:
        result["baseNote"] = base_note or "not in the base revision"
    elif base_note:
        result["baseNote"] = base_note
    return result


def has_changes(stack: dict[str, Any]) -> bool:
    return any(stack.get(k) for k in ("added", "removed", "changed", "secretsChanged", "outputsChanged"))


def diff_docs(base_ref: str, base_docs: dict[str, dict[str, Any] | None], head_docs: list[dict[str, Any]],
              base_yamls: dict[str, Any] | None = None, head_yamls: dict[str, Any] | None = None,
              base_notes: dict[str, str] | None = None, policy_run: bool = True) -> dict[str, Any]:
    """The whole report: one entry per head stack, in the head's order."""
    base_yamls, head_yamls, base_notes = base_yamls or {}, head_yamls or {}, base_notes or {}
    stacks = [
        diff_stack(doc["stack"], base_docs.get(doc["stack"]), doc, base_yamls.get(doc["stack"]),
                   head_yamls.get(doc["stack"]), base_notes.get(doc["stack"]))
        for doc in head_docs
    ]
    return {"base": base_ref, "policyRun": policy_run, "stacks": stacks}


def mandatory_count(result: dict[str, Any]) -> int:
    return sum(len(violations(s.get("policy"), "mandatory")) for s in result["stacks"])


def exit_code(result: dict[str, Any]) -> int:
    if mandatory_count(result) or result.get("policyFailed"):
        return EXIT_VIOLATION
    return EXIT_OK


def public_json(result: dict[str, Any]) -> dict[str, Any]:
    """The JSON document: the report without the graph's helper fields."""
    out = {k: v for k, v in result.items() if k not in ("policyRun",)}
    out["stacks"] = [{k: v for k, v in s.items() if k != "headResources"} for s in result["stacks"]]
    return out


# --------------------------------------------------------------------------------------
# Markdown for one PR comment.
# --------------------------------------------------------------------------------------

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
    return f"{_code(str(res.get('name') or res['urn'].rsplit('::', 1)[-1]))} ({_code(short_type(res.get('type') or ''))})"


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


def _more(n: int, what: str) -> list[str]:
    return ["", f"_… and {n} more {what} not shown._"] if n > 0 else []


def _policy_markdown(policy: dict[str, Any], rows: int, budget: int) -> list[str]:
    """The policy pack's own section when it fits, else a compact table of violations."""
    try:
        from tools.policy.results import markdown_section
    except Exception:  # noqa: BLE001 - absent or broken: fall back to our own table
        markdown_section = None
    if markdown_section is not None:
        try:
            text = str(markdown_section(policy)).strip()
        except Exception:  # noqa: BLE001
            text = ""
        if text and len(text.encode()) <= budget:
            return text.splitlines() if text.startswith("#") else ["#### Policy", "", *text.splitlines()]
    found = violations(policy)
    pack = policy.get("pack")
    pack_text = f" ({_code(str(pack if not isinstance(pack, dict) else pack.get('name', pack)))})" if pack else ""
    if not found:
        return ["#### Policy", "", f"Policy pack{pack_text}: no violations."]
    order = sorted(found, key=lambda v: (str(v.get("enforcementLevel", "")).lower() != "mandatory", str(v.get("urn", ""))))
    lines = ["#### Policy", "", f"Policy pack{pack_text}: {_plural(len(found), 'violation')}.", "",
             "| Level | Policy | Resource | Message |", "| --- | --- | --- | --- |"]
    for v in order[:rows]:
        message = _one_line(v.get("message", ""), 200).replace("|", "\\|")
        lines.append(f"| {_one_line(v.get('enforcementLevel', ''), 20)} | {_code(_one_line(v.get('policy', ''), 60))} "
                     f"| {_code(parent_name(v.get('urn')) or '—')} | {message} |")
    return lines + _more(len(order) - rows, "violations")


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
        name = _mermaid_label(_clip(str(node.get("name") or urn.rsplit("::", 1)[-1]), 60))
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
    if stack["added"]:
        lines += ["#### Added", "", "| Resource | Parent | Note |", "| --- | --- | --- |"]
        for res in stack["added"][:rows]:
            note = f"possibly renamed from {_code(parent_name(res['possiblyRenamedFrom']))}" if res.get("possiblyRenamedFrom") else ""
            note = ", ".join(x for x in (note, "protect" if res.get("protect") else "") if x)
            lines.append(f"| {_res_cell(res)} | {_code(parent_name(res.get('parent')) or '—')} | {note} |")
        lines += _more(len(stack["added"]) - rows, "added resources") + [""]
    if stack["removed"]:
        lines += ["#### Removed", "", "| Resource | Parent | Note |", "| --- | --- | --- |"]
        for res in stack["removed"][:rows]:
            notes = []
            if res.get("possiblyRenamedTo"):
                notes.append(f"possibly renamed to {_code(parent_name(res['possiblyRenamedTo']))}")
            if res.get("protect"):
                notes.append("⚠️ protected: `pulumi up` will refuse to delete it")
            if res.get("retainOnDelete"):
                notes.append("retained on delete")
            lines.append(f"| {_res_cell(res)} | {_code(parent_name(res.get('parent')) or '—')} | {', '.join(notes)} |")
        lines += _more(len(stack["removed"]) - rows, "removed resources") + [""]
    if stack["changed"]:
        total = sum(len(c["changes"]) for c in stack["changed"])
        lines += ["#### Changed", "", "| Resource | Property | Old | New |", "| --- | --- | --- | --- |"]
        shown = 0
        for res in stack["changed"]:
            for change in res["changes"]:
                if shown >= rows:
                    break
                lines.append(f"| {_res_cell(res)} | {_code(change['path'])} | {_value(change['old'])} | {_value(change['new'])} |")
                shown += 1
        lines += _more(total - shown, "property changes") + [""]
    if stack["secretsChanged"]:
        lines += ["#### Secret config", ""]
        for entry in stack["secretsChanged"][:rows]:
            lines.append(f"- secret config {entry['change']}: {_code(entry['key'])}")
        lines += _more(len(stack["secretsChanged"]) - rows, "secret config changes") + [""]
    if stack["outputsChanged"]:
        lines += ["#### Outputs", "", "| Output | Old | New |", "| --- | --- | --- |"]
        for change in stack["outputsChanged"][:rows]:
            lines.append(f"| {_code(change['path'])} | {_value(change['old'])} | {_value(change['new'])} |")
        lines += _more(len(stack["outputsChanged"]) - rows, "output changes") + [""]
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


# --------------------------------------------------------------------------------------
# Git and the two renders.
# --------------------------------------------------------------------------------------

def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"):
        env.pop(var, None)
    return env


def _git(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, env=_git_env(), capture_output=True, text=True, timeout=300)
    except FileNotFoundError:
        raise DiffError("git not found on PATH") from None


def _last_line(text: str, default: str) -> str:
    for line in reversed(text.splitlines()):
        if line.strip():
            return line.strip()
    return default


def resolve_ref(ref: str) -> str:
    if not ref or ref.startswith("-"):
        raise DiffError(f"base ref {ref!r} is not a git revision")
    top = _git("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise DiffError(f"{ROOT} is not in a git repository")
    found = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode != 0 or not found.stdout.strip():
        raise DiffError(f"base ref {ref!r} not found (fetch it first, e.g. `git fetch origin`; CI needs fetch-depth: 0)")
    return found.stdout.strip()


@contextlib.contextmanager
def worktree(sha: str) -> Iterator[Path]:
    """The project at `sha`, checked out in a temporary worktree that is always removed."""
    top = Path(_git("rev-parse", "--show-toplevel").stdout.strip())
    rel = ROOT.resolve().relative_to(top.resolve())
    tmp = Path(tempfile.mkdtemp(prefix="vital-infra-diff-"))
    path = tmp / "base"
    try:
        added = _git("worktree", "add", "--detach", "--quiet", str(path), sha)
        if added.returncode != 0:
            raise DiffError(f"git worktree add failed: {_last_line(added.stderr, 'no message')}")
        yield path / rel
    finally:
        removed = _git("worktree", "remove", "--force", str(path))
        shutil.rmtree(tmp, ignore_errors=True)
        if removed.returncode != 0:
            _git("worktree", "prune")


def _supports(root: Path, flag: str) -> bool:
    try:
        return flag in (root / "tools" / "synth.py").read_text()
    except OSError:
        return False


def run_synth(root: Path, stack: str, no_policy: bool) -> tuple[int, Any, str]:
    """Run `root`'s own synth in a subprocess: (exit code, parsed JSON or None, stderr)."""
    cmd = [sys.executable, "-m", "tools.synth", "--stack", stack, "--format", "json"]
    if no_policy and _supports(root, "--no-policy"):
        cmd.append("--no-policy")
    env = _git_env()
    env["PYTHONPATH"] = str(root)
    env.pop("PYTHONHOME", None)
    try:
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=SYNTH_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return EXIT_ERROR, None, f"synth timed out after {SYNTH_TIMEOUT_S} s"
    try:
        doc = json.loads(proc.stdout) if proc.stdout.strip() else None
    except json.JSONDecodeError:
        doc = None
    return proc.returncode, doc, proc.stderr


def _as_list(doc: Any) -> list[dict[str, Any]]:
    docs = doc if isinstance(doc, list) else [doc]
    return [d for d in docs if isinstance(d, dict) and "stack" in d and isinstance(d.get("resources"), list)]


def _read_yaml(path: Path) -> Any:
    try:
        return stackfile.load_yaml(path)
    except stackfile.StackFileError:
        return None


def render_head(stack: str, no_policy: bool) -> tuple[list[dict[str, Any]], str | None]:
    """The working tree's docs, and a reason when its policy pass failed without results."""
    code, doc, err = run_synth(ROOT, stack, no_policy)
    for line in err.splitlines():  # the program's warnings, as synth prints them
        if line.strip() and code in (0, 1):
            print(line, file=sys.stderr)
    docs = _as_list(doc)
    if code == 0 and docs:
        return docs, None
    if code == 1 and docs:
        # Synth's exit 1 is a mandatory violation: keep it even if its results are not where we look.
        found = any(violations(d.get("policy"), "mandatory") for d in docs)
        return docs, None if found else _last_line(err, "synth reported a mandatory policy violation")
    if code == 1 and not no_policy and _supports(ROOT, "--no-policy"):
        # Synth stopped on the policy pass before printing: render without it, and fail.
        code2, doc2, err2 = run_synth(ROOT, stack, True)
        if code2 == 0 and _as_list(doc2):
            return _as_list(doc2), _last_line(err, "policy pass failed")
    raise DiffError(f"head: {_last_line(err, f'synth exited {code} with no output')}")


def render_base(root: Path, stacks: list[str]) -> tuple[dict[str, dict[str, Any] | None], dict[str, str]]:
    """The base revision's docs by stack (None: no such stack there) and a note per stack."""
    docs: dict[str, dict[str, Any] | None] = {s: None for s in stacks}
    notes: dict[str, str] = {}
    if not (root / "tools" / "synth.py").is_file():
        return docs, {s: "the base revision has no tools/synth.py" for s in stacks}
    present = [s for s in stacks if (root / f"Pulumi.{s}.yaml").is_file()]
    for s in stacks:
        if s not in present:
            notes[s] = f"the base revision has no Pulumi.{s}.yaml"
    if len(present) > 1:
        code, doc, _ = run_synth(root, "all", True)
        if code in (0, 1):
            for d in _as_list(doc):
                if d["stack"] in present:
                    docs[d["stack"]] = d
    for s in present:
        if docs[s] is None:
            code, doc, err = run_synth(root, s, True)
            found = [d for d in _as_list(doc) if d["stack"] == s]
            if code in (0, 1) and found:
                docs[s] = found[0]
            else:
                notes[s] = f"could not be rendered ({_last_line(err, f'synth exited {code}')})"
    return docs, notes


def _head_label() -> str:
    sha = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    label = sha.stdout.strip() if sha.returncode == 0 else "working tree"
    if dirty.returncode == 0 and dirty.stdout.strip():
        label += " + uncommitted changes"
    return label


def build(base_ref: str, stack: str, no_policy: bool) -> dict[str, Any]:
    sha = resolve_ref(base_ref)
    head_docs, policy_failed = render_head(stack, no_policy)
    names = [d["stack"] for d in head_docs]
    head_yamls = {s: _read_yaml(ROOT / f"Pulumi.{s}.yaml") for s in names}
    with worktree(sha) as base_root:
        base_docs, notes = render_base(base_root, names)
        base_yamls = {s: _read_yaml(base_root / f"Pulumi.{s}.yaml") for s in names}
    result = diff_docs(base_ref, base_docs, head_docs, base_yamls, head_yamls, notes, policy_run=not no_policy)
    result["baseCommit"] = sha
    result["head"] = _head_label()
    if policy_failed:
        result["policyFailed"] = policy_failed
    return result


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        raise DiffError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", metavar="BASE_REF", help="git revision to compare with, e.g. origin/main")
    parser.add_argument("--diff", dest="diff_ref", metavar="BASE_REF", help="the same, as `tools.synth --diff` passes it")
    parser.add_argument("--stack", default="all", help="a stack name, or 'all' for the three tier stacks")
    parser.add_argument("--format", choices=("json", "markdown"), default="json")
    parser.add_argument("--no-policy", action="store_true", help="skip the policy pass in the head render")
    return parser


def _on_sigterm(signum, frame):  # noqa: ARG001 - let `finally` remove the worktree
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Accepts `BASE_REF ...` or synth's own `--diff BASE_REF ...` argument list."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        args = build_parser().parse_args(argv)
        refs = [r for r in (args.base, args.diff_ref) if r is not None]
        if len(refs) != 1:
            raise DiffError("give the base revision once: BASE_REF or --diff BASE_REF")
        result = build(refs[0], args.stack, args.no_policy)
    except DiffError as err:
        print(f"diff: {err}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    if args.format == "json":
        print(json.dumps(public_json(result), indent=2))
    else:
        sys.stdout.write(to_markdown(result))
    return exit_code(result)


if __name__ == "__main__":
    sys.exit(main())
