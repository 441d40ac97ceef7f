"""Canary secrets never appear in synth output, stack outputs, markdown or logs."""

import json
import logging

from tests.stacks import env_vars, render_with_secrets
from tools.render import stack_markdown

CANARY = "canary-7c1e9b4f-do-not-print"
SECRETS = {
    "secretEnv": {"OPENAI_API_KEY": CANARY + "-openai", "SUPABASE_SERVICE_ROLE_KEY": CANARY + "-srk"},
}
# Production also holds the Langfuse keys (its rotation dates name them) and the team token (its only).
PRODUCTION_SECRETS = {**SECRETS, "vercelDeployToken": CANARY + "-token",
                      "secretEnv": {**SECRETS["secretEnv"], "LANGFUSE_PUBLIC_KEY": CANARY + "-lfp",
                                    "LANGFUSE_SECRET_KEY": CANARY + "-lfs"}}


def test_canary_never_appears_in_json_markdown_outputs_or_logs(caplog):
    caplog.set_level(logging.DEBUG)
    doc = render_with_secrets("pre-production", SECRETS)
    text = json.dumps(doc) + stack_markdown(doc) + caplog.text
    assert CANARY not in text
    # The secrets really were used: the resources that carry them are there, marked secret.
    env = env_vars(doc)
    assert env["OPENAI_API_KEY"]["inputs"]["value"] == "[secret]" and env["OPENAI_API_KEY"]["inputs"]["sensitive"]
    tokens = [r for r in doc["resources"] if r["type"].endswith(":ActionsEnvironmentSecret")]
    assert {t["inputs"]["value"] for t in tokens} == {"[secret]"}


def test_canary_reaches_the_engine_only_wrapped_as_secret():
    """The raw RegisterResource inputs hold the canary, and only inside secret wrappers."""
    from tools.synth import read_source
    from tools.mockrt import SECRET_SIG, redact, run_program

    source = read_source("production")
    config = dict(source.config)
    config["vital-expert-infra:vercelDeployToken"] = CANARY
    rendered = run_program("production", config, source.secret_keys)
    raw = json.dumps([r.inputs for r in rendered.resources])
    assert CANARY in raw  # it was registered ...
    assert CANARY not in json.dumps([redact(r.inputs) for r in rendered.resources])  # ... only as a secret
    secret = next(r for r in rendered.resources if r.inputs.get("secretName") == "VERCEL_TOKEN")
    assert secret.inputs["value"][SECRET_SIG] and secret.inputs["value"]["value"] == CANARY


def test_stack_outputs_export_no_secret_values():
    doc = render_with_secrets("production", PRODUCTION_SECRETS)
    assert CANARY not in json.dumps(doc["outputs"])


def test_synth_cli_output_holds_no_placeholder_secret(capsys):
    from tools.synth import main

    code = main(["--stack", "all"])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    assert "secret-placeholder" not in out.out + out.err
    docs = json.loads(out.out)
    assert [d["stack"] for d in docs] == ["production", "pre-production", "preview"]
