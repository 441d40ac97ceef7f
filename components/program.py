"""The program: one stack's components from its typed config, and what the stack exports."""

from __future__ import annotations

import pulumi

from .config import StackConfig
from .github_branches import GitHubBranch
from .github_environment import GitHubEnvironment, GitHubEnvironmentArgs, project_id_variable
from .vercel_app import VercelApp, VercelAppArgs


def build(cfg: StackConfig) -> dict[str, pulumi.Output]:
    apps = [
        VercelApp(app.name, VercelAppArgs(config=cfg, app=app, domains=cfg.app_domains(i)))
        for i, app in enumerate(cfg.apps)
    ]
    project_ids = {project_id_variable(i, app.name): vapp.project_id for i, (app, vapp) in enumerate(zip(cfg.apps, apps))}
    environment = GitHubEnvironment(cfg.tier, GitHubEnvironmentArgs(config=cfg, project_ids=project_ids))
    branch = GitHubBranch(cfg.tier_defaults.owns_branch, cfg) if cfg.tier_defaults.owns_branch else None
    outputs = {
        "tier": pulumi.Output.from_input(cfg.tier),
        "projectIds": pulumi.Output.from_input({app.name: vapp.project_id for app, vapp in zip(cfg.apps, apps)}),
        "projectNames": pulumi.Output.from_input({app.name: vapp.project_name for app, vapp in zip(cfg.apps, apps)}),
        "domains": pulumi.Output.from_input({app.name: list(vapp.domain_names) for app, vapp in zip(cfg.apps, apps)}),
        "githubEnvironment": environment.environment_name,
    }
    if branch is not None:
        outputs["protectedBranch"] = pulumi.Output.from_input(branch.branch_name)
    return outputs
