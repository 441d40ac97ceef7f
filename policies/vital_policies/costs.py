"""cost-ceiling: each service's monthly budgets, summed over the three tiers, stay within the seed's
totals (Vercel $200, Supabase $100, Upstash Redis $50; vital.facts.SEED_MONTHLY_CEILINGS_USD).

The stack under analysis counts as it is: its Redis databases' `budget` inputs (unset: the
provider's $20 default) and its config's vercelBudget and supabaseBudget. The other tiers count as
their committed stack files declare them, else as the tier table says.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pulumi
from pulumi_policy import ReportViolation, StackValidationArgs

from vital import stackfile
from vital.facts import SEED_MONTHLY_CEILINGS_USD, UPSTASH_DEFAULT_BUDGET_USD
from vital.tiers import TIER_DEFAULTS, TIERS

from . import context
from .pack_config import setting
from .resources import REDIS, get, number, show_number

# Config key and tier-table field of each service's budget.
SOURCES = {"vercel": ("vercelBudget", "vercel_budget_usd"), "supabase": ("supabaseBudget", "supabase_budget_usd"),
           "upstash": ("upstashBudget", "upstash_budget_usd")}


def _number(value: Any) -> float | None:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    return number(value)


@cache
def committed_budgets() -> dict[str, dict[str, float]]:
    """service -> tier -> budget, as the committed stack files (or the tier table) declare it."""
    out: dict[str, dict[str, float]] = {s: {} for s in SOURCES}
    for tier in TIERS:
        config = stackfile.committed_config(tier, stackfile.ROOT)
        for service, (key, field) in SOURCES.items():
            declared = _number(config.get(f"{context.PROJECT}:{key}"))
            default = getattr(TIER_DEFAULTS[tier], field)
            out[service][tier] = declared if declared is not None else float(default or 0)
    return out


def _this_stack(args: StackValidationArgs) -> dict[str, float]:
    config = pulumi.Config(context.PROJECT)
    tier = context.current().tier
    found = {}
    for service in ("vercel", "supabase"):
        key, field = SOURCES[service]
        declared = _number(config.get(key))
        found[service] = declared if declared is not None else float(getattr(TIER_DEFAULTS[tier], field))
    databases = [r for r in args.resources if r.resource_type == REDIS]
    found["upstash"] = sum(_number(get(r.props, "budget")) or UPSTASH_DEFAULT_BUDGET_USD for r in databases)
    return found


def cost_ceiling(args: StackValidationArgs, report: ReportViolation) -> None:
    ctx = context.for_rule(args)
    ceilings = {**SEED_MONTHLY_CEILINGS_USD, **(setting(args.get_config(), "cost-ceiling", "ceilings") or {})}
    mine = _this_stack(args)
    for service, ceiling in ceilings.items():
        parts = dict(committed_budgets()[service])
        parts[ctx.tier] = mine[service]
        total = sum(parts.values())
        if total > ceiling:
            shown = ", ".join(f"{tier} {show_number(amount)}" for tier, amount in parts.items())
            report(f"{service} budgets add up to {show_number(total)} USD a month ({shown}; tier {ctx.tier} as this "
                   f"stack declares it); allowed: at most {show_number(ceiling)} USD, the seed's ceiling for {service}")
