"""A policy pack's policies and their config: what `--policy-pack-config FILE` holds.

Loads the JSON file, then reconciles it with the policies the pack reports as the CLI does
(each policy's level and schema defaults, then `all`, then each policy's own entry) and
validates every policy's properties against its schema. Stricter than the CLI: a pack config
naming an unknown policy or property is an error here (the CLI ignores it), so a typo cannot
switch a limit off silently. Every error is one line naming the policy, the property, the
value found and what is allowed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PolicyConfigError  # also importable from here, its home before tools/policy/errors.py

# The Analyzer protocol's enforcement levels, in the order errors list them.
LEVEL_NAMES = ("advisory", "mandatory", "remediate", "disabled")
# The CLI adds this property to every policy's schema (analyzer_plugin.go GetAnalyzerInfo).
ENFORCEMENT_SCHEMA = {"type": "string", "enum": list(LEVEL_NAMES)}


@dataclass(frozen=True)
class PolicyMeta:
    name: str
    description: str
    enforcement_level: str
    kind: str  # "resource" or "stack"
    properties: dict[str, Any]
    required: tuple[str, ...]


@dataclass(frozen=True)
class PackInfo:
    name: str
    version: str  # PulumiPolicy.yaml's, as the CLI reports it
    policies: tuple[PolicyMeta, ...]
    reported_version: str = ""  # what the pack itself says (pulumi-policy's Python packs: 0.0.1)

    @property
    def label(self) -> str:
        return f"{self.name}@v{self.version}"

    def policy(self, name: str) -> PolicyMeta | None:
        return next((p for p in self.policies if p.name == name), None)


def load_pack_config(path: Path) -> dict[str, Any]:
    """Read a --policy-pack-config JSON file (empty file: no config)."""
    try:
        text = Path(path).read_text()
    except OSError as err:
        raise PolicyConfigError(f"policy pack config {path}: {err.strerror}") from None
    if not text.strip():
        return {}
    try:  # NaN and Infinity are no JSON numbers: Go's encoding/json, which the CLI reads the file with, refuses them
        data = json.loads(text, parse_constant=_no_constant)
    except ValueError as err:
        raise PolicyConfigError(f"policy pack config {path}: not valid JSON ({err})") from None
    if not isinstance(data, dict):
        raise PolicyConfigError(f"policy pack config {path}: found a {type(data).__name__}; allowed: a JSON object")
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def resolve_pack_config(info: PackInfo, pack_config: Mapping[str, Any] | None) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each policy's (enforcement level, properties), reconciled and validated as the CLI does.

    Start from each policy's level and schema defaults, apply `all` (a level for every
    policy), then each policy's entry (a level string, or an object with an optional
    enforcementLevel and properties merged over the defaults at the top level).
    """
    pack_config = {} if pack_config is None else pack_config
    if not isinstance(pack_config, Mapping):
        raise PolicyConfigError(
            f"policy pack config: found a {type(pack_config).__name__}; allowed: a JSON object of "
            f"policy name -> enforcement level or object"
        )
    resolved = {
        p.name: (p.enforcement_level, {k: v["default"] for k, v in p.properties.items() if "default" in v})
        for p in info.policies
    }
    names = [p.name for p in info.policies]
    entries = {}
    for name, value in pack_config.items():
        if name != "all" and name not in resolved:
            raise PolicyConfigError(
                f"policy pack config: found unknown policy {name!r}; allowed: all, {', '.join(names)}"
            )
        entries[name] = _parse_entry(name, value)
    if "all" in entries:
        level, props = entries.pop("all")
        if props:
            raise PolicyConfigError(
                f"policy pack config: policy 'all' has property {sorted(props)[0]!r}; allowed: "
                f"only enforcementLevel (properties belong to one policy)"
            )
        if level is not None:
            resolved = {name: (level, defaults) for name, (_, defaults) in resolved.items()}
    for name, (level, props) in entries.items():
        old_level, old_props = resolved[name]
        resolved[name] = (level or old_level, {**old_props, **props})
    for meta in info.policies:
        level, props = resolved[meta.name]
        _validate(meta, props)
    return resolved


