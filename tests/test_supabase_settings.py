"""The Supabase settings dynamic provider, against a local fake of the Management API.

Every request the provider sends and every response the fake returns is
validated against Supabase's published OpenAPI spec
(tests/fixtures/specs/supabase-management-api.openapi.json): the `api` fixture checks
its whole exchange log when each test ends. Nothing here talks to
api.supabase.com, and no test really sleeps for a retry (sleep is injected).
"""

from __future__ import annotations

import asyncio
import base64
import functools
import logging
import sys
import traceback
from pathlib import Path
from typing import Any

import dill
import jsonschema
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import pulumi  # noqa: E402
from pulumi.dynamic.dynamic import serialize_provider  # noqa: E402
from pulumi.runtime import rpc  # noqa: E402

from components import supabase_settings as ss  # noqa: E402
from components.supabase_settings import (  # noqa: E402
    API_OPERATIONS,
    SupabaseApiError,
    SupabaseProjectSettings,
    SupabaseSettingsProvider,
    parse_retry_after,
    resource_options,
)
from tests.fakes.supabase_api import (  # noqa: E402
    ALLOWED_METHODS,
    SPEC_PATH,
    Exchange,
    FakeSupabaseApi,
    Fault,
    load_spec,
)

TOKEN = "canary-token-4f1c"
REF = "abcdefghijklmnopqrst"
OTHER_REF = "zyxwvutsrqponmlkjihg"
UNKNOWN_REF = "nosuchprojectrefxxxx"
SITE = "https://app.vital.expert"
URIS = ["https://app.vital.expert/**", "https://*-vital-expert.vercel.app/**"]


# --------------------------------------------------------------------------
# The spec, as JSON Schema
# --------------------------------------------------------------------------

SPEC = load_spec()

# Statuses the fake may answer that the spec does not list for these
# operations: a missing project is a 404 on the real API too.
UNDOCUMENTED_STATUSES = {404}


def _oas30_to_jsonschema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema draft 4: `nullable: true` adds "null"
    to the type. As OAS 3.0.3 clarifies (and openapi-schema-validator agrees),
    it does not add null to an `enum`; an enum allows null only by listing it."""
    if isinstance(node, list):
        return [_oas30_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _oas30_to_jsonschema(value) for key, value in node.items()}
    if out.pop("nullable", False) is True:
        if "type" not in out:
            return {"anyOf": [out, {"type": "null"}]}
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = types + ["null"]
    return out


SPEC_AS_JSONSCHEMA = _oas30_to_jsonschema(SPEC)

try:  # not in requirements.txt; used as a second opinion where installed
    from openapi_schema_validator import OAS30Validator
except ImportError:  # pragma: no cover
    OAS30Validator = None


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@functools.lru_cache(maxsize=None)
def _validators(pointer: str) -> tuple:
    # The whole spec is the root document, so its "#/components/..." $refs
    # resolve; the root $ref (draft 4: siblings ignored) selects the schema.
    found = [jsonschema.Draft4Validator(dict(SPEC_AS_JSONSCHEMA, **{"$ref": pointer}))]
    if OAS30Validator is not None:
        found.append(OAS30Validator(dict(SPEC, **{"$ref": pointer})))
    return tuple(found)


def spec_errors(pointer: str, instance: Any) -> list[str]:
    """Validation errors of `instance` against the spec schema at `pointer`."""
    errors = []
    for validator in _validators(pointer):
        prefix = "" if isinstance(validator, jsonschema.Draft4Validator) else "(OAS30) "
        errors += [prefix + e.message for e in validator.iter_errors(instance)]
    return errors


def exchange_problems(ex: Exchange) -> list[str]:
    """Everything about one request/response that disagrees with the spec."""
    where = f"{ex.method} {ex.path} -> {ex.status}"
    if ex.route is None or ex.route not in SPEC["paths"]:
        return [f"{where}: path not in the spec"]
    op = SPEC["paths"][ex.route].get(ex.method.lower())
    if op is None:
        return [f"{where}: method not in the spec"]
    problems = []
    for i, param in enumerate(op.get("parameters", [])):
        if param["in"] == "path" and param["name"] == "ref":
            problems += [f"{where}: ref: {m}" for m in spec_errors(
                _pointer("paths", ex.route, ex.method.lower(), "parameters", str(i), "schema"), ex.ref)]
    if "requestBody" in op:
        media = op["requestBody"]["content"]
        if "application/json" not in media or not (ex.content_type or "").startswith("application/json"):
            problems.append(f"{where}: request Content-Type {ex.content_type!r} is not application/json")
        if ex.request_body is None and op["requestBody"].get("required"):
            problems.append(f"{where}: required request body missing")
        else:
            problems += [f"{where}: request body: {m}" for m in spec_errors(
                _pointer("paths", ex.route, ex.method.lower(), "requestBody", "content", "application/json", "schema"),
                ex.request_body)]
    elif ex.raw_request_body:
        problems.append(f"{where}: sent a body the spec does not define")
    response = op["responses"].get(str(ex.status))
    if response is None:
        if ex.status not in UNDOCUMENTED_STATUSES:
            problems.append(f"{where}: status not in the spec's responses {sorted(op['responses'])}")
    elif "content" in response:
        problems += [f"{where}: response body: {m}" for m in spec_errors(
            _pointer("paths", ex.route, ex.method.lower(), "responses", str(ex.status), "content",
                     "application/json", "schema"),
            ex.response_body)]
    return problems


# --------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------


@pytest.fixture
def api(monkeypatch):
    """A fake Management API on 127.0.0.1 with projects REF and OTHER_REF.
    On teardown, every exchange is checked against the spec."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
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


