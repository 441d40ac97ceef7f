"""The data-service and rotation rules: isolation's Supabase/Redis checks, backups,
secret-rotation and secret-rotation-due. Each rule called directly (tests/policy_helpers.py),
then end to end through the Analyzer protocol (pulumi-policy's servicer in this process, as synth
runs it; tests/tools/test_policy_paths.py holds the CLI's launch of the pack to the same findings).

Ages are counted to the pack config's `today`, pinned here, never the real date.
"""

from __future__ import annotations

import contextvars
import copy
import dataclasses
import json
from datetime import date, timedelta

import pulumi
import pytest

from tests.policies.helpers import (
    SHARED_CACHE,
    SUPABASE_REFS,
    T_PROJECT,
    T_STACK_REF,
    UNKNOWN,
    Fake,
    changed,
    data_fakes,
    fake_stack,
    find,
    not_applicable,
    render_committed,
    resource_args,
    rotation_config,
    run,
    running_packs,
    run_each,
    secret,
    stack_args,
    stack_runtime,
    without,
)

from pulumi_policy import EnforcementLevel, StackValidationPolicy  # noqa: E402
from pulumi_policy.proxy import UnknownValueError  # noqa: E402
from vital_policies import catalog, data, isolation, pack_config, pack_schemas, rotation  # noqa: E402

from tools.policy.config import PolicyConfigError
from tools.synth import main as synth
from tools.synth import read_source

from vital.names import ALWAYS_HELD_SECRETS, PROJECT as NS, TIERS
ROTATED = date(2026, 11, 2)  # the rotation dates _rotated_config records (the committed stack records none)


def stack(tier: str) -> list[Fake]:
    return fake_stack(tier) + data_fakes(tier)


def settings_name(tier: str) -> str:
    return f"supabase-{tier}-settings"


def today(days: int) -> str:
    return (ROTATED + timedelta(days=days)).isoformat()


# ---- isolation: Supabase projects ---------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_data_isolation_passes_the_tier_defaults(tier):
    with stack_runtime(tier):
        assert run_each(isolation.isolation, stack(tier)) == []


def test_the_pack_reads_no_stack_file_the_refs_come_as_pack_config():
    """The other tiers' refs come from synth (tools/policy/committed.py), never from the pack reading files."""
    assert pack_config.defaults()["isolation"]["supabaseProjectRefs"] == {}
    from tools.policy.committed import committed
    assert committed()["isolation"]["supabaseProjectRefs"] == SUPABASE_REFS


REFS = {"supabaseProjectRefs": SUPABASE_REFS}  # what synth passes for the committed stacks


def test_isolation_fails_another_tiers_supabase_project():
    fakes = changed(stack("pre-production"), settings_name("pre-production"),
                    lambda i: i.update(project_ref=SUPABASE_REFS["production"]))
    with stack_runtime("pre-production"):
        found = run_each(isolation.isolation, fakes, REFS)
    assert len(found) == 1 and found[0].urn == find(fakes, settings_name("pre-production")).urn
    assert ("Supabase settings 'supabase-pre-production-settings' in tier pre-production uses Supabase project "
            "'vitalprodxxxxxxxxxxx', which is tier production's; allowed: tier pre-production's own project "
            "('vitaldevxxxxxxxxxxxx')") == found[0].message


def test_isolation_reads_the_refs_from_the_pack_config():
    fakes = changed(stack("preview"), settings_name("preview"), lambda i: i.update(project_ref="sharedrefxxxxxxxxxxx"))
    with stack_runtime("preview"):
        assert run_each(isolation.isolation, fakes, REFS) == []
        config = {"supabaseProjectRefs": {**SUPABASE_REFS, "pre-production": "sharedrefxxxxxxxxxxx"}}
        found = run_each(isolation.isolation, fakes, config)
        assert len(found) == 1 and "which is tier pre-production's" in found[0].message
        prod = changed(stack("preview"), settings_name("preview"),
                       lambda i: i.update(project_ref=SUPABASE_REFS["production"]))
        assert "tier production's" in run_each(isolation.isolation, prod, REFS)[0].message
        assert run_each(isolation.isolation, prod, {"supabaseProjectRefs": {}}) == []  # nothing known, nothing judged


def test_an_unknown_project_ref_is_not_a_pass():
    fakes = changed(stack("preview"), settings_name("preview"), lambda i: i.update(project_ref=UNKNOWN))
    with stack_runtime("preview"), pytest.raises(UnknownValueError):
        run_each(isolation.isolation, fakes)


