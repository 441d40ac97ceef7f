"""cache-safety, exactly: what counts as shared caching (every directive and boundary), which
path classes may carry it, and the whole message a user reads for each violation.

Pure function calls over the fake stack (tests/policies/helpers.py): the file runs in well
under a second, so `make mutate` runs it first for policies/vital_policies/caching.py.
"""

from __future__ import annotations

import pytest

from tests.policies.helpers import T_ROUTE, Fake, changed, fake_stack, find, run, stack_args, stack_runtime
from vital.names import PROJECT, TIERS
from vital_policies import caching

PROD_REST = "vital-expert-route-headers-rest-app.vitalexpert.com"
PROD_BUILD = "vital-expert-route-headers-build-app.vitalexpert.com"
PUBLIC_KEY = f"{PROJECT}:publicCachePaths"
ALLOWED = ("allowed: shared caching (s-maxage, public with max-age, CDN-Cache-Control) only on static assets and the "
           f"pages in {PROJECT}:publicCachePaths")


def _route(name: str, src: str, headers: dict, tier: str = "production", **route) -> Fake:
    return Fake(T_ROUTE, f"vital-expert-route-{name}", {
        "name": name, "projectId": "prj_x", "srcSyntax": "regex", "route": {"src": src, "headers": headers, **route}},
        deps={"projectId": ["vital-expert-project"]}, stack=tier)


def _judge(stack: list[Fake], config: dict | None = None, runtime: dict | None = None):
    with stack_runtime(stack[0].stack, runtime):
        return run(caching.cache_safety, stack_args(stack, config))


# ---- shared(): which header values let a shared cache keep a response -------------------------


@pytest.mark.parametrize("name, value, is_shared", [
    # private or no-store: never shared, whatever else the value says
    ("cache-control", "private, no-store", False),
    ("cache-control", "s-maxage=60, private", False),
    ("cache-control", "no-store, s-maxage=60", False),
    ("cdn-cache-control", "max-age=60, private", False),
    ("vercel-cdn-cache-control", "no-store, max-age=60", False),
    # s-maxage above 0 is the CDN's, under any of the three names; the boundary is 1 s
    ("cache-control", "s-maxage=60, stale-while-revalidate", True),
    ("cache-control", "s-maxage=1", True),
    ("cache-control", "S-MAXAGE = \"5\"", True),
    ("cache-control", "s-maxage=0, public", False),
    ("cdn-cache-control", "s-maxage=1", True),
    # Cache-Control's max-age is shared only with public, from 1 s up
    ("cache-control", "public, max-age=31536000", True),
    ("cache-control", "public, max-age=1", True),
    ("cache-control", "public, max-age=0, must-revalidate", False),
    ("cache-control", "max-age=60", False),
    ("cache-control", "public", False),
    ("cache-control", "", False),
    # CDN-Cache-Control and Vercel-CDN-Cache-Control speak to the CDN only: max-age alone shares
    ("cdn-cache-control", "max-age=60", True),
    ("cdn-cache-control", "max-age=1", True),
    ("cdn-cache-control", "public", False),
    ("vercel-cdn-cache-control", "max-age=0", False),
    ("vercel-cdn-cache-control", "max-age=600", True),
])
def test_what_counts_as_shared_caching(name, value, is_shared):
    assert caching.shared(name, value) is is_shared


# ---- the policy over stacks -------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_the_tier_defaults_pass_though_build_output_is_cached_for_a_year(tier):
    stack = fake_stack(tier)
    build = [f for f in stack if "-headers-build" in f.name]
    assert build and all(f.inputs["route"]["headers"]["Cache-Control"] == "public, max-age=31536000, immutable"
                         for f in build)
    assert _judge(stack) == []


def test_shared_caching_on_the_rest_route_names_every_class_the_route_serves():
    stack = changed(fake_stack("production"), PROD_REST,
                    lambda i: i["route"]["headers"].update({"Cache-Control": "s-maxage=60, stale-while-revalidate"}))
    reported = _judge(stack)
    assert [r.urn for r in reported] == [find(stack, PROD_REST).urn]
    assert reported[0].message == (
        f"ProjectRoute '{PROD_REST}' (tier production) lets Vercel's CDN share api, pages, admin responses between "
        "users (cache-control: 's-maxage=60, stale-while-revalidate') on app.vitalexpert.com/api/x, "
        "app.vitalexpert.com/api/chat/stream, app.vitalexpert.com/ and 8 more (under first match, routes in order, "
        f"host values read as exact); {ALLOWED} (none listed)")


