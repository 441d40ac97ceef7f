"""The identity pack (bootstrap/policies) on the committed bootstrap stack, through the Analyzer
protocol as synth runs it (pulumi-policy's servicer in this process): no violation as committed,
and each policy's exact message on a violating mutation of what the program registers."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from tests.bootstrap.support import rendered
from tools.policy.inprocess import InProcessPack
from tools.projects import BOOTSTRAP
from vital.names import IDENTITY_PACK_NAME
from vital.trust import BOOTSTRAP_STACK

PR_SUB = ("repo:vital-expert/vital-expert-infra:pull_request:job_workflow_ref:"
          "vital-expert/vital-expert-infra/.github/workflows/infra-pr.yml@refs/pull/*/merge")
PREVIEW_DEPLOY_SUB = ("repo:vital-expert/vital-expert-infra:environment:preview:job_workflow_ref:"
                      "vital-expert/vital-expert-infra/.github/workflows/infra-deploy.yml@refs/heads/main")
BUCKET = "vital-expert-pulumi-state"


@pytest.fixture(scope="module")
def pack():
    source = rendered()
    with InProcessPack(BOOTSTRAP.name, BOOTSTRAP_STACK, source.config, pack_dir=BOOTSTRAP.pack_dir) as running:
        yield running


def judged(pack, mutate: Callable[[dict[str, Any]], None] | None = None) -> list[tuple[str, str, str]]:
    """(policy, resource name, message) of every violation, after `mutate` edits the registrations by name."""
    registrations = rendered().rendered.resources
    if mutate:
        mutate({r.name: r for r in registrations})
    result = pack.run(registrations)
    names = {r.urn: r.name for r in registrations}
    return [(v["policy"], names.get(v["urn"], ""), v["message"]) for v in result["violations"]]


def test_the_committed_stack_passes_every_policy(pack):
    assert pack.info.name == IDENTITY_PACK_NAME
    assert {p.name for p in pack.info.policies} == {"oidc-trust", "production-isolation", "state-bucket", "environment-branches",
                                                   "key-rotation"}
    assert all(p.enforcement_level == "mandatory" for p in pack.info.policies)
    assert judged(pack) == []


def edit_json(field: str, change: Callable[[dict], None]) -> Callable:
    def edit(registration) -> None:
        document = json.loads(registration.inputs[field])
        change(document)
        registration.inputs[field] = json.dumps(document)
    return edit


def statement(document: dict, sid: str) -> dict:
    return next(s for s in document["Statement"] if s["Sid"] == sid)


def on(name: str, edit: Callable) -> Callable[[dict], None]:
    return lambda regs: edit(regs[name])


TRUST_PREFIX = "role vital-expert-infra-plan trusts GitHub's OIDC provider, but "
DEPLOY_TRUST = "role vital-expert-infra-deploy-production trusts GitHub's OIDC provider, but "
MAIN_DEPLOY_SUB = ("repo:vital-expert/vital-expert-infra:environment:production:job_workflow_ref:"
                   "vital-expert/vital-expert-infra/.github/workflows/infra-deploy.yml@refs/heads/main")


def _sub(document: dict, sid: str, operator: str, value: Any) -> None:
    statement(document, sid)["Condition"].setdefault(operator, {})["token.actions.githubusercontent.com:sub"] = value


OIDC_CASES = {
    "a wildcard workflow": (on("plan-role", edit_json("assumeRolePolicy", lambda d: _sub(
        d, "GitHubActionsPullRequests", "StringLike", [PR_SUB.replace("infra-pr.yml", "*.yml")]))), "plan-role",
        TRUST_PREFIX + f"sub {PR_SUB.replace('infra-pr.yml', '*.yml')!r} has a wildcard outside a pull request's merge ref (*.yml)"),
    "any branch": (on("deploy-production-role", edit_json("assumeRolePolicy", lambda d: (
        statement(d, "GitHubActions")["Condition"].pop("StringEquals"),
        statement(d, "GitHubActions")["Condition"].update({
            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            "StringLike": {"token.actions.githubusercontent.com:sub": MAIN_DEPLOY_SUB.replace("refs/heads/main", "refs/heads/*")}})))),
        "deploy-production-role",
        DEPLOY_TRUST + f"sub {MAIN_DEPLOY_SUB.replace('refs/heads/main', 'refs/heads/*')!r} has a wildcard outside a pull "
                       "request's merge ref (refs/heads/*)"),
    "StringLike on an exact subject": (on("deploy-production-role", edit_json("assumeRolePolicy", lambda d: (
        statement(d, "GitHubActions")["Condition"].update({"StringLike": statement(d, "GitHubActions")["Condition"]["StringEquals"]
                                                           and {"token.actions.githubusercontent.com:sub": MAIN_DEPLOY_SUB}}),
        statement(d, "GitHubActions")["Condition"]["StringEquals"].pop("token.actions.githubusercontent.com:sub")))),
        "deploy-production-role",
        DEPLOY_TRUST + f"sub {MAIN_DEPLOY_SUB!r} is matched with StringLike; allowed only for refs/pull/*/merge (use StringEquals)"),
    "no audience": (on("plan-role", edit_json("assumeRolePolicy", lambda d: statement(d, "GitHubActionsPullRequests")[
        "Condition"]["StringEquals"].pop("token.actions.githubusercontent.com:aud"))), "plan-role",
        TRUST_PREFIX + "token.actions.githubusercontent.com:aud is not pinned to sts.amazonaws.com with StringEquals (found None)"),
    "no subject": (on("plan-role", edit_json("assumeRolePolicy", lambda d: statement(d, "GitHubActionsPullRequests")[
        "Condition"].pop("StringLike"))), "plan-role",
        TRUST_PREFIX + "token.actions.githubusercontent.com:sub is not pinned: any workflow of any repository could assume the role"),
    "another repository's workflow": (on("plan-role", edit_json("assumeRolePolicy", lambda d: _sub(
        d, "GitHubActionsPullRequests", "StringLike", [PR_SUB.replace("vital-expert/vital-expert-infra/.github", "octo/tools/.github")]))),
        "plan-role",
        TRUST_PREFIX + f"sub {PR_SUB.replace('vital-expert/vital-expert-infra/.github', 'octo/tools/.github')!r} names a "
                       "workflow of another repository (octo/tools)"),
}


@pytest.mark.parametrize("case", OIDC_CASES, ids=list(OIDC_CASES))
def test_oidc_trust_refuses_a_loose_trust(pack, case):
    mutate, name, message = OIDC_CASES[case]
    assert [v for v in judged(pack, mutate) if v[0] == "oidc-trust"] == [("oidc-trust", name, message)]


DECRYPT = ("role vital-expert-infra-plan may decrypt production's key (alias/pulumi-state-production){}, but it trusts "
           f"more than main's reviewed workflows: {PR_SUB}")
WRITE = ("role vital-expert-infra-{} may write production's state (.pulumi/stacks/vital-expert-infra/production.json*){}, "
         "but only production's deploy role may (trusted only by jobs of main in the production environment); it trusts {}")
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _add_alias(d: dict) -> None:
    statement(d, "DecryptStackSecrets")["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"].append(
        "alias/pulumi-state-production")


ISOLATION_CASES = {
    "the plan role decrypts production's key": (on("plan-policy", edit_json("policy", _add_alias)),
                                                [("plan-role", DECRYPT.format(""))]),
    "the plan role decrypts any key": (on("plan-policy", edit_json("policy", lambda d: statement(d, "DecryptStackSecrets").update(
        Resource="*", Condition={}))), [("plan-role", DECRYPT.format(""))]),
    "preview's deploy role writes production's state": (on("deploy-preview-policy", edit_json("policy", lambda d: statement(
        d, "WriteState")["Resource"].append(f"arn:aws:s3:::{BUCKET}/.pulumi/stacks/vital-expert-infra/production.json*"))),
        [("deploy-preview-role", WRITE.format("deploy-preview", "", PREVIEW_DEPLOY_SUB))]),
    "a managed policy on the plan role": (on("plan-no-managed", lambda r: r.inputs.update(policyArns=[ADMIN])), [
        ("plan-role", DECRYPT.format(f" (managed policy {ADMIN}, which the pack cannot read)")),
        ("plan-role", WRITE.format("plan", f" (managed policy {ADMIN}, which the pack cannot read)", PR_SUB))]),
}


@pytest.mark.parametrize("case", ISOLATION_CASES, ids=list(ISOLATION_CASES))
def test_production_isolation_refuses_production_power_outside_productions_roles(pack, case):
    mutate, expected = ISOLATION_CASES[case]
    found = [(name, message) for policy, name, message in judged(pack, mutate) if policy == "production-isolation"]
    assert found == expected


def test_productions_own_roles_keep_their_reach(pack):
    """drift and plan-production decrypt production's key, deploy-production writes its state: no finding."""
    def widen(regs):  # production's deploy role may also write its history: still production's
        edit_json("policy", lambda d: statement(d, "WriteState")["Resource"].append(
            f"arn:aws:s3:::{BUCKET}/.pulumi/history/vital-expert-infra/production/extra"))(regs["deploy-production-policy"])
    assert judged(pack, widen) == []


