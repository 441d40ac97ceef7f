"""redirect-urls: the Supabase Auth redirect allow-list holds no *.vercel.app wildcard that another
Vercel team could answer.

Vercel's generated hosts end in the team's slug (vercel.com/docs/deployments/generated-urls:
<project>-<hash>-<slug>.vercel.app, <project>-git-<branch>-<slug>.vercel.app). In Supabase's patterns
`*` matches any run of characters but `.` and `/`, `**` any run at all
(supabase.com/docs/guides/auth/redirect-urls). So a wildcard host on vercel.app is allowed only as
`<one of this stack's projects>-*-<slug>.vercel.app`, with the slug from config vercelTeamSlug;
`**` in a host, or a pattern that does not end in `-<slug>.vercel.app`, would send sign-in tokens to
whichever project of any team matched it.
"""

from __future__ import annotations

import re

import pulumi
from pulumi_policy import StackValidationArgs

from vital.policy_report import Report
from vital.tiers import TIER_DEFAULTS

from . import context
from .pack_config import setting
from .resources import PROJECT as VERCEL_PROJECT
from .resources import elements, get, is_supabase_settings, label

VERCEL_APP = ".vercel.app"


def _host(pattern: str) -> str:
    return re.sub(r"^[a-z][a-z0-9+.-]*://", "", pattern).split("/", 1)[0]


def unanchored(pattern: str, projects: list[str], slug: str | None) -> str | None:
    """Why a redirect pattern's wildcard host on vercel.app is not anchored, or None when it is fine."""
    host = _host(pattern)
    if not host.endswith(VERCEL_APP) or not any(c in host for c in "*?[{"):
        return None
    if slug is None:
        return (
            f"allowed: <project>-*-<team slug>.vercel.app, and config {context.PROJECT}:vercelTeamSlug is not set, "
            f"so nothing anchors it"
        )
    allowed = [f"{p}-*-{slug}{VERCEL_APP}" for p in projects]
    return None if host in allowed else f"allowed: {', '.join(allowed) or 'no wildcard'}"


def redirect_urls(args: StackValidationArgs, report: Report) -> None:
    ctx = context.for_rule(args)
    slug = pulumi.Config(context.PROJECT).get("vercelTeamSlug") or None
    allowed_here = ctx.tier in setting(args.get_config(), "redirect-urls", "tiers")
    suffix = TIER_DEFAULTS[ctx.tier].project_suffix
    projects = [str(get(r.props, "name")) for r in args.resources if r.resource_type == VERCEL_PROJECT]
    projects = [p for p in projects if p.endswith(f"-{suffix}")]
    for resource in (r for r in args.resources if is_supabase_settings(r)):
        for pattern in elements(get(resource.props, "uri_allow_list")):
            why = unanchored(str(pattern), projects if allowed_here else [], slug if allowed_here else None)
            if why is not None:
                report(
                    f"{label(resource)} in tier {ctx.tier} lets Supabase Auth redirect to {pattern!r}, a wildcard "
                    f"host on vercel.app other teams' projects can match; {why if allowed_here else 'allowed: none in this tier'}"
                    f" (a host under the team's own preview suffix needs no vercel.app pattern)",
                    resource.urn,
                )
