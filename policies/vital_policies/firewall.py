"""Rules on each project's Vercel firewall: the per-IP rate limit and the admin allow-list.

FirewallConfig shape (inputs, camelCase): rules.rules[] = {name, active, conditionGroups[]:
{conditions[]: {type, op, value | values, neg}}, action: {action, rateLimit: {algo, window,
limit, keys, action}}}. Groups are ORed and the conditions in a group ANDed; a path condition
is evaluated on sample paths of each path class (vital.paths), any other condition (method,
header, IP) may or may not hold.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from pulumi_policy import PolicyResource, StackValidationArgs

from vital.facts import RATE_LIMIT_429_ACTION
from vital.paths import API, CLASSES, STATIC_CLASSES
from vital.policy_report import Report
from vital.validators import covers_every_address

from . import context
from .pack_config import number_setting, setting
from .resources import FIREWALL, StackView, dig, elements, get, label, number, show_number


def _rules(firewall: PolicyResource) -> list[Any]:
    return elements(dig(firewall.props, "rules", "rules"))


def _rule_name(rule: Any) -> str:
    name = get(rule, "name")
    return f"rule '{name}'" if isinstance(name, str) else "an unnamed rule"


def _disabled(firewall: PolicyResource) -> bool:
    return get(firewall.props, "enabled") is False


# ---- rate-limit ---------------------------------------------------------------------------


def _firewalls_by_project(args: StackValidationArgs, allowed: str, report: Report):
    """Each project with its FirewallConfigs; a project without one is reported, not yielded."""
    view = StackView(args.resources)
    for project in view.projects:
        firewalls = view.children(project, FIREWALL)
        if firewalls:
            yield project, firewalls
        else:
            report(f"{label(project)} has no FirewallConfig; allowed: {allowed}", project.urn)


def rate_limit(args: StackValidationArgs, report: Report) -> None:
    """Every project has an active per-IP rate-limit rule no looser than its tier allows."""
    ctx = context.for_rule(args)
    limits = context.plan_limits(ctx, report)
    if limits is None:
        return
    config = args.get_config()
    max_requests = number_setting(config, "rate-limit", "maxRequests", ctx.tier)
    period = number_setting(config, "rate-limit", "periodSeconds")
    allowed = (
        f"an active rate-limit rule keyed on ip of at most {show_number(max_requests)} requests per "
        f"{show_number(period)} s (tier {ctx.tier}), window {limits.rate_limit_window_min_s}-"
        f"{limits.rate_limit_window_max_s} s and algorithm {' or '.join(limits.rate_limit_algorithms)} "
        f"(plan {ctx.plan}), counting /api and no static asset, answering 429 "
        f"(rateLimit.action {RATE_LIMIT_429_ACTION!r})"
    )
    for project, firewalls in _firewalls_by_project(args, allowed, report):
        findings: list[str] = []
        passed = False
        for firewall in firewalls:
            if _disabled(firewall):
                findings.append(f"{label(firewall)} is disabled (enabled: false)")
                continue
            for rule in _rules(firewall):
                if dig(rule, "action", "action") != "rate_limit":
                    continue
                problems = _rate_limit_problems(rule, max_requests, period, limits)
                if not problems:
                    passed = True
                    break
                findings.append(f"{label(firewall)} {_rule_name(rule)}: {'; '.join(problems)}")
            if passed:
                break
        if not passed:
            found = "; ".join(findings) if findings else "no rate-limit rule"
            report(f"{label(project)}: {found}; allowed: {allowed}", firewalls[0].urn)
            continue
        for firewall, rule, paths in _static_counters(firewalls):
            report(
                f"{label(project)}: {label(firewall)} {_rule_name(rule)} counts static assets ({', '.join(paths)}); "
                f"allowed: rate limits that never count build output or static files",
                firewall.urn,
            )


def _static_counters(firewalls: list[PolicyResource]):
    """Active rate-limit rules that may count a static asset, with the static sample paths they count."""
    for firewall in firewalls:
        if _disabled(firewall):
            continue
        for rule in _rules(firewall):
            if dig(rule, "action", "action") == "rate_limit" and get(rule, "active") is not False:
                paths = _static_paths_counted(rule)
                if paths:
                    yield firewall, rule, paths


def _rate_limit_problems(rule: Any, max_requests: float, period: float, limits) -> list[str]:
    problems = []
    if get(rule, "active") is False:
        problems.append("inactive (active: false)")
    rl = dig(rule, "action", "rateLimit")
    keys = [k for k in elements(get(rl, "keys")) if isinstance(k, str)]
    if "ip" not in keys:
        problems.append(f"keys {keys} (not per IP)")
    follow_up = get(rl, "action")
    if follow_up != RATE_LIMIT_429_ACTION:
        problems.append(
            f"follow-up action {follow_up!r} (not {RATE_LIMIT_429_ACTION!r}, the 429 answer"
            f"{'; log only logs' if follow_up == 'log' else ''})"
        )
    missed = [p for p in CLASSES[API].samples if _counts(rule, p) is not True]  # every API sample, not one
    if missed:
        problems.append(f"does not count every {missed[0]} request")
    static = _static_paths_counted(rule)
    if static:
        problems.append(f"counts static assets ({', '.join(static)})")
    algo = get(rl, "algo")
    if algo not in limits.rate_limit_algorithms:
        problems.append(f"algorithm {algo!r}")
    window, limit = number(get(rl, "window")), number(get(rl, "limit"))
    if window is None or limit is None or window <= 0 or limit <= 0:
        problems.append(f"window {get(rl, 'window')!r} and limit {get(rl, 'limit')!r} (not positive numbers)")
        return problems
    if not limits.rate_limit_window_min_s <= window <= limits.rate_limit_window_max_s:
        problems.append(f"window {show_number(window)} s")
    # The rate is limit / window; compare it exactly with max_requests / period.
    if Fraction(limit) * Fraction(period) > Fraction(max_requests) * Fraction(window):
        scaled = float(Fraction(limit) * Fraction(period) / Fraction(window))
        problems.append(
            f"{show_number(limit)} requests per {show_number(window)} s (= {scaled:.4g} per {show_number(period)} s)"
        )
    return problems


# ---- admin-allowlist ------------------------------------------------------------------------


def admin_allowlist(args: StackValidationArgs, report: Report) -> None:
    """Admin routes are denied to every address outside the allow-list, in every project."""
    ctx = context.for_rule(args)
    if ctx.tier not in setting(args.get_config(), "admin-allowlist", "tiers"):
        return
    paths = ctx.admin_paths
    allowed = (
        f"an active FirewallConfig rule with action deny whose conditions match the admin routes "
        f"({', '.join(paths)}) and an ip_address condition with neg: true and op inc on the allow-list's "
        f"addresses (values, none of them every address such as 0.0.0.0/0; set {context.PROJECT}:adminAllowlist)"
    )
    for project, firewalls in _firewalls_by_project(args, allowed, report):
        uncovered = set(paths)
        seen: list[str] = []
        for firewall in firewalls:
            if _disabled(firewall):
                seen.append(f"{label(firewall)} disabled")
                continue
            for rule in _rules(firewall):
                seen.append(f"{_rule_name(rule)} ({dig(rule, 'action', 'action')})")
                uncovered -= _admin_paths_denied(rule, paths)
        if uncovered:
            found = ", ".join(seen) if seen else "no rules"
            report(
                f"{label(project)}: admin routes {', '.join(sorted(uncovered))} are not denied outside the "
                f"allow-list (found: {found}); allowed: {allowed}",
                firewalls[0].urn,
            )


def _admin_paths_denied(rule: Any, paths: tuple[str, ...]) -> set[str]:
    """The admin paths this rule denies to every address outside an allow-list."""
    if get(rule, "active") is False or dig(rule, "action", "action") != "deny":
        return set()
    denied: set[str] = set()
    for group in elements(get(rule, "conditionGroups")):
        conditions = elements(get(group, "conditions"))
        if not any(_outside_allowlist(c) for c in conditions):
            continue
        # Conditions in a group are ANDed: the group denies a path outside the allow-list when every
        # other condition holds for that path whatever the request. A method or header condition
        # may not hold (the route stays open to the other requests), so it denies nothing.
        others = [c for c in conditions if not _outside_allowlist(c)]
        denied |= {p for p in paths if all(condition_holds(c, p) is True for c in others)}
    return denied


def _outside_allowlist(condition: Any) -> bool:
    """An IP condition that holds for every address outside the allow-list: `ip_address`, op `inc`
    on the allow-list's addresses (`values`), negated, as the program writes it. No other op is
    taken for one: `eq` compares a single value, and a negated `ninc` holds inside the list. A list
    holding 0.0.0.0/0 or ::/0 has nobody outside it: the deny never applies."""
    values = [v for v in elements(get(condition, "values")) if isinstance(v, str)]
    return (
        get(condition, "type") == "ip_address"
        and get(condition, "op") == "inc"
        and get(condition, "neg") is True
        and bool(values)
        and not any(covers_every_address(v) for v in values)
    )


def _static_paths_counted(rule: Any) -> list[str]:
    return [p for c in STATIC_CLASSES for p in CLASSES[c].samples if _counts(rule, p) is not False]


def _counts(rule: Any, path: str) -> bool | None:
    """Whether the rule's conditions match a request for this path: True, False, or None (it
    depends on conditions other than the path)."""
    results = [
        _group_holds(elements(get(group, "conditions")), path) for group in elements(get(rule, "conditionGroups"))
    ]
    if True in results:
        return True
    if None in results:
        return None  # no group matches for sure, and one depends on a condition other than the path
    return False


def _group_holds(conditions: list[Any], path: str) -> bool | None:
    results = [condition_holds(c, path) for c in conditions]
    if False in results or not results:
        return False
    return None if None in results else True


def condition_holds(condition: Any, path: str) -> bool | None:
    """A condition on this path: True or False for a path condition, None for any other."""
    if get(condition, "type") != "path":
        return None
    matched = _path_matches(condition, path)
    if matched is None:
        return None
    return not matched if get(condition, "neg") is True else matched


def _path_matches(condition: Any, path: str) -> bool | None:
    op, value = get(condition, "op"), get(condition, "value")
    values = [v for v in elements(get(condition, "values")) if isinstance(v, str)]
    if op == "re" and isinstance(value, str):
        try:
            return re.search(value, path) is not None
        except re.error:
            return None
    tests = {
        "pre": lambda v: path.startswith(v),
        "eq": lambda v: path == v,
        "neq": lambda v: path != v,
        "sub": lambda v: v in path,
        "suf": lambda v: path.endswith(v),
    }
    if op in tests and isinstance(value, str):
        return tests[op](value)
    if op in ("inc", "ninc"):
        return (path in values) is (op == "inc")
    return None
