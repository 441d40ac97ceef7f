"""A stack file's keys as the Pulumi CLI names them (pulumi/pulumi at sdk 3.260).

- sdk/go/common/workspace/project.go SimplifyMarshalledValue: a key that yaml.v3 decodes as
  something other than a string (`1:`, `true:`, `~:`, a date) in the file's top-level mapping
  fails the whole file, "expected only string keys, got '%!s(int=1)'". Deeper down it does not
  look (a string-keyed mapping is passed on as it is; project_test.go TestProjectLoadYAML,
  "Test nested bad key").
- loaders.go stackConfigNamespacedWithProject: a config key without a `:` goes to the project's
  namespace, unless a config key is not a string: then no key is namespaced, and
  config/map.go Map.UnmarshalYAML reads each key's text with config/key.go ParseKey, so the
  first one without a namespace fails the file ("could not parse 1 as a configuration key").
  A null key yaml.v3 cannot set in that map, so it is dropped.
- ParseKey: `<namespace>:<name>`, or `<namespace>:config:<name>` (the old form, the same key).
- loaders.go checkForEmptyConfig: a config key with no value (`key:`, `~`) is "", with a warning.
- A key inside a config value that is not a string becomes its %v text (config/object.go).
"""

from __future__ import annotations

from typing import Any

from .goyaml import GoKey

# loaders.go checkForEmptyConfig, its own words (%[1]s is "s" for several keys, %[2]s the keys).
EMPTY_VALUE_WARNING = (
    'No value for configuration key{s} {keys}. This is currently treated as an empty string `""`, '
    "but will be treated as `null` in a future version of pulumi. "
    'Set the value{s} to `""` to avoid this warning.'
)
PARSE_KEY_ERROR = (
    "could not parse {key} as a configuration key (configuration keys should be of the form `<namespace>:<name>`)"
)


class ConfigKeyError(ValueError):
    """One line: the key the CLI refuses, and why."""


def top_level_problem(document: dict) -> str | None:
    """Why SimplifyMarshalledValue fails the file, or None (the first such key, as written)."""
    bad = next((key for key in document if isinstance(key, GoKey)), None)
    if bad is None:
        return None
    return (
        f"expected only string keys, got '{bad.as_s}' (the CLI's words: it reads no file whose "
        f"top-level keys are not all strings); allowed: a string key, quoted if it looks like another type"
    )


def parse_key(text: str) -> str:
    """config/key.go ParseKey: the key's `<namespace>:<name>`, or ConfigKeyError."""
    parts = text.split(":")
    if len(parts) == 2:
        return text
    if len(parts) == 3 and parts[1] == "config":
        return f"{parts[0]}:{parts[2]}"
    raise ConfigKeyError(PARSE_KEY_ERROR.format(key=text) + " (the CLI refuses the file)")


def name_keys(config: dict, project: str) -> tuple[dict[str, Any], list[str]]:
    """The config's keys as the CLI names them, with each empty value as "" ; and the CLI's
    warnings (one, for the keys with no value). ConfigKeyError for a key the CLI refuses."""
    if any(isinstance(key, GoKey) for key in config):
        named: dict[str, Any] = {}
        for key, value in config.items():
            if isinstance(key, GoKey) and key.value is None:
                continue
            _put(named, parse_key(key.encoded if isinstance(key, GoKey) else key), key, value)
        return {full: value for full, (_, value) in named.items()}, []
    named, empty = {}, []
    for key, value in config.items():
        full = key if ":" in key else f"{project}:{key}"
        if value is None:
            empty.append(full)
        _put(named, parse_key(full), key, value)
    return {full: value for full, (_, value) in named.items()}, [empty_value_warning(empty)] if empty else []


def _put(named: dict[str, Any], full: str, key: str, value: Any) -> None:
    if full in named:
        first = named[full][0]
        raise ConfigKeyError(
            f"config keys '{first}' and '{key}' are both '{full}' to the CLI, which keeps one of "
            f"the two at random (a Go map); allowed: one of them"
        )
    named[full] = (key, "" if value is None else value)


def empty_value_warning(keys: list[str]) -> str:
    """checkForEmptyConfig's warning (the CLI lists the keys in map order; sorted here)."""
    quoted = [f'"{key}"' for key in sorted(keys)]
    joined = " and ".join(quoted) if len(quoted) == 2 else ", ".join(quoted)
    return EMPTY_VALUE_WARNING.format(s="s" if len(keys) > 1 else "", keys=joined)


def lenient(config: dict, project: str) -> dict[str, Any]:
    """The config's string keys namespaced as the CLI namespaces them, nothing refused (for
    lookups before the strict read; the first of two keys naming one wins)."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if not isinstance(key, GoKey):
            out.setdefault(key if ":" in key else f"{project}:{key}", value)
    return out
