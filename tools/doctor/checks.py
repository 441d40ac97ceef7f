"""What would stop the Pulumi CLI before the program runs, found from the stack file and the environment.

Each check models one step the CLI takes (pulumi/pulumi at sdk 3.260): reading the stack
file (yaml.v3), finding its secrets provider and key, decrypting every `secure:` value
(pkg/workspace/config.go validateStackConfigValues), requiring declared keys, and the backend's URL.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from program.secrets import provider_credentials, required_secrets
from vital import declarations, secretsscheme, stackfile
from vital.names import PROJECT, TIERS, UPSTASH_EMAIL_KEY, key_alias_stack, stack_key_alias
from vital.tiers import TIER_DEFAULTS

from . import crypter, kmsurl

KMS_INIT = "pulumi stack change-secrets-provider --stack {stack} 'awskms://{alias}?region=REGION'"


@dataclass(frozen=True)
class Finding:
    what: str
    fix: str


@dataclass
class Report:
    stack: str
    findings: list[Finding] = field(default_factory=list)
    # What was checked beyond the file (decryption), or could not be checked here.
    notes: list[str] = field(default_factory=list)

    def add(self, what: str, fix: str) -> None:
        self.findings.append(Finding(what, fix))


def examine(
    stack: str, env: Mapping[str, str] | None = None, path: Path | None = None, kms_client: Any = None
) -> Report:
    env = os.environ if env is None else env
    report = Report(stack)
    path = path or stackfile.ROOT / f"Pulumi.{stack}.yaml"
    if not path.exists():
        report.add(
            f"no stack file {path.name}",
            f"pulumi stack init {stack} --secrets-provider 'awskms://...' (docs/operators.md, First deploy of a stack)",
        )
        return report
    try:
        document = stackfile.load_yaml(path)
    except stackfile.StackFileError as err:
        report.add(f"the CLI cannot read the stack file: {err}", f"correct {path.name}")
        return report
    config = stackfile.config_section(document)
    tier = config.get(f"{PROJECT}:tier") or stack
    if tier not in TIERS:
        report.add(
            f"tier {tier!r} is not one of {', '.join(TIERS)}", f"set {PROJECT}:tier or name the stack after its tier"
        )
        return report
    _secrets_provider(report, document, env)
    _backend(report, env)
    _declared(report, path, tier)
    _secrets(report, document, tier, env)
    _decrypt(report, document, env, kms_client)
    return report


def _secrets_provider(report: Report, document: dict, env: Mapping[str, str]) -> None:
    """The secrets manager the CLI picks (vital/secretsscheme.py, GetSecretsManager)."""
    provider, salt, key = (document.get(k) for k in ("secretsprovider", "encryptionsalt", "encryptedkey"))
    init = _kms_init(report.stack)
    if provider is not None and not isinstance(provider, str):
        report.add(
            f"secretsprovider is a {type(provider).__name__}", "a provider URL such as awskms://alias/NAME?region=R"
        )
        return
    if provider == "default":
        report.notes.append(
            "secretsprovider: default is a value the CLI never writes; it reads it as no provider "
            f"line ({'the passphrase provider, as the file has an encryptionsalt' if salt else 'the backend default'})"
        )
    how = secretsscheme.scheme(document)
    if provider in secretsscheme.PASSPHRASE_OR_DEFAULT or provider is None:
        if not salt:
            line = f"secretsprovider: {provider}" if provider else "no secretsprovider: line"
            report.add(
                f"{line} and no encryptionsalt: line, so each CI run would create a passphrase "
                "salt of its own and none could decrypt another's secrets",
                f"{init}, then commit the stack file",
            )
            return
        _passphrase(report, env)
        return
    if how.kind == secretsscheme.NONE and not provider.startswith("awskms://"):
        report.add(how.why, f"{init}, then commit the stack file")
        return
    if provider.startswith("awskms://"):
        try:
            kmsurl.parse(provider)
        except kmsurl.KmsUrlError as err:
            report.add(
                f"the CLI cannot open the secrets provider: {err}",
                "correct the secretsprovider URL (the "
                "ARN form is awskms:///arn:aws:kms:...; parameters: region, endpoint, profile, role, context_*)",
            )
            return
        if not key:
            report.add(
                "secretsprovider is awskms but the file has no encryptedkey: line",
                f"{init}, then commit the stack file",
            )
        _own_key(report, provider)


def _kms_init(stack: str) -> str:
    return KMS_INIT.format(stack=stack, alias=stack_key_alias(stack))


def _own_key(report: Report, provider: str) -> None:
    """An awskms provider names the stack's own key, `<bucket alias>-<stack>` (docs/operators.md, State backend).

    Which CI role may decrypt a stack's secrets is decided by which key seals them: a stack on
    another stack's key is readable by every role that reads that one (a pull request's, for
    preview's and pre-production's keys); the bucket's key is usable by the roles only through S3.
    """
    key, query = crypter.kms_key_id(provider)[0], urlsplit(provider).query
    if "alias/" not in key:
        report.notes.append(
            "secretsprovider names its KMS key by id or ARN, so it was not checked to be this stack's own"
        )
        return
    alias = key[key.index("alias/") :]  # an alias ARN ends in alias/NAME too
    owner = key_alias_stack(alias)
    if owner is not None and owner[1] == report.stack:
        return
    base = owner[0] if owner else alias
    url = f"awskms://{stack_key_alias(report.stack, base)}" + (f"?{query}" if query else "")
    fix = (
        f"pulumi stack change-secrets-provider --stack {report.stack} '{url}' (decrypts with the old key, "
        "so run it with operator credentials), then commit the stack file"
    )
    if owner is not None:
        report.add(
            f"secretsprovider uses stack '{owner[1]}''s key ({alias}): every CI role that may decrypt "
            f"{owner[1]}'s secrets may decrypt this stack's",
            fix,
        )
    else:
        report.add(
            f"secretsprovider uses {alias}, which is no stack's own key (bootstrap makes one per stack, "
            "<alias>-<stack>; the CI roles use the bucket's key only through S3, so they could not decrypt)",
            fix,
        )


def _passphrase(report: Report, env: Mapping[str, str]) -> None:
    if "PULUMI_CONFIG_PASSPHRASE" in env:
        if env["PULUMI_CONFIG_PASSPHRASE"] == "":
            report.add(
                "PULUMI_CONFIG_PASSPHRASE is set but empty; the CLI accepts it, and it protects nothing",
                "set the stack's real passphrase, or move the stack to awskms (" + _kms_init(report.stack) + ")",
            )
    elif not env.get("PULUMI_CONFIG_PASSPHRASE_FILE"):
        report.add(
            "the stack uses the passphrase provider and neither PULUMI_CONFIG_PASSPHRASE nor "
            "PULUMI_CONFIG_PASSPHRASE_FILE is set, so a non-interactive CLI stops",
            "export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE)",
        )


def _backend(report: Report, env: Mapping[str, str]) -> None:
    url = env.get("PULUMI_BACKEND_URL", "")
    if not url:
        report.add(
            "PULUMI_BACKEND_URL is not set, so the CLI uses the last `pulumi login` or Pulumi Cloud",
            "export PULUMI_BACKEND_URL='s3://BUCKET?region=REGION' (docs/operators.md, State backend)",
        )


def _declared(report: Report, path: Path, tier: str) -> None:
    """Declared keys with no default and no value: the CLI's own words, and the commands (it
    prompts for none of them). An object key (secretEnv) is set member by member, with --path."""
    missing = stackfile.missing_declared(report.stack, path)
    if not missing:
        return
    proj = stackfile.project()
    commands = []
    for key in missing:
        secret = declarations.declared_secret(proj, key)
        if declarations.declared_type(proj, key) == "object":
            members = [
                s.command(report.stack) for s in required_secrets(tier) if s.key == f"{PROJECT}:{key}" and s.subkey
            ]
            commands += members or [
                f"pulumi config set --stack {report.stack}{' --secret' * secret} --path {key}.NAME{'' if secret else ' VALUE'}"
            ]
        else:
            commands.append(
                f"pulumi config set --stack {report.stack}{' --secret' * secret} {key}{'' if secret else ' VALUE'}"
            )
    report.add(f'the CLI stops with "{stackfile.cli_stops(report.stack, missing)}"', "; ".join(commands))


def _secrets(report: Report, document: dict, tier: str, env: Mapping[str, str]) -> None:
    config = stackfile.config_section(document)
    for secret in required_secrets(tier):
        value = config.get(secret.key)
        if secret.subkey is not None:
            value = value.get(secret.subkey) if isinstance(value, dict) else None
        if value is None:
            report.add(f"secret {secret.name} is not set", secret.command(report.stack))
        elif not stackfile.is_secure(value):
            report.add(
                f"{secret.name} is in the stack file in plaintext", f"{secret.command(report.stack)} (then commit)"
            )
    _provider_credentials(report, config, tier, env)
    if TIER_DEFAULTS[tier].owns_cache and UPSTASH_EMAIL_KEY not in config:
        report.add(
            f"{UPSTASH_EMAIL_KEY} is not set (Upstash authenticates with the account email and the API key)",
            f"pulumi config set --stack {report.stack} {UPSTASH_EMAIL_KEY} ops@example.com",
        )
    how = secretsscheme.scheme(document)
    for path, ciphertext in stackfile.secure_leaves(document).items():
        problem = secretsscheme.ciphertext_problem(ciphertext, how)
        if problem:
            name = path.split(":", 1)[1] if path.startswith(f"{PROJECT}:") else path
            report.add(
                f"{name} is not ciphertext the CLI can decrypt ({problem})",
                f"pulumi config set --stack {report.stack} --secret{' --path' if '.' in name else ''} {name}",
            )


def _provider_credentials(report: Report, config: dict, tier: str, env: Mapping[str, str]) -> None:
    """Provider credentials come only from the environment of `pulumi` (docs/credentials.md): one in
    the stack file wins over the job's own and is readable by every role that decrypts the stack."""
    for credential in provider_credentials(tier):
        name = credential.config_key.removeprefix(f"{PROJECT}:")
        where = f"set {credential.env_var} in the environment instead (in CI, the deploy environment's secret)"
        if credential.config_key in config:
            report.add(
                f"{name} is in the stack file: a provider credential there wins over the job's own and is "
                f"readable by every role that decrypts this stack",
                f"pulumi config rm --stack {report.stack} {name}; {where}, and revoke the token it held",
            )
        elif not env.get(credential.env_var):
            report.add(
                f"{credential.env_var} is not set, and the providers read their credential only from the environment",
                f"export {credential.env_var} where `pulumi up` runs (in CI, a secret of the "
                f"deploy environment: docs/credentials-setup.md)",
            )


