"""The secrets each tier's stack must hold, derived from the config model and the tier table.

One list, used by synth (stand-ins for what is not set yet), the doctor (what the CLI stops
on, with the command that sets it) and the README's setup steps (checked by a test).
"""

from __future__ import annotations

from pydantic import SecretStr

from vital.names import PROJECT, PROVIDER_SECRETS
from vital.stackfile import RequiredSecret
from vital.tiers import TIER_DEFAULTS

from .config import StackConfig


def _required_secret_fields() -> list[str]:
    """Config keys typed SecretStr with no default: every stack must set them."""
    return [field.alias or name for name, field in StackConfig.model_fields.items()
            if field.annotation is SecretStr and field.is_required()]


def required_secrets(tier: str, providers: bool = True) -> list[RequiredSecret]:
    """The tier's secrets: its config-level secrets, its secretEnv keys, and (with `providers`)
    the provider credentials its resources need."""
    defaults = TIER_DEFAULTS[tier]
    found = [RequiredSecret(f"{PROJECT}:{key}") for key in _required_secret_fields()]
    found += [RequiredSecret(f"{PROJECT}:secretEnv", subkey=key) for key in defaults.secret_env]
    if providers:
        for key, env_var in PROVIDER_SECRETS.items():
            if key.startswith("upstash:") and not defaults.owns_cache:
                continue  # a tier that shares another's cache registers no Upstash resource
            found.append(RequiredSecret(key, env_var=env_var))
    return found
