"""No policy message quotes a value that can be a secret.

Under the real engine pulumi-policy hands every rule the plaintext of secret inputs. Here every
value the engine marks secret (env var values, GitHub secret values, tokens) becomes a
canary, chosen so that the rules that read it find a violation; then every policy of the
catalog runs over every tier, and no message may contain a canary.
"""

from __future__ import annotations

import itertools

import pytest

from tests.policies.helpers import (
    SECRET_SIG,
    T_ENV,
    Fake,
    data_fakes,
    fake_stack,
    resource_args,
    run,
    secret,
    stack_args,
    stack_runtime,
)
from vital import pulumi_internals
from vital.names import TIERS
from vital_policies.catalog import CATALOG

CANARY = "CANARYx9q"
_count = itertools.count()


def _canary(key: str) -> str:
    """A unique canary that breaks the rule reading this key (a wildcard for CORS, not 'false' for flags)."""
    n = next(_count)
    return f"*{CANARY}{n}" if key == "CORS_ALLOWED_ORIGINS" else f"{CANARY}{n}"


def _canaried(value, key: str = ""):
    if isinstance(value, dict) and value.get(SECRET_SIG):
        return secret(_canary(key))
    if isinstance(value, dict):
        return {k: _canaried(v, value.get("key", key) if k == "value" else key) for k, v in value.items()}
    if isinstance(value, list):
        return [_canaried(v, key) for v in value]
    return value


def _stack(tier: str) -> list[Fake]:
    fakes = fake_stack(tier) + data_fakes(tier)
    project_id = next(f for f in fakes if f.type == T_ENV).inputs["projectId"]
    extra = [
        Fake(T_ENV, "vital-expert-env-node_env", {"key": "NODE_ENV", "value": secret("x"), "sensitive": False,
                                                   "projectId": project_id, "targets": ["production"]}),
        Fake(T_ENV, "vital-expert-env-stripe_secret_key", {"key": "STRIPE_SECRET_KEY", "value": secret("x"),
                                                            "sensitive": False, "projectId": project_id,
                                                            "targets": ["production"]}),
        Fake(T_ENV, "vital-expert-env-next_public_token", {"key": "NEXT_PUBLIC_TOKEN", "value": secret("x"),
                                                            "sensitive": True, "projectId": project_id,
                                                            "targets": ["production"]}),
    ]
    for fake in fakes + extra:
        fake.stack = tier
        fake.inputs = _canaried(fake.inputs)
        if "backup_policy" in fake.inputs:
            fake.inputs["backup_policy"] = secret(_canary("backup_policy"))
    return fakes + extra


@pytest.mark.parametrize("tier", TIERS)
def test_no_policy_message_quotes_a_secret_value(tier):
    fakes = _stack(tier)
    messages = []
    with stack_runtime(tier, {"vital-expert-infra:secretEnv": '{"A": "' + CANARY + 'env"}'}):
        for entry in CATALOG:
            targets = [stack_args(fakes, {})] if entry.kind == "stack" else [resource_args(f, {}) for f in fakes]
            for args in targets:
                try:
                    messages += [r.message for r in run(entry.validate, args)]
                except pulumi_internals.not_applicable_error() as err:
                    messages.append(err.reason)
    assert messages, "the canaries must trigger violations, or the test proves nothing"
    assert any("NODE_ENV" in m for m in messages) and any("STRIPE_SECRET_KEY" in m for m in messages)
    leaked = [m for m in messages if CANARY in m]
    assert leaked == []
