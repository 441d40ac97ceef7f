"""Helpers for the policy pack's tests: a small fake stack in the program's shapes, and the
argument objects pulumi-policy builds for a rule (same deserialization and proxies)."""

from __future__ import annotations

import copy
import functools
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pulumi
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import unknown_checking_proxy

from vital import pulumi_internals

ROOT = Path(__file__).resolve().parents[2]

from vital.names import PROJECT, TIERS  # noqa: E402
SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270"
# What the engine sends for a string not known during preview (pulumi.runtime.rpc.UNKNOWN).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

T_PROJECT = "vercel:index/project:Project"
T_ENV = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
T_ENVS = "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables"
T_DOMAIN = "vercel:index/projectDomain:ProjectDomain"
T_ROUTE = "vercel:index/projectRoute:ProjectRoute"
T_FIREWALL = "vercel:index/firewallConfig:FirewallConfig"
T_RETENTION = "vercel:index/projectDeploymentRetention:ProjectDeploymentRetention"
T_GH_ENV = "github:index/repositoryEnvironment:RepositoryEnvironment"
T_GH_POLICY = "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy"
T_GH_ENV_SECRET = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret"
T_GH_SECRET = "github:index/actionsSecret:ActionsSecret"
T_GH_RULESET = "github:index/repositoryRuleset:RepositoryRuleset"


def ruleset_fake(branch: str, approvals: int, enforcement: str = "active") -> Fake:
    """The ruleset the tier's GitHubBranch component registers on its branch."""
    return Fake(T_GH_RULESET, f"{branch}-ruleset", {
        "name": f"{branch} protection", "repository": "vital-expert", "target": "branch", "enforcement": enforcement,
        "conditions": {"refName": {"includes": [f"refs/heads/{branch}"], "excludes": []}},
        "rules": {"deletion": True, "nonFastForward": True,
                  "pullRequest": {"requiredApprovingReviewCount": float(approvals), "dismissStaleReviewsOnPush": True,
                                  "requireLastPushApproval": approvals > 0}}},
        component=f"vital:github:GitHubBranch::{branch}")


def secret(value: Any) -> dict[str, Any]:
    return {SECRET_SIG: SECRET_VALUE, "value": value}


@dataclass
class Fake:
    """One registered resource, as tools.mockrt.Registration records it (inputs as the engine gets them)."""

    type: str
    name: str
    inputs: dict[str, Any]
    component: str = "vital:vercel:VercelApp::vital-expert"
    protect: bool = False
    # property -> names of the Fakes it depends on
    deps: dict[str, list[str]] = field(default_factory=dict)
    stack: str = "production"

    @property
    def urn(self) -> str:
        comp_type = self.component.split("::")[0]
        return f"urn:pulumi:{self.stack}::{PROJECT}::{comp_type}${self.type}::{self.name}"

    @property
    def parent_urn(self) -> str:
        comp_type, comp_name = self.component.split("::")
        return f"urn:pulumi:{self.stack}::{PROJECT}::{comp_type}::{comp_name}"  # a top-level component: no root stack type


PROJECT_ID = "prj_0123456789abcdef01234567"


