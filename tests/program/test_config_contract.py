"""The contract of bad input: every whole-config check and value check gives its exact one line,
`stack 'S': config 'KEY': found VALUE; allowed: ...`, and the values just inside each boundary
are accepted. No secret's value appears in any line (tests/program/config_support.py sets every
secret to a canary and refused() looks for it).

StackConfig is built in-process (no synth, no render): `make mutate` runs this file first for
program/config.py, program/checks.py and vital/validators.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic_core import PydanticCustomError

from program.config import StackConfig
from tests.program.config_support import DELETE, accepted, canary, data, db_url, line, long_domain, refused

PRJ = "prj_Ab12cd"
PROD_SECRETS = ("OPENAI_API_KEY", "SUPABASE_SERVICE_ROLE_KEY", "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY")
SECRET_ENV = {key: canary(key) for key in PROD_SECRETS}  # production's required secretEnv
TODAY = date.today()

NOT_BOTH = "allowed: a key in env or in secretEnv, not both"
SET_BY_PROGRAM = "allowed: nothing; the program sets it from the tier's Supabase and Upstash resources"
NOT_PLAIN = "allowed: secrets only in secretEnv, set with `pulumi config set --secret --path secretEnv.<KEY>`"
LEAKS = "allowed: no NEXT_PUBLIC_* variable holding a secret; it would ship to browsers"
CASE = ("allowed: env names that differ in more than case ({!r} is set too); each becomes a resource named after the "
        "lower-cased key, and two resources cannot share one URN")
TWICE = ("allowed: each domain once; it is already in {} (a domain belongs to one Vercel project, and one app cannot "
         "attach it twice)")
TIMEOUT = "allowed: 1 to {0} s (tier {1}: {0} s; plan {2}: {3} s)"
TOO_FEW = "allowed: enough requests that the 600 s window the plan allows keeps a limit of at least 1"
NAMESERVERS = "ns1.vercel-dns.com and ns2.vercel-dns.com"
SUFFIX = ("allowed: {}: set dnsOnVercel: true and dnsZone to the zone that holds it (Vercel: the suffix's domain must "
          "be \"Using Vercel's Nameservers\", vercel.com/docs/deployments/preview-deployment-suffix)")
HELD = ("allowed: a secret this stack holds (supabaseDbUrl, OPENAI_API_KEY, SUPABASE_SERVICE_ROLE_KEY, "
        "LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY, vercelDeployToken)")
STAGES = ("allowed: [] (deploy at once), or 2 to 10 stages of rising percent ending at 100, such as [{percent: 10, "
          "minutes: 10}, {percent: 100}]")
MINUTES = ("allowed: minutes on every stage but the last with rolloutAdvancement automatic, and on none with "
           "manual-approval")
REVIEWERS = ("allowed: 1 to 6 GitHub user ids (`gh api users/LOGIN --jq .id`) who approve tier production's "
             "deployments ({}); if the repository is private on Free, Pro or Team, say so with githubPlan and the "
             "ruleset's review and the release gates stand in")
SHARE = ("allowed: a branch URL of this stack's projects (vital-expert-preview-git-<branch>-<team>.vercel.app{}), as "
         "the deployment's Domains list shows it")
DB_URL = ("allowed: postgresql://postgres.vitalprodxxxxxxxxxxx:<password>@aws-0-<region>.pooler.supabase.com:5432/"
          "postgres (the session pooler, which GitHub's IPv4 runners reach), or postgresql://postgres:<password>@db."
          "vitalprodxxxxxxxxxxx.supabase.co:5432/postgres with the IPv4 add-on, for project vitalprodxxxxxxxxxxx, the "
          "password percent-encoded")
ANON = ("allowed: the project's public key only: the anon JWT (role anon) or a publishable key (sb_publishable_...); "
        "a secret or service-role key goes in secretEnv")
PROGRAM_SECRET = ("allowed: each key once, and none of the GitHub secrets the program sets itself (VERCEL_TOKEN, "
                  "VERCEL_ORG_ID, SUPABASE_DB_URL, VERCEL_AUTOMATION_BYPASS_SECRET); GitHub names are case-insensitive")
TEAM_TOKEN_WHY = ("a Vercel token acts on every project of the team, production's included, and pull-request previews "
                  "decrypt the pre-production and preview stacks (docs/credentials.md)")
INTERNAL = ("allowed: all_deployments while {} is true on dev.vitalexpert.com (Standard Protection leaves production "
            "custom domains public); or turn the flags off")
# A JWT of Supabase's `authenticated` role: no credential by its looks, but not the anon key either.
AUTHENTICATED_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjogImF1dGhlbnRpY2F0ZWQifQ.c2ln"
SERVICE_ROLE_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2ln"


def _stages(*percents: int, minutes: int | None = 5) -> list[dict]:
    """Stages of these percents; minutes on each but the last."""
    return [{"percent": p, **({"minutes": minutes} if minutes and i < len(percents) - 1 else {})}
            for i, p in enumerate(percents)]


def _adopt(**app) -> dict:
    return {"apps": {"vital-expert": {"projectId": PRJ, **app}}}


# id: (stack, changes, key, found as shown, allowed)
ERRORS: dict[str, tuple] = {
    # ---- required secrets, apps and env (checks._check_required_secret_env, _check_apps, _check_env) ----
    "a required secretEnv key missing": ("production", {"secretEnv": {k: canary(k) for k in PROD_SECRETS[:3]}},
        "secretEnv.LANGFUSE_SECRET_KEY", "'nothing'", "allowed: the secret, set with `pulumi config set --secret --path "
        "secretEnv.LANGFUSE_SECRET_KEY` (tier production needs OPENAI_API_KEY, SUPABASE_SERVICE_ROLE_KEY, "
        "LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY)"),
    "an app name twice": ("production", {"apps": [{"name": "web"}, {"name": "web"}]}, "apps", "'web'",
                          "allowed: each app name once"),
    "an app's env key also in secretEnv": ("production", {"apps": [{"name": "web"}, {"name": "pharma", "env": {
        "OPENAI_API_KEY": "x"}}]}, "apps[1].env", "'OPENAI_API_KEY'", NOT_BOTH),
    "an env key also in secretEnv": ("production", {"env": {"LOG_LEVEL": "debug"}, "secretEnv": {
        **SECRET_ENV, "LOG_LEVEL": canary("LOG_LEVEL")}}, "env", "'LOG_LEVEL'", NOT_BOTH),
    "a tier default as a secret": ("production", {"secretEnv": {**SECRET_ENV, "LOG_LEVEL": canary("LOG_LEVEL")}},
        "secretEnv", "'LOG_LEVEL'", "allowed: a name tier production does not set in plain text (it sets "
        "LANGFUSE_TRACING_ENABLED, LOG_LEVEL, NEXT_PUBLIC_ENABLE_DEBUG, NEXT_PUBLIC_ENABLE_MOCK_API, NEXT_PUBLIC_ENV, "
        "SENTRY_ENABLED; override one in env)"),
    "the CORS variable as a secret": ("production", {"secretEnv": {**SECRET_ENV,
        "CORS_ALLOWED_ORIGINS": canary("CORS")}}, "secretEnv", "'CORS_ALLOWED_ORIGINS'",
        "allowed: nothing; the program sets it from corsAllowedOrigins"),
    "a NEXT_PUBLIC_* secret": ("production", {"secretEnv": {**SECRET_ENV, "NEXT_PUBLIC_X_KEY": canary("x")}},
        "secretEnv", "'NEXT_PUBLIC_X_KEY'",
        "allowed: no NEXT_PUBLIC_* secret; Next.js inlines NEXT_PUBLIC_* into the browser bundle"),
    **{f"{name} set in env": ("production", {"env": {name: "https://x.example.com"}}, "env", repr(name), SET_BY_PROGRAM)
       for name in ("NEXT_PUBLIC_SUPABASE_URL", "NEXT_PUBLIC_SUPABASE_ANON_KEY", "UPSTASH_REDIS_REST_URL",
                    "UPSTASH_REDIS_REST_TOKEN")},
    "a data-service name in an app's env": ("production", {"apps": [{"name": "web"}, {"name": "pharma", "env": {
        "NEXT_PUBLIC_SUPABASE_URL": "x"}}]}, "apps[1].env", "'NEXT_PUBLIC_SUPABASE_URL'", SET_BY_PROGRAM),
    "a data-service name in secretEnv": ("production", {"secretEnv": {**SECRET_ENV, "UPSTASH_REDIS_REST_TOKEN": "t"}},
        "secretEnv", "'UPSTASH_REDIS_REST_TOKEN'", SET_BY_PROGRAM),
    "a NEXT_PUBLIC_* value that is a secret": ("production", {"env": {"NEXT_PUBLIC_OPENAI": "sk-proj-" + "a1B2c3D4e5" * 4}},
        "env", "'NEXT_PUBLIC_OPENAI'", LEAKS),
    "a NEXT_PUBLIC_* name that says secret, in an app": ("production", {"apps": [{"name": "web", "env": {
        "NEXT_PUBLIC_SERVICE_ROLE_KEY": "x"}}]}, "apps[0].env", "'NEXT_PUBLIC_SERVICE_ROLE_KEY'", LEAKS),
    "a secret in env that one app overrides": ("production", {"env": {"NEXT_PUBLIC_X": "sk-proj-" + "a1B2c3D4e5" * 4},
        "apps": [{"name": "web"}, {"name": "pharma", "env": {"NEXT_PUBLIC_X": "public"}}]}, "env", "'NEXT_PUBLIC_X'", LEAKS),
    "a secret's name in env": ("production", {"env": {"ANTHROPIC_API_KEY": "x"}}, "env", "'ANTHROPIC_API_KEY'", NOT_PLAIN),
    "a secret's value in env": ("production", {"env": {"DB": "postgres://app:pw@db.example.com/x"}}, "env", "'DB'",
                                NOT_PLAIN),
    "NODE_ENV preview": ("production", {"env": {"NODE_ENV": "preview"}}, "env", "'NODE_ENV=preview'",
        "allowed: one of production, development, test (Next.js); tell tiers apart with NEXT_PUBLIC_ENV"),
    # ---- collisions ----
    "a domain twice": ("production", {"domains": ["app.vitalexpert.com", "app.vitalexpert.com"]}, "domains",
                       "'app.vitalexpert.com'", TWICE.format("domains")),
    "a domain twice in the first app": ("production", {"apps": [{"name": "web", "domains": [
        "a.vitalexpert.com", "a.vitalexpert.com"]}]}, "apps[0].domains", "'a.vitalexpert.com'", TWICE.format("apps[0].domains")),
    "one domain on two apps": ("production", {"apps": [{"name": "web"}, {"name": "pharma", "domains": [
        "app.vitalexpert.com"]}]}, "apps[1].domains", "'app.vitalexpert.com'", TWICE.format("domains")),
    "env keys differing only in case": ("production", {"env": {"FOO": "1", "foo": "2"}}, "env", "'foo'", CASE.format("FOO")),
    "an app's env key differing from the tier's in case": ("production", {"apps": [{"name": "web"}, {"name": "pharma", "env": {
        "log_level": "x"}}]}, "apps[1].env", "'log_level'", CASE.format("LOG_LEVEL")),
    "secretEnv keys differing only in case": ("production", {"secretEnv": {**SECRET_ENV, "Openai_Api_Key": "s"}},
        "secretEnv", "'Openai_Api_Key'", CASE.format("OPENAI_API_KEY")),
    "an env key differing from a data-service name in case": ("production", {"env": {"upstash_redis_rest_url": "x"}},
        "env", "'upstash_redis_rest_url'", CASE.format("UPSTASH_REDIS_REST_URL")),
    "an env key differing from the CORS variable in case": ("production", {"env": {"cors_allowed_origins": "x"}},
        "env", "'cors_allowed_origins'", CASE.format("CORS_ALLOWED_ORIGINS")),
    # ---- limits ----
    "functionTimeout 0": ("production", {"functionTimeout": 0}, "functionTimeout", "0",
                          TIMEOUT.format(30, "production", "pro", 800)),
    "functionTimeout above production's 30": ("production", {"functionTimeout": 31}, "functionTimeout", "31",
                                              TIMEOUT.format(30, "production", "pro", 800)),
    "functionTimeout above pre-production's 60": ("pre-production", {"functionTimeout": 61, "vercelPlan": "hobby"},
        "functionTimeout", "61", TIMEOUT.format(60, "pre-production", "hobby", 300)),
    "functionTimeout above preview's 45": ("preview", {"functionTimeout": 46}, "functionTimeout", "46",
                                           TIMEOUT.format(45, "preview", "pro", 800)),
    "a window one below the plan's minimum": ("production", {"rateLimitPeriod": 9}, "rateLimitPeriod", "9",
                                              "allowed: at least 10 s on plan pro"),
    "a window of 1 s": ("production", {"rateLimitPeriod": 1}, "rateLimitPeriod", "1", "allowed: at least 10 s on plan pro"),
    "a window of 0 s": ("production", {"rateLimitPeriod": 0}, "rateLimitPeriod", "0",
                        "allowed: input should be greater than or equal to 1"),
    "a window over a day": ("production", {"rateLimitPeriod": 86401, "rateLimitRequests": 10**6}, "rateLimitPeriod",
                            "86401", "allowed: input should be less than or equal to 86400"),
    "rateLimitRequests 0": ("production", {"rateLimitRequests": 0}, "rateLimitRequests", "0",
                            "allowed: input should be greater than or equal to 1"),
    "rateLimitRequests above a billion": ("production", {"rateLimitRequests": 10**9 + 1}, "rateLimitRequests",
        "1000000001", "allowed: input should be less than or equal to 1000000000"),
    # 1 per 900 s is 0.67 per the plan's longest window (600 s): no limit of at least 1 request.
    "1 request per 15 minutes": ("production", {"rateLimitRequests": 1}, "rateLimitRequests", "1", TOO_FEW),
    "143 requests a day": ("production", {"rateLimitRequests": 143, "rateLimitPeriod": 86400}, "rateLimitRequests",
                           "143", TOO_FEW),
    # ---- protection ----
    "an unknown vercelAuthentication": ("production", {"vercelAuthentication": "everyone"}, "vercelAuthentication",
        "'everyone'", "allowed: one of standard_protection_new, standard_protection, all_deployments, "
                      "only_preview_deployments, none"),
    "all deployments protected on hobby": ("production", {"vercelAuthentication": "all_deployments", "vercelPlan": "hobby"},
        "vercelAuthentication", "'all_deployments'",
        "allowed on plan hobby: standard_protection_new, only_preview_deployments or none"),
    "password protection on pro without the add-on": ("production", {"protectionPassword": canary("pw")},
        "protectionPassword", "[secret]",
        "allowed: Password Protection needs Enterprise or Pro with the add-on (vercelAddons); plan is pro"),
    "password protection on hobby, add-on or not": ("production", {"protectionPassword": canary("pw"), "vercelPlan": "hobby",
        "vercelAddons": ["password_protection"]}, "protectionPassword", "[secret]",
        "allowed: Password Protection needs Enterprise or Pro with the add-on (vercelAddons); plan is hobby"),
    "trusted IPs on pro": ("production", {"trustedIps": ["203.0.113.0/24"]}, "trustedIps", '["203.0.113.0/24"]',
                           "allowed: Trusted IPs need the Enterprise plan; plan is pro"),
    "a preview suffix without the add-on": ("preview", {"vercelAddons": DELETE}, "previewDeploymentSuffix",
        "'preview.vitalexpert.com'", "allowed: needs Enterprise or Pro with the add-on (vercelAddons); plan is pro"),
    # ---- dns ----
    "dns on vercel without a zone": ("production", {"dnsZone": DELETE}, "dnsZone", "'nothing'",
        f"allowed: the zone on Vercel's nameservers ({NAMESERVERS}) that holds the custom domains, such as "
        f"vitalexpert.com, when dnsOnVercel is true"),
    "a domain outside the zone": ("production", {"domains": ["app.vitalexpert.org"]}, "domains", "'app.vitalexpert.org'",
        "allowed: vitalexpert.com or a name under it (dnsZone), or another dnsZone"),
    "the first app's own domain outside the zone": ("production", {"apps": [{"name": "web", "domains": ["x.example.com"]}]},
        "apps[0].domains", "'x.example.com'", "allowed: vitalexpert.com or a name under it (dnsZone), or another dnsZone"),
    "a second app's domain outside the zone": ("production", {"apps": [{"name": "web"}, {"name": "pharma", "domains": [
        "pharma.example.com"]}]}, "apps[1].domains", "'pharma.example.com'",
        "allowed: vitalexpert.com or a name under it (dnsZone), or another dnsZone"),
    "a preview suffix with dns elsewhere": ("preview", {"dnsOnVercel": False}, "previewDeploymentSuffix",
        "'preview.vitalexpert.com'", SUFFIX.format(f"a domain on Vercel's nameservers ({NAMESERVERS})")),
    "a preview suffix outside the zone": ("preview", {"dnsZone": "vitalexpert.org"}, "previewDeploymentSuffix",
        "'preview.vitalexpert.com'", SUFFIX.format("vitalexpert.org or a name under it")),
    "a preview suffix with no zone": ("preview", {"dnsZone": DELETE, "dnsOnVercel": False}, "previewDeploymentSuffix",
        "'preview.vitalexpert.com'", SUFFIX.format(f"a domain on Vercel's nameservers ({NAMESERVERS})")),
    "a preview suffix that is no host name": ("preview", {"previewDeploymentSuffix": "Preview.vitalexpert.com"},
        "previewDeploymentSuffix", "'Preview.vitalexpert.com'",
        "allowed: a lower-case host name such as app.vitalexpert.com (found 'Preview.vitalexpert.com')"),
    # ---- adoption ----
    "adopting an app the stack lacks": ("production", {"adopt": {"apps": {"web": {"projectId": PRJ}}}}, "adopt.apps",
                                        "'web'", "allowed: one of the stack's apps (vital-expert)"),
    "adopting a project name, not its id": ("production", {"adopt": {"apps": {"vital-expert": {"projectId": "nope"}}}},
        "adopt.apps.vital-expert.projectId", "'nope'", "allowed: a Vercel project id (prj_...)"),
    "adopting an env var the app does not set": ("production", {"adopt": _adopt(envVarIds={"NOPE": "env_1"})},
        "adopt.apps.vital-expert.envVarIds", "'NOPE'", "allowed: a key the app's env or secretEnv sets"),
    "adopting a domain the app does not have": ("production", {"adopt": _adopt(domains=["www.vitalexpert.com"])},
        "adopt.apps.vital-expert.domains", "'www.vitalexpert.com'", "allowed: one of the app's domains"),
    "adopting another app's domain": ("production", {
        "apps": [{"name": "web"}, {"name": "pharma", "domains": ["pharma.vitalexpert.com"]}],
        "adopt": {"apps": {"pharma": {"projectId": PRJ, "domains": ["app.vitalexpert.com"]}}}},
        "adopt.apps.pharma.domains", "'app.vitalexpert.com'", "allowed: one of the app's domains"),
    "adopting production's branch": ("production", {"adopt": {"branch": True}}, "adopt.branch", "true",
        "allowed: false on production; main is never managed as a Branch resource"),
    # ---- rotation ----
    "rotation of an unknown secret": ("production", {"secretRotation": {"nope": "2026-01-01"}}, "secretRotation",
                                      "'nope'", HELD),
    "rotation of a password the stack lacks": ("production", {"secretRotation": {"protectionPassword": "2026-01-01"}},
                                               "secretRotation", "'protectionPassword'", HELD),
    "rotation of a webhook the stack lacks": ("production", {"secretRotation": {"alertWebhookUrl": "2026-01-01"}},
                                              "secretRotation", "'alertWebhookUrl'", HELD),
    "rotation tomorrow": ("production", {"secretRotation": {"vercelDeployToken": (TODAY + timedelta(days=1)).isoformat()}},
        "secretRotation.vercelDeployToken", repr((TODAY + timedelta(days=1)).isoformat()), "allowed: a date not in the future"),
    "rotation date unquoted": ("production", {"secretRotation": {"vercelDeployToken": "2026-11-02 00:00:00 +0000 UTC"}},
        "secretRotation.vercelDeployToken", "'2026-11-02 00:00:00 +0000 UTC'",
        "allowed: a date written YYYY-MM-DD in quotes, such as '2026-11-02' (unquoted, YAML reads it as a timestamp, "
        "which the CLI passes on as the text found)"),
    "rotation date that is no date": ("production", {"secretRotation": {"vercelDeployToken": "2026-13-02"}},
        "secretRotation.vercelDeployToken", "'2026-13-02'", "allowed: a date, 'YYYY-MM-DD'"),
    # ---- traffic ----
    "rate limit scope without api": ("production", {"rateLimitScope": ["pages"]}, "rateLimitScope", '["pages"]',
        'allowed: "api", optionally with "pages", each once (static assets are never counted)'),
    "rate limit scope with api twice": ("production", {"rateLimitScope": ["api", "api"]}, "rateLimitScope",
        '["api", "api"]', 'allowed: "api", optionally with "pages", each once (static assets are never counted)'),
    "an unknown rate limit scope": ("production", {"rateLimitScope": ["api", "static"]}, "rateLimitScope[1]", "'static'",
                                    "allowed: input should be 'api' or 'pages'"),
    "a public cache path under /api": ("production", {"publicCachePaths": ["/pricing", "/api/plans"]}, "publicCachePaths",
        "'/api/plans'", "allowed: a page path such as /pricing, or a subtree such as /blog/*, outside /api, /_next, the "
                        "admin paths and static files"),
    "a cache header on every path": ("production", {"headers": {"X-A": "1", "Cache-Control": "s-maxage=1"}}, "headers",
        "'Cache-Control'", "allowed: no cache headers on every path; each path class gets its own, and shared caching "
                           "is opt-in through publicCachePaths"),
    # ---- pools, compute and backups (issue 25: pools sized to their compute) ----
    "a pool larger than its compute": ("production", {"supabasePoolSize": 100}, "supabasePoolSize", "100",
        "allowed: 1 to 36 on small compute (40 % of its 90 max connections, Supabase's share for an app on the REST "
        "API; a larger supabaseCompute raises it)"),
    "a pool of 0": ("pre-production", {"supabasePoolSize": 0}, "supabasePoolSize", "0",
        "allowed: 1 to 24 on micro compute (40 % of its 60 max connections, Supabase's share for an app on the REST "
        "API; a larger supabaseCompute raises it)"),
    "PITR below Small": ("production", {"supabaseBackups": "daily+pitr", "supabaseCompute": "micro", "supabasePoolSize": 24},
        "supabaseCompute", "'micro'", "allowed: small or larger with supabaseBackups daily+pitr (Supabase: PITR needs at "
                                      "least the Small compute add-on)"),
    "a budget of 0": ("production", {"upstashBudget": 0}, "upstashBudget", "0",
                      "allowed: input should be greater than or equal to 1"),
    # ---- releases ----
    "rolling releases on hobby": ("pre-production", {"vercelPlan": "hobby", "vercelAuthentication": "standard_protection_new", "rolloutStages": _stages(10, 100)},
        "rolloutStages", '[{"percent": 10, "minutes": 5}, {"percent": 100}]',
        "allowed: [] on plan hobby (Rolling Releases need Pro or Enterprise)"),
    "one stage": ("production", {"rolloutStages": [{"percent": 100}]}, "rolloutStages", '[{"percent": 100}]', STAGES),
    "eleven stages": ("production", {"rolloutStages": _stages(*range(0, 100, 10), 100, minutes=1)}, "rolloutStages",
        '[{"percent": 0, "minutes": 1}, {"percent": 10, "minutes": 1}, {"percent": 20,...', STAGES),
    "stages not ending at 100": ("production", {"rolloutStages": _stages(10, 60)}, "rolloutStages",
                                 '[{"percent": 10, "minutes": 5}, {"percent": 60}]', STAGES),
    "stages falling": ("production", {"rolloutStages": _stages(50, 10, 100)}, "rolloutStages",
        '[{"percent": 50, "minutes": 5}, {"percent": 10, "minutes": 5}, {"percent": 100}]', STAGES),
    "a stage repeated": ("production", {"rolloutStages": _stages(10, 10, 100)}, "rolloutStages",
        '[{"percent": 10, "minutes": 5}, {"percent": 10, "minutes": 5}, {"percent": 100}]', STAGES),
    "a stage above 100": ("production", {"rolloutStages": [{"percent": 101, "minutes": 1}, {"percent": 100}]},
        "rolloutStages[0].percent", "101", "allowed: input should be less than or equal to 100"),
    "a stage of 0 minutes": ("production", {"rolloutStages": [{"percent": 10, "minutes": 0}, {"percent": 100}]},
        "rolloutStages[0].minutes", "0", "allowed: input should be greater than or equal to 1"),
    "the first stage without minutes": ("production", {"rolloutStages": _stages(10, 100, minutes=None)}, "rolloutStages",
                                        '[{"percent": 10}, {"percent": 100}]', MINUTES),
    "a middle stage without minutes": ("production", {"rolloutStages": [
        {"percent": 10, "minutes": 5}, {"percent": 50}, {"percent": 100}]}, "rolloutStages",
        '[{"percent": 10, "minutes": 5}, {"percent": 50}, {"percent": 100}]', MINUTES),
    "manual approval with the tier's timed stages": ("production", {"rolloutAdvancement": "manual-approval"},
        "rolloutStages", '[{"percent": 10, "minutes": 10}, {"percent": 50, "minutes": 20}, {"percent": ...', MINUTES),
    "manual approval with minutes on the last stage": ("production", {"rolloutAdvancement": "manual-approval",
        "rolloutStages": [{"percent": 10}, {"percent": 100, "minutes": 3}]}, "rolloutStages",
        '[{"percent": 10}, {"percent": 100, "minutes": 3}]', MINUTES),
    "an unknown skew protection": ("production", {"skewProtection": "2 hours"}, "skewProtection", "'2 hours'",
                                   "allowed: one of 30 minutes, 4 hours, 12 hours, 1 day, 7 days"),
    "skew protection on hobby": ("pre-production", {"vercelPlan": "hobby", "vercelAuthentication": "standard_protection_new", "skewProtection": "4 hours"},
        "skewProtection", "'4 hours'", "allowed: nothing on plan hobby (Pro or Enterprise)"),
    "an unknown build machine": ("production", {"buildMachineType": "huge"}, "buildMachineType", "'huge'",
                                 "allowed: one of basic, standard, enhanced, turbo, elastic"),
    "production without required checks": ("production", {"requiredChecks": []}, "requiredChecks", "[]",
        "allowed: at least one check; tier production's production alias waits for them"),
    "a required check twice": ("production", {"requiredChecks": ["type-check", "e2e", "type-check"]},
        "requiredChecks", "'type-check'", "allowed: each check once"),
    # ---- alerts ----
    "a latency alert without observability plus": ("production", {"vercelAddons": DELETE}, "latencyAlertP95Ms", "500",
        "allowed: a latency alert only with Observability Plus (add observability_plus to vercelAddons; plan pro); "
        "the built-in alerts measure no latency"),
    "a slack channel by name": ("production", {"alertSlackChannelId": "#alerts"}, "alertSlackChannelId", "'#alerts'",
        "allowed: a Slack channel id such as C0123456789 (channel details, bottom), not its name"),
    "a webhook over http": ("production", {"alertWebhookUrl": f"http://{canary('hook')}.example.com/x"}, "alertWebhookUrl",
        "[secret]", "allowed: an https:// URL that receives Vercel's alerts.triggered events"),
    # ---- approval ----
    "an internal repository outside enterprise": ("preview", {"githubRepoVisibility": "internal"}, "githubRepoVisibility",
        "'internal'", "allowed: public or private; internal repositories exist only in Enterprise organizations"),
    "a private repository on free": ("preview", {"githubPlan": "free"}, "githubRepoVisibility", "'private'",
        "allowed: public on plan free; GitHub environments and their secrets in a private repository need Pro, Team or "
        "Enterprise (githubPlan)"),
    "reviewers github would not enforce": ("production", {"requiredReviewers": [1234567]}, "requiredReviewers",
        "[1234567]", "allowed: [] on plan team, private repository: GitHub does not enforce environment reviewers there "
                     "(Enterprise, or a public repository); production's approval is then the ruleset's review and the "
                     "release gates"),
    "production without reviewers on enterprise": ("production", {"githubPlan": DELETE}, "requiredReviewers", "[]",
                                                   REVIEWERS.format("plan enterprise, private repository")),
    "production without reviewers, public repository": ("production", {"githubRepoVisibility": "public"},
        "requiredReviewers", "[]", REVIEWERS.format("plan team, public repository")),
    # ---- share links ----
    "a share link twice": ("preview", {"shareLinks": [{"alias": "vital-expert-preview-git-x-t.vercel.app"},
        {"alias": "vital-expert-preview-git-x-t.vercel.app", "expiresInDays": 3}]}, "shareLinks[1].alias",
        "'vital-expert-preview-git-x-t.vercel.app'", "allowed: each alias once; Vercel keeps one link per alias"),
    "a share link to another tier's project": ("preview", {"shareLinks": [
        {"alias": "vital-expert-production-git-x-team.vercel.app"}]}, "shareLinks[0].alias",
        "'vital-expert-production-git-x-team.vercel.app'", SHARE.format(", *.preview.vitalexpert.com")),
    "a share link to a deployment url": ("preview", {"shareLinks": [
        {"alias": "vital-expert-preview-git-x-team.vercel.app"}, {"alias": "vital-expert-preview-a1b2-team.vercel.app"}]},
        "shareLinks[1].alias", "'vital-expert-preview-a1b2-team.vercel.app'", SHARE.format(", *.preview.vitalexpert.com")),
    "a share link beyond .vercel.app": ("preview", {"shareLinks": [
        {"alias": "vital-expert-preview-git-x-team.vercel.app.example.com"}]}, "shareLinks[0].alias",
        "'vital-expert-preview-git-x-team.vercel.app.example.com'", SHARE.format(", *.preview.vitalexpert.com")),
    "a share link without a suffix": ("preview", {"previewDeploymentSuffix": DELETE, "vercelAddons": DELETE,
        "shareLinks": [{"alias": "x.vercel.app"}]}, "shareLinks[0].alias", "'x.vercel.app'", SHARE.format("")),
    "a share link outside preview": ("pre-production", {"shareLinks": [{"alias": "vital-expert-dev-git-x-team.vercel.app"}]},
        "shareLinks", '["vital-expert-dev-git-x-team.vercel.app"]',
        "allowed: [] in tier pre-production; links open protected previews, which only the preview tier builds"),
    "two share links on hobby": ("preview", {"vercelPlan": "hobby", "previewDeploymentSuffix": DELETE, "shareLinks": [
        {"alias": "vital-expert-preview-git-a-t.vercel.app"}, {"alias": "vital-expert-preview-git-b-t.vercel.app"}]},
        "shareLinks", "2", "allowed: at most 1 on plan hobby (one per account, across every stack and project: each new "
                           "link revokes the others)"),
    # ---- migrations ----
    "a database url of another project": ("production", {"supabaseDbUrl": db_url("other")}, "supabaseDbUrl", "[secret]",
                                          DB_URL),
    "an environment secret secretEnv lacks": ("production", {"environmentSecrets": ["NOPE"]}, "environmentSecrets",
        "'NOPE'", "allowed: a secretEnv key (OPENAI_API_KEY, SUPABASE_SERVICE_ROLE_KEY, LANGFUSE_PUBLIC_KEY, "
                  "LANGFUSE_SECRET_KEY)"),
    # ---- the team token, the database's compute, internal tiers ----
    "production without its deploy token": ("production", {"vercelDeployToken": DELETE}, "vercelDeployToken", "'nothing'",
        "allowed: the token the app repository's production jobs use as VERCEL_TOKEN, set with `pulumi config set "
        "--secret vercelDeployToken`"),
    "a team token in a stack pull requests decrypt": ("preview", {"vercelDeployToken": canary("t")}, "vercelDeployToken",
        "[secret]", f"allowed: nothing in tier preview: {TEAM_TOKEN_WHY}; remove it with `pulumi config rm "
                    "vercelDeployToken` and revoke the token"),
    "deploying from GitHub Actions without the token": ("preview", {"deployFrom": "github-actions"}, "deployFrom",
        "'github-actions'", "allowed: 'vercel-git' in tier preview: deploying from GitHub Actions needs VERCEL_TOKEN in "
                            f"the tier's environment, and {TEAM_TOKEN_WHY}"),
    "point-in-time recovery on micro compute": ("production", {"supabaseBackups": "daily+pitr", "supabaseCompute": "micro",
        "supabasePoolSize": 10}, "supabaseCompute", "'micro'",
        "allowed: small or larger with supabaseBackups daily+pitr (Supabase: PITR needs at least the Small compute "
        "add-on)"),
    "an internal tier's domain open to everyone": ("pre-production", {"vercelAuthentication": "standard_protection"},
        "vercelAuthentication", "'standard_protection'", INTERNAL.format("NEXT_PUBLIC_ENABLE_DEBUG and "
                                                                         "NEXT_PUBLIC_ENABLE_MOCK_API")),
    "an internal tier's mock API alone": ("pre-production", {"vercelAuthentication": "standard_protection",
        "env": {"NEXT_PUBLIC_ENABLE_DEBUG": "false"}}, "vercelAuthentication", "'standard_protection'",
        INTERNAL.format("NEXT_PUBLIC_ENABLE_MOCK_API")),
    "an internal tier's debug flag in upper case": ("pre-production", {"vercelAuthentication": "standard_protection",
        "env": {"NEXT_PUBLIC_ENABLE_DEBUG": "TRUE", "NEXT_PUBLIC_ENABLE_MOCK_API": "false"}}, "vercelAuthentication",
        "'standard_protection'", INTERNAL.format("NEXT_PUBLIC_ENABLE_DEBUG")),
    "another role's JWT as the anon key": ("production", {"supabaseAnonKey": AUTHENTICATED_JWT}, "supabaseAnonKey",
        "[secret]", ANON),
    # ---- names the platforms constrain (program/name_checks.py; docs/names.md) ----
    "the first app's own domain too long for its route's name": ("production", {"apps": [{"name": "web", "domains": [
        long_domain(242)]}]}, "apps[0].domains", repr(long_domain(242))[:77] + "...",
        "allowed: a domain short enough that its route's name (257 characters) stays within the 256 characters the "
        "Vercel provider allows"),
    "a project name with '---'": ("production", {"apps": [{"name": "a---b"}]}, "apps[0].name", "'a---b'",
        "allowed: a name whose Vercel project name (found 'a---b-production') is 1 to 52 lower-case letters, digits "
        "and '-', without '---' (Vercel refuses it)"),
    "a second app's project name with '---'": ("pre-production", {"apps": [{"name": "web"}, {"name": "x---y"}]},
        "apps[1].name", "'x---y'", "allowed: a name whose Vercel project name (found 'x---y-dev') is 1 to 52 lower-case "
                                   "letters, digits and '-', without '---' (Vercel refuses it)"),
    "a domain too long for its route's name": ("production", {"domains": [long_domain(242)]}, "domains",
        repr(long_domain(242))[:77] + "...", "allowed: a domain short enough that its route's name (257 characters) stays within the "
                                "256 characters the Vercel provider allows"),
    "a second app's domain too long for its route's name": ("production", {"apps": [{"name": "web"}, {
        "name": "pharma", "domains": [long_domain(250)]}]}, "apps[1].domains",
        repr(long_domain(250))[:77] + "...",
        "allowed: a domain short enough that its route's name (264 characters) stays within the 256 characters the "
        "Vercel provider allows"),
    "a GitHub secret named GITHUB_*": ("production", {"secretEnv": {**SECRET_ENV, "GITHUB_PAT": canary("pat")},
        "environmentSecrets": ["GITHUB_PAT"]}, "environmentSecrets", "'GITHUB_PAT'",
        "allowed: a GitHub secret name not starting with GITHUB_ (GitHub reserves the prefix, in any case)"),
    "a GitHub secret named github_* in lower case": ("production", {"secretEnv": {**SECRET_ENV, "github_pat": canary("p")},
        "environmentSecrets": ["github_pat"]}, "environmentSecrets", "'github_pat'",
        "allowed: a GitHub secret name not starting with GITHUB_ (GitHub reserves the prefix, in any case)"),
    "a GitHub secret the program sets itself": ("production", {"secretEnv": {**SECRET_ENV, "vercel_token": canary("t")},
        "environmentSecrets": ["vercel_token"]}, "environmentSecrets", "'vercel_token'", PROGRAM_SECRET),
    "a second app's bypass secret": ("preview", {"apps": [{"name": "web"}, {"name": "pharma-app"}], "secretEnv": {
        "OPENAI_API_KEY": canary("o"), "SUPABASE_SERVICE_ROLE_KEY": canary("s"),
        "VERCEL_AUTOMATION_BYPASS_SECRET_PHARMA_APP": canary("b")},
        "environmentSecrets": ["VERCEL_AUTOMATION_BYPASS_SECRET_PHARMA_APP"]}, "environmentSecrets",
        "'VERCEL_AUTOMATION_BYPASS_SECRET_PHARMA_APP'", PROGRAM_SECRET),
    "a GitHub secret copied twice": ("production", {"environmentSecrets": ["OPENAI_API_KEY", "OPENAI_API_KEY"]},
        "environmentSecrets", "'OPENAI_API_KEY'", PROGRAM_SECRET),
    "a slack channel id and a newline": ("production", {"alertSlackChannelId": "C0123456789\n"}, "alertSlackChannelId",
        "'C0123456789\\n'", "allowed: a Slack channel id such as C0123456789 (channel details, bottom), not its name"),
    "a webhook url and a newline": ("production", {"alertWebhookUrl": "https://hooks.example.com/x\n"}, "alertWebhookUrl",
        "[secret]", "allowed: an https:// URL that receives Vercel's alerts.triggered events"),
    # ---- value checks of config.py ----
    "a secret key as the anon key": ("production", {"supabaseAnonKey": "sb_secret_" + "canary-9f27c1abcdef"},
                                     "supabaseAnonKey", "[secret]", ANON),
    "a service-role JWT as the anon key": ("production", {"supabaseAnonKey": SERVICE_ROLE_JWT}, "supabaseAnonKey",
                                           "[secret]", ANON),
    "no key at all as the anon key": ("production", {"supabaseAnonKey": "not-a-key"}, "supabaseAnonKey", "'not-a-key'",
                                      ANON),
    "an unknown tier": ("production", {"tier": "staging"}, "tier", "'staging'",
                        "allowed: input should be 'production', 'pre-production' or 'preview'"),
    "an unknown key in an app": ("production", {"apps": [{"name": "web", "extra": 1}]}, "apps[0].extra", "1",
                                 "allowed: extra inputs are not permitted"),
    "no app": ("production", {"apps": []}, "apps", "[]", "allowed: tuple should have at least 1 item after validation, not 0"),
    "no admin path": ("production", {"adminPaths": []}, "adminPaths", "[]",
                      "allowed: tuple should have at least 1 item after validation, not 0"),
    "a pool of 3001": ("production", {"supabasePoolSize": 3001}, "supabasePoolSize", "3001",
                       "allowed: input should be less than or equal to 3000"),
    "a pool of -1": ("production", {"supabasePoolSize": -1}, "supabasePoolSize", "-1",
                     "allowed: input should be greater than or equal to 0"),
    "a share link living 731 days": ("preview", {"shareLinks": [{"alias": "vital-expert-preview-git-x-t.vercel.app",
        "expiresInDays": 731}]}, "shareLinks[0].expiresInDays", "731", "allowed: input should be less than or equal to 730"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_each_bad_config_is_its_exact_line(case):
    stack, changes, key, found, allowed = ERRORS[case]
    assert refused(stack, changes) == line(stack, key, found, allowed)


def test_the_line_names_the_stack_the_key_the_value_and_what_is_allowed():
    assert refused("preview", {"functionTimeout": 0}) == (
        "stack 'preview': config 'vital-expert-infra:functionTimeout': found 0; allowed: 1 to 45 s (tier preview: 45 s; "
        "plan pro: 800 s)")
    assert refused("production", {"vercel:team": "vital-expert"}) == (
        "stack 'production': config 'vercel:team': found 'vital-expert'; allowed: the Vercel team id (team_...), which "
        "VERCEL_ORG_ID needs")


@pytest.mark.parametrize("key", ["sb_secret_" + "canary-9f27c1abcdef", "sb_secret_" + "x" * 40])
def test_the_anon_key_check_masks_a_secret_key_itself(key):
    """The validator masks a credential itself, not only the printer after it: a secret key that is no
    JWT (no role) is still never the text found."""
    with pytest.raises(PydanticCustomError) as refused_key:
        StackConfig._anon_key(key)
    assert refused_key.value.context["found"] == "[secret]" and key not in str(refused_key.value.context)
