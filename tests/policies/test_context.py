"""The stack context every rule reads (policies/vital_policies/context.py), called directly.

pulumi-policy points pulumi.get_stack() and pulumi.Config at the stack under analysis before each
call (helpers.stack_runtime does the same), and the CLI passes objects and lists as JSON strings.
Pure function calls: `make mutate` runs this file first for context.py.
"""

from __future__ import annotations

import json

import pytest

from tests.policies.helpers import stack_runtime
from vital.facts import VERCEL_PLANS
from vital.names import PROJECT
from vital_policies import context


def _config(**values) -> dict[str, str]:
    return {f"{PROJECT}:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}


def current(stack: str = "production", **values) -> context.StackContext:
    with stack_runtime(stack, _config(**values)):
        return context.current()


def test_a_tier_named_stack_takes_its_tier_from_its_name_whatever_the_config_says():
    ctx = current("pre-production", tier="production")
    assert (ctx.stack, ctx.tier) == ("pre-production", "pre-production")


@pytest.mark.parametrize("configured, tier", [("preview", "preview"), ("staging", None), (None, None)])
def test_another_stack_takes_its_tier_from_config_or_has_none(configured, tier):
    ctx = current("dev-alice", **({"tier": configured} if configured else {}))
    assert ctx.tier == tier


def test_the_no_tier_reason_says_what_was_found_and_what_is_allowed():
    with stack_runtime("dev-alice", _config(tier="staging")):
        assert context.current().no_tier_reason() == (
            f"stack 'dev-alice' has no tier: its name is not a tier and config {PROJECT}:tier is 'staging'; allowed: "
            f"a stack named production, pre-production, preview, or {PROJECT}:tier set to one of them")
    with stack_runtime("dev-alice", {}):
        assert context.current().no_tier_reason() == (
            f"stack 'dev-alice' has no tier: its name is not a tier and no {PROJECT}:tier config; allowed: a stack "
            f"named production, pre-production, preview, or {PROJECT}:tier set to one of them")


def test_for_rule_stops_a_rule_on_a_stack_without_a_tier():
    reasons = []

    class Args:
        def not_applicable(self, reason):
            reasons.append(reason)
            raise LookupError(reason)

    with stack_runtime("dev-alice", {}):
        with pytest.raises(LookupError):
            context.for_rule(Args())
    with stack_runtime("preview", {}):
        assert context.for_rule(Args()).tier == "preview"
    assert len(reasons) == 1 and reasons[0].startswith("stack 'dev-alice' has no tier")


def test_the_plan_defaults_to_pro_and_an_unknown_plan_is_reported_once_with_no_limits():
    assert current().plan == "pro" and current().plan_limits == VERCEL_PLANS["pro"]
    assert current(vercelPlan="hobby").plan_limits == VERCEL_PLANS["hobby"]
    found = []
    ctx = current(vercelPlan="team")
    assert context.plan_limits(ctx, found.append) is None
    assert found == [f"config {PROJECT}:vercelPlan is 'team'; allowed: one of hobby, pro, enterprise"]
    found.clear()
    assert context.plan_limits(current(), found.append) == VERCEL_PLANS["pro"] and found == []


@pytest.mark.parametrize("raw, paths", [
    (["/ops"], ("/ops",)),
    (["/ops", "/api/ops"], ("/ops", "/api/ops")),
    ([], ("/admin", "/api/admin")),
    (["/ops", ""], ("/admin", "/api/admin")),
    (["/ops", 1], ("/admin", "/api/admin")),
    ({"a": "/ops"}, ("/admin", "/api/admin")),
    ("not json", ("/admin", "/api/admin")),
    (None, ("/admin", "/api/admin")),
])
def test_admin_paths_are_the_configs_json_list_of_strings_or_the_seeds(raw, paths):
    ctx = current(**({} if raw is None else {"adminPaths": raw}))
    assert ctx.admin_paths == paths


def test_public_paths_are_the_configs_list_or_none():
    assert current(publicCachePaths=["/pricing", "/blog/*"]).public_paths == ("/pricing", "/blog/*")
    assert current().public_paths == () and current(publicCachePaths=[]).public_paths == ()
    assert current(publicCachePaths="[oops").public_paths == ()


def test_an_object_config_value_is_read_as_json_and_a_bad_one_never_quotes_its_value():
    with stack_runtime("production", _config(secretEnv={"B": "x", "A": "y"}, env="{not json: do-not-print")):
        assert context.config_object("secretEnv") == {"B": "x", "A": "y"}
        assert context.config_object("unset") is None
        with pytest.raises(context.ConfigShapeError) as err:
            context.config_object("env")
        assert str(err.value) == f"config {PROJECT}:env is not valid JSON (value not shown)"
        assert context.config_keys("secretEnv") == ["B", "A"]
        assert context.config_keys("unset") == []
        assert context.config_keys("env") is None
    with stack_runtime("production", _config(secretEnv=["A"])):
        assert context.config_keys("secretEnv") is None


def test_has_config_says_whether_a_key_is_set():
    with stack_runtime("production", _config(dnsZone="vitalexpert.com")):
        assert context.has_config("dnsZone") and not context.has_config("cspReportUri")


@pytest.mark.parametrize("plan, visibility, enforced", [
    ("enterprise", "private", True), ("enterprise", "internal", True), ("team", "public", True),
    ("team", "private", False), ("pro", "private", False), ("free", "private", False), ("free", "public", True),
    ("platinum", "private", True),  # an unknown plan: the stricter reading
])
def test_whether_github_enforces_environment_reviewers(plan, visibility, enforced):
    with stack_runtime("production", _config(githubPlan=plan, githubRepoVisibility=visibility)):
        found = context.github_plan()
    assert (found.plan, found.visibility, found.reviewers_enforced) == (plan, visibility, enforced)
    assert found.describe() == f"GitHub plan {plan!r}, {visibility} repository"


def test_the_github_plan_defaults_to_the_tables():
    with stack_runtime("production", {}):
        found = context.github_plan()
    assert (found.plan, found.visibility, found.reviewers_enforced) == ("enterprise", "private", True)


@pytest.mark.parametrize("raw", [None, "", "not json", "{}", "[1]", '["a", ""]', "7"])
def test_a_config_value_that_is_no_list_of_strings_reads_as_none(raw):
    assert context._string_list(raw) is None


def test_a_config_list_of_strings_reads_as_a_tuple():
    assert context._string_list('["/a", "/b"]') == ("/a", "/b")
