"""Fixtures of the Supabase tests: the fake Management API (checked against the spec when
each test ends), its token in the provider's environment (SUPABASE_ACCESS_TOKEN, where the
provider reads it) and a provider whose retries record their waits instead of sleeping."""

from __future__ import annotations

import pytest

from components.supabase.provider import SupabaseSettingsProvider
from tests.fakes.supabase_api import FakeSupabaseApi
from vital.names import SUPABASE_ACCESS_TOKEN_ENV

from .support import OTHER_REF, REF, TOKEN, exchange_problems


@pytest.fixture
def api(monkeypatch):
    """A fake Management API on 127.0.0.1 with projects REF and OTHER_REF.
    On teardown, every exchange is checked against the spec."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv(SUPABASE_ACCESS_TOKEN_ENV, TOKEN)
    fake = FakeSupabaseApi(token=TOKEN)
    fake.add_project(REF)
    fake.add_project(OTHER_REF, default_pool_size=30, site_url="https://other.example", uri_allow_list="https://other.example/**")
    fake.url = fake.start()
    try:
        yield fake
    finally:
        fake.stop()
    problems = [p for ex in fake.log for p in exchange_problems(ex)]
    assert not problems, "traffic that disagrees with the OpenAPI spec:\n" + "\n".join(problems)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def provider(sleeps) -> SupabaseSettingsProvider:
    return SupabaseSettingsProvider(sleep=sleeps.append)
