"""tools/protostruct.py answers as google.protobuf.json_format does (the oracle), key order included;
pulumi-policy's servicer judges alike with its once-per-call conversions, and a policy that writes
into the shared props is refused."""

from __future__ import annotations

import contextlib
import json
import math
import textwrap

import pytest
from google.protobuf import json_format, struct_pb2
from pulumi_policy import proxy as upstream_proxy

from tests.stacks import TIERS
from tools import protostruct
from tools.policy.analyzer import properties_of
from tools.policy.errors import PolicyPackError
from tools.policy.inprocess import InProcessPack
from tools.synth import synthesize
from vital import pulumi_internals as internals


@pytest.fixture(scope="module")
def rendered():
    return {stack: synthesize(stack) for stack in TIERS}


def _every_kind() -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update({"text": "é \u2028 x", "empty": "", "yes": True, "no": False, "none": None, "int": 3, "float": 0.5,
                   "neg": -1e300, "list": [1, "a", None, [], {}, [True, {"deep": [2.5]}]], "map": {"z": 1, "a": {}},
                   "zero": 0})
    struct.fields["unset"].CopyFrom(struct_pb2.Value())  # a Value with no kind: null to json_format
    return struct


def _same(struct: struct_pb2.Struct) -> None:
    mine, theirs = protostruct.to_dict(struct), json_format.MessageToDict(struct)
    assert json.dumps(mine) == json.dumps(theirs)  # equal, in the same key order
    assert mine == theirs


def test_every_kind_of_value_as_json_format_gives_it():
    _same(_every_kind())
    _same(struct_pb2.Struct())


@pytest.mark.parametrize("number", [math.inf, -math.inf, math.nan])
def test_a_number_json_cannot_hold_is_refused_as_json_format_refuses_it(number):
    struct = struct_pb2.Struct()
    struct["n"] = number
    with pytest.raises(ValueError) as theirs:
        json_format.MessageToDict(struct)
    with pytest.raises(ValueError) as mine:
        protostruct.to_dict(struct)
    assert str(mine.value) == str(theirs.value)


def test_every_committed_resources_inputs_as_json_format_gives_them(rendered):
    for synthesized in rendered.values():
        for struct in properties_of(synthesized.rendered.resources):
            _same(struct)


def test_once_per_call_converts_each_struct_once_and_passes_the_rest_on():
    memo, struct = protostruct.OncePerCall(), _every_kind()
    first = memo.MessageToDict(struct)
    assert memo.MessageToDict(struct) is first and first == json_format.MessageToDict(struct)
    # Keyed by the message itself: a request's field is the same object each time it is read.
    request = struct_pb2.ListValue()
    request.values.add().struct_value.CopyFrom(struct)
    assert memo.MessageToDict(request.values[0].struct_value) is memo.MessageToDict(request.values[0].struct_value)
    copy = struct_pb2.Struct()
    copy.CopyFrom(struct)
    assert memo.MessageToDict(copy) is not first and memo.MessageToDict(copy) == first
    value = struct_pb2.Value(string_value="x")  # not a Struct: json_format's own answer
    assert memo.MessageToDict(value) == "x" and memo.ParseDict is json_format.ParseDict
    assert memo.MessageToDict(struct, preserving_proto_field_name=True) is not first


def test_once_per_call_deserializes_and_wraps_each_converted_struct_once():
    memo = protostruct.OncePerCall()
    props = memo.MessageToDict(_every_kind())
    wrapped = memo.unknown_checking_proxy(memo.deserialize_properties(props))
    assert memo.unknown_checking_proxy(memo.deserialize_properties(props)) is wrapped
    assert dict(wrapped)["map"]["z"] == 1 and wrapped["list"][5][1]["deep"][0] == 2.5
    other = memo.MessageToDict(struct_pb2.Struct(fields={"k": struct_pb2.Value(string_value="v")}))
    assert memo.deserialize_properties(other) is not memo.deserialize_properties(props)
    # With more arguments (Remediate's proxy_secrets), pulumi-policy's own step, every time.
    assert memo.deserialize_properties(props, True) is not memo.deserialize_properties(props, True)


def test_the_pack_judges_every_committed_stack_alike_with_conversions_shared(rendered, monkeypatch):
    def judged(stack):
        synthesized = rendered[stack]
        with InProcessPack(synthesized.rendered.project, stack, synthesized.config) as pack:
            return pack.run(synthesized.rendered.resources)

    shared = {stack: judged(stack) for stack in TIERS}
    # Each servicer call with pulumi-policy's own json_format, deserialize_properties and proxy.
    monkeypatch.setattr(internals, "policy_conversions", lambda _once: contextlib.nullcontext())
    assert {stack: judged(stack) for stack in TIERS} == shared
    assert any(result["violations"] for result in shared.values())  # production has advisories: not an empty comparison


def test_writes_into_the_shared_props_are_refused_for_the_call_only():
    upstream = upstream_proxy.unknown_checking_proxy({"a": {"b": 1}})
    with internals.policy_conversions(protostruct.OncePerCall()):
        with pytest.raises(TypeError, match="a policy wrote 'b' into a resource's props"):
            upstream["a"]["b"] = 2
    upstream["a"]["b"] = 2  # pulumi-policy's own setter again after the call
    assert upstream["a"]["b"] == 2


@pytest.mark.parametrize("kind", ["ResourceValidationPolicy", "StackValidationPolicy"])
def test_a_policy_writing_into_props_is_one_line_naming_the_call(tmp_path, rendered, kind):
    write = "args.props['name'] = 'x'" if kind == "ResourceValidationPolicy" else "args.resources[0].props['name'] = 'x'"
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.9\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(f"""
        from pulumi_policy import EnforcementLevel, PolicyPack, {kind}

        def validate(args, report):
            {write}

        PolicyPack(name="writer", enforcement_level=EnforcementLevel.MANDATORY,
                   policies=[{kind}(name="writes", description="Writes.", validate=validate)])
    """))
    synthesized = rendered["preview"]
    with InProcessPack(synthesized.rendered.project, "preview", synthesized.config, pack_dir=tmp_path) as pack:
        with pytest.raises(PolicyPackError) as err:
            pack.run(synthesized.rendered.resources)
    call = "Analyze" if kind == "ResourceValidationPolicy" else "AnalyzeStack"
    assert str(err.value) == (
        f"policy pack writer@v0.0.9: {call} failed with TypeError: a policy wrote 'name' into a resource's props; "
        "pulumi-policy gives each policy its own copy, synth's in-process pack one shared by every policy of a "
        "call, so a policy must only read them"
    )
