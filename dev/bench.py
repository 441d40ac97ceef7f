"""The benchmark behind `make bench`: what synth, the policy pass and the diff cost, side by
side in one run, and how they grow.

Writes bench/results.md. Not a test: it measures, it asserts nothing; the targets are
reported as met or missed, by how much, with the profiles (dev/profiling.py) behind them.

    python -m dev.bench [--runs 5] [--sizes 1,10,100,500] [--out bench/results.md]
    python -m dev.bench --probe N [--policy-process]   (one measurement, JSON; the pack launched as the CLI does)
    python -m dev.bench --probe-pack   (the pack over the committed stacks timed on its own, JSON)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tools.entry import EXIT_USAGE, OneLineParser, UsageError
from vital.names import TIERS
from vital.stackfile import ROOT

from . import bench_committed as committed
from . import importlist, machine, profiling
from .bench_probe import CHILD_ENV, PY, probe, probe_pack, run_probe, run_probe_pack

FLOOR_IMPORTS = "import pulumi, pulumiverse_vercel, pulumi_github, pulumi_policy, upstash_pulumi"
# "Before" in the whole-process table and the import list: the commit issue 28 started from (`--before REF`).
BEFORE = "f9f251025acf93c5e05533beac4281154e1ec636"

# Targets from issue 17.
TARGET_RATIO = 1.5  # all three stacks with policies, against the import floor
# Targets from issue 28.
TARGET_PEER_RATIO = 1.15  # synth --no-policy, against the peer program (dev/peer.py)
TARGET_RATIO_28 = 1.6  # synth with policies, against the import floor
TARGET_POLICY_SHARE = 0.2  # what the pack adds over --no-policy, in floors
TARGET_MS_PER_RESOURCE = 2.0  # render + policy at 500 apps
TARGET_PEAK_MIB = 300
TARGET_WARM_DIFF = 1.2  # a warm --diff, against a single synth of all stacks


def _timed(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall time, and CPU time (user + system, of the process and every child it waited for)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=CHILD_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd[1:])} exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return elapsed, (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)


def _verdict(value: float, target: float, lower_is_better: bool = True) -> str:
    met = value <= target if lower_is_better else value >= target
    return "met" if met else f"missed by {value / target:.2f}×"


def diff_base() -> str | None:
    """The newest commit at which every stack's inputs differ from the working tree (so the diff renders all)."""
    from tools.diff import basecache, revisions

    for n in range(30):
        sha = revisions.git("rev-parse", "--verify", "--quiet", f"HEAD~{n}").stdout.strip()
        if not sha:
            return None
        if not any(basecache.inputs_unchanged(sha, s, revisions.git) for s in TIERS):
            return sha
    return None


def interleaved(rows: dict[str, tuple[str, list[str], Callable[[], None] | None]], runs: int) -> dict:
    """Each command once per round, round after round, so a machine that speeds up or slows down
    (other work on it) weighs on every command alike; then each command's median. `before` runs
    untimed before each of its runs (a cache emptied). Exit 1 (a finding) counts as a run."""
    for _, cmd, before in rows.values():  # warm the file cache and bytecode once
        if before:
            before()
        _timed(cmd, ok=(0, 1))
    samples: dict[str, list[tuple[float, float]]] = {key: [] for key in rows}
    for _ in range(runs):
        for key, (_, cmd, before) in rows.items():
            if before:
                before()
            samples[key].append(_timed(cmd, ok=(0, 1)))
    # (label, median wall, the walls, median CPU): CPU time is what a loaded machine inflates least.
    return {
        key: (
            rows[key][0],
            statistics.median(w for w, _ in samples[key]),
            [w for w, _ in samples[key]],
            statistics.median(c for _, c in samples[key]),
        )
        for key in rows
    }