def make_props(api: FakeSupabaseApi, **overrides: Any) -> dict[str, Any]:
    props = {
        "project_ref": REF,
        "access_token": TOKEN,
        "default_pool_size": 15,
        "site_url": SITE,
        "uri_allow_list": list(URIS),
        "api_url": api.url,
        "timeout_seconds": 5.0,
        "max_attempts": 4,
        "retry_base_delay_seconds": 0.5,
        "max_retry_sleep_seconds": 30.0,
    }
    props.update(overrides)
    return props


def via_state(props: dict[str, Any]) -> dict[str, Any]:
    """What the provider gets back from Pulumi: numbers as floats, nulls gone."""
    loop = asyncio.new_event_loop()  # not asyncio.run: leave the thread's loop alone
    try:
        struct = loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()
    return rpc.deserialize_properties(struct)


def create(provider: SupabaseSettingsProvider, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.create(via_state(props))
    assert result.id == props["project_ref"]
    return via_state(result.outs)


# --------------------------------------------------------------------------
# The spec and the fake
# --------------------------------------------------------------------------


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
    pooler_get = SPEC["paths"][ss.POOLER_PATH]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert pooler_get["type"] == "array"


def test_the_schema_check_catches_bad_bodies():
    body = _pointer("components", "schemas", "UpdateSupavisorConfigBody")
    assert spec_errors(body, {"default_pool_size": 25}) == []
    assert spec_errors(body, {"default_pool_size": None}) == []  # nullable
    assert spec_errors(body, {"default_pool_size": 3001})
    assert spec_errors(body, {"default_pool_size": 25.0})  # not an integer on the wire
    auth = _pointer("components", "schemas", "UpdateAuthConfigBody")
    assert spec_errors(auth, {"uri_allow_list": ["a", "b"]})  # a string, not an array
    assert spec_errors(auth, {"site_url": "https://a,https://b"})
    net = _pointer("components", "schemas", "NetworkRestrictionsRequest")
    assert spec_errors(net, {"dbAllowedCidrs": ["10.0.0.0/8"], "dbAllowedCidrsV6": []}) == []
    assert spec_errors(net, {"dbAllowedCidrs": "10.0.0.0/8"})


def test_fake_answers_wrong_token_with_401_and_unknown_ref_with_404(api):
    client = ss.SupabaseManagementClient(project_ref=REF, access_token="wrong", api_url=api.url, max_attempts=1)
    with pytest.raises(SupabaseApiError) as err:
        client.get(ss.AUTH_PATH)
    assert err.value.status == 401
    client = ss.SupabaseManagementClient(project_ref=UNKNOWN_REF, access_token=TOKEN, api_url=api.url)
    with pytest.raises(SupabaseApiError) as err:
        client.get(ss.POOLER_PATH)
    assert err.value.status == 404


# --------------------------------------------------------------------------
# check / diff
# --------------------------------------------------------------------------


def test_check_fills_defaults_and_types_numbers(provider, api):
    news = make_props(api, default_pool_size=20.0, max_attempts=3.0)
    for key in ("api_url", "timeout_seconds", "max_attempts", "retry_base_delay_seconds", "max_retry_sleep_seconds"):
        news.pop(key)
    result = provider.check({}, news)
    assert result.failures == []
    assert result.inputs["default_pool_size"] == 20 and isinstance(result.inputs["default_pool_size"], int)
    assert result.inputs["api_url"] == "https://api.supabase.com"
    assert result.inputs["timeout_seconds"] == 10.0
    assert result.inputs["allowed_cidrs"] is None


def test_check_reports_bad_inputs_without_echoing_the_token(provider, api):
    news = make_props(
        api,
        project_ref="Not-A-Ref",
        default_pool_size=5000,
        site_url="https://a,https://b",
        uri_allow_list=["https://ok.example", "https://x,https://y", " https://pad.example"],
        allowed_cidrs=["10.0.0.0/8", "10.0.0.1/8", "not-a-cidr"],
        timeout_seconds=0,
        max_attempts=0,
    )
    failures = {(f.property, f.reason) for f in provider.check({}, news).failures}
    props = sorted({p for p, _ in failures})
    assert props == ["allowed_cidrs", "default_pool_size", "max_attempts", "project_ref", "site_url",
                     "timeout_seconds", "uri_allow_list"]
    assert len([p for p, _ in failures if p == "allowed_cidrs"]) == 2
    assert len([p for p, _ in failures if p == "uri_allow_list"]) == 2
    empty_token = {f.property for f in provider.check({}, make_props(api, access_token="")).failures}
    assert empty_token == {"access_token"}
    (cred,) = provider.check({}, make_props(api, api_url=f"https://me:{TOKEN}@api.supabase.com")).failures
    assert cred.property == "api_url" and TOKEN not in cred.reason
    assert all(TOKEN not in reason for _, reason in failures)


def test_check_skips_unknown_values(provider, api):
    news = make_props(api, project_ref=rpc.UNKNOWN, access_token=rpc.UNKNOWN, site_url=rpc.UNKNOWN)
    assert provider.check({}, news).failures == []


def test_diff_ignores_identical_and_reordered_inputs(provider, api):
    olds = via_state(dict(make_props(api, allowed_cidrs=["10.0.0.0/8", "192.168.0.0/16"]),
                          original={"pooler": {"default_pool_size": 15}}))
    news = make_props(api, allowed_cidrs=["192.168.0.0/16", "10.0.0.0/8"])
    result = provider.diff(REF, olds, news)
    assert result.changes is False and result.replaces == []


@pytest.mark.parametrize(
    "field, value",
    [
        ("default_pool_size", 40),
        ("site_url", "https://new.vital.expert"),
        ("uri_allow_list", list(reversed(URIS))),  # one string on the server: order counts
        ("allowed_cidrs", ["10.0.0.0/8"]),
    ],
)
def test_diff_managed_field_change_is_an_in_place_update(provider, api, field, value):
    result = provider.diff(REF, via_state(make_props(api)), make_props(api, **{field: value}))
    assert result.changes is True
    assert result.replaces == []


def test_diff_project_ref_change_replaces(provider, api):
    result = provider.diff(REF, via_state(make_props(api)), make_props(api, project_ref=OTHER_REF))
    assert result.changes is True
    assert result.replaces == ["project_ref"]
    assert result.delete_before_replace is False


def test_diff_new_token_is_an_update_without_replace(provider, api):
    # Refresh/delete use the stored outputs, so a rotated token must reach state.
    result = provider.diff(REF, via_state(make_props(api)), make_props(api, access_token="rotated-token-xyz"))
    assert result.changes is True and result.replaces == []
    assert ss.changed_fields(ss.normalize_props(make_props(api)),
                             ss.normalize_props(make_props(api, access_token="x"))) == ["access_token"]


def test_diff_unknowns_during_preview(provider, api):
    result = provider.diff(REF, via_state(make_props(api)), make_props(api, site_url=rpc.UNKNOWN))
    assert result.changes is True and result.replaces == []
    result = provider.diff(REF, via_state(make_props(api)), make_props(api, project_ref=rpc.UNKNOWN))
    assert result.replaces == ["project_ref"]


# --------------------------------------------------------------------------
# create
# --------------------------------------------------------------------------


def test_create_adopts_records_original_and_patches_only_differing_fields(provider, api):
    outs = create(provider, make_props(api, default_pool_size=15))  # pool size already 15

    assert outs["original"] == {
        "pooler": {"default_pool_size": 15},
        "auth": {"site_url": "http://localhost:3000", "uri_allow_list": ""},
    }
    assert api.calls("GET") == [("GET", ss.POOLER_PATH), ("GET", ss.AUTH_PATH)]
    writes = api.writes()
    assert [(w.method, w.route) for w in writes] == [("PATCH", ss.AUTH_PATH)]
    assert writes[0].request_body == {"site_url": SITE, "uri_allow_list": ",".join(URIS)}
    assert api.auth(REF)["site_url"] == SITE
    assert api.auth(REF)["uri_allow_list"] == ",".join(URIS)
    # allowed_cidrs and backup_policy were not given: dropped
    assert sorted(outs) == sorted(set(ss.OUTPUT_FIELDS) - {"allowed_cidrs", "backup_policy"})
    assert outs["uri_allow_list"] == URIS and outs["default_pool_size"] == 15


def test_backup_policy_is_recorded_without_an_api_call(provider, api):
    props = make_props(api)
    state = create(provider, props)
    writes_before = len(api.writes())
    changed = {**props, "backup_policy": "daily+pitr"}
    assert provider.diff(REF, via_state(state), changed).changes is True
    result = provider.update(REF, via_state(state), changed)
    assert result.outs["backup_policy"] == "daily+pitr"
    assert len(api.writes()) == writes_before


def test_create_sends_integers_and_splits_cidrs_by_ip_version(provider, api):
    outs = create(provider, make_props(api, default_pool_size=25, uri_allow_list=[],
                                       allowed_cidrs=["10.0.0.0/8", "2001:db8::/32"]))
    writes = {(w.method, w.route): w for w in api.writes()}
    pooler = writes[("PATCH", ss.POOLER_PATH)]
    assert pooler.raw_request_body == b'{"default_pool_size": 25}'  # 25.0 arrived; 25 sent
    assert writes[("PATCH", ss.AUTH_PATH)].request_body == {"site_url": SITE}  # uri list already ""
    assert writes[("POST", ss.NETWORK_RESTRICTIONS_APPLY_PATH)].request_body == {
        "dbAllowedCidrs": ["10.0.0.0/8"], "dbAllowedCidrsV6": ["2001:db8::/32"]}
    assert outs["original"]["network_restrictions"] == {"dbAllowedCidrs": ["0.0.0.0/0"], "dbAllowedCidrsV6": ["::/0"]}
    assert api.pool_size(REF) == 25
    assert api.cidrs(REF) == {"dbAllowedCidrs": ["10.0.0.0/8"], "dbAllowedCidrsV6": ["2001:db8::/32"]}


def test_create_reads_the_primary_pooler_not_a_read_replica(provider, api):
    api.add_project(REF, default_pool_size=15, read_replica_pool_size=99)
    outs = create(provider, make_props(api, default_pool_size=15))
    assert outs["original"]["pooler"] == {"default_pool_size": 15}
    assert ("PATCH", ss.POOLER_PATH) not in api.calls()


def test_create_changes_nothing_when_settings_already_match(provider, api):
    api.add_project(REF, site_url=SITE, uri_allow_list=" , ".join(URIS), db_allowed_cidrs=("10.0.0.0/8",),
                    db_allowed_cidrs_v6=())
    create(provider, make_props(api, allowed_cidrs=["10.0.0.0/8"]))
    assert api.writes() == []


def test_create_undoes_earlier_writes_when_a_later_one_fails(provider, api):
    api.inject(Fault(status=403, method="PATCH", path_contains="/config/auth", body={"message": "Forbidden"}))
    with pytest.raises(SupabaseApiError, match="403 Forbidden"):
        create(provider, make_props(api, default_pool_size=50))
    assert api.pool_size(REF) == 15  # the pooler PATCH that succeeded was put back
    assert [(w.method, w.route, w.request_body) for w in api.writes()] == [
        ("PATCH", ss.POOLER_PATH, {"default_pool_size": 50}),
        ("PATCH", ss.AUTH_PATH, {"site_url": SITE, "uri_allow_list": ",".join(URIS)}),
        ("PATCH", ss.POOLER_PATH, {"default_pool_size": 15}),
    ]


def test_create_refuses_network_restrictions_without_entitlement(provider, api):
    api.add_project(REF, entitlement="disallowed")
    with pytest.raises(SupabaseApiError, match=f"supabase project {REF}: network restrictions are not available"):
        create(provider, make_props(api, default_pool_size=50, allowed_cidrs=["10.0.0.0/8"]))
    assert api.writes() == []


# --------------------------------------------------------------------------
# update
# --------------------------------------------------------------------------


def test_update_patches_only_the_changed_field(provider, api):
    olds = create(provider, make_props(api))
    api.clear_log()
    result = provider.update(REF, olds, make_props(api, site_url="https://beta.vital.expert"))
    assert [(e.method, e.route, e.request_body) for e in api.log] == [
        ("PATCH", ss.AUTH_PATH, {"site_url": "https://beta.vital.expert"})]
    assert result.outs["site_url"] == "https://beta.vital.expert"
    assert result.outs["original"] == olds["original"]

    olds = via_state(result.outs)
    api.clear_log()
    provider.update(REF, olds, make_props(api, site_url="https://beta.vital.expert", default_pool_size=60))
    assert [(e.method, e.route, e.request_body) for e in api.log] == [
        ("PATCH", ss.POOLER_PATH, {"default_pool_size": 60})]
    assert api.pool_size(REF) == 60


def test_update_with_only_a_new_token_calls_nothing(provider, api):
    olds = create(provider, make_props(api))
    api.clear_log()
    api.token = "rotated-token-xyz"
    result = provider.update(REF, olds, make_props(api, access_token="rotated-token-xyz"))
    assert api.log == []
    assert result.outs["access_token"] == "rotated-token-xyz"


def test_update_adopts_then_releases_network_restrictions(provider, api):
    olds = create(provider, make_props(api))
    assert "network_restrictions" not in olds["original"]

    api.clear_log()
    result = provider.update(REF, olds, make_props(api, allowed_cidrs=["10.0.0.0/8"]))
    assert api.calls() == [("GET", ss.NETWORK_RESTRICTIONS_PATH), ("POST", ss.NETWORK_RESTRICTIONS_APPLY_PATH)]
    assert result.outs["original"]["network_restrictions"] == {"dbAllowedCidrs": ["0.0.0.0/0"], "dbAllowedCidrsV6": ["::/0"]}
    assert api.cidrs(REF) == {"dbAllowedCidrs": ["10.0.0.0/8"], "dbAllowedCidrsV6": []}

    olds = via_state(result.outs)
    api.clear_log()
    result = provider.update(REF, olds, make_props(api, allowed_cidrs=["10.0.0.0/8", "172.16.0.0/12"]))
    assert [(e.method, e.route) for e in api.log] == [("POST", ss.NETWORK_RESTRICTIONS_APPLY_PATH)]

    olds = via_state(result.outs)
    api.clear_log()
    result = provider.update(REF, olds, make_props(api))  # allowed_cidrs -> None: no longer managed
    assert api.cidrs(REF) == {"dbAllowedCidrs": ["0.0.0.0/0"], "dbAllowedCidrsV6": ["::/0"]}
    assert "network_restrictions" not in result.outs["original"]
    assert result.outs["allowed_cidrs"] is None


# --------------------------------------------------------------------------
# read
# --------------------------------------------------------------------------


def test_read_reports_drift_and_the_next_diff_sees_it(provider, api):
    props = make_props(api, allowed_cidrs=["10.0.0.0/8", "2001:db8::/32"])
    state = create(provider, props)

    result = provider.read(REF, state)
    assert result.id == REF
    assert result.outs == {**state, "allowed_cidrs": ["10.0.0.0/8", "2001:db8::/32"]}
    assert provider.diff(REF, via_state(result.outs), props).changes is False

    # someone edits the project in the dashboard
    api.projects[REF]["pooler"][0]["default_pool_size"] = 40
    api.auth(REF)["uri_allow_list"] = "https://evil.example/**"
    api.cidrs(REF)["dbAllowedCidrs"] = ["0.0.0.0/0"]

    api.clear_log()
    result = provider.read(REF, state)
    assert api.writes() == []  # read never writes
    assert result.outs["default_pool_size"] == 40
    assert result.outs["uri_allow_list"] == ["https://evil.example/**"]
    assert result.outs["site_url"] == SITE
    assert sorted(result.outs["allowed_cidrs"]) == ["0.0.0.0/0", "2001:db8::/32"]
    assert result.outs["original"] == state["original"]
    assert result.outs["access_token"] == TOKEN
    assert provider.diff(REF, via_state(result.outs), props).changes is True


def test_read_does_not_touch_unmanaged_network_restrictions(provider, api):
    state = create(provider, make_props(api))
    api.clear_log()
    provider.read(REF, state)
    assert api.calls() == [("GET", ss.POOLER_PATH), ("GET", ss.AUTH_PATH)]


# --------------------------------------------------------------------------
# delete
# --------------------------------------------------------------------------


def test_delete_restores_the_settings_from_before_adoption(provider, api):
    api.add_project(REF, default_pool_size=None, site_url="http://localhost:3000", uri_allow_list=None)
    state = create(provider, make_props(api, default_pool_size=50, allowed_cidrs=["10.0.0.0/8"]))
    result = provider.update(REF, state, make_props(api, default_pool_size=70, site_url="https://x.vital.expert",
                                                     allowed_cidrs=["10.0.0.0/8"]))
    state = via_state(result.outs)
    assert api.pool_size(REF) == 70

    api.clear_log()
    provider.delete(REF, state)
    assert api.pool_size(REF) is None  # restored to null (the compute-size default)
    assert api.auth(REF)["site_url"] == "http://localhost:3000"
    assert api.auth(REF)["uri_allow_list"] is None
    assert api.cidrs(REF) == {"dbAllowedCidrs": ["0.0.0.0/0"], "dbAllowedCidrsV6": ["::/0"]}
    assert [(w.method, w.route, w.request_body) for w in api.writes()] == [
        ("PATCH", ss.POOLER_PATH, {"default_pool_size": None}),
        ("PATCH", ss.AUTH_PATH, {"site_url": "http://localhost:3000", "uri_allow_list": None}),
        ("POST", ss.NETWORK_RESTRICTIONS_APPLY_PATH, {"dbAllowedCidrs": ["0.0.0.0/0"], "dbAllowedCidrsV6": ["::/0"]}),
    ]


def test_delete_writes_nothing_when_nothing_was_changed(provider, api):
    state = create(provider, make_props(api, default_pool_size=15, site_url="http://localhost:3000", uri_allow_list=[]))
    api.clear_log()
    provider.delete(REF, state)
    assert api.writes() == []


def test_delete_without_a_record_of_the_original_leaves_the_project_alone(provider, api, caplog):
    state = via_state(make_props(api))
    with caplog.at_level(logging.WARNING, logger=ss.__name__):
        provider.delete(REF, state)
    assert api.log == []
    assert "no record of the settings before adoption" in caplog.text


def test_replacing_the_project_ref_adopts_the_new_one_and_restores_the_old(provider, api):
    old_state = create(provider, make_props(api, default_pool_size=50))
    new_props = make_props(api, project_ref=OTHER_REF, default_pool_size=50)
    assert provider.diff(REF, old_state, new_props).replaces == ["project_ref"]
    new_state = create(provider, new_props)  # create-before-delete
    provider.delete(REF, old_state)
    assert api.pool_size(OTHER_REF) == 50 and new_state["original"]["pooler"] == {"default_pool_size": 30}
    assert api.pool_size(REF) == 15 and api.auth(REF)["site_url"] == "http://localhost:3000"


# --------------------------------------------------------------------------
# errors, retries, timeouts
# --------------------------------------------------------------------------


def test_401_names_the_project_and_the_config_key(provider, api):
    with pytest.raises(SupabaseApiError) as err:
        create(provider, make_props(api, access_token="revoked-token"))
    assert str(err.value) == (
        f"supabase project {REF}: 401 Unauthorized — the access token was refused; "
        "set vital-expert-infra:supabaseAccessToken"
    )
    assert err.value.status == 401 and err.value.project_ref == REF
    assert api.writes() == []


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
    with caplog.at_level(logging.WARNING, logger=ss.__name__):
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


@pytest.mark.parametrize(
    "value, expected",
    [("2", 2.0), ("0.25", 0.25), ("-5", 0.0), ("soon", None), (None, None), ("inf", None),
     ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0)],
)
def test_parse_retry_after(value, expected):
    now = 1445412480.0  # 2015-10-21T07:28:00Z
    assert parse_retry_after(value, now=now) == expected