def fake_stack(tier: str) -> list[Fake]:
    """A one-app stack in the shapes the program registers (see `python -m tools.synth`)."""
    from vital.tiers import TIER_DEFAULTS

    t = TIER_DEFAULTS[tier]
    on_project = {"projectId": ["vital-expert-project"]}
    window = 600
    limit = t.rate_limit_requests * window // 900
    rules = [{
        "active": True, "name": "rate-limit-per-ip",
        "description": f"{t.rate_limit_requests} requests per 900 s per IP",
        "conditionGroups": [{"conditions": [{"value": "^/api(?:/|$)", "type": "path", "op": "re"}]}],
        "action": {"action": "rate_limit", "rateLimit": {"limit": float(limit), "keys": ["ip"], "algo": "fixed_window",
                                                           "window": float(window), "action": "rate_limit"}},
    }]
    if tier == "pre-production":
        rules.append({
            "active": True, "name": "admin-allowlist", "description": "Deny admin routes outside the allow-list",
            "conditionGroups": [{"conditions": [
                {"value": "^/(admin|api/admin)(/|$)", "type": "path", "op": "re"},
                {"type": "ip_address", "op": "inc", "values": ["203.0.113.0/24"], "neg": True}]}],
            "action": {"action": "deny"},
        })
    domain = {"production": "app.vitalexpert.com", "pre-production": "dev.vitalexpert.com"}.get(tier)
    env = dict(t.env)
    env["CORS_ALLOWED_ORIGINS"] = ",".join(t.cors_allowed_origins)
    fakes = [
        Fake(T_PROJECT, "vital-expert-project", {
            "name": f"vital-expert-{t.project_suffix}", "framework": "nextjs",
            "resourceConfig": {"functionDefaultRegions": ["iad1"], "functionDefaultTimeout": float(t.function_timeout_s),
                               "fluid": True},
            "gitRepository": {"productionBranch": t.production_branch, "type": "github", "repo": "vital-expert/vital-expert"},
            "vercelAuthentication": {"deploymentType": t.vercel_authentication},
            "previewDeploymentsDisabled": not t.builds_pr_branches,
            "ignoreCommand": ('[ "$VERCEL_GIT_COMMIT_REF" = "main" ] || [ "$VERCEL_GIT_COMMIT_REF" = "pre-production" ]'
                              if t.builds_pr_branches else f'[ "$VERCEL_GIT_COMMIT_REF" != "{t.production_branch}" ]'),
        }, protect=t.protect),
        *[Fake(T_ENV, f"vital-expert-env-{k.lower()}", {"key": k, "value": secret(v), "sensitive": False,
                                                          "projectId": PROJECT_ID, "targets": ["production"]},
               deps=on_project) for k, v in sorted(env.items())],
        Fake(T_ENV, "vital-expert-env-openai_api_key", {
            "key": "OPENAI_API_KEY", "value": secret("sk-placeholder-openai"), "sensitive": True,
            "projectId": PROJECT_ID, "targets": ["production"]}, deps=on_project),
        *route_fakes(tier, domain),
        Fake(T_FIREWALL, "vital-expert-firewall", {"enabled": True, "projectId": PROJECT_ID, "rules": {"rules": rules}},
             deps=on_project),
        Fake(T_RETENTION, "vital-expert-retention", {
            "expirationPreview": "1m", "expirationProduction": "1y", "expirationErrored": "3m",
            "expirationCanceled": "1m", "projectId": PROJECT_ID}, deps=on_project),
        Fake(T_GH_ENV, f"{tier}-environment", {
            "repository": "vital-expert", "environment": tier, "canAdminsBypass": not t.protect,
            **({"reviewers": [{"users": [1234567]}], "preventSelfReview": True} if t.requires_approval else {}),
            **({} if t.builds_pr_branches else
               {"deploymentBranchPolicy": {"protectedBranches": False, "customBranchPolicies": True}})},
            component=f"vital:github:GitHubEnvironment::{tier}", protect=t.protect),
        Fake(T_GH_ENV_SECRET, f"{tier}-secret-vercel_token", {
            "repository": "vital-expert", "environment": tier, "secretName": "VERCEL_TOKEN",
            "value": secret("vercel-token-placeholder")},
            component=f"vital:github:GitHubEnvironment::{tier}", deps={"environment": [f"{tier}-environment"]}),
    ]
    if not t.builds_pr_branches:
        fakes.append(Fake(T_GH_POLICY, f"{tier}-branch-policy", {
            "repository": "vital-expert", "environment": tier, "branchPattern": t.production_branch},
            component=f"vital:github:GitHubEnvironment::{tier}", deps={"environment": [f"{tier}-environment"]}))
    if domain:
        fakes.append(Fake(T_DOMAIN, f"vital-expert-domain-{domain}", {"projectId": PROJECT_ID, "domain": domain},
                          protect=t.protect, deps=on_project))
    fakes += release_fakes(tier)
    if t.automation_bypass:
        fakes += bypass_fakes(tier)
    for f in fakes:
        f.stack = tier
    return fakes


T_BYPASS = "vercel:index/projectProtectionBypass:ProjectProtectionBypass"


def bypass_fakes(tier: str) -> list[Fake]:
    """The automation bypass on the project and the environment secret wired from it."""
    return [
        Fake(T_BYPASS, f"access-{tier}-bypass-vital-expert", {"projectId": PROJECT_ID, "note": "GitHub Actions end-to-end runs"},
             component=f"vital:vercel:PreviewAccess::access-{tier}", deps={"projectId": ["vital-expert-project"]}),
        Fake(T_GH_ENV_SECRET, f"{tier}-secret-vercel_automation_bypass_secret", {
            "repository": "vital-expert", "environment": tier, "secretName": "VERCEL_AUTOMATION_BYPASS_SECRET",
            "value": secret("bypass-placeholder")},
            component=f"vital:github:GitHubEnvironment::{tier}",
            deps={"environment": [f"{tier}-environment"], "value": [f"access-{tier}-bypass-vital-expert"]}),
    ]


