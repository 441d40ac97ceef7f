"""GitHubEnvironment and GitHubBranch, each built alone from its spec."""

from __future__ import annotations

from pydantic import SecretStr

from components.github_branch import GitHubBranch
from components.github_environment import GitHubEnvironment
from components.specs import GitHubBranchSpec, GitHubEnvironmentSpec, RulesetSpec
from tests.components.conftest import build, component, of_type, one, secret_value

CANARY = "canary-github-secret-0001"


def environment_spec(**changes) -> GitHubEnvironmentSpec:
    base = dict(repository="app", environment="production", branch_pattern="main", reviewers=(42,),
                can_admins_bypass=False, protect=True, secrets={"VERCEL_TOKEN": SecretStr(CANARY)})
    return GitHubEnvironmentSpec(**{**base, **changes})


def test_a_branch_limited_environment_with_reviewers_and_secrets(recorder):
    build(lambda: GitHubEnvironment("production", environment_spec(), variables={"VERCEL_PROJECT_ID": "prj_1"}))
    env = one(recorder, ":RepositoryEnvironment")
    assert env.protect and env.inputs["canAdminsBypass"] is False and env.inputs["preventSelfReview"] is True
    assert env.inputs["reviewers"] == [{"users": [42.0]}]
    assert env.inputs["deploymentBranchPolicy"] == {"protectedBranches": False, "customBranchPolicies": True}
    assert one(recorder, ":RepositoryEnvironmentDeploymentPolicy").inputs["branchPattern"] == "main"
    secret = one(recorder, ":ActionsEnvironmentSecret")
    assert secret.inputs["secretName"] == "VERCEL_TOKEN" and "plaintextValue" not in secret.inputs
    assert secret_value(secret.inputs["value"]) == CANARY
    assert one(recorder, ":ActionsEnvironmentVariable").inputs["variableName"] == "VERCEL_PROJECT_ID"
    parent = component(recorder, "vital:github:GitHubEnvironment")
    assert all(r.parent == parent.urn and r.name.startswith("production-") for r in recorder.resources if r.custom)


def test_an_open_environment_has_no_branch_policy_and_no_reviewers(recorder):
    build(lambda: GitHubEnvironment("preview", environment_spec(environment="preview", branch_pattern=None, reviewers=(),
                                                                can_admins_bypass=True, protect=False)))
    env = one(recorder, ":RepositoryEnvironment")
    assert not env.protect and "reviewers" not in env.inputs and "deploymentBranchPolicy" not in env.inputs
    assert of_type(recorder, ":RepositoryEnvironmentDeploymentPolicy") == []


def test_a_long_lived_branch_is_created_retained_and_guarded(recorder):
    spec = GitHubBranchSpec(repository="app", branch="pre-production", source_branch="main",
                            ruleset=RulesetSpec(name="pre-production protection", required_approvals=0,
                                                required_checks=("type-check", "test")))
    build(lambda: GitHubBranch("pre-production", spec))
    branch = one(recorder, ":Branch")
    assert branch.retain_on_delete and branch.inputs["sourceBranch"] == "main"
    ruleset = one(recorder, ":RepositoryRuleset")
    assert branch.urn in ruleset.dependencies
    assert ruleset.inputs["conditions"]["refName"]["includes"] == ["refs/heads/pre-production"]
    checks = [c["context"] for c in ruleset.inputs["rules"]["requiredStatusChecks"]["requiredChecks"]]
    assert checks == ["type-check", "test"]


def test_main_is_guarded_but_never_created(recorder):
    spec = GitHubBranchSpec(repository="app", branch="main",
                            ruleset=RulesetSpec(name="main protection", required_approvals=1, required_checks=("test",)))
    build(lambda: GitHubBranch("main", spec))
    assert of_type(recorder, ":Branch") == []
    assert one(recorder, ":RepositoryRuleset").inputs["rules"]["pullRequest"]["requiredApprovingReviewCount"] == 1
