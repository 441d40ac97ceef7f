"""The vendored OpenAPI spec, the schema check the `api` fixture runs, and the fake itself."""

from __future__ import annotations

import pytest

from components.supabase.client import SupabaseApiError, SupabaseManagementClient
from components.supabase.endpoints import API_OPERATIONS, AUTH_PATH, POOLER_PATH
from tests.fakes.supabase_api import ALLOWED_METHODS, SPEC_PATH

from .support import REF, SPEC, TOKEN, UNKNOWN_REF, pointer, spec_errors


def test_spec_is_the_vendored_openapi_3_0_document():
    assert SPEC_PATH.is_file(), SPEC_PATH
    assert SPEC["openapi"].startswith("3.0")
    assert SPEC["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_operation_the_provider_and_fake_use_is_in_the_spec():
    used = set(API_OPERATIONS) | {(m, path) for path, methods in ALLOWED_METHODS.items() for m in methods}
    for method, path in sorted(used):
        assert path in SPEC["paths"], path
        assert method.lower() in SPEC["paths"][path], f"{method} {path}"
    # and the spec still answers the pooler GET with a list
    pooler_get = SPEC["paths"][POOLER_PATH]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert pooler_get["type"] == "array"


def test_the_schema_check_catches_bad_bodies():
    body = pointer("components", "schemas", "UpdateSupavisorConfigBody")
    assert spec_errors(body, {"default_pool_size": 25}) == []
    assert spec_errors(body, {"default_pool_size": None}) == []  # nullable
    assert spec_errors(body, {"default_pool_size": 3001})
    assert spec_errors(body, {"default_pool_size": 25.0})  # not an integer on the wire
    auth = pointer("components", "schemas", "UpdateAuthConfigBody")
    assert spec_errors(auth, {"uri_allow_list": ["a", "b"]})  # a string, not an array
    assert spec_errors(auth, {"site_url": "https://a,https://b"})
    net = pointer("components", "schemas", "NetworkRestrictionsRequest")
    assert spec_errors(net, {"dbAllowedCidrs": ["10.0.0.0/8"], "dbAllowedCidrsV6": []}) == []
    assert spec_errors(net, {"dbAllowedCidrs": "10.0.0.0/8"})


def test_fake_answers_wrong_token_with_401_and_unknown_ref_with_404(api):
    client = SupabaseManagementClient(project_ref=REF, access_token="wrong", api_url=api.url, max_attempts=1)
    with pytest.raises(SupabaseApiError) as err:
        client.get(AUTH_PATH)
    assert err.value.status == 401
    client = SupabaseManagementClient(project_ref=UNKNOWN_REF, access_token=TOKEN, api_url=api.url)
    with pytest.raises(SupabaseApiError) as err:
        client.get(POOLER_PATH)
    assert err.value.status == 404
