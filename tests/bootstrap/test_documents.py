"""The roles' documents as the bootstrap stack registers them, judged by IAM's rules
(tests/tools/iam_trust.py, written apart from the pack's reader): who may assume each role under
both subject formats, what S3 answers its state reads (404 for a missing key, never 403), which
keys it may use, what it may write, and what the drift check may describe."""

from __future__ import annotations

import pytest

from tests.bootstrap.support import render_with, role_documents
from tests.tools.iam_trust import allows, github_token, object_status, permits
from vital import diy
from vital.names import PRODUCTION, STATE_KEY_ALIAS, TIERS, stack_key_alias
from vital.trust import BOOTSTRAP_STACK, ROLE, ROLES

REPO = "vital-expert/vital-expert-infra"
NAME_FORM = f"repo:{REPO}"
IMMUTABLE = "repo:vital-expert@1234567/vital-expert-infra@89101112"
PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
BUCKET = "arn:aws:s3:::vital-expert-pulumi-state"
KEY = "arn:aws:kms:eu-central-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
S3_VIA = "s3.eu-central-1.amazonaws.com"
STACKS = (*TIERS, BOOTSTRAP_STACK)


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> dict:
    """The stack rendered trusting both of the repository's prefixes."""
    return render_with(tmp_path_factory.mktemp("both"), subjectPrefixes=[NAME_FORM, IMMUTABLE])


def job(prefix: str, context: str, workflow: str, ref: str, repo: str = REPO) -> str:
    """A job's `sub` under the template repo, context, job_workflow_ref (GitHub's OIDC reference)."""
    return f"{prefix}:{context}:job_workflow_ref:{repo}/.github/workflows/{workflow}@{ref}"


# Each role's own jobs, as GitHub would name them.
JOBS = {
    "plan": ("pull_request", "infra-pr.yml", "refs/pull/42/merge"),
    "plan-production": ("ref:refs/heads/main", "infra-deploy.yml", "refs/heads/main"),
    "drift": ("environment:drift", "infra-drift.yml", "refs/heads/main"),
    **{f"deploy-{t}": (f"environment:{t}", "infra-deploy.yml", "refs/heads/main") for t in TIERS},
}


@pytest.mark.parametrize("prefix", [NAME_FORM, IMMUTABLE], ids=["name-form", "immutable"])
def test_each_job_is_trusted_by_its_own_role_alone_under_either_prefix(both, prefix):
    for key, (context, workflow, ref) in JOBS.items():
        token = github_token(job(prefix, context, workflow, ref))
        trusted = [r.key for r in ROLES if allows(role_documents(both, r.key)[0], PROVIDER, token)]
        assert trusted == [key], (key, trusted)


@pytest.mark.parametrize("sub", [
    job(NAME_FORM, "pull_request", "infra-deploy.yml", "refs/pull/42/merge"),       # another workflow on a PR
    job(NAME_FORM, "environment:production", "infra-deploy.yml", "refs/heads/feature"),  # another branch
    job(NAME_FORM, "environment:production", "infra-pr.yml", "refs/heads/main"),     # another workflow, same env
    job(NAME_FORM, "ref:refs/heads/feature", "infra-drift.yml", "refs/heads/feature"),
    job(NAME_FORM, "ref:refs/heads/main", "infra-drift.yml", "refs/heads/main"),  # drift outside its environment
    job(NAME_FORM, "environment:drift", "infra-pr.yml", "refs/heads/main"),       # the drift environment, another file
    job("repo:evil/vital-expert-infra", "pull_request", "infra-pr.yml", "refs/pull/1/merge", "evil/vital-expert-infra"),
    job(NAME_FORM, "pull_request", "infra-pr.yml", "refs/heads/main"),  # pull_request_target-like: main's copy
    job("repo:vital-expert@1234567/vital-expert-infra@1", "environment:production", "infra-deploy.yml", "refs/heads/main"),
    f"{NAME_FORM}:pull_request",  # GitHub's default subject: the template is on, it no longer matches
    f"{NAME_FORM}:environment:production",
])
def test_no_role_trusts_another_workflow_ref_context_or_repository(both, sub):
    assert [r.key for r in ROLES if allows(role_documents(both, r.key)[0], PROVIDER, github_token(sub))] == []


def test_the_audience_is_pinned(both):
    context, workflow, ref = JOBS["deploy-production"]
    token = github_token(job(NAME_FORM, context, workflow, ref), aud="https://github.com/vital-expert")
    assert not allows(role_documents(both, "deploy-production")[0], PROVIDER, token)


# ---- state reads that work ---------------------------------------------------------------------


