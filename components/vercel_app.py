"""VercelApp: one tier's Vercel project with its env vars, domains, headers, firewall and retention."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumiverse_vercel as vercel

from .base import VitalComponent
from .config import AppAdoption, AppConfig, StackConfig
from .vercel_rules import firewall_rules, header_rules


@dataclass(frozen=True)
class VercelAppArgs:
    config: StackConfig
    app: AppConfig
    domains: tuple[str, ...]
    # Extra env vars wired from other resources (data services); secret ones stay Outputs.
    extra_env: dict[str, pulumi.Input[str]] | None = None
    extra_secret_env: dict[str, pulumi.Input[str]] | None = None
    # An existing project (and its env vars and domains) to import instead of creating.
    adoption: AppAdoption | None = None

    def import_id(self, *parts: str) -> str | None:
        """Vercel's team-scoped import id, `team_x/prj_y[/...]`, when the project is adopted."""
        if self.adoption is None:
            return None
        return "/".join((self.config.vercel_team, self.adoption.project_id, *parts))

    @property
    def project_name(self) -> str:
        return f"{self.app.name}-{self.config.tier_defaults.project_suffix}"


def env_targets(cfg: StackConfig) -> list[str]:
    # Production and pre-production projects have production deployments only; the preview
    # project's staging branch is its production target and PR branches its previews.
    # Never "development": Vercel refuses sensitive variables there.
    return ["production", "preview"] if cfg.tier_defaults.builds_pr_branches else ["production"]


def git_connected(cfg: StackConfig) -> bool:
    """One deployer per tier: Vercel's Git integration, or the app repo's workflows."""
    return cfg.deploy_from == "vercel-git"


def ignore_command(cfg: StackConfig) -> str | None:
    """Skip every build but the tier's own branch (Vercel: exit 0 skips, exit 1 builds)."""
    if cfg.tier_defaults.builds_pr_branches or not git_connected(cfg):
        return None
    return f'[ "$VERCEL_GIT_COMMIT_REF" != "{cfg.effective("production_branch")}" ]'


