"""Traffic rules that real users survive, read off the rendered stacks.

The header routes are evaluated here with a small oracle of their own (not the policy pack's):
each sample path on a custom domain and on a *.vercel.app host gets the same headers whether
Vercel stops at the first matching route or applies every match, in either order, and whether
it compares a host value exactly or as a regular expression; and those headers are the tier's.
"""

import re

import pytest

from tests.stacks import of_type, one, render, with_config

SAMPLES = ("/", "/dashboard", "/api/x", "/_next/static/a.js", "/admin", "/robots.txt")
CUSTOM = {"production": "app.vitalexpert.com", "pre-production": "dev.vitalexpert.com", "preview": None}
PROJECT = {"production": "vital-expert-production", "pre-production": "vital-expert-dev", "preview": "vital-expert-preview"}
PRIVATE, IMMUTABLE = "private, no-store", "public, max-age=31536000, immutable"
CACHE = {"/": PRIVATE, "/dashboard": PRIVATE, "/api/x": PRIVATE, "/_next/static/a.js": IMMUTABLE, "/admin": PRIVATE,
         "/robots.txt": None}
NOINDEX = "noindex, nofollow"


def _host_holds(value, host, reading):
    if reading == "exact":
        return value == host
    return (re.fullmatch if reading == "regex" else re.search)(value, host) is not None


def _applies(route, host, path, reading):
    assert route["srcSyntax"] == "regex"
    inner = route["route"]
    return (re.search(inner["src"], path) is not None
            and all(_host_holds(c["value"], host, reading) for c in inner.get("has", []))
            and not any(_host_holds(c["value"], host, reading) for c in inner.get("missings", [])))


def headers(routes, host, path, first_match, reverse, reading):
    out = {}
    for route in (reversed(routes) if reverse else routes):
        if _applies(route, host, path, reading):
            out.update(route["route"]["headers"])
            if first_match:
                break
    return out


def expected(stack, path, custom_domain):
    if stack == "production":
        want = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "strict-origin-when-cross-origin",
                "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload"}
        if not custom_domain:
            want["X-Robots-Tag"] = NOINDEX
    else:
        want = {"X-Frame-Options": "SAMEORIGIN", "X-Content-Type-Options": "nosniff", "X-Robots-Tag": NOINDEX}
    if CACHE[path]:
        want["Cache-Control"] = CACHE[path]
    return want


def _routes(doc):
    return [r["inputs"] for r in of_type(doc, ":ProjectRoute")]


@pytest.mark.parametrize("stack", PROJECT)
def test_every_sample_path_gets_the_same_headers_under_first_match_and_all_match(committed, stack):
    routes = _routes(committed[stack])
    hosts = [(h, True) for h in [CUSTOM[stack]] if h] + [(f"{PROJECT[stack]}-a1b2c3-team.vercel.app", False)]
    for (host, custom), path in ((h, p) for h in hosts for p in SAMPLES):
        results = [headers(routes, host, path, first, reverse, reading)
                   for first in (True, False) for reverse in (False, True) for reading in ("exact", "regex", "search")]
        assert all(r == results[0] for r in results), (host, path)
        got = dict(results[0])
        csp = got.pop("Content-Security-Policy", None)
        reported = got.pop("Content-Security-Policy-Report-Only", None)
        assert got == expected(stack, path, custom), (host, path)
        assert (csp is not None and "frame-ancestors 'none'" in csp) is (stack == "production")
        # Before production the same policy is sent report-only, on every path and host.
        assert (reported is not None and "frame-ancestors 'none'" in reported) is (stack != "production")


def test_routes_are_few_and_chained(committed):
    counts = {stack: len(_routes(doc)) for stack, doc in committed.items()}
    # build output, other static files, the rest; production doubles them for its custom domain vs other hosts.
    assert counts == {"production": 6, "pre-production": 3, "preview": 3}
    for doc in committed.values():
        routes = of_type(doc, ":ProjectRoute")
        starts = [r for r in routes if r["inputs"]["position"] == {"placement": "start"}]
        assert len(starts) == 1
        urns = {r["urn"] for r in routes}
        for route in routes:
            if route is not starts[0]:
                assert route["inputs"]["position"]["placement"] == "after"
                assert len(urns & set(route["dependencies"])) == 1  # waits for exactly the route before it


# ---- the rate limit ------------------------------------------------------------------------------


def _counted(rule, path):
    def holds(c):
        hit = re.search(c["value"], path) is not None
        return not hit if c.get("neg") else hit
    return any(all(holds(c) for c in group["conditions"]) for group in rule["conditionGroups"])


def _rate_rule(doc):
    rules = one(doc, ":FirewallConfig")["inputs"]["rules"]["rules"]
    return next(r for r in rules if r["action"]["action"] == "rate_limit")


STATIC_SAMPLES = ("/_next/static/chunks/a.js", "/_next/image", "/fonts/inter.woff2", "/favicon.ico", "/robots.txt",
                  "/sitemap.xml", "/images/hero.webp")


@pytest.mark.parametrize("stack", PROJECT)
def test_the_rate_limit_counts_api_never_static_assets_and_answers_429(committed, stack):
    rule = _rate_rule(committed[stack])
    assert rule["action"]["rateLimit"]["action"] == "rate_limit"  # the dashboard's Default (429)
    assert _counted(rule, "/api/x") and _counted(rule, "/api/og.png")
    assert not any(_counted(rule, p) for p in STATIC_SAMPLES)
    assert not _counted(rule, "/dashboard")  # no tier counts pages by default


def test_a_tier_may_count_pages_too_but_never_static_assets(tmp_path):
    rule = _rate_rule(render("preview", with_config("preview", tmp_path, rateLimitScope=["api", "pages"])))
    assert _counted(rule, "/dashboard") and _counted(rule, "/") and _counted(rule, "/api/og.png")
    assert not any(_counted(rule, p) for p in STATIC_SAMPLES)


# ---- opt-in shared caching and the cache budget --------------------------------------------------


def test_only_listed_pages_are_shared_cacheable(tmp_path):
    doc = render("production", with_config("production", tmp_path, publicCachePaths=["/pricing", "/blog/*"]))
    routes = _routes(doc)
    assert len(routes) == 8
    for path, cache in (("/pricing", "s-maxage=60, stale-while-revalidate"), ("/blog/post", "s-maxage=60, stale-while-revalidate"),
                        ("/", PRIVATE), ("/pricing/x", PRIVATE), ("/api/x", PRIVATE), ("/admin", PRIVATE)):
        for first in (True, False):
            assert headers(routes, "app.vitalexpert.com", path, first, False, "exact").get("Cache-Control") == cache, path


def test_production_redis_budget_is_explicit_and_above_the_provider_default(committed):
    assert one(committed["production"], ":RedisDatabase")["inputs"]["budget"] == 35
    assert one(committed["pre-production"], ":RedisDatabase")["inputs"]["budget"] == 10
    # Preview's own small database, shared by its PR deployments: 35 + 10 + 5 within the strategy's $50.
    assert one(committed["preview"], ":RedisDatabase")["inputs"]["budget"] == 5
