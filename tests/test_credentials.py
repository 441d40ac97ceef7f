"""docs/credentials.md is derived from the code and shows no production-capable credential that
code a pull request controls can read (issue 23, problem 4: PR previews decrypted stacks holding
write tokens, the Supabase token sat in state as a dynamic-resource input, the doctor advised
write tokens in PR-readable stacks, and the preview environment held the team's VERCEL_TOKEN).
Each of those, put back, fails here."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from program.secrets import required_secrets
from dev import credentials as tool
from vital import credentials as declared
from vital import trust
from vital.names import PRODUCTION, TIERS


@pytest.fixture(scope="module")
def inputs(committed):
    return tool.load_workflows(), committed, {tier: [s.name for s in required_secrets(tier)] for tier in TIERS}


def rows(inputs, workflows=None, docs=None, config=None):
    w, d, c = inputs
    return tool.all_rows(workflows or w, docs or d, config or c)


def test_the_committed_document_is_the_derived_one(inputs):
    assert tool.DOCUMENT.read_text() == tool.render(rows(inputs)), \
        "docs/credentials.md is stale: python -m dev.credentials > docs/credentials.md"


def test_no_production_capable_credential_is_readable_by_pull_request_code(inputs):
    found = rows(inputs)
    assert tool.problems(found) == []
    readable = [row for row in found if row.pr]
    assert {row.name for row in readable} >= {"`PLAN_VERCEL_TOKEN`", "`plan` role", "`secretEnv.OPENAI_API_KEY`"}  # not vacuous
    assert any(row.reach.production_capable for row in found if not row.pr)


def test_a_team_token_in_a_stack_a_pull_request_decrypts_is_a_problem(inputs):
    """The old stacks: vercelDeployToken in preview's and pre-production's config and state."""
    _, docs, config = inputs
    old = {**config, "preview": ["vercelDeployToken", *config["preview"]]}
    problems = tool.problems(rows(inputs, config=old))
    assert problems and problems[0].startswith("`vercelDeployToken` (config of stack `preview`) reaches production")


def test_the_team_token_in_the_preview_environment_is_a_problem(inputs):
    """The old preview GitHub environment of the app repository, which any branch may name, held VERCEL_TOKEN."""
    _, docs, _ = inputs
    old = copy.deepcopy(docs)
    (token,) = [r for r in docs[PRODUCTION]["resources"] if r["inputs"].get("secretName") == "VERCEL_TOKEN"]
    old["preview"]["resources"].append({**copy.deepcopy(token), "name": "preview-secret-vercel_token"})
    assert any("`VERCEL_TOKEN` (app repository, environment `preview`) reaches production" in p
               for p in tool.problems(rows(inputs, docs=old)))


def test_a_token_as_a_dynamic_resource_input_is_refused(inputs):
    """The old Supabase settings resource took its access token as an input: state held it."""
    _, docs, _ = inputs
    old = copy.deepcopy(docs)
    (settings,) = [r for r in old["preview"]["resources"] if r["type"] == "pulumi-python:dynamic:Resource"]
    settings["inputs"]["access_token"] = "[secret]"
    with pytest.raises(tool.Undeclared, match=r"inputs \['access_token'\] are secret: dynamic-resource inputs"):
        rows(inputs, docs=old)


def test_a_plan_role_that_decrypts_production_is_a_problem(inputs, monkeypatch):
    """Issue 15's open half: PR previews of production held production's key."""
    roles = tuple(dataclasses.replace(r, decrypts=(*r.decrypts, PRODUCTION)) if r.key == "plan" else r
                  for r in trust.ROLES)
    monkeypatch.setattr(trust, "ROLES", roles)
    monkeypatch.setattr(tool, "ROLES", roles)
    problems = tool.problems(rows(inputs))
    assert any(p.startswith("`plan` role") for p in problems)
    assert any("(config of stack `production`)" in p for p in problems)


def test_a_write_token_a_pull_request_job_reads_is_undeclared_or_a_problem(inputs, monkeypatch):
    """A job of the PR workflow reading a deploy token: as a repository secret, every PR could read it."""
    workflows, _, _ = inputs
    changed = copy.deepcopy(workflows)
    step = next(s for s in changed["infra-pr"]["jobs"]["preview"]["steps"] if s.get("id") == "preview")
    step["env"]["VERCEL_API_TOKEN"] = "${{ secrets.VERCEL_API_TOKEN }}"
    with pytest.raises(tool.Undeclared, match="infra-pr/preview reads secrets.VERCEL_API_TOKEN"):
        rows(inputs, workflows=changed)
    monkeypatch.setitem(declared.GITHUB_SECRETS, "VERCEL_API_TOKEN",
                        {**declared.GITHUB_SECRETS["VERCEL_API_TOKEN"],
                         trust.REPOSITORY: declared.GITHUB_SECRETS["VERCEL_API_TOKEN"][PRODUCTION]})
    assert any(p.startswith("`VERCEL_API_TOKEN` (repository secret) reaches production")
               for p in tool.problems(rows(inputs, workflows=changed)))


def test_an_environment_bootstrap_does_not_make_main_only_is_open_to_pull_requests(inputs, monkeypatch):
    """The environments' secrets are out of a PR's reach only through the main-only rule bootstrap makes."""
    made = tuple(e for e in trust.environments() if e != "preview")
    monkeypatch.setattr(tool, "environments", lambda: made)
    problems = tool.problems(rows(inputs))
    assert any(p.startswith("`VERCEL_API_TOKEN` (secret of environment `preview`) reaches production") for p in problems)


def test_every_declared_secret_is_one_a_workflow_reads(inputs):
    """No stale declaration: each name and place in vital/credentials.py is read by some job."""
    found = {(row.name.strip("`"), row.lives) for row in rows(inputs)}
    for name, places in declared.GITHUB_SECRETS.items():
        for place in places:
            lives = "repository secret" if place == trust.REPOSITORY else f"secret of environment `{place}`"
            assert any(n == name and lives == where for n, where in found), (name, place)
