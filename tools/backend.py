"""Self-managed Pulumi state backend: an S3 bucket for state, a KMS key for stack secrets.

The bucket and key must exist before the first `pulumi login`, so no stack can create them.
This tool creates or verifies them with boto3:

    python -m tools.backend bootstrap --bucket NAME --region R [--kms-alias alias/NAME]
    python -m tools.backend status    --bucket NAME --region R [--format json]
    python -m tools.backend history STACK --bucket NAME --region R [--format json]
    python -m tools.backend restore STACK --version-id ID --bucket NAME --region R

Exit codes: 0 good, 1 drift (status only), 2 error or usage error. Errors are one line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any, Callable, Sequence, TextIO
from urllib.parse import quote

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

from vital.names import PROJECT

DEFAULT_KMS_ALIAS = "alias/pulumi-state"
DEFAULT_PROJECT = PROJECT
DEFAULT_NONCURRENT_DAYS = 90

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2

# Our statement and rule are found by these ids, so anything else already in the bucket
# policy or lifecycle configuration is kept when we (re)write ours.
TLS_STATEMENT_SID = "DenyInsecureTransport"
LIFECYCLE_RULE_ID = "pulumi-state-noncurrent-versions"

PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")

BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")

ACCESS_DENIED_CODES = {"AccessDenied", "AccessDeniedException", "403", "Forbidden", "AllAccessDisabled"}
BAD_CREDENTIAL_CODES = {
    "InvalidAccessKeyId",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "InvalidToken",
}
WRONG_REGION_CODES = {
    "PermanentRedirect",
    "AuthorizationHeaderMalformed",
    "IllegalLocationConstraintException",
}


class BackendError(Exception):
    """A failure the user can act on; its text is printed as the one stderr line."""


# --------------------------------------------------------------------------------------
# What a healthy backend looks like: the one description bootstrap applies and status checks.


@dataclass(frozen=True)
class Desired:
    versioning: str = "Enabled"
    sse_algorithm: str = "aws:kms"
    bucket_key_enabled: bool = True
    public_access_block: tuple[str, ...] = PUBLIC_ACCESS_FLAGS
    deny_insecure_transport: bool = True
    noncurrent_days: int = DEFAULT_NONCURRENT_DAYS
    abort_multipart_days: int = 7
    key_state: str = "Enabled"
    key_rotation: bool = True


@dataclass(frozen=True)
class Target:
    bucket: str
    region: str
    kms_alias: str = DEFAULT_KMS_ALIAS
    endpoint_url: str | None = None


@lru_cache(maxsize=1)
def _model_loader() -> botocore.loaders.Loader:
    # Service models are static, so one loader serves every session in the process; a fresh
    # session would otherwise re-parse the large S3 model for each Backend.
    return botocore.loaders.create_loader()


class Clients:
    """The only place boto3 clients are built, so every call shares endpoint and region.

    Each client is built on first use: history and restore never pay for a KMS client.
    Sessions are not shared: each resolves credentials from the environment afresh.
    """

    def __init__(self, target: Target) -> None:
        core = botocore.session.get_session()
        core.register_component("data_loader", _model_loader())
        self._session = boto3.session.Session(botocore_session=core, region_name=target.region)
        # boto3 appends its data path on every new session; keep the shared list from growing.
        paths = _model_loader().search_paths
        paths[:] = list(dict.fromkeys(paths))
        self._endpoint_url = target.endpoint_url
        self._config = Config(
            # Custom endpoints (moto, MinIO, LocalStack) rarely resolve virtual-hosted buckets.
            s3={"addressing_style": "path" if target.endpoint_url else "auto"},
            retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=10,
        )

    def _client(self, service: str) -> Any:
        return self._session.client(service, endpoint_url=self._endpoint_url, config=self._config)

    @cached_property
    def s3(self) -> Any:
        return self._client("s3")

    @cached_property
    def kms(self) -> Any:
        return self._client("kms")

    @cached_property
    def sts(self) -> Any:
        return self._client("sts")


class Backend:
    """A target plus its clients, with the few lookups that several settings share."""

    def __init__(self, target: Target, desired: Desired, clients: Clients) -> None:
        self.target = target
        self.desired = desired
        self.clients = clients
        self._account: str | None = None
        self._key: dict[str, Any] | None = None
        self._key_looked_up = False

    @property
    def s3(self) -> Any:
        return self.clients.s3

    @property
    def kms(self) -> Any:
        return self.clients.kms

    @property
    def bucket(self) -> str:
        return self.target.bucket

    def account(self) -> str:
        # Also the earliest check that the credentials work at all.
        if self._account is None:
            self._account = self.clients.sts.get_caller_identity()["Account"]
        return self._account

    def key(self) -> dict[str, Any] | None:
        """KeyMetadata of the key behind the alias, or None when the alias does not exist."""
        if not self._key_looked_up:
            self._key = describe_key(self.kms, self.target.kms_alias)
            self._key_looked_up = True
        return self._key

    def forget_key(self) -> None:
        self._key_looked_up = False

    def partition(self) -> str:
        # aws, aws-cn or aws-us-gov: bucket ARNs differ outside the commercial partition.
        return self.clients.s3.meta.partition

    def bucket_arn(self) -> str:
        return f"arn:{self.partition()}:s3:::{self.bucket}"


def open_backend(target: Target, desired: Desired | None = None) -> Backend:
    return Backend(target, desired or Desired(), Clients(target))


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def http_status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def describe_key(kms: Any, key_id: str) -> dict[str, Any] | None:
    try:
        return kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except ClientError as exc:
        if error_code(exc) == "NotFoundException":
            return None
        raise


# --------------------------------------------------------------------------------------
# KMS key


def read_key_state(b: Backend) -> str | None:
    key = b.key()
    return key["KeyState"] if key else None


def expected_key_state(b: Backend) -> str:
    return b.desired.key_state


def apply_key_state(b: Backend) -> None:
    key = b.key()
    if key is None:
        created = b.kms.create_key(
            Description=f"Pulumi stack secrets for s3://{b.bucket}",
            KeyUsage="ENCRYPT_DECRYPT",
            KeySpec="SYMMETRIC_DEFAULT",
        )["KeyMetadata"]
        b.kms.create_alias(AliasName=b.target.kms_alias, TargetKeyId=created["KeyId"])
    else:
        # Every stack's secrets are sealed with this key: a pending deletion is undone.
        if key["KeyState"] == "PendingDeletion":
            b.kms.cancel_key_deletion(KeyId=key["KeyId"])
        b.kms.enable_key(KeyId=key["KeyId"])
    b.forget_key()


def read_key_rotation(b: Backend) -> bool | None:
    key = b.key()
    assert key is not None  # guarded by Setting.requires
    try:
        return bool(b.kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"])
    except ClientError as exc:
        # A disabled or deleting key has no readable rotation; kms-key already reports why.
        if error_code(exc) == "KMSInvalidStateException":
            return None
        raise


def expected_key_rotation(b: Backend) -> bool:
    return b.desired.key_rotation


def apply_key_rotation(b: Backend) -> None:
    key = b.key()
    assert key is not None
    b.kms.enable_key_rotation(KeyId=key["KeyId"])


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


def region_header(response: dict[str, Any]) -> str | None:
    return response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("x-amz-bucket-region")


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


def read_encryption(b: Backend) -> dict[str, Any] | None:
    try:
        config = b.s3.get_bucket_encryption(Bucket=b.bucket)["ServerSideEncryptionConfiguration"]
    except ClientError as exc:
        if error_code(exc) == "ServerSideEncryptionConfigurationNotFoundError":
            return None
        raise
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
    try:
        config = b.s3.get_public_access_block(Bucket=b.bucket)["PublicAccessBlockConfiguration"]
    except ClientError as exc:
        if error_code(exc) == "NoSuchPublicAccessBlockConfiguration":
            return None
        raise
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
    try:
        return json.loads(b.s3.get_bucket_policy(Bucket=b.bucket)["Policy"])
    except ClientError as exc:
        if error_code(exc) == "NoSuchBucketPolicy":
            return None
        raise


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
    try:
        return b.s3.get_bucket_lifecycle_configuration(Bucket=b.bucket).get("Rules", [])
    except ClientError as exc:
        if error_code(exc) == "NoSuchLifecycleConfiguration":
            return []
        raise


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


# --------------------------------------------------------------------------------------
# The settings table and the one loop over it that bootstrap and status share.


@dataclass(frozen=True)
class Setting:
    name: str
    read: Callable[[Backend], Any]  # normalized current value; None when absent
    expected: Callable[[Backend], Any]
    apply: Callable[[Backend], None]  # make read() == expected()
    requires: str | None = None  # a setting that must exist before this one can be read


SETTINGS: tuple[Setting, ...] = (
    # The bucket comes first: a wrong region or a foreign owner stops the run before anything
    # (a KMS key included) is created.
    Setting("bucket", read_bucket, expected_bucket, create_bucket),
    # Public access is locked next so the bucket is never open while the rest is applied.
    Setting(
        "public-access-block",
        read_public_access_block,
        expected_public_access_block,
        apply_public_access_block,
        "bucket",
    ),
    Setting("versioning", read_versioning, expected_versioning, apply_versioning, "bucket"),
    Setting("kms-key", read_key_state, expected_key_state, apply_key_state),
    Setting("kms-key-rotation", read_key_rotation, expected_key_rotation, apply_key_rotation, "kms-key"),
    Setting("encryption", read_encryption, expected_encryption, apply_encryption, "bucket"),
    Setting("tls-only-policy", read_tls_policy, expected_tls_policy, apply_tls_policy, "bucket"),
    Setting("lifecycle", read_lifecycle, expected_lifecycle, apply_lifecycle, "bucket"),
)


@dataclass(frozen=True)
class Check:
    name: str
    found: Any
    expected: Any
    result: str = ""  # bootstrap: ok / created / updated

    @property
    def ok(self) -> bool:
        return self.found == self.expected


def check(setting: Setting, b: Backend, present: set[str]) -> Check:
    missing_parent = setting.requires is not None and setting.requires not in present
    found = None if missing_parent else setting.read(b)
    return Check(setting.name, found, setting.expected(b))


def status(b: Backend) -> list[Check]:
    present: set[str] = set()
    checks = []
    for setting in SETTINGS:
        result = check(setting, b, present)
        if result.found is not None:
            present.add(setting.name)
        checks.append(result)
    return checks


def bootstrap(b: Backend, out: TextIO | None = None) -> list[Check]:
    out = out or sys.stdout
    present: set[str] = set()
    created: set[str] = set()
    checks = []
    for setting in SETTINGS:
        before = check(setting, b, present)
        result = "ok"
        if not before.ok:
            setting.apply(b)
            after = check(setting, b, present | {setting.name})
            if not after.ok:
                raise BackendError(
                    f"{setting.name} on bucket {b.bucket!r} still differs after applying it: "
                    f"found {render(after.found)}, expected {render(after.expected)}"
                )
            # Settings of a resource made in this run were created, whatever AWS defaulted them to.
            new = before.found is None or setting.requires in created
            result = "created" if new else "updated"
            if new:
                created.add(setting.name)
        present.add(setting.name)
        checks.append(Check(setting.name, before.found, before.expected, result))
        print(f"  {setting.name:<22}{result}", file=out)
    return checks


# --------------------------------------------------------------------------------------
# Lines to hand to the Pulumi CLI


def login_url(target: Target) -> str:
    url = f"s3://{target.bucket}?region={target.region}"
    if target.endpoint_url:
        url += f"&endpoint={quote(target.endpoint_url, safe=':/')}&s3ForcePathStyle=true"
    return url


def secrets_provider(target: Target) -> str:
    url = f"awskms://{target.kms_alias}?region={target.region}"
    if target.endpoint_url:
        # Otherwise the secrets would go to real AWS KMS while the state goes to the endpoint.
        url += f"&endpoint={quote(target.endpoint_url, safe=':/')}"
    return url


def pulumi_lines(target: Target, stack: str | None) -> list[str]:
    return [
        f"pulumi login {shlex.quote(login_url(target))}",
        f'pulumi stack init {stack or "<stack>"} --secrets-provider "{secrets_provider(target)}"',
    ]


# --------------------------------------------------------------------------------------
# State history and restore


@dataclass(frozen=True)
class Version:
    version_id: str
    last_modified: datetime
    size: int
    current: bool
    delete_marker: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_modified"] = self.last_modified.isoformat()
        return data


def state_keys(stack: str, project: str) -> list[str]:
    """Where Pulumi's DIY backend keeps a stack's state: project-scoped first, then legacy."""
    keys = []
    for base in (f".pulumi/stacks/{project}/{stack}", f".pulumi/stacks/{stack}"):
        keys += [f"{base}.json", f"{base}.json.gz"]  # .gz when PULUMI_DIY_BACKEND_GZIP is set
    return keys


def list_versions(b: Backend, key: str) -> list[Version]:
    """Stored versions of exactly `key`, newest first (S3's listing order)."""
    versions: list[Version] = []
    paginator = b.s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=b.bucket, Prefix=key):
        for item in page.get("Versions", []):
            if item["Key"] == key:
                versions.append(
                    Version(item["VersionId"], item["LastModified"], item["Size"], item["IsLatest"])
                )
        for item in page.get("DeleteMarkers", []):
            if item["Key"] == key:
                versions.append(Version(item["VersionId"], item["LastModified"], 0, item["IsLatest"], True))
    # Versions and delete markers come in separate lists; within one second, current wins.
    return sorted(versions, key=lambda v: (v.last_modified, v.current), reverse=True)


