"""Each policy's validate function, called directly with the argument objects pulumi-policy
builds (tests/policy_helpers.py), on a small fake stack in the program's shapes."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.policies.helpers import (
    ROOT,
    T_CHECK,
    T_ENVS,
    T_GH_POLICY,
    T_GH_SECRET,
    T_PROJECT,
    T_RETENTION,
    T_ROUTE,
    UNKNOWN,
    Fake,
    changed,
    fake_stack,
    ruleset_fake,
    find,
    not_applicable,
    resource_args,
    run,
    run_each,
    secret,
    stack_args,
    stack_runtime,
    without,
)

from pulumi_policy import EnforcementLevel, StackValidationPolicy  # noqa: E402
from pulumi_policy.proxy import UnknownValueError  # noqa: E402
from vital_policies import (  # noqa: E402
    caching,
    catalog,
    context,
    data,
    env_vars,
    firewall,
    headers,
    isolation,
    pack_config,
    project,
    routes,
)

from vital.names import TIERS
FIREWALL = "vital-expert-firewall"
REST = "vital-expert-route-headers-rest"  # the route of api, admin and page paths (non-production)
PROD_REST = "vital-expert-route-headers-rest-app.vitalexpert.com"  # production's, on its custom domain
PROD_REST_OTHER = "vital-expert-route-headers-rest-other-hosts"  # production's, on every other host


def rule_for(tier: str, config: dict[str, str] | None = None):
    return stack_runtime(tier, config)


def env(fakes, key):
    return next(f for f in fakes if f.inputs.get("key") == key)


def set_env(fakes, key, value, sensitive=None):
    out = changed(fakes, env(fakes, key).name, lambda i: i.update(value=secret(value)))
    if sensitive is not None:
        env(out, key).inputs["sensitive"] = sensitive
    return out


def add_env(fakes, key, value, sensitive=False):
    stack = fakes[0].stack
    return [*fakes, Fake("vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable", f"env-{key.lower()}",
                         {"key": key, "value": secret(value), "sensitive": sensitive, "projectId": "prj_x"},
                         deps={"projectId": ["vital-expert-project"]}, stack=stack)]


# ---- the stack's context ------------------------------------------------------------------------


def test_tier_is_the_stack_name_or_the_tier_config():
    with stack_runtime("preview", {"vital-expert-infra:tier": "production"}):
        assert context.current().tier == "preview"
    with stack_runtime("alice-dev", {"vital-expert-infra:tier": "pre-production", "vital-expert-infra:vercelPlan": "hobby"}):
        ctx = context.current()
        assert (ctx.tier, ctx.plan) == ("pre-production", "hobby")
    with stack_runtime("alice-dev"):
        ctx = context.current()
        assert ctx.tier is None and ctx.plan == "pro"
        assert "stack 'alice-dev' has no tier" in ctx.no_tier_reason()


def test_admin_paths_come_from_the_stack_config():
    with stack_runtime("pre-production", {"vital-expert-infra:adminPaths": '["/ops"]'}):
        assert context.current().admin_paths == ("/ops",)
    with stack_runtime("pre-production"):
        assert context.current().admin_paths == ("/admin", "/api/admin")


def test_a_stack_without_tier_is_not_checked_for_tier_limits_but_fails_isolation():
    fakes = fake_stack("production")
    with stack_runtime("alice-dev"):
        assert "no tier" in not_applicable(firewall.rate_limit, stack_args(fakes))
        found = run_each(isolation.isolation, [find(fakes, "vital-expert-project")])
    assert len(found) == 1 and "stack 'alice-dev' has no tier" in found[0].message


# ---- rate-limit -------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_rate_limit_passes_the_tier_defaults(tier):
    with stack_runtime(tier):
        assert run(firewall.rate_limit, stack_args(fake_stack(tier))) == []


def _rate(fakes, **rate_limit):
    return changed(fakes, FIREWALL, lambda i: i["rules"]["rules"][0]["action"]["rateLimit"].update(rate_limit))


def test_rate_limit_fails_a_rate_above_the_tier():
    # 400 per 600 s is 600 per 900 s; pre-production allows 500 per 900 s.
    fakes = _rate(fake_stack("pre-production"), limit=400.0)
    with stack_runtime("pre-production"):
        found = run(firewall.rate_limit, stack_args(fakes))
    assert len(found) == 1
    assert "400 requests per 600 s (= 600 per 900 s)" in found[0].message
    assert "at most 500 requests per 900 s (tier pre-production)" in found[0].message
    assert found[0].urn == find(fakes, FIREWALL).urn


@pytest.mark.parametrize("change, found", [
    ({"window": 900.0, "limit": 100.0}, "window 900 s"),
    ({"keys": ["ja4"]}, "keys ['ja4'] (not per IP)"),
    ({"action": "log"}, "follow-up action 'log'"),
    ({"algo": "token_bucket"}, "algorithm 'token_bucket'"),
])
def test_rate_limit_fails_a_rule_the_plan_or_tier_does_not_allow(change, found):
    fakes = _rate(fake_stack("production"), **change)
    with stack_runtime("production"):
        reported = run(firewall.rate_limit, stack_args(fakes))
    assert len(reported) == 1 and found in reported[0].message
    assert "window 10-600 s" in reported[0].message  # the plan's bounds, from vital.facts


def test_rate_limit_fails_an_inactive_rule_and_a_missing_firewall():
    fakes = changed(fake_stack("preview"), FIREWALL, lambda i: i["rules"]["rules"][0].update(active=False))
    with stack_runtime("preview"):
        assert "inactive (active: false)" in run(firewall.rate_limit, stack_args(fakes))[0].message
        found = run(firewall.rate_limit, stack_args(without(fake_stack("preview"), FIREWALL)))
    assert len(found) == 1 and "has no FirewallConfig" in found[0].message
    assert found[0].urn == find(fake_stack("preview"), "vital-expert-project").urn


def test_rate_limit_reads_the_pack_config_and_the_plan():
    fakes = fake_stack("production")  # 66 per 600 s = 99 per 900 s
    with stack_runtime("production"):
        assert run(firewall.rate_limit, stack_args(fakes, {"maxRequests": {"production": 99}})) == []
        found = run(firewall.rate_limit, stack_args(fakes, {"maxRequests": {"production": 50}}))
        assert "at most 50 requests per 900 s" in found[0].message
    with stack_runtime("production", {"vital-expert-infra:vercelPlan": "free"}):
        found = run(firewall.rate_limit, stack_args(fakes))
    assert "vercelPlan is 'free'; allowed: one of hobby, pro, enterprise" in found[0].message


def test_children_link_to_their_project_by_id_when_there_is_no_dependency():
    fakes = fake_stack("production")
    for f in fakes:
        f.deps = {}
    fakes[0].inputs["id"] = find(fakes, FIREWALL).inputs["projectId"]
    find(fakes, FIREWALL).component = "vital:vercel:Other::x"  # no shared parent either
    with stack_runtime("production"):
        assert run(firewall.rate_limit, stack_args(fakes)) == []
        find(fakes, FIREWALL).inputs["projectId"] = "prj_someone_else"
        assert "has no FirewallConfig" in run(firewall.rate_limit, stack_args(fakes))[0].message


def test_an_unknown_value_is_not_a_pass():
    # During preview the firewall's window is unknown: the rule raises instead of passing.
    fakes = _rate(fake_stack("production"), window=UNKNOWN)
    with stack_runtime("production"), pytest.raises(UnknownValueError):
        run(firewall.rate_limit, stack_args(fakes))
    # An unknown projectId with nothing else to link it by: the project's firewall is unknown.
    fakes = fake_stack("production")
    find(fakes, FIREWALL).deps = {}
    find(fakes, FIREWALL).component = "vital:vercel:Other::x"
    find(fakes, FIREWALL).inputs["projectId"] = UNKNOWN
    with stack_runtime("production"), pytest.raises(UnknownValueError):
        run(firewall.rate_limit, stack_args(fakes))


# ---- max-duration -----------------------------------------------------------------------------


def _timeout(fakes, value):
    return changed(fakes, "vital-expert-project", lambda i: i["resourceConfig"].update(functionDefaultTimeout=value))


@pytest.mark.parametrize("tier", TIERS)
def test_max_duration_passes_the_tier_defaults(tier):
    with stack_runtime(tier):
        assert run_each(project.max_duration, fake_stack(tier)) == []


def test_max_duration_fails_above_the_tier_and_when_unset():
    with stack_runtime("pre-production"):
        found = run_each(project.max_duration, _timeout(fake_stack("pre-production"), 90.0))
        assert [f.message for f in found] == [
            "Project 'vital-expert-project': resourceConfig.functionDefaultTimeout is 90 s; allowed: 1 to 60 s (tier "
            "pre-production: 60 s; plan pro: 800 s)"]
        unset = changed(fake_stack("pre-production"), "vital-expert-project", lambda i: i.pop("resourceConfig"))
        assert [f.message for f in run_each(project.max_duration, unset)] == [
            "Project 'vital-expert-project': resourceConfig.functionDefaultTimeout is not set (Vercel then applies its "
            "own default); allowed: 1 to 60 s (tier pre-production: 60 s; plan pro: 800 s)"]
        text = run_each(project.max_duration, _timeout(fake_stack("pre-production"), "30"))
        assert [f.message for f in text] == [
            "Project 'vital-expert-project': resourceConfig.functionDefaultTimeout is '30'; allowed: 1 to 60 s (tier "
            "pre-production: 60 s; plan pro: 800 s)"]


@pytest.mark.parametrize("timeout, passes", [(1.0, True), (0.5, False), (0.0, False), (60.0, True), (60.5, False)])
def test_max_duration_bounds(timeout, passes):
    with stack_runtime("pre-production"):
        found = run_each(project.max_duration, _timeout(fake_stack("pre-production"), timeout))
    assert (found == []) is passes


def test_max_duration_applies_the_plan_maximum_under_a_raised_tier_limit():
    fakes = _timeout(fake_stack("production"), 400.0)
    config = {"maxSeconds": {"production": 900}}
    with stack_runtime("production"):
        assert run_each(project.max_duration, fakes, config) == []
    with stack_runtime("production", {"vital-expert-infra:vercelPlan": "hobby"}):
        found = run_each(project.max_duration, fakes, config)
    assert "allowed: 1 to 300 s (tier production: 900 s; plan hobby: 300 s)" in found[0].message


def test_max_duration_unknown_timeout_raises():
    with stack_runtime("production"), pytest.raises(UnknownValueError):
        run_each(project.max_duration, _timeout(fake_stack("production"), UNKNOWN))


# ---- noindex ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_noindex_passes_the_tier_defaults(tier):
    with stack_runtime(tier):
        assert run(headers.noindex, stack_args(fake_stack(tier))) == []


def test_noindex_fails_a_non_production_tier_without_it_on_some_path_class():
    fakes = changed(fake_stack("preview"), REST, lambda i: i["route"]["headers"].pop("X-Robots-Tag"))
    with stack_runtime("preview"):
        found = run(headers.noindex, stack_args(fakes))
    assert len(found) == 1 and "no X-Robots-Tag: noindex on vital-expert-preview.vercel.app/api/x" in found[0].message
    assert "/_next/static" not in found[0].message.split("allowed")[0]  # the build route still sends it


def test_noindex_on_some_requests_only_is_not_enough():
    fakes = changed(fake_stack("pre-production"), REST,
                    lambda i: i["route"].update(has=[{"type": "header", "key": "x-bot", "value": "1"}]))
    with stack_runtime("pre-production"):
        found = run(headers.noindex, stack_args(fakes))
    assert len(found) == 1 and "no X-Robots-Tag: noindex on dev.vitalexpert.com/api/x" in found[0].message


def test_noindex_accepts_a_response_headers_transform():
    def transform(inputs):
        inputs["route"]["headers"].pop("X-Robots-Tag")
        inputs["route"]["transforms"] = [{"type": "response.headers", "op": "set",
                                          "target": '{"key": "X-Robots-Tag"}', "args": '"noindex"'}]
    fakes = changed(fake_stack("preview"), REST, transform)
    with stack_runtime("preview"):
        assert run(headers.noindex, stack_args(fakes)) == []


def test_noindex_fails_an_overlapping_route_whose_result_depends_on_the_order():
    # A catch-all route without noindex, next to the disjoint ones: under first match it may win.
    extra = Fake("vercel:index/projectRoute:ProjectRoute", "vital-expert-route-catch-all", {
        "name": "catch-all", "projectId": "prj_x", "srcSyntax": "regex",
        "route": {"src": "/(.*)", "headers": {"Cache-Control": "private, no-store"}}},
        deps={"projectId": ["vital-expert-project"]}, stack="preview")
    with stack_runtime("preview"):
        found = run(headers.noindex, stack_args([*fake_stack("preview"), extra]))
    assert len(found) == 1 and "(under first match, routes in reverse order" in found[0].message


def test_noindex_fails_production_custom_domain_when_the_host_condition_goes():
    fakes = changed(fake_stack("production"), PROD_REST_OTHER, lambda i: i["route"].pop("missings"))
    with stack_runtime("production"):
        found = run(headers.noindex, stack_args(fakes))
    assert len(found) == 1 and found[0].urn == find(fakes, PROD_REST_OTHER).urn
    assert "sends X-Robots-Tag: noindex on custom domains (app.vitalexpert.com): app.vitalexpert.com/" in found[0].message


def test_noindex_fails_a_vercel_app_host_regex_that_an_exact_comparison_would_never_match():
    # The old form: has host (.*)\.vercel\.app works only if Vercel reads the value as a regex.
    def edit(inputs):
        inputs["route"].pop("missings")
        inputs["route"]["has"] = [{"type": "host", "value": r"(.*)\.vercel\.app"}]
    fakes = changed(fake_stack("production"), PROD_REST_OTHER, edit)
    with stack_runtime("production"):
        found = run(headers.noindex, stack_args(fakes))
    assert len(found) == 1 and "its *.vercel.app hosts get no X-Robots-Tag: noindex" in found[0].message
    assert "host values read as exact" in found[0].message


def test_noindex_fails_production_vercel_app_hosts_without_it():
    fakes = changed(fake_stack("production"), PROD_REST_OTHER, lambda i: i["route"]["headers"].pop("X-Robots-Tag"))
    with stack_runtime("production"):
        found = run(headers.noindex, stack_args(fakes))
    assert len(found) == 1 and "vital-expert-production.vercel.app/api/x" in found[0].message


READINGS = "(under first match, routes in order, host values read as exact)"


@pytest.mark.parametrize("tier, route, message", [
    ("preview", REST,
     "Project 'vital-expert-project' (tier preview): no X-Robots-Tag: noindex on vital-expert-preview.vercel.app/api/x, "
     "vital-expert-preview.vercel.app/api/chat/stream, vital-expert-preview.vercel.app/ and 17 more "
     f"{READINGS}; allowed: X-Robots-Tag containing 'noindex' on every path of every host, whichever way Vercel "
     "applies the routes (route.headers, or a response.headers transform with op set/append)"),
    ("production", PROD_REST_OTHER,
     "Project 'vital-expert-project' (tier production): its *.vercel.app hosts get no X-Robots-Tag: noindex on "
     "vital-expert-production.vercel.app/api/x, vital-expert-production.vercel.app/api/chat/stream, "
     f"vital-expert-production.vercel.app/ and 17 more {READINGS}; allowed: noindex on every host but the custom "
     "domains (app.vitalexpert.com), so the *.vercel.app copy stays out of search results"),
])
def test_noindex_messages_in_full(tier, route, message):
    fakes = changed(fake_stack(tier), route, lambda i: i["route"]["headers"].pop("X-Robots-Tag"))
    with stack_runtime(tier):
        assert [f.message for f in run(headers.noindex, stack_args(fakes))] == [message]


def test_noindex_names_the_one_route_that_leaks_it_onto_a_custom_domain():
    home = Fake(T_ROUTE, "vital-expert-route-home", {
        "name": "home", "projectId": "prj_x", "srcSyntax": "regex",
        "route": {"src": "^/$", "headers": {"X-Robots-Tag": "noindex"}}},
        deps={"projectId": ["vital-expert-project"]}, stack="production")
    with stack_runtime("production"):
        found = run(headers.noindex, stack_args([*fake_stack("production"), home]))
    assert [(f.message, f.urn) for f in found] == [(
        "ProjectRoute 'vital-expert-route-home' (tier production) sends X-Robots-Tag: noindex on custom domains "
        "(app.vitalexpert.com): app.vitalexpert.com/ (under first match, routes in reverse order, host values read as "
        "exact), so they drop out of search results; allowed: no noindex on custom domains (a noindex route needs "
        "missing: [{type: host, value: <each custom domain>}])", home.urn)]


def test_noindex_judges_every_project_of_a_noindex_tier():
    second = [Fake(T_PROJECT, "second-project", {"name": "second-preview"}, stack="preview"),
              Fake(T_ROUTE, "second-route", {"name": "all", "projectId": "prj_2", "srcSyntax": "regex",
                                              "route": {"src": "/(.*)", "headers": {"Cache-Control": "no-store"}}},
                   deps={"projectId": ["second-project"]}, stack="preview")]
    fakes = changed(fake_stack("preview"), REST, lambda i: i["route"]["headers"].pop("X-Robots-Tag"))
    with stack_runtime("preview"):
        found = run(headers.noindex, stack_args([*fakes, *second]))
    assert [f.message.split("'")[1] for f in found] == ["vital-expert-project", "second-project"]


def test_noindex_works_out_each_host_reading_of_a_request_on_its_own():
    # `missing: host "vercel"` keeps the route off no host under an exact reading, but off every
    # *.vercel.app host when Vercel searches host values as regular expressions: that reading fails
    # even though the first one (exact) passes, and its result must not be taken from the first's.
    fakes = changed(fake_stack("production"), PROD_REST_OTHER,
                    lambda i: i["route"]["missings"].append({"type": "host", "value": "vercel"}))
    with stack_runtime("production"):
        found = run(headers.noindex, stack_args(fakes))
    assert len(found) == 1 and found[0].message.startswith(
        "Project 'vital-expert-project' (tier production): its *.vercel.app hosts get no X-Robots-Tag: noindex on ")
    assert "host values read as regex-search" in found[0].message


def test_noindex_works_out_each_src_syntax_of_a_request_on_its_own():
    # A route without srcSyntax may be read as a regex (the first reading, which passes) or as a
    # path-to-regexp pattern, under which its regex `src` matches no probe.
    fakes = changed(fake_stack("preview"), REST, lambda i: i.pop("srcSyntax"))
    with stack_runtime("preview"):
        found = run(headers.noindex, stack_args(fakes))
    assert len(found) == 1 and "no X-Robots-Tag: noindex on vital-expert-preview.vercel.app/api/x" in found[0].message


# ---- security-headers -------------------------------------------------------------------------


def _every_route(fakes, edit):
    out = fakes
    for fake in fakes:
        if fake.type.endswith(":ProjectRoute"):
            out = changed(out, fake.name, edit)
    return out


def test_security_headers_pass_in_production_and_are_case_insensitive():
    lower = _every_route(fake_stack("production"),
                         lambda i: i["route"].update(headers={k.lower(): v for k, v in i["route"]["headers"].items()}))
    with stack_runtime("production"):
        assert run(headers.security_headers, stack_args(fake_stack("production"))) == []
        assert run(headers.security_headers, stack_args(lower)) == []


def test_security_headers_fail_when_missing_on_one_path_class():
    def edit(inputs):
        for name in ("Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options"):
            inputs["route"]["headers"].pop(name)
    fakes = changed(fake_stack("production"), PROD_REST, edit)
    with stack_runtime("production"):
        found = run(headers.security_headers, stack_args(fakes))
    assert len(found) == 1
    assert ("does not send on every path: Content-Security-Policy, Strict-Transport-Security, X-Frame-Options "
            "(or CSP frame-ancestors); missing on app.vitalexpert.com/api/x") in found[0].message


SECURITY_ALLOWED = ("allowed: Content-Security-Policy, Strict-Transport-Security, X-Frame-Options or CSP "
                    "frame-ancestors, and X-Content-Type-Options: nosniff on every path of every host, whichever way "
                    "Vercel applies the routes")
MISSING_ON = ("missing on app.vitalexpert.com/api/x, app.vitalexpert.com/api/chat/stream, app.vitalexpert.com/ and 7 "
              f"more {READINGS}")


@pytest.mark.parametrize("edit, missing", [
    (lambda h: [h.pop(n) for n in ("Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options",
                                   "X-Content-Type-Options")],
     "Content-Security-Policy, Strict-Transport-Security, X-Frame-Options (or CSP frame-ancestors), "
     "X-Content-Type-Options: nosniff"),
    (lambda h: h.update({"X-Content-Type-Options": "sniff"}), "X-Content-Type-Options: nosniff (found 'sniff')"),
    (lambda h: h.update({"X-Content-Type-Options": " NoSniff "}), None),
    (lambda h: h.update({"Content-Security-Policy": "default-src 'self'"}), None),  # X-Frame-Options still there
    (lambda h: (h.pop("X-Frame-Options"), h.update({"Content-Security-Policy": "default-src 'self'"})),
     "X-Frame-Options (or CSP frame-ancestors)"),
    (lambda h: h.update({"Strict-Transport-Security": "  "}), "Strict-Transport-Security"),
])
def test_security_headers_message_names_each_missing_header(edit, missing):
    fakes = changed(fake_stack("production"), PROD_REST, lambda i: edit(i["route"]["headers"]))
    with stack_runtime("production"):
        found = [f.message for f in run(headers.security_headers, stack_args(fakes))]
    assert found == ([] if missing is None else [
        f"Project 'vital-expert-project' (tier production) does not send on every path: {missing}; {MISSING_ON}; "
        f"{SECURITY_ALLOWED}"])


def test_security_headers_accept_csp_frame_ancestors_instead_of_x_frame_options():
    fakes = _every_route(fake_stack("production"), lambda i: i["route"]["headers"].pop("X-Frame-Options"))
    with stack_runtime("production"):
        assert run(headers.security_headers, stack_args(fakes)) == []
        no_csp = changed(fakes, PROD_REST, lambda i: i["route"]["headers"].update(
            {"Content-Security-Policy": "default-src 'self'"}))
        assert "X-Frame-Options (or CSP frame-ancestors)" in run(headers.security_headers, stack_args(no_csp))[0].message


@pytest.mark.parametrize("tier", ["pre-production", "preview"])
def test_security_headers_outside_production_need_only_a_report_only_csp(tier):
    with stack_runtime(tier):
        assert run(headers.security_headers, stack_args(fake_stack(tier))) == []
        # Enforcing the CSP there instead is fine too.
        enforced = _every_route(fake_stack(tier), lambda i: i["route"]["headers"].update(
            {"Content-Security-Policy": i["route"]["headers"].pop("Content-Security-Policy-Report-Only")}))
        assert run(headers.security_headers, stack_args(enforced)) == []


@pytest.mark.parametrize("tier", ["pre-production", "preview"])
def test_security_headers_fail_a_weaker_report_only_csp_and_accept_a_reporting_endpoint(tier):
    from vital.tiers import SHARED

    weak = _every_route(fake_stack(tier), lambda i: i["route"]["headers"].update(
        {"Content-Security-Policy-Report-Only": "default-src *"}))
    reporting = _every_route(fake_stack(tier), lambda i: i["route"]["headers"].update(
        {"Content-Security-Policy-Report-Only": SHARED["content_security_policy"]
         + "; report-uri https://o0.ingest.sentry.io/api/0/security/; report-to csp"}))
    with stack_runtime(tier):
        found = run(headers.security_headers, stack_args(weak))
        assert len(found) == 1 and "(none, or a different policy)" in found[0].message
        assert run(headers.security_headers, stack_args(reporting)) == []
        # The pack config names production's policy when a stack overrides it.
        assert run(headers.security_headers, stack_args(weak, config={"csp": "default-src *"})) == []


@pytest.mark.parametrize("tier", ["pre-production", "preview"])
def test_security_headers_fail_a_tier_before_production_without_the_report_only_csp(tier):
    rest = next(f.name for f in fake_stack(tier) if f.name.endswith("headers-rest"))
    fakes = changed(fake_stack(tier), rest, lambda i: i["route"]["headers"].pop("Content-Security-Policy-Report-Only"))
    with stack_runtime(tier):
        found = run(headers.security_headers, stack_args(fakes))
        host, more = {"pre-production": ("dev.vitalexpert.com", 27), "preview": ("vital-expert-preview.vercel.app", 17)}[tier]
        assert [f.message for f in found] == [
            f"Project 'vital-expert-project' (tier {tier}) does not send production's CSP on {host}/api/x, "
            f"{host}/api/chat/stream, {host}/ and {more} more "
            f"{READINGS} (none, or a different policy), so a policy that breaks the app is first seen in production; "
            "allowed: production's Content-Security-Policy (pack config security-headers.csp) as "
            "Content-Security-Policy-Report-Only, or enforced, on every path of every host (config cspReportOnly: true)"]
        # The pack config can drop the requirement for a tier.
        config = {"tiers": ["production"], "reportOnlyTiers": []}
        assert run(headers.security_headers, stack_args(fakes, config=config)) == []


# ---- no-debug-in-production -------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_no_debug_passes_the_tier_defaults(tier):
    with stack_runtime(tier):
        assert run_each(env_vars.no_debug_in_production, fake_stack(tier)) == []


@pytest.mark.parametrize("flag", ["NEXT_PUBLIC_ENABLE_DEBUG", "NEXT_PUBLIC_ENABLE_MOCK_API"])
def test_no_debug_fails_a_flag_on_in_production(flag):
    fakes = set_env(fake_stack("production"), flag, "true")
    with stack_runtime("production"):
        found = run_each(env_vars.no_debug_in_production, fakes)
    assert len(found) == 1
    assert f"({flag}) is set to something other than 'false' in tier production (value not shown); allowed: absent or 'false'" in found[0].message


def test_no_debug_checks_node_env_in_every_tier():
    with stack_runtime("preview"):
        found = run_each(env_vars.no_debug_in_production, add_env(fake_stack("preview"), "NODE_ENV", "preview"))
        assert "(NODE_ENV) is not a NODE_ENV Next.js accepts (value not shown); allowed: one of production, development, test" in found[0].message
        assert run_each(env_vars.no_debug_in_production, add_env(fake_stack("preview"), "NODE_ENV", "production")) == []


def test_no_debug_reads_the_bulk_env_vars_resource():
    bulk = Fake(T_ENVS, "bulk", {"projectId": "prj_x", "variables": [
        {"key": "LOG_LEVEL", "value": secret("info"), "sensitive": False},
        {"key": "NEXT_PUBLIC_ENABLE_DEBUG", "value": secret("1"), "sensitive": False}]})
    with stack_runtime("production"):
        found = run_each(env_vars.no_debug_in_production, [bulk])
    assert len(found) == 1 and "variables[1] (NEXT_PUBLIC_ENABLE_DEBUG) is set to something other than 'false'" in found[0].message


# ---- secrets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_secrets_pass_the_tier_defaults(tier):
    with stack_runtime(tier):
        assert run_each(env_vars.secrets, fake_stack(tier)) == []


def test_secrets_fail_a_credential_not_marked_sensitive():
    fakes = set_env(fake_stack("production"), "OPENAI_API_KEY", "sk-live-do-not-print", sensitive=False)
    with stack_runtime("production"):
        found = run_each(env_vars.secrets, fakes)
    assert len(found) == 1 and "(OPENAI_API_KEY) names a credential but is sensitive: False" in found[0].message
    assert "sk-live-do-not-print" not in found[0].message


def test_secrets_fail_a_dsn_with_a_password_under_a_plain_name():
    fakes = add_env(fake_stack("production"), "DATABASE_URL", "postgres://app:hunter2secret@db.example.com/app")
    with stack_runtime("production"):
        found = run_each(env_vars.secrets, fakes)
    assert len(found) == 1 and "(DATABASE_URL) holds a credential (value not shown)" in found[0].message
    assert "hunter2secret" not in found[0].message


@pytest.mark.parametrize("key, value, sensitive, found", [
    ("NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY", "eyJ.placeholder", False, "names or holds a credential"),
    ("NEXT_PUBLIC_ANALYTICS_ID", "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", False, "names or holds a credential"),
    ("NEXT_PUBLIC_FEATURE", "xq-9f3-flag", True, "is sensitive: true, but Next.js inlines"),
])
def test_secrets_fail_a_secret_in_a_public_variable(key, value, sensitive, found):
    fakes = add_env(fake_stack("preview"), key, value, sensitive=sensitive)
    with stack_runtime("preview"):
        reported = run_each(env_vars.secrets, fakes)
    assert len(reported) == 1 and found in reported[0].message and value not in reported[0].message


@pytest.mark.parametrize("field", ["plaintextValue", "encryptedValue"])
def test_secrets_fail_deprecated_github_secret_fields(field):
    bad = Fake(T_GH_SECRET, "repo-secret", {"repository": "vital-expert", "secretName": "X", field: secret("v4lue")})
    unknown = Fake(T_GH_SECRET, "repo-secret", {"repository": "vital-expert", "secretName": "X", field: UNKNOWN})
    good = Fake(T_GH_SECRET, "repo-secret", {"repository": "vital-expert", "secretName": "X", "value": secret("v4lue")})
    with stack_runtime("production"):
        found = run_each(env_vars.secrets, [bad])
        assert len(found) == 1 and f"sets {field}, which the GitHub provider deprecates" in found[0].message
        assert len(run_each(env_vars.secrets, [unknown])) == 1  # unknown still means set
        assert run_each(env_vars.secrets, [good]) == []


# ---- cors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_cors_passes_the_tier_defaults(tier):  # preview's "*" is allowed: cors is production's rule
    with stack_runtime(tier):
        assert run_each(env_vars.cors, fake_stack(tier)) == []


@pytest.mark.parametrize("value", ["*", "https://app.vitalexpert.com, https://*.vitalexpert.com"])
def test_cors_fails_a_wildcard_in_production(value):
    fakes = set_env(fake_stack("production"), "CORS_ALLOWED_ORIGINS", value)
    with stack_runtime("production"):
        found = run_each(env_vars.cors, fakes)
    assert len(found) == 1 and "wildcard origin(s)" in found[0].message and "value not shown" in found[0].message


# ---- isolation --------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_isolation_passes_the_tier_defaults(tier):
    with stack_runtime(tier):
        assert run_each(isolation.isolation, fake_stack(tier)) == []


def test_isolation_fails_a_production_domain_outside_production():
    fakes = changed(fake_stack("pre-production"), "vital-expert-domain-dev.vitalexpert.com",
                    lambda i: i.update(domain="App.VitalExpert.com"))
    with stack_runtime("pre-production"):
        found = run_each(isolation.isolation, fakes)
        assert len(found) == 1 and "attaches 'App.VitalExpert.com' to tier pre-production" in found[0].message
        assert run_each(isolation.isolation, fakes, {"productionDomains": ["vitalexpert.com"]}) == []


@pytest.mark.parametrize("branch, found", [
    ("main", "has gitRepository.productionBranch 'main', production's branch"),
    (None, "sets no gitRepository.productionBranch"),
])
def test_isolation_fails_a_non_production_project_on_main(branch, found):
    def edit(inputs):
        if branch is None:
            inputs["gitRepository"].pop("productionBranch")
        else:
            inputs["gitRepository"]["productionBranch"] = branch
    with stack_runtime("preview"):
        reported = run_each(isolation.isolation, changed(fake_stack("preview"), "vital-expert-project", edit))
    assert len(reported) == 1 and found in reported[0].message


@pytest.mark.parametrize("name", ["vital-expert-project", "vital-expert-domain-app.vitalexpert.com", "production-environment"])
def test_isolation_fails_an_unprotected_production_resource(name):
    fakes = fake_stack("production")
    find(fakes, name).protect = False
    with stack_runtime("production"):
        found = run_each(isolation.isolation, fakes)
    assert len(found) == 1 and found[0].urn == find(fakes, name).urn
    assert "is not protected (protect: false)" in found[0].message


# ---- admin-allowlist --------------------------------------------------------------------------


def test_admin_allowlist_passes_pre_production_and_skips_other_tiers():
    with stack_runtime("pre-production"):
        assert run(firewall.admin_allowlist, stack_args(fake_stack("pre-production"))) == []
    with stack_runtime("production"):
        assert run(firewall.admin_allowlist, stack_args(fake_stack("production"))) == []


def _admin(fakes, edit):
    return changed(fakes, FIREWALL, lambda i: edit(i["rules"]["rules"][1]))


@pytest.mark.parametrize("edit, uncovered", [
    (lambda rule: rule["conditionGroups"][0]["conditions"][1].update(neg=False), "/admin, /api/admin"),
    (lambda rule: rule["action"].update(action="log"), "/admin, /api/admin"),
    (lambda rule: rule.update(active=False), "/admin, /api/admin"),
    (lambda rule: rule["conditionGroups"][0]["conditions"][0].update(value="^/admin(/|$)"), "/api/admin"),
])
def test_admin_allowlist_fails_a_rule_that_does_not_deny_outside_the_list(edit, uncovered):
    fakes = _admin(fake_stack("pre-production"), edit)
    with stack_runtime("pre-production"):
        found = run(firewall.admin_allowlist, stack_args(fakes))
    assert len(found) == 1 and f"admin routes {uncovered} are not denied outside the allow-list" in found[0].message


def test_admin_allowlist_fails_a_firewall_without_the_rule():
    fakes = changed(fake_stack("pre-production"), FIREWALL, lambda i: i["rules"]["rules"].pop(1))
    with stack_runtime("pre-production"):
        found = run(firewall.admin_allowlist, stack_args(fakes))
    assert "(found: rule 'rate-limit-per-ip' (rate_limit))" in found[0].message


# ---- preview-cleanup --------------------------------------------------------------------------


def test_preview_cleanup_is_advisory():
    policy = next(p for p in catalog.build_policies() if p.name == "preview-cleanup")
    assert policy.enforcement_level == EnforcementLevel.ADVISORY
    assert isinstance(policy, StackValidationPolicy)


@pytest.mark.parametrize("tier", TIERS)
def test_preview_cleanup_passes_the_tier_defaults(tier):
    with stack_runtime(tier):
        assert run(project.preview_cleanup, stack_args(fake_stack(tier))) == []


@pytest.mark.parametrize("value, found", [
    ("3m", "expirationPreview is '3m' (90 days); allowed: expirationPreview of at most 30 days (1d, 1w, 1m)"),
    ("unlimited", "expirationPreview is 'unlimited'; allowed: expirationPreview of at most 30 days (1d, 1w, 1m)"),
    (None, "expirationPreview is not set (the provider then writes its own default); allowed: expirationPreview of at "
           "most 30 days (1d, 1w, 1m)"),
])
def test_preview_cleanup_fails_a_long_retention(value, found):
    def edit(inputs):
        inputs.pop("expirationPreview")
        if value is not None:
            inputs["expirationPreview"] = value
    with stack_runtime("preview"):
        reported = run(project.preview_cleanup, stack_args(changed(fake_stack("preview"), "vital-expert-retention", edit)))
    assert [r.message for r in reported] == [f"ProjectDeploymentRetention 'vital-expert-retention': {found}"]


def test_preview_cleanup_fails_a_missing_retention_and_reads_max_days():
    with stack_runtime("preview"):
        found = run(project.preview_cleanup, stack_args(without(fake_stack("preview"), "vital-expert-retention")))
        assert [f.message for f in found] == [
            "Project 'vital-expert-project' has no ProjectDeploymentRetention, so Vercel's default retention applies; "
            "allowed: a ProjectDeploymentRetention with expirationPreview of at most 30 days (1d, 1w, 1m)"]
        none_short_enough = run(project.preview_cleanup, stack_args(fake_stack("preview"), {"maxDays": 0}))
        assert none_short_enough[0].message.endswith("allowed: expirationPreview of at most 0 days (none)")
        two_months = changed(fake_stack("preview"), "vital-expert-retention", lambda i: i.update(expirationPreview="2m"))
        assert run(project.preview_cleanup, stack_args(two_months, {"maxDays": 60})) == []


def test_preview_cleanup_judges_every_project_after_one_without_a_retention():
    second = [Fake(T_PROJECT, "second-project", {"name": "second-preview"}),
              Fake(T_RETENTION, "second-retention", {"expirationPreview": "1y", "projectId": "prj_second"},
                   deps={"projectId": ["second-project"]})]
    fakes = [*without(fake_stack("preview"), "vital-expert-retention"), *second]
    with stack_runtime("preview"):
        found = run(project.preview_cleanup, stack_args(fakes))
    assert [f.message.split(" ", 2)[1] for f in found] == ["'vital-expert-project'", "'second-retention':"]


# ---- isolation: what the preview project builds ------------------------------------------------


@pytest.mark.parametrize("command, missing", [
    (None, "main, pre-production"),
    ('[ "$VERCEL_GIT_COMMIT_REF" = "main" ]', "pre-production"),
    ('[ "$VERCEL_GIT_COMMIT_REF" = "main" ] || [ "$VERCEL_GIT_COMMIT_REF" = "pre-production" ] || exit 0', "main, pre-production"),
    ('[ "$VERCEL_GIT_COMMIT_REF" != "main" ]', "main, pre-production"),
])
def test_isolation_fails_a_preview_project_that_builds_the_other_tiers_branches(command, missing):
    def edit(inputs):
        inputs.pop("ignoreCommand")
        if command is not None:
            inputs["ignoreCommand"] = command
    fakes = changed(fake_stack("preview"), "vital-expert-project", edit)
    with stack_runtime("preview"):
        found = run_each(isolation.isolation, fakes)
    assert len(found) == 1 and f"does not skip {missing}, so those pushes build here too" in found[0].message


def test_isolation_accepts_the_programs_preview_ignore_command_and_projects_without_previews():
    with stack_runtime("preview"):
        assert run_each(isolation.isolation, fake_stack("preview")) == []
    no_previews = changed(fake_stack("preview"), "vital-expert-project", lambda i: i.update(
        previewDeploymentsDisabled=True, ignoreCommand=None))
    with stack_runtime("preview"):
        assert run_each(isolation.isolation, no_previews) == []


# ---- github-environments ----------------------------------------------------------------------


def test_github_environments_passes_production_and_skips_other_tiers():
    with stack_runtime("production"):
        assert run(isolation.github_environments, stack_args(fake_stack("production"))) == []
    with stack_runtime("preview"):  # preview's environment takes any branch (PR deployments)
        assert run(isolation.github_environments, stack_args(fake_stack("preview"))) == []


TEAM_PLAN = {"vital-expert-infra:githubPlan": "team"}


def _no_reviewers(fakes):
    return changed(fakes, "production-environment", lambda i: i.pop("reviewers"))


def test_github_environments_fails_production_without_reviewers_where_github_enforces_them():
    with stack_runtime("production"):  # the default plan: enterprise, private repository
        found = run(isolation.github_environments, stack_args(_no_reviewers(fake_stack("production"))))
    assert len(found) == 1 and "has no required reviewers on GitHub plan 'enterprise', private repository" in found[0].message
    with stack_runtime("production", {"vital-expert-infra:githubPlan": "team",
                                      "vital-expert-infra:githubRepoVisibility": "public"}):
        found = run(isolation.github_environments, stack_args(_no_reviewers(fake_stack("production"))))
    assert len(found) == 1 and "GitHub enforces them" in found[0].message


def test_github_environments_accepts_the_fallback_where_github_cannot_enforce_reviewers():
    fakes = [*_no_reviewers(fake_stack("production")), ruleset_fake("main", approvals=1)]
    with stack_runtime("production", TEAM_PLAN):
        assert run(isolation.github_environments, stack_args(fakes)) == []


def _with_rules(fake, **rules):
    fake.inputs["rules"]["pullRequest"].update(rules.pop("pull_request", {}))
    fake.inputs.update(rules)
    return fake


@pytest.mark.parametrize("fallback, missing", [
    ([], "an active RepositoryRuleset on refs/heads/main"),
    ([ruleset_fake("main", approvals=0)], "at least one approving review"),
    ([ruleset_fake("main", approvals=1, enforcement="evaluate")], "an active RepositoryRuleset"),
    ([ruleset_fake("pre-production", approvals=1)], "refs/heads/main"),
    ([_with_rules(ruleset_fake("main", approvals=1), pull_request={"requireLastPushApproval": False})],
     "the last push approved by someone else"),
    ([_with_rules(ruleset_fake("main", approvals=1), bypassActors=[{"actorId": 5.0, "actorType": "RepositoryRole",
                                                                   "bypassMode": "always"}])], "no bypass actors"),
])
def test_github_environments_fails_no_reviewers_without_the_fallback(fallback, missing):
    fakes = [*_no_reviewers(fake_stack("production")), *fallback]
    with stack_runtime("production", TEAM_PLAN):
        found = run(isolation.github_environments, stack_args(fakes))
    assert len(found) == 1 and "lacks the fallback" in found[0].message and missing in found[0].message
    assert "GitHub plan 'team', private repository" in found[0].message


@pytest.mark.parametrize("edit, found", [
    (lambda i: i.update(preventSelfReview=False), "preventSelfReview: False"),
    (lambda i: i.update(canAdminsBypass=True), "canAdminsBypass: True"),
    (lambda i: i.pop("canAdminsBypass"), "canAdminsBypass: None"),  # the provider's default is true
])
def test_github_environments_reviewers_must_not_be_bypassable(edit, found):
    fakes = changed(fake_stack("production"), "production-environment", edit)
    with stack_runtime("production"):
        reported = run(isolation.github_environments, stack_args(fakes))
    assert len(reported) == 1 and found in reported[0].message and "allowed: preventSelfReview: true" in reported[0].message


def test_github_environments_fallback_needs_the_release_gates():
    fakes = [f for f in [*_no_reviewers(fake_stack("production")), ruleset_fake("main", approvals=1)]
             if f.type != T_CHECK]
    with stack_runtime("production", TEAM_PLAN):
        found = run(isolation.github_environments, stack_args(fakes))
    assert len(found) == 1 and "a ProjectDeploymentCheck gating the production alias of every project" in found[0].message
    assert "Project 'vital-expert-project'" in found[0].message


@pytest.mark.parametrize("policy, found", [
    ({"protectedBranches": False, "customBranchPolicies": False}, "customBranchPolicies: False, protectedBranches: False"),
    ({"protectedBranches": True, "customBranchPolicies": True}, "customBranchPolicies: True, protectedBranches: True"),
    (None, "sets no deploymentBranchPolicy"),
])
def test_github_environments_fails_a_loose_branch_policy(policy, found):
    def edit(inputs):
        inputs.pop("deploymentBranchPolicy")
        if policy is not None:
            inputs["deploymentBranchPolicy"] = policy
    fakes = changed(fake_stack("production"), "production-environment", edit)
    with stack_runtime("production"):
        reported = run(isolation.github_environments, stack_args(fakes))
    assert len(reported) == 1 and found in reported[0].message


def test_github_environments_fallback_counts_a_ruleset_without_an_approving_review_count_as_none():
    # GitHub's default for requiredApprovingReviewCount is 0: a ruleset that leaves it out approves nothing.
    ruleset = ruleset_fake("main", approvals=1)
    del ruleset.inputs["rules"]["pullRequest"]["requiredApprovingReviewCount"]
    with stack_runtime("production", TEAM_PLAN):
        found = run(isolation.github_environments, stack_args([*_no_reviewers(fake_stack("production")), ruleset]))
    assert len(found) == 1 and "at least one approving review" in found[0].message


@pytest.mark.parametrize("reviewers", [
    [{"users": [1234567], "teams": [7654321]}],  # one of each: two reviewers, not none
    [{"teams": [7654321]}],
    [{"users": [1]}, {"teams": [2]}],
])
def test_github_environments_count_users_and_teams_as_reviewers(reviewers):
    fakes = changed(fake_stack("production"), "production-environment", lambda i: i.update(reviewers=reviewers))
    with stack_runtime("production"):  # enterprise: GitHub enforces reviewers, so none would be reported
        assert run(isolation.github_environments, stack_args(fakes)) == []


@pytest.mark.parametrize("environment, repository, belongs", [
    ("production", "vital-expert", True),
    ("production", "another-repo", False),  # the production environment of another repository
    ("staging", "vital-expert", False),
])
def test_github_environments_match_a_policy_without_dependencies_by_environment_and_repository(
        environment, repository, belongs):
    fakes = changed(fake_stack("production"), "production-branch-policy",
                    lambda i: i.update(environment=environment, repository=repository))
    find(fakes, "production-branch-policy").deps = {}  # no property dependency: matched by its inputs
    with stack_runtime("production"):
        found = run(isolation.github_environments, stack_args(fakes))
    assert [r.message for r in found] == ([] if belongs else [
        "RepositoryEnvironment 'production-environment' has 0 deployment policies (none); allowed: "
        "deploymentBranchPolicy {customBranchPolicies: true, protectedBranches: false} and exactly one "
        "RepositoryEnvironmentDeploymentPolicy, branchPattern 'main'"])


def test_github_environments_needs_exactly_one_main_policy():
    fakes = fake_stack("production")
    tag = Fake(T_GH_POLICY, "production-tag-policy", {"repository": "vital-expert", "environment": "production",
                                                       "tagPattern": "v*"},
               component="vital:github:GitHubEnvironment::production", deps={"environment": ["production-environment"]})
    develop = changed(fakes, "production-branch-policy", lambda i: i.update(branchPattern="develop"))
    with stack_runtime("production"):
        assert "has 2 deployment policies (branch 'main', tag 'v*')" in run(
            isolation.github_environments, stack_args([*fakes, tag]))[0].message
        assert "has 0 deployment policies (none)" in run(
            isolation.github_environments, stack_args(without(fakes, "production-branch-policy")))[0].message
        assert "has 1 deployment policies (branch 'develop')" in run(
            isolation.github_environments, stack_args(develop))[0].message
        missing = run(isolation.github_environments, stack_args(without(fakes, "production-environment")))
    assert "stack production has no RepositoryEnvironment 'production'" in missing[0].message


# ---- the pack as a whole ----------------------------------------------------------------------


def test_the_policy_names_are_the_contract():
    assert [p.name for p in catalog.build_policies()] == [
        "rate-limit", "max-duration", "noindex", "security-headers", "no-debug-in-production", "secrets", "cors",
        "isolation", "admin-allowlist", "preview-cleanup", "github-environments", "backups", "secret-rotation",
        "secret-rotation-due", "cache-safety", "data-budget", "release-gates", "slo-alerts", "cost-ceiling", "rls",
        "preview-access", "dns-records", "cache-isolation", "redirect-urls", "internal-access"]


def test_defaults_come_from_the_tier_table():
    from vital.tiers import TIER_DEFAULTS

    assert pack_config.defaults()["rate-limit"]["maxRequests"] == {"production": 100, "pre-production": 500, "preview": 1000}
    assert pack_config.defaults()["max-duration"]["maxSeconds"] == {t: TIER_DEFAULTS[t].function_timeout_s for t in TIERS}
    assert pack_config.defaults()["rate-limit"]["periodSeconds"] == 900
    assert pack_config.defaults()["preview-cleanup"]["maxDays"] == 30


@pytest.mark.parametrize("src, path, matched", [
    ("/blog/:slug", "/blog/a", True), ("/blog/:slug", "/blog/a/b", False), ("/api/:path*", "/api/a/b", True),
    ("/docs/:id(\\d+)", "/docs/12", True), ("/docs/:id(\\d+)", "/docs/x", False), ("/a.b", "/aXb", False),
])
def test_path_to_regexp_reads_the_usual_forms(src, path, matched):
    assert (re.search(routes.path_to_regexp(src), path) is not None) is matched


@pytest.mark.parametrize("value, host, readings", [
    ("app.vitalexpert.com", "app.vitalexpert.com", {"exact", "regex", "regex-search"}),
    ("app.vitalexpert.com", "x.vercel.app", set()),
    (r"(.*)\.vercel\.app", "x.vercel.app", {"regex", "regex-search"}),
    ("vercel", "x.vercel.app", {"regex-search"}),
])
def test_host_values_under_each_reading(value, host, readings):
    assert {r for r in ("exact", "regex", "regex-search") if routes.host_matches(value, host, r)} == readings


def test_the_rule_modules_stay_light():
    # The pack imports neither the provider SDKs nor the config layer (pydantic).
    code = ("import sys; sys.path[:0] = ['policies', '.']; import vital_policies.catalog; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pulumiverse_vercel', 'pulumi_github', 'pydantic') or m.startswith(('program', 'components'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_a_resource_rule_ignores_other_types():
    fakes = fake_stack("production")
    with stack_runtime("production"):
        for validate in (project.max_duration, env_vars.no_debug_in_production, env_vars.secrets, env_vars.cors):
            assert run(validate, resource_args(find(fakes, FIREWALL))) == []
