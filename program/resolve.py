"""From the stack's config to each component's spec: tier defaults and plan facts applied once.

Every decision about what a tier gets (which branch builds, which targets an env var has,
what is protected, what is imported) is made here; the components only build resources
from the specs they are handed.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from components.specs import (
    AlertsSpec,
    CacheSpec,
    DnsRecordSpec,
    DnsRecordsSpec,
    DomainSpec,
    EnvVarsSpec,
    GitHubBranchSpec,
    GitHubEnvironmentSpec,
    GitRepositorySpec,
    PreviewAccessSpec,
    ReleaseSpec,
    RetentionSpec,
    RolloutStageSpec,
    RulesetSpec,
    ShareLinkSpec,
    SupabaseProjectSpec,
    VercelAppSpec,
    VercelProjectSpec,
)
from vital import dns
from vital.facts import RETENTION_PROVIDER_DEFAULTS, VERCEL_GIT_BRANCH_VARIABLE
from vital.names import (
    PROJECT,
    SUPABASE_DB_URL_SECRET,
    SUPABASE_PROJECT_REF_VARIABLE,
    VERCEL_ORG_SECRET,
    VERCEL_TOKEN_SECRET,
    redis_database_name,
    vercel_project_name,
)
from vital.tiers import SHARED, TIER_DEFAULTS

from .config import AppConfig, StackConfig
from .vercel_rules import firewall_rules, header_rules


@dataclass(frozen=True)
class StackSpecs:
    """Everything one stack builds, as specs."""

    tier: str
    apps: tuple[tuple[str, VercelAppSpec], ...]  # (app name, spec), in config order
    supabase: SupabaseProjectSpec
    cache: CacheSpec
    environment: GitHubEnvironmentSpec
    branch: GitHubBranchSpec | None
    access: PreviewAccessSpec
    dns: DnsRecordsSpec


def resolve(cfg: StackConfig) -> StackSpecs:
    return StackSpecs(
        tier=cfg.tier,
        apps=tuple((app.name, vercel_app(cfg, i)) for i, app in enumerate(cfg.apps)),
        supabase=supabase_project(cfg),
        cache=cache(cfg),
        environment=github_environment(cfg),
        branch=github_branch(cfg),
        access=preview_access(cfg),
        dns=dns_records(cfg),
    )


# ---- Vercel ------------------------------------------------------------------------------------


def env_targets(cfg: StackConfig) -> tuple[str, ...]:
    # Production and pre-production projects have production deployments only; the preview
    # project's staging branch is its production target and PR branches its previews.
    # Never "development": Vercel refuses sensitive variables there.
    return ("production", "preview") if cfg.tier_defaults.builds_pr_branches else ("production",)


def git_connected(cfg: StackConfig) -> bool:
    """One deployer per tier: Vercel's Git integration, or the app repo's workflows."""
    return cfg.deploy_from == "vercel-git"


def ignore_command(cfg: StackConfig) -> str | None:
    """Which pushes the project skips (Vercel: the command exiting 0 skips the build, 1 builds).

    A single-branch tier builds only its own branch. The preview tier builds every branch except
    the other tiers' own (strategy: "all branches except main and pre-production"), which would
    otherwise build a second time here, with preview's secrets.
    """
    if not git_connected(cfg):
        return None
    ref = f'"${VERCEL_GIT_BRANCH_VARIABLE}"'
    if cfg.tier_defaults.builds_pr_branches:
        others = [t.production_branch for t in TIER_DEFAULTS.values() if not t.builds_pr_branches]
        return " || ".join(f'[ {ref} = "{branch}" ]' for branch in others)
    return f'[ {ref} != "{cfg.production_branch}" ]'


def _import_id(cfg: StackConfig, app: AppConfig, *parts: str) -> str | None:
    """Vercel's team-scoped import id, `team_x/prj_y[/...]`, when the project is adopted."""
    adoption = cfg.adopt.apps.get(app.name)
    if adoption is None:
        return None
    return "/".join((cfg.vercel_team, adoption.project_id, *parts))


