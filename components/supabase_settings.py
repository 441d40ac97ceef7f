"""Settings of an existing Supabase project, managed as a Pulumi dynamic resource.

Supabase publishes no Pulumi provider on PyPI, so this module talks to the
Supabase Management API (https://api.supabase.com, OpenAPI spec in
``shared/specs/supabase-management-api.openapi.json``) itself.

Two layers, kept apart:

* ``SupabaseManagementClient`` -- one HTTP request at a time over
  ``urllib.request``: bearer auth, bounded retries (429 honouring
  ``Retry-After``, 5xx with exponential backoff), timeouts, and mapping of
  401/403/404 to one clear line naming the project ref. Raises
  ``SupabaseApiError``.
* ``SupabaseSettingsProvider`` -- the CRUD logic Pulumi calls. The project is
  never created or deleted: *create* adopts it (records the settings it found
  as ``original``, then patches only the managed fields that differ), *update*
  patches only what changed, *read* reports the live values (drift), and
  *delete* puts ``original`` back.

Managed fields: ``default_pool_size`` (Supavisor pooler), ``site_url`` and
``uri_allow_list`` (auth), and optionally ``allowed_cidrs`` (network
restrictions; ``None`` = not managed).

The provider object is pickled with dill by Pulumi, so it holds no sockets,
locks or clients: a client is built per call from the resource's properties.
The access token only ever lives in the ``access_token`` property (a secret)
and inside a short-lived client; it is redacted from every message this module
produces.
"""

from __future__ import annotations

import copy
import email.utils
import http.client
import ipaddress
import json
import logging
import math
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Mapping, Optional, Sequence

import pulumi
import pulumi.dynamic
from pulumi.runtime import rpc as _rpc

log = logging.getLogger(__name__)

ACCESS_TOKEN_CONFIG_KEY = "vital-expert-infra:supabaseAccessToken"

DEFAULT_API_URL = "https://api.supabase.com"
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_ATTEMPTS = 4
DEFAULT_RETRY_BASE_DELAY_SECONDS = 0.5
DEFAULT_MAX_RETRY_SLEEP_SECONDS = 30.0
# Longest single exponential-backoff wait (a Retry-After header is honoured as
# given, but only within the total sleep budget, max_retry_sleep_seconds).
MAX_BACKOFF_SECONDS = 8.0

POOLER_PATH = "/v1/projects/{ref}/config/database/pooler"
AUTH_PATH = "/v1/projects/{ref}/config/auth"
NETWORK_RESTRICTIONS_PATH = "/v1/projects/{ref}/network-restrictions"
NETWORK_RESTRICTIONS_APPLY_PATH = "/v1/projects/{ref}/network-restrictions/apply"

# Every (method, path) this module calls; the tests check each against the spec.
API_OPERATIONS: tuple[tuple[str, str], ...] = (
    ("GET", POOLER_PATH),
    ("PATCH", POOLER_PATH),
    ("GET", AUTH_PATH),
    ("PATCH", AUTH_PATH),
    ("GET", NETWORK_RESTRICTIONS_PATH),
    ("POST", NETWORK_RESTRICTIONS_APPLY_PATH),
)

# The spec's `ref` path parameter: minLength 20, maxLength 20, pattern ^[a-z]+$.
PROJECT_REF_PATTERN = re.compile(r"^[a-z]{20}$")
POOL_SIZE_MIN, POOL_SIZE_MAX = 0, 3000  # UpdateSupavisorConfigBody.default_pool_size

MANAGED_FIELDS = ("default_pool_size", "site_url", "uri_allow_list", "allowed_cidrs")
CONNECTION_FIELDS = (
    "access_token",
    "api_url",
    "timeout_seconds",
    "max_attempts",
    "retry_base_delay_seconds",
    "max_retry_sleep_seconds",
)
_CONNECTION_DEFAULTS: dict[str, Any] = {
    "api_url": DEFAULT_API_URL,
    "timeout_seconds": DEFAULT_TIMEOUT_SECONDS,
    "max_attempts": DEFAULT_MAX_ATTEMPTS,
    "retry_base_delay_seconds": DEFAULT_RETRY_BASE_DELAY_SECONDS,
    "max_retry_sleep_seconds": DEFAULT_MAX_RETRY_SLEEP_SECONDS,
}
# Recorded, not managed: Supabase's backups and point-in-time recovery come with the
# project's plan and have no Management API setting here. The tier's expectation rides on
# the resource so the policy pack can check it; changing it makes no API call.
RECORDED_FIELDS = ("backup_policy",)
OUTPUT_FIELDS = ("project_ref", *CONNECTION_FIELDS, *RECORDED_FIELDS, *MANAGED_FIELDS, "original")

