"""The firewall policies (rate-limit, admin-allowlist) judged shape by shape, with their exact messages.

Each rule function is called directly with the arguments pulumi-policy builds (tests/policies/
helpers.py: deserialized inputs in the unknown-checking proxies), on the smallest stack that
shows the case: a project and its FirewallConfig(s). The messages are what a user reads in the
PR comment, so they are compared whole. Pure function calls only: this file is the first that
`make mutate` runs for firewall.py (dev/mutate/targets.py).
"""

from __future__ import annotations

import pytest
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from tests.policies.helpers import T_FIREWALL, T_PROJECT, UNKNOWN, Fake, run, stack_args, stack_runtime
from vital_policies import firewall

PROJECT, FIREWALL = "vital-expert-project", "vital-expert-firewall"
DROP = object()  # a property left out

API = {"type": "path", "op": "re", "value": "^/api(?:/|$)"}
POST = {"type": "method", "op": "eq", "value": "POST"}
ALL_STATIC = ("/_next/static/a.js, /_next/static/css/b.css, /_next/image, /favicon.ico, /robots.txt, /sitemap.xml, "
              "/fonts/inter.woff2, /images/logo.png")
ALLOWED = ("an active rate-limit rule keyed on ip of at most 100 requests per 900 s (tier production), window 10-600 s "
           "and algorithm fixed_window (plan pro), counting /api and no static asset, answering 429 "
           "(rateLimit.action 'rate_limit')")
STATIC_ALLOWED = "allowed: rate limits that never count build output or static files"


def path(op, value=DROP, values=DROP, neg=DROP):
    return _without_dropped({"type": "path", "op": op, "value": value, "values": values, "neg": neg})


def _without_dropped(d):
    return {k: v for k, v in d.items() if v is not DROP}


def rate_rule(name="rate-limit-per-ip", groups=((API,),), active=True, **rate):
    """The program's rate-limit rule (production's 100 per 900 s as 66 per 600 s), with `rate` changed."""
    rate_limit = _without_dropped({"algo": "fixed_window", "window": 600.0, "limit": 66.0, "keys": ["ip"],
                                   "action": "rate_limit", **rate})
    return _without_dropped({"name": name, "active": active,
                             "conditionGroups": [{"conditions": list(g)} for g in groups],
                             "action": {"action": "rate_limit", "rateLimit": rate_limit}})


def project(name=PROJECT):
    return Fake(T_PROJECT, name, {"name": name, "framework": "nextjs"})


def config(*rules, name=FIREWALL, of=PROJECT, enabled=True):
    return Fake(T_FIREWALL, name, _without_dropped({"enabled": enabled, "projectId": "prj_x",
                                                     "rules": {"rules": list(rules)}}), deps={"projectId": [of]})


FW_URN = config().urn  # the one firewall's, in stack production


def judge(policy, fakes, tier="production", pack=None, stack=None):
    """The policy's violations as (message, urn), the stack named after the tier."""
    for fake in fakes:
        fake.stack = tier
    with stack_runtime(tier, stack):
        return [(r.message, r.urn) for r in run(policy, stack_args(fakes, pack))]


def rate_limit(*fakes, **kw):
    return judge(firewall.rate_limit, list(fakes), **kw)


def failed(found, project_name=PROJECT, allowed=ALLOWED):
    return f"Project '{project_name}': {found}; allowed: {allowed}"


def one_rule(problems, rule="rule 'rate-limit-per-ip'"):
    return failed(f"FirewallConfig '{FIREWALL}' {rule}: {problems}")


# ---- rate-limit: the rule's shape ----------------------------------------------------------------


@pytest.mark.parametrize("tier, limit", [("production", 66.0), ("pre-production", 333.0), ("preview", 666.0)])
def test_the_programs_rule_passes_in_every_tier(tier, limit):
    assert rate_limit(project(), config(rate_rule(limit=limit)), tier=tier) == []


