"""What went wrong, classified from AWS's answer, and said in one line naming found vs expected."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

if TYPE_CHECKING:
    from tools.backend.clients import Target

ACCESS_DENIED_CODES = {"AccessDenied", "AccessDeniedException", "403", "Forbidden", "AllAccessDisabled"}
BAD_CREDENTIAL_CODES = {
    "InvalidAccessKeyId",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "InvalidToken",
}
WRONG_REGION_CODES = {
    "PermanentRedirect",
    "AuthorizationHeaderMalformed",
    "IllegalLocationConstraintException",
}


class BackendError(Exception):
    """A failure the user can act on; its text is printed as the one stderr line."""


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def http_status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def region_header(response: dict[str, Any]) -> str | None:
    return response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("x-amz-bucket-region")


# --------------------------------------------------------------------------------------
# Errors: every failure becomes one line naming what was found and what was expected.


def explain(exc: BaseException, target: Target) -> str:
    if isinstance(exc, BackendError):
        message = str(exc)
    elif isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        message = (
            f"no AWS credentials found ({exc}); expected credentials for the account that owns "
            f"bucket {target.bucket!r}: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        )
    elif isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError)):
        message = f"cannot reach the AWS endpoint ({exc}); check --endpoint-url and --region {target.region}"
    elif isinstance(exc, ResponseParserError):
        message = (
            f"the endpoint{' ' + target.endpoint_url if target.endpoint_url else ''} answered with something "
            f"that is not an AWS API response; check --endpoint-url and --region {target.region}"
        )
    elif isinstance(exc, NoRegionError):
        message = "no AWS region: pass --region"
    elif isinstance(exc, ClientError):
        message = explain_client_error(exc, target)
    elif isinstance(exc, BotoCoreError):
        message = f"AWS client error: {exc}"
    else:
        message = f"{type(exc).__name__}: {exc}"
    return " ".join(message.split())  # one line, whatever the service put in its message


def explain_client_error(exc: ClientError, target: Target) -> str:
    code = error_code(exc)
    detail = exc.response.get("Error", {}).get("Message", "") or code
    operation = exc.operation_name
    resource = f"bucket {target.bucket!r}"
    if code in ACCESS_DENIED_CODES:
        return (
            f"access denied: {operation} on {resource} was refused for these credentials ({detail}); "
            "expected permission to call it"
        )
    if code in BAD_CREDENTIAL_CODES:
        return (
            f"AWS rejected the credentials ({code}: {detail}); expected valid credentials for bucket {target.bucket!r}"
        )
    if code == "NoSuchBucket":
        return f"bucket {target.bucket!r} does not exist in {target.region}; the bootstrap stack makes it (`make bootstrap`)"
    if code in WRONG_REGION_CODES:
        found = region_header(exc.response) or "another region"
        return f"bucket {target.bucket!r} is in {found}, expected {target.region}: rerun with the bucket's --region"
    return f"{operation} on {resource} failed: {code}: {detail}"
