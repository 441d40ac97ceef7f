"""The env-var policies (no-debug-in-production, secrets, cors) judged branch by branch, with their exact messages.

Each rule function is called directly, per resource, with the arguments pulumi-policy builds
(tests/policies/helpers.py: the env var's value arrives secret-wrapped from the engine and is
unwrapped, then proxied). Messages are what a user reads in the PR comment, so they are compared
whole, and none may quote a value. Pure function calls only: this file is the first that
`make mutate` runs for env_vars.py (dev/mutate/targets.py).
"""

from __future__ import annotations

import pytest

from tests.policies.helpers import (
    T_ENV,
    T_ENVS,
    T_FIREWALL,
    T_GH_ENV_SECRET,
    T_GH_SECRET,
    UNKNOWN,
    Fake,
    not_applicable,
    resource_args,
    run,
    secret,
    stack_runtime,
)
from vital_policies import env_vars

DROP = object()
NOT_FALSE = "is set to something other than 'false' in tier {tier} (value not shown); allowed: absent or 'false'"
NODE_ENV = ("is not a NODE_ENV Next.js accepts (value not shown); allowed: one of production, development, test "
            "(Next.js refuses a non-standard NODE_ENV)")
SENSITIVE_PUBLIC = ("is sensitive: true, but Next.js inlines every NEXT_PUBLIC_* variable into the browser bundle; "
                    "allowed: no secret in a NEXT_PUBLIC_* variable (drop the prefix)")
PUBLIC_CREDENTIAL = ("names or holds a credential, and Next.js inlines every NEXT_PUBLIC_* variable into the browser "
                     "bundle; allowed: no secret in a NEXT_PUBLIC_* variable")
WILDCARD = ("allows {n} wildcard origin(s) ('*' or a '*.' pattern; value not shown) in tier {tier}; allowed: explicit "
            "origins only, such as https://app.vitalexpert.com")
STRIPE_LIVE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"  # Stripe's documented sample key
DSN = "postgres://app:hunter2secret@db.example.com/app"


def var(key, value=DROP, sensitive=False):
    """One ProjectEnvironmentVariable as the program registers it (the engine marks `value` secret)."""
    inputs = {"key": key, "projectId": "prj_x", "targets": ["production"], "sensitive": sensitive}
    if value is not DROP:
        inputs["value"] = secret(value)
    return Fake(T_ENV, f"env-{str(key).lower()}", {k: v for k, v in inputs.items() if v is not DROP})


def bulk(*variables):
    """The bulk resource: ProjectEnvironmentVariables with variables[i] = {key, value, sensitive}."""
    return Fake(T_ENVS, "bulk", {"projectId": "prj_x", "variables": [
        {k: (secret(v) if k == "value" else v) for k, v in variable.items()} for variable in variables]})


def judge(policy, fake, tier="production", pack=None):
    with stack_runtime(tier):
        return [r.message for r in run(policy, resource_args(fake, pack))]


def single(key):
    return f"ProjectEnvironmentVariable 'env-{key.lower()}' ({key})"


# ---- which variables a rule reads -----------------------------------------------------------------


def test_a_single_variable_is_named_by_resource_and_key():
    assert judge(env_vars.no_debug_in_production, var("NEXT_PUBLIC_ENABLE_DEBUG", "true")) == [
        f"{single('NEXT_PUBLIC_ENABLE_DEBUG')} {NOT_FALSE.format(tier='production')}"]


def test_the_bulk_resource_names_each_variable_by_its_index():
    fake = bulk({"key": "LOG_LEVEL", "value": "info"}, {"value": "true"},  # no key: skipped, its index kept
                {"key": "NEXT_PUBLIC_ENABLE_DEBUG", "value": "1"}, {"key": "NODE_ENV", "value": "staging"},
                {"key": 5.0, "value": "x"})
    assert judge(env_vars.no_debug_in_production, fake) == [
        f"ProjectEnvironmentVariables 'bulk' variables[2] (NEXT_PUBLIC_ENABLE_DEBUG) {NOT_FALSE.format(tier='production')}",
        f"ProjectEnvironmentVariables 'bulk' variables[3] (NODE_ENV) {NODE_ENV}"]
    assert judge(env_vars.no_debug_in_production, Fake(T_ENVS, "bulk", {"projectId": "prj_x"})) == []


BOTH_RULES = (env_vars.no_debug_in_production, env_vars.cors)


