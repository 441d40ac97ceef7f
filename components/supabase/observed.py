"""What Supabase reports about a project that the policies judge and the program does not set.

Backups come with the project's plan, and row-level security is set in the database's own
migrations; neither is a Management API setting this provider writes. But both can be read
(tests/fixtures/specs/supabase-management-api.openapi.json):

- GET /v1/projects/{ref}/database/backups (V1BackupsResponse): `pitr_enabled`, `walg_enabled`;
- GET /v1/projects/{ref}/advisors/security (V1ProjectAdvisorsResponse): lints, where
  `rls_disabled_in_public` and `policy_exists_rls_disabled` name tables without RLS.

Both need the token's fine-grained permissions (`backups_read`, `advisors_read`). A refusal is
recorded as one line in `observation_errors`, never raised: a token without them must not
break refresh, and the `backups` and `rls` policies report the line instead.
"""

from __future__ import annotations

from typing import Any

from .client import SupabaseApiError, SupabaseManagementClient

BACKUPS_PATH = "/v1/projects/{ref}/database/backups"
ADVISORS_PATH = "/v1/projects/{ref}/advisors/security"
RLS_LINTS = ("rls_disabled_in_public", "policy_exists_rls_disabled")
OBSERVED_FIELDS = ("pitr_enabled", "walg_enabled", "tables_without_rls", "observation_errors")


def _backups(client: SupabaseManagementClient) -> dict[str, Any]:
    body = client.get(BACKUPS_PATH)
    if not isinstance(body, dict) or not all(isinstance(body.get(k), bool) for k in ("pitr_enabled", "walg_enabled")):
        raise SupabaseApiError(
            f"GET {BACKUPS_PATH} answered without pitr_enabled and walg_enabled", project_ref=client.project_ref
        )
    return {"pitr_enabled": body["pitr_enabled"], "walg_enabled": body["walg_enabled"]}


def _tables_without_rls(client: SupabaseManagementClient) -> dict[str, Any]:
    body = client.get(ADVISORS_PATH)
    lints = body.get("lints") if isinstance(body, dict) else None
    if not isinstance(lints, list):
        raise SupabaseApiError(f"GET {ADVISORS_PATH} answered without lints", project_ref=client.project_ref)
    tables = set()
    for lint in lints:
        meta = lint.get("metadata") if isinstance(lint, dict) else None
        if isinstance(lint, dict) and lint.get("name") in RLS_LINTS and isinstance(meta, dict):
            tables.add(f"{meta.get('schema') or 'public'}.{meta.get('name') or '?'}")
    return {"tables_without_rls": sorted(tables)}


def observe(client: SupabaseManagementClient) -> dict[str, Any]:
    """The reported backups and RLS gaps; a check that could not run leaves one line in observation_errors."""
    found: dict[str, Any] = {"observation_errors": {}}
    for check, read in (("backups", _backups), ("rls", _tables_without_rls)):
        try:
            found.update(read(client))
        except SupabaseApiError as err:
            found["observation_errors"][check] = str(err)
    return found
