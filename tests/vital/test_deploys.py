"""The deploy order's rules (vital/deploys.py), including the order that was wrong (issue 23,
problem 1): preview deployed before pre-production while it read pre-production's outputs."""

from __future__ import annotations

from vital.deploys import order_problems, preview_job, required_before, stack_reads, up_job
from vital.names import PROJECT

# infra-deploy.yml before issue 23: preview, then pre-production, then production (one job each).
OLD_NEEDS = {"preview": [], "pre-production": ["preview"], "production": ["pre-production"]}
# The program before issue 25: preview read pre-production's Redis through a StackReference.
OLD_READS = {"preview": {"pre-production"}, "pre-production": set(), "production": set()}
# The workflow now: the tiers that read nothing in parallel, production previewed, then up.
NEEDS = {"preview": [], "pre-production": [], "production-preview": ["preview", "pre-production"],
         "production": ["production-preview"]}


def doc(stack: str, *references: str) -> dict:
    return {"stack": stack, "resources": [
        {"type": "vercel:index/project:Project", "inputs": {"name": "x"}},
        *({"type": "pulumi:pulumi:StackReference", "inputs": {"name": f"organization/{PROJECT}/{r}"}}
          for r in references)]}


def test_reads_come_from_the_stack_references_name_input():
    assert stack_reads([doc("preview", "pre-production"), doc("production")]) == {
        "preview": {"pre-production"}, "production": set()}


def test_the_old_workflow_fails_against_the_old_program():
    problems = order_problems(OLD_READS, OLD_NEEDS)
    assert "job preview may start before pre-production: stack preview reads pre-production, so it deploys after them" \
        in problems
    assert "job production-preview is missing: every stack deploys, and production is previewed first" in problems


def test_the_workflow_keeps_the_rules_for_a_program_that_reads_nothing():
    assert order_problems({}, NEEDS) == []


def test_a_reader_waits_for_what_it_reads_and_nothing_else():
    reads = {"preview": {"pre-production"}}
    assert order_problems(reads, NEEDS) == ["job preview may start before pre-production: stack preview reads "
                                            "pre-production, so it deploys after them"]
    assert order_problems(reads, {**NEEDS, "preview": ["pre-production"]}) == []
    assert order_problems({}, {**NEEDS, "preview": ["pre-production"]}) == [
        "job preview waits for pre-production, but stack preview reads no stack: it may deploy beside them"]


def test_production_deploys_last_after_its_own_preview():
    assert order_problems({}, {**NEEDS, "production": ["preview", "pre-production"]}) == [
        "job production may start before production-preview: production deploys last, after every other tier and "
        "its own preview"]
    assert order_problems({}, {**NEEDS, "production-preview": ["preview"]}) == [
        "job production may start before pre-production: production deploys last, after every other tier and its own "
        "preview",
        "job production-preview may start before pre-production: production is previewed once every other tier has "
        "deployed"]
    # Transitively is enough: production waits for the preview, which waits for the other tiers.
    assert required_before({})[up_job("production")] == {"preview", "pre-production", preview_job("production")}
