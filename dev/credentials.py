"""docs/credentials.md: every credential, where it lives, which jobs read it, what it can change.

    python -m dev.credentials            # print the document (it renders the three stacks offline)
    python -m dev.credentials --check    # exit 1 when docs/credentials.md is not what it prints

Derived, never written by hand: who reads what comes from the workflow files (each job's
events, environment, `secrets.*` and the role it assumes), the roles of vital/trust.py (which
stacks' keys each decrypts, whom it trusts) and each tier's rendered stack (its config secrets
and what the program writes into state: GitHub environment secrets, sensitive Vercel env vars,
providers' secret outputs). What a credential can change is declared in vital/credentials.py.
`problems` lists every production-capable credential that code a pull request controls can read;
the test keeps it empty. Exit 0 ok, 1 stale document or a problem, 2 usage, 3 internal error.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tools.entry import EXIT_FINDINGS, EXIT_OK, OneLineParser, run
from vital import credentials as declared
from vital.names import AUTOMATION_BYPASS_SECRET, PRODUCTION, SECRET_TEXT, TIERS
from vital.trust import REPOSITORY, ROLES, Role, environments, pr_readable_stacks

PROG = "python -m dev.credentials"
ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
DOCUMENT = ROOT / "docs" / "credentials.md"
_SECRET = re.compile(r"\bsecrets\.([A-Z0-9_]+)")
_JOB_TOKEN = re.compile(r"\bgithub\.token\b")


class Undeclared(Exception):
    """A credential the code uses that vital/credentials.py does not account for; one line."""


@dataclass(frozen=True)
class Row:
    name: str
    lives: str
    readers: tuple[str, ...]
    events: tuple[str, ...]
    pr: bool
    reach: declared.Reach


@dataclass(frozen=True)
class Job:
    label: str  # workflow/job
    events: tuple[str, ...]
    environment: str | None
    text: str
    role: str | None  # the vital.trust role key it assumes


def load_workflows(directory: Path = WORKFLOWS) -> dict[str, dict]:
    found = {}
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text())
        data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
        found[path.stem] = data
    return found


def role_of(variable_ref: str, environment: str | None) -> Role | None:
    """The role whose ARN the job's `role-to-assume` variable holds (its variable, on its scope)."""
    variable = variable_ref.removeprefix("${{ vars.").removesuffix(" }}")
    found = [r for r in ROLES if r.variable == variable and r.scope in (REPOSITORY, environment)]
    return found[0] if len(found) == 1 else None


def jobs_of(workflows: dict[str, dict]) -> list[Job]:
    jobs = []
    for name, data in workflows.items():
        events = tuple(sorted(data["on"]))
        for job_id, job in data["jobs"].items():
            env = job.get("environment")
            role = next(
                (
                    role_of(s["with"]["role-to-assume"], env)
                    for s in job.get("steps", [])
                    if str(s.get("uses", "")).startswith("aws-actions/configure-aws-credentials@")
                ),
                None,
            )
            jobs.append(Job(f"{name}/{job_id}", events, env, yaml.safe_dump(job), role.key if role else None))
    return jobs


def _events(jobs: Iterable[Job]) -> tuple[str, ...]:
    return tuple(sorted({e for job in jobs for e in job.events}))


def github_secret_rows(jobs: list[Job]) -> list[Row]:
    """Each secret a job reads, where it lives: its environment's when declared there, else the repository's."""
    holders: dict[tuple[str, str], list[Job]] = {}
    for job in jobs:
        for name in sorted(set(_SECRET.findall(job.text))):
            places = declared.GITHUB_SECRETS.get(name, {})
            where = job.environment if job.environment in places else REPOSITORY
            if where not in places:
                raise Undeclared(
                    f"{job.label} reads secrets.{name}, which vital/credentials.py declares for "
                    f"{', '.join(places) or 'no place'}; declare what it can reach where it lives"
                )
            holders.setdefault((name, where), []).append(job)
        if _JOB_TOKEN.search(job.text):
            holders.setdefault(("github.token", "job"), []).append(job)
    rows = []
    for (name, where), readers in sorted(holders.items()):
        reach = declared.JOB_TOKEN if where == "job" else declared.GITHUB_SECRETS[name][where]
        lives = {"job": "issued by GitHub to each job", REPOSITORY: "repository secret"}.get(
            where, f"secret of environment `{where}`"
        )
        # A repository secret reaches every workflow, a PR's included (it may edit one to read it); the
        # job's own token reaches whoever runs the job; an environment's secrets reach a PR's job unless
        # the bootstrap stack makes the environment main-only (vital.trust.environments()).
        pr = (
            where == REPOSITORY
            or (where == "job" and any("pull_request" in j.events for j in readers))
            or (where not in ("job", REPOSITORY) and where not in environments())
        )
        rows.append(Row(f"`{name}`", lives, tuple(j.label for j in readers), _events(readers), pr, reach))
    return rows


