"""synth runs the policy pack through the Analyzer protocol: a broken stack config fails its policy (on both
policy paths), a mandatory violation exits 1."""

import json

import pytest

from tests.policies.helpers import PINNED_TODAY
from tests.stacks import with_config
from tools.synth import main

# stack, config change, the policy that must name the violation
BROKEN = {
    "rate above the tier's": ("production", {"rateLimitRequests": 1000}, "rate-limit"),
    # noindex: false keeps noindex off custom domains only; preview has none until one is attached.
    "preview without noindex": ("preview", {"noindex": False, "domains": ["try.vitalexpert.com"]}, "noindex"),
    "production with noindex everywhere": ("production", {"noindex": True}, "noindex"),
    "production without security headers": ("production", {"securityHeaders": False}, "security-headers"),
    "preview without the report-only CSP": ("preview", {"cspReportOnly": False}, "security-headers"),
    "debug in production": ("production", {"env": {"NEXT_PUBLIC_ENABLE_DEBUG": "true"}}, "no-debug-in-production"),
    "wildcard CORS in production": ("production", {"corsAllowedOrigins": ["*"]}, "cors"),
    "production domain on pre-production": ("pre-production", {"domains": ["app.vitalexpert.com"]}, "isolation"),
    "preview building main": ("preview", {"productionBranch": "main"}, "isolation"),
    "pre-production without admin allow-list": ("pre-production", {"adminAllowlist": None}, "admin-allowlist"),
    "production environment not from main": ("production", {"productionBranch": "release"}, "github-environments"),
    "pre-production on production's Supabase project": ("pre-production", {"supabaseProjectRef": "vitalprodxxxxxxxxxxx"},
                                                        "isolation"),
    # The strategy's PITR on production: $100 more than its Supabase budget and the strategy's ceiling.
    "production with PITR on its budget": ("production", {"supabaseBackups": "daily+pitr"}, "cost-ceiling"),
    "pre-production open to everyone": ("pre-production", {"vercelAuthentication": "standard_protection_new", "env": {
        "NEXT_PUBLIC_ENABLE_DEBUG": "false", "NEXT_PUBLIC_ENABLE_MOCK_API": "false"}}, "internal-access"),
}


def _run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    return code, json.loads(out.out) if out.out.strip().startswith("{") else None, out.err


# The broken configs whose change the pack reads from the stack's config itself (not only from the
# resources): each is also judged by the pack launched as the CLI launches it, one process each.
READ_FROM_CONFIG = ("production with PITR on its budget",
                    "pre-production on production's Supabase project")


def test_each_broken_stack_config_fails_its_policy_on_both_policy_paths(tmp_path):
    """Each broken stack file rendered once and judged in this process (synth's default), naming the
    policy as mandatory; those the pack reads from config also by the pack launched as the CLI
    launches it, with the same findings. (synth's exit 1 on a mandatory violation: the tests below.)"""
    from tests.policies.helpers import running_packs
    from tools.policy.committed import committed
    from tools.synth import synthesize

    judged = {**committed(), **PINNED_TODAY}  # what synth passes of the other tiers, and a pinned day
    specs = {}
    for i, (case, (stack, changes, _)) in enumerate(BROKEN.items()):
        (tmp_path / str(i)).mkdir()
        synthesized = synthesize(stack, with_config(stack, tmp_path / str(i), **changes))
        specs[case] = (synthesized.rendered, synthesized.config)
    by_process = {case: specs[case] for case in READ_FROM_CONFIG}
    with running_packs(by_process, process=True) as processes, running_packs(specs) as in_process:
        for case, (rendered, _) in specs.items():
            here = in_process[case].run(rendered.resources, judged)
            if case in processes:
                assert here == processes[case].run(rendered.resources, judged), case
            mandatory = [v for v in here["violations"] if v["enforcementLevel"] == "mandatory"]
            assert BROKEN[case][2] in {v["policy"] for v in mandatory}, (case, mandatory)


def test_committed_stacks_have_no_mandatory_violation(tmp_path, capsys):
    # Rotation ages count to a pinned day, so the test does not start failing 90 days after
    # the committed rotation dates (in real runs, that failure is the point).
    pack_config = tmp_path / "policy.json"
    pack_config.write_text(json.dumps(PINNED_TODAY))
    code = main(["--stack", "all", "--policy-pack-config", str(pack_config)])
    docs = json.loads(capsys.readouterr().out)
    assert code == 0
    for doc in docs:
        assert doc["policy"]["pack"].startswith("vital-expert-guardrails@v")
        assert [v for v in doc["policy"]["violations"] if v["enforcementLevel"] == "mandatory"] == []


def test_max_duration_through_pack_config(tmp_path, capsys):
    # The config layer already refuses a timeout above the tier's, so the rule is exercised by
    # tightening the pack's limit, as `--policy-pack-config` would.
    pack_config = tmp_path / "policy.json"
    pack_config.write_text(json.dumps({"max-duration": {"maxSeconds": {"production": 20}}}))
    code, doc, _ = _run(capsys, ["--stack", "production", "--policy-pack-config", str(pack_config)])
    assert code == 1
    assert any(v["policy"] == "max-duration" and "30" in v["message"] for v in doc["policy"]["violations"])


def test_advisory_only_still_exits_0(tmp_path, capsys):
    code, doc, _ = _run(capsys, ["--stack", "preview", "--config-file", str(with_config("preview", tmp_path, previewExpiration="2m"))])
    assert code == 0
    assert any(v["policy"] == "preview-cleanup" and v["enforcementLevel"] == "advisory" for v in doc["policy"]["violations"])


def test_no_policy_skips_the_pass(tmp_path, capsys):
    code, doc, _ = _run(capsys, ["--stack", "production", "--no-policy", "--config-file",
                                 str(with_config("production", tmp_path, securityHeaders=False))])
    assert code == 0 and "policy" not in doc


def test_bad_pack_config_is_one_line_exit_2(tmp_path, capsys):
    pack_config = tmp_path / "policy.json"
    pack_config.write_text(json.dumps({"rate-limit": {"maxRequests": {"production": 0}}}))
    code, _, err = _run(capsys, ["--stack", "production", "--policy-pack-config", str(pack_config)])
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "rate-limit" in err and "maxRequests.production" in err


def test_markdown_has_a_policy_section(capsys):
    assert main(["--stack", "preview", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "#### Policy pack `vital-expert-guardrails@v" in out
