"""Which secrets manager the Pulumi CLI uses for a stack file, and what ciphertext it decrypts.

pkg/cmd/pulumi/stack/secrets.go SecretsManagerLoader.GetSecretsManager (pulumi/pulumi at sdk
3.260): a `secretsprovider:` other than "", "default" or "passphrase" is a cloud KMS URL
(pkg/secrets/cloud/manager.go: gocloud opens it; awskms, azurekeyvault, gcpkms and hashivault
are the schemes it registers), whose data key is the file's `encryptedkey:` (without one, the
CLI makes a new data key, which cannot decrypt what the old one sealed). Otherwise an
`encryptionsalt:` means the passphrase provider, whatever the provider line says ("default"
included: the CLI never writes that value, but reads it as no value). With neither, the
backend's default manager: Pulumi Cloud's service crypter (pkg/secrets/service/manager.go,
plain base64 of the service's ciphertext), or, on a DIY backend, a new passphrase salt, which
decrypts nothing already in the file.

The symmetric crypter (passphrase and cloud KMS, sdk/go/common/resource/config/crypt.go)
takes `v1:<nonce>:<ciphertext>`, both standard base64, a 12-byte AES-GCM nonce and at least
the 16-byte tag.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

PASSPHRASE_OR_DEFAULT = ("", "default", "passphrase")
CLOUD_SCHEMES = ("awskms", "azurekeyvault", "gcpkms", "hashivault")
GCM_NONCE_BYTES = 12
GCM_TAG_BYTES = 16
SYMMETRIC, SERVICE, NONE = "symmetric", "service", "none"


@dataclass(frozen=True)
class Scheme:
    """How the CLI decrypts the file's `secure:` values: SYMMETRIC (v1:...), SERVICE (Pulumi
    Cloud's base64), or NONE (nothing in the file can decrypt them; `why` says so)."""

    kind: str
    provider: str  # the secretsprovider line as the CLI reads it ("" when there is none)
    why: str = ""


def provider_line(document: Any) -> str:
    value = document.get("secretsprovider") if isinstance(document, dict) else None
    return "" if value is None else str(value)


def scheme(document: Any) -> Scheme:
    """GetSecretsManager's choice for this file."""
    provider = provider_line(document)
    salt, key = (document.get(k) if isinstance(document, dict) else None for k in ("encryptionsalt", "encryptedkey"))
    if provider not in PASSPHRASE_OR_DEFAULT:
        name = provider.partition("://")[0] if "://" in provider else ""
        if name not in CLOUD_SCHEMES:
            return Scheme(
                NONE,
                provider,
                f"secretsprovider {provider!r} is not a URL the CLI can open (gocloud: "
                f"no driver registered for {name!r}; available schemes: {', '.join(CLOUD_SCHEMES)})",
            )
        if not key:
            return Scheme(
                NONE,
                provider,
                "secretsprovider names a cloud KMS key but the file has no encryptedkey: "
                "line, so the CLI would make a new data key, which cannot decrypt "
                "values sealed with the old one",
            )
        return Scheme(SYMMETRIC, provider)
    if salt:
        return Scheme(SYMMETRIC, provider)
    return Scheme(SERVICE, provider)


def ciphertext_problem(value: Any, how: Scheme) -> str | None:
    """Why the CLI's decrypter would refuse this `secure:` value before decrypting, or None."""
    if how.kind == NONE:
        return how.why
    if not isinstance(value, str) or not value:
        return f"{'a ' + type(value).__name__ if value else 'an empty value'} instead of ciphertext"
    if how.kind == SERVICE:
        if value.startswith("v1:"):
            return (
                "v1: ciphertext, which a passphrase or cloud KMS provider wrote, in a file with neither an "
                "encryptionsalt: nor an encryptedkey: line, so the key that sealed it is gone (Pulumi Cloud's "
                "provider takes plain base64; a DIY backend would make a new passphrase salt)"
            )
        return None if _b64(value) is not None else "not base64 (Pulumi Cloud's secrets provider)"
    parts = value.split(":")
    if len(parts) != 3 or parts[0] != "v1":
        return "not of the form v1:<nonce>:<ciphertext>"
    nonce, sealed = _b64(parts[1]), _b64(parts[2])
    if nonce is None or sealed is None:
        return "its nonce or ciphertext is not base64"
    if len(nonce) != GCM_NONCE_BYTES:
        return f"its nonce is {len(nonce)} bytes; AES-GCM needs {GCM_NONCE_BYTES}"
    if len(sealed) < GCM_TAG_BYTES:
        return f"its ciphertext is {len(sealed)} bytes, shorter than the {GCM_TAG_BYTES}-byte GCM tag"
    return None


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:  # binascii.Error is one
        return None
