"""The recording mock runtime refuses what the engine refuses."""

from __future__ import annotations

import pulumi
import pytest

from tools.mockrt import recording
from vital import pulumi_internals as internals


class _Thing(pulumi.CustomResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:index:Thing", name, {"size": 1})


def test_two_resources_with_one_urn_are_refused_as_the_engine_does():
    with recording("unit") as rendered:
        with pytest.raises(pulumi.RunError, match=r"Duplicate resource URN 'urn:pulumi:unit::.*test:index:Thing::same'; "
                                                  r"try giving it a unique name"):
            internals.sync_await(internals.run_pulumi_func(lambda: (_Thing("same"), _Thing("same"))))
    assert [r.name for r in rendered.resources] == ["same"]


def test_distinct_names_register():
    with recording("unit") as rendered:
        internals.sync_await(internals.run_pulumi_func(lambda: (_Thing("a"), _Thing("b"))))
    assert sorted(r.name for r in rendered.resources) == ["a", "b"]


class _Box(pulumi.ComponentResource):
    def __init__(self, type_: str, name: str, parent: pulumi.Resource | None = None) -> None:
        super().__init__(type_, name, None, pulumi.ResourceOptions(parent=parent))
        self.register_outputs({})


class _Child(pulumi.CustomResource):
    def __init__(self, name: str, parent: pulumi.Resource) -> None:
        super().__init__("test:index:Thing", name, {"size": 1}, pulumi.ResourceOptions(parent=parent))


def _nested() -> None:
    outer = _Box("test:comp:Outer", "outer")
    inner = _Box("test:comp:Inner", "inner", parent=outer)
    _Child("leaf", inner)
    _Thing("top")


def test_urns_chain_every_ancestor_type_and_drop_the_root_stack_type_as_the_engine_does():
    # pulumi/pulumi pkg/resource/deploy/deployment.go, Deployment.generateURN: "Skip empty parents and
    # don't use the root stack type; otherwise, use the full qualified type" of the parent, and
    # sdk/go/common/resource/urn/urn.go, New: parentType + "$" + baseType.
    with recording("unit", project="proj") as rendered:
        internals.sync_await(internals.run_pulumi_func(_nested))
    urns = {r.name: r.urn for r in rendered.resources}
    assert urns == {
        "outer": "urn:pulumi:unit::proj::test:comp:Outer::outer",
        "inner": "urn:pulumi:unit::proj::test:comp:Outer$test:comp:Inner::inner",
        "leaf": "urn:pulumi:unit::proj::test:comp:Outer$test:comp:Inner$test:index:Thing::leaf",
        "top": "urn:pulumi:unit::proj::test:index:Thing::top",
    }
    assert not any("pulumi:pulumi:Stack" in urn for urn in urns.values())
    by_urn = {r.urn: r for r in rendered.resources}
    assert by_urn[urns["leaf"]].parent == urns["inner"] and by_urn[urns["inner"]].parent == urns["outer"]


def test_a_childs_urn_matches_the_python_sdks_own_create_urn_below_the_root():
    """A second oracle: the SDK's create_urn (pulumi/runtime/resource.py, used for aliases) chains a
    non-root parent's whole qualified type the same way."""
    from pulumi.runtime.resource import create_urn

    with recording("unit", project="proj") as rendered:
        internals.sync_await(internals.run_pulumi_func(_nested))
    leaf = next(r for r in rendered.resources if r.name == "leaf")
    derived: list[str] = []

    async def derive() -> None:
        derived.append(await create_urn("leaf", "test:index:Thing", parent=leaf.parent).future())

    with recording("unit", project="proj"):
        internals.sync_await(derive())
    assert derived == [leaf.urn]


def _id_of(preview: bool, import_id: str = "") -> tuple[bool, object]:
    """Whether the registered resource's id is known once the run is over, and its value."""
    made: list[pulumi.CustomResource] = []
    with recording("unit", preview=preview):
        internals.sync_await(internals.run_pulumi_func(lambda: made.append(pulumi.CustomResource(
            "test:index:Thing", "thing", {"size": 1}, pulumi.ResourceOptions(import_=import_id or None)))))
        known = internals.sync_await(made[0].id.is_known())
        return known, internals.sync_await(made[0].id.future()) if known else None


def test_a_resource_a_first_preview_creates_has_an_unknown_id():
    # pulumi-terraform-bridge pkg/tfbridge/provider.go, Create: in preview the id is the planned
    # state's, empty; the Python SDK resolves an empty id as unknown (register_resource).
    assert _id_of(preview=True) == (False, None)


def test_an_imported_resource_keeps_its_import_id_in_a_preview_and_an_update_gets_an_id():
    assert _id_of(preview=True, import_id="prj_existing") == (True, "prj_existing")
    known, value = _id_of(preview=False)
    assert known and isinstance(value, str) and value.startswith("id-")


REFERENCE_PROGRAM = """
import pulumi

other = pulumi.StackReference("other", "acme/shop/staging")
pulumi.CustomResource("test:index:Thing", "uses-it", {"token": other.require_output("token")})
pulumi.export("token", other.require_output("token"))
"""


def test_a_stack_reference_renders_with_a_note_naming_the_stack_to_deploy_first(tmp_path):
    # The engine reads the referenced stack's outputs from the backend, in preview too, and fails with
    # `unknown stack "acme/shop/staging"` (pkg/backend/backend.go, GetStackOutputs) when it was never
    # deployed; require_output raises KeyError for an output the stack does not export.
    from tools.mockrt import UNKNOWN, UNKNOWN_TEXT, run_program
    from tools.render import stack_doc, stack_markdown

    program = tmp_path / "__main__.py"
    program.write_text(REFERENCE_PROGRAM)
    rendered = run_program("dev", {}, [], project="shop", program=program)
    note = ("this stack reads stack 'acme/shop/staging' (a StackReference), whose outputs synth shows as [unknown]: "
            "`pulumi preview` fails with 'unknown stack \"acme/shop/staging\"' until that stack is deployed, and "
            "require_output raises KeyError for an output it does not export; deploy 'acme/shop/staging' first")
    assert rendered.notes == [note]
    uses = next(r for r in rendered.resources if r.name == "uses-it")
    assert uses.inputs["token"] == UNKNOWN and rendered.outputs["token"] == UNKNOWN
    doc = stack_doc(rendered)
    assert doc["notes"] == [note] and doc["outputs"]["token"] == UNKNOWN_TEXT
    assert f"Note: {note}" in stack_markdown(doc)


def test_a_stack_without_a_stack_reference_has_no_note(tmp_path):
    from tools.mockrt import run_program
    from tools.render import stack_doc

    program = tmp_path / "__main__.py"
    program.write_text("import pulumi\npulumi.CustomResource('test:index:Thing', 'alone', {'size': 1})\n")
    rendered = run_program("dev", {}, [], project="shop", program=program)
    assert rendered.notes == [] and "notes" not in stack_doc(rendered)


def test_synth_prints_the_note_on_stderr(tmp_path, monkeypatch, capsys):
    from tools import mockrt, synth

    program = tmp_path / "__main__.py"
    program.write_text(f"import runpy\nrunpy.run_path({str(mockrt.PROGRAM)!r}, run_name='__main__')\n"
                       + REFERENCE_PROGRAM)
    real = mockrt.run_program
    monkeypatch.setattr(mockrt, "run_program", lambda *a, **k: real(*a, **{**k, "program": program}))
    assert synth.main(["--stack", "production", "--no-policy"]) == 0
    err = capsys.readouterr().err
    assert "synth: stack 'production': note: this stack reads stack 'acme/shop/staging' (a StackReference)" in err


def test_analyze_stack_reads_outputs_in_which_a_first_preview_leaves_computed_values_unknown():
    # pulumi/pulumi step_generator.go: Analyze gets a resource's inputs, AnalyzeStack its outputs; in a
    # preview a Redis database's endpoint and tokens are not known until the provider creates it.
    from google.protobuf import json_format

    from tools.policy.analyzer import analyze_request, analyze_stack_request

    def program() -> None:
        pulumi.CustomResource("upstash:index/redisDatabase:RedisDatabase", "cache", {"databaseName": "c"})
        pulumi.CustomResource("upstash:index/redisDatabase:RedisDatabase", "adopted", {"databaseName": "a"},
                              pulumi.ResourceOptions(import_="db-1"))

    for preview, unknown in ((True, True), (False, False)):
        with recording("unit", preview=preview) as rendered:
            internals.sync_await(internals.run_pulumi_func(program))
        regs = sorted(rendered.resources, key=lambda r: r.name)  # adopted, cache
        stack = [json_format.MessageToDict(r.properties) for r in analyze_stack_request(regs).resources]
        assert stack[0] == {"databaseName": "a"}  # an import reads the existing database
        assert (stack[1].get("endpoint") == internals.UNKNOWN) is unknown and stack[1]["databaseName"] == "c"
        assert json_format.MessageToDict(analyze_request(regs[1]).properties) == {"databaseName": "c"}
