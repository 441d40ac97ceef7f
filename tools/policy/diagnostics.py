"""Analyzer diagnostics -> the violation dicts synth reports, with every secret value scrubbed.

Independent of how the pack was reached: the gRPC client (tools/policy/analyzer.py) turns
each AnalyzeDiagnostic it receives into a `Diagnostic`, and anything else that runs the
pack's rules and gets the same protocol messages back can do the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

from ..mockrt import SECRET_SIG, SECRET_TEXT, SECRET_VALUE, Registration
from .config import LEVEL_NAMES, PackInfo

# The protocol's enforcement level values by name, and back.
LEVEL_VALUES = {name: getattr(analyzer_pb2, name.upper()) for name in LEVEL_NAMES}
LEVELS = {value: name for name, value in LEVEL_VALUES.items()}


@dataclass(frozen=True)
class Diagnostic:
    """One violation as the pack reported it."""

    policy: str
    enforcement_level: str
    urn: str  # "" for the stack as a whole
    message: str
    description: str = ""  # the policy's description, which pulumi-policy puts before the message

    @classmethod
    def from_proto(cls, d: Any, urn: str | None = None) -> Diagnostic:
        """From an AnalyzeDiagnostic; `urn` stands in when it carries none."""
        return cls(
            policy=d.policyName,
            enforcement_level=LEVELS.get(d.enforcementLevel, "advisory"),
            urn=d.urn or urn or "",
            message=d.message,
            description=d.description,
        )

    @property
    def specific(self) -> str:
        """The violation's own message, without the policy description pulumi-policy puts first."""
        prefix = f"{self.description}\n"
        return self.message[len(prefix) :] if self.description and self.message.startswith(prefix) else self.message


def to_violations(
    diagnostics: Iterable[Diagnostic], resources: Sequence[Registration], info: PackInfo | None = None
) -> list[dict[str, Any]]:
    """[{"policy", "enforcementLevel", "urn", "message"}], sorted, with no secret value in a message."""
    secrets = secret_values(resources)
    violations = [
        {
            "policy": d.policy,
            "enforcementLevel": d.enforcement_level,
            "urn": d.urn,
            "message": scrub(relabel(d.specific, info), secrets),
        }
        for d in diagnostics
    ]
    return sorted(violations, key=lambda v: (v["policy"], v["urn"], v["message"]))


def relabel(message: str, info: PackInfo | None) -> str:
    """pulumi-policy writes its own version into "can't run policy" messages; use the pack's, as the CLI does."""
    if info is None or not info.reported_version or info.reported_version == info.version:
        return message
    return message.replace(f"{info.name}@v{info.reported_version}", info.label)


def secret_values(resources: Sequence[Registration]) -> set[str]:
    """Secret values that must not appear in a message.

    The Vercel SDK marks every env var value secret, so a non-sensitive env var's value is
    not counted (messages may quote it); sensitive ones, GitHub secrets and every other
    secret input are.
    """
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get(SECRET_SIG) == SECRET_VALUE:
                inner = value.get("value")
                if isinstance(inner, str) and len(inner) >= 4:
                    found.add(inner)
                else:
                    walk(inner)
                return
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for reg in resources:
        if reg.type == "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable":
            if reg.inputs.get("sensitive") is not False:
                walk(reg.inputs.get("value"))
        elif reg.type == "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables":
            for variable in reg.inputs.get("variables") or []:
                if isinstance(variable, dict) and variable.get("sensitive") is not False:
                    walk(variable.get("value"))
        else:
            walk(reg.inputs)
    return found


def scrub(message: str, secrets: set[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, SECRET_TEXT)
    return message
