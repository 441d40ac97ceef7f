"""Secrets as the Pulumi CLI writes them, built from its source, not from this project's code.

An oracle for the tests: pulumi/pulumi at sdk 3.260 (commit 1b5949891b3c),
sdk/go/common/resource/config/crypt.go and pkg/secrets/passphrase/manager.go:
- a value is `v1:` + base64(12-byte random nonce) + `:` + base64(AES-256-GCM seal of the
  plaintext, tag appended, no additional data);
- the passphrase provider derives the 32-byte key with PBKDF2-HMAC-SHA256, 1,000,000
  iterations, over an 8-byte random salt, and stores `encryptionsalt:
  v1:<base64 salt>:<the value "pulumi" encrypted with that key>`;
- cloud KMS providers encrypt a random 32-byte data key with the KMS key and store
  `encryptedkey: <base64 of the KMS ciphertext blob>`; values use the data key directly.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

PBKDF2_ITERATIONS = 1_000_000
# One random key per test session: values are well formed, and nothing can decrypt them but
# a test that holds this key.
SESSION_KEY = os.urandom(32)


def encrypt(plaintext: str, key: bytes = SESSION_KEY) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), None)
    return f"v1:{base64.b64encode(nonce).decode()}:{base64.b64encode(sealed).decode()}"


@lru_cache(maxsize=None)
def stored(plaintext: str) -> str:
    """A value as it sits in a stack file once set: one ciphertext per plaintext for the session,
    so two reads of "the same stack file" compare equal."""
    return encrypt(plaintext)


# The `encryptionsalt:` line of a passphrase stack whose key is SESSION_KEY: the CLI decrypts a
# file's `v1:` values only with a salt or a KMS data key in the file (vital/secretsscheme.py).
SESSION_SALT_LINE = f"v1:{base64.b64encode(os.urandom(8)).decode()}:{encrypt('pulumi')}"


def passphrase_key(passphrase: str, salt: bytes) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=PBKDF2_ITERATIONS)
    return kdf.derive(passphrase.encode())


def passphrase_state(passphrase: str) -> tuple[str, bytes]:
    """(the stack file's encryptionsalt line, the derived key)."""
    salt = os.urandom(8)
    key = passphrase_key(passphrase, salt)
    return f"v1:{base64.b64encode(salt).decode()}:{encrypt('pulumi', key)}", key
