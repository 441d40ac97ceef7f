"""The policy pack end to end through the Analyzer protocol, against the committed stacks rendered
under mocks: pulumi-policy's servicer driven in this process with the CLI's requests
(tools/policy/inprocess.py, synth's default). tests/tools/test_policy_paths.py holds the pack
launched as the CLI launches it (`python -u -m pulumi.policy <engine> .`, over gRPC) to the same
findings on every case here; the launch itself is tested below and in tests/tools/test_policy_runner.py."""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2_grpc

from tests.policies.helpers import PINNED_TODAY, of, render_committed, running_packs
from tools.mockrt import SECRET_SIG, SECRET_VALUE, UNKNOWN, Registration
from dev.pack_process import pack_python
from tools.policy.results import has_mandatory

from vital.names import PROJECT, TIERS as STACKS

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ("rate-limit", "max-duration", "noindex", "security-headers", "no-debug-in-production", "secrets", "cors",
            "isolation", "admin-allowlist", "preview-cleanup", "github-environments", "backups", "secret-rotation",
            "secret-rotation-due", "cache-safety", "data-budget", "release-gates", "slo-alerts", "cost-ceiling", "rls",
            "preview-access", "dns-records", "cache-isolation", "redirect-urls", "internal-access")


@pytest.fixture(scope="module")
def stacks():
    return render_committed()


@pytest.fixture(scope="module")
def packs(stacks):
    with running_packs(stacks) as started:
        yield started


@pytest.fixture(scope="module")
def committed(packs, stacks):
    """Each committed stack's result, judged once for every case below."""
    return {stack: packs[stack].run(stacks[stack][0].resources) for stack in stacks}


def resources(stacks, stack) -> list[Registration]:
    return copy.deepcopy(stacks[stack][0].resources)


def find(regs: list[Registration], name: str) -> Registration:
    return next(r for r in regs if r.name == name)


def env_var(regs: list[Registration], key: str) -> Registration:
    return next(r for r in regs if r.type.endswith(":ProjectEnvironmentVariable") and r.inputs.get("key") == key)


def wrapped(value: str) -> dict:
    return {SECRET_SIG: SECRET_VALUE, "value": value}


def cannot_run(result, policy: str) -> list[dict]:
    return [v for v in result["violations"] if v["policy"] == policy and v["message"].startswith("can't run policy")]


# ---- the pack as the CLI sees it --------------------------------------------------------------


def test_analyzer_info_lists_every_policy(packs):
    info = packs["production"].info
    assert info.name == "vital-expert-guardrails" and info.label == "vital-expert-guardrails@v0.1.0"
    assert sorted(p.name for p in info.policies) == sorted(POLICIES)
    levels = {p.name: p.enforcement_level for p in info.policies}
    assert levels.pop("preview-cleanup") == "advisory"
    assert levels.pop("secret-rotation-due") == "advisory"
    assert levels.pop("secret-rotation") == "advisory"  # an alarm, not a gate (vital/rotation.py)
    assert levels.pop("data-budget") == "advisory"
    assert set(levels.values()) == {"mandatory"}
    kinds = {p.name: p.kind for p in info.policies}
    assert kinds["rate-limit"] == "stack" and kinds["max-duration"] == "resource"
    rate = info.policy("rate-limit").properties["maxRequests"]
    assert rate["default"] == {"production": 100, "pre-production": 500, "preview": 1000}


@pytest.mark.parametrize("stack", STACKS)
def test_the_committed_stacks_have_no_mandatory_violation(packs, stacks, stack):
    result = packs[stack].run(stacks[stack][0].resources, PINNED_TODAY)
    assert result["pack"] == "vital-expert-guardrails@v0.1.0"
    assert [v for v in result["violations"] if v["enforcementLevel"] == "mandatory"] == []
    assert not has_mandatory(result)
    # Advisories are values the mocks leave unknown, as a real preview would, and production's
    # secrets, whose rotation the committed stack has never recorded.
    for v in result["violations"]:
        never = v["policy"] == "secret-rotation" and stack == "production" and "never recorded" in v["message"]
        assert never or v["message"].startswith(f"can't run policy '{v['policy']}'"), v


