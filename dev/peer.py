"""The benchmark's peer: a plain Pulumi program of the committed stacks' size and resource mix.

Development tooling for `make bench` (dev/bench.py), never operator code. synth renders the real
program with a config model, a recording monitor and a policy pack; the peer is what a team would
write without any of them: the same resources, registered with the same provider SDK classes, run
under the SDK's own mocks (`pulumi.runtime.set_mocks` and `@pulumi.runtime.test`, the SDK's unit
testing runtime: pulumi/runtime/mocks.py), one stack after another in one process. Its time is what
the Pulumi SDK itself costs for this many resources, so synth's ratio to it is synth's own overhead.

    python -m dev.peer SPEC.json     registers each stack of the spec; prints {stack: registrations}

The spec follows the committed stacks (`peer_spec`, from synth's JSON of them): per stack, each
resource type's count and the inputs of its first resource, which every resource of that type is
given (so the resources weigh what synth's weigh). Each component type is a plain
`pulumi.ComponentResource`; a secret input ("[secret]" in synth's JSON) is `Output.secret`; an
input synth shows as unknown is the `id` of the custom resource registered before it (an Output,
as the real program wires one resource to another).
"""

from __future__ import annotations

import gc
import sys

if __name__ == "__main__" and "--freeze" in sys.argv[1:]:
    gc.disable()  # as synth's own process: the collector off until the SDK imports are frozen (main)

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pulumi
import pulumi.dynamic

from tools.entry import EXIT_USAGE, OneLineParser, UsageError

# Each provider package's Python SDK module (the same classes the components use).
SDK_MODULES = {"vercel": "pulumiverse_vercel", "github": "pulumi_github", "upstash": "upstash_pulumi"}
DYNAMIC = "pulumi-python:dynamic:Resource"
SECRET, UNKNOWN = "[secret]", "[unknown]"  # how synth's JSON shows them (tools/mockrt.py)


def peer_spec(docs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The peer's spec from synth's documents: per stack, per type, the count and the first inputs."""
    stacks = []
    for doc in docs:
        counts = Counter(r["type"] for r in doc["resources"])
        first: dict[str, Any] = {}
        for r in doc["resources"]:
            first.setdefault(r["type"], r["inputs"])
        stacks.append(
            {
                "project": doc["project"],
                "stack": doc["stack"],
                "types": [{"type": t, "count": n, "inputs": first[t]} for t, n in sorted(counts.items())],
            }
        )
    return {"stacks": stacks}


class _Mocks(pulumi.runtime.Mocks):
    """The SDK's mocks as its docs show them: each resource's inputs back as its state."""

    def __init__(self) -> None:
        self.registered = 0

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.registered += 1
        return f"{args.name}-id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


class _Settings(pulumi.dynamic.ResourceProvider):
    """A dynamic provider, as the program's Supabase settings are one (its methods never run in a preview)."""


class _Dynamic(pulumi.dynamic.Resource):
    """A dynamic resource: type `pulumi-python:dynamic:Resource`, as every Python one without a module."""


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _value(value: Any, wire: pulumi.Output | None) -> Any:
    if value == SECRET:
        return pulumi.Output.secret(SECRET)
    if value == UNKNOWN and wire is not None:
        return wire
    if isinstance(value, dict):
        return {k: _value(v, wire) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v, wire) for v in value]
    return value


def _resource_class(type_: str):
    package, _, rest = type_.partition(":")
    module = sys.modules.get(SDK_MODULES.get(package, "")) or __import__(SDK_MODULES[package])
    return getattr(module, rest.rsplit(":", 1)[-1])


def _kwargs(cls, type_: str, inputs: Mapping[str, Any], wire: pulumi.Output | None) -> dict[str, Any]:
    """The engine-named (camelCase) inputs as the class's keyword arguments; an unknown one is an error."""
    accepted = cls._internal_init.__code__.co_varnames
    kwargs = {}
    for key, value in inputs.items():
        name = _snake(key)
        if name not in accepted:
            raise ValueError(f"peer: {type_} has no argument {name!r} (input {key!r}); allowed: {sorted(accepted)}")
        kwargs[name] = _value(value, wire)
    return kwargs


def _register(type_: str, name: str, inputs: Mapping[str, Any], wire: pulumi.Output | None) -> pulumi.Resource:
    if type_ == DYNAMIC:
        # The SDK adds the serialized provider (`__provider`) itself.
        own = {k: v for k, v in inputs.items() if not k.startswith("__")}
        return _Dynamic(_Settings(), name, _value(own, wire))
    if type_.partition(":")[0] not in SDK_MODULES:  # a component of the program's own
        component = pulumi.ComponentResource(type_, name)
        component.register_outputs({})
        return component
    cls = _resource_class(type_)
    return cls(name, **_kwargs(cls, type_, inputs, wire))


def run_stack(stack: Mapping[str, Any]) -> int:
    """Register one stack of the spec under the SDK's mocks; the registrations the mocks answered."""
    mocks = _Mocks()
    pulumi.runtime.set_mocks(mocks, project=stack["project"], stack=stack["stack"], preview=True)

    @pulumi.runtime.test
    def program():
        wire: pulumi.Output | None = None
        for entry in stack["types"]:
            short = entry["type"].rsplit(":", 1)[-1].lower()
            for i in range(entry["count"]):
                resource = _register(entry["type"], f"{short}-{i}", entry["inputs"], wire)
                if isinstance(resource, pulumi.CustomResource):
                    wire = resource.id
        return wire

    program()
    return mocks.registered


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m dev.peer", description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, help="the spec dev.bench writes from the committed stacks")
    parser.add_argument(
        "--freeze",
        action="store_true",
        help="the collector off while the SDKs import, then gc.freeze(), as synth's own process does",
    )
    try:
        args = parser.parse_args(argv)
    except UsageError as err:
        print(f"python -m dev.peer: {err}", file=sys.stderr)
        return EXIT_USAGE
    spec = json.loads(args.spec.read_text())
    if args.freeze:
        for module in SDK_MODULES.values():
            __import__(module)
        gc.freeze()
        gc.enable()
    print(json.dumps({stack["stack"]: run_stack(stack) for stack in spec["stacks"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
