"""The exit contract every tool shares (tools/entry.py): a reader that goes away is not an internal error."""

from __future__ import annotations

import subprocess
import sys

from tests.stacks import ROOT


def test_a_closed_pipe_is_exit_141_with_no_log_and_nothing_on_stderr(tmp_path):
    # The reader reads one line and leaves; synth's JSON of three stacks is far more than a pipe buffer.
    env = {"VITAL_LOG_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    script = f"{sys.executable} -m tools.synth --no-policy 2>{tmp_path}/err | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "141"
    assert list(tmp_path.glob("*.log")) == []
    assert [line for line in (tmp_path / "err").read_text().splitlines() if "internal error" in line] == []
