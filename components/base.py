"""A small base for the program's components (Pulumi's component guide, stelvio-style).

Each component declares its outputs as a frozen dataclass and hands one to `done()`: the
attributes are typed where the program reads them (`app.outputs.project_id`), and nothing
sets an attribute by name. Pulumi's guide: a component registers its children with
`parent=self` and ends with `register_outputs` (pulumi.com/docs/iac/concepts/resources/components/).
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import pulumi


class DataclassInstance(Protocol):
    """What dataclasses.fields() takes: an instance of a dataclass (typeshed's _typeshed.DataclassInstance)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


OutputsT = TypeVar("OutputsT", bound=DataclassInstance)


class VitalComponent(pulumi.ComponentResource, Generic[OutputsT]):
    """A component whose children are parented to it and named after it.

    Subclasses set TYPE (`vital:<module>:<Type>`) and call `self.done(<their Outputs>)` last.
    """

    TYPE: ClassVar[str]
    outputs: OutputsT

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self._name = name

    def child(self, suffix: str) -> str:
        """Child names derive from the component's, so two instances never collide."""
        return f"{self._name}-{suffix}"

    def opts(self, **kwargs: Any) -> pulumi.ResourceOptions:
        # protect is set per child, never on the component: Pulumi children inherit
        # protect from their parent, and a protected env var could not be replaced.
        return pulumi.ResourceOptions(parent=self, **kwargs)

    def done(self, outputs: OutputsT) -> None:
        """Keep the component's frozen outputs and register them with the engine, field by field
        (not dataclasses.asdict, which deep-copies every value, Outputs included)."""
        self.outputs = outputs
        self.register_outputs({field.name: getattr(outputs, field.name) for field in dataclasses.fields(outputs)})
