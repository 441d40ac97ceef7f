"""Typed stack config: read from pulumi.Config, checked against the tier and plan tables.

Everything is validated before the program registers a single resource, so a bad stack
file fails as one line (ConfigError) and nothing is half-applied.
"""

from __future__ import annotations

import ipaddress
from datetime import date
import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from vital import facts, secrets, stackfile
from vital.tiers import BACKUP_POLICIES, SHARED, TIER_DEFAULTS, TIERS, Tier

from vital.names import DATA_SERVICE_ENV, PROJECT, SECRET_CONFIG_KEYS as SECRET_KEYS

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_ENV_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SUPABASE_REF_RE = re.compile(r"^[a-z]{20}$")  # the Management API's `ref` pattern
_TEAM_RE = re.compile(r"^team_[A-Za-z0-9]{6,}$")
_HEADER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_APP_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$")


class ConfigError(Exception):
    """One line: the stack, the key, the value found and what is allowed."""

    def __init__(self, stack: str, key: str, found: Any, allowed: str) -> None:
        key = key if ":" in key.split(".")[0].split("[")[0] else f"{PROJECT}:{key}"
        self.stack, self.key = stack, key
        super().__init__(f"stack '{stack}': config '{key}': found {_show(found)}; {allowed}")


def _show(value: Any) -> str:
    if isinstance(value, SecretStr) or value == "[secret]":
        return "[secret]"
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _check_domain(domain: str) -> str:
    if not _DOMAIN_RE.match(domain):
        raise ValueError(f"allowed: a lower-case host name such as app.vitalexpert.com (found {domain!r})")
    return domain


class AppConfig(_Model):
    """One Vercel project per tier: the root app, or a standalone app in its own folder."""

    name: str
    root_directory: str | None = Field(None, alias="rootDirectory")
    domains: tuple[str, ...] = ()
    env: dict[str, str] = {}

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _APP_NAME_RE.match(v):
            raise ValueError("allowed: lower-case letters, digits and '-', 1 to 40 characters")
        return v

    @field_validator("domains")
    @classmethod
    def _domains(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_domain(d) for d in v)

    @field_validator("root_directory")
    @classmethod
    def _root(cls, v: str | None) -> str | None:
        if v is not None and (v.startswith("/") or ".." in v.split("/") or not v.strip()):
            raise ValueError("allowed: a relative folder inside the repository, such as standalone-apps/pharma-app")
        return v


DEFAULT_APPS = (AppConfig(name="vital-expert"),)

_PROJECT_ID_RE = re.compile(r"^prj_[A-Za-z0-9]+$")


class AppAdoption(_Model):
    """An existing Vercel project to import instead of creating (today's single project)."""

    project_id: str = Field(alias="projectId")
    # Vercel's ids of existing env vars, by key (`GET /v10/projects/{id}/env`).
    env_var_ids: dict[str, str] = Field({}, alias="envVarIds")
    domains: tuple[str, ...] = ()

    @field_validator("project_id")
    @classmethod
    def _project_id(cls, v: str) -> str:
        if not _PROJECT_ID_RE.match(v):
            raise ValueError("allowed: a Vercel project id (prj_...)")
        return v


class Adoption(_Model):
    """What already exists in this tier and is imported (`import_`) rather than created."""

    apps: dict[str, AppAdoption] = {}
    github_environment: bool = Field(False, alias="githubEnvironment")
    branch: bool = False

AddOn = Literal["password_protection", "preview_deployment_suffix"]