def _decrypt(report: Report, document: dict, env: Mapping[str, str], kms_client: Any) -> None:
    leaves = stackfile.secure_leaves(document)
    how = secretsscheme.scheme(document)
    provider = how.provider
    try:
        key = _stack_key(document, env, kms_client)
    except crypter.DecryptError as err:
        report.add(f"secrets cannot be decrypted: {err}", "use the stack's own passphrase or KMS key")
        return
    if key is None:
        report.notes.append(
            f"secrets not decrypted here (provider {provider or 'passphrase'}; "
            f"set PULUMI_CONFIG_PASSPHRASE or use awskms to check them)"
        )
        return
    failed = []
    leaves = {p: c for p, c in leaves.items() if secretsscheme.ciphertext_problem(c, how) is None}
    for path, ciphertext in leaves.items():
        try:
            crypter.decrypt(ciphertext, key)
        except crypter.DecryptError as err:
            failed.append(path)
            name = path.split(":", 1)[1] if path.startswith(f"{PROJECT}:") else path
            report.add(
                f"{name} does not decrypt: {err}",
                f"set it again with this stack's provider: "
                f"pulumi config set --stack {report.stack} --secret"
                f"{' --path' if '.' in name else ''} {name}",
            )
    report.notes.append(f"{len(leaves) - len(failed)} of {len(leaves)} secrets decrypt (values not shown)")


