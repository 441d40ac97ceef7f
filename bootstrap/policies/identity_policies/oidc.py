"""oidc-trust: every role that trusts GitHub's OIDC provider pins `aud` to sts.amazonaws.com
and pins each `sub` to one workflow file of the repository and one ref.

The subject's shape is the repository's template (vital.trust.OIDC_CLAIM_KEYS):
`<prefix>:<context>:job_workflow_ref:<OWNER/REPO>/.github/workflows/<file>@<ref>`. The only
wildcard allowed is a pull request's merge ref, `refs/pull/*/merge` (one trust for every PR),
and only under StringLike; StringLike anywhere else, or a `*`/`?` in any other part, would let
another workflow, branch or repository in. StringEquals reads `*` literally (IAM, "String
condition operators"), so a `*` under it is refused too: such a trust matches no token.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from vital.trust import AUD_KEY, AUDIENCE, GITHUB_OIDC_HOST, PREFIX_RE, PULL_REQUEST_REFS, SUB_KEY, SUBJECT_RE

from .documents import parse
from .reach import as_list

SUB_OPERATORS = ("StringEquals", "StringLike")


def trusts_github(statement: dict) -> bool:
    principal = statement.get("Principal")
    federated = as_list(principal.get("Federated")) if isinstance(principal, dict) else [principal]
    return any(str(p) == "*" or str(p).endswith(f":oidc-provider/{GITHUB_OIDC_HOST}") for p in federated)


def subject_problem(sub: str, operator: str) -> str | None:
    """Why a trusted `sub` does not pin one workflow file and ref, or None."""
    found = SUBJECT_RE.match(sub)
    prefix = PREFIX_RE.match(found["prefix"]) if found is not None else None
    if found is None or prefix is None:
        return "does not name a repository, a context, a workflow file and a ref (repo:OWNER/REPO:<context>:job_workflow_ref:OWNER/REPO/.github/workflows/<file>@<ref>)"
    if found["repository"] != f"{prefix['owner']}/{prefix['repo']}":
        return f"names a workflow of another repository ({found['repository']})"
    pr_ref = found["ref"] == PULL_REQUEST_REFS
    wild = [
        part
        for part in (found["prefix"], found["context"], found["workflow"], "" if pr_ref else found["ref"])
        if "*" in part or "?" in part
    ]
    if wild:
        return f"has a wildcard outside a pull request's merge ref ({wild[0]})"
    if operator == "StringLike" and not pr_ref:
        return "is matched with StringLike; allowed only for refs/pull/*/merge (use StringEquals)"
    if operator == "StringEquals" and pr_ref:
        return "is refs/pull/*/merge under StringEquals, which reads * literally and matches no token (use StringLike)"
    return None


def statement_problems(statement: dict) -> list[str]:
    condition = statement.get("Condition") or {}
    problems = []
    aud = (condition.get("StringEquals") or {}).get(AUD_KEY)
    if as_list(aud) != [AUDIENCE] or any(
        AUD_KEY in (keys or {}) for op, keys in condition.items() if op != "StringEquals"
    ):
        problems.append(f"{AUD_KEY} is not pinned to {AUDIENCE} with StringEquals (found {aud!r})")
    subs = [(op, sub) for op, keys in condition.items() for sub in as_list((keys or {}).get(SUB_KEY))]
    if not subs:
        problems.append(f"{SUB_KEY} is not pinned: any workflow of any repository could assume the role")
    problems += [
        f"sub {sub!r} {problem}"
        for op, sub in subs
        if (
            problem := (
                subject_problem(str(sub), op)
                if op in SUB_OPERATORS
                else f"is matched with {op}; allowed: {' or '.join(SUB_OPERATORS)}"
            )
        )
    ]
    return problems


def oidc_trust(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != "aws:iam/role:Role":
        return
    trust: dict[str, Any] = parse(args.props.get("assumeRolePolicy"))
    for statement in as_list(trust.get("Statement")):
        if statement.get("Effect") == "Allow" and trusts_github(statement):
            for problem in statement_problems(statement):
                report_violation(f"role {args.props.get('name')!s} trusts GitHub's OIDC provider, but {problem}", None)