def _parse_entry(name: str, value: Any) -> tuple[str | None, dict[str, Any]]:
    levels = ", ".join(LEVEL_NAMES)
    if isinstance(value, str):
        if value not in LEVEL_NAMES:
            raise PolicyConfigError(
                f"policy pack config: policy {name!r}: found enforcement level {value!r}; allowed: {levels}"
            )
        return value, {}
    if not isinstance(value, Mapping):
        raise PolicyConfigError(
            f"policy pack config: policy {name!r}: found {json.dumps(value)}; allowed: an "
            f"enforcement level ({levels}) or an object"
        )
    props = dict(value)
    level = props.pop("enforcementLevel", None)
    if level is not None and (not isinstance(level, str) or level not in LEVEL_NAMES):
        raise PolicyConfigError(
            f"policy pack config: policy {name!r}, property 'enforcementLevel': found "
            f"{json.dumps(level)}; allowed: one of {levels}"
        )
    return level, props


def document_of(meta: PolicyMeta) -> dict[str, Any]:
    """The JSON Schema a policy's config object is validated against (the CLI adds enforcementLevel)."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {**meta.properties, "enforcementLevel": ENFORCEMENT_SCHEMA},
        "additionalProperties": False,
    }
    if meta.required:
        schema["required"] = list(meta.required)
    return schema


def _validate(meta: PolicyMeta, props: dict[str, Any]) -> None:
    # jsonschema_rs: Draft 7, held to python-jsonschema's answers by tests/tools/test_pack_config_validation.py,
    # and imported in milliseconds where jsonschema takes tens (requirements-dev.in).
    from jsonschema_rs import Draft7Validator

    schema = document_of(meta)
    errors = sorted(Draft7Validator(schema).iter_errors(props), key=lambda e: [str(p) for p in e.instance_path])
    if errors:
        raise _config_error(meta.name, errors[0], schema)


def _path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _subschema(schema: Any, parts: Iterable[Any]) -> Any:
    """The schema at a schema path (jsonschema_rs's `schema_path`, keywords and indexes)."""
    for part in parts:
        schema = schema[part]
    return schema


def _config_error(policy: str, error, schema: Mapping[str, Any]) -> PolicyConfigError:
    path = _path(error.instance_path)
    prefix = f"policy pack config: policy {policy!r}"
    keyword, value = error.kind.name, error.kind.value
    if keyword == "additionalProperties":
        known = sorted(_subschema(schema, error.schema_path[:-1]).get("properties", {}))
        where = f"{path}." if path else ""
        return PolicyConfigError(
            f"{prefix}: found unknown property {where + sorted(value)[0]!r}; allowed: {', '.join(known)}"
        )
    if keyword == "required":
        required = _subschema(schema, error.schema_path)
        return PolicyConfigError(
            f"{prefix}: {value!r} is a required property; allowed: an object with {', '.join(required)}"
        )
    allowed = _allowed(keyword, value, error.message)
    return PolicyConfigError(f"{prefix}, property {path!r}: found {json.dumps(error.instance)}; allowed: {allowed}")


_WORDS = {
    "minimum": "a number of at least {}",
    "maximum": "a number of at most {}",
    "minLength": "a string of at least {} character(s)",
    "pattern": "a string matching {}",
}


def _allowed(keyword: str, value: Any, message: str) -> str:
    """What a schema keyword allows, in words (the validator's own message for any other keyword)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # the schema crossed a protobuf Struct, where every number is a float
    if keyword == "type":
        return "a value of type " + " or ".join(map(str, value if isinstance(value, list) else [value]))
    if keyword == "enum":
        return "one of " + ", ".join(v if isinstance(v, str) else json.dumps(v) for v in value)
    if keyword == "uniqueItems":
        return "no repeated items"
    return _WORDS[keyword].format(value) if keyword in _WORDS else message