class StackConfig(_Model):
    """The whole of one stack's config, typed. Field aliases are the config keys."""

    stack: str
    tier: Literal["production", "pre-production", "preview"]
    vercel_team: str = Field(alias="vercel:team")
    vercel_plan: Literal["hobby", "pro", "enterprise"] = Field("pro", alias="vercelPlan")
    vercel_addons: tuple[AddOn, ...] = Field((), alias="vercelAddons")
    github_owner: str = Field(alias="github:owner")
    github_repo: str = Field("vital-expert", alias="githubRepo")
    apps: tuple[AppConfig, ...] = Field(DEFAULT_APPS, min_length=1)
    domains: tuple[str, ...] = ()
    env: dict[str, str] = {}
    secret_env: dict[str, SecretStr] = Field({}, alias="secretEnv")
    function_timeout: int | None = Field(None, alias="functionTimeout")
    rate_limit_requests: int | None = Field(None, alias="rateLimitRequests", ge=1)
    rate_limit_period: int = Field(SHARED["rate_limit_period_s"], alias="rateLimitPeriod", ge=1)
    noindex: bool | None = None
    security_headers: bool | None = Field(None, alias="securityHeaders")
    headers: dict[str, str] = {}
    cors_allowed_origins: tuple[str, ...] | None = Field(None, alias="corsAllowedOrigins")
    production_branch: str | None = Field(None, alias="productionBranch")
    region: str = SHARED["region"]
    build_command: str = Field(SHARED["build_command"], alias="buildCommand")
    install_command: str = Field(SHARED["install_command"], alias="installCommand")
    output_directory: str = Field(SHARED["output_directory"], alias="outputDirectory")
    preview_expiration: str = Field(SHARED["preview_expiration"], alias="previewExpiration")
    preview_deployment_suffix: str | None = Field(None, alias="previewDeploymentSuffix")
    vercel_authentication: str | None = Field(None, alias="vercelAuthentication")
    protection_password: SecretStr | None = Field(None, alias="protectionPassword")
    trusted_ips: tuple[str, ...] = Field((), alias="trustedIps")
    admin_allowlist: tuple[str, ...] = Field((), alias="adminAllowlist")
    admin_paths: tuple[str, ...] = Field(SHARED["admin_paths"], alias="adminPaths")
    # GitHub user ids (`gh api users/LOGIN --jq .id`): the environment API takes ids, not logins.
    required_reviewers: tuple[int, ...] = Field((), alias="requiredReviewers")
    required_checks: tuple[str, ...] = Field(SHARED["required_checks"], alias="requiredChecks")
    vercel_deploy_token: SecretStr = Field(alias="vercelDeployToken")
    # Data services (issue: Supabase and Upstash per tier).
    supabase_project_ref: str = Field(alias="supabaseProjectRef")
    supabase_access_token: SecretStr = Field(alias="supabaseAccessToken")
    supabase_anon_key: str | None = Field(None, alias="supabaseAnonKey")
    supabase_pool_size: int | None = Field(None, alias="supabasePoolSize", ge=0, le=3000)
    supabase_allowed_cidrs: tuple[str, ...] = Field((), alias="supabaseAllowedCidrs")
    supabase_backups: str | None = Field(None, alias="supabaseBackups")
    # One ProjectEnvironmentVariable per variable, or one bulk ProjectEnvironmentVariables
    # per project (fewer resources; see the README's benchmark section for the trade-off).
    env_var_mode: Literal["per-variable", "bulk"] = Field("per-variable", alias="envVarMode")
    # Who deploys the app: Vercel's Git integration, or the app repository's workflows.
    deploy_from: Literal["vercel-git", "github-actions"] = Field("vercel-git", alias="deployFrom")
    adopt: Adoption = Adoption()
    # Secret key -> ISO date it was last rotated (seed: rotate every 90 days).
    secret_rotation: dict[str, date] = Field({}, alias="secretRotation")
    upstash_primary_region: str = Field(SHARED["upstash_primary_region"], alias="upstashPrimaryRegion")
    shared_cache_stack: str = Field(SHARED["shared_cache_stack"], alias="sharedCacheStack")

    # ---- field checks: each raises ValueError whose text says what is allowed ----

    @field_validator("preview_deployment_suffix", mode="before")
    @classmethod
    def _empty_is_none(cls, v):
        return None if v == "" else v  # Pulumi.yaml declares "" as "no suffix"

    @field_validator("domains", "preview_deployment_suffix")
    @classmethod
    def _domains(cls, v):
        if v is None:
            return v
        return tuple(_check_domain(d) for d in v) if isinstance(v, tuple) else _check_domain(v)

    @field_validator("env")
    @classmethod
    def _env_keys(cls, v: dict[str, str]) -> dict[str, str]:
        for key in v:
            if not _ENV_KEY_RE.match(key):
                raise ValueError(f"allowed: names of letters, digits and '_' (found key {key!r})")
        return v

    @field_validator("headers")
    @classmethod
    def _header_names(cls, v: dict[str, str]) -> dict[str, str]:
        for key in v:
            if not _HEADER_RE.match(key):
                raise ValueError(f"allowed: header names of letters, digits and '-' (found {key!r})")
        return v

    @field_validator("vercel_team")
    @classmethod
    def _team(cls, v: str) -> str:
        if not _TEAM_RE.match(v):
            raise ValueError("allowed: the Vercel team id (team_...), which VERCEL_ORG_ID needs")
        return v

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        if v not in facts.VERCEL_REGIONS:
            raise ValueError(f"allowed: one of {', '.join(facts.VERCEL_REGIONS)}")
        return v

    @field_validator("preview_expiration")
    @classmethod
    def _retention(cls, v: str) -> str:
        if v not in facts.RETENTION_VALUES:
            raise ValueError(f"allowed: one of {', '.join(facts.RETENTION_VALUES)}")
        return v

    @field_validator("vercel_authentication")
    @classmethod
    def _auth(cls, v: str | None) -> str | None:
        if v is not None and v not in facts.VERCEL_AUTH_DEPLOYMENT_TYPES:
            raise ValueError(f"allowed: one of {', '.join(facts.VERCEL_AUTH_DEPLOYMENT_TYPES)}")
        return v

    @field_validator("supabase_project_ref")
    @classmethod
    def _supabase_ref(cls, v: str) -> str:
        if not _SUPABASE_REF_RE.match(v):
            raise ValueError("allowed: a Supabase project ref, 20 lower-case letters (Settings > General)")
        return v

    @field_validator("supabase_backups")
    @classmethod
    def _backups(cls, v: str | None) -> str | None:
        if v is not None and v not in BACKUP_POLICIES:
            raise ValueError(f"allowed: one of {', '.join(BACKUP_POLICIES)}")
        return v

    @field_validator("supabase_anon_key")
    @classmethod
    def _anon_key(cls, v: str | None) -> str | None:
        if v is not None and secrets.looks_secret_value(v):
            raise ValueError("allowed: the public anon key only; the service-role key goes in secretEnv.SUPABASE_SERVICE_ROLE_KEY")
        return v

    @field_validator("shared_cache_stack")
    @classmethod
    def _stack_name(cls, v: str) -> str:
        if len(v.split("/")) != 3 or not all(v.split("/")):
            raise ValueError("allowed: a fully qualified stack name, organization/project/stack")
        return v

    @field_validator("admin_allowlist", "trusted_ips", "supabase_allowed_cidrs")
    @classmethod
    def _cidrs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for cidr in v:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise ValueError(f"allowed: IP addresses or CIDR ranges such as 203.0.113.0/24 (found {cidr!r})") from None
        return v

    @field_validator("required_reviewers")
    @classmethod
    def _reviewers(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if len(v) > facts.GITHUB_MAX_ENVIRONMENT_REVIEWERS:
            raise ValueError(f"allowed: at most {facts.GITHUB_MAX_ENVIRONMENT_REVIEWERS} reviewers (GitHub's limit)")
        return v

    # ---- derived values: the tier's default where the stack file says nothing ----

    @property
    def tier_defaults(self) -> Tier:
        return TIER_DEFAULTS[self.tier]

    @property
    def limits(self) -> facts.PlanLimits:
        return facts.VERCEL_PLANS[self.vercel_plan]

    def effective(self, field: str) -> Any:
        """The stack's value for `field`, or the tier table's default when unset."""
        value = getattr(self, field)
        tier_field = {"function_timeout": "function_timeout_s", "supabase_pool_size": "pool_size",
                      "supabase_backups": "backups"}.get(field, field)
        return getattr(self.tier_defaults, tier_field) if value is None else value

    @property
    def max_function_timeout(self) -> int:
        return min(self.tier_defaults.function_timeout_s, self.limits.max_function_duration_s)

    def feature_allowed(self, feature: str) -> bool:
        availability = facts.FEATURE_AVAILABILITY[feature][self.vercel_plan]
        return availability == "yes" or (availability == "addon" and feature in self.vercel_addons)

    def app_domains(self, index: int) -> tuple[str, ...]:
        """Stack-level `domains` belong to the first app; other apps list their own."""
        app = self.apps[index]
        return app.domains or (self.domains if index == 0 else ())

    def app_env(self, app: AppConfig) -> dict[str, str]:
        """Plain env vars for one app: tier defaults, then the stack's, then the app's."""
        env = dict(self.tier_defaults.env)
        env.update(self.env)
        env.update(app.env)
        env["CORS_ALLOWED_ORIGINS"] = ",".join(self.effective("cors_allowed_origins"))
        return env

    # ---- whole-config checks: each names the key it is about ----

    @model_validator(mode="after")
    def _cross_checks(self) -> "StackConfig":
        _check_apps(self)
        _check_env(self)
        _check_limits(self)
        _check_protection(self)
        _check_adoption(self)
        _check_bulk_adoption(self)
        _check_rotation(self)
        return self

    def secret_names(self) -> list[str]:
        """Every secret this stack holds: config-level secrets and secretEnv keys."""
        names = ["vercelDeployToken", "supabaseAccessToken", *self.secret_env]
        return names + (["protectionPassword"] if self.protection_password is not None else [])


def _fail(key: str, found: Any, allowed: str) -> None:
    # Raised inside pydantic validation; load_stack_config turns it into a ConfigError.
    raise ValueError(json.dumps({"key": key, "found": found, "allowed": allowed}))


def _check_apps(c: StackConfig) -> None:
    names = [a.name for a in c.apps]
    for name in names:
        if names.count(name) > 1:
            _fail("apps", name, "allowed: each app name once")
    for i, app in enumerate(c.apps):
        for key in app.env:
            if key in c.secret_env:
                _fail(f"apps[{i}].env", key, "allowed: a key in env or in secretEnv, not both")


def _check_env(c: StackConfig) -> None:
    for key in c.secret_env:
        if not _ENV_KEY_RE.match(key):
            _fail("secretEnv", key, "allowed: names of letters, digits and '_'")
        if key in c.env:
            _fail("env", key, "allowed: a key in env or in secretEnv, not both")
        if secrets.is_public_key(key):
            _fail("secretEnv", key, "allowed: no NEXT_PUBLIC_* secret; Next.js inlines NEXT_PUBLIC_* into the browser bundle")
    plain = {**c.env, **{k: v for app in c.apps for k, v in app.env.items()}}
    for key in DATA_SERVICE_ENV:
        if key in plain or key in c.secret_env:
            _fail("env", key, "allowed: nothing; the program sets it from the tier's Supabase and Upstash resources")
    for key, value in plain.items():
        if secrets.public_key_leaks_secret(key, value):
            _fail("env", key, "allowed: no NEXT_PUBLIC_* variable holding a secret; it would ship to browsers")
        if secrets.looks_secret_key(key) or secrets.looks_secret_value(value):
            _fail("env", key, "allowed: secrets only in secretEnv, set with `pulumi config set --secret --path secretEnv.<KEY>`")
        if key == "NODE_ENV" and value not in facts.NEXTJS_NODE_ENV_VALUES:
            _fail("env", f"NODE_ENV={value}", f"allowed: one of {', '.join(facts.NEXTJS_NODE_ENV_VALUES)} (Next.js); tell tiers apart with NEXT_PUBLIC_ENV")


def _check_limits(c: StackConfig) -> None:
    timeout = c.effective("function_timeout")
    if not 1 <= timeout <= c.max_function_timeout:
        _fail("functionTimeout", timeout,
              f"allowed: 1 to {c.max_function_timeout} s (tier {c.tier}: {c.tier_defaults.function_timeout_s} s; "
              f"plan {c.vercel_plan}: {c.limits.max_function_duration_s} s)")
    if c.rate_limit_period < c.limits.rate_limit_window_min_s:
        _fail("rateLimitPeriod", c.rate_limit_period,
              f"allowed: at least {c.limits.rate_limit_window_min_s} s on plan {c.vercel_plan}")
    window = min(c.rate_limit_period, c.limits.rate_limit_window_max_s)
    if c.effective("rate_limit_requests") * window // c.rate_limit_period < 1:
        _fail("rateLimitRequests", c.effective("rate_limit_requests"),
              f"allowed: enough requests that the {window} s window the plan allows keeps a limit of at least 1")


def _check_protection(c: StackConfig) -> None:
    auth = c.effective("vercel_authentication")
    if auth == "all_deployments" and not c.feature_allowed("vercel_authentication_all_deployments"):
        _fail("vercelAuthentication", auth, f"allowed on plan {c.vercel_plan}: standard_protection_new, only_preview_deployments or none")
    if c.protection_password is not None and not c.feature_allowed("password_protection"):
        _fail("protectionPassword", "[secret]", f"allowed: Password Protection needs Enterprise or Pro with the add-on (vercelAddons); plan is {c.vercel_plan}")
    if c.trusted_ips and not c.feature_allowed("trusted_ips"):
        _fail("trustedIps", list(c.trusted_ips), f"allowed: Trusted IPs need the Enterprise plan; plan is {c.vercel_plan}")
    if c.preview_deployment_suffix and not c.feature_allowed("preview_deployment_suffix"):
        _fail("previewDeploymentSuffix", c.preview_deployment_suffix,
              f"allowed: needs Enterprise or Pro with the add-on (vercelAddons); plan is {c.vercel_plan}")


def _check_adoption(c: StackConfig) -> None:
    names = [a.name for a in c.apps]
    for name, adoption in c.adopt.apps.items():
        if name not in names:
            _fail("adopt.apps", name, f"allowed: one of the stack's apps ({', '.join(names)})")
        index = names.index(name)
        keys = set(c.app_env(c.apps[index])) | set(c.secret_env)
        for key in adoption.env_var_ids:
            if key not in keys:
                _fail(f"adopt.apps.{name}.envVarIds", key, "allowed: a key the app's env or secretEnv sets")
        for domain in adoption.domains:
            if domain not in c.app_domains(index):
                _fail(f"adopt.apps.{name}.domains", domain, "allowed: one of the app's domains")
    if c.adopt.branch and c.tier_defaults.owns_branch == "main":
        _fail("adopt.branch", True, "allowed: false on production; main is never managed as a Branch resource")


def _check_bulk_adoption(c: StackConfig) -> None:
    if c.env_var_mode == "bulk" and any(a.env_var_ids for a in c.adopt.apps.values()):
        _fail("envVarMode", "bulk", "allowed: per-variable while adopt.apps.*.envVarIds imports single variables")


def _check_rotation(c: StackConfig) -> None:
    known = c.secret_names()
    for key, when in c.secret_rotation.items():
        if key not in known:
            _fail("secretRotation", key, f"allowed: a secret this stack holds ({', '.join(known)})")
        if when > date.today():
            _fail(f"secretRotation.{key}", when.isoformat(), "allowed: a date not in the future")


# ------------------------------------------------------------------------------------------
# Loading


def _field_for(key: str):
    for name, field in StackConfig.model_fields.items():
        if (field.alias or name) == key:
            return name, field
    return None, None


def _decode(key: str, raw: str) -> Any:
    """Config arrives as strings (the CLI JSON-encodes numbers, booleans and objects)."""
    _, field = _field_for(key)
    if field is not None and field.annotation in (str, str | None, SecretStr, SecretStr | None):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _error_from_validation(stack: str, err: ValidationError) -> ConfigError:
    first = err.errors()[0]
    msg = first["msg"].removeprefix("Value error, ")
    if msg.startswith("{"):
        detail = json.loads(msg)
        return ConfigError(stack, detail["key"], detail["found"], detail["allowed"])
    loc = [str(p) for p in first["loc"]]
    key = loc[0] if loc else "?"
    path = key + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in loc[1:])
    found = first.get("input")
    if key in SECRET_KEYS or first["type"] == "missing":
        found = "[secret]" if key in SECRET_KEYS and first["type"] != "missing" else "nothing"
    allowed = msg if msg.startswith("allowed") else f"allowed: {msg[0].lower()}{msg[1:]}"
    return ConfigError(stack, path, found, allowed)


