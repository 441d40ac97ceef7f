"""The PR comment as GitHub renders it, checked with third-party parsers: cmarkgfm (GitHub's
own cmark-gfm) for the markdown, Mermaid's own parser (npm `mermaid`, through node) for every
graph. The scenario is the issue's: a PR that changes one timeout and adds one domain."""

from __future__ import annotations

import copy
import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from tests.stacks import ROOT, one
from tools.diff import changes, comment, sticky
from tools.diff.preview import summarize, to_markdown as preview_markdown
from vital.names import PRODUCTION, TIERS

MAX_CELL = 80
NPM_DIRS = [Path(os.environ["MERMAID_NPM_DIR"])] if os.environ.get("MERMAID_NPM_DIR") else []
NPM_DIRS += [ROOT / ".ci" / ".npm" / "node_modules", ROOT / "node_modules"]
PARSER = Path(__file__).with_name("mermaid_parse.mjs")


class Html(HTMLParser):
    """Tables (rows of cell texts), <pre lang="mermaid"> blocks and <details> depth, from cmark-gfm's HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.mermaid: list[str] = []
        self.details = 0
        self._cell: list[str] | None = None
        self._pre: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "pre" and dict(attrs).get("lang") == "mermaid":
            self._pre = []
        elif tag == "details":
            self.details += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "pre" and self._pre is not None:
            self.mermaid.append("".join(self._pre))
            self._pre = None
        elif tag == "details":
            self.details -= 1

    def handle_data(self, data: str) -> None:
        for sink in (self._cell, self._pre):
            if sink is not None:
                sink.append(data)


def rendered(markdown: str) -> Html:
    parsed = Html()
    parsed.feed(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))
    return parsed


@pytest.fixture(scope="module")
def pr_comment(committed) -> str:
    """One timeout changed and one domain added in production; the other stacks as committed."""
    base = {s: copy.deepcopy(committed[s]) for s in TIERS}
    head = [copy.deepcopy(committed[s]) for s in TIERS]
    for doc in head:  # the pack's real findings on the committed stacks (none)
        doc["policy"] = json.loads((ROOT / "tests" / "golden" / f"synth-{doc['stack']}.json").read_text())["policy"]
    prod = head[0]
    assert prod["stack"] == PRODUCTION
    # A rule whose verdict needs a value unknown during preview: pulumi-policy's advisory, as it words it.
    prod["policy"]["violations"].append({
        "policy": "cors", "enforcementLevel": "advisory", "urn": one(prod, ":FirewallConfig")["urn"],
        "message": "can't run policy 'cors' from policy pack 'vital-expert-guardrails@v0.1.0' during preview: "
                   "string value at .value can't be known during preview"})
    one(prod, ":Project")["inputs"]["resourceConfig"]["functionDefaultTimeout"] = 25
    domain = copy.deepcopy(one(prod, ":ProjectDomain"))
    old = domain["inputs"]["domain"]
    domain.update(urn=domain["urn"].replace(old, "www.vitalexpert.com"), name=domain["name"].replace(old, "www.vitalexpert.com"))
    domain["inputs"] = {**domain["inputs"], "domain": "www.vitalexpert.com"}
    prod["resources"].append(domain)
    return comment.to_markdown(changes.diff_docs("origin/main", base, head))


def test_tables_render_and_no_cell_is_wider_than_80_characters(pr_comment: str) -> None:
    page = rendered(pr_comment)
    headers = [table[0] for table in page.tables]
    assert ["Stack", "Add", "Remove", "Change", "Secrets", "Policy"] in headers
    assert ["Resource", "Type", "Parent", "Note"] in headers
    added = next(t for t in page.tables if t[0][0] == "Resource")
    assert added[1][:3] == ["vital-expert-domain-www.vitalexpert.com", "vercel:ProjectDomain", "vital-expert"]
    cells = [cell for table in page.tables for row in table for cell in row]
    assert [c for c in cells if len(c) > MAX_CELL] == []
    assert page.details == 0  # every <details> closed


def test_headline_ignores_checks_that_wait_for_apply(pr_comment: str) -> None:
    headline = pr_comment.splitlines()[3]
    # Production's six secrets are "never recorded": advisory findings, never "can't run" notes.
    assert "policy passed with 6 advisory violations" in headline and "can't" not in headline
    assert "1 check waits for apply (a value unknown during preview)" in pr_comment  # counted apart, folded


def test_changed_values_are_a_diff_block_not_table_cells(pr_comment: str) -> None:
    assert "- inputs.resourceConfig.functionDefaultTimeout: 30\n+ inputs.resourceConfig.functionDefaultTimeout: 25" in pr_comment
    assert "| Old | New |" not in pr_comment and "Property" not in pr_comment


def test_graph_has_only_the_change_and_its_ancestors(pr_comment: str, committed) -> None:
    [graph] = rendered(pr_comment).mermaid
    drawn = [line for line in graph.splitlines() if line.strip().startswith(("n", "u")) and "[" in line]
    assert len(committed[PRODUCTION]["resources"]) > 30 and len(drawn) == 5  # app, project, domain, 2 folds
    assert "5 unchanged" in graph and "unchanged" in graph.split("n0 -.-")[1]  # the stack's other components


def _mermaid_node_modules() -> Path:
    node = shutil.which("node")
    found = next((d for d in NPM_DIRS if (d / "mermaid" / "package.json").is_file() and (d / "jsdom").is_dir()), None)
    if node is None or found is None:
        pytest.skip("Mermaid's parser is not installed: needs node and the npm packages mermaid and jsdom "
                    "(.ci/run installs them under .ci/.npm; or set MERMAID_NPM_DIR to a node_modules)")
    return found


def parse_mermaid(diagrams: list[str]) -> list[dict]:
    modules = _mermaid_node_modules()
    proc = subprocess.run(["node", str(PARSER), str(modules)], input=json.dumps(diagrams),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_every_mermaid_block_parses_with_mermaids_own_parser(pr_comment: str, committed) -> None:
    diagrams = rendered(pr_comment).mermaid
    # A whole new stack (every resource added) and an awkward name, too.
    added = changes.diff_docs("b", {PRODUCTION: None}, [copy.deepcopy(committed[PRODUCTION])])
    added["stacks"][0]["headResources"][0]["name"] = 'a "quoted" <name> & `ticks` [x] (y)'
    diagrams += rendered(comment.to_markdown(added)).mermaid
    # The README's architecture picture and any graph in docs/, in the same node process.
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    drawn = [block for page in pages for block in re.findall(r"```mermaid\n(.*?)```", page.read_text(), re.S)]
    assert drawn and "program.load" in drawn[0]
    diagrams += drawn
    broken = 'flowchart LR\n  root(("x"\n  -->\n'  # the parser must be able to say no
    results = parse_mermaid([*diagrams, broken])
    assert [r for r in results[:-1] if not r["ok"]] == []
    assert all(r["type"].startswith("flowchart") for r in results[:-1])
    assert results[-1]["ok"] is False


# ---------------------------------------------------------------------------------------
# The sticky comment: the offline diff and each stack's preview, in one


LOG = """Previewing update (pre-production):
@ previewing update....
    ~ vercel:index/project:Project vital-expert-project update [diff: ~resourceConfig]
