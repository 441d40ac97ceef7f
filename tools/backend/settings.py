"""The table of settings bootstrap applies and status checks, in the order they are applied.

A new setting is a read_*/expected_*/apply_* triple in its own module plus one row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

from tools.backend.bucket import (
    apply_encryption,
    apply_lifecycle,
    apply_public_access_block,
    apply_tls_policy,
    apply_versioning,
    create_bucket,
    expected_bucket,
    expected_encryption,
    expected_lifecycle,
    expected_public_access_block,
    expected_tls_policy,
    expected_versioning,
    read_bucket,
    read_encryption,
    read_lifecycle,
    read_public_access_block,
    read_tls_policy,
    read_versioning,
)
from tools.backend.clients import Backend
from tools.backend.identity import (
    Role,
    apply_permissions,
    apply_provider,
    apply_trust,
    expected_permissions,
    expected_provider,
    expected_trust,
    read_permissions,
    read_provider,
    read_trust,
    roles,
)
from tools.backend.key import (
    apply_key_rotation,
    apply_key_state,
    expected_key_rotation,
    expected_key_state,
    read_key_rotation,
    read_key_state,
)


@dataclass(frozen=True)
class Setting:
    name: str
    read: Callable[[Backend], Any]  # normalized current value; None when absent
    expected: Callable[[Backend], Any]
    apply: Callable[[Backend], None]  # make read() == expected()
    requires: str | None = None  # a setting that must exist before this one can be read
    # Identity rows apply only when bootstrap/status is given --github-repo; IAM is eventually
    # consistent, so their re-read after a change may be retried for a few seconds.
    identity: bool = False

    def applies(self, b: Backend) -> bool:
        return not self.identity or b.target.github_repo is not None


def role_settings(role: Role) -> tuple[Setting, ...]:
    """Two rows per role: who may assume it (creating it), and what it may do."""
    return (
        Setting(role.label, partial(read_trust, role=role), partial(expected_trust, role=role),
                partial(apply_trust, role=role), identity=True),
        Setting(f"{role.label}:policy", partial(read_permissions, role=role), partial(expected_permissions, role=role),
                partial(apply_permissions, role=role), role.label, identity=True),
    )


SETTINGS: tuple[Setting, ...] = (
    # The bucket comes first: a wrong region or a foreign owner stops the run before anything
    # (a KMS key included) is created.
    Setting("bucket", read_bucket, expected_bucket, create_bucket),
    # Public access is locked next so the bucket is never open while the rest is applied.
    Setting(
        "public-access-block",
        read_public_access_block,
        expected_public_access_block,
        apply_public_access_block,
        "bucket",
    ),
    Setting("versioning", read_versioning, expected_versioning, apply_versioning, "bucket"),
    Setting("kms-key", read_key_state, expected_key_state, apply_key_state),
    Setting("kms-key-rotation", read_key_rotation, expected_key_rotation, apply_key_rotation, "kms-key"),
    Setting("encryption", read_encryption, expected_encryption, apply_encryption, "bucket"),
    Setting("tls-only-policy", read_tls_policy, expected_tls_policy, apply_tls_policy, "bucket"),
    Setting("lifecycle", read_lifecycle, expected_lifecycle, apply_lifecycle, "bucket"),
    # The CI identities (--github-repo): GitHub's OIDC provider, then each role. They come
    # after the key, whose ARN their policies name.
    Setting("oidc-provider", read_provider, expected_provider, apply_provider, identity=True),
    *(row for role in roles() for row in role_settings(role)),
)


def settings_for(b: Backend) -> tuple[Setting, ...]:
    return tuple(s for s in SETTINGS if s.applies(b))
