"""What Supabase reports of backups and row-level security reaches the resource's outputs.

Every exchange is validated against Supabase's OpenAPI spec by the `api` fixture, the 403 of a
token without the fine-grained permission included.
"""

from __future__ import annotations

from components.supabase.observed import ADVISORS_PATH, BACKUPS_PATH

from .support import REF, TOKEN, create, make_props, via_state


def test_create_and_read_report_backups_and_tables_without_rls(provider, api):
    api.projects.pop(REF)
    api.add_project(REF, pitr_enabled=False, walg_enabled=True, tables_without_rls=("public.notes", "public.audit"))
    state = create(provider, make_props(api))
    assert (state["pitr_enabled"], state["walg_enabled"]) == (False, True)
    assert state["tables_without_rls"] == ["public.audit", "public.notes"]
    assert state["observation_errors"] == {}
    # RLS turned on for one table: refresh sees it.
    api.projects[REF]["lints"] = api.projects[REF]["lints"][:1]
    outs = provider.read(REF, state).outs
    assert outs["tables_without_rls"] == ["public.notes"]


def test_an_update_keeps_what_was_observed_and_calls_nothing_more(provider, api):
    state = create(provider, make_props(api))
    api.clear_log()
    outs = provider.update(REF, state, make_props(api, default_pool_size=42)).outs
    assert (outs["pitr_enabled"], outs["tables_without_rls"]) == (state["pitr_enabled"], state["tables_without_rls"])
    assert ("GET", BACKUPS_PATH) not in api.calls() and ("GET", ADVISORS_PATH) not in api.calls()


def test_a_token_without_advisors_read_is_one_line_not_a_crash(provider, api):
    api.denied = {"advisors_read"}
    state = create(provider, make_props(api))
    assert "tables_without_rls" not in state and state["pitr_enabled"] is True
    error = state["observation_errors"]["rls"]
    assert "403" in error and ADVISORS_PATH.replace("{ref}", REF) in error and "\n" not in error
    assert TOKEN not in error
    assert api.log[-1].status == 403


def test_observations_survive_the_round_trip_through_state(provider, api):
    api.projects.pop(REF)
    api.add_project(REF, tables_without_rls=("public.notes",))
    state = via_state(create(provider, make_props(api)))
    assert state["tables_without_rls"] == ["public.notes"]
