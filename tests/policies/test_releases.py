"""release-gates, slo-alerts and cost-ceiling, called as pulumi-policy calls them, on fake stacks."""

from __future__ import annotations

import pytest

from tests.policies.helpers import (
    T_PROJECT, Fake, changed, data_fakes, fake_stack, find, run, stack_args, stack_runtime, without,
)
from vital.names import TIERS
from vital_policies import costs, releases

CHECK = "vital-expert-release-check-test"
ROLLING = "vital-expert-release-rolling-release"
ERRORS = "vital-expert-alerts-errors"
LATENCY = "vital-expert-alerts-latency"


@pytest.mark.parametrize("tier", TIERS)
def test_release_gates_and_slo_alerts_pass_the_tier_table(tier):
    with stack_runtime(tier):
        assert run(releases.release_gates, stack_args(fake_stack(tier))) == []
        assert run(releases.slo_alerts, stack_args(fake_stack(tier))) == []


@pytest.mark.parametrize("mutate, found", [
    (lambda f: without(f, ROLLING), "no rolling release in stages"),
    (lambda f: without(f, CHECK), "the alias does not wait for GitHub check 'test'"),
    (lambda f: changed(f, CHECK, lambda i: i.update(blocks="none")), "GitHub check 'test'"),
    (lambda f: changed(f, CHECK, lambda i: i.update(targets=["preview"])), "GitHub check 'test'"),
    (lambda f: changed(f, ROLLING, lambda i: i.update(stages=[{"targetPercentage": 100.0}])), "no rolling release"),
    (lambda f: changed(f, ROLLING, lambda i: i["stages"].pop()), "no rolling release"),
])
def test_release_gates_fail_production_without_either(mutate, found):
    fakes = mutate(fake_stack("production"))
    with stack_runtime("production"):
        reported = run(releases.release_gates, stack_args(fakes))
    assert len(reported) == 1 and found in reported[0].message
    assert reported[0].urn == find(fakes, "vital-expert-project").urn


GATES_ALLOWED = ("allowed: a ProjectDeploymentCheck per required check (type-check, test) with a github git-provider "
                 "source blocking deployment-alias for production, and a ProjectRollingRelease of 2 to 10 stages "
                 "ending at 100 %")


@pytest.mark.parametrize("edit, gated", [
    (lambda i: i.update(targets=["all"]), True),  # every target, production among them
    (lambda i: i.update(targets=["preview", "production"]), True),
    (lambda i: i.update(targets=[]), True),  # none given: the API's default, production
    (lambda i: i["source"].update(kind="integration"), False),  # a GitHub check, but reported by an integration
    (lambda i: i["source"].update(provider="gitlab"), False),
    (lambda i: i["source"].pop("externalCheckName"), False),
])
def test_release_gates_read_which_deployment_check_gates_the_alias(edit, gated):
    fakes = changed(fake_stack("production"), CHECK, edit)
    with stack_runtime("production"):
        reported = run(releases.release_gates, stack_args(fakes))
    assert [r.message for r in reported] == ([] if gated else [
        f"Project 'vital-expert-project' (tier production): the alias does not wait for GitHub check 'test'; "
        f"{GATES_ALLOWED}"])


def test_release_gates_accept_the_api_defaults_and_read_the_pack_config():
    fakes = changed(fake_stack("production"), CHECK, lambda i: (i.pop("blocks"), i.pop("targets")))
    with stack_runtime("production"):
        assert run(releases.release_gates, stack_args(fakes)) == []  # unset: deployment-alias, production
        reported = run(releases.release_gates, stack_args(fakes, {"checks": ["type-check", "test", "e2e"]}))
    assert "GitHub check 'e2e'" in reported[0].message


def _rollout(*percents, advancement="automatic"):
    """The rolling release with stages of these percents (None: a stage without one)."""
    stages = [{"targetPercentage": None if p is None else float(p), "duration": 5.0} for p in percents]
    return lambda f: changed(f, ROLLING, lambda i: i.update(stages=stages, advancementType=advancement))


