"""The pack judges what the engine gives it (issue 26, item 4): the resources, the stack config as
the CLI passes it and the pack config. Cross-stack facts (the Supabase refs of the other tiers, the
budget across tiers) come through pack config (tools/policy/committed.py), never from a stack file.

Proved with a Python audit hook (sys.addaudithook; the "open" event is raised by open(), io.open_code,
os.open and Path.read_text/read_bytes alike: docs.python.org/3/library/audit_events.html): every file
the pack opens while it analyzes is recorded. Importing a module the pack loads lazily opens its
source or bytecode, which is code, not input; any other file is a finding.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.policies.helpers import PINNED_TODAY, render_committed, running_packs
from tools.policy.committed import committed
from vital.names import TIERS

# Files an import opens (source, bytecode, extension modules, package metadata the import system reads).
CODE_SUFFIXES = (".py", ".pyc", ".so", ".pth")
_opened: list[str] | None = None  # recording when a list


def _record(event: str, args: tuple) -> None:
    if _opened is not None and event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        _opened.append(str(args[0]))


sys.addaudithook(_record)  # a hook cannot be removed: it records only while _opened is a list


@pytest.fixture(scope="module")
def ready():
    stacks = render_committed()
    pack_config = {**committed(), **PINNED_TODAY}
    with running_packs(stacks) as packs:
        yield stacks, packs, pack_config


@pytest.mark.parametrize("stack", TIERS)
def test_the_pack_opens_no_file_while_it_judges_a_stack(ready, stack):
    global _opened
    stacks, packs, pack_config = ready
    # Checking the pack config against the policies' schemas is the CLI's part (tools/policy/config.py
    # stands in for it, with jsonschema): done once first, so what is recorded below is the pack's.
    packs[stack].configure(pack_config)
    _opened = []
    try:
        result = packs[stack].run(stacks[stack][0].resources, pack_config)
    finally:
        opened, _opened = _opened, None
    assert result["violations"] is not None  # the pack ran and answered
    assert [path for path in opened if not path.endswith(CODE_SUFFIXES)] == []


def test_the_hook_sees_a_file_read_so_the_test_can_fail(tmp_path):
    """The oracle: a read through pathlib while recording is recorded."""
    global _opened
    probe = tmp_path / "Pulumi.production.yaml"
    probe.write_text("config: {}\n")
    _opened = []
    try:
        probe.read_text()
    finally:
        opened, _opened = _opened, None
    assert opened == [str(probe)]
