"""Build StackConfig in-process from a committed stack file, as program.load does, with every
secret set to a canary: a value that must never appear in an error line.

No synth, no Pulumi runtime: a config and its one-line error take about a millisecond.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from program.config import StackConfig
from program.load import _error_from_validation
from vital.names import PROJECT
from vital.tiers import TIER_DEFAULTS
from vital.trust import pr_readable_stacks

ROOT = Path(__file__).resolve().parents[2]
DELETE = object()  # as a change: leave the key out of the stack file
POOLER_HOST = "aws-0-us-east-1.pooler.supabase.com:5432"


def canary(name: str) -> str:
    return f"canary-{name}-9f27c1"


def db_url(ref: str, password: str = canary("supabaseDbUrl")) -> str:
    return f"postgresql://postgres.{ref}:{password}@{POOLER_HOST}/postgres"


@lru_cache(maxsize=None)
def _committed(stack: str) -> dict[str, Any]:
    with open(ROOT / f"Pulumi.{stack}.yaml") as f:
        config = yaml.load(f, Loader=yaml.CSafeLoader)["config"]
    return {key.removeprefix(f"{PROJECT}:"): value for key, value in config.items()}


def data(stack: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """What load_stack_config hands StackConfig: the stack file's keys, and its secrets decrypted."""
    config = {"stack": stack, "tier": stack, **copy.deepcopy(_committed(stack))}
    if stack not in pr_readable_stacks():  # the team token: production's only (program.checks)
        config["vercelDeployToken"] = canary("vercelDeployToken")
    config["supabaseDbUrl"] = db_url(config["supabaseProjectRef"])
    config["secretEnv"] = {key: canary(key) for key in TIER_DEFAULTS[stack].secret_env}
    for key, value in (changes or {}).items():
        if value is DELETE:
            config.pop(key, None)
        else:
            config[key] = value
    return config


def accepted(stack: str, changes: dict[str, Any] | None = None) -> StackConfig:
    return StackConfig.model_validate(data(stack, changes))


def refused(stack: str, changes: dict[str, Any] | None = None) -> str:
    """The one line the user reads (program.load.ConfigError); it must quote no secret."""
    try:
        StackConfig.model_validate(data(stack, changes))
    except ValidationError as err:
        line = str(_error_from_validation(stack, err))
    else:
        raise AssertionError(f"stack {stack} accepted {changes}")
    assert "\n" not in line and "canary-" not in line, line
    return line


def line(stack: str, key: str, found: str, allowed: str) -> str:
    """ConfigError's one line: the stack, the key, the value found (as shown) and what is allowed."""
    return f"stack '{stack}': config '{key if ':' in key else f'{PROJECT}:{key}'}': found {found}; {allowed}"


def long_domain(length: int, zone: str = "vitalexpert.com") -> str:
    """A valid host name of exactly `length` characters in `zone` (labels of at most 63)."""
    labels, rest = [], length - len(zone) - 1
    while rest > 0:
        take = min(63, rest) - (min(63, rest) == rest - 1)  # never leave one character, which needs a dot too
        labels.append("a" * take)
        rest -= take + 1
    assert rest == -1, length
    return ".".join([*labels, zone])
