"""moto's standalone server on 127.0.0.1, for tests that must speak real HTTP to AWS APIs.

Import the fixture into a test module (`from tests.moto_server import moto_endpoint`). The server
runs in a thread of the test process; boto3 (and any `python -m ...` subprocess, which
inherits the fake credentials) reaches it only through `endpoint_url`.
"""

from __future__ import annotations

import functools
import logging
import urllib.request
from contextlib import contextmanager
from typing import Any, Iterator

import boto3
import pytest
from botocore.config import Config
from moto import backends
from moto.kms import models as kms_models
from moto.server import ThreadedMotoServer

# Fake credentials only, and no file or metadata service that could supply real ones.
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}
_MOTO_MODULES = backends.list_of_moto_modules
UNSET_AWS_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """URL of a moto server shared by one test module, with fake AWS credentials in the env."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request otherwise
    with pytest.MonkeyPatch.context() as env:
        for name in UNSET_AWS_ENV:
            env.delenv(name, raising=False)
        for name, value in FAKE_AWS_ENV.items():
            env.setenv(name, value)
        # moto makes a fresh RSA-2048 private key for every KMS key it creates, even a symmetric
        # one that never signs (a sixth of the backend tests' time). One key per key spec is
        # enough here: the backend only encrypts and decrypts with symmetric keys.
        env.setattr(kms_models, "generate_private_key", functools.cache(kms_models.generate_private_key))
        # The server lists moto's package directory on every request to route it; the list never changes.
        env.setattr(backends, "list_of_moto_modules", functools.cache(lambda: tuple(_MOTO_MODULES())))
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


def aws_client(endpoint: str, service: str, region: str = "us-east-1", **credentials: Any) -> Any:
    """A boto3 client for checking what the code under test did, bypassing that code."""
    config = Config(s3={"addressing_style": "path"})
    return boto3.client(service, region_name=region, endpoint_url=endpoint, config=config, **credentials)


def _set_auth_threshold(endpoint: str, value: str) -> None:
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        data=value.encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},  # a form content type would swallow the body
    )
    with urllib.request.urlopen(request) as response:
        response.read()


@contextmanager
def iam_enforced(endpoint: str) -> Iterator[None]:
    """Make the server check IAM policies on every request while inside the block.

    By default moto allows everything; with this on, only IAM users created beforehand
    (with their policies) can do anything, so AccessDenied comes from the server itself.
    """
    _set_auth_threshold(endpoint, "0")
    try:
        yield
    finally:
        _set_auth_threshold(endpoint, "inf")
