"""Adopting today's Vercel project and GitHub environment, and recording secret rotation."""

import subprocess
import sys

import yaml

from tests.stacks import ROOT, env_vars, one, render, stack_yaml, with_config, write_stack
from tools import rotate
from tools.render import stack_markdown
from tools.synth import main

ADOPT = {
    "apps": {"vital-expert": {"projectId": "prj_existing123", "envVarIds": {"OPENAI_API_KEY": "FdT2e1E5Of6Cihmt"},
                              "domains": ["app.vitalexpert.com"]}},
    "githubEnvironment": True,
}


def test_adoption_imports_instead_of_creating(tmp_path):
    doc = render("production", with_config("production", tmp_path, adopt=ADOPT))
    assert one(doc, ":Project")["importId"] == "team_vitalexpert/prj_existing123"
    assert one(doc, ":ProjectDomain")["importId"] == "team_vitalexpert/prj_existing123/app.vitalexpert.com"
    env = env_vars(doc)
    assert env["OPENAI_API_KEY"]["importId"] == "team_vitalexpert/prj_existing123/FdT2e1E5Of6Cihmt"
    assert env["LOG_LEVEL"]["importId"] is None  # not listed: created
    assert one(doc, ":RepositoryEnvironment")["importId"] == "vital-expert:production"
    # Imported production resources keep their protection.
    assert one(doc, ":Project")["protect"] and one(doc, ":ProjectDomain")["protect"]
    assert "import `team_vitalexpert/prj_existing123`" in stack_markdown(doc)


def test_adopting_a_branch(tmp_path):
    doc = render("pre-production", with_config("pre-production", tmp_path, adopt={"branch": True}))
    assert one(doc, ":Branch")["importId"] == "vital-expert:pre-production"


def test_committed_stacks_import_nothing(committed):
    for doc in committed.values():
        assert [r["name"] for r in doc["resources"] if r["importId"]] == []


def test_bad_adoption_config(tmp_path, capsys):
    cases = [
        ({"apps": {"web": {"projectId": "prj_x1"}}}, "adopt.apps", "one of the stack's apps"),
        ({"apps": {"vital-expert": {"projectId": "project-1"}}}, "projectId", "prj_"),
        ({"apps": {"vital-expert": {"projectId": "prj_x1", "domains": ["other.example.com"]}}}, "domains", "one of the app's domains"),
        ({"apps": {"vital-expert": {"projectId": "prj_x1", "envVarIds": {"NOPE": "e1"}}}}, "envVarIds", "a key the app's env or secretEnv sets"),
    ]
    for adopt, key, allowed in cases:
        assert main(["--stack", "production", "--config-file", str(with_config("production", tmp_path, adopt=adopt))]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and key in err and allowed in err, err


def test_rotate_records_the_date_and_never_the_secret(tmp_path):
    path = write_stack(tmp_path, stack_yaml("pre-production"), "Pulumi.pre-production.yaml")
    before = path.read_text()
    canary = "canary-rotated-value-91b2"
    proc = subprocess.run([sys.executable, "-m", "tools.rotate", "--stack", "pre-production", "OPENAI_API_KEY",
                           "--date", "2026-11-20", "--config-file", str(path)],
                          cwd=ROOT, capture_output=True, text=True, input=canary + "\n")
    assert proc.returncode == 0, proc.stderr
    assert "pulumi config set --stack pre-production --secret --path secretEnv.OPENAI_API_KEY" in proc.stdout
    after = path.read_text()
    assert canary not in after + proc.stdout + proc.stderr
    data = yaml.safe_load(after)
    assert data["config"]["vital-expert-infra:secretRotation"] == {"OPENAI_API_KEY": "2026-11-20"}
    # Everything else is untouched, comments included.
    assert after.startswith(before.rstrip("\n").split("\n")[0])
    assert before.count("secure:") == after.count("secure:")


def test_rotate_refuses_unknown_keys_and_future_dates(tmp_path, capsys):
    path = write_stack(tmp_path, stack_yaml("production"), "Pulumi.production.yaml")
    assert rotate.main(["--stack", "production", "NOT_A_SECRET", "--config-file", str(path)]) == 2
    assert "'NOT_A_SECRET' is not a secret of this stack" in capsys.readouterr().err
    assert rotate.main(["--stack", "production", "OPENAI_API_KEY", "--date", "2999-01-01", "--config-file", str(path)]) == 2
    assert "in the future" in capsys.readouterr().err


def test_rotation_config_is_checked(tmp_path, capsys):
    path = with_config("production", tmp_path, secretRotation={"NOT_A_SECRET": "2026-01-01"})
    assert main(["--stack", "production", "--config-file", str(path)]) == 2
    assert "'vital-expert-infra:secretRotation'" in capsys.readouterr().err
    path = with_config("production", tmp_path, secretRotation={"OPENAI_API_KEY": "last week"})
    assert main(["--stack", "production", "--config-file", str(path)]) == 2
    assert "secretRotation.OPENAI_API_KEY" in capsys.readouterr().err


def test_deploys_from_github_actions_leave_the_project_unconnected(tmp_path):
    doc = render("production", with_config("production", tmp_path, deployFrom="github-actions"))
    project = one(doc, ":Project")["inputs"]
    assert "gitRepository" not in project and "ignoreCommand" not in project


def test_deploy_from_accepts_only_the_two_deployers(tmp_path, capsys):
    assert main(["--stack", "production", "--config-file", str(with_config("production", tmp_path, deployFrom="both"))]) == 2
    assert "'vital-expert-infra:deployFrom'" in capsys.readouterr().err
