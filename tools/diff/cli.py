"""Desired-state diff against a git revision: `python -m tools.diff BASE_REF` (also `tools.synth --diff`).

    python -m tools.diff BASE_REF [--stack NAME|all] [--format json|markdown] [--no-policy]
    python -m tools.synth --diff BASE_REF ...          (the same, routed from synth)

Renders each stack twice, offline: at BASE_REF, checked out in a temporary `git worktree`
and rendered by that revision's own `python -m tools.synth`, and in the working tree (at the
same time, on the other core). A base stack is not rendered again when its inputs (the
program, its stack file, the pack) are the same in the working tree, which the report says,
nor when it was rendered before at that commit (`.cache/diff/`, see basecache.py). It then
reports, per stack, the resources added, removed and changed (matched by URN) with the
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
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from vital.names import TIERS

from ..entry import EXIT_USAGE, RETIRED_RENDER_FLAGS, OneLineParser, UsageError, retire
from . import basecache
from .changes import diff_docs, exit_code, public_json
from .comment import comment_limit, to_markdown
from .revisions import (
    ROOT,
    DiffError,
    git,
    head_label,
    read_stack_yaml,
    read_stack_yaml_at,
    render_base,
    render_head,
    resolve_ref,
    worktree,
)

PROG = "python -m tools.diff"
SKIPPED = (
    "inputs unchanged since the base (program, stack file, pack): not rendered again, the head's render stands for it"
)


def _bases(sha: str, names: list[str]) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The base docs to diff against (skipped stacks filled in later), notes, and the stacks skipped."""
    skipped = {s: SKIPPED for s in names if basecache.inputs_unchanged(sha, s, git)}
    keys = {s: basecache.cache_key(sha, s, git) for s in names if s not in skipped}
    docs: dict[str, Any] = {s: basecache.load(key) for s, key in keys.items()}
    missing = [s for s in keys if docs[s] is None]
    notes: dict[str, str] = {}
    if missing:
        with worktree(sha) as base_root:
            rendered, notes = render_base(base_root, missing)
        for s in missing:
            doc = docs[s] = rendered[s]
            if doc is not None:
                basecache.store(keys[s], doc)
    return docs, notes, skipped


def build(base_ref: str, stack: str, no_policy: bool) -> dict[str, Any]:
    """Render the working tree and `base_ref` (what is not cached or unchanged), and diff them."""
    sha = resolve_ref(base_ref)
    names = list(TIERS) if stack == "all" else [stack]
    with ThreadPoolExecutor(max_workers=1) as pool:
        head = pool.submit(render_head, stack, no_policy)  # a subprocess: the other core
        # Everything else while the head renders.
        base_docs, notes, skipped = _bases(sha, names)
        head_yamls = {s: read_stack_yaml(ROOT / f"Pulumi.{s}.yaml") for s in names}
        base_yamls = {s: head_yamls[s] if s in skipped else read_stack_yaml_at(sha, s) for s in names}
        label = head_label()
        head_docs, policy_failed = head.result()
    for doc in head_docs:
        if doc["stack"] in skipped:
            base_docs[doc["stack"]] = {k: v for k, v in doc.items() if k != "policy"}
    result = diff_docs(base_ref, base_docs, head_docs, base_yamls, head_yamls, notes, policy_run=not no_policy)
    for entry in result["stacks"]:
        if entry["stack"] in skipped:
            entry["baseSkipped"] = skipped[entry["stack"]]
    result["baseCommit"] = sha
    result["head"] = label
    if policy_failed:
        result["policyFailed"] = policy_failed
    return result


def markdown(result: dict[str, Any]) -> str:
    """The PR comment, with a line for the stacks whose base was not rendered again."""
    skipped = [s["stack"] for s in result["stacks"] if s.get("baseSkipped")]
    if not skipped:
        return to_markdown(result)
    line = (
        f"\n_Not rendered at the base, inputs unchanged (program, stack file, pack): "
        f"{', '.join(f'`{s}`' for s in skipped)}._\n"
    )
    return to_markdown(result, limit=comment_limit() - len(line.encode())) + line


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", metavar="BASE_REF", help="git revision to compare with, e.g. origin/main")
    parser.add_argument(
        "--diff", dest="diff_ref", metavar="BASE_REF", help="the same, as `tools.synth --diff` takes it"
    )
    parser.add_argument("--stack", default="all", help="a stack name, or 'all' for the three tier stacks")
    parser.add_argument("--format", choices=("json", "markdown"), default="json")
    parser.add_argument("--no-policy", action="store_true", help="skip the policy pass in the head render")
    retire(parser, RETIRED_RENDER_FLAGS)
    return parser


def _on_sigterm(signum, frame):
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
        sys.stdout.write(markdown(result))
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
