"""The diff renders less: a base stack rendered before comes from `.cache/diff/` under a key
that changes with anything that changes the render, and a stack whose inputs did not change
between the base and the working tree is not rendered at the base at all, which the report says."""

from __future__ import annotations

import contextlib
import copy
import subprocess
from pathlib import Path

import pytest

from tools.diff import basecache, cli, revisions
from tools.diff.comment import comment_limit

PROD = "production"


def _repo(tmp_path: Path):
    repo = tmp_path / "repo"
    repo.mkdir()
    run = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]

    def git(*args):
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=60)

    def commit(files: dict[str, str]) -> str:
        for name, text in files.items():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_text(text)
        subprocess.run([*run, "add", "-A"], cwd=repo, check=True)
        subprocess.run([*run, "commit", "--quiet", "-m", "c"], cwd=repo, check=True)
        return git("rev-parse", "HEAD").stdout.strip()

    subprocess.run(["git", "init", "--quiet", str(repo)], check=True)
    return repo, git, commit


def test_the_key_changes_with_the_commit_the_stack_file_the_pack_and_the_renderers(tmp_path, monkeypatch):
    repo, git, commit = _repo(tmp_path)
    first = commit({"Pulumi.production.yaml": "config: {}\n", "policies/PulumiPolicy.yaml": "version: 0.1.0\n"})
    key = basecache.cache_key(first, PROD, git)
    assert key == basecache.cache_key(first, PROD, git)  # stable
    assert key != basecache.cache_key(first, "preview", git)
    assert basecache.pack_version_at(first, git) == "0.1.0"
    second = commit({"Pulumi.production.yaml": "config: {a: 1}\n"})
    third = commit({"policies/PulumiPolicy.yaml": "version: 0.2.0\n"})
    assert basecache.pack_version_at(third, git) == "0.2.0"
    assert len({key, basecache.cache_key(second, PROD, git), basecache.cache_key(third, PROD, git)}) == 3
    monkeypatch.setattr(basecache, "renderers", lambda: "python 3.11.7; pulumi==9.9.9")
    assert basecache.cache_key(first, PROD, git) != key


def test_an_entry_is_read_back_and_a_bad_one_is_a_miss(tmp_path):
    doc = {"stack": PROD, "resources": [{"urn": "u", "inputs": {"value": "[secret]"}}], "outputs": {}}
    assert basecache.load("k", tmp_path) is None
    basecache.store("k", doc, tmp_path)
    assert basecache.load("k", tmp_path) == doc
    (tmp_path / "k.json").write_text('{"stack": "production", "resou')  # cut short
    assert basecache.load("k", tmp_path) is None
    assert [p.name for p in tmp_path.iterdir()] == ["k.json"]  # no temp files left behind


def test_inputs_unchanged_follows_every_file_that_renders_the_stack(tmp_path):
    repo, git, commit = _repo(tmp_path)
    sha = commit({"Pulumi.production.yaml": "config: {}\n", "Pulumi.preview.yaml": "config: {}\n",
                  "program/build.py": "x = 1\n", "policies/PulumiPolicy.yaml": "version: 0.1.0\n", "README.md": "r\n",
                  "docs/a.md": "a\n", "tests/test_x.py": "t\n"})
    assert basecache.inputs_unchanged(sha, PROD, git)
    for name in ("README.md", "docs/a.md", "tests/test_x.py", "Pulumi.preview.yaml"):  # not production's inputs
        (repo / name).write_text("changed\n")
    assert basecache.inputs_unchanged(sha, PROD, git)
    assert not basecache.inputs_unchanged(sha, "preview", git)
    for name, text in (("Pulumi.production.yaml", "config: {a: 1}\n"), ("program/build.py", "x = 2\n"),
                       ("policies/PulumiPolicy.yaml", "version: 0.2.0\n"), ("program/new.py", "untracked\n")):
        before = (repo / name).read_text() if (repo / name).exists() else None
        (repo / name).write_text(text)
        assert not basecache.inputs_unchanged(sha, PROD, git), name
        if before is None:
            (repo / name).unlink()
        else:
            (repo / name).write_text(before)
    assert basecache.inputs_unchanged(sha, PROD, git)


@pytest.fixture
def synths(monkeypatch, tmp_path, prod):
    """revisions.run_synth faked: which tree each call rendered; the cache in tmp_path; the base's
    checkout a folder here, so no git worktree is added while other tests count them."""
    calls: list[str] = []
    base = tmp_path / "base"
    (base / "tools").mkdir(parents=True)
    (base / "tools" / "synth.py").write_text("")
    (base / f"Pulumi.{PROD}.yaml").write_text("config: {}\n")

    @contextlib.contextmanager
    def checkout(sha):
        yield base

    monkeypatch.setattr(cli, "worktree", checkout)

    def fake(root, stack, no_policy):
        calls.append("head" if root == revisions.ROOT else "base")
        doc = copy.deepcopy(prod)
        if root == revisions.ROOT:
            doc["resources"][0]["inputs"] = {"changed": "at head"}
        return 0, doc, ""

    monkeypatch.setattr(revisions, "run_synth", fake)
    monkeypatch.setattr(basecache, "CACHE_DIR", tmp_path / "cache")
    return calls


@pytest.fixture
def prod(committed):
    doc = copy.deepcopy(committed[PROD])
    doc.pop("logs", None)
    return doc


def test_a_second_diff_renders_only_the_head_until_the_key_changes(synths, monkeypatch):
    monkeypatch.setattr(basecache, "inputs_unchanged", lambda sha, stack, git: False)
    first = cli.build("HEAD", PROD, False)
    assert synths == ["head", "base"] or synths == ["base", "head"]
    synths.clear()
    second = cli.build("HEAD", PROD, False)
    assert synths == ["head"]
    assert second == first and len(first["stacks"][0]["changed"]) == 1
    synths.clear()
    monkeypatch.setattr(basecache, "renderers", lambda: "another SDK")  # invalidated: rendered again
    cli.build("HEAD", PROD, False)
    assert sorted(synths) == ["base", "head"]


def test_a_stack_with_unchanged_inputs_is_not_rendered_at_the_base_and_the_comment_says_so(synths, monkeypatch):
    monkeypatch.setattr(basecache, "inputs_unchanged", lambda sha, stack, git: True)
    result = cli.build("HEAD", PROD, False)
    assert synths == ["head"]
    (stack,) = result["stacks"]
    assert stack["baseSkipped"].startswith("inputs unchanged since the base")
    assert not stack["added"] and not stack["removed"] and not stack["changed"] and "baseNote" not in stack
    text = cli.markdown(result)
    assert "_Not rendered at the base, inputs unchanged (program, stack file, pack): `production`._" in text
    assert len(text.encode()) <= comment_limit()


@pytest.mark.parametrize("argv, message", [
    (["HEAD", "--jobs", "2"], "--jobs 2 was retired: stacks render one after another in one process; drop the flag"),
    (["HEAD", "--policy-process"], "--policy-process was retired: the policy pack runs in this process, driven with "
                                   "the requests the CLI sends; drop the flag"),
    (["--policy-process", "HEAD"], "--policy-process was retired: the policy pack runs in this process, driven with "
                                   "the requests the CLI sends; drop the flag"),  # HEAD is not named as its value
])
def test_the_diffs_retired_flags_answer_with_one_line_naming_what_replaced_them(capsys, argv, message):
    assert cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"diff: {message}\n"