@pytest.mark.parametrize("mutate, staged", [
    # Vercel's rolling release: 2 to 10 stages, the last at 100 % (vital/facts.py ROLLOUT_STAGES_*).
    (_rollout(10, 100), True),
    (_rollout(0, 100), True),  # a first stage of no traffic is still a stage
    (_rollout(99, 100), True),
    (_rollout(*range(10, 100, 10), 100), True),  # ten stages, the most Vercel takes
    (_rollout(5, *range(10, 100, 10), 100), False),  # eleven
    (_rollout(100), False),  # one stage: all at once
    (_rollout(10, 99), False),  # never reaches everyone
    (_rollout(10, 101), False),
    (_rollout(100, 100), False),  # the first stage already takes everyone
    (_rollout(10, None, 100), False),
    (_rollout(10, 100, advancement="manual-approval"), True),
    (_rollout(10, 100, advancement="instant"), False),
])
def test_release_gates_count_a_rolling_release_only_within_vercels_stage_bounds(mutate, staged):
    with stack_runtime("production"):
        reported = run(releases.release_gates, stack_args(mutate(fake_stack("production"))))
    assert [r.message for r in reported] == ([] if staged else [
        "Project 'vital-expert-project' (tier production): no rolling release in stages; allowed: a "
        "ProjectDeploymentCheck per required check (type-check, test) with a github git-provider source blocking "
        "deployment-alias for production, and a ProjectRollingRelease of 2 to 10 stages ending at 100 %"])


@pytest.mark.parametrize("tier, mutate, found", [
    ("production", lambda f: without(f, LATENCY), "no p95 latency alert at 500 ms or less"),
    ("production", lambda f: changed(f, LATENCY, lambda i: i["trigger"].update(threshold=800.0)), "(found thresholds 800 ms)"),
    ("production", lambda f: changed(f, LATENCY, lambda i: i["evaluation"]["query"]["metrics"]["p95"].update(
        aggregation="avg")), "no p95 latency alert"),
    ("production", lambda f: without(f, ERRORS), "no alert on 5xx errors"),
    ("pre-production", lambda f: changed(f, ERRORS, lambda i: i.update(triggers=[{"type": "usage_anomaly"}])),
     "no alert on 5xx errors"),
    ("pre-production", lambda f: changed(f, ERRORS, lambda i: i["ruleScope"].update(type="exclude")), "no alert on 5xx"),
])
def test_slo_alerts_fail_a_missing_or_looser_alert(tier, mutate, found):
    fakes = mutate(fake_stack(tier))
    with stack_runtime(tier):
        reported = run(releases.slo_alerts, stack_args(fakes))
    assert len(reported) == 1 and found in reported[0].message


SLO_ALLOWED = ("allowed: the strategy's SLO alerts (CustomAlertRule threshold on "
               "vercel.function_invocation.request_duration_ms p95 for latency)")


def test_slo_alerts_messages_in_full():
    fakes = changed(without(fake_stack("production"), ERRORS), LATENCY, lambda i: i["trigger"].update(threshold=800.0))
    with stack_runtime("production"):
        reported = run(releases.slo_alerts, stack_args(fakes))
    assert [r.message for r in reported] == [
        "Project 'vital-expert-project' (tier production): no alert on 5xx errors (AlertRule with an error_anomaly "
        "trigger, filter statusGroup:5xx); no p95 latency alert at 500 ms or less (found thresholds 800 ms); "
        f"{SLO_ALLOWED}"]
    with stack_runtime("production"):
        reported = run(releases.slo_alerts, stack_args(without(fake_stack("production"), LATENCY)))
    assert [r.message for r in reported] == [
        f"Project 'vital-expert-project' (tier production): no p95 latency alert at 500 ms or less; {SLO_ALLOWED}"]