def find_state(b: Backend, stack: str, project: str) -> tuple[str, list[Version]]:
    read_bucket(b)  # a missing or wrong-region bucket gets its own clear message
    keys = state_keys(stack, project)
    for key in keys:
        versions = list_versions(b, key)
        if versions:
            return key, versions
    raise BackendError(
        f"no state for stack {stack!r} in bucket {b.bucket!r}: looked for "
        + ", ".join(keys)
        + f" (project {project!r}; pass --project if the stack belongs to another)"
    )


def restore(b: Backend, key: str, versions: list[Version], version_id: str) -> tuple[str, str]:
    """Copy `version_id` over `key`; returns (previous current id, new current id)."""
    wanted = next((v for v in versions if v.version_id == version_id), None)
    if wanted is None:
        raise BackendError(
            f"unknown version id {version_id!r} for s3://{b.bucket}/{key}; expected one of the "
            f"{len(versions)} versions listed by `history`"
        )
    if wanted.delete_marker:
        raise BackendError(
            f"version {version_id!r} of s3://{b.bucket}/{key} is a delete marker, not a state file"
        )
    current = next((v for v in versions if v.current), None)
    # A copy (not a delete of newer versions) keeps the replaced state, so a restore can be undone.
    response = b.s3.copy_object(
        Bucket=b.bucket,
        Key=key,
        CopySource={"Bucket": b.bucket, "Key": key, "VersionId": version_id},
    )
    return (current.version_id if current else ""), response.get("VersionId", "")


