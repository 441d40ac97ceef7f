"""Run the policy pack against a rendered stack, the way the Pulumi CLI runs it.

`analyze(rendered, config=...)` starts `policies/` exactly as `pulumi preview --policy-pack
policies` would (pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go and the
`pulumi-analyzer-policy-python` shim):

* the interpreter of PulumiPolicy.yaml's `virtualenv` runs `python -u -m pulumi.policy
  <engine-address> .` in the pack's directory, with PULUMI_PROJECT, PULUMI_STACK,
  PULUMI_DRY_RUN and PULUMI_CONFIG (the stack's config, "ns:key" -> string) in its
  environment; it prints its gRPC port and serves the Analyzer protocol. Nothing dials the
  engine address: pulumi/policy/__main__.py parses it and never uses it, and pulumi.log
  falls back to stderr without an engine, so any string will do;
* the client calls Handshake and ConfigureStack (both optional for the pack),
  GetAnalyzerInfo, then Configure with every policy's config as the CLI reconciles it
  (schema defaults, then --policy-pack-config, validated against each policy's schema
  first), then Analyze for every custom resource and one AnalyzeStack for all resources;
* like the CLI, the pack's version is PulumiPolicy.yaml's, not the one the pack reports.

Stricter than the CLI: a pack config naming an unknown policy or property is an error here
(the CLI ignores it), so a typo cannot switch a limit off silently.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import grpc
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from jsonschema import Draft7Validator
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from .markdown import cell
from .mockrt import SECRET_SIG, SECRET_VALUE, Registration, Rendered

ROOT = Path(__file__).resolve().parent.parent
PACK_DIR = ROOT / "policies"
# Any string: nothing in the pack or pulumi.policy's runner connects to it (see above).
ENGINE_ADDRESS = "127.0.0.1:0"
STARTUP_TIMEOUT_S = 30.0
CALL_TIMEOUT_S = 60.0

LEVELS = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.REMEDIATE: "remediate",
    analyzer_pb2.DISABLED: "disabled",
}
LEVEL_VALUES = {name: value for value, name in LEVELS.items()}
# The CLI adds this property to every policy's schema (analyzer_plugin.go GetAnalyzerInfo).
ENFORCEMENT_SCHEMA = {"type": "string", "enum": list(LEVEL_VALUES)}
SECRET_TEXT = "[secret]"


# Analyze requests kept in flight at once (the pack's gRPC server runs 4 workers).
ANALYZE_WINDOW = 4


class PolicyPackError(RuntimeError):
    """The pack failed to start, answer or stop; one line."""


class PolicyConfigError(ValueError):
    """A bad --policy-pack-config: one line naming the policy, the property, the value and what is allowed."""


@dataclass(frozen=True)
class PolicyMeta:
    name: str
    description: str
    enforcement_level: str
    kind: str  # "resource" or "stack"
    properties: dict[str, Any]
    required: tuple[str, ...]


@dataclass(frozen=True)
class PackInfo:
    name: str
    version: str  # PulumiPolicy.yaml's, as the CLI reports it
    policies: tuple[PolicyMeta, ...]
    reported_version: str = ""  # what the pack itself says (pulumi-policy's Python packs: 0.0.1)

    @property
    def label(self) -> str:
        return f"{self.name}@v{self.version}"

    def policy(self, name: str) -> PolicyMeta | None:
        return next((p for p in self.policies if p.name == name), None)


# ---- pack config (what `--policy-pack-config file.json` holds) -----------------------------------


def load_pack_config(path: Path) -> dict[str, Any]:
    """Read a --policy-pack-config JSON file (empty file: no config)."""
    try:
        text = Path(path).read_text()
    except OSError as err:
        raise PolicyConfigError(f"policy pack config {path}: {err.strerror}") from None
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as err:
        raise PolicyConfigError(f"policy pack config {path}: not valid JSON ({err})") from None
    if not isinstance(data, dict):
        raise PolicyConfigError(f"policy pack config {path}: found a {type(data).__name__}; allowed: a JSON object")
    return data


def resolve_pack_config(info: PackInfo, pack_config: Mapping[str, Any] | None) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each policy's (enforcement level, properties), reconciled and validated as the CLI does.

    Start from each policy's level and schema defaults, apply `all` (a level for every
    policy), then each policy's entry (a level string, or an object with an optional
    enforcementLevel and properties merged over the defaults at the top level).
    """
    pack_config = {} if pack_config is None else pack_config
    if not isinstance(pack_config, Mapping):
        raise PolicyConfigError(f"policy pack config: found a {type(pack_config).__name__}; allowed: a JSON object of "
                                f"policy name -> enforcement level or object")
    resolved = {
        p.name: (p.enforcement_level, {k: v["default"] for k, v in p.properties.items() if "default" in v})
        for p in info.policies
    }
    names = [p.name for p in info.policies]
    entries = {}
    for name, value in pack_config.items():
        if name != "all" and name not in resolved:
            raise PolicyConfigError(f"policy pack config: found unknown policy {name!r}; allowed: all, {', '.join(names)}")
        entries[name] = _parse_entry(name, value)
    if "all" in entries:
        level, props = entries.pop("all")
        if props:
            raise PolicyConfigError(f"policy pack config: policy 'all' has property {sorted(props)[0]!r}; allowed: "
                                    f"only enforcementLevel (properties belong to one policy)")
        if level is not None:
            resolved = {name: (level, defaults) for name, (_, defaults) in resolved.items()}
    for name, (level, props) in entries.items():
        old_level, old_props = resolved[name]
        resolved[name] = (level or old_level, {**old_props, **props})
    for meta in info.policies:
        level, props = resolved[meta.name]
        _validate(meta, props)
    return resolved


