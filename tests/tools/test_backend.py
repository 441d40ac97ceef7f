"""tools.backend against moto's standalone server: real HTTP through boto3, no in-process mock.

The bucket itself is the bootstrap stack's (bootstrap/); these tests make one with boto3 as the
stack would leave it (versioned), then judge what the tool reads and writes of the state in it:
status (each stack's checkpoint, versions and lock), history, restore. Known moto gaps:
- moto lets any account head any bucket and ignores ExpectedBucketOwner, so the HeadBucket
  403 of a foreign bucket is produced with botocore's Stubber.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from tests.moto_server import aws_client, iam_enforced, moto_endpoint  # noqa: F401  (fixture)
from tools.backend import main
from tools.backend.bucket import read_bucket
from tools.backend.clients import Backend, Target, open_backend
from tools.backend.errors import BackendError, explain
from tools.backend.history import Version, list_versions
from tools.backend.state import status
from vital import diy
from vital.names import TIERS
from vital.trust import BOOTSTRAP_STACK

REPO = Path(__file__).resolve().parents[2]
REGION = "eu-west-1"


@dataclass(frozen=True)
class Site:
    endpoint: str
    bucket: str
    region: str = REGION

    def args(self, *extra: str) -> list[str]:
        return ["--bucket", self.bucket, "--region", self.region, "--endpoint-url", self.endpoint, *extra]

    def target(self) -> Target:
        return Target(self.bucket, self.region, self.endpoint)

    def client(self, service: str, **credentials: Any) -> Any:
        return aws_client(self.endpoint, service, self.region, **credentials)


def new_site(endpoint: str, region: str = REGION) -> Site:
    return Site(endpoint, f"state-{uuid.uuid4().hex[:10]}", region)


def versioned_bucket(site: Site) -> Site:
    """The bucket as the bootstrap stack leaves it, for what matters here: it exists, versioned."""
    s3 = site.client("s3")
    s3.create_bucket(Bucket=site.bucket, CreateBucketConfiguration={"LocationConstraint": site.region})
    s3.put_bucket_versioning(Bucket=site.bucket, VersioningConfiguration={"Status": "Enabled"})
    return site


def run_cli(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools.backend", *argv],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )


def assert_one_error_line(stderr: str, *fragments: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


# --------------------------------------------------------------------------------------
# status: each stack's checkpoint, versions and lock


def put(site: Site, key: str, body: bytes = b"{}") -> str:
    return site.client("s3").put_object(Bucket=site.bucket, Key=key, Body=body)["VersionId"]


def test_status_reports_each_stacks_checkpoint_and_a_missing_one_as_a_finding(moto_endpoint: str, capsys) -> None:
    site = versioned_bucket(new_site(moto_endpoint))
    for stack in (*TIERS, BOOTSTRAP_STACK):
        for _ in range(2 if stack == "production" else 1):
            put(site, diy.checkpoint_key(stack))
    assert main(["status", *site.args()]) == 0
    out = capsys.readouterr().out
    assert ".pulumi/stacks/vital-expert-infra/production.json, 2 version(s), last write" in out
    assert ".pulumi/stacks/vital-expert-infra-bootstrap/bootstrap.json, 1 version(s)" in out
    assert out.rstrip().endswith("no findings")

    site.client("s3").delete_object(Bucket=site.bucket, Key=diy.checkpoint_key("preview"))
    assert main(["status", *site.args("--format", "json")]) == 1
    report = json.loads(capsys.readouterr().out)
    (preview,) = [s for s in report["stacks"] if s["stack"] == "preview"]
    assert report["ok"] is False and preview["exists"] is False and preview["versions"] == 1
    assert preview["findings"] == [
        "stack preview: its checkpoint .pulumi/stacks/vital-expert-infra/preview.json was deleted (a delete marker is "
        "current); `python -m tools.backend restore vital-expert-infra/preview --version-id ID` brings one back"]


def test_a_stale_lock_is_a_finding_and_a_fresh_one_is_not(moto_endpoint: str) -> None:
    site = versioned_bucket(new_site(moto_endpoint))
    for stack in (*TIERS, BOOTSTRAP_STACK):
        put(site, diy.checkpoint_key(stack))
    lock = f"{diy.lock_prefix('production')}0f1e2d3c.json"
    put(site, lock)
    b = open_backend(site.target())
    written = {s.stack: s for s in status(b, (*TIERS, BOOTSTRAP_STACK), datetime.now(timezone.utc), timedelta(hours=1))}
    assert [lk.key for lk in written["production"].locks] == [lock] and written["production"].findings(timedelta(hours=1)) == []
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    (state,) = status(b, ("production",), later, timedelta(hours=1))
    assert state.findings(timedelta(hours=1)) == [
        f"stack production: lock {lock} is older than 60 minutes: a stopped `pulumi up` left it "
        "(docs/locks.md: `pulumi cancel --stack production`)"]


def test_status_of_an_empty_bucket_names_every_stack_not_created_yet(moto_endpoint: str, capsys) -> None:
    site = versioned_bucket(new_site(moto_endpoint))
    assert main(["status", *site.args()]) == 1
    out = capsys.readouterr().out
    assert out.count("not created yet") == len(TIERS) + 1 and out.rstrip().endswith("4 finding(s)")


def test_status_of_a_missing_bucket_is_one_line_pointing_at_the_bootstrap_stack(moto_endpoint: str, capsys) -> None:
    site = new_site(moto_endpoint)
    assert main(["status", *site.args()]) == 2
    assert_one_error_line(capsys.readouterr().err, f"bucket {site.bucket!r} does not exist", "make bootstrap")


def test_settings_prints_what_goes_in_github_from_the_bootstrap_outputs(tmp_path, capsys) -> None:
    from tests.bootstrap.support import doc

    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(doc()["outputs"]))
    assert main(["settings", "--outputs", str(outputs)]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()[1:]]
    assert "repository variable AWS_PLAN_ROLE_ARN=arn:aws:iam::123456789012:role/vital-expert-infra-plan" in lines
    assert "environment production: variable AWS_DEPLOY_ROLE_ARN=arn:aws:iam::123456789012:role/vital-expert-infra-deploy-production" in lines
    assert 'pulumi stack init preview --secrets-provider "awskms://alias/pulumi-state-preview?region=eu-central-1"' in lines


@pytest.mark.parametrize("argv, fragment", [
    (["bootstrap", "--bucket", "b", "--region", REGION], "`bootstrap` is retired: the bucket, its keys and the CI's identities are the bootstrap stack's"),
    (["status", "--bucket", "okay-bucket", "--region", REGION, "--github-repo", "acme/infra"], "--github-repo is retired"),
    (["status", "--bucket", "okay-bucket", "--region", REGION, "--noncurrent-days", "90"], "--noncurrent-days is retired"),
])
def test_retired_commands_and_flags_say_what_replaced_them(argv, fragment, capsys) -> None:
    assert main(argv) == 2
    assert_one_error_line(capsys.readouterr().err, fragment, "docs/bootstrap.md")


# --------------------------------------------------------------------------------------
# history and restore


@pytest.fixture(scope="module")
def state_bucket(moto_endpoint: str) -> Site:
    """One versioned bucket for all state tests; each test writes its own stack."""
    return versioned_bucket(new_site(moto_endpoint))


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
    ids = [put(state_bucket, key, json.dumps({"serial": n}).encode()) for n in (1, 2, 3)]
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


def test_region_mismatch_is_one_line_naming_both_regions(moto_endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    site = new_site(moto_endpoint, region="us-east-1")
    aws_client(moto_endpoint, "s3", "us-west-2").create_bucket(
        Bucket=site.bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    assert main(["status", *site.args()]) == 2
    assert_one_error_line(capsys.readouterr().err, site.bucket, "in region us-west-2, expected us-east-1")


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


def test_foreign_bucket_head_403_is_one_clear_line() -> None:
    # Built by hand: moto lets every account head every bucket.
    b = open_backend(Target("someone-elses", "eu-west-1", endpoint_url="http://127.0.0.1:9"))
    with Stubber(b.sts) as sts, Stubber(b.s3) as s3:
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


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "--bucket", "Not_A_Bucket", "--region", "eu-west-1"],
        ["status", "--bucket", "ok-bucket", "--region", "eu-west-1", "--stale-after-minutes", "0"],
        ["restore", "dev", "--bucket", "ok-bucket", "--region", "eu-west-1"],
        ["history", "../etc", "--bucket", "ok-bucket", "--region", "eu-west-1"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
