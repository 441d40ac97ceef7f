"""Every command in the runbooks is one the tests run or check exists."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml

from tests.stacks import ROOT, render, with_config

DOCS = sorted((ROOT / "docs").glob("*.md"))

# Commands of other tools the runbooks use, with the subcommands and flags they rely on.
# Sources: pulumi.com/docs/iac/cli/commands/ (pulumi_preview, pulumi_up, pulumi_refresh,
# pulumi_cancel, pulumi_stack_history, pulumi_stack_select, pulumi_stack_init,
# pulumi_config_set); vercel.com/docs/cli (list, rollback, promote, rolling-release: fetch, abort,
# complete, approve --dpl --currentStageIndex); git-scm.com/docs.
EXTERNAL = {
    ("pulumi", "preview"): {"--stack", "--policy-pack", "--refresh", "--expect-no-changes"},
    ("pulumi", "up"): {"--stack", "--policy-pack"},
    ("pulumi", "refresh"): {"--stack"},
    ("pulumi", "cancel"): {"--stack"},
    ("pulumi", "login"): set(),
    ("pulumi", "stack", "history"): {"--stack"},
    ("pulumi", "stack", "select"): set(),
    ("pulumi", "stack", "init"): {"--secrets-provider"},
    ("pulumi", "config", "set"): {"--secret", "--stack", "--path"},
    ("vercel", "list"): {"--prod"},
    ("vercel", "rollback"): {"--timeout"},
    ("vercel", "promote"): set(),
    ("vercel", "rolling-release", "fetch"): set(),
    ("vercel", "rolling-release", "abort"): {"--dpl"},
    ("vercel", "rolling-release", "complete"): {"--dpl"},
    ("vercel", "rolling-release", "approve"): {"--dpl", "--currentStageIndex"},
    ("git", "checkout"): set(),
    ("git", "revert"): set(),
    ("git", "push"): set(),
    # docs/locks.md: reading and deleting one lock file (docs.aws.amazon.com/cli, s3 cp, s3 rm).
    ("aws", "s3", "cp"): set(),
    ("aws", "s3", "rm"): set(),
}


def commands(path: Path) -> list[list[str]]:
    text = path.read_text()
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line and not line.startswith("#"):
                found.append(shlex.split(line))
    return found


ALL = [(doc.name, cmd) for doc in DOCS for cmd in commands(doc)]


def test_the_runbooks_exist():
    names = {d.name for d in DOCS}
    assert {"promotion.md", "rollback.md", "adding-a-tier-or-app.md", "rotating-a-secret.md", "app-repo.md"} <= names
    assert len(ALL) >= 20


def _make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), re.M))


@pytest.mark.parametrize("doc,cmd", ALL, ids=[f"{d}:{' '.join(c)[:60]}" for d, c in ALL])
def test_command_exists(doc, cmd):
    if cmd[0] == "make":
        assert set(cmd[1:]) <= _make_targets(), cmd
    elif cmd[0].endswith("python") and cmd[1:3][0] == "-m":
        module = importlib.import_module(cmd[2])
        args = cmd[3:]
        # The tool's own parser accepts the arguments exactly as written (nothing runs).
        module.build_parser().parse_args(args)
    else:
        words = [w for w in cmd if not w.startswith("-")]
        key = next((k for k in EXTERNAL if tuple(words[: len(k)]) == k), None)
        assert key is not None, f"{doc}: unknown command {' '.join(cmd)}"
        flags = {w.split("=")[0] for w in cmd if w.startswith("--") and w != "--"}
        assert flags <= EXTERNAL[key], f"{doc}: {' '.join(cmd)} uses {flags - EXTERNAL[key]}"


def test_the_apps_example_in_the_runbook_renders(tmp_path):
    text = (ROOT / "docs" / "adding-a-tier-or-app.md").read_text()
    snippet = yaml.safe_load(re.search(r"```yaml\n(.*?)```", text, re.S).group(1))
    apps = snippet["config"]["vital-expert-infra:apps"]
    doc = render("production", with_config("production", tmp_path, apps=apps))
    names = {r["inputs"]["name"] for r in doc["resources"] if r["type"].endswith(":Project")}
    assert names == {"vital-expert-production", "pharma-app-production"}


def test_app_repo_rollback_workflow_is_a_valid_workflow():
    import subprocess
    import sys

    path = ROOT / "docs" / "app-repo-rollback.yml"
    proc = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema",
                           "vendor.github-workflows", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    workflow = yaml.safe_load(path.read_text())
    job = workflow["jobs"]["rollback"]
    assert job["environment"] == "${{ inputs.tier }}"  # the environment-scoped secrets
    assert "secrets.VERCEL_TOKEN" in path.read_text() and "vars.VERCEL_PROJECT_ID" in path.read_text()
    for step in job["steps"]:
        if "uses" in step:
            assert re.search(r"@[0-9a-f]{40}$", step["uses"]), step["uses"]


def test_app_repo_doc_lists_every_env_var_the_program_sets(committed):
    text = (ROOT / "docs" / "app-repo.md").read_text()
    keys = {r["inputs"]["key"] for doc in committed.values() for r in doc["resources"] if r["type"].endswith(":ProjectEnvironmentVariable")}
    missing = [k for k in keys if f"`{k}`" not in text]
    assert missing == []


def test_the_readme_lists_each_stacks_secrets_as_the_model_does():
    """The README's setup commands are the config model's list (program/secrets.py), stack by stack."""
    from program.secrets import required_secrets
    from vital.names import TIERS

    readme = (ROOT / "README.md").read_text()
    block = re.search(r"Each stack's secrets, from the config model.*?```sh\n(.*?)```", readme, re.S).group(1)
    listed: dict[str, list[str]] = {}
    for line in block.splitlines():
        if line.startswith("# "):
            stack = line[2:]
            listed[stack] = []
        elif line.strip():
            listed[stack].append(line.strip())
    assert listed == {tier: [s.command(tier) for s in required_secrets(tier)] for tier in TIERS}
    assert "secretEnv.LANGFUSE_PUBLIC_KEY" in listed["production"][4] and len(listed["production"]) == 9
