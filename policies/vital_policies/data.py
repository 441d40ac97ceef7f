"""Rules on the data services: each tier keeps its own Supabase project and Redis database, and
production's backups include point-in-time recovery.

The Supabase settings resource (components/supabase/resource.py) is a Python dynamic
resource: its type token is shared by every dynamic resource and its inputs keep their
snake_case names (project_ref, backup_policy). The Redis database is named
vital-expert-<tier suffix>; every tier owns one (preview's is shared by its PR deployments), and no
stack reads another's outputs: a StackReference (whose only input is the stack's `name`) would hand
a stack another tier's credentials.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, StackValidationArgs

from vital.facts import UPSTASH_DEFAULT_BUDGET_USD
from vital.names import REDIS_REST_TOKEN_ENV, REDIS_REST_URL_ENV, redis_database_name
from vital.policy_report import Report
from vital.tiers import BACKUP_POLICIES, TIER_DEFAULTS, TIERS

from . import context
from .pack_config import PITR_BACKUPS, setting, tier_map
from .resources import (
    ENV_VAR,
    ENV_VARS,
    REDIS,
    STACK_REFERENCE,
    elements,
    get,
    is_supabase_settings,
    label,
    number,
    peek,
    show_number,
)

PRODUCTION = "production"


def database_name(tier: str) -> str:
    """The Redis database a cache-owning tier creates (components/upstash_cache.py)."""
    return redis_database_name(TIER_DEFAULTS[tier].project_suffix)


def applies(args: ResourceValidationArgs) -> bool:
    """Whether `isolation` checks this resource as a data service."""
    return args.resource_type in (REDIS, STACK_REFERENCE) or is_supabase_settings(args)


def isolation(args: ResourceValidationArgs, report: Report) -> None:
    """No tier uses another tier's Supabase project or Redis database, nor reads another stack."""
    ctx = context.for_rule(args)
    if args.resource_type == REDIS:
        _redis(args, report, ctx.tier)
    elif args.resource_type == STACK_REFERENCE:
        _stack_reference(args, report, ctx.tier)
    else:
        _supabase(args, report, ctx.tier, tier_map(args.get_config(), "isolation", "supabaseProjectRefs"))


def _supabase(args: ResourceValidationArgs, report: Report, tier: str, refs: dict[str, str]) -> None:
    ref = get(args.props, "project_ref")
    if not isinstance(ref, str):
        return
    others = [t for t in TIERS if t != tier and refs.get(t) == ref]
    if others:
        own = refs.get(tier)
        allowed = f"tier {tier}'s own project ({own!r})" if own and own != ref else "a project no other tier uses"
        report(
            f"{label(args)} in tier {tier} uses Supabase project {ref!r}, which is tier {' and '.join(others)}'s; "
            f"allowed: {allowed}"
        )


def _redis(args: ResourceValidationArgs, report: Report, tier: str) -> None:
    name = get(args.props, "databaseName")
    others = [t for t in TIERS if t != tier and database_name(t) == name]
    if others:
        report(
            f"{label(args)} in tier {tier} is named {name!r}, which is tier {' and '.join(others)}'s database; "
            f"allowed: the tier's own, {database_name(tier)!r}"
        )


def _stack_reference(args: ResourceValidationArgs, report: Report, tier: str) -> None:
    name = get(args.props, "name")
    report(
        f"{label(args)} in tier {tier} reads stack {name!r}; allowed: none: every tier owns its data and its "
        f"cache, and another stack's outputs would hand this one its credentials"
    )


def backups(args: StackValidationArgs, report: Report) -> None:
    """Each Supabase settings resource records a known backup policy; PITR tiers record daily+pitr."""
    ctx = context.for_rule(args)
    pitr_tiers = setting(args.get_config(), "backups", "requirePitrTiers")
    needs_pitr = ctx.tier in pitr_tiers
    choices = ", ".join(BACKUP_POLICIES)
    settings = [r for r in args.resources if is_supabase_settings(r)]
    if not settings and (needs_pitr or ctx.tier == PRODUCTION):
        report(
            f"stack {ctx.stack} (tier {ctx.tier}) has no Supabase settings resource, so nothing records its "
            f"database backups; allowed: one recording backup_policy {PITR_BACKUPS!r}"
        )
    for resource in settings:
        value = get(resource.props, "backup_policy")
        if value is None:
            report(
                f"{label(resource)} records no backup_policy; allowed: one of {choices}"
                f"{f' ({PITR_BACKUPS!r} in tier {ctx.tier})' if needs_pitr else ''}",
                resource.urn,
            )
        elif value not in BACKUP_POLICIES:
            report(
                f"{label(resource)} records a backup_policy that is not one of them (value not shown); allowed: one "
                f"of {choices}",
                resource.urn,
            )
        # What Supabase reports, once read, outranks what the stack declares.
        elif needs_pitr and not _reported_without_pitr(resource, ctx.tier, report) and value != PITR_BACKUPS:
            report(
                f"{label(resource)} in tier {ctx.tier} records a backup_policy without point-in-time recovery; "
                f"allowed: {PITR_BACKUPS!r} (daily backups with point-in-time recovery)",
                resource.urn,
            )


