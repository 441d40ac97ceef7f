"""The CI identities: GitHub's OIDC provider, a read-only plan role for previews and drift,
and one deploy role per GitHub environment.

What each role may do, and who may assume it:

- plan role: trusted by exactly `repo:OWNER/REPO:pull_request` and
  `repo:OWNER/REPO:ref:refs/heads/main` (GitHub's subject formats: docs.github.com, "OpenID
  Connect reference", example subject claims); s3:ListBucket under `.pulumi/`, s3:GetObject
  on `.pulumi/*` and kms:Decrypt on the state key. It can read every stack's state and
  decrypt its config: that is what a preview needs, and all it can do.
- deploy role of environment E: trusted by exactly `repo:OWNER/REPO:environment:E` (a job
  that names `environment: E`; GitHub puts the environment in `sub` instead of the ref);
  the plan role's reads, plus s3:PutObject/DeleteObject on stack E's own files only:
  its checkpoint, history, backups and lock (paths of Pulumi's DIY backend, project layout:
  pkg/backend/diy `StackBasePath`, `HistoryDir`, `BackupDir` and `stackLockDir`, which is
  `.pulumi/locks/<org>/<project>/<stack>`, `organization` being a DIY backend's only org),
  and kms:GenerateDataKey (S3 asks KMS for one on every SSE-KMS write).

The audience is `sts.amazonaws.com`, the default of aws-actions/configure-aws-credentials
(its action.yml `audience` input). Each setting is a read_*/expected_*/apply_* triple that the
table in settings.py names; documents are compared normalized, so IAM's own re-spelling of a
policy (a string for a one-item list, reordered keys) is not drift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from tools.backend.clients import Backend
from tools.backend.errors import none_on_error
from vital.names import DEPLOY_BRANCH, PROJECT, TIERS, deploy_role_name, plan_role_name

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_URL = f"https://{GITHUB_OIDC_HOST}"
AUDIENCE = "sts.amazonaws.com"
SUB_KEY = f"{GITHUB_OIDC_HOST}:sub"
AUD_KEY = f"{GITHUB_OIDC_HOST}:aud"
STATE_PREFIX = ".pulumi"
DIY_ORGANIZATION = "organization"
POLICY_NAME = "pulumi-state"
ENVIRONMENTS = TIERS


# --------------------------------------------------------------------------------------
# Who may assume each role, and what it may do: pure documents.


def plan_subjects(repo: str) -> list[str]:
    return [f"repo:{repo}:pull_request", f"repo:{repo}:ref:refs/heads/{DEPLOY_BRANCH}"]


def deploy_subjects(repo: str, environment: str) -> list[str]:
    return [f"repo:{repo}:environment:{environment}"]


def trust_policy(provider_arn: str, subjects: list[str]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "GitHubActions",
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                # StringEquals, not StringLike: exactly these subjects, no wildcard.
                "Condition": {"StringEquals": {AUD_KEY: AUDIENCE, SUB_KEY: subjects}},
            }
        ],
    }


def _read_statements(bucket_arn: str, key_arn: str) -> list[dict[str, Any]]:
    return [
        {
            "Sid": "ListState",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": bucket_arn,
            "Condition": {"StringLike": {"s3:prefix": [f"{STATE_PREFIX}/*"]}},
        },
        {"Sid": "ReadState", "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{bucket_arn}/{STATE_PREFIX}/*"},
        {"Sid": "DecryptState", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn},
    ]


def plan_policy(bucket_arn: str, key_arn: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": _read_statements(bucket_arn, key_arn)}


def stack_paths(stack: str, project: str = PROJECT) -> list[str]:
    """The keys a DIY backend writes for one stack (see the module doc)."""
    return [
        f"{STATE_PREFIX}/stacks/{project}/{stack}.json*",  # .json, .json.bak, .json.gz
        f"{STATE_PREFIX}/history/{project}/{stack}/*",
        f"{STATE_PREFIX}/backups/{project}/{stack}/*",
        f"{STATE_PREFIX}/locks/{DIY_ORGANIZATION}/{project}/{stack}/*",
    ]


def deploy_policy(bucket_arn: str, key_arn: str, stack: str) -> dict[str, Any]:
    write = {
        "Sid": "WriteOwnStack",
        "Effect": "Allow",
        "Action": ["s3:PutObject", "s3:DeleteObject"],
        "Resource": [f"{bucket_arn}/{path}" for path in stack_paths(stack)],
    }
    encrypt = {"Sid": "EncryptState", "Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": key_arn}
    return {"Version": "2012-10-17", "Statement": [*_read_statements(bucket_arn, key_arn), write, encrypt]}


# --------------------------------------------------------------------------------------
# Normal forms: IAM may hand a document back with other spellings of the same thing.


def _as_list(value: Any) -> list[Any]:
    return sorted([value] if isinstance(value, str) else list(value or []))


def normal_statement(statement: dict[str, Any]) -> dict[str, Any]:
    principal = statement.get("Principal")
    return {
        "Sid": statement.get("Sid", ""),
        "Effect": statement.get("Effect"),
        "Principal": {k: _as_list(v) for k, v in principal.items()} if isinstance(principal, dict) else principal,
        "Action": _as_list(statement.get("Action")),
        "Resource": _as_list(statement.get("Resource")),
        "Condition": {
            op: {key: _as_list(value) for key, value in values.items()}
            for op, values in (statement.get("Condition") or {}).items()
        },
    }


def normal_policy(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, str):
        document = json.loads(document)
    statements = (document or {}).get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    return sorted((normal_statement(s) for s in statements), key=lambda s: json.dumps(s, sort_keys=True))


# --------------------------------------------------------------------------------------
# The OIDC provider


def provider_arn(b: Backend) -> str:
    return f"arn:{b.partition()}:iam::{b.account()}:oidc-provider/{GITHUB_OIDC_HOST}"


def read_provider(b: Backend) -> dict[str, Any] | None:
    found = none_on_error("NoSuchEntity", b.iam.get_open_id_connect_provider, OpenIDConnectProviderArn=provider_arn(b))
    if found is None:
        return None
    audiences = found.get("ClientIDList") or []
    # Other audiences may share the account's one provider; only ours must be there.
    return {"url": found.get("Url"), "audience": AUDIENCE if AUDIENCE in audiences else sorted(audiences)}


def expected_provider(b: Backend) -> dict[str, Any]:
    return {"url": GITHUB_OIDC_HOST, "audience": AUDIENCE}


def apply_provider(b: Backend) -> None:
    if read_provider(b) is None:
        # No thumbprint: IAM verifies GitHub's certificate against its own trusted CAs.
        b.iam.create_open_id_connect_provider(Url=GITHUB_OIDC_URL, ClientIDList=[AUDIENCE])
    else:
        b.iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn(b), ClientID=AUDIENCE)


# --------------------------------------------------------------------------------------
# The roles: one trust row and one permissions row each


@dataclass(frozen=True)
class Role:
    label: str  # the setting's name in bootstrap and status
    name: str
    subjects: Callable[[str], list[str]]  # the repository -> the subjects it trusts
    policy: Callable[[Backend], dict[str, Any]]
    purpose: str


def key_arn(b: Backend) -> str:
    key = b.key()
    # With no key yet, name the alias so the report still says which key is meant.
    return key["Arn"] if key else b.target.kms_alias


def plan_role() -> Role:
    return Role("plan-role", plan_role_name(), plan_subjects, lambda b: plan_policy(b.bucket_arn(), key_arn(b)),
                "previews and drift (read-only)")


def deploy_role(environment: str) -> Role:
    return Role(
        f"deploy-role:{environment}",
        deploy_role_name(environment),
        lambda repo: deploy_subjects(repo, environment),
        lambda b: deploy_policy(b.bucket_arn(), key_arn(b), environment),
        f"deploys in environment {environment}",
    )


def roles() -> list[Role]:
    return [plan_role(), *(deploy_role(env) for env in ENVIRONMENTS)]


def _get_role(b: Backend, role: Role) -> dict[str, Any] | None:
    found = none_on_error("NoSuchEntity", b.iam.get_role, RoleName=role.name)
    return None if found is None else found["Role"]


def _repo(b: Backend) -> str:
    assert b.target.github_repo is not None  # identity rows apply only with --github-repo
    return b.target.github_repo


def read_trust(b: Backend, role: Role) -> list[dict[str, Any]] | None:
    found = _get_role(b, role)
    return None if found is None else normal_policy(found["AssumeRolePolicyDocument"])


def expected_trust(b: Backend, role: Role) -> list[dict[str, Any]]:
    return normal_policy(trust_policy(provider_arn(b), role.subjects(_repo(b))))


def apply_trust(b: Backend, role: Role) -> None:
    document = json.dumps(trust_policy(provider_arn(b), role.subjects(_repo(b))))
    if _get_role(b, role) is None:
        b.iam.create_role(
            RoleName=role.name,
            AssumeRolePolicyDocument=document,
            Description=f"{PROJECT} CI: {role.purpose}; managed by python -m tools.backend bootstrap",
            MaxSessionDuration=3600,
        )
    else:
        b.iam.update_assume_role_policy(RoleName=role.name, PolicyDocument=document)


def read_permissions(b: Backend, role: Role) -> dict[str, Any]:
    names = []
    for page in b.iam.get_paginator("list_role_policies").paginate(RoleName=role.name):
        names += page["PolicyNames"]
    inline = {
        name: normal_policy(b.iam.get_role_policy(RoleName=role.name, PolicyName=name)["PolicyDocument"])
        for name in sorted(names)
    }
    attached = []
    for page in b.iam.get_paginator("list_attached_role_policies").paginate(RoleName=role.name):
        attached += [p["PolicyArn"] for p in page["AttachedPolicies"]]
    return {"inline": inline, "attached": sorted(attached)}


def expected_permissions(b: Backend, role: Role) -> dict[str, Any]:
    return {"inline": {POLICY_NAME: normal_policy(role.policy(b))}, "attached": []}


def apply_permissions(b: Backend, role: Role) -> None:
    """Ours, and nothing else: the role is this tool's, and any extra grant widens it."""
    b.iam.put_role_policy(RoleName=role.name, PolicyName=POLICY_NAME, PolicyDocument=json.dumps(role.policy(b)))
    found = read_permissions(b, role)
    for name in found["inline"]:
        if name != POLICY_NAME:
            b.iam.delete_role_policy(RoleName=role.name, PolicyName=name)
    for arn in found["attached"]:
        b.iam.detach_role_policy(RoleName=role.name, PolicyArn=arn)


def role_arns(b: Backend) -> dict[str, str]:
    """Each role's ARN, for the lines bootstrap prints."""
    return {role.name: f"arn:{b.partition()}:iam::{b.account()}:role/{role.name}" for role in roles()}
