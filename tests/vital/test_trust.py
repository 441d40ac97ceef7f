"""The CI's trust table (vital/trust.py): the rules every role is built from."""

from vital.names import PR_PREVIEW_STACKS, PRODUCTION, TIERS
from vital.trust import (
    MAIN_REF,
    PR_WORKFLOW,
    ROLE,
    ROLES,
    Trust,
    subject,
    subjects,
)


def test_no_role_a_pull_request_can_assume_opens_production():
    for role in ROLES:
        if any(t.context == "pull_request" or t.workflow == PR_WORKFLOW for t in role.trusts):
            reach = {*role.reads, *role.decrypts, *role.encrypts, *role.writes}
            assert PRODUCTION not in reach, role.key


def test_only_mains_reviewed_workflows_reach_production():
    for role in ROLES:
        if PRODUCTION in {*role.reads, *role.decrypts, *role.encrypts, *role.writes}:
            assert all(t.ref == MAIN_REF and t.workflow != PR_WORKFLOW for t in role.trusts), role.key


def test_each_stack_is_written_by_its_own_deploy_role_alone():
    for stack in TIERS:
        assert [r.key for r in ROLES if stack in r.writes] == [f"deploy-{stack}"]
        assert ROLE[f"deploy-{stack}"].trusts == (Trust("infra-deploy.yml", f"environment:{stack}", MAIN_REF),)


def test_pull_requests_preview_every_stack_but_production():
    assert set(ROLE["plan"].decrypts) >= set(PR_PREVIEW_STACKS)
    assert PRODUCTION not in PR_PREVIEW_STACKS


def test_the_subject_names_the_workflow_and_ref_under_either_prefix():
    trust = ROLE["deploy-production"].trusts[0]
    assert subject("repo:acme/infra", "acme/infra", trust) == (
        "repo:acme/infra:environment:production:job_workflow_ref:"
        "acme/infra/.github/workflows/infra-deploy.yml@refs/heads/main")
    assert subject("repo:acme@11/infra@22", "acme/infra", trust) == (
        "repo:acme@11/infra@22:environment:production:job_workflow_ref:"
        "acme/infra/.github/workflows/infra-deploy.yml@refs/heads/main")
    both = subjects(["repo:acme/infra", "repo:acme@11/infra@22"], "acme/infra", ROLE["plan"])
    assert both == [f"{p}:pull_request:job_workflow_ref:acme/infra/.github/workflows/infra-pr.yml@refs/pull/*/merge"
                    for p in ("repo:acme/infra", "repo:acme@11/infra@22")]
    assert ROLE["plan"].trusts[0].wildcard and not trust.wildcard


def test_a_prefix_is_one_of_githubs_two_forms_of_this_repository():
    from vital.trust import is_immutable, prefix_problem

    assert prefix_problem("repo:acme/infra", "acme/infra") is None and not is_immutable("repo:acme/infra")
    assert prefix_problem("repo:acme@11/infra@22", "acme/infra") is None and is_immutable("repo:acme@11/infra@22")
    assert prefix_problem("repo:acme@11/infra", "acme/infra").startswith("allowed: both ids")
    assert prefix_problem("repo:Acme/infra", "acme/infra").startswith("allowed: a prefix of the repository acme/infra")
    assert prefix_problem("repo:acme/infra:pull_request", "acme/infra").startswith("allowed: repo:OWNER/REPO")


def test_a_subject_parses_back_into_its_parts():
    from vital.trust import SUBJECT_RE

    for role in ROLES:
        for trust in role.trusts:
            found = SUBJECT_RE.match(subject("repo:acme@11/infra@22", "acme/infra", trust))
            assert (found["prefix"], found["context"], found["repository"], found["workflow"], found["ref"]) == (
                "repo:acme@11/infra@22", trust.context, "acme/infra", trust.workflow, trust.ref)