class VercelApp(VitalComponent):
    TYPE = "vital:vercel:VercelApp"

    def __init__(self, name: str, args: VercelAppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        cfg, tier = args.config, args.config.tier_defaults
        # Losing the production project or its domains cuts traffic: protect them.
        keep = {"protect": True} if tier.protect else {}

        # Args classes rather than keyword arguments: the SDK logs its deprecation warnings
        # (serverless_function_region and the like) only from them.
        self.project = vercel.Project(
            self.child("project"),
            vercel.ProjectArgs(
                name=args.project_name,
                framework="nextjs",
                git_repository=vercel.ProjectGitRepositoryArgs(
                    type="github",
                    repo=f"{cfg.github_owner}/{cfg.github_repo}",
                    production_branch=cfg.effective("production_branch"),
                ) if git_connected(cfg) else None,
                root_directory=args.app.root_directory,
                build_command=cfg.build_command,
                install_command=cfg.install_command,
                output_directory=cfg.output_directory,
                ignore_command=ignore_command(cfg),
                preview_deployments_disabled=not tier.builds_pr_branches,
                preview_deployment_suffix=cfg.preview_deployment_suffix,
                resource_config=vercel.ProjectResourceConfigArgs(
                    # The limits table assumes Fluid compute, Vercel's default for new projects.
                    fluid=True,
                    function_default_timeout=cfg.effective("function_timeout"),
                    function_default_regions=[cfg.region],
                ),
                vercel_authentication=vercel.ProjectVercelAuthenticationArgs(
                    deployment_type=cfg.effective("vercel_authentication"),
                ),
                password_protection=(
                    vercel.ProjectPasswordProtectionArgs(
                        deployment_type="all_deployments",
                        password=pulumi.Output.secret(cfg.protection_password.get_secret_value()),
                    )
                    if cfg.protection_password is not None
                    else None
                ),
                trusted_ips=(
                    vercel.ProjectTrustedIpsArgs(
                        addresses=[vercel.ProjectTrustedIpsAddressArgs(value=ip) for ip in cfg.trusted_ips],
                        deployment_type="all_deployments",
                        protection_mode="trusted_ip_required",
                    )
                    if cfg.trusted_ips
                    else None
                ),
                git_fork_protection=True,  # PRs from forks need approval before they build with secrets
                auto_assign_custom_domains=True,
            ),
            opts=self.opts(import_=args.import_id(), **keep),
        )
        project_id = self.project.id

        self.env_vars = self._env_vars(cfg, args, project_id)
        self.domains = [
            vercel.ProjectDomain(
                self.child(f"domain-{domain}"),
                project_id=project_id,
                domain=domain,  # no git_branch: the domain serves the production deployment
                opts=self.opts(import_=args.import_id(domain) if _adopted(args, domain=domain) else None, **keep),
            )
            for domain in args.domains
        ]
        self.routes = [
            vercel.ProjectRoute(
                self.child(f"route-{rule.name}"),
                project_id=project_id,
                name=rule.name,
                # route.headers are response headers: project routing rules use the routes
                # syntax of the Build Output API, where `headers` "attach response headers"
                # (vercel.com/docs/build-output-api/configuration). The provider docstring's
                # "for the matched request" means the request the rule matched.
                route=vercel.ProjectRouteRouteArgs(
                    src=rule.src,
                    headers=rule.headers,
                    has=[vercel.ProjectRouteRouteHaArgs(type="host", value=rule.host)] if rule.host else None,
                ),
                opts=self.opts(),
            )
            for rule in header_rules(cfg)
        ]
        self.firewall = vercel.FirewallConfig(
            self.child("firewall"),
            project_id=project_id,
            enabled=True,
            # FirewallConfig owns the project's whole firewall (a full PUT): rules added in
            # the dashboard are overwritten on the next `pulumi up`.
            rules=vercel.FirewallConfigRulesArgs(
                rules=[
                    vercel.FirewallConfigRulesRuleArgs(
                        name=rule.name,
                        description=rule.description,
                        active=True,
                        condition_groups=[
                            vercel.FirewallConfigRulesRuleConditionGroupArgs(
                                conditions=[vercel.FirewallConfigRulesRuleConditionGroupConditionArgs(**c) for c in rule.conditions]
                            )
                        ],
                        action=_firewall_action(rule.action),
                    )
                    for rule in firewall_rules(cfg)
                ]
            ),
            opts=self.opts(),
        )
        self.retention = vercel.ProjectDeploymentRetention(
            self.child("retention"),
            project_id=project_id,
            expiration_preview=cfg.preview_expiration,
            # Set all four: the provider writes its own default into any field left unset.
            expiration_production="1y",
            expiration_errored="3m",
            expiration_canceled="1m",
            opts=self.opts(),
        )
        self.done({"project_id": project_id, "project_name": self.project.name, "domain_names": list(args.domains)})

    def _env_vars(self, cfg: StackConfig, args: VercelAppArgs, project_id) -> list[pulumi.CustomResource]:
        plain = {**cfg.app_env(args.app), **(args.extra_env or {})}
        secret = {k: pulumi.Output.secret(v.get_secret_value()) for k, v in cfg.secret_env.items()}
        secret.update({k: pulumi.Output.secret(v) for k, v in (args.extra_secret_env or {}).items()})
        targets = env_targets(cfg)
        variables = sorted({**plain, **secret}.items())
        # Vercel answers ENV_ALREADY_EXISTS when a replacement is created before the old
        # variable is deleted (pulumiverse/pulumi-vercel#118): delete first, in both modes.
        if cfg.env_var_mode == "bulk":
            # One resource for all: removing an entry deletes that variable, and destroying
            # the resource deletes every variable it manages.
            return [
                vercel.ProjectEnvironmentVariables(
                    self.child("env"),
                    project_id=project_id,
                    variables=[
                        vercel.ProjectEnvironmentVariablesVariableArgs(key=key, value=value, targets=targets, sensitive=key in secret)
                        for key, value in variables
                    ],
                    opts=self.opts(delete_before_replace=True),
                )
            ]
        return [
            vercel.ProjectEnvironmentVariable(
                self.child(f"env-{key.lower()}"),
                project_id=project_id,
                key=key,
                value=value,
                targets=targets,
                sensitive=key in secret,
                opts=self.opts(delete_before_replace=True, import_=_env_import_id(args, key)),
            )
            for key, value in variables
        ]


def _adopted(args: VercelAppArgs, domain: str) -> bool:
    return args.adoption is not None and domain in args.adoption.domains


def _env_import_id(args: VercelAppArgs, key: str) -> str | None:
    env_id = args.adoption.env_var_ids.get(key) if args.adoption else None
    return args.import_id(env_id) if env_id else None


def _firewall_action(action: dict) -> vercel.FirewallConfigRulesRuleActionArgs:
    rl = action.get("rate_limit")
    return vercel.FirewallConfigRulesRuleActionArgs(
        action=action["action"],
        rate_limit=vercel.FirewallConfigRulesRuleActionRateLimitArgs(**rl) if rl else None,
    )
