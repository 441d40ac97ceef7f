"""bench/mutation.md: the scores per module, every survivor, and the documented equivalent mutants.

Equivalent mutants live in a TOML file (bench/mutation-equivalents.toml), one table each:

    [[equivalent]]
    file = "program/config.py"                  # as the target table names it
    code = "model_config = ConfigDict(frozen=True)"   # the mutant's line, stripped
    change = "True → False"                     # as the report's Change column shows it
    reason = "one line: why no behaviour can tell the two apart"

They are excluded from the score. An entry that matches no mutant any more is listed as stale;
one whose mutant the tests kill after all is flagged: either way the file needs an edit.
"""

from __future__ import annotations

import platform
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.markdown import cell

from .operators import Mutant
from .runner import KILLED, SURVIVED, TIMEOUT, Outcome

FIELDS = ("file", "code", "change", "reason")


@dataclass(frozen=True)
class Equivalent:
    file: str
    code: str
    change: str
    reason: str

    def matches(self, mutant: Mutant) -> bool:
        return (self.file, self.code, self.change) == (mutant.path, mutant.code, mutant.change)


def load_equivalents(path: Path) -> list[Equivalent]:
    """The documented equivalents; ValueError (one line) when the file is not as described above."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{path}: not TOML ({err})") from None
    entries = data.get("equivalent", [])
    if not isinstance(entries, list):
        raise ValueError(f"{path}: `equivalent` must be an array of tables ([[equivalent]])")
    found = []
    for number, entry in enumerate(entries, 1):
        if (
            not isinstance(entry, dict)
            or sorted(entry) != sorted(FIELDS)
            or not all(isinstance(entry[f], str) and entry[f].strip() for f in FIELDS)
        ):
            raise ValueError(f"{path}: equivalent #{number} needs exactly {', '.join(FIELDS)}, each a non-empty string")
        found.append(Equivalent(**{f: entry[f] for f in FIELDS}))
    return found


def equivalent_of(mutant: Mutant, equivalents: Iterable[Equivalent]) -> Equivalent | None:
    return next((e for e in equivalents if e.matches(mutant)), None)


@dataclass(frozen=True)
class Run:
    modules: Sequence[tuple[str, Sequence[str], float]]  # path, its test files, the baseline's seconds
    outcomes: Sequence[Outcome]
    equivalents: Sequence[Equivalent]
    seconds: float
    jobs: int
    when: str


def score(killed: int, counted: int) -> str:
    return f"{100 * killed / counted:.0f} %" if counted else "n/a"


def _mutant(outcome: Outcome) -> Mutant:
    """The outcome's mutant: the report's outcomes are mutants' runs (the baselines are `Run.modules`)."""
    assert outcome.job.mutant is not None, "a baseline among the mutants' outcomes"
    return outcome.job.mutant


def _rows(run: Run) -> tuple[list[str], dict[str, list[Outcome]]]:
    rows, survivors = [], {}
    for path, tests, baseline in run.modules:
        mine = [o for o in run.outcomes if o.job.path == path]
        same = [o for o in mine if equivalent_of(_mutant(o), run.equivalents)]
        counted = [o for o in mine if o not in same]
        tally = Counter(o.status for o in counted)
        detected = tally[KILLED] + tally[TIMEOUT]
        survivors[path] = [o for o in counted if o.status == SURVIVED]
        rows.append(
            f"| `{path}` | {len(tests)} files, {baseline:.1f} s | {len(mine)} | {len(same)} | {tally[KILLED]} "
            f"| {tally[TIMEOUT]} | {tally[SURVIVED]} | **{score(detected, len(counted))}** |"
        )
    return rows, survivors


def _equivalent_lines(run: Run) -> list[str]:
    lines = ["| File | Line | Change | Reason |", "| --- | --- | --- | --- |"]
    stale, wrong = [], []
    for entry in run.equivalents:
        hits = [o for o in run.outcomes if entry.matches(_mutant(o))]
        if not hits and any(entry.file == path for path, _, _ in run.modules):
            stale.append(entry)
        for o in hits:
            lines.append(f"| `{entry.file}` | {_mutant(o).line} | `{cell(entry.change)}` | {cell(entry.reason)} |")
            if o.status != SURVIVED:
                wrong.append(f"`{entry.file}` line {_mutant(o).line}: `{cell(entry.change)}` ({o.status})")
    if len(lines) == 2:
        lines = ["None documented yet."]
    if wrong:
        lines += ["", "**Not equivalent after all** (the tests notice them; remove their entries):", ""]
        lines += [f"- {w}" for w in wrong]
    if stale:
        lines += ["", "**Stale entries** (no such mutant any more; update or remove them):", ""]
        lines += [f"- `{e.file}`: `{cell(e.code)}`: `{cell(e.change)}`" for e in stale]
    return lines


def render(run: Run) -> str:
    rows, survivors = _rows(run)
    minutes, seconds = divmod(round(run.seconds), 60)
    lines = [
        "# Mutation testing",
        "",
        "Written by `make mutate` (`python -m dev.mutate`). A report, not a gate: the run takes minutes.",
        "",
        "Each mutant is one small change to a module (a comparison, a boolean operator, an arithmetic "
        "operator, a constant, a `not`, a return value, a removed statement, `continue`/`break`, a removed "
        "dict or list entry: `dev/mutate/operators.py`). The module's tests (`dev/mutate/targets.py`) "
        "run against it: a mutant they notice is **killed** (a test fails) or **timed out** (the run outlived "
        "its deadline); one they do not notice **survived**, a behaviour no test pins. "
        "Score = (killed + timed out) / (mutants − equivalent).",
        "",
        f"Run {run.when}: **{minutes} min {seconds:02d} s** on {run.jobs} parallel jobs "
        f"(Python {platform.python_version()}). The baseline column is one unmutated run of the module's tests.",
        "",
        "## Scores",
        "",
        "| Module | Tests (baseline) | Mutants | Equivalent | Killed | Timed out | Survived | Score |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        "## Surviving mutants",
        "",
    ]
    for path, outcomes in survivors.items():
        lines += [f"### `{path}` ({len(outcomes)})", ""]
        if outcomes:
            lines += ["| Line | Operator | Change |", "| --- | --- | --- |"]
            lines += [
                f"| {_mutant(o).line} | {_mutant(o).operator} | `{cell(_mutant(o).change)}` |"
                for o in sorted(outcomes, key=lambda o: (_mutant(o).line, _mutant(o).start))
            ]
        else:
            lines.append("None.")
        lines.append("")
    lines += [
        "## Equivalent mutants",
        "",
        "Kept in `bench/mutation-equivalents.toml` (file, line's code, change, reason) and excluded from the scores.",
        "",
        *_equivalent_lines(run),
        "",
    ]
    return "\n".join(lines)
