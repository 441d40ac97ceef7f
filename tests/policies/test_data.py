"""The data-service rules (policies/vital_policies/data.py) called directly: isolation's Supabase and
Redis checks, backups, data-budget and cache-isolation, each message whole and each boundary.
Pure function calls: `make mutate` runs this file first for data.py.
"""

from __future__ import annotations

import pytest

from tests.policies.helpers import (
    T_ENV, T_ENVS, T_REDIS, T_SUPABASE, Fake, UNKNOWN, changed, data_fakes, resource_args, run, secret, stack_args,
    stack_runtime,
)
from vital_policies import data

SETTINGS = "supabase-production-settings"
REDIS = "cache-production-redis"
REFS = {"production": "vitalprodxxxxxxxxxxx", "pre-production": "vitaldevxxxxxxxxxxxx", "preview": "vitalpreviewxxxxxxxx"}


def isolation(tier, fake, refs=None):
    with stack_runtime(tier):
        return [r.message for r in run(data.isolation, resource_args(fake, {"supabaseProjectRefs": refs or {}}))]


def stack_rule(rule, fakes, tier="production", config=None):
    with stack_runtime(tier):
        return [r.message for r in run(rule, stack_args(fakes, config or {}))]


def _settings(tier="production", **inputs):
    fake = next(f for f in data_fakes(tier) if f.type == T_SUPABASE)
    fake.inputs.update(inputs)
    return fake


# ---- isolation: Supabase projects and Redis databases ---------------------------------------------


@pytest.mark.parametrize("refs, allowed", [
    (REFS, "tier preview's own project ('vitalpreviewxxxxxxxx')"),
    ({"production": REFS["production"]}, "a project no other tier uses"),  # this tier's own ref not given
    ({"production": REFS["production"], "preview": REFS["production"]}, "a project no other tier uses"),
])
def test_a_supabase_project_of_another_tier(refs, allowed):
    fake = _settings("preview", project_ref=REFS["production"])
    assert isolation("preview", fake, refs) == [
        f"Supabase settings 'supabase-preview-settings' in tier preview uses Supabase project 'vitalprodxxxxxxxxxxx', "
        f"which is tier production's; allowed: {allowed}"]
    assert isolation("preview", _settings("preview"), refs if refs is REFS else None) == []


def test_a_redis_database_of_another_tier():
    fake = changed(data_fakes("preview"), "cache-preview-redis", lambda i: i.update(databaseName="vital-expert-dev"))[-1]
    assert isolation("preview", fake) == [
        "RedisDatabase 'cache-preview-redis' in tier preview is named 'vital-expert-dev', which is tier pre-production's "
        "database; allowed: the tier's own, 'vital-expert-preview'"]


# ---- backups ------------------------------------------------------------------------------------

NO_SETTINGS = ("stack production (tier production) has no Supabase settings resource, so nothing records its database "
               "backups; allowed: one recording backup_policy 'daily+pitr'")
CHOICES = "daily+pitr, daily, none"


@pytest.mark.parametrize("inputs, config, found", [
    ({"backup_policy": None}, {}, [f"Supabase settings '{SETTINGS}' records no backup_policy; allowed: one of {CHOICES}"]),
    ({"backup_policy": None}, {"requirePitrTiers": ["production"]}, [
        f"Supabase settings '{SETTINGS}' records no backup_policy; allowed: one of {CHOICES} ('daily+pitr' in tier "
        "production)"]),
    ({"backup_policy": "hourly"}, {}, [
        f"Supabase settings '{SETTINGS}' records a backup_policy that is not one of them (value not shown); allowed: "
        f"one of {CHOICES}"]),
    ({"backup_policy": "daily"}, {"requirePitrTiers": ["production"]}, [
        f"Supabase settings '{SETTINGS}' in tier production records a backup_policy without point-in-time recovery; "
        "allowed: 'daily+pitr' (daily backups with point-in-time recovery)"]),
    ({"backup_policy": "daily+pitr", "pitr_enabled": False, "observation_errors": {}}, {"requirePitrTiers": ["production"]}, [
        f"Supabase settings '{SETTINGS}' in tier production: Supabase reports point-in-time recovery off (pitr_enabled: "
        "false); allowed: PITR on (the project's PITR add-on), as 'daily+pitr' declares"]),
    ({"backup_policy": "daily+pitr", "observation_errors": {"backups": "403"}}, {"requirePitrTiers": ["production"]}, [
        f"Supabase settings '{SETTINGS}' in tier production: Supabase's backups could not be read (403); allowed: a token "
        "that can read them (backups_read), reporting point-in-time recovery on"]),
    ({"backup_policy": "daily+pitr", "pitr_enabled": True, "observation_errors": {}}, {"requirePitrTiers": ["production"]},
     []),
    ({"backup_policy": "none"}, {}, []),
])
def test_backups_messages_in_full(inputs, config, found):
    fakes = [f for f in data_fakes("production") if f.type != T_SUPABASE]
    fakes.append(_settings(**{k: v for k, v in inputs.items() if v is not None}))
    if inputs.get("backup_policy", "") is None:
        fakes[-1].inputs.pop("backup_policy")
    assert stack_rule(data.backups, fakes, config=config) == found