@pytest.mark.parametrize("rule", [
    rate_rule(active=DROP),  # active left out: Vercel's default is active
    rate_rule(keys=["ja4", "ip"]),
    rate_rule(window=10.0, limit=1.0),  # the plan's shortest window, at most the seed's rate
    rate_rule(window=600.0, limit=1.0),  # the plan's longest window; a limit of 1
    rate_rule(window=450.0, limit=50.0),  # exactly the seed's 100 per 900 s
    rate_rule(window=18.0, limit=2.0),  # 2 per 18 s = 100 per 900 s, exactly
])
def test_rate_limit_passes_a_rule_within_the_plan_and_the_tier(rule):
    assert rate_limit(project(), config(rule)) == []


@pytest.mark.parametrize("rule, problems", [
    (rate_rule(active=False), "inactive (active: false)"),
    (rate_rule(keys=["ja4"]), "keys ['ja4'] (not per IP)"),
    (rate_rule(keys=DROP), "keys [] (not per IP)"),
    (rate_rule(keys=["IP", 1.0]), "keys ['IP'] (not per IP)"),
    # the follow-up action: only the API's rate_limit answers 429
    (rate_rule(action="deny"), "follow-up action 'deny' (not 'rate_limit', the 429 answer)"),
    (rate_rule(action="challenge"), "follow-up action 'challenge' (not 'rate_limit', the 429 answer)"),
    (rate_rule(action="bypass"), "follow-up action 'bypass' (not 'rate_limit', the 429 answer)"),
    (rate_rule(action="log"), "follow-up action 'log' (not 'rate_limit', the 429 answer; log only logs)"),
    (rate_rule(action=DROP), "follow-up action None (not 'rate_limit', the 429 answer)"),
    (rate_rule(algo="token_bucket"), "algorithm 'token_bucket'"),
    (rate_rule(algo=DROP), "algorithm None"),
    # windows and limits that are no rate at all
    (rate_rule(window=0.0), "window 0.0 and limit 66.0 (not positive numbers)"),
    (rate_rule(window=-600.0), "window -600.0 and limit 66.0 (not positive numbers)"),
    (rate_rule(window=DROP), "window None and limit 66.0 (not positive numbers)"),
    (rate_rule(window="600"), "window '600' and limit 66.0 (not positive numbers)"),
    (rate_rule(window=True), "window True and limit 66.0 (not positive numbers)"),
    (rate_rule(limit=0.0), "window 600.0 and limit 0.0 (not positive numbers)"),
    (rate_rule(limit=-1.0), "window 600.0 and limit -1.0 (not positive numbers)"),
    (rate_rule(limit=DROP), "window 600.0 and limit None (not positive numbers)"),
    (rate_rule(window=0.0, limit=0.0), "window 0.0 and limit 0.0 (not positive numbers)"),
    # the plan's window bounds, 10 to 600 s
    (rate_rule(window=9.0, limit=1.0), "window 9 s"),
    (rate_rule(window=1.0, limit=0.1), "window 1 s"),
    (rate_rule(window=601.0, limit=66.0), "window 601 s"),
    (rate_rule(window=900.0, limit=100.0), "window 900 s"),
    # the rate, limit / window, against the tier's 100 per 900 s
    (rate_rule(limit=67.0), "67 requests per 600 s (= 100.5 per 900 s)"),
    (rate_rule(window=450.0, limit=51.0), "51 requests per 450 s (= 102 per 900 s)"),
    (rate_rule(window=10.0, limit=2.0), "2 requests per 10 s (= 180 per 900 s)"),
    (rate_rule(window=601.0, limit=67.0), "window 601 s; 67 requests per 601 s (= 100.3 per 900 s)"),
    # everything at once, in the order the message lists it
    (rate_rule(active=False, keys=["ja4"], action="deny", algo="sliding", window=-1.0),
     "inactive (active: false); keys ['ja4'] (not per IP); follow-up action 'deny' (not 'rate_limit', the 429 answer); "
     "algorithm 'sliding'; window -1.0 and limit 66.0 (not positive numbers)"),
])
def test_rate_limit_fails_each_broken_part_of_the_rule(rule, problems):
    fw = config(rule)
    assert rate_limit(project(), fw) == [(one_rule(problems), fw.urn)]


