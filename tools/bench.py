"""The benchmark behind `make bench`: what synth and the policy pass cost, and how they grow.

Writes bench/results.md. Not a test: it measures, it asserts nothing; the targets are
reported as met or missed with the numbers behind them.

    python -m tools.bench [--runs 5] [--sizes 1,10,100,500] [--out bench/results.md]
    python -m tools.bench --probe N [--env-var-mode per-variable|bulk]   (one measurement, JSON)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from vital.names import TIERS
from vital.stackfile import ROOT

PY = sys.executable
FLOOR_IMPORTS = "import pulumi, pulumiverse_vercel, pulumi_github, pulumi_policy, upstash_pulumi"

# Targets from the benchmark issue.
TARGET_RATIO = 2.0  # all three stacks with policies, against the import floor
TARGET_MS_PER_RESOURCE = 2.0  # render + policy at 500 apps
TARGET_PEAK_MIB = 300

# Why each resource type exists, for the resource-count table.
WHY = {
    "vercel:index/project:Project": "the tier's Vercel project (one per app)",
    "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable": "one env var (per-variable mode)",
    "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables": "all env vars of a project (bulk mode)",
    "vercel:index/projectDomain:ProjectDomain": "a custom domain",
    "vercel:index/projectRoute:ProjectRoute": "a header rule (cache, security, noindex)",
    "vercel:index/firewallConfig:FirewallConfig": "the project's WAF: rate limit, admin allow-list",
    "vercel:index/projectDeploymentRetention:ProjectDeploymentRetention": "preview cleanup after a month",
    "vercel:index/projectDeploymentCheck:ProjectDeploymentCheck": "production's alias waits for a GitHub check",
    "vercel:index/projectRollingRelease:ProjectRollingRelease": "production rolls out in stages",
    "vercel:index/alertRule:AlertRule": "the built-in 5xx error alert",
    "vercel:index/customAlertRule:CustomAlertRule": "the p95 latency alert (Observability Plus)",
    "vercel:index/alertRuleSlackNotification:AlertRuleSlackNotification": "an alert sent to Slack",
    "vercel:index/alertRuleWebhookNotification:AlertRuleWebhookNotification": "an alert sent to the webhook",
    "vercel:index/webhook:Webhook": "the account webhook alerts go to",
    "github:index/repositoryEnvironment:RepositoryEnvironment": "the tier's GitHub environment",
    "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": "which branch may deploy",
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": "a deploy secret (VERCEL_TOKEN, ...)",
    "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": "VERCEL_PROJECT_ID (one per app)",
    "github:index/branch:Branch": "the tier's long-lived branch",
    "github:index/repositoryRuleset:RepositoryRuleset": "required checks on the tier's branch",
    "upstash:index/redisDatabase:RedisDatabase": "the tier's Redis cache",
    "pulumi-python:dynamic:Resource": "Supabase settings (pooler, auth URLs)",
    "pulumi:pulumi:StackReference": "the shared cache's URL and token (a read, no API writes)",
}


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_of(cmd: list[str], runs: int) -> tuple[float, list[float]]:
    _timed(cmd)  # warm the file cache and bytecode once
    samples = [_timed(cmd) for _ in range(runs)]
    return statistics.median(samples), samples


def generated_config(apps: int, env_var_mode: str, directory: Path) -> Path:
    """The committed production stack with `apps` apps (the first keeps the domain)."""
    import yaml

    data = yaml.safe_load((ROOT / "Pulumi.production.yaml").read_text())
    data["config"]["vital-expert-infra:apps"] = [{"name": "vital-expert"}] + [
        {"name": f"app-{i:03d}", "rootDirectory": f"standalone-apps/app-{i:03d}"} for i in range(1, apps)
    ]
    data["config"]["vital-expert-infra:envVarMode"] = env_var_mode
    path = directory / f"Pulumi.bench-{apps}-{env_var_mode}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _peak_mib(pid: int) -> float:
    """A live process's high-water resident set (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def probe(apps: int, env_var_mode: str) -> dict:
    """One measurement in this (fresh) process: render, then the policy pass (pack start included)."""
    from tools.policy.process import PackProcess
    from tools.synth import synthesize

    with tempfile.TemporaryDirectory() as tmp:
        path = generated_config(apps, env_var_mode, Path(tmp))
        t0 = time.perf_counter()
        synthesized = synthesize("production", path)
        t1 = time.perf_counter()
        peak_render = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        doc, rendered = synthesized.doc, synthesized.rendered
        with PackProcess(rendered.project, rendered.stack, synthesized.config) as pack:
            doc["policy"] = pack.run(rendered.resources)
            peak_pack = _peak_mib(pack.proc.pid)
            pack_start = pack.startup_s
        t2 = time.perf_counter()
    return {
        "apps": apps,
        "mode": env_var_mode,
        "resources": len(doc["resources"]),
        "custom": sum(1 for r in doc["resources"] if not r["type"].startswith("vital:")),
        "render_s": t1 - t0,
        "policy_s": t2 - t1,
        "pack_start_s": pack_start,  # of policy_s: spawn until the pack answers GetAnalyzerInfo
        "mandatory": sum(1 for v in doc["policy"]["violations"] if v["enforcementLevel"] == "mandatory"),
        "peak_render_mib": peak_render,
        "peak_synth_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_pack_mib": peak_pack,  # the pack's own process, read before it stops
    }


