"""The Analyzer protocol over gRPC, spoken to a policy pack's own process as the Pulumi CLI speaks it.

Handshake and ConfigureStack (both optional for the pack), GetAnalyzerInfo, then Configure
with every policy's config as the CLI reconciles it (tools/policy/config.py), then Analyze
for every custom resource and one AnalyzeStack for all resources, each request built by
tools/policy/analyzer.py, the builders the in-process path (synth's) sends too. A test of the
pack (dev/pack_process.py launches it), not a product path.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2_grpc

from tools.mockrt import Registration
from tools.policy.analyzer import (
    analyze_request,
    analyze_stack_request,
    configure_request,
    configure_stack_request,
    handshake_request,
    pack_info,
    properties_of,
)
from tools.policy.config import PackInfo, resolve_pack_config
from tools.policy.diagnostics import Diagnostic
from tools.policy.errors import PolicyPackError

# Analyze requests kept in flight at once (the pack's gRPC server runs 4 workers).
ANALYZE_WINDOW = 4


class AnalyzerClient:
    """One pack's Analyzer service at `address`; `stderr_tail` says how the pack's stderr ends."""

    def __init__(
        self, address: str, pack_dir: Path, call_timeout: float, stderr_tail: Callable[[], str] = lambda: ""
    ) -> None:
        self.pack_dir, self.call_timeout, self.stderr_tail = pack_dir, call_timeout, stderr_tail
        self.channel = grpc.insecure_channel(address)
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self.info: PackInfo | None = None

    def close(self) -> None:
        self.channel.close()

    def introduce(
        self, project: str, stack: str, config: Mapping[str, str], dry_run: bool, left: Callable[[], float]
    ) -> PackInfo:
        """Wait for the channel, then Handshake, ConfigureStack and GetAnalyzerInfo, each within `left()` seconds."""
        grpc.channel_ready_future(self.channel).result(timeout=left())
        self._optional(self.stub.Handshake, handshake_request(self.pack_dir), left())
        self._optional(self.stub.ConfigureStack, configure_stack_request(project, stack, config, dry_run), left())
        self.info = pack_info(self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=left()), self.pack_dir)
        return self.info

    def _optional(self, method, request, timeout: float) -> None:
        try:
            method(request, timeout=timeout)
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise

    def configure(self, pack_config: Mapping[str, Any] | None = None) -> dict[str, tuple[str, dict[str, Any]]]:
        """Validate the pack config against the schemas, then send it (replacing any earlier one)."""
        assert self.info is not None, "introduce() first"
        resolved = resolve_pack_config(self.info, pack_config)
        request = configure_request(resolved)
        self._call("Configure", request)
        return resolved

    def analyze(self, resources: Sequence[Registration]) -> list[Diagnostic]:
        """Analyze every custom resource, then the whole stack; the pack's diagnostics."""
        diagnostics: list[Diagnostic] = []
        # A few requests in flight at once: this process builds the next request while the
        # pack (another process, so another core) answers the last one.
        in_flight: deque[tuple[Any, Registration]] = deque()

        def collect() -> None:
            future, reg = in_flight.popleft()
            response = self._result("Analyze", future)
            # A resource policy's "can't run during preview" diagnostic carries no URN; the
            # engine attributes it to the resource analyzed.
            diagnostics.extend(Diagnostic.from_proto(d, reg.urn) for d in response.diagnostics)

        properties = properties_of(resources)
        for reg, props in zip(resources, properties, strict=True):
            if not reg.custom:
                continue
            in_flight.append((self.stub.Analyze.future(analyze_request(reg, props), timeout=self.call_timeout), reg))
            if len(in_flight) >= ANALYZE_WINDOW:
                collect()
        while in_flight:
            collect()
        response = self._call("AnalyzeStack", analyze_stack_request(resources, properties))
        return diagnostics + [Diagnostic.from_proto(d) for d in response.diagnostics]

    def _call(self, method: str, request):
        return self._result(method, getattr(self.stub, method).future(request, timeout=self.call_timeout))

    def _result(self, method: str, future):
        try:
            return future.result()
        except grpc.RpcError as err:
            # A rule that raises (anything but UnknownValueError) fails the whole call.
            detail = (err.details() or "").strip().splitlines()
            raise PolicyPackError(
                f"policy pack {self.info.label if self.info else self.pack_dir}: {method} failed with "
                f"{err.code().name}: {detail[-1] if detail else 'no detail'}; its stderr ends: "
                f"{self.stderr_tail() or '(empty)'}"
            ) from None
