"""Every command in the runbooks is one the tests run or check exists."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml

from tests.stacks import ROOT, render, with_config

DOCS = sorted((ROOT / "docs").glob("*.md"))
# Every page a reader reaches from the front door: the README, the docs, the benchmark's notes.
PAGES = [ROOT / "README.md", *DOCS, ROOT / "bench" / "README.md"]

# Commands of other tools the runbooks use, with the subcommands and flags they rely on.
# Sources: pulumi.com/docs/iac/cli/commands/ (pulumi_preview, pulumi_up, pulumi_refresh,
# pulumi_cancel, pulumi_stack_history, pulumi_stack_select, pulumi_stack_init, pulumi_stack_output,
# pulumi_config_set); vercel.com/docs/cli (list, rollback, promote, rolling-release: fetch, abort,
# complete, approve --dpl --currentStageIndex; domains inspect); git-scm.com/docs; dig(1) from BIND 9
# (query options are +words, checked in test_the_dns_runbook_matches_the_stacks).
# The bootstrap runbook (docs/bootstrap.md, bootstrap/run.sh), from pulumi/pulumi's source:
# pkg/cmd/pulumi/pulumi.go (the global --cwd, --non-interactive), pkg/cmd/pulumi/stack/
# stack_select.go (--create, --secrets-provider), stack_new.go (`stack init`, --secrets-provider),
# stack_migrate.go (`stack migrate <url> [stack]`, --secrets-provider, --yes, --target; since CLI
# 3.254.0), stack_output.go (--json), and pkg/cmd/pulumi/operations/import.go (`import --file`).
EXTERNAL = {
    ("pulumi", "preview"): {"--stack", "--policy-pack", "--policy-pack-config", "--refresh", "--expect-no-changes",
                            "--cwd", "--non-interactive"},
    ("pulumi", "up"): {"--stack", "--policy-pack", "--policy-pack-config", "--cwd"},
    ("pulumi", "version"): set(),
    ("pulumi", "stack", "migrate"): {"--secrets-provider", "--yes", "--target", "--cwd"},
    ("pulumi", "stack", "ls"): {"--cwd", "--json"},
    ("pulumi", "refresh"): {"--stack"},
    ("pulumi", "cancel"): {"--stack"},
    ("pulumi", "login"): set(),
    ("pulumi", "stack", "history"): {"--stack"},
    ("pulumi", "stack", "select"): {"--non-interactive", "--create", "--secrets-provider", "--cwd"},
    ("pulumi", "stack", "init"): {"--secrets-provider", "--cwd"},
    ("pulumi", "config", "set"): {"--secret", "--stack", "--path", "--cwd"},
    ("pulumi", "stack", "output"): {"--stack", "--show-secrets", "--json", "--cwd"},
    ("vercel", "list"): {"--prod"},
    ("vercel", "rollback"): {"--timeout"},
    ("vercel", "promote"): set(),
    ("vercel", "rolling-release", "fetch"): set(),
    ("vercel", "rolling-release", "abort"): {"--dpl"},
    ("vercel", "rolling-release", "complete"): {"--dpl"},
    ("vercel", "rolling-release", "approve"): {"--dpl", "--currentStageIndex"},
    ("vercel", "domains", "inspect"): set(),
    # docs/dns.md: checking a record (`dig +short TYPE NAME`).
    ("dig",): set(),
    # docs/release.md: deploying main by hand (cli.github.com/manual/gh_workflow_run: --ref).
    ("gh", "workflow", "run"): {"--ref"},
    ("git", "checkout"): set(),
    ("git", "revert"): set(),
    ("git", "push"): set(),
    # docs/locks.md: reading and deleting one lock file (docs.aws.amazon.com/cli, s3 cp, s3 rm).
    ("aws", "s3", "cp"): set(),
    ("aws", "s3", "rm"): set(),
    # docs/operators.md, first deploy: the shell's own export, and committing the stack file
    # (git-scm.com/docs/git-add, git-commit; -m is a short flag).
    ("export",): set(),
    ("git", "add"): set(),
    ("git", "commit"): set(),
}


def commands(path: Path) -> list[list[str]]:
    text = path.read_text()
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line and not line.startswith("#"):
                found.append(shlex.split(line))
    return found


ALL = [(doc.name, cmd) for doc in PAGES for cmd in commands(doc)]


def test_the_runbooks_exist():
    names = {d.name for d in DOCS}
    assert {"promotion.md", "rollback.md", "adding-a-tier-or-app.md", "rotating-a-secret.md", "app-repo.md",
            "dns.md", "bootstrap.md", "ci-identities.md"} <= names
    assert len(ALL) >= 20


def _make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), re.M))


@pytest.mark.parametrize("doc,cmd", ALL, ids=[f"{d}:{' '.join(c)[:60]}" for d, c in ALL])
def test_command_exists(doc, cmd):
    if cmd[0] == "make":
        assert set(cmd[1:]) <= _make_targets(), cmd
    elif cmd[0].endswith("python") and cmd[1:3][0] == "-m":
        module = importlib.import_module(cmd[2])
        args = cmd[3:]
        # The tool's own parser accepts the arguments exactly as written (nothing runs).
        module.build_parser().parse_args(args)
    else:
        words = [w for w in cmd if not w.startswith("-")]
        key = next((k for k in EXTERNAL if tuple(words[: len(k)]) == k), None)
        assert key is not None, f"{doc}: unknown command {' '.join(cmd)}"
        flags = {w.split("=")[0] for w in cmd if w.startswith("--") and w != "--"}
        assert flags <= EXTERNAL[key], f"{doc}: {' '.join(cmd)} uses {flags - EXTERNAL[key]}"


def test_every_stack_output_a_runbook_reads_is_one_the_stacks_export(committed):
    from vital import names

    # What the committed stacks export, and the outputs a stack exports only when configured (vital.names).
    exported = {name for doc in committed.values() for name in doc["outputs"]}
    exported |= {value for key, value in vars(names).items() if key.endswith("_OUTPUT")}
    from tests.bootstrap.support import doc as bootstrap_doc

    exported |= set(bootstrap_doc()["outputs"])
    read = [(doc, _output_name(cmd[3:])) for doc, cmd in ALL if cmd[:3] == ["pulumi", "stack", "output"]]
    named = [(doc, name) for doc, name in read if name is not None]  # None: every output (--json)
    assert named and [(doc, name) for doc, name in named if name not in exported] == []


def _output_name(args: list[str]) -> str | None:
    """The output `pulumi stack output` is asked for: its one argument that is neither a flag nor
    --stack's or --cwd's value."""
    names = [a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] not in ("--stack", "--cwd"))]
    return names[0] if len(names) == 1 else None


def test_the_dns_runbook_matches_the_stacks(committed):
    """docs/dns.md's table, sample output and dig expectations are what the committed stacks export."""
    import json

    from vital.dns import VERCEL_NAMESERVERS

    text = (ROOT / "docs" / "dns.md").read_text()
    exported = {tier: committed[tier]["outputs"]["dnsRecords"] for tier in committed}
    row = r"^\| (production|pre-production|preview) \| `(.+?)` \| `(.+?)` \| `(.*?)` \| (\w+) \| `(.+?)` \|$"
    rows = re.findall(row, text, re.M)
    assert sorted(rows) == sorted((tier, r["domain"], r["zone"], r["name"], r["type"], r["value"])
                                  for tier, records in exported.items() for r in records)
    sample = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    assert sample == exported["production"]
    records = {(r["type"], r["domain"]): r["value"] for records in exported.values() for r in records}
    zones = {r["zone"] for records in exported.values() for r in records}
    digs = re.findall(r"^dig \+short (\w+) (\S+) +# expect: (.+)$", text, re.M)
    assert len(digs) == len([c for _, c in ALL if c[0] == "dig"]) >= 3  # every dig line states what it expects
    for record_type, name, expected in digs:
        wanted = list(VERCEL_NAMESERVERS) if record_type == "NS" and name in zones else [records[(record_type, name)]]
        assert expected.split() == [f"{value}." for value in wanted], (record_type, name)


