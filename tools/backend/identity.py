"""The CI identities in AWS: GitHub's OIDC provider and the roles of grants.py (a plan role
for pull-request previews, a drift role for `main`, one deploy role per GitHub environment),
each read, compared and applied with boto3.

Each setting is a read_*/expected_*/apply_* triple that the table in settings.py names;
documents are compared normalized, so IAM's own re-spelling of a policy (a string for a
one-item list, reordered keys) is not drift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from tools.backend.clients import Backend
from tools.backend.errors import none_on_error
from tools.backend.grants import (
    AUDIENCE,
    GITHUB_OIDC_HOST,
    GITHUB_OIDC_URL,
    Keys,
    deploy_policy,
    deploy_subjects,
    drift_policy,
    drift_subjects,
    plan_policy,
    plan_subjects,
    trust_policy,
)
from vital.names import PROJECT, TIERS, deploy_role_name, drift_role_name, plan_role_name

POLICY_NAME = "pulumi-state"
ENVIRONMENTS = TIERS


# --------------------------------------------------------------------------------------
# Normal forms: IAM may hand a document back with other spellings of the same thing.


def _as_list(value: Any) -> list[Any]:
    return sorted([value] if isinstance(value, str) else list(value or []))


def normal_statement(statement: dict[str, Any]) -> dict[str, Any]:
    principal = statement.get("Principal")
    return {
        "Sid": statement.get("Sid", ""),
        "Effect": statement.get("Effect"),
        "Principal": {k: _as_list(v) for k, v in principal.items()} if isinstance(principal, dict) else principal,
        "Action": _as_list(statement.get("Action")),
        "Resource": _as_list(statement.get("Resource")),
        "Condition": {
            op: {key: _as_list(value) for key, value in values.items()}
            for op, values in (statement.get("Condition") or {}).items()
        },
    }


def normal_policy(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, str):
        document = json.loads(document)
    statements = (document or {}).get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    return sorted((normal_statement(s) for s in statements), key=lambda s: json.dumps(s, sort_keys=True))


# --------------------------------------------------------------------------------------
# The OIDC provider


def provider_arn(b: Backend) -> str:
    return f"arn:{b.partition()}:iam::{b.account()}:oidc-provider/{GITHUB_OIDC_HOST}"


def read_provider(b: Backend) -> dict[str, Any] | None:
    found = none_on_error("NoSuchEntity", b.iam.get_open_id_connect_provider, OpenIDConnectProviderArn=provider_arn(b))
    if found is None:
        return None
    audiences = found.get("ClientIDList") or []
    # Other audiences may share the account's one provider; only ours must be there.
    return {"url": found.get("Url"), "audience": AUDIENCE if AUDIENCE in audiences else sorted(audiences)}


def expected_provider(b: Backend) -> dict[str, Any]:
    return {"url": GITHUB_OIDC_HOST, "audience": AUDIENCE}


def apply_provider(b: Backend) -> None:
    if read_provider(b) is None:
        # No thumbprint: IAM verifies GitHub's certificate against its own trusted CAs.
        b.iam.create_open_id_connect_provider(Url=GITHUB_OIDC_URL, ClientIDList=[AUDIENCE])
    else:
        b.iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn(b), ClientID=AUDIENCE)


# --------------------------------------------------------------------------------------
# The roles: one trust row and one permissions row each


@dataclass(frozen=True)
class Role:
    label: str  # the setting's name in bootstrap and status
    name: str
    subjects: Callable[[str], list[str]]  # the repository -> the subjects it trusts
    policy: Callable[[Backend], dict[str, Any]]
    purpose: str


def keys(b: Backend) -> Keys:
    """The ARNs of this backend's bucket and keys (a key not created yet is named by its alias)."""
    return Keys(
        bucket_arn=b.bucket_arn(),
        state_key_arn=b.key_arn(),
        stack_key_arns={stack: b.key_arn(alias) for stack, alias in b.target.stack_aliases().items()},
        s3_service=f"s3.{b.target.region}.{b.dns_suffix()}",
    )


def plan_role() -> Role:
    return Role("plan-role", plan_role_name(), plan_subjects, lambda b: plan_policy(keys(b)),
                "pull-request previews (read-only, no production key)")


def drift_role() -> Role:
    return Role("drift-role", drift_role_name(), drift_subjects, lambda b: drift_policy(keys(b)),
                "drift checks on main (read-only)")


def deploy_role(environment: str) -> Role:
    return Role(
        f"deploy-role:{environment}",
        deploy_role_name(environment),
        lambda repo: deploy_subjects(repo, environment),
        lambda b: deploy_policy(keys(b), environment),
        f"deploys in environment {environment}",
    )


def roles() -> list[Role]:
    return [plan_role(), drift_role(), *(deploy_role(env) for env in ENVIRONMENTS)]


def _get_role(b: Backend, role: Role) -> dict[str, Any] | None:
    found = none_on_error("NoSuchEntity", b.iam.get_role, RoleName=role.name)
    return None if found is None else found["Role"]


def _repo(b: Backend) -> str:
    assert b.target.github_repo is not None  # identity rows apply only with --github-repo
    return b.target.github_repo


def read_trust(b: Backend, role: Role) -> list[dict[str, Any]] | None:
    found = _get_role(b, role)
    return None if found is None else normal_policy(found["AssumeRolePolicyDocument"])


def expected_trust(b: Backend, role: Role) -> list[dict[str, Any]]:
    return normal_policy(trust_policy(provider_arn(b), role.subjects(_repo(b))))


def apply_trust(b: Backend, role: Role) -> None:
    document = json.dumps(trust_policy(provider_arn(b), role.subjects(_repo(b))))
    if _get_role(b, role) is None:
        b.iam.create_role(
            RoleName=role.name,
            AssumeRolePolicyDocument=document,
            Description=f"{PROJECT} CI: {role.purpose}; managed by python -m tools.backend bootstrap",
            MaxSessionDuration=3600,
        )
    else:
        b.iam.update_assume_role_policy(RoleName=role.name, PolicyDocument=document)


def read_permissions(b: Backend, role: Role) -> dict[str, Any]:
    names = []
    for page in b.iam.get_paginator("list_role_policies").paginate(RoleName=role.name):
        names += page["PolicyNames"]
    inline = {
        name: normal_policy(b.iam.get_role_policy(RoleName=role.name, PolicyName=name)["PolicyDocument"])
        for name in sorted(names)
    }
    attached = []
    for page in b.iam.get_paginator("list_attached_role_policies").paginate(RoleName=role.name):
        attached += [p["PolicyArn"] for p in page["AttachedPolicies"]]
    return {"inline": inline, "attached": sorted(attached)}


def expected_permissions(b: Backend, role: Role) -> dict[str, Any]:
    return {"inline": {POLICY_NAME: normal_policy(role.policy(b))}, "attached": []}


def apply_permissions(b: Backend, role: Role) -> None:
    """Ours, and nothing else: the role is this tool's, and any extra grant widens it."""
    b.iam.put_role_policy(RoleName=role.name, PolicyName=POLICY_NAME, PolicyDocument=json.dumps(role.policy(b)))
    found = read_permissions(b, role)
    for name in found["inline"]:
        if name != POLICY_NAME:
            b.iam.delete_role_policy(RoleName=role.name, PolicyName=name)
    for arn in found["attached"]:
        b.iam.detach_role_policy(RoleName=role.name, PolicyArn=arn)


def role_arns(b: Backend) -> dict[str, str]:
    """Each role's ARN, for the lines bootstrap prints."""
    return {role.name: f"arn:{b.partition()}:iam::{b.account()}:role/{role.name}" for role in roles()}
