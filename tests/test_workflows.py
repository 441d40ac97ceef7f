"""The GitHub Actions workflows, read as GitHub reads them: schema-valid, linted, pinned,
least-privileged, and each of issue 15's ten problems held off by a test that would have
caught it: production power in PR code (write tokens, and production's key: PRs preview every
stack but production, whose real preview runs in its deploy job), OIDC subjects per job, one
lock group per stack, a pinned CLI, no no-op inputs, failed previews in the comment, one
comment, fail-fast checks, timeouts and the lock runbook (the comment's readability:
tests/tools/test_comment_render.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.workflow_lint import LINT_SAMPLE, lint_errors, schema_errors
from tools.diff.comment import MARKER
from vital.names import PR_PREVIEW_STACKS, PRODUCTION, TIERS


ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("infra-pr", "infra-deploy", "infra-drift")
FILES = [WORKFLOWS / f"{name}.yml" for name in NAMES]

def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


@pytest.fixture(scope="module")
def wf() -> dict[str, dict]:
    return {name: load(WORKFLOWS / f"{name}.yml") for name in NAMES}


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith(action)]


# ---------------------------------------------------------------------------------------
# Schema and lint
# ---------------------------------------------------------------------------------------

def test_workflows_validate_against_the_github_workflow_schema():
    assert schema_errors(FILES) == ""


def test_workflows_pass_actionlint():
    assert [e for path in FILES for e in lint_errors(path)] == []


def test_actionlint_is_not_a_no_op():
    assert lint_errors(LINT_SAMPLE), "actionlint found nothing in a workflow with an undefined matrix key"


# ---------------------------------------------------------------------------------------
# Pins and permissions
# ---------------------------------------------------------------------------------------

_SHA = re.compile(r"^[0-9a-f]{40}$")
_FULL_TAG = re.compile(r"^v\d+\.\d+\.\d+$")


@pytest.mark.parametrize("path", FILES, ids=NAMES)
def test_every_action_is_pinned_to_a_sha_with_its_full_version(path):
    uses = re.findall(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", path.read_text(), re.M)
    assert uses
    for ref, rest in uses:
        action, _, version = ref.partition("@")
        assert version not in ("main", "master", "HEAD") and not re.fullmatch(r"v?\d+(\.\d+)?", version), ref
        assert _SHA.match(version) or _FULL_TAG.match(version), f"{ref}: pin a commit SHA or a full vX.Y.Z tag"
        if _SHA.match(version):
            assert re.search(r"#\s*v\d+\.\d+\.\d+\b", rest), f"{ref}: say which version the SHA is (# vX.Y.Z)"


def test_one_pin_per_action_across_workflows():
    pins: dict[str, set[str]] = {}
    for path in FILES:
        for ref in re.findall(r"uses:\s*(\S+)", path.read_text()):
            action, _, version = ref.partition("@")
            pins.setdefault(action, set()).add(version)
    assert {a: v for a, v in pins.items() if len(v) > 1} == {}


# Which jobs may write what: the one comment needs pull-requests, an AWS role needs an OIDC token.
ALLOWED_WRITES = {
    ("infra-pr", "diff"): set(),
    ("infra-pr", "preview"): {"id-token"},
    ("infra-pr", "comment"): {"pull-requests"},
    ("infra-pr", "bootstrap"): {"id-token"},
    ("infra-drift", "bootstrap"): {"id-token"},
    ("infra-deploy", "preview"): {"id-token"},
    ("infra-deploy", "pre-production"): {"id-token"},
    ("infra-deploy", "production"): {"id-token"},
    ("infra-deploy", "production-preview"): {"id-token"},
    ("infra-drift", "drift"): {"id-token"},
    ("infra-drift", "rotation"): set(),  # the rotation alarm reads the committed stack files only
}


def test_least_permissions_per_job(wf):
    seen = set()
    for name, data in wf.items():
        assert data["permissions"] == {}, f"{name}: the workflow grants nothing; each job asks for its own"
        for job_id, job in data["jobs"].items():
            perms = job.get("permissions")
            assert isinstance(perms, dict), f"{name}/{job_id}: no permissions block"
            assert perms.get("contents") == "read", f"{name}/{job_id}"
            writes = {k for k, v in perms.items() if v == "write"}
            assert writes == ALLOWED_WRITES[(name, job_id)], f"{name}/{job_id}: {writes}"
            assert set(perms.values()) <= {"read", "write", "none"}
            if "id-token" in writes:
                assert steps_using(job, "aws-actions/configure-aws-credentials@"), f"{name}/{job_id}: id-token unused"
            seen.add((name, job_id))
    assert seen == set(ALLOWED_WRITES)


def test_the_offline_diff_and_the_comment_run_without_secrets(wf):
    for job_id in ("diff", "comment"):
        assert "secrets." not in yaml.safe_dump(wf["infra-pr"]["jobs"][job_id]), job_id


# ---------------------------------------------------------------------------------------
# Helpers: every job, its steps, what it references
# ---------------------------------------------------------------------------------------

PULUMI_ACTION = "pulumi/actions@"
SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository"
PLAN_SECRETS = {"PLAN_VERCEL_TOKEN", "PLAN_GITHUB_TOKEN"}
# What a deploy job's up gets from its environment (docs/credentials.md): the providers read these only there.
UP_CREDENTIALS = {"PULUMI_CONFIG_PASSPHRASE": "PULUMI_CONFIG_PASSPHRASE", "VERCEL_API_TOKEN": "VERCEL_API_TOKEN",
                  "GITHUB_TOKEN": "PULUMI_GITHUB_TOKEN", "UPSTASH_API_KEY": "UPSTASH_API_KEY",
                  "SUPABASE_ACCESS_TOKEN": "SUPABASE_ACCESS_TOKEN"}
# The drift environment's keys: no read-only Upstash key exists, and a Supabase read-only member's
# token of production's organization reaches production's data.
DRIFT_SECRETS = {"UPSTASH_API_KEY", "PRODUCTION_UPSTASH_API_KEY", "SUPABASE_ACCESS_TOKEN", "PRODUCTION_SUPABASE_ACCESS_TOKEN"}
WRITE_SECRETS = {*UP_CREDENTIALS.values(), *DRIFT_SECRETS}


def jobs(wf) -> list[tuple[str, str, dict]]:
    return [(name, job_id, job) for name, data in wf.items() for job_id, job in data["jobs"].items()]


def refs(job: dict, context: str) -> set[str]:
    """Names a job reads from `secrets` or `vars`."""
    text = yaml.safe_dump(job)
    return set(re.findall(rf"\b{context}\.([A-Z0-9_]+)", text))


def backend_jobs(wf) -> list[tuple[str, str, dict]]:
    return [(n, j, job) for n, j, job in jobs(wf) if "PULUMI_BACKEND_URL" in refs(job, "vars")]


def run_steps(job: dict) -> list[str]:
    return [s.get("run", "") for s in job["steps"]]


def cli_step(job: dict, command: str) -> dict:
    (step,) = [s for s in job["steps"] if re.search(rf"^\s*pulumi {command}\b", s.get("run", ""), re.M)]
    return step


def pulumi_pin() -> str:
    (pin,) = re.findall(r"^pulumi==(\S+)", (ROOT / "requirements.txt").read_text(), re.M)
    return pin


# ---------------------------------------------------------------------------------------
# 1, 2. Two kinds of credentials; each job's OIDC subject is one its role trusts
# ---------------------------------------------------------------------------------------

def test_previews_hold_nothing_that_can_write(wf):
    """Problem 1 (issue 15) and 4 (issue 23): PR code ran with write tokens, and a preview's stack
    config could put one back. Every preview (a PR's, production's before its approval) runs in no
    environment with read-only tokens and no Upstash or Supabase key at all: a preview calls
    neither (vital.names.PREVIEW_UPSTASH_API_KEY, components/supabase/provider.py)."""
    from vital.names import PREVIEW_UPSTASH_API_KEY

    for name, job_id, role in (("infra-pr", "preview", "AWS_PLAN_ROLE_ARN"),
                               ("infra-deploy", "production-preview", "AWS_PRODUCTION_PLAN_ROLE_ARN")):
        job = wf[name]["jobs"][job_id]
        assert "environment" not in job, f"{name}/{job_id}: an environment changes the OIDC subject"
        assert refs(job, "secrets") == PLAN_SECRETS, f"{name}/{job_id}"
        assert "AWS_DEPLOY_ROLE_ARN" not in refs(job, "vars")
        (aws,) = steps_using(job, "aws-actions/configure-aws-credentials@")
        assert aws["with"]["role-to-assume"] == f"${{{{ vars.{role} }}}}", f"{name}/{job_id}"
        step = cli_step(job, "preview")
        assert step["env"]["UPSTASH_API_KEY"] == PREVIEW_UPSTASH_API_KEY and "SUPABASE_ACCESS_TOKEN" not in step["env"]
    assert "AWS_DRIFT_ROLE_ARN" not in refs(wf["infra-pr"]["jobs"]["preview"], "vars")


def test_drift_holds_its_keys_in_the_drift_environment_each_tier_its_own(wf):
    """A refresh reads every resource: read-only tokens where the platform has them, else each
    account's own key, as secrets of the drift environment (main only), never of the repository."""
    from vital.trust import DRIFT_ENVIRONMENT

    for job_id in ("drift", "bootstrap"):
        assert wf["infra-drift"]["jobs"][job_id]["environment"] == DRIFT_ENVIRONMENT
    step = cli_step(wf["infra-drift"]["jobs"]["drift"], "preview")
    assert refs(wf["infra-drift"]["jobs"]["drift"], "secrets") == PLAN_SECRETS | DRIFT_SECRETS
    assert step["env"]["UPSTASH_API_KEY"] == ("${{ matrix.stack == 'production' && secrets.PRODUCTION_UPSTASH_API_KEY "
                                              "|| secrets.UPSTASH_API_KEY }}")
    assert step["env"]["SUPABASE_ACCESS_TOKEN"] == ("${{ matrix.stack == 'production' && "
                                                    "secrets.PRODUCTION_SUPABASE_ACCESS_TOKEN || secrets.SUPABASE_ACCESS_TOKEN }}")


