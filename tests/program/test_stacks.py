"""The three committed stacks render with their tier's values."""

import subprocess

import pytest

from tests.stacks import env_vars, of_type, one

TIMEOUT = {"production": 30, "pre-production": 60, "preview": 45}
# 100 / 500 / 1000 requests per 15 min, held in the 10-minute window Pro allows, scaled down.
RATE = {"production": (66, 600), "pre-production": (333, 600), "preview": (666, 600)}
BRANCH = {"production": "main", "pre-production": "pre-production", "preview": "preview-deployment"}
PROJECT = {"production": "vital-expert-production", "pre-production": "vital-expert-dev", "preview": "vital-expert-preview"}


@pytest.mark.parametrize("stack", TIMEOUT)
def test_project_settings_per_tier(committed, stack):
    project = one(committed[stack], ":Project")["inputs"]
    assert project["name"] == PROJECT[stack]
    assert project["framework"] == "nextjs"
    assert project["resourceConfig"]["functionDefaultTimeout"] == TIMEOUT[stack]
    assert project["resourceConfig"]["functionDefaultRegions"] == ["iad1"]
    assert "serverlessFunctionRegion" not in project
    assert project["gitRepository"] == {"type": "github", "repo": "vital-expert/vital-expert", "productionBranch": BRANCH[stack]}
    assert project["buildCommand"] == "pnpm build" and project["installCommand"].startswith("pnpm install")
    assert project["outputDirectory"] == ".next"
    # Only the preview project builds PR branches.
    assert project["previewDeploymentsDisabled"] is (stack != "preview")
    assert "ignoreCommand" in project
    assert project["nodeVersion"] == "24.x"  # not the seed's 20: retired on Vercel (facts)
    # Pre-production runs debug mode and the mock API: it answers only the team (issue 25, item 6).
    expected = "all_deployments" if stack == "pre-production" else "standard_protection_new"
    assert project["vercelAuthentication"]["deploymentType"] == expected


# Which pushes each project builds, by branch: its own only, or (preview) all but the other tiers'.
BUILDS = {
    "production": {"main"},
    "pre-production": {"pre-production"},
    "preview": {"preview-deployment", "feature/login", "dependabot/npm_and_yarn/next-15.1.0", "mainline"},
}
PUSHED = ("main", "pre-production", "preview-deployment", "feature/login", "dependabot/npm_and_yarn/next-15.1.0",
          "mainline")


@pytest.mark.parametrize("stack", BUILDS)
def test_ignore_command_builds_only_the_tiers_branches_when_run_by_bash(committed, stack):
    """Run as Vercel runs it: exit 0 skips the build, 1 builds (facts.VERCEL_GIT_BRANCH_VARIABLE)."""
    command = one(committed[stack], ":Project")["inputs"]["ignoreCommand"]
    built = set()
    for branch in PUSHED:
        result = subprocess.run(["bash", "-c", command], env={"VERCEL_GIT_COMMIT_REF": branch}, check=False)
        assert result.returncode in (0, 1), (branch, result.returncode)
        if result.returncode == 1:
            built.add(branch)
    assert built == BUILDS[stack]


@pytest.mark.parametrize("stack", RATE)
def test_firewall_rate_limit_never_exceeds_the_seed_rate(committed, stack):
    rules = one(committed[stack], ":FirewallConfig")["inputs"]["rules"]["rules"]
    rate = next(r for r in rules if r["action"]["action"] == "rate_limit")["action"]["rateLimit"]
    assert (rate["limit"], rate["window"]) == RATE[stack]
    assert rate["keys"] == ["ip"] and rate["algo"] == "fixed_window" and rate["action"] == "rate_limit"
    assert 10 <= rate["window"] <= 600


def test_admin_allowlist_only_in_pre_production(committed):
    for stack, doc in committed.items():
        names = [r["name"] for r in one(doc, ":FirewallConfig")["inputs"]["rules"]["rules"]]
        assert ("admin-allowlist" in names) is (stack == "pre-production")
    rule = next(r for r in one(committed["pre-production"], ":FirewallConfig")["inputs"]["rules"]["rules"] if r["name"] == "admin-allowlist")
    ip = next(c for c in rule["conditionGroups"][0]["conditions"] if c["type"] == "ip_address")
    assert ip["neg"] is True and ip["values"] == ["203.0.113.0/24", "198.51.100.0/24"]
    assert rule["action"]["action"] == "deny"


def _routes(doc):
    return {r["inputs"]["name"]: r["inputs"]["route"] for r in of_type(doc, ":ProjectRoute")}


