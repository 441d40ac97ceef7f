"""What response headers a project's routes send to a request, under every reading Vercel may apply.

A ProjectRoute's `route.headers` are response headers: project routing rules use the routes
syntax of the Build Output API, where `headers` attach response headers
(vercel.com/docs/build-output-api/configuration); components/vercel_app.py relies on the same
reading. A `transforms` entry of type `response.headers` with op `set` or `append` sets one
explicitly; its `target` and `args` are JSON documents (the provider's docstring), read here
as {"key": NAME} or NAME, and a string or list of strings. A transform gated by `envs` may or
may not apply: it counts as possibly sent, never as always sent.

What the pack does not know, it tries every way (a `Reading`): whether Vercel stops at the
first matching route or applies every match; the order of the routes (as registered, and
reversed); how a `has`/`missing` host value is compared (vital.facts.HOST_VALUE_READINGS); how
a `src` without `srcSyntax` is read (regex or path-to-regexp); and whether the request carries
the headers, cookies and query parameters other conditions ask about. A rule's requirement must
hold under every reading.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from typing import Any

from pulumi_policy import PolicyResource

from vital.facts import HOST_VALUE_READINGS

from .resources import dig, elements, get, keys

ROBOTS = "x-robots-tag"


@dataclass(frozen=True)
class Condition:
    type: Any
    value: Any


@dataclass
class HeaderRoute:
    resource: PolicyResource  # the ProjectRoute read (header_route)
    src: Any
    syntax: Any  # None: Vercel infers it
    has: list[Condition]
    missing: list[Condition]
    enabled: bool = True
    # Lower-cased header name -> value, sent whenever the route applies / only in some environments.
    headers: dict[str, str] = field(default_factory=dict)
    gated_headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    first_match: bool
    reverse: bool
    host: str  # one of vital.facts.HOST_VALUE_READINGS
    syntax: str  # how a src without srcSyntax is read
    unmodelled: bool  # header/cookie/query conditions hold (True) or not (False)

    def describe(self) -> str:
        return (
            f"{'first match' if self.first_match else 'every match'}, routes in "
            f"{'reverse ' if self.reverse else ''}order, host values read as {self.host}"
        )


@dataclass(frozen=True)
class Sent:
    """Header name -> (value, the route that set it), always sent / possibly sent."""

    always: dict[str, tuple[str, HeaderRoute]]
    maybe: dict[str, tuple[str, HeaderRoute]]


def _conditions(value: Any) -> list[Condition]:
    return [Condition(get(c, "type"), get(c, "value")) for c in elements(value)]


def header_route(resource: PolicyResource) -> HeaderRoute:
    route = get(resource.props, "route")
    result = HeaderRoute(
        resource=resource,
        src=get(route, "src"),
        syntax=get(resource.props, "srcSyntax"),
        has=_conditions(get(route, "has")),
        missing=_conditions(get(route, "missings")),
        enabled=get(resource.props, "enabled") is not False,
    )
    headers = get(route, "headers")
    for name in sorted(keys(headers)):
        value = headers[name]
        if value is not None:
            result.headers[name.lower()] = str(value)
    for transform in elements(get(route, "transforms")):
        if get(transform, "type") != "response.headers" or get(transform, "op") not in ("set", "append"):
            continue
        transformed = _transform_key(get(transform, "target"))
        if not transformed:
            continue
        target = result.gated_headers if elements(get(transform, "envs")) else result.headers
        value, key = _transform_value(get(transform, "args")), transformed.lower()
        if get(transform, "op") == "append" and target.get(key):
            target[key] = f"{target[key]}, {value}"
        else:
            target[key] = value
    return result


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _transform_key(target: Any) -> str | None:
    parsed = _json(target)
    if isinstance(parsed, dict):
        parsed = parsed.get("key")
    return parsed if isinstance(parsed, str) else None


def _transform_value(args: Any) -> str:
    """The header value a transform's args give: a JSON string as Vercel reads it, or a list or an object
    (pulumi-policy hands those over as its proxies, Sequence and Mapping, not list and dict)."""
    parsed = _json(args)
    if isinstance(parsed, Mapping):
        return ", ".join(str(parsed[k]) for k in parsed)
    if isinstance(parsed, Sequence) and not isinstance(parsed, str):
        return ", ".join(str(v) for v in elements(parsed))
    return "" if parsed is None else str(parsed)


# ---- matching ----------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def path_to_regexp(src: str) -> str:
    """The usual path-to-regexp forms (/blog/:slug, /api/:path*, :id(\\d+), *) as an anchored regex."""
    out, i = [], 0
    token = re.compile(r":(\w+)(\([^)]*\))?([*+?])?|\*|\([^)]*\)")
    for match in token.finditer(src):
        out.append(re.escape(src[i : match.start()]))
        text, group, modifier = match.group(0), match.group(2), match.group(3)
        if text == "*":
            out.append(".*")
        elif text.startswith("("):
            out.append(text)
        else:
            out.append(group or {"*": ".*", "+": ".+", "?": "[^/]*"}.get(modifier or "", "[^/]+"))
        i = match.end()
    out.append(re.escape(src[i:]))
    return "^" + "".join(out) + "$"


def src_matches(route: HeaderRoute, path: str, syntax: str = "regex") -> bool:
    if not isinstance(route.src, str):
        return False
    kind = route.syntax if isinstance(route.syntax, str) else syntax
    if kind == "equals":
        return path == route.src
    pattern = _compiled(path_to_regexp(route.src) if kind == "path-to-regexp" else route.src)
    return pattern is not None and pattern.search(path) is not None


def host_matches(value: Any, host: str, reading: str) -> bool:
    if not isinstance(value, str):
        return value is None  # a host condition without a value: any host
    if reading == "exact":
        return value.lower() == host
    pattern = _compiled(value)
    if pattern is None:
        return False
    return (pattern.fullmatch(host) if reading == "regex" else pattern.search(host)) is not None


def _holds(condition: Condition, host: str, reading: Reading) -> bool:
    if condition.type == "host":
        return host_matches(condition.value, host, reading.host)
    return reading.unmodelled


def applies(route: HeaderRoute, host: str, path: str, reading: Reading) -> bool:
    return (
        route.enabled
        and src_matches(route, path, reading.syntax)
        and all(_holds(c, host, reading) for c in route.has)
        and not any(_holds(c, host, reading) for c in route.missing)
    )


def matching(routes: list[HeaderRoute], host: str, path: str, reading: Reading) -> list[HeaderRoute]:
    """The routes that apply to a request, in their order (whatever the reading's order and match mode)."""
    return [route for route in routes if applies(route, host, path, reading)]


def sent_by(matched: list[HeaderRoute], reading: Reading) -> Sent:
    """The headers the applying routes send, under the reading's order and match mode."""
    ordered = list(reversed(matched)) if reading.reverse else matched
    always: dict[str, tuple[str, HeaderRoute]] = {}
    maybe: dict[str, tuple[str, HeaderRoute]] = {}
    for route in ordered:
        always.update({k: (v, route) for k, v in route.headers.items()})
        maybe.update({k: (v, route) for k, v in {**route.headers, **route.gated_headers}.items()})
        if reading.first_match:
            break
    return Sent(always, maybe)


def readings(routes: list[HeaderRoute]) -> list[Reading]:
    """Every reading that can change the result for these routes (dimensions that cannot are left out)."""
    conditions = [c for r in routes for c in (*r.has, *r.missing)]
    hosts = HOST_VALUE_READINGS if any(c.type == "host" for c in conditions) else HOST_VALUE_READINGS[:1]
    syntaxes = ("regex", "path-to-regexp") if any(not isinstance(r.syntax, str) for r in routes) else ("regex",)
    unmodelled = (False, True) if any(c.type != "host" for c in conditions) else (False,)
    return [
        Reading(first, reverse, host, syntax, extra)
        for first, reverse, host, syntax, extra in product((True, False), (False, True), hosts, syntaxes, unmodelled)
    ]


def domain_names(domains: list[PolicyResource]) -> list[str]:
    return [d.lower() for d in (dig(r.props, "domain") for r in domains) if isinstance(d, str)]


def sends_noindex(value: str | None) -> bool:
    return value is not None and "noindex" in value.lower()
