"""state-bucket: the state bucket stays versioned, encrypted with its own KMS key, private and
TLS-only.

Each setting is a resource of its own in pulumi-aws 7 (BucketVersioning,
BucketServerSideEncryptionConfiguration, BucketPublicAccessBlock, BucketOwnershipControls,
BucketPolicy), linked to its bucket by the bucket's name. "Its own key" is the key the stack
aliases vital.names.STATE_KEY_ALIAS: the encryption's key id must come from that key (a
dependency: its ARN is not known before the key exists). TLS-only is AWS's own statement (S3
User Guide, "Enforce encryption of data in transit"): Deny, any principal, every S3 action on
the bucket and its objects, when aws:SecureTransport is false.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, StackValidationArgs

from vital.names import STATE_KEY_ALIAS

from .documents import (
    BUCKET,
    BUCKET_POLICY,
    ENCRYPTION,
    OWNERSHIP,
    PUBLIC_ACCESS,
    VERSIONING,
    key_by_alias,
    of_type,
    parse,
)
from .reach import as_list

BLOCKS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _versioned(setting: PolicyResource, _: Any) -> str | None:
    status = (setting.props.get("versioningConfiguration") or {}).get("status")
    return None if status == "Enabled" else f"versioning is {status!r}; allowed: 'Enabled'"


def _encrypted(setting: PolicyResource, key: PolicyResource | None) -> str | None:
    rules = list(setting.props.get("rules") or [])
    default = (rules[0].get("applyServerSideEncryptionByDefault") or {}) if rules else {}
    if default.get("sseAlgorithm") != "aws:kms" or rules[0].get("bucketKeyEnabled") is not True:
        return (
            f"default encryption is {default.get('sseAlgorithm')!r} with bucket key "
            f"{rules[0].get('bucketKeyEnabled') if rules else None!r}; allowed: 'aws:kms' with the bucket key on"
        )
    if key is None or not any(dep.urn == key.urn for dep in setting.property_dependencies.get("rules", [])):
        return f"default encryption does not use the key aliased {STATE_KEY_ALIAS}"
    return None


def _private(setting: PolicyResource, _: Any) -> str | None:
    off = [flag for flag in BLOCKS if setting.props.get(flag) is not True]
    return f"public access block has {', '.join(off)} off; allowed: all four on" if off else None


def _owner_enforced(setting: PolicyResource, _: Any) -> str | None:
    found = (setting.props.get("rule") or {}).get("objectOwnership")
    return (
        None
        if found == "BucketOwnerEnforced"
        else f"object ownership is {found!r}; allowed: 'BucketOwnerEnforced' (ACLs off)"
    )


def tls_only(statement: dict, bucket: str) -> bool:
    principal = statement.get("Principal")
    resources = set(as_list(statement.get("Resource")))
    secure = (statement.get("Condition") or {}).get("Bool", {}).get("aws:SecureTransport")
    return (
        statement.get("Effect") == "Deny"
        and principal in ("*", {"AWS": "*"})
        and bool(set(as_list(statement.get("Action"))) & {"s3:*", "*"})
        and any(r.endswith(f":::{bucket}") for r in resources)
        and any(r.endswith(f":::{bucket}/*") for r in resources)
        and str(secure).lower() == "false"
    )


def _tls(setting: PolicyResource, bucket: str) -> str | None:
    statements = as_list(parse(setting.props.get("policy")).get("Statement"))
    return (
        None
        if any(tls_only(s, bucket) for s in statements)
        else "bucket policy does not deny every request without TLS (Deny s3:* when aws:SecureTransport is false)"
    )


# Each setting the bucket must have: (what it is, its type, the check).
SETTINGS: tuple[tuple[str, str, Callable], ...] = (
    ("versioning", VERSIONING, _versioned),
    ("default encryption", ENCRYPTION, _encrypted),
    ("public access block", PUBLIC_ACCESS, _private),
    ("ownership controls", OWNERSHIP, _owner_enforced),
    ("bucket policy", BUCKET_POLICY, _tls),
)


def state_bucket(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    key = key_by_alias(args.resources, STATE_KEY_ALIAS)
    for bucket in of_type(args.resources, BUCKET):
        name = str(bucket.props.get("bucket"))
        for what, token, check in SETTINGS:
            found = [s for s in of_type(args.resources, token) if s.props.get("bucket") == name]
            if not found:
                report_violation(f"state bucket {name}: no {what}", bucket.urn)
            for setting in found:
                problem = check(setting, name if token == BUCKET_POLICY else key)
                if problem:
                    report_violation(f"state bucket {name}: {problem}", setting.urn)