def test_data_isolation_needs_a_tier():
    with stack_runtime("alice-dev"):
        for fake in data_fakes("preview"):
            assert "stack 'alice-dev' has no tier" in not_applicable(isolation.isolation, resource_args(fake))


# ---- isolation: Redis and the shared cache ------------------------------------------------------


def test_isolation_fails_another_tiers_redis_database():
    fakes = changed(stack("pre-production"), "cache-pre-production-redis",
                    lambda i: i.update(databaseName="vital-expert-production"))
    with stack_runtime("pre-production"):
        found = run_each(isolation.isolation, fakes)
    assert len(found) == 1
    assert ("is named 'vital-expert-production', which is tier production's database; allowed: the tier's own, "
            "'vital-expert-dev'") in found[0].message


@pytest.mark.parametrize("tier, name", [
    ("preview", "organization/vital-expert-infra/pre-production"), ("preview", "production"),
    ("pre-production", "organization/vital-expert-infra/production"), ("production", SHARED_CACHE),
])
def test_isolation_fails_any_stack_reference(tier, name):
    """No stack reads another any more: every tier owns its Redis database (issue 25)."""
    ref = Fake(T_STACK_REF, "ref", {"name": name}, stack=tier)
    with stack_runtime(tier):
        reported = run_each(isolation.isolation, [ref])
    assert len(reported) == 1 and reported[0].urn == ref.urn
    assert reported[0].message == (f"StackReference 'ref' in tier {tier} reads stack {name!r}; allowed: none: every tier "
                                   f"owns its data and its cache, and another stack's outputs would hand this one its "
                                   f"credentials")


# ---- backups ------------------------------------------------------------------------------------


def test_backups_is_a_mandatory_stack_policy():
    policy = next(p for p in catalog.build_policies() if p.name == "backups")
    assert isinstance(policy, StackValidationPolicy) and policy.enforcement_level is None  # the pack's: mandatory
    # Production keeps daily backups (PITR would exceed the strategy's Supabase ceiling: README, Cost).
    assert pack_config.defaults()["backups"] == {"requirePitrTiers": []}


@pytest.mark.parametrize("tier", TIERS)
def test_backups_pass_the_tier_defaults(tier):
    with stack_runtime(tier):
        assert run(data.backups, stack_args(stack(tier))) == []


@pytest.mark.parametrize("tier, value, found, pack", [
    ("production", "daily", "in tier production records a backup_policy without point-in-time recovery; allowed: 'daily+pitr' "
                            "(daily backups with point-in-time recovery)", {"requirePitrTiers": ["production"]}),
    ("production", None, "records no backup_policy; allowed: one of daily+pitr, daily, none ('daily+pitr' in "
                         "tier production)", {"requirePitrTiers": ["production"]}),
    ("production", None, "records no backup_policy; allowed: one of daily+pitr, daily, none", {}),
    ("preview", "hourly", "records a backup_policy that is not one of them (value not shown); allowed: one of daily+pitr, daily, none", {}),
])
def test_backups_fail_a_wrong_policy(tier, value, found, pack):
    def edit(inputs):
        inputs.pop("backup_policy")
        if value is not None:
            inputs["backup_policy"] = value
    fakes = changed(stack(tier), settings_name(tier), edit)
    with stack_runtime(tier):
        reported = run(data.backups, stack_args(fakes, pack))
    assert len(reported) == 1 and found in reported[0].message
    assert reported[0].urn == find(fakes, settings_name(tier)).urn


def test_backups_fail_production_without_supabase_settings():
    with stack_runtime("production"):
        found = run(data.backups, stack_args(without(stack("production"), settings_name("production"))))
    assert len(found) == 1 and found[0].urn is None
    assert "stack production (tier production) has no Supabase settings resource" in found[0].message
    with stack_runtime("preview"):
        assert run(data.backups, stack_args(without(stack("preview"), settings_name("preview")))) == []


def test_backups_read_require_pitr_tiers():
    weekly = stack("pre-production")  # the tier's own: daily
    with stack_runtime("pre-production"):
        found = run(data.backups, stack_args(weekly, {"requirePitrTiers": ["production", "pre-production"]}))
        assert len(found) == 1 and "in tier pre-production records a backup_policy without point-in-time recovery" in found[0].message
    with stack_runtime("alice-dev"):
        assert "no tier" in not_applicable(data.backups, stack_args(weekly))


# ---- secret-rotation and secret-rotation-due ----------------------------------------------------


