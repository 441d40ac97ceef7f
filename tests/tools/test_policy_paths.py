"""The two policy paths give the same findings: pulumi-policy's servicer driven in this process
(tools/policy/inprocess.py, synth's default) and the pack launched exactly as the CLI launches it
(dev/pack_process.py, a test of the pack), over every committed stack and the violating
mutations the rule tests use (synth's broken stack files: tests/tools/test_synth_policy.py);
and no stack's config or settings leak into the next one.
"""

from __future__ import annotations

import copy
import json
import os

import pulumi
import pytest

from tests.policies import test_analyzer, test_data_rotation
from tests.policies.helpers import PINNED_TODAY, render_committed, running_packs
from tools.policy.errors import PolicyPackError
from tools.mockrt import UNKNOWN
from tools.policy.inprocess import InProcessPack
from vital.names import PROJECT, TIERS


@pytest.fixture(scope="module")
def rendered():
    return render_committed()


@pytest.fixture(scope="module")
def both(rendered):
    """For each committed stack: (in-process pack, pack process)."""
    with running_packs(rendered, process=True) as processes, running_packs(rendered) as in_process:
        yield {stack: (in_process[stack], processes[stack]) for stack in rendered}


def _same(packs, resources, pack_config=None) -> dict:
    here, there = (pack.run(resources, pack_config) for pack in packs)
    assert here == there
    return here


@pytest.mark.parametrize("stack", TIERS)
def test_every_committed_stack_gets_the_same_findings(both, rendered, stack):
    result = _same(both[stack], rendered[stack][0].resources, PINNED_TODAY)
    assert result["pack"] == "vital-expert-guardrails@v0.1.0"
    assert not [v for v in result["violations"] if "can't run policy" in v["message"]]  # no noise
    # With the real date too (no pinned `today`), and with every policy's level changed.
    _same(both[stack], rendered[stack][0].resources)
    _same(both[stack], rendered[stack][0].resources, {"all": "advisory", "preview-cleanup": {"maxDays": 1}})
    # A value a rule needs, unknown: both paths report pulumi-policy's "can't run" advisory alike.
    resources = copy.deepcopy(rendered[stack][0].resources)
    project = next(r for r in resources if r.type == "vercel:index/project:Project")
    project.inputs["resourceConfig"]["functionDefaultTimeout"] = UNKNOWN
    waiting = [v for v in _same(both[stack], resources, PINNED_TODAY)["violations"] if "can't run" in v["message"]]
    assert [v["policy"] for v in waiting] == ["max-duration"] and "can't run policy" in waiting[0]["message"]


# Each stack's violating mutations (the rule tests' cases) applied together and judged once on each
# path: every violation of every case is compared in one run (the rule tests judge each case alone).


@pytest.mark.parametrize("stack", TIERS)
def test_every_rule_mutation_gets_the_same_findings(both, rendered, stack):
    cases = [c for c in test_analyzer.CASES if c[0] == stack]
    resources = copy.deepcopy(rendered[stack][0].resources)
    for _, _, mutate, _, _ in cases:
        mutate(resources)
    result = _same(both[stack], resources)
    found = {v["policy"] for v in result["violations"] if not v["message"].startswith("can't run")}
    assert cases and {c[1] for c in cases} <= found, sorted(found)


@pytest.mark.parametrize("tier", sorted({c[0] for c in test_data_rotation.E2E}))
def test_every_data_mutation_gets_the_same_findings(both, rendered, tier):
    cases = [c for c in test_data_rotation.E2E if c[0] == tier]
    resources = test_data_rotation.regs(rendered, tier)
    for _, _, mutate, _, _ in cases:
        mutate(resources, tier, rendered)
    result = _same(both[tier], resources, test_data_rotation.pinned())
    found = {v["policy"] for v in result["violations"] if v["enforcementLevel"] == "mandatory"}
    assert {c[1] for c in cases} <= found, sorted(found)


# ---- one process, several stacks: nothing leaks ------------------------------------------------


def test_no_stack_config_or_setting_leaks_from_one_stack_to_the_next(both, rendered, monkeypatch):
    # Something in the environment the servicer would apply over the whole runtime (the CLI sets
    # these for a pack's process): ignored here, and still there afterwards.
    monkeypatch.setenv("PULUMI_PROJECT", PROJECT)
    monkeypatch.setenv("PULUMI_STACK", "stack-from-the-environment")
    monkeypatch.setenv("PULUMI_DRY_RUN", "true")
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(test_data_rotation._missing_date_config()))
    stack_before, config_before = pulumi.get_stack(), dict(pulumi.runtime.config.CONFIG.get())
    fresh = {}
    for stack in reversed(TIERS):
        with InProcessPack(PROJECT, stack, rendered[stack][1]) as pack:
            fresh[stack] = pack.run(rendered[stack][0].resources, PINNED_TODAY)
    # Production's config without a rotation date for OPENAI_API_KEY (the rest recorded) reports that one secret.
    with InProcessPack(PROJECT, "production", test_data_rotation._missing_date_config()) as pack:
        result = pack.run(rendered["production"][0].resources, PINNED_TODAY)
    assert [(v["policy"], v["enforcementLevel"]) for v in result["violations"]
            if v["policy"] == "secret-rotation"] == [("secret-rotation", "advisory")]
    for stack in TIERS:  # the same answers in the other order, after the odd one out, and as the CLI's launch gives
        with InProcessPack(PROJECT, stack, rendered[stack][1]) as pack:
            assert pack.run(rendered[stack][0].resources, PINNED_TODAY) == fresh[stack]
        assert both[stack][1].run(rendered[stack][0].resources, PINNED_TODAY) == fresh[stack]
    assert pulumi.get_stack() == stack_before and dict(pulumi.runtime.config.CONFIG.get()) == config_before
    assert os.environ["PULUMI_STACK"] == "stack-from-the-environment"


def test_a_rule_that_crashes_in_process_is_one_line_naming_the_call(tmp_path, rendered):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.9\n")
    (tmp_path / "__main__.py").write_text(
        "from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy\n"
        "def validate(args, report):\n    raise ValueError('rule-bug-marker')\n"
        "PolicyPack(name='crashy', enforcement_level=EnforcementLevel.MANDATORY,\n"
        "           policies=[ResourceValidationPolicy(name='crash', description='Crashes.', validate=validate)])\n")
    resources, config = rendered["preview"][0].resources, rendered["preview"][1]
    with InProcessPack(PROJECT, "preview", config, pack_dir=tmp_path) as pack:
        assert pack.info.label == "crashy@v0.0.9"  # PulumiPolicy.yaml's version, as the CLI shows it
        with pytest.raises(PolicyPackError) as err:
            pack.run(resources)
    assert str(err.value) == "policy pack crashy@v0.0.9: Analyze failed with ValueError: rule-bug-marker"


@pytest.mark.parametrize("main, message", [
    ("raise RuntimeError('pack-broke-marker: no rules module')\n", "RuntimeError: pack-broke-marker: no rules module"),
    ("x = 1\n", "built 0 policy packs; allowed: exactly one"),
])
def test_a_pack_that_fails_to_load_is_one_line(tmp_path, main, message):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text(main)
    with pytest.raises(PolicyPackError) as err:
        InProcessPack(PROJECT, "production", {}, pack_dir=tmp_path).start()
    assert "\n" not in str(err.value) and "failed to start" in str(err.value) and message in str(err.value)
