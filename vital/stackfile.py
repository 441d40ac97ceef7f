"""Read Pulumi.yaml and a stack file the way the Pulumi CLI does, without the CLI.

The one reader of stack files for the program's config checks, synth, the PR diff, the
policy pack's defaults and the tests. The CLI applies the project's declared defaults,
refuses a stack that lacks a declared key with no default, and hands the program every
value as a string (objects as JSON) with the list of secret keys. Values under `secure:`
cannot be decrypted here; they become placeholders that stay marked secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from .names import PROJECT, SECRET_CONFIG_KEYS

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILE = ROOT / "Pulumi.yaml"
PLACEHOLDER = "secret-placeholder"


class StackFileError(Exception):
    """One line naming the file, the key, what was found and what is allowed."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML that refuses a key given twice (PyYAML would silently keep the last one)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise StackFileError(f"config key {key!r} given twice (line {key_node.start_mark.line + 1}); allowed: each key once")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise StackFileError(f"{path}: file not found") from None
    except StackFileError as err:
        raise StackFileError(f"{path}: {err}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise StackFileError(f"{path}: not valid YAML{where}: {getattr(err, 'problem', err)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise StackFileError(f"{path}: found a {type(data).__name__}; allowed: a YAML mapping")
    return data


# ---- secure: leaves ----------------------------------------------------------------------------


def is_secure(value: Any) -> bool:
    """A `{secure: <ciphertext>}` leaf, as `pulumi config set --secret` writes it."""
    return isinstance(value, dict) and set(value) == {"secure"}


def _join(path: str, key: Any) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}"


def leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every leaf of a config value with its config path; a `secure:` leaf is one leaf."""
    if is_secure(value) or value in ({}, []):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, _join(path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, _join(path, i))
    else:
        yield path, value


def map_secure(value: Any, path: str, fn: Callable[[str, Any], Any]) -> Any:
    """The value with each `secure:` leaf replaced by fn(path, ciphertext)."""
    if is_secure(value):
        return fn(path, value["secure"])
    if isinstance(value, dict):
        return {key: map_secure(item, _join(path, key), fn) for key, item in value.items()}
    if isinstance(value, list):
        return [map_secure(item, _join(path, i), fn) for i, item in enumerate(value)]
    return value


def config_section(stack_yaml: Any) -> dict[str, Any]:
    """A stack file's `config:` mapping ({} when it has none or it is not a mapping)."""
    config = stack_yaml.get("config") if isinstance(stack_yaml, dict) else None
    return config if isinstance(config, dict) else {}


def secure_leaves(stack_yaml: Any) -> dict[str, str]:
    """Each `secure:` leaf of a stack file's config, by config path, with its ciphertext."""
    return {
        path: str(value["secure"])
        for key, item in config_section(stack_yaml).items()
        for path, value in leaves(item, str(key))
        if is_secure(value)
    }


def plaintext_secret_leaves(stack_yaml: Any) -> list[str]:
    """Paths under the secret config keys whose values are not `secure:`.

    The engine marks a structured key secret when any leaf is encrypted, so a plaintext leaf
    beside encrypted ones can only be seen in the file itself.
    """
    config = config_section(stack_yaml)
    return [
        path
        for key in SECRET_CONFIG_KEYS
        if f"{PROJECT}:{key}" in config
        for path, value in leaves(config[f"{PROJECT}:{key}"], key)
        if not is_secure(value) and value is not None and value != {}
    ]


# ---- what the CLI hands the program ------------------------------------------------------------


@dataclass(frozen=True)
class StackConfigInput:
    """What the CLI would hand the program: string values and the secret key names."""

    config: dict[str, str]
    secret_keys: list[str]
    path: Path


def project() -> dict[str, Any]:
    return load_yaml(PROJECT_FILE)


def _as_string(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def read(stack: str, path: Path | None = None) -> StackConfigInput:
    """The stack's config, with the project's declared defaults applied."""
    proj = project()
    name = proj.get("name", "")
    path = path or ROOT / f"Pulumi.{stack}.yaml"
    stack_config = load_yaml(path).get("config") or {}
    if not isinstance(stack_config, dict):
        raise StackFileError(f"{path}: 'config' is a {type(stack_config).__name__}; allowed: a mapping of keys")
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in stack_config.items():
        if ":" not in str(key):
            raise StackFileError(f"{path}: config key {key!r} has no namespace; allowed: {name}:{key} or provider:key")
        config[key] = _as_string(map_secure(value, key, lambda p, _: f"{PLACEHOLDER}:{p}"))
        if any(is_secure(leaf) for _, leaf in leaves(value, key)):
            secret_keys.append(key)
    missing = []
    for key, decl in (proj.get("config") or {}).items():
        full = f"{name}:{key}"
        if full in config:
            continue
        if isinstance(decl, dict) and "default" in decl:
            config[full] = _as_string(decl["default"])
        elif isinstance(decl, dict):
            missing.append(full)
    if missing:
        # The CLI's own wording: "Stack 'x' is missing configuration value 'y'".
        raise StackFileError(f"{path}: stack '{stack}' is missing configuration value '{missing[0]}'; "
                             f"allowed: set it with `pulumi config set{' --secret' if _declared_secret(proj, missing[0]) else ''} {missing[0].split(':', 1)[1]} ...`")
    return StackConfigInput(config=config, secret_keys=secret_keys, path=path)


def _declared_secret(proj: dict[str, Any], full_key: str) -> bool:
    decl = (proj.get("config") or {}).get(full_key.split(":", 1)[1])
    return isinstance(decl, dict) and bool(decl.get("secret"))


def committed_config(stack: str, root: Path = ROOT) -> dict[str, Any]:
    """A committed stack file's `config:` section as written ({} when missing or unreadable)."""
    try:
        return config_section(load_yaml(root / f"Pulumi.{stack}.yaml"))
    except StackFileError:
        return {}
