"""UpstashCache and SupabaseProject, each built alone from its spec."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from components.specs import CacheSpec, SupabaseProjectSpec
from components.supabase.project import SupabaseProject
from components.upstash_cache import UpstashCache
from tests.components.conftest import build, of_type, one



def test_an_owned_cache_is_a_protected_retained_tls_database(recorder):
    spec = CacheSpec(database_name="vital-expert-production", primary_region="us-east-1",
                     eviction=False, budget_usd=35, protect=True, retain_on_delete=True)
    build(lambda: UpstashCache("cache", spec))
    redis = one(recorder, ":RedisDatabase")
    assert redis.protect and redis.retain_on_delete
    assert redis.inputs["budget"] == 35
    assert redis.inputs["tls"] is True and redis.inputs["eviction"] is False and redis.inputs["primaryRegion"] == "us-east-1"
    assert of_type(recorder, "StackReference") == []


def test_a_cache_without_a_budget_leaves_the_provider_default(recorder):
    spec = CacheSpec(database_name="vital-expert-dev", primary_region="us-east-1", eviction=True)
    build(lambda: UpstashCache("cache", spec))
    assert "budget" not in one(recorder, ":RedisDatabase").inputs


def test_a_cache_is_always_its_own_database():
    """No spec describes reading another stack's cache (issue 25: preview owns its Redis)."""
    with pytest.raises(ValidationError):
        CacheSpec(shared_stack="organization/vital-expert-infra/pre-production")


def test_supabase_settings_from_the_spec(recorder):
    spec = SupabaseProjectSpec(project_ref="a" * 20, pool_size=100,
                               site_url="https://app.example.com", uri_allow_list=("https://app.example.com/**",),
                               backup_policy="daily+pitr", anon_key="public", protect=True)
    project = build(lambda: SupabaseProject("supabase", spec))
    assert project.outputs.url == f"https://{'a' * 20}.supabase.co" and project.outputs.anon_key == "public"
    settings = one(recorder, "pulumi-python:dynamic:Resource")
    assert settings.protect and settings.name == "supabase-settings"
    assert settings.inputs["default_pool_size"] == 100 and settings.inputs["backup_policy"] == "daily+pitr"
    assert settings.inputs["uri_allow_list"] == ["https://app.example.com/**"]
    assert "allowed_cidrs" not in settings.inputs or settings.inputs["allowed_cidrs"] is None
    assert "access_token" not in settings.inputs  # the provider reads SUPABASE_ACCESS_TOKEN; state never holds it
