"""The program: one stack's components from its typed config, and what the stack exports."""

from __future__ import annotations

import pulumi

from .config import StackConfig
from .github_branches import GitHubBranch
from .github_environment import GitHubEnvironment, GitHubEnvironmentArgs
from vital.names import project_id_variable
from .supabase_project import SupabaseProject
from .upstash_cache import UpstashCache
from .vercel_app import VercelApp, VercelAppArgs
from vital.names import MIGRATION_SECRETS, REST_TOKEN_OUTPUT, REST_URL_OUTPUT


def build(cfg: StackConfig) -> dict[str, pulumi.Output]:
    database = SupabaseProject(f"supabase-{cfg.tier}", cfg)
    cache = UpstashCache(f"cache-{cfg.tier}", cfg)
    data_env = {"NEXT_PUBLIC_SUPABASE_URL": database.url, "UPSTASH_REDIS_REST_URL": cache.rest_url}
    if database.anon_key:
        data_env["NEXT_PUBLIC_SUPABASE_ANON_KEY"] = database.anon_key  # public by design (RLS guards data)
    apps = [
        VercelApp(app.name, VercelAppArgs(config=cfg, app=app, domains=cfg.app_domains(i), extra_env=data_env,
                                          extra_secret_env={"UPSTASH_REDIS_REST_TOKEN": cache.rest_token},
                                          adoption=cfg.adopt.apps.get(app.name)))
        for i, app in enumerate(cfg.apps)
    ]
    by_app = list(zip(cfg.apps, apps, strict=True))
    project_ids = {project_id_variable(i, app.name): vapp.project_id for i, (app, vapp) in enumerate(by_app)}
    migration = {k: pulumi.Output.secret(cfg.secret_env[k].get_secret_value()) for k in MIGRATION_SECRETS if k in cfg.secret_env}
    environment = GitHubEnvironment(cfg.tier, GitHubEnvironmentArgs(config=cfg, project_ids=project_ids, extra_secrets=migration))
    branch = GitHubBranch(cfg.tier_defaults.owns_branch, cfg) if cfg.tier_defaults.owns_branch else None
    outputs = {
        "tier": pulumi.Output.from_input(cfg.tier),
        "projectIds": pulumi.Output.from_input({app.name: vapp.project_id for app, vapp in by_app}),
        "projectNames": pulumi.Output.from_input({app.name: vapp.project_name for app, vapp in by_app}),
        "domains": pulumi.Output.from_input({app.name: list(vapp.domain_names) for app, vapp in by_app}),
        "githubEnvironment": environment.environment_name,
        "supabaseProjectRef": pulumi.Output.from_input(cfg.supabase_project_ref),
    }
    if cache.database is not None:
        # Read by the stacks that share this cache (preview reads pre-production's).
        outputs[REST_URL_OUTPUT] = cache.rest_url
        outputs[REST_TOKEN_OUTPUT] = cache.rest_token  # stays a secret in the export
    if branch is not None:
        outputs["protectedBranch"] = pulumi.Output.from_input(branch.branch_name)
    return outputs
