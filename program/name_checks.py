"""The names the program derives from config and sends to Vercel and GitHub, held to the platforms'
rules (vital/facts.py, "names the platforms constrain"; docs/names.md lists every name sent).

Part of the whole-config checks (program/checks.py runs them last): each failure goes through the
`fail(key, found, allowed)` it is handed, so the one-line error has the same shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from vital import paths, validators
from vital.names import (
    AUTOMATION_BYPASS_SECRET,
    SUPABASE_DB_URL_SECRET,
    VERCEL_ORG_SECRET,
    VERCEL_TOKEN_SECRET,
    bypass_secret_name,
    header_route_name,
    vercel_project_name,
)

if TYPE_CHECKING:
    from .config import StackConfig

Fail = Callable[[str, Any, str], None]
# GitHub environment secrets the program sets itself (the bypass secret per app: bypass_secret_name).
PROGRAM_SECRETS = (VERCEL_TOKEN_SECRET, VERCEL_ORG_SECRET, SUPABASE_DB_URL_SECRET, AUTOMATION_BYPASS_SECRET)


def check(c: StackConfig, fail: Fail) -> None:
    for i, app in enumerate(c.apps):
        _named(
            fail,
            f"apps[{i}].name",
            app.name,
            validators.vercel_project_name,
            vercel_project_name(app.name, c.tier_defaults.project_suffix),
        )
    # A route is named after each custom domain only where the tier is indexed (program/vercel_rules.py
    # host_variants); the longest route group gives the longest name.
    for i, app in enumerate(c.apps):
        for domain in () if c.noindex else c.app_domains(i):
            for group in paths.route_patterns(c.public_cache_paths):
                _named(
                    fail,
                    "domains" if i == 0 and not app.domains else f"apps[{i}].domains",
                    domain,
                    validators.vercel_route_name,
                    header_route_name(group, f"-{domain}"),
                )
    # secretEnv keys copied into the GitHub environment, beside the secrets the program sets there.
    taken = {
        name.upper() for name in (*PROGRAM_SECRETS, *(bypass_secret_name(i, a.name) for i, a in enumerate(c.apps)))
    }
    copied = [key.upper() for key in c.environment_secrets]
    for key in c.environment_secrets:
        _named(fail, "environmentSecrets", key, validators.github_actions_name, key)
        if key.upper() in taken or copied.count(key.upper()) > 1:
            fail(
                "environmentSecrets",
                key,
                f"allowed: each key once, and none of the GitHub secrets the program sets "
                f"itself ({', '.join(PROGRAM_SECRETS)}); GitHub names are case-insensitive",
            )


def _named(fail: Fail, key: str, found: str, rule: Callable[[str], str], name: str) -> None:
    try:
        rule(name)
    except ValueError as err:
        fail(key, found, str(err))
