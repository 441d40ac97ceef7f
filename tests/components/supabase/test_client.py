"""The Management API client: errors, retries, timeouts, redirects and proxies
(components/supabase/client.py and retry.py), through the provider against the fake.

No test really sleeps for a retry: the provider's `sleep` records each wait instead.
"""

from __future__ import annotations

import json
import logging
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

import pytest
import urllib3
from urllib3.util import retry as urllib3_retry

from components.supabase.client import SupabaseApiError, SupabaseManagementClient
from components.supabase.endpoints import AUTH_PATH
from components.supabase.retry import BudgetedRetry
from tests.fakes.supabase_api import Fault

from .support import REF, SITE, TOKEN, UNKNOWN_REF, create, make_props, via_state


def test_401_names_the_project_and_the_environment_variable(provider, api, monkeypatch):
    monkeypatch.setenv("SUPABASE_ACCESS_TOKEN", "revoked-token")
    with pytest.raises(SupabaseApiError) as err:
        create(provider, make_props(api))
    assert str(err.value) == (
        f"supabase project {REF}: 401 Unauthorized — the access token was refused; "
        "set SUPABASE_ACCESS_TOKEN to a valid one"
    )
    assert err.value.status == 401 and err.value.project_ref == REF
    assert api.writes() == []


def test_no_token_in_the_environment_is_one_line_before_any_call(provider, api, monkeypatch):
    monkeypatch.delenv("SUPABASE_ACCESS_TOKEN")
    with pytest.raises(SupabaseApiError) as err:
        create(provider, make_props(api))
    assert str(err.value) == (
        f"supabase project {REF}: no access token; set SUPABASE_ACCESS_TOKEN in the environment of the pulumi CLI "
        "(CI: the deploy environment's secret; a preview makes no API call and needs none)")
    assert api.log == []


def test_403_is_one_clear_line(provider, api):
    api.inject(Fault(status=403, body={"message": "Forbidden resource"}))
    with pytest.raises(SupabaseApiError) as err:
        create(provider, make_props(api))
    message = str(err.value)
    assert message.startswith(f"supabase project {REF}: 403 Forbidden — ")
    assert f"GET /v1/projects/{REF}/config/database/pooler" in message
    assert "\n" not in message
    assert api.writes() == []


def test_404_for_an_unknown_project(provider, api):
    with pytest.raises(SupabaseApiError) as err:
        create(provider, make_props(api, project_ref=UNKNOWN_REF))
    assert str(err.value).startswith(f"supabase project {UNKNOWN_REF}: 404 Not Found — no such project")
    assert err.value.__suppress_context__ or err.value.__context__ is None
    with pytest.raises(SupabaseApiError, match="404 Not Found"):
        provider.read(UNKNOWN_REF, via_state(make_props(api, project_ref=UNKNOWN_REF)))


def test_429_waits_for_retry_after_then_succeeds(provider, api, sleeps, caplog):
    api.inject(Fault(status=429, method="GET", retry_after="2", body={"message": "Too many requests"}))
    with caplog.at_level(logging.WARNING, logger="components.supabase"):
        outs = create(provider, make_props(api))
    assert sleeps == [2.0]
    assert outs["original"]["pooler"] == {"default_pool_size": 15}
    assert [e.status for e in api.log[:2]] == [429, 200]
    assert "429 Too Many Requests" in caplog.text and "retrying in 2s" in caplog.text


def test_429_with_a_retry_after_beyond_the_budget_fails_without_waiting(provider, api, sleeps):
    api.inject(Fault(status=429, retry_after="3600", body={"message": "Too many requests"}))
    with pytest.raises(SupabaseApiError, match=r"429 Too Many Requests .*waiting 3600s more \(Retry-After\) would exceed"):
        create(provider, make_props(api))
    assert sleeps == []


def test_429_without_retry_after_backs_off_exponentially(provider, api, sleeps):
    api.inject(Fault(status=429, times=2, body={"message": "Too many requests"}))
    create(provider, make_props(api))
    assert sleeps == [0.5, 1.0]


def test_transient_500_is_retried_with_backoff(provider, api, sleeps):
    api.inject(Fault(status=500, method="PATCH", times=2))
    outs = create(provider, make_props(api))
    assert sleeps == [0.5, 1.0]
    assert api.auth(REF)["site_url"] == SITE
    assert outs["site_url"] == SITE
    assert [e.status for e in api.writes()] == [500, 500, 200]


def test_persistent_500_gives_up_after_max_attempts(provider, api, sleeps):
    api.inject(Fault(status=500, times=100, body={"message": "Failed to retrieve project's supavisor config"}))
    with pytest.raises(SupabaseApiError) as err:
        create(provider, make_props(api, max_attempts=3))
    assert str(err.value) == (
        f"supabase project {REF}: HTTP 500 from GET /v1/projects/{REF}/config/database/pooler, "
        "still failing after 3 attempt(s) (Failed to retrieve project's supavisor config)"
    )
    assert sleeps == [0.5, 1.0]
    assert len(api.log) == 3


def test_total_retry_sleep_is_capped(provider, api, sleeps):
    api.inject(Fault(status=500, times=100))
    with pytest.raises(SupabaseApiError, match="would exceed the retry budget of 2s"):
        create(provider, make_props(api, max_attempts=10, retry_base_delay_seconds=1.0, max_retry_sleep_seconds=2.0))
    assert sleeps == [1.0]  # the next wait (2s) would have gone past 2s in total


