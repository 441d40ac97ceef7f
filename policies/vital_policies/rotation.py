"""Secret rotation (the strategy: rotate every 90 days): secret-rotation reports a secret rotated
failAfterDays (90) or more days ago or never recorded; secret-rotation-due warns from
warnAfterDays (75). pulumi-policy gives each policy one enforcement level, hence two policies
over the same figures. Both are advisory (vital/rotation.py says why: an alarm, not a gate); the
alarm that fails is `python -m tools.rotate --check` in the scheduled drift workflow. A team that
wants the gate back sets {"secret-rotation": "mandatory"} in its pack config.

What a stack holds comes from its config, as the CLI passes it to the pack (PULUMI_CONFIG,
objects as JSON strings): the keys of secretEnv, the secrets every stack holds
(vital.names.ALWAYS_HELD_SECRETS) and, when set, vercelDeployToken, protectionPassword and alertWebhookUrl
(the same list as program.config.StackConfig.secret_names);
when each was rotated comes from secretRotation (KEY -> ISO date, kept by tools.rotate). Only
the secrets' names are read, never their values, and no message holds a value.

A violation is attached to the resource that carries the secret when there is one (the Vercel
env var for a secretEnv key, the GitHub secrets VERCEL_TOKEN and SUPABASE_DB_URL for vercelDeployToken
and supabaseDbUrl, the Vercel project for protectionPassword), else to the stack. Provider
credentials are no stack's secrets (they come from the deploy jobs' environment, docs/credentials.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pulumi_policy import PolicyResource, StackValidationArgs
from pulumi_policy.proxy import UnknownValueError

from vital import clock
from vital.names import ALWAYS_HELD_SECRETS, HELD_WHEN_SET_SECRETS, SUPABASE_DB_URL_SECRET, VERCEL_TOKEN_SECRET
from vital.policy_report import Report
from vital.rotation import parse as _parse

from . import context
from .context import PROJECT
from .pack_config import setting
from .resources import ENV_VAR, ENV_VARS, GITHUB_SECRETS, elements, is_set, peek
from .resources import PROJECT as VERCEL_PROJECT

ALWAYS_HELD = ALWAYS_HELD_SECRETS
HELD_WHEN_SET = HELD_WHEN_SET_SECRETS
# Where a config-level secret ends up: the GitHub environment secret the program writes.
GITHUB_SECRET_FOR = {"vercelDeployToken": VERCEL_TOKEN_SECRET, "supabaseDbUrl": SUPABASE_DB_URL_SECRET}
ROTATION_KEY = "secretRotation"


@dataclass(frozen=True)
class Rotated:
    when: date  # the parsed date
    age: int  # days from `when` to today


@dataclass(frozen=True)
class Secret:
    name: str
    urn: str | None  # the resource holding it, or None for the stack
    recorded: Any  # secretRotation's entry (a date string), or None
    rotated: Rotated | None  # None: no date recorded, or not a date


@dataclass(frozen=True)
class Check:
    """One rotation policy's view of the stack: its figures and each secret's age."""

    stack: str
    tier: str
    today: date
    fail: int
    warn: int
    secrets: tuple[Secret, ...]

    def rotate_hint(self, name: str) -> str:
        return f"rotate it and record the date with `python -m tools.rotate --stack {self.stack} {name}`"


def held_secrets() -> tuple[list[str], bool]:
    """The secret names the stack's config holds, and whether secretEnv could be read as an object."""
    env_keys = context.config_keys("secretEnv")
    names = [*ALWAYS_HELD, *(env_keys or [])]
    names += [k for k in HELD_WHEN_SET if context.has_config(k)]
    return names, env_keys is not None


def _today(raw: Any) -> date | None:
    if raw is None:
        return clock.today()
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _holders(resources: Iterable[PolicyResource]) -> dict[str, str]:
    """Secret name -> URN of the first resource carrying it (names as the stack config spells them)."""
    env: dict[str, str] = {}
    github: dict[str, str] = {}
    found: dict[str, str] = {}
    for r in resources:
        if r.resource_type == ENV_VAR:
            key = peek(r.props, "key")
            if isinstance(key, str):
                env.setdefault(key, r.urn)
        elif r.resource_type == ENV_VARS:
            try:
                variables = elements(peek(r.props, "variables"))
            except UnknownValueError:  # an item not known during preview: nothing to match on
                variables = []
            for variable in variables:
                key = peek(variable, "key")
                if isinstance(key, str):
                    env.setdefault(key, r.urn)
        elif r.resource_type in GITHUB_SECRETS:
            name = peek(r.props, "secretName")
            if isinstance(name, str):
                github.setdefault(name, r.urn)
        elif r.resource_type == VERCEL_PROJECT and is_set(r.props, "passwordProtection"):
            found.setdefault("protectionPassword", r.urn)
    for config_key, secret_name in GITHUB_SECRET_FOR.items():
        if secret_name in github:
            found.setdefault(config_key, github[secret_name])
    return {**github, **env, **found}


