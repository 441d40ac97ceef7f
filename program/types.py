"""The config's value types: strict (a bool is not a number, a list is not a string) and in the
platforms' own formats (vital.validators, with each rule's source in vital.facts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from pydantic import AfterValidator, Field, StrictBool, StrictInt, StrictStr

from vital import facts, validators


def _checked(check: Callable) -> AfterValidator:
    return AfterValidator(lambda value: check(value))


def _bounded(max_chars: int, what: str) -> AfterValidator:
    return AfterValidator(lambda value: validators.text(value, max_chars, what))


Text = Annotated[StrictStr, _bounded(facts.COMMAND_MAX_CHARS, "text")]
Command = Annotated[StrictStr, _checked(validators.command)]
RelativePath = Annotated[StrictStr, _checked(validators.relative_path)]
Domain = Annotated[StrictStr, _checked(validators.domain)]
DnsZone = Annotated[StrictStr, _checked(validators.dns_zone)]
Branch = Annotated[StrictStr, _checked(validators.git_branch)]
AppName = Annotated[StrictStr, _checked(validators.app_name)]
GitHubOwner = Annotated[StrictStr, _checked(validators.github_owner)]
GitHubRepo = Annotated[StrictStr, _checked(validators.github_repo)]
GitHubId = Annotated[StrictInt, _checked(validators.github_id)]
Cidr = Annotated[StrictStr, _checked(validators.cidr)]
AllowlistCidr = Annotated[StrictStr, _checked(validators.allowlist_cidr)]
CorsOrigin = Annotated[StrictStr, _checked(validators.cors_origin)]
EnvName = Annotated[StrictStr, _checked(validators.env_name)]
# A value Vercel stores; the 64 KB is the deployment's total, checked across all variables.
EnvValue = Annotated[StrictStr, Field(max_length=facts.VERCEL_ENV_TOTAL_BYTES)]
HeaderName = Annotated[StrictStr, _checked(validators.header_name)]
HeaderValue = Annotated[StrictStr, _checked(validators.header_value)]
CheckName = Annotated[StrictStr, _bounded(facts.COMMAND_MAX_CHARS, "a status check name")]
AdminPath = Annotated[StrictStr, _checked(validators.url_path)]
VercelSlug = Annotated[StrictStr, _checked(validators.vercel_slug)]
Seconds = StrictInt
Flag = StrictBool


ItemT = TypeVar("ItemT")
# A list of ItemT, at most facts.LIST_MAX_ITEMS long (a bounded config is one that fails clearly):
# Items[Domain]. A generic alias, so mypy sees the element type (typing: generic aliases of Annotated).
Items = Annotated[tuple[ItemT, ...], Field(max_length=facts.LIST_MAX_ITEMS)]
