"""The git side of the diff: the base ref resolved, checked out in a temporary worktree, and
each revision rendered by its own `python -m tools.synth` in a subprocess (the head's while the
base's renders, on the other core); a base stack already rendered or unchanged is not rendered
again (tools/diff/basecache.py)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vital import stackfile
from vital.stackfile import ROOT

from ..entry import EXIT_USAGE
from ..policy.results import violations

SYNTH_TIMEOUT_S = 900


class DiffError(Exception):
    """A usage, config or git error, reported as one line."""


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"):
        env.pop(var, None)
    return env


def git(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, env=_git_env(), capture_output=True, text=True, timeout=300)
    except FileNotFoundError:
        raise DiffError("git not found on PATH") from None


def _last_line(text: str, default: str) -> str:
    for line in reversed(text.splitlines()):
        if line.strip():
            return line.strip()
    return default


def resolve_ref(ref: str) -> str:
    if not ref or ref.startswith("-"):
        raise DiffError(f"base ref {ref!r} is not a git revision")
    top = git("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise DiffError(f"{ROOT} is not in a git repository")
    found = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode != 0 or not found.stdout.strip():
        raise DiffError(
            f"base ref {ref!r} not found (fetch it first, e.g. `git fetch origin`; CI needs fetch-depth: 0)"
        )
    return found.stdout.strip()


@contextlib.contextmanager
def worktree(sha: str) -> Iterator[Path]:
    """The project at `sha`, checked out in a temporary worktree that is always removed."""
    top = Path(git("rev-parse", "--show-toplevel").stdout.strip())
    rel = ROOT.resolve().relative_to(top.resolve())
    tmp = Path(tempfile.mkdtemp(prefix="vital-infra-diff-"))
    path = tmp / "base"
    try:
        added = git("worktree", "add", "--detach", "--quiet", str(path), sha)
        if added.returncode != 0:
            raise DiffError(f"git worktree add failed: {_last_line(added.stderr, 'no message')}")
        yield path / rel
    finally:
        removed = git("worktree", "remove", "--force", str(path))
        shutil.rmtree(tmp, ignore_errors=True)
        if removed.returncode != 0:
            git("worktree", "prune")


def run_synth(root: Path, stack: str, no_policy: bool) -> tuple[int, Any, str]:
    """Run `root`'s own synth in a subprocess: (exit code, parsed JSON or None, stderr)."""
    cmd = [sys.executable, "-m", "tools.synth", "--stack", stack, "--format", "json"]
    if no_policy:
        cmd.append("--no-policy")
    env = _git_env()
    env["PYTHONPATH"] = str(root)
    env.pop("PYTHONHOME", None)
    try:
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=SYNTH_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return EXIT_USAGE, None, f"synth timed out after {SYNTH_TIMEOUT_S} s"
    try:
        doc = json.loads(proc.stdout) if proc.stdout.strip() else None
    except json.JSONDecodeError:
        doc = None
    return proc.returncode, doc, proc.stderr


def _as_list(doc: Any) -> list[dict[str, Any]]:
    docs = doc if isinstance(doc, list) else [doc]
    return [d for d in docs if isinstance(d, dict) and "stack" in d and isinstance(d.get("resources"), list)]


def read_stack_yaml(path: Path) -> Any:
    try:
        return stackfile.load_yaml(path)
    except stackfile.StackFileError:
        return None


def read_stack_yaml_at(sha: str, stack: str) -> Any:
    """Pulumi.<stack>.yaml as it is at commit `sha` (None: absent or unreadable)."""
    shown = git("show", f"{sha}:./Pulumi.{stack}.yaml")
    if shown.returncode != 0:
        return None
    with tempfile.TemporaryDirectory(prefix="vital-infra-diff-") as tmp:
        path = Path(tmp) / f"Pulumi.{stack}.yaml"
        path.write_text(shown.stdout)
        return read_stack_yaml(path)


def render_head(stack: str, no_policy: bool) -> tuple[list[dict[str, Any]], str | None]:
    """The working tree's docs, and a reason when its policy pass failed without results."""
    code, doc, err = run_synth(ROOT, stack, no_policy)
    for line in err.splitlines():  # the program's warnings, as synth prints them
        if line.strip() and code in (0, 1):
            print(line, file=sys.stderr)
    docs = _as_list(doc)
    if code == 0 and docs:
        return docs, None
    if code == 1 and docs:
        # Synth's exit 1 is a mandatory violation: keep it even if its results are not where we look.
        found = any(violations(d.get("policy"), "mandatory") for d in docs)
        return docs, None if found else _last_line(err, "synth reported a mandatory policy violation")
    if code == 1 and not no_policy:
        # Synth stopped on the policy pass before printing: render without it, and fail.
        code2, doc2, _ = run_synth(ROOT, stack, True)
        if code2 == 0 and _as_list(doc2):
            return _as_list(doc2), _last_line(err, "policy pass failed")
    raise DiffError(f"head: {_last_line(err, f'synth exited {code} with no output')}")


def render_base(root: Path, stacks: list[str]) -> tuple[dict[str, dict[str, Any] | None], dict[str, str]]:
    """The base revision's docs by stack (None: no such stack there) and a note per stack.

    The base's own synth gets only the flags every revision of it accepts (`--stack`,
    `--format`; `--no-policy` came later, with the policy pack), so the base's policy pass
    runs too and its results are ignored. A base whose synth fails is noted as not rendered,
    and everything in that stack counts as added.
    """
    docs: dict[str, dict[str, Any] | None] = {s: None for s in stacks}
    notes: dict[str, str] = {}
    if not (root / "tools" / "synth.py").is_file():
        return docs, {s: "the base revision has no tools/synth.py" for s in stacks}
    present = [s for s in stacks if (root / f"Pulumi.{s}.yaml").is_file()]
    for s in stacks:
        if s not in present:
            notes[s] = f"the base revision has no Pulumi.{s}.yaml"
    if len(present) > 1:
        code, doc, _ = run_synth(root, "all", no_policy=False)
        if code in (0, 1):
            for d in _as_list(doc):
                if d["stack"] in present:
                    docs[d["stack"]] = d
    for s in present:
        if docs[s] is None:
            code, doc, err = run_synth(root, s, no_policy=False)
            found = [d for d in _as_list(doc) if d["stack"] == s]
            if code in (0, 1) and found:
                docs[s] = found[0]
            else:
                notes[s] = f"could not be rendered ({_last_line(err, f'synth exited {code}')})"
    return docs, notes


def head_label() -> str:
    sha = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    label = sha.stdout.strip() if sha.returncode == 0 else "working tree"
    if dirty.returncode == 0 and dirty.stdout.strip():
        label += " + uncommitted changes"
    return label
