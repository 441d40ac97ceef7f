"""Previews reachable for the seed's demos and tests: an automation bypass wired into preview's
GitHub environment, and shareable links for people outside the team."""

import pytest

from tests.stacks import of_type, one, render, with_config

ALIAS = "vital-expert-preview-git-demo-acme-vitalexpert.vercel.app"


@pytest.mark.parametrize("stack", ["preview", "pre-production"])
def test_the_tested_tiers_have_a_bypass_wired_into_their_own_environment(committed, stack):
    """Preview's e2e runs, and pre-production's (every deployment protected: issue 25, item 6)."""
    doc = committed[stack]
    bypass = one(doc, ":ProjectProtectionBypass")
    project = one(doc, ":Project")
    assert project["urn"] in bypass["dependencies"] and bypass["inputs"]["projectId"] == "[unknown]"
    secret = next(r for r in of_type(doc, ":ActionsEnvironmentSecret")
                  if r["inputs"]["secretName"] == "VERCEL_AUTOMATION_BYPASS_SECRET")
    assert secret["inputs"]["environment"] == stack and secret["inputs"]["value"] == "[secret]"
    assert bypass["urn"] in secret["dependencies"]  # the bypass's own secret, not a copy


def test_production_has_no_bypass(committed):
    for stack in ("production",):
        assert of_type(committed[stack], ":ProjectProtectionBypass") == []
        assert all(r["inputs"]["secretName"] != "VERCEL_AUTOMATION_BYPASS_SECRET"
                   for r in of_type(committed[stack], ":ActionsEnvironmentSecret"))


def test_share_links_render_with_their_url_a_secret_output(tmp_path):
    doc = render("preview", with_config("preview", tmp_path, shareLinks=[{"alias": ALIAS, "expiresInDays": 14}]))
    link = one(doc, ":ShareableLink")
    assert link["inputs"] == {"alias": ALIAS, "ttlSeconds": 14 * 86400}
    assert link["deleteBeforeReplace"] is True
    assert doc["outputs"]["shareLinks"] == "[secret]"


def test_no_links_no_output(committed):
    assert "shareLinks" not in committed["preview"]["outputs"]
    assert of_type(committed["preview"], ":ShareableLink") == []
