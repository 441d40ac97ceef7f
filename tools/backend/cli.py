"""Self-managed Pulumi state backend: an S3 bucket for state, a KMS key for stack secrets.

The bucket and key must exist before the first `pulumi login`, so no stack can create them.
This tool creates or verifies them with boto3:

    python -m tools.backend bootstrap --bucket NAME --region R [--kms-alias alias/NAME] [--github-repo OWNER/REPO]
    python -m tools.backend status    --bucket NAME --region R [--format json] [--github-repo OWNER/REPO]
    python -m tools.backend history STACK --bucket NAME --region R [--format json]
    python -m tools.backend restore STACK --version-id ID --bucket NAME --region R

With --github-repo, bootstrap and status also cover the CI identities (identity.py): GitHub's
OIDC provider, the read-only plan role and one deploy role per environment.

Exit codes: 0 good, 1 drift (status only), 2 an error or a usage error, 3 an internal error.
Errors are one line on stderr, never a traceback (an internal error's goes to a log file).
"""

from __future__ import annotations

import argparse
import re
import sys
from functools import lru_cache
from typing import Callable, Sequence, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from tools.backend.checks import bootstrap, status
from tools.backend.clients import (
    DEFAULT_KMS_ALIAS,
    DEFAULT_NONCURRENT_DAYS,
    Backend,
    Desired,
    Target,
    open_backend,
)
from tools.backend.errors import BackendError, explain
from tools.backend.history import current_version, find_state, restore
from tools.backend.identity import ENVIRONMENTS, deploy_role, plan_role, role_arns
from tools.backend.output import ci_lines, print_history, print_status, pulumi_lines
from tools.entry import OneLineParser, run
from vital import facts
from vital.names import PROJECT

DEFAULT_PROJECT = PROJECT

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2

BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
ENDPOINT_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s]*)?$")
# GitHub: owner 1-39 alphanumerics or single hyphens; repository name letters, digits, . _ -
GITHUB_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}/[A-Za-z0-9._-]{1,100}$")


def bucket_name(value: str) -> str:
    """AWS's naming rules for general-purpose buckets (vital.facts has the source)."""
    reserved = [p for p in facts.S3_BUCKET_RESERVED_PREFIXES if value.startswith(p)]
    reserved += [s for s in facts.S3_BUCKET_RESERVED_SUFFIXES if value.endswith(s)]
    if not BUCKET_NAME.match(value) or ".." in value or re.fullmatch(r"[0-9]+(\.[0-9]+){3}", value) or reserved:
        why = f"AWS reserves {reserved[0]!r}" if reserved else "3-63 lower-case letters, digits, '.' and '-', " \
              "starting and ending with a letter or digit, no '..', not an IP address"
        raise argparse.ArgumentTypeError(f"{value!r} is not an S3 bucket name ({why})")
    return value


def aws_region(value: str) -> str:
    """A region botocore's own endpoint data knows, in any partition."""
    regions = known_regions()
    if value not in regions:
        raise argparse.ArgumentTypeError(f"{value!r} is not an AWS region botocore knows (for example "
                                         f"{', '.join(sorted(regions)[:3])}, ...)")
    return value


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    session = boto3.session.Session()
    return frozenset(region for partition in session.get_available_partitions()
                     for region in session.get_available_regions("s3", partition_name=partition))


def endpoint_url(value: str) -> str:
    if not ENDPOINT_URL.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an endpoint URL; allowed: http(s)://host[:port]")
    return value


def kms_alias(value: str) -> str:
    if not value.startswith("alias/") or value.startswith("alias/aws/") or len(value) <= len("alias/"):
        raise argparse.ArgumentTypeError(f"{value!r}: expected alias/NAME (alias/aws/* is reserved by AWS)")
    return value


