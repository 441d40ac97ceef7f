"""Where the stack under analysis stands: its tier, its Vercel plan and its admin routes.

pulumi-policy configures the Pulumi runtime from PULUMI_STACK and PULUMI_CONFIG before every
Analyze call, so `pulumi.get_stack()` and `pulumi.Config` answer for the stack being previewed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

import pulumi

from vital.facts import GITHUB_ENVIRONMENT_FEATURES, PLANS, VERCEL_PLANS, PlanLimits
from vital.names import PROJECT
from vital.tiers import SHARED, TIERS

DEFAULT_PLAN = "pro"


@dataclass(frozen=True)
class StackContext:
    stack: str
    # None when neither the stack's name nor its `tier` config names a tier.
    tier: str | None
    plan: str
    admin_paths: tuple[str, ...]
    # Pages the stack lets a shared cache keep (config publicCachePaths); none by default.
    public_paths: tuple[str, ...] = ()

    @property
    def plan_limits(self) -> PlanLimits | None:
        return VERCEL_PLANS.get(self.plan)

    def no_tier_reason(self) -> str:
        configured = pulumi.Config(PROJECT).get("tier")
        found = f"config {PROJECT}:tier is {configured!r}" if configured is not None else f"no {PROJECT}:tier config"
        return (
            f"stack '{self.stack}' has no tier: its name is not a tier and {found}; "
            f"allowed: a stack named {', '.join(TIERS)}, or {PROJECT}:tier set to one of them"
        )

    def bad_plan_reason(self) -> str:
        return f"config {PROJECT}:vercelPlan is {self.plan!r}; allowed: one of {', '.join(PLANS)}"


def current() -> StackContext:
    """The stack being analyzed, read from the Pulumi runtime."""
    stack = pulumi.get_stack()
    config = pulumi.Config(PROJECT)
    if stack in TIERS:
        tier: str | None = stack
    else:
        configured = config.get("tier")
        tier = configured if configured in TIERS else None
    return StackContext(
        stack=stack,
        tier=tier,
        plan=config.get("vercelPlan") or DEFAULT_PLAN,
        admin_paths=_admin_paths(config.get("adminPaths")),
        public_paths=_string_list(config.get("publicCachePaths")) or (),
    )


class RuleContext(StackContext):
    """A StackContext whose tier is known: what a rule judges against (for_rule). The annotation
    narrows the type for mypy; the fields, frozen, are StackContext's."""

    tier: str


def for_rule(args: Any) -> RuleContext:
    """The stack's context for a rule; a stack with no tier makes the rule not applicable."""
    ctx = current()
    if ctx.tier is None:
        args.not_applicable(ctx.no_tier_reason())  # raises: the rule stops here
    return RuleContext(**{field.name: getattr(ctx, field.name) for field in fields(ctx)})


def plan_limits(ctx: StackContext, report: Any) -> PlanLimits | None:
    """The plan's limits; an unknown plan is reported, and the rule has nothing to check against."""
    if ctx.plan_limits is None:
        report(ctx.bad_plan_reason())
    return ctx.plan_limits


def _string_list(raw: str | None) -> tuple[str, ...] | None:
    """A config value holding a JSON array of non-empty strings (as the CLI passes it), or None."""
    if raw:
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if isinstance(value, list) and all(isinstance(p, str) and p for p in value):
            return tuple(value)
    return None


def _admin_paths(raw: str | None) -> tuple[str, ...]:
    """The stack's adminPaths config, else the strategy's."""
    return _string_list(raw) or tuple(SHARED["admin_paths"])


class ConfigShapeError(ValueError):
    """A structured config value that is not the JSON the CLI would pass; the message never holds the value."""


def config_object(key: str) -> Any:
    """A structured stack config value (the CLI passes objects as JSON strings), or None when unset.

    Raises ConfigShapeError, naming the key but never the value (it may be a secret), when the
    value is not valid JSON.
    """
    try:
        return pulumi.Config(PROJECT).get_object(key)
    except pulumi.ConfigTypeError:
        raise ConfigShapeError(f"config {PROJECT}:{key} is not valid JSON (value not shown)") from None


def config_keys(key: str) -> list[str] | None:
    """The keys of an object-valued stack config value, never its values: [] when unset, None when
    it is not an object. Used for secretEnv, whose values are secrets."""
    try:
        value = config_object(key)
    except ConfigShapeError:
        return None
    if value is None:
        return []
    return [str(k) for k in value] if isinstance(value, dict) else None


def has_config(key: str) -> bool:
    """Whether the stack sets a config key (the value is not returned)."""
    return pulumi.Config(PROJECT).get(key) is not None


@dataclass(frozen=True)
class GitHubPlan:
    """The GitHub plan and repository visibility the stack declares (githubPlan, githubRepoVisibility)."""

    plan: str
    visibility: str

    @property
    def reviewers_enforced(self) -> bool:
        # An unknown plan or visibility counts as enforcing: the stricter reading.
        return self.visibility in GITHUB_ENVIRONMENT_FEATURES["required_reviewers"].get(self.plan, (self.visibility,))

    def describe(self) -> str:
        return f"GitHub plan {self.plan!r}, {self.visibility} repository"


def github_plan() -> GitHubPlan:
    config = pulumi.Config(PROJECT)
    return GitHubPlan(
        plan=config.get("githubPlan") or SHARED["github_plan"],
        visibility=config.get("githubRepoVisibility") or SHARED["github_repo_visibility"],
    )