def _parse_entry(name: str, value: Any) -> tuple[str | None, dict[str, Any]]:
    levels = ", ".join(LEVEL_VALUES)
    if isinstance(value, str):
        if value not in LEVEL_VALUES:
            raise PolicyConfigError(f"policy pack config: policy {name!r}: found enforcement level {value!r}; "
                                    f"allowed: {levels}")
        return value, {}
    if not isinstance(value, Mapping):
        raise PolicyConfigError(f"policy pack config: policy {name!r}: found {json.dumps(value)}; allowed: an "
                                f"enforcement level ({levels}) or an object")
    props = dict(value)
    level = props.pop("enforcementLevel", None)
    if level is not None and (not isinstance(level, str) or level not in LEVEL_VALUES):
        raise PolicyConfigError(f"policy pack config: policy {name!r}, property 'enforcementLevel': found "
                                f"{json.dumps(level)}; allowed: one of {levels}")
    return level, props


def _validate(meta: PolicyMeta, props: dict[str, Any]) -> None:
    schema = {
        "type": "object",
        "properties": {**meta.properties, "enforcementLevel": ENFORCEMENT_SCHEMA},
        "additionalProperties": False,
    }
    if meta.required:
        schema["required"] = list(meta.required)
    errors = sorted(Draft7Validator(schema).iter_errors(props), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise _config_error(meta.name, errors[0])


def _path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _config_error(policy: str, error) -> PolicyConfigError:
    path = _path(error.absolute_path)
    prefix = f"policy pack config: policy {policy!r}"
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known))
        where = f"{path}." if path else ""
        return PolicyConfigError(f"{prefix}: found unknown property {where + extra[0]!r}; allowed: {', '.join(known)}")
    if error.validator == "required":
        return PolicyConfigError(f"{prefix}: {error.message}; allowed: an object with {', '.join(error.validator_value)}")
    value = error.validator_value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # the schema crossed a protobuf Struct, where every number is a float
    allowed = {
        "type": f"a value of type {value}",
        "minimum": f"a number of at least {value}",
        "maximum": f"a number of at most {value}",
        "enum": "one of " + ", ".join(str(v) for v in value) if isinstance(value, list) else "",
        "uniqueItems": "no repeated items",
        "minLength": f"a string of at least {value} character(s)",
    }.get(error.validator, error.message)
    return PolicyConfigError(f"{prefix}, property {path!r}: found {json.dumps(error.instance)}; allowed: {allowed}")


# ---- the pack process ------------------------------------------------------------------------------


def pack_python(pack_dir: Path = PACK_DIR) -> Path:
    """The interpreter the CLI's shim would use: PulumiPolicy.yaml's virtualenv, else this one."""
    manifest = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text()) or {}
    runtime = manifest.get("runtime")
    options = runtime.get("options", {}) if isinstance(runtime, dict) else {}
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    if venv:
        candidate = (pack_dir / venv / "bin" / "python")
        if candidate.exists():
            return candidate
    return Path(sys.executable)


def pack_version(pack_dir: Path = PACK_DIR) -> str | None:
    manifest = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text()) or {}
    version = manifest.get("version")
    return str(version) if version else None