def whole_process(runs: int, peer_spec: Path, before: tuple[str, Path] | None) -> tuple[dict, str | None]:
    """The floor, the peer, synth of all stacks on each path (and `before`'s, checked out), and the
    diff cold and warm, interleaved."""
    from tools.diff import basecache, revisions

    synth = [PY, "-m", "tools.synth", "--stack", "all"]
    rows: dict[str, tuple[str, list[str], Callable[[], None] | None]] = {
        "floor": (
            f"Floor: a fresh Python that only imports the SDKs (`{FLOOR_IMPORTS}`)",
            [PY, "-c", FLOOR_IMPORTS],
            None,
        ),
        "peer": (
            "Peer: a plain Pulumi program of the committed stacks' resources under the SDK's own mocks, no config "
            "model, no pack (`python -m dev.peer`, dev/peer.py)",
            [PY, "-m", "dev.peer", str(peer_spec)],
            None,
        ),
        "peer_frozen": (
            "… with the collector off while its SDKs import, then `gc.freeze()`, as synth's own process does "
            "(`--freeze`)",
            [PY, "-m", "dev.peer", str(peer_spec), "--freeze"],
            None,
        ),
        "synth": ("`synth --stack all` (policies in this process, one stack after another)", synth, None),
        "no_policy": ("… `--no-policy`", synth + ["--no-policy"], None),
    }
    if before is not None:  # that commit's own code, from its checkout (as tools/diff runs a base revision)
        there = ["env", "-C", str(before[1]), f"PYTHONPATH={before[1]}", PY, "-m", "tools.synth", "--stack", "all"]
        rows["before"] = (f"Before: `synth --stack all` at commit {before[0][:12]}", there, None)
        rows["before_no_policy"] = ("… `--no-policy`", there + ["--no-policy"], None)
    sha = diff_base()
    if sha is not None:
        diff = [PY, "-m", "tools.synth", "--diff", sha, "--stack", "all", "--format", "markdown"]

        def forget() -> None:
            for stack in TIERS:
                (basecache.CACHE_DIR / f"{basecache.cache_key(sha, stack, revisions.git)}.json").unlink(missing_ok=True)

        rows["diff_cold"] = (
            f"`synth --diff {sha[:12]} --stack all` (cold: the base rendered in a worktree)",
            diff,
            forget,
        )
        rows["diff_warm"] = ("… warm: the base's renders from `.cache/diff/`", diff, None)
    return interleaved(rows, runs), sha


def alone(runs: int) -> tuple[float, float]:
    """The pack timed on its own (`--probe-pack`), each run right after a floor run: the median
    seconds and the median of each run's ratio to the floor beside it (the machine's speed drifts)."""
    pairs = []
    for _ in range(runs):
        floor, _ = _timed([PY, "-c", FLOOR_IMPORTS])
        pairs.append((run_probe_pack()["pack_s"], floor))
    return statistics.median(p for p, _ in pairs), statistics.median(p / f for p, f in pairs)


