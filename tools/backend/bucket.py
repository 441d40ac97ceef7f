"""The bucket settings: the bucket itself, versioning, encryption, public access block, the
TLS-only bucket policy and the lifecycle rule.

Each setting is a read_*/expected_*/apply_* triple that the table in settings.py names.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from botocore.exceptions import ClientError

from tools.backend.clients import PUBLIC_ACCESS_FLAGS, Backend, describe_key
from tools.backend.errors import BackendError, error_code, http_status, none_on_error, region_header

# Our statement and rule are found by these ids, so anything else already in the bucket
# policy or lifecycle configuration is kept when we (re)write ours.
TLS_STATEMENT_SID = "DenyInsecureTransport"
LIFECYCLE_RULE_ID = "pulumi-state-noncurrent-versions"


# --------------------------------------------------------------------------------------
# Bucket


def head_bucket_region(b: Backend) -> str | None:
    """Region the bucket lives in, None when no bucket has that name."""
    try:
        response = b.s3.head_bucket(Bucket=b.bucket, ExpectedBucketOwner=b.account())
    except ClientError as exc:
        status = http_status(exc)
        if status == 404:
            return None
        if status == 403:
            raise BackendError(
                f"HeadBucket on bucket {b.bucket!r} returned 403 for account {b.account()}: the bucket is "
                "owned by another account, or these credentials lack s3:ListBucket on it; expected a "
                f"bucket owned by {b.account()} - choose another --bucket name or grant access"
            ) from exc
        region = region_header(exc.response)
        if region:
            return region
        raise
    return response.get("BucketRegion") or region_header(response) or bucket_location(b)


def bucket_location(b: Backend) -> str:
    location = b.s3.get_bucket_location(Bucket=b.bucket).get("LocationConstraint")
    # S3 reports us-east-1 as no constraint and old eu-west-1 buckets as "EU".
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def read_bucket(b: Backend) -> str | None:
    region = head_bucket_region(b)
    if region is not None and region != b.target.region:
        raise BackendError(
            f"bucket {b.bucket!r} is in region {region}, expected {b.target.region}: "
            f"rerun with --region {region} or choose another --bucket name"
        )
    return region


def expected_bucket(b: Backend) -> str:
    return b.target.region


def create_bucket(b: Backend) -> None:
    kwargs: dict[str, Any] = {"Bucket": b.bucket}
    if b.target.region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": b.target.region}
    try:
        b.s3.create_bucket(**kwargs)
    except ClientError as exc:
        if error_code(exc) == "BucketAlreadyOwnedByYou":
            return  # created between our HeadBucket and now; the settings below still apply
        if error_code(exc) == "BucketAlreadyExists":
            raise BackendError(
                f"bucket name {b.bucket!r} is already taken by another AWS account; expected a bucket "
                f"owned by {b.account()} - choose another --bucket name"
            ) from exc
        raise


# --------------------------------------------------------------------------------------
# Versioning, encryption, public access block


def read_versioning(b: Backend) -> str | None:
    return b.s3.get_bucket_versioning(Bucket=b.bucket).get("Status")


def expected_versioning(b: Backend) -> str:
    return b.desired.versioning


def apply_versioning(b: Backend) -> None:
    b.s3.put_bucket_versioning(Bucket=b.bucket, VersioningConfiguration={"Status": b.desired.versioning})


def bucket_config(b: Backend, get: Callable[..., dict[str, Any]], field: str, missing: str) -> Any:
    """`field` of the bucket's configuration read by `get`, None when S3 answers `missing`."""
    response = none_on_error(missing, get, Bucket=b.bucket)
    return None if response is None else response[field]


def read_encryption(b: Backend) -> dict[str, Any] | None:
    config = bucket_config(
        b,
        b.s3.get_bucket_encryption,
        "ServerSideEncryptionConfiguration",
        "ServerSideEncryptionConfigurationNotFoundError",
    )
    if config is None:
        return None
    rule = (config.get("Rules") or [{}])[0]
    default = rule.get("ApplyServerSideEncryptionByDefault", {})
    key_id = default.get("KMSMasterKeyID")
    return {
        "SSEAlgorithm": default.get("SSEAlgorithm"),
        "KMSMasterKeyID": key_arn_of(b, key_id) if key_id else None,
        "BucketKeyEnabled": bool(rule.get("BucketKeyEnabled", False)),
    }


def key_arn_of(b: Backend, key_id: str) -> str:
    # The bucket may name the key by id, alias or ARN; compare them all as the key ARN.
    key = describe_key(b.kms, key_id)
    return key["Arn"] if key else key_id


def expected_encryption(b: Backend) -> dict[str, Any]:
    key = b.key()
    return {
        "SSEAlgorithm": b.desired.sse_algorithm,
        # With no key yet, name the alias so the report still says which key is expected.
        "KMSMasterKeyID": key["Arn"] if key else b.target.kms_alias,
        "BucketKeyEnabled": b.desired.bucket_key_enabled,
    }


