"""Rules on the response headers each project's routes send: noindex and security headers.

Both judge per request, not per route: every path class's sample paths (vital.paths) on every
host of the project, under every reading of the routes (routes.readings: first match or every
match, either order, each way of comparing host values). A requirement holds only when it holds
under all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pulumi_policy import StackValidationArgs

from vital.policy_report import Report

from . import context, probes
from .pack_config import setting
from .resources import DOMAIN, ROUTE, StackView, label
from .routes import (
    ROBOTS,
    HeaderRoute,
    Reading,
    Sent,
    domain_names,
    header_route,
    matching,
    readings,
    sends_noindex,
    sent_by,
)

# Lower-cased header names the security-headers rule requires, as messages spell them.
CSP = "content-security-policy"
CSP_REPORT_ONLY = "content-security-policy-report-only"
REPORTING_DIRECTIVES = ("report-uri", "report-to")
HSTS = "strict-transport-security"
FRAME = "x-frame-options"
NOSNIFF = "x-content-type-options"
SHOWN = 3  # examples a message lists


@dataclass(frozen=True)
class Finding:
    request: probes.Request
    reading: Reading
    sent: Sent


def failures(
    routes: list[HeaderRoute], requests: list[probes.Request], fails: Callable[[probes.Request, Sent], bool]
) -> list[Finding]:
    """Each request that fails under some reading, with the first reading it fails under."""
    found = []
    every = readings(routes)
    for request in requests:
        # Which routes apply depends on how hosts, srcs and other conditions are read, not on
        # the order or match mode: worked out once per request and reading of those. The same
        # routes under the same order and match mode send the same headers: judged once.
        applying: dict[tuple[str, str, bool], tuple[list[HeaderRoute], tuple[int, ...]]] = {}
        judged: dict[tuple[tuple[int, ...], bool, bool], tuple[Sent, bool]] = {}
        for reading in every:
            key = (reading.host, reading.syntax, reading.unmodelled)
            if key not in applying:
                matched = matching(routes, request.host, request.path, reading)
                applying[key] = matched, tuple(map(id, matched))
            matched, ids = applying[key]
            seen = (ids, reading.first_match, reading.reverse)
            if seen not in judged:
                result = sent_by(matched, reading)
                judged[seen] = result, fails(request, result)
            result, failed = judged[seen]
            if failed:
                found.append(Finding(request, reading, result))
                break
    return found


def show(findings: list[Finding]) -> str:
    shown = ", ".join(f.request.show() for f in findings[:SHOWN])
    more = f" and {len(findings) - SHOWN} more" if len(findings) > SHOWN else ""
    return f"{shown}{more} (under {findings[0].reading.describe()})"


def project_routes(view: StackView, project) -> tuple[list[HeaderRoute], list[str]]:
    return [header_route(r) for r in view.children(project, ROUTE)], domain_names(view.children(project, DOMAIN))


def _robots(result: dict) -> str | None:
    found = result.get(ROBOTS)
    return found[0] if found else None


def noindex(args: StackValidationArgs, report: Report) -> None:
    """Noindex tiers send X-Robots-Tag: noindex on every request; the others send it on their
    *.vercel.app hosts and never on their custom domains."""
    ctx = context.for_rule(args)
    must_noindex = ctx.tier in setting(args.get_config(), "noindex", "noindexTiers")
    view = StackView(args.resources)
    for project in view.projects:
        routes, domains = project_routes(view, project)
        requests = probes.requests(project, domains, ctx.admin_paths, ctx.public_paths)
        if must_noindex:
            missing = failures(routes, requests, lambda r, s: not sends_noindex(_robots(s.always)))
            if missing:
                report(
                    f"{label(project)} (tier {ctx.tier}): no X-Robots-Tag: noindex on {show(missing)}; allowed: "
                    f"X-Robots-Tag containing 'noindex' on every path of every host, whichever way Vercel applies "
                    f"the routes (route.headers, or a response.headers transform with op set/append)",
                    project.urn,
                )
            continue
        _custom_domains_indexed(ctx.tier, routes, [r for r in requests if r.custom_domain], domains, report)
        hidden = failures(
            routes, [r for r in requests if not r.custom_domain], lambda r, s: not sends_noindex(_robots(s.always))
        )
        if hidden:
            report(
                f"{label(project)} (tier {ctx.tier}): its *.vercel.app hosts get no X-Robots-Tag: noindex on "
                f"{show(hidden)}; allowed: noindex on every host but the custom domains "
                f"({', '.join(domains) or 'none attached yet'}), so the *.vercel.app copy stays out of search "
                f"results",
                project.urn,
            )


def _custom_domains_indexed(
    tier: str, routes: list[HeaderRoute], requests: list[probes.Request], domains: list[str], report: Report
) -> None:
    leaks = failures(routes, requests, lambda r, s: sends_noindex(_robots(s.maybe)))
    by_route: dict[str, list[Finding]] = {}
    for finding in leaks:
        route = finding.sent.maybe[ROBOTS][1]
        by_route.setdefault(route.resource.urn, []).append(finding)
    for urn, found in by_route.items():
        route = found[0].sent.maybe[ROBOTS][1]
        report(
            f"{label(route.resource)} (tier {tier}) sends X-Robots-Tag: noindex on custom domains "
            f"({', '.join(domains)}): {show(found)}, so they drop out of search results; allowed: no noindex on "
            f"custom domains (a noindex route needs missing: [{{type: host, value: <each custom domain>}}])",
            urn,
        )


def security_headers(args: StackValidationArgs, report: Report) -> None:
    """Production projects send CSP, HSTS, frame and sniffing protection on every request; the tiers
    before production send a CSP at least report-only on every request."""
    ctx = context.for_rule(args)
    config = args.get_config()
    if ctx.tier in setting(config, "security-headers", "reportOnlyTiers") and ctx.tier not in setting(
        config, "security-headers", "tiers"
    ):
        _csp_reported(args, report, ctx)
        return
    if ctx.tier not in setting(config, "security-headers", "tiers"):
        return
    view = StackView(args.resources)
    for project in view.projects:
        routes, domains = project_routes(view, project)
        requests = probes.requests(project, domains, ctx.admin_paths, ctx.public_paths)
        missing_names: list[str] = []

        def fails(request, result, missing_names: list[str] = missing_names) -> bool:  # this project's list
            missing = _missing_security(result.always)
            missing_names.extend(m for m in missing if m not in missing_names)
            return bool(missing)

        found = failures(routes, requests, fails)
        if found:
            report(
                f"{label(project)} (tier {ctx.tier}) does not send on every path: {', '.join(missing_names)}; "
                f"missing on {show(found)}; allowed: Content-Security-Policy, Strict-Transport-Security, "
                f"X-Frame-Options or CSP frame-ancestors, and X-Content-Type-Options: nosniff on every path of every "
                f"host, whichever way Vercel applies the routes",
                project.urn,
            )


def directives(policy: str) -> list[str]:
    """A CSP's directives, normalized, without the reporting ones (where reports go is per tier)."""
    found = [" ".join(d.split()) for d in policy.split(";")]
    return sorted(d for d in found if d and d.split()[0].lower() not in REPORTING_DIRECTIVES)


