"""The resource's properties: their names, defaults, normalization, validation and comparison.

Plain functions over plain values, so the provider that calls them stays trivially picklable.
Properties arrive from Pulumi with numbers as floats (25 -> 25.0), secrets possibly wrapped
and, during preview, unknown values (``UNKNOWN``); every helper here copes with all three.
"""

from __future__ import annotations

import ipaddress
import math
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi.dynamic
from pulumi.runtime import rpc as _rpc

from vital import validators
from vital.pulumi_internals import UNKNOWN
from vital.validators import SUPABASE_REF_RE

from .client import (
    DEFAULT_API_URL,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_SLEEP_SECONDS,
    DEFAULT_RETRY_BASE_DELAY_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
)

# The spec's `ref` path parameter: minLength 20, maxLength 20, pattern ^[a-z]+$.
PROJECT_REF_PATTERN = SUPABASE_REF_RE
POOL_SIZE_MIN, POOL_SIZE_MAX = 0, 3000  # UpdateSupavisorConfigBody.default_pool_size
MAX_ATTEMPTS_MIN, MAX_ATTEMPTS_MAX = 1, 20

MANAGED_FIELDS = ("default_pool_size", "site_url", "uri_allow_list", "allowed_cidrs")
CONNECTION_FIELDS = (
    "api_url",
    "timeout_seconds",
    "max_attempts",
    "retry_base_delay_seconds",
    "max_retry_sleep_seconds",
)
CONNECTION_DEFAULTS: dict[str, Any] = {
    "api_url": DEFAULT_API_URL,
    "timeout_seconds": DEFAULT_TIMEOUT_SECONDS,
    "max_attempts": DEFAULT_MAX_ATTEMPTS,
    "retry_base_delay_seconds": DEFAULT_RETRY_BASE_DELAY_SECONDS,
    "max_retry_sleep_seconds": DEFAULT_MAX_RETRY_SLEEP_SECONDS,
}
# Fields an earlier version kept in state and this one drops: the access token was an input (so
# state held it, readable by every role that decrypts the stack); it now comes from the provider
# process's environment (provider.py). A resource whose stored outputs still hold one gets an
# in-place update that makes no API call and writes outputs without it (changed_fields).
DROPPED_FIELDS = ("access_token",)
# Recorded, not managed: Supabase's backups and point-in-time recovery come with the
# project's plan and have no Management API setting here. The tier's expectation rides on
# the resource so the policy pack can check it; changing it makes no API call.
RECORDED_FIELDS = ("backup_policy",)
OUTPUT_FIELDS = ("project_ref", *CONNECTION_FIELDS, *RECORDED_FIELDS, *MANAGED_FIELDS, "original")


# --------------------------------------------------------------------------
# Normalizing
# --------------------------------------------------------------------------


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value == UNKNOWN


def _plain(value: Any) -> Any:
    """Strip Pulumi's RPC secret wrappers (the dynamic-provider host normally
    hands plain values, but be safe)."""
    value = _rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def int_if_integral(value: Any) -> Any:
    # Numbers cross Pulumi's gRPC boundary as floats: 25 arrives as 25.0.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def normalize_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs/outputs with secrets unwrapped, defaults filled and numbers typed."""
    p = _plain(dict(props))
    for key, default in CONNECTION_DEFAULTS.items():
        if p.get(key) is None:
            p[key] = default
    for key in ("default_pool_size", "max_attempts"):
        p[key] = int_if_integral(p.get(key))
    for key in ("uri_allow_list", "allowed_cidrs"):
        value = p.get(key)
        if isinstance(value, tuple):
            p[key] = list(value)
    if "uri_allow_list" not in p or p["uri_allow_list"] is None:
        p["uri_allow_list"] = []
    p.setdefault("allowed_cidrs", None)
    return p


# --------------------------------------------------------------------------
# The API's shapes of the managed fields
# --------------------------------------------------------------------------


def split_uri_allow_list(raw: str | None) -> list[str]:
    """The API's comma-separated string as a list (empty/null -> [])."""
    if not raw:
        return []
    return [part.strip() for part in raw.split(",") if part.strip()]


def join_uri_allow_list(uris: Sequence[str]) -> str:
    return ",".join(uris)


def split_cidrs(cidrs: Sequence[str]) -> dict[str, list[str]]:
    """allowed_cidrs as the API's body: IPv4 and IPv6 in separate lists."""
    v4: list[str] = []
    v6: list[str] = []
    for cidr in cidrs:
        (v6 if ipaddress.ip_network(cidr, strict=False).version == 6 else v4).append(cidr)
    return {"dbAllowedCidrs": v4, "dbAllowedCidrsV6": v6}


def network_cidrs(config: Mapping[str, Sequence[str]]) -> list[str]:
    """The API's network-restriction config as one list: IPv4, then IPv6."""
    return list(config.get("dbAllowedCidrs") or []) + list(config.get("dbAllowedCidrsV6") or [])


# --------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------


def _cidr_set(cidrs: Sequence[str] | None) -> frozenset | None:
    return None if cidrs is None else frozenset(cidrs)


