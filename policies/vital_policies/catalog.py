"""The pack's policies: names (a contract CI and users depend on), descriptions, levels, schemas."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi_policy import EnforcementLevel, Policy, ResourceValidationPolicy, StackValidationPolicy

from vital.dns import VERCEL_DNS_TARGETS
from vital.names import PACK_NAME

from . import (
    access,
    caching,
    costs,
    data,
    dns_records,
    env_vars,
    firewall,
    headers,
    isolation,
    project,
    redirects,
    releases,
    rls,
    rotation,
)
from .pack_schemas import schemas

__all__ = ["ADVISORY", "CATALOG", "PACK_NAME", "POLICY_NAMES", "build_policies"]


APEX, SUBDOMAIN = VERCEL_DNS_TARGETS["apex"], VERCEL_DNS_TARGETS["subdomain"]


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str  # "stack" (StackValidationPolicy) or "resource" (ResourceValidationPolicy)
    validate: Callable
    description: str
    advisory: bool = False
    configurable: bool = True  # has a config schema (pack_schemas.schemas)


# The policies, in the order the pack lists them. Renaming one breaks every
# --policy-pack-config file and CI check that names it.
CATALOG: tuple[Entry, ...] = (
    Entry(
        "rate-limit",
        "stack",
        firewall.rate_limit,
        "Every Vercel project has an active per-IP WAF rate limit no looser than its tier's, "
        "with a window the plan allows, that counts /api and no static asset and answers 429.",
    ),
    Entry(
        "max-duration",
        "resource",
        project.max_duration,
        "Vercel functions' default timeout is set and within the tier's and the plan's maximum.",
    ),
    Entry(
        "noindex",
        "stack",
        headers.noindex,
        "Pre-production and preview send X-Robots-Tag: noindex on every path; production sends it on its "
        "*.vercel.app hosts and never on its custom domains, whichever way Vercel applies the routes.",
    ),
    Entry(
        "security-headers",
        "stack",
        headers.security_headers,
        "Production sends CSP, HSTS, X-Frame-Options (or CSP frame-ancestors) and "
        "X-Content-Type-Options on every path, whichever way Vercel applies the routes; pre-production and "
        "preview send production's CSP at least as Content-Security-Policy-Report-Only.",
    ),
    Entry(
        "no-debug-in-production",
        "resource",
        env_vars.no_debug_in_production,
        'Debug and mock-API flags are absent or "false" in production; NODE_ENV is production, development or test.',
    ),
    Entry(
        "secrets",
        "resource",
        env_vars.secrets,
        "Credentials are sensitive env vars and never NEXT_PUBLIC_*; GitHub secrets use value or "
        "valueEncrypted, not the deprecated fields.",
        configurable=False,
    ),
    Entry("cors", "resource", env_vars.cors, "Production's allowed CORS origins hold no wildcard."),
    Entry(
        "isolation",
        "resource",
        isolation.isolation,
        "Non-production stacks attach no production domain and deploy no production branch, and a project that "
        "builds previews skips the other tiers' branches; "
        "production's projects, domains and GitHub environments are protected; no tier uses another "
        "tier's Supabase project or Redis database, and no stack reads another stack (StackReference).",
    ),
    Entry(
        "admin-allowlist",
        "stack",
        firewall.admin_allowlist,
        "Pre-production's firewall denies admin routes to addresses outside the allow-list (an ip_address "
        "condition, op inc on the allow-list's addresses, negated).",
    ),
    Entry(
        "preview-cleanup",
        "stack",
        project.preview_cleanup,
        "Preview deployments are kept at most 30 days (ProjectDeploymentRetention).",
        advisory=True,
    ),
    Entry(
        "github-environments",
        "stack",
        isolation.github_environments,
        "The production GitHub environment deploys only from main and waits for its required reviewers, or, where "
        "the GitHub plan cannot enforce them, has the fallback: main's ruleset review and the release gates.",
    ),
    Entry(
        "backups",
        "stack",
        data.backups,
        "Each tier's Supabase settings record a known backup policy (the tiers in requirePitrTiers: daily+pitr, "
        "point-in-time recovery), and production has Supabase settings.",
    ),
    Entry(
        "secret-rotation",
        "stack",
        rotation.secret_rotation,
        "Every production secret has a recorded rotation date less than 90 days old. Advisory: an alarm, not a "
        "gate (the scheduled drift workflow fails on it); mandatory only if the pack config says so.",
        advisory=True,
    ),
    Entry(
        "secret-rotation-due",
        "stack",
        rotation.secret_rotation_due,
        "Warns when a production secret was rotated 75 to 89 days ago (due before 90).",
        advisory=True,
    ),
    Entry(
        "cache-safety",
        "stack",
        caching.cache_safety,
        "Vercel's CDN may share responses between users only on static assets and the pages listed in "
        "publicCachePaths: never on /api, admin paths or any other page.",
    ),
    Entry(
        "data-budget",
        "stack",
        data.data_budget,
        "Warns when production's Redis database keeps the provider's default budget ($20 a month) or less.",
        advisory=True,
    ),
    Entry(
        "release-gates",
        "stack",
        releases.release_gates,
        "Production's alias waits for the app repository's required GitHub checks (ProjectDeploymentCheck), and "
        "production rolls out in stages (ProjectRollingRelease).",
    ),
    Entry(
        "slo-alerts",
        "stack",
        releases.slo_alerts,
        "Production and pre-production alert on 5xx errors; production alerts when p95 latency passes 500 ms.",
    ),
    Entry(
        "cost-ceiling",
        "stack",
        costs.cost_ceiling,
        "Each tier's modelled monthly cost (plans, seats, add-ons, compute, PITR, Redis budgets) stays within the "
        "tier's budget per service, and the tiers together within the strategy's ceilings (Vercel $200, "
        "Supabase $100, Redis $50).",
    ),
    Entry(
        "rls",
        "stack",
        rls.rls,
        "Supabase's security advisors report no table without row-level security (production; read by the "
        "Supabase settings resource).",
    ),
    Entry(
        "preview-access",
        "stack",
        access.preview_access,
        "Preview's protected projects each have a Protection Bypass for Automation whose secret reaches the preview "
        "GitHub environment; no other tier has a bypass or its secret.",
    ),
    Entry(
        "dns-records",
        "stack",
        dns_records.dns_records,
        "Where the zone is on Vercel's nameservers (config dnsOnVercel, dnsZone), every ProjectDomain has a DnsRecord "
        f"of the type and value Vercel documents ({APEX.type} {APEX.value} at the zone's apex, {SUBDOMAIN.type} "
        f"{SUBDOMAIN.value} below it), and no address record at a custom domain's name points elsewhere.",
    ),
)
CATALOG += (
    Entry(
        "cache-isolation",
        "stack",
        data.cache_isolation,
        "Every Redis credential env var of a stack comes from the stack's own RedisDatabase (its "
        "propertyDependencies), never another tier's read-write token.",
    ),
    Entry(
        "redirect-urls",
        "stack",
        redirects.redirect_urls,
        "The Supabase redirect allow-list holds no wildcard host on vercel.app but <project>-*-<team slug>.vercel.app "
        "of the stack's own projects (config vercelTeamSlug), and none outside the preview tier.",
    ),
    Entry(
        "internal-access",
        "stack",
        access.internal_access,
        "Pre-production (debug mode and the mock API on) protects all its deployments, custom domains included "
        "(Vercel Authentication all_deployments), so it answers only the team and CI's automation bypass.",
    ),
)
POLICY_NAMES = tuple(entry.name for entry in CATALOG)
ADVISORY = tuple(entry.name for entry in CATALOG if entry.advisory)


def build_policies() -> list[Policy]:
    config_schemas = schemas()
    policies: list[Policy] = []
    for entry in CATALOG:
        kind = StackValidationPolicy if entry.kind == "stack" else ResourceValidationPolicy
        options: dict[str, Any] = {"enforcement_level": EnforcementLevel.ADVISORY} if entry.advisory else {}
        if entry.configurable:
            options["config_schema"] = config_schemas[entry.name]
        policies.append(kind(name=entry.name, description=entry.description, validate=entry.validate, **options))
    return policies
