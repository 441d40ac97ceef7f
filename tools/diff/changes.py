"""The pure diff of two rendered stacks: synth documents (and the two stack files) in, a JSON-able dict out.

Resources are matched by URN: added, removed (with a hint when one of each looks like a
rename) and changed, with the property paths and old -> new values; secret config entries
whose `secure:` ciphertext changed (never a value); output changes; and the head state's
policy result, which decides the exit code.
"""

from __future__ import annotations

import json
import re
from typing import Any

from vital.stackfile import secure_leaves

from ..entry import EXIT_FINDINGS, EXIT_OK
from ..policy.results import violations

# Keys of a resource that are not properties of it: the URN is what resources are matched by.
_IDENTITY_KEYS = frozenset({"urn"})
_MISSING = object()

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
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
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


def cost_change(base_doc: dict[str, Any] | None, head_doc: dict[str, Any]) -> dict[str, Any] | None:
    """The stack's modelled monthly cost (synth's `cost`, vital/costs.py) before and after, and the
    difference per service and in total; `before` is None where the base modelled none (a new stack,
    or a revision from before the model)."""
    after = (head_doc.get("cost") or {}).get("monthlyUsd")
    if not isinstance(after, dict):
        return None
    before = ((base_doc or {}).get("cost") or {}).get("monthlyUsd")
    before = before if isinstance(before, dict) else None
    out: dict[str, Any] = {"before": before, "after": after}
    if before is not None:
        out["difference"] = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    return out


def diff_stack(
    stack: str,
    base_doc: dict[str, Any] | None,
    head_doc: dict[str, Any],
    base_yaml: Any = None,
    head_yaml: Any = None,
    base_note: str | None = None,
) -> dict[str, Any]:
    """One stack's desired-state diff. `base_doc` None means the base has no such stack."""
    resources = diff_resources((base_doc or {}).get("resources") or [], head_doc.get("resources") or [])
    result: dict[str, Any] = {
        "stack": stack,
        **resources,
        "secretsChanged": secret_changes(base_yaml, head_yaml),
        "outputsChanged": value_changes(
            (base_doc or {}).get("outputs") or {}, head_doc.get("outputs") or {}, "outputs"
        ),
        "policy": head_doc.get("policy"),
        "cost": cost_change(base_doc, head_doc),
        # Everything the graph needs: the head state's tree, and what happened to each node.
        "headResources": [
            {"urn": r["urn"], "type": r.get("type"), "name": r.get("name"), "parent": r.get("parent")}
            for r in head_doc.get("resources") or []
        ],
    }
    if base_doc is None:
        result["baseNote"] = base_note or "not in the base revision"
    elif base_note:
        result["baseNote"] = base_note
    return result


def has_changes(stack: dict[str, Any]) -> bool:
    return any(stack.get(k) for k in ("added", "removed", "changed", "secretsChanged", "outputsChanged"))


def diff_docs(
    base_ref: str,
    base_docs: dict[str, dict[str, Any] | None],
    head_docs: list[dict[str, Any]],
    base_yamls: dict[str, Any] | None = None,
    head_yamls: dict[str, Any] | None = None,
    base_notes: dict[str, str] | None = None,
    policy_run: bool = True,
) -> dict[str, Any]:
    """The whole report: one entry per head stack, in the head's order."""
    base_yamls, head_yamls, base_notes = base_yamls or {}, head_yamls or {}, base_notes or {}
    stacks = [
        diff_stack(
            doc["stack"],
            base_docs.get(doc["stack"]),
            doc,
            base_yamls.get(doc["stack"]),
            head_yamls.get(doc["stack"]),
            base_notes.get(doc["stack"]),
        )
        for doc in head_docs
    ]
    return {"base": base_ref, "policyRun": policy_run, "stacks": stacks}


def mandatory_count(result: dict[str, Any]) -> int:
    return sum(len(violations(s.get("policy"), "mandatory")) for s in result["stacks"])


def exit_code(result: dict[str, Any]) -> int:
    if mandatory_count(result) or result.get("policyFailed"):
        return EXIT_FINDINGS
    return EXIT_OK


def public_json(result: dict[str, Any]) -> dict[str, Any]:
    """The JSON document: the report without the graph's helper fields."""
    out = {k: v for k, v in result.items() if k not in ("policyRun",)}
    out["stacks"] = [{k: v for k, v in s.items() if k != "headResources"} for s in result["stacks"]]
    return out