def _growth_table(rows: list[dict]) -> list[str]:
    lines = [
        "| Apps | Path | Resources | Render | Policy (pack start-up) | Render + policy per resource | Peak synth | Peak pack | Mandatory |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        per = (r["render_s"] + r["policy_s"]) / r["resources"] * 1000
        pack = f"{r['peak_pack_mib']:.0f} MiB" if r["policy"] == "process" else "(in synth)"
        lines.append(
            f"| {r['apps']} | {r['policy']} | {r['resources']} | {r['render_s']:.2f} s | "
            f"{r['policy_s']:.2f} s ({r['pack_start_s']:.2f} s) | {per:.2f} ms | {r['peak_synth_mib']:.0f} MiB | "
            f"{pack} | {r['mandatory']} |"
        )
    return lines


@contextlib.contextmanager
def checkout(ref: str | None) -> Iterator[tuple[str, Path] | None]:
    """(sha, path) of `ref` checked out in a temporary worktree, or None when the clone lacks it."""
    from tools.diff import revisions

    sha = revisions.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").stdout.strip() if ref else ""
    if not sha:
        yield None
        return
    with revisions.worktree(sha) as path:
        yield sha, path


def report(runs: int, sizes: list[int], before_ref: str | None) -> str:
    docs = committed.docs()
    with tempfile.TemporaryDirectory() as tmp, checkout(before_ref) as before:
        from dev.peer import peer_spec

        spec = Path(tmp) / "peer.json"
        spec.write_text(json.dumps(peer_spec(docs.values())))
        load_before = machine.load()
        whole, sha = whole_process(runs, spec, before)
        load_after = machine.load()
        pack_alone = alone(runs)
        imports = importlist.section(ROOT, before, CHILD_ENV)
    growth = [run_probe(n) for n in sizes]
    compare = [run_probe(sizes[-2] if len(sizes) > 1 else sizes[-1], process=True)]
    lines = _whole_table(whole, runs, load_before, load_after)
    if sha is None:
        lines += [
            "",
            "No commit among the last 30 differs from the working tree in every stack's inputs: the diff was not measured.",
        ]
    lines += [
        "",
        "## Growth: one stack with N apps",
        "",
        "Each row is a fresh process (`python -m dev.bench --probe N`): render under the mock runtime, then the "
        "policy pass. Peak memory is the process's maximum resident set (the pack process's, on the process path).",
        "",
        *_growth_table(growth + compare),
        "",
    ]
    lines += targets(whole, growth, pack_alone, runs)
    lines += imports
    lines += profiling.section(CHILD_ENV)
    lines += ["## Resources per committed stack", "", *committed.resource_counts(docs), ""]
    return "\n".join(lines) + "\n"


def _whole_table(whole: dict, runs: int, load_before: str, load_after: str) -> list[str]:
    """The report's head: the machine, then the whole-process table."""
    floor, peer = whole["floor"][1], whole["peer"][1]
    lines = [
        "# Benchmark",
        "",
        "Written by `make bench` (`python -m dev.bench`). Not a test: numbers, not assertions.",
        "",
        "## Machine",
        "",
        *machine.described(),
        f"- Load average (1, 5, 15 min) before the interleaved runs: {load_before}; after: {load_after} "
        f"({machine.load_note(load_before, load_after)})",
        "- Measured processes write and read their bytecode, as Python does by default (the environment's "
        "PYTHONDONTWRITEBYTECODE is dropped for them)",
        "",
        f"## Whole process (median of {runs} runs, interleaved round by round, after one warm-up)",
        "",
        "Wall time decides the targets; CPU time (user + system, children included) is beside it, the "
        "work itself, which other work on the machine inflates least.",
        "",
        "| What | Median | × floor | × peer | CPU | CPU × floor | CPU × peer | Runs (wall) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    cpu_floor, cpu_peer = whole["floor"][3], whole["peer"][3]
    for label, median, samples, cpu in whole.values():
        lines.append(
            f"| {label} | {median:.2f} s | {median / floor:.2f}× | {median / peer:.2f}× | {cpu:.2f} s | "
            f"{cpu / cpu_floor:.2f}× | {cpu / cpu_peer:.2f}× | {', '.join(f'{x:.2f}' for x in samples)} |"
        )
    return lines


def targets(whole: dict, growth: list[dict], pack_alone: tuple[float, float], runs: int) -> list[str]:
    floor, peer, synth = whole["floor"][1], whole["peer"][1], whole["synth"][1]
    no_policy = whole["no_policy"][1]
    big = growth[-1]
    per_big = (big["render_s"] + big["policy_s"]) / big["resources"] * 1000
    pack = (synth - no_policy) / floor
    cpu = {key: row[3] / whole["floor"][3] for key, row in whole.items()}
    lines = [
        "## Targets",
        "",
        f"- Issue 28: `synth --stack all --no-policy` within {TARGET_PEER_RATIO}× the peer: {no_policy / peer:.2f}× — "
        f"{_verdict(no_policy / peer, TARGET_PEER_RATIO)} (CPU: "
        f"{cpu['no_policy'] / cpu['peer']:.2f}×).",
        f"- Issue 28: `synth --stack all` with policies within {TARGET_RATIO_28}× the floor: {synth / floor:.2f}× — "
        f"{_verdict(synth / floor, TARGET_RATIO_28)} (issue 17's {TARGET_RATIO}×: {_verdict(synth / floor, TARGET_RATIO)}; "
        f"CPU: {cpu['synth']:.2f}×).",
        f"- Issue 28: the pack over the three stacks adds at most {TARGET_POLICY_SHARE}× the floor: {pack:.2f}× "
        f"(`synth` less `--no-policy`) — {_verdict(max(pack, 0.0), TARGET_POLICY_SHARE)}; CPU: "
        f"{cpu['synth'] - cpu['no_policy']:.2f}×. Timed on its own inside the process (`--probe-pack`, {runs} fresh "
        f"processes, each after a floor run): {pack_alone[0]:.3f} s, {pack_alone[1]:.2f}× the floor beside it — "
        f"{_verdict(pack_alone[1], TARGET_POLICY_SHARE)}.",
        f"- Not a target: `--no-policy` against the peer frozen as synth is, what the project's own work "
        f"costs beside the SDK's: {no_policy / whole['peer_frozen'][1]:.2f}× (CPU: "
        f"{whole['no_policy'][3] / whole['peer_frozen'][3]:.2f}×).",
        f"- At {big['apps']} apps, render + policy per resource ≤ {TARGET_MS_PER_RESOURCE} ms: {per_big:.2f} ms — "
        f"{_verdict(per_big, TARGET_MS_PER_RESOURCE)}.",
        f"- Peak memory under {TARGET_PEAK_MIB} MiB at {big['apps']} apps: {big['peak_synth_mib']:.0f} MiB — "
        f"{_verdict(big['peak_synth_mib'], TARGET_PEAK_MIB)}.",
    ]
    if "before" in whole:
        lines.append(
            f"- Before issue 28 → after, same runs: `synth --stack all` {whole['before'][1]:.2f} s → {synth:.2f} s "
            f"({whole['before'][1] / floor:.2f}× → {synth / floor:.2f}× the floor), `--no-policy` "
            f"{whole['before_no_policy'][1]:.2f} s → {no_policy:.2f} s ({whole['before_no_policy'][1] / peer:.2f}× → "
            f"{no_policy / peer:.2f}× the peer); CPU {whole['before'][3]:.2f} s → {whole['synth'][3]:.2f} s and "
            f"{whole['before_no_policy'][3]:.2f} s → {whole['no_policy'][3]:.2f} s."
        )
    if "diff_warm" in whole:
        warm = whole["diff_warm"][1] / synth
        lines.append(
            f"- A warm `--diff` within {TARGET_WARM_DIFF}× a single synth: {warm:.2f}× — {_verdict(warm, TARGET_WARM_DIFF)} "
            f"(cold: {whole['diff_cold'][1] / synth:.2f}×)."
        )
    if len(growth) > 1:
        small = growth[-2]
        slope = ((big["render_s"] + big["policy_s"]) / big["resources"]) / (
            (small["render_s"] + small["policy_s"]) / small["resources"]
        )
        lines.append(
            f"- Growth: time per resource at {big['apps']} apps is {slope:.2f}× that at {small['apps']} apps (1.0 = linear)."
        )
    return lines + [""]


# What follows this line in bench/results.md is written by hand (what was cut, why, what holds a
# target) and kept as it is when the benchmark writes the rest again.
NOTES_MARKER = "<!-- Written by hand below this line; make bench keeps it. -->"


def kept_notes(path: Path) -> str:
    old = path.read_text() if path.exists() else ""
    return f"{NOTES_MARKER}{old.split(NOTES_MARKER, 1)[1]}" if NOTES_MARKER in old else ""


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(n) for n in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"found {text!r}; allowed: app counts of at least 1, comma-separated, e.g. 1,10,100,500"
        )
    return sizes


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except UsageError as err:
        print(f"bench: {err}", file=sys.stderr)
        return EXIT_USAGE


def _main(argv: list[str] | None) -> int:
    parser = OneLineParser(prog="python -m dev.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=_sizes, default=[1, 10, 100, 500])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--probe", type=int, metavar="N", help="measure one stack of N apps and print JSON")
    parser.add_argument("--policy-process", action="store_true", help="with --probe: the pack in its own process")
    parser.add_argument(
        "--probe-pack", action="store_true", help="time the pack over the committed stacks on its own and print JSON"
    )
    parser.add_argument(
        "--before",
        metavar="REF",
        default=BEFORE,
        help="the commit measured as 'before' beside this tree (default: where issue 28 started)",
    )
    args = parser.parse_args(argv)
    if args.probe is not None:
        print(json.dumps(probe(args.probe, args.policy_process)))
        return 0
    if args.probe_pack:
        print(json.dumps(probe_pack()))
        return 0
    if args.policy_process:
        parser.error("--policy-process: only with --probe N (one measurement)")
    if args.runs < 5:
        parser.error("--runs: at least 5, so the median means something")
    text = report(args.runs, args.sizes, args.before) + kept_notes(args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
