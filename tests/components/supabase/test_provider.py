"""The provider's create, update, read and delete against the fake Management API
(components/supabase/provider.py and endpoints.py)."""

from __future__ import annotations

import logging

import pytest

from components.supabase import provider as provider_module
from components.supabase.client import SupabaseApiError
from components.supabase.endpoints import (
    AUTH_PATH,
    NETWORK_RESTRICTIONS_APPLY_PATH,
    NETWORK_RESTRICTIONS_PATH,
    POOLER_PATH,
)
from components.supabase.observed import ADVISORS_PATH, BACKUPS_PATH, OBSERVED_FIELDS
from components.supabase.settings import OUTPUT_FIELDS
from tests.fakes.supabase_api import Fault

from .support import OTHER_REF, REF, SITE, TOKEN, URIS, create, make_props, via_state


# --------------------------------------------------------------------------
# create
# --------------------------------------------------------------------------


def test_create_adopts_records_original_and_patches_only_differing_fields(provider, api):
    outs = create(provider, make_props(api, default_pool_size=15))  # pool size already 15

    assert outs["original"] == {
        "pooler": {"default_pool_size": 15},
        "auth": {"site_url": "http://localhost:3000", "uri_allow_list": ""},
    }
    # Read first (pooler, auth), then what Supabase reports of backups and row-level security.
    assert api.calls("GET") == [("GET", POOLER_PATH), ("GET", AUTH_PATH), ("GET", BACKUPS_PATH), ("GET", ADVISORS_PATH)]
    writes = api.writes()
    assert [(w.method, w.route) for w in writes] == [("PATCH", AUTH_PATH)]
    assert writes[0].request_body == {"site_url": SITE, "uri_allow_list": ",".join(URIS)}
    assert api.auth(REF)["site_url"] == SITE
    assert api.auth(REF)["uri_allow_list"] == ",".join(URIS)
    # allowed_cidrs and backup_policy were not given: dropped
    assert sorted(outs) == sorted((set(OUTPUT_FIELDS) | set(OBSERVED_FIELDS)) - {"allowed_cidrs", "backup_policy"})
    assert outs["uri_allow_list"] == URIS and outs["default_pool_size"] == 15


def test_backup_policy_is_recorded_without_an_api_call(provider, api):
    props = make_props(api)
    state = create(provider, props)
    writes_before = len(api.writes())
    changed = {**props, "backup_policy": "daily+pitr"}
    assert provider.diff(REF, via_state(state), changed).changes is True
    result = provider.update(REF, via_state(state), changed)
    assert result.outs["backup_policy"] == "daily+pitr"
    assert len(api.writes()) == writes_before


def test_create_sends_integers_and_splits_cidrs_by_ip_version(provider, api):
    outs = create(provider, make_props(api, default_pool_size=25, uri_allow_list=[],
                                       allowed_cidrs=["10.0.0.0/8", "2001:db8::/32"]))
    writes = {(w.method, w.route): w for w in api.writes()}
    pooler = writes[("PATCH", POOLER_PATH)]
    assert pooler.raw_request_body == b'{"default_pool_size": 25}'  # 25.0 arrived; 25 sent
    assert writes[("PATCH", AUTH_PATH)].request_body == {"site_url": SITE}  # uri list already ""
    assert writes[("POST", NETWORK_RESTRICTIONS_APPLY_PATH)].request_body == {
        "dbAllowedCidrs": ["10.0.0.0/8"], "dbAllowedCidrsV6": ["2001:db8::/32"]}
    assert outs["original"]["network_restrictions"] == {"dbAllowedCidrs": ["0.0.0.0/0"], "dbAllowedCidrsV6": ["::/0"]}
    assert api.pool_size(REF) == 25
    assert api.cidrs(REF) == {"dbAllowedCidrs": ["10.0.0.0/8"], "dbAllowedCidrsV6": ["2001:db8::/32"]}


def test_create_reads_the_primary_pooler_not_a_read_replica(provider, api):
    api.add_project(REF, default_pool_size=15, read_replica_pool_size=99)
    outs = create(provider, make_props(api, default_pool_size=15))
    assert outs["original"]["pooler"] == {"default_pool_size": 15}
    assert ("PATCH", POOLER_PATH) not in api.calls()


def test_create_changes_nothing_when_settings_already_match(provider, api):
    api.add_project(REF, site_url=SITE, uri_allow_list=" , ".join(URIS), db_allowed_cidrs=("10.0.0.0/8",),
                    db_allowed_cidrs_v6=())
    create(provider, make_props(api, allowed_cidrs=["10.0.0.0/8"]))
    assert api.writes() == []


