"""The typed config's side of the contract: the keys a stack file may set, the field each fills,
the defaults a stack that leaves a key out gets, the tier's defaults, the derived values the
program reads, and the values just inside every boundary (accepted, where the line beside them
in tests/program/test_config_contract.py is refused).

In-process and fast: `make mutate` runs it right after the contract file for program/config.py
and program/checks.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from pydantic_core import PydanticCustomError

from program import checks, delivery_checks
from vital import refusal
from program.config import AppConfig, StackConfig
from tests.program.config_support import DELETE, accepted, canary, data, db_url, line, long_domain, refused
from vital.names import vercel_project_name

PRJ = "prj_Ab12cd"
TODAY = date.today().isoformat()

# Every key a stack file may set (program.load lists them in its unknown-key line), and its field.
KEYS = {
    "adminAllowlist": "admin_allowlist", "adminPaths": "admin_paths", "adopt": "adopt",
    "alertSlackChannelId": "alert_slack_channel_id", "alertWebhookUrl": "alert_webhook_url", "apps": "apps",
    "buildCommand": "build_command", "buildMachineType": "build_machine_type",
    "corsAllowedOrigins": "cors_allowed_origins", "cspReportOnly": "csp_report_only", "cspReportUri": "csp_report_uri",
    "deployFrom": "deploy_from", "dnsOnVercel": "dns_on_vercel", "dnsZone": "dns_zone", "domains": "domains",
    "env": "env", "environmentSecrets": "environment_secrets", "errorAlert": "error_alert",
    "functionFailover": "function_failover", "functionTimeout": "function_timeout", "github:owner": "github_owner",
    "githubPlan": "github_plan", "githubRepo": "github_repo", "githubRepoVisibility": "github_repo_visibility",
    "headers": "headers", "installCommand": "install_command", "latencyAlertP95Ms": "latency_alert_p95_ms",
    "nodeVersion": "node_version", "noindex": "noindex", "outputDirectory": "output_directory",
    "previewDeploymentSuffix": "preview_deployment_suffix", "previewExpiration": "preview_expiration",
    "prioritiseProductionBuilds": "prioritise_production_builds", "productionBranch": "production_branch",
    "protectionPassword": "protection_password", "publicCachePaths": "public_cache_paths",
    "rateLimitPeriod": "rate_limit_period", "rateLimitRequests": "rate_limit_requests",
    "rateLimitScope": "rate_limit_scope", "region": "region", "requiredChecks": "required_checks",
    "requiredReviewers": "required_reviewers", "rolloutAdvancement": "rollout_advancement",
    "rolloutStages": "rollout_stages", "secretEnv": "secret_env", "secretRotation": "secret_rotation",
    "securityHeaders": "security_headers", "shareLinks": "share_links",
    "supabaseCompute": "supabase_compute", "vercelSeats": "vercel_seats", "vercelTeamSlug": "vercel_team_slug",
    "skewProtection": "skew_protection", "stack": "stack",
    "supabaseAllowedCidrs": "supabase_allowed_cidrs", "supabaseAnonKey": "supabase_anon_key",
    "supabaseBackups": "supabase_backups", "supabaseBudget": "supabase_budget", "supabaseDbUrl": "supabase_db_url",
    "supabasePoolSize": "supabase_pool_size", "supabaseProjectRef": "supabase_project_ref", "tier": "tier",
    "trustedIps": "trusted_ips", "upstashBudget": "upstash_budget", "upstashPrimaryRegion": "upstash_primary_region",
    "vercel:team": "vercel_team", "vercelAddons": "vercel_addons", "vercelAuthentication": "vercel_authentication",
    "vercelBudget": "vercel_budget", "vercelDeployToken": "vercel_deploy_token", "vercelPlan": "vercel_plan",
}


def test_every_key_and_its_field():
    assert {(f.alias or name): name for name, f in StackConfig.model_fields.items()} == KEYS


# (key, a value unlike its default, what the field holds): the key reaches its field.
ROUND_TRIP = [
    ("protectionPassword", canary("pw"), canary("pw")), ("vercelPlan", "enterprise", "enterprise"),
    ("githubRepo", "vital-app", "vital-app"), ("deployFrom", "github-actions", "github-actions"),
    ("cspReportUri", "https://r.example.com/csp", "https://r.example.com/csp"), ("region", "fra1", "fra1"),
    ("buildCommand", "make build", "make build"), ("installCommand", "npm ci", "npm ci"),
    ("outputDirectory", "out", "out"), ("previewExpiration", "1w", "1w"), ("adminPaths", ["/staff"], ("/staff",)),
    ("requiredChecks", ["lint"], ("lint",)), ("githubPlan", "enterprise", "enterprise"),
    ("upstashPrimaryRegion", "eu-west-1", "eu-west-1"), ("rolloutAdvancement", "manual-approval", "manual-approval"),
    ("prioritiseProductionBuilds", False, False), ("vercelTeamSlug", "acme-co", "acme-co"), ("vercelSeats", 0, 0),
    ("rateLimitPeriod", 600, 600), ("rateLimitScope", ["api", "pages"], ("api", "pages")),
    ("supabasePoolSize", 1, 1), ("supabasePoolSize", 36, 36), ("supabaseCompute", "medium", "medium"), ("upstashBudget", 1, 1),
    ("vercelBudget", 1, 1), ("supabaseBudget", 1, 1), ("latencyAlertP95Ms", 1, 1), ("alertSlackChannelId", "C0123456789", "C0123456789"),
    ("supabaseAnonKey", "sb_publishable_" + "a" * 20, "sb_publishable_" + "a" * 20),
    ("environmentSecrets", ["OPENAI_API_KEY"], ("OPENAI_API_KEY",)), ("supabaseAllowedCidrs", ["203.0.113.0/24"], ("203.0.113.0/24",)),
]


@pytest.mark.parametrize("key, value, held", ROUND_TRIP, ids=[f"{k}={v}" for k, v, _ in ROUND_TRIP])
def test_a_key_fills_its_field(key, value, held):
    changes = {key: value, **({"rolloutStages": []} if key == "rolloutAdvancement" else {}),
               **({"vercelPlan": "enterprise"} if key == "protectionPassword" else {}),
               **({"requiredReviewers": [1]} if key == "githubPlan" else {}),
               **({"rolloutStages": [], "skewProtection": None, "functionTimeout": 30} if key == "vercelPlan" else {})}
    got = getattr(accepted("production", changes), KEYS[key])
    assert (got.get_secret_value() if hasattr(got, "get_secret_value") else got) == held


def test_a_stack_that_leaves_keys_out_gets_the_defaults():
    c = accepted("production", {key: DELETE for key in (
        "vercelPlan", "githubRepo", "deployFrom", "dnsOnVercel", "dnsZone", "domains", "env",
        "supabaseAnonKey", "secretRotation", "vercelAddons", "latencyAlertP95Ms")} | {"latencyAlertP95Ms": None})
    assert (c.vercel_plan, c.github_repo, c.deploy_from) == ("pro", "vital-expert", "vercel-git")
    assert (c.dns_on_vercel, c.dns_zone, c.preview_deployment_suffix, c.csp_report_uri) == (False, None, None, None)
    assert (c.protection_password, c.supabase_anon_key, c.alert_slack_channel_id, c.alert_webhook_url) == (None,) * 4
    assert c.apps == (AppConfig(name="vital-expert"),) and c.apps[0].root_directory is None
    assert (c.apps[0].domains, c.apps[0].env, c.domains, c.env, c.secret_rotation) == ((), {}, (), {}, {})
    assert (c.adopt.apps, c.adopt.github_environment, c.adopt.branch) == ({}, False, False)
    assert (c.vercel_addons, c.trusted_ips, c.share_links, c.public_cache_paths) == ((), (), (), ())
    assert (c.rate_limit_period, c.region, c.build_command, c.install_command, c.output_directory) == (
        900, "iad1", "pnpm build", "pnpm install --frozen-lockfile", ".next")
    assert (c.preview_expiration, c.admin_paths, c.required_checks) == ("1m", ("/admin", "/api/admin"), ("type-check", "test"))
    assert (c.github_repo_visibility, c.upstash_primary_region) == ("private", "us-east-1")
    assert accepted("production", {"githubPlan": DELETE, "requiredReviewers": [1]}).github_plan == "enterprise"
    assert (c.rollout_advancement, c.prioritise_production_builds) == ("automatic", True)
    assert (c.vercel_team_slug, c.vercel_seats, c.supabase_compute) == (None, 2, "small")
    assert vercel_project_name(c.apps[0].name, c.tier_defaults.project_suffix) == "vital-expert-production"


# Pre-production on a plan that cannot protect its custom domain: debug and the mock API off there.
PUBLIC_DEV = {"vercelAuthentication": "standard_protection_new",
              "env": {"NEXT_PUBLIC_ENABLE_DEBUG": "false", "NEXT_PUBLIC_ENABLE_MOCK_API": "false"}}


TIER_VALUES = {  # the tier table's defaults each stack gets for the keys it leaves out
    "production": dict(function_timeout=30, rate_limit_requests=100, noindex=False, security_headers=True,
                       vercel_authentication="standard_protection_new", supabase_pool_size=36, upstash_budget=35,
                       supabase_compute="small", supabase_backups="daily", vercel_seats=2,
                       production_branch="main", skew_protection="12 hours", latency_alert_p95_ms=500),
    "pre-production": dict(function_timeout=60, rate_limit_requests=500, noindex=True, security_headers=False,
                           supabase_pool_size=24, upstash_budget=10, production_branch="pre-production",
                           vercel_authentication="all_deployments", supabase_compute="micro", vercel_seats=0,
                           skew_protection=None, rollout_stages=()),
    "preview": dict(function_timeout=45, rate_limit_requests=1000, noindex=True, supabase_pool_size=24,
                    upstash_budget=5, supabase_compute="micro", production_branch="preview-deployment", cors_allowed_origins=("*",)),
}


@pytest.mark.parametrize("stack", TIER_VALUES)
def test_each_tier_fills_its_defaults(stack):
    c = accepted(stack)
    assert {name: getattr(c, name) for name in TIER_VALUES[stack]} == TIER_VALUES[stack]
    assert c.tier_defaults.name == stack


def test_a_key_the_stack_sets_wins_over_the_tier():
    assert accepted("production", {"functionTimeout": 10}).function_timeout == 10
    assert accepted("production", {"rolloutStages": []}).rollout_stages == ()
    # A field named by its Python name (as code that builds a config does) wins too.
    by_name = {k: v for k, v in data("production").items() if k != "functionTimeout"} | {"function_timeout": 12}
    assert StackConfig.model_validate(by_name).function_timeout == 12


def test_data_that_is_no_mapping_or_names_no_tier_reaches_the_field_checks():
    assert refused("production", {"tier": "staging"}).endswith(
        "found 'staging'; allowed: input should be 'production', 'pre-production' or 'preview'")
    with pytest.raises(Exception, match="valid dictionary or instance of StackConfig"):
        StackConfig.model_validate(["production"])


def test_empty_text_means_none():
    c = accepted("production", {"alertSlackChannelId": "", "cspReportUri": "", "dnsZone": "", "dnsOnVercel": False,
                                "domains": ["app.vitalexpert.com"]})
    assert (c.alert_slack_channel_id, c.csp_report_uri, c.dns_zone) == (None, None, None)
    assert accepted("preview", {"previewDeploymentSuffix": ""}).preview_deployment_suffix is None
    assert accepted("preview").preview_deployment_suffix == "preview.vitalexpert.com"


def test_rotation_dates():
    c = accepted("production", {"secretRotation": {"vercelDeployToken": TODAY, "OPENAI_API_KEY": date(2026, 1, 2)}})
    assert c.secret_rotation == {"vercelDeployToken": date.today(), "OPENAI_API_KEY": date(2026, 1, 2)}


def test_derived_values():
    c = accepted("production", {"env": {"LOG_LEVEL": "warn", "EXTRA": "1"}, "corsAllowedOrigins": [
        "https://a.example.com", "https://b.example.com"], "apps": [
        {"name": "web", "env": {"EXTRA": "2"}}, {"name": "pharma", "domains": ["pharma.vitalexpert.com"]}, {"name": "labs"}]})
    assert c.app_env(c.apps[0]) == {
        "NEXT_PUBLIC_ENV": "production", "NEXT_PUBLIC_ENABLE_DEBUG": "false", "NEXT_PUBLIC_ENABLE_MOCK_API": "false",
        "LOG_LEVEL": "warn", "LANGFUSE_TRACING_ENABLED": "true", "SENTRY_ENABLED": "true", "EXTRA": "2",
        "CORS_ALLOWED_ORIGINS": "https://a.example.com,https://b.example.com"}
    assert c.app_env(c.apps[2])["EXTRA"] == "1"
    assert [c.app_domains(i) for i in range(3)] == [("app.vitalexpert.com",), ("pharma.vitalexpert.com",), ()]
    assert (c.max_function_timeout, c.limits.max_function_duration_s, c.tier_defaults.name) == (30, 800, "production")
    assert accepted("pre-production", {"vercelPlan": "hobby", **PUBLIC_DEV}).max_function_timeout == 60
    assert c.github_feature("environments") and not c.github_feature("required_reviewers")


@pytest.mark.parametrize("plan, addons, allowed", [
    ("pro", (), {"vercel_authentication_all_deployments", "rolling_releases", "skew_protection"}),
    ("pro", ("password_protection", "observability_plus"), {
        "vercel_authentication_all_deployments", "rolling_releases", "skew_protection", "password_protection",
        "observability_plus"}),
    ("hobby", ("password_protection",), set()),
    ("enterprise", (), {"vercel_authentication_all_deployments", "rolling_releases", "skew_protection",
                        "password_protection", "trusted_ips", "preview_deployment_suffix"}),
])
def test_which_plan_and_add_ons_allow_which_feature(plan, addons, allowed):
    c = accepted("preview", {"vercelPlan": plan, "vercelAddons": list(addons), "previewDeploymentSuffix": DELETE})
    features = ("vercel_authentication_all_deployments", "password_protection", "trusted_ips",
                "preview_deployment_suffix", "rolling_releases", "skew_protection", "observability_plus")
    assert {f for f in features if c.feature_allowed(f)} == allowed


def test_the_secrets_a_stack_holds():
    base = ["supabaseDbUrl", "OPENAI_API_KEY", "SUPABASE_SERVICE_ROLE_KEY", "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY",
            "vercelDeployToken"]
    assert accepted("production").secret_names() == base
    both = accepted("production", {"vercelPlan": "enterprise", "protectionPassword": canary("pw"),
                                   "alertWebhookUrl": f"https://{canary('hook')}.example.com/x"})
    assert both.secret_names() == [*base, "protectionPassword", "alertWebhookUrl"]
    hook = accepted("production", {"alertWebhookUrl": "https://hooks.example.com/x"})
    assert hook.secret_names() == [*base, "alertWebhookUrl"]


# Just inside every boundary and beside every refusal: accepted.
ACCEPTED = {
    "functionTimeout 1": ("production", {"functionTimeout": 1}),
    "functionTimeout at production's 30": ("production", {"functionTimeout": 30}),
    "functionTimeout at pre-production's 60": ("pre-production", {"functionTimeout": 60}),
    "functionTimeout at preview's 45": ("preview", {"functionTimeout": 45}),
    "a window at the plan's minimum": ("production", {"rateLimitPeriod": 10}),
    "1 request per 10 minutes": ("production", {"rateLimitRequests": 1, "rateLimitPeriod": 600}),
    "2 requests per 15 minutes": ("production", {"rateLimitRequests": 2}),
    "a billion requests": ("production", {"rateLimitRequests": 10**9}),
    "144 requests a day": ("production", {"rateLimitRequests": 144, "rateLimitPeriod": 86400}),
    "standard protection on hobby": ("pre-production", {"vercelPlan": "hobby", **PUBLIC_DEV}),
    "all deployments protected on pro": ("production", {"vercelAuthentication": "all_deployments"}),
    "password protection with the add-on": ("production", {"protectionPassword": canary("pw"),
                                                           "vercelAddons": ["observability_plus", "password_protection"]}),
    "trusted IPs on enterprise": ("production", {"trustedIps": ["203.0.113.0/24"], "vercelPlan": "enterprise"}),
    "a preview suffix on enterprise": ("preview", {"vercelAddons": [], "vercelPlan": "enterprise"}),
    "no dns on vercel and no zone": ("production", {"dnsOnVercel": False, "dnsZone": DELETE}),
    "an app's own env key, not secret": ("production", {"apps": [{"name": "web", "env": {"APP_ONLY": "1"}}]}),
    "NODE_ENV production": ("production", {"env": {"NODE_ENV": "production"}}),
    "adopting every kind of key and a domain": ("production", {"adopt": {"apps": {"vital-expert": {
        "projectId": PRJ, "domains": ["app.vitalexpert.com"], "envVarIds": {
            "LOG_LEVEL": "e1", "LANGFUSE_HOST": "e2", "OPENAI_API_KEY": "e3", "CORS_ALLOWED_ORIGINS": "e4"}}}}}),
    "adopting a second app": ("production", {
        "apps": [{"name": "web"}, {"name": "pharma", "domains": ["pharma.vitalexpert.com"], "env": {"P_ONLY": "1"}}],
        "adopt": {"apps": {"pharma": {"projectId": PRJ, "domains": ["pharma.vitalexpert.com"], "envVarIds": {"P_ONLY": "e"}}}}}),
    "adopting pre-production's branch": ("pre-production", {"adopt": {"branch": True}}),
    "rotated today": ("production", {"secretRotation": {"vercelDeployToken": TODAY}}),
    "rotation of a password the stack holds": ("production", {"secretRotation": {"protectionPassword": TODAY},
                                                              "protectionPassword": canary("pw"), "vercelPlan": "enterprise"}),
    "rotation of a webhook the stack holds": ("production", {"secretRotation": {"alertWebhookUrl": TODAY},
                                                             "alertWebhookUrl": "https://hooks.example.com/x"}),
    "pages rate limited too": ("production", {"rateLimitScope": ["api", "pages"]}),
    "public cache paths": ("production", {"publicCachePaths": ["/pricing", "/blog/*"]}),
    "a header that is no cache header": ("production", {"headers": {"X-A": "1"}}),
    "no cache budget on preview": ("preview", {}),
    "ten stages": ("production", {"rolloutStages": [*({"percent": p, "minutes": 1} for p in range(10, 100, 10)),
                                                    {"percent": 100}]}),
    "a first stage of 0 percent for 1 minute": ("production", {"rolloutStages": [{"percent": 0, "minutes": 1},
                                                                                 {"percent": 100}]}),
    "minutes on the last stage too, automatic": ("production", {"rolloutStages": [{"percent": 10, "minutes": 5},
                                                                                  {"percent": 100, "minutes": 5}]}),
    "manual approval without minutes": ("production", {"rolloutAdvancement": "manual-approval", "rolloutStages": [
        {"percent": 10}, {"percent": 100}]}),
    "no required checks outside production": ("pre-production", {"requiredChecks": []}),
    "a slack channel id": ("production", {"alertSlackChannelId": "C0123456789"}),
    "a webhook over https": ("production", {"alertWebhookUrl": "https://hooks.example.com/x"}),
    "a webhook synth cannot read": ("production", {"alertWebhookUrl": "secret-placeholder"}),
    "an internal repository on enterprise": ("preview", {"githubRepoVisibility": "internal", "githubPlan": "enterprise"}),
    "a public repository on free": ("preview", {"githubPlan": "free", "githubRepoVisibility": "public"}),
    "reviewers on enterprise": ("production", {"githubPlan": DELETE, "requiredReviewers": [1]}),
    "six reviewers on a public repository": ("production", {"githubRepoVisibility": "public",
                                                            "requiredReviewers": [1, 2, 3, 4, 5, 6]}),
    "share links to a branch and under the suffix": ("preview", {"shareLinks": [
        {"alias": "vital-expert-preview-git-x-team.vercel.app"}, {"alias": "pr-1.preview.vitalexpert.com"}]}),
    "one share link on hobby": ("preview", {"vercelPlan": "hobby", "previewDeploymentSuffix": DELETE, "shareLinks": [
        {"alias": "vital-expert-preview-git-a-t.vercel.app"}]}),
    "the direct database host": ("production", {"supabaseDbUrl": f"postgresql://postgres:{canary('db')}@db."
                                                                 f"vitalprodxxxxxxxxxxx.supabase.co:5432/postgres"}),
    "a database url synth cannot read": ("production", {"supabaseDbUrl": "secret-not-set-yet"}),
    "a publishable anon key": ("production", {"supabaseAnonKey": "sb_publishable_" + "a" * 20}),
    "an app with its own folder": ("production", {"apps": [{"name": "web", "rootDirectory": "apps/web"}]}),
    "point-in-time recovery on small compute": ("production", {"supabaseBackups": "daily+pitr", "supabaseCompute": "small"}),
    "an internal tier with its flags off": ("pre-production", {"vercelAuthentication": "standard_protection", "env": {
        "NEXT_PUBLIC_ENABLE_DEBUG": "false", "NEXT_PUBLIC_ENABLE_MOCK_API": "false"}}),
    "an internal tier behind a password": ("pre-production", {"vercelAuthentication": "standard_protection",
                                                              "protectionPassword": canary("pw"), "vercelPlan": "enterprise"}),
    "an internal tier without a custom domain": ("pre-production", {"vercelAuthentication": "standard_protection",
                                                                    "domains": []}),
    "debug on in a tier that is not internal": ("production", {"vercelAuthentication": "standard_protection",
                                                               "env": {"NEXT_PUBLIC_ENABLE_DEBUG": "true"}}),
    # Names the platforms constrain, just inside each rule (program/name_checks.py).
    "a project name with '--'": ("production", {"apps": [{"name": "a--b"}]}),
    "the longest app name": ("production", {"apps": [{"name": "a" * 40}]}),
    "a domain whose route's name is 256 characters": ("production", {"domains": [long_domain(241)]}),
    "a long domain where no route is named after it": ("pre-production", {"domains": [long_domain(253)]}),
    "a GitHub secret with GITHUB inside": ("production", {"secretEnv": {**{k: canary(k) for k in (
        "OPENAI_API_KEY", "SUPABASE_SERVICE_ROLE_KEY", "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY")},
        "MY_GITHUB_PAT": canary("pat"), "_PRIVATE": canary("p")}, "environmentSecrets": ["MY_GITHUB_PAT", "_PRIVATE"]}),
    "a secretEnv key copied once": ("production", {"environmentSecrets": ["OPENAI_API_KEY"]}),
}


@pytest.mark.parametrize("case", ACCEPTED)
def test_each_value_beside_a_refusal_is_accepted(case):
    stack, changes = ACCEPTED[case]
    accepted(stack, changes)


def test_checks_behind_the_field_types_still_say_what_is_allowed():
    """Two checks the field types make unreachable from a stack file, called on a copy that skips
    them: a secretEnv name EnvName lets through, and production's approval fallback."""
    c = accepted("production")
    with pytest.raises(PydanticCustomError) as err:
        checks._check_env(c.model_copy(update={"secret_env": {"1BAD": canary("x")}}))
    assert err.value.type == refusal.CONFIG_RULE_ERROR
    assert err.value.context == {"key": "secretEnv", "found": "1BAD",
                                 "allowed": "allowed: names of letters, digits and '_'"}
    with pytest.raises(PydanticCustomError) as err:
        delivery_checks._check_approval(c.model_copy(update={"required_checks": ()}))
    assert err.value.context == {"key": "requiredReviewers", "found": [], "allowed": (
        "allowed: reviewers, or on plan team, private repository the fallback: a ruleset with an approving review on "
        "main and release gates on requiredChecks")}


