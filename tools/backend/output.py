"""What the tool prints: status and history as text or JSON, and the lines for the Pulumi CLI."""

from __future__ import annotations

import json
import shlex
from typing import TYPE_CHECKING, Any, Iterable, TextIO
from urllib.parse import quote

from vital.names import AWS_REGION_VARIABLE, BACKEND_URL_VARIABLE, DEPLOY_ROLE_VARIABLE, PLAN_ROLE_VARIABLE

if TYPE_CHECKING:
    from tools.backend.checks import Check
    from tools.backend.clients import Backend, Target
    from tools.backend.history import Version


def render(value: Any) -> str:
    if value is None:
        return "missing"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    return str(value)


# A policy document does not fit a line: past this, `ok` rows say so and drift rows name what differs.
MAX_INLINE_CHARS = 160


def differences(found: Any, expected: Any, path: str = "") -> list[str]:
    """Leaf-level `path: found X, expected Y` of two normalized values (dicts, lists of dicts)."""
    if found == expected:
        return []
    if isinstance(found, dict) and isinstance(expected, dict):
        out: list[str] = []
        for key in sorted(set(found) | set(expected), key=str):
            out += differences(found.get(key), expected.get(key), f"{path}.{key}" if path else str(key))
        return out
    if isinstance(found, list) and isinstance(expected, list) and len(found) == len(expected) \
            and all(isinstance(x, dict) for x in found + expected):
        return [d for i, (a, b) in enumerate(zip(found, expected)) for d in differences(a, b, f"{path}[{i}]")]
    return [f"{path or 'value'}: found {render(found)}, expected {render(expected)}"]


def status_line(check: Check) -> str:
    if check.ok:
        text = render(check.found)
        return text if len(text) <= MAX_INLINE_CHARS else "as expected"
    text = f"found {render(check.found)}, expected {render(check.expected)}"
    if len(text) <= MAX_INLINE_CHARS or check.found is None:
        return text if check.found is not None else f"found missing, expected {_short(render(check.expected))}"
    diffs = differences(check.found, check.expected)
    return "; ".join(diffs[:3]) + (f"; and {len(diffs) - 3} more (--format json has all)" if len(diffs) > 3 else "")


def _short(text: str) -> str:
    return text if len(text) <= MAX_INLINE_CHARS else text[: MAX_INLINE_CHARS - 1] + "…"


def setting_width(names: Iterable[str]) -> int:
    """The name column: 22 as it always was, wider for the identity rows' longer names."""
    return max([22, *(len(n) + 2 for n in names)])


def print_status(target: Target, checks: list[Check], fmt: str, out: TextIO) -> None:
    drift = [c for c in checks if not c.ok]
    width = setting_width(c.name for c in checks)
    if fmt == "json":
        payload = {
            "bucket": target.bucket,
            "region": target.region,
            "kms_alias": target.kms_alias,
            "github_repo": target.github_repo,
            "ok": not drift,
            "settings": [
                {"name": c.name, "ok": c.ok, "found": c.found, "expected": c.expected} for c in checks
            ],
        }
        print(json.dumps(payload, indent=2), file=out)
        return
    print(f"s3://{target.bucket} ({target.region}), KMS {target.kms_alias}", file=out)
    for c in checks:
        if c.ok:
            print(f"  ok     {c.name:<{width}}{status_line(c)}", file=out)
        else:
            print(f"  DRIFT  {c.name:<{width}}{status_line(c)}", file=out)
    if drift:
        print(f"drift in {len(drift)} setting(s): {', '.join(c.name for c in drift)}", file=out)
    else:
        print("all settings as expected", file=out)


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


# --------------------------------------------------------------------------------------
# Lines to hand to the Pulumi CLI


def login_url(target: Target) -> str:
    url = f"s3://{target.bucket}?region={target.region}"
    if target.endpoint_url:
        url += f"&endpoint={quote(target.endpoint_url, safe=':/')}&s3ForcePathStyle=true"
    return url


def secrets_provider(target: Target) -> str:
    url = f"awskms://{target.kms_alias}?region={target.region}"
    if target.endpoint_url:
        # Otherwise the secrets would go to real AWS KMS while the state goes to the endpoint.
        url += f"&endpoint={quote(target.endpoint_url, safe=':/')}"
    return url


def pulumi_lines(target: Target, stack: str | None) -> list[str]:
    return [
        f"pulumi login {shlex.quote(login_url(target))}",
        f'pulumi stack init {stack or "<stack>"} --secrets-provider "{secrets_provider(target)}"',
    ]


def ci_lines(target: Target, arns: dict[str, str], plan: str, deploy: dict[str, str]) -> list[str]:
    """Where each value goes in GitHub (README "Pull requests and CI"): repository or environment."""
    lines = [
        f"repository variable {BACKEND_URL_VARIABLE}={login_url(target)}",
        f"repository variable {AWS_REGION_VARIABLE}={target.region}",
        f"repository variable {PLAN_ROLE_VARIABLE}={arns[plan]}",
    ]
    for environment, role in deploy.items():
        lines.append(f"environment {environment}: variable {DEPLOY_ROLE_VARIABLE}={arns[role]}")
    return lines
