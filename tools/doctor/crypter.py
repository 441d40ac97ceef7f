"""Decrypt stack secrets as the Pulumi CLI does, to prove they decrypt; never to show them.

The scheme (pulumi/pulumi at sdk 3.260, sdk/go/common/resource/config/crypt.go,
pkg/secrets/passphrase/manager.go, pkg/secrets/cloud/manager.go):
- a value is `v1:<base64 12-byte nonce>:<base64 AES-256-GCM ciphertext with tag>`;
- the passphrase provider's key is PBKDF2-HMAC-SHA256 of the passphrase, 1,000,000
  iterations, over the salt in `encryptionsalt: v1:<base64 salt>:<"pulumi" encrypted>`; a
  wrong passphrase fails to decrypt that check value;
- a cloud KMS provider's key is the 32-byte data key in `encryptedkey` (base64 of the KMS
  ciphertext blob), decrypted by KMS as gocloud does it (tools/doctor/kmsurl.py).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from . import kmsurl

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
    url = kmsurl.parse(secrets_provider)
    return url.key_id, url.region


def _session(url: kmsurl.KmsUrl, config: Any) -> tuple[Any, dict]:
    """The boto3 session and client settings gocloud's V2ConfigFromURLParams builds: the profile
    and region; with `role`, credentials from STS AssumeRole (its own client, without the
    endpoint, which gocloud applies to the service's client only)."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

    try:
        session = boto3.Session(profile_name=url.profile, region_name=url.region)
    except ProfileNotFound:
        raise DecryptError(f"the provider URL's profile={url.profile} is not in the AWS config") from None
    if url.role:
        if not session.region_name:
            raise DecryptError(
                "STS client created with empty region: all other parameters must be collected "
                "before assuming role (gocloud needs region= or a profile's region with role=)"
            )
        try:
            creds = session.client("sts", config=config).assume_role(RoleArn=url.role, RoleSessionName="pulumi-doctor")[
                "Credentials"
            ]
        except (ClientError, BotoCoreError) as err:
            code = (
                err.response.get("Error", {}).get("Code", "error")
                if isinstance(err, ClientError)
                else type(err).__name__
            )
            raise DecryptError(f"STS refused to assume the provider URL's role={url.role} ({code})") from None
        session = boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=session.region_name,
        )
    extra = Config(
        use_dualstack_endpoint=url.dualstack or None,
        use_fips_endpoint=url.fips or None,
        signature_version=UNSIGNED if url.anonymous else None,
    )
    return session, {"config": config.merge(extra), **({"endpoint_url": url.endpoint} if url.endpoint else {})}


def kms_data_key(secrets_provider: str, encrypted_key: str, kms_client: Any = None) -> bytes:
    """The stack's data key, decrypted by AWS KMS as gocloud's awskms keeper decrypts it (boto3,
    with a deadline on every call): the EncryptionContext from the URL, and no KeyId."""
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        url = kmsurl.parse(secrets_provider)
    except kmsurl.KmsUrlError as err:
        raise DecryptError(str(err)) from None
    try:
        blob = base64.b64decode(encrypted_key, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptError("encryptedkey is not base64") from None
    config = Config(
        connect_timeout=KMS_CONNECT_TIMEOUT_S,
        read_timeout=KMS_READ_TIMEOUT_S,
        retries={"mode": "standard", "max_attempts": 2},
    )
    request = {"CiphertextBlob": blob, **({"EncryptionContext": url.context} if url.context else {})}
    try:
        if kms_client is None:
            session, settings = _session(url, config)
            kms_client = session.client("kms", **settings)
        plaintext = kms_client.decrypt(**request)["Plaintext"]
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "error")
        raise DecryptError(
            f"KMS refused to decrypt encryptedkey ({code}; the key is the one that sealed it, "
            f"{url.key_id} names the one new values use)"
        ) from None
    except BotoCoreError as err:
        raise DecryptError(f"KMS could not be reached for {url.key_id} ({type(err).__name__})") from None
    if len(plaintext) != 32:
        raise DecryptError(f"encryptedkey decrypts to {len(plaintext)} bytes; AES-256 needs 32")
    return plaintext
