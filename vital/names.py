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

# How every tool shows a secret value: never the value.
SECRET_TEXT = "[secret]"

# Config keys that must hold encrypted values (`pulumi config set --secret`).
SECRET_CONFIG_KEYS = ("vercelDeployToken", "secretEnv", "protectionPassword", "supabaseAccessToken", "alertWebhookUrl")

# Provider credentials each stack's providers need: config key -> the environment variable the
# provider reads instead (None: config only). Sources: pulumiverse_vercel 5.21.1 config/vars.py
# (VERCEL_API_TOKEN), pulumi_github 6.15.0 config/vars.py (GITHUB_TOKEN); upstash_pulumi 0.5.0
# config/vars.py reads apiKey and email from config only.
PROVIDER_SECRETS = {"vercel:apiToken": "VERCEL_API_TOKEN", "github:token": "GITHUB_TOKEN", "upstash:apiKey": None}
# Provider settings that are not secret but must be set (Upstash authenticates email + key).
UPSTASH_EMAIL_KEY = "upstash:email"

# The Supabase Management API token (a secret); the Supabase provider names it in its errors.
SUPABASE_ACCESS_TOKEN_KEY = f"{PROJECT}:supabaseAccessToken"

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

# Server-side secrets that migration jobs in GitHub Actions need too.
MIGRATION_SECRETS = ("SUPABASE_SERVICE_ROLE_KEY",)

# GitHub environment secrets and variables the app repository's workflows read.
VERCEL_TOKEN_SECRET = "VERCEL_TOKEN"
VERCEL_ORG_SECRET = "VERCEL_ORG_ID"
VERCEL_PROJECT_VARIABLE = "VERCEL_PROJECT_ID"

# Outputs a cache-owning stack exports for the stacks that share its cache.
REST_URL_OUTPUT = "upstashRestUrl"
REST_TOKEN_OUTPUT = "upstashRestToken"


def project_id_variable(app_index: int, app_name: str) -> str:
    """The first app keeps the name the seed's workflows use; others get a suffix."""
    suffix = "" if app_index == 0 else "_" + app_name.upper().replace("-", "_")
    return VERCEL_PROJECT_VARIABLE + suffix


def vercel_project_name(app_name: str, project_suffix: str) -> str:
    """vital-expert-production / -dev / -preview (seed "Phase 3")."""
    return f"{app_name}-{project_suffix}"


def redis_database_name(project_suffix: str) -> str:
    return f"vital-expert-{project_suffix}"


def stack_reference(organization: str, stack: str) -> str:
    """A DIY backend's fully qualified stack name: organization/<project>/<stack>."""
    return f"{organization}/{PROJECT}/{stack}"


# CI: the GitHub Actions variables the workflows read, and the AWS roles `tools.backend bootstrap
# --github-repo` creates for them (README "Pull requests and CI"). The plan role is read-only and
# trusted by pull requests and `main`; each environment's deploy role only by jobs in it.
BACKEND_URL_VARIABLE = "PULUMI_BACKEND_URL"
AWS_REGION_VARIABLE = "AWS_REGION"
PLAN_ROLE_VARIABLE = "AWS_PLAN_ROLE_ARN"
DEPLOY_ROLE_VARIABLE = "AWS_DEPLOY_ROLE_ARN"
DEPLOY_BRANCH = "main"


def plan_role_name() -> str:
    return f"{PROJECT}-plan"


def deploy_role_name(environment: str) -> str:
    return f"{PROJECT}-deploy-{environment}"