def _rules(r) -> dict:
    return r.inputs["rules"][0]


BUCKET_CASES = {
    "versioning suspended": (on("backend-versioning", lambda r: r.inputs.update(versioningConfiguration={"status": "Suspended"})),
                             "backend-versioning", "versioning is 'Suspended'; allowed: 'Enabled'"),
    "no versioning": (lambda regs: regs.pop("backend-versioning").__setattr__("type", "aws:s3/bucketAcl:BucketAcl"),
                      "backend-bucket", "no versioning"),
    "AES256": (on("backend-encryption", lambda r: _rules(r)["applyServerSideEncryptionByDefault"].update(sseAlgorithm="AES256")),
               "backend-encryption", "default encryption is 'AES256' with bucket key True; allowed: 'aws:kms' with the bucket key on"),
    "another key": (on("backend-encryption", lambda r: (_rules(r)["applyServerSideEncryptionByDefault"].update(
        kmsMasterKeyId="alias/aws/s3"), r.property_dependencies.update(rules=[]))), "backend-encryption",
        "default encryption does not use the key aliased alias/pulumi-state"),
    "public policy allowed": (on("backend-public-access", lambda r: r.inputs.update(blockPublicPolicy=False)),
                              "backend-public-access", "public access block has blockPublicPolicy off; allowed: all four on"),
    "ACLs on": (on("backend-ownership", lambda r: r.inputs.update(rule={"objectOwnership": "ObjectWriter"})),
                "backend-ownership", "object ownership is 'ObjectWriter'; allowed: 'BucketOwnerEnforced' (ACLs off)"),
    "plain HTTP allowed": (on("backend-policy", edit_json("policy", lambda d: d["Statement"][0]["Condition"]["Bool"].update(
        {"aws:SecureTransport": "true"}))), "backend-policy",
        "bucket policy does not deny every request without TLS (Deny s3:* when aws:SecureTransport is false)"),
}