def run_probe(apps: int, mode: str) -> dict:
    out = subprocess.run([PY, "-m", "tools.bench", "--probe", str(apps), "--env-var-mode", mode],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def machine() -> list[str]:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor() or "unknown")
    mem = next((int(l.split()[1]) // 1024 for l in Path("/proc/meminfo").read_text().splitlines()
                if l.startswith("MemTotal")), 0)
    from importlib.metadata import version

    pkgs = ", ".join(f"{p} {version(p)}" for p in ("pulumi", "pulumiverse-vercel", "pulumi-github", "pulumi-policy", "upstash-pulumi"))
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {mem / 1024:.1f} GiB",
        f"- {platform.system()} {platform.release()}; Python {platform.python_version()}",
        f"- {pkgs}",
        f"- Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
    ]


def resource_counts() -> list[str]:
    from tools.synth import render_stack

    docs = {s: render_stack(s) for s in TIERS}
    counts = {s: Counter(r["type"] for r in d["resources"] if not r["type"].startswith("vital:")) for s, d in docs.items()}
    types = sorted({t for c in counts.values() for t in c})
    lines = ["| Type | production | pre-production | preview | Why it exists |", "| --- | --- | --- | --- | --- |"]
    for t in types:
        lines.append(f"| `{t.rsplit(':', 1)[-1]}` | " + " | ".join(str(counts[s][t]) for s in counts) + f" | {WHY.get(t, '')} |")
    lines.append("| **total** | " + " | ".join(f"**{sum(c.values())}**" for c in counts.values()) + " | |")
    return lines


