"""Env vars are one ProjectEnvironmentVariable each; `envVarMode` (the bulk resource) is retired:
a stack file that still sets it is refused with one line naming what replaced it, exit 2."""

import pytest

from tests.stacks import with_config
from tools.synth import main


@pytest.mark.parametrize("mode", ["bulk", "per-variable"])
def test_envvarmode_is_refused_with_one_line_naming_what_replaced_it(tmp_path, capsys, mode):
    assert main(["--stack", "production", "--config-file", str(with_config("production", tmp_path, envVarMode=mode))]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err == (
        f"synth: stack 'production': config 'vital-expert-infra:envVarMode': found '{mode}'; allowed: nothing; "
        "envVarMode is retired: every env var is its own ProjectEnvironmentVariable (the bulk resource saved no "
        "time a user would notice: bench/results.md); remove the key\n")

