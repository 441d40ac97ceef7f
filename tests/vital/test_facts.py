"""The facts table against the pinned providers' own data, where the providers carry it."""

from __future__ import annotations

import re

import upstash_pulumi

from vital import facts


def test_upstash_regions_are_the_providers_list():
    doc = upstash_pulumi.RedisDatabaseArgs.primary_region.__doc__
    listed = re.search(r"Can be one of \[([^\]]+)\]", doc, re.S).group(1)
    assert tuple(r.strip() for r in listed.split(",")) == facts.UPSTASH_PRIMARY_REGIONS


def test_vercel_authentication_types_are_the_providers_list():
    import pulumiverse_vercel as vercel

    doc = vercel.ProjectVercelAuthenticationArgs.deployment_type.__doc__
    for value in facts.VERCEL_AUTH_DEPLOYMENT_TYPES:
        assert f"`{value}`" in doc, value


def test_retention_values_are_the_providers_list():
    import pulumiverse_vercel as vercel

    doc = vercel.ProjectDeploymentRetentionArgs.expiration_preview.__doc__
    for value in facts.RETENTION_VALUES:
        assert value in doc, value


def test_the_retention_defaults_the_program_sends_are_values_the_provider_takes():
    """The one check of the non-preview retention values (the spec holds none: one home per rule)."""
    assert set(facts.RETENTION_PROVIDER_DEFAULTS) == {"production", "errored", "canceled"}
    assert all(value in facts.RETENTION_VALUES for value in facts.RETENTION_PROVIDER_DEFAULTS.values())
