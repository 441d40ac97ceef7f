"""What the Pulumi CLI does with Pulumi.yaml's declarations before a program runs.

From pulumi/pulumi at sdk 3.260, pkg/workspace/config.go: declared defaults are applied, a
declared key with no default must be set (missingStackConfigurationKeysError), a declared
secret must be encrypted and a declared type must match (validateStackConfigValue, with
sdk/go/common/workspace/project.go ValidateConfigValue); and the whole config reaches the
program and the policy pack in one environment variable.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import goyaml
from .facts import MAX_ENV_STRING_BYTES


def config_string(value: Any) -> str:
    """A config value as the CLI passes it to the program: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return goyaml.go_json_scalar(value)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def missing_message(stack: str, keys: list[str]) -> str:
    """The CLI's own words (pkg/workspace/config.go missingStackConfigurationKeysError)."""
    keys = sorted(keys)
    if len(keys) == 1:
        return f"Stack '{stack}' is missing configuration value '{keys[0]}'"
    listed = (
        ", ".join(f"'{k}'" for k in keys[:-1]) + f" and '{keys[-1]}'"
        if len(keys) > 2
        else f"'{keys[0]}' and '{keys[1]}'"
    )
    return f"Stack '{stack}' is missing configuration values {listed}"


def apply_defaults(proj: dict[str, Any], values: dict[str, Any]) -> list[str]:
    """Apply declared defaults; the declared keys with no default and no value (unnamespaced)."""
    name = proj.get("name", "")
    missing = []
    for key, decl in (proj.get("config") or {}).items():
        full = key if ":" in key else f"{name}:{key}"
        if full in values or not isinstance(decl, dict):
            continue
        if "default" in decl or "value" in decl:
            values[full] = decl.get("default", decl.get("value"))
        else:
            missing.append(key)
    return missing


def declared_secret(proj: dict[str, Any], key: str) -> bool:
    decl = (proj.get("config") or {}).get(key)
    return isinstance(decl, dict) and bool(decl.get("secret"))


def declared_type(proj: dict[str, Any], key: str) -> str | None:
    decl = (proj.get("config") or {}).get(key)
    return decl.get("type") if isinstance(decl, dict) else None


def _cli_type_ok(type_name: str, items: Any, content: Any) -> bool:
    """The CLI's ValidateConfigValue (sdk/go/common/workspace/project.go): lenient on scalars,
    which reach it as their text."""
    if type_name == "string":
        return isinstance(content, str)
    if type_name == "integer":
        if isinstance(content, bool):
            return False
        if isinstance(content, (int, float)):
            return float(content).is_integer()
        return isinstance(content, str) and bool(re.fullmatch(r"[+-]?[0-9]+", content))
    if type_name == "boolean":
        return content in ("true", "false") or isinstance(content, bool)
    if type_name == "object":
        return isinstance(content, dict)
    if not isinstance(content, list) or not isinstance(items, dict):
        return False
    return all(_cli_type_ok(str(items.get("type")), items.get("items"), item) for item in content)


def _type_name(type_name: str, items: Any) -> str:
    return f"array<{_type_name(str(items.get('type')), items.get('items'))}>" if isinstance(items, dict) else type_name


def problem(stack: str, proj: dict, values: dict[str, Any], secret_keys: list[str]) -> str | None:
    """What the CLI refuses in declared keys (pkg/workspace/config.go validateStackConfigValue), or None."""
    name = proj.get("name", "")
    for key, decl in sorted((proj.get("config") or {}).items()):
        full = key if ":" in key else f"{name}:{key}"
        if not isinstance(decl, dict) or full not in values:
            continue
        if decl.get("secret") and full not in secret_keys:
            return (
                f"Stack '{stack}' with configuration key '{key}' must be encrypted as it's secret; "
                f"allowed: `pulumi config set --secret{' --path' if decl.get('type') == 'object' else ''} {key}`"
            )
        value = values[full]
        content = value if isinstance(value, (dict, list)) else config_string(value)
        if "type" in decl and not _cli_type_ok(decl["type"], decl.get("items"), content):
            return (
                f"Stack '{stack}' with configuration key '{key}' must be of type "
                f"'{_type_name(decl['type'], decl.get('items'))}'; found {json.dumps(value)[:80]}"
            )
    return None


def size_problem(stack: str, config: dict[str, str]) -> str | None:
    """The CLI passes the whole config in PULUMI_CONFIG; past the OS's limit nothing starts."""
    size = len("PULUMI_CONFIG=") + len(json.dumps(config, separators=(",", ":")).encode())
    if size >= MAX_ENV_STRING_BYTES:
        largest = max(config, key=lambda k: len(config[k].encode()))
        return (
            f"stack '{stack}': config is {size} bytes, which the Pulumi CLI passes to the program "
            f"and the policy pack in one environment variable (PULUMI_CONFIG), at most "
            f"{MAX_ENV_STRING_BYTES - 1} bytes on Linux; the largest key is '{largest}' "
            f"({len(config[largest].encode())} bytes)"
        )
    return None
