"""The KMS key settings: the key behind the alias (enabled) and its automatic rotation.

Each setting is a read_*/expected_*/apply_* triple that the table in settings.py names.
"""

from __future__ import annotations

from tools.backend.clients import Backend
from tools.backend.errors import none_on_error


def read_key_state(b: Backend) -> str | None:
    key = b.key()
    return key["KeyState"] if key else None


def expected_key_state(b: Backend) -> str:
    return b.desired.key_state


def apply_key_state(b: Backend) -> None:
    key = b.key()
    if key is None:
        created = b.kms.create_key(
            Description=f"Pulumi stack secrets for s3://{b.bucket}",
            KeyUsage="ENCRYPT_DECRYPT",
            KeySpec="SYMMETRIC_DEFAULT",
        )["KeyMetadata"]
        b.kms.create_alias(AliasName=b.target.kms_alias, TargetKeyId=created["KeyId"])
    else:
        # Every stack's secrets are sealed with this key: a pending deletion is undone.
        if key["KeyState"] == "PendingDeletion":
            b.kms.cancel_key_deletion(KeyId=key["KeyId"])
        b.kms.enable_key(KeyId=key["KeyId"])
    b.forget_key()


def read_key_rotation(b: Backend) -> bool | None:
    key = b.key()
    assert key is not None  # guarded by Setting.requires
    # A disabled or deleting key has no readable rotation; kms-key already reports why.
    response = none_on_error("KMSInvalidStateException", b.kms.get_key_rotation_status, KeyId=key["KeyId"])
    return None if response is None else bool(response["KeyRotationEnabled"])


def expected_key_rotation(b: Backend) -> bool:
    return b.desired.key_rotation


def apply_key_rotation(b: Backend) -> None:
    key = b.key()
    assert key is not None
    b.kms.enable_key_rotation(KeyId=key["KeyId"])
