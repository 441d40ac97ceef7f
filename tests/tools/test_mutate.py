"""The mutation tool on a module of its own: it finds the mutants the tests kill and the ones
they miss, kills a run that outlives its deadline, and the report counts them."""

from __future__ import annotations

import multiprocessing

import pytest

from dev.mutate.cli import ROOT, mutate
from dev.mutate.report import Equivalent, Run, render
from dev.mutate.runner import KILLED, SURVIVED, TIMEOUT, Job, Pool
from dev.mutate.targets import TARGETS, Target

MODULE = "def is_adult(age):\n    return age >= 18\n"
TESTS = "from calc import is_adult\n\n\ndef test_adult():\n    assert is_adult(30)\n    assert not is_adult(3)\n"
CALC = Target("calc.py", ("tests/test_calc.py",))


def fresh(function, *args, **kwargs):
    """function(*args, **kwargs) in a freshly started interpreter, as `make mutate` runs: the runner
    forks its test runs, and forking this test process (a gigabyte of SDKs and gRPC threads
    under xdist) costs seconds per fork."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args, kwargs)


def run_pool(root, scratch, jobs, work):
    return Pool(root, scratch, jobs).run(work)


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    (tmp_path / "calc.py").write_text(MODULE)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_calc.py").write_text(TESTS)
    return tmp_path


def test_it_finds_the_killed_and_the_surviving_mutants_and_reports_them(tree):
    modules, outcomes = fresh(mutate, tree, (CALC,), jobs=2, timeout_factor=10, grace_s=30)
    status = {o.job.mutant.change: o.status for o in outcomes}
    assert status == {
        "return age >= 18 → return None": KILLED,
        "age >= 18 → age < 18": KILLED,
        "age >= 18 → age > 18": SURVIVED,  # the boundary, 18 itself, is never tested
        "18 → 19": SURVIVED,
    }
    assert (tree / "calc.py").read_text() == MODULE  # mutants live in scratch copies only

    same = Equivalent("calc.py", "return age >= 18", "18 → 19", "a stand-in reason")
    report = render(Run(modules, outcomes, [same], 75.0, 2, "today"))
    assert f"| `calc.py` | 1 files, {modules[0][2]:.1f} s | 4 | 1 | 2 | 0 | 1 | **67 %** |" in report
    assert "| 2 | compare | `age >= 18 → age > 18` |" in report
    assert "| `calc.py` | 2 | `18 → 19` | a stand-in reason |" in report
    assert "**1 min 15 s** on 2 parallel jobs" in report


def test_a_run_past_its_deadline_is_killed_as_timed_out(tree, tmp_path_factory):
    (tree / "tests" / "test_slow.py").write_text("import time\n\n\ndef test_slow():\n    time.sleep(600)\n")
    work = [Job("calc.py", ("tests/test_slow.py",), timeout_s=0.5)]
    [outcome] = fresh(run_pool, tree, tmp_path_factory.mktemp("scratch"), 1, work)
    assert outcome.status == TIMEOUT


def test_a_failing_baseline_is_one_line_naming_its_log(tree):
    (tree / "tests" / "test_calc.py").write_text(TESTS.replace("is_adult(30)", "is_adult(3)"))
    with pytest.raises(ValueError, match=r"^the tests of calc.py fail on the unmutated tree \(killed\); "
                                         r"their output is in \S+\.log$"):
        fresh(mutate, tree, (CALC,), jobs=1, timeout_factor=10, grace_s=30)


def test_every_module_and_test_file_of_the_table_exists():
    for target in TARGETS:
        assert (ROOT / target.path).is_file(), target.path
        assert all((ROOT / test).is_file() for test in target.tests), target.path
