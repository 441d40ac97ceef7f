"""tools.redact: the secret in a protection bypass's id never reaches a log, a summary or a comment."""

import json
import subprocess
import sys
from pathlib import Path

from tools.diff.preview import summarize, to_markdown
from tools.redact import redact

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Zq7Lk2Vb9Xw4Nc8Rt1Hy6Mp3Ds5Fa0Ge"  # 32 alphanumeric characters, as Vercel makes them
assert len(SECRET) == 32

# What `pulumi preview --diff --color never` prints for a bypass being replaced (the engine's
# display always prints the id: pkg/backend/display/object_diff.go getResourcePropertiesSummary).
DIFF = f"""Previewing update (preview):
  pulumi:pulumi:Stack: (same)
    [urn=urn:pulumi:preview::vital-expert-infra::pulumi:pulumi:Stack::vital-expert-infra-preview]
    +-vercel:index/projectProtectionBypass:ProjectProtectionBypass: (replace)
        [id=prj_2efd4c5032a19ae74ca96dea/{SECRET}]
        [urn=urn:pulumi:preview::vital-expert-infra::vital:vercel:PreviewAccess$vercel:index/projectProtectionBypass:ProjectProtectionBypass::access-preview-bypass-vital-expert]
      ~ note: "GitHub Actions end-to-end runs" => "e2e"
Resources:
    +-1 to replace
    40 unchanged
"""


def test_the_secret_part_of_a_bypass_id_is_redacted_and_the_project_kept():
    out = redact(DIFF)
    assert SECRET not in out
    assert "[id=prj_2efd4c5032a19ae74ca96dea/[secret]]" in out
    assert out.replace("/[secret]", f"/{SECRET}") == DIFF  # nothing else touched


def test_ids_that_carry_no_secret_are_left_alone():
    for text in ("[id=prj_2efd4c5032a19ae74ca96dea]", "[id=team_x/prj_y/app.vitalexpert.com]",
                 f"prj_abc/{SECRET}extra"):  # 32 characters and more: not a bypass id
        assert redact(text) == text


def test_the_filter_streams_under_the_runners_plain_python():
    """As the workflows run it: `... 2>&1 | python3 -m tools.redact`, before the virtualenv exists
    (-S: no site-packages, so only the standard library and the repository's own files)."""
    proc = subprocess.run([sys.executable, "-S", "-m", "tools.redact"], input=DIFF, capture_output=True, text=True,
                          cwd=ROOT, timeout=30)
    assert proc.returncode == 0 and proc.stderr == ""
    assert SECRET not in proc.stdout and proc.stdout == redact(DIFF)


def test_the_pr_comment_redacts_a_log_that_skipped_the_filter():
    summary = summarize("preview", 0, DIFF)
    text = json.dumps(summary) + to_markdown(summary, None)
    assert SECRET not in text and "/[secret]]" in text