@pytest.mark.parametrize("fake, policies", [
    (Fake(T_FIREWALL, "fw", {"key": "NODE_ENV", "value": "staging", "variables": [{"key": "NODE_ENV", "value": "x"}]}),
     BOTH_RULES),
    (var(DROP, "staging"), BOTH_RULES),
    (var("LOG_LEVEL", "*"), (env_vars.cors,)),  # cors reads its one variable only
])
def test_resources_without_a_variable_to_judge_are_skipped_even_without_a_tier(fake, policies):
    for policy in policies:
        with stack_runtime("alice-dev"):  # no tier: a rule that judges something is not applicable
            assert not_applicable(policy, resource_args(fake)) is None
            assert run(policy, resource_args(fake)) == []
    with stack_runtime("alice-dev"):
        for policy in BOTH_RULES:
            assert "has no tier" in not_applicable(policy, resource_args(var("CORS_ALLOWED_ORIGINS", "*")))


# ---- no-debug-in-production ------------------------------------------------------------------------


@pytest.mark.parametrize("value, reported", [
    ("true", True), ("1", True), ("False", True), ("", True), ("false", False), (DROP, False),
])
def test_a_debug_flag_is_absent_or_false_in_production(value, reported):
    for flag in ("NEXT_PUBLIC_ENABLE_DEBUG", "NEXT_PUBLIC_ENABLE_MOCK_API"):
        expected = [f"{single(flag)} {NOT_FALSE.format(tier='production')}"] if reported else []
        assert judge(env_vars.no_debug_in_production, var(flag, value)) == expected


@pytest.mark.parametrize("tier", ["pre-production", "preview"])
def test_debug_flags_are_free_outside_production(tier):
    assert judge(env_vars.no_debug_in_production, var("NEXT_PUBLIC_ENABLE_DEBUG", "true"), tier=tier) == []


def test_the_pack_config_names_the_flags_and_the_tiers():
    pack = {"flags": ["MY_DEBUG"], "tiers": ["preview"]}
    assert judge(env_vars.no_debug_in_production, var("MY_DEBUG", "on"), tier="preview", pack=pack) == [
        f"{single('MY_DEBUG')} {NOT_FALSE.format(tier='preview')}"]
    assert judge(env_vars.no_debug_in_production, var("MY_DEBUG", "on"), pack=pack) == []
    assert judge(env_vars.no_debug_in_production, var("NEXT_PUBLIC_ENABLE_DEBUG", "true"), tier="preview", pack=pack) == []


@pytest.mark.parametrize("tier", ["production", "pre-production", "preview"])
@pytest.mark.parametrize("value, reported", [
    ("production", False), ("development", False), ("test", False),
    ("staging", True), ("preview", True), ("Production", True), ("", True), (DROP, True),
])
def test_node_env_is_one_nextjs_accepts_in_every_tier(tier, value, reported):
    expected = [f"{single('NODE_ENV')} {NODE_ENV}"] if reported else []
    assert judge(env_vars.no_debug_in_production, var("NODE_ENV", value), tier=tier) == expected


# ---- secrets ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key, value, sensitive, found", [
    # NEXT_PUBLIC_* is inlined into the browser bundle
    ("NEXT_PUBLIC_FEATURE", "xq-9f3-flag", True, SENSITIVE_PUBLIC),
    ("NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY", "eyJ.placeholder", False, PUBLIC_CREDENTIAL),
    ("NEXT_PUBLIC_API_TOKEN", DROP, False, PUBLIC_CREDENTIAL),
    ("NEXT_PUBLIC_ANALYTICS_ID", STRIPE_LIVE, False, PUBLIC_CREDENTIAL),
    ("NEXT_PUBLIC_APP_URL", "https://app.vitalexpert.com", False, None),
    ("NEXT_PUBLIC_APP_URL", DROP, False, None),
    # any other credential is sensitive
    ("OPENAI_API_KEY", "sk-live-do-not-print", False, "names a credential but is sensitive: False; allowed: sensitive: true"),
    ("OPENAI_API_KEY", "sk-live-do-not-print", DROP, "names a credential but is sensitive: None; allowed: sensitive: true"),
    ("OPENAI_API_KEY", "sk-live-do-not-print", "true", "names a credential but is sensitive: 'true'; allowed: sensitive: true"),
    ("OPENAI_API_KEY", "sk-live-do-not-print", True, None),
    ("DATABASE_URL", DSN, False, "holds a credential (value not shown) but is sensitive: False; allowed: sensitive: true"),
    ("DATABASE_URL", DSN, True, None),
    ("BILLING", STRIPE_LIVE, DROP, "holds a credential (value not shown) but is sensitive: None; allowed: sensitive: true"),
    ("LOG_LEVEL", "info", False, None),
    ("LOG_LEVEL", DROP, False, None),
])
def test_secrets_judge_each_variable(key, value, sensitive, found):
    reported = judge(env_vars.secrets, var(key, value, sensitive), tier="preview")
    assert reported == ([f"{single(key)} {found}"] if found else [])


