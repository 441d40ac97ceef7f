"""production-isolation: no role outside production's may decrypt production's key or write
production's state.

Production's roles are defined by what they trust, not by their names: a role is
production's when everything it trusts is a GitHub job of `main` (every `sub` names the ref
refs/heads/main, outside a pull request: main's reviewed workflows). Production's deploy
role is the one of those whose every subject is also bound to the `production` environment;
only it may write production's state. Reach is read from the role's policies (reach.py, in
doubt "yes"); a managed policy the pack cannot read counts as reaching everything.
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, StackValidationArgs

from vital.diy import stack_keys
from vital.names import PRODUCTION, stack_key_alias
from vital.trust import MAIN_REF, SUB_KEY, SUBJECT_RE

from .documents import BUCKET, CiRole, of_type, roles
from .oidc import trusts_github
from .reach import UNKNOWN_ID, Request, as_list, may

PRODUCTION_ALIAS = stack_key_alias(PRODUCTION)
WRITES = ("s3:PutObject", "s3:DeleteObject")


def trusted_subjects(role: CiRole) -> list[str] | None:
    """Every `sub` the role trusts; None when it trusts anything but GitHub's tokens."""
    subs: list[str] = []
    for statement in as_list(role.trust.get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        if not trusts_github(statement):
            return None
        found = [s for keys in (statement.get("Condition") or {}).values() for s in as_list((keys or {}).get(SUB_KEY))]
        if not found:
            return None
        subs += [str(s) for s in found]
    return subs


def _main_only(subs: list[str] | None, context: str | None = None) -> bool:
    if not subs:
        return False
    parsed = [SUBJECT_RE.match(s) for s in subs]
    return all(
        p is not None
        and p["ref"] == MAIN_REF
        and p["context"] != "pull_request"
        and (context is None or p["context"] == context)
        for p in parsed
    )


def decrypt_request() -> Request:
    """kms:Decrypt called directly on production's key, which no ARN can name yet (by alias)."""
    return Request("kms:Decrypt", "kms", f"key/{UNKNOWN_ID}", {"kms:ResourceAliases": [PRODUCTION_ALIAS]})


def write_requests(bucket: str) -> list[Request]:
    """Writing production's checkpoint: its key as the DIY backend names it."""
    checkpoint = stack_keys(PRODUCTION)[0].removesuffix("*")
    return [Request(action, "s3", f"{bucket}/{checkpoint}") for action in WRITES]


def production_isolation(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    buckets = [str(b.props.get("bucket")) for b in of_type(args.resources, BUCKET)]
    for role in roles(args.resources):
        subs = trusted_subjects(role)
        unreadable = f" (managed policy {role.unreadable[0]}, which the pack cannot read)" if role.unreadable else ""
        if not _main_only(subs) and (role.unreadable or may(role.policies, decrypt_request())):
            report_violation(
                f"role {role.name} may decrypt production's key ({PRODUCTION_ALIAS}){unreadable}, "
                f"but it trusts more than main's reviewed workflows: {_shown(subs)}",
                role.resource.urn,
            )
        writes = [r for bucket in buckets for r in write_requests(bucket)]
        if not _main_only(subs, f"environment:{PRODUCTION}") and (
            role.unreadable or any(may(role.policies, r) for r in writes)
        ):
            report_violation(
                f"role {role.name} may write production's state ({stack_keys(PRODUCTION)[0]}){unreadable}, "
                f"but only production's deploy role may (trusted only by jobs of main in the "
                f"{PRODUCTION} environment); it trusts {_shown(subs)}",
                role.resource.urn,
            )


def _shown(subs: list[str] | None) -> str:
    if subs is None:
        return "a principal other than GitHub's tokens, or a token without a pinned sub"
    return ", ".join(subs[:2]) + (f" and {len(subs) - 2} more" if len(subs) > 2 else "")
