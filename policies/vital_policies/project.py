"""Rules on a Vercel project's own settings: function duration and preview retention."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs, StackValidationArgs

from vital.facts import RETENTION_DAYS
from vital.policy_report import Report

from . import context
from .pack_config import number_setting
from .resources import PROJECT, RETENTION, StackView, dig, get, label, number, show_number


def max_duration(args: ResourceValidationArgs, report: Report) -> None:
    """resourceConfig.functionDefaultTimeout is set and within the tier's and the plan's maximum."""
    if args.resource_type != PROJECT:
        return
    ctx = context.for_rule(args)
    limits = context.plan_limits(ctx, report)
    if limits is None:
        return
    tier_max = number_setting(args.get_config(), "max-duration", "maxSeconds", ctx.tier)
    plan_max = float(limits.max_function_duration_s)
    most = min(tier_max, plan_max)
    allowed = (
        f"1 to {show_number(most)} s (tier {ctx.tier}: {show_number(tier_max)} s; "
        f"plan {ctx.plan}: {show_number(plan_max)} s)"
    )
    raw = dig(args.props, "resourceConfig", "functionDefaultTimeout")
    timeout = number(raw)
    if raw is None:
        report(
            f"{label(args)}: resourceConfig.functionDefaultTimeout is not set (Vercel then applies its own "
            f"default); allowed: {allowed}"
        )
    elif timeout is None:
        report(f"{label(args)}: resourceConfig.functionDefaultTimeout is {raw!r}; allowed: {allowed}")
    elif not 1 <= timeout <= most:
        report(f"{label(args)}: resourceConfig.functionDefaultTimeout is {show_number(timeout)} s; allowed: {allowed}")


def preview_cleanup(args: StackValidationArgs, report: Report) -> None:
    """Each project keeps preview deployments for at most the configured days (strategy: 30)."""
    max_days = number_setting(args.get_config(), "preview-cleanup", "maxDays")
    choices = ", ".join(v for v, d in RETENTION_DAYS.items() if d <= max_days) or "none"
    allowed = f"expirationPreview of at most {show_number(max_days)} days ({choices})"
    view = StackView(args.resources)
    for project in view.projects:
        retentions = view.children(project, RETENTION)
        if not retentions:
            report(
                f"{label(project)} has no ProjectDeploymentRetention, so Vercel's default retention applies; "
                f"allowed: a ProjectDeploymentRetention with {allowed}",
                project.urn,
            )
            continue
        for retention in retentions:
            value = get(retention.props, "expirationPreview")
            if value is None:
                report(
                    f"{label(retention)}: expirationPreview is not set (the provider then writes its own default); "
                    f"allowed: {allowed}",
                    retention.urn,
                )
            elif value not in RETENTION_DAYS:
                report(f"{label(retention)}: expirationPreview is {value!r}; allowed: {allowed}", retention.urn)
            elif RETENTION_DAYS[value] > max_days:
                report(
                    f"{label(retention)}: expirationPreview is {value!r} ({RETENTION_DAYS[value]} days); "
                    f"allowed: {allowed}",
                    retention.urn,
                )
