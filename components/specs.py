"""What each component is given: small, typed, frozen specs, resolved once from the stack config.

A component takes only its own spec (and the Outputs of other components it is wired to),
never the whole stack's config, so it can be built and tested on its own. The program
(program/resolve.py) turns the stack config and the tier table into these specs; the checks
here are each component's own invariants, whatever config produced the spec.

One home per rule (issue 26): a rule on a value that comes from a config key (a rollout's stages,
the skew-protection window, the build machine, the node version, the protection mode, the
advancement) is the config model's (program/config.py, program/checks.py), which names the key
in its one-line error; a spec does not check it again. The policy pack judges the same limits on
its own, from vital.facts, as CrossGuard's independent guard.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from vital.dns import DNS_RECORD_COMMENT_MAX, DNS_RECORD_TTL_MAX_S, DNS_RECORD_TTL_MIN_S, DNS_RECORD_TTL_S
from vital.facts import (
    ALERT_SEVERITIES,
    ALERT_WINDOWS,
    DEPLOYMENT_CHECK_REQUIRES,
    ENV_TARGETS,
    ROUTE_CONDITION_TYPES,
    ROUTE_SRC_SYNTAXES,
)


class Spec(BaseModel):
    # defer_build: a spec's validator is built when one is first made, not when this module is
    # imported: pydantic otherwise builds every model's schema at class creation, nested ones
    # again inside each model that holds them, and a stack uses some of them only (issue 28).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# ---- Vercel ------------------------------------------------------------------------------------


class GitRepositorySpec(Spec):
    repo: str  # owner/name
    production_branch: str


class VercelProjectSpec(Spec):
    name: str
    framework: str = "nextjs"
    git: GitRepositorySpec | None  # None: the app repository's workflows deploy
    root_directory: str | None = None
    build_command: str
    install_command: str
    output_directory: str
    ignore_command: str | None = None
    preview_deployments_disabled: bool
    preview_deployment_suffix: str | None = None
    # The provider accepts 1 to 900 s; config functionTimeout's rule (program/checks.py) holds it
    # to the tier's and the plan's limit, within those.
    function_timeout_s: int
    regions: tuple[str, ...] = Field(min_length=1)
    authentication: str
    password: SecretStr | None = None
    trusted_ips: tuple[str, ...] = ()
    import_id: str | None = None
    # Resilience and builds; None leaves the project's own setting. authentication, skew_protection,
    # build_machine_type and node_version are held to vital.facts' lists by the config model.
    skew_protection: str | None = None
    function_failover: bool | None = None
    prioritise_production_builds: bool | None = None
    build_machine_type: str | None = None
    node_version: str | None = None


class EnvVarsSpec(Spec):
    plain: dict[str, str] = {}
    secret: dict[str, SecretStr] = {}
    targets: tuple[str, ...]
    # Vercel's id of an existing variable to import, by key (team-scoped import id).
    import_ids: dict[str, str] = {}

    @model_validator(mode="after")
    def _consistent(self) -> EnvVarsSpec:
        both = set(self.plain) & set(self.secret)
        if both:
            raise ValueError(f"keys both plain and secret: {sorted(both)}")
        if not self.targets or not set(self.targets) <= set(ENV_TARGETS):
            raise ValueError(f"targets {self.targets} are not a non-empty subset of {ENV_TARGETS}")
        if self.secret and "development" in self.targets:
            raise ValueError("Vercel refuses sensitive variables that target development")
        return self


class DomainSpec(Spec):
    name: str
    import_id: str | None = None


class RouteCondition(Spec):
    """A route's `has` / `missing` entry."""

    type: str
    key: str | None = None
    value: str | None = None

    @model_validator(mode="after")
    def _known_type(self) -> RouteCondition:
        if self.type not in ROUTE_CONDITION_TYPES:
            raise ValueError(f"condition type {self.type!r} is not one of {ROUTE_CONDITION_TYPES}")
        return self


