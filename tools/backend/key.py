"""The KMS key settings: each key behind its alias (enabled) and its automatic rotation.

Two kinds of key, the same settings:
- the bucket's key (`--kms-alias`, default alias/pulumi-state): S3 default encryption of the
  state objects. Every CI role may use it, but only through S3 (identity.py: kms:ViaService);
- one key per stack (`<kms-alias>-<stack>`): the stack's `secretsprovider`, which seals its
  config secrets and the secrets in its state. Which role may decrypt which one is the point
  of having several (identity.py).

Each setting is a read_*/expected_*/apply_* triple that the table in settings.py names; the
functions take the stack (None: the bucket's key) and settings.py binds it per row.
"""

from __future__ import annotations

from typing import Any

from tools.backend.clients import Backend
from tools.backend.errors import BackendError, none_on_error
from vital.names import PROJECT


def _alias(b: Backend, stack: str | None) -> str:
    return b.target.kms_alias if stack is None else b.target.stack_alias(stack)


def _description(b: Backend, stack: str | None) -> str:
    if stack is None:
        return f"Pulumi state objects in s3://{b.bucket}"
    return f"Pulumi secrets of stack {stack} ({PROJECT}, s3://{b.bucket}); managed by python -m tools.backend bootstrap"


def _shared_with(b: Backend, stack: str, key: dict[str, Any]) -> str | None:
    """Another alias of ours naming the same key: two stacks (or a stack and the bucket) on one key
    would let every role that may decrypt one read the other."""
    others = [b.target.kms_alias, *(a for s, a in b.target.stack_aliases().items() if s != stack)]
    return next((alias for alias in others if (b.key(alias) or {}).get("Arn") == key["Arn"]), None)


def read_key_state(b: Backend, stack: str | None = None) -> str | None:
    key = b.key(_alias(b, stack))
    if key is None:
        return None
    shared = _shared_with(b, stack, key) if stack is not None else None
    return f"{key['KeyState']}, the key of {shared} too" if shared else key["KeyState"]


def expected_key_state(b: Backend, stack: str | None = None) -> str:
    return b.desired.key_state


def apply_key_state(b: Backend, stack: str | None = None) -> None:
    key = b.key(_alias(b, stack))
    shared = _shared_with(b, stack, key) if key is not None and stack is not None else None
    if shared:
        raise BackendError(
            f"{_alias(b, stack)} names the key of {shared} too, so the roles that may decrypt one stack "
            f"could read the other; expected a key of its own: delete the alias (aws kms delete-alias "
            f"--alias-name {_alias(b, stack)}) and rerun bootstrap, then move the stack to it"
        )
    if key is None:
        created = b.kms.create_key(
            Description=_description(b, stack),
            KeyUsage="ENCRYPT_DECRYPT",
            KeySpec="SYMMETRIC_DEFAULT",
        )["KeyMetadata"]
        b.kms.create_alias(AliasName=_alias(b, stack), TargetKeyId=created["KeyId"])
    else:
        # Secrets or state are sealed with this key: a pending deletion is undone.
        if key["KeyState"] == "PendingDeletion":
            b.kms.cancel_key_deletion(KeyId=key["KeyId"])
        b.kms.enable_key(KeyId=key["KeyId"])
    b.forget_key(_alias(b, stack))


def read_key_rotation(b: Backend, stack: str | None = None) -> bool | None:
    key = b.key(_alias(b, stack))
    assert key is not None  # guarded by Setting.requires
    # A disabled or deleting key has no readable rotation; its key row already reports why.
    response = none_on_error("KMSInvalidStateException", b.kms.get_key_rotation_status, KeyId=key["KeyId"])
    return None if response is None else bool(response["KeyRotationEnabled"])


def expected_key_rotation(b: Backend, stack: str | None = None) -> bool:
    return b.desired.key_rotation


def apply_key_rotation(b: Backend, stack: str | None = None) -> None:
    key = b.key(_alias(b, stack))
    assert key is not None
    b.kms.enable_key_rotation(KeyId=key["KeyId"])
