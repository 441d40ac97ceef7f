"""Migrations per tier: each GitHub environment holds its own database's connection string for
`supabase db push`, and the project ref; the service-role key only where a stack asks for it."""

import json

import pytest

from program.config import StackConfig
from tests.stacks import of_type, render, render_with_secrets, with_config

CANARY = "canary-5d0a-db-password"
REFS = {"production": "vitalprodxxxxxxxxxxx", "pre-production": "vitaldevxxxxxxxxxxxx", "preview": "vitalpreviewxxxxxxxx"}


def pooler_url(ref: str, password: str = CANARY, port: int = 5432) -> str:
    return f"postgresql://postgres.{ref}:{password}@aws-0-us-east-1.pooler.supabase.com:{port}/postgres"


def environment(doc) -> tuple[dict, dict]:
    secrets = {r["inputs"]["secretName"]: r for r in of_type(doc, ":ActionsEnvironmentSecret")}
    variables = {r["inputs"]["variableName"]: r["inputs"]["value"] for r in of_type(doc, ":ActionsEnvironmentVariable")}
    return secrets, variables


@pytest.mark.parametrize("stack", REFS)
def test_each_environment_gets_its_database_url_and_ref_and_no_service_role_key(committed, stack):
    secrets, variables = environment(committed[stack])
    assert secrets["SUPABASE_DB_URL"]["inputs"]["value"] == "[secret]"
    assert variables["SUPABASE_PROJECT_REF"] == REFS[stack]
    assert "SUPABASE_SERVICE_ROLE_KEY" not in secrets  # it serves the data API; it runs no migration


def test_environment_secrets_copy_a_secret_env_key_when_asked(tmp_path):
    doc = render("preview", with_config("preview", tmp_path, environmentSecrets=["SUPABASE_SERVICE_ROLE_KEY"]))
    secrets, _ = environment(doc)
    assert secrets["SUPABASE_SERVICE_ROLE_KEY"]["inputs"]["value"] == "[secret]"


def test_the_database_url_never_appears_in_plaintext():
    doc = render_with_secrets("pre-production", {"supabaseDbUrl": pooler_url(REFS["pre-production"])})
    assert CANARY not in json.dumps(doc)
    assert environment(doc)[0]["SUPABASE_DB_URL"]["inputs"]["value"] == "[secret]"


@pytest.mark.parametrize("url, why", [
    (pooler_url(REFS["production"]), "production's database from pre-production"),
    (pooler_url(REFS["pre-production"], port=6543), "the transaction pooler"),
    (f"postgresql://postgres:{CANARY}@db.vitalprodxxxxxxxxxxx.supabase.co:5432/postgres", "another project, direct"),
    (f"https://{CANARY}.example.com", "not a Postgres URL"),
    ("postgresql://postgres.vitaldevxxxxxxxxxxxx@aws-0-us-east-1.pooler.supabase.com:5432/postgres", "no password"),
    (pooler_url(REFS["pre-production"], password=CANARY + "%zz"), "a stray percent sign"),
])
def test_a_database_url_that_is_not_this_tiers_is_refused_without_quoting_it(url, why):
    from program.load import ConfigError, _error_from_validation  # the path every config error takes
    from pydantic import ValidationError

    data = dict(_base("pre-production"), supabaseDbUrl=url)
    with pytest.raises(ValidationError) as err:
        StackConfig.model_validate(data)
    line = str(_error_from_validation("pre-production", err.value))
    assert isinstance(_error_from_validation("pre-production", err.value), ConfigError)
    assert "'vital-expert-infra:supabaseDbUrl'" in line and "vitaldevxxxxxxxxxxxx" in line, why
    assert "percent-encoded" in line, why
    assert CANARY not in line and url not in line, why


def test_a_direct_url_to_the_tiers_own_project_is_accepted():
    direct = f"postgresql://postgres:{CANARY}@db.vitaldevxxxxxxxxxxxx.supabase.co:5432/postgres"
    assert StackConfig.model_validate(dict(_base("pre-production"), supabaseDbUrl=direct))
    encoded = pooler_url(REFS["pre-production"], password="p%40ss%23word")  # p@ss#word, percent-encoded
    assert StackConfig.model_validate(dict(_base("pre-production"), supabaseDbUrl=encoded))


def _base(stack: str) -> dict:
    """The committed stack's config as the program sees it (secrets as synth's stand-ins), read in a
    context of its own so no other test's runtime config leaks in."""
    import contextvars

    import pulumi

    from program.load import load_stack_config
    from tools.synth import read_source

    source = read_source(stack)

    def load():
        pulumi.runtime.set_all_config(dict(source.config), list(source.secret_keys))
        return load_stack_config(stack)

    cfg = contextvars.copy_context().run(load)
    return {**cfg.model_dump(by_alias=True, exclude_none=True),
            **({"vercelDeployToken": cfg.vercel_deploy_token.get_secret_value()} if cfg.vercel_deploy_token else {}),
            "secretEnv": {k: v.get_secret_value() for k, v in cfg.secret_env.items()}}
