"""The machine a benchmark ran on (dev/bench.py's report head): what it is, and how busy it was."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path


def described() -> list[str]:
    """The report's machine lines: CPU and cores, memory, system, Python, the SDK versions, the time."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    from importlib.metadata import version

    pkgs = ", ".join(
        f"{p} {version(p)}"
        for p in ("pulumi", "pulumiverse-vercel", "pulumi-github", "pulumi-policy", "upstash-pulumi")
    )
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {mem / 1024:.1f} GiB",
        f"- {platform.system()} {platform.release()}; Python {platform.python_version()}",
        f"- {pkgs}",
        f"- Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    ]


def load() -> str:
    """The load average (1, 5, 15 min), as the report shows it."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def load_note(load_before: str, load_after: str) -> str:
    """Whether other work competed for the cores: the 1-minute load against the core count."""
    cores = os.cpu_count() or 1
    peak = max(float(load_before.split(",")[0]), float(load_after.split(",")[0]))
    if peak > cores:
        return f"{cores} cores: above {cores}, other work ran beside the benchmark and every figure is slower than idle"
    return f"{cores} cores: at most {cores}, the benchmark's own processes included, so nothing else competed"
