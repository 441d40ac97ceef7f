"""The dynamic resource registers as Pulumi's Python dynamic resource, with no credential among
its inputs: dynamic-resource inputs are stored in state, which every role that decrypts the stack
reads (components/supabase/resource.py; the provider reads SUPABASE_ACCESS_TOKEN itself)."""

from __future__ import annotations

import asyncio

import pulumi

from components.supabase.resource import SupabaseProjectSettings

from .support import REF, SITE, URIS
from vital.names import PROJECT


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources.append(args)
        return args.inputs.get("project_ref", args.name), dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}, None


def test_resource_registers_as_a_dynamic_resource_without_a_token():
    mocks = _Mocks()
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="test", preview=False)

    @pulumi.runtime.test
    def check():
        settings = SupabaseProjectSettings(
            "supabase-settings",
            project_ref=REF,
            default_pool_size=20,
            site_url=SITE,
            uri_allow_list=URIS,
        )

        def verify(values):
            (args,) = mocks.resources
            assert args.typ == "pulumi-python:dynamic:Resource"
            assert "access_token" not in args.inputs
            assert set(args.inputs) == {"__provider", "project_ref", "default_pool_size", "site_url", "uri_allow_list",
                                        "api_url", "timeout_seconds", "max_attempts", "retry_base_delay_seconds",
                                        "max_retry_sleep_seconds"}
            assert args.inputs["api_url"] == "https://api.supabase.com"
            project_ref, default_pool_size = values
            assert project_ref == REF and default_pool_size == 20

        return pulumi.Output.all(settings.project_ref, settings.default_pool_size).apply(verify)

    check()
