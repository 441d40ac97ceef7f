"""Runs a target's tests against one mutant at a time, in scratch copies of the tree, on every core.

Each job slot owns a copy of the repository (without .git, the virtualenv and bytecode). A
mutant is written into its slot's copy of the file, the tests run there, and the file is put
back. The tests run in a child forked from this process, which has imported the heavy
third-party packages once (`preload`) and none of the project's modules, so each run pays for
pytest and the project's code only. The child runs pytest in the copy with the copy first on
sys.path and on PYTHONPATH: subprocesses the tests start (the policy pack, synth) run the
mutated code too. No bytecode is written, so a mutant never meets a stale .pyc of another.

A child that outlives its deadline is killed with its whole process group: a timeout.
"""

from __future__ import annotations

import configparser
import contextlib
import importlib
import os
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from .operators import Mutant

KILLED, SURVIVED, TIMEOUT = "killed", "survived", "timed out"
IGNORED = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", ".pytest_cache", "*.egg-info", "node_modules")
PYTEST_ARGS = ("-x", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly")
POLL_S = 0.02


@dataclass(frozen=True)
class Job:
    path: str  # the file under test, relative to the root
    tests: tuple[str, ...]
    timeout_s: float
    mutant: Mutant | None = None  # None: the baseline, the file as it is


@dataclass(frozen=True)
class Outcome:
    job: Job
    status: str
    seconds: float
    exit_code: int | None
    log: str  # the run's output (kept for the baseline's error line)


def preload(modules: Iterable[str]) -> None:
    """Import the heavy third-party packages once, here, so every forked run starts with them."""
    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def ini_pythonpath(root: Path) -> tuple[str, ...]:
    """The `pythonpath` entries of the root's pytest.ini: what the tests' subprocesses need on PYTHONPATH too."""
    parser = configparser.ConfigParser()
    parser.read(root / "pytest.ini")
    return tuple(parser.get("pytest", "pythonpath", fallback=".").split())


def _inside(path: str, folder: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(folder)
    except (OSError, ValueError):
        return False


def _forget(root: Path) -> None:
    """Drop the project's modules this process holds, so the child imports them from its copy."""
    prefix = Path(sys.prefix).resolve()
    for name, module in list(sys.modules.items()):
        if name == "__main__":  # the tool's own entry point: runpy (which loads the pack in-process) needs one
            continue
        places = [getattr(module, "__file__", None) or "", *(getattr(module, "__path__", None) or [])]
        if any(p and _inside(p, root) and not _inside(p, prefix) for p in places):
            del sys.modules[name]
    sys.path[:] = [p for p in sys.path if p and (not _inside(p, root) or _inside(p, prefix))]


def _child(root: Path, copy: Path, tests: Sequence[str], log: Path) -> NoReturn:
    code = 3
    try:
        os.setsid()
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        for fd in (1, 2):
            os.dup2(out, fd)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        # sys.stdout may be a capture of the forking process (pytest's, when the tool is under test).
        # The forked child writes to it until it exits, which closes it.
        sys.stdout = sys.stderr = open(out, "w", buffering=1, closefd=False)  # noqa: SIM115
        os.chdir(copy)
        _forget(root)
        paths = [str(copy / p) for p in ini_pythonpath(copy)]
        sys.path[:0] = paths
        os.environ["PYTHONPATH"] = os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        sys.dont_write_bytecode = True
        import pytest

        code = int(pytest.main([*PYTEST_ARGS, *tests]))
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class _Slot:
    def __init__(self, root: Path, scratch: Path, index: int) -> None:
        self.root = root
        self.copy = scratch / f"slot-{index}"
        self.log = scratch / f"slot-{index}.log"
        shutil.copytree(root, self.copy, ignore=IGNORED, symlinks=True)
        self.job: Job | None = None
        self.pid = 0
        self.started = 0.0

    def start(self, job: Job) -> None:
        if job.mutant is not None:
            source = (self.root / job.path).read_text()
            (self.copy / job.path).write_text(job.mutant.apply(source))
        self.job, self.started = job, time.monotonic()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(self.root, self.copy, job.tests, self.log)
        self.pid = pid

    def finish(self, status: str, exit_code: int | None) -> Outcome:
        job = self.job
        assert job is not None
        shutil.copy2(self.root / job.path, self.copy / job.path)
        outcome = Outcome(job, status, time.monotonic() - self.started, exit_code, self.log.read_text(errors="replace"))
        self.job, self.pid = None, 0
        return outcome

    def kill(self) -> None:
        for kill in (os.killpg, os.kill):
            try:
                kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                continue


def _status(wait_status: int) -> tuple[str, int]:
    code = os.waitstatus_to_exitcode(wait_status)
    return (SURVIVED if code == 0 else KILLED), code


class Pool:
    """`slots` copies of the tree in `scratch`, each running one job at a time."""

    def __init__(self, root: Path, scratch: Path, slots: int) -> None:
        self.root = root
        self.slots = [_Slot(root, scratch, i) for i in range(max(1, slots))]

    def run(self, jobs: Sequence[Job], done: Callable[[Outcome], None] = lambda outcome: None) -> list[Outcome]:
        """Run every job, a slot each at a time; `done` hears of each as it ends."""
        waiting, outcomes = list(reversed(jobs)), []
        busy: dict[int, _Slot] = {}

        def end(pid: int, status: str, code: int | None) -> None:
            outcomes.append(busy.pop(pid).finish(status, code))
            done(outcomes[-1])

        try:
            while waiting or busy:
                for slot in self.slots:
                    if slot.job is None and waiting:
                        slot.start(waiting.pop())
                        busy[slot.pid] = slot
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
                if pid in busy:
                    end(pid, *_status(wait_status))
                    continue
                for pid, slot in list(busy.items()):
                    if slot.job is not None and time.monotonic() - slot.started > slot.job.timeout_s:
                        slot.kill()
                        os.waitpid(pid, 0)
                        end(pid, TIMEOUT, None)
                time.sleep(POLL_S)
        finally:
            for pid, slot in busy.items():
                slot.kill()
                os.waitpid(pid, 0)
                slot.finish(TIMEOUT, None)
        return outcomes
