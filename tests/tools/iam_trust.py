"""A small evaluator of IAM policies for the tests: trust policies (AssumeRoleWithWebIdentity)
and identity policies (may this role call kms:Decrypt on that key, in this request context?).

Why not a library: the PyPI packages looked at (policyuniverse, parliament, cloudsplaining,
iam-ape) parse, lint or summarize policies; none evaluates a Condition block against a
request's context keys, which is what "does this role trust that GitHub subject?" needs. moto
stores trust policies but its STS does not evaluate them, and its KMS checks every call
against the resource "*", so a grant on one key is never matched. So this covers exactly what
our policies use, by IAM's documented rules, and refuses anything else rather than guess. It
is written apart from the identity pack's reader (bootstrap/policies/identity_policies/reach.py),
so each checks the other:

- a statement applies when its Principal.Federated names the provider and its Action
  matches (`*` and `?` wildcards);
- every condition operator must hold (AND), every key within it (AND), and one of a key's
  values must match (OR); a key missing from the request fails the condition;
- StringEquals is exact and case-sensitive; StringLike is case-sensitive with `*` (any run
  of characters, `/` and `:` included) and `?` (one character);
- an explicit Deny wins over any Allow; nothing applies means no;
- in an identity policy a statement applies when its Action matches (case-insensitive, as
  IAM compares actions) and its Resource matches the resource's ARN (case-sensitive, `*` and
  `?` wildcards), and its conditions hold; NotAction and NotResource are refused;
- a multi-valued context key (kms:ResourceAliases, a list in the request context) is compared
  with `ForAnyValue:` (some value matches) or `ForAllValues:` (every value matches, and an
  empty or missing key matches), IAM User Guide "Multivalued context keys"; Bool compares
  "true"/"false" case-insensitively;
- S3 answers a request for a missing key with 404 only when the caller may s3:ListBucket the
  bucket, else 403 (S3 API Reference, GetObject/HeadObject "Permissions"); that implicit
  ListBucket check is a request on the bucket's ARN with no s3:prefix in its context
  (`object_status`).
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
    "Bool": lambda pattern, value: str(pattern).lower() == str(value).lower(),
}


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value or [])


def _key_holds(operator: str, patterns: list[Any], found: Any) -> bool:
    qualifier, _, base = operator.rpartition(":")
    if base not in OPERATORS or qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise ValueError(f"condition operator {operator!r} is not supported by this evaluator")
    test = OPERATORS[base]
    if qualifier == "ForAllValues":
        return all(any(test(p, v) for p in patterns) for v in _as_list(found))
    if found is None:
        return False
    values = _as_list(found)
    if qualifier == "" and len(values) != 1:
        raise ValueError(f"{operator} on a multi-valued key; IAM needs ForAnyValue/ForAllValues")
    return any(test(p, v) for p in patterns for v in values)


def _conditions_hold(condition: dict[str, Any], context: dict[str, Any]) -> bool:
    return all(_key_holds(operator, _as_list(values), context.get(key))
               for operator, keys in condition.items() for key, values in keys.items())


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


def _identity_applies(statement: dict[str, Any], action: str, resource: str, context: dict[str, str]) -> bool:
    if "NotAction" in statement or "NotResource" in statement or "Principal" in statement:
        raise ValueError("NotAction, NotResource and Principal are not supported by this evaluator")
    if not any(string_like(a.lower(), action.lower()) for a in _as_list(statement.get("Action"))):
        return False
    if not any(string_like(r, resource) for r in _as_list(statement.get("Resource"))):
        return False
    return _conditions_hold(statement.get("Condition") or {}, context)


def permits(policies: list[dict[str, Any]], action: str, resource: str, context: dict[str, str] | None = None) -> bool:
    """Whether a role with these identity policies (and no boundary or SCP) may call `action` on `resource`."""
    allowed = False
    for policy in policies:
        statements = policy.get("Statement", [])
        for statement in [statements] if isinstance(statements, dict) else statements:
            if _identity_applies(statement, action, resource, context or {}):
                if statement.get("Effect") == "Deny":
                    return False
                allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def object_status(policies: list[dict[str, Any]], bucket_arn: str, key: str, exists: bool,
                  action: str = "s3:GetObject") -> int:
    """What S3 answers this role's GetObject/HeadObject on `key`: 200, 403 or 404 (module doc)."""
    if not permits(policies, action, f"{bucket_arn}/{key}"):
        return 403
    if exists:
        return 200
    return 404 if permits(policies, "s3:ListBucket", bucket_arn) else 403
