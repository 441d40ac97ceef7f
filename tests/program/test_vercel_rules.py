"""The header routes and firewall rules, exactly: every header's name and value per tier and path
class, each route's src and host conditions, and the firewall rules' whole shape.

The functions are called on a StackConfig directly (as program/resolve.py calls them): no render,
so the file runs in about a second and `make mutate` runs it first for program/vercel_rules.py.
Values with a home in vital/ (the CSP, cache values, the plan's window) are read from there; the
security headers' values have no other home, so they are pinned here literally.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from components.specs import FirewallRule, RouteCondition
from program.config import StackConfig
from program.vercel_rules import firewall_rules, header_rules, rate_limit
from vital import facts, paths
from vital.tiers import SHARED, TIER_DEFAULTS

CSP = SHARED["content_security_policy"]
PRODUCTION_SECURITY = {
    "Content-Security-Policy": CSP,
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# Pre-production and preview: the seed's preview baseline, with production's CSP reported only.
BASELINE = {"X-Frame-Options": "SAMEORIGIN", "X-Content-Type-Options": "nosniff"}
REPORT_ONLY = {"Content-Security-Policy-Report-Only": CSP}
TIER_HEADERS = {"production": PRODUCTION_SECURITY, "pre-production": {**BASELINE, **REPORT_ONLY},
                "preview": {**BASELINE, **REPORT_ONLY}}
NOINDEX = {"X-Robots-Tag": "noindex, nofollow"}
CACHE = {
    paths.BUILD: {"Cache-Control": facts.IMMUTABLE_CACHE_CONTROL},
    paths.STATIC: {},  # Vercel and Next.js answer static files with their own
    paths.PUBLIC: {"Cache-Control": facts.PUBLIC_PAGE_CACHE_CONTROL},
    "rest": {"Cache-Control": facts.PRIVATE_CACHE_CONTROL},
}
GROUPS = (paths.BUILD, paths.STATIC, "rest")
REPORT_URI = "https://o0.ingest.sentry.io/api/0/security/?sentry_key=abc"
DOMAIN = "app.vitalexpert.com"
API_ONLY = (({"type": "path", "op": "re", "value": "^/api(?:/|$)"},),)


def config(tier: str, **keys: Any) -> StackConfig:
    """The tier's defaults with these config keys (by their stack-file names) set."""
    data: dict[str, Any] = {
        "stack": tier, "tier": tier, "vercel:team": "team_abcdefgh", "github:owner": "o",
        "supabaseProjectRef": "a" * 20,
        "supabaseDbUrl": "postgresql://postgres:pw@db.aaaaaaaaaaaaaaaaaaaa.supabase.co:5432/postgres",
        "secretEnv": {k: "k" for k in TIER_DEFAULTS[tier].secret_env},
    }
    if tier == "production":  # the tier's approvers, its latency alert's add-on, the team token (its only)
        data.update(requiredReviewers=[1234567], vercelAddons=["observability_plus"], vercelDeployToken="t")
    return StackConfig.model_validate({**data, **keys})


def table(rules) -> list[tuple]:
    return [(r.name, r.src, r.src_syntax, r.has, r.missing, r.headers) for r in rules]


def expected(base: dict[str, str], variants, public: tuple[str, ...] = ()) -> list[tuple]:
    """One row per route group (in chain order) and host variant (suffix, has, missing, noindex)."""
    patterns = paths.route_patterns(public)
    groups = (paths.BUILD, paths.STATIC, *((paths.PUBLIC,) if public else ()), "rest")
    return [(f"headers-{group}{suffix}", patterns[group], "regex", has, missing,
             {**base, **(NOINDEX if noindex else {}), **CACHE[group]})
            for group in groups for suffix, has, missing, noindex in variants]


EVERY_HOST_NOINDEX = (("", (), (), True),)


def own_domains(*domains: str):
    own = tuple(RouteCondition(type="host", value=d) for d in domains)
    return (*((f"-{d}", (c,), (), False) for d, c in zip(domains, own)), ("-other-hosts", (), own, True))


# ---- header tables per tier -------------------------------------------------------------------