def role_rows(jobs: list[Job]) -> list[Row]:
    rows = []
    for role in ROLES:
        readers = [j for j in jobs if j.role == role.key]
        changes = tuple(t for t in TIERS if t in role.writes)
        what = f"AWS role {role.name}: decrypts {', '.join(role.decrypts)}" + (
            f"; writes {', '.join(role.writes)}'s state" if role.writes else "; writes nothing"
        )
        reach = declared.Reach(what, changes, PRODUCTION in role.decrypts, "vital/trust.py; docs/ci-identities.md")
        pr = any(t.context == "pull_request" for t in role.trusts)
        rows.append(
            Row(
                f"`{role.key}` role",
                f"OIDC, no stored secret (`{role.variable}`: a variable)",
                tuple(j.label for j in readers),
                _events(readers),
                pr,
                reach,
            )
        )
    return rows


def stack_readers(jobs: list[Job], tier: str) -> list[Job]:
    """The jobs whose role may decrypt the tier's stack: its config and its state."""
    keys = {r.key for r in ROLES if tier in r.decrypts}
    return [j for j in jobs if j.role in keys]


def _secret_names(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(credential, what carries it) for every secret the program puts in the tier's state."""
    found = []
    for r in doc["resources"]:
        inputs = r["inputs"]
        if r["type"].endswith(":ActionsEnvironmentSecret"):
            found.append((inputs["secretName"], "GitHub environment secret"))
        elif r["type"].endswith(":ProjectEnvironmentVariable") and inputs.get("sensitive"):
            found.append((inputs["key"], "sensitive Vercel env var"))
        elif r["type"] == "pulumi-python:dynamic:Resource":
            extra = sorted(k for k, v in inputs.items() if v == SECRET_TEXT and k != "__provider")
            if extra:
                raise Undeclared(
                    f"{r['name']}: the dynamic resource's inputs {extra} are secret: dynamic-resource "
                    f"inputs are stored in state; a credential must come from the provider's environment"
                )
        for output in declared.SECRET_OUTPUTS.get(r["type"], ()):
            found.append((f"{r['name']}.{output}", "provider's secret output"))
    return found


def _state_reach(name: str, secret_env: Iterable[str], tier: str) -> tuple[str, ...]:
    """How far a secret the program put in the tier's state reaches (declared in vital/credentials.py)."""
    if name in declared.STATE_SECRETS:
        return declared.reach_of(declared.STATE_SECRETS[name], tier)
    if name.startswith(f"{AUTOMATION_BYPASS_SECRET}_"):  # one per app (vital.names.bypass_secret_name)
        return declared.reach_of(declared.STATE_SECRETS[AUTOMATION_BYPASS_SECRET], tier)
    if name in secret_env:  # a secretEnv value, as a Vercel env var or a copy in the GitHub environment
        return declared.reach_of(declared.CONFIG_SECRETS["secretEnv"], tier)
    if "." in name:  # a provider's secret output of the tier's own resource
        return (tier,)
    raise Undeclared(f"stack {tier} puts {name} in state, which vital/credentials.py does not declare")


def stack_rows(jobs: list[Job], docs: dict[str, dict], config_secrets: dict[str, list[str]]) -> list[Row]:
    """Each tier's config secrets and what the program writes from them into its state."""
    rows = []
    for tier in TIERS:
        readers = stack_readers(jobs, tier)
        pr = tier in pr_readable_stacks()
        labels, events = tuple(j.label for j in readers), _events(readers)
        for key in config_secrets[tier]:
            base = key.split(".")[0]
            if base not in declared.CONFIG_SECRETS:
                raise Undeclared(f"stack {tier} holds the secret {key}, which vital/credentials.py does not declare")
            reach = declared.reach_of(declared.CONFIG_SECRETS[base], tier)
            rows.append(Row(f"`{key}`", f"config of stack `{tier}`", labels, events, pr, _reach(reach, tier)))
        secret_env = [k.split(".", 1)[1] for k in config_secrets[tier] if k.startswith("secretEnv.")]
        for name, carrier in _secret_names(docs[tier]):
            reach = _state_reach(name, secret_env, tier)
            rows.append(
                Row(f"`{name}`", f"state of stack `{tier}` ({carrier})", labels, events, pr, _reach(reach, tier))
            )
    return rows


def _reach(changes: tuple[str, ...], tier: str) -> declared.Reach:
    what = (
        "its tier's own"
        if changes == (tier,)
        else "nothing it can change"
        if not changes
        else "every tier: a Vercel team token, unless issued project-scoped to production's project"
    )
    return declared.Reach(what, changes, PRODUCTION in changes, "vital/credentials.py")


def app_environment_rows(docs: dict[str, dict]) -> list[Row]:
    """The app repository's GitHub environments, which the program fills: any of its jobs that names
    the environment reads them, on the branches the environment's deployment policy admits."""
    rows = []
    for tier in TIERS:
        doc = docs[tier]
        branches = [
            r["inputs"]["branchPattern"]
            for r in doc["resources"]
            if r["type"].endswith(":RepositoryEnvironmentDeploymentPolicy")
        ]
        readers = (
            f"app repository jobs with `environment: {tier}`, on "
            + (f"branch `{branches[0]}` only" if branches else "any branch, pull requests' included"),
        )
        for r in doc["resources"]:
            if r["type"].endswith(":ActionsEnvironmentSecret"):
                name = r["inputs"]["secretName"]
                reach = _state_reach(name, [name], tier)
                rows.append(
                    Row(
                        f"`{name}`",
                        f"app repository, environment `{tier}`",
                        readers,
                        ("its workflows",),
                        not branches,
                        _reach(reach, tier),
                    )
                )
    return rows


def all_rows(workflows: dict[str, dict], docs: dict[str, dict], config_secrets: dict[str, list[str]]) -> list[Row]:
    jobs = jobs_of(workflows)
    return [
        *github_secret_rows(jobs),
        *role_rows(jobs),
        *stack_rows(jobs, docs, config_secrets),
        *app_environment_rows(docs),
    ]


def problems(rows: Iterable[Row]) -> list[str]:
    """Each production-capable credential that code a pull request controls can read; one line each."""
    return [
        f"{row.name} ({row.lives}) reaches production ({row.reach.what}) and pull-request code can read it "
        f"({', '.join(row.readers) or 'no job yet'})"
        for row in rows
        if row.pr and row.reach.production_capable
    ]


HEADER = """# Credentials: where each lives, who can read it, what it can change

Generated by `python -m dev.credentials` from the workflows, `vital/trust.py`, each tier's config
and rendered stack, and the reach declared in `vital/credentials.py` (with its sources);
`tests/test_credentials.py` fails when this file is stale, when a credential is not declared, or
when a credential that reaches production is readable by code a pull request controls.
How to read the columns, and what the operator must set up: [credentials-setup.md](credentials-setup.md).

| Credential | Lives in | Read by | On | PR code can read it | Can change | Reaches production |
|---|---|---|---|---|---|---|
"""


def _cell(values: Iterable[str]) -> str:
    return "<br>".join(values) or "—"


def grouped(rows: Iterable[Row]) -> list[tuple[list[str], Row]]:
    """Rows that differ only in the credential's name, as one (in first-seen order)."""
    groups: dict[tuple, tuple[list[str], Row]] = {}
    for row in rows:
        key = (
            row.lives,
            row.readers,
            row.events,
            row.pr,
            row.reach.what,
            row.reach.changes,
            row.reach.production_capable,
        )
        groups.setdefault(key, ([], row))[0].append(row.name)
    return list(groups.values())


def render(rows: Iterable[Row]) -> str:
    lines = [
        f"| {', '.join(names)} | {row.lives} | {_cell(row.readers)} | {', '.join(row.events) or '—'} | "
        f"{'**yes**' if row.pr else 'no'} | {', '.join(row.reach.changes) or 'nothing'} ({row.reach.what}) | "
        f"{'yes' if row.reach.production_capable else 'no'} |"
        for names, row in grouped(rows)
    ]
    return HEADER + "\n".join(lines) + "\n"


def committed_inputs() -> tuple[dict[str, dict], dict[str, list[str]]]:
    """The three stacks rendered offline, and each tier's config secrets (the config model's list)."""
    from program.secrets import required_secrets
    from tools.synth import render_stack

    docs = {tier: render_stack(tier) for tier in TIERS}
    return docs, {tier: [s.name for s in required_secrets(tier)] for tier in TIERS}


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog=PROG, description="Every credential: where it lives, who reads it, what it changes.")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when {DOCUMENT.relative_to(ROOT)} is stale")
    return parser


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    docs, config_secrets = committed_inputs()
    try:
        rows = all_rows(load_workflows(), docs, config_secrets)
    except Undeclared as err:
        print(f"credentials: {err}", file=sys.stderr)
        return EXIT_FINDINGS
    text = render(rows)
    for problem in problems(rows):
        print(f"credentials: {problem}", file=sys.stderr)
    if args.check:
        stale = not DOCUMENT.exists() or DOCUMENT.read_text() != text
        if stale:
            print(
                f"credentials: {DOCUMENT.relative_to(ROOT)} is stale; regenerate it with {PROG} > "
                f"{DOCUMENT.relative_to(ROOT)}",
                file=sys.stderr,
            )
        return EXIT_FINDINGS if stale or problems(rows) else EXIT_OK
    sys.stdout.write(text)
    return EXIT_FINDINGS if problems(rows) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    return run(lambda: _main(argv), PROG)


if __name__ == "__main__":
    sys.exit(main())
