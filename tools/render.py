"""Turn a rendered stack into the synth JSON document and a markdown table for PR comments."""

from __future__ import annotations

from typing import Any

from .markdown import cell, parent_name, short_type
from .mockrt import Registration, Rendered, redact
from .policy.results import markdown_section


def resource_doc(r: Registration) -> dict[str, Any]:
    return {
        "urn": r.urn,
        "type": r.type,
        "name": r.name,
        "parent": r.parent or None,
        "inputs": redact(r.inputs),
        "protect": r.protect,
        "dependencies": sorted(r.dependencies),  # the SDK gathers them in a set
        "deleteBeforeReplace": r.delete_before_replace,
        "retainOnDelete": r.retain_on_delete,
        "importId": r.import_id or None,
    }


def stack_doc(rendered: Rendered) -> dict[str, Any]:
    return {
        "project": rendered.project,
        "stack": rendered.stack,
        # URN order groups children under their component and is stable from run to run.
        "resources": [resource_doc(r) for r in sorted(rendered.resources, key=lambda r: r.urn)],
        "outputs": redact(rendered.outputs),
        # Only where there are some (a StackReference): what the engine would do that synth cannot know.
        **({"notes": list(rendered.notes)} if rendered.notes else {}),
    }


def _options(res: dict[str, Any]) -> str:
    marks = []
    if res["protect"]:
        marks.append("protect")
    if res["deleteBeforeReplace"]:
        marks.append("delete-before-replace")
    if res["retainOnDelete"]:
        marks.append("retain-on-delete")
    if res.get("importId"):
        marks.append(f"import `{res['importId']}`")
    return ", ".join(marks)


def stack_markdown(doc: dict[str, Any]) -> str:
    resources = doc["resources"]
    custom = [r for r in resources if not r["type"].startswith("vital:")]
    lines = [
        f"### Stack `{doc['stack']}`",
        "",
        f"{len(custom)} resources in {len(resources) - len(custom)} components.",
        "",
        "| Resource | Type | Parent | Options |",
        "| --- | --- | --- | --- |",
    ]
    for res in resources:
        lines.append(
            f"| `{cell(res['name'])}` | {cell(short_type(res['type']))} | {cell(parent_name(res['parent']))} | {cell(_options(res))} |"
        )
    if doc.get("outputs"):
        lines += ["", "Outputs: " + ", ".join(f"`{k}`" for k in sorted(doc["outputs"]))]
    for note in doc.get("notes", ()):
        lines += ["", f"Note: {note}"]
    if "policy" in doc:
        lines += ["", markdown_section(doc["policy"]).rstrip("\n")]
    return "\n".join(lines) + "\n"
