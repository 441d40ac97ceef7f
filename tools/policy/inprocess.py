"""The policy pack served in this process: pulumi-policy's own analyzer servicer, driven with the
requests the CLI sends, without gRPC or a subprocess (synth's and the diff's default).

The pack's entry point (`policies/__main__.py`) runs as `python -m pulumi.policy` runs it, with
PolicyPack recording its arguments instead of serving (vital/pulumi_internals.py builds the
servicer from them). Then, as the CLI: Handshake and ConfigureStack (optional), GetAnalyzerInfo,
Configure with the reconciled pack config, Analyze for every custom resource and one
AnalyzeStack, each built by tools/policy/analyzer.py, the same builders the gRPC client (dev/pack_client.py) uses.
Every call runs inside `analyzer_runtime`: the stack, its config and an environment without the
CLI's variables, set for the call and restored after it, so nothing leaks from one stack to the
next. The CLI-identical launch is a test of the pack (dev/pack_process.py), not a product path.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2

from vital import pulumi_internals as internals

from ..mockrt import Registration
from ..projects import INFRA
from ..protostruct import OncePerCall
from .analyzer import (
    analyze_request,
    analyze_stack_request,
    configure_request,
    configure_stack_request,
    handshake_request,
    pack_info,
    properties_of,
)
from .config import PackInfo, resolve_pack_config
from .diagnostics import Diagnostic, to_violations
from .errors import PolicyPackError


class _Context:
    """What a gRPC servicer method gets as its context; records the status an unimplemented method sets."""

    code: Any = None

    def set_code(self, code: Any) -> None:
        self.code = code

    def set_details(self, details: str) -> None:
        pass


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no detail"


class InProcessPack:
    """One stack's pack in this process, with PackProcess's interface.

    with InProcessPack("vital-expert-infra", "production", config) as pack:
        result = pack.run(rendered.resources, pack_config)
    """

    def __init__(
        self,
        project: str,
        stack: str,
        config: Mapping[str, str] | None = None,
        dry_run: bool = True,
        pack_dir: Path = INFRA.pack_dir,
    ) -> None:
        self.project, self.stack, self.dry_run = project, stack, dry_run
        self.config = dict(config or {})
        self.pack_dir = Path(pack_dir)
        self.servicer: Any = None
        self.info: PackInfo | None = None
        self.startup_s: float | None = None  # load to GetAnalyzerInfo answered

    def __enter__(self) -> InProcessPack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> InProcessPack:
        started = time.perf_counter()
        with internals.analyzer_runtime(self.project, self.stack, self.config):
            try:
                self.servicer = internals.load_policy_pack(self.pack_dir)
            except Exception as err:
                raise PolicyPackError(
                    f"policy pack {self.pack_dir} failed to start: {type(err).__name__}: {_last_line(str(err))}"
                ) from None
        self._call("Handshake", handshake_request(self.pack_dir), optional=True)
        self._call(
            "ConfigureStack",
            configure_stack_request(self.project, self.stack, self.config, self.dry_run),
            optional=True,
        )
        self.info = pack_info(self._call("GetAnalyzerInfo", empty_pb2.Empty()), self.pack_dir)
        self.startup_s = time.perf_counter() - started
        return self

    def close(self) -> None:
        self.servicer = None

    def configure(self, pack_config: Mapping[str, Any] | None = None) -> dict[str, tuple[str, dict[str, Any]]]:
        """Validate the pack config against the schemas, then send it (replacing any earlier one)."""
        assert self.info is not None, "start() first"
        resolved = resolve_pack_config(self.info, pack_config)
        self._call("Configure", configure_request(resolved))
        return resolved

    def analyze(self, resources: Sequence[Registration]) -> list[dict[str, Any]]:
        """Analyze every custom resource, then the whole stack; the violations, sorted."""
        assert self.info is not None, "start() first"
        diagnostics: list[Diagnostic] = []
        properties = properties_of(resources)
        for reg, props in zip(resources, properties, strict=True):
            if reg.custom:
                response = self._call("Analyze", analyze_request(reg, props))
                # As the engine: a diagnostic without a URN belongs to the resource analyzed.
                diagnostics.extend(Diagnostic.from_proto(d, reg.urn) for d in response.diagnostics)
        response = self._call("AnalyzeStack", analyze_stack_request(resources, properties))
        diagnostics.extend(Diagnostic.from_proto(d) for d in response.diagnostics)
        return to_violations(diagnostics, resources, self.info)

    def run(self, resources: Sequence[Registration], pack_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self.configure(pack_config)
        return {"pack": self._label(), "violations": self.analyze(resources)}

    def _call(self, method: str, request: Any, optional: bool = False) -> Any:
        """One servicer method, as the gRPC server would call it, in the stack's runtime."""
        assert self.servicer is not None, "start() first"
        context = _Context()
        # Analyze and AnalyzeStack convert a resource's properties once, not once per policy (tools/protostruct.py).
        once = method in ("Analyze", "AnalyzeStack")
        conversions = internals.policy_conversions(OncePerCall()) if once else contextlib.nullcontext()
        with internals.analyzer_runtime(self.project, self.stack, self.config), conversions:
            try:
                return getattr(self.servicer, method)(request, context)
            except NotImplementedError:
                if optional:  # gRPC would answer UNIMPLEMENTED, which the CLI ignores for these
                    return None
                raise PolicyPackError(f"policy pack {self._label()}: {method} is not implemented") from None
            except Exception as err:
                raise PolicyPackError(
                    f"policy pack {self._label()}: {method} failed with {type(err).__name__}: {_last_line(str(err))}"
                ) from None

    def _label(self) -> str:
        return self.info.label if self.info else str(self.pack_dir)
