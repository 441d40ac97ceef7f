"""A protobuf Struct as Python data, exactly as google.protobuf.json_format.MessageToDict gives it,
in fewer steps; and the json_format a policy pack's servicer calls, converting each Struct once.

json_format walks every value through its generic printer (descriptor look-ups, a oneof switch,
a field-type switch) in pure Python; for a Struct that comes to: a Value without a kind or with
`null_value` is None, `list_value` a list, `struct_value` a dict, `string_value` and `bool_value`
as they are, `number_value` the float unless it is infinite or NaN, which it refuses with
ValueError (protobuf 5.29 python/google/protobuf/json_format.py, _Printer._ValueMessageToJsonObject,
_StructMessageToJsonObject, _ListValueMessageToJsonObject, _FieldToJsonObject). `to_dict` does
exactly that; tests/tools/test_protostruct.py holds it to json_format's answers, key order included.

pulumi-policy's servicer converts a resource's properties again for every policy it runs
(pulumi_policy/policy.py, Analyze and AnalyzeStack: `unknown_checking_proxy(deserialize_properties(
json_format.MessageToDict(...)))` inside the loop over policies). `OncePerCall` stands in for those
three during one call (vital/pulumi_internals.py, `policy_conversions`): a Struct it has converted
in that call is handed over again, deserialized and wrapped once, so every policy of the call reads
the same props. pulumi-policy would give each its own copy; sharing one is the same to a policy
that only reads, and the adapter refuses `props[key] = value` for the call (the proxies' only
setter). A policy that reaches past the proxy (`props["__target"]`, the proxy's private hook) and
writes there is not refused; no policy of this project does.
"""

from __future__ import annotations

import math
from typing import Any

from google.protobuf import json_format, struct_pb2

from vital import pulumi_internals as internals

_STRUCT = struct_pb2.Struct.DESCRIPTOR.full_name


def to_dict(struct: struct_pb2.Struct) -> dict[str, Any]:
    """`json_format.MessageToDict(struct)` for a google.protobuf.Struct."""
    return {key: _value(value) for key, value in struct.fields.items()}


def _value(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "struct_value":
        return to_dict(value.struct_value)
    if kind == "bool_value":
        return value.bool_value
    if kind == "number_value":
        number = value.number_value
        if math.isinf(number) or math.isnan(number):
            return json_format.MessageToDict(value)  # raises json_format's own ValueError
        return number
    if kind == "list_value":
        return [_value(item) for item in value.list_value.values]
    return None  # no kind, or null_value


class OncePerCall:
    """The json_format module and pulumi-policy's property steps, as one servicer call sees them:
    each Struct of the request converted, deserialized and wrapped once."""

    def __init__(self) -> None:
        self._deserialize, self._proxy = internals.policy_property_steps()
        self._done: dict[tuple[int, int], tuple[Any, Any]] = {}

    def MessageToDict(self, message: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or message.DESCRIPTOR.full_name != _STRUCT:
            return json_format.MessageToDict(message, *args, **kwargs)
        # By the message itself: protobuf (upb) hands out the same object for a request's field
        # while it lives, and _once keeps it alive for the call.
        return self._once(to_dict, message)

    def deserialize_properties(self, props: dict[str, Any], *args: Any) -> Any:
        return self._once(self._deserialize, props) if not args else self._deserialize(props, *args)

    def unknown_checking_proxy(self, props: dict[str, Any]) -> Any:
        return self._once(self._proxy, props)

    def _once(self, step: Any, value: Any) -> Any:
        """step(value), once per call for each step and value."""
        key = (id(step), id(value))
        found = self._done.get(key)
        if found is None:  # kept with `value`, so no other object takes its id during the call
            found = self._done[key] = (step(value), value)
        return found[0]

    def __getattr__(self, name: str) -> Any:
        return getattr(json_format, name)