@pytest.mark.parametrize("key", [r.key for r in ROLES])
def test_a_missing_key_answers_404_for_every_stack_the_role_reads(both, key):
    """pulumi/pulumi#19882: the S3 backend reads <stack>.pulumi-tags on every preview and up, and
    only NotFound means "no tags"; a 403 stops the command."""
    policy = [role_documents(both, key)[1]]
    role = ROLE[key]
    for stack in STACKS:
        tags = diy.stack_keys(stack)[1]
        expected = 404 if stack in role.reads else 403
        assert object_status(policy, BUCKET, tags, exists=False) == expected, (key, stack)
        assert object_status(policy, BUCKET, diy.checkpoint_key(stack), exists=True) == (200 if stack in role.reads else 403)
    assert object_status(policy, BUCKET, diy.META_KEY, exists=True) == 200


def test_the_old_prefix_conditioned_list_grant_answered_403():
    """What tools.backend's plan role had: ListBucket only under `StringLike s3:prefix .pulumi/*`.
    S3's implicit list check carries no prefix, so a missing tags file answered 403."""
    old = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET,
         "Condition": {"StringLike": {"s3:prefix": [".pulumi/*"]}}},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET}/.pulumi/*"}]}
    assert object_status([old], BUCKET, diy.stack_keys("preview")[1], exists=False) == 403


# ---- keys ----------------------------------------------------------------------------------------


def decrypts(policy: dict, alias: str, action: str = "kms:Decrypt", via: str | None = None) -> bool:
    context = {"kms:ResourceAliases": [alias], **({"kms:ViaService": via} if via else {})}
    return permits([policy], action, KEY, context)


@pytest.mark.parametrize("key", [r.key for r in ROLES])
def test_each_role_decrypts_exactly_the_stacks_it_runs_and_the_state_key_only_through_s3(both, key):
    policy, role = role_documents(both, key)[1], ROLE[key]
    assert [s for s in STACKS if decrypts(policy, stack_key_alias(s))] == list(role.decrypts)
    assert [s for s in STACKS if decrypts(policy, stack_key_alias(s), "kms:Encrypt")] == list(role.encrypts)
    assert not decrypts(policy, STATE_KEY_ALIAS) and decrypts(policy, STATE_KEY_ALIAS, via=S3_VIA)
    assert decrypts(policy, STATE_KEY_ALIAS, "kms:GenerateDataKey", via=S3_VIA) is bool(role.writes)
    assert not decrypts(policy, "alias/someone-elses-key") and not permits([policy], "kms:Decrypt", KEY, {})


def test_only_productions_roles_reach_productions_key():
    assert sorted(r.key for r in ROLES if PRODUCTION in r.decrypts) == ["deploy-production", "drift", "plan-production"]


# ---- writes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [r.key for r in ROLES])
def test_each_role_writes_only_its_own_stack(both, key):
    policy, role = role_documents(both, key)[1], ROLE[key]
    for stack in STACKS:
        for pattern in diy.stack_keys(stack):
            obj = f"{BUCKET}/{pattern.replace('*', 'x.json')}"
            for action in ("s3:PutObject", "s3:DeleteObject"):
                assert permits([policy], action, obj) is (stack in role.writes), (key, action, obj)
    assert not permits([policy], "s3:PutObject", f"{BUCKET}/{diy.META_KEY}")
    assert not permits([policy], "s3:PutObject", f"{BUCKET}/.pulumi/stacks/vital-expert-infra/production.jsonx") \
        or "production" in role.writes


# ---- the drift check's refresh of the bootstrap stack --------------------------------------------


@pytest.mark.parametrize("key", [r.key for r in ROLES])
def test_only_the_drift_role_describes_the_bootstrap_resources_read_only(both, key):
    policy = role_documents(both, key)[1]
    reads = [
        ("s3:GetBucketPolicy", BUCKET, {}), ("s3:GetEncryptionConfiguration", BUCKET, {}),
        ("kms:GetKeyRotationStatus", KEY, {"kms:ResourceAliases": [stack_key_alias(PRODUCTION)]}),
        ("iam:GetRole", "arn:aws:iam::123456789012:role/vital-expert-infra-plan", {}),
        ("iam:GetOpenIDConnectProvider", PROVIDER, {}),
    ]
    assert [permits([policy], a, r, c) for a, r, c in reads] == [key == "drift"] * len(reads)
    for action, resource in (("s3:PutBucketPolicy", BUCKET), ("iam:UpdateAssumeRolePolicy", PROVIDER),
                             ("s3:GetBucketPolicy", "arn:aws:s3:::another-bucket"),
                             ("iam:GetRole", "arn:aws:iam::123456789012:role/admin"),
                             ("kms:ScheduleKeyDeletion", KEY)):
        assert not permits([policy], action, resource, {"kms:ResourceAliases": [STATE_KEY_ALIAS]}), (key, action)