# --------------------------------------------------------------------------
# the token stays secret; the provider pickles
# --------------------------------------------------------------------------


def _exception_texts(exc: BaseException) -> list[str]:
    return [str(exc), repr(exc), "".join(traceback.format_exception(exc))]


def test_canary_token_never_appears_in_errors_logs_or_plain_outputs(api, caplog):
    sleeps: list[float] = []
    provider = SupabaseSettingsProvider(sleep=sleeps.append)
    texts: list[str] = []
    caplog.set_level(logging.DEBUG)

    state = create(provider, make_props(api, allowed_cidrs=["10.0.0.0/8"]))
    state = via_state(provider.update(REF, state, make_props(api, default_pool_size=33, allowed_cidrs=["10.0.0.0/8"])).outs)
    read = provider.read(REF, state).outs
    texts += [repr(provider.diff(REF, state, make_props(api)).__dict__)]
    texts += [repr(f.__dict__) for f in provider.check({}, make_props(api, project_ref="bad", access_token=TOKEN)).failures]
    for outs in (state, read):
        texts += [repr({k: v for k, v in outs.items() if k != "access_token"})]

    faults = [
        Fault(status=401), Fault(status=403), Fault(status=429, retry_after="9999"),
        # a server that echoes the credential back must not get it into our message
        Fault(status=500, times=4, body={"message": f"bad header Authorization: Bearer {TOKEN}"}),
        Fault(status=200, hang_seconds=5.0, body=[]),
    ]
    for fault in faults:
        api.inject(fault)
        with pytest.raises(SupabaseApiError) as err:
            provider.read(REF, make_props(api, timeout_seconds=0.5))
        texts += _exception_texts(err.value)
        api.faults.clear()
    with pytest.raises(SupabaseApiError) as err:
        provider.read(UNKNOWN_REF, make_props(api, project_ref=UNKNOWN_REF))
    texts += _exception_texts(err.value)
    assert any("Bearer [redacted]" in t for t in texts)

    provider.delete(REF, state)
    texts.append(repr(ss.SupabaseManagementClient(project_ref=REF, access_token=TOKEN)))
    texts.append(caplog.text)
    texts += [r.getMessage() for r in caplog.records]
    assert caplog.records, "expected the retries and writes to be logged"
    leaks = [t for t in texts if TOKEN in t]
    assert not leaks, leaks


