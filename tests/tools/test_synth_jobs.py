"""synth's stacks forked after the imports (`--jobs`) print exactly what one process prints, and
its new flags answer bad input with one line and exit 2."""

from __future__ import annotations

import io
import json

import pytest

from tests.policies.helpers import PINNED_TODAY
from tools.entry import EXIT_USAGE
from tools.forked import run_all
from tools.synth import main, write_json


def _run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_forked_stacks_print_byte_for_byte_what_one_process_prints(tmp_path, capsys):
    # JSON only: the children return each stack's document and the parent formats them all, so
    # the markdown of equal documents is equal (tools/synth.py `_print`).
    pack_config = tmp_path / "policy.json"
    pack_config.write_text(json.dumps(PINNED_TODAY))
    argv = ["--stack", "all", "--format", "json", "--policy-pack-config", str(pack_config)]
    sequential = _run(capsys, [*argv, "--jobs", "1"])
    forked = _run(capsys, [*argv, "--jobs", "2"])
    assert forked == sequential
    assert sequential[0] == 0 and "production" in sequential[1] and "preview" in sequential[1]


def _square(n: int) -> int:
    if n < 0:
        raise ValueError(f"negative: {n}")
    return n * n


def test_run_all_keeps_the_input_order_and_raises_a_child_error_here():
    assert run_all(_square, [3, 1, 2, 5], jobs=2) == [9, 1, 4, 25]
    assert run_all(_square, [3], jobs=2) == [9]
    with pytest.raises(ValueError, match="negative: -1"):
        run_all(_square, [2, -1, 3], jobs=2)


@pytest.mark.parametrize("value", [{"a": [1, {"b": "x\ny"}], "e": {}, "f": []}, [], [{"a": 1}, {"b": [2, "ü"]}], "s"])
def test_write_json_is_print_json_dumps_byte_for_byte(value):
    out = io.StringIO()
    write_json(value, out)
    assert out.getvalue() == json.dumps(value, indent=2) + "\n"


@pytest.mark.parametrize("argv, message", [
    (["--jobs", "0"], "argument --jobs: found '0'; allowed: a whole number of at least 1"),
    (["--jobs", "two"], "argument --jobs: found 'two'; allowed: a whole number of at least 1"),
    (["--jobs"], "argument --jobs: expected one argument"),
    (["--no-policy", "--policy-process"], "--policy-process cannot be used with --no-policy"),
])
def test_bad_new_flags_are_one_line_exit_2(capsys, argv, message):
    code, out, err = _run(capsys, argv)
    assert code == EXIT_USAGE and out == "" and err.count("\n") == 1 and err.startswith("synth: ") and message in err


def test_the_process_path_prints_what_the_default_prints(capsys):
    argv = ["--stack", "preview", "--jobs", "1"]
    assert _run(capsys, [*argv, "--policy-process"]) == _run(capsys, argv)


def test_the_parent_takes_back_what_it_froze_for_the_children():
    import gc

    assert gc.get_freeze_count() == 0
    assert run_all(_square, [1, 2], jobs=2) == [1, 4]
    assert gc.get_freeze_count() == 0  # a long-lived process (a test run) collects its garbage again
