"""Stack files read as the Pulumi CLI reads them, held to Go itself and to the CLI's source.

tests/fixtures/stackfile-oracle.json is what real gopkg.in/yaml.v3 v3.0.1 and Go's fmt,
encoding/json and time made of tests/oracle/cases.json, driven through the CLI's loading steps
(tests/oracle/stackfile_oracle.go restates sdk/go/common/workspace/loaders.go
LoadProjectStackBytes, project.go SimplifyMarshalledValue, config/map.go Map.UnmarshalYAML,
config/key.go ParseKey and config/object.go unmarshalObject; run with Go 1.19 on a machine whose
local zone is UTC). Each case here must give what Go gave, or refuse what Go refused.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pulumi_crypto import SESSION_SALT_LINE, encrypt
from tests.stacks import ROOT, stack_yaml, write_stack
from tools.synth import main as synth_main
from vital import configkeys, stackfile

ORACLE = json.loads((ROOT / "tests/fixtures/stackfile-oracle.json").read_text())
CASES = {case["name"]: case["yaml"] for case in json.loads((ROOT / "tests/oracle/cases.json").read_text())}


def _cli_words(error: str) -> str:
    """The oracle's error without the wrappers around it (the CLI's prefixes, yaml.v3's line numbers
    of the file it wrote back out)."""
    last = error.splitlines()[-1].strip()
    for prefix in ("invalid YAML file: ", "could not unmarshal map: ", "yaml: "):
        last = last.removeprefix(prefix)
    return re.sub(r" at line \d+$", "", re.sub(r"^line \d+: ", "", last))


def _read(tmp_path: Path, text: str) -> stackfile.StackConfigInput:
    path = tmp_path / "Pulumi.production.yaml"
    path.write_text(text)
    return stackfile.file_config("production", path)


@pytest.mark.parametrize("case", ORACLE, ids=[case["name"] for case in ORACLE])
def test_each_case_reads_as_go_and_the_cli_read_it(tmp_path, case):
    text = CASES[case["name"]]
    if "error" in case:
        with pytest.raises(stackfile.StackFileError) as raised:
            _read(tmp_path, text)
        assert _cli_words(case["error"]) in str(raised.value) and "\n" not in str(raised.value)
        return
    got = _read(tmp_path, text)
    expected = case.get("config", {})
    assert set(got.config) == set(expected)
    for key, value in expected.items():
        if value["object"]:  # Go's JSON and Python's differ in spelling only (1e-05, \u003c)
            assert json.loads(got.config[key]) == json.loads(value["value"]), key
        else:
            assert got.config[key] == value["value"], key
    empty = case.get("warnings") or []
    assert got.warnings == ([configkeys.empty_value_warning(empty)] if empty else [])


def test_the_oracle_covers_every_case_and_its_inputs_are_pinned():
    assert [case["name"] for case in ORACLE] == list(CASES)


# ---- the rules the oracle's cases are about, one by one ------------------------------------------


def test_a_non_string_top_level_key_fails_the_file_and_a_nested_one_becomes_its_text(tmp_path):
    # project.go SimplifyMarshalledValue: "expected only string keys, got '%!s(int=1)'", for the
    # top-level mapping only (project_test.go TestProjectLoadYAML: "Test nested bad key" loads).
    with pytest.raises(stackfile.StackFileError, match=re.escape("expected only string keys, got '%!s(int=1)'")):
        _read(tmp_path, "1: x\nconfig: {}\n")
    # config/object.go unmarshalObject: a map[any]any key is fmt.Sprintf("%v", k).
    got = _read(tmp_path, "config:\n  p:o: {1: a, true: b, ~: c}\n")
    assert json.loads(got.config["p:o"]) == {"1": "a", "true": "b", "<nil>": "c"}


def test_an_empty_value_is_an_empty_string_with_the_clis_warning(tmp_path):
    # loaders.go checkForEmptyConfig: "" and a warning naming the key.
    got = _read(tmp_path, "config:\n  vital-expert-infra:region:\n")
    assert got.config == {"vital-expert-infra:region": ""}
    assert got.warnings == ['No value for configuration key "vital-expert-infra:region". This is currently treated '
                            'as an empty string `""`, but will be treated as `null` in a future version of pulumi. '
                            'Set the value to `""` to avoid this warning.']


def test_an_unnamespaced_key_is_the_projects_and_a_clash_is_refused(tmp_path):
    # loaders.go stackConfigNamespacedWithProject; two keys naming one: Go's map keeps either.
    assert _read(tmp_path, "config:\n  region: iad1\n").config == {"vital-expert-infra:region": "iad1"}
    with pytest.raises(stackfile.StackFileError, match="config keys 'region' and 'vital-expert-infra:region' are "
                                                       "both 'vital-expert-infra:region' to the CLI"):
        _read(tmp_path, "config:\n  region: iad1\n  vital-expert-infra:region: sfo1\n")
    # config/key.go ParseKey: the old `<ns>:config:<name>` form is the same key.
    assert _read(tmp_path, "config:\n  aws:config:region: us-east-1\n").config == {"aws:region": "us-east-1"}


def test_whole_number_floats_in_an_object_reach_the_program_as_integers(tmp_path):
    # loaders.go LoadProjectStackBytes writes the file back out (yamlutil.YamlEncode) and reads it
    # again, and config/object.go hands objects on as Go's JSON: 10.0 is 10.
    data = stack_yaml("production")
    data["config"]["vital-expert-infra:rolloutStages"] = [{"percent": 10.0, "minutes": 60.0}, {"percent": 100.0}]
    got = stackfile.file_config("production", write_stack(tmp_path, data))
    assert json.loads(got.config["vital-expert-infra:rolloutStages"]) == [{"percent": 10, "minutes": 60}, {"percent": 100}]
    assert all(isinstance(v, int) for stage in json.loads(got.config["vital-expert-infra:rolloutStages"]) for v in stage.values())


# ---- secrets: which manager the CLI picks (pkg/cmd/pulumi/stack/secrets.go GetSecretsManager) ---------


def _with_secret(tmp_path: Path, header: dict, ciphertext: str) -> Path:
    text = "".join(f"{k}: {json.dumps(v)}\n" for k, v in header.items())
    return _write(tmp_path, text + f"config:\n  vital-expert-infra:protectionPassword:\n    secure: {ciphertext}\n")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Pulumi.production.yaml"
    path.write_text(text)
    return path


PULUMI_CLOUD_CIPHERTEXT = base64.b64encode(bytes(range(48))).decode()


@pytest.mark.parametrize(("header", "ciphertext", "problem"), [
    # Pulumi Cloud's stack files: no provider line, the service's ciphertext as plain base64.
    ({}, PULUMI_CLOUD_CIPHERTEXT, None),
    ({}, encrypt("x"), "v1: ciphertext, which a passphrase or cloud KMS provider wrote, in a file with neither"),
    # "default" is read as no provider line: with a salt, the passphrase provider's v1: values.
    ({"secretsprovider": "default", "encryptionsalt": SESSION_SALT_LINE}, encrypt("x"), None),
    ({"secretsprovider": "default", "encryptionsalt": SESSION_SALT_LINE}, PULUMI_CLOUD_CIPHERTEXT,
     "not of the form v1:<nonce>:<ciphertext>"),
    ({"secretsprovider": "default"}, PULUMI_CLOUD_CIPHERTEXT, None),
    # A cloud KMS provider with no data key line: the CLI makes a new key (cloud/manager.go).
    ({"secretsprovider": "awskms://alias/pulumi-state-production?region=eu-central-1"}, encrypt("x"),
     "no encryptedkey: line"),
    ({"secretsprovider": "awskms://alias/x?region=eu-central-1", "encryptedkey": "eA=="}, encrypt("x"), None),
    # A provider gocloud cannot open.
    ({"secretsprovider": "service"}, PULUMI_CLOUD_CIPHERTEXT, "no driver registered for ''"),
], ids=["cloud", "v1-without-salt", "default-with-salt", "base64-with-salt", "default-cloud", "kms-without-key",
        "kms", "unknown-provider"])
def test_secure_values_are_checked_against_the_manager_the_cli_picks(tmp_path, header, ciphertext, problem):
    path = _with_secret(tmp_path, header, ciphertext)
    if problem is None:
        assert stackfile.file_config("production", path).secret_keys == ["vital-expert-infra:protectionPassword"]
        return
    with pytest.raises(stackfile.StackFileError, match=re.escape(problem)):
        stackfile.file_config("production", path)


def test_secure_with_a_value_that_is_not_a_string_is_plain_data(tmp_path):
    # config/object.go isSecureValue: a one-key mapping whose value is a string.
    got = _read(tmp_path, "config:\n  p:o:\n    secure: 1\n")
    assert got.config == {"p:o": '{"secure":1}'} and got.secret_keys == []


# ---- the alias bomb and the messages, end to end ----------------------------------------------


@pytest.mark.timeout(60)
def test_an_alias_bomb_is_one_line_and_exit_2(tmp_path):
    # go-yaml v3.0.1 decode.go allowedAliasRatio / unmarshal(): "document contains excessive aliasing".
    path = _write(tmp_path, CASES["alias bomb"] + "config: {}\n")
    done = subprocess.run([sys.executable, "-m", "tools.synth", "--stack", "production", "--config-file", str(path),
                           "--no-policy"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "yaml: document contains excessive aliasing" in done.stderr


def test_synth_says_what_the_cli_says_for_missing_secrets_and_prints_its_warnings(tmp_path, capsys):
    # pkg/cmd/pulumi/operations/preview.go: "validating stack config: %w" around
    # pkg/workspace/config.go missingStackConfigurationKeysError; the CLI prompts for nothing.
    data = stack_yaml("production", secrets=False)
    data["config"]["vital-expert-infra:alertSlackChannelId"] = None
    assert synth_main(["--stack", "production", "--config-file", str(write_stack(tmp_path, data)), "--no-policy",
                       "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "will ask" not in err
    assert ("`pulumi preview` stops with \"error: validating stack config: Stack 'production' is missing "
            "configuration values 'secretEnv' and 'supabaseDbUrl'\"") in err
    assert "pulumi config set --stack production --secret --path secretEnv.OPENAI_API_KEY" in err
    assert "synth: stack 'production': warning: No value for configuration key \"vital-expert-infra:alertSlackChannelId\"." in err
