"""What counts as a secret: one definition for the config checks and the policy pack."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import urlsplit

PUBLIC_PREFIX = "NEXT_PUBLIC_"

# A key naming one of these holds a credential (policy "secrets", seed "Phase 4").
_SECRET_KEY_PARTS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "SERVICE_ROLE", "CREDENTIAL", "PRIVATE")
_SECRET_KEY_RE = re.compile(r"(^|_)(" + "|".join(_SECRET_KEY_PARTS) + r")(_|S?$)")

# Prefixes of well-known credential formats: OpenAI, Stripe, GitHub, Slack, AWS, Langfuse.
_SECRET_VALUE_PREFIXES = ("sk-", "sk_live_", "rk_live_", "ghp_", "gho_", "ghs_", "github_pat_", "xoxb-", "AKIA", "sk-lf-")


def is_public_key(name: str) -> bool:
    """NEXT_PUBLIC_* variables are inlined into the browser bundle by Next.js."""
    return name.startswith(PUBLIC_PREFIX)


def looks_secret_key(name: str) -> bool:
    """True when an env var's name says it holds a credential (NEXT_PUBLIC_* aside)."""
    return not is_public_key(name) and bool(_SECRET_KEY_RE.search(name.upper()))


def dsn_has_credentials(value: str) -> bool:
    """A connection string with a password in it (postgres://user:pass@host, redis://:pass@...)."""
    if "://" not in value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.password)


def _jwt_role(value: str) -> str | None:
    """The `role` claim of a JWT, without verifying it (Supabase keys are JWTs)."""
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


def looks_secret_value(value: str) -> bool:
    """True when a value itself is a credential, whatever its key is called.

    Supabase's anon key is a JWT meant for browsers; its service_role key is not.
    """
    if not isinstance(value, str):
        return False
    if value.startswith(_SECRET_VALUE_PREFIXES) or dsn_has_credentials(value):
        return True
    role = _jwt_role(value)
    return role is not None and role != "anon"


def public_key_leaks_secret(name: str, value: str | None) -> bool:
    """A NEXT_PUBLIC_* variable whose name or value says it is a credential."""
    if not is_public_key(name):
        return False
    bare = name[len(PUBLIC_PREFIX):]
    named_secret = bool(re.search(r"(^|_)(SECRET|SERVICE_ROLE|PASSWORD|PRIVATE|TOKEN)(_|$)", bare))
    return named_secret or (value is not None and looks_secret_value(value))