def rotation_run(days: int | None, tier: str = "production", fakes: list[Fake] | None = None, config=None,
                 pack=None, secret_env=("OPENAI_API_KEY",)):
    """(mandatory, advisory) violations with every secret rotated ROTATED, counted to ROTATED + days."""
    names = [*ALWAYS_HELD_SECRETS, "vercelDeployToken", *secret_env]  # rotation_config sets the team token
    stack_config = config if config is not None else rotation_config({n: ROTATED.isoformat() for n in names},
                                                                      secret_env)
    settings = {"today": today(days)} if days is not None else {}
    settings.update(pack or {})
    args_for = lambda: stack_args(fakes if fakes is not None else stack(tier), settings)  # noqa: E731
    with stack_runtime(tier, stack_config):
        return run(rotation.secret_rotation, args_for()), run(rotation.secret_rotation_due, args_for())


@pytest.mark.parametrize("days, mandatory, advisory", [(74, 0, 0), (75, 0, 3), (89, 0, 3), (90, 3, 0)])
def test_rotation_thresholds(days, mandatory, advisory):
    failed, due = rotation_run(days)
    assert (len(failed), len(due)) == (mandatory, advisory)
    for v in failed:
        assert f"last rotated 2026-11-02, {days} days ago (today {today(days)}); allowed: rotated less than 90 days " \
               f"ago (limit 90 days)" in v.message
    for v in due:
        assert f"last rotated 2026-11-02, {days} days ago (today {today(days)}); due: rotate it before 2027-01-31, " \
               f"when it reaches the 90-day limit (warning from 75 days)" in v.message


def test_rotation_names_the_secret_and_attaches_it_to_its_resource():
    fakes = stack("production")
    failed, _ = rotation_run(90, fakes=fakes)
    by_secret = {v.message.split()[1]: v.urn for v in failed}
    assert by_secret == {
        "vercelDeployToken": find(fakes, "production-secret-vercel_token").urn,
        "supabaseDbUrl": None,  # the fake stack registers no SUPABASE_DB_URL secret: reported on the stack
        "OPENAI_API_KEY": find(fakes, "vital-expert-env-openai_api_key").urn,
    }
    assert "`python -m tools.rotate --stack production OPENAI_API_KEY`" in " ".join(v.message for v in failed)


def test_a_secret_without_a_resource_is_reported_on_the_stack():
    failed, _ = rotation_run(120, secret_env=("OPENAI_API_KEY", "STRIPE_SECRET_KEY"))
    assert {v.message.split()[1]: v.urn for v in failed}["STRIPE_SECRET_KEY"] is None


def test_a_missing_date_fails_and_is_not_merely_due():
    config = rotation_config({"vercelDeployToken": today(0), "supabaseDbUrl": today(0)})
    failed, due = rotation_run(80, config=config)
    assert len(failed) == 1 and due != []
    assert failed[0].message.startswith("secret OPENAI_API_KEY in tier production has no rotation date "
                                        "(never recorded: vital-expert-infra:secretRotation.OPENAI_API_KEY is not set)")
    failed, _ = rotation_run(0, config=rotation_config(None))  # no secretRotation at all
    assert sorted(v.message.split()[1] for v in failed) == ["OPENAI_API_KEY", "supabaseDbUrl", "vercelDeployToken"]


@pytest.mark.parametrize("recorded, found", [
    ("last week", "secretRotation.OPENAI_API_KEY is 'last week', not a date"),
    ("2027-03-01", "last rotated 2027-03-01, after today (2026-11-02); allowed: a date not after today"),
])
def test_a_date_that_is_not_a_past_date_fails(recorded, found):
    config = rotation_config({"vercelDeployToken": today(0), "supabaseDbUrl": today(0),
                              "OPENAI_API_KEY": recorded})
    failed, due = rotation_run(0, config=config)
    assert len(failed) == 1 and found in failed[0].message and due == []


def test_protection_password_is_a_secret_when_set():
    fakes = [*stack("production"), Fake(T_PROJECT, "locked-project", {"name": "x", "passwordProtection": {
        "deploymentType": "all_deployments", "password": secret("pw")}}, stack="production")]
    config = rotation_config({"vercelDeployToken": today(0), "supabaseDbUrl": today(0),
                              "OPENAI_API_KEY": today(0)}, protectionPassword="hunter2-do-not-print")
    failed, _ = rotation_run(0, fakes=fakes, config=config)
    assert len(failed) == 1 and "secret protectionPassword" in failed[0].message
    assert failed[0].urn == find(fakes, "locked-project").urn


