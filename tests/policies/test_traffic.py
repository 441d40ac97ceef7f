"""The traffic rules judged per path class: rate-limit scope and answer, cache-safety, data-budget."""

from __future__ import annotations

import pytest

from tests.policies.helpers import Fake, changed, data_fakes, fake_stack, find, run, stack_args, stack_runtime
from vital.names import TIERS
from vital_policies import caching, data, firewall

FIREWALL = "vital-expert-firewall"
PROD_REST = "vital-expert-route-headers-rest-app.vitalexpert.com"
T_ROUTE = "vercel:index/projectRoute:ProjectRoute"


def _rule(fakes, edit):
    return changed(fakes, FIREWALL, lambda i: edit(i["rules"]["rules"][0]))


def _conditions(*groups):
    return lambda rule: rule.update(conditionGroups=[{"conditions": list(g)} for g in groups])


# ---- rate-limit: scope and answer -------------------------------------------------------------


@pytest.mark.parametrize("edit, found", [
    (_conditions([{"type": "path", "op": "pre", "value": "/"}]), "counts static assets (/_next/static/a.js"),
    (_conditions([{"type": "path", "op": "re", "value": "^/(api|_next)/"}]), "counts static assets (/_next/static/a.js, "
                                                                          "/_next/static/css/b.css, /_next/image)"),
    (_conditions([{"type": "path", "op": "pre", "value": "/app/"}]), "does not count every /api/x request"),
    (_conditions([{"type": "path", "op": "pre", "value": "/api"}, {"type": "method", "op": "eq", "value": "POST"}]),
     "does not count every /api/x request"),
    (lambda rule: rule["action"]["rateLimit"].update(action="deny"), "follow-up action 'deny' (not 'rate_limit', the 429"),
    (lambda rule: rule["action"]["rateLimit"].update(action="log"), "follow-up action 'log' (not 'rate_limit', the 429 "
                                                                    "answer; log only logs)"),
])
def test_rate_limit_fails_a_rule_that_counts_static_assets_leaves_api_out_or_does_not_answer_429(edit, found):
    with stack_runtime("production"):
        reported = run(firewall.rate_limit, stack_args(_rule(fake_stack("production"), edit)))
    assert len(reported) == 1 and found in reported[0].message, reported
    assert "counting /api and no static asset, answering 429" in reported[0].message


def test_rate_limit_accepts_pages_with_static_assets_excluded():
    groups = _conditions([{"type": "path", "op": "re", "value": "^/api(?:/|$)"}],
                         [{"type": "path", "op": "re", "neg": True, "value": r"^/(?:_next/static/|_next/image(?:/|$)|"
                           r"favicon\.ico$|robots\.txt$|sitemap\.xml$)|\.(?:js|css|png|woff2)$"}])
    with stack_runtime("preview"):
        assert run(firewall.rate_limit, stack_args(_rule(fake_stack("preview"), groups))) == []


def test_a_second_rate_limit_rule_counting_static_assets_fails_beside_a_good_one():
    def add(inputs):
        good = inputs["rules"]["rules"][0]
        inputs["rules"]["rules"].append({**good, "name": "everything", "conditionGroups": [
            {"conditions": [{"type": "path", "op": "sub", "value": "."}]}]})
    fakes = changed(fake_stack("pre-production"), FIREWALL, add)
    with stack_runtime("pre-production"):
        reported = run(firewall.rate_limit, stack_args(fakes))
    assert len(reported) == 1
    assert "rule 'everything' counts static assets (/_next/static/a.js" in reported[0].message


# ---- cache-safety -----------------------------------------------------------------------------


def _route(name, src, headers, **route):
    return Fake(T_ROUTE, f"vital-expert-route-{name}", {
        "name": name, "projectId": "prj_x", "srcSyntax": "regex", "route": {"src": src, "headers": headers, **route}},
        deps={"projectId": ["vital-expert-project"]})