T_CHECK = "vercel:index/projectDeploymentCheck:ProjectDeploymentCheck"
T_ROLLING = "vercel:index/projectRollingRelease:ProjectRollingRelease"
T_ALERT = "vercel:index/alertRule:AlertRule"
T_CUSTOM_ALERT = "vercel:index/customAlertRule:CustomAlertRule"


def release_fakes(tier: str) -> list[Fake]:
    """Release gates and alerts as the program registers them (components/release.py, components/alerts.py)."""
    from vital.tiers import TIER_DEFAULTS

    t = TIER_DEFAULTS[tier]
    on_project = {"projectId": ["vital-expert-project"]}
    release, alerts = "vital:vercel:ReleaseGates::vital-expert-release", "vital:vercel:ProjectAlerts::vital-expert-alerts"
    fakes = []
    if t.gates_releases:
        fakes += [Fake(T_CHECK, f"vital-expert-release-check-{check}", {
            "projectId": PROJECT_ID, "name": f"GitHub: {check}", "requires": "none", "blocks": "deployment-alias",
            "targets": ["production"], "isRerequestable": False,
            "source": {"kind": "git-provider", "provider": "github", "externalCheckName": check}},
            component=release, deps=on_project) for check in ("type-check", "test")]
    if t.rollout_stages:
        fakes.append(Fake(T_ROLLING, "vital-expert-release-rolling-release", {
            "projectId": PROJECT_ID, "advancementType": "automatic",
            "stages": [{"targetPercentage": float(s["percent"]), **({"duration": float(s["minutes"])} if "minutes" in s else {})}
                       for s in t.rollout_stages]}, component=release, deps=on_project))
    if t.error_alert:
        fakes.append(Fake(T_ALERT, "vital-expert-alerts-errors", {
            "type": "built-in", "name": "errors", "matchMinimumSeverityLevel": "medium",
            "ruleScope": {"type": "include", "projectIds": [PROJECT_ID]},
            "triggers": [{"type": "error_anomaly", "filter": "statusGroup:5xx"}]},
            component=alerts, deps={"ruleScope": ["vital-expert-project"]}))
    if t.latency_alert_p95_ms:
        fakes.append(Fake(T_CUSTOM_ALERT, "vital-expert-alerts-latency", {
            "projectId": PROJECT_ID, "name": "latency", "severity": "medium",
            "evaluation": {"window": "5m", "query": {"outputs": ["p95"], "metrics": {"p95": {
                "metric": "vercel.function_invocation.request_duration_ms", "aggregation": "p95"}}}},
            "trigger": {"type": "threshold", "output": "p95", "operator": "gt", "threshold": float(t.latency_alert_p95_ms)}},
            component=alerts, deps=on_project))
    return fakes


CACHE = {"build": "public, max-age=31536000, immutable", "static": None, "rest": "private, no-store"}


def route_fakes(tier: str, domain: str | None) -> list[Fake]:
    """The header routes the program registers (program/vercel_rules.py): one per route group, and
    on production one for its custom domain and one for every other host."""
    from vital.paths import route_patterns
    from vital.tiers import TIER_DEFAULTS

    t = TIER_DEFAULTS[tier]
    base = {"X-Content-Type-Options": "nosniff"}
    if t.security_headers:
        base.update({"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
                     "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload", "X-Frame-Options": "DENY"})
    else:
        base["X-Frame-Options"] = "SAMEORIGIN"
    if t.csp_report_only and not t.security_headers:
        from vital.tiers import SHARED  # production's CSP, reported before production

        base["Content-Security-Policy-Report-Only"] = SHARED["content_security_policy"]
    if t.noindex or not domain:
        variants = [("", {}, True)]
    else:
        host = [{"type": "host", "value": domain}]
        variants = [(f"-{domain}", {"has": host}, False), ("-other-hosts", {"missings": host}, True)]
    fakes = []
    for group, src in route_patterns(()).items():
        for suffix, conditions, noindex in variants:
            headers = {**base, **({"X-Robots-Tag": "noindex, nofollow"} if noindex else {}),
                       **({"Cache-Control": CACHE[group]} if CACHE[group] else {})}
            name = f"headers-{group}{suffix}"
            fakes.append(Fake(T_ROUTE, f"vital-expert-route-{name}", {
                "name": name, "projectId": PROJECT_ID, "srcSyntax": "regex",
                "route": {"src": src, "headers": headers, **conditions}}, deps={"projectId": ["vital-expert-project"]}))
    return fakes


