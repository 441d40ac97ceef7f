"""secret-rotation and secret-rotation-due (policies/vital_policies/rotation.py): each message whole,
where each secret is attached, and what only the mandatory policy reports. Pure function calls on
fake stacks (test_data_rotation.py's helpers): `make mutate` runs this file first for rotation.py.
"""

from __future__ import annotations

import pytest

from tests.policies.helpers import (
    T_ENVS, T_GH_ENV_SECRET, Fake, find, rotation_config, run, secret, stack_args, stack_runtime,
)
from tests.policies.test_data_rotation import rotation_run, stack, today
from vital_policies import rotation

NOW = {"vercelDeployToken": today(0), "supabaseAccessToken": today(0), "supabaseDbUrl": today(0)}
LIMIT = "rotated less than 90 days ago (limit 90 days)"


def hint(name):
    return f"rotate it and record the date with `python -m tools.rotate --stack production {name}`"


def test_the_messages_in_full():
    failed, due = rotation_run(90)
    by_name = {v.message.split()[1]: v.message for v in failed}
    assert by_name["vercelDeployToken"] == (f"secret vercelDeployToken in tier production: last rotated 2026-11-02, 90 days ago "
                                 f"(today {today(90)}); allowed: {LIMIT}; {hint('vercelDeployToken')}")
    failed, due = rotation_run(80)
    assert {v.message.split()[1]: v.message for v in due}["vercelDeployToken"] == (f"secret vercelDeployToken in tier production: last rotated 2026-11-02, 80 days ago (today "
                              f"{today(80)}); due: rotate it before 2027-01-31, when it reaches the 90-day limit (warning "
                              f"from 75 days); {hint('vercelDeployToken')}")
    failed, _ = rotation_run(0, config=rotation_config({**NOW, "OPENAI_API_KEY": "2027-03-01"}))
    assert [v.message for v in failed] == [
        f"secret OPENAI_API_KEY in tier production: last rotated 2027-03-01, after today ({today(0)}); allowed: a date "
        f"not after today, {LIMIT}"]
    failed, _ = rotation_run(0, config=rotation_config({**NOW}))
    assert [v.message for v in failed] == [
        "secret OPENAI_API_KEY in tier production has no rotation date (never recorded: "
        f"vital-expert-infra:secretRotation.OPENAI_API_KEY is not set); allowed: {LIMIT}; {hint('OPENAI_API_KEY')}"]


@pytest.mark.parametrize("recorded, shown", [
    ("x" * 38, repr("x" * 38)),  # 40 characters with its quotes: shown whole
    ("x" * 39, repr("x" * 39)[:37] + "..."),  # 41: cut to 40
    ("last week", "'last week'"),
])
def test_a_recorded_value_that_is_no_date_is_shown_cut_to_40_characters(recorded, shown):
    failed, _ = rotation_run(0, config=rotation_config({**NOW, "OPENAI_API_KEY": recorded}))
    assert [v.message for v in failed] == [
        f"secret OPENAI_API_KEY in tier production: vital-expert-infra:secretRotation.OPENAI_API_KEY is {shown}, not a "
        f"date; allowed: a date as YYYY-MM-DD, {LIMIT}"]


def test_a_pack_config_today_that_is_no_string_is_one_line():
    failed, due = rotation_run(None, pack={"today": 20261102})
    assert [v.message for v in failed] == ["pack config secret-rotation.today is 20261102; allowed: a date as YYYY-MM-DD, "
                                           "or unset for today's UTC date"]
    assert [v.message for v in due] == ["pack config secret-rotation-due.today is 20261102; allowed: a date as "
                                        "YYYY-MM-DD, or unset for today's UTC date"]


def test_config_that_hides_the_secrets_or_their_dates_is_reported_once_by_the_mandatory_policy():
    config = {**rotation_config(NOW), "vital-expert-infra:secretEnv": '["OPENAI_API_KEY"]',
              "vital-expert-infra:secretRotation": '"2026-11-02"'}
    failed, due = rotation_run(0, config=config)
    assert [v.message for v in failed[:2]] == [
        "config vital-expert-infra:secretEnv is not an object of KEY: secret (value not shown), so the secrets it holds "
        "cannot be checked for rotation; allowed: an object, as `pulumi config set --secret --path secretEnv.KEY` writes",
        "config vital-expert-infra:secretRotation is not an object of KEY: date; allowed: an object such as "
        f"{{\"OPENAI_API_KEY\": \"{today(0)}\"}}, as `python -m tools.rotate` writes it"]
    assert due == []


def test_each_secret_is_attached_to_the_resource_that_holds_it():
    db_url = Fake(T_GH_ENV_SECRET, "production-secret-supabase_db_url", {
        "repository": "vital-expert", "environment": "production", "secretName": "SUPABASE_DB_URL",
        "value": secret("x")}, stack="production")
    ci_only = Fake(T_GH_ENV_SECRET, "production-secret-ci_only", {
        "repository": "vital-expert", "environment": "production", "secretName": "CI_ONLY", "value": secret("x")},
        stack="production")
    bulk = Fake(T_ENVS, "bulk", {"projectId": "prj", "variables": [
        {"key": "STRIPE_SECRET_KEY", "value": secret("x"), "sensitive": True}]}, stack="production")
    fakes = [*stack("production"), db_url, ci_only, bulk]
    failed, _ = rotation_run(90, fakes=fakes, secret_env=("OPENAI_API_KEY", "CI_ONLY", "STRIPE_SECRET_KEY"))
    by_secret = {v.message.split()[1]: v.urn for v in failed}
    assert by_secret["supabaseDbUrl"] == db_url.urn  # the GitHub secret the config key ends up in
    assert by_secret["CI_ONLY"] == ci_only.urn  # a secretEnv key held only as a GitHub secret
    assert by_secret["STRIPE_SECRET_KEY"] == bulk.urn  # held by the bulk resource
    assert by_secret["OPENAI_API_KEY"] == find(fakes, "vital-expert-env-openai_api_key").urn


def test_rotation_leaves_other_tiers_alone():
    with stack_runtime("preview", rotation_config(None)):
        assert run(rotation.secret_rotation, stack_args(stack("preview"), {})) == []
