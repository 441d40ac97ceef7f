"""The pack config's contract (policies/vital_policies/pack_config.py): each policy's schema and
defaults, and how a rule reads a setting.

The schemas are what a `--policy-pack-config` file is written against and what the CLI validates it
with, so they are pinned whole: tests/golden/pack-schemas.json holds every policy's properties,
defaults and descriptions. When a change is meant to alter them, regenerate and review the diff:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/policies/test_pack_config.py

Pure function calls: `make mutate` runs this file first for pack_config.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from vital.tiers import TIER_DEFAULTS, TIERS
from vital_policies import catalog, pack_config, pack_schemas

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "pack-schemas.json"


def _document() -> dict:
    return {
        "defaults": pack_config.defaults(),
        "schemas": {name: {"properties": s.properties, "required": s.required}
                    for name, s in pack_schemas.schemas().items()},
    }


def test_the_schemas_and_defaults_are_the_contract():
    found = json.loads(json.dumps(_document(), sort_keys=True))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    assert found == json.loads(GOLDEN.read_text()), "pack config schemas changed; review and regenerate (UPDATE_GOLDEN=1)"


def test_every_configurable_policy_has_a_schema_and_defaults_and_no_other_does():
    configurable = {e.name for e in catalog.CATALOG if e.configurable}
    assert set(pack_schemas.schemas()) == configurable
    assert set(pack_config.defaults()) == configurable


@pytest.mark.parametrize("policy", sorted(pack_schemas.schemas()))
def test_each_schema_is_valid_and_takes_its_own_defaults(policy):
    schema = pack_schemas.schemas()[policy]
    document = {"type": "object", "properties": schema.properties, "additionalProperties": False}
    Draft7Validator.check_schema(document)
    given = {k: v for k, v in pack_config.defaults()[policy].items() if v is not None}
    assert list(Draft7Validator(document).iter_errors(given)) == []
    for name, prop in schema.properties.items():
        assert prop.get("description"), f"{policy}.{name} has no description"


@pytest.mark.parametrize("policy, value", [
    ("rate-limit", {"maxRequests": {"production": 0}}),
    ("rate-limit", {"maxRequests": {"staging": 5}}),
    ("rate-limit", {"periodSeconds": 0}),
    ("max-duration", {"maxSeconds": {"production": 901}}),
    ("noindex", {"noindexTiers": ["staging"]}),
    ("noindex", {"noindexTiers": ["preview", "preview"]}),
    ("no-debug-in-production", {"flags": [""]}),
    ("cors", {"variable": ""}),
    ("isolation", {"supabaseProjectRefs": {"production": "not-a-ref"}}),
    ("isolation", {"supabaseProjectRefs": {"staging": "a" * 20}}),
    ("preview-cleanup", {"maxDays": 0}),
    ("secret-rotation", {"today": "2026-13-01"}),
    ("secret-rotation-due", {"warnAfterDays": 0}),
    ("slo-alerts", {"maxP95Ms": 0}),
    ("cost-ceiling", {"ceilings": {"vercel": -1}}),
    ("cost-ceiling", {"ceilings": {"netlify": 10}}),
    ("cost-ceiling", {"tierCosts": {"preview": {"vercel": "ten"}}}),
])
def test_each_schema_refuses_what_it_should(policy, value):
    document = {"type": "object", "properties": pack_schemas.schemas()[policy].properties, "additionalProperties": False}
    assert list(Draft7Validator(document).iter_errors(value)), value


def test_setting_is_the_configured_value_else_the_default():
    assert pack_config.setting({"tiers": ["preview"]}, "cors", "tiers") == ["preview"]
    assert pack_config.setting({"tiers": None}, "cors", "tiers") == ["production"]
    assert pack_config.setting({}, "cors", "tiers") == ["production"]
    assert pack_config.setting(None, "cors", "tiers") == ["production"]  # no config at all (a rule called alone)
    assert pack_config.setting({"tiers": []}, "cors", "tiers") == []  # an empty list is a setting, not a gap


def test_a_per_tier_object_given_in_part_keeps_the_tables_other_tiers():
    table = {t: TIER_DEFAULTS[t].rate_limit_requests for t in TIERS}
    assert pack_config.tier_map({"maxRequests": {"production": 50}}, "rate-limit", "maxRequests") == {
        **table, "production": 50}
    assert pack_config.tier_map({"maxRequests": {"production": None}}, "rate-limit", "maxRequests") == table
    assert pack_config.tier_map({"maxRequests": 7}, "rate-limit", "maxRequests") == table  # not a mapping
    assert pack_config.tier_setting({"maxRequests": {"production": 50}}, "rate-limit", "maxRequests", "preview") == \
        table["preview"]
    assert pack_config.tier_setting({"maxRequests": {"preview": 9}}, "rate-limit", "maxRequests", "preview") == 9
    assert pack_config.tier_setting({"maxRequests": {"preview": None}}, "rate-limit", "maxRequests", "preview") == \
        table["preview"]
    assert pack_config.tier_setting({"maxRequests": 9}, "rate-limit", "maxRequests", "preview") == table["preview"]


def test_the_defaults_come_from_the_tier_table():
    d = pack_config.defaults()
    assert d["max-duration"]["maxSeconds"] == {t: TIER_DEFAULTS[t].function_timeout_s for t in TIERS}
    assert d["isolation"]["previewSkipsBranches"] == [TIER_DEFAULTS[t].production_branch for t in TIERS
                                                      if not TIER_DEFAULTS[t].builds_pr_branches]
    assert d["secret-rotation"]["today"] is None and d["secret-rotation-due"]["today"] is None
