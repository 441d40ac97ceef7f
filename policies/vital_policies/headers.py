"""Rules on the response headers each project's routes send: noindex and security headers."""

from __future__ import annotations

from pulumi_policy import ReportViolation, StackValidationArgs

from . import context
from .pack_config import setting
from .resources import DOMAIN, ROUTE, StackView, label
from .routes import ALL_PATHS, domain_names, header_route, unconditional_headers, vercel_app_only

# Lower-cased header names the security-headers rule requires, as messages spell them.
CSP = "content-security-policy"
HSTS = "strict-transport-security"
FRAME = "x-frame-options"
NOSNIFF = "x-content-type-options"


def noindex(args: StackValidationArgs, report: ReportViolation) -> None:
    """Non-production tiers send X-Robots-Tag: noindex on every path; production sends none on its domains."""
    ctx = context.for_rule(args)
    must_noindex = ctx.tier in setting(args.get_config(), "noindex", "noindexTiers")
    view = StackView(args.resources)
    for project in view.projects:
        routes = [header_route(r) for r in view.children(project, ROUTE)]
        if must_noindex:
            if not any(r.unconditional and r.sends_noindex(include_gated=False) for r in routes):
                found = _noindex_found(routes)
                report(f"{label(project)} (tier {ctx.tier}): {found}; allowed: a ProjectRoute with src {ALL_PATHS!r}, "
                       f"no has/missing condition, sending X-Robots-Tag containing 'noindex' (route.headers or a "
                       f"response.headers transform with op set/append)", project.urn)
            continue
        domains = domain_names(view.children(project, DOMAIN))
        for route in routes:
            if route.all_paths and route.sends_noindex() and not vercel_app_only(route, domains):
                report(f"{label(route.resource)} (tier {ctx.tier}) sends X-Robots-Tag: noindex on all paths "
                       f"without a host condition limiting it to *.vercel.app, so custom domains "
                       f"({', '.join(domains) or 'none attached yet'}) drop out of search results; allowed: no noindex "
                       f"on custom domains (a noindex route needs has: [{{type: host, value: '(.*)\\.vercel\\.app'}}])",
                       route.resource.urn)


def _noindex_found(routes) -> str:
    partial = [r for r in routes if r.sends_noindex()]
    if not partial:
        return "no route sends X-Robots-Tag: noindex"
    shown = ", ".join(f"{label(r.resource)} (src {r.src!r}{', with conditions' if r.has or r.missing else ''})"
                      for r in partial)
    return f"noindex only on some requests: {shown}"


def security_headers(args: StackValidationArgs, report: ReportViolation) -> None:
    """Production projects send CSP, HSTS, frame and sniffing protection on every path."""
    ctx = context.for_rule(args)
    if ctx.tier not in setting(args.get_config(), "security-headers", "tiers"):
        return
    view = StackView(args.resources)
    for project in view.projects:
        sent = unconditional_headers([header_route(r) for r in view.children(project, ROUTE)])
        missing = []
        if not sent.get(CSP, "").strip():
            missing.append("Content-Security-Policy")
        if not sent.get(HSTS, "").strip():
            missing.append("Strict-Transport-Security")
        if not sent.get(FRAME, "").strip() and "frame-ancestors" not in sent.get(CSP, "").lower():
            missing.append("X-Frame-Options (or CSP frame-ancestors)")
        if sent.get(NOSNIFF, "").strip().lower() != "nosniff":
            found = sent.get(NOSNIFF)
            missing.append("X-Content-Type-Options: nosniff" + (f" (found {found!r})" if found else ""))
        if missing:
            report(f"{label(project)} (tier {ctx.tier}) does not send on every path: {', '.join(missing)}; allowed: "
                   f"Content-Security-Policy, Strict-Transport-Security, X-Frame-Options or CSP frame-ancestors, and "
                   f"X-Content-Type-Options: nosniff from a ProjectRoute with src {ALL_PATHS!r} and no condition",
                   project.urn)
