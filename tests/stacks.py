"""Test helpers: render stacks from committed or modified stack files, and query the result."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from tools.synth import read_source, render_config, render_stack

ROOT = Path(__file__).resolve().parent.parent
from vital.names import PROJECT as NS, TIERS  # noqa: F401  (re-exported for the tests)


def stack_yaml(stack: str, secrets: bool = True) -> dict[str, Any]:
    """The committed stack file; with `secrets`, its required secrets set as the CLI would set them
    (well-formed ciphertext under a test key, tests/pulumi_crypto.py)."""
    data = copy.deepcopy(yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text()))
    if secrets:
        from program.secrets import required_secrets
        from tests.pulumi_crypto import SESSION_SALT_LINE, stored

        data.setdefault("encryptionsalt", SESSION_SALT_LINE)
        config = data.setdefault("config", {})
        for secret in required_secrets(stack):
            value = {"secure": stored(f"test-{secret.name}")}
            if secret.subkey:
                config.setdefault(secret.key, {})[secret.subkey] = value
            else:
                config[secret.key] = value
    return data


def write_stack(tmp_path: Path, data: dict[str, Any], name: str = "Pulumi.test.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False))
    return path


def with_config(stack: str, tmp_path: Path, **changes: Any) -> Path:
    """The committed stack file with keys set (value None removes the key)."""
    data = stack_yaml(stack)
    for key, value in changes.items():
        full = key if ":" in key else f"{NS}:{key}"
        if value is None:
            data["config"].pop(full, None)
        else:
            data["config"][full] = value
    return write_stack(tmp_path, data)


def render(stack: str, config_file: Path | None = None) -> dict[str, Any]:
    return render_stack(stack, config_file)


def render_with_secrets(stack: str, secrets: dict[str, Any]) -> dict[str, Any]:
    """Render with real (decrypted) secret values, as the CLI would pass them."""
    import json

    source = read_source(stack)
    config = dict(source.config)
    for key, value in secrets.items():
        config[f"{NS}:{key}"] = value if isinstance(value, str) else json.dumps(value)
    return render_config(stack, config, source.secret_keys, None)


def of_type(doc: dict[str, Any], suffix: str) -> list[dict[str, Any]]:
    return [r for r in doc["resources"] if r["type"].endswith(suffix)]


def one(doc: dict[str, Any], suffix: str) -> dict[str, Any]:
    found = of_type(doc, suffix)
    assert len(found) == 1, f"expected one {suffix}, found {[r['name'] for r in found]}"
    return found[0]


def env_vars(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["inputs"]["key"]: r for r in of_type(doc, ":ProjectEnvironmentVariable")}
