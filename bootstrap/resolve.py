"""The bootstrap config resolved into each component's spec, with every document already built."""

from __future__ import annotations

from vital.names import PRODUCTION, PROJECT
from vital.trust import (
    AUDIENCE,
    BOOTSTRAP_STACK,
    ENVIRONMENT_BRANCH,
    GITHUB_OIDC_URL,
    OIDC_CLAIM_KEYS,
    ROLES,
    Role,
    environments,
)

from . import documents
from .config import BootstrapConfig
from .documents import Account, key_alias
from .specs import BootstrapSpecs, BucketSpec, EnvironmentSpec, KeySpec, OidcSpec, RoleSpec

# The roles `python -m tools.backend bootstrap --github-repo` made (the migration imports
# them); plan-production is new and is created.
OLD_BOOTSTRAP_ROLES = ("plan", "drift", *(f"deploy-{s}" for s in ("production", "pre-production", "preview")))


def _key(cfg: BootstrapConfig, stack: str | None) -> KeySpec:
    adopted = cfg.adopt.keys if cfg.adopt else {}
    if stack is None:
        return KeySpec(
            "state",
            key_alias(None),
            f"Pulumi state objects in s3://{cfg.bucket} (S3 default encryption)",
            None,
            adopted.get("state"),
        )
    return KeySpec(
        stack, key_alias(stack), f"Pulumi secrets of stack {stack} (s3://{cfg.bucket})", stack, adopted.get(stack)
    )


def _role(role: Role, cfg: BootstrapConfig, account: Account) -> RoleSpec:
    return RoleSpec(
        key=role.key,
        name=role.name,
        description=f"{PROJECT} CI: {role.key}, assumed by {', '.join(t.workflow for t in role.trusts)}; "
        f"managed by the {BOOTSTRAP_STACK} stack",
        trust=documents.trust_policy(account.provider_arn, cfg.subject_prefixes, cfg.repository, role),
        policy=documents.role_policy(role, cfg.bucket, account),
        policy_name=documents.POLICY_NAME,
        adopt=cfg.adopt is not None and role.key in OLD_BOOTSTRAP_ROLES,
    )


def resolve(cfg: BootstrapConfig, account: Account) -> BootstrapSpecs:
    adopt = cfg.adopt is not None
    return BootstrapSpecs(
        bucket_key=_key(cfg, None),
        stack_keys=tuple(_key(cfg, stack) for stack in documents.KEYED_STACKS),
        bucket=BucketSpec(
            cfg.bucket,
            documents.bucket_policy(cfg.bucket, account),
            cfg.noncurrent_days,
            cfg.abort_multipart_days,
            documents.LIFECYCLE_RULE_ID,
            adopt,
        ),
        oidc=OidcSpec(
            GITHUB_OIDC_URL, AUDIENCE, cfg.repository_name, OIDC_CLAIM_KEYS, account.provider_arn if adopt else None
        ),
        roles=tuple(_role(role, cfg, account) for role in ROLES),
        environments=tuple(
            EnvironmentSpec(
                name, cfg.repository_name, ENVIRONMENT_BRANCH, cfg.production_reviewers if name == PRODUCTION else ()
            )
            for name in environments()
        ),
    )
