"""The requests header routes are judged on (policies/vital_policies/probes.py), called directly: each
project's hosts, the sample paths from the path classes and the stack's config, and the paths a
route's own regular expression spells out. Pure function calls: `make mutate` runs it first for probes.py.
"""

from __future__ import annotations

import pytest

from tests.policies.helpers import T_PROJECT, Fake, stack_args
from vital.paths import PATH_CLASSES
from vital_policies import probes

SAMPLES = [s for c in PATH_CLASSES for s in c.samples]


def _project(**inputs):
    return stack_args([Fake(T_PROJECT, "p", inputs)]).resources[0]


@pytest.mark.parametrize("inputs, name", [({"name": "web"}, "web"), ({"name": ""}, "project"), ({}, "project"),
                                          ({"name": 7}, "project")])
def test_the_vercel_app_hosts_of_a_project(inputs, name):
    assert probes.vercel_app_hosts(_project(**inputs)) == [f"{name}.vercel.app", f"{name}-git-main-team.vercel.app"]


def test_sample_paths_add_the_admin_paths_the_public_pages_and_the_routes_own_once_each():
    assert probes.sample_paths(["/ops/"], ["/blog/*", "/*", "/pricing", "/pricing"], ["/a", "b", "/a"]) == [
        *SAMPLES, "/ops/", "/ops/x", "/blog", "/blog/x", "/x", "/pricing", "/a"]
    assert probes.sample_paths([], []) == SAMPLES
    assert probes.sample_paths(["/X/"], []) == [*SAMPLES, "/X/", "/X/x"]  # only the slash is trimmed


def test_requests_cover_every_host_with_every_path():
    found = probes.requests(_project(name="web"), ["app.example.com"], [], [])
    assert [(r.host, r.custom_domain) for r in found[::len(SAMPLES)]] == [
        ("app.example.com", True), ("web.vercel.app", False), ("web-git-main-team.vercel.app", False)]
    assert found[0].show() == f"app.example.com{SAMPLES[0]}" and len(found) == 3 * len(SAMPLES)


@pytest.mark.parametrize("pattern, spelled", [
    ("^/settings$", ["/settings"]),  # anchors spell nothing
    ("(?=x)/a", ["/a"]),  # nor do lookarounds
    ("/a.", ["/ax"]), ("/[^b]", ["/x"]), (r"/\d", ["/x"]),
    ("/[abc]", ["/a"]), ("/[b-d]x", ["/xx"]),  # a class: its first literal, else any character
    ("/(a)(b)", ["/ab"]), ("/(ab|cd)", ["/ab", "/cd"]),
    ("/a+", ["/a"]), ("/a{2,3}", ["/aa"]), ("/a*", ["/", "/a"]), ("/a*?", ["/", "/a"]), ("/(?:ab)?", ["/", "/ab"]),
    ("/(ab|cd|ef|gh|ij|kl|mn|op)", ["/ab", "/cd", "/ef", "/gh", "/ij", "/kl"]),  # six at the most by default
    ("/(a|b)", ["/a", "/b"]), ("/(ab|ac)", ["/ab", "/ac"]),  # each alternative, even one re would fold into a class
    (r"/a\.\b\n\x41", ["/a.41"]), (r"/(a)\1", ["/a"]),  # escaped punctuation is itself; an escaped letter or digit spells nothing
    ("/[]a]", ["/]"]), ("/[^]a]b", ["/xb"]), (r"/[\]]b", ["/xb"]), ("/[a-]", ["/a"]), (r"/[a\]]b", ["/ab"]),  # classes
    ("/a++b", ["/ab"]), ("/a*+b?", ["/", "/b", "/a", "/ab"]), ("/a{,2}", ["/", "/a"]), ("/a{2}", ["/aa"]),  # repeats
    ("/a{x}", ["/a{x}"]), ("/a{}", ["/a{}"]), ("/a{,}", ["/", "/a"]),  # {x} and {} are literals
    ("/(?P<n>ab)(?P=n)", ["/ab"]), ("/(?:a|b)c", ["/ac", "/bc"]),  # named and non-capturing groups spell
    ("/(?=a:b)(?<!a\\)b)(?#c(d)(?>e)(?i:f)g", ["/g"]),  # any other (? construct spells nothing
    ("/(?=[)])x", ["/x"]), ("/(?=(a))x", ["/x"]),  # a ) in a class or a nested group inside it
    ("/a|", ["/a"]), ("/X[X]", ["/XX"]), ("/a*b", ["/b", "/ab"]), ("/a+b", ["/ab"]),  # X is no special character
    ("/(?=X)y", ["/y"]), ("/(?=[])])x", ["/x"]), ("/(?=[a])x", ["/x"]),  # the group a lookahead skips
    ("/(", []), ("/a{99999999999}", []), ("/" + "(" * 2000 + ")" * 2000, []),  # re.compile refuses them
    ("a/b", []),  # not a path
    ("(", []), (None, []),  # not a regular expression
])
def test_src_examples_spell_what_a_route_matches(pattern, spelled):
    assert probes.src_examples(pattern) == spelled


def test_src_examples_keep_to_their_limit():
    assert probes.src_examples("/(ab|cd|ef)", 2) == ["/ab", "/cd"]
    assert probes.src_examples("/(ab|cd)(ef|gh)", 3) == ["/abef", "/abgh", "/cdef"]
