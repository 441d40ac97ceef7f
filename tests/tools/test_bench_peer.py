"""The benchmark's peer follows the committed stacks and registers what they register; the import
list reads importtime's lines; `synth --no-policy` loads nothing of the pack's runner; the pack
timed on its own runs over every committed stack."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from tests.stacks import ROOT, TIERS
from dev import importlist, peer


@pytest.fixture(scope="module")
def spec(committed):
    return peer.peer_spec(committed[s] for s in TIERS)


def test_the_spec_counts_each_type_of_each_committed_stack(committed, spec):
    for stack in spec["stacks"]:
        doc = committed[stack["stack"]]
        assert {t["type"]: t["count"] for t in stack["types"]} == Counter(r["type"] for r in doc["resources"])
        for entry in stack["types"]:  # each type's inputs: its first resource's in synth's order
            assert entry["inputs"] == next(r["inputs"] for r in doc["resources"] if r["type"] == entry["type"])


@pytest.mark.parametrize("flags", [[], ["--freeze"]])
def test_the_peer_registers_as_many_resources_as_synth_renders(committed, spec, tmp_path, flags):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    done = subprocess.run([sys.executable, "-m", "dev.peer", str(path), *flags], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == {s: len(committed[s]["resources"]) for s in TIERS}


def test_an_input_the_class_does_not_take_is_refused_by_name():
    import pulumiverse_vercel

    with pytest.raises(ValueError, match=r"^peer: vercel:index/project:Project has no argument 'no_such_input' "
                                         r"\(input 'noSuchInput'\); allowed: \["):
        peer._kwargs(pulumiverse_vercel.Project, "vercel:index/project:Project", {"noSuchInput": 1}, None)
    assert peer._kwargs(pulumiverse_vercel.Project, "t", {"rootDirectory": "a", "name": "b"}, None) == \
        {"root_directory": "a", "name": "b"}


def test_usage_is_one_line_and_exit_2(capsys):
    assert peer.main([]) == 2
    assert capsys.readouterr().err.count("\n") == 1


IMPORTTIME = """import time: self [us] | cumulative | imported package
import time:       120 |        120 |     _io
import time:      1500 |       2000 |   pulumi.runtime
import time:       300 |       2300 | pulumi
import time:       700 |        700 | jsonschema
"""


def test_importtime_lines_are_read_and_summed_by_package():
    rows = importlist.parse(IMPORTTIME)
    assert rows == [("_io", 120, 120), ("pulumi.runtime", 1500, 2000), ("pulumi", 300, 2300), ("jsonschema", 700, 700)]
    after = {"packages": {"pulumi": 1.8, "jsonschema": 0.7}, "total_ms": 2.6, "modules": {"pulumi", "jsonschema"}}
    table = importlist.top_ten(None, after, "x")
    assert table[4] == "| 1 |  |  | `pulumi` | 2 |" and table[5] == "| 2 |  |  | `jsonschema` | 1 |"
    assert "| `jsonschema` | (not measured) | yes |" in importlist.watched(None, after)


def test_synth_without_the_pack_imports_nothing_of_its_runner():
    code = ("import sys, io, contextlib\nfrom tools import synth\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            "    assert synth.main(['--stack', 'preview', '--no-policy']) == 0\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pulumi_policy', 'jsonschema', 'jsonschema_rs',"
            " 'detect_secrets', 'requests') or m in ('tools.policy.analyzer', 'tools.policy.inprocess', 'dev.pack_process', 'dev.pack_client')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_the_hand_written_notes_survive_a_new_benchmark(tmp_path):
    from dev import bench

    results = tmp_path / "results.md"
    assert bench.kept_notes(results) == ""
    results.write_text(f"# Benchmark\nold numbers\n{bench.NOTES_MARKER}\n## Notes\nkept\n")
    assert bench.kept_notes(results) == f"{bench.NOTES_MARKER}\n## Notes\nkept\n"


def test_the_report_says_other_work_competed_only_when_the_load_passed_the_cores(monkeypatch):
    from dev import machine

    monkeypatch.setattr(machine.os, "cpu_count", lambda: 2)
    assert "nothing else competed" in machine.load_note("1.23, 0.46, 0.17", "2.00, 0.65, 0.26")
    assert "other work ran beside" in machine.load_note("1.23, 0.46, 0.17", "2.01, 0.65, 0.26")
    assert "other work ran beside" in machine.load_note("3.08, 3.03, 3.02", "1.10, 1.00, 1.00")


def test_the_pack_timed_on_its_own_runs_over_every_committed_stack():
    done = subprocess.run([sys.executable, "-m", "dev.bench", "--probe-pack"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    assert found["stacks"] == len(TIERS) and 0 < found["pack_s"] < 60
