"""tools.backend's CI identities against moto's standalone server (IAM, STS, S3 and KMS over
real HTTP): bootstrap creates GitHub's OIDC provider, the plan role, the drift role and one
deploy role per environment, re-checks them, repairs drift; the trust policies, read back from
IAM, refuse every subject but the ones meant (tests/tools/iam_trust.py evaluates them: moto's
STS does not).

moto enforces a role's S3 Action/Resource grants once auth is on (`iam_enforced`), explicit
Deny included, but not the s3:prefix condition on ListBucket (checked in the documents). It
cannot enforce which KMS key a role may use: it checks KMS calls against the resource "*", so
a grant on one key's ARN never matches (a test below keeps that observation honest). Which
session may decrypt with which stack's key is therefore decided by tests/tools/iam_trust.py
over what moto holds: the policies read back from IAM for the role behind an STS session, and
the key KMS itself names as the one that sealed a ciphertext.
"""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest

from tests.moto_server import aws_client, iam_enforced, moto_endpoint  # noqa: F401  (fixture)
from tests.tools.iam_trust import allows, github_token, permits, string_like
from tools.backend import main
from tools.backend.checks import bootstrap, status
from tools.backend.clients import Target, open_backend
from tools.backend.grants import (
    AUD_KEY,
    GITHUB_OIDC_HOST,
    PLAN_KEYS,
    SUB_KEY,
    Keys,
    deploy_policy,
    drift_policy,
    plan_policy,
    reads_outputs_of,
    stack_paths,
)
from tools.backend.identity import POLICY_NAME
from vital.names import PR_PREVIEW_STACKS, PRODUCTION, PROJECT, TIERS, deploy_role_name, drift_role_name, plan_role_name

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
    identity_rows = ["oidc-provider", "plan-role", "plan-role:policy", "drift-role", "drift-role:policy"]
    for env in TIERS:
        identity_rows += [f"deploy-role:{env}", f"deploy-role:{env}:policy"]
    assert {name: lines[name] for name in identity_rows} == dict.fromkeys(identity_rows, "created")
    provider = iam(site).get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER)
    assert provider["Url"] == GITHUB_OIDC_HOST and provider["ClientIDList"] == ["sts.amazonaws.com"]
    # The lines an operator copies into GitHub: the plan and drift roles on the repository,
    # each deploy role on its own environment.
    assert f"repository variable AWS_PLAN_ROLE_ARN=arn:aws:iam::123456789012:role/{plan_role_name()}" in site["first"]
    assert f"repository variable AWS_DRIFT_ROLE_ARN=arn:aws:iam::123456789012:role/{drift_role_name()}" in site["first"]
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


def test_the_plan_role_as_the_previous_bootstrap_left_it_is_drift_and_repaired(site: dict[str, Any]) -> None:
    """Before per-stack keys: one plan role for PRs and main, decrypting with the one state key."""
    client, role = iam(site), plan_role_name()
    old_trust = trust_of(site, role)
    old_trust["Statement"][0]["Condition"]["StringEquals"][SUB_KEY] = [
        f"repo:{REPO}:pull_request", f"repo:{REPO}:ref:refs/heads/main"]
    client.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(old_trust))
    key = aws_client(site["endpoint"], "kms", REGION).describe_key(KeyId="alias/pulumi-state")["KeyMetadata"]["Arn"]
    bucket = f"arn:aws:s3:::{site['bucket']}"
    old = {"Version": "2012-10-17", "Statement": [
        {"Sid": "ListState", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket,
         "Condition": {"StringLike": {"s3:prefix": [".pulumi/*"]}}},
        {"Sid": "ReadState", "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{bucket}/.pulumi/*"},
        {"Sid": "DecryptState", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}]}
    client.put_role_policy(RoleName=role, PolicyName=POLICY_NAME, PolicyDocument=json.dumps(old))
    client.delete_role_policy(RoleName=drift_role_name(), PolicyName=POLICY_NAME)

    out = io.StringIO()
    assert main(["status", *site_args(site["endpoint"], site["bucket"])], out=out) == 1
    drift = {line.split()[1]: line for line in out.getvalue().splitlines() if line.strip().startswith("DRIFT")}
    assert set(drift) == {"plan-role", "plan-role:policy", "drift-role:policy"}
    assert f"found [repo:{REPO}:pull_request, repo:{REPO}:ref:refs/heads/main], expected [repo:{REPO}:pull_request]" \
        in drift["plan-role"]
    checks = {c.name: c.result for c in bootstrap(open_backend(target(site)), io.StringIO())}
    assert (checks["plan-role"], checks["plan-role:policy"], checks["drift-role:policy"]) == ("updated",) * 3
    assert not permits([iam(site).get_role_policy(RoleName=role, PolicyName=POLICY_NAME)["PolicyDocument"]],
                       "kms:Decrypt", key)
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
    (f"repo:{REPO}:ref:refs/heads/main", "sts.amazonaws.com", False),  # main has the drift role now
    (f"repo:{REPO}:pull_request", "https://github.com/vital-expert", False),  # another audience
    ("repo:someone/vital-expert-infra:pull_request", "sts.amazonaws.com", False),  # another repository
    (f"repo:{REPO}-fork:pull_request", "sts.amazonaws.com", False),  # a name that starts the same
    (f"repo:{REPO.upper()}:pull_request", "sts.amazonaws.com", False),  # StringEquals is case-sensitive
    (f"repo:{REPO}:ref:refs/heads/feature", "sts.amazonaws.com", False),  # another branch
    (f"repo:{REPO}:ref:refs/tags/v1", "sts.amazonaws.com", False),
    (f"repo:{REPO}:environment:production", "sts.amazonaws.com", False),  # deploy jobs use their own role
])
def test_plan_role_trusts_exactly_pull_requests(site: dict[str, Any], sub: str, aud: str, trusted: bool) -> None:
    assert allows(trust_of(site, plan_role_name()), PROVIDER, github_token(sub, aud)) is trusted