def test_provider_round_trips_through_dill(api):
    provider = SupabaseSettingsProvider()
    clone = dill.loads(dill.dumps(provider, recurse=True))
    assert type(clone) is SupabaseSettingsProvider
    assert TOKEN.encode() not in dill.dumps(provider, recurse=True)

    # exactly what pulumi.dynamic.Resource does, then use the result
    serialized = serialize_provider(SupabaseSettingsProvider(sleep=None))
    restored = dill.loads(base64.b64decode(serialized))
    outs = create(restored, make_props(api))
    assert outs["site_url"] == SITE


def test_the_client_itself_refuses_to_be_pickled():
    client = ss.SupabaseManagementClient(project_ref=REF, access_token=TOKEN)
    with pytest.raises(TypeError):
        dill.dumps(client)


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources.append(args)
        return args.inputs.get("project_ref", args.name), dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}, None


def test_resource_registers_as_a_dynamic_resource_with_a_secret_token():
    mocks = _Mocks()
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.set_mocks(mocks, project="vital-expert-infra", stack="test", preview=False)

    @pulumi.runtime.test
    def check():
        settings = SupabaseProjectSettings(
            "supabase-settings",
            project_ref=REF,
            access_token=TOKEN,
            default_pool_size=20,
            site_url=SITE,
            uri_allow_list=URIS,
        )

        def verify(values):
            (args,) = mocks.resources
            assert args.typ == "pulumi-python:dynamic:Resource"
            assert rpc.is_rpc_secret(args.inputs["access_token"])
            assert "__provider" in args.inputs
            assert args.inputs["api_url"] == "https://api.supabase.com"
            assert "allowed_cidrs" not in args.inputs
            project_ref, default_pool_size = values
            assert project_ref == REF and default_pool_size == 20

        return pulumi.Output.all(settings.project_ref, settings.default_pool_size).apply(verify)

    check()
    assert resource_options().additional_secret_outputs == ["access_token"]
    merged = resource_options(pulumi.ResourceOptions(protect=True, additional_secret_outputs=["original"]))
    assert merged.protect is True and sorted(merged.additional_secret_outputs) == ["access_token", "original"]