def test_an_unnamed_rule_is_named_as_such():
    rule = rate_rule(name=DROP, keys=["ja4"])
    assert rate_limit(project(), config(rule))[0][0] == one_rule("keys ['ja4'] (not per IP)", rule="an unnamed rule")


# ---- rate-limit: which requests the rule counts, by path operator -----------------------------------


def _counting(*groups):
    return rate_limit(project(), config(rate_rule(groups=groups)))


@pytest.mark.parametrize("groups", [
    [(path("pre", "/api"),)],
    [(path("pre", "/api/"),)],
    [(path("sub", "/api/"),)],
    [(path("re", "^/api"),)],
    [(path("pre", "/app/"),), (API,)],  # groups are ORed: the second counts /api
    [(API,), (path("re", r"^/(?:_next/static/|_next/image(?:/|$)|favicon\.ico$|robots\.txt$|sitemap\.xml$)"
                     r"|\.(?:js|css|png|woff2)$", neg=True),)],  # the program's pages group: no static asset
    [(API, path("suf", ".js", neg=True))],  # ANDed: /api, but never a .js file
    [(API, path("neq", "/favicon.ico"))],
])
def test_rate_limit_passes_conditions_that_count_api_and_no_static_asset(groups):
    assert _counting(*groups) == []


@pytest.mark.parametrize("groups, problems", [
    ([(path("eq", "/"),)], "does not count every /api/x request"),
    ([(path("eq", "/api"),)], "does not count every /api/x request"),
    ([(path("sub", "chat"),)], "does not count every /api/x request"),
    ([(path("pre", "/app/"),)], "does not count every /api/x request"),
    ([(path("inc", values=["/api", "/api/chat/stream"]),)], "does not count every /api/x request"),
    # one API route is not all of them: every sample of the class must count
    ([(path("eq", "/api/x"),)], "does not count every /api/chat/stream request"),
    ([(path("inc", values=["/api/x"]),)], "does not count every /api/chat/stream request"),
    ([(path("inc", values=["/favicon.ico"]),)], "does not count every /api/x request; counts static assets (/favicon.ico)"),
    ([(path("suf", ".js"),)], "does not count every /api/x request; counts static assets (/_next/static/a.js)"),
    ([(path("suf", ".css"),)], "does not count every /api/x request; counts static assets (/_next/static/css/b.css)"),
    ([(path("pre", "/"),)], f"counts static assets ({ALL_STATIC})"),
    ([(path("sub", "."),)], "does not count every /api/x request; counts static assets (/_next/static/a.js, "
                            "/_next/static/css/b.css, /favicon.ico, /robots.txt, /sitemap.xml, /fonts/inter.woff2, "
                            "/images/logo.png)"),
    ([(path("re", "^/(api|_next)/"),)], "counts static assets (/_next/static/a.js, /_next/static/css/b.css, /_next/image)"),
    ([(path("pre", "/_next/", neg=True),)], "counts static assets (/favicon.ico, /robots.txt, /sitemap.xml, "
                                            "/fonts/inter.woff2, /images/logo.png)"),
    ([(path("ninc", values=["/favicon.ico", "/robots.txt"]),)],
     "counts static assets (/_next/static/a.js, /_next/static/css/b.css, /_next/image, /sitemap.xml, "
     "/fonts/inter.woff2, /images/logo.png)"),
    ([(path("neq", "/robots.txt"),)],
     "counts static assets (/_next/static/a.js, /_next/static/css/b.css, /_next/image, /favicon.ico, /sitemap.xml, "
     "/fonts/inter.woff2, /images/logo.png)"),
    ([(path("eq", "/api/x", neg=True),)], f"does not count every /api/x request; counts static assets ({ALL_STATIC})"),
    # a condition the path alone does not decide: the request may or may not count
    ([(API, POST)], "does not count every /api/x request"),
    ([(POST,)], f"does not count every /api/x request; counts static assets ({ALL_STATIC})"),
    ([(API,), (POST,)], f"counts static assets ({ALL_STATIC})"),
    ([(path("re", "("),)], f"does not count every /api/x request; counts static assets ({ALL_STATIC})"),
    ([(path("ex", "/api"),)], f"does not count every /api/x request; counts static assets ({ALL_STATIC})"),
    # no condition: a group without conditions matches nothing, and so does a rule without groups
    ([()], "does not count every /api/x request"),
    ([], "does not count every /api/x request"),
    ([(), (path("pre", "/app/"),)], "does not count every /api/x request"),
])
def test_rate_limit_fails_conditions_that_miss_api_or_count_a_static_asset(groups, problems):
    fw = config(rate_rule(groups=groups))
    assert rate_limit(project(), fw) == [(one_rule(problems), fw.urn)]