# --------------------------------------------------------------------------------------
# Rendering


def render(value: Any) -> str:
    if value is None:
        return "missing"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    return str(value)


def print_status(target: Target, checks: list[Check], fmt: str, out: TextIO) -> None:
    drift = [c for c in checks if not c.ok]
    if fmt == "json":
        payload = {
            "bucket": target.bucket,
            "region": target.region,
            "kms_alias": target.kms_alias,
            "ok": not drift,
            "settings": [
                {"name": c.name, "ok": c.ok, "found": c.found, "expected": c.expected} for c in checks
            ],
        }
        print(json.dumps(payload, indent=2), file=out)
        return
    print(f"s3://{target.bucket} ({target.region}), KMS {target.kms_alias}", file=out)
    for c in checks:
        if c.ok:
            print(f"  ok     {c.name:<22}{render(c.found)}", file=out)
        else:
            print(f"  DRIFT  {c.name:<22}found {render(c.found)}, expected {render(c.expected)}", file=out)
    if drift:
        print(f"drift in {len(drift)} setting(s): {', '.join(c.name for c in drift)}", file=out)
    else:
        print("all settings as expected", file=out)


def print_history(b: Backend, key: str, versions: list[Version], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        payload = {"bucket": b.bucket, "key": key, "versions": [v.as_json() for v in versions]}
        print(json.dumps(payload, indent=2), file=out)
        return
    print(f"s3://{b.bucket}/{key}: {len(versions)} version(s), newest first", file=out)
    print(f"  {'VERSION ID':<40}{'LAST MODIFIED':<27}{'SIZE':>10}", file=out)
    for v in versions:
        mark = "  (delete marker)" if v.delete_marker else ""
        mark += "  current" if v.current else ""
        stamp = v.last_modified.isoformat(timespec="seconds")
        print(f"  {v.version_id:<40}{stamp:<27}{v.size:>10}{mark}", file=out)


# --------------------------------------------------------------------------------------
# Errors: every failure becomes one line naming what was found and what was expected.


def explain(exc: BaseException, target: Target) -> str:
    if isinstance(exc, BackendError):
        message = str(exc)
    elif isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        message = (
            f"no AWS credentials found ({exc}); expected credentials for the account that owns "
            f"bucket {target.bucket!r}: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        )
    elif isinstance(exc, EndpointConnectionError):
        message = f"cannot reach the AWS endpoint ({exc}); check --endpoint-url and --region {target.region}"
    elif isinstance(exc, NoRegionError):
        message = "no AWS region: pass --region"
    elif isinstance(exc, ClientError):
        message = explain_client_error(exc, target)
    elif isinstance(exc, BotoCoreError):
        message = f"AWS client error: {exc}"
    else:
        message = f"{type(exc).__name__}: {exc}"
    return " ".join(message.split())  # one line, whatever the service put in its message


def explain_client_error(exc: ClientError, target: Target) -> str:
    code = error_code(exc)
    detail = exc.response.get("Error", {}).get("Message", "") or code
    operation = exc.operation_name
    resource = f"KMS key {target.kms_alias!r}" if is_kms_operation(operation) else f"bucket {target.bucket!r}"
    if code in ACCESS_DENIED_CODES:
        return (
            f"access denied: {operation} on {resource} was refused for these credentials ({detail}); "
            "expected permission to call it"
        )
    if code in BAD_CREDENTIAL_CODES:
        return (
            f"AWS rejected the credentials ({code}: {detail}); "
            f"expected valid credentials for bucket {target.bucket!r}"
        )
    if code == "BucketAlreadyExists":
        return (
            f"bucket name {target.bucket!r} is already taken by another AWS account; "
            "choose another --bucket name"
        )
    if code == "NoSuchBucket":
        return f"bucket {target.bucket!r} does not exist in {target.region}; run `bootstrap` first"
    if code in WRONG_REGION_CODES:
        found = region_header(exc.response) or "another region"
        return (
            f"bucket {target.bucket!r} is in {found}, expected {target.region}: "
            "rerun with the bucket's --region"
        )
    return f"{operation} on {resource} failed: {code}: {detail}"


def is_kms_operation(operation: str) -> bool:
    return operation in {
        "DescribeKey",
        "CreateKey",
        "CreateAlias",
        "EnableKey",
        "CancelKeyDeletion",
        "GetKeyRotationStatus",
        "EnableKeyRotation",
    }


# --------------------------------------------------------------------------------------
# CLI


def bucket_name(value: str) -> str:
    if not BUCKET_NAME.match(value) or ".." in value:
        raise argparse.ArgumentTypeError(f"{value!r} is not a valid S3 bucket name")
    return value


def kms_alias(value: str) -> str:
    if not value.startswith("alias/") or value.startswith("alias/aws/") or len(value) <= len("alias/"):
        raise argparse.ArgumentTypeError(f"{value!r}: expected alias/NAME (alias/aws/* is reserved by AWS)")
    return value


def positive_days(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: expected a whole number of days, at least 1")
    return int(value)


def stack_name(value: str) -> str:
    # organization/project/stack and project/stack are accepted; the stack part is checked.
    parts = value.split("/")
    if len(parts) > 3 or not all(STACK_NAME.match(p) and p not in (".", "..") for p in parts):
        raise argparse.ArgumentTypeError(f"{value!r} is not a valid stack name")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools.backend", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--bucket", required=True, type=bucket_name)
    where.add_argument("--region", required=True)
    where.add_argument("--endpoint-url", help="S3/KMS endpoint for MinIO, LocalStack or moto")

    settings = argparse.ArgumentParser(add_help=False)
    settings.add_argument("--kms-alias", default=DEFAULT_KMS_ALIAS, type=kms_alias)
    settings.add_argument("--noncurrent-days", default=DEFAULT_NONCURRENT_DAYS, type=positive_days)

    state = argparse.ArgumentParser(add_help=False)
    state.add_argument("stack", type=stack_name)
    state.add_argument("--project", default=DEFAULT_PROJECT, type=stack_name)

    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument("--format", choices=("text", "json"), default="text")

    boot = commands.add_parser("bootstrap", parents=[where, settings], help="create or verify bucket and key")
    boot.add_argument("--stack", type=stack_name, help="stack name for the printed `pulumi stack init` line")
    commands.add_parser("status", parents=[where, settings, fmt], help="report settings and drift")
    commands.add_parser("history", parents=[where, state, fmt], help="list a stack's stored state versions")
    restore_cmd = commands.add_parser("restore", parents=[where, state], help="make an old version current")
    restore_cmd.add_argument("--version-id", required=True)
    return parser


def target_from(args: argparse.Namespace) -> Target:
    return Target(
        bucket=args.bucket,
        region=args.region,
        kms_alias=getattr(args, "kms_alias", DEFAULT_KMS_ALIAS),
        endpoint_url=args.endpoint_url,
    )


def desired_from(args: argparse.Namespace) -> Desired:
    return Desired(noncurrent_days=getattr(args, "noncurrent_days", DEFAULT_NONCURRENT_DAYS))


def split_stack(args: argparse.Namespace) -> tuple[str, str]:
    """`org/project/stack` or `project/stack` name their project; a bare stack uses --project."""
    parts = args.stack.split("/")
    project = parts[-2] if len(parts) > 1 else args.project
    return parts[-1], project


def run_bootstrap(args: argparse.Namespace, b: Backend, out: TextIO) -> int:
    print(f"bootstrap s3://{b.bucket} ({b.target.region}), KMS {b.target.kms_alias}", file=out)
    checks = bootstrap(b, out)
    print("use this backend with:", file=out)
    for line in pulumi_lines(b.target, args.stack):
        print(f"  {line}", file=out)
    changed = [c.name for c in checks if c.result != "ok"]
    print(f"changed: {', '.join(changed)}" if changed else "no changes", file=out)
    return EXIT_OK


def run_status(args: argparse.Namespace, b: Backend, out: TextIO) -> int:
    checks = status(b)
    print_status(b.target, checks, args.format, out)
    return EXIT_OK if all(c.ok for c in checks) else EXIT_DRIFT


def run_history(args: argparse.Namespace, b: Backend, out: TextIO) -> int:
    stack, project = split_stack(args)
    key, versions = find_state(b, stack, project)
    print_history(b, key, versions, args.format, out)
    return EXIT_OK


def run_restore(args: argparse.Namespace, b: Backend, out: TextIO) -> int:
    stack, project = split_stack(args)
    key, versions = find_state(b, stack, project)
    current = next((v for v in versions if v.current), None)
    if current is not None and current.version_id == args.version_id:
        print(f"s3://{b.bucket}/{key}: version {args.version_id} is already current; nothing to do", file=out)
        return EXIT_OK
    previous, new = restore(b, key, versions, args.version_id)
    print(f"restored s3://{b.bucket}/{key} from version {args.version_id}", file=out)
    print(f"  new current version: {new}", file=out)
    undo = f"restore {args.stack} --version-id {previous}"
    print(f"  previous current {previous} is kept; undo with: {undo}", file=out)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Backend, TextIO], int]] = {
    "bootstrap": run_bootstrap,
    "status": run_status,
    "history": run_history,
    "restore": run_restore,
}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)  # usage errors exit 2 here
    target = target_from(args)
    try:
        backend = open_backend(target, desired_from(args))
        return COMMANDS[args.command](args, backend, out)
    except (BackendError, BotoCoreError, ClientError) as exc:
        print(f"error: {explain(exc, target)}", file=err)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
