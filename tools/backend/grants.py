"""Who may assume each CI role and what it may do: pure IAM documents, no AWS call.

The roles (identity.py creates them), the subjects they trust (GitHub's formats:
docs.github.com, "OpenID Connect reference", example subject claims), and which stack keys
each may decrypt with:

| Role | Trusts `sub` | Decrypts with the keys of |
|---|---|---|
| plan | `repo:OWNER/REPO:pull_request` | the stacks a PR previews (vital.names.PR_PREVIEW_STACKS) and the stacks whose outputs they read: preview, pre-production. Never production's, and production's state objects are denied to it |
| drift | `repo:OWNER/REPO:ref:refs/heads/main` | every stack (reviewed code only) |
| deploy E | `repo:OWNER/REPO:environment:E` | stack E (decrypt and encrypt), and the stacks whose outputs E reads (decrypt): preview reads pre-production's cache |

A StackReference decrypts the other stack's outputs with that stack's own key (the DIY
backend deserializes the referenced checkpoint with its secrets provider), which is why
preview's roles may decrypt with pre-production's key and nobody else's. A KMS grant is per
key: whoever may decrypt with a stack's key can decrypt all of that stack's secrets (its
committed `encryptedkey:` included), not only the outputs read.

Every role lists `.pulumi/` and reads `.pulumi/*`. The state objects are encrypted at rest
with the bucket's key (S3 default encryption, SSE-KMS): every role may use that key, but only
through S3 (`kms:ViaService` = s3.<region>.<domain>), so the bucket's key decrypts no stack's
secrets for anyone, even those of a stack left on it. A deploy role also writes stack E's
own files only: its checkpoint, history, backups and lock (paths of Pulumi's DIY backend,
project layout: pkg/backend/diy `StackBasePath`, `HistoryDir`, `BackupDir` and `stackLockDir`,
which is `.pulumi/locks/<org>/<project>/<stack>`, `organization` being a DIY backend's only org).

The audience is `sts.amazonaws.com`, the default of aws-actions/configure-aws-credentials
(its action.yml `audience` input).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vital.names import DEPLOY_BRANCH, PR_PREVIEW_STACKS, PROJECT, TIERS
from vital.tiers import SHARED, TIER_DEFAULTS

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_URL = f"https://{GITHUB_OIDC_HOST}"
AUDIENCE = "sts.amazonaws.com"
SUB_KEY = f"{GITHUB_OIDC_HOST}:sub"
AUD_KEY = f"{GITHUB_OIDC_HOST}:aud"
VIA_SERVICE_KEY = "kms:ViaService"
STATE_PREFIX = ".pulumi"
DIY_ORGANIZATION = "organization"


# --------------------------------------------------------------------------------------
# Which stack keys each role needs: pure functions of the tier table.


def reads_outputs_of(stack: str) -> tuple[str, ...]:
    """The stacks whose outputs `stack` reads (a StackReference decrypts them with their key)."""
    if TIER_DEFAULTS[stack].owns_cache:
        return ()
    return (SHARED["shared_cache_stack"].rsplit("/", 1)[-1],)


def decrypts(stacks: tuple[str, ...] | list[str]) -> list[str]:
    """The stack keys a role that runs `stacks` must decrypt with: theirs and what they read."""
    return sorted({key for stack in stacks for key in (stack, *reads_outputs_of(stack))})


PLAN_KEYS = decrypts(PR_PREVIEW_STACKS)
# The stacks whose state objects the plan role may not read: those it never previews.
PLAN_HIDDEN = tuple(stack for stack in TIERS if stack not in PLAN_KEYS)


# --------------------------------------------------------------------------------------
# Who may assume each role, and what it may do: pure documents.


def plan_subjects(repo: str) -> list[str]:
    return [f"repo:{repo}:pull_request"]


def drift_subjects(repo: str) -> list[str]:
    return [f"repo:{repo}:ref:refs/heads/{DEPLOY_BRANCH}"]


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


@dataclass(frozen=True)
class Keys:
    """The ARNs a role's policy names: the bucket's key, and each stack's key by stack."""

    bucket_arn: str
    state_key_arn: str
    stack_key_arns: dict[str, str]
    s3_service: str  # kms:ViaService of S3 in the bucket's region, e.g. s3.eu-central-1.amazonaws.com


def _read_statements(k: Keys, write: bool = False) -> list[dict[str, Any]]:
    return [
        {
            "Sid": "ListState",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": k.bucket_arn,
            "Condition": {"StringLike": {"s3:prefix": [f"{STATE_PREFIX}/*"]}},
        },
        {"Sid": "ReadState", "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{k.bucket_arn}/{STATE_PREFIX}/*"},
        {
            # S3 asks KMS on the caller's behalf: Decrypt to read an object, GenerateDataKey to write one.
            "Sid": "StateObjectsThroughS3",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"] if write else "kms:Decrypt",
            "Resource": k.state_key_arn,
            "Condition": {"StringEquals": {VIA_SERVICE_KEY: k.s3_service}},
        },
    ]


def _decrypt_statement(sid: str, k: Keys, stacks: list[str]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": "kms:Decrypt",
            "Resource": [k.stack_key_arns[stack] for stack in stacks]}


def plan_policy(k: Keys) -> dict[str, Any]:
    statements = [*_read_statements(k), _decrypt_statement("DecryptPreviewedStacks", k, PLAN_KEYS)]
    if PLAN_HIDDEN:
        statements.insert(len(statements) - 1, {
            "Sid": "NoStateOfStacksNotPreviewed",
            "Effect": "Deny",
            "Action": "s3:GetObject",
            "Resource": [f"{k.bucket_arn}/{path}" for stack in PLAN_HIDDEN for path in stack_paths(stack)],
        })
    return {"Version": "2012-10-17", "Statement": statements}


def drift_policy(k: Keys) -> dict[str, Any]:
    statements = [*_read_statements(k), _decrypt_statement("DecryptEveryStack", k, list(TIERS))]
    return {"Version": "2012-10-17", "Statement": statements}


def stack_paths(stack: str, project: str = PROJECT) -> list[str]:
    """The keys a DIY backend writes for one stack (see the module doc)."""
    return [
        f"{STATE_PREFIX}/stacks/{project}/{stack}.json*",  # .json, .json.bak, .json.gz
        f"{STATE_PREFIX}/history/{project}/{stack}/*",
        f"{STATE_PREFIX}/backups/{project}/{stack}/*",
        f"{STATE_PREFIX}/locks/{DIY_ORGANIZATION}/{project}/{stack}/*",
    ]


def deploy_policy(k: Keys, stack: str) -> dict[str, Any]:
    write = {
        "Sid": "WriteOwnStack",
        "Effect": "Allow",
        "Action": ["s3:PutObject", "s3:DeleteObject"],
        "Resource": [f"{k.bucket_arn}/{path}" for path in stack_paths(stack)],
    }
    # Encrypt: what `pulumi stack change-secrets-provider` asks of the new key; up only decrypts.
    own = {"Sid": "OwnStackSecrets", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"],
           "Resource": k.stack_key_arns[stack]}
    statements = [*_read_statements(k, write=True), write, own]
    if reads_outputs_of(stack):
        statements.append(_decrypt_statement("DecryptOutputsItReads", k, list(reads_outputs_of(stack))))
    return {"Version": "2012-10-17", "Statement": statements}
