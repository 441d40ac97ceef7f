"""The three settings areas the provider manages, as Management API calls.

Reading the pooler, auth and network-restriction settings of a project, the bodies that
change them, and putting recorded values back. Paths follow Supabase's OpenAPI spec
(tests/fixtures/specs/supabase-management-api.openapi.json); the tests check every
operation in ``API_OPERATIONS`` against it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from .client import SupabaseApiError, SupabaseManagementClient
from .settings import int_if_integral, join_uri_allow_list, network_cidrs, split_uri_allow_list

log = logging.getLogger(__name__)

POOLER_PATH = "/v1/projects/{ref}/config/database/pooler"
AUTH_PATH = "/v1/projects/{ref}/config/auth"
NETWORK_RESTRICTIONS_PATH = "/v1/projects/{ref}/network-restrictions"
NETWORK_RESTRICTIONS_APPLY_PATH = "/v1/projects/{ref}/network-restrictions/apply"

# Every (method, path) this package calls; the tests check each against the spec.
API_OPERATIONS: tuple[tuple[str, str], ...] = (
    ("GET", POOLER_PATH),
    ("PATCH", POOLER_PATH),
    ("GET", AUTH_PATH),
    ("PATCH", AUTH_PATH),
    ("GET", NETWORK_RESTRICTIONS_PATH),
    ("POST", NETWORK_RESTRICTIONS_APPLY_PATH),
)

NETWORK_BODY_FIELDS = ["dbAllowedCidrs", "dbAllowedCidrsV6"]


def _bad_shape(client: SupabaseManagementClient, what: str) -> SupabaseApiError:
    return SupabaseApiError(
        f"supabase project {client.project_ref}: unexpected response shape from {what}",
        project_ref=client.project_ref,
    )


def get_pool_size(client: SupabaseManagementClient) -> int | None:
    """default_pool_size of the PRIMARY database's pooler (the GET returns a list)."""
    configs = client.get(POOLER_PATH)
    if isinstance(configs, dict):  # tolerate a single object
        configs = [configs]
    if not isinstance(configs, list) or not configs or not all(isinstance(c, dict) for c in configs):
        raise _bad_shape(client, f"GET {POOLER_PATH} (expected a non-empty list of pooler configs)")
    primary = next((c for c in configs if c.get("database_type") == "PRIMARY"), configs[0])
    return int_if_integral(primary.get("default_pool_size"))


def get_auth(client: SupabaseManagementClient) -> dict[str, str | None]:
    """site_url and uri_allow_list exactly as the API returns them."""
    config = client.get(AUTH_PATH)
    if not isinstance(config, dict):
        raise _bad_shape(client, f"GET {AUTH_PATH}")
    return {"site_url": config.get("site_url"), "uri_allow_list": config.get("uri_allow_list")}


def get_network(client: SupabaseManagementClient) -> tuple[dict[str, list[str]], str | None]:
    """(requested network-restriction config, entitlement)."""
    body = client.get(NETWORK_RESTRICTIONS_PATH)
    if not isinstance(body, dict):
        raise _bad_shape(client, f"GET {NETWORK_RESTRICTIONS_PATH}")
    config = body.get("config") or {}
    return (
        {
            "dbAllowedCidrs": list(config.get("dbAllowedCidrs") or []),
            "dbAllowedCidrsV6": list(config.get("dbAllowedCidrsV6") or []),
        },
        body.get("entitlement"),
    )


def require_network_entitlement(client: SupabaseManagementClient, entitlement: str | None) -> None:
    if entitlement == "disallowed":
        raise SupabaseApiError(
            f"supabase project {client.project_ref}: network restrictions are not available for "
            f"this project (entitlement: disallowed); set allowed_cidrs to None",
            project_ref=client.project_ref,
        )


def auth_patch(current: Mapping[str, Any], site_url: Any, uri_allow_list: Sequence[str]) -> dict[str, Any]:
    """The PATCH body that turns the live auth settings into the desired ones ({} if none)."""
    body: dict[str, Any] = {}
    if current.get("site_url") != site_url:
        body["site_url"] = site_url
    if split_uri_allow_list(current.get("uri_allow_list")) != list(uri_allow_list):
        body["uri_allow_list"] = join_uri_allow_list(uri_allow_list)
    return body


def log_change(client: SupabaseManagementClient, method: str, path: str, fields: Sequence[str]) -> None:
    log.info("supabase project %s: %s %s (%s)", client.project_ref, method, path, ", ".join(fields))


def set_pool_size(client: SupabaseManagementClient, size: int | None) -> None:
    log_change(client, "PATCH", POOLER_PATH, ["default_pool_size"])
    client.patch(POOLER_PATH, {"default_pool_size": size})


def set_auth(client: SupabaseManagementClient, body: Mapping[str, Any]) -> None:
    log_change(client, "PATCH", AUTH_PATH, sorted(body))
    client.patch(AUTH_PATH, body)


def set_network(client: SupabaseManagementClient, body: Mapping[str, list[str]]) -> None:
    log_change(client, "POST", NETWORK_RESTRICTIONS_APPLY_PATH, NETWORK_BODY_FIELDS)
    client.post(NETWORK_RESTRICTIONS_APPLY_PATH, body)


def restore_original(client: SupabaseManagementClient, original: Mapping[str, Any], sections: Sequence[str]) -> None:
    """Put the recorded pre-adoption values of `sections` back, patching only
    what differs from the live values."""
    if "pooler" in sections:
        # numbers come back from Pulumi's state as floats (15 -> 15.0)
        want = int_if_integral((original.get("pooler") or {}).get("default_pool_size"))
        if get_pool_size(client) != want:
            set_pool_size(client, want)
    if "auth" in sections:
        want_auth = original.get("auth") or {}
        live = get_auth(client)
        body = {
            key: want_auth.get(key) for key in ("site_url", "uri_allow_list") if live.get(key) != want_auth.get(key)
        }
        if body:
            set_auth(client, body)
    if "network_restrictions" in sections and original.get("network_restrictions") is not None:
        want_net = original["network_restrictions"]
        live_net, _ = get_network(client)
        if frozenset(network_cidrs(live_net)) != frozenset(network_cidrs(want_net)):
            set_network(client, {key: list(want_net.get(key) or []) for key in NETWORK_BODY_FIELDS})
