"""The Analyzer protocol's requests, built as the Pulumi CLI builds them.

Handshake and ConfigureStack (both optional for the pack), GetAnalyzerInfo, then Configure
with every policy's config as the CLI reconciles it (tools/policy/config.py), then Analyze
for every custom resource and one AnalyzeStack for all resources. Like the CLI, the pack's
version is PulumiPolicy.yaml's, not the one the pack reports. synth sends them to the pack's
servicer in this process (tools/policy/inprocess.py); the tests also send them over gRPC to the
pack launched as the CLI launches it (dev/pack_client.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from ..mockrt import UNKNOWN, Registration
from .config import PackInfo, PolicyMeta
from .diagnostics import LEVEL_VALUES, LEVELS

# Any string: nothing in the pack or pulumi.policy's runner connects to it (dev/pack_process.py).
ENGINE_ADDRESS = "127.0.0.1:0"


def pack_version(pack_dir: Path) -> str | None:
    manifest = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text()) or {}
    version = manifest.get("version")
    return str(version) if version else None


# ---- the requests, as the CLI builds them (shared with the in-process path, tools/policy/inprocess.py) ----


def handshake_request(pack_dir: Path) -> analyzer_pb2.AnalyzerHandshakeRequest:
    return analyzer_pb2.AnalyzerHandshakeRequest(
        engine_address=ENGINE_ADDRESS, root_directory=str(pack_dir), program_directory=str(pack_dir)
    )


def configure_stack_request(
    project: str, stack: str, config: Mapping[str, str], dry_run: bool
) -> analyzer_pb2.AnalyzerStackConfigureRequest:
    stack_config = struct_pb2.Struct()
    stack_config.update(dict(config))
    return analyzer_pb2.AnalyzerStackConfigureRequest(
        stack=stack, project=project, dry_run=dry_run, config=stack_config
    )


def pack_info(response: analyzer_pb2.AnalyzerInfo, pack_dir: Path) -> PackInfo:
    """GetAnalyzerInfo's answer as the CLI reads it."""
    policies = []
    for p in response.policies:
        schema = json_format.MessageToDict(p.configSchema.properties) if p.HasField("configSchema") else {}
        policies.append(
            PolicyMeta(
                name=p.name,
                description=p.description,
                enforcement_level=LEVELS.get(p.enforcementLevel, "advisory"),
                kind="stack" if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK else "resource",
                properties=schema,
                required=tuple(p.configSchema.required) if p.HasField("configSchema") else (),
            )
        )
    # As the CLI does: PulumiPolicy.yaml's version wins over the one the pack reports.
    version = pack_version(pack_dir) or response.version
    return PackInfo(name=response.name, version=version, policies=tuple(policies), reported_version=response.version)


def configure_request(resolved: Mapping[str, tuple[str, dict[str, Any]]]) -> analyzer_pb2.ConfigureAnalyzerRequest:
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, (level, props) in resolved.items():
        entry = request.policyConfig[name]
        entry.enforcementLevel = LEVEL_VALUES[level]
        json_format.ParseDict(props, entry.properties)
    return request


def analyze_request(reg: Registration, properties: struct_pb2.Struct | None = None) -> analyzer_pb2.AnalyzeRequest:
    """`properties`: the inputs already as a Struct (properties_of), so they are not converted twice."""
    return analyzer_pb2.AnalyzeRequest(
        type=reg.type, properties=properties or _struct(reg.inputs), urn=reg.urn, name=reg.name, options=_options(reg)
    )


def analyze_stack_request(
    resources: Sequence[Registration], properties: Sequence[struct_pb2.Struct] | None = None
) -> analyzer_pb2.AnalyzeStackRequest:
    structs = properties if properties is not None else [_struct(reg.inputs) for reg in resources]
    return analyzer_pb2.AnalyzeStackRequest(
        resources=[_stack_resource(reg, outputs_of(reg, s)) for reg, s in zip(resources, structs, strict=True)]
    )


def outputs_of(reg: Registration, properties: struct_pb2.Struct) -> struct_pb2.Struct:
    """What AnalyzeStack carries for a resource: its outputs, not its inputs (pulumi/pulumi
    pkg/resource/deploy/step_generator.go: "AnalyzeStack is called on the final outputs of each
    resource"). In a preview those are the inputs with what the provider computes on create
    unknown (tools/mockrt.py, Registration.computed)."""
    if not reg.computed:
        return properties
    outputs = struct_pb2.Struct()
    outputs.CopyFrom(properties)
    for key in reg.computed:
        outputs[key] = UNKNOWN
    return outputs


def properties_of(resources: Sequence[Registration]) -> list[struct_pb2.Struct]:
    """Each resource's inputs as the Struct every request carries, converted once for Analyze and AnalyzeStack."""
    return [_struct(reg.inputs) for reg in resources]


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


def _stack_resource(reg: Registration, properties: struct_pb2.Struct) -> analyzer_pb2.AnalyzerResource:
    return analyzer_pb2.AnalyzerResource(
        type=reg.type,
        properties=properties,
        urn=reg.urn,
        name=reg.name,
        options=_options(reg),
        parent=reg.parent,
        dependencies=reg.dependencies,
        # As the CLI: properties without dependencies are left out.
        propertyDependencies={
            k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v) for k, v in reg.property_dependencies.items() if v
        },
    )
