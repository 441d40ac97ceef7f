"""An `awskms://` secrets provider URL, read and used as the Pulumi CLI reads and uses it.

The CLI (pkg/secrets/cloud/manager.go openKeeper, pulumi/pulumi at sdk 3.260) parses the URL
with Go's net/url, then hands it to gocloud (gocloud.dev at pulumi's go.mod pin,
v0.46.1-0.20260810195832-b5401c07b5f1):
- secrets/awskms/kms.go URLOpener.OpenKeeperURL: the key id is path.Join(host, path) without
  its leading "/"; each `context_<name>=<value>` parameter (exactly one value) goes into the
  EncryptionContext; every other parameter goes to aws/aws.go V2ConfigFromURLParams, which
  knows region, endpoint, profile, role (an ARN to assume through STS, with the region and
  profile; the endpoint applies to KMS only), hostname_immutable, dualstack, fips, anonymous,
  rate_limiter_capacity, request_checksum_calculation, response_checksum_validation and awssdk,
  and refuses any other ("unknown query parameter");
- keeper.Decrypt sends the ciphertext and the EncryptionContext, and no KeyId: KMS finds the
  key in the ciphertext, so an alias re-pointed to another key still decrypts.
Go's url.Parse refuses a host whose text after its last ":" is not a port, which is what an
ARN in the host is (`awskms://arn:aws:kms:...:alias/x`); the ARN form is `awskms:///arn:...`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

CONTEXT_PREFIX = "context_"
BOOLS = ("hostname_immutable", "dualstack", "fips", "anonymous")
CHECKSUMS = ("request_checksum_calculation", "response_checksum_validation")
_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_GO_FALSE = ("0", "f", "F", "FALSE", "false", "False")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class KmsUrlError(ValueError):
    """The CLI's own words for a provider URL it cannot open."""


@dataclass(frozen=True)
class KmsUrl:
    key_id: str
    region: str | None = None
    endpoint: str | None = None
    profile: str | None = None
    role: str | None = None
    context: dict[str, str] = field(default_factory=dict)
    dualstack: bool = False
    fips: bool = False
    anonymous: bool = False


def _go_host_problem(url: str) -> str | None:
    """net/url's parseHost: the text after the host's last ':' must be a port (digits)."""
    scheme = _SCHEME.match(url)
    rest = url[scheme.end() :] if scheme else url
    if not rest.startswith("//"):
        return None
    authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
    host = authority.rsplit("@", 1)[-1]
    if host.startswith("["):
        return None
    if ":" in host:
        port = host[host.rindex(":") :]
        if not re.fullmatch(r":[0-9]*", port):
            return f'parse "{url}": invalid port "{port}" after host'
    return None


def _go_bool(name: str, value: str) -> bool:
    """strconv.ParseBool, with gocloud's message for a value it refuses."""
    if value in _GO_TRUE:
        return True
    if value in _GO_FALSE:
        return False
    raise ValueError(f'invalid value for {name}: strconv.ParseBool: parsing "{value}": invalid syntax')


def _param(settings: dict[str, str | bool], name: str, value: str) -> None:
    """One parameter as V2ConfigFromURLParams reads it (ValueError in gocloud's words)."""
    if name in BOOLS:
        settings[name] = _go_bool(name, value)
    elif name == "rate_limiter_capacity":
        if not re.fullmatch(r"[+-]?[0-9]+", value) or not -(2**31) <= int(value) < 2**31:
            raise ValueError(f'invalid value for capacity: strconv.ParseInt: parsing "{value}": invalid syntax')
    elif name in CHECKSUMS:
        if value.lower() not in ("when_supported", "when_required"):
            raise ValueError(f'invalid value for "{name}": "{value}". Valid values are: when_supported, when_required')
    elif name == "role":
        if not value.startswith("arn:"):
            raise ValueError(f"invalid value for role: must be a valid ARN (starts with 'arn:'): {value}")
        settings["role"] = value
    elif name in ("region", "endpoint", "profile"):
        settings[name] = value
    elif name != "awssdk":
        raise ValueError(f'unknown query parameter "{name}"')


def parse(url: str) -> KmsUrl:
    """The provider URL as OpenKeeperURL reads it; KmsUrlError with the CLI's message."""
    problem = _go_host_problem(url)
    if problem:
        raise KmsUrlError(f"unable to parse the secrets provider URL: {problem}")
    parts = urlsplit(url)
    joined = "/".join(p for p in (parts.netloc, unquote(parts.path)) if p)  # Go's path.Join, then Clean
    key_id = posixpath.normpath(joined).removeprefix("/") if joined else ""
    values: dict[str, list[str]] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        values.setdefault(name, []).append(value)
    context: dict[str, str] = {}
    settings: dict[str, str | bool] = {}  # KmsUrl's fields: a string, or a bool (dualstack, fips, anonymous)
    for name, given in values.items():
        if name.startswith(CONTEXT_PREFIX):
            if len(given) != 1:
                raise KmsUrlError(f'open keeper: EncryptionContext URL parameters "{name}" must have exactly 1 value')
            context[name[len(CONTEXT_PREFIX) :]] = given[0]
            continue
        try:
            _param(settings, name, given[0])
        except ValueError as err:
            raise KmsUrlError(f"open keeper {url}: {err}") from None
    return KmsUrl(key_id=key_id, context=context, **settings)  # type: ignore[arg-type]  # each name is a field of its type (_param)