def test_create_undoes_earlier_writes_when_a_later_one_fails(provider, api):
    api.inject(Fault(status=403, method="PATCH", path_contains="/config/auth", body={"message": "Forbidden"}))
    with pytest.raises(SupabaseApiError, match="403 Forbidden"):
        create(provider, make_props(api, default_pool_size=50))
    assert api.pool_size(REF) == 15  # the pooler PATCH that succeeded was put back
    assert [(w.method, w.route, w.request_body) for w in api.writes()] == [
        ("PATCH", POOLER_PATH, {"default_pool_size": 50}),
        ("PATCH", AUTH_PATH, {"site_url": SITE, "uri_allow_list": ",".join(URIS)}),
        ("PATCH", POOLER_PATH, {"default_pool_size": 15}),
    ]


def test_create_refuses_network_restrictions_without_entitlement(provider, api):
    api.add_project(REF, entitlement="disallowed")
    with pytest.raises(SupabaseApiError, match=f"supabase project {REF}: network restrictions are not available"):
        create(provider, make_props(api, default_pool_size=50, allowed_cidrs=["10.0.0.0/8"]))
    assert api.writes() == []


# --------------------------------------------------------------------------
# update
# --------------------------------------------------------------------------


def test_update_patches_only_the_changed_field(provider, api):
    olds = create(provider, make_props(api))
    api.clear_log()
    result = provider.update(REF, olds, make_props(api, site_url="https://beta.vital.expert"))
    assert [(e.method, e.route, e.request_body) for e in api.log] == [
        ("PATCH", AUTH_PATH, {"site_url": "https://beta.vital.expert"})]
    assert result.outs["site_url"] == "https://beta.vital.expert"
    assert result.outs["original"] == olds["original"]

    olds = via_state(result.outs)
    api.clear_log()
    provider.update(REF, olds, make_props(api, site_url="https://beta.vital.expert", default_pool_size=60))
    assert [(e.method, e.route, e.request_body) for e in api.log] == [
        ("PATCH", POOLER_PATH, {"default_pool_size": 60})]
    assert api.pool_size(REF) == 60


def test_a_rotated_token_changes_no_input_and_reaches_every_later_call(provider, api, monkeypatch):
    olds = create(provider, make_props(api))
    assert provider.diff(REF, olds, make_props(api)).changes is False  # nothing to write to state
    api.token = "rotated-token-xyz"
    monkeypatch.setenv("SUPABASE_ACCESS_TOKEN", "rotated-token-xyz")
    assert provider.read(REF, olds).outs["default_pool_size"] == 15  # refresh reads with the new token
    provider.delete(REF, olds)  # and delete restores with it, from the stored outputs alone
    assert api.writes()


def test_a_token_an_earlier_version_stored_in_state_is_dropped_in_place(provider, api):
    """State written before the token left the inputs holds it (inputs and outputs). The engine keeps a
    resource's outputs when its diff finds nothing (pkg/resource/deploy/step.go, SameStep.Apply), so the
    diff reports the dropped field: an update, never a replacement, that calls nothing and writes
    outputs without the token."""
    stored = {**create(provider, make_props(api)), "access_token": "token-from-old-state"}
    diff = provider.diff(REF, via_state(stored), make_props(api))
    assert diff.changes is True and diff.replaces == [] and diff.delete_before_replace is False
    api.clear_log()
    result = provider.update(REF, via_state(stored), make_props(api))
    assert api.log == []
    assert "access_token" not in result.outs and "token-from-old-state" not in repr(result.outs)
    assert provider.diff(REF, via_state(result.outs), make_props(api)).changes is False  # once only
    assert "access_token" not in provider.read(REF, via_state(stored)).outs  # a refresh drops it too


def test_update_adopts_then_releases_network_restrictions(provider, api):
    olds = create(provider, make_props(api))
    assert "network_restrictions" not in olds["original"]

    api.clear_log()
    result = provider.update(REF, olds, make_props(api, allowed_cidrs=["10.0.0.0/8"]))
    assert api.calls() == [("GET", NETWORK_RESTRICTIONS_PATH), ("POST", NETWORK_RESTRICTIONS_APPLY_PATH)]
    assert result.outs["original"]["network_restrictions"] == {"dbAllowedCidrs": ["0.0.0.0/0"], "dbAllowedCidrsV6": ["::/0"]}
    assert api.cidrs(REF) == {"dbAllowedCidrs": ["10.0.0.0/8"], "dbAllowedCidrsV6": []}

    olds = via_state(result.outs)
    api.clear_log()
    result = provider.update(REF, olds, make_props(api, allowed_cidrs=["10.0.0.0/8", "172.16.0.0/12"]))
    assert [(e.method, e.route) for e in api.log] == [("POST", NETWORK_RESTRICTIONS_APPLY_PATH)]

    olds = via_state(result.outs)
    api.clear_log()
    result = provider.update(REF, olds, make_props(api))  # allowed_cidrs -> None: no longer managed
    assert api.cidrs(REF) == {"dbAllowedCidrs": ["0.0.0.0/0"], "dbAllowedCidrsV6": ["::/0"]}
    assert "network_restrictions" not in result.outs["original"]
    assert result.outs["allowed_cidrs"] is None