def find(fakes: list[Fake], name: str) -> Fake:
    return next(f for f in fakes if f.name == name)


def without(fakes: list[Fake], *names: str) -> list[Fake]:
    return [f for f in fakes if f.name not in names]


def changed(fakes: list[Fake], name: str, edit: Callable[[dict[str, Any]], None]) -> list[Fake]:
    """A deep copy of the stack with one resource's inputs edited in place by `edit`."""
    out = copy.deepcopy(fakes)
    edit(find(out, name).inputs)
    return out


# ---- what pulumi-policy hands a rule ---------------------------------------------------------------


def _props(inputs: dict[str, Any]):
    # As _PolicyAnalyzerServicer.Analyze: deserialize (secrets unwrapped), then wrap in the
    # unknown-checking proxy.
    return unknown_checking_proxy(deserialize_properties(copy.deepcopy(inputs)))


def _opts(fake: Fake) -> PolicyResourceOptions:
    return PolicyResourceOptions(fake.protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], fake.parent_urn)


def resource_args(fake: Fake, config: dict[str, Any] | None = None) -> ResourceValidationArgs:
    return ResourceValidationArgs(fake.type, _props(fake.inputs), fake.urn, fake.name, _opts(fake), None, config)


def stack_args(fakes: list[Fake], config: dict[str, Any] | None = None) -> StackValidationArgs:
    """As AnalyzeStack: PolicyResources with parents and (property) dependencies linked by URN."""
    by_name = {f.name: f for f in fakes}
    resources = {f.urn: PolicyResource(f.type, _props(f.inputs), f.urn, f.name, _opts(f), None, None, [], {})
                 for f in fakes}
    for f in fakes:
        r = resources[f.urn]
        for prop, names in f.deps.items():
            deps = [resources[by_name[n].urn] for n in names if n in by_name]
            r.property_dependencies[prop] = deps
            r.dependencies.extend(d for d in deps if d not in r.dependencies)
    return StackValidationArgs(list(resources.values()), config)


@dataclass
class Reported:
    message: str
    urn: str | None


def run(validate: Callable, args) -> list[Reported]:
    """Call a rule's validate function directly; the violations it reports."""
    found: list[Reported] = []
    validate(args, lambda message, urn=None: found.append(Reported(message, urn)))
    return found


def run_each(validate: Callable, fakes: list[Fake], config: dict[str, Any] | None = None) -> list[Reported]:
    """A resource rule over every resource of a stack, as Analyze calls it per resource."""
    found: list[Reported] = []
    for fake in fakes:
        found += [Reported(r.message, fake.urn) for r in run(validate, resource_args(fake, config))]
    return found


def not_applicable(validate: Callable, args) -> str | None:
    """The reason a rule gives for not applying (args.not_applicable), or None if it ran."""
    try:
        validate(args, lambda message, urn=None: None)
    except pulumi_internals.not_applicable_error() as err:
        return err.reason
    return None


@contextmanager
def stack_runtime(stack: str, config: dict[str, str] | None = None) -> Iterator[None]:
    """Point pulumi.get_stack() / pulumi.Config at a stack, as pulumi-policy does before each call."""
    with pulumi_internals.stack_runtime(PROJECT, stack, config):
        assert pulumi.get_stack() == stack
        yield


# ---- data services and secret rotation (backups, secret-rotation, isolation's data checks) --------

T_SUPABASE = "pulumi-python:dynamic:Resource"
T_REDIS = "upstash:index/redisDatabase:RedisDatabase"
T_STACK_REF = "pulumi:pulumi:StackReference"
# Each tier's project ref as its committed Pulumi.<tier>.yaml sets it.
SUPABASE_REFS = {"production": "vitalprodxxxxxxxxxxx", "pre-production": "vitaldevxxxxxxxxxxxx",
                 "preview": "vitalpreviewxxxxxxxx"}
