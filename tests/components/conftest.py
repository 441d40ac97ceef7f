"""Component tests: each component built alone from a spec, under recording mocks."""

from __future__ import annotations

from typing import Any

import pytest

from tools.mockrt import Registration, Rendered, recording


@pytest.fixture
def recorder():
    """The mock runtime, recording every registration (with its options) of the test's run."""
    with recording("unit") as rendered:
        yield rendered


def of_type(rendered: Rendered, suffix: str) -> list[Registration]:
    return [r for r in rendered.resources if r.type.endswith(suffix)]


def one(rendered: Rendered, suffix: str) -> Registration:
    found = of_type(rendered, suffix)
    assert len(found) == 1, f"expected one {suffix}, found {[r.name for r in found]}"
    return found[0]


def secret_value(value: Any) -> Any:
    """The value inside the engine's secret wrapper; fails when the value is not wrapped."""
    assert isinstance(value, dict) and value.get("4dabf18193072939515e22adb298388d") == "1b47061264138c4ac30d75fd1eb44270", value
    return value["value"]


def build(make):
    """Build a component under `@pulumi.runtime.test`; returns it once all its registrations finished."""
    import pulumi

    made = []

    @pulumi.runtime.test
    def run():
        made.append(make())
        return made[0].urn

    run()
    return made[0]


def component(rendered: Rendered, type_token: str) -> Registration:
    found = [r for r in rendered.resources if r.type == type_token]
    assert len(found) == 1, found
    return found[0]