def report(runs: int, sizes: list[int]) -> str:
    floor, floor_samples = median_of([PY, "-c", FLOOR_IMPORTS], runs)
    synth, synth_samples = median_of([PY, "-m", "tools.synth", "--stack", "all"], runs)
    synth_np, _ = median_of([PY, "-m", "tools.synth", "--stack", "all", "--no-policy"], runs)
    growth = {mode: [run_probe(n, mode) for n in sizes] for mode in ("per-variable", "bulk")}
    ratio = synth / floor
    lines = ["# Benchmark", "", "Written by `make bench` (`python -m tools.bench`). Not a test: numbers, not assertions.", "",
             "## Machine", "", *machine(), "",
             f"## Whole process (median of {runs} runs, after one warm-up)", "",
             "| What | Median | Runs |", "| --- | --- | --- |",
             f"| Floor: a fresh Python that only imports the SDKs (`{FLOOR_IMPORTS}`) | {floor:.2f} s | {', '.join(f'{x:.2f}' for x in floor_samples)} |",
             f"| `python -m tools.synth --stack all` (three stacks, policies) | {synth:.2f} s | {', '.join(f'{x:.2f}' for x in synth_samples)} |",
             f"| the same with `--no-policy` | {synth_np:.2f} s | |", "",
             f"Ratio to the floor: **{ratio:.2f}×** (target ≤ {TARGET_RATIO:.0f}×: {'met' if ratio <= TARGET_RATIO else 'missed'}).", "",
             "## Growth: one stack with N apps", "",
             "Each row is a fresh process (`python -m tools.bench --probe N`): render under the mock runtime, then the policy "
             "pass through the Analyzer protocol against the pack in its own process. Peak memory is the process's "
             "maximum resident set (the pack's is its child's).", ""]
    for mode, rows in growth.items():
        lines += [f"### Env vars: {mode}", "",
                  "| Apps | Resources | Render | Policy (pack start-up) | Render + policy per resource | Peak synth | Peak pack | Mandatory |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for r in rows:
            per = (r["render_s"] + r["policy_s"]) / r["resources"] * 1000
            lines.append(f"| {r['apps']} | {r['resources']} | {r['render_s']:.2f} s | {r['policy_s']:.2f} s ({r['pack_start_s']:.2f} s) | {per:.2f} ms | "
                         f"{r['peak_synth_mib']:.0f} MiB | {r['peak_pack_mib']:.0f} MiB | {r['mandatory']} |")
        lines.append("")
    big = growth["per-variable"][-1]
    per_big = (big["render_s"] + big["policy_s"]) / big["resources"] * 1000
    peak_big = max(big["peak_synth_mib"], big["peak_pack_mib"])
    small, large = growth["per-variable"][-2], growth["per-variable"][-1]
    slope = ((large["render_s"] + large["policy_s"]) / large["resources"]) / ((small["render_s"] + small["policy_s"]) / small["resources"])
    lines += ["## Targets", "",
              f"- All three stacks with policies within {TARGET_RATIO:.0f}× the floor: {ratio:.2f}× — {'met' if ratio <= TARGET_RATIO else 'missed'}.",
              f"- At {big['apps']} apps, render + policy per resource ≤ {TARGET_MS_PER_RESOURCE} ms: {per_big:.2f} ms — {'met' if per_big <= TARGET_MS_PER_RESOURCE else 'missed'}.",
              f"- Peak memory under {TARGET_PEAK_MIB} MiB at {big['apps']} apps: {peak_big:.0f} MiB — {'met' if peak_big < TARGET_PEAK_MIB else 'missed'}.",
              f"- Linear growth: time per resource at {large['apps']} apps is {slope:.2f}× that at {small['apps']} apps (1.0 = linear).", "",
              "## Resources per committed stack", "", *resource_counts(), ""]
    bulk_big = growth["bulk"][-1]
    lines += ["## Per-variable env vars or the bulk resource", "",
              f"At {big['apps']} apps: {big['resources']} resources per-variable, {bulk_big['resources']} in bulk mode; "
              f"render + policy {big['render_s'] + big['policy_s']:.2f} s against {bulk_big['render_s'] + bulk_big['policy_s']:.2f} s.", ""]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1,10,100,500")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--probe", type=int, metavar="N", help="measure one stack of N apps and print JSON")
    parser.add_argument("--env-var-mode", choices=("per-variable", "bulk"), default="per-variable")
    args = parser.parse_args(argv)
    if args.probe is not None:
        print(json.dumps(probe(args.probe, args.env_var_mode)))
        return 0
    if args.runs < 5:
        parser.error("--runs: at least 5, so the median means something")
    text = report(args.runs, [int(n) for n in args.sizes.split(",")])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
