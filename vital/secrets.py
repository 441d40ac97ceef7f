"""What counts as a secret: one definition for the config checks and the policy pack.

Values are judged by Yelp's detect-secrets (https://github.com/Yelp/detect-secrets, 1.5.0):
its format detectors (AWS, GitHub, GitLab, Slack, Stripe live keys, OpenAI legacy keys, JWTs,
URLs with a password, private keys and more; their patterns in vital/credential_formats.py, held
to the library by a test, so that no check imports it), plus detectors matched the same way for
the formats it does not know yet, each with the vendor's documented prefix. Its
high-entropy detectors are left out: they flag ordinary words and URLs. Names are judged by
a naming convention (KEY, TOKEN, SECRET ...), since a value can be a credential nobody can
recognise.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from .credential_formats import JWT_TYPE, LIBRARY_DETECTORS, findall, jwt_formally_valid

PUBLIC_PREFIX = "NEXT_PUBLIC_"

# A key naming one of these holds a credential (policy "secrets", strategy "Phase 4").
_SECRET_KEY_PARTS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "SERVICE_ROLE", "CREDENTIAL", "PRIVATE")
_SECRET_KEY_RE = re.compile(r"(^|_)(" + "|".join(_SECRET_KEY_PARTS) + r")(_|S?$)")

# Formats detect-secrets 1.5.0 does not know, as (name, pattern, source).
EXTRA_FORMATS = (
    (
        "Stripe test or restricted key",
        r"\b(?:sk|rk)_test_[0-9a-zA-Z]{16,}",
        "docs.stripe.com/keys: secret keys sk_test_/sk_live_, restricted keys rk_test_/rk_live_",
    ),
    (
        "Supabase secret key",
        r"\bsb_secret_[A-Za-z0-9_-]{16,}",
        "supabase.com/docs/guides/api/api-keys: secret keys start sb_secret_, publishable keys sb_publishable_",
    ),
    (
        "OpenAI project, service-account or admin key",
        r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}",
        "platform.openai.com/docs/api-reference/authentication: project API keys (sk-proj-)",
    ),
    (
        "Anthropic API key",
        r"\bsk-ant-[a-z]+[0-9]{2}-[A-Za-z0-9_-]{20,}",
        "docs.anthropic.com/en/api/overview: keys start sk-ant-",
    ),
    (
        "Langfuse secret key",
        r"\bsk-lf-[0-9a-f]{8}-[0-9a-f-]{4,}",
        "langfuse.com/docs/api: secret keys start sk-lf-, public keys pk-lf-",
    ),
)
SUPABASE_PUBLISHABLE_RE = re.compile(r"^sb_publishable_[A-Za-z0-9_-]{16,}$")


@dataclass(frozen=True)
class Detector:
    """One credential format: its name and patterns, matched as detect-secrets matches them."""

    secret_type: str
    denylist: tuple[re.Pattern, ...]

    def analyze_string(self, value: str) -> list[str]:
        found = findall(self.denylist, value)
        return [m for m in found if jwt_formally_valid(m)] if self.secret_type == JWT_TYPE else found


@lru_cache(maxsize=1)
def _detectors() -> tuple[Detector, ...]:
    """detect-secrets' detectors (vital/credential_formats.py, its table) and ours, compiled once."""
    found = [
        Detector(secret_type, tuple(re.compile(pattern, flags) for pattern, flags in patterns))
        for _module, _class, secret_type, patterns in LIBRARY_DETECTORS
    ]
    found += [Detector(name, (re.compile(pattern),)) for name, pattern, _source in EXTRA_FORMATS]
    return tuple(found)


def credential_types(value: str) -> list[str]:
    """The kinds of credential found in a value ([] when none): never the value itself."""
    if not isinstance(value, str) or not value:
        return []
    found = []
    for detector in _detectors():
        for match in detector.analyze_string(value):
            if detector.secret_type == JWT_TYPE and jwt_role(match) == "anon":
                continue  # Supabase's anon key: a JWT made for browsers (row-level security guards the data)
            found.append(detector.secret_type)
            break
    return found


def is_public_key(name: str) -> bool:
    """NEXT_PUBLIC_* variables are inlined into the browser bundle by Next.js."""
    return name.startswith(PUBLIC_PREFIX)


def looks_secret_key(name: str) -> bool:
    """True when an env var's name says it holds a credential (NEXT_PUBLIC_* aside)."""
    return not is_public_key(name) and bool(_SECRET_KEY_RE.search(name.upper()))


def jwt_role(value: str) -> str | None:
    """The `role` claim of a JWT, without verifying it (Supabase's legacy keys are JWTs)."""
    pieces = value.split(".")
    if len(pieces) != 3:
        return None
    try:
        payload = base64.urlsafe_b64decode(pieces[1] + "=" * (-len(pieces[1]) % 4))
        claims = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return None
    role = claims.get("role") if isinstance(claims, dict) else None
    return role if isinstance(role, str) else None


def looks_secret_value(value: object) -> bool:
    """True when a value itself is a credential, whatever its key is called."""
    return isinstance(value, str) and bool(credential_types(value))


def is_supabase_anon_key(value: str) -> bool:
    """Supabase's public key: a JWT whose role is anon, or a publishable key (sb_publishable_...)."""
    return jwt_role(value) == "anon" or bool(SUPABASE_PUBLISHABLE_RE.match(value))


def public_key_leaks_secret(name: str, value: str | None) -> bool:
    """A NEXT_PUBLIC_* variable whose name or value says it is a credential."""
    if not is_public_key(name):
        return False
    bare = name[len(PUBLIC_PREFIX) :]
    named_secret = bool(re.search(r"(^|_)(SECRET|SERVICE_ROLE|PASSWORD|PRIVATE|TOKEN)(_|$)", bare))
    return named_secret or (value is not None and looks_secret_value(value))
