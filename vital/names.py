"""Names other code, users and CI depend on: the project, the stacks, config keys, outputs.

Renaming any of these breaks stack files, state, workflows or users' scripts; extend, don't rename.
"""

from __future__ import annotations

# Pulumi.yaml's `name`, and the namespace of the project's own config keys.
PROJECT = "vital-expert-infra"

# One stack per tier, named after it, in the order they deploy to production last.
TIERS = ("production", "pre-production", "preview")
PRODUCTION = "production"

# The CrossGuard policy pack (policies/PulumiPolicy.yaml's directory, served under this name).
PACK_NAME = "vital-expert-guardrails"
# The bootstrap project's pack (bootstrap/policies): the state backend and the CI's identities.
IDENTITY_PACK_NAME = "vital-expert-identity-guardrails"

# How every tool shows a secret value: never the value.
SECRET_TEXT = "[secret]"

# Config keys that must hold encrypted values (`pulumi config set --secret`).
SECRET_CONFIG_KEYS = ("vercelDeployToken", "secretEnv", "protectionPassword", "alertWebhookUrl", "supabaseDbUrl")

# The secrets every stack holds (config keys), and those it holds when set (vercelDeployToken:
# production's only, vital.trust.pr_readable_stacks); with the secretEnv keys, the list
# secret-rotation checks (StackConfig.secret_names and the pack read it here).
ALWAYS_HELD_SECRETS = ("supabaseDbUrl",)
HELD_WHEN_SET_SECRETS = ("vercelDeployToken", "protectionPassword", "alertWebhookUrl")

# Provider credentials come only from the environment of the `pulumi` process (a job's env in CI),
# never from stack config or state: config wins over the environment in every provider here, and a
# stack's config and state are readable by every role that decrypts its key, a pull request's
# preview included for preview and pre-production (docs/credentials.md). Config key -> the variable
# the provider reads instead. Sources: pulumiverse_vercel 5.21.1 config/vars.py (VERCEL_API_TOKEN),
# pulumi_github 6.15.0 config/vars.py (GITHUB_TOKEN); upstash: terraform-provider-upstash v2.0.0
# upstash/provider.go (`api_key`: `schema.EnvDefaultFunc("UPSTASH_API_KEY", nil)`), which the bridge
# honours (pulumi-terraform-bridge v3.24.1, the version upstash/pulumi-upstash's provider/go.mod
# names: Configure -> buildTerraformConfig -> MakeTerraformInputs applies the Terraform schema's
# defaults, pkg/tfbridge/schema.go "populate defaults from the Terraform schema").
PROVIDER_SECRETS = {
    "vercel:apiToken": "VERCEL_API_TOKEN",
    "github:token": "GITHUB_TOKEN",
    "upstash:apiKey": "UPSTASH_API_KEY",
}
# Provider settings that are not secret but must be set (Upstash authenticates email + key).
UPSTASH_EMAIL_KEY = "upstash:email"

# What a preview (a PR's, production's before its approval) sets as UPSTASH_API_KEY: no key. The
# provider's `api_key` is Required, so the bridge refuses it unset ("Missing key",
# pulumi-terraform-bridge pkg/tfbridge/provider.go validateProviderConfig), yet a preview calls no
# Upstash API: Configure only builds a client (terraform-provider-upstash v2.0.0 upstash/provider.go
# providerConfigure) and a RedisDatabase's diff is local (upstash/redis/database/resource.go,
# CustomizeDiff: ForceNewIfChange on consistent and tls). A read (refresh, import) with it is refused.
PREVIEW_UPSTASH_API_KEY = "none-a-preview-calls-no-upstash-api"

# The Supabase Management API token: the settings provider (components/supabase) reads it from its
# own process's environment at each call; it is never a resource input, so never in state.
SUPABASE_ACCESS_TOKEN_ENV = "SUPABASE_ACCESS_TOKEN"
# The config key that held it until then (retired: RETIRED_CONFIG_KEYS).
SUPABASE_TOKEN_CONFIG_KEY = "supabaseAccessToken"

# The config key of the Vercel token the app repository's jobs use (GitHub secret VERCEL_TOKEN): a
# token of the whole team, so only a stack no pull request decrypts holds it (program.checks).
TEAM_TOKEN_KEY = "vercelDeployToken"

# Provider config keys the program reads (namespace:key).
VERCEL_TEAM_KEY = "vercel:team"
GITHUB_OWNER_KEY = "github:owner"

# Env vars the program wires from the data services; a stack file may not set them.
SUPABASE_URL_ENV = "NEXT_PUBLIC_SUPABASE_URL"
SUPABASE_ANON_KEY_ENV = "NEXT_PUBLIC_SUPABASE_ANON_KEY"
REDIS_REST_URL_ENV = "UPSTASH_REDIS_REST_URL"
REDIS_REST_TOKEN_ENV = "UPSTASH_REDIS_REST_TOKEN"
DATA_SERVICE_ENV = (SUPABASE_URL_ENV, SUPABASE_ANON_KEY_ENV, REDIS_REST_URL_ENV, REDIS_REST_TOKEN_ENV)

# The env var holding the allowed CORS origins (comma-separated), set from corsAllowedOrigins.
CORS_VARIABLE = "CORS_ALLOWED_ORIGINS"

