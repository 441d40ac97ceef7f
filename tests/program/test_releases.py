"""The seed's success metrics in the rendered stacks: gated, staged production releases, resilience
and build settings, alerts on the SLOs, and each tier's budgets, all from the tier table."""

import json

import pytest

from tests.pulumi_crypto import stored
from tests.stacks import of_type, one, render, with_config
from vital.tiers import TIER_DEFAULTS

TIERS = ("production", "pre-production", "preview")
WEBHOOK_CANARY = "https://hooks.example.com/vercel/canary-alert-token-7731"


def test_production_waits_for_the_required_checks_and_rolls_out_in_the_tables_stages(committed):
    prod = committed["production"]
    checks = {r["inputs"]["source"]["externalCheckName"]: r["inputs"] for r in of_type(prod, ":ProjectDeploymentCheck")}
    assert set(checks) == {"type-check", "test"}  # the ruleset's required checks
    assert all(c["blocks"] == "deployment-alias" and c["targets"] == ["production"] for c in checks.values())
    rolling = one(prod, ":ProjectRollingRelease")["inputs"]
    stages = [{k: int(v) for k, v in s.items()} for s in rolling["stages"]]
    table = [{"targetPercentage": s["percent"], **({"duration": s["minutes"]} if "minutes" in s else {})}
             for s in TIER_DEFAULTS["production"].rollout_stages]
    assert stages == table and rolling["advancementType"] == "automatic"
    assert [s["targetPercentage"] for s in stages] == [10, 50, 100]


@pytest.mark.parametrize("stack", ("pre-production", "preview"))
def test_other_tiers_deploy_at_once_without_gates(committed, stack):
    assert of_type(committed[stack], ":ProjectRollingRelease") == []
    assert of_type(committed[stack], ":ProjectDeploymentCheck") == []


@pytest.mark.parametrize("stack", TIERS)
def test_resilience_and_build_settings_from_the_tier_table(committed, stack):
    project = one(committed[stack], ":Project")["inputs"]
    tier = TIER_DEFAULTS[stack]
    assert project.get("skewProtection") == tier.skew_protection
    assert project["functionFailover"] is tier.function_failover
    assert project["prioritiseProductionBuilds"] is True
    assert project["buildMachineType"] == tier.build_machine_type
    assert (stack == "production") is (project.get("skewProtection") == "12 hours")


def test_alerts_per_tier(committed):
    prod = committed["production"]
    assert one(prod, ":AlertRule")["inputs"]["triggers"] == [{"filter": "statusGroup:5xx", "type": "error_anomaly"}]
    latency = one(prod, ":CustomAlertRule")["inputs"]
    assert latency["trigger"]["threshold"] == 500 and latency["trigger"]["operator"] == "gt"
    assert len(of_type(committed["pre-production"], ":AlertRule")) == 1
    assert of_type(committed["pre-production"], ":CustomAlertRule") == []
    assert of_type(committed["preview"], ":AlertRule") == [] and of_type(committed["preview"], ":CustomAlertRule") == []
    for doc in committed.values():  # no destination configured: the team owners only
        assert of_type(doc, "Notification") == [] and of_type(doc, ":Webhook") == []


def test_alert_destinations_and_the_webhook_url_stays_secret(tmp_path):
    path = with_config("production", tmp_path, alertSlackChannelId="C0123456789",
                       alertWebhookUrl={"secure": stored(WEBHOOK_CANARY)})
    doc = render("production", path)
    assert len(of_type(doc, ":AlertRuleSlackNotification")) == 2 and len(of_type(doc, ":AlertRuleWebhookNotification")) == 2
    assert one(doc, ":Webhook")["inputs"]["endpoint"] == "[secret]"
    assert "canary-alert-token" not in json.dumps(doc)


def test_a_custom_rollout_renders_as_configured(tmp_path):
    stages = [{"percent": 5}, {"percent": 25}, {"percent": 100}]
    doc = render("production", with_config("production", tmp_path, rolloutStages=stages, rolloutAdvancement="manual-approval"))
    rolling = one(doc, ":ProjectRollingRelease")["inputs"]
    assert rolling["advancementType"] == "manual-approval"
    assert [s["targetPercentage"] for s in rolling["stages"]] == [5, 25, 100]
    assert all("duration" not in s for s in rolling["stages"])


def test_the_tier_budgets_stay_within_the_seeds_ceilings():
    from vital.facts import SEED_MONTHLY_CEILINGS_USD as CEILINGS

    tiers = TIER_DEFAULTS.values()
    assert sum(t.vercel_budget_usd for t in tiers) <= CEILINGS["vercel"]
    assert sum(t.supabase_budget_usd for t in tiers) <= CEILINGS["supabase"]
    assert sum(t.upstash_budget_usd or 0 for t in tiers) <= CEILINGS["upstash"]


@pytest.mark.parametrize("url", ["http://hooks.example.com/canary-alert-token-7731", "canary-alert-token-7731"])
def test_a_webhook_url_the_cli_decrypts_must_be_https_and_is_never_shown(url):
    from tools.synth import SynthError, read_source, render_config

    source = read_source("production")
    key = "vital-expert-infra:alertWebhookUrl"
    with pytest.raises(SynthError) as err:
        render_config("production", {**source.config, key: url}, [*source.secret_keys, key])
    message = str(err.value)
    assert "'vital-expert-infra:alertWebhookUrl': found [secret]; allowed: an https:// URL" in message
    assert "canary-alert-token" not in message and "\n" not in message
