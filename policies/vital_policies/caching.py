"""cache-safety: Vercel's CDN may share a response between users only on static assets and on the
pages a stack lists in publicCachePaths.

A route's headers are judged on every path class's sample paths, the stack's admin paths, its
public pages and the paths each route's own `src` spells out (probes.src_examples), on every
host, under every reading of the routes (routes.readings). Headers a route possibly sends count
(transforms gated by environment, conditions on request headers assumed either way).
"""

from __future__ import annotations

import re
from typing import cast

from pulumi_policy import StackValidationArgs

from vital.facts import CDN_CACHE_HEADERS
from vital.paths import PUBLIC, STATIC_CLASSES
from vital.policy_report import Report

from . import context, probes
from .headers import failures, project_routes, show
from .pack_config import setting
from .resources import StackView, label
from .routes import HeaderRoute, Sent, src_matches

_SECONDS = re.compile(r"^(s-maxage|max-age)\s*=\s*\"?(\d+)\"?$")


def shared(name: str, value: str) -> bool:
    """Whether a response with this header may be kept by a shared cache for everyone."""
    directives = [d.strip().lower() for d in value.split(",") if d.strip()]
    if "private" in directives or "no-store" in directives:
        return False
    ages = {m.group(1): int(m.group(2)) for m in (_SECONDS.match(d) for d in directives) if m}
    if ages.get("s-maxage", 0) > 0:
        return True
    if name == "cache-control":
        return "public" in directives and ages.get("max-age", 0) > 0
    return ages.get("max-age", 0) > 0  # CDN-Cache-Control and Vercel-CDN-Cache-Control speak to the CDN only


def _shared_header(result: Sent) -> tuple[str, str, HeaderRoute] | None:
    for name in CDN_CACHE_HEADERS:
        found = result.maybe.get(name)
        if found and shared(name, found[0]):
            return name, found[0], found[1]
    return None


def _found(sent: Sent) -> tuple[str, str, HeaderRoute]:
    """The shared header of a result failures() kept (it keeps only those _shared_header finds one in)."""
    return cast(tuple[str, str, HeaderRoute], _shared_header(sent))


def cache_safety(args: StackValidationArgs, report: Report) -> None:
    ctx = context.for_rule(args)
    if ctx.tier not in setting(args.get_config(), "cache-safety", "tiers"):
        return
    view = StackView(args.resources)
    listed = ", ".join(ctx.public_paths) or "none listed"
    for project in view.projects:
        routes, domains = project_routes(view, project)
        own = [p for r in routes for p in probes.src_examples(r.src) if src_matches(r, p)]
        requests = [
            r
            for r in probes.requests(project, domains, ctx.admin_paths, ctx.public_paths, own)
            if r.path_class not in (*STATIC_CLASSES, PUBLIC)
        ]
        found = failures(routes, requests, lambda request, result: _shared_header(result) is not None)
        by_route: dict[str, list] = {}
        for finding in found:
            by_route.setdefault(_found(finding.sent)[2].resource.urn, []).append(finding)
        for urn, findings in by_route.items():
            name, value, route = _found(findings[0].sent)
            classes = ", ".join(dict.fromkeys(f.request.path_class for f in findings))
            report(
                f"{label(route.resource)} (tier {ctx.tier}) lets Vercel's CDN share {classes} responses between "
                f"users ({name}: {value!r}) on {show(findings)}; allowed: shared caching (s-maxage, public with "
                f"max-age, CDN-Cache-Control) only on static assets and the pages in "
                f"{context.PROJECT}:publicCachePaths ({listed})",
                urn,
            )