def test_the_apps_example_in_the_runbook_renders(tmp_path):
    text = (ROOT / "docs" / "adding-a-tier-or-app.md").read_text()
    snippet = yaml.safe_load(re.search(r"```yaml\n(.*?)```", text, re.S).group(1))
    apps = snippet["config"]["vital-expert-infra:apps"]
    doc = render("production", with_config("production", tmp_path, apps=apps))
    names = {r["inputs"]["name"] for r in doc["resources"] if r["type"].endswith(":Project")}
    assert names == {"vital-expert-production", "pharma-app-production"}


APP_WORKFLOWS = sorted((ROOT / "docs").glob("app-repo-*.yml"))


def test_the_app_repos_example_workflows_are_there():
    assert {p.name for p in APP_WORKFLOWS} == {"app-repo-rollback.yml", "app-repo-migrate.yml", "app-repo-ci.yml"}
    text = (ROOT / "docs" / "app-repo.md").read_text()
    assert all(f"]({p.name})" in text for p in APP_WORKFLOWS)  # each one linked from the guide


@pytest.mark.parametrize("path", APP_WORKFLOWS, ids=lambda p: p.name)
def test_app_repo_workflow_is_valid_linted_and_pinned(path):
    from tests.workflow_lint import lint_errors, schema_errors

    assert schema_errors([path]) == ""
    for job in yaml.safe_load(path.read_text())["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.search(r"@[0-9a-f]{40}$", step["uses"]), step["uses"]
    assert lint_errors(path) == []


def test_app_repo_rollback_workflow_uses_the_environment_secrets():
    path = ROOT / "docs" / "app-repo-rollback.yml"
    job = yaml.safe_load(path.read_text())["jobs"]["rollback"]
    assert job["environment"] == "${{ inputs.tier }}"  # the environment-scoped secrets
    assert "secrets.VERCEL_TOKEN" in path.read_text() and "vars.VERCEL_PROJECT_ID" in path.read_text()


def _app_job_environments() -> list[tuple[str, str, dict]]:
    """(workflow, environment, job) for every environment each app-repository job can run in."""
    rollback = yaml.safe_load((ROOT / "docs" / "app-repo-rollback.yml").read_text())
    tiers = rollback[True]["workflow_dispatch"]["inputs"]["tier"]["options"]
    found = [("rollback", tier, rollback["jobs"]["rollback"]) for tier in tiers]
    migrate = yaml.safe_load((ROOT / "docs" / "app-repo-migrate.yml").read_text())["jobs"]["migrate"]
    for event, ref in (("push", "preview-deployment"), ("push", "pre-production"), ("workflow_dispatch", "main")):
        found.append(("migrate", _environment_for(migrate, event, ref), migrate))
    return found


def test_each_app_repo_job_finds_every_secret_it_reads_in_its_environment(committed):
    """The app repository's workflows keep working: each secret and variable a job reads, in each
    environment it can run in, is one this program puts in that environment. And the preview and
    pre-production environments hold no Vercel token (a team-wide one: docs/credentials.md), so no
    job may ask for one there."""
    checked = 0
    for workflow, environment, job in _app_job_environments():
        doc = committed[environment]
        secrets = {r["inputs"]["secretName"] for r in doc["resources"] if r["type"].endswith(":ActionsEnvironmentSecret")}
        variables = {r["inputs"]["variableName"] for r in doc["resources"] if r["type"].endswith(":ActionsEnvironmentVariable")}
        text = yaml.safe_dump(job)
        assert set(re.findall(r"secrets\.([A-Z0-9_]+)", text)) <= secrets, (workflow, environment)
        assert set(re.findall(r"vars\.([A-Z0-9_]+)", text)) <= variables, (workflow, environment)
        checked += 1
    assert checked == 4  # rollback: production; migrate: preview, pre-production, production
    for tier in ("preview", "pre-production"):
        assert "VERCEL_TOKEN" not in {r["inputs"].get("secretName") for r in committed[tier]["resources"]}


def _environment_for(job: dict, event: str, ref_name: str) -> str:
    """The job's `environment` expression for one trigger, read as GitHub evaluates `a && b || c`."""
    expr = job["environment"].strip("${} ")
    dispatch, rest = expr.split(" || ", 1)
    if event == "workflow_dispatch":
        return dispatch.split("&& ")[1].strip("'")
    inner = rest.strip("()")
    branch_test, fallback = inner.split(" || ")
    test, value = branch_test.split(" && ")
    return value.strip("'") if ref_name == test.split("== ")[1].strip("'") else fallback.strip("'")


def test_app_repo_migrations_run_per_tier_production_by_hand_from_main():
    workflow = yaml.safe_load((ROOT / "docs" / "app-repo-migrate.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["preview-deployment", "pre-production"]
    assert "workflow_dispatch" in triggers and "pull_request" not in triggers
    job = workflow["jobs"]["migrate"]
    assert _environment_for(job, "push", "preview-deployment") == "preview"
    assert _environment_for(job, "push", "pre-production") == "pre-production"
    assert _environment_for(job, "workflow_dispatch", "main") == "production"
    assert job["if"] == "github.event_name == 'push' || github.ref == 'refs/heads/main'"
    run = next(s["run"] for s in job["steps"] if "run" in s)
    assert run == 'supabase db push --db-url "$SUPABASE_DB_URL"'
    from vital.names import SUPABASE_DB_URL_SECRET
    assert f"secrets.{SUPABASE_DB_URL_SECRET}" in yaml.safe_dump(job)


@pytest.mark.parametrize("vercel_json, segment, fails", [
    (None, None, False),
    ({"rewrites": [{"source": "/a", "destination": "/b"}]}, "export const dynamic = 'force-dynamic';", False),
    ({"functions": {"app/api/**/*.ts": {"memory": 1024}}}, None, False),
    ({"functions": {"app/api/**/*.ts": {"maxDuration": 300}}}, None, True),
    ({"functions": {"a.ts": {"includeFiles": "x"}, "b.ts": {"maxDuration": 10}}}, None, True),
    (None, "export const maxDuration = 60;", True),
])
def test_app_repo_ci_refuses_max_duration_in_vercel_json(tmp_path, vercel_json, segment, fails):
    import json
    import shutil
    import subprocess

    if shutil.which("jq") is None:
        pytest.skip("jq not installed (GitHub's ubuntu runners have it)")
    job = yaml.safe_load((ROOT / "docs" / "app-repo-ci.yml").read_text())["jobs"]["vercel-json"]
    script = next(s["run"] for s in job["steps"] if "run" in s)
    if vercel_json is not None:
        (tmp_path / "vercel.json").write_text(json.dumps(vercel_json))
    if segment is not None:
        route = tmp_path / "app" / "api" / "chat" / "route.ts"
        route.parent.mkdir(parents=True)
        route.write_text(f"{segment}\nexport async function POST() {{}}\n")
    proc = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert proc.returncode == (1 if fails else 0), proc.stdout + proc.stderr
    assert ("maxDuration overrides the tier's function timeout" in proc.stdout) is fails
    assert ("::error file=app/api/chat/route.ts::" in proc.stdout) is (fails and segment is not None)


def test_app_repo_ci_reports_the_checks_the_rulesets_require():
    from vital.tiers import SHARED

    jobs = yaml.safe_load((ROOT / "docs" / "app-repo-ci.yml").read_text())["jobs"]
    assert set(SHARED["required_checks"]) <= set(jobs)


def test_app_repo_doc_lists_every_env_var_the_program_sets(committed):
    text = (ROOT / "docs" / "app-repo.md").read_text()
    keys = {r["inputs"]["key"] for doc in committed.values() for r in doc["resources"] if r["type"].endswith(":ProjectEnvironmentVariable")}
    missing = [k for k in keys if f"`{k}`" not in text]
    assert missing == []


def test_the_operators_guide_lists_each_stacks_secrets_as_the_model_does():
    """The operator's guide's setup commands are the config model's list (program/secrets.py), stack by stack."""
    from program.secrets import required_secrets
    from vital.names import TIERS

    guide = (ROOT / "docs" / "operators.md").read_text()
    block = re.search(r"Each stack's secrets, from the config model.*?```sh\n(.*?)```", guide, re.S).group(1)
    listed: dict[str, list[str]] = {}
    for line in block.splitlines():
        if line.startswith("# "):
            stack = line[2:]
            listed[stack] = []
        elif line.strip():
            listed[stack].append(line.strip())
    assert listed == {tier: [s.command(tier) for s in required_secrets(tier)] for tier in TIERS}
    assert "secretEnv.LANGFUSE_PUBLIC_KEY" in listed["production"][4] and len(listed["production"]) == 6


def test_the_sharing_runbooks_plans_are_the_facts_table():
    """docs/sharing-previews.md's plan column says what vital.facts.FEATURE_AVAILABILITY says."""
    from vital.facts import FEATURE_AVAILABILITY

    rows = {"Shareable link": "shareable_links", "Password protection": "password_protection",
            "Protection bypass for automation": "automation_bypass"}
    text = (ROOT / "docs" / "sharing-previews.md").read_text()
    for option, feature in rows.items():
        cells = next(line.split("|") for line in text.splitlines() if line.startswith(f"| {option} |"))
        plans = [f"{plan.capitalize()} (add-on)" if level == "addon" else plan.capitalize()
                 for plan, level in FEATURE_AVAILABILITY[feature].items() if level != "no"]
        listed = cells[3].strip().split(", ")
        assert sorted(listed) == sorted(plans), (option, listed, plans)


def test_the_committed_walkthrough_names_each_stacks_own_alias():
    """The operator's guide's first deploy and state backend (and any other page): `pulumi stack init
    <stack> --secrets-provider awskms://alias/...` seals each stack with its own key (tools.doctor flags
    any other)."""
    pattern = r"pulumi stack init (\S+) --secrets-provider ['\"]awskms://(alias/[^?'\"]+)"
    inits = {page.name: re.findall(pattern, page.read_text()) for page in PAGES}
    assert {stack for stack, _ in inits["operators.md"]} == {"production", "pre-production", "preview"}
    assert [(page, stack, alias) for page, found in inits.items() for stack, alias in found
            if alias != f"alias/pulumi-state-{stack}"] == []


# ---------------------------------------------------------------------------------------
# The front door (issue 26): a short README, every moved section one click away
# ---------------------------------------------------------------------------------------

def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation but `-` and `_` dropped, each
    space a `-` (github/docs, "Section links"; cmark-gfm's anchors, as github.com renders them)."""
    text = re.sub(r"`|\*\*|\[([^]]*)]\([^)]*\)", lambda m: m.group(1) or "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)  # a `# comment` in a block is no heading
    slugs: list[str] = []
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.M):
        slug = _slug(heading)
        slugs.append(slug if slug not in slugs else f"{slug}-{slugs.count(slug)}")
    return set(slugs)


def test_the_readme_is_a_front_door_under_300_lines():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) < 300
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)", readme))
    for guide in ("operators", "reference", "ci-and-security", "stacks", "decisions", "verification"):
        assert f"docs/{guide}.md" in linked, guide
    assert "bench/README.md" in readme


def test_every_relative_link_reaches_a_file_and_its_heading():
    """One click from the README to each moved section: every link between pages names a file that
    exists and, with `#`, a heading of it."""
    broken = []
    checked = 0
    for page in PAGES:
        text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            file, _, anchor = target.partition("#")
            path = (page.parent / file).resolve() if file else page
            checked += 1
            if not path.is_file():
                broken.append(f"{page.name}: {target} (no file)")
            elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
                broken.append(f"{page.name}: {target} (no heading)")
    assert checked > 100 and broken == []


def test_the_slugs_are_githubs():
    assert _slug("The preflight: `make doctor`") == "the-preflight-make-doctor"
    assert _slug("Releases, alerts and cost: the deployment strategy's success metrics") == \
        "releases-alerts-and-cost-the-deployment-strategys-success-metrics"
    assert _slug("Migration from `python -m tools.backend bootstrap`") == "migration-from-python--m-toolsbackend-bootstrap"


def test_no_page_says_seed():
    """The word means nothing to a reader: pages say "the deployment strategy"."""
    found = [(page.name, line) for page in PAGES for line in page.read_text().splitlines()
             if re.search(r"\bseed\b", line, re.I)]
    assert found == []
