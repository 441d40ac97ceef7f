"""The policy runner's errors, in a module of their own so that a command that may never run the
pack (`synth --no-policy`) can catch them without importing the runner (gRPC clients, jsonschema)."""

from __future__ import annotations


class PolicyPackError(RuntimeError):
    """The pack failed to start, answer or stop; one line."""


class PolicyConfigError(ValueError):
    """A bad --policy-pack-config: one line naming the policy, the property, the value and what is allowed."""
