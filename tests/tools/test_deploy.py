"""tools.deploy: never deploy backwards, and apply only what was previewed (issue 23, problems 5
and 6: production's `up` planned again after its approval, and a re-run of an old deploy rolled
production back). Judged against a real git repository and history entries shaped as the CLI's
`pulumi stack history --json` prints them (pkg/cmd/pulumi/stack/stack_history.go updateInfoJSON)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tools.deploy import main, update_id


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, timeout=30).stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> dict[str, object]:
    """main: A - B - C, and a branch commit X off A that main never merged."""
    path = tmp_path_factory.mktemp("repo")
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "ci@example.com")
    git(path, "config", "user.name", "ci")
    commits = {}
    for name in ("A", "B", "C"):
        (path / "f").write_text(name)
        git(path, "add", "f")
        git(path, "commit", "-q", "-m", name)
        commits[name] = git(path, "rev-parse", "HEAD")
    git(path, "checkout", "-q", "-b", "side", commits["A"])
    (path / "g").write_text("x")
    git(path, "add", "g")
    git(path, "commit", "-q", "-m", "X")
    commits["X"] = git(path, "rev-parse", "HEAD")
    git(path, "checkout", "-q", "main")
    return {"path": path, **commits}


def entry(kind: str, head: str | None, start: str = "2026-11-25T10:00:00Z") -> dict:
    environment = {"exec.kind": "cli", "git.dirty": "false", "ci.system": "GitHub"}
    if head:
        environment["git.head"] = head
    return {"version": 0, "kind": kind, "startTime": start, "message": head or "", "environment": environment,
            "config": {"vital-expert-infra:vercelDeployToken": {"secret": True}}, "result": "succeeded",
            "endTime": "2026-11-25T10:04:00Z", "resourceChanges": {"same": 40}}


def run(repo, tmp_path, capsys, history, commit: str, command: str = "check", *more: str) -> tuple[int, str, str]:
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history))
    code = main([command, "--stack", "production", "--history", str(path), "--commit", commit, "--repo",
                 str(repo["path"]), *more])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_newer_commit_deploys_and_so_does_the_same_one(repo, tmp_path, capsys):
    for commit in (repo["C"], repo["B"]):
        code, out, _ = run(repo, tmp_path, capsys, [entry("refresh", None), entry("update", repo["B"])], commit)
        assert code == 0 and out == f"deploy: stack 'production': commit {commit[:12]} may deploy\n"


def test_a_rerun_of_an_older_commit_is_refused_in_one_line(repo, tmp_path, capsys):
    code, out, err = run(repo, tmp_path, capsys, [entry("update", repo["C"])], repo["B"])
    assert (code, out) == (1, "")
    assert err == (f"deploy: stack 'production': commit {repo['B'][:12]} does not descend from {repo['C'][:12]}, "
                   f"which the stack last deployed: deploying it would roll production back; deploy main's latest "
                   f"commit instead (Actions > infra-deploy > Run workflow, or re-run only the latest run)\n")


def test_a_commit_main_never_had_or_none_at_all_is_refused(repo, tmp_path, capsys):
    code, _, err = run(repo, tmp_path, capsys, [entry("update", "f" * 40)], repo["C"])
    assert code == 1 and "which this repository's history does not hold" in err
    code, _, err = run(repo, tmp_path, capsys, [entry("update", repo["X"])], repo["C"])
    assert code == 1 and "does not descend from" in err  # a branch's commit, deployed by hand
    code, _, err = run(repo, tmp_path, capsys, [entry("update", None)], repo["C"])
    assert code == 1 and "recorded no commit (git.head)" in err


def test_the_first_deploy_and_refreshes_alone_pass(repo, tmp_path, capsys):
    assert run(repo, tmp_path, capsys, [], repo["A"])[0] == 0
    assert run(repo, tmp_path, capsys, None, repo["A"])[0] == 0  # the CLI's JSON for no update at all
    assert run(repo, tmp_path, capsys, [entry("refresh", repo["C"])], repo["A"])[0] == 0  # no up yet


def test_record_prints_the_outputs_the_up_job_compares(repo, tmp_path, capsys):
    history = [entry("update", repo["B"])]
    code, out, _ = run(repo, tmp_path, capsys, history, repo["C"], "record")
    assert code == 0 and out == f"update={update_id(history)}\ncommit={repo['C']}\n"
    assert run(repo, tmp_path, capsys, history, repo["B"], "record")[0] == 0
    assert run(repo, tmp_path, capsys, [entry("update", repo["C"])], repo["B"], "record")[0] == 1  # backwards: no preview


def test_up_refuses_when_the_stack_or_the_commit_moved_after_the_preview(repo, tmp_path, capsys):
    previewed = [entry("update", repo["B"])]
    same = ["--previewed-update", update_id(previewed), "--previewed-commit", repo["C"]]
    assert run(repo, tmp_path, capsys, previewed, repo["C"], "check", *same)[0] == 0
    moved = [entry("refresh", None, "2026-11-25T11:00:00Z"), *previewed]  # someone refreshed it meanwhile
    code, _, err = run(repo, tmp_path, capsys, moved, repo["C"], "check", *same)
    assert code == 1 and err == ("deploy: stack 'production' changed after its preview (its newest update is now: "
                                 "refresh of 2026-11-25T11:00:00Z); re-run the whole workflow, so the reviewers "
                                 "approve a preview of the stack as it is\n")
    code, _, err = run(repo, tmp_path, capsys, previewed, repo["C"], "check", "--previewed-update", update_id(previewed),
                       "--previewed-commit", repo["B"])
    assert code == 1 and f"this job would apply commit {repo['C'][:12]}, but its preview showed {repo['B'][:12]}" in err


def test_bad_input_is_one_line_and_exit_2(repo, tmp_path, capsys):
    code, _, err = run(repo, tmp_path, capsys, [], "HEAD")
    assert code == 2 and err.count("\n") == 1 and "allowed: a full commit id" in err
    code, _, err = run(repo, tmp_path, capsys, {"kind": "update"}, repo["C"])
    assert code == 2 and "allowed: a list of updates" in err
    (tmp_path / "history.json").write_text("Error: no stack named 'production' found")
    code = main(["check", "--stack", "production", "--history", str(tmp_path / "history.json"), "--commit", repo["C"]])
    assert code == 2 and "not the JSON `pulumi stack history --json` prints" in capsys.readouterr().err


def test_a_shallow_clone_is_refused_before_it_could_pass_wrongly(repo, tmp_path, capsys):
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo['path']}", str(shallow)], check=True, timeout=60)
    path = tmp_path / "history.json"
    path.write_text(json.dumps([entry("update", repo["B"])]))
    code = main(["check", "--stack", "production", "--history", str(path), "--commit", repo["C"], "--repo", str(shallow)])
    assert code == 2 and "fetch-depth: 0" in capsys.readouterr().err
