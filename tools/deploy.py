"""Never deploy backwards, and apply only what was previewed: infra-deploy.yml's guard before `up`.

    python -m tools.deploy check  --stack S --history FILE --commit SHA [--previewed-update ID --previewed-commit SHA]
    python -m tools.deploy record --stack S --history FILE --commit SHA   # production's preview job

FILE is `pulumi stack history --json --page-size 0 --stack S` (every entry, newest first: the DIY
backend lists `.pulumi/history/<project>/<stack>/` and reverses it, pulumi/pulumi
pkg/backend/diy/state.go `getHistory`; page size 0 means all). Each entry is the CLI's
`updateInfoJSON` (pkg/cmd/pulumi/stack/stack_history.go): `kind`, `startTime`, `endTime`,
`result`, and `environment`, where the CLI records the commit it ran from as `git.head`
(pkg/backend/updates.go `GitHead = "git.head"`). The DIY backend records no `version` (its
backend.UpdateInfo leaves it 0, pkg/backend/diy/backend.go), so an update is told apart by its
whole entry.

`check` stops, with one line and exit 1, when:
- the stack's last `pulumi up` (kind `update`) ran from a commit that SHA does not descend from
  (`git merge-base --is-ancestor`): deploying SHA would roll the stack back (a re-run of an old
  workflow run, or an old run that waited while a newer one deployed);
- that commit is unknown to this clone, or the last `up` recorded none (run outside git);
- with --previewed-update/--previewed-commit (production's `up` job, from its preview job's
  outputs): the stack's newest history entry is not the one the preview saw (the stack moved
  between the preview the reviewers approved and this `up`), or SHA is not the previewed commit.

Why not an update plan (`pulumi preview --save-plan`, `pulumi up --plan`): `--plan` is hidden and
"[EXPERIMENTAL]" in the pinned CLI (pkg/cmd/pulumi/operations/up.go), `--save-plan` "[PREVIEW]"
(preview.go). The same commit (the same program and stack file) against the same state gives
`up` the same steps the preview showed, since neither refreshes; what this cannot hold still is
the providers' own answers, which a plan would not hold either without `--refresh`.

`record` runs `check`, then prints `update=ID` and `commit=SHA` for $GITHUB_OUTPUT. Exit 0 ok,
1 refused (one line), 2 bad input (one line), 3 internal error (a log file).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .entry import EXIT_FINDINGS, EXIT_OK, OneLineParser, UsageError, run

PROG = "python -m tools.deploy"
GIT_HEAD = "git.head"  # pkg/backend/updates.go
UP_KIND = "update"  # apitype.UpdateUpdate: what `pulumi up` records
NO_HISTORY = "none"
GIT_TIMEOUT_S = 60
_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


class Refused(Exception):
    """The deploy must not run; one line."""


def sha(value: str) -> str:
    if not _SHA.match(value):
        raise argparse.ArgumentTypeError(f"found {value!r}; allowed: a full commit id (40 or 64 hex digits)")
    return value


def read_history(path: Path) -> list[dict[str, Any]]:
    """The entries of `pulumi stack history --json`, newest first; bad input is a UsageError."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise UsageError(f"--history {path}: not the JSON `pulumi stack history --json` prints ({err})") from None
    if data is None:  # the CLI prints null for a stack that has never been updated
        return []
    if not isinstance(data, list) or not all(isinstance(e, dict) and isinstance(e.get("kind"), str) for e in data):
        raise UsageError(
            f"--history {path}: found {type(data).__name__}; allowed: a list of updates, each with its kind"
        )
    return data


def update_id(history: list[dict[str, Any]]) -> str:
    """The newest entry, identified by its whole content (the DIY backend numbers none)."""
    if not history:
        return NO_HISTORY
    return hashlib.sha256(json.dumps(history[0], sort_keys=True).encode()).hexdigest()[:16]


