"""tools.backend against moto's standalone server: real HTTP through boto3, no in-process mock.

Known moto gaps these tests work around (each is noted where it matters):
- moto ignores the `Bool aws:SecureTransport` condition, so it treats the TLS-only Deny as
  unconditional for object reads and writes; state-object tests drop that policy first.
- moto lets any account head any bucket and ignores ExpectedBucketOwner, so the HeadBucket
  403 of a foreign bucket is produced with botocore's Stubber.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from tests.moto_server import aws_client, iam_enforced, moto_endpoint  # noqa: F401  (fixture)
from tools.backend import main
from tools.backend.bucket import LIFECYCLE_RULE_ID, TLS_STATEMENT_SID, create_bucket, read_bucket
from tools.backend.checks import Check, bootstrap, status
from tools.backend.clients import Backend, Target, open_backend
from tools.backend.errors import BackendError, explain
from tools.backend.history import Version, list_versions
from tools.backend.output import pulumi_lines
from tools.backend.settings import SETTINGS
from vital.names import TIERS

REPO = Path(__file__).resolve().parents[2]
REGION = "eu-west-1"
# Without --github-repo the CI identity rows do not apply (tests/tools/test_backend_identity.py).
BUCKET_SETTINGS = tuple(s for s in SETTINGS if not s.identity)


@dataclass(frozen=True)
class Site:
    endpoint: str
    bucket: str
    alias: str
    region: str = REGION

    def args(self, *extra: str) -> list[str]:
        return ["--bucket", self.bucket, "--region", self.region, "--endpoint-url", self.endpoint, *extra]

    def with_alias(self, *extra: str) -> list[str]:
        return self.args("--kms-alias", self.alias, *extra)

    def target(self) -> Target:
        return Target(self.bucket, self.region, self.alias, self.endpoint)

    def client(self, service: str, **credentials: Any) -> Any:
        return aws_client(self.endpoint, service, self.region, **credentials)


def new_site(endpoint: str, region: str = REGION) -> Site:
    token = uuid.uuid4().hex[:10]
    return Site(endpoint, f"state-{token}", f"alias/state-{token}", region)


def bootstrap_quietly(site: Site) -> list[Check]:
    return bootstrap(open_backend(site.target()), io.StringIO())


def run_cli(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools.backend", *argv],
        cwd=REPO,
        env=env if env is not None else dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard, not an assertion
    )


def assert_one_error_line(stderr: str, *fragments: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in lines[0]


def setting_lines(output: str) -> dict[str, str]:
    """`  name   result` lines of bootstrap output, as {name: result}."""
    names = {s.name for s in BUCKET_SETTINGS}
    pairs = (line.split() for line in output.splitlines())
    return {p[0]: p[1] for p in pairs if len(p) == 2 and p[0] in names}


def snapshot(site: Site) -> dict[str, Any]:
    """Everything bootstrap manages, read straight from the server."""
    s3, kms = site.client("s3"), site.client("kms")
    key_arn = kms.describe_key(KeyId=site.alias)["KeyMetadata"]["Arn"]
    return {
        "location": s3.get_bucket_location(Bucket=site.bucket)["LocationConstraint"],
        "versioning": s3.get_bucket_versioning(Bucket=site.bucket).get("Status"),
        "encryption": s3.get_bucket_encryption(Bucket=site.bucket)["ServerSideEncryptionConfiguration"],
        "public_access": s3.get_public_access_block(Bucket=site.bucket)["PublicAccessBlockConfiguration"],
        "policy": json.loads(s3.get_bucket_policy(Bucket=site.bucket)["Policy"]),
        "lifecycle": s3.get_bucket_lifecycle_configuration(Bucket=site.bucket)["Rules"],
        "key_arn": key_arn,
        "rotation": kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"],
        "key_count": len(kms.list_keys()["Keys"]),
        "stack_keys": {stack: kms.describe_key(KeyId=f"{site.alias}-{stack}")["KeyMetadata"]["Arn"] for stack in TIERS},
    }


# --------------------------------------------------------------------------------------
# bootstrap


@pytest.fixture(scope="module")
def cli_bootstrapped(moto_endpoint: str) -> tuple[Site, subprocess.CompletedProcess[str]]:
    site = new_site(moto_endpoint)
    return site, run_cli("bootstrap", *site.with_alias("--stack", "dev"))


def test_bootstrap_cli_creates_every_setting(cli_bootstrapped: tuple[Site, Any]) -> None:
    site, proc = cli_bootstrapped
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert setting_lines(proc.stdout) == {s.name: "created" for s in BUCKET_SETTINGS}
    assert proc.stdout.strip().splitlines()[-1].startswith("changed: ")

    state = snapshot(site)
    assert state["location"] == REGION
    assert state["versioning"] == "Enabled"
    assert state["encryption"]["Rules"] == [
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": state["key_arn"]},
            "BucketKeyEnabled": True,
        }
    ]
    assert state["public_access"] == dict.fromkeys(
        ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"], True
    )
    [statement] = state["policy"]["Statement"]
    assert (statement["Effect"], statement["Principal"], statement["Action"]) == ("Deny", "*", "s3:*")
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert sorted(statement["Resource"]) == [f"arn:aws:s3:::{site.bucket}", f"arn:aws:s3:::{site.bucket}/*"]
    [rule] = state["lifecycle"]
    assert rule["Status"] == "Enabled"
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 90}
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert state["rotation"] is True


def test_bootstrap_prints_login_and_secrets_lines(cli_bootstrapped: tuple[Site, Any]) -> None:
    site, proc = cli_bootstrapped
    assert (
        f"pulumi login 's3://{site.bucket}?region={REGION}&endpoint={site.endpoint}&s3ForcePathStyle=true'"
        in proc.stdout
    )
    assert (
        f'pulumi stack init dev --secrets-provider "awskms://{site.alias}?region={REGION}&endpoint={site.endpoint}"'
        in proc.stdout
    )


def test_login_lines_without_endpoint_are_plain_aws() -> None:
    target = Target("my-state", "eu-central-1", "alias/pulumi-state")
    # Each tier's stack is sealed with its own key; without --stack, one line per tier.
    assert pulumi_lines(target, None) == [
        "pulumi login 's3://my-state?region=eu-central-1'",
        'pulumi stack init production --secrets-provider "awskms://alias/pulumi-state-production?region=eu-central-1"',
        'pulumi stack init pre-production --secrets-provider "awskms://alias/pulumi-state-pre-production?region=eu-central-1"',
        'pulumi stack init preview --secrets-provider "awskms://alias/pulumi-state-preview?region=eu-central-1"',
    ]
    assert pulumi_lines(target, "preview")[1:] == [
        'pulumi stack init preview --secrets-provider "awskms://alias/pulumi-state-preview?region=eu-central-1"']


def test_second_bootstrap_says_no_changes_and_changes_nothing(
    cli_bootstrapped: tuple[Site, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    site, _ = cli_bootstrapped
    before = snapshot(site)
    assert main(["bootstrap", *site.with_alias()]) == 0
    out = capsys.readouterr().out
    assert setting_lines(out) == {s.name: "ok" for s in BUCKET_SETTINGS}
    assert out.strip().splitlines()[-1] == "no changes"
    assert snapshot(site) == before


def test_bootstrap_keeps_foreign_policy_statements_and_lifecycle_rules(moto_endpoint: str) -> None:
    site = new_site(moto_endpoint)
    s3 = site.client("s3")
    s3.create_bucket(Bucket=site.bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    audit = {
        "Sid": "AllowAuditRead",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "s3:GetBucketLocation",
        "Resource": f"arn:aws:s3:::{site.bucket}",
    }
    s3.put_bucket_policy(Bucket=site.bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [audit]}))
    logs_rule = {"ID": "expire-logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 30}}
    s3.put_bucket_lifecycle_configuration(Bucket=site.bucket, LifecycleConfiguration={"Rules": [logs_rule]})

    results = {c.name: c.result for c in bootstrap_quietly(site)}

    assert results["bucket"] == "ok"
    sids = {s["Sid"] for s in json.loads(s3.get_bucket_policy(Bucket=site.bucket)["Policy"])["Statement"]}
    assert sids == {"AllowAuditRead", TLS_STATEMENT_SID}
    rule_ids = {r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket=site.bucket)["Rules"]}
    assert rule_ids == {"expire-logs", LIFECYCLE_RULE_ID}


# --------------------------------------------------------------------------------------
# status


@pytest.fixture
def fresh(moto_endpoint: str) -> Site:
    site = new_site(moto_endpoint)
    bootstrap_quietly(site)
    return site


def test_status_clean(cli_bootstrapped: tuple[Site, Any], capsys: pytest.CaptureFixture[str]) -> None:
    site, _ = cli_bootstrapped
    assert main(["status", *site.with_alias()]) == 0
    out = capsys.readouterr().out
    assert "DRIFT" not in out
    assert out.strip().splitlines()[-1] == "all settings as expected"

    assert main(["status", *site.with_alias("--format", "json")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert [s["name"] for s in report["settings"]] == [s.name for s in BUCKET_SETTINGS]


def test_status_cli_names_drift_then_bootstrap_repairs_it(fresh: Site, capsys: pytest.CaptureFixture[str]) -> None:
    s3 = fresh.client("s3")
    s3.put_bucket_versioning(Bucket=fresh.bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.delete_public_access_block(Bucket=fresh.bucket)

    proc = run_cli("status", *fresh.with_alias())

    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    drift = [line.split(None, 2) for line in proc.stdout.splitlines() if line.strip().startswith("DRIFT")]
    assert {name for _, name, _ in drift} == {"versioning", "public-access-block"}
    details = {name: detail for _, name, detail in drift}
    assert details["versioning"] == "found Suspended, expected Enabled"
    assert details["public-access-block"].startswith("found missing, expected {BlockPublicAcls=True")

    results = {c.name: c.result for c in bootstrap_quietly(fresh)}
    assert results["versioning"] == "updated"
    assert results["public-access-block"] == "created"
    assert main(["status", *fresh.with_alias()]) == 0
    capsys.readouterr()


def test_status_drift_in_rotation_and_lifecycle_days(fresh: Site, capsys: pytest.CaptureFixture[str]) -> None:
    kms = fresh.client("kms")
    kms.disable_key_rotation(KeyId=kms.describe_key(KeyId=fresh.alias)["KeyMetadata"]["KeyId"])

    assert main(["status", *fresh.with_alias("--noncurrent-days", "30", "--format", "json")]) == 1
    drifted = {s["name"]: s for s in json.loads(capsys.readouterr().out)["settings"] if not s["ok"]}

    assert set(drifted) == {"kms-key-rotation", "lifecycle"}
    assert (drifted["kms-key-rotation"]["found"], drifted["kms-key-rotation"]["expected"]) == (False, True)
    assert drifted["lifecycle"]["found"]["NoncurrentDays"] == 90
    assert drifted["lifecycle"]["expected"]["NoncurrentDays"] == 30


def test_disabled_key_is_drift_and_bootstrap_enables_it(fresh: Site, capsys: pytest.CaptureFixture[str]) -> None:
    kms = fresh.client("kms")
    kms.disable_key(KeyId=kms.describe_key(KeyId=fresh.alias)["KeyMetadata"]["KeyId"])

    assert main(["status", *fresh.with_alias()]) == 1
    assert re.search(r"DRIFT  kms-key +found Disabled, expected Enabled\n", capsys.readouterr().out)

    results = {c.name: c.result for c in bootstrap_quietly(fresh)}
    assert results["kms-key"] == "updated"
    assert kms.describe_key(KeyId=fresh.alias)["KeyMetadata"]["KeyState"] == "Enabled"


def test_bootstrap_makes_one_key_per_stack_apart_from_the_buckets(cli_bootstrapped: tuple[Site, Any]) -> None:
    site, proc = cli_bootstrapped
    kms = site.client("kms")
    state = snapshot(site)
    stack_keys = state["stack_keys"]
    # Four different keys: the bucket's, and one per stack under <alias>-<stack>.
    assert len({state["key_arn"], *stack_keys.values()}) == 1 + len(TIERS)
    for stack, arn in stack_keys.items():
        meta = kms.describe_key(KeyId=arn)["KeyMetadata"]
        assert meta["KeyState"] == "Enabled" and f"stack {stack} " in meta["Description"]
        assert kms.get_key_rotation_status(KeyId=arn)["KeyRotationEnabled"] is True
        assert setting_lines(proc.stdout)[f"kms-key:{stack}"] == "created"
        assert setting_lines(proc.stdout)[f"kms-key-rotation:{stack}"] == "created"


def test_a_stack_key_lost_disabled_or_deleting_is_drift_and_bootstrap_repairs_it(
    fresh: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    kms = fresh.client("kms")
    key_id = {stack: kms.describe_key(KeyId=f"{fresh.alias}-{stack}")["KeyMetadata"]["KeyId"] for stack in TIERS}
    kms.delete_alias(AliasName=f"{fresh.alias}-production")
    kms.disable_key(KeyId=key_id["preview"])  # moto's DisableKey takes no alias
    pre = key_id["pre-production"]
    kms.schedule_key_deletion(KeyId=pre, PendingWindowInDays=7)

    assert main(["status", *fresh.with_alias("--format", "json")]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["stack_kms_aliases"] == {stack: f"{fresh.alias}-{stack}" for stack in TIERS}
    drifted = {s["name"]: s["found"] for s in report["settings"] if not s["ok"]}
    assert drifted == {
        "kms-key:production": None, "kms-key-rotation:production": None,  # no alias, no key to ask
        "kms-key:pre-production": "PendingDeletion", "kms-key:preview": "Disabled",
    }

    results = {c.name: c.result for c in bootstrap_quietly(fresh)}
    assert (results["kms-key:production"], results["kms-key:preview"], results["kms-key:pre-production"]) == (
        "created", "updated", "updated")
    assert kms.describe_key(KeyId=pre)["KeyMetadata"]["KeyState"] == "Enabled"  # the deletion is undone
    assert all(c.ok for c in status(open_backend(fresh.target())))


def test_two_stacks_on_one_key_is_drift_and_bootstrap_refuses_it(fresh: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """An alias pointed at another stack's key would merge what the roles may read."""
    kms = fresh.client("kms")
    production = kms.describe_key(KeyId=f"{fresh.alias}-production")["KeyMetadata"]["KeyId"]
    kms.update_alias(AliasName=f"{fresh.alias}-preview", TargetKeyId=production)

    assert main(["status", *fresh.with_alias("--format", "json")]) == 1
    drifted = {s["name"]: s["found"] for s in json.loads(capsys.readouterr().out)["settings"] if not s["ok"]}
    assert drifted == {"kms-key:production": f"Enabled, the key of {fresh.alias}-preview too",
                       "kms-key:preview": f"Enabled, the key of {fresh.alias}-production too"}
    assert main(["bootstrap", *fresh.with_alias()]) == 2
    assert_one_error_line(capsys.readouterr().err, f"{fresh.alias}-production names the key of {fresh.alias}-preview too")


