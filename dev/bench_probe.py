"""One measurement of the benchmark, in a fresh process: a stack of N apps (the committed
production stack's config, with apps added) rendered and judged (`python -m dev.bench --probe N`),
or the pack over the three committed stacks timed on its own (`--probe-pack`).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vital.stackfile import ROOT

PY = sys.executable
# Every measured process writes and reads its bytecode, as Python does by default: a session that
# sets PYTHONDONTWRITEBYTECODE would otherwise compile this project's modules on every run (the
# installed SDKs have theirs from pip), which no user's run does.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def generated_config(apps: int, directory: Path) -> Path:
    """The committed production stack with `apps` apps (the first keeps the domain)."""
    import yaml

    data = yaml.safe_load((ROOT / "Pulumi.production.yaml").read_text())
    data["config"]["vital-expert-infra:apps"] = [{"name": "vital-expert"}] + [
        {"name": f"app-{i:03d}", "rootDirectory": f"standalone-apps/app-{i:03d}"} for i in range(1, apps)
    ]
    path = directory / f"Pulumi.bench-{apps}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def lift_list_limit(apps: int) -> None:
    """Let the config hold `apps` apps, in this (probe) process only, before the program is imported.

    The config refuses lists longer than vital.facts.LIST_MAX_ITEMS (50), so a bounded config
    fails clearly; the growth rows (100 and 500 apps, issue 17's targets) measure the same
    program with that one bound lifted. Nothing else changes.
    """
    import vital.facts

    if "program.types" in sys.modules:
        raise RuntimeError("lift_list_limit() must run before the program is imported")
    vital.facts.LIST_MAX_ITEMS = max(vital.facts.LIST_MAX_ITEMS, apps)


def _peak_mib(pid: int) -> float:
    """A live process's high-water resident set (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def probe(apps: int, process: bool = False) -> dict:
    """One measurement in this (fresh) process: render, then the policy pass (in this process, or
    with the pack in its own, started as the CLI starts it)."""
    lift_list_limit(apps)
    from dev.pack_process import PackProcess
    from tools.policy.inprocess import InProcessPack
    from tools.synth import synthesize

    with tempfile.TemporaryDirectory() as tmp:
        path = generated_config(apps, Path(tmp))
        t0 = time.perf_counter()
        synthesized = synthesize("production", path)
        t1 = time.perf_counter()
        peak_render = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        doc, rendered = synthesized.doc, synthesized.rendered
        assert rendered is not None  # synthesize() keeps the registrations
        pack_class = PackProcess if process else InProcessPack
        with pack_class(rendered.project, rendered.stack, synthesized.config) as pack:
            doc["policy"] = pack.run(rendered.resources)
            pid = pack.proc.pid if isinstance(pack, PackProcess) and pack.proc else None
            peak_pack = _peak_mib(pid) if pid else 0.0
            pack_start = pack.startup_s
        t2 = time.perf_counter()
    return {
        "apps": apps,
        "policy": "process" if process else "in-process",
        "resources": len(doc["resources"]),
        "render_s": t1 - t0,
        "policy_s": t2 - t1,
        "pack_start_s": pack_start,  # of policy_s: until the pack answers GetAnalyzerInfo
        "mandatory": sum(1 for v in doc["policy"]["violations"] if v["enforcementLevel"] == "mandatory"),
        "peak_render_mib": peak_render,
        "peak_synth_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_pack_mib": peak_pack,  # the pack's own process, read before it stops (process path only)
    }


def probe_pack() -> dict:
    """The pack over the three committed stacks, timed on its own, in this fresh process as
    `synth --stack all` runs it: the collector off and the program's imports frozen, then each
    stack rendered and judged by the pack in this process (its imports, start, configure and
    analyze timed; the render not). The pack's share measured directly, where `synth` less
    `--no-policy` is the difference of two noisy medians."""
    import gc

    from tools.policy.committed import committed
    from tools.policy.inprocess import InProcessPack
    from tools.projects import INFRA
    from tools.synth import freeze_imports, synthesize
    from vital.names import TIERS

    gc.disable()
    freeze_imports(INFRA.program)
    pack_config, pack_s = committed(), 0.0
    for stack in TIERS:
        synthesized = synthesize(stack)
        assert synthesized.rendered is not None  # synthesize() keeps the registrations
        started = time.perf_counter()
        with InProcessPack(synthesized.rendered.project, stack, synthesized.config) as pack:
            pack.run(synthesized.rendered.resources, pack_config)
        pack_s += time.perf_counter() - started
    return {"stacks": len(TIERS), "pack_s": pack_s}


def _in_fresh_process(*flags: str) -> dict:
    """`python -m dev.bench FLAGS` in a fresh process: the JSON it prints."""
    cmd = [PY, "-m", "dev.bench", *flags]
    return json.loads(subprocess.run(cmd, cwd=ROOT, env=CHILD_ENV, check=True, capture_output=True, text=True).stdout)


def run_probe(apps: int, process: bool = False) -> dict:
    return _in_fresh_process("--probe", str(apps), *(["--policy-process"] if process else []))


def run_probe_pack() -> dict:
    return _in_fresh_process("--probe-pack")
