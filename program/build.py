"""The program: one stack's components from its specs, and what the stack exports."""

from __future__ import annotations

import pulumi

from components.dns import DnsRecords
from components.github_branch import GitHubBranch
from components.github_environment import GitHubEnvironment
from components.preview_access import PreviewAccess
from components.supabase.project import SupabaseProject
from components.upstash_cache import UpstashCache
from components.vercel_app import VercelApp
from vital.names import (
    DNS_RECORDS_OUTPUT,
    REDIS_REST_TOKEN_ENV,
    REDIS_REST_URL_ENV,
    SHARE_LINKS_OUTPUT,
    SUPABASE_ANON_KEY_ENV,
    SUPABASE_URL_ENV,
    bypass_secret_name,
    project_id_variable,
)

from .config import StackConfig
from .resolve import resolve


def build(cfg: StackConfig) -> dict[str, pulumi.Output]:
    specs = resolve(cfg)
    database = SupabaseProject(f"supabase-{specs.tier}", specs.supabase)
    cache = UpstashCache(f"cache-{specs.tier}", specs.cache)
    data_env: dict[str, pulumi.Input[str]] = {
        SUPABASE_URL_ENV: database.outputs.url,
        REDIS_REST_URL_ENV: cache.outputs.rest_url,
    }
    if database.outputs.anon_key:
        data_env[SUPABASE_ANON_KEY_ENV] = database.outputs.anon_key  # public by design (RLS guards data)
    apps = [
        (
            name,
            VercelApp(name, spec, data_env=data_env, data_secret_env={REDIS_REST_TOKEN_ENV: cache.outputs.rest_token}),
        )
        for name, spec in specs.apps
    ]
    project_ids = {project_id_variable(i, name): app.outputs.project_id for i, (name, app) in enumerate(apps)}
    access = (
        PreviewAccess(f"access-{specs.tier}", specs.access, {name: app.outputs.project_id for name, app in apps})
        if specs.access.any
        else None
    )
    bypasses = {
        bypass_secret_name(i, name): access.outputs.bypass_secrets[name]
        for i, (name, _) in enumerate(apps)
        if access and name in access.outputs.bypass_secrets
    }
    environment = GitHubEnvironment(specs.tier, specs.environment, variables=project_ids, secret_outputs=bypasses)
    branch = GitHubBranch(specs.branch.branch, specs.branch) if specs.branch else None
    if specs.dns.managed and specs.dns.records:
        DnsRecords(f"dns-{specs.tier}", specs.dns)
    outputs = {
        "tier": pulumi.Output.from_input(specs.tier),
        "projectIds": pulumi.Output.from_input({name: app.outputs.project_id for name, app in apps}),
        "projectNames": pulumi.Output.from_input({name: app.outputs.project_name for name, app in apps}),
        "domains": pulumi.Output.from_input({name: list(app.outputs.domain_names) for name, app in apps}),
        "githubEnvironment": environment.outputs.environment_name,
        "supabaseProjectRef": pulumi.Output.from_input(specs.supabase.project_ref),
        # The record each custom domain needs, managed here or set by hand at the zone's DNS host (docs/dns.md).
        DNS_RECORDS_OUTPUT: pulumi.Output.from_input(
            [
                {
                    "domain": r.domain,
                    "zone": r.zone,
                    "name": r.name,
                    "type": r.type,
                    "value": r.value,
                    "managed": specs.dns.managed,
                }
                for r in specs.dns.records
            ]
        ),
    }
    if access is not None and access.outputs.link_urls:
        outputs[SHARE_LINKS_OUTPUT] = pulumi.Output.secret(access.outputs.link_urls)  # each URL is the credential
    if branch is not None:
        outputs["protectedBranch"] = pulumi.Output.from_input(branch.outputs.branch_name)
    return outputs
