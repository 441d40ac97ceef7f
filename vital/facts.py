"""Platform facts: limits, valid values and deprecated fields of Vercel, GitHub and Next.js.

This is the one table the program, the config validation and the policy pack read platform
figures from. Every figure carries the source it was checked against. When a platform changes
a figure, change it here (and its source) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

PLANS = ("hobby", "pro", "enterprise")


@dataclass(frozen=True)
class PlanLimits:
    # Longest function duration the plan allows, in seconds (Fluid compute, Vercel's default).
    max_function_duration_s: int
    # Bounds of a WAF rate-limit rule's fixed window, in seconds.
    rate_limit_window_min_s: int
    rate_limit_window_max_s: int
    # Rate-limit algorithms the plan accepts.
    rate_limit_algorithms: tuple[str, ...]


# Figures marked "secondary" were found only in a copy of Vercel's docs (due.moe
# docs/vercel-firewall.md), not on vercel.com itself; they are the conservative reading.
VERCEL_PLANS: dict[str, PlanLimits] = {
    "hobby": PlanLimits(
        # Source: vercel.com/docs/functions/limitations and vercel.com/changelog/
        # higher-defaults-and-limits-for-vercel-functions-running-fluid-compute: Hobby max 300 s.
        max_function_duration_s=300,
        # Source (secondary): window 10 s to 10 min on Hobby and Pro.
        rate_limit_window_min_s=10,
        rate_limit_window_max_s=600,
        # Source: vercel.com/docs/vercel-firewall/vercel-waf/rate-limiting: Fixed Window on all
        # plans, Token Bucket on Enterprise.
        rate_limit_algorithms=("fixed_window",),
    ),
    "pro": PlanLimits(
        # Source: vercel.com/docs/functions/limitations: Pro up to 800 s with Fluid compute.
        max_function_duration_s=800,
        # Source (secondary): window 10 s to 10 min on Hobby and Pro.
        rate_limit_window_min_s=10,
        rate_limit_window_max_s=600,
        rate_limit_algorithms=("fixed_window",),
    ),
    "enterprise": PlanLimits(
        # Source: vercel.com/docs/functions/limitations: Enterprise up to 800 s with Fluid.
        max_function_duration_s=800,
        # Enterprise's own window and rule bounds were not verified; Pro's bounds are used,
        # which Enterprise allows at least. Widen only with a primary source.
        rate_limit_window_min_s=10,
        rate_limit_window_max_s=600,
        # Source: vercel.com/docs/vercel-firewall/vercel-waf/rate-limiting (Token Bucket: Enterprise).
        rate_limit_algorithms=("fixed_window", "token_bucket"),
    ),
}

# Which plan can use which project feature: "yes", "addon" (a paid add-on the team must have
# bought, declared in config vercelAddons) or "no".
FEATURE_AVAILABILITY: dict[str, dict[str, str]] = {
    # Source: vercel.com/docs/deployment-protection: Hobby has Standard Protection only;
    # protecting all deployments (production domains included) needs Pro or Enterprise.
    "vercel_authentication_all_deployments": {"hobby": "no", "pro": "yes", "enterprise": "yes"},
    # Source: vercel.com/docs/deployment-protection and
    # vercel.com/kb/guide/add-password-protection-vercel-deployment: Enterprise, or Pro add-on.
    "password_protection": {"hobby": "no", "pro": "addon", "enterprise": "yes"},
    # Source: vercel.com/docs/deployment-protection: Trusted IPs is Enterprise only.
    "trusted_ips": {"hobby": "no", "pro": "no", "enterprise": "yes"},
    # Source: vercel.com/changelog/preview-urls-optimized-for-multi-tenant-platforms: a Pro
    # add-on; included on Enterprise.
    "preview_deployment_suffix": {"hobby": "no", "pro": "addon", "enterprise": "yes"},
    # Source: vercel.com/docs/rolling-releases ("available on Enterprise and Pro plans").
    "rolling_releases": {"hobby": "no", "pro": "yes", "enterprise": "yes"},
    # Source: vercel.com/docs/skew-protection ("available on Enterprise and Pro plans").
    "skew_protection": {"hobby": "no", "pro": "yes", "enterprise": "yes"},
    # Observability Plus, which custom (metric threshold) alert rules need: a paid option on Pro
    # and Enterprise, none on Hobby. Source: vercel.com/docs/observability/monitoring/limits-and-pricing
    # (Hobby N/A) and pulumiverse_vercel 5.21.1 CustomAlertRule docstring ("requires Observability
    # Plus on this project").
    "observability_plus": {"hobby": "no", "pro": "addon", "enterprise": "addon"},
    # Ways past Deployment Protection. Source: vercel.com/docs/deployment-protection/
    # methods-to-bypass-deployment-protection ("Shareable Links are available on all plans",
    # "Protection Bypass for Automation is available on all plans").
    "shareable_links": {"hobby": "yes", "pro": "yes", "enterprise": "yes"},
    "automation_bypass": {"hobby": "yes", "pro": "yes", "enterprise": "yes"},
}

# Shareable links: one per alias; on Hobby one per account (creating one revokes the others);
# lifetime 1 s to 63072000 s (730 days), or none.
# Source: pulumiverse_vercel 5.21.1 ShareableLink docstrings (ttl_seconds "1 to 63072000").
SHAREABLE_LINKS_HOBBY_MAX = 1
SHAREABLE_LINK_MAX_DAYS = 63072000 // 86400
# The header (or query parameter) carrying an automation bypass secret, and the system env var
# Vercel exposes the project's default bypass secret as.
# Source: vercel.com/docs/deployment-protection/methods-to-bypass-deployment-protection/
# protection-bypass-automation.
AUTOMATION_BYPASS_HEADER = "x-vercel-protection-bypass"

# vercel_authentication.deployment_type values ("none" turns Vercel Authentication off).
# Source: pulumiverse_vercel 5.21.1 ProjectVercelAuthenticationArgs docstring.
VERCEL_AUTH_DEPLOYMENT_TYPES = (
    "standard_protection_new",
    "standard_protection",
    "all_deployments",
    "only_preview_deployments",
    "none",
)

# ProjectDeploymentRetention accepts these durations. The provider also accepts "unlimited",
# which Vercel no longer offers (vercel.com/changelog/updated-defaults-for-deployment-retention).
# Source: pulumiverse_vercel 5.21.1 ProjectDeploymentRetention docstring.
RETENTION_VALUES = ("1d", "1w", "1m", "2m", "3m", "6m", "1y")
# Days each retention value stands for, to compare against a tier's "at most N days".
RETENTION_DAYS = {"1d": 1, "1w": 7, "1m": 30, "2m": 60, "3m": 90, "6m": 180, "1y": 365}
# A retention field left unset is not left alone: the provider writes its own default
# (preview 6m, production 1y, canceled 1m, errored 3m), so the program sets all four.
# Source: terraform-provider-vercel vercel/resource_project_deployment_retention.go.
RETENTION_PROVIDER_DEFAULTS = {"production": "1y", "errored": "3m", "canceled": "1m"}

# Environment variable targets. Source: pulumiverse_vercel 5.21.1 ProjectEnvironmentVariable
# docstring ("production", "preview", "development"). Sensitive variables cannot target
# development. Source: vercel.com/docs/projects/environment-variables/sensitive-environment-variables
ENV_TARGETS = ("production", "preview", "development")

# The system environment variable holding the branch a Git deployment builds, which an ignore
# command reads; the command exiting 0 skips the build, 1 builds.
# Source: vercel.com/docs/environment-variables/system-environment-variables (VERCEL_GIT_COMMIT_REF)
# and vercel.com/kb/guide/how-do-i-use-the-ignored-build-step-field-on-vercel ("If the command
# returns "0", the build will be skipped ... "1" or greater ... will be built").
VERCEL_GIT_BRANCH_VARIABLE = "VERCEL_GIT_COMMIT_REF"

# Node.js versions the provider lets a project pin. Vercel itself offers Node.js 26 LTS too
# (vercel.com/changelog/node-js-26-lts-is-now-generally-available), which the provider does not
# accept yet. Source: terraform-provider-vercel vercel/resource_project.go ("node_version":
# OneOf 18.x, 20.x, 22.x, 24.x).
VERCEL_NODE_VERSIONS = ("18.x", "20.x", "22.x", "24.x")
# Versions a project is not pinned to, and why. Sources: vercel.com/changelog/node-js-20-is-being-
# deprecated ("Node.js 20 is being deprecated on October 1, 2026"); github.com/nodejs/Release
# (Node.js 18 end of life 2025-04-30).
NODE_VERSIONS_RETIRED = {
    "18.x": "past its upstream end of life (2025-04-30)",
    "20.x": "deprecated on Vercel since 2026-10-01",
}

# Next.js accepts only these NODE_ENV values; anything else (the strategy's "preview") is
# non-standard and breaks React's production build.
# Source: nextjs.org/docs/messages/non-standard-node-env
NEXTJS_NODE_ENV_VALUES = ("production", "development", "test")

# Vercel regions the program may pin functions to (the strategy uses iad1, Washington D.C.).
# Source: vercel.com/docs/edge-network/regions (region list).
VERCEL_REGIONS = (
    "arn1",
    "bom1",
    "cdg1",
    "cle1",
    "cpt1",
    "dub1",
    "fra1",
    "gru1",
    "hkg1",
    "hnd1",
    "iad1",
    "icn1",
    "kix1",
    "lhr1",
    "pdx1",
    "sfo1",
    "sin1",
    "syd1",
)

# GitHub environment protection rules: up to six users or teams in total as required
# reviewers. On Free, Pro and Team, required reviewers and wait timers work only on public
# repositories; private ones need Enterprise.
# Source: docs.github.com REST "Create or update an environment" (reviewers) and
# docs.github.com "Reviewing deployments".
GITHUB_MAX_ENVIRONMENT_REVIEWERS = 6

# GitHub plans and repository visibilities, and where each environment feature works: plan ->
# the visibilities it works for. Source: docs.github.com/actions/managing-workflow-runs-and-deployments/
# managing-deployments/managing-environments-for-deployment ("Environments, environment secrets, and
# deployment protection rules are available in public repositories for all current GitHub plans ...
# For access to environments, environment secrets, and deployment branches in private or internal
# repositories, you must use GitHub Pro, GitHub Team, or GitHub Enterprise. If you are on a GitHub
# Free, GitHub Pro, or GitHub Team plan, other deployment protection rules, such as a wait timer or
# required reviewers, are only available for public repositories.")
GITHUB_PLANS = ("free", "pro", "team", "enterprise")  # pro is a personal account's plan; internal is Enterprise's
GITHUB_VISIBILITIES = ("public", "private", "internal")
GITHUB_ENVIRONMENT_FEATURES: dict[str, dict[str, tuple[str, ...]]] = {
    "environments": {
        "free": ("public",),
        "pro": GITHUB_VISIBILITIES,
        "team": GITHUB_VISIBILITIES,
        "enterprise": GITHUB_VISIBILITIES,
    },
    "required_reviewers": {
        "free": ("public",),
        "pro": ("public",),
        "team": ("public",),
        "enterprise": GITHUB_VISIBILITIES,
    },
}

# The longest comment GitHub accepts on an issue or pull request.
# Source: docs.github.com REST "Create an issue comment" (body max 65536 characters).
GITHUB_COMMENT_MAX_CHARS = 65536

# ---- formats and limits of config values (issue: every entry point answers bad input) ----------

# A Vercel project's name: 1 to 52 characters of [a-z0-9-].
# Source: terraform-provider-vercel vercel/resource_project.go ("name": LengthBetween(1, 52),
# regex ^[a-z0-9\-]{0,100}$), commit c8a6711c565f.
VERCEL_PROJECT_NAME_MAX = 52
# All of a deployment's environment variables together: at most 64 KB.
# Source: vercel.com/docs/environment-variables ("Environment variable size": a total of 64 KB
# per deployment; no single variable can be larger).
VERCEL_ENV_TOTAL_BYTES = 64 * 1024
# Names Vercel reserves for its function runtimes (unavailable for use).
# Source: vercel.com/docs/environment-variables/reserved-environment-variables (2025-12-10).
VERCEL_RESERVED_ENV_NAMES = (
    "AWS_SECRET_KEY",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "NOW_REGION",
    "TZ",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
)
# Upstash Redis primary regions for a global database.
# Source: upstash_pulumi 0.5.0 RedisDatabaseArgs.primary_region docstring ("Can be one of [...]");
# tests/vital/test_facts.py reads the list from the installed SDK and compares.
UPSTASH_PRIMARY_REGIONS = (
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "eu-central-1",
    "eu-west-1",
    "sa-east-1",
    "ap-southeast-1",
    "ap-southeast-2",
)
# GitHub account and organization names: 1 to 39 characters, letters, digits and single
# hyphens, no hyphen first or last. Repository names: 1 to 100 characters of letters, digits,
# '.', '_' and '-', and not '.' or '..'.
# Source: github.com/join's form validation messages, collected in github.com/dead-claudia/github-limits
# (usernames, organizations, repository names).
GITHUB_OWNER_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$"
GITHUB_REPO_PATTERN = r"^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$"
# GitHub's REST API ids (users, teams) are 64-bit integers.
# Source: docs.github.com REST "Get a user" (id: integer, format int64).
GITHUB_ID_MAX = 2**63 - 1
# Bounds the project sets where the platforms state none we could find (the Vercel provider
# and @vercel/sdk 1.28.35 set no length on build settings): long enough for any real value,
# short enough that a pasted file or a runaway template is refused with one line.
COMMAND_MAX_CHARS = 256
PATH_MAX_CHARS = 256
HEADER_VALUE_MAX_CHARS = 4096
LIST_MAX_ITEMS = 50

# The Pulumi CLI hands a program and a policy pack the stack's whole config in one environment
# variable, PULUMI_CONFIG (pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go
# constructEnv, and the language host alike). Linux refuses to start a process with one
# environment string longer than MAX_ARG_STRLEN: 32 pages, 131,072 bytes with 4 KiB pages
# (include/uapi/linux/binfmts.h), the "Argument list too long" a large config meets.
MAX_ENV_STRING_BYTES = 131072

# S3 general-purpose bucket names: 3 to 63 characters of lower-case letters, digits, '.' and
# '-', starting and ending with a letter or digit, no two adjacent '.', not an IP address, and
# none of AWS's reserved prefixes and suffixes.
# Source: docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
S3_BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
S3_BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# AWS, docs.aws.amazon.com: region codes (global-infrastructure/latest/regions/aws-regions.html); a KMS key id, UUID or mrk-
# and 32 hex (kms/latest/developerguide/concepts.html); lifecycle days > 0 (AmazonS3/latest/API/API_NoncurrentVersionExpiration
# .html, our cap); a role's inline policies <= 10,240 chars sans whitespace (IAM/latest/UserGuide/reference_iam-quotas.html).
AWS_REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$"
KMS_KEY_ID_PATTERN = r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$"
S3_LIFECYCLE_DAYS_MAX = 3650
IAM_INLINE_POLICY_MAX_CHARS = 10240

# ---- traffic: firewall rate limits, project routes, edge caching --------------------------------

# The rate-limit follow-up action (FirewallConfig rules[].action.rate_limit.action) that answers
# 429 Too Many Requests. Source: terraform-provider-vercel vercel/resource_firewall_config.go (OneOf
# bypass, log, challenge, deny, rate_limit); vercel.com/docs/vercel-firewall/vercel-waf/rate-limiting ("you can leave the Default (429) action or choose between Log, Deny and
# Challenge": the API's one value left, rate_limit, is the dashboard's Default (429)), and Vercel's
# own rule template vercel/firewall-templates api-rate-limit/rule.json (rateLimit.action
# "rate_limit"). The status code itself can only be confirmed against the live WAF.
RATE_LIMIT_429_ACTION = "rate_limit"

# ProjectRoute.src_syntax values. Source: terraform-provider-vercel vercel/resource_project_route.go
# (OneOf equals, path-to-regexp, regex); vercel.com/docs/routing/project-routing-rules (exact match,
# path pattern, regex). A lookahead in src needs "regex".
ROUTE_SRC_SYNTAXES = ("equals", "path-to-regexp", "regex")
# ProjectRoute route.has / route.missing condition types.
# Source: pulumiverse_vercel 5.21.1 ProjectRouteRouteHaArgs docstring (host, header, cookie, query).
ROUTE_CONDITION_TYPES = ("host", "header", "cookie", "query")
# How a `has` host value is compared is settled for deployment routes (vercel/vercel
# packages/routing-utils/src/schemas.ts hasSchema: "A regular expression used to match the
# value") but not for project-level routing rules, whose dashboard offers Equals, Contains and
# Matches regex. The program writes host values that mean the same under each reading (a custom
# domain spelled out, in `missing`); the pack checks its routes under all three readings.
HOST_VALUE_READINGS = ("exact", "regex", "regex-search")

# Cache-Control of Next.js's content-hashed build output under /_next/static (the strategy's "Edge
# Caching": static assets immutable for a year); safe only where a file's name changes with its
# content, so robots.txt, sitemap.xml and public files do not get it.
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
# The strategy's shared edge cache for pages ("SSR pages: s-maxage=60"), for the pages a stack lists
# in publicCachePaths only.
PUBLIC_PAGE_CACHE_CONTROL = "s-maxage=60, stale-while-revalidate"
# Every other page, API route and admin route.
PRIVATE_CACHE_CONTROL = "private, no-store"
# Response headers through which Vercel's CDN caches a response, highest priority first.
# Source: vercel.com/guides/set-cache-control-headers ("Vercel-CDN-Cache-Control,
# CDN-Cache-Control, Cache-Control"); vercel.com/docs/caching/cache-control-headers (s-maxage is
# the CDN's; the default, public, max-age=0, must-revalidate, caches nowhere). A function's own
# Cache-Control overrides the one a route sets (vercel.com/docs/edge-network/caching: "if you
# return Cache-Control headers in a Vercel Function, it will override the headers defined for the
# same route"); that project-level routing rules behave alike is unverified.
CDN_CACHE_HEADERS = ("cache-control", "cdn-cache-control", "vercel-cdn-cache-control")

# Upstash Redis `budget` (USD per month): at the budget the database is throttled until the next
# month. Source: upstash_pulumi 0.5.0 RedisDatabase docstring ("Budget for the database (default $20)
# ... If the budget is reached, the database will be throttled until the next month").
UPSTASH_DEFAULT_BUDGET_USD = 20

# ---- releases, resilience, alerts, cost (issue: the strategy's success metrics as code) ------------

# ProjectRollingRelease: advancement types, and stages: 2 to 10, percentages 0-100 ending at 100,
# `duration` (minutes) on every non-final stage when automatic and on none when manual.
# Source: pulumiverse_vercel 5.21.1 ProjectRollingReleaseArgs docstring ("Two to ten stages ...
# end with target_percentage = 100"); terraform-provider-vercel vercel/resource_project_rolling_release.go
# (OneOf automatic, manual-approval; durationValidator; terminalStageValidator).
ROLLOUT_ADVANCEMENTS = ("automatic", "manual-approval")
ROLLOUT_STAGES_MIN, ROLLOUT_STAGES_MAX = 2, 10
# ProjectDeploymentCheck values. Source: pulumiverse_vercel 5.21.1 ProjectDeploymentCheckArgs and
# ProjectDeploymentCheckSourceArgs docstrings: requires build-ready | deployment-url | none; blocks
# deployment-alias (the API default) | none; targets production (the API default) | preview | all;
# a git-provider source with provider github names the GitHub check, and is never rerequestable.
DEPLOYMENT_CHECK_REQUIRES = ("build-ready", "deployment-url", "none")
DEPLOYMENT_CHECK_BLOCKS_ALIAS = "deployment-alias"
# Project.skew_protection values. Source: terraform-provider-vercel vercel/resource_project.go
# (OneOf "30 minutes", "4 hours", "12 hours", "1 day", "7 days"); the provider's rolling-release
# example pairs rolling releases with "12 hours" (docs/resources/project_rolling_release.md), as
# vercel.com/docs/rolling-releases recommends Skew Protection with Rolling Releases.
SKEW_PROTECTION_VALUES = ("30 minutes", "4 hours", "12 hours", "1 day", "7 days")
# Project.build_machine_type values. Source: pulumiverse_vercel 5.21.1 ProjectArgs docstring
# ("basic", "standard", "enhanced", "turbo" or "elastic").
BUILD_MACHINE_TYPES = ("basic", "standard", "enhanced", "turbo", "elastic")

# Built-in AlertRule (Alerts v3): trigger types, the error trigger's filter, severities and scopes.
# Source: pulumiverse_vercel 5.21.1 AlertRule and AlertRuleArgs docstrings ("error_anomaly: filter
# required, statusGroup 4xx or 5xx, optional route"; usage_anomaly metrics fluid_cpu_duration,
# fluid_duration, fast_data_transfer, edge_requests, function_invocations; match_minimum_severity_level
# low | medium | high; rule_scope all | include | exclude). No built-in trigger measures latency,
# uptime or cold starts.
ALERT_ERROR_FILTER = "statusGroup:5xx"
ALERT_SEVERITIES = ("low", "medium", "high")
# CustomAlertRule: a threshold on a metric, per project; needs Observability Plus on the project and
# custom alerts enabled for the team. Source: pulumiverse_vercel 5.21.1 CustomAlertRule docstrings
# (windows 5m | 15m | 1h | 1d; trigger threshold | anomaly). The latency metric and its p95
# aggregation: vercel/vercel packages/cli metrics tests and examples
# (vercel.function_invocation.request_duration_ms, aggregations avg and p95, milliseconds); the API
# validates metric names and aggregations, so the pair is confirmed only by a live `pulumi up`.
ALERT_WINDOWS = ("5m", "15m", "1h", "1d")
# "Above the threshold": the provider's example uses operator gt, and its docstring names gt and
# gte (CustomAlertRuleTriggerMinimumArgs: "ratio thresholds using gt or gte").
ALERT_ABOVE_OPERATORS = ("gt", "gte")
LATENCY_METRIC = "vercel.function_invocation.request_duration_ms"
LATENCY_AGGREGATION = "p95"
# The event an account webhook must subscribe to for alert notifications.
# Source: pulumiverse_vercel 5.21.1 AlertRuleWebhookNotificationArgs docstring.
ALERTS_WEBHOOK_EVENT = "alerts.triggered"

# The strategy's monthly cost ceilings in USD, for all tiers together ("Vercel under $200, Supabase
# under $100, Redis under $50"). Which platform enforces what: Upstash throttles a database at its
# `budget` (set here); Vercel's Spend Management is one amount per team, set in the dashboard (the
# provider has no field for it); Supabase's spend cap is an organization-wide on/off switch, not an
# amount. The Vercel and Supabase figures per tier are declared, not enforced.
SEED_MONTHLY_CEILINGS_USD = {"vercel": 200, "supabase": 100, "upstash": 50}

# Supabase Postgres connection strings, and what each reaches from GitHub-hosted runners, which
# are IPv4-only: the direct host is IPv6 unless the project has the IPv4 add-on; the shared
# pooler (Supavisor) is IPv4, its user postgres.<ref>; session mode is port 5432, transaction
# mode 6543 (for short-lived serverless clients). `supabase db push --db-url` takes either 5432 form.
# Sources: supabase.com/docs/guides/database/connecting-to-postgres (modes, hosts, ports, IP
# versions) and supabase.com/docs/guides/troubleshooting/supabase--your-network-ipv4-and-ipv6-
# compatibility-cHe3BP ("GitHub Actions" among the IPv4-only services).
SUPABASE_DIRECT_HOST = "db.{ref}.supabase.co"
SUPABASE_POOLER_HOST_SUFFIX = ".pooler.supabase.com"
SUPABASE_POOLER_USER = "postgres.{ref}"
SUPABASE_SESSION_PORT = 5432
POSTGRES_URL_SCHEMES = ("postgresql", "postgres")

# ---- names the platforms constrain (docs/names.md), and provider config keys ------------------

# A Vercel project's name (the length, 1 to 52, is facts.VERCEL_PROJECT_NAME_MAX):
# - lower-case letters, digits and '-' only: terraform-provider-vercel vercel/resource_project.go
#   ("name": RegexMatches ^[a-z0-9\-]{0,100}$), commit c8a6711c565f; the API itself also takes
#   '.' and '_', which the provider refuses;
# - never the sequence '---': Vercel REST API, POST /v11/projects (vercel.com/docs/rest-api/
#   projects/create-a-new-project, `name`), whose 400 answer reads "Project names can be up to
#   100 characters long and must be lowercase. They can include letters, digits, and the
#   following characters: '.', '_', '-'. However, they cannot contain the sequence '---'."
#   The provider's regex lets '---' through, so only a live create would refuse it.
VERCEL_PROJECT_NAME_PATTERN = r"^[a-z0-9-]+$"
VERCEL_PROJECT_NAME_FORBIDDEN = "---"
# A project route's name: 1 to 256 characters.
# Source: terraform-provider-vercel vercel/resource_project_route.go ("name": LengthBetween(1, 256)).
VERCEL_ROUTE_NAME_MAX = 256

# GitHub Actions secret and configuration variable names: letters, digits and '_', not starting
# with a digit, and not starting with GITHUB_ (in any case: names are case-insensitive, and
# GitHub stores them upper-cased).
# Sources: docs.github.com/en/actions/reference/security/secrets ("Naming your secrets": "Can only
# contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_) ... Must not start with
# the GITHUB_ prefix. Must not start with a number. Are case insensitive when referenced. GitHub
# stores secret names as uppercase regardless of how they are entered."), and
# docs.github.com/en/actions/reference/workflows-and-actions/variables ("Naming conventions for
# configuration variables": the same rules).
GITHUB_ACTIONS_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
GITHUB_ACTIONS_RESERVED_PREFIX = "GITHUB_"
# A GitHub environment's name: at most 255 characters, case-insensitive, unique in the repository.
# Source: docs.github.com/en/actions/how-tos/deploy/configure-and-manage-deployments/manage-
# environments ("Creating an environment": "Environment names are not case sensitive. An
# environment name may not exceed 255 characters and must be unique within the repository.").
GITHUB_ENVIRONMENT_NAME_MAX = 255

# Providers built with the Terraform bridge, whose CheckConfig refuses a config key in their
# namespace that their schema lacks (tools/provider_config.py; the keys come from each installed
# SDK). Package name -> where the bridge is used.
BRIDGED_PROVIDERS = {
    "vercel": "pulumiverse/pulumi-vercel provider/resources.go: pfbridge.ShimProvider(vercel.New()) (Plugin Framework)",
    "github": "pulumi/pulumi-github provider/resources.go: shimv2.NewProvider(github.Provider()) (SDKv2)",
    "upstash": "upstash/pulumi-upstash provider/resources.go: shimv2.NewProvider(upstash.Provider()) (SDKv2)",
    "aws": "pulumi/pulumi-aws provider/resources.go: the Terraform AWS provider, SDKv2 and Plugin Framework muxed",
}

# Resource ids that carry a secret. The engine cannot mark an id secret: the state holds it in
# plaintext and `--diff` prints it (`[id=...]`) for every resource it updates, replaces or deletes.
# A ProjectProtectionBypass's id is "<project id>/<its 32-character secret>".
# Source: terraform-provider-vercel vercel/resource_project_protection_bypass.go (convertBypass:
# ID: fmt.Sprintf("%s/%s", projectID, secret); secret "32-character alphanumeric").
SECRET_BEARING_IDS = (r"(prj_[A-Za-z0-9]+)/[A-Za-z0-9]{32}(?![A-Za-z0-9])",)

# Prices and sizes the cost model reads (vital/costs.py): their own page of this table, each with its
# source and the date read, re-exported here so every reader asks `facts` (vital/pricing.py).
from .pricing import *  # noqa: E402, F403
