"""The requests a project's header routes are judged on: each path class's sample paths
(vital.paths), the stack's admin paths and public pages, on each of the project's hosts.

Hosts are the project's custom domains and two *.vercel.app names Vercel serves it under (the
project's own and a deployment URL). `src_examples` adds paths a route itself matches, so a
route aimed at one unlisted page (src ^/settings$) is probed on that page too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from vital.paths import PATH_CLASSES, classify

from .resources import peek


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


def requests(
    project: Any,
    domains: Sequence[str],
    admin_paths: Sequence[str],
    public_paths: Sequence[str],
    extra_paths: Iterable[str] = (),
) -> list[Request]:
    hosts = [(d, True) for d in domains] + [(h, False) for h in vercel_app_hosts(project)]
    return [
        Request(host, path, classify(path, admin_paths, public_paths), custom)
        for host, custom in hosts
        for path in sample_paths(admin_paths, public_paths, extra_paths)
    ]


# ---- paths a regular expression matches -----------------------------------------------------
#
# A small reader of Python's regular-expression syntax (docs.python.org/3/library/re.html, "Regular
# Expression Syntax"), for spelling examples only: re.compile, the public API, decides what is a
# regular expression at all, and the caller keeps only the examples the route matches, so an odd
# construct read loosely costs an example, never a wrong verdict. It stands in for the
# stdlib-private re._parser (issue 26). An item is the text it spells ("" for nothing), a group
# (a list of alternatives, each a list of items) or a repeat (a tuple: the least count, the item).

_QUANTIFIER = re.compile(r"\{(\d*)(,?)(\d*)\}")


def src_examples(pattern: Any, limit: int = 6) -> list[str]:
    """A few strings the pattern's literal parts spell out (lookarounds and anchors dropped, each
    repeat taken 0 or 1 times, each alternative tried); the caller keeps those the route matches."""
    if not isinstance(pattern, str):
        return []
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):  # too deep a nesting, too large a repeat
        return []
    spelled = _options(_alternatives(pattern, 0)[0], limit)
    return [s for s in spelled if s.startswith("/")]


def _alternatives(text: str, i: int) -> tuple[list[list], int]:
    """The `|`-separated sequences from i to the end or the `)` closing the group; the index of that `)`."""
    found: list[list] = [[]]
    while i < len(text) and text[i] != ")":
        if text[i] == "|":
            found.append([])
            i += 1
        else:
            item, i = _atom(text, i)
            item, i = _repeat(text, i, item)
            found[-1].append(item)
    return found, i


def _atom(text: str, i: int) -> tuple[Any, int]:
    char = text[i]
    if char == "(":
        return _group(text, i + 1)
    if char == "[":
        return _class(text, i + 1)
    if char == "\\":
        return _escape(text[i + 1]), i + 2
    if char in "^$":
        return "", i + 1  # anchors spell nothing
    return ("x" if char == "." else char), i + 1


def _escape(char: str) -> str:
    """An escaped character: a class (\\d, \\w, \\s and their negations) spells "x"; any other letter or
    digit (an anchor such as \\b, a back-reference, a special character such as \\n) nothing; an
    escaped punctuation mark itself."""
    if char in "dDwWsS":
        return "x"
    return "" if char.isalnum() else char


def _group(text: str, i: int) -> tuple[Any, int]:
    """After `(`: a group, capturing, named or not, spells its alternatives; any other `(?`
    construct (lookarounds, flags, references, comments, conditionals) spells nothing."""
    if text.startswith("?P<", i):
        i = text.index(">", i) + 1
    elif text.startswith("?:", i):
        i += 2
    elif text.startswith("?#", i):  # a comment ends at the first `)`, nesting nothing
        return "", text.index(")", i) + 1
    elif text.startswith("?", i):
        return "", _closing(text, i) + 1
    alternatives, i = _alternatives(text, i)
    return alternatives, i + 1


def _closing(text: str, i: int) -> int:
    """The index of the `)` that closes the group whose content starts at i."""
    depth = 0
    while depth >= 0:
        char = text[i]
        if char == "[":
            i = _class(text, i + 1)[1]
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        i += 2 if char == "\\" else 1
    return i - 1


def _class(text: str, i: int) -> tuple[str, int]:
    """After `[`: its first member when that is a plain character, else "x"; the index after `]`."""
    ranged = text[i + 1] == "-" and text[i + 2] != "]"
    first = "x" if text[i] in "^\\" or ranged else text[i]
    start = i + (text[i] == "^")
    end = start + (2 if text[start] == "\\" else 1)  # the first member, even a `]`
    while text[end] != "]":
        end += 2 if text[end] == "\\" else 1
    return first, end + 1


def _repeat(text: str, i: int, item: Any) -> tuple[Any, int]:
    """The item with the quantifier after it, if any (a lazy or possessive mark changes no example)."""
    quantifier = _QUANTIFIER.match(text, i)
    if text[i : i + 1] in ("*", "?"):
        least, i = 0, i + 1
    elif text[i : i + 1] == "+":
        least, i = 1, i + 1
    elif quantifier and (quantifier[1] or quantifier[2]):
        least, i = int(quantifier[1] or 0), quantifier.end()
    else:
        return item, i
    if text[i : i + 1] in ("?", "+"):
        i += 1
    return (least, item), i


def _spell(items: list, limit: int) -> list[str]:
    results = [""]
    for item in items:
        results = [r + o for r in results for o in _options(item, limit)][:limit]
    return results


def _options(item: Any, limit: int) -> list[str]:
    if isinstance(item, str):
        return [item]
    if isinstance(item, list):  # a group's alternatives
        return [s for seq in item for s in _spell(seq, limit)][:limit]
    least, repeated = item
    once = _options(repeated, limit)
    return ([""] if least == 0 else []) + [s * max(least, 1) for s in once]
