"""The deployment strategy's per-tier defaults, in one table (docs/deployment-strategy.md).

Only data lives here. Where the strategy is wrong about a platform, the value below is the
platform-correct one and docs/decisions.md ("Where we did not follow the deployment strategy") says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Literal, TypedDict, cast

from .names import TIERS

__all__ = ["BACKUP_POLICIES", "SHARED", "TIERS", "TIER_DEFAULTS", "Tier"]

# What a tier expects of its Supabase plan's backups (the strategy's "Database Strategy"): daily with
# point-in-time recovery (the PITR add-on, Small compute or larger), daily (every Pro project), none.
BACKUP_POLICIES = ("daily+pitr", "daily", "none")
# Values that meant something once and what replaced them (config refuses them with this line).
RETIRED_BACKUP_POLICIES = {
    "weekly": "Supabase has no weekly schedule: every Pro project is backed up daily, the last "
    "7 days kept (facts.SUPABASE_PRO_DAILY_BACKUP_DAYS); use daily",
}


class Shared(TypedDict):
    """The type of SHARED, key by key (so mypy knows SHARED["region"] is a str)."""

    region: str
    install_command: str
    build_command: str
    output_directory: str
    framework: str
    rate_limit_period_s: int
    preview_expiration: str
    required_checks: tuple[str, ...]
    admin_paths: tuple[str, ...]
    upstash_primary_region: str
    vercel_plan: Literal["hobby", "pro", "enterprise"]
    rollout_advancement: Literal["automatic", "manual-approval"]
    prioritise_production_builds: bool
    alert_min_severity: str
    github_plan: str
    github_repo_visibility: str
    content_security_policy: str
    long_lived_branches: tuple[tuple[str, str], ...]


# Settings every tier shares (strategy: "Phase 3: Setup Vercel Projects"). Fields of Tier marked
# with a "config" key are defaults a stack file may override under that key. A read-only mapping
# typed as Shared: the cast only names the keys' types, which tests/vital/test_tiers.py holds to the values.
SHARED = cast(
    Shared,
    MappingProxyType(
        {
            "region": "iad1",
            # The strategy's build command is `pnpm install && pnpm build`. Vercel runs the install
            # command itself before the build, so the install half moves to installCommand
            # instead of running twice.
            "install_command": "pnpm install --frozen-lockfile",
            "build_command": "pnpm build",
            "output_directory": ".next",
            "framework": "nextjs",
            "rate_limit_period_s": 15 * 60,  # the strategy states every rate limit per 15 minutes
            "preview_expiration": "1m",  # strategy: preview deployments cleaned up after 30 days
            "required_checks": ("type-check", "test"),  # strategy: deploy workflow's gates
            "admin_paths": ("/admin", "/api/admin"),
            # Upstash primary region nearest to the functions' iad1 (Washington, D.C.).
            "upstash_primary_region": "us-east-1",
            # The Vercel team's plan unless a stack says otherwise (vercelPlan).
            "vercel_plan": "pro",
            # Rolling releases advance on their own (each stage's minutes), so no one has to be awake
            # for a release; manual-approval is the other choice (config rolloutAdvancement).
            "rollout_advancement": "automatic",
            # Strategy: production builds first. A project's production builds go before its preview
            # builds in the team's queue; on in every tier (each tier is its own project).
            "prioritise_production_builds": True,
            # The built-in alert rule's minimum severity (facts.ALERT_SEVERITIES).
            "alert_min_severity": "medium",
            # The GitHub organization's plan and the app repository's visibility unless a stack says
            # otherwise (githubPlan, githubRepoVisibility): the plan where GitHub enforces environment
            # reviewers on a private repository, so production needs reviewers unless a stack declares less.
            "github_plan": "enterprise",
            "github_repo_visibility": "private",
            # Production's Content-Security-Policy (strategy "Security Considerations": CSP headers): what
            # production enforces and the tiers before it report (program/vercel_rules.py), and what the
            # security-headers policy compares their report-only copy with. It allows the data services
            # the app talks to; a stack can override the header (`headers`).
            "content_security_policy": (
                "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data: blob: https:; font-src 'self' data:; "
                "connect-src 'self' https://*.supabase.co wss://*.supabase.co https://*.upstash.io "
                "https://*.sentry.io https://cloud.langfuse.com; "
                "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
            ),
            # Long-lived branches from the strategy's branch strategy, with the branch each is cut from.
            "long_lived_branches": (("pre-production", "main"), ("preview-deployment", "pre-production")),
        }
    ),
)


@dataclass(frozen=True)
class Tier:
    name: str
    # Suffix of the Vercel project name: vital-expert-production / -dev / -preview (strategy).
    project_suffix: str
    # The branch the tier's Vercel project deploys to its production target.
    production_branch: str = field(metadata={"config": "productionBranch"})
    # Only the preview tier's project builds PR branches (as Vercel preview deployments).
    builds_pr_branches: bool
    # Strategy "Function Execution Limits": 30 / 60 / 45 s.
    function_timeout_s: int = field(metadata={"config": "functionTimeout"})
    # Strategy "Security Considerations": requests per IP per 15 minutes.
    rate_limit_requests: int = field(metadata={"config": "rateLimitRequests"})
    # Which path classes (vital.paths) the rate limit counts: "api" always, "pages" too when the
    # tier says so. Static assets never count. The strategy's per-IP limit is an API and abuse limit:
    # one Next.js page load fetches dozens of assets, and client navigation and <Link> prefetching
    # request pages (RSC payloads) many times a minute, so counting pages against 66 per 10 min
    # would throttle a signed-in user. No tier counts pages by default: preview's and
    # pre-production's end-to-end runs come from one CI address and load many pages.
    rate_limit_scope: tuple[str, ...] = field(metadata={"config": "rateLimitScope"})
    # Pre-production and preview must not be indexed (strategy); production must be.
    noindex: bool = field(metadata={"config": "noindex"})
    # Production hardening: CSP, HSTS, frame and sniffing protection on every path.
    security_headers: bool = field(metadata={"config": "securityHeaders"})
    # Tiers that do not enforce the CSP send production's as Content-Security-Policy-Report-Only,
    # so a policy that would break the app shows up (browser console, end-to-end runs) before
    # production enforces it (strategy: "CSP headers enabled" in production).
    csp_report_only: bool = field(metadata={"config": "cspReportOnly"})
    # Strategy: debug and mock API only in pre-production; verbose logging there too.
    env: Mapping[str, str]
    # Strategy: CORS restricted in production, open for testing on preview.
    cors_allowed_origins: tuple[str, ...] = field(metadata={"config": "corsAllowedOrigins"})
    # Vercel Authentication on the project's deployments (see facts.VERCEL_AUTH_DEPLOYMENT_TYPES).
    vercel_authentication: str = field(metadata={"config": "vercelAuthentication"})
    # Branches this tier's stack owns in GitHub: creates (if long-lived) and protects.
    owns_branch: str | None
    ruleset_on_branch: bool
    # Production resources whose loss cuts traffic are protected.
    protect: bool
    # Supavisor's default pool size: the connections the pooler may open to Postgres. At most
    # facts.SUPABASE_POOL_SHARE_PERCENT of the compute's max_connections (program.checks): the
    # strategy's 100 / 50 / 25 would exhaust a Micro (60) or Small (90) database. Its figures, read as
    # client connections, fit each compute's pooler client limit (Micro 200, Small 400).
    pool_size: int = field(metadata={"config": "supabasePoolSize"})
    # The compute add-on the tier's Supabase project runs on (facts.SUPABASE_COMPUTE): it bounds the
    # pool, it must be Small or larger for PITR, and its price feeds the cost model (vital/costs.py).
    supabase_compute: str = field(metadata={"config": "supabaseCompute"})
    # Strategy: backups per tier (daily + PITR / weekly / none); one of BACKUP_POLICIES.
    backups: str = field(metadata={"config": "supabaseBackups"})
    # Every tier owns its Redis database: preview's is the one cache all PR deployments share (the
    # strategy's "Cache: Shared"), so no tier reads another tier's data or credential.
    owns_cache: bool
    # Preview only: each project gets a Protection Bypass for Automation, whose secret the tier's
    # GitHub environment holds for end-to-end runs against protected preview deployments.
    automation_bypass: bool
    # Production only: deployments need a person's approval, by the GitHub environment's required
    # reviewers, or where the GitHub plan cannot enforce them on the repository, by the fallback:
    # the branch ruleset's approving review and the release gates (gates_releases).
    requires_approval: bool
    # Production only: the alias waits for the app repository's required checks (requiredChecks),
    # each a ProjectDeploymentCheck on its GitHub check run.
    gates_releases: bool
    # Rolling release stages ({percent, minutes}; minutes until the next stage), or none: the
    # tier's deployments serve all traffic at once.
    rollout_stages: tuple[Mapping[str, int], ...] = field(metadata={"config": "rolloutStages"})
    # How long Vercel keeps serving a deployment to the clients loaded from it (facts.SKEW_PROTECTION_VALUES);
    # None leaves the project's setting alone.
    skew_protection: str | None = field(metadata={"config": "skewProtection"})
    # Fail functions over to the nearest region when the function region is down.
    function_failover: bool = field(metadata={"config": "functionFailover"})
    # The build machine (facts.BUILD_MACHINE_TYPES), with the strategy's 5-minute build goal in mind.
    build_machine_type: str = field(metadata={"config": "buildMachineType"})
    # The Node.js version the project builds and runs on (facts.VERCEL_NODE_VERSIONS). The strategy pins
    # Node 20 in CI; Vercel deprecated 20.x on 2026-10-01 (facts.NODE_VERSIONS_RETIRED), so every
    # tier runs 24.x, the newest LTS the provider accepts, and the app repository's CI uses 24.
    node_version: str = field(metadata={"config": "nodeVersion"})
    # Strategy "Success metrics" as alerts: Vercel's built-in 5xx error alert, and a p95 latency
    # threshold in milliseconds (None: no latency alert).
    error_alert: bool = field(metadata={"config": "errorAlert"})
    latency_alert_p95_ms: int | None = field(metadata={"config": "latencyAlertP95Ms"})
    # Monthly spend the team allots this tier, in USD (declared: Vercel and Supabase enforce no
    # per-project amount); the tiers together stay under facts.SEED_MONTHLY_CEILINGS_USD.
    vercel_budget_usd: int = field(metadata={"config": "vercelBudget"})
    supabase_budget_usd: int = field(metadata={"config": "supabaseBudget"})
    # Upstash Redis monthly budget in USD (None: the tier owns no database). At the budget the
    # database is throttled until the next month; the provider's default is $20
    # (facts.UPSTASH_DEFAULT_BUDGET_USD). The strategy keeps Redis under $50 a month in total:
    # production 35 (above the default, so production's cache is not throttled at $20), pre-production 10.
    upstash_budget_usd: int | None = field(metadata={"config": "upstashBudget"})
    # Vercel Pro seats this tier's budget carries: the team's seats are billed once, and production
    # carries them (the strategy: a team of 1-2 developers).
    vercel_seats: int = field(metadata={"config": "vercelSeats"})
    # The tier whose budget carries what is billed once for all tiers: the Supabase organization's
    # Pro plan (less its compute credits).
    bills_shared_plans: bool
    # secretEnv keys the tier must hold (strategy "Phase 4: Environment Variables Setup"): each is
    # set with `pulumi config set --secret --path secretEnv.<KEY>` before the first `pulumi up`.
    secret_env: tuple[str, ...]

    def config_defaults(self) -> dict[str, object]:
        """The tier's default for each config key a stack file may override (key -> value)."""
        return {f.metadata["config"]: getattr(self, f.name) for f in fields(self) if "config" in f.metadata}