def test_write_credentials_appear_only_in_jobs_bound_to_a_main_only_environment(wf):
    """Environment secrets reach only a job that names the environment and passes its deployment
    branch rule (main); a repository secret reaches every workflow, a PR's included (docs/credentials.md)."""
    from vital.trust import DRIFT_ENVIRONMENT

    holders = []
    for name, job_id, job in jobs(wf):
        writes = (refs(job, "secrets") & WRITE_SECRETS) | (refs(job, "vars") & {"AWS_DEPLOY_ROLE_ARN"})
        if not writes:
            continue
        holders.append((name, job_id))
        assert job.get("if") == "github.ref == 'refs/heads/main'" and "pull_request" not in wf[name]["on"], job_id
        if name == "infra-drift":
            assert job["environment"] == DRIFT_ENVIRONMENT and "AWS_DEPLOY_ROLE_ARN" not in writes
            continue
        assert name == "infra-deploy" and job.get("environment") == job_id, f"{name}/{job_id}: {writes}"
        step = cli_step(job, "up")
        assert {k: step["env"][k] for k in UP_CREDENTIALS} == {k: f"${{{{ secrets.{v} }}}}" for k, v in UP_CREDENTIALS.items()}
    assert sorted(holders) == [("infra-deploy", "pre-production"), ("infra-deploy", "preview"),
                               ("infra-deploy", "production"), ("infra-drift", "drift")]


