"""What the engine and the providers answer a program offline, as a first `pulumi preview` would:
the id of each registration, the outputs a provider computes on create (unknown in a preview),
the provider functions a program calls, and another stack's outputs (unknown). The recording
monitor (tools/mockrt.py) puts them together."""

from __future__ import annotations

import hashlib

import pulumi

from vital import pulumi_internals as internals

UNKNOWN = internals.UNKNOWN
UNKNOWN_TEXT = "[unknown]"
STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"

# Ids shaped like the real ones, so anything that parses them still works.
_ID_PREFIX = {
    "vercel:index/project:Project": "prj_",
    "vercel:index/projectRoute:ProjectRoute": "rt_",
}


# Outputs the provider computes on create: unknown during a preview, as the engine reports them.
COMPUTED_OUTPUTS = {
    "upstash:index/redisDatabase:RedisDatabase": ("endpoint", "password", "restToken", "readOnlyRestToken", "port"),
    # Vercel generates the bypass secret and the link's URL (its secret) on create.
    "vercel:index/projectProtectionBypass:ProjectProtectionBypass": ("secret",),
    "vercel:index/shareableLink:ShareableLink": ("secret", "url"),
}


def mock_id(request, preview: bool) -> str:
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


class Mocks(pulumi.runtime.Mocks):
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
