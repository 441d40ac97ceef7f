"""`make mutate`: mutation testing of the modules in the target table, written to bench/mutation.md.

    python -m dev.mutate [--module PATH]... [--jobs N] [--timeout-factor F] [--out FILE]
                           [--equivalents FILE] [--list]

First a baseline: each module's tests must pass on the unmutated tree (exit 2 if not, naming
the log). Then every mutant of every module, one at a time per job; a run is timed out after
F times its module's baseline plus 10 s. Exit 0 whatever the scores: a report, not a gate.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tools.entry import EXIT_OK, EXIT_USAGE, OneLineParser, UsageError, log_dir

from .operators import mutants
from .report import Run, equivalent_of, load_equivalents, render
from .runner import SURVIVED, Job, Outcome, Pool, preload
from .targets import PRELOAD, TARGETS, Target

ROOT = Path(__file__).resolve().parents[2]
GRACE_S = 10.0
BASELINE_TIMEOUT_S = 900.0


def _parser() -> OneLineParser:
    parser = OneLineParser(prog="mutate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", metavar="PATH", help="only this module of the table (repeatable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="runs at once (default: every core)")
    parser.add_argument("--timeout-factor", type=float, default=3.0, help="a run's deadline, in baselines (+10 s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "mutation.md")
    parser.add_argument("--equivalents", type=Path, default=ROOT / "bench" / "mutation-equivalents.toml")
    parser.add_argument("--list", action="store_true", help="print the mutants and run nothing")
    return parser


def _targets(chosen: list[str] | None) -> tuple[Target, ...]:
    if not chosen:
        return TARGETS
    known = {t.path: t for t in TARGETS}
    unknown = [m for m in chosen if m not in known]
    if unknown:
        raise UsageError(f"--module {unknown[0]!r} is not in the target table; allowed: {', '.join(known)}")
    return tuple(known[m] for m in chosen)


def mutate(
    root: Path,
    targets: tuple[Target, ...],
    jobs: int,
    timeout_factor: float,
    grace_s: float = GRACE_S,
    modules_to_preload: tuple[str, ...] = (),
    progress=lambda text: None,
) -> tuple[list, list[Outcome]]:
    """Baseline, then every mutant: ([(path, tests, baseline s)], outcomes). ValueError when a baseline fails."""
    found = {t.path: list(mutants(t.path, (root / t.path).read_text())) for t in targets}
    preload(modules_to_preload)
    with tempfile.TemporaryDirectory(prefix="vital-mutate-") as scratch:
        pool = Pool(root, Path(scratch), jobs)
        distinct = {t.tests: t for t in reversed(targets)}  # modules that share their tests share a baseline
        base = pool.run([Job(t.path, t.tests, BASELINE_TIMEOUT_S) for t in reversed(distinct.values())])
        for outcome in base:
            if outcome.status != SURVIVED:
                log = log_dir() / f"mutate-baseline-{os.getpid()}.log"
                log.parent.mkdir(parents=True, exist_ok=True)
                log.write_text(outcome.log)
                raise ValueError(
                    f"the tests of {outcome.job.path} fail on the unmutated tree "
                    f"({outcome.status}); their output is in {log}"
                )
        seconds = {t.path: next(o.seconds for o in base if o.job.tests == t.tests) for t in targets}
        work = [
            Job(t.path, t.tests, seconds[t.path] * timeout_factor + grace_s, m) for t in targets for m in found[t.path]
        ]
        total, count = len(work), [0]

        def done(outcome: Outcome) -> None:
            count[0] += 1
            if count[0] % 25 == 0 or count[0] == total:
                progress(f"{count[0]}/{total} mutants")

        outcomes = pool.run(work, done)
    return [(t.path, t.tests, seconds[t.path]) for t in targets], outcomes


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    targets = _targets(args.module)
    if args.jobs < 1 or args.timeout_factor <= 0:
        raise UsageError("--jobs and --timeout-factor must be positive")
    try:
        equivalents = load_equivalents(args.equivalents)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if args.list:
        for t in targets:
            for m in mutants(t.path, (ROOT / t.path).read_text()):
                mark = "  (equivalent)" if equivalent_of(m, equivalents) else ""
                print(f"{m.path}:{m.line}: {m.operator}: {m.change}{mark}")
        return EXIT_OK
    started = time.monotonic()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    try:
        modules, outcomes = mutate(
            ROOT,
            targets,
            args.jobs,
            args.timeout_factor,
            GRACE_S,
            PRELOAD,
            lambda text: print(f"mutate: {text}", file=sys.stderr, flush=True),
        )
    except ValueError as err:
        print(f"mutate: {err}", file=sys.stderr)
        return EXIT_USAGE
    report = render(Run(modules, outcomes, equivalents, time.monotonic() - started, args.jobs, when))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    scores = report.split("## Scores", 1)[1].split("## Surviving", 1)[0].strip()
    print(f"{scores}\n\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return EXIT_OK
