"""tools/protostruct.py answers as google.protobuf.json_format does (the oracle), key order included,
and pulumi-policy's servicer judges alike with it."""

from __future__ import annotations

import json
import math

import pytest
from google.protobuf import json_format, struct_pb2

from tests.stacks import TIERS
from tools import protostruct
from tools.policy.analyzer import properties_of
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


def test_once_per_call_converts_each_distinct_struct_once_and_passes_the_rest_on():
    memo, struct = protostruct.OncePerCall(), _every_kind()
    copy = struct_pb2.Struct()
    copy.CopyFrom(struct)
    first = memo.MessageToDict(struct)
    assert memo.MessageToDict(copy) is first and first == json_format.MessageToDict(struct)
    assert len(memo._seen) == 1
    value = struct_pb2.Value(string_value="x")  # not a Struct: json_format's own answer
    assert memo.MessageToDict(value) == "x" and memo.ParseDict is json_format.ParseDict
    assert memo.MessageToDict(struct, preserving_proto_field_name=True) is not first


def test_the_pack_judges_every_committed_stack_alike_with_conversions_shared(rendered, monkeypatch):
    def judged(stack):
        synthesized = rendered[stack]
        with InProcessPack(synthesized.rendered.project, stack, synthesized.config) as pack:
            return pack.run(synthesized.rendered.resources)

    shared = {stack: judged(stack) for stack in TIERS}
    # Each servicer call with google.protobuf.json_format itself, as pulumi-policy runs it.
    original = internals.policy_json_format
    monkeypatch.setattr(internals, "policy_json_format", lambda _replacement: original(json_format))
    assert {stack: judged(stack) for stack in TIERS} == shared
    assert any(result["violations"] for result in shared.values())  # production has advisories: not an empty comparison