def _csp_reported(args: StackValidationArgs, report: Report, ctx: context.StackContext) -> None:
    view = StackView(args.resources)
    wanted = directives(setting(args.get_config(), "security-headers", "csp"))
    for project in view.projects:
        routes, domains = project_routes(view, project)
        requests = probes.requests(project, domains, ctx.admin_paths, ctx.public_paths)

        def fails(request, result) -> bool:
            sent_now = [result.always.get(name, ("", None))[0] for name in (CSP, CSP_REPORT_ONLY)]
            return not any(directives(value) == wanted for value in sent_now if value.strip())

        found = failures(routes, requests, fails)
        if found:
            report(
                f"{label(project)} (tier {ctx.tier}) does not send production's CSP on {show(found)} (none, or a "
                f"different policy), so a policy that breaks the app is first seen in production; allowed: "
                f"production's Content-Security-Policy (pack config security-headers.csp) as "
                f"Content-Security-Policy-Report-Only, or enforced, on every path of every host (config "
                f"cspReportOnly: true)",
                project.urn,
            )


def _missing_security(result: dict) -> list[str]:
    sent_now = {name: value for name, (value, _) in result.items()}
    csp = sent_now.get(CSP, "")
    missing = []
    if not csp.strip():
        missing.append("Content-Security-Policy")
    if not sent_now.get(HSTS, "").strip():
        missing.append("Strict-Transport-Security")
    if not sent_now.get(FRAME, "").strip() and "frame-ancestors" not in csp.lower():
        missing.append("X-Frame-Options (or CSP frame-ancestors)")
    if sent_now.get(NOSNIFF, "").strip().lower() != "nosniff":
        found = sent_now.get(NOSNIFF)
        missing.append("X-Content-Type-Options: nosniff" + (f" (found {found!r})" if found else ""))
    return missing
