"""The bootstrap stack's IAM and bucket documents: pure functions of the trust table
(vital/trust.py) and the DIY backend's layout (vital/diy.py), no Pulumi, no AWS call.

Every document is known before anything exists (a preview, synth): ARNs are built from the
account id (`aws.get_caller_identity`), the region and names, and the KMS keys are named by
their aliases through `kms:ResourceAliases`, never by key ARNs that exist only after create.
AWS KMS, "Use aliases to control access to KMS keys"
(docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html): an alias in a
`Resource` element names the alias, not the key, so the key is `key/*` with the alias as a
condition; `kms:ResourceAliases` is multi-valued, hence `ForAnyValue:` (a key without aliases
then matches nothing). Alias changes "might take up to five minutes" to affect authorization.

**State reads that answer 404.** The S3 backend reads objects that may not exist
(`<stack>.pulumi-tags`, vital/diy.py) and treats anything but NotFound as fatal. S3 answers
a missing key with 404 only to a caller that may list the bucket: "If you have the
s3:ListBucket permission on the bucket, Amazon S3 returns an HTTP status code 404 Not Found
error. If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status code
403 Forbidden error." (Amazon S3 API Reference, GetObject and HeadObject, "Permissions";
docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). That implicit check is of
ListBucket on the bucket with no `prefix` in the request, so a grant conditioned on
`s3:prefix` (the old `StringLike s3:prefix .pulumi/*`) would not satisfy it: every role gets
`s3:ListBucket` on the bucket without a condition. It lists keys (stack names, times), never
their contents; the contents are in `s3:GetObject`, granted per stack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from vital import diy
from vital.names import STATE_KEY_ALIAS, TIERS, stack_key_alias
from vital.trust import AUD_KEY, AUDIENCE, BOOTSTRAP_STACK, GITHUB_OIDC_HOST, ROLES, SUB_KEY, Role, subjects

VERSION = "2012-10-17"
VIA_SERVICE_KEY = "kms:ViaService"
RESOURCE_ALIASES_KEY = "kms:ResourceAliases"
SECURE_TRANSPORT_KEY = "aws:SecureTransport"
# Each role's one inline policy; the old tools.backend named it so too (the migration imports it).
POLICY_NAME = "pulumi-state"
TLS_STATEMENT_SID = "DenyInsecureTransport"
LIFECYCLE_RULE_ID = "pulumi-state-noncurrent-versions"
# Every stack with a key of its own: the tiers and the bootstrap stack.
KEYED_STACKS = (*TIERS, BOOTSTRAP_STACK)

# What `pulumi preview --refresh` of the bootstrap stack reads, per resource type: the AWS
# provider's read of each resource (the S3 bucket and its settings, the KMS keys and aliases,
# the OIDC provider, the roles and their policies), as IAM actions. Read-only, and scoped to
# these resources below; an action missing here shows as AccessDenied in the drift job.
BUCKET_READS = (
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketLocation",
    "s3:GetBucketLogging",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketOwnershipControls",
    "s3:GetBucketPolicy",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketTagging",
    "s3:GetBucketVersioning",
    "s3:GetBucketWebsite",
    "s3:GetAccelerateConfiguration",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
)
KEY_READS = ("kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags")
ROLE_READS = ("iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies")


@dataclass(frozen=True)
class Account:
    """Where the stack lives: the caller's account and partition, and the configured region."""

    partition: str
    account_id: str
    region: str
    dns_suffix: str

    def arn(self, service: str, resource: str, region: str = "") -> str:
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"

    @property
    def provider_arn(self) -> str:
        return self.arn("iam", f"oidc-provider/{GITHUB_OIDC_HOST}")

    def role_arn(self, name: str) -> str:
        return self.arn("iam", f"role/{name}")

    @property
    def keys_arn(self) -> str:
        """Every KMS key of the account in the region; the aliases pick ours (module doc)."""
        return self.arn("kms", "key/*", self.region)

    @property
    def s3_service(self) -> str:
        """kms:ViaService of S3 in the region, e.g. s3.eu-central-1.amazonaws.com."""
        return f"s3.{self.region}.{self.dns_suffix}"

    def bucket_arn(self, bucket: str) -> str:
        return f"arn:{self.partition}:s3:::{bucket}"


def key_alias(stack: str | None) -> str:
    """The bucket's key (None) or a stack's."""
    return STATE_KEY_ALIAS if stack is None else stack_key_alias(stack)


