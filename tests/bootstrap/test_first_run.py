"""`make bootstrap` (bootstrap/run.sh) with a stand-in `pulumi` on PATH that records each call:
the first run on a new account (local state, up, migrate into the bucket, up again), a later run
(up in the bucket only), and its refusals. The stand-in checks nothing of Pulumi's own: each flag
the script passes is one the CLI has (tests/test_docs.py's table, from pulumi/pulumi's source)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import threading
from pathlib import Path

import pytest

from tests.bootstrap.support import ROOT, doc
from tests.tools.test_oidc import NAME_FORM, FakeGitHub

SCRIPT = ROOT / "bootstrap" / "run.sh"
S3 = "s3://vital-expert-pulumi-state?region=eu-central-1"
FAKE = """#!/usr/bin/env bash
printf '%s | %s\\n' "${PULUMI_BACKEND_URL:-}" "$*" >> "$FAKE_LOG"
case "$*" in
  version) echo "v${FAKE_VERSION}" ;;
  "stack select --non-interactive bootstrap") [ "$FAKE_IN_BUCKET" = 1 ] && [ "${PULUMI_BACKEND_URL#s3://}" != "$PULUMI_BACKEND_URL" ] || exit 255 ;;
  "stack output --json --stack bootstrap") cat "$FAKE_OUTPUTS" ;;
esac
"""


@pytest.fixture(scope="module")
def github():
    fake = FakeGitHub()
    fake.repository(NAME_FORM)
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def run(tmp_path: Path, github: FakeGitHub, in_bucket: bool, **env: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "pulumi").write_text(FAKE)
    (bin_dir / "pulumi").chmod(0o755)
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(doc()["outputs"]))
    log = tmp_path / "calls.log"
    log.write_text("")
    pin = next(line.split("==")[1].split()[0] for line in (ROOT / "requirements.txt").read_text().splitlines() if line.startswith("pulumi=="))
    full = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_LOG": str(log),
            "FAKE_OUTPUTS": str(outputs), "FAKE_IN_BUCKET": "1" if in_bucket else "0", "FAKE_VERSION": pin,
            "GITHUB_TOKEN": "ghs_test", "GITHUB_API_URL": github.url,
            "BOOTSTRAP_STATE_DIR": str(tmp_path / "state"), **env}
    done = subprocess.run(["bash", str(SCRIPT)], env=full, capture_output=True, text=True, timeout=120)
    return done, [line for line in log.read_text().splitlines() if line]


def test_the_first_run_starts_local_then_moves_the_stack_into_its_bucket(tmp_path, github):
    done, calls = run(tmp_path, github, in_bucket=False)
    assert done.returncode == 0, done.stderr
    local = f"file://{tmp_path / 'state'}"
    assert calls == [
        " | version",
        f"{S3} | stack select --non-interactive bootstrap",
        f"{local} | stack select --non-interactive --create --secrets-provider passphrase bootstrap",
        f"{local} | up --stack bootstrap --policy-pack policies",
        f"{S3} | stack migrate {local} bootstrap --secrets-provider awskms://alias/pulumi-state-bootstrap?region=eu-central-1 --yes",
        f"{S3} | up --stack bootstrap --policy-pack policies",
        f"{S3} | stack output --json --stack bootstrap",
    ]
    assert "is trusted, and the subject template is repo, context, job_workflow_ref" in done.stdout
    assert "repository variable PULUMI_BACKEND_URL=" + S3 in done.stdout
    assert "environment production: variable AWS_DEPLOY_ROLE_ARN=" in done.stdout
    assert 'pulumi stack init production --secrets-provider "awskms://alias/pulumi-state-production?region=eu-central-1"' in done.stdout


def test_a_later_run_is_one_up_in_the_bucket(tmp_path, github):
    done, calls = run(tmp_path, github, in_bucket=True)
    assert done.returncode == 0, done.stderr
    assert [c.split(" | ")[1] for c in calls] == ["version", "stack select --non-interactive bootstrap",
                                                  "up --stack bootstrap --policy-pack policies",
                                                  "stack output --json --stack bootstrap"]
    assert not (tmp_path / "state").exists()


@pytest.mark.parametrize("env, message", [
    ({"GITHUB_TOKEN": ""}, "GITHUB_TOKEN is not set"),
    ({"FAKE_VERSION": "3.100.0"}, "pulumi is v3.100.0; allowed: v"),
])
def test_it_refuses_in_one_line_before_touching_anything(tmp_path, github, env, message):
    done, calls = run(tmp_path, github, in_bucket=True, **env)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and message in done.stderr
    assert [c.split(" | ")[1] for c in calls] == ["version"]


def test_every_pulumi_call_of_the_script_uses_flags_the_cli_has():
    from tests.test_docs import EXTERNAL

    calls = [shlex.split(line.split("timeout ")[-1].split(" | ")[0].replace('"', ""))[1:]
             for line in SCRIPT.read_text().splitlines() if " pulumi " in line and "timeout " in line
             and "$(timeout" not in line and not line.lstrip().startswith("#")]
    checked = 0
    for words in calls:
        plain = [w for w in words if not w.startswith("-") and not w.startswith("$")]
        key = next(k for k in EXTERNAL if tuple(plain[: len(k)]) == k)
        flags = {w for w in words if w.startswith("--")}
        assert flags <= EXTERNAL[key], (words, flags - EXTERNAL[key])
        checked += 1
    assert checked >= 6
