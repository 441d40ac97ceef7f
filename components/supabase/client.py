"""The Supabase Management API over HTTP (urllib3), one project at a time.

Bearer auth, bounded retries (429 honouring Retry-After, 5xx with exponential backoff, a
total wait budget: ``retry.BudgetedRetry``), a deadline on every request, no redirect
followed (the Management API does not redirect; one is reported, not followed with the
token), proxies from the environment as ``urllib.request`` finds them, and every failure as one
``SupabaseApiError`` line naming the project ref: 401/403/404 say what to do. The access
token never appears in a message, a repr or a pickle.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vital.names import SUPABASE_ACCESS_TOKEN_ENV

if TYPE_CHECKING:
    import urllib3

    from .retry import BudgetedRetry, SleepFn

# urllib3 and .retry (which subclasses urllib3's Retry) are imported where a call is made: a
# render registers the provider but never calls it, and urllib3 is a twentieth of synth's
# process (issue 28, bench/results.md's import list).

DEFAULT_API_URL = "https://api.supabase.com"
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_ATTEMPTS = 4
DEFAULT_RETRY_BASE_DELAY_SECONDS = 0.5
DEFAULT_MAX_RETRY_SLEEP_SECONDS = 30.0
# Longest single exponential-backoff wait (a Retry-After header is honoured as
# given, but only within the total sleep budget, max_retry_sleep_seconds).
MAX_BACKOFF_SECONDS = 8.0

USER_AGENT = "vital-expert-infra/supabase-settings"


class SupabaseApiError(Exception):
    """A Management API call failed. The message is one line and names the
    project ref; it never contains the access token."""

    def __init__(
        self,
        message: str,
        *,
        project_ref: str,
        status: int | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.project_ref = project_ref
        self.status = status
        self.method = method
        self.path = path


def pool_manager(url: str) -> urllib3.PoolManager:
    """A ProxyManager when the environment names a proxy for `url` (and NO_PROXY does not
    exempt its host), else a PoolManager: what ``urllib.request`` would use."""
    import urllib3

    parts = urllib.parse.urlsplit(url)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(parts.netloc):
        return urllib3.ProxyManager(proxy)
    return urllib3.PoolManager()


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
        sleep: SleepFn | None = None,
    ) -> None:
        self.project_ref = project_ref
        if not isinstance(access_token, str) or not access_token:
            raise SupabaseApiError(
                f"supabase project {project_ref}: no access token; set {SUPABASE_ACCESS_TOKEN_ENV} in the environment of "
                f"the pulumi CLI (CI: the deploy environment's secret; a preview makes no API call and needs none)",
                project_ref=project_ref,
            )
        self._access_token = access_token
        self.api_url = str(api_url).rstrip("/")
        self.timeout_seconds = float(timeout_seconds)
        self.max_attempts = max(1, int(max_attempts))
        self.retry_base_delay_seconds = max(0.0, float(retry_base_delay_seconds))
        self.max_retry_sleep_seconds = max(0.0, float(max_retry_sleep_seconds))
        self._sleep = sleep

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
        from .retry import describe_status

        path = path_template.format(ref=urllib.parse.quote(self.project_ref, safe=""))
        data = None if body is None else json.dumps(body).encode("utf-8")
        response = self._send(method, path, data)
        status = response.status
        if 200 <= status < 300:
            return self._decode(method, path, status, response.data)
        if status == 429 or 500 <= status <= 599:  # the retries are spent
            attempts = len(response.retries.history) + 1 if response.retries else self.max_attempts
            raise self._fail(
                f"{describe_status(status)} from {method} {path}, still failing after {attempts} attempt(s)"
                + self._detail_suffix(response.data),
                status,
                method,
                path,
            )
        raise self._error(status, method, path, response.data)

    # -- internals ------------------------------------------------------------

    def _retry(self) -> BudgetedRetry:
        from .retry import BudgetedRetry

        return BudgetedRetry.for_attempts(
            self.max_attempts,
            backoff_seconds=self.retry_base_delay_seconds,
            backoff_max=MAX_BACKOFF_SECONDS,
            max_sleep_seconds=self.max_retry_sleep_seconds,
            sleep_fn=self._sleep,
            name=f"supabase project {self.project_ref}",
        )

    def _send(self, method: str, path: str, data: bytes | None) -> urllib3.BaseHTTPResponse:
        from urllib3.exceptions import HTTPError, MaxRetryError

        from .retry import RetryBudgetExceeded, describe_status

        headers = {
            "Authorization": f"Bearer {self._access_token}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if data is not None:
            headers["Content-Type"] = "application/json"
        url = self.api_url + path
        try:
            with pool_manager(url) as pool:
                return pool.request(
                    method,
                    url,
                    body=data,
                    headers=headers,
                    retries=self._retry(),
                    redirect=False,
                    timeout=self.timeout_seconds,
                )
        except RetryBudgetExceeded as exc:
            raise self._fail(
                f"{describe_status(exc.status)} from {method} {path}; waiting {exc.delay:g}s more"
                f"{' (Retry-After)' if exc.from_header else ''} would exceed the retry "
                f"budget of {exc.budget:g}s (already waited {exc.waited:g}s)",
                exc.status,
                method,
                path,
            ) from None
        except MaxRetryError as exc:  # connect/read errors are not retried: the first is final
            raise self._transport_error(exc.reason or exc, method, path) from None
        except (HTTPError, OSError) as exc:
            raise self._transport_error(exc, method, path) from None

    def _transport_error(self, exc: BaseException, method: str, path: str) -> SupabaseApiError:
        from urllib3.exceptions import NewConnectionError
        from urllib3.exceptions import TimeoutError as Urllib3Timeout

        if isinstance(exc, NewConnectionError):  # a subclass of ConnectTimeoutError
            reason = exc.__cause__ or exc.__context__ or exc
            return self._fail(f"cannot reach {self.api_url} for {method} {path}: {reason}", None, method, path)
        if isinstance(exc, (Urllib3Timeout, TimeoutError)):
            return self._fail(
                f"no response from {method} {self.api_url}{path} within {self.timeout_seconds:g}s "
                f"(timeout); the API may be slow or unreachable, retry later or raise timeout_seconds",
                None,
                method,
                path,
            )
        return self._fail(
            f"connection to {self.api_url} failed during {method} {path}: {type(exc).__name__}: {exc}",
            None,
            method,
            path,
        )

    def _decode(self, method: str, path: str, status: int, raw: bytes) -> Any:
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise self._fail(f"HTTP {status} from {method} {path} was not JSON", status, method, path) from None

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
            text = f"401 Unauthorized — the access token was refused; set {SUPABASE_ACCESS_TOKEN_ENV} to a valid one"
        elif status == 403:
            text = (
                f"403 Forbidden — the access token may not {method} {path}; use a token of an "
                f"account with access to this project (set {SUPABASE_ACCESS_TOKEN_ENV})"
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

    def _fail(self, text: str, status: int | None, method: str, path: str) -> SupabaseApiError:
        message = self._redact(f"supabase project {self.project_ref}: {text}")
        return SupabaseApiError(message, project_ref=self.project_ref, status=status, method=method, path=path)

    def _redact(self, text: str) -> str:
        return text.replace(self._access_token, "[redacted]") if self._access_token else text
