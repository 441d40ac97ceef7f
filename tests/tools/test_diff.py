"""The desired-state diff (tools.diff): the pure diff on synth documents, the PR-comment
markdown and its size bound, the CLI's errors, and one end-to-end run through a git worktree."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from vital.facts import GITHUB_COMMENT_MAX_CHARS
from tests.pulumi_crypto import SESSION_SALT_LINE, encrypt
from tests.stacks import NS, ROOT, env_vars, one, stack_yaml
from tools.entry import EXIT_USAGE
from tools.diff import changes, cli, comment, revisions
from tools.synth import main as synth_main
from vital.names import TIERS

PROD = "production"
OPENAI = f"{NS}:secretEnv.OPENAI_API_KEY"


@pytest.fixture
def prod(committed):
    doc = copy.deepcopy(committed[PROD])
    doc.pop("logs", None)
    return doc


def _project(doc):
    return one(doc, ":Project")


def _only(result_stack, key):
    assert len(result_stack[key]) == 1, result_stack[key]
    return result_stack[key][0]


def _paths(stack):
    return {(c["urn"], ch["path"]): (ch["old"], ch["new"]) for c in stack["changed"] for ch in c["changes"]}


# ---------------------------------------------------------------------------------------
# The pure diff
# ---------------------------------------------------------------------------------------

def test_nothing_changed(prod):
    stack = changes.diff_stack(PROD, prod, copy.deepcopy(prod), stack_yaml(PROD), stack_yaml(PROD))
    assert (stack["added"], stack["removed"], stack["changed"], stack["secretsChanged"], stack["outputsChanged"]) == ([],) * 5
    assert not changes.has_changes(stack)
    md = comment.to_markdown(changes.diff_docs("origin/main", {PROD: prod}, [prod]))
    assert "- `production`: no changes." in md
    assert "<details>" not in md


def test_changed_properties_with_paths_and_old_new_values(prod):
    head = copy.deepcopy(prod)
    _project(head)["inputs"]["resourceConfig"]["functionDefaultTimeout"] = 25
    domain = one(head, ":ProjectDomain")
    domain["protect"] = False
    stack = changes.diff_stack(PROD, prod, head)
    paths = _paths(stack)
    assert paths[(_project(head)["urn"], "inputs.resourceConfig.functionDefaultTimeout")] == (30.0, 25)
    assert paths[(domain["urn"], "protect")] == (True, False)
    assert len(stack["changed"]) == 2 and not stack["added"] and not stack["removed"]
    md = comment.to_markdown(changes.diff_docs("origin/main", {PROD: prod}, [head]))
    # Old and new value as a `diff` block per resource, not as table cells.
    assert "```diff\n- inputs.resourceConfig.functionDefaultTimeout: 30\n+ inputs.resourceConfig.functionDefaultTimeout: 25\n```" in md
    assert "```diff\n- protect: true\n+ protect: false\n```" in md
    assert "`vital-expert-project` (`vercel:Project`)" in md


def test_added_and_removed_resources(prod):
    head = copy.deepcopy(prod)
    gone = env_vars(head)["LOG_LEVEL"]
    head["resources"].remove(gone)
    new = copy.deepcopy(env_vars(head)["SENTRY_ENABLED"])
    new["urn"] = new["urn"].replace("sentry_enabled", "feature_flag")
    new["name"] = new["name"].replace("sentry_enabled", "feature_flag")
    new["inputs"] = {**new["inputs"], "key": "FEATURE_FLAG", "value": "on"}
    head["resources"].append(new)
    stack = changes.diff_stack(PROD, prod, head)
    assert _only(stack, "added")["urn"] == new["urn"]
    assert _only(stack, "removed")["urn"] == gone["urn"]
    assert "possiblyRenamedFrom" not in stack["added"][0]  # different inputs: not a rename
    assert not stack["changed"]


def test_renamed_resource_is_one_removed_and_one_added_with_a_hint(prod):
    head = copy.deepcopy(prod)
    res = env_vars(head)["LOG_LEVEL"]
    old_urn = res["urn"]
    res["urn"] = old_urn.replace("vital-expert-env-log_level", "vital-expert-env-loglevel")
    res["name"] = "vital-expert-env-loglevel"
    stack = changes.diff_stack(PROD, prod, head)
    added, removed = _only(stack, "added"), _only(stack, "removed")
    assert added["possiblyRenamedFrom"] == old_urn and removed["possiblyRenamedTo"] == res["urn"]
    md = comment.to_markdown(changes.diff_docs("b", {PROD: prod}, [head]))
    assert "renamed from `vital-expert-env-log_level`?" in md


def test_secret_values_compare_equal_and_a_ciphertext_change_is_reported_without_a_value(prod):
    secret_var = env_vars(prod)["OPENAI_API_KEY"]
    assert secret_var["inputs"]["value"] == "[secret]"
    base_yaml, head_yaml = stack_yaml(PROD), stack_yaml(PROD)
    old_cipher = base_yaml["config"][f"{NS}:secretEnv"]["OPENAI_API_KEY"]["secure"]
    new_cipher = "v1:bmV3LXNhbHQ=:Y2lwaGVydGV4dC10aGF0LWNoYW5nZWQ="
    head_yaml["config"][f"{NS}:secretEnv"]["OPENAI_API_KEY"]["secure"] = new_cipher
    head_yaml["config"][f"{NS}:protectionPassword"] = {"secure": "v1:YQ==:Yg=="}
    stack = changes.diff_stack(PROD, prod, copy.deepcopy(prod), base_yaml, head_yaml)
    assert not stack["changed"]  # "[secret]" on both sides
    assert stack["secretsChanged"] == [
        {"key": f"{NS}:protectionPassword", "change": "added"},
        {"key": OPENAI, "change": "changed"},
    ]
    result = changes.diff_docs("b", {PROD: prod}, [prod], {PROD: base_yaml}, {PROD: head_yaml})
    md = comment.to_markdown(result)
    text = md + json.dumps(changes.public_json(result))
    assert f"secret config changed: `{OPENAI}`" in md
    for cipher in (old_cipher, new_cipher, "Y2lwaGVydGV4dC10aGF0LWNoYW5nZWQ"):
        assert cipher not in text


def test_secret_becoming_plain_is_a_change(prod):
    head = copy.deepcopy(prod)
    env_vars(head)["OPENAI_API_KEY"]["inputs"]["value"] = "now-public"
    change = _only(changes.diff_stack(PROD, prod, head), "changed")["changes"]
    assert change == [{"path": "inputs.value", "old": "[secret]", "new": "now-public"}]


def test_dependency_order_is_not_a_change(prod):
    head = copy.deepcopy(prod)
    for res in head["resources"]:
        res["dependencies"] = list(reversed(res["dependencies"]))
    assert not changes.diff_stack(PROD, prod, head)["changed"]


def test_value_changes_paths():
    old = {"a": {"b": [1, {"c": "x"}], "k.dot": 1}, "gone": True}
    new = {"a": {"b": [1, {"c": "y"}], "k.dot": 2}, "new": None}
    assert changes.value_changes(old, new, "inputs") == [
        {"path": "inputs.a.b[1].c", "old": "x", "new": "y"},
        {"path": 'inputs.a["k.dot"]', "old": 1, "new": 2},
        {"path": "inputs.gone", "old": True, "new": None},
        {"path": "inputs.new", "old": None, "new": None},
    ]
    assert changes.value_changes([1, 2], [1, 2, 3], "l") == [{"path": "l", "old": [1, 2], "new": [1, 2, 3]}]
    assert changes.value_changes(True, 1, "p") and not changes.value_changes(30, 30.0, "p")


def test_a_stack_missing_in_the_base_is_all_added(prod, tmp_path):
    docs, notes = revisions.render_base(tmp_path, [PROD])  # an empty checkout: no tools/synth.py
    assert docs == {PROD: None} and "no tools/synth.py" in notes[PROD]
    result = changes.diff_docs("old", docs, [prod], base_notes=notes)
    stack = result["stacks"][0]
    assert len(stack["added"]) == len(prod["resources"]) and not stack["removed"]
    assert "no tools/synth.py" in comment.to_markdown(result)


# ---------------------------------------------------------------------------------------
# Policy results and exit codes
# ---------------------------------------------------------------------------------------

def _violation(level, urn="urn:pulumi:production::vital-expert-infra::vercel:index/project:Project::p"):
    return {"policy": "no-plaintext-secrets", "enforcementLevel": level, "urn": urn, "message": "a | b"}


@pytest.mark.parametrize("levels, code, verdict", [
    ([], 0, "✅ policy passed"),
    (["advisory"], 0, "⚠️ policy passed with 1 advisory violation"),
    (["mandatory", "advisory"], 1, "❌ policy: 1 mandatory violation, 1 advisory"),
])
def test_policy_verdict_and_exit_code(prod, levels, code, verdict):
    head = copy.deepcopy(prod)
    head["policy"] = {"pack": "vital-expert-policies", "violations": [_violation(level) for level in levels]}
    result = changes.diff_docs("b", {PROD: prod}, [head])
    assert changes.exit_code(result) == code
    assert result["stacks"][0]["policy"] == head["policy"]
    md = comment.to_markdown(result)
    assert verdict in md.splitlines()[3]
    if levels:  # an unchanged stack with violations is not folded into one line
        assert "<details><summary><b>production</b>" in md and "no-plaintext-secrets" in md


def test_policy_absent_or_skipped(prod):
    assert "➖ no policy results" in comment.to_markdown(changes.diff_docs("b", {PROD: prod}, [prod]))
    skipped = changes.diff_docs("b", {PROD: prod}, [prod], policy_run=False)
    assert "policy not run (--no-policy)" in comment.to_markdown(skipped)
    assert changes.exit_code(skipped) == 0


# ---------------------------------------------------------------------------------------
# Markdown size: one PR comment, whatever the diff
# ---------------------------------------------------------------------------------------

def _synthetic(stack, n, variant):
    root = f"urn:pulumi:{stack}::p::pulumi:pulumi:Stack::p-{stack}"
    resources = []
    for c in range(20):
        comp = f"urn:pulumi:{stack}::p::vital:x:Component::comp-{c}"
        resources.append({"urn": comp, "type": "vital:x:Component", "name": f"comp-{c}", "parent": root,
                          "inputs": {}, "protect": False, "dependencies": []})
    for i in range(n):
        name = f"res-{variant if i % 3 == 0 else 'same'}-{i:05d}-" + "x" * 40
        resources.append({
            "urn": f"urn:pulumi:{stack}::p::vital:x:Component$vercel:index/thing:Thing::{name}",
            "type": "vercel:index/thing:Thing", "name": name, "parent": f"urn:pulumi:{stack}::p::vital:x:Component::comp-{i % 20}",
            "inputs": {"value": f"{variant}-{i}-" + "v" * 150, "secret": "[secret]", "n": i},
            "protect": variant == "new", "dependencies": [],
        })
    return {"project": "p", "stack": stack, "resources": resources, "outputs": {}}


def test_markdown_of_a_2000_resource_diff_fits_one_comment():
    stacks = TIERS
    base = {s: _synthetic(s, 2000, "old") for s in stacks}
    head = [_synthetic(s, 2000, "new") for s in stacks]
    for doc in head:
        doc["policy"] = {"pack": "p", "violations": [_violation("advisory", r["urn"]) for r in doc["resources"][:500]]}
    result = changes.diff_docs("origin/main", base, head)
    stack = result["stacks"][0]
    assert len(stack["added"]) > 600 and len(stack["removed"]) > 600 and len(stack["changed"]) > 1300
    started = time.perf_counter()
    md = comment.to_markdown(result)
    assert time.perf_counter() - started < 5
    assert len(md) <= len(md.encode()) <= GITHUB_COMMENT_MAX_CHARS
    assert md.startswith(comment.MARKER + "\n")
    assert md.count("<details>") == md.count("</details>") == 3
    assert md.count("```mermaid") == 3 and md.count("```diff") >= 3
    assert md.count("```") == 2 * (md.count("```mermaid") + md.count("```diff"))  # every block closed
    assert re.search(r"_… and \d+ more added resources not shown\._", md)
    assert re.search(r"_… and \d+ more property changes not shown\._", md)
    assert re.search(r'more\["\+\d+ more"\]', md)
    assert md.count("[secret]") == 1  # the footer only: the unchanged secret input is not listed
    # A smaller limit still holds.
    assert len(comment.to_markdown(result, limit=20_000).encode()) <= 20_000


def test_mermaid_graph_shows_changes_and_ancestors_and_folds_the_rest(prod):
    head = copy.deepcopy(prod)
    _project(head)["inputs"]["name"] = "renamed-project"
    stack = changes.diff_stack(PROD, prod, head)
    lines = comment.mermaid_graph(stack, max_nodes=5)
    text = "\n".join(lines)
    assert lines[0] == "```mermaid" and lines[1] == "flowchart LR" and lines[-1] == "```"
    # The change and its parent chain, nothing else drawn as a resource.
    drawn = re.findall(r'^  (n\d+)\["([^"]*)"\]', text, re.M)
    assert [name for _, name in drawn] == ["vital-expert<br/>vital:vercel:VercelApp", "vital-expert-project<br/>vercel:Project"]
    assert re.search(r"class n1 changed", text)
    # Unchanged siblings fold into one node per drawn parent: the stack's other components,
    # and the app's other children.
    urns = {r["urn"] for r in prod["resources"]}
    top_level = [r for r in prod["resources"] if r.get("parent") not in urns]
    app_children = [r for r in prod["resources"] if r.get("parent") == _project(prod)["parent"]]
    folded = re.findall(r'^  u\d+\["(\d+) unchanged"\]', text, re.M)
    assert sorted(map(int, folded)) == sorted([len(top_level) - 1, len(app_children) - 1])
    assert "more[" not in text
    # Every edge starts at a node in the graph or at the stack root.
    ids = set(re.findall(r"^  ([nu]\d+)\[", text, re.M)) | {"root"}
    assert all(src in ids for src in re.findall(r"^  (\w+) -[-.]", text, re.M))
    # A cap smaller than the change leaves a "+N more" node instead.
    many = copy.deepcopy(prod)
    for r in env_vars(many).values():
        r["inputs"]["comment"] = "changed"
    capped = "\n".join(comment.mermaid_graph(changes.diff_stack(PROD, prod, many), max_nodes=3))
    assert re.search(r'more\["\+\d+ more"\]', capped) and len(re.findall(r"^  n\d+\[", capped, re.M)) == 3


# ---------------------------------------------------------------------------------------
# The CLI
# ---------------------------------------------------------------------------------------

def _worktrees(repo: Path) -> list[str]:
    out = subprocess.run(["git", "worktree", "list", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if line.startswith("worktree ")]


@pytest.mark.parametrize("argv, message", [
    ([], "give the base revision once"),
    (["a", "--diff", "b"], "give the base revision once"),
    (["HEAD", "--format", "xml"], "invalid choice"),
    (["no-such-ref-anywhere"], "base ref 'no-such-ref-anywhere' not found"),
    (["--", "-x"], "is not a git revision"),
])
def test_usage_and_ref_errors_are_one_line_exit_2(capsys, argv, message):
    before = _worktrees(ROOT)
    assert cli.main(argv) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("diff: ") and message in err
    assert _worktrees(ROOT) == before


def test_head_synth_exit_1_is_a_violation_and_exit_2_an_error(monkeypatch, prod):
    calls = []

    def fake(root, stack, no_policy):
        calls.append(no_policy)
        return fake.code, fake.doc, "production: warning: x\nsynth: policy: 1 mandatory violation\n"

    monkeypatch.setattr(revisions, "run_synth", fake)
    fake.code, fake.doc = 1, [prod]  # exit 1 with results we cannot read: still a violation
    docs, reason = revisions.render_head("all", False)
    assert docs == [prod] and reason == "synth: policy: 1 mandatory violation"
    result = changes.diff_docs("b", {PROD: prod}, docs)
    result["policyFailed"] = reason
    assert changes.exit_code(result) == 1 and "❌ policy failed" in comment.to_markdown(result)
    fake.code, fake.doc = 2, None
    with pytest.raises(revisions.DiffError, match="^head: synth: policy: 1 mandatory violation$"):
        revisions.render_head("all", True)


def test_a_base_that_does_not_render_is_noted_and_treated_as_empty(monkeypatch, tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "synth.py").write_text("")
    (tmp_path / f"Pulumi.{PROD}.yaml").write_text("config: {}\n")
    monkeypatch.setattr(revisions, "run_synth", lambda root, stack, no_policy: (2, None, "synth: stack 'production': bad\n"))
    docs, notes = revisions.render_base(tmp_path, [PROD, "preview"])
    assert docs == {PROD: None, "preview": None}
    assert notes == {PROD: "could not be rendered (synth: stack 'production': bad)",
                     "preview": "the base revision has no Pulumi.preview.yaml"}


def test_the_base_gets_only_the_flags_every_synth_revision_accepts(tmp_path):
    """The first synth (before --no-policy and the policy pack) took --stack and --format only."""
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "__init__.py").write_text("")
    (tmp_path / "tools" / "synth.py").write_text(
        "import argparse, json\n"
        "parser = argparse.ArgumentParser(prog='python -m tools.synth')\n"
        "parser.add_argument('--stack', default='all')\n"
        "parser.add_argument('--format', choices=('json', 'markdown'), default='json')\n"
        "args = parser.parse_args()\n"
        "print(json.dumps({'stack': args.stack, 'resources': [], 'outputs': {}}))\n")
    (tmp_path / f"Pulumi.{PROD}.yaml").write_text("config: {}\n")
    docs, notes = revisions.render_base(tmp_path, [PROD])
    assert docs == {PROD: {"stack": PROD, "resources": [], "outputs": {}}} and notes == {}


def test_synth_routes_diff():
    proc = subprocess.run([sys.executable, "-m", "tools.synth", "--diff", "no-such-ref-anywhere"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "not found" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("argv, message", [
    (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
    (["--diff"], "argument --diff: expected one argument"),
    (["--diff", "HEAD", "--config-file", "x.yaml"], "--config-file cannot be used with --diff"),
    (["--diff", "HEAD", "--policy-pack-config", "p.json"], "--policy-pack-config cannot be used with --diff"),
])
def test_synth_usage_errors_with_or_without_diff_are_one_line_exit_2(capsys, argv, message):
    before = _worktrees(ROOT)
    assert synth_main(argv) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("synth: ") and message in err
    assert _worktrees(ROOT) == before


def test_end_to_end_through_a_worktree(tmp_path):
    """Clone the repo, change a stack file in a commit, and diff against HEAD~1."""
    repo = tmp_path / "repo"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    git = ["git", "-c", "user.name=diff-test", "-c", "user.email=diff-test@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True, env=env, timeout=60)
    # The code as it is in the working tree (it may not be committed yet).
    for package in ("tools", "vital", "program", "components", "policies"):
        shutil.copytree(ROOT / package, repo / package, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    for stack_file in ROOT.glob("Pulumi*.yaml"):
        shutil.copy(stack_file, repo / stack_file.name)
    path = repo / f"Pulumi.{PROD}.yaml"
    data = yaml.safe_load(path.read_text())
    data["encryptionsalt"] = SESSION_SALT_LINE  # v1: values decrypt only with a salt or key in the file
    data["config"][f"{NS}:secretEnv"] = {"OPENAI_API_KEY": {"secure": encrypt("first")}}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run([*git, "commit", "--quiet", "-m", "the working tree, and the OpenAI key set"], cwd=repo, check=True, env=env)
    rotated = encrypt("rotated")
    data["config"][f"{NS}:functionTimeout"] = 25
    data["config"][f"{NS}:supabaseCompute"] = "medium"  # a priced setting: Small $15 -> Medium $60 a month
    data["config"][f"{NS}:secretEnv"]["OPENAI_API_KEY"]["secure"] = rotated
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run([*git, "commit", "--quiet", "-m", "shorter timeout, rotated key, more compute"], cwd=repo, check=True,
                   env=env)

    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "tools.diff", "HEAD~1", "--stack", PROD, "--format", "json", "--no-policy"],
        cwd=repo, env={**env, "PYTHONPATH": str(repo), "TMPDIR": str(tmpdir)}, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["base"] == "HEAD~1" and re.fullmatch(r"[0-9a-f]{40}", report["baseCommit"])
    (stack,) = report["stacks"]
    assert stack["stack"] == PROD and not stack["added"] and not stack["removed"]
    changes = {(c["name"], ch["path"]): (ch["old"], ch["new"]) for c in stack["changed"] for ch in c["changes"]}
    assert changes == {("vital-expert-project", "inputs.resourceConfig.functionDefaultTimeout"): (30.0, 25.0)}
    assert stack["secretsChanged"] == [{"key": OPENAI, "change": "changed"}]
    assert rotated.split(":")[2] not in proc.stdout
    # The priced setting shows as the tier's modelled monthly cost, before and after (vital/costs.py).
    assert stack["cost"]["before"]["supabase"] == 30 and stack["cost"]["after"]["supabase"] == 75
    assert stack["cost"]["difference"] == {"vercel": 0, "supabase": 45, "upstash": 0, "total": 45}
    # The PR comment says it: the same diff as markdown.
    proc = subprocess.run(
        [sys.executable, "-m", "tools.diff", "HEAD~1", "--stack", PROD, "--format", "markdown", "--no-policy"],
        cwd=repo, env={**env, "PYTHONPATH": str(repo), "TMPDIR": str(tmpdir)}, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "| `production` | $115 | $160 | **+$45** (Supabase +$45) |" in proc.stdout
    # The worktree and its temporary directory are gone.
    assert len(_worktrees(repo)) == 1 and list(tmpdir.iterdir()) == []


def test_an_add_on_and_pitr_show_their_monthly_difference(prod, tmp_path):
    """The PR comment's cost table, on synth's own documents: production with the preview suffix add-on
    and PITR turned on, against the committed stack."""
    from tests.stacks import render, with_config

    head = render(PROD, with_config(PROD, tmp_path, vercelAddons=["observability_plus", "preview_deployment_suffix"],
                                    supabaseBackups="daily+pitr"))
    result = changes.diff_docs("origin/main", {PROD: prod}, [head])
    assert result["stacks"][0]["cost"]["difference"] == {"vercel": 100, "supabase": 100, "upstash": 0, "total": 200}
    md = comment.to_markdown(result)
    assert "| `production` | $115 | $315 | **+$200** (Vercel +$100, Supabase +$100) |" in md
    same = comment.to_markdown(changes.diff_docs("origin/main", {PROD: prod}, [copy.deepcopy(prod)]))
    assert "| `production` | $115 | $115 | **±$0** |" in same
