"""VercelApp: one tier's Vercel project with its env vars, domains, headers, firewall and retention."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumiverse_vercel as vercel

from .alerts import ProjectAlerts
from .base import VitalComponent
from .release import ReleaseGates
from .specs import EnvVarsSpec, FirewallRule, HeaderRule, RetentionSpec, VercelAppSpec, VercelProjectSpec


@dataclass(frozen=True)
class VercelAppOutputs:
    project_id: pulumi.Output[str]
    project_name: pulumi.Output[str]
    domain_names: list[str]


class VercelApp(VitalComponent[VercelAppOutputs]):
    """Exposes `project_id`, `project_name` and `domain_names`.

    `data_env` and `data_secret_env` are env vars wired from other resources (the data
    services' URLs and tokens), as Outputs; the secret ones stay secret.
    """

    TYPE = "vital:vercel:VercelApp"

    def __init__(
        self,
        name: str,
        spec: VercelAppSpec,
        data_env: Mapping[str, pulumi.Input[str]] | None = None,
        data_secret_env: Mapping[str, pulumi.Input[str]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, opts)
        # Losing the production project or its domains cuts traffic: protect them.
        self._keep = {"protect": True} if spec.protect else {}
        self.project = self._project(spec.project)
        project_id = self.project.id
        self.env_vars = self._env_vars(spec.env, project_id, data_env or {}, data_secret_env or {})
        self.domains = [
            vercel.ProjectDomain(
                self.child(f"domain-{domain.name}"),
                project_id=project_id,
                domain=domain.name,  # no git_branch: the domain serves the production deployment
                opts=self.opts(import_=domain.import_id, **self._keep),
            )
            for domain in spec.domains
        ]
        self.routes = self._routes(spec.routes, project_id)
        self.firewall = self._firewall(spec.firewall, project_id)
        self.retention = self._retention(spec.retention, project_id)
        self.release = (
            ReleaseGates(self.child("release"), spec.release, project_id, opts=self.opts())
            if spec.release.checks or spec.release.stages
            else None
        )
        self.alerts = (
            ProjectAlerts(self.child("alerts"), spec.alerts, project_id, opts=self.opts()) if spec.alerts.any else None
        )
        self.done(
            VercelAppOutputs(
                project_id=project_id, project_name=self.project.name, domain_names=[d.name for d in spec.domains]
            )
        )

    def _project(self, p: VercelProjectSpec) -> vercel.Project:
        # Args classes rather than keyword arguments: the SDK logs its deprecation warnings
        # (serverless_function_region and the like) only from them.
        return vercel.Project(
            self.child("project"),
            vercel.ProjectArgs(
                name=p.name,
                framework=p.framework,
                git_repository=vercel.ProjectGitRepositoryArgs(
                    type="github",
                    repo=p.git.repo,
                    production_branch=p.git.production_branch,
                )
                if p.git
                else None,
                root_directory=p.root_directory,
                build_command=p.build_command,
                install_command=p.install_command,
                output_directory=p.output_directory,
                ignore_command=p.ignore_command,
                preview_deployments_disabled=p.preview_deployments_disabled,
                preview_deployment_suffix=p.preview_deployment_suffix,
                resource_config=vercel.ProjectResourceConfigArgs(
                    # The limits table assumes Fluid compute, Vercel's default for new projects.
                    fluid=True,
                    function_default_timeout=p.function_timeout_s,
                    function_default_regions=list(p.regions),
                ),
                vercel_authentication=vercel.ProjectVercelAuthenticationArgs(deployment_type=p.authentication),
                password_protection=vercel.ProjectPasswordProtectionArgs(
                    deployment_type="all_deployments",
                    password=pulumi.Output.secret(p.password.get_secret_value()),
                )
                if p.password is not None
                else None,
                trusted_ips=vercel.ProjectTrustedIpsArgs(
                    addresses=[vercel.ProjectTrustedIpsAddressArgs(value=ip) for ip in p.trusted_ips],
                    deployment_type="all_deployments",
                    protection_mode="trusted_ip_required",
                )
                if p.trusted_ips
                else None,
                git_fork_protection=True,  # PRs from forks need approval before they build with secrets
                auto_assign_custom_domains=True,
                skew_protection=p.skew_protection,
                function_failover=p.function_failover,
                prioritise_production_builds=p.prioritise_production_builds,
                build_machine_type=p.build_machine_type,
                node_version=p.node_version,
            ),
            opts=self.opts(import_=p.import_id, **self._keep),
        )

    def _env_vars(
        self,
        spec: EnvVarsSpec,
        project_id: pulumi.Output[str],
        data_env: Mapping[str, pulumi.Input[str]],
        data_secret_env: Mapping[str, pulumi.Input[str]],
    ) -> list[pulumi.CustomResource]:
        plain = {**spec.plain, **data_env}
        secret = {k: pulumi.Output.secret(v.get_secret_value()) for k, v in spec.secret.items()}
        secret.update({k: pulumi.Output.secret(v) for k, v in data_secret_env.items()})
        targets = list(spec.targets)
        variables = sorted({**plain, **secret}.items())
        # Vercel answers ENV_ALREADY_EXISTS when a replacement is created before the old
        # variable is deleted (pulumiverse/pulumi-vercel#118): delete first.
        return [
            vercel.ProjectEnvironmentVariable(
                self.child(f"env-{key.lower()}"),
                project_id=project_id,
                key=key,
                value=value,
                targets=targets,
                sensitive=key in secret,
                opts=self.opts(delete_before_replace=True, import_=spec.import_ids.get(key)),
            )
            for key, value in variables
        ]

    def _routes(self, rules: tuple[HeaderRule, ...], project_id: pulumi.Output[str]) -> list[vercel.ProjectRoute]:
        """One route after another: each mutation of a project's routing rules stages and promotes
        a new version, so two at once could race. The first goes to the start; each next one is
        placed after the previous one and waits for it (position applies on create and replace)."""
        routes: list[vercel.ProjectRoute] = []
        for rule in rules:
            previous = routes[-1] if routes else None
            position = (
                vercel.ProjectRoutePositionArgs(placement="after", reference_route_id=previous.id)
                if previous
                else vercel.ProjectRoutePositionArgs(placement="start")
            )
            routes.append(self._route(rule, project_id, position, previous))
        return routes

    def _route(
        self,
        rule: HeaderRule,
        project_id: pulumi.Output[str],
        position: vercel.ProjectRoutePositionArgs,
        previous: vercel.ProjectRoute | None,
    ) -> vercel.ProjectRoute:
        def conditions(kind, items):
            return [kind(type=c.type, key=c.key, value=c.value) for c in items] or None

        return vercel.ProjectRoute(
            self.child(f"route-{rule.name}"),
            project_id=project_id,
            name=rule.name,
            src_syntax=rule.src_syntax,
            position=position,
            # route.headers are response headers: project routing rules use the routes
            # syntax of the Build Output API, where `headers` "attach response headers"
            # (vercel.com/docs/build-output-api/configuration). The provider docstring's
            # "for the matched request" means the request the rule matched.
            route=vercel.ProjectRouteRouteArgs(
                src=rule.src,
                headers=dict(rule.headers),
                has=conditions(vercel.ProjectRouteRouteHaArgs, rule.has),
                missings=conditions(vercel.ProjectRouteRouteMissingArgs, rule.missing),
            ),
            opts=self.opts(depends_on=[previous] if previous else None),
        )

    def _firewall(self, rules: tuple[FirewallRule, ...], project_id: pulumi.Output[str]) -> vercel.FirewallConfig:
        return vercel.FirewallConfig(
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
                                conditions=[
                                    vercel.FirewallConfigRulesRuleConditionGroupConditionArgs(**c) for c in group
                                ]
                            )
                            for group in rule.condition_groups
                        ],
                        action=_firewall_action(rule.action),
                    )
                    for rule in rules
                ]
            ),
            opts=self.opts(),
        )

    def _retention(self, spec: RetentionSpec, project_id: pulumi.Output[str]) -> vercel.ProjectDeploymentRetention:
        return vercel.ProjectDeploymentRetention(
            self.child("retention"),
            project_id=project_id,
            expiration_preview=spec.preview,
            expiration_production=spec.production,
            expiration_errored=spec.errored,
            expiration_canceled=spec.canceled,
            opts=self.opts(),
        )


def _firewall_action(action: dict) -> vercel.FirewallConfigRulesRuleActionArgs:
    rl = action.get("rate_limit")
    return vercel.FirewallConfigRulesRuleActionArgs(
        action=action["action"],
        rate_limit=vercel.FirewallConfigRulesRuleActionRateLimitArgs(**rl) if rl else None,
    )
