"""The infrastructure repository's OIDC subject prefix, read from GitHub, never guessed.

    python -m tools.oidc prefixes --repository OWNER/REPO   # the `pulumi config set` lines for the first run
    python -m tools.oidc check [--stack-file bootstrap/Pulumi.bootstrap.yaml]   # GitHub's live prefix is trusted?

GitHub REST API, "Get the customization template for an OIDC subject claim for a repository"
(`GET /repos/{owner}/{repo}/actions/oidc/customization/sub`, docs.github.com/rest/actions/oidc):
`use_default`, `include_claim_keys`, `use_immutable_subject` and `sub_claim_prefix`, "the
current `sub` claim prefix for this repository". GitHub's OIDC reference, "Immutable subject
claims": `repo:OWNER@OWNER-ID/REPO@REPO-ID`, for repositories created (or renamed or
transferred) after GitHub's cut-over, or opted in. The bootstrap stack trusts the name form and
the immutable form (opting in then locks nobody out); `prefixes` prints both, the name form from
the repository's `full_name` and the immutable one from its `owner.id` and `id` (`GET
/repos/{owner}/{repo}`), and refuses when GitHub's current prefix is neither. `check` (the
runbook after `up`, the bootstrap drift job) exits 1 when GitHub's current prefix is not one the
stack trusts, or the subject template is not the stack's.

`GITHUB_TOKEN` authenticates when set (a private repository needs it). Every request has a
deadline. Exit 0 ok, 1 findings, 2 bad input or a refused request (one line), 3 internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from vital import stackfile, validators
from vital.trust import (
    BOOTSTRAP_PROJECT,
    BOOTSTRAP_STACK,
    OIDC_CLAIM_KEYS,
    PREFIXES_KEY,
    REPOSITORY_KEY,
    prefix_problem,
)

from .entry import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, OneLineParser, run

API_URL = "https://api.github.com"
TIMEOUT_S = 10
STACK_FILE = stackfile.ROOT / "bootstrap" / f"Pulumi.{BOOTSTRAP_STACK}.yaml"
PROJECT_FILE = STACK_FILE.parent / "Pulumi.yaml"


class GitHubError(Exception):
    """A request GitHub refused or could not answer; one line."""


def repository(value: str) -> str:
    try:
        return validators.github_repository(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{value!r}: {err}") from None


def api_url(value: str) -> str:
    if not value.startswith(("https://", "http://127.0.0.1:", "http://localhost:")):
        raise argparse.ArgumentTypeError(f"{value!r}: allowed: an https:// API root (http only on this machine)")
    return value.rstrip("/")


def get(api: str, path: str) -> dict[str, Any]:
    """One GET of GitHub's REST API, with its deadline; GitHubError on anything but a JSON object."""
    request = urllib.request.Request(
        f"{api}{path}",
        headers={
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            **({"Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}"} if os.environ.get("GITHUB_TOKEN") else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            body = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as err:
        why = {
            401: "the token was refused (GITHUB_TOKEN)",
            403: "the token may not read it (GITHUB_TOKEN needs read access to the repository's Actions settings)",
            404: "no such repository, or GITHUB_TOKEN cannot see it",
        }.get(err.code, f"GitHub answered {err.code}")
        raise GitHubError(f"GET {path}: {why}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        if isinstance(reason, TimeoutError):
            raise GitHubError(f"GET {path}: GitHub did not answer within {TIMEOUT_S} s") from None
        raise GitHubError(f"GET {path}: could not reach GitHub ({reason})") from None
    except ValueError:
        raise GitHubError(f"GET {path}: the answer is not JSON") from None
    if not isinstance(body, dict):
        raise GitHubError(f"GET {path}: the answer is not a JSON object")
    return body


def customization(api: str, repo: str) -> dict[str, Any]:
    body = get(api, f"/repos/{repo}/actions/oidc/customization/sub")
    if not isinstance(body.get("sub_claim_prefix"), str):
        raise GitHubError(
            f"GET /repos/{repo}/actions/oidc/customization/sub: no sub_claim_prefix in the answer "
            "(GitHub Enterprise Server has no immutable subjects; set the prefixes by hand)"
        )
    return body


def both_forms(api: str, repo: str) -> list[str]:
    """The repository's name form and immutable form, from what GitHub says of it."""
    body = get(api, f"/repos/{repo}")
    owner, name = (body.get("owner") or {}), body.get("name")
    if not (
        isinstance(owner.get("login"), str)
        and isinstance(name, str)
        and isinstance(owner.get("id"), int)
        and isinstance(body.get("id"), int)
    ):
        raise GitHubError(f"GET /repos/{repo}: no owner.login, owner.id, name and id in the answer")
    return [f"repo:{owner['login']}/{name}", f"repo:{owner['login']}@{owner['id']}/{name}@{body['id']}"]


def run_prefixes(args: argparse.Namespace, out: TextIO) -> int:
    current = customization(args.api_url, args.repository)["sub_claim_prefix"]
    forms = both_forms(args.api_url, args.repository)
    if current not in forms:
        print(
            f"GitHub's current prefix {current!r} is neither form of {args.repository} ({' or '.join(forms)})", file=out
        )
        return EXIT_FINDINGS
    print(f"# GitHub's current prefix for {args.repository}: {current}", file=out)
    print("# the stack trusts both forms, so opting in to immutable subjects locks nobody out:", file=out)
    for i, prefix in enumerate(forms):
        print(
            f"pulumi config set --cwd bootstrap --stack {BOOTSTRAP_STACK} --path "
            f"{shlex.quote(f'{PREFIXES_KEY}[{i}]')} {shlex.quote(prefix)}",
            file=out,
        )
    return EXIT_OK


def trusted(stack_file: Path) -> tuple[str, list[str]]:
    """The repository and the prefixes the bootstrap stack file trusts."""
    try:
        config = stackfile.read(BOOTSTRAP_STACK, stack_file, (), PROJECT_FILE).config
        repo = config[f"{BOOTSTRAP_PROJECT}:{REPOSITORY_KEY}"]
        prefixes = json.loads(config[f"{BOOTSTRAP_PROJECT}:{PREFIXES_KEY}"])
    except stackfile.StackFileError as err:
        raise GitHubError(str(err)) from None
    problems = [p for p in prefixes if not isinstance(p, str) or prefix_problem(p, repo)]
    if problems:
        raise GitHubError(f"{stack_file}: {PREFIXES_KEY} holds {problems[0]!r}; allowed: prefixes of {repo}")
    return repo, prefixes


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    repo, prefixes = trusted(args.stack_file)
    live = customization(args.api_url, repo)
    findings = []
    if live["sub_claim_prefix"] not in prefixes:
        findings.append(
            f"GitHub's current prefix {live['sub_claim_prefix']!r} is not one the {BOOTSTRAP_STACK} stack "
            f"trusts ({', '.join(prefixes)}): every role refuses the repository's tokens; run "
            f"`python -m tools.oidc prefixes --repository {repo}`, set them, `make bootstrap`"
        )
    template = (live.get("use_default"), list(live.get("include_claim_keys") or []))
    if template != (False, list(OIDC_CLAIM_KEYS)):
        findings.append(
            f"the repository's subject template is use_default={template[0]}, include_claim_keys="
            f"{template[1]}; expected use_default=False, {list(OIDC_CLAIM_KEYS)} (`make bootstrap` sets it)"
        )
    for finding in findings:
        print(finding, file=out)
    if not findings:
        print(
            f"{repo}: GitHub's current prefix {live['sub_claim_prefix']} is trusted, and the subject template is "
            f"{', '.join(OIDC_CLAIM_KEYS)}",
            file=out,
        )
    return EXIT_FINDINGS if findings else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m tools.oidc", description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", type=api_url, default=API_URL, help="GitHub's REST API root")
    commands = parser.add_subparsers(dest="command", required=True)
    prefixes = commands.add_parser("prefixes", help="print the config lines that trust the repository's prefixes")
    prefixes.add_argument("--repository", type=repository, required=True, metavar="OWNER/REPO")
    check = commands.add_parser("check", help="exit 1 unless GitHub's current prefix is one the stack trusts")
    check.add_argument("--stack-file", type=Path, default=STACK_FILE)
    return parser


def _main(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    args = build_parser().parse_args(argv)
    try:
        return (run_prefixes if args.command == "prefixes" else run_check)(args, out)
    except GitHubError as error:
        print(f"python -m tools.oidc: {error}", file=err)
        return EXIT_USAGE


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    return run(lambda: _main(argv, out or sys.stdout, err or sys.stderr), "python -m tools.oidc")


if __name__ == "__main__":
    sys.exit(main())