def vercel_project(cfg: StackConfig, app: AppConfig) -> VercelProjectSpec:
    git = GitRepositorySpec(repo=f"{cfg.github_owner}/{cfg.github_repo}", production_branch=cfg.production_branch)
    return VercelProjectSpec(
        name=vercel_project_name(app.name, cfg.tier_defaults.project_suffix),
        git=git if git_connected(cfg) else None,
        root_directory=app.root_directory,
        build_command=cfg.build_command,
        install_command=cfg.install_command,
        output_directory=cfg.output_directory,
        ignore_command=ignore_command(cfg),
        preview_deployments_disabled=not cfg.tier_defaults.builds_pr_branches,
        preview_deployment_suffix=cfg.preview_deployment_suffix,
        function_timeout_s=cfg.function_timeout,
        regions=(cfg.region,),
        authentication=cfg.vercel_authentication,
        password=cfg.protection_password,
        trusted_ips=cfg.trusted_ips,
        import_id=_import_id(cfg, app),
        skew_protection=cfg.skew_protection,
        function_failover=cfg.function_failover,
        prioritise_production_builds=cfg.prioritise_production_builds,
        build_machine_type=cfg.build_machine_type,
        node_version=cfg.node_version,
    )


def preview_access(cfg: StackConfig) -> PreviewAccessSpec:
    """An automation bypass on each project of the tier that runs end-to-end tests against its
    protected deployments, and the share links the stack lists."""
    return PreviewAccessSpec(
        bypass_apps=tuple(app.name for app in cfg.apps) if cfg.tier_defaults.automation_bypass else (),
        links=tuple(
            ShareLinkSpec(
                alias=link.alias,
                rotation=link.rotation,
                ttl_seconds=link.expires_in_days * 86400 if link.expires_in_days else None,
            )
            for link in cfg.share_links
        ),
    )


def release(cfg: StackConfig) -> ReleaseSpec:
    """Production waits for the repository's required checks and rolls out in the tier's stages."""
    return ReleaseSpec(
        checks=cfg.required_checks if cfg.tier_defaults.gates_releases else (),
        stages=tuple(RolloutStageSpec(percent=s.percent, minutes=s.minutes) for s in cfg.rollout_stages),
        advancement=cfg.rollout_advancement,
    )


def alerts(cfg: StackConfig) -> AlertsSpec:
    return AlertsSpec(
        error_anomaly=cfg.error_alert,
        severity=SHARED["alert_min_severity"],
        p95_ms=cfg.latency_alert_p95_ms,
        slack_channel_id=cfg.alert_slack_channel_id,
        webhook_url=cfg.alert_webhook_url,
    )


def env_vars(cfg: StackConfig, app: AppConfig) -> EnvVarsSpec:
    adoption = cfg.adopt.apps.get(app.name)
    env_ids = adoption.env_var_ids if adoption else {}
    return EnvVarsSpec(
        plain=cfg.app_env(app),
        secret=dict(cfg.secret_env),
        targets=env_targets(cfg),
        import_ids={key: _import_id(cfg, app, env_id) for key, env_id in env_ids.items()},
    )


def vercel_app(cfg: StackConfig, index: int) -> VercelAppSpec:
    app = cfg.apps[index]
    adoption = cfg.adopt.apps.get(app.name)
    adopted = adoption.domains if adoption else ()
    return VercelAppSpec(
        project=vercel_project(cfg, app),
        env=env_vars(cfg, app),
        domains=tuple(
            DomainSpec(name=d, import_id=_import_id(cfg, app, d) if d in adopted else None)
            for d in cfg.app_domains(index)
        ),
        routes=header_rules(cfg, cfg.app_domains(index)),
        firewall=firewall_rules(cfg),
        # Set all four: the provider writes its own default into any field left unset.
        retention=RetentionSpec(preview=cfg.preview_expiration, **RETENTION_PROVIDER_DEFAULTS),
        release=release(cfg),
        alerts=alerts(cfg),
        protect=cfg.tier_defaults.protect,
    )


def dns_records(cfg: StackConfig) -> DnsRecordsSpec:
    """Every custom domain's record, in config order; created only where the zone is on Vercel's nameservers."""
    records = []
    for i, app in enumerate(cfg.apps):
        project = vercel_project_name(app.name, cfg.tier_defaults.project_suffix)
        for domain in cfg.app_domains(i):
            record = dns.record_for(domain, cfg.dns_zone)
            records.append(
                DnsRecordSpec(
                    domain=domain,
                    zone=record.zone,
                    name=record.name,
                    type=record.type,
                    value=record.value,
                    comment=f"{domain} to Vercel project {project}; managed by Pulumi ({PROJECT}, stack {cfg.stack})",
                )
            )
    return DnsRecordsSpec(records=tuple(records), managed=cfg.dns_on_vercel, protect=cfg.tier_defaults.protect)


# ---- data services -----------------------------------------------------------------------------


def site_url(cfg: StackConfig) -> str:
    domains = cfg.app_domains(0)
    if domains:
        return f"https://{domains[0]}"
    return f"https://{vercel_project_name(cfg.apps[0].name, cfg.tier_defaults.project_suffix)}.vercel.app"


