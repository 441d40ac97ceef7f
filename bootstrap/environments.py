"""The infrastructure repository's GitHub environments, main only: where CI's write credentials live.

Every credential that can change a tier sits in one of these environments (docs/credentials-setup.md),
and each deploy or drift role trusts a job only in its environment (vital/trust.py). What keeps a
pull request's code from naming `environment: production` and reading its secrets is the
environment's deployment branch policy: "Any protection rules configured for the environment must
pass before a job referencing the environment is sent to a runner. The job can access the
environment's secrets only after the job is sent to a runner" (GitHub docs, "Using environments for
deployment"). A job that names an environment that does not exist creates it with no rule, so the
rule is code here, not a setting someone remembers.
"""

from __future__ import annotations

import pulumi
import pulumi_github as github

from .components import _Component
from .specs import EnvironmentSpec


class CiEnvironment(_Component):
    """One environment: custom deployment branch policies with `spec.branch` the only one, no
    administrator bypass, and `spec.reviewers` approving its jobs. Exposes `environment`."""

    TOKEN = "CiEnvironment"

    def __init__(self, name: str, spec: EnvironmentSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        reviewers = [github.RepositoryEnvironmentReviewerArgs(users=list(spec.reviewers))] if spec.reviewers else None
        # The provider creates with GitHub's "create or update an environment" (PUT), so an
        # environment made by hand is taken over with its secrets (integrations/terraform-provider-github
        # github/resource_github_repository_environment.go, resourceGithubRepositoryEnvironmentCreate).
        # retain_on_delete: deleting the resource deletes the environment and every secret an operator
        # set in it (DeleteEnvironment there); leaving the program must not wipe CI's credentials.
        self.environment = github.RepositoryEnvironment(
            f"{name}-environment",
            repository=spec.repository_name,
            environment=spec.name,
            can_admins_bypass=False,
            prevent_self_review=bool(spec.reviewers),
            reviewers=reviewers,
            deployment_branch_policy=github.RepositoryEnvironmentDeploymentBranchPolicyArgs(
                protected_branches=False, custom_branch_policies=True
            ),
            opts=self.under(retain_on_delete=True),
        )
        # With custom policies on and none listed, no branch may deploy: until this exists, the
        # environment fails closed.
        self.branch_policy = github.RepositoryEnvironmentDeploymentPolicy(
            f"{name}-branch",
            repository=spec.repository_name,
            environment=spec.name,
            branch_pattern=spec.branch,
            opts=self.under(depends_on=[self.environment]),
        )
        self.register_outputs({"environment": self.environment.environment})
