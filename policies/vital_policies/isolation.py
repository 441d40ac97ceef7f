"""Rules that keep the tiers apart: production's domains, branch and deploy gate stay production's,
and each tier keeps its own data services (data.py)."""

from __future__ import annotations

import re

from pulumi_policy import PolicyResource, ResourceValidationArgs, StackValidationArgs

from vital.facts import VERCEL_GIT_BRANCH_VARIABLE
from vital.policy_report import Report

from . import context, data
from .pack_config import setting
from .resources import (
    DEPLOYMENT_CHECK,
    DOMAIN,
    GITHUB_DEPLOYMENT_POLICY,
    GITHUB_ENVIRONMENT,
    GITHUB_RULESET,
    PROJECT,
    StackView,
    dig,
    elements,
    get,
    label,
)

PROTECTED_TYPES = (PROJECT, DOMAIN, GITHUB_ENVIRONMENT)


def isolation(args: ResourceValidationArgs, report: Report) -> None:
    """Non-production stacks use no production domain or branch; production's key resources are protected;
    no tier uses another tier's Supabase project or Redis database."""
    if data.applies(args):
        data.isolation(args, report)
        return
    if args.resource_type not in PROTECTED_TYPES:
        return
    ctx = context.current()
    if ctx.tier is None:
        # A stack without a tier cannot be kept apart from production: say so once per project.
        if args.resource_type == PROJECT:
            report(ctx.no_tier_reason())
            return
        args.not_applicable(ctx.no_tier_reason())
    config = args.get_config()
    if ctx.tier in setting(config, "isolation", "protectTiers") and not args.opts.protect:
        report(
            f"{label(args)} in tier {ctx.tier} is not protected (protect: false), so a `pulumi destroy` or a "
            f"rename deletes it; allowed: protect: true"
        )
    if ctx.tier == "production":
        return
    if args.resource_type == DOMAIN:
        domain = get(args.props, "domain")
        production_domains = {d.lower().rstrip(".") for d in setting(config, "isolation", "productionDomains")}
        if isinstance(domain, str) and domain.lower().rstrip(".") in production_domains:
            report(
                f"{label(args)} attaches {domain!r} to tier {ctx.tier}; allowed: a domain other than production's "
                f"({', '.join(sorted(production_domains))})"
            )
    elif args.resource_type == PROJECT:
        _production_branch(args, report, ctx, setting(config, "isolation", "productionBranch"))
        _preview_builds(args, report, ctx, setting(config, "isolation", "previewSkipsBranches"))


def _production_branch(args: ResourceValidationArgs, report: Report, ctx, branch: str) -> None:
    repository = get(args.props, "gitRepository")
    if repository is None:
        return  # no Git integration: nothing deploys from a branch
    found = get(repository, "productionBranch")
    if found is None:
        report(
            f"{label(args)} in tier {ctx.tier} sets no gitRepository.productionBranch, so Vercel deploys the "
            f"repository's default branch (usually {branch!r}) to it; allowed: the tier's own branch"
        )
    elif found == branch:
        report(
            f"{label(args)} in tier {ctx.tier} has gitRepository.productionBranch {found!r}, production's "
            f"branch; allowed: the tier's own branch"
        )


def _preview_builds(args: ResourceValidationArgs, report: Report, ctx, branches: list[str]) -> None:
    """A Git-connected project that builds previews skips the other tiers' branches, which would
    otherwise build there too, with this tier's secrets. The command is read, never run: only the
    shape the program writes (an OR of `[ "$VERCEL_GIT_COMMIT_REF" = "<branch>" ]` tests) counts."""
    if get(args.props, "gitRepository") is None or get(args.props, "previewDeploymentsDisabled") is True:
        return
    command = get(args.props, "ignoreCommand")
    clause = rf'\[ "\${VERCEL_GIT_BRANCH_VARIABLE}" = "([^"]+)" \]'
    skipped = (
        set(re.findall(clause, command))
        if isinstance(command, str) and re.fullmatch(rf"{clause}( \|\| {clause})*", command)
        else set()
    )
    missing = [b for b in branches if b not in skipped]
    if missing:
        report(
            f"{label(args)} in tier {ctx.tier} builds previews of every branch and its ignore command "
            f"({'none' if command is None else 'found'}) does not skip {', '.join(missing)}, so those pushes build "
            f"here too, with this tier's secrets; allowed: ignoreCommand "
            + " || ".join(f'[ "${VERCEL_GIT_BRANCH_VARIABLE}" = "{b}" ]' for b in branches)
        )


