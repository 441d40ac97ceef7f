"""What each credential can reach, declared once: the facts docs/credentials.md is generated from.

Where a credential lives and who reads it are derived (dev/credentials.py: the workflows, the
roles of vital/trust.py, each tier's config and what its stack puts in state); what it can change
is a property of the platform and of how the operator issues it, so it is declared here, with its
source. A secret a workflow reads, a config secret or a secret that lands in state without a
declaration here fails the credentials test: nothing new is unaccounted for.

`changes`: the tiers whose resources it can change. `reads_production`: it can read production's
secrets or data. A credential with either is production-capable, and none may be readable by code
a pull request controls (tests/test_credentials.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from .names import PRODUCTION, TIERS
from .trust import DRIFT_ENVIRONMENT, REPOSITORY

NON_PRODUCTION = tuple(tier for tier in TIERS if tier != PRODUCTION)
TIER_OWN = "own"  # a stack's credential that reaches its own tier only

# Sources.
VERCEL_TOKENS = (
    "vercel.com/docs/accounts/access-tokens (a token is scoped to an account, a team or one project); "
    "vercel.com/changelog/project-scoped-tokens (2026-07-30: a project-scoped token is denied every "
    "other project and every team-level resource)"
)
VERCEL_VIEWER = "vercel.com/docs/rbac/access-roles (Pro Viewer, Enterprise Viewer: read-only)"
GITHUB_FINE_GRAINED = (
    'docs.github.com, "Managing your personal access tokens" (fine-grained: one repository, read-only permissions)'
)
GITHUB_SECRETS_API = "docs.github.com/rest/actions/secrets (a secret's value cannot be read back through the API)"
GITHUB_JOB_TOKEN = 'docs.github.com, "Automatic token authentication" (this repository only, the job\'s permissions)'
UPSTASH_KEYS = (
    "upstash.com/docs/devops/developer-api/introduction (a key acts on its account; read-only keys are on "
    "the roadmap, not offered)"
)
SUPABASE_TOKENS = (
    "supabase.com/docs/guides/platform/access-tokens (a token narrowed to organizations, projects and "
    "permissions; a full-access one reaches every organization and project of its user); "
    "supabase.com/docs/guides/platform/access-control (Read-Only role)"
)
PASSPHRASE = (
    "pulumi.com/docs/iac/concepts/secrets (the passphrase provider: the passphrase decrypts the stack's secrets)"
)


@dataclass(frozen=True)
class Reach:
    what: str
    changes: tuple[str, ...]
    reads_production: bool
    source: str

    @property
    def production_capable(self) -> bool:
        return PRODUCTION in self.changes or self.reads_production


def _per_environment(production: Reach, other: Reach) -> dict[str, Reach]:
    return {tier: production if tier == PRODUCTION else other for tier in TIERS}


# GitHub Actions secrets of the infrastructure repository: name -> where it lives -> its reach.
GITHUB_SECRETS: dict[str, dict[str, Reach]] = {
    "PLAN_VERCEL_TOKEN": {
        REPOSITORY: Reach("a Viewer member's Vercel token: reads the team's projects", (), False, VERCEL_VIEWER)
    },
    "PLAN_GITHUB_TOKEN": {
        REPOSITORY: Reach(
            "a fine-grained token, read-only, on the app repository",
            (),
            False,
            f"{GITHUB_FINE_GRAINED}; {GITHUB_SECRETS_API}",
        )
    },
    "VERCEL_API_TOKEN": {
        tier: Reach(
            "a Vercel token of the team (the program creates projects, a team-level act)", TIERS, True, VERCEL_TOKENS
        )
        for tier in TIERS
    },
    "PULUMI_GITHUB_TOKEN": {
        tier: Reach(
            "a token that administers the app repository (every tier's environment, secrets and rulesets)",
            TIERS,
            False,
            GITHUB_SECRETS_API,
        )
        for tier in TIERS
    },
    "PULUMI_CONFIG_PASSPHRASE": {
        tier: Reach("the tier's passphrase, with the passphrase provider only", (tier,), tier == PRODUCTION, PASSPHRASE)
        for tier in TIERS
    },
    "UPSTASH_API_KEY": {
        **_per_environment(
            Reach("the production Upstash account's key", (PRODUCTION,), True, UPSTASH_KEYS),
            Reach("the non-production Upstash account's key", NON_PRODUCTION, False, UPSTASH_KEYS),
        ),
        DRIFT_ENVIRONMENT: Reach("the non-production Upstash account's key", NON_PRODUCTION, False, UPSTASH_KEYS),
    },
    "PRODUCTION_UPSTASH_API_KEY": {
        DRIFT_ENVIRONMENT: Reach("the production Upstash account's key", (PRODUCTION,), True, UPSTASH_KEYS)
    },
    "SUPABASE_ACCESS_TOKEN": {
        **_per_environment(
            Reach("a Supabase token narrowed to production's project", (PRODUCTION,), True, SUPABASE_TOKENS),
            Reach("a Supabase token narrowed to the non-production projects", NON_PRODUCTION, False, SUPABASE_TOKENS),
        ),
        DRIFT_ENVIRONMENT: Reach(
            "a read-only Supabase token of the non-production projects", (), False, SUPABASE_TOKENS
        ),
    },
    "PRODUCTION_SUPABASE_ACCESS_TOKEN": {
        DRIFT_ENVIRONMENT: Reach("a read-only Supabase token of production's project", (), True, SUPABASE_TOKENS)
    },
}
# The token GitHub issues to each job (`github.token`), not a stored secret.
JOB_TOKEN = Reach("the job's own GITHUB_TOKEN: this repository, the job's permissions", (), False, GITHUB_JOB_TOKEN)

# Config secrets of a stack, and what the program copies into state, by how far they reach:
# TIER_OWN (the stack's own tier), or every tier. The operator keeps the TIER_OWN ones per tier (an
# OpenAI project key per tier, each tier's Supabase service-role key): nothing here can tell.
CONFIG_SECRETS: dict[str, str | tuple[str, ...]] = {
    "vercelDeployToken": TIERS,  # a team token, unless issued project-scoped to production's project
    "supabaseDbUrl": TIER_OWN,  # program.checks refuses another tier's project ref
    "secretEnv": TIER_OWN,
    "protectionPassword": TIER_OWN,
    "alertWebhookUrl": (),  # it posts alerts; it changes nothing
}
# What the program writes into a tier's GitHub environment of the app repository (secret name ->
# the config secret it copies, or its own reach), and into its Vercel projects' sensitive env vars.
STATE_SECRETS: dict[str, str | tuple[str, ...]] = {
    "VERCEL_TOKEN": "vercelDeployToken",
    "SUPABASE_DB_URL": "supabaseDbUrl",
    "VERCEL_ORG_ID": (),  # the team's id, not a credential
    "VERCEL_AUTOMATION_BYPASS_SECRET": TIER_OWN,  # opens the tier's protected deployments
    "UPSTASH_REDIS_REST_TOKEN": TIER_OWN,  # the tier's own Redis database
}
# Secret outputs a provider keeps in state, by resource type.
SECRET_OUTPUTS = {"upstash:index/redisDatabase:RedisDatabase": ("password", "restToken", "readOnlyRestToken")}


def reach_of(changes: str | tuple[str, ...], tier: str) -> tuple[str, ...]:
    """A declared reach for a stack of `tier`: its own tier, or the tiers named."""
    if changes == TIER_OWN:
        return (tier,)
    if isinstance(changes, str):  # the name of the config secret it copies
        return reach_of(CONFIG_SECRETS[changes], tier)
    return changes
