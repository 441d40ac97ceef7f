"""Where synth's time and memory go, by owner (this project, the Pulumi SDK, pulumi-policy,
protobuf, asyncio, ...): the evidence `make bench` writes into bench/results.md.

    python -m dev.profiling cpu N      cProfile of one stack of N apps, render + policy (this thread)
    python -m dev.profiling spy N      py-spy, if installed: every thread, sampled
    python -m dev.profiling memory N   tracemalloc at the render's high-water mark

Each prints JSON: {"total": ..., "owners": [[owner, share], ...]}. A measurement, not a test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from vital.stackfile import ROOT

_SITE = re.compile(r"site-packages/([^/]+)/")
PROJECT_PACKAGES = ("tools", "program", "components", "vital", "vital_policies", "policies", "__main__.py")
_ASYNC = ("asyncio", "concurrent", "threading.py", "queue.py", "selectors.py")
_NAMES = {
    "google": "protobuf",
    "pulumiverse_vercel": "provider SDKs",
    "pulumi_github": "provider SDKs",
    "upstash_pulumi": "provider SDKs",
}


def owner(filename: str) -> str:
    """Who a source file belongs to: this project, an installed distribution, or the standard library.

    Takes absolute paths (cProfile, tracemalloc) and py-spy's shortened ones (`pulumi/output.py`).
    """
    found = _SITE.search(filename)
    if found:
        return _NAMES.get(found.group(1), found.group(1))
    if filename.startswith("<frozen importlib"):
        return "imports"
    path = Path(filename)
    if path.is_absolute():
        try:
            first = path.relative_to(ROOT).parts[0]
            return "this project" if first in PROJECT_PACKAGES else "other"
        except ValueError:
            first = path.name if path.parent.name == "python3.11" else path.parent.name
    else:
        first = path.parts[0] if path.parts else ""
    if first in PROJECT_PACKAGES:
        return "this project"
    if first in _ASYNC:
        return "asyncio and threads (stdlib)"
    if first in ("pulumi", "pulumi_policy", "grpc", "pydantic", "yaml", "jsonschema"):
        return first
    if first in _NAMES:
        return _NAMES[first]
    if first == "google":
        return "protobuf"
    return "other (stdlib, builtins)"


def _stack(apps: int):
    from dev.bench_probe import generated_config, lift_list_limit
    from tools.synth import read_source

    if "program.types" not in sys.modules:
        lift_list_limit(apps)

    path = generated_config(apps, Path(tempfile.mkdtemp(prefix="vital-profile-")))
    return read_source("production", path)


def _render_and_judge(source) -> int:
    from tools.policy.inprocess import InProcessPack
    from tools.synth import synthesize_source

    rendered = synthesize_source("production", source).rendered
    assert rendered is not None  # synthesize_source() keeps the registrations
    with InProcessPack(rendered.project, "production", source.config) as pack:
        pack.run(rendered.resources)
    return len(rendered.resources)


def cpu(apps: int) -> dict:
    """Own time (tottime) by owner, cProfile over render + policy in this thread."""
    import cProfile
    import pstats

    source = _stack(apps)
    _render_and_judge(_stack(1))  # imports and first-use costs out of the way
    profile = cProfile.Profile()
    profile.enable()
    resources = _render_and_judge(source)
    profile.disable()
    by: Counter[str] = Counter()
    for (filename, _, _), (_, _, tottime, _, _) in pstats.Stats(profile).stats.items():  # type: ignore[attr-defined]  # the table, undocumented in typeshed
        by[owner(filename) if not filename.startswith("~") else "other (stdlib, builtins)"] += tottime
    by.pop("imports", None)
    return _shares(by, resources, "s")


def spy(apps: int) -> dict | None:
    """py-spy's samples over every thread (the SDK sends each registration to an executor thread)."""
    exe = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "spy.txt"
        done = subprocess.run(
            [
                exe,
                "record",
                "-r",
                "200",
                "-f",
                "raw",
                "-o",
                str(out),
                "--",
                sys.executable,
                "-m",
                "dev.profiling",
                "run",
                str(apps),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode != 0 or not out.exists():
            return None
        by: Counter[str] = Counter()
        for line in out.read_text().splitlines():
            frames, _, count = line.rpartition(" ")
            if "<frozen importlib" in frames:  # importing: the floor, not the render
                by["imports"] += int(count)
                continue
            match = re.search(r"\(([^()]*):\d+\)$", frames.split(";")[-1])
            by[owner(match.group(1)) if match else "other (stdlib, builtins)"] += int(count)
    return _shares(by, None, "samples")


def memory(apps: int) -> dict:
    """What the Python heap holds at the render's high-water mark (sampled every 200 registrations), by owner."""
    import tracemalloc

    from tools import mockrt

    source = _stack(apps)
    _render_and_judge(_stack(1))
    best: dict = {"size": 0, "snapshot": None}
    record = mockrt._RecordingMonitor.RegisterResource

    def sampled(self, request):
        if len(self.rendered.resources) % 200 == 0:
            size = tracemalloc.get_traced_memory()[0]
            if size > best["size"]:
                best.update(size=size, snapshot=tracemalloc.take_snapshot())
        return record(self, request)

    mockrt._RecordingMonitor.RegisterResource = sampled  # type: ignore[method-assign]  # sampled, restored below
    tracemalloc.start(12)
    try:
        resources = _render_and_judge(source)
    finally:
        tracemalloc.stop()
        mockrt._RecordingMonitor.RegisterResource = record  # type: ignore[method-assign]  # restored
    by: Counter[str] = Counter()
    for stat in best["snapshot"].statistics("traceback"):
        frame = next(
            (f for f in reversed(stat.traceback) if owner(f.filename) not in ("other (stdlib, builtins)", "other")),
            stat.traceback[-1],
        )  # the innermost frame that is not stdlib glue
        by[owner(frame.filename)] += stat.size
    return _shares(by, resources, "bytes")


def _shares(by: Counter, resources: int | None, unit: str) -> dict:
    total = sum(by.values()) or 1
    return {
        "total": total,
        "unit": unit,
        "resources": resources,
        "owners": [[name, value / total] for name, value in by.most_common(8)],
    }


def run_profile(what: str, apps: int, env: dict[str, str]) -> dict | None:
    done = subprocess.run(
        [sys.executable, "-m", "dev.profiling", what, str(apps)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return json.loads(done.stdout) if done.returncode == 0 and done.stdout.strip() not in ("", "null") else None


def _profile_lines(title: str, found: dict | None, fmt) -> list[str]:
    if found is None:
        return [
            f"- {title}: not measured (the profiler failed or is not installed; py-spy: `.venv/bin/pip install py-spy`)."
        ]
    shares = ", ".join(f"{name} {share:.0%}" for name, share in found["owners"] if share >= 0.005)
    return [f"- {title} ({fmt(found)}): {shares}."]


def _share(found: dict | None, *owners: str) -> str:
    if found is None:
        return "(not measured)"
    return f"{sum(share for name, share in found['owners'] if name in owners):.0%}"


def section(env: dict[str, str]) -> list[str]:
    """bench/results.md's profiles, each in a fresh process with `env`, and what they say."""
    cpu, spy, mem = (run_profile(what, 30, env) for what in ("cpu", "spy", "memory"))
    lines = [
        "## Where the time and the memory go",
        "",
        "By owner of the code (dev/profiling.py), one stack of 30 apps rendered and judged in this process:",
        "",
    ]
    lines += _profile_lines(
        "cProfile, own time in the main thread",
        cpu,
        lambda f: f"{f['total']:.1f} s profiled, {f['resources']} resources",
    )
    lines += _profile_lines(
        "py-spy, every thread, samples by the function running", spy, lambda f: f"{f['total']} samples"
    )
    lines += _profile_lines(
        "tracemalloc, the Python heap at the render's high-water mark (30 apps)",
        mem,
        lambda f: f"{f['total'] / 2**20:.1f} MiB, {f['total'] / 1024 / f['resources']:.0f} KiB per resource",
    )
    sdk = ("pulumi", "asyncio and threads (stdlib)", "protobuf", "other (stdlib, builtins)", "provider SDKs", "grpc")
    lines += [
        "",
        "What holds the targets that are missed:",
        "",
        f"- Per resource, this project's own code (the program, the components, the recording monitor, the "
        f"requests to the pack, the JSON) is {_share(cpu, 'this project')} of the profiled time; the Pulumi SDK's "
        f"registration path (Outputs, asyncio tasks, one executor hop per registration, serialize_properties / "
        f"transfer_properties, protobuf) with the builtins it calls is {_share(cpu, *sdk)}, and pulumi-policy "
        f"{_share(cpu, 'pulumi_policy')} (its servicer's own work per policy; each resource's Struct is converted "
        f"once per call, tools/protostruct.py, not once per policy).",
        f"- Memory: at the high-water mark the SDK's objects for every registered resource (its Outputs, futures "
        f"and tasks, live until the program ends) are {_share(mem, 'pulumi', 'asyncio and threads (stdlib)')} of "
        f"the Python heap, the project's records {_share(mem, 'this project')}. Rendering stacks one after "
        f"another, in children that exit, bounds a run to its largest stack, not to the sum.",
        "",
    ]
    return lines


def main(argv: list[str]) -> int:
    what, apps = argv[0], int(argv[1])
    if what == "run":  # what py-spy samples
        started = time.perf_counter()
        _render_and_judge(_stack(apps))
        print(json.dumps({"seconds": time.perf_counter() - started}))
        return 0
    print(json.dumps({"cpu": cpu, "spy": spy, "memory": memory}[what](apps)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
