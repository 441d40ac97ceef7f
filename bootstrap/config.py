"""The bootstrap stack's config, read from the Pulumi runtime (the CLI, or synth's mocks) and checked.

A bad value is one line naming the stack, the key, the value found and what is allowed
(ConfigError; __main__.py raises it as pulumi.RunError, which the CLI prints without a
traceback and synth reports with exit 2). The stack holds no secret, so every value may be shown.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from vital import aws_validators, facts, pulumi_internals, validators
from vital.names import TIERS
from vital.refusal import CONFIG_RULE_ERROR, fail
from vital.trust import BOOTSTRAP_PROJECT, BOOTSTRAP_STACK, PREFIXES_KEY, REPOSITORY_KEY, is_immutable, prefix_problem

REGION_KEY = "aws:region"
GITHUB_OWNER_KEY = "github:owner"
# The keys `adopt.keys` takes: the bucket's key (`state`) and each tier's, as the old
# `tools.backend bootstrap` made them (it made no key for the bootstrap stack).
ADOPTABLE_KEYS = ("state", *TIERS)
# Each string key's format (vital/validators.py, vital/aws_validators.py: the value back, or ValueError "allowed: ...").
FORMATS = {
    "region": aws_validators.aws_region,
    "github_owner": validators.github_owner,
    "bucket": aws_validators.s3_bucket_name,
    "repository": validators.github_repository,
}


class ConfigError(Exception):
    """One line: the stack, the key, the value found and what is allowed."""

    def __init__(self, stack: str, key: str, found: Any, allowed: str) -> None:
        key = key if ":" in key.split(".")[0] else f"{BOOTSTRAP_PROJECT}:{key}"
        shown = found if found == "nothing" else json.dumps(found)
        super().__init__(f"stack '{stack}': config '{key}': found {shown[:120]}; {allowed}")


class Adoption(BaseModel):
    """What `python -m tools.backend bootstrap` made before this stack existed, to import (docs/bootstrap.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    keys: dict[str, str] = Field(default_factory=dict)

    @field_validator("keys")
    @classmethod
    def _keys(cls, keys: dict[str, str]) -> dict[str, str]:
        for name, key_id in keys.items():
            if name not in ADOPTABLE_KEYS:
                fail(f"adopt.keys.{name}", name, f"allowed: one of {', '.join(ADOPTABLE_KEYS)}")
            try:
                aws_validators.kms_key_id(key_id)
            except ValueError as err:
                fail(f"adopt.keys.{name}", key_id, str(err))
        missing = [name for name in ADOPTABLE_KEYS if name not in keys]
        if keys and missing:
            fail("adopt.keys", sorted(keys), f"allowed: every key the old bootstrap made; missing {', '.join(missing)}")
        return keys


class BootstrapConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    stack: str
    region: str = Field(alias=REGION_KEY)
    github_owner: str = Field(alias=GITHUB_OWNER_KEY)
    bucket: str
    repository: str = Field(alias=REPOSITORY_KEY)
    subject_prefixes: tuple[str, ...] = Field(alias=PREFIXES_KEY)
    noncurrent_days: int = Field(90, alias="noncurrentDays")
    abort_multipart_days: int = Field(7, alias="abortMultipartDays")
    production_reviewers: tuple[StrictInt, ...] = Field((), alias="productionReviewers")
    adopt: Adoption | None = None

    @field_validator("region", "github_owner", "bucket", "repository")
    @classmethod
    def _format(cls, value: str, info: ValidationInfo) -> str:
        return FORMATS[str(info.field_name)](value)  # set for a field validator

    @field_validator("noncurrent_days", "abort_multipart_days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> Any:
        return aws_validators.lifecycle_days(value) if isinstance(value, int) else value

    @field_validator("production_reviewers")
    @classmethod
    def _reviewers(cls, ids: tuple[int, ...]) -> tuple[int, ...]:
        if len(ids) > facts.GITHUB_MAX_ENVIRONMENT_REVIEWERS or len(set(ids)) != len(ids):
            fail(
                "productionReviewers",
                list(ids),
                f"allowed: up to {facts.GITHUB_MAX_ENVIRONMENT_REVIEWERS} different GitHub user ids "
                "(`gh api users/LOGIN --jq .id`)",
            )
        for i, user in enumerate(ids):
            try:
                validators.github_id(user)
            except ValueError as err:
                fail(f"productionReviewers[{i}]", user, str(err))
        return ids

    @model_validator(mode="after")
    def _consistent(self) -> BootstrapConfig:
        owner = self.repository.split("/")[0]
        if self.github_owner != owner:
            fail(GITHUB_OWNER_KEY, self.github_owner, f"allowed: {owner!r}, the owner of repository {self.repository}")
        if not 1 <= len(self.subject_prefixes) <= 2:
            fail(
                "subjectPrefixes",
                list(self.subject_prefixes),
                "allowed: one or two prefixes, as GitHub reports them (python -m tools.oidc prefixes prints "
                "the lines that set them)",
            )
        for i, prefix in enumerate(self.subject_prefixes):
            problem = prefix_problem(prefix, self.repository)
            if problem:
                fail(f"subjectPrefixes[{i}]", prefix, problem)
        forms = [is_immutable(p) for p in self.subject_prefixes]
        if len(forms) != len(set(forms)):
            fail(
                "subjectPrefixes",
                list(self.subject_prefixes),
                "allowed: at most one prefix of each form, repo:OWNER/REPO and repo:OWNER@OWNER-ID/REPO@REPO-ID "
                "(python -m tools.oidc prefixes prints them)",
            )
        return self

    @property
    def repository_name(self) -> str:
        return self.repository.split("/")[1]


def _value(raw: str) -> Any:
    """Config arrives as strings; objects, lists and numbers as JSON."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _raw_config(stack: str) -> dict[str, Any]:
    fields = {(f.alias or n) for n, f in BootstrapConfig.model_fields.items() if n != "stack"}
    data: dict[str, Any] = {"stack": stack}
    for full_key, raw in pulumi_internals.all_config().items():
        namespace, _, key = full_key.partition(":")
        if full_key in (REGION_KEY, GITHUB_OWNER_KEY):
            data[full_key] = raw
        elif namespace == BOOTSTRAP_PROJECT:
            if key not in fields:
                allowed = ", ".join(sorted(k for k in fields if ":" not in k))
                raise ConfigError(stack, full_key, raw, f"allowed keys: {allowed}")
            data[key] = raw if key in ("bucket", REPOSITORY_KEY) else _value(raw)
    return data


def load(stack: str) -> BootstrapConfig:
    """The stack's config from the runtime, checked; raises ConfigError."""
    if stack != BOOTSTRAP_STACK:
        raise ConfigError(
            stack, "stack", stack, f"allowed: the one stack '{BOOTSTRAP_STACK}' (Pulumi.{BOOTSTRAP_STACK}.yaml)"
        )
    try:
        return BootstrapConfig.model_validate(_raw_config(stack))
    except ValidationError as err:
        raise _error(stack, err) from None


def _error(stack: str, err: ValidationError) -> ConfigError:
    first = err.errors()[0]
    if first["type"] == CONFIG_RULE_ERROR:  # a rule's refusal carries its own fields (vital/refusal.py)
        ctx = first.get("ctx") or {}
        return ConfigError(stack, ctx["key"], ctx["found"], ctx["allowed"])
    message = first["msg"].removeprefix("Value error, ")
    loc = [str(p) for p in first["loc"]]
    key = loc[0] + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in loc[1:]) if loc else "?"
    if first["type"] == "missing":
        return ConfigError(stack, key, "nothing", f"allowed: a value (set it in Pulumi.{stack}.yaml)")
    allowed = message if message.startswith("allowed") else f"allowed: {message[0].lower()}{message[1:]}"
    return ConfigError(stack, key, first.get("input"), allowed)