class HeaderRule(Spec):
    """A project route that sets response headers on the paths `src` matches."""

    name: str  # the provider's 1 to 256 characters: program/name_checks.py holds every derived name to them
    src: str
    src_syntax: str  # set explicitly: Vercel infers it otherwise, and a lookahead needs "regex"
    headers: dict[str, str]
    has: tuple[RouteCondition, ...] = ()  # every one must hold
    missing: tuple[RouteCondition, ...] = ()  # none may hold

    @model_validator(mode="after")
    def _known_syntax(self) -> HeaderRule:
        if self.src_syntax not in ROUTE_SRC_SYNTAXES:
            raise ValueError(f"src_syntax {self.src_syntax!r} is not one of {ROUTE_SRC_SYNTAXES}")
        return self


class FirewallRule(Spec):
    name: str = Field(min_length=4, max_length=160)  # the provider's bounds
    description: str = Field(max_length=260)
    # Groups are ORed, the conditions inside a group ANDed.
    condition_groups: tuple[tuple[dict, ...], ...] = Field(min_length=1)
    action: dict

    @model_validator(mode="after")
    def _no_empty_group(self) -> FirewallRule:
        if any(not group for group in self.condition_groups):
            raise ValueError("a condition group needs at least one condition")
        return self


class RetentionSpec(Spec):
    # preview is config previewExpiration's (held to facts.RETENTION_VALUES by the config model); the
    # others are facts.RETENTION_PROVIDER_DEFAULTS, which tests/vital hold to the same list.
    preview: str
    production: str
    errored: str
    canceled: str


class RolloutStageSpec(Spec):
    # Bounds and order are config rolloutStages' rules (program/config.py RolloutStage, program/checks.py).
    percent: int
    minutes: int | None = None  # until the next stage (automatic advancement)


class ReleaseSpec(Spec):
    """How a project's production deployments are released: gated, and staged."""

    # GitHub check runs (names as the app repository's workflows report them) the alias waits for.
    checks: tuple[str, ...] = ()
    requires: str = "none"  # they run on the commit in GitHub, not against the deployment
    # none: every deployment serves all traffic at once. The stages and the advancement come from
    # config rolloutStages and rolloutAdvancement, whose rules are program.delivery_checks._check_release's.
    stages: tuple[RolloutStageSpec, ...] = ()
    advancement: str = "automatic"

    @model_validator(mode="after")
    def _valid(self) -> ReleaseSpec:
        if self.requires not in DEPLOYMENT_CHECK_REQUIRES:  # no config key sets it: this is its one check
            raise ValueError(f"requires {self.requires!r} is not one of {DEPLOYMENT_CHECK_REQUIRES}")
        return self


class AlertsSpec(Spec):
    """A project's alerts on the strategy's SLOs and where they are sent."""

    error_anomaly: bool  # Vercel's built-in 5xx error alert
    severity: str = "medium"
    # A custom threshold on the functions' p95 duration; its bounds are config latencyAlertP95Ms's type.
    p95_ms: int | None = None
    window: str = "5m"
    slack_channel_id: str | None = None
    webhook_url: SecretStr | None = None

    @model_validator(mode="after")
    def _valid(self) -> AlertsSpec:
        if self.severity not in ALERT_SEVERITIES or self.window not in ALERT_WINDOWS:
            raise ValueError(f"severity {self.severity!r} / window {self.window!r} not allowed")
        return self

    @property
    def any(self) -> bool:
        return self.error_anomaly or self.p95_ms is not None


class VercelAppSpec(Spec):
    project: VercelProjectSpec
    env: EnvVarsSpec
    domains: tuple[DomainSpec, ...] = ()
    routes: tuple[HeaderRule, ...] = ()
    firewall: tuple[FirewallRule, ...] = ()
    retention: RetentionSpec
    release: ReleaseSpec = ReleaseSpec()
    alerts: AlertsSpec = AlertsSpec(error_anomaly=False)
    # Production: the project and its domains are protected (losing them cuts traffic).
    protect: bool = False

    @model_validator(mode="after")
    def _unique_names(self) -> VercelAppSpec:
        # Each domain once is config domains' rule (program.checks._check_collisions).
        for what, names in (
            ("route", [r.name for r in self.routes]),
            ("firewall rule", [r.name for r in self.firewall]),
        ):
            if len(names) != len(set(names)):
                raise ValueError(f"each {what} once; found {names}")
        return self


class ShareLinkSpec(Spec):
    """A shareable link to one protected alias (a branch's or a deployment's URL)."""

    alias: str
    # None: no expiry. The provider's 1 to 63072000 s are config shareLinks[].expiresInDays' type
    # (1 to facts.SHAREABLE_LINK_MAX_DAYS days, program/config.py ShareLink).
    ttl_seconds: int | None = None
    rotation: str | None = None  # change it to rotate the link


