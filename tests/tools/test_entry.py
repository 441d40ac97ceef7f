"""The exit contract every tool shares (tools/entry.py): a reader that goes away is not an internal error."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.stacks import ROOT


@pytest.mark.parametrize("argv", [
    ["tools.synth", "--no-policy"],  # far more than a pipe buffer: a write inside main fails
    ["tools.policy.committed"],  # a few hundred bytes: only the flush at the end meets the closed pipe
])
def test_a_closed_pipe_is_exit_141_with_no_log_and_nothing_on_stderr(tmp_path, argv):
    # Buffered stdout, as users and CI have it (PYTHONUNBUFFERED unset); `true` reads nothing and is gone
    env = {"VITAL_LOG_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = " ".join([sys.executable, "-m", *argv])
    script = f"{command} 2>{tmp_path}/err | true; echo ${{PIPESTATUS[0]}}"  # the reader is gone first
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "141"
    assert list(tmp_path.glob("*.log")) == []
    err = [line for line in (tmp_path / "err").read_text().splitlines() if "stand-ins for secrets" not in line]
    assert err == []
