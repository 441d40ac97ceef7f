"""The Vercel project's header routes and firewall rules, as specs resolved from the config.

Pure functions, so the component, the tests and the README tables read the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.specs import FirewallRule, HeaderRule
from vital.paths import ALL_PATHS

from .config import StackConfig

__all__ = ["ALL_PATHS", "ROBOTS_NOINDEX", "VERCEL_APP_HOST", "header_rules", "firewall_rules", "rate_limit"]

ROBOTS_NOINDEX = "noindex, nofollow"
# Production's own *.vercel.app host duplicates its content; it is kept out of search results.
VERCEL_APP_HOST = r"(.*)\.vercel\.app"

# Seed "Edge Caching".
CACHE_RULES = (
    ("cache-static", "/_next/static/(.*)", "public, max-age=31536000, immutable"),
    ("cache-api", "/api/(.*)", "no-store"),
    ("cache-pages", "/((?!api/|_next/).*)", "s-maxage=60, stale-while-revalidate"),
)

# Production hardening (seed "Security Considerations": HTTPS only, CSP headers).
# The CSP allows the data services the app talks to; a stack can override any header.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob: https:; font-src 'self' data:; "
        "connect-src 'self' https://*.supabase.co wss://*.supabase.co https://*.upstash.io "
        "https://*.sentry.io https://cloud.langfuse.com; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    ),
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# Non-production baseline (seed preview: X-Frame-Options SAMEORIGIN).
BASELINE_HEADERS = {"X-Frame-Options": "SAMEORIGIN", "X-Content-Type-Options": "nosniff"}


def header_rules(cfg: StackConfig) -> tuple[HeaderRule, ...]:
    rules = [HeaderRule(name=name, src=src, headers={"Cache-Control": value}) for name, src, value in CACHE_RULES]
    every_path = dict(SECURITY_HEADERS if cfg.security_headers else BASELINE_HEADERS)
    if cfg.noindex:
        every_path["X-Robots-Tag"] = ROBOTS_NOINDEX
    every_path.update(cfg.headers)
    rules.append(HeaderRule(name="headers-all-paths", src=ALL_PATHS, headers=every_path))
    if not cfg.noindex:
        rules.append(HeaderRule(name="noindex-vercel-app", src=ALL_PATHS, headers={"X-Robots-Tag": ROBOTS_NOINDEX},
                                host=VERCEL_APP_HOST))
    return tuple(rules)


@dataclass(frozen=True)
class RateLimit:
    window_s: int
    limit: int
    requests: int  # as configured, over period_s
    period_s: int


def rate_limit(cfg: StackConfig) -> RateLimit:
    """The tier's rate in the longest window the plan allows, with the limit scaled down.

    The seed's 100 per 15 min cannot be a 15-minute window on Hobby or Pro (10 min at most),
    so it becomes 66 per 10 min: never a higher rate than configured.
    """
    requests, period = cfg.rate_limit_requests, cfg.rate_limit_period
    window = min(period, cfg.limits.rate_limit_window_max_s)
    return RateLimit(window_s=window, limit=requests * window // period, requests=requests, period_s=period)


def firewall_rules(cfg: StackConfig) -> tuple[FirewallRule, ...]:
    rl = rate_limit(cfg)
    rules = [
        FirewallRule(
            name="rate-limit-per-ip",
            description=f"{rl.requests} requests per {rl.period_s} s per IP, as {rl.limit} per {rl.window_s} s",
            conditions=({"type": "path", "op": "pre", "value": "/"},),
            action={
                "action": "rate_limit",
                "rate_limit": {"algo": "fixed_window", "window": rl.window_s, "limit": rl.limit,
                               "keys": ["ip"], "action": "deny"},
            },
        )
    ]
    if cfg.admin_allowlist:
        paths = "|".join(p.strip("/") for p in cfg.admin_paths)
        rules.append(
            FirewallRule(
                name="admin-allowlist",
                description="Deny admin routes to addresses outside the allow-list",
                conditions=(
                    {"type": "path", "op": "re", "value": f"^/({paths})(/|$)"},
                    {"type": "ip_address", "op": "inc", "values": list(cfg.admin_allowlist), "neg": True},
                ),
                action={"action": "deny"},
            )
        )
    return tuple(rules)
