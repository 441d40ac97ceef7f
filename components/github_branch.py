"""GitHubBranch: the long-lived branch a tier owns, and the ruleset that guards it."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_github as github

from .base import VitalComponent
from .specs import GitHubBranchSpec, RulesetSpec


@dataclass(frozen=True)
class GitHubBranchOutputs:
    branch_name: str


class GitHubBranch(VitalComponent[GitHubBranchOutputs]):
    """Exposes `branch_name`."""

    TYPE = "vital:github:GitHubBranch"

    def __init__(self, name: str, spec: GitHubBranchSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        self.branch = (
            github.Branch(
                self.child("branch"),
                repository=spec.repository,
                branch=spec.branch,
                source_branch=spec.source_branch,
                # Destroying the stack must not delete the branch and the commits on it.
                opts=self.opts(retain_on_delete=True, import_=spec.import_id),
            )
            if spec.source_branch
            else None
        )  # main exists with the repository; the others are cut here
        self.ruleset = self._ruleset(spec, spec.ruleset) if spec.ruleset else None
        self.done(GitHubBranchOutputs(branch_name=spec.branch))

    def _ruleset(self, spec: GitHubBranchSpec, ruleset: RulesetSpec) -> github.RepositoryRuleset:
        return github.RepositoryRuleset(
            self.child("ruleset"),
            name=ruleset.name,
            repository=spec.repository,
            target="branch",
            enforcement="active",
            conditions=github.RepositoryRulesetConditionsArgs(
                ref_name=github.RepositoryRulesetConditionsRefNameArgs(
                    includes=[f"refs/heads/{spec.branch}"], excludes=[]
                ),
            ),
            rules=github.RepositoryRulesetRulesArgs(
                deletion=True,
                non_fast_forward=True,
                pull_request=github.RepositoryRulesetRulesPullRequestArgs(
                    required_approving_review_count=ruleset.required_approvals,
                    dismiss_stale_reviews_on_push=True,
                    # Where a review is required, the last push must be approved by someone else:
                    # otherwise a writer pushes onto an approved PR and merges their own change.
                    require_last_push_approval=ruleset.required_approvals > 0,
                ),
                required_status_checks=github.RepositoryRulesetRulesRequiredStatusChecksArgs(
                    required_checks=[
                        github.RepositoryRulesetRulesRequiredStatusChecksRequiredCheckArgs(context=check)
                        for check in ruleset.required_checks
                    ],
                    strict_required_status_checks_policy=True,
                ),
            ),
            opts=self.opts(depends_on=[self.branch] if self.branch else None),
        )
