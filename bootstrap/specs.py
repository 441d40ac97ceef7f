"""Each bootstrap component's frozen spec, its only input (resolve.py builds them from the config)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeySpec:
    """A KMS key and its alias: the bucket's (stack None) or one stack's secrets."""

    name: str
    alias: str
    description: str
    stack: str | None = None
    import_id: str | None = None  # the old bootstrap's key id (adopt.keys)


@dataclass(frozen=True)
class BucketSpec:
    """The state bucket and its settings; `policy` is the bucket policy (JSON)."""

    bucket: str
    policy: str
    noncurrent_days: int
    abort_multipart_days: int
    lifecycle_rule_id: str
    adopt: bool = False  # import the bucket and the settings the old bootstrap wrote


@dataclass(frozen=True)
class OidcSpec:
    """GitHub's OIDC provider in IAM and the infrastructure repository's subject template."""

    url: str
    audience: str
    repository_name: str
    claim_keys: tuple[str, ...]
    import_id: str | None = None  # the provider's ARN, when the old bootstrap made it


@dataclass(frozen=True)
class RoleSpec:
    """One CI role (vital.trust.ROLES): its trust and its one inline policy, both JSON."""

    key: str
    name: str
    description: str
    trust: str
    policy: str
    policy_name: str
    adopt: bool = False  # import the role and its inline policy (the old bootstrap made it)


@dataclass(frozen=True)
class EnvironmentSpec:
    """One GitHub environment of the infrastructure repository (vital.trust.environments()): the
    one branch that may deploy to it, and who approves its jobs (none: no approval)."""

    name: str
    repository_name: str
    branch: str
    reviewers: tuple[int, ...] = ()


@dataclass(frozen=True)
class BootstrapSpecs:
    bucket_key: KeySpec
    stack_keys: tuple[KeySpec, ...]
    bucket: BucketSpec
    oidc: OidcSpec
    roles: tuple[RoleSpec, ...]
    environments: tuple[EnvironmentSpec, ...]