def _reported_without_pitr(resource, tier: str, report: Report) -> bool:
    """Judge what Supabase reported (components/supabase/observed.py), when it has been read.

    True when the report settled it (a violation was reported); False when nothing was
    reported yet (the first preview) and the declared expectation is what there is to judge.
    """
    errors = peek(resource.props, "observation_errors")
    error = get(errors, "backups") if errors is not None else None
    if isinstance(error, str):
        report(
            f"{label(resource)} in tier {tier}: Supabase's backups could not be read ({error}); allowed: a "
            f"token that can read them (backups_read), reporting point-in-time recovery on",
            resource.urn,
        )
        return True
    pitr = peek(resource.props, "pitr_enabled")
    if pitr is False:
        report(
            f"{label(resource)} in tier {tier}: Supabase reports point-in-time recovery off (pitr_enabled: false); "
            f"allowed: PITR on (the project's PITR add-on), as {PITR_BACKUPS!r} declares",
            resource.urn,
        )
        return True
    return False


def data_budget(args: StackValidationArgs, report: Report) -> None:
    """Warns when a tier's Redis database keeps the provider's default budget or less: at the budget
    Upstash throttles the database until the next month."""
    ctx = context.for_rule(args)
    if ctx.tier not in setting(args.get_config(), "data-budget", "tiers"):
        return
    for resource in (r for r in args.resources if r.resource_type == REDIS):
        budget = number(get(resource.props, "budget"))
        if budget is None or budget <= UPSTASH_DEFAULT_BUDGET_USD:
            found = (
                "sets no budget (the provider's default)" if budget is None else f"has budget {show_number(budget)} USD"
            )
            report(
                f"{label(resource)} in tier {ctx.tier} {found}; at ${UPSTASH_DEFAULT_BUDGET_USD} a month or less "
                f"Upstash throttles the database until the next month; allowed: a budget above "
                f"{UPSTASH_DEFAULT_BUDGET_USD} (config {context.PROJECT}:upstashBudget, tier table)",
                resource.urn,
            )


REDIS_ENV = (REDIS_REST_URL_ENV, REDIS_REST_TOKEN_ENV)


def cache_isolation(args: StackValidationArgs, report: Report) -> None:
    """Every Redis credential env var of the stack comes from the stack's own RedisDatabase.

    The engine records where each input came from (propertyDependencies): an env var whose value was
    built from this stack's database depends on it. One that does not (a literal, another stack's
    output, another tier's database) could carry another tier's read-write token, which would let
    this tier's deployments (preview's: every PR) change that tier's data.
    """
    ctx = context.for_rule(args)
    if ctx.tier not in setting(args.get_config(), "cache-isolation", "tiers"):
        return
    own = {
        r.urn
        for r in args.resources
        if r.resource_type == REDIS and get(r.props, "databaseName") == database_name(ctx.tier)
    }
    for resource in args.resources:
        for key, prop in _redis_env(resource):
            sources = {d.urn for d in resource.property_dependencies.get(prop, [])}
            if not sources & own:
                report(
                    f"{label(resource)} in tier {ctx.tier} sets {key} from something other than the tier's own "
                    f"RedisDatabase {database_name(ctx.tier)!r}; allowed: only this stack's database's endpoint and "
                    f"token (another tier's read-write token would let this tier change its data)",
                    resource.urn,
                )


def _redis_env(resource) -> list[tuple[str, str]]:
    """(env key, the input property carrying its value) for each Redis credential the resource sets."""
    if resource.resource_type == ENV_VAR:
        key = peek(resource.props, "key")
        return [(key, "value")] if key in REDIS_ENV else []
    if resource.resource_type == ENV_VARS:
        keys = [peek(v, "key") for v in elements(peek(resource.props, "variables") or [])]
        return [(key, "variables") for key in keys if key in REDIS_ENV]
    return []
