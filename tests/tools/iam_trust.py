"""A small evaluator of IAM trust policies for AssumeRoleWithWebIdentity, for the tests.

Why not a library: the PyPI packages looked at (policyuniverse, parliament, cloudsplaining,
iam-ape) parse, lint or summarize policies; none evaluates a Condition block against a
request's context keys, which is what "does this role trust that GitHub subject?" needs. moto
stores trust policies but its STS does not evaluate them. So this covers exactly what our
trust policies use, by IAM's documented rules, and refuses anything else rather than guess:

- a statement applies when its Principal.Federated names the provider and its Action
  matches (`*` and `?` wildcards);
- every condition operator must hold (AND), every key within it (AND), and one of a key's
  values must match (OR); a key missing from the request fails the condition;
- StringEquals is exact and case-sensitive; StringLike is case-sensitive with `*` (any run
  of characters, `/` and `:` included) and `?` (one character);
- an explicit Deny wins over any Allow; nothing applies means no.
"""

from __future__ import annotations

import re
from typing import Any, Callable


def string_like(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda pattern, value: pattern == value,
    "StringLike": string_like,
}


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value or [])


def _conditions_hold(condition: dict[str, Any], context: dict[str, str]) -> bool:
    for operator, keys in condition.items():
        if operator not in OPERATORS:
            raise ValueError(f"condition operator {operator!r} is not supported by this evaluator")
        for key, values in keys.items():
            if key not in context:
                return False
            if not any(OPERATORS[operator](pattern, context[key]) for pattern in _as_list(values)):
                return False
    return True


def _applies(statement: dict[str, Any], provider_arn: str, action: str, context: dict[str, str]) -> bool:
    principal = statement.get("Principal") or {}
    federated = _as_list(principal.get("Federated")) if isinstance(principal, dict) else []
    if provider_arn not in federated:
        return False
    if not any(string_like(a, action) for a in _as_list(statement.get("Action"))):
        return False
    return _conditions_hold(statement.get("Condition") or {}, context)


def allows(policy: dict[str, Any], provider_arn: str, context: dict[str, str],
           action: str = "sts:AssumeRoleWithWebIdentity") -> bool:
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    allowed = False
    for statement in statements:
        if _applies(statement, provider_arn, action, context):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def github_token(sub: str, aud: str = "sts.amazonaws.com", host: str = "token.actions.githubusercontent.com") -> dict[str, str]:
    """The context keys IAM derives from a GitHub Actions OIDC token."""
    return {f"{host}:sub": sub, f"{host}:aud": aud}