@pytest.mark.parametrize("condition, path_, holds", [
    (path("re", "^/api"), "/api/x", True), (path("re", "^/api"), "/x/api", False),
    (path("re", "("), "/api/x", None), (path("re", values=["^/api"]), "/api/x", None),
    (path("pre", "/api"), "/api/x", True), (path("pre", "/api"), "/x/api", False),
    (path("pre", values=["/api"]), "/api/x", None),
    (path("eq", "/api/x"), "/api/x", True), (path("eq", "/api/x"), "/api/x/y", False),
    (path("neq", "/api/x"), "/api/x", False), (path("neq", "/api/x"), "/api/y", True),
    (path("sub", "pi/x"), "/api/x/y", True), (path("sub", "pi/x"), "/x", False),
    (path("suf", ".js"), "/a.js", True), (path("suf", ".js"), "/a.jsx", False), (path("suf", "/a"), "/a/b", False),
    (path("inc", values=["/a", "/b"]), "/b", True), (path("inc", values=["/a", "/b"]), "/c", False),
    (path("inc", "/a"), "/a", False),  # inc reads values, not value
    (path("ninc", values=["/a"]), "/a", False), (path("ninc", values=["/a"]), "/c", True),
    (path("ex", "/a"), "/a", None), (path(DROP, "/a"), "/a", None), (path("ex"), "/a", None),
    # neg turns a decided match around and leaves an undecided one undecided
    (path("pre", "/api", neg=True), "/api/x", False), (path("pre", "/api", neg=True), "/x", True),
    (path("pre", "/api", neg=False), "/api/x", True), (path("inc", values=["/a"], neg=True), "/a", False),
    (path("re", "(", neg=True), "/a", None), (path("ex", "/a", neg=True), "/a", None),
    # conditions on anything but the path never decide
    (POST, "/api/x", None), ({"type": "ip_address", "op": "inc", "values": ["/api/x"]}, "/api/x", None),
    ({"op": "eq", "value": "/api/x"}, "/api/x", None),
])
def test_a_path_condition_under_each_operator(condition, path_, holds):
    assert firewall.condition_holds(unknown_checking_proxy(deserialize_properties(condition)), path_) is holds


# ---- rate-limit: firewalls, rule order, projects -------------------------------------------------


def test_a_project_without_a_firewall_or_without_a_rate_limit_rule():
    assert rate_limit(project()) == [(f"Project '{PROJECT}' has no FirewallConfig; allowed: {ALLOWED}", project().urn)]
    assert rate_limit(project(), config()) == [(failed("no rate-limit rule"), FW_URN)]
    deny = {"name": "block", "active": True, "conditionGroups": [{"conditions": [API]}], "action": {"action": "deny"}}
    assert rate_limit(project(), config(deny)) == [(failed("no rate-limit rule"), FW_URN)]


def test_a_rate_limit_rule_that_is_not_first_counts():
    deny = {"name": "block", "active": True, "conditionGroups": [{"conditions": [path("pre", "/wp-admin")]}],
            "action": {"action": "deny"}}
    assert rate_limit(project(), config(deny, rate_rule())) == []


