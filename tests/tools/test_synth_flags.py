"""synth's JSON is what `print(json.dumps(...))` prints, and its retired flags (`--jobs`,
`--policy-process`) answer with one line naming what replaced them, exit 2."""

from __future__ import annotations

import io
import json

import pytest

from tools.entry import EXIT_USAGE
from tools.synth import main, write_json


@pytest.mark.parametrize("value", [{"a": [1, {"b": "x\ny"}], "e": {}, "f": []}, [], [{"a": 1}, {"b": [2, "ü"]}], "s"])
def test_write_json_is_print_json_dumps_byte_for_byte(value):
    out = io.StringIO()
    write_json(value, out)
    assert out.getvalue() == json.dumps(value, indent=2) + "\n"


JOBS = "synth: {} was retired: stacks render one after another in one process; drop the flag\n"
PROCESS = ("synth: {} was retired: the policy pack runs in this process, driven with the requests "
           "the CLI sends; drop the flag\n")


@pytest.mark.parametrize("argv, message", [  # the line names what was given, value included
    (["--jobs", "2"], JOBS.format("--jobs 2")),
    (["--jobs"], JOBS.format("--jobs")),
    (["--stack", "preview", "--jobs=1"], JOBS.format("--jobs 1")),
    (["--policy-process"], PROCESS.format("--policy-process")),
    (["--policy-process=1"], PROCESS.format("--policy-process")),
    (["--no-policy", "--policy-process"], PROCESS.format("--policy-process")),
    (["--policy-process", "--no-policy"], PROCESS.format("--policy-process")),
    (["--diff", "HEAD", "--jobs", "1"], JOBS.format("--jobs 1")),  # refused before the diff starts
])
def test_a_retired_flag_is_one_line_naming_what_replaced_it_exit_2(capsys, argv, message):
    assert main(argv) == EXIT_USAGE
    out = capsys.readouterr()
    assert out.out == "" and out.err == message


def test_help_no_longer_offers_the_retired_flags(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "--jobs" not in text and "--policy-process" not in text and "--no-policy" in text


def test_synth_freezes_the_heap_only_after_importing_what_the_program_imports(tmp_path, monkeypatch):
    import gc
    import importlib

    from tools import synth

    program = tmp_path / "__main__.py"
    program.write_text("import json, email.message\nfrom pathlib import Path\nfrom . import sibling\nx = 1\n")
    calls: list[str] = []
    monkeypatch.setattr(importlib, "import_module", lambda name: calls.append(name))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("<freeze>"))
    monkeypatch.setattr(gc, "enable", lambda: calls.append("<enable>"))
    synth.freeze_imports(program)
    # A relative import is the program's own; the collector back on only once the imports are frozen.
    assert calls == ["json", "email.message", "pathlib", "<freeze>", "<enable>"]


@pytest.mark.parametrize("own_process, frozen", [(True, True), (False, False)])
def test_only_synths_own_process_freezes(own_process, frozen):
    import subprocess
    import sys

    from tests.stacks import ROOT

    code = ("import gc, io, contextlib, tools.synth as s\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            f"    code = s.main(['--stack', 'preview', '--no-policy'], own_process={own_process})\n"
            "print(code, gc.get_freeze_count() > 0, 'program.build' in __import__('sys').modules, gc.isenabled())\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["0", str(frozen), "True", "True"], done.stderr[-2000:]  # the collector on again