Policies:
    ❌ vital-expert-guardrails@v0.1.0 (local: policies)
        - [mandatory]  rate-limit  (vercel:index/firewallConfig:FirewallConfig: vital-expert-firewall)
          each Vercel project has an active per-IP WAF rate limit
        - [advisory]  secrets  (vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable: x)
          can't run policy 'secrets' from policy pack 'vital-expert-guardrails@v0.1.0' during preview: unknown
Resources:
    ~ 1 to update
    + 1 to create
    38 unchanged

error: preview failed
"""


def test_a_failed_preview_and_a_skipped_one_are_said_in_the_one_comment(pr_comment: str) -> None:
    failed = summarize("pre-production", 255, LOG)
    assert failed["status"] == "❌ 1 mandatory policy violation · 1 check at apply"
    assert failed["resources"] == ["~ 1 to update", "+ 1 to create", "38 unchanged"]
    ok = summarize("preview", 0, "Resources:\n    36 unchanged\n")
    previews = {s["stack"]: {"stack": s["stack"], "status": s["status"], "markdown": preview_markdown(s, "https://x/run")}
                for s in (failed, ok)}
    text = sticky.compose(pr_comment, "success", "0", previews, "failure", "https://x/run")
    assert text.count(sticky.MARKER) == 1 and text.startswith(sticky.MARKER + "\n")
    page = rendered(text)
    parts = {row[0]: row[1] for row in page.tables[0][1:]}
    assert parts == {
        "Offline diff and policy, every stack": "✅ ran",
        "pulumi preview of production": "🔒 not on PRs: previewed in its deploy job, before up",
        "pulumi preview of pre-production": "❌ 1 mandatory policy violation · 1 check at apply",
        "pulumi preview of preview": "✅ no changes",
    }
    assert "error: preview failed" in text and page.details == 0
    assert [c for t in page.tables for r in t for c in r if len(c) > MAX_CELL] == []
    assert len(text) <= 65536

    fork = sticky.compose(pr_comment, "success", "1", {}, "skipped")
    rows = {r[0]: r[1] for r in rendered(fork).tables[0][1:]}
    assert rows["Offline diff and policy, every stack"] == "❌ ran: a mandatory policy violation"
    assert rows["pulumi preview of preview"] == "⏭️ not run: a fork's PR gets no credentials"
    assert rows["pulumi preview of production"] == "🔒 not on PRs: previewed in its deploy job, before up"
    gone = sticky.compose("", "failure", "", {}, "cancelled")
    assert "❌ did not finish (failure): see the job log" in gone and "⏹️ cancelled" in gone


def test_production_is_shown_offline_only_whatever_the_jobs_hand_over(pr_comment: str) -> None:
    """PR code never holds production's key: its row and a note say where its preview runs, and a
    summary for it (an old workflow's) is not shown as if a PR had previewed it."""
    leaked = summarize(PRODUCTION, 0, "Resources:\n    ~ 1 to update\n")
    previews = {PRODUCTION: {"stack": PRODUCTION, "status": leaked["status"], "markdown": preview_markdown(leaked, None)}}
    text = sticky.compose(pr_comment, "success", "0", previews, "success")
    rows = {r[0]: r[1] for r in rendered(text).tables[0][1:]}
    assert rows[f"pulumi preview of {PRODUCTION}"] == sticky.NOT_ON_PRS.replace("`", "")
    assert previews[PRODUCTION]["markdown"] not in text and "### `pulumi preview` against the real state" not in text
    assert "not previewed on a PR, whose code never holds its key" in text


def test_sticky_and_preview_cli_bad_input_is_one_line_exit_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "previews.json"
    bad.write_text("[1, 2")
    assert sticky.main(["--diff", "x.md", "--diff-result", "success", "--previews", str(bad), "--preview-result", "success"]) == 2
    assert sticky.main(["--diff", "x.md", "--diff-result", "maybe", "--previews", str(bad), "--preview-result", "success"]) == 2
    from tools.diff import preview

    assert preview.main(["--stack", "production", "--exit-code", "one", "--log", "x"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith(("sticky: ", "preview: ")) for line in err)
    assert preview.main(["--stack", "production", "--exit-code", "", "--log", str(tmp_path / "none")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "❌ did not run (an earlier step failed)" and html.escape(out["stack"]) == "production"


def test_the_comment_job_end_to_end_from_the_jobs_outputs(tmp_path: Path, pr_comment: str, capsys) -> None:
    """What the workflow hands over: diff.md, and toJSON(needs.preview.outputs), each value a JSON string."""
    from tools.diff import preview

    log = tmp_path / "preview.log"
    log.write_text(LOG)
    assert preview.main(["--stack", "pre-production", "--exit-code", "255", "--log", str(log), "--run-url", "https://x/run"]) == 0
    leg = capsys.readouterr().out.strip()
    (tmp_path / "previews.json").write_text(json.dumps({"pre-production": leg, "preview": ""}))
    (tmp_path / "diff.md").write_text(pr_comment)
    assert sticky.main(["--diff", str(tmp_path / "diff.md"), "--diff-result", "success", "--diff-exit", "0",
                        "--previews", str(tmp_path / "previews.json"), "--preview-result", "failure"]) == 0
    text = capsys.readouterr().out
    assert text.count(sticky.MARKER) == 1
    rows = {r[0]: r[1] for r in rendered(text).tables[0][1:]}
    assert rows["pulumi preview of pre-production"] == "❌ 1 mandatory policy violation · 1 check at apply"
    assert rows["pulumi preview of preview"] == "❌ no summary: see the job log"
    assert "[mandatory]  rate-limit" in text  # the log's last lines, in the fold


def test_the_production_deploy_jobs_summary_is_the_previews_markdown(tmp_path: Path, capsys) -> None:
    """infra-deploy appends `--format markdown` to its job summary: the same section, no JSON around it."""
    from tools.diff import preview

    log = tmp_path / "preview.log"
    log.write_text(LOG.replace("pre-production", PRODUCTION))
    assert preview.main(["--stack", PRODUCTION, "--exit-code", "255", "--log", str(log), "--format", "markdown"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"<details><summary><b>{PRODUCTION}</b>: ❌ 1 mandatory policy violation")
    assert "[mandatory]  rate-limit" in text and not text.lstrip().startswith("{")
    assert preview.main(["--stack", PRODUCTION, "--exit-code", "0", "--log", str(log), "--format", "yaml"]) == 2
