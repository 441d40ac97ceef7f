"""What the Supabase tests share: the test project, the spec as JSON Schema, and the round
trip through Pulumi's state.

Every request the provider sends and every response the fake returns is validated against
Supabase's published OpenAPI spec (tests/fixtures/specs/supabase-management-api.openapi.json)
with `exchange_problems`; the `api` fixture (conftest.py) checks its whole exchange log when
each test ends. Nothing here talks to api.supabase.com.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import jsonschema
from pulumi.runtime import rpc

from components.supabase.provider import SupabaseSettingsProvider
from tests.fakes.supabase_api import Exchange, FakeSupabaseApi, load_spec

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


def pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@functools.lru_cache(maxsize=None)
def _validators(ref: str) -> tuple:
    # The whole spec is the root document, so its "#/components/..." $refs
    # resolve; the root $ref (draft 4: siblings ignored) selects the schema.
    found = [jsonschema.Draft4Validator(dict(SPEC_AS_JSONSCHEMA, **{"$ref": ref}))]
    if OAS30Validator is not None:
        found.append(OAS30Validator(dict(SPEC, **{"$ref": ref})))
    return tuple(found)


def spec_errors(ref: str, instance: Any) -> list[str]:
    """Validation errors of `instance` against the spec schema at `ref` (a pointer)."""
    errors = []
    for validator in _validators(ref):
        prefix = "" if isinstance(validator, jsonschema.Draft4Validator) else "(OAS30) "
        errors += [prefix + e.message for e in validator.iter_errors(instance)]
    return errors


def _request_problems(ex: Exchange, op: dict[str, Any], where: str) -> list[str]:
    problems = []
    for i, param in enumerate(op.get("parameters", [])):
        if param["in"] == "path" and param["name"] == "ref":
            problems += [f"{where}: ref: {m}" for m in spec_errors(
                pointer("paths", ex.route, ex.method.lower(), "parameters", str(i), "schema"), ex.ref)]
    if "requestBody" in op:
        media = op["requestBody"]["content"]
        if "application/json" not in media or not (ex.content_type or "").startswith("application/json"):
            problems.append(f"{where}: request Content-Type {ex.content_type!r} is not application/json")
        if ex.request_body is None and op["requestBody"].get("required"):
            problems.append(f"{where}: required request body missing")
        else:
            problems += [f"{where}: request body: {m}" for m in spec_errors(
                pointer("paths", ex.route, ex.method.lower(), "requestBody", "content", "application/json", "schema"),
                ex.request_body)]
    elif ex.raw_request_body:
        problems.append(f"{where}: sent a body the spec does not define")
    return problems


def _response_problems(ex: Exchange, op: dict[str, Any], where: str) -> list[str]:
    response = op["responses"].get(str(ex.status))
    if response is None:
        if ex.status not in UNDOCUMENTED_STATUSES:
            return [f"{where}: status not in the spec's responses {sorted(op['responses'])}"]
        return []
    if "content" not in response:
        return []
    return [f"{where}: response body: {m}" for m in spec_errors(
        pointer("paths", ex.route, ex.method.lower(), "responses", str(ex.status), "content",
                "application/json", "schema"),
        ex.response_body)]


def exchange_problems(ex: Exchange) -> list[str]:
    """Everything about one request/response that disagrees with the spec."""
    where = f"{ex.method} {ex.path} -> {ex.status}"
    if ex.route is None or ex.route not in SPEC["paths"]:
        return [f"{where}: path not in the spec"]
    op = SPEC["paths"][ex.route].get(ex.method.lower())
    if op is None:
        return [f"{where}: method not in the spec"]
    return _request_problems(ex, op, where) + _response_problems(ex, op, where)


# --------------------------------------------------------------------------
# Properties, and their round trip through Pulumi's state
# --------------------------------------------------------------------------


def make_props(api: FakeSupabaseApi, **overrides: Any) -> dict[str, Any]:
    props = {
        "project_ref": REF,
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


def serialize(props: dict[str, Any]):
    """`props` as the protobuf Struct Pulumi sends over gRPC."""
    loop = asyncio.new_event_loop()  # not asyncio.run: leave the thread's loop alone
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def via_state(props: dict[str, Any]) -> dict[str, Any]:
    """What the provider gets back from Pulumi: numbers as floats, nulls gone."""
    return rpc.deserialize_properties(serialize(props))


def create(provider: SupabaseSettingsProvider, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.create(via_state(props))
    assert result.id == props["project_ref"]
    return via_state(result.outs)
