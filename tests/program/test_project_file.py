"""Pulumi.yaml and the stack files against Pulumi's own project schema and CLI rules."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from program.config import StackConfig
from tests.stacks import ROOT, TIERS, stack_yaml
from tools.synth import read_source
from vital import stackfile

SCHEMA = ROOT / "tests" / "fixtures" / "specs" / "pulumi-project.schema.json"


def project():
    return yaml.safe_load((ROOT / "Pulumi.yaml").read_text())


def test_pulumi_yaml_validates_against_the_project_schema():
    jsonschema.validate(project(), json.loads(SCHEMA.read_text()))


def test_schema_rejects_what_the_cli_rejects():
    # The check can fail: a type the CLI does not know is refused by the schema.
    broken = project()
    broken["config"]["apps"] = {"type": "map", "description": "no such config type"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json.loads(SCHEMA.read_text()))


def test_project_runs_python_from_its_virtualenv():
    runtime = project()["runtime"]
    assert runtime["name"] == "python" and runtime["options"]["virtualenv"] == ".venv"
    assert project()["name"] == "vital-expert-infra"


def test_declared_defaults_match_the_typed_config():
    """Pulumi.yaml's defaults and the pydantic model's are the same values, not two sources."""
    fields = {(f.alias or n): f for n, f in StackConfig.model_fields.items()}
    for key, decl in project()["config"].items():
        assert key in fields, f"Pulumi.yaml declares {key}, the config model does not know it"
        if "default" in decl:
            model_default = fields[key].default
            if isinstance(model_default, tuple):
                model_default = [d.model_dump(by_alias=True, exclude_defaults=True) if hasattr(d, "model_dump") else d
                                 for d in model_default]
            elif hasattr(model_default, "model_dump"):
                model_default = model_default.model_dump(by_alias=True, exclude_defaults=True)
            assert decl["default"] == ("" if model_default is None else model_default), key


def test_secrets_are_declared_secret():
    decl = project()["config"]
    assert decl["supabaseDbUrl"]["secret"] is True and "default" not in decl["supabaseDbUrl"]
    assert decl["secretEnv"]["secret"] is True
    # Not declared: a declared secret without a default must be set in every stack, and the team token is
    # production's only (program.checks); the Supabase token is no config key (vital.names.RETIRED_CONFIG_KEYS).
    assert "vercelDeployToken" not in decl and "supabaseAccessToken" not in decl


@pytest.mark.parametrize("stack", TIERS)
def test_committed_stack_files_have_every_required_key_and_no_plaintext_secret(stack):
    source = read_source(stack)
    assert "vital-expert-infra:supabaseDbUrl" in source.secret_keys
    assert "vital-expert-infra:secretEnv" in source.secret_keys
    raw = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
    from vital.stackfile import plaintext_secret_leaves
    assert plaintext_secret_leaves(raw) == []


def test_missing_required_key_is_reported_like_the_cli(tmp_path: Path):
    data = stack_yaml("production")
    del data["config"]["vital-expert-infra:supabaseDbUrl"]
    path = tmp_path / "Pulumi.production.yaml"
    path.write_text(yaml.safe_dump(data))
    # The CLI's words (pkg/workspace/config.go): the project's key, unnamespaced.
    with pytest.raises(stackfile.StackFileError, match="Stack 'production' is missing configuration value 'supabaseDbUrl'"):
        stackfile.read("production", path)


def test_every_missing_key_is_listed_like_the_cli():
    with pytest.raises(stackfile.StackFileError, match="Stack 'production' is missing configuration values "
                                                       "'secretEnv' and 'supabaseDbUrl'"):
        stackfile.read("production")
