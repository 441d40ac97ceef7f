"""Desired-state diff against a git revision: `python -m tools.diff BASE_REF` (also `tools.synth --diff`).

    python -m tools.diff BASE_REF [--stack NAME|all] [--format json|markdown] [--no-policy]
    python -m tools.synth --diff BASE_REF ...          (the same, routed from synth)

Renders each stack twice, offline: at BASE_REF, checked out in a temporary `git worktree`
and rendered by that revision's own `python -m tools.synth`, and in the working tree. It
then reports, per stack, the resources added, removed and changed (matched by URN) with the
property paths and old -> new values, the secret config entries whose `secure:` ciphertext
changed (never a value), and the head state's policy results.

Exit 0 when rendered with no mandatory policy violation in the head state, 1 when one
remains, 2 for a usage or config error or a base ref that is not found (one line on stderr).
The worktree is always removed.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

from ..entry import EXIT_USAGE, OneLineParser, UsageError
from .changes import diff_docs, exit_code, public_json
from .comment import to_markdown
from .revisions import ROOT, DiffError, head_label, read_stack_yaml, render_base, render_head, resolve_ref, worktree

PROG = "python -m tools.diff"


def build(base_ref: str, stack: str, no_policy: bool) -> dict[str, Any]:
    """Render the working tree and `base_ref` (in a temporary worktree), and diff them."""
    sha = resolve_ref(base_ref)
    head_docs, policy_failed = render_head(stack, no_policy)
    names = [d["stack"] for d in head_docs]
    head_yamls = {s: read_stack_yaml(ROOT / f"Pulumi.{s}.yaml") for s in names}
    with worktree(sha) as base_root:
        base_docs, notes = render_base(base_root, names)
        base_yamls = {s: read_stack_yaml(base_root / f"Pulumi.{s}.yaml") for s in names}
    result = diff_docs(base_ref, base_docs, head_docs, base_yamls, head_yamls, notes, policy_run=not no_policy)
    result["baseCommit"] = sha
    result["head"] = head_label()
    if policy_failed:
        result["policyFailed"] = policy_failed
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", metavar="BASE_REF", help="git revision to compare with, e.g. origin/main")
    parser.add_argument("--diff", dest="diff_ref", metavar="BASE_REF", help="the same, as `tools.synth --diff` takes it")
    parser.add_argument("--stack", default="all", help="a stack name, or 'all' for the three tier stacks")
    parser.add_argument("--format", choices=("json", "markdown"), default="json")
    parser.add_argument("--no-policy", action="store_true", help="skip the policy pass in the head render")
    return parser


def _on_sigterm(signum, frame):  # noqa: ARG001 - let `finally` remove the worktree
    raise SystemExit(128 + signum)


def run(base_ref: str, stack: str = "all", fmt: str = "json", no_policy: bool = False) -> int:
    """Diff against `base_ref` and print the report; the exit code (errors: one line on stderr, 2)."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        result = build(base_ref, stack, no_policy)
    except DiffError as err:
        print(f"diff: {err}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    if fmt == "json":
        print(json.dumps(public_json(result), indent=2))
    else:
        sys.stdout.write(to_markdown(result))
    return exit_code(result)


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        refs = [r for r in (args.base, args.diff_ref) if r is not None]
        if len(refs) != 1:
            raise UsageError("give the base revision once: BASE_REF or --diff BASE_REF")
    except UsageError as err:
        print(f"diff: {err}", file=sys.stderr)
        return EXIT_USAGE
    return run(refs[0], args.stack, args.format, args.no_policy)
