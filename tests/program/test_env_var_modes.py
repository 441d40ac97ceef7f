"""Env vars as one resource each, or as one bulk ProjectEnvironmentVariables per project."""

import json

from tests.stacks import env_vars, of_type, one, render, with_config
from tools.synth import main


def test_bulk_mode_registers_one_resource_per_project(tmp_path, committed):
    doc = render("production", with_config("production", tmp_path, envVarMode="bulk"))
    assert of_type(doc, ":ProjectEnvironmentVariable") == []
    bulk = one(doc, ":ProjectEnvironmentVariables")
    assert bulk["deleteBeforeReplace"] is True
    variables = {v["key"]: v for v in bulk["inputs"]["variables"]}
    assert set(variables) == set(env_vars(committed["production"]))
    assert variables["OPENAI_API_KEY"]["sensitive"] is True and variables["OPENAI_API_KEY"]["value"] == "[secret]"
    # Plain values are not wrapped by the bulk SDK, so the diff can show them.
    assert variables["NEXT_PUBLIC_ENV"]["value"] == "production"
    per_variable = len(committed["production"]["resources"])
    assert len(doc["resources"]) == per_variable - len(variables) + 1


def test_policies_see_inside_the_bulk_resource(tmp_path, capsys):
    path = with_config("production", tmp_path, envVarMode="bulk", env={"NEXT_PUBLIC_ENABLE_DEBUG": "true"})
    assert main(["--stack", "production", "--config-file", str(path)]) == 1
    violations = json.loads(capsys.readouterr().out)["policy"]["violations"]
    assert any(v["policy"] == "no-debug-in-production" and "variables[" in v["message"] for v in violations)


def test_bulk_mode_and_single_variable_imports_do_not_mix(tmp_path, capsys):
    adopt = {"apps": {"vital-expert": {"projectId": "prj_x1", "envVarIds": {"OPENAI_API_KEY": "e1"}}}}
    assert main(["--stack", "production", "--config-file", str(with_config("production", tmp_path, envVarMode="bulk", adopt=adopt))]) == 2
    assert "'vital-expert-infra:envVarMode'" in capsys.readouterr().err
