"""tools.backend's CI identities against moto's standalone server (IAM and STS over real HTTP):
bootstrap creates GitHub's OIDC provider, the plan role and one deploy role per environment,
re-checks them, repairs drift; the trust policies, read back from IAM, refuse every subject
but the ones meant (tests/tools/iam_trust.py evaluates them: moto's STS does not).

moto enforces a role's Action/Resource grants once auth is on (`iam_enforced`), but not
Condition blocks, so the s3:prefix condition on ListBucket is checked in the documents only.
"""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest

from tests.moto_server import aws_client, iam_enforced, moto_endpoint  # noqa: F401  (fixture)
from tests.tools.iam_trust import allows, github_token, string_like
from tools.backend import main
from tools.backend.checks import bootstrap, status
from tools.backend.clients import Target, open_backend
from tools.backend.identity import (
    AUD_KEY,
    GITHUB_OIDC_HOST,
    POLICY_NAME,
    SUB_KEY,
    deploy_policy,
    plan_policy,
    stack_paths,
)
from vital.names import PROJECT, TIERS, deploy_role_name, plan_role_name

REPO = "vital-expert/vital-expert-infra"
REGION = "eu-west-1"
PROVIDER = f"arn:aws:iam::123456789012:oidc-provider/{GITHUB_OIDC_HOST}"


def site_args(endpoint: str, bucket: str, *extra: str) -> list[str]:
    return ["--bucket", bucket, "--region", REGION, "--endpoint-url", endpoint, "--github-repo", REPO, *extra]


@pytest.fixture(scope="module")
def site(moto_endpoint: str) -> dict[str, Any]:
    bucket = f"state-{uuid.uuid4().hex[:10]}"
    out = io.StringIO()
    assert main(["bootstrap", *site_args(moto_endpoint, bucket)], out=out) == 0
    return {"endpoint": moto_endpoint, "bucket": bucket, "first": out.getvalue()}


def iam(site: dict[str, Any]) -> Any:
    return aws_client(site["endpoint"], "iam", REGION)


def trust_of(site: dict[str, Any], role: str) -> dict[str, Any]:
    return iam(site).get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]


def result_lines(text: str) -> dict[str, str]:
    pairs = (line.split() for line in text.splitlines())
    return {p[0]: p[1] for p in pairs if len(p) == 2 and p[1] in ("ok", "created", "updated")}


# --------------------------------------------------------------------------------------
# bootstrap and status


def test_first_bootstrap_creates_provider_and_every_role(site: dict[str, Any]) -> None:
    lines = result_lines(site["first"])
    identity_rows = ["oidc-provider", "plan-role", "plan-role:policy"]
    for env in TIERS:
        identity_rows += [f"deploy-role:{env}", f"deploy-role:{env}:policy"]
    assert {name: lines[name] for name in identity_rows} == dict.fromkeys(identity_rows, "created")
    provider = iam(site).get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER)
    assert provider["Url"] == GITHUB_OIDC_HOST and provider["ClientIDList"] == ["sts.amazonaws.com"]
    # The lines an operator copies into GitHub: the plan role on the repository, each deploy
    # role on its own environment.
    assert f"repository variable AWS_PLAN_ROLE_ARN=arn:aws:iam::123456789012:role/{plan_role_name()}" in site["first"]
    for env in TIERS:
        assert f"environment {env}: variable AWS_DEPLOY_ROLE_ARN=arn:aws:iam::123456789012:role/{deploy_role_name(env)}" in site["first"]


def test_second_bootstrap_changes_nothing_and_status_is_clean(site: dict[str, Any]) -> None:
    out = io.StringIO()
    assert main(["bootstrap", *site_args(site["endpoint"], site["bucket"])], out=out) == 0
    assert set(result_lines(out.getvalue()).values()) == {"ok"}
    assert out.getvalue().strip().splitlines()[-1] == "no changes"
    report = io.StringIO()
    assert main(["status", *site_args(site["endpoint"], site["bucket"], "--format", "json")], out=report) == 0
    names = [s["name"] for s in json.loads(report.getvalue())["settings"]]
    assert "oidc-provider" in names and "deploy-role:production:policy" in names


