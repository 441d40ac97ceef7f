"""cost-ceiling: each tier's modelled monthly cost (vital/costs.py, prices in vital.facts) stays within
the tier's budget per service, and the tiers together within the strategy's ceilings (Vercel $200,
Supabase $100, Upstash Redis $50; vital.facts.SEED_MONTHLY_CEILINGS_USD).

The stack under analysis is modelled from what the engine hands the pack: its config (vercelPlan,
vercelSeats, vercelAddons, supabaseCompute, supabaseBackups, the budgets) and its RedisDatabase
resources' `budget` inputs. The other tiers come from the pack config (`tierCosts`), which synth and
the PR diff fill in from the committed stack files (tools/policy/committed.py); without it, from the
tier table's defaults. The pack itself reads no file.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_policy import StackValidationArgs

from vital import costs
from vital.facts import SEED_MONTHLY_CEILINGS_USD
from vital.policy_report import Report
from vital.tiers import TIERS

from . import context
from .pack_config import setting
from .resources import REDIS, get, number


def this_stack(args: StackValidationArgs, tier: str) -> costs.TierCost:
    """The stack's modelled cost: its config, and the Redis databases it registers."""
    config = pulumi.Config(context.PROJECT)
    databases = [r for r in args.resources if r.resource_type == REDIS]
    return costs.model(costs.priced(tier, config.get, tuple(number(get(r.props, "budget")) for r in databases)))


def other_tiers(config: Any, tier: str) -> dict[str, dict[str, float]]:
    """Each other tier's modelled totals: the pack config's, else the tier table's defaults modelled."""
    given = setting(config, "cost-ceiling", "tierCosts") or {}
    out = {}
    for other in TIERS:
        if other == tier:
            continue
        totals = given.get(other) if isinstance(given, dict) else None
        out[other] = (
            {s: float(totals.get(s, 0)) for s in costs.SERVICES}
            if isinstance(totals, dict)
            else costs.model(costs.priced(other, lambda key: None)).totals()
        )
    return out


def cost_ceiling(args: StackValidationArgs, report: Report) -> None:
    ctx = context.for_rule(args)
    config = args.get_config()
    mine = this_stack(args, ctx.tier)
    budgets = costs.budgets(ctx.tier, pulumi.Config(context.PROJECT).get)
    for service in costs.SERVICES:
        modelled = mine.total(service)
        if modelled > budgets[service]:
            key = costs.BUDGET_KEYS[service][0]
            report(
                f"tier {ctx.tier}'s modelled {service} cost is {costs.show(modelled)} USD a month "
                f"({mine.items(service)}); allowed: at most its budget {key} {costs.show(budgets[service])} USD "
                f"(raise the budget, or drop what costs)"
            )
    ceilings = {**SEED_MONTHLY_CEILINGS_USD, **(setting(config, "cost-ceiling", "ceilings") or {})}
    others = other_tiers(config, ctx.tier)
    for service, ceiling in ceilings.items():
        parts = {ctx.tier: mine.total(service), **{t: totals[service] for t, totals in others.items()}}
        total = sum(parts.values())
        if total > ceiling:
            shown = ", ".join(f"{tier} {costs.show(amount)}" for tier, amount in parts.items())
            report(
                f"modelled {service} costs add up to {costs.show(total)} USD a month ({shown}); allowed: at most "
                f"{costs.show(ceiling)} USD, the strategy's ceiling for {service}"
            )