class PackProcess:
    """One running pack for one stack (PULUMI_STACK is per process), usable for many analyses.

        with PackProcess("vital-expert-infra", "production", config) as pack:
            result = pack.run(rendered.resources, pack_config)
    """

    def __init__(self, project: str, stack: str, config: Mapping[str, str] | None = None, dry_run: bool = True,
                 pack_dir: Path = PACK_DIR, startup_timeout: float = STARTUP_TIMEOUT_S,
                 call_timeout: float = CALL_TIMEOUT_S) -> None:
        self.project, self.stack, self.dry_run = project, stack, dry_run
        self.config = dict(config or {})
        self.pack_dir = Path(pack_dir)
        self.startup_timeout, self.call_timeout = startup_timeout, call_timeout
        self.proc: subprocess.Popen | None = None
        self.channel: grpc.Channel | None = None
        self.stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self.info: PackInfo | None = None
        self.startup_s: float | None = None  # spawn to GetAnalyzerInfo answered
        self._stderr = None
        self._spawned_at = 0.0

    # lifecycle

    def __enter__(self) -> "PackProcess":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> "PackProcess":
        self.spawn()
        self.wait_ready()
        return self

    def spawn(self) -> None:
        """Start the process (returns at once; wait_ready() waits for it to serve)."""
        python = pack_python(self.pack_dir)
        env = dict(os.environ)
        env.pop("PYTHONHOME", None)
        env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
        env.update({
            "PULUMI_PROJECT": self.project,
            "PULUMI_STACK": self.stack,
            "PULUMI_DRY_RUN": "true" if self.dry_run else "false",
            "PULUMI_CONFIG": json.dumps(self.config),
        })
        self._stderr = tempfile.TemporaryFile()
        self._spawned_at = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                [str(python), "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, "."],
                cwd=self.pack_dir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr,
            )
        except OSError as err:
            self.close()
            raise PolicyPackError(f"policy pack {self.pack_dir} failed to start: {err}") from None

    def wait_ready(self) -> None:
        try:
            port = self._read_port()
            self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(self.channel).result(timeout=self._left())
            self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
            self._optional(self.stub.Handshake, analyzer_pb2.AnalyzerHandshakeRequest(
                engine_address=ENGINE_ADDRESS, root_directory=str(self.pack_dir), program_directory=str(self.pack_dir)))
            stack_config = struct_pb2.Struct()
            stack_config.update(self.config)
            self._optional(self.stub.ConfigureStack, analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=self.stack, project=self.project, dry_run=self.dry_run, config=stack_config))
            self.info = self._analyzer_info()
            self.startup_s = time.monotonic() - self._spawned_at
        except grpc.FutureTimeoutError:
            self.close()
            raise PolicyPackError(f"policy pack {self.pack_dir} did not accept a connection within "
                                  f"{self.startup_timeout:g} s") from None
        except grpc.RpcError as err:
            detail = (err.details() or "").strip().splitlines()
            message = self._failure(f"answered {err.code().name}: {detail[-1] if detail else 'no detail'}")
            self.close()
            raise PolicyPackError(message) from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop the pack: bounded waits, then kill; safe to call twice."""
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            if proc.stdout is not None:
                proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _left(self) -> float:
        return max(0.1, self.startup_timeout - (time.monotonic() - self._spawned_at))

    def _read_port(self) -> int:
        assert self.proc is not None and self.proc.stdout is not None
        out = self.proc.stdout
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(out, selectors.EVENT_READ)
            while b"\n" not in buffer:
                if time.monotonic() - self._spawned_at > self.startup_timeout:
                    raise PolicyPackError(self._failure(f"printed no port within {self.startup_timeout:g} s"))
                if not selector.select(timeout=0.05):
                    continue
                chunk = os.read(out.fileno(), 4096)
                if not chunk:  # the pack exited
                    try:
                        self.proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        pass
                    raise PolicyPackError(self._failure(f"exited with code {self.proc.returncode} before serving"))
                buffer += chunk
        line = buffer.partition(b"\n")[0]
        try:
            port = int(line.strip())
        except ValueError:
            raise PolicyPackError(self._failure(f"printed {line[:80]!r} instead of its port")) from None
        # Keep reading stdout so a rule's stray print can never fill the pipe and stall the pack.
        threading.Thread(target=_drain, args=(out,), daemon=True).start()
        return port

    def _failure(self, what: str) -> str:
        return f"policy pack {self.pack_dir} failed to start: it {what}; its stderr ends: {self.stderr_tail() or '(empty)'}"

    def stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        lines = [line.strip() for line in self._stderr.read().decode(errors="replace").splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def _optional(self, method, request) -> None:
        try:
            method(request, timeout=self._left())
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise

    def _analyzer_info(self) -> PackInfo:
        response = self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=self._left())
        policies = []
        for p in response.policies:
            schema = json_format.MessageToDict(p.configSchema.properties) if p.HasField("configSchema") else {}
            policies.append(PolicyMeta(
                name=p.name,
                description=p.description,
                enforcement_level=LEVELS.get(p.enforcementLevel, "advisory"),
                kind="stack" if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK else "resource",
                properties=schema,
                required=tuple(p.configSchema.required) if p.HasField("configSchema") else (),
            ))
        # As the CLI does: PulumiPolicy.yaml's version wins over the one the pack reports.
        version = pack_version(self.pack_dir) or response.version
        return PackInfo(name=response.name, version=version, policies=tuple(policies),
                        reported_version=response.version)

    # analysis

    def configure(self, pack_config: Mapping[str, Any] | None = None) -> dict[str, tuple[str, dict[str, Any]]]:
        """Validate the pack config against the schemas, then send it (replacing any earlier one)."""
        assert self.info is not None and self.stub is not None, "start() first"
        resolved = resolve_pack_config(self.info, pack_config)
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, (level, props) in resolved.items():
            entry = request.policyConfig[name]
            entry.enforcementLevel = LEVEL_VALUES[level]
            json_format.ParseDict(props, entry.properties)
        self._call("Configure", request)
        return resolved

    def analyze(self, resources: Sequence[Registration]) -> list[dict[str, Any]]:
        """Analyze every custom resource, then the whole stack; the violations, sorted."""
        assert self.stub is not None, "start() first"
        diagnostics: list[tuple[Any, str]] = []
        # A few requests in flight at once: this process builds the next request while the
        # pack (another process, so another core) answers the last one.
        in_flight: deque[tuple[Any, Registration]] = deque()

        def collect() -> None:
            future, reg = in_flight.popleft()
            response = self._result("Analyze", future)
            # A resource policy's "can't run during preview" diagnostic carries no URN; the
            # engine attributes it to the resource analyzed.
            diagnostics.extend((d, d.urn or reg.urn) for d in response.diagnostics)

        for reg in resources:
            if not reg.custom:
                continue
            request = analyzer_pb2.AnalyzeRequest(
                type=reg.type, properties=_struct(reg.inputs), urn=reg.urn, name=reg.name, options=_options(reg))
            in_flight.append((self.stub.Analyze.future(request, timeout=self.call_timeout), reg))
            if len(in_flight) >= ANALYZE_WINDOW:
                collect()
        while in_flight:
            collect()
        response = self._call("AnalyzeStack", analyzer_pb2.AnalyzeStackRequest(
            resources=[_stack_resource(reg) for reg in resources]))
        diagnostics += [(d, d.urn) for d in response.diagnostics]
        secrets = _secret_values(resources)
        violations = [
            {
                "policy": d.policyName,
                "enforcementLevel": LEVELS.get(d.enforcementLevel, "advisory"),
                "urn": urn,
                "message": _scrub(self._relabel(_specific(d)), secrets),
            }
            for d, urn in diagnostics
        ]
        return sorted(violations, key=lambda v: (v["policy"], v["urn"], v["message"]))

    def _relabel(self, message: str) -> str:
        """pulumi-policy writes its own version into "can't run policy" messages; use the pack's, as the CLI does."""
        info = self.info
        if info is None or not info.reported_version or info.reported_version == info.version:
            return message
        return message.replace(f"{info.name}@v{info.reported_version}", info.label)

    def run(self, resources: Sequence[Registration], pack_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self.configure(pack_config)
        return {"pack": self.info.label, "violations": self.analyze(resources)}

    def _call(self, method: str, request):
        return self._result(method, getattr(self.stub, method).future(request, timeout=self.call_timeout))

    def _result(self, method: str, future):
        try:
            return future.result()
        except grpc.RpcError as err:
            # A rule that raises (anything but UnknownValueError) fails the whole call.
            detail = (err.details() or "").strip().splitlines()
            raise PolicyPackError(f"policy pack {self.info.label if self.info else self.pack_dir}: {method} failed with "
                                  f"{err.code().name}: {detail[-1] if detail else 'no detail'}; its stderr ends: "
                                  f"{self.stderr_tail() or '(empty)'}") from None


def _drain(stream) -> None:
    try:
        while stream.read(4096):
            pass
    except (OSError, ValueError):
        pass


def _struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(dict(data), struct_pb2.Struct())


def _options(reg: Registration) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=reg.protect,
        deleteBeforeReplace=reg.delete_before_replace,
        deleteBeforeReplaceDefined=reg.delete_before_replace,
        additionalSecretOutputs=reg.additional_secret_outputs,
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(),
        parent=reg.parent,
    )