@pytest.mark.parametrize("triggers, alerts", [
    ([{"type": "error_anomaly", "filter": "statusGroup:5xx"}], True),
    ([{"type": "error_anomaly", "filter": "statusGroup:4xx"}], False),  # an error alert, not on 5xx
    ([{"type": "error_anomaly"}], False),
    ([{"type": "usage_anomaly", "filter": "statusGroup:5xx"}], False),  # 5xx, but not an error alert
    ([{"type": "usage_anomaly"}, {"type": "error_anomaly", "filter": "statusGroup:5xx"}], True),
])
def test_slo_alerts_want_an_error_anomaly_trigger_on_5xx(triggers, alerts):
    fakes = changed(fake_stack("pre-production"), ERRORS, lambda i: i.update(triggers=triggers))
    with stack_runtime("pre-production"):
        reported = run(releases.slo_alerts, stack_args(fakes))
    assert (reported == []) is alerts


def _second_project(fakes):
    return [*fakes, Fake(T_PROJECT, "second-project", {"name": "second-dev"}, stack="pre-production")]


@pytest.mark.parametrize("scope, linked, projects, covered", [
    # Linked through the property dependency the engine records for ruleScope (project.id):
    ({"type": "include"}, ["vital-expert-project"], 2, {"vital-expert-project"}),
    ({"type": "exclude"}, ["vital-expert-project"], 2, {"second-project"}),
    ({"type": "exclude"}, ["second-project"], 2, {"vital-expert-project"}),
    # No dependency (ids pasted in): only a lone project can be told to be the one named.
    ({"type": "include", "projectIds": ["prj_x"]}, [], 1, {"vital-expert-project"}),
    ({"type": "include", "projectIds": []}, [], 1, set()),
    ({"type": "include", "projectIds": ["prj_x"]}, [], 2, set()),
    ({"type": "exclude", "projectIds": ["prj_x"]}, [], 1, set()),
    ({"type": "none"}, [], 1, set()),
])
def test_slo_alerts_read_an_alert_rules_scope(scope, linked, projects, covered):
    fakes = changed(fake_stack("pre-production"), ERRORS, lambda i: i.update(ruleScope=scope))
    find(fakes, ERRORS).deps = {"ruleScope": linked} if linked else {}
    if projects == 2:
        fakes = _second_project(fakes)
    with stack_runtime("pre-production"):
        reported = run(releases.slo_alerts, stack_args(fakes))
    every = {"vital-expert-project", "second-project"} if projects == 2 else {"vital-expert-project"}
    assert {r.message.split("'")[1] for r in reported} == every - covered


def test_an_all_projects_alert_rule_covers_the_project():
    fakes = changed(fake_stack("pre-production"), ERRORS, lambda i: i.update(ruleScope={"type": "all"}))
    find(fakes, ERRORS).deps = {}
    with stack_runtime("pre-production"):
        assert run(releases.slo_alerts, stack_args(fakes)) == []


# ---- cost-ceiling -----------------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_cost_ceiling_passes_the_committed_budgets(tier):
    with stack_runtime(tier):
        assert run(costs.cost_ceiling, stack_args(data_fakes(tier))) == []


def test_cost_ceiling_fails_a_redis_budget_over_the_tier_s_and_the_strategy_s():
    fakes = changed(data_fakes("production"), "cache-production-redis", lambda i: i.update(budget=45.0))
    with stack_runtime("production"):
        reported = [v.message for v in run(costs.cost_ceiling, stack_args(fakes))]
    assert reported == [
        "tier production's modelled upstash cost is 45 USD a month (Redis database at its budget 45); allowed: at most "
        "its budget upstashBudget 35 USD (raise the budget, or drop what costs)",
        "modelled upstash costs add up to 60 USD a month (production 45, pre-production 10, preview 5); allowed: at "
        "most 50 USD, the strategy's ceiling for upstash"]


