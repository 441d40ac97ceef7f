"""The recording mock runtime refuses what the engine refuses."""

from __future__ import annotations

import pulumi
import pytest

from tools.mockrt import recording
from vital import pulumi_internals as internals


class _Thing(pulumi.CustomResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:index:Thing", name, {"size": 1})


def test_two_resources_with_one_urn_are_refused_as_the_engine_does():
    with recording("unit") as rendered:
        with pytest.raises(pulumi.RunError, match=r"Duplicate resource URN 'urn:pulumi:unit::.*test:index:Thing::same'; "
                                                  r"try giving it a unique name"):
            internals.sync_await(internals.run_pulumi_func(lambda: (_Thing("same"), _Thing("same"))))
    assert [r.name for r in rendered.resources] == ["same"]


def test_distinct_names_register():
    with recording("unit") as rendered:
        internals.sync_await(internals.run_pulumi_func(lambda: (_Thing("a"), _Thing("b"))))
    assert sorted(r.name for r in rendered.resources) == ["a", "b"]