def test_noindex_on_every_route_outside_production(committed):
    for stack in ("pre-production", "preview"):
        routes = _routes(committed[stack])
        assert set(routes) == {"headers-build", "headers-static", "headers-rest"}
        for route in routes.values():
            assert "has" not in route and "missings" not in route
            assert route["headers"]["X-Robots-Tag"] == "noindex, nofollow"


def test_production_noindex_only_off_its_custom_domain(committed):
    routes = _routes(committed["production"])
    for group in ("build", "static", "rest"):
        custom, other = routes[f"headers-{group}-app.vitalexpert.com"], routes[f"headers-{group}-other-hosts"]
        assert custom["has"] == [{"type": "host", "value": "app.vitalexpert.com"}] and "X-Robots-Tag" not in custom["headers"]
        assert other["missings"] == [{"type": "host", "value": "app.vitalexpert.com"}]
        assert other["headers"]["X-Robots-Tag"] == "noindex, nofollow"
        assert custom["src"] == other["src"]
        for name in ("Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options", "X-Content-Type-Options"):
            assert name in custom["headers"] and name in other["headers"]
        assert "frame-ancestors 'none'" in custom["headers"]["Content-Security-Policy"]


def test_tiers_before_production_report_productions_csp_on_every_route(committed):
    """Pre-production and preview send the CSP production enforces, as report-only, so a policy
    that would break the app shows in their browsers' consoles first."""
    enforced = {route["headers"]["Content-Security-Policy"] for route in _routes(committed["production"]).values()}
    assert len(enforced) == 1
    for stack in ("pre-production", "preview"):
        for name, route in _routes(committed[stack]).items():
            assert route["headers"]["Content-Security-Policy-Report-Only"] in enforced, (stack, name)
            assert "Content-Security-Policy" not in route["headers"], (stack, name)
    for route in _routes(committed["production"]).values():
        assert "Content-Security-Policy-Report-Only" not in route["headers"]


def test_a_csp_report_endpoint_reaches_every_csp_and_the_reporting_endpoints_header(tmp_path):
    from tests.stacks import render, with_config

    uri = "https://o0.ingest.sentry.io/api/0/security/?sentry_key=abc"
    for stack, name in (("preview", "Content-Security-Policy-Report-Only"), ("production", "Content-Security-Policy")):
        doc = render(stack, with_config(stack, tmp_path, cspReportUri=uri))
        for route in _routes(doc).values():
            assert route["headers"][name].endswith(f"; report-uri {uri}; report-to csp")
            assert route["headers"]["Reporting-Endpoints"] == f'csp="{uri}"'


def test_cache_headers_per_route_group(committed):
    for doc in committed.values():
        cache = {name.split("-")[1]: route["headers"].get("Cache-Control") for name, route in _routes(doc).items()}
        assert cache == {"build": "public, max-age=31536000, immutable", "static": None, "rest": "private, no-store"}


@pytest.mark.parametrize("stack", TIMEOUT)
def test_env_vars_per_tier(committed, stack):
    env = env_vars(committed[stack])
    targets = ["production", "preview"] if stack == "preview" else ["production"]
    for key, res in env.items():
        assert res["inputs"]["targets"] == targets, key
        assert res["deleteBeforeReplace"] is True, key
        assert res["inputs"]["value"] == "[secret]"  # the SDK marks every value secret
    for key in ("OPENAI_API_KEY", "SUPABASE_SERVICE_ROLE_KEY"):
        assert env[key]["inputs"]["sensitive"] is True
    assert env["NEXT_PUBLIC_ENV"]["inputs"]["sensitive"] is False
    assert "NODE_ENV" not in env  # Next.js sets it; the seed's NODE_ENV=preview is invalid


def test_debug_and_monitoring_env_come_from_the_tier_table():
    # Values are secret in the synth output (the SDK wraps them), so check the config model.
    from program.config import AppConfig, StackConfig
    from vital.tiers import TIER_DEFAULTS

    assert TIER_DEFAULTS["pre-production"].env["NEXT_PUBLIC_ENABLE_DEBUG"] == "true"
    assert TIER_DEFAULTS["production"].env["NEXT_PUBLIC_ENABLE_MOCK_API"] == "false"
    assert TIER_DEFAULTS["production"].env["LANGFUSE_TRACING_ENABLED"] == "true"
    assert TIER_DEFAULTS["pre-production"].env["LOG_LEVEL"] == "debug"
    cfg = StackConfig.model_validate({"stack": "preview", "tier": "preview", "vercel:team": "team_abcdefgh",
                                      "github:owner": "o", "supabaseProjectRef": "a" * 20,
                                      "supabaseDbUrl": "postgresql://postgres:pw@db.aaaaaaaaaaaaaaaaaaaa.supabase.co:5432/postgres",
                                      "secretEnv": {"OPENAI_API_KEY": "k", "SUPABASE_SERVICE_ROLE_KEY": "k"}})
    assert cfg.app_env(AppConfig(name="x"))["CORS_ALLOWED_ORIGINS"] == "*"


