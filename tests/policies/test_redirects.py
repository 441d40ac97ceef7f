"""redirect-urls' reading of a redirect pattern (policies/vital_policies/redirects.py), called directly.
test_operations.py judges the rule through the pack on the committed stacks; this file holds the
pattern reading at each corner. Pure function calls: `make mutate` runs it first for redirects.py.
"""

from __future__ import annotations

import pytest

from vital_policies import redirects

PROJECTS = ["vital-expert-preview"]
ANCHORED = "allowed: vital-expert-preview-*-acme.vercel.app"


@pytest.mark.parametrize("pattern, why", [
    ("https://vital-expert-preview-*-acme.vercel.app/**", None),
    ("https://vital-expert-preview-*-acme.vercel.app", None),  # no path at all
    ("vital-expert-preview-*-acme.vercel.app/a/b/c", None),  # no scheme
    ("https://vital-expert-preview-git-main-acme.vercel.app/**", None),  # no wildcard: one host
    ("https://X-app.vercel.app/**", None),  # an upper-case X is a letter, not a wildcard
    ("https://app.vitalexpert.com/*", None),  # not on vercel.app
    ("https://*.preview.vitalexpert.com/**", None),
    ("https://*-acme.vercel.app/**", ANCHORED),
    ("https://vital-expert-preview-?-acme.vercel.app/**", ANCHORED),
    ("https://vital-expert-preview-[a-z]-acme.vercel.app/**", ANCHORED),
    ("https://vital-expert-preview-{a,b}-acme.vercel.app/**", ANCHORED),
    ("https://vital-expert-preview-**-acme.vercel.app/**", ANCHORED),
])
def test_which_patterns_a_slug_anchors(pattern, why):
    assert redirects.unanchored(pattern, PROJECTS, "acme") == why


def test_without_the_slug_nothing_anchors_a_wildcard():
    assert redirects.unanchored("https://vital-expert-preview-*-acme.vercel.app/**", PROJECTS, None) == (
        "allowed: <project>-*-<team slug>.vercel.app, and config vital-expert-infra:vercelTeamSlug is not set, so "
        "nothing anchors it")


def test_without_projects_no_wildcard_is_allowed():
    assert redirects.unanchored("https://x-*-acme.vercel.app/**", [], "acme") == "allowed: no wildcard"
