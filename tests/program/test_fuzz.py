"""Bad input, as a new user or a careless edit produces it, across every key and every tool.

Each case must end with exit 2 and one line on stderr: never 0 (accepted), never 1 (which means
a policy failed), never 3 or a traceback, and within a bounded time (pytest-timeout).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.stacks import stack_yaml
from tools.synth import main as synth

NS = "vital-expert-infra"
BIG = "x" * 100_000

# (stack, key, bad value): every config key, each with the values it must refuse.
CONFIG_CASES: list[tuple[str, str, Any]] = [
    *[("production", "functionTimeout", v) for v in (True, "soon", 0, -1, 10**12, 1.5, [30], {"a": 1})],
    *[("production", "rateLimitRequests", v) for v in (True, 0, -5, "many", 10**12, [1])],
    *[("production", "rateLimitPeriod", v) for v in (False, 5, 0, "900s", 10**9, [900])],
    *[("production", "supabasePoolSize", v) for v in (True, -1, 3001, "big", [1])],
    *[("production", "noindex", v) for v in (1, "yes", "maybe", [True], {"a": 1})],
    *[("production", "securityHeaders", v) for v in (0, "on", [True])],
    *[("production", "githubRepo", v) for v in ("", "../../etc/passwd", "vital-expert/other", BIG, "a b", ["x"])],
    *[("production", "github:owner", v) for v in ("", "has space", "accént", "-leading", "a--b", {"a": 1}, BIG)],
    *[("production", "vercel:team", v) for v in ("vital-expert", "", "team_", {"a": 1})],
    *[("production", "buildCommand", v) for v in ("pnpm\x00build", BIG, "", ["pnpm", "build"])],
    *[("production", "installCommand", v) for v in (["pnpm", "install"], "a\nb", BIG, {"x": 1})],
    *[("production", "outputDirectory", v) for v in ("../../etc", "/abs", "a\x00b", BIG, "")],
    *[("production", "apps", v) for v in ([{"name": "web", "rootDirectory": "../x"}], [{"name": "Web"}],
                                           [{"name": "web", "rootDirectory": "/abs"}], [{"name": "web", "extra": 1}],
                                           "web", [{"name": "web", "env": {"TZ": "UTC"}}], [{"name": "a" * 41}])],
    *[("production", "domains", v) for v in (["not a domain"], ["APP.vitalexpert.com"], "app.vitalexpert.com",
                                              ["a.com", "a.com"], ["x" * 300 + ".com"], [f"d{i}.vitalexpert.com" for i in range(60)])],
    *[("production", "env", v) for v in ({"TZ": "UTC"}, {"NOW_REGION": "x"}, {"1BAD": "x"}, {"FOO": "1", "foo": "2"},
                                          {"BIG": BIG}, {"OPENAI": "sk-proj-" + "a1B2c3D4e5" * 4},
                                          {"NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY": "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"},
                                          {"NEXT_PUBLIC_SUPABASE_KEY": "sb_secret_" + "abcdefghijklmnopqrstuv"},
                                          {"NODE_ENV": "preview"}, {"DB": "postgres://u:pw@db/x"}, ["A=1"], {"A": 1})],
    *[("production", "headers", v) for v in ({"X-Evil": "a\r\nSet-Cookie: evil=1"}, {"X-Big": BIG}, {"Bad Name": "x"},
                                              {"X-A": 1}, ["X-A: b"])],
    *[("production", "corsAllowedOrigins", v) for v in (["https://a.com,https://evil.com"], ["not a url"],
                                                         ["https://a.com/path"], "https://a.com", [5])],
    *[("production", "productionBranch", v) for v in ("", "a..b ~^:", "-x", "x.lock", "a b", "@", ["main"])],
    *[("production", "requiredReviewers", v) for v in ([-1], [0], [10**25], ["alice"], [True], [1] * 7, 5)],
    *[("production", "requiredChecks", v) for v in ([""], "test", [1], ["a\nb"])],
    *[("production", "supabaseAllowedCidrs", v) for v in (["10.0.0.1/8"], ["10.0.0.300/8"], ["example.com"], "10.0.0.0/8")],
    *[("pre-production", "adminAllowlist", v) for v in (["10.0.0.1/8"], ["nope"], "203.0.113.0/24")],
    *[("production", "adminPaths", v) for v in (["admin"], ["/admin?x"], [], ["/a b"], "/admin")],
    *[("production", "upstashPrimaryRegion", v) for v in ("mars-north-1", "", ["us-east-1"], "US-EAST-1")],
    *[("production", "sharedCacheStack", v) for v in ("../../..", "pre-production", "", "a//b")],
    *[("production", "supabaseProjectRef", v) for v in ("Prod-Ref", "", "a" * 21, 12345)],
    *[("production", "supabaseAnonKey", v) for v in ("sb_secret_" + "abcdefghijklmnopqrstuv",
                                                      "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2ln",
                                                      "not-a-key", ["x"])],
    *[("production", "supabaseBackups", v) for v in ("hourly", "", ["daily"])],
    *[("production", "vercelPlan", v) for v in ("business", "", ["pro"], True)],
    *[("production", "vercelAddons", v) for v in (["everything"], "password_protection", [1])],
    *[("production", "region", v) for v in ("mars1", "", ["iad1"])],
    *[("production", "previewExpiration", v) for v in ("5y", "", 30)],
    *[("production", "vercelAuthentication", v) for v in ("everyone", ["none"], 1)],
    *[("production", "envVarMode", v) for v in ("some", True)],
    *[("production", "deployFrom", v) for v in ("jenkins", "")],
    *[("production", "secretRotation", v) for v in ({"vercelDeployToken": "yesterday"}, {"nope": "2026-01-01"},
                                                     {"vercelDeployToken": "2999-01-01"}, ["x"])],
    *[("production", "adopt", v) for v in ({"apps": {"vital-expert": {"projectId": "nope"}}}, {"branch": True},
                                            {"unknown": 1}, "yes")],
    *[("production", key, 1) for key in ("functionTimeOut", "Functiontimeout")],
    *[("production", f"{ns}:functionTimeout", 30) for ns in ("vital-expert-infr", "Vital-Expert-Infra", "vital-expert-infra2")],
]


def _write(tmp_path: Path, stack: str, key: str, value: Any) -> Path:
    data = stack_yaml(stack)
    data["config"][key if ":" in key else f"{NS}:{key}"] = value
    path = tmp_path / "Pulumi.fuzz.yaml"
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True))
    return path


def _one_line_exit_2(code: int, captured) -> None:
    assert code == 2, captured.err[-500:]
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err[-1500:]
    assert "Traceback" not in captured.err and captured.out == ""


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("stack", "key", "value"), CONFIG_CASES,
                         ids=[f"{k}={str(v)[:30]!r}" for _, k, v in CONFIG_CASES])
def test_every_key_refuses_a_bad_value_with_one_line(stack, key, value, tmp_path, capsys):
    path = _write(tmp_path, stack, key, value)
    _one_line_exit_2(synth(["--stack", stack, "--config-file", str(path), "--no-policy"]), capsys.readouterr())
    err = capsys.readouterr().err
    assert BIG not in err


# Raw stack files: what YAML and the CLI's reader refuse.
RAW_FILES = {
    "binary tag": "config:\n  vital-expert-infra:region: !!binary AAECAw==\n",
    "set tag": "config:\n  vital-expert-infra:apps: !!set {a, b}\n",
    "list as key": "config:\n  ? [a]\n  : b\n",
    "not utf-8": b"config:\n  vital-expert-infra:region: \xff\xfe\n",
    "5000 deep": "config:\n  vital-expert-infra:env: " + "[" * 5000 + "]" * 5000 + "\n",
    "duplicate key": "config:\n  vercel:team: team_a12345\n  vercel:team: team_b12345\n",
    "not a mapping": "- a\n- b\n",
    "config is a list": "config: [a, b]\n",
    "key without namespace": "config:\n  functionTimeout: 30\n",
    "malformed ciphertext": "config:\n  vital-expert-infra:vercelDeployToken:\n    secure: v1:cGxhY2Vob2xkZXI=:c2V0IG1l\n",
    "not yaml": "config: [unclosed\n",
    "infinite number": "config:\n  vital-expert-infra:functionTimeout: .inf\n",
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", RAW_FILES)
def test_a_stack_file_the_cli_would_refuse_is_one_line(case, tmp_path, capsys):
    path = tmp_path / "Pulumi.raw.yaml"
    raw = RAW_FILES[case]
    path.write_bytes(raw if isinstance(raw, bytes) else raw.encode())
    _one_line_exit_2(synth(["--stack", "production", "--config-file", str(path), "--no-policy"]), capsys.readouterr())


@pytest.mark.timeout(60)
@pytest.mark.parametrize("argv", [
    ["--stack", "staging"], ["--format", "xml"], ["--stack", "all", "--config-file", "x.yaml"],
    ["--config-file", "/nonexistent/Pulumi.x.yaml", "--stack", "production"],
    ["--policy-pack-config", "/nonexistent.json"], ["--unknown-flag"],
])
def test_synth_usage_errors_are_one_line(argv, tmp_path, capsys):
    argv = [a.replace("x.yaml", str(tmp_path)) for a in argv]
    _one_line_exit_2(synth(argv), capsys.readouterr())


def test_a_directory_as_config_file_is_one_line(tmp_path, capsys):
    _one_line_exit_2(synth(["--stack", "production", "--config-file", str(tmp_path), "--no-policy"]), capsys.readouterr())


def test_an_oversized_config_names_its_largest_key(tmp_path, capsys):
    data = stack_yaml("production")
    data["config"][f"{NS}:headers"] = {f"X-H{i}": "v" * 4000 for i in range(40)}
    path = tmp_path / "Pulumi.big.yaml"
    path.write_text(yaml.safe_dump(data))
    code = synth(["--stack", "production", "--config-file", str(path), "--no-policy"])
    captured = capsys.readouterr()
    _one_line_exit_2(code, captured)
    assert "PULUMI_CONFIG" in captured.err and f"'{NS}:headers'" in captured.err