@pytest.mark.parametrize("enabled, ok", [(True, True), (DROP, True), (False, False)])
def test_a_disabled_firewall_has_no_rate_limit(enabled, ok):
    found = rate_limit(project(), config(rate_rule(), enabled=enabled))
    assert found == ([] if ok else [(failed(f"FirewallConfig '{FIREWALL}' is disabled (enabled: false)"), FW_URN)])


def test_any_of_a_projects_firewalls_may_hold_the_rule():
    assert rate_limit(project(), config(rate_rule(), name="a", enabled=False), config(rate_rule(), name="b")) == []
    assert rate_limit(project(), config(rate_rule(keys=["ja4"]), name="a"), config(rate_rule(), name="b")) == []
    # none does: every finding, firewall by firewall, reported on the first firewall
    found = rate_limit(project(), config(rate_rule(keys=["ja4"]), rate_rule(name="second", action="log"), name="a"),
                       config(rate_rule(), name="b", enabled=False))
    assert found == [(failed("FirewallConfig 'a' rule 'rate-limit-per-ip': keys ['ja4'] (not per IP); "
                             "FirewallConfig 'a' rule 'second': follow-up action 'log' (not 'rate_limit', the 429 "
                             "answer; log only logs); FirewallConfig 'b' is disabled (enabled: false)"),
                      config(name="a").urn)]


def test_once_a_rule_passes_later_rules_are_not_read_for_the_verdict():
    # A later rule's window still unknown (preview) does not hold back a verdict already reached.
    assert rate_limit(project(), config(rate_rule(), rate_rule(name="later", window=UNKNOWN))) == []
    assert rate_limit(project(), config(rate_rule(), name="a"), config(rate_rule(window=UNKNOWN), name="b")) == []
    # ... but an unknown in the rule that decides is no pass.
    with pytest.raises(UnknownValueError):
        rate_limit(project(), config(rate_rule(window=UNKNOWN), rate_rule(name="later")))


def test_every_project_is_judged_on_its_own_firewall():
    good, bad = config(rate_rule(), name="fw-good", of="good"), config(rate_rule(limit=67.0), name="fw-bad", of="bad")
    broken = "rule 'rate-limit-per-ip': 67 requests per 600 s (= 100.5 per 900 s)"
    assert rate_limit(project("good"), good, project("bad"), bad) == [
        (failed(f"FirewallConfig 'fw-bad' {broken}", project_name="bad"), bad.urn)]
    also_bad = config(rate_rule(limit=67.0), name="fw-good", of="good")
    assert rate_limit(project("good"), also_bad, project("bad"), bad) == [
        (failed(f"FirewallConfig 'fw-good' {broken}", project_name="good"), also_bad.urn),
        (failed(f"FirewallConfig 'fw-bad' {broken}", project_name="bad"), bad.urn)]
    assert rate_limit(project("good"), good, project("bad")) == [
        (f"Project 'bad' has no FirewallConfig; allowed: {ALLOWED}", project("bad").urn)]


# ---- rate-limit: no rate-limit rule may count a static asset -------------------------------------


def test_a_second_rule_that_counts_static_assets_fails_beside_a_good_one():
    everything = rate_rule(name="everything", groups=[(path("pre", "/"),)])
    assert rate_limit(project(), config(rate_rule(), everything)) == [
        (f"Project '{PROJECT}': FirewallConfig '{FIREWALL}' rule 'everything' counts static assets ({ALL_STATIC}); "
         f"{STATIC_ALLOWED}", FW_URN)]


