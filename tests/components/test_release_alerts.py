"""ReleaseGates and ProjectAlerts, each built alone from its spec."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from components.alerts import ProjectAlerts
from components.release import ReleaseGates
from components.specs import AlertsSpec, ReleaseSpec, RolloutStageSpec
from tests.components.conftest import build, component, of_type, one, secret_value

CANARY = "https://hooks.example.com/alerts/canary-webhook-token-0001"
STAGES = (RolloutStageSpec(percent=10, minutes=10), RolloutStageSpec(percent=50, minutes=20), RolloutStageSpec(percent=100))


def test_release_gates_are_one_check_per_github_check_and_the_stages(recorder):
    spec = ReleaseSpec(checks=("type-check", "test"), stages=STAGES)
    build(lambda: ReleaseGates("web-release", spec, "prj_1"))
    parent = component(recorder, "vital:vercel:ReleaseGates")
    checks = {r.inputs["source"]["externalCheckName"]: r for r in of_type(recorder, ":ProjectDeploymentCheck")}
    assert set(checks) == {"type-check", "test"}
    for check in checks.values():
        assert check.parent == parent.urn
        assert check.inputs["blocks"] == "deployment-alias" and check.inputs["targets"] == ["production"]
        assert check.inputs["source"] == {"kind": "git-provider", "provider": "github",
                                          "externalCheckName": check.inputs["source"]["externalCheckName"]}
        assert check.inputs["isRerequestable"] is False and check.inputs["requires"] == "none"
    rolling = one(recorder, ":ProjectRollingRelease").inputs
    assert rolling["advancementType"] == "automatic"
    assert rolling["stages"] == [{"targetPercentage": 10, "duration": 10}, {"targetPercentage": 50, "duration": 20},
                                 {"targetPercentage": 100}]


def test_manual_approval_stages_carry_no_duration_and_no_stages_no_rolling_release(recorder):
    manual = tuple(RolloutStageSpec(percent=p) for p in (25, 100))
    build(lambda: ReleaseGates("web-release", ReleaseSpec(stages=manual, advancement="manual-approval"), "prj_1"))
    assert one(recorder, ":ProjectRollingRelease").inputs["stages"] == [{"targetPercentage": 25}, {"targetPercentage": 100}]
    assert of_type(recorder, ":ProjectDeploymentCheck") == []


def test_alerts_errors_latency_and_their_destinations(recorder):
    spec = AlertsSpec(error_anomaly=True, p95_ms=500, slack_channel_id="C0123456789", webhook_url=SecretStr(CANARY))
    build(lambda: ProjectAlerts("web-alerts", spec, "prj_1"))
    errors = one(recorder, ":AlertRule").inputs
    assert errors["type"] == "built-in" and errors["ruleScope"] == {"type": "include", "projectIds": ["prj_1"]}
    assert errors["triggers"] == [{"type": "error_anomaly", "filter": "statusGroup:5xx"}]
    assert errors["notificationSettings"] == {"enableTeamOwnerNotifications": True}
    latency = one(recorder, ":CustomAlertRule").inputs
    assert latency["trigger"] == {"type": "threshold", "output": "p95", "operator": "gt", "threshold": 500.0}
    assert latency["evaluation"]["query"]["metrics"]["p95"] == {
        "metric": "vercel.function_invocation.request_duration_ms", "aggregation": "p95"}
    assert len(of_type(recorder, ":AlertRuleSlackNotification")) == 2
    assert len(of_type(recorder, ":AlertRuleWebhookNotification")) == 2
    webhook = one(recorder, ":Webhook").inputs
    assert webhook["events"] == ["alerts.triggered"] and secret_value(webhook["endpoint"]) == CANARY


def test_error_alerts_alone_and_no_destination_but_the_owners(recorder):
    build(lambda: ProjectAlerts("web-alerts", AlertsSpec(error_anomaly=True), "prj_1"))
    assert len(of_type(recorder, ":AlertRule")) == 1
    assert of_type(recorder, ":CustomAlertRule") == [] and of_type(recorder, ":Webhook") == []
    assert of_type(recorder, "Notification") == []


@pytest.mark.parametrize(("make", "match"), [
    (lambda: ReleaseSpec(requires="later"), "requires 'later' is not one of"),
    (lambda: AlertsSpec(error_anomaly=True, severity="critical"), "not allowed"),
    (lambda: AlertsSpec(error_anomaly=True, window="10m"), "not allowed"),
])
def test_specs_refuse_what_the_provider_refuses(make, match):
    with pytest.raises(ValidationError, match=match):
        make()