def _stack_key(document: dict, env: Mapping[str, str], kms_client: Any) -> bytes | None:
    """The symmetric key the CLI would use (secretsscheme: a KMS data key, or the passphrase's)."""
    how = secretsscheme.scheme(document)
    if how.kind != secretsscheme.SYMMETRIC:
        return None
    if how.provider.startswith("awskms://"):
        return crypter.kms_data_key(how.provider, str(document["encryptedkey"]), kms_client)
    if how.provider not in secretsscheme.PASSPHRASE_OR_DEFAULT:
        return None  # gcpkms, azurekeyvault, hashivault: checked for form only
    passphrase = _passphrase_value(env)
    return None if passphrase is None else crypter.passphrase_key(passphrase, str(document["encryptionsalt"]))


def _passphrase_value(env: Mapping[str, str]) -> str | None:
    """The passphrase as the CLI reads it (readPassphrase): the variable, else the file, trimmed."""
    if "PULUMI_CONFIG_PASSPHRASE" in env:
        return env["PULUMI_CONFIG_PASSPHRASE"]
    file = env.get("PULUMI_CONFIG_PASSPHRASE_FILE")
    if file:
        try:
            return Path(file).read_text().strip()
        except OSError as err:
            raise crypter.DecryptError(f"PULUMI_CONFIG_PASSPHRASE_FILE cannot be read ({err.strerror})") from None
    return None
