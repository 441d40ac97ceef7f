"""Platform prices and sizes: a page of the facts table (vital/facts.py re-exports every name here)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "PRICES_READ_ON",
    "SUPABASE_COMPUTE",
    "SUPABASE_COMPUTE_CREDITS_USD",
    "SUPABASE_PITR_7_DAYS_USD",
    "SUPABASE_PITR_MIN_COMPUTE",
    "SUPABASE_POOL_SHARE_PERCENT",
    "SUPABASE_PRO_DAILY_BACKUP_DAYS",
    "SUPABASE_PRO_PLAN_USD",
    "UPSTASH_FREE_MONTHLY_COMMANDS",
    "UPSTASH_PAYG_PER_100K_COMMANDS_USD",
    "VERCEL_ADDON_USD",
    "VERCEL_PRO_SEAT_USD",
    "SupabaseCompute",
]

# Every price is USD per month, read on the date given with its source. A price changes: change it
# here, with the date and the source, and nothing else. Usage (requests, bandwidth, build minutes,
# events, commands) is not modelled: each platform bills it on top, and only Upstash caps it (budget).
PRICES_READ_ON = "2026-12-07"


@dataclass(frozen=True)
class SupabaseCompute:
    # Postgres max_connections Supabase sets for the size, and the shared pooler's client limit.
    max_connections: int
    pooler_max_clients: int
    # ~monthly price of the compute add-on (hourly price x 730).
    monthly_usd: int


# Sizes a paid organization can launch (Nano is Free-plan only; "You cannot launch Nano instances on
# paid plans"). Sources (read 2026-12-07): supabase/supabase apps/docs/content/guides/platform/
# compute-and-disk.mdx ("Limits and constraints": Database Max Connections, Connection Pooler Max
# Clients; compute prices) and guides/platform/manage-your-usage/compute.mdx (Monthly Price USD).
SUPABASE_COMPUTE: dict[str, SupabaseCompute] = {
    "micro": SupabaseCompute(60, 200, 10),
    "small": SupabaseCompute(90, 400, 15),
    "medium": SupabaseCompute(120, 600, 60),
    "large": SupabaseCompute(160, 800, 110),
    "xl": SupabaseCompute(240, 1000, 210),
    "2xl": SupabaseCompute(380, 1500, 410),
    "4xl": SupabaseCompute(480, 3000, 960),
    "8xl": SupabaseCompute(490, 6000, 1870),
    "12xl": SupabaseCompute(500, 9000, 2800),
    "16xl": SupabaseCompute(500, 12000, 3730),
}
# The share of max_connections a pool may take in an app that uses the REST API (PostgREST) heavily,
# as supabase-js does: "if you are heavily using the PostgREST database API, you should be
# conscientious about raising your pool size past 40% of the Database Max Connections. Otherwise, you
# can commit 80% to the pool. This leaves adequate room for the Authentication server and other
# utilities." Source: supabase.com/docs/guides/database/connection-management ("Configuring
# Supavisor's pool size"), read 2026-12-07.
SUPABASE_POOL_SHARE_PERCENT = 40
# The Pro plan, per organization, and the compute credits it includes ("Paid plans include $10 in
# Compute Credits, which cover one project running on the Micro/Nano Compute size ... provided to an
# organization each month"; they apply to Compute only). Source: manage-your-usage/compute.mdx
# (billing examples: "Pro Plan $25"; "Compute Credits"), read 2026-12-07.
SUPABASE_PRO_PLAN_USD = 25
SUPABASE_COMPUTE_CREDITS_USD = 10
# Point-in-time recovery, 7 days' retention (14 days $200, 28 days $400), per project; it "will also
# need to use at least a Small compute add-on". Sources: apps/docs/content/_partials/billing/pricing/
# pricing_pitr.mdx (7 days: $0.137/h, $100/month) and guides/platform/backups.mdx ("Projects
# interested in PITR will also need to use at least a Small compute add-on"), read 2026-12-07.
SUPABASE_PITR_7_DAYS_USD = 100
SUPABASE_PITR_MIN_COMPUTE = "small"
# What each paid plan backs up on its own: Pro projects daily, the last 7 days kept; there is no
# weekly schedule. Source: guides/platform/backups.mdx ("Pro Plan projects can access the last 7 days
# of daily backups"), read 2026-12-07.
SUPABASE_PRO_DAILY_BACKUP_DAYS = 7

# Vercel Pro: $20 a month per deploying seat, with $20 of monthly usage credit for the team.
# Sources: vercel.com/docs/plans/pro-plan ("Every Pro plan has $20 in monthly credit"; free viewer
# seats) and vercel.com/pricing as quoted by verceljobs.com/blog/study-guide/pricing ("Pro
# $20/user/month"), read 2026-12-07.
VERCEL_PRO_SEAT_USD = 20
# Paid Pro add-ons, by the vercelAddons name, per team and month. Sources, read 2026-12-07:
# - observability_plus: vercel.com/docs/observability/monitoring/limits-and-pricing ("Base Fee per
#   month: Pro $10"; Observability Plus succeeded Monitoring at that base fee; events are usage).
# - preview_deployment_suffix: $100 a month (secondary: codejam.info/2023/04/vercel-custom-preview-
#   domain.html "charges $100/month"; davette.ca/blog/vercel-pr-preview-custom-domains "listed at $100
#   per month on Vercel's pricing page"); no vercel.com copy of the figure was found here.
# - password_protection: vercel.com/kb/guide/add-password-protection-vercel-deployment ("Password
#   Protection is available on Enterprise, or on Pro through the $150 per month Advanced Deployment
#   Protection add-on").
VERCEL_ADDON_USD = {"observability_plus": 10, "preview_deployment_suffix": 100, "password_protection": 150}

# Upstash Redis pay-as-you-go: $0.20 per 100K commands; Free: 500K commands a month, 256 MB. A
# database's cost is capped by its budget (throttled there until the next month: UPSTASH_DEFAULT_BUDGET_USD
# above), so the model counts each database at its budget, the most it can cost. Source:
# upstash.com/pricing/redis as captured by docs.flexprice.io/cookbooks/pricing-teardowns/upstash-pricing
# (2026-11-09: "Pay as You Go ... $0.20 per 100,000 commands"; "Free at 0 with 500K monthly commands"), read 2026-12-07.
UPSTASH_PAYG_PER_100K_COMMANDS_USD = 0.2
UPSTASH_FREE_MONTHLY_COMMANDS = 500_000