def test_cost_ceiling_prices_pitr_against_the_budget_and_the_ceiling():
    """The strategy's own conflict: PITR ($100) and the Pro plan ($25) alone pass its $100 for Supabase."""
    with stack_runtime("production", {"vital-expert-infra:supabaseBackups": "daily+pitr"}):
        reported = [v.message for v in run(costs.cost_ceiling, stack_args(data_fakes("production")))]
    assert reported == [
        "tier production's modelled supabase cost is 130 USD a month (Pro plan (the organization's) 25, small compute "
        "15, compute credits (the organization's) -10, point-in-time recovery (7 days) 100); allowed: at most its "
        "budget supabaseBudget 60 USD (raise the budget, or drop what costs)",
        "modelled supabase costs add up to 150 USD a month (production 130, pre-production 10, preview 10); allowed: "
        "at most 100 USD, the strategy's ceiling for supabase"]
    with stack_runtime("production", {"vital-expert-infra:supabaseBackups": "daily+pitr",
                                      "vital-expert-infra:supabaseBudget": "130"}):
        assert run(costs.cost_ceiling, stack_args(data_fakes("production"), {"ceilings": {"supabase": 150}})) == []


def test_cost_ceiling_takes_the_other_tiers_from_the_pack_config():
    other = {"vercel": 150, "supabase": 10, "upstash": 5}
    with stack_runtime("production", {"vital-expert-infra:vercelAddons": '["observability_plus"]'}):
        assert run(costs.cost_ceiling, stack_args(data_fakes("production"), {"tierCosts": {"preview": other}})) == []
        reported = run(costs.cost_ceiling, stack_args(data_fakes("production"),
                                                      {"tierCosts": {"preview": {**other, "vercel": 151}}}))
    assert [v.message for v in reported] == [
        "modelled vercel costs add up to 201 USD a month (production 50, pre-production 0, preview 151); allowed: at "
        "most 200 USD, the strategy's ceiling for vercel"]


def test_an_add_on_is_priced_against_the_tier_s_budget():
    with stack_runtime("pre-production", {"vital-expert-infra:vercelAddons": '["password_protection"]'}):
        reported = [v.message for v in run(costs.cost_ceiling, stack_args(data_fakes("pre-production")))]
    assert reported[0] == ("tier pre-production's modelled vercel cost is 150 USD a month (password_protection 150); "
                           "allowed: at most its budget vercelBudget 20 USD (raise the budget, or drop what costs)")


def test_an_unset_redis_budget_counts_as_the_provider_default():
    fakes = changed(data_fakes("pre-production"), "cache-pre-production-redis", lambda i: i.pop("budget"))
    with stack_runtime("pre-production", {"vital-expert-infra:upstashBudget": "20"}):
        assert run(costs.cost_ceiling, stack_args(fakes, {"ceilings": {"upstash": 60}})) == []  # 35 + 20 + 5
        assert "(pre-production 20, production 35, preview 5" in run(
            costs.cost_ceiling, stack_args(fakes, {"ceilings": {"upstash": 59}}))[0].message


def test_a_tier_cost_given_in_part_counts_its_other_services_as_nothing():
    with stack_runtime("production"):
        reported = run(costs.cost_ceiling, stack_args(data_fakes("production"), {
            "tierCosts": {"preview": {"vercel": 10}}, "ceilings": {"upstash": 1}}))
    assert [v.message for v in reported] == [
        "modelled upstash costs add up to 45 USD a month (production 35, pre-production 10, preview 0); allowed: at most "
        "1 USD, the strategy's ceiling for upstash"]


def test_ceilings_given_in_part_keep_the_strategys_for_the_other_services():
    with stack_runtime("production"):
        reported = run(costs.cost_ceiling, stack_args(data_fakes("production"), {
            "ceilings": {"vercel": 1000}, "tierCosts": {"preview": {"supabase": 500}}}))
    assert [v.message for v in reported] == [
        "modelled supabase costs add up to 540 USD a month (production 30, pre-production 10, preview 500); allowed: at "
        "most 100 USD, the strategy's ceiling for supabase"]