class PreviewAccessSpec(Spec):
    """Who gets past Deployment Protection: automation by a bypass per project, people by links."""

    bypass_apps: tuple[str, ...] = ()  # app names whose projects get an automation bypass
    links: tuple[ShareLinkSpec, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> PreviewAccessSpec:
        aliases = [link.alias for link in self.links]
        if len(aliases) != len(set(aliases)) or len(self.bypass_apps) != len(set(self.bypass_apps)):
            raise ValueError("each alias and each app once: Vercel keeps one link per alias")
        return self

    @property
    def any(self) -> bool:
        return bool(self.bypass_apps or self.links)


# ---- DNS ---------------------------------------------------------------------------------------


class DnsRecordSpec(Spec):
    """The record one custom domain needs, in the zone that holds it."""

    domain: str  # the custom domain it serves
    zone: str
    name: str  # relative to the zone; "" at its apex
    type: Literal["A", "CNAME"]
    value: str = Field(min_length=1)
    ttl_s: int = Field(DNS_RECORD_TTL_S, ge=DNS_RECORD_TTL_MIN_S, le=DNS_RECORD_TTL_MAX_S)
    comment: str = Field("", max_length=DNS_RECORD_COMMENT_MAX)

    @model_validator(mode="after")
    def _in_its_zone(self) -> DnsRecordSpec:
        if (f"{self.name}.{self.zone}" if self.name else self.zone) != self.domain:
            raise ValueError(f"name {self.name!r} in zone {self.zone!r} is not {self.domain!r}")
        if self.type == "CNAME" and not self.name:
            raise ValueError(f"a CNAME cannot sit at the apex of zone {self.zone!r}")
        return self


class DnsRecordsSpec(Spec):
    """Every custom domain's record. `managed`: the zone is on Vercel's nameservers and the program
    creates them; otherwise they are only exported, for whoever holds the zone."""

    records: tuple[DnsRecordSpec, ...] = ()
    managed: bool = False
    # Production: losing a record takes the domain off the internet.
    protect: bool = False  # each domain once is config domains' rule (program.checks._check_collisions)


# ---- GitHub ------------------------------------------------------------------------------------


class GitHubEnvironmentSpec(Spec):
    repository: str
    environment: str
    # The only branch that may deploy here; None lets any branch deploy (preview: PR branches).
    branch_pattern: str | None
    reviewers: tuple[int, ...] = ()
    can_admins_bypass: bool
    protect: bool = False
    import_id: str | None = None
    # Environment secrets by name (deploy token, team id, the database URL for migrations).
    secrets: dict[str, SecretStr] = {}
    # Plain environment variables by name (the Supabase project ref).
    variables: dict[str, str] = {}


class RulesetSpec(Spec):
    name: str
    required_approvals: int = Field(ge=0, le=10)
    required_checks: tuple[str, ...]


class GitHubBranchSpec(Spec):
    repository: str
    branch: str
    # The branch it is cut from when this stack creates it; None: it exists (main).
    source_branch: str | None = None
    import_id: str | None = None
    ruleset: RulesetSpec | None = None


# ---- data services -----------------------------------------------------------------------------


class CacheSpec(Spec):
    """The tier's own Redis database (every tier owns one)."""

    database_name: str
    primary_region: str
    eviction: bool
    # Monthly budget in USD; None leaves the provider's default ($20, vital.facts).
    budget_usd: int | None = None  # at least 1: config upstashBudget's type (program/config.py)
    # Production's data must survive any stack mistake.
    protect: bool = False
    retain_on_delete: bool = False


class SupabaseProjectSpec(Spec):
    project_ref: str
    # UpdateSupavisorConfigBody.default_pool_size (0-3000): config supabasePoolSize's rules hold it to 1 to
    # the compute's share (program/checks.py _check_database).
    pool_size: int
    site_url: str
    uri_allow_list: tuple[str, ...]
    allowed_cidrs: tuple[str, ...] | None = None  # None: network restrictions unmanaged
    backup_policy: str
    anon_key: str | None = None  # public by design (row-level security guards the data)
    protect: bool = False
