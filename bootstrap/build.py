"""The bootstrap program: its components from their specs, and what the stack exports."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from vital.names import AWS_REGION_VARIABLE, BACKEND_URL_VARIABLE, TIERS
from vital.trust import REPOSITORY, ROLES

from .components import CiRole, GitHubOidc, StateBucket, StateKey, SubjectTemplate
from .config import BootstrapConfig
from .documents import Account
from .environments import CiEnvironment
from .resolve import resolve


def account(region: str) -> Account:
    """The caller's account and partition (STS GetCallerIdentity needs no permission), known in a preview."""
    identity = aws.get_caller_identity()
    partition = aws.get_partition()
    return Account(partition.partition, identity.account_id, region, partition.dns_suffix)


def backend_url(cfg: BootstrapConfig) -> str:
    return f"s3://{cfg.bucket}?region={cfg.region}"


def github_variables(cfg: BootstrapConfig, where: Account) -> dict[str, dict]:
    """Each GitHub Actions variable and where it goes: the repository, or an environment."""
    repository = {BACKEND_URL_VARIABLE: backend_url(cfg), AWS_REGION_VARIABLE: cfg.region}
    environments: dict[str, dict[str, str]] = {}
    for role in ROLES:
        scope = repository if role.scope == REPOSITORY else environments.setdefault(role.scope, {})
        scope[role.variable] = where.role_arn(role.name)
    return {"repository": repository, "environments": environments}


def build(cfg: BootstrapConfig) -> dict[str, object]:
    where = account(cfg.region)
    specs = resolve(cfg, where)
    bucket_key = StateKey(specs.bucket_key.name, specs.bucket_key)
    for spec in specs.stack_keys:
        StateKey(spec.name, spec)
    bucket = StateBucket("backend", specs.bucket, bucket_key.arn)
    oidc = GitHubOidc("github", specs.oidc)
    roles = [CiRole(spec.key, spec, opts=pulumi.ResourceOptions(depends_on=[oidc])) for spec in specs.roles]
    for environment in specs.environments:
        CiEnvironment(f"environment-{environment.name}", environment)
    # The subject template last: tokens of the new shape are trusted before GitHub sends them.
    SubjectTemplate("subjects", specs.oidc, after=[role.role for role in roles])
    return {
        "backendUrl": backend_url(cfg),
        "region": cfg.region,
        "bucket": bucket.name,
        "keyAliases": {spec.stack or "state": spec.alias for spec in (specs.bucket_key, *specs.stack_keys)},
        "roleArns": {role.key: where.role_arn(role.name) for role in ROLES},
        "githubVariables": github_variables(cfg, where),
        # The line that makes each tier's stack in this backend, sealed with its own key.
        "stackInits": {
            spec.stack: f'pulumi stack init {spec.stack} --secrets-provider "awskms://{spec.alias}?region={cfg.region}"'
            for spec in specs.stack_keys
            if spec.stack in TIERS
        },
    }
