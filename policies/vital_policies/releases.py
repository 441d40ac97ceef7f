"""Rules on how production is released and watched: release-gates and slo-alerts.

ProjectDeploymentCheck inputs: {projectId, requires, blocks, targets, source: {kind, provider,
externalCheckName}}; an unset `blocks` is the API's default, deployment-alias, and unset
`targets` its default, production. ProjectRollingRelease: {projectId, advancementType,
stages: [{targetPercentage, duration}]}. AlertRule (built-in): {ruleScope: {type, projectIds},
triggers: [{type, filter}]}; CustomAlertRule: {projectId, evaluation: {query: {metrics}}, trigger:
{type, operator, threshold}}.
"""

from __future__ import annotations

from pulumi_policy import PolicyResource, StackValidationArgs

from vital.facts import (
    ALERT_ABOVE_OPERATORS,
    DEPLOYMENT_CHECK_BLOCKS_ALIAS,
    LATENCY_AGGREGATION,
    LATENCY_METRIC,
    ROLLOUT_ADVANCEMENTS,
    ROLLOUT_STAGES_MAX,
    ROLLOUT_STAGES_MIN,
)
from vital.policy_report import Report

from . import context
from .pack_config import number_setting, setting
from .resources import (
    ALERT_RULE,
    CUSTOM_ALERT_RULE,
    DEPLOYMENT_CHECK,
    ROLLING_RELEASE,
    StackView,
    dig,
    elements,
    get,
    label,
    number,
    show_number,
)


def _gated_check(check: PolicyResource) -> str | None:
    """The GitHub check this Deployment Check makes the production alias wait for, or None."""
    props = check.props
    targets = [t for t in elements(get(props, "targets")) if isinstance(t, str)]
    if get(props, "blocks", DEPLOYMENT_CHECK_BLOCKS_ALIAS) != DEPLOYMENT_CHECK_BLOCKS_ALIAS:
        return None
    if targets and not {"production", "all"} & set(targets):
        return None
    source = get(props, "source")
    if get(source, "kind") != "git-provider" or get(source, "provider") != "github":
        return None
    name = get(source, "externalCheckName")
    return name if isinstance(name, str) else None


def _staged(release: PolicyResource) -> bool:
    stages = [number(get(s, "targetPercentage")) for s in elements(get(release.props, "stages"))]
    percents = [p for p in stages if p is not None]
    return (
        get(release.props, "advancementType") in ROLLOUT_ADVANCEMENTS
        and ROLLOUT_STAGES_MIN <= len(stages) <= ROLLOUT_STAGES_MAX
        and len(percents) == len(stages)
        and percents[-1] == 100
        and percents[0] < 100
    )


def release_gates(args: StackValidationArgs, report: Report) -> None:
    """Production's alias waits for the required GitHub checks, and production rolls out in stages."""
    ctx = context.for_rule(args)
    config = args.get_config()
    if ctx.tier not in setting(config, "release-gates", "tiers"):
        return
    required = list(setting(config, "release-gates", "checks"))
    view = StackView(args.resources)
    for project in view.projects:
        gated = {_gated_check(c) for c in view.children(project, DEPLOYMENT_CHECK)}
        problems = [f"the alias does not wait for GitHub check '{name}'" for name in required if name not in gated]
        if not any(_staged(r) for r in view.children(project, ROLLING_RELEASE)):
            problems.append("no rolling release in stages")
        if problems:
            report(
                f"{label(project)} (tier {ctx.tier}): {'; '.join(problems)}; allowed: a ProjectDeploymentCheck per "
                f"required check ({', '.join(required)}) with a github git-provider source blocking "
                f"{DEPLOYMENT_CHECK_BLOCKS_ALIAS} for production, and a ProjectRollingRelease of "
                f"{ROLLOUT_STAGES_MIN} to {ROLLOUT_STAGES_MAX} stages ending at 100 %",
                project.urn,
            )


# ---- slo-alerts ---------------------------------------------------------------------------------


def _covers(rule: PolicyResource, project: PolicyResource, projects: list[PolicyResource]) -> bool:
    """Whether a built-in AlertRule's scope includes the project."""
    scope = get(rule.props, "ruleScope")
    kind = get(scope, "type")
    if kind == "all":
        return True
    linked = rule.property_dependencies.get("ruleScope", [])
    named = project.urn in {d.urn for d in linked} or (
        not linked and len(projects) == 1 and bool(elements(get(scope, "projectIds")))
    )
    return named if kind == "include" else (kind == "exclude" and not named)


def _error_alert(rule: PolicyResource) -> bool:
    return any(
        get(t, "type") == "error_anomaly" and "5xx" in str(get(t, "filter", ""))
        for t in elements(get(rule.props, "triggers"))
    )


def _latency_threshold(rule: PolicyResource) -> float | None:
    """The p95 latency threshold (ms) a CustomAlertRule alerts above, or None if it is not one."""
    trigger = get(rule.props, "trigger")
    metrics = dig(rule.props, "evaluation", "query", "metrics")
    output = get(trigger, "output")
    chosen = get(metrics, output) if isinstance(output, str) else None
    if (
        get(trigger, "type") != "threshold"
        or get(trigger, "operator") not in ALERT_ABOVE_OPERATORS
        or get(chosen, "metric") != LATENCY_METRIC
        or get(chosen, "aggregation") != LATENCY_AGGREGATION
    ):
        return None
    return number(get(trigger, "threshold"))


def slo_alerts(args: StackValidationArgs, report: Report) -> None:
    """Error alerts where the tier table wants them, and a p95 latency alert no looser than the SLO."""
    ctx = context.for_rule(args)
    config = args.get_config()
    wants_errors = ctx.tier in setting(config, "slo-alerts", "errorTiers")
    wants_latency = ctx.tier in setting(config, "slo-alerts", "latencyTiers")
    limit = number_setting(config, "slo-alerts", "maxP95Ms")
    if not (wants_errors or wants_latency):
        return
    view = StackView(args.resources)
    rules = view.of_type(ALERT_RULE)
    for project in view.projects:
        problems = []
        if wants_errors and not any(_error_alert(r) and _covers(r, project, view.projects) for r in rules):
            problems.append("no alert on 5xx errors (AlertRule with an error_anomaly trigger, filter statusGroup:5xx)")
        thresholds = [t for t in (_latency_threshold(r) for r in view.children(project, CUSTOM_ALERT_RULE)) if t]
        if wants_latency and not any(t <= limit for t in thresholds):
            found = f" (found thresholds {', '.join(show_number(t) for t in thresholds)} ms)" if thresholds else ""
            problems.append(f"no p95 latency alert at {show_number(limit)} ms or less{found}")
        if problems:
            report(
                f"{label(project)} (tier {ctx.tier}): {'; '.join(problems)}; allowed: the strategy's SLO alerts "
                f"(CustomAlertRule threshold on {LATENCY_METRIC} {LATENCY_AGGREGATION} for latency)",
                project.urn,
            )
