"""Rules that keep the tiers apart: production's domains, branch and deploy gate stay production's,
and each tier keeps its own data services (data.py)."""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from . import context, data
from .pack_config import setting
from .resources import (
    DEPLOYMENT_CHECK, DOMAIN, GITHUB_DEPLOYMENT_POLICY, GITHUB_ENVIRONMENT, GITHUB_RULESET, PROJECT, dig, elements, get,
    label,
)

PROTECTED_TYPES = (PROJECT, DOMAIN, GITHUB_ENVIRONMENT)


def isolation(args: ResourceValidationArgs, report: ReportViolation) -> None:
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
        report(f"{label(args)} in tier {ctx.tier} is not protected (protect: false), so a `pulumi destroy` or a "
               f"rename deletes it; allowed: protect: true")
    if ctx.tier == "production":
        return
    if args.resource_type == DOMAIN:
        domain = get(args.props, "domain")
        production_domains = {d.lower().rstrip(".") for d in setting(config, "isolation", "productionDomains")}
        if isinstance(domain, str) and domain.lower().rstrip(".") in production_domains:
            report(f"{label(args)} attaches {domain!r} to tier {ctx.tier}; allowed: a domain other than production's "
                   f"({', '.join(sorted(production_domains))})")
    elif args.resource_type == PROJECT:
        _production_branch(args, report, ctx, setting(config, "isolation", "productionBranch"))


def _production_branch(args: ResourceValidationArgs, report: ReportViolation, ctx, branch: str) -> None:
    repository = get(args.props, "gitRepository")
    if repository is None:
        return  # no Git integration: nothing deploys from a branch
    found = get(repository, "productionBranch")
    if found is None:
        report(f"{label(args)} in tier {ctx.tier} sets no gitRepository.productionBranch, so Vercel deploys the "
               f"repository's default branch (usually {branch!r}) to it; allowed: the tier's own branch")
    elif found == branch:
        report(f"{label(args)} in tier {ctx.tier} has gitRepository.productionBranch {found!r}, production's "
               f"branch; allowed: the tier's own branch")


def github_environments(args: StackValidationArgs, report: ReportViolation) -> None:
    """Production's GitHub environment deploys only from the production branch, and waits for a
    person: its required reviewers, or where GitHub cannot enforce them, the fallback."""
    ctx = context.for_rule(args)
    if ctx.tier != "production":
        return
    config = args.get_config()
    name = setting(config, "github-environments", "environment")
    branch = setting(config, "github-environments", "branch")
    allowed = (f"deploymentBranchPolicy {{customBranchPolicies: true, protectedBranches: false}} and exactly one "
               f"RepositoryEnvironmentDeploymentPolicy, branchPattern {branch!r}")
    environments = [r for r in args.resources
                    if r.resource_type == GITHUB_ENVIRONMENT and get(r.props, "environment") == name]
    if not environments:
        report(f"stack {ctx.stack} has no RepositoryEnvironment {name!r}; allowed: one with {allowed}")
        return
    policies = [r for r in args.resources if r.resource_type == GITHUB_DEPLOYMENT_POLICY]
    for environment in environments:
        policy = get(environment.props, "deploymentBranchPolicy")
        custom, protected = get(policy, "customBranchPolicies"), get(policy, "protectedBranches")
        if policy is None:
            report(f"{label(environment)} sets no deploymentBranchPolicy, so any branch can deploy to "
                   f"{name!r}; allowed: {allowed}", environment.urn)
        elif custom is not True or protected is not False:
            report(f"{label(environment)} has deploymentBranchPolicy customBranchPolicies: {custom!r}, "
                   f"protectedBranches: {protected!r}; allowed: {allowed}", environment.urn)
        mine = [p for p in policies if _belongs_to(p, environment)]
        patterns = [_pattern(p) for p in mine]
        if len(mine) != 1 or patterns[0] != f"branch {branch!r}":
            found = ", ".join(patterns) if patterns else "none"
            report(f"{label(environment)} has {len(mine)} deployment policies ({found}); allowed: {allowed}",
                   environment.urn)
        _approval(args, report, environment, branch)


def _reviewers(environment: PolicyResource) -> int:
    entries = elements(get(environment.props, "reviewers"))
    return sum(len(elements(get(entry, "users"))) + len(elements(get(entry, "teams"))) for entry in entries)


def _approval(args: StackValidationArgs, report: ReportViolation, environment: PolicyResource, branch: str) -> None:
    """No reviewers: allowed only where the stack declares a plan that cannot enforce them, and then
    only with the fallback in the stack (an approving review on the branch's ruleset, release gates)."""
    if _reviewers(environment):
        return
    plan = context.github_plan()
    if plan.reviewers_enforced:
        report(f"{label(environment)} has no required reviewers on {plan.describe()}, where GitHub enforces them, so "
               f"production deploys without a person's approval; allowed: 1 to 6 reviewers (requiredReviewers)",
               environment.urn)
        return
    missing = []
    if not any(_guards(r, branch) for r in args.resources if r.resource_type == GITHUB_RULESET):
        missing.append(f"an active RepositoryRuleset on refs/heads/{branch} requiring at least one approving review")
    if not any(r.resource_type == DEPLOYMENT_CHECK for r in args.resources):
        missing.append("a ProjectDeploymentCheck gating the production alias (release gates)")
    if missing:
        report(f"{label(environment)} has no required reviewers ({plan.describe()}: GitHub does not enforce them) "
               f"and lacks the fallback: {'; '.join(missing)}; allowed: reviewers, or that fallback", environment.urn)


def _guards(ruleset: PolicyResource, branch: str) -> bool:
    includes = elements(dig(ruleset.props, "conditions", "refName", "includes"))
    approvals = dig(ruleset.props, "rules", "pullRequest", "requiredApprovingReviewCount") or 0
    return (get(ruleset.props, "enforcement") == "active" and f"refs/heads/{branch}" in includes
            and approvals >= 1)


def _belongs_to(policy: PolicyResource, environment: PolicyResource) -> bool:
    deps = policy.property_dependencies.get("environment", [])
    if deps:
        return any(d.urn == environment.urn for d in deps)
    return (get(policy.props, "environment") == get(environment.props, "environment")
            and get(policy.props, "repository") == get(environment.props, "repository"))


def _pattern(policy: PolicyResource) -> str:
    branch, tag = dig(policy.props, "branchPattern"), dig(policy.props, "tagPattern")
    if branch is not None:
        return f"branch {branch!r}"
    return f"tag {tag!r}" if tag is not None else "no pattern"