def test_production_indexes_its_custom_domain_and_keeps_every_other_host_out_of_search():
    rules = header_rules(config("production", domains=[DOMAIN]), [DOMAIN])
    assert table(rules) == expected(PRODUCTION_SECURITY, own_domains(DOMAIN))
    assert [r.name for r in rules] == [
        "headers-build-app.vitalexpert.com", "headers-build-other-hosts",
        "headers-static-app.vitalexpert.com", "headers-static-other-hosts",
        "headers-rest-app.vitalexpert.com", "headers-rest-other-hosts"]
    by_name = {r.name: r for r in rules}
    indexed, other = by_name["headers-rest-app.vitalexpert.com"], by_name["headers-rest-other-hosts"]
    assert indexed.has == (RouteCondition(type="host", value=DOMAIN),) and indexed.missing == ()
    assert other.has == () and other.missing == (RouteCondition(type="host", value=DOMAIN),)
    assert "X-Robots-Tag" not in indexed.headers and other.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_production_with_two_domains_has_a_route_for_each_and_one_for_the_rest():
    domains = ["app.vitalexpert.com", "www.vitalexpert.com"]
    rules = header_rules(config("production", domains=domains), domains)
    assert table(rules) == expected(PRODUCTION_SECURITY, own_domains(*domains))
    assert [r.missing for r in rules if r.name.endswith("-other-hosts")] == [
        tuple(RouteCondition(type="host", value=d) for d in domains)] * 3


def test_production_without_a_custom_domain_serves_only_vercel_app_hosts_all_noindex():
    rules = header_rules(config("production"))
    assert table(rules) == expected(PRODUCTION_SECURITY, EVERY_HOST_NOINDEX)
    assert [r.name for r in rules] == ["headers-build", "headers-static", "headers-rest"]


@pytest.mark.parametrize("tier, domains", [("pre-production", ["dev.vitalexpert.com"]), ("preview", [])])
def test_noindex_tiers_send_the_baseline_and_report_only_csp_and_noindex_on_every_host(tier, domains):
    rules = header_rules(config(tier, domains=domains), domains)
    assert table(rules) == expected({**BASELINE, **REPORT_ONLY}, EVERY_HOST_NOINDEX)
    for rule in rules:
        assert rule.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert rule.headers["Content-Security-Policy-Report-Only"] == CSP
        assert "Content-Security-Policy" not in rule.headers and "Strict-Transport-Security" not in rule.headers
        assert rule.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_the_tier_table_says_which_tier_enforces_and_which_reports():
    for tier, headers in TIER_HEADERS.items():
        t = TIER_DEFAULTS[tier]
        assert (t.security_headers, t.csp_report_only) == (("Content-Security-Policy" in headers),
                                                           ("Content-Security-Policy-Report-Only" in headers))


def test_a_stack_that_turns_noindex_off_with_a_domain_gets_production_s_host_split():
    rules = header_rules(config("preview", noindex=False, domains=[DOMAIN]), [DOMAIN])
    assert table(rules) == expected({**BASELINE, **REPORT_ONLY}, own_domains(DOMAIN))


# ---- config keys that change the headers ------------------------------------------------------


def test_report_only_is_never_added_where_the_csp_is_enforced():
    rules = header_rules(config("production", cspReportOnly=True))
    assert table(rules) == expected(PRODUCTION_SECURITY, EVERY_HOST_NOINDEX)


def test_a_tier_that_turns_report_only_off_sends_the_baseline_alone():
    rules = header_rules(config("pre-production", cspReportOnly=False))
    assert table(rules) == expected(BASELINE, EVERY_HOST_NOINDEX)


def test_security_headers_on_a_noindex_tier_enforce_production_s_csp():
    rules = header_rules(config("preview", securityHeaders=True))
    assert table(rules) == expected(PRODUCTION_SECURITY, EVERY_HOST_NOINDEX)


def test_a_report_uri_goes_into_the_enforced_csp_with_its_reporting_endpoint():
    rules = header_rules(config("production", cspReportUri=REPORT_URI))
    report = {"Content-Security-Policy": f"{CSP}; report-uri {REPORT_URI}; report-to csp",
              "Reporting-Endpoints": f'csp="{REPORT_URI}"'}
    assert table(rules) == expected({**PRODUCTION_SECURITY, **report}, EVERY_HOST_NOINDEX)