def test_bootstrap_in_us_east_1_needs_no_location_constraint(moto_endpoint: str) -> None:
    site = new_site(moto_endpoint, region="us-east-1")
    bootstrap_quietly(site)
    assert site.client("s3").get_bucket_location(Bucket=site.bucket)["LocationConstraint"] is None
    assert all(c.ok for c in status(open_backend(site.target())))


def test_status_of_nothing_reports_everything_missing(moto_endpoint: str) -> None:
    site = new_site(moto_endpoint)
    checks = status(open_backend(site.target()))
    assert [c.found for c in checks] == [None] * len(BUCKET_SETTINGS)
    encryption = next(c for c in checks if c.name == "encryption")
    assert encryption.expected["KMSMasterKeyID"] == site.alias  # names the key it wants


# --------------------------------------------------------------------------------------
# history and restore


@pytest.fixture(scope="module")
def state_bucket(moto_endpoint: str) -> Site:
    """One bootstrapped bucket for all state tests; each test writes its own stack."""
    site = new_site(moto_endpoint)
    bootstrap_quietly(site)
    # moto ignores the aws:SecureTransport condition and would deny the plain-HTTP object
    # calls below outright; on AWS (HTTPS only) the policy lets them through.
    site.client("s3").delete_bucket_policy(Bucket=site.bucket)
    return site


