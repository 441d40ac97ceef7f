"""Load a stack's config from the Pulumi runtime (the CLI, or synth's mocks) into StackConfig.

A bad value becomes ConfigError: one line naming the stack, the key, the value found (never
a secret's) and what is allowed.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import SecretStr, ValidationError
from pydantic_core import ErrorDetails

from vital import stackfile
from vital.names import (
    GITHUB_OWNER_KEY,
    PROJECT,
    PROVIDER_SECRETS,
    RETIRED_CONFIG_KEYS,
    SECRET_CONFIG_KEYS,
    SECRET_TEXT,
    SUPABASE_TOKEN_CONFIG_KEY,
    TIERS,
    VERCEL_TEAM_KEY,
)
from vital.refusal import CONFIG_RULE_ERROR
from vital.secrets import looks_secret_value

from .config import StackConfig


class ConfigError(Exception):
    """One line: the stack, the key, the value found and what is allowed."""

    def __init__(self, stack: str, key: str, found: Any, allowed: str) -> None:
        key = key if ":" in key.split(".")[0].split("[")[0] else f"{PROJECT}:{key}"
        self.stack, self.key = stack, key
        shown = _show(found)
        if shown == SECRET_TEXT and isinstance(found, str) and found and found != SECRET_TEXT:
            allowed = allowed.replace(found, SECRET_TEXT)  # a check that quotes what it found quotes no secret
        super().__init__(f"stack '{stack}': config '{key}': found {shown}; {allowed}")


def _show(value: Any) -> str:
    if isinstance(value, SecretStr) or value == SECRET_TEXT:
        return SECRET_TEXT
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    if looks_secret_value(text):  # a credential pasted under a key that is not a secret one
        return SECRET_TEXT
    return text if len(text) <= 80 else text[:77] + "..."


def _field_for(key: str):
    for name, field in StackConfig.model_fields.items():
        if (field.alias or name) == key:
            return name, field
    return None, None


def _wants_text(annotation: Any) -> bool:
    """Whether a field's type is a string (through Annotated and Optional)."""
    if annotation in (str, SecretStr):
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _wants_text(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return any(_wants_text(arg) for arg in get_args(annotation) if arg is not type(None))
    return False


def _decode(key: str, raw: str) -> Any:
    """Config arrives as strings (the CLI JSON-encodes numbers, booleans and objects).

    A string field keeps the text as it came, unless the stack file held a list or a mapping
    there (the CLI passes it as JSON): then the list or mapping is handed on, and refused.
    """
    _, field = _field_for(key)
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if field is not None and _wants_text(field.annotation) and not isinstance(value, (list, dict)):
        return raw
    return value


# What a value of the wrong type is told, by pydantic's error type: the expected type in words.
_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "date_type": "a date, 'YYYY-MM-DD'",
    "date_from_datetime_parsing": "a date, 'YYYY-MM-DD'",
}


def _allowed(error: ErrorDetails) -> str:
    msg = error["msg"].removeprefix("Value error, ")
    if msg.startswith("allowed"):
        return msg
    if error["type"] in _EXPECTED:
        return f"allowed: {_EXPECTED[error['type']]}"
    if error["type"] in ("too_long", "string_too_long"):
        return f"allowed: at most {error.get('ctx', {}).get('max_length')} {'items' if error['type'] == 'too_long' else 'characters'}"
    return f"allowed: {msg[0].lower()}{msg[1:]}"


def _error_from_validation(stack: str, err: ValidationError) -> ConfigError:
    first = err.errors()[0]
    if first["type"] == CONFIG_RULE_ERROR:
        ctx = first["ctx"]
        return ConfigError(stack, ctx["key"], ctx["found"], ctx["allowed"])
    loc = [str(p) for p in first["loc"] if p != "[key]"]
    key = loc[0] if loc else "?"
    path = key + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in loc[1:])
    found = first.get("input")
    if key in SECRET_CONFIG_KEYS or first["type"] == "missing":
        found = SECRET_TEXT if key in SECRET_CONFIG_KEYS and first["type"] != "missing" else "nothing"
    if "[key]" in first["loc"]:
        path = path.rsplit(".", 1)[0] if "." in path else path  # a bad key: name the mapping, show the key
    return ConfigError(stack, path, found, _allowed(first))