def document(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": VERSION, "Statement": statements}, sort_keys=True)


# ---- who may assume a role ------------------------------------------------------------------


def trust_policy(provider_arn: str, prefixes: tuple[str, ...], repository: str, role: Role) -> str:
    """GitHub's OIDC tokens for exactly the role's subjects; `aud` pinned. A pull request's merge
    ref is the only wildcard (StringLike), in a statement of its own: one statement's
    operators must all hold."""
    pairs = list(zip(subjects(prefixes, repository, role), [t for _ in prefixes for t in role.trusts], strict=True))
    exact = [sub for sub, trust in pairs if not trust.wildcard]
    like = [sub for sub, trust in pairs if trust.wildcard]
    statements: list[dict[str, Any]] = []
    for sid, operator, subs in (
        ("GitHubActions", "StringEquals", exact),
        ("GitHubActionsPullRequests", "StringLike", like),
    ):
        if subs:
            condition: dict[str, dict[str, Any]] = {"StringEquals": {AUD_KEY: AUDIENCE}}
            condition.setdefault(operator, {})[SUB_KEY] = subs
            statements.append(
                {
                    "Sid": sid,
                    "Effect": "Allow",
                    "Principal": {"Federated": provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": condition,
                }
            )
    return document(statements)


# ---- what a role may do --------------------------------------------------------------------


def _keys(account: Account, actions: list[str], aliases: list[str], sid: str, **condition: dict) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": actions,
        "Resource": account.keys_arn,
        "Condition": {"ForAnyValue:StringEquals": {RESOURCE_ALIASES_KEY: aliases}, **condition},
    }


def _objects(bucket_arn: str, stacks: tuple[str, ...]) -> list[str]:
    return [f"{bucket_arn}/{key}" for stack in stacks for key in diy.stack_keys(stack)]


def role_policy(role: Role, bucket: str, account: Account) -> str:
    """The role's one inline policy, from its reads, decrypts, encrypts, writes and refreshes."""
    bucket_arn = account.bucket_arn(bucket)
    state_key = ["kms:Decrypt", "kms:GenerateDataKey"] if role.writes else ["kms:Decrypt"]
    statements: list[dict[str, Any]] = [
        # Unconditioned, so a missing key answers 404 (module doc).
        {"Sid": "ListState", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn},
        {
            "Sid": "ReadState",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": [f"{bucket_arn}/{diy.META_KEY}", *_objects(bucket_arn, role.reads)],
        },
        # S3 asks KMS on the caller's behalf: Decrypt to read an object, GenerateDataKey to write one.
        _keys(
            account,
            state_key,
            [STATE_KEY_ALIAS],
            "StateObjectsThroughS3",
            StringEquals={VIA_SERVICE_KEY: account.s3_service},
        ),
    ]
    if role.writes:
        statements.append(
            {
                "Sid": "WriteState",
                "Effect": "Allow",
                "Action": ["s3:DeleteObject", "s3:PutObject"],
                "Resource": _objects(bucket_arn, role.writes),
            }
        )
    if role.decrypts:
        statements.append(_keys(account, ["kms:Decrypt"], [key_alias(s) for s in role.decrypts], "DecryptStackSecrets"))
    if role.encrypts:
        # What `pulumi stack change-secrets-provider` asks of a stack's key; up only decrypts.
        statements.append(_keys(account, ["kms:Encrypt"], [key_alias(s) for s in role.encrypts], "EncryptStackSecrets"))
    if BOOTSTRAP_STACK in role.refreshes:
        statements += refresh_statements(bucket, account)
    return document(statements)


def refresh_statements(bucket: str, account: Account) -> list[dict[str, Any]]:
    """Read-only access to exactly the bootstrap stack's AWS resources (`preview --refresh`)."""
    aliases = [key_alias(None), *(key_alias(s) for s in KEYED_STACKS)]
    return [
        {
            "Sid": "DescribeStateBucket",
            "Effect": "Allow",
            "Action": list(BUCKET_READS),
            "Resource": account.bucket_arn(bucket),
        },
        _keys(account, list(KEY_READS), aliases, "DescribeStateKeys"),
        # ListAliases names no key (KMS: its Resource is "*").
        {"Sid": "ListKeyAliases", "Effect": "Allow", "Action": "kms:ListAliases", "Resource": "*"},
        {
            "Sid": "DescribeOidcProvider",
            "Effect": "Allow",
            "Action": "iam:GetOpenIDConnectProvider",
            "Resource": account.provider_arn,
        },
        {
            "Sid": "DescribeCiRoles",
            "Effect": "Allow",
            "Action": list(ROLE_READS),
            "Resource": [account.role_arn(r.name) for r in ROLES],
        },
    ]


# ---- the bucket ----------------------------------------------------------------------------


def bucket_policy(bucket: str, account: Account) -> str:
    """Deny every request that is not over TLS (AWS's own example: S3 User Guide, "Enforce
    encryption of data in transit", aws:SecureTransport false)."""
    arn = account.bucket_arn(bucket)
    return document(
        [
            {
                "Sid": TLS_STATEMENT_SID,
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {SECURE_TRANSPORT_KEY: "false"}},
            }
        ]
    )
