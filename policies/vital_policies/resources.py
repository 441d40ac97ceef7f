"""Reading the resources the program registers: type tokens, property access, project links.

A rule sees inputs in camelCase, numbers as floats and secrets already unwrapped, wrapped in
pulumi-policy's unknown-checking proxies: Mapping and Sequence objects (not dict and list)
whose item access raises UnknownValueError for a value not known during preview. These
helpers read only what a rule asks for and let that error through, so pulumi-policy reports
the rule as "can't run during preview" (advisory) rather than as a pass.

A rule checks for an unknown value before it reads one (is_unknown, peek) wherever its verdict
does not need that value during preview, so the advisory appears only where it does: there the
PR comment folds it under "waits for apply".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError

# Vercel (pulumiverse_vercel 5.21.1) and GitHub (pulumi_github 6.15.0) type tokens.
PROJECT = "vercel:index/project:Project"
ENV_VAR = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
ENV_VARS = "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables"
DOMAIN = "vercel:index/projectDomain:ProjectDomain"
ROUTE = "vercel:index/projectRoute:ProjectRoute"
FIREWALL = "vercel:index/firewallConfig:FirewallConfig"
RETENTION = "vercel:index/projectDeploymentRetention:ProjectDeploymentRetention"
DEPLOYMENT_CHECK = "vercel:index/projectDeploymentCheck:ProjectDeploymentCheck"
ROLLING_RELEASE = "vercel:index/projectRollingRelease:ProjectRollingRelease"
ALERT_RULE = "vercel:index/alertRule:AlertRule"
CUSTOM_ALERT_RULE = "vercel:index/customAlertRule:CustomAlertRule"
DNS_RECORD = "vercel:index/dnsRecord:DnsRecord"
GITHUB_ENVIRONMENT = "github:index/repositoryEnvironment:RepositoryEnvironment"
PROTECTION_BYPASS = "vercel:index/projectProtectionBypass:ProjectProtectionBypass"
GITHUB_ENVIRONMENT_SECRET = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret"
GITHUB_RULESET = "github:index/repositoryRuleset:RepositoryRuleset"
GITHUB_DEPLOYMENT_POLICY = "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy"
# GitHub secrets whose value goes in `value` / `valueEncrypted`; `plaintextValue` and
# `encryptedValue` are deprecated on all of them.
GITHUB_SECRETS = (
    "github:index/actionsSecret:ActionsSecret",
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    "github:index/actionsOrganizationSecret:ActionsOrganizationSecret",
    "github:index/dependabotSecret:DependabotSecret",
    "github:index/dependabotOrganizationSecret:DependabotOrganizationSecret",
)
# Data services: the Supabase settings (components/supabase/resource.py, a Python dynamic
# resource whose inputs keep their snake_case names), Upstash Redis (upstash_pulumi 0.5.0)
# and the stack reference through which a tier shares another tier's cache.
DYNAMIC = "pulumi-python:dynamic:Resource"
REDIS = "upstash:index/redisDatabase:RedisDatabase"
STACK_REFERENCE = "pulumi:pulumi:StackReference"

_UNKNOWN = object()


def keys(value: Any) -> set[str]:
    """A mapping's keys, read without touching its values (so no unknown is raised)."""
    return set(iter(value)) if isinstance(value, Mapping) else set()


def get(value: Any, key: str, default: Any = None) -> Any:
    """value[key], or `default` when it is absent or null; an unknown value raises."""
    if key not in keys(value):
        return default
    found = value[key]
    return default if found is None else found


def dig(value: Any, *path: str) -> Any:
    for key in path:
        value = get(value, key)
        if value is None:
            return None
    return value


def elements(value: Any) -> list[Any]:
    """A list's items ([] for anything else, strings included); an unknown item raises."""
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [value[i] for i in range(len(value))]
    return []


def is_set(value: Any, key: str) -> bool:
    """Whether a property is given. A value still unknown during preview is given."""
    if key not in keys(value):
        return False
    try:
        return value[key] is not None
    except UnknownValueError:
        return True


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def show_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def label(resource: Any) -> str:
    """How messages name a resource (a PolicyResource or ResourceValidationArgs): type and Pulumi name."""
    if is_supabase_settings(resource):
        return f"Supabase settings '{resource.name}'"
    return f"{resource.resource_type.rsplit(':', 1)[-1]} '{resource.name}'"