def test_status_names_identity_drift_and_bootstrap_repairs_it(site: dict[str, Any]) -> None:
    client = iam(site)
    role = plan_role_name()
    wider = trust_of(site, role)
    wider["Statement"][0]["Condition"] = {"StringLike": {SUB_KEY: f"repo:{REPO}:*"}}
    client.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(wider))
    admin = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    managed = client.create_policy(PolicyName=f"admin-{uuid.uuid4().hex[:6]}", PolicyDocument=admin)["Policy"]["Arn"]
    client.attach_role_policy(RoleName=role, PolicyArn=managed)
    client.put_role_policy(RoleName=deploy_role_name("preview"), PolicyName="extra", PolicyDocument=admin)

    out = io.StringIO()
    assert main(["status", *site_args(site["endpoint"], site["bucket"])], out=out) == 1
    drift = {line.split()[1]: line for line in out.getvalue().splitlines() if line.strip().startswith("DRIFT")}
    assert set(drift) == {"plan-role", "plan-role:policy", "deploy-role:preview:policy"}
    # One line each, naming what differs rather than printing two whole documents.
    assert f"Condition.StringLike: found {{{SUB_KEY}=[repo:{REPO}:*]}}, expected missing" in drift["plan-role"]
    assert f"attached: found [{managed}], expected []" in drift["plan-role:policy"]
    assert "inline.extra: found [" in drift["deploy-role:preview:policy"]

    checks = {c.name: c.result for c in bootstrap(open_backend(target(site)), io.StringIO())}
    assert (checks["plan-role"], checks["plan-role:policy"], checks["deploy-role:preview:policy"]) == ("updated",) * 3
    assert client.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
    assert client.list_role_policies(RoleName=deploy_role_name("preview"))["PolicyNames"] == [POLICY_NAME]
    assert all(c.ok for c in status(open_backend(target(site))))


def target(site: dict[str, Any]) -> Target:
    return Target(site["bucket"], REGION, endpoint_url=site["endpoint"], github_repo=REPO)


def test_without_github_repo_the_identities_are_neither_checked_nor_created(moto_endpoint: str) -> None:
    bucket = f"state-{uuid.uuid4().hex[:10]}"
    out = io.StringIO()
    args = ["--bucket", bucket, "--region", REGION, "--endpoint-url", moto_endpoint]
    assert main(["bootstrap", *args], out=out) == 0
    assert "oidc-provider" not in out.getvalue() and "pass --github-repo OWNER/REPO" in out.getvalue()
    names = [c.name for c in status(open_backend(Target(bucket, REGION, endpoint_url=moto_endpoint)))]
    assert not any(n.startswith(("oidc", "plan-role", "deploy-role")) for n in names)


@pytest.mark.parametrize("repo", ["vital-expert", "a/b/c", "-owner/repo", "owner/", "owner/..", "own er/repo"])
def test_a_bad_github_repo_is_one_line_exit_2(repo: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--bucket", "ok-bucket", "--region", REGION, f"--github-repo={repo}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "expected OWNER/REPO" in err


# --------------------------------------------------------------------------------------
# Who the trust policies let in, read back from IAM


@pytest.mark.parametrize(("sub", "aud", "trusted"), [
    (f"repo:{REPO}:pull_request", "sts.amazonaws.com", True),
    (f"repo:{REPO}:ref:refs/heads/main", "sts.amazonaws.com", True),
    (f"repo:{REPO}:pull_request", "https://github.com/vital-expert", False),  # another audience
    ("repo:someone/vital-expert-infra:pull_request", "sts.amazonaws.com", False),  # another repository
    (f"repo:{REPO}-fork:pull_request", "sts.amazonaws.com", False),  # a name that starts the same
    (f"repo:{REPO.upper()}:pull_request", "sts.amazonaws.com", False),  # StringEquals is case-sensitive
    (f"repo:{REPO}:ref:refs/heads/feature", "sts.amazonaws.com", False),  # another branch
    (f"repo:{REPO}:ref:refs/tags/v1", "sts.amazonaws.com", False),
    (f"repo:{REPO}:environment:production", "sts.amazonaws.com", False),  # deploy jobs use their own role
])
def test_plan_role_trusts_exactly_pull_requests_and_main(site: dict[str, Any], sub: str, aud: str, trusted: bool) -> None:
    assert allows(trust_of(site, plan_role_name()), PROVIDER, github_token(sub, aud)) is trusted


@pytest.mark.parametrize("env", TIERS)
def test_each_deploy_role_trusts_only_its_own_environment(site: dict[str, Any], env: str) -> None:
    trust = trust_of(site, deploy_role_name(env))
    assert allows(trust, PROVIDER, github_token(f"repo:{REPO}:environment:{env}"))
    refused = [f"repo:{REPO}:environment:{other}" for other in TIERS if other != env]
    refused += [f"repo:{REPO}:pull_request", f"repo:{REPO}:ref:refs/heads/main",
                f"repo:other/{REPO.split('/')[1]}:environment:{env}", f"repo:{REPO}:environment:{env.upper()}"]
    assert [s for s in refused if allows(trust, PROVIDER, github_token(s))] == []
    # Another provider (another account's GitHub provider, say) is not trusted either.
    assert not allows(trust, PROVIDER.replace("123456789012", "999999999999"), github_token(f"repo:{REPO}:environment:{env}"))


def test_the_evaluator_can_say_yes_and_no() -> None:
    """The oracle above must be able to fail: wildcards, missing keys, denies, unknown operators."""
    assert string_like("repo:o/r:*", "repo:o/r:environment:x") and not string_like("repo:o/r:*", "repo:o/rr:pull_request")
    assert string_like("a?c", "abc") and not string_like("a?c", "abbc")
    wide = {"Statement": {"Effect": "Allow", "Principal": {"Federated": PROVIDER}, "Action": "sts:*",
                          "Condition": {"StringLike": {SUB_KEY: "repo:o/*"}, "StringEquals": {AUD_KEY: ["x", "sts.amazonaws.com"]}}}}
    assert allows(wide, PROVIDER, github_token("repo:o/anything:pull_request"))
    assert not allows(wide, PROVIDER, {SUB_KEY: "repo:o/r:pull_request"})  # no aud in the request
    deny = {"Statement": [wide["Statement"], {**wide["Statement"], "Effect": "Deny"}]}
    assert not allows(deny, PROVIDER, github_token("repo:o/r:pull_request"))
    with pytest.raises(ValueError, match="ForAnyValue:StringLike"):
        allows({"Statement": {**wide["Statement"], "Condition": {"ForAnyValue:StringLike": {SUB_KEY: "*"}}}},
               PROVIDER, github_token("x"))


# --------------------------------------------------------------------------------------
# What each role may do: the documents, and moto's enforcement of them through STS


def test_permission_documents_are_least_privilege() -> None:
    bucket, key = "arn:aws:s3:::state", "arn:aws:kms:eu-west-1:1:key/k"
    plan = plan_policy(bucket, key)
    assert sorted(a for s in plan["Statement"] for a in [s["Action"]]) == ["kms:Decrypt", "s3:GetObject", "s3:ListBucket"]
    listing = next(s for s in plan["Statement"] if s["Action"] == "s3:ListBucket")
    assert listing["Condition"] == {"StringLike": {"s3:prefix": [".pulumi/*"]}}
    deploy = deploy_policy(bucket, key, "production")
    writes = next(s for s in deploy["Statement"] if s["Sid"] == "WriteOwnStack")
    assert writes["Resource"] == [f"{bucket}/{p}" for p in stack_paths("production")]
    assert all("production" in r and "pre-production" not in r for r in writes["Resource"])
    assert f"{bucket}/.pulumi/locks/organization/{PROJECT}/production/*" in writes["Resource"]


def assume(site: dict[str, Any], role: str) -> Any:
    arn = f"arn:aws:iam::123456789012:role/{role}"
    creds = aws_client(site["endpoint"], "sts", REGION).assume_role_with_web_identity(
        RoleArn=arn, RoleSessionName="github-actions", WebIdentityToken="header.payload.signature")["Credentials"]
    return aws_client(site["endpoint"], "s3", REGION, aws_access_key_id=creds["AccessKeyId"],
                      aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])