def _stack_resource(reg: Registration) -> analyzer_pb2.AnalyzerResource:
    return analyzer_pb2.AnalyzerResource(
        type=reg.type, properties=_struct(reg.inputs), urn=reg.urn, name=reg.name, options=_options(reg),
        parent=reg.parent, dependencies=reg.dependencies,
        # As the CLI: properties without dependencies are left out.
        propertyDependencies={k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v)
                              for k, v in reg.property_dependencies.items() if v},
    )


def _specific(d) -> str:
    """The violation's own message, without the policy description pulumi-policy puts first."""
    prefix = f"{d.description}\n"
    return d.message[len(prefix):] if d.description and d.message.startswith(prefix) else d.message


def _secret_values(resources: Sequence[Registration]) -> set[str]:
    """Secret values that must not appear in a message.

    The Vercel SDK marks every env var value secret, so a non-sensitive env var's value is
    not counted (messages may quote it); sensitive ones, GitHub secrets and every other
    secret input are.
    """
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get(SECRET_SIG) == SECRET_VALUE:
                inner = value.get("value")
                if isinstance(inner, str) and len(inner) >= 4:
                    found.add(inner)
                else:
                    walk(inner)
                return
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for reg in resources:
        if reg.type == "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable":
            if reg.inputs.get("sensitive") is not False:
                walk(reg.inputs.get("value"))
        elif reg.type == "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables":
            for variable in reg.inputs.get("variables") or []:
                if isinstance(variable, dict) and variable.get("sensitive") is not False:
                    walk(variable.get("value"))
        else:
            walk(reg.inputs)
    return found


