"""Operations on the Pulumi state in the S3 backend (the bucket itself is the bootstrap stack's):

    python -m tools.backend status  --bucket NAME --region R [--format json] [--stale-after-minutes 60]
    python -m tools.backend history STACK --bucket NAME --region R [--format json]
    python -m tools.backend restore STACK --version-id ID --bucket NAME --region R
    pulumi stack output --json --cwd bootstrap --stack bootstrap | python -m tools.backend settings

`status` reports each stack's checkpoint, last write, versions and lock, and exits 1 on a
finding (a stack with no checkpoint, a stale lock). `settings` prints where each value goes in
GitHub and the `pulumi stack init` line of each tier, from the bootstrap stack's outputs.
`bootstrap`, and status's --kms-alias, --noncurrent-days and --github-repo, are retired: the
bucket, its keys and the CI's identities are the bootstrap stack's (docs/bootstrap.md); each
fails with one line saying so.

Exit codes: 0 good, 1 findings (status), 2 an error or a usage error, 3 an internal error.
Errors are one line on stderr, never a traceback (an internal error's goes to a log file).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from tools.backend.clients import Backend, Target, open_backend
from tools.backend.errors import BackendError, explain
from tools.backend.history import current_version, find_state, restore
from tools.backend.output import print_history, print_status, settings_lines
from tools.backend.state import status
from tools.entry import OneLineParser, UsageError, run
from vital import aws_validators
from vital.names import PROJECT, TIERS
from vital.trust import BOOTSTRAP_STACK

DEFAULT_PROJECT = PROJECT
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
STACKS = (*TIERS, BOOTSTRAP_STACK)

STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
ENDPOINT_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s]*)?$")
RETIRED = (
    "the bucket, its keys and the CI's identities are the bootstrap stack's: `make bootstrap` makes or "
    "updates them, `pulumi preview --cwd bootstrap --stack bootstrap --refresh --expect-no-changes` "
    "checks them (docs/bootstrap.md)"
)


def bucket_name(value: str) -> str:
    try:
        return aws_validators.s3_bucket_name(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an S3 bucket name ({str(err).removeprefix('allowed: ')})"
        ) from None


def aws_region(value: str) -> str:
    """A region botocore's own endpoint data knows, in any partition."""
    regions = known_regions()
    if value not in regions:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an AWS region botocore knows (for example {', '.join(sorted(regions)[:3])}, ...)"
        )
    return value


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    session = boto3.session.Session()
    return frozenset(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("s3", partition_name=partition)
    )


def endpoint_url(value: str) -> str:
    if not ENDPOINT_URL.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an endpoint URL; allowed: http(s)://host[:port]")
    return value


def positive_whole(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: expected a whole number, at least 1")
    return int(value)


def stack_name(value: str) -> str:
    # organization/project/stack and project/stack are accepted; the stack part is checked.
    parts = value.split("/")
    if len(parts) > 3 or not all(STACK_NAME.match(p) and p not in (".", "..") for p in parts):
        raise argparse.ArgumentTypeError(f"{value!r} is not a valid stack name")
    return value


def retired(flag: str) -> Callable[[str], str]:
    def refuse(_value: str) -> str:
        raise argparse.ArgumentTypeError(f"{flag} is retired: {RETIRED}")

    return refuse


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m tools.backend", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    where = OneLineParser(add_help=False)
    where.add_argument("--bucket", required=True, type=bucket_name)
    where.add_argument("--region", required=True, type=aws_region)
    where.add_argument("--endpoint-url", type=endpoint_url, help="S3 endpoint for MinIO, LocalStack or moto")

    state = OneLineParser(add_help=False)
    state.add_argument("stack", type=stack_name)
    state.add_argument("--project", default=DEFAULT_PROJECT, type=stack_name)

    fmt = OneLineParser(add_help=False)
    fmt.add_argument("--format", choices=("text", "json"), default="text")

    status_cmd = commands.add_parser("status", parents=[where, fmt], help="each stack's checkpoint, versions and lock")
    status_cmd.add_argument(
        "--stale-after-minutes",
        type=positive_whole,
        default=60,
        metavar="N",
        help="a lock older than this is a finding (the up jobs stop after 45 minutes)",
    )
    for flag in ("--kms-alias", "--noncurrent-days", "--github-repo"):
        status_cmd.add_argument(flag, type=retired(flag), help=argparse.SUPPRESS)
    commands.add_parser("history", parents=[where, state, fmt], help="list a stack's stored state versions")
    restore_cmd = commands.add_parser("restore", parents=[where, state], help="make an old version current")
    restore_cmd.add_argument("--version-id", required=True)
    settings = commands.add_parser("settings", help="what to set in GitHub, from the bootstrap stack's outputs")
    settings.add_argument(
        "--outputs", default="-", metavar="FILE", help="`pulumi stack output --json` (default: stdin)"
    )
    return parser


def split_stack(args: argparse.Namespace) -> tuple[str, str]:
    """`org/project/stack` or `project/stack` name their project; a bare stack uses --project."""
    parts = args.stack.split("/")
    project = parts[-2] if len(parts) > 1 else args.project
    return parts[-1], project


def run_status(args: argparse.Namespace, b: Backend, out: TextIO) -> int:
    stale_after = timedelta(minutes=args.stale_after_minutes)
    states = status(b, STACKS, datetime.now(UTC), stale_after)
    print_status(b, states, stale_after, args.format, out)
    return EXIT_FINDINGS if any(s.findings(stale_after) for s in states) else EXIT_OK


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


def run_settings(args: argparse.Namespace, out: TextIO) -> int:
    where = "stdin" if args.outputs == "-" else args.outputs
    try:
        text = sys.stdin.read() if args.outputs == "-" else Path(args.outputs).read_text(encoding="utf-8")
        outputs: Any = json.loads(text)
        lines = settings_lines(outputs)
    except OSError as err:
        raise BackendError(f"{where}: cannot be read ({err.strerror})") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackendError(
            f"{where}: not the bootstrap stack's outputs; allowed: `pulumi stack output --json --cwd "
            f"bootstrap --stack {BOOTSTRAP_STACK}` (githubVariables, stackInits)"
        ) from None
    print(
        "set in GitHub (Settings > Secrets and variables > Actions, and each environment), then make each tier's stack:",
        file=out,
    )
    for line in lines:
        print(f"  {line}", file=out)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Backend, TextIO], int]] = {
    "status": run_status,
    "history": run_history,
    "restore": run_restore,
}


def _main(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bootstrap"]:
        raise UsageError(f"`bootstrap` is retired: {RETIRED}")
    args = build_parser().parse_args(argv)  # a usage error is one line and exit 2 (tools.entry.run)
    if args.command == "settings":
        try:
            return run_settings(args, out)
        except BackendError as exc:
            print(f"error: {exc}", file=err)
            return EXIT_ERROR
    target = Target(args.bucket, args.region, args.endpoint_url)
    try:
        return COMMANDS[args.command](args, open_backend(target), out)
    except (BackendError, BotoCoreError, ClientError, ResponseParserError) as exc:
        print(f"error: {explain(exc, target)}", file=err)
        return EXIT_ERROR


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Exit 0 good, 1 findings (status), 2 an error or a usage error (one line), 3 an internal error (logged)."""
    return run(lambda: _main(argv, out or sys.stdout, err or sys.stderr), "python -m tools.backend")
