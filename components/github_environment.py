"""GitHubEnvironment: a tier's GitHub Actions environment, its deploy secrets and branch policy."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_github as github

from .base import VitalComponent
from .config import StackConfig


@dataclass(frozen=True)
class GitHubEnvironmentArgs:
    config: StackConfig
    # Environment variable name -> Vercel project id (VERCEL_PROJECT_ID for the first app).
    project_ids: dict[str, pulumi.Input[str]]
    # More environment secrets (secret Outputs), e.g. the service-role key for migrations.
    extra_secrets: dict[str, pulumi.Input[str]] | None = None


class GitHubEnvironment(VitalComponent):
    TYPE = "vital:github:GitHubEnvironment"

    def __init__(self, name: str, args: GitHubEnvironmentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        cfg, tier = args.config, args.config.tier_defaults
        repo = cfg.github_repo
        # Only the preview environment takes any branch: PR branches deploy there.
        branch_limited = not tier.builds_pr_branches
        self.environment = github.RepositoryEnvironment(
            self.child("environment"),
            repository=repo,
            environment=cfg.tier,
            deployment_branch_policy=(
                github.RepositoryEnvironmentDeploymentBranchPolicyArgs(protected_branches=False, custom_branch_policies=True)
                if branch_limited
                else None
            ),
            reviewers=[github.RepositoryEnvironmentReviewerArgs(users=list(cfg.required_reviewers))] if cfg.required_reviewers else None,
            prevent_self_review=bool(cfg.required_reviewers),
            can_admins_bypass=not tier.protect,
            # Deleting the production environment drops its secrets and its reviewers gate.
            opts=self.opts(protect=tier.protect,
                           import_=f"{repo}:{cfg.tier}" if cfg.adopt.github_environment else None),
        )
        env_name = self.environment.environment
        children = [self.environment]
        if branch_limited:
            children.append(
                github.RepositoryEnvironmentDeploymentPolicy(
                    self.child("branch-policy"),
                    repository=repo,
                    environment=env_name,
                    branch_pattern=cfg.effective("production_branch"),
                    opts=self.opts(),
                )
            )
        secrets = {
            "VERCEL_TOKEN": pulumi.Output.secret(cfg.vercel_deploy_token.get_secret_value()),
            "VERCEL_ORG_ID": pulumi.Output.secret(cfg.vercel_team),
            **(args.extra_secrets or {}),
        }
        self.secrets = [
            github.ActionsEnvironmentSecret(
                self.child(f"secret-{key.lower()}"),
                github.ActionsEnvironmentSecretArgs(
                    repository=repo,
                    environment=env_name,
                    secret_name=key,
                    value=value,  # not plaintext_value, which the provider deprecates
                ),
                opts=self.opts(),
            )
            for key, value in secrets.items()
        ]
        self.variables = [
            github.ActionsEnvironmentVariable(
                self.child(f"var-{key.lower()}"),
                repository=repo,
                environment=env_name,
                variable_name=key,
                value=value,
                opts=self.opts(),
            )
            for key, value in args.project_ids.items()
        ]
        self.done({"environment_name": env_name})