def describe(entry: dict[str, Any]) -> str:
    head = (entry.get("environment") or {}).get(GIT_HEAD)
    return f"{entry['kind']} of {entry.get('startTime', 'an unknown time')}" + (f" from {head[:12]}" if head else "")


def last_deployed(stack: str, history: list[dict[str, Any]]) -> str | None:
    """The commit the stack's last `pulumi up` ran from; None before the first."""
    for entry in history:
        if entry["kind"] == UP_KIND:
            head = (entry.get("environment") or {}).get(GIT_HEAD)
            if not isinstance(head, str) or not _SHA.match(head):
                raise Refused(
                    f"stack '{stack}': its last pulumi up ({describe(entry)}) recorded no commit (git.head), "
                    f"so nothing says this run's commit is newer; run one pulumi up of main from a git "
                    f"checkout (it records git.head), then this workflow"
                )
            return head
    return None


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT_S)


def descends(stack: str, repo: Path, deployed: str, commit: str) -> None:
    """Refuse unless `commit` is `deployed` or a descendant of it."""
    if _git(repo, "rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        raise UsageError("the checkout is shallow, so a commit's ancestors are missing; check out with fetch-depth: 0")
    done = _git(repo, "merge-base", "--is-ancestor", deployed, commit)
    if done.returncode == 1:
        raise Refused(
            f"stack '{stack}': commit {commit[:12]} does not descend from {deployed[:12]}, which the stack "
            f"last deployed: deploying it would roll {stack} back; deploy main's latest commit instead "
            f"(Actions > infra-deploy > Run workflow, or re-run only the latest run)"
        )
    if done.returncode != 0:
        raise Refused(
            f"stack '{stack}': it was last deployed from commit {deployed[:12]}, which this repository's "
            f"history does not hold (deployed from a branch or a fork?); deploy main once from a checkout "
            f"of main, then this workflow"
        )


def check(args: argparse.Namespace) -> list[dict[str, Any]]:
    history = read_history(args.history)
    if args.previewed_commit and args.previewed_commit != args.commit:
        raise Refused(
            f"stack '{args.stack}': this job would apply commit {args.commit[:12]}, but its preview showed "
            f"{args.previewed_commit[:12]}; re-run the whole workflow, so the stack is previewed again"
        )
    if args.previewed_update and args.previewed_update != update_id(history):
        now = describe(history[0]) if history else "none"
        raise Refused(
            f"stack '{args.stack}' changed after its preview (its newest update is now: {now}); re-run the "
            f"whole workflow, so the reviewers approve a preview of the stack as it is"
        )
    deployed = last_deployed(args.stack, history)
    if deployed is not None:
        descends(args.stack, args.repo, deployed, args.commit)
    return history


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog=PROG, description="Refuse to deploy a commit older than the stack's, or other than previewed."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for name in ("check", "record"):
        command = sub.add_parser(name)
        command.add_argument("--stack", required=True)
        command.add_argument("--history", type=Path, required=True, help="pulumi stack history --json --page-size 0")
        command.add_argument("--commit", type=sha, required=True, help="the commit this job deploys (github.sha)")
        command.add_argument("--repo", type=Path, default=Path.cwd(), help="the clone (fetch-depth: 0)")
        if name == "check":
            command.add_argument("--previewed-update", help="the preview job's `update` output")
            command.add_argument("--previewed-commit", type=sha, help="the preview job's `commit` output")
    return parser


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    args.previewed_update = getattr(args, "previewed_update", None)
    args.previewed_commit = getattr(args, "previewed_commit", None)
    try:
        history = check(args)
    except Refused as err:
        print(f"deploy: {err}", file=sys.stderr)
        return EXIT_FINDINGS
    if args.command == "record":
        print(f"update={update_id(history)}")
        print(f"commit={args.commit}")
    else:
        print(f"deploy: stack '{args.stack}': commit {args.commit[:12]} may deploy")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    return run(lambda: _main(argv), PROG)


if __name__ == "__main__":
    sys.exit(main())
