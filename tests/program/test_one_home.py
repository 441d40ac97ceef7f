"""One home per rule (issue 26, item 3): where a list of allowed values is written twice because a
type needs it spelled out (a pydantic Literal), the two are tested equal; the tier table is the only
source of a tier-dependent default; a rule the config model checks is not checked again in a spec."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

import pytest
import yaml

from program import config
from program.config import StackConfig
from vital import facts, paths
from vital.names import TIERS
from vital.tiers import TIER_DEFAULTS

ROOT = Path(__file__).resolve().parents[2]


def _literal(annotation) -> tuple:
    return tuple(a for a in get_args(annotation) if a is not type(None))


@pytest.mark.parametrize("annotation, source", [
    (StackConfig.model_fields["tier"].annotation, TIERS),
    (StackConfig.model_fields["vercel_plan"].annotation, tuple(facts.VERCEL_PLANS)),
    (StackConfig.model_fields["rollout_advancement"].annotation, facts.ROLLOUT_ADVANCEMENTS),
    (config.RateLimitScope, paths.RATE_LIMIT_SCOPES),
    (config.AddOn, tuple(f for f, plans in facts.FEATURE_AVAILABILITY.items() if "addon" in plans.values())),
], ids=["tier", "vercelPlan", "rolloutAdvancement", "rateLimitScope", "vercelAddons"])
def test_a_literal_type_lists_what_its_source_lists(annotation, source):
    assert sorted(_literal(annotation)) == sorted(source)


def test_a_tier_dependent_key_has_its_default_in_the_tier_table_only():
    """Neither Pulumi.yaml nor the config model gives a default to a key the tier table sets."""
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    fields = {(f.alias or n): f for n, f in StackConfig.model_fields.items()}
    tier_keys = set().union(*(tier.config_defaults() for tier in TIER_DEFAULTS.values()))
    assert tier_keys  # the test can fail: there are such keys
    for key in sorted(tier_keys):
        assert fields[key].is_required(), f"{key}: a Field default beside the tier table's"
        assert "default" not in declared.get(key, {}), f"{key}: a Pulumi.yaml default beside the tier table's"


# Lists of allowed values for config keys whose rules are program/checks.py's (and vital/validators.py's).
CONFIG_RULE_FACTS = ("ROLLOUT_STAGES_MIN", "ROLLOUT_STAGES_MAX", "ROLLOUT_ADVANCEMENTS", "SKEW_PROTECTION_VALUES",
                     "BUILD_MACHINE_TYPES", "VERCEL_NODE_VERSIONS", "VERCEL_AUTH_DEPLOYMENT_TYPES")


def test_the_specs_do_not_check_a_config_rule_again():
    tree = ast.parse((ROOT / "components" / "specs.py").read_text())
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert names & set(CONFIG_RULE_FACTS) == set()
    assert {"ROLLOUT_STAGES_MIN", "SKEW_PROTECTION_VALUES"} <= set(vars(facts))  # the names are real
