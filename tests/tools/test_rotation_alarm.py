"""Rotation is an alarm, not a gate (issue 25, item 1).

Nothing committed fails because the calendar moved: synth on the committed stacks with the clock a
year ahead exits 0 (the clock is injected through vital.clock; no sleeps, no real date). The alarm
is `python -m tools.rotate --check`, which the scheduled infra-drift workflow runs: exit 1 naming
each overdue or never-recorded secret, 0 when none is, 2 for bad input.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from tools import rotate
from tools.synth import main as synth
from vital import clock

ROOT = Path(__file__).resolve().parents[2]
PROD = ROOT / "Pulumi.production.yaml"
SECRETS = ("vercelDeployToken", "supabaseDbUrl", "OPENAI_API_KEY",
           "SUPABASE_SERVICE_ROLE_KEY", "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY")
TODAY = date(2027, 3, 1)


@pytest.fixture
def frozen(monkeypatch):
    def at(day: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)
    return at


def test_the_committed_stacks_render_green_a_year_ahead(frozen, capsys):
    frozen(clock.today() + timedelta(days=365))
    assert synth(["--stack", "all"]) == 0
    docs = __import__("json").loads(capsys.readouterr().out)
    rotation = [v for d in docs for v in d["policy"]["violations"] if v["policy"].startswith("secret-rotation")]
    assert rotation and {v["enforcementLevel"] for v in rotation} == {"advisory"}


def test_the_committed_production_stack_records_no_made_up_date():
    config = yaml.safe_load(PROD.read_text())["config"]
    assert "vital-expert-infra:secretRotation" not in config
    assert "never recorded" in PROD.read_text()


def _stack_file(tmp_path: Path, rotated: dict[str, str] | None) -> Path:
    data = yaml.safe_load(PROD.read_text())
    if rotated is not None:
        data["config"]["vital-expert-infra:secretRotation"] = rotated
    path = tmp_path / "Pulumi.production.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _check(path: Path, capsys) -> tuple[int, list[str], str]:
    code = rotate.main(["--check", "--stack", "production", "--config-file", str(path)])
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def test_never_recorded_sounds_the_alarm_naming_each_secret(frozen, capsys):
    frozen(TODAY)
    code, lines, _ = _check(PROD, capsys)
    assert code == 1
    for name in SECRETS:
        assert any(f"secret {name}: rotation never recorded" in line and f"tools.rotate --stack production {name}" in line
                   for line in lines), name
    assert lines[-1] == "rotate: 6 secret(s) overdue or never recorded (limit 90 days)"


@pytest.mark.parametrize("age, code, marker", [(0, 0, None), (74, 0, None), (75, 0, "due, rotate before"),
                                                (89, 0, "due, rotate before"), (90, 1, "90 days ago"), (400, 1, "400 days ago")])
def test_the_alarm_counts_days_to_the_injected_clock(tmp_path, frozen, capsys, age, code, marker):
    frozen(TODAY)
    when = (TODAY - timedelta(days=age)).isoformat()
    found, lines, _ = _check(_stack_file(tmp_path, {name: when for name in SECRETS}), capsys)
    assert found == code
    marked = [line for line in lines if marker and marker in line]
    assert len(marked) == (len(SECRETS) if marker else 0)
    if code:
        assert lines[-1] == "rotate: 6 secret(s) overdue or never recorded (limit 90 days)"
    else:
        assert lines[-1] == "rotate: no secret overdue"


@pytest.mark.parametrize("value", ["2027-02-30", "last week", "2099-01-01"])
def test_a_bad_recorded_date_is_one_line_and_exit_2(tmp_path, frozen, capsys, value):
    frozen(TODAY)
    rotated = {name: "2027-02-01" for name in SECRETS} | {"OPENAI_API_KEY": value}
    code, _, err = _check(_stack_file(tmp_path, rotated), capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"secretRotation.OPENAI_API_KEY is '{value}'" in err and "allowed: a quoted 'YYYY-MM-DD'" in err


def test_bad_usage_is_exit_2(capsys):
    assert rotate.main(["--check", "--stack", "staging"]) == 2
    assert "Pulumi.staging.yaml not found" in capsys.readouterr().err
    assert rotate.main(["--check", "OPENAI_API_KEY"]) == 2
    assert rotate.main(["OPENAI_API_KEY"]) == 2  # recording needs --stack


def test_the_drift_workflow_sounds_the_alarm_with_this_command():
    """The step, its command and its exit code: the workflow's own command, run on the committed files."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/infra-drift.yml").read_text())
    job = workflow["jobs"]["rotation"]
    assert job["if"] == "github.ref == 'refs/heads/main'" and job["permissions"] == {"contents": "read"}
    assert "secrets." not in yaml.safe_dump(job)  # the committed files only
    step = next(s for s in job["steps"] if "tools.rotate" in s.get("run", ""))
    assert "set -o pipefail" in step["run"]  # the tee must not hide the exit code
    command = next(line for line in step["run"].splitlines() if "tools.rotate" in line).split("|")[0].split()
    assert command[:3] == [".venv/bin/python", "-m", "tools.rotate"] and "--check" in command
    proc = subprocess.run([sys.executable, *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr  # the committed stack records no date yet: the alarm is red
    assert "rotation never recorded" in proc.stdout