def _project_keys(stack: str) -> dict[str, Any]:
    """The project's own config keys, decoded; an unknown key or a plaintext secret is an error."""
    from vital import pulumi_internals

    data: dict[str, Any] = {}
    allowed_keys = sorted((f.alias or n) for n, f in StackConfig.model_fields.items() if n != "stack")
    for full_key, raw in pulumi_internals.all_config().items():
        namespace, _, key = full_key.partition(":")
        credential = (
            key in SECRET_CONFIG_KEYS or key == SUPABASE_TOKEN_CONFIG_KEY
        )  # shown as [secret] even in plaintext
        shown = SECRET_TEXT if credential or pulumi_internals.is_config_secret(full_key) else raw  # for an error line
        if namespace != PROJECT:
            if namespace.lower() == PROJECT or one_edit_away(namespace.lower(), PROJECT):
                raise ConfigError(
                    stack, full_key, shown, f"allowed: the project's namespace; did you mean '{PROJECT}:{key}'?"
                )
            continue
        if key in RETIRED_CONFIG_KEYS:
            raise ConfigError(stack, full_key, shown, f"allowed: nothing; {key} is retired: {RETIRED_CONFIG_KEYS[key]}")
        if _field_for(key)[0] is None or key == "stack":
            raise ConfigError(
                stack, full_key, shown, f"allowed keys: {', '.join(k for k in allowed_keys if ':' not in k)}"
            )
        data[key] = _decode(key, raw)
        if key in SECRET_CONFIG_KEYS and not pulumi_internals.is_config_secret(full_key):
            raise ConfigError(
                stack,
                full_key,
                SECRET_TEXT,
                f"allowed: an encrypted value only; run `pulumi config set --secret {key} ...` (a plaintext value would be committed to git)",
            )
    return data


def one_edit_away(a: str, b: str) -> bool:
    """Whether two names differ by one inserted, deleted, replaced or swapped character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _refuse_near_miss(stack: str, ns_key: str) -> None:
    """A provider key the program needs is unset while a misspelling of it is set (`vercel:teem`):
    name the misspelling, which the provider itself would refuse (tools/provider_config.py)."""
    from vital import pulumi_internals

    namespace, _, wanted = ns_key.partition(":")
    for full_key in sorted(pulumi_internals.all_config()):
        found_namespace, _, key = full_key.partition(":")
        if found_namespace == namespace and one_edit_away(key, wanted):
            shown = (
                SECRET_TEXT if pulumi_internals.is_config_secret(full_key) else pulumi_internals.all_config()[full_key]
            )
            raise ConfigError(
                stack,
                full_key,
                shown,
                f"allowed: the {namespace} provider's keys; did you mean '{ns_key}'? "
                f"(the program needs it, and the provider refuses '{full_key}')",
            )


def _check_tier(stack: str, tier: Any) -> None:
    if stack in TIERS and tier != stack:
        # The policy pack takes a tier-named stack's tier from its name; the two must agree.
        raise ConfigError(stack, f"{PROJECT}:tier", tier, f"allowed: '{stack}' (or unset) in the stack named {stack}")
    if tier not in TIERS:
        raise ConfigError(
            stack, f"{PROJECT}:tier", tier, f"allowed: one of {', '.join(TIERS)} (tier defaults to the stack name)"
        )


def _refuse_provider_credentials(stack: str) -> None:
    """A provider credential in a stack file would win over the job's own (config wins over the
    environment) and sit where every role that decrypts the stack reads it (docs/credentials.md)."""
    import pulumi

    for key, env_var in PROVIDER_SECRETS.items():
        namespace, _, name = key.partition(":")
        if pulumi.Config(namespace).get(name) is not None:
            raise ConfigError(
                stack,
                key,
                SECRET_TEXT,
                f"allowed: nothing; provider credentials come only from the "
                f"environment ({env_var}; in CI the job's secret), never from a "
                f"stack file; remove it with `pulumi config rm --stack {stack} {key}`",
            )


def load_stack_config(stack: str, stack_file: Path | None = None) -> StackConfig:
    """Read and check the stack's config from the Pulumi runtime (CLI or mocks)."""
    import pulumi

    _refuse_provider_credentials(stack)
    data: dict[str, Any] = {"stack": stack, **_project_keys(stack)}
    for ns_key in (VERCEL_TEAM_KEY, GITHUB_OWNER_KEY):
        namespace, _, key = ns_key.partition(":")
        value = pulumi.Config(namespace).get(key)
        if value is not None:
            data[ns_key] = value
        else:
            _refuse_near_miss(stack, ns_key)
    if stack_file is not None and stack_file.exists():
        leaves = stackfile.plaintext_secret_leaves(stackfile.load_yaml(stack_file))
        if leaves:
            raise ConfigError(
                stack,
                f"{PROJECT}:{leaves[0]}",
                "a plaintext value",
                "allowed: an encrypted value only (`pulumi config set --secret --path ...`); a plaintext value would be committed to git",
            )
    data.setdefault("tier", stack)
    _check_tier(stack, data["tier"])
    try:
        return StackConfig.model_validate(data)
    except ValidationError as err:
        raise _error_from_validation(stack, err) from None
