"""The secrets each tier's stack must hold, derived from the config model and the tier table,
and the provider credentials its `pulumi` process must find in its environment.

One list, used by synth (stand-ins for what is not set yet), the doctor (what the CLI stops
on, with the command that sets it) and docs/operators.md's setup steps (checked by a test). Provider
credentials are never among the stack's secrets: they come only from the environment
(vital.names.PROVIDER_SECRETS, docs/credentials.md), and program.load refuses them in a stack file.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from vital.names import PROJECT, PROVIDER_SECRETS, SUPABASE_ACCESS_TOKEN_ENV, SUPABASE_TOKEN_CONFIG_KEY, TEAM_TOKEN_KEY
from vital.stackfile import RequiredSecret
from vital.tiers import TIER_DEFAULTS
from vital.trust import pr_readable_stacks

from .config import StackConfig


def _required_secret_fields() -> list[str]:
    """Config keys typed SecretStr with no default: every stack must set them."""
    return [
        field.alias or name
        for name, field in StackConfig.model_fields.items()
        if field.annotation is SecretStr and field.is_required()
    ]


def required_secrets(tier: str) -> list[RequiredSecret]:
    """The tier's secrets, each set in its stack file: its config-level secrets (the team token
    only where no pull request decrypts, program.checks) and its secretEnv keys."""
    found = [RequiredSecret(f"{PROJECT}:{key}") for key in _required_secret_fields()]
    if tier not in pr_readable_stacks():
        found.insert(0, RequiredSecret(f"{PROJECT}:{TEAM_TOKEN_KEY}"))
    return found + [RequiredSecret(f"{PROJECT}:secretEnv", subkey=key) for key in TIER_DEFAULTS[tier].secret_env]


@dataclass(frozen=True)
class ProviderCredential:
    """A credential the tier's providers read from the environment of the `pulumi` process, and the
    config key that must not hold it (a provider's own, or one this project retired)."""

    env_var: str
    config_key: str


def provider_credentials(tier: str) -> list[ProviderCredential]:
    """What the tier's `pulumi up` needs in its environment (in CI, the deploy environment's secrets)."""
    found = [
        ProviderCredential(env_var, key)
        for key, env_var in PROVIDER_SECRETS.items()
        if TIER_DEFAULTS[tier].owns_cache or not key.startswith("upstash:")
    ]
    return found + [ProviderCredential(SUPABASE_ACCESS_TOKEN_ENV, f"{PROJECT}:{SUPABASE_TOKEN_CONFIG_KEY}")]
