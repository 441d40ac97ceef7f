"""The pack's reading helpers (policies/vital_policies/resources.py), called directly: type tokens,
property access through pulumi-policy's proxies, labels, and how a child finds its project.
Pure function calls: `make mutate` runs this file first for resources.py.
"""

from __future__ import annotations

import inspect

import pulumi
import pulumi_github
import pulumiverse_vercel
import pytest
import upstash_pulumi
from pulumi_policy import PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions

from tests.policies.helpers import UNKNOWN, _props
from vital_policies import resources as r

# Each token the pack matches on, held to the provider SDK class that registers it (its own source).
TOKENS = [
    (r.PROJECT, pulumiverse_vercel.Project), (r.ENV_VAR, pulumiverse_vercel.ProjectEnvironmentVariable),
    (r.ENV_VARS, pulumiverse_vercel.ProjectEnvironmentVariables), (r.DOMAIN, pulumiverse_vercel.ProjectDomain),
    (r.ROUTE, pulumiverse_vercel.ProjectRoute), (r.FIREWALL, pulumiverse_vercel.FirewallConfig),
    (r.RETENTION, pulumiverse_vercel.ProjectDeploymentRetention),
    (r.DEPLOYMENT_CHECK, pulumiverse_vercel.ProjectDeploymentCheck),
    (r.ROLLING_RELEASE, pulumiverse_vercel.ProjectRollingRelease), (r.ALERT_RULE, pulumiverse_vercel.AlertRule),
    (r.CUSTOM_ALERT_RULE, pulumiverse_vercel.CustomAlertRule), (r.DNS_RECORD, pulumiverse_vercel.DnsRecord),
    (r.PROTECTION_BYPASS, pulumiverse_vercel.ProjectProtectionBypass),
    (r.GITHUB_ENVIRONMENT, pulumi_github.RepositoryEnvironment),
    (r.GITHUB_ENVIRONMENT_SECRET, pulumi_github.ActionsEnvironmentSecret),
    (r.GITHUB_RULESET, pulumi_github.RepositoryRuleset),
    (r.GITHUB_DEPLOYMENT_POLICY, pulumi_github.RepositoryEnvironmentDeploymentPolicy),
    (r.REDIS, upstash_pulumi.RedisDatabase),
    *[(token, getattr(pulumi_github, token.rsplit(":", 1)[-1])) for token in r.GITHUB_SECRETS],
    (r.STACK_REFERENCE, pulumi.StackReference),
]


@pytest.mark.parametrize("token, cls", TOKENS, ids=[t for t, _ in TOKENS])
def test_each_type_token_is_the_one_its_sdk_registers(token, cls):
    assert f'"{token}"' in inspect.getsource(cls) or f"'{token}'" in inspect.getsource(cls)


def test_the_dynamic_resource_token_is_the_one_the_settings_resource_registers():
    # pulumi/dynamic/dynamic.py: `f"pulumi-python:{self._resource_type_name}"`, set per subclass (__init_subclass__).
    from components.supabase.resource import SupabaseProjectSettings

    assert r.DYNAMIC == f"pulumi-python:{SupabaseProjectSettings._resource_type_name}"


def test_get_dig_and_elements_read_through_the_proxies():
    props = _props({"a": {"b": [1, 2]}, "none": None, "text": "abc", "unknown": UNKNOWN})
    assert r.get(props, "missing", 5) == 5 and r.get(props, "none", 5) == 5 and r.get(props, "text") == "abc"
    assert r.elements(r.dig(props, "a", "b")) == [1, 2] and r.dig(props, "missing", "b") is None
    assert r.elements(r.dig(props, "a", "b")) == [1, 2]
    assert r.elements("abc") == [] and r.elements(b"ab") == [] and r.elements(None) == []
    assert r.keys(props) == {"a", "none", "text", "unknown"} and r.keys("abc") == set()
    assert r.is_set(props, "unknown") and r.is_set(props, "text") and not r.is_set(props, "none")
    assert not r.is_set(props, "missing")
    assert r.is_unknown(props, "unknown") and not r.is_unknown(props, "text") and not r.is_unknown(props, "missing")
    assert r.peek(props, "unknown") is None and r.peek(props, "text") == "abc"


@pytest.mark.parametrize("value, shown", [(2.0, "2"), (2.5, "2.5"), (1e-05, "1e-05"), (1234567.0, "1234567")])
def test_show_number(value, shown):
    assert r.show_number(value) == shown


def test_number_is_a_number_but_never_a_bool():
    assert r.number(3) == 3.0 and r.number(2.5) == 2.5 and r.number(True) is None and r.number("3") is None


def _resource(type_, name="x", props=None, parent=None, opts_parent=None, deps=(), prop_deps=None, opts=True):
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], opts_parent) if opts else None
    return PolicyResource(type_, _props(props or {}), f"urn:pulumi:s::p::{type_}::{name}", name, options, None,
                          parent, list(deps), dict(prop_deps or {}))


def test_a_label_names_the_type_and_the_supabase_settings_by_their_role():
    assert r.label(_resource(r.PROJECT, "web")) == "Project 'web'"
    assert r.label(_resource(r.DYNAMIC, "db", {"project_ref": "a" * 20})) == "Supabase settings 'db'"
    assert r.label(_resource(r.DYNAMIC, "other", {"name": "x"})) == "Resource 'other'"
    assert r.is_supabase_settings(_resource(r.DYNAMIC, props={"project_ref": "x"}))
    assert not r.is_supabase_settings(_resource(r.DYNAMIC, props={"ref": "x"}))
    assert not r.is_supabase_settings(_resource(r.REDIS, props={"project_ref": "x"}))


def test_parent_urn_is_the_parent_or_the_options_parent():
    parent = _resource("vital:x:Comp", "comp")
    assert r.parent_urn(_resource(r.ENV_VAR, parent=parent, opts_parent="urn:other")) == parent.urn
    assert r.parent_urn(_resource(r.ENV_VAR, opts_parent="urn:from-options")) == "urn:from-options"
    assert r.parent_urn(_resource(r.ENV_VAR, opts=False)) is None


def _view_and(child_kwargs, projects=2, project_parent=None):
    made = [_resource(r.PROJECT, f"p{i}", {"name": f"p{i}"}, opts_parent=project_parent if i == 0 else f"urn:c{i}")
            for i in range(projects)]
    child = _resource(r.ENV_VAR, "child", {"projectId": UNKNOWN, "key": "K"}, **child_kwargs(made))
    return r.StackView([*made, child]), made


@pytest.mark.parametrize("kwargs, found", [
    (lambda p: {"prop_deps": {"projectId": [p[1]]}, "deps": [p[0], p[1]]}, 1),  # the property dependency decides
    (lambda p: {"deps": [p[1]]}, 1),  # one project among the dependencies
    (lambda p: {"opts_parent": "urn:comp"}, 0),  # the one project under the same component
])
def test_a_child_finds_its_project(kwargs, found):
    view, made = _view_and(kwargs, project_parent="urn:comp")
    assert view.children(made[found], r.ENV_VAR)[0].name == "child"
    assert view.children(made[1 - found], r.ENV_VAR) == []


def test_a_child_no_link_places_makes_the_verdict_wait_for_apply():
    from pulumi_policy.proxy import UnknownValueError

    view, made = _view_and(lambda p: {"deps": [p[0], p[1]]})  # two projects among its dependencies: no one
    with pytest.raises(UnknownValueError):
        view.children(made[0], r.ENV_VAR)