def test_one_page_route_is_reported_once_with_its_header_and_every_host():
    stack = [*fake_stack("production"), _route("settings", "^/settings$", {"Cache-Control": "s-maxage=300"})]
    reported = _judge(stack, runtime={PUBLIC_KEY: '["/pricing", "/blog/*"]'})
    assert [r.urn for r in reported] == [find(stack, "vital-expert-route-settings").urn]
    assert reported[0].message == (
        "ProjectRoute 'vital-expert-route-settings' (tier production) lets Vercel's CDN share pages responses between "
        "users (cache-control: 's-maxage=300') on app.vitalexpert.com/settings, vital-expert-production.vercel.app/"
        "settings, vital-expert-production-git-main-team.vercel.app/settings (under first match, routes in reverse "
        f"order, host values read as exact); {ALLOWED} (/pricing, /blog/*)")


def test_a_route_on_one_host_and_one_path_is_reported_on_that_request_alone():
    stack = [*fake_stack("production"), _route("settings", "^/settings$", {"Cache-Control": "s-maxage=300"},
                                               has=[{"type": "host", "value": "app.vitalexpert.com"}])]
    reported = _judge(stack)
    assert [r.message for r in reported] == [
        "ProjectRoute 'vital-expert-route-settings' (tier production) lets Vercel's CDN share pages responses between "
        "users (cache-control: 's-maxage=300') on app.vitalexpert.com/settings (under first match, routes in reverse "
        f"order, host values read as exact); {ALLOWED} (none listed)"]


def test_a_cdn_header_shares_even_beside_a_private_cache_control():
    stack = [*fake_stack("preview"), _route("admin-cdn", "^/admin(/.*)?$",
                                            {"Cache-Control": "private, no-store", "CDN-Cache-Control": "max-age=60"},
                                            tier="preview")]
    reported = _judge(stack)
    assert len(reported) == 1
    assert reported[0].message.startswith(
        "ProjectRoute 'vital-expert-route-admin-cdn' (tier preview) lets Vercel's CDN share admin responses between "
        "users (cdn-cache-control: 'max-age=60') on ")


def test_a_route_between_two_that_apply_is_found_when_every_match_applies():
    # On app.vitalexpert.com/settings the rest route, this one and a last one apply: first match
    # stops before it in either order; only every match reads its header.
    app = [{"type": "host", "value": "app.vitalexpert.com"}]
    stack = [*fake_stack("production"),
             _route("settings-cdn", "^/settings$", {"CDN-Cache-Control": "max-age=60"}, has=app),
             _route("settings-tag", "^/settings$", {"X-Settings": "1"}, has=app)]
    reported = _judge(stack)
    assert [r.message for r in reported] == [
        "ProjectRoute 'vital-expert-route-settings-cdn' (tier production) lets Vercel's CDN share pages responses "
        "between users (cdn-cache-control: 'max-age=60') on app.vitalexpert.com/settings (under every match, routes "
        f"in order, host values read as exact); {ALLOWED} (none listed)"]


def test_each_offending_route_is_its_own_violation():
    stack = [*fake_stack("production"),
             _route("settings", "^/settings$", {"Cache-Control": "s-maxage=300"}),
             _route("api-public", "^/api/(.*)$", {"Vercel-CDN-Cache-Control": "max-age=600"})]
    reported = _judge(stack)
    assert sorted(r.urn for r in reported) == sorted(
        find(stack, f"vital-expert-route-{n}").urn for n in ("settings", "api-public"))
    by_urn = {r.urn: r.message for r in reported}
    assert "share api, admin responses between users (vercel-cdn-cache-control: 'max-age=600')" in by_urn[
        find(stack, "vital-expert-route-api-public").urn]


def test_listed_public_pages_and_static_assets_may_be_shared():
    stack = [*fake_stack("production"),
             _route("pricing", "^/pricing$", {"Cache-Control": "s-maxage=60, stale-while-revalidate"}),
             _route("fonts", "^/fonts/.*\\.woff2$", {"Cache-Control": "public, max-age=31536000, immutable"})]
    assert _judge(stack, runtime={PUBLIC_KEY: '["/pricing"]'}) == []
    reported = _judge(stack)  # /pricing not listed: its route shares a page
    assert [r.urn for r in reported] == [find(stack, "vital-expert-route-pricing").urn]


def test_a_route_that_shares_static_assets_only_passes_even_with_a_shared_build_route():
    stack = changed(fake_stack("production"), PROD_BUILD,
                    lambda i: i["route"]["headers"].update({"CDN-Cache-Control": "max-age=31536000"}))
    assert _judge(stack) == []


def test_only_the_configured_tiers_are_judged():
    stack = [*fake_stack("preview"), _route("settings", "^/settings$", {"Cache-Control": "s-maxage=300"}, tier="preview")]
    assert _judge(stack, {"tiers": ["production"]}) == []
    assert len(_judge(stack, {"tiers": ["preview"]})) == 1
    assert len(_judge(stack)) == 1  # every tier by default
