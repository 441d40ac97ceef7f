"""Provider config keys are checked as the bridged providers check them (tools/provider_config.py).

The rule and its words are pulumi-terraform-bridge's (pkg/tfbridge/check_failures.go,
formatDefaultProviderInvalidKey and keySuggestions); the provider's name is the engine's
(pulumi/pulumi pkg/resource/deploy/providers/provider.go, ProviderRequest.DefaultName); each
provider's keys come from its installed SDK.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from tests.stacks import stack_yaml, write_stack
from tools import provider_config
from tools.provider_config import ProviderSchema, check, default_provider_name, installed, invalid_key_reason, levenshtein

VERCEL_TEEM = ("`vercel:teem` is not a valid configuration key for the vercel provider. Did you mean `vercel:team`? "
               "If the referenced key is not intended for the provider, please choose a different namespace from "
               "`vercel:`.")
VERCEL_DEFAULT = "default_5_21_1_github_/api.github.com/pulumiverse"


def test_each_installed_providers_keys_are_its_sdks_own():
    """Derived from each SDK's config/vars.py, and held to a second artifact of the same schema that
    the SDK generator writes apart: the Provider resource's arguments (ProviderArgs.__init__)."""
    found = installed()
    assert {"vercel", "github", "upstash", "aws"} <= set(found)  # aws: the bootstrap project's
    assert found["vercel"].keys == {"apiToken", "team"} and found["upstash"].keys == {"apiKey", "email"}
    for schema in found.values():
        args = importlib.import_module(schema.module).ProviderArgs.__init__
        params = set(inspect.signature(args).parameters) - {"self", "__self__"}
        assert {re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower() for k in schema.keys} == params, schema.name


def test_keys_are_read_from_every_config_getter_of_a_generated_vars_module():
    vars_py = ("import pulumi\n__config__ = pulumi.Config('x')\nclass _C:\n"
               "    def a(self): return __config__.get('token') or _utilities.get_env('X_TOKEN')\n"
               "    def b(self): return __config__.get_int('maxRetries')\n"
               "    def c(self): return __config__.get_object('assumeRole')\n"
               "    def d(self): return other.get('notAKey')\n")
    assert provider_config.config_keys(vars_py) == {"token", "maxRetries", "assumeRole"}


def test_an_sdk_is_found_by_its_plugin_file_and_the_first_on_the_path_wins(tmp_path):
    for where, keys in (("first", "'one'"), ("second", "'two'")):
        sdk = tmp_path / where / "pulumi_fake"
        (sdk / "config").mkdir(parents=True)
        (sdk / "pulumi-plugin.json").write_text('{"resource": true, "name": "fake", "version": "1.0.0"}')
        (sdk / "config" / "vars.py").write_text(f"__config__ = None\nx = __config__.get({keys})\n")
    helper = tmp_path / "first" / "pulumi_helper"  # a plugin file that is not a resource provider's
    (helper / "config").mkdir(parents=True)
    (helper / "pulumi-plugin.json").write_text('{"resource": false, "name": "helper"}')
    (helper / "config" / "vars.py").write_text("")
    found = installed((str(tmp_path / "first"), str(tmp_path / "second"), str(tmp_path / "missing")))
    assert found == {"fake": ProviderSchema("fake", "pulumi_fake", frozenset({"one"}))}


@pytest.mark.parametrize("a, b, distance", [
    # agext/levenshtein levenshtein_test.go's cases (the library keySuggestions calls).
    ("", "", 0), ("", "password", 8), ("password", "", 8), ("password", "1password", 1), ("password", "pasword", 1),
    ("password", "passXord", 1), ("12345678", "23456781", 2), ("12345678", "56781234", 8), ("12", "21", 2),
    ("123", "321", 2), ("1234567", "7654321", 6),
    ("teem", "team", 1), ("tem", "team", 1), ("apiTokn", "apiToken", 1), ("TEAM", "team", 4),
])
def test_levenshtein_is_agexts(a, b, distance):
    assert levenshtein(a, b) == distance == levenshtein(b, a)


def test_the_reason_is_the_bridges_word_for_word():
    assert invalid_key_reason("vercel", "teem", {"apiToken", "team"}) == VERCEL_TEEM
    # No key within distance 2: no "Did you mean"; several: each, joined by "or" (sorted here).
    assert invalid_key_reason("vercel", "region", {"apiToken", "team"}) == (
        "`vercel:region` is not a valid configuration key for the vercel provider. If the referenced key is not "
        "intended for the provider, please choose a different namespace from `vercel:`.")
    assert invalid_key_reason("github", "ownr", {"owner", "own", "token"}) == (
        "`github:ownr` is not a valid configuration key for the github provider. Did you mean `github:own` or "
        "`github:owner`? If the referenced key is not intended for the provider, please choose a different "
        "namespace from `github:`.")
    assert "Did you mean" not in invalid_key_reason("x", "abcd", {"wxyz"})  # distance 4
    assert "`x:abd`" in invalid_key_reason("x", "abcde", {"abd"})  # distance 2, the bound


@pytest.mark.parametrize("version, url, name", [
    # pulumi/pulumi pkg/resource/deploy/providers/provider_test.go's cases.
    ("", "", "default"),
    ("0.18.1", "", "default_0_18_1"),
    ("0.17.7-dev.1555435978+gb7030aa4.dirty", "", "default_0_17_7_dev_1555435978_gb7030aa4_dirty"),
    ("0.18.1", "pulumi.com/pkg", "default_0_18_1_pulumi.com/pkg"),
    ("0.17.7-dev.1555435978+gb7030aa4.dirty", "company.com/artifact-storage/pkg",
     "default_0_17_7_dev_1555435978_gb7030aa4_dirty_company.com/artifact-storage/pkg"),
    ("", "company.com", "default_company.com"),
    ("5.21.1", "github://api.github.com/pulumiverse", VERCEL_DEFAULT),
])
def test_the_default_providers_name_is_the_engines(version, url, name):
    assert default_provider_name(version, url) == name