def attempt(call: Any, **params: Any) -> str:
    try:
        call(**params)
    except Exception as exc:  # noqa: BLE001 - the error code is the observation
        return getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
    return "ok"


def test_roles_assumed_through_sts_can_do_what_they_grant_and_nothing_more(site: dict[str, Any]) -> None:
    s3 = aws_client(site["endpoint"], "s3", REGION)
    bucket = site["bucket"]
    # moto treats the TLS-only Deny as unconditional over plain HTTP (see tests/tools/test_backend.py).
    s3.delete_bucket_policy(Bucket=bucket)
    state = {env: f".pulumi/stacks/{PROJECT}/{env}.json" for env in TIERS}
    for key in state.values():
        s3.put_object(Bucket=bucket, Key=key, Body=b"{}")
    plan, prod = assume(site, plan_role_name()), assume(site, deploy_role_name("production"))
    lock = f".pulumi/locks/organization/{PROJECT}/production/0b1c.json"
    with iam_enforced(site["endpoint"]):
        seen = {
            "plan reads": attempt(plan.get_object, Bucket=bucket, Key=state["production"]),
            "plan writes": attempt(plan.put_object, Bucket=bucket, Key=state["production"], Body=b"{}"),
            "plan locks": attempt(plan.put_object, Bucket=bucket, Key=lock, Body=b"{}"),
            "plan reads outside .pulumi": attempt(plan.get_object, Bucket=bucket, Key="elsewhere"),
            "production reads preview": attempt(prod.get_object, Bucket=bucket, Key=state["preview"]),
            "production writes its state": attempt(prod.put_object, Bucket=bucket, Key=state["production"], Body=b"{}"),
            "production takes its lock": attempt(prod.put_object, Bucket=bucket, Key=lock, Body=b"{}"),
            "production releases its lock": attempt(prod.delete_object, Bucket=bucket, Key=lock),
            "production writes pre-production": attempt(prod.put_object, Bucket=bucket, Key=state["pre-production"], Body=b"{}"),
            "production deletes the bucket": attempt(prod.delete_bucket, Bucket=bucket),
        }
    assert seen == {
        "plan reads": "ok", "plan writes": "AccessDenied", "plan locks": "AccessDenied",
        "plan reads outside .pulumi": "AccessDenied", "production reads preview": "ok",
        "production writes its state": "ok", "production takes its lock": "ok", "production releases its lock": "ok",
        "production writes pre-production": "AccessDenied", "production deletes the bucket": "AccessDenied",
    }
