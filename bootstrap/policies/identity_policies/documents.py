"""Reading the bootstrap stack as the pack sees it: type tokens, JSON policy documents, and
each CI role with the policies that apply to it (pulumi-aws 7.51.1 inputs, in camelCase).

Documents are JSON strings; one not known during a preview raises UnknownValueError through
pulumi-policy's proxies, which reports the rule as "can't run" (the bootstrap program builds
every document before anything exists, so that does not happen to its own).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import PolicyResource

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ATTACHMENTS_EXCLUSIVE = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
BUCKET = "aws:s3/bucket:Bucket"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def parse(text: Any) -> dict:
    """A policy document (a JSON string, or already a mapping); {} when it is neither."""
    if isinstance(text, Mapping):
        return json.loads(json.dumps(dict(text), default=lambda o: dict(o) if isinstance(o, Mapping) else list(o)))
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def of_type(resources: list[PolicyResource], token: str) -> list[PolicyResource]:
    return [r for r in resources if r.resource_type == token]


def _linked(resource: PolicyResource, prop: str, target: PolicyResource) -> bool:
    """Whether `resource`'s `prop` names `target`: by dependency, or by the same name."""
    if any(dep.urn == target.urn for dep in resource.property_dependencies.get(prop, [])):
        return True
    return resource.props.get(prop) == target.props.get("name")


@dataclass
class CiRole:
    """A role and every policy that applies to it; `unreadable` lists managed policies the
    pack cannot read (their reach is unknown)."""

    resource: PolicyResource
    trust: dict
    policies: list[dict] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.resource.props.get("name") or self.resource.name)


def roles(resources: list[PolicyResource]) -> list[CiRole]:
    found = []
    for role in of_type(resources, ROLE):
        ci = CiRole(role, parse(role.props.get("assumeRolePolicy")))
        ci.policies += [parse(p.get("policy")) for p in role.props.get("inlinePolicies") or []]
        ci.unreadable += list(role.props.get("managedPolicyArns") or [])
        for policy in of_type(resources, ROLE_POLICY):
            if _linked(policy, "role", role):
                ci.policies.append(parse(policy.props.get("policy")))
        for attached in of_type(resources, ROLE_POLICY_ATTACHMENT):
            if _linked(attached, "role", role):
                ci.unreadable.append(str(attached.props.get("policyArn")))
        for exclusive in of_type(resources, ATTACHMENTS_EXCLUSIVE):
            if _linked(exclusive, "roleName", role):
                ci.unreadable += [str(arn) for arn in exclusive.props.get("policyArns") or []]
        found.append(ci)
    return found


def aliases_of(resources: list[PolicyResource], key: PolicyResource) -> list[str]:
    """The aliases the stack points at a key (by the alias's dependency on it)."""
    return [
        str(a.props.get("name"))
        for a in of_type(resources, ALIAS)
        if any(dep.urn == key.urn for dep in a.property_dependencies.get("targetKeyId", []))
    ]


def key_by_alias(resources: list[PolicyResource], alias: str) -> PolicyResource | None:
    return next((k for k in of_type(resources, KEY) if alias in aliases_of(resources, k)), None)