def test_only_active_rate_limit_rules_on_enabled_firewalls_count_static_assets():
    everything = [(path("pre", "/"),)]
    assert rate_limit(project(), config(rate_rule(), rate_rule(name="off", groups=everything, active=False))) == []
    deny_all = {"name": "block-list", "active": True, "action": {"action": "deny"},
                "conditionGroups": [{"conditions": [{"type": "ip_address", "op": "inc", "values": ["192.0.2.1"]}]}]}
    assert rate_limit(project(), config(rate_rule(), deny_all)) == []
    disabled = config(rate_rule(name="old", groups=everything), name="a", enabled=False)
    enabled = config(rate_rule(), rate_rule(name="new", groups=everything), name="b")
    assert rate_limit(project(), disabled, enabled) == [
        (f"Project '{PROJECT}': FirewallConfig 'b' rule 'new' counts static assets ({ALL_STATIC}); {STATIC_ALLOWED}",
         enabled.urn)]


def test_a_failing_rule_that_counts_static_assets_is_reported_once():
    found = rate_limit(project(), config(rate_rule(groups=[(path("pre", "/"),)], keys=["ja4"])))
    assert found == [(one_rule(f"keys ['ja4'] (not per IP); counts static assets ({ALL_STATIC})"), FW_URN)]


# ---- rate-limit: what the plan and the pack config allow -----------------------------------------


def test_an_unknown_plan_is_reported_and_nothing_else():
    assert rate_limit(project(), config(rate_rule(limit=999.0)), stack={"vital-expert-infra:vercelPlan": "free"}) == [
        ("config vital-expert-infra:vercelPlan is 'free'; allowed: one of hobby, pro, enterprise", None)]


def test_the_plan_decides_the_algorithms():
    enterprise = {"vital-expert-infra:vercelPlan": "enterprise"}
    assert rate_limit(project(), config(rate_rule(algo="token_bucket")), stack=enterprise) == []
    found = rate_limit(project(), config(rate_rule(algo="sliding_window")), stack=enterprise)
    assert found == [(one_rule("algorithm 'sliding_window'").replace(
        "fixed_window (plan pro)", "fixed_window or token_bucket (plan enterprise)"), FW_URN)]


def test_the_pack_config_sets_the_rate():
    pack = {"maxRequests": {"production": 50}, "periodSeconds": 600}
    allowed = ALLOWED.replace("at most 100 requests per 900 s", "at most 50 requests per 600 s")
    assert rate_limit(project(), config(rate_rule()), pack=pack) == [
        (failed(f"FirewallConfig '{FIREWALL}' rule 'rate-limit-per-ip': 66 requests per 600 s (= 66 per 600 s)",
                allowed=allowed), FW_URN)]
    assert rate_limit(project(), config(rate_rule(limit=50.0)), pack=pack) == []
    assert rate_limit(project(), config(rate_rule(limit=333.0)), tier="pre-production",
                      pack={"maxRequests": {"production": 1}}) == []  # other tiers keep the table's


# ---- admin-allowlist -----------------------------------------------------------------------------

ADMIN_PATHS = {"type": "path", "op": "re", "value": "^/(admin|api/admin)(/|$)"}
OUTSIDE = {"type": "ip_address", "op": "inc", "values": ["203.0.113.0/24"], "neg": True}
ADMIN_ALLOWED = ("an active FirewallConfig rule with action deny whose conditions match the admin routes "
                 "(/admin, /api/admin) and an ip_address condition with neg: true and op inc on the allow-list's "
                 "addresses (values, none of them every address such as 0.0.0.0/0; set "
                 "vital-expert-infra:adminAllowlist)")
BOTH = "/admin, /api/admin"
ADMIN_RULE = "rule 'admin-allowlist' (deny)"


def admin_rule(name="admin-allowlist", groups=((ADMIN_PATHS, OUTSIDE),), action="deny", active=True):
    return _without_dropped({"name": name, "active": active, "conditionGroups": [{"conditions": list(g)} for g in groups],
                             "action": _without_dropped({"action": action})})


def admin(*fakes, tier="pre-production", **kw):
    return judge(firewall.admin_allowlist, list(fakes), tier=tier, **kw)


def not_denied(uncovered, found, project_name=PROJECT, allowed=ADMIN_ALLOWED):
    return (f"Project '{project_name}': admin routes {uncovered} are not denied outside the allow-list "
            f"(found: {found}); allowed: {allowed}")


