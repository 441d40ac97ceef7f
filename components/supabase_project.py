"""SupabaseProject: the tier's Supabase project settings and what the app needs to reach it."""

from __future__ import annotations

import pulumi

from .base import VitalComponent
from .config import StackConfig
from .supabase_settings import SupabaseProjectSettings


def site_url(config: StackConfig) -> str:
    domains = config.app_domains(0)
    return f"https://{domains[0]}" if domains else f"https://{config.apps[0].name}-{config.tier_defaults.project_suffix}.vercel.app"


def redirect_urls(config: StackConfig) -> list[str]:
    """Every app domain, and on the preview tier the URL patterns of its preview deployments."""
    urls = [f"https://{d}/**" for i in range(len(config.apps)) for d in config.app_domains(i)]
    if config.tier_defaults.builds_pr_branches:
        suffix = config.tier_defaults.project_suffix
        # Vercel preview URLs: <project>-<hash>-<team>.vercel.app and <project>-git-<branch>-<team>.vercel.app.
        urls += [f"https://{app.name}-{suffix}-*.vercel.app/**" for app in config.apps]
        if config.preview_deployment_suffix:
            urls.append(f"https://*.{config.preview_deployment_suffix}/**")
    return urls or [site_url(config) + "/**"]


class SupabaseProject(VitalComponent):
    """Manages an existing project's pooler, auth URLs and network restrictions.

    Exposes `url` for NEXT_PUBLIC_SUPABASE_URL and `anon_key` (public) when configured.
    """

    TYPE = "vital:supabase:SupabaseProject"

    def __init__(self, name: str, config: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        ref = config.supabase_project_ref
        self.settings = SupabaseProjectSettings(
            self.child("settings"),
            project_ref=ref,
            access_token=pulumi.Output.secret(config.supabase_access_token.get_secret_value()),
            default_pool_size=config.effective("supabase_pool_size"),
            site_url=site_url(config),
            uri_allow_list=redirect_urls(config),
            allowed_cidrs=list(config.supabase_allowed_cidrs) or None,
            backup_policy=config.effective("supabase_backups"),
            # The project itself is never deleted here; deleting this resource restores the
            # settings found at adoption. Protected in production so a stack mistake cannot
            # reset production's pooler and auth URLs.
            opts=self.opts(protect=config.tier_defaults.protect),
        )
        self.url = f"https://{ref}.supabase.co"
        self.anon_key = config.supabase_anon_key
        self.done({"url": self.url, "project_ref": ref})
