"""The dynamic resource registers as Pulumi's Python dynamic resource with a secret token
(components/supabase/resource.py)."""

from __future__ import annotations

import asyncio

import pulumi
from pulumi.runtime import rpc

from components.supabase.resource import SupabaseProjectSettings, resource_options

from .support import REF, SITE, TOKEN, URIS
from vital.names import PROJECT


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources.append(args)
        return args.inputs.get("project_ref", args.name), dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}, None


def test_resource_registers_as_a_dynamic_resource_with_a_secret_token():
    mocks = _Mocks()
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="test", preview=False)

    @pulumi.runtime.test
    def check():
        settings = SupabaseProjectSettings(
            "supabase-settings",
            project_ref=REF,
            access_token=TOKEN,
            default_pool_size=20,
            site_url=SITE,
            uri_allow_list=URIS,
        )

        def verify(values):
            (args,) = mocks.resources
            assert args.typ == "pulumi-python:dynamic:Resource"
            assert rpc.is_rpc_secret(args.inputs["access_token"])
            assert "__provider" in args.inputs
            assert args.inputs["api_url"] == "https://api.supabase.com"
            assert "allowed_cidrs" not in args.inputs
            project_ref, default_pool_size = values
            assert project_ref == REF and default_pool_size == 20

        return pulumi.Output.all(settings.project_ref, settings.default_pool_size).apply(verify)

    check()
    assert resource_options().additional_secret_outputs == ["access_token"]
    merged = resource_options(pulumi.ResourceOptions(protect=True, additional_secret_outputs=["original"]))
    assert merged.protect is True and sorted(merged.additional_secret_outputs) == ["access_token", "original"]
