"""GitHubBranch: the long-lived branch a tier owns, and the ruleset that guards it."""

from __future__ import annotations

import pulumi
import pulumi_github as github

from .base import VitalComponent
from .config import StackConfig
from vital.tiers import SHARED


class GitHubBranch(VitalComponent):
    TYPE = "vital:github:GitHubBranch"

    def __init__(self, name: str, config: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        tier = config.tier_defaults
        branch = tier.owns_branch
        sources = dict(SHARED["long_lived_branches"])
        self.branch = None
        if branch in sources:  # main exists with the repository; the others are cut here
            self.branch = github.Branch(
                self.child("branch"),
                repository=config.github_repo,
                branch=branch,
                source_branch=sources[branch],
                # Destroying the stack must not delete the branch and the commits on it.
                opts=self.opts(retain_on_delete=True,
                               import_=f"{config.github_repo}:{branch}" if config.adopt.branch else None),
            )
        self.ruleset = None
        if tier.ruleset_on_branch:
            self.ruleset = github.RepositoryRuleset(
                self.child("ruleset"),
                name=f"{branch} protection",
                repository=config.github_repo,
                target="branch",
                enforcement="active",
                conditions=github.RepositoryRulesetConditionsArgs(
                    ref_name=github.RepositoryRulesetConditionsRefNameArgs(includes=[f"refs/heads/{branch}"], excludes=[]),
                ),
                rules=github.RepositoryRulesetRulesArgs(
                    deletion=True,
                    non_fast_forward=True,
                    pull_request=github.RepositoryRulesetRulesPullRequestArgs(
                        required_approving_review_count=1 if tier.protect else 0,
                        dismiss_stale_reviews_on_push=True,
                    ),
                    required_status_checks=github.RepositoryRulesetRulesRequiredStatusChecksArgs(
                        required_checks=[
                            github.RepositoryRulesetRulesRequiredStatusChecksRequiredCheckArgs(context=check)
                            for check in config.required_checks
                        ],
                        strict_required_status_checks_policy=True,
                    ),
                ),
                opts=self.opts(depends_on=[self.branch] if self.branch else None),
            )
        self.done({"branch_name": branch})
