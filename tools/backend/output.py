"""What the tool prints: status and history as text or JSON, and the GitHub settings from the
bootstrap stack's outputs."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from tools.backend.clients import Backend
    from tools.backend.history import Version
    from tools.backend.state import StackState


def print_status(b: Backend, states: list[StackState], stale_after: timedelta, fmt: str, out: TextIO) -> None:
    findings = [f for s in states for f in s.findings(stale_after)]
    if fmt == "json":
        payload = {
            "bucket": b.bucket,
            "region": b.target.region,
            "ok": not findings,
            "stacks": [s.as_json(stale_after) for s in states],
        }
        print(json.dumps(payload, indent=2), file=out)
        return
    print(f"s3://{b.bucket} ({b.target.region})", file=out)
    width = max(len(s.stack) for s in states) + 2
    for s in states:
        current = s.current
        if s.exists and current is not None:
            line = (
                f"{s.key}, {len([v for v in s.versions if not v.delete_marker])} version(s), "
                f"last write {current.last_modified.isoformat(timespec='seconds')}"
            )
        else:
            line = f"no checkpoint ({s.key})"
        locks = [
            f"locked since {lock.last_modified.isoformat(timespec='seconds')}{' (stale)' if lock.stale else ''}"
            for lock in s.locks
        ]
        print(f"  {s.stack:<{width}}{'; '.join([line, *locks])}", file=out)
    for finding in findings:
        print(f"  FINDING  {finding}", file=out)
    print(f"{len(findings)} finding(s)" if findings else "no findings", file=out)


def print_history(b: Backend, key: str, versions: list[Version], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        payload = {"bucket": b.bucket, "key": key, "versions": [v.as_json() for v in versions]}
        print(json.dumps(payload, indent=2), file=out)
        return
    print(f"s3://{b.bucket}/{key}: {len(versions)} version(s), newest first", file=out)
    print(f"  {'VERSION ID':<40}{'LAST MODIFIED':<27}{'SIZE':>10}", file=out)
    for v in versions:
        mark = "  (delete marker)" if v.delete_marker else ""
        mark += "  current" if v.current else ""
        stamp = v.last_modified.isoformat(timespec="seconds")
        print(f"  {v.version_id:<40}{stamp:<27}{v.size:>10}{mark}", file=out)


def settings_lines(outputs: dict[str, Any]) -> list[str]:
    """Where each value goes in GitHub, and how each tier's stack is made, from the bootstrap
    stack's outputs (`pulumi stack output --json`): githubVariables and stackInits."""
    variables = outputs["githubVariables"]
    lines = [f"repository variable {name}={value}" for name, value in variables["repository"].items()]
    lines += [
        f"environment {env}: variable {name}={value}"
        for env, values in variables["environments"].items()
        for name, value in values.items()
    ]
    return lines + list(outputs["stackInits"].values())