def test_rotation_reads_its_pack_config():
    # Other tiers are not checked by default; `tiers` adds them. Limits move the thresholds.
    assert rotation_run(200, tier="preview") == ([], [])
    failed, _ = rotation_run(200, tier="preview", pack={"tiers": ["preview"]})
    assert len(failed) == 3
    failed, due = rotation_run(40, pack={"failAfterDays": 45, "warnAfterDays": 30})
    assert (len(failed), len(due)) == (0, 3) and "before 2026-12-17" in due[0].message
    failed, _ = rotation_run(None, pack={"today": "2026-02-30"})
    assert [v.message for v in failed] == ["pack config secret-rotation.today is '2026-02-30'; allowed: a date as "
                                           "YYYY-MM-DD, or unset for today's UTC date"]


def test_rotation_defaults_to_todays_utc_date():
    failed, due = rotation_run(None, config=rotation_config({"vercelDeployToken": "2000-01-01",
                                                             "supabaseDbUrl": "2000-01-01",
                                                             "OPENAI_API_KEY": "2000-01-01"}))
    assert len(failed) == 3 and due == []


def test_rotation_never_shows_a_secret_value():
    config = rotation_config({}, protectionPassword="hunter2-do-not-print")
    config[f"{NS}:secretRotation"] = "{not json"
    failed, _ = rotation_run(0, config=config)
    text = " ".join(v.message for v in failed)
    assert "config vital-expert-infra:secretRotation is not an object of KEY: date" in text
    assert "do-not-print" not in text
    config[f"{NS}:secretEnv"] = '"sk-live-rotation-canary"'
    failed, _ = rotation_run(0, config=config)
    text = " ".join(v.message for v in failed)
    assert "config vital-expert-infra:secretEnv is not an object" in text and "canary" not in text


def test_rotation_needs_a_tier():
    with stack_runtime("alice-dev"):
        assert "no tier" in not_applicable(rotation.secret_rotation, stack_args(stack("production")))


@pytest.mark.parametrize("tier", TIERS)
def test_held_secrets_match_the_config_layer(tier):
    # The pack's list (from the raw config) is StackConfig.secret_names() (program.config).
    from program.load import load_stack_config

    source = read_source(tier)

    def config_layer():
        pulumi.runtime.set_all_config(dict(source.config), list(source.secret_keys))
        return load_stack_config(tier).secret_names()

    expected = contextvars.copy_context().run(config_layer)
    with stack_runtime(tier, source.config):
        assert rotation.held_secrets() == (expected, True)


def test_the_rotation_policies_levels_and_schemas():
    policies = {p.name: p for p in catalog.build_policies()}
    assert policies["secret-rotation-due"].enforcement_level == EnforcementLevel.ADVISORY
    assert policies["secret-rotation"].enforcement_level == EnforcementLevel.ADVISORY  # an alarm, not a gate
    for name in ("secret-rotation", "secret-rotation-due"):
        props = pack_schemas.schemas()[name].properties
        assert (props["failAfterDays"]["default"], props["warnAfterDays"]["default"]) == (90, 75)
        assert props["tiers"]["default"] == ["production"] and "default" not in props["today"]


# ---- end to end: the pack through the Analyzer protocol -----------------------------------------------------


def _rotated_config() -> dict[str, str]:
    """The committed production stack's config with every secret recorded as rotated on ROTATED (the
    committed file records none: "never recorded")."""
    config = dict(read_source("production").config)
    assert json.loads(config.get(f"{NS}:secretRotation", "{}")) == {}  # the declared default: none recorded
    names = [*ALWAYS_HELD_SECRETS, "vercelDeployToken", *json.loads(config[f"{NS}:secretEnv"])]  # production's token
    config[f"{NS}:secretRotation"] = json.dumps({name: ROTATED.isoformat() for name in names})
    return config


def _missing_date_config() -> dict[str, str]:
    config = _rotated_config()
    rotated = json.loads(config[f"{NS}:secretRotation"])
    del rotated["OPENAI_API_KEY"]
    config[f"{NS}:secretRotation"] = json.dumps(rotated)
    config[f"{NS}:secretEnv"] = json.dumps({**json.loads(config[f"{NS}:secretEnv"]),
                                            "OPENAI_API_KEY": "sk-live-canary-value"})
    return config


@pytest.fixture(scope="module")
def rendered():
    return render_committed()


@pytest.fixture(scope="module")
def packs(rendered):
    specs = dict(rendered)
    specs["production-missing-date"] = (rendered["production"][0], _missing_date_config())
    specs["production-rotated"] = (rendered["production"][0], _rotated_config())
    with running_packs(specs) as started:
        yield started


