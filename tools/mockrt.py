"""Run the real program under Pulumi's mock runtime and record everything it registers: no CLI,
backend, provider plugin or credential. The program's `__main__.py` runs exactly as the language host
runs it; a recording monitor captures each RegisterResource request (type, name, parent, inputs,
options) the way the engine would receive it."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime.proto import resource_pb2

from vital import pulumi_internals as internals
from vital.names import PROJECT, SECRET_TEXT
from vital.stackfile import ROOT

from . import protostruct, provider_config

PROGRAM = ROOT / "__main__.py"

SECRET_SIG = internals.SECRET_SIG_KEY
SECRET_VALUE = internals.SECRET_SIG_VALUE
UNKNOWN = internals.UNKNOWN
UNKNOWN_TEXT = "[unknown]"

# sdk/go/common/resource/urn/urn.go (NameDelimiter, TypeDelimiter) and tokens.RootStackType.
_URN_DELIMITER = "::"
_TYPE_DELIMITER = "$"
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"

# Ids shaped like the real ones, so anything that parses them still works.
_ID_PREFIX = {
    "vercel:index/project:Project": "prj_",
    "vercel:index/projectRoute:ProjectRoute": "rt_",
}


@dataclass
class Registration:
    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]  # as the engine receives them: camelCase, secrets still wrapped
    protect: bool
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    delete_before_replace: bool
    retain_on_delete: bool
    import_id: str
    additional_secret_outputs: list[str]
    provider: str
    # Outputs the provider computes on create, unknown in this preview's outputs (AnalyzeStack reads outputs).
    computed: tuple[str, ...] = ()


@dataclass
class Rendered:
    project: str
    stack: str
    resources: list[Registration] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)  # secrets still wrapped
    logs: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the engine would do that synth cannot know offline


# Outputs the provider computes on create: unknown during a preview, as the engine reports them.
_COMPUTED_OUTPUTS = {
    "upstash:index/redisDatabase:RedisDatabase": ("endpoint", "password", "restToken", "readOnlyRestToken", "port"),
    # Vercel generates the bypass secret and the link's URL (its secret) on create.
    "vercel:index/projectProtectionBypass:ProjectProtectionBypass": ("secret",),
    "vercel:index/shareableLink:ShareableLink": ("secret", "url"),
}


def _mock_id(request, preview: bool) -> str:
    """The id the engine answers a registration with: unknown ("") for a resource a preview would
    create, the import id for one it imports, else (an update) an id shaped like the provider's.

    A first `pulumi preview` creates nothing, so no provider has assigned an id yet. The engine
    calls Create with Preview set (pulumi/pulumi pkg/resource/plugin/provider_plugin.go,
    provider.Create, which allows an empty id only then); a bridged provider answers with the
    planned state, whose id is empty (pulumi-terraform-bridge pkg/tfbridge/provider.go, Create:
    `Id: newstate.ID()` from diff.ProposedState); a provider without previews gets its inputs
    back and no id. The Python SDK resolves an empty id as unknown (pulumi/runtime/resource.py,
    register_resource: `is_known = bool(resp.id)`). An import reads the existing resource, whose
    id is the import id.
    """
    if request.importId or not request.custom:
        return request.importId
    if preview:
        return ""
    digest = hashlib.sha256(f"{request.type}::{request.name}".encode()).hexdigest()[:24]
    return _ID_PREFIX.get(request.type, "id-") + digest


# The account synth renders in: AWS's own documentation account id, the commercial partition.
SYNTH_ACCOUNT_ID = "123456789012"


def _region(_args: dict) -> dict:
    region = pulumi.Config("aws").get("region") or "us-east-1"
    return {
        "region": region,
        "name": region,
        "id": region,
        "description": "",
        "endpoint": f"ec2.{region}.amazonaws.com",
    }


# Provider functions a program calls, answered as a real account would (the fields of each
# function's result in pulumi-aws 7.51.1: get_caller_identity.py, get_partition.py, get_region.py).
_INVOKES = {
    "aws:index/getCallerIdentity:getCallerIdentity": lambda _args: {
        "accountId": SYNTH_ACCOUNT_ID,
        "arn": f"arn:aws:iam::{SYNTH_ACCOUNT_ID}:user/synth",
        "userId": "AIDASYNTHEXAMPLE000000",
        "id": SYNTH_ACCOUNT_ID,
    },
    "aws:index/getPartition:getPartition": lambda _args: {
        "partition": "aws",
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
        "id": "aws",
    },
    "aws:index/getRegion:getRegion": _region,
}


def stack_reference_note(stack: str) -> str:
    """What synth says of a StackReference: it cannot know whether the stack was ever deployed.

    The engine reads the stack's outputs from the backend during preview too (pulumi/pulumi
    pkg/resource/deploy/builtins.go, readStackReference), and a stack that does not exist there
    fails the whole run: pkg/backend/backend.go, backendClient.GetStackOutputs, `unknown stack
    %q`. A stack that exists without the output fails in the program: the Python SDK's
    StackReference.require_output indexes the outputs (`l[1][l[0]]`), a KeyError.
    """
    return (
        f"this stack reads stack '{stack}' (a StackReference), whose outputs synth shows as {UNKNOWN_TEXT}: "
        f"`pulumi preview` fails with 'unknown stack \"{stack}\"' until that stack is deployed, and "
        f"require_output raises KeyError for an output it does not export; deploy '{stack}' first"
    )


class _Mocks(pulumi.runtime.Mocks):
    """Answers reads (a StackReference) and provider functions (_INVOKES); registrations are
    answered by the monitor itself."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        if args.typ == STACK_REFERENCE_TYPE:
            # Another stack's outputs cannot be read offline: unknown, as before its first up.
            return args.resource_id, {"name": args.resource_id, "outputs": UNKNOWN, "secretOutputNames": UNKNOWN}
        return args.resource_id, dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        answer = _INVOKES.get(args.token)
        return answer(args.args) if answer else {}


