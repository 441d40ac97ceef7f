"""VercelApp, built alone from a VercelAppSpec."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from components.specs import (
    AlertsSpec,
    DomainSpec,
    EnvVarsSpec,
    FirewallRule,
    HeaderRule,
    ReleaseSpec,
    RetentionSpec,
    RolloutStageSpec,
    RouteCondition,
    VercelAppSpec,
    VercelProjectSpec,
)
from components.vercel_app import VercelApp
from tests.components.conftest import build, component, of_type, one, secret_value

CANARY = "canary-vercel-secret-0001"


def project_spec(**changes) -> VercelProjectSpec:
    base = dict(name="web-production", git=None, build_command="b", install_command="i", output_directory=".next",
                preview_deployments_disabled=True, function_timeout_s=30, regions=("iad1",),
                authentication="standard_protection_new")
    return VercelProjectSpec(**{**base, **changes})


def app_spec(**changes) -> VercelAppSpec:
    base = dict(
        project=project_spec(),
        env=EnvVarsSpec(plain={"LOG_LEVEL": "info"}, secret={"OPENAI_API_KEY": SecretStr(CANARY)}, targets=("production",)),
        domains=(DomainSpec(name="app.example.com"),),
        routes=(HeaderRule(name="custom", src="^/.*$", src_syntax="regex", headers={"X-Frame-Options": "DENY"},
                           has=(RouteCondition(type="host", value="app.example.com"),)),
                HeaderRule(name="other", src="^/.*$", src_syntax="regex", headers={"X-Robots-Tag": "noindex"},
                           missing=(RouteCondition(type="host", value="app.example.com"),)),
                HeaderRule(name="api", src="/api", src_syntax="equals", headers={"Cache-Control": "no-store"})),
        firewall=(FirewallRule(name="rate-limit", description="d",
                               condition_groups=(({"type": "path", "op": "re", "value": "^/api"},),
                                                 ({"type": "path", "op": "re", "value": "[.]js$", "neg": True},)),
                               action={"action": "rate_limit", "rate_limit": {"algo": "fixed_window", "window": 60,
                                                                              "limit": 10, "keys": ["ip"],
                                                                              "action": "rate_limit"}}),),
        retention=RetentionSpec(preview="1m", production="1y", errored="3m", canceled="1m"),
        protect=True,
    )
    return VercelAppSpec(**{**base, **changes})


def test_every_child_is_parented_named_after_it_and_built_from_the_spec(recorder):
    app = build(lambda: VercelApp("web", app_spec(), data_env={"NEXT_PUBLIC_URL": "https://x"},
                                  data_secret_env={"TOKEN": "tok"}))
    assert app.outputs.domain_names == ["app.example.com"]
    parent = component(recorder, "vital:vercel:VercelApp")
    children = [r for r in recorder.resources if r.custom]
    assert {r.parent for r in children} == {parent.urn}
    assert all(r.name.startswith("web-") for r in children)
    project = one(recorder, ":Project")
    assert project.protect and project.inputs["resourceConfig"]["functionDefaultTimeout"] == 30
    assert "gitRepository" not in project.inputs  # git=None: the app repository's workflows deploy
    assert one(recorder, ":ProjectDomain").protect
    env = {r.inputs["key"]: r for r in of_type(recorder, ":ProjectEnvironmentVariable")}
    assert sorted(env) == ["LOG_LEVEL", "NEXT_PUBLIC_URL", "OPENAI_API_KEY", "TOKEN"]
    assert all(r.delete_before_replace and not r.protect for r in env.values())
    assert {k for k, r in env.items() if r.inputs["sensitive"]} == {"OPENAI_API_KEY", "TOKEN"}
    assert secret_value(env["OPENAI_API_KEY"].inputs["value"]) == CANARY
    routes = {r.inputs["name"]: r.inputs for r in of_type(recorder, ":ProjectRoute")}
    assert routes["custom"]["route"] == {"src": "^/.*$", "headers": {"X-Frame-Options": "DENY"},
                                         "has": [{"type": "host", "value": "app.example.com"}]}
    assert routes["other"]["route"]["missings"] == [{"type": "host", "value": "app.example.com"}]
    assert [routes[n]["srcSyntax"] for n in ("custom", "other", "api")] == ["regex", "regex", "equals"]
    rule = one(recorder, ":FirewallConfig").inputs["rules"]["rules"][0]
    assert rule["action"]["rateLimit"]["limit"] == 10
    assert [g["conditions"][0]["op"] for g in rule["conditionGroups"]] == ["re", "re"]
    assert rule["conditionGroups"][1]["conditions"][0]["neg"] is True
    retention = one(recorder, ":ProjectDeploymentRetention").inputs
    assert (retention["expirationPreview"], retention["expirationProduction"]) == ("1m", "1y")


def test_routes_are_created_one_after_another_each_placed_after_the_previous(recorder):
    build(lambda: VercelApp("web", app_spec()))
    routes = {r.inputs["name"]: r for r in of_type(recorder, ":ProjectRoute")}
    first, second, third = routes["custom"], routes["other"], routes["api"]
    assert first.inputs["position"] == {"placement": "start"}
    assert not any(d.endswith("ProjectRoute::web-route-custom") for d in first.dependencies)
    # Each waits for the one before it and names its id as the reference: during a first preview
    # that id is unknown, so the link is the position's property dependency, as the engine records it.
    assert first.urn in second.dependencies and second.urn in third.dependencies
    assert second.inputs["position"]["placement"] == "after" and third.inputs["position"]["placement"] == "after"
    assert second.property_dependencies["position"] == [first.urn]
    assert third.property_dependencies["position"] == [second.urn]


def test_resilience_settings_and_the_release_and_alert_components(recorder):
    spec = app_spec(project=project_spec(skew_protection="12 hours", function_failover=True,
                                         prioritise_production_builds=True, build_machine_type="enhanced"),
                    release=ReleaseSpec(checks=("test",), stages=(RolloutStageSpec(percent=10, minutes=5),
                                                                  RolloutStageSpec(percent=100))),
                    alerts=AlertsSpec(error_anomaly=True))
    build(lambda: VercelApp("web", spec))
    project = one(recorder, ":Project").inputs
    assert (project["skewProtection"], project["functionFailover"], project["prioritiseProductionBuilds"],
            project["buildMachineType"]) == ("12 hours", True, True, "enhanced")
    app = component(recorder, "vital:vercel:VercelApp")
    assert component(recorder, "vital:vercel:ReleaseGates").parent == app.urn
    assert component(recorder, "vital:vercel:ProjectAlerts").parent == app.urn
    assert one(recorder, ":ProjectDeploymentCheck").name == "web-release-check-test"


def test_without_gates_stages_or_alerts_no_such_component(recorder):
    build(lambda: VercelApp("web", app_spec()))
    assert not [r for r in recorder.resources if r.type in ("vital:vercel:ReleaseGates", "vital:vercel:ProjectAlerts")]
    assert "skewProtection" not in one(recorder, ":Project").inputs


def test_an_unprotected_spec_protects_nothing(recorder):
    spec = app_spec(protect=False, env=EnvVarsSpec(plain={"A": "1"}, secret={"B": SecretStr(CANARY)},
                                                  targets=("production", "preview")))
    build(lambda: VercelApp("web", spec))
    variables = {r.inputs["key"]: r for r in of_type(recorder, ":ProjectEnvironmentVariable")}
    assert variables["A"].inputs["sensitive"] is False and variables["B"].inputs["sensitive"] is True
    assert variables["A"].inputs["targets"] == ["production", "preview"] and variables["B"].delete_before_replace
    assert not any(r.protect for r in recorder.resources)


def test_import_ids_from_the_spec(recorder):
    spec = app_spec(project=project_spec(import_id="team_x/prj_1"),
                    env=EnvVarsSpec(plain={"A": "1"}, targets=("production",), import_ids={"A": "team_x/prj_1/env1"}),
                    domains=(DomainSpec(name="app.example.com", import_id="team_x/prj_1/app.example.com"),))
    build(lambda: VercelApp("web", spec))
    assert one(recorder, ":Project").import_id == "team_x/prj_1"
    assert one(recorder, ":ProjectEnvironmentVariable").import_id == "team_x/prj_1/env1"
    assert one(recorder, ":ProjectDomain").import_id == "team_x/prj_1/app.example.com"


@pytest.mark.parametrize(("make", "match"), [
    (lambda: EnvVarsSpec(plain={"A": "1"}, secret={"A": SecretStr("x")}, targets=("production",)), "both plain and secret"),
    (lambda: EnvVarsSpec(secret={"A": SecretStr("x")}, targets=("development",)), "development"),
    (lambda: EnvVarsSpec(targets=("staging",)), "subset"),
    (lambda: HeaderRule(name="x", src="/", src_syntax="glob", headers={}), "src_syntax 'glob' is not one of"),
    (lambda: RouteCondition(type="path", value="/x"), "condition type 'path' is not one of"),
    (lambda: FirewallRule(name="rule", description="d", condition_groups=((),), action={}), "at least one condition"),
])
def test_a_spec_refuses_what_the_component_cannot_build(make, match):
    with pytest.raises(ValidationError, match=match):
        make()


def test_specs_are_frozen():
    with pytest.raises(ValidationError):
        project_spec().name = "other"
