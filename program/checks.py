"""Whole-config rules of a stack: each names the config key it is about.

Run by StackConfig after every field is checked. A failure is raised with vital.refusal.fail
inside pydantic's validation; program.load writes the one line the user sees. The rules of
releases, alerts, approval, share links, migrations and the team token are
program/delivery_checks.py's, the names sent to the platforms program/name_checks.py's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from vital import clock, dns, facts, paths, secrets, validators
from vital.names import (
    CORS_VARIABLE,
    DATA_SERVICE_ENV,
    DNS_ON_VERCEL_KEY,
    DNS_ZONE_KEY,
    SECRET_TEXT,
)
from vital.refusal import fail

from . import delivery_checks, name_checks

if TYPE_CHECKING:
    from .config import StackConfig


# Env names the program sets itself (from the data services' resources, and from corsAllowedOrigins).
PROGRAM_ENV = (*DATA_SERVICE_ENV, CORS_VARIABLE)


def run_all(c: StackConfig) -> None:
    _check_required_secret_env(c)
    _check_apps(c)
    _check_env(c)
    _check_collisions(c)
    _check_limits(c)
    _check_protection(c)
    _check_dns(c)
    _check_adoption(c)
    _check_rotation(c)
    _check_traffic(c)
    delivery_checks.check(c)
    _check_database(c)
    _check_internal_access(c)
    name_checks.check(c, fail)


def _check_required_secret_env(c: StackConfig) -> None:
    missing = [key for key in c.tier_defaults.secret_env if key not in c.secret_env]
    if missing:
        fail(
            f"secretEnv.{missing[0]}",
            "nothing",
            f"allowed: the secret, set with `pulumi config set --secret --path secretEnv.{missing[0]}` "
            f"(tier {c.tier} needs {', '.join(c.tier_defaults.secret_env)})",
        )


def _check_apps(c: StackConfig) -> None:
    names = [a.name for a in c.apps]
    for name in names:
        if names.count(name) > 1:
            fail("apps", name, "allowed: each app name once")
    for i, app in enumerate(c.apps):
        for key in app.env:
            if key in c.secret_env:
                fail(f"apps[{i}].env", key, "allowed: a key in env or in secretEnv, not both")


def _check_env(c: StackConfig) -> None:
    for key in c.secret_env:
        if not validators.ENV_KEY_RE.fullmatch(key):
            fail("secretEnv", key, "allowed: names of letters, digits and '_'")
        if key in c.env:
            fail("env", key, "allowed: a key in env or in secretEnv, not both")
        if key in c.tier_defaults.env:
            fail(
                "secretEnv",
                key,
                f"allowed: a name tier {c.tier} does not set in plain text (it sets "
                f"{', '.join(sorted(c.tier_defaults.env))}; override one in env)",
            )
        if key == CORS_VARIABLE:
            fail("secretEnv", key, "allowed: nothing; the program sets it from corsAllowedOrigins")
        if secrets.is_public_key(key):
            fail(
                "secretEnv",
                key,
                "allowed: no NEXT_PUBLIC_* secret; Next.js inlines NEXT_PUBLIC_* into the browser bundle",
            )
    # Each env mapping on its own: a stack-level value an app overrides still reaches the other apps.
    plain = [("env", c.env), *((f"apps[{i}].env", app.env) for i, app in enumerate(c.apps))]
    every: list[tuple[str, Mapping[str, object]]] = [*plain, ("secretEnv", c.secret_env)]
    for where, env in every:
        for key in DATA_SERVICE_ENV:
            if key in env:
                fail(where, key, "allowed: nothing; the program sets it from the tier's Supabase and Upstash resources")
    for where, env in plain:
        for key, value in env.items():
            if secrets.public_key_leaks_secret(key, value):
                fail(where, key, "allowed: no NEXT_PUBLIC_* variable holding a secret; it would ship to browsers")
            if secrets.looks_secret_key(key) or secrets.looks_secret_value(value):
                fail(
                    where,
                    key,
                    "allowed: secrets only in secretEnv, set with `pulumi config set --secret --path secretEnv.<KEY>`",
                )
            if key == "NODE_ENV" and value not in facts.NEXTJS_NODE_ENV_VALUES:
                fail(
                    where,
                    f"NODE_ENV={value}",
                    f"allowed: one of {', '.join(facts.NEXTJS_NODE_ENV_VALUES)} (Next.js); tell tiers apart with NEXT_PUBLIC_ENV",
                )


def _check_collisions(c: StackConfig) -> None:
    """Entries that would become two resources with one URN (the engine refuses them) or one
    domain on two projects (Vercel refuses it)."""
    owner: dict[str, str] = {}
    for i, app in enumerate(c.apps):
        key = "domains" if i == 0 and not app.domains else f"apps[{i}].domains"
        for domain in c.app_domains(i):
            if domain in owner:
                fail(
                    key,
                    domain,
                    f"allowed: each domain once; it is already in {owner[domain]} (a domain belongs to one "
                    f"Vercel project, and one app cannot attach it twice)",
                )
            owner[domain] = key
    for i, app in enumerate(c.apps):
        names: dict[str, str] = {}
        for name in [*c.app_env(app), *c.secret_env, *DATA_SERVICE_ENV]:
            other = names.setdefault(name.lower(), name)
            if other != name:
                # The names the program sets come after the stack's: the error names the stack's own.
                mine, theirs = (other, name) if name in PROGRAM_ENV else (name, other)
                fail(
                    f"apps[{i}].env" if mine in app.env else "secretEnv" if mine in c.secret_env else "env",
                    mine,
                    f"allowed: env names that differ in more than case ({theirs!r} is set too); each becomes a "
                    f"resource named after the lower-cased key, and two resources cannot share one URN",
                )


def _check_limits(c: StackConfig) -> None:
    timeout = c.function_timeout
    if not 1 <= timeout <= c.max_function_timeout:
        fail(
            "functionTimeout",
            timeout,
            f"allowed: 1 to {c.max_function_timeout} s (tier {c.tier}: {c.tier_defaults.function_timeout_s} s; "
            f"plan {c.vercel_plan}: {c.limits.max_function_duration_s} s)",
        )
    if c.rate_limit_period < c.limits.rate_limit_window_min_s:
        fail(
            "rateLimitPeriod",
            c.rate_limit_period,
            f"allowed: at least {c.limits.rate_limit_window_min_s} s on plan {c.vercel_plan}",
        )
    window = min(c.rate_limit_period, c.limits.rate_limit_window_max_s)
    if c.rate_limit_requests * window // c.rate_limit_period < 1:
        fail(
            "rateLimitRequests",
            c.rate_limit_requests,
            f"allowed: enough requests that the {window} s window the plan allows keeps a limit of at least 1",
        )


def _check_protection(c: StackConfig) -> None:
    auth = c.vercel_authentication
    if auth == "all_deployments" and not c.feature_allowed("vercel_authentication_all_deployments"):
        fail(
            "vercelAuthentication",
            auth,
            f"allowed on plan {c.vercel_plan}: standard_protection_new, only_preview_deployments or none",
        )
    if c.protection_password is not None and not c.feature_allowed("password_protection"):
        fail(
            "protectionPassword",
            SECRET_TEXT,
            f"allowed: Password Protection needs Enterprise or Pro with the add-on (vercelAddons); plan is {c.vercel_plan}",
        )
    if c.trusted_ips and not c.feature_allowed("trusted_ips"):
        fail(
            "trustedIps", list(c.trusted_ips), f"allowed: Trusted IPs need the Enterprise plan; plan is {c.vercel_plan}"
        )
    if c.preview_deployment_suffix and not c.feature_allowed("preview_deployment_suffix"):
        fail(
            "previewDeploymentSuffix",
            c.preview_deployment_suffix,
            f"allowed: needs Enterprise or Pro with the add-on (vercelAddons); plan is {c.vercel_plan}",
        )


def _check_dns(c: StackConfig) -> None:
    """The zone holds every custom domain, and the preview suffix sits on Vercel's nameservers."""
    nameservers = " and ".join(dns.VERCEL_NAMESERVERS)
    zone = c.dns_zone
    if c.dns_on_vercel and zone is None:
        fail(
            DNS_ZONE_KEY,
            "nothing",
            f"allowed: the zone on Vercel's nameservers ({nameservers}) that holds the custom "
            f"domains, such as vitalexpert.com, when {DNS_ON_VERCEL_KEY} is true",
        )
    if zone is not None:
        for i, app in enumerate(c.apps):
            key = "domains" if i == 0 and not app.domains else f"apps[{i}].domains"
            for domain in c.app_domains(i):
                if not dns.within(domain, zone):
                    fail(key, domain, f"allowed: {zone} or a name under it ({DNS_ZONE_KEY}), or another {DNS_ZONE_KEY}")
    suffix = c.preview_deployment_suffix
    if suffix is not None and not (c.dns_on_vercel and zone is not None and dns.within(suffix, zone)):
        where = f"{zone} or a name under it" if c.dns_on_vercel else f"a domain on Vercel's nameservers ({nameservers})"
        fail(
            "previewDeploymentSuffix",
            suffix,
            f"allowed: {where}: set {DNS_ON_VERCEL_KEY}: true and {DNS_ZONE_KEY} to the zone that holds it (Vercel: the "
            f"suffix's domain must be \"Using Vercel's Nameservers\", {dns.PREVIEW_SUFFIX_SOURCE})",
        )


