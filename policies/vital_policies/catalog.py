"""The pack's policies: names (a contract CI and users depend on), descriptions, levels, schemas."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, Policy, ResourceValidationPolicy, StackValidationPolicy

from vital.names import PACK_NAME

from . import data, env_vars, firewall, headers, isolation, project, rotation
from .pack_config import schemas

__all__ = ["PACK_NAME", "POLICY_NAMES", "ADVISORY", "build_policies"]

# The policy names, in the order the pack lists them. Renaming one breaks every
# --policy-pack-config file and CI check that names it.
POLICY_NAMES = (
    "rate-limit",
    "max-duration",
    "noindex",
    "security-headers",
    "no-debug-in-production",
    "secrets",
    "cors",
    "isolation",
    "admin-allowlist",
    "preview-cleanup",
    "github-environments",
    "backups",
    "secret-rotation",
    "secret-rotation-due",
)
ADVISORY = ("preview-cleanup", "secret-rotation-due")


def build_policies() -> list[Policy]:
    SCHEMAS = schemas()
    policies: list[Policy] = [
        StackValidationPolicy(
            name="rate-limit",
            description="Every Vercel project has an active per-IP WAF rate limit no looser than its tier's, "
                        "with a window the plan allows.",
            validate=firewall.rate_limit,
            config_schema=SCHEMAS["rate-limit"],
        ),
        ResourceValidationPolicy(
            name="max-duration",
            description="Vercel functions' default timeout is set and within the tier's and the plan's maximum.",
            validate=project.max_duration,
            config_schema=SCHEMAS["max-duration"],
        ),
        StackValidationPolicy(
            name="noindex",
            description="Pre-production and preview send X-Robots-Tag: noindex on every path; production's custom "
                        "domains send none.",
            validate=headers.noindex,
            config_schema=SCHEMAS["noindex"],
        ),
        StackValidationPolicy(
            name="security-headers",
            description="Production sends CSP, HSTS, X-Frame-Options (or CSP frame-ancestors) and "
                        "X-Content-Type-Options on every path.",
            validate=headers.security_headers,
            config_schema=SCHEMAS["security-headers"],
        ),
        ResourceValidationPolicy(
            name="no-debug-in-production",
            description="Debug and mock-API flags are absent or \"false\" in production; NODE_ENV is production, "
                        "development or test.",
            validate=env_vars.no_debug_in_production,
            config_schema=SCHEMAS["no-debug-in-production"],
        ),
        ResourceValidationPolicy(
            name="secrets",
            description="Credentials are sensitive env vars and never NEXT_PUBLIC_*; GitHub secrets use value or "
                        "valueEncrypted, not the deprecated fields.",
            validate=env_vars.secrets,
        ),
        ResourceValidationPolicy(
            name="cors",
            description="Production's allowed CORS origins hold no wildcard.",
            validate=env_vars.cors,
            config_schema=SCHEMAS["cors"],
        ),
        ResourceValidationPolicy(
            name="isolation",
            description="Non-production stacks attach no production domain and deploy no production branch; "
                        "production's projects, domains and GitHub environments are protected; no tier uses another "
                        "tier's Supabase project or Redis database, and only preview shares a cache (the declared one).",
            validate=isolation.isolation,
            config_schema=SCHEMAS["isolation"],
        ),
        StackValidationPolicy(
            name="admin-allowlist",
            description="Pre-production's firewall denies admin routes to addresses outside the allow-list.",
            validate=firewall.admin_allowlist,
            config_schema=SCHEMAS["admin-allowlist"],
        ),
        StackValidationPolicy(
            name="preview-cleanup",
            description="Preview deployments are kept at most 30 days (ProjectDeploymentRetention).",
            validate=project.preview_cleanup,
            enforcement_level=EnforcementLevel.ADVISORY,
            config_schema=SCHEMAS["preview-cleanup"],
        ),
        StackValidationPolicy(
            name="github-environments",
            description="The production GitHub environment deploys only from main.",
            validate=isolation.github_environments,
            config_schema=SCHEMAS["github-environments"],
        ),
        StackValidationPolicy(
            name="backups",
            description="Each tier's Supabase settings record a known backup policy; production's is daily+pitr "
                        "(point-in-time recovery), and production has Supabase settings.",
            validate=data.backups,
            config_schema=SCHEMAS["backups"],
        ),
        StackValidationPolicy(
            name="secret-rotation",
            description="Every production secret has a recorded rotation date less than 90 days old.",
            validate=rotation.secret_rotation,
            config_schema=SCHEMAS["secret-rotation"],
        ),
        StackValidationPolicy(
            name="secret-rotation-due",
            description="Warns when a production secret was rotated 75 to 89 days ago (due before 90).",
            validate=rotation.secret_rotation_due,
            enforcement_level=EnforcementLevel.ADVISORY,
            config_schema=SCHEMAS["secret-rotation-due"],
        ),
    ]
    assert tuple(p.name for p in policies) == POLICY_NAMES
    return policies
