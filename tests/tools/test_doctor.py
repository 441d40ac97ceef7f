"""tools.doctor: what would stop the CLI, each with its fix; real decryption, never a value shown."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from program.secrets import provider_credentials, required_secrets
from tests.moto_server import aws_client, moto_endpoint  # noqa: F401  (fixture)
from tests.pulumi_crypto import encrypt, passphrase_state
from tests.stacks import ROOT, stack_yaml
from tools.doctor import checks
from tools.doctor.cli import main
from vital.names import TIERS

CANARY = "canary-doctor-plaintext-7f3a"
# The providers' credentials, where they come from: the environment of `pulumi` (never the stack file).
READY_ENV = {"PULUMI_BACKEND_URL": "s3://state-bucket?region=us-east-1",
             **{credential.env_var: "x" for credential in provider_credentials("production")}}


def _configured(stack: str, key: bytes, header: dict) -> dict:
    """The committed stack file with every required secret set under `key`, as the CLI would."""
    data = {**header, **stack_yaml(stack, secrets=False)}
    config = data["config"]
    for secret in required_secrets(stack):
        value = {"secure": encrypt(f"{CANARY}-{secret.name}", key)}
        if secret.subkey:
            config.setdefault(secret.key, {})[secret.subkey] = value
        else:
            config[secret.key] = value
    config.setdefault("upstash:email", "ops@vitalexpert.com")
    return data


def _write(tmp_path: Path, data: dict, stack: str = "production") -> Path:
    path = tmp_path / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def passphrase_stack():
    salt_line, key = passphrase_state("correct horse battery staple")  # one PBKDF2 run for the module
    return salt_line, key


def _texts(report: checks.Report) -> str:
    return "\n".join([f"{f.what}; fix: {f.fix}" for f in report.findings] + report.notes)


# ---- the committed stacks: every secret named, with its command --------------------------------


def test_the_committed_stacks_list_each_missing_secret_with_its_command(capsys):
    assert main(["--stack", "all"]) == 1
    out = capsys.readouterr().out
    for stack in TIERS:
        for secret in required_secrets(stack):
            assert f"doctor: stack '{stack}': secret {secret.name} is not set;" in out
            assert secret.command(stack) in out
    assert all(line.startswith("doctor: stack '") for line in out.splitlines())
    assert "no secretsprovider: line" in out
    # The CLI prompts for nothing: it stops, in its own words, and the doctor quotes them.
    assert "the CLI stops with \"error: validating stack config: Stack 'production' is missing configuration values " in out
    assert "will ask" not in out
    # secretEnv is an object: set member by member (--path), never as one string.
    assert "--secret secretEnv" not in out
    stops = [line for line in out.splitlines() if line.startswith("doctor: stack 'production': the CLI stops")]
    assert stops and "pulumi config set --stack production --secret --path secretEnv.OPENAI_API_KEY; " in stops[0]


# ---- provider credentials: from the environment only --------------------------------------------

PROVIDER_KEYS = ("vercel:apiToken", "github:token", "upstash:apiKey", "supabaseAccessToken")


def test_the_doctor_never_advises_a_provider_credential_in_a_stack_file(capsys):
    """Problem 4: it told operators `pulumi config set --secret vercel:apiToken` for every stack, so a write
    token set in preview's or pre-production's config would have replaced the read-only one in PR previews."""
    assert main(["--stack", "all"]) == 1
    assert main(["--stack", "all", "--commands"]) == 0
    out = capsys.readouterr().out
    assert not [line for line in out.splitlines() for key in PROVIDER_KEYS if f"config set" in line and key in line]
    for stack in TIERS:
        for credential in provider_credentials(stack):
            assert f"doctor: stack '{stack}': {credential.env_var} is not set" in out


@pytest.mark.parametrize("key", PROVIDER_KEYS)
def test_a_provider_credential_in_the_stack_file_is_a_finding_with_its_removal(tmp_path, passphrase_stack, key):
    salt_line, key_bytes = passphrase_stack
    data = _configured("pre-production", key_bytes, {"encryptionsalt": salt_line})
    full = key if ":" in key else f"vital-expert-infra:{key}"
    data["config"][full] = {"secure": encrypt(CANARY, key_bytes)}
    env = {**READY_ENV, "PULUMI_CONFIG_PASSPHRASE": "correct horse battery staple"}
    report = checks.examine("pre-production", env, _write(tmp_path, data, "pre-production"))
    (finding,) = [f for f in report.findings if key in f.what]
    assert finding.what.startswith(f"{key} is in the stack file: a provider credential there wins over the job's own")
    assert finding.fix.startswith(f"pulumi config rm --stack pre-production {key}; set ")
    assert "in the environment instead" in finding.fix and CANARY not in _texts(report)


# ---- passphrase provider: decrypted as the CLI does ------------------------------------------------


def test_a_passphrase_stack_decrypts_every_secret_and_prints_none(tmp_path, passphrase_stack):
    salt_line, key = passphrase_stack
    path = _write(tmp_path, _configured("production", key, {"encryptionsalt": salt_line}))
    report = checks.examine("production", {**READY_ENV, "PULUMI_CONFIG_PASSPHRASE": "correct horse battery staple"}, path)
    assert report.findings == []
    assert "6 of 6 secrets decrypt (values not shown)" in report.notes
    assert CANARY not in _texts(report)


def test_a_wrong_passphrase_is_one_finding(tmp_path, passphrase_stack):
    salt_line, key = passphrase_stack
    path = _write(tmp_path, _configured("production", key, {"encryptionsalt": salt_line}))
    report = checks.examine("production", {**READY_ENV, "PULUMI_CONFIG_PASSPHRASE": "wrong"}, path)
    assert [f.what for f in report.findings] == [
        "secrets cannot be decrypted: incorrect passphrase: it does not decrypt the stack's encryptionsalt check value"]


def test_a_value_from_another_key_and_an_empty_passphrase_are_found(tmp_path, passphrase_stack):
    salt_line, key = passphrase_stack
    data = _configured("production", key, {"encryptionsalt": salt_line})
    data["config"]["vital-expert-infra:secretEnv"]["OPENAI_API_KEY"] = {"secure": encrypt(CANARY, os.urandom(32))}
    path = _write(tmp_path, data)
    text = _texts(checks.examine("production", {**READY_ENV, "PULUMI_CONFIG_PASSPHRASE": "correct horse battery staple"}, path))
    assert "secretEnv.OPENAI_API_KEY does not decrypt: authentication failed: it was encrypted with another key" in text
    assert "--secret --path secretEnv.OPENAI_API_KEY" in text and CANARY not in text
    empty = checks.examine("production", {**READY_ENV, "PULUMI_CONFIG_PASSPHRASE": ""}, path)
    assert any("PULUMI_CONFIG_PASSPHRASE is set but empty" in f.what for f in empty.findings)


def test_no_passphrase_in_the_environment_is_a_finding(tmp_path, passphrase_stack):
    salt_line, key = passphrase_stack
    path = _write(tmp_path, _configured("production", key, {"encryptionsalt": salt_line}))
    report = checks.examine("production", READY_ENV, path)
    assert any("neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE" in f.what for f in report.findings)


# ---- awskms: the data key through moto's KMS ---------------------------------------------------------


def test_an_awskms_stack_decrypts_through_kms(tmp_path, moto_endpoint, monkeypatch):  # noqa: F811
    kms = aws_client(moto_endpoint, "kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/pulumi-state-pre-production", TargetKeyId=key_id)
    data_key = os.urandom(32)
    blob = kms.encrypt(KeyId="alias/pulumi-state-pre-production", Plaintext=data_key)["CiphertextBlob"]
    header = {"secretsprovider": "awskms://alias/pulumi-state-pre-production?region=us-east-1",
              "encryptedkey": base64.b64encode(blob).decode()}
    path = _write(tmp_path, _configured("pre-production", data_key, header), "pre-production")
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", moto_endpoint)
    report = checks.examine("pre-production", READY_ENV, path)
    assert report.findings == [] and "3 of 3 secrets decrypt (values not shown)" in report.notes
    # A data key the KMS key did not encrypt cannot be used.
    header["encryptedkey"] = base64.b64encode(b"not a kms blob" * 4).decode()
    bad = checks.examine("pre-production", READY_ENV, _write(tmp_path, _configured("pre-production", data_key, header), "pre-production"))
    assert [f.what.split(" (")[0] for f in bad.findings] == ["secrets cannot be decrypted: KMS refused to decrypt encryptedkey"]


# ---- awskms: each stack on its own key ------------------------------------------------------------


def _own_key_findings(tmp_path, stack: str, provider: str) -> checks.Report:
    header = {"secretsprovider": provider, "encryptedkey": base64.b64encode(os.urandom(64)).decode()}
    path = _write(tmp_path, _configured(stack, os.urandom(32), header), stack)
    return checks.examine(stack, READY_ENV, path, kms_client=_NoKms())


class _NoKms:
    """Decryption is not what these tests look at: KMS refuses, which the doctor reports apart."""

    def decrypt(self, **_):
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "Decrypt")


def _key_findings(report: checks.Report) -> list[checks.Finding]:
    return [f for f in report.findings if f.what.startswith("secretsprovider uses")]


@pytest.mark.parametrize(("stack", "provider", "owner"), [
    ("production", "awskms://alias/pulumi-state-preview?region=eu-central-1", "preview"),
    ("production", "awskms://alias/pulumi-state-pre-production?region=eu-central-1", "pre-production"),
    ("pre-production", "awskms://alias/pulumi-state-production?region=eu-central-1", "production"),
    ("preview", "awskms:///arn:aws:kms:eu-central-1:111122223333:alias/team-state-production?region=eu-central-1",
     "production"),
])
def test_a_stack_on_another_stacks_key_is_a_finding_with_its_fix(tmp_path, stack, provider, owner):
    [finding] = _key_findings(_own_key_findings(tmp_path, stack, provider))
    assert f"uses stack '{owner}''s key" in finding.what
    base = "alias/team-state" if "team-state" in provider else "alias/pulumi-state"
    assert finding.fix.startswith(
        f"pulumi stack change-secrets-provider --stack {stack} 'awskms://{base}-{stack}?region=eu-central-1'")


def test_the_buckets_shared_key_is_a_finding_and_the_stacks_own_is_not(tmp_path):
    [shared] = _key_findings(_own_key_findings(tmp_path, "production", "awskms://alias/pulumi-state?region=eu-central-1"))
    assert "alias/pulumi-state, which is no stack's own key" in shared.what
    assert "'awskms://alias/pulumi-state-production?region=eu-central-1'" in shared.fix
    for stack in TIERS:
        own = _own_key_findings(tmp_path, stack, f"awskms://alias/pulumi-state-{stack}?region=eu-central-1")
        assert _key_findings(own) == [], stack
    by_id = _own_key_findings(tmp_path, "production", "awskms://1234abcd-12ab-34cd-56ef-1234567890ab?region=eu-central-1")
    assert _key_findings(by_id) == [] and any("by id or ARN" in n for n in by_id.notes)


def test_awskms_without_its_key_line_is_found(tmp_path):
    path = _write(tmp_path, _configured("production", os.urandom(32), {"secretsprovider": "awskms://alias/x?region=us-east-1"}))
    report = checks.examine("production", READY_ENV, path)
    assert any("no encryptedkey: line" in f.what for f in report.findings)


# ---- the file, the backend and the references --------------------------------------------------------


def test_a_malformed_value_names_its_key(tmp_path):
    data = _configured("production", os.urandom(32), {"secretsprovider": "awskms://alias/x?region=us-east-1", "encryptedkey": "eA=="})
    data["config"]["vital-expert-infra:vercelDeployToken"] = {"secure": "v1:cGxhY2Vob2xkZXI=:c2V0IG1l"}
    text = _texts(checks.examine("production", READY_ENV, _write(tmp_path, data)))
    assert "vercelDeployToken is not ciphertext the CLI can decrypt (its nonce is 11 bytes; AES-GCM needs 12)" in text
    assert "pulumi config set --stack production --secret vercelDeployToken" in text


def test_a_missing_declared_key_is_the_clis_words(tmp_path):
    data = _configured("production", os.urandom(32), {"encryptionsalt": "v1:AAAA:x"})
    del data["config"]["vital-expert-infra:supabaseProjectRef"]
    report = checks.examine("production", READY_ENV, _write(tmp_path, data))
    # pkg/cmd/pulumi/operations/preview.go wraps pkg/workspace/config.go missingStackConfigurationKeysError.
    assert any(f.what == "the CLI stops with \"error: validating stack config: Stack 'production' is missing "
                         "configuration value 'supabaseProjectRef'\"" and f.fix == "pulumi config set --stack production "
               "supabaseProjectRef VALUE" for f in report.findings)


def test_no_backend_url_is_a_finding(tmp_path):
    data = _configured("preview", os.urandom(32), {"secretsprovider": "awskms://alias/x?region=us-east-1", "encryptedkey": "eA=="})
    env = {k: v for k, v in READY_ENV.items() if k != "PULUMI_BACKEND_URL"}
    report = checks.examine("preview", env, _write(tmp_path, data, "preview"))
    assert any("PULUMI_BACKEND_URL is not set" in f.what for f in report.findings), _texts(report)


def test_an_unreadable_stack_file_is_one_finding(tmp_path):
    path = tmp_path / "Pulumi.production.yaml"
    path.write_text("config:\n  a: 1\n  a: 2\n")
    report = checks.examine("production", READY_ENV, path)
    assert [f.what for f in report.findings] == [
        f"the CLI cannot read the stack file: {path}: line 3: mapping key \"a\" already defined at line 2"]


# ---- exit codes -------------------------------------------------------------------------------


def test_usage_error_is_one_line_exit_2():
    done = subprocess.run([sys.executable, "-m", "tools.doctor", "--stack", "staging"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "invalid choice: 'staging'" in done.stderr


def test_an_internal_error_is_exit_3_with_the_traceback_in_a_log(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("VITAL_LOG_DIR", str(tmp_path))
    monkeypatch.setattr(checks, "examine", lambda *a, **k: 1 / 0)
    assert main(["--stack", "production"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    log = Path(err.strip().rsplit(" ", 1)[-1])
    assert log.parent == tmp_path and "ZeroDivisionError" in log.read_text()


# ---- awskms as gocloud uses it (tools/doctor/kmsurl.py; gocloud secrets/awskms/kms.go, aws/aws.go) ----


def _all_decrypt(report: checks.Report) -> bool:
    return any(re.fullmatch(r"(\d+) of \1 secrets decrypt \(values not shown\)", note) for note in report.notes)


@pytest.fixture()
def kms_stack(tmp_path, moto_endpoint, monkeypatch):  # noqa: F811
    """A pre-production stack whose data key KMS sealed under alias/pulumi-state-pre-production,
    with an encryption context; (write(provider URL) -> report, the KMS client)."""
    kms = aws_client(moto_endpoint, "kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    alias = f"alias/pulumi-state-pre-production-{os.urandom(4).hex()}"
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    data_key = os.urandom(32)
    blob = kms.encrypt(KeyId=alias, Plaintext=data_key, EncryptionContext={"stack": "pre-production"})["CiphertextBlob"]

    def examine(query: str) -> checks.Report:
        """The report, without the finding that this test key is no stack's own (one alias per test)."""
        header = {"secretsprovider": f"awskms://{alias}?{query}", "encryptedkey": base64.b64encode(blob).decode()}
        path = _write(tmp_path, _configured("pre-production", data_key, header), "pre-production")
        report = checks.examine("pre-production", READY_ENV, path)
        report.findings = [f for f in report.findings if not f.what.startswith("secretsprovider uses")]
        return report

    return examine, kms, alias