def _with(tier, *fakes):
    stack = fake_stack(tier)
    for fake in fakes:
        fake.stack = tier
    return [*stack, *fakes]


@pytest.mark.parametrize("tier", TIERS)
def test_cache_safety_passes_the_tier_defaults(tier):
    with stack_runtime(tier):
        assert run(caching.cache_safety, stack_args(fake_stack(tier))) == []


@pytest.mark.parametrize("fakes, found", [
    (lambda: changed(fake_stack("production"), PROD_REST,
                     lambda i: i["route"]["headers"].update({"Cache-Control": "s-maxage=60, stale-while-revalidate"})),
     "share api, pages, admin responses"),
    (lambda: _with("production", _route("settings", "^/settings$", {"Cache-Control": "s-maxage=300"})),
     "on app.vitalexpert.com/settings"),
    (lambda: _with("production", _route("api-public", "^/api/(.*)$", {"Cache-Control": "public, max-age=600"})),
     "share api, admin responses"),
    (lambda: _with("preview", _route("admin-cdn", "^/admin(/.*)?$", {"Vercel-CDN-Cache-Control": "max-age=60"})),
     "share admin responses"),
    (lambda: _with("production", _route("bots", "^/dashboard$", {"Cache-Control": "s-maxage=60"},
                                        has=[{"type": "header", "key": "x-bot", "value": "1"}])),
     "on app.vitalexpert.com/dashboard"),
])
def test_cache_safety_fails_shared_caching_outside_static_assets_and_listed_pages(fakes, found):
    stack = fakes()
    tier = stack[0].stack
    with stack_runtime(tier):
        reported = run(caching.cache_safety, stack_args(stack))
    assert len(reported) == 1, reported
    assert found in reported[0].message
    assert "only on static assets and the pages in vital-expert-infra:publicCachePaths" in reported[0].message


def test_cache_safety_allows_the_listed_public_pages_only():
    stack = _with("production", _route("pricing", "^/pricing$", {"Cache-Control": "s-maxage=60, stale-while-revalidate"}))
    with stack_runtime("production", {"vital-expert-infra:publicCachePaths": '["/pricing"]'}):
        assert run(caching.cache_safety, stack_args(stack)) == []
    with stack_runtime("production"):
        reported = run(caching.cache_safety, stack_args(stack))
    assert len(reported) == 1 and reported[0].urn == find(stack, "vital-expert-route-pricing").urn
    assert "(none listed)" in reported[0].message


@pytest.mark.parametrize("name, value, is_shared", [
    ("cache-control", "private, no-store", False), ("cache-control", "public, max-age=0, must-revalidate", False),
    ("cache-control", "s-maxage=60, stale-while-revalidate", True), ("cache-control", "public, max-age=31536000", True),
    ("cache-control", "s-maxage=60, private", False), ("cdn-cache-control", "max-age=60", True),
    ("vercel-cdn-cache-control", "max-age=0", False),
])
def test_what_counts_as_shared_caching(name, value, is_shared):
    assert caching.shared(name, value) is is_shared


# ---- data-budget ------------------------------------------------------------------------------


def test_data_budget_passes_the_tier_table_and_warns_at_the_provider_default():
    fakes = data_fakes("production")
    with stack_runtime("production"):
        assert run(data.data_budget, stack_args(fakes)) == []
        for edit, found in ((lambda i: i.pop("budget"), "sets no budget (the provider's default)"),
                            (lambda i: i.update(budget=20.0), "has budget 20 USD")):
            reported = run(data.data_budget, stack_args(changed(fakes, "cache-production-redis", edit)))
            assert len(reported) == 1 and found in reported[0].message
    with stack_runtime("pre-production"):  # only production's budget is checked by default
        unset = changed(data_fakes("pre-production"), "cache-pre-production-redis", lambda i: i.pop("budget"))
        assert run(data.data_budget, stack_args(unset)) == []
        assert len(run(data.data_budget, stack_args(unset, {"tiers": ["pre-production"]}))) == 1