class _RecordingMonitor(internals.MockMonitor):
    def __init__(self, rendered: Rendered, preview: bool, config: dict[str, str], secret_keys: list[str]) -> None:
        super().__init__(_Mocks())
        self.rendered = rendered
        self.preview = preview
        self.config, self.secret_keys = config, secret_keys
        self.checked_packages: set[str] = set()
        self.loops: list[asyncio.AbstractEventLoop] = []
        self.urns: set[str] = set()
        self._lock = threading.Lock()

    def _thread_loop(self) -> None:
        """Give the executor thread an event loop we can close when the run ends.

        MockMonitor would create one per thread and leave it open; its finalizer then
        complains on stderr at interpreter exit.
        """
        try:
            current = asyncio.get_event_loop()
        except RuntimeError:
            current = None
        if current is None or current.is_closed():  # threads outlive a run; their loops don't
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            with self._lock:
                self.loops.append(loop)

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The URN as the engine builds it, not as MockMonitor does.

        pulumi/pulumi pkg/resource/deploy/deployment.go, Deployment.generateURN: "Skip empty
        parents and don't use the root stack type; otherwise, use the full qualified type" of
        the parent; sdk/go/common/resource/urn/urn.go, New: that type, "$", the resource's own
        type. So every ancestor's type is chained (`vital:vercel:VercelApp$vital:vercel:
        ProjectAlerts$vercel:index/alertRule:AlertRule`) and `pulumi:pulumi:Stack` never appears
        in a child's URN. MockMonitor.make_urn keeps the root stack's type and only the
        parent's last type.
        """
        qualified = type_
        if parent:
            parent_type = parent.split(_URN_DELIMITER)[2]
            if parent_type != ROOT_STACK_TYPE:
                qualified = f"{parent_type}{_TYPE_DELIMITER}{type_}"
        return (
            f"urn:pulumi:{self.rendered.stack}{_URN_DELIMITER}{self.rendered.project}{_URN_DELIMITER}{qualified}"
            f"{_URN_DELIMITER}{name}"
        )

    def check_default_provider(self, request) -> None:
        """The engine's CheckConfig of a package's default provider, at the package's first custom
        resource registered or read without an explicit provider (tools/provider_config.py): a
        refused key stops the run with the provider's reason."""
        package = request.type.split(":", 1)[0]
        if request.provider or request.type == STACK_REFERENCE_TYPE:
            return
        with self._lock:
            if package in self.checked_packages:
                return
            self.checked_packages.add(package)
        problem = provider_config.check(
            self.rendered.stack,
            package,
            self.config,
            self.secret_keys,
            provider_config.default_provider_name(request.version, request.pluginDownloadURL),
        )
        if problem:
            raise pulumi.RunError(problem)

    def close(self) -> None:
        for loop in self.loops:
            loop.close()
        self.loops.clear()

    def RegisterResource(self, request):
        """What the engine answers in a preview: the inputs back as outputs, computed ones unknown.

        MockMonitor would deserialize the inputs to Python and serialize them again; handing
        the request's own Struct back is the same answer at a fraction of the cost, and keeps
        input secrets secret in the outputs, as the engine does.
        """
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == ROOT_STACK_TYPE:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        if request.custom:
            self.check_default_provider(request)
        with self._lock:
            if urn in self.urns:
                # The engine refuses a second registration of one URN (pkg/engine, TestDuplicateURN).
                raise pulumi.RunError(f"Duplicate resource URN '{urn}'; try giving it a unique name")
            self.urns.add(urn)
        # The inputs are copied once, into the response; the computed outputs are set on that copy.
        response = resource_pb2.RegisterResourceResponse(
            urn=urn, id=_mock_id(request, self.preview), object=request.object
        )
        computed = _COMPUTED_OUTPUTS.get(request.type, ()) if self.preview and not request.importId else ()
        for key in _COMPUTED_OUTPUTS.get(request.type, ()):
            response.object[key] = UNKNOWN
        self.rendered.resources.append(
            Registration(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=bool(request.custom),
                inputs=protostruct.to_dict(request.object),
                protect=bool(request.protect),
                dependencies=list(request.dependencies),
                property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
                delete_before_replace=bool(request.deleteBeforeReplace),
                retain_on_delete=bool(request.retainOnDelete),
                import_id=request.importId,
                additional_secret_outputs=list(request.additionalSecretOutputs),
                provider=request.provider,
                computed=computed,
            )
        )
        return response

    def ReadResource(self, request):
        # Reads (a StackReference, an existing resource) are recorded like registrations.
        self._thread_loop()
        self.check_default_provider(request)
        response = super().ReadResource(request)
        if request.type == STACK_REFERENCE_TYPE:
            with self._lock:
                self.rendered.notes.append(stack_reference_note(request.id))
        self.rendered.resources.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=True,
                inputs=protostruct.to_dict(request.properties),
                protect=False,
                dependencies=list(request.dependencies),
                property_dependencies={},
                delete_before_replace=False,
                retain_on_delete=False,
                import_id="",
                additional_secret_outputs=list(request.additionalSecretOutputs),
                provider=request.provider,
            )
        )
        return response


class _LogCollector(logging.Handler):
    def __init__(self, rendered: Rendered) -> None:
        super().__init__(logging.INFO)
        self.rendered = rendered

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.INFO:
            self.rendered.logs.append((record.levelname.lower(), record.getMessage()))


def _resolve_outputs(outputs: dict[str, Any]) -> dict[str, Any]:
    """Serialize stack outputs as the engine stores them: secrets keep their wrapper."""

    async def serialize() -> dict[str, Any]:
        return await internals.serialize_properties(outputs, {})

    struct = internals.sync_await(serialize())
    return json_format.MessageToDict(struct) if not isinstance(struct, dict) else struct


@contextmanager
def recording(
    stack: str,
    config: dict[str, str] | None = None,
    secret_keys: list[str] | None = None,
    project: str = PROJECT,
    preview: bool = True,
) -> Iterator[Rendered]:
    """Pulumi's mock runtime with a monitor that records every registration, for one run.

    The runs themselves (a program, or a component under `@pulumi.runtime.test`) happen inside
    the block; `Rendered.resources` then holds each registration with its options.
    """
    rendered = Rendered(project=project, stack=stack)
    logger = logging.getLogger(f"vital.synth.{stack}")
    logger.propagate = False
    logger.handlers[:] = [_LogCollector(rendered)]
    logger.setLevel(logging.INFO)  # the runtime's debug chatter is never collected

    # Each run gets an event loop of its own, as each `pulumi up` gets a language host of its
    # own: a task an earlier run left pending (one a config error abandoned) would otherwise run
    # on in this one, and the SDK's wait for outstanding outputs could await it forever. It also
    # makes a forked child safe: no loop (nor executor thread) is inherited from its parent.
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(_quiet_run_errors)
    asyncio.set_event_loop(loop)  # before set_mocks, whose root Stack makes futures on it
    monitor = _RecordingMonitor(rendered, preview, dict(config or {}), list(secret_keys or []))
    try:
        internals.reset_program_state()  # a fresh root Stack for every run in this process
        pulumi.runtime.set_mocks(
            _Mocks(), project=project, stack=stack, preview=preview, logger=logger, monitor=monitor
        )
        pulumi.runtime.set_all_config(dict(config or {}), list(secret_keys or []))
        with internals.without_source_positions():
            yield rendered
    finally:
        monitor.close()
        _close(loop)


def _close(loop: asyncio.AbstractEventLoop) -> None:
    """What asyncio.run does at the end: cancel what is left, stop the executor's threads, close."""
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()
    asyncio.set_event_loop(None)


def _quiet_run_errors(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    """A RunError (a config error, a duplicate URN) is reported once, as one line, by the run
    that raised it; the SDK's other futures that carry it are not printed again at exit."""
    if not isinstance(context.get("exception"), pulumi.RunError):
        loop.default_exception_handler(context)


def run_program(
    stack: str,
    config: dict[str, str],
    secret_keys: list[str],
    project: str = PROJECT,
    preview: bool = True,
    program: Path = PROGRAM,
) -> Rendered:
    """Run __main__.py for one stack with the given (decrypted or placeholder) config.

    Raises pulumi.RunError for an error the program reports on purpose (bad config).
    """
    with recording(stack, config, secret_keys, project, preview) as rendered:
        internals.sync_await(internals.run_pulumi_func(lambda: runpy.run_path(str(program), run_name="__main__")))
        root = internals.root_resource()
        rendered.outputs = _resolve_outputs(dict(root.outputs)) if root is not None else {}
    return rendered


def redact(value: Any) -> Any:
    """Replace every secret with "[secret]" and every unknown with "[unknown]"."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == SECRET_VALUE:
            return SECRET_TEXT
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if value == UNKNOWN:
        return UNKNOWN_TEXT
    return value
