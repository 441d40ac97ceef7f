"""The cost model (vital/costs.py): each tier's monthly cost from its priced settings, prices from the facts table."""

from __future__ import annotations

import json

import pytest

from tools.policy.committed import committed, merged, pack_config
from vital import costs, facts
from vital.names import PROJECT
from vital.stackfile import committed_config


def modelled(tier: str, **config) -> costs.TierCost:
    return costs.model(costs.priced(tier, lambda key: config.get(key)))


def test_the_committed_stacks_as_the_readme_tables_them():
    totals = {tier: costs.from_config(tier, committed_config(tier), PROJECT).totals()
              for tier in ("production", "pre-production", "preview")}
    assert totals == {"production": {"vercel": 50, "supabase": 30, "upstash": 35},
                      "pre-production": {"vercel": 0, "supabase": 10, "upstash": 10},
                      "preview": {"vercel": 100, "supabase": 10, "upstash": 5}}
    for service, ceiling in facts.SEED_MONTHLY_CEILINGS_USD.items():
        assert sum(t[service] for t in totals.values()) <= ceiling, service


def test_each_line_is_a_price_from_the_facts_table():
    cost = modelled("production", vercelAddons=json.dumps(["observability_plus", "preview_deployment_suffix"]),
                    supabaseBackups="daily+pitr", supabaseCompute="medium", upstashBudget="40")
    assert [(line.service, line.item, line.usd) for line in cost.lines] == [
        ("vercel", "2 Pro seats", 2 * facts.VERCEL_PRO_SEAT_USD),
        ("vercel", "observability_plus", facts.VERCEL_ADDON_USD["observability_plus"]),
        ("vercel", "preview_deployment_suffix", facts.VERCEL_ADDON_USD["preview_deployment_suffix"]),
        ("supabase", "Pro plan (the organization's)", facts.SUPABASE_PRO_PLAN_USD),
        ("supabase", "medium compute", facts.SUPABASE_COMPUTE["medium"].monthly_usd),
        ("supabase", "compute credits (the organization's)", -facts.SUPABASE_COMPUTE_CREDITS_USD),
        ("supabase", "point-in-time recovery (7 days)", facts.SUPABASE_PITR_7_DAYS_USD),
        ("upstash", "Redis database at its budget", 40)]
    assert cost.totals() == {"vercel": 150, "supabase": 175, "upstash": 40} and cost.total() == 365


@pytest.mark.parametrize("plan, addons, vercel", [
    ("hobby", [], 0),  # no seat price on Hobby
    ("enterprise", ["preview_deployment_suffix"], 0),  # a custom contract; the suffix is included on Enterprise
    ("pro", ["password_protection"], 2 * facts.VERCEL_PRO_SEAT_USD + facts.VERCEL_ADDON_USD["password_protection"]),
])
def test_the_plan_decides_what_an_add_on_costs(plan, addons, vercel):
    assert modelled("production", vercelPlan=plan, vercelAddons=json.dumps(addons)).total("vercel") == vercel


def test_a_database_without_a_budget_costs_the_provider_default():
    cost = costs.model(costs.priced("preview", lambda key: None, redis_budgets=(None,)))
    assert cost.total("upstash") == facts.UPSTASH_DEFAULT_BUDGET_USD


def test_the_committed_pack_config_carries_refs_and_costs_and_the_user_wins():
    config = committed()
    assert config["cost-ceiling"]["tierCosts"]["preview"] == {"vercel": 100, "supabase": 10, "upstash": 5}
    assert set(config["isolation"]["supabaseProjectRefs"]) == {"production", "pre-production", "preview"}
    mine = merged(config, {"cost-ceiling": {"ceilings": {"supabase": 150}}, "isolation": "advisory"})
    assert mine["cost-ceiling"]["ceilings"] == {"supabase": 150} and "tierCosts" in mine["cost-ceiling"]
    assert mine["isolation"]["enforcementLevel"] == "advisory" and "supabaseProjectRefs" in mine["isolation"]
    # A config the checks refuse leaves its tier's costs out (the render says why, in one line).
    broken = pack_config({"production": {f"{PROJECT}:vercelSeats": "many"}})
    assert broken["cost-ceiling"]["tierCosts"] == {}
