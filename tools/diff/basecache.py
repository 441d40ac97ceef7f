"""What the diff need not render again: a base stack whose inputs equal the head's, and a base
stack rendered before (cached under `.cache/diff/`).

- Unchanged inputs: the stack file, the project file, the program, the components, the
  contracts, the tools and the pack are the same at the base commit as in the working tree
  (tracked and untracked files alike), so the base renders exactly what the head renders.
- The cache: a rendered base document under a key of (commit, the stack file's blob at that
  commit, the pack's version there, and this interpreter and the SDKs that render it). A key
  that differs in any part is a miss; an entry is written whole (temp file + rename) or not at
  all, and one that cannot be read is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from vital.stackfile import ROOT

CACHE_DIR = ROOT / ".cache" / "diff"
# What does not change a rendered stack: docs, tests, benchmarks, CI and other stacks' files.
NOT_INPUTS = ("docs", "tests", "bench", ".github", ".cache", "*.md")
# The distributions that render a stack: another version may render it differently.
RENDERERS = ("pulumi", "pulumi-policy", "pulumiverse-vercel", "pulumi-github", "upstash-pulumi", "protobuf")

Git = Callable[..., Any]  # revisions.git: (*args) -> CompletedProcess, run in the project's directory


def _pathspecs(stack: str, git: Git) -> list[str]:
    stack_files = [f for f in git("ls-files", "--", "Pulumi.*.yaml").stdout.split() if f != f"Pulumi.{stack}.yaml"]
    return ["--", ".", *(f":(exclude,glob){p}" for p in NOT_INPUTS), *(f":(exclude){f}" for f in stack_files)]


def inputs_unchanged(sha: str, stack: str, git: Git) -> bool:
    """True when nothing that renders `stack` differs between commit `sha` and the working tree."""
    specs = _pathspecs(stack, git)
    if git("diff", "--quiet", sha, *specs).returncode != 0:  # 1: differences; anything else: cannot tell
        return False
    untracked = git("ls-files", "--others", "--exclude-standard", *specs)
    return untracked.returncode == 0 and not untracked.stdout.strip()


def renderers() -> str:
    """This interpreter and the versions of what renders: part of every key."""
    versions = []
    for name in RENDERERS:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}==none")
    return f"python {sys.version.split()[0]}; " + ", ".join(versions)


def pack_version_at(sha: str, git: Git) -> str:
    shown = git("show", f"{sha}:./policies/PulumiPolicy.yaml")  # ./: relative to the project, as git runs here
    if shown.returncode != 0:
        return "no pack"
    try:
        manifest = yaml.safe_load(shown.stdout) or {}
    except yaml.YAMLError:
        return "unreadable pack manifest"
    return str(manifest.get("version", "no version")) if isinstance(manifest, dict) else "unreadable pack manifest"


def cache_key(sha: str, stack: str, git: Git) -> str:
    """sha256 of (commit, stack, the stack file's blob at the commit, the pack's version there, renderers)."""
    blob = git("rev-parse", "--verify", "--quiet", f"{sha}:./Pulumi.{stack}.yaml")
    parts = {
        "commit": sha,
        "stack": stack,
        "stackFile": blob.stdout.strip() if blob.returncode == 0 else "absent",
        "pack": pack_version_at(sha, git),
        "renderers": renderers(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def load(key: str, directory: Path | None = None) -> dict[str, Any] | None:
    try:
        doc = json.loads(((directory or CACHE_DIR) / f"{key}.json").read_text())
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and "stack" in doc else None


def store(key: str, doc: dict[str, Any], directory: Path | None = None) -> None:
    """Write the entry whole or not at all; a cache that cannot be written is no error."""
    directory = directory or CACHE_DIR
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{key}.", suffix=".tmp")
        with os.fdopen(fd, "w") as out:
            json.dump(doc, out)
        os.replace(tmp, directory / f"{key}.json")
    except OSError:
        pass