PREFIX, REPO = "repo:acme@11/infra@22", "acme/infra"


def job_ref(workflow: dict, job: dict) -> str:
    """The ref whose copy of the workflow runs the job: a PR's merge ref, else main."""
    events = set(workflow["on"])
    if events == {"pull_request"}:
        return "refs/pull/42/merge"
    assert events <= {"schedule", "workflow_dispatch", "push"}
    assert job.get("if") == "github.ref == 'refs/heads/main'" or workflow["on"] == {"push": {"branches": ["main"]}}
    return "refs/heads/main"


def oidc_subject(name: str, workflow: dict, job: dict) -> str:
    """The `sub` GitHub puts in this job's token under the repository's template (repo, context,
    job_workflow_ref: GitHub docs, OIDC reference, "Customizing the subject claims"); the context
    is the default subject's part after the repository ("Example subject claims")."""
    ref = job_ref(workflow, job)
    if job.get("environment"):
        context = f"environment:{job['environment']}"
    elif ref.startswith("refs/pull/"):
        context = "pull_request"
    else:
        context = f"ref:{ref}"
    return f"{PREFIX}:{context}:job_workflow_ref:{REPO}/.github/workflows/{name}.yml@{ref}"


def roles_behind(variable_ref: str, job: dict) -> list:
    """The roles of vital.trust whose ARN the job's `role-to-assume` variable may hold."""
    from vital.trust import REPOSITORY, ROLES

    variable = variable_ref.removeprefix("${{ vars.").removesuffix(" }}")
    return [r for r in ROLES if r.variable == variable and r.scope in (REPOSITORY, job.get("environment"))]


def test_every_job_that_assumes_a_role_presents_a_subject_that_role_trusts(wf):
    """Problem 2: one role for three subjects; assume-role failed in two of three jobs. Now each
    job's subject names its workflow file and ref, and exactly one role trusts it."""
    from bootstrap.documents import trust_policy
    from tests.tools.iam_trust import allows, github_token
    from vital.trust import ROLES

    provider = "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"
    trusts = {r.key: json.loads(trust_policy(provider, (PREFIX,), REPO, r)) for r in ROLES}
    checked = 0
    for name, job_id, job in jobs(wf):
        for aws in steps_using(job, "aws-actions/configure-aws-credentials@"):
            sub = oidc_subject(name, wf[name], job)
            trusted = [key for key, policy in trusts.items() if allows(policy, provider, github_token(sub))]
            behind = [r.key for r in roles_behind(aws["with"]["role-to-assume"], job)]
            assert len(trusted) == 1 and trusted == behind, f"{name}/{job_id}: {sub} is trusted by {trusted}, behind {behind}"
            checked += 1
    assert checked == 8  # preview, bootstrap (PR), drift, bootstrap drift, three deploys, production's preview


# Which stack keys a job's role may decrypt with (the bootstrap stack's documents), judged as IAM would.


def role_policy(job: dict, role_ref: str) -> dict:
    """The permissions the bootstrap stack gives the role behind `role-to-assume` in this job."""
    from bootstrap.documents import Account, role_policy as policy

    (role,) = roles_behind(role_ref, job)
    return json.loads(policy(role, "state", Account("aws", "1", "r", "amazonaws.com")))


def may_decrypt(policy: dict, stack: str) -> bool:
    from tests.tools.iam_trust import permits
    from vital.names import stack_key_alias

    return permits([policy], "kms:Decrypt", "arn:aws:kms:r:1:key/k", {"kms:ResourceAliases": [stack_key_alias(stack)]})


