"""The import list in bench/results.md: what a command imports and what each package costs, read
from `python -X importtime` (the interpreter's own timing of every import, microseconds of each
module's own time and of it with what it imported: docs.python.org/3/using/cmdline.html#cmdoption-X).

Development tooling for `make bench` (dev/bench.py). The same commands are measured in the
working tree and in a checkout of an earlier commit (before issue 28 by default), so the list
shows what changed.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

# Packages whose presence the table reports for --no-policy: the pack's runner and what it used to pull in.
WATCHED = (
    "pulumi_policy",
    "tools.policy.analyzer",
    "tools.policy.inprocess",
    "jsonschema",
    "detect_secrets",
    "requests",
    "grpc",
    "pulumi.runtime.proto.analyzer_pb2",
)


def parse(stderr: str) -> list[tuple[str, int, int]]:
    """Each imported module as (name, own µs, cumulative µs), in the order importtime prints them."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        rows.append((name.strip(), int(own), int(cumulative)))
    return rows


def run(cmd: list[str], root: Path, env: dict[str, str]) -> list[tuple[str, int, int]]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *cmd],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=600,
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode} in {root}: {done.stderr.strip()[-300:]}")
    return parse(done.stderr)


RUNS = 5


def measure(cmd: list[str], root: Path, env: dict[str, str], runs: int = RUNS) -> dict:
    """The fastest of `runs` (after one untimed run that writes the bytecode): each top-level
    package's own import time in ms, the total, and the modules loaded. importtime reads the wall
    clock, which other work on the machine only ever lengthens: the fastest run is the closest to
    the import's own cost."""
    run(cmd, root, env)
    samples = [run(cmd, root, env) for _ in range(runs)]
    packages: dict[str, list[float]] = {}
    for rows in samples:
        by: Counter[str] = Counter()
        for name, own, _ in rows:
            by[name.split(".")[0]] += own
        for package, own in by.items():
            packages.setdefault(package, []).append(own / 1000)
    return {
        "packages": {p: min(v) for p, v in packages.items()},
        "total_ms": min(sum(own for _, own, _ in rows) / 1000 for rows in samples),
        "modules": {name for rows in samples for name, _, _ in rows},
    }


def env_for(root: Path, base: dict[str, str]) -> dict[str, str]:
    """`base` with a checkout's own code first on the path (as tools/diff runs a base revision)."""
    env = {k: v for k, v in base.items() if k != "PYTHONHOME"}
    env["PYTHONPATH"] = str(root)
    return env


def top_ten(before: dict | None, after: dict, label: str) -> list[str]:
    """A markdown table: the ten costliest packages before and after, side by side."""
    rank = lambda m: sorted(m["packages"].items(), key=lambda kv: -kv[1])[:10]  # noqa: E731
    left = rank(before) if before else []
    right = rank(after)
    lines = [
        f"`{label}`: the ten packages that take longest to import (own time of their modules, fastest of "
        f"{RUNS} runs; all imports: {before['total_ms']:.0f} ms before, {after['total_ms']:.0f} ms after)."
        if before
        else f"`{label}` (all imports: {after['total_ms']:.0f} ms):",
        "",
        "| # | Before | ms | After | ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    for i in range(10):
        b = left[i] if i < len(left) else ("", None)
        a = right[i] if i < len(right) else ("", None)
        cell = lambda kv: (f"`{kv[0]}`", f"{kv[1]:.0f}") if kv[1] is not None else ("", "")  # noqa: E731
        lines.append(f"| {i + 1} | {' | '.join(cell(b))} | {' | '.join(cell(a))} |")
    return lines


def watched(before: dict | None, after: dict) -> list[str]:
    """Which of WATCHED a run loads, before and after."""
    lines = ["| Module | Loaded before | Loaded after |", "| --- | --- | --- |"]
    for module in WATCHED:
        was = ("yes" if module in before["modules"] else "no") if before else "(not measured)"
        lines.append(f"| `{module}` | {was} | {'yes' if module in after['modules'] else 'no'} |")
    return lines


COMMANDS = (
    ("--no-policy", ["-m", "tools.synth", "--stack", "all", "--no-policy"]),
    ("with policies", ["-m", "tools.synth", "--stack", "all"]),
)
# The commit before issue 28 forked its stacks by default; `--jobs 1` (retired since) kept it in one process.
BEFORE_FLAGS = ["--jobs", "1"]


def section(root: Path, before: tuple[str, Path] | None, base_env: dict[str, str]) -> list[str]:
    """bench/results.md's import list: each command's top ten in `before` (a commit, checked out) and in `root`."""
    after = {name: measure(cmd, root, env_for(root, base_env)) for name, cmd in COMMANDS}
    was = (
        {name: measure(cmd + BEFORE_FLAGS, before[1], env_for(before[1], base_env)) for name, cmd in COMMANDS}
        if before
        else {}
    )
    lines = [
        "## The import list",
        "",
        f"`python -X importtime` of synth in one process (before: with `--jobs 1`), before: commit {before[0][:12]} (where issue "
        f"28 started), after: this tree."
        if before
        else "The commit before issue 28 is not in this clone: after only.",
        "",
    ]
    for name, cmd in COMMANDS:
        lines += [*top_ten(was.get(name), after[name], "python " + " ".join(cmd)), ""]
    lines += [
        "What `--no-policy` loads (`grpc` and the analyzer protos come with `import pulumi` itself: "
        "pulumi/runtime/settings.py imports grpc, pulumi/runtime/proto/__init__.py every proto; the floor "
        "and the peer load them too):",
        "",
        *watched(was.get("--no-policy"), after["--no-policy"]),
        "",
    ]
    return lines
