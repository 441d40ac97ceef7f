"""The policy runner (tools.policy): the pack started as the CLI starts it and stopped again,
pack config errors, a pack that cannot start or whose rule crashes, secret values scrubbed
from messages, and the markdown section."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.policies.helpers import of, render_committed, running_packs
from tests.policies.helpers import secret as wrapped
from tests.stacks import ROOT, TIERS as STACKS
from tools.mockrt import Registration
from tools.policy.errors import PolicyPackError
from tools.policy.config import PolicyConfigError
from tools.policy.diagnostics import scrub, secret_values
from dev.pack_process import PackProcess, analyze, analyze_stacks
from tools.policy.results import has_mandatory, markdown_section
from vital.names import PROJECT


@pytest.fixture(scope="module")
def stacks():
    return render_committed()


@pytest.fixture(scope="module")
def packs(stacks):
    with running_packs({"preview": stacks["preview"]}) as started:
        yield started


# ---- the pack's lifecycle ---------------------------------------------------------------------


def test_analyze_launches_and_stops_its_own_pack(stacks):
    rendered, config = stacks["pre-production"]
    assert not has_mandatory(analyze(rendered, config=config))
    with PackProcess(rendered.project, rendered.stack, config) as pack:
        proc = pack.proc
        assert pack.startup_s is not None and proc.poll() is None
    assert proc.returncode is not None  # stopped, not left running


def test_analyze_stacks_runs_one_pack_per_stack(stacks):
    results = analyze_stacks([stacks[s] for s in STACKS], {"preview-cleanup": {"maxDays": 1}})
    assert [len(of(r, "preview-cleanup")) for r in results] == [1, 1, 1]


# ---- pack config ------------------------------------------------------------------------------


@pytest.mark.parametrize("config, message", [
    ({"rate-limit": {"maxRequests": {"production": -5}}},
     "policy pack config: policy 'rate-limit', property 'maxRequests.production': found -5; allowed: a number of at least 1"),
    ({"max-duration": {"maxSeconds": {"preview": "45"}}},
     "policy 'max-duration', property 'maxSeconds.preview': found \"45\"; allowed: a value of type integer"),
    ({"noindex": {"noindexTiers": ["staging"]}},
     "policy 'noindex', property 'noindexTiers[0]': found \"staging\"; allowed: one of production, pre-production, preview"),
    ({"rate-limit": {"maxRequests": {"prod": 5}}},
     "policy 'rate-limit': found unknown property 'maxRequests.prod'; allowed: pre-production, preview, production"),
    ({"cors": {"varible": "X"}}, "policy 'cors': found unknown property 'varible'; allowed: enforcementLevel, tiers, variable"),
    ({"rate-limit": "strict"},
     "policy 'rate-limit': found enforcement level 'strict'; allowed: advisory, mandatory, remediate, disabled"),
    ({"rate_limit": {}}, "found unknown policy 'rate_limit'; allowed: all, rate-limit, max-duration"),
    ({"preview-cleanup": {"enforcementLevel": 3}},
     "policy 'preview-cleanup', property 'enforcementLevel': found 3; allowed: one of advisory"),
])
def test_a_bad_pack_config_is_one_clear_line(packs, stacks, config, message):
    with pytest.raises(PolicyConfigError) as err:
        packs["preview"].run(stacks["preview"][0].resources, config)
    assert message in str(err.value) and "\n" not in str(err.value)


# ---- a pack that cannot start -----------------------------------------------------------------


def _pack_dir(tmp_path: Path, main: str) -> Path:
    (tmp_path / "PulumiPolicy.yaml").write_text(
        f"runtime:\n  name: python\n  options:\n    virtualenv: {ROOT / '.venv'}\nversion: 0.0.9\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(main))
    return tmp_path


def test_a_pack_that_fails_to_start_is_one_line_with_its_stderr(tmp_path):
    pack = PackProcess(PROJECT, "production", {}, pack_dir=_pack_dir(
        tmp_path, "raise RuntimeError('pack-broke-marker: no rules module')\n"))
    with pytest.raises(PolicyPackError) as err:
        pack.start()
    text = str(err.value)
    assert "\n" not in text and "exited with code 1 before serving" in text
    assert text.endswith("RuntimeError: pack-broke-marker: no rules module")
    assert pack.proc is None


def test_a_pack_that_never_serves_is_stopped_after_the_timeout(tmp_path):
    pack = PackProcess(PROJECT, "production", {}, startup_timeout=0.5,
                       pack_dir=_pack_dir(tmp_path, "import time\ntime.sleep(60)\n"))
    pack.spawn()
    proc = pack.proc
    with pytest.raises(PolicyPackError, match="printed no port within 0.5 s"):
        pack.wait_ready()
    assert proc.returncode is not None


def test_a_rule_that_crashes_is_one_line_naming_the_call(tmp_path, stacks):
    main = """
        from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

        def validate(args, report):
            raise ValueError("rule-bug-marker")

        PolicyPack(name="crashy", enforcement_level=EnforcementLevel.MANDATORY,
                   policies=[ResourceValidationPolicy(name="crash", description="Crashes.", validate=validate)])
    """
    rendered, config = stacks["preview"]
    with PackProcess(rendered.project, rendered.stack, config, pack_dir=_pack_dir(tmp_path, main)) as pack:
        assert pack.info.label == "crashy@v0.0.9"  # PulumiPolicy.yaml's version, as the CLI shows it
        with pytest.raises(PolicyPackError) as err:
            pack.run(rendered.resources)
    assert "\n" not in str(err.value)
    assert str(err.value).startswith("policy pack crashy@v0.0.9: Analyze failed with UNKNOWN")
    assert "rule-bug-marker" in str(err.value)


def test_secret_values_are_scrubbed_from_messages():
    def reg(type_, inputs):
        return Registration(urn="u", type=type_, name="n", parent="", custom=True, inputs=inputs, protect=False,
                            dependencies=[], property_dependencies={}, delete_before_replace=False,
                            retain_on_delete=False, import_id="", additional_secret_outputs=[], provider="")

    env = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
    secrets = secret_values([
        reg(env, {"key": "A", "value": wrapped("plain-value"), "sensitive": False}),
        reg(env, {"key": "B", "value": wrapped("sensitive-value"), "sensitive": True}),
        reg("github:index/actionsSecret:ActionsSecret", {"value": wrapped("gh-secret-value")}),
    ])
    assert secrets == {"sensitive-value", "gh-secret-value"}
    assert scrub("x sensitive-value y gh-secret-value plain-value", secrets) == "x [secret] y [secret] plain-value"


# ---- markdown -----------------------------------------------------------------------------------


def test_markdown_section():
    urn = "urn:pulumi:production::vital-expert-infra::vital:vercel:VercelApp$vercel:index/firewallConfig:FirewallConfig::fw"
    text = markdown_section({"pack": "p@v1", "violations": [
        {"policy": "rate-limit", "enforcementLevel": "mandatory", "urn": urn, "message": "a | b"},
        {"policy": "github-environments", "enforcementLevel": "advisory", "urn": "", "message": "x"}]})
    assert "1 mandatory, 1 advisory." in text
    assert "| mandatory | rate-limit | `fw` | a \\| b |" in text
    assert "| advisory | github-environments | `(stack)` | x |" in text
    assert "No violations." in markdown_section({"pack": "p@v1", "violations": []})
    json.dumps(text)
