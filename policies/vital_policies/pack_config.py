"""Each policy's configuration: its defaults and how a rule reads it (the JSON schemas that carry
the defaults to the CLI are pack_schemas.py's).

Defaults come from the project's tables (vital.tiers, vital.facts), so a limit is
written down once. Users change them with `pulumi preview --policy-pack-config file.json`:

    {"rate-limit": {"maxRequests": {"production": 50}}, "preview-cleanup": "disabled"}

The CLI fills every property's `default` in, merges the file's top-level properties over them
and validates the result against the schema before Configure. A per-tier object given only in
part (as above) keeps the table's value for the tiers it leaves out.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from vital import rotation
from vital.facts import RETENTION_DAYS, SEED_MONTHLY_CEILINGS_USD
from vital.names import CORS_VARIABLE
from vital.tiers import SHARED, TIER_DEFAULTS, TIERS

DEFAULT_PRODUCTION_DOMAINS = ("app.vitalexpert.com", "vitalexpert.com", "www.vitalexpert.com")
DEFAULT_DEBUG_FLAGS = ("NEXT_PUBLIC_ENABLE_DEBUG", "NEXT_PUBLIC_ENABLE_MOCK_API")
# The Management API's project ref: 20 lower-case letters.
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
PITR_BACKUPS = "daily+pitr"
ROTATION_FAIL_DAYS = rotation.FAIL_DAYS  # the strategy: rotate secrets every 90 days
ROTATION_WARN_DAYS = rotation.WARN_DAYS


# What each property defaults to, by policy. Rules read these when a key is missing (a rule
# called directly, or a per-tier object given in part). The pack reads no file: what it needs of
# the other tiers' stack files (their Supabase refs, their modelled costs) comes as pack config,
# which synth and the PR diff build from the committed files (tools/policy/committed.py).
@cache
def defaults() -> dict[str, dict[str, Any]]:
    return {
        "rate-limit": {
            "maxRequests": {t: TIER_DEFAULTS[t].rate_limit_requests for t in TIERS},
            "periodSeconds": SHARED["rate_limit_period_s"],
        },
        "max-duration": {"maxSeconds": {t: TIER_DEFAULTS[t].function_timeout_s for t in TIERS}},
        "noindex": {"noindexTiers": [t for t in TIERS if TIER_DEFAULTS[t].noindex]},
        "security-headers": {
            "tiers": [t for t in TIERS if TIER_DEFAULTS[t].security_headers],
            "reportOnlyTiers": [
                t for t in TIERS if TIER_DEFAULTS[t].csp_report_only and not TIER_DEFAULTS[t].security_headers
            ],
            "csp": SHARED["content_security_policy"],
        },
        "no-debug-in-production": {"tiers": ["production"], "flags": list(DEFAULT_DEBUG_FLAGS)},
        "cors": {"tiers": ["production"], "variable": CORS_VARIABLE},
        "isolation": {
            "productionDomains": list(DEFAULT_PRODUCTION_DOMAINS),
            "productionBranch": TIER_DEFAULTS["production"].production_branch,
            "protectTiers": [t for t in TIERS if TIER_DEFAULTS[t].protect],
            "supabaseProjectRefs": {},
            # Branches a project that builds previews must skip: the other tiers' own.
            "previewSkipsBranches": [
                TIER_DEFAULTS[t].production_branch for t in TIERS if not TIER_DEFAULTS[t].builds_pr_branches
            ],
        },
        "admin-allowlist": {"tiers": ["pre-production"]},
        "preview-cleanup": {"maxDays": RETENTION_DAYS[SHARED["preview_expiration"]]},
        "github-environments": {
            "environment": "production",
            "branch": TIER_DEFAULTS["production"].production_branch,
        },
        "backups": {"requirePitrTiers": [t for t in TIERS if TIER_DEFAULTS[t].backups == PITR_BACKUPS]},
        "cache-safety": {"tiers": list(TIERS)},
        "data-budget": {"tiers": ["production"]},
        "release-gates": {
            "tiers": [t for t in TIERS if TIER_DEFAULTS[t].gates_releases],
            "checks": list(SHARED["required_checks"]),
        },
        "slo-alerts": {
            "errorTiers": [t for t in TIERS if TIER_DEFAULTS[t].error_alert],
            "latencyTiers": [t for t in TIERS if TIER_DEFAULTS[t].latency_alert_p95_ms],
            "maxP95Ms": TIER_DEFAULTS["production"].latency_alert_p95_ms,
        },
        "cost-ceiling": {"ceilings": dict(SEED_MONTHLY_CEILINGS_USD), "tierCosts": {}},
        "cache-isolation": {"tiers": [t for t in TIERS if TIER_DEFAULTS[t].owns_cache]},
        "redirect-urls": {"tiers": [t for t in TIERS if TIER_DEFAULTS[t].builds_pr_branches]},
        "internal-access": {"tiers": [t for t in TIERS if TIER_DEFAULTS[t].vercel_authentication == "all_deployments"]},
        "rls": {"tiers": ["production"]},
        "preview-access": {"bypassTiers": [t for t in TIERS if TIER_DEFAULTS[t].automation_bypass]},
        "dns-records": {"tiers": list(TIERS)},
        # `today` has no fixed default: a rule reads None as today's UTC date, at the time it runs.
        "secret-rotation": {
            "tiers": list(rotation.TIERS),
            "failAfterDays": ROTATION_FAIL_DAYS,
            "warnAfterDays": ROTATION_WARN_DAYS,
            "today": None,
        },
        "secret-rotation-due": {
            "tiers": list(rotation.TIERS),
            "failAfterDays": ROTATION_FAIL_DAYS,
            "warnAfterDays": ROTATION_WARN_DAYS,
            "today": None,
        },
    }


def setting(config: Mapping[str, Any], policy: str, key: str) -> Any:
    """A policy's configured value, or its default."""
    value = config.get(key) if isinstance(config, Mapping) else None
    return defaults()[policy][key] if value is None else value


def tier_map(config: Mapping[str, Any], policy: str, key: str) -> dict[str, Any]:
    """A per-tier object: the configured tiers over the default's (tiers left out keep the default)."""
    value = setting(config, policy, key)
    merged = dict(defaults()[policy][key])
    if isinstance(value, Mapping):
        merged.update({t: v for t, v in value.items() if v is not None})
    return merged


def tier_setting(config: Mapping[str, Any], policy: str, key: str, tier: str) -> Any:
    """A per-tier value: the configured one for this tier, else the table's."""
    value = setting(config, policy, key)
    if isinstance(value, Mapping) and value.get(tier) is not None:
        return value[tier]
    return defaults()[policy][key][tier]


def number_setting(config: Mapping[str, Any], policy: str, key: str, tier: str | None = None) -> float:
    """A numeric setting, per tier when `tier` is given. The CLI validated it against its schema's
    integer type (pack_schemas.py) before Configure, so it is a number."""
    return float(setting(config, policy, key) if tier is None else tier_setting(config, policy, key, tier))
