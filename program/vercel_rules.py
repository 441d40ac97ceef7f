"""The Vercel project's header routes and firewall rules, as specs resolved from the config.

Pure functions, so the component, the tests and the docs' tables read the same rules. Both
follow the path classes of vital.paths.

Header routes give the same headers whatever order Vercel evaluates them in and whether it
stops at the first match or applies every match: their `src` patterns are disjoint (build
output, other static assets, listed public pages, and the rest), production's host variants
are disjoint too (each custom domain, and every other host), and each route carries the whole
header set of its class (security, noindex, cache).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from components.specs import FirewallRule, HeaderRule, RouteCondition
from vital import facts, paths
from vital.names import header_route_name
from vital.tiers import SHARED

from .config import StackConfig

__all__ = ["CACHE_CONTROL", "ROBOTS_NOINDEX", "firewall_rules", "header_rules", "rate_limit"]

ROBOTS_NOINDEX = "noindex, nofollow"
REST = "rest"  # api, admin and unlisted pages: one header set, one route

# The header table's Cache-Control per route group (None: the route sets none; Vercel and
# Next.js answer static files with their own). Shared caching only where everyone may share:
# content-hashed build output (strategy: immutable, a year) and the pages listed in publicCachePaths.
CACHE_CONTROL = {
    paths.BUILD: facts.IMMUTABLE_CACHE_CONTROL,
    paths.STATIC: None,
    paths.PUBLIC: facts.PUBLIC_PAGE_CACHE_CONTROL,
    REST: facts.PRIVATE_CACHE_CONTROL,
}

# Production hardening (strategy "Security Considerations": HTTPS only, CSP headers); a stack can
# override any header.
SECURITY_HEADERS = {
    "Content-Security-Policy": SHARED["content_security_policy"],
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# Non-production baseline (strategy, preview: X-Frame-Options SAMEORIGIN).
BASELINE_HEADERS = {"X-Frame-Options": "SAMEORIGIN", "X-Content-Type-Options": "nosniff"}
# Where the CSP is not enforced, production's is reported only: browsers log what it would block.
CSP_REPORT_ONLY = "Content-Security-Policy-Report-Only"
# Where browsers send CSP violation reports when the stack names an endpoint (cspReportUri): the
# Reporting API's endpoint (Reporting-Endpoints + report-to) and report-uri for browsers without it.
# Source: developer.mozilla.org/docs/Web/HTTP/Headers/Content-Security-Policy/report-to and
# .../Reporting-Endpoints (report-to needs Reporting-Endpoints; report-uri is its deprecated fallback).
REPORTING_ENDPOINTS = "Reporting-Endpoints"
CSP_ENDPOINT_NAME = "csp"


@dataclass(frozen=True)
class HostVariant:
    """Which hosts a route serves, and whether they are kept out of search results."""

    suffix: str
    has: tuple[RouteCondition, ...]
    missing: tuple[RouteCondition, ...]
    noindex: bool


def host_variants(cfg: StackConfig, domains: Sequence[str]) -> tuple[HostVariant, ...]:
    """Noindex tiers: every host alike. Production: each custom domain indexed, every other host
    (its *.vercel.app URLs) not. A custom domain is written out as it is: `has` and `missing`
    compare a host value exactly or as a regular expression, and a domain name means the same
    under both readings (vital.facts.HOST_VALUE_READINGS)."""
    if cfg.noindex or not domains:  # without a custom domain every host is a *.vercel.app one
        return (HostVariant("", (), (), True),)
    own = tuple(RouteCondition(type="host", value=d) for d in domains)
    return (
        *(HostVariant(f"-{d}", (c,), (), False) for d, c in zip(domains, own, strict=True)),
        HostVariant("-other-hosts", (), own, True),
    )


def _headers(cfg: StackConfig, group: str, noindex: bool) -> dict[str, str]:
    headers = dict(SECURITY_HEADERS if cfg.security_headers else BASELINE_HEADERS)
    if cfg.csp_report_only and not cfg.security_headers:
        headers[CSP_REPORT_ONLY] = SECURITY_HEADERS["Content-Security-Policy"]
    if cfg.csp_report_uri:
        for name in ("Content-Security-Policy", CSP_REPORT_ONLY):
            if name in headers:
                headers[name] += f"; report-uri {cfg.csp_report_uri}; report-to {CSP_ENDPOINT_NAME}"
        headers[REPORTING_ENDPOINTS] = f'{CSP_ENDPOINT_NAME}="{cfg.csp_report_uri}"'
    if noindex:
        headers["X-Robots-Tag"] = ROBOTS_NOINDEX
    headers.update(cfg.headers)  # config refuses cache headers here (program.checks)
    cache_control = CACHE_CONTROL[group]
    if cache_control is not None:
        headers["Cache-Control"] = cache_control
    return headers


def header_rules(cfg: StackConfig, domains: Sequence[str] = ()) -> tuple[HeaderRule, ...]:
    """One route per route group and host variant, in the order the component chains them."""
    patterns = paths.route_patterns(cfg.public_cache_paths)
    groups = {paths.BUILD: patterns[paths.BUILD], paths.STATIC: patterns[paths.STATIC]}
    if paths.PUBLIC in patterns:
        groups[paths.PUBLIC] = patterns[paths.PUBLIC]
    groups[REST] = patterns[REST]
    return tuple(
        HeaderRule(
            name=header_route_name(group, variant.suffix),
            src=src,
            src_syntax="regex",
            headers=_headers(cfg, group, variant.noindex),
            has=variant.has,
            missing=variant.missing,
        )
        for group, src in groups.items()
        for variant in host_variants(cfg, domains)
    )


@dataclass(frozen=True)
class RateLimit:
    window_s: int
    limit: int
    requests: int  # as configured, over period_s
    period_s: int


def rate_limit(cfg: StackConfig) -> RateLimit:
    """The tier's rate in the longest window the plan allows, with the limit scaled down.

    The strategy's 100 per 15 min cannot be a 15-minute window on Hobby or Pro (10 min at most),
    so it becomes 66 per 10 min: never a higher rate than configured.
    """
    requests, period = cfg.rate_limit_requests, cfg.rate_limit_period
    window = min(period, cfg.limits.rate_limit_window_max_s)
    return RateLimit(window_s=window, limit=requests * window // period, requests=requests, period_s=period)


def rate_limit_groups(scope: Sequence[str]) -> tuple[tuple[dict, ...], ...]:
    """The rule's condition groups (ORed): /api always; with "pages", every path that is not a
    static asset. No group matches a build or static path outside /api."""
    groups: list[tuple[dict, ...]] = [({"type": "path", "op": "re", "value": paths.API_RE},)]
    if paths.PAGES in scope:
        groups.append(({"type": "path", "op": "re", "value": paths.STATIC_RE, "neg": True},))
    return tuple(groups)


def firewall_rules(cfg: StackConfig) -> tuple[FirewallRule, ...]:
    rl = rate_limit(cfg)
    counted = " and ".join("/api" if s == paths.API else "pages" for s in cfg.rate_limit_scope)
    rules = [
        FirewallRule(
            name="rate-limit-per-ip",
            description=(
                f"{rl.requests} requests per {rl.period_s} s per IP on {counted}, as {rl.limit} per "
                f"{rl.window_s} s; static assets never count; answers 429"
            ),
            condition_groups=rate_limit_groups(cfg.rate_limit_scope),
            action={
                "action": "rate_limit",
                "rate_limit": {
                    "algo": "fixed_window",
                    "window": rl.window_s,
                    "limit": rl.limit,
                    "keys": ["ip"],
                    "action": facts.RATE_LIMIT_429_ACTION,
                },
            },
        )
    ]
    if cfg.admin_allowlist:
        admin = "|".join(p.strip("/") for p in cfg.admin_paths)
        rules.append(
            FirewallRule(
                name="admin-allowlist",
                description="Deny admin routes to addresses outside the allow-list",
                condition_groups=(
                    (
                        {"type": "path", "op": "re", "value": f"^/({admin})(/|$)"},
                        {"type": "ip_address", "op": "inc", "values": list(cfg.admin_allowlist), "neg": True},
                    ),
                ),
                action={"action": "deny"},
            )
        )
    return tuple(rules)
