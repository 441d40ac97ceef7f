"""How the pack reads a project route (policies/vital_policies/routes.py), called directly: its headers
and response-header transforms, path-to-regexp and host matching, what the matching routes send, and
which readings of the routes can change a verdict. Pure function calls: `make mutate` runs it first
for routes.py.
"""

from __future__ import annotations

import pytest

from tests.policies.helpers import T_ROUTE, Fake, stack_args
from vital_policies import routes
from vital_policies.routes import Condition, HeaderRoute, Reading


def route(**inputs):
    return routes.header_route(stack_args([Fake(T_ROUTE, "r", {"projectId": "prj", **inputs})]).resources[0])


def transform(op="set", key="X-A", args='"1"', type_="response.headers", **more):
    return {"type": type_, "op": op, "target": key if key is None else f'{{"key": "{key}"}}', "args": args, **more}


def test_a_routes_headers_lower_cased_and_its_switch():
    found = route(srcSyntax="regex", route={"src": "/a", "headers": {"X-A": "1", "X-B": None}})
    assert (found.src, found.syntax, found.headers, found.enabled) == ("/a", "regex", {"x-a": "1"}, True)
    assert route(enabled=False, route={"src": "/a"}).enabled is False
    assert route(enabled=True, route={"src": "/a"}).enabled is True
    assert HeaderRoute(None, "/a", None, [], []).enabled is True  # built without the switch: on


@pytest.mark.parametrize("transforms, headers, gated", [
    ([transform()], {"x-a": "1"}, {}),
    ([transform(op="append")], {"x-a": "1"}, {}),  # nothing to append to: set
    ([transform(args='"1"'), transform(op="append", args='"2"')], {"x-a": "1, 2"}, {}),
    ([transform(args='"1"'), transform(args='"2"')], {"x-a": "2"}, {}),  # set replaces
    ([transform(op="delete"), transform(type_="request.headers"), transform(key="X-C", args='"3"')], {"x-c": "3"}, {}),
    ([transform(key=None), transform(key="X-C", args='"3"')], {"x-c": "3"}, {}),  # no target: skipped, not the end
    ([transform(envs=["production"])], {}, {"x-a": "1"}),  # only in some environments
    ([transform(args='["a", "b"]')], {"x-a": "a, b"}, {}),
    ([transform(args=["a", "b"])], {"x-a": "a, b"}, {}),  # already a list, not its JSON
    ([transform(args={"k": "a"})], {"x-a": "a"}, {}),
    ([transform(args='{"k": "a", "l": "b"}')], {"x-a": "a, b"}, {}),
    ([transform(args=None)], {"x-a": ""}, {}),
    ([transform(args="not json")], {"x-a": "not json"}, {}),
    ([{**transform(), "target": "X-Raw"}], {"x-raw": "1"}, {}),  # a target that is no JSON: the name itself
    ([{**transform(), "target": "{not json"}], {"{not json": "1"}, {}),
    ([{**transform(), "target": "7"}], {}, {}),  # a number names no header
])
def test_response_header_transforms(transforms, headers, gated):
    found = route(route={"src": "/a", "headers": {}, "transforms": transforms})
    assert (found.headers, found.gated_headers) == (headers, gated)


@pytest.mark.parametrize("src, regex", [
    ("/a/*", "^/a/.*$"), ("/(foo|bar)", "^/(foo|bar)$"), ("/:p+", "^/.+$"), ("/:p?", "^/[^/]*$"), ("/:p*", "^/.*$"),
    ("/:p", "^/[^/]+$"), (r"/docs/:id(\d+)", r"^/docs/(\d+)$"), ("/a/:id/edit", "^/a/[^/]+/edit$"), ("/a.b", r"^/a\.b$"),
])
def test_path_to_regexp(src, regex):
    assert routes.path_to_regexp(src) == regex