def test_admin_allowlist_passes_the_programs_rule_and_applies_to_pre_production_only():
    assert admin(project(), config(rate_rule(), admin_rule())) == []
    assert admin(project(), config(admin_rule(active=DROP))) == []
    assert admin(project(), config(rate_rule()), tier="production") == []
    assert admin(project(), tier="preview") == []
    fw = config(rate_rule())
    assert admin(project(), fw, tier="production", pack={"tiers": ["production"]}) == [
        (not_denied(BOTH, "rule 'rate-limit-per-ip' (rate_limit)"), fw.urn)]


@pytest.mark.parametrize("outside", [
    {**OUTSIDE, "op": "eq", "value": "203.0.113.0/24"},  # one address compared, not the list
    {**OUTSIDE, "op": "ninc"},  # negated, this holds inside the list
    {**OUTSIDE, "op": "sub"},
    _without_dropped({**OUTSIDE, "op": DROP}),
    {**OUTSIDE, "neg": False},
    _without_dropped({**OUTSIDE, "neg": DROP}),
    {**OUTSIDE, "values": []},
    _without_dropped({**OUTSIDE, "values": DROP, "value": "203.0.113.0/24"}),
    {**OUTSIDE, "values": [None]},
    {**OUTSIDE, "values": ["203.0.113.0/24", "0.0.0.0/0"]},  # nobody is outside a list of every address
    {**OUTSIDE, "values": ["::/0"]},
    {**OUTSIDE, "type": "header"},
    _without_dropped({**OUTSIDE, "type": DROP}),
])
def test_admin_allowlist_needs_the_ip_condition_to_be_inc_on_the_allow_list_negated(outside):
    fw = config(admin_rule(groups=[(ADMIN_PATHS, outside)]))
    assert admin(project(), fw) == [(not_denied(BOTH, ADMIN_RULE), fw.urn)]


@pytest.mark.parametrize("rule, uncovered, found", [
    (admin_rule(active=False), BOTH, ADMIN_RULE),
    (admin_rule(action="log"), BOTH, "rule 'admin-allowlist' (log)"),
    (admin_rule(action="challenge"), BOTH, "rule 'admin-allowlist' (challenge)"),
    (admin_rule(action=DROP), BOTH, "rule 'admin-allowlist' (None)"),
    (admin_rule(name=DROP, action="log"), BOTH, "an unnamed rule (log)"),
    (admin_rule(groups=[(path("re", "^/admin(/|$)"), OUTSIDE)]), "/api/admin", ADMIN_RULE),
    (admin_rule(groups=[(path("pre", "/api"), ADMIN_PATHS, OUTSIDE)]), "/admin", ADMIN_RULE),
    (admin_rule(groups=[(path("eq", "/admin"), path("eq", "/api/admin"), OUTSIDE)]), BOTH, ADMIN_RULE),
    (admin_rule(groups=[(path("re", "("), OUTSIDE)]), BOTH, ADMIN_RULE),
    # denied to POST requests only: GET still reaches the admin routes from anywhere
    (admin_rule(groups=[(ADMIN_PATHS, POST, OUTSIDE)]), BOTH, ADMIN_RULE),
    # denied to the listed addresses only, not to everyone outside the list
    (admin_rule(groups=[(ADMIN_PATHS, {**OUTSIDE, "neg": False}, OUTSIDE)]), BOTH, ADMIN_RULE),
    (admin_rule(groups=[(ADMIN_PATHS,)]), BOTH, ADMIN_RULE),  # no allow-list at all
    (admin_rule(groups=[()]), BOTH, ADMIN_RULE),
    (admin_rule(groups=[]), BOTH, ADMIN_RULE),
])
def test_admin_allowlist_fails_a_rule_that_does_not_deny_every_admin_route_outside_the_list(rule, uncovered, found):
    fw = config(rule)
    assert admin(project(), fw) == [(not_denied(uncovered, found), fw.urn)]