def test_a_report_uri_goes_into_the_report_only_csp_where_it_is_not_enforced():
    rules = header_rules(config("pre-production", cspReportUri=REPORT_URI))
    report = {"Content-Security-Policy-Report-Only": f"{CSP}; report-uri {REPORT_URI}; report-to csp",
              "Reporting-Endpoints": f'csp="{REPORT_URI}"'}
    assert table(rules) == expected({**BASELINE, **report}, EVERY_HOST_NOINDEX)
    assert "Content-Security-Policy" not in rules[0].headers


def test_a_report_uri_without_any_csp_sends_only_the_reporting_endpoint():
    rules = header_rules(config("preview", cspReportOnly=False, cspReportUri=REPORT_URI))
    assert table(rules) == expected({**BASELINE, "Reporting-Endpoints": f'csp="{REPORT_URI}"'}, EVERY_HOST_NOINDEX)


def test_stack_headers_are_added_to_every_route_and_override_the_tier_s():
    extra = {"X-Frame-Options": "SAMEORIGIN", "Permissions-Policy": "camera=()"}
    rules = header_rules(config("production", headers=extra, domains=[DOMAIN]), [DOMAIN])
    assert table(rules) == expected({**PRODUCTION_SECURITY, **extra}, own_domains(DOMAIN))


def test_listed_public_pages_get_their_own_route_with_the_shared_page_cache():
    public = ("/pricing", "/blog/*")
    rules = header_rules(config("production", publicCachePaths=list(public), domains=[DOMAIN]), [DOMAIN])
    assert table(rules) == expected(PRODUCTION_SECURITY, own_domains(DOMAIN), public)
    assert [r.name for r in rules][4:6] == ["headers-public-app.vitalexpert.com", "headers-public-other-hosts"]
    assert rules[4].headers["Cache-Control"] == "s-maxage=60, stale-while-revalidate"


# ---- what a request gets, per path class ------------------------------------------------------


def _matching(rules, path: str) -> list:
    return [r for r in rules if re.fullmatch(r.src, path)]


@pytest.mark.parametrize("path, cache", [
    *((p, facts.IMMUTABLE_CACHE_CONTROL) for p in paths.CLASSES[paths.BUILD].samples),
    *((p, None) for p in paths.CLASSES[paths.STATIC].samples),
    *((p, facts.PRIVATE_CACHE_CONTROL) for p in (*paths.CLASSES[paths.API].samples, *paths.CLASSES[paths.PAGES].samples,
                                                   "/admin", "/api/admin/users", "/api/og.png")),
    ("/pricing", facts.PUBLIC_PAGE_CACHE_CONTROL), ("/blog/a", facts.PUBLIC_PAGE_CACHE_CONTROL),
    ("/pricing/x", facts.PRIVATE_CACHE_CONTROL),
])
def test_each_path_matches_one_route_per_host_with_its_class_s_cache(path, cache):
    rules = header_rules(config("preview", publicCachePaths=["/pricing", "/blog/*"]))
    matched = _matching(rules, path)
    assert len(matched) == 1, [r.name for r in matched]
    assert matched[0].headers.get("Cache-Control") == cache
    assert matched[0].headers["X-Robots-Tag"] == "noindex, nofollow"
    assert matched[0].headers["X-Content-Type-Options"] == "nosniff"


def test_the_build_route_is_the_content_hashed_output_only():
    rules = header_rules(config("preview"))
    assert rules[0].name == "headers-build" and rules[0].src == "^/_next/static/.*$"
    assert [r.name for r in _matching(rules, "/_next/static/chunks/app.js")] == ["headers-build"]
    assert [r.name for r in _matching(rules, "/_next/data/b/x.json")] == ["headers-rest"]


# ---- the rate limit ---------------------------------------------------------------------------


