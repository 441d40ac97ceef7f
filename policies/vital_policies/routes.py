"""What response headers a project's routes send, and on which requests.

A ProjectRoute's `route.headers` are response headers: project routing rules use the routes
syntax of the Build Output API, where `headers` attach response headers
(vercel.com/docs/build-output-api/configuration); components/vercel_app.py relies on the same
reading. A `transforms` entry of type `response.headers` with op `set` or `append` sets one
explicitly; its `target` and `args` are JSON documents (the provider's docstring), read here
as {"key": NAME} or NAME, and a string or list of strings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import PolicyResource

from vital.paths import ALL_PATHS

from .resources import dig, elements, get, keys

ROBOTS = "x-robots-tag"
# Hosts a production noindex route must still match, and a custom host it must not.
VERCEL_APP_PROBE = "vital-expert-production.vercel.app"
CUSTOM_HOST_PROBE = "www.example.com"


@dataclass
class HeaderRoute:
    resource: PolicyResource
    src: str | None
    has: list[Any]
    missing: list[Any]
    # Lower-cased header name -> value, for headers sent unconditionally by this route.
    headers: dict[str, str] = field(default_factory=dict)
    # Headers set only in some environments (transforms with `envs`).
    gated_headers: dict[str, str] = field(default_factory=dict)

    @property
    def all_paths(self) -> bool:
        return self.src == ALL_PATHS

    @property
    def unconditional(self) -> bool:
        """Matches every request: all paths, no has/missing condition."""
        return self.all_paths and not self.has and not self.missing

    def sends_noindex(self, include_gated: bool = True) -> bool:
        sent = [self.headers.get(ROBOTS, "")]
        if include_gated:
            sent.append(self.gated_headers.get(ROBOTS, ""))
        return any("noindex" in value.lower() for value in sent)


def header_route(resource: PolicyResource) -> HeaderRoute:
    route = get(resource.props, "route")
    result = HeaderRoute(
        resource=resource,
        src=get(route, "src"),
        has=elements(get(route, "has")),
        missing=elements(get(route, "missings")),
    )
    headers = get(route, "headers")
    for name in sorted(keys(headers)):
        value = headers[name]
        if value is not None:
            result.headers[name.lower()] = str(value)
    for transform in elements(get(route, "transforms")):
        if get(transform, "type") != "response.headers" or get(transform, "op") not in ("set", "append"):
            continue
        name = _transform_key(get(transform, "target"))
        if not name:
            continue
        target = result.gated_headers if elements(get(transform, "envs")) else result.headers
        value = _transform_value(get(transform, "args"))
        key = name.lower()
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
    parsed = _json(args)
    if isinstance(parsed, list):
        return ", ".join(str(v) for v in parsed)
    if isinstance(parsed, dict):
        return ", ".join(str(v) for v in parsed.values())
    return "" if parsed is None else str(parsed)


def unconditional_headers(routes: list[HeaderRoute]) -> dict[str, str]:
    """Headers every request to the project gets (later routes override earlier ones)."""
    merged: dict[str, str] = {}
    for route in routes:
        if route.unconditional:
            merged.update(route.headers)
    return merged


def vercel_app_only(route: HeaderRoute, custom_domains: list[str]) -> bool:
    """The route only matches *.vercel.app hosts (a `has` host condition that excludes custom domains)."""
    for condition in route.has:
        if get(condition, "type") != "host":
            continue
        pattern = get(condition, "value")
        if not isinstance(pattern, str) or not pattern:
            continue
        if _host_matches(pattern, VERCEL_APP_PROBE) and not any(
            _host_matches(pattern, host) for host in [CUSTOM_HOST_PROBE, *custom_domains]
        ):
            return True
    return False


def _host_matches(pattern: str, host: str) -> bool:
    try:
        return re.fullmatch(pattern, host) is not None
    except re.error:
        return pattern == host


def domain_names(domains: list[PolicyResource]) -> list[str]:
    return [d for d in (dig(r.props, "domain") for r in domains) if isinstance(d, str)]
