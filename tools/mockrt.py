"""Run the real program under Pulumi's mock runtime and record everything it registers: no CLI,
backend, provider plugin or credential. The program's `__main__.py` runs exactly as the language host
runs it; a recording monitor captures each RegisterResource request (type, name, parent, inputs,
options) the way the engine would receive it."""

from __future__ import annotations

import asyncio
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
from .engine_answers import (
    COMPUTED_OUTPUTS,
    STACK_REFERENCE_TYPE,
    UNKNOWN,
    UNKNOWN_TEXT,
    Mocks,
    mock_id,
    stack_reference_note,
)

PROGRAM = ROOT / "__main__.py"

SECRET_SIG = internals.SECRET_SIG_KEY
SECRET_VALUE = internals.SECRET_SIG_VALUE

# sdk/go/common/resource/urn/urn.go (NameDelimiter, TypeDelimiter) and tokens.RootStackType.
_URN_DELIMITER = "::"
_TYPE_DELIMITER = "$"
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


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


class _RecordingMonitor(internals.MockMonitor):
    def __init__(self, rendered: Rendered, preview: bool, config: dict[str, str], secret_keys: list[str]) -> None:
        super().__init__(Mocks())
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
            urn=urn, id=mock_id(request, self.preview), object=request.object
        )
        computed = COMPUTED_OUTPUTS.get(request.type, ()) if self.preview and not request.importId else ()
        for key in COMPUTED_OUTPUTS.get(request.type, ()):
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
        pulumi.runtime.set_mocks(Mocks(), project=project, stack=stack, preview=preview, logger=logger, monitor=monitor)
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