@pytest.mark.parametrize("requests, period, window, limit", [
    (100, 900, 600, 66),  # the seed's 100 per 15 min: never a higher rate than configured (66.67 rounds down)
    (500, 900, 600, 333),
    (1000, 900, 600, 666),
    (2, 900, 600, 1),  # the lowest rate the config accepts over 15 min
    (100, 600, 600, 100),  # a period the plan allows is kept as it is
    (7, 10, 10, 7),  # the plan's shortest window
    (1, 10, 10, 1),
    (86400, 86400, 600, 600),
])
def test_the_rate_is_scaled_to_the_longest_window_the_plan_allows(requests, period, window, limit):
    rl = rate_limit(config("preview", rateLimitRequests=requests, rateLimitPeriod=period))
    assert (rl.window_s, rl.limit, rl.requests, rl.period_s) == (window, limit, requests, period)
    assert type(rl.limit) is int


@pytest.mark.parametrize("tier", TIER_DEFAULTS)
def test_each_tier_s_default_rate_limit_rule(tier):
    t = TIER_DEFAULTS[tier]
    period, window = SHARED["rate_limit_period_s"], facts.VERCEL_PLANS["pro"].rate_limit_window_max_s
    limit = t.rate_limit_requests * window // period
    assert firewall_rules(config(tier)) == (FirewallRule(
        name="rate-limit-per-ip",
        description=(f"{t.rate_limit_requests} requests per {period} s per IP on /api, as {limit} per {window} s; "
                     "static assets never count; answers 429"),
        condition_groups=API_ONLY,
        action={"action": "rate_limit", "rate_limit": {"algo": "fixed_window", "window": window, "limit": limit,
                                                       "keys": ["ip"], "action": facts.RATE_LIMIT_429_ACTION}},
    ),)


def test_production_s_rule_literally():
    (rule,) = firewall_rules(config("production"))
    assert rule.model_dump() == {
        "name": "rate-limit-per-ip",
        "description": "100 requests per 900 s per IP on /api, as 66 per 600 s; static assets never count; answers 429",
        "condition_groups": (({"type": "path", "op": "re", "value": "^/api(?:/|$)"},),),
        "action": {"action": "rate_limit", "rate_limit": {"algo": "fixed_window", "window": 600, "limit": 66,
                                                          "keys": ["ip"], "action": "rate_limit"}},
    }


def test_counting_pages_adds_a_group_for_every_path_but_static_assets():
    (rule,) = firewall_rules(config("preview", rateLimitScope=["api", "pages"]))
    assert rule.condition_groups == (
        ({"type": "path", "op": "re", "value": paths.API_RE},),
        ({"type": "path", "op": "re", "value": paths.STATIC_RE, "neg": True},),
    )
    assert rule.description == ("1000 requests per 900 s per IP on /api and pages, as 666 per 600 s; static assets "
                                "never count; answers 429")


# ---- the admin allow-list ---------------------------------------------------------------------


def test_no_allow_list_no_admin_rule():
    assert [r.name for r in firewall_rules(config("pre-production"))] == ["rate-limit-per-ip"]


def test_the_admin_rule_denies_admin_paths_to_addresses_outside_the_allow_list():
    cidrs = ["203.0.113.0/24", "198.51.100.7/32"]
    rules = firewall_rules(config("pre-production", adminAllowlist=cidrs))
    assert [r.name for r in rules] == ["rate-limit-per-ip", "admin-allowlist"]
    assert rules[1].model_dump() == {
        "name": "admin-allowlist",
        "description": "Deny admin routes to addresses outside the allow-list",
        "condition_groups": ((
            {"type": "path", "op": "re", "value": "^/(admin|api/admin)(/|$)"},
            {"type": "ip_address", "op": "inc", "values": cidrs, "neg": True},
        ),),
        "action": {"action": "deny"},
    }


def test_the_admin_rule_follows_the_configured_admin_paths():
    rules = firewall_rules(config("production", adminAllowlist=["203.0.113.0/24"], adminPaths=["/ops/", "/internal/X"]))
    value = rules[1].condition_groups[0][0]["value"]
    assert value == "^/(ops|internal/X)(/|$)"
    assert [p for p in ("/ops", "/ops/x", "/internal/X/y", "/opsx", "/internal") if re.search(value, p)] == [
        "/ops", "/ops/x", "/internal/X/y"]
