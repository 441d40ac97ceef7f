"""Supabase settings and the Upstash cache per tier, wired into the Vercel env vars."""


from tests.stacks import env_vars, of_type, one, render, with_config

REFS = {"production": "vitalprodxxxxxxxxxxx", "pre-production": "vitaldevxxxxxxxxxxxx", "preview": "vitalpreviewxxxxxxxx"}
# 40 % of each tier's compute's max connections (Small 90, Micro 60): Supabase's share for a REST-API app.
POOL = {"production": 36, "pre-production": 24, "preview": 24}
BACKUPS = {"production": "daily", "pre-production": "daily", "preview": "none"}


def _settings(doc):
    return one(doc, "dynamic:Resource")


def test_supabase_settings_per_tier(committed):
    for stack, doc in committed.items():
        res = _settings(doc)
        inputs = res["inputs"]
        assert inputs["project_ref"] == REFS[stack]
        assert inputs["default_pool_size"] == POOL[stack]
        assert inputs["backup_policy"] == BACKUPS[stack]
        # No token among the inputs, which state stores: the provider reads SUPABASE_ACCESS_TOKEN at each call.
        assert "access_token" not in inputs and inputs["__provider"] == "[secret]"
        assert "allowed_cidrs" not in inputs  # not configured: left unmanaged
        assert res["protect"] is (stack == "production")
        assert res["parent"].endswith(f"vital:supabase:SupabaseProject::supabase-{stack}")


def test_auth_site_url_and_redirects(committed):
    prod = _settings(committed["production"])["inputs"]
    assert prod["site_url"] == "https://app.vitalexpert.com"
    assert prod["uri_allow_list"] == ["https://app.vitalexpert.com/**"]
    preview = _settings(committed["preview"])["inputs"]
    # Previews live under the team's own suffix: no *.vercel.app pattern another team could match.
    assert preview["uri_allow_list"] == ["https://*.preview.vitalexpert.com/**"]


def test_network_restrictions_where_configured(tmp_path):
    doc = render("production", with_config("production", tmp_path, supabaseAllowedCidrs=["203.0.113.0/24"]))
    assert _settings(doc)["inputs"]["allowed_cidrs"] == ["203.0.113.0/24"]


def test_every_tier_owns_its_redis_with_tls(committed):
    prod = one(committed["production"], ":RedisDatabase")
    assert prod["inputs"]["tls"] is True and prod["inputs"]["databaseName"] == "vital-expert-production"
    assert prod["protect"] and prod["retainOnDelete"]
    pre = one(committed["pre-production"], ":RedisDatabase")
    assert pre["inputs"]["tls"] is True and not pre["protect"] and not pre["retainOnDelete"]
    preview = one(committed["preview"], ":RedisDatabase")
    assert preview["inputs"]["databaseName"] == "vital-expert-preview" and preview["inputs"]["eviction"] is True


def test_preview_reads_no_other_stack_and_its_credentials_come_from_its_own_database(committed):
    for stack, doc in committed.items():
        assert of_type(doc, "pulumi:pulumi:StackReference") == []
        assert not {"upstashRestUrl", "upstashRestToken"} & set(doc["outputs"])  # nothing exported for others
        database = one(doc, ":RedisDatabase")["urn"]
        env = env_vars(doc)
        assert env["UPSTASH_REDIS_REST_TOKEN"]["inputs"]["sensitive"] is True
        for key in ("UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"):
            assert database in env[key]["dependencies"], (stack, key)


def test_data_service_env_vars_and_the_migration_secret(committed):
    for stack, doc in committed.items():
        env = env_vars(doc)
        assert {"NEXT_PUBLIC_SUPABASE_URL", "NEXT_PUBLIC_SUPABASE_ANON_KEY", "UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"} <= set(env)
        assert env["NEXT_PUBLIC_SUPABASE_ANON_KEY"]["inputs"]["sensitive"] is False
        assert env["SUPABASE_SERVICE_ROLE_KEY"]["inputs"]["sensitive"] is True
        secrets = {r["inputs"]["secretName"] for r in of_type(doc, ":ActionsEnvironmentSecret")}
        # Migrations run on the database URL; the service-role key only when a stack asks for it.
        assert "SUPABASE_DB_URL" in secrets and "SUPABASE_SERVICE_ROLE_KEY" not in secrets


def test_supabase_url_value_comes_from_the_ref():
    """Env values are secret in synth (the SDK wraps them); check the component's value."""
    from program.config import StackConfig
    from program.resolve import redirect_urls, site_url

    cfg = StackConfig.model_validate({"stack": "preview", "tier": "preview", "vercel:team": "team_abcdefgh", "github:owner": "o",
                                      "supabaseProjectRef": "a" * 20,
                                      "supabaseDbUrl": f"postgresql://postgres.{'a' * 20}:pw@aws-0-us-east-1.pooler.supabase.com:5432/postgres",
                                      "secretEnv": {"OPENAI_API_KEY": "k", "SUPABASE_SERVICE_ROLE_KEY": "k"}})
    assert site_url(cfg) == "https://vital-expert-preview.vercel.app"
    # No team slug, no suffix: no *.vercel.app pattern at all (it would match other teams' projects).
    assert redirect_urls(cfg) == ("https://vital-expert-preview.vercel.app/**",)
    anchored = cfg.model_copy(update={"vercel_team_slug": "acme"})
    assert redirect_urls(anchored) == ("https://vital-expert-preview-*-acme.vercel.app/**",)