# --------------------------------------------------------------------------
# read
# --------------------------------------------------------------------------


def test_read_reports_drift_and_the_next_diff_sees_it(provider, api):
    props = make_props(api, allowed_cidrs=["10.0.0.0/8", "2001:db8::/32"])
    state = create(provider, props)

    result = provider.read(REF, state)
    assert result.id == REF
    assert result.outs == {**state, "allowed_cidrs": ["10.0.0.0/8", "2001:db8::/32"]}
    assert provider.diff(REF, via_state(result.outs), props).changes is False

    # someone edits the project in the dashboard
    api.projects[REF]["pooler"][0]["default_pool_size"] = 40
    api.auth(REF)["uri_allow_list"] = "https://evil.example/**"
    api.cidrs(REF)["dbAllowedCidrs"] = ["0.0.0.0/0"]

    api.clear_log()
    result = provider.read(REF, state)
    assert api.writes() == []  # read never writes
    assert result.outs["default_pool_size"] == 40
    assert result.outs["uri_allow_list"] == ["https://evil.example/**"]
    assert result.outs["site_url"] == SITE
    assert sorted(result.outs["allowed_cidrs"]) == ["0.0.0.0/0", "2001:db8::/32"]
    assert result.outs["original"] == state["original"]
    assert "access_token" not in result.outs
    assert provider.diff(REF, via_state(result.outs), props).changes is True


def test_read_does_not_touch_unmanaged_network_restrictions(provider, api):
    state = create(provider, make_props(api))
    api.clear_log()
    provider.read(REF, state)
    assert api.calls() == [("GET", POOLER_PATH), ("GET", AUTH_PATH), ("GET", BACKUPS_PATH), ("GET", ADVISORS_PATH)]


# --------------------------------------------------------------------------
# delete
# --------------------------------------------------------------------------


def test_delete_restores_the_settings_from_before_adoption(provider, api):
    api.add_project(REF, default_pool_size=None, site_url="http://localhost:3000", uri_allow_list=None)
    state = create(provider, make_props(api, default_pool_size=50, allowed_cidrs=["10.0.0.0/8"]))
    result = provider.update(REF, state, make_props(api, default_pool_size=70, site_url="https://x.vital.expert",
                                                     allowed_cidrs=["10.0.0.0/8"]))
    state = via_state(result.outs)
    assert api.pool_size(REF) == 70

    api.clear_log()
    provider.delete(REF, state)
    assert api.pool_size(REF) is None  # restored to null (the compute-size default)
    assert api.auth(REF)["site_url"] == "http://localhost:3000"
    assert api.auth(REF)["uri_allow_list"] is None
    assert api.cidrs(REF) == {"dbAllowedCidrs": ["0.0.0.0/0"], "dbAllowedCidrsV6": ["::/0"]}
    assert [(w.method, w.route, w.request_body) for w in api.writes()] == [
        ("PATCH", POOLER_PATH, {"default_pool_size": None}),
        ("PATCH", AUTH_PATH, {"site_url": "http://localhost:3000", "uri_allow_list": None}),
        ("POST", NETWORK_RESTRICTIONS_APPLY_PATH, {"dbAllowedCidrs": ["0.0.0.0/0"], "dbAllowedCidrsV6": ["::/0"]}),
    ]


def test_delete_writes_nothing_when_nothing_was_changed(provider, api):
    state = create(provider, make_props(api, default_pool_size=15, site_url="http://localhost:3000", uri_allow_list=[]))
    api.clear_log()
    provider.delete(REF, state)
    assert api.writes() == []


def test_delete_without_a_record_of_the_original_leaves_the_project_alone(provider, api, caplog):
    state = via_state(make_props(api))
    with caplog.at_level(logging.WARNING, logger=provider_module.__name__):
        provider.delete(REF, state)
    assert api.log == []
    assert "no record of the settings before adoption" in caplog.text


def test_replacing_the_project_ref_adopts_the_new_one_and_restores_the_old(provider, api):
    old_state = create(provider, make_props(api, default_pool_size=50))
    new_props = make_props(api, project_ref=OTHER_REF, default_pool_size=50)
    assert provider.diff(REF, old_state, new_props).replaces == ["project_ref"]
    new_state = create(provider, new_props)  # create-before-delete
    provider.delete(REF, old_state)
    assert api.pool_size(OTHER_REF) == 50 and new_state["original"]["pooler"] == {"default_pool_size": 30}
    assert api.pool_size(REF) == 15 and api.auth(REF)["site_url"] == "http://localhost:3000"