SCHEMAS = {"vercel": ProviderSchema("vercel", "pulumiverse_vercel", frozenset({"apiToken", "team"})),
           "custom": ProviderSchema("custom", "pulumi_custom", frozenset({"a"}))}


def test_check_refuses_the_first_unknown_key_in_the_providers_namespace():
    config = {"vercel:team": "t", "vercel:teem": "team_x", "vercel:zzz": "1", "github:owner": "o", "proj:teem": "x"}
    assert check("production", "vercel", config, [], VERCEL_DEFAULT, SCHEMAS) == (
        f"stack 'production': config 'vercel:teem': found 'team_x'; pulumi:providers:vercel resource "
        f"'{VERCEL_DEFAULT}' has a problem: {VERCEL_TEEM}")


def test_check_passes_the_schemas_keys_and_the_two_every_bridged_provider_skips():
    config = {"vercel:team": "t", "vercel:apiToken": "x", "vercel:version": "5.21.1", "vercel:pluginDownloadURL": "u"}
    assert check("production", "vercel", config, ["vercel:apiToken"], VERCEL_DEFAULT, SCHEMAS) is None


def test_check_leaves_alone_a_provider_not_bridged_or_not_installed():
    assert check("production", "custom", {"custom:b": "1"}, [], "default", SCHEMAS) is None
    assert check("production", "github", {"github:ownr": "1"}, [], "default", SCHEMAS) is None


def test_check_never_shows_a_secret_value():
    line = check("production", "vercel", {"vercel:apiTokn": "do-not-print"}, ["vercel:apiTokn"], VERCEL_DEFAULT, SCHEMAS)
    assert "found [secret];" in line and "do-not-print" not in line and "Did you mean `vercel:apiToken`?" in line
    pasted = check("production", "vercel", {"vercel:tokn": "ghp_" + "A" * 36}, [], VERCEL_DEFAULT, SCHEMAS)
    assert "found [secret];" in pasted and "ghp_" not in pasted


def _synth(tmp_path: Path, capsys, **config: str | None) -> tuple[int, str, str]:
    """`python -m tools.synth --stack production --config-file F --no-policy`, run in this process."""
    from tools.synth import main

    data = stack_yaml("production")
    for key, value in config.items():
        if value is None:
            data["config"].pop(key)
        else:
            data["config"][key] = value
    code = main(["--stack", "production", "--config-file", str(write_stack(tmp_path, data)), "--no-policy"])
    out, err = capsys.readouterr()
    return code, out, err


def test_synth_exits_2_on_a_misspelt_provider_key_with_the_providers_did_you_mean(tmp_path, capsys):
    code, out, err = _synth(tmp_path, capsys, **{"vercel:teem": "team_vitalexpert"})
    assert code == 2 and out == ""
    assert err == (f"synth: stack 'production': config 'vercel:teem': found 'team_vitalexpert'; "
                   f"pulumi:providers:vercel resource '{VERCEL_DEFAULT}' has a problem: {VERCEL_TEEM}\n")
    # The key misspelt instead of set: the program, which needs vercel:team, names it first.
    code, _, err = _synth(tmp_path, capsys, **{"vercel:team": None, "vercel:teem": "team_vitalexpert"})
    assert code == 2 and err == (
        "synth: stack 'production': config 'vercel:teem': found 'team_vitalexpert'; allowed: the vercel provider's "
        "keys; did you mean 'vercel:team'? (the program needs it, and the provider refuses 'vercel:teem')\n")


def _register(explicit: bool) -> None:
    import pulumi
    import pulumiverse_vercel as vercel

    from tools.mockrt import recording
    from vital import pulumi_internals as internals

    def program() -> None:
        opts = pulumi.ResourceOptions(provider=vercel.Provider("explicit", team="team_x")) if explicit else None
        vercel.Project("p", name="p", opts=opts)

    with recording("production", {"vercel:teem": "team_x"}):
        internals.sync_await(internals.run_pulumi_func(program))


def test_only_a_default_provider_reads_the_namespaces_config():
    # default_providers.go: the stack's `vercel:` keys go to the default provider alone; an explicit
    # provider is configured by its own arguments.
    import pulumi

    _register(explicit=True)
    with pytest.raises(pulumi.RunError, match=re.escape(VERCEL_TEEM)):
        _register(explicit=False)


def test_the_bootstrap_projects_aws_keys_are_checked_the_same_way(tmp_path, capsys):
    """Generic over installed SDKs: the AWS provider of the bootstrap project (pulumi-aws) needs no code."""
    import yaml

    from tools.synth import main
    from vital.stackfile import ROOT

    data = yaml.safe_load((ROOT / "bootstrap" / "Pulumi.bootstrap.yaml").read_text())
    data["config"]["aws:regoin"] = "eu-central-1"
    path = tmp_path / "Pulumi.bootstrap.yaml"
    path.write_text(yaml.safe_dump(data))
    code = main(["--project", "bootstrap", "--stack", "bootstrap", "--config-file", str(path), "--no-policy"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("synth: stack 'bootstrap': config 'aws:regoin': found 'eu-central-1'; "
                                        "pulumi:providers:aws resource 'default_")
    assert "`aws:regoin` is not a valid configuration key for the aws provider. Did you mean `aws:region`?" in err
