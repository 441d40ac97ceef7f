"""The identity pack's policies: names (a contract CI and users depend on), descriptions, levels."""

from __future__ import annotations

from pulumi_policy import Policy, ResourceValidationPolicy, StackValidationPolicy

from vital.names import IDENTITY_PACK_NAME as PACK_NAME

from .bucket import state_bucket
from .environments import environment_branches
from .isolation import production_isolation
from .keys import key_rotation
from .oidc import oidc_trust

__all__ = ["PACK_NAME", "POLICY_NAMES", "build_policies"]

# Renaming one breaks every --policy-pack-config file and CI check that names it.
POLICIES: tuple[Policy, ...] = (
    ResourceValidationPolicy(
        name="oidc-trust",
        validate=oidc_trust,
        description="Every role that trusts GitHub's OIDC provider pins aud to sts.amazonaws.com and each sub to one "
        "workflow file of the repository and one ref (no wildcard but a pull request's merge ref).",
    ),
    StackValidationPolicy(
        name="production-isolation",
        validate=production_isolation,
        description="Only roles trusted by main's reviewed workflows alone may decrypt production's key, and only "
        "production's deploy role may write production's state.",
    ),
    StackValidationPolicy(
        name="state-bucket",
        validate=state_bucket,
        description="The state bucket stays versioned, encrypted with its own KMS key (bucket key on), private (all "
        "four public access blocks, ACLs off) and TLS-only.",
    ),
    StackValidationPolicy(
        name="environment-branches",
        validate=environment_branches,
        description="Every GitHub environment a CI role trusts is managed by the stack, admits main alone (custom "
        "deployment branch policies, one pattern) and has no administrator bypass.",
    ),
    ResourceValidationPolicy(
        name="key-rotation", validate=key_rotation, description="Every KMS key of the stack has automatic rotation on."
    ),
)
POLICY_NAMES = tuple(p.name for p in POLICIES)


def build_policies() -> list[Policy]:
    return list(POLICIES)
