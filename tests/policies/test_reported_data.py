"""backups and rls judge what Supabase reports, once the settings resource has read it."""

from __future__ import annotations

import pytest

from tests.policies.helpers import UNKNOWN, changed, data_fakes, not_applicable, run, stack_args, stack_runtime
from vital_policies import data, rls

SETTINGS = "supabase-production-settings"


def _reported(**outputs):
    return changed(data_fakes("production"), SETTINGS, lambda i: i.update(outputs))


def _run(rule, fakes, tier="production", config=None):
    with stack_runtime(tier):
        return [r.message for r in run(rule, stack_args(fakes, config or {}))]


RLS_ALLOWED = ("allowed: RLS enabled on every table in an exposed schema (ALTER TABLE ... ENABLE ROW LEVEL SECURITY, "
               "in a migration)")
ADVISORS = ("Supabase settings 'supabase-production-settings' (tier production): the security advisors could not be "
            "read ({}); allowed: a token with the advisors_read permission, and no table without RLS")


def test_rls_names_the_tables_supabase_reports():
    found = _run(rls.rls, _reported(tables_without_rls=["public.audit", "public.notes"], observation_errors={}))
    assert found == [f"Supabase settings 'supabase-production-settings' (tier production): Supabase's security advisors "
                     f"report 2 table(s) without row-level security: public.audit, public.notes; {RLS_ALLOWED}"]


@pytest.mark.parametrize("count, shown", [
    (10, ", ".join(f"public.t{i}" for i in range(10))),
    (11, ", ".join(f"public.t{i}" for i in range(10)) + " and 1 more"),
    (13, ", ".join(f"public.t{i}" for i in range(10)) + " and 3 more"),
])
def test_rls_names_at_most_ten_tables_and_counts_the_rest(count, shown):
    # Without observation_errors: the tables alone say Supabase was read.
    found = _run(rls.rls, _reported(tables_without_rls=[f"public.t{i}" for i in range(count)]))
    assert len(found) == 1 and f"report {count} table(s) without row-level security: {shown}; allowed" in found[0]


def test_rls_passes_when_no_table_lacks_it():
    assert _run(rls.rls, _reported(tables_without_rls=[], observation_errors={})) == []


def test_rls_reports_a_token_that_cannot_read_the_advisors():
    error = "403 Forbidden — the access token may not GET /v1/projects/x/advisors/security"
    found = _run(rls.rls, _reported(observation_errors={"rls": error}))
    assert found == [ADVISORS.format(error)]
    # The error is the finding: tables reported beside it are not judged again.
    assert _run(rls.rls, _reported(observation_errors={"rls": error}, tables_without_rls=["public.t"])) == [
        ADVISORS.format(error)]


def test_rls_judges_each_settings_resource_after_one_that_could_not_be_read():
    fakes = _reported(observation_errors={"rls": "403"})
    second = changed(data_fakes("production"), SETTINGS, lambda i: i.update(tables_without_rls=["public.t"]))[0]
    second.name = "supabase-production-settings-2"
    found = _run(rls.rls, [*fakes, second])
    assert found[0] == ADVISORS.format("403") and len(found) == 2
    assert found[1].startswith("Supabase settings 'supabase-production-settings-2' (tier production): Supabase's")


def test_rls_is_not_applicable_before_supabase_was_read():
    with stack_runtime("production"):
        reason = not_applicable(rls.rls, stack_args(data_fakes("production"), {}))
    assert reason == ("Supabase has not been read yet (the settings resource reports its security advisors once it "
                      "exists); the check runs on the next preview")


def test_rls_leaves_other_tiers_alone_unless_configured():
    fakes = changed(data_fakes("pre-production"), "supabase-pre-production-settings",
                    lambda i: i.update(tables_without_rls=["public.t"], observation_errors={}))
    assert _run(rls.rls, fakes, "pre-production") == []
    assert len(_run(rls.rls, fakes, "pre-production", {"tiers": ["pre-production"]})) == 1


# A team that buys PITR for production requires it of the pack (the committed stacks keep daily backups).
PITR = {"requirePitrTiers": ["production"]}


@pytest.mark.parametrize(("outputs", "expected"), [
    ({"pitr_enabled": False, "walg_enabled": True, "observation_errors": {}}, "Supabase reports point-in-time recovery off"),
    ({"observation_errors": {"backups": "403 Forbidden — backups"}}, "Supabase's backups could not be read (403 Forbidden"),
])
def test_backups_judge_what_supabase_reports(outputs, expected):
    found = _run(data.backups, _reported(**outputs), "production", PITR)
    assert len(found) == 1 and expected in found[0]


def test_backups_fall_back_to_the_declared_policy_when_nothing_was_reported():
    unreported = changed(data_fakes("production"), SETTINGS, lambda i: i.update(backup_policy="weekly", pitr_enabled=UNKNOWN))
    found = _run(data.backups, unreported, "production", PITR)
    assert len(found) == 1 and "records a backup_policy" in found[0]
    reported_on = changed(data_fakes("production"), SETTINGS, lambda i: i.update(backup_policy="daily+pitr", pitr_enabled=True,
                                                                                  observation_errors={}))
    assert _run(data.backups, reported_on, "production", PITR) == []