def field_differs(field: str, old: Any, new: Any) -> bool:
    """Whether a managed field's desired value differs from the recorded one."""
    if is_unknown(new) or (isinstance(new, list) and any(is_unknown(v) for v in new)):
        return True
    if field == "allowed_cidrs":  # a set: order of CIDRs does not matter
        return _cidr_set(old) != _cidr_set(new)
    if field == "uri_allow_list":  # order is kept: the API stores one string
        return list(old or []) != list(new or [])
    return old != new


def changed_fields(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """Managed and connection fields whose values differ (olds/news normalized)."""
    changed = [f for f in MANAGED_FIELDS if field_differs(f, olds.get(f), news.get(f))]
    changed += [
        f for f in (*CONNECTION_FIELDS, *RECORDED_FIELDS) if is_unknown(news.get(f)) or olds.get(f) != news.get(f)
    ]
    # The engine keeps a resource's stored outputs when its diff finds no change (pulumi/pulumi
    # pkg/resource/deploy/step.go, SameStep.Apply: "Retain the ID and outputs"), so a dropped
    # field left in state stays there until a diff reports it.
    changed += [f for f in DROPPED_FIELDS if f in olds and f not in news]
    return changed


# --------------------------------------------------------------------------
# Validating: each check returns the reasons its property is wrong
# --------------------------------------------------------------------------


def _is_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_project_ref(ref: Any) -> list[str]:
    if isinstance(ref, str) and PROJECT_REF_PATTERN.match(ref):
        return []
    return [f"must be a Supabase project ref (20 lowercase letters), got {ref!r}"]


def _check_dropped(value: Any) -> list[str]:
    # Never echo the value: it is the credential.
    return (
        []
        if value is None
        else ["is no input any more: the provider reads its token from its environment, so no token is stored in state"]
    )


def _check_pool_size(size: Any) -> list[str]:
    if _is_int(size, POOL_SIZE_MIN, POOL_SIZE_MAX):
        return []
    return [f"must be an integer from {POOL_SIZE_MIN} to {POOL_SIZE_MAX}, got {size!r}"]


def _check_site_url(site: Any) -> list[str]:
    if isinstance(site, str) and site and "," not in site:
        return []
    return [f"must be a non-empty URL without commas, got {site!r}"]


def _check_uri_allow_list(uris: Any) -> list[str]:
    if not isinstance(uris, list):
        return ["must be a list of URLs"]
    return [
        f"entries must be non-empty, without commas or surrounding spaces (they are sent joined by commas), got {uri!r}"
        for uri in uris
        if not is_unknown(uri) and (not isinstance(uri, str) or not uri or "," in uri or uri != uri.strip())
    ]


def _check_allowed_cidrs(cidrs: Any) -> list[str]:
    if cidrs is None:
        return []
    if not isinstance(cidrs, list):
        return ["must be a list of CIDRs, or None to leave network restrictions alone"]
    reasons = []
    for cidr in cidrs:
        if is_unknown(cidr):
            continue
        try:
            validators.cidr(cidr)  # the one CIDR rule, shared with the stack config's check
        except (TypeError, ValueError) as exc:
            reasons.append(f"{cidr!r} is not a network in CIDR notation ({str(exc).removeprefix('allowed: ')})")
    return reasons


def _check_api_url(url: Any) -> list[str]:
    parsed = urllib.parse.urlparse(url) if isinstance(url, str) else None
    if parsed is not None and (parsed.username or parsed.password):
        return ["must not contain credentials"]
    if not parsed or parsed.scheme not in ("https", "http") or not parsed.hostname:
        return [f"must be an http(s) URL, got {url!r}"]
    return []


def _check_seconds(positive: bool) -> Callable[[Any], list[str]]:
    def check(value: Any) -> list[str]:
        if (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
            and (value > 0 or not positive)
        ):
            return []
        return [f"must be a {'positive' if positive else 'non-negative'} number, got {value!r}"]

    return check


def _check_max_attempts(attempts: Any) -> list[str]:
    if _is_int(attempts, MAX_ATTEMPTS_MIN, MAX_ATTEMPTS_MAX):
        return []
    return [f"must be an integer from {MAX_ATTEMPTS_MIN} to {MAX_ATTEMPTS_MAX}, got {attempts!r}"]


# Property -> its check, in the order failures are reported.
CHECKS: dict[str, Callable[[Any], list[str]]] = {
    "project_ref": _check_project_ref,
    "access_token": _check_dropped,
    "default_pool_size": _check_pool_size,
    "site_url": _check_site_url,
    "uri_allow_list": _check_uri_allow_list,
    "allowed_cidrs": _check_allowed_cidrs,
    "api_url": _check_api_url,
    "timeout_seconds": _check_seconds(positive=True),
    "retry_base_delay_seconds": _check_seconds(positive=False),
    "max_retry_sleep_seconds": _check_seconds(positive=False),
    "max_attempts": _check_max_attempts,
}


def validate_props(p: Mapping[str, Any]) -> list[pulumi.dynamic.CheckFailure]:
    """Check failures for normalized inputs (unknown values are skipped)."""
    return [
        pulumi.dynamic.CheckFailure(prop, reason)
        for prop, check in CHECKS.items()
        if not is_unknown(p.get(prop))
        for reason in check(p.get(prop))
    ]
