"""What an IAM identity policy lets its role do, read the way IAM reads it, erring towards "yes".

IAM's policy evaluation logic (docs.aws.amazon.com/IAM/latest/UserGuide/
reference_policies_evaluationlogic.html): a request is allowed when some Allow statement
matches it and no Deny statement does. A statement matches when its Action (case-insensitive,
`*` and `?` wildcards) names the request's action, its Resource (case-sensitive, wildcards)
covers the resource and every condition holds (operators AND, keys AND, values OR;
reference_policies_multi-value-conditions for `ForAnyValue:`).

The pack sees a preview: keys have no ARN yet, and a request's context is only partly known.
So a question is asked as "could this role ever do X?": an Allow whose condition the pack
cannot decide counts as holding, a Deny only when it surely holds, a resource ARN is matched
service and resource part only (any partition, region and account), and a key named by its
ARN (not by its alias) could be any key. The answer may say "yes" where IAM says no; it never
says "no" where IAM could say yes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# A key id the pack cannot know before the key exists: only a wildcard matches it.
UNKNOWN_ID = "\x00unknown"


def _pattern(text: str, ignore_case: bool = False) -> re.Pattern:
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in text)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def matches(pattern: str, value: str, ignore_case: bool = False) -> bool:
    return _pattern(pattern, ignore_case).fullmatch(value) is not None


def as_list(value: Any) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, (str, dict)) else list(value)


@dataclass(frozen=True)
class Request:
    """An action on a resource (`service`, and the ARN's resource part, where UNKNOWN_ID stands
    for an id not known yet), with what is known of its context."""

    action: str
    service: str
    resource: str
    context: dict[str, list[str]] = field(default_factory=dict)


def _covers(pattern: str, request: Request) -> bool:
    if pattern == "*":
        return True
    parts = pattern.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not matches(parts[2], request.service):
        return False
    resource = parts[5]
    if UNKNOWN_ID in request.resource:
        # Any literal id could be the unknown one: compare what comes before it.
        head = request.resource.split(UNKNOWN_ID)[0]
        return matches(resource, request.resource) or resource.startswith(head)
    return matches(resource, request.resource)


def _condition_holds(operator: str, key: str, values: list, context: dict[str, list[str]], sure: bool) -> bool:
    """Whether one condition key holds; `sure` asks "surely holds" (for a Deny) rather than "may hold"."""
    if key not in context:
        return not sure
    found = context[key]
    base = operator.removeprefix("ForAnyValue:").removeprefix("ForAllValues:")
    if base.endswith("IfExists") or base not in ("StringEquals", "StringLike", "Bool"):
        return not sure
    if base == "StringLike":
        hit = [any(matches(str(v), f) for v in values) for f in found]
    else:
        hit = [any(str(v).lower() == f.lower() if base == "Bool" else str(v) == f for v in values) for f in found]
    if operator.startswith("ForAllValues:"):
        return all(hit)
    return any(hit)


def _applies(statement: dict, request: Request, sure: bool) -> bool:
    if "NotAction" in statement or "NotResource" in statement:
        return not sure  # a statement by exclusion may cover anything
    if not any(matches(a, request.action, ignore_case=True) for a in as_list(statement.get("Action"))):
        return False
    if not any(_covers(r, request) for r in as_list(statement.get("Resource"))):
        return False
    for operator, keys in (statement.get("Condition") or {}).items():
        for key, values in (keys or {}).items():
            if not _condition_holds(operator, key, as_list(values), request.context, sure):
                return False
    return True


def may(documents: list[dict], request: Request) -> bool:
    """Whether a role with these identity policies could be allowed `request`."""
    statements = [s for doc in documents for s in as_list(doc.get("Statement"))]
    if any(s.get("Effect") == "Deny" and _applies(s, request, sure=True) for s in statements):
        return False
    return any(s.get("Effect") == "Allow" and _applies(s, request, sure=False) for s in statements)
