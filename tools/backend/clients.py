"""Where the backend is (Target), what it should look like (Desired), and the AWS clients to reach it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config

from tools.backend.errors import none_on_error

DEFAULT_KMS_ALIAS = "alias/pulumi-state"
DEFAULT_NONCURRENT_DAYS = 90
CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 6
CALL_ATTEMPTS = 2

PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


# --------------------------------------------------------------------------------------
# What a healthy backend looks like: the one description bootstrap applies and status checks.


@dataclass(frozen=True)
class Desired:
    versioning: str = "Enabled"
    sse_algorithm: str = "aws:kms"
    bucket_key_enabled: bool = True
    public_access_block: tuple[str, ...] = PUBLIC_ACCESS_FLAGS
    deny_insecure_transport: bool = True
    noncurrent_days: int = DEFAULT_NONCURRENT_DAYS
    abort_multipart_days: int = 7
    key_state: str = "Enabled"
    key_rotation: bool = True


@dataclass(frozen=True)
class Target:
    bucket: str
    region: str
    kms_alias: str = DEFAULT_KMS_ALIAS
    endpoint_url: str | None = None
    github_repo: str | None = None  # OWNER/REPO: also manage the CI identities (identity.py)


@lru_cache(maxsize=1)
def _model_loader() -> botocore.loaders.Loader:
    # Service models are static, so one loader serves every session in the process; a fresh
    # session would otherwise re-parse the large S3 model for each Backend.
    return botocore.loaders.create_loader()


class Clients:
    """The only place boto3 clients are built, so every call shares endpoint and region.

    Each client is built on first use: history and restore never pay for a KMS client.
    Sessions are not shared: each resolves credentials from the environment afresh.
    """

    def __init__(self, target: Target) -> None:
        core = botocore.session.get_session()
        core.register_component("data_loader", _model_loader())
        self._session = boto3.session.Session(botocore_session=core, region_name=target.region)
        # boto3 appends its data path on every new session; keep the shared list from growing.
        paths = _model_loader().search_paths
        paths[:] = list(dict.fromkeys(paths))
        self._endpoint_url = target.endpoint_url
        self._config = Config(
            # Custom endpoints (moto, MinIO, LocalStack) rarely resolve virtual-hosted buckets.
            s3={"addressing_style": "path" if target.endpoint_url else "auto"},
            # A deadline on every call: a silent endpoint is answered, one line, within about 20 s.
            retries={"mode": "standard", "max_attempts": CALL_ATTEMPTS},
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=READ_TIMEOUT_S,
        )

    def _client(self, service: str) -> Any:
        return self._session.client(service, endpoint_url=self._endpoint_url, config=self._config)

    @cached_property
    def s3(self) -> Any:
        return self._client("s3")

    @cached_property
    def kms(self) -> Any:
        return self._client("kms")

    @cached_property
    def sts(self) -> Any:
        return self._client("sts")

    @cached_property
    def iam(self) -> Any:
        return self._client("iam")


class Backend:
    """A target plus its clients, with the few lookups that several settings share."""

    def __init__(self, target: Target, desired: Desired, clients: Clients) -> None:
        self.target = target
        self.desired = desired
        self.clients = clients
        self._account: str | None = None
        self._key: dict[str, Any] | None = None
        self._key_looked_up = False

    @property
    def s3(self) -> Any:
        return self.clients.s3

    @property
    def kms(self) -> Any:
        return self.clients.kms

    @property
    def iam(self) -> Any:
        return self.clients.iam

    @property
    def bucket(self) -> str:
        return self.target.bucket

    def account(self) -> str:
        # Also the earliest check that the credentials work at all.
        if self._account is None:
            self._account = self.clients.sts.get_caller_identity()["Account"]
        return self._account

    def key(self) -> dict[str, Any] | None:
        """KeyMetadata of the key behind the alias, or None when the alias does not exist."""
        if not self._key_looked_up:
            self._key = describe_key(self.kms, self.target.kms_alias)
            self._key_looked_up = True
        return self._key

    def forget_key(self) -> None:
        self._key_looked_up = False

    def partition(self) -> str:
        # aws, aws-cn or aws-us-gov: bucket ARNs differ outside the commercial partition.
        return self.clients.s3.meta.partition

    def bucket_arn(self) -> str:
        return f"arn:{self.partition()}:s3:::{self.bucket}"


def open_backend(target: Target, desired: Desired | None = None) -> Backend:
    return Backend(target, desired or Desired(), Clients(target))


def describe_key(kms: Any, key_id: str) -> dict[str, Any] | None:
    response = none_on_error("NotFoundException", kms.describe_key, KeyId=key_id)
    return None if response is None else response["KeyMetadata"]
