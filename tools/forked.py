"""Independent jobs on every core: each in a child forked after the imports, results in input order.

The parent imports what the jobs need once (`preload`), then forks; a child inherits the loaded
modules and pays no import of its own. Results come back pickled, in the order of the inputs
whatever order the children finish in, so the output is the same as a loop in one process. An
exception a job raises is raised again in the parent, as the loop would raise it.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable
from typing import TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


def cores() -> int:
    """The cores this process may run on (its affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def job_count(text: str) -> int:
    """argparse type of `--jobs N`: a whole number of at least 1 (else one line, exit 2)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"found {text!r}; allowed: a whole number of at least 1")
    return value


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run_all(job: Callable[[In], Out], items: Iterable[In], jobs: int) -> list[Out]:
    """`[job(item) for item in items]`, with up to `jobs` children at once when there is more than one item.

    With one job (or one item, or no fork on this platform) everything runs here, in order. A
    job must not rely on threads the parent started (they do not survive the fork): each synth
    run makes its own event loop and executor (tools/mockrt.py `recording`).
    """
    items = list(items)
    jobs = min(jobs, len(items))
    if jobs <= 1 or not can_fork():
        return [job(item) for item in items]
    # Objects made before the fork are left out of the collector's walks in every child: a walk
    # writes to each object it visits, which would copy every page a child shares with the parent
    # (the gc.freeze docs' own use). The parent takes them back once the children are done.
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(processes=jobs, maxtasksperchild=1) as pool:
            # chunksize 1: each stack is its own task, so the two cores share them as they free up.
            return pool.map(job, items, chunksize=1)
    finally:
        gc.unfreeze()