def redirect_urls(cfg: StackConfig) -> tuple[str, ...]:
    """Every app domain, and on the preview tier the hosts of its preview deployments.

    With a preview deployment suffix, previews live under a domain the team owns: `*.<suffix>`, and
    no *.vercel.app pattern at all. Without one, Vercel's generated hosts end in the team's slug
    (vercel.com/docs/deployments/generated-urls: <project>-<hash>-<slug>.vercel.app and
    <project>-git-<branch>-<slug>.vercel.app), and each pattern is anchored on it; without the slug
    (config vercelTeamSlug) no *.vercel.app pattern is written at all. Supabase's `*`
    matches any run of characters but the separators `.` and `/`
    (supabase.com/docs/guides/auth/redirect-urls, "Use wildcards in redirect URLs"), so `*` stays
    inside the one host label, never reaching another domain.
    """
    urls = [f"https://{d}/**" for i in range(len(cfg.apps)) for d in cfg.app_domains(i)]
    if cfg.tier_defaults.builds_pr_branches:
        suffix = cfg.tier_defaults.project_suffix
        if cfg.preview_deployment_suffix:
            urls.append(f"https://*.{cfg.preview_deployment_suffix}/**")
        elif cfg.vercel_team_slug:
            urls += [
                f"https://{vercel_project_name(app.name, suffix)}-*-{cfg.vercel_team_slug}.vercel.app/**"
                for app in cfg.apps
            ]
    return tuple(urls or [site_url(cfg) + "/**"])


def supabase_project(cfg: StackConfig) -> SupabaseProjectSpec:
    return SupabaseProjectSpec(
        project_ref=cfg.supabase_project_ref,
        pool_size=cfg.supabase_pool_size,
        site_url=site_url(cfg),
        uri_allow_list=redirect_urls(cfg),
        allowed_cidrs=cfg.supabase_allowed_cidrs or None,
        backup_policy=cfg.supabase_backups,
        anon_key=cfg.supabase_anon_key,
        protect=cfg.tier_defaults.protect,
    )


def cache(cfg: StackConfig) -> CacheSpec:
    """The tier's own database; preview's is the one every PR deployment of the tier shares."""
    tier = cfg.tier_defaults
    return CacheSpec(
        database_name=redis_database_name(tier.project_suffix),
        primary_region=cfg.upstash_primary_region,
        eviction=not tier.protect,  # production keeps keys; caches may evict
        budget_usd=cfg.upstash_budget,
        protect=tier.protect,
        retain_on_delete=tier.protect,
    )


# ---- GitHub ------------------------------------------------------------------------------------


def github_environment(cfg: StackConfig) -> GitHubEnvironmentSpec:
    tier = cfg.tier_defaults
    secrets = {
        # Production's environment only: the token acts on the whole team (program.checks), and the
        # preview environment, which any branch of the app repository may name, holds none.
        **({VERCEL_TOKEN_SECRET: cfg.vercel_deploy_token} if cfg.vercel_deploy_token else {}),
        VERCEL_ORG_SECRET: SecretStr(cfg.vercel_team),
        SUPABASE_DB_URL_SECRET: cfg.supabase_db_url,
        **{key: cfg.secret_env[key] for key in cfg.environment_secrets},
    }
    return GitHubEnvironmentSpec(
        repository=cfg.github_repo,
        environment=cfg.tier,
        # Only the preview environment takes any branch: PR branches deploy there.
        branch_pattern=None if tier.builds_pr_branches else cfg.production_branch,
        reviewers=cfg.required_reviewers,
        can_admins_bypass=not tier.protect,
        protect=tier.protect,
        import_id=f"{cfg.github_repo}:{cfg.tier}" if cfg.adopt.github_environment else None,
        secrets=secrets,
        variables={SUPABASE_PROJECT_REF_VARIABLE: cfg.supabase_project_ref},
    )


def github_branch(cfg: StackConfig) -> GitHubBranchSpec | None:
    tier = cfg.tier_defaults
    branch = tier.owns_branch
    if branch is None:
        return None
    source = dict(SHARED["long_lived_branches"]).get(branch)  # main exists with the repository
    ruleset = (
        RulesetSpec(
            name=f"{branch} protection",
            required_approvals=1 if tier.protect else 0,
            required_checks=cfg.required_checks,
        )
        if tier.ruleset_on_branch
        else None
    )
    return GitHubBranchSpec(
        repository=cfg.github_repo,
        branch=branch,
        source_branch=source,
        import_id=f"{cfg.github_repo}:{branch}" if source and cfg.adopt.branch else None,
        ruleset=ruleset,
    )
