"""Decrypt stack secrets as the Pulumi CLI does, to prove they decrypt; never to show them.

The scheme (pulumi/pulumi at sdk 3.260, sdk/go/common/resource/config/crypt.go,
pkg/secrets/passphrase/manager.go, pkg/secrets/cloud/manager.go):
- a value is `v1:<base64 12-byte nonce>:<base64 AES-256-GCM ciphertext with tag>`;
- the passphrase provider's key is PBKDF2-HMAC-SHA256 of the passphrase, 1,000,000
  iterations, over the salt in `encryptionsalt: v1:<base64 salt>:<"pulumi" encrypted>`; a
  wrong passphrase fails to decrypt that check value;
- a cloud KMS provider's key is the 32-byte data key in `encryptedkey` (base64 of the KMS
  ciphertext blob), decrypted by the KMS key the `secretsprovider` URL names.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

PBKDF2_ITERATIONS = 1_000_000
KMS_CONNECT_TIMEOUT_S = 5
KMS_READ_TIMEOUT_S = 10


class DecryptError(Exception):
    """Why a value or key did not decrypt; never holds a secret."""


def decrypt(value: str, key: bytes) -> str:
    """One `secure:` value; raises DecryptError (the value is never in the message)."""
    parts = value.split(":")
    try:
        if len(parts) != 3 or parts[0] != "v1":
            raise DecryptError("not of the form v1:<nonce>:<ciphertext>")
        nonce, sealed = base64.b64decode(parts[1], validate=True), base64.b64decode(parts[2], validate=True)
        return AESGCM(key).decrypt(nonce, sealed, None).decode("utf-8")
    except (binascii.Error, ValueError) as err:
        raise DecryptError(f"malformed ({type(err).__name__})") from None
    except InvalidTag:
        raise DecryptError("authentication failed: it was encrypted with another key") from None


def passphrase_key(passphrase: str, encryption_salt: str) -> bytes:
    """The passphrase provider's key; DecryptError when the passphrase is not the stack's."""
    parts = encryption_salt.split(":", 2)
    if len(parts) != 3 or parts[0] != "v1":
        raise DecryptError("encryptionsalt is not of the form v1:<salt>:<check value>")
    try:
        salt = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise DecryptError("encryptionsalt's salt is not base64") from None
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=PBKDF2_ITERATIONS)
    key = kdf.derive(passphrase.encode("utf-8"))
    try:
        check = decrypt(parts[2], key)
    except DecryptError:
        check = None
    if check != "pulumi":
        raise DecryptError("incorrect passphrase: it does not decrypt the stack's encryptionsalt check value")
    return key


def kms_key_id(secrets_provider: str) -> tuple[str, str | None]:
    """(key id, region) from `awskms://alias/NAME?region=R` (or a key id or ARN in its place)."""
    parts = urlsplit(secrets_provider)
    key_id = (parts.netloc + parts.path).lstrip("/") if parts.netloc else parts.path.lstrip("/")
    region = (parse_qs(parts.query).get("region") or [None])[0]
    return key_id, region


def kms_data_key(secrets_provider: str, encrypted_key: str, kms_client: Any = None) -> bytes:
    """The stack's data key, decrypted by AWS KMS (boto3, with a deadline on every call)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    key_id, region = kms_key_id(secrets_provider)
    try:
        blob = base64.b64decode(encrypted_key, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptError("encryptedkey is not base64") from None
    config = Config(connect_timeout=KMS_CONNECT_TIMEOUT_S, read_timeout=KMS_READ_TIMEOUT_S,
                    retries={"mode": "standard", "max_attempts": 2})
    client = kms_client or boto3.client("kms", region_name=region, config=config)
    try:
        plaintext = client.decrypt(CiphertextBlob=blob, KeyId=key_id)["Plaintext"]
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "error")
        raise DecryptError(f"KMS refused to decrypt encryptedkey with {key_id} ({code})") from None
    except BotoCoreError as err:
        raise DecryptError(f"KMS could not be reached for {key_id} ({type(err).__name__})") from None
    if len(plaintext) != 32:
        raise DecryptError(f"encryptedkey decrypts to {len(plaintext)} bytes; AES-256 needs 32")
    return plaintext