def test_domains_and_protection(committed):
    prod = committed["production"]
    domain = one(prod, ":ProjectDomain")
    assert domain["inputs"]["domain"] == "app.vitalexpert.com" and "gitBranch" not in domain["inputs"]
    assert domain["protect"] and one(prod, ":Project")["protect"]
    assert one(prod, ":RepositoryEnvironment")["protect"]
    assert one(committed["pre-production"], ":ProjectDomain")["inputs"]["domain"] == "dev.vitalexpert.com"
    assert not one(committed["pre-production"], ":Project")["protect"]
    assert of_type(committed["preview"], ":ProjectDomain") == []
    assert one(committed["preview"], ":Project")["inputs"]["previewDeploymentSuffix"] == "preview.vitalexpert.com"


def test_retention_expires_previews_after_a_month(committed):
    for doc in committed.values():
        inputs = one(doc, ":ProjectDeploymentRetention")["inputs"]
        assert inputs["expirationPreview"] == "1m"
        assert {inputs["expirationProduction"], inputs["expirationErrored"], inputs["expirationCanceled"]} <= {"1y", "3m", "1m"}


@pytest.mark.parametrize("stack", TIMEOUT)
def test_github_environment(committed, stack):
    doc = committed[stack]
    env = one(doc, ":RepositoryEnvironment")["inputs"]
    assert env["environment"] == stack and env["repository"] == "vital-expert"
    secrets = {r["inputs"]["secretName"]: r["inputs"] for r in of_type(doc, ":ActionsEnvironmentSecret")}
    bypass = {"VERCEL_AUTOMATION_BYPASS_SECRET"} if stack in ("preview", "pre-production") else set()
    # The team-wide Vercel token only where no pull request decrypts the stack, and never in the preview
    # environment, which any branch of the app repository may name (docs/credentials.md).
    team = {"VERCEL_TOKEN"} if stack == "production" else set()
    assert set(secrets) == {"VERCEL_ORG_ID", "SUPABASE_DB_URL", *team, *bypass}
    for s in secrets.values():
        assert s["value"] == "[secret]" and "plaintextValue" not in s
    variables = {r["inputs"]["variableName"]: r["inputs"]["value"] for r in of_type(doc, ":ActionsEnvironmentVariable")}
    # The project's id: unknown in a first preview, like the projectIds output.
    assert variables["VERCEL_PROJECT_ID"] == doc["outputs"]["projectIds"] == "[unknown]"
    assert variables["SUPABASE_PROJECT_REF"] == doc["outputs"]["supabaseProjectRef"]
    policies = of_type(doc, ":RepositoryEnvironmentDeploymentPolicy")
    if stack == "preview":
        assert "deploymentBranchPolicy" not in env and policies == []
    else:
        assert env["deploymentBranchPolicy"] == {"protectedBranches": False, "customBranchPolicies": True}
        assert [p["inputs"]["branchPattern"] for p in policies] == [{"production": "main", "pre-production": "pre-production"}[stack]]


def test_branches_and_rulesets(committed):
    assert of_type(committed["production"], ":Branch") == []  # main exists with the repository
    pre = one(committed["pre-production"], ":Branch")
    assert pre["inputs"] == {"repository": "vital-expert", "branch": "pre-production", "sourceBranch": "main"}
    assert pre["retainOnDelete"] is True
    assert one(committed["preview"], ":Branch")["inputs"]["branch"] == "preview-deployment"
    for stack, branch in (("production", "main"), ("pre-production", "pre-production")):
        ruleset = one(committed[stack], ":RepositoryRuleset")["inputs"]
        assert ruleset["conditions"]["refName"]["includes"] == [f"refs/heads/{branch}"]
        checks = [c["context"] for c in ruleset["rules"]["requiredStatusChecks"]["requiredChecks"]]
        assert checks == ["type-check", "test"]
    assert of_type(committed["preview"], ":RepositoryRuleset") == []


def test_outputs(committed):
    out = committed["production"]["outputs"]
    assert out["tier"] == "production"
    assert out["domains"] == {"vital-expert": ["app.vitalexpert.com"]}
    assert out["projectNames"] == {"vital-expert": "vital-expert-production"}
    assert out["githubEnvironment"] == "production"


def test_committed_stacks_log_no_warnings(committed):
    for stack, doc in committed.items():
        assert [l for l in doc["logs"] if l["level"] in ("warning", "error")] == [], stack
