"""Where the backend is (Target), and the AWS clients to reach it, each call with a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config

CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 6
CALL_ATTEMPTS = 2


@dataclass(frozen=True)
class Target:
    bucket: str
    region: str
    endpoint_url: str | None = None


@lru_cache(maxsize=1)
def _model_loader() -> botocore.loaders.Loader:
    # Service models are static, so one loader serves every session in the process.
    return botocore.loaders.create_loader()


class Backend:
    """A target and its clients, built on first use; each session resolves credentials afresh."""

    def __init__(self, target: Target) -> None:
        core = botocore.session.get_session()
        core.register_component("data_loader", _model_loader())
        self._session = boto3.session.Session(botocore_session=core, region_name=target.region)
        paths = _model_loader().search_paths  # boto3 appends its data path on every new session
        paths[:] = list(dict.fromkeys(paths))
        self.target = target
        self._config = Config(
            # Custom endpoints (moto, MinIO, LocalStack) rarely resolve virtual-hosted buckets.
            s3={"addressing_style": "path" if target.endpoint_url else "auto"},
            # A deadline on every call: a silent endpoint is answered, one line, within about 20 s.
            retries={"mode": "standard", "max_attempts": CALL_ATTEMPTS},
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=READ_TIMEOUT_S,
        )
        self._account: str | None = None

    def _client(self, service: str) -> Any:
        return self._session.client(service, endpoint_url=self.target.endpoint_url, config=self._config)

    @cached_property
    def s3(self) -> Any:
        return self._client("s3")

    @cached_property
    def sts(self) -> Any:
        return self._client("sts")

    @property
    def bucket(self) -> str:
        return self.target.bucket

    def account(self) -> str:
        # Also the earliest check that the credentials work at all.
        if self._account is None:
            self._account = self.sts.get_caller_identity()["Account"]
        return self._account


def open_backend(target: Target) -> Backend:
    return Backend(target)
