"""Checks of single values against the platforms' formats, shared by the config layer and the pack.

Each function returns the value when it is allowed and raises ValueError whose text starts
with "allowed:" and says what is, so every caller reports the same one line. No pydantic
here: the policy pack imports this module too.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import overload

from . import dns, facts
from .tiers import BACKUP_POLICIES, RETIRED_BACKUP_POLICIES

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
ENV_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The Management API's `ref` pattern (tests/fixtures/specs/supabase-management-api.openapi.json).
SUPABASE_REF_PATTERN = "^[a-z]{20}$"
SUPABASE_REF_RE = re.compile(SUPABASE_REF_PATTERN)
TEAM_RE = re.compile(r"^team_[A-Za-z0-9]{6,}$")
APP_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$")
PROJECT_ID_RE = re.compile(r"^prj_[A-Za-z0-9]+$")


def domain(value: str) -> str:
    if not DOMAIN_RE.fullmatch(value):
        raise ValueError(f"allowed: a lower-case host name such as app.vitalexpert.com (found {value!r})")
    return value


def dns_zone(value: str) -> str:
    """A DNS zone a team can hold: a host name that is not itself a public suffix (com, co.uk)."""
    domain(value)
    if dns.is_public_suffix(value):
        raise ValueError(
            f"allowed: a zone the team holds, such as vitalexpert.com, not a public suffix (found {value!r})"
        )
    return value


def app_name(value: str) -> str:
    if not APP_NAME_RE.fullmatch(value):
        raise ValueError("allowed: lower-case letters, digits and '-', 1 to 40 characters")
    return value


def vercel_project_name(value: str) -> str:
    """A project name the Vercel provider and API both take (facts: the provider's length and
    characters, the API's '---')."""
    if (
        not re.fullmatch(facts.VERCEL_PROJECT_NAME_PATTERN, value)
        or len(value) > facts.VERCEL_PROJECT_NAME_MAX
        or facts.VERCEL_PROJECT_NAME_FORBIDDEN in value
    ):
        raise ValueError(
            f"allowed: a name whose Vercel project name (found {value!r}) is 1 to "
            f"{facts.VERCEL_PROJECT_NAME_MAX} lower-case letters, digits and '-', without "
            f"'{facts.VERCEL_PROJECT_NAME_FORBIDDEN}' (Vercel refuses it)"
        )
    return value


def vercel_route_name(value: str) -> str:
    if not 1 <= len(value) <= facts.VERCEL_ROUTE_NAME_MAX:
        raise ValueError(
            f"allowed: a domain short enough that its route's name ({len(value)} characters) stays within "
            f"the {facts.VERCEL_ROUTE_NAME_MAX} characters the Vercel provider allows"
        )
    return value


def github_actions_name(value: str, kind: str = "secret") -> str:
    """A GitHub Actions secret or variable name (facts: characters, first character, GITHUB_)."""
    if not re.fullmatch(facts.GITHUB_ACTIONS_NAME_PATTERN, value):
        raise ValueError(f"allowed: a GitHub {kind} name of letters, digits and '_', not starting with a digit")
    if value.upper().startswith(facts.GITHUB_ACTIONS_RESERVED_PREFIX):
        raise ValueError(
            f"allowed: a GitHub {kind} name not starting with {facts.GITHUB_ACTIONS_RESERVED_PREFIX} "
            f"(GitHub reserves the prefix, in any case)"
        )
    return value


def vercel_project_id(value: str) -> str:
    if not PROJECT_ID_RE.fullmatch(value):
        raise ValueError("allowed: a Vercel project id (prj_...)")
    return value


def vercel_team(value: str) -> str:
    if not TEAM_RE.fullmatch(value):
        raise ValueError("allowed: the Vercel team id (team_...), which VERCEL_ORG_ID needs")
    return value


@overload
def one_of(value: str, allowed: Iterable[str]) -> str: ...  # a str in is a str out (for mypy)
@overload
def one_of(value: str | None, allowed: Iterable[str]) -> str | None: ...
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


def node_version(value: str) -> str:
    """A Node.js version the provider accepts and that is neither deprecated on Vercel nor past its end of life."""
    current = [v for v in facts.VERCEL_NODE_VERSIONS if v not in facts.NODE_VERSIONS_RETIRED]
    if value in facts.NODE_VERSIONS_RETIRED:
        raise ValueError(f"allowed: {' or '.join(current)}; {value} is {facts.NODE_VERSIONS_RETIRED[value]}")
    return one_of(value, tuple(current))


def backup_policy(value: str | None) -> str | None:
    if value in RETIRED_BACKUP_POLICIES:
        raise ValueError(
            f"allowed: one of {', '.join(BACKUP_POLICIES)}; {value!r} is retired: {RETIRED_BACKUP_POLICIES[value]}"
        )
    return one_of(value, BACKUP_POLICIES)


# A Vercel team's URL slug ends every generated *.vercel.app host, so it is one DNS label: lower-case
# letters, digits and hyphens, no hyphen first or last, at most 63 characters (RFC 1035 section 2.3.4).
VERCEL_SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def vercel_slug(value: str) -> str:
    if not VERCEL_SLUG_RE.match(value):
        raise ValueError(
            "allowed: the team's URL slug as its *.vercel.app hosts end (Settings > General > Team URL): "
            "lower-case letters, digits and hyphens, no hyphen first or last"
        )
    return value


def supabase_ref(value: str) -> str:
    if not SUPABASE_REF_RE.fullmatch(value):
        raise ValueError("allowed: a Supabase project ref, 20 lower-case letters (Settings > General)")
    return value


def reviewer_count(reviewers: tuple[int, ...]) -> tuple[int, ...]:
    if len(reviewers) > facts.GITHUB_MAX_ENVIRONMENT_REVIEWERS:
        raise ValueError(f"allowed: at most {facts.GITHUB_MAX_ENVIRONMENT_REVIEWERS} reviewers (GitHub's limit)")
    return reviewers


# ---- formats of the platforms (vital/facts.py has each source) -----------------------------------

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_HEADER_TOKEN_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110 section 5.6.2 token
_CORS_ORIGIN_RE = re.compile(r"^https?://(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?$")
# git check-ref-format (git-scm.com/docs/git-check-ref-format), for a branch name: no control
# characters, space, ~ ^ : ? * [ or backslash; no "..", "@{", "//"; no component starting with
# "." or ending with ".lock"; not "@"; no leading "-" or "/", no trailing "/" or ".".
_REF_FORBIDDEN_RE = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")


def text(value: str, max_chars: int, what: str = "text") -> str:
    """A single line of printable text, at most `max_chars` long."""
    if _CONTROL_RE.search(value):
        raise ValueError(f"allowed: {what} without control characters (NUL, CR, LF, tab)")
    if len(value) > max_chars:
        raise ValueError(f"allowed: {what} of at most {max_chars} characters (found {len(value)})")
    if not value.strip():
        raise ValueError(f"allowed: non-empty {what}")
    return value


def command(value: str) -> str:
    return text(value, facts.COMMAND_MAX_CHARS, "a shell command")


def relative_path(value: str) -> str:
    """A folder inside the repository: relative, no '..', no NUL, bounded."""
    text(value, facts.PATH_MAX_CHARS, "a relative folder")
    parts = value.replace("\\", "/").split("/")
    if value.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", value) or ".." in parts:
        raise ValueError(
            "allowed: a relative folder inside the repository, such as standalone-apps/pharma-app "
            "(no absolute path and no '..')"
        )
    return value


def git_branch(value: str) -> str:
    """A branch name git accepts (git check-ref-format --branch)."""
    text(value, facts.PATH_MAX_CHARS, "a branch name")
    parts = value.split("/")
    if (
        _REF_FORBIDDEN_RE.search(value)
        or value == "@"
        or value.startswith(("-", "/"))
        or value.endswith(("/", "."))
        or any(p.startswith(".") or p.endswith(".lock") or not p for p in parts)
    ):
        raise ValueError(
            "allowed: a branch name git accepts (no spaces, '..', '~^:?*[\\', '@{', no part starting "
            "with '.' or ending with '.lock'; git check-ref-format)"
        )
    return value


def github_owner(value: str) -> str:
    if not re.fullmatch(facts.GITHUB_OWNER_PATTERN, value):
        raise ValueError(
            "allowed: a GitHub account or organization name: letters, digits and single hyphens, "
            "1 to 39 characters, no hyphen first or last"
        )
    return value


def github_repo(value: str) -> str:
    if not re.fullmatch(facts.GITHUB_REPO_PATTERN, value):
        raise ValueError(
            "allowed: a repository name under github:owner: letters, digits, '.', '_' and '-', "
            "1 to 100 characters (no '/': the owner is github:owner)"
        )
    return value


def github_repository(value: str) -> str:
    """OWNER/REPO, as GitHub spells it (the OIDC subject is case-sensitive)."""
    owner, slash, name = value.partition("/")
    if (
        not slash
        or not re.fullmatch(facts.GITHUB_OWNER_PATTERN, owner)
        or not re.fullmatch(facts.GITHUB_REPO_PATTERN, name)
    ):
        raise ValueError("allowed: OWNER/REPO as GitHub spells it, such as vital-expert/vital-expert-infra")
    return value


def github_id(value: int) -> int:
    if not 1 <= value <= facts.GITHUB_ID_MAX:
        raise ValueError(
            f"allowed: a GitHub user id, a whole number from 1 to {facts.GITHUB_ID_MAX} (`gh api users/LOGIN --jq .id`)"
        )
    return value


def upstash_region(value: str) -> str:
    return one_of(value, facts.UPSTASH_PRIMARY_REGIONS)


def cors_origin(value: str) -> str:
    """One origin, scheme://host[:port], or '*' for any; a comma would smuggle in a second one."""
    if value != "*" and not _CORS_ORIGIN_RE.fullmatch(value):
        raise ValueError(
            "allowed: one origin per entry, scheme://host[:port] such as https://app.vitalexpert.com "
            "(no path, no comma), or '*'"
        )
    return value


def report_uri(value: str) -> str:
    """An https URL without spaces, quotes or ';' (it goes inside a CSP directive and a quoted header)."""
    if not re.fullmatch(r"https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s;,\"']*)?", value):
        raise ValueError(
            "allowed: an https:// URL with no spaces, quotes, commas or semicolons, such as Sentry's "
            "security endpoint https://o0.ingest.sentry.io/api/0/security/?sentry_key=..."
        )
    return value


def url_path(value: str) -> str:
    """A path prefix such as /admin: starts with '/', no query, fragment, spaces or '..'."""
    text(value, facts.PATH_MAX_CHARS, "a URL path")
    if not re.fullmatch(r"/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*", value) or "/../" in value + "/" or "//" in value:
        raise ValueError("allowed: a URL path prefix such as /admin (starts with '/', no spaces, '?', '#' or '..')")
    return value


def header_name(value: str) -> str:
    if not _HEADER_TOKEN_RE.fullmatch(value) or len(value) > 256:
        raise ValueError(f"allowed: a header name of letters, digits and -!#$%&'*+.^_`|~ (found {value!r})")
    return value


def header_value(value: str) -> str:
    return text(value, facts.HEADER_VALUE_MAX_CHARS, "a header value")


def env_name(value: str) -> str:
    if not ENV_KEY_RE.fullmatch(value) or len(value) > 256:
        raise ValueError(f"allowed: names of letters, digits and '_' (found key {value!r})")
    if value.upper() in facts.VERCEL_RESERVED_ENV_NAMES:
        raise ValueError(f"allowed: a name Vercel does not reserve; {value} is reserved for its function runtimes")
    return value


def cidr(value: str) -> str:
    """An address or network as the Supabase provider's check() takes it (no host bits set)."""
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as err:
        raise ValueError(
            f"allowed: an IP address or a network in CIDR notation such as 203.0.113.0/24, with no "
            f"host bits set ({err})"
        ) from None
    return value


def covers_every_address(value: object) -> bool:
    """A network of prefix length 0 (0.0.0.0/0, ::/0): as an allow-list entry it lets anyone in."""
    try:
        return isinstance(value, str) and ipaddress.ip_network(value, strict=False).prefixlen == 0
    except ValueError:
        return False


def allowlist_cidr(value: str) -> str:
    """An allow-list entry (the admin allow-list, Trusted IPs): a cidr() narrower than every address."""
    cidr(value)
    if covers_every_address(value):
        raise ValueError(
            "allowed: an address or network narrower than every address; 0.0.0.0/0 or ::/0 "
            "in an allow-list lets anyone in"
        )
    return value


def supabase_db_url(value: str, ref: str) -> str:
    """A Postgres connection string to the Supabase project `ref`, on the session port. The value is
    a secret: the message never quotes it."""
    from urllib.parse import urlsplit

    direct = facts.SUPABASE_DIRECT_HOST.format(ref=ref)
    allowed = (
        f"allowed: postgresql://{facts.SUPABASE_POOLER_USER.format(ref=ref)}:<password>@aws-0-<region>"
        f"{facts.SUPABASE_POOLER_HOST_SUFFIX}:{facts.SUPABASE_SESSION_PORT}/postgres (the session pooler, which "
        f"GitHub's IPv4 runners reach), or postgresql://postgres:<password>@{direct}:"
        f"{facts.SUPABASE_SESSION_PORT}/postgres with the IPv4 add-on, for project {ref}, the password "
        f"percent-encoded"
    )
    try:
        url = urlsplit(value)
        host, port, user = (url.hostname or "").lower(), url.port, url.username or ""
    except ValueError:
        raise ValueError(allowed) from None
    pooled = host.endswith(facts.SUPABASE_POOLER_HOST_SUFFIX) and user == facts.SUPABASE_POOLER_USER.format(ref=ref)
    # `supabase db push --db-url` needs the URL percent-encoded: a '%' must start an escape.
    badly_encoded = re.search(r"%(?![0-9A-Fa-f]{2})", url.netloc) is not None
    if (
        url.scheme not in facts.POSTGRES_URL_SCHEMES
        or not (pooled or host == direct)
        or not url.password
        or port != facts.SUPABASE_SESSION_PORT
        or badly_encoded
    ):
        raise ValueError(allowed)
    return value