SleepFn = Callable[[float], Any]


# --------------------------------------------------------------------------
# HTTP client
# --------------------------------------------------------------------------


class SupabaseApiError(Exception):
    """A Management API call failed. The message is one line and names the
    project ref; it never contains the access token."""

    def __init__(
        self,
        message: str,
        *,
        project_ref: str,
        status: Optional[int] = None,
        method: Optional[str] = None,
        path: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.project_ref = project_ref
        self.status = status
        self.method = method
        self.path = path


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would follow a redirect to another host *with* the Authorization
    header. The Management API does not redirect, so refuse all redirects."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401
        return None  # urllib then raises HTTPError(code), reported as an error


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None or when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


class SupabaseManagementClient:
    """Minimal client for the Supabase Management API, scoped to one project."""

    def __init__(
        self,
        *,
        project_ref: str,
        access_token: str,
        api_url: str = DEFAULT_API_URL,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        retry_base_delay_seconds: float = DEFAULT_RETRY_BASE_DELAY_SECONDS,
        max_retry_sleep_seconds: float = DEFAULT_MAX_RETRY_SLEEP_SECONDS,
        sleep: Optional[SleepFn] = None,
    ) -> None:
        self.project_ref = project_ref
        if not isinstance(access_token, str) or not access_token:
            raise SupabaseApiError(
                f"supabase project {project_ref}: no access token; set {ACCESS_TOKEN_CONFIG_KEY}",
                project_ref=project_ref,
            )
        self._access_token = access_token
        self.api_url = str(api_url).rstrip("/")
        self.timeout_seconds = float(timeout_seconds)
        self.max_attempts = max(1, int(max_attempts))
        self.retry_base_delay_seconds = max(0.0, float(retry_base_delay_seconds))
        self.max_retry_sleep_seconds = max(0.0, float(max_retry_sleep_seconds))
        self._sleep = sleep if sleep is not None else time.sleep

    def __repr__(self) -> str:
        return (
            f"SupabaseManagementClient(project_ref={self.project_ref!r}, "
            f"api_url={self.api_url!r}, access_token=[secret])"
        )

    def __reduce__(self):  # never let the token travel inside a pickle
        raise TypeError("SupabaseManagementClient holds a credential and is not picklable")

    # -- public -------------------------------------------------------------

    def get(self, path_template: str) -> Any:
        return self.request("GET", path_template)

    def patch(self, path_template: str, body: Mapping[str, Any]) -> Any:
        return self.request("PATCH", path_template, body)

    def post(self, path_template: str, body: Mapping[str, Any]) -> Any:
        return self.request("POST", path_template, body)

    def request(self, method: str, path_template: str, body: Any = None) -> Any:
        """Send one API call (retrying 429/5xx) and return the decoded JSON."""
        path = path_template.format(ref=urllib.parse.quote(self.project_ref, safe=""))
        data = None if body is None else json.dumps(body).encode("utf-8")
        attempt, slept = 1, 0.0
        while True:
            status, headers, raw = self._send(method, path, data)
            if 200 <= status < 300:
                return self._decode(method, path, status, raw)
            if status != 429 and not 500 <= status <= 599:
                raise self._error(status, method, path, raw)
            what = "429 Too Many Requests" if status == 429 else f"HTTP {status}"
            if attempt >= self.max_attempts:
                raise self._fail(
                    f"{what} from {method} {path}, still failing after {attempt} attempt(s)"
                    + self._detail_suffix(raw),
                    status, method, path,
                )
            retry_after = parse_retry_after(headers.get("Retry-After")) if status == 429 else None
            if retry_after is not None:
                delay = retry_after
            else:
                delay = min(self.retry_base_delay_seconds * (2 ** (attempt - 1)), MAX_BACKOFF_SECONDS)
            if slept + delay > self.max_retry_sleep_seconds:
                raise self._fail(
                    f"{what} from {method} {path}; waiting {delay:g}s more"
                    f"{' (Retry-After)' if retry_after is not None else ''} would exceed the retry "
                    f"budget of {self.max_retry_sleep_seconds:g}s (already waited {slept:g}s)",
                    status, method, path,
                )
            log.warning(
                "supabase project %s: %s from %s %s; retrying in %gs (attempt %d of %d)",
                self.project_ref, what, method, path, delay, attempt + 1, self.max_attempts,
            )
            self._sleep(delay)
            slept += delay
            attempt += 1

    # -- internals ------------------------------------------------------------

    def _send(self, method: str, path: str, data: Optional[bytes]):
        headers = {
            "Authorization": f"Bearer {self._access_token}",
            "Accept": "application/json",
            "User-Agent": "vital-expert-infra/supabase-settings",
        }
        if data is not None:
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.api_url + path, data=data, method=method, headers=headers)
        opener = urllib.request.build_opener(_RefuseRedirects())
        try:
            with opener.open(req, timeout=self.timeout_seconds) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as exc:
            try:
                raw = exc.read()
            except (OSError, http.client.HTTPException):
                raw = b""
            finally:
                exc.close()
            return exc.code, exc.headers, raw
        except TimeoutError:
            raise self._timeout(method, path) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._timeout(method, path) from None
            raise self._fail(
                f"cannot reach {self.api_url} for {method} {path}: {exc.reason}", None, method, path
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise self._fail(
                f"connection to {self.api_url} failed during {method} {path}: "
                f"{type(exc).__name__}: {exc}",
                None, method, path,
            ) from None

    def _timeout(self, method: str, path: str) -> SupabaseApiError:
        return self._fail(
            f"no response from {method} {self.api_url}{path} within {self.timeout_seconds:g}s "
            f"(timeout); the API may be slow or unreachable, retry later or raise timeout_seconds",
            None, method, path,
        )

    def _decode(self, method: str, path: str, status: int, raw: bytes) -> Any:
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise self._fail(
                f"HTTP {status} from {method} {path} was not JSON", status, method, path
            ) from None

    @staticmethod
    def _api_message(raw: bytes) -> str:
        text = ""
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if isinstance(body, dict):
            for key in ("message", "error", "msg", "detail"):
                if isinstance(body.get(key), str):
                    text = body[key]
                    break
        if not text:
            text = raw.decode("utf-8", "replace") if raw else ""
        text = " ".join(text.split())
        return text[:200] + ("..." if len(text) > 200 else "")

    def _detail_suffix(self, raw: bytes) -> str:
        message = self._api_message(raw)
        return f" ({message})" if message else ""

    def _error(self, status: int, method: str, path: str, raw: bytes) -> SupabaseApiError:
        if status == 401:
            text = (
                "401 Unauthorized — the access token was refused; "
                f"set {ACCESS_TOKEN_CONFIG_KEY}"
            )
        elif status == 403:
            text = (
                f"403 Forbidden — the access token may not {method} {path}; use a token of an "
                f"account with access to this project (set {ACCESS_TOKEN_CONFIG_KEY})"
            )
        elif status == 404:
            text = (
                "404 Not Found — no such project, or it is not visible to this access token; "
                "check the project ref (if the project was deleted, remove this resource "
                "with `pulumi state delete`)"
            )
        elif 300 <= status < 400:
            text = f"HTTP {status} redirect from {method} {path}; not following it with credentials"
        else:
            text = f"HTTP {status} from {method} {path}{self._detail_suffix(raw)}"
        return self._fail(text, status, method, path)

    def _fail(self, text: str, status: Optional[int], method: str, path: str) -> SupabaseApiError:
        message = self._redact(f"supabase project {self.project_ref}: {text}")
        return SupabaseApiError(
            message, project_ref=self.project_ref, status=status, method=method, path=path
        )

    def _redact(self, text: str) -> str:
        return text.replace(self._access_token, "[redacted]") if self._access_token else text


# --------------------------------------------------------------------------
# Property helpers (plain functions, so the provider stays trivially picklable)
# --------------------------------------------------------------------------


def _is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value == _rpc.UNKNOWN


def _plain(value: Any) -> Any:
    """Strip Pulumi's RPC secret wrappers (the dynamic-provider host normally
    hands plain values, but be safe)."""
    value = _rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _int_if_integral(value: Any) -> Any:
    # Numbers cross Pulumi's gRPC boundary as floats: 25 arrives as 25.0.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def normalize_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs/outputs with secrets unwrapped, defaults filled and numbers typed."""
    p = _plain(dict(props))
    for key, default in _CONNECTION_DEFAULTS.items():
        if p.get(key) is None:
            p[key] = default
    for key in ("default_pool_size", "max_attempts"):
        p[key] = _int_if_integral(p.get(key))
    for key in ("uri_allow_list", "allowed_cidrs"):
        value = p.get(key)
        if isinstance(value, tuple):
            p[key] = list(value)
    if "uri_allow_list" not in p or p["uri_allow_list"] is None:
        p["uri_allow_list"] = []
    p.setdefault("allowed_cidrs", None)
    return p


def split_uri_allow_list(raw: Optional[str]) -> list[str]:
    """The API's comma-separated string as a list (empty/null -> [])."""
    if not raw:
        return []
    return [part.strip() for part in raw.split(",") if part.strip()]


def join_uri_allow_list(uris: Sequence[str]) -> str:
    return ",".join(uris)


def split_cidrs(cidrs: Sequence[str]) -> dict[str, list[str]]:
    """allowed_cidrs as the API's body: IPv4 and IPv6 in separate lists."""
    v4, v6 = [], []
    for cidr in cidrs:
        (v6 if ipaddress.ip_network(cidr, strict=False).version == 6 else v4).append(cidr)
    return {"dbAllowedCidrs": v4, "dbAllowedCidrsV6": v6}


def _cidr_set(cidrs: Optional[Sequence[str]]) -> Optional[frozenset]:
    return None if cidrs is None else frozenset(cidrs)


def field_differs(field: str, old: Any, new: Any) -> bool:
    """Whether a managed field's desired value differs from the recorded one."""
    if _is_unknown(new) or (isinstance(new, list) and any(_is_unknown(v) for v in new)):
        return True
    if field == "allowed_cidrs":  # a set: order of CIDRs does not matter
        return _cidr_set(old) != _cidr_set(new)
    if field == "uri_allow_list":  # order is kept: the API stores one string
        return list(old or []) != list(new or [])
    return old != new


def changed_fields(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """Managed and connection fields whose values differ (olds/news normalized)."""
    changed = [f for f in MANAGED_FIELDS if field_differs(f, olds.get(f), news.get(f))]
    changed += [
        f for f in (*CONNECTION_FIELDS, *RECORDED_FIELDS)
        if _is_unknown(news.get(f)) or olds.get(f) != news.get(f)
    ]
    return changed


def validate_props(p: Mapping[str, Any]) -> list[pulumi.dynamic.CheckFailure]:
    """Check failures for normalized inputs (unknown values are skipped)."""
    failures: list[pulumi.dynamic.CheckFailure] = []

    def fail(prop: str, reason: str) -> None:
        failures.append(pulumi.dynamic.CheckFailure(prop, reason))

    def known(key: str) -> bool:
        return not _is_unknown(p.get(key))

    ref = p.get("project_ref")
    if known("project_ref") and not (isinstance(ref, str) and PROJECT_REF_PATTERN.match(ref)):
        fail("project_ref", f"must be a Supabase project ref (20 lowercase letters), got {ref!r}")
    token = p.get("access_token")
    if known("access_token") and not (isinstance(token, str) and token):
        fail("access_token", f"is required; set {ACCESS_TOKEN_CONFIG_KEY}")
    size = p.get("default_pool_size")
    if known("default_pool_size") and not (
        isinstance(size, int) and not isinstance(size, bool) and POOL_SIZE_MIN <= size <= POOL_SIZE_MAX
    ):
        fail("default_pool_size", f"must be an integer from {POOL_SIZE_MIN} to {POOL_SIZE_MAX}, got {size!r}")
    site = p.get("site_url")
    if known("site_url") and not (isinstance(site, str) and site and "," not in site):
        fail("site_url", f"must be a non-empty URL without commas, got {site!r}")
    uris = p.get("uri_allow_list")
    if known("uri_allow_list"):
        if not isinstance(uris, list):
            fail("uri_allow_list", "must be a list of URLs")
        else:
            for uri in uris:
                if _is_unknown(uri):
                    continue
                if not isinstance(uri, str) or not uri or "," in uri or uri != uri.strip():
                    fail(
                        "uri_allow_list",
                        f"entries must be non-empty, without commas or surrounding spaces "
                        f"(they are sent joined by commas), got {uri!r}",
                    )
    cidrs = p.get("allowed_cidrs")
    if known("allowed_cidrs") and cidrs is not None:
        if not isinstance(cidrs, list):
            fail("allowed_cidrs", "must be a list of CIDRs, or None to leave network restrictions alone")
        else:
            for cidr in cidrs:
                if _is_unknown(cidr):
                    continue
                try:
                    ipaddress.ip_network(cidr, strict=True)
                except (TypeError, ValueError) as exc:
                    fail("allowed_cidrs", f"{cidr!r} is not a network in CIDR notation ({exc})")
    url = p.get("api_url")
    if known("api_url"):
        parsed = urllib.parse.urlparse(url) if isinstance(url, str) else None
        if parsed is not None and (parsed.username or parsed.password):
            fail("api_url", "must not contain credentials (the token goes in access_token)")
        elif not parsed or parsed.scheme not in ("https", "http") or not parsed.hostname:
            fail("api_url", f"must be an http(s) URL, got {url!r}")
    for key, minimum in (("timeout_seconds", 0.0), ("retry_base_delay_seconds", 0.0), ("max_retry_sleep_seconds", 0.0)):
        value = p.get(key)
        if known(key) and not (
            isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and value >= minimum and (key != "timeout_seconds" or value > 0)
        ):
            fail(key, f"must be a {'positive' if key == 'timeout_seconds' else 'non-negative'} number, got {value!r}")
    attempts = p.get("max_attempts")
    if known("max_attempts") and not (isinstance(attempts, int) and not isinstance(attempts, bool) and 1 <= attempts <= 20):
        fail("max_attempts", f"must be an integer from 1 to 20, got {attempts!r}")
    return failures


# --------------------------------------------------------------------------
# Reading and writing the three settings areas
# --------------------------------------------------------------------------


def _bad_shape(client: SupabaseManagementClient, what: str) -> SupabaseApiError:
    return SupabaseApiError(
        f"supabase project {client.project_ref}: unexpected response shape from {what}",
        project_ref=client.project_ref,
    )


def get_pool_size(client: SupabaseManagementClient) -> Optional[int]:
    """default_pool_size of the PRIMARY database's pooler (the GET returns a list)."""
    configs = client.get(POOLER_PATH)
    if isinstance(configs, dict):  # tolerate a single object
        configs = [configs]
    if not isinstance(configs, list) or not configs or not all(isinstance(c, dict) for c in configs):
        raise _bad_shape(client, f"GET {POOLER_PATH} (expected a non-empty list of pooler configs)")
    primary = next((c for c in configs if c.get("database_type") == "PRIMARY"), configs[0])
    return _int_if_integral(primary.get("default_pool_size"))


def get_auth(client: SupabaseManagementClient) -> dict[str, Optional[str]]:
    """site_url and uri_allow_list exactly as the API returns them."""
    config = client.get(AUTH_PATH)
    if not isinstance(config, dict):
        raise _bad_shape(client, f"GET {AUTH_PATH}")
    return {"site_url": config.get("site_url"), "uri_allow_list": config.get("uri_allow_list")}


def get_network(client: SupabaseManagementClient) -> tuple[dict[str, list[str]], Optional[str]]:
    """(requested network-restriction config, entitlement)."""
    body = client.get(NETWORK_RESTRICTIONS_PATH)
    if not isinstance(body, dict):
        raise _bad_shape(client, f"GET {NETWORK_RESTRICTIONS_PATH}")
    config = body.get("config") or {}
    return (
        {
            "dbAllowedCidrs": list(config.get("dbAllowedCidrs") or []),
            "dbAllowedCidrsV6": list(config.get("dbAllowedCidrsV6") or []),
        },
        body.get("entitlement"),
    )


def _network_cidrs(config: Mapping[str, Sequence[str]]) -> list[str]:
    return list(config.get("dbAllowedCidrs") or []) + list(config.get("dbAllowedCidrsV6") or [])


def _require_network_entitlement(client: SupabaseManagementClient, entitlement: Optional[str]) -> None:
    if entitlement == "disallowed":
        raise SupabaseApiError(
            f"supabase project {client.project_ref}: network restrictions are not available for "
            f"this project (entitlement: disallowed); set allowed_cidrs to None",
            project_ref=client.project_ref,
        )


def _auth_patch(current: Mapping[str, Any], site_url: Any, uri_allow_list: Sequence[str]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if current.get("site_url") != site_url:
        body["site_url"] = site_url
    if split_uri_allow_list(current.get("uri_allow_list")) != list(uri_allow_list):
        body["uri_allow_list"] = join_uri_allow_list(uri_allow_list)
    return body


def _log_change(client: SupabaseManagementClient, method: str, path: str, fields: Sequence[str]) -> None:
    log.info("supabase project %s: %s %s (%s)", client.project_ref, method, path, ", ".join(fields))


def restore_original(client: SupabaseManagementClient, original: Mapping[str, Any], sections: Sequence[str]) -> None:
    """Put the recorded pre-adoption values of `sections` back, patching only
    what differs from the live values."""
    if "pooler" in sections:
        # numbers come back from Pulumi's state as floats (15 -> 15.0)
        want = _int_if_integral((original.get("pooler") or {}).get("default_pool_size"))
        if get_pool_size(client) != want:
            _log_change(client, "PATCH", POOLER_PATH, ["default_pool_size"])
            client.patch(POOLER_PATH, {"default_pool_size": want})
    if "auth" in sections:
        want_auth = original.get("auth") or {}
        live = get_auth(client)
        body = {
            key: want_auth.get(key)
            for key in ("site_url", "uri_allow_list")
            if live.get(key) != want_auth.get(key)
        }
        if body:
            _log_change(client, "PATCH", AUTH_PATH, sorted(body))
            client.patch(AUTH_PATH, body)
    if "network_restrictions" in sections and original.get("network_restrictions") is not None:
        want_net = original["network_restrictions"]
        live_net, _ = get_network(client)
        if frozenset(_network_cidrs(live_net)) != frozenset(_network_cidrs(want_net)):
            _log_change(client, "POST", NETWORK_RESTRICTIONS_APPLY_PATH, ["dbAllowedCidrs", "dbAllowedCidrsV6"])
            client.post(
                NETWORK_RESTRICTIONS_APPLY_PATH,
                {
                    "dbAllowedCidrs": list(want_net.get("dbAllowedCidrs") or []),
                    "dbAllowedCidrsV6": list(want_net.get("dbAllowedCidrsV6") or []),
                },
            )


# --------------------------------------------------------------------------
# The dynamic provider
# --------------------------------------------------------------------------


class SupabaseSettingsProvider(pulumi.dynamic.ResourceProvider):
    """CRUD for the settings of an existing Supabase project (see module doc).

    ``sleep`` (default ``time.sleep``) is what retries wait with; tests inject
    a recorder. The instance holds nothing else, so dill pickles it cleanly.
    """

    def __init__(self, sleep: Optional[SleepFn] = None) -> None:
        super().__init__()
        self._sleep = sleep

    def _client(self, p: Mapping[str, Any]) -> SupabaseManagementClient:
        return SupabaseManagementClient(
            project_ref=p["project_ref"],
            access_token=p.get("access_token"),
            api_url=p["api_url"],
            timeout_seconds=p["timeout_seconds"],
            max_attempts=p["max_attempts"],
            retry_base_delay_seconds=p["retry_base_delay_seconds"],
            max_retry_sleep_seconds=p["max_retry_sleep_seconds"],
            sleep=self._sleep,
        )

    @staticmethod
    def _outputs(p: Mapping[str, Any], original: Mapping[str, Any]) -> dict[str, Any]:
        outs = {key: p.get(key) for key in OUTPUT_FIELDS if key != "original"}
        for key in RECORDED_FIELDS:  # optional: absent rather than null, as state keeps it
            if outs[key] is None:
                del outs[key]
        outs["original"] = copy.deepcopy(dict(original))
        return outs

    # -- check / diff -----------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        inputs = normalize_props(news)
        return pulumi.dynamic.CheckResult(inputs, validate_props(inputs))

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        """Only managed fields and connection settings count; a different
        project_ref is a different project, so it replaces (adopt the new one,
        then restore the old one).

        A changed access token / api_url / timeout / retry setting alone is
        reported as an in-place update that makes no API call: Pulumi hands
        refresh and delete the *stored* outputs, not the program's inputs, so
        without it a rotated (and revoked) token would stay in state and a
        later `pulumi destroy` could not restore the project.
        """
        olds, news = normalize_props(_olds), normalize_props(_news)
        replaces = []
        if _is_unknown(news.get("project_ref")) or olds.get("project_ref") != news.get("project_ref"):
            replaces.append("project_ref")
        changes = changed_fields(olds, news)
        return pulumi.dynamic.DiffResult(
            changes=bool(replaces or changes),
            replaces=replaces,
            delete_before_replace=False,
        )

    # -- create / update --------------------------------------------------------

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        """Adopt the project: record what is there as `original`, then patch
        only the managed fields that differ. Everything is read before anything
        is written; if a write fails, the writes already made are undone."""
        p = normalize_props(props)
        client = self._client(p)
        manage_network = p.get("allowed_cidrs") is not None

        live_pool = get_pool_size(client)
        live_auth = get_auth(client)
        original: dict[str, Any] = {
            "pooler": {"default_pool_size": live_pool},
            "auth": dict(live_auth),
        }
        if manage_network:
            live_net, entitlement = get_network(client)
            _require_network_entitlement(client, entitlement)
            original["network_restrictions"] = live_net

        changed: list[str] = []
        try:
            if live_pool != p["default_pool_size"]:
                _log_change(client, "PATCH", POOLER_PATH, ["default_pool_size"])
                changed.append("pooler")
                client.patch(POOLER_PATH, {"default_pool_size": p["default_pool_size"]})
            body = _auth_patch(live_auth, p["site_url"], p["uri_allow_list"])
            if body:
                _log_change(client, "PATCH", AUTH_PATH, sorted(body))
                changed.append("auth")
                client.patch(AUTH_PATH, body)
            if manage_network and frozenset(_network_cidrs(live_net)) != frozenset(p["allowed_cidrs"]):
                _log_change(client, "POST", NETWORK_RESTRICTIONS_APPLY_PATH, ["dbAllowedCidrs", "dbAllowedCidrsV6"])
                changed.append("network_restrictions")
                client.post(NETWORK_RESTRICTIONS_APPLY_PATH, split_cidrs(p["allowed_cidrs"]))
        except Exception as exc:
            self._undo_partial_create(client, original, changed, exc)
            raise
        return pulumi.dynamic.CreateResult(p["project_ref"], self._outputs(p, original))

    @staticmethod
    def _undo_partial_create(
        client: SupabaseManagementClient, original: Mapping[str, Any], changed: Sequence[str], exc: Exception
    ) -> None:
        if not changed:
            return
        try:
            restore_original(client, original, changed)
        except Exception as undo_exc:
            raise SupabaseApiError(
                f"{exc}; undoing the partial adoption ({', '.join(changed)}) also failed: "
                f"{undo_exc}; the settings before adoption were {json.dumps(original, sort_keys=True)}",
                project_ref=client.project_ref,
            ) from None

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        """Patch only the managed fields whose desired value changed. A field
        that stops being managed (allowed_cidrs -> None) gets its original back."""
        olds, news = normalize_props(_olds), normalize_props(_news)
        original: dict[str, Any] = copy.deepcopy(dict(olds.get("original") or {}))
        client = self._client(news)

        if field_differs("default_pool_size", olds.get("default_pool_size"), news["default_pool_size"]):
            _log_change(client, "PATCH", POOLER_PATH, ["default_pool_size"])
            client.patch(POOLER_PATH, {"default_pool_size": news["default_pool_size"]})

        body: dict[str, Any] = {}
        if field_differs("site_url", olds.get("site_url"), news.get("site_url")):
            body["site_url"] = news.get("site_url")
        if field_differs("uri_allow_list", olds.get("uri_allow_list"), news["uri_allow_list"]):
            body["uri_allow_list"] = join_uri_allow_list(news["uri_allow_list"])
        if body:
            _log_change(client, "PATCH", AUTH_PATH, sorted(body))
            client.patch(AUTH_PATH, body)

        want = news.get("allowed_cidrs")
        if want is not None:
            if original.get("network_restrictions") is None:  # starts being managed: adopt it
                live_net, entitlement = get_network(client)
                _require_network_entitlement(client, entitlement)
                original["network_restrictions"] = live_net
                current: Optional[list[str]] = _network_cidrs(live_net)
            else:
                current = olds.get("allowed_cidrs")
            if field_differs("allowed_cidrs", current, want):
                _log_change(client, "POST", NETWORK_RESTRICTIONS_APPLY_PATH, ["dbAllowedCidrs", "dbAllowedCidrsV6"])
                client.post(NETWORK_RESTRICTIONS_APPLY_PATH, split_cidrs(want))
        elif original.get("network_restrictions") is not None:  # stops being managed: give it back
            restore_original(client, original, ["network_restrictions"])
            del original["network_restrictions"]

        return pulumi.dynamic.UpdateResult(self._outputs(news, original))

    # -- read / delete ----------------------------------------------------------

    def read(self, id_: str, props: dict[str, Any]) -> pulumi.dynamic.ReadResult:
        """Return the live values of the managed fields, so refresh shows drift
        and the next diff patches it back."""
        p = normalize_props(props)
        p["project_ref"] = p.get("project_ref") or id_
        client = self._client(p)
        outs = self._outputs(p, p.get("original") or {})
        outs["default_pool_size"] = get_pool_size(client)
        live_auth = get_auth(client)
        outs["site_url"] = live_auth["site_url"]
        outs["uri_allow_list"] = split_uri_allow_list(live_auth["uri_allow_list"])
        if p.get("allowed_cidrs") is not None:
            live_net, _ = get_network(client)
            live = _network_cidrs(live_net)
            # keep the recorded order when only the order differs
            outs["allowed_cidrs"] = list(p["allowed_cidrs"]) if frozenset(live) == frozenset(p["allowed_cidrs"]) else live
        return pulumi.dynamic.ReadResult(p["project_ref"], outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Put back the settings recorded at adoption (the project stays)."""
        p = normalize_props(_props)
        original = p.get("original") or {}
        if "pooler" not in original and "auth" not in original:
            log.warning(
                "supabase project %s: no record of the settings before adoption; leaving them as they are",
                p.get("project_ref") or _id,
            )
            return
        client = self._client(p)
        restore_original(client, original, ["pooler", "auth", "network_restrictions"])


# --------------------------------------------------------------------------
# The resource
# --------------------------------------------------------------------------


class SupabaseProjectSettings(pulumi.dynamic.Resource):
    """Settings of an existing Supabase project (type ``pulumi-python:dynamic:Resource``).

    Outputs: the inputs below (``access_token`` as a secret) and ``original``,
    the settings found at adoption, which ``delete`` restores:
    ``{"pooler": {"default_pool_size"}, "auth": {"site_url", "uri_allow_list"},
    "network_restrictions": {"dbAllowedCidrs", "dbAllowedCidrsV6"}}`` (the last
    only while ``allowed_cidrs`` is managed), as the API returned them.
    """

    project_ref: pulumi.Output[str]
    access_token: pulumi.Output[str]
    default_pool_size: pulumi.Output[int]
    site_url: pulumi.Output[str]
    uri_allow_list: pulumi.Output[list]
    allowed_cidrs: pulumi.Output[Optional[list]]
    api_url: pulumi.Output[str]
    timeout_seconds: pulumi.Output[float]
    max_attempts: pulumi.Output[int]
    retry_base_delay_seconds: pulumi.Output[float]
    max_retry_sleep_seconds: pulumi.Output[float]
    backup_policy: pulumi.Output[Optional[str]]
    original: pulumi.Output[dict]

    def __init__(
        self,
        resource_name: str,
        *,
        project_ref: pulumi.Input[str],
        access_token: pulumi.Input[str],
        default_pool_size: pulumi.Input[int],
        site_url: pulumi.Input[str],
        uri_allow_list: pulumi.Input[Sequence[pulumi.Input[str]]],
        allowed_cidrs: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None,
        api_url: pulumi.Input[str] = DEFAULT_API_URL,
        timeout_seconds: pulumi.Input[float] = DEFAULT_TIMEOUT_SECONDS,
        max_attempts: pulumi.Input[int] = DEFAULT_MAX_ATTEMPTS,
        retry_base_delay_seconds: pulumi.Input[float] = DEFAULT_RETRY_BASE_DELAY_SECONDS,
        max_retry_sleep_seconds: pulumi.Input[float] = DEFAULT_MAX_RETRY_SLEEP_SECONDS,
        backup_policy: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        props = {
            "project_ref": project_ref,
            "access_token": pulumi.Output.secret(access_token),
            "default_pool_size": default_pool_size,
            "site_url": site_url,
            "uri_allow_list": uri_allow_list,
            "allowed_cidrs": allowed_cidrs,
            "api_url": api_url,
            "timeout_seconds": timeout_seconds,
            "max_attempts": max_attempts,
            "retry_base_delay_seconds": retry_base_delay_seconds,
            "max_retry_sleep_seconds": max_retry_sleep_seconds,
            "backup_policy": backup_policy,
            "original": None,  # output only
        }
        super().__init__(SupabaseSettingsProvider(), resource_name, props, resource_options(opts))


def resource_options(opts: Optional[pulumi.ResourceOptions] = None) -> pulumi.ResourceOptions:
    """`opts` plus access_token as an additional secret output."""
    return pulumi.ResourceOptions.merge(
        pulumi.ResourceOptions(additional_secret_outputs=["access_token"]), opts
    )


__all__ = [
    "ACCESS_TOKEN_CONFIG_KEY",
    "API_OPERATIONS",
    "DEFAULT_API_URL",
    "SupabaseApiError",
    "SupabaseManagementClient",
    "SupabaseProjectSettings",
    "SupabaseSettingsProvider",
    "parse_retry_after",
    "resource_options",
]