@pytest.mark.parametrize(("sub", "trusted"), [
    (f"repo:{REPO}:ref:refs/heads/main", True),
    (f"repo:{REPO}:pull_request", False),  # PR code never gets the role that decrypts production
    (f"repo:{REPO}:ref:refs/heads/main-fix", False),
    (f"repo:{REPO}:ref:refs/heads/feature", False),
    (f"repo:{REPO}:ref:refs/tags/main", False),
    (f"repo:{REPO}:environment:production", False),
    (f"repo:other/{REPO.split('/')[1]}:ref:refs/heads/main", False),
])
def test_drift_role_trusts_exactly_main(site: dict[str, Any], sub: str, trusted: bool) -> None:
    assert allows(trust_of(site, drift_role_name()), PROVIDER, github_token(sub)) is trusted


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
    # Identity policies: actions case-insensitive, resources by ARN, conditions, Deny first.
    key = "arn:aws:kms:r:1:key/a"
    grant = {"Statement": [{"Effect": "Allow", "Action": "KMS:decrypt", "Resource": "arn:aws:kms:r:1:key/*"}]}
    assert permits([grant], "kms:Decrypt", key) and not permits([grant], "kms:Encrypt", key)
    assert not permits([grant], "kms:Decrypt", "arn:aws:kms:r:2:key/a") and not permits([], "kms:Decrypt", key)
    via = {"Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key,
                         "Condition": {"StringEquals": {"kms:ViaService": "s3.r.amazonaws.com"}}}}
    assert permits([via], "kms:Decrypt", key, {"kms:ViaService": "s3.r.amazonaws.com"})
    assert not permits([via], "kms:Decrypt", key) and not permits([via], "kms:Decrypt", key, {"kms:ViaService": "x"})
    assert not permits([grant, {"Statement": {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}}], "kms:Decrypt", key)
    with pytest.raises(ValueError, match="NotAction"):
        permits([{"Statement": {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}}], "kms:Decrypt", key)


# --------------------------------------------------------------------------------------
# What each role may do: the documents, and moto's enforcement of them through STS


KEYS = Keys(
    bucket_arn="arn:aws:s3:::state",
    state_key_arn="arn:aws:kms:eu-west-1:1:key/bucket",
    stack_key_arns={stack: f"arn:aws:kms:eu-west-1:1:key/{stack}" for stack in TIERS},
    s3_service="s3.eu-west-1.amazonaws.com",
)


