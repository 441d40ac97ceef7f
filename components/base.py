"""A small base for the program's components (Pulumi's component guide, stelvio-style)."""

from __future__ import annotations

from typing import ClassVar

import pulumi


class VitalComponent(pulumi.ComponentResource):
    """A component whose children are parented to it and named after it.

    Subclasses set TYPE (`vital:<module>:<Type>`) and call `self.done(outputs)` last.
    """

    TYPE: ClassVar[str]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self._name = name

    def child(self, suffix: str) -> str:
        """Child names derive from the component's, so two instances never collide."""
        return f"{self._name}-{suffix}"

    def opts(self, **kwargs) -> pulumi.ResourceOptions:
        # protect is set per child, never on the component: Pulumi children inherit
        # protect from their parent, and a protected env var could not be replaced.
        return pulumi.ResourceOptions(parent=self, **kwargs)

    def done(self, outputs: dict) -> None:
        for key, value in outputs.items():
            setattr(self, key, value)
        self.register_outputs(outputs)