def stacks_run(job: dict) -> list[str]:
    """The stacks a job runs `pulumi preview` or `pulumi up` for (STACK of each such step, or --stack)."""
    found = []
    for step in job["steps"]:
        if re.search(r"^\s*pulumi (preview|up)\b", step.get("run", ""), re.M):
            named = re.search(r"--stack (\w[\w-]*)", step["run"])
            stack = named.group(1) if named else step["env"]["STACK"]
            found += job["strategy"]["matrix"]["stack"] if stack == "${{ matrix.stack }}" else [stack]
    return sorted(set(found))


def test_pr_code_never_holds_productions_key(wf):
    """Problem 1, the half left open: previews decrypt each stack's config, so PR code that
    previewed production held the key to production's secrets (Supabase and Upstash tokens that
    can write). PRs now preview every stack but production, with a role that cannot decrypt it."""
    job = wf["infra-pr"]["jobs"]["preview"]
    assert PRODUCTION not in PR_PREVIEW_STACKS
    assert stacks_run(job) == sorted(PR_PREVIEW_STACKS)
    assert set(job["outputs"]) == set(PR_PREVIEW_STACKS)
    (aws,) = steps_using(job, "aws-actions/configure-aws-credentials@")
    policy = role_policy(job, aws["with"]["role-to-assume"])
    assert not may_decrypt(policy, PRODUCTION)
    for name, job_id, other in jobs(wf):
        if name == "infra-pr":
            assert PRODUCTION not in stacks_run(other) and "AWS_DEPLOY_ROLE_ARN" not in refs(other, "vars"), job_id


def test_every_job_holds_the_keys_of_the_stacks_it_runs_and_reads(wf, committed):
    """Each job's role may read and decrypt the stacks it previews or deploys, and every stack those
    read through a StackReference: the engine loads the referenced stack's checkpoint and decrypts
    its outputs with that stack's secrets provider (pulumi/pulumi pkg/backend/backend.go,
    backendClient.GetStackOutputs -> SnapshotStackOutputs). Today no stack reads another."""
    from tests.tools.iam_trust import object_status
    from vital.deploys import stack_reads
    from vital.diy import checkpoint_key

    reads = stack_reads(committed.values())
    checked = 0
    for name, job_id, job in jobs(wf):
        stacks = stacks_run(job)
        if not stacks:
            continue
        stacks = sorted({*stacks, *(r for stack in stacks for r in reads.get(stack, ()))})
        (aws,) = steps_using(job, "aws-actions/configure-aws-credentials@")
        policy = role_policy(job, aws["with"]["role-to-assume"])
        missing = [s for s in stacks if not may_decrypt(policy, s)
                   or object_status([policy], "arn:aws:s3:::state", checkpoint_key(s), exists=True) != 200]
        assert missing == [], f"{name}/{job_id} runs {stacks} but its role cannot read and decrypt {missing}"
        checked += 1
    assert checked == 8


def test_no_job_deploys_the_bootstrap_stack_and_no_ci_role_can_change_the_root_of_trust(wf):
    """The bootstrap stack can change every role: its deploy is an operator's (docs/bootstrap.md).
    CI previews it (the plan role) and checks it for drift (the drift role), read-only."""
    from tests.tools.iam_trust import permits
    from vital.trust import ROLES

    for name, job_id, job in jobs(wf):
        for script in run_steps(job):
            assert not ("pulumi up" in script and "bootstrap" in script), f"{name}/{job_id}"
    assert stacks_run(wf["infra-pr"]["jobs"]["bootstrap"]) == stacks_run(wf["infra-drift"]["jobs"]["bootstrap"]) == ["bootstrap"]
    from bootstrap.documents import Account, role_policy as policy

    writes = [("iam:UpdateAssumeRolePolicy", "arn:aws:iam::1:role/vital-expert-infra-plan"),
              ("iam:PutRolePolicy", "arn:aws:iam::1:role/vital-expert-infra-deploy-production"),
              ("iam:CreateOpenIDConnectProvider", "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"),
              ("kms:ScheduleKeyDeletion", "arn:aws:kms:r:1:key/k"), ("kms:UpdateAlias", "arn:aws:kms:r:1:alias/pulumi-state"),
              ("s3:PutBucketPolicy", "arn:aws:s3:::state"), ("s3:PutBucketVersioning", "arn:aws:s3:::state"),
              ("s3:PutObject", "arn:aws:s3:::state/.pulumi/stacks/vital-expert-infra-bootstrap/bootstrap.json")]
    for role in ROLES:
        document = json.loads(policy(role, "state", Account("aws", "1", "r", "amazonaws.com")))
        assert [a for a, r in writes if permits([document], a, r, {"kms:ResourceAliases": ["alias/pulumi-state"]})] == [], role.key