def _scrub(message: str, secrets: set[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, SECRET_TEXT)
    return message


# ---- entry points ----------------------------------------------------------------------------------


def analyze(rendered: Rendered, pack_config: Mapping[str, Any] | None = None, dry_run: bool = True,
            config: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Start the pack for the rendered stack, analyze it, stop the pack.

    `config` is the stack's config as the CLI passes it (e.g. tools.stackfile.read(stack).config);
    the pack reads the tier and plan from it. Returns {"pack": "name@vX", "violations": [{"policy",
    "enforcementLevel", "urn", "message"}]}. Raises PolicyConfigError for a bad pack config and
    PolicyPackError when the pack fails to start or answer.
    """
    with PackProcess(rendered.project, rendered.stack, config, dry_run) as pack:
        return pack.run(rendered.resources, pack_config)


@contextmanager
def spawned(stacks: Iterable[tuple[str, str, Mapping[str, str]]], dry_run: bool = True) -> Iterator[list[PackProcess]]:
    """One pack process per (project, stack, config), all spawned at once and closed on exit.

    Each still needs wait_ready() before use, so the caller can work while they start.
    """
    packs: list[PackProcess] = []
    try:
        for project, stack, config in stacks:
            pack = PackProcess(project, stack, config, dry_run)
            packs.append(pack)
            pack.spawn()
        yield packs
    finally:
        for pack in packs:
            pack.close()


def analyze_stacks(stacks: Iterable[tuple[Rendered, Mapping[str, str]]], pack_config: Mapping[str, Any] | None = None,
                   dry_run: bool = True) -> list[dict[str, Any]]:
    """analyze() for several stacks: one pack process per stack, all started before the first is used."""
    jobs = list(stacks)
    results = []
    with spawned(((r.project, r.stack, config) for r, config in jobs), dry_run) as packs:
        for pack, (rendered, _) in zip(packs, jobs):
            pack.wait_ready()
            results.append(pack.run(rendered.resources, pack_config))
    return results


def has_mandatory(result: Mapping[str, Any]) -> bool:
    return any(v["enforcementLevel"] == "mandatory" for v in result["violations"])


def markdown_section(result: Mapping[str, Any]) -> str:
    """A markdown block for one stack's policy result (PR comments, `synth --format markdown`)."""
    violations = result["violations"]
    mandatory = sum(v["enforcementLevel"] == "mandatory" for v in violations)
    lines = [f"#### Policy pack `{result['pack']}`", ""]
    if not violations:
        return "\n".join(lines + ["No violations.", ""])
    lines += [
        f"{mandatory} mandatory, {len(violations) - mandatory} advisory.",
        "",
        "| Level | Policy | Resource | Message |",
        "| --- | --- | --- | --- |",
    ]
    for v in violations:
        resource = v["urn"].rsplit("::", 1)[-1] if v["urn"] else "(stack)"
        lines.append(f"| {cell(v['enforcementLevel'])} | {cell(v['policy'])} | `{cell(resource)}` | {cell(v['message'])} |")
    return "\n".join(lines) + "\n"