def test_round_trip_of_app_and_adoption_fields():
    c = accepted("production", {"apps": [{"name": "web", "rootDirectory": "apps/web", "domains": ["app.vitalexpert.com"],
                                          "env": {"A": "1"}}],
                                "adopt": {"githubEnvironment": True, "apps": {"web": {"projectId": PRJ, "envVarIds": {
                                    "A": "env_1"}}}},
                                "shareLinks": DELETE})
    assert (c.apps[0].root_directory, c.apps[0].domains, c.apps[0].env) == ("apps/web", ("app.vitalexpert.com",), {"A": "1"})
    assert (c.adopt.github_environment, c.adopt.apps["web"].project_id, c.adopt.apps["web"].env_var_ids) == (
        True, PRJ, {"A": "env_1"})
    links = accepted("preview", {"shareLinks": [{"alias": "vital-expert-preview-git-x-t.vercel.app", "expiresInDays": 1,
                                                 "rotation": "2"}, {"alias": "vital-expert-preview-git-y-t.vercel.app"}]})
    assert [(s.expires_in_days, s.rotation) for s in links.share_links] == [(1, "2"), (None, None)]
    assert [s.minutes for s in accepted("production").rollout_stages] == [10, 20, None]


def test_the_one_line_for_a_secret_value_check_quotes_no_secret():
    """Every refusal whose subject is a secret shows [secret]; refused() also checks no canary leaks."""
    assert refused("production", {"secretEnv": {"OPENAI_API_KEY": 5}}) == line(
        "production", "secretEnv.OPENAI_API_KEY", "[secret]", "allowed: a string")
    assert refused("production", {"supabaseDbUrl": db_url("vitalprodxxxxxxxxxxx", "p%zz")}).startswith(
        "stack 'production': config 'vital-expert-infra:supabaseDbUrl': found [secret]; allowed: postgresql://")