def test_production_is_previewed_then_approved_then_applied(wf):
    """Problem 5: preview and `up` ran in one job, after the environment's gate, and `up` planned
    again: the approval never saw the preview. Now a read-only job previews production into its
    summary and log; the up job, bound to the environment (its reviewers approve after that
    preview), needs it and first refuses a stack or commit that moved since (tools.deploy)."""
    from vital.deploys import preview_job

    jobs_ = wf["infra-deploy"]["jobs"]
    plan, job = jobs_[preview_job(PRODUCTION)], jobs_[PRODUCTION]
    assert "environment" not in plan and job["environment"] == PRODUCTION and job["needs"] == preview_job(PRODUCTION)
    preview = cli_step(plan, "preview")
    assert preview["env"]["STACK"] == PRODUCTION and '--stack "$STACK"' in preview["run"] and "--yes" not in preview["run"]
    assert "--policy-pack policies" in preview["run"] and "--refresh" not in preview["run"]  # as `up` will: no refresh
    assert 'exit "$code"' in preview["run"] and "continue-on-error" not in preview and "cat preview.log" in preview["run"]
    assert "tools.diff.preview" in preview["run"] and '--format markdown >> "$GITHUB_STEP_SUMMARY"' in preview["run"]
    record = next(s for s in plan["steps"] if s.get("id") == "record")
    assert plan["steps"].index(record) < plan["steps"].index(preview)
    assert plan["outputs"] == {"update": "${{ steps.record.outputs.update }}", "commit": "${{ steps.record.outputs.commit }}"}
    assert "tools.deploy record" in record["run"] and '>> "$GITHUB_OUTPUT"' in record["run"]
    assert [s for s in job["steps"] if re.search(r"^\s*pulumi preview", s.get("run", ""), re.M)] == []  # no second plan
    guard = next(s for s in job["steps"] if "tools.deploy check" in s.get("run", ""))
    assert job["steps"].index(guard) < job["steps"].index(cli_step(job, "up"))
    assert guard["env"]["PREVIEWED_UPDATE"] == "${{ needs.production-preview.outputs.update }}"
    assert guard["env"]["PREVIEWED_COMMIT"] == "${{ needs.production-preview.outputs.commit }}"
    assert '--previewed-update "$PREVIEWED_UPDATE" --previewed-commit "$PREVIEWED_COMMIT"' in guard["run"]


def test_every_cli_run_is_piped_through_the_redaction_filter(wf):
    """The CLI prints resource ids in plaintext and a protection bypass's id carries its secret
    (vital.facts.SECRET_BEARING_IDS): every preview, up and refresh goes through tools.redact,
    with pipefail so the CLI's exit code still decides the step."""
    found = 0
    for name, job_id, job in jobs(wf):
        for step in job["steps"]:
            script = step.get("run", "")
            for line in script.splitlines():
                if re.match(r"\s*pulumi (preview|up|refresh)\b", line):
                    found += 1
                    assert "2>&1 | python3 -m tools.redact" in line, f"{name}/{job_id}: {line.strip()}"
                    assert "set -o pipefail" in script, f"{name}/{job_id}: no pipefail"
    assert found == 8  # PR preview, three ups, production's preview, drift, bootstrap's preview and drift


# ---------------------------------------------------------------------------------------
# 3. One lock group per stack
# ---------------------------------------------------------------------------------------

def test_deploy_and_drift_share_one_concurrency_group_per_stack(wf):
    """Problem 3: infra-drift-<s> and infra-deploy-<s> let a drift check run during an up."""
    drift = wf["infra-drift"]["jobs"]["drift"]["concurrency"]
    assert drift == {"group": "infra-${{ matrix.stack }}", "cancel-in-progress": False}
    for stack in TIERS:
        assert wf["infra-deploy"]["jobs"][stack]["concurrency"] == {"group": f"infra-{stack}", "cancel-in-progress": False}
    # PR runs are grouped per PR (different PRs stay parallel) and never join a stack's group.
    pr = wf["infra-pr"]
    assert pr["concurrency"]["group"] == "infra-pr-${{ github.event.pull_request.number }}"
    assert all("concurrency" not in job for job in pr["jobs"].values())


def needs_of(workflow: dict) -> dict[str, list[str]]:
    """Each job and the jobs its `needs:` names (a string or a list)."""
    found = {}
    for job_id, job in workflow["jobs"].items():
        needs = job.get("needs", [])
        found[job_id] = [needs] if isinstance(needs, str) else list(needs)
    return found


def test_deploys_follow_the_stack_graph_and_production_goes_last(wf, committed):
    """Problem 1: preview deployed first while it read pre-production's outputs, and the test
    pinned that order. Now the order comes from the program: each StackReference the committed
    stacks render (synth's JSON) says which stack deploys after which (vital/deploys.py), and
    production deploys after every other tier and its own preview. The rule fails the old
    workflow against the old program (tests/vital/test_deploys.py)."""
    from vital.deploys import order_problems, stack_reads, up_job

    data = wf["infra-deploy"]
    assert order_problems(stack_reads(committed.values()), needs_of(data)) == []
    for stack in TIERS:
        job = data["jobs"][up_job(stack)]
        assert job["environment"] == stack
        step = cli_step(job, "up")
        assert step["env"]["STACK"] == stack and "--policy-pack policies" in step["run"] and "--yes" in step["run"]
    assert set(data["jobs"]) == {*TIERS, "production-preview"}