def test_permission_documents_are_least_privilege() -> None:
    bucket = KEYS.bucket_arn
    plan = plan_policy(KEYS)
    allowed = sorted(a for s in plan["Statement"] if s["Effect"] == "Allow"
                     for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    assert allowed == ["kms:Decrypt", "kms:Decrypt", "s3:GetObject", "s3:ListBucket"]
    listing = next(s for s in plan["Statement"] if s["Action"] == "s3:ListBucket")
    assert listing["Condition"] == {"StringLike": {"s3:prefix": [".pulumi/*"]}}
    # Production's files are hidden from PR code, explicitly: its checkpoint, history and backups.
    hidden = next(s for s in plan["Statement"] if s["Effect"] == "Deny")
    assert hidden["Action"] == "s3:GetObject" and hidden["Resource"] == [f"{bucket}/{p}" for p in stack_paths(PRODUCTION)]
    deploy = deploy_policy(KEYS, "production")
    writes = next(s for s in deploy["Statement"] if s["Sid"] == "WriteOwnStack")
    assert writes["Resource"] == [f"{bucket}/{p}" for p in stack_paths("production")]
    assert all("production" in r and "pre-production" not in r for r in writes["Resource"])
    assert f"{bucket}/.pulumi/locks/organization/{PROJECT}/production/*" in writes["Resource"]
    # The bucket's key only ever through S3, for every role.
    for document in (plan, drift_policy(KEYS), *(deploy_policy(KEYS, s) for s in TIERS)):
        through_s3 = [s for s in document["Statement"] if KEYS.state_key_arn in str(s["Resource"])]
        assert [s["Condition"] for s in through_s3] == [{"StringEquals": {"kms:ViaService": KEYS.s3_service}}]


def test_which_stacks_each_role_may_decrypt_follows_the_tier_table() -> None:
    """PR code previews every tier but production, and nothing those read is production's."""
    assert PRODUCTION not in PR_PREVIEW_STACKS and PRODUCTION not in PLAN_KEYS
    assert PLAN_KEYS == ["pre-production", "preview"]
    # No stack reads another's outputs: every tier owns its Redis database (issue 25).
    assert reads_outputs_of("preview") == () == reads_outputs_of("production") == reads_outputs_of("pre-production")


# What a session may do with a key: the documents from IAM, judged as IAM would.
DIRECT: dict[str, str] = {}  # the Pulumi CLI calls KMS itself: no kms:ViaService in the request
THROUGH_S3 = {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}  # S3 reading or writing a state object


def session(site: dict[str, Any], role: str) -> dict[str, Any]:
    """Credentials from AssumeRoleWithWebIdentity on moto, as the workflow's job gets them."""
    arn = f"arn:aws:iam::123456789012:role/{role}"
    return aws_client(site["endpoint"], "sts", REGION).assume_role_with_web_identity(
        RoleArn=arn, RoleSessionName="github-actions", WebIdentityToken="header.payload.signature")["Credentials"]


def session_policies(site: dict[str, Any], creds: dict[str, Any]) -> list[dict[str, Any]]:
    """The identity policies IAM holds for the role behind a session (moto names it, IAM has them)."""
    sts = aws_client(site["endpoint"], "sts", REGION, aws_access_key_id=creds["AccessKeyId"],
                     aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    role = sts.get_caller_identity()["Arn"].split(":assumed-role/")[1].split("/")[0]
    client = iam(site)
    names = client.list_role_policies(RoleName=role)["PolicyNames"]
    assert client.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
    return [client.get_role_policy(RoleName=role, PolicyName=n)["PolicyDocument"] for n in names]


@pytest.fixture(scope="module")
def sealed(site: dict[str, Any]) -> dict[str, str]:
    """Each stack's data key sealed with its own key, as `pulumi stack init --secrets-provider
    awskms://<alias>` writes `encryptedkey:`; mapped to the key KMS says sealed it."""
    kms = aws_client(site["endpoint"], "kms", REGION)
    found = {}
    for stack in TIERS:
        blob = kms.encrypt(KeyId=f"alias/pulumi-state-{stack}", Plaintext=b"0" * 32)["CiphertextBlob"]
        found[stack] = kms.decrypt(CiphertextBlob=blob)["KeyId"]
    bucket_key = kms.describe_key(KeyId="alias/pulumi-state")["KeyMetadata"]["Arn"]
    assert len({*found.values(), bucket_key}) == len(TIERS) + 1
    return found | {"bucket": bucket_key}


def may(policies: list[dict[str, Any]], action: str, key_arn: str, context: dict[str, str] = DIRECT) -> bool:
    return permits(policies, action, key_arn, context)


def test_a_pr_plan_session_cannot_decrypt_with_productions_key(site: dict[str, Any], sealed: dict[str, str]) -> None:
    plan = session_policies(site, session(site, plan_role_name()))
    assert not may(plan, "kms:Decrypt", sealed[PRODUCTION])
    assert not may(plan, "kms:Decrypt", sealed[PRODUCTION], THROUGH_S3)
    assert [s for s in PR_PREVIEW_STACKS if not may(plan, "kms:Decrypt", sealed[s])] == []
    # The bucket's key decrypts state objects through S3 and nothing the CLI hands it.
    assert may(plan, "kms:Decrypt", sealed["bucket"], THROUGH_S3) and not may(plan, "kms:Decrypt", sealed["bucket"])
    assert not any(may(plan, a, sealed[s]) for s in TIERS for a in ("kms:Encrypt", "kms:GenerateDataKey"))


def test_the_drift_session_decrypts_every_stack_and_encrypts_none(site: dict[str, Any], sealed: dict[str, str]) -> None:
    drift = session_policies(site, session(site, drift_role_name()))
    assert [s for s in TIERS if not may(drift, "kms:Decrypt", sealed[s])] == []
    assert not any(may(drift, "kms:Encrypt", sealed[s]) for s in TIERS)
    assert not may(drift, "kms:Decrypt", sealed["bucket"]) and not may(drift, "kms:GenerateDataKey", sealed["bucket"], THROUGH_S3)


@pytest.mark.parametrize("env", TIERS)
def test_a_deploy_session_uses_its_own_stacks_key_and_no_other(site: dict[str, Any], sealed: dict[str, str], env: str) -> None:
    deploy = session_policies(site, session(site, deploy_role_name(env)))
    assert may(deploy, "kms:Decrypt", sealed[env]) and may(deploy, "kms:Encrypt", sealed[env])
    others = [s for s in TIERS if s != env]
    # Another stack's key: never to encrypt; to decrypt only the key of the outputs this stack reads.
    assert [s for s in others if may(deploy, "kms:Encrypt", sealed[s])] == []
    assert [s for s in others if may(deploy, "kms:Decrypt", sealed[s])] == list(reads_outputs_of(env))
    assert may(deploy, "kms:GenerateDataKey", sealed["bucket"], THROUGH_S3) and not may(deploy, "kms:Decrypt", sealed["bucket"])


def test_moto_does_not_enforce_kms_key_grants_so_the_documents_are_judged(site: dict[str, Any], sealed: dict[str, str]) -> None:
    """Why the tests above evaluate documents: under enforcement moto refuses even the key a role
    is granted (it matches KMS calls against the resource "*"). If moto learns key ARNs, this
    fails, and those tests should move to real enforcement."""
    creds = session(site, drift_role_name())
    kms = aws_client(site["endpoint"], "kms", REGION, aws_access_key_id=creds["AccessKeyId"],
                     aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    blob = aws_client(site["endpoint"], "kms", REGION).encrypt(KeyId="alias/pulumi-state-preview", Plaintext=b"k")["CiphertextBlob"]
    assert may(session_policies(site, creds), "kms:Decrypt", sealed["preview"])
    with iam_enforced(site["endpoint"]):
        refused = attempt(kms.decrypt, CiphertextBlob=blob)
    assert refused in ("403", "AccessDeniedException")  # moto answers a bare 403


def s3_session(site: dict[str, Any], role: str) -> Any:
    creds = session(site, role)
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
    history = f".pulumi/history/{PROJECT}/production/production-1.checkpoint.json"
    s3.put_object(Bucket=bucket, Key=history, Body=b"{}")
    plan, drift = s3_session(site, plan_role_name()), s3_session(site, drift_role_name())
    prod = s3_session(site, deploy_role_name("production"))
    lock = f".pulumi/locks/organization/{PROJECT}/production/0b1c.json"
    with iam_enforced(site["endpoint"]):
        seen = {
            "plan reads preview": attempt(plan.get_object, Bucket=bucket, Key=state["preview"]),
            "plan reads pre-production": attempt(plan.get_object, Bucket=bucket, Key=state["pre-production"]),
            "plan reads production": attempt(plan.get_object, Bucket=bucket, Key=state["production"]),
            "plan reads production's history": attempt(plan.get_object, Bucket=bucket, Key=history),
            "plan writes": attempt(plan.put_object, Bucket=bucket, Key=state["preview"], Body=b"{}"),
            "plan locks": attempt(plan.put_object, Bucket=bucket, Key=lock, Body=b"{}"),
            "plan reads outside .pulumi": attempt(plan.get_object, Bucket=bucket, Key="elsewhere"),
            "drift reads production": attempt(drift.get_object, Bucket=bucket, Key=state["production"]),
            "drift writes": attempt(drift.put_object, Bucket=bucket, Key=state["production"], Body=b"{}"),
            "production reads preview": attempt(prod.get_object, Bucket=bucket, Key=state["preview"]),
            "production writes its state": attempt(prod.put_object, Bucket=bucket, Key=state["production"], Body=b"{}"),
            "production takes its lock": attempt(prod.put_object, Bucket=bucket, Key=lock, Body=b"{}"),
            "production releases its lock": attempt(prod.delete_object, Bucket=bucket, Key=lock),
            "production writes pre-production": attempt(prod.put_object, Bucket=bucket, Key=state["pre-production"], Body=b"{}"),
            "production deletes the bucket": attempt(prod.delete_bucket, Bucket=bucket),
        }
    assert seen == {
        "plan reads preview": "ok", "plan reads pre-production": "ok", "plan reads production": "AccessDenied",
        "plan reads production's history": "AccessDenied", "plan writes": "AccessDenied", "plan locks": "AccessDenied",
        "plan reads outside .pulumi": "AccessDenied", "drift reads production": "ok", "drift writes": "AccessDenied",
        "production reads preview": "ok", "production writes its state": "ok", "production takes its lock": "ok",
        "production releases its lock": "ok", "production writes pre-production": "AccessDenied",
        "production deletes the bucket": "AccessDenied",
    }