@pytest.mark.parametrize("key, sensitive, found", [
    # A value a provider computes on create (the Redis REST URL) is unknown in a first preview: what the
    # key and the sensitive flag say is judged now, the value itself in `pulumi up`, once it is known.
    ("UPSTASH_REDIS_REST_URL", False, None),
    ("NEXT_PUBLIC_SUPABASE_URL", False, None),
    ("NEXT_PUBLIC_API_TOKEN", False, PUBLIC_CREDENTIAL),
    ("NEXT_PUBLIC_FEATURE", True, SENSITIVE_PUBLIC),
    ("OPENAI_API_KEY", False, "names a credential but is sensitive: False; allowed: sensitive: true"),
    ("OPENAI_API_KEY", True, None),
])
def test_secrets_judge_what_is_known_of_a_variable_whose_value_is_unknown(key, sensitive, found):
    reported = judge(env_vars.secrets, var(key, UNKNOWN, sensitive), tier="preview")  # no "can't run": nothing raised
    assert reported == ([f"{single(key)} {found}"] if found else [])


def test_secrets_judge_each_known_value_of_the_bulk_resource_and_skip_an_unknown_one():
    fake = bulk({"key": "REDIS_URL", "value": UNKNOWN, "sensitive": False},
                {"key": "DATABASE_URL", "value": DSN, "sensitive": False})
    assert judge(env_vars.secrets, fake) == [
        "ProjectEnvironmentVariables 'bulk' variables[1] (DATABASE_URL) holds a credential (value not shown) but is "
        "sensitive: False; allowed: sensitive: true"]


def test_the_rules_that_need_an_unknown_value_still_wait_for_apply():
    from pulumi_policy.proxy import UnknownValueError

    with pytest.raises(UnknownValueError):
        judge(env_vars.no_debug_in_production, var("NODE_ENV", UNKNOWN))
    with pytest.raises(UnknownValueError):
        judge(env_vars.cors, var("CORS_ALLOWED_ORIGINS", UNKNOWN))


def test_secrets_judge_every_variable_of_the_bulk_resource():
    fake = bulk({"key": "OPENAI_API_KEY", "value": "sk-x", "sensitive": True}, {"key": "STRIPE_SECRET_KEY", "value": "s"},
                {"key": "NEXT_PUBLIC_FLAG", "value": "on", "sensitive": True})
    assert judge(env_vars.secrets, fake) == [
        "ProjectEnvironmentVariables 'bulk' variables[1] (STRIPE_SECRET_KEY) names a credential but is sensitive: None; "
        "allowed: sensitive: true",
        f"ProjectEnvironmentVariables 'bulk' variables[2] (NEXT_PUBLIC_FLAG) {SENSITIVE_PUBLIC}"]


DEPRECATED = {"plaintextValue": "value", "encryptedValue": "valueEncrypted (with keyId)"}
GITHUB_SECRETS = (T_GH_SECRET, T_GH_ENV_SECRET, "github:index/actionsOrganizationSecret:ActionsOrganizationSecret",
                  "github:index/dependabotSecret:DependabotSecret",
                  "github:index/dependabotOrganizationSecret:DependabotOrganizationSecret")