@dataclass(frozen=True)
class Stack:
    site: Site
    name: str
    key: str
    ids: list[str]  # oldest first


@pytest.fixture
def stack(state_bucket: Site) -> Stack:
    """A stack whose state file has three versions, serials 1, 2, 3."""
    name = f"dev-{uuid.uuid4().hex[:6]}"
    key = f".pulumi/stacks/vital-expert-infra/{name}.json"
    s3 = state_bucket.client("s3")
    ids = [
        s3.put_object(Bucket=state_bucket.bucket, Key=key, Body=json.dumps({"serial": n}).encode())["VersionId"]
        for n in (1, 2, 3)
    ]
    return Stack(state_bucket, name, key, ids)


def current_state(stack: Stack) -> dict[str, Any]:
    body = stack.site.client("s3").get_object(Bucket=stack.site.bucket, Key=stack.key)["Body"].read()
    return json.loads(body)


@pytest.fixture(scope="module")
def state_backend(state_bucket: Site) -> Backend:
    return open_backend(state_bucket.target())


def versions_of(b: Backend, stack: Stack) -> list[Version]:
    return list_versions(b, stack.key)


def history_json(site: Site, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    assert main(["history", *extra, *site.args("--format", "json")]) == 0
    return json.loads(capsys.readouterr().out)


def test_history_lists_versions_newest_first(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    site, ids = stack.site, stack.ids
    assert main(["history", stack.name, *site.args()]) == 0
    out = capsys.readouterr().out
    assert f"s3://{site.bucket}/{stack.key}: 3 version(s)" in out
    rows = [line.split() for line in out.splitlines() if line.split() and line.split()[0] in ids]
    assert [row[0] for row in rows] == ids[::-1]
    assert rows[0][-1] == "current"
    assert [len(row) for row in rows] == [4, 3, 3]  # only the newest carries the marker

    report = history_json(site, capsys, stack.name)
    assert report["key"] == stack.key
    assert [(v["version_id"], v["current"]) for v in report["versions"]] == [
        (ids[2], True),
        (ids[1], False),
        (ids[0], False),
    ]
    assert all(v["size"] == len(json.dumps({"serial": 1})) for v in report["versions"])
    assert all(v["last_modified"] for v in report["versions"])


def test_history_finds_legacy_and_other_project_layouts(
    state_bucket: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site = state_bucket
    s3 = site.client("s3")
    s3.put_object(Bucket=site.bucket, Key=".pulumi/stacks/legacy.json", Body=b"{}")
    s3.put_object(Bucket=site.bucket, Key=".pulumi/stacks/other-infra/prod.json", Body=b"{}")

    assert history_json(site, capsys, "legacy")["key"] == ".pulumi/stacks/legacy.json"
    assert history_json(site, capsys, "prod", "--project", "other-infra")["key"] == ".pulumi/stacks/other-infra/prod.json"
    assert history_json(site, capsys, "organization/other-infra/prod")["key"] == ".pulumi/stacks/other-infra/prod.json"

    assert main(["history", "prod", *site.args()]) == 2
    assert_one_error_line(capsys.readouterr().err, "no state for stack 'prod'", site.bucket)


def test_restore_makes_old_version_current_and_can_be_undone(
    stack: Stack, state_backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    first, _, third = stack.ids

    assert main(["restore", stack.name, "--version-id", first, *stack.site.args()]) == 0
    assert f"previous current {third} is kept" in capsys.readouterr().out
    assert current_state(stack) == {"serial": 1}
    versions = versions_of(state_backend, stack)
    assert len(versions) == 4
    assert {v.version_id: v.current for v in versions}[third] is False  # kept, no longer current
    assert versions[0].current and versions[0].version_id not in stack.ids

    assert main(["restore", stack.name, "--version-id", third, *stack.site.args()]) == 0
    assert current_state(stack) == {"serial": 3}
    assert len(versions_of(state_backend, stack)) == 5


def test_restore_of_current_version_is_a_no_op(
    stack: Stack, state_backend: Backend, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["restore", stack.name, "--version-id", stack.ids[-1], *stack.site.args()]) == 0
    assert "already current" in capsys.readouterr().out
    assert len(versions_of(state_backend, stack)) == 3


def test_restore_unknown_version_is_one_line_exit_2(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["restore", stack.name, "--version-id", "no-such-version", *stack.site.args()]) == 2
    assert_one_error_line(capsys.readouterr().err, "unknown version id 'no-such-version'", stack.key, "3 versions")
    assert current_state(stack) == {"serial": 3}


# --------------------------------------------------------------------------------------
# errors: one line on stderr, exit 2, never a traceback


def test_cli_without_credentials(moto_endpoint: str) -> None:
    site = new_site(moto_endpoint)
    env = dict(os.environ, AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="")
    proc = run_cli("status", *site.args(), env=env)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert_one_error_line(proc.stderr, "no AWS credentials", site.bucket)


def test_region_mismatch_stops_before_creating_anything(
    moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    site = new_site(moto_endpoint, region="us-east-1")
    aws_client(moto_endpoint, "s3", "us-west-2").create_bucket(
        Bucket=site.bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    assert main(["bootstrap", *site.with_alias()]) == 2
    assert_one_error_line(capsys.readouterr().err, site.bucket, "in region us-west-2, expected us-east-1")
    aliases = {a["AliasName"] for a in site.client("kms").list_aliases()["Aliases"]}
    assert site.alias not in aliases


def test_access_denied_from_iam_policy(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = new_site(moto_endpoint)
    site.client("s3").create_bucket(Bucket=site.bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    iam = aws_client(moto_endpoint, "iam")
    user = f"reader-{uuid.uuid4().hex[:6]}"
    iam.create_user(UserName=user)
    # s3:HeadBucket is moto's name for HeadBucket's permission; on AWS it is s3:ListBucket.
    only_head = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:HeadBucket"], "Resource": "*"}]}
    iam.put_user_policy(UserName=user, PolicyName="head-only", PolicyDocument=json.dumps(only_head))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])

    with iam_enforced(moto_endpoint):
        rc = main(["status", *site.args()])

    assert rc == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_error_line(captured.err, "access denied:", site.bucket)


def test_bucket_name_taken_by_another_account(moto_endpoint: str) -> None:
    site = new_site(moto_endpoint)
    role = f"arn:aws:iam::111111111111:role/owner-{uuid.uuid4().hex[:6]}"
    creds = aws_client(moto_endpoint, "sts").assume_role(RoleArn=role, RoleSessionName="other-account")["Credentials"]
    other = site.client(
        "s3",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    other.create_bucket(Bucket=site.bucket, CreateBucketConfiguration={"LocationConstraint": REGION})

    # moto answers BucketAlreadyExists itself; HeadBucket would not stop us (see module doc).
    with pytest.raises(BackendError) as caught:
        create_bucket(open_backend(site.target()))
    assert f"bucket name {site.bucket!r} is already taken by another AWS account" in str(caught.value)


def test_foreign_bucket_head_403_is_one_clear_line() -> None:
    # Built by hand: moto lets every account head every bucket.
    b = open_backend(Target("someone-elses", "eu-west-1", endpoint_url="http://127.0.0.1:9"))
    with Stubber(b.clients.sts) as sts, Stubber(b.clients.s3) as s3:
        sts.add_response("get_caller_identity", {"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/me", "UserId": "me"})
        s3.add_client_error(
            "head_bucket",
            service_error_code="403",
            service_message="Forbidden",
            http_status_code=403,
            expected_params={"Bucket": "someone-elses", "ExpectedBucketOwner": "123456789012"},
        )
        with pytest.raises(BackendError) as caught:
            read_bucket(b)
    message = explain(caught.value, b.target)
    assert "someone-elses" in message and "owned by another account" in message
    assert "expected a bucket owned by 123456789012" in message


@pytest.mark.parametrize(
    ("code", "status", "fragment"),
    [
        ("AccessDenied", 403, "access denied: PutBucketPolicy on bucket 'vx-state'"),
        ("BucketAlreadyExists", 409, "already taken by another AWS account"),
        ("InvalidAccessKeyId", 403, "AWS rejected the credentials (InvalidAccessKeyId"),
        ("PermanentRedirect", 301, "is in us-west-2, expected eu-west-1"),
        ("NoSuchBucket", 404, "does not exist in eu-west-1"),
    ],
)
def test_error_mapping_of_hand_built_client_errors(code: str, status: int, fragment: str) -> None:
    error = ClientError(
        {
            "Error": {"Code": code, "Message": "multi\nline\nservice message"},
            "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {"x-amz-bucket-region": "us-west-2"}},
        },
        "PutBucketPolicy",
    )
    message = explain(error, Target("vx-state", "eu-west-1"))
    assert fragment in message
    assert "\n" not in message


def test_kms_access_denied_names_the_alias() -> None:
    error = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "CreateKey")
    message = explain(error, Target("vx-state", "eu-west-1", "alias/team-state"))
    assert message.startswith("access denied: CreateKey on KMS key 'alias/team-state'")


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "--bucket", "Not_A_Bucket", "--region", "eu-west-1"],
        ["bootstrap", "--bucket", "ok-bucket", "--region", "eu-west-1", "--kms-alias", "pulumi-state"],
        ["bootstrap", "--bucket", "ok-bucket", "--region", "eu-west-1", "--noncurrent-days", "0"],
        ["restore", "dev", "--bucket", "ok-bucket", "--region", "eu-west-1"],
        ["history", "../etc", "--bucket", "ok-bucket", "--region", "eu-west-1"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
