"""Read Pulumi.yaml and a stack file the way the Pulumi CLI does, without the CLI.

The one reader of stack files for the program's config checks, synth, the doctor, the PR
diff, the policy pack's defaults and the tests. As the CLI does (pulumi/pulumi at sdk 3.260):
YAML is read as Go's yaml.v3 reads it (vital.goyaml); the file's keys are checked and its
config keys named as sdk/go/common/workspace/loaders.go LoadProjectStackBytes and
config/key.go ParseKey do (vital.configkeys); every `secure:` value must be ciphertext the
stack's secrets manager can decrypt (vital.secretsscheme; the CLI decrypts them all before the
program runs); the project's declared defaults are applied; a declared key with no default
must be set ("Stack 'x' is missing configuration value 'y'"); and the program gets every value
as a string (objects as JSON) with the list of secret keys.

Values under `secure:` cannot be decrypted here; they become placeholders that stay marked
secret. A secret not set yet can be rendered with a stand-in (synth), and is then listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import configkeys, declarations, goyaml, secretsscheme
from .declarations import config_string
from .names import PROJECT, SECRET_CONFIG_KEYS

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILE = ROOT / "Pulumi.yaml"
PLACEHOLDER = "secret-placeholder"
STANDIN = "secret-not-set-yet"


def offline_value(value: str) -> bool:
    """A secret synth could not read (ciphertext it cannot decrypt, or one not set yet): its format
    cannot be checked offline; the CLI passes the value itself."""
    return value.startswith((PLACEHOLDER, STANDIN))


class StackFileError(Exception):
    """One line naming the file, the key, what was found and what is allowed."""


def load_yaml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StackFileError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise StackFileError(f"{path}: is a directory; allowed: a YAML file") from None
    except OSError as err:
        raise StackFileError(f"{path}: cannot be read ({err.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise StackFileError(f"{path}: byte {err.start} is not UTF-8; allowed: a UTF-8 YAML file") from None
    try:
        data = goyaml.load(text)
    except goyaml.GoYamlError as err:
        raise StackFileError(f"{path}: {err}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise StackFileError(f"{path}: found a {type(data).__name__}; allowed: a YAML mapping")
    problem = configkeys.top_level_problem(data)
    if problem:
        raise StackFileError(f"{path}: {problem}")
    return data


# ---- secure: leaves ----------------------------------------------------------------------------


def is_secure(value: Any) -> bool:
    """A `{secure: <ciphertext>}` leaf, as `pulumi config set --secret` writes it: a mapping of
    one key whose value is a string (config/object.go isSecureValue; `secure: 1` is plain data)."""
    return isinstance(value, dict) and set(value) == {"secure"} and isinstance(value["secure"], str)


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
    """A stack file's `config:` mapping, keys named as the CLI names them (an unnamespaced key in
    the project's namespace); {} when it has none or it is not a mapping. Lenient: read() refuses
    what the CLI refuses."""
    config = stack_yaml.get("config") if isinstance(stack_yaml, dict) else None
    return configkeys.lenient(config, PROJECT) if isinstance(config, dict) else {}


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


ciphertext_problem = secretsscheme.ciphertext_problem  # doctor and diff callers


# ---- the secrets a stack needs ---------------------------------------------------------------


@dataclass(frozen=True)
class RequiredSecret:
    """A secret a stack must hold before `pulumi up`, and how it is set."""

    key: str  # the full config key: vital-expert-infra:secretEnv, vercel:apiToken
    subkey: str | None = None  # the entry inside an object key (set with --path)
    env_var: str | None = None  # an environment variable the provider reads instead

    @property
    def name(self) -> str:
        """The key as `pulumi config set` takes it (the project's own keys without namespace)."""
        namespace, _, key = self.key.partition(":")
        base = key if namespace == PROJECT else self.key
        return f"{base}.{self.subkey}" if self.subkey else base

    def command(self, stack: str | None = None) -> str:
        """The command that sets it (the CLI prompts for the value, so it stays out of shell history)."""
        where = f" --stack {stack}" if stack else ""
        return f"pulumi config set{where} --secret{' --path' if self.subkey else ''} {self.name}"


# ---- what the CLI hands the program ------------------------------------------------------------


@dataclass(frozen=True)
class StackConfigInput:
    """What the CLI would hand the program: string values and the secret key names."""

    config: dict[str, str]
    secret_keys: list[str]
    path: Path
    # Secrets not set yet that were rendered with a stand-in (config set names), in order.
    standins: list[str] = field(default_factory=list)
    # What the CLI warns about the file (loaders.go checkForEmptyConfig), one line each.
    warnings: list[str] = field(default_factory=list)
    # Declared keys (unnamespaced) the CLI would find missing without the stand-ins.
    cli_missing: list[str] = field(default_factory=list)


def cli_stops(stack: str, missing: Sequence[str]) -> str:
    """What `pulumi preview`/`up` prints when declared keys are not set (pkg/cmd/pulumi/operations/
    preview.go: "validating stack config: %w" around pkg/workspace/config.go
    missingStackConfigurationKeysError); the CLI prompts for nothing."""
    return f"error: validating stack config: {declarations.missing_message(stack, list(missing))}"


def set_commands(stack: str, names: Sequence[str]) -> str:
    """The commands that set secrets by config-set name (a dotted name is a --path)."""
    return "; ".join(f"pulumi config set --stack {stack} --secret{' --path' if '.' in n else ''} {n}" for n in names)


def project(project_file: Path = PROJECT_FILE) -> dict[str, Any]:
    """A project file (the tiers' Pulumi.yaml by default; bootstrap/Pulumi.yaml for the bootstrap project)."""
    return load_yaml(project_file)


def read(
    stack: str, path: Path | None = None, standins: Sequence[RequiredSecret] = (), project_file: Path = PROJECT_FILE
) -> StackConfigInput:
    """The stack's config, with the project's declared defaults applied.

    `standins`: secrets that may be missing; each one that is gets a stand-in value (marked
    secret) and is listed in the result's `standins`, instead of stopping the read. The stack
    file defaults to the one beside `project_file`.
    """
    proj = project(project_file)
    path = path or project_file.parent / f"Pulumi.{stack}.yaml"
    values, secret_keys, warnings = _values(stack, path, load_yaml(path))
    cli_missing = declarations.apply_defaults(proj, dict(values)) if standins else []
    filled = _fill_standins(values, secret_keys, standins)
    missing = declarations.apply_defaults(proj, values)
    if missing:
        commands = "; ".join(
            f"pulumi config set --stack {stack}{' --secret' if declarations.declared_secret(proj, k) else ''} {k}"
            for k in sorted(missing)
        )
        raise StackFileError(
            f'{path}: the CLI stops with "{cli_stops(stack, missing)}"; allowed: set '
            f"{'it' if len(missing) == 1 else 'them'} first: {commands}"
        )
    problem = declarations.problem(stack, proj, values, secret_keys)
    if problem:
        raise StackFileError(f"{path}: {problem}")
    config = {key: config_string(value) for key, value in values.items()}
    problem = declarations.size_problem(stack, config)
    if problem:
        raise StackFileError(f"{path}: {problem}")
    return StackConfigInput(
        config=config,
        secret_keys=secret_keys,
        path=path,
        standins=filled,
        warnings=warnings,
        cli_missing=sorted(cli_missing),
    )


def file_config(stack: str, path: Path) -> StackConfigInput:
    """The stack file's own config as the CLI passes it (no declared defaults, no stand-ins)."""
    values, secret_keys, warnings = _values(stack, path, load_yaml(path))
    return StackConfigInput(
        {key: config_string(value) for key, value in values.items()}, secret_keys, path, warnings=warnings
    )


def missing_declared(stack: str, path: Path, standins: Sequence[RequiredSecret] = ()) -> list[str]:
    """The declared keys (unnamespaced) the CLI would report missing, after `standins` are filled."""
    values, secret_keys, _ = _values(stack, path, load_yaml(path), check_ciphertext=False)
    _fill_standins(values, secret_keys, standins)
    return sorted(declarations.apply_defaults(project(), values))


def _values(
    stack: str, path: Path, document: dict, check_ciphertext: bool = True
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Each key's value with its `secure:` leaves as placeholders, the keys holding secrets, and
    the CLI's warnings about the file."""
    stack_config = document.get("config")
    stack_config = {} if stack_config is None else stack_config
    if not isinstance(stack_config, dict):
        raise StackFileError(f"{path}: 'config' is a {type(stack_config).__name__}; allowed: a mapping of keys")
    try:
        named, warnings = configkeys.name_keys(stack_config, PROJECT)
    except configkeys.ConfigKeyError as err:
        raise StackFileError(f"{path}: {err}") from None
    how = secretsscheme.scheme(document)
    values: dict[str, Any] = {}
    secret_keys: list[str] = []
    for key, value in named.items():
        for leaf_path, leaf in leaves(value, key):
            problem = (
                secretsscheme.ciphertext_problem(leaf["secure"], how) if check_ciphertext and is_secure(leaf) else None
            )
            if problem:
                raise StackFileError(
                    f"{path}: stack '{stack}': config '{leaf_path}': the secure value is not "
                    f"ciphertext the CLI can decrypt ({problem}); allowed: a value written by "
                    f"`pulumi config set --secret` with this stack's secrets provider"
                )
        values[key] = map_secure(value, key, lambda p, _: f"{PLACEHOLDER}:{p}")
        if any(is_secure(leaf) for _, leaf in leaves(value, key)):
            secret_keys.append(key)
    return values, secret_keys, warnings


def _fill_standins(values: dict[str, Any], secret_keys: list[str], standins: Sequence[RequiredSecret]) -> list[str]:
    filled = []
    for secret in standins:
        current = values.get(secret.key)
        if secret.subkey is None and current is None:
            values[secret.key] = f"{STANDIN}:{secret.name}"
        elif secret.subkey is not None and (
            current is None or (isinstance(current, dict) and secret.subkey not in current)
        ):
            values[secret.key] = {**(current or {}), secret.subkey: f"{STANDIN}:{secret.name}"}
        else:
            continue
        filled.append(secret.name)
        if secret.key not in secret_keys:
            secret_keys.append(secret.key)
    return filled


def committed_config(stack: str, root: Path = ROOT) -> dict[str, Any]:
    """A committed stack file's `config:` section as written ({} when missing or unreadable)."""
    try:
        return config_section(load_yaml(root / f"Pulumi.{stack}.yaml"))
    except StackFileError:
        return {}
