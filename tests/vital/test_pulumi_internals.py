"""The SDK internals the project uses (vital/pulumi_internals.py) still behave as relied on.

An SDK upgrade that moves or changes one fails here, naming it, rather than quietly breaking
synth, the config checks or the policy tests.
"""

from __future__ import annotations

import os

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
    assert wrapped[internals.SECRET_SIG_KEY] == internals.SECRET_SIG_VALUE and wrapped["value"] == "canary"
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


def test_analyzer_runtime_hides_the_clis_variables_and_restores_everything(monkeypatch):
    monkeypatch.setenv("PULUMI_STACK", "from-env")
    monkeypatch.setenv("PULUMI_CONFIG", '{"proj:key": "from-env"}')
    pulumi.runtime.set_all_config({"proj:key": "outer", "proj:secret": "s"}, ["proj:secret"])
    with internals.analyzer_runtime("proj", "canary-stack", {"proj:key": "inner"}):
        assert pulumi.get_stack() == "canary-stack" and pulumi.Config("proj").get("key") == "inner"
        assert "PULUMI_STACK" not in os.environ and "PULUMI_CONFIG" not in os.environ
        assert not internals.is_config_secret("proj:secret")  # the CLI passes a pack no secret keys
    assert os.environ["PULUMI_STACK"] == "from-env" and os.environ["PULUMI_CONFIG"] == '{"proj:key": "from-env"}'
    assert pulumi.Config("proj").get("key") == "outer" and internals.is_config_secret("proj:secret")


def test_load_policy_pack_builds_the_servicer_the_pack_would_serve(tmp_path):
    (tmp_path / "__main__.py").write_text(
        "from pulumi_policy import PolicyPack, ResourceValidationPolicy\n"
        "PolicyPack(name='tiny', description='d', policies=[ResourceValidationPolicy(\n"
        "    name='never', description='Never fails.', validate=lambda args, report: None)])\n")
    servicer = internals.load_policy_pack(tmp_path)
    info = servicer.GetAnalyzerInfo(None, None)
    assert (info.name, info.version, info.description, [p.name for p in info.policies]) == ("tiny", "0.0.1", "d", ["never"])
    assert info.policies[0].enforcementLevel == 0  # advisory: the PolicyPack default
    import pulumi_policy

    assert pulumi_policy.PolicyPack.__name__ == "PolicyPack"  # put back


def test_without_source_positions_skips_the_stack_trace_then_restores_it():
    import pulumi.runtime.resource as resource

    original = resource._get_stack_trace
    assert len(original().frames) == 0  # no resource constructor on the stack: the SDK's own empty answer
    with internals.without_source_positions():
        assert resource._get_stack_trace is not original and resource._get_stack_trace().frames == []
    assert resource._get_stack_trace is original