def test_backups_need_the_settings_resource_in_production_or_a_pitr_tier():
    redis_only = [f for f in data_fakes("production") if f.type == T_REDIS]
    assert stack_rule(data.backups, redis_only) == [NO_SETTINGS]
    preview = [f for f in data_fakes("preview") if f.type == T_REDIS]
    assert stack_rule(data.backups, preview, "preview") == []
    assert stack_rule(data.backups, preview, "preview", {"requirePitrTiers": ["preview"]})[0].startswith(
        "stack preview (tier preview) has no Supabase settings resource")


# ---- data-budget ---------------------------------------------------------------------------------

BUDGET = ("RedisDatabase 'cache-production-redis' in tier production {}; at $20 a month or less Upstash throttles the "
          "database until the next month; allowed: a budget above 20 (config vital-expert-infra:upstashBudget, tier table)")


@pytest.mark.parametrize("budget, found", [
    (None, "sets no budget (the provider's default)"),
    (20.0, "has budget 20 USD"),
    (19.5, "has budget 19.5 USD"),
    (21.0, None),
])
def test_data_budget_at_and_beside_the_providers_default(budget, found):
    fakes = changed(data_fakes("production"), REDIS, lambda i: i.pop("budget") if budget is None else i.update(budget=budget))
    assert stack_rule(data.data_budget, fakes) == ([BUDGET.format(found)] if found else [])


def test_data_budget_judges_only_redis_databases_in_its_tiers():
    fakes = changed(data_fakes("production"), REDIS, lambda i: i.update(budget=5.0))
    assert stack_rule(data.data_budget, fakes, config={"tiers": ["preview"]}) == []
    supabase_with_a_budget = [_settings(budget=5.0)]
    assert stack_rule(data.data_budget, supabase_with_a_budget) == []


# ---- cache-isolation -------------------------------------------------------------------------------

CACHE = ("{} in tier production sets {} from something other than the tier's own RedisDatabase 'vital-expert-production'; "
         "allowed: only this stack's database's endpoint and token (another tier's read-write token would let this tier "
         "change its data)")


def _env(key, source=None, name=None):
    return Fake(T_ENV, name or f"env-{key.lower()}", {"key": key, "value": secret("x"), "sensitive": True,
                                                        "projectId": "prj", "targets": ["production"]},
                deps={"value": [source]} if source else {})


def test_cache_isolation_wants_both_redis_credentials_from_the_tiers_own_database():
    fakes = [*data_fakes("production"), _env("UPSTASH_REDIS_REST_URL", REDIS), _env("UPSTASH_REDIS_REST_TOKEN", REDIS)]
    assert stack_rule(data.cache_isolation, fakes) == []
    pasted = [*data_fakes("production"), _env("UPSTASH_REDIS_REST_URL"), _env("UPSTASH_REDIS_REST_TOKEN"),
              _env("OTHER_URL")]
    assert stack_rule(data.cache_isolation, pasted) == [
        CACHE.format("ProjectEnvironmentVariable 'env-upstash_redis_rest_url'", "UPSTASH_REDIS_REST_URL"),
        CACHE.format("ProjectEnvironmentVariable 'env-upstash_redis_rest_token'", "UPSTASH_REDIS_REST_TOKEN")]
    assert stack_rule(data.cache_isolation, pasted, config={"tiers": ["preview"]}) == []


def test_cache_isolation_counts_only_the_tiers_own_database_as_a_source():
    other = Fake(T_REDIS, "other-redis", {"databaseName": "vital-expert-dev"})
    fakes = [*data_fakes("production"), other, _env("UPSTASH_REDIS_REST_TOKEN", "other-redis")]
    assert stack_rule(data.cache_isolation, fakes) == [
        CACHE.format("ProjectEnvironmentVariable 'env-upstash_redis_rest_token'", "UPSTASH_REDIS_REST_TOKEN")]


def test_cache_isolation_reads_the_bulk_resource():
    bulk = Fake(T_ENVS, "bulk", {"projectId": "prj", "variables": [
        {"key": "UPSTASH_REDIS_REST_TOKEN", "value": secret("x"), "sensitive": True},
        {"key": "LOG_LEVEL", "value": secret("info"), "sensitive": False}]})
    assert stack_rule(data.cache_isolation, [*data_fakes("production"), bulk]) == [
        CACHE.format("ProjectEnvironmentVariables 'bulk'", "UPSTASH_REDIS_REST_TOKEN")]
    bulk.deps = {"variables": [REDIS]}
    assert stack_rule(data.cache_isolation, [*data_fakes("production"), bulk]) == []
    empty = Fake(T_ENVS, "empty", {"projectId": "prj"})
    assert stack_rule(data.cache_isolation, [*data_fakes("production"), empty]) == []
    assert UNKNOWN  # an unknown key matches nothing: peek() reads it as None
