"""The committed bootstrap stack, rendered once per test process, and what the tests read of it."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

from tools.projects import BOOTSTRAP
from tools.synth import SynthError, read_source, synthesize
from vital.trust import BOOTSTRAP_STACK

ROOT = Path(__file__).resolve().parents[2]
STACK_FILE = BOOTSTRAP.stack_file(BOOTSTRAP_STACK)


@functools.cache
def _rendered() -> Any:
    return synthesize(BOOTSTRAP_STACK, project=BOOTSTRAP)


def rendered() -> Any:
    """(Synthesized) of the committed stack; each caller gets its own copy of the registrations."""
    done = _rendered()
    return copy.deepcopy(done)


def doc() -> dict[str, Any]:
    return rendered().doc


def render_with(tmp_path: Path, **changes: Any) -> dict[str, Any]:
    """The committed stack file with config keys set (None removes one); raises SynthError."""
    from vital import goyaml

    data = goyaml.load(STACK_FILE.read_text())
    for key, value in changes.items():
        full = key if ":" in key else f"{BOOTSTRAP.name}:{key}"
        if value is None:
            data["config"].pop(full, None)
        else:
            data["config"][full] = value
    path = tmp_path / f"Pulumi.{BOOTSTRAP_STACK}.yaml"
    path.write_text(json.dumps(data))  # JSON is YAML
    return synthesize(BOOTSTRAP_STACK, path, BOOTSTRAP).doc


def by_name(document: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [r for r in document["resources"] if r["name"] == name]
    return found


def of_type(document: dict[str, Any], token: str) -> list[dict[str, Any]]:
    return [r for r in document["resources"] if r["type"] == token]


def role_documents(document: dict[str, Any], key: str) -> tuple[dict, dict]:
    """(trust policy, inline policy) of the role `key` (vital.trust.ROLE), as registered."""
    trust = json.loads(by_name(document, f"{key}-role")["inputs"]["assumeRolePolicy"])
    policy = json.loads(by_name(document, f"{key}-policy")["inputs"]["policy"])
    return trust, policy


__all__ = ["ROOT", "STACK_FILE", "SynthError", "by_name", "doc", "of_type", "read_source", "render_with",
           "rendered", "role_documents"]
