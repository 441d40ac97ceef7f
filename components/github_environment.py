"""GitHubEnvironment: a tier's GitHub Actions environment, its deploy secrets and branch policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_github as github

from .base import VitalComponent
from .specs import GitHubEnvironmentSpec


@dataclass(frozen=True)
class GitHubEnvironmentOutputs:
    environment_name: pulumi.Output[str]


class GitHubEnvironment(VitalComponent[GitHubEnvironmentOutputs]):
    """Exposes `environment_name`.

    `variables` are environment variables wired from other resources (each app's Vercel
    project id), as Outputs; `secret_outputs` are environment secrets wired the same way (the
    preview projects' automation bypass), kept secret.
    """

    TYPE = "vital:github:GitHubEnvironment"

    def __init__(
        self,
        name: str,
        spec: GitHubEnvironmentSpec,
        variables: Mapping[str, pulumi.Input[str]] | None = None,
        secret_outputs: Mapping[str, pulumi.Input[str]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, opts)
        repo = spec.repository
        self.environment = github.RepositoryEnvironment(
            self.child("environment"),
            repository=repo,
            environment=spec.environment,
            deployment_branch_policy=github.RepositoryEnvironmentDeploymentBranchPolicyArgs(
                protected_branches=False,
                custom_branch_policies=True,
            )
            if spec.branch_pattern
            else None,
            reviewers=[github.RepositoryEnvironmentReviewerArgs(users=list(spec.reviewers))]
            if spec.reviewers
            else None,
            prevent_self_review=bool(spec.reviewers),
            can_admins_bypass=spec.can_admins_bypass,
            # Deleting the production environment drops its secrets and its reviewers gate.
            opts=self.opts(protect=spec.protect, import_=spec.import_id),
        )
        env_name = self.environment.environment
        self.branch_policy = (
            github.RepositoryEnvironmentDeploymentPolicy(
                self.child("branch-policy"),
                repository=repo,
                environment=env_name,
                branch_pattern=spec.branch_pattern,
                opts=self.opts(),
            )
            if spec.branch_pattern
            else None
        )
        values: dict[str, pulumi.Input[str]] = {key: value.get_secret_value() for key, value in spec.secrets.items()}
        values.update(secret_outputs or {})
        self.secrets = self._secrets(repo, env_name, values)
        self.variables = self._variables(repo, env_name, {**spec.variables, **(variables or {})})
        self.done(GitHubEnvironmentOutputs(environment_name=env_name))

    def _secrets(
        self, repo: str, env_name: pulumi.Output[str], values: Mapping[str, pulumi.Input[str]]
    ) -> list[github.ActionsEnvironmentSecret]:
        return [
            github.ActionsEnvironmentSecret(
                self.child(f"secret-{key.lower()}"),
                github.ActionsEnvironmentSecretArgs(
                    repository=repo,
                    environment=env_name,
                    secret_name=key,
                    value=pulumi.Output.secret(value),  # not the deprecated plaintext_value
                ),
                opts=self.opts(),
            )
            for key, value in values.items()
        ]

    def _variables(
        self, repo: str, env_name: pulumi.Output[str], values: Mapping[str, pulumi.Input[str]]
    ) -> list[github.ActionsEnvironmentVariable]:
        return [
            github.ActionsEnvironmentVariable(
                self.child(f"var-{key.lower()}"),
                repository=repo,
                environment=env_name,
                variable_name=key,
                value=value,
                opts=self.opts(),
            )
            for key, value in values.items()
        ]
