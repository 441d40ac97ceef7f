"""isolation and github-environments (policies/vital_policies/isolation.py): every message whole.

The rule tests (test_rules.py) judge each case; this file holds what a user reads, word for word,
and the corners the messages depend on. Pure function calls: `make mutate` runs it first for
isolation.py.
"""

from __future__ import annotations

import pytest

from tests.policies.helpers import (
    T_CHECK, T_DOMAIN, T_PROJECT, Fake, changed, fake_stack, find, not_applicable, resource_args, run,
    run_each, stack_args, stack_runtime, without,
)
from tests.policies.test_rules import TEAM_PLAN, _no_reviewers
from vital_policies import isolation

GH_ALLOWED = ("deploymentBranchPolicy {customBranchPolicies: true, protectedBranches: false} and exactly one "
              "RepositoryEnvironmentDeploymentPolicy, branchPattern 'main'")
ENV = "RepositoryEnvironment 'production-environment'"


def each(tier, fakes, config=None):
    with stack_runtime(tier):
        return [f.message for f in run_each(isolation.isolation, fakes, config)]


def environments(fakes, runtime=None):
    with stack_runtime("production", runtime):
        return [f.message for f in run(isolation.github_environments, stack_args(fakes))]


def _project(tier, **inputs):
    return Fake(T_PROJECT, "p", {"name": "x", "previewDeploymentsDisabled": True, **inputs}, stack=tier)


# ---- isolation ---------------------------------------------------------------------------------


def test_an_unprotected_resource_in_a_protected_tier():
    assert each("production", [_project("production")]) == [
        "Project 'p' in tier production is not protected (protect: false), so a `pulumi destroy` or a rename deletes "
        "it; allowed: protect: true"]


@pytest.mark.parametrize("domain, production_domains", [
    ("app.vitalexpert.com", None),
    ("App.VitalExpert.com.", None),  # the same name, however it is written
    ("app.vitalexpert.com", ["app.vitalexpert.com."]),
])
def test_a_production_domain_outside_production(domain, production_domains):
    fake = Fake(T_DOMAIN, "d", {"domain": domain, "projectId": "prj"}, stack="preview")
    config = {"productionDomains": production_domains} if production_domains else None
    shown = ", ".join(sorted(d.rstrip(".") for d in production_domains or
                             ("app.vitalexpert.com", "vitalexpert.com", "www.vitalexpert.com")))
    assert each("preview", [fake], config) == [
        f"ProjectDomain 'd' attaches {domain!r} to tier preview; allowed: a domain other than production's ({shown})"]


def test_a_project_deploying_production_or_the_default_branch():
    repo = {"type": "github", "repo": "vital-expert/vital-expert"}
    assert each("preview", [_project("preview", gitRepository=repo)]) == [
        "Project 'p' in tier preview sets no gitRepository.productionBranch, so Vercel deploys the repository's default "
        "branch (usually 'main') to it; allowed: the tier's own branch"]
    assert each("pre-production", [_project("pre-production", gitRepository={**repo, "productionBranch": "main"})]) == [
        "Project 'p' in tier pre-production has gitRepository.productionBranch 'main', production's branch; allowed: "
        "the tier's own branch"]


@pytest.mark.parametrize("command, shown", [(None, "none"), ("exit 1", "found")])
def test_a_preview_project_that_builds_the_other_tiers_branches(command, shown):
    fakes = changed(fake_stack("preview"), "vital-expert-project", lambda i: i.update(ignoreCommand=command))
    assert each("preview", fakes) == [
        f"Project 'vital-expert-project' in tier preview builds previews of every branch and its ignore command "
        f"({shown}) does not skip main, pre-production, so those pushes build here too, with this tier's secrets; "
        f'allowed: ignoreCommand [ "$VERCEL_GIT_COMMIT_REF" = "main" ] || [ "$VERCEL_GIT_COMMIT_REF" = "pre-production" ]']


