"""The cost model: each tier's monthly cost, line by line, from the settings that are priced.

What is priced (prices in vital.facts, each with its source and the date it was read):
- Vercel: the plan's seats (counted once, in the tier whose `vercelSeats` carries them) and each
  paid add-on the stack declares in `vercelAddons`.
- Supabase: each tier's compute add-on (`supabaseCompute`), point-in-time recovery where the
  tier's backups are `daily+pitr`, and, once, in the tier that carries the organization's plan,
  the Pro plan less the compute credits it includes.
- Upstash: each Redis database at its monthly budget, the most it can cost (the database is
  throttled there until the next month); the provider's default budget when none is set.

What is not: usage the platforms bill on top (requests, bandwidth, build minutes, Observability
events, Supabase egress and MAU, Redis commands under the budget). Budgets leave room for it.

One model for every reader: synth and the PR diff (each tier's cost, before and after), the config
checks, and the `cost-ceiling` policy, which gets the other tiers' totals through its pack config.
Settings arrive as the CLI passes config (strings, lists and numbers as JSON), through `raw(key)`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import facts
from .tiers import SHARED, TIER_DEFAULTS

SERVICES = ("vercel", "supabase", "upstash")
# Config key and tier-table field of each service's budget.
BUDGET_KEYS = {
    "vercel": ("vercelBudget", "vercel_budget_usd"),
    "supabase": ("supabaseBudget", "supabase_budget_usd"),
    "upstash": ("upstashBudget", "upstash_budget_usd"),
}
PITR = "daily+pitr"


@dataclass(frozen=True)
class Priced:
    """The settings of one tier that the model prices."""

    tier: str
    vercel_plan: str
    vercel_seats: int
    vercel_addons: tuple[str, ...]
    supabase_compute: str
    supabase_backups: str
    bills_shared_plans: bool
    redis_budgets: tuple[float | None, ...]  # one entry per database; None: the provider's default


@dataclass(frozen=True)
class Line:
    service: str
    item: str
    usd: float


@dataclass(frozen=True)
class TierCost:
    tier: str
    lines: tuple[Line, ...]

    def total(self, service: str | None = None) -> float:
        return float(sum(line.usd for line in self.lines if service in (None, line.service)))

    def totals(self) -> dict[str, float]:
        return {service: self.total(service) for service in SERVICES}

    def items(self, service: str) -> str:
        """The service's lines in words, for a message: "2 Pro seats 40, observability_plus 10"."""
        return ", ".join(f"{line.item} {show(line.usd)}" for line in self.lines if line.service == service) or "nothing"

    def to_json(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "monthlyUsd": self.totals() | {"total": self.total()},
            "lines": [{"service": x.service, "item": x.item, "usd": x.usd} for x in self.lines],
        }


def show(usd: float) -> str:
    return str(int(usd)) if float(usd).is_integer() else f"{usd:.2f}"


def _decoded(raw: Callable[[str], Any], key: str) -> Any:
    value = raw(key)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def priced(tier: str, raw: Callable[[str], Any], redis_budgets: tuple[float | None, ...] | None = None) -> Priced:
    """A tier's priced settings from its config (`raw(key)`: the value as the CLI passes it, or None),
    the tier table's defaults where a key is unset. `redis_budgets` overrides the databases the
    config implies (the policy passes the RedisDatabase resources' budgets it sees)."""
    defaults = TIER_DEFAULTS[tier]

    def value(key: str, default: Any) -> Any:
        found = _decoded(raw, key)
        return default if found is None else found

    if redis_budgets is None:
        redis_budgets = (value("upstashBudget", defaults.upstash_budget_usd),) if defaults.owns_cache else ()
    return Priced(
        tier=tier,
        vercel_plan=str(value("vercelPlan", SHARED["vercel_plan"])),
        vercel_seats=int(value("vercelSeats", defaults.vercel_seats)),
        vercel_addons=tuple(value("vercelAddons", ())),
        supabase_compute=str(value("supabaseCompute", defaults.supabase_compute)),
        supabase_backups=str(value("supabaseBackups", defaults.backups)),
        bills_shared_plans=defaults.bills_shared_plans,
        redis_budgets=tuple(redis_budgets),
    )


def model(p: Priced) -> TierCost:
    """The tier's monthly cost, line by line (USD)."""
    lines = [*_vercel(p), *_supabase(p)]
    for budget in p.redis_budgets:
        amount = float(budget) if budget is not None else float(facts.UPSTASH_DEFAULT_BUDGET_USD)
        lines.append(
            Line(
                "upstash",
                "Redis database at its budget"
                if budget is not None
                else "Redis database at the provider's default budget",
                amount,
            )
        )
    return TierCost(p.tier, tuple(lines))


def _vercel(p: Priced) -> list[Line]:
    lines = []
    if p.vercel_plan == "pro" and p.vercel_seats:
        lines.append(
            Line(
                "vercel",
                f"{p.vercel_seats} Pro seat{'s' if p.vercel_seats != 1 else ''}",
                float(p.vercel_seats * facts.VERCEL_PRO_SEAT_USD),
            )
        )
    for addon in p.vercel_addons:
        included = facts.FEATURE_AVAILABILITY.get(addon, {}).get(p.vercel_plan) == "yes"
        if not included and addon in facts.VERCEL_ADDON_USD:
            lines.append(Line("vercel", addon, float(facts.VERCEL_ADDON_USD[addon])))
    return lines


def _supabase(p: Priced) -> list[Line]:
    compute = facts.SUPABASE_COMPUTE.get(p.supabase_compute)
    lines = []
    if p.bills_shared_plans:
        lines.append(Line("supabase", "Pro plan (the organization's)", float(facts.SUPABASE_PRO_PLAN_USD)))
    if compute is not None:
        lines.append(Line("supabase", f"{p.supabase_compute} compute", float(compute.monthly_usd)))
    if p.bills_shared_plans:
        lines.append(
            Line("supabase", "compute credits (the organization's)", -float(facts.SUPABASE_COMPUTE_CREDITS_USD))
        )
    if p.supabase_backups == PITR:
        lines.append(Line("supabase", "point-in-time recovery (7 days)", float(facts.SUPABASE_PITR_7_DAYS_USD)))
    return lines


def budgets(tier: str, raw: Callable[[str], Any]) -> dict[str, float]:
    """The tier's monthly budget per service (config, else the tier table; 0 for no Redis database)."""
    out = {}
    for service, (key, field) in BUDGET_KEYS.items():
        found = _decoded(raw, key)
        default = getattr(TIER_DEFAULTS[tier], field)
        out[service] = float(found if isinstance(found, (int, float)) and not isinstance(found, bool) else default or 0)
    return out


def from_config(tier: str, config: Mapping[str, Any], namespace: str) -> TierCost:
    """A tier's modelled cost from a stack's config as the CLI passes it (`namespace:key` -> value)."""
    return model(priced(tier, lambda key: config.get(f"{namespace}:{key}")))
