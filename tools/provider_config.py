"""Provider config keys checked as the bridged providers check them, for every installed SDK.

The engine hands a default provider every config key in its package's namespace (pulumi/pulumi
pkg/resource/deploy/default_providers.go: `d.config.GetPackageConfig(req.Package())`) the first
time the program registers a resource of that package without an explicit provider, and calls
the provider's CheckConfig. A bridged provider refuses a key its schema lacks:
pulumi-terraform-bridge pkg/tfbridge/check_failures.go, formatDefaultProviderInvalidKey, after
the Terraform SDK's "Invalid or unknown key" (pkg/tfbridge/provider.go, CheckConfig) or the
Plugin Framework bridge's own walk over the inputs (pkg/pf/tfbridge/provider_checkconfig.go,
validateProviderConfig), both of which skip `version` and `pluginDownloadURL`. keySuggestions
offers every schema key within Levenshtein distance 2 (agext/levenshtein, costs 1) as "Did you
mean". The engine prints a failure as "<type> resource '<name>' has a problem: <reason>"
(pkg/resource/deploy/step_generator.go, issueCheckFailures; sdk/go/common/diag/errors.go 2002)
and the preview stops.

Each provider's keys come from its installed SDK, not from a hand list: the package that ships
a `pulumi-plugin.json` naming the provider has a generated `config/vars.py` with one property
per schema config variable, each reading `__config__.get*('<key>')`. Which providers are bridged
is a platform fact (vital/facts.py, BRIDGED_PROVIDERS); another provider's keys are not checked.
"""

from __future__ import annotations

import ast
import functools
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from vital.facts import BRIDGED_PROVIDERS
from vital.names import SECRET_TEXT
from vital.secrets import looks_secret_value

# Keys a bridged provider never refuses (pkg/tfbridge/provider.go buildTerraformConfig's
# ignoredKeys; pkg/pf/tfbridge/provider_checkconfig.go validateProviderConfig).
ALWAYS_ALLOWED = ("version", "pluginDownloadURL")
SUGGESTION_DISTANCE = 2  # check_failures.go keySuggestions: levenshtein.Distance(...) <= 2
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$")
_QNAME_CHAR = re.compile(r"[A-Za-z0-9_.-]")


@dataclass(frozen=True)
class ProviderSchema:
    name: str  # the package, as in type tokens and config namespaces: "vercel"
    module: str  # the SDK's import name: "pulumiverse_vercel"
    keys: frozenset[str]  # the config variables of its schema, as `pulumi config` names them


def levenshtein(a: str, b: str) -> int:
    """Edit distance with insertions, deletions and substitutions at cost 1, by code point."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]


def config_keys(vars_py: str) -> frozenset[str]:
    """The keys a generated `config/vars.py` reads: every `__config__.get*('<key>')`."""
    keys = set()
    for node in ast.walk(ast.parse(vars_py)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "__config__"
            and node.func.attr.startswith("get")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            keys.add(node.args[0].value)
    return frozenset(keys)


def _sdk_dirs(paths: Iterable[str]) -> Iterable[Path]:
    for entry in paths:
        root = Path(entry or ".")
        if root.is_dir():
            yield from (p.parent for p in sorted(root.glob("*/pulumi-plugin.json")))


@functools.cache
def installed(paths: tuple[str, ...] | None = None) -> dict[str, ProviderSchema]:
    """Every installed provider SDK with a config module, by package name (first on sys.path wins)."""
    found: dict[str, ProviderSchema] = {}
    for sdk in _sdk_dirs(paths if paths is not None else tuple(sys.path)):
        plugin = json.loads((sdk / "pulumi-plugin.json").read_text())
        vars_py = sdk / "config" / "vars.py"
        name = plugin.get("name")
        if plugin.get("resource") and isinstance(name, str) and vars_py.is_file() and name not in found:
            found[name] = ProviderSchema(name, sdk.name, config_keys(vars_py.read_text()))
    return found


def default_provider_name(version: str, download_url: str) -> str:
    """The engine's name for a default provider (pkg/resource/deploy/providers/provider.go,
    ProviderRequest.DefaultName): "default", the version's parts, the download URL as a QName."""
    name = "default"
    parts = _SEMVER.fullmatch(version or "")
    if parts:
        major, minor, patch, pre, build = parts.groups()
        name += f"_{major}_{minor}_{patch}"
        name += "".join(f"_{p}" for p in (pre or "").split(".") if p)
        name += "".join(f"_{b}" for b in (build or "").split(".") if b)
    if download_url:
        name += "_" + _into_qname(download_url)
    return name


def _into_qname(text: str) -> str:
    """sdk/go/common/tokens/names.go IntoQName: each '/'-separated part, bad characters as '_'."""
    parts = ["".join(c if _QNAME_CHAR.fullmatch(c) else "_" for c in part) for part in text.split("/") if part]
    return "/".join(parts) or "_"


def invalid_key_reason(package: str, key: str, schema_keys: Iterable[str]) -> str:
    """formatDefaultProviderInvalidKey's reason, word for word (suggestions sorted: upstream
    ranges over a Go map, in no fixed order)."""
    similar = sorted(k for k in schema_keys if k != key and levenshtein(key, k) <= SUGGESTION_DISTANCE)
    sentences = [f"`{package}:{key}` is not a valid configuration key for the {package} provider."]
    if similar:
        sentences.append(f"Did you mean {' or '.join(f'`{package}:{k}`' for k in similar)}?")
    sentences.append(
        "If the referenced key is not intended for the provider, please choose a different "
        f"namespace from `{package}:`."
    )
    return " ".join(sentences)


def check(
    stack: str,
    package: str,
    config: Mapping[str, str],
    secret_keys: Iterable[str],
    provider_name: str,
    schemas: Mapping[str, ProviderSchema] | None = None,
) -> str | None:
    """The one line for the first key in `package`'s namespace its bridged provider refuses, or None."""
    schema = (installed() if schemas is None else schemas).get(package)
    if schema is None or package not in BRIDGED_PROVIDERS:
        return None
    secret = set(secret_keys)
    for full_key in sorted(config):
        namespace, _, key = full_key.partition(":")
        if namespace != package or key in schema.keys or key in ALWAYS_ALLOWED:
            continue
        found = _shown(config[full_key], full_key in secret)
        return (
            f"stack '{stack}': config '{full_key}': found {found}; pulumi:providers:{package} resource "
            f"'{provider_name}' has a problem: {invalid_key_reason(package, key, schema.keys)}"
        )
    return None


def _shown(value: str, secret: bool) -> str:
    if secret or looks_secret_value(value):
        return SECRET_TEXT
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
