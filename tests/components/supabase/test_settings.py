"""check and diff: the resource's properties normalized, validated and compared
(components/supabase/settings.py, through the provider's check and diff)."""

from __future__ import annotations

import pytest
from pulumi.runtime import rpc

from components.supabase.settings import changed_fields, normalize_props

from .support import OTHER_REF, REF, TOKEN, URIS, make_props, via_state


def test_check_fills_defaults_and_types_numbers(provider, api):
    news = make_props(api, default_pool_size=20.0, max_attempts=3.0)
    for key in ("api_url", "timeout_seconds", "max_attempts", "retry_base_delay_seconds", "max_retry_sleep_seconds"):
        news.pop(key)
    result = provider.check({}, news)
    assert result.failures == []
    assert result.inputs["default_pool_size"] == 20 and isinstance(result.inputs["default_pool_size"], int)
    assert result.inputs["api_url"] == "https://api.supabase.com"
    assert result.inputs["timeout_seconds"] == 10.0
    assert result.inputs["allowed_cidrs"] is None


def test_check_reports_bad_inputs_without_echoing_the_token(provider, api):
    news = make_props(
        api,
        project_ref="Not-A-Ref",
        default_pool_size=5000,
        site_url="https://a,https://b",
        uri_allow_list=["https://ok.example", "https://x,https://y", " https://pad.example"],
        allowed_cidrs=["10.0.0.0/8", "10.0.0.1/8", "not-a-cidr"],
        timeout_seconds=0,
        max_attempts=0,
    )
    failures = {(f.property, f.reason) for f in provider.check({}, news).failures}
    props = sorted({p for p, _ in failures})
    assert props == ["allowed_cidrs", "default_pool_size", "max_attempts", "project_ref", "site_url",
                     "timeout_seconds", "uri_allow_list"]
    assert len([p for p, _ in failures if p == "allowed_cidrs"]) == 2
    assert len([p for p, _ in failures if p == "uri_allow_list"]) == 2
    (cred,) = provider.check({}, make_props(api, api_url=f"https://me:{TOKEN}@api.supabase.com")).failures
    assert cred.property == "api_url" and TOKEN not in cred.reason
    assert all(TOKEN not in reason for _, reason in failures)


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("access_token", "sbp_x", "is no input any more: the provider reads its token from its environment, "
                                  "so no token is stored in state"),
        ("uri_allow_list", "https://a.example", "must be a list of URLs"),
        ("allowed_cidrs", "10.0.0.0/8", "must be a list of CIDRs, or None to leave network restrictions alone"),
        ("api_url", "ftp://api.supabase.com", "must be an http(s) URL, got 'ftp://api.supabase.com'"),
        ("timeout_seconds", float("inf"), "must be a positive number, got inf"),
        ("retry_base_delay_seconds", -1, "must be a non-negative number, got -1"),
        ("max_retry_sleep_seconds", True, "must be a non-negative number, got True"),
        ("max_attempts", 21, "must be an integer from 1 to 20, got 21"),
        ("default_pool_size", 2.5, "must be an integer from 0 to 3000, got 2.5"),
    ],
)
def test_check_names_each_bad_property_once(provider, api, field, value, reason):
    failures = provider.check({}, make_props(api, **{field: value})).failures
    assert [(f.property, f.reason) for f in failures] == [(field, reason)]


def test_check_accepts_zero_waits_and_the_edges_of_each_range(provider, api):
    props = make_props(api, retry_base_delay_seconds=0, max_retry_sleep_seconds=0.0, max_attempts=20,
                       default_pool_size=0, allowed_cidrs=[])
    assert provider.check({}, props).failures == []


def test_check_skips_unknown_values(provider, api):
    news = make_props(api, project_ref=rpc.UNKNOWN, site_url=rpc.UNKNOWN)
    assert provider.check({}, news).failures == []


def test_diff_ignores_identical_and_reordered_inputs(provider, api):
    olds = via_state(dict(make_props(api, allowed_cidrs=["10.0.0.0/8", "192.168.0.0/16"]),
                          original={"pooler": {"default_pool_size": 15}}))
    news = make_props(api, allowed_cidrs=["192.168.0.0/16", "10.0.0.0/8"])
    result = provider.diff(REF, olds, news)
    assert result.changes is False and result.replaces == []


@pytest.mark.parametrize(
    "field, value",
    [
        ("default_pool_size", 40),
        ("site_url", "https://new.vital.expert"),
        ("uri_allow_list", list(reversed(URIS))),  # one string on the server: order counts
        ("allowed_cidrs", ["10.0.0.0/8"]),
    ],
)
def test_diff_managed_field_change_is_an_in_place_update(provider, api, field, value):
    result = provider.diff(REF, via_state(make_props(api)), make_props(api, **{field: value}))
    assert result.changes is True
    assert result.replaces == []


def test_diff_project_ref_change_replaces(provider, api):
    result = provider.diff(REF, via_state(make_props(api)), make_props(api, project_ref=OTHER_REF))
    assert result.changes is True
    assert result.replaces == ["project_ref"]
    assert result.delete_before_replace is False


def test_diff_a_token_left_in_state_is_an_update_without_replace(provider, api):
    # An earlier version stored the token; the update that drops it is the only change.
    result = provider.diff(REF, via_state(make_props(api, access_token="old")), make_props(api))
    assert result.changes is True and result.replaces == []
    assert changed_fields(normalize_props(make_props(api, access_token="x")), normalize_props(make_props(api))) == ["access_token"]
    assert changed_fields(normalize_props(make_props(api)), normalize_props(make_props(api))) == []


def test_diff_unknowns_during_preview(provider, api):
    result = provider.diff(REF, via_state(make_props(api)), make_props(api, site_url=rpc.UNKNOWN))
    assert result.changes is True and result.replaces == []
    result = provider.diff(REF, via_state(make_props(api)), make_props(api, project_ref=rpc.UNKNOWN))
    assert result.replaces == ["project_ref"]
