"""Typed stack config: the stack file's keys, with the tier's defaults resolved once.

Everything is validated before the program registers a single resource, so a bad stack
file fails as one line (program.load.ConfigError) and nothing is half-applied. Field
aliases are the config keys; single values are checked by vital.validators, whole-config
rules by program.checks.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from vital import facts, refusal, secrets, validators
from vital.names import (
    ALWAYS_HELD_SECRETS,
    CORS_VARIABLE,
    DNS_ON_VERCEL_KEY,
    DNS_ZONE_KEY,
    HELD_WHEN_SET_SECRETS,
    SECRET_TEXT,
)
from vital.tiers import SHARED, TIER_DEFAULTS, Tier

from . import checks
from .types import (
    AdminPath,
    AllowlistCidr,
    AppName,
    Branch,
    CheckName,
    Cidr,
    Command,
    CorsOrigin,
    DnsZone,
    Domain,
    EnvName,
    EnvValue,
    Flag,
    GitHubId,
    GitHubOwner,
    GitHubRepo,
    HeaderName,
    HeaderValue,
    Items,
    RelativePath,
    Seconds,
    Text,
    VercelSlug,
)


class _Model(BaseModel):
    # Strict where it matters is in the field types (program/types.py): a bool is not a number,
    # a list is not a string. Containers stay lax so a JSON list can fill a tuple. defer_build: the
    # validators are built once, at the first validation, not at import for every nested model (issue 28).
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class AppConfig(_Model):
    """One Vercel project per tier: the root app, or a standalone app in its own folder."""

    name: AppName
    root_directory: RelativePath | None = Field(None, alias="rootDirectory")
    domains: Items[Domain] = ()
    env: dict[EnvName, EnvValue] = {}


DEFAULT_APPS = (AppConfig(name="vital-expert"),)


class AppAdoption(_Model):
    """An existing Vercel project to import instead of creating (today's single project)."""

    project_id: Text = Field(alias="projectId")
    # Vercel's ids of existing env vars, by key (`GET /v10/projects/{id}/env`).
    env_var_ids: dict[EnvName, Text] = Field({}, alias="envVarIds")
    domains: Items[Domain] = ()

    _project_id = field_validator("project_id")(lambda cls, v: validators.vercel_project_id(v))


class Adoption(_Model):
    """What already exists in this tier and is imported (`import_`) rather than created."""

    apps: dict[AppName, AppAdoption] = {}
    github_environment: Flag = Field(False, alias="githubEnvironment")
    branch: Flag = False


AddOn = Literal["password_protection", "preview_deployment_suffix", "observability_plus"]
RateLimitScope = Literal["api", "pages"]  # vital.paths.RATE_LIMIT_SCOPES
UsdPerMonth = Annotated[StrictInt, Field(ge=1)]


class ShareLink(_Model):
    """A shareable link for people outside the team to one protected alias (a branch's URL)."""

    alias: Domain
    expires_in_days: Annotated[StrictInt, Field(ge=1, le=facts.SHAREABLE_LINK_MAX_DAYS)] | None = Field(
        None, alias="expiresInDays"
    )
    rotation: Text | None = None  # change it to rotate the link (the old URL stops working)


class RolloutStage(_Model):
    """One stage of a rolling release: the share of traffic, and minutes until the next stage."""

    percent: StrictInt = Field(ge=0, le=100)
    minutes: StrictInt | None = Field(None, ge=1)


class StackConfig(_Model):
    """The whole of one stack's config, typed. Field aliases are the config keys."""

    stack: str
    tier: Literal["production", "pre-production", "preview"]
    vercel_team: Text = Field(alias="vercel:team")
    vercel_plan: Literal["hobby", "pro", "enterprise"] = Field(SHARED["vercel_plan"], alias="vercelPlan")
    # The team's URL slug, which ends every generated *.vercel.app host of its projects
    # (<project>-<hash>-<slug>.vercel.app, <project>-git-<branch>-<slug>.vercel.app): the preview
    # tier's Supabase redirect patterns are anchored on it (program/resolve.py redirect_urls).
    vercel_team_slug: VercelSlug | None = Field(None, alias="vercelTeamSlug")
    # Pro seats this tier's budget carries (the team's are billed once: production carries them).
    vercel_seats: Annotated[StrictInt, Field(ge=0, le=1000)] = Field(alias="vercelSeats")
    vercel_addons: Items[AddOn] = Field((), alias="vercelAddons")
    github_owner: GitHubOwner = Field(alias="github:owner")
    github_repo: GitHubRepo = Field("vital-expert", alias="githubRepo")
    apps: Items[AppConfig] = Field(DEFAULT_APPS, min_length=1)
    domains: Items[Domain] = ()
    env: dict[EnvName, EnvValue] = {}
    secret_env: dict[EnvName, SecretStr] = Field({}, alias="secretEnv")
    # Tier-dependent keys: a stack file that leaves one out gets its tier's value (Tier.config_defaults).
    function_timeout: Seconds = Field(alias="functionTimeout")
    rate_limit_requests: Seconds = Field(alias="rateLimitRequests", ge=1, le=10**9)
    rate_limit_period: Seconds = Field(SHARED["rate_limit_period_s"], alias="rateLimitPeriod", ge=1, le=86400)
    rate_limit_scope: Items[RateLimitScope] = Field(alias="rateLimitScope")
    # Pages a shared cache (Vercel's CDN) may keep for everyone: opt-in, none by default.
    public_cache_paths: Items[StrictStr] = Field((), alias="publicCachePaths")
    noindex: Flag
    security_headers: Flag = Field(alias="securityHeaders")
    csp_report_only: Flag = Field(alias="cspReportOnly")
    # An https endpoint that receives the CSP's violation reports (e.g. Sentry's security endpoint).
    csp_report_uri: StrictStr | None = Field(None, alias="cspReportUri")
    headers: dict[HeaderName, HeaderValue] = Field({}, max_length=facts.LIST_MAX_ITEMS)
    cors_allowed_origins: Items[CorsOrigin] = Field(alias="corsAllowedOrigins")
    production_branch: Branch = Field(alias="productionBranch")
    region: StrictStr = SHARED["region"]
    build_command: Command = Field(SHARED["build_command"], alias="buildCommand")
    install_command: Command = Field(SHARED["install_command"], alias="installCommand")
    output_directory: RelativePath = Field(SHARED["output_directory"], alias="outputDirectory")
    preview_expiration: StrictStr = Field(SHARED["preview_expiration"], alias="previewExpiration")
    preview_deployment_suffix: StrictStr | None = Field(None, alias="previewDeploymentSuffix")
    # DNS (docs/dns.md): the zone holding the custom domains, and whether it is on Vercel's
    # nameservers (then the program manages each domain's record; otherwise it only exports them).
    dns_on_vercel: Flag = Field(False, alias=DNS_ON_VERCEL_KEY)
    dns_zone: DnsZone | None = Field(None, alias=DNS_ZONE_KEY)
    vercel_authentication: StrictStr = Field(alias="vercelAuthentication")
    protection_password: SecretStr | None = Field(None, alias="protectionPassword")
    trusted_ips: Items[AllowlistCidr] = Field((), alias="trustedIps")
    share_links: Items[ShareLink] = Field((), alias="shareLinks")
    admin_allowlist: Items[AllowlistCidr] = Field((), alias="adminAllowlist")
    admin_paths: Items[AdminPath] = Field(SHARED["admin_paths"], alias="adminPaths", min_length=1)
    # GitHub user ids (`gh api users/LOGIN --jq .id`): the environment API takes ids, not logins.
    required_reviewers: Items[GitHubId] = Field((), alias="requiredReviewers")
    # The GitHub organization's plan and the app repository's visibility: together they decide
    # whether GitHub enforces environment reviewers (facts.GITHUB_ENVIRONMENT_FEATURES).
    github_plan: StrictStr = Field(SHARED["github_plan"], alias="githubPlan")
    github_repo_visibility: StrictStr = Field(SHARED["github_repo_visibility"], alias="githubRepoVisibility")
    required_checks: Items[CheckName] = Field(SHARED["required_checks"], alias="requiredChecks")
    # Production's only: a Vercel token acts on the whole team (program.delivery_checks._check_team_token).
    vercel_deploy_token: SecretStr | None = Field(None, alias="vercelDeployToken")
    # Data services: the tier's Supabase project (settings managed) and Upstash Redis.
    supabase_project_ref: StrictStr = Field(alias="supabaseProjectRef")
    # The tier's Postgres connection string, for the app repository's migration job (GitHub
    # environment secret SUPABASE_DB_URL): `supabase db push` needs it, not the service-role key.
    supabase_db_url: SecretStr = Field(alias="supabaseDbUrl")
    # secretEnv keys the app repository's workflow jobs need too, copied into the GitHub environment.
    environment_secrets: Items[EnvName] = Field((), alias="environmentSecrets")
    supabase_anon_key: Text | None = Field(None, alias="supabaseAnonKey")
    # Supavisor's pool (UpdateSupavisorConfigBody.default_pool_size: 0-3000); program.checks holds it to
    # the compute's connections, and refuses 0.
    supabase_pool_size: StrictInt = Field(alias="supabasePoolSize", ge=0, le=3000)
    supabase_compute: StrictStr = Field(alias="supabaseCompute")
    supabase_allowed_cidrs: Items[Cidr] = Field((), alias="supabaseAllowedCidrs")
    supabase_backups: StrictStr = Field(alias="supabaseBackups")
    # Who deploys the app: Vercel's Git integration, or the app repository's workflows.
    deploy_from: Literal["vercel-git", "github-actions"] = Field("vercel-git", alias="deployFrom")
    adopt: Adoption = Adoption()
    # Secret key -> ISO date it was last rotated (strategy: rotate every 90 days).
    secret_rotation: dict[Text, date] = Field({}, alias="secretRotation")
    upstash_primary_region: StrictStr = Field(SHARED["upstash_primary_region"], alias="upstashPrimaryRegion")
    upstash_budget: UsdPerMonth | None = Field(alias="upstashBudget")
    vercel_budget: UsdPerMonth = Field(alias="vercelBudget")
    supabase_budget: UsdPerMonth = Field(alias="supabaseBudget")
    # Releases and resilience (tier table; program.checks holds them to the plan and the provider).
    rollout_stages: tuple[RolloutStage, ...] = Field(alias="rolloutStages")
    rollout_advancement: Literal["automatic", "manual-approval"] = Field(
        SHARED["rollout_advancement"], alias="rolloutAdvancement"
    )
    skew_protection: StrictStr | None = Field(alias="skewProtection")
    function_failover: StrictBool = Field(alias="functionFailover")
    prioritise_production_builds: StrictBool = Field(
        SHARED["prioritise_production_builds"], alias="prioritiseProductionBuilds"
    )
    build_machine_type: StrictStr = Field(alias="buildMachineType")
    node_version: StrictStr = Field(alias="nodeVersion")
    # Alerts on the strategy's SLOs, and where they go (none set: the team's owners, by Vercel).
    error_alert: StrictBool = Field(alias="errorAlert")
    latency_alert_p95_ms: Annotated[StrictInt, Field(ge=1, le=60000)] | None = Field(alias="latencyAlertP95Ms")
    alert_slack_channel_id: StrictStr | None = Field(None, alias="alertSlackChannelId")
    alert_webhook_url: SecretStr | None = Field(None, alias="alertWebhookUrl")

    # ---- the tier's defaults, resolved once, before any field is checked ----

    @model_validator(mode="before")
    @classmethod
    def _tier_defaults(cls, data: Any) -> Any:
        tier = TIER_DEFAULTS.get(str(data.get("tier"))) if isinstance(data, dict) else None
        if tier is None:
            return data
        data = dict(data)
        names = {(field.alias or name): name for name, field in cls.model_fields.items()}
        for key, value in tier.config_defaults().items():
            if key not in data and names[key] not in data:
                data[key] = value
        return data

    # ---- field checks: each raises ValueError whose text says what is allowed ----

    @field_validator(
        "preview_deployment_suffix",
        "alert_slack_channel_id",
        "dns_zone",
        "csp_report_uri",
        "vercel_team_slug",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, v):
        return None if v == "" else v  # Pulumi.yaml declares "" as "none"

    _suffix = field_validator("preview_deployment_suffix")(lambda cls, v: v if v is None else validators.domain(v))
    _upstash_region = field_validator("upstash_primary_region")(lambda cls, v: validators.upstash_region(v))
    _team = field_validator("vercel_team")(lambda cls, v: validators.vercel_team(v))
    _region = field_validator("region")(lambda cls, v: validators.vercel_region(v))
    _retention = field_validator("preview_expiration")(lambda cls, v: validators.retention(v))
    _auth = field_validator("vercel_authentication")(lambda cls, v: validators.vercel_authentication(v))
    _supabase_ref = field_validator("supabase_project_ref")(lambda cls, v: validators.supabase_ref(v))
    _backups = field_validator("supabase_backups")(lambda cls, v: validators.backup_policy(v))
    _compute = field_validator("supabase_compute")(lambda cls, v: validators.one_of(v, tuple(facts.SUPABASE_COMPUTE)))
    _github_plan = field_validator("github_plan")(lambda cls, v: validators.one_of(v, facts.GITHUB_PLANS))
    _visibility = field_validator("github_repo_visibility")(
        lambda cls, v: validators.one_of(v, facts.GITHUB_VISIBILITIES)
    )
    _csp_report_uri = field_validator("csp_report_uri")(lambda cls, v: v if v is None else validators.report_uri(v))
    _node = field_validator("node_version")(lambda cls, v: validators.node_version(v))
    _reviewers = field_validator("required_reviewers")(lambda cls, v: validators.reviewer_count(v))

    @field_validator("secret_rotation", mode="before")
    @classmethod
    def _iso_dates(cls, v: Any) -> Any:
        if isinstance(v, dict):
            for key, when in v.items():
                if isinstance(when, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", when):
                    refusal.fail(
                        f"secretRotation.{key}",
                        when,
                        "allowed: a date written YYYY-MM-DD in quotes, such as '2026-11-02' (unquoted, YAML "
                        "reads it as a timestamp, which the CLI passes on as the text found)",
                    )
        return v

    @field_validator("supabase_anon_key")
    @classmethod
    def _anon_key(cls, v: str | None) -> str | None:
        if v is not None and (secrets.looks_secret_value(v) or not secrets.is_supabase_anon_key(v)):
            # What was refused may be the secret or service-role key pasted in the wrong place: a
            # credential or another role's JWT is never shown.
            shown = SECRET_TEXT if secrets.looks_secret_value(v) or secrets.jwt_role(v) is not None else v
            refusal.fail(
                "supabaseAnonKey",
                shown,
                "allowed: the project's public key only: the anon JWT (role anon) or a publishable key "
                "(sb_publishable_...); a secret or service-role key goes in secretEnv",
            )
        return v

    # ---- derived values ----

    @property
    def tier_defaults(self) -> Tier:
        return TIER_DEFAULTS[self.tier]

    @property
    def limits(self) -> facts.PlanLimits:
        return facts.VERCEL_PLANS[self.vercel_plan]

    @property
    def max_function_timeout(self) -> int:
        return min(self.tier_defaults.function_timeout_s, self.limits.max_function_duration_s)

    def github_feature(self, feature: str) -> bool:
        """Whether GitHub offers an environment feature for this repository on this plan."""
        return self.github_repo_visibility in facts.GITHUB_ENVIRONMENT_FEATURES[feature][self.github_plan]

    def feature_allowed(self, feature: str) -> bool:
        availability = facts.FEATURE_AVAILABILITY[feature][self.vercel_plan]
        return availability == "yes" or (availability == "addon" and feature in self.vercel_addons)

    def app_domains(self, index: int) -> tuple[str, ...]:
        """Stack-level `domains` belong to the first app; other apps list their own."""
        app = self.apps[index]
        return app.domains or (self.domains if index == 0 else ())

    def app_env(self, app: AppConfig) -> dict[str, str]:
        """Plain env vars for one app: tier defaults, then the stack's, then the app's."""
        env = dict(self.tier_defaults.env)
        env.update(self.env)
        env.update(app.env)
        env[CORS_VARIABLE] = ",".join(self.cors_allowed_origins)
        return env

    def secret_names(self) -> list[str]:
        """Every secret this stack holds: config-level secrets and secretEnv keys."""
        names = [*ALWAYS_HELD_SECRETS, *self.secret_env]
        held = {
            "vercelDeployToken": self.vercel_deploy_token,
            "protectionPassword": self.protection_password,
            "alertWebhookUrl": self.alert_webhook_url,
        }
        return names + [key for key in HELD_WHEN_SET_SECRETS if held[key] is not None]

    # ---- whole-config checks: each names the key it is about ----

    @model_validator(mode="after")
    def _cross_checks(self) -> StackConfig:
        checks.run_all(self)
        return self
