"""Checks of single values against the platforms' formats, shared by the config layer and the pack.

Each function returns the value when it is allowed and raises ValueError whose text starts
with "allowed:" and says what is, so every caller reports the same one line. No pydantic
here: the policy pack imports this module too.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from . import facts
from .tiers import BACKUP_POLICIES

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
ENV_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The Management API's `ref` pattern (tests/fixtures/specs/supabase-management-api.openapi.json).
SUPABASE_REF_PATTERN = "^[a-z]{20}$"
SUPABASE_REF_RE = re.compile(SUPABASE_REF_PATTERN)
TEAM_RE = re.compile(r"^team_[A-Za-z0-9]{6,}$")
HEADER_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
APP_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$")
PROJECT_ID_RE = re.compile(r"^prj_[A-Za-z0-9]+$")


def domain(value: str) -> str:
    if not DOMAIN_RE.match(value):
        raise ValueError(f"allowed: a lower-case host name such as app.vitalexpert.com (found {value!r})")
    return value


def app_name(value: str) -> str:
    if not APP_NAME_RE.match(value):
        raise ValueError("allowed: lower-case letters, digits and '-', 1 to 40 characters")
    return value


def relative_folder(value: str | None) -> str | None:
    if value is not None and (value.startswith("/") or ".." in value.split("/") or not value.strip()):
        raise ValueError("allowed: a relative folder inside the repository, such as standalone-apps/pharma-app")
    return value


def vercel_project_id(value: str) -> str:
    if not PROJECT_ID_RE.match(value):
        raise ValueError("allowed: a Vercel project id (prj_...)")
    return value


def env_keys(keys: Iterable[str]) -> None:
    for key in keys:
        if not ENV_KEY_RE.match(key):
            raise ValueError(f"allowed: names of letters, digits and '_' (found key {key!r})")


def header_names(names: Iterable[str]) -> None:
    for name in names:
        if not HEADER_NAME_RE.match(name):
            raise ValueError(f"allowed: header names of letters, digits and '-' (found {name!r})")


def vercel_team(value: str) -> str:
    if not TEAM_RE.match(value):
        raise ValueError("allowed: the Vercel team id (team_...), which VERCEL_ORG_ID needs")
    return value


def one_of(value: str | None, allowed: Iterable[str]) -> str | None:
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise ValueError(f"allowed: one of {', '.join(allowed)}")
    return value


def vercel_region(value: str) -> str:
    return one_of(value, facts.VERCEL_REGIONS)


def retention(value: str) -> str:
    return one_of(value, facts.RETENTION_VALUES)


def vercel_authentication(value: str | None) -> str | None:
    return one_of(value, facts.VERCEL_AUTH_DEPLOYMENT_TYPES)


def backup_policy(value: str | None) -> str | None:
    return one_of(value, BACKUP_POLICIES)


def supabase_ref(value: str) -> str:
    if not SUPABASE_REF_RE.match(value):
        raise ValueError("allowed: a Supabase project ref, 20 lower-case letters (Settings > General)")
    return value


def qualified_stack(value: str) -> str:
    if len(value.split("/")) != 3 or not all(value.split("/")):
        raise ValueError("allowed: a fully qualified stack name, organization/project/stack")
    return value


def cidrs(values: Iterable[str]) -> None:
    for cidr in values:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            raise ValueError(f"allowed: IP addresses or CIDR ranges such as 203.0.113.0/24 (found {cidr!r})") from None


def reviewer_count(reviewers: tuple[int, ...]) -> tuple[int, ...]:
    if len(reviewers) > facts.GITHUB_MAX_ENVIRONMENT_REVIEWERS:
        raise ValueError(f"allowed: at most {facts.GITHUB_MAX_ENVIRONMENT_REVIEWERS} reviewers (GitHub's limit)")
    return reviewers
