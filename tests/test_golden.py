"""Golden files: synth's JSON for the three committed stacks, byte for byte.

A refactor must not change what the program registers or what the pack finds. When a change
is meant to alter the rendered stacks, regenerate the files and review their diff:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

The rotation policies count days to a pinned date (tests/golden/pack-config.json), so the
files do not age.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import pytest

from tools.synth import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
STACKS = ("production", "pre-production", "preview")


def _synth(stack: str, *more: str) -> str:
    """What `python -m tools.synth --stack STACK` prints, run in this process (the same main())."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--stack", stack, "--format", "json", *more])
    assert code == 0, err.getvalue()
    return out.getvalue()


@pytest.mark.parametrize("stack", STACKS)
def test_synth_json_matches_the_golden_file(stack):
    path = GOLDEN / f"synth-{stack}.json"
    out = _synth(stack, "--policy-pack-config", str(GOLDEN / "pack-config.json"))
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(out)
    assert out == path.read_text(), f"synth --stack {stack} changed; review and regenerate with UPDATE_GOLDEN=1"


def test_the_bootstrap_stack_matches_its_golden_file_by_either_policy_path():
    """`--project bootstrap`: the state backend and the CI's identities, with the identity pack's
    result, the same whether the pack runs in this process or as the CLI launches it."""
    path = GOLDEN / "synth-bootstrap.json"
    out = _synth("bootstrap", "--project", "bootstrap")
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(out)
    assert out == path.read_text(), "synth --project bootstrap changed; review and regenerate with UPDATE_GOLDEN=1"
    # The identity pack launched as the CLI launches it (a test of the pack: dev/pack_process.py) finds the same.
    from dev.pack_process import PackProcess
    from tools.projects import BOOTSTRAP
    from tools.synth import synthesize

    synthesized = synthesize("bootstrap", project=BOOTSTRAP)
    with PackProcess(BOOTSTRAP.name, "bootstrap", synthesized.config, pack_dir=BOOTSTRAP.pack_dir) as pack:
        assert pack.run(synthesized.rendered.resources) == json.loads(out)["policy"]


@pytest.mark.parametrize("stack", STACKS)
def test_no_rule_waits_for_apply_on_the_committed_stacks(stack):
    """No noise: every rule runs on what a first preview knows of the committed stacks, so none
    reports pulumi-policy's "can't run policy ... during preview" advisory (the golden file is
    synth's output, held to it byte for byte above)."""
    policy = json.loads((GOLDEN / f"synth-{stack}.json").read_text())["policy"]
    assert [v for v in policy["violations"] if "can't run policy" in v["message"]] == []