def positive_days(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: expected a whole number of days, at least 1")
    return int(value)


def stack_name(value: str) -> str:
    # organization/project/stack and project/stack are accepted; the stack part is checked.
    parts = value.split("/")
    if len(parts) > 3 or not all(STACK_NAME.match(p) and p not in (".", "..") for p in parts):
        raise argparse.ArgumentTypeError(f"{value!r} is not a valid stack name")
    return value


def github_repo(value: str) -> str:
    if not GITHUB_REPO.match(value) or value.split("/")[1] in (".", ".."):
        raise argparse.ArgumentTypeError(
            f"{value!r}: expected OWNER/REPO as GitHub spells it (the OIDC subject is case-sensitive)"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m tools.backend", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    where = OneLineParser(add_help=False)
    where.add_argument("--bucket", required=True, type=bucket_name)
    where.add_argument("--region", required=True, type=aws_region)
    where.add_argument("--endpoint-url", type=endpoint_url, help="S3/KMS endpoint for MinIO, LocalStack or moto")

    settings = OneLineParser(add_help=False)
    settings.add_argument("--kms-alias", default=DEFAULT_KMS_ALIAS, type=kms_alias)
    settings.add_argument("--noncurrent-days", default=DEFAULT_NONCURRENT_DAYS, type=positive_days)
    settings.add_argument("--github-repo", type=github_repo, metavar="OWNER/REPO",
                          help="also create or check the CI identities this repository's workflows assume")

    state = OneLineParser(add_help=False)
    state.add_argument("stack", type=stack_name)
    state.add_argument("--project", default=DEFAULT_PROJECT, type=stack_name)

    fmt = OneLineParser(add_help=False)
    fmt.add_argument("--format", choices=("text", "json"), default="text")

    boot = commands.add_parser("bootstrap", parents=[where, settings], help="create or verify bucket and key")
    boot.add_argument("--stack", type=stack_name, help="stack name for the printed `pulumi stack init` line")
    commands.add_parser("status", parents=[where, settings, fmt], help="report settings and drift")
    commands.add_parser("history", parents=[where, state, fmt], help="list a stack's stored state versions")
    restore_cmd = commands.add_parser("restore", parents=[where, state], help="make an old version current")
    restore_cmd.add_argument("--version-id", required=True)
    return parser


def target_from(args: argparse.Namespace) -> Target:
    return Target(
        bucket=args.bucket,
        region=args.region,
        kms_alias=getattr(args, "kms_alias", DEFAULT_KMS_ALIAS),
        endpoint_url=args.endpoint_url,
        github_repo=getattr(args, "github_repo", None),
    )


def desired_from(args: argparse.Namespace) -> Desired:
    return Desired(noncurrent_days=getattr(args, "noncurrent_days", DEFAULT_NONCURRENT_DAYS))


def split_stack(args: argparse.Namespace) -> tuple[str, str]:
    """`org/project/stack` or `project/stack` name their project; a bare stack uses --project."""
    parts = args.stack.split("/")
    project = parts[-2] if len(parts) > 1 else args.project
    return parts[-1], project


def run_bootstrap(args: argparse.Namespace, b: Backend, out: TextIO) -> int:
    print(f"bootstrap s3://{b.bucket} ({b.target.region}), KMS {b.target.kms_alias}", file=out)
    checks = bootstrap(b, out)
    print("use this backend with:", file=out)
    for line in pulumi_lines(b.target, args.stack):
        print(f"  {line}", file=out)
    if b.target.github_repo:
        print(f"set in GitHub ({b.target.github_repo}, Settings > Secrets and variables > Actions, and each environment):",
              file=out)
        deploy = {env: deploy_role(env).name for env in ENVIRONMENTS}
        for line in ci_lines(b.target, role_arns(b), plan_role().name, deploy):
            print(f"  {line}", file=out)
    else:
        print("CI identities: not checked (pass --github-repo OWNER/REPO to create the OIDC roles)", file=out)
    changed = [c.name for c in checks if c.result != "ok"]
    print(f"changed: {', '.join(changed)}" if changed else "no changes", file=out)
    return EXIT_OK


def run_status(args: argparse.Namespace, b: Backend, out: TextIO) -> int:
    checks = status(b)
    print_status(b.target, checks, args.format, out)
    return EXIT_OK if all(c.ok for c in checks) else EXIT_DRIFT


def run_history(args: argparse.Namespace, b: Backend, out: TextIO) -> int:
    stack, project = split_stack(args)
    key, versions = find_state(b, stack, project)
    print_history(b, key, versions, args.format, out)
    return EXIT_OK


def run_restore(args: argparse.Namespace, b: Backend, out: TextIO) -> int:
    stack, project = split_stack(args)
    key, versions = find_state(b, stack, project)
    current = current_version(versions)
    if current is not None and current.version_id == args.version_id:
        print(f"s3://{b.bucket}/{key}: version {args.version_id} is already current; nothing to do", file=out)
        return EXIT_OK
    previous, new = restore(b, key, versions, args.version_id)
    print(f"restored s3://{b.bucket}/{key} from version {args.version_id}", file=out)
    print(f"  new current version: {new}", file=out)
    undo = f"restore {args.stack} --version-id {previous}"
    print(f"  previous current {previous} is kept; undo with: {undo}", file=out)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Backend, TextIO], int]] = {
    "bootstrap": run_bootstrap,
    "status": run_status,
    "history": run_history,
    "restore": run_restore,
}


def _main(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    args = build_parser().parse_args(argv)  # a usage error is one line and exit 2 (tools.entry.run)
    target = target_from(args)
    try:
        backend = open_backend(target, desired_from(args))
        return COMMANDS[args.command](args, backend, out)
    except (BackendError, BotoCoreError, ClientError, ResponseParserError) as exc:
        print(f"error: {explain(exc, target)}", file=err)
        return EXIT_ERROR


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Exit 0 good, 1 drift (status), 2 an error or a usage error (one line), 3 an internal error (logged)."""
    return run(lambda: _main(argv, out or sys.stdout, err or sys.stderr), "python -m tools.backend")