def test_a_response_that_never_comes_is_a_timeout_error(provider, api, sleeps):
    api.inject(Fault(status=200, method="GET", hang_seconds=5.0, body=[]))
    with pytest.raises(SupabaseApiError) as err:
        create(provider, make_props(api, timeout_seconds=0.5))
    message = str(err.value)
    assert message.startswith(f"supabase project {REF}: no response from GET ")
    assert "within 0.5s (timeout)" in message
    assert sleeps == [] and api.writes() == []


def test_connection_refused_is_a_clear_error(provider, api):
    api.stop()
    with pytest.raises(SupabaseApiError, match=f"supabase project {REF}: cannot reach http://127.0.0.1"):
        create(provider, make_props(api, timeout_seconds=1.0))


# --------------------------------------------------------------------------
# Retry-After: urllib3's parser (delta-seconds or HTTP-date), through the provider
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, waits",
    [
        ("2", [2.0]),
        ("0", [0.0]),
        ("Wed, 21 Oct 2015 07:28:00 GMT", [0.0]),  # a date already past: retry at once
        # not delta-seconds (digits only) nor an HTTP-date: ignored, so exponential backoff
        ("soon", [0.5]),
        ("0.25", [0.5]),
        ("-5", [0.5]),
    ],
)
def test_429_retry_after_values(provider, api, sleeps, value, waits):
    api.inject(Fault(status=429, retry_after=value, body={"message": "Too many requests"}))
    create(provider, make_props(api))
    assert sleeps == waits


def test_429_with_a_retry_after_date_beyond_the_budget_fails_without_waiting(provider, api, sleeps):
    api.inject(Fault(status=429, retry_after="Fri, 01 Jan 2100 00:00:00 GMT", body={"message": "Too many requests"}))
    with pytest.raises(SupabaseApiError, match=r"429 Too Many Requests .*s more \(Retry-After\) would exceed the retry"):
        create(provider, make_props(api))
    assert sleeps == []


def test_retry_after_as_an_http_date_counts_from_now(monkeypatch):
    now = 1445412480.0  # 2015-10-21T07:28:00Z
    monkeypatch.setattr(urllib3_retry, "time", type("Clock", (), {"time": staticmethod(lambda: now)}))
    retry = BudgetedRetry.for_attempts(2, backoff_seconds=0.5, backoff_max=8.0, max_sleep_seconds=30.0,
                                       sleep_fn=None, name="test")
    response = urllib3.HTTPResponse(status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT"})
    assert retry.get_retry_after(response) == 10.0


def test_backoff_doubles_up_to_its_cap_and_retries_every_method(provider, api, sleeps):
    api.inject(Fault(status=500, method="PATCH", times=6))
    create(provider, make_props(api, max_attempts=7, retry_base_delay_seconds=2.0, max_retry_sleep_seconds=60.0))
    assert sleeps == [2.0, 4.0, 8.0, 8.0, 8.0, 8.0]  # MAX_BACKOFF_SECONDS = 8
    assert [e.status for e in api.writes()] == [500] * 6 + [200]


# --------------------------------------------------------------------------
# redirects and proxies
# --------------------------------------------------------------------------


class Recorder:
    """A one-off HTTP server's URL and the (method, request target, headers) it received."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.seen: list[tuple[str, str, dict[str, str]]] = []


@contextmanager
def serve(answer: Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]) -> Iterator[Recorder]:
    """An HTTP server on 127.0.0.1 that answers every GET with `answer(handler)`."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            recorder.seen.append(("GET", self.path, dict(self.headers)))
            status, headers, body = answer(self)
            self.send_response(status)
            for key, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    recorder = Recorder(f"http://{host}:{port}")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_redirect_is_an_error_and_never_followed_with_the_token(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with serve(lambda h: (200, {}, b"{}")) as elsewhere:
        with serve(lambda h: (302, {"Location": elsewhere.url + h.path}, b"")) as api:
            client = SupabaseManagementClient(project_ref=REF, access_token=TOKEN, api_url=api.url)
            with pytest.raises(SupabaseApiError) as err:
                client.get(AUTH_PATH)
    assert str(err.value) == (f"supabase project {REF}: HTTP 302 redirect from GET /v1/projects/{REF}/config/auth; "
                              "not following it with credentials")
    assert len(api.seen) == 1 and elsewhere.seen == []


def test_a_proxy_from_the_environment_is_used_unless_no_proxy_exempts_the_host(monkeypatch):
    for key in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(key, raising=False)
    body = json.dumps({"site_url": SITE, "uri_allow_list": ""}).encode()
    answer = lambda h: (200, {"Content-Type": "application/json"}, body)  # noqa: E731
    with serve(answer) as proxy, serve(answer) as api:
        monkeypatch.setenv("http_proxy", proxy.url)
        client = SupabaseManagementClient(project_ref=REF, access_token=TOKEN, api_url=api.url)
        assert client.get(AUTH_PATH)["site_url"] == SITE
        ((method, target, headers),) = proxy.seen
        assert (method, target) == ("GET", f"{api.url}/v1/projects/{REF}/config/auth")  # absolute: via the proxy
        assert headers["Authorization"] == f"Bearer {TOKEN}" and api.seen == []

        monkeypatch.setenv("no_proxy", "127.0.0.1")
        assert client.get(AUTH_PATH)["site_url"] == SITE
        assert len(proxy.seen) == 1 and [t for _, t, _ in api.seen] == [f"/v1/projects/{REF}/config/auth"]
