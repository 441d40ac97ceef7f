"""The policies issue 25 added, each on the committed stacks through the Analyzer protocol (synth's
in-process path): a happy path, a violating mutation and its exact message.

- cache-isolation: every Redis credential env var comes from the stack's own RedisDatabase.
- redirect-urls: no *.vercel.app wildcard in the Supabase redirect allow-list but one anchored on
  the team's slug, on the preview tier's own projects.
- internal-access: pre-production protects every deployment, custom domains included.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.policies.helpers import PINNED_TODAY, of, render_committed, running_packs
from tests.policies.test_data_rotation import reg, regs
from tools.policy.committed import committed
from vital.names import PROJECT

CONFIG = {**committed(), **PINNED_TODAY}


@pytest.fixture(scope="module")
def rendered():
    stacks = render_committed()
    slugged = dict(stacks["preview"][1])
    slugged[f"{PROJECT}:vercelTeamSlug"] = "acme"
    stacks["preview-slug"] = (stacks["preview"][0], slugged)
    unslugged = {k: v for k, v in stacks["preview"][1].items() if k != f"{PROJECT}:vercelTeamSlug"}
    stacks["preview-no-slug"] = (stacks["preview"][0], unslugged)
    return stacks


@pytest.fixture(scope="module")
def packs(rendered):
    with running_packs(rendered) as started:
        yield started


@pytest.mark.parametrize("stack", ["production", "pre-production", "preview"])
def test_the_committed_stacks_pass(packs, rendered, stack):
    result = packs[stack].run(regs(rendered, stack), CONFIG)
    for policy in ("cache-isolation", "redirect-urls", "internal-access", "cost-ceiling"):
        assert of(result, policy) == [], policy


def test_a_redis_token_from_elsewhere_fails_cache_isolation(packs, rendered):
    """Preview's token env var no longer built from preview's database: as if it held another tier's token."""
    resources = regs(rendered, "preview")
    token = reg(resources, "vital-expert-env-upstash_redis_rest_token")
    resources[resources.index(token)] = dataclasses.replace(token, property_dependencies={}, dependencies=[])
    found = of(packs["preview"].run(resources, CONFIG), "cache-isolation")
    assert [(v["enforcementLevel"], v["urn"]) for v in found] == [("mandatory", token.urn)]
    assert found[0]["message"] == (
        "ProjectEnvironmentVariable 'vital-expert-env-upstash_redis_rest_token' in tier preview sets "
        "UPSTASH_REDIS_REST_TOKEN from something other than the tier's own RedisDatabase 'vital-expert-preview'; "
        "allowed: only this stack's database's endpoint and token (another tier's read-write token would let this "
        "tier change its data)")


def _allow_list(resources, patterns):
    settings = reg(resources, "supabase-preview-settings")
    settings.inputs["uri_allow_list"] = patterns
    return settings


@pytest.mark.parametrize("pattern, why", [
    ("https://vital-expert-preview-*.vercel.app/**",
     "allowed: vital-expert-preview-*-acme.vercel.app"),
    ("https://*-acme.vercel.app/**", "allowed: vital-expert-preview-*-acme.vercel.app"),
    ("https://vital-expert-preview-**-acme.vercel.app/**", "allowed: vital-expert-preview-*-acme.vercel.app"),
])
def test_an_unanchored_vercel_app_wildcard_fails(packs, rendered, pattern, why):
    resources = regs(rendered, "preview")
    settings = _allow_list(resources, ["https://*.preview.vitalexpert.com/**", pattern])
    found = of(packs["preview-slug"].run(resources, CONFIG), "redirect-urls")
    assert [(v["enforcementLevel"], v["urn"]) for v in found] == [("mandatory", settings.urn)]
    assert found[0]["message"] == (
        f"Supabase settings 'supabase-preview-settings' in tier preview lets Supabase Auth redirect to {pattern!r}, a "
        f"wildcard host on vercel.app other teams' projects can match; {why} (a host under the team's own preview "
        f"suffix needs no vercel.app pattern)")


def test_the_anchored_pattern_passes_and_needs_the_slug(packs, rendered):
    resources = regs(rendered, "preview")
    _allow_list(resources, ["https://vital-expert-preview-*-acme.vercel.app/**"])
    assert of(packs["preview-slug"].run(resources, CONFIG), "redirect-urls") == []
    found = of(packs["preview-no-slug"].run(resources, CONFIG), "redirect-urls")
    assert len(found) == 1 and "config vital-expert-infra:vercelTeamSlug is not set" in found[0]["message"]


def test_no_wildcard_vercel_app_host_outside_preview(packs, rendered):
    resources = regs(rendered, "production")
    settings = reg(resources, "supabase-production-settings")
    settings.inputs["uri_allow_list"] = ["https://app.vitalexpert.com/**", "https://vital-expert-production-*-acme.vercel.app/**"]
    found = of(packs["production"].run(resources, CONFIG), "redirect-urls")
    assert len(found) == 1 and found[0]["message"].endswith(
        "a wildcard host on vercel.app other teams' projects can match; allowed: none in this tier (a host under the "
        "team's own preview suffix needs no vercel.app pattern)")


def test_pre_production_open_to_everyone_fails_internal_access(packs, rendered):
    resources = regs(rendered, "pre-production")
    project = reg(resources, "vital-expert-project")
    project.inputs["vercelAuthentication"] = {"deploymentType": "standard_protection_new"}
    found = of(packs["pre-production"].run(resources, CONFIG), "internal-access")
    assert [(v["enforcementLevel"], v["urn"]) for v in found] == [("mandatory", project.urn)]
    assert found[0]["message"] == (
        "Project 'vital-expert-project' in tier pre-production answers everyone on its production domains "
        "(vercelAuthentication standard_protection_new); allowed: all_deployments, so only the team (and CI, through "
        "its automation bypass) reaches a tier that runs debug mode and the mock API")
