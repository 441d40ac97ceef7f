"""Each policy's configuration schema (with its defaults, pack_config.defaults()), as the pack
reports it to the CLI in GetAnalyzerInfo: the CLI fills each property's `default` in and validates
a pack config file against it before Configure (pulumi-policy PolicyConfigSchema).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from pulumi_policy import PolicyConfigSchema

from vital.facts import SEED_MONTHLY_CEILINGS_USD
from vital.tiers import TIERS
from vital.validators import SUPABASE_REF_PATTERN

from .pack_config import DATE_PATTERN, PITR_BACKUPS, defaults


def _per_tier(description: str, defaults: Mapping[str, int], maximum: int | None = None) -> dict[str, Any]:
    number: dict[str, Any] = {"type": "integer", "minimum": 1}
    if maximum is not None:
        number["maximum"] = maximum
    return {
        "type": "object",
        "description": description,
        "properties": {t: dict(number) for t in TIERS},
        "additionalProperties": False,
        "default": dict(defaults),
    }


def _tiers(description: str, default: list[str]) -> dict[str, Any]:
    return {
        "type": "array",
        "description": description,
        "items": {"type": "string", "enum": list(TIERS)},
        "uniqueItems": True,
        "default": list(default),
    }


def _strings(description: str, default: list[str]) -> dict[str, Any]:
    return {
        "type": "array",
        "description": description,
        "items": {"type": "string", "minLength": 1},
        "uniqueItems": True,
        "default": list(default),
    }


def _string(description: str, default: str) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "description": description, "default": default}


def _days(description: str, default: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "description": description, "default": default}


def _rotation_schema(policy: str) -> PolicyConfigSchema:
    # Both rotation policies take the same properties, so one config file can set both alike.
    return PolicyConfigSchema(
        properties={
            "tiers": _tiers(
                "Tiers whose secrets must be rotated (dates in config vital-expert-infra:secretRotation).",
                defaults()[policy]["tiers"],
            ),
            "failAfterDays": _days(
                "Age in days from which secret-rotation reports a secret (advisory unless the pack "
                "config makes it mandatory).",
                defaults()[policy]["failAfterDays"],
            ),
            "warnAfterDays": _days(
                "Age in days from which secret-rotation-due warns (advisory), up to failAfterDays.",
                defaults()[policy]["warnAfterDays"],
            ),
            "today": {
                "type": "string",
                "pattern": DATE_PATTERN,
                "description": "The date ages are counted to (YYYY-MM-DD); default: today's UTC date. "
                "Pin it for reproducible runs.",
            },
        }
    )


@cache
def schemas() -> dict[str, PolicyConfigSchema]:
    d = defaults()
    return {
        "rate-limit": PolicyConfigSchema(
            properties={
                "maxRequests": _per_tier(
                    "Most requests one IP may make per periodSeconds, by tier.", d["rate-limit"]["maxRequests"]
                ),
                "periodSeconds": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "The period maxRequests is stated over.",
                    "default": d["rate-limit"]["periodSeconds"],
                },
            }
        ),
        "max-duration": PolicyConfigSchema(
            properties={
                # The provider accepts 1-900 s (platform-facts.md).
                "maxSeconds": _per_tier(
                    "Longest function default timeout, in seconds, by tier (the plan's maximum still applies).",
                    d["max-duration"]["maxSeconds"],
                    maximum=900,
                ),
            }
        ),
        "noindex": PolicyConfigSchema(
            properties={
                "noindexTiers": _tiers(
                    "Tiers whose projects must send X-Robots-Tag: noindex on every path; the others must "
                    "send it on their *.vercel.app hosts and not on their custom domains.",
                    d["noindex"]["noindexTiers"],
                ),
            }
        ),
        "security-headers": PolicyConfigSchema(
            properties={
                "tiers": _tiers(
                    "Tiers whose projects must send the security headers on every path.", d["security-headers"]["tiers"]
                ),
                "reportOnlyTiers": _tiers(
                    "Tiers whose projects must send a CSP at least as "
                    "Content-Security-Policy-Report-Only on every path.",
                    d["security-headers"]["reportOnlyTiers"],
                ),
                "csp": {
                    "type": "string",
                    "minLength": 1,
                    "default": d["security-headers"]["csp"],
                    "description": "Production's Content-Security-Policy, which the report-only tiers "
                    "must send (reporting directives aside).",
                },
            }
        ),
        "no-debug-in-production": PolicyConfigSchema(
            properties={
                "tiers": _tiers(
                    'Tiers where the debug flags must be absent or "false".', d["no-debug-in-production"]["tiers"]
                ),
                "flags": _strings(
                    "Environment variables that turn debugging or mocks on.", d["no-debug-in-production"]["flags"]
                ),
            }
        ),
        "cors": PolicyConfigSchema(
            properties={
                "tiers": _tiers("Tiers whose allowed CORS origins may hold no wildcard.", d["cors"]["tiers"]),
                "variable": _string(
                    "The environment variable holding the allowed origins (comma-separated).", d["cors"]["variable"]
                ),
            }
        ),
        "isolation": PolicyConfigSchema(
            properties={
                "productionDomains": _strings(
                    "Domains only the production tier may attach.", d["isolation"]["productionDomains"]
                ),
                "productionBranch": _string(
                    "The branch only the production tier's Vercel project may deploy to production.",
                    d["isolation"]["productionBranch"],
                ),
                "protectTiers": _tiers(
                    "Tiers whose Vercel projects, domains and GitHub environments must be protected.",
                    d["isolation"]["protectTiers"],
                ),
                "supabaseProjectRefs": {
                    "type": "object",
                    "description": "Each tier's Supabase project ref; a stack may not use another tier's. synth and the "
                    "PR diff pass each committed Pulumi.<tier>.yaml's vital-expert-infra:supabaseProjectRef "
                    "(python -m tools.policy.committed prints it for the CLI); the pack reads no file.",
                    "properties": {t: {"type": "string", "pattern": SUPABASE_REF_PATTERN} for t in TIERS},
                    "additionalProperties": False,
                    "default": dict(d["isolation"]["supabaseProjectRefs"]),
                },
                "previewSkipsBranches": _strings(
                    "Branches a Git-connected project that builds preview deployments "
                    "must skip in its ignore command (the other tiers' own).",
                    d["isolation"]["previewSkipsBranches"],
                ),
            }
        ),
        "admin-allowlist": PolicyConfigSchema(
            properties={
                "tiers": _tiers(
                    "Tiers whose firewall must deny admin routes outside the allow-list.", d["admin-allowlist"]["tiers"]
                )
            }
        ),
        "preview-cleanup": PolicyConfigSchema(
            properties={
                "maxDays": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Longest preview deployment retention, in days.",
                    "default": d["preview-cleanup"]["maxDays"],
                },
            }
        ),
        "github-environments": PolicyConfigSchema(
            properties={
                "environment": _string(
                    "The GitHub environment the production stack deploys through.",
                    d["github-environments"]["environment"],
                ),
                "branch": _string("The only branch that may deploy to it.", d["github-environments"]["branch"]),
            }
        ),
        "backups": PolicyConfigSchema(
            properties={
                "requirePitrTiers": _tiers(
                    f"Tiers whose Supabase settings must record backup_policy {PITR_BACKUPS!r} "
                    f"(daily backups with point-in-time recovery).",
                    d["backups"]["requirePitrTiers"],
                ),
            }
        ),
        "rls": PolicyConfigSchema(
            properties={
                "tiers": _tiers(
                    "Tiers where every table in an exposed schema must have row-level security.", d["rls"]["tiers"]
                )
            }
        ),
        "preview-access": PolicyConfigSchema(
            properties={
                "bypassTiers": _tiers(
                    "Tiers whose protected projects each have an automation bypass wired "
                    "into their GitHub environment; no other tier may have one.",
                    d["preview-access"]["bypassTiers"],
                )
            }
        ),
        "dns-records": PolicyConfigSchema(
            properties={
                "tiers": _tiers(
                    "Tiers whose custom domains need their DnsRecord when the stack's zone is on "
                    "Vercel's nameservers (config vital-expert-infra:dnsOnVercel).",
                    d["dns-records"]["tiers"],
                )
            }
        ),
        "secret-rotation": _rotation_schema("secret-rotation"),
        "secret-rotation-due": _rotation_schema("secret-rotation-due"),
        "cache-safety": PolicyConfigSchema(
            properties={
                "tiers": _tiers(
                    "Tiers whose responses a shared cache may keep only on static assets and the "
                    "pages in vital-expert-infra:publicCachePaths.",
                    d["cache-safety"]["tiers"],
                )
            }
        ),
        "data-budget": PolicyConfigSchema(
            properties={
                "tiers": _tiers(
                    "Tiers whose Redis databases need a monthly budget above the provider's default ($20).",
                    d["data-budget"]["tiers"],
                )
            }
        ),
        "release-gates": PolicyConfigSchema(
            properties={
                "tiers": _tiers(
                    "Tiers whose production alias waits for checks and whose releases roll out in stages.",
                    d["release-gates"]["tiers"],
                ),
                "checks": _strings("GitHub checks the production alias must wait for.", d["release-gates"]["checks"]),
            }
        ),
        "slo-alerts": PolicyConfigSchema(
            properties={
                "errorTiers": _tiers("Tiers that must alert on 5xx errors.", d["slo-alerts"]["errorTiers"]),
                "latencyTiers": _tiers("Tiers that must alert on p95 latency.", d["slo-alerts"]["latencyTiers"]),
                "maxP95Ms": {
                    "type": "integer",
                    "minimum": 1,
                    "default": d["slo-alerts"]["maxP95Ms"],
                    "description": "The highest p95 latency threshold (ms) a latency alert may use.",
                },
            }
        ),
        "cost-ceiling": PolicyConfigSchema(
            properties={
                "ceilings": {
                    "type": "object",
                    "description": "Monthly ceiling in USD per service, all tiers together (the strategy's: vercel 200, "
                    "supabase 100, upstash 50). Services left out keep the strategy's.",
                    "properties": {k: {"type": "number", "minimum": 0} for k in SEED_MONTHLY_CEILINGS_USD},
                    "additionalProperties": False,
                    "default": dict(d["cost-ceiling"]["ceilings"]),
                },
                "tierCosts": {
                    "type": "object",
                    "description": "Each other tier's modelled monthly cost per service (vital/costs.py), from its "
                    "committed stack file: synth and the PR diff pass it (python -m tools.policy.committed "
                    "prints it for the CLI). A tier left out is modelled from the tier table's defaults.",
                    "properties": {
                        t: {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {k: {"type": "number"} for k in SEED_MONTHLY_CEILINGS_USD},
                        }
                        for t in TIERS
                    },
                    "additionalProperties": False,
                    "default": {},
                },
            }
        ),
        "cache-isolation": PolicyConfigSchema(
            properties={
                "tiers": _tiers(
                    "Tiers whose Redis credential env vars must come from the stack's own "
                    "RedisDatabase (never another tier's read-write token).",
                    d["cache-isolation"]["tiers"],
                )
            }
        ),
        "redirect-urls": PolicyConfigSchema(
            properties={
                "tiers": _tiers(
                    "Tiers whose Supabase redirect allow-list may hold *.vercel.app wildcards, each "
                    "anchored on the team's slug (config vital-expert-infra:vercelTeamSlug).",
                    d["redirect-urls"]["tiers"],
                )
            }
        ),
        "internal-access": PolicyConfigSchema(
            properties={
                "tiers": _tiers(
                    "Internal tiers (debug and mock API on): every Vercel project protects all "
                    "deployments, its custom domains included.",
                    d["internal-access"]["tiers"],
                )
            }
        ),
    }