@pytest.mark.parametrize("type_", GITHUB_SECRETS)
def test_github_secrets_use_value_or_value_encrypted(type_):
    kind = type_.rsplit(":", 1)[-1]

    def github(**fields):
        return Fake(type_, "repo-secret", {"repository": "vital-expert", "secretName": "OPENAI_API_KEY",
                                           **{k: secret(v) for k, v in fields.items()}})

    assert judge(env_vars.secrets, github(value="v4lue")) == []
    assert judge(env_vars.secrets, github(valueEncrypted="ZW5j", keyId="k")) == []
    for field, use in DEPRECATED.items():
        assert judge(env_vars.secrets, github(**{field: "v4lue"})) == [
            f"{kind} 'repo-secret' sets {field}, which the GitHub provider deprecates; allowed: {use}"]
    assert judge(env_vars.secrets, github(plaintextValue="a", encryptedValue="b")) == [
        f"{kind} 'repo-secret' sets {field}, which the GitHub provider deprecates; allowed: {use}"
        for field, use in DEPRECATED.items()]


def test_a_github_secret_is_judged_as_one_and_an_env_var_never_as_one():
    # A GitHub secret shaped like an env var is judged on its fields only...
    fake = Fake(T_GH_SECRET, "repo-secret", {"secretName": "X", "key": "API_TOKEN", "value": secret("t"),
                                             "sensitive": False})
    assert judge(env_vars.secrets, fake) == []
    # ... and an env var whose inputs carry a deprecated GitHub field is judged as an env var.
    fake = var("API_TOKEN", "t")
    fake.inputs["plaintextValue"] = secret("t")
    assert judge(env_vars.secrets, fake) == [f"{single('API_TOKEN')} names a credential but is sensitive: False; "
                                             "allowed: sensitive: true"]


# ---- cors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, wildcards", [
    ("*", 1),
    ("https://*.vitalexpert.com", 1),
    ("https://app.vitalexpert.com, https://*.vitalexpert.com", 1),
    ("https://app.vitalexpert.com,*", 1),
    ("https://*.a.com,*, https://b.com", 2),
    ("https://app.vitalexpert.com", 0),
    ("https://app.vitalexpert.com, https://www.vitalexpert.com", 0),
    ("", 0),
    (DROP, 0),
])
def test_cors_counts_the_wildcard_origins_in_production(value, wildcards):
    expected = [f"{single('CORS_ALLOWED_ORIGINS')} {WILDCARD.format(n=wildcards, tier='production')}"] if wildcards else []
    assert judge(env_vars.cors, var("CORS_ALLOWED_ORIGINS", value)) == expected


def test_cors_reads_only_its_variable_in_its_tiers():
    assert judge(env_vars.cors, var("CORS_ALLOWED_ORIGINS", "*"), tier="preview") == []
    assert judge(env_vars.cors, var("ALLOWED_HOSTS", "*")) == []
    assert judge(env_vars.cors, var("CORS_ALLOWED_ORIGINS", "*"), tier="preview", pack={"tiers": ["preview"]}) == [
        f"{single('CORS_ALLOWED_ORIGINS')} {WILDCARD.format(n=1, tier='preview')}"]
    assert judge(env_vars.cors, var("ALLOWED_HOSTS", "*, *"), pack={"variable": "ALLOWED_HOSTS"}) == [
        f"{single('ALLOWED_HOSTS')} {WILDCARD.format(n=2, tier='production')}"]
    assert judge(env_vars.cors, var("CORS_ALLOWED_ORIGINS", "*"), pack={"variable": "ALLOWED_HOSTS"}) == []


def test_cors_reads_the_bulk_resource():
    fake = bulk({"key": "LOG_LEVEL", "value": "*"}, {"key": "CORS_ALLOWED_ORIGINS", "value": "https://a.com,*"})
    assert judge(env_vars.cors, fake) == [
        "ProjectEnvironmentVariables 'bulk' variables[1] (CORS_ALLOWED_ORIGINS) "
        f"{WILDCARD.format(n=1, tier='production')}"]


def test_no_message_quotes_a_value():
    values = ["sk-live-do-not-print", DSN, STRIPE_LIVE, "https://*.do-not-print.com", "do-not-print-flag"]
    fakes = [var("OPENAI_API_KEY", values[0]), var("DATABASE_URL", values[1]), var("NEXT_PUBLIC_X", values[2]),
             var("CORS_ALLOWED_ORIGINS", values[3]), var("NEXT_PUBLIC_ENABLE_DEBUG", values[4]), var("NODE_ENV", values[4])]
    messages = [m for fake in fakes for policy in (env_vars.no_debug_in_production, env_vars.secrets, env_vars.cors)
                for m in judge(policy, fake)]
    assert len(messages) == 6
    assert not [m for m in messages for v in values if v in m or "do-not-print" in m]
