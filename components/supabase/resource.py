"""``SupabaseProjectSettings``: the settings of an existing Supabase project as a Pulumi
dynamic resource, served by ``provider.SupabaseSettingsProvider``.

Its type token is ``pulumi-python:dynamic:Resource`` (every Python dynamic resource has it)
and its inputs keep their snake_case names; the policy pack recognises it by them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi.dynamic

from .client import (
    DEFAULT_API_URL,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_SLEEP_SECONDS,
    DEFAULT_RETRY_BASE_DELAY_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
)
from .provider import SupabaseSettingsProvider


class SupabaseProjectSettings(pulumi.dynamic.Resource):
    """Settings of an existing Supabase project (type ``pulumi-python:dynamic:Resource``).

    Outputs: the inputs below and ``original``,
    the settings found at adoption, which ``delete`` restores:
    ``{"pooler": {"default_pool_size"}, "auth": {"site_url", "uri_allow_list"},
    "network_restrictions": {"dbAllowedCidrs", "dbAllowedCidrsV6"}}`` (the last
    only while ``allowed_cidrs`` is managed), as the API returned them.
    """

    project_ref: pulumi.Output[str]
    default_pool_size: pulumi.Output[int]
    site_url: pulumi.Output[str]
    uri_allow_list: pulumi.Output[list]
    allowed_cidrs: pulumi.Output[list | None]
    api_url: pulumi.Output[str]
    timeout_seconds: pulumi.Output[float]
    max_attempts: pulumi.Output[int]
    retry_base_delay_seconds: pulumi.Output[float]
    max_retry_sleep_seconds: pulumi.Output[float]
    backup_policy: pulumi.Output[str | None]
    original: pulumi.Output[dict]

    def __init__(
        self,
        resource_name: str,
        *,
        project_ref: pulumi.Input[str],
        default_pool_size: pulumi.Input[int],
        site_url: pulumi.Input[str],
        uri_allow_list: pulumi.Input[Sequence[pulumi.Input[str]]],
        allowed_cidrs: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        api_url: pulumi.Input[str] = DEFAULT_API_URL,
        timeout_seconds: pulumi.Input[float] = DEFAULT_TIMEOUT_SECONDS,
        max_attempts: pulumi.Input[int] = DEFAULT_MAX_ATTEMPTS,
        retry_base_delay_seconds: pulumi.Input[float] = DEFAULT_RETRY_BASE_DELAY_SECONDS,
        max_retry_sleep_seconds: pulumi.Input[float] = DEFAULT_MAX_RETRY_SLEEP_SECONDS,
        backup_policy: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "project_ref": project_ref,
            "default_pool_size": default_pool_size,
            "site_url": site_url,
            "uri_allow_list": uri_allow_list,
            "allowed_cidrs": allowed_cidrs,
            "api_url": api_url,
            "timeout_seconds": timeout_seconds,
            "max_attempts": max_attempts,
            "retry_base_delay_seconds": retry_base_delay_seconds,
            "max_retry_sleep_seconds": max_retry_sleep_seconds,
            "backup_policy": backup_policy,
            "original": None,  # output only
        }
        # No credential among the inputs: the provider reads SUPABASE_ACCESS_TOKEN from its
        # process's environment at each call (provider.py), so state never holds the token.
        super().__init__(SupabaseSettingsProvider(), resource_name, props, opts)
