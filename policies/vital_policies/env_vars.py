"""Rules on environment variables and deploy secrets: debug flags, NODE_ENV, secrets, CORS.

pulumi-policy unwraps secrets before a rule sees them (pulumi_policy/deserialize.py turns the
engine's secret wrapper into the plain value), and the Vercel SDK marks every env var's
`value` secret anyway (pulumiverse_vercel/project_environment_variable.py:
additional_secret_outputs=["value", ...]). So "this variable holds a secret" cannot be read
from the value's secretness; it is checked as the variable's `sensitive` flag. Under the real
engine a rule sees every value in plaintext, and a non-sensitive variable can hold a secret by
mistake, so no message ever quotes an env var's value: only its key and a fixed description.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulumi_policy import ResourceValidationArgs

from vital.facts import NEXTJS_NODE_ENV_VALUES
from vital.policy_report import Report
from vital.secrets import is_public_key, looks_secret_key, looks_secret_value, public_key_leaks_secret

from . import context
from .pack_config import setting
from .resources import ENV_VAR, ENV_VARS, GITHUB_SECRETS, elements, get, is_set, is_unknown, label


@dataclass
class EnvEntry:
    key: str
    props: Any  # the variable's own properties: value, sensitive, targets
    where: str  # "" for a ProjectEnvironmentVariable, "variables[i]" in the bulk resource

    @property
    def sensitive(self) -> bool:
        return get(self.props, "sensitive") is True

    def value(self) -> Any:
        return get(self.props, "value")

    def known_value(self) -> Any:
        """The value, or None while it is unknown during preview (a provider computes it on create,
        such as the Redis database's REST URL): a check of what the value holds then runs in
        `pulumi up`, where the engine analyzes the variable, its value known, before creating it."""
        return None if is_unknown(self.props, "value") else self.value()

    def name(self, args: ResourceValidationArgs) -> str:
        return f"{label(args)}{' ' + self.where if self.where else ''} ({self.key})"


def env_entries(args: ResourceValidationArgs) -> list[EnvEntry]:
    if args.resource_type == ENV_VAR:
        key = get(args.props, "key")
        return [EnvEntry(key, args.props, "")] if isinstance(key, str) else []
    if args.resource_type == ENV_VARS:
        entries = []
        for i, variable in enumerate(elements(get(args.props, "variables"))):
            key = get(variable, "key")
            if isinstance(key, str):
                entries.append(EnvEntry(key, variable, f"variables[{i}]"))
        return entries
    return []


def no_debug_in_production(args: ResourceValidationArgs, report: Report) -> None:
    """Debug and mock-API flags are off in production; NODE_ENV is one Next.js accepts, in every tier."""
    entries = env_entries(args)
    if not entries:
        return
    ctx = context.for_rule(args)
    config = args.get_config()
    flags = set(setting(config, "no-debug-in-production", "flags"))
    flags_apply = ctx.tier in setting(config, "no-debug-in-production", "tiers")
    for entry in entries:
        if flags_apply and entry.key in flags:
            value = entry.value()
            if value is not None and value != "false":
                report(
                    f"{entry.name(args)} is set to something other than 'false' in tier {ctx.tier} (value not "
                    f"shown); allowed: absent or 'false'"
                )
        elif entry.key == "NODE_ENV":
            value = entry.value()
            if value not in NEXTJS_NODE_ENV_VALUES:
                report(
                    f"{entry.name(args)} is not a NODE_ENV Next.js accepts (value not shown); allowed: one of "
                    f"{', '.join(NEXTJS_NODE_ENV_VALUES)} (Next.js refuses a non-standard NODE_ENV)"
                )


def secrets(args: ResourceValidationArgs, report: Report) -> None:
    """Credentials are sensitive env vars, never NEXT_PUBLIC_*; GitHub secrets avoid deprecated fields."""
    if args.resource_type in GITHUB_SECRETS:
        for field, use in (("plaintextValue", "value"), ("encryptedValue", "valueEncrypted (with keyId)")):
            if is_set(args.props, field):
                report(f"{label(args)} sets {field}, which the GitHub provider deprecates; allowed: {use}")
        return
    for entry in env_entries(args):
        if is_public_key(entry.key):
            if entry.sensitive:
                report(
                    f"{entry.name(args)} is sensitive: true, but Next.js inlines every NEXT_PUBLIC_* variable into "
                    f"the browser bundle; allowed: no secret in a NEXT_PUBLIC_* variable (drop the prefix)"
                )
            elif public_key_leaks_secret(entry.key, entry.known_value()):
                report(
                    f"{entry.name(args)} names or holds a credential, and Next.js inlines every NEXT_PUBLIC_* "
                    f"variable into the browser bundle; allowed: no secret in a NEXT_PUBLIC_* variable"
                )
        elif not entry.sensitive:
            if looks_secret_key(entry.key):
                report(
                    f"{entry.name(args)} names a credential but is sensitive: "
                    f"{get(entry.props, 'sensitive')!r}; allowed: sensitive: true"
                )
            elif looks_secret_value(entry.known_value()):
                # The value itself is a credential (a DSN with a password, a known token format).
                report(
                    f"{entry.name(args)} holds a credential (value not shown) but is sensitive: "
                    f"{get(entry.props, 'sensitive')!r}; allowed: sensitive: true"
                )


def cors(args: ResourceValidationArgs, report: Report) -> None:
    """The allowed CORS origins hold no wildcard in production."""
    config = args.get_config()
    variable = setting(config, "cors", "variable")
    entries = [e for e in env_entries(args) if e.key == variable]
    if not entries:
        return
    ctx = context.for_rule(args)
    if ctx.tier not in setting(config, "cors", "tiers"):
        return
    for entry in entries:
        value = entry.value()
        origins = [o.strip() for o in value.split(",")] if isinstance(value, str) else []
        wild = [o for o in origins if "*" in o]
        if wild:
            report(
                f"{entry.name(args)} allows {len(wild)} wildcard origin(s) ('*' or a '*.' pattern; value not shown) "
                f"in tier {ctx.tier}; allowed: explicit origins only, such as https://app.vitalexpert.com"
            )