def apply_encryption(b: Backend) -> None:
    expected = expected_encryption(b)
    b.s3.put_bucket_encryption(
        Bucket=b.bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": expected["SSEAlgorithm"],
                        "KMSMasterKeyID": expected["KMSMasterKeyID"],
                    },
                    "BucketKeyEnabled": expected["BucketKeyEnabled"],
                }
            ]
        },
    )


def read_public_access_block(b: Backend) -> dict[str, bool] | None:
    config = bucket_config(
        b,
        b.s3.get_public_access_block,
        "PublicAccessBlockConfiguration",
        "NoSuchPublicAccessBlockConfiguration",
    )
    if config is None:
        return None
    return {flag: bool(config.get(flag, False)) for flag in PUBLIC_ACCESS_FLAGS}


def expected_public_access_block(b: Backend) -> dict[str, bool]:
    return {flag: flag in b.desired.public_access_block for flag in PUBLIC_ACCESS_FLAGS}


def apply_public_access_block(b: Backend) -> None:
    b.s3.put_public_access_block(
        Bucket=b.bucket, PublicAccessBlockConfiguration=expected_public_access_block(b)
    )


# --------------------------------------------------------------------------------------
# TLS-only bucket policy


def tls_statement(b: Backend) -> dict[str, Any]:
    return {
        "Sid": TLS_STATEMENT_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [b.bucket_arn(), f"{b.bucket_arn()}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def normalize_statement(statement: dict[str, Any]) -> dict[str, Any]:
    """Fold the equivalent spellings IAM accepts, so a re-serialized policy compares equal."""

    def as_list(value: Any) -> list[str]:
        return sorted([value] if isinstance(value, str) else value or [])

    principal = statement.get("Principal")
    if principal == {"AWS": "*"}:
        principal = "*"
    condition = {
        op: {key: str(value).lower() for key, value in values.items()}
        for op, values in (statement.get("Condition") or {}).items()
    }
    return {
        "Effect": statement.get("Effect"),
        "Principal": principal,
        "Action": as_list(statement.get("Action")),
        "Resource": as_list(statement.get("Resource")),
        "Condition": condition,
    }


def bucket_policy(b: Backend) -> dict[str, Any] | None:
    policy = bucket_config(b, b.s3.get_bucket_policy, "Policy", "NoSuchBucketPolicy")
    return None if policy is None else json.loads(policy)


def policy_statements(policy: dict[str, Any] | None) -> list[dict[str, Any]]:
    statements = (policy or {}).get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


def read_tls_policy(b: Backend) -> dict[str, Any] | None:
    for statement in policy_statements(bucket_policy(b)):
        if statement.get("Sid") == TLS_STATEMENT_SID:
            return normalize_statement(statement)
    return None


def expected_tls_policy(b: Backend) -> dict[str, Any] | None:
    return normalize_statement(tls_statement(b)) if b.desired.deny_insecure_transport else None


def apply_tls_policy(b: Backend) -> None:
    policy = bucket_policy(b) or {"Version": "2012-10-17"}
    statements = [s for s in policy_statements(policy) if s.get("Sid") != TLS_STATEMENT_SID]
    if b.desired.deny_insecure_transport:
        statements.append(tls_statement(b))
    if not statements:
        b.s3.delete_bucket_policy(Bucket=b.bucket)  # S3 refuses a policy with no statements
        return
    policy["Statement"] = statements
    b.s3.put_bucket_policy(Bucket=b.bucket, Policy=json.dumps(policy))


# --------------------------------------------------------------------------------------
# Lifecycle: expire superseded state versions, abort abandoned uploads


def lifecycle_rules(b: Backend) -> list[dict[str, Any]]:
    response = none_on_error(
        "NoSuchLifecycleConfiguration", b.s3.get_bucket_lifecycle_configuration, Bucket=b.bucket
    )
    return [] if response is None else response.get("Rules", [])


def normalize_rule(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "Status": rule.get("Status"),
        "Prefix": (rule.get("Filter") or {}).get("Prefix", rule.get("Prefix", "")),
        "NoncurrentDays": rule.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays"),
        "AbortIncompleteMultipartUploadDays": rule.get("AbortIncompleteMultipartUpload", {}).get(
            "DaysAfterInitiation"
        ),
    }


def read_lifecycle(b: Backend) -> dict[str, Any] | None:
    for rule in lifecycle_rules(b):
        if rule.get("ID") == LIFECYCLE_RULE_ID:
            return normalize_rule(rule)
    return None


def lifecycle_rule(b: Backend) -> dict[str, Any]:
    return {
        "ID": LIFECYCLE_RULE_ID,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": b.desired.noncurrent_days},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": b.desired.abort_multipart_days},
    }


def expected_lifecycle(b: Backend) -> dict[str, Any]:
    return normalize_rule(lifecycle_rule(b))


def apply_lifecycle(b: Backend) -> None:
    others = [r for r in lifecycle_rules(b) if r.get("ID") != LIFECYCLE_RULE_ID]
    b.s3.put_bucket_lifecycle_configuration(
        Bucket=b.bucket, LifecycleConfiguration={"Rules": others + [lifecycle_rule(b)]}
    )