def test_kms_decrypts_with_the_urls_context_and_no_key_id_as_gocloud_does(kms_stack, moto_endpoint, monkeypatch):  # noqa: F811
    # gocloud secrets/awskms/kms.go keeper.Decrypt: CiphertextBlob and EncryptionContext, no KeyId.
    examine, kms, alias = kms_stack
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", moto_endpoint)
    assert _all_decrypt(examine("region=us-east-1&context_stack=pre-production"))
    # Without the context the URL names, KMS refuses: the doctor passed it on.
    [finding] = examine("region=us-east-1").findings
    assert finding.what.startswith("secrets cannot be decrypted: KMS refused to decrypt encryptedkey (InvalidCiphertextException")
    # The alias re-pointed to a new key: KMS still finds the old one in the ciphertext (a KeyId
    # naming the alias would make it refuse).
    kms.update_alias(AliasName=alias, TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    assert examine("region=us-east-1&context_stack=pre-production").findings == []


def test_kms_endpoint_profile_and_role_parameters_are_honoured(kms_stack, moto_endpoint, monkeypatch, tmp_path):  # noqa: F811
    # gocloud aws/aws.go V2ConfigFromURLParams: endpoint (the KMS client's), profile, role (STS AssumeRole).
    examine, _, _ = kms_stack
    query = f"context_stack=pre-production&endpoint={moto_endpoint}"
    assert examine(f"region=us-east-1&{query}").findings == []  # no AWS_ENDPOINT_URL_KMS: the URL's endpoint
    config = tmp_path / "aws-config"
    config.write_text("[profile vital-state]\nregion = us-east-1\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert examine(f"profile=vital-state&{query}").findings == []  # the profile's region
    assert "profile=missing is not in the AWS config" in examine(f"profile=missing&{query}").findings[0].what
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_endpoint)
    role = "arn:aws:iam::123456789012:role/pulumi-state-reader"
    assert examine(f"region=us-east-1&role={role}&{query}").findings == []
    refused = examine(f"region=us-east-1&role=arn:x&{query}").findings[0].what
    assert "STS refused to assume the provider URL's role=arn:x" in refused  # STS was asked
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # no region from the environment either
    assert "STS client created with empty region" in examine(f"role={role}&{query}").findings[0].what


@pytest.mark.parametrize(("provider", "message"), [
    # gocloud aws/aws.go V2ConfigFromURLParams: "unknown query parameter".
    ("awskms://alias/pulumi-state-production?region=eu-central-1&regoin=x",
     'open keeper awskms://alias/pulumi-state-production?region=eu-central-1&regoin=x: unknown query parameter "regoin"'),
    ("awskms://alias/pulumi-state-production?dualstack=yes",
     'invalid value for dualstack: strconv.ParseBool: parsing "yes": invalid syntax'),
    ("awskms://alias/pulumi-state-production?role=pulumi-state-reader",
     "invalid value for role: must be a valid ARN (starts with 'arn:'): pulumi-state-reader"),
    ("awskms://alias/pulumi-state-production?context_stack=a&context_stack=b",
     'open keeper: EncryptionContext URL parameters "context_stack" must have exactly 1 value'),
    # Go's net/url parseHost: an ARN in the host ends in a port that is not one.
    ("awskms://arn:aws:kms:eu-central-1:111122223333:alias/pulumi-state-production?region=eu-central-1",
     'unable to parse the secrets provider URL: parse "awskms://arn:aws:kms:eu-central-1:111122223333:alias/'
     'pulumi-state-production?region=eu-central-1": invalid port ":alias" after host'),
])
def test_a_provider_url_the_cli_cannot_open_is_its_message(tmp_path, provider, message):
    report = _own_key_findings(tmp_path, "production", provider)
    [finding] = [f.what for f in report.findings if "cannot open" in f.what]
    assert finding.startswith("the CLI cannot open the secrets provider: ") and finding.endswith(message)


@pytest.mark.parametrize("provider", ["default", ""])
def test_default_or_empty_provider_with_a_salt_is_the_passphrase_provider(tmp_path, passphrase_stack, provider):
    # pkg/cmd/pulumi/stack/secrets.go GetSecretsManager: "", "default" and "passphrase" with an
    # encryptionsalt are the passphrase provider.
    salt_line, key = passphrase_stack
    path = _write(tmp_path, _configured("production", key, {"secretsprovider": provider, "encryptionsalt": salt_line}))
    report = checks.examine("production", {**READY_ENV, "PULUMI_CONFIG_PASSPHRASE": "correct horse battery staple"}, path)
    assert report.findings == [] and _all_decrypt(report)
    assert any("never writes" in note for note in report.notes) == (provider == "default")
