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
# regular expression at all. It stands in for the stdlib-private re._parser (issue 26).

_ANY = ("ANY", None)
_NOTHING = ("NOTHING", None)  # anchors, lookarounds, back-references, flags, comments
_CLASS_ESCAPES = "dDwWsS"
_ZERO_WIDTH_ESCAPES = "bBAZ"
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_CONTROL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


def src_examples(pattern: Any, limit: int = 6) -> list[str]:
    """A few strings the pattern's literal parts spell out (lookarounds and anchors dropped, each
    repeat taken 0 or 1 times, each alternative tried); the caller keeps those the route matches."""
    if not isinstance(pattern, str):
        return []
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return []
    alternatives, _ = _alternatives(pattern, 0)
    spelled = [s for seq in alternatives for s in _spell(seq, limit)][:limit]
    return [s for s in spelled if s.startswith("/")]


def _alternatives(text: str, i: int) -> tuple[list[list], int]:
    """The `|`-separated sequences from i to the end or the `)` closing the group; the index after."""
    found: list[list] = [[]]
    while i < len(text) and text[i] != ")":
        if text[i] == "|":
            found.append([])
            i += 1
            continue
        item, i = _atom(text, i)
        item, i = _repeat(text, i, item)
        found[-1].append(item)
    return found, i


def _atom(text: str, i: int) -> tuple[tuple, int]:
    char = text[i]
    if char == "(":
        return _group(text, i + 1)
    if char == "[":
        return _class(text, i + 1)
    if char == "\\":
        return _escape(text, i + 1)
    if char in "^$":
        return _NOTHING, i + 1
    return (_ANY if char == "." else ("LITERAL", char)), i + 1


def _group(text: str, i: int) -> tuple[tuple, int]:
    """After `(`: a capturing or non-capturing group spells its alternatives; the rest spell nothing."""
    spells = True
    if text.startswith("?", i):
        if text.startswith("?P<", i):
            i = text.index(">", i) + 1
        elif text.startswith(("?:", "?>"), i):  # (?>...): an atomic group (Python 3.11)
            i += 2
        elif text.startswith(("?=", "?!", "?<=", "?<!", "?P=", "?#", "?("), i):
            spells = False
        else:  # inline flags: (?i) spells nothing, (?i:...) is a group
            end = i + 1
            while text[end] not in ":)":
                end += 1
            spells, i = text[end] == ":", end + 1 if text[end] == ":" else end
    alternatives, i = _skip_group(text, i) if not spells else _alternatives(text, i)
    return (("GROUP", alternatives) if spells else _NOTHING), i + 1


def _skip_group(text: str, i: int) -> tuple[list[list], int]:
    """The index of the `)` closing a group that spells nothing (nested groups and classes skipped)."""
    depth = 0
    while True:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            _, i = _class(text, i + 1)
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return [], i
        i += 1


def _class(text: str, i: int) -> tuple[tuple, int]:
    """After `[`: the first member when it is a single character, else any character; the index after `]`."""
    negated = text.startswith("^", i)
    i += negated
    first, end = None, i
    while end == i or text[end] != "]":  # a `]` first in the class is a member
        single, after = _escape(text, end + 1) if text[end] == "\\" else (("LITERAL", text[end]), end + 1)
        if first is None:
            ranged = text.startswith("-", after) and not text.startswith("-]", after)
            first = _ANY if negated or ranged or single[0] != "LITERAL" else single
        end = after
    return first or _ANY, end + 1


def _escape(text: str, i: int) -> tuple[tuple, int]:
    """After a backslash: the item it spells and the index after it."""
    char = text[i]
    if char in _HEX_ESCAPES:
        digits = _HEX_ESCAPES[char]
        return ("LITERAL", chr(int(text[i + 1 : i + 1 + digits], 16))), i + 1 + digits
    if char == "0" or (char in "1234567" and text[i + 1 : i + 3].isdigit() and len(text[i : i + 3]) == 3):
        octal = re.match(r"[0-7]{1,3}", text[i:])[0]  # type: ignore[index]  # char is an octal digit
        return ("LITERAL", chr(int(octal, 8))), i + len(octal)
    if char in _CLASS_ESCAPES:
        return _ANY, i + 1
    if char in _ZERO_WIDTH_ESCAPES or char.isdigit():
        return _NOTHING, i + 1
    return ("LITERAL", _CONTROL_ESCAPES.get(char, char)), i + 1


def _repeat(text: str, i: int, item: tuple) -> tuple[tuple, int]:
    """The item with the quantifier after it, if any (a lazy or possessive mark changes no example)."""
    if i < len(text) and text[i] in "*+?":
        low, i = (0 if text[i] in "*?" else 1), i + 1
    elif (quantifier := _QUANTIFIER.match(text, i)) and (quantifier[1] or quantifier[3]):
        low, i = int(quantifier[1] or 0), quantifier.end()
    else:
        return item, i
    if i < len(text) and text[i] in "?+":
        i += 1
    return ("REPEAT", (low, [item])), i


def _spell(items: list, limit: int) -> list[str]:
    results = [""]
    for item in items:
        options = _options(item, limit)
        results = [r + o for r in results for o in options][:limit] if options else results
    return results


def _options(item: tuple, limit: int) -> list[str]:
    op, av = item
    if op == "LITERAL":
        return [av]
    if op == "ANY":
        return ["x"]
    if op == "GROUP":
        return [s for seq in av for s in _spell(seq, limit)][:limit]
    if op == "REPEAT":
        low, sub = av
        once = _spell(sub, limit)
        return ([""] if low == 0 else []) + [s * max(low, 1) for s in once]
    return []  # anchors, lookarounds, back-references