def test_a_stack_without_a_tier():
    domain = Fake(T_DOMAIN, "d", {"domain": "app.vitalexpert.com", "projectId": "prj"}, stack="staging")
    with stack_runtime("staging"):
        assert not_applicable(isolation.isolation, resource_args(domain)).startswith("stack 'staging' has no tier")
        assert [f.message for f in run(isolation.isolation, resource_args(_project("staging")))] == [
            "stack 'staging' has no tier: its name is not a tier and no vital-expert-infra:tier config; allowed: a "
            "stack named production, pre-production, preview, or vital-expert-infra:tier set to one of them"]


# ---- github-environments -----------------------------------------------------------------------


@pytest.mark.parametrize("edit, message", [
    (lambda f: without(f, "production-environment"),
     f"stack production has no RepositoryEnvironment 'production'; allowed: one with {GH_ALLOWED}"),
    (lambda f: changed(f, "production-environment", lambda i: i.pop("deploymentBranchPolicy")),
     f"{ENV} sets no deploymentBranchPolicy, so any branch can deploy to 'production'; allowed: {GH_ALLOWED}"),
    (lambda f: changed(f, "production-environment", lambda i: i.update(
        deploymentBranchPolicy={"protectedBranches": True, "customBranchPolicies": True})),
     f"{ENV} has deploymentBranchPolicy customBranchPolicies: True, protectedBranches: True; allowed: {GH_ALLOWED}"),
    (lambda f: changed(f, "production-environment", lambda i: i.update(preventSelfReview=False, canAdminsBypass=True)),
     f"{ENV} has reviewers but preventSelfReview: False, canAdminsBypass: True, so one person can approve their own "
     "deployment or skip the gate; allowed: preventSelfReview: true, canAdminsBypass: false"),
    (_no_reviewers,
     f"{ENV} has no required reviewers on GitHub plan 'enterprise', private repository, where GitHub enforces them, "
     "so production deploys without a person's approval; allowed: 1 to 6 reviewers (requiredReviewers)"),
    (lambda f: [*changed(f, "production-branch-policy", lambda i: i.pop("branchPattern"))],
     f"{ENV} has 1 deployment policies (no pattern); allowed: {GH_ALLOWED}"),
])
def test_github_environments_messages_in_full(edit, message):
    assert environments(edit(fake_stack("production"))) == [message]


FALLBACK = (f"{ENV} has no required reviewers (GitHub plan 'team', private repository: GitHub does not enforce them) and "
            "lacks the fallback: {}; allowed: reviewers, or that fallback")
RULESET = ("an active RepositoryRuleset on refs/heads/main with no bypass actors, at least one approving review and the "
           "last push approved by someone else")


def test_the_fallbacks_message_names_what_is_missing():
    fakes = _no_reviewers(fake_stack("production"))
    assert environments(fakes, TEAM_PLAN) == [FALLBACK.format(RULESET)]
    no_projects = [f for f in fakes if f.type not in (T_PROJECT, T_CHECK)]
    assert environments(no_projects, TEAM_PLAN) == [FALLBACK.format(
        f"{RULESET}; a ProjectDeploymentCheck gating the production alias of every project (no Vercel project)")]
    two = [*[f for f in fakes if f.type != T_CHECK], Fake(T_PROJECT, "second-project", {"name": "s"})]
    assert environments(two, TEAM_PLAN) == [FALLBACK.format(
        f"{RULESET}; a ProjectDeploymentCheck gating the production alias of every project (Project "
        "'vital-expert-project', Project 'second-project')")]


def test_a_policy_belongs_to_the_environment_its_dependency_names_whatever_its_inputs_say():
    fakes = changed(fake_stack("production"), "production-branch-policy", lambda i: i.update(environment="renamed"))
    assert find(fakes, "production-branch-policy").deps == {"environment": ["production-environment"]}
    assert environments(fakes) == []