def regs(rendered, tier):
    return copy.deepcopy(rendered[tier][0].resources)


def reg(resources, name):
    return next(r for r in resources if r.name == name)


def pinned(days: int = 23) -> dict:
    """Rotation counted to a pinned day, and what synth passes of the other tiers (their refs and costs)."""
    from tools.policy.committed import committed
    return {**committed(), "secret-rotation": {"today": today(days)}, "secret-rotation-due": {"today": today(days)}}


def of(result, policy):
    return [v for v in result["violations"] if v["policy"] == policy and not v["message"].startswith("can't run")]


def test_the_pack_lists_the_new_policies(packs):
    info = packs["production"].info
    kinds = {p.name: (p.kind, p.enforcement_level) for p in info.policies}
    assert kinds["backups"] == ("stack", "mandatory")
    assert kinds["secret-rotation"] == ("stack", "advisory")  # an alarm, not a gate
    assert kinds["secret-rotation-due"] == ("stack", "advisory")
    assert info.policy("isolation").properties["supabaseProjectRefs"]["default"] == {}  # synth passes them
    assert info.policy("backups").properties["requirePitrTiers"]["default"] == []


@pytest.mark.parametrize("tier", TIERS)
def test_the_committed_stacks_pass_the_new_policies(packs, rendered, tier):
    result = packs[tier].run(rendered[tier][0].resources, pinned())
    for policy in ("isolation", "backups", "secret-rotation-due"):
        assert of(result, policy) == []
    # Production records no rotation date yet: every secret is "never recorded", as advice.
    never = of(result, "secret-rotation")
    assert len(never) == (6 if tier == "production" else 0)
    assert all(v["enforcementLevel"] == "advisory" and "never recorded" in v["message"] for v in never)


def _edit(resource, **inputs):
    def apply(resources, tier, rendered):
        reg(resources, resource).inputs.update(inputs)
    return apply


def _add(from_tier, name, **inputs):
    """Add a copy of another tier's registration to this stack."""
    def apply(resources, tier, rendered):
        source = reg(regs(rendered, from_tier), name)
        resources.append(dataclasses.replace(source, urn=source.urn.replace(f"urn:pulumi:{from_tier}::",
                                                                            f"urn:pulumi:{tier}::"),
                                             inputs={**source.inputs, **inputs}))
    return apply


E2E = [
    ("pre-production", "isolation", _edit("supabase-pre-production-settings", project_ref=SUPABASE_REFS["production"]),
     "supabase-pre-production-settings", "uses Supabase project 'vitalprodxxxxxxxxxxx', which is tier production's"),
    ("pre-production", "isolation", _edit("cache-pre-production-redis", databaseName="vital-expert-production"),
     "cache-pre-production-redis", "is named 'vital-expert-production', which is tier production's database"),
    ("preview", "isolation", _add("pre-production", "cache-pre-production-redis"), "cache-pre-production-redis",
     "is named 'vital-expert-dev', which is tier pre-production's database"),
    ("production", "backups", _edit("supabase-production-settings", backup_policy="weekly"),
     "supabase-production-settings", "records a backup_policy that is not one of them (value not shown); allowed: one of daily+pitr, daily, none"),
    ("preview", "backups", _edit("supabase-preview-settings", backup_policy="hourly"),
     "supabase-preview-settings", "records a backup_policy that is not one of them (value not shown); allowed: one of daily+pitr, daily, none"),
]


@pytest.mark.parametrize("tier, policy, mutate, resource, message", E2E, ids=[f"{c[1]}-{c[0]}-{i}" for i, c in
                                                                             enumerate(E2E)])
def test_each_new_rule_fails_through_the_protocol(packs, rendered, tier, policy, mutate, resource, message):
    resources = regs(rendered, tier)
    mutate(resources, tier, rendered)
    found = of(packs[tier].run(resources, pinned()), policy)
    assert len(found) == 1, found
    assert found[0]["enforcementLevel"] == "mandatory"
    assert found[0]["urn"] == reg(resources, resource).urn
    assert message in found[0]["message"] and "\n" not in found[0]["message"]


def test_backups_fail_production_without_settings_through_the_protocol(packs, rendered):
    resources = [r for r in regs(rendered, "production") if r.name != "supabase-production-settings"]
    found = of(packs["production"].run(resources, pinned()), "backups")
    assert [(v["enforcementLevel"], v["urn"]) for v in found] == [("mandatory", "")]
    assert "has no Supabase settings resource" in found[0]["message"]


