"""Every bad config gets one line naming the stack, the key, the value and what is allowed."""

import subprocess
from datetime import date
import sys

import pytest

from tests.pulumi_crypto import stored
from tests.stacks import ROOT, with_config
from tools.synth import main

SECURE = {"secure": stored("test-value")}

# (stack, config changes, text the one line must contain)
CASES = {
    "unknown tier": ("preview", {"tier": "staging"}, ["'vital-expert-infra:tier'", "'staging'", "in the stack named preview"]),
    "tier contradicting the stack name": ("production", {"tier": "preview"}, ["'vital-expert-infra:tier'", "'preview'", "in the stack named production"]),
    "unknown plan": ("production", {"vercelPlan": "business"}, ["'vital-expert-infra:vercelPlan'", "'business'", "'hobby', 'pro' or 'enterprise'"]),
    "wrong type": ("production", {"functionTimeout": "soon"}, ["'vital-expert-infra:functionTimeout'", "'soon'", "a whole number"]),
    "malformed domain": ("production", {"domains": ["app..vitalexpert.com"]}, ["'vital-expert-infra:domains", "app..vitalexpert.com", "host name"]),
    "timeout above tier": ("production", {"functionTimeout": 45}, ["'vital-expert-infra:functionTimeout'", "45", "1 to 30 s"]),
    "timeout above plan": ("pre-production", {"vercelPlan": "hobby", "functionTimeout": 61}, ["'vital-expert-infra:functionTimeout'", "61", "1 to 60 s"]),
    "empty app list": ("production", {"apps": []}, ["'vital-expert-infra:apps'", "[]", "at least 1"]),
    "duplicate app names": ("production", {"apps": [{"name": "web"}, {"name": "web"}]}, ["'vital-expert-infra:apps'", "'web'", "each app name once"]),
    "duplicate env key": ("production", {"env": {"OPENAI_API_KEY_X": "1", "LOG_LEVEL": "x"}, "secretEnv": {"LOG_LEVEL": SECURE}}, ["'vital-expert-infra:env'", "'LOG_LEVEL'", "not both"]),
    "secret as plaintext env": ("production", {"env": {"ANTHROPIC_API_KEY": "sk-live-123"}}, ["'vital-expert-infra:env'", "'ANTHROPIC_API_KEY'", "pulumi config set --secret --path secretEnv"]),
    "credential DSN as plaintext env": ("production", {"env": {"DATABASE_URL": "postgres://app:pw@db/x"}}, ["'vital-expert-infra:env'", "'DATABASE_URL'", "secretEnv"]),
    "secret key plaintext in stack file": ("production", {"vercelDeployToken": "plain-token"}, ["'vital-expert-infra:vercelDeployToken'", "found [secret]", "encrypted value only"]),
    "declared secret plaintext in stack file": ("production", {"supabaseDbUrl": "postgresql://x"}, ["Stack 'production' with configuration key 'supabaseDbUrl' must be encrypted as it's secret"]),
    "team token outside production": ("preview", {"vercelDeployToken": SECURE}, ["'vital-expert-infra:vercelDeployToken'", "found [secret]", "nothing in tier preview", "production's included", "pulumi config rm vercelDeployToken"]),
    "deploys from GitHub Actions outside production": ("pre-production", {"deployFrom": "github-actions"}, ["'vital-expert-infra:deployFrom'", "'github-actions'", "allowed: 'vercel-git' in tier pre-production", "VERCEL_TOKEN"]),
    "provider credential in the stack file": ("pre-production", {"vercel:apiToken": SECURE}, ["'vercel:apiToken'", "found [secret]", "only from the environment (VERCEL_API_TOKEN", "pulumi config rm --stack pre-production vercel:apiToken"]),
    "plaintext leaf in secretEnv": ("production", {"secretEnv": {"OPENAI_API_KEY": SECURE, "STRIPE_SECRET_KEY": "sk_live_x"}}, ["secretEnv.STRIPE_SECRET_KEY", "encrypted value only"]),
    "NEXT_PUBLIC secret": ("production", {"secretEnv": {"NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY": SECURE}}, ["'vital-expert-infra:secretEnv'", "NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY", "browser"]),
    "NEXT_PUBLIC holding a secret value": ("preview", {"env": {"NEXT_PUBLIC_OPENAI": "sk-proj-" + "a1B2c3D4e5" * 4}}, ["'vital-expert-infra:env'", "NEXT_PUBLIC_OPENAI", "browsers"]),
    "NODE_ENV preview": ("preview", {"env": {"NODE_ENV": "preview"}}, ["NODE_ENV=preview", "production, development, test", "NEXT_PUBLIC_ENV"]),
    "password protection on pro without add-on": ("production", {"protectionPassword": SECURE}, ["'vital-expert-infra:protectionPassword'", "[secret]", "add-on"]),
    "trusted ips need enterprise": ("production", {"trustedIps": ["203.0.113.1"]}, ["'vital-expert-infra:trustedIps'", "Enterprise"]),
    "preview suffix without add-on": ("preview", {"vercelAddons": None}, ["'vital-expert-infra:previewDeploymentSuffix'", "preview.vitalexpert.com", "add-on"]),
    "all-deployments auth on hobby": ("production", {"vercelPlan": "hobby", "vercelAuthentication": "all_deployments"}, ["'vital-expert-infra:vercelAuthentication'", "all_deployments", "plan hobby"]),
    "bad cidr": ("pre-production", {"adminAllowlist": ["10.0.0.300/8"]}, ["'vital-expert-infra:adminAllowlist", "10.0.0.300/8", "CIDR"]),
    "allow-list of every address": ("pre-production", {"adminAllowlist": ["203.0.113.0/24", "0.0.0.0/0"]}, ["'vital-expert-infra:adminAllowlist", "0.0.0.0/0", "lets anyone in"]),
    "trusted ips of every address": ("production", {"vercelPlan": "enterprise", "trustedIps": ["::/0"]}, ["'vital-expert-infra:trustedIps", "::/0", "lets anyone in"]),
    "unknown key": ("production", {"functionTimeOut": 30}, ["'vital-expert-infra:functionTimeOut'", "allowed keys"]),
    "team slug instead of id": ("production", {"vercel:team": "vital-expert"}, ["'vercel:team'", "'vital-expert'", "team_"]),
    "window shorter than the plan allows": ("production", {"rateLimitPeriod": 5}, ["'vital-expert-infra:rateLimitPeriod'", "5", "at least 10 s"]),
    "bad supabase ref": ("production", {"supabaseProjectRef": "Prod-Ref"}, ["'vital-expert-infra:supabaseProjectRef'", "'Prod-Ref'", "20 lower-case letters"]),
    "supabase token in the stack file": ("production", {"supabaseAccessToken": "sbp_plain"}, ["'vital-expert-infra:supabaseAccessToken'", "found [secret]", "supabaseAccessToken is retired", "SUPABASE_ACCESS_TOKEN"]),
    "service-role key as anon key": ("production", {"supabaseAnonKey": "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.sig"}, ["'vital-expert-infra:supabaseAnonKey'", "a secret or service-role key goes in secretEnv"]),
    "data-service env set by hand": ("production", {"env": {"UPSTASH_REDIS_REST_URL": "https://x.upstash.io"}}, ["'vital-expert-infra:env'", "UPSTASH_REDIS_REST_URL", "the program sets it"]),
    "pool size out of range": ("production", {"supabasePoolSize": 5000}, ["'vital-expert-infra:supabasePoolSize'", "5000", "3000"]),
    "unknown backup policy": ("production", {"supabaseBackups": "hourly"}, ["'vital-expert-infra:supabaseBackups'", "'hourly'", "daily+pitr"]),
    "retired shared cache stack": ("preview", {"sharedCacheStack": "pre-production"}, ["'vital-expert-infra:sharedCacheStack'", "is retired", "every tier owns its Redis database"]),
    "pool larger than its compute": ("production", {"supabasePoolSize": 100}, ["'vital-expert-infra:supabasePoolSize'", "found 100", "1 to 36 on small compute"]),
    "pool of 0": ("preview", {"supabasePoolSize": 0}, ["'vital-expert-infra:supabasePoolSize'", "found 0", "1 to 24 on micro compute"]),
    "PITR on micro compute": ("production", {"supabaseBackups": "daily+pitr", "supabaseCompute": "micro", "supabasePoolSize": 20}, ["'vital-expert-infra:supabaseCompute'", "small or larger"]),
    "unknown compute": ("production", {"supabaseCompute": "huge"}, ["'vital-expert-infra:supabaseCompute'", "one of micro, small"]),
    "retired weekly backups": ("pre-production", {"supabaseBackups": "weekly"}, ["'vital-expert-infra:supabaseBackups'", "'weekly' is retired"]),
    "debug on a public custom domain": ("pre-production", {"vercelAuthentication": "standard_protection_new"}, ["'vital-expert-infra:vercelAuthentication'", "all_deployments while"]),
    "bad team slug": ("preview", {"vercelTeamSlug": "evil.vercel.app"}, ["'vital-expert-infra:vercelTeamSlug'", "the team's URL slug"]),
    "a domain listed twice": ("production", {"domains": ["app.vitalexpert.com", "app.vitalexpert.com"]},
                              ["'vital-expert-infra:domains'", "'app.vitalexpert.com'", "each domain once"]),
    "one app listing a domain twice": ("production", {"apps": [{"name": "web", "domains": ["a.vitalexpert.com", "a.vitalexpert.com"]}]},
                                       ["'vital-expert-infra:apps[0].domains'", "'a.vitalexpert.com'", "each domain once"]),
    "one domain on two apps": ("production", {"apps": [{"name": "web"}, {"name": "pharma", "domains": ["app.vitalexpert.com"]}]},
                               ["'vital-expert-infra:apps[1].domains'", "'app.vitalexpert.com'", "already in domains"]),
    "env keys that differ only in case": ("production", {"env": {"FOO": "1", "foo": "2"}},
                                          ["'vital-expert-infra:env'", "'foo'", "differ in more than case", "'FOO'"]),
    "an unquoted rotation date": ("production", {"secretRotation": {"vercelDeployToken": date(2026, 11, 2)}},
                                  ["secretRotation.vercelDeployToken", "2026-11-02 00:00:00 +0000 UTC"]),
    "malformed ciphertext": ("production", {"vercelDeployToken": {"secure": "v1:cGxhY2Vob2xkZXI=:c2V0IG1l"}},
                             ["stack 'production'", "'vital-expert-infra:vercelDeployToken'", "nonce is 11 bytes", "needs 12"]),
    "ciphertext shorter than the tag": ("production", {"vercelDeployToken": {"secure": "v1:AAAAAAAAAAAAAAAA:YWJj"}},
                                        ["'vital-expert-infra:vercelDeployToken'", "shorter than the 16-byte GCM tag"]),
    "ciphertext that is not base64": ("production", {"secretEnv": {"OPENAI_API_KEY": {"secure": "v1:%%%:abc"}}},
                                      ["'vital-expert-infra:secretEnv.OPENAI_API_KEY'", "not base64"]),
    "rate limit scope without api": ("production", {"rateLimitScope": ["pages"]}, ["'vital-expert-infra:rateLimitScope'", '["pages"]', '"api", optionally with "pages"']),
    "unknown rate limit scope": ("production", {"rateLimitScope": ["api", "static"]}, ["'vital-expert-infra:rateLimitScope[1]'", "'static'", "'api' or 'pages'"]),
    "rate limit scope as a string": ("production", {"rateLimitScope": "api"}, ["'vital-expert-infra:rateLimitScope'", "'api'", "a list"]),
    "public cache path under /api": ("production", {"publicCachePaths": ["/pricing", "/api/plans"]}, ["'vital-expert-infra:publicCachePaths'", "'/api/plans'", "outside /api"]),
    "public cache path of every page": ("production", {"publicCachePaths": ["/*"]}, ["'vital-expert-infra:publicCachePaths'", "'/*'", "a page path"]),
    "public cache path not a string": ("production", {"publicCachePaths": [7]}, ["configuration key 'publicCachePaths' must be of type 'array<string>'", "[7]"]),
    "cache header on every path": ("production", {"headers": {"cache-control": "s-maxage=600"}}, ["'vital-expert-infra:headers'", "'cache-control'", "publicCachePaths"]),
    "budget not a number": ("production", {"upstashBudget": "forty"}, ["'vital-expert-infra:upstashBudget'", "'forty'", "a whole number"]),
    "budget with cents": ("production", {"upstashBudget": 35.5}, ["'vital-expert-infra:upstashBudget'", "35.5", "a whole number"]),
    "budget below one dollar": ("production", {"upstashBudget": 0}, ["'vital-expert-infra:upstashBudget'", "0", "greater than or equal to 1"]),
    "one rollout stage": ("production", {"rolloutStages": [{"percent": 100}]}, ["'vital-expert-infra:rolloutStages'", "2 to 10 stages of rising percent ending at 100"]),
    "rollout not ending at 100": ("production", {"rolloutStages": [{"percent": 10, "minutes": 5}, {"percent": 60}]}, ["'vital-expert-infra:rolloutStages'", "ending at 100"]),
    "rollout stage without minutes": ("production", {"rolloutStages": [{"percent": 10}, {"percent": 100}]}, ["'vital-expert-infra:rolloutStages'", "minutes on every stage but the last"]),
    "rollout stage above 100": ("production", {"rolloutStages": [{"percent": 150, "minutes": 5}, {"percent": 100}]}, ["'vital-expert-infra:rolloutStages[0].percent'", "150", "less than or equal to 100"]),
    "rollout stage with an unknown field": ("production", {"rolloutStages": [{"percent": 10, "wait": 5}, {"percent": 100}]}, ["'vital-expert-infra:rolloutStages[0].wait'", "extra inputs are not permitted"]),
    "rolling releases on hobby": ("pre-production", {"vercelPlan": "hobby", "vercelAuthentication": "standard_protection_new", "rolloutStages": [{"percent": 10, "minutes": 5}, {"percent": 100}]}, ["'vital-expert-infra:rolloutStages'", "plan hobby"]),
    "unknown rollout advancement": ("production", {"rolloutAdvancement": "auto"}, ["'vital-expert-infra:rolloutAdvancement'", "'auto'", "'automatic' or 'manual-approval'"]),
    "unknown skew protection": ("production", {"skewProtection": "2 hours"}, ["'vital-expert-infra:skewProtection'", "'2 hours'", "12 hours"]),
    "skew protection on hobby": ("pre-production", {"vercelPlan": "hobby", "vercelAuthentication": "standard_protection_new", "skewProtection": "4 hours"}, ["'vital-expert-infra:skewProtection'", "plan hobby"]),
    "function failover not a boolean": ("production", {"functionFailover": "yes"}, ["'vital-expert-infra:functionFailover'", "'yes'", "true or false"]),
    "prioritise production builds not a boolean": ("production", {"prioritiseProductionBuilds": "always"}, ["configuration key 'prioritiseProductionBuilds' must be of type 'boolean'", '"always"']),
    "unknown build machine": ("production", {"buildMachineType": "huge"}, ["'vital-expert-infra:buildMachineType'", "'huge'", "enhanced"]),
    "node 20, retired on vercel": ("production", {"nodeVersion": "20.x"}, ["'vital-expert-infra:nodeVersion'", "'20.x'", "22.x or 24.x", "2026-10-01"]),
    "node version the provider refuses": ("preview", {"nodeVersion": "24"}, ["'vital-expert-infra:nodeVersion'", "'24'", "one of 22.x, 24.x"]),
    "production without reviewers where github enforces them": ("production", {"githubPlan": None}, ["'vital-expert-infra:requiredReviewers'", "found []", "1 to 6 GitHub user ids", "plan enterprise, private repository"]),
    "production without reviewers on a public repository": ("production", {"githubRepoVisibility": "public"}, ["'vital-expert-infra:requiredReviewers'", "plan team, public repository"]),
    "reviewers github would not enforce": ("production", {"requiredReviewers": [1234567]}, ["'vital-expert-infra:requiredReviewers'", "[1234567]", "allowed: [] on plan team, private repository"]),
    "environments on free with a private repository": ("preview", {"githubPlan": "free"}, ["'vital-expert-infra:githubRepoVisibility'", "'private'", "need Pro, Team or Enterprise"]),
    "internal repository outside enterprise": ("preview", {"githubRepoVisibility": "internal"}, ["'vital-expert-infra:githubRepoVisibility'", "'internal'", "only in Enterprise"]),
    "csp report uri over http": ("preview", {"cspReportUri": "http://reports.example.com/csp"}, ["'vital-expert-infra:cspReportUri'", "an https:// URL"]),
    "csp report uri breaking the header": ("preview", {"cspReportUri": "https://r.example.com/a;script-src *"}, ["'vital-expert-infra:cspReportUri'", "no spaces, quotes, commas or semicolons"]),
    "unknown github plan": ("preview", {"githubPlan": "business"}, ["'vital-expert-infra:githubPlan'", "'business'", "free, pro, team, enterprise"]),
    "share link to another tier's project": ("preview", {"shareLinks": [{"alias": "vital-expert-production-git-x-team.vercel.app"}]}, ["'vital-expert-infra:shareLinks[0].alias'", "vital-expert-production-git-x-team.vercel.app", "vital-expert-preview-git-<branch>-<team>.vercel.app"]),
    "share link to a plain deployment url": ("preview", {"shareLinks": [{"alias": "vital-expert-preview-a1b2c3-team.vercel.app"}]}, ["'vital-expert-infra:shareLinks[0].alias'", "a branch URL"]),
    "share links outside preview": ("pre-production", {"shareLinks": [{"alias": "vital-expert-dev-git-x-team.vercel.app"}]}, ["'vital-expert-infra:shareLinks'", "allowed: [] in tier pre-production"]),
    "share link living too long": ("preview", {"shareLinks": [{"alias": "vital-expert-preview-git-x-team.vercel.app", "expiresInDays": 731}]}, ["'vital-expert-infra:shareLinks[0].expiresInDays'", "731", "less than or equal to 730"]),
    "two share links on hobby": ("preview", {"vercelPlan": "hobby", "previewDeploymentSuffix": None, "shareLinks": [{"alias": "vital-expert-preview-git-a-t.vercel.app"}, {"alias": "vital-expert-preview-git-b-t.vercel.app"}]}, ["'vital-expert-infra:shareLinks'", "found 2", "at most 1 on plan hobby"]),
    "error alert not a boolean": ("production", {"errorAlert": "on"}, ["'vital-expert-infra:errorAlert'", "'on'", "true or false"]),
    "latency alert without observability plus": ("production", {"vercelAddons": None}, ["'vital-expert-infra:latencyAlertP95Ms'", "500", "observability_plus"]),
    "latency alert of zero": ("production", {"latencyAlertP95Ms": 0}, ["'vital-expert-infra:latencyAlertP95Ms'", "0", "greater than or equal to 1"]),
    "slack channel by name": ("production", {"alertSlackChannelId": "#alerts"}, ["'vital-expert-infra:alertSlackChannelId'", "'#alerts'", "C0123456789"]),
    "webhook url in plaintext": ("production", {"alertWebhookUrl": "https://hooks.example.com/sk_live_x"}, ["alertWebhookUrl", "encrypted value only"]),
    "vercel budget not a number": ("production", {"vercelBudget": "lots"}, ["'vital-expert-infra:vercelBudget'", "'lots'", "a whole number"]),
    "supabase budget below one dollar": ("production", {"supabaseBudget": 0}, ["'vital-expert-infra:supabaseBudget'", "0", "greater than or equal to 1"]),
    "production without required checks": ("production", {"requiredChecks": []}, ["'vital-expert-infra:requiredChecks'", "at least one check"]),
    # DNS (docs/dns.md): the committed stacks put vitalexpert.com on Vercel's nameservers.
    "dns on vercel without a zone": ("production", {"dnsZone": None}, ["'vital-expert-infra:dnsZone'", "nothing", "ns1.vercel-dns.com and ns2.vercel-dns.com", "dnsOnVercel is true"]),
    "a public suffix as the zone": ("production", {"dnsZone": "co.uk"}, ["'vital-expert-infra:dnsZone'", "'co.uk'", "not a public suffix"]),
    "dns switch not a boolean": ("production", {"dnsOnVercel": "yes"}, ["configuration key 'dnsOnVercel' must be of type 'boolean'", '"yes"']),
    "a domain outside the zone": ("production", {"domains": ["app.vitalexpert.org"]}, ["'vital-expert-infra:domains'", "'app.vitalexpert.org'", "vitalexpert.com or a name under it (dnsZone)"]),
    "an app's domain outside the zone": ("production", {"apps": [{"name": "web"}, {"name": "pharma", "domains": ["pharma.example.com"]}]},
                                         ["'vital-expert-infra:apps[1].domains'", "'pharma.example.com'", "vitalexpert.com or a name under it"]),
    "preview suffix with the zone elsewhere": ("preview", {"dnsOnVercel": False}, ["'vital-expert-infra:previewDeploymentSuffix'", "'preview.vitalexpert.com'", "set dnsOnVercel: true", "Using Vercel's Nameservers", "vercel.com/docs/deployments/preview-deployment-suffix"]),
    "preview suffix outside the zone": ("preview", {"dnsZone": "vitalexpert.org"}, ["'vital-expert-infra:previewDeploymentSuffix'", "'preview.vitalexpert.com'", "allowed: vitalexpert.org or a name under it"]),
    "bad app root": ("production", {"apps": [{"name": "pharma-app", "rootDirectory": "../elsewhere"}]}, ["vital-expert-infra:apps[0].rootDirectory", "relative folder"]),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_config_is_one_line_and_exit_2(case, tmp_path, capsys):
    stack, changes, expected = CASES[case]
    path = with_config(stack, tmp_path, **changes)
    assert main(["--stack", stack, "--config-file", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"synth: stack '{stack}'") or lines[0].startswith("synth: "), lines[0]
    for text in expected:
        assert text in lines[0], f"{text!r} not in {lines[0]!r}"
    for leaked in ("sk-live-123", "plain-token", "sk_live_x", "sbp_plain"):
        assert leaked not in captured.err


def test_production_without_its_team_token_is_one_line():
    """synth stands in for a secret not set yet; the program, under the CLI, refuses its absence."""
    from tests.program.config_support import DELETE, line, refused

    assert refused("production", {"vercelDeployToken": DELETE}) == line(
        "production", "vercelDeployToken", "'nothing'", "allowed: the token the app repository's production jobs use "
        "as VERCEL_TOKEN, set with `pulumi config set --secret vercelDeployToken`")


def test_duplicate_yaml_key_in_stack_file(tmp_path, capsys):
    text = (ROOT / "Pulumi.production.yaml").read_text()
    path = tmp_path / "Pulumi.production.yaml"
    path.write_text(text.replace("  github:owner: vital-expert\n", "  github:owner: vital-expert\n  github:owner: other\n"))
    assert main(["--stack", "production", "--config-file", str(path)]) == 2
    assert 'mapping key "github:owner" already defined at line' in capsys.readouterr().err


def test_nothing_is_registered_for_bad_config(tmp_path, monkeypatch):
    from tools import mockrt

    calls = []
    monkeypatch.setattr(mockrt, "run_program", lambda *a, **k: calls.append(a))
    path = with_config("production", tmp_path, functionTimeout=900)
    assert main(["--stack", "production", "--config-file", str(path)]) == 2
    assert calls == []


def test_the_program_itself_refuses_bad_config_before_registering(tmp_path):
    """Under the runtime (as with the CLI), the program ends with RunError and registers nothing."""
    import pulumi

    from vital import stackfile
    from tools.mockrt import run_program

    source = stackfile.read("production", with_config("production", tmp_path, functionTimeout=31))
    with pytest.raises(pulumi.RunError, match="functionTimeout"):
        run_program("production", source.config, source.secret_keys)


def test_usage_errors_exit_2_without_traceback(capsys):
    # One as a process (the exit code and stderr a shell sees), the others in this process.
    proc = subprocess.run([sys.executable, "-m", "tools.synth", "--stack", "all", "--config-file", "x.yaml"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    for argv in (["--format", "yaml"], ["--stack", "nosuch"]):
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, argv


def test_unknown_tier_on_an_other_named_stack(tmp_path, capsys):
    path = with_config("preview", tmp_path, tier="staging")
    assert main(["--stack", "qa", "--config-file", str(path)]) == 2
    err = capsys.readouterr().err
    assert "stack 'qa'" in err and "'staging'" in err and "one of production, pre-production, preview" in err


def test_an_other_named_stack_takes_its_tier_from_config(tmp_path, capsys):
    path = with_config("preview", tmp_path, tier="preview")
    assert main(["--stack", "qa", "--no-policy", "--config-file", str(path)]) == 0
    assert '"stack": "qa"' in capsys.readouterr().out


def test_missing_stack_file_names_it(tmp_path, capsys):
    assert main(["--stack", "production", "--config-file", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml: file not found" in capsys.readouterr().err


# A credential under a key that is not a secret one (pasted in the wrong place), and a secret set
# under a misspelled key: the line names the key and shows [secret], never the value.
CANARY_KEY = "sk-proj-" + "Zq9Wc4Rt7Yp2" * 3


@pytest.mark.parametrize("stack, changes, key", [
    ("production", {"domains": [CANARY_KEY]}, "'vital-expert-infra:domains[0]'"),
    ("production", {"vercel:team": CANARY_KEY}, "'vercel:team'"),
    ("production", {"functionTimeOut": {"secure": stored(CANARY_KEY)}}, "'vital-expert-infra:functionTimeOut'"),
    ("production", {"functionTimeOut": CANARY_KEY}, "'vital-expert-infra:functionTimeOut'"),
])
def test_a_secret_in_the_wrong_key_is_never_shown(stack, changes, key, tmp_path, capsys):
    assert main(["--stack", stack, "--config-file", str(with_config(stack, tmp_path, **changes))]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and key in err and "found [secret]" in err, err
    assert CANARY_KEY not in err and CANARY_KEY[:12] not in err
