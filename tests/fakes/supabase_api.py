"""A local fake of the parts of the Supabase Management API the settings provider uses.

Paths, methods, status codes and JSON shapes follow Supabase's published
OpenAPI spec (tests/fixtures/specs/supabase-management-api.openapi.json), which the
tests also use to validate every request and response recorded here:

  GET   /v1/projects/{ref}/config/database/pooler   200 [SupavisorConfigResponse]
  PATCH /v1/projects/{ref}/config/database/pooler   200 UpdateSupavisorConfigResponse
  GET   /v1/projects/{ref}/config/auth              200 AuthConfigResponse
  PATCH /v1/projects/{ref}/config/auth              200 AuthConfigResponse
  GET   /v1/projects/{ref}/network-restrictions     200 NetworkRestrictionsResponse
  POST  /v1/projects/{ref}/network-restrictions/apply  201 NetworkRestrictionsResponse

A request without ``Authorization: Bearer <the token>`` gets 401, an unknown
project ref 404 (not in the spec, but what a missing project answers). Faults
(`Fault`) can be queued: any status with a body and ``Retry-After``, for a
number of matching requests, or a response that is held back (``hang_seconds``)
to exercise client timeouts; held responses are released when the server stops.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional

REPO_ROOT = Path(__file__).resolve().parents[2]
# A copy of the upstream spec, with its source and checksum (tests/fixtures/specs/README.md).
SPEC_PATH = REPO_ROOT / "tests" / "fixtures" / "specs" / "supabase-management-api.openapi.json"

_spec_cache: dict[str, Any] = {}


def load_spec() -> dict[str, Any]:
    if "spec" not in _spec_cache:
        _spec_cache["spec"] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return _spec_cache["spec"]


ROUTES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^/v1/projects/(?P<ref>[^/]+)/config/database/pooler$"), "/v1/projects/{ref}/config/database/pooler"),
    (re.compile(r"^/v1/projects/(?P<ref>[^/]+)/config/auth$"), "/v1/projects/{ref}/config/auth"),
    (re.compile(r"^/v1/projects/(?P<ref>[^/]+)/network-restrictions$"), "/v1/projects/{ref}/network-restrictions"),
    (re.compile(r"^/v1/projects/(?P<ref>[^/]+)/network-restrictions/apply$"), "/v1/projects/{ref}/network-restrictions/apply"),
    (re.compile(r"^/v1/projects/(?P<ref>[^/]+)/database/backups$"), "/v1/projects/{ref}/database/backups"),
    (re.compile(r"^/v1/projects/(?P<ref>[^/]+)/advisors/security$"), "/v1/projects/{ref}/advisors/security"),
]
# The fine-grained permission each route needs (the spec's security.fga_permissions).
PERMISSIONS = {
    "/v1/projects/{ref}/database/backups": "backups_read",
    "/v1/projects/{ref}/advisors/security": "advisors_read",
}
ALLOWED_METHODS = {
    "/v1/projects/{ref}/config/database/pooler": {"GET", "PATCH"},
    "/v1/projects/{ref}/config/auth": {"GET", "PATCH"},
    "/v1/projects/{ref}/network-restrictions": {"GET"},
    "/v1/projects/{ref}/network-restrictions/apply": {"POST"},
    "/v1/projects/{ref}/database/backups": {"GET"},
    "/v1/projects/{ref}/advisors/security": {"GET"},
}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def default_auth_config() -> dict[str, Any]:
    """A full AuthConfigResponse (237 required fields) built from the spec:
    enums their first value (null is not in their enum lists), other nullable
    fields null, booleans false, numbers 0."""
    schema = load_spec()["components"]["schemas"]["AuthConfigResponse"]
    config: dict[str, Any] = {}
    for name, prop in schema["properties"].items():
        if "enum" in prop:
            config[name] = prop["enum"][0]
        elif prop.get("nullable"):
            config[name] = None
        elif prop.get("type") == "boolean":
            config[name] = False
        elif prop.get("type") in ("integer", "number"):
            config[name] = max(0, prop.get("minimum", 0))
        elif prop.get("type") == "string":
            config[name] = ""
        else:
            config[name] = None
    config.update(
        {
            "disable_signup": False,
            "external_email_enabled": True,
            "jwt_exp": 3600,
            "mailer_otp_exp": 3600,
            "site_url": "http://localhost:3000",
            "uri_allow_list": "",
        }
    )
    return config


def _rls_lint(table: str) -> dict[str, Any]:
    """A security advisor's lint for a table without RLS, in V1ProjectAdvisorsResponse's shape."""
    schema, _, name = table.partition(".")
    return {
        "name": "rls_disabled_in_public", "title": "RLS Disabled in Public", "level": "ERROR", "facing": "EXTERNAL",
        "categories": ["SECURITY"], "description": "Detects cases where row level security (RLS) has not been enabled",
        "detail": f"Table `{schema}.{name}` is public, but RLS has not been enabled.",
        "remediation": "https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public",
        "metadata": {"schema": schema, "name": name, "type": "table"}, "cache_key": f"rls_disabled_in_public_{schema}_{name}",
    }


@dataclass
class Fault:
    """Answer the next `times` requests matching method/path with this instead."""

    status: int = 500
    method: Optional[str] = None  # None = any
    path_contains: Optional[str] = None  # None = any
    times: int = 1
    retry_after: Optional[str] = None
    body: Any = field(default_factory=lambda: {"message": "Internal server error"})
    hang_seconds: float = 0.0  # hold the response back this long (or until stop)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path_contains is None or self.path_contains in path
        )


@dataclass
class Exchange:
    """One request and the answer the fake gave."""

    method: str
    path: str
    route: Optional[str]  # the spec's path template, None if unknown
    ref: Optional[str]
    authorization_ok: bool
    content_type: Optional[str]
    request_body: Any  # decoded JSON, or None
    raw_request_body: bytes
    status: int = 0
    response_body: Any = None
    faulted: bool = False


class FakeSupabaseApi:
    def __init__(self, token: str) -> None:
        self.token = token
        self.projects: dict[str, dict[str, Any]] = {}
        self.faults: list[Fault] = []
        # Fine-grained permissions the token lacks (a 403 from the routes that need them).
        self.denied: set[str] = set()
        self.log: list[Exchange] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # -- state ------------------------------------------------------------------

    def add_project(
        self,
        ref: str,
        *,
        default_pool_size: Optional[int] = 15,
        site_url: Optional[str] = "http://localhost:3000",
        uri_allow_list: Optional[str] = "",
        db_allowed_cidrs: tuple[str, ...] = ("0.0.0.0/0",),
        db_allowed_cidrs_v6: tuple[str, ...] = ("::/0",),
        entitlement: str = "allowed",
        read_replica_pool_size: Optional[int] = None,
        pitr_enabled: bool = True,
        walg_enabled: bool = True,
        tables_without_rls: tuple[str, ...] = (),
    ) -> None:
        host = "aws-0-eu-central-1.pooler.supabase.com"
        primary = {
            "identifier": ref,
            "database_type": "PRIMARY",
            "is_using_scram_auth": True,
            "db_user": f"postgres.{ref}",
            "db_host": host,
            "db_port": 6543,
            "db_name": "postgres",
            "connection_string": f"postgresql://postgres.{ref}:[YOUR-PASSWORD]@{host}:6543/postgres",
            "connectionString": f"postgresql://postgres.{ref}:[YOUR-PASSWORD]@{host}:6543/postgres",
            "default_pool_size": default_pool_size,
            "max_client_conn": 200,
            "pool_mode": "transaction",
        }
        poolers = [primary]
        if read_replica_pool_size is not None:
            replica = dict(primary, identifier=f"{ref}-rr-eu-central-1-abcde", database_type="READ_REPLICA",
                           default_pool_size=read_replica_pool_size)
            poolers.insert(0, replica)  # listed first, to prove the client picks PRIMARY
        auth = default_auth_config()
        auth.update(site_url=site_url, uri_allow_list=uri_allow_list)
        stamp = _now()
        self.projects[ref] = {
            "pooler": poolers,
            "auth": auth,
            "network": {
                "entitlement": entitlement,
                "config": {"dbAllowedCidrs": list(db_allowed_cidrs), "dbAllowedCidrsV6": list(db_allowed_cidrs_v6)},
                "status": "applied",
                "updated_at": stamp,
                "applied_at": stamp,
            },
            "backups": {
                "region": "eu-central-1", "walg_enabled": walg_enabled, "pitr_enabled": pitr_enabled,
                "backups": [{"is_physical_backup": walg_enabled, "status": "COMPLETED", "inserted_at": stamp}],
                "physical_backup_data": {},
            },
            "lints": [_rls_lint(table) for table in tables_without_rls],
        }

    def pool_size(self, ref: str) -> Optional[int]:
        return next(p for p in self.projects[ref]["pooler"] if p["database_type"] == "PRIMARY")["default_pool_size"]

    def auth(self, ref: str) -> dict[str, Any]:
        return self.projects[ref]["auth"]

    def cidrs(self, ref: str) -> dict[str, list[str]]:
        return self.projects[ref]["network"]["config"]

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def calls(self, method: Optional[str] = None) -> list[tuple[str, str]]:
        """(method, route) of every logged request, optionally one method only."""
        return [(e.method, e.route or e.path) for e in self.log if method is None or e.method == method]

    def writes(self) -> list[Exchange]:
        return [e for e in self.log if e.method != "GET"]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    # -- server -------------------------------------------------------------------

    def start(self) -> str:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:
                api._handle(self, "GET")

            def do_PATCH(self) -> None:
                api._handle(self, "PATCH")

            def do_POST(self) -> None:
                api._handle(self, "POST")

            def do_PUT(self) -> None:
                api._handle(self, "PUT")

            def do_DELETE(self) -> None:
                api._handle(self, "DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-supabase-api", daemon=True)
        self._thread.start()
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._release.set()  # let any held-back response go
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- request handling -----------------------------------------------------------

    def _take_fault(self, method: str, path: str) -> Optional[Fault]:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(method, path):
                    fault.times -= 1
                    return fault
        return None

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path = handler.path.split("?", 1)[0]
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        route, ref = None, None
        for pattern, template in ROUTES:
            m = pattern.match(path)
            if m:
                route, ref = template, m.group("ref")
                break
        try:
            body = json.loads(raw) if raw else None
            body_ok = True
        except ValueError:
            body, body_ok = None, False
        exchange = Exchange(
            method=method,
            path=path,
            route=route,
            ref=ref,
            authorization_ok=handler.headers.get("Authorization") == f"Bearer {self.token}",
            content_type=handler.headers.get("Content-Type"),
            request_body=body,
            raw_request_body=raw,
        )
        with self._lock:
            self.log.append(exchange)

        headers: dict[str, str] = {}
        fault = self._take_fault(method, path)
        if fault is not None:
            exchange.faulted = True
            status, payload = fault.status, fault.body
            if fault.retry_after is not None:
                headers["Retry-After"] = fault.retry_after
        else:
            status, payload = self._route(exchange, body, body_ok)
        exchange.status, exchange.response_body = status, copy.deepcopy(payload)
        if fault is not None and fault.hang_seconds:
            self._release.wait(fault.hang_seconds)  # the client should have given up by now
        data = b"" if payload is None else json.dumps(payload).encode("utf-8")
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def _route(self, ex: Exchange, body: Any, body_ok: bool) -> tuple[int, Any]:
        if ex.route is None:
            return 404, {"message": f"Cannot {ex.method} {ex.path}"}
        if not ex.authorization_ok:
            return 401, {"message": "Unauthorized"}
        if ex.method not in ALLOWED_METHODS[ex.route]:
            return 405, {"message": "Method Not Allowed"}
        if PERMISSIONS.get(ex.route) in self.denied:
            return 403, {"message": "Forbidden action"}
        project = self.projects.get(ex.ref or "")
        if project is None:
            return 404, {"message": "Project not found"}
        if ex.method != "GET" and (not body_ok or not isinstance(body, dict)):
            return 400, {"message": "Request body must be a JSON object"}

        with self._lock:
            if ex.route.endswith("/database/backups"):
                return 200, copy.deepcopy(project["backups"])
            if ex.route.endswith("/advisors/security"):
                return 200, {"lints": copy.deepcopy(project["lints"])}
            if ex.route.endswith("/pooler"):
                if ex.method == "GET":
                    return 200, copy.deepcopy(project["pooler"])
                primary = next(p for p in project["pooler"] if p["database_type"] == "PRIMARY")
                if "default_pool_size" in body:
                    primary["default_pool_size"] = body["default_pool_size"]
                if "pool_mode" in body:
                    primary["pool_mode"] = body["pool_mode"]
                return 200, {"default_pool_size": primary["default_pool_size"], "pool_mode": primary["pool_mode"]}
            if ex.route.endswith("/config/auth"):
                if ex.method == "PATCH":
                    for key, value in body.items():
                        if key in project["auth"]:
                            project["auth"][key] = value
                return 200, copy.deepcopy(project["auth"])
            network = project["network"]
            if ex.route.endswith("/network-restrictions"):
                return 200, copy.deepcopy(network)
            # POST .../network-restrictions/apply
            if network["entitlement"] != "allowed":
                return 400, {"message": "Network restrictions are not available for this project"}
            network["old_config"] = copy.deepcopy(network["config"])
            network["config"] = {
                "dbAllowedCidrs": list(body.get("dbAllowedCidrs") or []),
                "dbAllowedCidrsV6": list(body.get("dbAllowedCidrsV6") or []),
            }
            network["updated_at"] = network["applied_at"] = _now()
            network["status"] = "applied"
            return 201, copy.deepcopy(network)