def test_the_pack_also_starts_from_the_repo_root():
    # `python -m pulumi.policy <engine> policies` with cwd = repo root; the engine address is
    # never dialled, so any string works.
    env = {**os.environ, "PULUMI_PROJECT": PROJECT, "PULUMI_STACK": "preview", "PULUMI_DRY_RUN": "true",
           "PULUMI_CONFIG": "{}"}
    proc = subprocess.Popen([str(pack_python()), "-u", "-m", "pulumi.policy", "no-engine-here", "policies"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        port = int(proc.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            info = analyzer_pb2_grpc.AnalyzerStub(channel).GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
        assert info.name == "vital-expert-guardrails" and len(info.policies) == len(POLICIES)
    finally:
        proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()


# ---- every rule, failing and passing, through the protocol ------------------------------------


def _edit(name, fn):
    def apply(regs):
        fn(find(regs, name))
    return apply


def _env(key, value=None, **inputs):
    def apply(regs):
        reg = env_var(regs, key)
        if value is not None:
            reg.inputs["value"] = wrapped(value)
        reg.inputs.update(inputs)
    return apply


def _unprotect(name):
    def apply(regs):
        find(regs, name).protect = False
    return apply


def _remove(name):
    def apply(regs):
        regs.remove(find(regs, name))
    return apply


def _rate(**rate_limit):
    return _edit("vital-expert-firewall",
                 lambda r: r.inputs["rules"]["rules"][0]["action"]["rateLimit"].update(rate_limit))


CASES = [
    ("production", "rate-limit", _rate(limit=200.0), "vital-expert-firewall",
     "200 requests per 600 s (= 300 per 900 s)"),
    ("pre-production", "max-duration",
     _edit("vital-expert-project", lambda r: r.inputs["resourceConfig"].update(functionDefaultTimeout=120.0)),
     "vital-expert-project", "functionDefaultTimeout is 120 s; allowed: 1 to 60 s"),
    ("production", "rate-limit",
     _edit("vital-expert-firewall", lambda r: r.inputs["rules"]["rules"][0]["conditionGroups"][0]["conditions"][0].update(
         op="pre", value="/")), "vital-expert-firewall", "counts static assets (/_next/static/a.js"),
    ("preview", "noindex",
     _edit("vital-expert-route-headers-rest", lambda r: r.inputs["route"]["headers"].pop("X-Robots-Tag")),
     "vital-expert-project", "no X-Robots-Tag: noindex on vital-expert-preview.vercel.app/api/x"),
    ("production", "noindex", _edit("vital-expert-route-headers-rest-other-hosts", lambda r: r.inputs["route"].pop("missings")),
     "vital-expert-route-headers-rest-other-hosts", "sends X-Robots-Tag: noindex on custom domains (app.vitalexpert.com)"),
    ("production", "security-headers",
     _edit("vital-expert-route-headers-static-app.vitalexpert.com",
           lambda r: r.inputs["route"]["headers"].pop("Strict-Transport-Security")),
     "vital-expert-project", "does not send on every path: Strict-Transport-Security; missing on app.vitalexpert.com/_next/image"),
    ("pre-production", "cache-safety",
     _edit("vital-expert-route-headers-rest", lambda r: r.inputs["route"]["headers"].update({"Cache-Control": "s-maxage=60"})),
     "vital-expert-route-headers-rest", "lets Vercel's CDN share api, pages, admin responses"),
    ("production", "data-budget", _edit("cache-production-redis", lambda r: r.inputs.pop("budget")),
     "cache-production-redis", "sets no budget (the provider's default)"),
    ("production", "release-gates", _remove("vital-expert-release-rolling-release"), "vital-expert-project",
     "no rolling release in stages"),
    ("production", "release-gates", _remove("vital-expert-release-check-type-check"), "vital-expert-project",
     "the alias does not wait for GitHub check 'type-check'"),
    ("production", "slo-alerts", _remove("vital-expert-alerts-latency"), "vital-expert-project",
     "no p95 latency alert at 500 ms or less"),
    ("pre-production", "slo-alerts", _remove("vital-expert-alerts-errors"), "vital-expert-project",
     "no alert on 5xx errors"),
    ("production", "no-debug-in-production", _env("NEXT_PUBLIC_ENABLE_MOCK_API", "true"),
     "vital-expert-env-next_public_enable_mock_api", "(NEXT_PUBLIC_ENABLE_MOCK_API) is set to something other than 'false' in tier production"),
    ("preview", "secrets", _env("OPENAI_API_KEY", sensitive=False),
     "vital-expert-env-openai_api_key", "(OPENAI_API_KEY) names a credential but is sensitive: False"),
    ("production", "cors", _env("CORS_ALLOWED_ORIGINS", "https://*.vitalexpert.com"),
     "vital-expert-env-cors_allowed_origins", "allows 1 wildcard origin(s)"),
    ("pre-production", "isolation",
     _edit("vital-expert-domain-dev.vitalexpert.com", lambda r: r.inputs.update(domain="app.vitalexpert.com")),
     "vital-expert-domain-dev.vitalexpert.com", "attaches 'app.vitalexpert.com' to tier pre-production"),
    ("production", "isolation", _unprotect("vital-expert-project"), "vital-expert-project",
     "is not protected (protect: false)"),
    ("pre-production", "admin-allowlist",
     _edit("vital-expert-firewall", lambda r: r.inputs["rules"]["rules"].pop(1)), "vital-expert-firewall",
     "admin routes /admin, /api/admin are not denied outside the allow-list"),
    ("preview", "preview-cleanup", _edit("vital-expert-retention", lambda r: r.inputs.update(expirationPreview="3m")),
     "vital-expert-retention", "expirationPreview is '3m' (90 days)"),
    ("production", "github-environments",
     _edit("production-branch-policy", lambda r: r.inputs.update(branchPattern="develop")),
     "production-environment", "has 1 deployment policies (branch 'develop')"),
    # The committed stacks say their zone is on Vercel's nameservers (dnsOnVercel), so each domain needs its record.
    ("production", "dns-records",
     _edit("dns-production-app.vitalexpert.com", lambda r: r.inputs.update(value="elsewhere.example.com")),
     "dns-production-app.vitalexpert.com", "name 'app', CNAME 'elsewhere.example.com'"),
    ("pre-production", "dns-records", _remove("dns-pre-production-dev.vitalexpert.com"),
     "vital-expert-domain-dev.vitalexpert.com", "(dev.vitalexpert.com) has no DnsRecord at its name"),
]


@pytest.mark.parametrize("stack, policy, mutate, resource, message", CASES,
                         ids=[f"{c[1]}-{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_fails_a_violation_and_passes_the_committed_stack(packs, stacks, committed, stack, policy, mutate,
                                                                    resource, message):
    pack = packs[stack]
    assert of(committed[stack], policy) == []
    regs = resources(stacks, stack)
    mutate(regs)
    found = of(pack.run(regs), policy)
    assert len(found) == 1, found
    level = "advisory" if policy in ("preview-cleanup", "data-budget", "cost-ceiling") else "mandatory"
    assert found[0]["enforcementLevel"] == level
    assert found[0]["urn"] == find(regs, resource).urn
    assert message in found[0]["message"]
    assert "\n" not in found[0]["message"]


def test_a_violation_never_shows_a_sensitive_value(packs, stacks):
    regs = resources(stacks, "production")
    reg = env_var(regs, "NEXT_PUBLIC_ENABLE_DEBUG")
    reg.inputs.update(value=wrapped("debug-token-Zq81"), sensitive=True)
    messages = " ".join(v["message"] for v in packs["production"].run(regs)["violations"])
    assert "NEXT_PUBLIC_ENABLE_DEBUG" in messages and "debug-token-Zq81" not in messages


# ---- values unknown during preview ------------------------------------------------------------


def test_an_unknown_value_is_reported_as_not_checkable(packs, stacks):
    regs = resources(stacks, "production")
    find(regs, "vital-expert-project").inputs["resourceConfig"]["functionDefaultTimeout"] = UNKNOWN
    find(regs, "vital-expert-firewall").inputs["rules"]["rules"][0]["action"]["rateLimit"]["window"] = UNKNOWN
    result = packs["production"].run(regs)
    duration, rate = cannot_run(result, "max-duration"), cannot_run(result, "rate-limit")
    assert of(result, "max-duration") == [] and of(result, "rate-limit") == []
    assert [v["enforcementLevel"] for v in duration + rate] == ["advisory", "advisory"]
    assert duration[0]["urn"] == find(regs, "vital-expert-project").urn
    assert ("can't run policy 'max-duration' from policy pack 'vital-expert-guardrails@v0.1.0' during preview: "
            "string value at .resourceConfig.functionDefaultTimeout can't be known during preview") == duration[0]["message"]
    assert rate[0]["message"].startswith("can't run policy 'rate-limit'")
    assert ".rules.rules.0.action.rateLimit.window" in rate[0]["message"]


# ---- pack config ------------------------------------------------------------------------------


def test_pack_config_changes_limits_and_levels(packs, stacks):
    pack, regs = packs["production"], stacks["production"][0].resources
    stricter = of(pack.run(regs, {"rate-limit": {"maxRequests": {"production": 50}}}), "rate-limit")
    assert [v["enforcementLevel"] for v in stricter] == ["mandatory"]
    assert "at most 50 requests per 900 s (tier production)" in stricter[0]["message"]
    bad = resources(stacks, "production")
    _rate(limit=200.0)(bad)
    assert [v["enforcementLevel"] for v in of(pack.run(bad, {"rate-limit": "advisory"}), "rate-limit")] == ["advisory"]
    assert of(pack.run(bad, {"rate-limit": {"enforcementLevel": "disabled"}}), "rate-limit") == []
    assert pack.run(bad, {"all": "disabled"})["violations"] == []
    # Configure replaces the previous config: the defaults are back.
    assert [v["enforcementLevel"] for v in of(pack.run(bad), "rate-limit")] == ["mandatory"]




def test_cost_ceiling_is_mandatory_on_the_modelled_costs(packs, stacks):
    """The committed stacks pass on their modelled costs; a budget over the tier's fails it."""
    from tools.policy.committed import committed

    pack = packs["production"]
    assert of(pack.run(stacks["production"][0].resources, committed()), "cost-ceiling") == []
    regs = resources(stacks, "production")
    _edit("cache-production-redis", lambda r: r.inputs.update(budget=45.0))(regs)
    found = of(pack.run(regs, committed()), "cost-ceiling")
    assert [v["enforcementLevel"] for v in found] == ["mandatory", "mandatory"]
    assert any("modelled upstash costs add up to 60 USD a month (production 45, pre-production 10, preview 5)"
               in v["message"] for v in found)
    assert [v["enforcementLevel"] for v in of(pack.run(regs, {"cost-ceiling": "advisory"}), "cost-ceiling")] == ["advisory"] * 2