def load_stack_config(stack: str, stack_file: Path | None = None) -> StackConfig:
    """Read and check the stack's config from the Pulumi runtime (CLI or mocks)."""
    import pulumi
    from vital import pulumi_internals

    all_config: dict[str, str] = pulumi_internals.all_config()
    data: dict[str, Any] = {"stack": stack}
    allowed_keys = sorted((f.alias or n) for n, f in StackConfig.model_fields.items() if n != "stack")
    for full_key, raw in all_config.items():
        namespace, _, key = full_key.partition(":")
        if namespace != PROJECT:
            continue
        if _field_for(key)[0] is None or key == "stack":
            raise ConfigError(stack, full_key, raw, f"allowed keys: {', '.join(k for k in allowed_keys if ':' not in k)}")
        data[key] = _decode(key, raw)
        if key in SECRET_KEYS and not pulumi_internals.is_config_secret(full_key):
            raise ConfigError(stack, full_key, "[secret]", f"allowed: an encrypted value only; run `pulumi config set --secret {key} ...` (a plaintext value would be committed to git)")
    for ns_key in ("vercel:team", "github:owner"):
        namespace, _, key = ns_key.partition(":")
        value = pulumi.Config(namespace).get(key)
        if value is not None:
            data[ns_key] = value
    if stack_file is not None and stack_file.exists():
        leaves = stackfile.plaintext_secret_leaves(stackfile.load_yaml(stack_file))
        if leaves:
            raise ConfigError(stack, f"{PROJECT}:{leaves[0]}", "a plaintext value", "allowed: an encrypted value only (`pulumi config set --secret --path ...`); a plaintext value would be committed to git")
    data.setdefault("tier", stack)
    if stack in TIERS and data["tier"] != stack:
        # The policy pack takes a tier-named stack's tier from its name; the two must agree.
        raise ConfigError(stack, f"{PROJECT}:tier", data["tier"], f"allowed: '{stack}' (or unset) in the stack named {stack}")
    if data["tier"] not in TIERS:
        raise ConfigError(stack, f"{PROJECT}:tier", data["tier"], f"allowed: one of {', '.join(TIERS)} (tier defaults to the stack name)")
    try:
        return StackConfig.model_validate(data)
    except ValidationError as err:
        raise _error_from_validation(stack, err) from None
