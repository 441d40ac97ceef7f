"""The SDK internals the project uses (vital/pulumi_internals.py) still behave as relied on.

An SDK upgrade that moves or changes one fails here, naming it, rather than quietly breaking
synth, the config checks or the policy tests.
"""

from __future__ import annotations

import pulumi
import pytest
from google.protobuf import json_format
from pulumi_policy import ResourceValidationArgs

from vital import pulumi_internals as internals


def test_a_missing_internal_is_one_clear_error():
    with pytest.raises(ImportError, match=r"pulumi\.runtime\.rpc\.no_such_name.*update the adapter"):
        internals._require("pulumi.runtime.rpc", "no_such_name")


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return args.name, args.inputs

    def call(self, args):
        return {}


def test_secret_wrapper_is_what_the_sdk_serializes():
    # With a monitor that supports secrets (the mock one does, as the engine does), a secret
    # is sent wrapped.
    pulumi.runtime.set_mocks(_Mocks(), project="p", stack="s", preview=True)

    async def serialize():
        return await internals.serialize_properties({"s": pulumi.Output.secret("canary")}, {})

    struct = internals.sync_await(serialize())
    wrapped = json_format.MessageToDict(struct)["s"]
    assert internals.is_secret(wrapped) and wrapped["value"] == "canary"
    # The engine's wire constants, pinned: other processes (the CLI, pulumi-policy) use them too.
    assert (internals.SECRET_SIG_KEY, internals.SECRET_SIG_VALUE) == (
        "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")
    assert internals.UNKNOWN == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def test_config_reads_what_the_runtime_holds():
    pulumi.runtime.set_all_config({"p:plain": "1", "p:hidden": "x"}, ["p:hidden"])
    assert internals.all_config() == {"p:plain": "1", "p:hidden": "x"}
    assert internals.is_config_secret("p:hidden") and not internals.is_config_secret("p:plain")


def test_stack_runtime_points_get_stack_and_config_at_a_stack_then_restores():
    before = pulumi.get_stack()
    with internals.stack_runtime("proj", "canary-stack", {"proj:key": "v"}):
        assert pulumi.get_stack() == "canary-stack"
        assert pulumi.Config("proj").get("key") == "v"
    assert pulumi.get_stack() == before


def test_not_applicable_is_what_a_rule_raises():
    args = ResourceValidationArgs(resource_type="t", props={}, urn="u", name="n", opts=None, provider=None, config={})
    with pytest.raises(internals.not_applicable_error()) as raised:
        args.not_applicable("why")
    assert raised.value.reason == "why"


def test_reset_program_state_forgets_the_root_resource():
    internals.reset_program_state()
    assert internals.root_resource() is None