def _check_adoption(c: StackConfig) -> None:
    names = [a.name for a in c.apps]
    for name, adoption in c.adopt.apps.items():
        if name not in names:
            fail("adopt.apps", name, f"allowed: one of the stack's apps ({', '.join(names)})")
        index = names.index(name)
        keys = set(c.app_env(c.apps[index])) | set(c.secret_env)
        for key in adoption.env_var_ids:
            if key not in keys:
                fail(f"adopt.apps.{name}.envVarIds", key, "allowed: a key the app's env or secretEnv sets")
        for domain in adoption.domains:
            if domain not in c.app_domains(index):
                fail(f"adopt.apps.{name}.domains", domain, "allowed: one of the app's domains")
    if c.adopt.branch and c.tier_defaults.owns_branch == "main":
        fail("adopt.branch", True, "allowed: false on production; main is never managed as a Branch resource")


def _check_rotation(c: StackConfig) -> None:
    known = c.secret_names()
    for key, when in c.secret_rotation.items():
        if key not in known:
            fail("secretRotation", key, f"allowed: a secret this stack holds ({', '.join(known)})")
        if when > clock.today():
            fail(f"secretRotation.{key}", when.isoformat(), "allowed: a date not in the future")


def _check_traffic(c: StackConfig) -> None:
    if paths.API not in c.rate_limit_scope or len(set(c.rate_limit_scope)) != len(c.rate_limit_scope):
        fail(
            "rateLimitScope",
            list(c.rate_limit_scope),
            'allowed: "api", optionally with "pages", each once (static assets are never counted)',
        )
    for entry in c.public_cache_paths:
        try:
            paths.public_path(entry, c.admin_paths)
        except ValueError as err:
            fail("publicCachePaths", entry, str(err).split(" (found")[0])
    cache_headers = [name for name in c.headers if name.lower() in facts.CDN_CACHE_HEADERS]
    if cache_headers:
        fail(
            "headers",
            cache_headers[0],
            "allowed: no cache headers on every path; each path class gets its own, "
            "and shared caching is opt-in through publicCachePaths",
        )


