"""The requests a project's header routes are judged on: each path class's sample paths
(vital.paths), the stack's admin paths and public pages, on each of the project's hosts.

Hosts are the project's custom domains and two *.vercel.app names Vercel serves it under (the
project's own and a deployment URL). `src_examples` adds paths a route itself matches, so a
route aimed at one unlisted page (src ^/settings$) is probed on that page too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from vital.paths import PATH_CLASSES, classify

from .resources import peek

try:  # the stdlib's regex parser: Python 3.11 names it re._parser
    from re import _parser as regex_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older names
    import sre_parse as regex_parser  # type: ignore[no-redef]


@dataclass(frozen=True)
class Request:
    host: str
    path: str
    path_class: str
    custom_domain: bool

    def show(self) -> str:
        return f"{self.host}{self.path}"


def vercel_app_hosts(project: Any) -> list[str]:
    name = peek(project.props, "name")
    name = name if isinstance(name, str) and name else "project"
    return [f"{name}.vercel.app", f"{name}-git-main-team.vercel.app"]


def sample_paths(admin_paths: Sequence[str], public_paths: Sequence[str], extra: Iterable[str] = ()) -> list[str]:
    found = [s for c in PATH_CLASSES for s in c.samples]
    for prefix in admin_paths:
        found += [prefix, prefix.rstrip("/") + "/x"]
    for entry in public_paths:
        base = entry[:-2] if entry.endswith("/*") else entry
        found += [base or "/", f"{base}/x"] if entry.endswith("/*") else [entry]
    found += [p for p in extra if p.startswith("/")]
    return list(dict.fromkeys(found))


def requests(project: Any, domains: Sequence[str], admin_paths: Sequence[str], public_paths: Sequence[str],
             extra_paths: Iterable[str] = ()) -> list[Request]:
    hosts = [(d, True) for d in domains] + [(h, False) for h in vercel_app_hosts(project)]
    return [Request(host, path, classify(path, admin_paths, public_paths), custom)
            for host, custom in hosts
            for path in sample_paths(admin_paths, public_paths, extra_paths)]


# ---- paths a regular expression matches -----------------------------------------------------


def src_examples(pattern: Any, limit: int = 6) -> list[str]:
    """A few strings the pattern's literal parts spell out (lookarounds and anchors dropped, each
    repeat taken 0 or 1 times, each alternative tried); the caller keeps those the route matches."""
    if not isinstance(pattern, str):
        return []
    try:
        parsed = regex_parser.parse(pattern)
    except Exception:
        return []
    return [s for s in _spell(list(parsed), limit) if s.startswith("/")]


def _spell(items: list, limit: int) -> list[str]:
    results = [""]
    for op, av in items:
        options = _options(str(op), av, limit)
        results = [r + o for r in results for o in options][:limit] if options else results
    return results


def _options(op: str, av: Any, limit: int) -> list[str]:
    if op == "LITERAL":
        return [chr(av)]
    if op in ("ANY", "NOT_LITERAL", "CATEGORY"):
        return ["x"]
    if op == "IN":
        first = av[0] if av else None
        return [chr(first[1])] if first and str(first[0]) == "LITERAL" else ["x"]
    if op == "SUBPATTERN":
        return _spell(list(av[-1]), limit)
    if op == "BRANCH":
        return [s for branch in av[1] for s in _spell(list(branch), limit)][:limit]
    if op in ("MAX_REPEAT", "MIN_REPEAT"):
        low, _, sub = av
        once = _spell(list(sub), limit)
        return ([""] if low == 0 else []) + [s * max(low, 1) for s in once]
    return []  # AT (anchors), ASSERT and ASSERT_NOT (lookarounds), GROUPREF