def test_a_deploy_runs_main_only_and_can_be_started_by_hand(wf):
    """Problem 6: no way to deploy the current main but re-running an old run. workflow_dispatch
    deploys the branch it is started from, so every job runs on main only (the roles trust nothing else)."""
    data = wf["infra-deploy"]
    assert data["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert {job_id: job.get("if") for job_id, job in data["jobs"].items()} == {
        job_id: "github.ref == 'refs/heads/main'" for job_id in data["jobs"]}


def test_every_up_first_refuses_a_commit_older_than_its_stacks(wf):
    """Problem 6: a re-run deployed that run's commit even after a newer one. Before each `up`, the
    stack's whole history goes to tools.deploy, in a checkout with every commit (fetch-depth 0)."""
    checked = 0
    for name, job_id, job in jobs(wf):
        if not any(re.search(r"^\s*pulumi up\b", r, re.M) for r in run_steps(job)):
            continue
        (checkout,) = steps_using(job, "actions/checkout@")
        assert checkout["with"]["fetch-depth"] == 0, job_id
        guard = next(s for s in job["steps"] if "tools.deploy check" in s.get("run", ""))
        assert job["steps"].index(guard) < job["steps"].index(cli_step(job, "up"))
        assert guard["env"]["COMMIT"] == "${{ github.sha }}" and guard["env"]["STACK"] == job_id
        assert 'pulumi stack history --json --page-size 0 --stack "$STACK" > "$RUNNER_TEMP/history.json"' in guard["run"]
        assert '--history "$RUNNER_TEMP/history.json" --commit "$COMMIT"' in guard["run"]
        assert "|| true" not in guard["run"] and "continue-on-error" not in guard
        checked += 1
    assert checked == 3


def test_the_guard_steps_run_as_written_against_a_stand_in_cli(wf, tmp_path):
    """The production preview job's record step and the up job's guard, run by bash as GitHub would
    (expressions replaced by what GitHub substitutes), with a stand-in `pulumi` that prints a history:
    the outputs the first writes are the ones the second compares, and a stack that moved stops it."""
    from tests.tools.test_deploy import entry, git

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "f").write_text("x")
    git(repo, "add", "f")
    git(repo, "-c", "user.email=c@example.com", "-c", "user.name=c", "commit", "-q", "-m", "A")
    sha = git(repo, "rev-parse", "HEAD")
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / "python").symlink_to(sys.executable)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pulumi").write_text('#!/bin/sh\ncat "$FAKE_HISTORY"\n')
    (bin_dir / "pulumi").chmod(0o755)
    history = tmp_path / "stand-in-history.json"  # what the stand-in prints; the step writes $RUNNER_TEMP/history.json
    history.write_text(json.dumps([entry("update", sha)]))
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT), "FAKE_HISTORY": str(history),
           "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "out")}

    def step_run(job: dict, marker: str, **values: str) -> subprocess.CompletedProcess:
        step = next(s for s in job["steps"] if marker in s.get("run", ""))
        fixed = {k: v for k, v in step["env"].items() if "${{" not in str(v)}
        return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env={**env, **fixed, **values},
                              capture_output=True, text=True, timeout=60)

    jobs_ = wf["infra-deploy"]["jobs"]
    assert step_run(jobs_["production-preview"], "tools.deploy record", COMMIT=sha).returncode == 0
    outputs = dict(line.split("=", 1) for line in (tmp_path / "out").read_text().split())
    assert outputs["commit"] == sha
    previewed = {"COMMIT": sha, "PREVIEWED_UPDATE": outputs["update"], "PREVIEWED_COMMIT": outputs["commit"]}
    assert step_run(jobs_["production"], "tools.deploy check", **previewed).returncode == 0
    history.write_text(json.dumps([entry("refresh", None, "2026-11-26T00:00:00Z"), entry("update", sha)]))
    moved = step_run(jobs_["production"], "tools.deploy check", **previewed)
    assert moved.returncode == 1 and "changed after its preview" in moved.stderr


