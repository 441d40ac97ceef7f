"""ProjectAlerts: a project's alerts on the strategy's SLOs (5xx errors, p95 latency) and where they go."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumiverse_vercel as vercel

from vital.facts import (
    ALERT_ABOVE_OPERATORS,
    ALERT_ERROR_FILTER,
    ALERTS_WEBHOOK_EVENT,
    LATENCY_AGGREGATION,
    LATENCY_METRIC,
)

from .base import VitalComponent
from .specs import AlertsSpec


@dataclass(frozen=True)
class ProjectAlertsOutputs:
    rule_count: int


class ProjectAlerts(VitalComponent[ProjectAlertsOutputs]):
    """Exposes `rules` (the alert rules by kind: errors, latency) and `webhook` (the account webhook, or None).

    Every rule also notifies the team's owners through Vercel; a Slack channel and a webhook URL
    are added destinations. The webhook URL stays secret (it often carries a token).
    """

    TYPE = "vital:vercel:ProjectAlerts"

    def __init__(
        self, name: str, spec: AlertsSpec, project_id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, opts)
        self.rules: dict[str, pulumi.CustomResource] = {}
        if spec.error_anomaly:
            self.rules["errors"] = vercel.AlertRule(
                self.child("errors"),
                type="built-in",
                name=f"{name}: 5xx errors",
                rule_scope=vercel.AlertRuleRuleScopeArgs(type="include", project_ids=[project_id]),
                triggers=[vercel.AlertRuleTriggerArgs(type="error_anomaly", filter=ALERT_ERROR_FILTER)],
                match_minimum_severity_level=spec.severity,
                notification_settings=vercel.AlertRuleNotificationSettingsArgs(enable_team_owner_notifications=True),
                opts=self.opts(),
            )
        if spec.p95_ms is not None:
            self.rules["latency"] = vercel.CustomAlertRule(
                self.child("latency"),
                project_id=project_id,
                name=f"{name}: p95 above {spec.p95_ms} ms",
                severity=spec.severity,
                evaluation=vercel.CustomAlertRuleEvaluationArgs(
                    window=spec.window,
                    query=vercel.CustomAlertRuleEvaluationQueryArgs(
                        metrics={
                            "p95": vercel.CustomAlertRuleEvaluationQueryMetricsArgs(
                                metric=LATENCY_METRIC, aggregation=LATENCY_AGGREGATION
                            )
                        },
                        outputs=["p95"],
                    ),
                ),
                trigger=vercel.CustomAlertRuleTriggerArgs(
                    type="threshold", output="p95", operator=ALERT_ABOVE_OPERATORS[0], threshold=float(spec.p95_ms)
                ),
                notification_settings=vercel.CustomAlertRuleNotificationSettingsArgs(
                    enable_team_owner_notifications=True
                ),
                opts=self.opts(),
            )
        self.webhook = self._destinations(spec, project_id)
        self.done(ProjectAlertsOutputs(rule_count=len(self.rules)))

    def _destinations(self, spec: AlertsSpec, project_id: pulumi.Input[str]) -> vercel.Webhook | None:
        webhook = (
            vercel.Webhook(
                self.child("webhook"),
                endpoint=pulumi.Output.secret(spec.webhook_url.get_secret_value()),
                events=[ALERTS_WEBHOOK_EVENT],
                project_ids=[project_id],
                opts=self.opts(),
            )
            if spec.webhook_url is not None and self.rules
            else None
        )
        for suffix, rule in self.rules.items():
            if spec.slack_channel_id:
                vercel.AlertRuleSlackNotification(
                    self.child(f"{suffix}-slack"),
                    alert_rule_id=rule.id,
                    slack_channel_id=spec.slack_channel_id,
                    opts=self.opts(),
                )
            if webhook is not None:
                vercel.AlertRuleWebhookNotification(
                    self.child(f"{suffix}-webhook"), alert_rule_id=rule.id, webhook_id=webhook.id, opts=self.opts()
                )
        return webhook