TIER_DEFAULTS: Mapping[str, Tier] = MappingProxyType(
    {
        "production": Tier(
            name="production",
            project_suffix="production",
            production_branch="main",
            builds_pr_branches=False,
            function_timeout_s=30,
            rate_limit_requests=100,
            rate_limit_scope=("api",),
            noindex=False,
            security_headers=True,
            csp_report_only=False,  # production enforces it
            env=MappingProxyType(
                {
                    "NEXT_PUBLIC_ENV": "production",
                    "NEXT_PUBLIC_ENABLE_DEBUG": "false",
                    "NEXT_PUBLIC_ENABLE_MOCK_API": "false",
                    "LOG_LEVEL": "info",
                    # Strategy "Monitoring": full LangFuse tracing and Sentry in production.
                    "LANGFUSE_TRACING_ENABLED": "true",
                    "SENTRY_ENABLED": "true",
                }
            ),
            cors_allowed_origins=("https://app.vitalexpert.com",),
            vercel_authentication="standard_protection_new",
            owns_branch="main",
            ruleset_on_branch=True,
            protect=True,
            pool_size=36,  # 40 % of Small's 90 connections
            supabase_compute="small",
            # Daily backups, 7 days kept (Pro), not PITR: PITR alone ($100) and the Pro plan ($25) exceed
            # the strategy's $100 Supabase ceiling (docs/costs.md); `supabaseBackups: daily+pitr` turns it on.
            backups="daily",
            owns_cache=True,
            upstash_budget_usd=35,
            automation_bypass=False,
            requires_approval=True,
            gates_releases=True,
            # 10 % of users for 10 minutes, half for 20, then everyone: two alert windows (5 min)
            # per stage to catch a bad release before most users see it.
            rollout_stages=(
                MappingProxyType({"percent": 10, "minutes": 10}),
                MappingProxyType({"percent": 50, "minutes": 20}),
                MappingProxyType({"percent": 100}),
            ),
            # Vercel recommends Skew Protection with Rolling Releases; a working day's open tab.
            skew_protection="12 hours",
            function_failover=True,  # strategy: uptime above 99.9 %
            # Strategy: builds under 5 minutes; the next machine size up for production's builds only.
            build_machine_type="enhanced",
            node_version="24.x",
            error_alert=True,
            latency_alert_p95_ms=500,  # strategy: API p95 under 500 ms
            # Modelled: Vercel 50 (2 seats, Observability Plus), Supabase 30 (plan, Small, credits), Redis 35.
            vercel_budget_usd=60,
            supabase_budget_usd=60,
            vercel_seats=2,
            bills_shared_plans=True,
            # Strategy "Monitoring": LangFuse tracing in production needs its key pair.
            secret_env=("OPENAI_API_KEY", "SUPABASE_SERVICE_ROLE_KEY", "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY"),
        ),
        "pre-production": Tier(
            name="pre-production",
            project_suffix="dev",
            production_branch="pre-production",
            builds_pr_branches=False,
            function_timeout_s=60,
            rate_limit_requests=500,
            rate_limit_scope=("api",),
            noindex=True,
            security_headers=False,
            csp_report_only=True,
            env=MappingProxyType(
                {
                    "NEXT_PUBLIC_ENV": "pre-production",
                    "NEXT_PUBLIC_ENABLE_DEBUG": "true",
                    "NEXT_PUBLIC_ENABLE_MOCK_API": "true",
                    "LOG_LEVEL": "debug",  # strategy: verbose logging in pre-production
                    "LANGFUSE_TRACING_ENABLED": "false",
                    "SENTRY_ENABLED": "false",
                }
            ),
            cors_allowed_origins=("https://dev.vitalexpert.com",),
            # Internal, with debug and the mock API on: Vercel Authentication on every deployment,
            # dev.vitalexpert.com included (Pro, no add-on); testers sign in as team members (free viewer
            # seats), CI's end-to-end runs use the automation bypass (docs/pre-production-access.md).
            vercel_authentication="all_deployments",
            owns_branch="pre-production",
            ruleset_on_branch=True,
            protect=False,
            pool_size=24,  # 40 % of Micro's 60 connections
            supabase_compute="micro",
            backups="daily",  # the strategy's "weekly": Supabase backs every Pro project up daily
            owns_cache=True,
            upstash_budget_usd=10,
            automation_bypass=True,  # CI's end-to-end runs past the protection on every deployment
            requires_approval=False,
            gates_releases=False,
            rollout_stages=(),  # deploys at once
            skew_protection=None,
            function_failover=False,
            build_machine_type="standard",
            node_version="24.x",
            error_alert=True,  # strategy: pre-production watches its API too
            latency_alert_p95_ms=None,
            # Modelled: Vercel 0 (protection on all deployments comes with Pro), Supabase 10 (Micro), Redis 10.
            vercel_budget_usd=20,
            supabase_budget_usd=20,
            vercel_seats=0,
            bills_shared_plans=False,
            secret_env=("OPENAI_API_KEY", "SUPABASE_SERVICE_ROLE_KEY"),
        ),
        "preview": Tier(
            name="preview",
            project_suffix="preview",
            # The strategy's staging branch is the preview project's production target; PR
            # branches become its preview deployments.
            production_branch="preview-deployment",
            builds_pr_branches=True,
            function_timeout_s=45,
            # Strategy: "relaxed rate limits" on preview.
            rate_limit_requests=1000,
            rate_limit_scope=("api",),
            noindex=True,
            security_headers=False,
            csp_report_only=True,
            env=MappingProxyType(
                {
                    "NEXT_PUBLIC_ENV": "preview",
                    "NEXT_PUBLIC_ENABLE_DEBUG": "false",
                    "NEXT_PUBLIC_ENABLE_MOCK_API": "false",
                    "LOG_LEVEL": "info",
                    "LANGFUSE_TRACING_ENABLED": "false",
                    "SENTRY_ENABLED": "false",
                }
            ),
            cors_allowed_origins=("*",),  # strategy: open CORS for testing on preview
            vercel_authentication="standard_protection_new",
            owns_branch="preview-deployment",
            ruleset_on_branch=False,
            protect=False,
            pool_size=24,  # 40 % of Micro's 60 connections (the strategy: 25)
            supabase_compute="micro",
            backups="none",
            # Its own small database, one for every PR deployment (the strategy's shared preview cache).
            owns_cache=True,
            upstash_budget_usd=5,
            automation_bypass=True,  # strategy: previews for testing; e2e runs reach them
            requires_approval=False,
            gates_releases=False,
            rollout_stages=(),
            skew_protection=None,
            function_failover=False,
            build_machine_type="standard",
            node_version="24.x",
            error_alert=False,  # strategy: preview gets basic metrics and error logging, no alerts
            latency_alert_p95_ms=None,
            # Modelled: Vercel 100 (the preview deployment suffix), Supabase 10 (Micro), Redis 5.
            vercel_budget_usd=120,
            supabase_budget_usd=20,
            vercel_seats=0,
            bills_shared_plans=False,
            secret_env=("OPENAI_API_KEY", "SUPABASE_SERVICE_ROLE_KEY"),
        ),
    }
)