def is_supabase_settings(resource: Any) -> bool:
    """The Supabase settings resource: the one dynamic resource with a project_ref input.

    Every Python dynamic resource shares one type token, so it is told apart by its inputs
    (AnalyzeStack's outputs carry project_ref too).
    """
    return resource.resource_type == DYNAMIC and "project_ref" in keys(resource.props)


def is_unknown(value: Any, key: str) -> bool:
    """Whether value[key] is given but not known during preview, found without raising.

    A rule asks this before it reads a value whose verdict can wait: the value is then checked
    when it is known, in `pulumi up`, where the engine analyzes each resource before creating it.
    """
    return _peek(value, key) is _UNKNOWN


def peek(value: Any, key: str) -> Any:
    """value[key] for matching only: None when absent, null or not known during preview."""
    found = _peek(value, key)
    return None if found is _UNKNOWN else found


def _peek(value: Any, key: str) -> Any:
    """A value for matching only: unknown yields a marker that matches nothing."""
    try:
        return get(value, key)
    except UnknownValueError:
        return _UNKNOWN


class StackView:
    """The stack's resources, with each Vercel child resource linked to its project.

    A child (env var, domain, route, firewall, retention) names its project in `projectId`.
    During preview that id is unknown until the project exists, so the link is found, in
    order, from: the property dependency of `projectId` (what the engine records when the
    program passes `project.id`), the resource's dependencies, the project's `id` output
    when both ids are known, and finally the one project that shares the child's parent
    component. A child that none of these place and whose `projectId` is unknown makes any
    verdict about a project without such children "can't run during preview".
    """

    def __init__(self, resources: Iterable[PolicyResource]) -> None:
        self.resources = list(resources)
        self.projects = self.of_type(PROJECT)
        self._project_urns = {p.urn: p for p in self.projects}
        self._links: dict[str, tuple[dict[str, list[PolicyResource]], list[PolicyResource]]] = {}

    def of_type(self, *types: str) -> list[PolicyResource]:
        return [r for r in self.resources if r.resource_type in types]

    def children(self, project: PolicyResource, type_token: str) -> list[PolicyResource]:
        if type_token not in self._links:
            self._links[type_token] = self._link(type_token)
        linked, unplaced = self._links[type_token]
        found = linked.get(project.urn, [])
        if not found and unplaced:
            # Reading the unknown projectId again raises UnknownValueError with its path.
            get(unplaced[0].props, "projectId")
        return found

    def _link(self, type_token: str) -> tuple[dict[str, list[PolicyResource]], list[PolicyResource]]:
        linked: dict[str, list[PolicyResource]] = {}
        unplaced: list[PolicyResource] = []
        for child in self.of_type(type_token):
            project = self._project_of(child)
            if project is not None:
                linked.setdefault(project.urn, []).append(child)
            elif _peek(child.props, "projectId") is _UNKNOWN:
                unplaced.append(child)
        return linked, unplaced

    def _project_of(self, child: PolicyResource) -> PolicyResource | None:
        for dep in child.property_dependencies.get("projectId", []):
            if dep.urn in self._project_urns:
                return dep
        among_deps = [d for d in child.dependencies if d.urn in self._project_urns]
        if len(among_deps) == 1:
            return among_deps[0]
        project_id = _peek(child.props, "projectId")
        if isinstance(project_id, str):
            by_id = [p for p in self.projects if _peek(p.props, "id") == project_id]
            if len(by_id) == 1:
                return by_id[0]
        parent = parent_urn(child)
        if parent:
            siblings = [p for p in self.projects if parent_urn(p) == parent]
            if len(siblings) == 1:
                return siblings[0]
        return None


def parent_urn(resource: PolicyResource) -> str | None:
    if resource.parent is not None:
        return resource.parent.urn
    return resource.opts.parent if resource.opts is not None else None