def test_src_matching_under_each_syntax():
    r = HeaderRoute(None, "/a.b", None, [], [])
    assert routes.src_matches(r, "/aXb") and routes.src_matches(r, "/x/a.b/y")  # a regex, searched: the default
    assert not routes.src_matches(r, "/aXb", "path-to-regexp") and routes.src_matches(r, "/a.b", "path-to-regexp")
    equals = HeaderRoute(None, "/a.b", "equals", [], [])
    assert routes.src_matches(equals, "/a.b") and not routes.src_matches(equals, "/a.bc")
    assert not routes.src_matches(HeaderRoute(None, None, None, [], []), "/")
    assert not routes.src_matches(HeaderRoute(None, "(", None, [], []), "/(")  # not a regex: matches nothing


@pytest.mark.parametrize("value, host, reading, matched", [
    (None, "a.com", "exact", True), (5, "a.com", "exact", False),
    ("A.com", "a.com", "exact", True), ("a", "a.com", "exact", False),
    ("a", "a.com", "regex", False), ("a", "a.com", "regex-search", True), (r"a\.com", "a.com", "regex", True),
    ("(", "(", "regex", False), ("(", "(", "regex-search", False),
])
def test_host_matching(value, host, reading, matched):
    assert routes.host_matches(value, host, reading) is matched


def test_what_the_matching_routes_send_under_each_order_and_match_mode():
    one = HeaderRoute(None, "/", None, [], [], headers={"x-a": "1"}, gated_headers={"x-g": "g"})
    two = HeaderRoute(None, "/", None, [], [], headers={"x-a": "2", "x-b": "2"})
    first = routes.sent_by([one, two], Reading(True, False, "exact", "regex", False))
    assert {k: v for k, (v, _) in first.always.items()} == {"x-a": "1"}
    assert {k: v for k, (v, _) in first.maybe.items()} == {"x-a": "1", "x-g": "g"}
    every_reversed = routes.sent_by([one, two], Reading(False, True, "exact", "regex", False))
    assert {k: v for k, (v, _) in every_reversed.always.items()} == {"x-a": "1", "x-b": "2"}


def _readings(*found):
    return [(r.first_match, r.reverse, r.host, r.syntax, r.unmodelled) for r in routes.readings(list(found))]


def test_only_the_readings_that_can_change_a_verdict():
    plain = HeaderRoute(None, "/", "regex", [], [])
    assert _readings(plain) == [(True, False, "exact", "regex", False), (True, True, "exact", "regex", False),
                                (False, False, "exact", "regex", False), (False, True, "exact", "regex", False)]
    host_missing = HeaderRoute(None, "/", "regex", [], [Condition("host", "a.com")])
    assert {r[2] for r in _readings(host_missing)} == {"exact", "regex", "regex-search"}
    assert {r[4] for r in _readings(host_missing)} == {False}  # a host condition is modelled: no unmodelled reading
    inferred = HeaderRoute(None, "/", None, [], [])
    assert {r[3] for r in _readings(inferred)} == {"regex", "path-to-regexp"}
    header = HeaderRoute(None, "/", "regex", [Condition("header", "x")], [])
    assert {r[4] for r in _readings(header)} == {False, True} and {r[2] for r in _readings(header)} == {"exact"}
    assert len(_readings(host_missing, inferred, header)) == 4 * 3 * 2 * 2


def test_a_request_a_route_applies_to():
    r = HeaderRoute(None, "/a", "regex", [Condition("host", "a.com")], [Condition("cookie", "x")])
    exact = Reading(True, False, "exact", "regex", False)
    assert routes.applies(r, "a.com", "/a", exact) and not routes.applies(r, "b.com", "/a", exact)
    assert not routes.applies(r, "a.com", "/a", Reading(True, False, "exact", "regex", True))  # the cookie is there
    assert not routes.applies(HeaderRoute(None, "/a", "regex", [], [], enabled=False), "a.com", "/a", exact)
    assert routes.matching([r], "a.com", "/a", exact) == [r]