def pool_limit(compute: str) -> int:
    """The largest pool a compute size takes: facts.SUPABASE_POOL_SHARE_PERCENT of its max_connections."""
    return facts.SUPABASE_COMPUTE[compute].max_connections * facts.SUPABASE_POOL_SHARE_PERCENT // 100


def _check_database(c: StackConfig) -> None:
    """The pool fits the compute it runs on, and PITR runs on Small or larger (Supabase's own limits)."""
    compute = facts.SUPABASE_COMPUTE[c.supabase_compute]
    limit = pool_limit(c.supabase_compute)
    if not 1 <= c.supabase_pool_size <= limit:
        fail(
            "supabasePoolSize",
            c.supabase_pool_size,
            f"allowed: 1 to {limit} on {c.supabase_compute} compute ({facts.SUPABASE_POOL_SHARE_PERCENT} % of its "
            f"{compute.max_connections} max connections, Supabase's share for an app on the REST API; a larger "
            f"supabaseCompute raises it)",
        )
    sizes = list(facts.SUPABASE_COMPUTE)
    if c.supabase_backups == "daily+pitr" and sizes.index(c.supabase_compute) < sizes.index(
        facts.SUPABASE_PITR_MIN_COMPUTE
    ):
        fail(
            "supabaseCompute",
            c.supabase_compute,
            f"allowed: {facts.SUPABASE_PITR_MIN_COMPUTE} or larger with supabaseBackups daily+pitr (Supabase: PITR "
            f"needs at least the Small compute add-on)",
        )


# Env flags that make a deployment internal-only: debug output or mock data.
INTERNAL_FLAGS = ("NEXT_PUBLIC_ENABLE_DEBUG", "NEXT_PUBLIC_ENABLE_MOCK_API")


def _check_internal_access(c: StackConfig) -> None:
    """An internal tier (its table turns debug or the mock API on: pre-production) keeps them on a custom
    domain only behind protection on every deployment. (Debug in production is no-debug-in-production's.)"""
    if not any(c.tier_defaults.env.get(flag) == "true" for flag in INTERNAL_FLAGS):
        return
    for i, app in enumerate(c.apps):
        on = [flag for flag in INTERNAL_FLAGS if c.app_env(app).get(flag, "false").lower() == "true"]
        if on and c.app_domains(i) and c.vercel_authentication != "all_deployments" and c.protection_password is None:
            fail(
                "vercelAuthentication",
                c.vercel_authentication,
                f"allowed: all_deployments while {' and '.join(on)} is true on {c.app_domains(i)[0]} (Standard "
                f"Protection leaves production custom domains public); or turn the flags off",
            )
