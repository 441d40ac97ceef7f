"""Who gets past Deployment Protection: automation on the tiers whose previews it tests, nowhere else."""

from __future__ import annotations

from pulumi_policy import PolicyResource, StackValidationArgs

from vital.names import AUTOMATION_BYPASS_SECRET
from vital.policy_report import Report

from . import context
from .pack_config import setting
from .resources import GITHUB_ENVIRONMENT_SECRET, PROTECTION_BYPASS, StackView, dig, get, label


def preview_access(args: StackValidationArgs, report: Report) -> None:
    """The tiers that test their previews have an automation bypass on each protected project, wired
    into their GitHub environment as a secret; any other tier has no bypass and no such secret."""
    ctx = context.for_rule(args)
    tiers = setting(args.get_config(), "preview-access", "bypassTiers")
    view = StackView(args.resources)
    bypasses = view.of_type(PROTECTION_BYPASS)
    secrets = [
        r
        for r in view.of_type(GITHUB_ENVIRONMENT_SECRET)
        if str(get(r.props, "secretName") or "").startswith(AUTOMATION_BYPASS_SECRET)
    ]
    if ctx.tier not in tiers:
        for resource in [*bypasses, *secrets]:
            report(
                f"{label(resource)} in tier {ctx.tier} opens its protected deployments to whoever holds the "
                f"secret; allowed: automation bypasses only in {', '.join(tiers) or 'no tier'}",
                resource.urn,
            )
        return
    for project in view.projects:
        if _protected(project) and not view.children(project, PROTECTION_BYPASS):
            report(
                f"{label(project)} (tier {ctx.tier}) is protected but has no ProjectProtectionBypass, so end-to-end "
                f"runs get Vercel's login page; allowed: one bypass per protected project",
                project.urn,
            )
    wired = {d.urn for s in secrets for d in s.property_dependencies.get("value", [])}
    for bypass in bypasses:
        if bypass.urn not in wired:
            report(
                f"{label(bypass)} (tier {ctx.tier}) reaches no GitHub environment secret "
                f"{AUTOMATION_BYPASS_SECRET}*, so the workflows cannot send it; allowed: its secret output "
                f"as the tier's environment secret",
                bypass.urn,
            )


def _protected(project: PolicyResource) -> bool:
    """Whether any of the project's deployments sit behind a login, a password or an IP list."""
    auth = dig(project.props, "vercelAuthentication", "deploymentType")
    return (
        (auth is not None and auth != "none")
        or get(project.props, "passwordProtection") is not None
        or get(project.props, "trustedIps") is not None
    )


def internal_access(args: StackValidationArgs, report: Report) -> None:
    """An internal tier (debug mode and the mock API on) answers only the team: Vercel Authentication on
    all deployments, its custom domains included. Standard Protection leaves production custom domains
    public (vercel.com/docs/deployment-protection), so dev.vitalexpert.com would serve debug output to
    anyone; "All Deployments" is on Pro and Enterprise without an add-on."""
    ctx = context.for_rule(args)
    if ctx.tier not in setting(args.get_config(), "internal-access", "tiers"):
        return
    for project in StackView(args.resources).projects:
        auth = dig(project.props, "vercelAuthentication", "deploymentType")
        password = dig(project.props, "passwordProtection", "deploymentType")
        if "all_deployments" not in (auth, password):
            report(
                f"{label(project)} in tier {ctx.tier} answers everyone on its production domains "
                f"(vercelAuthentication {auth or 'unset'}); allowed: all_deployments, so only the team (and CI, "
                f"through its automation bypass) reaches a tier that runs debug mode and the mock API",
                project.urn,
            )