@pytest.mark.parametrize("case", BUCKET_CASES, ids=list(BUCKET_CASES))
def test_state_bucket_refuses_each_weakened_setting(pack, case):
    mutate, name, message = BUCKET_CASES[case]
    found = [(n, m) for policy, n, m in judged(pack, mutate) if policy == "state-bucket"]
    assert found == [(name, f"state bucket {BUCKET}: {message}")]


def test_key_rotation_stays_on(pack):
    found = judged(pack, on("production-key", lambda r: r.inputs.update(enableKeyRotation=False)))
    assert found == [("key-rotation", "production-key", "KMS key production-key: enableKeyRotation is False; allowed: "
                                                       "true (its material rotates; old material still decrypts)")]


ENV = "GitHub environment 'production': "
ENVIRONMENT_CASES = {
    "no environment": (lambda regs: regs["environment-production-environment"].__setattr__("type", "github:index/x:X"),
                       ENV + "not managed by this stack; allowed: a RepositoryEnvironment admitting 'main' only (a job "
                             "that names a missing environment creates it with no rule)"),
    "admins bypass": (on("environment-production-environment", lambda r: r.inputs.update(canAdminsBypass=True)),
                      ENV + "canAdminsBypass is True; allowed: false (the provider's default, true, lets an "
                            "administrator skip its rules)"),
    "bypass left to the default": (on("environment-production-environment", lambda r: r.inputs.pop("canAdminsBypass")),
                                   ENV + "canAdminsBypass is None; allowed: false (the provider's default, true, lets "
                                         "an administrator skip its rules)"),
    "protected branches": (on("environment-production-environment", lambda r: r.inputs.update(
        deploymentBranchPolicy={"protectedBranches": True, "customBranchPolicies": False})),
        ENV + "deploymentBranchPolicy is {'protectedBranches': True, 'customBranchPolicies': False}; allowed: "
              "{'protectedBranches': False, 'customBranchPolicies': True} (custom branch policies; protected "
              "branches admit any branch with a rule)"),
    "every branch": (on("environment-production-environment", lambda r: r.inputs.pop("deploymentBranchPolicy")),
                     ENV + "deploymentBranchPolicy is None; allowed: {'protectedBranches': False, "
                           "'customBranchPolicies': True} (custom branch policies; protected branches admit any branch "
                           "with a rule)"),
    "a wildcard branch": (on("environment-production-branch",
                             lambda r: r.inputs.update(branchPattern="*")),
                          ENV + "deploys from branch '*'; allowed: the one branch pattern 'main' and no tag pattern"),
    "a tag": (on("environment-production-branch", lambda r: (r.inputs.pop("branchPattern"),
                                                             r.inputs.update(tagPattern="v*"))),
              ENV + "deploys from tag 'v*'; allowed: the one branch pattern 'main' and no tag pattern"),
    "no branch policy": (lambda regs: regs["environment-production-branch"].__setattr__("type", "github:index/x:X"),
                         ENV + "deploys from no pattern; allowed: the one branch pattern 'main' and no tag pattern"),
}


@pytest.mark.parametrize("case", ENVIRONMENT_CASES, ids=list(ENVIRONMENT_CASES))
def test_environment_branches_refuses_an_environment_pr_code_could_enter(pack, case):
    mutate, message = ENVIRONMENT_CASES[case]
    assert [(p, m) for p, _, m in judged(pack, mutate)] == [("environment-branches", message)]


def test_each_environment_a_role_trusts_is_managed_main_only():
    """Derived from the trust table: every `environment:NAME` a role trusts is one the stack creates."""
    from vital.trust import ROLES, environments

    trusted = {t.context.removeprefix("environment:") for r in ROLES for t in r.trusts if t.context.startswith("environment:")}
    made = {r.inputs["environment"]: r for r in rendered().rendered.resources
            if r.type == "github:index/repositoryEnvironment:RepositoryEnvironment"}
    assert set(environments()) == trusted == set(made) == {"production", "pre-production", "preview", "drift"}
    assert all(r.retain_on_delete for r in made.values())  # leaving the program must not delete CI's secrets