SHARED_CACHE = "organization/vital-expert-infra/pre-production"


def data_fakes(tier: str) -> list[Fake]:
    """The data-service resources a tier registers: Supabase settings, and its Redis database or
    the StackReference to the cache it shares (see `python -m tools.synth`)."""
    from vital.tiers import TIER_DEFAULTS

    t = TIER_DEFAULTS[tier]
    fakes = [Fake(T_SUPABASE, f"supabase-{tier}-settings", {
        "project_ref": SUPABASE_REFS[tier], "backup_policy": t.backups, "default_pool_size": float(t.pool_size),
        "api_url": "https://api.supabase.com",
        "__provider": secret("pickled-provider")},
        component=f"vital:supabase:SupabaseProject::supabase-{tier}", protect=t.protect)]
    if t.owns_cache:
        fakes.append(Fake(T_REDIS, f"cache-{tier}-redis", {
            "databaseName": f"vital-expert-{t.project_suffix}", "region": "global", "primaryRegion": "us-east-1",
            "tls": True, "eviction": not t.protect, "budget": float(t.upstash_budget_usd)}, component=f"vital:upstash:UpstashCache::cache-{tier}",
            protect=t.protect))
    else:
        fakes.append(Fake(T_STACK_REF, f"cache-{tier}-shared", {"name": SHARED_CACHE},
                          component=f"vital:upstash:UpstashCache::cache-{tier}"))
    for f in fakes:
        f.stack = tier
    return fakes


def rotation_config(rotated: dict[str, str] | None, secret_env: tuple[str, ...] = ("OPENAI_API_KEY",),
                    **more: str) -> dict[str, str]:
    """Stack config as the CLI passes it (objects as JSON strings): secretEnv with these keys (placeholder
    values) and secretRotation (None: unset)."""
    import json

    config = {f"{PROJECT}:secretEnv": json.dumps({k: f"value-of-{k.lower()}-do-not-print" for k in secret_env}),
              f"{PROJECT}:vercelDeployToken": "vercel-token-do-not-print",
              f"{PROJECT}:supabaseDbUrl": "postgresql://db-url-do-not-print"}
    if rotated is not None:
        config[f"{PROJECT}:secretRotation"] = json.dumps(rotated)
    config.update({f"{PROJECT}:{k}": v for k, v in more.items()})
    return config


def of(result, policy: str) -> list[dict]:
    """A policy's violations, without "can't run during preview" advisories for values the mocks leave unknown."""
    return [v for v in result["violations"] if v["policy"] == policy and not v["message"].startswith("can't run policy")]


# ---- the committed stacks and running packs, shared by the end-to-end tests -------------------

# Rotation ages count to this day in tests, so the committed rotation dates never age out.
PINNED_TODAY = {"secret-rotation": {"today": "2026-11-25"}, "secret-rotation-due": {"today": "2026-11-25"}}


def render_committed(stacks: tuple[str, ...] = TIERS) -> dict[str, tuple]:
    """Each committed stack rendered as the CLI would run it: (Rendered, stack config).

    Rendered once per test process (several modules judge the same committed stacks); each
    caller gets its own deep copy, so no test sees another's changes.
    """
    return copy.deepcopy({stack: _committed(stack) for stack in stacks})


@functools.cache
def _committed(stack: str) -> tuple:
    from tools.synth import read_source
    from tools.mockrt import run_program

    source = read_source(stack)
    return run_program(stack, source.config, source.secret_keys), source.config


@contextmanager
def running_packs(specs: dict[str, tuple[Any, dict[str, str]]], process: bool = False) -> Iterator[dict[str, Any]]:
    """One ready pack per entry; specs: name -> (Rendered, stack config).

    By default pulumi-policy's servicer in this process (tools/policy/inprocess.py, synth's
    default); with `process`, one pack process each, launched as the CLI launches it
    (PULUMI_STACK is per process). tests/tools/test_policy_paths.py holds the two to the same findings.
    """
    if process:
        from dev.pack_process import spawned

        with spawned((r.project, r.stack, config) for r, config in specs.values()) as packs:
            for pack in packs:
                pack.wait_ready()
            yield dict(zip(specs, packs))
        return
    from tools.policy.inprocess import InProcessPack

    yield {name: InProcessPack(r.project, r.stack, config).start() for name, (r, config) in specs.items()}