def test_drift_is_a_daily_refresh_preview_on_main(wf):
    data = wf["infra-drift"]
    assert set(data["on"]) == {"schedule", "workflow_dispatch"}
    assert data["on"]["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]
    job = data["jobs"]["drift"]
    assert set(job["strategy"]["matrix"]["stack"]) == set(TIERS) and job["strategy"]["fail-fast"] is False
    assert job["if"] == "github.ref == 'refs/heads/main'"  # the plan role trusts main, not other branches
    step = cli_step(job, "preview")
    assert "--refresh" in step["run"] and "--expect-no-changes" in step["run"]


# ---------------------------------------------------------------------------------------
# 4, 5. A pinned CLI; no input that does nothing
# ---------------------------------------------------------------------------------------

def test_every_pulumi_action_step_pins_the_cli_to_requirements_txt(wf):
    """Problem 4: pulumi/actions defaults to ^3 (src/config.ts: `pulumiVersion ?? '^3'`)."""
    steps = [s for _, _, job in jobs(wf) for s in steps_using(job, PULUMI_ACTION)]
    assert len(steps) == 8
    assert all(str(s["with"]["pulumi-version"]) == pulumi_pin() for s in steps)
    # Install only: the CLI's own steps run the commands, so a login failure stops the job.
    assert all(set(s["with"]) == {"pulumi-version"} for s in steps)


def test_no_secrets_provider_input(wf):
    """Problem 5: secrets-provider applies only when the action creates the stack."""
    assert all("secrets-provider" not in (WORKFLOWS / f"{n}.yml").read_text() for n in NAMES)
    assert all("PULUMI_SECRETS_PROVIDER" not in refs(job, "vars") for _, _, job in jobs(wf))


# ---------------------------------------------------------------------------------------
# 6, 7. One comment, failures included
# ---------------------------------------------------------------------------------------

def test_one_comment_per_pr_from_one_step(wf):
    """Problem 7: the offline diff's comment plus one `comment-on-pr` comment per stack."""
    commenting = [(n, j) for n, j, job in jobs(wf) for s in job["steps"]
                  if "createComment" in str(s.get("with", {}).get("script", "")) or s.get("with", {}).get("comment-on-pr")]
    assert commenting == [("infra-pr", "comment")]
    job = wf["infra-pr"]["jobs"]["comment"]
    (post,) = steps_using(job, "actions/github-script@")
    script = post["with"]["script"]
    assert MARKER in script and "updateComment" in script and "listComments" in script
    assert SAME_REPO in job["if"]


def test_a_failed_preview_still_reaches_the_comment(wf):
    """Problem 6: the action comments only after a successful preview."""
    pr = wf["infra-pr"]["jobs"]
    preview = pr["preview"]
    assert preview["if"] == SAME_REPO and preview["strategy"]["fail-fast"] is False
    step = cli_step(preview, "preview")
    assert "|| code=$?" in step["run"] and 'exit "$code"' in step["run"] and "--policy-pack policies" in step["run"]
    summary = next(s for s in preview["steps"] if s.get("id") == "summary")
    assert summary["if"] == "${{ !cancelled() }}" and "tools.diff.preview" in summary["run"]
    assert set(preview["outputs"]) == set(PR_PREVIEW_STACKS)
    comment = pr["comment"]
    assert set(comment["needs"]) == {"diff", "preview"} and comment["if"].startswith("${{ !cancelled() && ")
    compose = next(s for s in comment["steps"] if "tools.diff.sticky" in s.get("run", ""))
    assert compose["env"]["PREVIEW_RESULT"] == "${{ needs.preview.result }}"
    assert compose["env"]["DIFF_RESULT"] == "${{ needs.diff.result }}"


def test_pr_diff_job_tests_then_diffs(wf):
    job = wf["infra-pr"]["jobs"]["diff"]
    steps = job["steps"]
    (checkout,) = steps_using(job, "actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0
    runs = run_steps(job)
    i_test = runs.index("make test")
    i_diff = next(i for i, s in enumerate(steps) if s.get("id") == "diff")
    assert i_test < i_diff
    assert '.venv/bin/python -m tools.synth --diff "origin/$BASE_REF" --stack all --format markdown > diff.md' in runs[i_diff]
    assert job["outputs"]["markdown"] == "${{ steps.diff.outputs.markdown }}"
    assert steps[-1]["if"] == "steps.diff.outputs.exit-code != '0'" and "exit 1" in steps[-1]["run"]


# ---------------------------------------------------------------------------------------
# 8. Fail fast; 9. timeouts and the lock runbook
# ---------------------------------------------------------------------------------------

def _check(step: dict, **env: str) -> subprocess.CompletedProcess:
    names = ("PULUMI_BACKEND_URL", "AWS_REGION", "ROLE_ARN")
    base = {k: v for k, v in os.environ.items() if k not in names}
    fixed = {k: v for k, v in step["env"].items() if "${{" not in str(v)}
    return subprocess.run(["bash", "-e", "-c", step["run"]], env={**base, **fixed, **env},
                          capture_output=True, text=True, timeout=30)


def test_every_backend_job_first_checks_its_variables_and_names_the_missing_one(wf):
    """Problem 8: an empty PULUMI_BACKEND_URL or role got as far as a confusing error."""
    found = backend_jobs(wf)
    assert {(n, j) for n, j, _ in found} == {("infra-pr", "preview"), ("infra-drift", "drift"), ("infra-pr", "bootstrap"),
                                              ("infra-drift", "bootstrap"), ("infra-deploy", "production-preview"),
                                              *(("infra-deploy", s) for s in TIERS)}
    s3 = "s3://state?region=eu-central-1"
    for name, job_id, job in found:
        first = job["steps"][0]
        role = first["env"]["ROLE_VARIABLE"]
        assert first["env"]["ROLE_ARN"] == f"${{{{ vars.{role} }}}}", f"{name}/{job_id}"
        cases = {
            "PULUMI_BACKEND_URL": {},
            role: {"PULUMI_BACKEND_URL": s3, "AWS_REGION": "eu-central-1"},
            "AWS_REGION": {"PULUMI_BACKEND_URL": s3, "ROLE_ARN": "arn:aws:iam::1:role/r"},
        }
        for missing, env in cases.items():
            done = _check(first, **env)
            assert done.returncode == 1 and done.stdout.count("\n") == 1, (name, job_id, missing, done.stdout)
            assert f"::{missing} is not set on " in done.stdout
        assert _check(first, PULUMI_BACKEND_URL=s3, AWS_REGION="r", ROLE_ARN="arn").returncode == 0
        assert _check(first, PULUMI_BACKEND_URL="file:///tmp/state").returncode == 0  # no AWS, no role
        login = next(s for s in job["steps"] if s.get("run", "").startswith("pulumi login"))
        assert "continue-on-error" not in login and job["steps"].index(login) < job["steps"].index(
            cli_step(job, "up" if name == "infra-deploy" and job_id != "production-preview" else "preview"))


def test_every_up_job_has_a_timeout_and_the_lock_runbook_exists(wf):
    """Problem 9: a job killed by its timeout during `up` leaves the DIY lock, and nothing said how to clear it."""
    ups = [(n, j, job) for n, j, job in jobs(wf) if any(re.search(r"\bpulumi up\b", r) for r in run_steps(job))]
    assert len(ups) == 3 and all(0 < job["timeout-minutes"] <= 60 for _, _, job in ups)
    assert all(isinstance(job.get("timeout-minutes"), int) for _, _, job in jobs(wf))
    runbook = (ROOT / "docs" / "locks.md").read_text()
    # Problem 6 (issue 23): "re-run the deploy" re-ran an old run's commit; only the latest run, or main.
    for needed in ("pulumi cancel", ".pulumi/locks/organization/vital-expert-infra/", "timeout-minutes",
                   "infra-<stack>", ".pulumi/stacks/", "re-run the **latest**", "release.md"):
        assert needed in runbook, needed
    assert "(locks.md)" in (ROOT / "docs" / "ci-and-security.md").read_text()  # the CI guide links it
    assert "docs/locks.md" in (ROOT / "README.md").read_text()


def test_every_cli_run_of_the_pack_gets_the_committed_tiers_as_pack_config(wf):
    """The pack reads no file (issue 25): each `pulumi preview|up --policy-pack` in a workflow passes what it
    needs of the other tiers, written just before by `python -m tools.policy.committed`."""
    found = 0
    for _, _, job in jobs(wf):
        for step in job.get("steps", []):
            run = step.get("run", "")
            for i, line in enumerate(run.splitlines()):
                # The tier pack's runs; the bootstrap stack's identity pack needs nothing of the tiers.
                if line.strip().startswith("pulumi ") and "--policy-pack policies" in line and "--cwd bootstrap" not in line:
                    found += 1
                    assert '--policy-pack-config "$RUNNER_TEMP/pack-config.json"' in line, line
                    before = run.splitlines()[:i]
                    assert any('tools.policy.committed > "$RUNNER_TEMP/pack-config.json"' in b for b in before), line
    assert found == 5  # PR preview, three ups, production's preview


# ---------------------------------------------------------------------------------------
# Review where review matters (issue 23, problem 9)
# ---------------------------------------------------------------------------------------

def test_codeowners_covers_what_makes_the_checks_trustworthy():
    """Problem 9: the PR comment and the policy verdict come from the PR's own code, and nothing said
    which paths need a maintainer's review. Every path that decides them, or what privileged jobs
    run, has an owner (GitHub's CODEOWNERS: `pattern @owner`, the last matching pattern wins)."""
    import fnmatch

    rules = []
    for line in (ROOT / ".github" / "CODEOWNERS").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *owners = line.split()
            assert owners and all(re.fullmatch(r"@[\w.-]+(/[\w.-]+)?", o) for o in owners), line
            rules.append((pattern, owners))

    def owners_of(path: str) -> list[str]:
        found: list[str] = []
        for pattern, owners in rules:
            anchored = pattern.lstrip("/")
            if (anchored.endswith("/") and path.startswith(anchored)) or fnmatch.fnmatch(path, anchored):
                found = owners
        return found

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    must = [p for p in tracked if p.startswith((".github/", "policies/", "bootstrap/", "vital/", "tools/"))
            or re.fullmatch(r"Pulumi(\.[\w-]+)?\.yaml", p) or p in ("Makefile", "requirements.txt", "requirements.in")]
    assert len(must) > 50 and ".github/workflows/infra-deploy.yml" in must and "Pulumi.production.yaml" in must
    assert [p for p in must if not owners_of(p)] == []
    assert owners_of("program/build.py") == []  # not every path: the ones the checks and privileged jobs rest on
    guide = (ROOT / "docs" / "ci-and-security.md").read_text()
    assert "**advisory**" in guide and "`.github/CODEOWNERS` requires the owners' approval" in guide