@pytest.mark.parametrize("rules", [
    # groups are ORed: one group per route, or a group that denies nothing beside a good one
    [admin_rule(groups=[(path("pre", "/admin"), OUTSIDE), (path("pre", "/api/admin"), OUTSIDE)])],
    [admin_rule(groups=[(ADMIN_PATHS,), (ADMIN_PATHS, OUTSIDE)])],
    [admin_rule(groups=[(ADMIN_PATHS, POST, OUTSIDE), (ADMIN_PATHS, OUTSIDE)])],
    # the allow-list's condition in any position, and a deny of the whole site outside the list
    [admin_rule(groups=[(OUTSIDE, ADMIN_PATHS)])],
    [admin_rule(groups=[(OUTSIDE,)])],
    # rules add up
    [admin_rule(name="a", groups=[(path("eq", "/admin"), OUTSIDE)]), rate_rule(),
     admin_rule(name="b", groups=[(path("pre", "/api/admin"), OUTSIDE)])],
    [admin_rule(name="off", active=False), admin_rule()],
])
def test_admin_allowlist_passes_routes_denied_by_any_group_of_any_rule(rules):
    assert admin(project(), config(*rules)) == []


def test_admin_allowlist_lists_what_it_found():
    p = project()
    assert admin(p) == [(f"Project '{PROJECT}' has no FirewallConfig; allowed: {ADMIN_ALLOWED}", p.urn)]
    fw = config()
    assert admin(project(), fw) == [(not_denied(BOTH, "no rules"), fw.urn)]
    fw = config(rate_rule(), admin_rule(action="log"))
    assert admin(project(), fw) == [
        (not_denied(BOTH, "rule 'rate-limit-per-ip' (rate_limit), rule 'admin-allowlist' (log)"), fw.urn)]
    fw = config(rate_rule(), admin_rule(), enabled=False)
    assert admin(project(), fw) == [(not_denied(BOTH, f"FirewallConfig '{FIREWALL}' disabled"), fw.urn)]
    first, second = config(name="a"), config(admin_rule(), name="b", enabled=False)
    assert admin(project(), first, second) == [(not_denied(BOTH, "FirewallConfig 'b' disabled"), first.urn)]


def test_admin_allowlist_reads_any_enabled_firewall_of_the_project():
    assert admin(project(), config(admin_rule(), name="a", enabled=False), config(admin_rule(), name="b")) == []
    assert admin(project(), config(rate_rule(), name="a"), config(admin_rule(), name="b")) == []
    assert admin(project(), config(admin_rule(), enabled=DROP)) == []


def test_admin_allowlist_judges_every_project():
    good, bad = config(admin_rule(), name="fw-good", of="good"), config(name="fw-bad", of="bad")
    assert admin(project("good"), good, project("bad"), bad) == [(not_denied(BOTH, "no rules", "bad"), bad.urn)]
    assert admin(project("bad"), bad, project("good"), good) == [(not_denied(BOTH, "no rules", "bad"), bad.urn)]
    also_bad = config(name="fw-good", of="good")
    assert admin(project("good"), also_bad, project("bad"), bad) == [
        (not_denied(BOTH, "no rules", "good"), also_bad.urn), (not_denied(BOTH, "no rules", "bad"), bad.urn)]


def test_admin_allowlist_follows_the_stacks_admin_paths():
    stack = {"vital-expert-infra:adminPaths": '["/zeta", "/alpha", "/admin"]'}
    allowed = ADMIN_ALLOWED.replace("(/admin, /api/admin)", "(/zeta, /alpha, /admin)")
    fw = config(admin_rule())
    assert admin(project(), fw, stack=stack) == [(not_denied("/alpha, /zeta", ADMIN_RULE, allowed=allowed), fw.urn)]
    rule = admin_rule(groups=[(path("inc", values=["/zeta", "/alpha", "/admin"]), OUTSIDE)])
    assert admin(project(), config(rule), stack=stack) == []
