"""SupabaseProject: the tier's Supabase project settings and what the app needs to reach it."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from ..base import VitalComponent
from ..specs import SupabaseProjectSpec
from .resource import SupabaseProjectSettings


@dataclass(frozen=True)
class SupabaseProjectOutputs:
    url: str
    project_ref: str
    anon_key: str | None


class SupabaseProject(VitalComponent[SupabaseProjectOutputs]):
    """Manages an existing project's pooler, auth URLs and network restrictions.

    Exposes `url` for NEXT_PUBLIC_SUPABASE_URL and `anon_key` (public) when configured.
    """

    TYPE = "vital:supabase:SupabaseProject"

    def __init__(self, name: str, spec: SupabaseProjectSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        self.settings = SupabaseProjectSettings(
            self.child("settings"),
            project_ref=spec.project_ref,
            default_pool_size=spec.pool_size,
            site_url=spec.site_url,
            uri_allow_list=list(spec.uri_allow_list),
            allowed_cidrs=list(spec.allowed_cidrs) if spec.allowed_cidrs else None,
            backup_policy=spec.backup_policy,
            # The project itself is never deleted here; deleting this resource restores the
            # settings found at adoption. Protected in production so a stack mistake cannot
            # reset production's pooler and auth URLs.
            opts=self.opts(protect=spec.protect),
        )
        self.done(
            SupabaseProjectOutputs(
                url=f"https://{spec.project_ref}.supabase.co", project_ref=spec.project_ref, anon_key=spec.anon_key
            )
        )