def github_environments(args: StackValidationArgs, report: Report) -> None:
    """Production's GitHub environment deploys only from the production branch, and waits for a
    person: its required reviewers, or where GitHub cannot enforce them, the fallback."""
    ctx = context.for_rule(args)
    if ctx.tier != "production":
        return
    config = args.get_config()
    name = setting(config, "github-environments", "environment")
    branch = setting(config, "github-environments", "branch")
    allowed = (
        f"deploymentBranchPolicy {{customBranchPolicies: true, protectedBranches: false}} and exactly one "
        f"RepositoryEnvironmentDeploymentPolicy, branchPattern {branch!r}"
    )
    environments = [
        r for r in args.resources if r.resource_type == GITHUB_ENVIRONMENT and get(r.props, "environment") == name
    ]
    if not environments:
        report(f"stack {ctx.stack} has no RepositoryEnvironment {name!r}; allowed: one with {allowed}")
        return
    policies = [r for r in args.resources if r.resource_type == GITHUB_DEPLOYMENT_POLICY]
    for environment in environments:
        policy = get(environment.props, "deploymentBranchPolicy")
        custom, protected = get(policy, "customBranchPolicies"), get(policy, "protectedBranches")
        if policy is None:
            report(
                f"{label(environment)} sets no deploymentBranchPolicy, so any branch can deploy to "
                f"{name!r}; allowed: {allowed}",
                environment.urn,
            )
        elif custom is not True or protected is not False:
            report(
                f"{label(environment)} has deploymentBranchPolicy customBranchPolicies: {custom!r}, "
                f"protectedBranches: {protected!r}; allowed: {allowed}",
                environment.urn,
            )
        mine = [p for p in policies if _belongs_to(p, environment)]
        patterns = [_pattern(p) for p in mine]
        if len(mine) != 1 or patterns[0] != f"branch {branch!r}":
            found = ", ".join(patterns) if patterns else "none"
            report(
                f"{label(environment)} has {len(mine)} deployment policies ({found}); allowed: {allowed}",
                environment.urn,
            )
        _approval(args, report, environment, branch)


def _reviewers(environment: PolicyResource) -> int:
    entries = elements(get(environment.props, "reviewers"))
    return sum(len(elements(get(entry, "users"))) + len(elements(get(entry, "teams"))) for entry in entries)


def _approval(args: StackValidationArgs, report: Report, environment: PolicyResource, branch: str) -> None:
    """Reviewers where GitHub enforces them (self-review prevented, admins not bypassing); elsewhere,
    only with the fallback in the stack: the branch's ruleset review and the release gates."""
    plan = context.github_plan()
    if _reviewers(environment):
        loose = [
            f"{key}: {get(environment.props, key)!r}"
            for key, wanted in (("preventSelfReview", True), ("canAdminsBypass", False))
            if get(environment.props, key) is not wanted
        ]
        if loose:
            report(
                f"{label(environment)} has reviewers but {', '.join(loose)}, so one person can approve their own "
                f"deployment or skip the gate; allowed: preventSelfReview: true, canAdminsBypass: false",
                environment.urn,
            )
        return
    if plan.reviewers_enforced:
        report(
            f"{label(environment)} has no required reviewers on {plan.describe()}, where GitHub enforces them, so "
            f"production deploys without a person's approval; allowed: 1 to 6 reviewers (requiredReviewers)",
            environment.urn,
        )
        return
    missing = []
    if not any(_guards(r, branch) for r in args.resources if r.resource_type == GITHUB_RULESET):
        missing.append(
            f"an active RepositoryRuleset on refs/heads/{branch} with no bypass actors, at least one "
            f"approving review and the last push approved by someone else"
        )
    view = StackView(args.resources)
    ungated = [p for p in view.projects if not view.children(p, DEPLOYMENT_CHECK)]
    if not view.projects or ungated:
        names = ", ".join(label(p) for p in ungated) or "no Vercel project"
        missing.append(f"a ProjectDeploymentCheck gating the production alias of every project ({names})")
    if missing:
        report(
            f"{label(environment)} has no required reviewers ({plan.describe()}: GitHub does not enforce them) "
            f"and lacks the fallback: {'; '.join(missing)}; allowed: reviewers, or that fallback",
            environment.urn,
        )


def _guards(ruleset: PolicyResource, branch: str) -> bool:
    includes = elements(dig(ruleset.props, "conditions", "refName", "includes"))
    approvals = dig(ruleset.props, "rules", "pullRequest", "requiredApprovingReviewCount") or 0
    last_push = dig(ruleset.props, "rules", "pullRequest", "requireLastPushApproval") is True
    return (
        get(ruleset.props, "enforcement") == "active"
        and f"refs/heads/{branch}" in includes
        and approvals >= 1
        and last_push
        and not elements(get(ruleset.props, "bypassActors"))
    )


def _belongs_to(policy: PolicyResource, environment: PolicyResource) -> bool:
    deps = policy.property_dependencies.get("environment", [])
    if deps:
        return any(d.urn == environment.urn for d in deps)
    return get(policy.props, "environment") == get(environment.props, "environment") and get(
        policy.props, "repository"
    ) == get(environment.props, "repository")


def _pattern(policy: PolicyResource) -> str:
    branch, tag = dig(policy.props, "branchPattern"), dig(policy.props, "tagPattern")
    if branch is not None:
        return f"branch {branch!r}"
    return f"tag {tag!r}" if tag is not None else "no pattern"
