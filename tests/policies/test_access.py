"""preview-access: automation gets past preview's Deployment Protection, and only preview's."""

import pytest

from policies.vital_policies import access
from tests.policies.helpers import (
    T_BYPASS, bypass_fakes, changed, fake_stack, run, stack_args, stack_runtime, without,
)
from vital.names import TIERS

BYPASS = "access-preview-bypass-vital-expert"
SECRET = "preview-secret-vercel_automation_bypass_secret"


@pytest.mark.parametrize("tier", TIERS)
def test_each_tier_as_the_program_builds_it_passes(tier):
    with stack_runtime(tier):
        assert run(access.preview_access, stack_args(fake_stack(tier))) == []


def test_preview_without_a_bypass_fails_on_its_protected_project():
    with stack_runtime("preview"):
        found = run(access.preview_access, stack_args(without(fake_stack("preview"), BYPASS, SECRET)))
    assert [f.message for f in found] == [
        "Project 'vital-expert-project' (tier preview) is protected but has no ProjectProtectionBypass, so "
        "end-to-end runs get Vercel's login page; allowed: one bypass per protected project"]


@pytest.mark.parametrize("protection", [{"passwordProtection": {"deploymentType": "all"}},
                                        {"trustedIps": {"addresses": [{"value": "203.0.113.1"}]}}])
def test_a_password_or_an_ip_list_protects_a_project_too(protection):
    fakes = changed(without(fake_stack("preview"), BYPASS, SECRET), "vital-expert-project",
                    lambda i: i.update(vercelAuthentication={"deploymentType": "none"}, **protection))
    with stack_runtime("preview"):
        found = run(access.preview_access, stack_args(fakes))
    assert len(found) == 1 and "is protected but has no ProjectProtectionBypass" in found[0].message


def test_an_unprotected_preview_project_needs_no_bypass():
    fakes = changed(without(fake_stack("preview"), BYPASS, SECRET), "vital-expert-project",
                    lambda i: i.update(vercelAuthentication={"deploymentType": "none"}))
    with stack_runtime("preview"):
        assert run(access.preview_access, stack_args(fakes)) == []


def test_a_bypass_whose_secret_reaches_no_environment_fails():
    with stack_runtime("preview"):
        unwired = run(access.preview_access, stack_args(without(fake_stack("preview"), SECRET)))
        pasted = fake_stack("preview")
        next(f for f in pasted if f.name == SECRET).deps.pop("value")  # a value pasted in, not the bypass's
        pasted = run(access.preview_access, stack_args(pasted))
    for found in (unwired, pasted):
        assert [f.message for f in found] == [
            "ProjectProtectionBypass 'access-preview-bypass-vital-expert' (tier preview) reaches no GitHub environment "
            "secret VERCEL_AUTOMATION_BYPASS_SECRET*, so the workflows cannot send it; allowed: its secret output as "
            "the tier's environment secret"]


@pytest.mark.parametrize("tier", ["production"])
def test_no_other_tier_may_hold_a_bypass_or_its_secret(tier):
    fakes = [*fake_stack(tier), *bypass_fakes(tier)]
    with stack_runtime(tier):
        found = run(access.preview_access, stack_args(fakes))
    assert len(found) == 2
    assert all(f.message.endswith(f"in tier {tier} opens its protected deployments to whoever holds the secret; "
                                  f"allowed: automation bypasses only in pre-production, preview") for f in found)
    assert found[0].message.startswith(f"ProjectProtectionBypass 'access-{tier}-bypass-vital-expert' in tier")
    assert {f.message.split("'")[1] for f in found} == {f"access-{tier}-bypass-vital-expert",
                                                         f"{tier}-secret-vercel_automation_bypass_secret"}


def test_the_pack_config_moves_the_requirement():
    with stack_runtime("production"):
        fakes = [*fake_stack("production"), *bypass_fakes("production")]
        assert run(access.preview_access, stack_args(fakes, config={"bypassTiers": ["production", "preview"]})) == []
    with stack_runtime("pre-production"):  # CI's e2e runs reach pre-production, protected on every deployment
        assert run(access.preview_access, stack_args(fake_stack("pre-production"))) == []
    with stack_runtime("preview"):
        assert run(access.preview_access, stack_args(without(fake_stack("preview"), BYPASS, SECRET),
                                                     config={"bypassTiers": []})) == []
        found = run(access.preview_access, stack_args(fake_stack("preview"), config={"bypassTiers": []}))
    assert found[0].message.endswith("allowed: automation bypasses only in no tier")
    assert T_BYPASS.endswith(":ProjectProtectionBypass")


# ---- internal-access ----------------------------------------------------------------------------

INTERNAL = ("Project 'vital-expert-project' in tier pre-production answers everyone on its production domains "
            "(vercelAuthentication {}); allowed: all_deployments, so only the team (and CI, through its automation "
            "bypass) reaches a tier that runs debug mode and the mock API")


@pytest.mark.parametrize("inputs, found", [
    ({"vercelAuthentication": {"deploymentType": "all_deployments"}}, None),
    ({"vercelAuthentication": {"deploymentType": "standard_protection"},
      "passwordProtection": {"deploymentType": "all_deployments", "password": "x"}}, None),  # a password on every one
    ({"vercelAuthentication": {"deploymentType": "standard_protection"}}, "standard_protection"),
    ({"vercelAuthentication": {"deploymentType": "standard_protection"},
      "passwordProtection": {"deploymentType": "standard_protection", "password": "x"}}, "standard_protection"),
    ({}, "unset"),
])
def test_an_internal_tier_protects_every_deployment(inputs, found):
    def edit(i):
        i.pop("vercelAuthentication", None)
        i.update(inputs)
    fakes = changed(fake_stack("pre-production"), "vital-expert-project", edit)
    with stack_runtime("pre-production"):
        reported = [f.message for f in run(access.internal_access, stack_args(fakes))]
    assert reported == ([] if found is None else [INTERNAL.format(found)])


def test_internal_access_judges_only_its_tiers():
    fakes = changed(fake_stack("preview"), "vital-expert-project",
                    lambda i: i.update(vercelAuthentication={"deploymentType": "standard_protection"}))
    with stack_runtime("preview"):
        assert run(access.internal_access, stack_args(fakes)) == []
        assert len(run(access.internal_access, stack_args(fakes, config={"tiers": ["preview"]}))) == 1
