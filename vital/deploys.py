"""The order the deploy workflow (infra-deploy.yml) runs its jobs in, from the program's graph.

Two rules, stated here once:

- **A stack deploys after every stack it reads.** A stack reads another through a
  `pulumi:pulumi:StackReference`, whose one input `name` is the referenced stack's fully
  qualified name (`organization/<project>/<stack>` on a DIY backend; vital.names.stack_reference).
  Deployed in the other order, the reader's first `up` finds no stack to read and fails, and a
  changed output reaches the reader one run late.
- **Production deploys last**, after every other tier's `up` has succeeded (the other tiers are
  its canaries), and its `up` after its own preview job: `pulumi preview` with the read-only
  plan-production role, whose job summary is what the production environment's reviewers approve
  (docs/release.md).

`reads` comes from the program (synth's JSON, `stack_reads`), never from a list written by hand:
the workflow test derives it and checks the jobs' `needs:` against `order_problems`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .names import PRODUCTION, TIERS

STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"
# The stack that deploys after every other tier, and the job that previews it first.
DEPLOYS_LAST = PRODUCTION
PREVIEW_JOB_SUFFIX = "-preview"


def up_job(stack: str) -> str:
    """The id of the job that runs `pulumi up` for a stack (its name, as its environment's)."""
    return stack


def preview_job(stack: str) -> str:
    return f"{stack}{PREVIEW_JOB_SUFFIX}"


def stack_reads(documents: Iterable[Mapping[str, Any]]) -> dict[str, set[str]]:
    """Which stacks each rendered stack reads: the last segment of each StackReference's `name`."""
    found: dict[str, set[str]] = {}
    for doc in documents:
        refs = found.setdefault(str(doc["stack"]), set())
        for resource in doc["resources"]:
            if resource["type"] == STACK_REFERENCE_TYPE:
                refs.add(str(resource["inputs"]["name"]).rsplit("/", 1)[-1])
    return found


def required_before(reads: Mapping[str, Iterable[str]], tiers: Iterable[str] = TIERS) -> dict[str, set[str]]:
    """Each deploy job and the jobs that must have succeeded before it (directly or not)."""
    tiers = tuple(tiers)
    needed = {up_job(tier): {up_job(other) for other in reads.get(tier, ())} for tier in tiers}
    others = {up_job(tier) for tier in tiers if tier != DEPLOYS_LAST}
    needed[preview_job(DEPLOYS_LAST)] = others | {up_job(s) for s in reads.get(DEPLOYS_LAST, ())}
    needed[up_job(DEPLOYS_LAST)] |= others | {preview_job(DEPLOYS_LAST)}
    return needed


def _closure(needs: Mapping[str, Iterable[str]], job: str) -> set[str]:
    seen: set[str] = set()
    todo = list(needs.get(job, ()))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += list(needs.get(current, ()))
    return seen


def order_problems(
    reads: Mapping[str, Iterable[str]], needs: Mapping[str, Iterable[str]], tiers: Iterable[str] = TIERS
) -> list[str]:
    """Why a workflow's `needs:` (job -> the jobs it names) breaks the rules, one line each; [] when it
    keeps them. A job waits for exactly what it must: a tier's `up` names only the stacks it reads (so
    tiers that read nothing deploy in parallel), and production waits for every other tier."""
    tiers = tuple(tiers)
    required = required_before(reads, tiers)
    problems = [
        f"job {job} is missing: every stack deploys, and {DEPLOYS_LAST} is previewed first"
        for job in required
        if job not in needs
    ]
    for job, before in required.items():
        if job not in needs:
            continue
        late = sorted(before - _closure(needs, job))
        if late:
            problems.append(f"job {job} may start before {', '.join(late)}: " + _why(job, reads))
    for tier in tiers:
        if tier == DEPLOYS_LAST or up_job(tier) not in needs:
            continue
        extra = sorted(set(needs[up_job(tier)]) - required[up_job(tier)])
        if extra:
            problems.append(
                f"job {up_job(tier)} waits for {', '.join(extra)}, but stack {tier} reads "
                f"{', '.join(sorted(reads.get(tier, ()))) or 'no stack'}: it may deploy beside them"
            )
    return problems


def _why(job: str, reads: Mapping[str, Iterable[str]]) -> str:
    if job == up_job(DEPLOYS_LAST):
        return f"{DEPLOYS_LAST} deploys last, after every other tier and its own preview"
    if job == preview_job(DEPLOYS_LAST):
        return f"{DEPLOYS_LAST} is previewed once every other tier has deployed"
    return f"stack {job} reads {', '.join(sorted(reads.get(job, ())))}, so it deploys after them"