def test_isolation_reads_supabase_refs_from_the_pack_config(packs, rendered):
    resources = regs(rendered, "pre-production")
    reg(resources, "supabase-pre-production-settings").inputs["project_ref"] = SUPABASE_REFS["production"]
    config = {**pinned(), "isolation": {"supabaseProjectRefs": {"production": "otherprodrefxxxxxxxx"}}}
    assert of(packs["pre-production"].run(resources, config), "isolation") == []


@pytest.mark.parametrize("days, overdue, advisory", [(74, 0, 0), (75, 0, 6), (89, 0, 6), (90, 6, 0)])
def test_rotation_thresholds_through_the_protocol(packs, rendered, days, overdue, advisory):
    # The pack reads secretEnv and secretRotation from PULUMI_CONFIG (objects as JSON strings) with
    # pulumi.Config.get_object: the committed production stack's six secrets, recorded as rotated 2026-11-02.
    result = packs["production-rotated"].run(rendered["production"][0].resources, pinned(days))
    failed, due = of(result, "secret-rotation"), of(result, "secret-rotation-due")
    assert (len(failed), len(due)) == (overdue, advisory)
    assert {v["enforcementLevel"] for v in failed} <= {"advisory"}  # an alarm, not a gate
    assert {v["enforcementLevel"] for v in due} <= {"advisory"}
    for v in failed + due:
        assert f"last rotated 2026-11-02, {days} days ago (today {today(days)})" in v["message"]
    if failed:
        token = next(v for v in failed if v["message"].startswith("secret vercelDeployToken "))
        assert token["urn"] == reg(rendered["production"][0].resources, "production-secret-vercel_token").urn


def test_a_missing_date_through_the_protocol(packs, rendered):
    resources = rendered["production"][0].resources
    result = packs["production-missing-date"].run(resources, pinned(30))
    failed = of(result, "secret-rotation")
    assert len(failed) == 1 and of(result, "secret-rotation-due") == []
    assert failed[0]["message"].startswith("secret OPENAI_API_KEY in tier production has no rotation date")
    assert failed[0]["urn"] == reg(resources, "vital-expert-env-openai_api_key").urn
    assert "canary" not in json.dumps(result) and "secret-placeholder" not in json.dumps(result)


@pytest.mark.parametrize("config, message", [
    ({"secret-rotation": {"today": "25/11/2026"}}, "policy 'secret-rotation', property 'today': found \"25/11/2026\""),
    ({"secret-rotation-due": {"warnAfterDays": 0}},
     "policy 'secret-rotation-due', property 'warnAfterDays': found 0; allowed: a number of at least 1"),
    ({"backups": {"requirePitrTiers": ["staging"]}},
     "policy 'backups', property 'requirePitrTiers[0]': found \"staging\""),
    ({"isolation": {"supabaseProjectRefs": {"staging": "abcdefghijklmnopqrst"}}},
     "policy 'isolation': found unknown property 'supabaseProjectRefs.staging'"),
    ({"isolation": {"supabaseProjectRefs": {"production": "PROD"}}},
     "policy 'isolation', property 'supabaseProjectRefs.production': found \"PROD\""),
])
def test_a_bad_new_pack_config_is_one_line(packs, rendered, config, message):
    with pytest.raises(PolicyConfigError) as err:
        packs["preview"].run(rendered["preview"][0].resources, config)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_rotation_gates_only_when_the_pack_config_asks(tmp_path, capsys):
    """Advisory by default (the committed stack records no date: every secret "never recorded");
    {"secret-rotation": "mandatory"} brings the gate back for a team that wants it."""
    def synth_with(config):
        path = tmp_path / "policy.json"
        path.write_text(json.dumps(config))
        code = synth(["--stack", "production", "--policy-pack-config", str(path)])
        return code, json.loads(capsys.readouterr().out)["policy"]["violations"]

    code, violations = synth_with(pinned(0))
    never = [v for v in violations if v["policy"] == "secret-rotation"]
    assert code == 0 and len(never) == 6 and {v["enforcementLevel"] for v in never} == {"advisory"}
    assert all("never recorded" in v["message"] for v in never)
    code, violations = synth_with({**pinned(0), "secret-rotation": {"enforcementLevel": "mandatory", "today": today(0)}})
    assert code == 1
    assert {v["policy"] for v in violations if v["enforcementLevel"] == "mandatory"} == {"secret-rotation"}
