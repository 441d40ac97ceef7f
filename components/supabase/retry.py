"""The retry policy of the Management API client: urllib3's ``Retry``, with four changes.

urllib3 retries a status in ``status_forcelist``, counts attempts and parses Retry-After
(delta-seconds or HTTP-date). ``BudgetedRetry`` keeps all of that and changes:

* the wait: Retry-After on a 429 when it is valid (an invalid value falls back to backoff
  instead of raising); otherwise ``backoff_factor * 2 ** (n - 1)`` after the n-th failure,
  up to ``backoff_max`` (urllib3 skips the wait before the first retry);
* a budget: if waiting would take the total past ``max_sleep_seconds``, it raises
  ``RetryBudgetExceeded`` instead of waiting;
* ``sleep_fn`` does the waiting (``time.sleep`` unless tests pass a recorder);
* each wait is logged as one line under ``name`` (e.g. "supabase project <ref>").

The request's headers never reach this object, so neither does the access token.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from urllib3.exceptions import InvalidHeader
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

SleepFn = Callable[[float], Any]

# Statuses worth another attempt: rate limiting and server errors.
RETRY_STATUSES = frozenset([429, *range(500, 600)])


def describe_status(status: int) -> str:
    return "429 Too Many Requests" if status == 429 else f"HTTP {status}"


class RetryBudgetExceeded(Exception):
    """Waiting `delay` seconds more would take the total wait past `budget`."""

    def __init__(self, status: int, delay: float, from_header: bool, waited: float, budget: float) -> None:
        super().__init__(f"{describe_status(status)}: waiting {delay:g}s would exceed {budget:g}s")
        self.status, self.delay, self.from_header = status, delay, from_header
        self.waited, self.budget = waited, budget


class BudgetedRetry(Retry):
    """urllib3 ``Retry`` with a total wait budget and an injectable sleep (module doc)."""

    def __init__(
        self,
        *args: Any,
        max_sleep_seconds: float = 0.0,
        slept: float = 0.0,
        sleep_fn: SleepFn | None = None,
        name: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_sleep_seconds = max_sleep_seconds
        self.slept = slept
        self.sleep_fn = sleep_fn if sleep_fn is not None else time.sleep
        self.name = name

    @classmethod
    def for_attempts(
        cls,
        max_attempts: int,
        *,
        backoff_seconds: float,
        backoff_max: float,
        max_sleep_seconds: float,
        sleep_fn: SleepFn | None,
        name: str,
    ) -> BudgetedRetry:
        """At most `max_attempts` requests, retrying only RETRY_STATUSES (any method);
        connection errors and timeouts are not retried, and redirects are not followed."""
        return cls(
            total=max_attempts - 1,
            connect=0,
            read=0,
            other=0,
            redirect=0,
            allowed_methods=None,
            status_forcelist=RETRY_STATUSES,
            raise_on_status=False,
            backoff_factor=backoff_seconds,
            backoff_max=backoff_max,
            max_sleep_seconds=max_sleep_seconds,
            sleep_fn=sleep_fn,
            name=name,
        )

    def new(self, **kw: Any) -> BudgetedRetry:
        kw.setdefault("max_sleep_seconds", self.max_sleep_seconds)
        kw.setdefault("slept", self.slept)
        kw.setdefault("sleep_fn", self.sleep_fn)
        kw.setdefault("name", self.name)
        return super().new(**kw)

    def get_backoff_time(self) -> float:
        failures = len(self.history)  # redirects are never followed, so all are failures
        if failures == 0:
            return 0.0
        return float(min(self.backoff_max, self.backoff_factor * 2 ** (failures - 1)))

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        try:
            return super().get_retry_after(response)
        except InvalidHeader:
            return None

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        status = response.status if response is not None else 0
        retry_after = (
            self.get_retry_after(response)
            if response is not None and status == 429 and self.respect_retry_after_header
            else None
        )
        delay = float(retry_after) if retry_after is not None else self.get_backoff_time()
        if self.slept + delay > self.max_sleep_seconds:
            raise RetryBudgetExceeded(status, delay, retry_after is not None, self.slept, self.max_sleep_seconds)
        last = self.history[-1] if self.history else None
        log.warning(
            "%s: %s from %s %s; retrying in %gs (attempt %d of %d)",
            self.name,
            describe_status(status),
            last and last.method,
            last and last.url,
            delay,
            len(self.history) + 1,
            len(self.history) + 1 + (self.total or 0),
        )
        self.sleep_fn(delay)
        self.slept += delay