# GitHub environment secrets and variables the app repository's workflows read. The migration
# job runs `supabase db push --db-url "$SUPABASE_DB_URL"` (the tier's Postgres connection string).
VERCEL_TOKEN_SECRET = "VERCEL_TOKEN"
SUPABASE_DB_URL_SECRET = "SUPABASE_DB_URL"
SUPABASE_PROJECT_REF_VARIABLE = "SUPABASE_PROJECT_REF"
VERCEL_ORG_SECRET = "VERCEL_ORG_ID"
VERCEL_PROJECT_VARIABLE = "VERCEL_PROJECT_ID"

# The preview GitHub environment's secret holding each preview project's automation bypass
# (end-to-end runs send it as facts.AUTOMATION_BYPASS_HEADER); the name Vercel gives it in builds.
AUTOMATION_BYPASS_SECRET = "VERCEL_AUTOMATION_BYPASS_SECRET"
# Stack output: each shareable link's URL by alias (secret: the URL is the credential).
SHARE_LINKS_OUTPUT = "shareLinks"

# Config keys that are gone, and what replaced each: a stack file that still sets one is refused
# with this line (program.load), never silently ignored.
RETIRED_CONFIG_KEYS = {
    SUPABASE_TOKEN_CONFIG_KEY: f"the Supabase token comes only from the environment of the pulumi CLI "
    f"({SUPABASE_ACCESS_TOKEN_ENV}; in CI the deploy environment's secret), never from a stack, "
    f"whose config and state a pull request's preview may decrypt (docs/credentials.md); "
    f"remove it with pulumi config rm supabaseAccessToken",
    "sharedCacheStack": "every tier owns its Redis database now: preview's is one small database shared by "
    "its PR deployments, so no stack reads another's cache (docs/stacks.md, Data services); "
    "remove the key (upstashBudget sets preview's budget)",
    # Issue 26: the bulk resource saved no time a user would notice on the committed stacks (bench/results.md).
    "envVarMode": "every env var is its own ProjectEnvironmentVariable (the bulk resource saved no time a user "
    "would notice: bench/results.md); remove the key",
}

# DNS (docs/dns.md): the config switch that says the zone is on Vercel's nameservers (then the
# program manages the records), the zone, and the output listing the record each domain needs.
DNS_ON_VERCEL_KEY = "dnsOnVercel"
DNS_ZONE_KEY = "dnsZone"
DNS_RECORDS_OUTPUT = "dnsRecords"


def per_app(name: str, app_index: int, app_name: str) -> str:
    """A per-app GitHub variable or secret: the first app keeps the plain name the strategy's
    workflows use; others get a suffix."""
    suffix = "" if app_index == 0 else "_" + app_name.upper().replace("-", "_")
    return name + suffix


def project_id_variable(app_index: int, app_name: str) -> str:
    return per_app(VERCEL_PROJECT_VARIABLE, app_index, app_name)


def bypass_secret_name(app_index: int, app_name: str) -> str:
    return per_app(AUTOMATION_BYPASS_SECRET, app_index, app_name)


def vercel_project_name(app_name: str, project_suffix: str) -> str:
    """vital-expert-production / -dev / -preview (strategy "Phase 3")."""
    return f"{app_name}-{project_suffix}"


def header_route_name(group: str, host_suffix: str = "") -> str:
    """A header route's name: its route group, then the hosts it serves where production tells
    them apart ("-app.vitalexpert.com", "-other-hosts"; program/vercel_rules.py host_variants)."""
    return f"headers-{group}{host_suffix}"


def redis_database_name(project_suffix: str) -> str:
    return f"vital-expert-{project_suffix}"


# CI: the GitHub Actions variables every backend job reads (each role's own variable, and the
# roles themselves, are vital/trust.py's; the bootstrap stack prints them all).
BACKEND_URL_VARIABLE = "PULUMI_BACKEND_URL"
AWS_REGION_VARIABLE = "AWS_REGION"

# The stacks a pull request runs `pulumi preview` for, with the plan role: every tier but
# production. PR code never holds production's key; production is shown on the PR by the
# offline diff, and previewed for real in its deploy job before `up`.
PR_PREVIEW_STACKS = tuple(tier for tier in TIERS if tier != PRODUCTION)

# KMS aliases of the state backend: the bucket's key (S3 default encryption of the state
# objects) and one key per stack for its secrets, `<bucket alias>-<stack>`
# (alias/pulumi-state-production ...); the bootstrap stack makes them.
STATE_KEY_ALIAS = "alias/pulumi-state"


def stack_key_alias(stack: str, state_alias: str = STATE_KEY_ALIAS) -> str:
    """The alias of the KMS key that seals one stack's secrets (its `secretsprovider`)."""
    return f"{state_alias}-{stack}"


def key_alias_stack(alias: str) -> tuple[str, str] | None:
    """(bucket alias, stack) when `alias` is a stack's key alias, else None.

    The longest tier wins, so alias/x-pre-production is pre-production's, not production's.
    """
    for tier in sorted(TIERS, key=len, reverse=True):
        if alias.endswith(f"-{tier}") and len(alias) > len(f"alias/-{tier}"):
            return alias[: -len(tier) - 1], tier
    return None