def _check(args: StackValidationArgs, report: Report, policy: str, problems: bool) -> Check | None:
    """The policy's figures and the stack's secrets; None when the policy does not apply.

    `problems`: report what makes a secret's age unknowable (only the mandatory policy does,
    so each problem is reported once).
    """
    ctx = context.for_rule(args)
    config = args.get_config()
    if ctx.tier not in setting(config, policy, "tiers"):
        return None
    raw_today = setting(config, policy, "today")
    today = _today(raw_today)
    if today is None:
        report(
            f"pack config {policy}.today is {_shown(raw_today)}; allowed: a date as YYYY-MM-DD, or unset for "
            f"today's UTC date"
        )
        return None
    fail = int(setting(config, policy, "failAfterDays"))
    warn = int(setting(config, policy, "warnAfterDays"))
    names, env_readable = held_secrets()
    if not env_readable and problems:
        report(
            f"config {PROJECT}:secretEnv is not an object of KEY: secret (value not shown), so the secrets it "
            f"holds cannot be checked for rotation; allowed: an object, as `pulumi config set --secret --path "
            f"secretEnv.KEY` writes"
        )
    try:
        rotation = context.config_object(ROTATION_KEY)
    except context.ConfigShapeError as err:
        rotation = err
    if rotation is None:
        rotation = {}
    if not isinstance(rotation, dict):
        if problems:
            report(
                f"config {PROJECT}:{ROTATION_KEY} is not an object of KEY: date; allowed: an object such as "
                f'{{"OPENAI_API_KEY": "{today.isoformat()}"}}, as `python -m tools.rotate` writes it'
            )
        rotation = {}
    holders = _holders(args.resources)
    secrets = []
    for name in names:
        recorded = rotation.get(name)
        when = _parse(recorded)
        secrets.append(
            Secret(name, holders.get(name), recorded, Rotated(when, (today - when).days) if when is not None else None)
        )
    return Check(ctx.stack, ctx.tier, today, fail, warn, tuple(secrets))


def secret_rotation(args: StackValidationArgs, report: Report) -> None:
    """Mandatory: every secret of the tier was rotated less than failAfterDays ago, and the date is recorded."""
    check = _check(args, report, "secret-rotation", problems=True)
    if check is None:
        return
    limit = f"rotated less than {check.fail} days ago (limit {check.fail} days)"
    for s in check.secrets:
        where = f"secret {s.name} in tier {check.tier}"
        setting_name = f"{PROJECT}:{ROTATION_KEY}.{s.name}"
        if s.recorded is None:
            report(
                f"{where} has no rotation date (never recorded: {setting_name} is not set); allowed: {limit}; "
                f"{check.rotate_hint(s.name)}",
                s.urn,
            )
        elif s.rotated is None:
            report(
                f"{where}: {setting_name} is {_shown(s.recorded)}, not a date; allowed: a date as YYYY-MM-DD, {limit}",
                s.urn,
            )
        elif s.rotated.age < 0:
            report(
                f"{where}: last rotated {s.rotated.when.isoformat()}, after today ({check.today.isoformat()}); allowed: a "
                f"date not after today, {limit}",
                s.urn,
            )
        elif s.rotated.age >= check.fail:
            report(
                f"{where}: last rotated {s.rotated.when.isoformat()}, {s.rotated.age} days ago (today {check.today.isoformat()}); "
                f"allowed: {limit}; {check.rotate_hint(s.name)}",
                s.urn,
            )


def secret_rotation_due(args: StackValidationArgs, report: Report) -> None:
    """Advisory: a secret rotated warnAfterDays to failAfterDays - 1 days ago is due for rotation."""
    check = _check(args, report, "secret-rotation-due", problems=False)
    if check is None:
        return
    for s in check.secrets:
        if s.rotated is not None and check.warn <= s.rotated.age < check.fail:
            deadline = s.rotated.when + timedelta(days=check.fail)
            report(
                f"secret {s.name} in tier {check.tier}: last rotated {s.rotated.when.isoformat()}, {s.rotated.age} days ago "
                f"(today {check.today.isoformat()}); due: rotate it before {deadline.isoformat()}, when it "
                f"reaches the {check.fail}-day limit (warning from {check.warn} days); "
                f"{check.rotate_hint(s.name)}",
                s.urn,
            )
